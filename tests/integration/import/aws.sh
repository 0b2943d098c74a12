#!/usr/bin/env bash
# hybridns import aws as a user runs it, on the design of tests/import/
# (3 VPCs, peering, interface endpoints with and without private DNS, a
# gateway endpoint, PHZs with aliases to the endpoint, inbound and outbound
# endpoints, rules with associations, a VPN): the scenario lints clean, the
# expectations written by hand for the design pass, every link that an
# output leaves implicit is made, and what is guessed is said.
. "$SRCDIR/tests/integration/lib.sh"

fx="$SRCDIR/tests/import/aws"

# 1. The folder -> a scenario that loads and lints clean, with its header.
run_rc rc "$HYBRIDNS" import aws "$fx" -o "$TMP/aws.yaml"
[ "$rc" -eq 0 ] || fail "import aws exited $rc: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "import -o also wrote to stdout"
[ ! -s "$TMP/err" ] || fail "import of the fixtures warned: $(cat "$TMP/err")"
head -1 "$TMP/aws.yaml" | grep -q "^# Written by: hybridns import aws $fx" || fail "header lacks the command"
grep -q "^#   $fx/vpc-endpoints.json" "$TMP/aws.yaml" || fail "header lacks the sources"
# Alone, the AWS side forwards corp.example.com to a data-centre resolver no
# AWS source describes: lint's only error is that (HNS102); with the
# resolver added (design-expect.yaml, below) the design lints clean.
"$HYBRIDNS" lint "$TMP/aws.yaml" --fail-on none >"$TMP/lint.txt" || fail "lint of the import exited $?: $(cat "$TMP/lint.txt")"
"$HYBRIDNS" lint "$TMP/aws.yaml" --format json --fail-on none | python3 -c '
import json, sys
errs = [f for f in json.load(sys.stdin)["findings"] if f["severity"] == "error"]
assert [f["id"] for f in errs] == ["HNS102"] and "192.168.10.53" in errs[0]["message"], errs
' || fail "the bare import has other lint errors than its on-prem target"

# 2. What the outputs leave implicit: real vpce ids and suffixes, ENI
#    addresses from describe-network-interfaces, the resolver endpoints'
#    addresses linked through "Route 53 Resolver: rslvr-in-…:rni-…", the
#    record sets linked to their zones, the '\052' wildcard, aliases to the
#    endpoint (regional and zonal), the VPN's VPC through its gateway.
grep -q 'vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com -> 10.0.1.25 10.0.2.25' "$TMP/lint.txt" ||
	fail "the api endpoint's regional name or ENIs are not the real ones: $(cat "$TMP/lint.txt")"
grep -A3 '^    inbound:' "$TMP/aws.yaml" | grep -q 'id: rslvr-in-0123456789abcdef0' || fail "inbound endpoint id missing"
grep -q '^        private-b: 10.0.2.11$' "$TMP/aws.yaml" || fail "outbound endpoint address missing"
# A rule keeps its AWS id as a key the loader reads back (lint's world shows it).
grep -A2 '^    corp:' "$TMP/aws.yaml" | grep -q '^      id: rslvr-rr-0a1b2c3d4e5f60001$' || fail "rule id missing"
grep -q 'corp .* rslvr-rr-0a1b2c3d4e5f60001 ' "$TMP/lint.txt" || fail "rule id not read back: $(cat "$TMP/lint.txt")"
grep -q '^      \* ALIAS endpoint:api$' "$TMP/aws.yaml" || fail "wildcard alias to the endpoint missing"
grep -q '^      api ALIAS endpoint:api@eu-west-1a$' "$TMP/aws.yaml" || fail "zonal alias missing"
grep -q '^      docs 300 CNAME db.internal.example.com.$' "$TMP/aws.yaml" || fail "CNAME target not absolute"
grep -q '^  vpcs: \[shared-services\]$' "$TMP/aws.yaml" || fail "VPN VPC not linked through the gateway"
! grep -q 'Internet Resolver' "$TMP/aws.yaml" || fail "the built-in recursive rule was imported"
! grep -q 'guessed' <(grep -v -e '^#' -e '^scenario:' -e 'latency_ms' "$TMP/aws.yaml") ||
	fail "a value read from the fixtures is marked guessed: $(grep guessed "$TMP/aws.yaml")"

# 3. The expectations written by hand for the design pass on the import.
cat "$TMP/aws.yaml" "$SRCDIR/tests/import/design-expect.yaml" >"$TMP/checked.yaml"
"$HYBRIDNS" lint "$TMP/checked.yaml" >"$TMP/lint2.txt" || fail "the imported design with its resolver does not lint clean: $(cat "$TMP/lint2.txt")"
out=$("$HYBRIDNS" check "$TMP/checked.yaml") || fail "check of the imported design exited $?:
$out"
echo "$out" | tail -1 | grep -Eq '^9 passed, 0 failed$' || fail "unexpected summary: $out"

# 4. Files named one by one, in another order, and to stdout: the same world.
mapfile -t files < <(ls -r "$fx"/*.json)
"$HYBRIDNS" import aws "${files[@]}" >"$TMP/byfile.yaml" || fail "import by file failed"
diff <(grep -v '^#' "$TMP/aws.yaml") <(grep -v '^#' "$TMP/byfile.yaml") || fail "file order changed the import"

# 5. A bare record list (no zone id in its name) is matched by its SOA, and
#    without a SOA by the zone that holds all its names.
mkdir "$TMP/bare"
cp "$fx"/*.json "$TMP/bare/"
mv "$TMP/bare/records-Z0987654321KLMNOPQRST.json" "$TMP/bare/internal-records.json"
python3 - "$TMP/bare/records-Z0123456789ABCDEFGHIJ.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["ResourceRecordSets"] = [r for r in d["ResourceRecordSets"] if r["Type"] not in ("SOA", "NS")]
json.dump(d, open(sys.argv[1].replace("records-Z0123456789ABCDEFGHIJ", "api-records"), "w"))
PY
rm "$TMP/bare/records-Z0123456789ABCDEFGHIJ.json"
"$HYBRIDNS" import aws "$TMP/bare" >"$TMP/bare.yaml" 2>"$TMP/bare.err" || fail "bare record lists: $(cat "$TMP/bare.err")"
diff <(grep -v '^#' "$TMP/aws.yaml") <(grep -v '^#' "$TMP/bare.yaml") || fail "bare record lists matched differently"

# 6. An output it does not read: one warning line, the rest imported.
echo '{"Reservations": []}' >"$TMP/bare/instances.json"
run_rc rc "$HYBRIDNS" import aws "$TMP/bare"
[ "$rc" -eq 0 ] || fail "an unknown output made the import fail ($rc)"
[ "$(grep -c 'instances.json: \$: warning: not an AWS CLI output' "$TMP/err")" -eq 1 ] ||
	fail "expected one warning for instances.json: $(cat "$TMP/err")"

# 7. Without describe-network-interfaces the interface endpoints' addresses
#    are guessed inside their subnets (and say so); the resolver endpoints'
#    come from the ip-address files, linked by the endpoint id in the name;
#    without the attributes, the DNS flags are guessed too.
mkdir "$TMP/noeni"
cp "$fx"/*.json "$TMP/noeni/"
rm "$TMP/noeni/network-interfaces.json" "$TMP/noeni"/vpc-attribute-*
"$HYBRIDNS" import aws "$TMP/noeni" -o "$TMP/noeni.yaml" || fail "import without ENIs failed"
grep -q '^      private-a: 10.0.1.4  # guessed: ' "$TMP/noeni.yaml" || fail "no guessed ENI address: $(cat "$TMP/noeni.yaml")"
grep -q '^    dns_support: true  # guessed: ' "$TMP/noeni.yaml" || fail "dns_support not marked guessed"
grep -q '^        private-a: 10.0.1.10$' "$TMP/noeni.yaml" || fail "resolver address not linked by file name"
"$HYBRIDNS" lint "$TMP/noeni.yaml" --fail-on none >/dev/null || fail "the guessed scenario does not load"
echo "aws: ok"
