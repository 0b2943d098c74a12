/*
 * lint/rules_endpoints.c -- interface and gateway endpoints: private DNS
 * beside a shared private zone of the same name (HNS110), execute-api
 * private DNS (HNS113), S3 private DNS "only for inbound endpoints" without
 * the gateway route it relies on (HNS115).  Endpoints for another region's
 * service (HNS127) are in rules_catalog.c.
 */
#include "config.h"

#include <string.h>

#include "lint/internal.h"

static struct model_loc
lint_privdns_loc(struct lint_ctx *c, const struct model_endpoint *e)
{
	return lint_key_loc(c, e->loc, "private_dns");
}

void
lint_check_hns110(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		if (e->type != MODEL_ENDPOINT_INTERFACE || !e->private_dns)
			continue;
		const struct lint_vpc_view *v = &c->views[e->vpc->index];
		for (size_t j = 0; j < e->n_dns_names; j++) {
			for (size_t k = 0; k < v->n_zones; k++) {
				if (strcmp(v->zones[k]->name, e->dns_names[j].name) != 0)
					continue;
				lint_emit(c, lint_privdns_loc(c, e),
					  lint_fmt(c, "endpoints.%s.private_dns", e->name),
					  lint_fmt(c,
						   "endpoint %s has private DNS on in VPC %s, which "
						   "also has the private hosted zone %s: AWS refuses "
						   "it (turning private DNS on fails with \"conflicting "
						   "DNS domain\", associating the zone with "
						   "ConflictingDomainExists), so this design cannot be "
						   "built; the emulation answers from the zone",
						   e->name, e->vpc->name, v->zones[k]->name),
					  lint_fmt(c,
						   "turn private DNS off on %s (the shared zone answers), "
						   "or disassociate the zone from %s",
						   e->name, e->vpc->name));
			}
		}
	}
}

void
lint_check_hns113(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		if (e->type != MODEL_ENDPOINT_INTERFACE || !e->private_dns ||
		    strcmp(e->service_short, "execute-api") != 0)
			continue;
		lint_emit(c, lint_privdns_loc(c, e), lint_fmt(c, "endpoints.%s.private_dns", e->name),
			  lint_fmt(c,
				   "execute-api private DNS in VPC %s answers *.execute-api.%s."
				   "amazonaws.com with the endpoint: public (regional and edge) APIs "
				   "called from %s reach the endpoint and get 403",
				   e->vpc->name, e->service_region, e->vpc->name),
			  "turn private DNS off and call private APIs by the endpoint's vpce name "
			  "(Host or x-apigw-api-id header) or a private zone for just those APIs");
	}
}

void
lint_check_hns115(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		if (e->type != MODEL_ENDPOINT_INTERFACE || !e->private_dns ||
		    !e->private_dns_only_for_inbound)
			continue;
		const struct lint_vpc_view *v = &c->views[e->vpc->index];
		const struct model_endpoint *gw = NULL;
		bool all = false;
		for (size_t j = 0; j < v->n_gateways; j++) {
			if (strcmp(v->gateways[j]->service_short, e->service_short) != 0)
				continue;
			gw = v->gateways[j];
			all = all || gw->n_gateway_subnets == 0;
		}
		if (all)
			continue;
		/* The subnets no gateway endpoint of the service routes. */
		const char *bare = NULL;
		for (size_t s = 0; s < e->vpc->n_subnets; s++) {
			bool routed = false;
			for (size_t j = 0; j < v->n_gateways && !routed; j++) {
				if (strcmp(v->gateways[j]->service_short, e->service_short) != 0)
					continue;
				for (size_t k = 0; k < v->gateways[j]->n_gateway_subnets; k++)
					routed = routed || v->gateways[j]->gateway_subnets[k] ==
								   &e->vpc->subnets[s];
			}
			if (!routed)
				bare = lint_fmt(c, "%s%s%s", bare ? bare : "", bare ? ", " : "",
						e->vpc->subnets[s].name);
		}
		if (gw != NULL && bare == NULL)
			continue;
		lint_emit(c, lint_key_loc(c, e->loc, "private_dns_only_for_inbound"),
			  lint_fmt(c, "endpoints.%s.private_dns_only_for_inbound", e->name),
			  gw == NULL
				  ? lint_fmt(c,
					     "%s private DNS only for inbound endpoints needs a %s "
					     "gateway endpoint in VPC %s: the VPC itself gets public "
					     "answers and has no private route to them",
					     e->service_short, e->service_short, e->vpc->name)
				  : lint_fmt(c,
					     "%s private DNS only for inbound endpoints gives VPC %s "
					     "public answers, but gateway endpoint %s routes only some "
					     "subnets: %s reach %s over the internet path",
					     e->service_short, e->vpc->name, gw->name, bare,
					     e->service_short),
			  "associate the gateway endpoint with every subnet's route table, or "
			  "turn the option off so the VPC uses the interface endpoint too");
	}
}
