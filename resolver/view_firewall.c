#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "resolver/view_internal.h"

/*
 * Route 53 Resolver DNS Firewall (docs/aws-semantics.md, "DNS Firewall").
 *
 * At load time each view gets its firewall as one flat list of steps in
 * the model's evaluation order (model_fw_steps: the rule groups associated
 * with the VPC, directly or through its Route 53 Profile, by association
 * priority, then each group's rules by theirs), each rule's domains in
 * wire form and an OVERRIDE rule's CNAME answer prepared.
 *
 * Per query, before the rule table: the first step whose domain list (and
 * query type, when the rule has one) matches decides.  ALLOW and ALERT
 * stop the inspection and let the query through; BLOCK answers NODATA,
 * NXDOMAIN or the OVERRIDE CNAME.  No match: the query goes on.
 */

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

int
rslv_build_firewall(struct rslv_world *w, struct rslv_view *view)
{
	size_t n = model_fw_steps(w->model, view->vpc, NULL, 0);
	struct model_fw_step *ms;
	struct rslv_fw_step *v;
	int rc = 0;

	if (n == 0)
		return 0;
	ms = calloc(n, sizeof(*ms));
	v = hns_arena_alloc(&w->arena, n * sizeof(*v));
	if (!ms || !v) {
		free(ms);
		return HNS_ENOMEM;
	}
	model_fw_steps(w->model, view->vpc, ms, n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = step_fill(w, &v[i], ms[i].group, ms[i].rule, ms[i].priority, ms[i].profile);
	free(ms);
	if (rc)
		return rc;
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
