/*
 * tests/unit/model/test_accounts.c -- the loader's extensions of format v1
 * for issue 14 item 11: `account` per VPC, resolver rules shared through
 * AWS RAM (`shared_with`), DNS Firewall rule groups (`firewall`) and
 * Route 53 Profiles (`profiles`).  Each refusal is checked by its exact
 * located message.
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

#include "model/model.h"

#define HEAD                                                                                       \
	"scenario: t\n"                                                                            \
	"region: eu-west-1\n"                                                                      \
	"account: \"111122223333\"\n"                                                              \
	"vpcs:\n"                                                                                  \
	"  net:\n"                                                                                 \
	"    cidr: 10.0.0.0/16\n"                                                                  \
	"    subnets:\n"                                                                           \
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"                                           \
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"                                           \
	"  app:\n"                                                                                 \
	"    account: \"444455556666\"\n"                                                          \
	"    cidr: 10.1.0.0/16\n"                                                                  \
	"    subnets:\n"                                                                           \
	"      a: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"                                           \
	"hosted_zones:\n"                                                                          \
	"  corp.internal:\n"                                                                       \
	"    vpcs: []\n"                                                                           \
	"    records: |\n"                                                                         \
	"      x  A  10.0.9.9\n"                                                                   \
	"resolver:\n"                                                                              \
	"  endpoints:\n"                                                                           \
	"    out:\n"                                                                               \
	"      direction: outbound\n"                                                              \
	"      vpc: net\n"                                                                         \
	"      ips: {a: 10.0.1.11, b: 10.0.2.11}\n"                                                \
	"  rules:\n"                                                                               \
	"    corp:\n"                                                                              \
	"      domain: corp.example\n"                                                             \
	"      endpoint: out\n"                                                                    \
	"      targets: [192.168.10.53]\n"

static struct model_errors errs;

/* Loads HEAD + tail; the model, or NULL with errs filled. */
static struct model *
load(const char *tail)
{
	char buf[8192];
	struct model *m = NULL;

	snprintf(buf, sizeof(buf), "%s%s", HEAD, tail);
	model_errors_deinit(&errs);
	model_errors_init(&errs);
	if (model_load_buffer("t.yaml", buf, strlen(buf), &m, &errs) != 0)
		return NULL;
	return m;
}

/* The load fails and its first error contains want. */
static void
refused(const char *tail, const char *want)
{
	struct model *m = load(tail);

	if (m != NULL)
		fail_msg("loaded; expected an error with: %s", want);
	assert_true(errs.n >= 1);
	if (strstr(errs.msgs[0], want) == NULL)
		fail_msg("got: %s\nexpected it to contain: %s", errs.msgs[0], want);
}

static struct model *
loaded(const char *tail)
{
	struct model *m = load(tail);

	if (m == NULL) {
		model_errors_print(&errs, stderr);
		fail_msg("not loaded");
	}
	return m;
}

static void
test_vpc_account_defaults_to_scenario(void **state)
{
	(void)state;
	struct model *m = loaded("      vpcs: [net]\n");

	assert_string_equal(model_vpc_find(m, "net")->account, "111122223333");
	assert_string_equal(model_vpc_find(m, "app")->account, "444455556666");
	assert_string_equal(m->rules[0].account, "111122223333");
	assert_int_equal(m->rules[0].n_shared_with, 0);
	model_free(m);
}

static void
test_ram_share_allows_association(void **state)
{
	(void)state;
	struct model *m = loaded("      shared_with: [\"444455556666\"]\n      vpcs: [net, app]\n");

	assert_int_equal(m->rules[0].n_vpcs, 2);
	assert_int_equal(m->rules[0].n_shared_with, 1);
	assert_string_equal(m->rules[0].shared_with[0], "444455556666");
	model_free(m);
}

static void
test_ram_refuses_unshared_association(void **state)
{
	(void)state;
	refused("      vpcs: [net, app]\n",
		"t.yaml:31:19: resolver.rules.corp.vpcs[1]: VPC app belongs to account "
		"444455556666; rule corp is owned by 111122223333 and not shared with it");
	/* shared with another account only: still refused */
	refused("      shared_with: [\"777788889999\"]\n      vpcs: [app]\n",
		"resolver.rules.corp.vpcs[0]: VPC app belongs to account 444455556666");
	/* a rule owned by the application account may serve its own VPC unshared */
	struct model *m = loaded("      account: \"444455556666\"\n      vpcs: [app]\n");

	model_free(m);
}

static void
test_ram_bad_account_ids(void **state)
{
	(void)state;
	refused("      shared_with: [\"4444\"]\n",
		"resolver.rules.corp.shared_with[0]: '4444' is not an account id");
	refused("      shared_with: [\"444455556666\", \"444455556666\"]\n",
		"resolver.rules.corp.shared_with[1]: account 444455556666 is listed twice");
}

#define FW(rules, vpcs) "firewall:\n  g:\n    rules:\n" rules "    vpcs: " vpcs "\n"

static void
test_fw_rules_sorted_and_domains_parsed(void **state)
{
	(void)state;
	struct model *m = loaded(FW("      - {name: two, priority: 20, domains: [\"*\"], action: alert}\n"
				    "      - {name: one, priority: 10, domains: [\"*.Bad.Example.\", "
				    "x.example], action: block, block_response: override, "
				    "override_domain: sink.example, override_ttl: 30}\n",
				    "{net: 100, app: 9900}"));
	const struct model_fw_group *g = &m->fw_groups[0];

	assert_int_equal(m->n_fw_groups, 1);
	assert_int_equal(g->n_rules, 2);
	assert_string_equal(g->rules[0].name, "one");
	assert_true(g->rules[0].domains[0].wildcard);
	assert_string_equal(g->rules[0].domains[0].name, "bad.example");
	assert_false(g->rules[0].domains[1].wildcard);
	assert_int_equal(g->rules[0].block, MODEL_FW_OVERRIDE);
	assert_string_equal(g->rules[0].override_name, "sink.example");
	assert_int_equal(g->rules[0].override_ttl, 30);
	assert_true(g->rules[1].domains[0].wildcard);
	assert_string_equal(g->rules[1].domains[0].name, "");
	assert_int_equal(g->n_assocs, 2);
	assert_int_equal(g->assocs[1].priority, 9900);
	assert_true(strncmp(g->id, "rslvr-frg-", 10) == 0);
	model_free(m);
}

static void
test_fw_refusals(void **state)
{
	(void)state;
	refused(FW("      - {priority: 1, domains: [a.example], action: block, "
		   "block_response: override}\n", "{net: 100}"),
		"missing required key 'override_domain'");
	refused(FW("      - {priority: 1, domains: [a.example], action: alert, "
		   "block_response: nxdomain}\n", "{net: 100}"),
		"firewall.g.rules[0].block_response: block_response applies only to blocking rules");
	refused(FW("      - {priority: 1, domains: [a.example], action: block, "
		   "override_domain: s.example}\n", "{net: 100}"),
		"override_domain applies only to OVERRIDE block responses");
	refused(FW("      - {name: a, priority: 5, domains: [a.example], action: allow}\n"
		   "      - {name: b, priority: 5, domains: [b.example], action: allow}\n", "{net: 100}"),
		"firewall.g.rules[1]: priority 5 is already rule a's");
	refused(FW("      - {priority: 1, domains: [a.example], action: allow}\n", "{net: 99}"),
		"firewall.g.vpcs.net: '99' is not an association priority (expected 100 to 9900)");
	refused(FW("      - {priority: 1, domains: [a.example], action: drop}\n", "{net: 100}"),
		"firewall.g.rules[0].action");
	refused(FW("      - {priority: 1, domains: [\"a.*.example\"], action: allow}\n", "{net: 100}"),
		"firewall.g.rules[0].domains[0]");
	refused(FW("      - {priority: 1, domains: [a.example], action: allow}\n", "{nope: 100}"),
		"firewall.g.vpcs.nope: no VPC named 'nope'");
	refused("firewall:\n  g:\n    rules:\n      - {priority: 1, domains: [a.example], action: allow}\n"
		"    vpcs: {net: 100}\n"
		"  h:\n    rules:\n      - {priority: 1, domains: [b.example], action: allow}\n"
		"    vpcs: {net: 100}\n",
		"firewall.h.vpcs.net: priority 100 is already rule group g's in VPC net");
}

#define PROFILE(body) "profiles:\n  p:\n" body

static void
test_profile_association(void **state)
{
	(void)state;
	struct model *m = loaded(FW("      - {priority: 1, domains: [a.example], action: allow}\n", "{}")
				 PROFILE("    shared_with: [\"444455556666\"]\n"
					 "    hosted_zones: [corp.internal]\n    rules: [corp]\n"
					 "    firewall: {g: 300}\n    vpcs: [net, app]\n"));
	const struct model_profile *p = &m->profiles[0];

	assert_int_equal(m->n_profiles, 1);
	assert_int_equal(p->n_zones, 1);
	assert_int_equal(p->n_rules, 1);
	assert_int_equal(p->n_firewall, 1);
	assert_int_equal(p->firewall[0].priority, 300);
	assert_ptr_equal(model_vpc_find(m, "net")->profile, p);
	assert_ptr_equal(model_vpc_find(m, "app")->profile, p);
	assert_true(strncmp(p->id, "rp-", 3) == 0);
	/* the profile's firewall group is in the VPC's evaluation order */
	struct model_fw_step st[4];

	assert_int_equal(model_fw_steps(m, model_vpc_find(m, "app"), st, 4), 1);
	assert_ptr_equal(st[0].profile, p);
	assert_int_equal(st[0].priority, 300);
	model_free(m);
}

static void
test_profile_refusals(void **state)
{
	(void)state;
	refused(PROFILE("    vpcs: [app]\n"),
		"profiles.p.vpcs[0]: VPC app belongs to account 444455556666; profile p is owned "
		"by 111122223333 and not shared with it");
	refused(PROFILE("    vpcs: [net]\n") "  q:\n    vpcs: [net]\n",
		"profiles.q.vpcs[0]: VPC net is already associated with profile p (a VPC has at "
		"most one Route 53 Profile)");
	refused(PROFILE("    hosted_zones: [nothere.internal]\n"),
		"profiles.p.hosted_zones[0]: no private hosted zone named 'nothere.internal'");
	refused(PROFILE("    rules: [nope]\n"), "profiles.p.rules[0]: no resolver rule named 'nope'");
	refused(PROFILE("    firewall: {nope: 100}\n"),
		"profiles.p.firewall.nope: no DNS Firewall rule group named 'nope'");
}

static void
test_profile_other_region_refused(void **state)
{
	(void)state;
	const char *y = "scenario: t\nregion: eu-west-1\nvpcs:\n  far:\n    region: us-east-1\n"
			"    cidr: 10.5.0.0/16\n    subnets:\n      a: {az: us-east-1a, cidr: 10.5.1.0/24}\n"
			"profiles:\n  p:\n    vpcs: [far]\n";
	struct model *m = NULL;

	model_errors_deinit(&errs);
	model_errors_init(&errs);
	assert_int_not_equal(model_load_buffer("t.yaml", y, strlen(y), &m, &errs), 0);
	assert_non_null(strstr(errs.msgs[0], "profiles.p.vpcs[0]: VPC far is in us-east-1; a "
					     "Route 53 Profile serves VPCs of its own region"));
	assert_null(m);
}

static int
teardown(void **state)
{
	(void)state;
	model_errors_deinit(&errs);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vpc_account_defaults_to_scenario),
		cmocka_unit_test(test_ram_share_allows_association),
		cmocka_unit_test(test_ram_refuses_unshared_association),
		cmocka_unit_test(test_ram_bad_account_ids),
		cmocka_unit_test(test_fw_rules_sorted_and_domains_parsed),
		cmocka_unit_test(test_fw_refusals),
		cmocka_unit_test(test_profile_association),
		cmocka_unit_test(test_profile_refusals),
		cmocka_unit_test(test_profile_other_region_refused),
	};

	model_errors_init(&errs);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
