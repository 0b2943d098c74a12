#!/usr/bin/env bash
# hybridns diff as a user runs it: a scenario against itself (and against a
# copy whose lines moved) changes nothing and exits 0; removing one private
# hosted zone association moves exactly the cells it should, makes the lint
# finding appear and an expectation of NEW fail (exit 1); bad input exits 2.
. "$SRCDIR/tests/integration/lib.sh"

def="$SRCDIR/scenarios/shared-services.yaml"

# 1. OLD: the default design with two expectations about the ssm PHZ (so
#    each diff runs in a few seconds); NEW: the same with the ssm
#    zone no longer associated with consumer-2.
python3 - "$def" "$TMP/old.yaml" "$TMP/new.yaml" <<'PY' || fail "cannot write OLD and NEW"
import sys
s = open(sys.argv[1]).read()
keep = ("SSM apex from a consumer VPC", "a name missing under the SSM PHZ is NXDOMAIN, not public")
head, tail = s.split("\nexpect:\n")
items = ["  - name:" + i for i in tail.split("\nload:\n")[0].split("  - name:")[1:]]
kept = [i for i in items if i.split("\n")[0][len("  - name: "):] in keep]
assert len(kept) == len(keep), [i.split("\n")[0] for i in kept]
old = head + "\nexpect:\n" + "".join(i if i.endswith("\n") else i + "\n" for i in kept)
phz = "    vpcs: [shared-services, consumer-1, consumer-2, consumer-3]\n    records: |\n      @  ALIAS endpoint:ssm"
assert old.count(phz) == 1
open(sys.argv[2], "w").write(old)
open(sys.argv[3], "w").write(old.replace(phz, phz.replace(" consumer-2,", "")))
PY
def="$TMP/old.yaml"

# 2. OLD against itself (text), and against a copy with a comment line on
#    top (JSON: every finding's line moves by one): nothing changes, exit 0.
"$HYBRIDNS" diff "$def" "$def" >"$TMP/self.txt" || fail "diff of a scenario against itself exited $?"
for what in "Cells that change" "Lint findings added" "Lint findings removed" "Expectations whose verdict changes"; do
	grep -qx "$what (0)" "$TMP/self.txt" || fail "self diff: no '$what (0)': $(cat "$TMP/self.txt")"
done
(echo "# the same design, one line lower"; cat "$def") >"$TMP/shifted.yaml"
run_rc rc "$HYBRIDNS" diff "$def" "$TMP/shifted.yaml" --format json -o "$TMP/same.json"
[ "$rc" = 0 ] || fail "diff of a scenario against itself exited $rc: $(cat "$TMP/err")"
python3 - "$TMP/same.json" <<'PY' || fail "diff of a scenario against itself is not empty"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) >= {"old", "new", "changes", "findings_added", "findings_removed", "verdicts_changed"}, sorted(d)
assert d["changes"] == [] and d["findings_added"] == [] and d["findings_removed"] == [] and d["verdicts_changed"] == [], d
PY

# 3. The association removed.
run_rc rc "$HYBRIDNS" diff "$def" "$TMP/new.yaml" --format json -o "$TMP/phz.json"
[ "$rc" = 1 ] || fail "a change an expectation covers exited $rc, not 1: $(cat "$TMP/err")"
python3 - "$TMP/phz.json" <<'PY' || fail "the PHZ association diff"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changes"] == [{"name": "ssm.eu-west-1.amazonaws.com", "type": "A", "place": "vpc:consumer-2",
                         "before": "private", "after": "public",
                         "before_text": "private (endpoint ssm, 2 IPs)", "after_text": "public",
                         "covered": True}], d["changes"]
assert [(f["id"], f["path"]) for f in d["findings_added"]] == [("HNS109", "endpoints.ssm.private_dns")], d["findings_added"]
assert "consumer-2" in d["findings_added"][0]["message"]
assert d["findings_removed"] == [], d["findings_removed"]
assert [(v["name"], v["before"], v["after"]) for v in d["verdicts_changed"]] == \
    [("SSM apex from a consumer VPC", "pass", "fail")], d["verdicts_changed"]
PY
"$HYBRIDNS" diff "$def" "$TMP/new.yaml" >"$TMP/phz.txt" && fail "text diff exited 0"
grep -q '^  ssm.eu-west-1.amazonaws.com A from vpc:consumer-2: private (endpoint ssm, 2 IPs) -> public' "$TMP/phz.txt" ||
	fail "text diff lacks the moved cell: $(cat "$TMP/phz.txt")"
grep -q '^  + HNS109 warning endpoints.ssm.private_dns' "$TMP/phz.txt" || fail "text diff lacks the finding"

# The other way round the finding disappears; the cell moves back, and
# NEW's expectation passes again: still exit 1 (its verdict changed).
run_rc rc "$HYBRIDNS" diff "$TMP/new.yaml" "$def" --format json -o "$TMP/back.json"
[ "$rc" = 1 ] || fail "the reverse diff exited $rc"
python3 - "$TMP/back.json" <<'PY' || fail "the reverse diff"
import json, sys
d = json.load(open(sys.argv[1]))
assert [(c["before"], c["after"]) for c in d["changes"]] == [("public", "private")], d["changes"]
assert [f["id"] for f in d["findings_removed"]] == ["HNS109"] and d["findings_added"] == []
PY

# 4. Markdown and HTML carry the same change.
"$HYBRIDNS" diff "$def" "$TMP/new.yaml" --format markdown >"$TMP/phz.md" && fail "markdown diff exited 0"
grep -q '^| ssm.eu-west-1.amazonaws.com | A | vpc:consumer-2 | private (endpoint ssm, 2 IPs) | public | yes |$' "$TMP/phz.md" ||
	fail "markdown diff: $(cat "$TMP/phz.md")"
"$HYBRIDNS" diff "$def" "$TMP/new.yaml" --format html -o "$TMP/phz.html" && fail "html diff exited 0"
grep -q '<td class="hns-private">private (endpoint ssm, 2 IPs)</td><td class="hns-public">public</td>' "$TMP/phz.html" ||
	fail "html diff lacks the cell"
! grep -qi 'http[s]*://' "$TMP/phz.html" || fail "the html diff fetches something"

# 5. Bad input: exit 2.
run_rc rc "$HYBRIDNS" diff "$def"
[ "$rc" = 2 ] || fail "diff with one scenario exited $rc"
run_rc rc "$HYBRIDNS" diff "$def" "$TMP/nosuch.yaml"
[ "$rc" = 2 ] && grep -q nosuch.yaml "$TMP/err" || fail "a missing NEW exited $rc: $(cat "$TMP/err")"
printf 'scenario: x\nvpcs: {a: {cidr: nope}}\n' >"$TMP/broken.yaml"
run_rc rc "$HYBRIDNS" diff "$TMP/broken.yaml" "$def"
[ "$rc" = 2 ] && grep -q "broken.yaml:2:" "$TMP/err" || fail "an invalid OLD exited $rc: $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" diff "$def" "$def" --format yaml
[ "$rc" = 2 ] || fail "--format yaml exited $rc"
run_rc rc "$HYBRIDNS" diff "$def" "$def" --bogus
[ "$rc" = 2 ] || fail "--bogus exited $rc"
echo ok
