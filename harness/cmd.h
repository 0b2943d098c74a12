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

int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_graph(int argc, char **argv);
/* import bind|unbound|dnsmasq|coredns|windows|dnsdist …: argv[0] is the product word */
int cmd_import_onprem(int argc, char **argv);
/* Temporary `import` entry until harness/cmd_import.c is merged (argv[0] is "import"). */
int cmd_import_onprem_entry(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_trace(int argc, char **argv);
