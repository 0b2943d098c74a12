/*
 * harness/cmd_import_onprem.c -- `hybridns import bind|unbound|dnsmasq|
 * coredns|windows|dnsdist CONFIG [--into SCENARIO] [--name NAME]
 * [--address IP] [-o SCENARIO]`: an on-prem resolver's real configuration
 * as a scenario (or added to one).
 *
 * The result is loaded back through the model before anything is written:
 * what import writes, lint accepts.  Exit 0 written; 2 usage, unreadable or
 * invalid input (located); 3 runtime failure (cannot write).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "import/onprem/onprem.h"
#include "model/model.h"


struct import_args {
	const char *product, *config, *into, *name, *address, *output;
	char command[1024];
	char stem[64];
};

/* A whole file into a NUL-terminated buffer (malloc'd); -errno on failure. */
static int
file_slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return -errno;
	do {
		if (n + 4096 > cap) {
			char *nb = realloc(buf, cap += 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return HNS_ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* The resolver name from the file's stem ("named.conf" -> "named"), made a valid handle. */
static void
name_from_stem(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t o = 0;

	base = base ? base + 1 : path;
	if (*base == '\0')
		base = "resolver";
	for (; *base && *base != '.' && o + 1 < len; base++) {
		char ch = *base;

		buf[o++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a')
			   : ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') ? ch
			   : '-';
	}
	if (o == 0)
		o = (size_t)snprintf(buf, len, "resolver");
	buf[o < len ? o : len - 1] = '\0';
}

#define IA(field) offsetof(struct import_args, field)
static const struct cli_opt import_onprem_opts[] = {
	{ "into", 0, CLI_STRING, IA(into), CLI_NONE, "SCENARIO",
	  "add the resolver to SCENARIO's onprem.resolvers (replacing one of the same name)", 0, 0, 0, NULL },
	{ "name", 0, CLI_STRING, IA(name), CLI_NONE, "NAME",
	  "the resolver's name (default the file's stem)", 0, 0, 0, NULL },
	{ "address", 0, CLI_STRING, IA(address), CLI_NONE, "IP",
	  "the resolver's address (default the one the configuration listens on)", 0, 0, 0, NULL },
	CLI_OPT_OUTPUT(struct import_args, output),
};
#undef IA

static const struct cli_command import_onprem_cli = CLI_COMMAND(
	"import bind|unbound|dnsmasq|coredns|windows|dnsdist", "CONFIG",
	"  Reads a resolver's configuration and writes it as a scenario (or, with --into,\n"
	"  adds it to SCENARIO's onprem.resolvers, replacing a resolver of the same name).\n",
	import_onprem_opts, 1, 1);

/* Returns -1 to go on, else the exit status. */
static int
args_parse(int argc, char **argv, struct import_args *a)
{
	struct hns_addr ad;
	char **args;
	size_t o = 0;
	int n_args, status;

	memset(a, 0, sizeof(*a));
	a->product = argv[0];
	/* the command as typed, before getopt reorders argv */
	o = (size_t)snprintf(a->command, sizeof(a->command), "hybridns import");
	for (int i = 0; i < argc && o < sizeof(a->command); i++)
		o += (size_t)snprintf(a->command + o, sizeof(a->command) - o, " %s", argv[i]);
	if ((status = cli_parse(&import_onprem_cli, argc, argv, a, &args, &n_args)) >= 0)
		return status;
	a->config = args[0];
	if (a->address != NULL && hns_addr_parse_port(a->address, &ad) != 0 &&
	    hns_addr_parse(a->address, &ad) != 0) {
		fprintf(stderr, "hybridns import %s: --address: '%s' is not an IP address\n",
			a->product, a->address);
		return HNS_EXIT_USAGE;
	}
	if (a->name == NULL) {
		name_from_stem(a->config, a->stem, sizeof(a->stem));
		a->name = a->stem;
	}
	return -1;
}

/* Load the text back through the model: what import writes must validate. */
static int
verify(const char *name, const char *text, size_t len)
{
	struct model_errors errs;
	struct model *m = NULL;
	int rc;

	model_errors_init(&errs);
	rc = model_load_buffer(name, text, len, &m, &errs);
	if (rc != 0) {
		fprintf(stderr, "hybridns import: the result does not validate as a scenario:\n");
		model_errors_print(&errs, stderr);
	}
	model_errors_deinit(&errs);
	model_free(m);
	return rc;
}

static int
write_out(const char *path, const char *text, size_t len)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (f == NULL) {
		fprintf(stderr, "hybridns import: -o %s: %s\n", path, strerror(errno));
		return HNS_EXIT_RUNTIME;
	}
	if (fwrite(text, 1, len, f) != len || (f == stdout ? fflush(f) : fclose(f)) != 0) {
		fprintf(stderr, "hybridns import: %s: %s\n", path ? path : "stdout", strerror(errno));
		return HNS_EXIT_RUNTIME;
	}
	return HNS_EXIT_OK;
}

/* The output text: a whole scenario, or SCENARIO's text with the resolver in it. */
static int
build(struct onprem_conf *c, const struct import_args *a, char **text, size_t *len)
{
	struct onprem_emit e = { a->command, a->name, a->address, NULL };
	struct model_errors errs;
	struct model *m = NULL;
	char *orig = NULL;
	const char *why = NULL;
	size_t olen = 0;
	FILE *mem;
	int rc;

	if (a->into == NULL) {
		if ((mem = open_memstream(text, len)) == NULL)
			return HNS_ENOMEM;
		rc = onprem_emit_scenario(c, &e, mem);
		return fclose(mem) != 0 && rc == 0 ? HNS_ENOMEM : rc;
	}
	if ((rc = file_slurp(a->into, &orig, &olen)) != 0) {
		fprintf(stderr, "hybridns import: --into %s: %s\n", a->into, strerror(-rc));
		return HNS_EUSAGE;
	}
	model_errors_init(&errs);
	rc = model_load_buffer(a->into, orig, olen, &m, &errs);
	if (rc != 0) {
		model_errors_print(&errs, stderr);
		model_errors_deinit(&errs);
		free(orig);
		return HNS_EUSAGE;
	}
	model_errors_deinit(&errs);
	e.into = m;
	rc = onprem_into_text(c, &e, orig, text, &why);
	if (rc == HNS_EPARSE)
		fprintf(stderr, "hybridns import: --into %s: %s\n", a->into, why);
	else if (rc == 0)
		*len = strlen(*text);
	model_free(m);
	free(orig);
	return rc == HNS_EPARSE ? HNS_EUSAGE : rc;
}

int
cmd_import_onprem(int argc, char **argv)
{
	struct import_args a;
	struct onprem_conf c;
	onprem_reader read;
	char *text = NULL;
	size_t len = 0;
	int rc, status;

	if (argc < 1 || (read = onprem_reader_find(argv[0])) == NULL) {
		fprintf(stderr, "hybridns import: unknown source '%s' (expected %s)\n",
			argc < 1 ? "" : argv[0], onprem_products);
		return HNS_EXIT_USAGE;
	}
	if ((status = args_parse(argc, argv, &a)) >= 0)
		return status;
	onprem_conf_init(&c, a.product, stderr);
	rc = read(&c, a.config, stderr);
	if (rc == 0)
		rc = build(&c, &a, &text, &len);
	if (rc == 0)
		rc = verify(a.output ? a.output : a.into ? a.into : "<stdout>", text, len);
	if (rc == 0)
		status = write_out(a.output, text, len);
	else if (rc == HNS_ENOMEM)
		status = HNS_EXIT_RUNTIME;
	else
		status = HNS_EXIT_USAGE;
	free(text);
	onprem_conf_deinit(&c);
	return status;
}
