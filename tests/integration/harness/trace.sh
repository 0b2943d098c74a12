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

set +e
"$HYBRIDNS" trace "$S" x.example.com --from vpc:nosuch >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] || fail "unknown --from must exit 2"
grep -q "no such VPC" "$TMP/e" || fail "message: $(cat "$TMP/e")"
"$HYBRIDNS" trace "$S" x.example.com NOTATYPE >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad type must exit 2"
set -e
echo "trace: ok"
