#!/usr/bin/env bash
# Every scenario under tests/scenarios/ (one per emulated AWS behaviour or
# design) passes `hybridns check` end to end, and lints with the findings it
# declares.  A scenario declares what lint must report in comment lines:
#   # lint-expect: HNS123 HNS130     these finding ids must be reported
#   # lint-absent: HNS124            and these must not
# so a behaviour that lint should flag (or stop flagging) is tested by the
# same file that shows it.  Files under tests/scenarios/invalid/ are the
# loader's refusals and are tested by serve_cause.sh and the unit suite.
. "$SRCDIR/tests/integration/lib.sh"

n=0
for s in "$SRCDIR"/tests/scenarios/*.yaml; do
	n=$((n + 1))
	out=$("$HYBRIDNS" check "$s" 2>&1) || fail "check $s exited $?:
$out"
	echo "$out" | tail -1 | grep -Eq '^[1-9][0-9]* passed, 0 failed$' ||
		fail "check $s: unexpected summary: $(echo "$out" | tail -1)"

	want=$(sed -n 's/^# lint-expect:[[:space:]]*//p' "$s" | tr -s ' \t' '\n\n')
	never=$(sed -n 's/^# lint-absent:[[:space:]]*//p' "$s" | tr -s ' \t' '\n\n')
	[ -n "$want$never" ] || continue
	"$HYBRIDNS" lint --format json --fail-on none "$s" >"$TMP/lint.json" ||
		fail "lint $s exited $?"
	ids=$(python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]: print(f["id"])' "$TMP/lint.json")
	for id in $want; do
		echo "$ids" | grep -qx "$id" || fail "lint $s: $id expected, got: $(echo $ids)"
	done
	for id in $never; do
		echo "$ids" | grep -qx "$id" && fail "lint $s: $id reported but declared absent"
	done
done
[ "$n" -gt 0 ] || fail "no scenario under tests/scenarios/"
echo "ok: $n scenarios"
