/*
 * model/load_expect.c -- the `expect` section: one expectation per item,
 * with its path of hops (`via`).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "model/names.h"
#include "model/schema.h"

/* The kind a "kind:" prefix of len bytes names (all but internet take a name), or -1. */
static int
hop_kind_of(const char *s, size_t len)
{
	for (int k = MODEL_HOP_ONPREM; k < MODEL_HOP_INTERNET; k++) {
		const char *p = model_hop_kind_str((enum model_hop_kind)k);

		if (strlen(p) == len && strncmp(p, s, len) == 0)
			return k;
	}
	return -1;
}

/*
 * zone:<name> names the first zone of that name in this order: private
 * hosted zones, public hosted zones, on-prem zones, internet zones (a
 * private zone and an internet zone of one name are the usual split
 * view).  Two zones of the name in the first kind that has one are
 * ambiguous.
 */
static const void *
hop_zone(struct ld *ld, const struct ynode *v, const char *path, const char *name)
{
	struct model *m = ld->m;
	char norm[256];
	size_t l = strlen(name);

	if (l >= sizeof(norm))
		return NULL;
	for (size_t i = 0; i <= l; i++)
		norm[i] = (char)tolower((unsigned char)name[i]);
	if (l > 1 && norm[l - 1] == '.')
		norm[l - 1] = '\0';
	for (int kind = 0; kind < 4; kind++) {
		const struct model_zone *found = NULL;
		size_t count = 0;

		for (size_t r = 0; r < (kind == 2 ? m->onprem.n_resolvers : 1); r++) {
			const struct model_zone *zs = kind < 2    ? m->zones
			                              : kind == 2 ? m->onprem.resolvers[r].zones
			                                          : m->internet.zones;
			size_t nz = kind < 2    ? m->n_zones
			            : kind == 2 ? m->onprem.resolvers[r].n_zones
			                        : m->internet.n_zones;

			for (size_t i = 0; i < nz; i++) {
				if (kind == 0 && zs[i].kind != MODEL_ZONE_PRIVATE)
					continue;
				if (kind == 1 && zs[i].kind != MODEL_ZONE_PUBLIC)
					continue;
				if (zs[i].name != NULL && strcmp(zs[i].name, norm) == 0) {
					found = found != NULL ? found : &zs[i];
					count++;
				}
			}
		}
		if (count > 1)
			ld_err(ld, v->loc, path,
			       "zone:%s is ambiguous: %zu %s zones have that name (expected one)",
			       norm, count,
			       kind == 0   ? "private hosted"
			       : kind == 1 ? "public hosted"
			       : kind == 2 ? "on-prem"
			                   : "internet");
		if (count > 0)
			return count == 1 ? found : NULL;
	}
	return NULL;
}

static void
ld_via(struct ld *ld, const struct ynode *v, const char *path, struct model_hop **out, size_t *n)
{
	struct model *m = ld->m;
	char sub[LD_PATH_MAX];
	struct model_hop *arr;

	arr = ld_list_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		struct model_hop *h = &arr[*n];
		const char *colon, *ref;
		int kind;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, it, sub, "a hop like vpn:tunnel1"))
			continue;
		h->loc = it->loc;
		if (strcmp(it->str, "internet") == 0) {
			h->kind = MODEL_HOP_INTERNET;
			(*n)++;
			continue;
		}
		colon = strchr(it->str, ':');
		kind = colon != NULL ? hop_kind_of(it->str, (size_t)(colon - it->str)) : -1;
		if (kind < 0 || colon[1] == '\0') {
			ld_err(ld, it->loc, sub,
			       "'%s' is not a hop (expected onprem:, vpn:, inbound:, outbound:, "
			       "vpc:, rule:, "
			       "zone:, private-dns: or firewall: with a name, or internet)",
			       it->str);
			continue;
		}
		ref = colon + 1;
		h->kind = (enum model_hop_kind)kind;
		h->ref = ld_strdup(ld, ref);
		switch (h->kind) {
		case MODEL_HOP_ONPREM:
			h->target = model_onprem_resolver_find(m, ref);
			break;
		case MODEL_HOP_VPN:
			h->target = model_tunnel_find(m, ref);
			break;
		case MODEL_HOP_INBOUND:
		case MODEL_HOP_OUTBOUND: {
			struct model_resolver_endpoint *re = model_resolver_endpoint_find(m, ref);

			if (re != NULL &&
			    re->direction !=
			        (h->kind == MODEL_HOP_INBOUND ? MODEL_INBOUND : MODEL_OUTBOUND)) {
				ld_err(ld, it->loc, sub,
				       "%s is an %s endpoint (expected an %s endpoint)", ref,
				       re->direction == MODEL_INBOUND ? "inbound" : "outbound",
				       h->kind == MODEL_HOP_INBOUND ? "inbound" : "outbound");
				continue;
			}
			h->target = re;
			break;
		}
		case MODEL_HOP_VPC:
			h->target = model_vpc_find(m, ref);
			break;
		case MODEL_HOP_RULE:
			for (size_t r = 0; r < m->n_rules; r++) {
				if (strcmp(m->rules[r].name, ref) == 0)
					h->target = &m->rules[r];
			}
			break;
		case MODEL_HOP_ZONE: {
			size_t before = ld->n_total;

			h->target = hop_zone(ld, it, sub, ref);
			if (ld->n_total != before)
				continue;
			break;
		}
		case MODEL_HOP_PRIVATE_DNS: {
			struct model_endpoint *ep = model_endpoint_find(m, ref);

			h->target = ep != NULL && ep->type == MODEL_ENDPOINT_INTERFACE ? ep : NULL;
			break;
		}
		case MODEL_HOP_FIREWALL:
			h->target = ld_find(m->fw_groups, m->n_fw_groups, sizeof(*m->fw_groups), ref,
			                    strlen(ref));
			break;
		case MODEL_HOP_INTERNET:
			break;
		}
		if (h->target == NULL) {
			ld_err(ld, it->loc, sub, "no %s named '%s'",
			       h->kind == MODEL_HOP_ONPREM     ? "on-prem resolver"
			       : h->kind == MODEL_HOP_VPN      ? "tunnel"
			       : h->kind == MODEL_HOP_INBOUND  ? "inbound resolver endpoint"
			       : h->kind == MODEL_HOP_OUTBOUND ? "outbound resolver endpoint"
			       : h->kind == MODEL_HOP_VPC      ? "VPC"
			       : h->kind == MODEL_HOP_RULE     ? "resolver rule"
			       : h->kind == MODEL_HOP_ZONE     ? "zone"
			       : h->kind == MODEL_HOP_FIREWALL ? "DNS Firewall rule group"
			                                       : "interface endpoint",
			       ref);
			continue;
		}
		(*n)++;
	}
}

static void
ex_from(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_from(ld, v, path, &((struct model_expect *)obj)->from);
}

static void
ex_query(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_expect *e = obj;

	ld_query(ld, v, path, &e->qname, &e->qtype, false);
}

static void
ex_given(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_given(ld, v, path, &((struct model_expect *)obj)->given);
}

static void
ex_answer(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_answer(ld, v, path, &((struct model_expect *)obj)->answer);
}

static void
ex_rcode(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_expect *e = obj;
	char up[32];
	uint64_t u;

	if (!ld_want_scalar(ld, v, path, "an rcode like NOERROR"))
		return;
	if (strcasecmp(v->str, "timeout") == 0) {
		e->rcode = MODEL_RCODE_TIMEOUT;
		return;
	}
	if (ld_parse_u64(v->str, &u) && u <= 4095) {
		e->rcode = (int)u;
		return;
	}
	snprintf(up, sizeof(up), "%s", v->str);
	for (char *c = up; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	ldns_lookup_table *t =
	    strlen(v->str) < sizeof(up) ? ldns_lookup_by_name(ldns_rcodes, up) : NULL;

	if (t == NULL) {
		ld_err(
		    ld, v->loc, path,
		    "'%s' is not an rcode (expected NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, "
		    "REFUSED, a number or timeout)",
		    v->str);
		return;
	}
	e->rcode = t->id;
}

static void
ex_via(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_expect *e = obj;

	ld_via(ld, v, path, &e->via, &e->n_via);
}

/* A TTL as RFC 2181 section 8 bounds it: 0 to 2^31 - 1 seconds. */
static void
ex_ttl_into(struct ld *ld, const struct ynode *v, const char *path, int64_t *out)
{
	uint64_t u;

	if (!ld_want_scalar(ld, v, path, "a TTL in seconds"))
		return;
	if (!ld_parse_u64(v->str, &u) || u > 2147483647u) {
		ld_err(ld, v->loc, path, "'%s' is not a TTL (expected 0 to 2147483647 seconds)", v->str);
		return;
	}
	*out = (int64_t)u;
}

static void
ex_ttl(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ex_ttl_into(ld, v, path, &((struct model_expect *)obj)->ttl);
}

static void
ex_ttl_max(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ex_ttl_into(ld, v, path, &((struct model_expect *)obj)->ttl_max);
}

static const struct field expect_fields[] = {
    FIELD("name", F_STR, 0, struct model_expect, name, NULL),
    FFN("from", 0, ex_from),
    FFN("query", FL_REQ, ex_query),
    FFN("given", 0, ex_given),
    FFN("answer", 0, ex_answer),
    FFN("rcode", 0, ex_rcode),
    FFN("via", 0, ex_via),
    FRANGE("max_ms", F_DOUBLE, 0, struct model_expect, max_ms, NULL, 0, 3600000),
    FFN("ttl", 0, ex_ttl),
    FFN("ttl_max", 0, ex_ttl_max),
};

static bool
expect_pre(struct ld *ld, const struct ynode *key, const char *sub, void *obj, void *ctx)
{
	struct model_expect *e = obj;

	e->max_ms = -1;
	e->qtype = LDNS_RR_TYPE_A;
	e->rcode = -1;
	e->ttl = -1;
	e->ttl_max = -1;
	return true;
}

/* rcode: timeout expects no answer at all: nothing about one may be asked for besides. */
static void
expect_post_timeout(struct ld *ld, const struct ynode *it, const char *sub, uint64_t p)
{
	static const char *const no[] = {"answer", "ttl", "ttl_max"};
	char kp[LD_PATH_MAX];

	for (size_t j = 0; j < sizeof(no) / sizeof(no[0]); j++) {
		if (!HAS(p, expect_fields, no[j]))
			continue;
		ld_path_key(kp, sub, no[j]);
		ld_err(ld, ld_key_loc(it, no[j], it->loc), kp,
		       "rcode: timeout expects no answer, so there is no %s to judge "
		       "(expected no %s key beside rcode: timeout)",
		       j == 0 ? "answer" : "TTL", no[j]);
	}
}

static void
expect_post(struct ld *ld, const struct ynode *it, const struct ynode *val, const char *sub,
            void *obj, uint64_t p, void *ctx)
{
	struct model *m = ld->m;
	struct model_expect *e = obj;

	if (!HAS(p, expect_fields, "from")) {
		e->from.kind = MODEL_FROM_ONPREM;
		if (m->onprem.n_resolvers > 0)
			e->from.resolver = &m->onprem.resolvers[0];
		else if (it->kind == YN_MAP)
			ld_err(ld, it->loc, sub,
			       "from defaults to onprem, but onprem has no resolvers "
			       "(expected "
			       "onprem.resolvers or a from: key)");
	}
	if (e->rcode < 0) {
		e->rcode = e->answer.kind == MODEL_ANSWER_NXDOMAIN ? LDNS_RCODE_NXDOMAIN
		                                                   : LDNS_RCODE_NOERROR;
	} else if (e->answer.kind == MODEL_ANSWER_NXDOMAIN &&
	           e->rcode != LDNS_RCODE_NXDOMAIN && e->rcode != MODEL_RCODE_TIMEOUT) {
		char rp[LD_PATH_MAX];

		ld_path_key(rp, sub, "rcode");
		ld_err(ld, ld_map_get(it, "rcode")->loc, rp,
		       "contradicts answer: nxdomain (expected NXDOMAIN or no rcode)");
	}
	if (e->rcode == MODEL_RCODE_TIMEOUT)
		expect_post_timeout(ld, it, sub, p);
	if (e->name == NULL) {
		const struct ynode *q = ld_map_get(it, "query");

		e->name = q != NULL && q->kind == YN_SCALAR ? ld_strdup(ld, q->str) : "";
	}
}

void
ld_top_expect(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(expect_fields, struct model_expect, expect_pre, expect_post);
	struct model *m = ld->m;

	m->expects = ld_list_alloc(ld, v, path, sizeof(*m->expects));
	ld_walk_list(ld, v, path, &w, m->expects, &m->n_expects, NULL);
}
