#!/usr/bin/env python3
"""Write the seed corpora of fuzz_query and fuzz_msg (tests/fuzz/corpus/).

Plain struct packing, no DNS library, so the seeds do not come from the code
under test.  Run from anywhere:  python3 tests/fuzz/make_corpus.py
Existing files of the same name are overwritten; other files (crashes found
by libFuzzer) are kept.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

A, NS, CNAME, SOA, TXT, AAAA, OPT = 1, 2, 5, 6, 16, 28, 41
IN = 1
QR, AA, TC, RD, RA = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080


def name(text):
    """Uncompressed wire form of a dotted name ("" or "." is the root)."""
    out = b""
    for label in text.strip(".").split("."):
        if label:
            raw = label.encode()
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def header(qd, an=0, ns=0, ar=0, flags=RD, ident=0x1234):
    return struct.pack("!6H", ident, flags, qd, an, ns, ar)


def question(qname, qtype=A, qclass=IN):
    return name(qname) + struct.pack("!2H", qtype, qclass)


def rr(owner, rtype, ttl, rdata, rclass=IN):
    """owner is wire bytes (possibly a pointer)."""
    return owner + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def opt(udp=1232, do=False, version=0, ext_rcode=0):
    ttl = ext_rcode << 24 | version << 16 | (0x8000 if do else 0)
    return rr(b"\0", OPT, ttl, b"", rclass=udp)


def ptr(offset):
    return struct.pack("!H", 0xC000 | offset)


def soa_rdata(minimum=300):
    return (name("ns1.example.com") + name("hostmaster.example.com") +
            struct.pack("!5I", 2026112901, 7200, 3600, 1209600, minimum))


def txt_rdata(size, ch=b"x"):
    out = b""
    while size > 0:
        n = min(size, 255)
        out += bytes([n]) + ch * n
        size -= n
    return out


QUERIES = {
    "simple-a": header(1) + question("example.com"),
    "mixed-case-aaaa": header(1) + question("WwW.ExAmPlE.CoM", AAAA),
    "root-ns": header(1) + question(".", NS),
    "edns-do": header(1, ar=1) + question("api.example.com") + opt(4096, do=True),
    "edns-v1": header(1, ar=1) + question("api.example.com") + opt(512, version=1),
    "edns-two-opt": header(1, ar=2) + question("a.example") + opt() + opt(),
    "edns-opt-owner": header(1, ar=1) + question("a.example") +
    rr(name("x"), OPT, 0, b"", rclass=1232),
    "truncated-header": header(1)[:7],
    "truncated-question": (header(1) + question("example.com"))[:20],
    "qdcount-0": header(0) + question("example.com"),
    "qdcount-2": header(2) + question("a.example") + question("b.example"),
    "label-64": header(1) + b"\x40" + b"a" * 64 + b"\0" + struct.pack("!2H", A, IN),
    "label-63": header(1) + b"\x3f" + b"a" * 63 + b"\0" + struct.pack("!2H", A, IN),
    "name-255": header(1) + question(".".join(["a" * 63] * 3 + ["b" * 61])),
    "name-256": header(1) + (b"\x3f" + b"a" * 63) * 3 + b"\x3e" + b"b" * 62 + b"\0" +
    struct.pack("!2H", A, IN),
    "pointer-self": header(1) + ptr(12) + struct.pack("!2H", A, IN),
    "pointer-forward": header(1) + ptr(14) + name("a") + struct.pack("!2H", A, IN),
    "pointer-header": header(1) + ptr(4) + struct.pack("!2H", A, IN),
    "pointer-loop": header(1) + ptr(14) + ptr(12) + struct.pack("!2H", A, IN),
    "label-type-40": header(1) + b"\x41a\0" + struct.pack("!2H", A, IN),
    "label-type-80": header(1) + b"\x81a\0" + struct.pack("!2H", A, IN),
    "records-before-opt": header(1, an=1, ns=1, ar=1) + question("example.com") +
    rr(ptr(12), A, 60, bytes([192, 0, 2, 1])) + rr(ptr(12), NS, 60, name("ns1.example.com")) +
    opt(1400, do=True),
    "escapes": header(1) + b"\x04a.\\\x00\x03\xff\x20@\0" + struct.pack("!2H", TXT, IN),
}

ANSWER_Q = question("www.example.com")
Q_END = 12 + len(ANSWER_Q)  # the first record's offset in the answers below


def answer(flags, an=(), ns=(), ar=(), q=ANSWER_Q):
    return header(1, len(an), len(ns), len(ar), flags=flags) + q + b"".join(an + ns + ar)


# The question name "www.example.com" is at 12; "example.com" at 16.
MSGS = {
    "positive": answer(QR | RD | RA, an=(rr(ptr(12), CNAME, 300, b"\x03web" + ptr(16)),
                                         rr(ptr(Q_END + 12), A, 60, bytes([192, 0, 2, 1]))),
                       ns=(rr(ptr(16), NS, 3600, b"\x03ns1" + ptr(16)),),
                       ar=(rr(name("ns1.example.com"), A, 120, bytes([192, 0, 2, 53])),
                           opt(4096, do=True))),
    "nxdomain-soa": answer(QR | AA | RD | RA | 3, ns=(rr(ptr(16), SOA, 900, soa_rdata(300)),)),
    "nodata-soa-compressed": answer(QR | RD | RA, ns=(
        rr(ptr(16), SOA, 60, b"\x03ns1" + ptr(16) + b"\x0ahostmaster" + ptr(16) +
           struct.pack("!5I", 1, 2, 3, 4, 600)),), ar=(opt(),)),
    "soa-short-rdata": answer(QR | 3, ns=(rr(ptr(16), SOA, 900, soa_rdata()[:-1]),)),
    "badvers": answer(QR | RD | RA, ar=(opt(1232, ext_rcode=1),)),
    "opt-in-answer": answer(QR, an=(opt(),)),
    "ttl-top-bit": answer(QR, an=(rr(ptr(12), A, 0x80000005, bytes(4)),)),
    "tc-empty": answer(QR | TC | RD | RA, ar=(opt(512),)),
    "large-txt": answer(QR | RD | RA, an=tuple(rr(ptr(12), TXT, 100 + i, txt_rdata(1000, b"t"))
                                               for i in range(5)), ar=(opt(4096),)),
    "txt-rdlen-past-end": answer(QR, an=(rr(ptr(12), TXT, 5, txt_rdata(100)),))[:-10],
    "count-too-high": header(1, an=3, flags=QR) + ANSWER_Q + rr(ptr(12), A, 5, bytes(4)),
    "rr-pointer-loop": answer(QR, an=(rr(ptr(Q_END) , A, 5, bytes(4)),)),
    "question-pointer-header": header(1, flags=QR) + ptr(4) + struct.pack("!2H", NS, IN),
    "qdcount-0": header(0, 1, flags=QR) + rr(name("a.example"), A, 5, bytes(4)),
    "qdcount-2": header(2, flags=QR) + question("a.example") + question("b.example"),
}


def write(folder, files):
    path = os.path.join(HERE, "corpus", folder)
    os.makedirs(path, exist_ok=True)
    for fname, data in files.items():
        with open(os.path.join(path, fname), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("query", QUERIES)
    # The answer-side target also sees every query: a query is a message too.
    write("msg", {**QUERIES, **{"answer-" + k: v for k, v in MSGS.items()}})
