#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "resolver/view_internal.h"

/*
 * Route 53 Resolver DNS Firewall (docs/aws-semantics.md, "DNS Firewall").
 *
 * At load time each view gets its firewall as one flat list of steps: the
 * rules of every rule group associated with the VPC, directly or through
 * its Route 53 Profile, ordered by the association's priority (lowest
 * first; at equal priorities the VPC's own association first), then by
 * the rule's priority in its group.  An OVERRIDE rule's CNAME answer is
 * prepared then.
 *
 * Per query, before the rule table: the first step whose domain list (and
 * query type, when the rule has one) matches decides.  ALLOW and ALERT
 * stop the inspection and let the query through; BLOCK answers NODATA,
 * NXDOMAIN or the OVERRIDE CNAME.  No match: the query goes on.
 */

static int
step_cmp(const void *a, const void *b)
{
	const struct rslv_fw_step *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if ((x->profile == NULL) != (y->profile == NULL))
		return x->profile == NULL ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->rule->priority < y->rule->priority ? -1 : x->rule->priority > y->rule->priority;
}

/* The CNAME answer of an OVERRIDE rule, owner the question (c0 0c). */
static int
build_override(struct rslv_world *w, const struct model_fw_rule *r, const struct rslv_rrset **out)
{
	struct rslv_rrset *s = hns_arena_alloc(&w->arena, sizeof(*s));
	uint8_t target[DNS_NAME_MAX];
	char json[DNS_NAME_STRLEN + 64];
	int n = rslv_name_wire_lower(r->override_name, target);

	if (!s)
		return HNS_ENOMEM;
	if (n <= 0)
		return HNS_ENAME;
	memset(s, 0, sizeof(*s));
	s->type = DNS_TYPE_CNAME;
	s->count = 1;
	s->wire = rslv_rr_wire(&w->arena, DNS_TYPE_CNAME, DNS_CLASS_IN, r->override_ttl, target,
			       (size_t)n, &s->len);
	/* names of the model are letters, digits, '-' and '_': nothing to escape */
	snprintf(json, sizeof(json), "{\"Rdata\":\"%s.\",\"Type\":\"CNAME\",\"Class\":\"IN\"}",
		 r->override_name);
	s->json = hns_arena_strdup(&w->arena, json);
	if (!s->wire || !s->json)
		return HNS_ENOMEM;
	*out = s;
	return 0;
}

static int
step_fill(struct rslv_world *w, struct rslv_fw_step *st, const struct model_fw_group *g,
	  const struct model_fw_rule *r, uint32_t priority, const struct model_profile *p)
{
	struct rslv_fw_domain *d = hns_arena_alloc(&w->arena, (r->n_domains + 1) * sizeof(*d));

	if (!d)
		return HNS_ENOMEM;
	st->group = g;
	st->rule = r;
	st->profile = p;
	st->priority = priority;
	st->domains = d;
	st->override = NULL;
	for (size_t i = 0; i < r->n_domains; i++) {
		int n = rslv_name_wire_lower(r->domains[i].name, d[i].wire);

		if (n <= 0)
			return HNS_ENAME;
		d[i].len = (uint8_t)n;
		d[i].wildcard = r->domains[i].wildcard;
	}
	if (r->action == MODEL_FW_BLOCK && r->block == MODEL_FW_OVERRIDE)
		return build_override(w, r, &st->override);
	return 0;
}

/* Appends the rules of group g at priority to v (grown by the caller's count). */
static int
add_group(struct rslv_world *w, struct rslv_fw_step *v, size_t *n,
	  const struct model_fw_group *g, uint32_t priority, const struct model_profile *p)
{
	for (size_t i = 0; i < g->n_rules; i++) {
		int rc = step_fill(w, &v[*n], g, &g->rules[i], priority, p);

		if (rc)
			return rc;
		(*n)++;
	}
	return 0;
}

int
rslv_build_firewall(struct rslv_world *w, struct rslv_view *view)
{
	const struct model *m = w->model;
	const struct model_vpc *vpc = view->vpc;
	const struct model_profile *p = vpc->profile;
	struct rslv_fw_step *v;
	size_t cap = 0, n = 0;
	int rc = 0;

	for (size_t g = 0; g < m->n_fw_groups; g++)
		for (size_t a = 0; a < m->fw_groups[g].n_assocs; a++)
			if (m->fw_groups[g].assocs[a].vpc == vpc)
				cap += m->fw_groups[g].n_rules;
	for (size_t f = 0; p && f < p->n_firewall; f++)
		cap += p->firewall[f].group->n_rules;
	if (cap == 0)
		return 0;
	v = hns_arena_alloc(&w->arena, cap * sizeof(*v));
	if (!v)
		return HNS_ENOMEM;
	for (size_t g = 0; rc == 0 && g < m->n_fw_groups; g++)
		for (size_t a = 0; rc == 0 && a < m->fw_groups[g].n_assocs; a++)
			if (m->fw_groups[g].assocs[a].vpc == vpc)
				rc = add_group(w, v, &n, &m->fw_groups[g],
					       m->fw_groups[g].assocs[a].priority, NULL);
	for (size_t f = 0; rc == 0 && p && f < p->n_firewall; f++)
		rc = add_group(w, v, &n, p->firewall[f].group, p->firewall[f].priority, p);
	if (rc)
		return rc;
	qsort(v, n, sizeof(*v), step_cmp);
	view->fw = v;
	view->n_fw = n;
	return 0;
}

static bool
step_matches(const struct rslv_fw_step *st, const uint8_t *qname, size_t qlen, uint16_t qtype)
{
	if (st->rule->qtype && st->rule->qtype != qtype)
		return false;
	for (size_t i = 0; i < st->rule->n_domains; i++) {
		const struct rslv_fw_domain *d = &st->domains[i];

		if (d->wildcard ? qlen > d->len && dns_name_is_subdomain(qname, qlen, d->wire, d->len)
				: dns_name_equal(qname, qlen, d->wire, d->len))
			return true;
	}
	return false;
}

static const char *const action_what[] = {
	[MODEL_FW_ALLOW] = "firewall-allow",
	[MODEL_FW_BLOCK] = "firewall-block",
	[MODEL_FW_ALERT] = "firewall-alert",
};

bool
rslv_firewall_check(const struct rslv_view *v, const uint8_t *qname, size_t qlen, uint16_t qtype,
		    struct rslv_result *out)
{
	const struct rslv_fw_step *st = NULL;

	for (size_t i = 0; i < v->n_fw && !st; i++)
		if (step_matches(&v->fw[i], qname, qlen, qtype))
			st = &v->fw[i];
	if (!st)
		return false;
	rslv_trace_add(&out->trace, MODEL_HOP_FIREWALL, st->group->name, st->group);
	out->trace.what = action_what[st->rule->action];
	out->fw = st;
	if (st->rule->action != MODEL_FW_BLOCK)
		return false;
	out->action = RSLV_ANSWER;
	out->zone = NULL;
	switch (st->rule->block) {
	case MODEL_FW_NODATA:
		out->rcode = DNS_RCODE_NOERROR;
		break;
	case MODEL_FW_NXDOMAIN:
		out->rcode = DNS_RCODE_NXDOMAIN;
		break;
	case MODEL_FW_OVERRIDE:
		out->rcode = DNS_RCODE_NOERROR;
		out->answer = st->override;
		break;
	}
	return true;
}
