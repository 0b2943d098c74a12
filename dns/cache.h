/*
 * dns/cache.h -- an answer cache: wire answers by question, I/O-free.
 *
 * Keyed by struct dns_qkey (lower-cased qname, qtype, qclass, DO, EDNS,
 * the user's tag).  Holds the answer's wire form and its insert time; hits
 * come back with TTLs counted down by the `now` the caller passes (the
 * cache never reads a clock).  Positive TTL = the smallest TTL of the
 * answer clamped to [min_ttl, max_ttl]; negative answers (NXDOMAIN,
 * NODATA) live min(SOA TTL, SOA MINIMUM) capped by negative_max_ttl
 * (RFC 2308 5) and are not cached without an SOA.  Truncated answers,
 * other rcodes and answers over wire_max octets are not cached (counted).
 * The stored copy's TTLs are clamped the same way unless keep_ttls.
 *
 * Everything is allocated by dns_cache_new: max_entries fixed-size entries
 * and an open-addressing index, no allocation per entry; when full, CLOCK
 * eviction (a second-chance bit set on every hit).  With serve_stale,
 * expired entries are kept (until evicted or stale_s past expiry) and may
 * be served with TTL 30 (RFC 8767) when upstreams fail.  Not thread-safe:
 * one cache per worker.  Users: the on-prem forwarder's core, and the
 * Route 53 Resolver's outbound forwarding.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"
#include "dns/qkey.h"

#define DNS_CACHE_WIRE_MAX 512 /* wire_max when the config leaves it 0 */
#define DNS_CACHE_STALE_TTL 30

struct dns_cache_cfg {
	bool enabled;
	uint32_t max_entries;
	uint32_t min_ttl, max_ttl, negative_max_ttl;
	bool serve_stale;
	uint32_t stale_s;  /* how long past expiry an entry may still be served stale */
	uint16_t wire_max; /* largest answer stored; 0: DNS_CACHE_WIRE_MAX */
	bool keep_ttls;	   /* store the answer's TTLs as they came (only its lifetime is clamped) */
};

enum dns_cache_result {
	DNS_CACHE_MISS = 0,
	DNS_CACHE_HIT,
	DNS_CACHE_STALE,
};

struct dns_cache_stats {
	uint64_t hits, misses, stale_hits, inserts, evictions, expired;
	uint64_t not_cached; /* truncated, an rcode we do not cache, no TTL, no SOA in a negative */
	uint64_t too_big;
};

struct dns_cache;

int dns_cache_new(const struct dns_cache_cfg *cfg, struct dns_cache **out);
void dns_cache_free(struct dns_cache *c); /* accepts NULL */

/*
 * Look k up at time now.  On HIT (or STALE, only when allow_stale and the
 * config has serve_stale) the answer is copied to out with TTLs counted
 * down (stale: set to 30) and its length stored in *len; the ID is left as
 * stored (the caller sets the client's).  Expired entries are dropped
 * unless serve_stale keeps them.
 */
enum dns_cache_result dns_cache_lookup(struct dns_cache *c, const struct dns_qkey *k,
				       hns_time_t now, bool allow_stale, uint8_t *out, size_t cap,
				       size_t *len);
/*
 * Store an upstream answer for k (copied; TTLs clamped in the copy unless
 * keep_ttls).  Returns 0 when stored, HNS_EAGAIN when the answer is not
 * cacheable, or a parse error.
 */
int dns_cache_insert(struct dns_cache *c, const struct dns_qkey *k, const uint8_t *pkt,
		     size_t len, hns_time_t now);
size_t dns_cache_count(const struct dns_cache *c);
const struct dns_cache_stats *dns_cache_stats(const struct dns_cache *c);
