#include "config.h"

#include <string.h>

#include "common/error.h"
#include "resolver/view_internal.h"

/*
 * A VPC's Route 53 Profile in its view (docs/aws-semantics.md, "Route 53
 * Profiles").  The profile's private hosted zones and resolver rules join
 * the VPC's rule table after the VPC's own associations, so the lookup's
 * longest-suffix walk gives the most specific name whichever side it came
 * from; at an identical name the VPC's own rule or hosted zone stays and
 * the profile's is left out.  Autodefined names (EC2 internal, reverse)
 * give way to a profile's zone or rule of their name, as they give way to
 * the VPC's own.  Entries the profile adds carry it, for the trace.
 */

/* Whether the entry holds an association of the VPC's own (or the profile's already). */
static bool
entry_taken(const struct rslv_rule_entry *e, const struct model_profile *p)
{
	if (e->profile == p && (e->custom || e->autodef))
		return false; /* a rule and a zone of one name, both the profile's */
	return e->custom || e->autodef_inbound ||
	       (e->autodef &&
		(e->autodef->kind == RSLV_ZONE_HOSTED || e->autodef->kind == RSLV_ZONE_PRIVATE_DNS));
}

static int
profile_rule(struct rslv_world *w, struct rslv_view *v, const struct model_profile *p,
	     const struct model_rule *r)
{
	uint8_t name[DNS_NAME_MAX];
	struct rslv_rule_entry *e;
	int n = rslv_name_wire_lower(r->domain, name), rc;

	if (n <= 0)
		return HNS_ENAME;
	if ((rc = rslv_rule_entry_get(w, v->tag, name, (size_t)n, &e)))
		return rc;
	if (entry_taken(e, p) || e->custom)
		return 0;
	e->custom = r;
	e->profile = p;
	return 0;
}

static int
profile_zone(struct build *b, struct rslv_view *v, const struct model_profile *p,
	     const struct model_zone *mz)
{
	struct rslv_rule_entry *e;
	struct rslv_zone *z = NULL;
	int rc;

	for (size_t i = 0; i < b->n && !z; i++)
		if (b->zones[i].z->kind == RSLV_ZONE_HOSTED && b->zones[i].z->mzone == mz)
			z = b->zones[i].z;
	if (!z)
		return 0;
	if ((rc = rslv_rule_entry_get(b->w, v->tag, z->wname, z->wlen, &e)))
		return rc;
	if (entry_taken(e, p) || (e->profile == p && e->autodef))
		return 0;
	e->autodef = z;
	e->profile = p;
	return 0;
}

int
rslv_build_profile(struct build *b, struct rslv_view *v)
{
	const struct model_profile *p = v->vpc->profile;
	int rc = 0;

	if (!p)
		return 0;
	for (size_t i = 0; rc == 0 && i < p->n_rules; i++)
		rc = profile_rule(b->w, v, p, p->rules[i]);
	/* private hosted zones need both VPC DNS attributes (R5), as the VPC's own */
	if (!v->vpc->dns_support || !v->vpc->dns_hostnames)
		return rc;
	for (size_t i = 0; rc == 0 && i < p->n_zones; i++)
		rc = profile_zone(b, v, p, p->zones[i]);
	return rc;
}
