/*
 * resolver/server.h -- the AWS side's DNS servers on loopback.
 *
 * A server runs a set of listeners (each a loopback address answering as
 * one inbound ENI, one VPC's +2 resolver or the internet) over one
 * compiled world.  UDP is served by `workers` threads, each with its own
 * event_base and one SO_REUSEPORT socket per listener, reading and writing
 * in recvmmsg/sendmmsg batches.  TCP (2-byte framing, pipelined queries),
 * forwarding (R3/R14: outbound endpoints, retries, coalescing, cache) and
 * the query log's file run on the caller's event_base.
 *
 * Inbound ENIs drop queries above their ceiling (qps_per_ip, 1500 with
 * conntrack) silently, per second, and count them.
 *
 * A VPC's +2 listener (RSLV_FROM_VPC) also admits each query by source
 * address (port ignored) before answering it:
 *   R8: a source in opts.outside (another emulated component: an on-prem
 *       resolver, a relay, an outbound ENI, another +2 resolver) is outside
 *       the VPC; AWS does not support that, so by default the query is
 *       dropped (the sender times out), or answered REFUSED, or answered as
 *       usual (opts.outside_policy) -- except a source in the listener's
 *       spec.inside: a DNS server placed in that VPC (an AD domain
 *       controller forwarding to its own +2), which is inside;
 *   R9: each source gets opts.vpc_pps packets per second (a token bucket,
 *       resolver/ratelimit.h); the excess is dropped.
 * Every drop is counted per listener (rslv_server_stats).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "common/evloop.h"
#include "resolver/ratelimit.h"
#include "resolver/view.h"

struct event_base;

/* Sources one +2 listener counts as inside its VPC (MODEL_MAX_VPC_DNS_SERVERS, model/model.h). */
#define RSLV_MAX_INSIDE 8

struct rslv_listener_spec {
	struct hns_addr real; /* loopback address and port to bind */
	enum rslv_from from;
	size_t view; /* VPC index (not for the internet) */
	const struct model_resolver_endpoint *inbound; /* INBOUND: the endpoint */
	const struct model_eni *eni;		       /* INBOUND: the ENI */
	uint32_t qps_limit;			       /* 0: none */
	const char *label;			       /* for logs and stats */
	/* VPC: sources in opts.outside that are inside this VPC (its DNS servers), port ignored */
	struct hns_addr inside[RSLV_MAX_INSIDE];
	size_t n_inside;
};

/* Where a forwarded query to `target` (a rule target) must be sent; NULL: unreachable. */
typedef const struct hns_addr *(*rslv_route_fn)(void *arg, const struct hns_addr *target);
/* The loopback address an outbound ENI sends from; NULL: any loopback address. */
typedef const struct hns_addr *(*rslv_source_fn)(void *arg, const struct model_eni *eni);

/* What a +2 listener does with a query from outside its VPC (R8). */
enum rslv_outside_policy {
	RSLV_OUTSIDE_DROP = 0, /* no answer: the sender times out (the default) */
	RSLV_OUTSIDE_REFUSED,  /* REFUSED */
	RSLV_OUTSIDE_ANSWER,   /* answered as from inside (R8 off) */
};

/* opts.vpc_pps: no per-source limit at +2 listeners. */
#define RSLV_PPS_OFF UINT32_MAX

struct rslv_server_opts {
	struct event_base *base;
	unsigned workers;
	const char *query_log; /* file, or NULL */
	rslv_route_fn route;
	rslv_source_fn source;
	rslv_eni_down_fn eni_down; /* interface endpoint ENIs left out of answers, or NULL */
	void *arg;
	/* forwarding: one try's timeout and how many tries in all */
	uint32_t fwd_timeout_ms; /* 0: RSLV_FWD_TIMEOUT_MS */
	uint32_t fwd_tries;	 /* 0: RSLV_FWD_TRIES */
	/* R8: source addresses (port ignored) outside every VPC; copied at start */
	const struct hns_addr *outside;
	size_t n_outside;
	enum rslv_outside_policy outside_policy;
	/* R9: packets per second per source at a +2 listener; 0: RSLV_VPC_PPS, RSLV_PPS_OFF: none */
	uint32_t vpc_pps;
	uint32_t coalesce_us; /* UDP workers' receive coalescing tick (common/evloop.h), 0: off */
	enum hns_udp_io udp_io;
};

#define RSLV_FWD_TIMEOUT_MS 1500
#define RSLV_FWD_TRIES 3

/* Answers counted by rcode: NOERROR..REFUSED (0..5), then every other rcode. */
#define RSLV_RCODES 7

struct rslv_server;

/* Build the world from m and start every listener; *out owns everything. */
int rslv_server_start(const struct model *m, const struct rslv_server_opts *o,
		      const struct rslv_listener_spec *specs, size_t n, struct rslv_server **out);
/* Stop the workers, close every socket, free everything (accepts NULL). */
void rslv_server_stop(struct rslv_server *s);
/*
 * Counters as JSON: {"listeners": [{"label", "kind", "queries", "answered",
 * "forwarded", "cache_hits", "formerr", "dropped_ceiling", "dropped_outside",
 * "refused_outside", "dropped_rate", "dropped_send" (UDP answers the socket
 * refused: buffer full), "rcodes": {"NOERROR": n, ...}}],
 * "rate_evictions": n, "tcp_clients": {"open", "refused_per_client",
 * "refused_full", "evicted", "idle_closed", "fd_exhausted"}}, no trailing
 * newline.
 */
void rslv_server_stats(struct rslv_server *s, FILE *out);
