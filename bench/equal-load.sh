#!/usr/bin/env bash
# bench/equal-load.sh -- CPU per query at equal offered load, below and near
# saturation: the hybridns forwarder against dnsdist 1.7, the hybridns
# inbound ENI listener against NSD.
#
# Usage: bench/equal-load.sh [--rounds N] [--duration S] [--build DIR]
#                            [--against DIR]
#        EQ_CASES="fwd-uncached:10000 eni:40000" bench/equal-load.sh ...
#        EQ_ARGS_A="--coalesce off" EQ_ARGS_B="--udp-io epoll" \
#            bench/equal-load.sh --against build-bench ...
#
# Inside a private network namespace (unshare --net, loopback only).  Every
# measurement starts the server fresh on core 0 (forwarders next to one NSD
# backend serving a wildcard zone, RRL off), then `hybridns load` on core 1
# sends at one FIXED open-loop rate for --duration seconds; what the server
# costs is read around that window:
#   us/q    server utime+stime (/proc/PID/stat, every thread) / answered
#   sys/q   system calls of the server / answered (perf, raw_syscalls)
#   ep/q rx/q tx/q  epoll_wait, recvmmsg+recvfrom+recvmsg, sendmmsg+sendto+
#           sendmsg calls / answered (perf syscall tracepoints)
#   cs/q    voluntary + involuntary context switches of every thread / answered
#   loss %, p99 ms  as the client saw them
# Cases (EQ_CASES selects some, CASE:RATE, default all):
#   fwd-uncached  unique names, both caches off      10k 40k 80k
#   fwd-cached    ten names, both caches on          20k 100k 200k 600k
#   eni           100 names, inbound ENI vs NSD      10k 40k 100k
# Systems are interleaved per case and rate (A B A B ...); with --against,
# a second hybridns build runs as hybridns-B in the same interleaving.
# EQ_ARGS_A / EQ_ARGS_B: more `serve` options for hybridns / hybridns-B, so
# one build can run against itself with a setting changed.
# EQ_PROFILE=DIR: instead of counting system calls, record where the server's
# CPU goes (perf record -g, cpu-clock) into DIR/SYSTEM-CASE-RATE-rROUND.data,
# for `perf report -i FILE --no-children --sort sym` (sys/q ... are then 0).
# Prints every run, then medians and per-round ratios against dnsdist / NSD
# (and B against A).  CPU per query at a fixed rate below saturation is what
# the lead compares; on a busy machine it moves with the load of the other
# processes, the syscall and context-switch counts much less.
# First, bench/stall.c spins the CPUs for 6 s: the report opens with the
# machine's own stalls ("# machine:"), which every p99 of a busy run holds.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_args 39 "$@"
bench_enter nsd:nsd dnsdist:dnsdist dig:bind9-dnsutils perf:linux-perf
bench_inner hns-eqload

BACKEND_PORT=5300
PORT=5353
SERVER_CPU=0
CLIENT_CPU=1
if [ "$(nproc)" -lt 2 ]; then CLIENT_CPU=0; fi
DEFAULT_CASES="fwd-uncached:10000 fwd-uncached:40000 fwd-uncached:80000 fwd-cached:20000
fwd-cached:100000 fwd-cached:200000 fwd-cached:600000 eni:10000 eni:40000 eni:100000"
CASES=${EQ_CASES:-$DEFAULT_CASES}

# ------------------------------------------------------------ worlds and backends
nsd_conf() { # file port zonefile zone
	cat >"$1" <<EOF
server:
	ip-address: 127.0.0.1@$2
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$TMP"
	database: ""
	pidfile: "$1.pid"
	xfrdfile: "$1.xfrd"
	zonelistfile: "$1.zl"
	logfile: "$1.log"
	rrl-ratelimit: 0
	verbosity: 0
remote-control:
	control-enable: no
zone:
	name: $4
	zonefile: $3
EOF
}
cat >"$TMP/bench.test.zone" <<'EOF'
$ORIGIN bench.test.
$TTL 300
@	IN SOA ns.bench.test. h.bench.test. 1 7200 900 1209600 300
@	IN NS ns.bench.test.
ns	IN A 127.0.0.1
*	IN A 192.0.2.1
EOF
cat >"$TMP/bench.example.zone" <<'EOF'
$ORIGIN bench.example.
$TTL 300
@	IN SOA ns-2048.awsdns-64.net. hostmaster.amazon.com. 1 7200 900 1209600 86400
@	IN NS ns.bench.example.
ns	IN A 10.0.0.53
www	IN A 10.9.9.9
*	IN A 10.9.9.10
EOF
nsd_conf "$TMP/backend.conf" $BACKEND_PORT bench.test.zone bench.test
nsd_conf "$TMP/eni-nsd.conf" $PORT bench.example.zone bench.example

fwd_world() { # cache on|off
	cat <<EOF
scenario: bench-equal-load
region: eu-west-1
onprem:
  resolvers:
    bench:
      address: 192.168.10.53
      forward:
        - zone: bench.test
          to: [127.0.0.1:$BACKEND_PORT]
      default: refuse
      cache: {enabled: $([ "$1" = on ] && echo true || echo false), max_entries: 100000}
load:
  fwd-uncached:
    from: onprem
    qps: 1000
    duration: 1s
    mix:
      - {query: "u{seq}.bench.test A", weight: 1}
  fwd-cached:
    from: onprem
    qps: 1000
    duration: 1s
    mix:
$(for i in 0 1 2 3 4 5 6 7 8 9; do echo "      - {query: \"c$i.bench.test A\", weight: 1}"; done)
EOF
}
fwd_world on >"$TMP/fwd-on.yaml"
fwd_world off >"$TMP/fwd-off.yaml"
cat >"$TMP/eni.yaml" <<'EOF'
scenario: bench-equal-load-eni
region: eu-west-1
vpcs:
  hub:
    cidr: 10.0.0.0/16
    subnets:
      a: {az: eu-west-1a, cidr: 10.0.1.0/24}
      b: {az: eu-west-1b, cidr: 10.0.2.0/24}
hosted_zones:
  bench.example:
    vpcs: [hub]
    records: |
      ns   A 10.0.0.53
      www  A 10.9.9.9
      *    A 10.9.9.10
resolver:
  endpoints:
    inbound:
      direction: inbound
      vpc: hub
      qps_per_ip: 10000000
      ips: {a: 10.0.1.10, b: 10.0.2.10}
load:
  eni:
    from: vpc:hub
    qps: 1000
    duration: 1s
    mix:
      - {query: "www.bench.example A", weight: 1}
      - {query: "host{seq}.bench.example A", weight: 99}
EOF

wait_ready() { # addr port name want
	for _ in $(seq 1 100); do
		if dig +time=1 +tries=1 +short -p "$2" "@$1" "$3" A 2>/dev/null | grep -q "$4"; then
			return 0
		fi
		sleep 0.1
	done
	echo "bench: nothing answers $3 at $1:$2" >&2
	return 1
}

taskset -c $SERVER_CPU nsd -d -c "$TMP/backend.conf" >"$TMP/backend.out" 2>&1 &
PIDS+=($!)
wait_ready 127.0.0.1 $BACKEND_PORT ready.bench.test 192.0.2.1

# start_server SYSTEM CASE: sets SERVER_PID (stopped by stop_server), MEASURE
# (the pids whose CPU counts) and ADDR (where the client sends)
start_server() {
	local bin=$HYBRIDNS extra=${EQ_ARGS_A:-}
	ADDR=127.0.0.1
	case "$1" in hybridns-B) bin=$HYBRIDNS_B extra=${EQ_ARGS_B:-} ;; esac
	case "$1:$2" in
	hybridns*:eni)
		: >"$TMP/server.out" # read below before the job may have opened it
		# shellcheck disable=SC2086 # extra: words
		taskset -c $SERVER_CPU "$bin" serve "$TMP/eni.yaml" --only aws --port $PORT \
			--workers 1 $extra >"$TMP/server.out" 2>&1 &
		SERVER_PID=$!
		PIDS+=("$SERVER_PID")
		ADDR=""
		for _ in $(seq 1 50); do
			ADDR=$(awk '$2 == "inbound/a" { sub(/:[0-9]+$/, "", $NF); print $NF; exit }' "$TMP/server.out")
			[ -n "$ADDR" ] && break
			sleep 0.1
		done
		;;
	nsd:eni)
		taskset -c $SERVER_CPU nsd -d -c "$TMP/eni-nsd.conf" >"$TMP/server.out" 2>&1 &
		SERVER_PID=$!
		PIDS+=("$SERVER_PID")
		;;
	hybridns*:fwd-*)
		taskset -c $SERVER_CPU "$bin" serve "$TMP/fwd-$([ "$2" = fwd-cached ] && echo on || echo off).yaml" \
			--only onprem --listen 127.0.0.1:$PORT --workers 1 $extra >"$TMP/server.out" 2>&1 &
		SERVER_PID=$!
		PIDS+=("$SERVER_PID")
		;;
	dnsdist:fwd-*)
		bench_dnsdist_conf "$([ "$2" = fwd-cached ] && echo on || echo off)"
		taskset -c $SERVER_CPU dnsdist --supervised --disable-syslog -C "$TMP/dnsdist.conf" \
			>"$TMP/server.out" 2>&1 &
		SERVER_PID=$!
		PIDS+=("$SERVER_PID")
		;;
	esac
	if [ "$2" = eni ]; then
		wait_ready "$ADDR" $PORT www.bench.example 10.9.9.9 || { tail -5 "$TMP/server.out" >&2; exit 1; }
	else
		wait_ready "$ADDR" $PORT ready.bench.test 192.0.2.1 || { tail -5 "$TMP/server.out" >&2; exit 1; }
	fi
	# nsd -d forks a main process, which forks the server: measure the whole tree
	MEASURE=$(bench_descendants "$SERVER_PID")
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
}

cpu_ticks() { # pids...: utime+stime of every thread (the fields after "(comm)")
	local t=0 p
	for p in "$@"; do t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }'))); done
	echo "$t"
}

ctx_switches() { # pids...: voluntary + involuntary, every thread
	local p
	for p in "$@"; do cat /proc/"$p"/task/*/status; done 2>/dev/null |
		awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

PERF_EVENTS="raw_syscalls:sys_enter,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_recvmmsg"
PERF_EVENTS+=",syscalls:sys_enter_recvfrom,syscalls:sys_enter_recvmsg,syscalls:sys_enter_sendmmsg"
PERF_EVENTS+=",syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_io_uring_enter"
HAVE_PERF=1
perf stat -e "$PERF_EVENTS" -- true >/dev/null 2>&1 || HAVE_PERF=0
[ $HAVE_PERF = 1 ] || echo "bench: perf syscall tracepoints unavailable: sys/q ep/q rx/q tx/q are 0" >&2

TICK=$(getconf CLK_TCK)
ROWS="$TMP/rows"
: >"$ROWS"

# measure SYSTEM CASE RATE ROUND: one fixed-rate run, one row
measure() {
	local t0 t1 c0 c1 perf_pid="" rc=0
	start_server "$1" "$2"
	# shellcheck disable=SC2086
	t0=$(cpu_ticks $MEASURE)
	# shellcheck disable=SC2086
	c0=$(ctx_switches $MEASURE)
	if [ -n "${EQ_PROFILE:-}" ]; then
		mkdir -p "$EQ_PROFILE"
		perf record -q -F 15000 -e cpu-clock -g -p "$(echo $MEASURE | tr ' ' ,)" \
			-o "$EQ_PROFILE/$1-$2-$3-r$4.data" >/dev/null 2>&1 &
		perf_pid=$!
	elif [ $HAVE_PERF = 1 ]; then
		perf stat -x, -e "$PERF_EVENTS" -p "$(echo $MEASURE | tr ' ' ,)" -o "$TMP/perf.txt" &
		perf_pid=$!
	fi
	local yaml="$TMP/eni.yaml"
	[ "$2" = eni ] || yaml="$TMP/fwd-on.yaml"
	taskset -c $CLIENT_CPU "$HYBRIDNS" load "$yaml" --profile "$2" --qps "$3" --duration "$DURATION" \
		--target "$ADDR:$PORT" --quiet --format json -o "$TMP/load.json" >"$TMP/load.out" 2>&1 || rc=$?
	# shellcheck disable=SC2086
	t1=$(cpu_ticks $MEASURE)
	# shellcheck disable=SC2086
	c1=$(ctx_switches $MEASURE)
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid" 2>/dev/null || true
		wait "$perf_pid" 2>/dev/null || true
		[ -z "${EQ_PROFILE:-}" ] || : >"$TMP/perf.txt"
	else
		: >"$TMP/perf.txt"
	fi
	stop_server
	if [ "$rc" -gt 1 ]; then
		cat "$TMP/load.out" >&2
		exit 1
	fi
	python3 - "$TMP/load.json" "$TMP/perf.txt" "$1" "$2" "$3" "$4" "$((t1 - t0))" "$TICK" \
		"$((c1 - c0))" >>"$ROWS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r = r[0] if isinstance(r, list) else r
r = r.get("profiles", [r])[0] if "profiles" in r else r
ev = {}
for line in open(sys.argv[2]):
    f = line.strip().split(",")
    if len(f) > 2 and f[0].replace(".", "").isdigit():
        ev[f[2].split(":")[-1]] = float(f[0])
system, case, rate, rnd = sys.argv[3:7]
ticks, hz, cs = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
a = r["answered"] or 1
us = ticks / hz * 1e6 / a
rx = sum(ev.get(k, 0) for k in ("sys_enter_recvmmsg", "sys_enter_recvfrom", "sys_enter_recvmsg"))
tx = sum(ev.get(k, 0) for k in ("sys_enter_sendmmsg", "sys_enter_sendto", "sys_enter_sendmsg"))
print(system, case, rate, rnd, r["answered"], "%.3f" % (100 * r["lost"] / max(1, r["intended"])),
      "%.3f" % r["latency_ms"]["p99"], "%.2f" % us, "%.3f" % (ev.get("sys_enter", 0) / a),
      "%.3f" % (ev.get("sys_enter_epoll_wait", 0) / a), "%.3f" % (rx / a), "%.3f" % (tx / a),
      "%.3f" % (cs / a), "%.3f" % (ev.get("sys_enter_io_uring_enter", 0) / a))
PY
	tail -1 "$ROWS" | awk '{ printf "  round %s %-13s %7s %-11s answered %9s loss %7s%% p99 %8s ms  %6s us/q  sys/q %s ep/q %s rx/q %s tx/q %s cs/q %s\n", $4, $2, $3, $1, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' >&2
}

MACHINE=$(bench_stall_probe)
echo "$MACHINE" >&2
echo "equal-load: $ROUNDS rounds of $DURATION s per case and rate" >&2
for r in $(seq 1 "$ROUNDS"); do
	for cr in $CASES; do
		c=${cr%%:*}
		rate=${cr#*:}
		other=dnsdist
		[ "$c" = eni ] && other=nsd
		systems="hybridns $other"
		[ -z "${HYBRIDNS_B:-}" ] || systems="hybridns hybridns-B $other"
		for s in $systems; do measure "$s" "$c" "$rate" "$r"; done
	done
done

# ------------------------------------------------------------ report
echo "$MACHINE"
python3 - "$ROWS" "$ROUNDS" "$DURATION" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"equal-load benchmark: {sys.argv[2]} rounds of {sys.argv[3]} s at each fixed offered rate; "
      "server on core 0 (forwarders with one NSD backend), `hybridns load` on core 1; medians")
print()
print("| case | offered qps | system | answered/s | loss % | p99 ms | CPU us/query | syscalls/q | epoll_wait/q | recv calls/q | send calls/q | ctx switches/q |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
keys = []
for r in rows:
    k = (r[1], int(r[2]), r[0])
    if k not in keys:
        keys.append(k)
dur = float(sys.argv[3])
for case, rate, system in keys:
    rs = [r for r in rows if (r[1], int(r[2]), r[0]) == (case, rate, system)]
    m = lambda i: st.median(float(r[i]) for r in rs)
    print(f"| {case} | {rate:,} | {system} | {m(4) / dur:,.0f} | {m(5):.3f} | {m(6):.2f} | {m(7):.2f} | "
          f"{m(8):.2f} | {m(9):.3f} | {m(10):.3f} | {m(11):.3f} | {m(12):.3f} |")
print()
for case, rate, system in keys:
    if not system.startswith("hybridns"):
        continue
    other = [s for c, ra, s in keys if (c, ra) == (case, rate) and not s.startswith("hybridns")]
    if system == "hybridns-B":
        other = ["hybridns"]
    for o in other:
        ratios = []
        for rnd in sorted({r[3] for r in rows}, key=int):
            h = [float(r[7]) for r in rows if r[:4] == [system, case, str(rate), rnd]]
            d = [float(r[7]) for r in rows if r[:4] == [o, case, str(rate), rnd]]
            if h and d and d[0]:
                ratios.append(h[0] / d[0])
        if ratios:
            print(f"{case} at {rate:,} qps: CPU per query {system} / {o} = {st.median(ratios):.2f}x "
                  f"(per round: {', '.join('%.2f' % x for x in ratios)})")
PY
