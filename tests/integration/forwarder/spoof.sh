#!/usr/bin/env bash
# Bad upstream behaviour, end to end: the first upstream answers SERVFAIL,
# with the wrong ID, with the wrong question, with malformed bytes, or too
# late; the forwarder drops what RFC 5452 says to drop (counted by cause),
# never lets the forged data reach a client or the cache, and gets the
# answer from the second upstream.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/forwarder/common.sh"

need_testns

PBAD=$(free_port)
PGOOD=$(free_port)
PF=$(free_port)

cat >"$TMP/bad.data" <<'DATA'
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR RD RA SERVFAIL
SECTION QUESTION
sf.lab.example. IN A
ENTRY_END

ENTRY_BEGIN
MATCH opcode qtype qname
REPLY QR RD RA NOERROR
SECTION QUESTION
noid.lab.example. IN A
SECTION ANSWER
noid.lab.example. 300 IN A 6.6.6.1
ENTRY_END

ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR RD RA NOERROR
SECTION QUESTION
malformed.lab.example. IN A
HEX_ANSWER_BEGIN
	c0 de 81 80 00 01 00 01 00 00 00 00 09 6d 61 6c
HEX_ANSWER_END
ENTRY_END

ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id sleep=2
REPLY QR RD RA NOERROR
SECTION QUESTION
slow.lab.example. IN A
SECTION ANSWER
slow.lab.example. 300 IN A 6.6.6.4
ENTRY_END

ENTRY_BEGIN
MATCH opcode
ADJUST copy_id
REPLY QR RD RA NOERROR
SECTION QUESTION
evil.lab.example. IN A
SECTION ANSWER
evil.lab.example. 300 IN A 6.6.6.2
ENTRY_END
DATA

for n in sf noid wrongq malformed slow; do
	testns_a "$n.lab.example" 192.0.2.77
done >"$TMP/good.data"

start_testns "$PBAD" "$TMP/bad.data" sf.lab.example status:SERVFAIL
start_testns "$PGOOD" "$TMP/good.data" sf.lab.example

write_scenario forwarder-spoof <<YAML
      forward:
        - zone: lab.example
          to: [127.0.0.1:$PBAD, 127.0.0.1:$PGOOD]
          policy: sequential
          timeout_ms: 400
          attempts: 2
      default: refuse
YAML

start_forwarder sf.lab.example

short() { dig +time=4 +tries=1 +short -p "$PF" @127.0.0.1 "$@"; }

# wait_dns above already asked sf once; ask each bad case through the forwarder.
for n in sf noid wrongq malformed slow; do
	got=$(short "$n.lab.example" A)
	[ "$got" = 192.0.2.77 ] || fail "$n.lab.example: got '$got', want the second upstream's 192.0.2.77"
done

[ "$(stats "d['upstreams'][0]['servfail_refused']")" -ge 1 ] || fail "SERVFAIL not counted"
[ "$(stats "d['drops']['reply_unknown_id']")" -ge 1 ] || fail "wrong ID not dropped"
[ "$(stats "d['drops']['reply_wrong_question']")" -ge 1 ] || fail "wrong question not dropped"

# The forged names never reached the cache: asked directly, nothing forged comes back.
sleep 2 # let the slow answer arrive (and be dropped: its query is over)
for n in noid wrongq malformed slow; do
	got=$(short "$n.lab.example" A)
	[ "$got" = 192.0.2.77 ] || fail "$n.lab.example after the fact: '$got'"
done

kill -0 "$FWD" || fail "forwarder died"
echo "ok"
