/*
 * harness/cli.h -- the command line as data.
 *
 * Each subcommand describes itself with a struct cli_command: its
 * positional arguments and a table of options, each naming the field of
 * the command's own option struct it fills (offsetof) and how the text is
 * read (a number in a range, a port, a loopback address, one of a list of
 * words, a duration, a string, a flag).  One driver, cli_parse(), walks
 * the table with getopt_long, so every command reads --seed, --port,
 * --format and -o the same way, gives the same located message for a bad
 * value (exit 2), and prints its usage -- for -h/--help, after an error,
 * and in `hybridns --help` -- from the same table.  cli_scenario() is the
 * one way a command loads its scenario and the one exit status for a
 * scenario that cannot be loaded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct model;

enum cli_type {
	CLI_FLAG,     /* bool: present or not */
	CLI_STRING,   /* const char *: the argument as given */
	CLI_U64,      /* uint64_t in [min, max] */
	CLI_UNSIGNED, /* unsigned in [min, max] */
	CLI_PORT,     /* uint16_t, 1-65535 */
	CLI_ADDR,     /* struct hns_addr, IP[:PORT] (127.0.0.0/8 or ::1 with CLI_LOOPBACK) */
	CLI_CHOICE,   /* int: the index of the word in `arg` ("text|json|junit") */
	CLI_DURATION, /* uint64_t nanoseconds from seconds: "3", "2.5", "2.5s" */
	CLI_CUSTOM,   /* parse(): prints its own message, returns 0 or -1 */
};

enum cli_flags {
	CLI_LOOPBACK = 1 << 0, /* CLI_ADDR: only loopback addresses */
	CLI_NEED_PORT = 1 << 1, /* CLI_ADDR: the port is required */
	CLI_REQUIRED = 1 << 2, /* the option must be given */
};

#define CLI_NONE ((size_t)-1)

struct cli_opt {
	const char *name;  /* long name, without the dashes */
	char short_name;   /* 'o', or 0 */
	enum cli_type type;
	size_t off;        /* offsetof the field it fills */
	size_t given_off;  /* offsetof a bool set when the option is given, or CLI_NONE */
	const char *arg;   /* what the argument looks like: "FILE", "N", "text|json" */
	const char *help;  /* one line */
	uint64_t min, max; /* CLI_U64, CLI_UNSIGNED */
	unsigned flags;
	int (*parse)(const char *cmd, const char *arg, void *field); /* CLI_CUSTOM */
};

struct cli_command {
	const char *name;     /* "check" */
	const char *args;     /* the positional part of the synopsis: "SCENARIO NAME [TYPE]" */
	const char *about;    /* further lines for --help (may be NULL), each ending in \n */
	const struct cli_opt *opts;
	size_t n_opts;
	unsigned min_args, max_args; /* positional arguments */
};

#define CLI_COMMAND(nm, a, ab, table, lo, hi)                                                     \
	{ .name = (nm), .args = (a), .about = (ab), .opts = (table),                              \
	  .n_opts = sizeof(table) / sizeof((table)[0]), .min_args = (lo), .max_args = (hi) }

/* The options every command that has them reads the same way. */
#define CLI_OPT_SEED(S, field, given)                                                             \
	{ "seed", 0, CLI_U64, offsetof(S, field), offsetof(S, given), "N",                        \
	  "seed of every random choice (loss, jitter, {rand} names, IDs)", 0, UINT64_MAX, 0, NULL }
#define CLI_OPT_PORT(S, field, help)                                                              \
	{ "port", 0, CLI_PORT, offsetof(S, field), CLI_NONE, "N", (help), 1, 65535, 0, NULL }
#define CLI_OPT_FORMAT(S, field, words)                                                           \
	{ "format", 0, CLI_CHOICE, offsetof(S, field), CLI_NONE, (words), "output format", 0, 0, 0, NULL }
#define CLI_OPT_OUTPUT(S, field)                                                                  \
	{ "output", 'o', CLI_STRING, offsetof(S, field), CLI_NONE, "FILE",                        \
	  "write to FILE instead of standard output", 0, 0, 0, NULL }

/*
 * Parse argv (argv[0] is the subcommand) into `opts` by the command's
 * table; the positional arguments are left in *args / *n_args (pointers
 * into argv).  Returns -1 to go on, or the exit status to return at once:
 * 0 after printing the usage for -h/--help, 2 after a located message and
 * the usage for a bad option, value or argument count.
 */
int cli_parse(const struct cli_command *c, int argc, char **argv, void *opts, char ***args,
	      int *n_args);

/* "usage: hybridns NAME ARGS [options]" with every option and its help. */
void cli_usage(const struct cli_command *c, FILE *out);
/* The one-line synopsis (for `hybridns --help`): "NAME ARGS [--opt X] ...". */
void cli_synopsis(const struct cli_command *c, FILE *out);

/*
 * Load the scenario at `path` (NULL: the built-in default), printing the
 * located errors.  Returns 0 with *m set, or the exit status: 2 for a
 * scenario that is invalid or cannot be read (missing, unreadable, too
 * big), 3 only when memory ran out.
 */
int cli_scenario(const char *path, struct model **m);
