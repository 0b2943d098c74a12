/*
 * model/from.c -- where a query starts: the `from` text of expectations,
 * load profiles and `hybridns trace --from`, parsed once against a model.
 */
#include "config.h"

#include <string.h>

#include "common/error.h"
#include "model/internal.h"
#include "model/model.h"

/* The inbound endpoint and ENI of "inbound:<endpoint>[@<subnet>]" (rest: after the colon). */
static int
from_inbound(const struct model *m, const char *rest, struct model_from *f,
             struct model_from_why *why)
{
	const char *at = strchr(rest, '@');

	why->name = rest;
	why->name_len = at != NULL ? (size_t)(at - rest) : strlen(rest);
	why->subnet = at != NULL ? at + 1 : NULL;
	f->kind = MODEL_FROM_INBOUND;
	f->inbound = ld_find(m->resolver_endpoints, m->n_resolver_endpoints,
	                     sizeof(*m->resolver_endpoints), why->name, why->name_len);
	if (f->inbound == NULL) {
		why->problem = MODEL_FROM_NO_ENDPOINT;
		return HNS_ENOENT;
	}
	if (f->inbound->direction != MODEL_INBOUND) {
		why->problem = MODEL_FROM_NOT_INBOUND;
		return HNS_ENOENT;
	}
	if (at == NULL)
		return 0;
	for (size_t i = 0; i < f->inbound->n_enis; i++) {
		if (strcmp(f->inbound->enis[i].subnet->name, at + 1) == 0)
			f->inbound_eni = &f->inbound->enis[i];
	}
	if (f->inbound_eni == NULL) {
		why->problem = MODEL_FROM_NO_SUBNET;
		return HNS_ENOENT;
	}
	return 0;
}

/* The object of "onprem:<resolver>", "vpc:<vpc>" or "inbound:...", by the text's prefix. */
static int
from_named(const struct model *m, const char *text, struct model_from *f,
           struct model_from_why *why)
{
	if (strncmp(text, "onprem:", 7) == 0) {
		why->name = text + 7;
		why->name_len = strlen(why->name);
		f->kind = MODEL_FROM_ONPREM;
		f->resolver = model_onprem_resolver_find(m, why->name);
		why->problem = f->resolver == NULL ? MODEL_FROM_NO_RESOLVER : MODEL_FROM_FINE;
		return f->resolver == NULL ? HNS_ENOENT : 0;
	}
	if (strncmp(text, "vpc:", 4) == 0) {
		why->name = text + 4;
		why->name_len = strlen(why->name);
		f->kind = MODEL_FROM_VPC;
		f->vpc = model_vpc_find(m, why->name);
		why->problem = f->vpc == NULL ? MODEL_FROM_NO_VPC : MODEL_FROM_FINE;
		return f->vpc == NULL ? HNS_ENOENT : 0;
	}
	if (strncmp(text, "inbound:", 8) == 0)
		return from_inbound(m, text + 8, f, why);
	why->problem = MODEL_FROM_BAD_FORM;
	return HNS_EPARSE;
}

int
model_from_parse(const struct model *m, const char *text, struct model_from *out,
                 struct model_from_why *why)
{
	struct model_from f = {0};
	struct model_from_why w = {MODEL_FROM_FINE, NULL, 0, NULL};
	int rc = 0;

	if (strcmp(text, "internet") == 0) {
		f.kind = MODEL_FROM_INTERNET;
	} else if (strcmp(text, "onprem") == 0) {
		f.kind = MODEL_FROM_ONPREM;
		if (m->onprem.n_resolvers > 0) {
			f.resolver = &m->onprem.resolvers[0];
		} else {
			w.problem = MODEL_FROM_NO_ONPREM;
			rc = HNS_ENOENT;
		}
	} else {
		rc = from_named(m, text, &f, &w);
	}
	if (why != NULL)
		*why = w;
	if (rc == 0)
		*out = f;
	return rc;
}
