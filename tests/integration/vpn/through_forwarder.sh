#!/usr/bin/env bash
# The whole path: dig -> on-prem forwarder -> VPN relay (20 ms each way)
# -> inbound ENI.  An uncached AWS name costs at least the 40 ms round
# trip; asked again, it comes from the forwarder's cache and nothing
# crosses the VPN (asserted on the tunnel's counters, not on time).
# dig's "Query time" comes from a coarse clock (a few ms steps), so the
# lower bound keeps 5 ms of margin.  Both queries leave from the same
# source port: the forwarder's workers (SO_REUSEPORT) each keep a cache,
# and the kernel sends one 4-tuple to one worker.
. "$SRCDIR/tests/integration/lib.sh"

PORT=$(free_port)
SPORT=$(free_port)
ONPREM=127.53.1.1
NAME=abcd.execute-api.eu-west-1.amazonaws.com
# The shared-services scenario with a jitter-free 20 ms tunnel1.
sed -e 's/tunnel1: {latency_ms: 12, jitter_ms: 2, loss: 0.1%, mtu: 1446}/tunnel1: {latency_ms: 20, mtu: 1446}/' \
	"$SRCDIR/scenarios/shared-services.yaml" >"$TMP/s.yaml"
grep -q "tunnel1: {latency_ms: 20, mtu: 1446}" "$TMP/s.yaml" || fail "scenario edit did not apply"

"$HYBRIDNS" serve "$TMP/s.yaml" --port "$PORT" >"$TMP/serve.out" 2>"$TMP/serve.err" &
PIDS+=($!)
wait_dns "$ONPREM" "$PORT" corp.example.com

crossed() {
	python3 - "$PORT" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"stats", ("127.53.0.7", int(sys.argv[1])))
st = json.loads(s.recv(65535))
print(sum(t["to_aws"]["packets"] for t in st["vpn"]["tunnels"]))
PY
}
ms_of() { sed -n 's/;; Query time: \([0-9]*\) msec/\1/p'; }

before=$(crossed)
out=$(dig +tries=1 +time=3 -b "127.0.0.1#$SPORT" -p "$PORT" "@$ONPREM" "$NAME" A)
echo "$out" | grep -q "10.0.1.25" || fail "no answer through the forwarder: $out"
first=$(echo "$out" | ms_of)
[ "$first" -ge 35 ] || fail "uncached answer after $first ms, sooner than the 40 ms round trip"
mid=$(crossed)
[ "$mid" -gt "$before" ] || fail "the uncached query did not cross the VPN"

out=$(dig +tries=1 +time=3 -b "127.0.0.1#$SPORT" -p "$PORT" "@$ONPREM" "$NAME" A)
echo "$out" | grep -q "10.0.1.25" || fail "no cached answer: $out"
second=$(echo "$out" | ms_of)
after=$(crossed)
[ "$after" -eq "$mid" ] || fail "the cached answer crossed the VPN ($mid -> $after packets)"
echo "ok: uncached ${first} ms, cached ${second} ms"
