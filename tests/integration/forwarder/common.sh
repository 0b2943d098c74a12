# Shared set-up of the forwarder integration tests (sourced after lib.sh):
# scripted ldns-testns upstreams, the one-resolver scenario, `hybridns serve
# --only onprem` on a free port, and its stats dump.

need_testns() {
	command -v ldns-testns >/dev/null || fail "ldns-testns is not installed (package ldnsutils, scripts/packages.txt)"
}

# start_testns PORT DATAFILE NAME [EXPECTED]: an upstream answering from
# DATAFILE; its pid goes into PIDS and TESTNS_PID; returns once it answers
# NAME as expected (see wait_dns).
start_testns() {
	ldns-testns -p "$1" "$2" >"${2%.data}.log" 2>&1 &
	TESTNS_PID=$!
	PIDS+=("$TESTNS_PID")
	wait_dns 127.0.0.1 "$1" "$3" "${4:-}"
}

# write_scenario NAME: $TMP/s.yaml with one on-prem resolver dc1-dns whose
# forward:/zones:/default: lines (indented six spaces) come on stdin.
write_scenario() {
	{
		printf 'scenario: %s\nregion: eu-west-1\nonprem:\n  resolvers:\n    dc1-dns:\n' "$1"
		printf '      address: 192.168.10.53\n'
		cat
	} >"$TMP/s.yaml"
}

# start_forwarder NAME: serve $TMP/s.yaml's on-prem resolver on 127.0.0.1:$PF
# (one worker, stats to $TMP/stats.json, UDP on UDP_IO: epoll unless set);
# its pid is FWD; returns once it answers NAME.
start_forwarder() {
	"$HYBRIDNS" serve "$TMP/s.yaml" --only onprem --listen "127.0.0.1:$PF" --workers 1 \
		--udp-io "${UDP_IO:-epoll}" --log-level info \
		--stats-json "$TMP/stats.json" >"$TMP/serve.log" 2>&1 &
	FWD=$!
	PIDS+=("$FWD")
	wait_dns 127.0.0.1 "$PF" "$1"
}

# stats EXPR: a python expression over d = the first resolver's stats (SIGUSR1 dump).
stats() {
	rm -f "$TMP/stats.json"
	kill -USR1 "$FWD"
	for _ in $(seq 1 50); do
		[ -s "$TMP/stats.json" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/stats.json" 2>/dev/null && break
		sleep 0.1
	done
	python3 -c "import json,sys; d = json.load(open(sys.argv[1]))['onprem'][0]; print($1)" "$TMP/stats.json"
}

# testns_a NAME ADDR: an ldns-testns data entry answering NAME A with ADDR.
testns_a() {
	cat <<DATA
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR RD RA NOERROR
SECTION QUESTION
$1. IN A
SECTION ANSWER
$1. 300 IN A $2
ENTRY_END

DATA
}
