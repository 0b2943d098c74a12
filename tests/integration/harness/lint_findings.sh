#!/usr/bin/env bash
# hybridns lint findings through the CLI: text grouped by severity, the JSON
# contract (findings/suppressed beside the world), SARIF 2.1.0 validated by
# Debian's python3-jsonschema against the official SARIF 2.1.0 schema
# (tests/lint/sarif-schema-2.1.0.json) and the stricter subset of what
# hybridns writes (tests/lint/sarif-2.1.0-subset.schema.json),
# --fail-on and its exit codes, suppression comments, --no-summary, and
# the labs giving the findings they are about.
. "$SRCDIR/tests/integration/lib.sh"

PY=/usr/bin/python3 # Debian's, with python3-jsonschema (scripts/packages.txt)
"$PY" -c 'import jsonschema' || fail "python3-jsonschema is not installed (bash scripts/deps.sh)"
SCHEMA="$SRCDIR/tests/lint/sarif-2.1.0-subset.schema.json"
OFFICIAL="$SRCDIR/tests/lint/sarif-schema-2.1.0.json"

# The correct base design with one forward target and a timeout too short for
# the tunnel: two warnings (HNS118, HNS121) and no error.
sed -e 's/targets: \[192.168.10.53, 192.168.10.54\]/targets: [192.168.10.53]/' \
	-e '0,/timeout_ms: 1000/s//timeout_ms: 20/' \
	"$SRCDIR/tests/lint/hybrid.yaml" >"$TMP/warn.yaml"
# The same plus an error: dc1 forwards to the VPC's +2 address (and so reaches
# the inbound endpoint through one IP only: HNS116).
sed -e '0,/to: \[10.0.1.10, 10.0.2.10\]/s//to: [10.0.0.2, 10.0.2.10]/' "$TMP/warn.yaml" >"$TMP/err.yaml"
l101=$(grep -n 'to: \[10.0.0.2' "$TMP/err.yaml" | cut -d: -f1)
l118=$(grep -n 'targets: \[192.168.10.53\]' "$TMP/err.yaml" | cut -d: -f1)

# ------------------------------------------------------------ clean: exit 0
run_rc rc "$HYBRIDNS" lint "$SRCDIR/tests/lint/hybrid.yaml" --no-summary
[ "$rc" -eq 0 ] || fail "clean design: exit $rc"
grep -q "^Findings for lint-base: 0 errors, 0 warnings, 0 info, 0 suppressed$" "$TMP/out" ||
	fail "clean design: $(cat "$TMP/out")"
! grep -q "VPCs (" "$TMP/out" || fail "--no-summary printed the world"

# ------------------------------------------------------------ text
run_rc rc "$HYBRIDNS" lint "$TMP/err.yaml"
[ "$rc" -eq 1 ] || fail "error finding: exit $rc, want 1"
[ ! -s "$TMP/err" ] || fail "findings went to stderr: $(cat "$TMP/err")"
grep -q "VPCs (" "$TMP/out" || fail "the world summary is no longer first"
grep -q "^Findings for lint-base: 1 error, 3 warnings, 0 info, 0 suppressed$" "$TMP/out" ||
	fail "count line: $(grep Findings "$TMP/out")"
# Grouped: the Errors heading before Warnings, each finding located FILE:LINE:COL: ID severity: path.
e=$(grep -n "^Errors (1)$" "$TMP/out" | cut -d: -f1)
w=$(grep -n "^Warnings (3)$" "$TMP/out" | cut -d: -f1)
[ -n "$e" ] && [ -n "$w" ] && [ "$e" -lt "$w" ] || fail "not grouped by severity: $(cat "$TMP/out")"
grep -q "^  $TMP/err.yaml:$l101:[0-9]*: HNS101 error: onprem.resolvers.dc1.forward.0.to.0$" "$TMP/out" ||
	fail "HNS101 not located at line $l101: $(grep HNS101 "$TMP/out")"
grep -q "^    fix: " "$TMP/out" || fail "no fix line"
grep -q "^    see: https://docs.aws.amazon.com/" "$TMP/out" || fail "no source line"
# One screen per ten findings: four lines a finding.
n=$(sed -n '/^Findings for /,$p' "$TMP/out" | wc -l)
[ "$n" -le $((4 * 4 + 6)) ] || fail "findings take $n lines for 4 findings"

# ------------------------------------------------------------ --fail-on
run_rc rc "$HYBRIDNS" lint "$TMP/warn.yaml" --no-summary
[ "$rc" -eq 0 ] || fail "warnings only, default --fail-on error: exit $rc"
run_rc rc "$HYBRIDNS" lint "$TMP/warn.yaml" --no-summary --fail-on warning
[ "$rc" -eq 1 ] || fail "--fail-on warning: exit $rc, want 1"
run_rc rc "$HYBRIDNS" lint "$TMP/warn.yaml" --no-summary --fail-on=info
[ "$rc" -eq 1 ] || fail "--fail-on=info: exit $rc, want 1"
run_rc rc "$HYBRIDNS" lint "$TMP/err.yaml" --no-summary --fail-on none
[ "$rc" -eq 0 ] || fail "--fail-on none: exit $rc, want 0"
run_rc rc "$HYBRIDNS" lint "$TMP/warn.yaml" --fail-on fatal
[ "$rc" -eq 2 ] || fail "--fail-on fatal: exit $rc, want 2"
grep -q "fatal" "$TMP/err" || fail "bad --fail-on not named: $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" lint "$TMP/warn.yaml" --fail-on
[ "$rc" -eq 2 ] || fail "--fail-on without value: exit $rc, want 2"

# ------------------------------------------------------------ suppression
sed -e "s/targets: \[192.168.10.53\]/targets: [192.168.10.53]  # hybridns: ignore HNS118 one resolver in this test/" \
	"$TMP/warn.yaml" >"$TMP/supp.yaml"
run_rc rc "$HYBRIDNS" lint "$TMP/supp.yaml" --no-summary --fail-on warning
[ "$rc" -eq 1 ] || fail "HNS121 still fails --fail-on warning: exit $rc"
grep -q "1 warning, 0 info, 1 suppressed" "$TMP/out" || fail "suppressed count: $(head -1 "$TMP/out")"
grep -q "^Suppressed (1)$" "$TMP/out" || fail "no Suppressed group"
grep -q "acknowledged: one resolver in this test" "$TMP/out" || fail "reason not shown"
# Suppressing the last warning makes --fail-on warning pass.
sed -i -e "0,/timeout_ms: 20/s//timeout_ms: 20  # hybridns: ignore HNS121 the test wants it/" "$TMP/supp.yaml"
run_rc rc "$HYBRIDNS" lint "$TMP/supp.yaml" --no-summary --fail-on warning
[ "$rc" -eq 0 ] || fail "everything acknowledged: exit $rc: $(cat "$TMP/out")"
# An ignore without a reason acknowledges nothing and is itself reported.
sed -e "s/targets: \[192.168.10.53\]/targets: [192.168.10.53]  # hybridns: ignore HNS118/" \
	"$TMP/warn.yaml" >"$TMP/noreason.yaml"
run_rc rc "$HYBRIDNS" lint "$TMP/noreason.yaml" --no-summary
grep -q "HNS131 warning" "$TMP/out" || fail "ignore without reason not reported: $(cat "$TMP/out")"
grep -q "0 suppressed" "$TMP/out" || fail "ignore without reason suppressed something"

# ------------------------------------------------------------ JSON
run_rc rc "$HYBRIDNS" lint "$TMP/supp.yaml" --format json --fail-on none
[ "$rc" -eq 0 ] || fail "json: exit $rc"
"$PY" - "$TMP/out" "$TMP/supp.yaml" <<'PY' || fail "JSON contract"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["scenario"] == "lint-base" and d["file"] == sys.argv[2], (d["scenario"], d["file"])
assert d["findings"] == [], d["findings"]
assert [s["id"] for s in d["suppressed"]] == ["HNS118", "HNS121"], d["suppressed"]
keys = {"id", "severity", "file", "line", "column", "path", "message", "fix", "source", "reason"}
for s in d["suppressed"]:
    assert set(s) == keys, set(s)
    assert s["severity"] in ("error", "warning", "info") and s["line"] > 0 and s["column"] > 0
assert d["suppressed"][0]["reason"] == "one resolver in this test"
# The world is still there for the readers of the old output.
assert [v["name"] for v in d["vpcs"]] == ["hub", "spoke"] and d["onprem"]["resolvers"]
PY
run_rc rc "$HYBRIDNS" lint "$TMP/err.yaml" --format json
[ "$rc" -eq 1 ] || fail "json with an error: exit $rc, want 1"
"$PY" - "$TMP/out" "$l101" "$l118" <<'PY' || fail "JSON findings"
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["id"]: x for x in d["findings"]}
assert [x["severity"] for x in d["findings"]] == ["error", "warning", "warning", "warning"], d["findings"]
assert f["HNS101"]["line"] == int(sys.argv[2]) and f["HNS101"]["path"] == "onprem.resolvers.dc1.forward.0.to.0"
assert f["HNS118"]["line"] == int(sys.argv[3]) and f["HNS118"]["path"] == "resolver.rules.corp.targets"
assert f["HNS101"]["source"].startswith("https://docs.aws.amazon.com/")
PY

# ------------------------------------------------------------ SARIF
run_rc rc "$HYBRIDNS" lint "$TMP/supp.yaml" --format sarif --fail-on none
cp "$TMP/out" "$TMP/supp.sarif"
run_rc rc "$HYBRIDNS" lint "$TMP/err.yaml" --format sarif
[ "$rc" -eq 1 ] || fail "sarif with an error: exit $rc, want 1"
cp "$TMP/out" "$TMP/err.sarif"
"$PY" - "$SCHEMA" "$TMP/err.sarif" "$TMP/supp.sarif" "$l101" "$OFFICIAL" <<'PY' || fail "SARIF"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
official = json.load(open(sys.argv[5]))
jsonschema.Draft4Validator.check_schema(official)
vo = jsonschema.Draft4Validator(official, format_checker=jsonschema.FormatChecker())
err, supp = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
for doc in (err, supp):
    vo.validate(doc)
    v.validate(doc)
run = err["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert ids == ["HNS%d" % n for n in range(101, 132)], ids
for r in rules:
    assert r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert r["id"] == "HNS131" or r["helpUri"].startswith("https://")
res = {r["ruleId"]: r for r in run["results"]}
h = res["HNS101"]
assert h["level"] == "error" and ids[h["ruleIndex"]] == "HNS101"
loc = h["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"].startswith("file:///") and loc["artifactLocation"]["uri"].endswith("/err.yaml")
assert loc["region"]["startLine"] == int(sys.argv[4]) and loc["region"]["startColumn"] > 0
assert h["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "onprem.resolvers.dc1.forward.0.to.0"
assert "suppressions" not in h
s = {r["ruleId"]: r for r in supp["runs"][0]["results"]}
assert s["HNS118"]["suppressions"] == [{"kind": "inSource", "justification": "one resolver in this test"}]
# A broken document must fail the schema (the validation can fail).
bad = json.loads(json.dumps(err))
bad["runs"][0]["results"][0]["level"] = "fatal"
assert not v.is_valid(bad) and not vo.is_valid(bad)
PY

# ------------------------------------------------------------ the labs
for pair in forward-to-vpc-resolver:HNS101 forwarding-loop:HNS105 \
	missing-rule-association:HNS130 private-dns-from-peer:HNS111 \
	s3-gateway-from-onprem:HNS114 s3-gateway-from-onprem:HNS104; do
	lab=${pair%%:*} id=${pair#*:}
	run_rc rc "$HYBRIDNS" lint "$SRCDIR/scenarios/labs/$lab.yaml" --format json --fail-on none
	[ "$rc" -eq 0 ] || fail "lab $lab: exit $rc"
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(sys.argv[2] not in [f["id"] for f in d["findings"]])' \
		"$TMP/out" "$id" || fail "lab $lab does not give $id"
done

# Every shipped scenario: no error finding (exit 0 with the default --fail-on error).
for f in "$SRCDIR"/scenarios/*.yaml; do
	run_rc rc "$HYBRIDNS" lint "$f" --no-summary
	[ "$rc" -eq 0 ] || fail "$(basename "$f"): exit $rc: $(cat "$TMP/out")"
done

echo "lint findings: text, json, sarif, --fail-on, suppression and labs OK"
