#!/usr/bin/env bash
# Coordinated omission, end to end: the generator is stopped (SIGSTOP) for
# 3.5 s in the middle of a run against a trivial responder.  The queries due
# meanwhile are not skipped silently: those still within the 2 s timeout
# leave late (sent_late) and their wait shows in the response time, not in
# the service time; those already a timeout late are counted as behind and
# lost.  The counts still add up.  The answers that arrived while it was
# stopped are timed by the kernel's arrival stamp: they took the responder's
# 50 ms, not the stall.  The stall is forced, so the assertions hold however
# slow the machine is.
. "$SRCDIR/tests/integration/lib.sh"

port=$(free_port)
python3 - "$port" "$TMP/first" "$TMP/resumed" >"$TMP/responder.log" 2>&1 <<'PY' &
import collections, os, select, socket, sys, time
# Until the generator is resumed, answers each query 50 ms after it came, so
# that about 25 answers are in flight when the generator is stopped; then
# (and the readiness probe, ID 0, always) at once.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
pending = collections.deque()
seen = False
idle_until = time.monotonic() + 40
while time.monotonic() < idle_until:
    now = time.monotonic()
    while pending and pending[0][0] <= now:
        _, r, a = pending.popleft()
        s.sendto(r, a)
    wait = max(0.0, pending[0][0] - now) if pending else 1.0
    if not select.select([s], [], [], wait)[0]:
        continue
    q, a = s.recvfrom(2048)
    if len(q) < 12:
        continue
    idle_until = time.monotonic() + 40
    r = bytearray(q); r[2] |= 0x80
    if q[:2] == b"\0\0" or os.path.exists(sys.argv[3]):
        s.sendto(bytes(r), a)
        continue
    pending.append((time.monotonic() + 0.05, bytes(r), a))
    if not seen:
        seen = True
        open(sys.argv[2], "w").close()
PY
PIDS+=($!)
for _ in $(seq 1 100); do
	python3 -c "import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(0.2); s.sendto(b'\0'*12, ('127.0.0.1', $port)); s.recv(64)" 2>/dev/null && break
	sleep 0.1
done

sed '/^load:/,$d' "$SRCDIR/scenarios/shared-services.yaml" >"$TMP/s.yaml"
cat >>"$TMP/s.yaml" <<'YAML'
load:
  steady:
    qps: 500
    duration: 6s
    mix:
      - {query: "q{seq}.example.com A", weight: 1}
YAML
"$HYBRIDNS" load "$TMP/s.yaml" --target "127.0.0.1:$port" --format json -o "$TMP/r.json" &
gen=$!
PIDS+=($gen)
# stop it once it is sending (the responder saw a query), for 3.5 s
for _ in $(seq 1 300); do [ -e "$TMP/first" ] && break; sleep 0.05; done
[ -e "$TMP/first" ] || fail "the generator never sent"
kill -STOP "$gen"
sleep 3.5
: >"$TMP/resumed"
kill -CONT "$gen"
wait "$gen" || fail "load exited $?"
python3 - "$TMP/r.json" <<'PY' || fail "stall report: $(head -c 3000 "$TMP/r.json")"
import json, sys
p = json.load(open(sys.argv[1]))["profiles"][0]
assert p["intended"] == 3000, p["intended"]
assert p["sent"] + p["behind"] + p["send_errors"] == p["intended"], p
assert p["answered"] + p["lost"] == p["intended"], p
# 3.5 s stopped at 500 qps: 1750 queries due; those more than 2 s late (~750) are behind
assert 300 <= p["behind"] <= 1500, p["behind"]
# the rest of the stall's queries left late and waited up to 2 s
assert p["sent_late"] >= 300, p["sent_late"]
r, s = p["latency_ms"], p["service_ms"]
assert r["max"] >= 1000, r
assert r["p99"] >= 500 and r["p99"] > 10 * s["p99"], (r, s)
# ~25 answers were in flight when the generator stopped and were read 3.5 s
# later; timed when read they would pass the 2 s timeout (late, lost)
assert p["late"] <= 5, p["late"]
assert s["max"] < 1000, s
# the timeline puts the behind queries in the seconds they were due, as lost
assert sum(t["lost"] for t in p["timeline"]) == p["lost"], p["timeline"]
PY
exit 0
