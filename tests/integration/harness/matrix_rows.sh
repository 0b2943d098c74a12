#!/usr/bin/env bash
# Every row of the default scenario's matrix against a cold world: the
# scenario gets one expectation per row, each from another place (so every
# place is covered), answer left open; check runs each in a world of its
# own and reports what it observed whatever the verdict, and that must be
# the matrix cell's rcode and answer set.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/harness/matrix_lib.sh"

def="$SRCDIR/scenarios/shared-services.yaml"
"$HYBRIDNS" matrix "$def" --format json -o "$TMP/def.matrix.json" || fail "matrix of the default scenario exited $?"
rows=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["names"]))' "$TMP/def.matrix.json")
[ "$rows" -ge 10 ] || fail "the default matrix has only $rows rows"
copy "$def" "$TMP/rows.yaml" "$TMP/def.matrix.json" || fail "cannot write the per-row scenario"
run_rc rc "$HYBRIDNS" check "$TMP/rows.yaml" --format json -o "$TMP/rows.check.json"
[ "$rc" -le 1 ] || fail "check of the per-row scenario exited $rc: $(cat "$TMP/err")"
"$HYBRIDNS" matrix "$TMP/rows.yaml" --format json -o "$TMP/rows.matrix.json" || fail "matrix of the per-row scenario exited $?"
compare "$TMP/rows.yaml" "$TMP/rows.check.json" "$TMP/rows.matrix.json" "$rows" ||
	fail "matrix and check disagree on a row of the default scenario"
echo "ok: every one of the $rows rows of the default matrix equals check's cold world"
