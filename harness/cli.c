/*
 * harness/cli.c -- one driver for every subcommand's option table.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/scenario_src.h"

#define CLI_MAX_OPTS 40
#define CLI_HELP_VAL 'h'
#define CLI_LONG_BASE 256

static bool
takes_arg(const struct cli_opt *o)
{
	return o->type != CLI_FLAG;
}

/* ------------------------------------------------------------- usage */

static void
opt_synopsis(const struct cli_opt *o, FILE *out)
{
	bool required = o->flags & CLI_REQUIRED;

	if (o->short_name)
		fprintf(out, "%s-%c", required ? "" : "[", o->short_name);
	else
		fprintf(out, "%s--%s", required ? "" : "[", o->name);
	if (takes_arg(o))
		fprintf(out, " %s", o->arg);
	if (!required)
		fputc(']', out);
}

void
cli_synopsis(const struct cli_command *c, FILE *out)
{
	size_t col = fprintf(out, "hybridns %s%s%s", c->name, c->args[0] ? " " : "", c->args);

	for (size_t i = 0; i < c->n_opts; i++) {
		char buf[160];
		FILE *m = fmemopen(buf, sizeof(buf), "w");
		size_t len;

		if (m == NULL)
			continue;
		opt_synopsis(&c->opts[i], m);
		len = (size_t)ftell(m);
		fclose(m);
		buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
		if (col + 1 + len > 96) {
			fprintf(out, "\n%*s", (int)(strlen(c->name) + 10), "");
			col = strlen(c->name) + 10;
		} else {
			fputc(' ', out);
			col++;
		}
		fputs(buf, out);
		col += len;
	}
	fputc('\n', out);
}

void
cli_usage(const struct cli_command *c, FILE *out)
{
	fputs("usage: ", out);
	cli_synopsis(c, out);
	if (c->about)
		fputs(c->about, out);
	if (c->n_opts == 0)
		return;
	fputs("options:\n", out);
	for (size_t i = 0; i < c->n_opts; i++) {
		const struct cli_opt *o = &c->opts[i];
		char head[80];
		int n;

		if (o->short_name)
			n = snprintf(head, sizeof(head), "-%c, --%s", o->short_name, o->name);
		else
			n = snprintf(head, sizeof(head), "--%s", o->name);
		if (takes_arg(o) && n > 0 && (size_t)n < sizeof(head))
			snprintf(head + n, sizeof(head) - (size_t)n, " %s", o->arg);
		if (strlen(head) > 30)
			fprintf(out, "  %s\n  %-30s %s\n", head, "", o->help);
		else
			fprintf(out, "  %-30s %s\n", head, o->help);
	}
	fputs("  -h, --help                     this text\n", out);
}

/* ------------------------------------------------------------- values */

/* A decimal number without sign or junk, within [min, max]. */
static int
read_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "3", "2.5", "3s", "1500ms": seconds, more than 0 and at most a day. */
static int
read_duration(const char *s, uint64_t *out_ns)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || !(v > 0))
		return -1;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	if (v > 86400 || v * 1e9 < 1)
		return -1;
	*out_ns = (uint64_t)(v * 1e9);
	return 0;
}

/* The index of `s` among the '|'-separated words of `words`, or -1. */
static int
read_choice(const char *words, const char *s)
{
	size_t len = strlen(s);
	int i = 0;

	for (const char *w = words; *w; i++) {
		const char *bar = strchr(w, '|');
		size_t wl = bar ? (size_t)(bar - w) : strlen(w);

		if (wl == len && strncmp(w, s, len) == 0)
			return i;
		if (!bar)
			break;
		w = bar + 1;
	}
	return -1;
}

/* "text, json or junit" from "text|json|junit". */
static void
print_choices(const char *words, FILE *out)
{
	const char *last = strrchr(words, '|');

	for (const char *w = words; *w;) {
		const char *bar = strchr(w, '|');
		size_t wl = bar ? (size_t)(bar - w) : strlen(w);

		fprintf(out, "%.*s", (int)wl, w);
		if (!bar)
			break;
		fputs(bar == last ? " or " : ", ", out);
		w = bar + 1;
	}
}

static int
set_value(const struct cli_command *c, const struct cli_opt *o, const char *arg, char *base)
{
	void *field = base + o->off;
	uint64_t v;

	switch (o->type) {
	case CLI_FLAG:
		*(bool *)field = true;
		return 0;
	case CLI_STRING:
		*(const char **)field = arg;
		return 0;
	case CLI_U64:
	case CLI_UNSIGNED:
		if (read_u64(arg, o->min, o->max, &v) != 0) {
			fprintf(stderr, "hybridns %s: --%s: '%s' is not a number from %llu to %llu\n",
				c->name, o->name, arg, (unsigned long long)o->min,
				(unsigned long long)o->max);
			return -1;
		}
		if (o->type == CLI_U64)
			*(uint64_t *)field = v;
		else
			*(unsigned *)field = (unsigned)v;
		return 0;
	case CLI_PORT:
		if (read_u64(arg, 1, 65535, &v) != 0) {
			fprintf(stderr, "hybridns %s: --%s: '%s' is not a port (1-65535)\n", c->name,
				o->name, arg);
			return -1;
		}
		*(uint16_t *)field = (uint16_t)v;
		return 0;
	case CLI_ADDR: {
		struct hns_addr *a = field;

		if (hns_addr_parse_port(arg, a) != 0 || ((o->flags & CLI_NEED_PORT) && a->port == 0)) {
			fprintf(stderr, "hybridns %s: --%s: '%s' is not %s\n", c->name, o->name, arg,
				(o->flags & CLI_NEED_PORT) ? "IP:PORT" : "IP[:PORT]");
			return -1;
		}
		if ((o->flags & CLI_LOOPBACK) && !hns_addr_is_loopback(a)) {
			fprintf(stderr,
				"hybridns %s: --%s: %s is not a loopback address (hybridns only talks to 127.0.0.0/8 and ::1)\n",
				c->name, o->name, arg);
			return -1;
		}
		return 0;
	}
	case CLI_CHOICE: {
		int i = read_choice(o->arg, arg);

		if (i < 0) {
			fprintf(stderr, "hybridns %s: --%s: unknown value '%s' (expected ", c->name, o->name, arg);
			print_choices(o->arg, stderr);
			fputs(")\n", stderr);
			return -1;
		}
		*(int *)field = i;
		return 0;
	}
	case CLI_DURATION:
		if (read_duration(arg, (uint64_t *)field) != 0) {
			fprintf(stderr,
				"hybridns %s: --%s: '%s' is not a duration (seconds, e.g. 3, 2.5s or 1500ms; at most a day)\n",
				c->name, o->name, arg);
			return -1;
		}
		return 0;
	case CLI_CUSTOM:
		return o->parse(c->name, arg, field);
	}
	return -1;
}

/* ------------------------------------------------------------- parsing */

int
cli_parse(const struct cli_command *c, int argc, char **argv, void *opts, char ***args,
	  int *n_args)
{
	struct option longopts[CLI_MAX_OPTS + 2];
	char shortopts[2 * CLI_MAX_OPTS + 4], *sp = shortopts;
	size_t n = 0;
	bool given[CLI_MAX_OPTS] = { false };
	int ch;

	if (c->n_opts > CLI_MAX_OPTS)
		abort(); /* a table too long for this driver is a build mistake */
	*sp++ = ':'; /* a missing argument is ':', told apart from an unknown option */
	*sp++ = 'h';
	for (size_t i = 0; i < c->n_opts; i++) {
		const struct cli_opt *o = &c->opts[i];

		longopts[n++] = (struct option){ o->name, takes_arg(o) ? required_argument : no_argument,
						 NULL, CLI_LONG_BASE + (int)i };
		if (o->short_name) {
			*sp++ = o->short_name;
			if (takes_arg(o))
				*sp++ = ':';
		}
	}
	*sp = '\0';
	longopts[n++] = (struct option){ "help", no_argument, NULL, CLI_HELP_VAL };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_opt *o = NULL;

		if (ch == CLI_HELP_VAL) {
			cli_usage(c, stdout);
			return HNS_EXIT_OK;
		}
		if (ch == '?' || ch == ':') {
			fprintf(stderr, "hybridns %s: %s '%s'\n", c->name,
				ch == ':' ? "missing the argument of" : "unknown option", argv[optind - 1]);
			cli_usage(c, stderr);
			return HNS_EXIT_USAGE;
		}
		if (ch >= CLI_LONG_BASE) {
			o = &c->opts[ch - CLI_LONG_BASE];
		} else {
			for (size_t i = 0; i < c->n_opts && o == NULL; i++)
				if (c->opts[i].short_name == ch)
					o = &c->opts[i];
		}
		if (o == NULL || set_value(c, o, optarg, opts) != 0)
			return HNS_EXIT_USAGE;
		if (o->given_off != CLI_NONE)
			*(bool *)((char *)opts + o->given_off) = true;
		given[o - c->opts] = true;
	}
	for (size_t i = 0; i < c->n_opts; i++) {
		if ((c->opts[i].flags & CLI_REQUIRED) && !given[i]) {
			fprintf(stderr, "hybridns %s: --%s is required\n", c->name, c->opts[i].name);
			cli_usage(c, stderr);
			return HNS_EXIT_USAGE;
		}
	}
	*args = argv + optind;
	*n_args = argc - optind;
	if ((unsigned)*n_args < c->min_args || (unsigned)*n_args > c->max_args) {
		fprintf(stderr, "hybridns %s: %s (expected %s)\n", c->name,
			(unsigned)*n_args < c->min_args ? "missing arguments" : "too many arguments",
			c->args);
		cli_usage(c, stderr);
		return HNS_EXIT_USAGE;
	}
	return -1;
}

/* ------------------------------------------------------------- scenario */

int
cli_scenario(const char *path, struct model **m)
{
	int rc = scenario_load(path, m);

	return rc == 0 ? HNS_EXIT_OK : scenario_load_status(rc);
}
