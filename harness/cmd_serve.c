/*
 * harness/cmd_serve.c -- `hybridns serve`: bring a scenario's world up on
 * loopback and keep it up until SIGINT or SIGTERM.
 */
#include "config.h"

#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "harness/cmd.h"
#include "harness/scenario_src.h"
#include "harness/serve.h"
#include "model/model.h"
#include "vpn/relay.h"

static const char serve_usage[] =
	"usage: hybridns serve SCENARIO [--only onprem|aws|vpn|internet[,...]] [--port N]\n"
	"                      [--map-json FILE] [--listen IP:PORT] [--seed N] [--workers N]\n"
	"                      [--query-log FILE] [--stats-json FILE] [--no-vpn] [--log-level LEVEL]\n";

static int
parse_only(const char *arg, unsigned *out)
{
	char buf[128], *save = NULL;
	unsigned bits = 0;

	if (strlen(arg) >= sizeof(buf))
		return HNS_EUSAGE;
	strcpy(buf, arg);
	for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		unsigned bit;

		for (bit = 1; bit & SERVE_ALL; bit <<= 1) {
			if (strcmp(tok, serve_side_name(bit)) == 0)
				break;
		}
		if (!(bit & SERVE_ALL)) {
			fprintf(stderr, "hybridns serve: --only: unknown side '%s' (expected onprem, aws, vpn or internet)\n",
				tok);
			return HNS_EUSAGE;
		}
		bits |= bit;
	}
	*out = bits;
	return 0;
}

static int
parse_uint(const char *flag, const char *arg, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || v > max) {
		fprintf(stderr, "hybridns serve: %s: '%s' is not a number from 0 to %lu\n", flag, arg, max);
		return HNS_EUSAGE;
	}
	*out = v;
	return 0;
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct serve_ctx *ctx = arg;

	hns_info(HNS_SUB_HARNESS, "signal %d: stopping", (int)sig);
	event_base_loopbreak(ctx->base);
}

/*
 * {"onprem": [...], "aws": {...}, "vpn": {...}}: each side's counters, null
 * for a side that does not run in this process.
 */
static void
write_stats_to(struct serve_ctx *ctx, FILE *f)
{
	fputs("{\"onprem\": ", f);
#ifdef HAVE_SERVE_ONPREM
	if (ctx->started & SERVE_ONPREM)
		serve_onprem_stats(ctx, f);
	else
#endif
		fputs("null", f);
	fputs(",\n\"aws\": ", f);
#ifdef HAVE_SERVE_AWS
	if (ctx->started & (SERVE_AWS | SERVE_INTERNET))
		serve_aws_stats(ctx, f);
	else
#endif
		fputs("null", f);
	fputs(",\n\"vpn\": ", f);
	if ((ctx->started & SERVE_VPN) && ctx->vpn != NULL)
		vpn_stats_write_json(ctx->vpn, f);
	else
		fputs("null", f);
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
		write_stats_to(ctx, f);
		fclose(f);
	} else {
		write_stats_to(ctx, stdout);
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
	static const struct option opts[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "port", required_argument, NULL, 'p' },
		{ "map-json", required_argument, NULL, 'm' },
		{ "listen", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "query-log", required_argument, NULL, 'q' },
		{ "stats-json", required_argument, NULL, 'j' },
		{ "no-vpn", no_argument, NULL, 'n' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve_ctx ctx = { 0 };
	struct model *m = NULL;
	const char *map_json = NULL;
	unsigned long port = geteuid() == 0 ? 53 : HNS_ADDRMAP_DEFAULT_PORT, v;
	bool no_vpn = false;
	struct event *ev_int = NULL, *ev_term = NULL, *ev_usr1 = NULL;
	int c, rc, status = HNS_EXIT_USAGE;

	ctx.sides = SERVE_ALL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	ctx.workers = ncpu > 0 ? (unsigned)ncpu : 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_only(optarg, &ctx.sides) != 0)
				return HNS_EXIT_USAGE;
			break;
		case 'p':
			if (parse_uint("--port", optarg, 65535, &port) != 0)
				return HNS_EXIT_USAGE;
			break;
		case 'm':
			map_json = optarg;
			break;
		case 'l':
			if (hns_addr_parse_port(optarg, &ctx.listen) != 0 || ctx.listen.port == 0) {
				fprintf(stderr, "hybridns serve: --listen: '%s' is not IP:PORT\n", optarg);
				return HNS_EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_uint("--seed", optarg, ~0UL, &v) != 0)
				return HNS_EXIT_USAGE;
			ctx.seed = v;
			ctx.seed_given = true;
			break;
		case 'w':
			if (parse_uint("--workers", optarg, 64, &v) != 0 || v == 0) {
				fprintf(stderr, "hybridns serve: --workers must be 1 to 64\n");
				return HNS_EXIT_USAGE;
			}
			ctx.workers = (unsigned)v;
			break;
		case 'q':
			ctx.query_log = optarg;
			break;
		case 'j':
			ctx.stats_json = optarg;
			break;
		case 'n':
			no_vpn = true;
			break;
		case 'L': {
			enum hns_log_level level;

			if (hns_log_level_parse(optarg, &level) != 0) {
				fprintf(stderr, "hybridns serve: --log-level: '%s' (expected err, warn, info or debug)\n",
					optarg);
				return HNS_EXIT_USAGE;
			}
			hns_log_set_level(-1, level);
			break;
		}
		case 'h':
			fputs(serve_usage, stdout);
			return HNS_EXIT_OK;
		default:
			fputs(serve_usage, stderr);
			return HNS_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hybridns serve: %s\n%s",
			optind >= argc ? "a SCENARIO file is required" : "one SCENARIO file only", serve_usage);
		return HNS_EXIT_USAGE;
	}
	if (port == 0) {
		fprintf(stderr, "hybridns serve: --port must be 1 to 65535\n");
		return HNS_EXIT_USAGE;
	}
	for (unsigned bit = 1; bit & SERVE_ALL; bit <<= 1) {
		if ((ctx.sides & bit) && !(serve_sides_available() & bit)) {
			/* Asked for explicitly, or implied by "all": say what is missing either way. */
			fprintf(stderr, "hybridns serve: the %s side is not part of this build yet\n",
				serve_side_name(bit));
			ctx.sides &= ~bit;
		}
	}
	if (ctx.sides == 0) {
		fprintf(stderr, "hybridns serve: nothing to serve\n");
		return HNS_EXIT_RUNTIME;
	}

	rc = scenario_load(argv[optind], &m);
	if (rc != 0)
		return scenario_load_status(rc);
	ctx.model = m;
	if (!ctx.seed_given && m->vpn.seed_given)
		ctx.seed = m->vpn.seed;
	ctx.vpn_in_path = m->vpn.present && !no_vpn && (serve_sides_available() & SERVE_VPN);
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
