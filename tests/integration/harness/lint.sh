#!/usr/bin/env bash
# hybridns lint: every shipped scenario lints (exit 0) and shows its key
# facts; --format json is valid JSON that carries what the file said; bad
# flags, missing files and invalid scenarios exit 2 with located messages.
# The design findings themselves are tested in lint_findings.sh.
. "$SRCDIR/tests/integration/lib.sh"

expect_in() { # FILE TEXT: TEXT must appear in FILE
	grep -qF -- "$2" "$1" || fail "'$2' missing from $(basename "$1"): $(head -c 2000 "$1")"
}

# --------------------------------------------------- every scenario, text + json
shopt -s nullglob
scenarios=("$SRCDIR"/scenarios/*.yaml)
[ ${#scenarios[@]} -ge 5 ] || fail "expected at least 5 scenarios, found ${#scenarios[@]}"
# Labs are broken designs but valid scenarios: they lint too (exit 1 when a
# lab's mistake is an error finding, so they run with --fail-on none here).
labs=("$SRCDIR"/scenarios/labs/*.yaml)

for f in "${scenarios[@]}" "${labs[@]}"; do
	b=$(basename "$f" .yaml)
	run_rc rc "$HYBRIDNS" lint "$f" --fail-on none
	[ "$rc" -eq 0 ] || fail "lint $b exited $rc: $(cat "$TMP/err")"
	[ -s "$TMP/out" ] || fail "lint $b printed nothing"
	[ ! -s "$TMP/err" ] || fail "lint $b wrote to stderr: $(cat "$TMP/err")"
	cp "$TMP/out" "$TMP/$b.txt"
	# The summary names the scenario and every section it has.
	name=$(sed -n 's/^scenario: *//p' "$f")
	expect_in "$TMP/$b.txt" "$name"
	expect_in "$TMP/$b.txt" "VPCs ("
	expect_in "$TMP/$b.txt" "Expectations ("

	run_rc rc "$HYBRIDNS" lint "$f" --format json --fail-on none
	[ "$rc" -eq 0 ] || fail "lint --format json $b exited $rc: $(cat "$TMP/err")"
	cp "$TMP/out" "$TMP/$b.json"
	python3 -m json.tool "$TMP/$b.json" >/dev/null || fail "lint --format json $b: not valid JSON"

	# Generic round trip, without a YAML parser: every address and CIDR the file
	# writes, every expectation and load profile name and every queried name
	# must be in the JSON.
	python3 - "$f" "$TMP/$b.json" <<'PY' || fail "json round trip of $b"
import json, re, sys
src, dump = sys.argv[1], sys.argv[2]
doc = json.load(open(dump))
strings = []
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
    elif isinstance(v, str):
        strings.append(v)
walk(doc)
blob = "\n".join(strings)
lines = [re.sub(r"(^|\s)#.*$", "", l) for l in open(src)]
text = "\n".join(lines)
missing = []
for a in set(re.findall(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?![\w.])", text)):
    if a not in blob:
        missing.append("address " + a)
section = None
for l in lines:
    m = re.match(r"^(\w+):", l)
    if m:
        section = m.group(1)
    m = re.match(r"^\s*- name: (.+?)\s*$", l)
    if m and section == "expect":
        if m.group(1) not in [x["name"] for x in doc["expect"]]:
            missing.append("expectation " + m.group(1))
    m = re.match(r"^  ([\w-]+):\s*$", l)
    if m and section == "load":
        if m.group(1) not in [x["name"] for x in doc["load"]]:
            missing.append("load profile " + m.group(1))
    m = re.match(r"^\s*query: (\S+)(?: (\S+))?\s*$", l)
    if m and section == "expect":
        q = m.group(1).lower().rstrip(".")
        t = m.group(2) or "A"
        if not any(x["qname"] == q and x["qtype"] == t for x in doc["expect"]):
            missing.append("query %s %s" % (q, t))
if missing:
    print("\n".join(sorted(missing)), file=sys.stderr)
    sys.exit(1)
PY
done

# ------------------------------------------- shared-services: specific facts
ss=shared-services
txt="$TMP/$ss.txt"
# Derived and given names, ENIs and flags are all in the text summary.
expect_in "$txt" "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com"
expect_in "$txt" "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1a.execute-api.eu-west-1.vpce.amazonaws.com"
expect_in "$txt" "*.execute-api.eu-west-1.amazonaws.com"
expect_in "$txt" "private DNS off"
expect_in "$txt" "10.0.1.10 eu-west-1a"
expect_in "$txt" "10.0.2.10 eu-west-1b"
expect_in "$txt" "10.0.0.2"
expect_in "$txt" "standby"
expect_in "$txt" "corp.example.com"
expect_in "$txt" "Expectations (22): 10 from onprem, 10 from vpc, 1 from inbound, 1 from internet; 2 with faults, 12 with via, 2 with max_ms"
expect_in "$txt" "tunnel-failover"
# The world summary (everything before the findings) fits a screen.
[ "$(sed '/^Findings for /,$d' "$txt" | wc -l)" -le 60 ] || fail "shared-services summary is longer than a screen (60 lines)"
expect_in "$txt" "Findings for shared-services-api-gateway: 0 errors"

python3 - "$TMP/$ss.json" <<'PY' || fail "shared-services JSON facts"
import json, sys
d = json.load(open(sys.argv[1]))
def one(items, name):
    found = [x for x in items if x["name"] == name]
    assert len(found) == 1, name
    return found[0]
assert d["scenario"] == "shared-services-api-gateway"
assert d["region"] == "eu-west-1" and d["account"] == "111122223333"
assert [v["name"] for v in d["vpcs"]] == ["shared-services", "consumer-1", "consumer-2", "consumer-3"]
ss = one(d["vpcs"], "shared-services")
assert ss["cidr"] == "10.0.0.0/16" and ss["dns_address"] == "10.0.0.2"
assert ss["dns_support"] is True and ss["dns_hostnames"] is True
assert [(s["name"], s["az"], s["cidr"]) for s in ss["subnets"]] == [
    ("private-a", "eu-west-1a", "10.0.1.0/24"), ("private-b", "eu-west-1b", "10.0.2.0/24")]
assert sorted(map(tuple, d["peerings"])) == [("shared-services", "consumer-%d" % i) for i in (1, 2, 3)]
api = one(d["endpoints"], "api")
assert api["type"] == "interface" and api["service"] == "com.amazonaws.eu-west-1.execute-api"
assert api["service_short"] == "execute-api" and api["id"] == "vpce-0c11f0aa40d2ff5ad"
assert api["dns_suffix"] == "l1xf6pcv" and api["private_dns"] is False
assert api["regional_name"] == "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com"
assert [(e["subnet"], e["az"], e["ip"]) for e in api["enis"]] == [
    ("private-a", "eu-west-1a", "10.0.1.25"), ("private-b", "eu-west-1b", "10.0.2.25")]
assert api["enis"][1]["zonal_name"] == \
    "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1b.execute-api.eu-west-1.vpce.amazonaws.com"
assert all(e["id"].startswith("eni-") for e in api["enis"])
assert {"name": "execute-api.eu-west-1.amazonaws.com", "wildcard": True} in api["dns_names"]
ssm = one(d["endpoints"], "ssm")
assert ssm["id"].startswith("vpce-") and len(ssm["dns_suffix"]) == 8
assert ssm["regional_name"] == "%s-%s.ssm.eu-west-1.vpce.amazonaws.com" % (ssm["id"], ssm["dns_suffix"])
gw = one(d["endpoints"], "s3-gateway")
assert gw["type"] == "gateway" and gw["service_short"] == "s3"
z = one(d["hosted_zones"], "execute-api.eu-west-1.amazonaws.com")
assert z["kind"] == "private" and z["vpcs"] == ["shared-services", "consumer-1", "consumer-2", "consumer-3"]
owners = sorted((r["owner"], r["type"], r["alias"]["kind"], r["alias"]["endpoint"]) for r in z["records"])
assert owners == [("*.execute-api.eu-west-1.amazonaws.com", "ALIAS", "endpoint", "api"),
                  ("execute-api.eu-west-1.amazonaws.com", "ALIAS", "endpoint", "api")], owners
assert all(r["alias"]["target"] == api["regional_name"] for r in z["records"])
assert z["soa"] is not None and z["soa"]["type"] == "SOA" and z["soa"]["given"] is False
inb = one(d["resolver"]["endpoints"], "inbound")
assert inb["direction"] == "inbound" and inb["vpc"] == "shared-services"
assert inb["id"].startswith("rslvr-in-") and inb["qps_per_ip"] == 10000
assert [(e["ip"], e["az"]) for e in inb["enis"]] == [("10.0.1.10", "eu-west-1a"), ("10.0.2.10", "eu-west-1b")]
assert all(e["id"].startswith("rni-") for e in inb["enis"])
out = one(d["resolver"]["endpoints"], "outbound")
assert out["id"].startswith("rslvr-out-")
corp = one(d["resolver"]["rules"], "corp")
assert corp["domain"] == "corp.example.com" and corp["type"] == "forward"
assert corp["endpoint"] == "outbound" and corp["targets"] == ["192.168.10.53:53"], corp["targets"]
assert corp["id"].startswith("rslvr-rr-") and len(corp["vpcs"]) == 4
assert d["onprem"]["cidr"] == "192.168.0.0/16"
dc1 = one(d["onprem"]["resolvers"], "dc1-dns")
assert dc1["address"].startswith("192.168.10.53") and dc1["default"] == "internet"
fw = dc1["forward"][0]
assert fw["zone"] == "execute-api.eu-west-1.amazonaws.com" and fw["policy"] == "sequential"
assert fw["to"] == ["10.0.1.10:53", "10.0.2.10:53"] and fw["timeout_ms"] == 2000
corpz = one(dc1["zones"], "corp.example.com")
recs = {(r["owner"], r["type"], r["rdata"], r["ttl"]) for r in corpz["records"]}
assert ("app.corp.example.com", "A", "192.168.20.15", 300) in recs, recs
assert ("db.corp.example.com", "A", "192.168.20.16", 300) in recs, recs
vpn = d["vpn"]
assert vpn["vpcs"] == ["shared-services"] and vpn["seed"] == 1
t1, t2 = vpn["tunnels"]
assert (t1["name"], t1["state"], t1["latency_ms"], t1["jitter_ms"], t1["mtu"]) == ("tunnel1", "up", 12, 2, 1446)
assert abs(t1["loss"] - 0.001) < 1e-12
assert (t2["name"], t2["state"], t2["latency_ms"]) == ("tunnel2", "standby", 14)
iz = {z["name"]: z for z in d["internet"]["zones"]}
assert d["internet"]["aws_public_names"] is True
s3 = {(r["owner"], r["type"], r["rdata"], r["ttl"]) for r in iz["s3.eu-west-1.amazonaws.com"]["records"]}
assert ("s3.eu-west-1.amazonaws.com", "A", "52.218.0.10", 60) in s3
assert ("*.s3.eu-west-1.amazonaws.com", "A", "52.218.0.10", 60) in s3
ex = {x["name"]: x for x in d["expect"]}
assert len(d["expect"]) == 22, len(d["expect"])
x = ex["private API resolves to the endpoint from on-prem"]
assert x["from"] == "onprem:dc1-dns" and x["qtype"] == "A" and x["rcode"] == "NOERROR"
assert x["qname"] == "abcd1234.execute-api.eu-west-1.amazonaws.com"
assert x["answer"] == {"kind": "endpoint", "endpoint": "api", "values": ["10.0.1.25", "10.0.2.25"]}
assert x["via"] == ["onprem:dc1-dns", "vpn:tunnel1", "inbound:inbound",
                    "zone:execute-api.eu-west-1.amazonaws.com"], x["via"]
assert x["max_ms"] is None and x["given"]["down"] == []
x = ex["failover when the inbound ENI in AZ a is down"]
assert x["max_ms"] == 3000
assert x["given"]["down"] == [{"text": "inbound@private-a", "kind": "resolver_eni", "ip": "10.0.1.10"}]
x = ex["a name missing under the SSM PHZ is NXDOMAIN, not public"]
assert x["answer"]["kind"] == "nxdomain" and x["rcode"] == "NXDOMAIN" and x["from"] == "vpc:consumer-1"
x = ex["the zonal vpce name gives the ENI of its AZ"]
assert x["answer"] == {"kind": "endpoint_az", "endpoint": "api", "az": "eu-west-1b", "values": ["10.0.2.25"]}
x = ex["an inbound ENI answers directly"]
assert x["from"] == "inbound:inbound@private-b"
assert x["answer"] == {"kind": "list", "values": ["10.0.1.25", "10.0.2.25"]}
assert ex["the same API name from the internet stays public"]["from"] == "internet"
assert ex["S3 from on-prem goes to the internet (gateway endpoints are VPC-only)"]["answer"]["kind"] == "public"
ld = {l["name"]: l for l in d["load"]}
st = ld["steady"]
assert st["from"] == "onprem:dc1-dns" and st["qps"] == 5000 and st["duration_ms"] == 10000
assert [(m["query"], m["qtype"], m["weight"]) for m in st["mix"]] == [
    ("{rand}.execute-api.eu-west-1.amazonaws.com", "A", 80), ("app.corp.example.com", "A", 20)]
assert st["slo"]["p99_ms"] == 60 and abs(st["slo"]["max_loss"] - 0.005) < 1e-12
assert st["slo"]["answers"]["kind"] == "private" and st["slo"]["p50_ms"] is None
tf = ld["tunnel-failover"]
assert [(e["at_ms"], e["action"], e["target"]) for e in tf["events"]] == [
    (4000, "down", "tunnel1"), (8000, "up", "tunnel1")]
assert tf["slo"]["answers"]["endpoint"] == "api"
PY

# A record type beyond A, with rdata, TTLs and an ALIAS to a DNS name, in a scenario of our own.
cat >"$TMP/records.yaml" <<'YAML'
scenario: records
region: eu-west-1
vpcs:
  v:
    cidr: 10.9.0.0/16
    subnets:
      a: {az: eu-west-1a, cidr: 10.9.1.0/24}
hosted_zones:
  example.internal:
    vpcs: [v]
    records: |
      www   120 A     10.9.1.5
      mail      MX    10 mx.example.internal.
      txt       TXT   "say \"hi\"" "tab\there"
      alias     ALIAS www.example.internal
expect:
  - name: "quote \" and backslash \\ in a name"
    from: vpc:v
    query: www.example.internal A
    answer: [10.9.1.5]
YAML
run_rc rc "$HYBRIDNS" lint "$TMP/records.yaml" --format=json
[ "$rc" -eq 0 ] || fail "lint records.yaml exited $rc: $(cat "$TMP/err")"
python3 - "$TMP/out" <<'PY' || fail "records JSON"
import json, sys
d = json.load(open(sys.argv[1]))
z = d["hosted_zones"][0]
r = {x["owner"] + " " + x["type"]: x for x in z["records"]}
assert r["www.example.internal A"]["rdata"] == "10.9.1.5" and r["www.example.internal A"]["ttl"] == 120
assert r["www.example.internal A"]["ttl_given"] is True
mx = r["mail.example.internal MX"]
assert mx["rdata"] == "10 mx.example.internal." and mx["ttl"] == 300 and mx["ttl_given"] is False, mx
# RFC 1035 escapes: \" stays escaped in presentation form, \t is a plain 't'.
assert r["txt.example.internal TXT"]["rdata"] == '"say \\"hi\\"" "tabthere"', r["txt.example.internal TXT"]["rdata"]
al = r["alias.example.internal ALIAS"]["alias"]
assert al["kind"] == "name" and al["target"] == "www.example.internal" and al["endpoint"] is None
assert d["expect"][0]["name"] == 'quote " and backslash \\ in a name'
PY

# ------------------------------------------------------------ usage errors
f=$SRCDIR/scenarios/shared-services.yaml
run_rc rc "$HYBRIDNS" lint "$f" --bogus
[ "$rc" -eq 2 ] || fail "bad flag: exit $rc, want 2"
grep -q -- "--bogus" "$TMP/err" || fail "bad flag not named: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "bad flag printed to stdout"

run_rc rc "$HYBRIDNS" lint "$f" --format xml
[ "$rc" -eq 2 ] || fail "bad format: exit $rc, want 2"
grep -q "xml" "$TMP/err" || fail "bad format not named: $(cat "$TMP/err")"

run_rc rc "$HYBRIDNS" lint "$f" --format
[ "$rc" -eq 2 ] || fail "--format without value: exit $rc, want 2"

run_rc rc "$HYBRIDNS" lint
[ "$rc" -eq 2 ] || fail "no scenario: exit $rc, want 2"
grep -q "usage" "$TMP/err" || fail "no usage line: $(cat "$TMP/err")"

run_rc rc "$HYBRIDNS" lint "$f" "$f"
[ "$rc" -eq 2 ] || fail "two scenarios: exit $rc, want 2"

run_rc rc "$HYBRIDNS" lint "$TMP/does-not-exist.yaml"
[ "$rc" -eq 2 ] || fail "missing file: exit $rc, want 2"
grep -q "does-not-exist.yaml" "$TMP/err" || fail "missing file not named: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "missing file printed to stdout"

run_rc rc "$HYBRIDNS" lint --help
[ "$rc" -eq 0 ] || fail "--help: exit $rc"
grep -q "usage: hybridns lint" "$TMP/out" || fail "--help prints no usage"

# ------------------------------------------------------- invalid scenarios
# An ENI outside its subnet (line 13) and an unknown key (line 15): both reported, located.
cat >"$TMP/bad.yaml" <<'YAML'
scenario: bad
region: eu-west-1
vpcs:
  v:
    cidr: 10.9.0.0/16
    subnets:
      a: {az: eu-west-1a, cidr: 10.9.1.0/24}
      b: {az: eu-west-1b, cidr: 10.9.2.0/24}
endpoints:
  api:
    type: interface
    service: com.amazonaws.eu-west-1.execute-api
    vpc: v
    enis: {a: 10.9.9.25, b: 10.9.2.25}
    privat_dns: false
YAML
for fmt in text json; do
	run_rc rc "$HYBRIDNS" lint "$TMP/bad.yaml" --format "$fmt"
	[ "$rc" -eq 2 ] || fail "invalid scenario ($fmt): exit $rc, want 2"
	[ ! -s "$TMP/out" ] || fail "invalid scenario ($fmt) printed to stdout: $(cat "$TMP/out")"
	grep -Eq "bad\.yaml:14:[0-9]+: .*10\.9\.9\.25" "$TMP/err" ||
		fail "ENI outside its subnet not located at line 14: $(cat "$TMP/err")"
	grep -Eq "bad\.yaml:15:[0-9]+: .*privat_dns" "$TMP/err" ||
		fail "unknown key not located at line 15: $(cat "$TMP/err")"
done

# A YAML syntax error is located too.
printf 'scenario: x\nregion: eu-west-1\nvpcs: {a: [\n' >"$TMP/syntax.yaml"
run_rc rc "$HYBRIDNS" lint "$TMP/syntax.yaml"
[ "$rc" -eq 2 ] || fail "YAML syntax error: exit $rc, want 2"
grep -Eq "syntax\.yaml:[0-9]+:[0-9]+:" "$TMP/err" || fail "syntax error not located: $(cat "$TMP/err")"

echo "lint: ${#scenarios[@]} scenarios and ${#labs[@]} labs OK"
