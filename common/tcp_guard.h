/*
 * common/tcp_guard.h -- admission and idle bookkeeping for a TCP server's
 * connection table (I/O-free).
 *
 * In: a new connection's source address and the time; activity on a
 * connection (touch); its end (release).  Out: a verdict (accept, evict
 * this connection first, refuse by cause), the idle timeout that applies
 * now, and which connection has been idle past it.  It never touches a
 * socket or a clock: the caller (common/tcp_gate.h for libevent servers)
 * passes `now` and closes what it is told to, so a test drives it with a
 * fake clock.
 *
 * What it models (documented in docs/forwarder.md):
 *  - a total ceiling (`max_conns` slots, allocated once);
 *  - a per-source ceiling (`per_source`; IPv4 by address, IPv6 by /64),
 *    as dnsdist's setMaxTCPConnectionsPerClient and Unbound's
 *    tcp-connection-limit: a connection over it is refused at once;
 *  - an idle timeout that shrinks under pressure, as Unbound shortens
 *    tcp-idle-timeout when more than half its TCP slots are in use:
 *    `idle` up to 50 % occupancy, then in proportion to the free half
 *    (idle * 2 * free / max), never below `idle_floor`;
 *  - when the table is full, the least recently active connection is
 *    evicted for the new one, provided it has been idle at least
 *    `idle_floor` (else the new one is refused): a flood of idle
 *    connections cannot lock out a client that asks.
 *
 * Per slot: the source key, the last activity, a doubly linked LRU list
 * (least recently active at the head) and a caller pointer.  Sources live
 * in an open-addressing table twice the slot count, so every operation is
 * O(1) expected and nothing is allocated after init.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/clock.h"

struct hns_addr;

#define HNS_TCP_GUARD_NONE UINT32_MAX

struct hns_tcp_guard_conf {
	uint32_t max_conns;    /* > 0 */
	uint32_t per_source;   /* 0: no per-source ceiling */
	hns_time_t idle;       /* full idle timeout */
	hns_time_t idle_floor; /* the shortest it gets, 0 < idle_floor <= idle */
};

enum hns_tcp_verdict {
	HNS_TCP_ACCEPT,	       /* *slot is the new connection's */
	HNS_TCP_EVICT,	       /* close *slot (release it), then ask again */
	HNS_TCP_REFUSE_SOURCE, /* its source is at per_source */
	HNS_TCP_REFUSE_FULL,   /* full and nothing idle long enough to evict */
};

struct hns_tcp_guard_stats {
	uint64_t accepted;
	uint64_t refused_per_source, refused_full;
	uint64_t evicted;     /* closed to make room for a new one */
	uint64_t idle_closed; /* closed by the (pressure-scaled) idle timeout */
	uint64_t peak;	      /* most connections open at once */
};

struct hns_tcp_guard_slot;
struct hns_tcp_guard_src;

struct hns_tcp_guard {
	struct hns_tcp_guard_conf conf;
	uint32_t n;
	uint32_t free_head;	     /* free slots, through next */
	uint32_t lru_head, lru_tail; /* head: least recently active */
	struct hns_tcp_guard_slot *slots;
	struct hns_tcp_guard_src *srcs;
	uint32_t src_mask;
	uint64_t seed;
	struct hns_tcp_guard_stats st;
};

/* Allocate the tables; 0, HNS_EINVAL for a bad conf, HNS_ENOMEM. */
int hns_tcp_guard_init(struct hns_tcp_guard *g, const struct hns_tcp_guard_conf *conf);
/* Free the tables (no callback: the caller closes its own); twice is harmless. */
void hns_tcp_guard_deinit(struct hns_tcp_guard *g);

/* Decide for a new connection from src at now (see enum hns_tcp_verdict); counts refusals. */
enum hns_tcp_verdict hns_tcp_guard_admit(struct hns_tcp_guard *g, const struct hns_addr *src,
					 hns_time_t now, uint32_t *slot);
/* Activity on slot: it becomes the most recently active. */
void hns_tcp_guard_touch(struct hns_tcp_guard *g, uint32_t slot, hns_time_t now);
/* The connection in slot is gone (for whatever reason). */
void hns_tcp_guard_release(struct hns_tcp_guard *g, uint32_t slot);

/* The idle timeout at the current occupancy. */
hns_time_t hns_tcp_guard_timeout(const struct hns_tcp_guard *g);
/*
 * The least recently active connection when it has been idle past the
 * current timeout (counted as idle_closed): the caller closes it and
 * releases it before asking again.  HNS_TCP_GUARD_NONE when none is.
 */
uint32_t hns_tcp_guard_expired(struct hns_tcp_guard *g, hns_time_t now);
/* When the next connection goes idle past the timeout at this occupancy; 0 when empty. */
hns_time_t hns_tcp_guard_next_expiry(const struct hns_tcp_guard *g);

void *hns_tcp_guard_user(const struct hns_tcp_guard *g, uint32_t slot);
void hns_tcp_guard_set_user(struct hns_tcp_guard *g, uint32_t slot, void *user);
/* Open connections from src (0 when none). */
uint32_t hns_tcp_guard_source_count(const struct hns_tcp_guard *g, const struct hns_addr *src);
