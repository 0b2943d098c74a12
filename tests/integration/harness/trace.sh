#!/usr/bin/env bash
# hybridns trace explains a query hop by hop.
. "$SRCDIR/tests/integration/lib.sh"
S="$SRCDIR/scenarios/shared-services.yaml"

out=$("$HYBRIDNS" trace "$S" abcd1234.execute-api.eu-west-1.amazonaws.com) || fail "trace exited $?"
for hop in client onprem:dc1-dns vpn:tunnel1 inbound:inbound vpc:shared-services \
	zone:execute-api.eu-west-1.amazonaws.com; do
	echo "$out" | grep -q " $hop " || fail "trace lacks hop $hop:
$out"
done
echo "$out" | tail -1 | grep -q "client got NOERROR, 2 answers: 10.0.1.25 (ttl 60), 10.0.2.25 (ttl 60)" ||
	fail "trace's last line: $(echo "$out" | tail -1)"

# From a consumer VPC, an on-prem name goes out through the rule and the outbound endpoint.
out=$("$HYBRIDNS" trace "$S" app.corp.example.com A --from vpc:consumer-1) || fail "trace exited $?"
for hop in vpc:consumer-1 rule:corp outbound:outbound onprem:dc1-dns; do
	echo "$out" | grep -q " $hop " || fail "trace lacks hop $hop:
$out"
done

# The time column never goes back, the client's last line included.
times_grow() {	# the trace text on stdin
	awk '$2 == "ms" { if ($1 + 0 < last) { print "time " $1 " after " last; bad = 1 } last = $1 + 0 }
	     END { exit bad }'
}
echo "$out" | times_grow || fail "trace times go back:
$out"

# --given: the same faults as an expectation's given.down; the failover path is shown.
F="$SRCDIR/scenarios/az-failover.yaml"
out=$("$HYBRIDNS" trace "$F" ssm.eu-west-1.amazonaws.com --given inbound@core-a,tunnel1) ||
	fail "trace --given exited $?"
echo "$out" | head -1 | grep -qx "given down: inbound@core-a, tunnel1" || fail "given line: $out"
echo "$out" | grep -q " vpn:tunnel2 " || fail "tunnel1 down, yet no hop over tunnel2:
$out"
echo "$out" | grep -q " vpn:tunnel1 " && fail "tunnel1 is down, yet a hop over it:
$out"
echo "$out" | grep -q "inbound ENI inbound/core-b" || fail "the AZ b ENI did not answer:
$out"
echo "$out" | tail -1 | grep -q "client got NOERROR, 3 answers" || fail "last line: $(echo "$out" | tail -1)"
echo "$out" | times_grow || fail "trace --given times go back:
$out"
# One count, one noun.
echo "$out" | grep -qE '(^| )1 (answers|records|attempts)\b' && fail "a count of 1 with a plural noun:
$out"

set +e
"$HYBRIDNS" trace "$F" x.example.com --given nosuch >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] || fail "unknown --given must exit 2"
grep -q "^hybridns trace: --given: no tunnel or resolver endpoint named 'nosuch'" "$TMP/e" || fail "message: $(cat "$TMP/e")"
"$HYBRIDNS" trace "$F" x.example.com --given inbound@nowhere >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] || fail "bad ENI must exit 2"
grep -q "resolver endpoint inbound has no IP in a subnet named 'nowhere'" "$TMP/e" || fail "message: $(cat "$TMP/e")"
"$HYBRIDNS" trace "$F" x.example.com --given , >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] || fail "empty --given must exit 2"
"$HYBRIDNS" trace "$S" x.example.com --from vpc:nosuch >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] || fail "unknown --from must exit 2"
grep -q "no such VPC" "$TMP/e" || fail "message: $(cat "$TMP/e")"
"$HYBRIDNS" trace "$S" x.example.com NOTATYPE >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad type must exit 2"
set -e
set -e

# check of rcode: timeout: passes when nothing answers (fast: the budget is
# max_ms), fails when an answer comes.
cat >"$TMP/t.yaml" <<'YAML'
scenario: timeout-check
region: eu-west-1
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      a: {az: eu-west-1a, cidr: 10.0.1.0/24}
onprem:
  resolvers:
    dc1-dns:
      address: 192.168.10.53
      zones:
        corp.example.com: |
          app 300 A 192.168.20.15
      default: refuse
expect:
  - name: the resolver is down
    given: {down: [onprem:dc1-dns]}
    query: app.corp.example.com A
    rcode: timeout
  - name: the resolver answers
    query: app.corp.example.com A
    rcode: timeout
    max_ms: 3000
YAML
set +e
"$HYBRIDNS" check "$TMP/t.yaml" >"$TMP/c" 2>&1; rc=$?
set -e
[ "$rc" -eq 1 ] || fail "check of a timeout expectation that gets an answer must exit 1, got $rc: $(cat "$TMP/c")"
grep -q "✓ the resolver is down" "$TMP/c" || fail "the down resolver's silence must pass: $(cat "$TMP/c")"
grep -q "expected no answer (rcode: timeout), got NOERROR (192.168.20.15)" "$TMP/c" ||
	fail "the answered one must fail saying so: $(cat "$TMP/c")"
grep -q "1 passed, 1 failed" "$TMP/c" || fail "summary: $(cat "$TMP/c")"
echo "trace: ok"
