#!/usr/bin/env bash
# hybridns matrix as a user runs it: the default scenario's cells, every
# format (JSON contract, Markdown table, self-contained HTML), colours only
# on a terminal without NO_COLOR, --names rows and their located errors,
# and bad flags and files (exit 2).
. "$SRCDIR/tests/integration/lib.sh"

def="$SRCDIR/scenarios/shared-services.yaml"
start=$(date +%s%N)
"$HYBRIDNS" matrix "$def" >"$TMP/m.txt" || fail "matrix (text) exited $?"
echo "matrix of the default scenario: $(( ($(date +%s%N) - start) / 1000000 )) ms"

# 1. Text: a row per name, a column per place, no escape codes when piped.
grep -q '^NAME .*onprem:dc1-dns .*vpc:consumer-1 .*inbound:inbound@private-a .*internet' "$TMP/m.txt" ||
	fail "text header lacks the places: $(head -2 "$TMP/m.txt")"
grep -Eq '^abcd1234\.execute-api\.eu-west-1\.amazonaws\.com +A +private\(api,2\) .* public *$' "$TMP/m.txt" ||
	fail "the execute-api sample row is not private from on-prem and public from the internet: $(cat "$TMP/m.txt")"
grep -Eq '^app\.corp\.example\.com +A +private .*NXDOMAIN *$' "$TMP/m.txt" || fail "the on-prem record row is wrong"
! grep -q $'\033' "$TMP/m.txt" || fail "escape codes in piped output"

# 2. Colours on a terminal, none with NO_COLOR.
script -qec "\"$HYBRIDNS\" matrix \"$def\"" /dev/null </dev/null >"$TMP/tty.txt" || fail "matrix on a tty exited $?"
grep -q $'\033\\[32mprivate(api,2)' "$TMP/tty.txt" || fail "no colours on a terminal"
NO_COLOR=1 script -qec "\"$HYBRIDNS\" matrix \"$def\"" /dev/null </dev/null >"$TMP/nc.txt" || fail "NO_COLOR run exited $?"
! grep -q $'\033\\[3' "$TMP/nc.txt" || fail "colours despite NO_COLOR"

# 3. JSON: the contract, the cells the README promises.
"$HYBRIDNS" matrix "$def" --format json -o "$TMP/m.json" || fail "matrix --format json exited $?"
python3 - "$TMP/m.json" <<'PY' || fail "JSON contract"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["scenario"] == "shared-services-api-gateway"
assert d["places"] == ["onprem:dc1-dns", "vpc:shared-services", "vpc:consumer-1", "vpc:consumer-2",
                       "vpc:consumer-3", "inbound:inbound@private-a", "inbound:inbound@private-b", "internet"], d["places"]
assert all(set(n) >= {"name", "type"} for n in d["names"])
for c in d["cells"]:
    assert set(c) >= {"name", "type", "place", "class", "rcode", "answers", "endpoint"}, c
cell = {(c["name"], c["type"], c["place"]): c for c in d["cells"]}
c = cell[("abcd1234.execute-api.eu-west-1.amazonaws.com", "A", "vpc:consumer-1")]
assert c["class"] == "private" and c["endpoint"] == "api" and sorted(c["answers"]) == ["10.0.1.25", "10.0.2.25"], c
assert c["text"] == "private (endpoint api, 2 IPs)", c
c = cell[("abcd1234.execute-api.eu-west-1.amazonaws.com", "A", "internet")]
assert c["class"] == "public" and c["endpoint"] is None and c["answers"] == ["3.248.0.40"], c
c = cell[("app.corp.example.com", "A", "internet")]
assert c["class"] == "nxdomain" and c["rcode"] == "NXDOMAIN", c
c = cell[("execute-api.eu-west-1.amazonaws.com", "A", "internet")]
assert c["class"] == "nodata" and c["rcode"] == "NOERROR" and c["answers"] == [], c
c = cell[("ssm.eu-west-1.amazonaws.com", "A", "onprem:dc1-dns")]
assert c["class"] == "private" and c["endpoint"] == "ssm", c
PY

# 4. Markdown: one GitHub table, as many columns in every row.
"$HYBRIDNS" matrix "$def" --format markdown >"$TMP/m.md" || fail "markdown exited $?"
python3 - "$TMP/m.md" <<'PY' || fail "Markdown table"
import re, sys
rows = [l.rstrip("\n") for l in open(sys.argv[1]) if l.startswith("|")]
cols = lambda l: len(re.split(r"(?<!\\)\|", l)) - 2
assert len(rows) >= 12 and re.fullmatch(r"\|( --- \|)+", rows[1]), rows[:2]
assert len({cols(l) for l in rows}) == 1 and cols(rows[0]) == 10, [cols(l) for l in rows]
assert any("private (endpoint api, 2 IPs)" in l for l in rows)
PY

# 5. HTML: a page that parses, fetches nothing, carries the tooltips.
"$HYBRIDNS" matrix "$def" --format html -o "$TMP/m.html" || fail "html exited $?"
python3 - "$TMP/m.html" <<'PY' || fail "HTML page"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.cells = 0; s.titles = []; s.fetch = []
    def handle_starttag(s, t, a):
        a = dict(a)
        if t not in ("meta", "br"): s.stack.append(t)
        for k in ("src", "href"):
            if k in a: s.fetch.append((t, a[k]))
        if t == "td" and a.get("class", "").startswith("hns-") and a["class"] != "hns-name":
            s.cells += 1; s.titles.append(a.get("title", ""))
    def handle_endtag(s, t):
        assert s.stack and s.stack[-1] == t, (t, s.stack[-3:]); s.stack.pop()
p = P(); p.feed(open(sys.argv[1]).read()); p.close()
assert not p.stack, p.stack
assert not p.fetch, p.fetch
assert p.cells == 14 * 8, p.cells
assert any("10.0.1.25 10.0.2.25 (NOERROR" in t for t in p.titles), p.titles[:3]
PY
grep -q '<style>' "$TMP/m.html" && ! grep -qi 'http[s]*://' "$TMP/m.html" || fail "the page is not self-contained"

# 6. --names: rows added (a public name, another type), comments and blanks ignored.
printf '# extra rows\n\nwww.example.com\napp.corp.example.com AAAA  # no AAAA there\n' >"$TMP/names.txt"
"$HYBRIDNS" matrix "$def" --names "$TMP/names.txt" --format json -o "$TMP/n.json" || fail "--names exited $?"
python3 - "$TMP/n.json" <<'PY' || fail "--names rows"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["names"]) == 16, len(d["names"])
cell = {(c["name"], c["type"], c["place"]): c for c in d["cells"]}
assert cell[("www.example.com", "A", "vpc:consumer-1")]["class"] == "public"
assert cell[("app.corp.example.com", "AAAA", "onprem:dc1-dns")]["class"] == "nodata"
PY

# 7. Bad input: exit 2 with the place named.
printf 'ok.example.com\nnot..a.name A\n' >"$TMP/bad.txt"
run_rc rc "$HYBRIDNS" matrix "$def" --names "$TMP/bad.txt"
[ "$rc" = 2 ] || fail "a bad names line exited $rc"
grep -q "$TMP/bad.txt:2:1: 'not..a.name' is not a DNS name" "$TMP/err" || fail "bad names line message: $(cat "$TMP/err")"
printf 'x.example.com BOGUS\n' >"$TMP/bad2.txt"
run_rc rc "$HYBRIDNS" matrix "$def" --names "$TMP/bad2.txt"
[ "$rc" = 2 ] && grep -q "bad2.txt:1:15: 'BOGUS' is not a DNS record type" "$TMP/err" || fail "bad type: $rc $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" matrix "$def" --names "$TMP/missing.txt"
[ "$rc" = 2 ] && grep -q "missing.txt" "$TMP/err" || fail "missing names file: $rc $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" matrix "$def" --format xml
[ "$rc" = 2 ] && grep -q -- "--format" "$TMP/err" || fail "--format xml exited $rc: $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" matrix
[ "$rc" = 2 ] || fail "matrix without a scenario exited $rc"
run_rc rc "$HYBRIDNS" matrix "$def" "$def"
[ "$rc" = 2 ] || fail "matrix with two scenarios exited $rc"
run_rc rc "$HYBRIDNS" matrix "$TMP/nosuch.yaml"
[ "$rc" = 2 ] || fail "a missing scenario exited $rc"
printf 'scenario: x\nvpcs: {a: {cidr: nope}}\n' >"$TMP/broken.yaml"
run_rc rc "$HYBRIDNS" matrix "$TMP/broken.yaml"
[ "$rc" = 2 ] && grep -q "broken.yaml:2:" "$TMP/err" || fail "an invalid scenario exited $rc: $(cat "$TMP/err")"
run_rc rc "$HYBRIDNS" matrix "$def" --seed nope
[ "$rc" = 2 ] || fail "--seed nope exited $rc"
"$HYBRIDNS" matrix --help | grep -q -- '--names FILE' || fail "matrix --help lacks --names"
"$HYBRIDNS" --help | grep -q 'hybridns matrix SCENARIO' || fail "hybridns --help lacks matrix"
echo ok
