#!/usr/bin/env bash
# hybridns load as a user runs it: a reference profile holds its SLOs,
# impossible SLOs fail by name, a tunnel failover shows in the report, an
# external --target is loaded, and usage errors exit 2.  Assertions are on
# counts and on verdicts far from their boundaries, never on timing.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/load/responder.sh"

SS="$SRCDIR/scenarios/shared-services.yaml"

# 1. The reference steady profile, shortened: exit 0 and a sane JSON report.
#    Its p99 of 60 ms is the shipped design's budget, but a response time
#    measured on a loaded machine (or under ASan) can come near it, so the
#    copy here allows 1 s: the verdict is far from its boundary.
SSC="$TMP/steady.yaml"
sed 's/slo: {p99_ms: 60, max_loss: 0.5%, answers: private}/slo: {p99_ms: 1000, max_loss: 0.5%, answers: private}/' "$SS" >"$SSC"
grep -q 'p99_ms: 1000' "$SSC" || fail "could not widen the steady p99 budget in the copy"
"$HYBRIDNS" load "$SSC" --profile steady --qps 2000 --duration 2 --format json -o "$TMP/steady.json" ||
	fail "load steady exited $?"
python3 - "$TMP/steady.json" <<'PY' || fail "steady report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["passed"] == 1 and d["failed"] == 0, d
p = d["profiles"][0]
assert p["profile"] == "steady" and p["status"] == "pass", p["status"]
assert p["from"] == "onprem:dc1-dns", p["from"]
for k in ("sent", "answered", "lost", "late", "loss", "achieved_qps", "rcodes", "latency_ms",
          "timeline", "events", "slo", "target", "qps", "duration_s"):
    assert k in p, k
assert p["qps"] == 2000 and p["duration_s"] == 2
# 2 s at 2000 qps: about 4000 queries (the schedule, not the clock, decides)
assert 3000 <= p["sent"] <= 4001, p["sent"]
assert p["answered"] > 0 and p["answered"] <= p["sent"]
assert p["answered"] + p["lost"] == p["intended"], (p["answered"], p["lost"], p["intended"])
assert p["sent"] + p["behind"] + p["send_errors"] == p["intended"], p
assert p["loss"] < 0.005, p["loss"]
assert p["rcodes"].get("NOERROR", 0) == p["answered"], p["rcodes"]
assert p["bad_answers"] == 0
lat = p["latency_ms"]
assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p999"] <= lat["max"], lat
assert len(p["timeline"]) == 2
assert sum(s["sent"] for s in p["timeline"]) == p["sent"]
assert sum(s["answered"] for s in p["timeline"]) == p["answered"]
names = sorted(s["name"] for s in p["slo"])
assert names == ["answers", "max_loss", "p99_ms"], names
assert all(s["status"] == "pass" for s in p["slo"]), p["slo"]
PY

# The text report names the same things.
out=$("$HYBRIDNS" load "$SSC" --profile steady --qps 1000 --duration 1) || fail "text report exited $?: $out"
for w in sent answered lost rcodes p50 p99.9 timeline max_loss 'all SLOs held'; do
	echo "$out" | grep -q -- "$w" || fail "text report lacks '$w': $out"
done

# 2. Impossible SLOs in a $TMP scenario: exit 1, the failed SLO named.
sc="$TMP/slo.yaml"
sed '/^load:/,$d' "$SS" >"$sc"
cat >>"$sc" <<'YAML'
load:
  too-fast:
    from: onprem
    qps: 500
    duration: 1s
    mix:
      - {query: "{rand}.execute-api.eu-west-1.amazonaws.com A", weight: 1}
    slo: {p99_ms: 0.001, max_loss: 50%}
  wrong-form:
    from: onprem
    qps: 500
    duration: 1s
    mix:
      - {query: "{rand}.execute-api.eu-west-1.amazonaws.com A", weight: 1}
    slo: {answers: public}
  failover:
    from: onprem
    qps: 1000
    duration: 3s
    mix:
      - {query: "{rand}.execute-api.eu-west-1.amazonaws.com A", weight: 1}
    events:
      - {at: 1s, down: tunnel1}
      - {at: 2s, up: tunnel1}
    slo: {max_loss: 50%}
YAML
rc=0
out=$("$HYBRIDNS" load "$sc" --profile too-fast --format json) || rc=$?
[ "$rc" -eq 1 ] || fail "impossible p99_ms: exit $rc, expected 1: $out"
echo "$out" | python3 -c '
import json, sys
p = json.load(sys.stdin)["profiles"][0]
s = {x["name"]: x["status"] for x in p["slo"]}
assert p["status"] == "fail" and s == {"p99_ms": "fail", "max_loss": "pass"}, s
' || fail "too-fast: wrong verdicts: $out"
rc=0
out=$("$HYBRIDNS" load "$sc" --profile wrong-form) || rc=$?
[ "$rc" -eq 1 ] || fail "answers: public for private names: exit $rc, expected 1: $out"
echo "$out" | grep -Eq '✗ answers +public' || fail "text report does not name the failed answers SLO: $out"
echo "$out" | grep -q 'SLO failed' || fail "no 'SLO failed': $out"

# 3. A tunnel failover inside a short run: both events applied, answers
#    keep coming while tunnel1 is down (tunnel2 carries them).
"$HYBRIDNS" load "$sc" --profile failover --format json -o "$TMP/fo.json" ||
	fail "failover profile exited $?: $(cat "$TMP/fo.json" 2>/dev/null)"
python3 - "$TMP/fo.json" <<'PY' || fail "failover report"
import json, sys
p = json.load(open(sys.argv[1]))["profiles"][0]
ev = p["events"]
assert [(e["action"], e["what"], e["applied"]) for e in ev] == [("down", "tunnel1", True), ("up", "tunnel1", True)], ev
assert ev[0]["applied_at_s"] >= 1.0 and ev[1]["applied_at_s"] >= 2.0, ev
tl = p["timeline"]
assert len(tl) == 3
assert tl[1]["answered"] > 0, tl  # answered while tunnel1 was down
assert p["status"] == "pass"
PY
# Every profile in turn without --profile: two fail, so exit 1.
rc=0
out=$("$HYBRIDNS" load "$sc" --duration 1 --qps 300) || rc=$?
[ "$rc" -eq 1 ] || fail "all profiles: exit $rc, expected 1: $out"
echo "$out" | grep -q '1 profile held its SLOs, 2 failed' || fail "all-profiles summary: $out"

# 4. An external --target: a trivial loopback responder (NOERROR, no records).
port=$(free_port)
responder "$port" "$TMP/responder.names"
wait_responder "$port"
ext="$TMP/ext.yaml"
sed '/^load:/,$d' "$SS" >"$ext"
cat >>"$ext" <<'YAML'
load:
  external:
    from: onprem
    qps: 500
    duration: 1s
    mix:
      - {query: "q{seq}.example.com A", weight: 1}
    slo: {answers: empty, max_loss: 50%}
YAML
for _ in $(seq 1 50); do
	python3 -c "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(0.1); s.sendto(b'\x00'*12+b'\x00', ('127.0.0.1', $port)); s.recv(64)" 2>/dev/null && break
	sleep 0.1
done
out=$("$HYBRIDNS" load "$ext" --target "127.0.0.1:$port" --format json) || fail "external target exited $?: $out"
echo "$out" | python3 -c '
import json, sys
p = json.load(sys.stdin)["profiles"][0]
assert p["external"] is True and p["target"].endswith(":'"$port"'"), p["target"]
assert p["answered"] > 0 and p["status"] == "pass", p
' || fail "external report: $out"

# 5. Usage and scenario errors exit 2.
expect2() {
	local rc=0
	"$HYBRIDNS" load "$@" >"$TMP/u.out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "load $*: exit $rc, expected 2: $(cat "$TMP/u.out")"
}
expect2
expect2 "$SS" --qps abc
expect2 "$SS" --qps 0
expect2 "$SS" --duration -1
expect2 "$SS" --format xml
expect2 "$SS" --profile no-such-profile
grep -q "no load profile 'no-such-profile'" "$TMP/u.out" || fail "unknown profile message: $(cat "$TMP/u.out")"
expect2 "$SS" --target 10.0.0.2:53
expect2 "$SS" --workers 0
printf 'scenario: broken\nvpcs: [\n' >"$TMP/broken.yaml"
expect2 "$TMP/broken.yaml"
echo "ok"
