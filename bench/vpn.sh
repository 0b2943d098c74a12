#!/usr/bin/env bash
# bench/vpn.sh -- throughput and delivery accuracy of one VPN relay.
#
#   bench/vpn.sh [BUILDDIR]      (default: build)
#
# Runs the load tool built with the tests (tests/integration/vpn/vpn_load.c):
# one process, loopback only, one relay on its own thread (one core), a
# pacing sender thread and a sink that checks every arrival against
# send time + latency.  Each run is bounded (a few seconds).
#   1. accuracy: 50,000 pps through a 20 ms tunnel for 5 s;
#      target: arrivals within +-0.5 ms of their due time.
#   2. the same under SCHED_FIFO (--rt, needs root or CAP_SYS_NICE): the
#      relay's own accuracy when other work on the host cannot starve it.
#   3. throughput: as fast as one sender can for 3 s through a 1 ms
#      tunnel; reported as packets the relay forwarded per second of its
#      thread's CPU time (target >= 100,000 pps per core) and as
#      wall-clock rate; and 100,000 pps paced under SCHED_FIFO.
# Output: one JSON line per run (see docs/vpn.md for the fields).
set -euo pipefail

BUILDDIR=${1:-build}
LOAD="$BUILDDIR/tests/integration/vpn/vpn_load"
if [ ! -x "$LOAD" ]; then
	echo "bench/vpn.sh: $LOAD not built (ninja -C $BUILDDIR tests/integration/vpn/vpn_load)" >&2
	exit 2
fi
echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# accuracy without receive coalescing: 50000 pps, 20 ms latency, 5 s"
"$LOAD" --rate 50000 --seconds 5 --latency 20 2>/dev/null
echo "# accuracy with jitter: 50000 pps, 20 +- 2 ms, 5 s"
"$LOAD" --rate 50000 --seconds 5 --latency 20 --jitter 2 2>/dev/null
echo "# accuracy with receive coalescing (--coalesce 100, serve's default): 50000 pps, 20 ms latency, 5 s"
"$LOAD" --rate 50000 --seconds 5 --latency 20 --coalesce 100 2>/dev/null
echo "# the same at 10000 pps"
"$LOAD" --rate 10000 --seconds 5 --latency 20 --coalesce 100 2>/dev/null
echo "# accuracy under SCHED_FIFO: 50000 pps, 20 ms latency, 5 s"
"$LOAD" --rate 50000 --seconds 5 --latency 20 --rt 2>/dev/null
echo "# throughput: unpaced, 1 ms latency, 3 s"
"$LOAD" --rate 0 --seconds 3 --latency 1 2>/dev/null
echo "# throughput under SCHED_FIFO: 100000 pps paced, 20 ms latency, 3 s"
"$LOAD" --rate 100000 --seconds 3 --latency 20 --rt 2>/dev/null
