/*
 * lint/rules_catalog.c -- endpoints against the service catalog: an
 * endpoint for another region's service (HNS127), a service the catalog
 * does not know, whose names were assumed (HNS140), and a cross-region
 * endpoint for a service AWS does not offer across regions (HNS141).
 */
#include "config.h"

#include <string.h>

#include "common/error.h"
#include "lint/internal.h"
#include "model/catalog.h"

/* An endpoint whose service lives in another region than its VPC (not one of your own). */
static bool
lint_other_region(const struct model_endpoint *e)
{
	return e->service_region != NULL && e->vpc != NULL && e->vpc->region != NULL &&
	       e->service_short != NULL && strcmp(e->service_region, e->vpc->region) != 0 &&
	       strncmp(e->service_short, "vpce-svc-", 9) != 0;
}

/* How to reach another region's service: cross-region where AWS offers it, else locally. */
static const char *
lint_region_fix(struct lint_ctx *c, const struct model_endpoint *e)
{
	if (e->type == MODEL_ENDPOINT_INTERFACE && catalog_cross_region(e->service_short))
		return lint_fmt(c,
				"add `service_region: %s`: AWS offers %s over cross-region "
				"PrivateLink, so the endpoint can stay in %s",
				e->service_region, e->service_short, e->vpc->name);
	return lint_fmt(c,
			"create the endpoint in a VPC of %s (and share it with a private "
			"zone), or use the %s service of %s",
			e->service_region, e->service_short, e->vpc->region);
}

void
lint_check_hns127(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		const char *home = catalog_regionless_home(e->service_short ? e->service_short : "");

		/* With `service_region` it is cross-region: fine, or HNS141. */
		if (!lint_other_region(e) || e->cross_region != NULL)
			continue;
		lint_emit(c, lint_key_loc(c, e->loc, "service"),
			  lint_fmt(c, "endpoints.%s.service", e->name),
			  lint_fmt(c,
				   "endpoint %s is for %s in %s%s, but VPC %s is in %s: AWS "
				   "endpoints for AWS services are regional and CreateVpcEndpoint "
				   "refuses another region's service unless it is created as a "
				   "cross-region endpoint",
				   e->name, e->service_short, e->service_region,
				   home != NULL ? " (a regionless service: its one endpoint "
						  "service lives there)"
						: "",
				   e->vpc->name, e->vpc->region),
			  lint_region_fix(c, e));
	}
}

/* What the loader assumed for a service the catalog does not know. */
static const char *
lint_assumed(struct lint_ctx *c, const struct model_endpoint *e)
{
	struct model_service_name *names = NULL;
	size_t n = 0;

	if (catalog_names(c->arena, e->service_short, e->service_region, &names, &n) != 0) {
		c->err = HNS_ENOMEM;
		return "";
	}
	if (e->n_dns_names == 1 && n == 1 && strcmp(e->dns_names[0].name, names[0].name) == 0)
		return lint_fmt(c,
				"the private DNS name %s (no wildcard) and the vpce label %s "
				"(%s.%s.%s.vpce.amazonaws.com)",
				names[0].name, e->service_short, "vpce-<id>-<suffix>",
				e->service_short, e->service_region);
	return lint_fmt(c, "the vpce label %s (its private DNS names come from dns_names)",
			e->service_short);
}

void
lint_check_hns140(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];

		if (e->type != MODEL_ENDPOINT_INTERFACE || e->service_short == NULL ||
		    strncmp(e->service_short, "vpce-svc-", 9) == 0 ||
		    catalog_known(e->service_short))
			continue;
		const char *assumed = lint_assumed(c, e);

		if (c->err)
			return;
		lint_emit(c, lint_key_loc(c, e->loc, "service"),
			  lint_fmt(c, "endpoints.%s.service", e->name),
			  lint_fmt(c,
				   "endpoint %s is for %s, which the service catalog does not "
				   "know: hybridns assumed %s, no gateway endpoint and no "
				   "cross-region PrivateLink",
				   e->name, e->service, assumed),
			  "check the service name against AWS's list of services that "
			  "integrate with PrivateLink; where its DNS names differ, give them "
			  "in `dns_names`");
	}
}

void
lint_check_hns141(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];

		if (!lint_other_region(e) || e->cross_region == NULL ||
		    catalog_cross_region(e->service_short))
			continue;
		lint_emit(c, lint_key_loc(c, e->loc, "service_region"),
			  lint_fmt(c, "endpoints.%s.service_region", e->name),
			  lint_fmt(c,
				   "endpoint %s in VPC %s (%s) asks for %s in %s across regions, "
				   "but AWS offers cross-region PrivateLink only for some services "
				   "(S3, IAM, ECR, KMS, ECS, Lambda, Data Firehose, Managed Service "
				   "for Apache Flink, Route 53) and CreateVpcEndpoint refuses this one",
				   e->name, e->vpc->name, e->vpc->region, e->service_short,
				   e->service_region),
			  lint_region_fix(c, e));
	}
}
