/*
 * lint/rules_zones.c -- hosted zones and their records: a FORWARD rule over
 * a private zone (HNS106), a private zone hiding public names (HNS107), a
 * zone named after the endpoint service rather than its DNS name or missing
 * its wildcard (HNS112), answers too big for the tunnel (HNS122), long
 * negative caching (HNS123), CNAMEs where DNS forbids them (HNS128) and
 * NS records at a wildcard, which Route 53 refuses (HNS155).
 *
 * Records are grouped by owner by sorting pointers once per zone; owners
 * of private zones are found by binary search: O(n log n) in the records.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "dns/wire.h"
#include "lint/internal.h"
#include "model/catalog.h"

/* ---------------------------------------------------------------- paths */

static const char *
lint_zone_path(struct lint_ctx *c, const struct model_zone *z)
{
	const struct model *m = c->m;

	switch (z->kind) {
	case MODEL_ZONE_INTERNET:
		return lint_fmt(c, "internet.zones.%s", z->name);
	case MODEL_ZONE_ONPREM:
		for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
			const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
			if (z >= r->zones && z < r->zones + r->n_zones)
				return lint_fmt(c, "onprem.resolvers.%s.zones.%s", r->name, z->name);
		}
		return lint_fmt(c, "onprem.zones.%s", z->name);
	default:
		return lint_fmt(c, "hosted_zones.%s", z->name[0] ? z->name : ".");
	}
}

/* The record's own location, its zone's when synthesised. */
static struct model_loc
lint_record_loc(const struct model_zone *z, const struct model_record *r)
{
	return r->loc.line ? r->loc : z->loc;
}

static uint16_t
lint_record_type(const struct model_record *r)
{
	return r->rr ? (uint16_t)ldns_rr_get_type(r->rr) : 0; /* 0: ALIAS */
}

static int
lint_record_cmp(const void *a, const void *b)
{
	const struct model_record *const *x = a, *const *y = b;
	int r = strcmp((*x)->owner, (*y)->owner);
	if (r)
		return r;
	return (int)lint_record_type(*x) - (int)lint_record_type(*y);
}

/* The zone's records sorted by owner and type (free() the result); NULL when none or no memory. */
static const struct model_record **
lint_records_sorted(struct lint_ctx *c, const struct model_zone *z)
{
	if (z->n_records == 0)
		return NULL;
	const struct model_record **v = malloc(z->n_records * sizeof(*v));
	if (v == NULL) {
		c->err = HNS_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < z->n_records; i++)
		v[i] = &z->records[i];
	qsort(v, z->n_records, sizeof(*v), lint_record_cmp);
	return v;
}

/* Every zone of the model, of every kind. */
typedef void (*lint_zone_fn)(struct lint_ctx *c, const struct model_zone *z);

static void
lint_zones_each(struct lint_ctx *c, lint_zone_fn fn)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_zones; i++)
		fn(c, &m->zones[i]);
	for (size_t i = 0; i < m->internet.n_zones; i++)
		fn(c, &m->internet.zones[i]);
	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		for (size_t j = 0; j < m->onprem.resolvers[i].n_zones; j++)
			fn(c, &m->onprem.resolvers[i].zones[j]);
}

/* ------------------------------------------------- HNS106: rule over a PHZ */

void
lint_check_hns106(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		if (r->type != MODEL_RULE_FORWARD)
			continue;
		for (size_t j = 0; j < r->n_vpcs; j++) {
			const struct lint_vpc_view *v = &c->views[r->vpcs[j]->index];
			for (size_t k = 0; k < v->n_zones; k++) {
				if (strcmp(v->zones[k]->name, r->domain) != 0)
					continue;
				struct model_loc key = lint_key_loc(c, r->loc, "vpcs");
				lint_emit(c, lint_item_loc(c, key, j),
					  lint_fmt(c, "resolver.rules.%s.vpcs.%zu", r->name, j),
					  lint_fmt(c,
						   "rule %s forwards %s out of VPC %s, which also has "
						   "the private hosted zone %s: the rule wins, so the "
						   "zone's records are never answered there",
						   lint_rule_label(c, r), r->domain, r->vpcs[j]->name, r->domain),
					  lint_fmt(c,
						   "disassociate rule %s from %s, or the zone, "
						   "whichever is not meant to answer",
						   r->name, r->vpcs[j]->name));
			}
		}
	}
}

/* --------------------------------------- HNS107: PHZ hiding public names */

struct lint_owner {
	const char *owner;
	const struct model_zone *zone;
};

static int
lint_owner_cmp(const void *a, const void *b)
{
	const struct lint_owner *x = a, *y = b;
	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	return strcmp(x->owner, y->owner);
}

static bool
lint_owner_has(const struct lint_owner *v, size_t n, const struct model_zone *z, const char *owner)
{
	struct lint_owner key = { owner, z };
	return bsearch(&key, v, n, sizeof(*v), lint_owner_cmp) != NULL;
}

/* Whether private zone z answers `owner`: the name itself or a wildcard above it. */
static bool
lint_phz_covers(struct lint_ctx *c, const struct lint_owner *v, size_t n,
		const struct model_zone *z, const char *owner)
{
	if (lint_owner_has(v, n, z, owner))
		return true;
	for (const char *p = owner; strcmp(p, z->name) != 0;) {
		const char *dot = strchr(p, '.');
		p = dot ? dot + 1 : "";
		const char *wild = lint_fmt(c, "*.%s", p);
		if (lint_owner_has(v, n, z, wild))
			return true;
		if (*p == '\0')
			break;
	}
	return false;
}

static void
lint_hns107_public(struct lint_ctx *c, const struct lint_owner *v, size_t nv, const char *owner,
		   const char **example, size_t *count)
{
	for (const char *p = owner;;) {
		size_t n = 0;
		const struct model_zone *const *zs = lint_phz_named(c, p, &n);
		for (size_t i = 0; i < n; i++) {
			size_t zi = (size_t)(zs[i] - c->m->zones);
			if (!lint_phz_covers(c, v, nv, zs[i], owner)) {
				if (count[zi]++ == 0)
					example[zi] = owner;
			}
		}
		const char *dot = strchr(p, '.');
		if (*p == '\0')
			break;
		p = dot ? dot + 1 : "";
	}
}

void
lint_check_hns107(struct lint_ctx *c)
{
	const struct model *m = c->m;
	size_t nv = 0, total = 0;

	if (c->n_phz == 0)
		return;
	for (size_t i = 0; i < c->n_phz; i++)
		total += c->phz_sorted[i]->n_records;
	struct lint_owner *v = malloc((total + 1) * sizeof(*v));
	const char **example = calloc(m->n_zones + 1, sizeof(*example));
	size_t *count = calloc(m->n_zones + 1, sizeof(*count));
	if (!v || !example || !count) {
		c->err = HNS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->n_phz; i++)
		for (size_t j = 0; j < c->phz_sorted[i]->n_records; j++)
			v[nv++] = (struct lint_owner){ c->phz_sorted[i]->records[j].owner,
						       c->phz_sorted[i] };
	qsort(v, nv, sizeof(*v), lint_owner_cmp);
	for (size_t i = 0; i < m->internet.n_zones; i++)
		for (size_t j = 0; j < m->internet.zones[i].n_records; j++)
			lint_hns107_public(c, v, nv, m->internet.zones[i].records[j].owner, example,
					   count);
	for (size_t i = 0; i < m->n_zones; i++)
		if (m->zones[i].kind == MODEL_ZONE_PUBLIC)
			for (size_t j = 0; j < m->zones[i].n_records; j++)
				lint_hns107_public(c, v, nv, m->zones[i].records[j].owner, example,
						   count);
	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];
		bool aws = z->kind == MODEL_ZONE_PRIVATE && m->internet.aws_public_names &&
			   (strcmp(z->name, "amazonaws.com") == 0 ||
			    (dns_str_is_subdomain(z->name, "amazonaws.com") &&
			     strchr(z->name, '.') == strstr(z->name, ".amazonaws.com")));
		if (count[i] == 0 && !aws)
			continue;
		const char *what =
			count[i] ? lint_fmt(c, "%zu public name%s under it (e.g. %s)", count[i],
					    count[i] == 1 ? "" : "s", example[i])
				 : lint_fmt(c, "every AWS service name under it");
		lint_emit(c, z->loc, lint_zone_path(c, z),
			  lint_fmt(c,
				   "private hosted zone %s hides %s in its VPCs: a name missing "
				   "from the private zone is NXDOMAIN there, never the public answer",
				   z->name, what),
			  "add the missing records (or a wildcard) to the private zone, or name "
			  "it after the exact names it should answer");
	}
out:
	free(v);
	free(example);
	free(count);
}

/* ------------------------------ HNS112: service name instead of DNS name */

/* "ecr.api.eu-west-1.amazonaws.com" -> short "ecr.api", region "eu-west-1". */
static bool
lint_split_service_zone(struct lint_ctx *c, const char *zone, const char **short_name,
			const char **region)
{
	static const char suffix[] = ".amazonaws.com";
	size_t zl = strlen(zone), sl = sizeof(suffix) - 1;

	if (zl <= sl || strcmp(zone + zl - sl, suffix) != 0)
		return false;
	size_t end = zl - sl, start = end;
	while (start > 0 && zone[start - 1] != '.')
		start--;
	if (start < 2)
		return false;
	*region = lint_fmt(c, "%.*s", (int)(end - start), zone + start);
	*short_name = lint_fmt(c, "%.*s", (int)(start - 1), zone);
	return catalog_region_valid(*region);
}

static void
lint_hns112_named_after_service(struct lint_ctx *c, const struct model_zone *z)
{
	const char *short_name, *region;
	struct model_service_name *names = NULL;
	size_t n = 0;

	if (!lint_split_service_zone(c, z->name, &short_name, &region))
		return;
	if (catalog_names(c->arena, short_name, region, &names, &n) != 0) {
		c->err = HNS_ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i].name, z->name) == 0)
			return;
	if (n == 0)
		return;
	lint_emit(c, z->loc, lint_zone_path(c, z),
		  lint_fmt(c,
			   "private hosted zone %s is named after the endpoint service "
			   "com.amazonaws.%s.%s, but clients ask for %s: the zone never answers "
			   "them and they resolve publicly",
			   z->name, region, short_name, names[0].name),
		  lint_fmt(c, "name the zone %s (and add a wildcard record where the service has one)",
			   names[0].name));
}

/* A zone named after a service DNS name that has a wildcard needs a `*` record. */
static void
lint_hns112_wildcard(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		for (size_t j = 0; j < e->n_dns_names; j++) {
			if (!e->dns_names[j].wildcard)
				continue;
			size_t n = 0;
			const struct model_zone *const *zs = lint_phz_named(c, e->dns_names[j].name, &n);
			const char *wild = lint_fmt(c, "*.%s", e->dns_names[j].name);
			for (size_t k = 0; k < n; k++) {
				bool has = false;
				for (size_t r = 0; r < zs[k]->n_records && !has; r++)
					has = strcmp(zs[k]->records[r].owner, wild) == 0;
				/* Reported once per zone: at the first endpoint that needs it. */
				bool first = true;
				for (size_t p = 0; p < i && first; p++)
					for (size_t q = 0; q < m->endpoints[p].n_dns_names; q++)
						if (m->endpoints[p].dns_names[q].wildcard &&
						    strcmp(m->endpoints[p].dns_names[q].name,
							   zs[k]->name) == 0)
							first = false;
				if (has || !first)
					continue;
				lint_emit(c, zs[k]->loc, lint_zone_path(c, zs[k]),
					  lint_fmt(c,
						   "private hosted zone %s has no %s record: names "
						   "under it (e.g. <id>.%s, used by %s) are NXDOMAIN in "
						   "its VPCs",
						   zs[k]->name, wild, zs[k]->name, e->service_short),
					  lint_fmt(c, "add `*  ALIAS endpoint:%s` to the zone", e->name));
			}
		}
	}
}

void
lint_check_hns112(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->n_phz; i++)
		lint_hns112_named_after_service(c, c->phz_sorted[i]);
	lint_hns112_wildcard(c);
}

/* ----------------------------------------- HNS122: answers over the MTU */

/*
 * The EDNS buffer a forwarder advertises upstream (the project's forwarder
 * and BIND, Unbound, Knot use 1232 since DNS Flag Day 2020): answers up to
 * this size come back over UDP, bigger ones are truncated (TC) and retried
 * over TCP.
 */
#define LINT_EDNS_SIZE 1232
#define LINT_IP_UDP_HEADER 28

/* Uncompressed wire length of a presentation-form name. */
static size_t
lint_name_wire_len(const char *name)
{
	return name[0] ? strlen(name) + 2 : 1;
}

static size_t
lint_rr_rdlen(const ldns_rr *rr)
{
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		n += ldns_rdf_size(ldns_rr_rdf(rr, i));
	return n;
}

static void
lint_hns122_zone(struct lint_ctx *c, const struct model_zone *z, size_t limit)
{
	const struct model_record **v = lint_records_sorted(c, z);
	if (v == NULL)
		return;
	for (size_t i = 0; i < z->n_records;) {
		size_t j = i;
		/* header + question + OPT, then each RR with a compressed owner */
		size_t size = 12 + lint_name_wire_len(v[i]->owner) + 4 + 11;
		while (j < z->n_records && strcmp(v[j]->owner, v[i]->owner) == 0 &&
		       lint_record_type(v[j]) == lint_record_type(v[i])) {
			if (v[j]->rr)
				size += 2 + 10 + lint_rr_rdlen(v[j]->rr);
			j++;
		}
		if (v[i]->rr && size > limit && size <= LINT_EDNS_SIZE) {
			char *type = ldns_rr_type2str(ldns_rr_get_type(v[i]->rr));
			lint_emit(c, lint_record_loc(z, v[i]), lint_zone_path(c, z),
				  lint_fmt(c,
					   "the answer for %s %s is about %zu bytes: above the "
					   "tunnel's UDP payload (%zu bytes) but within the %d-byte "
					   "EDNS buffer, so it is not truncated: the datagram is "
					   "dropped and the query times out unless TCP 53 works end "
					   "to end",
					   v[i]->owner, type ? type : "?", size, limit, LINT_EDNS_SIZE),
				  "raise the tunnel MTU (AWS VPN allows up to 1446), make the RRset "
				  "smaller, or allow TCP 53 through every firewall on the path");
			free(type);
		}
		i = j;
	}
	free(v);
}

void
lint_check_hns122(struct lint_ctx *c)
{
	const struct model *m = c->m;
	uint32_t mtu = 0;

	if (!m->vpn.present)
		return;
	for (size_t i = 0; i < m->vpn.n_tunnels; i++)
		if (mtu == 0 || m->vpn.tunnels[i].mtu < mtu)
			mtu = m->vpn.tunnels[i].mtu;
	if (mtu == 0 || mtu - LINT_IP_UDP_HEADER >= LINT_EDNS_SIZE)
		return; /* every untruncated answer fits */
	size_t limit = mtu - LINT_IP_UDP_HEADER;
	for (size_t i = 0; i < m->n_zones; i++)
		if (m->zones[i].kind == MODEL_ZONE_PRIVATE)
			lint_hns122_zone(c, &m->zones[i], limit);
	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		for (size_t j = 0; j < m->onprem.resolvers[i].n_zones; j++)
			lint_hns122_zone(c, &m->onprem.resolvers[i].zones[j], limit);
}

/* ----------------------------------------- HNS123: long negative caching */

#define LINT_NEGATIVE_LONG 900 /* Route 53's default for a private zone */

static uint32_t
lint_negative_ttl(const struct model_zone *z)
{
	if (z->soa == NULL || ldns_rr_rd_count(z->soa) < 7)
		return 0;
	uint32_t min = ldns_rdf2native_int32(ldns_rr_rdf(z->soa, 6));
	uint32_t ttl = ldns_rr_ttl(z->soa);
	return ttl < min ? ttl : min;
}

void
lint_check_hns123(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < c->n_phz; i++) {
		const struct model_zone *z = c->phz_sorted[i];
		uint32_t neg = lint_negative_ttl(z);
		if (neg <= LINT_NEGATIVE_LONG)
			continue;
		const struct model_onprem_resolver *who = NULL;
		uint32_t eff = 0;
		for (size_t r = 0; r < m->onprem.n_resolvers && who == NULL; r++) {
			const struct model_onprem_resolver *o = &m->onprem.resolvers[r];
			eff = neg;
			if (!o->cache.enabled)
				continue;
			if (o->cache.negative_max_ttl && o->cache.negative_max_ttl < eff)
				eff = o->cache.negative_max_ttl;
			if (eff <= LINT_NEGATIVE_LONG)
				continue;
			for (size_t f = 0; f < o->n_forwards && who == NULL; f++)
				if (dns_str_is_subdomain(z->name, o->forwards[f].zone) ||
				    dns_str_is_subdomain(o->forwards[f].zone, z->name))
					who = o;
		}
		if (who == NULL)
			continue;
		struct model_loc loc = z->loc;
		for (size_t r = 0; r < z->n_records; r++)
			if (z->records[r].rr &&
			    ldns_rr_get_type(z->records[r].rr) == LDNS_RR_TYPE_SOA)
				loc = lint_record_loc(z, &z->records[r]);
		lint_emit(c, loc, lint_zone_path(c, z),
			  lint_fmt(c,
				   "the SOA of %s makes negative answers cacheable for %u s "
				   "(min of its TTL and minimum): once %s caches an NXDOMAIN from it, "
				   "a record added later stays invisible on-prem for %u s",
				   z->name, neg, who->name, eff),
			  "lower the SOA minimum (or its TTL) to a few minutes, or cap negative "
			  "caching on the on-prem resolver");
	}
}

/* --------------------------------------------------- HNS128: CNAME rules */

static void
lint_hns128_zone(struct lint_ctx *c, const struct model_zone *z)
{
	const struct model_record **v = lint_records_sorted(c, z);
	if (v == NULL)
		return;
	for (size_t i = 0; i < z->n_records;) {
		size_t j = i;
		const struct model_record *cname = NULL;
		size_t others = 0;
		for (; j < z->n_records && strcmp(v[j]->owner, v[i]->owner) == 0; j++) {
			uint16_t t = lint_record_type(v[j]);
			if (t == LDNS_RR_TYPE_CNAME && cname == NULL)
				cname = v[j];
			else if (t != LDNS_RR_TYPE_RRSIG && t != LDNS_RR_TYPE_NSEC)
				others++;
		}
		if (cname != NULL && (strcmp(cname->owner, z->name) == 0 || others > 0)) {
			bool apex = strcmp(cname->owner, z->name) == 0;
			lint_emit(c, lint_record_loc(z, cname), lint_zone_path(c, z),
				  lint_fmt(c,
					   "a CNAME at %s %s: DNS allows no other data beside a "
					   "CNAME (RFC 1034, 2181), so Route 53 refuses it and "
					   "resolvers answer inconsistently",
					   apex ? "the zone apex" : cname->owner,
					   apex ? lint_fmt(c, "%s (beside its SOA and NS)", cname->owner)
						: "beside other records of that name"),
				  apex ? "use an ALIAS record at the apex instead of a CNAME"
				       : "keep either the CNAME or the other records at that name");
		}
		i = j;
	}
	free(v);
}

void
lint_check_hns128(struct lint_ctx *c)
{
	lint_zones_each(c, lint_hns128_zone);
}

/* --------------------------------------------- HNS155: a wildcard NS record */

static void
lint_hns155_zone(struct lint_ctx *c, const struct model_zone *z)
{
	if (z->kind != MODEL_ZONE_PRIVATE && z->kind != MODEL_ZONE_PUBLIC)
		return; /* Route 53's refusal: other servers' zones are theirs */
	for (size_t i = 0; i < z->n_records; i++) {
		const struct model_record *r = &z->records[i];
		if (lint_record_type(r) != LDNS_RR_TYPE_NS ||
		    (strncmp(r->owner, "*.", 2) != 0 && strcmp(r->owner, "*") != 0))
			continue;
		lint_emit(c, lint_record_loc(z, r), lint_zone_path(c, z),
			  lint_fmt(c,
				   "an NS record at the wildcard %s: Route 53 refuses NS records "
				   "with a * name, and a wildcard cannot delegate anyway (RFC 4592 "
				   "section 4.2): no subdomain of %s is delegated by it",
				   r->owner, z->name),
			  "delegate each subdomain by its own name (sub NS ...), or drop the record");
	}
}

void
lint_check_hns155(struct lint_ctx *c)
{
	lint_zones_each(c, lint_hns155_zone);
}
