#!/usr/bin/env bash
# Overload: many more queries than the query table holds, at an upstream
# that never answers.  The forwarder must answer the excess REFUSED (counted),
# keep its memory bounded, stay alive, and serve normally once load drops.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/forwarder/common.sh"

PDEAD=$(free_port)
PF=$(free_port)

write_scenario forwarder-overload <<YAML
      forward:
        - zone: dead.example
          to: [127.0.0.1:$PDEAD]
          timeout_ms: 1500
          attempts: 2
      zones:
        corp.example.com: |
          app  300 A 192.168.20.15
      default: refuse
YAML

start_forwarder app.corp.example.com
rss() { awk '/VmRSS/ { print $2 }' "/proc/$FWD/status"; }
before=$(rss)

# 40000 distinct names as fast as one socket sends them (the table holds 8192).
python3 - "$PF" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
sent = 0
for i in range(40000):
    name = b"".join(bytes([len(l)]) + l for l in (b"q%d" % i, b"dead", b"example")) + b"\0"
    pkt = struct.pack(">HHHHHH", i & 0xffff, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", 1, 1)
    try:
        s.sendto(pkt, ("127.0.0.1", port))
        sent += 1
    except BlockingIOError:
        pass
    # drain answers so our own buffer never blocks the test
    try:
        while True:
            s.recv(4096)
    except BlockingIOError:
        pass
print(sent, file=sys.stderr)
PY

after=$(rss)
kill -0 "$FWD" || fail "forwarder died under overload"
# Everything it needs was preallocated: a few MB of growth at most (allocator, socket buffers).
[ $((after - before)) -lt 65536 ] || fail "RSS grew from $before kB to $after kB"

# Load gone: local answers at once, and the table drains (the dead queries time out).
[ "$(dig +time=2 +tries=1 +short -p "$PF" @127.0.0.1 app.corp.example.com A)" = 192.168.20.15 ] \
	|| fail "no answer right after the overload"

[ "$(stats "d['table_full']")" -gt 0 ] || fail "the table never filled: nothing was refused"
for _ in $(seq 1 100); do
	[ "$(stats "d['inflight']")" -eq 0 ] && break
	sleep 0.1
done
[ "$(stats "d['inflight']")" -eq 0 ] || fail "queries still in flight long after their timeouts"
[ "$(stats "d['rules'][0]['servfail']")" -gt 0 ] || fail "no SERVFAIL for the timed-out queries"
kill "$FWD"
wait "$FWD" || fail "exit status $?"
echo "ok"
