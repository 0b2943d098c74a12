#!/usr/bin/env bash
# hybridns import terraform on the design of tests/import/, as state and as
# a plan (unknown values, a child module called twice): each lints clean,
# the expectations written by hand pass, the values unknown until apply are
# linked through the configuration's references and the missing addresses
# guessed (and said so), and both give the same world as the AWS CLI import.
. "$SRCDIR/tests/integration/lib.sh"

fx="$SRCDIR/tests/import"
world() { "$HYBRIDNS" lint "$1" --format json | python3 "$SRCDIR/tests/integration/import/world.py" "$2"; }

for kind in state plan; do
	run_rc rc "$HYBRIDNS" import terraform "$fx/terraform/$kind.json" -o "$TMP/$kind.yaml"
	[ "$rc" -eq 0 ] || fail "import terraform $kind exited $rc: $(cat "$TMP/err")"
	# one warning line for the one resource type it does not read
	[ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q 'warning: resource type aws_security_group is not part' "$TMP/err" ||
		fail "$kind: expected one warning for aws_security_group: $(cat "$TMP/err")"
	head -1 "$TMP/$kind.yaml" | grep -q "^# Written by: hybridns import terraform $fx/terraform/$kind.json" ||
		fail "$kind: header lacks the command"
	grep -q '^region: eu-west-1$' "$TMP/$kind.yaml" || fail "$kind: region not read"
	"$HYBRIDNS" lint "$TMP/$kind.yaml" --fail-on none >/dev/null || fail "$kind: the import does not load"
	cat "$TMP/$kind.yaml" "$fx/design-expect.yaml" >"$TMP/$kind-checked.yaml"
	"$HYBRIDNS" lint "$TMP/$kind-checked.yaml" >"$TMP/lint.txt" || fail "$kind: the design with its resolver does not lint clean: $(cat "$TMP/lint.txt")"
	out=$("$HYBRIDNS" check "$TMP/$kind-checked.yaml") || fail "$kind: check exited $?:
$out"
	echo "$out" | tail -1 | grep -Eq '^9 passed, 0 failed$' || fail "$kind: unexpected summary: $out"
done

# State: the real ids, as the AWS CLI gives them; the interface endpoints'
# ENI addresses (not in any Terraform resource) guessed and commented.
grep -q '^    id: vpce-0d22e1bb51e3aa6be$' "$TMP/state.yaml" || fail "state: sqs endpoint id missing"
grep -q '^    dns_suffix: m2yg7qdw$' "$TMP/state.yaml" || fail "state: sqs suffix missing"
grep -q '^      private-a: 10.0.1.4  # guessed: ' "$TMP/state.yaml" || fail "state: interface ENI address not guessed"
grep -q '# consumer-2 is authorised to associate but is not associated' "$TMP/state.yaml" ||
	fail "state: the association authorisation is not mentioned"

# Plan: unknown ids are absent (derived by the model), unknown addresses
# guessed inside the subnet, and the links made through references: the
# spoke module's VPC (module output) in the zone, the rule through the
# module's variable, the sqs endpoint's subnets through its associations.
! grep -q 'vpc-0a1b2c3d4e5f60003' "$TMP/plan.yaml" || fail "plan: an id unknown until apply was written"
grep -q '^        private-a: 10.0.1.6  # guessed: ' "$TMP/plan.yaml" || fail "plan: outbound address not guessed: $(cat "$TMP/plan.yaml")"
grep -q '^    vpcs: \[shared-services, consumer-1, consumer-2\]$' "$TMP/plan.yaml" || fail "plan: zone VPC through module output missing"
grep -q '^      vpcs: \[shared-services, consumer-1, consumer-2\]$' "$TMP/plan.yaml" || fail "plan: rule association through var missing"
grep -A8 '^  sqs:' "$TMP/plan.yaml" | grep -q '^      private-b: ' || fail "plan: sqs subnet association missing"

# The same design through the AWS CLI: the same world.
"$HYBRIDNS" import aws "$fx/aws" -o "$TMP/aws.yaml" || fail "import aws failed"
diff <(world "$TMP/aws.yaml" aws-vs-state) <(world "$TMP/state.yaml" aws-vs-state) >"$TMP/diff" ||
	fail "AWS CLI and Terraform state imports differ: $(cat "$TMP/diff")"
diff <(world "$TMP/aws.yaml" aws-vs-plan) <(world "$TMP/plan.yaml" aws-vs-plan) >"$TMP/diff" ||
	fail "AWS CLI and Terraform plan imports differ: $(cat "$TMP/diff")"
# ... and the comparison can fail: a world with one association less differs.
sed 's/^    vpcs: \[shared-services, consumer-1\]$/    vpcs: [shared-services]/' "$TMP/state.yaml" >"$TMP/other.yaml"
! diff <(world "$TMP/aws.yaml" aws-vs-state) <(world "$TMP/other.yaml" aws-vs-state) >/dev/null ||
	fail "the world comparison does not see a missing association"

# The region: guessed (and said so) when nothing names one, --region when given.
cat >"$TMP/zone-only.json" <<'JSON'
{"format_version": "1.0", "values": {"root_module": {"resources": [
 {"address": "aws_route53_zone.pub", "mode": "managed", "type": "aws_route53_zone", "name": "pub",
  "values": {"name": "example.org", "zone_id": "Z0PUBLIC000000000001", "vpc": []}}]}}}
JSON
"$HYBRIDNS" import terraform "$TMP/zone-only.json" | grep -q '^region: us-east-1  # guessed: ' ||
	fail "a missing region is not marked guessed"
"$HYBRIDNS" import terraform "$TMP/zone-only.json" --region eu-central-1 | grep -q '^region: eu-central-1$' ||
	fail "--region not used"
echo "terraform: ok"
