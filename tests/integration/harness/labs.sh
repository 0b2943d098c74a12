#!/usr/bin/env bash
# hybridns lab: at least 12 labs, one per design in scenarios/labs/; show,
# hint and start work from any directory; for every lab, `lab check` fails
# the starting design (exit 1, the named goal marked failed) and passes the
# reference solution in tests/labs/ (exit 0).  labs_grading.sh: the file's
# own expect: does not count, bad input exits 2; labs_findings.sh: the
# finding goals (they need the lint rules).
. "$SRCDIR/tests/integration/lib.sh"

. "$SRCDIR/tests/integration/harness/labs_lib.sh"

# lab -> a goal (an expectation of the design) that the broken design fails
declare -A FAILS=(
	[missing-rule-association]="corp name from consumer-1"
	[forward-to-vpc-resolver]="the private API resolves from on-prem"
	[phz-not-on-inbound-vpc]="the database name from on-prem"
	[private-dns-from-peer]="SSM from the spoke"
	[phz-shadows-public]="the public web site from the VPC"
	[forward-rule-shadows-phz]="the payments API from the VPC comes from the private zone"
	[ecr-service-vs-dns-name]="the ECR API from the build VPC"
	[execute-api-private-dns]="the partner's public API from the VPC"
	[s3-gateway-from-onprem]="S3 from on-prem is private"
	[dot-forwarded-to-onprem]="S3 from the VPC is answered inside AWS"
	[forwarding-loop]="AWS-hosted corp name from on-prem"
	[single-az-inbound]="the private API from on-prem while eu-west-1a is down"
	[forwarder-timeout-vs-rtt]="billing name from on-prem"
)


# ----------------------------------------------------------------- list
run_rc rc "$HYBRIDNS" lab list
[ "$rc" -eq 0 ] || fail "lab list exited $rc: $(cat "$TMP/err")"
cp "$TMP/out" list.txt
labs=$(awk 'NF >= 3 && $3 == "min" { print $1 }' list.txt)
n=$(printf '%s\n' "$labs" | grep -c .)
[ "$n" -ge 12 ] || fail "lab list shows $n labs (expected at least 12): $(cat list.txt)"
shopt -s nullglob
designs=("$LABS"/*.yaml)
[ "$n" -eq ${#designs[@]} ] || fail "lab list shows $n labs but scenarios/labs has ${#designs[@]} designs"
for d in "${designs[@]}"; do
	b=$(basename "$d" .yaml)
	printf '%s\n' "$labs" | grep -qx -- "$b" || fail "design $b is not a lab in 'lab list'"
done
[ ${#FAILS[@]} -eq "$n" ] || fail "this test names ${#FAILS[@]} labs, lab list $n: update FAILS"

# -------------------------------------------------- show, hint, start
for lab in $labs; do
	[ -n "${FAILS[$lab]:-}" ] || fail "no failing goal named for lab $lab in this test"
	[ -f "$SOLS/$lab.solution.yaml" ] || fail "lab $lab has no reference solution tests/labs/$lab.solution.yaml"

	run_rc rc "$HYBRIDNS" lab show "$lab"
	[ "$rc" -eq 0 ] || fail "lab show $lab exited $rc: $(cat "$TMP/err")"
	cp "$TMP/out" "show-$lab.txt"
	expect_in "show-$lab.txt" "The story:"
	expect_in "show-$lab.txt" "${FAILS[$lab]}"
	expect_in "show-$lab.txt" "hybridns lab check $lab FILE"
	# The reference solution is never shown.
	! grep -qF "solution" "show-$lab.txt" || fail "lab show $lab mentions a solution"
	hints=$(sed -n 's/.*(\([0-9]*\) hints, one at a time)$/\1/p' "show-$lab.txt")
	[ "${hints:-0}" -ge 2 ] || fail "lab $lab has ${hints:-no} hints (expected progressive hints, 2 or more)"

	run_rc rc "$HYBRIDNS" lab start "$lab"
	[ "$rc" -eq 0 ] || fail "lab start $lab exited $rc: $(cat "$TMP/err")"
	cmp -s "$lab.yaml" "$LABS/$lab.yaml" || fail "lab start $lab did not write scenarios/labs/$lab.yaml"
done
# Hints one at a time, each different, the last one says so (two labs in full).
for lab in forwarding-loop single-az-inbound; do
	run_rc rc "$HYBRIDNS" lab hint "$lab"
	[ "$rc" -eq 0 ] || fail "lab hint $lab exited $rc"
	expect_in "$TMP/out" "Hint 1 of"
	hints=$(sed -n 's/^Hint 1 of \([0-9]*\).*/\1/p' "$TMP/out")
	prev=""
	for i in $(seq 1 "$hints"); do
		run_rc rc "$HYBRIDNS" lab hint "$lab" "$i"
		[ "$rc" -eq 0 ] || fail "lab hint $lab $i exited $rc"
		expect_in "$TMP/out" "Hint $i of $hints"
		[ "$(cat "$TMP/out")" != "$prev" ] || fail "lab hint $lab $i repeats the previous hint"
		prev=$(cat "$TMP/out")
	done
	expect_in "$TMP/out" "last hint"
	run_rc rc "$HYBRIDNS" lab hint "$lab" $((hints + 1))
	[ "$rc" -eq 2 ] || fail "lab hint $lab beyond the last exited $rc (expected 2)"
	expect_in "$TMP/err" "there is no hint $((hints + 1))"
done
run_rc rc "$HYBRIDNS" lab start forwarding-loop
[ "$rc" -eq 2 ] || fail "lab start over an existing file exited $rc (expected 2)"
cmp -s forwarding-loop.yaml "$LABS/forwarding-loop.yaml" || fail "lab start overwrote its file"
run_rc rc "$HYBRIDNS" lab start forwarding-loop -
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$LABS/forwarding-loop.yaml" || fail "lab start LAB - does not print the design"

# ------------------------------------ check: broken design fails, solution passes
# Every check first, four at a time; then the verdicts.
for lab in $labs; do
	wait_slot 4
	check_to "start-$lab.txt" "$lab" "$lab.yaml" &
	check_to "sol-$lab.txt" "$lab" "$SOLS/$lab.solution.yaml" &
done
wait
for lab in $labs; do
	rc=$(cat "start-$lab.txt.rc")
	[ "$rc" -eq 1 ] || fail "lab check $lab on its broken design exited $rc (expected 1): $(cat "start-$lab.txt")"
	[ "$(goal_mark "start-$lab.txt" "${FAILS[$lab]}")" = "✗" ] ||
		fail "lab check $lab: goal '${FAILS[$lab]}' is not marked failed: $(cat "start-$lab.txt")"
	expect_in "start-$lab.txt" "not solved yet"

	rc=$(cat "sol-$lab.txt.rc")
	[ "$rc" -eq 0 ] || fail "lab check $lab on its solution exited $rc (expected 0): $(cat "sol-$lab.txt")"
	! grep -q '^ ✗' "sol-$lab.txt" || fail "lab check $lab solution has a failed goal: $(cat "sol-$lab.txt")"
	expect_in "sol-$lab.txt" "lab $lab solved"
	# Every goal is listed: the design's expectations and the finding goals.
	goals=$(grep -c '^ [✓✗] ' "sol-$lab.txt")
	shown=$(grep -cE '^  [0-9]+\. ' "show-$lab.txt")
	[ "$goals" -eq "$shown" ] || fail "lab check $lab judged $goals goals, lab show lists $shown"
done

echo "labs: $n labs, every broken design fails and every solution passes"
