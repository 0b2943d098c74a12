/*
 * dns/qtab.h -- the table of queries in flight upstream, I/O-free.
 *
 * What a forwarding engine keeps per question it sent upstream, minus what
 * it sends and to whom.  A slot per question in flight, with:
 *   - a fresh random ID (CSPRNG, RFC 5452) unused by every other slot, and
 *     O(1) lookup of a reply's slot by its ID;
 *   - its question key (struct dns_qkey) in a hash chain, so an identical
 *     question finds the slot in flight and joins it (coalescing);
 *   - its waiters: indices into a pool the table manages, chained per slot
 *     in arrival order (the user keeps the clients in an array of its own,
 *     indexed by waiter, and the slot's own data likewise by slot);
 *   - its tries and timeout: a try arms the slot's deadline at
 *     min(now + timeout_ms, start + overall_ms) of its timeout class, kept
 *     on one sorted list per class (O(1) insertion, as every try of a class
 *     lies timeout_ms ahead), and the user asks for the earliest deadline
 *     and for the slots due at `now`.
 * The table never reads a clock, sends or allocates after dns_qtab_new:
 * `now` comes from the caller, so tests drive it with a fake clock.
 * Users: the on-prem forwarder's core and the Route 53 Resolver's
 * outbound forwarding.  Not thread-safe: one table per worker.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/clock.h"
#include "dns/qkey.h"

#define DNS_QTAB_NIL UINT32_MAX
#define DNS_QTAB_CLASSES 32
#define DNS_QTAB_MAX 65535 /* slots, at most: one per ID */

struct dns_qtab_slot {
	bool used;
	bool armed;	/* on its class's timeout list */
	uint8_t tclass; /* timeout class */
	uint16_t id;	/* upstream ID */
	uint32_t tries;
	hns_time_t start;    /* when the slot was taken */
	hns_time_t deadline; /* of the current try, when armed */
	uint32_t tprev, tnext;	/* timeout list links */
	uint32_t hnext;		/* coalescing chain (free list when unused) */
	uint32_t waiters, last_waiter, n_waiters;
	struct dns_qkey key;
};

struct dns_qtab_class {
	uint32_t timeout_ms, overall_ms;
	uint32_t head, tail;
};

struct dns_qtab {
	struct dns_qtab_slot *slots; /* [n_slots] */
	uint32_t n_slots, n_used;
	uint32_t free_slot;
	uint16_t *id_slot; /* [65536]: slot + 1, 0 = free ID */
	uint32_t *buckets; /* coalescing index: [bmask + 1] heads */
	uint32_t bmask;
	uint32_t *wnext; /* [n_waiters]: next waiter of the same slot, or of the free list */
	uint32_t n_waiters, free_waiter;
	struct dns_qtab_class classes[DNS_QTAB_CLASSES];
	unsigned n_classes;
};

/* A table of n_slots (at most DNS_QTAB_MAX) slots and n_waiters waiters. */
int dns_qtab_new(uint32_t n_slots, uint32_t n_waiters, struct dns_qtab **out);
void dns_qtab_free(struct dns_qtab *t); /* accepts NULL */

/*
 * The timeout class of (timeout_ms per try, overall_ms since the slot was
 * taken, 0: none): the same pair gives the same class; past
 * DNS_QTAB_CLASSES pairs the last class is shared (still correct, as
 * insertion is sorted).
 */
unsigned dns_qtab_class(struct dns_qtab *t, uint32_t timeout_ms, uint32_t overall_ms);

/* The slot in flight for k, or DNS_QTAB_NIL. */
uint32_t dns_qtab_find(const struct dns_qtab *t, const struct dns_qkey *k);
/*
 * Take a slot for k in timeout class tclass, started at now, with a fresh
 * ID; DNS_QTAB_NIL when every slot is in use or no free ID was drawn.
 */
uint32_t dns_qtab_take(struct dns_qtab *t, const struct dns_qkey *k, unsigned tclass,
		       hns_time_t now);
/* Free slot s, its ID and its waiters. */
void dns_qtab_release(struct dns_qtab *t, uint32_t s);

/* The slot a reply with this ID belongs to, or DNS_QTAB_NIL. */
static inline uint32_t
dns_qtab_by_id(const struct dns_qtab *t, uint16_t id)
{
	return t->id_slot[id] ? t->id_slot[id] - 1u : DNS_QTAB_NIL;
}

/* Append a waiter to slot s; its index, or DNS_QTAB_NIL when the pool is empty. */
uint32_t dns_qtab_waiter_add(struct dns_qtab *t, uint32_t s);
/* Iterate: for (w = t->slots[s].waiters; w != DNS_QTAB_NIL; w = t->wnext[w]). */

/* A try goes out at now: count it and (re-)arm the slot's deadline. */
void dns_qtab_try(struct dns_qtab *t, uint32_t s, hns_time_t now);
/* Re-arm the deadline at now without counting a try (the same try over TCP). */
void dns_qtab_rearm(struct dns_qtab *t, uint32_t s, hns_time_t now);
/* Take slot s off its timeout list. */
void dns_qtab_disarm(struct dns_qtab *t, uint32_t s);
/* Whether another try fits: fewer than attempts so far, and overall_ms (0: none) not over. */
bool dns_qtab_can_retry(const struct dns_qtab *t, uint32_t s, uint32_t attempts,
			uint32_t overall_ms, hns_time_t now);

/* The earliest deadline armed, or 0 when none is. */
hns_time_t dns_qtab_next_deadline(const struct dns_qtab *t);
/*
 * A slot whose deadline is due at now (class by class, earliest first),
 * disarmed; DNS_QTAB_NIL when none is.  The caller retries (which re-arms
 * it in the future) or releases it.
 */
uint32_t dns_qtab_expired(struct dns_qtab *t, hns_time_t now);
