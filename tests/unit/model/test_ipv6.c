/*
 * The IPv6 extensions of format v1 (model/load_ipv6.c): ipv6_cidr of VPCs
 * and subnets, ENI values `<ip>` / `{ip, ipv6}`, ip_address_type and
 * dns_record_ip_type, IPv6 addresses derived for dual-stack ENIs, and the
 * located errors of each wrong form.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/error.h"
#include "model/ipv6.h"
#include "model/model.h"

/* A dual-stack VPC; %s is the rest of the VPC's subnet private-a, then the endpoints and more. */
static const char base[] = "scenario: t\n"
			   "region: eu-west-1\n"
			   "vpcs:\n"
			   "  v:\n"
			   "    cidr: 10.0.0.0/16\n"
			   "    ipv6_cidr: %s\n"
			   "    subnets:\n"
			   "      a: {az: eu-west-1a, cidr: 10.0.1.0/24%s}\n"
			   "      b: {az: eu-west-1b, cidr: 10.0.2.0/24, ipv6_cidr: "
			   "\"2600:1f18:6b:a102::/64\"}\n"
			   "%s";

static const char sub_a[] = ", ipv6_cidr: \"2600:1f18:6b:a101::/64\"";
static const char vpc6[] = "\"2600:1f18:6b:a100::/56\"";

/* Loads the text; returns the model (NULL on failure) and the first error into err. */
static struct model *
load(const char *vpc_cidr6, const char *a_extra, const char *rest, char *err, size_t len)
{
	char text[4096];
	struct model_errors e;
	struct model *m = NULL;

	snprintf(text, sizeof(text), base, vpc_cidr6, a_extra, rest);
	model_errors_init(&e);
	err[0] = '\0';
	if (model_load_buffer("t.yaml", text, strlen(text), &m, &e) != 0)
		snprintf(err, len, "%s", e.n ? e.msgs[0] : "?");
	model_errors_deinit(&e);
	return m;
}

static void
assert_addr(const struct hns_addr *a, const char *text)
{
	char buf[HNS_ADDR_STRLEN];

	assert_string_equal(hns_addr_str(a, buf, sizeof(buf)), text);
}

/* Fails to load with exactly this first error. */
static void
assert_error(const char *vpc_cidr6, const char *a_extra, const char *rest, const char *want)
{
	char err[512];
	struct model *m = load(vpc_cidr6, a_extra, rest, err, sizeof(err));

	if (m != NULL)
		fprintf(stderr, "loaded, expected: %s\n", want);
	assert_null(m);
	if (strcmp(err, want) != 0)
		fprintf(stderr, "got:  %s\nwant: %s\n", err, want);
	assert_string_equal(err, want);
}

static const char ep_dual[] = "endpoints:\n"
			      "  sqs:\n"
			      "    type: interface\n"
			      "    service: com.amazonaws.eu-west-1.sqs\n"
			      "    vpc: v\n"
			      "    ip_address_type: dualstack\n"
			      "    enis:\n"
			      "      a: 10.0.1.25\n"
			      "      b: {ip: 10.0.2.25, ipv6: \"2600:1f18:6b:a102::99\"}\n"
			      "resolver:\n"
			      "  endpoints:\n"
			      "    in:\n"
			      "      direction: inbound\n"
			      "      vpc: v\n"
			      "      ip_address_type: dualstack\n"
			      "      ips: {a: 10.0.1.10, b: 10.0.2.10}\n";

static void
test_ipv6_dualstack_derives_and_keeps_given(void **state)
{
	char err[512];
	struct model *m = load(vpc6, sub_a, ep_dual, err, sizeof(err));

	(void)state;
	if (m == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(m);
	assert_int_equal(m->vpcs[0].ipv6_cidr.prefix, 56);
	assert_addr(&m->vpcs[0].dns_addr6, "fd00:ec2::253");
	assert_addr(&m->vpcs[0].subnets[0].ipv6_cidr.base, "2600:1f18:6b:a101::");
	const struct model_endpoint *ep = &m->endpoints[0];

	assert_int_equal(ep->ip_address_type, MODEL_IP_DUALSTACK);
	assert_int_equal(ep->dns_record_ip_type, MODEL_DNS_DUALSTACK);
	assert_addr(&ep->enis[0].ip, "10.0.1.25");
	assert_addr(&ep->enis[0].ip6, "2600:1f18:6b:a101::25"); /* derived: decimal 25 as hex */
	assert_addr(&ep->enis[1].ip, "10.0.2.25");
	assert_addr(&ep->enis[1].ip6, "2600:1f18:6b:a102::99"); /* given */
	const struct model_resolver_endpoint *re = &m->resolver_endpoints[0];

	assert_int_equal(re->ip_address_type, MODEL_IP_DUALSTACK);
	assert_addr(&re->enis[1].ip6, "2600:1f18:6b:a102::10");
	assert_true(model_onprem_target_ok(m, &re->enis[0].ip6));
	assert_false(model_onprem_target_ok(m, &ep->enis[0].ip6)); /* an interface ENI serves no DNS */
	assert_false(model_onprem_target_ok(m, &m->vpcs[0].dns_addr6)); /* Nitro instances only */
	model_free(m);
}

static void
test_ipv6_only_endpoint_and_inferred_types(void **state)
{
	char err[512];
	struct model *m = load(vpc6, sub_a,
			       "endpoints:\n"
			       "  sqs:\n"
			       "    type: interface\n"
			       "    service: com.amazonaws.eu-west-1.sqs\n"
			       "    vpc: v\n"
			       "    enis: {a: \"2600:1f18:6b:a101::25\"}\n"
			       "  sts:\n"
			       "    type: interface\n"
			       "    service: com.amazonaws.eu-west-1.sts\n"
			       "    vpc: v\n"
			       "    enis: {a: {ip: 10.0.1.30, ipv6: \"2600:1f18:6b:a101::30\"}}\n",
			       err, sizeof(err));

	(void)state;
	if (m == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(m);
	assert_int_equal(m->endpoints[0].ip_address_type, MODEL_IP_IPV6);
	assert_int_equal(m->endpoints[0].dns_record_ip_type, MODEL_DNS_IPV6);
	assert_addr(&m->endpoints[0].enis[0].ip, "2600:1f18:6b:a101::25"); /* names the ENI */
	assert_addr(&m->endpoints[0].enis[0].ip6, "2600:1f18:6b:a101::25");
	assert_int_equal(m->endpoints[1].ip_address_type, MODEL_IP_DUALSTACK);
	model_free(m);
}

static void
test_ipv6_v1_file_is_ipv4(void **state)
{
	struct model_errors e;
	struct model *m = NULL;

	(void)state;
	model_errors_init(&e);
	assert_int_equal(model_load_file(MODEL_SCENARIO_DIR "/format-example.yaml", &m, &e), 0);
	model_errors_deinit(&e);
	assert_int_equal(m->vpcs[0].ipv6_cidr.base.family, 0);
	assert_int_equal(m->vpcs[0].dns_addr6.family, 0);
	assert_int_equal(m->endpoints[0].ip_address_type, MODEL_IP_IPV4);
	assert_int_equal(m->endpoints[0].dns_record_ip_type, MODEL_DNS_IPV4);
	assert_int_equal(m->endpoints[0].enis[0].ip6.family, 0);
	assert_int_equal(m->resolver_endpoints[0].ip_address_type, MODEL_IP_IPV4);
	model_free(m);
}

static void
test_ipv6_record_types_table(void **state)
{
	(void)state;
	/* AWS: ipv4 needs IPv4 or dualstack; ipv6 IPv6 or dualstack; the others dualstack. */
	assert_true(model_dns_ip_type_fits(MODEL_IP_IPV4, MODEL_DNS_IPV4));
	assert_false(model_dns_ip_type_fits(MODEL_IP_IPV4, MODEL_DNS_IPV6));
	assert_false(model_dns_ip_type_fits(MODEL_IP_IPV6, MODEL_DNS_IPV4));
	assert_false(model_dns_ip_type_fits(MODEL_IP_IPV6, MODEL_DNS_SERVICE_DEFINED));
	assert_true(model_dns_ip_type_fits(MODEL_IP_DUALSTACK, MODEL_DNS_SERVICE_DEFINED));
	/* service-defined: A everywhere, AAAA on the regional and zonal names only */
	assert_true(model_dns_ip_type_has(MODEL_DNS_SERVICE_DEFINED, true, false));
	assert_false(model_dns_ip_type_has(MODEL_DNS_SERVICE_DEFINED, true, true));
	assert_true(model_dns_ip_type_has(MODEL_DNS_SERVICE_DEFINED, false, true));
	assert_false(model_dns_ip_type_has(MODEL_DNS_IPV4, false, true));
	assert_false(model_dns_ip_type_has(MODEL_DNS_IPV6, true, false));
}

static void
test_ipv6_bad_cidrs_located(void **state)
{
	(void)state;
	assert_error("10.1.0.0/16", sub_a, "",
		     "t.yaml:6:16: vpcs.v.ipv6_cidr: 10.1.0.0/16 is an IPv4 CIDR (expected IPv6; "
		     "the IPv4 block is 'cidr')");
	assert_error("\"2600:1f18:6b:a100::/64\"", sub_a, "",
		     "t.yaml:6:16: vpcs.v.ipv6_cidr: 2600:1f18:6b:a100::/64 is a /64 block "
		     "(expected /44 to /60 in steps of /4, the sizes AWS allocates)");
	assert_error("\"2600:1f18:6b:a101::/56\"", sub_a, "",
		     "t.yaml:6:16: vpcs.v.ipv6_cidr: '2600:1f18:6b:a101::/56' is not a CIDR "
		     "without host bits (expected an IPv6 CIDR, e.g. 2600:1f18:6b:a100::/56)");
	assert_error(vpc6, ", ipv6_cidr: \"2600:1f18:6b:b101::/64\"", "",
		     "t.yaml:8:57: vpcs.v.subnets.a.ipv6_cidr: 2600:1f18:6b:b101::/64 is not "
		     "inside VPC v (2600:1f18:6b:a100::/56)");
	assert_error(vpc6, ", ipv6_cidr: \"2600:1f18:6b:a102::/64\"", "",
		     "t.yaml:9:57: vpcs.v.subnets.b.ipv6_cidr: 2600:1f18:6b:a102::/64 overlaps "
		     "subnet a (2600:1f18:6b:a102::/64)");
	assert_error(vpc6, ", ipv6_cidr: \"2600:1f18:6b:a101::/66\"", "",
		     "t.yaml:8:57: vpcs.v.subnets.a.ipv6_cidr: 2600:1f18:6b:a101::/66 is a /66 "
		     "block (expected /44 to /64 in steps of /4, the sizes AWS allocates)");
}

static void
test_ipv6_subnet_needs_vpc_block(void **state)
{
	char text[1024], err[512];
	struct model_errors e;
	struct model *m = NULL;

	(void)state;
	snprintf(text, sizeof(text),
		 "scenario: t\nregion: eu-west-1\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n"
		 "    subnets:\n      a: {az: eu-west-1a, cidr: 10.0.1.0/24, ipv6_cidr: "
		 "\"2600:1f18:6b:a101::/64\"}\n");
	model_errors_init(&e);
	assert_int_not_equal(model_load_buffer("t.yaml", text, strlen(text), &m, &e), 0);
	snprintf(err, sizeof(err), "%s", e.msgs[0]);
	model_errors_deinit(&e);
	assert_string_equal(err, "t.yaml:7:57: vpcs.v.subnets.a.ipv6_cidr: VPC v has no ipv6_cidr "
				 "(expected one on the VPC before its subnets get IPv6 blocks)");
}

/* An endpoint block with one ENI value and an optional extra line. */
static void
assert_eni_error(const char *type_line, const char *eni, const char *a_extra, const char *want)
{
	char rest[1024];

	snprintf(rest, sizeof(rest),
		 "endpoints:\n  sqs:\n    type: interface\n    service: com.amazonaws.eu-west-1.sqs\n"
		 "    vpc: v\n%s    enis:\n      a: %s\n",
		 type_line, eni);
	assert_error(vpc6, a_extra, rest, want);
}

static void
test_ipv6_bad_eni_addresses_located(void **state)
{
	(void)state;
	assert_eni_error("", "\"2600:1f18:6b:a109::25\"", sub_a,
			 "t.yaml:16:10: endpoints.sqs.enis.a: 2600:1f18:6b:a109::25 is not inside "
			 "subnet a (2600:1f18:6b:a101::/64)");
	assert_eni_error("", "\"2600:1f18:6b:a101::2\"", sub_a,
			 "t.yaml:16:10: endpoints.sqs.enis.a: 2600:1f18:6b:a101::2 is reserved by AWS "
			 "in subnet a (2600:1f18:6b:a101::/64: the first four addresses and the last "
			 "one are not assignable)");
	assert_eni_error("", "\"2600:1f18:6b:a101::25\"", "",
			 "t.yaml:16:10: endpoints.sqs.enis.a: 2600:1f18:6b:a101::25: subnet a has no "
			 "ipv6_cidr (expected an IPv6 block on the subnet for IPv6 ENIs)");
	assert_eni_error("", "{ip: \"2600:1f18:6b:a101::25\"}", sub_a,
			 "t.yaml:16:15: endpoints.sqs.enis.a.ip: 2600:1f18:6b:a101::25 is an IPv6 "
			 "address (expected IPv4 for 'ip'; IPv6 goes under 'ipv6')");
	assert_eni_error("", "{ip: 10.0.1.25, ipv6: 10.0.1.26}", sub_a,
			 "t.yaml:16:32: endpoints.sqs.enis.a.ipv6: 10.0.1.26 is an IPv4 address "
			 "(expected IPv6 for 'ipv6')");
	assert_eni_error("", "{ip: 10.0.1.25, ip6: \"2600:1f18:6b:a101::25\"}", sub_a,
			 "t.yaml:16:26: endpoints.sqs.enis.a: unknown key 'ip6' (expected ip and/or "
			 "ipv6)");
	assert_eni_error("    ip_address_type: ipv4\n", "{ip: 10.0.1.25, ipv6: \"2600:1f18:6b:a101::25\"}",
			 sub_a,
			 "t.yaml:17:7: endpoints.sqs.enis.a: 2600:1f18:6b:a101::25 is an IPv6 address "
			 "of an endpoint of ip_address_type ipv4 (expected dualstack or ipv6)");
	assert_eni_error("    ip_address_type: ipv6\n", "10.0.1.25", sub_a,
			 "t.yaml:17:7: endpoints.sqs.enis.a: 10.0.1.25 is an IPv4 address of an "
			 "endpoint of ip_address_type ipv6 (expected IPv6 addresses only, or "
			 "ip_address_type dualstack)");
	assert_eni_error("    ip_address_type: dualstack\n", "10.0.1.25", "",
			 "t.yaml:17:7: endpoints.sqs.enis.a: subnet a has no ipv6_cidr (expected an "
			 "IPv6 block on every subnet of a dualstack endpoint)");
	assert_eni_error("    ip_address_type: dual\n", "10.0.1.25", sub_a,
			 "t.yaml:15:22: endpoints.sqs.ip_address_type: 'dual' is not allowed (expected "
			 "one of: ipv4, dualstack, ipv6)");
}

static void
test_ipv6_amazon_dns_not_an_onprem_target(void **state)
{
	char err[512];
	struct model *m = load(vpc6, sub_a,
			       "onprem:\n"
			       "  resolvers:\n"
			       "    dns:\n"
			       "      address: 192.168.10.53\n"
			       "      forward:\n"
			       "        - {zone: example.com, to: [\"fd00:ec2::253\"]}\n",
			       err, sizeof(err));

	(void)state;
	assert_null(m);
	assert_non_null(strstr(err, "t.yaml:15:36: onprem.resolvers.dns.forward[0].to[0]: "
				    "fd00:ec2::253 is the Amazon DNS server's IPv6 address, which "
				    "answers Nitro instances inside a VPC only (expected"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_dualstack_derives_and_keeps_given),
		cmocka_unit_test(test_ipv6_only_endpoint_and_inferred_types),
		cmocka_unit_test(test_ipv6_v1_file_is_ipv4),
		cmocka_unit_test(test_ipv6_record_types_table),
		cmocka_unit_test(test_ipv6_bad_cidrs_located),
		cmocka_unit_test(test_ipv6_subnet_needs_vpc_block),
		cmocka_unit_test(test_ipv6_bad_eni_addresses_located),
		cmocka_unit_test(test_ipv6_amazon_dns_not_an_onprem_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
