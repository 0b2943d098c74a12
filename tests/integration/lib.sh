# Helpers for integration tests (sourced).  Every test runs on loopback
# only, with kernel-chosen free ports, and stops everything it started.
set -euo pipefail

: "${HYBRIDNS:?HYBRIDNS must point at the hybridns binary}"
: "${SRCDIR:?}"
TMP=$(mktemp -d)
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A free TCP+UDP port on 127.0.0.1 (asked of the kernel, not guessed).
free_port() {
	python3 - <<'PY'
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break
PY
}

# wait_dns ADDR PORT NAME: wait (at most ~5 s) until a server answers.
wait_dns() {
	for _ in $(seq 1 50); do
		if dig +time=1 +tries=1 +short -p "$2" "@$1" "$3" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	fail "no DNS answer from $1:$2 for $3"
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
