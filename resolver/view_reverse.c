/*
 * resolver/view_reverse.c -- the autodefined reverse zones of a VPC's rule
 * table.  With DNS hostnames on and AutodefinedReverse enabled, Resolver
 * creates the most specific reverse zones for the CIDR blocks of the VPC
 * and of every peered VPC with DNS support: 10.0.0.0/23 gets
 * 0.0.10.in-addr.arpa and 1.0.10.in-addr.arpa, 10.1.0.0/16 gets
 * 1.10.in-addr.arpa, a /28 the /24 it lies in.  Being more specific than
 * a custom rule for 10.in-addr.arpa, they keep the VPC's own PTR queries
 * local; a custom rule for exactly such a zone still wins (R2).  Each one
 * answers PTR with the ip-a-b-c-d name of the owning VPC's region
 * (rslv_zone_reverse).  A peering AWS refuses (overlapping CIDRs) adds no
 * zones.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "resolver/view_internal.h"

/* The most specific reverse zones a CIDR gets: at most 256 (a /16 VPC has one). */
#define REVERSE_ZONES_MAX 256

/* Zones of the owner's CIDR, made once per VPC and shared by every view that has them. */
static int
reverse_zones_of(struct build *b, const struct model_vpc *owner, struct rslv_zone **out,
		 size_t *n_out)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->zones[i].z->kind == RSLV_ZONE_REVERSE && b->zones[i].z->cidr_vpc == owner)
			out[n++] = b->zones[i].z;
	if (n) {
		*n_out = n;
		return 0;
	}
	unsigned prefix = owner->cidr.prefix;
	unsigned octets = prefix <= 8 ? 1 : prefix <= 16 ? 2 : 3;
	unsigned spare = octets * 8 > prefix ? octets * 8 - prefix : 0;
	uint32_t base = hns_addr_v4(&owner->cidr.base) >> (32 - octets * 8);
	size_t count = (size_t)1 << spare;

	base &= ~(uint32_t)(count - 1);
	for (size_t k = 0; k < count && k < REVERSE_ZONES_MAX; k++) {
		uint32_t a = (base + (uint32_t)k) << (32 - octets * 8);
		char name[64];
		int len = 0;

		for (unsigned o = octets; o > 0; o--)
			len += snprintf(name + len, sizeof(name) - (size_t)len, "%u.",
					(a >> (32 - 8 * o)) & 0xff);
		snprintf(name + len, sizeof(name) - (size_t)len, "in-addr.arpa");
		int rc = rslv_build_synth_zone(b, RSLV_ZONE_REVERSE, name, owner->region, &out[n]);

		if (rc)
			return rc;
		out[n++]->cidr_vpc = owner;
	}
	*n_out = n;
	return 0;
}

static int
view_add_reverse_of(struct build *b, struct rslv_view *v, const struct model_vpc *owner)
{
	struct rslv_zone *zones[REVERSE_ZONES_MAX];
	size_t n = 0;
	int rc;

	if (owner->cidr.base.family != AF_INET)
		return 0; /* in-addr.arpa only; ip6.arpa zones are not emulated */
	rc = reverse_zones_of(b, owner, zones, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = rslv_view_add_zone(b->w, v, zones[i]);
	return rc;
}

int
rslv_view_add_reverse(struct build *b, struct rslv_view *v)
{
	const struct model *m = b->w->model;
	int rc = view_add_reverse_of(b, v, v->vpc);

	for (size_t p = 0; rc == 0 && p < m->n_peerings; p++) {
		const struct model_vpc *peer = model_peering_other(&m->peerings[p], v->vpc);

		if (peer != NULL && peer->dns_support)
			rc = view_add_reverse_of(b, v, peer);
	}
	return rc;
}
