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

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
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

static void
lint_usage(FILE *out)
{
	fprintf(out, "usage: hybridns lint SCENARIO [--format text|json|sarif] "
		     "[--fail-on error|warning|info|none] [--no-summary]\n");
}

/* The scenario's text, for ignore comments; NULL (no suppression) when unreadable. */
static char *
lint_read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (b == NULL)
				break;
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

struct lint_opts {
	enum lint_format format;
	bool fail_none; /* --fail-on none */
	enum lint_severity fail_on;
	bool summary;
	const char *path;
};

/* A flag's value: "--flag V" or "--flag=V"; NULL (and a message) when missing. */
static const char *
lint_opt_value(int argc, char **argv, int *i, const char *flag)
{
	size_t fl = strlen(flag);
	if (strncmp(argv[*i], flag, fl) == 0 && argv[*i][fl] == '=')
		return argv[*i] + fl + 1;
	if (*i + 1 >= argc) {
		fprintf(stderr, "hybridns lint: %s needs a value\n", flag);
		return NULL;
	}
	return argv[++*i];
}

static bool
lint_is_opt(const char *a, const char *flag)
{
	size_t fl = strlen(flag);
	return strncmp(a, flag, fl) == 0 && (a[fl] == '\0' || a[fl] == '=');
}

/* Returns -1 to go on, else the exit status. */
static int
lint_parse_args(int argc, char **argv, struct lint_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			lint_usage(stdout);
			return HNS_EXIT_OK;
		} else if (lint_is_opt(a, "--format")) {
			if ((val = lint_opt_value(argc, argv, &i, "--format")) == NULL)
				return HNS_EXIT_USAGE;
			if (strcmp(val, "text") == 0) {
				o->format = LINT_TEXT;
			} else if (strcmp(val, "json") == 0) {
				o->format = LINT_JSON;
			} else if (strcmp(val, "sarif") == 0) {
				o->format = LINT_SARIF;
			} else {
				fprintf(stderr,
					"hybridns lint: unknown format '%s' (expected text, json or "
					"sarif)\n",
					val);
				return HNS_EXIT_USAGE;
			}
		} else if (lint_is_opt(a, "--fail-on")) {
			if ((val = lint_opt_value(argc, argv, &i, "--fail-on")) == NULL)
				return HNS_EXIT_USAGE;
			o->fail_none = strcmp(val, "none") == 0;
			if (!o->fail_none && lint_severity_parse(val, &o->fail_on) != 0) {
				fprintf(stderr,
					"hybridns lint: unknown --fail-on '%s' (expected error, "
					"warning, info or none)\n",
					val);
				return HNS_EXIT_USAGE;
			}
		} else if (strcmp(a, "--no-summary") == 0) {
			o->summary = false;
		} else if (strcmp(a, "--summary") == 0) {
			o->summary = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "hybridns lint: unknown option '%s'\n", a);
			lint_usage(stderr);
			return HNS_EXIT_USAGE;
		} else if (o->path) {
			fprintf(stderr, "hybridns lint: one scenario at a time ('%s' and '%s')\n",
				o->path, a);
			return HNS_EXIT_USAGE;
		} else {
			o->path = a;
		}
	}
	if (!o->path) {
		fprintf(stderr, "hybridns lint: no scenario file given\n");
		lint_usage(stderr);
		return HNS_EXIT_USAGE;
	}
	return -1;
}

static int
lint_write(const struct lint_opts *o, const struct model *m, const struct lint_findings *f)
{
	int rc = 0;

	if (o->format == LINT_JSON) {
		rc = lint_world_json(m, f, stdout);
	} else if (o->format == LINT_SARIF) {
		rc = lint_report_sarif(m, f, stdout);
	} else {
		if (o->summary) {
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
	struct lint_opts o = { .format = LINT_TEXT, .fail_on = LINT_ERROR, .summary = true };
	int status = lint_parse_args(argc, argv, &o);
	if (status >= 0)
		return status;

	struct model *m = NULL;
	struct model_errors errs;
	model_errors_init(&errs);
	int rc = model_load_file(o.path, &m, &errs);
	if (rc != 0) {
		if (errs.n || errs.dropped)
			model_errors_print(&errs, stderr);
		else
			fprintf(stderr, "%s: %s\n", o.path, hns_strerror(rc));
		model_errors_deinit(&errs);
		return HNS_EXIT_USAGE;
	}
	model_errors_deinit(&errs);

	size_t len = 0;
	char *src = lint_read_text(o.path, &len);
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
