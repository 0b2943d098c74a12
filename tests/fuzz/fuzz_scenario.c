/*
 * Fuzz target for the scenario loader: any bytes in, no crash, leak or
 * hang.  The result must be consistent: success with no errors and a
 * model whose lookups find its own objects, or failure with at least one
 * located error ("fuzz.yaml:LINE:COLUMN: ...").
 *
 * YAML aliases are rejected by the loader and nesting and node counts are
 * bounded, so "billion laughs" and deep inputs stay cheap (see the corpus).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_model(const struct model *m)
{
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (model_vpc_find(m, m->vpcs[i].name) != &m->vpcs[i] || m->vpcs[i].id == NULL)
			abort();
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];

		if (model_endpoint_find(m, ep->name) != ep || ep->vpc == NULL || ep->id == NULL)
			abort();
		for (size_t j = 0; j < ep->n_enis; j++) {
			if (ep->enis[j].subnet == NULL || ep->enis[j].zonal_name == NULL)
				abort();
		}
	}
	for (size_t i = 0; i < m->n_zones; i++) {
		if (m->zones[i].soa == NULL)
			abort();
		for (size_t j = 0; j < m->zones[i].n_records; j++) {
			const struct model_record *r = &m->zones[i].records[j];

			if (r->owner == NULL || (r->rr == NULL) != (r->alias != MODEL_ALIAS_NONE))
				abort();
		}
	}
	for (size_t i = 0; i < m->n_expects; i++) {
		if (m->expects[i].qname == NULL || m->expects[i].name == NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_errors e;
	struct model *m = NULL;
	int rc;

	model_errors_init(&e);
	rc = model_load_buffer("fuzz.yaml", (const char *)data, size, &m, &e);
	if (rc == 0) {
		if (m == NULL || e.n != 0)
			abort();
		check_model(m);
		model_free(m);
	} else {
		if (m != NULL)
			abort();
		if (rc == HNS_ESCENARIO && e.n == 0)
			abort();
		for (size_t i = 0; i < e.n; i++) {
			if (strncmp(e.msgs[i], "fuzz.yaml:", 10) != 0)
				abort();
		}
	}
	model_errors_deinit(&e);
	return 0;
}
