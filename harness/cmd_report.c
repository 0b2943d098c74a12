/*
 * harness/cmd_report.c -- `hybridns report SCENARIO -o report.html|report.md
 * [--format html|markdown] [--load PROFILE [--load-duration S]] [--seed N]`.
 *
 * Gathers the evidence (harness/report.h) and writes one file: HTML, or
 * Markdown with the diagram as an SVG file beside it (report.md ->
 * report.svg).  The format comes from --format, else from -o's extension
 * (.md or .markdown: Markdown; anything else: HTML).  Exit 0 when every
 * expectation holds and lint finds no error, 1 otherwise (the report is
 * written either way), 2 for usage or scenario errors, 3 when a world,
 * Graphviz or the output file failed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/report.h"
#include "model/model.h"

struct report_args {
	int format; /* 0 html, 1 markdown */
	bool format_given;
	const char *output;
	const char *load;
	uint64_t load_duration_ns;
	uint64_t seed;
	bool seed_given;
};

static const struct cli_opt report_opts[] = {
	{ "output", 'o', CLI_STRING, offsetof(struct report_args, output), CLI_NONE, "FILE",
	  "the report: FILE.html, or FILE.md with FILE.svg beside it", 0, 0, CLI_REQUIRED, NULL },
	{ "format", 0, CLI_CHOICE, offsetof(struct report_args, format),
	  offsetof(struct report_args, format_given), "html|markdown",
	  "output format (default from -o's extension)", 0, 0, 0, NULL },
	{ "load", 0, CLI_STRING, offsetof(struct report_args, load), CLI_NONE, "PROFILE",
	  "run the load profile PROFILE and add its results", 0, 0, 0, NULL },
	{ "load-duration", 0, CLI_DURATION, offsetof(struct report_args, load_duration_ns), CLI_NONE,
	  "S", "with --load: send for S seconds instead of the profile's duration", 0, 0, 0, NULL },
	CLI_OPT_SEED(struct report_args, seed, seed_given),
};

const struct cli_command cmd_report_cli = CLI_COMMAND("report", "SCENARIO",
	"  One self-contained file for a change review: summary, topology diagram, lint findings,\n"
	"  every expectation (failures with their trace), the resolution matrix and, with --load,\n"
	"  the load results (docs/review.md).\n",
	report_opts, 1, 1);

static bool
report_is_markdown(const char *path)
{
	size_t n = strlen(path);
	return (n > 3 && strcmp(path + n - 3, ".md") == 0) ||
	       (n > 9 && strcmp(path + n - 9, ".markdown") == 0);
}

/* FILE.md -> FILE.svg (the whole path into path, its last component into base). */
static void
report_svg_path(const char *md, char *path, size_t len, const char **base)
{
	const char *dot = strrchr(md, '.');
	const char *slash = strrchr(md, '/');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - md) : strlen(md);

	snprintf(path, len, "%.*s.svg", (int)stem, md);
	slash = strrchr(path, '/');
	*base = slash ? slash + 1 : path;
}

enum report_kind { REPORT_HTML, REPORT_MARKDOWN, REPORT_SVG };

/* Open an output before the (slow) gathering, so a path that cannot be written fails at once. */
static FILE *
report_open(const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out)
		fprintf(stderr, "hybridns report: cannot write %s: %s\n", path, strerror(errno));
	return out;
}

static int
report_write_file(FILE *out, const char *path, const struct report *r, enum report_kind k,
		  const char *svg_name)
{
	int rc = k == REPORT_HTML     ? report_write_html(r, out)
		 : k == REPORT_MARKDOWN ? report_write_markdown(r, out, svg_name)
					: report_write_svg(r, out);

	if (fclose(out) != 0 || rc != 0) {
		fprintf(stderr, "hybridns report: writing %s failed\n", path);
		return HNS_EXIT_RUNTIME;
	}
	return HNS_EXIT_OK;
}

int
cmd_report(int argc, char **argv)
{
	struct report_args a = { 0 };
	struct report_opts o = { 0 };
	struct report r = { 0 };
	struct model *m = NULL;
	char **args, svg_path[4096];
	FILE *out = NULL, *svg_out = NULL;
	const char *svg_base = NULL;
	int n_args, status, rc;
	bool md;

	if ((status = cli_parse(&cmd_report_cli, argc, argv, &a, &args, &n_args)) >= 0)
		return status;
	if (a.load_duration_ns && !a.load) {
		fprintf(stderr, "hybridns report: --load-duration goes with --load PROFILE\n");
		return HNS_EXIT_USAGE;
	}
	md = a.format_given ? a.format == 1 : report_is_markdown(a.output);
	if ((status = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return status;
	status = HNS_EXIT_RUNTIME;
	if (md) {
		report_svg_path(a.output, svg_path, sizeof(svg_path), &svg_base);
		if (!(svg_out = report_open(svg_path)))
			goto out;
	}
	if (!(out = report_open(a.output)))
		goto out;
	o.scenario_path = args[0];
	o.load_profile = a.load;
	o.load_duration_ns = a.load_duration_ns;
	o.seed = a.seed;
	o.seed_given = a.seed_given;
	if ((rc = report_gather(&r, m, &o)) != 0) {
		status = rc == HNS_EINVAL ? HNS_EXIT_USAGE : HNS_EXIT_RUNTIME;
		goto out;
	}
	if (svg_out) {
		status = report_write_file(svg_out, svg_path, &r, REPORT_SVG, NULL);
		svg_out = NULL;
		if (status != HNS_EXIT_OK)
			goto out;
	}
	status = report_write_file(out, a.output, &r, md ? REPORT_MARKDOWN : REPORT_HTML, svg_base);
	out = NULL;
	if (status == HNS_EXIT_OK && report_failed(&r))
		status = HNS_EXIT_FAILED;
out:
	/* nothing half-written is left behind when the report could not be made */
	if (out) {
		fclose(out);
		unlink(a.output);
	}
	if (svg_out) {
		fclose(svg_out);
		unlink(svg_path);
	}
	report_deinit(&r);
	model_free(m);
	return status;
}
