/*
 * harness/cmd_matrix.c -- `hybridns matrix SCENARIO [--format
 * text|markdown|json|html] [--names FILE] [-o FILE] [--seed N]`: where each
 * name that matters resolves from each place, asked of the live emulation
 * (harness/matrix.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/matrix.h"
#include "harness/matrix_cmd.h"
#include "harness/serve.h"
#include "model/model.h"

struct matrix_args {
	struct matrix_opts o;
	int format; /* enum matrix_format */
	const char *output, *names;
	uint64_t seed;
	bool seed_given;
};

#define MA(field) offsetof(struct matrix_args, field)
static const struct cli_opt matrix_cli_opts[] = {
	CLI_OPT_FORMAT(struct matrix_args, format, MATRIX_FORMAT_WORDS),
	CLI_OPT_OUTPUT(struct matrix_args, output),
	{ "names", 0, CLI_STRING, MA(names), CLI_NONE, "FILE",
	  "add rows: one `name [TYPE]` per line, # comments", 0, 0, 0, NULL },
	CLI_OPT_SEED(struct matrix_args, seed, seed_given),
};
#undef MA

const struct cli_command cmd_matrix_cli = CLI_COMMAND("matrix", "SCENARIO",
	"  Every interface endpoint name, private hosted zone record, on-prem record and public\n"
	"  service name, asked from every on-prem resolver, VPC, inbound ENI and the internet,\n"
	"  in one live world; each cell private, public, nxdomain, nodata, servfail, timeout or\n"
	"  refused.  Colours in a terminal unless NO_COLOR is set.\n",
	matrix_cli_opts, 1, 1);

bool
matrix_cmd_colour(FILE *out)
{
	const char *nc = getenv("NO_COLOR");

	return (nc == NULL || nc[0] == '\0') && isatty(fileno(out));
}

int
matrix_cmd_write(const struct matrix *mx, enum matrix_format format, FILE *out)
{
	switch (format) {
	case MATRIX_FORMAT_TEXT:
		return matrix_write_text(mx, out, matrix_cmd_colour(out));
	case MATRIX_FORMAT_MARKDOWN:
		return matrix_write_markdown(mx, out);
	case MATRIX_FORMAT_JSON:
		return matrix_write_json(mx, out);
	case MATRIX_FORMAT_HTML:
		return matrix_write_html_page(mx, out);
	}
	return HNS_EINVAL;
}

FILE *
matrix_cmd_open(const char *cmd, const char *output)
{
	FILE *out = output != NULL ? fopen(output, "w") : stdout;

	if (out == NULL)
		fprintf(stderr, "hybridns %s: -o %s: %s\n", cmd, output, strerror(errno));
	return out;
}

int
matrix_cmd_close(const char *cmd, FILE *out, int rc)
{
	if (fflush(out) != 0)
		rc = -EIO;
	if (out != stdout && fclose(out) != 0)
		rc = -EIO;
	if (rc != 0) {
		fprintf(stderr, "hybridns %s: writing the output failed: %s\n", cmd, hns_strerror(rc));
		return HNS_EXIT_RUNTIME;
	}
	return HNS_EXIT_OK;
}

int
cmd_matrix(int argc, char **argv)
{
	struct matrix_args a = { .format = MATRIX_FORMAT_TEXT };
	struct matrix *mx = NULL;
	struct model *m = NULL;
	char err[600];
	FILE *out;
	char **args;
	int n_args, status, rc;

	matrix_opts_init(&a.o);
	if ((status = cli_parse(&cmd_matrix_cli, argc, argv, &a, &args, &n_args)) >= 0)
		return status;
	a.o.seed = a.seed;
	a.o.seed_given = a.seed_given;
	if ((status = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return status;
	signal(SIGPIPE, SIG_IGN);
	rc = matrix_new(m, &mx);
	if (rc == 0 && a.names != NULL && (rc = matrix_names_file(mx, a.names, err, sizeof(err))) != 0) {
		fprintf(stderr, "hybridns matrix: --names %s\n", err);
		status = rc == HNS_EINVAL ? HNS_EXIT_USAGE : HNS_EXIT_RUNTIME;
		goto out;
	}
	if (rc != 0)
		fprintf(stderr, "hybridns matrix: %s\n", hns_strerror(rc));
	if (rc != 0 || (out = matrix_cmd_open("matrix", a.output)) == NULL) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	if ((rc = matrix_run(mx, &a.o)) != 0) {
		fprintf(stderr, "hybridns matrix: cannot bring the world up: %s\n", hns_strerror(rc));
		matrix_cmd_close("matrix", out, 0);
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	rc = matrix_cmd_write(mx, (enum matrix_format)a.format, out);
	status = matrix_cmd_close("matrix", out, rc);
out:
	matrix_free(mx);
	model_free(m);
	return status;
}
