#!/usr/bin/env bash
# --sched-slice: the forwarder's worker thread runs with the scheduler slice
# asked for (the kernel's own report, /proc/PID/task/TID/sched), the
# default is 100 us, `off` leaves the kernel's; bad values exit 2 from serve
# and load.  On a kernel without custom slices (before Linux 6.12) the
# thread keeps the kernel's slice whatever is asked.
source "$SRCDIR/tests/integration/lib.sh"
source "$SRCDIR/tests/integration/forwarder/common.sh"

PF=$(free_port)
printf '      default: refuse\n' | write_scenario slice

read -r maj min < <(uname -r | awk -F. '{ print $1, $2 }')
if [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 12 ]; }; then slices=1; else slices=0; fi

# slice_of PID NAME: the se.slice (ns) of PID's thread called NAME
slice_of() {
	local t
	for t in /proc/"$1"/task/*; do
		if [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ]; then
			awk '$1 == "se.slice" { print $NF }' "$t/sched"
			return 0
		fi
	done
	fail "no thread $2 in process $1"
}

# serve_slice WANT_NS [OPTION...]: serve, wait for an answer, compare the worker's slice
serve_slice() {
	local want=$1 got main
	shift
	"$HYBRIDNS" serve "$TMP/s.yaml" --only onprem --listen "127.0.0.1:$PF" --workers 1 "$@" \
		>"$TMP/serve.log" 2>&1 &
	FWD=$!
	PIDS+=("$FWD")
	wait_dns 127.0.0.1 "$PF" any.example status:REFUSED
	got=$(slice_of "$FWD" hns-forwarder)
	main=$(slice_of "$FWD" hybridns)
	kill "$FWD"
	wait "$FWD" 2>/dev/null || true
	if [ "$want" = kernel ]; then
		# the main thread never asks: its slice is the kernel's
		[ "$got" = "$main" ] || fail "serve $*: worker slice $got ns, the kernel's is $main"
	else
		[ "$got" = "$want" ] || fail "serve $*: worker slice $got ns, want $want"
	fi
	echo "ok: serve $* -> worker slice $got ns"
}

if [ $slices = 1 ]; then
	serve_slice 100000
	serve_slice 300000 --sched-slice 300
	serve_slice kernel --sched-slice off
else
	serve_slice kernel
	serve_slice kernel --sched-slice 300
fi

refused_by_serve_and_load "$TMP/s.yaml" "--sched-slice 99" "--sched-slice 100001" "--sched-slice 1ms" \
	"--sched-slice -5"
echo "ok: bad --sched-slice values refused by serve and load"
