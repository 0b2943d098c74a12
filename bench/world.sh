#!/usr/bin/env bash
# bench/world.sh -- the capacity of a whole emulated world: on-prem forwarder
# -> VPN -> an inbound endpoint with six ENIs (bench/world-six-eni.yaml),
# everything and the load generator in one `hybridns load` process.
#
# Usage: bench/world.sh [--rounds N] [--duration S] [--build DIR]
#                       [--against DIR] [--load-qps N]
#
# Inside a private network namespace (loopback only).  Each round runs, for
# each build (A = --build, B = --against, interleaved A B A B) and each
# profile (unique: every name new; mixed: half hot names), the capacity
# search `hybridns load --find-max --slo p99_ms=20,max_loss=0.1%` from
# 20,000 qps doubling up to --load-qps (default 300000) and narrowing to
# within 5 %, steps of a quarter of --duration (at least 1 s; WORLD_STEP=S:
# S seconds.  Each step is a world of its own, whose first second is its
# coldest: longer steps weigh the sustained rate).  Then a fixed
# rate (WORLD_QPS, default 30000) for --duration, with the process's CPU
# per answered query, system calls per query (perf) and context switches per
# query read around it: the world's cost below saturation.  Prints every
# run, then medians: the highest rate held, what broke the next step, and
# the fixed-rate costs.  WORLD_FIND=0 skips the search (fixed rate only).
# WORLD_ARGS_A / WORLD_ARGS_B: more `load` options for build A / B (one
# build against itself: --against build-bench WORLD_ARGS_B="--coalesce off";
# WORLD_ARGS_B="--handoff kernel": every hop through the kernel, against
# `load`'s default, in memory).
# WORLD_RETRY=N (default 1): --retry-broken N, a step that broke is run
# again before its rate counts as broken (a hypervisor's 100 ms freeze breaks
# any step's p99); the report counts the retries that held.
# WORLD_WARMUP=S (default 1): --warmup S, every step first sends S seconds
# (rising to its rate, names of its own, not counted): the step judges the
# world running, not its first second (0: off).
# WORLD_CPUS=LIST: run the world on those CPUs only (taskset -c LIST), e.g.
# WORLD_CPUS=0 on a machine whose hypervisor stalls a CPU whenever both are
# busy.  First, bench/stall.c spins the CPUs for 6 s: the report opens with
# the machine's own stalls ("# machine:"), which every p99 of a busy run holds.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_args 35 "$@"
bench_enter perf:linux-perf
bench_inner hns-world

SCEN="$HERE/bench/world-six-eni.yaml"
FIXED_QPS=${WORLD_QPS:-30000}
FIND=${WORLD_FIND:-1}
RETRY=${WORLD_RETRY:-1}
WARMUP=${WORLD_WARMUP:-1}
PIN=()
[ -z "${WORLD_CPUS:-}" ] || PIN=(taskset -c "$WORLD_CPUS")
TICK=$(getconf CLK_TCK)
ROWS="$TMP/rows"
: >"$ROWS"
PERF_EVENTS="raw_syscalls:sys_enter,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_recvmmsg"
PERF_EVENTS+=",syscalls:sys_enter_sendmmsg,context-switches"
HAVE_PERF=1
perf stat -e "$PERF_EVENTS" -- true >/dev/null 2>&1 || HAVE_PERF=0

# capacity BIN PROFILE: "held_qps broke_qps p99_at_held what_broke rates_held_on_a_retry"
capacity() {
	local step rc=0
	step=${WORLD_STEP:-$(awk -v d="$DURATION" 'BEGIN { s = d / 4; printf "%g", s < 1 ? 1 : s }')}
	# shellcheck disable=SC2086 # ARGS: words
	"${PIN[@]}" "$1" load "$SCEN" $ARGS --profile "$2" --find-max --slo p99_ms=20,max_loss=0.1% --retry-broken "$RETRY" --warmup "$WARMUP" --from-qps 20000 \
		--max-qps "$LOAD_QPS" --step-duration "$step" --quiet --format json \
		-o "$TMP/find.json" >"$TMP/find.out" 2>&1 || rc=$?
	if [ "$rc" -gt 1 ]; then
		cat "$TMP/find.out" >&2
		return 1
	fi
	python3 - "$TMP/find.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r = r["profiles"][0] if "profiles" in r else r
st = r["steps"]
held = [s for s in st if s["status"] == "held" and s["qps"] == r["held_qps"]]
broke = [s for s in st if s["status"] == "broke"]
why = "-"
if r.get("broke_qps") is not None and broke:
    b = [s for s in broke if s["qps"] == r["broke_qps"]] or broke
    why = "loss=%.3f%%,p99=%.1fms" % (100 * b[0]["loss"], b[0]["p99_ms"])
rescued = sum(1 for s in st if s["status"] == "held" and s.get("try", 1) > 1)
print("%.0f" % r["held_qps"], "%.0f" % (r["broke_qps"] or 0),
      "%.2f" % (held[0]["p99_ms"] if held else 0), why, rescued)
PY
}

# fixed BIN PROFILE: "us_per_query syscalls_per_query epoll_per_q recv_per_q send_per_q cs_per_q loss_pct p99"
fixed() {
	local pid perf_pid="" t0 t1 rc=0
	# shellcheck disable=SC2086 # ARGS: words
	"${PIN[@]}" "$1" load "$SCEN" $ARGS --profile "$2" --qps "$FIXED_QPS" --duration "$((DURATION + 8))" --quiet \
		--format json -o "$TMP/fixed.json" >"$TMP/fixed.out" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	# the world's start-up (slow on a loaded machine) and the schedule's first seconds: the
	# window must fall inside the schedule, which runs DURATION + 8 s
	sleep 3
	t0=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')
	if [ $HAVE_PERF = 1 ]; then
		perf stat -x, -e "$PERF_EVENTS" -p "$pid" -o "$TMP/perf.txt" -- sleep "$DURATION" 2>/dev/null &
		perf_pid=$!
	fi
	local c0 c1
	c0=$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }')
	sleep "$DURATION"
	t1=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')
	c1=$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }')
	[ -z "$perf_pid" ] || wait "$perf_pid" || true
	[ -n "$perf_pid" ] || : >"$TMP/perf.txt"
	wait "$pid" || rc=$?
	if [ "$rc" -gt 1 ]; then
		cat "$TMP/fixed.out" >&2
		return 1
	fi
	# per query over the window: FIXED_QPS * DURATION queries were due in it
	python3 - "$TMP/fixed.json" "$TMP/perf.txt" "$((t1 - t0))" "$TICK" "$((c1 - c0))" \
		"$((FIXED_QPS * DURATION))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r = r["profiles"][0] if "profiles" in r else r
ev = {}
for line in open(sys.argv[2]):
    f = line.strip().split(",")
    if len(f) > 2 and f[0].replace(".", "").isdigit():
        ev[f[2].split(":")[-1]] = float(f[0])
ticks, hz, cs, q = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print("%.2f" % (ticks / hz * 1e6 / q), "%.2f" % (ev.get("sys_enter", 0) / q),
      "%.3f" % (ev.get("sys_enter_epoll_wait", 0) / q), "%.3f" % (ev.get("sys_enter_recvmmsg", 0) / q),
      "%.3f" % (ev.get("sys_enter_sendmmsg", 0) / q), "%.3f" % (cs / q),
      "%.3f" % (100 * r["loss"]), "%.2f" % r["latency_ms"]["p99"])
PY
}

builds="A"
[ -z "${HYBRIDNS_B:-}" ] || builds="A B"
MACHINE=$(bench_stall_probe)
echo "$MACHINE" >&2
echo "world: ${WORLD_CPUS:+on CPUs $WORLD_CPUS; }$ROUNDS rounds; find-max steps of ${WORLD_STEP:-$DURATION/4} s up to $LOAD_QPS qps; fixed $FIXED_QPS qps for $DURATION s" >&2
for r in $(seq 1 "$ROUNDS"); do
	for p in unique mixed; do
		for b in $builds; do
			bin=$HYBRIDNS ARGS=${WORLD_ARGS_A:-}
			[ "$b" = A ] || bin=$HYBRIDNS_B ARGS=${WORLD_ARGS_B:-}
			held=0 broke=0 p99=0 why=- rescued=0
			[ "$FIND" = 0 ] || read -r held broke p99 why rescued < <(capacity "$bin" "$p")
			read -r us sq ep rx tx cs loss fp99 < <(fixed "$bin" "$p")
			echo "$b $p $r $held $broke $p99 $why $us $sq $ep $rx $tx $cs $loss $fp99 $rescued" >>"$ROWS"
			printf '  round %s %-7s build %s: held %7s qps (p99 %s ms; %s rates held on a retry), broke at %s (%s); at %s qps: %s us/q, sys/q %s ep/q %s rx/q %s tx/q %s cs/q %s, loss %s%%, p99 %s ms\n' \
				"$r" "$p" "$b" "$held" "$p99" "$rescued" "$broke" "$why" "$FIXED_QPS" "$us" "$sq" "$ep" "$rx" "$tx" "$cs" "$loss" "$fp99" >&2
		done
	done
done

echo "$MACHINE"
python3 - "$ROWS" "$ROUNDS" "$FIXED_QPS" "${WORLD_CPUS:-}" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
where = f" on CPUs {sys.argv[4]}" if sys.argv[4] else ""
print(f"world benchmark (bench/world-six-eni.yaml{where}), {sys.argv[2]} rounds, medians; "
      f"capacity within p99 20 ms and 0.1 % loss; costs at a fixed {int(sys.argv[3]):,} qps")
print()
print("| build | profile | held qps | p99 at held, ms | rates held on a retry (all rounds) | CPU us/query | syscalls/q | epoll_wait/q | recvmmsg/q | sendmmsg/q | ctx switches/q |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for b in sorted({r[0] for r in rows}):
    for p in ("unique", "mixed"):
        rs = [r for r in rows if r[0] == b and r[1] == p]
        if not rs:
            continue
        m = lambda i: st.median(float(r[i]) for r in rs)
        print(f"| {b} | {p} | {m(3):,.0f} | {m(5):.2f} | {sum(int(r[15]) for r in rs)} | {m(7):.2f} | {m(8):.2f} | {m(9):.3f} | {m(10):.3f} | {m(11):.3f} | {m(12):.3f} |")
PY
