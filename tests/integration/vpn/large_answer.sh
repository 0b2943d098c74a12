#!/usr/bin/env bash
# A 3,000-byte TXT answer through a 1446-byte tunnel (R16): over UDP it is
# lost (dropped as a lost fragment, counted as an MTU drop); with a small
# EDNS buffer the server truncates and the client's TCP retry crosses the
# TCP relay; the on-prem forwarder's retry path gets the answer to a
# plain client.  Lower time bounds only (they cannot flake).
. "$SRCDIR/tests/integration/lib.sh"

PORT=$(free_port)
RELAY=127.53.6.1   # vpn -> inbound/a (10.0.1.10)
ONPREM=127.53.1.1  # dc1-dns
python3 - "$TMP/large.yaml" <<'PY'
import sys
txt = " ".join('"' + chr(97 + i) * 240 + '"' for i in range(12))  # 12 x 241 bytes of rdata
open(sys.argv[1], "w").write(f"""scenario: vpn-large-answer
region: eu-west-1
vpcs:
  hub:
    cidr: 10.0.0.0/16
    subnets:
      a: {{az: eu-west-1a, cidr: 10.0.1.0/24}}
      b: {{az: eu-west-1b, cidr: 10.0.2.0/24}}
hosted_zones:
  example.internal:
    vpcs: [hub]
    records: |
      big 300 TXT {txt}
resolver:
  endpoints:
    inbound:
      direction: inbound
      vpc: hub
      ips: {{a: 10.0.1.10, b: 10.0.2.10}}
onprem:
  cidr: 192.168.0.0/16
  resolvers:
    dc1-dns:
      address: 192.168.10.53
      forward:
        - zone: example.internal
          to: [10.0.1.10, 10.0.2.10]
          policy: sequential
          timeout_ms: 1000
      default: internet
vpn:
  vpcs: [hub]
  seed: 7
  tunnels:
    tunnel1: {{latency_ms: 10, mtu: 1446}}
""")
PY

"$HYBRIDNS" serve "$TMP/large.yaml" --port "$PORT" >"$TMP/serve.out" 2>"$TMP/serve.err" &
PIDS+=($!)
wait_dns "$RELAY" "$PORT" example.internal

# stat TUNNEL_OR_RELAY FIELD: a counter from the control socket's stats.
stat() {
	python3 - "$PORT" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"stats", ("127.53.0.7", int(sys.argv[1])))
st = json.loads(s.recv(65535))
print(eval(sys.argv[2], {"st": st}))
PY
}
size_of() { sed -n 's/;; MSG SIZE  rcvd: \([0-9]*\)/\1/p'; }
ms_of() { sed -n 's/;; Query time: \([0-9]*\) msec/\1/p'; }

# 1. UDP with a 4096-byte buffer: the answer exceeds the MTU and is lost.
mtu0=$(stat 'st["vpn"]["tunnels"][0]["to_onprem"]["drops"]["mtu"]')
if dig +tries=1 +time=1 +bufsize=4096 +ignore -p "$PORT" "@$RELAY" big.example.internal TXT | grep -q "MSG SIZE"; then
	fail "a 3000-byte UDP answer crossed a 1446-byte tunnel"
fi
mtu1=$(stat 'st["vpn"]["tunnels"][0]["to_onprem"]["drops"]["mtu"]')
[ "$mtu1" -gt "$mtu0" ] || fail "no MTU drop counted ($mtu0 -> $mtu1)"

# 2. A 1232-byte buffer: TC, then dig retries over TCP through the TCP relay.
tcp0=$(stat 'st["relays"][0]["tcp_conns"]')
out=$(dig +tries=1 +time=3 +bufsize=1232 -p "$PORT" "@$RELAY" big.example.internal TXT)
[ "$(echo "$out" | size_of)" -ge 2900 ] || fail "no large answer over TCP: $out"
tcp1=$(stat 'st["relays"][0]["tcp_conns"]')
[ "$tcp1" -gt "$tcp0" ] || fail "the TCP relay carried no connection"

# 3. Through the on-prem forwarder: its retry path gets the answer to the client.
out=$(dig +tries=1 +time=5 -p "$PORT" "@$ONPREM" big.example.internal TXT)
[ "$(echo "$out" | size_of)" -ge 2900 ] || fail "no large answer through the forwarder: $out"
ms=$(echo "$out" | ms_of)
# At least a UDP round trip and a TCP one (40 ms; 60 with the handshake), less dig's coarse clock.
[ "$ms" -ge 35 ] || fail "large answer after $ms ms: sooner than a UDP round trip plus a TCP one"
echo "ok: forwarder path ${ms} ms"
