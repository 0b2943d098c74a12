#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/wire.h"
#include "model/model.h"
#include "resolver/view.h"

/*
 * The autodefined reverse zones of each VPC's CIDR and its peers' CIDRs
 * (resolver/view_reverse.c), asked straight through rslv_resolve.
 */
static const char world_yaml[] =
	"scenario: reverse-tests\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  app:\n"
	"    cidr: 10.0.0.0/23\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.0.0/24}\n"
	"      b: {az: eu-west-1b, cidr: 10.0.1.0/24}\n"
	"  virginia:\n"
	"    cidr: 10.8.0.0/16\n"
	"    region: us-east-1\n"
	"    subnets:\n"
	"      a: {az: us-east-1a, cidr: 10.8.0.0/24}\n"
	"  quiet:\n"
	"    cidr: 10.9.0.0/16\n"
	"    dns_support: false\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.9.0.0/24}\n"
	"  off:\n"
	"    cidr: 10.20.0.0/16\n"
	"    autodefined_reverse: false\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.20.0.0/24}\n"
	"  tiny:\n"
	"    cidr: 10.40.0.16/28\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.40.0.16/28}\n"
	"  oregon:\n"
	"    cidr: 10.0.1.0/24\n"
	"    region: us-west-2\n"
	"    subnets:\n"
	"      a: {az: us-west-2a, cidr: 10.0.1.0/24}\n"
	"peerings:\n"
	"  - [app, virginia]\n"
	"  - [app, quiet]\n"
	"  - [app, oregon]\n"
	"resolver:\n"
	"  endpoints:\n"
	"    out:\n"
	"      direction: outbound\n"
	"      vpc: app\n"
	"      ips: {a: 10.0.0.11, b: 10.0.1.11}\n"
	"  rules:\n"
	"    onprem-reverse:\n"
	"      domain: 10.in-addr.arpa\n"
	"      type: forward\n"
	"      endpoint: out\n"
	"      targets: [192.168.10.53, 192.168.10.54]\n"
	"      vpcs: [app, off]\n"
	"    first-subnet:\n"
	"      domain: 0.0.10.in-addr.arpa\n"
	"      type: forward\n"
	"      endpoint: out\n"
	"      targets: [192.168.10.53, 192.168.10.54]\n"
	"      vpcs: [app]\n";

static struct model *model;
static struct rslv_world *world;

static int
setup(void **state)
{
	struct model_errors errs;

	(void)state;
	model_errors_init(&errs);
	int rc = model_load_buffer("reverse-tests.yaml", world_yaml, sizeof(world_yaml) - 1, &model,
				   &errs);

	if (rc != 0)
		model_errors_print(&errs, stderr);
	model_errors_deinit(&errs);
	if (rc != 0)
		return -1;
	return rslv_world_new(model, &world) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rslv_world_free(world);
	model_free(model);
	return 0;
}

static void
ptr(const char *vpc, const char *qname, struct rslv_result *r)
{
	uint8_t q[DNS_NAME_MAX];
	int n = dns_name_from_str(qname, q);
	const struct model_vpc *v = model_vpc_find(model, vpc);

	assert_true(n > 0);
	assert_non_null(v);
	dns_name_lower(q, (size_t)n);
	memset(r, 0, sizeof(*r));
	rslv_resolve(world, v->index, RSLV_FROM_VPC, q, (size_t)n, DNS_TYPE_PTR, r);
}

/* The PTR name of a synthesised answer, and the zone that gave it. */
static void
expect_ptr(const struct rslv_result *r, const char *name, const char *zone)
{
	char text[DNS_NAME_MAX * 4];

	assert_int_equal(r->action, RSLV_ANSWER);
	assert_int_equal(r->synth_type, DNS_TYPE_PTR);
	assert_true(dns_name_to_str(r->synth_name, r->synth_name_len, text, sizeof(text)) == 0);
	assert_string_equal(text, name);
	assert_non_null(r->trace.zone);
	assert_string_equal(r->trace.zone->name, zone);
}

static void
expect_forward(const struct rslv_result *r, const char *rule)
{
	assert_int_equal(r->action, RSLV_FORWARD);
	assert_non_null(r->rule);
	assert_string_equal(r->rule->name, rule);
}

/* A /23 gets two /24 zones that beat the custom 10.in-addr.arpa rule; the rest still forwards. */
static void
test_autodefined_reverse_beats_less_specific_rule(void **state)
{
	struct rslv_result r;

	(void)state;
	ptr("app", "5.1.0.10.in-addr.arpa", &r);
	expect_ptr(&r, "ip-10-0-1-5.eu-west-1.compute.internal", "1.0.10.in-addr.arpa");
	ptr("app", "7.2.0.10.in-addr.arpa", &r); /* outside the VPC: the custom rule */
	expect_forward(&r, "onprem-reverse");
}

/* A custom rule for exactly an autodefined reverse zone wins the tie (R2). */
static void
test_autodefined_reverse_exact_custom_rule_wins(void **state)
{
	struct rslv_result r;

	(void)state;
	ptr("app", "5.0.0.10.in-addr.arpa", &r);
	expect_forward(&r, "first-subnet");
}

/* A peer with DNS support adds its CIDR's zones, named in the peer's region; one without does not. */
static void
test_autodefined_reverse_peer_zones(void **state)
{
	struct rslv_result r;

	(void)state;
	ptr("app", "9.3.8.10.in-addr.arpa", &r);
	expect_ptr(&r, "ip-10-8-3-9.ec2.internal", "8.10.in-addr.arpa");
	ptr("virginia", "5.1.0.10.in-addr.arpa", &r);
	expect_ptr(&r, "ip-10-0-1-5.eu-west-1.compute.internal", "1.0.10.in-addr.arpa");
	ptr("app", "9.3.9.10.in-addr.arpa", &r); /* quiet has DNS support off */
	expect_forward(&r, "onprem-reverse");
}

/* A /28 gets the /24 it lies in. */
static void
test_autodefined_reverse_small_cidr(void **state)
{
	struct rslv_result r;

	(void)state;
	ptr("tiny", "20.0.40.10.in-addr.arpa", &r);
	expect_ptr(&r, "ip-10-40-0-20.eu-west-1.compute.internal", "0.40.10.in-addr.arpa");
}

/* autodefined_reverse: false: no reverse zone at all, the custom rule takes the VPC's own PTRs. */
static void
test_autodefined_reverse_disabled(void **state)
{
	struct rslv_result r;

	(void)state;
	ptr("off", "5.0.20.10.in-addr.arpa", &r);
	expect_forward(&r, "onprem-reverse");
	assert_true(model_vpc_find(model, "app")->autodefined_reverse); /* the default */
	assert_false(model_vpc_find(model, "off")->autodefined_reverse);
}

/* A peering AWS refuses (overlapping CIDRs) adds neither reverse zones nor internal names. */
static void
test_autodefined_reverse_refused_peering(void **state)
{
	struct rslv_result r;

	(void)state;
	assert_false(model_peering_active(&model->peerings[2]));
	assert_true(model_peering_active(&model->peerings[0]));
	/* app's own zone answers in app's region ... */
	ptr("app", "5.1.0.10.in-addr.arpa", &r);
	expect_ptr(&r, "ip-10-0-1-5.eu-west-1.compute.internal", "1.0.10.in-addr.arpa");
	/* ... and oregon's own zone in oregon's: neither answers for the other */
	ptr("oregon", "5.1.0.10.in-addr.arpa", &r);
	expect_ptr(&r, "ip-10-0-1-5.us-west-2.compute.internal", "1.0.10.in-addr.arpa");
	ptr("oregon", "5.0.0.10.in-addr.arpa", &r); /* app's other /24: only the RFC 1918 zone */
	expect_ptr(&r, "ip-10-0-0-5.us-west-2.compute.internal", "10.in-addr.arpa");
}

/* The key is a boolean, checked where it stands. */
static void
test_autodefined_reverse_key_must_be_bool(void **state)
{
	static const char bad[] = "scenario: bad\n"
				  "region: eu-west-1\n"
				  "vpcs:\n"
				  "  app:\n"
				  "    cidr: 10.0.0.0/16\n"
				  "    autodefined_reverse: sometimes\n";
	struct model_errors errs;
	struct model *m = NULL;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	model_errors_init(&errs);
	assert_int_not_equal(model_load_buffer("bad.yaml", bad, sizeof(bad) - 1, &m, &errs), 0);
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	model_errors_print(&errs, f);
	fclose(f);
	assert_non_null(strstr(text, "bad.yaml:6:"));
	assert_non_null(strstr(text, "autodefined_reverse"));
	free(text);
	model_errors_deinit(&errs);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_autodefined_reverse_beats_less_specific_rule),
		cmocka_unit_test(test_autodefined_reverse_exact_custom_rule_wins),
		cmocka_unit_test(test_autodefined_reverse_peer_zones),
		cmocka_unit_test(test_autodefined_reverse_small_cidr),
		cmocka_unit_test(test_autodefined_reverse_disabled),
		cmocka_unit_test(test_autodefined_reverse_refused_peering),
		cmocka_unit_test(test_autodefined_reverse_key_must_be_bool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
