/*
 * harness/load_where.h -- where the queries of an in-process `load` run
 * went: each component's counters, read from the world's stats document
 * (serve_stats_write) once a second and after the run.  Nothing is added
 * on any packet's path.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "vpn/tunnel.h"

struct serve_ctx;

#define LOAD_WHERE_MAX 32
#define LOAD_WHERE_NAME 112

/* An on-prem resolver (forwarder/). */
struct load_where_fwd {
	char name[LOAD_WHERE_NAME];
	uint64_t queries, cache_hits, local, forwarded, table_full, servfail, timeouts;
};

/* A tunnel, per direction (0 to AWS, 1 to on-prem). */
struct load_where_tunnel {
	char name[LOAD_WHERE_NAME];
	char state[16];
	uint64_t packets[2];
	uint64_t drops[2][VPN_DROP_COUNT]; /* by enum vpn_drop (vpn_drop_name) */
};

/* An AWS listener: inbound ENI, VPC +2 or the internet (resolver/). */
struct load_where_listener {
	char label[LOAD_WHERE_NAME];
	char kind[16];
	uint64_t queries, answered, forwarded, cache_hits;
	uint64_t dropped_ceiling, dropped_rate, dropped_outside;
	uint64_t dropped_send; /* answers its socket refused (buffer full) */
	uint64_t ceiling; /* queries per second: the ENI's (10,000 / 1,500) or the +2's per source; 0 none */
	uint64_t peak;	  /* the highest queries per second between two samples */
};

struct load_where {
	bool have; /* at least one sample */
	struct load_where_fwd fwd[LOAD_WHERE_MAX];
	size_t n_fwd;
	struct load_where_tunnel tun[LOAD_WHERE_MAX];
	size_t n_tun;
	struct load_where_listener lis[LOAD_WHERE_MAX];
	size_t n_lis;
	uint64_t last_ns; /* the last sample's time */
};

/*
 * Read every component's counters now (monotonic ns): the running world's
 * stats document parsed into w; each listener's peak rate from the
 * difference to the previous sample.  0 or a negative hns_err (w keeps the
 * previous sample).
 */
int load_where_sample(struct load_where *w, struct serve_ctx *ctx, uint64_t now);

/* The component with the most dropped or failed queries: its name, the cause and the count. */
bool load_where_worst(const struct load_where *w, const char **name, const char **cause, uint64_t *n);
