/*
 * harness/report_html.c -- the report as one self-contained HTML page.
 *
 * Everything is inline: the CSS in a <style>, the diagram and the load
 * plots as <svg> elements, no script, no link, no font or image to fetch,
 * so the page opens the same offline, attached to a ticket.  Sections
 * (ids for links): summary, diagram, lint, checks, matrix, load.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/error.h"
#include "harness/check.h"
#include "harness/matrix.h"
#include "harness/report.h"
#include "lint/lint.h"
#include "model/model.h"

#define H matrix_html_text /* escaped text and attribute values */

static const char report_css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
	"margin:1.5em auto;max-width:1400px;padding:0 1em;color:#1b1f24}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;"
	"margin-top:1.6em}\n"
	"table.hns{border-collapse:collapse;margin:.5em 0;font-size:.9em}\n"
	"table.hns th,table.hns td{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;"
	"vertical-align:top}\n"
	"table.hns th{background:#f6f8fa}\n"
	".pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}\n"
	".error{color:#cf222e}.warning{color:#9a6700}.info{color:#0969da}.suppressed{color:#6e7781}\n"
	".muted{color:#6e7781}.diagram{overflow-x:auto;border:1px solid #d0d7de;padding:.5em}\n"
	".diagram svg{max-width:100%;height:auto}\n"
	"details{margin:.3em 0}pre{background:#f6f8fa;padding:.5em;overflow-x:auto}\n"
	"nav a{margin-right:1em}\n";

/* ------------------------------------------------------------- summary */

static void
report_html_summary(const struct report *r, FILE *out)
{
	const struct model *m = r->m;
	const char *what[REPORT_SUMMARY_ROWS];
	size_t n[REPORT_SUMMARY_ROWS], rows = report_summary_counts(m, what, n);
	char verdict[256];

	fputs("<section id=\"summary\"><h2>Summary</h2>\n<p>", out);
	if (m->description)
		H(out, m->description);
	fputs("</p>\n<table class=\"hns\"><tr><th>verdict</th><td>", out);
	fprintf(out, "<span class=\"%s\">%s</span>: %s</td></tr>\n", report_failed(r) ? "fail" : "pass",
		report_failed(r) ? "FAIL" : "PASS", report_verdict(r, verdict, sizeof(verdict)));
	fputs("<tr><th>file</th><td>", out);
	H(out, m->file ? m->file : "");
	fputs("</td></tr>\n<tr><th>region</th><td>", out);
	H(out, m->region ? m->region : "");
	fputs("</td></tr>\n", out);
	for (size_t i = 0; i < rows; i++)
		fprintf(out, "<tr><th>%s</th><td>%zu</td></tr>\n", what[i], n[i]);
	fputs("</table></section>\n", out);
}

/* ---------------------------------------------------------------- lint */

static void
report_html_lint(const struct report *r, FILE *out)
{
	fputs("<section id=\"lint\"><h2>Lint findings</h2>\n", out);
	if (r->lint.n == 0) {
		fputs("<p>No findings.</p></section>\n", out);
		return;
	}
	fputs("<table class=\"hns\" id=\"lint-table\"><tr><th>id</th><th>severity</th><th>where</th>"
	      "<th>key</th><th>what happens</th><th>fix</th><th>source</th></tr>\n", out);
	for (size_t i = 0; i < r->lint.n; i++) {
		const struct lint_finding *f = &r->lint.v[i];
		const char *sev = f->suppressed ? "suppressed" : lint_severity_str(f->severity);
		fprintf(out, "<tr><td>%s</td><td class=\"%s\">%s</td><td>", f->id, sev, sev);
		H(out, r->m->file ? r->m->file : "");
		fprintf(out, ":%u:%u</td><td><code>", f->loc.line, f->loc.col);
		H(out, f->path ? f->path : "");
		fputs("</code></td><td>", out);
		H(out, f->message ? f->message : "");
		if (f->suppressed && f->reason) {
			fputs(" <span class=\"muted\">(suppressed: ", out);
			H(out, f->reason);
			fputs(")</span>", out);
		}
		fputs("</td><td>", out);
		H(out, f->fix ? f->fix : "");
		/* the source is a public page's address: shown as text, never fetched or linked */
		fputs("</td><td class=\"muted\">", out);
		H(out, f->source ? f->source : "");
		fputs("</td></tr>\n", out);
	}
	fputs("</table></section>\n", out);
}

/* -------------------------------------------------------------- checks */

static void
report_html_hops(const struct check_result *c, FILE *out)
{
	char t[32];

	fputs("<table class=\"hns hops\"><tr><th>ms</th><th>hop</th><th>what it did</th></tr>\n", out);
	for (size_t i = 0; i < c->n_hops; i++) {
		if (report_hop_repeats(c, i))
			continue;
		fprintf(out, "<tr><td>%s</td><td><code>", report_hop_time(c, i, t, sizeof(t)));
		H(out, c->hops[i].hop);
		fputs("</code></td><td>", out);
		H(out, c->hops[i].detail);
		fputs("</td></tr>\n", out);
	}
	if (c->n_hops == 0)
		fputs("<tr><td colspan=\"3\">no component reported a hop</td></tr>\n", out);
	fputs("</table>\n", out);
}

static void
report_html_checks(const struct report *r, FILE *out)
{
	char ans[2048];

	fprintf(out, "<section id=\"checks\"><h2>Expectations</h2>\n<p>%zu passed, %zu failed.</p>\n",
		r->n_passed, r->n_checks - r->n_passed);
	if (r->n_checks == 0) {
		fputs("</section>\n", out);
		return;
	}
	fputs("<table class=\"hns\" id=\"checks-table\"><tr><th></th><th>expectation</th><th>from</th>"
	      "<th>query</th><th>answer</th><th>ms</th></tr>\n", out);
	for (size_t i = 0; i < r->n_checks; i++) {
		const struct check_result *c = &r->checks[i];
		bool ok = c->verdict.pass;
		fprintf(out, "<tr><td class=\"%s\">%s</td><td>", ok ? "pass" : "fail", ok ? "pass" : "fail");
		H(out, c->e->name);
		if (!ok) {
			fputs("<details open><summary>why, and the trace</summary><p>", out);
			H(out, c->verdict.message);
			fputs("</p>\n", out);
			report_html_hops(c, out);
			fputs("</details>", out);
		}
		fputs("</td><td>", out);
		H(out, c->from);
		fputs("</td><td><code>", out);
		H(out, c->query);
		fputs("</code></td><td>", out);
		H(out, report_answers(c, ans, sizeof(ans)));
		fprintf(out, "</td><td>%.1f</td></tr>\n", c->obs.latency_ms);
	}
	fputs("</table></section>\n", out);
}

/* ---------------------------------------------------------------- load */

struct report_html_rows {
	FILE *out;
	int table; /* the one open, or -1 */
};

static void
report_html_row(void *ctx, int table, bool header, const char *const *cells, size_t n)
{
	struct report_html_rows *h = ctx;

	if (table != h->table) {
		if (h->table >= 0)
			fputs("</table>\n", h->out);
		fprintf(h->out, "<table class=\"hns\" id=\"load-%s\">\n", table == 0 ? "runs" : "slos");
		h->table = table;
	}
	fputs("<tr>", h->out);
	for (size_t i = 0; i < n; i++) {
		bool st = !header && ((table == 0 && i == 1) || (table == 1 && i == 2));
		fprintf(h->out, "<%s%s%s%s>", header ? "th" : "td", st ? " class=\"" : "",
			st ? cells[i] : "", st ? "\"" : "");
		H(h->out, cells[i]);
		fprintf(h->out, "</%s>", header ? "th" : "td");
	}
	fputs("</tr>\n", h->out);
}

static int
report_html_load(const struct report *r, FILE *out)
{
	struct report_html_rows h = { out, -1 };

	if (!r->o->load_profile)
		return 0;
	fputs("<section id=\"load\"><h2>Load</h2>\n<p>", out);
	fputs("<code>hybridns load --profile ", out);
	H(out, r->o->load_profile);
	fputs("</code>, as its <code>--format json</code> reports it.</p>\n", out);
	if (report_load_rows(r, report_html_row, &h) != 0)
		return HNS_EPARSE;
	if (h.table >= 0)
		fputs("</table>\n", out);
	if (r->n_plots == 0)
		fputs("<p class=\"muted\">This build's load command draws no plots: the summary table only.</p>\n",
		      out);
	for (size_t i = 0; i < r->n_plots; i++) {
		fputs("<figure class=\"diagram\">", out);
		fputs(r->plots[i].svg, out);
		fputs("<figcaption>", out);
		H(out, r->plots[i].name);
		fputs("</figcaption></figure>\n", out);
	}
	fputs("</section>\n", out);
	return 0;
}

/* -------------------------------------------------------------- the page */

int
report_write_html(const struct report *r, FILE *out)
{
	const struct model *m = r->m;
	int rc;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
	H(out, m->scenario ? m->scenario : "scenario");
	fprintf(out, " -- hybridns review</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", report_css,
		matrix_html_css());
	fputs("<header><h1>", out);
	H(out, m->scenario ? m->scenario : "scenario");
	fprintf(out, "</h1>\n<p class=\"muted\">hybridns %s review report", r->version);
	if (r->o->seed_given)
		fprintf(out, ", seed %llu", (unsigned long long)r->o->seed);
	fputs("</p>\n<nav><a href=\"#summary\">summary</a><a href=\"#diagram\">diagram</a>"
	      "<a href=\"#lint\">lint</a><a href=\"#checks\">expectations</a>"
	      "<a href=\"#matrix\">matrix</a>", out);
	if (r->o->load_profile)
		fputs("<a href=\"#load\">load</a>", out);
	fputs("</nav></header>\n<main>\n", out);
	report_html_summary(r, out);
	fputs("<section id=\"diagram\"><h2>Topology</h2>\n<div class=\"diagram\">\n", out);
	fwrite(r->svg, 1, r->svg_len, out);
	fputs("</div></section>\n", out);
	report_html_lint(r, out);
	report_html_checks(r, out);
	fputs("<section id=\"matrix\"><h2>Resolution matrix</h2>\n<p>Every name that matters, asked "
	      "live from every place (hover a cell for the answer).</p>\n", out);
	if ((rc = matrix_write_html_fragment(r->mx, out)) != 0)
		return rc;
	fputs("</section>\n", out);
	if ((rc = report_html_load(r, out)) != 0)
		return rc;
	fputs("</main>\n</body>\n</html>\n", out);
	return ferror(out) ? -EIO : 0;
}
