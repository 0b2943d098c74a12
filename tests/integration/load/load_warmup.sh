#!/usr/bin/env bash
# load --warmup: before the run, the same generator sends for the warm-up's
# length, rising to the rate, with names of its own ("w-" before every
# {seq} and {rand}); the target sees those first, then exactly the run's
# queries, whose names never repeat a warm-up name; the report counts the
# run only and says how long the warm-up was.  Bad values exit 2.  Counts
# are asserted exactly or by bounds that hold at any speed (no timing
# assertions).
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/load/responder.sh"

sc="$TMP/ext.yaml"
sed '/^load:/,$d' "$SRCDIR/scenarios/shared-services.yaml" >"$sc"
cat >>"$sc" <<'YAML'
load:
  external:
    from: onprem
    qps: 400
    duration: 1s
    mix:
      - {query: "q{seq}.example.com A", weight: 3}
      - {query: "{rand}.r.example.com A", weight: 1}
      - {query: "hot.example.com A", weight: 1}
    slo: {answers: empty, max_loss: 50%, p99_ms: 1500}
YAML

port=$(free_port)
responder "$port" "$TMP/names"
wait_responder "$port"
"$HYBRIDNS" load "$sc" --target "127.0.0.1:$port" --warmup 1 --format json -o "$TMP/r.json" \
	2>"$TMP/err" || fail "load --warmup 1: exit $? ($(cat "$TMP/err"))"
sleep 0.3 # the responder's last lines

python3 - "$TMP/r.json" "$TMP/names" <<'PY' || fail "warm-up accounting"
import json, re, sys
r = json.load(open(sys.argv[1]))["profiles"][0]
names = [l.strip() for l in open(sys.argv[2]) if l.strip()]
def kind(n):
    if re.fullmatch(r"qw-\d+\.example\.com|w-[a-z0-9]+\.r\.example\.com", n):
        return "warm"
    if re.fullmatch(r"q\d+\.example\.com|[a-z0-9]+\.r\.example\.com", n):
        return "run"
    assert n == "hot.example.com", n
    return "hot"
kinds = [kind(n) for n in names]
assert r["warmup_s"] == 1, r["warmup_s"]
assert r["sent"] == 400 and r["intended"] == 400, (r["sent"], r["intended"])
last = max(i for i, k in enumerate(kinds) if k == "warm")
warm, run = kinds[:last + 1], kinds[last + 1:]
# 1 s rising to 400 qps over its first half: about 300; at least 100 at any speed, never above the rate
assert 100 <= len(warm) <= 400, len(warm)
assert "run" not in warm, "a run name before the warm-up ended"
assert "hot" in warm, "the hot name was not warmed"
assert len(run) == r["sent"], (len(run), r["sent"])
runs = [n for n, k in zip(names[last + 1:], run) if k == "run"]
assert len(set(runs)) == len(runs), "run names repeat"
assert not set(runs) & set(names[:last + 1]), "a run name was sent in the warm-up"
PY

# Text: the header says it.
"$HYBRIDNS" load "$sc" --target "127.0.0.1:$port" --warmup 500ms --qps 200 >"$TMP/t.txt" 2>"$TMP/err" ||
	fail "load --warmup 500ms: exit $?"
grep -q "after 0.5 s of warm-up" "$TMP/t.txt" || fail "no warm-up in the header: $(head -2 "$TMP/t.txt")"

# Bad values: exit 2 with a message naming the option.
for bad in 61 -1 abc 1x; do
	run_rc rc "$HYBRIDNS" load "$sc" --target "127.0.0.1:$port" --warmup "$bad"
	[ "$rc" = 2 ] || fail "--warmup $bad: exit $rc, want 2"
	grep -q -- "warmup" "$TMP/err" || fail "--warmup $bad: $(cat "$TMP/err")"
done
echo "ok"
