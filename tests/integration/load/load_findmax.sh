#!/usr/bin/env bash
# --find-max on the reference scenario with the inbound endpoint's per-ENI
# ceiling lowered to 200 qps: the search finds a rate that held below a rate
# that broke and names the inbound ENI's ceiling as the place of loss.
# With --retry-broken 1 every rate that broke was run twice.  Then --plot
# writes well-formed SVG, and the options' usage errors exit 2.
# Verdicts are far from the boundary where they are asserted (the ceiling
# drops a quarter of the queries at 4x the rate), and the loss SLO (5 %) is
# far above what a sanitizer build on a busy machine loses by itself (6 of
# 400 queries once, with no component dropping any); no timing assertions.
. "$SRCDIR/tests/integration/lib.sh"

SS="$SRCDIR/scenarios/shared-services.yaml"
low="$TMP/low.yaml"
sed '/^      ips: {private-a: 10.0.1.10, private-b: 10.0.2.10}/a\      qps_per_ip: 200' "$SS" >"$low"
grep -q 'qps_per_ip: 200' "$low" || fail "could not lower the inbound ceiling in $low"

# 80 % of the steady mix goes through inbound/private-a: it holds about 250 qps.
"$HYBRIDNS" load "$low" --profile steady --find-max --from-qps 200 --max-qps 1200 --step-duration 1 \
	--slo max_loss=5% --retry-broken 1 --format json -o "$TMP/fm.json" || fail "find-max exited $?: $(cat "$TMP/fm.json" 2>/dev/null)"
python3 - "$TMP/fm.json" <<'PY' || fail "find-max report: $(cat "$TMP/fm.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["profile"] == "steady"
steps = r["steps"]
assert 2 <= len(steps) <= 32, len(steps)
assert steps[0]["qps"] == 200
# the ceiling cannot hold 1200 qps (960 through one 200-qps ENI): the search broke
assert r["broke_qps"] is not None and 200 <= r["held_qps"] < r["broke_qps"] <= 1200, (r["held_qps"], r["broke_qps"])
assert not r["held_at_max"]
for s in steps:
    assert s["status"] in ("held", "broke")
    assert s["answered"] + s["lost"] == s["sent"]
    if s["status"] == "broke":
        assert "max_loss" in s["failed_slos"], s
held = [s["qps"] for s in steps if s["status"] == "held"]
assert max(held) == r["held_qps"]
# --retry-broken 1: a rate that broke was tried twice, the second try right after the first
for i, s in enumerate(steps):
    assert s["try"] in (1, 2), s
    if s["try"] == 2:
        assert i > 0 and steps[i - 1]["try"] == 1 and steps[i - 1]["status"] == "broke" and steps[i - 1]["qps"] == s["qps"]
    if s["status"] == "broke" and s["qps"] not in held:
        assert [t["try"] for t in steps if t["qps"] == s["qps"]] == [1, 2], s
assert len([s for s in steps if s["qps"] == r["broke_qps"]]) == 2
b = r["broke_first"]
assert b is not None, "no component named"
assert b["component"].startswith("listeners[inbound/"), b
assert b["counter"] == "dropped_ceiling", b
assert b["excess"] > 0 and "max_loss" in b["failed_slos"]
PY
# The text form, one step that holds at the ceiling of the search.
out=$("$HYBRIDNS" load "$low" --profile steady --find-max --from-qps 200 --max-qps 200 --step-duration 1 --slo max_loss=5%) ||
	fail "find-max text exited $?: $out"
echo "$out" | grep -Eq "^ +1 +200 +200 +[0-9]+ .* held$" || fail "text: no step line: $out"
echo "$out" | grep -q "highest rate that held: 200 qps (the ceiling of the search" || fail "text: no verdict: $out"
echo "$out" | grep -q "SLOs max_loss 5%, answers" || fail "text: SLOs not named: $out"

# --plot: two SVG files per profile, well-formed, events marked.
"$HYBRIDNS" load "$SS" --profile tunnel-failover --qps 500 --duration 3 --plot "$TMP/plots" >"$TMP/run.txt" ||
	fail "load --plot exited $?: $(cat "$TMP/run.txt")"
python3 - "$TMP/plots" <<'PY' || fail "plots"
import sys, xml.etree.ElementTree as ET
d = sys.argv[1]
ns = "{http://www.w3.org/2000/svg}"
t = ET.parse(d + "/tunnel-failover-timeline.svg").getroot()
assert t.tag == ns + "svg"
texts = "".join(x.text or "" for x in t.iter(ns + "text"))
assert "down tunnel1" in texts, texts  # the event at 4 s lies after the 3 s of sending: still marked
assert len(list(t.iter(ns + "polyline"))) == 4
l = ET.parse(d + "/tunnel-failover-latency.svg").getroot()
texts = "".join(x.text or "" for x in l.iter(ns + "text"))
assert "99%" in texts and "percentile" in texts, texts
pts = list(l.iter(ns + "polyline"))[0].get("points").split()
ys = [float(p.split(",")[1]) for p in pts]
assert all(a >= b for a, b in zip(ys, ys[1:])), "latency by percentile must not fall"  # SVG y grows downwards
PY

# Usage errors: 2.
expect2() {
	local rc=0
	"$HYBRIDNS" load "$@" >"$TMP/u.out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "load $*: exit $rc, expected 2: $(cat "$TMP/u.out")"
}
expect2 "$SS" --slo p99_ms=50
expect2 "$SS" --retry-broken 1
expect2 "$SS" --find-max --retry-broken 4
expect2 "$SS" --find-max --slo p98_ms=50
expect2 "$SS" --find-max --slo max_loss=150%
expect2 "$SS" --find-max --shard 0/2
expect2 "$SS" --find-max --from-qps 5000 --max-qps 100
expect2 "$SS" --find-max --plot "$TMP/p"
expect2 "$SS" --find-max --profile nope
echo ok
