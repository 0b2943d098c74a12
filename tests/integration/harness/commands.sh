#!/usr/bin/env bash
# The command line: every command reads its options through one table, so
# -h prints that command's usage (exit 0), a bad option or value is a usage
# error naming it (exit 2), and a scenario that cannot be loaded -- missing,
# a directory, unreadable, invalid -- exits 2 in every command alike.
# `hybridns --help` lists every option each command's own --help lists.
. "$SRCDIR/tests/integration/lib.sh"

SS="$SRCDIR/scenarios/shared-services.yaml"
printf 'scenario: broken\nregion: eu-west-1\nvpcs:\n  a: {cidr: 10.0.0.0/16, nosuchkey: 1}\n' >"$TMP/broken.yaml"
mkdir "$TMP/adir"

# the extra arguments each command needs besides its scenario
extra() {
	case $1 in
	trace) echo "example.com" ;;
	export) echo "--to unbound" ;;
	*) ;;
	esac
}

"$HYBRIDNS" --help >"$TMP/help" || fail "hybridns --help exited $?"
for cmd in check serve trace lint graph load export; do
	run_rc rc "$HYBRIDNS" "$cmd" --help
	[ "$rc" = 0 ] || fail "$cmd --help exited $rc"
	grep -q "^usage: hybridns $cmd" "$TMP/out" || fail "$cmd --help: no usage line: $(head -2 "$TMP/out")"
	# every option of the command's own list is in the overview too (long or short form)
	awk -v c="hybridns $cmd " 'index($0, c) { on = 1; print; next } /^  hybridns / { on = 0 } on' \
		"$TMP/help" >"$TMP/overview"
	sed -n '/^options:/,$p' "$TMP/out" | sed -nE 's/^  (-(.), )?--([a-z-]+).*/\3 \2/p' >"$TMP/opts"
	[ -s "$TMP/opts" ] || fail "$cmd --help lists no options"
	while read -r long short; do
		[ "$long" = help ] && continue
		grep -q -- "--$long" "$TMP/overview" || { [ -n "$short" ] && grep -q -- "-$short " "$TMP/overview"; } ||
			fail "hybridns --help lacks $cmd's --$long"
	done <"$TMP/opts"

	for bad in "$TMP/nosuch.yaml" "$TMP/adir" "$TMP/broken.yaml"; do
		# shellcheck disable=SC2046
		run_rc rc "$HYBRIDNS" "$cmd" "$bad" $(extra "$cmd")
		[ "$rc" = 2 ] || fail "$cmd $bad exited $rc, expected 2: $(cat "$TMP/err")"
		grep -q "$(basename "$bad")" "$TMP/err" || fail "$cmd $bad: the message does not name the file: $(cat "$TMP/err")"
	done
	grep -q 'broken.yaml:4:[0-9]*: ' "$TMP/err" || fail "$cmd: the scenario error is not located: $(cat "$TMP/err")"

	run_rc rc "$HYBRIDNS" "$cmd" "$SS" --no-such-option
	[ "$rc" = 2 ] && grep -q -- "unknown option '--no-such-option'" "$TMP/err" ||
		fail "$cmd --no-such-option: exit $rc, $(head -1 "$TMP/err")"
done

# a bad value names the option, in every command that has it
for cmd in check serve trace load; do
	# shellcheck disable=SC2046
	run_rc rc "$HYBRIDNS" "$cmd" "$SS" $(extra "$cmd") --seed 12x
	[ "$rc" = 2 ] && grep -q -- "--seed: '12x'" "$TMP/err" || fail "$cmd --seed 12x: exit $rc, $(head -1 "$TMP/err")"
done
for cmd in check serve export; do
	# shellcheck disable=SC2046
	run_rc rc "$HYBRIDNS" "$cmd" "$SS" $(extra "$cmd") $([ "$cmd" = export ] && echo --mapped) --port 70000
	[ "$rc" = 2 ] && grep -q -- "--port: '70000' is not a port" "$TMP/err" ||
		fail "$cmd --port 70000: exit $rc, $(head -1 "$TMP/err")"
done
run_rc rc "$HYBRIDNS" nosuchcommand
[ "$rc" = 2 ] || fail "an unknown command exited $rc"
echo "ok"
