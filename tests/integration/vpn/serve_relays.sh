#!/usr/bin/env bash
# hybridns serve with the VPN in the path: dig through a relay (UDP and
# TCP), the answer comes back no sooner than the tunnel's round trip; the
# control socket takes tunnels down (failover to the standby tunnel, then
# nothing passes) and up again, and its stats count what crossed.
. "$SRCDIR/tests/integration/lib.sh"

PORT=$(free_port)
SCEN="$SRCDIR/scenarios/shared-services.yaml"
NAME=abcd.execute-api.eu-west-1.amazonaws.com
RELAY=127.53.6.1 # vpn -> inbound/private-a (10.0.1.10)

"$HYBRIDNS" serve "$SCEN" --port "$PORT" >"$TMP/serve.out" 2>"$TMP/serve.err" &
PIDS+=($!)
wait_dns "$RELAY" "$PORT" "$NAME"
# The map is printed once every side has started (the relay may answer a moment before).
for _ in $(seq 1 50); do
	grep -q "vpn -> inbound/private-a *-> $RELAY:$PORT" "$TMP/serve.out" && break
	sleep 0.1
done
grep -q "vpn -> inbound/private-a *-> $RELAY:$PORT" "$TMP/serve.out" || fail "relay not in the map"

# ctl CMD: one datagram to the control socket, print the answer.
ctl() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(sys.argv[2].encode(), ("127.53.0.7", int(sys.argv[1])))
print(s.recv(65535).decode().strip())
PY
}
# packets NAME DIR: packets a tunnel carried in a direction (from the stats).
packets() {
	ctl stats | python3 -c '
import json, sys
st = json.load(sys.stdin)
t = [t for t in st["vpn"]["tunnels"] if t["name"] == sys.argv[1]][0]
print(t[sys.argv[2]]["packets"])' "$1" "$2"
}

# UDP through tunnel1 (12 +- 2 ms each way, jitter truncated at 3 sigma: >= 12 ms round
# trip; dig's coarse "Query time" clock gets 4 ms of margin).
out=$(dig +tries=1 +time=2 -p "$PORT" "@$RELAY" "$NAME" A)
echo "$out" | grep -q "10.0.1.25" || fail "no answer through the relay: $out"
ms=$(echo "$out" | sed -n 's/;; Query time: \([0-9]*\) msec/\1/p')
[ "$ms" -ge 8 ] || fail "answer after $ms ms, sooner than the tunnel allows"
[ "$(packets tunnel1 to_aws)" -ge 1 ] || fail "tunnel1 carried nothing"

# TCP through the relay.
dig +tcp +tries=1 +time=2 -p "$PORT" "@$RELAY" "$NAME" A | grep -q "10.0.1.25" || fail "no answer over TCP"

# tunnel1 down: the standby tunnel2 carries the traffic.
[ "$(ctl 'down tunnel1')" = ok ] || fail "control refused 'down tunnel1'"
before=$(packets tunnel2 to_aws)
dig +tries=1 +time=2 -p "$PORT" "@$RELAY" "$NAME" A | grep -q "10.0.1.25" || fail "no failover to tunnel2"
[ "$(packets tunnel2 to_aws)" -gt "$before" ] || fail "tunnel2 did not carry the query"

# Both down: nothing passes.
[ "$(ctl 'down tunnel2')" = ok ] || fail "control refused 'down tunnel2'"
if dig +tries=1 +time=1 -p "$PORT" "@$RELAY" "$NAME" A | grep -q "10.0.1.25"; then
	fail "an answer crossed with both tunnels down"
fi

# Up again: traffic flows.
[ "$(ctl 'up tunnel1')" = ok ] || fail "control refused 'up tunnel1'"
dig +tries=1 +time=2 -p "$PORT" "@$RELAY" "$NAME" A | grep -q "10.0.1.25" || fail "no answer after tunnel1 came back"
case "$(ctl 'down nosuch')" in error:*) ;; *) fail "control accepted an unknown tunnel" ;; esac

# SIGUSR2 takes the first tunnel down, the next one restores its scenario state (up).
state() {
	ctl stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["vpn"]["tunnels"][0]["state"])'
}
wait_state() {
	for _ in $(seq 1 50); do
		[ "$(state)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "tunnel1 is $(state), expected $1"
}
kill -USR2 "${PIDS[0]}"
wait_state down
kill -USR2 "${PIDS[0]}"
wait_state up
echo "ok"
