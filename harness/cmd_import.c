/*
 * harness/cmd_import.c -- `hybridns import SOURCE ...`: build a scenario
 * from a team's real configuration.
 *
 *   hybridns import aws DIR|FILE... [-o SCENARIO] [--region R]
 *   hybridns import terraform PLAN_OR_STATE.json [-o SCENARIO] [--region R]
 *   hybridns import bind|unbound|dnsmasq|coredns|windows|dnsdist ...  (cmd_import_onprem)
 *
 * The importers live in import/; this file parses the command line, names
 * the command and sources in the header and writes the result (stdout, or
 * -o written only when the import succeeded).  Exit status: 0 written,
 * 2 usage or an unreadable / invalid source, 3 the written scenario does
 * not load (a bug of the importer) or the output cannot be written.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "import/import.h"

const char cmd_import_usage[] =
	"usage: hybridns import aws DIR|FILE... [-o SCENARIO] [--region R]\n"
	"       hybridns import terraform PLAN_OR_STATE.json [-o SCENARIO] [--region R]\n"
	"       hybridns import bind|unbound|dnsmasq|coredns|windows|dnsdist CONFIG [--into SCENARIO]\n"
	"                       [--name NAME] [--address IP] [-o SCENARIO]\n";

static const char *const onprem_products[] = {
	"bind", "unbound", "dnsmasq", "coredns", "windows", "dnsdist",
};

/* "hybridns import aws a.json b/" for the header. */
static char *
import_command_line(int argc, char **argv)
{
	size_t n = strlen("hybridns") + 1;
	char *s;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = malloc(n);
	if (s == NULL)
		return NULL;
	strcpy(s, "hybridns");
	for (int i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int
import_status(int rc)
{
	if (rc == 0)
		return HNS_EXIT_OK;
	if (rc == HNS_EPARSE)
		return HNS_EXIT_USAGE;
	if (rc == HNS_ESCENARIO)
		return HNS_EXIT_RUNTIME;
	fprintf(stderr, "hybridns import: %s\n", hns_strerror(rc));
	return HNS_EXIT_RUNTIME;
}

static int
import_write(const char *output, const char *text, size_t len)
{
	FILE *out = stdout;

	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		perror(output);
		return HNS_EXIT_RUNTIME;
	}
	if (fwrite(text, 1, len, out) != len || (out != stdout ? fclose(out) : fflush(out)) != 0) {
		perror(output ? output : "stdout");
		return HNS_EXIT_RUNTIME;
	}
	return HNS_EXIT_OK;
}

struct import_args {
	const char *region, *output;
};

static const struct cli_opt import_json_opts[] = {
	CLI_OPT_OUTPUT(struct import_args, output),
	{ "region", 0, CLI_STRING, offsetof(struct import_args, region), CLI_NONE, "R",
	  "the region of the design (default: read from the sources)", 0, 0, 0, NULL },
};

static const struct cli_command import_aws_cli = CLI_COMMAND("import aws", "DIR|FILE...",
	"  Reads AWS CLI JSON outputs (--output json), recognised by content (docs/import.md).\n",
	import_json_opts, 1, 100000);
static const struct cli_command import_terraform_cli = CLI_COMMAND("import terraform",
	"PLAN_OR_STATE.json", "  Reads `terraform show -json` of a plan or of state (docs/import.md).\n",
	import_json_opts, 1, 1);

/* `import aws` and `import terraform`; argv[0] is the source word. */
static int
import_json(int argc, char **argv, char *command)
{
	bool terraform = strcmp(argv[0], "terraform") == 0;
	struct import_args a = { 0 };
	struct import_opts o = { .command = command };
	char *text = NULL, **args;
	size_t len = 0;
	int n_args, rc;

	if ((rc = cli_parse(terraform ? &import_terraform_cli : &import_aws_cli, argc, argv, &a, &args,
			    &n_args)) >= 0)
		return rc;
	o.region = a.region;
	if (terraform)
		rc = import_terraform_file(args[0], &o, stderr, &text, &len);
	else
		rc = import_aws_files((const char *const *)args, (size_t)n_args, &o, stderr, &text, &len);
	if (rc != 0)
		return import_status(rc);
	rc = import_write(a.output, text, len);
	free(text);
	return rc;
}

int
cmd_import(int argc, char **argv)
{
	char *command;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cmd_import_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? HNS_EXIT_USAGE : HNS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(onprem_products) / sizeof(onprem_products[0]); i++)
		if (strcmp(argv[1], onprem_products[i]) == 0)
			return cmd_import_onprem(argc - 1, argv + 1);
	if (strcmp(argv[1], "aws") != 0 && strcmp(argv[1], "terraform") != 0) {
		fprintf(stderr, "hybridns import: unknown source '%s' (expected aws, terraform, bind, "
				"unbound, dnsmasq, coredns, windows or dnsdist)\n%s",
			argv[1], cmd_import_usage);
		return HNS_EXIT_USAGE;
	}
	command = import_command_line(argc, argv);
	if (command == NULL)
		return HNS_EXIT_RUNTIME;
	rc = import_json(argc - 1, argv + 1, command);
	free(command);
	return rc;
}
