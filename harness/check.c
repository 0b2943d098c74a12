#include "config.h"

#include <ares.h>
#include <ctype.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <ldns/ldns.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"
#include "dns/names.h"
#include "dns/wire.h"
#include "harness/check.h"
#include "harness/client.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/model.h"
#include "model/names.h"

void
check_opts_init(struct check_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000;
	o->tries = 2;
}

/* ------------------------------------------- the resolver under test's cache */

#define FLUSH_TIMEOUT_MS 30000 /* bounds each --onprem-flush command */

/* cmd with {name} and {type} as the shell's "$1" and "$2": no quoting of scenario text. */
static int
flush_script(const char *cmd, char *out, size_t cap)
{
	static const struct {
		const char *from, *to;
	} subst[] = { { "{name}", "\"$1\"" }, { "{type}", "\"$2\"" } };
	size_t o = 0;

	while (*cmd != '\0') {
		size_t k = 0;

		while (k < sizeof(subst) / sizeof(subst[0]) &&
		       strncmp(cmd, subst[k].from, strlen(subst[k].from)) != 0)
			k++;
		const char *piece = k < sizeof(subst) / sizeof(subst[0]) ? subst[k].to : NULL;
		size_t plen = piece ? strlen(piece) : 1;

		if (o + plen >= cap)
			return HNS_ERANGE;
		memcpy(out + o, piece ? piece : cmd, plen);
		o += plen;
		cmd += piece ? strlen(subst[k].from) : 1;
	}
	out[o] = '\0';
	return 0;
}

/*
 * Run --onprem-flush for one query, locally (/bin/sh -c; its standard output
 * discarded, its standard error shown), at most FLUSH_TIMEOUT_MS.  0, or
 * HNS_EINVAL with why in err.
 */
static int
check_flush_run(const char *cmd, const char *qname, const char *qtype, char *err, size_t cap)
{
	char script[4096];
	int status = 0;
	pid_t pid, done = 0;

	if (flush_script(cmd, script, sizeof(script)) != 0) {
		snprintf(err, cap, "--onprem-flush: the command is too long");
		return HNS_EINVAL;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, cap, "--onprem-flush: fork: %s", strerror(errno));
		return HNS_EINVAL;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, STDOUT_FILENO); /* the report owns standard output; errors still show */
		execl("/bin/sh", "sh", "-c", script, "sh", qname, qtype, (char *)NULL);
		_exit(127);
	}
	for (int waited = 0; waited < FLUSH_TIMEOUT_MS && done == 0; waited += 10) {
		done = waitpid(pid, &status, WNOHANG);
		if (done == 0)
			usleep(10000);
	}
	if (done == 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, cap, "--onprem-flush: '%s' for %s did not end within %d s", cmd, qname,
			 FLUSH_TIMEOUT_MS / 1000);
		return HNS_EINVAL;
	}
	if (done < 0) {
		snprintf(err, cap, "--onprem-flush: waitpid: %s", strerror(errno));
		return HNS_EINVAL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, cap, "--onprem-flush: '%s' for %s failed (%s %d)", cmd, qname,
			 WIFSIGNALED(status) ? "signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return HNS_EINVAL;
	}
	return 0;
}

/*
 * A check whose answer the resolver under test gave from its cache did not
 * exercise the path: with `given` faults it fails (the faults were not
 * tested); otherwise a failure says so.
 */
static void
check_judge_cache(const struct world_tap *tap, const struct model_expect *e,
		  const struct check_opts *o, struct check_result *out)
{
	const char *hint = o->onprem_flush != NULL
				   ? "--onprem-flush did not empty its cache of this name"
				   : "pass --onprem-flush";

	if (!out->obs.answered ||
	    !world_tap_answered_from_cache(tap, e->qname, out->hops, out->n_hops))
		return;
	if (e->given.n_down > 0) {
		out->verdict.pass = false;
		snprintf(out->verdict.message, sizeof(out->verdict.message),
			 "the resolver under test answered without asking anyone, so the given faults were not tested: it may have answered from its cache (%s)",
			 hint);
	} else if (!out->verdict.pass) {
		size_t l = strlen(out->verdict.message);

		snprintf(out->verdict.message + l, sizeof(out->verdict.message) - l,
			 "; the resolver under test answered without asking anyone: it may have answered from its cache (%s)",
			 hint);
	}
}

/* Ask the query as a client at e->from would, in ctx's world; fills out's observation and hops. */
static void
check_ask(struct serve_ctx *ctx, struct event_base *base, const struct model_expect *e,
	  const struct check_opts *o, const struct world_tap *tap, struct check_result *out)
{
	struct hns_addr servers[8];
	struct hns_client_result res;
	uint8_t answer[65535];
	char where[HNS_ADDR_STRLEN];
	size_t n = world_client_targets(ctx, &e->from, servers, 8);
	int rc;

	out->obs.answered = false;
	if (n == 0) {
		snprintf(out->obs.error, sizeof(out->obs.error), "nothing serves %s in this world", out->from);
		return;
	}
	hns_trace_enable(true);
	hns_trace("client", "stub resolver at %s asks %s for %s", out->from,
		  hns_addr_port_str(&servers[0], where, sizeof(where)), out->query);
	if (e->rcode == MODEL_RCODE_TIMEOUT) /* one try over the n servers, in the budget in all */
		rc = hns_client_query_sync(base, servers, n, e->qname, e->qtype,
					   (expect_timeout_budget_ms(e, o->timeout_ms, o->tries) + n - 1) / n, 1,
					   &res, answer, sizeof(answer));
	else
		rc = hns_client_query_sync(base, servers, n, e->qname, e->qtype, o->timeout_ms, o->tries, &res,
					   answer, sizeof(answer));
	out->t_done = hns_now();
	out->n_hops = hns_trace_take(out->hops, CHECK_MAX_HOPS);
	hns_trace_enable(false);
	out->obs.latency_ms = hns_time_ms(res.elapsed);
	if (rc != 0)
		snprintf(out->obs.error, sizeof(out->obs.error), "%s", hns_strerror(rc));
	else if (res.answer_len == 0) {
		snprintf(out->obs.error, sizeof(out->obs.error), "%s", res.error ? res.error : "no answer");
		out->obs.no_reply = res.status == ARES_ETIMEOUT || res.status == ARES_ECONNREFUSED;
	}
	else if (observed_from_wire(&out->obs, answer, res.answer_len, e->qtype) != 0)
		snprintf(out->obs.error, sizeof(out->obs.error), "malformed answer");
	else
		out->obs.answered = true;
}

int
check_run(const struct model *m, const struct model_expect *e, const struct check_opts *o,
	  struct check_result *out)
{
	struct event_base *base = NULL;
	struct world_tap *tap = NULL;
	struct serve_ctx ctx;
	char type[32];
	int rc;

	memset(out, 0, sizeof(*out));
	out->e = e;
	model_from_str(&e->from, out->from, sizeof(out->from));
	dns_type_name(e->qtype, type, sizeof(type));
	snprintf(out->query, sizeof(out->query), "%s %s", e->qname, type);
	struct world_opts wo = {
		.seed = o->seed,
		.seed_given = o->seed_given,
		.port = o->port,
		.aws = o->aws,
	};

	if (o->onprem_resolver.family != 0) {
		/* A real resolver under test was configured (export --mapped) for the default port. */
		if (o->port == 0)
			wo.port = HNS_ADDRMAP_DEFAULT_PORT;
		if (o->onprem_flush != NULL &&
		    (rc = check_flush_run(o->onprem_flush, e->qname, type, out->verdict.message,
					  sizeof(out->verdict.message))) != 0)
			return rc;
		tap = world_tap_new(m, &e->given, &o->onprem_resolver);
		if (tap == NULL)
			return m->onprem.n_resolvers == 0 ? HNS_ENOENT : HNS_ENOMEM;
		wo.tap = tap;
	}
	base = event_base_new();
	rc = base != NULL ? world_up(&ctx, m, &e->given, &wo, base) : HNS_ENOMEM;
	if (rc != 0)
		goto fail;
	check_ask(&ctx, base, e, o, tap, out);
	world_down(&ctx);
	expect_judge(m, e, &out->obs, out->hops, out->n_hops, &out->verdict);
	if (tap != NULL)
		check_judge_cache(tap, e, o, out);
fail:
	world_tap_free(tap);
	if (base != NULL)
		event_base_free(base);
	return rc;
}

/* ------------------------------------------------- what a command asks */

int
check_from_parse(const struct model *m, const char *s, struct model_from *f, const char *cmd)
{
	struct model_from_why why;
	int rc = model_from_parse(m, s, f, &why);

	if (rc == 0)
		return 0;
	if (rc == HNS_EPARSE)
		fprintf(stderr, "hybridns %s: --from: '%s' (expected onprem, onprem:<resolver>, vpc:<vpc>, inbound:<endpoint>[@<subnet>] or internet)\n",
			cmd, s);
	else
		fprintf(stderr, "hybridns %s: --from: %s: no such %s in %s\n", cmd, s,
			why.problem == MODEL_FROM_NO_VPC ? "VPC"
			: why.problem == MODEL_FROM_NO_ENDPOINT || why.problem == MODEL_FROM_NOT_INBOUND ||
					why.problem == MODEL_FROM_NO_SUBNET
				? "inbound endpoint or subnet"
				: "on-prem resolver",
			m->file);
	return HNS_EINVAL;
}

int
check_qname_parse(const char *in, char *out, size_t cap)
{
	uint8_t wire[256];
	size_t len = strlen(in);

	if (len == 0 || len >= cap || dns_name_from_str(in, wire) < 0)
		return HNS_ENAME;
	for (size_t i = 0; i <= len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = '\0';
	return 0;
}
