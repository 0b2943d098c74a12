#!/usr/bin/env bash
# hybridns report: one self-contained file for a change review.
#
# HTML: written for a scenario with one expectation made to fail (exit 1,
# the report written anyway) and a short load run; opened in a real
# headless Chromium inside a network namespace of its own (unshare --net),
# with a fresh profile and Chromium's background traffic turned off.  The
# page must log nothing to the console, start no request of its own (the
# net log: every URL request whose initiator is a page), and its DOM must
# hold the summary, the diagram's <svg>, the matrix table with one row per
# name `matrix --format json` lists, the failed expectation with its trace
# and the load tables.  A screenshot is kept as an artefact in the build
# dir (report-screenshot.png).  A copy of the page with an image from the
# network and a console.error must fail both checks (the checks can fail).
# Markdown: rendered by cmark-gfm (GitHub's CommonMark with tables): the
# tables and their rows are counted; the diagram is an SVG file beside it.
# Usage errors exit 2.  Missing chromium, cmark-gfm, unshare or dot fail.
. "$SRCDIR/tests/integration/lib.sh"

for tool in chromium cmark-gfm unshare dot; do
	command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/packages.txt)"
done
ART=${BUILDDIR:-$TMP}

# A scenario with one expectation that fails: the peered VPC expects private.
sed '/name: SSM from the peered VPC is public/,/answer:/s/answer: public/answer: private/' \
	"$SRCDIR/scenarios/private-dns.yaml" >"$TMP/broken.yaml"
grep -q 'answer: private' "$TMP/broken.yaml" || fail "could not break an expectation"

# ------------------------------------------------------------------ HTML
run_rc rc "$HYBRIDNS" report "$TMP/broken.yaml" -o "$TMP/report.html" --load onprem-mix \
	--load-duration 1 --seed 7
[ "$rc" -eq 1 ] || fail "report of a failing scenario exited $rc, not 1: $(cat "$TMP/err")"
[ -s "$TMP/report.html" ] || fail "no report.html"
# self-contained: nothing the browser could fetch
! grep -qiE '<(script|link|iframe|img|object|embed)\b|src=|@import|url\(\s*["'"'"']?(https?:)?//|href=["'"'"'](https?:)?//' "$TMP/report.html" ||
	fail "report.html refers to something outside it"
"$HYBRIDNS" matrix "$TMP/broken.yaml" --format json >"$TMP/matrix.json"

# chromium_run NAME PAGE ARGS...: a headless Chromium on PAGE with no network;
# its stderr in $TMP/NAME.err, its net log in $TMP/NAME.net.json.
chromium_run() {
	local name=$1 page=$2
	shift 2
	rm -rf "$TMP/profile-$name"
	DBUS_SESSION_BUS_ADDRESS=disabled: timeout 60 unshare --net chromium --headless \
		--no-sandbox --disable-gpu --no-first-run --user-data-dir="$TMP/profile-$name" \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-default-apps --disable-domain-reliability --no-pings \
		--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate \
		--enable-logging=stderr --v=0 --log-net-log="$TMP/$name.net.json" \
		"$@" "file://$page" 2>"$TMP/$name.err"
}

# browser_judge NAME: no console message from the page, no request it started
# (every problem on stderr, exit 1 when there is one).
browser_judge() {
	python3 - "$TMP/$1.err" "$TMP/$1.net.json" <<'PY'
import json, sys
bad = []
err = open(sys.argv[1], errors="replace").read().splitlines()
# Chromium's own pages (chrome://, its UI) may log too ("Slow network is detected" from
# its omnibox, seen under ASan load): only messages of other sources count.
bad += ["console: " + l for l in err if ":CONSOLE" in l and "source: chrome://" not in l]
d = json.load(open(sys.argv[2]))
types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
# Chromium's own background requests carry no origin ("not an origin");
# a page's requests carry the page's (a file page's origin is "null").
for e in d["events"]:
    p = e.get("params", {})
    if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p:
        if p.get("initiator") != "not an origin" and not p["url"].startswith(("file:", "data:")):
            bad.append("the page requested " + p["url"])
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# The page and a copy of it with an image from the network and a console
# message (the checks must catch both), in two browsers side by side.
sed 's|<main>|<main><img src="http://203.0.113.7/x.png"><script>console.error("boom")</script>|' \
	"$TMP/report.html" >"$TMP/bad.html"
chromium_run dom "$TMP/report.html" --window-size=1400,2400 --screenshot="$ART/report-screenshot.png" \
	--dump-dom >"$TMP/dom.html" &
dom_pid=$!
chromium_run bad "$TMP/bad.html" --dump-dom >/dev/null &
bad_pid=$!
PIDS+=("$dom_pid" "$bad_pid")
wait "$dom_pid" || fail "chromium --dump-dom --screenshot failed: $(tail -3 "$TMP/dom.err")"
wait "$bad_pid" || true
browser_judge dom || fail "the report is not self-contained in a real browser"
python3 - "$TMP/dom.html" "$TMP/matrix.json" <<'PY' || fail "the report's DOM lacks a section"
import json, re, sys
from html.parser import HTMLParser
dom = open(sys.argv[1]).read()
mx = json.load(open(sys.argv[2]))
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.rows, self.svg_in = [], set(), {}, set()
        self.tables = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "section":
            self.stack.append(a.get("id"))
        if tag == "svg" and self.stack:
            self.svg_in.add(self.stack[-1])
        if tag == "table":
            self.tables.append(a.get("id") or a.get("class"))
            self.rows.setdefault(self.tables[-1], 0)
        if tag == "tr" and self.tables:
            self.rows[self.tables[-1]] += 1
    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()
        if tag == "table" and self.tables:
            self.tables.pop()
p = P()
p.feed(dom)
for s in ["summary", "diagram", "lint", "checks", "matrix", "load"]:
    if s not in p.ids:
        sys.exit("no section " + s)
if "diagram" not in p.svg_in:
    sys.exit("no <svg> in the diagram section")
if "load" not in p.svg_in and "summary table only" not in dom:
    sys.exit("load: neither plots nor the note that there are none")
mrows = [k for k in p.rows if k and "hns-matrix" in k]
if not mrows:
    sys.exit("no matrix table: tables %s" % p.rows)
if p.rows[mrows[0]] != len(mx["names"]) + 1:
    sys.exit("matrix rows %d, names %d" % (p.rows[mrows[0]], len(mx["names"])))
if p.rows.get("checks-table") != 10:
    sys.exit("checks table rows %s, not 9 + header" % p.rows.get("checks-table"))
if "SSM from the peered VPC is public" not in dom or "why, and the trace" not in dom:
    sys.exit("the failed expectation or its trace is missing")
if not re.search(r"<code>vpc:peer</code>", dom):
    sys.exit("the failure's hops are missing")
if "HNS111" not in dom:
    sys.exit("the lint finding HNS111 is missing")
if p.rows.get("load-runs") != 2 or (p.rows.get("load-slos") or 0) < 2:
    sys.exit("load tables: %s %s" % (p.rows.get("load-runs"), p.rows.get("load-slos")))
PY

[ -s "$ART/report-screenshot.png" ] || fail "no screenshot"
head -c 8 "$ART/report-screenshot.png" | od -An -c | grep -q 'P   N   G' || fail "the screenshot is no PNG"

# The checks can fail: the copy with an image from the network and a console message.
browser_judge bad 2>"$TMP/bad.why" && fail "a page with a console error and a fetch passed"
grep -q 'console: .*boom' "$TMP/bad.why" || fail "the console message was not caught: $(cat "$TMP/bad.why")"
grep -q 'requested http://203.0.113.7/x.png' "$TMP/bad.why" || fail "the fetch was not caught: $(cat "$TMP/bad.why")"

# -------------------------------------------------------------- Markdown
run_rc rc "$HYBRIDNS" report "$TMP/broken.yaml" -o "$TMP/review.md" --seed 7
[ "$rc" -eq 1 ] || fail "markdown report exited $rc, not 1: $(cat "$TMP/err")"
[ -s "$TMP/review.svg" ] || fail "no review.svg beside review.md"
grep -q '^<svg' "$TMP/review.svg" || fail "review.svg is no SVG"
grep -qF '![topology diagram](review.svg)' "$TMP/review.md" || fail "the diagram is not linked"
cmark-gfm -e table "$TMP/review.md" >"$TMP/review.html" || fail "cmark-gfm rejects review.md"
python3 - "$TMP/review.html" "$TMP/matrix.json" <<'PY' || fail "review.md does not render as the tables expected"
import json, re, sys
html = open(sys.argv[1]).read()
mx = json.load(open(sys.argv[2]))
tables = re.findall(r"<table>(.*?)</table>", html, re.S)
# summary, lint (HNS111: the broken expectation), expectations, the failure's trace, matrix
if len(tables) != 5:
    sys.exit("%d tables, not 5" % len(tables))
rows = [len(re.findall(r"<tr>", t)) for t in tables]
if rows[0] != 13 or rows[1] != 2 or rows[2] != 10 or rows[3] < 3 or rows[4] != len(mx["names"]) + 1:
    sys.exit("rows per table %s (names %d)" % (rows, len(mx["names"])))
if "HNS111" not in tables[1]:
    sys.exit("the lint table lacks HNS111")
cols = len(re.findall(r"<th>", tables[4].split("</tr>")[0]))
if cols != len(mx["places"]) + 2:
    sys.exit("matrix columns %d, places %d" % (cols, len(mx["places"])))
PY
# ----------------------------------------------------------- usage errors
for args in "" "$SRCDIR/scenarios/private-dns.yaml" \
	"$SRCDIR/scenarios/private-dns.yaml -o $TMP/x.html --format pdf" \
	"$SRCDIR/scenarios/private-dns.yaml -o $TMP/x.html --load nope" \
	"$SRCDIR/scenarios/private-dns.yaml -o $TMP/x.html --load-duration 1" \
	"$TMP/missing.yaml -o $TMP/x.html"; do
	# shellcheck disable=SC2086
	run_rc rc "$HYBRIDNS" report $args
	[ "$rc" -eq 2 ] || fail "report $args exited $rc, not 2"
	[ -s "$TMP/err" ] || fail "report $args: no message"
done
run_rc rc "$HYBRIDNS" report "$SRCDIR/scenarios/private-dns.yaml" -o "$TMP/no/such/dir/r.html"
[ "$rc" -eq 3 ] || fail "an unwritable -o exited $rc, not 3"
grep -q 'no/such/dir/r.html' "$TMP/err" || fail "an unwritable -o: the path is not named: $(cat "$TMP/err")"
[ ! -e "$TMP/x.html" ] || fail "a failed report left x.html behind"
echo "report: HTML opened in chromium (no console message, no request), Markdown renders its tables"
