/*
 * lint/internal.h -- what the rule files share: the run context (the model,
 * its source text and the indexes built once per run), the finding emitter,
 * the key locator and the questions every family asks of the model ("which
 * server owns this address", "what answers this name in that VPC").
 *
 * Rules never allocate outside the findings' arena and never touch the
 * network or the clock.  The indexes make every rule at most O(n log n) in
 * the number of records, VPCs and targets.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lint/lint.h"

struct lint_ctx;

/* One rule of the table (lint/rules.c). */
struct lint_rule_def {
	struct lint_rule pub;
	void (*check)(struct lint_ctx *c);
};

/* ------------------------------------------------------------- addresses */

enum lint_addr_kind {
	LINT_ADDR_NONE = 0,
	LINT_ADDR_VPC_DNS,   /* a VPC's +2 resolver */
	LINT_ADDR_INBOUND,   /* an inbound Resolver endpoint ENI */
	LINT_ADDR_OUTBOUND,  /* an outbound Resolver endpoint ENI */
	LINT_ADDR_INTERFACE, /* an interface (PrivateLink) endpoint ENI */
	LINT_ADDR_ONPREM,    /* an on-prem resolver */
};

struct lint_addr_entry {
	struct hns_addr ip;
	enum lint_addr_kind kind;
	const void *obj; /* model_vpc, model_resolver_endpoint, model_endpoint, model_onprem_resolver */
	const struct model_eni *eni;
};

/* ---------------------------------------------------------------- views */

enum lint_match_kind {
	LINT_MATCH_NONE = 0, /* public recursion (the "." rule) */
	LINT_MATCH_FORWARD,  /* a custom FORWARD rule */
	LINT_MATCH_SYSTEM,   /* a custom SYSTEM rule */
	LINT_MATCH_PHZ,	     /* a private hosted zone associated with the VPC */
	LINT_MATCH_PRIVDNS,  /* an interface endpoint's private DNS zone */
	LINT_MATCH_OFF,	     /* the VPC's DNS support is off: no answer at all */
};

/* What the +2 resolver of one VPC does with one name (rules R1, R2, R4). */
struct lint_match {
	enum lint_match_kind kind;
	const char *domain; /* the matching rule's or zone's name */
	const struct model_rule *rule;
	const struct model_zone *zone;
	const struct model_endpoint *endpoint;
};

/* Per VPC: the rules and zones that form its rule table. */
struct lint_vpc_view {
	const struct model_rule **rules;
	size_t n_rules;
	const struct model_zone **zones;
	size_t n_zones;
	const struct model_endpoint **privdns; /* interface endpoints with private DNS on */
	size_t n_privdns;
	const struct model_endpoint **gateways;
	size_t n_gateways;
	const struct model_resolver_endpoint **inbound;
	size_t n_inbound;
};

/* ------------------------------------------------------------- context */

struct lint_line {
	const char *s; /* start of the line in src (not NUL-terminated) */
	size_t len;
};

struct lint_ctx {
	const struct model *m;
	struct lint_findings *out;
	struct hns_arena *arena; /* out->arena */
	size_t cap;		 /* capacity of out->v */
	int err;		 /* sticky: 0 or HNS_ENOMEM */
	const struct lint_rule *rule; /* the rule being run */

	struct lint_line *lines; /* the source, line by line ([0] is line 1); NULL without src */
	size_t n_lines;

	struct lint_addr_entry *addrs; /* sorted by address */
	size_t n_addrs;
	struct lint_vpc_view *views; /* one per model VPC, by vpc->index */
	/* Private zone names, sorted, for "which PHZs have this name" in O(log n). */
	const struct model_zone **phz_sorted;
	size_t n_phz;
};

/* ------------------------------------------------------------- emitting */

/*
 * Add a finding of the running rule at `loc` (0:0 when unknown) with key
 * path `path`; message and fix are printf formats sharing the arguments
 * only through the caller (pass preformatted strings with "%s").
 */
void lint_emit(struct lint_ctx *c, struct model_loc loc, const char *path, const char *message,
	       const char *fix);
/* printf into the findings' arena; "" when out of memory (the error is sticky in c->err). */
const char *lint_fmt(struct lint_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A resolver rule as findings name it: "corp", or "corp (rslvr-rr-…)" when its id was given. */
const char *lint_rule_label(struct lint_ctx *c, const struct model_rule *r);

/* ----------------------------------------------------------- locations */

/*
 * The location of `key` inside the object at `obj` (a map entry whose value
 * is a block or flow map, or a list item whose first key is at obj).  Falls
 * back to `obj` when the key is not found or the source is unknown.
 */
struct model_loc lint_key_loc(const struct lint_ctx *c, struct model_loc obj, const char *key);
/* The location of the k-th item (0-based) of the list whose key is at `key`. */
struct model_loc lint_item_loc(const struct lint_ctx *c, struct model_loc key, size_t k);

/* ------------------------------------------------------------ questions */

/*
 * What the VPC's own associations hold at exactly `name` ("private hosted
 * zone", "resolver rule"), leaving out not_zone and not_rule; NULL when
 * nothing: where a Route 53 Profile's zone or rule of that name applies.
 */
const char *lint_own_assoc(const struct model *m, const struct model_vpc *vpc, const char *name,
			   const struct model_zone *not_zone, const struct model_rule *not_rule);
const struct lint_addr_entry *lint_addr_find(const struct lint_ctx *c, const struct hns_addr *a);
/* lint/rules_vpcdns.c: whether r is placed in a VPC and one of `to` is that VPC's +2. */
bool lint_vpcdns_own_plus2(const struct lint_ctx *c, const struct model_onprem_resolver *r,
			   const struct hns_addr *to, size_t n);
/* The resolver a VPC's DHCP option set names first, NULL when it is not a resolver. */
const struct model_onprem_resolver *lint_vpcdns_dhcp_first(const struct lint_ctx *c,
							   const struct model_vpc *vpc);
/* The rule, zone or private-DNS zone the +2 resolver of `vpc` uses for `name`. */
struct lint_match lint_view_match(const struct lint_ctx *c, const struct model_vpc *vpc,
				  const char *name, bool via_inbound);
/* Whether some private source of `vpc`'s view (PHZ or private DNS) is under `name`. */
bool lint_view_has_below(const struct lint_ctx *c, const struct model_vpc *vpc, const char *name,
			 bool via_inbound);
/* The on-prem forward entry of `r` that `name` matches (longest suffix), NULL if none. */
const struct model_forward *lint_onprem_forward(const struct model_onprem_resolver *r,
						const char *name);
/* The on-prem zone of `r` that holds `name` (longest suffix), NULL if none. */
const struct model_zone *lint_onprem_zone(const struct model_onprem_resolver *r, const char *name);
/* The first inbound endpoint among the addresses (NULL when none is one). */
const struct model_resolver_endpoint *lint_inbound_of(const struct lint_ctx *c,
						      const struct hns_addr *to, size_t n);
/* The first private zone named `name` (NULL if none); *n gets how many there are. */
const struct model_zone *const *lint_phz_named(const struct lint_ctx *c, const char *name,
					       size_t *n);
/* The name of a private DNS zone of `e` that holds `name` (wildcards count), NULL if none. */
const char *lint_privdns_holds(const struct model_endpoint *e, const char *name);
/* The tunnel on-prem <-> AWS traffic uses (first "up", else first), NULL without a VPN. */
const struct model_tunnel *lint_active_tunnel(const struct model *m);
/* Whether `ip` is a private (RFC 1918) IPv4 address. */
bool lint_addr_private(const struct hns_addr *ip);
/* Whether VPCs a and b are peered (lint/rules_expect.c). */
bool lint_peered(const struct model *m, const struct model_vpc *a, const struct model_vpc *b);

/* ---------------------------------------------------------- the families */

void lint_check_hns101(struct lint_ctx *c); /* lint/rules_forward.c */
void lint_check_hns102(struct lint_ctx *c);
void lint_check_hns103(struct lint_ctx *c);
void lint_check_hns104(struct lint_ctx *c);
void lint_check_hns105(struct lint_ctx *c); /* lint/rules_loop.c */
void lint_check_hns106(struct lint_ctx *c); /* lint/rules_zones.c */
void lint_check_hns107(struct lint_ctx *c);
void lint_check_hns108(struct lint_ctx *c); /* lint/rules_forward.c */
void lint_check_hns109(struct lint_ctx *c); /* lint/rules_expect.c */
void lint_check_hns110(struct lint_ctx *c); /* lint/rules_endpoints.c */
void lint_check_hns111(struct lint_ctx *c); /* lint/rules_expect.c */
void lint_check_hns112(struct lint_ctx *c); /* lint/rules_zones.c */
void lint_check_hns113(struct lint_ctx *c); /* lint/rules_endpoints.c */
void lint_check_hns114(struct lint_ctx *c); /* lint/rules_expect.c */
void lint_check_hns115(struct lint_ctx *c); /* lint/rules_endpoints.c */
void lint_check_hns116(struct lint_ctx *c); /* lint/rules_capacity.c */
void lint_check_hns117(struct lint_ctx *c);
void lint_check_hns118(struct lint_ctx *c);
void lint_check_hns119(struct lint_ctx *c);
void lint_check_hns120(struct lint_ctx *c);
void lint_check_hns121(struct lint_ctx *c);
void lint_check_hns122(struct lint_ctx *c);
void lint_check_hns123(struct lint_ctx *c); /* lint/rules_zones.c */
void lint_check_hns124(struct lint_ctx *c); /* lint/rules_network.c */
void lint_check_hns125(struct lint_ctx *c);
void lint_check_hns126(struct lint_ctx *c);
void lint_check_hns127(struct lint_ctx *c); /* lint/rules_catalog.c */
void lint_check_hns128(struct lint_ctx *c); /* lint/rules_zones.c */
void lint_check_hns129(struct lint_ctx *c); /* lint/rules_expect.c */
void lint_check_hns130(struct lint_ctx *c);
void lint_check_hns140(struct lint_ctx *c); /* lint/rules_catalog.c */
void lint_check_hns141(struct lint_ctx *c);
void lint_check_hns145(struct lint_ctx *c); /* lint/rules_expect.c */
void lint_check_hns155(struct lint_ctx *c); /* lint/rules_zones.c */
void lint_check_hns170(struct lint_ctx *c); /* lint/rules_vpcdns.c */
void lint_check_hns171(struct lint_ctx *c);
void lint_check_hns172(struct lint_ctx *c);
/* rules_ipv6.c */
void lint_check_hns175(struct lint_ctx *c);
void lint_check_hns176(struct lint_ctx *c);
void lint_check_hns177(struct lint_ctx *c);
void lint_check_hns180(struct lint_ctx *c);
void lint_check_hns181(struct lint_ctx *c);
void lint_check_hns182(struct lint_ctx *c);

/* The table, in ID order (lint/rules.c). */
extern const struct lint_rule_def lint_rule_defs[];
extern const size_t lint_n_rule_defs;
