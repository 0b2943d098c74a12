# Helpers of the real-resolver-under-test scripts (sourced after lib.sh).

# strip_onprem_hops SRC DST: a copy of a scenario without `onprem:<resolver>`
# via hops, which the harness cannot observe inside a real resolver.
strip_onprem_hops() {
	python3 - "$1" "$2" <<'PY'
import re, sys
out = []
for line in open(sys.argv[1]):
    m = re.match(r"^(\s*)via: \[(.*)\]\s*$", line)
    if m:
        hops = [h.strip() for h in m.group(2).split(",") if not h.strip().startswith("onprem:")]
        if not hops:
            continue
        line = "%svia: [%s]\n" % (m.group(1), ", ".join(hops))
    out.append(line)
open(sys.argv[2], "w").write("".join(out))
PY
	if grep 'via:' "$2" | grep -q 'onprem:'; then fail "the copy still has onprem via hops"; fi
}

# check_through SCENARIO RESOLVER_PORT EMU_PORT NAME DIR: check the scenario with
# the emulated on-prem resolver (the oracle), then with the real one at
# 127.0.0.1:RESOLVER_PORT, and judge the real one's results (shared-services).
check_through() {
	local rc=0
	"$HYBRIDNS" check "$1" --format json -o "$5/emulated.json" || rc=$?
	[ "$rc" -le 1 ] || fail "check (emulated) exited $rc"
	rc=0
	"$HYBRIDNS" check "$1" --onprem-resolver "127.0.0.1:$2" --port "$3" \
		--format json -o "$5/real.json" || rc=$?
	[ "$rc" -le 1 ] || fail "check --onprem-resolver exited $rc"
	python3 - "$5/emulated.json" "$5/real.json" "$4" <<'PY' || fail "expectations through $4"
import json, sys
emu = {r["name"]: r for r in json.load(open(sys.argv[1]))["results"]}
ub = json.load(open(sys.argv[2]))["results"]
onprem = [r for r in ub if r["from"].startswith("onprem")]
assert len(onprem) >= 8, "only %d from-onprem results" % len(onprem)
bad = []
for r in ub:
    if r["status"] == "pass":
        continue
    # A failure is Unbound's unless the emulated resolver fails the same way
    # (a hop the harness does not trace yet, not a wrong answer).
    e = emu[r["name"]]
    if e["status"] == "pass" or "path" not in r["message"] or sorted(r["answers"]) != sorted(e["answers"]):
        bad.append("%s: %s (answers %s)" % (r["name"], r["message"], r["answers"]))
for r in onprem:
    if "path" in r["message"]:
        print("  (path not traced by the harness yet: %s)" % r["name"])
want = {
    "on-prem name from on-prem": ["192.168.20.15"],
    "private API resolves to the endpoint from on-prem": ["10.0.1.25", "10.0.2.25"],
    "SSM from on-prem through the inbound endpoint": ["10.0.1.26", "10.0.2.26"],
    "S3 from on-prem goes to the internet (gateway endpoints are VPC-only)": ["52.218.0.10"],
    "on-prem name from a consumer VPC via the outbound rule": ["192.168.20.15"],
}
byname = {r["name"]: r for r in ub}
for n, a in want.items():
    if sorted(byname[n]["answers"]) != a:
        bad.append("%s: answers %s, expected %s" % (n, byname[n]["answers"], a))
nx = byname["a name missing under the SSM PHZ is NXDOMAIN from on-prem too"]
if nx["rcode"] != "NXDOMAIN":
    bad.append("nosuch.ssm: rcode %s" % nx["rcode"])
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("%d results through %s, %d from on-prem, all answers as expected" % (len(ub), sys.argv[3], len(onprem)))
PY
}
