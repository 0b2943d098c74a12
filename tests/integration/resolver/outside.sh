#!/usr/bin/env bash
# R8 and R9 at a VPC's +2 resolver.  R8: a query from outside the VPC (an
# on-prem resolver's address through the VPN relay, another VPC's outbound
# endpoint) gets no answer by default, REFUSED or an answer with
# --vpc-outside; the VPC's own instances (the host's 127.0.0.1) are
# answered.  R9: a burst of 3000 queries from one source is not all
# answered (1024 per second per source).
source "$SRCDIR/tests/integration/lib.sh"

SCEN="$SRCDIR/tests/integration/resolver/outside.yaml"
NAME=app.hub.example

# check: the hub's instance is answered, the edge VPC's rule to 10.0.0.2 ends in SERVFAIL.
"$HYBRIDNS" check "$SCEN" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "check with R8 on"; }
grep -q "^3 passed, 0 failed" "$TMP/check.out" || fail "check summary: $(tail -1 "$TMP/check.out")"
echo "ok: check (edge VPC -> hub +2 gets SERVFAIL, the hub's own instance an answer)"
# With R8 off the edge's forward is answered: the SERVFAIL above came from R8.
if "$HYBRIDNS" check "$SCEN" --vpc-outside answer >"$TMP/check-off.out" 2>&1; then
	fail "check passed with R8 off"
fi
grep -q "expected SERVFAIL, got NOERROR (10.0.5.5)" "$TMP/check-off.out" ||
	{ cat "$TMP/check-off.out"; fail "R8 off: not the edge expectation that failed"; }
echo "ok: --vpc-outside answer lets the edge VPC's forward through"
run_rc rc "$HYBRIDNS" check "$SCEN" --vpc-outside bogus
[ "$rc" = 2 ] || fail "a bad --vpc-outside: exit $rc, want 2"
grep -q -- "--vpc-outside: unknown value 'bogus'" "$TMP/err" || fail "no message for a bad value"
run_rc rc "$HYBRIDNS" serve "$SCEN" --vpc-pps 0
[ "$rc" = 2 ] || fail "a bad --vpc-pps: exit $rc, want 2"
grep -q -- "--vpc-pps: '0'" "$TMP/err" || fail "no message for a bad --vpc-pps"
echo "ok: bad --vpc-outside and --vpc-pps refused"
refused_by_serve_and_load "$SCEN" "--coalesce 0" "--coalesce 1001" "--coalesce 5ms" "--udp-io poll"
echo "ok: bad --coalesce and --udp-io refused by serve and load"

# serve OUT [OPTION...]: serve SCEN in the background, map in OUT.
serve() {
	local out=$1
	shift
	"$HYBRIDNS" serve "$SCEN" --port "$PORT" --stats-json "$out.stats.json" "$@" >"$out" 2>"$out.err" &
	PIDS+=($!)
}
# real LABEL-REGEX OUT: the loopback address the map gives that label
real() {
	for _ in $(seq 1 50); do
		local a
		a=$(grep -E "$1 +-> " "$2" | head -1 | sed 's/.*-> \([0-9.]*\):[0-9]*$/\1/')
		if [ -n "$a" ]; then echo "$a"; return 0; fi
		sleep 0.1
	done
	cat "$2.err" >&2
	fail "no map entry for $1"
}
# st ADDR SRC: the status dig sees for NAME at ADDR from source address SRC ("timeout": none)
st() {
	local out
	out=$(dig +time=1 +tries=1 -b "$2" -p "$PORT" "@$1" "$NAME" A 2>&1) || true
	if echo "$out" | grep -q "status:"; then
		echo "$out" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'
	else
		echo timeout
	fi
}
# stats_doc FILE: serve's stats document once SIGUSR1 has written it (at most ~10 s), on stdout.
stats_doc() {
	python3 - "$1" <<'PY'
import json, sys, time
for _ in range(100):
    try:
        with open(sys.argv[1]) as f:
            print(json.dumps(json.load(f)))
        sys.exit(0)
    except (OSError, ValueError):
        time.sleep(0.1)
sys.exit("no stats document in %s" % sys.argv[1])
PY
}
expect() { # expect WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1"
}

PORT=$(free_port)
serve "$TMP/serve.out"
PLUS2=$(real "vpc/hub \+2" "$TMP/serve.out")
RELAY=$(real "vpn -> vpc/hub \+2" "$TMP/serve.out")
INBOUND=$(real "inbound/a \(eu-west-1a\)" "$TMP/serve.out")
ONPREM=$(real "onprem/dc-dns" "$TMP/serve.out")
wait_dns "$PLUS2" "$PORT" "$NAME"
wait_dns "$RELAY" "$PORT" "$NAME"
expect "an instance asks the +2 resolver" "$(st "$PLUS2" 127.0.0.1)" NOERROR
# The relay keeps the sender's address: on-prem's resolver (its mapped address) is outside.
expect "on-prem's address over the VPN to 10.0.0.2: no answer" "$(st "$RELAY" "$ONPREM")" timeout
expect "on-prem's address straight at the +2 listener: no answer" "$(st "$PLUS2" "$ONPREM")" timeout
expect "on-prem's address at the inbound endpoint is answered" "$(st "$INBOUND" "$ONPREM")" NOERROR
expect "the +2 resolver still answers its instances" "$(st "$PLUS2" 127.0.0.1)" NOERROR

# R9: 3000 queries from one socket as fast as it can send; the bucket holds 1024.
python3 - "$PLUS2" "$PORT" >"$TMP/burst.out" <<'PY' || fail "burst: $(cat "$TMP/burst.out")"
import socket, struct, sys
ip, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.connect((ip, port))
q = lambda i: struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"\x03app\x03hub\x07example\x00" + struct.pack(">HH", 1, 1)
for i in range(3000):
    s.send(q(i))
s.settimeout(1.0)
got = 0
try:
    while got < 3000:
        s.recv(4096); got += 1
except socket.timeout:
    pass
print(got)
assert 1 <= got < 3000, got
PY
echo "ok: R9 burst answered $(cat "$TMP/burst.out") of 3000"
# The counters: SIGUSR1 makes serve write its stats document, the AWS side
# included, to --stats-json (harness/cmd_serve.c).  No document, or one
# without the hub's +2 listener, is a failure.
kill -USR1 "${PIDS[0]}"
stats_doc "$TMP/serve.out.stats.json" >"$TMP/stats.json" || fail "no stats document after SIGUSR1"
python3 - "$TMP/stats.json" >"$TMP/stats.out" 2>&1 <<'PY' || fail "stats: $(cat "$TMP/stats.out")"
import json, sys
st = json.load(open(sys.argv[1]))
res = (st.get("aws") or {}).get("resolver")
if not res:
    sys.exit("the stats document has no AWS resolver counters: %s" % json.dumps(st)[:400])
hubs = [l for l in res["listeners"] if l["label"].startswith("vpc/hub")]
if not hubs:
    sys.exit("no vpc/hub listener in the stats: %s" % [l["label"] for l in res["listeners"]])
hub = hubs[0]
assert hub["dropped_rate"] > 0, hub
assert hub["dropped_outside"] >= 2, hub
assert hub["rcodes"]["NOERROR"] >= 3, hub
print("ok: counters dropped_rate=%d dropped_outside=%d" % (hub["dropped_rate"], hub["dropped_outside"]))
PY
cat "$TMP/stats.out"

# REFUSED instead of silence; R9 off; the VPN's control socket where --vpn-control says.
kill "${PIDS[0]}"
wait "${PIDS[0]}" 2>/dev/null || true
PIDS=()
PORT=$(free_port)
CTL=$(free_port)
serve "$TMP/serve2.out" --vpc-outside refused --vpc-pps off --vpn-control "127.0.0.1:$CTL"
PLUS2=$(real "vpc/hub \+2" "$TMP/serve2.out")
wait_dns "$PLUS2" "$PORT" "$NAME"
expect "REFUSED policy: on-prem's address" "$(st "$PLUS2" "$ONPREM")" REFUSED
expect "REFUSED policy: an instance is answered" "$(st "$PLUS2" 127.0.0.1)" NOERROR
kill -USR1 "${PIDS[0]}"
stats_doc "$TMP/serve2.out.stats.json" >"$TMP/stats2.json" || fail "no stats document after SIGUSR1"
python3 - "$TMP/stats2.json" "$CTL" >"$TMP/stats2.out" 2>&1 <<'PY' || fail "options: $(cat "$TMP/stats2.out")"
import json, socket, sys
st = json.load(open(sys.argv[1]))
aws = st.get("aws") or {}
if aws.get("vpc_outside") != "refused" or aws.get("vpc_pps", 0) is not None:
    sys.exit("--vpc-outside refused --vpc-pps off not in effect: %s" % json.dumps(aws)[:300])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for _ in range(5):  # the control socket answers once the VPN side is up
    s.sendto(b"stats", ("127.0.0.1", int(sys.argv[2])))
    try:
        doc = json.loads(s.recv(65535).decode())
        break
    except socket.timeout:
        continue
else:
    sys.exit("no answer from the control socket at --vpn-control 127.0.0.1:%s" % sys.argv[2])
if "vpn" not in doc:
    sys.exit("control stats without the vpn: %s" % str(doc)[:300])
print("ok: --vpc-outside, --vpc-pps and --vpn-control in effect")
PY
cat "$TMP/stats2.out"
echo "all R8/R9 checks passed"
