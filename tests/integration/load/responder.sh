# tests/integration/load/responder.sh -- sourced by the load tests that need a
# trivial loopback resolver which logs what it was asked (after lib.sh).

# A responder that answers every query (NOERROR, no records) and logs each
# question name, one per line, to its file.
responder() {
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(60)
log = open(sys.argv[2], "w", buffering=1)
try:
    while True:
        q, a = s.recvfrom(2048)
        if len(q) < 13:
            continue
        r = bytearray(q)
        r[2] |= 0x80
        r[3] &= 0xf0
        s.sendto(bytes(r), a)
        i, labels = 12, []
        while i < len(q) and q[i] != 0 and len(labels) < 64:
            labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
            i += 1 + q[i]
        if labels and labels[0] != "probe":
            log.write(".".join(labels) + "\n")
except socket.timeout:
    pass
PY
	PIDS+=($!)
}

# Ready when it answers a real query.
wait_responder() {
	for _ in $(seq 1 100); do
		python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
s.sendto(b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05probe\x00\x00\x01\x00\x01', ('127.0.0.1', $1))
sys.exit(0 if s.recv(512)[:2] == b'\x12\x34' else 1)" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "responder on $1 not ready"
}
