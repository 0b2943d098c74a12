#!/usr/bin/env bash
# bench/forwarder.sh -- the hybridns forwarder against dnsdist and Unbound.
#
# Usage: bench/forwarder.sh [--rounds N] [--duration S] [--build DIR]
#                           [--client dnsperf|hybridns|both] [--load-qps N]
#
# Everything runs inside a private network namespace (unshare --net, only
# loopback, so fixed ports are safe and nothing else interferes).  One NSD
# serves a wildcard zone as the shared backend.  For each round, each case
# (uncached: a million unique names; cached: ten names) and each system
# (hybridns forwarder, dnsdist 1.7, Unbound forward-zone) in turn -- A B C
# A B C, so the machine's slow and fast phases hit all alike -- the server
# is started pinned to core 0 next to NSD, the client runs pinned to core 1
# and the server's utime+stime is read from /proc/<pid>/stat around the
# run.  The client: dnsperf (-l DURATION -c 2 -T 2 -q 100, closed loop),
# `hybridns load` (open loop at --load-qps, default 300000: what the server
# does not answer is lost, so answered/s is its capacity, not the client's),
# or both, each on a fresh start of the server in the same interleaving.
# `hybridns load` runs the cached case only: a fixed open-loop rate far
# above an uncached forwarder's capacity drives it into overload collapse
# (its upstream answers are dropped with the flood, so it measures the
# collapse), and there dnsperf is not the limit.
# Prints the median qps, loss and server CPU microseconds per answered query
# of every client, system and case, and the hybridns/dnsdist ratios.
# dnsdist has its packet cache off in the uncached case and on in the
# cached one.  Missing Debian packages are installed with apt-get.  Every
# process started here is stopped on exit.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_args 29 "$@"
bench_enter nsd:nsd dnsdist:dnsdist unbound:unbound dnsperf:dnsperf dig:bind9-dnsutils
bench_inner hns-bench

BACKEND_PORT=5300
PORT=5353
SERVER_CPU=0
CLIENT_CPU=1
if [ "$(nproc)" -lt 2 ]; then CLIENT_CPU=0; fi

# ------------------------------------------------------------ backend: NSD
cat >"$TMP/bench.test.zone" <<'EOF'
$ORIGIN bench.test.
$TTL 300
@	IN SOA ns.bench.test. h.bench.test. 1 7200 900 1209600 300
@	IN NS ns.bench.test.
ns	IN A 127.0.0.1
*	IN A 192.0.2.1
EOF
cat >"$TMP/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$BACKEND_PORT
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
	name: bench.test
	zonefile: bench.test.zone
EOF
taskset -c $SERVER_CPU nsd -d -c "$TMP/nsd.conf" >"$TMP/nsd.out" 2>&1 &
PIDS+=($!)

wait_ready() { # port
	for _ in $(seq 1 100); do
		if dig +time=1 +tries=1 +short -p "$1" @127.0.0.1 ready.bench.test A 2>/dev/null | grep -q 192.0.2.1; then
			return 0
		fi
		sleep 0.1
	done
	echo "bench: nothing answers on port $1" >&2
	return 1
}
wait_ready $BACKEND_PORT

# ------------------------------------------------------------ query files
echo "generating a million unique names..." >&2
awk 'BEGIN { srand(42); for (i = 0; i < 1000000; i++) printf "u%d-%06x.bench.test A\n", i, int(rand() * 16777216) }' \
	>"$TMP/uncached.txt"
for i in 0 1 2 3 4 5 6 7 8 9; do echo "c$i.bench.test A"; done >"$TMP/cached.txt"

# ------------------------------------------------------------ servers
cat >"$TMP/scenario.yaml" <<EOF
scenario: bench-forwarder
region: eu-west-1
onprem:
  resolvers:
    bench:
      address: 192.168.10.53
      forward:
        - zone: bench.test
          to: [127.0.0.1:$BACKEND_PORT]
      default: refuse
      cache: {enabled: true, max_entries: 100000}
EOF

sed 's/enabled: true, max_entries: 100000/enabled: false/' "$TMP/scenario.yaml" >"$TMP/scenario-nocache.yaml"

# What `hybridns load` sends as the client: the same names as the files.
cat >"$TMP/load.yaml" <<EOF
$(cat "$TMP/scenario.yaml")
load:
  uncached:
    from: onprem
    qps: 1000
    duration: 1s
    mix:
      - {query: "u{seq}.bench.test A", weight: 1}
  cached:
    from: onprem
    qps: 1000
    duration: 1s
    mix:
$(for i in 0 1 2 3 4 5 6 7 8 9; do echo "      - {query: \"c$i.bench.test A\", weight: 1}"; done)
EOF

cat >"$TMP/unbound.conf" <<EOF
server:
	interface: 127.0.0.1
	port: $PORT
	num-threads: 1
	username: ""
	chroot: ""
	directory: "$TMP"
	pidfile: "$TMP/unbound.pid"
	use-syslog: no
	logfile: ""
	verbosity: 0
	do-not-query-localhost: no
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	qname-minimisation: no
	so-reuseport: yes
	local-zone: "test." nodefault
forward-zone:
	name: "bench.test."
	forward-addr: 127.0.0.1@$BACKEND_PORT
EOF

SERVER_PID=""
start_server() { # system case
	case "$1" in
	hybridns|hybridns-nocache)
		local scen="$TMP/scenario.yaml"
		[ "$1" = hybridns-nocache ] && scen="$TMP/scenario-nocache.yaml"
		taskset -c $SERVER_CPU "$HYBRIDNS" serve "$scen" --only onprem \
			--listen 127.0.0.1:$PORT --workers 1 --stats-json "$TMP/stats.json" \
			>"$TMP/hybridns.out" 2>&1 &
		;;
	dnsdist)
		bench_dnsdist_conf "$([ "$2" = cached ] && echo on || echo off)"
		taskset -c $SERVER_CPU dnsdist --supervised --disable-syslog -C "$TMP/dnsdist.conf" \
			>"$TMP/dnsdist.out" 2>&1 &
		;;
	unbound)
		taskset -c $SERVER_CPU unbound -d -c "$TMP/unbound.conf" >"$TMP/unbound.out" 2>&1 &
		;;
	esac
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	if ! wait_ready $PORT; then
		tail -5 "$TMP/$1.out" >&2
		exit 1
	fi
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

cpu_ticks() { # pid: utime + stime
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

TICK=$(getconf CLK_TCK)
RESULTS="$TMP/results.txt"
: >"$RESULTS"

measure() { # system case round client
	start_server "$1" "$2"
	local t0 t1 out done lost qps lat sent
	t0=$(cpu_ticks "$SERVER_PID")
	if [ "$4" = hybridns ]; then
		read -r done lost sent qps lat < <(bench_load_run "$TMP/load.yaml" "$2" 127.0.0.1 $PORT)
		t1=$(cpu_ticks "$SERVER_PID")
	else
		out=$(taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$TMP/$2.txt" \
			-l "$DURATION" -c 2 -T 2 -q 100 -t 2 2>&1)
		t1=$(cpu_ticks "$SERVER_PID")
		done=$(echo "$out" | awk '/Queries completed:/ { print $3 }')
		lost=$(echo "$out" | awk '/Queries lost:/ { print $3 }')
		qps=$(echo "$out" | awk '/Queries per second:/ { print $4 }')
		lat=$(echo "$out" | awk '/Average Latency/ { printf "%.3f", $4 * 1000 }')
		sent=$((done + lost))
	fi
	stop_server
	local us
	us=$(awk -v d="$((t1 - t0))" -v t="$TICK" -v n="$done" 'BEGIN { printf "%.2f", n ? d / t * 1e6 / n : 0 }')
	local loss
	loss=$(awk -v l="$lost" -v s="$sent" 'BEGIN { printf "%.3f", s ? 100 * l / s : 0 }')
	echo "$2 $1 $3 $qps $loss $us $lat $4" >>"$RESULTS"
	printf '  round %s %-8s %-16s %-8s %10.0f qps  loss %6s%%  %6s us/query  %6s ms\n' "$3" "$2" "$1" "$4" "$qps" "$loss" "$us" "$lat" >&2
}

for r in $(seq 1 "$ROUNDS"); do
	for c in uncached cached; do
		systems="hybridns dnsdist unbound"
		# Like for like with dnsdist's cache off: hybridns without its cache too.
		[ "$c" = uncached ] && systems="hybridns hybridns-nocache dnsdist unbound"
		for s in $systems; do
			for cl in $(bench_clients); do
				[ "$cl" = hybridns ] && [ "$c" = uncached ] && continue
				measure "$s" "$c" "$r" "$cl"
			done
		done
	done
done

# ------------------------------------------------------------ report
python3 - "$RESULTS" "$ROUNDS" "$DURATION" "$LOAD_QPS" <<'PY'
import statistics, sys
allrows = [l.split() for l in open(sys.argv[1])]
for client in sorted({r[7] for r in allrows}):
  rows = [r for r in allrows if r[7] == client]
  med = {}
  for case in ("uncached", "cached"):
    for system in ("hybridns", "hybridns-nocache", "dnsdist", "unbound"):
        rs = [r for r in rows if r[0] == case and r[1] == system]
        if not rs:
            continue
        med[case, system] = tuple(statistics.median(float(r[i]) for r in rs) for i in (3, 4, 5, 6))
  how = "dnsperf -c 2 -T 2 -q 100, closed loop" if client == "dnsperf" else f"hybridns load, open loop at {int(sys.argv[4]):,} qps offered"
  print(f"forwarder benchmark, client {how}: {sys.argv[2]} rounds of {sys.argv[3]} s, medians; server on core 0 with NSD, client on core 1")
  print()
  print("| case | system | qps (min-max) | loss % | avg latency ms | server CPU us/query (min-max) |")
  print("|---|---|---|---|---|---|")
  for (case, system), (q, l, u, lat) in med.items():
      label = {"hybridns": "hybridns (cache on)", "hybridns-nocache": "hybridns (cache off)",
               "dnsdist": "dnsdist (cache on)" if case == "cached" else "dnsdist (cache off)",
               "unbound": "unbound"}[system]
      rs = [r for r in rows if r[0] == case and r[1] == system]
      qs = [float(r[3]) for r in rs]
      us = [float(r[5]) for r in rs]
      print(f"| {case} | {label} | {q:,.0f} ({min(qs):,.0f}-{max(qs):,.0f}) | {l:.3f} | {lat:.2f} | {u:.2f} ({min(us):.2f}-{max(us):.2f}) |")
  print()
  def ratio(case, system):
      if (case, system) not in med or (case, "dnsdist") not in med:
          return
      h, d = med[case, system], med[case, "dnsdist"]
      qr, cr = [], []
      for r in sorted({row[2] for row in rows}, key=int):
          hs = [x for x in rows if x[0] == case and x[1] == system and x[2] == r]
          ds = [x for x in rows if x[0] == case and x[1] == "dnsdist" and x[2] == r]
          if hs and ds and float(ds[0][3]) and float(ds[0][5]):
              qr.append(float(hs[0][3]) / float(ds[0][3]))
              cr.append(float(hs[0][5]) / float(ds[0][5]))
      if not qr:
          return
      print(f"{case}, {system} / dnsdist: qps {statistics.median(qr):.2f}x, CPU per query "
            f"{statistics.median(cr):.2f}x (medians of per-round ratios; qps "
            + ", ".join(f"{x:.2f}" for x in qr) + "; CPU " + ", ".join(f"{x:.2f}" for x in cr) + ")")

  ratio("uncached", "hybridns-nocache")
  ratio("uncached", "hybridns")
  ratio("cached", "hybridns")
PY
