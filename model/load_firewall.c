/*
 * model/load_firewall.c -- the `firewall` section (an extension of format
 * v1): Route 53 Resolver DNS Firewall rule groups, their rules (an inline
 * domain list, an action, a block response) and their associations with
 * VPCs, each with a priority.
 *
 *   firewall:
 *     egress:
 *       rules:
 *         - {name: bad, priority: 100, domains: ["*.bad.example"], action: block,
 *            block_response: override, override_domain: sink.example.net, override_ttl: 60}
 *       vpcs: {app: 101}
 *
 * Rules are kept sorted by priority (lowest first, as DNS Firewall
 * evaluates them); priorities are unique within a group, association
 * priorities unique within a VPC (AWS refuses both otherwise).
 */
#include "config.h"

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "model/schema.h"

static const struct enum_val fw_actions[] = {
    {"allow", MODEL_FW_ALLOW},
    {"block", MODEL_FW_BLOCK},
    {"alert", MODEL_FW_ALERT},
    {NULL, 0},
};

static const struct enum_val fw_blocks[] = {
    {"nodata", MODEL_FW_NODATA},
    {"nxdomain", MODEL_FW_NXDOMAIN},
    {"override", MODEL_FW_OVERRIDE},
    {NULL, 0},
};

/* AssociateFirewallRuleGroup: Priority 100..9900. */
#define FW_ASSOC_MIN 100
#define FW_ASSOC_MAX 9900

static void
fw_domains(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_fw_rule *r = obj;
	char sub[LD_PATH_MAX];

	r->domains = ld_list_alloc(ld, v, path, sizeof(*r->domains));
	if (r->domains == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct model_fw_domain *d = &r->domains[r->n_domains];
		const char *name;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, v->kids[i], sub, "a domain (name, *.name or *)"))
			continue;
		name = ld_dname(ld, v->kids[i], sub, v->kids[i]->str);
		if (name == NULL)
			continue;
		d->wildcard = name[0] == '*';
		d->name = d->wildcard ? (name[1] == '.' ? name + 2 : "") : name;
		r->n_domains++;
	}
}

static void
fw_qtype(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_fw_rule *r = obj;
	ldns_rr_type t;

	if (!ld_want_scalar(ld, v, path, "a record type"))
		return;
	t = ldns_get_rr_type_by_name(v->str);
	if (t == 0) {
		ld_err(ld, v->loc, path, "'%s' is not a record type (expected A, AAAA, MX, ...)",
		       v->str);
		return;
	}
	r->qtype = (uint16_t)t;
}

static const struct field fw_rule_fields[] = {
    FIELD("name", F_STR, 0, struct model_fw_rule, name, NULL),
    FRANGE("priority", F_U32, FL_REQ, struct model_fw_rule, priority, NULL, 1, 2147483647),
    FFN("domains", FL_REQ, fw_domains),
    FFN("qtype", 0, fw_qtype),
    FENUM("action", FL_REQ, struct model_fw_rule, action, NULL, fw_actions),
    FENUM("block_response", 0, struct model_fw_rule, block, "nodata", fw_blocks),
    FIELD("override_domain", F_NAME, 0, struct model_fw_rule, override_name, NULL),
    FRANGE("override_ttl", F_U32, 0, struct model_fw_rule, override_ttl, "0", 0, 604800),
};

static void
fw_rule_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
             void *obj, uint64_t p, void *ctx)
{
	static const char *const block_only[] = {"block_response", "override_domain",
	                                         "override_ttl"};
	struct model_fw_rule *r = obj;
	char kp[LD_PATH_MAX];

	if (r->name == NULL)
		r->name = ld_printf(ld, "rule-%u", r->priority);
	r->id = ld_derive_id(ld, "rslvr-fdl-", "rslvr-fdl", ld_printf(ld, "%s/%s", sub, r->name));
	for (size_t j = 0; j < 3; j++) {
		bool bad = r->action != MODEL_FW_BLOCK ||
		           (j > 0 && r->block != MODEL_FW_OVERRIDE);

		if (!HAS(p, fw_rule_fields, block_only[j]) || !bad)
			continue;
		ld_path_key(kp, sub, block_only[j]);
		ld_err(ld, ld_key_loc(val, block_only[j], k->loc), kp,
		       "%s applies only to %s (expected action: block%s)", block_only[j],
		       j == 0 ? "blocking rules" : "OVERRIDE block responses",
		       j == 0 ? "" : " with block_response: override");
	}
	if (r->action == MODEL_FW_BLOCK && r->block == MODEL_FW_OVERRIDE &&
	    !HAS(p, fw_rule_fields, "override_domain"))
		ld_err(ld, k->loc, sub,
		       "missing required key 'override_domain' (an OVERRIDE block response "
		       "answers a CNAME to it)");
}

static int
fw_rule_cmp(const void *a, const void *b)
{
	const struct model_fw_rule *x = a, *y = b;

	return x->priority < y->priority ? -1 : x->priority > y->priority;
}

static void
fw_rules(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(fw_rule_fields, struct model_fw_rule, NULL, fw_rule_post);
	struct model_fw_group *g = obj;
	char sub[LD_PATH_MAX];

	g->rules = ld_list_alloc(ld, v, path, sizeof(*g->rules));
	ld_walk_list(ld, v, path, &w, g->rules, &g->n_rules, NULL);
	for (size_t i = 0; i < g->n_rules; i++) {
		for (size_t j = 0; j < i && g->rules[i].priority != 0; j++) {
			/* priority 0: the rule was not read (reported already) */
			if (g->rules[j].priority != g->rules[i].priority)
				continue;
			ld_path_index(sub, path, i);
			ld_err(ld, g->rules[i].loc, sub,
			       "priority %u is already rule %s's (expected a unique priority in "
			       "the rule group)",
			       g->rules[i].priority, g->rules[j].name);
			break;
		}
	}
	if (g->n_rules > 1)
		qsort(g->rules, g->n_rules, sizeof(*g->rules), fw_rule_cmp);
}

bool
ld_fw_priority(struct ld *ld, const struct ynode *v, const char *path, uint32_t *out)
{
	uint64_t prio;

	if (!ld_want_scalar(ld, v, path, "an association priority (100 to 9900)"))
		return false;
	if (!ld_parse_u64(v->str, &prio) || prio < FW_ASSOC_MIN || prio > FW_ASSOC_MAX) {
		ld_err(ld, v->loc, path, "'%s' is not an association priority (expected %u to %u)",
		       v->str, FW_ASSOC_MIN, FW_ASSOC_MAX);
		return false;
	}
	*out = (uint32_t)prio;
	return true;
}

/* `vpcs: {<vpc>: <priority>}`: the group's associations. */
static void
fw_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_fw_group *g = obj;
	char sub[LD_PATH_MAX], names[256];

	if (!ld_want_kind(ld, v, path, YN_MAP) || v->n == 0)
		return;
	g->assocs = ld_alloc(ld, v->n, sizeof(*g->assocs));
	if (g->assocs == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1];
		struct model_fw_assoc *a = &g->assocs[g->n_assocs];

		if (!ld_handle_ok(ld, v, i, path))
			continue;
		ld_path_key(sub, path, k->str);
		a->vpc = model_vpc_find(ld->m, k->str);
		if (a->vpc == NULL) {
			ld_err(ld, k->loc, sub, "no VPC named '%s' (VPCs: %s)", k->str,
			       NAMES(names, ld->m->vpcs, ld->m->n_vpcs, struct model_vpc));
			continue;
		}
		if (!ld_fw_priority(ld, val, sub, &a->priority))
			continue;
		a->loc = k->loc;
		g->n_assocs++;
	}
}

static const struct field fw_group_fields[] = {
    FFN("rules", FL_REQ, fw_rules),
    FFN("vpcs", 0, fw_vpcs),
};

static void
fw_group_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
              void *obj, uint64_t p, void *ctx)
{
	struct model_fw_group *g = obj;

	g->id = ld_derive_id(ld, "rslvr-frg-", "rslvr-frg", g->name);
}

/* Two associations of one VPC with one priority (AWS: "a unique priority per VPC"). */
static void
fw_assoc_dups(struct ld *ld, const char *path)
{
	struct model *m = ld->m;
	char sub[LD_PATH_MAX];

	for (size_t g = 0; g < m->n_fw_groups; g++) {
		for (size_t a = 0; a < m->fw_groups[g].n_assocs; a++) {
			const struct model_fw_assoc *x = &m->fw_groups[g].assocs[a];

			for (size_t h = 0; h < g; h++) {
				for (size_t b = 0; b < m->fw_groups[h].n_assocs; b++) {
					const struct model_fw_assoc *y = &m->fw_groups[h].assocs[b];

					if (x->vpc != y->vpc || x->priority != y->priority)
						continue;
					ld_path_key(sub, path, m->fw_groups[g].name);
					ld_path_key(sub, sub, "vpcs");
					ld_path_key(sub, sub, x->vpc->name);
					ld_err(ld, x->loc, sub,
					       "priority %u is already rule group %s's in VPC %s "
					       "(expected a unique priority per VPC)",
					       x->priority, m->fw_groups[h].name, x->vpc->name);
				}
			}
		}
	}
}

void
ld_top_firewall(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(fw_group_fields, struct model_fw_group, NULL, fw_group_post);
	struct model *m = ld->m;

	m->fw_groups = ld_handle_alloc(ld, v, path, sizeof(*m->fw_groups));
	ld_walk_handles(ld, v, path, &w, m->fw_groups, &m->n_fw_groups, NULL);
	fw_assoc_dups(ld, path);
}

static int
fw_step_cmp(const void *a, const void *b)
{
	const struct model_fw_step *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if ((x->profile == NULL) != (y->profile == NULL))
		return x->profile == NULL ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->rule->priority < y->rule->priority ? -1 : x->rule->priority > y->rule->priority;
}

/* Appends group g's rules at priority to out (up to cap); *n counts them all. */
static void
fw_steps_add(const struct model_fw_group *g, uint32_t priority, const struct model_profile *p,
             struct model_fw_step *out, size_t cap, size_t *n)
{
	for (size_t i = 0; i < g->n_rules; i++, (*n)++) {
		if (out != NULL && *n < cap)
			out[*n] = (struct model_fw_step){g, &g->rules[i], p, priority};
	}
}

size_t
model_fw_steps(const struct model *m, const struct model_vpc *vpc, struct model_fw_step *out,
               size_t cap)
{
	const struct model_profile *p = vpc->profile;
	size_t n = 0;

	for (size_t g = 0; g < m->n_fw_groups; g++) {
		for (size_t a = 0; a < m->fw_groups[g].n_assocs; a++) {
			if (m->fw_groups[g].assocs[a].vpc == vpc)
				fw_steps_add(&m->fw_groups[g], m->fw_groups[g].assocs[a].priority,
				             NULL, out, cap, &n);
		}
	}
	for (size_t f = 0; p != NULL && f < p->n_firewall; f++)
		fw_steps_add(p->firewall[f].group, p->firewall[f].priority, p, out, cap, &n);
	if (out != NULL && n > 1)
		qsort(out, n < cap ? n : cap, sizeof(*out), fw_step_cmp);
	return n;
}
