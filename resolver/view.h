/*
 * resolver/view.h -- the emulated Route 53 Resolver, I/O-free.
 *
 * rslv_world_new() compiles a model into everything the AWS side answers
 * from: one view per VPC (its rule table, R1/R2/R4/R5), the zones it can
 * reach (private hosted zones, the hidden zones of interface endpoints
 * with private DNS, internal EC2 names), and the internet view (public
 * hosted zones, internet.zones, the public vpce names, the pool of public
 * addresses for AWS service names).  Static answers are precompiled to
 * wire form at load time (answer records owned by the question name via a
 * pointer to offset 12, so a prepared answer fits any query of its name).
 *
 * rslv_resolve() decides one question in one view: answer (with a
 * prepared or synthesised record set, or a negative answer carrying the
 * zone's SOA), forward (a custom FORWARD rule matched) or drop (the VPC has
 * no DNS support).  It also says why, as a trace of model hops.
 *
 * The world is immutable after loading; any number of threads may resolve
 * concurrently.  See docs/aws-semantics.md for the behaviours chosen where
 * AWS is unclear.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "dns/wire.h"
#include "model/model.h"
#include "resolver/table.h"

/* TTL of synthesised internal names (ip-a-b-c-d...) and AWS pool addresses. */
#define RSLV_SYNTH_TTL 60
/* Public pool for AWS service names that no zone answers (aws_public_names). */
#define RSLV_AWS_POOL_BASE 0x345e0000u /* 52.94.0.0/16 */
#define RSLV_AWS_POOL_MASK 0x0000ffffu

typedef bool (*rslv_eni_down_fn)(void *arg, const struct model_eni *eni);

struct rslv_chain;

/*
 * A prepared record set: answer records whose owner is the question (0xc00c).
 * A CNAME chased at load time is one set too: the question's CNAME, then the
 * records of each target under its own (uncompressed) name.
 */
struct rslv_rrset {
	uint16_t type;
	uint16_t count;
	uint32_t len;	     /* bytes at wire */
	const uint8_t *wire; /* count records, each starting with c0 0c */
	const char *json;    /* query-log "answers" items, comma separated, or "" */
	const struct model_record *record;     /* the record that produced it (first one) */
	const struct model_endpoint *endpoint; /* endpoint whose ENIs these are, or NULL */
	bool alias;				/* produced by an ALIAS record */
	bool negative; /* a chain ending NXDOMAIN/NODATA: result.zone's SOA follows */
	/* CNAME sets: the chased chain per question origin (rslv_chase_index), NULL entries
	 * where the chain cannot be precompiled (a FORWARD rule); NULL for other sets. */
	const struct rslv_chain *const *chase;
};

/* Longest CNAME chain followed; a longer one (or a loop) answers SERVFAIL. */
#define RSLV_CHAIN_MAX 8

/* One outcome of a chased CNAME, for one question type (qtype 0: every other type). */
struct rslv_chain_end {
	uint16_t qtype;
	uint8_t rcode;
	const struct rslv_rrset *answer; /* the chain's records; NULL for SERVFAIL */
	const struct rslv_zone *zone;	 /* negative ends: the SOA source */
	const char *what;		 /* "cname", "cname-loop", "cname-forward" */
	struct model_hop hops[4];	 /* the zones the chain went through */
	uint8_t n_hops;
	/* "cname-forward": the chain's last target lies under this FORWARD rule; the answer
	 * holds the chain so far and the target is asked through the rule's outbound endpoint. */
	const struct model_rule *forward;
	const uint8_t *target; /* lower-case wire form */
	uint8_t target_len;
};

struct rslv_chain {
	const struct rslv_chain_end *ends;
	size_t n_ends; /* the last one has qtype 0 */
};

struct rslv_node {
	const uint8_t *name; /* lower-case wire form */
	uint8_t name_len;
	struct rslv_rrset *sets;
	size_t n_sets;
};

enum rslv_zone_kind {
	RSLV_ZONE_HOSTED,      /* a private or public hosted zone, or internet/onprem zone */
	RSLV_ZONE_PRIVATE_DNS, /* hidden zone of an interface endpoint */
	RSLV_ZONE_VPCE,	       /* the public vpce.amazonaws.com names */
	RSLV_ZONE_INTERNAL,    /* <region>.compute.internal / ec2.internal */
	RSLV_ZONE_REVERSE,     /* autodefined reverse zones */
};

struct rslv_zone {
	enum rslv_zone_kind kind;
	const char *name; /* presentation, no trailing dot */
	uint8_t wname[DNS_NAME_MAX];
	uint8_t wlen;
	uint32_t tag; /* nodes of this zone in rslv_world.nodes */
	const struct model_zone *mzone;	      /* HOSTED */
	const struct model_endpoint *endpoint; /* PRIVATE_DNS */
	const char *region;		      /* INTERNAL, REVERSE: naming of ip- names */
	bool us_east_1_names;		      /* INTERNAL: ec2.internal style */
	const struct model_vpc *cidr_vpc;     /* REVERSE: the VPC whose CIDR it covers, or NULL
					       * for the RFC 1918 zones */
	bool inbound_only;		      /* PRIVATE_DNS with private_dns_only_for_inbound */
	const uint8_t *soa; /* one authority record, uncompressed owner */
	uint32_t soa_len;
	const char *soa_text; /* for traces */
};

/* One name in a view's rule table. */
struct rslv_rule_entry {
	const struct model_rule *custom; /* FORWARD or SYSTEM rule associated with the VPC */
	struct rslv_zone *autodef;	 /* PHZ, private DNS, internal, reverse */
	struct rslv_zone *autodef_inbound; /* a zone that applies only via inbound endpoints */
	const struct model_profile *profile; /* the entry comes from the VPC's Route 53 Profile */
};

/* One domain of a DNS Firewall rule, in lower-case wire form. */
struct rslv_fw_domain {
	uint8_t wire[DNS_NAME_MAX];
	uint8_t len;
	bool wildcard; /* "*.name": names below it only; "*": every name */
};

/* One DNS Firewall rule of a view, in evaluation order (view_firewall.c). */
struct rslv_fw_step {
	const struct model_fw_group *group;
	const struct model_fw_rule *rule;
	const struct model_profile *profile; /* associated through the VPC's profile, or NULL */
	uint32_t priority;		     /* the group's association priority */
	const struct rslv_fw_domain *domains;
	const struct rslv_rrset *override; /* BLOCK with OVERRIDE: the CNAME answer */
};

struct rslv_view {
	const struct model_vpc *vpc;
	uint32_t tag; /* its rule entries in rslv_world.rules */
	const struct rslv_fw_step *fw; /* DNS Firewall rules, lowest priorities first */
	size_t n_fw;
};

struct rslv_world {
	const struct model *model;
	struct rslv_view *views; /* one per model VPC, same index */
	size_t n_views;
	struct rslv_table rules; /* (view tag, name) -> rslv_rule_entry; internet tag -> zone */
	struct rslv_table nodes; /* (zone tag, name) -> rslv_node; ENTs have n_sets == 0 */
	struct rslv_zone **zones;
	size_t n_zones;
	uint32_t internet_tag;
	struct rslv_zone *root_zone; /* SOA for the internet's NXDOMAIN when no zone matches */
	struct rslv_zone *aws_zone;  /* SOA for pool NODATA answers (amazonaws.com) */
	size_t n_chase;		     /* entries of rslv_rrset.chase: 2 per view, then the internet */
	rslv_eni_down_fn eni_down; /* build time only */
	void *eni_down_arg;
	struct hns_arena arena;
};

int rslv_world_new(const struct model *m, struct rslv_world **out);
/*
 * The same, leaving out of every answer the interface endpoint ENIs for
 * which down(arg, eni) is true (a fault held while the world runs).
 */
int rslv_world_new_ext(const struct model *m, rslv_eni_down_fn down, void *arg,
		       struct rslv_world **out);
void rslv_world_free(struct rslv_world *w); /* accepts NULL */

/* Where a question is asked. */
enum rslv_from {
	RSLV_FROM_VPC,	    /* the VPC's +2 resolver */
	RSLV_FROM_INBOUND,  /* an inbound endpoint of the VPC */
	RSLV_FROM_INTERNET, /* the public internet (view ignored) */
};

enum rslv_action {
	RSLV_ANSWER,
	RSLV_FORWARD, /* result.rule says where */
	RSLV_DROP,    /* no answer at all (dns_support false) */
};

#define RSLV_TRACE_MAX 6

struct rslv_trace {
	struct model_hop hops[RSLV_TRACE_MAX];
	size_t n;
	const char *what; /* "record", "wildcard", "alias", "nxdomain", "nodata", "aws-pool", ... */
	const struct model_record *record;
	const struct model_endpoint *endpoint;
	const struct rslv_zone *zone;
	const struct model_profile *profile; /* the deciding rule or zone came from this profile */
};

struct rslv_result {
	enum rslv_action action;
	uint8_t rcode;
	const struct rslv_rrset *answer; /* prepared answer, or NULL */
	const struct rslv_zone *zone;	 /* negative answers: SOA source */
	/* FORWARD of a chased CNAME: the name asked through the rule (lower case), whose
	 * answer is appended to `answer` (the chain so far); NULL: the question itself. */
	const uint8_t *fwd_name;
	uint8_t fwd_name_len;
	/* Synthesised answer (when answer == NULL and synth_type != 0). */
	uint16_t synth_type; /* A or PTR */
	uint32_t synth_v4;
	uint8_t synth_name[DNS_NAME_MAX];
	uint8_t synth_name_len;
	const struct model_rule *rule; /* FORWARD */
	/* The DNS Firewall rule that matched with ALERT or BLOCK (query logs), or NULL. */
	const struct rslv_fw_step *fw;
	struct rslv_trace trace;
};

/*
 * Resolve one question.  qname is lower-case wire form.  view is the VPC's
 * index in the model (ignored for RSLV_FROM_INTERNET).
 */
void rslv_resolve(const struct rslv_world *w, size_t view, enum rslv_from from,
		  const uint8_t *qname, size_t qlen, uint16_t qtype, struct rslv_result *out);

/* Write the trace as text lines ("  vpc:shared-services\n"), for `trace` and tests. */
void rslv_trace_print(const struct rslv_trace *t, char *buf, size_t cap);
