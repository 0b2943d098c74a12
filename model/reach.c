/*
 * model/reach.c -- which addresses a scenario may use where, so that what
 * loads is what `hybridns serve` can run.
 *
 *   - A DNS server's own address (an interface or resolver endpoint ENI, an
 *     on-prem resolver) is a unicast address: not unspecified, loopback,
 *     broadcast, multicast, in 0.0.0.0/8 or in 240.0.0.0/4.  serve gives
 *     each such server a loopback address of its own; a loopback address in
 *     the scenario would stand for a real server instead, which the other
 *     side could never reach under the scenario's address.  ENIs live in
 *     the scenario's subnets: IPv4, and IPv6 in a subnet's ipv6_cidr
 *     (model/load_ipv6.c); a dual-stack ENI is reached under both addresses.
 *     fd00:ec2::253, the Amazon DNS server's IPv6 address, answers inside a
 *     VPC only: no on-prem target.
 *   - A VPC's or subnet's CIDR is IPv4, from /16 to /28 (AWS: "The allowed
 *     block size is between a /16 netmask and /28 netmask",
 *     https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html),
 *     and lies in a unicast range.
 *   - A target (a Resolver rule's, an on-prem resolver's forward or default
 *     upstream) is a unicast address, or a loopback ip:port of a real
 *     server.  An on-prem resolver's targets must be servers that serve
 *     reaches from on-prem (serve_route() in harness/serve.c, with the VPN in
 *     the path when the scenario has one): another on-prem resolver, an
 *     inbound endpoint ENI or a VPC's +2 resolver -- of a VPC the VPN routes
 *     when there is a VPN -- or a real server on loopback.  Outbound ENIs
 *     and interface endpoint ENIs answer no queries; the internet has no
 *     scenario address (`default: internet`).  Those targets are queued
 *     while the file is walked and checked once the whole model is there.
 *     A Resolver rule's targets may be anything unicast: AWS forwards to
 *     them, and a target nothing answers times out there as in AWS.
 *   - A load profile's target is a real resolver on this host: loopback.
 *   - Capacity: serve gives each server a loopback address in 127.53.R.0/24,
 *     one /24 per role (HNS_ADDRMAP_PER_ROLE: 254 on-prem resolvers,
 *     inbound ENIs, outbound ENIs, VPC +2 resolvers, relays toward AWS);
 *     the forwarder takes MODEL_MAX_RESOLVER_UPSTREAMS distinct upstreams
 *     per resolver; the VPN MODEL_MAX_TUNNELS tunnels.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addrmap.h"
#include "common/error.h"
#include "model/internal.h"

/* Address ranges no DNS server or target can have, most specific first. */
static const struct {
	const char *cidr;
	const char *what;
} special_ranges[] = {
    {"0.0.0.0/32", "the unspecified address"},
    {"255.255.255.255/32", "the broadcast address"},
    {"0.0.0.0/8", "a \"this network\" address (0.0.0.0/8, RFC 1122)"},
    {"127.0.0.0/8", "a loopback address"},
    {"224.0.0.0/4", "a multicast address"},
    {"240.0.0.0/4", "a reserved address (240.0.0.0/4, RFC 1112)"},
    {"::/128", "the unspecified address"},
    {"::1/128", "a loopback address"},
    {"ff00::/8", "a multicast address"},
};
#define N_SPECIAL (sizeof(special_ranges) / sizeof(special_ranges[0]))

/* What makes a unusable, or NULL for a unicast address; *loopback says which. */
static const char *
addr_special(const struct hns_addr *a, bool *loopback)
{
	*loopback = hns_addr_is_loopback(a);
	for (size_t i = 0; i < N_SPECIAL; i++) {
		struct hns_cidr c;

		if (hns_cidr_parse(special_ranges[i].cidr, &c) == 0 && hns_cidr_contains(&c, a))
			return special_ranges[i].what;
	}
	return NULL;
}

bool
ld_server_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc, const char *path,
               bool ipv4_only, const char *expected)
{
	char buf[HNS_ADDR_STRLEN];
	bool loopback;
	const char *what = addr_special(a, &loopback);

	if (ipv4_only && a->family != AF_INET) {
		ld_err(ld, loc, path, "%s is an IPv6 address (expected IPv4: %s)",
		       hns_addr_str(a, buf, sizeof(buf)), expected);
		return false;
	}
	if (what == NULL)
		return true;
	ld_err(ld, loc, path, "%s is %s (expected %s)", hns_addr_str(a, buf, sizeof(buf)), what,
	       expected);
	return false;
}

void
ld_addr_use_push(struct ld *ld, struct ld_addr_use **v, size_t *n, size_t *cap,
                 const struct hns_addr *a, struct model_loc loc, const char *path)
{
	if (*n == *cap) {
		struct ld_addr_use *g = ld_grow(ld, *v, cap, sizeof(*g));

		if (g == NULL)
			return;
		*v = g;
	}
	struct ld_addr_use *u = &(*v)[*n];

	u->addr = *a;
	u->loc = loc;
	u->seq = *n;
	u->vpc = NULL;
	u->path = hns_arena_strdup(&ld->tmp, path);
	if (u->path == NULL)
		u->path = "?";
	(*n)++;
}

bool
ld_target_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc, const char *path,
               enum ld_target_kind kind)
{
	char buf[HNS_ADDR_STRLEN];
	bool loopback;
	const char *what = addr_special(a, &loopback);

	if (kind == LD_TARGET_LOAD) {
		if (loopback)
			return true;
		ld_err(ld, loc, path,
		       "%s is not a loopback address (expected a real resolver on this host, "
		       "127.0.0.0/8 or ::1 with a port: hybridns sends only to loopback; the "
		       "emulated servers are reached with from:)",
		       hns_addr_str(a, buf, sizeof(buf)));
		return false;
	}
	if (loopback)
		return true; /* a real server, used as is */
	if (what != NULL) {
		ld_err(ld, loc, path, "%s is %s (expected %s)", hns_addr_str(a, buf, sizeof(buf)),
		       what,
		       kind == LD_TARGET_RULE
		           ? "the unicast address of a DNS server on-prem, e.g. an on-prem "
		             "resolver's, or a real server's loopback ip:port"
		           : "a server on-prem reaches: an on-prem resolver, an inbound endpoint "
		             "ENI, a VPC's +2 resolver, or a real server's loopback ip:port");
		return false;
	}
	if (kind == LD_TARGET_ONPREM)
		ld_addr_use_push(ld, &ld->targets, &ld->n_targets, &ld->cap_targets, a, loc, path);
	return true;
}

bool
ld_cidr_aws(struct ld *ld, const struct hns_cidr *c, struct model_loc loc, const char *path,
            unsigned min, unsigned max)
{
	char buf[64];

	hns_cidr_str(c, buf, sizeof(buf));
	if (c->base.family != AF_INET) {
		ld_err(ld, loc, path,
		       "%s is an IPv6 CIDR (expected IPv4, e.g. 10.0.0.0/16: a VPC's primary "
		       "block and its subnets are IPv4 here)",
		       buf);
		return false;
	}
	if (c->prefix < min || c->prefix > max) {
		ld_err(ld, loc, path,
		       "%s is a /%u block (expected a prefix from /%u to /%u, the sizes AWS "
		       "allows)",
		       buf, c->prefix, min, max);
		return false;
	}
	for (size_t i = 0; i < N_SPECIAL; i++) {
		struct hns_cidr s;

		if (hns_cidr_parse(special_ranges[i].cidr, &s) == 0 && s.prefix < 32 &&
		    hns_cidr_within(c, &s)) {
			ld_err(ld, loc, path,
			       "%s lies in %s: every address in it is %s (expected a unicast "
			       "range, e.g. one of RFC 1918: 10.0.0.0/8, 172.16.0.0/12, "
			       "192.168.0.0/16)",
			       buf, special_ranges[i].cidr, special_ranges[i].what);
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------ on-prem targets, after the walk */

static bool
vpc_on_vpn(const struct model *m, const struct model_vpc *vpc)
{
	if (!m->vpn.present)
		return true; /* no VPN: on-prem reaches the AWS listeners directly */
	for (size_t i = 0; i < m->vpn.n_vpcs; i++) {
		if (m->vpn.vpcs[i] == vpc)
			return true;
	}
	return false;
}

/* Whether a is one of the ENI's addresses (IPv4 or IPv6). */
static bool
eni_has(const struct model_eni *e, const struct hns_addr *a)
{
	return hns_addr_equal(&e->ip, a) || (e->ip6.family != 0 && hns_addr_equal(&e->ip6, a));
}

/*
 * Whether on-prem reaches a server at a; when not, why (what has the
 * address) into why, or "" when nothing of the scenario has it.
 */
static bool
onprem_reaches(const struct model *m, const struct hns_addr *a, char *why, size_t len)
{
	why[0] = '\0';
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		if (!hns_addr_equal(&r->address, a))
			continue;
		if (r->vpc == NULL || vpc_on_vpn(m, r->vpc))
			return true;
		snprintf(why, len, "DNS server %s in VPC %s, which the VPN does not route (vpn.vpcs)",
		         r->name, r->vpc->name);
		return false;
	}
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];

		for (size_t j = 0; j < ep->n_enis; j++) {
			if (!eni_has(&ep->enis[j], a))
				continue;
			if (ep->direction == MODEL_OUTBOUND) {
				snprintf(why, len,
				         "the ENI of outbound endpoint %s, which sends queries and "
				         "answers none",
				         ep->name);
				return false;
			}
			if (ep->vpc != NULL && vpc_on_vpn(m, ep->vpc))
				return true;
			snprintf(why, len,
			         "the ENI of inbound endpoint %s, whose VPC %s the VPN does not "
			         "route (vpn.vpcs)",
			         ep->name, ep->vpc ? ep->vpc->name : "?");
			return false;
		}
	}
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (m->vpcs[i].dns_addr6.family != 0 && hns_addr_equal(&m->vpcs[i].dns_addr6, a)) {
			snprintf(why, len,
			         "the Amazon DNS server's IPv6 address, which answers Nitro "
			         "instances inside a VPC only");
			return false;
		}
		if (m->vpcs[i].cidr.base.family == 0 || !hns_addr_equal(&m->vpcs[i].dns_addr, a))
			continue;
		if (vpc_on_vpn(m, &m->vpcs[i]))
			return true;
		snprintf(why, len, "the +2 resolver of VPC %s, which the VPN does not route (vpn.vpcs)",
		         m->vpcs[i].name);
		return false;
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];

		for (size_t j = 0; j < ep->n_enis; j++) {
			if (eni_has(&ep->enis[j], a)) {
				snprintf(why, len,
				         "the ENI of interface endpoint %s, which serves its service, "
				         "not DNS",
				         ep->name);
				return false;
			}
		}
	}
	return false;
}

bool
model_onprem_target_ok(const struct model *m, const struct hns_addr *a)
{
	char why[160];

	if (hns_addr_is_loopback(a))
		return true;
	return m != NULL && onprem_reaches(m, a, why, sizeof(why));
}

/* Appends " a" to buf (a list of at most `most` addresses, then "..."). */
static void
list_add(char *buf, size_t len, size_t *n, size_t most, const struct hns_addr *a)
{
	char s[HNS_ADDR_STRLEN];
	size_t used = strlen(buf);

	if (*n == most)
		snprintf(buf + used, len - used, ", ...");
	else if (*n < most)
		snprintf(buf + used, len - used, "%s%s", *n ? ", " : "", hns_addr_str(a, s, sizeof(s)));
	(*n)++;
}

/* What an on-prem target may be, with this scenario's addresses. */
static void
onprem_expected(const struct model *m, char *buf, size_t len)
{
	char res[160] = "", aws[240] = "";
	size_t nr = 0, na = 0;

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		if (r->vpc == NULL || vpc_on_vpn(m, r->vpc)) /* a DNS server in a VPC over the VPN */
			list_add(res, sizeof(res), &nr, 4, &r->address);
	}
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];

		if (ep->direction != MODEL_INBOUND || ep->vpc == NULL || !vpc_on_vpn(m, ep->vpc))
			continue;
		for (size_t j = 0; j < ep->n_enis; j++) {
			list_add(aws, sizeof(aws), &na, 6, &ep->enis[j].ip);
			if (ep->enis[j].ip6.family != 0 &&
			    !hns_addr_equal(&ep->enis[j].ip6, &ep->enis[j].ip))
				list_add(aws, sizeof(aws), &na, 6, &ep->enis[j].ip6);
		}
	}
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (m->vpcs[i].cidr.base.family != 0 && vpc_on_vpn(m, &m->vpcs[i]))
			list_add(aws, sizeof(aws), &na, 6, &m->vpcs[i].dns_addr);
	}
	snprintf(buf, len,
	         "a server on-prem reaches: an on-prem resolver (%s), an inbound endpoint ENI "
	         "or VPC +2 resolver%s (%s), or a real server's loopback ip:port; for the "
	         "internet, default: internet",
	         nr ? res : "none", m->vpn.present ? " of a VPC on the VPN" : "",
	         na ? aws : "none");
}

/* ------------------------------------------------------------- capacity */

/* Counts one more server of a role; reports the first one beyond the role's /24. */
static void
role_count(struct ld *ld, size_t *n, const char *what, struct model_loc loc, const char *path)
{
	if (++*n == HNS_ADDRMAP_PER_ROLE + 1)
		ld_err(ld, loc, path,
		       "the %dth %s (expected at most %d: serve gives each its own address in one "
		       "/24 of 127.53.0.0/16)",
		       HNS_ADDRMAP_PER_ROLE + 1, what, HNS_ADDRMAP_PER_ROLE);
}

static void
capacity_servers(struct ld *ld)
{
	const struct model *m = ld->m;
	char path[LD_PATH_MAX];
	size_t n_onprem = 0, n_vpc = 0, n_in = 0, n_out = 0, n_relay = 0;

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		snprintf(path, sizeof(path), "onprem.resolvers.%s", m->onprem.resolvers[i].name);
		role_count(ld, &n_onprem, "on-prem resolver", m->onprem.resolvers[i].loc, path);
	}
	for (size_t i = 0; i < m->n_vpcs; i++) {
		const struct model_vpc *v = &m->vpcs[i];
		size_t j;

		for (j = 0; j < i && !hns_addr_equal(&m->vpcs[j].dns_addr, &v->dns_addr); j++)
			;
		if (j < i || v->cidr.base.family == 0)
			continue; /* one +2 resolver per address */
		snprintf(path, sizeof(path), "vpcs.%s", v->name);
		role_count(ld, &n_vpc, "VPC (+2 resolver)", v->loc, path);
		if (m->vpn.present && vpc_on_vpn(m, v))
			role_count(ld, &n_relay, "relay toward AWS (VPN VPCs' +2 resolvers and "
			                         "inbound ENIs)",
			           v->loc, path);
	}
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];
		bool in = ep->direction == MODEL_INBOUND;

		for (size_t j = 0; j < ep->n_enis; j++) {
			/* A dual-stack ENI has an address of the map per family. */
			bool two = ep->enis[j].ip6.family != 0 &&
			           !hns_addr_equal(&ep->enis[j].ip6, &ep->enis[j].ip);

			snprintf(path, sizeof(path), "resolver.endpoints.%s.ips.%s", ep->name,
			         ep->enis[j].subnet->name);
			for (int f = 0; f <= (int)two; f++) {
				role_count(ld, in ? &n_in : &n_out, in ? "inbound ENI" : "outbound ENI",
				           ep->enis[j].loc, path);
				if (in && m->vpn.present && ep->vpc != NULL &&
				    vpc_on_vpn(m, ep->vpc))
					role_count(ld, &n_relay,
					           "relay toward AWS (VPN VPCs' +2 resolvers and "
					           "inbound ENIs)",
					           ep->enis[j].loc, path);
			}
		}
	}
	if (m->vpn.n_tunnels > MODEL_MAX_TUNNELS) {
		const struct model_tunnel *t = &m->vpn.tunnels[MODEL_MAX_TUNNELS];

		snprintf(path, sizeof(path), "vpn.tunnels.%s", t->name);
		ld_err(ld, t->loc, path, "the %dth tunnel (expected at most %d)",
		       MODEL_MAX_TUNNELS + 1, MODEL_MAX_TUNNELS);
	}
}

/* Distinct upstreams of one resolver, as the forwarder counts them (virtual ones by address). */
static bool
upstream_seen(const struct hns_addr *list, size_t n, const struct hns_addr *a)
{
	for (size_t i = 0; i < n; i++) {
		if (hns_addr_equal(&list[i], a) &&
		    (!hns_addr_is_loopback(a) || list[i].port == a->port))
			return true;
	}
	return false;
}

static void
capacity_upstreams(struct ld *ld, const struct model_onprem_resolver *r)
{
	struct hns_addr seen[MODEL_MAX_RESOLVER_UPSTREAMS];
	size_t n = r->default_kind == MODEL_DEFAULT_INTERNET ? 1 : 0;
	char path[LD_PATH_MAX];

	for (size_t i = 0; i <= r->n_forwards; i++) {
		const struct hns_addr *to = i < r->n_forwards ? r->forwards[i].to : r->default_upstreams;
		size_t n_to = i < r->n_forwards ? r->forwards[i].n_to : r->n_default_upstreams;

		for (size_t j = 0; j < n_to; j++) {
			if (upstream_seen(seen, n, &to[j]))
				continue;
			if (n == MODEL_MAX_RESOLVER_UPSTREAMS) {
				snprintf(path, sizeof(path), "onprem.resolvers.%s", r->name);
				ld_err(ld, i < r->n_forwards ? r->forwards[i].loc : r->loc, path,
				       "more than %d distinct upstreams (expected at most %d per "
				       "resolver, the internet included)",
				       MODEL_MAX_RESOLVER_UPSTREAMS, MODEL_MAX_RESOLVER_UPSTREAMS);
				return;
			}
			seen[n++] = to[j];
		}
	}
}

void
ld_reach_check(struct ld *ld)
{
	char expected[600], why[200], buf[HNS_ADDR_STRLEN];
	bool have_expected = false;

	capacity_servers(ld);
	for (size_t i = 0; i < ld->m->onprem.n_resolvers; i++)
		capacity_upstreams(ld, &ld->m->onprem.resolvers[i]);

	for (size_t i = 0; i < ld->n_targets; i++) {
		const struct ld_addr_use *t = &ld->targets[i];

		if (t->vpc != NULL) { /* sent from a DNS server in a VPC */
			if (ld_vpc_reaches(ld->m, t->vpc, &t->addr, why, sizeof(why)))
				continue;
			ld_err(ld, t->loc, t->path,
			       "%s is %s (expected what a DNS server in VPC %s reaches: a VPC's +2 "
			       "resolver, an inbound endpoint ENI, a resolver of onprem.resolvers, or "
			       "a real server's loopback ip:port)",
			       hns_addr_str(&t->addr, buf, sizeof(buf)),
			       why[0] ? why : "an address nothing of the emulation serves", t->vpc->name);
			continue;
		}
		if (onprem_reaches(ld->m, &t->addr, why, sizeof(why)))
			continue;
		if (!have_expected) {
			onprem_expected(ld->m, expected, sizeof(expected));
			have_expected = true;
		}
		hns_addr_str(&t->addr, buf, sizeof(buf));
		if (why[0])
			ld_err(ld, t->loc, t->path, "%s is %s (expected %s)", buf, why, expected);
		else
			ld_err(ld, t->loc, t->path,
			       "%s: nothing of the emulation serves this address (expected %s)", buf,
			       expected);
	}
}

/* Registers an address in use; ld_addr_dups() reports the ones used twice. */
void
ld_use_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc, const char *path)
{
	ld_addr_use_push(ld, &ld->uses, &ld->n_uses, &ld->cap_uses, a, loc, path);
}

static int
addr_use_cmp(const void *a, const void *b)
{
	const struct ld_addr_use *x = a, *y = b;
	int c = (int)x->addr.family - (int)y->addr.family;

	if (c == 0)
		c = memcmp(x->addr.bytes, y->addr.bytes, sizeof(x->addr.bytes));
	if (c == 0)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

/* Every address used a second time, pointing at its first use (O(n log n)). */
void
ld_addr_dups(struct ld *ld)
{
	char buf[HNS_ADDR_STRLEN];

	if (ld->n_uses > 1)
		qsort(ld->uses, ld->n_uses, sizeof(*ld->uses), addr_use_cmp);
	for (size_t i = 1, first = 0; i < ld->n_uses; i++) {
		const struct ld_addr_use *u = &ld->uses[i], *f = &ld->uses[first];

		if (!hns_addr_equal(&u->addr, &f->addr)) {
			first = i;
			continue;
		}
		ld_err(ld, u->loc, u->path, "%s is already used by %s (line %u)",
		       hns_addr_str(&u->addr, buf, sizeof(buf)), f->path, f->loc.line);
	}
}
