#!/usr/bin/env bash
# load beyond one process: 4 processes with --shard I/4 against one trivial
# loopback responder, merged with `load merge`, give the totals of one
# process at the same total rate, the merged histogram is the bucket sum of
# the shards' (percentiles read from it), no two shards sent the same name,
# and bad or mismatched reports exit 2 naming the file.  Counts are asserted
# exactly; latencies only loosely (no timing assertions).
. "$SRCDIR/tests/integration/lib.sh"

SS="$SRCDIR/scenarios/shared-services.yaml"

. "$SRCDIR/tests/integration/load/responder.sh"

sc="$TMP/ext.yaml"
sed '/^load:/,$d' "$SS" >"$sc"
cat >>"$sc" <<'YAML'
load:
  external:
    from: onprem
    qps: 800
    duration: 2s
    mix:
      - {query: "q{seq}.example.com A", weight: 3}
      - {query: "{rand}.r.example.com A", weight: 1}
    slo: {answers: empty, max_loss: 50%, p99_ms: 1500}
YAML

p1=$(free_port)
p4=$(free_port)
responder "$p1" "$TMP/one.names"
responder "$p4" "$TMP/four.names"
wait_responder "$p1"
wait_responder "$p4"

# One process at 800 qps, then four shards of it at the same time.
"$HYBRIDNS" load "$sc" --target "127.0.0.1:$p1" --format json -o "$TMP/one.json" ||
	fail "single run exited $?"
spids=()
for i in 0 1 2 3; do
	"$HYBRIDNS" load "$sc" --target "127.0.0.1:$p4" --shard "$i/4" --format json -o "$TMP/s$i.json" &
	spids+=($!)
done
for p in "${spids[@]}"; do wait "$p" || fail "a shard exited $?"; done
"$HYBRIDNS" load merge "$TMP"/s[0-3].json --format json -o "$TMP/merged.json" || fail "merge exited $?"

python3 - "$TMP" <<'PY' || fail "sharded run does not add up to the single run"
import json, sys, bisect
d = sys.argv[1]
one = json.load(open(d + "/one.json"))["profiles"][0]
parts = [json.load(open("%s/s%d.json" % (d, i)))["profiles"][0] for i in range(4)]
m = json.load(open(d + "/merged.json"))
mp = m["profiles"][0]
assert m["merged_from"] == ["%s/s%d.json" % (d, i) for i in range(4)], m["merged_from"]
# each shard: a quarter of the rate, its own index
for i, p in enumerate(parts):
    assert p["shard"] == {"index": i, "count": 4}, p["shard"]
    assert p["qps"] == 200 and p["sent"] == 400, (p["qps"], p["sent"])
# totals: sent exactly as one process at the same total rate; nothing lost on loopback
assert mp["sent"] == one["sent"] == 1600, (mp["sent"], one["sent"])
assert mp["answered"] == sum(p["answered"] for p in parts)
assert mp["lost"] == sum(p["lost"] for p in parts)
assert one["lost"] == 0 and mp["lost"] == 0, (one["lost"], mp["lost"])
assert mp["answered"] == one["answered"] == 1600
assert mp["rcodes"] == one["rcodes"] == {"NOERROR": 1600}, (mp["rcodes"], one["rcodes"])
assert mp["qps"] == 800 and mp["status"] == "pass" and m["passed"] == 1
assert sum(s["sent"] for s in mp["timeline"]) == 1600
# the merged histogram is the bucket-wise sum of the shards' histograms
assert mp["histograms"]["layout"] == "log16-us-512"
h = mp["histograms"]["response"]
want = {}
for p in parts:
    for b, n in p["histograms"]["response"]["buckets"]:
        want[b] = want.get(b, 0) + n
assert {b: n for b, n in h["buckets"]} == want, "buckets are not the sum"
assert h["count"] == 1600 == one["histograms"]["response"]["count"]
assert h["max_ns"] == max(p["histograms"]["response"]["max_ns"] for p in parts)
assert h["min_ns"] == min(p["histograms"]["response"]["min_ns"] for p in parts)
assert h["sum_ns"] == sum(p["histograms"]["response"]["sum_ns"] for p in parts)
assert mp["histograms"]["service"]["count"] == 1600
for t in range(len(mp["timeline"])):
    assert mp["timeline"][t]["response"]["count"] == sum(p["timeline"][t]["response"]["count"] for p in parts)
for k in range(2):
    e = mp["mix"][k]
    assert e["sent"] == sum(p["mix"][k]["sent"] for p in parts)
    assert e["response"]["count"] == e["answered"] == sum(p["mix"][k]["answered"] for p in parts)
assert mp["intended"] == 1600 and mp["components"] is None
# percentiles are read from the merged histogram: the p50 is the top of the bucket
# holding the 800th value, and both runs' percentiles are sane (not compared in time)
cum, p50b = 0, None
for b, n in sorted(h["buckets"]):
    cum += n
    if cum >= 800:
        p50b = b
        break
lat = mp["latency_ms"]
assert 0 < lat["p50"] <= lat["p99"] <= lat["max"] == h["max_ns"] / 1e6, lat
assert 0 < one["latency_ms"]["p50"] < 1500
# the 800th value's bucket: the single-run bucket index of p50 is within the same family
assert p50b is not None
# the SLO verdicts were judged again on the sum
s = {x["name"]: (x["status"], x["value"]) for x in mp["slo"]}
assert s["answers"] == ("pass", "0 of 1600 replies did not match"), s
PY

# No two shards sent the same name (and each name once: {seq} and {rand} are fresh).
[ "$(wc -l <"$TMP/four.names")" -eq 1600 ] || fail "the responder saw $(wc -l <"$TMP/four.names") sharded queries, not 1600"
[ "$(sort -u "$TMP/four.names" | wc -l)" -eq 1600 ] || fail "shards sent the same name twice: $(sort "$TMP/four.names" | uniq -d | head -3)"
grep -Eq '^qs3-[0-9]+\.example\.com$' "$TMP/four.names" || fail "no name of shard 3: $(head -3 "$TMP/four.names")"
grep -Eq '^s0-[a-z0-9]{12}\.r\.example\.com$' "$TMP/four.names" || fail "no {rand} name of shard 0"

# The text form.
out=$("$HYBRIDNS" load merge "$TMP"/s[0-3].json) || fail "text merge exited $?: $out"
for w in "merged 4 reports" "sent 1600" "answered 1600" "merged histogram" "all SLOs held"; do
	echo "$out" | grep -q -- "$w" || fail "merge text lacks '$w': $out"
done

# Bad or mismatched reports: exit 2, the file named.
expect2() {
	local want=$1 rc=0
	shift
	"$HYBRIDNS" load merge "$@" >"$TMP/u.out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "load merge $*: exit $rc, expected 2: $(cat "$TMP/u.out")"
	grep -q -- "$want" "$TMP/u.out" || fail "load merge $*: no '$want' in: $(cat "$TMP/u.out")"
}
printf '{"scenario": "x", "profiles": [' >"$TMP/trunc.json"
echo '[1, 2]' >"$TMP/array.json"
python3 - "$TMP" <<'PY'
import json, sys
d = sys.argv[1]
p = json.load(open(d + "/s1.json"))
p["profiles"][0]["duration_s"] = 3
json.dump(p, open(d + "/longer.json", "w"))
p = json.load(open(d + "/s1.json"))
p["scenario"] = "other"
json.dump(p, open(d + "/other.json", "w"))
p = json.load(open(d + "/s1.json"))
del p["profiles"][0]["histograms"]
json.dump(p, open(d + "/nohist.json", "w"))
p = json.load(open(d + "/s1.json"))
p["profiles"][0]["histograms"]["response"]["count"] += 1
json.dump(p, open(d + "/badcount.json", "w"))
PY
expect2 "$TMP/trunc.json:1:" "$TMP/s0.json" "$TMP/trunc.json"
expect2 "$TMP/array.json: not a" "$TMP/s0.json" "$TMP/array.json"
expect2 "$TMP/missing.json" "$TMP/s0.json" "$TMP/missing.json"
expect2 "$TMP/longer.json: profile 'external' ran 3 s" "$TMP/s0.json" "$TMP/longer.json"
expect2 "$TMP/other.json: scenario 'other'" "$TMP/s0.json" "$TMP/other.json"
expect2 "$TMP/nohist.json: profile 'external': histograms.layout is missing" "$TMP/s0.json" "$TMP/nohist.json"
expect2 "$TMP/badcount.json: profile 'external': response: histogram: the buckets hold" "$TMP/s0.json" "$TMP/badcount.json"
expect2 "shard 1/4 again" "$TMP/s1.json" "$TMP/s0.json" "$TMP/s1.json"
expect2 "usage: hybridns load merge"
expect2 "format" "$TMP/s0.json" --format xml
"$HYBRIDNS" load merge --help | grep -q "usage: hybridns load merge" || fail "load merge --help"
"$HYBRIDNS" load --help | grep -q "hybridns load merge" || fail "load --help does not mention merge"

# --shard's own errors.
for bad in 4/4 x/4 1/0 2; do
	rc=0
	"$HYBRIDNS" load "$sc" --shard "$bad" >"$TMP/u.out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "--shard $bad: exit $rc, expected 2"
	grep -q -- "--shard" "$TMP/u.out" || fail "--shard $bad: message does not name --shard: $(cat "$TMP/u.out")"
done
echo ok
