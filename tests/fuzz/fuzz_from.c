/*
 * Fuzz target for model_from_parse(): any bytes as a `from` text against a
 * small scenario with every kind of source.  The result must be
 * consistent: success names an object of the model and prints back
 * (model_from_str) to a text that parses to the same source; failure says
 * why, HNS_EPARSE exactly for a text of no form, and the name it reports
 * lies inside the text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "model/model.h"
#include "model/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scenario[] =
    "scenario: fuzz-from\nregion: eu-west-1\n"
    "vpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n"
    "      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
    "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
    "resolver:\n  endpoints:\n"
    "    in: {direction: inbound, vpc: v, ips: {a: 10.0.1.10, b: 10.0.2.10}}\n"
    "    out: {direction: outbound, vpc: v, ips: {a: 10.0.1.11, b: 10.0.2.11}}\n"
    "onprem:\n  resolvers:\n    dc1: {address: 192.168.10.53}\n"
    "    dc2: {address: 192.168.10.54}\n";

static struct model *
model_once(void)
{
	static struct model *m;

	if (m == NULL &&
	    model_load_buffer("fuzz-from.yaml", scenario, sizeof(scenario) - 1, &m, NULL) != 0)
		abort();
	return m;
}

static void
check_good(const struct model *m, const struct model_from *f)
{
	struct model_from g;
	char buf[512];

	if ((f->kind == MODEL_FROM_ONPREM && f->resolver == NULL) ||
	    (f->kind == MODEL_FROM_VPC && f->vpc == NULL) ||
	    (f->kind == MODEL_FROM_INBOUND &&
	     (f->inbound == NULL || f->inbound->direction != MODEL_INBOUND)))
		abort();
	if (model_from_parse(m, model_from_str(f, buf, sizeof(buf)), &g, NULL) != 0)
		abort();
	if (g.kind != f->kind || g.resolver != f->resolver || g.vpc != f->vpc ||
	    g.inbound != f->inbound || g.inbound_eni != f->inbound_eni)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct model *m = model_once();
	struct model_from f;
	struct model_from_why why;
	char *text = malloc(size + 1);
	int rc;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = model_from_parse(m, text, &f, &why);
	if (rc == 0) {
		if (why.problem != MODEL_FROM_FINE)
			abort();
		check_good(m, &f);
	} else {
		size_t len = strlen(text);

		if ((rc == HNS_EPARSE) != (why.problem == MODEL_FROM_BAD_FORM) ||
		    (rc != HNS_EPARSE && rc != HNS_ENOENT) || why.problem == MODEL_FROM_FINE)
			abort();
		if (why.name != NULL &&
		    (why.name < text || why.name + why.name_len > text + len))
			abort();
		if (why.subnet != NULL && (why.subnet < text || why.subnet > text + len))
			abort();
	}
	free(text);
	return 0;
}
