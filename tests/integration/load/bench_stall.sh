#!/usr/bin/env bash
# bench/stall.c, the probe every capacity benchmark opens with: a stall
# forced on it (the process stopped for 400 ms in the middle of a 1.2 s
# spin) is found and measured, a run without one reports sane figures, and
# bad arguments exit 2.  The stall is forced, so the assertions hold however
# slow or busy the machine is.
. "$SRCDIR/tests/integration/lib.sh"

cc -O2 -pthread -o "$TMP/stall" "$SRCDIR/bench/stall.c" || fail "bench/stall.c does not build"

# line "cpu N wall S stalled S (P %) longest MS ms over10ms K guest_wait S"
field() { # file cpu name: the value after name on cpu's line
	awk -v c="$2" -v k="$3" '$1 == "cpu" && $2 == c { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$1" | tr -d '('
}

# Plain run, CPU 0: one line, the wall about the time asked, stalls within it.
"$TMP/stall" 0.3 0 >"$TMP/plain" || fail "stall 0.3 0: exit $?"
[ "$(wc -l <"$TMP/plain")" = 1 ] || fail "want one line: $(cat "$TMP/plain")"
grep -Eq '^cpu 0 wall [0-9.]+ stalled [0-9.]+ \([0-9.]+ %\) longest [0-9.]+ ms over10ms [0-9]+ guest_wait -?[0-9.]+$' \
	"$TMP/plain" || fail "format: $(cat "$TMP/plain")"
awk -v w="$(field "$TMP/plain" 0 wall)" -v s="$(field "$TMP/plain" 0 stalled)" \
	'BEGIN { exit !(w >= 0.3 && w < 0.5 && s >= 0 && s <= w) }' ||
	fail "wall/stalled out of range: $(cat "$TMP/plain")"

# Every CPU: one line each.
cpus=$(seq -s, 0 $(($(nproc) - 1)))
"$TMP/stall" 0.2 "$cpus" >"$TMP/all" || fail "stall 0.2 $cpus: exit $?"
[ "$(wc -l <"$TMP/all")" = "$(nproc)" ] || fail "want $(nproc) lines: $(cat "$TMP/all")"

# stall_stopped OUT ARGS...: stall ARGS into OUT, the process stopped for 400 ms from 0.4 s in.
stall_stopped() {
	local out=$1 pid
	shift
	"$TMP/stall" "$@" >"$out" &
	pid=$!
	PIDS+=("$pid")
	sleep 0.4
	kill -STOP "$pid"
	sleep 0.4
	kill -CONT "$pid"
	wait "$pid" || fail "stall $*: exit $?"
}

# A forced stall.
stall_stopped "$TMP/forced" 1.2 0
awk -v s="$(field "$TMP/forced" 0 stalled)" -v l="$(field "$TMP/forced" 0 longest)" \
	-v n="$(field "$TMP/forced" 0 over10ms)" \
	'BEGIN { exit !(s >= 0.35 && l >= 350 && n >= 1) }' ||
	fail "the forced 400 ms stall was not seen: $(cat "$TMP/forced")"

# Spinning and sleeping by turns: the line ends in the seconds spun, a part of the wall.
"$TMP/stall" 0.4 0 1000/1000 >"$TMP/duty" || fail "stall 0.4 0 1000/1000: exit $?"
grep -Eq '^cpu 0 wall [0-9.]+ stalled [0-9.]+ \([0-9.]+ %\) longest [0-9.]+ ms over10ms [0-9]+ guest_wait -?[0-9.]+ busy [0-9.]+$' \
	"$TMP/duty" || fail "duty format: $(cat "$TMP/duty")"
awk -v w="$(field "$TMP/duty" 0 wall)" -v b="$(field "$TMP/duty" 0 busy)" \
	'BEGIN { exit !(w >= 0.4 && b > 0 && b < w) }' || fail "busy out of range: $(cat "$TMP/duty")"
grep -q busy "$TMP/plain" && fail "a plain run has no busy figure: $(cat "$TMP/plain")"

# A forced stall while spinning and sleeping by turns: seen, in a spin or as a sleep's overshoot.
stall_stopped "$TMP/forced2" 1.2 0 300/300
awk -v s="$(field "$TMP/forced2" 0 stalled)" -v l="$(field "$TMP/forced2" 0 longest)" \
	'BEGIN { exit !(s >= 0.35 && l >= 350) }' ||
	fail "the forced 400 ms stall was not seen by turns: $(cat "$TMP/forced2")"

# Bad arguments: exit 2, with a usage line.
for bad in "" "0.5" "0 0" "-1 0" "abc 0" "61 0" "0.5 x" "0.5 0,,1" "0.5 -3" "0.5 0 5" "0.5 0 0/5" \
	"0.5 0 5/" "0.5 0 x/5" "0.5 0 5/2000000" "0.5 0 5/5/5" "0.5 0 5/5 1"; do
	# shellcheck disable=SC2086 # bad: the arguments
	run_rc rc "$TMP/stall" $bad
	[ "$rc" = 2 ] || fail "stall $bad: exit $rc, want 2"
	grep -q "^usage: stall" "$TMP/err" || fail "stall $bad: no usage: $(cat "$TMP/err")"
done
echo "ok"
