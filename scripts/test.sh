#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, build a
# normal and an ASan+UBSan tree, run every suite in both, and print
# "N passed, N failed" alone on the last line.  Exit 1 when any test fails;
# a test that reports itself skipped (exit 77) counts as failed.
#
#   scripts/test.sh            both builds
#   scripts/test.sh --quick    the normal build only
#
# HNS_TEST_PROCESSES=N runs N tests at once (default 2; the integration
# tests always run one at a time).  The run also fails when it changes the
# checkout (git status differs before and after): one more test, counted so.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
tree_status() { git status --porcelain --untracked-files=all 2>/dev/null; }
before=$(tree_status)

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
	if ! ninja -C "$b" >"$b/hybridns-ninja.log" 2>&1; then
		cat "$b/hybridns-ninja.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	rm -f "$b/meson-logs/testlog.json"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C "$b" --num-processes "${HNS_TEST_PROCESSES:-2}" --print-errorlogs >"$b/hybridns-test.log" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$b/hybridns-test.log" | sed "s|^|[$b] |"
	grep -A40 -E '^=+ [0-9]+/[0-9]+ =+$' "$b/hybridns-test.log" | grep -v '^$' | head -200 || true
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
# The suite leaves the checkout as it found it: build output stays in the
# build trees (ignored), tests write only under their own temporary folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	after=$(tree_status)
	if [ "$after" != "$before" ]; then
		echo "FAIL: the test run changed the checkout (git status before and after):"
		diff <(echo "$before") <(echo "$after") | head -20
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
