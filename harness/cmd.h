/*
 * harness/cmd.h -- the hybridns subcommands.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status:
 *   0 all held, 1 an expectation / SLO / lint error failed,
 *   2 usage or scenario error, 3 runtime failure.
 */
#pragma once

enum hns_exit {
	HNS_EXIT_OK = 0,
	HNS_EXIT_FAILED = 1,
	HNS_EXIT_USAGE = 2,
	HNS_EXIT_RUNTIME = 3,
};

struct cli_command;

/* Each command's option table (harness/cli.h), for its usage and `hybridns --help`. */
/* lab and import have verbs before their options: their usage texts are their own. */
extern const char cmd_lab_usage[];
extern const char cmd_import_usage[]; /* import: one form per source */
extern const struct cli_command cmd_check_cli, cmd_export_cli, cmd_lint_cli, cmd_graph_cli, cmd_load_cli, cmd_serve_cli,
	cmd_trace_cli;
extern const struct cli_command cmd_matrix_cli, cmd_diff_cli;
extern const struct cli_command cmd_report_cli;

int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_import(int argc, char **argv);
/* `import bind|unbound|dnsmasq|coredns|windows|dnsdist ...`; argv[0] is the product word. */
int cmd_import_onprem(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
