/*
 * lint/index.c -- what the rules ask of the model, indexed once per run:
 * every server address (sorted, looked up by binary search), each VPC's
 * rule table (its rules, private zones, private-DNS endpoints, gateway and
 * inbound endpoints) and the private zones by name.  The view questions
 * follow the emulation rules R1, R2, R4, R5 and R7 of docs/aws-semantics.md.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/error.h"
#include "dns/wire.h"
#include "lint/internal.h"

int lint_index_build(struct lint_ctx *c);
void lint_index_free(struct lint_ctx *c);

/* ------------------------------------------------------------- addresses */

static int
lint_addr_cmp_ip(const struct hns_addr *a, const struct hns_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

static int
lint_addr_entry_cmp(const void *a, const void *b)
{
	const struct lint_addr_entry *x = a, *y = b;
	int r = lint_addr_cmp_ip(&x->ip, &y->ip);
	if (r)
		return r;
	return (int)x->kind - (int)y->kind;
}

/* Whether the ENI has an IPv6 address besides its IPv4 one. */
static bool
eni_dual(const struct model_eni *e)
{
	return e->ip6.family != 0 && !hns_addr_equal(&e->ip6, &e->ip);
}

static void
lint_addr_push(struct lint_ctx *c, const struct hns_addr *ip, enum lint_addr_kind kind,
	       const void *obj, const struct model_eni *eni)
{
	struct lint_addr_entry *e = &c->addrs[c->n_addrs++];
	e->ip = *ip;
	e->ip.port = 0;
	e->kind = kind;
	e->obj = obj;
	e->eni = eni;
}

static int
lint_addrs_build(struct lint_ctx *c)
{
	const struct model *m = c->m;
	size_t n = m->n_vpcs + m->onprem.n_resolvers;

	for (size_t i = 0; i < m->n_resolver_endpoints; i++)
		n += 2 * m->resolver_endpoints[i].n_enis; /* IPv4 and IPv6 */
	for (size_t i = 0; i < m->n_endpoints; i++)
		n += 2 * m->endpoints[i].n_enis;
	c->addrs = calloc(n + 1, sizeof(*c->addrs));
	if (c->addrs == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < m->n_vpcs; i++)
		lint_addr_push(c, &m->vpcs[i].dns_addr, LINT_ADDR_VPC_DNS, &m->vpcs[i], NULL);
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *r = &m->resolver_endpoints[i];
		for (size_t j = 0; j < r->n_enis; j++) {
			lint_addr_push(c, &r->enis[j].ip,
				       r->direction == MODEL_INBOUND ? LINT_ADDR_INBOUND
								     : LINT_ADDR_OUTBOUND,
				       r, &r->enis[j]);
			if (eni_dual(&r->enis[j])) /* a dual-stack ENI under its IPv6 address too */
				lint_addr_push(c, &r->enis[j].ip6,
					       r->direction == MODEL_INBOUND ? LINT_ADDR_INBOUND
									     : LINT_ADDR_OUTBOUND,
					       r, &r->enis[j]);
		}
	}
	for (size_t i = 0; i < m->n_endpoints; i++)
		for (size_t j = 0; j < m->endpoints[i].n_enis; j++) {
			lint_addr_push(c, &m->endpoints[i].enis[j].ip, LINT_ADDR_INTERFACE,
				       &m->endpoints[i], &m->endpoints[i].enis[j]);
			if (eni_dual(&m->endpoints[i].enis[j]))
				lint_addr_push(c, &m->endpoints[i].enis[j].ip6, LINT_ADDR_INTERFACE,
					       &m->endpoints[i], &m->endpoints[i].enis[j]);
		}
	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		lint_addr_push(c, &m->onprem.resolvers[i].address, LINT_ADDR_ONPREM,
			       &m->onprem.resolvers[i], NULL);
	qsort(c->addrs, c->n_addrs, sizeof(*c->addrs), lint_addr_entry_cmp);
	return 0;
}

const struct lint_addr_entry *
lint_addr_find(const struct lint_ctx *c, const struct hns_addr *a)
{
	size_t lo = 0, hi = c->n_addrs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lint_addr_cmp_ip(&c->addrs[mid].ip, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n_addrs && lint_addr_cmp_ip(&c->addrs[lo].ip, a) == 0)
		return &c->addrs[lo];
	return NULL;
}

bool
lint_addr_private(const struct hns_addr *ip)
{
	if (ip->family != AF_INET)
		return false;
	uint32_t v = hns_addr_v4(ip);
	return (v >> 24) == 10 || (v >> 20) == ((172u << 4) | 1) || (v >> 16) == ((192u << 8) | 168);
}

/* ----------------------------------------------------------------- views */

static bool
vpc_listed(struct model_vpc *const *v, size_t n, const struct model_vpc *vpc)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == vpc)
			return true;
	return false;
}

const char *
lint_own_assoc(const struct model *m, const struct model_vpc *vpc, const char *name,
	       const struct model_zone *not_zone, const struct model_rule *not_rule)
{
	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];

		if (z != not_zone && z->kind == MODEL_ZONE_PRIVATE && strcmp(z->name, name) == 0 &&
		    vpc_listed(z->vpcs, z->n_vpcs, vpc))
			return "private hosted zone";
	}
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];

		if (r != not_rule && strcmp(r->domain, name) == 0 &&
		    vpc_listed(r->vpcs, r->n_vpcs, vpc))
			return "resolver rule";
	}
	return NULL;
}

/* Two passes over the model: count per VPC, then fill. */
static int
lint_views_build(struct lint_ctx *c)
{
	const struct model *m = c->m;

	c->views = calloc(m->n_vpcs + 1, sizeof(*c->views));
	if (c->views == NULL)
		return HNS_ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->n_vpcs; i++) {
			struct lint_vpc_view *v = &c->views[i];
			if (pass == 1) {
				v->rules = calloc(v->n_rules + 1, sizeof(*v->rules));
				v->zones = calloc(v->n_zones + 1, sizeof(*v->zones));
				v->privdns = calloc(v->n_privdns + 1, sizeof(*v->privdns));
				v->gateways = calloc(v->n_gateways + 1, sizeof(*v->gateways));
				v->inbound = calloc(v->n_inbound + 1, sizeof(*v->inbound));
				if (!v->rules || !v->zones || !v->privdns || !v->gateways ||
				    !v->inbound)
					return HNS_ENOMEM;
			}
			v->n_rules = v->n_zones = v->n_privdns = v->n_gateways = v->n_inbound = 0;
		}
#define LINT_VIEW_ADD(vpc, field, obj)                                                      \
	do {                                                                                \
		struct lint_vpc_view *v_ = &c->views[(vpc)->index];                         \
		if (pass == 1)                                                              \
			v_->field[v_->n_##field] = (obj);                                   \
		v_->n_##field++;                                                            \
	} while (0)
		for (size_t i = 0; i < m->n_rules; i++)
			for (size_t j = 0; j < m->rules[i].n_vpcs; j++)
				LINT_VIEW_ADD(m->rules[i].vpcs[j], rules, &m->rules[i]);
		for (size_t i = 0; i < m->n_zones; i++)
			if (m->zones[i].kind == MODEL_ZONE_PRIVATE)
				for (size_t j = 0; j < m->zones[i].n_vpcs; j++)
					LINT_VIEW_ADD(m->zones[i].vpcs[j], zones, &m->zones[i]);
		for (size_t i = 0; i < m->n_endpoints; i++) {
			const struct model_endpoint *e = &m->endpoints[i];
			if (e->type == MODEL_ENDPOINT_GATEWAY)
				LINT_VIEW_ADD(e->vpc, gateways, e);
			else if (e->private_dns)
				LINT_VIEW_ADD(e->vpc, privdns, e);
		}
		for (size_t i = 0; i < m->n_resolver_endpoints; i++)
			if (m->resolver_endpoints[i].direction == MODEL_INBOUND)
				LINT_VIEW_ADD(m->resolver_endpoints[i].vpc, inbound,
					      &m->resolver_endpoints[i]);
		/* a VPC's Route 53 Profile, where the VPC's own hold no identical name */
		for (size_t i = 0; i < m->n_vpcs; i++) {
			const struct model_vpc *vpc = &m->vpcs[i];
			const struct model_profile *p = vpc->profile;

			for (size_t k = 0; p && k < p->n_rules; k++)
				if (!vpc_listed(p->rules[k]->vpcs, p->rules[k]->n_vpcs, vpc) &&
				    !lint_own_assoc(m, vpc, p->rules[k]->domain, NULL, p->rules[k]))
					LINT_VIEW_ADD(vpc, rules, p->rules[k]);
			for (size_t k = 0; p && k < p->n_zones; k++)
				if (!vpc_listed(p->zones[k]->vpcs, p->zones[k]->n_vpcs, vpc) &&
				    !lint_own_assoc(m, vpc, p->zones[k]->name, p->zones[k], NULL))
					LINT_VIEW_ADD(vpc, zones, p->zones[k]);
		}
#undef LINT_VIEW_ADD
	}
	return 0;
}

static int
lint_zone_name_cmp(const void *a, const void *b)
{
	const struct model_zone *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int
lint_phz_build(struct lint_ctx *c)
{
	const struct model *m = c->m;

	c->phz_sorted = calloc(m->n_zones + 1, sizeof(*c->phz_sorted));
	if (c->phz_sorted == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < m->n_zones; i++)
		if (m->zones[i].kind == MODEL_ZONE_PRIVATE)
			c->phz_sorted[c->n_phz++] = &m->zones[i];
	qsort(c->phz_sorted, c->n_phz, sizeof(*c->phz_sorted), lint_zone_name_cmp);
	return 0;
}

int
lint_index_build(struct lint_ctx *c)
{
	int rc;

	if ((rc = lint_addrs_build(c)) != 0 || (rc = lint_views_build(c)) != 0 ||
	    (rc = lint_phz_build(c)) != 0)
		return rc;
	return 0;
}

void
lint_index_free(struct lint_ctx *c)
{
	if (c->views != NULL) {
		for (size_t i = 0; i < c->m->n_vpcs; i++) {
			free(c->views[i].rules);
			free(c->views[i].zones);
			free(c->views[i].privdns);
			free(c->views[i].gateways);
			free(c->views[i].inbound);
		}
	}
	free(c->views);
	free(c->addrs);
	free(c->phz_sorted);
	c->views = NULL;
	c->addrs = NULL;
	c->phz_sorted = NULL;
}

/* ------------------------------------------------------------- questions */

const char *
lint_privdns_holds(const struct model_endpoint *e, const char *name)
{
	for (size_t i = 0; i < e->n_dns_names; i++) {
		const struct model_service_name *sn = &e->dns_names[i];
		if (strcmp(name, sn->name) == 0 ||
		    (sn->wildcard && dns_str_is_subdomain(name, sn->name)))
			return sn->name;
	}
	return NULL;
}

static bool
lint_privdns_active(const struct model_endpoint *e, bool via_inbound)
{
	return e->private_dns && (!e->private_dns_only_for_inbound || via_inbound);
}

struct lint_match
lint_view_match(const struct lint_ctx *c, const struct model_vpc *vpc, const char *name,
		bool via_inbound)
{
	struct lint_match best = { 0 };
	size_t best_len = 0;
	const struct lint_vpc_view *v = &c->views[vpc->index];

	if (!vpc->dns_support) {
		best.kind = LINT_MATCH_OFF;
		return best;
	}
	/* Private zones first: an equally long custom rule replaces them (R2). */
	if (vpc->dns_hostnames) {
		for (size_t i = 0; i < v->n_zones; i++) {
			const char *d = v->zones[i]->name;
			size_t l = strlen(d);
			if (dns_str_is_subdomain(name, d) && (best.kind == LINT_MATCH_NONE || l > best_len)) {
				best = (struct lint_match){ LINT_MATCH_PHZ, d, NULL, v->zones[i], NULL };
				best_len = l;
			}
		}
		for (size_t i = 0; i < v->n_privdns; i++) {
			const struct model_endpoint *e = v->privdns[i];
			if (!lint_privdns_active(e, via_inbound))
				continue;
			for (size_t j = 0; j < e->n_dns_names; j++) {
				const char *d = e->dns_names[j].name;
				size_t l = strlen(d);
				if (dns_str_is_subdomain(name, d) &&
				    (best.kind == LINT_MATCH_NONE || l > best_len)) {
					best = (struct lint_match){ LINT_MATCH_PRIVDNS, d, NULL, NULL, e };
					best_len = l;
				}
			}
		}
	}
	for (size_t i = 0; i < v->n_rules; i++) {
		const struct model_rule *r = v->rules[i];
		size_t l = strlen(r->domain);
		if (!dns_str_is_subdomain(name, r->domain))
			continue;
		if (best.kind == LINT_MATCH_NONE || l > best_len ||
		    (l == best_len && best.rule == NULL)) {
			best = (struct lint_match){ r->type == MODEL_RULE_FORWARD ? LINT_MATCH_FORWARD
										: LINT_MATCH_SYSTEM,
						    r->domain, r, NULL, NULL };
			best_len = l;
		}
	}
	return best;
}

bool
lint_view_has_below(const struct lint_ctx *c, const struct model_vpc *vpc, const char *name,
		    bool via_inbound)
{
	const struct lint_vpc_view *v = &c->views[vpc->index];

	if (!vpc->dns_support || !vpc->dns_hostnames)
		return false;
	for (size_t i = 0; i < v->n_zones; i++)
		if (dns_str_is_subdomain(v->zones[i]->name, name))
			return true;
	for (size_t i = 0; i < v->n_privdns; i++) {
		const struct model_endpoint *e = v->privdns[i];
		if (!lint_privdns_active(e, via_inbound))
			continue;
		for (size_t j = 0; j < e->n_dns_names; j++)
			if (dns_str_is_subdomain(e->dns_names[j].name, name))
				return true;
	}
	return false;
}

const struct model_forward *
lint_onprem_forward(const struct model_onprem_resolver *r, const char *name)
{
	const struct model_forward *best = NULL;

	for (size_t i = 0; i < r->n_forwards; i++)
		if (dns_str_is_subdomain(name, r->forwards[i].zone) &&
		    (best == NULL || strlen(r->forwards[i].zone) > strlen(best->zone)))
			best = &r->forwards[i];
	return best;
}

const struct model_zone *
lint_onprem_zone(const struct model_onprem_resolver *r, const char *name)
{
	const struct model_zone *best = NULL;

	for (size_t i = 0; i < r->n_zones; i++)
		if (dns_str_is_subdomain(name, r->zones[i].name) &&
		    (best == NULL || strlen(r->zones[i].name) > strlen(best->name)))
			best = &r->zones[i];
	return best;
}

const struct model_resolver_endpoint *
lint_inbound_of(const struct lint_ctx *c, const struct hns_addr *to, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct lint_addr_entry *e = lint_addr_find(c, &to[i]);
		for (; e != NULL && e < c->addrs + c->n_addrs &&
		       lint_addr_cmp_ip(&e->ip, &to[i]) == 0;
		     e++)
			if (e->kind == LINT_ADDR_INBOUND)
				return e->obj;
	}
	return NULL;
}

const struct model_zone *const *
lint_phz_named(const struct lint_ctx *c, const char *name, size_t *n)
{
	size_t lo = 0, hi = c->n_phz;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(c->phz_sorted[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t k = lo;
	while (k < c->n_phz && strcmp(c->phz_sorted[k]->name, name) == 0)
		k++;
	*n = k - lo;
	return *n ? &c->phz_sorted[lo] : NULL;
}

const struct model_tunnel *
lint_active_tunnel(const struct model *m)
{
	if (!m->vpn.present || m->vpn.n_tunnels == 0)
		return NULL;
	for (size_t i = 0; i < m->vpn.n_tunnels; i++)
		if (m->vpn.tunnels[i].state == MODEL_TUNNEL_UP)
			return &m->vpn.tunnels[i];
	return &m->vpn.tunnels[0];
}
