/*
 * forwarder/server.h -- a running forwarder: worker threads over one config.
 *
 * fwd_server_start opens, for each of `workers` threads, its own
 * event_base (EVENT_BASE_FLAG_NOLOCK), its own SO_REUSEPORT UDP and TCP
 * listening sockets on `listen`, and cfg->upstream_socks UDP sockets per
 * address family with kernel-chosen source ports for upstream queries (not
 * connected: shared by every upstream of the family); each worker runs one
 * fwd_core.  Counters are plain per-thread values, summed on read
 * (fwd_server_stats), so a read while traffic flows is approximate.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "dns/cache.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"

struct fwd_server;

/* Sums over the workers. */
struct fwd_server_stats {
	struct fwd_core_stats core;
	struct dns_cache_stats cache;
	uint64_t cache_entries;
	uint64_t inflight;
	uint64_t udp_answers, tcp_queries, tcp_conns, tcp_conn_refused, send_errors;
	uint64_t upstream_tcp, upstream_tcp_failed;
	/* TCP clients by the gates (tcp_conn_refused is the sum of every refusal). */
	uint64_t tcp_open, tcp_refused_per_client, tcp_refused_full, tcp_evicted, tcp_idle_closed;
	uint64_t tcp_fd_exhausted;
	uint64_t io_uring_workers; /* workers whose UDP sockets the ring serves (--udp-io) */
};

/*
 * Start.  cfg must outlive the server.  workers 0 = one.  Returns 0 or a
 * negative hns_err (a socket that could not be bound, a thread that did
 * not start); nothing is left running on failure.
 */
int fwd_server_start(const struct fwd_config *cfg, const struct hns_addr *listen,
		     unsigned workers, uint64_t seed, struct fwd_server **out);
/* Stop the workers, join them, free everything; accepts NULL. */
void fwd_server_stop(struct fwd_server *s);
/* The address the UDP listeners are bound to (port filled in when 0 was asked). */
const struct hns_addr *fwd_server_address(const struct fwd_server *s);

/* Sum the counters of every worker. */
void fwd_server_stats(const struct fwd_server *s, struct fwd_server_stats *out);
/* Per-rule sums into out[cfg->n_rules + 1] (the last is `default`). */
void fwd_server_stats_rules(const struct fwd_server *s, struct fwd_rule_stats *out);
/* Per-upstream sums into out[cfg->n_upstreams]; down[i] true if any worker has it down. */
void fwd_server_stats_upstreams(const struct fwd_server *s, struct fwd_upstream_stats *out,
				bool *down);
