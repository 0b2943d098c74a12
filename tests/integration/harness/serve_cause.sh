#!/usr/bin/env bash
# What lint refuses, every command refuses (they all load through model/),
# and when serve cannot start a side it says what failed and why, not a bare
# errno ("No such file or directory").
. "$SRCDIR/tests/integration/lib.sh"

INVALID="$SRCDIR/tests/scenarios/invalid"

# ---- a forward target nothing serves: the same located error, exit 2, everywhere
S="$TMP/83-forward-target-nothing.yaml"
cp "$INVALID/83-forward-target-nothing.yaml" "$S"
want="$S:16:16: onprem.resolvers.dc1-dns.forward[0].to[0]: 8.8.8.8: nothing of the emulation serves this address"
for args in "lint" "check" "serve --port 5399" "trace NAME x.corp.example.com" "graph" \
	"load --qps 1 --duration 1" "export --to unbound"; do
	set -- $args
	cmd=$1
	shift
	[ "${1:-}" = NAME ] && { shift; set -- "$S" "$@"; } || set -- "$S" "$@"
	run_rc rc timeout 30 "$HYBRIDNS" "$cmd" "$@"
	[ "$rc" = 2 ] || fail "$cmd: exit $rc, expected 2: $(cat "$TMP/err")"
	grep -qF -- "$want" "$TMP/err" || fail "$cmd: no '$want' in: $(cat "$TMP/err")"
done

# ---- a side that cannot start: the message names the resolver, the address and the cause
P=$(free_port)
python3 - "$P" "$TMP/held" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.53.1.1", int(sys.argv[1])))  # the first on-prem resolver's address in the map
open(sys.argv[2], "w").close()
time.sleep(60)
PY
PIDS+=($!)
for _ in $(seq 1 100); do [ -f "$TMP/held" ] && break; sleep 0.1; done
[ -f "$TMP/held" ] || fail "could not hold 127.53.1.1:$P"
run_rc rc timeout 60 "$HYBRIDNS" serve "$SRCDIR/scenarios/shared-services.yaml" --port "$P"
[ "$rc" = 3 ] || fail "serve with its address taken: exit $rc, expected 3: $(cat "$TMP/err")"
want="hybridns: cannot start the onprem side: onprem resolver dc1-dns: cannot serve on 127.53.1.1:$P: Address already in use"
grep -qF -- "$want" "$TMP/err" || fail "no '$want' in: $(cat "$TMP/err")"
if grep -q "No such file or directory" "$TMP/err"; then fail "a bare errno in: $(cat "$TMP/err")"; fi
echo "ok"
