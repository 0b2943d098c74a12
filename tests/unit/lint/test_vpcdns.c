/*
 * tests/unit/lint/test_vpcdns.c -- lint over DNS servers inside a VPC:
 * tests/scenarios/ad-dns-in-vpc.yaml (an AD DC forwarding to its own VPC's
 * +2, on-prem forwarding to it over the VPN, a workload VPC's DHCP option
 * set naming it) gives none of the on-prem-only findings, and each broken
 * variant (one string replaced) gives its finding: HNS170 for DHCP servers
 * the VPC cannot use, HNS171 for another VPC's +2, HNS105 for a loop
 * through the DC's own +2 and a FORWARD rule back on-prem, HNS172 for a load
 * above 1,024 qps through one DC.
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

#include "lint/lint.h"
#include "model/model.h"

#define BASE VPCDNS_SCENARIO_DIR "/ad-dns-in-vpc.yaml"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *buf;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The base with `from` (exactly once in it) replaced by `to`; NULL from: the base. */
static char *
variant(const char *from, const char *to)
{
	char *text = slurp(BASE), *at, *out;
	size_t lf, lt, lb;

	if (from == NULL)
		return text;
	at = strstr(text, from);
	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	lf = strlen(from), lt = strlen(to), lb = strlen(text);
	out = malloc(lb - lf + lt + 1);
	assert_non_null(out);
	memcpy(out, text, (size_t)(at - text));
	memcpy(out + (at - text), to, lt);
	memcpy(out + (at - text) + lt, at + lf, lb - (size_t)(at - text) - lf + 1);
	free(text);
	return out;
}

/* How many findings `id` the variant gives; *line gets the first one's line. */
static size_t
count(const char *from, const char *to, const char *id, uint32_t *line)
{
	char *text = variant(from, to);
	struct model_errors e;
	struct model *m = NULL;
	struct lint_findings f;
	size_t n = 0;

	model_errors_init(&e);
	if (model_load_buffer("v.yaml", text, strlen(text), &m, &e) != 0)
		model_errors_print(&e, stderr);
	assert_non_null(m);
	model_errors_deinit(&e);
	assert_int_equal(lint_run(m, text, strlen(text), &f), 0);
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].id, id) != 0)
			continue;
		if (n++ == 0 && line != NULL)
			*line = f.v[i].loc.line;
	}
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
	return n;
}

/* The line of the first line of the variant holding `anchor`. */
static uint32_t
line_of(const char *from, const char *to, const char *anchor)
{
	char *text = variant(from, to), *at = strstr(text, anchor);
	uint32_t line = 1;

	assert_non_null(at);
	for (char *p = text; p < at; p++)
		line += *p == '\n';
	free(text);
	return line;
}

static void
test_vpcdns_dc_forwarding_to_its_own_plus2_is_clean(void **state)
{
	(void)state;
	/* not "on-prem forwards to a +2", not "forward to a +2 from outside its VPC" */
	assert_int_equal(count(NULL, NULL, "HNS101", NULL), 0);
	assert_int_equal(count(NULL, NULL, "HNS102", NULL), 0);
	assert_int_equal(count(NULL, NULL, "HNS105", NULL), 0);
	assert_int_equal(count(NULL, NULL, "HNS170", NULL), 0);
	assert_int_equal(count(NULL, NULL, "HNS171", NULL), 0);
	/* expectations from the workload VPC are judged through its DHCP servers, the DCs */
	assert_int_equal(count(NULL, NULL, "HNS130", NULL), 0);
}

static void
test_vpcdns_hns170_dhcp_server_in_unpeered_vpc(void **state)
{
	static const char from[] = "peerings:\n  - [shared-services, workload]\n";
	uint32_t line = 0;

	(void)state;
	assert_int_equal(count(from, "", "HNS170", &line), 2);
	assert_int_equal(line, line_of(from, "", "domain_name_servers"));
}

static void
test_vpcdns_hns170_other_vpc_plus2_and_onprem_off_the_vpn(void **state)
{
	static const char from[] = "domain_name_servers: [10.0.1.50, 10.0.2.50]";
	uint32_t line = 0;

	(void)state;
	/* shared-services' +2 for workload's instances */
	assert_int_equal(count(from, "domain_name_servers: [10.0.0.2]", "HNS170", &line), 1);
	/* an on-prem resolver, but the VPN does not route workload */
	assert_int_equal(count(from, "domain_name_servers: [192.168.10.53]", "HNS170", NULL), 1);
	/* the near miss: its own +2, AmazonProvidedDNS */
	assert_int_equal(count(from, "domain_name_servers: [10.1.0.2, AmazonProvidedDNS]", "HNS170", NULL), 0);
}

static void
test_vpcdns_hns171_dc_forwarding_to_another_vpcs_plus2(void **state)
{
	(void)state;
	/* both DCs send everything else to workload's +2 */
	assert_int_equal(count("      default: [10.0.0.2]\n    ad-dc2:",
			       "      default: [10.1.0.2]\n    ad-dc2:", "HNS171", NULL),
			 1);
}

static void
test_vpcdns_hns105_loop_through_the_dcs_plus2(void **state)
{
	static const char rule[] =
		"resolver:\n  endpoints:\n    outbound:\n      direction: outbound\n"
		"      vpc: shared-services\n      ips: {private-a: 10.0.1.11, private-b: 10.0.2.11}\n"
		"  rules:\n    back:\n      domain: aws.example.com\n      type: forward\n"
		"      endpoint: outbound\n      targets: [192.168.10.53]\n"
		"      vpcs: [shared-services]\nonprem:\n  cidr";
	uint32_t line = 0;

	(void)state;
	assert_int_equal(count("onprem:\n  cidr", rule, "HNS105", &line), 1);
	assert_int_equal(line, line_of("onprem:\n  cidr", rule, "zone: aws.example.com"));
	/* the rule in a VPC the DC does not sit in: no loop */
	assert_int_equal(count("onprem:\n  cidr", "resolver:\n  rules:\n    back:\n"
			       "      domain: aws.example.com\n      type: system\n"
			       "      vpcs: [shared-services]\nonprem:\n  cidr", "HNS105", NULL),
			 0);
}

static void
test_vpcdns_hns172_load_through_one_dc_over_1024_pps(void **state)
{
	static const char from[] = "expect:\n";
	static const char heavy[] =
		"load:\n  heavy:\n    from: vpc:workload\n    qps: 2000\n    duration: 1s\n"
		"    mix: [{query: \"{rand}.aws.example.com A\", weight: 1}]\nexpect:\n";
	static const char light[] =
		"load:\n  heavy:\n    from: vpc:workload\n    qps: 1000\n    duration: 1s\n"
		"    mix: [{query: \"{rand}.aws.example.com A\", weight: 1}]\nexpect:\n";
	uint32_t line = 0;

	(void)state;
	/* workload's instances all ask ad-dc1, which sends misses to the +2 from one interface */
	assert_int_equal(count(from, heavy, "HNS172", &line), 1);
	assert_int_equal(line, line_of(from, heavy, "qps: 2000"));
	/* not HNS120: the load does not go to workload's own +2 */
	assert_int_equal(count(from, heavy, "HNS120", NULL), 0);
	assert_int_equal(count(from, light, "HNS172", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vpcdns_dc_forwarding_to_its_own_plus2_is_clean),
	    cmocka_unit_test(test_vpcdns_hns170_dhcp_server_in_unpeered_vpc),
	    cmocka_unit_test(test_vpcdns_hns170_other_vpc_plus2_and_onprem_off_the_vpn),
	    cmocka_unit_test(test_vpcdns_hns171_dc_forwarding_to_another_vpcs_plus2),
	    cmocka_unit_test(test_vpcdns_hns105_loop_through_the_dcs_plus2),
	    cmocka_unit_test(test_vpcdns_hns172_load_through_one_dc_over_1024_pps),
	};

	return cmocka_run_group_tests_name("lint_vpcdns", tests, NULL, NULL);
}
