/*
 * Fuzz target for model_fault_parse() (`trace --given`): any bytes as one
 * fault text against a small scenario with every kind of fault.  Success
 * must name objects of the model that fit the kind and keep the text as
 * given; failure must leave the output untouched and say why.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scenario[] =
    "scenario: fuzz-fault\nregion: eu-west-1\n"
    "vpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n"
    "      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
    "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
    "endpoints:\n  api:\n    type: interface\n    service: com.amazonaws.eu-west-1.execute-api\n"
    "    vpc: v\n    enis: {a: 10.0.1.25, b: 10.0.2.25}\n"
    "resolver:\n  endpoints:\n"
    "    in: {direction: inbound, vpc: v, ips: {a: 10.0.1.10, b: 10.0.2.10}}\n"
    "onprem:\n  resolvers:\n    dc1: {address: 192.168.10.53}\n"
    "vpn:\n  vpcs: [v]\n  tunnels:\n    tunnel1: {latency_ms: 1}\n";

/* Each fault keeps its text in the model's arena: a fresh model now and then bounds it. */
#define FAULT_REUSE 4096

static struct model *
model_once(void)
{
	static struct model *m;
	static unsigned uses;

	if (m != NULL && ++uses % FAULT_REUSE == 0) {
		model_free(m);
		m = NULL;
	}
	if (m == NULL &&
	    model_load_buffer("fuzz-fault.yaml", scenario, sizeof(scenario) - 1, &m, NULL) != 0)
		abort();
	return m;
}

static void
check_good(const struct model_fault *f, const char *text)
{
	if (f->text == NULL || strcmp(f->text, text) != 0)
		abort();
	switch (f->kind) {
	case MODEL_FAULT_TUNNEL:
		if (f->tunnel == NULL)
			abort();
		break;
	case MODEL_FAULT_RESOLVER_ENI:
		if (f->resolver_endpoint == NULL || f->eni == NULL)
			abort();
		break;
	case MODEL_FAULT_RESOLVER_ENDPOINT:
		if (f->resolver_endpoint == NULL)
			abort();
		break;
	case MODEL_FAULT_ENDPOINT_ENI:
		if (f->endpoint == NULL || f->eni == NULL)
			abort();
		break;
	case MODEL_FAULT_ONPREM:
		if (f->onprem == NULL)
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m = model_once();
	struct model_fault f, untouched;
	char *text = malloc(size + 1), err[512];
	int rc;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&f, 0x5a, sizeof(f));
	untouched = f;
	err[0] = '\0';
	rc = model_fault_parse(m, text, &f, err, sizeof(err));
	if (rc == 0)
		check_good(&f, text);
	else if (rc != HNS_EINVAL || err[0] == '\0' || memcmp(&f, &untouched, sizeof(f)) != 0)
		abort();
	free(text);
	return 0;
}
