/*
 * lint/rules_vpcdns.c -- DNS servers inside a VPC (onprem.resolvers.<r>.vpc)
 * and the DHCP option sets that hand them to a VPC's instances
 * (vpcs.<v>.dhcp_options.domain_name_servers):
 *
 *   HNS170  a DHCP option set names a server the VPC's instances cannot use:
 *           another VPC's +2 resolver (it answers only its own VPC), a DNS
 *           server in a VPC neither the same nor peered (no route), or an
 *           on-prem resolver the VPN does not route the VPC to;
 *   HNS171  a DNS server in a VPC forwards to the +2 resolver of another VPC,
 *           which AWS does not support ("Forwarding private DNS queries to any
 *           VPC CIDR + 2 address from on-premises or other VPC DNS servers is
 *           not supported", Route 53 Developer Guide);
 *   HNS172  a load profile sends more than 1,024 qps through one DNS server in
 *           a VPC that forwards to its +2 (1,024 packets per second per
 *           network interface, VPC DNS quotas).
 *
 * A loop between on-prem and a DNS server in a VPC is a loop between two
 * resolvers of onprem.resolvers, which HNS105 (lint/rules_loop.c) finds.
 */
#include "config.h"

#include "lint/internal.h"

#define LINT_VPC_DNS_PPS 1024 /* packets per second per interface to the +2 (VPC DNS quotas) */

bool
lint_vpcdns_own_plus2(const struct lint_ctx *c, const struct model_onprem_resolver *r,
		      const struct hns_addr *to, size_t n)
{
	(void)c;
	if (r->vpc == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (hns_addr_equal(&to[i], &r->vpc->dns_addr))
			return true;
	}
	return false;
}

/* Whether a forward entry of r (placed in a VPC) targets its own VPC's +2. */
static bool
lint_vpcdns_forwards_plus2(const struct model_onprem_resolver *r)
{
	for (size_t j = 0; j < r->n_forwards; j++) {
		if (lint_vpcdns_own_plus2(NULL, r, r->forwards[j].to, r->forwards[j].n_to))
			return true;
	}
	return false;
}

const struct model_onprem_resolver *
lint_vpcdns_dhcp_first(const struct lint_ctx *c, const struct model_vpc *vpc)
{
	const struct lint_addr_entry *e;

	if (vpc->n_dhcp_dns == 0 || vpc->dhcp_dns[0].amazon)
		return NULL;
	e = lint_addr_find(c, &vpc->dhcp_dns[0].addr);
	return e != NULL && e->kind == LINT_ADDR_ONPREM ? e->obj : NULL;
}

static bool
lint_vpn_routes(const struct model *m, const struct model_vpc *vpc)
{
	if (!m->vpn.present)
		return true;
	for (size_t i = 0; i < m->vpn.n_vpcs; i++) {
		if (m->vpn.vpcs[i] == vpc)
			return true;
	}
	return false;
}

/* Why an instance of `vpc` cannot use the DNS server at d, or NULL when it can. */
static const char *
lint_dhcp_problem(struct lint_ctx *c, const struct model_vpc *vpc, const struct model_dhcp_dns *d)
{
	const struct lint_addr_entry *e = lint_addr_find(c, &d->addr);

	if (d->amazon || e == NULL)
		return NULL;
	if (e->kind == LINT_ADDR_VPC_DNS && e->obj != vpc) {
		const struct model_vpc *o = e->obj;
		return lint_fmt(c,
				"the +2 resolver of VPC %s, which answers only instances of %s "
				"(a query from another VPC is not supported)",
				o->name, o->name);
	}
	if (e->kind != LINT_ADDR_ONPREM)
		return NULL;
	const struct model_onprem_resolver *r = e->obj;
	if (r->vpc != NULL && r->vpc != vpc && !lint_peered(c->m, r->vpc, vpc))
		return lint_fmt(c,
				"DNS server %s in VPC %s, which is not peered with %s: its "
				"instances have no route to it",
				r->name, r->vpc->name, vpc->name);
	if (r->vpc == NULL && !lint_vpn_routes(c->m, vpc))
		return lint_fmt(c,
				"on-prem resolver %s, but the VPN does not route VPC %s (vpn.vpcs): "
				"its instances have no route to on-prem",
				r->name, vpc->name);
	return NULL;
}

void
lint_check_hns170(struct lint_ctx *c)
{
	char addr[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < c->m->n_vpcs; i++) {
		const struct model_vpc *v = &c->m->vpcs[i];

		for (size_t k = 0; k < v->n_dhcp_dns; k++) {
			const struct model_dhcp_dns *d = &v->dhcp_dns[k];
			const char *why = lint_dhcp_problem(c, v, d);

			if (why == NULL)
				continue;
			lint_emit(c, d->loc,
				  lint_fmt(c, "vpcs.%s.dhcp_options.domain_name_servers.%zu", v->name,
					   k),
				  lint_fmt(c,
					   "the DHCP option set of VPC %s hands its instances %s, %s: "
					   "every query they send there times out",
					   v->name, hns_addr_str(&d->addr, addr, sizeof(addr)), why),
				  "name DNS servers the VPC reaches: AmazonProvidedDNS, DNS servers "
				  "in the VPC or a peered one, or on-prem resolvers over the VPN");
		}
	}
}

/*
 * HNS172: a load profile whose queries all reach one DNS server in a VPC
 * (`from: onprem:<it>`, or the first server of the VPC's DHCP option set)
 * that forwards to its own +2: the +2 takes 1,024 packets per second from
 * each network interface (VPC: vpc-dns.html, DNS quotas), and the DC is one.
 */
void
lint_check_hns172(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->n_loads; i++) {
		const struct model_load *ld = &c->m->loads[i];
		const struct model_onprem_resolver *r = NULL;

		if (ld->has_target || ld->qps <= LINT_VPC_DNS_PPS)
			continue;
		if (ld->from.kind == MODEL_FROM_VPC)
			r = lint_vpcdns_dhcp_first(c, ld->from.vpc);
		else if (ld->from.kind == MODEL_FROM_ONPREM)
			r = ld->from.resolver;
		if (r == NULL || r->vpc == NULL ||
		    !(lint_vpcdns_own_plus2(c, r, r->default_upstreams, r->n_default_upstreams) ||
		      lint_vpcdns_forwards_plus2(r)))
			continue;
		lint_emit(c, lint_key_loc(c, ld->loc, "qps"), lint_fmt(c, "load.%s.qps", ld->name),
			  lint_fmt(c,
				   "load %s sends %u qps to %s, a DNS server in VPC %s that forwards "
				   "what it does not hold (or cache) to the VPC's +2 resolver from one "
				   "network interface: the +2 accepts 1,024 packets per second per "
				   "interface and drops the rest",
				   ld->name, ld->qps, r->name, r->vpc->name),
			  "spread the clients over more DNS servers (each its own interface), cache "
			  "longer on them, or forward to an inbound Resolver endpoint instead of the +2");
	}
}

/* One target of a DNS server in a VPC: the +2 of another VPC is HNS171. */
static void
lint_hns171_target(struct lint_ctx *c, const struct model_onprem_resolver *r,
		   const struct hns_addr *to, struct model_loc loc, const char *path,
		   const char *what)
{
	char addr[HNS_ADDR_STRLEN];
	const struct lint_addr_entry *e = lint_addr_find(c, to);

	if (e == NULL || e->kind != LINT_ADDR_VPC_DNS || e->obj == r->vpc)
		return;
	const struct model_vpc *o = e->obj;
	lint_emit(c, loc, path,
		  lint_fmt(c,
			   "%s (a DNS server in VPC %s) %s to %s, the +2 resolver of VPC %s: "
			   "forwarding to another VPC's +2 is not supported, it answers only "
			   "sources inside %s, so every such query times out (SERVFAIL)",
			   r->name, r->vpc->name, what, hns_addr_str(to, addr, sizeof(addr)),
			   o->name, o->name),
		  lint_fmt(c,
			   "forward to the +2 of %s's own VPC (%s) and associate the private "
			   "zones with it, or to an inbound Resolver endpoint in %s",
			   r->name, r->vpc->name, o->name));
}

void
lint_check_hns171(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &c->m->onprem.resolvers[i];

		if (r->vpc == NULL)
			continue;
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			struct model_loc key = lint_key_loc(c, f->loc, "to");

			for (size_t k = 0; k < f->n_to; k++)
				lint_hns171_target(
					c, r, &f->to[k], lint_item_loc(c, key, k),
					lint_fmt(c, "onprem.resolvers.%s.forward.%zu.to.%zu", r->name, j, k),
					lint_fmt(c, "forwards %s", f->zone[0] ? f->zone : "."));
		}
		struct model_loc key = lint_key_loc(c, r->loc, "default");
		for (size_t k = 0; k < r->n_default_upstreams; k++)
			lint_hns171_target(c, r, &r->default_upstreams[k], lint_item_loc(c, key, k),
					   lint_fmt(c, "onprem.resolvers.%s.default.%zu", r->name, k),
					   "sends everything else");
	}
}
