/*
 * forwarder/core.h -- the I/O-free forwarding core of one worker.
 *
 * Packets and the current time go in; actions come out through two
 * callbacks (send this query to upstream i, answer that client) and one
 * question the caller asks after each batch (when is the next timeout?).
 * The core never reads a clock, opens a socket or touches libevent, so
 * tests drive it with a fake clock and fake upstreams.
 *
 * Per query: parse (dns_query_parse), pick the rule (longest zone),
 * refuse / answer from a local zone / answer from the cache / join an
 * identical query already in flight / take a slot of the query table (a
 * fresh CSPRNG ID) and send to the upstream the rule's policy picks.
 * Replies are accepted only on the slot's socket, from an upstream the
 * slot was sent to (address and port), with the slot's ID and question
 * (RFC 5452); anything else is dropped and counted.  A truncated UDP reply
 * is retried over TCP; SERVFAIL/REFUSED and timeouts move on to the next
 * upstream until `attempts` (and `overall_ms`) run out, then a stale cache
 * entry (serve_stale) or SERVFAIL goes to every waiting client.
 *
 * Everything is preallocated by fwd_core_new: the query table
 * (dns/qtab.h: cfg->table_size slots, one waiter pool of twice that), the
 * cache (dns/cache.h), the scratch buffers.  A full table answers REFUSED (counted).  One core per
 * worker thread; the config is shared read-only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/clock.h"

struct fwd_config;
struct dns_cache;

/* Who asked: a UDP source address, or a TCP connection of the I/O layer. */
struct fwd_client {
	struct hns_addr addr;
	uint32_t conn; /* 0: UDP; else the I/O's TCP connection id */
};

struct fwd_io_ops {
	/* Send pkt to upstream `up` (index into cfg->upstreams), over UDP socket `sock` or TCP. */
	void (*send)(void *arg, unsigned up, unsigned sock, bool tcp, const uint8_t *pkt,
		     size_t len);
	/* Answer a client (pkt is only valid during the call). */
	void (*answer)(void *arg, const struct fwd_client *cl, const uint8_t *pkt, size_t len);
};

/* The largest UDP answer sent to a client, whatever its EDNS buffer says. */
#define FWD_UDP_ANSWER_MAX 4096

#define FWD_LAT_BUCKETS 14
/* Upper bounds in ms of the latency buckets; the last one is open. */
extern const double fwd_latency_bounds_ms[FWD_LAT_BUCKETS - 1];

struct fwd_rule_stats {
	uint64_t queries, cache_hits, stale_answers, local_answers, forwarded, coalesced;
	uint64_t refused, servfail, answered_upstream;
};

struct fwd_upstream_stats {
	uint64_t sent, answers, timeouts, servfails, tcp_retries, went_down, came_up;
};

struct fwd_core_stats {
	uint64_t queries, formerr, notimp, dropped_queries; /* responses sent to us, junk */
	uint64_t table_full;
	/* Replies dropped, by cause. */
	uint64_t drop_malformed, drop_unknown_id, drop_wrong_socket, drop_wrong_source,
		drop_wrong_question;
	uint64_t latency[FWD_LAT_BUCKETS]; /* client query to answer */
	/* CNAME chains continued under another rule: legs asked, chases over
	 * DNS_CHAIN_MAX or into a loop (SERVFAIL), answers left unchased for want of room. */
	uint64_t chase_legs, chase_servfail, chase_full;
};

struct fwd_core;

/*
 * Make a core over cfg (which must outlive it).  seed feeds the
 * non-security randomness (the `random` policy); IDs come from the CSPRNG.
 */
int fwd_core_new(const struct fwd_config *cfg, const struct fwd_io_ops *ops, void *io_arg,
		 uint64_t seed, struct fwd_core **out);
void fwd_core_free(struct fwd_core *c); /* accepts NULL */

/*
 * A client query arrived.  When it can be answered at once (cache hit,
 * local zone, REFUSED, FORMERR, a full table) the answer is written to out
 * and its length returned; 0 means it went upstream, joined a query in
 * flight, or was dropped.  cap should be at least 512 for UDP and 65535
 * for TCP clients.
 */
size_t fwd_core_query(struct fwd_core *c, const struct fwd_client *cl, const uint8_t *pkt,
		      size_t len, hns_time_t now, uint8_t *out, size_t cap);

/* A reply arrived from `from` on upstream socket `sock` (UDP) or over TCP. */
void fwd_core_reply(struct fwd_core *c, const struct hns_addr *from, unsigned sock, bool tcp,
		    const uint8_t *pkt, size_t len, hns_time_t now);

/* The earliest pending timeout, or 0 when nothing is in flight. */
hns_time_t fwd_core_next_deadline(const struct fwd_core *c);
/* Handle every timeout due at now. */
void fwd_core_expire(struct fwd_core *c, hns_time_t now);

/* Queries in flight (slots in use). */
size_t fwd_core_inflight(const struct fwd_core *c);
/* Whether upstream i is currently considered down. */
bool fwd_core_upstream_down(const struct fwd_core *c, unsigned i);

const struct fwd_core_stats *fwd_core_stats(const struct fwd_core *c);
/* [cfg->n_rules + 1]: the rules in order, then `default`. */
const struct fwd_rule_stats *fwd_core_rule_stats(const struct fwd_core *c);
/* [cfg->n_upstreams] */
const struct fwd_upstream_stats *fwd_core_upstream_stats(const struct fwd_core *c);
struct dns_cache *fwd_core_cache(struct fwd_core *c); /* NULL when caching is off */
