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
 *           not supported", Route 53 Developer Guide).
 *
 * A loop between on-prem and a DNS server in a VPC is a loop between two
 * resolvers of onprem.resolvers, which HNS105 (lint/rules_loop.c) finds.
 */
#include "config.h"

#include "lint/internal.h"

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
