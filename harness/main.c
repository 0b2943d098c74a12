/*
 * harness/main.c -- the hybridns command line: a table of subcommands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "harness/cmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{ "check", cmd_check,
	  "check [SCENARIO] [--format text|json|junit] [-o FILE] [--onprem-resolver IP:PORT] [--seed N]" },
	{ "serve", cmd_serve,
	  "serve SCENARIO [--only onprem|aws|vpn|internet] [--port N] [--map-json FILE] [--listen IP:PORT]" },
	{ "trace", cmd_trace, "trace SCENARIO NAME [TYPE] [--from WHERE]" },
	{ "lint", cmd_lint, "lint SCENARIO [--format text|json]" },
	{ "graph", cmd_graph, "graph SCENARIO [--format dot|svg] [-o FILE]" },
	{ "load", cmd_load,
	  "load SCENARIO [--profile NAME] [--qps N] [--duration S] [--target IP:PORT] [--format text|json] [-o FILE] [--seed N] [--workers N]" },
	{ "import", cmd_import_onprem_entry, /* temporary: replaced by cmd_import at merge */
	  "import bind|unbound|dnsmasq|coredns|windows|dnsdist CONFIG [--into SCENARIO] [--name NAME] [--address IP] [-o SCENARIO]" },
	{ "export", cmd_export,
	  "export SCENARIO --to unbound|bind|dnsmasq|coredns|dnsdist|windows [--mapped] [--resolver NAME] [--port N] [-o FILE]" },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: hybridns COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  hybridns %s\n", commands[i].usage);
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
