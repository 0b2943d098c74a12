/*
 * harness/cmd_serve.c -- `hybridns serve`: bring a scenario's world up on
 * loopback and keep it up until SIGINT or SIGTERM.
 */
#include "config.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/handoff.h"
#include "common/log.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/scenario_src.h"
#include "harness/serve.h"
#include "model/model.h"
#include "vpn/relay.h"


static int
parse_only(const char *cmd, const char *arg, void *field)
{
	unsigned *out = field;
	char buf[128], *save = NULL;
	unsigned bits = 0;

	if (strlen(arg) >= sizeof(buf)) {
		fprintf(stderr, "hybridns %s: --only: '%s' is too long\n", cmd, arg);
		return HNS_EUSAGE;
	}
	strcpy(buf, arg);
	for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		unsigned bit;

		for (bit = 1; bit & SERVE_ALL; bit <<= 1) {
			if (strcmp(tok, serve_side_name(bit)) == 0)
				break;
		}
		if (!(bit & SERVE_ALL)) {
			fprintf(stderr, "hybridns %s: --only: unknown side '%s' (expected onprem, aws, vpn or internet)\n",
				cmd, tok);
			return HNS_EUSAGE;
		}
		bits |= bit;
	}
	*out = bits;
	return 0;
}

static int
parse_log_level(const char *cmd, const char *arg, void *field)
{
	if (hns_log_level_parse(arg, field) != 0) {
		fprintf(stderr, "hybridns %s: --log-level: '%s' (expected err, warn, info or debug)\n", cmd,
			arg);
		return HNS_EUSAGE;
	}
	return 0;
}

struct serve_args {
	unsigned sides;
	uint16_t port;
	bool port_given;
	const char *map_json;
	struct hns_addr listen;
	uint64_t seed;
	bool seed_given;
	unsigned workers;
	uint32_t coalesce_us;
	uint32_t slice_us; /* --sched-slice (serve.h) */
	int handoff;	   /* enum serve_handoff */
	const char *query_log, *stats_json;
	bool no_vpn;
	enum hns_log_level log_level;
	bool log_level_given;
	struct serve_aws_opts aws;
	struct hns_addr vpn_control;
};

#define SA(field) offsetof(struct serve_args, field)
static const struct cli_opt serve_opts[] = {
	{ "only", 0, CLI_CUSTOM, SA(sides), CLI_NONE, "onprem|aws|vpn|internet[,...]",
	  "serve only these sides (default all)", 0, 0, 0, parse_only },
	{ "port", 0, CLI_PORT, SA(port), SA(port_given), "N",
	  "the one port of every mapped address (default 53 as root, else 5300)", 1, 65535, 0, NULL },
	{ "map-json", 0, CLI_STRING, SA(map_json), CLI_NONE, "FILE",
	  "write the address map (virtual -> loopback) as JSON", 0, 0, 0, NULL },
	{ "listen", 0, CLI_ADDR, SA(listen), CLI_NONE, "IP:PORT",
	  "also serve the first on-prem resolver there", 0, 0, CLI_NEED_PORT, NULL },
	CLI_OPT_SEED(struct serve_args, seed, seed_given),
	{ "workers", 0, CLI_UNSIGNED, SA(workers), CLI_NONE, "N",
	  "worker threads per forwarder (default one per core)", 1, 64, 0, NULL },
	SERVE_OPT_COALESCE(struct serve_args, coalesce_us),
	SERVE_OPT_SLICE(struct serve_args, slice_us),
	SERVE_OPT_HANDOFF(struct serve_args, handoff, "kernel"),
	{ "query-log", 0, CLI_STRING, SA(query_log), CLI_NONE, "FILE",
	  "write Route 53 Resolver query logs (JSON lines)", 0, 0, 0, NULL },
	{ "stats-json", 0, CLI_STRING, SA(stats_json), CLI_NONE, "FILE",
	  "write the counters as JSON on SIGUSR1 and at exit", 0, 0, 0, NULL },
	{ "no-vpn", 0, CLI_FLAG, SA(no_vpn), CLI_NONE, NULL,
	  "connect on-prem and AWS directly, without the VPN relays", 0, 0, 0, NULL },
	{ "log-level", 0, CLI_CUSTOM, SA(log_level), SA(log_level_given), "LEVEL",
	  "err, warn, info or debug", 0, 0, 0, parse_log_level },
	SERVE_OPT_VPC_OUTSIDE(struct serve_args, aws.vpc_outside),
	SERVE_OPT_VPC_PPS(struct serve_args, aws.vpc_pps),
	SERVE_OPT_UDP_IO(struct serve_args, aws.udp_io),
	{ "vpn-control", 0, CLI_ADDR, SA(vpn_control), CLI_NONE, "IP:PORT",
	  "the VPN's control socket (default 127.53.0.7 on the map's port)", 0, 0,
	  CLI_LOOPBACK | CLI_NEED_PORT, NULL },
};
#undef SA

const struct cli_command cmd_serve_cli = CLI_COMMAND("serve", "SCENARIO", NULL, serve_opts, 1, 1);

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct serve_ctx *ctx = arg;

	hns_info(HNS_SUB_HARNESS, "signal %d: stopping", (int)sig);
	event_base_loopbreak(ctx->base);
}

/*
 * {"onprem": [...], "aws": {...}, "vpn": {...}, "handoff": {...}}: each
 * side's counters, null for a side that does not run in this process
 * (`load` reads it too); then --handoff and its counters for the process.
 */
void
serve_stats_write(struct serve_ctx *ctx, FILE *f)
{
	struct hns_handoff_stats ho;

	fputs("{\"onprem\": ", f);
	if (ctx->started & SERVE_ONPREM)
		serve_onprem_stats(ctx, f);
	else
		fputs("null", f);
	fputs(",\n\"aws\": ", f);
	if (ctx->started & (SERVE_AWS | SERVE_INTERNET))
		serve_aws_stats(ctx, f);
	else
		fputs("null", f);
	fputs(",\n\"vpn\": ", f);
	if ((ctx->started & SERVE_VPN) && ctx->vpn != NULL)
		vpn_stats_write_json(ctx->vpn, f);
	else
		fputs("null", f);
	hns_handoff_stats(&ho);
	fprintf(f, ",\n\"handoff\": {\"mode\": \"%s\", \"handed\": %llu, \"kernel\": %llu}",
		hns_handoff_enabled() ? "memory" : "kernel", ho.handed, ho.kernel);
	fputs("}\n", f);
}

static void
write_stats(struct serve_ctx *ctx)
{
	if (ctx->started == 0)
		return;
	if (ctx->stats_json != NULL) {
		FILE *f = fopen(ctx->stats_json, "w");

		if (f == NULL) {
			fprintf(stderr, "hybridns serve: --stats-json %s: %s\n", ctx->stats_json,
				strerror(errno));
			return;
		}
		serve_stats_write(ctx, f);
		fclose(f);
	} else {
		serve_stats_write(ctx, stdout);
		fflush(stdout);
	}
}

static void
on_stats_signal(evutil_socket_t sig, short what, void *arg)
{
	write_stats(arg);
}

int
cmd_serve(int argc, char **argv)
{
	struct serve_args sa = { .sides = SERVE_ALL };
	struct serve_ctx ctx = { 0 };
	struct model *m = NULL;
	const char *map_json;
	unsigned long port;
	bool no_vpn;
	struct event *ev_int = NULL, *ev_term = NULL, *ev_usr1 = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char **args;
	int rc, n_args, status;

	sa.workers = ncpu > 0 ? (unsigned)ncpu : 1;
	if ((status = cli_parse(&cmd_serve_cli, argc, argv, &sa, &args, &n_args)) >= 0)
		return status;
	status = HNS_EXIT_USAGE;
	ctx.sides = sa.sides;
	ctx.listen = sa.listen;
	ctx.seed = sa.seed;
	ctx.seed_given = sa.seed_given;
	ctx.workers = sa.workers;
	ctx.coalesce_us = sa.coalesce_us;
	serve_slice_apply(sa.slice_us);
	hns_handoff_enable(sa.handoff == SERVE_HANDOFF_MEMORY);
	ctx.query_log = sa.query_log;
	ctx.stats_json = sa.stats_json;
	ctx.aws_opts = sa.aws;
	ctx.vpn_control = sa.vpn_control;
	if (sa.log_level_given)
		hns_log_set_level(-1, sa.log_level);
	map_json = sa.map_json;
	no_vpn = sa.no_vpn;
	port = sa.port_given ? sa.port : geteuid() == 0 ? 53 : HNS_ADDRMAP_DEFAULT_PORT;
	if (ctx.sides == 0) {
		fprintf(stderr, "hybridns serve: nothing to serve\n");
		return HNS_EXIT_RUNTIME;
	}

	if ((rc = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return rc;
	ctx.model = m;
	if (!ctx.seed_given && m->vpn.seed_given)
		ctx.seed = m->vpn.seed;
	ctx.vpn_in_path = m->vpn.present && !no_vpn;
	if (serve_map_build(&ctx, (uint16_t)port) != 0) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	if (map_json != NULL) {
		FILE *f = fopen(map_json, "w");

		if (f == NULL) {
			fprintf(stderr, "hybridns serve: --map-json %s: %s\n", map_json, strerror(errno));
			status = HNS_EXIT_RUNTIME;
			goto out;
		}
		hns_addrmap_write_json(&ctx.map, f);
		fclose(f);
	}
	ctx.base = event_base_new();
	if (ctx.base == NULL) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (serve_world_start(&ctx) != 0) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	printf("%s: serving", m->scenario);
	for (unsigned bit = 1; bit & SERVE_ALL; bit <<= 1) {
		if (ctx.started & bit)
			printf(" %s", serve_side_name(bit));
	}
	printf(" on loopback%s\n", ctx.vpn_in_path ? ", on-prem <-> AWS through the VPN relays" : "");
	hns_addrmap_print(&ctx.map, stdout);
	fflush(stdout);

	ev_int = evsignal_new(ctx.base, SIGINT, on_stop_signal, &ctx);
	ev_term = evsignal_new(ctx.base, SIGTERM, on_stop_signal, &ctx);
	ev_usr1 = evsignal_new(ctx.base, SIGUSR1, on_stats_signal, &ctx);
	if (ev_int == NULL || ev_term == NULL || ev_usr1 == NULL || evsignal_add(ev_int, NULL) != 0 ||
	    evsignal_add(ev_term, NULL) != 0 || evsignal_add(ev_usr1, NULL) != 0) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	event_base_dispatch(ctx.base);
	write_stats(&ctx);
	status = HNS_EXIT_OK;
out:
	serve_world_stop(&ctx);
	if (ev_int)
		event_free(ev_int);
	if (ev_term)
		event_free(ev_term);
	if (ev_usr1)
		event_free(ev_usr1);
	if (ctx.base)
		event_base_free(ctx.base);
	hns_addrmap_deinit(&ctx.map);
	model_free(m);
	return status;
}
