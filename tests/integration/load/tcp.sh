#!/usr/bin/env bash
# TCP in the load mix: `tcp: 30%` in a profile (and --tcp) sends that share
# of the queries over a few persistent, pipelined connections per worker,
# counted and timed like UDP.  The responder here closes every TCP
# connection after 40 answers, so the generator must reconnect, as a stub
# resolver does.  A bad fraction is an input error (exit 2) naming the
# file, line and key.  Assertions are on counts, never on timing.
. "$SRCDIR/tests/integration/lib.sh"

SS="$SRCDIR/scenarios/shared-services.yaml"
port=$(free_port)
python3 - "$port" >"$TMP/responder.log" 2>&1 <<'PY' &
# UDP and TCP on one port: flip QR and send the query back; TCP connections
# are closed by the server after 40 answers.
import selectors, socket, sys
port = int(sys.argv[1])
sel = selectors.DefaultSelector()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", port)); u.setblocking(False)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port)); t.listen(64); t.setblocking(False)
sel.register(u, selectors.EVENT_READ, "udp")
sel.register(t, selectors.EVENT_READ, "listen")
conns = {}
def reply(q):
    r = bytearray(q); r[2] |= 0x80; return bytes(r)
while True:
    ev = sel.select(timeout=30)
    if not ev:
        break
    for key, _ in ev:
        s = key.fileobj
        if key.data == "udp":
            try:
                q, a = s.recvfrom(2048)
            except BlockingIOError:
                continue
            if len(q) >= 12:
                s.sendto(reply(q), a)
        elif key.data == "listen":
            c, _ = s.accept(); c.setblocking(True)
            conns[c] = [b"", 0]
            sel.register(c, selectors.EVENT_READ, "tcp")
        else:
            st = conns[s]
            data = s.recv(65536)
            if not data:
                sel.unregister(s); s.close(); del conns[s]; continue
            st[0] += data
            while len(st[0]) >= 2 and len(st[0]) >= 2 + int.from_bytes(st[0][:2], "big"):
                n = int.from_bytes(st[0][:2], "big")
                q, st[0] = st[0][2:2 + n], st[0][2 + n:]
                r = reply(q)
                s.sendall(len(r).to_bytes(2, "big") + r)
                st[1] += 1
                if st[1] >= 40:
                    break
            if st[1] >= 40:
                sel.unregister(s); s.close(); del conns[s]
PY
PIDS+=($!)
# readiness: a TCP answer (the same path the generator uses)
for _ in $(seq 1 100); do
	python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $port), timeout=0.2)
q = b'\x12\x34' + b'\x00' * 10
s.sendall(len(q).to_bytes(2, 'big') + q)
assert s.recv(64)[2] == 0x12
" 2>/dev/null && break
	sleep 0.1
done

sc="$TMP/tcp.yaml"
sed '/^load:/,$d' "$SS" >"$sc"
cat >>"$sc" <<'YAML'
load:
  mixed:
    from: onprem
    qps: 400
    duration: 2s
    tcp: 30%
    mix:
      - {query: "q{seq}.example.com A", weight: 1}
YAML
"$HYBRIDNS" load "$sc" --target "127.0.0.1:$port" --format json -o "$TMP/r.json" ||
	fail "load with tcp: exit $?: $(cat "$TMP/r.json" 2>/dev/null)"
python3 - "$TMP/r.json" <<'PY' || fail "tcp report: $(head -c 2000 "$TMP/r.json")"
import json, sys
p = json.load(open(sys.argv[1]))["profiles"][0]
t = p["tcp"]
assert t["fraction"] == 0.3, t
# about 30% of 800 queries went over TCP (the draw is seeded; far from the bounds)
assert 120 <= t["sent"] <= 360, t
assert t["answered"] > 60, t
# 40 answers per connection: the generator had to open new ones
assert t["reconnects"] >= 1, t
assert p["answered"] + p["lost"] == p["intended"] == 800, p
assert p["answered"] > 600, p
assert p["histograms"]["response"]["count"] == p["answered"]
PY

# --tcp overrides the profile: all queries over TCP.
"$HYBRIDNS" load "$sc" --target "127.0.0.1:$port" --tcp 1 --duration 1 --format json -o "$TMP/all.json" ||
	fail "--tcp 1: exit $?"
python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["profiles"][0]
assert p["tcp"]["sent"] == p["sent"] == 400 and p["tcp"]["answered"] == p["answered"] > 200, p["tcp"]
' "$TMP/all.json" || fail "--tcp 1 report: $(head -c 2000 "$TMP/all.json")"

# Bad fractions: exit 2, the place named.
rc=0
"$HYBRIDNS" load "$sc" --tcp 1.5 >"$TMP/u.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "--tcp 1.5: exit $rc, expected 2"
grep -q -- "--tcp" "$TMP/u.out" || fail "--tcp 1.5 message: $(cat "$TMP/u.out")"
sed 's/    tcp: 30%/    tcp: 2/' "$sc" >"$TMP/bad.yaml"
rc=0
"$HYBRIDNS" load "$TMP/bad.yaml" >"$TMP/u.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "tcp: 2 in a profile: exit $rc, expected 2: $(cat "$TMP/u.out")"
grep -Eq 'bad.yaml:[0-9]+:[0-9]+.*tcp' "$TMP/u.out" || fail "tcp: 2 message lacks FILE:LINE:COL and the key: $(cat "$TMP/u.out")"
exit 0
