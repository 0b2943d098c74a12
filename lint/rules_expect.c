/*
 * lint/rules_expect.c -- expectations the design cannot meet.  An
 * expectation that wants a private answer (an endpoint's addresses,
 * `private`, or a list of RFC 1918 addresses) from a place whose resolution
 * ends in public recursion can never hold; the rule that explains why is
 * reported, one per expectation: private DNS off (HNS109), private DNS used
 * from a peered VPC (HNS111), a gateway endpoint expected from outside its
 * VPC (HNS114), the global STS name (HNS129), or none of those (HNS130).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/wire.h"
#include "lint/internal.h"
#include "model/names.h"

enum lint_reach_kind {
	LINT_REACH_UNKNOWN = 0, /* not decidable statically: no finding */
	LINT_REACH_PRIVATE,	/* a private zone, private DNS or an on-prem zone answers */
	LINT_REACH_PUBLIC,	/* public recursion answers */
};

struct lint_reach {
	enum lint_reach_kind kind;
	const struct model_vpc *vpc; /* the view that resolved it, NULL from on-prem/internet */
};

/* Bound on on-prem resolvers forwarding to each other. */
#define LINT_ONPREM_HOPS 8

static struct lint_reach
lint_reach_view(const struct lint_ctx *c, const struct model_vpc *vpc, const char *q, bool inbound)
{
	struct lint_match mt = lint_view_match(c, vpc, q, inbound);
	struct lint_reach r = { LINT_REACH_UNKNOWN, vpc };

	if (mt.kind == LINT_MATCH_NONE)
		r.kind = LINT_REACH_PUBLIC;
	else if (mt.kind == LINT_MATCH_PHZ || mt.kind == LINT_MATCH_PRIVDNS)
		r.kind = LINT_REACH_PRIVATE;
	return r;
}

static struct lint_reach
lint_reach_onprem(const struct lint_ctx *c, const struct model_onprem_resolver *r, const char *q)
{
	struct lint_reach none = { LINT_REACH_UNKNOWN, NULL };

	for (int hop = 0; r != NULL && hop < LINT_ONPREM_HOPS; hop++) {
		const struct model_zone *z = lint_onprem_zone(r, q);
		const struct model_forward *f = lint_onprem_forward(r, q);
		if (z != NULL && (f == NULL || strlen(z->name) >= strlen(f->zone)))
			return (struct lint_reach){ LINT_REACH_PRIVATE, NULL };
		if (f == NULL && lint_vpcdns_own_plus2(c, r, r->default_upstreams,
							      r->n_default_upstreams))
			return lint_reach_view(c, r->vpc, q, false);
		if (f == NULL)
			return r->default_kind == MODEL_DEFAULT_INTERNET
				       ? (struct lint_reach){ LINT_REACH_PUBLIC, NULL }
				       : none;
		const struct model_resolver_endpoint *in = lint_inbound_of(c, f->to, f->n_to);
		if (in != NULL)
			return lint_reach_view(c, in->vpc, q, true);
		if (lint_vpcdns_own_plus2(c, r, f->to, f->n_to))
			return lint_reach_view(c, r->vpc, q, false);
		const struct model_onprem_resolver *next = NULL;
		for (size_t k = 0; k < f->n_to && next == NULL; k++) {
			const struct lint_addr_entry *e = lint_addr_find(c, &f->to[k]);
			if (e != NULL && e->kind == LINT_ADDR_ONPREM)
				next = e->obj;
		}
		r = next;
	}
	return none;
}

static struct lint_reach
lint_reach_of(const struct lint_ctx *c, const struct model_from *from, const char *q)
{
	switch (from->kind) {
	case MODEL_FROM_VPC: {
		/* A DHCP option set's first server answers the VPC's instances. */
		const struct model_onprem_resolver *dhcp = lint_vpcdns_dhcp_first(c, from->vpc);
		if (dhcp != NULL)
			return lint_reach_onprem(c, dhcp, q);
		if (from->vpc->n_dhcp_dns > 0 && !from->vpc->dhcp_dns[0].amazon)
			return (struct lint_reach){ LINT_REACH_UNKNOWN, NULL };
		return lint_reach_view(c, from->vpc, q, false);
	}
	case MODEL_FROM_INBOUND:
		return lint_reach_view(c, from->inbound->vpc, q, true);
	case MODEL_FROM_ONPREM:
		return lint_reach_onprem(c, from->resolver, q);
	default:
		return (struct lint_reach){ LINT_REACH_UNKNOWN, NULL };
	}
}

/* Whether a public record answers q (its owner, or a wildcard above it) with a private address. */
static bool
lint_zone_private_for(const struct model_zone *z, const char *q)
{
	for (size_t i = 0; i < z->n_records; i++) {
		const struct model_record *r = &z->records[i];
		const char *o = r->owner;
		bool match = strcmp(o, q) == 0 ||
			     (strncmp(o, "*.", 2) == 0 && dns_str_is_subdomain(q, o + 2) &&
			      strcmp(q, o + 2) != 0);
		if (!match)
			continue;
		if (r->rr == NULL)
			return true; /* an ALIAS: whatever its target is */
		char *text = ldns_rdf2str(ldns_rr_rdf(r->rr, 0));
		struct hns_addr ip;
		bool priv = text && hns_addr_parse(text, &ip) == 0 && lint_addr_private(&ip);
		free(text);
		if (priv || ldns_rr_get_type(r->rr) == LDNS_RR_TYPE_CNAME)
			return true;
	}
	return false;
}

/* Whether public DNS (internet or public hosted zones) may answer q with a private address. */
static bool
lint_public_holds(const struct model *m, const char *q)
{
	for (size_t i = 0; i < m->internet.n_zones; i++)
		if (dns_str_is_subdomain(q, m->internet.zones[i].name) &&
		    lint_zone_private_for(&m->internet.zones[i], q))
			return true;
	for (size_t i = 0; i < m->n_zones; i++)
		if (m->zones[i].kind == MODEL_ZONE_PUBLIC && dns_str_is_subdomain(q, m->zones[i].name) &&
		    lint_zone_private_for(&m->zones[i], q))
			return true;
	return false;
}

/* Whether the expectation wants a private answer that public DNS cannot give. */
static bool
lint_wants_private(const struct model *m, const struct model_expect *x)
{
	const struct model_answer *a = &x->answer;

	if (x->rcode != 0 || dns_str_is_subdomain(x->qname, "vpce.amazonaws.com"))
		return false;
	switch (a->kind) {
	case MODEL_ANSWER_ENDPOINT:
	case MODEL_ANSWER_ENDPOINT_AZ:
		return true;
	case MODEL_ANSWER_PRIVATE:
		return !lint_public_holds(m, x->qname);
	case MODEL_ANSWER_LIST:
		if (a->n_values == 0 || lint_public_holds(m, x->qname))
			return false;
		for (size_t i = 0; i < a->n_values; i++) {
			struct hns_addr ip;
			if (hns_addr_parse(a->values[i], &ip) != 0 || !lint_addr_private(&ip))
				return false;
		}
		return true;
	default:
		return false;
	}
}

bool
lint_peered(const struct model *m, const struct model_vpc *a, const struct model_vpc *b)
{
	for (size_t i = 0; i < m->n_peerings; i++) /* a peering AWS refuses joins nothing */
		if (model_peering_other(&m->peerings[i], a) == b)
			return true;
	return false;
}

static const struct model_endpoint *
lint_sts_endpoint(const struct model *m)
{
	for (size_t i = 0; i < m->n_endpoints; i++)
		if (m->endpoints[i].type == MODEL_ENDPOINT_INTERFACE &&
		    strcmp(m->endpoints[i].service_short, "sts") == 0)
			return &m->endpoints[i];
	return NULL;
}

/* Why an expectation can never hold. */
struct lint_verdict {
	const char *id; /* NULL: it may hold */
	const struct model_endpoint *endpoint;
	struct lint_reach reach;
};

static struct lint_verdict
lint_expect_judge(struct lint_ctx *c, const struct model_expect *x)
{
	const struct model *m = c->m;
	struct lint_verdict v = { NULL, NULL, { 0 } };

	if (!lint_wants_private(m, x))
		return v;
	v.reach = lint_reach_of(c, &x->from, x->qname);
	if (v.reach.kind != LINT_REACH_PUBLIC)
		return v;
	if (strcmp(x->qname, "sts.amazonaws.com") == 0 && (v.endpoint = lint_sts_endpoint(m))) {
		v.id = "HNS129";
		return v;
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		if (e->type != MODEL_ENDPOINT_GATEWAY)
			continue;
		const char *svc = lint_fmt(c, "%s.%s.amazonaws.com", e->service_short,
					   e->service_region);
		if (dns_str_is_subdomain(x->qname, svc)) {
			v.id = "HNS114";
			v.endpoint = e;
			return v;
		}
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		if (e->type != MODEL_ENDPOINT_INTERFACE || lint_privdns_holds(e, x->qname) == NULL)
			continue;
		v.endpoint = e;
		if (!e->private_dns) {
			v.id = "HNS109";
			return v;
		}
		if (x->from.kind == MODEL_FROM_VPC && e->vpc != x->from.vpc &&
		    lint_peered(m, e->vpc, x->from.vpc)) {
			v.id = "HNS111";
			return v;
		}
	}
	v.id = "HNS130";
	return v;
}

static const char *
lint_from_text(struct lint_ctx *c, const struct model_expect *x)
{
	char buf[160];
	return lint_fmt(c, "%s", model_from_str(&x->from, buf, sizeof(buf)));
}

static void
lint_expect_report(struct lint_ctx *c, const struct model_expect *x, size_t i,
		   const struct lint_verdict *v)
{
	const char *from = lint_from_text(c, x);
	const char *path = lint_fmt(c, "expect.%zu", i);
	const struct model_endpoint *e = v->endpoint;
	const char *where = v->reach.vpc ? lint_fmt(c, "VPC %s's view", v->reach.vpc->name)
					 : lint_fmt(c, "%s", from);

	if (strcmp(v->id, "HNS109") == 0)
		lint_emit(c, lint_key_loc(c, e->loc, "private_dns"),
			  lint_fmt(c, "endpoints.%s.private_dns", e->name),
			  lint_fmt(c,
				   "endpoint %s has private DNS off and no private hosted zone "
				   "covers %s in %s: the name resolves to public service addresses, "
				   "so \"%s\" (line %u) can never hold",
				   e->name, x->qname, where, x->name, x->loc.line),
			  lint_fmt(c,
				   "turn private DNS on for %s, or add a private hosted zone %s "
				   "(ALIAS to the endpoint) associated with the VPCs that need it",
				   e->name, e->n_dns_names ? e->dns_names[0].name : x->qname));
	else if (strcmp(v->id, "HNS111") == 0)
		lint_emit(c, x->loc, path,
			  lint_fmt(c,
				   "\"%s\" expects %s's private DNS from peered VPC %s, but private "
				   "DNS works only in the endpoint's own VPC %s: %s gets the public "
				   "answer",
				   x->name, e->name, x->from.vpc->name, e->vpc->name, x->from.vpc->name),
			  lint_fmt(c,
				   "turn private DNS off on %s and associate a private hosted zone "
				   "%s (ALIAS to the endpoint) with %s and %s",
				   e->name, e->n_dns_names ? e->dns_names[0].name : x->qname,
				   e->vpc->name, x->from.vpc->name));
	else if (strcmp(v->id, "HNS114") == 0)
		lint_emit(c, x->loc, path,
			  lint_fmt(c,
				   "\"%s\" expects a private answer for %s from %s, but %s is a "
				   "gateway endpoint: it changes route tables in VPC %s only, never "
				   "DNS, and cannot be used from on-prem or a peered VPC",
				   x->name, x->qname, from, e->name, e->vpc->name),
			  lint_fmt(c,
				   "add a %s interface endpoint (private DNS only for inbound "
				   "endpoints keeps the VPC on the gateway) and resolve through an "
				   "inbound endpoint in its VPC",
				   e->service_short));
	else if (strcmp(v->id, "HNS129") == 0)
		lint_emit(c, x->loc, path,
			  lint_fmt(c,
				   "\"%s\" asks for the global sts.amazonaws.com, but endpoint %s "
				   "serves only the regional sts.%s.amazonaws.com: the global name "
				   "stays public",
				   x->name, e->name, e->service_region),
			  "use the regional STS endpoint (AWS_STS_REGIONAL_ENDPOINTS=regional, "
			  "or sts_regional_endpoints = regional in the SDK config)");
	else
		lint_emit(c, x->loc, path,
			  lint_fmt(c,
				   "\"%s\" expects a private answer for %s from %s, but no rule, "
				   "private zone or endpoint private DNS reaches it there: the name "
				   "is resolved publicly, so the expectation can never hold",
				   x->name, x->qname, where),
			  "associate the rule or private zone that holds the name with that VPC "
			  "(or forward the name to an inbound endpoint of a VPC that has it)");
}

static void
lint_expects_check(struct lint_ctx *c, const char *id)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_expects; i++) {
		struct lint_verdict v = lint_expect_judge(c, &m->expects[i]);
		if (v.id != NULL && strcmp(v.id, id) == 0)
			lint_expect_report(c, &m->expects[i], i, &v);
	}
}

void
lint_check_hns109(struct lint_ctx *c)
{
	lint_expects_check(c, "HNS109");
}

void
lint_check_hns111(struct lint_ctx *c)
{
	lint_expects_check(c, "HNS111");
}

void
lint_check_hns114(struct lint_ctx *c)
{
	lint_expects_check(c, "HNS114");
}

void
lint_check_hns130(struct lint_ctx *c)
{
	lint_expects_check(c, "HNS130");
}

/* Load profiles that ask for the global STS name while only a regional endpoint exists. */
void
lint_check_hns129(struct lint_ctx *c)
{
	const struct model *m = c->m;
	const struct model_endpoint *e = lint_sts_endpoint(m);
	size_t n = 0;

	lint_expects_check(c, "HNS129");
	if (e == NULL || lint_phz_named(c, "sts.amazonaws.com", &n) != NULL)
		return;
	for (size_t i = 0; i < m->n_loads; i++) {
		const struct model_load *ld = &m->loads[i];
		for (size_t k = 0; k < ld->n_mix; k++) {
			if (strcmp(ld->mix[k].query, "sts.amazonaws.com") != 0)
				continue;
			lint_emit(c, ld->mix[k].loc, lint_fmt(c, "load.%s.mix.%zu", ld->name, k),
				  lint_fmt(c,
					   "load %s asks for the global sts.amazonaws.com, but "
					   "endpoint %s serves only the regional sts.%s.amazonaws.com: "
					   "those queries and the API calls behind them go public",
					   ld->name, e->name, e->service_region),
				  "use the regional STS endpoint (AWS_STS_REGIONAL_ENDPOINTS=regional)");
		}
	}
}

/*
 * An endpoint answer asked from a VPC or an inbound ENI comes straight from
 * Route 53 Resolver: its ENI addresses carry defaults.vpce_ttl (an alias
 * takes its target's TTL), so a `ttl` other than that, or a `ttl_max` below
 * it, can never hold.  From on-prem a resolver's cache limits may change
 * the TTL, so those are left to `check`.
 */
void
lint_check_hns145(struct lint_ctx *c)
{
	const struct model *m = c->m;
	uint32_t vt = m->defaults.vpce_ttl;

	for (size_t i = 0; i < m->n_expects; i++) {
		const struct model_expect *x = &m->expects[i];
		bool endpoint = x->answer.kind == MODEL_ANSWER_ENDPOINT ||
				x->answer.kind == MODEL_ANSWER_ENDPOINT_AZ;
		bool direct = x->from.kind == MODEL_FROM_VPC || x->from.kind == MODEL_FROM_INBOUND;
		bool exact = x->ttl >= 0 && x->ttl != vt;

		if (!endpoint || !direct || (!exact && (x->ttl_max < 0 || x->ttl_max >= vt)))
			continue;
		lint_emit(c, lint_key_loc(c, x->loc, exact ? "ttl" : "ttl_max"),
			  lint_fmt(c, "expect.%zu.%s", i, exact ? "ttl" : "ttl_max"),
			  lint_fmt(c,
				   "\"%s\" expects %s %lld, but the addresses of endpoint %s carry "
				   "defaults.vpce_ttl (%u s) from %s: the expectation can never hold",
				   x->name, exact ? "ttl" : "ttl_max",
				   (long long)(exact ? x->ttl : x->ttl_max), x->answer.endpoint->name, vt,
				   lint_from_text(c, x)),
			  lint_fmt(c, "expect %s %u (or set defaults.vpce_ttl to what AWS answers)",
				   exact ? "ttl" : "ttl_max", vt));
	}
}
