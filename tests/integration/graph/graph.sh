#!/usr/bin/env bash
# hybridns graph: every shipped scenario (and lab) gives a DOT graph (exit 0)
# that names its VPCs, ENI IPs, resolver endpoints, tunnels, on-prem
# resolvers, rules and hosted zones; labels are escaped (a description with
# quotes and backslashes still parses); Graphviz's `dot` accepts every
# graph and --format svg gives SVG; with no dot on PATH --format svg exits 3;
# usage errors exit 2.  A missing dot is a failure (package graphviz).
# The layout: forwarding runs through the tunnel (forward zone -> customer
# gateway -> tunnel -> VPN gateway -> inbound ENI, outbound ENI -> VPN
# gateway -> tunnel -> customer gateway -> on-prem target), a legend, and
# at most the counted edge crossings on the shipped scenarios (crossings.py
# on dot's own layout).  --highlight draws one query's path; the DOT text is
# the same run after run.
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
if vpn.get("tunnels"):
    for v in vpn["vpcs"]:
        if not re.search(r'"vgw" \[[^\]]*attached to[^\]]*\b' + re.escape(v) + r'\b', dot):
            sys.exit("VPN gateway does not name its VPC " + v)
if '"legend" [shape=plaintext' not in dot:
    sys.exit("no legend")
PY
	dot -Tsvg -o "$TMP/$b.svg" -Tplain -o "$TMP/$b.plain" "$TMP/$b.dot" 2>"$TMP/dot.err" ||
		fail "dot rejects graph $b: $(cat "$TMP/dot.err")"
	[ ! -s "$TMP/dot.err" ] || fail "dot warns on graph $b: $(cat "$TMP/dot.err")"
done

# Forwarding runs through the tunnel, both ways (shared-services).
ss="$TMP/shared-services.dot"
for e in '"op0_f0" -> "cgw"' '"cgw" -> "tun0"' '"tun0" -> "vgw"' '"vgw" -> "re0_eni0"' \
	'"vgw" -> "re1_eni0" [color="#d9822b", dir=back' '"op0" -> "cgw" [label="rule corp"'; do
	grep -qF "$e" "$ss" || fail "shared-services: no edge $e"
done
! grep -qE '"op[0-9]+(_f[0-9]+)?" -> "re[0-9]+_eni' "$ss" || fail "a forward bypasses the tunnel"
! grep -qE '"rule[0-9]+" -> "op[0-9]+"' "$ss" || fail "a rule target bypasses the tunnel"

# Edge crossings on dot's layout of each shipped scenario: at most these
# (the ones left are two fans into the same consumer VPCs: peering and the
# zones' junction; no ordering removes them all).
declare -A max_cross=([az-failover]=0 [cross-region]=1 [private-dns]=0
	[s3-gateway-vs-interface]=0 [shared-services]=2 [forward-rule-shadows-phz]=1)
for f in "$SRCDIR"/scenarios/labs/*.yaml; do
	b=$(basename "$f" .yaml)
	[ -n "${max_cross[$b]:-}" ] || max_cross[$b]=0
done
for b in "${!max_cross[@]}"; do
	n=$(python3 "$SRCDIR/tests/integration/graph/crossings.py" <"$TMP/$b.plain")
	[ "$n" -le "${max_cross[$b]}" ] || fail "$b: $n edge crossings, at most ${max_cross[$b]} expected"
done
# the counter itself counts: two edges drawn across each other are one crossing
printf 'digraph { rankdir=LR; a -> d; b -> c; {rank=same; a; b} {rank=same; c; d} a -> b [style=invis]; c -> d [style=invis]; }' |
	dot -Tplain | python3 "$SRCDIR/tests/integration/graph/crossings.py" >"$TMP/x"
[ "$(cat "$TMP/x")" = 1 ] || fail "crossings.py counts $(cat "$TMP/x") crossings on an X, not 1"

# The same DOT run after run.
"$HYBRIDNS" graph "$SRCDIR/scenarios/shared-services.yaml" | cmp -s - "$ss" || fail "graph is not deterministic"

# --highlight: the query's path is drawn bold red, the rest faded.
hl='color="#d62728", fontcolor="#d62728", penwidth=3.5'
run_rc rc "$HYBRIDNS" graph "$SRCDIR/scenarios/shared-services.yaml" \
	--highlight abcd.execute-api.eu-west-1.amazonaws.com --from onprem --seed 1
[ "$rc" -eq 0 ] || fail "--highlight exited $rc: $(cat "$TMP/err")"
for e in '"op0" -> "op0_f0"' '"op0_f0" -> "cgw"' '"cgw" -> "tun0"' '"tun0" -> "vgw"' \
	'"vgw" -> "re0_eni0"' '"re0_eni0" -> "re0"' '"re0" -> "vpc0_dns"' '"vpc0_dns" -> "hz0"'; do
	grep -F "$e" "$TMP/out" | grep -qF "$hl" || fail "--highlight: $e not on the path"
done
[ "$(grep -cF "$hl" "$TMP/out")" -eq 8 ] || fail "--highlight: $(grep -cF "$hl" "$TMP/out") edges on the path, not 8"
grep -F '"cgw" -> "tun1"' "$TMP/out" | grep -qF 'color="#d0d0d0"' || fail "--highlight: the standby tunnel is not faded"
grep -q 'highlighted: abcd.execute-api.eu-west-1.amazonaws.com A from onprem' "$TMP/out" || fail "--highlight: no title"
dot -Tsvg "$TMP/out" >/dev/null 2>"$TMP/dot.err" && [ ! -s "$TMP/dot.err" ] || fail "dot rejects the highlight: $(cat "$TMP/dot.err")"
# an on-prem name asked from a consumer VPC goes rule -> outbound -> tunnel -> on-prem
run_rc rc "$HYBRIDNS" graph "$SRCDIR/scenarios/shared-services.yaml" --highlight app.corp.example.com --from vpc:consumer-2
[ "$rc" -eq 0 ] || fail "--highlight from a VPC exited $rc: $(cat "$TMP/err")"
for e in '"rule0" -> "junction0"' '"re1" -> "rule0"' '"vgw" -> "re1_eni0"' '"op0" -> "cgw"'; do
	grep -F "$e" "$TMP/out" | grep -qF "$hl" || fail "--highlight from consumer-2: $e not on the path"
done

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
	"$SRCDIR/scenarios/shared-services.yaml $SRCDIR/scenarios/az-failover.yaml" "-o" \
	"--from onprem $SRCDIR/scenarios/shared-services.yaml" \
	"--highlight a..b $SRCDIR/scenarios/shared-services.yaml" \
	"--highlight x.example.com --from vpc:nope $SRCDIR/scenarios/shared-services.yaml" \
	"--highlight x.example.com --type BOGUS $SRCDIR/scenarios/shared-services.yaml"; do
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
