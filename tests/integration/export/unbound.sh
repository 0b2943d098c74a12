#!/usr/bin/env bash
# A real Unbound under test: `hybridns export --to unbound --mapped` is
# included into an unbound.conf, Unbound serves on a free loopback port,
# and `hybridns check --onprem-resolver --onprem-flush 'unbound-control ...
# flush_zone {name}'` runs the shared-services expectations through it (the
# emulation serves the VPN relays, the AWS side and a second, emulated
# on-prem resolver; AWS -> on-prem rule targets reach the Unbound too), then
# without the flush to see a cached answer caught.  Then the local zones of
# the export fixture are asked of a second Unbound, record by record.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/export/common.sh"

command -v unbound >/dev/null || fail "unbound is not installed (scripts/deps.sh installs it)"
command -v unbound-checkconf >/dev/null || fail "unbound-checkconf is not installed"
command -v unbound-control >/dev/null || fail "unbound-control is not installed"

# unbound_conf DIR PORT INCLUDE: a foreground, unprivileged Unbound on 127.0.0.1:PORT.
unbound_conf() {
	cat >"$1/unbound.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $2
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$1"
	pidfile: "$1/unbound.pid"
	verbosity: 0
	use-syslog: no
	logfile: ""
	do-ip6: no
include: "$3"
remote-control:
	control-enable: yes
	control-interface: "$1/unbound.ctl"
CONF
	unbound-checkconf "$1/unbound.conf" >/dev/null || fail "unbound-checkconf rejects $1/unbound.conf"
}

# ---- 1. shared-services through a real Unbound
EMU_PORT=$(free_port)
UB_PORT=$(free_port)
mkdir -p "$TMP/ss"
extend_scenario "$SRCDIR/scenarios/shared-services.yaml" "$TMP/ss/scenario.yaml"

"$HYBRIDNS" export "$TMP/ss/scenario.yaml" --to unbound --mapped --port "$EMU_PORT" -o "$TMP/ss/fwd.conf" ||
	fail "export --to unbound --mapped failed"
grep -q "forward-addr: 127.53.6.[0-9]*@$EMU_PORT" "$TMP/ss/fwd.conf" || fail "no relay address in the mapped export"
unbound_conf "$TMP/ss" "$UB_PORT" "$TMP/ss/fwd.conf"
unbound -d -c "$TMP/ss/unbound.conf" >"$TMP/ss/unbound.log" 2>&1 &
PIDS+=($!)
# Local data answers without the emulation running.
wait_dns 127.0.0.1 "$UB_PORT" app.corp.example.com
[ "$(dig +short -p "$UB_PORT" @127.0.0.1 app.corp.example.com A)" = 192.168.20.15 ] ||
	fail "Unbound does not serve the exported local zone"

check_through "$TMP/ss/scenario.yaml" "$UB_PORT" "$EMU_PORT" Unbound "$TMP/ss" \
	"unbound-control -c $TMP/ss/unbound.conf flush_zone {name}"

# A flush command that fails stops the check (status 3) and says which; the flag needs --onprem-resolver.
run_rc rc "$HYBRIDNS" check "$TMP/ss/scenario.yaml" --onprem-resolver "127.0.0.1:$UB_PORT" --port "$EMU_PORT" \
	--onprem-flush 'exit 7' --expect "on-prem name from on-prem"
[ "$rc" -eq 3 ] && grep -q "onprem-flush: 'exit 7' for app.corp.example.com failed (exit status 7)" "$TMP/err" ||
	fail "a failing --onprem-flush: status $rc, $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" check "$TMP/ss/scenario.yaml" --onprem-flush true
[ "$rc" -eq 2 ] && grep -q "needs --onprem-resolver" "$TMP/err" || fail "--onprem-flush alone: status $rc"

# ---- 2. every local record kind of the fixture, served by Unbound
mkdir -p "$TMP/rec"
REC_PORT=$(free_port)
"$HYBRIDNS" export "$SRCDIR/tests/integration/export/records.yaml" --to unbound -o "$TMP/rec/fwd.conf" ||
	fail "export of the fixture failed"
unbound_conf "$TMP/rec" "$REC_PORT" "$TMP/rec/fwd.conf"
unbound -d -c "$TMP/rec/unbound.conf" >"$TMP/rec/unbound.log" 2>&1 &
PIDS+=($!)
wait_dns 127.0.0.1 "$REC_PORT" ns1.corp.example.com
# Only names of the local zones are asked: nothing leaves loopback.
ask() { dig +short -p "$REC_PORT" @127.0.0.1 "$1" "$2" | sort | tr '\n' ' ' | sed 's/ $//'; }
rcode() { dig -p "$REC_PORT" @127.0.0.1 "$1" "$2" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
[ "$(ask app.corp.example.com A)" = "192.168.20.15 192.168.20.16" ] || fail "A: $(ask app.corp.example.com A)"
[ "$(ask app.corp.example.com AAAA)" = "fd00::15" ] || fail "AAAA"
[ "$(ask www.corp.example.com CNAME)" = "app.corp.example.com." ] || fail "CNAME"
[ "$(ask corp.example.com TXT)" = '"v=spf1 -all" "second string"' ] || fail "TXT: $(ask corp.example.com TXT)"
[ "$(ask corp.example.com MX)" = "10 mail.corp.example.com." ] || fail "MX"
[ "$(ask _ldap._tcp.corp.example.com SRV)" = "0 100 389 dc1.corp.example.com." ] || fail "SRV"
[ "$(ask corp.example.com CAA)" = '0 issue "letsencrypt.org"' ] || fail "CAA: $(ask corp.example.com CAA)"
[ "$(ask corp.example.com SOA | cut -d' ' -f1-3)" = "ns1.corp.example.com. hostmaster.corp.example.com. 7" ] ||
	fail "SOA: $(ask corp.example.com SOA)"
[ "$(ask x.apps.corp.example.com A)" = "192.168.30.1" ] || fail "wildcard: $(ask x.apps.corp.example.com A)"
[ "$(ask 15.20.168.192.in-addr.arpa PTR)" = "app.corp.example.com." ] || fail "PTR"
[ "$(rcode nosuch.corp.example.com A)" = NXDOMAIN ] || fail "a name not held must be NXDOMAIN"
[ "$(rcode app.corp.example.com MX)" = NOERROR ] && [ -z "$(ask app.corp.example.com MX)" ] ||
	fail "another type of a name held must be NODATA"
echo "ok"
