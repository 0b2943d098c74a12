#!/usr/bin/env bash
# bench/huge.sh -- how `hybridns lint` scales with the size of a scenario.
#
# Usage: bench/huge.sh [--sizes "100000 400000 800000 1700000"] [--build DIR]
#                      [--binary FILE] [--syscalls]
#
# For each size N it writes a scenario with one private hosted zone of N
# A records (`h<i> 300 A 10.x.y.z`, about 32 bytes a line), runs
# `hybridns lint` on it once and prints one line: records, file size, wall,
# user and system seconds, peak RSS and lint's exit status.  --syscalls
# runs each size a second time under `strace -c -f` and adds the number of
# brk calls (the heap growing and shrinking; it was 3 per record before the
# loader kept its heap through zone texts).  Sizes beyond the scenario
# limits (docs/scenario.md, "Limits") print lint's error and exit status 2.
# Without --binary/--build it builds a release tree in build-bench.  One
# run per size: the numbers are for orders of magnitude, not for ratios;
# nothing here is a test.  The files live in a temporary directory removed
# on exit.
set -euo pipefail

SIZES="100000 400000 800000 1700000"
HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=""
BINARY=""
SYSCALLS=0
while [ $# -gt 0 ]; do
	case "$1" in
	--sizes) SIZES=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--binary) BINARY=$2; shift 2 ;;
	--syscalls) SYSCALLS=1; shift ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "huge.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

need=()
[ -x /usr/bin/time ] || need+=(time)
[ "$SYSCALLS" = 0 ] || command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2
fi
if [ -z "$BINARY" ]; then
	if [ -z "$BUILD" ]; then
		BUILD="$HERE/build-bench"
		[ -d "$BUILD" ] || meson setup "$BUILD" "$HERE" -Dbuildtype=release >/dev/null
	fi
	ninja -C "$BUILD" harness/hybridns >/dev/null
	BINARY="$BUILD/harness/hybridns"
fi

TMP=$(mktemp -d /tmp/hns-huge.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# One zone of $1 A records in a literal block.
scenario_write() {
	awk -v n="$1" 'BEGIN {
		print "scenario: huge"
		print "region: eu-west-1"
		print "vpcs:"
		print "  shared:"
		print "    cidr: 10.0.0.0/16"
		print "    subnets:"
		print "      private-a: {az: eu-west-1a, cidr: 10.0.1.0/24}"
		print "hosted_zones:"
		print "  corp.example.com:"
		print "    vpcs: [shared]"
		print "    records: |"
		for (i = 0; i < n; i++)
			printf "      h%d 300 A 10.%d.%d.%d\n", i, int(i / 65536) % 256,
			       int(i / 256) % 256, i % 256
	}'
}

echo "# $BINARY, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%10s %9s %8s %8s %8s %9s %6s%s\n' records MB wall_s user_s sys_s peak_MB exit \
	"$([ "$SYSCALLS" = 0 ] || echo '     brk')"
for n in $SIZES; do
	f="$TMP/huge-$n.yaml"
	scenario_write "$n" >"$f"
	rc=0
	/usr/bin/time -o "$TMP/time" -f '%e %U %S %M' "$BINARY" lint "$f" \
		>/dev/null 2>"$TMP/err" || rc=$?
	read -r wall user sys rss <"$TMP/time"
	brk=""
	if [ "$SYSCALLS" = 1 ]; then
		strace -c -f -o "$TMP/strace" "$BINARY" lint "$f" >/dev/null 2>&1 || true
		brk=$(awk '$NF == "brk" { print $4 }' "$TMP/strace")
		brk=$(printf ' %8s' "${brk:-0}")
	fi
	awk -v n="$n" -v b="$(stat -c %s "$f")" -v w="$wall" -v u="$user" -v s="$sys" \
		-v r="$rss" -v rc="$rc" -v brk="$brk" \
		'BEGIN { printf "%10s %9.1f %8s %8s %8s %9.1f %6s%s\n", n, b / 1048576, w, u, s,
			 r / 1024, rc, brk }'
	[ "$rc" = 0 ] || sed -n '1p' "$TMP/err" | sed 's/^/#   /'
	rm -f "$f"
done
