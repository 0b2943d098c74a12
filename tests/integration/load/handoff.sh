#!/usr/bin/env bash
# --handoff: the in-process world's hops in memory (the default of `load`)
# or through the kernel.  Both answer the same queries the same way through
# the same components; in memory every query's four hops between the
# world's sockets (forwarder -> VPN relay -> ENI and back) are handed over
# and the VPN's delay still applies (a lower bound, not a timing); through
# the kernel nothing is handed over.  A bad value exits 2.
. "$SRCDIR/tests/integration/lib.sh"

SC="$TMP/world.yaml"
sed 's/slo: {p99_ms: 20, max_loss: 0.1%}/slo: {p99_ms: 2000, max_loss: 1%}/' \
	"$SRCDIR/bench/world-six-eni.yaml" >"$SC"
grep -q 'p99_ms: 2000' "$SC" || fail "could not widen the SLOs in the copy"

for mode in memory kernel; do
	args=()
	[ "$mode" = kernel ] && args=(--handoff kernel)
	"$HYBRIDNS" load "$SC" --profile unique --qps 1000 --duration 2 "${args[@]}" \
		--format json -o "$TMP/$mode.json" || fail "load --handoff $mode exited $?"
	out=$("$HYBRIDNS" load "$SC" --profile unique --qps 500 --duration 1 "${args[@]}") ||
		fail "load --handoff $mode (text) exited $?: $out"
	echo "$out" | grep -q "handoff: $mode" || fail "the text report does not say 'handoff: $mode': $out"
done

python3 - "$TMP/memory.json" "$TMP/kernel.json" <<'PY' || fail "handoff reports"
import json, sys
mem, ker = (json.load(open(f))["profiles"][0] for f in sys.argv[1:])
for p, mode in ((mem, "memory"), (ker, "kernel")):
    assert p["status"] == "pass", (mode, p["status"], p["slo"])
    assert p["handoff"]["mode"] == mode, p["handoff"]
    assert p["answered"] >= 0.99 * p["sent"] and p["sent"] > 1500, (mode, p["sent"], p["answered"])
    assert p["rcodes"] == {"NOERROR": p["answered"]}, p["rcodes"]
    # the tunnel's 2 ms each way: no answer comes back sooner, handed over or not
    assert p["histograms"]["response"]["min_ns"] >= 4000000, (mode, p["histograms"]["response"]["min_ns"])
# every answered query crossed four hops between the world's sockets, in memory; what the
# world's sockets sent through the kernel is the forwarder's answers to the generator
h = mem["handoff"]
assert h["handed"] >= 4 * mem["answered"], h
assert mem["answered"] <= h["kernel"] <= mem["sent"], h
assert ker["handoff"]["handed"] == 0 and ker["handoff"]["kernel"] == 0, ker["handoff"]
PY

# The same components counted the same path in both modes: every query forwarded, through the
# tunnel both ways, answered by the six ENIs, each a sixth of them.
python3 - "$TMP/memory.json" "$TMP/kernel.json" <<'PY' || fail "where the queries went"
import json, sys
for f in sys.argv[1:]:
    p = json.load(open(f))["profiles"][0]
    c = p["components"]
    fwd = c["onprem"][0]["forwarded"]
    assert fwd == p["sent"], (f, fwd, p["sent"])
    t = c["tunnels"][0]
    assert t["to_aws"]["packets"] == fwd and t["to_onprem"]["packets"] == fwd, (f, t)
    enis = [l for l in c["listeners"] if l["kind"] == "inbound"]
    assert len(enis) == 6, (f, enis)
    assert sum(l["answered"] for l in enis) == fwd, (f, enis)
    assert all(abs(l["answered"] - fwd / 6) <= 2 for l in enis), (f, enis)
PY

# serve --handoff memory: dig through the on-prem forwarder gets the answer, four hops handed
# over; the VPN's model applies to a handed datagram as to a real one: a 3,000-byte UDP answer
# is an MTU drop in a 1446-byte tunnel (R16), and through the forwarder (TC, then TCP) it comes.
PORT=$(free_port)
ONPREM=127.53.1.1 # dc1-dns
python3 - "$SC" "$TMP/big.yaml" <<'PY'
import sys
txt = " ".join('"' + chr(97 + i) * 240 + '"' for i in range(12))  # 12 x 241 bytes of rdata
s = open(sys.argv[1]).read().replace("*    60 A 10.0.9.10", "*    60 A 10.0.9.10\n      big  60 TXT " + txt)
open(sys.argv[2], "w").write(s)
PY
grep -q "big  60 TXT" "$TMP/big.yaml" || fail "could not add the large TXT record"
"$HYBRIDNS" serve "$TMP/big.yaml" --handoff memory --port "$PORT" --stats-json "$TMP/stats.json" \
	>"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE=$!
PIDS+=($SERVE)
wait_dns "$ONPREM" "$PORT" api.bench.example
a=$(dig +short +tries=1 +time=2 -p "$PORT" "@$ONPREM" x7.api.bench.example A)
[ "$a" = 10.0.9.10 ] || fail "serve --handoff memory: x7.api.bench.example A gave '$a'"
big=$(dig +tries=1 +time=5 +bufsize=1232 -p "$PORT" "@$ONPREM" big.api.bench.example TXT)
echo "$big" | grep -q "status: NOERROR" || fail "the large answer did not come back: $big"
echo "$big" | grep -q "aaaaaaaa" || fail "the large answer has no TXT data: $big"
# straight to the relay with a 4096-byte buffer: the ENI's 3,000-byte UDP answer, handed over to
# the relay, is dropped by the tunnel's MTU
if dig +tries=1 +time=1 +bufsize=4096 +ignore -p "$PORT" @127.53.6.1 big.api.bench.example TXT |
	grep -q "MSG SIZE"; then
	fail "a 3000-byte UDP answer crossed a 1446-byte tunnel, handed over in memory"
fi
kill -INT "$SERVE"
wait "$SERVE" || fail "serve exited $?: $(cat "$TMP/serve.err")"
python3 - "$TMP/stats.json" <<'PY' || fail "serve stats: $(cat "$TMP/stats.json")"
import json, sys
st = json.load(open(sys.argv[1]))
h = st["handoff"]
assert h["mode"] == "memory", h
# x7 and big's UDP try through the forwarder (4 hops each), the relay's query and answer (2)
assert h["handed"] >= 10, h
t = st["vpn"]["vpn"]["tunnels"][0]
assert t["to_onprem"]["drops"]["mtu"] >= 1, t
PY

rc=0
out=$("$HYBRIDNS" load "$SC" --profile unique --handoff bogus 2>&1) || rc=$?
[ $rc -eq 2 ] || fail "--handoff bogus exited $rc, want 2: $out"
echo "$out" | grep -q -- "--handoff" || fail "the error does not name --handoff: $out"
rc=0
out=$("$HYBRIDNS" serve "$SC" --handoff bogus 2>&1) || rc=$?
[ $rc -eq 2 ] || fail "serve --handoff bogus exited $rc, want 2: $out"
echo "ok"
