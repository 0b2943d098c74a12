/*
 * harness/cmd_diff.c -- `hybridns diff OLD NEW [--format
 * text|markdown|json|html] [-o FILE] [--seed N]`: the matrix cells that
 * change between two scenarios, the lint findings that appear or
 * disappear, and the expectations whose verdict changes (harness/diff.h).
 * Exit 1 when a change touches what an expectation of NEW covers.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/diff.h"
#include "harness/json.h"
#include "harness/matrix_cmd.h"
#include "harness/serve.h"
#include "model/model.h"

#define DIFF_MAX_SRC (64u << 20) /* the loader's own limit (MODEL_MAX_FILE_BYTES) */

struct diff_args {
	int format; /* enum matrix_format */
	const char *output;
	uint64_t seed;
	bool seed_given;
};

static const struct cli_opt diff_cli_opts[] = {
	CLI_OPT_FORMAT(struct diff_args, format, MATRIX_FORMAT_WORDS),
	CLI_OPT_OUTPUT(struct diff_args, output),
	CLI_OPT_SEED(struct diff_args, seed, seed_given),
};

const struct cli_command cmd_diff_cli = CLI_COMMAND("diff", "OLD NEW",
	"  The resolution matrix cells that change from OLD to NEW, the lint findings that appear\n"
	"  or disappear, and the expectations whose verdict changes.  Exit 1 when a changed cell\n"
	"  is one an expectation of NEW asks, or an expectation of both changes verdict.\n",
	diff_cli_opts, 2, 2);

/* A cell's words: "private (endpoint api, 2 IPs)", or "absent" for a place one side lacks. */
static const char *
diff_cell_text(const struct matrix_cell *c, char *buf, size_t len)
{
	if (c == NULL) {
		snprintf(buf, len, "absent");
		return buf;
	}
	return matrix_cell_text(c, buf, len);
}

static const char *
diff_cell_class(const struct matrix_cell *c)
{
	return c == NULL ? "absent" : matrix_class_str(c->cls);
}

/* ------------------------------------------------------------------ text */

static void
diff_write_text(const struct diff *d, FILE *out, bool colour)
{
	char b[320], a[320], type[24];
	const char *red = colour ? "\033[31m" : "", *green = colour ? "\033[32m" : "",
		   *off = colour ? "\033[0m" : "";

	fprintf(out, "%s (%s) -> %s (%s)\n", d->old_mx->m->file, d->old_mx->m->scenario, d->new_mx->m->file,
		d->new_mx->m->scenario);
	fprintf(out, "\nCells that change (%zu)\n", d->n_changes);
	for (size_t i = 0; i < d->n_changes; i++) {
		const struct diff_change *c = &d->changes[i];

		fprintf(out, "  %s %s from %s: %s -> %s%s\n", c->name, matrix_type_str(c->qtype, type, sizeof(type)),
			c->place, diff_cell_text(c->before, b, sizeof(b)), diff_cell_text(c->after, a, sizeof(a)),
			c->covered ? "   (an expectation of NEW asks this)" : "");
	}
	fprintf(out, "\nLint findings added (%zu)\n", d->n_added);
	for (size_t i = 0; i < d->n_added; i++)
		fprintf(out, "  %s+ %s %s %s: %s%s\n", red, d->added[i]->id, lint_severity_str(d->added[i]->severity),
			d->added[i]->path, d->added[i]->message, off);
	fprintf(out, "\nLint findings removed (%zu)\n", d->n_removed);
	for (size_t i = 0; i < d->n_removed; i++)
		fprintf(out, "  %s- %s %s %s: %s%s\n", green, d->removed[i]->id,
			lint_severity_str(d->removed[i]->severity), d->removed[i]->path, d->removed[i]->message, off);
	fprintf(out, "\nExpectations whose verdict changes (%zu)\n", d->n_verdicts);
	for (size_t i = 0; i < d->n_verdicts; i++) {
		const struct diff_verdict *v = &d->verdicts[i];

		fprintf(out, "  %s: %s -> %s\n", v->name, diff_verdict_str(v->before), diff_verdict_str(v->after));
		if (v->message[0] != '\0')
			fprintf(out, "      %s\n", v->message);
	}
}

/* -------------------------------------------------------------- Markdown */

static void
diff_write_markdown(const struct diff *d, FILE *out)
{
	char b[320], a[320], type[24];

	fputs("## Resolution changes: ", out);
	matrix_md_text(out, d->old_mx->m->scenario);
	fputs(" to ", out);
	matrix_md_text(out, d->new_mx->m->scenario);
	fprintf(out, "\n\n### Cells that change (%zu)\n\n", d->n_changes);
	if (d->n_changes > 0)
		fputs("| name | type | place | before | after | expected |\n| --- | --- | --- | --- | --- | --- |\n", out);
	for (size_t i = 0; i < d->n_changes; i++) {
		const struct diff_change *c = &d->changes[i];

		fputs("| ", out);
		matrix_md_text(out, c->name);
		fprintf(out, " | %s | ", matrix_type_str(c->qtype, type, sizeof(type)));
		matrix_md_text(out, c->place);
		fputs(" | ", out);
		matrix_md_text(out, diff_cell_text(c->before, b, sizeof(b)));
		fputs(" | ", out);
		matrix_md_text(out, diff_cell_text(c->after, a, sizeof(a)));
		fprintf(out, " | %s |\n", c->covered ? "yes" : "");
	}
	fprintf(out, "\n### Lint findings added (%zu) and removed (%zu)\n\n", d->n_added, d->n_removed);
	if (d->n_added + d->n_removed > 0)
		fputs("| change | id | severity | key | message |\n| --- | --- | --- | --- | --- |\n", out);
	for (size_t k = 0; k < 2; k++) {
		const struct lint_finding *const *v = k == 0 ? d->added : d->removed;

		for (size_t i = 0; i < (k == 0 ? d->n_added : d->n_removed); i++) {
			fprintf(out, "| %s | %s | %s | ", k == 0 ? "added" : "removed", v[i]->id,
				lint_severity_str(v[i]->severity));
			matrix_md_text(out, v[i]->path);
			fputs(" | ", out);
			matrix_md_text(out, v[i]->message);
			fputs(" |\n", out);
		}
	}
	fprintf(out, "\n### Expectations whose verdict changes (%zu)\n\n", d->n_verdicts);
	if (d->n_verdicts > 0)
		fputs("| expectation | before | after | message |\n| --- | --- | --- | --- |\n", out);
	for (size_t i = 0; i < d->n_verdicts; i++) {
		fputs("| ", out);
		matrix_md_text(out, d->verdicts[i].name);
		fprintf(out, " | %s | %s | ", diff_verdict_str(d->verdicts[i].before),
			diff_verdict_str(d->verdicts[i].after));
		matrix_md_text(out, d->verdicts[i].message);
		fputs(" |\n", out);
	}
}

/* ------------------------------------------------------------------ JSON */

static void
diff_json_findings(struct json_writer *w, const char *key, const struct lint_finding *const *v, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(w);
		json_kv_string(w, "id", v[i]->id);
		json_kv_string(w, "severity", lint_severity_str(v[i]->severity));
		json_kv_string(w, "path", v[i]->path);
		json_kv_uint(w, "line", v[i]->loc.line);
		json_kv_string(w, "message", v[i]->message);
		json_object_end(w);
	}
	json_array_end(w);
}

static int
diff_write_json(const struct diff *d, FILE *out)
{
	struct json_writer w;
	char b[320], a[320], type[24];

	json_writer_init(&w, out, true);
	json_object_begin(&w);
	json_kv_string(&w, "old", d->old_mx->m->file);
	json_kv_string(&w, "new", d->new_mx->m->file);
	json_key(&w, "changes");
	json_array_begin(&w);
	for (size_t i = 0; i < d->n_changes; i++) {
		const struct diff_change *c = &d->changes[i];

		json_object_begin(&w);
		json_kv_string(&w, "name", c->name);
		json_kv_string(&w, "type", matrix_type_str(c->qtype, type, sizeof(type)));
		json_kv_string(&w, "place", c->place);
		json_kv_string(&w, "before", diff_cell_class(c->before));
		json_kv_string(&w, "after", diff_cell_class(c->after));
		json_kv_string(&w, "before_text", diff_cell_text(c->before, b, sizeof(b)));
		json_kv_string(&w, "after_text", diff_cell_text(c->after, a, sizeof(a)));
		json_kv_bool(&w, "covered", c->covered);
		json_object_end(&w);
	}
	json_array_end(&w);
	diff_json_findings(&w, "findings_added", d->added, d->n_added);
	diff_json_findings(&w, "findings_removed", d->removed, d->n_removed);
	json_key(&w, "verdicts_changed");
	json_array_begin(&w);
	for (size_t i = 0; i < d->n_verdicts; i++) {
		json_object_begin(&w);
		json_kv_string(&w, "name", d->verdicts[i].name);
		json_kv_string(&w, "before", diff_verdict_str(d->verdicts[i].before));
		json_kv_string(&w, "after", diff_verdict_str(d->verdicts[i].after));
		json_kv_string(&w, "message", d->verdicts[i].message);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_kv_bool(&w, "gate", d->gate);
	json_object_end(&w);
	return json_writer_finish(&w);
}

/* ------------------------------------------------------------------ HTML */

static void
diff_write_html(const struct diff *d, FILE *out)
{
	char b[320], a[320], type[24];

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>hybridns diff</title>\n<style>\nbody{margin:1em;font:13px/1.4 system-ui,sans-serif}\n%s</style>\n</head>\n<body>\n<h2>",
		matrix_html_css());
	matrix_html_text(out, d->old_mx->m->scenario);
	fputs(" &rarr; ", out);
	matrix_html_text(out, d->new_mx->m->scenario);
	fprintf(out, "</h2>\n<table class=\"hns-matrix\">\n<caption>Cells that change (%zu)</caption>\n", d->n_changes);
	fputs("<thead><tr><th>name</th><th>type</th><th>place</th><th>before</th><th>after</th><th>expected</th></tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < d->n_changes; i++) {
		const struct diff_change *c = &d->changes[i];

		fputs("<tr><td class=\"hns-name\">", out);
		matrix_html_text(out, c->name);
		fprintf(out, "</td><td>%s</td><td>", matrix_type_str(c->qtype, type, sizeof(type)));
		matrix_html_text(out, c->place);
		fprintf(out, "</td><td class=\"hns-%s\">", diff_cell_class(c->before));
		matrix_html_text(out, diff_cell_text(c->before, b, sizeof(b)));
		fprintf(out, "</td><td class=\"hns-%s\">", diff_cell_class(c->after));
		matrix_html_text(out, diff_cell_text(c->after, a, sizeof(a)));
		fprintf(out, "</td><td>%s</td></tr>\n", c->covered ? "yes" : "");
	}
	fprintf(out, "</tbody>\n</table>\n<h3>Lint findings added (%zu) and removed (%zu)</h3>\n<ul>\n", d->n_added,
		d->n_removed);
	for (size_t k = 0; k < 2; k++) {
		const struct lint_finding *const *v = k == 0 ? d->added : d->removed;

		for (size_t i = 0; i < (k == 0 ? d->n_added : d->n_removed); i++) {
			fprintf(out, "<li>%s %s %s <code>", k == 0 ? "added" : "removed", v[i]->id,
				lint_severity_str(v[i]->severity));
			matrix_html_text(out, v[i]->path);
			fputs("</code>: ", out);
			matrix_html_text(out, v[i]->message);
			fputs("</li>\n", out);
		}
	}
	fprintf(out, "</ul>\n<h3>Expectations whose verdict changes (%zu)</h3>\n<ul>\n", d->n_verdicts);
	for (size_t i = 0; i < d->n_verdicts; i++) {
		fputs("<li>", out);
		matrix_html_text(out, d->verdicts[i].name);
		fprintf(out, ": %s &rarr; %s", diff_verdict_str(d->verdicts[i].before),
			diff_verdict_str(d->verdicts[i].after));
		if (d->verdicts[i].message[0] != '\0') {
			fputs(" <small>", out);
			matrix_html_text(out, d->verdicts[i].message);
			fputs("</small>", out);
		}
		fputs("</li>\n", out);
	}
	fputs("</ul>\n</body>\n</html>\n", out);
}

/* ------------------------------------------------------------- command */

/* The scenario's text for lint's ignore comments; NULL (no suppression) when it cannot be read. */
static char *
diff_read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long size = f != NULL && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	char *buf = size >= 0 && size <= (long)DIFF_MAX_SRC && fseek(f, 0, SEEK_SET) == 0
			    ? malloc((size_t)size + 1)
			    : NULL;

	*len = buf != NULL ? fread(buf, 1, (size_t)size, f) : 0;
	if (buf != NULL && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	if (f != NULL)
		fclose(f);
	return buf;
}

static int
diff_write(const struct diff *d, enum matrix_format format, FILE *out)
{
	switch (format) {
	case MATRIX_FORMAT_TEXT:
		diff_write_text(d, out, matrix_cmd_colour(out));
		return 0;
	case MATRIX_FORMAT_MARKDOWN:
		diff_write_markdown(d, out);
		return 0;
	case MATRIX_FORMAT_JSON:
		return diff_write_json(d, out);
	case MATRIX_FORMAT_HTML:
		diff_write_html(d, out);
		return 0;
	}
	return HNS_EINVAL;
}

int
cmd_diff(int argc, char **argv)
{
	struct diff_args a = { .format = MATRIX_FORMAT_TEXT };
	struct diff_side sides[2] = { 0 };
	struct model *m[2] = { NULL, NULL };
	char *src[2] = { NULL, NULL };
	struct matrix_opts o;
	struct diff d;
	char **args;
	int n_args, status, rc;
	FILE *out = NULL;

	if ((status = cli_parse(&cmd_diff_cli, argc, argv, &a, &args, &n_args)) >= 0)
		return status;
	matrix_opts_init(&o);
	o.seed = a.seed;
	o.seed_given = a.seed_given;
	for (int i = 0; i < 2; i++) {
		if ((status = cli_scenario(args[i], &m[i])) != HNS_EXIT_OK)
			goto out;
		src[i] = diff_read_text(args[i], &sides[i].src_len);
		sides[i].m = m[i];
		sides[i].src = src[i];
	}
	signal(SIGPIPE, SIG_IGN);
	if ((out = matrix_cmd_open("diff", a.output)) == NULL) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	if ((rc = diff_run(&sides[0], &sides[1], &o, &d)) != 0) {
		fprintf(stderr, "hybridns diff: %s\n", hns_strerror(rc));
		matrix_cmd_close("diff", out, 0);
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	status = matrix_cmd_close("diff", out, diff_write(&d, (enum matrix_format)a.format, out));
	if (status == HNS_EXIT_OK && d.gate)
		status = HNS_EXIT_FAILED;
	diff_deinit(&d);
out:
	for (int i = 0; i < 2; i++) {
		free(src[i]);
		model_free(m[i]);
	}
	return status;
}
