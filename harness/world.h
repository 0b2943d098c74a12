/*
 * harness/world.h -- bringing a scenario's world up for one client run,
 * and finding where a client at a `from` place sends.
 *
 * Shared by the commands that drive traffic into an in-process world:
 * `check`, `trace` and `load`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

struct event_base;
struct model;
struct model_from;
struct model_given;
struct serve_ctx;

/*
 * The loopback addresses a client at f sends to in ctx's world: the
 * on-prem resolver, the VPC's +2, each inbound ENI through the VPN (as a
 * stub would list them), or the internet.  Returns how many (0: nothing
 * serves there).
 */
size_t world_client_targets(const struct serve_ctx *ctx, const struct model_from *f,
			    struct hns_addr *out, size_t max);

struct world_opts {
	uint64_t seed;	 /* with seed_given; else the scenario's vpn.seed */
	bool seed_given;
	uint16_t port;	 /* 0: a random high port, retried on EADDRINUSE */
	/*
	 * A real resolver under test in place of the first on-prem resolver
	 * (family 0: none): the emulated one does not start, and the map sends
	 * its traffic there (serve_map_replace_onprem).
	 */
	struct hns_addr onprem_resolver;
};

/*
 * Fill ctx and start every side this build has, with `given` held.  On
 * failure nothing is left running.
 */
int world_up(struct serve_ctx *ctx, const struct model *m, const struct model_given *given,
	     const struct world_opts *o, struct event_base *base);
/* Stop the world and free its map. */
void world_down(struct serve_ctx *ctx);
