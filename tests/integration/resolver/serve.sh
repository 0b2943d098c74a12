#!/usr/bin/env bash
# The AWS side served on loopback, asked by real clients (dig, kdig, drill):
# each rule of docs/aws-semantics.md R1-R14 that a listener shows, malformed
# packets, the per-ENI ceiling, and the query log's field set.
# The UDP workers run on io_uring (UDP_IO, default io_uring: the start
# fails where the kernel refuses it); serve_epoll.sh runs it all again on
# the epoll loop.
source "$SRCDIR/tests/integration/lib.sh"

PORT=$(free_port)
SCEN="$SRCDIR/tests/integration/resolver/rules.yaml"
# The map is read while serve starts: the file exists before the background
# job opens it (on a busy machine the job may not have run its redirection yet).
: >"$TMP/serve.out"
"$HYBRIDNS" serve "$SCEN" --port "$PORT" --workers 2 --query-log "$TMP/qlog.json" \
	--udp-io "${UDP_IO:-io_uring}" --log-level info >"$TMP/serve.out" 2>"$TMP/serve.err" &
PIDS+=($!)

# addr LABEL: the loopback address the map gives the server with that label
addr() {
	for _ in $(seq 1 50); do
		local a
		a=$(awk -v l="$1" '$2 == l || ($2" "$3) == l { sub(/:[0-9]+$/, "", $NF); print $NF; exit }' "$TMP/serve.out")
		if [ -n "$a" ]; then echo "$a"; return 0; fi
		sleep 0.1
	done
	cat "$TMP/serve.err" >&2
	fail "no map entry for $1"
}
IN_A=$(addr "inbound/a")
IN_B=$(addr "inbound/b")
SLOW_B=$(addr "slow/b")
HUB=$(addr "vpc/hub")
SPOKE=$(addr "vpc/spoke")
NET=$(addr "internet")
ONPREM=$(addr "onprem/dc1-dns")
wait_dns "$IN_A" "$PORT" www.example.com

q() { # q SERVER NAME [TYPE] [dig options...]: the sorted short answer
	local s=$1 n=$2 t=${3:-A}
	shift 3 || shift $#
	dig +time=3 +tries=1 +short -p "$PORT" "@$s" "$n" "$t" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
status() { # status SERVER NAME [TYPE] [dig options...]
	local s=$1 n=$2 t=${3:-A}
	shift 3 || shift $#
	dig +time=8 +tries=1 -p "$PORT" "@$s" "$n" "$t" "$@" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'
}
expect() { # expect WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1"
}

# The done-when example: both endpoint ENIs from an inbound ENI (R7, R11 wildcard).
expect "execute-api wildcard via inbound (dig)" "$(q "$IN_A" abcd.execute-api.eu-west-1.amazonaws.com)" "10.0.1.25 10.0.2.25"
expect "execute-api via inbound b (kdig)" \
	"$(kdig +short +timeout=3 -p "$PORT" "@$IN_B" abcd.execute-api.eu-west-1.amazonaws.com | sort | tr '\n' ' ' | sed 's/ $//')" \
	"10.0.1.25 10.0.2.25"
drill -p "$PORT" "@$IN_A" abcd.execute-api.eu-west-1.amazonaws.com >"$TMP/drill.out"
grep -q "10.0.2.25" "$TMP/drill.out" || fail "drill: no endpoint answer"
echo "ok: drill"
expect "TCP" "$(q "$IN_A" abcd.execute-api.eu-west-1.amazonaws.com A +tcp)" "10.0.1.25 10.0.2.25"

# R1: longest match; overlapping PHZs pick the most specific, no fallback.
expect "R1 overlapping PHZ positive" "$(q "$HUB" db.accounting.example.com)" "10.9.9.10"
expect "R1 overlapping PHZ negative" "$(status "$HUB" www.accounting.example.com)" "NXDOMAIN"
# R2/R3: a forward rule beats the PHZ of the same name; the answer comes from on-prem.
expect "R2 forward rule beats PHZ" "$(q "$HUB" app.corp.example.com)" "192.168.20.15"
dig +noedns +time=3 +tries=1 -p "$PORT" "@$HUB" app.corp.example.com >"$TMP/noedns.out"
grep -q "ADDITIONAL: 0" "$TMP/noedns.out" || fail "forwarded answer carries an OPT the client did not send"
echo "ok: no OPT for a client without EDNS"
expect "R2 negative: spoke has no rule, example.com PHZ answers" "$(status "$SPOKE" app.corp.example.com)" "NXDOMAIN"
# R4: PHZ shadowing: a name missing from the PHZ is NXDOMAIN, with the SOA.
dig +time=3 +tries=1 -p "$PORT" "@$SPOKE" missing.example.com >"$TMP/nx.out"
grep -q "status: NXDOMAIN" "$TMP/nx.out" || fail "R4 shadowing: not NXDOMAIN"
grep -q "SOA" "$TMP/nx.out" || fail "R4: negative answer without SOA"
echo "ok: R4 shadowing with SOA"
# R6: EC2 IP names.
expect "R6 ip name" "$(q "$HUB" ip-10-0-1-99.eu-west-1.compute.internal)" "10.0.1.99"
expect "R6 negative: AAAA" "$(q "$HUB" ip-10-0-1-99.eu-west-1.compute.internal AAAA)" ""
# R7: S3 private DNS only for inbound endpoints.
expect "R7 S3 via inbound" "$(q "$IN_A" s3.eu-west-1.amazonaws.com)" "10.0.1.27 10.0.2.27"
expect "R7 S3 from the VPC itself is public" "$(q "$HUB" s3.eu-west-1.amazonaws.com)" "52.218.0.10"
# R10: vpce names from everywhere, the internet included; zonal names.
expect "R10 regional from the internet" "$(q "$NET" vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com)" "10.0.1.25 10.0.2.25"
expect "R10 zonal from the spoke" "$(q "$SPOKE" vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1a.execute-api.eu-west-1.vpce.amazonaws.com)" "10.0.1.25"
# R11: private DNS stays in its VPC: the peered spoke gets a public pool address.
spoke=$(q "$SPOKE" abcd.execute-api.eu-west-1.amazonaws.com)
case "$spoke" in 52.94.*) echo "ok: R11 peered VPC sees the public answer" ;; *) fail "R11 spoke: $spoke" ;; esac
# cross-region names go public even in the endpoint's VPC
xr=$(q "$HUB" abcd.execute-api.us-east-1.amazonaws.com)
case "$xr" in 52.94.*) echo "ok: cross-region goes public" ;; *) fail "cross-region: $xr" ;; esac
# R12: a gateway endpoint changes nothing.
expect "R12 gateway: public S3 from the spoke" "$(q "$SPOKE" s3.eu-west-1.amazonaws.com)" "52.218.0.10"
# Question echoed in the client's case; RA set, AA clear.
dig +time=3 +tries=1 -p "$PORT" "@$IN_A" WwW.ExAmPle.CoM >"$TMP/case.out"
grep -q "^;WwW.ExAmPle.CoM." "$TMP/case.out" || fail "question case not echoed"
grep -q "flags: qr rd ra;" "$TMP/case.out" || fail "flags not qr rd ra"
echo "ok: case and flags"

# Malformed packets: FORMERR or silence, never a crash.
python3 - "$IN_A" "$PORT" <<'PY' || fail "malformed packets"
import socket, struct, sys
ip, port = sys.argv[1], int(sys.argv[2])
def ask(pkt):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
    s.sendto(pkt, (ip, port))
    try: return s.recv(4096)
    except socket.timeout: return None
def hdr(qd=1, flags=0x0100): return struct.pack(">HHHHHH", 0xbeef, flags, qd, 0, 0, 0)
q = b"\x03www\x07example\x03com\x00" + struct.pack(">HH", 1, 1)
cases = {
  "truncated header": (hdr()[:7], None),
  "compression loop": (hdr() + b"\xc0\x0c" + struct.pack(">HH", 1, 1), 1),
  "label > 63": (hdr() + b"\x40" + b"a" * 64 + b"\x00" + struct.pack(">HH", 1, 1), 1),
  "name > 255": (hdr() + (b"\x3f" + b"a" * 63) * 4 + b"\x05aaaaa\x00" + struct.pack(">HH", 1, 1), 1),
  "qdcount 2": (hdr(qd=2) + q + q, 1),
  "qdcount 0": (hdr(qd=0), 1),
  "opcode notify": (hdr(flags=0x2000) + q, 5),
}
for name, (pkt, want) in cases.items():
    r = ask(pkt)
    got = None if r is None else r[3] & 0xf
    if want is None:
        assert r is None, name
    else:
        assert r is not None and got == want and r[:2] == b"\xbe\xef", (name, got)
    print("ok:", name)
PY
expect "alive after malformed packets" "$(q "$IN_A" www.example.com)" "10.9.9.9"

# The per-ENI ceiling (qps_per_ip 20) drops excess queries silently.
python3 - "$SLOW_B" "$PORT" <<'PY' || fail "ceiling"
import socket, struct, sys, time
ip, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
q = lambda i: struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x03com\x00" + struct.pack(">HH", 1, 1)
for i in range(200):
    s.sendto(q(i), (ip, port))
got = 0
try:
    while True:
        s.recv(4096); got += 1
except socket.timeout:
    pass
# 200 queries sent back to back: at most a few one-second windows' worth answer
assert 1 <= got <= 60, got
print("ok: ceiling answered", got, "of 200")
PY

# R14: a rule that loops through on-prem back to its own inbound endpoint ends in SERVFAIL.
expect "R14 loop ends in SERVFAIL" "$(status "$ONPREM" x.loop.example.net)" "SERVFAIL"

# R15: the query log has the documented field set.
python3 - "$TMP/qlog.json" <<'PY' || fail "query log"
import json, sys
need = ["version", "account_id", "region", "vpc_id", "query_timestamp", "query_name", "query_type",
        "query_class", "rcode", "answers", "srcaddr", "srcport", "transport", "srcids"]
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines, "empty log"
inbound = 0
for r in lines:
    for k in need:
        assert k in r, (k, r)
    assert r["version"] == "1.100000"
    assert r["query_name"].endswith(".")
    assert isinstance(r["srcport"], str)
    assert r["transport"] in ("UDP", "TCP")
    for a in r["answers"]:
        assert set(a) == {"Rdata", "Type", "Class"}, a
    if r["srcids"].get("resolver_endpoint", "").startswith("rslvr-in-"):
        assert r["srcids"]["resolver_network_interface"].startswith("rni-")
        inbound += 1
assert inbound > 0
print("ok: query log", len(lines), "lines")
PY
# Every answer above came from the loop asked for: io_uring never fell back.
if [ "${UDP_IO:-io_uring}" = io_uring ] && grep -q "using epoll" "$TMP/serve.err"; then
	fail "the io_uring workers fell back to epoll: $(grep "using epoll" "$TMP/serve.err" | head -3)"
fi
echo "all resolver integration checks passed (UDP workers on ${UDP_IO:-io_uring})"
