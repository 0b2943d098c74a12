/*
 * harness/cmd_trace.c -- `hybridns trace`: one query, and every hop it took,
 * with its time, told the way a network engineer would on a whiteboard.
 */
#include "config.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/plural.h"
#include "harness/check.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/scenario_src.h"
#include "model/model.h"

/*
 * Hops in the order of their times (events of several threads may be
 * stamped a moment before they are queued), so the time column only grows;
 * the client's last line is timed on the same clock, never before the hop
 * that answered it.
 */
static void
print_trace(const struct check_result *r)
{
	const struct observed *obs = &r->obs;
	hns_time_t t0 = r->n_hops > 0 ? r->hops[0].t : 0, last = t0;
	size_t order[CHECK_MAX_HOPS];
	double done_ms;

	printf("%s from %s\n", r->query, r->from);
	for (size_t i = 0; i < r->n_hops; i++) {
		size_t k = i;

		for (; k > 0 && r->hops[order[k - 1]].t > r->hops[i].t; k--)
			order[k] = order[k - 1];
		order[k] = i;
		t0 = r->hops[i].t < t0 ? r->hops[i].t : t0;
	}
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct hns_trace_event *h = &r->hops[order[i]];

		printf("%8.1f ms  %-24s %s\n", hns_time_ms(h->t - t0), h->hop, h->detail);
		last = h->t;
	}
	if (r->n_hops == 0)
		printf("          (no component reported a hop)\n");
	done_ms = r->n_hops > 0 && r->t_done >= last ? hns_time_ms(r->t_done - t0) : obs->latency_ms;
	if (!obs->answered) {
		printf("%8.1f ms  client gave up: %s\n", done_ms, obs->error);
		return;
	}
	printf("%8.1f ms  client got %s, %zu %s", done_ms, DNS_RCODE_NAME((unsigned)obs->rcode),
	       obs->n_values, HNS_PLURAL(obs->n_values, "answer", "answers"));
	for (size_t i = 0; i < obs->n_values; i++)
		printf("%s%s (ttl %u)", i ? ", " : ": ", obs->values[i], obs->ttls[i]);
	printf("\n");
}

#define TRACE_MAX_GIVEN 16

/*
 * --given "tunnel1,inbound@private-a": the faults an expectation's
 * given.down holds, comma-separated, into e->given (faults[] holds them).
 */
static int
trace_given_parse(struct model *m, const char *list, struct model_fault *faults,
		  struct model_expect *e)
{
	char buf[1024], err[512];
	char *save = NULL;

	if (strlen(list) >= sizeof(buf)) {
		fprintf(stderr, "hybridns trace: --given: the list is too long\n");
		return HNS_EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (e->given.n_down == TRACE_MAX_GIVEN) {
			fprintf(stderr, "hybridns trace: --given: more than %d faults\n", TRACE_MAX_GIVEN);
			return HNS_EINVAL;
		}
		if (model_fault_parse(m, t, &faults[e->given.n_down], err, sizeof(err)) != 0) {
			fprintf(stderr, "hybridns trace: --given: %s\n", err);
			return HNS_EINVAL;
		}
		e->given.n_down++;
	}
	if (e->given.n_down == 0) {
		fprintf(stderr, "hybridns trace: --given: no fault in '%s' (expected e.g. tunnel1,inbound@private-a)\n",
			list);
		return HNS_EINVAL;
	}
	e->given.down = faults;
	return 0;
}

struct trace_args {
	const char *from;
	const char *given;
	uint64_t seed;
	bool seed_given;
};

static const struct cli_opt trace_opts[] = {
	{ "from", 0, CLI_STRING, offsetof(struct trace_args, from), CLI_NONE, "WHERE",
	  "where the query starts (default onprem)", 0, 0, 0, NULL },
	{ "given", 0, CLI_STRING, offsetof(struct trace_args, given), CLI_NONE, "FAULTS",
	  "faults held for this query, comma-separated, as in an expectation's given.down", 0, 0, 0, NULL },
	CLI_OPT_SEED(struct trace_args, seed, seed_given),
};

const struct cli_command cmd_trace_cli = CLI_COMMAND("trace", "SCENARIO NAME [TYPE]",
	"  WHERE: onprem (default), onprem:<resolver>, vpc:<vpc>, inbound:<endpoint>[@<subnet>], internet\n"
	"  FAULTS: <tunnel>, <resolver endpoint>[@<subnet>], endpoint:<name>@<subnet>, onprem:<resolver>\n",
	trace_opts, 2, 3);

int
cmd_trace(int argc, char **argv)
{
	struct trace_args t = { .from = "onprem" };
	const char *from;
	struct check_opts o;
	struct model_expect e;
	struct model_fault faults[TRACE_MAX_GIVEN];
	struct check_result *r = NULL;
	struct model *m = NULL;
	char qname[256], **args;
	int rc, n_args, status;

	if ((status = cli_parse(&cmd_trace_cli, argc, argv, &t, &args, &n_args)) >= 0)
		return status;
	status = HNS_EXIT_USAGE;
	from = t.from;
	check_opts_init(&o);
	o.seed = t.seed;
	o.seed_given = t.seed_given;
	memset(&e, 0, sizeof(e));
	e.qtype = LDNS_RR_TYPE_A;
	if (n_args == 3) {
		e.qtype = (uint16_t)ldns_get_rr_type_by_name(args[2]);
		if (e.qtype == 0) {
			fprintf(stderr, "hybridns trace: '%s' is not a record type\n", args[2]);
			return HNS_EXIT_USAGE;
		}
	}
	if (check_qname_parse(args[1], qname, sizeof(qname)) != 0) {
		fprintf(stderr, "hybridns trace: '%s' is not a domain name\n", args[1]);
		return HNS_EXIT_USAGE;
	}
	if ((rc = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return rc;
	if (check_from_parse(m, from, &e.from, "trace") != 0)
		goto out;
	if (t.given != NULL && trace_given_parse(m, t.given, faults, &e) != 0)
		goto out;
	e.name = "trace";
	e.qname = qname;
	e.rcode = 0;
	e.max_ms = -1;
	e.ttl = e.ttl_max = -1; /* no TTL judged */
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	rc = check_run(m, &e, &o, r);
	if (rc != 0) {
		fprintf(stderr, "hybridns trace: cannot bring the world up: %s\n", hns_strerror(rc));
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	if (e.given.n_down > 0) {
		printf("given down:");
		for (size_t i = 0; i < e.given.n_down; i++)
			printf("%s %s", i ? "," : "", e.given.down[i].text);
		printf("\n");
	}
	print_trace(r);
	status = r->obs.answered ? HNS_EXIT_OK : HNS_EXIT_FAILED;
out:
	free(r);
	model_free(m);
	return status;
}
