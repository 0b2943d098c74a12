/*
 * resolver/ratelimit.h -- per-source packet rate limit (R9, I/O-free).
 *
 * AWS lets one EC2 ENI send at most 1024 packets per second to the VPC's
 * +2 resolver and drops the excess.  Here a client is its source address
 * (port ignored) at one listener.  Each (listener, address) has a token
 * bucket of `rate` tokens that refills at `rate` per second: a burst of
 * `rate` packets passes at once, then one packet per 1/rate s.  The bucket
 * is kept as its theoretical arrival time (GCRA), one 64-bit word.
 *
 * The table is fixed at init: capacity rounded up to sets of
 * RSLV_RL_WAYS entries; a new source takes the least recently seen entry
 * of its set (that source's bucket restarts full).  No allocation after
 * init.  Each set has its own spin lock, so several UDP workers may call
 * rslv_rl_allow() on the same table.  Time is the caller's (nanoseconds,
 * monotonic), so tests drive it with a fake clock.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define RSLV_RL_WAYS 4
/* The +2 resolver's limit per client ENI (reference §8). */
#define RSLV_VPC_PPS 1024
/* Sources tracked at once per server (entries, all listeners together). */
#define RSLV_RL_CAPACITY 4096

struct rslv_rl_entry {
	uint8_t key[20]; /* listener (4 bytes, big endian) + address bytes (16) */
	bool used;
	uint64_t tat;  /* theoretical arrival time, ns */
	uint64_t last; /* last packet seen, ns (LRU within the set) */
};

struct rslv_rl_set {
	atomic_flag lock;
	struct rslv_rl_entry e[RSLV_RL_WAYS];
};

struct rslv_ratelimit {
	uint32_t rate;	       /* packets per second; 0: no limit */
	uint64_t interval;     /* ns per token */
	uint64_t tolerance;    /* ns of burst beyond one packet */
	struct rslv_rl_set *sets;
	size_t n_sets;	       /* power of two */
	atomic_uint_fast64_t evictions; /* sources that pushed another out */
};

/* rate 0: every packet passes (no table).  capacity: entries, at least RSLV_RL_WAYS. */
int rslv_rl_init(struct rslv_ratelimit *rl, uint32_t rate, size_t capacity);
void rslv_rl_deinit(struct rslv_ratelimit *rl);
/* Whether one packet from src at listener passes at time now_ns (it takes a token if so). */
bool rslv_rl_allow(struct rslv_ratelimit *rl, uint32_t listener, const struct hns_addr *src,
		   uint64_t now_ns);
