/*
 * forwarder/conf.h -- what one emulated on-prem resolver does, compiled.
 *
 * A struct fwd_config is built once from a model_onprem_resolver (or by
 * hand in tests and benchmarks) and then only read, by any number of
 * worker threads.  Names are in wire form, local zones precompiled to wire
 * fragments, upstreams resolved to the real loopback addresses packets go
 * to.  Owned by whoever called fwd_config_from_model/fwd_config_new; freed
 * with fwd_config_free.
 *
 * Defaults (used when the scenario leaves a value at 0):
 *   timeout_ms 2000 per try, attempts max(2, number of upstreams),
 *   no overall limit; health: down after 3 consecutive timeouts, probed
 *   with one real query every 1000 ms while down, up again after 2 good
 *   answers (rise); cache 10000 entries per worker, min_ttl 0,
 *   max_ttl 86400, negative_max_ttl 3600, serve_stale off (stale answers
 *   served with TTL 30 for up to 1 day past expiry when on);
 *   EDNS buffer towards upstreams 1232; query table 8192 per worker.
 * fwd_config_from_model() takes each forward's timing from
 *   model_forward_timing(), so a resolver's profile (Windows Server:
 *   sequential, 3 s per forwarder, 8 s overall, KB 2834250, rule R18)
 *   reads the same here as in lint, graph and the exports.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/bounds.h"
#include "common/evloop.h"
#include "dns/cache.h"
#include "dns/nametab.h"
#include "dns/wire.h"

struct model;
struct model_onprem_resolver;

#define FWD_MAX_UPSTREAMS HNS_MAX_RESOLVER_UPSTREAMS /* per config, after de-duplication */
#define FWD_MAX_RULE_UPSTREAMS HNS_MAX_FORWARD_TO

#define FWD_DEFAULT_TIMEOUT_MS 2000
#define FWD_DEFAULT_FAIL_THRESHOLD 3
#define FWD_DEFAULT_RISE 2
#define FWD_DEFAULT_PROBE_MS 1000
#define FWD_DEFAULT_CACHE_ENTRIES 10000
#define FWD_DEFAULT_MAX_TTL 86400
#define FWD_DEFAULT_NEG_MAX_TTL 3600
#define FWD_DEFAULT_STALE_S 86400
#define FWD_STALE_TTL DNS_CACHE_STALE_TTL
#define FWD_DEFAULT_EDNS_SIZE 1232
#define FWD_DEFAULT_TABLE 8192

enum fwd_policy {
	FWD_POLICY_SEQUENTIAL,
	FWD_POLICY_ROUND_ROBIN,
	FWD_POLICY_RANDOM,
};

enum fwd_rule_kind {
	FWD_RULE_FORWARD, /* a `forward` entry, or `default` internet/upstreams */
	FWD_RULE_LOCAL,	  /* a local authoritative zone */
	FWD_RULE_REFUSE,  /* `default: refuse` */
};

struct fwd_upstream_cfg {
	struct hns_addr virt; /* as in the scenario (family 0 for the internet) */
	struct hns_addr real; /* where packets go: loopback, port set */
	char label[64];
};

/* One precompiled RRset of a local zone: RRs without their owner name. */
struct fwd_rrset {
	uint8_t owner[DNS_NAME_MAX]; /* lower-cased wire form; may start with the * label */
	uint8_t owner_len;
	uint16_t type;
	uint16_t count;
	uint8_t *tails; /* count x (type, class, ttl, rdlength, rdata), back to back */
	size_t tails_len;
};

struct fwd_local_zone {
	struct fwd_rrset *sets;
	size_t n_sets;
	uint8_t *soa_tail; /* the SOA RR after its owner (the zone name) */
	size_t soa_tail_len;
	uint32_t neg_ttl; /* min(SOA TTL, SOA MINIMUM) */
};

struct fwd_rule {
	enum fwd_rule_kind kind;
	uint8_t zone[DNS_NAME_MAX]; /* wire form, lower-cased; the root for `default` */
	uint8_t zone_len;
	char name[128];		/* for stats: "forward execute-api.eu-west-1.amazonaws.com" */
	enum fwd_policy policy;
	uint32_t timeout_ms; /* per try */
	uint32_t attempts;   /* tries in all */
	uint32_t overall_ms; /* 0: no limit beyond attempts */
	uint16_t upstreams[FWD_MAX_RULE_UPSTREAMS]; /* indices into fwd_config.upstreams */
	uint16_t n_upstreams;
	struct fwd_local_zone local; /* FWD_RULE_LOCAL */
};

struct fwd_config {
	char name[64];
	char hop[80]; /* "onprem:<name>", for trace events */
	struct fwd_rule *rules; /* forward and local rules, any order; default last */
	size_t n_rules;
	struct dns_nametab zones; /* rule zone -> rule index + 1 (the first rule of a zone) */
	struct fwd_rule deflt; /* the `default` rule (FORWARD or REFUSE) */
	struct fwd_upstream_cfg upstreams[FWD_MAX_UPSTREAMS];
	size_t n_upstreams;
	struct dns_cache_cfg cache; /* wire_max 0 (512), keep_ttls off */
	uint32_t fail_threshold; /* consecutive timeouts before an upstream is down */
	uint32_t rise;		 /* good answers before a down upstream is up again */
	uint32_t probe_ms;	 /* while down, one query every probe_ms goes to it */
	uint16_t edns_size;	 /* buffer size advertised upstream */
	uint32_t table_size;	 /* in-flight upstream queries per worker */
	unsigned upstream_socks; /* UDP sockets per worker for upstream queries */
	uint32_t coalesce_us;	 /* receive coalescing tick (common/evloop.h), 0 = off */
	enum hns_udp_io udp_io;	 /* how the workers' UDP sockets are waited on and read */
};

/*
 * Maps a virtual upstream address to the real one to send to; virt is NULL
 * for the internet (`default: internet`).  Returns NULL when nothing lives
 * there.  Loopback addresses must come back as they are.
 */
typedef const struct hns_addr *(*fwd_route_fn)(void *arg, const struct hns_addr *virt);

/* An empty config with every default set (default rule: refuse). */
int fwd_config_new(const char *name, struct fwd_config **out);
void fwd_config_free(struct fwd_config *c); /* accepts NULL */

/*
 * Build from a scenario resolver.  Every upstream is routed once, here.
 * Errors (an unroutable upstream, too many upstreams, a zone that does not
 * compile) are written to err and return a negative hns_err.
 */
int fwd_config_from_model(const struct model_onprem_resolver *r, fwd_route_fn route,
			  void *route_arg, struct fwd_config **out, char *err, size_t errlen);

/* Add an upstream (real address, port set); returns its index or a negative hns_err. */
int fwd_config_add_upstream(struct fwd_config *c, const struct hns_addr *virt,
			    const struct hns_addr *real);
/* Append a forward rule for zone (presentation form) over upstream indices; returns its index. */
int fwd_config_add_forward(struct fwd_config *c, const char *zone, const uint16_t *ups, size_t n,
			   enum fwd_policy policy, uint32_t timeout_ms, uint32_t attempts);
/* Make `default` forward over the given upstreams. */
int fwd_config_set_default(struct fwd_config *c, const uint16_t *ups, size_t n,
			   enum fwd_policy policy, uint32_t timeout_ms, uint32_t attempts);
/*
 * Append a local authoritative zone: zone (presentation), soa and records in
 * ldns presentation form, one RR per string (absolute owners).
 */
int fwd_config_add_local_zone_text(struct fwd_config *c, const char *zone, const char *soa,
				   const char *const *records, size_t n);
/* Windows Server timing (model_timing_windows) on every forward rule of a hand-built config. */
void fwd_config_profile_windows(struct fwd_config *c);

/*
 * The rule for a query name (wire form, any case): the longest forward or
 * local zone that contains it, whatever the order of the rules, else
 * `default`.  One name-table probe per label (dns/nametab.h), not a scan.
 */
const struct fwd_rule *fwd_config_match(const struct fwd_config *c, const uint8_t *qname,
					size_t qlen);
/* The same for a lower-cased name (a question key's). */
const struct fwd_rule *fwd_config_match_lower(const struct fwd_config *c, const uint8_t *lname,
					      size_t len);
