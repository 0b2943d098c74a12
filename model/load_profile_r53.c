/*
 * model/load_profile_r53.c -- the `profiles` section (an extension of
 * format v1): Route 53 Profiles, each a set of private hosted zones,
 * resolver rules and DNS Firewall rule groups applied to the VPCs it is
 * associated with.  (Not to be confused with model/load_profile.c, the
 * timing profiles of on-prem resolver products.)
 *
 *   profiles:
 *     org-dns:
 *       shared_with: ["444455556666"]   # AWS RAM, for VPCs of other accounts
 *       hosted_zones: [corp.internal]
 *       rules: [onprem]
 *       firewall: {egress: 300}          # rule group -> priority in the profile
 *       vpcs: [app, spoke]
 *
 * A VPC has at most one profile; a VPC of another account needs the
 * profile shared with its account; profiles are regional, like the VPCs
 * they serve.  What wins when a VPC's own associations and its profile's
 * overlap is the view's business (resolver/view_profile.c).
 */
#include "config.h"

#include <string.h>

#include "model/schema.h"

static void
prof_account(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	const char *id = ld_account_id(ld, v, path);

	if (id != NULL)
		((struct model_profile *)obj)->account = id;
}

static void
prof_shared_with(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_profile *p = obj;

	ld_account_list(ld, v, path, &p->shared_with, &p->n_shared_with);
}

static void
prof_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_profile *p = obj;
	char sub[LD_PATH_MAX];

	p->zones = ld_list_alloc(ld, v, path, sizeof(*p->zones));
	if (p->zones == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct model_zone *z = NULL;
		const char *name;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, v->kids[i], sub, "a private hosted zone name"))
			continue;
		name = ld_dname(ld, v->kids[i], sub, v->kids[i]->str);
		if (name == NULL)
			continue;
		for (size_t j = 0; j < ld->m->n_zones && z == NULL; j++) {
			if (ld->m->zones[j].kind == MODEL_ZONE_PRIVATE &&
			    strcmp(ld->m->zones[j].name, name) == 0)
				z = &ld->m->zones[j];
		}
		if (z == NULL) {
			ld_err(ld, v->kids[i]->loc, sub,
			       "no private hosted zone named '%s' (expected a hosted_zones entry "
			       "with vpcs)",
			       name);
			continue;
		}
		p->zones[p->n_zones++] = z;
	}
}

static void
prof_rules(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_profile *p = obj;
	char sub[LD_PATH_MAX], names[256];

	p->rules = ld_list_alloc(ld, v, path, sizeof(*p->rules));
	if (p->rules == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct model_rule *r;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, v->kids[i], sub, "a resolver rule name"))
			continue;
		r = ld_find(ld->m->rules, ld->m->n_rules, sizeof(*ld->m->rules), v->kids[i]->str,
		            v->kids[i]->len);
		if (r == NULL) {
			ld_err(ld, v->kids[i]->loc, sub, "no resolver rule named '%s' (rules: %s)",
			       v->kids[i]->str,
			       NAMES(names, ld->m->rules, ld->m->n_rules, struct model_rule));
			continue;
		}
		p->rules[p->n_rules++] = r;
	}
}

static void
prof_firewall(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_profile *p = obj;
	char sub[LD_PATH_MAX], names[256];

	if (!ld_want_kind(ld, v, path, YN_MAP) || v->n == 0)
		return;
	p->firewall = ld_alloc(ld, v->n, sizeof(*p->firewall));
	if (p->firewall == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1];
		struct model_profile_fw *f = &p->firewall[p->n_firewall];

		if (!ld_handle_ok(ld, v, i, path))
			continue;
		ld_path_key(sub, path, k->str);
		f->group = ld_find(ld->m->fw_groups, ld->m->n_fw_groups, sizeof(*ld->m->fw_groups),
		                   k->str, k->len);
		if (f->group == NULL) {
			ld_err(ld, k->loc, sub, "no DNS Firewall rule group named '%s' (firewall: %s)",
			       k->str,
			       NAMES(names, ld->m->fw_groups, ld->m->n_fw_groups,
			             struct model_fw_group));
			continue;
		}
		if (!ld_fw_priority(ld, val, sub, &f->priority))
			continue;
		f->loc = k->loc;
		p->n_firewall++;
	}
}

/* `vpcs`: at most one profile per VPC, the profile's region, shared with its account. */
static void
prof_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_profile *p = obj;
	char sub[LD_PATH_MAX];

	ld_vpc_list(ld, v, path, &p->vpcs, &p->n_vpcs);
	for (size_t i = 0; v->kind == YN_SEQ && i < v->n; i++) {
		struct model_vpc *vpc;

		if (v->kids[i]->kind != YN_SCALAR)
			continue;
		vpc = model_vpc_find(ld->m, v->kids[i]->str);
		if (vpc == NULL || vpc->profile == p)
			continue;
		ld_path_index(sub, path, i);
		if (vpc->profile != NULL)
			ld_err(ld, v->kids[i]->loc, sub,
			       "VPC %s is already associated with profile %s (a VPC has at most "
			       "one Route 53 Profile)",
			       vpc->name, vpc->profile->name);
		else if (strcmp(vpc->region, ld->m->region) != 0)
			ld_err(ld, v->kids[i]->loc, sub,
			       "VPC %s is in %s; a Route 53 Profile serves VPCs of its own region "
			       "(%s)",
			       vpc->name, vpc->region, ld->m->region);
		else
			vpc->profile = p;
	}
}

static const struct field prof_fields[] = {
    FFN("account", 0, prof_account),
    FFN("shared_with", 0, prof_shared_with),
    FFN("hosted_zones", 0, prof_zones),
    FFN("rules", 0, prof_rules),
    FFN("firewall", 0, prof_firewall),
    FFN("vpcs", 0, prof_vpcs),
};

static bool
prof_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	((struct model_profile *)obj)->account = ld->m->account;
	return true;
}

/* Account checks once `account` and `shared_with` are known, whatever the key order. */
static void
prof_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
          void *obj, uint64_t present, void *ctx)
{
	struct model_profile *p = obj;

	p->id = ld_derive_id(ld, "rp-", "rp", p->name);
	ld_check_shares(ld, val, sub, "profile", p->name, p->account, p->shared_with,
	                p->n_shared_with);
}

void
ld_top_profiles(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(prof_fields, struct model_profile, prof_pre, prof_post);
	struct model *m = ld->m;

	m->profiles = ld_handle_alloc(ld, v, path, sizeof(*m->profiles));
	ld_walk_handles(ld, v, path, &w, m->profiles, &m->n_profiles, NULL);
}
