#!/usr/bin/env bash
# hybridns lab check grades by the lab's own goals: deleting the file's
# expect:, replacing it by a trivially true one or moving it changes no
# verdict, and a solution without expectations still passes; a goal that
# names a renamed object fails with the loader's reason; bad input (unknown
# lab, bad arguments, missing, invalid or unspliceable file) exits 2.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/harness/labs_lib.sh"

trivial=$'expect:\n  - name: trivially true\n    from: internet\n    query: example.com A\n'
tamper_labs="private-dns-from-peer phz-shadows-public execute-api-private-dns"
for lab in $tamper_labs forwarding-loop; do
	"$HYBRIDNS" lab start "$lab" >/dev/null || fail "lab start $lab failed"
done
for lab in $tamper_labs; do
	strip_expect "$lab.yaml" "$lab-noexp.yaml"
	! grep -q '^expect:' "$lab-noexp.yaml" || fail "strip_expect left expect: in $lab"
	{ cat "$lab-noexp.yaml"; printf '\n%s' "$trivial"; } >"$lab-trivial.yaml"
	# expect: first, before everything else
	{ sed -n '/^expect:/,$p' "$lab.yaml"; cat "$lab-noexp.yaml"; } >"$lab-moved.yaml"
	strip_expect "$SOLS/$lab.solution.yaml" "$lab-sol-noexp.yaml"
	wait_slot 4
	check_to "start-$lab.txt" "$lab" "$lab.yaml" &
	for v in noexp trivial moved sol-noexp; do
		wait_slot 4
		check_to "$lab-$v.txt" "$lab" "$lab-$v.yaml" &
	done
done
wait
for lab in $tamper_labs; do
	[ "$(cat "start-$lab.txt.rc")" -eq 1 ] || fail "lab check $lab on its design: $(cat "start-$lab.txt")"
	goal_marks "start-$lab.txt" >"$lab-start.marks"
	grep -q '✗' "$lab-start.marks" || fail "lab check $lab: no failed goal on the broken design"
	for v in noexp trivial moved; do
		rc=$(cat "$lab-$v.txt.rc")
		[ "$rc" -eq 1 ] || fail "lab check $lab ($v expect:) exited $rc (expected 1): $(cat "$lab-$v.txt")"
		goal_marks "$lab-$v.txt" >"$lab-$v.marks"
		diff -u "$lab-start.marks" "$lab-$v.marks" >/dev/null ||
			fail "lab check $lab: editing expect: ($v) changed the grade: $(diff -u "$lab-start.marks" "$lab-$v.marks")"
		! grep -q "trivially true" "$lab-$v.txt" || fail "lab check $lab judged the file's own expectation"
	done
	rc=$(cat "$lab-sol-noexp.txt.rc")
	[ "$rc" -eq 0 ] || fail "lab check $lab: the solution without its expect: exited $rc: $(cat "$lab-sol-noexp.txt")"
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
echo "labs_grading: the file's own expect: never counts; bad input exits 2"
