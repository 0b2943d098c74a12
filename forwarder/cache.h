/*
 * forwarder/cache.h -- the answer cache of one forwarder worker.
 *
 * Keyed by lower-cased qname, qtype, qclass, the DO bit and whether the
 * query had EDNS at all (so an answer carrying an OPT record never goes to
 * a client that sent none).  Holds the answer's wire form and its insert
 * time; hits come back with TTLs counted down.  Positive TTL = the
 * smallest TTL of the answer clamped to [min_ttl, max_ttl]; negative
 * answers (NXDOMAIN, NODATA) live min(SOA TTL, SOA MINIMUM) capped by
 * negative_max_ttl (RFC 2308) and are not cached without an SOA.
 * Truncated answers, other rcodes and answers over FWD_CACHE_WIRE_MAX
 * octets are not cached (counted).
 *
 * Everything is allocated by fwd_cache_new: max_entries fixed-size entries
 * and an open-addressing index; when full, CLOCK eviction (a second-chance
 * bit set on every hit).  With serve_stale, expired entries are kept (until
 * evicted or stale_s past expiry) and may be served with TTL 30 (RFC 8767)
 * when upstreams fail.  Not thread-safe: one cache per worker.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"
#include "dns/wire.h"

struct fwd_cache_cfg;

#define FWD_CACHE_WIRE_MAX 512

struct fwd_cache_key {
	uint32_t hash;
	uint16_t qtype, qclass;
	uint8_t flags; /* FWD_KEY_DO | FWD_KEY_EDNS */
	uint8_t name_len;
	uint8_t name[DNS_NAME_MAX]; /* lower-cased; last, so short names touch one cache line */
};

#define FWD_KEY_DO 0x1
#define FWD_KEY_EDNS 0x2

void fwd_cache_key_make(struct fwd_cache_key *k, const struct dns_question *q, bool edns,
			bool do_bit);
bool fwd_cache_key_equal(const struct fwd_cache_key *a, const struct fwd_cache_key *b);

enum fwd_cache_result {
	FWD_CACHE_MISS = 0,
	FWD_CACHE_HIT,
	FWD_CACHE_STALE,
};

struct fwd_cache_stats {
	uint64_t hits, misses, stale_hits, inserts, evictions, expired;
	uint64_t not_cached; /* truncated, an rcode we do not cache, no TTL, no SOA in a negative */
	uint64_t too_big;
};

struct fwd_cache;

int fwd_cache_new(const struct fwd_cache_cfg *cfg, struct fwd_cache **out);
void fwd_cache_free(struct fwd_cache *c); /* accepts NULL */

/*
 * Look k up at time now.  On HIT (or STALE, only when allow_stale and the
 * config has serve_stale) the answer is copied to out with TTLs counted
 * down (stale: set to 30) and its length stored in *len; the ID is left as
 * stored (the caller sets the client's).  Expired entries are dropped
 * unless serve_stale keeps them.
 */
enum fwd_cache_result fwd_cache_lookup(struct fwd_cache *c, const struct fwd_cache_key *k,
				       hns_time_t now, bool allow_stale, uint8_t *out, size_t cap,
				       size_t *len);
/*
 * Store an upstream answer for k (copied; TTLs clamped in the copy).
 * Returns 0 when stored, HNS_EAGAIN when the answer is not cacheable, or a
 * parse error.
 */
int fwd_cache_insert(struct fwd_cache *c, const struct fwd_cache_key *k, const uint8_t *pkt,
		     size_t len, hns_time_t now);
size_t fwd_cache_count(const struct fwd_cache *c);
const struct fwd_cache_stats *fwd_cache_stats(const struct fwd_cache *c);
