#!/usr/bin/env bash
# A burst larger than one send batch (FWD_BATCH, 64), read in one pass: the
# forwarder is stopped (SIGSTOP) while 200 queries with distinct IDs queue
# in its socket, then continued, so that it reads them together and its
# answer batch fills and is flushed in the middle of the pass.  Every ID
# must come back exactly once with the right answer: a batch whose buffers
# were written again before the kernel took them would send one answer
# twice and lose another.  Run on both UDP paths (--udp-io epoll and
# io_uring; the latter must really be on the ring).
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/forwarder/common.sh"

PF=$(free_port)
write_scenario forwarder-burst <<YAML
      zones:
        corp.example.com: |
          app  300 A 192.168.20.15
      default: refuse
YAML

for io in epoll io_uring; do
	UDP_IO=$io start_forwarder app.corp.example.com
	if [ $io = io_uring ]; then
		[ "$(stats "d['io_uring_workers']")" = 1 ] || fail "not on io_uring: $(cat "$TMP/serve.log")"
	fi
	kill -STOP "$FWD"
	python3 - "$PF" "$FWD" <<'PY' || fail "$io: burst answers wrong"
import os, signal, socket, struct, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
N = 200
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
name = b"".join(bytes([len(l)]) + l for l in (b"app", b"corp", b"example", b"com")) + b"\0"
for i in range(N):
    s.sendto(struct.pack(">HHHHHH", 0x1000 + i, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", 1, 1),
             ("127.0.0.1", port))
time.sleep(0.2)
os.kill(pid, signal.SIGCONT)
s.settimeout(3)
seen = {}
try:
    while True:
        pkt = s.recv(4096)
        qid = struct.unpack(">H", pkt[:2])[0]
        seen[qid] = seen.get(qid, 0) + 1
        if not pkt.endswith(bytes([192, 168, 20, 15])):
            sys.exit("answer %#x without 192.168.20.15" % qid)
        if len(seen) == N and sum(seen.values()) == N:
            s.settimeout(0.3)  # a duplicate would come right behind
except socket.timeout:
    pass
missing = [i for i in range(N) if 0x1000 + i not in seen]
twice = [q for q, n in seen.items() if n > 1]
if missing or twice:
    sys.exit("%d IDs never answered, %d answered more than once (of %d)" % (len(missing), len(twice), N))
print("ok: %d answers, each ID once" % N)
PY
	kill "$FWD"
	wait "$FWD" || fail "$io: exit status $?"
	echo "ok: $io"
done
