#!/usr/bin/env bash
# The matrix answers what check answers.  For every shipped scenario, every
# expectation whose name, type and place is a matrix cell must have been
# answered there with check's rcode and answer set: the matrix asks all its
# cells in one world, check gives each expectation a cold world of its own.
# Expectations with `given` faults ask another world and are left out (the
# copy checked here drops them).  matrix_rows.sh compares every row of the
# default scenario the same way.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/harness/matrix_lib.sh"

# The checks (a world per expectation) run side by side, one per scenario.
pids=()
for s in "$SRCDIR"/scenarios/*.yaml; do
	b=$(basename "$s" .yaml)
	copy "$s" "$TMP/$b.yaml" || fail "cannot copy $s"
	"$HYBRIDNS" check "$TMP/$b.yaml" --format json -o "$TMP/$b.check.json" >/dev/null 2>"$TMP/$b.check.err" &
	pids+=($!)
done
for s in "$SRCDIR"/scenarios/*.yaml; do
	b=$(basename "$s" .yaml)
	"$HYBRIDNS" matrix "$TMP/$b.yaml" --format json -o "$TMP/$b.matrix.json" || fail "matrix $s exited $?"
done
for p in "${pids[@]}"; do
	rc=0
	wait "$p" || rc=$?
	[ "$rc" -le 1 ] || fail "a check exited $rc: $(cat "$TMP"/*.check.err)"
done
total=0
for s in "$SRCDIR"/scenarios/*.yaml; do
	b=$(basename "$s" .yaml)
	compare "$s" "$TMP/$b.check.json" "$TMP/$b.matrix.json" 1 || fail "matrix and check disagree on $s"
	total=$((total + 1))
done
[ "$total" -ge 5 ] || fail "only $total shipped scenarios were compared"
echo "ok: matrix equals check on $total shipped scenarios"
