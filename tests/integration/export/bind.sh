#!/usr/bin/env bash
# A real BIND 9 under test: `hybridns export --to bind --mapped` is included
# into a named.conf (named -g on a free loopback port, in $TMP, its rndc
# control channel on another), checked by named-checkconf, and `hybridns
# check --onprem-resolver --onprem-flush 'rndc ... flushname {name}'` runs
# the shared-services expectations through it, then without the flush to see
# a cached answer caught.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/export/common.sh"

command -v named >/dev/null || fail "named is not installed (package bind9, scripts/packages.txt)"
command -v rndc >/dev/null || fail "rndc is not installed (package bind9, scripts/packages.txt)"

EMU_PORT=$(free_port)
NS_PORT=$(free_port)
RNDC_PORT=$(free_port)
mkdir -p "$TMP/ss"
extend_scenario "$SRCDIR/scenarios/shared-services.yaml" "$TMP/ss/scenario.yaml"
"$HYBRIDNS" export "$TMP/ss/scenario.yaml" --to bind --mapped --port "$EMU_PORT" -o "$TMP/ss/fwd.conf" ||
	fail "export --to bind --mapped failed"
grep -q "127.53.6.[0-9]* port $EMU_PORT;" "$TMP/ss/fwd.conf" || fail "no relay address in the mapped export"
[ -f "$TMP/ss/db.corp.example.com" ] || fail "no zone file next to -o"
# rndc over loopback only, with a key made for this run.
SECRET=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
cat >"$TMP/ss/rndc.key" <<CONF
key "hns-test" { algorithm hmac-sha256; secret "$SECRET"; };
CONF
cat >"$TMP/ss/rndc.conf" <<CONF
include "$TMP/ss/rndc.key";
options { default-key "hns-test"; default-server 127.0.0.1; default-port $RNDC_PORT; };
CONF
cat >"$TMP/ss/named.conf" <<CONF
include "$TMP/ss/rndc.key";
options {
	directory "$TMP/ss";
	pid-file "$TMP/ss/named.pid";
	session-keyfile "$TMP/ss/session.key";
	managed-keys-directory "$TMP/ss";
	listen-on port $NS_PORT { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion yes;
	allow-query { 127.0.0.0/8; };  # the relays send from 127.53.x.x
	allow-recursion { 127.0.0.0/8; };
	dnssec-validation no;
};
controls { inet 127.0.0.1 port $RNDC_PORT allow { 127.0.0.1; } keys { "hns-test"; }; };
include "$TMP/ss/fwd.conf";
CONF
named-checkconf -z "$TMP/ss/named.conf" >/dev/null || fail "named-checkconf rejects the export"
named -g -4 -c "$TMP/ss/named.conf" >"$TMP/ss/named.log" 2>&1 &
PIDS+=($!)
# Ready means the real answer: a query that arrives while named still loads
# its zones is recursed (SERVFAIL, and named keeps that SERVFAIL for 1 s).
got=
for _ in $(seq 1 100); do # at most ~20 s
	got=$(dig +time=1 +tries=1 +short -p "$NS_PORT" @127.0.0.1 app.corp.example.com A 2>/dev/null || true)
	[ "$got" = 192.168.20.15 ] && break
	sleep 0.2
done
[ "$got" = 192.168.20.15 ] ||
	fail "named does not serve the exported local zone (got '$got'): $(tail -5 "$TMP/ss/named.log")"

rndc -c "$TMP/ss/rndc.conf" status >/dev/null || fail "rndc cannot reach named: $(tail -5 "$TMP/ss/named.log")"

check_through "$TMP/ss/scenario.yaml" "$NS_PORT" "$EMU_PORT" BIND "$TMP/ss" \
	"rndc -c $TMP/ss/rndc.conf flushname {name}"
echo "ok"
