/*
 * harness/cmd_check.c -- `hybridns check`: run every expectation of a
 * scenario against a live emulation and report what held.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/plural.h"
#include "dns/names.h"
#include "harness/check.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/json.h"
#include "harness/scenario_src.h"
#include "harness/serve.h"
#include "model/model.h"


enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_JUNIT,
};

static const char *
answers_text(const struct observed *obs, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!obs->answered) {
		snprintf(buf, len, "no answer (%s)", obs->error);
		return buf;
	}
	for (size_t i = 0; i < obs->n_values && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", obs->values[i]);
	if (obs->n_values == 0)
		snprintf(buf, len, "%s", DNS_RCODE_NAME((unsigned)obs->rcode));
	else if (obs->rcode != 0 && o < len)
		snprintf(buf + o, len - o, " (%s)", DNS_RCODE_NAME((unsigned)obs->rcode));
	return buf;
}

static void
report_text(FILE *out, const struct model *m, const struct check_result *r, size_t n, size_t passed)
{
	char answers[512];
	int name_w = 20, ans_w = 12;

	for (size_t i = 0; i < n; i++) {
		int nl = (int)strlen(r[i].e->name);
		int al = (int)strlen(answers_text(&r[i].obs, answers, sizeof(answers)));

		name_w = nl > name_w ? nl : name_w;
		ans_w = al > ans_w ? al : ans_w;
	}
	name_w = name_w > 72 ? 72 : name_w;
	ans_w = ans_w > 40 ? 40 : ans_w;
	fprintf(out, "%s: %zu %s, %zu %s, %zu %s, %zu %s, VPN %zu %s\n", m->scenario, m->n_vpcs,
		HNS_PLURAL(m->n_vpcs, "VPC", "VPCs"), m->n_endpoints, HNS_PLURAL(m->n_endpoints, "endpoint", "endpoints"),
		m->n_zones, HNS_PLURAL(m->n_zones, "hosted zone", "hosted zones"), m->n_resolver_endpoints,
		HNS_PLURAL(m->n_resolver_endpoints, "resolver endpoint", "resolver endpoints"), m->vpn.n_tunnels,
		HNS_PLURAL(m->vpn.n_tunnels, "tunnel", "tunnels"));
	for (size_t i = 0; i < n; i++) {
		const struct check_result *c = &r[i];

		fprintf(out, " %s %-*s  %-*s %8.1f ms\n", c->verdict.pass ? "\u2713" : "\u2717", name_w,
			c->e->name, ans_w, answers_text(&c->obs, answers, sizeof(answers)), c->obs.latency_ms);
		if (!c->verdict.pass)
			fprintf(out, "     %s\n", c->verdict.message);
	}
	fprintf(out, "%zu passed, %zu failed\n", passed, n - passed);
}

static void
write_hops(struct json_writer *w, const struct check_result *c)
{
	json_array_begin(w);
	for (size_t i = 0; i < c->n_hops; i++) {
		if (i > 0 && strcmp(c->hops[i].hop, c->hops[i - 1].hop) == 0 &&
		    strcmp(c->hops[i].detail, c->hops[i - 1].detail) == 0)
			continue;
		json_object_begin(w);
		json_kv_string(w, "hop", c->hops[i].hop);
		json_kv_double(w, "t_ms", hns_time_ms(c->hops[i].t - c->hops[0].t));
		json_kv_string(w, "detail", c->hops[i].detail);
		json_object_end(w);
	}
	json_array_end(w);
}

static int
report_json(FILE *out, const struct model *m, const struct check_result *r, size_t n, size_t passed)
{
	struct json_writer w;

	json_report_begin(&w, out, m->scenario, m->file, passed, n - passed, "results");
	for (size_t i = 0; i < n; i++) {
		const struct check_result *c = &r[i];

		json_object_begin(&w);
		json_kv_string(&w, "name", c->e->name);
		json_kv_string(&w, "status", c->verdict.pass ? "pass" : "fail");
		json_kv_string(&w, "from", c->from);
		json_kv_string(&w, "query", c->query);
		if (c->obs.answered)
			json_kv_string(&w, "rcode", DNS_RCODE_NAME((unsigned)c->obs.rcode));
		else
			json_kv_null(&w, "rcode");
		json_key(&w, "answers");
		json_array_begin(&w);
		for (size_t k = 0; k < c->obs.n_values; k++)
			json_value_string(&w, c->obs.values[k]);
		json_array_end(&w);
		json_key(&w, "path");
		write_hops(&w, c);
		json_kv_double(&w, "latency_ms", c->obs.latency_ms);
		json_kv_string(&w, "message", c->verdict.pass ? "" : c->verdict.message);
		json_object_end(&w);
	}
	return json_report_end(&w);
}

static void
xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* XML 1.0 forbids most control characters even escaped. */
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, out);
		}
	}
}

static void
report_junit(FILE *out, const struct model *m, const struct check_result *r, size_t n, size_t passed)
{
	double total = 0;

	for (size_t i = 0; i < n; i++)
		total += r[i].obs.latency_ms / 1000.0;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n", n,
		n - passed, total);
	fprintf(out, "  <testsuite name=\"");
	xml_text(out, m->scenario);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n", n,
		n - passed, total);
	for (size_t i = 0; i < n; i++) {
		const struct check_result *c = &r[i];
		char answers[512];

		fprintf(out, "    <testcase classname=\"");
		xml_text(out, m->scenario);
		fprintf(out, ".%s\" name=\"", c->from);
		xml_text(out, c->e->name);
		fprintf(out, "\" time=\"%.3f\">\n", c->obs.latency_ms / 1000.0);
		if (!c->verdict.pass) {
			fprintf(out, "      <failure message=\"");
			xml_text(out, c->verdict.message);
			fprintf(out, "\" type=\"expectation\">");
			xml_text(out, c->query);
			fprintf(out, " from ");
			xml_text(out, c->from);
			fprintf(out, ": ");
			xml_text(out, answers_text(&c->obs, answers, sizeof(answers)));
			fprintf(out, "</failure>\n");
		}
		fprintf(out, "      <system-out>");
		xml_text(out, answers_text(&c->obs, answers, sizeof(answers)));
		fprintf(out, "</system-out>\n    </testcase>\n");
	}
	fprintf(out, "  </testsuite>\n</testsuites>\n");
}

struct check_args {
	struct check_opts o;
	int format; /* enum report_format */
	const char *output, *only;
};

#define CA(field) offsetof(struct check_args, field)
static const struct cli_opt check_cli_opts[] = {
	CLI_OPT_FORMAT(struct check_args, format, "text|json|junit"),
	CLI_OPT_OUTPUT(struct check_args, output),
	{ "onprem-resolver", 0, CLI_ADDR, CA(o.onprem_resolver), CLI_NONE, "IP:PORT",
	  "a real resolver under test in place of the first on-prem resolver", 0, 0, CLI_LOOPBACK, NULL },
	{ "onprem-flush", 0, CLI_STRING, CA(o.onprem_flush), CLI_NONE, "CMD",
	  "with --onprem-resolver: run CMD before each expectation to empty its cache ({name}, {type})",
	  0, 0, 0, NULL },
	CLI_OPT_SEED(struct check_args, o.seed, o.seed_given),
	CLI_OPT_PORT(struct check_args, o.port, "the emulation's port (default a free one)"),
	{ "expect", 0, CLI_STRING, CA(only), CLI_NONE, "NAME", "run only the expectation NAME", 0, 0,
	  0, NULL },
	SERVE_OPT_VPC_OUTSIDE(struct check_args, o.aws.vpc_outside),
	SERVE_OPT_VPC_PPS(struct check_args, o.aws.vpc_pps),
};
#undef CA

const struct cli_command cmd_check_cli = CLI_COMMAND("check", "[SCENARIO]",
	"  Without SCENARIO, checks the built-in default (scenarios/shared-services.yaml).\n",
	check_cli_opts, 0, 1);

int
cmd_check(int argc, char **argv)
{
	struct check_args ca = { .format = REPORT_TEXT };
	enum report_format format;
	const char *output, *only;
	struct check_opts o;
	struct model *m = NULL;
	struct check_result *results = NULL;
	size_t n = 0, passed = 0;
	FILE *out = stdout;
	char **args;
	int rc, n_args, status;

	check_opts_init(&ca.o);
	if ((status = cli_parse(&cmd_check_cli, argc, argv, &ca, &args, &n_args)) >= 0)
		return status;
	o = ca.o;
	format = (enum report_format)ca.format;
	output = ca.output;
	only = ca.only;
	if (o.onprem_flush != NULL && (o.onprem_flush[0] == '\0' || o.onprem_resolver.family == 0)) {
		fprintf(stderr, "hybridns check: --onprem-flush %s\n",
			o.onprem_flush[0] == '\0'
				? "is an empty command"
				: "needs --onprem-resolver (it empties the cache of the resolver under test)");
		return HNS_EXIT_USAGE;
	}
	if ((status = cli_scenario(n_args > 0 ? args[0] : NULL, &m)) != HNS_EXIT_OK)
		return status;
	results = calloc(m->n_expects ? m->n_expects : 1, sizeof(*results));
	if (results == NULL) {
		model_free(m);
		return HNS_EXIT_RUNTIME;
	}
	signal(SIGPIPE, SIG_IGN);
	status = HNS_EXIT_OK;
	for (size_t i = 0; i < m->n_expects; i++) {
		if (only != NULL && strcmp(only, m->expects[i].name) != 0)
			continue;
		rc = check_run(m, &m->expects[i], &o, &results[n]);
		if (rc != 0) {
			fprintf(stderr, "hybridns check: %s: cannot bring the world up: %s\n",
				m->expects[i].name,
				results[n].verdict.message[0] ? results[n].verdict.message : hns_strerror(rc));
			status = HNS_EXIT_RUNTIME;
			goto out;
		}
		passed += results[n].verdict.pass;
		n++;
	}
	if (only != NULL && n == 0) {
		fprintf(stderr, "hybridns check: --expect: no expectation named '%s'\n", only);
		status = HNS_EXIT_USAGE;
		goto out;
	}
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		fprintf(stderr, "hybridns check: -o %s: %s\n", output, strerror(errno));
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	switch (format) {
	case REPORT_TEXT:
		report_text(out, m, results, n, passed);
		break;
	case REPORT_JSON:
		if (report_json(out, m, results, n, passed) != 0)
			status = HNS_EXIT_RUNTIME;
		break;
	case REPORT_JUNIT:
		report_junit(out, m, results, n, passed);
		break;
	}
	if (out != stdout && fclose(out) != 0)
		status = HNS_EXIT_RUNTIME;
	if (status == HNS_EXIT_OK && passed < n)
		status = HNS_EXIT_FAILED;
out:
	free(results);
	model_free(m);
	return status;
}
