/*
 * model/load_vpc.c -- the `vpcs` and `peerings` sections: VPCs, their
 * subnets (AZ of the region, inside the VPC, no overlaps) and the ENIs
 * that endpoints place in those subnets.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "model/load_ipv6.h"
#include "model/schema.h"

static bool
region_az_ok(const char *region, const char *az)
{
	size_t rl = strlen(region);

	return strlen(az) == rl + 1 && strncmp(az, region, rl) == 0 &&
	       islower((unsigned char)az[rl]);
}

/* `account`: the VPC's owner (an extension of format v1; default the scenario's). */
static void
vpc_account(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	const char *id = ld_account_id(ld, v, path);

	if (id != NULL)
		((struct model_vpc *)obj)->account = id;
}

static const struct field subnet_fields[] = {
    FIELD("az", F_STR, FL_REQ, struct model_subnet, az, NULL),
    FRANGE("cidr", F_CIDR, FL_REQ, struct model_subnet, cidr, NULL, 16, 28),
    FFN("ipv6_cidr", 0, ld_subnet_ipv6_cidr),
};

static int
subnet_cmp(const void *a, const void *b)
{
	const struct model_subnet *x = *(const struct model_subnet *const *)a;
	const struct model_subnet *y = *(const struct model_subnet *const *)b;
	int c = (int)x->cidr.base.family - (int)y->cidr.base.family;

	if (c == 0)
		c = memcmp(x->cidr.base.bytes, y->cidr.base.bytes, sizeof(x->cidr.base.bytes));
	if (c == 0)
		c = (int)x->cidr.prefix - (int)y->cidr.prefix;
	if (c == 0)
		c = x < y ? -1 : x > y;
	return c;
}

/*
 * Overlapping subnets of one VPC in O(n log n): prefixes overlap only by
 * containment, so sorted by base (wider first), each one either lies in the
 * last prefix that lay in no other, or starts a new one.
 */
static void
subnets_overlap(struct ld *ld, struct model_vpc *vpc, const char *path,
                const struct model_loc *cidr_locs, const bool *checkable)
{
	struct model_subnet **v = malloc((vpc->n_subnets + 1) * sizeof(*v));
	struct model_subnet *outer = NULL;
	char cp[LD_PATH_MAX], buf[64], buf2[64];
	size_t n = 0;

	if (v == NULL) {
		ld->oom = true;
		return;
	}
	for (size_t i = 0; i < vpc->n_subnets; i++) {
		if (checkable[i])
			v[n++] = &vpc->subnets[i];
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), subnet_cmp);
	for (size_t i = 0; i < n; i++) {
		if (outer == NULL || outer->cidr.base.family != v[i]->cidr.base.family ||
		    !hns_cidr_within(&v[i]->cidr, &outer->cidr)) {
			outer = v[i];
			continue;
		}
		/* report at the later one in the file */
		struct model_subnet *late = v[i] > outer ? v[i] : outer;
		struct model_subnet *early = late == v[i] ? outer : v[i];

		ld_path_key(cp, path, late->name);
		ld_path_key(cp, cp, "cidr");
		ld_err(ld, cidr_locs[late - vpc->subnets], cp, "%s overlaps subnet %s (%s)",
		       hns_cidr_str(&late->cidr, buf, sizeof(buf)), early->name,
		       hns_cidr_str(&early->cidr, buf2, sizeof(buf2)));
	}
	free(v);
}

/* What vpc_subnets keeps of each subnet for the overlap check. */
struct subnet_walk {
	struct model_vpc *vpc;
	struct model_loc *cidr_locs; /* NULL: no overlap check */
	bool *checkable;
};

static bool
subnet_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	((struct model_subnet *)obj)->vpc = ((struct subnet_walk *)ctx)->vpc;
	return true;
}

static void
subnet_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
            void *obj, uint64_t p, void *ctx)
{
	struct subnet_walk *c = ctx;
	struct model_subnet *s = obj;
	struct model_vpc *vpc = c->vpc;
	struct model_loc az_loc = k->loc, cidr_loc = k->loc;

	if (val->kind == YN_MAP) {
		for (size_t j = 0; j < val->n; j++) {
			if (strcmp(val->kids[2 * j]->str, "az") == 0)
				az_loc = val->kids[2 * j + 1]->loc;
			if (strcmp(val->kids[2 * j]->str, "cidr") == 0)
				cidr_loc = val->kids[2 * j + 1]->loc;
		}
	}
	if (s->az != NULL && vpc->region != NULL && !region_az_ok(vpc->region, s->az)) {
		char ap[LD_PATH_MAX];

		ld_path_key(ap, sub, "az");
		ld_err(
		    ld, az_loc, ap,
		    "%s is not an availability zone of region %s (expected %s followed by "
		    "one letter, e.g. %sa)",
		    s->az, vpc->region, vpc->region, vpc->region);
	}
	if (HAS(p, subnet_fields, "cidr") && s->cidr.base.family != 0 &&
	    vpc->cidr.base.family != 0) {
		char cp[LD_PATH_MAX], buf[64], buf2[64];

		ld_path_key(cp, sub, "cidr");
		if (!hns_cidr_within(&s->cidr, &vpc->cidr)) {
			ld_err(ld, cidr_loc, cp, "%s is not inside VPC %s (%s)",
			       hns_cidr_str(&s->cidr, buf, sizeof(buf)), vpc->name,
			       hns_cidr_str(&vpc->cidr, buf2, sizeof(buf2)));
			return;
		}
		if (c->cidr_locs != NULL) {
			c->cidr_locs[vpc->n_subnets - 1] = cidr_loc;
			c->checkable[vpc->n_subnets - 1] = true;
		}
	}
}

static void
vpc_subnets(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(subnet_fields, struct model_subnet, subnet_pre, subnet_post);
	struct model_vpc *vpc = obj;

	vpc->subnets = ld_handle_alloc(ld, v, path, sizeof(*vpc->subnets));
	if (vpc->subnets == NULL)
		return;
	struct model_loc *cidr_locs = hns_arena_alloc(&ld->tmp, v->n * sizeof(*cidr_locs));
	bool *checkable = hns_arena_alloc(&ld->tmp, v->n * sizeof(*checkable));

	if (cidr_locs == NULL || checkable == NULL)
		cidr_locs = NULL;
	ld_walk_handles(ld, v, path, &w, vpc->subnets, &vpc->n_subnets,
	                &(struct subnet_walk){vpc, cidr_locs, checkable});
	if (cidr_locs != NULL)
		subnets_overlap(ld, vpc, path, cidr_locs, checkable);
}

static void
vpc_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	((struct model_vpc *)obj)->id = ld_aws_id(ld, v, path, "vpc-");
}

static const struct field vpc_fields[] = {
    FRANGE("cidr", F_CIDR, FL_REQ, struct model_vpc, cidr, NULL, 16, 28),
    FIELD("region", F_REGION, 0, struct model_vpc, region, NULL),
    FFN("id", 0, vpc_id),
    FIELD("dns_support", F_BOOL, 0, struct model_vpc, dns_support, "true"),
    FIELD("dns_hostnames", F_BOOL, 0, struct model_vpc, dns_hostnames, "true"),
    FIELD("autodefined_reverse", F_BOOL, 0, struct model_vpc, autodefined_reverse, "true"),
    FFN("ipv6_cidr", 0, ld_vpc_ipv6_cidr), /* before subnets: theirs lie in it */
    FFN("subnets", 0, vpc_subnets),
    FFN("dhcp_options", 0, ld_vpc_dhcp_options),
    FFN("account", 0, vpc_account),
};

static bool
vpc_pre(struct ld *ld, const struct ynode *key, const char *sub, void *obj, void *ctx)
{
	struct model_vpc *vpc = obj;

	vpc->region = ld->m->region;
	vpc->account = ld->m->account;
	vpc->index = ld->m->n_vpcs - 1;
	return true;
}

static void
vpc_post(struct ld *ld, const struct ynode *key, const struct ynode *val, const char *sub,
         void *obj, uint64_t p, void *ctx)
{
	struct model_vpc *vpc = obj;

	if (vpc->id == NULL)
		vpc->id = ld_derive_id(ld, "vpc-", "vpc", vpc->name);
	if (vpc->cidr.base.family == AF_INET)
		hns_addr_from_v4(&vpc->dns_addr, hns_addr_v4(&vpc->cidr.base) + 2, 0);
	else if (vpc->cidr.base.family != 0) {
		vpc->dns_addr = vpc->cidr.base;
		vpc->dns_addr.bytes[15] += 2;
	}
}

void
ld_top_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w = OBJ_WALK(vpc_fields, struct model_vpc, vpc_pre, vpc_post);
	struct model *m = ld->m;

	m->vpcs = ld_handle_alloc(ld, v, path, sizeof(*m->vpcs));
	ld_walk_handles(ld, v, path, &w, m->vpcs, &m->n_vpcs, NULL);
}

void
ld_top_peerings(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model *m = ld->m;
	char sub[LD_PATH_MAX], sub2[LD_PATH_MAX], names[256];

	m->peerings = ld_list_alloc(ld, v, path, sizeof(*m->peerings));
	if (m->peerings == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		struct model_vpc *pair[2] = {NULL, NULL};

		ld_path_index(sub, path, i);
		if (!ld_want_kind(ld, it, sub, YN_SEQ))
			continue;
		if (it->n != 2) {
			ld_err(ld, it->loc, sub, "a peering has %zu VPCs (expected a pair [a, b])",
			       it->n);
			continue;
		}
		for (size_t j = 0; j < 2; j++) {
			ld_path_index(sub2, sub, j);
			if (!ld_want_scalar(ld, it->kids[j], sub2, "a VPC name"))
				continue;
			pair[j] = model_vpc_find(m, it->kids[j]->str);
			if (pair[j] == NULL)
				ld_err(ld, it->kids[j]->loc, sub2, "no VPC named '%s' (VPCs: %s)",
				       it->kids[j]->str,
				       NAMES(names, m->vpcs, m->n_vpcs, struct model_vpc));
		}
		if (pair[0] == NULL || pair[1] == NULL)
			continue;
		if (pair[0] == pair[1]) {
			ld_err(ld, it->loc, sub, "a VPC cannot peer with itself (%s)",
			       pair[0]->name);
			continue;
		}
		m->peerings[m->n_peerings].a = pair[0];
		m->peerings[m->n_peerings].b = pair[1];
		m->peerings[m->n_peerings].loc = it->loc;
		m->n_peerings++;
	}
}

/* A list of VPC handles into (vpcs, n). */
void
ld_vpc_list(struct ld *ld, const struct ynode *v, const char *path, struct model_vpc ***out,
            size_t *n)
{
	char sub[LD_PATH_MAX], names[256];
	struct model_vpc **arr;

	arr = ld_list_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		struct model_vpc *vpc;
		bool dup = false;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, v->kids[i], sub, "a VPC name"))
			continue;
		vpc = model_vpc_find(ld->m, v->kids[i]->str);
		if (vpc == NULL) {
			ld_err(ld, v->kids[i]->loc, sub, "no VPC named '%s' (VPCs: %s)",
			       v->kids[i]->str,
			       NAMES(names, ld->m->vpcs, ld->m->n_vpcs, struct model_vpc));
			continue;
		}
		for (size_t j = 0; j < *n; j++)
			dup |= arr[j] == vpc;
		if (dup) {
			ld_err(ld, v->kids[i]->loc, sub, "VPC %s is listed twice", vpc->name);
			continue;
		}
		arr[(*n)++] = vpc;
	}
}

struct model_subnet *
ld_subnet_of(struct ld *ld, struct model_vpc *vpc, const struct ynode *k, const char *path)
{
	char names[256];

	for (size_t i = 0; i < vpc->n_subnets; i++) {
		if (strcmp(vpc->subnets[i].name, k->str) == 0)
			return &vpc->subnets[i];
	}
	ld_err(ld, k->loc, path, "no subnet named '%s' in VPC %s (subnets: %s)", k->str, vpc->name,
	       NAMES(names, vpc->subnets, vpc->n_subnets, struct model_subnet));
	return NULL;
}

/* `<subnet>: <ip>` maps of interface and resolver endpoints. */
void
ld_enis(struct ld *ld, const struct ynode *v, const char *path, struct model_vpc *vpc,
        struct model_eni **out, size_t *n, const char *id_prefix, const char *owner,
        bool one_per_az)
{
	char sub[LD_PATH_MAX], buf[HNS_ADDR_STRLEN], cbuf[64], key_exp[160];
	struct model_eni *arr;

	if (!ld_want_kind(ld, v, path, YN_MAP))
		return;
	if (vpc == NULL) /* reported already */
		return;
	arr = ld_alloc(ld, v->n, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1], *v4;
		struct model_eni *e = &arr[*n];
		char ip_path[LD_PATH_MAX];
		struct model_subnet *s;

		if (!ld_handle_ok(ld, v, i, path))
			continue;
		ld_path_key(sub, path, k->str);
		s = ld_subnet_of(ld, vpc, k, sub);
		memset(e, 0, sizeof(*e));
		if (s == NULL || !ld_eni_value(ld, val, sub, s, e, &v4))
			continue;
		if (v4 == NULL) /* IPv6 only (model/load_ipv6.c) */
			goto place;
		if (v4 != val)
			ld_path_key(ip_path, sub, "ip");
		else
			snprintf(ip_path, sizeof(ip_path), "%s", sub);
		if (!ld_addr(ld, v4, ip_path, &e->ip))
			continue;
		snprintf(key_exp, sizeof(key_exp), "an address inside subnet %s (%s)", s->name,
		         hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
		if (!ld_server_addr(ld, &e->ip, v4->loc, ip_path, true, key_exp))
			continue;
		if (s->cidr.base.family != 0 && !hns_cidr_contains(&s->cidr, &e->ip)) {
			ld_err(ld, v4->loc, ip_path, "%s is not inside subnet %s (%s)",
			       hns_addr_str(&e->ip, buf, sizeof(buf)), s->name,
			       hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
			continue;
		}
		if (s->cidr.base.family == AF_INET && e->ip.family == AF_INET &&
		    s->cidr.prefix <= 30) {
			uint32_t off = hns_addr_v4(&e->ip) - hns_addr_v4(&s->cidr.base);
			uint32_t last = (uint32_t)((1ULL << (32 - s->cidr.prefix)) - 1);

			if (off < 4 || off == last) {
				ld_err(ld, v4->loc, ip_path,
				       "%s is reserved by AWS in subnet %s (%s: the first four "
				       "addresses "
				       "and the last one are not assignable)",
				       hns_addr_str(&e->ip, buf, sizeof(buf)), s->name,
				       hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
				continue;
			}
		}
	place:
		if (one_per_az && s->az != NULL) {
			bool clash = false;

			for (size_t j = 0; j < *n; j++) {
				if (arr[j].subnet->az != NULL &&
				    strcmp(arr[j].subnet->az, s->az) == 0) {
					ld_err(ld, k->loc, sub,
					       "a second ENI in %s (subnet %s has one already; "
					       "expected at "
					       "most one subnet per AZ)",
					       s->az, arr[j].subnet->name);
					clash = true;
					break;
				}
			}
			if (clash)
				continue;
		}
		if (e->ip.family != 0)
			ld_use_addr(ld, &e->ip, v4->loc, ip_path);
		e->subnet = s;
		e->loc = k->loc;
		char key[LD_PATH_MAX];

		snprintf(key, sizeof(key), "%s@%s", owner, s->name);
		e->id = ld_derive_id(ld, id_prefix, id_prefix, key);
		(*n)++;
	}
}
