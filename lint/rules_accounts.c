/*
 * lint/rules_accounts.c -- accounts, DNS Firewall and Route 53 Profiles:
 * a resolver rule shared through AWS RAM with an account none of whose
 * VPCs uses it (HNS180), a DNS Firewall rule that an earlier rule always
 * decides before it (HNS181), and a profile's hosted zone or rule that a
 * VPC's own association of the same name leaves out (HNS182).
 */
#include "config.h"

#include <string.h>

#include "common/arena.h"
#include "dns/wire.h"
#include "lint/internal.h"

/* Whether a VPC of `account` uses rule r, directly or through a profile. */
static bool
share_used(const struct model *m, const struct model_rule *r, const char *account)
{
	for (size_t i = 0; i < r->n_vpcs; i++)
		if (strcmp(r->vpcs[i]->account, account) == 0)
			return true;
	for (size_t p = 0; p < m->n_profiles; p++) {
		const struct model_profile *pr = &m->profiles[p];
		bool has = false;

		for (size_t k = 0; k < pr->n_rules; k++)
			has |= pr->rules[k] == r;
		for (size_t i = 0; has && i < pr->n_vpcs; i++)
			if (strcmp(pr->vpcs[i]->account, account) == 0)
				return true;
	}
	return false;
}

void
lint_check_hns180(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		struct model_loc key = lint_key_loc(c, r->loc, "shared_with");

		for (size_t j = 0; j < r->n_shared_with; j++) {
			const char *a = r->shared_with[j];

			if (strcmp(a, r->account) == 0 || share_used(m, r, a))
				continue;
			lint_emit(c, lint_item_loc(c, key, j),
				  lint_fmt(c, "resolver.rules.%s.shared_with.%zu", r->name, j),
				  lint_fmt(c,
					   "rule %s (owner %s) is shared through AWS RAM with "
					   "account %s, but no VPC of that account associates it: "
					   "the share changes no answer",
					   r->name, r->account, a),
				  lint_fmt(c,
					   "associate the rule with the VPCs of %s that need %s, or "
					   "drop the account from shared_with",
					   a, r->domain));
		}
	}
}

/* Whether domain entry a matches every name entry b matches. */
static bool
domain_covers(const struct model_fw_domain *a, const struct model_fw_domain *b)
{
	if (!a->wildcard)
		return !b->wildcard && strcmp(a->name, b->name) == 0;
	if (!dns_str_is_subdomain(b->name, a->name))
		return false;
	return b->wildcard || strcmp(a->name, b->name) != 0;
}

/* Whether step a matches every query step b matches (so b never decides after a). */
static bool
step_covers(const struct model_fw_step *a, const struct model_fw_step *b)
{
	if (a->rule->qtype && a->rule->qtype != b->rule->qtype)
		return false;
	for (size_t j = 0; j < b->rule->n_domains; j++) {
		bool covered = false;

		for (size_t i = 0; i < a->rule->n_domains && !covered; i++)
			covered = domain_covers(&a->rule->domains[i], &b->rule->domains[j]);
		if (!covered)
			return false;
	}
	return b->rule->n_domains > 0;
}

/* The first earlier step of vpc's firewall that covers rule r of group g, or NULL. */
static const struct model_fw_step *
fw_shadow(const struct model_fw_step *st, size_t n, const struct model_fw_group *g,
	  const struct model_fw_rule *r)
{
	for (size_t j = 0; j < n; j++) {
		if (st[j].rule != r || st[j].group != g)
			continue;
		for (size_t i = 0; i < j; i++)
			if (step_covers(&st[i], &st[j]))
				return &st[i];
		return NULL;
	}
	return NULL;
}

static void
hns181_rule(struct lint_ctx *c, const struct model_fw_group *g, size_t k,
	    const struct model_fw_step *st, size_t n, const struct model_vpc *vpc)
{
	static const char *const act[] = {"ALLOW", "BLOCK", "ALERT"};
	const struct model_fw_rule *r = &g->rules[k];
	const struct model_fw_step *by = fw_shadow(st, n, g, r);

	if (!by)
		return;
	lint_emit(c, r->loc, lint_fmt(c, "firewall.%s.rules.%s", g->name, r->name),
		  lint_fmt(c,
			   "DNS Firewall rule %s (%s) never decides in VPC %s: rule %s of group "
			   "%s (association priority %u) matches every query it matches and "
			   "comes first, with %s",
			   r->name, act[r->action], vpc->name, by->rule->name, by->group->name,
			   by->priority, act[by->rule->action]),
		  "give the rule a lower priority than the one that covers it, or narrow the "
		  "earlier rule's domains");
}

void
lint_check_hns181(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t g = 0; g < m->n_fw_groups; g++) {
		const struct model_fw_group *grp = &m->fw_groups[g];

		for (size_t k = 0; k < grp->n_rules; k++) {
			bool found = false;

			for (size_t v = 0; v < m->n_vpcs && !found; v++) {
				size_t n = model_fw_steps(m, &m->vpcs[v], NULL, 0);
				struct model_fw_step *st;
				size_t before = c->out->n;

				if (n == 0)
					continue;
				st = hns_arena_alloc(c->arena, n * sizeof(*st));
				if (!st)
					return;
				model_fw_steps(m, &m->vpcs[v], st, n);
				hns181_rule(c, grp, k, st, n, &m->vpcs[v]);
				found = c->out->n != before;
			}
		}
	}
}

static void
hns182_emit(struct lint_ctx *c, const struct model_profile *p, const char *key, size_t k,
	    const char *what, const char *name, const struct model_vpc *vpc, const char *own)
{
	lint_emit(c, lint_item_loc(c, lint_key_loc(c, p->loc, key), k),
		  lint_fmt(c, "profiles.%s.%s.%zu", p->name, key, k),
		  lint_fmt(c,
			   "profile %s's %s %s is left out in VPC %s: the VPC's own %s of the "
			   "same name wins over the profile's",
			   p->name, what, name, vpc->name, own),
		  "drop one of the two, or keep the VPC's own on purpose and say so with an "
		  "ignore comment");
}

void
lint_check_hns182(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t p = 0; p < m->n_profiles; p++) {
		const struct model_profile *pr = &m->profiles[p];

		for (size_t v = 0; v < pr->n_vpcs; v++) {
			const struct model_vpc *vpc = pr->vpcs[v];
			const char *own;

			if (vpc->profile != pr)
				continue;
			for (size_t k = 0; k < pr->n_zones; k++)
				if ((own = lint_own_assoc(m, vpc, pr->zones[k]->name, pr->zones[k], NULL)))
					hns182_emit(c, pr, "hosted_zones", k, "private hosted zone",
						    pr->zones[k]->name, vpc, own);
			for (size_t k = 0; k < pr->n_rules; k++)
				if ((own = lint_own_assoc(m, vpc, pr->rules[k]->domain, NULL, pr->rules[k])))
					hns182_emit(c, pr, "rules", k, "resolver rule",
						    pr->rules[k]->domain, vpc, own);
		}
	}
}
