/*
 * lint/rules_network.c -- the address plan and regions: Resolver rules
 * associated across regions (HNS124), peered VPCs with overlapping CIDRs
 * (HNS125) and an on-prem range that overlaps a VPC (HNS126).
 */
#include "config.h"

#include <string.h>

#include "lint/internal.h"

void
lint_check_hns124(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		const char *region = r->endpoint ? r->endpoint->vpc->region : m->region;
		struct model_loc key = lint_key_loc(c, r->loc, "vpcs");
		for (size_t j = 0; j < r->n_vpcs; j++) {
			if (region == NULL || strcmp(r->vpcs[j]->region, region) == 0)
				continue;
			lint_emit(c, lint_item_loc(c, key, j),
				  lint_fmt(c, "resolver.rules.%s.vpcs.%zu", r->name, j),
				  lint_fmt(c,
					   "rule %s lives in %s but is associated with VPC %s in "
					   "%s: Resolver rules are regional, AWS refuses the "
					   "association and %s never uses the rule",
					   lint_rule_label(c, r), region, r->vpcs[j]->name, r->vpcs[j]->region,
					   r->vpcs[j]->name),
				  lint_fmt(c,
					   "create the rule (and an outbound endpoint) in %s and "
					   "associate that one",
					   r->vpcs[j]->region));
		}
	}
}

void
lint_check_hns125(struct lint_ctx *c)
{
	const struct model *m = c->m;
	char a[64], b[64];

	for (size_t i = 0; i < m->n_peerings; i++) {
		const struct model_peering *p = &m->peerings[i];
		if (!hns_cidr_overlap(&p->a->cidr, &p->b->cidr))
			continue;
		lint_emit(c, p->loc, lint_fmt(c, "peerings.%zu", i),
			  lint_fmt(c,
				   "VPCs %s (%s) and %s (%s) overlap: AWS refuses a peering between "
				   "VPCs with overlapping CIDR blocks, so neither reaches the other",
				   p->a->name, hns_cidr_str(&p->a->cidr, a, sizeof(a)), p->b->name,
				   hns_cidr_str(&p->b->cidr, b, sizeof(b))),
			  "give one VPC a CIDR that does not overlap, or connect them through "
			  "a transit gateway with NAT");
	}
}

void
lint_check_hns126(struct lint_ctx *c)
{
	const struct model *m = c->m;
	char a[64], b[64];

	if (!m->onprem.has_cidr)
		return;
	for (size_t i = 0; i < m->n_vpcs; i++) {
		const struct model_vpc *v = &m->vpcs[i];
		if (!hns_cidr_overlap(&m->onprem.cidr, &v->cidr))
			continue;
		lint_emit(c, lint_key_loc(c, v->loc, "cidr"), lint_fmt(c, "vpcs.%s.cidr", v->name),
			  lint_fmt(c,
				   "VPC %s (%s) overlaps the on-prem range %s: the VPC's local route "
				   "wins, so on-prem addresses in the overlap are unreachable from it "
				   "(outbound forwards and answers included)",
				   v->name, hns_cidr_str(&v->cidr, a, sizeof(a)),
				   hns_cidr_str(&m->onprem.cidr, b, sizeof(b))),
			  "renumber the VPC or the on-prem range so they do not overlap");
	}
}
