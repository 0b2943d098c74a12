# bench/lib.sh -- what the dnsperf benchmarks share (sourced).
#
#   bench_args HELP_LINES "$@"     --rounds N, --duration S, --build DIR, --client
#                                  dnsperf|hybridns|both, --load-qps N (the ceiling of
#                                  the hybridns client's search); -h prints the script's
#                                  header comment (lines 2..HELP_LINES); --against
#                                  DIR: a second build (B) that scripts which
#                                  compare builds interleave with the first (A)
#   bench_enter tool:package ...   outside the namespace: install the missing Debian
#                                  packages, build the hybridns binary (release, in
#                                  build-bench) unless --build gave one, and re-run the
#                                  script inside `unshare --net`; returns only inside
#   bench_inner PREFIX             inside: loopback up, $TMP, $PIDS stopped on exit
#   bench_clients                  the clients each round runs, in order
#   bench_load_run ...             one run of `hybridns load` as the client
set -euo pipefail

ROUNDS=5
DURATION=10
HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=""
CLIENT=dnsperf
LOAD_QPS=300000
AGAINST=""

bench_args() {
	local help=$1
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--rounds) ROUNDS=$2; shift 2 ;;
		--duration) DURATION=$2; shift 2 ;;
		--build) BUILD=$2; shift 2 ;;
		--client) CLIENT=$2; shift 2 ;;
		--load-qps) LOAD_QPS=$2; shift 2 ;;
		--against) AGAINST=$2; shift 2 ;;
		-h|--help) sed -n "2,${help}p" "$0"; exit 0 ;;
		*) echo "$(basename "$0"): unknown argument $1" >&2; exit 2 ;;
		esac
	done
	case "$CLIENT" in
	dnsperf|hybridns|both) ;;
	*) echo "$(basename "$0"): --client: dnsperf, hybridns or both, not $CLIENT" >&2; exit 2 ;;
	esac
}

bench_clients() {
	if [ "$CLIENT" = both ]; then echo "dnsperf hybridns"; else echo "$CLIENT"; fi
}

# bench_load_run SCENARIO PROFILE ADDR PORT: `hybridns load --find-max` as
# the client, pinned to $CLIENT_CPU: open-loop steps of $DURATION / 4 s (at
# least 1 s) from 10,000 qps, doubling up to $LOAD_QPS and then narrowing
# to within 5 %, each judged by max_loss 1 %.  A fixed open-loop rate far
# above a server's capacity measures its overload collapse, not its
# capacity; the highest rate that held is the capacity.  Prints "answered
# lost intended held_qps p99_ms": answered over every step (what the
# server's CPU over the search is divided by), then the held step's lost,
# intended and p99.
bench_load_run() {
	local rc=0 step
	step=$(awk -v d="$DURATION" 'BEGIN { s = d / 4; printf "%g", s < 1 ? 1 : s }')
	taskset -c "$CLIENT_CPU" "$HYBRIDNS" load "$1" --profile "$2" --target "$3:$4" --find-max \
		--from-qps 10000 --max-qps "$LOAD_QPS" --step-duration "$step" --slo max_loss=1% --quiet \
		--format json -o "$TMP/load.json" >"$TMP/load.out" 2>&1 || rc=$?
	if [ "$rc" -gt 1 ]; then
		cat "$TMP/load.out" >&2
		return 1
	fi
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
st = r["steps"]
held = [s for s in st if s["status"] == "held" and s["qps"] == r["held_qps"]]
h = held[0] if held else {"lost": 0, "answered": 0, "p99_ms": 0}
print(sum(s["answered"] for s in st), h["lost"], h["lost"] + h["answered"], "%.0f" % r["held_qps"],
      "%.3f" % h["p99_ms"])
' "$TMP/load.json"
}

bench_enter() {
	[ -z "${HNS_BENCH_INNER:-}" ] || return 0
	local need=() pair
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
	done
	if [ ${#need[@]} -gt 0 ]; then
		echo "installing: ${need[*]}" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2
	fi
	if [ -z "$BUILD" ]; then
		BUILD="$HERE/build-bench"
		[ -d "$BUILD" ] || meson setup "$BUILD" "$HERE" -Dbuildtype=release >/dev/null
		ninja -C "$BUILD" harness/hybridns >/dev/null
	fi
	export HNS_BENCH_INNER=1 HYBRIDNS="$BUILD/harness/hybridns"
	[ -z "$AGAINST" ] || export HYBRIDNS_B="$AGAINST/harness/hybridns"
	exec unshare --net "$0" --rounds "$ROUNDS" --duration "$DURATION" --build "$BUILD" \
		--client "$CLIENT" --load-qps "$LOAD_QPS" ${AGAINST:+--against "$AGAINST"}
}

bench_inner() {
	: "${HYBRIDNS:?}"
	ip link set lo up
	TMP=$(mktemp -d "/tmp/$1.XXXXXX")
	PIDS=()
	trap bench_cleanup EXIT
	chmod 755 "$TMP"
}

bench_cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}

# bench_stall_probe: what the machine itself takes away (bench/stall.c):
# spins every CPU for 2 s, then every CPU in bursts of 100 us between sleeps
# of 100 us (how a world's threads run: on some hosts that is stalled as
# much as spinning, while long bursts are not; docs/performance.md, "A
# fourth day"), then CPU 0 alone, and prints one "# machine:" line (stdout)
# with the share of the time lost in stalls, the longest and how much of it
# the guest's own kernel saw as run-queue waits.  A hypervisor that
# deschedules a virtual CPU for 100 ms at a time puts its stalls in every
# p99 measured while both CPUs are busy; the line says so, so a failed p99
# is not read as the server's.
bench_stall_probe() {
	local all out1 out2 out3
	cc -O2 -pthread -o "$TMP/stall" "$HERE/bench/stall.c"
	all=$(seq -s, 0 $(($(nproc) - 1)))
	out1=$("$TMP/stall" 2 "$all")
	out2=$("$TMP/stall" 2 "$all" 100/100)
	out3=$("$TMP/stall" 2 0)
	awk -v n="$(nproc)" '
	FNR == 1 { f++ }
	{ share[f] += $7; wait[f] += $14; stalled[f] += $6; cpus[f]++
	  if ($9 > longest[f]) longest[f] = $9; over[f] += $12 }
	END {
		s = share[1] / cpus[1]; b = share[2] / cpus[2]
		printf "# machine: %d CPUs busy: %.1f %% of the time stalled (longest %.0f ms, %d over 10 ms; the guest kernel saw %.2f of %.2f s as run-queue waits); in 100 us bursts: %.1f %% (longest %.0f ms); one CPU busy: %.1f %% (longest %.1f ms)\n",
			n, s, longest[1], over[1], wait[1], stalled[1], b, longest[2], share[3], longest[3]
		if (s > 1 || b > 1)
			printf "# machine: the stalls are the machine'"'"'s (a hypervisor descheduling its CPUs): a p99 over a run that keeps every CPU busy carries them\n"
	}' <(echo "$out1" | tr -d '()%') <(echo "$out2" | tr -d '()%') <(echo "$out3" | tr -d '()%')
}

# dnsdist.conf for the forwarder benches: listens on $PORT, forwards to
# $BACKEND_PORT, no security poll; its packet cache with "on".
bench_dnsdist_conf() { # cache on|off
	{
		echo "setLocal('127.0.0.1:$PORT')"
		echo "newServer({address='127.0.0.1:$BACKEND_PORT'})"
		echo "setSecurityPollSuffix('')"
		echo "setACL({'127.0.0.0/8'})"
		if [ "$1" = on ]; then
			echo "pc = newPacketCache(100000, {maxTTL=86400, minTTL=0})"
			echo "getPool(''):setCache(pc)"
		fi
	} >"$TMP/dnsdist.conf"
}

# A pid and every process below it (a server's helpers count in its CPU).
bench_descendants() { # pid: it and every process below it
	local c
	echo -n "$1 "
	for c in $(pgrep -P "$1" || true); do bench_descendants "$c"; done
}
