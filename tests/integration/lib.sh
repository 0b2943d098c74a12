# Helpers for integration tests (sourced).  Every test runs on loopback
# only, with ports reserved for the test (free_port), and stops everything
# it started.
set -euo pipefail

: "${HYBRIDNS:?HYBRIDNS must point at the hybridns binary}"
: "${SRCDIR:?}"
TMP=$(mktemp -d)
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
	release_ports
}
trap cleanup EXIT
# meson's timeout sends SIGTERM: run the cleanup then too.
trap 'exit 143' TERM INT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Ports for the servers a test starts.  Picking a "free" port and releasing
# it before the server binds is a race: any outgoing socket may be handed it
# meanwhile, and tests of other runs on the same machine pick too.  So a port
# comes from 10000-19999, below Linux's ephemeral range (32768-60999, never
# handed to outgoing sockets) and below the range hybridns's own worlds take
# (20000-32767), and is reserved machine-wide for the life of this test:
# a directory in $PORT_DIR that names the owning shell, removed at exit, and
# taken over only when that shell is gone.  A port something listens on
# (any address, TCP or UDP) is passed over.
PORT_DIR=${HYBRIDNS_PORT_DIR:-/tmp/hybridns-test-ports}
PORT_LO=10000
PORT_SPAN=10000

port_taken() {
	[ -n "$(ss -Hlntu "sport = :$1" 2>/dev/null)" ]
}

# port_reserve PORT: 0 when this test now owns PORT.
port_reserve() {
	local d="$PORT_DIR/$1" owner
	if ! mkdir "$d" 2>/dev/null; then
		owner=$(cat "$d/owner" 2>/dev/null || true)
		# a reservation whose shell is gone (killed before its cleanup) is free
		[ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null || return 1
		rm -rf "$d"
		mkdir "$d" 2>/dev/null || return 1
	fi
	echo "$$" >"$d/owner"
	return 0
}

# A port for a test server: reserved for this test, nothing listening on it.
free_port() {
	local p
	mkdir -p "$PORT_DIR"
	chmod 1777 "$PORT_DIR" 2>/dev/null || true
	for _ in $(seq 1 500); do
		p=$((PORT_LO + (RANDOM * 32768 + RANDOM) % PORT_SPAN))
		port_reserve "$p" || continue
		if port_taken "$p"; then
			rm -rf "${PORT_DIR:?}/$p"
			continue
		fi
		echo "$p"
		return 0
	done
	fail "no free port in $PORT_LO-$((PORT_LO + PORT_SPAN - 1)) after 500 tries"
}

# The reservations this shell owns (free_port runs in $(...), so it cannot
# record them in a variable of ours: they are found by owner).
release_ports() {
	local d
	for d in "$PORT_DIR"/*/; do
		[ "$(cat "$d/owner" 2>/dev/null)" = "$$" ] && rm -rf "$d"
	done
	return 0
}

# wait_dns ADDR PORT NAME [EXPECTED]: wait (at most ~30 s, for a busy machine) until the server
# answers NAME as expected: EXPECTED is the data of an answer record
# (192.168.20.15), or status:RCODE for a server whose answer is an error
# (status:SERVFAIL); without it, NOERROR.  Any other reply (REFUSED or
# SERVFAIL from a server still loading, something else on the port) is not
# readiness.
wait_dns() {
	local out want_status=NOERROR want_data=""
	case "${4:-}" in
	status:*) want_status=${4#status:} ;;
	?*) want_data=$4 ;;
	esac
	for _ in $(seq 1 200); do
		out=$(dig +time=1 +tries=1 +noall +comments +answer -p "$2" "@$1" "$3" 2>/dev/null || true)
		if grep -q "status: $want_status," <<<"$out"; then
			if [ -z "$want_data" ] || awk '!/^;/ && NF >= 5 { print $NF }' <<<"$out" | grep -qxF "$want_data"; then
				return 0
			fi
		fi
		sleep 0.1
	done
	fail "no ready DNS answer from $1:$2 for $3 (expected ${4:-NOERROR}): last reply: $(grep -m1 'status:' <<<"$out" || echo none)"
}

# run_rc VAR CMD...: run CMD with stdout/stderr to $TMP/out and $TMP/err, status into VAR.
run_rc() {
	local __var=$1
	shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	printf -v "$__var" '%d' $?
	set -e
}

# refused_by_serve_and_load SCENARIO BAD...: each BAD ("--option value")
# makes `serve` and `load` exit 2, serve with a message naming the option
# and the value.
refused_by_serve_and_load() {
	local scen=$1 bad rc
	shift
	for bad in "$@"; do
		# shellcheck disable=SC2086 # bad: an option and its value
		run_rc rc "$HYBRIDNS" serve "$scen" $bad
		[ "$rc" = 2 ] || fail "serve $bad: exit $rc, want 2"
		grep -q -- "${bad%% *}: .*'${bad#* }'" "$TMP/err" ||
			fail "serve $bad: no message naming it: $(cat "$TMP/err")"
		# shellcheck disable=SC2086
		run_rc rc "$HYBRIDNS" load "$scen" $bad
		[ "$rc" = 2 ] || fail "load $bad: exit $rc, want 2"
	done
}
