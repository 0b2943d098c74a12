/*
 * import/finish.c -- imp_scen_finish(): from what the input said to a
 * world the scenario format can hold.
 *
 *   1. the region: --region, else the first VPC's, service name's or AZ's;
 *   2. links: every key must name an object the input holds; a subnet,
 *      endpoint, zone association or rule association that points at
 *      nothing is dropped with a warning, a forward rule whose outbound
 *      endpoint is missing is an error (the rule cannot be written);
 *   3. handles: the Name tag (or the id), reduced to the characters a
 *      handle may hold, made unique with "-2", "-3", ...;
 *   4. ENI addresses the input did not give: the lowest free host of the
 *      subnet from its fifth address on (AWS keeps the first four and the
 *      last), in handle order, so the same input always gets the same guess.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "import/scen.h"

/* ------------------------------------------------------------- region */

/* "eu-west-1" from "com.amazonaws.eu-west-1.s3". */
static const char *
region_of_service(struct imp_scen *s, const char *svc)
{
	const char *p, *dot;

	if (svc == NULL)
		return NULL;
	if (strncmp(svc, "com.amazonaws.", 14) == 0)
		p = svc + 14;
	else if (strncmp(svc, "aws.api.", 8) == 0)
		p = svc + 8;
	else
		return NULL;
	dot = strchr(p, '.');
	return dot != NULL ? hns_arena_strndup(&s->arena, p, (size_t)(dot - p)) : NULL;
}

static void
finish_region(struct imp_scen *s)
{
	if (s->region != NULL)
		return;
	for (size_t i = 0; i < s->vpcs.n && s->region == NULL; i++)
		s->region = s->vpcs.v[i].region;
	for (size_t i = 0; i < s->endpoints.n && s->region == NULL; i++)
		s->region = region_of_service(s, s->endpoints.v[i].service);
	for (size_t i = 0; i < s->subnets.n && s->region == NULL; i++) {
		const char *az = s->subnets.v[i].az;
		size_t n = az != NULL ? strlen(az) : 0;

		if (n > 1 && isalpha((unsigned char)az[n - 1]))
			s->region = hns_arena_strndup(&s->arena, az, n - 1);
	}
	if (s->region == NULL) {
		s->region = "us-east-1";
		s->region_guessed = true;
	}
}

/* ------------------------------------------------------------- handles */

/* The name reduced to [A-Za-z0-9._-], or the fallback when nothing is left. */
static const char *
handle_clean(struct imp_scen *s, const char *name, const char *fallback)
{
	char buf[128];
	size_t n = 0;

	if (name == NULL || *name == '\0')
		name = fallback != NULL ? fallback : "unnamed";
	for (const char *c = name; *c && n < sizeof(buf) - 1; c++) {
		bool ok = isalnum((unsigned char)*c) || *c == '.' || *c == '_' || *c == '-';

		if (!ok && n > 0 && buf[n - 1] == '-')
			continue;
		buf[n++] = ok ? *c : '-';
	}
	while (n > 0 && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
	if (n == 0)
		return fallback != NULL ? handle_clean(s, fallback, NULL) : "unnamed";
	return imp_strdup(s, buf);
}

/* Make names[i] (at stride) unique among the first i; `group` limits to equal groups. */
static void
handle_unique(struct imp_scen *s, void *arr, size_t n, size_t stride, size_t name_off,
	      size_t group_off)
{
	for (size_t i = 0; i < n; i++) {
		const char **name = (const char **)((char *)arr + i * stride + name_off);
		const char *base = *name;

		for (unsigned k = 2;; k++) {
			bool clash = false;

			for (size_t j = 0; j < i && !clash; j++) {
				char *o = (char *)arr + j * stride;
				const char *oname = *(const char **)(o + name_off);
				const char *og = group_off ? *(const char **)(o + group_off) : NULL;
				const char *mg =
				    group_off ? *(const char **)((char *)arr + i * stride + group_off) : NULL;

				if (strcmp(oname, *name) == 0 && (!group_off || og == mg))
					clash = true;
			}
			if (!clash)
				break;
			*name = imp_printf(s, "%s-%u", base, k);
		}
	}
}

#define HANDLES(s, arr, T, grp)                                                                    \
	do {                                                                                       \
		for (size_t i_ = 0; i_ < (arr).n; i_++)                                            \
			(arr).v[i_].name =                                                         \
			    handle_clean((s), (arr).v[i_].name,                                    \
					 (arr).v[i_].id ? (arr).v[i_].id : (arr).v[i_].key);        \
		handle_unique((s), (arr).v, (arr).n, sizeof(T), offsetof(T, name), (grp));         \
	} while (0)

/* ------------------------------------------------------------- links */

/* Keep elements for which keep() is true, in order. */
#define FILTER(arr, keep_expr)                                                                     \
	do {                                                                                       \
		size_t o_ = 0;                                                                     \
		for (size_t i_ = 0; i_ < (arr).n; i_++) {                                          \
			__typeof__((arr).v) it = &(arr).v[i_];                                     \
			if (keep_expr)                                                             \
				(arr).v[o_++] = *it;                                               \
		}                                                                                  \
		(arr).n = o_;                                                                      \
	} while (0)

/* Canonical VPC key (the first key) of a key list; unknown keys warned and dropped. */
static void
link_vpc_list(struct imp_scen *s, struct imp_strs *l, const struct imp_src *src, const char *what)
{
	size_t o = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct imp_vpc *v = imp_vpc_find(s, l->v[i]);

		if (v == NULL) {
			imp_warn(s, src->file, src->path, "%s names VPC %s, which is not in the input; skipped",
				 what, l->v[i]);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < o; j++)
			dup |= strcmp(l->v[j], v->key) == 0;
		if (!dup)
			l->v[o++] = v->key;
	}
	l->n = o;
}

static bool
link_vpc(struct imp_scen *s, struct imp_vpc *v)
{
	if (v->cidr == NULL)
		imp_warn(s, v->src.file, v->src.path, "VPC %s: no CIDR in the source; skipped",
			 v->id ? v->id : v->key);
	return v->cidr != NULL;
}

static bool
link_subnet(struct imp_scen *s, struct imp_subnet *sn)
{
	struct imp_vpc *v = imp_vpc_find(s, sn->vpc);

	if (v == NULL || sn->cidr == NULL || sn->az == NULL) {
		imp_warn(s, sn->src.file, sn->src.path, "subnet %s: %s; skipped", sn->id ? sn->id : sn->key,
			 v == NULL ? "its VPC is not in the input" : "no CIDR or AZ");
		return false;
	}
	sn->vpc = v->key;
	return true;
}

/* ENIs whose subnet is known and in `vpc` (when set); others warned and dropped. */
static void
link_enis(struct imp_scen *s, struct imp_enis *e, const char **vpc, const struct imp_src *src)
{
	size_t o = 0;

	for (size_t i = 0; i < e->n; i++) {
		struct imp_subnet *sn = imp_subnet_find(s, e->v[i].subnet);

		if (sn == NULL || (*vpc != NULL && imp_vpc_find(s, *vpc) != imp_vpc_find(s, sn->vpc))) {
			imp_warn(s, src->file, src->path, "ENI in subnet %s: %s; skipped", e->v[i].subnet,
				 sn == NULL ? "the subnet is not in the input" : "the subnet is in another VPC");
			continue;
		}
		if (*vpc == NULL)
			*vpc = sn->vpc;
		e->v[i].subnet = sn->key;
		e->v[o++] = e->v[i];
	}
	e->n = o;
}

static bool
link_endpoint(struct imp_scen *s, struct imp_endpoint *ep)
{
	struct imp_vpc *v = imp_vpc_find(s, ep->vpc);

	if (v == NULL || ep->service == NULL) {
		imp_warn(s, ep->src.file, ep->src.path, "endpoint %s: %s; skipped",
			 ep->id ? ep->id : ep->key,
			 v == NULL ? "its VPC is not in the input" : "no service name");
		return false;
	}
	ep->vpc = v->key;
	if (ep->gateway)
		return true;
	link_enis(s, &ep->enis, &ep->vpc, &ep->src);
	if (ep->enis.n == 0) {
		imp_warn(s, ep->src.file, ep->src.path,
			 "interface endpoint %s has no ENI in a subnet of the input; skipped",
			 ep->id ? ep->id : ep->key);
		return false;
	}
	return true;
}

static bool
link_rep(struct imp_scen *s, struct imp_rep *r)
{
	struct imp_vpc *v = r->vpc != NULL ? imp_vpc_find(s, r->vpc) : NULL;

	if (r->vpc != NULL && v == NULL) {
		imp_warn(s, r->src.file, r->src.path, "resolver endpoint %s: its VPC %s is not in the input; skipped",
			 r->id ? r->id : r->key, r->vpc);
		return false;
	}
	r->vpc = v != NULL ? v->key : NULL;
	link_enis(s, &r->ips, &r->vpc, &r->src);
	if (r->ips.n < 2 || r->vpc == NULL) {
		imp_warn(s, r->src.file, r->src.path,
			 "resolver endpoint %s has %zu IP address%s in subnets of the input (expected at least 2; "
			 "add list-resolver-endpoint-ip-addresses or describe-network-interfaces); skipped",
			 r->id ? r->id : r->key, r->ips.n, r->ips.n == 1 ? "" : "es");
		return false;
	}
	return true;
}

static bool
link_rule(struct imp_scen *s, struct imp_rule *r)
{
	if (!r->system) {
		struct imp_rep *ep = imp_rep_find(s, r->endpoint);

		if (ep == NULL) {
			imp_error(s, r->endpoint_src.file, r->endpoint_src.path,
				  "rule %s names resolver endpoint '%s', which is not in the input "
				  "(expected an outbound endpoint from list-resolver-endpoints)",
				  r->id ? r->id : r->key, r->endpoint ? r->endpoint : "(none)");
			return false;
		}
		if (ep->inbound) {
			imp_error(s, r->endpoint_src.file, r->endpoint_src.path,
				  "rule %s names %s, an inbound endpoint (expected an outbound one)",
				  r->id ? r->id : r->key, r->endpoint);
			return false;
		}
		r->endpoint = ep->key;
		if (r->targets.n == 0 || r->targets.n > 6) {
			imp_warn(s, r->src.file, r->src.path, "forward rule %s has %zu targets (expected 1 to 6); skipped",
				 r->id ? r->id : r->key, r->targets.n);
			return false;
		}
	}
	link_vpc_list(s, &r->vpcs, &r->src, "a rule association");
	return true;
}

/* An ALIAS to an endpoint by key: to its handle; to nothing known: dropped (warned). */
static bool
link_alias(struct imp_scen *s, struct imp_zone *z, struct imp_record *r)
{
	struct imp_endpoint *ep = r->alias_key ? imp_endpoint_find(s, r->alias_key) : NULL;

	if (r->alias_key == NULL)
		return true;
	r->alias_key = ep != NULL && !ep->gateway ? ep->key : NULL; /* else the DNS name in rdata */
	if (r->alias_key == NULL && r->rdata == NULL) {
		imp_warn(s, z->src.file, z->src.path,
			 "alias %s in zone %s: its target is neither known nor an endpoint of the input; skipped",
			 r->owner, z->name);
		return false;
	}
	return true;
}

static bool
link_zone(struct imp_scen *s, struct imp_zone *z)
{
	link_vpc_list(s, &z->vpcs, &z->src, "a zone association");
	link_vpc_list(s, &z->authorized, &z->src, "an association authorisation");
	if (z->private && z->vpcs.n == 0) {
		imp_warn(s, z->src.file, z->src.path,
			 "private zone %s has no VPC association in the input (add get-hosted-zone); skipped",
			 z->name);
		return false;
	}
	if (!z->private && z->vpcs.n > 0)
		z->private = true;
	FILTER(z->records, link_alias(s, z, it));
	return true;
}

static void
link_vpn(struct imp_scen *s)
{
	for (size_t i = 0; i < s->vpn.gateways.n; i++) {
		for (size_t j = 0; j < s->vgws.n; j++) {
			struct imp_vgw *g = &s->vgws.v[j];

			if ((g->key && strcmp(g->key, s->vpn.gateways.v[i]) == 0) ||
			    (g->key2 && strcmp(g->key2, s->vpn.gateways.v[i]) == 0))
				imp_strs_add(s, &s->vpn.vpcs, g->vpc);
		}
	}
	struct imp_src src = {"(vpn)", "$"};
	link_vpc_list(s, &s->vpn.vpcs, &src, "the VPN's gateway attachment");
	if (s->vpn.present && s->vpn.n_tunnels == 0)
		s->vpn.present = false;
}

/* ------------------------------------------------------------- guesses */

static bool
ip_used(struct imp_scen *s, const char *ip)
{
	for (size_t i = 0; i < s->endpoints.n; i++)
		for (size_t j = 0; j < s->endpoints.v[i].enis.n; j++)
			if (s->endpoints.v[i].enis.v[j].ip && strcmp(s->endpoints.v[i].enis.v[j].ip, ip) == 0)
				return true;
	for (size_t i = 0; i < s->reps.n; i++)
		for (size_t j = 0; j < s->reps.v[i].ips.n; j++)
			if (s->reps.v[i].ips.v[j].ip && strcmp(s->reps.v[i].ips.v[j].ip, ip) == 0)
				return true;
	return false;
}

static void
guess_eni(struct imp_scen *s, struct imp_eni *e)
{
	struct imp_subnet *sn = imp_subnet_find(s, e->subnet);
	struct hns_cidr c;
	char buf[HNS_ADDR_STRLEN];

	if (e->ip != NULL || sn == NULL || hns_cidr_parse(sn->cidr, &c) != 0 ||
	    c.base.family != AF_INET || c.prefix > 28)
		return;
	uint32_t base = hns_addr_v4(&c.base), size = 1u << (32 - c.prefix);
	for (uint32_t h = 4; h < size - 1; h++) {
		struct hns_addr a;

		hns_addr_from_v4(&a, base + h, 0);
		hns_addr_str(&a, buf, sizeof(buf));
		if (!ip_used(s, buf)) {
			e->ip = imp_strdup(s, buf);
			e->guessed = true;
			return;
		}
	}
}

static int
by_name(const void *a, const void *b)
{
	/* every imp_* struct starts with key, key2, name */
	const char *const *x = a, *const *y = b;

	return strcmp(x[2], y[2]);
}

#define SORT(arr)                                                                                  \
	do {                                                                                       \
		if ((arr).n > 1)                                                                   \
			qsort((arr).v, (arr).n, sizeof(*(arr).v), by_name);                       \
	} while (0)

int
imp_scen_finish(struct imp_scen *s)
{
	finish_region(s);
	FILTER(s->vpcs, link_vpc(s, it));
	FILTER(s->subnets, link_subnet(s, it));
	FILTER(s->endpoints, link_endpoint(s, it));
	FILTER(s->reps, link_rep(s, it));
	FILTER(s->rules, link_rule(s, it));
	FILTER(s->zones, link_zone(s, it));
	link_vpn(s);

	HANDLES(s, s->vpcs, struct imp_vpc, 0);
	HANDLES(s, s->subnets, struct imp_subnet, offsetof(struct imp_subnet, vpc));
	HANDLES(s, s->endpoints, struct imp_endpoint, 0);
	HANDLES(s, s->reps, struct imp_rep, 0);
	HANDLES(s, s->rules, struct imp_rule, 0);
	SORT(s->vpcs);
	SORT(s->subnets);
	SORT(s->endpoints);
	SORT(s->reps);
	SORT(s->rules);
	SORT(s->zones);
	imp_scen_check(s);
	if (s->n_errors)
		return HNS_EPARSE;
	for (size_t i = 0; i < s->endpoints.n; i++)
		for (size_t j = 0; j < s->endpoints.v[i].enis.n; j++)
			guess_eni(s, &s->endpoints.v[i].enis.v[j]);
	for (size_t i = 0; i < s->reps.n; i++)
		for (size_t j = 0; j < s->reps.v[i].ips.n; j++)
			guess_eni(s, &s->reps.v[i].ips.v[j]);
	if (s->oom)
		return HNS_ENOMEM;
	return s->n_errors ? HNS_EPARSE : 0;
}
