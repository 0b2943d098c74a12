#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, build a
# normal and an ASan+UBSan tree, run every suite in both, and print
# "N passed, N failed" alone on the last line.  Exit 1 when any test fails.
#
#   scripts/test.sh            both builds
#   scripts/test.sh --quick    the normal build only
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1

builds=(build)
[ "${1:-}" = "--quick" ] || builds+=(build-asan)

passed=0 failed=0
for b in "${builds[@]}"; do
	if [ ! -f "$b/build.ninja" ]; then
		if [ "$b" = build-asan ]; then
			meson setup "$b" -Db_sanitize=address,undefined -Db_lundef=false \
				-Dc_args=-fno-sanitize-recover=all >/dev/null || exit 1
		else
			meson setup "$b" >/dev/null || exit 1
		fi
	fi
	if ! ninja -C "$b" >"$b.ninja.log" 2>&1; then
		cat "$b.ninja.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	rm -f "$b/meson-logs/testlog.json"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C "$b" --num-processes 2 --print-errorlogs >"$b.test.log" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$b.test.log" | sed "s|^|[$b] |"
	grep -A40 -E '^=+ [0-9]+/[0-9]+ =+$' "$b.test.log" | grep -v '^$' | head -200 || true
	ok=$(grep -c '"result": "OK"' "$b/meson-logs/testlog.json" 2>/dev/null || true)
	# A test that meson counts as skipped (exit 77) did not pass: a failure.
	bad=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS|SKIP)"' "$b/meson-logs/testlog.json" 2>/dev/null || true)
	if [ ! -s "$b/meson-logs/testlog.json" ] || [ "$ok" -eq 0 ]; then
		echo "[$b] no test passed: a run that checked nothing is a failure"
		bad=$((bad + 1))
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
done
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
