/*
 * harness/cmd_lint.c -- `hybridns lint SCENARIO [--format text|json|sarif]
 * [--fail-on error|warning|info|none] [--no-summary]`.
 *
 * Loads and validates a scenario.  On errors every located message goes to
 * stderr and the exit status is 2.  On success the design findings of
 * lint_run() (lint/, docs/lint.md) are printed with the world: in text the
 * one-screen summary for a network engineer comes first (unless
 * --no-summary), then the findings grouped by severity; --format json
 * writes the whole model, every address, derived id and name, record,
 * expectation and load field, in the shape documented in docs/scenario.md
 * ("lint --format json"), plus the "findings" and "suppressed" arrays;
 * --format sarif writes a SARIF 2.1.0 log of the findings only.  Exit 1
 * when a finding at or above --fail-on (default error) is not suppressed.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/lint_report.h"
#include "harness/lint_world.h"
#include "lint/lint.h"
#include "model/model.h"

enum lint_format {
	LINT_TEXT,
	LINT_JSON,
	LINT_SARIF,
};

/* ============================================================= command */


struct lint_opts {
	int format;	 /* enum lint_format */
	int fail_on_arg; /* the index of --fail-on's word */
	bool fail_none;	 /* --fail-on none */
	enum lint_severity fail_on;
	bool no_summary, summary;
};

#define LINT_FAIL_ON_WORDS "error|warning|info|none"
static const enum lint_severity lint_fail_on[] = { LINT_ERROR, LINT_WARNING, LINT_INFO };

static const struct cli_opt lint_cli_opts[] = {
	CLI_OPT_FORMAT(struct lint_opts, format, "text|json|sarif"),
	{ "fail-on", 0, CLI_CHOICE, offsetof(struct lint_opts, fail_on_arg), CLI_NONE, LINT_FAIL_ON_WORDS,
	  "exit 1 on an unsuppressed finding this severe or more (default error)", 0, 0, 0, NULL },
	{ "no-summary", 0, CLI_FLAG, offsetof(struct lint_opts, no_summary), CLI_NONE, NULL,
	  "text: the findings only, without the world summary", 0, 0, 0, NULL },
	{ "summary", 0, CLI_FLAG, offsetof(struct lint_opts, summary), CLI_NONE, NULL,
	  "text: the world summary first (the default)", 0, 0, 0, NULL },
};

const struct cli_command cmd_lint_cli = CLI_COMMAND("lint", "SCENARIO",
	"  Validates SCENARIO (located errors, exit 2) and reports its design findings (docs/lint.md).\n",
	lint_cli_opts, 1, 1);

static int
lint_write(const struct lint_opts *o, const struct model *m, const struct lint_findings *f)
{
	int rc = 0;

	if (o->format == LINT_JSON) {
		rc = lint_world_json(m, f, stdout);
	} else if (o->format == LINT_SARIF) {
		rc = lint_report_sarif(m, f, stdout);
	} else {
		if (!o->no_summary) {
			lint_world_text(m, stdout);
			fputc('\n', stdout);
		}
		lint_report_text(m, f, stdout);
	}
	if (fflush(stdout) != 0 || rc != 0) {
		fprintf(stderr, "hybridns lint: writing the output failed\n");
		return HNS_EXIT_RUNTIME;
	}
	if (!o->fail_none && lint_report_fails(f, o->fail_on))
		return HNS_EXIT_FAILED;
	return HNS_EXIT_OK;
}

int
cmd_lint(int argc, char **argv)
{
	struct lint_opts o = { .format = LINT_TEXT };
	struct model *m = NULL;
	char **args;
	int n_args, rc, status;

	if ((status = cli_parse(&cmd_lint_cli, argc, argv, &o, &args, &n_args)) >= 0)
		return status;
	o.fail_none = o.fail_on_arg == 3;
	o.fail_on = lint_fail_on[o.fail_none ? 0 : o.fail_on_arg];
	if ((status = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return status;

	size_t len = 0;
	char *src = lint_report_source(args[0], &len);
	struct lint_findings f;
	rc = lint_run(m, src, len, &f);
	free(src);
	if (rc != 0) {
		fprintf(stderr, "hybridns lint: %s\n", hns_strerror(rc));
		model_free(m);
		return HNS_EXIT_RUNTIME;
	}
	status = lint_write(&o, m, &f);
	lint_findings_deinit(&f);
	model_free(m);
	return status;
}
