/*
 * harness/report_md.c -- the report as GitHub-flavoured Markdown, for
 * pasting into a pull request or a ticket: the same sections as the HTML
 * page, every list a pipe table, the diagram an SVG file beside the report
 * linked as an image, the load plots left out (the HTML page has them).
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

#define MD matrix_md_text /* escaped for a table cell */

static void
report_md_summary(const struct report *r, FILE *out)
{
	const struct model *m = r->m;
	const char *what[REPORT_SUMMARY_ROWS];
	size_t n[REPORT_SUMMARY_ROWS], rows = report_summary_counts(m, what, n);
	char verdict[256];

	fputs("## Summary\n\n", out);
	if (m->description) {
		MD(out, m->description);
		fputs("\n\n", out);
	}
	fputs("| | |\n| --- | --- |\n", out);
	fprintf(out, "| verdict | **%s**: %s |\n", report_failed(r) ? "FAIL" : "PASS",
		report_verdict(r, verdict, sizeof(verdict)));
	fputs("| file | ", out);
	MD(out, m->file ? m->file : "");
	fputs(" |\n| region | ", out);
	MD(out, m->region ? m->region : "");
	fputs(" |\n", out);
	for (size_t i = 0; i < rows; i++)
		fprintf(out, "| %s | %zu |\n", what[i], n[i]);
	fputc('\n', out);
}

static void
report_md_lint(const struct report *r, FILE *out)
{
	fputs("## Lint findings\n\n", out);
	if (r->lint.n == 0) {
		fputs("No findings.\n\n", out);
		return;
	}
	fputs("| id | severity | where | key | what happens | fix |\n| --- | --- | --- | --- | --- | --- |\n",
	      out);
	for (size_t i = 0; i < r->lint.n; i++) {
		const struct lint_finding *f = &r->lint.v[i];
		fprintf(out, "| %s | %s | ", f->id, f->suppressed ? "suppressed" : lint_severity_str(f->severity));
		MD(out, r->m->file ? r->m->file : "");
		fprintf(out, ":%u:%u | ", f->loc.line, f->loc.col);
		MD(out, f->path ? f->path : "");
		fputs(" | ", out);
		MD(out, f->message ? f->message : "");
		fputs(" | ", out);
		MD(out, f->fix ? f->fix : "");
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

static void
report_md_trace(const struct check_result *c, FILE *out)
{
	char t[32];

	fputs("**", out);
	MD(out, c->e->name);
	fputs("**: ", out);
	MD(out, c->verdict.message);
	fputs("\n\n| ms | hop | what it did |\n| --- | --- | --- |\n", out);
	for (size_t i = 0; i < c->n_hops; i++) {
		if (report_hop_repeats(c, i))
			continue;
		fprintf(out, "| %s | ", report_hop_time(c, i, t, sizeof(t)));
		MD(out, c->hops[i].hop);
		fputs(" | ", out);
		MD(out, c->hops[i].detail);
		fputs(" |\n", out);
	}
	if (c->n_hops == 0)
		fputs("| | | no component reported a hop |\n", out);
	fputc('\n', out);
}

static void
report_md_checks(const struct report *r, FILE *out)
{
	char ans[2048];

	fprintf(out, "## Expectations\n\n%zu passed, %zu failed.\n\n", r->n_passed, r->n_checks - r->n_passed);
	if (r->n_checks == 0)
		return;
	fputs("| | expectation | from | query | answer | ms |\n| --- | --- | --- | --- | --- | --- |\n", out);
	for (size_t i = 0; i < r->n_checks; i++) {
		const struct check_result *c = &r->checks[i];
		fprintf(out, "| %s | ", c->verdict.pass ? "pass" : "**fail**");
		MD(out, c->e->name);
		fputs(" | ", out);
		MD(out, c->from);
		fputs(" | ", out);
		MD(out, c->query);
		fputs(" | ", out);
		MD(out, report_answers(c, ans, sizeof(ans)));
		fprintf(out, " | %.1f |\n", c->obs.latency_ms);
	}
	fputc('\n', out);
	if (r->n_passed < r->n_checks)
		fputs("### Failures and their traces\n\n", out);
	for (size_t i = 0; i < r->n_checks; i++) {
		if (!r->checks[i].verdict.pass)
			report_md_trace(&r->checks[i], out);
	}
}

static void
report_md_row(void *ctx, int table, bool header, const char *const *cells, size_t n)
{
	FILE *out = ctx;

	if (header && table == 1)
		fputc('\n', out);
	fputc('|', out);
	for (size_t i = 0; i < n; i++) {
		fputc(' ', out);
		MD(out, cells[i]);
		fputs(" |", out);
	}
	fputc('\n', out);
	if (header) {
		fputc('|', out);
		for (size_t i = 0; i < n; i++)
			fputs(" --- |", out);
		fputc('\n', out);
	}
}

int
report_write_markdown(const struct report *r, FILE *out, const char *svg_name)
{
	const struct model *m = r->m;
	int rc;

	fputs("# ", out);
	MD(out, m->scenario ? m->scenario : "scenario");
	fprintf(out, "\n\nhybridns %s review report", r->version);
	if (r->o->seed_given)
		fprintf(out, ", seed %llu", (unsigned long long)r->o->seed);
	fputs(".\n\n", out);
	report_md_summary(r, out);
	fputs("## Topology\n\n![topology diagram](", out);
	MD(out, svg_name);
	fputs(")\n\n", out);
	report_md_lint(r, out);
	report_md_checks(r, out);
	fputs("## Resolution matrix\n\n", out);
	if ((rc = matrix_write_markdown(r->mx, out)) != 0)
		return rc;
	fputc('\n', out);
	if (r->o->load_profile) {
		fputs("## Load\n\n`hybridns load --profile ", out);
		MD(out, r->o->load_profile);
		fputs("`, as its `--format json` reports it (the plots are in the HTML report).\n\n", out);
		if (report_load_rows(r, report_md_row, out) != 0)
			return HNS_EPARSE;
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}
