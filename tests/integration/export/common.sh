# Helpers of the real-resolver-under-test scripts (sourced after lib.sh).

# extend_scenario SRC DST: shared-services plus what the real-resolver checks
# need beyond it: a second on-prem resolver (dc2-dns, emulated) that forwards
# corp.example.com to the resolver under test, a TXT answer too big for UDP
# (asked again over TCP), and a plain expectation followed by a `given` one
# for the same name (the second must not be answered from the cache the
# first filled).
extend_scenario() {
	python3 - "$1" "$2" <<'PY'
import sys
src = open(sys.argv[1]).read()
dc2 = """    dc2-dns:
      address: 192.168.10.54
      forward:
        - zone: corp.example.com
          to: [192.168.10.53]
      default: internet
"""
extra = """  - name: on-prem name from dc2 through the resolver under test
    from: onprem:dc2-dns
    query: db.corp.example.com A
    answer: [192.168.20.16]
    via: [onprem:dc2-dns, onprem:dc1-dns]
  - name: a big on-prem TXT answer comes over TCP
    from: onprem
    query: big.corp.example.com TXT
    via: [onprem:dc1-dns]
  - name: stale-1 a plain query caches the name
    from: onprem
    query: stale.execute-api.eu-west-1.amazonaws.com A
    answer: endpoint:api
  - name: stale-2 the same name with tunnel1 down crosses tunnel2
    given: {down: [tunnel1]}
    from: onprem
    query: stale.execute-api.eu-west-1.amazonaws.com A
    answer: endpoint:api
    via: [onprem:dc1-dns, vpn:tunnel2, inbound:inbound]
"""
# A TXT record too big for a 1232-byte UDP answer: the stub retries over TCP through the tap.
big = " ".join('"%s"' % (chr(ord("a") + k) * 200) for k in range(8))
db = "          db   300 A 192.168.20.16\n"
assert db in src
src = src.replace(db, db + "          big  300 TXT " + big + "\n", 1)
i = src.index("\nvpn:\n")
src = src[:i].rstrip("\n") + "\n" + dc2 + src[i:]
j = src.index("\nload:\n")
src = src[:j].rstrip("\n") + "\n" + extra + src[j:]
open(sys.argv[2], "w").write(src)
PY
	"$HYBRIDNS" lint "$2" >/dev/null || fail "the extended scenario does not lint"
}

# check_through SCENARIO RESOLVER_PORT EMU_PORT NAME DIR FLUSH: check the
# (extended) scenario through the real resolver at 127.0.0.1:RESOLVER_PORT
# with FLUSH as --onprem-flush: every expectation must pass, `via` hops of
# the resolver included, whoever asks it.  Then again without the flush: the
# `given` check after the plain one of the same name must fail, saying the
# answer may have come from the resolver's cache.
check_through() {
	local rc=0
	"$HYBRIDNS" check "$1" --onprem-resolver "127.0.0.1:$2" --port "$3" --onprem-flush "$6" \
		--format json -o "$5/flushed.json" 2>"$5/flushed.err" || rc=$?
	[ "$rc" -le 1 ] || fail "check --onprem-resolver --onprem-flush exited $rc: $(cat "$5/flushed.err")"
	python3 - "$5/flushed.json" "$4" <<'PY' || fail "expectations through $4 with --onprem-flush"
import json, sys
rep = json.load(open(sys.argv[1]))
res = rep["results"]
bad = ["%s: %s (answers %s)" % (r["name"], r["message"], r["answers"]) for r in res if r["status"] != "pass"]
assert len(res) == 26, "%d results" % len(res)
byname = {r["name"]: r for r in res}
big = byname["a big on-prem TXT answer comes over TCP"]
# (the report keeps the first 255 characters of each answer)
if len(big["answers"]) != 1 or not big["answers"][0].startswith('"' + "a" * 200 + '" "b') or \
        not any(h["hop"] == "onprem:dc1-dns" and "over TCP" in h["detail"] for h in big["path"]):
    bad.append("big TXT: answers %s, path %s" % (big["answers"], big["path"]))
for n in ("on-prem name from a consumer VPC via the outbound rule", "on-prem name from consumer-3 via the outbound rule"):
    hops = [h for h in byname[n]["path"] if h["hop"] == "onprem:dc1-dns"]
    if not any("resolver under test" in h["detail"] for h in hops):
        bad.append("%s: no onprem:dc1-dns hop of the resolver under test in %s" % (n, byname[n]["path"]))
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("%d results through %s with --onprem-flush, all passed" % (len(res), sys.argv[2]))
PY
	[ "$rc" -eq 0 ] || fail "check --onprem-resolver --onprem-flush exited $rc with every expectation passed"
	rc=0
	"$HYBRIDNS" check "$1" --onprem-resolver "127.0.0.1:$2" --port "$3" \
		--format json -o "$5/cached.json" || rc=$?
	[ "$rc" -eq 1 ] || fail "check --onprem-resolver without a flush exited $rc, expected 1 (a cached answer)"
	python3 - "$5/cached.json" <<'PY' || fail "a stale cache of $4 went unnoticed"
import json, sys
r = {r["name"]: r for r in json.load(open(sys.argv[1]))["results"]}["stale-2 the same name with tunnel1 down crosses tunnel2"]
assert r["status"] == "fail", r
assert "may have answered from its cache" in r["message"] and "--onprem-flush" in r["message"], r["message"]
print("without a flush the given check fails: %s" % r["message"])
PY
}
