#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "harness/cli.h"
#include "harness/cmd.h"

/* scenario_load is not linked here: cli_scenario is tested through the CLI. */
int scenario_load(const char *path, struct model **out);
int scenario_load_status(int rc);
int scenario_load(const char *path, struct model **out) { return -2; }
int scenario_load_status(int rc) { return HNS_EXIT_USAGE; }

struct t_args {
	const char *out;
	uint64_t seed;
	bool seed_given, flag;
	uint16_t port;
	unsigned workers;
	int format;
	uint64_t ns;
	struct hns_addr target;
	int mode;
};

static const struct cli_opt t_opts[] = {
	CLI_OPT_OUTPUT(struct t_args, out),
	CLI_OPT_SEED(struct t_args, seed, seed_given),
	CLI_OPT_PORT(struct t_args, port, "port"),
	CLI_OPT_FORMAT(struct t_args, format, "text|json|junit"),
	{ "flag", 0, CLI_FLAG, offsetof(struct t_args, flag), CLI_NONE, NULL, "a flag", 0, 0, 0, NULL },
	{ "workers", 0, CLI_UNSIGNED, offsetof(struct t_args, workers), CLI_NONE, "N", "n", 1, 16, 0, NULL },
	{ "duration", 0, CLI_DURATION, offsetof(struct t_args, ns), CLI_NONE, "S", "d", 0, 0, 0, NULL },
	{ "target", 0, CLI_ADDR, offsetof(struct t_args, target), CLI_NONE, "IP:PORT", "t", 0, 0,
	  CLI_LOOPBACK | CLI_NEED_PORT, NULL },
	{ "mode", 0, CLI_CHOICE, offsetof(struct t_args, mode), CLI_NONE, "a|b", "m", 0, 0, CLI_REQUIRED, NULL },
};
static const struct cli_command t_cli = CLI_COMMAND("t", "SCENARIO [NAME]", NULL, t_opts, 1, 2);

/* Parse a space-separated command line; the status cli_parse returned. */
static int
parse(const char *line, struct t_args *a, char ***args, int *n)
{
	static char buf[512];
	static char *argv[32];
	int argc = 0;

	snprintf(buf, sizeof(buf), "t %s", line);
	for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	memset(a, 0, sizeof(*a));
	return cli_parse(&t_cli, argc, argv, a, args, n);
}

static void
test_every_kind_of_value_is_read_into_its_field(void **state)
{
	struct t_args a;
	char **args;
	int n;

	assert_int_equal(parse("s.yaml --mode b -o out.json --seed 42 --port 5300 --format junit --flag "
			       "--workers 16 --duration 1500ms --target 127.0.0.2:53 name",
			       &a, &args, &n),
			 -1);
	assert_int_equal(n, 2);
	assert_string_equal(args[0], "s.yaml");
	assert_string_equal(args[1], "name");
	assert_string_equal(a.out, "out.json");
	assert_true(a.seed_given);
	assert_int_equal(a.seed, 42);
	assert_int_equal(a.port, 5300);
	assert_int_equal(a.format, 2);
	assert_true(a.flag);
	assert_int_equal(a.workers, 16);
	assert_int_equal(a.ns, 1500000000ULL);
	assert_int_equal(a.target.port, 53);
	assert_int_equal(a.mode, 1);
	assert_int_equal(parse("s.yaml --mode a", &a, &args, &n), -1);
	assert_false(a.seed_given);
}

static void
test_bad_values_and_counts_are_usage_errors(void **state)
{
	const char *bad[] = {
		"s.yaml --mode c",		  /* not one of the words */
		"s.yaml",			  /* required option missing */
		"--mode a",			  /* no positional argument */
		"a b c --mode a",		  /* too many */
		"s.yaml --mode a --port 0",	  /* out of range */
		"s.yaml --mode a --port 65536",
		"s.yaml --mode a --seed -1",	  /* no sign */
		"s.yaml --mode a --seed 12x",	  /* junk */
		"s.yaml --mode a --workers 17",
		"s.yaml --mode a --duration 0",
		"s.yaml --mode a --duration 3h",
		"s.yaml --mode a --target 10.0.0.1:53", /* not loopback */
		"s.yaml --mode a --target 127.0.0.1",	/* no port */
		"s.yaml --mode a --nosuch",
		"s.yaml --mode a --port",		/* missing argument */
	};
	struct t_args a;
	char **args;
	int n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s\n", bad[i]);
		assert_int_equal(parse(bad[i], &a, &args, &n), HNS_EXIT_USAGE);
	}
	assert_int_equal(parse("--help", &a, &args, &n), HNS_EXIT_OK);
}

static void
test_usage_comes_from_the_table(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_usage(&t_cli, f);
	fclose(f);
	for (size_t i = 0; i < sizeof(t_opts) / sizeof(t_opts[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", t_opts[i].name);
		assert_non_null(strstr(text, want));
	}
	assert_non_null(strstr(text, "usage: hybridns t SCENARIO [NAME]"));
	assert_non_null(strstr(text, " --mode a|b")); /* required: no brackets */
	assert_non_null(strstr(text, "[--seed N]"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_of_value_is_read_into_its_field),
		cmocka_unit_test(test_bad_values_and_counts_are_usage_errors),
		cmocka_unit_test(test_usage_comes_from_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
