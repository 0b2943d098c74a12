#!/usr/bin/env bash
# The forwarder end to end: `hybridns serve --only onprem --listen` against
# two ldns-testns upstreams with scripted answers.  Checks forwarding, the
# cache, a local zone, REFUSED by default, TC -> TCP retry, a TCP client,
# SERVFAIL when every upstream is silent, and failover when one dies.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/forwarder/common.sh"

need_testns

P1=$(free_port)
P2=$(free_port)
PDEAD=$(free_port)
PF=$(free_port)

{
	testns_a app.lab.example 192.0.2.10
	cat <<'DATA'
ENTRY_BEGIN
MATCH opcode qtype qname UDP
ADJUST copy_id
REPLY QR RD RA TC NOERROR
SECTION QUESTION
big.lab.example. IN A
ENTRY_END

ENTRY_BEGIN
MATCH opcode qtype qname TCP
ADJUST copy_id
REPLY QR RD RA NOERROR
SECTION QUESTION
big.lab.example. IN A
SECTION ANSWER
big.lab.example. 300 IN A 192.0.2.20
ENTRY_END

ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR RD RA NXDOMAIN
SECTION QUESTION
nope.lab.example. IN A
SECTION AUTHORITY
lab.example. 600 IN SOA ns.lab.example. h.lab.example. 1 7200 900 1209600 60
ENTRY_END
DATA
} >"$TMP/u1.data"

{
	testns_a app.lab.example 192.0.2.11
	testns_a alt.lab.example 192.0.2.12
} >"$TMP/u2.data"

start_testns "$P1" "$TMP/u1.data" app.lab.example
U1=$TESTNS_PID
start_testns "$P2" "$TMP/u2.data" app.lab.example

write_scenario forwarder-integration <<YAML
      forward:
        - zone: dead.example
          to: [127.0.0.1:$PDEAD]
          timeout_ms: 200
          attempts: 2
        - zone: lab.example
          to: [127.0.0.1:$P1, 127.0.0.1:$P2]
          policy: sequential
          timeout_ms: 300
          attempts: 2
      zones:
        corp.example.com: |
          app  300 A 192.168.20.15
      default: refuse
YAML

start_forwarder app.corp.example.com
if [ -n "${FWD_CHECK_RING:-}" ]; then
	[ "$(stats "d['io_uring_workers']")" = 1 ] || fail "the worker is not on io_uring: $(cat "$TMP/serve.log")"
	echo "ok: on io_uring"
fi

q() { dig +time=3 +tries=1 -p "$PF" @127.0.0.1 "$@"; }
short() { q +short "$@"; }
status() { q "$@" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }

# Forwarding, sequential: the first upstream answers.
[ "$(short app.lab.example A)" = 192.0.2.10 ] || fail "app.lab.example via the first upstream"
# The second time comes from the cache.
[ "$(short app.lab.example A)" = 192.0.2.10 ] || fail "app.lab.example again"
[ "$(stats "d['cache']['hits']")" -ge 1 ] || fail "no cache hit counted"
# Negative answers come back with their SOA.
q nope.lab.example A | grep -q "status: NXDOMAIN" || fail "NXDOMAIN not forwarded"
q nope.lab.example A | grep -q "SOA" || fail "no SOA in the negative answer"

# Local zone, and REFUSED for names no rule covers.
[ "$(short app.corp.example.com A)" = 192.168.20.15 ] || fail "local zone answer"
[ "$(status nx.corp.example.com A)" = NXDOMAIN ] || fail "local NXDOMAIN"
q nx.corp.example.com A | grep -q "SOA" || fail "no SOA in the local negative answer"
[ "$(status www.elsewhere.test A)" = REFUSED ] || fail "default refuse"

# TC from the upstream: retried over TCP.
[ "$(short big.lab.example A)" = 192.0.2.20 ] || fail "TC answer not retried over TCP"
[ "$(stats "sum(u['tcp_retries'] for u in d['upstreams'])")" -ge 1 ] || fail "no TCP retry counted"

# A TCP client, two queries on one connection.
[ "$(short +tcp app.corp.example.com A)" = 192.168.20.15 ] || fail "TCP client, local zone"
out=$(kdig +tcp +keepopen +short -p "$PF" @127.0.0.1 app.lab.example A app.corp.example.com A 2>/dev/null || true)
echo "$out" | grep -q 192.0.2.10 || fail "TCP pipelined query 1: $out"
echo "$out" | grep -q 192.168.20.15 || fail "TCP pipelined query 2: $out"

# Nothing answers: SERVFAIL after the attempts.
[ "$(status dead.example A)" = SERVFAIL ] || fail "all upstreams silent should give SERVFAIL"

# The first upstream dies: the second answers (after the first try times out).
kill "$U1"
wait "$U1" 2>/dev/null || true
[ "$(short alt.lab.example A)" = 192.0.2.12 ] || fail "failover to the second upstream"
[ "$(stats "d['upstreams'][1]['answers'] if d['upstreams'][1]['real'].endswith(':$P2') else d['upstreams'][2]['answers']")" -ge 1 ] \
	|| fail "second upstream answered nothing"

# The process is alive and stops cleanly.
kill -0 "$FWD" || fail "forwarder died"
kill "$FWD"
wait "$FWD" || fail "forwarder exit status $?"
echo "ok"
