#!/usr/bin/env bash
# hybridns graph: every shipped scenario (and lab) gives a DOT graph (exit 0)
# that names its VPCs, ENI IPs, resolver endpoints, tunnels, on-prem
# resolvers, rules and hosted zones; labels are escaped (a description with
# quotes and backslashes still parses); Graphviz's `dot` accepts every
# graph and --format svg gives SVG; with no dot on PATH --format svg exits 3;
# usage errors exit 2.  A missing dot is a failure (package graphviz).
. "$SRCDIR/tests/integration/lib.sh"

command -v dot >/dev/null || fail "dot is not installed (package graphviz, scripts/packages.txt)"

shopt -s nullglob
scenarios=("$SRCDIR"/scenarios/*.yaml "$SRCDIR"/scenarios/labs/*.yaml)
[ ${#scenarios[@]} -ge 5 ] || fail "expected at least 5 scenarios, found ${#scenarios[@]}"

for f in "${scenarios[@]}"; do
	b=$(basename "$f" .yaml)
	run_rc rc "$HYBRIDNS" graph "$f"
	[ "$rc" -eq 0 ] || fail "graph $b exited $rc: $(cat "$TMP/err")"
	[ ! -s "$TMP/err" ] || fail "graph $b wrote to stderr: $(cat "$TMP/err")"
	cp "$TMP/out" "$TMP/$b.dot"
	head -1 "$TMP/$b.dot" | grep -q '^digraph "' || fail "graph $b: not a digraph"
	tail -1 "$TMP/$b.dot" | grep -qx '}' || fail "graph $b: not closed"

	# What the graph must show, taken from the model (lint --format json).
	"$HYBRIDNS" lint --format json --fail-on none "$f" >"$TMP/$b.json"
	python3 - "$TMP/$b.json" "$TMP/$b.dot" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
dot = open(sys.argv[2]).read()
want = []
for v in d["vpcs"]:
    want += ["VPC " + v["name"] + " (", "Route 53 Resolver (+2)\\n" + v["dns_address"]]
    want += ["subnet " + s["name"] for s in v["subnets"]]
for e in d["endpoints"]:
    want.append(("interface" if e["type"] == "interface" else "gateway") + " endpoint " + e["name"])
    if e["type"] == "interface":
        want.append("private DNS " + ("on" if e["private_dns"] else "off"))
    want += ['label="' + n["ip"] + "\\n" for n in e.get("enis", [])]
res = d.get("resolver") or {}
for r in res.get("endpoints", []):
    want.append(r["direction"] + " endpoint " + r["name"])
    want += ['label="' + n["ip"] + "\\n" for n in r["enis"]]
for r in res.get("rules", []):
    want.append("rule " + r["name"] + "\\n")
for z in d.get("hosted_zones", []):
    want.append(" hosted zone " + z["name"])
for r in (d.get("onprem") or {}).get("resolvers", []):
    want.append('label="' + r["name"] + "\\n")
    want += ["forward " + (f["zone"] or ".") + "\\n" for f in r.get("forward", [])]
vpn = d.get("vpn") or {}
for t in vpn.get("tunnels", []):
    want.append('label="' + t["name"] + "\\n" + t["state"] + ", ")
missing = [w for w in want if w not in dot]
if missing:
    sys.exit("missing from %s: %s" % (sys.argv[2], missing))
# one cluster per VPC, and one routed edge per VPN VPC
n = len(re.findall(r'subgraph "cluster_vpc\d+"', dot))
if n != len(d["vpcs"]):
    sys.exit("%d VPC clusters for %d VPCs" % (n, len(d["vpcs"])))
if vpn.get("tunnels") and dot.count('label="routed"') != len(vpn["vpcs"]):
    sys.exit("routed edges != VPN VPCs")
PY
	dot -Tsvg "$TMP/$b.dot" >"$TMP/$b.svg" 2>"$TMP/dot.err" ||
		fail "dot rejects graph $b: $(cat "$TMP/dot.err")"
	[ ! -s "$TMP/dot.err" ] || fail "dot warns on graph $b: $(cat "$TMP/dot.err")"
done

# The on-prem forward zones point at the inbound ENIs (shared-services).
ss="$TMP/shared-services.dot"
grep -q '"op0_f0" -> "re0_eni0"' "$ss" || fail "forward zone not wired to inbound ENI"
grep -q '"rule0" -> "op0"' "$ss" || fail "rule target not wired to on-prem resolver"

# ------------------------------------------------- escaping of labels
sed -e 's/^scenario: .*/scenario: esc "quoted" \\back/' \
	-e '/^description:/,/^[a-z]/{/^description:/d;/^  /d}' \
	"$SRCDIR/scenarios/shared-services.yaml" >"$TMP/esc.yaml"
grep -q '^scenario: esc' "$TMP/esc.yaml" || fail "could not make the escaping scenario"
run_rc rc "$HYBRIDNS" graph "$TMP/esc.yaml"
[ "$rc" -eq 0 ] || fail "graph of escaping scenario exited $rc: $(cat "$TMP/err")"
grep -qF 'digraph "esc \"quoted\" \\back"' "$TMP/out" || fail "name not escaped: $(head -2 "$TMP/out")"
dot -Tsvg "$TMP/out" >/dev/null 2>"$TMP/dot.err" || fail "dot rejects escaped graph: $(cat "$TMP/dot.err")"

# ------------------------------------------------- -o FILE and svg
run_rc rc "$HYBRIDNS" graph "$SRCDIR/scenarios/shared-services.yaml" -o "$TMP/o.dot"
[ "$rc" -eq 0 ] || fail "-o exited $rc"
[ ! -s "$TMP/out" ] || fail "-o still wrote to stdout"
cmp -s "$TMP/o.dot" "$ss" || fail "-o FILE differs from stdout"

run_rc rc "$HYBRIDNS" graph "$SRCDIR/scenarios/shared-services.yaml" --format svg
[ "$rc" -eq 0 ] || fail "--format svg exited $rc: $(cat "$TMP/err")"
grep -q '<svg' "$TMP/out" || fail "--format svg gave no <svg>"
grep -q '10.0.1.10' "$TMP/out" || fail "svg lacks the inbound ENI IP"
# Without dot on PATH, svg is a runtime failure (3) naming graphviz.
mkdir -p "$TMP/nodot"
run_rc rc env PATH="$TMP/nodot" "$HYBRIDNS" graph "$SRCDIR/scenarios/shared-services.yaml" --format svg
[ "$rc" -eq 3 ] || fail "--format svg with no dot exited $rc, not 3"
grep -qi 'install graphviz' "$TMP/err" || fail "no hint to install graphviz: $(cat "$TMP/err")"

# ------------------------------------------------- usage errors exit 2
for args in "" "--format" "--format png $SRCDIR/scenarios/shared-services.yaml" \
	"--bogus $SRCDIR/scenarios/shared-services.yaml" "$TMP/does-not-exist.yaml" \
	"$SRCDIR/scenarios/shared-services.yaml $SRCDIR/scenarios/az-failover.yaml" "-o"; do
	# shellcheck disable=SC2086
	run_rc rc "$HYBRIDNS" graph $args
	[ "$rc" -eq 2 ] || fail "graph $args exited $rc, not 2"
	[ -s "$TMP/err" ] || fail "graph $args: no message"
done
printf 'vpcs: [\n' >"$TMP/bad.yaml"
run_rc rc "$HYBRIDNS" graph "$TMP/bad.yaml"
[ "$rc" -eq 2 ] || fail "invalid scenario exited $rc, not 2"
grep -q 'bad.yaml:' "$TMP/err" || fail "invalid scenario message not located: $(cat "$TMP/err")"
echo "graph: ${#scenarios[@]} scenarios OK, each accepted by dot"
