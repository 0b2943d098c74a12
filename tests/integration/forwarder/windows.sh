#!/usr/bin/env bash
# `profile: windows` gives an on-prem resolver Windows Server's forwarding
# timing (rule R18): sequential, 3 s per forwarder, given up at 8 s.  The
# upstream here is a VPC's +2 address, which never answers on-prem (R8), so
# every try times out and the trace shows the whole schedule.
. "$SRCDIR/tests/integration/lib.sh"

S="$TMP/windows.yaml"
cat >"$S" <<'YAML'
scenario: windows-profile
region: eu-west-1
vpcs:
  hub:
    cidr: 10.0.0.0/16
    subnets:
      a: {az: eu-west-1a, cidr: 10.0.1.0/24}
onprem:
  resolvers:
    dc1-dns:
      address: 192.168.10.53
      profile: windows
      forward:
        - zone: example.internal
          to: [10.0.0.2]
          timeout_ms: 500
vpn:
  vpcs: [hub]
  tunnels:
    tunnel1: {latency_ms: 1}
YAML

"$HYBRIDNS" lint --fail-on none "$S" | grep -q "profile windows" || fail "lint does not show the profile"
set +e
out=$("$HYBRIDNS" trace "$S" www.example.internal)
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "trace exited $rc:
$out"
echo "$out" | grep -q "try 3 of 3" || fail "Windows timing makes three tries:
$out"
[ "$(echo "$out" | grep -c "within 3000 ms")" -ge 2 ] || fail "each try waits 3 s, not the item's 500 ms:
$out"
echo "$out" | grep -q "within 500 ms" && fail "the item's own timeout_ms must give way to the profile"
echo "$out" | tail -1 | grep -q "client got SERVFAIL" || fail "expected SERVFAIL at the end:
$out"
echo "windows: ok"
