/*
 * model/load_vpcdns.c -- DNS servers inside a VPC (an extension of format
 * v1, docs/scenario.md): an on-prem-style resolver placed in a VPC
 * (`onprem.resolvers.<r>.vpc`), and a VPC's DHCP option set
 * (`vpcs.<v>.dhcp_options.domain_name_servers`).
 *
 *   - A resolver with `vpc` is an Active Directory domain controller or a
 *     BIND instance on EC2: the same forwarder as an on-prem resolver, but
 *     its address lies in a subnet of that VPC (an assignable one: AWS
 *     reserves the first four and the last address of a subnet), it is
 *     reached from on-prem over the VPN like an inbound endpoint ENI, and
 *     it reaches its own VPC's +2 resolver from inside the VPC.  The first
 *     resolver stays the on-prem one `from: onprem` uses.
 *   - `domain_name_servers` lists AmazonProvidedDNS (the +2) or addresses of
 *     DNS servers of the scenario (a resolver, in a VPC or on-prem, or a
 *     VPC's +2), at most four (AWS's limit); instances of the VPC
 *     (`from: vpc:<v>`) ask them in order instead of the +2.
 *
 * Both are checked once the whole model is there (ld_vpcdns_check), since
 * VPCs are read before the resolvers they name.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model/schema.h"

#define AMAZON_DNS "AmazonProvidedDNS"

/* ------------------------------------------------------------ DHCP options */

static void
dhcp_servers(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_vpc *vpc = obj;
	char sub[LD_PATH_MAX];

	if (!ld_want_kind(ld, v, path, YN_SEQ))
		return;
	if (v->n == 0 || v->n > MODEL_MAX_DHCP_DNS) {
		ld_err(ld, v->loc, path,
		       "%zu servers (expected 1 to %d: AmazonProvidedDNS or IPv4 addresses, as "
		       "an AWS DHCP option set holds)",
		       v->n, MODEL_MAX_DHCP_DNS);
		return;
	}
	vpc->dhcp_dns = ld_alloc(ld, v->n, sizeof(*vpc->dhcp_dns));
	if (vpc->dhcp_dns == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		struct model_dhcp_dns *d = &vpc->dhcp_dns[vpc->n_dhcp_dns];

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, it, sub, "AmazonProvidedDNS or an IPv4 address"))
			continue;
		d->loc = it->loc;
		if (strcmp(it->str, AMAZON_DNS) == 0) {
			d->amazon = true;
			vpc->n_dhcp_dns++;
			continue;
		}
		if (!ld_addr(ld, it, sub, &d->addr))
			continue;
		if (!ld_server_addr(ld, &d->addr, it->loc, sub, true,
				    "AmazonProvidedDNS or the address of a DNS server of the scenario"))
			continue;
		vpc->n_dhcp_dns++;
	}
}

static const struct field dhcp_fields[] = {
    FFN("domain_name_servers", FL_REQ, dhcp_servers),
};

void
ld_vpc_dhcp_options(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_schema_walk(ld, v, path, v->loc, dhcp_fields, NFIELDS(dhcp_fields), obj);
}

/* ------------------------------------------------------- after the walk */

/* The subnet of vpc holding a, or NULL. */
static struct model_subnet *
subnet_holding(struct model_vpc *vpc, const struct hns_addr *a)
{
	for (size_t i = 0; i < vpc->n_subnets; i++) {
		if (vpc->subnets[i].cidr.base.family != 0 &&
		    hns_cidr_contains(&vpc->subnets[i].cidr, a))
			return &vpc->subnets[i];
	}
	return NULL;
}

/* One resolver placed in a VPC: its subnet, an assignable address. */
static void
place_resolver(struct ld *ld, struct model_onprem_resolver *r, size_t index)
{
	char path[LD_PATH_MAX], buf[HNS_ADDR_STRLEN], cbuf[64], names[256];
	struct model_subnet *s;

	snprintf(path, sizeof(path), "onprem.resolvers.%s.vpc", r->name);
	if (index == 0) {
		ld_err(ld, r->loc, path,
		       "the first resolver is the on-prem one `from: onprem` uses (expected an "
		       "on-prem resolver first, without vpc, and the DNS servers in VPCs after it)");
		return;
	}
	if (r->address.family == 0 || hns_addr_is_loopback(&r->address))
		return; /* reported by the address check */
	snprintf(path, sizeof(path), "onprem.resolvers.%s.address", r->name);
	s = subnet_holding(r->vpc, &r->address);
	if (s == NULL) {
		ld_err(ld, r->loc, path, "%s is not inside a subnet of VPC %s (subnets: %s)",
		       hns_addr_str(&r->address, buf, sizeof(buf)), r->vpc->name,
		       NAMES(names, r->vpc->subnets, r->vpc->n_subnets, struct model_subnet));
		return;
	}
	if (s->cidr.base.family == AF_INET && r->address.family == AF_INET && s->cidr.prefix <= 30) {
		uint32_t off = hns_addr_v4(&r->address) - hns_addr_v4(&s->cidr.base);
		uint32_t last = (uint32_t)((1ULL << (32 - s->cidr.prefix)) - 1);

		if (off < 4 || off == last) {
			ld_err(ld, r->loc, path,
			       "%s is reserved by AWS in subnet %s (%s: the first four addresses "
			       "and the last one are not assignable)",
			       hns_addr_str(&r->address, buf, sizeof(buf)), s->name,
			       hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
			return;
		}
	}
	r->subnet = s;
}

/* What serves DNS at a for a DHCP option set: a VPC's +2 or a resolver (NULL: nothing). */
static const char *
dhcp_server_kind(const struct model *m, const struct hns_addr *a)
{
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (m->vpcs[i].cidr.base.family != 0 && hns_addr_equal(&m->vpcs[i].dns_addr, a))
			return "+2";
	}
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		if (hns_addr_equal(&m->onprem.resolvers[i].address, a))
			return "resolver";
	}
	return NULL;
}

static void
dhcp_check(struct ld *ld, struct model_vpc *vpc)
{
	char path[LD_PATH_MAX], buf[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < vpc->n_dhcp_dns; i++) {
		struct model_dhcp_dns *d = &vpc->dhcp_dns[i];

		if (d->amazon) {
			d->addr = vpc->dns_addr;
			continue;
		}
		if (dhcp_server_kind(ld->m, &d->addr) != NULL)
			continue;
		snprintf(path, sizeof(path), "vpcs.%s.dhcp_options.domain_name_servers[%zu]",
			 vpc->name, i);
		ld_err(ld, d->loc, path,
		       "%s: nothing of the emulation serves DNS at this address (expected "
		       "AmazonProvidedDNS, a VPC's +2 address, or the address of a resolver in "
		       "onprem.resolvers: one placed in a VPC with vpc:, or an on-prem one)",
		       hns_addr_str(&d->addr, buf, sizeof(buf)));
	}
}

void
ld_vpcdns_check(struct ld *ld)
{
	struct model *m = ld->m;
	char path[LD_PATH_MAX];

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		size_t same = 0;

		if (r->vpc == NULL)
			continue;
		place_resolver(ld, r, i);
		for (size_t j = 0; j <= i; j++)
			same += m->onprem.resolvers[j].vpc == r->vpc;
		if (same == MODEL_MAX_VPC_DNS_SERVERS + 1) {
			snprintf(path, sizeof(path), "onprem.resolvers.%s.vpc", r->name);
			ld_err(ld, r->loc, path,
			       "the %dth DNS server in VPC %s (expected at most %d per VPC)",
			       MODEL_MAX_VPC_DNS_SERVERS + 1, r->vpc->name,
			       MODEL_MAX_VPC_DNS_SERVERS);
		}
	}
	for (size_t i = 0; i < m->n_vpcs; i++)
		dhcp_check(ld, &m->vpcs[i]);
}

/*
 * Whether a resolver placed in VPC `from` reaches a server at a: its own or
 * another VPC's +2 (the +2 of another VPC drops it, which lint reports), an
 * inbound endpoint ENI, another resolver (an on-prem one only over the VPN
 * when the scenario has one and routes `from`), or a real server on
 * loopback.  When not, why into why ("" when nothing has the address).
 */
bool
ld_vpc_reaches(const struct model *m, const struct model_vpc *from, const struct hns_addr *a,
	       char *why, size_t len)
{
	bool on_vpn = !m->vpn.present;

	why[0] = '\0';
	if (hns_addr_is_loopback(a))
		return true;
	for (size_t i = 0; i < m->vpn.n_vpcs; i++)
		on_vpn = on_vpn || m->vpn.vpcs[i] == from;
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		if (!hns_addr_equal(&r->address, a))
			continue;
		if (r->vpc != NULL || on_vpn)
			return true;
		snprintf(why, len,
			 "on-prem resolver %s, which VPC %s reaches only over the VPN (vpn.vpcs "
			 "does not route it)",
			 r->name, from->name);
		return false;
	}
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (m->vpcs[i].cidr.base.family != 0 && hns_addr_equal(&m->vpcs[i].dns_addr, a))
			return true;
	}
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];

		for (size_t j = 0; j < ep->n_enis; j++) {
			if (!hns_addr_equal(&ep->enis[j].ip, a))
				continue;
			if (ep->direction == MODEL_INBOUND)
				return true;
			snprintf(why, len,
				 "the ENI of outbound endpoint %s, which sends queries and answers "
				 "none",
				 ep->name);
			return false;
		}
	}
	return false;
}
