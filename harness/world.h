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
#include "harness/serve.h"

struct event_base;
struct model;
struct model_from;
struct model_given;
struct model_onprem_resolver;
struct hns_trace_event;
struct serve_ctx;

/*
 * The loopback addresses a client at f sends to in ctx's world: the
 * on-prem resolver, the VPC's +2, each inbound ENI through the VPN (as a
 * stub would list them), or the internet.  Returns how many (0: nothing
 * serves there).
 */
size_t world_client_targets(const struct serve_ctx *ctx, const struct model_from *f,
			    struct hns_addr *out, size_t max);

/*
 * The tap of a real resolver under test (`check --onprem-resolver`).
 *
 * The real resolver stands in for the scenario's first on-prem resolver.
 * The harness cannot see inside it, but it sees every packet addressed to
 * it: the tap listens (UDP and TCP) on that resolver's mapped address, the
 * one the client, the relays toward on-prem and the other on-prem
 * resolvers send to, passes each query on to the real resolver and each
 * answer back, and records both as hops of `onprem:<resolver>`.  So a `via`
 * through the on-prem resolver is judged by what crossed it, whichever
 * side asked.  The emulated resolver for that place does not start (the
 * tap's `given` holds it down); the other on-prem resolvers run emulated as
 * usual.  A `given` that takes the resolver itself down leaves the tap
 * unstarted: silence, as for the emulated one.
 */
struct world_tap;

/*
 * A tap for m's first on-prem resolver, forwarding to real (loopback; port
 * 0 means 53), for a world with `given` held.  NULL on allocation failure
 * or when the scenario has no on-prem resolver.  Caller-owned: free it with
 * world_tap_free() after world_down().
 */
struct world_tap *world_tap_new(const struct model *m, const struct model_given *given,
				const struct hns_addr *real);
void world_tap_free(struct world_tap *t);
/* The resolver it stands for. */
const struct model_onprem_resolver *world_tap_resolver(const struct world_tap *t);
/*
 * Whether the resolver under test answered a query with nothing recorded
 * between the query reaching it and its answer (no relay, endpoint or
 * internet hop: nothing left it), for a name outside its local zones: it
 * answered from its cache, so the path and the `given` faults were not
 * exercised.  hops are a check's recorded events, oldest first.
 */
bool world_tap_answered_from_cache(const struct world_tap *t, const char *qname,
				   const struct hns_trace_event *hops, size_t n_hops);
/* For world_up: listen on the resolver's mapped address in ctx's world (0 or an hns_err). */
int world_tap_start(struct world_tap *t, const struct serve_ctx *ctx);
/* For world_up: the faults the world holds with the tap in place (the emulated resolver down). */
const struct model_given *world_tap_given(const struct world_tap *t);

struct world_opts {
	uint64_t seed;	 /* with seed_given; else the scenario's vpn.seed */
	bool seed_given;
	uint16_t port;	 /* 0: a random high port, retried on EADDRINUSE */
	/* A real resolver under test in place of the first on-prem resolver, or NULL. */
	struct world_tap *tap;
	struct serve_aws_opts aws; /* --vpc-outside, --vpc-pps (all zero: AWS's defaults) */
	uint32_t coalesce_us;	   /* --coalesce (serve.h) */
};

/*
 * Fill ctx and start every side this build has, with `given` held (and,
 * with o->tap, the tap in the first on-prem resolver's place).  On failure
 * nothing is left running.
 */
int world_up(struct serve_ctx *ctx, const struct model *m, const struct model_given *given,
	     const struct world_opts *o, struct event_base *base);
/* Stop the world and free its map (a tap stops with world_tap_free). */
void world_down(struct serve_ctx *ctx);
