/*
 * DNS servers inside a VPC (model/load_vpcdns.c): an on-prem-style resolver
 * placed in a VPC subnet with `vpc`, and a VPC's DHCP option set.  A small
 * base scenario loads; each refusal is one edit of it and must give its
 * exact first error (FILE:LINE:COLUMN: key.path: message).
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

#include "common/error.h"
#include "model/model.h"

static const char base[] =
	"scenario: vpcdns\n"				       /* 1 */
	"region: eu-west-1\n"				       /* 2 */
	"vpcs:\n"					       /* 3 */
	"  hub:\n"					       /* 4 */
	"    cidr: 10.0.0.0/16\n"			       /* 5 */
	"    subnets:\n"				       /* 6 */
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"       /* 7 */
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"       /* 8 */
	"  app:\n"					       /* 9 */
	"    cidr: 10.1.0.0/16\n"			       /* 10 */
	"    subnets:\n"				       /* 11 */
	"      s: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"       /* 12 */
	"    dhcp_options:\n"				       /* 13 */
	"      domain_name_servers: [10.0.1.50, AmazonProvidedDNS]\n" /* 14 */
	"onprem:\n"					       /* 15 */
	"  cidr: 192.168.0.0/16\n"			       /* 16 */
	"  resolvers:\n"				       /* 17 */
	"    dc1:\n"					       /* 18 */
	"      address: 192.168.10.53\n"		       /* 19 */
	"      forward:\n"				       /* 20 */
	"        - {zone: ad.example.com, to: [10.0.1.50]}\n"  /* 21 */
	"    ad1:\n"					       /* 22 */
	"      vpc: hub\n"				       /* 23 */
	"      address: 10.0.1.50\n"			       /* 24 */
	"      forward:\n"				       /* 25 */
	"        - {zone: corp.example.com, to: [192.168.10.53]}\n" /* 26 */
	"      default: [10.0.0.2]\n"			       /* 27 */
	"vpn:\n"					       /* 28 */
	"  vpcs: [hub]\n"				       /* 29 */
	"  tunnels:\n"					       /* 30 */
	"    t1: {latency_ms: 5}\n";			       /* 31 */

/* base with `from` (which must occur once) replaced by `to`; caller frees. */
static char *
edited(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t lf = strlen(from), lt = strlen(to), lb = strlen(base);
	char *out;

	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	out = malloc(lb - lf + lt + 1);
	assert_non_null(out);
	memcpy(out, base, (size_t)(at - base));
	memcpy(out + (at - base), to, lt);
	memcpy(out + (at - base) + lt, at + lf, lb - (size_t)(at - base) - lf + 1);
	return out;
}

static struct model *
load_ok(const char *text)
{
	struct model_errors e;
	struct model *m = NULL;

	model_errors_init(&e);
	if (model_load_buffer("vpcdns.yaml", text, strlen(text), &m, &e) != 0)
		model_errors_print(&e, stderr);
	assert_non_null(m);
	model_errors_deinit(&e);
	return m;
}

/* The edit must be refused with exactly `first` as its first error. */
static void
refused(const char *from, const char *to, const char *first)
{
	char *text = edited(from, to);
	struct model_errors e;
	struct model *m = NULL;

	model_errors_init(&e);
	assert_int_equal(model_load_buffer("vpcdns.yaml", text, strlen(text), &m, &e),
			 HNS_ESCENARIO);
	assert_null(m);
	assert_true(e.n > 0);
	if (strcmp(e.msgs[0], first) != 0)
		fprintf(stderr, "got:  %s\nwant: %s\n", e.msgs[0], first);
	assert_string_equal(e.msgs[0], first);
	model_errors_deinit(&e);
	free(text);
}

static void
test_vpcdns_resolver_placed_in_its_subnet(void **state)
{
	struct model *m = load_ok(base);
	const struct model_onprem_resolver *dc1 = model_onprem_resolver_find(m, "dc1");
	const struct model_onprem_resolver *ad1 = model_onprem_resolver_find(m, "ad1");
	const struct model_vpc *hub = model_vpc_find(m, "hub");

	(void)state;
	assert_null(dc1->vpc);
	assert_null(dc1->subnet);
	assert_ptr_equal(ad1->vpc, hub);
	assert_non_null(ad1->subnet);
	assert_string_equal(ad1->subnet->name, "a");
	/* on-prem reaches it (over the VPN, hub is routed); it reaches its own +2 */
	assert_true(model_onprem_target_ok(m, &ad1->address));
	model_free(m);
}

static void
test_vpcdns_dhcp_servers_in_order(void **state)
{
	struct model *m = load_ok(base);
	const struct model_vpc *app = model_vpc_find(m, "app"), *hub = model_vpc_find(m, "hub");
	char a[HNS_ADDR_STRLEN];

	(void)state;
	assert_int_equal(hub->n_dhcp_dns, 0); /* no option set: AmazonProvidedDNS */
	assert_int_equal(app->n_dhcp_dns, 2);
	assert_false(app->dhcp_dns[0].amazon);
	assert_string_equal(hns_addr_str(&app->dhcp_dns[0].addr, a, sizeof(a)), "10.0.1.50");
	assert_int_equal(app->dhcp_dns[0].loc.line, 14);
	assert_true(app->dhcp_dns[1].amazon);
	/* AmazonProvidedDNS is the VPC's own +2 */
	assert_true(hns_addr_equal(&app->dhcp_dns[1].addr, &app->dns_addr));
	model_free(m);
}

static void
test_vpcdns_resolver_outside_its_vpc_refused(void **state)
{
	(void)state;
	refused("vpn:\n", "    ad2: {vpc: hub, address: 10.0.9.50}\nvpn:\n",
		"vpcdns.yaml:28:5: onprem.resolvers.ad2.address: 10.0.9.50 is not inside a subnet "
		"of VPC hub (subnets: a, b)");
}

static void
test_vpcdns_resolver_reserved_address_refused(void **state)
{
	(void)state;
	refused("vpn:\n", "    ad2: {vpc: hub, address: 10.0.1.3}\nvpn:\n",
		"vpcdns.yaml:28:5: onprem.resolvers.ad2.address: 10.0.1.3 is reserved by AWS in "
		"subnet a (10.0.1.0/24: the first four addresses and the last one are not "
		"assignable)");
}

static void
test_vpcdns_unknown_vpc_refused(void **state)
{
	(void)state;
	refused("      vpc: hub\n", "      vpc: hubb\n",
		"vpcdns.yaml:23:12: onprem.resolvers.ad1.vpc: no VPC named 'hubb' (VPCs: hub, app)");
}

static void
test_vpcdns_first_resolver_in_vpc_refused(void **state)
{
	(void)state;
	refused("      address: 192.168.10.53\n", "      vpc: hub\n      address: 10.0.2.53\n",
		"vpcdns.yaml:18:5: onprem.resolvers.dc1.vpc: the first resolver is the on-prem one "
		"`from: onprem` uses (expected an on-prem resolver first, without vpc, and the DNS "
		"servers in VPCs after it)");
}

static void
test_vpcdns_dhcp_unknown_server_refused(void **state)
{
	(void)state;
	refused("[10.0.1.50, AmazonProvidedDNS]", "[10.0.1.50, 8.8.8.8]",
		"vpcdns.yaml:14:40: vpcs.app.dhcp_options.domain_name_servers[1]: 8.8.8.8: nothing "
		"of the emulation serves DNS at this address (expected AmazonProvidedDNS, a VPC's "
		"+2 address, or the address of a resolver in onprem.resolvers: one placed in a VPC "
		"with vpc:, or an on-prem one)");
}

static void
test_vpcdns_dhcp_five_servers_refused(void **state)
{
	(void)state;
	refused("[10.0.1.50, AmazonProvidedDNS]",
		"[10.0.1.50, AmazonProvidedDNS, 10.0.0.2, 192.168.10.53, 10.1.0.2]",
		"vpcdns.yaml:14:28: vpcs.app.dhcp_options.domain_name_servers: 5 servers (expected "
		"1 to 4: AmazonProvidedDNS or IPv4 addresses, as an AWS DHCP option set holds)");
}

static void
test_vpcdns_dhcp_unknown_key_refused(void **state)
{
	(void)state;
	refused("      domain_name_servers:", "      domain_name_server:",
		"vpcdns.yaml:14:7: vpcs.app.dhcp_options: unknown key 'domain_name_server' "
		"(allowed: domain_name_servers)");
}

static void
test_vpcdns_onprem_target_needs_the_vpn(void **state)
{
	(void)state;
	/* hub off the VPN: on-prem cannot reach the DC in it */
	refused("  vpcs: [hub]\n", "  vpcs: [app]\n",
		"vpcdns.yaml:21:39: onprem.resolvers.dc1.forward[0].to[0]: 10.0.1.50 is DNS server "
		"ad1 in VPC hub, which the VPN does not route (vpn.vpcs) (expected a server on-prem "
		"reaches: an on-prem resolver (192.168.10.53), an inbound endpoint ENI "
		"or VPC +2 resolver of a VPC on the VPN (10.1.0.2), or a real server's loopback "
		"ip:port; for the internet, default: internet)");
}

static void
test_vpcdns_vpc_target_nothing_serves_refused(void **state)
{
	(void)state;
	refused("      default: [10.0.0.2]\n", "      default: [192.168.99.1]\n",
		"vpcdns.yaml:27:17: onprem.resolvers.ad1.default[0]: 192.168.99.1 is an address "
		"nothing of the emulation serves (expected what a DNS server in VPC hub reaches: a "
		"VPC's +2 resolver, an inbound endpoint ENI, a resolver of onprem.resolvers, or a "
		"real server's loopback ip:port)");
}

/* Removes the one line `line` from text (in place). */
static void
cut(char *text, const char *line)
{
	char *at = strstr(text, line);

	assert_non_null(at);
	memmove(at, at + strlen(line), strlen(at + strlen(line)) + 1);
}

static void
test_vpcdns_own_plus2_reached_without_the_vpn(void **state)
{
	/* hub off the VPN: on-prem and the DC no longer forward to each other ... */
	char *text = edited("  vpcs: [hub]\n", "  vpcs: [app]\n");
	struct model *m;

	(void)state;
	cut(text, "        - {zone: ad.example.com, to: [10.0.1.50]}\n");
	cut(text, "        - {zone: corp.example.com, to: [192.168.10.53]}\n");
	/* ... but the DC still reaches its own +2, from inside its VPC */
	m = load_ok(text);
	assert_non_null(model_onprem_resolver_find(m, "ad1")->vpc);
	assert_false(model_onprem_target_ok(m, &model_onprem_resolver_find(m, "ad1")->address));
	model_free(m);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vpcdns_resolver_placed_in_its_subnet),
	    cmocka_unit_test(test_vpcdns_dhcp_servers_in_order),
	    cmocka_unit_test(test_vpcdns_resolver_outside_its_vpc_refused),
	    cmocka_unit_test(test_vpcdns_resolver_reserved_address_refused),
	    cmocka_unit_test(test_vpcdns_unknown_vpc_refused),
	    cmocka_unit_test(test_vpcdns_first_resolver_in_vpc_refused),
	    cmocka_unit_test(test_vpcdns_dhcp_unknown_server_refused),
	    cmocka_unit_test(test_vpcdns_dhcp_five_servers_refused),
	    cmocka_unit_test(test_vpcdns_dhcp_unknown_key_refused),
	    cmocka_unit_test(test_vpcdns_onprem_target_needs_the_vpn),
	    cmocka_unit_test(test_vpcdns_vpc_target_nothing_serves_refused),
	    cmocka_unit_test(test_vpcdns_own_plus2_reached_without_the_vpn),
	};

	return cmocka_run_group_tests_name("model_vpcdns", tests, NULL, NULL);
}
