#!/usr/bin/env bash
# scripts/compare-outputs.sh OLD_BINARY NEW_BINARY [SCENARIO...]
#
# The "behaviour unchanged" check for refactors: runs both binaries over
# every shipped scenario (default: scenarios/*.yaml and tests/scenarios/*.yaml)
# with the same seed and compares what each command writes -- check's JSON,
# lint's JSON and SARIF, graph's DOT and every export -- after taking out
# what differs from run to run by nature (latencies, hop times, the world's
# random loopback ports).  Prints one line per difference and
# "N outputs compared, N differ"; exits 1 when any differs.
set -u
old=${1:?usage: compare-outputs.sh OLD_BINARY NEW_BINARY [SCENARIO...]}
new=${2:?usage: compare-outputs.sh OLD_BINARY NEW_BINARY [SCENARIO...]}
shift 2
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- scenarios/*.yaml tests/scenarios/*.yaml; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

normalise() {	# drop run-to-run noise from one output file, in place
	python3 - "$1" <<'PY'
import json, re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8", errors="replace").read()
def noise(t):
    t = re.sub(r"(127\.\d+\.\d+\.\d+|\[::1\]):\d+", r"\1:PORT", t)
    return re.sub(r"\d+(\.\d+)? ms\b", "N ms", t)
def scrub(o):
    if isinstance(o, dict):
        return {k: scrub(v) for k, v in o.items()
                if k not in ("t_ms", "latency_ms", "elapsed_ms", "duration_ms")}
    if isinstance(o, list):
        return [scrub(v) for v in o]
    if isinstance(o, str):
        return noise(o)
    return o
try:
    s = json.dumps(scrub(json.loads(s)), indent=1, sort_keys=True)
except ValueError:
    s = noise(s)
open(p, "w", encoding="utf-8").write(s)
PY
}

n=0; bad=0
run_both() {	# label, then the command's arguments
	local label=$1; shift
	local a="$tmp/a" b="$tmp/b" ra rb
	"$old" "$@" >"$a" 2>"$a.err"; ra=$?
	"$new" "$@" >"$b" 2>"$b.err"; rb=$?
	normalise "$a"; normalise "$b"
	n=$((n + 1))
	if [ "$ra" != "$rb" ]; then
		echo "DIFF $label: exit $ra -> $rb"; bad=$((bad + 1))
	elif ! cmp -s "$a" "$b"; then
		echo "DIFF $label:"; diff "$a" "$b" | head -20; bad=$((bad + 1))
	fi
}

for s in "$@"; do
	case $s in */invalid/*) continue ;; esac
	run_both "check $s" check "$s" --format json --seed 1
	run_both "lint $s json" lint "$s" --format json
	run_both "lint $s sarif" lint "$s" --format sarif
	run_both "graph $s" graph "$s" --format dot
	for to in unbound bind dnsmasq coredns dnsdist windows; do
		run_both "export $s $to" export "$s" --to "$to"
	done
done
echo "$n outputs compared, $bad differ"
[ "$bad" -eq 0 ]
