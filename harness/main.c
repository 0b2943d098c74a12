/*
 * harness/main.c -- the hybridns command line: a table of subcommands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/cmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const struct cli_command *cli; /* its option table: usage from there */
	const char *usage;	       /* else its own usage text */
	const char *also;	       /* a subcommand's line after the synopsis, or NULL */
};

static const struct command commands[] = {
	{ "check", cmd_check, &cmd_check_cli, NULL },
	{ "serve", cmd_serve, &cmd_serve_cli, NULL },
	{ "trace", cmd_trace, &cmd_trace_cli, NULL },
	{ "lint", cmd_lint, &cmd_lint_cli, NULL },
	{ "lab", cmd_lab, NULL, cmd_lab_usage },
	{ "graph", cmd_graph, &cmd_graph_cli, NULL },
	{ "load", cmd_load, &cmd_load_cli, NULL,
	  "  hybridns load merge REPORT.json REPORT.json... [--format text|json] [-o FILE]\n" },
	{ "export", cmd_export, &cmd_export_cli, NULL },
	{ "import", cmd_import, NULL, cmd_import_usage },
	{ "matrix", cmd_matrix, &cmd_matrix_cli, NULL },
	{ "diff", cmd_diff, &cmd_diff_cli, NULL },
	{ "report", cmd_report, &cmd_report_cli, NULL },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: hybridns COMMAND [ARGS]   (hybridns COMMAND --help for each)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fputs("  ", out);
		if (commands[i].cli)
			cli_synopsis(commands[i].cli, out);
		else /* "usage: hybridns lab ...\n       hybridns lab ...\n" */
			fputs(commands[i].usage + strlen("usage: "), out);
		if (commands[i].also)
			fputs(commands[i].also, out);
	}
	fprintf(out, "\n  hybridns --version\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HNS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return HNS_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hybridns %s\n", HNS_VERSION);
		return HNS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "hybridns: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return HNS_EXIT_USAGE;
}
