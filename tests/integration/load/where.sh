#!/usr/bin/env bash
# `load` says where the queries died: with the inbound endpoint's per-ENI
# ceiling lowered to 200 qps in a $TMP copy of the reference scenario, a
# 1000 qps run through it loses most queries, and the report names the
# inbound ENI (dropped over its ceiling, no headroom) as the place of loss,
# in JSON and in text.  Response and service time both come as full
# histograms whose bucket counts add up.  Events after the sending window
# are listed and marked.  Assertions are on counts far from any boundary.
. "$SRCDIR/tests/integration/lib.sh"

SS="$SRCDIR/scenarios/shared-services.yaml"
sc="$TMP/ceiling.yaml"
# the ceiling key of the inbound endpoint (docs/scenario.md, endpoints.<name>.qps_per_ip)
sed -e '/^load:/,$d' -e 's/^\(      ips: {private-a: 10.0.1.10, private-b: 10.0.2.10}\)$/\1\n      qps_per_ip: 200/' "$SS" >"$sc"
grep -q 'qps_per_ip: 200' "$sc" || fail "could not lower the ceiling in the scenario copy"
cat >>"$sc" <<'YAML'
load:
  over-ceiling:
    from: onprem
    qps: 1000
    duration: 2s
    mix:
      - {query: "{rand}.execute-api.eu-west-1.amazonaws.com A", weight: 1}
    events:
      - {at: 30s, down: tunnel2}
    slo: {max_loss: 1%}
YAML

rc=0
"$HYBRIDNS" load "$sc" --format json -o "$TMP/r.json" || rc=$?
[ "$rc" -eq 1 ] || fail "expected the loss SLO to fail (exit 1), got $rc"
python3 - "$TMP/r.json" <<'PY' || fail "components report: $(head -c 3000 "$TMP/r.json")"
import json, sys
p = json.load(open(sys.argv[1]))["profiles"][0]
# most of the 2000 queries die at the ENI (200 per second pass)
assert p["intended"] == 2000 and p["sent"] == 2000, (p["intended"], p["sent"])
assert p["lost"] > 1000, p["lost"]
c = p["components"]
w = c["worst"]
assert w is not None and w["component"].startswith("inbound/"), w
assert "ceiling" in w["cause"] and w["queries"] > 1000, w
eni = [l for l in c["listeners"] if l["label"] == w["component"]][0]
assert eni["kind"] == "inbound" and eni["ceiling_qps"] == 200, eni
assert eni["dropped_ceiling"] > 1000 and eni["answered"] < 700, eni
assert eni["headroom_qps"] < 0, eni  # peak above the ceiling
# answers the sockets refused are counted apart (none here: the ceiling dropped the queries)
assert all(l["dropped_send"] == 0 for l in c["listeners"]), c["listeners"]
# the forwarder forwarded them and the tunnel carried them: not the place of loss
f = c["onprem"][0]
assert f["forwarded"] >= 1900, f
# full histograms, counts that add up
for k in ("response", "service"):
    h = p["histograms"][k]
    assert h["count"] == p["answered"] and sum(n for _, n in h["buckets"]) == h["count"], k
    idx = [i for i, _ in h["buckets"]]
    assert idx == sorted(idx) and 0 <= idx[0] and idx[-1] < 512, idx
assert p["histograms"]["layout"] == "log16-us-512"
assert sum(s["response"]["count"] for s in p["timeline"]) == p["answered"]
m = p["mix"][0]
assert m["sent"] == p["sent"] and m["answered"] == p["answered"], m
ev = p["events"][0]
assert ev["in_window"] is False and ev["applied"] is False, ev
PY

# The text report says the same in words.
out=$("$HYBRIDNS" load "$sc" --duration 1 2>&1) && fail "text run passed its SLO: $out"
for w in 'where the queries went' 'most queries went wrong at inbound/' 'over the ENI' \
	'DROPPED over the ceiling' 'headroom -' 'OUTSIDE the sending window' 'response:' 'service :'; do
	echo "$out" | grep -q -- "$w" || fail "text report lacks '$w': $out"
done
# stderr is not a terminal here: no progress line
echo "$out" | grep -q 'ETA' && fail "progress line written although stderr is not a terminal: $out"
exit 0
