#!/usr/bin/env bash
# Bad input exits 2 with its location (FILE:LINE:COL, or FILE: $.path for
# JSON shapes) and what was expected; never a crash or a silent success.
source "$SRCDIR/tests/integration/lib.sh"

expect_bad() { # PRODUCT FILE PATTERN
	run_rc rc "$HYBRIDNS" import "$1" "$2"
	[ "$rc" = 2 ] || fail "import $1 $(basename "$2"): exit $rc, expected 2 ($(cat "$TMP/err"))"
	grep -Eq -- "$3" "$TMP/err" || fail "import $1 $(basename "$2"): '$(cat "$TMP/err")' lacks /$3/"
	[ ! -s "$TMP/out" ] || fail "import $1 $(basename "$2"): wrote output on bad input"
}

printf 'options {\n\tforwarders { 9.9.9.9; }\n\tforward only;\n};\n' >"$TMP/named.conf"
expect_bad bind "$TMP/named.conf" "named.conf:3:2: unexpected 'forward' \(expected ';' after '}'\)"
printf 'zone "x.example" {\n\ttype forward;\n\tforwarders { 10.0.0.1; };\n' >"$TMP/open.conf"
expect_bad bind "$TMP/open.conf" "open.conf:4:1: unexpected end of file \(expected '}' closing the block\)"
printf 'zone "x.example" { type forward; forwarders { 10.0.0.300; }; };\n' >"$TMP/addr.conf"
expect_bad bind "$TMP/addr.conf" "addr.conf:1:47: not an IP address \(expected ip \[port N\];\)"
printf 'include "missing.conf";\n' >"$TMP/inc.conf"
expect_bad bind "$TMP/inc.conf" "inc.conf:1:9: cannot read .*missing.conf"
printf 'zone "corp.example" { type primary; file "db.bad"; };\n' >"$TMP/zf.conf"
printf '@ 3600 IN SOA ns1 host 1 2 3 4 5\nwww IN A 10.0.0.999\n' >"$TMP/db.bad"
expect_bad bind "$TMP/zf.conf" "db.bad:2:1: .*expected a master-file record of zone corp.example"

printf 'forward-zone:\n\tforward-addr: 10.0.0.1\nserver:\n' >"$TMP/noname.conf"
expect_bad unbound "$TMP/noname.conf" "noname.conf:1:1: a forward-zone clause without name: \(expected name: \"zone.\"\)"
printf '\tforward-addr: 10.0.0.1\n' >"$TMP/noclause.conf"
expect_bad unbound "$TMP/noclause.conf" "noclause.conf:1:2: an attribute outside any clause"
printf 'server:\n\tlocal-data: "app.corp. IN A 10.0.0.1\n' >"$TMP/quote.conf"
expect_bad unbound "$TMP/quote.conf" "quote.conf:2:14: an unterminated string"

printf 'no-resolv\nserver=/corp.example.com/10.0.1.300\n' >"$TMP/dnsmasq.conf"
expect_bad dnsmasq "$TMP/dnsmasq.conf" "dnsmasq.conf:2:[0-9]+: not an address \(expected server=/domain/ip\[#port\]\)"
printf 'host-record=app.corp.example.com\n' >"$TMP/hr.conf"
expect_bad dnsmasq "$TMP/hr.conf" "hr.conf:1:13: no name or no address"

printf '. {\n    forward . 9.9.9.9\n' >"$TMP/Corefile"
expect_bad coredns "$TMP/Corefile" "Corefile:3:1: unexpected end of file \(expected '}' closing the block\)"
printf 'corp.example {\n    forward . 10.0.0.1 {\n        policy fastest\n    }\n}\n' >"$TMP/Corefile2"
expect_bad coredns "$TMP/Corefile2" "Corefile2:3:16: not a policy \(expected random, round_robin or sequential\)"

printf 'newServer({address="10.0.0.1", pool="aws"}\naddAction({"x."}, PoolAction("aws"))\n' >"$TMP/dd.conf"
expect_bad dnsdist "$TMP/dd.conf" "dd.conf:2:1: unexpected 'addAction' \(expected ',' or '\)'\)"
printf 'addAction({"x."}, PoolAction("nowhere"))\n' >"$TMP/dd2.conf"
expect_bad dnsdist "$TMP/dd2.conf" "pool \"nowhere\" of zone x has no server"

head -c 300 "$SRCDIR/tests/import/onprem/windows/zones.json" >"$TMP/trunc.json"
expect_bad windows "$TMP/trunc.json" "trunc.json:[0-9]+:[0-9]+: .*\(expected JSON as ConvertTo-Json writes it\)"
printf '{"Zones": [{"ZoneName": "x.example", "ZoneType": "Forwarder", "MasterServers": ["10.0.0.1", 7]}]}' >"$TMP/shape.json"
expect_bad windows "$TMP/shape.json" 'shape.json: \$.Zones\[0\].MasterServers\[1\]: not an IP address'
printf '[1, 2]' >"$TMP/top.json"
expect_bad windows "$TMP/top.json" 'top.json: \$: neither an object nor a list of objects'

run_rc rc "$HYBRIDNS" import bind "$TMP/does-not-exist.conf"
[ "$rc" = 2 ] || fail "a missing file: exit $rc"
run_rc rc "$HYBRIDNS" import nosuch "$TMP/named.conf"
[ "$rc" = 2 ] && grep -q "unknown source 'nosuch'" "$TMP/err" || fail "unknown product: exit $rc"
run_rc rc "$HYBRIDNS" import bind
[ "$rc" = 2 ] || fail "no CONFIG: exit $rc"
run_rc rc "$HYBRIDNS" import bind "$SRCDIR/tests/import/onprem/bind/named.conf" --address nope
[ "$rc" = 2 ] && grep -q -- "--address: 'nope' is not an IP address" "$TMP/err" || fail "--address nope: exit $rc"
echo "bad input: exit 2, located"
