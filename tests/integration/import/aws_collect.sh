#!/usr/bin/env bash
# scripts/aws-collect.sh against a fake `aws` on PATH (it cannot reach AWS
# here): every call is read-only and carries --region and --profile, the
# per-zone and per-endpoint loops run once per zone and endpoint, and the
# folder it writes imports to the same scenario as the fixtures themselves.
. "$SRCDIR/tests/integration/lib.sh"

fixtures="$SRCDIR/tests/import/aws"
mkdir -p "$TMP/bin"
cat >"$TMP/bin/aws" <<SH
#!/bin/sh
exec python3 "$SRCDIR/tests/integration/import/fake_aws.py" "\$@"
SH
chmod +x "$TMP/bin/aws"
export FAKE_AWS_LOG="$TMP/calls.log" FAKE_AWS_DIR="$fixtures"

PATH="$TMP/bin:$PATH" run_rc rc bash "$SRCDIR/scripts/aws-collect.sh" --region eu-west-1 --profile audit "$TMP/collected"
[ "$rc" -eq 0 ] || fail "aws-collect.sh exited $rc: $(cat "$TMP/err")"

# Every call read-only, with the region and the profile.
while read -r line; do
	case "$line" in
	*" describe-"* | *" list-"* | *" get-"*) ;;
	*) fail "a call that is not read-only: $line" ;;
	esac
	echo "$line" | grep -q -- '--region eu-west-1' || fail "call without --region: $line"
	echo "$line" | grep -q -- '--profile audit' || fail "call without --profile: $line"
done <"$TMP/calls.log"

# The loops: two attributes per VPC, two calls per zone, one per endpoint.
count() { grep -c -- "$1" "$TMP/calls.log" || true; }
[ "$(count 'describe-vpc-attribute')" -eq 6 ] || fail "expected 6 describe-vpc-attribute calls: $(cat "$TMP/calls.log")"
[ "$(count 'get-hosted-zone --id Z0123456789ABCDEFGHIJ')" -eq 1 ] || fail "get-hosted-zone of zone 1 missing"
[ "$(count 'list-resource-record-sets --hosted-zone-id Z0987654321KLMNOPQRST')" -eq 1 ] || fail "records of zone 2 missing"
[ "$(count 'list-resolver-endpoint-ip-addresses --resolver-endpoint-id rslvr-out-0fedcba9876543210')" -eq 1 ] ||
	fail "ip addresses of the outbound endpoint missing"

# One file per call, and the same scenario as the fixtures give.
n_fixtures=$(ls "$fixtures"/*.json | wc -l)
n_collected=$(ls "$TMP/collected"/*.json | wc -l)
[ "$n_fixtures" -eq "$n_collected" ] || fail "collected $n_collected files, expected $n_fixtures"
"$HYBRIDNS" import aws "$TMP/collected" -o "$TMP/collected.yaml" || fail "import of the collected folder failed"
"$HYBRIDNS" import aws "$fixtures" -o "$TMP/fixtures.yaml" || fail "import of the fixtures failed"
diff <(grep -v '^#' "$TMP/collected.yaml") <(grep -v '^#' "$TMP/fixtures.yaml") >/dev/null ||
	fail "the collected folder imports differently from the fixtures"

# Usage errors.
run_rc rc bash "$SRCDIR/scripts/aws-collect.sh" --region
[ "$rc" -eq 2 ] || fail "aws-collect.sh --region without value exited $rc, expected 2"
PATH="/usr/bin:/bin" AWS=no-such-aws run_rc rc bash "$SRCDIR/scripts/aws-collect.sh" "$TMP/x"
[ "$rc" -eq 3 ] || fail "aws-collect.sh without aws exited $rc, expected 3"
echo "aws_collect: ok"
