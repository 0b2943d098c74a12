#!/usr/bin/env bash
# bench/load.sh -- the load generator's own speed, beside dnsperf and resperf.
#
# Usage: bench/load.sh [--rounds N] [--duration S] [--build DIR]
#
# Inside a private network namespace (unshare --net: only loopback, fixed
# ports are safe), a one-thread batched echo responder (bench/echo.c,
# recvmmsg/sendmmsg, no DNS work) runs pinned to core 0 and each client in
# turn pinned to core 1 -- A B C A B C, so the machine's phases hit all
# alike:
#   hybridns load   one sender thread (--workers 1), open loop at 600,000 qps,
#                   unique names; replies per second of sending (answered +
#                   late: beyond the echo's rate the schedule runs ahead, so
#                   many replies come more than 2 s after their intended time)
#   dnsperf         -c 1 -T 1 -q 1000 -l DURATION (as fast as it can)
#   resperf         ramping to 600,000 qps over DURATION (-F 0: it does not stop
#                   when it falls behind); its maximum throughput
# Prints the median answered qps of each and the hybridns/dnsperf ratio.
# With --build DIR the hybridns of that build tree is measured (to compare
# two commits).  Missing Debian packages are installed with apt-get.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_args 20 "$@"
bench_enter dnsperf:dnsperf cc:gcc dig:bind9-dnsutils
bench_inner hns-loadbench

PORT=5353
SERVER_CPU=0
CLIENT_CPU=1
if [ "$(nproc)" -lt 2 ]; then CLIENT_CPU=0; fi
QPS=600000
# no progress line (builds before it have no --quiet and no progress line)
QUIET=$("$HYBRIDNS" load --help 2>&1 | grep -q -- --quiet && echo --quiet || true)

cc -O2 -o "$TMP/echo" "$HERE/bench/echo.c"
taskset -c $SERVER_CPU "$TMP/echo" $PORT &
PIDS+=($!)
for _ in $(seq 1 50); do
	dig +tries=1 +time=1 @127.0.0.1 -p $PORT ready.bench.test >/dev/null 2>&1 && break
	sleep 0.1
done

# dnsperf/resperf query file: unique names, like the generator's {seq}
python3 -c '
for i in range(1000000):
    print(f"q{i}.bench.test A")' >"$TMP/queries.txt"
sed '/^load:/,$d' "$HERE/scenarios/shared-services.yaml" >"$TMP/load.yaml"
cat >>"$TMP/load.yaml" <<YAML
load:
  echo:
    target: 127.0.0.1:$PORT
    qps: $QPS
    duration: ${DURATION}s
    mix:
      - {query: "q{seq}.bench.test A", weight: 1}
YAML

RESULTS="$TMP/results.txt"
: >"$RESULTS"

measure() { # client round
	local out qps
	case "$1" in
	hybridns)
		out=$(taskset -c $CLIENT_CPU "$HYBRIDNS" load "$TMP/load.yaml" --workers 1 $QUIET --format json)
		qps=$(echo "$out" | python3 -c '
import json, sys
p = json.load(sys.stdin)["profiles"][0]
print((p["answered"] + p["late"]) / p["duration_s"])')
		;;
	dnsperf)
		out=$(taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$TMP/queries.txt" \
			-l "$DURATION" -c 1 -T 1 -q 1000 -t 2 2>&1)
		qps=$(echo "$out" | awk '/Queries per second:/ { print $4 }')
		;;
	resperf)
		out=$(taskset -c $CLIENT_CPU resperf -s 127.0.0.1 -p $PORT -d "$TMP/queries.txt" \
			-m $QPS -r "$DURATION" -c 0 -q 65536 -t 2 -F 0 -R -P "$TMP/resperf.plot" 2>&1)
		qps=$(echo "$out" | awk '/Maximum throughput:/ { print $3 }')
		;;
	esac
	echo "$1 $2 ${qps:-0}" >>"$RESULTS"
	printf '  round %s %-9s %10.0f qps\n' "$2" "$1" "${qps:-0}" >&2
}

for r in $(seq 1 "$ROUNDS"); do
	for c in hybridns dnsperf resperf; do
		measure "$c" "$r"
	done
done

python3 - "$RESULTS" "$ROUNDS" "$DURATION" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {c: statistics.median(float(r[2]) for r in rows if r[0] == c) for c in ("hybridns", "dnsperf", "resperf")}
rng = {c: (min(float(r[2]) for r in rows if r[0] == c), max(float(r[2]) for r in rows if r[0] == c)) for c in med}
print(f"load generator benchmark: {sys.argv[2]} rounds of {sys.argv[3]} s, medians; echo on core 0, client on core 1")
print()
print("| client | answered qps (min-max) |")
print("|---|---|")
for c, q in med.items():
    print(f"| {c} | {q:,.0f} ({rng[c][0]:,.0f}-{rng[c][1]:,.0f}) |")
print()
print(f"hybridns / dnsperf: {med['hybridns'] / med['dnsperf']:.2f}x; hybridns / resperf: {med['hybridns'] / med['resperf']:.2f}x")
PY
