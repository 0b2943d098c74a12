#!/usr/bin/env bash
# hybridns lab: at least 12 labs, one per design in scenarios/labs/; show,
# hint and start work from any directory; for every lab, `lab check` fails
# the starting design (exit 1, the named goal marked failed) and passes the
# reference solution in tests/labs/ (exit 0); the grade ignores the file's
# own expect: (deleted, replaced by a trivially true one, or moved); bad
# input exits 2.  The finding goals are asserted in labs_findings.sh (they
# need the lint rules).
. "$SRCDIR/tests/integration/lib.sh"

LABS="$SRCDIR/scenarios/labs"
SOLS="$SRCDIR/tests/labs"
cd "$TMP" # `lab` needs no source tree: everything it shows is compiled in

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

expect_in() { # FILE TEXT
	grep -qF -- "$2" "$1" || fail "'$2' missing from $(basename "$1"): $(head -c 3000 "$1")"
}
goal_mark() { # FILE GOAL -> the mark (✓ or ✗) of that goal's line
	sed -n "s/^ \\(.\\) $(printf '%s' "$2" | sed 's/[][\.*^$/]/\\&/g')\$/\\1/p" "$1" | head -1
}
goal_marks() { # FILE -> "✓ goal" lines only, in order
	grep -E '^ (✓|✗) ' "$1"
}

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

	run_rc rc "$HYBRIDNS" lab hint "$lab"
	[ "$rc" -eq 0 ] || fail "lab hint $lab exited $rc"
	expect_in "$TMP/out" "Hint 1 of"
	hints=$(sed -n 's/^Hint 1 of \([0-9]*\).*/\1/p' "$TMP/out")
	[ "$hints" -ge 2 ] || fail "lab $lab has $hints hints (expected progressive hints, 2 or more)"
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

	run_rc rc "$HYBRIDNS" lab start "$lab"
	[ "$rc" -eq 0 ] || fail "lab start $lab exited $rc: $(cat "$TMP/err")"
	cmp -s "$lab.yaml" "$LABS/$lab.yaml" || fail "lab start $lab did not write scenarios/labs/$lab.yaml"
	run_rc rc "$HYBRIDNS" lab start "$lab"
	[ "$rc" -eq 2 ] || fail "lab start $lab over an existing file exited $rc (expected 2)"
	cmp -s "$lab.yaml" "$LABS/$lab.yaml" || fail "lab start $lab overwrote its file"
done
run_rc rc "$HYBRIDNS" lab start forwarding-loop -
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$LABS/forwarding-loop.yaml" || fail "lab start LAB - does not print the design"

# ------------------------------------ check: broken design fails, solution passes
# The two checks of a lab run side by side (each brings up worlds of its own
# on free loopback ports); each writes its own files.
check_to() { # OUT LAB FILE: lab check's stdout+stderr into OUT, its status into OUT.rc
	set +e
	"$HYBRIDNS" lab check "$2" "$3" >"$1" 2>&1
	echo $? >"$1.rc"
	set -e
}
for lab in $labs; do
	check_to "start-$lab.txt" "$lab" "$lab.yaml" &
	check_to "sol-$lab.txt" "$lab" "$SOLS/$lab.solution.yaml"
	wait
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

# ------------------------------- the file's own expect: does not change the grade
strip_expect() { # IN OUT: IN without its top-level expect: block
	awk '/^expect:/ { skip = 1; next }
	     skip && /^[^ #-]/ { skip = 0 }
	     !skip' "$1" >"$2"
}
trivial=$'expect:\n  - name: trivially true\n    from: internet\n    query: example.com A\n'
for lab in private-dns-from-peer phz-shadows-public execute-api-private-dns missing-rule-association; do
	strip_expect "$lab.yaml" "$lab-noexp.yaml"
	! grep -q '^expect:' "$lab-noexp.yaml" || fail "strip_expect left expect: in $lab"
	{ cat "$lab-noexp.yaml"; printf '\n%s' "$trivial"; } >"$lab-trivial.yaml"
	# expect: first, before everything else
	{ sed -n '/^expect:/,$p' "$lab.yaml"; cat "$lab-noexp.yaml"; } >"$lab-moved.yaml"
	for v in noexp trivial moved; do
		run_rc rc "$HYBRIDNS" lab check "$lab" "$lab-$v.yaml"
		[ "$rc" -eq 1 ] || fail "lab check $lab ($v expect:) exited $rc (expected 1): $(cat "$TMP/out" "$TMP/err")"
		goal_marks "$TMP/out" >"$lab-$v.marks"
		goal_marks "start-$lab.txt" >"$lab-start.marks"
		diff -u "$lab-start.marks" "$lab-$v.marks" >/dev/null ||
			fail "lab check $lab: editing expect: ($v) changed the grade: $(diff -u "$lab-start.marks" "$lab-$v.marks")"
		! grep -q "trivially true" "$TMP/out" || fail "lab check $lab judged the file's own expectation"
	done
	strip_expect "$SOLS/$lab.solution.yaml" "$lab-sol-noexp.yaml"
	run_rc rc "$HYBRIDNS" lab check "$lab" "$lab-sol-noexp.yaml"
	[ "$rc" -eq 0 ] || fail "lab check $lab: the solution without its expect: exited $rc: $(cat "$TMP/out")"
done

# A goal whose names the trainee renamed cannot be judged: it fails, with a reason.
sed 's/^    inbound:$/    way-in:/' "$SOLS/forwarding-loop.solution.yaml" >renamed-full.yaml
strip_expect renamed-full.yaml renamed.yaml
run_rc rc "$HYBRIDNS" lab check forwarding-loop renamed.yaml
[ "$rc" -eq 1 ] || fail "lab check with a renamed inbound endpoint exited $rc (expected 1)"
expect_in "$TMP/out" "cannot be judged in this design"
expect_in "$TMP/out" "no inbound resolver endpoint named 'inbound'"

# ------------------------------------------------------------- bad input
run_rc rc "$HYBRIDNS" lab check no-such-lab forwarding-loop.yaml
[ "$rc" -eq 2 ] || fail "unknown lab exited $rc (expected 2)"
expect_in "$TMP/err" "no lab named 'no-such-lab'"
expect_in "$TMP/err" "forwarding-loop"
for args in "show no-such-lab" "hint no-such-lab" "lab" "show" "check forwarding-loop" \
	"hint forwarding-loop x" "hint forwarding-loop 0" "list extra" \
	"check forwarding-loop a.yaml b.yaml"; do
	# shellcheck disable=SC2086
	run_rc rc "$HYBRIDNS" lab $args
	[ "$rc" -eq 2 ] || fail "lab $args exited $rc (expected 2)"
	[ -s "$TMP/err" ] || fail "lab $args: no message on stderr"
done
run_rc rc "$HYBRIDNS" lab
[ "$rc" -eq 2 ] || fail "lab without a verb exited $rc (expected 2)"
run_rc rc "$HYBRIDNS" lab check forwarding-loop missing.yaml
[ "$rc" -eq 2 ] || fail "missing file exited $rc (expected 2)"
expect_in "$TMP/err" "missing.yaml"
# An invalid scenario: located error, exit 2.
sed 's/^    tunnel1: {latency_ms: 12}/    tunnel1: {latency_ms: twelve}/' forwarding-loop.yaml >invalid.yaml
run_rc rc "$HYBRIDNS" lab check forwarding-loop invalid.yaml
[ "$rc" -eq 2 ] || fail "invalid scenario exited $rc (expected 2)"
grep -qE '^invalid\.yaml:[0-9]+:[0-9]+: vpn\.tunnels\.tunnel1\.latency_ms' "$TMP/err" ||
	fail "invalid scenario: no located message: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "invalid scenario: printed goals: $(cat "$TMP/out")"
# A top level that lab check cannot splice (a flow mapping): exit 2, located.
printf '{scenario: x, region: eu-west-1}\n' >flow.yaml
run_rc rc "$HYBRIDNS" lab check forwarding-loop flow.yaml
[ "$rc" -eq 2 ] || fail "flow-style scenario exited $rc (expected 2)"
expect_in "$TMP/err" "flow.yaml:1:1:"
printf 'scenario: x\nregion: eu-west-1\n\0\n' >nul.yaml
run_rc rc "$HYBRIDNS" lab check forwarding-loop nul.yaml
[ "$rc" -eq 2 ] || fail "a file with a NUL byte exited $rc (expected 2)"
echo "labs: $n labs, every broken design fails and every solution passes"
