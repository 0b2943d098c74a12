/*
 * model/load_ipv6.c -- IPv6 in the `vpcs`, `endpoints` and `resolver`
 * sections (extensions of format v1, docs/scenario.md "IPv6"):
 *
 *   - `ipv6_cidr` of a VPC (/44 to /60) and of a subnet (/44 to /64, inside
 *     the VPC's), in steps of /4 as AWS allocates them;
 *   - an ENI's value as `<ip>` (IPv4, as in v1, or IPv6) or `{ip, ipv6}`;
 *   - `ip_address_type: ipv4|dualstack|ipv6` of interface and Resolver
 *     endpoints: which addresses every ENI has.  A dual-stack ENI given
 *     only its IPv4 address gets an IPv6 one derived from the subnet's
 *     `ipv6_cidr`: the IPv4 host offset written in decimal, read as hex
 *     (10.0.1.25 in 10.0.1.0/24 -> <subnet ipv6 prefix>::25), the same on
 *     every load and unique within the subnet.
 *
 * Facts (AWS): an interface endpoint's IpAddressType and DnsRecordIpType,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html;
 * a Resolver endpoint's ResolverEndpointType IPV4 | IPV6 | DUALSTACK,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_ResolverEndpoint.html;
 * the first four and the last address of a subnet's IPv6 block are
 * reserved, https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html;
 * the Amazon DNS server at fd00:ec2::253 for Nitro instances,
 * https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model/ipv6.h"
#include "model/load_ipv6.h"

#define AMAZON_DNS_IPV6 "fd00:ec2::253"

const struct enum_val ld_ip_types[] = {
    {"ipv4", MODEL_IP_IPV4},
    {"dualstack", MODEL_IP_DUALSTACK},
    {"ipv6", MODEL_IP_IPV6},
    {NULL, 0},
};

const struct enum_val ld_dns_ip_types[] = {
    {"ipv4", MODEL_DNS_IPV4},
    {"dualstack", MODEL_DNS_DUALSTACK},
    {"ipv6", MODEL_DNS_IPV6},
    {"service-defined", MODEL_DNS_SERVICE_DEFINED},
    {NULL, 0},
};

/* An IPv6 block of AWS: /min to /max in steps of /4, not a special range. */
static bool
ipv6_cidr_read(struct ld *ld, const struct ynode *v, const char *path, unsigned min, unsigned max,
               struct hns_cidr *out)
{
	struct hns_cidr c;
	char buf[64];

	if (!ld_want_scalar(ld, v, path, "an IPv6 CIDR, e.g. 2600:1f18:6b:a100::/56"))
		return false;
	if (hns_cidr_parse(v->str, &c) != 0) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a CIDR without host bits (expected an IPv6 CIDR, e.g. "
		       "2600:1f18:6b:a100::/56)",
		       v->str);
		return false;
	}
	hns_cidr_str(&c, buf, sizeof(buf));
	if (c.base.family != AF_INET6) {
		ld_err(ld, v->loc, path, "%s is an IPv4 CIDR (expected IPv6; the IPv4 block is 'cidr')",
		       buf);
		return false;
	}
	if (c.prefix < min || c.prefix > max || c.prefix % 4 != 0) {
		ld_err(ld, v->loc, path,
		       "%s is a /%u block (expected /%u to /%u in steps of /4, the sizes AWS "
		       "allocates)",
		       buf, c.prefix, min, max);
		return false;
	}
	if (c.base.bytes[0] == 0xff || (c.base.bytes[0] == 0 && c.prefix < 8)) {
		ld_err(ld, v->loc, path, "%s is not a unicast range (expected e.g. a GUA or ULA block)",
		       buf);
		return false;
	}
	*out = c;
	return true;
}

void
ld_vpc_ipv6_cidr(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_vpc *vpc = obj;

	if (!ipv6_cidr_read(ld, v, path, 44, 60, &vpc->ipv6_cidr))
		return;
	hns_addr_parse(AMAZON_DNS_IPV6, &vpc->dns_addr6);
}

void
ld_subnet_ipv6_cidr(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_subnet *s = obj;
	char buf[64], buf2[64];
	struct hns_cidr c;

	if (!ipv6_cidr_read(ld, v, path, 44, 64, &c))
		return;
	if (s->vpc->ipv6_cidr.base.family == 0) {
		ld_err(ld, v->loc, path,
		       "VPC %s has no ipv6_cidr (expected one on the VPC before its subnets get "
		       "IPv6 blocks)",
		       s->vpc->name);
		return;
	}
	if (!hns_cidr_within(&c, &s->vpc->ipv6_cidr)) {
		ld_err(ld, v->loc, path, "%s is not inside VPC %s (%s)",
		       hns_cidr_str(&c, buf, sizeof(buf)), s->vpc->name,
		       hns_cidr_str(&s->vpc->ipv6_cidr, buf2, sizeof(buf2)));
		return;
	}
	for (size_t i = 0; i + 1 < s->vpc->n_subnets; i++) {
		const struct model_subnet *o = &s->vpc->subnets[i];

		if (o != s && o->ipv6_cidr.base.family != 0 && hns_cidr_overlap(&c, &o->ipv6_cidr)) {
			ld_err(ld, v->loc, path, "%s overlaps subnet %s (%s)",
			       hns_cidr_str(&c, buf, sizeof(buf)), o->name,
			       hns_cidr_str(&o->ipv6_cidr, buf2, sizeof(buf2)));
			return;
		}
	}
	s->ipv6_cidr = c;
}

/* Whether a lies in the first four or is the last address of c (AWS reserves them). */
static bool
ipv6_reserved(const struct hns_cidr *c, const struct hns_addr *a)
{
	bool low = true, high = true;

	for (unsigned bit = c->prefix; bit < 128; bit++) {
		bool set = (a->bytes[bit / 8] & (0x80 >> (bit % 8))) != 0;

		high &= set;
		if (bit < 126)
			low &= !set;
	}
	return low || high;
}

/* An ENI's IPv6 address in subnet s: unicast, inside its ipv6_cidr, not reserved. */
static bool
eni_ipv6_ok(struct ld *ld, const struct hns_addr *a, struct model_loc loc, const char *path,
            const struct model_subnet *s)
{
	char buf[HNS_ADDR_STRLEN], cbuf[64], exp[160];

	if (a->family != AF_INET6) {
		ld_err(ld, loc, path, "%s is an IPv4 address (expected IPv6 for 'ipv6')",
		       hns_addr_str(a, buf, sizeof(buf)));
		return false;
	}
	if (s->ipv6_cidr.base.family == 0) {
		ld_err(ld, loc, path,
		       "%s: subnet %s has no ipv6_cidr (expected an IPv6 block on the subnet for "
		       "IPv6 ENIs)",
		       hns_addr_str(a, buf, sizeof(buf)), s->name);
		return false;
	}
	hns_cidr_str(&s->ipv6_cidr, cbuf, sizeof(cbuf));
	snprintf(exp, sizeof(exp), "an address inside subnet %s (%s)", s->name, cbuf);
	if (!ld_server_addr(ld, a, loc, path, false, exp))
		return false;
	if (!hns_cidr_contains(&s->ipv6_cidr, a)) {
		ld_err(ld, loc, path, "%s is not inside subnet %s (%s)",
		       hns_addr_str(a, buf, sizeof(buf)), s->name, cbuf);
		return false;
	}
	if (ipv6_reserved(&s->ipv6_cidr, a)) {
		ld_err(ld, loc, path,
		       "%s is reserved by AWS in subnet %s (%s: the first four addresses and the "
		       "last one are not assignable)",
		       hns_addr_str(a, buf, sizeof(buf)), s->name, cbuf);
		return false;
	}
	return true;
}

bool
ld_eni_value(struct ld *ld, const struct ynode *val, const char *path,
             const struct model_subnet *s, struct model_eni *e, const struct ynode **v4)
{
	static const char *const keys[] = {"ip", "ipv6"};
	const struct ynode *n6 = NULL;
	char sub[LD_PATH_MAX];
	struct hns_addr a;

	*v4 = NULL;
	if (val->kind == YN_SCALAR) {
		if (!ld_addr(ld, val, path, &a))
			return false;
		if (a.family == AF_INET) {
			*v4 = val;
			return true;
		}
		n6 = val;
	} else {
		if (!ld_want_kind(ld, val, path, YN_MAP))
			return false;
		for (size_t i = 0; i < val->n; i++) {
			const struct ynode *k = val->kids[2 * i];
			size_t j;

			for (j = 0; j < 2 && strcmp(k->str, keys[j]) != 0; j++)
				;
			if (j == 2 || ld_map_dup(val, i) >= 0) {
				ld_err(ld, k->loc, path, "%s key '%s' (expected ip and/or ipv6)",
				       j == 2 ? "unknown" : "duplicate", k->str);
				return false;
			}
			if (j == 0)
				*v4 = val->kids[2 * i + 1];
			else
				n6 = val->kids[2 * i + 1];
		}
		if (*v4 == NULL && n6 == NULL) {
			ld_err(ld, val->loc, path, "an ENI without an address (expected ip and/or ipv6)");
			return false;
		}
		if (*v4 != NULL) {
			ld_path_key(sub, path, "ip");
			if (!ld_addr(ld, *v4, sub, &a))
				return false;
			if (a.family != AF_INET) {
				ld_err(ld, (*v4)->loc, sub,
				       "%s is an IPv6 address (expected IPv4 for 'ip'; IPv6 goes "
				       "under 'ipv6')",
				       (*v4)->str);
				return false;
			}
		}
	}
	if (n6 == NULL)
		return true;
	if (val->kind == YN_MAP)
		ld_path_key(sub, path, "ipv6");
	else
		snprintf(sub, sizeof(sub), "%s", path);
	if (!ld_addr(ld, n6, sub, &a) || !eni_ipv6_ok(ld, &a, n6->loc, sub, s))
		return false;
	ld_use_addr(ld, &a, n6->loc, sub);
	e->ip6 = a;
	return true;
}

/* The IPv6 address of a dual-stack ENI given its IPv4 one only (see the head comment). */
static void
eni_ipv6_derive(const struct model_eni *e, struct hns_addr *out)
{
	const struct model_subnet *s = e->subnet;
	uint32_t off = hns_addr_v4(&e->ip) - hns_addr_v4(&s->cidr.base), hex = 0, shift = 0;

	for (; off != 0 && shift < 32; off /= 10, shift += 4)
		hex |= (off % 10) << shift;
	*out = s->ipv6_cidr.base;
	out->bytes[12] = (uint8_t)(hex >> 24);
	out->bytes[13] = (uint8_t)(hex >> 16);
	out->bytes[14] = (uint8_t)(hex >> 8);
	out->bytes[15] = (uint8_t)hex;
}

void
ld_enis_ip_type(struct ld *ld, const struct ynode *map, const char *path, const char *enis_key,
                bool given, struct model_eni *enis, size_t n, enum model_ip_type *type)
{
	char sub[LD_PATH_MAX], buf[HNS_ADDR_STRLEN];
	size_t n6 = 0, n4 = 0;

	for (size_t i = 0; i < n; i++) {
		n6 += enis[i].ip6.family != 0;
		n4 += enis[i].ip.family != 0;
	}
	if (!given)
		*type = n6 == 0 ? MODEL_IP_IPV4 : n4 == 0 ? MODEL_IP_IPV6 : MODEL_IP_DUALSTACK;
	for (size_t i = 0; i < n; i++) {
		struct model_eni *e = &enis[i];

		ld_path_key(sub, path, enis_key);
		ld_path_key(sub, sub, e->subnet->name);
		if (*type == MODEL_IP_IPV4 && e->ip6.family != 0) {
			ld_err(ld, e->loc, sub,
			       "%s is an IPv6 address of an endpoint of ip_address_type ipv4 "
			       "(expected dualstack or ipv6)",
			       hns_addr_str(&e->ip6, buf, sizeof(buf)));
		} else if (*type == MODEL_IP_IPV6 && e->ip.family != 0) {
			ld_err(ld, e->loc, sub,
			       "%s is an IPv4 address of an endpoint of ip_address_type ipv6 "
			       "(expected IPv6 addresses only, or ip_address_type dualstack)",
			       hns_addr_str(&e->ip, buf, sizeof(buf)));
		} else if (*type != MODEL_IP_IPV4 && e->ip.family == 0 && e->ip6.family == 0) {
			continue;
		} else if (*type == MODEL_IP_DUALSTACK && e->ip.family == 0) {
			ld_err(ld, e->loc, sub,
			       "%s has no IPv4 address (expected ip and ipv6 on every ENI of a "
			       "dualstack endpoint)",
			       hns_addr_str(&e->ip6, buf, sizeof(buf)));
		} else if (*type == MODEL_IP_DUALSTACK && e->ip6.family == 0) {
			if (e->subnet->ipv6_cidr.base.family == 0) {
				ld_err(ld, e->loc, sub,
				       "subnet %s has no ipv6_cidr (expected an IPv6 block on every "
				       "subnet of a dualstack endpoint)",
				       e->subnet->name);
				continue;
			}
			eni_ipv6_derive(e, &e->ip6);
			ld_use_addr(ld, &e->ip6, e->loc, sub);
		} else if (*type == MODEL_IP_IPV6) {
			e->ip = e->ip6;
		}
	}
	(void)map;
}

void
ld_endpoint_dns_ip_type(struct ld *ld, struct model_endpoint *ep)
{
	static const enum model_dns_ip_type dflt[] = {
	    [MODEL_IP_IPV4] = MODEL_DNS_IPV4,
	    [MODEL_IP_DUALSTACK] = MODEL_DNS_DUALSTACK,
	    [MODEL_IP_IPV6] = MODEL_DNS_IPV6,
	};

	(void)ld;
	if (!ep->dns_record_ip_type_given)
		ep->dns_record_ip_type = dflt[ep->ip_address_type];
}

bool
model_dns_ip_type_fits(enum model_ip_type ip, enum model_dns_ip_type dns)
{
	switch (dns) {
	case MODEL_DNS_IPV4:
		return ip != MODEL_IP_IPV6;
	case MODEL_DNS_IPV6:
		return ip != MODEL_IP_IPV4;
	case MODEL_DNS_DUALSTACK:
	case MODEL_DNS_SERVICE_DEFINED:
		return ip == MODEL_IP_DUALSTACK;
	}
	return false;
}

bool
model_dns_ip_type_has(enum model_dns_ip_type dns, bool private_name, bool v6)
{
	switch (dns) {
	case MODEL_DNS_IPV4:
		return !v6;
	case MODEL_DNS_IPV6:
		return v6;
	case MODEL_DNS_DUALSTACK:
		return true;
	case MODEL_DNS_SERVICE_DEFINED:
		return !v6 || !private_name;
	}
	return false;
}

const char *
model_ip_type_name(enum model_ip_type t)
{
	return t <= MODEL_IP_IPV6 ? ld_ip_types[t].name : "?";
}

const char *
model_dns_ip_type_name(enum model_dns_ip_type t)
{
	return t <= MODEL_DNS_SERVICE_DEFINED ? ld_dns_ip_types[t].name : "?";
}
