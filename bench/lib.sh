# bench/lib.sh -- what the dnsperf benchmarks share (sourced).
#
#   bench_args HELP_LINES "$@"     --rounds N, --duration S, --build DIR; -h prints the
#                                  script's header comment (lines 2..HELP_LINES)
#   bench_enter tool:package ...   outside the namespace: install the missing Debian
#                                  packages, build the hybridns binary (release, in
#                                  build-bench) unless --build gave one, and re-run the
#                                  script inside `unshare --net`; returns only inside
#   bench_inner PREFIX             inside: loopback up, $TMP, $PIDS stopped on exit
set -euo pipefail

ROUNDS=5
DURATION=10
HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=""

bench_args() {
	local help=$1
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--rounds) ROUNDS=$2; shift 2 ;;
		--duration) DURATION=$2; shift 2 ;;
		--build) BUILD=$2; shift 2 ;;
		-h|--help) sed -n "2,${help}p" "$0"; exit 0 ;;
		*) echo "$(basename "$0"): unknown argument $1" >&2; exit 2 ;;
		esac
	done
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
	exec unshare --net "$0" --rounds "$ROUNDS" --duration "$DURATION" --build "$BUILD"
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
