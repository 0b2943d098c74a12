/*
 * resolver/outbound.h -- forwarding through outbound endpoints (R3, R14),
 * I/O-free.
 *
 * A query that matched a FORWARD rule goes to a random target of the rule;
 * on timeout another random target is tried (a different one when the
 * rule has several), and when `tries` tries went without an answer every
 * waiting client gets SERVFAIL.  Identical questions for the same rule are
 * coalesced while in flight (up to `waiters` clients per question; more
 * are dropped).  AWS does no loop detection (R14): a rule that leads back
 * to its own inbound endpoint makes the looped query join the waiters of
 * the original one, so the loop ends in SERVFAIL when the tries run out
 * instead of multiplying queries.  Answers (NOERROR, NXDOMAIN) are cached
 * for their smallest TTL, negative ones for the SOA's negative TTL
 * (RFC 2308), as they came (TTLs counted down on hits).
 *
 * Packets and the time go in (rslv_ob_query, rslv_ob_reply,
 * rslv_ob_expire); actions come out through rslv_ob_ops: send this query
 * to target t of a rule, answer a client, fail it, drop it.  The engine is
 * built of the shared pieces of dns/ (the query-slot table, the answer
 * cache), allocates everything in rslv_ob_new, never reads a clock and
 * never touches a socket: resolver/io_fwd.c does the I/O, unit tests drive
 * it with a fake clock.  One thread (the resolver's main thread).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"

struct model_rule;
struct rslv_client;
struct rslv_ob;

struct rslv_ob_ops {
	/*
	 * Send pkt to target `target` of rule r; false when it cannot go (no
	 * route, a send error): that try is lost and the next one goes at once.
	 */
	bool (*send)(void *arg, const struct model_rule *r, unsigned target, const uint8_t *pkt,
		     size_t len);
	/* Answer c with pkt (valid during the call): from the cache, or the upstream's. */
	void (*answer)(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype,
		       const uint8_t *pkt, size_t len, bool cached);
	/* Every try failed: c gets SERVFAIL. */
	void (*fail)(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype);
	/* c gets nothing (too many waiters, a full table, shutdown): release what it holds. */
	void (*drop)(void *arg, struct rslv_client *c);
};

struct rslv_ob_cfg {
	uint32_t timeout_ms; /* per try */
	uint32_t tries;	     /* in all */
	uint32_t slots;	     /* questions in flight */
	uint32_t waiters;    /* clients per question */
	uint32_t cache_entries;
};

/* Defaults of the emulated Route 53 Resolver (timeout and tries come from its options). */
#define RSLV_OB_SLOTS 1024
#define RSLV_OB_WAITERS 16
#define RSLV_OB_CACHE 4096

struct rslv_ob_stats {
	uint64_t queries, cache_hits, coalesced, forwarded, tries, timeouts, servfail;
	uint64_t answered, dropped_waiters, table_full;
	uint64_t drop_unknown_id, drop_wrong_question, drop_malformed;
};

/*
 * An engine over the rules of one model (rules: its rule array, which
 * tags each question's cache key by rule); seed feeds the target choice.
 */
int rslv_ob_new(const struct model_rule *rules, const struct rslv_ob_cfg *cfg,
		const struct rslv_ob_ops *ops, void *arg, uint64_t seed, struct rslv_ob **out);
/* Drops every client still waiting (ops.drop), then frees.  Accepts NULL. */
void rslv_ob_free(struct rslv_ob *ob);

/*
 * Client c asks lname (lower-cased wire form) / qtype, which matched rule
 * r: answered from the cache, joined to the same question in flight, or
 * sent upstream.  c is copied.
 */
void rslv_ob_query(struct rslv_ob *ob, const struct rslv_client *c, const uint8_t *lname,
		   size_t lname_len, uint16_t qtype, const struct model_rule *r, hns_time_t now);
/* A datagram from upstream. */
void rslv_ob_reply(struct rslv_ob *ob, const uint8_t *pkt, size_t len, hns_time_t now);
/* The earliest deadline, or 0 when nothing is in flight. */
hns_time_t rslv_ob_next_deadline(const struct rslv_ob *ob);
/* Handle every timeout due at now. */
void rslv_ob_expire(struct rslv_ob *ob, hns_time_t now);

size_t rslv_ob_inflight(const struct rslv_ob *ob);
const struct rslv_ob_stats *rslv_ob_stats(const struct rslv_ob *ob);
