#!/usr/bin/env bash
# bench/lint.sh -- how long `hybridns lint` takes on a big scenario.
#
# Usage: bench/lint.sh [--rounds N] [--build DIR]
#
# Generates a scenario with 200 VPCs (two subnets each, peered in a chain),
# 50 private hosted zones of 200 records each (10,000 records, each zone
# associated with 20 VPCs), an inbound and an outbound endpoint, 20
# forwarding rules, one on-prem resolver forwarding every zone to the
# inbound endpoint, 200 expectations and a load profile, then times
# `hybridns lint --no-summary` (load, validation and every rule) N times
# (default 5) and prints each run and the medians, wall and CPU (user +
# sys) seconds.  The target is under 0.5 s.  No network: nothing is started but hybridns itself.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_args 14 "$@"
if [ -z "$BUILD" ]; then
	BUILD="$HERE/build-bench"
	[ -d "$BUILD" ] || meson setup "$BUILD" "$HERE" -Dbuildtype=release >/dev/null
	ninja -C "$BUILD" harness/hybridns >/dev/null
fi
HYBRIDNS="$BUILD/harness/hybridns"
TMP=$(mktemp -d /tmp/hns-lbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

python3 - "$TMP/big.yaml" <<'PY'
import sys
out = []
w = out.append
w("scenario: lint-bench\nregion: eu-west-1\nvpcs:")
for v in range(200):
    w("  v%d:\n    cidr: 10.%d.0.0/16\n    subnets:" % (v, v))
    w("      a: {az: eu-west-1a, cidr: 10.%d.1.0/24}" % v)
    w("      b: {az: eu-west-1b, cidr: 10.%d.2.0/24}" % v)
w("peerings:")
for v in range(199):
    w("  - [v%d, v%d]" % (v, v + 1))
w("hosted_zones:")
for z in range(50):
    vpcs = ", ".join(["v0"] + ["v%d" % (1 + (z * 4 + k) % 199) for k in range(19)])
    w("  z%d.corp.internal:\n    vpcs: [%s]\n    records: |" % (z, vpcs))
    for r in range(200):
        w("      h%d  A  10.%d.1.%d" % (r, z, 10 + r % 200))
w("resolver:\n  endpoints:")
w("    inbound:\n      direction: inbound\n      vpc: v0\n      ips: {a: 10.0.1.10, b: 10.0.2.10}")
w("    outbound:\n      direction: outbound\n      vpc: v0\n      ips: {a: 10.0.1.11, b: 10.0.2.11}")
w("  rules:")
for r in range(20):
    vpcs = ", ".join("v%d" % ((r * 10 + k) % 200) for k in range(10))
    w("    r%d:\n      domain: site%d.example\n      type: forward\n      endpoint: outbound" % (r, r))
    w("      targets: [192.168.10.53, 192.168.10.54]\n      vpcs: [%s]" % vpcs)
w("onprem:\n  cidr: 192.168.0.0/16\n  resolvers:")
for name, ip in (("dc1", "192.168.10.53"), ("dc2", "192.168.10.54")):
    w("    %s:\n      address: %s\n      forward:" % (name, ip))
    for z in range(50):
        w("        - zone: z%d.corp.internal\n          to: [10.0.1.10, 10.0.2.10]" % z)
    w("      zones:\n        " + "\n        ".join("site%d.example: |\n          www  A  192.168.20.%d" % (s, s + 1) for s in range(20)))
w("vpn:\n  vpcs: [v0]\n  tunnels:\n    tunnel1: {latency_ms: 12}\n    tunnel2: {latency_ms: 14, state: standby}")
w("expect:")
for x in range(200):
    z = x % 50
    w("  - name: e%d\n    from: vpc:v%d\n    query: h%d.z%d.corp.internal A\n    answer: private" % (x, 1 + (z * 4 + x % 19) % 199, x % 200, z))
w("load:\n  steady:\n    from: onprem\n    qps: 5000\n    duration: 10s\n    mix:")
for z in range(10):
    w("      - {query: \"h1.z%d.corp.internal A\", weight: 1}" % z)
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY

records=$(grep -c '^      h[0-9]*  A' "$TMP/big.yaml")
echo "scenario: 200 VPCs, $records records, $(wc -l <"$TMP/big.yaml") lines"
"$HYBRIDNS" lint --no-summary --fail-on none "$TMP/big.yaml" | head -1
# Wall time moves with the machine's load; user+sys CPU time is what lint costs.
TIMEFORMAT='%R %U %S'
: >"$TMP/times"
for i in $(seq "$ROUNDS"); do
	{ time "$HYBRIDNS" lint --no-summary --fail-on none "$TMP/big.yaml" >/dev/null; } 2>>"$TMP/times"
	awk -v i="$i" 'END {printf "run %d: %.3f s wall, %.3f s cpu\n", i, $1, $2 + $3}' "$TMP/times"
done
median() { sort -n | awk '{v[NR] = $1} END {printf "%.3f", v[int((NR + 1) / 2)]}'; }
wall=$(awk '{print $1}' "$TMP/times" | median)
cpu=$(awk '{print $2 + $3}' "$TMP/times" | median)
echo "median: $wall s wall, $cpu s cpu (target < 0.5 s)"
