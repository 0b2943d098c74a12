/*
 * model/load_onprem.c -- the `onprem` section: the on-prem network and its
 * resolvers (forwards, zones, default, cache, health).
 */
#include "config.h"

#include <string.h>

#include "model/schema.h"

static const struct enum_val policies[] = {
    {"sequential", MODEL_POLICY_SEQUENTIAL},
    {"round_robin", MODEL_POLICY_ROUND_ROBIN},
    {"random", MODEL_POLICY_RANDOM},
    {NULL, 0},
};

static void
fwd_to(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_forward *f = obj;

	ld_addr_list(ld, v, path, &f->to, &f->n_to, 53, LD_TARGET_ONPREM);
	if (v->kind == YN_SEQ && v->n == 0)
		ld_err(ld, v->loc, path, "an empty list (expected at least one address)");
	if (v->kind == YN_SEQ && v->n > MODEL_MAX_FORWARD_TO)
		ld_err(ld, v->loc, path, "%zu addresses (expected at most %d in one list)", v->n,
		       MODEL_MAX_FORWARD_TO);
}

static const struct field forward_fields[] = {
    FIELD("zone", F_NAME, FL_REQ, struct model_forward, zone, NULL),
    FFN("to", FL_REQ, fwd_to),
    FENUM("policy", 0, struct model_forward, policy, "sequential", policies),
    FRANGE("timeout_ms", F_U32, 0, struct model_forward, timeout_ms, "2000", 1, 600000),
    FRANGE("attempts", F_U32, 0, struct model_forward, attempts, NULL, 1, 100),
};

static void
forward_post(struct ld *ld, const struct ynode *key, const struct ynode *val, const char *sub,
             void *obj, uint64_t p, void *ctx)
{
	struct model_forward *f = obj;

	if (!HAS(p, forward_fields, "attempts"))
		f->attempts = f->n_to > 0 ? (uint32_t)f->n_to : 1;
}

static void
onres_forward(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(forward_fields, struct model_forward, NULL, forward_post);
	struct model_onprem_resolver *r = obj;

	r->forwards = ld_list_alloc(ld, v, path, sizeof(*r->forwards));
	ld_walk_list(ld, v, path, &w, r->forwards, &r->n_forwards, NULL);
}

static void
onres_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	ld_zones(ld, v, path, MODEL_ZONE_ONPREM, &r->zones, &r->n_zones);
}

static void
onres_default(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	if (v->kind == YN_SEQ) {
		r->default_kind = MODEL_DEFAULT_UPSTREAMS;
		ld_addr_list(ld, v, path, &r->default_upstreams, &r->n_default_upstreams, 53,
		             LD_TARGET_ONPREM);
		if (v->n == 0)
			ld_err(ld, v->loc, path, "an empty list (expected at least one address)");
		if (v->n > MODEL_MAX_FORWARD_TO)
			ld_err(ld, v->loc, path, "%zu addresses (expected at most %d in one list)",
			       v->n, MODEL_MAX_FORWARD_TO);
		return;
	}
	if (!ld_want_scalar(ld, v, path, "internet, refuse or a list of addresses"))
		return;
	if (strcmp(v->str, "internet") == 0)
		r->default_kind = MODEL_DEFAULT_INTERNET;
	else if (strcmp(v->str, "refuse") == 0)
		r->default_kind = MODEL_DEFAULT_REFUSE;
	else
		ld_err(ld, v->loc, path,
		       "'%s' is not allowed (expected internet, refuse or a list of addresses)",
		       v->str);
}

static const struct field cache_fields[] = {
    FIELD("enabled", F_BOOL, 0, struct model_cache, enabled, NULL),
    FRANGE("max_entries", F_U32, 0, struct model_cache, max_entries, NULL, 1, 100000000),
    FIELD("min_ttl", F_U32, 0, struct model_cache, min_ttl, NULL),
    FIELD("max_ttl", F_U32, 0, struct model_cache, max_ttl, NULL),
    FIELD("negative_max_ttl", F_U32, 0, struct model_cache, negative_max_ttl, NULL),
    FIELD("serve_stale", F_BOOL, 0, struct model_cache, serve_stale, NULL),
};

static void
onres_cache(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	ld_schema_walk(ld, v, path, v->loc, cache_fields, NFIELDS(cache_fields), &r->cache);
	if (r->cache.min_ttl > r->cache.max_ttl)
		ld_err(ld, v->loc, path, "min_ttl %u is above max_ttl %u", r->cache.min_ttl,
		       r->cache.max_ttl);
}

static const struct field health_fields[] = {
    FRANGE("fail_after", F_U32, 0, struct model_health, fail_after, NULL, 1, 1000),
    FRANGE("probe_ms", F_U32, 0, struct model_health, probe_ms, NULL, 10, 3600000),
    FRANGE("rise", F_U32, 0, struct model_health, rise, NULL, 1, 1000),
};

static void
onres_health(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	ld_schema_walk(ld, v, path, v->loc, health_fields, NFIELDS(health_fields), &r->health);
}

static const struct enum_val resolver_profiles[] = {
    {"standard", MODEL_PROFILE_STANDARD},
    {"windows", MODEL_PROFILE_WINDOWS},
    {NULL, 0},
};

static const struct field onprem_resolver_fields[] = {
    FIELD("address", F_ADDR_PORT, FL_REQ, struct model_onprem_resolver, address, NULL),
    FFN("forward", 0, onres_forward),
    FFN("zones", 0, onres_zones),
    FFN("default", 0, onres_default),
    FFN("cache", 0, onres_cache),
    FENUM("profile", 0, struct model_onprem_resolver, profile, "standard", resolver_profiles),
    FFN("health", 0, onres_health),
    FIELD("vpc", F_VPC, 0, struct model_onprem_resolver, vpc, NULL),
};

static bool
onres_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	static const struct model_cache cache_defaults = {
	    .enabled = true,
	    .max_entries = 10000,
	    .min_ttl = 0,
	    .max_ttl = 86400,
	    .negative_max_ttl = 3600,
	    .serve_stale = false,
	};
	struct model_onprem_resolver *r = obj;

	static const struct model_health health_defaults = {
	    .fail_after = 3,
	    .probe_ms = 1000,
	    .rise = 2,
	};

	r->cache = cache_defaults;
	r->health = health_defaults;
	r->default_kind = MODEL_DEFAULT_INTERNET;
	ld->resolver_targets = ld->n_targets;
	return true;
}

static void
onres_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
           void *obj, uint64_t p, void *ctx)
{
	struct model_onprem *op = &ld->m->onprem;
	struct model_onprem_resolver *r = obj;

	/* A resolver in a VPC sends from there (model/load_vpcdns.c). */
	for (size_t i = ld->resolver_targets; r->vpc != NULL && i < ld->n_targets; i++)
		ld->targets[i].vpc = r->vpc;
	if (HAS(p, onprem_resolver_fields, "address") && r->address.family != 0) {
		char ap[LD_PATH_MAX];
		const struct ynode *an = ld_map_get(val, "address");

		ld_path_key(ap, sub, "address");
		if (r->address.port == 0)
			r->address.port = 53;
		if (!ld_server_addr(ld, &r->address, an->loc, ap, false,
		                    "a virtual unicast address such as 192.168.10.53: serve gives "
		                    "each on-prem resolver a loopback address of its own, and a "
		                    "loopback address in a scenario stands for a real server, "
		                    "which only forward to: and default: may name"))
			return;
		if (!hns_addr_is_loopback(&r->address))
			ld_use_addr(ld, &r->address, an->loc, ap);
		if (op->has_cidr && r->vpc == NULL && !hns_addr_is_loopback(&r->address) &&
		    !hns_cidr_contains(&op->cidr, &r->address)) {
			char b1[HNS_ADDR_STRLEN], b2[64];

			ld_err(ld, an->loc, ap, "%s is not inside onprem.cidr (%s)",
			       hns_addr_str(&r->address, b1, sizeof(b1)),
			       hns_cidr_str(&op->cidr, b2, sizeof(b2)));
		}
	}
}

static void
onprem_resolvers(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(onprem_resolver_fields, struct model_onprem_resolver, onres_pre, onres_post);
	struct model_onprem *op = &ld->m->onprem;

	op->resolvers = ld_handle_alloc(ld, v, path, sizeof(*op->resolvers));
	ld_walk_handles(ld, v, path, &w, op->resolvers, &op->n_resolvers, NULL);
}

static const struct field onprem_fields[] = {
    FIELD("cidr", F_CIDR, 0, struct model_onprem, cidr, NULL),
    FFN("resolvers", 0, onprem_resolvers),
};

void
ld_top_onprem(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem *op = &ld->m->onprem;
	const struct ynode *c = ld_map_get(v, "cidr");

	/* cidr first so that the resolvers can be checked against it */
	op->has_cidr = c != NULL && c->kind == YN_SCALAR && hns_cidr_parse(c->str, &op->cidr) == 0;
	ld_schema_walk(ld, v, path, v->loc, onprem_fields, NFIELDS(onprem_fields), op);
}
