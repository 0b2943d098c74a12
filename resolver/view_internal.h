/*
 * resolver/view_internal.h -- what the view's files share (not a public face).
 *
 *   view_build.c   compiling the model into the world at load time: zones,
 *                  record sets, each VPC's rule table
 *   view_synth.c   synthesised names: the vpce and private DNS names of
 *                  interface endpoints, EC2 internal names, reverse (PTR)
 *                  names, the AWS public pool
 *   view_reverse.c the autodefined reverse zones of each VPC's CIDR and its peers'
 *   view_chase.c   CNAME chains, followed once at load time per origin
 *   view_lookup.c  the per-query path: rslv_resolve
 *   qlog_json.c    the query-log items of the prepared answers
 */
#pragma once

#include <ldns/ldns.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolver/view.h"

/*
 * Building the world.  Records are first collected per zone as prepared
 * answer records (build_rr), then ALIAS records that name a DNS name are
 * resolved against what was collected, and finally every zone is turned
 * into nodes and record sets in the world's hash table.
 */

struct build_rr {
	uint8_t owner[DNS_NAME_MAX];
	uint8_t olen;
	uint16_t type; /* 0: only makes the owner exist */
	const uint8_t *wire;
	uint32_t len;
	const char *json;
	const struct model_record *rec;
	const struct model_endpoint *ep;
	bool alias;
};

struct build_zone {
	struct rslv_zone *z;
	struct build_rr *rrs;
	size_t n, cap;
};

struct build {
	struct rslv_world *w;
	struct build_zone *zones;
	size_t n, cap;
};

/* view_build.c */
/* A presentation name in lower-case wire form; its length, or <= 0. */
int rslv_name_wire_lower(const char *s, uint8_t *out);
/* One answer record in a: c0 0c, type, class, ttl, rdlength, rdata. */
const uint8_t *rslv_rr_wire(struct hns_arena *a, uint16_t type, uint16_t class, uint32_t ttl,
			    const uint8_t *rdata, size_t rdlen, uint32_t *len_out);
struct build_rr *rslv_build_rr_add(struct build_zone *bz);
struct build_zone *rslv_build_zone_add(struct build *b, enum rslv_zone_kind kind, const char *name);
/* The view-tag entry of a name in the rule table, made empty when absent. */
int rslv_rule_entry_get(struct rslv_world *w, uint32_t tag, const uint8_t *name, size_t len,
			struct rslv_rule_entry **out);
/* A Route 53 style default SOA for zones the scenario does not describe. */
int rslv_zone_set_default_soa(struct rslv_world *w, struct rslv_zone *z);

/* view_synth.c: at load time */
/* Answer records of an endpoint's ENIs (all, or those in one AZ) under owner. */
int rslv_build_add_enis(struct build *b, struct build_zone *bz, const uint8_t *owner, size_t olen,
			const struct model_endpoint *ep, const char *az,
			const struct model_record *rec);
/* The public vpce names of an interface endpoint, in the vpce zone. */
int rslv_build_endpoint_names(struct build *b, struct build_zone *vpce,
			      const struct model_endpoint *ep);
/* The hidden zones of an interface endpoint with private DNS (R11). */
int rslv_build_private_dns(struct build *b, const struct model_endpoint *ep);
/* One zone of synthesised names (internal or reverse), naming ip- names in `region`. */
int rslv_build_synth_zone(struct build *b, enum rslv_zone_kind kind, const char *name,
			  const char *region, struct rslv_zone **out);
/* Internal names and reverse zones of one region, made once per region. */
int rslv_build_internal(struct build *b, const char *region, struct rslv_zone **out,
			size_t *n_out);
/* view_reverse.c: the autodefined reverse zones of a VPC's rule table */
int rslv_view_add_reverse(struct build *b, struct rslv_view *v);
/* view_build.c: one zone into a view's rule table (a tie keeps the first) */
int rslv_view_add_zone(struct rslv_world *w, struct rslv_view *v, struct rslv_zone *z);
/* view_synth.c: per query */
void rslv_zone_internal(const struct rslv_world *w, const struct rslv_zone *z,
			const uint8_t *qname, size_t qlen, uint16_t qtype, struct rslv_result *out);
void rslv_zone_reverse(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
		       size_t qlen, uint16_t qtype, struct rslv_result *out);
bool rslv_is_aws_name(const uint8_t *q, size_t qlen);
uint32_t rslv_aws_pool_addr(const uint8_t *q, size_t qlen);

/* view_chase.c: precompile every CNAME set's chains (rslv_rrset.chase). */
int rslv_world_chase(struct rslv_world *w);

/* view_firewall.c: a view's DNS Firewall steps, at load time (after its profile is known). */
int rslv_build_firewall(struct rslv_world *w, struct rslv_view *v);
/*
 * Per query, before the rule table: the firewall's verdict.  Adds the
 * firewall hop and sets out->fw when a rule matched; true when it blocked
 * (out is the whole answer), false when the query goes on.
 */
bool rslv_firewall_check(const struct rslv_view *v, const uint8_t *qname, size_t qlen,
			 uint16_t qtype, struct rslv_result *out);
/* view_profile.c: the VPC's Route 53 Profile into its rule table, after its own associations. */
int rslv_build_profile(struct build *b, struct rslv_view *v);

/* view_lookup.c */
/* Appends a hop to a trace (at most RSLV_TRACE_MAX; the rest are dropped). */
void rslv_trace_add(struct rslv_trace *t, enum model_hop_kind kind, const char *ref,
		    const void *target);
/* NXDOMAIN, or NODATA when the name exists (and the model answers NODATA for other types). */
void rslv_result_negative(const struct rslv_world *w, const struct rslv_zone *z, bool exists,
			  struct rslv_result *out);
/* One question, CNAMEs not chased. */
void rslv_resolve_one(const struct rslv_world *w, size_t view, enum rslv_from from,
		      const uint8_t *qname, size_t qlen, uint16_t qtype, struct rslv_result *out);
