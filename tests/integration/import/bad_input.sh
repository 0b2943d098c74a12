#!/usr/bin/env bash
# Bad sources for `hybridns import aws|terraform`: each exits 2 with one
# located message ("FILE: $.json.path: ..." or FILE:LINE:COLUMN for JSON that
# does not parse), and -o is not written.
. "$SRCDIR/tests/integration/lib.sh"

fx="$SRCDIR/tests/import/aws"
tf="$SRCDIR/tests/import/terraform"

# expect_bad PATTERN CMD...: exit 2, PATTERN in stderr, no output file.
expect_bad() {
	local pat=$1
	shift
	rm -f "$TMP/never.yaml"
	run_rc rc "$@" -o "$TMP/never.yaml"
	[ "$rc" -eq 2 ] || fail "$* exited $rc, expected 2: $(cat "$TMP/err")"
	grep -q -- "$pat" "$TMP/err" || fail "$*: expected '$pat' in: $(cat "$TMP/err")"
	[ ! -e "$TMP/never.yaml" ] || fail "$*: the output was written"
}

# Truncated JSON.
head -c 300 "$fx/vpcs.json" >"$TMP/truncated.json"
expect_bad "truncated.json:[0-9]*:[0-9]*: \$: invalid JSON" "$HYBRIDNS" import aws "$TMP/truncated.json"
head -c 500 "$tf/plan.json" >"$TMP/plan-truncated.json"
expect_bad "plan-truncated.json:[0-9]*:[0-9]*: \$: invalid JSON" "$HYBRIDNS" import terraform "$TMP/plan-truncated.json"

# A wrong top-level shape.
echo '[{"VpcId": "vpc-0a1b2c3d4e5f60001"}]' >"$TMP/list.json"
expect_bad 'list.json: \$: got a list (expected an object' "$HYBRIDNS" import aws "$TMP/list.json"
echo '{"Vpcs": {"VpcId": "vpc-0a1b2c3d4e5f60001"}}' >"$TMP/vpcs-object.json"
expect_bad 'vpcs-object.json: \$.Vpcs: got an object (expected a list)' "$HYBRIDNS" import aws "$TMP/vpcs-object.json"
echo '{"format_version": "1.0", "resources": []}' >"$TMP/notshow.json"
expect_bad 'notshow.json: \$: .*expected "values"' "$HYBRIDNS" import terraform "$TMP/notshow.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["Subnets"][1]["CidrBlock"]=24; json.dump(d,open(sys.argv[2],"w"))' \
	"$fx/subnets.json" "$TMP/subnets.json"
expect_bad 'subnets.json: \$.Subnets\[1\].CidrBlock: got a number (expected a string)' "$HYBRIDNS" import aws "$TMP/subnets.json"

# A rule pointing at an endpoint that is not in the input.
mkdir "$TMP/norep"
cp "$fx"/*.json "$TMP/norep/"
python3 - "$TMP/norep/resolver-endpoints.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["ResolverEndpoints"] = [e for e in d["ResolverEndpoints"] if e["Direction"] == "INBOUND"]
json.dump(d, open(sys.argv[1], "w"))
PY
rm "$TMP/norep"/resolver-endpoint-ip-addresses-rslvr-out-*
expect_bad 'resolver-rules.json: \$.ResolverRules\[0\].ResolverEndpointId: rule rslvr-rr-0a1b2c3d4e5f60001 names resolver endpoint .rslvr-out-0fedcba9876543210., which is not in the input' \
	"$HYBRIDNS" import aws "$TMP/norep"
python3 - "$tf/state.json" "$TMP/tf-norep.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rm = d["values"]["root_module"]["resources"]
d["values"]["root_module"]["resources"] = [r for r in rm if r["address"] != "aws_route53_resolver_endpoint.outbound"]
json.dump(d, open(sys.argv[2], "w"))
PY
expect_bad 'tf-norep.json: \$.values.root_module.resources\[[0-9]*\].values.resolver_endpoint_id: rule .* names resolver endpoint' \
	"$HYBRIDNS" import terraform "$TMP/tf-norep.json"

# Unreadable sources and usage.
expect_bad 'no-such.json: cannot read' "$HYBRIDNS" import aws "$TMP/no-such.json"
expect_bad 'no-such.json: cannot read' "$HYBRIDNS" import terraform "$TMP/no-such.json"
run_rc rc "$HYBRIDNS" import aws
[ "$rc" -eq 2 ] || fail "import aws without a source exited $rc"
run_rc rc "$HYBRIDNS" import cloudformation x.json
[ "$rc" -eq 2 ] || fail "an unknown source exited $rc"
echo "bad_input: ok"
