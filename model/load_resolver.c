/*
 * model/load_resolver.c -- the `resolver` section: Route 53 Resolver
 * inbound and outbound endpoints and the resolver rules.
 */
#include "config.h"

#include <string.h>

#include "model/load_ipv6.h"
#include "model/schema.h"

static const struct enum_val directions[] = {
    {"inbound", MODEL_INBOUND},
    {"outbound", MODEL_OUTBOUND},
    {NULL, 0},
};

static void
rep_ips(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_resolver_endpoint *re = obj;

	ld_enis(ld, v, path, re->vpc, &re->enis, &re->n_enis, "rni-", re->name, false);
}

static void
rep_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_resolver_endpoint *re = obj;

	if (!ld_want_scalar(ld, v, path, "an id"))
		return;
	re->id = ld_aws_id(ld, v, path,
	                   strncmp(v->str, "rslvr-out-", 10) == 0 ? "rslvr-out-" : "rslvr-in-");
}

static const struct field resolver_endpoint_fields[] = {
    FENUM("direction", FL_REQ, struct model_resolver_endpoint, direction, NULL, directions),
    FIELD("vpc", F_VPC, FL_REQ, struct model_resolver_endpoint, vpc, NULL),
    FFN("ips", FL_REQ, rep_ips),
    FFN("id", 0, rep_id),
    FRANGE("qps_per_ip", F_U32, 0, struct model_resolver_endpoint, qps_per_ip, "10000", 1,
           10000000),
    FIELD("conntrack", F_BOOL, 0, struct model_resolver_endpoint, conntrack, "false"),
    FENUM("ip_address_type", 0, struct model_resolver_endpoint, ip_address_type, NULL,
          ld_ip_types),
};

static bool
rep_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	struct model_resolver_endpoint *re = obj;

	re->direction = -1;
	return true;
}

static void
rep_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
         void *obj, uint64_t p, void *ctx)
{
	struct model_resolver_endpoint *re = obj;

	ld_enis_ip_type(ld, val, sub, "ips", HAS(p, resolver_endpoint_fields, "ip_address_type"),
	                re->enis, re->n_enis, &re->ip_address_type);
	if (HAS(p, resolver_endpoint_fields, "ips") &&
	    ld_map_get(val, "ips")->kind == YN_MAP && ld_map_get(val, "ips")->n < 2) {
		char ip[LD_PATH_MAX];

		ld_path_key(ip, sub, "ips");
		ld_err(ld, ld_map_get(val, "ips")->loc, ip,
		       "a resolver endpoint has %zu IP address%s (expected at least 2)",
		       ld_map_get(val, "ips")->n, ld_map_get(val, "ips")->n == 1 ? "" : "es");
	}
	if (re->direction == MODEL_INBOUND || re->direction == MODEL_OUTBOUND) {
		const char *prefix =
		    re->direction == MODEL_INBOUND ? "rslvr-in-" : "rslvr-out-";

		if (re->id == NULL)
			re->id = ld_derive_id(ld, prefix, prefix, re->name);
		else if (strncmp(re->id, prefix, strlen(prefix)) != 0) {
			char ip[LD_PATH_MAX];

			ld_path_key(ip, sub, "id");
			ld_err(ld, ld_map_get(val, "id")->loc, ip,
			       "%s does not match direction %s (expected %s...)", re->id,
			       directions[re->direction].name, prefix);
		}
	}
}

static void
resolver_endpoints(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(resolver_endpoint_fields, struct model_resolver_endpoint, rep_pre, rep_post);
	struct model *m = ld->m;

	m->resolver_endpoints = ld_handle_alloc(ld, v, path, sizeof(*m->resolver_endpoints));
	ld_walk_handles(ld, v, path, &w, m->resolver_endpoints, &m->n_resolver_endpoints, NULL);
}

static const struct enum_val rule_types[] = {
    {"forward", MODEL_RULE_FORWARD},
    {"system", MODEL_RULE_SYSTEM},
    {NULL, 0},
};

static void
rule_endpoint(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;
	char names[256];

	if (!ld_want_scalar(ld, v, path, "a resolver endpoint name"))
		return;
	r->endpoint = model_resolver_endpoint_find(ld->m, v->str);
	if (r->endpoint == NULL) {
		ld_err(ld, v->loc, path, "no resolver endpoint named '%s' (resolver endpoints: %s)",
		       v->str,
		       NAMES(names, ld->m->resolver_endpoints, ld->m->n_resolver_endpoints,
		             struct model_resolver_endpoint));
		return;
	}
	if (r->endpoint->direction != MODEL_OUTBOUND) {
		ld_err(ld, v->loc, path,
		       "%s is an inbound endpoint (expected an outbound endpoint for a rule)",
		       v->str);
		r->endpoint = NULL;
	}
}

static void
rule_targets(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;

	ld_addr_list(ld, v, path, &r->targets, &r->n_targets, 53, LD_TARGET_RULE);
}

static void
rule_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;

	ld_vpc_list(ld, v, path, &r->vpcs, &r->n_vpcs);
}

/* The rule's AWS id as given (an import keeps the real one), else derived in rule_post. */
static void
rule_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;

	r->id = ld_aws_id(ld, v, path, "rslvr-rr-");
	r->id_given = r->id != NULL;
}

void
ld_account_list(struct ld *ld, const struct ynode *v, const char *path, const char ***out,
                size_t *n)
{
	char sub[LD_PATH_MAX];
	const char **arr = ld_list_alloc(ld, v, path, sizeof(*arr));

	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const char *id;
		bool dup = false;

		ld_path_index(sub, path, i);
		id = ld_account_id(ld, v->kids[i], sub);
		if (id == NULL)
			continue;
		for (size_t j = 0; j < *n; j++)
			dup |= strcmp(arr[j], id) == 0;
		if (dup) {
			ld_err(ld, v->kids[i]->loc, sub, "account %s is listed twice", id);
			continue;
		}
		arr[(*n)++] = id;
	}
}

bool
ld_account_may_use(const struct model_vpc *vpc, const char *owner, const char *const *shared,
                   size_t n_shared)
{
	if (vpc->account == NULL || owner == NULL || strcmp(vpc->account, owner) == 0)
		return true;
	for (size_t i = 0; i < n_shared; i++) {
		if (strcmp(shared[i], vpc->account) == 0)
			return true;
	}
	return false;
}

static void
rule_account(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	const char *id = ld_account_id(ld, v, path);

	if (id != NULL)
		((struct model_rule *)obj)->account = id;
}

static void
rule_shared_with(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;

	ld_account_list(ld, v, path, &r->shared_with, &r->n_shared_with);
}

static const struct field rule_fields[] = {
    FIELD("domain", F_NAME, FL_REQ, struct model_rule, domain, NULL),
    FFN("id", 0, rule_id),
    FENUM("type", 0, struct model_rule, type, "forward", rule_types),
    FFN("endpoint", 0, rule_endpoint),
    FFN("targets", 0, rule_targets),
    FFN("vpcs", 0, rule_vpcs),
    FFN("account", 0, rule_account),
    FFN("shared_with", 0, rule_shared_with),
};

void
ld_check_shares(struct ld *ld, const struct ynode *val, const char *sub, const char *what,
                const char *name, const char *owner, const char *const *shared,
                size_t n_shared)
{
	const struct ynode *vl = ld_map_get(val, "vpcs");
	char kp[LD_PATH_MAX], ip[LD_PATH_MAX];

	if (vl == NULL || vl->kind != YN_SEQ)
		return;
	ld_path_key(kp, sub, "vpcs");
	for (size_t i = 0; i < vl->n; i++) {
		const struct model_vpc *vpc;

		if (vl->kids[i]->kind != YN_SCALAR)
			continue;
		vpc = model_vpc_find(ld->m, vl->kids[i]->str);
		if (vpc == NULL || ld_account_may_use(vpc, owner, shared, n_shared))
			continue;
		ld_path_index(ip, kp, i);
		ld_err(ld, vl->kids[i]->loc, ip,
		       "VPC %s belongs to account %s; %s %s is owned by %s and not shared with "
		       "it (AWS RAM refuses the association: add \"%s\" to shared_with)",
		       vpc->name, vpc->account, what, name, owner, vpc->account);
	}
}

static void
rule_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
          void *obj, uint64_t p, void *ctx)
{
	char kp[LD_PATH_MAX];
	struct model_rule *r = obj;

	if (r->id == NULL)
		r->id = ld_derive_id(ld, "rslvr-rr-", "rslvr-rr", r->name);
	for (const struct model_rule *o = ld->m->rules; HAS(p, rule_fields, "id") && o < r; o++) {
		if (o->id != NULL && strcmp(o->id, r->id) == 0) {
			ld_path_key(kp, sub, "id");
			ld_err(ld, ld_key_loc(val, "id", k->loc), kp,
			       "%s is also rule %s's id (expected ids unique)", r->id, o->name);
			break;
		}
	}
	if (r->account == NULL)
		r->account = ld->m->account;
	ld_check_shares(ld, val, sub, "rule", r->name, r->account, r->shared_with,
	                r->n_shared_with);
	if (r->type == MODEL_RULE_FORWARD) {
		if (!HAS(p, rule_fields, "endpoint"))
			ld_err(ld, k->loc, sub,
			       "missing required key 'endpoint' (a forward rule needs an "
			       "outbound "
			       "endpoint)");
		if (!HAS(p, rule_fields, "targets")) {
			ld_err(
			    ld, k->loc, sub,
			    "missing required key 'targets' (a forward rule needs 1 to 6)");
		} else {
			const struct ynode *t = ld_map_get(val, "targets");

			ld_path_key(kp, sub, "targets");
			if (t->kind == YN_SEQ && (t->n < 1 || t->n > 6))
				ld_err(ld, t->loc, kp,
				       "a forward rule has %zu targets (expected 1 to 6)",
				       t->n);
		}
	} else if (r->type == MODEL_RULE_SYSTEM) {
		static const char *const no[] = {"targets", "endpoint"};

		for (size_t j = 0; j < 2; j++) {
			if (!HAS(p, rule_fields, no[j]))
				continue;
			ld_path_key(kp, sub, no[j]);
			ld_err(ld, ld_key_loc(val, no[j], k->loc), kp,
			       "a system rule has no %s (only forward rules do)", no[j]);
		}
	}
}

static void
resolver_rules(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(rule_fields, struct model_rule, NULL, rule_post);
	struct model *m = ld->m;

	m->rules = ld_handle_alloc(ld, v, path, sizeof(*m->rules));
	ld_walk_handles(ld, v, path, &w, m->rules, &m->n_rules, NULL);
}

static const struct field resolver_fields[] = {
    FFN("endpoints", 0, resolver_endpoints),
    FFN("rules", 0, resolver_rules),
};

void
ld_top_resolver(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_schema_walk(ld, v, path, v->loc, resolver_fields, NFIELDS(resolver_fields), NULL);
}
