#!/usr/bin/env bash
# hybridns check as a user runs it: the built-in default, every reference
# scenario, every report format, and every expectation form failing for the
# right reason with a clear message.
. "$SRCDIR/tests/integration/lib.sh"

# 1. The README's main command: the built-in default scenario holds.
out=$("$HYBRIDNS" check) || fail "hybridns check (default) exited $?: $out"
echo "$out" | tail -1 | grep -Eq '^[0-9]+ passed, 0 failed$' || fail "unexpected summary: $(echo "$out" | tail -1)"
echo "$out" | grep -q 'private API resolves to the endpoint from on-prem' || fail "default report lacks the first expectation"

# 2. Every reference scenario passes.
for s in "$SRCDIR"/scenarios/*.yaml; do
	out=$("$HYBRIDNS" check "$s") || fail "check $s exited $?:
$out"
done

# 3. A scenario whose expectations are wrong, one per answer form, each
#    failing with its own message.  The world is the default one.
bad="$TMP/wrong.yaml"
sed '/^expect:/,$d' "$SRCDIR/scenarios/shared-services.yaml" >"$bad"
cat >>"$bad" <<'YAML'
expect:
  - name: wrong list
    from: vpc:consumer-1
    query: abcd.execute-api.eu-west-1.amazonaws.com A
    answer: [10.9.9.9]
  - name: wrong endpoint
    from: vpc:consumer-1
    query: abcd.execute-api.eu-west-1.amazonaws.com A
    answer: endpoint:ssm
  - name: wrong az
    from: onprem
    query: vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1b.execute-api.eu-west-1.vpce.amazonaws.com A
    answer: endpoint:api@eu-west-1a
  - name: public expected, private came
    from: vpc:consumer-1
    query: abcd.execute-api.eu-west-1.amazonaws.com A
    answer: public
  - name: private expected, public came
    from: onprem
    query: s3.eu-west-1.amazonaws.com A
    answer: private
  - name: empty expected, records came
    from: vpc:consumer-1
    query: www.example.com A
    answer: empty
  - name: nxdomain expected, name exists
    from: vpc:consumer-1
    query: www.example.com A
    answer: nxdomain
  - name: rcode expected SERVFAIL
    from: vpc:consumer-1
    query: www.example.com A
    rcode: SERVFAIL
  - name: too slow for max_ms over the VPN
    from: onprem
    query: abcd.execute-api.eu-west-1.amazonaws.com A
    answer: endpoint:api
    max_ms: 1
  - name: via the standby tunnel while tunnel1 is up
    from: onprem
    query: abcd.execute-api.eu-west-1.amazonaws.com A
    answer: endpoint:api
    via: [onprem:dc1-dns, vpn:tunnel2]
  - name: right, as a control
    from: vpc:consumer-1
    query: abcd.execute-api.eu-west-1.amazonaws.com A
    answer: endpoint:api
YAML
set +e
out=$("$HYBRIDNS" check "$bad")
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a failing check must exit 1, got $rc:
$out"
echo "$out" | tail -1 | grep -qx '1 passed, 10 failed' || fail "summary: $(echo "$out" | tail -1)"
expect_msg() {
	# expect_msg NAME TEXT: the line after NAME's ✗ line holds TEXT.
	echo "$out" | grep -A1 -F "✗ $1" | tail -1 | grep -qF -- "$2" ||
		fail "$1: message lacks '$2':
$(echo "$out" | grep -A1 -F "$1")"
}
expect_msg "wrong list" "expected 10.9.9.9, got 10.0.1.25 10.0.2.25"
expect_msg "wrong endpoint" "expected 10.0.1.26 10.0.2.26, got 10.0.1.25 10.0.2.25"
expect_msg "wrong az" "expected 10.0.1.25, got 10.0.2.25"
expect_msg "public expected, private came" "is inside a VPC or on-prem CIDR"
expect_msg "private expected, public came" "52.218.0.10 is not inside any VPC or on-prem CIDR"
expect_msg "empty expected, records came" "expected no records, got 93.184.215.14"
expect_msg "nxdomain expected, name exists" "expected NXDOMAIN, got NOERROR"
expect_msg "rcode expected SERVFAIL" "got NOERROR"
expect_msg "too slow for max_ms over the VPN" "more than max_ms 1"
expect_msg "via the standby tunnel while tunnel1 is up" "the path did not pass vpn:tunnel2"
echo "$out" | grep -qF "✓ right, as a control" || fail "the control expectation failed"

# 4. Reports: JSON with the documented fields, JUnit that an XML parser reads.
set +e
"$HYBRIDNS" check "$bad" --format json -o "$TMP/r.json"; rc=$?
"$HYBRIDNS" check "$bad" --format junit -o "$TMP/r.xml"; rc2=$?
set -e
[ "$rc" -eq 1 ] && [ "$rc2" -eq 1 ] || fail "json/junit exit codes $rc $rc2"
python3 - "$TMP/r.json" "$TMP/r.xml" <<'PY'
import json, sys, xml.etree.ElementTree as ET
r = json.load(open(sys.argv[1]))
assert r["passed"] == 1 and r["failed"] == 10, r
assert len(r["results"]) == 11
for x in r["results"]:
    for k in ("name", "status", "from", "query", "rcode", "answers", "path", "latency_ms", "message"):
        assert k in x, (k, x)
    assert x["status"] in ("pass", "fail")
    assert (x["message"] == "") == (x["status"] == "pass"), x
first = r["results"][0]
assert first["answers"] == ["10.0.1.25", "10.0.2.25"] or sorted(first["answers"]) == ["10.0.1.25", "10.0.2.25"], first
assert first["from"] == "vpc:consumer-1" and first["rcode"] == "NOERROR"
assert any(h["hop"] == "zone:execute-api.eu-west-1.amazonaws.com" for h in first["path"]), first["path"]
root = ET.parse(sys.argv[2]).getroot()
assert root.tag == "testsuites"
cases = root.findall("./testsuite/testcase")
assert len(cases) == 11, len(cases)
failures = [c for c in cases if c.find("failure") is not None]
assert len(failures) == 10
assert root.find("testsuite").get("failures") == "10"
assert "expected 10.9.9.9" in failures[0].find("failure").get("message")
PY

# 5. Usage and scenario errors exit 2 with a clear message.
set +e
"$HYBRIDNS" check --format yaml >/dev/null 2>"$TMP/e1"; [ $? -eq 2 ] || fail "--format yaml must exit 2"
grep -q "expected text, json or junit" "$TMP/e1" || fail "bad --format message: $(cat "$TMP/e1")"
"$HYBRIDNS" check "$SRCDIR/scenarios/shared-services.yaml" --expect "no such" >/dev/null 2>"$TMP/e2"
[ $? -eq 2 ] || fail "--expect with an unknown name must exit 2"
printf 'scenario: x\nregion: eu-west-1\nvpcs: {a: {cidr: 10.0.0.0/33}}\n' >"$TMP/bad.yaml"
"$HYBRIDNS" check "$TMP/bad.yaml" >/dev/null 2>"$TMP/e3"; [ $? -eq 2 ] || fail "invalid scenario must exit 2"
grep -q "bad.yaml:3:" "$TMP/e3" || fail "scenario error lacks FILE:LINE: $(cat "$TMP/e3")"
# A scenario file that cannot be read is a usage error too, for every command that takes one.
for cmd in check trace serve load lint; do
	extra=""; [ "$cmd" = trace ] && extra="x.example.com"
	"$HYBRIDNS" $cmd "$TMP/no-such.yaml" $extra >/dev/null 2>"$TMP/e4"; rc=$?
	[ $rc -eq 2 ] || fail "$cmd with a missing scenario must exit 2, got $rc"
	grep -q "no-such.yaml" "$TMP/e4" || fail "$cmd: the message must name the file: $(cat "$TMP/e4")"
done
"$HYBRIDNS" check --onprem-resolver 10.0.0.1:53 >/dev/null 2>&1; [ $? -eq 2 ] || fail "non-loopback --onprem-resolver must exit 2"
set -e
echo "check: ok"
