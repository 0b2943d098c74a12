/*
 * model/effective.c -- what AWS and a resolver make of what the scenario
 * says, computed in one place so that the emulation, lint, graph and the
 * exports never disagree: a resolver's effective forward timing after its
 * profile, and which peerings AWS would accept.
 */
#include "config.h"

#include "common/addr.h"
#include "model/model.h"

void
model_forward_timing(const struct model_onprem_resolver *r, const struct model_forward *f,
		     struct model_timing *out)
{
	size_t n = f != NULL ? f->n_to
		   : r->default_kind == MODEL_DEFAULT_UPSTREAMS ? r->n_default_upstreams
								: 1;

	out->policy = f != NULL ? f->policy : MODEL_POLICY_SEQUENTIAL;
	out->timeout_ms = f != NULL ? f->timeout_ms : MODEL_FORWARD_TIMEOUT_MS;
	out->attempts = f != NULL ? f->attempts : (uint32_t)(n ? n : 1);
	out->overall_ms = 0;
	if (r->profile == MODEL_PROFILE_WINDOWS)
		model_timing_windows(n, out);
}

void
model_timing_windows(size_t n_targets, struct model_timing *out)
{
	/* Windows asks its forwarders in list order, 3 s each, within 8 s (R18). */
	out->policy = MODEL_POLICY_SEQUENTIAL;
	out->timeout_ms = MODEL_WINDOWS_TIMEOUT_MS;
	out->attempts = n_targets < 3 ? 3 : (uint32_t)n_targets;
	out->overall_ms = MODEL_WINDOWS_OVERALL_MS;
}

bool
model_peering_active(const struct model_peering *p)
{
	return !hns_cidr_overlap(&p->a->cidr, &p->b->cidr);
}

const struct model_vpc *
model_peering_other(const struct model_peering *p, const struct model_vpc *v)
{
	const struct model_vpc *o = p->a == v ? p->b : p->b == v ? p->a : NULL;

	return o != NULL && model_peering_active(p) ? o : NULL;
}
