#!/usr/bin/env bash
# bench/resolver.sh -- one inbound ENI listener of the emulated AWS side
# against NSD serving the same records.
#
# Usage: bench/resolver.sh [--rounds N] [--duration S] [--build DIR]
#                          [--client dnsperf|hybridns|both] [--load-qps N]
#
# Runs inside a private network namespace (unshare --net, loopback only,
# so fixed ports are safe).  Both servers hold the zone bench.example with
# a wildcard A record and one exact name; the query file holds 100 names
# (99 wildcard, 1 exact).  hybridns serves it as a PHZ associated with the
# VPC of an inbound endpoint whose ceiling is raised out of the way
# (qps_per_ip), with --workers 1; NSD with one server process and rate
# limiting off.  Rounds interleave (hybridns, NSD, hybridns, NSD ...):
# each server alone on core 0, the client on core 1: dnsperf (-l DURATION
# -c 2 -T 2 -q 200, closed loop), `hybridns load` (open loop at --load-qps,
# default 300000, the same names: www and host{seq}; what the server does
# not answer is lost, so answered/s is the server's capacity), or both, each
# on a fresh start of the server.  Prints per round and as medians: qps,
# loss, and the server's CPU microseconds per answered query (utime+stime
# of /proc/<pid>/stat over the run), and the hybridns/NSD ratios, per
# client.  Every process started here is stopped on exit.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_args 24 "$@"
bench_enter nsd:nsd dnsperf:dnsperf dig:bind9-dnsutils
bench_inner hns-rbench

PORT=5353
SERVER_CPU=0
CLIENT_CPU=1
if [ "$(nproc)" -lt 2 ]; then CLIENT_CPU=0; fi

# ------------------------------------------------------------ the records
cat >"$TMP/bench.example.zone" <<'EOF'
$ORIGIN bench.example.
$TTL 300
@	IN SOA ns-2048.awsdns-64.net. hostmaster.amazon.com. 1 7200 900 1209600 86400
@	IN NS ns.bench.example.
ns	IN A 10.0.0.53
www	IN A 10.9.9.9
*	IN A 10.9.9.10
EOF
cat >"$TMP/scenario.yaml" <<'EOF'
scenario: resolver-bench
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
EOF
cat >"$TMP/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$PORT
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$TMP"
	database: ""
	pidfile: "$TMP/nsd.pid"
	xfrdfile: "$TMP/xfrd.state"
	zonelistfile: "$TMP/zone.list"
	logfile: "$TMP/nsd.log"
	rrl-ratelimit: 0
	verbosity: 0
remote-control:
	control-enable: no
zone:
	name: bench.example
	zonefile: bench.example.zone
EOF
{
	echo "www.bench.example A"
	for i in $(seq 1 99); do echo "host$i.bench.example A"; done
} >"$TMP/queries.txt"
cat - "$TMP/scenario.yaml" >"$TMP/load.yaml" <<'EOF'
# the benchmark's world, with the load `hybridns load` sends as the client
load:
  bench:
    from: vpc:hub
    qps: 1000
    duration: 1s
    mix:
      - {query: "www.bench.example A", weight: 1}
      - {query: "host{seq}.bench.example A", weight: 99}
EOF

wait_ready() { # addr
	for _ in $(seq 1 100); do
		if dig +time=1 +tries=1 +short -p "$PORT" "@$1" www.bench.example A 2>/dev/null | grep -q 10.9.9.9; then
			return 0
		fi
		sleep 0.1
	done
	echo "bench: nothing answers at $1:$PORT" >&2
	return 1
}

cpu_ticks() { # pids...: utime+stime of all their threads
	local t=0 p
	# fields after the command name, which may hold spaces ("(nsd: main)")
	for p in "$@"; do t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }'))); done
	echo "$t"
}

# run_one CLIENT ADDR PIDS...: one run; prints "qps loss_pct us_per_query"
run_one() {
	local client=$1 addr=$2 t0 t1 out qps lost sent answered hz lat
	shift 2
	hz=$(getconf CLK_TCK)
	t0=$(cpu_ticks "$@")
	if [ "$client" = hybridns ]; then
		read -r answered lost sent qps lat < <(bench_load_run "$TMP/load.yaml" bench "$addr" "$PORT")
		t1=$(cpu_ticks "$@")
	else
		out=$(taskset -c $CLIENT_CPU dnsperf -s "$addr" -p "$PORT" -d "$TMP/queries.txt" \
			-l "$DURATION" -c 2 -T 2 -q 200 2>&1)
		t1=$(cpu_ticks "$@")
		qps=$(echo "$out" | awk '/Queries per second/ { print $4 }')
		sent=$(echo "$out" | awk '/Queries sent/ { print $3 }')
		answered=$(echo "$out" | awk '/Queries completed/ { print $3 }')
		lost=$(echo "$out" | awk '/Queries lost/ { print $3 }')
	fi
	awk -v q="$qps" -v s="$sent" -v l="$lost" -v a="$answered" -v d="$((t1 - t0))" -v hz="$hz" \
		'BEGIN { printf "%.0f %.2f %.2f\n", q, (s ? 100 * l / s : 0), (a ? d / hz * 1e6 / a : 0) }'
}

start_hybridns() {
	: >"$TMP/hns.out" # read below before the job may have opened it
	taskset -c $SERVER_CPU "$HYBRIDNS" serve "$TMP/scenario.yaml" --only aws --port "$PORT" \
		--workers 1 >"$TMP/hns.out" 2>&1 &
	HNS_PID=$!
	PIDS+=("$HNS_PID")
	HNS_ADDR=""
	for _ in $(seq 1 50); do
		HNS_ADDR=$(awk '$2 == "inbound/a" { sub(/:[0-9]+$/, "", $NF); print $NF; exit }' "$TMP/hns.out")
		[ -n "$HNS_ADDR" ] && break
		sleep 0.1
	done
	wait_ready "$HNS_ADDR"
}

start_nsd() {
	taskset -c $SERVER_CPU nsd -d -c "$TMP/nsd.conf" >"$TMP/nsd.out" 2>&1 &
	NSD_PID=$!
	PIDS+=("$NSD_PID")
	wait_ready 127.0.0.1
	# nsd -d forks a main process, which forks the server: measure the whole tree
	NSD_ALL=$(bench_descendants "$NSD_PID")
}

stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

median() { printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$TMP/rows"
printf "%-6s %-9s %-9s %10s %7s %9s\n" round server client qps loss% us/query
for r in $(seq 1 "$ROUNDS"); do
	for cl in $(bench_clients); do
		start_hybridns
		read -r q l u < <(run_one "$cl" "$HNS_ADDR" "$HNS_PID")
		stop_pid "$HNS_PID"
		printf "%-6s %-9s %-9s %10s %7s %9s\n" "$r" hybridns "$cl" "$q" "$l" "$u"
		echo "hybridns $cl $q $u" >>"$TMP/rows"
		start_nsd
		# shellcheck disable=SC2086
		read -r q l u < <(run_one "$cl" 127.0.0.1 $NSD_ALL)
		stop_pid "$NSD_PID"
		printf "%-6s %-9s %-9s %10s %7s %9s\n" "$r" nsd "$cl" "$q" "$l" "$u"
		echo "nsd $cl $q $u" >>"$TMP/rows"
	done
done

col() { awk -v s="$1" -v c="$2" -v f="$3" '$1 == s && $2 == c { print $f }' "$TMP/rows"; }
for cl in $(bench_clients); do
	# shellcheck disable=SC2046
	hq=$(median $(col hybridns "$cl" 3)); hu=$(median $(col hybridns "$cl" 4))
	# shellcheck disable=SC2046
	nq=$(median $(col nsd "$cl" 3)); nu=$(median $(col nsd "$cl" 4))
	echo
	[ "$cl" = dnsperf ] && echo "client dnsperf (closed loop, -c 2 -T 2 -q 200):" ||
		echo "client hybridns load (open loop at $LOAD_QPS qps offered):"
	printf "median   hybridns %8.0f qps %6.2f us/query\n" "$hq" "$hu"
	printf "median   nsd      %8.0f qps %6.2f us/query\n" "$nq" "$nu"
	awk -v hq="$hq" -v nq="$nq" -v hu="$hu" -v nu="$nu" \
		'BEGIN { printf "ratio    qps %.2fx NSD, CPU per query %.2fx NSD\n", (nq ? hq / nq : 0), (nu ? hu / nu : 0) }'
done
