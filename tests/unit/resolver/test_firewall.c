/*
 * tests/unit/resolver/test_firewall.c -- DNS Firewall and Route 53 Profiles
 * in the view (issue 14 item 11): each precedence case by name, the block
 * responses as a client reads them off the wire, and the accounts a trace
 * shows.
 */
#include "config.h"

#include <ldns/ldns.h>
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
#include "resolver/answer.h"
#include "resolver/view.h"

static const char world_yaml[] =
	"scenario: firewall-tests\n"
	"region: eu-west-1\n"
	"account: \"111122223333\"\n"
	"vpcs:\n"
	"  app:\n"
	"    cidr: 10.0.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
	"  partner:\n"
	"    account: \"444455556666\"\n"
	"    cidr: 10.1.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"
	"  nohost:\n"
	"    cidr: 10.2.0.0/16\n"
	"    dns_hostnames: false\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.2.1.0/24}\n"
	"  bare:\n"
	"    cidr: 10.3.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.3.1.0/24}\n"
	"hosted_zones:\n"
	"  corp.internal:\n"
	"    vpcs: []\n"
	"    records: |\n"
	"      api   A 10.0.1.40\n"
	"  team.corp.internal:\n"
	"    vpcs: [app]\n"
	"    records: |\n"
	"      api   A 10.0.1.90\n"
	"  local.example:\n"
	"    vpcs: [app]\n"
	"    records: |\n"
	"      host  A 10.0.1.99\n"
	"  deep.local.example:\n"
	"    vpcs: []\n"
	"    records: |\n"
	"      host  A 10.0.1.98\n"
	"  secret.internal:\n"
	"    vpcs: [app, bare]\n"
	"    records: |\n"
	"      db    A 10.0.1.51\n"
	"resolver:\n"
	"  endpoints:\n"
	"    in:\n"
	"      direction: inbound\n"
	"      vpc: app\n"
	"      ips: {a: 10.0.1.10, b: 10.0.2.10}\n"
	"    out:\n"
	"      direction: outbound\n"
	"      vpc: app\n"
	"      ips: {a: 10.0.1.11, b: 10.0.2.11}\n"
	"  rules:\n"
	"    onprem:\n"
	"      domain: local.example\n"
	"      endpoint: out\n"
	"      targets: [192.168.10.53]\n"
	"    fwd:\n"
	"      domain: fwd.example\n"
	"      endpoint: out\n"
	"      targets: [192.168.10.53]\n"
	"      shared_with: [\"444455556666\"]\n"
	"      vpcs: [app, partner]\n"
	"firewall:\n"
	"  early:\n"
	"    rules:\n"
	"      - {name: trusted, priority: 5, domains: [ok.bad.example], action: allow}\n"
	"    vpcs: {app: 100}\n"
	"  main:\n"
	"    rules:\n"
	"      - {name: below, priority: 10, domains: [\"*.bad.example\"], action: block, block_response: nxdomain}\n"
	"      - {name: apex, priority: 20, domains: [bad.example], action: block}\n"
	"      - {name: sink, priority: 30, domains: [db.secret.internal], action: block,\n"
	"         block_response: override, override_domain: sink.example.net, override_ttl: 45}\n"
	"      - {name: mx, priority: 40, domains: [\"*\"], qtype: MX, action: alert}\n"
	"      - {name: fwd, priority: 50, domains: [x.fwd.example], action: block, block_response: nxdomain}\n"
	"    vpcs: {app: 200}\n"
	"  tie-local:\n"
	"    rules:\n"
	"      - {name: tie, priority: 1, domains: [tie.example], action: allow}\n"
	"    vpcs: {partner: 400}\n"
	"  tie-profile:\n"
	"    rules:\n"
	"      - {name: tie, priority: 1, domains: [tie.example], action: block, block_response: nxdomain}\n"
	"profiles:\n"
	"  org:\n"
	"    shared_with: [\"444455556666\"]\n"
	"    hosted_zones: [corp.internal, deep.local.example]\n"
	"    rules: [onprem]\n"
	"    firewall: {tie-profile: 400}\n"
	"    vpcs: [app, partner, nohost]\n"
	"internet:\n"
	"  zones:\n"
	"    bad.example: |\n"
	"      @     A 203.0.113.66\n"
	"      ok    A 203.0.113.67\n"
	"      c2    A 203.0.113.68\n"
	"    tie.example: |\n"
	"      @     A 203.0.113.70\n"
	"    example.net: |\n"
	"      @     MX 10 mail.example.net.\n";

static struct model *model;
static struct rslv_world *world;

static int
setup(void **state)
{
	struct model_errors errs;
	int rc;

	(void)state;
	model_errors_init(&errs);
	rc = model_load_buffer("fw.yaml", world_yaml, sizeof(world_yaml) - 1, &model, &errs);
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

/* What the client reads, with the view's verdict and trace. */
struct got {
	struct rslv_handled h;
	ldns_pkt *p; /* NULL when not a reply */
	char trace[512];
};

static void
got_free(struct got *g)
{
	ldns_pkt_free(g->p);
	g->p = NULL;
}

static void
ask(const char *vpc, enum rslv_from from, const char *name, const char *type, struct got *g)
{
	ldns_pkt *q = NULL;
	uint8_t *wire = NULL, out[RSLV_MSG_MAX];
	size_t len = 0;
	const struct model_vpc *v = model_vpc_find(model, vpc);

	assert_non_null(v);
	assert_int_equal(ldns_pkt_query_new_frm_str(&q, name, ldns_get_rr_type_by_name(type),
						    LDNS_RR_CLASS_IN, LDNS_RD),
			 LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 0x4242);
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	memset(g, 0, sizeof(*g));
	rslv_answer(world, v->index, from, wire, len, false, out, sizeof(out), &g->h);
	rslv_trace_print(&g->h.res.trace, g->trace, sizeof(g->trace));
	if (g->h.verdict == RSLV_REPLY)
		assert_int_equal(ldns_wire2pkt(&g->p, out, g->h.len), LDNS_STATUS_OK);
	free(wire);
	ldns_pkt_free(q);
}

/* The first answer's rdata as text ("" when none). */
static const char *
first(struct got *g, char *buf, size_t cap)
{
	ldns_rr_list *an = ldns_pkt_answer(g->p);
	char *t;

	buf[0] = '\0';
	if (ldns_rr_list_rr_count(an) == 0)
		return buf;
	t = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an, 0), 0));
	snprintf(buf, cap, "%s", t);
	free(t);
	return buf;
}

static void
expect_a(const char *vpc, enum rslv_from from, const char *name, const char *addr)
{
	struct got g;
	char b[256];

	ask(vpc, from, name, "A", &g);
	assert_non_null(g.p);
	if (strcmp(first(&g, b, sizeof(b)), addr) != 0)
		fail_msg("%s from %s: got '%s', expected %s\n%s", name, vpc, b, addr, g.trace);
	got_free(&g);
}

static void
expect_blocked(const char *vpc, enum rslv_from from, const char *name, ldns_pkt_rcode rcode,
	       const char *rule)
{
	struct got g;

	ask(vpc, from, name, "A", &g);
	assert_non_null(g.p);
	assert_int_equal(ldns_pkt_get_rcode(g.p), rcode);
	assert_int_equal(ldns_pkt_ancount(g.p), 0);
	assert_int_equal(ldns_pkt_nscount(g.p), 0);
	assert_non_null(g.h.res.fw);
	assert_string_equal(g.h.res.fw->rule->name, rule);
	assert_string_equal(g.h.res.trace.what, "firewall-block");
	assert_non_null(strstr(g.trace, "firewall:"));
	got_free(&g);
}

static void
test_fw_block_nxdomain_below_wildcard(void **state)
{
	(void)state;
	expect_blocked("app", RSLV_FROM_VPC, "c2.bad.example", LDNS_RCODE_NXDOMAIN, "below");
	expect_blocked("app", RSLV_FROM_VPC, "a.b.c2.bad.example", LDNS_RCODE_NXDOMAIN, "below");
}

static void
test_fw_wildcard_not_apex_block_nodata(void **state)
{
	(void)state;
	/* *.bad.example leaves bad.example to the next rule, which answers NODATA */
	expect_blocked("app", RSLV_FROM_VPC, "bad.example", LDNS_RCODE_NOERROR, "apex");
}

static void
test_fw_block_override_cname(void **state)
{
	struct got g;
	char b[256];

	(void)state;
	ask("app", RSLV_FROM_VPC, "db.secret.internal", "A", &g);
	assert_int_equal(ldns_pkt_get_rcode(g.p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(g.p), 1);
	ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(g.p), 0);

	assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
	assert_int_equal(ldns_rr_ttl(rr), 45);
	assert_string_equal(first(&g, b, sizeof(b)), "sink.example.net.");
	char *owner = ldns_rdf2str(ldns_rr_owner(rr));

	assert_string_equal(owner, "db.secret.internal.");
	free(owner);
	/* the query-log item of the answer */
	assert_string_equal(g.h.res.answer->json,
			    "{\"Rdata\":\"sink.example.net.\",\"Type\":\"CNAME\",\"Class\":\"IN\"}");
	got_free(&g);
	/* the same name from a VPC without the firewall: the hosted zone's record */
	expect_a("bare", RSLV_FROM_VPC, "db.secret.internal", "10.0.1.51");
}

static void
test_fw_alert_lets_through_and_records(void **state)
{
	struct got g;
	char b[256];

	(void)state;
	ask("app", RSLV_FROM_VPC, "example.net", "MX", &g);
	assert_int_equal(ldns_pkt_get_rcode(g.p), LDNS_RCODE_NOERROR);
	assert_string_equal(first(&g, b, sizeof(b)), "10");
	assert_non_null(g.h.res.fw);
	assert_int_equal(g.h.res.fw->rule->action, MODEL_FW_ALERT);
	assert_non_null(strstr(g.trace, "firewall:main\ninternet\n"));
	got_free(&g);
	/* qtype MX only: an A query does not match the alert rule */
	ask("app", RSLV_FROM_VPC, "example.net", "A", &g);
	assert_null(g.h.res.fw);
	got_free(&g);
}

static void
test_fw_allow_in_earlier_group_stops_inspection(void **state)
{
	(void)state;
	/* early (priority 100) allows before main (200) would block *.bad.example */
	expect_a("app", RSLV_FROM_VPC, "ok.bad.example", "203.0.113.67");
}

static void
test_fw_before_forward_rules(void **state)
{
	struct got g;

	(void)state;
	ask("app", RSLV_FROM_VPC, "x.fwd.example", "A", &g);
	assert_int_equal(g.h.verdict, RSLV_REPLY);
	assert_int_equal(ldns_pkt_get_rcode(g.p), LDNS_RCODE_NXDOMAIN);
	assert_null(g.h.res.rule);
	got_free(&g);
	/* another name of the rule is forwarded */
	ask("app", RSLV_FROM_VPC, "y.fwd.example", "A", &g);
	assert_int_equal(g.h.res.action, RSLV_FORWARD);
	got_free(&g);
}

static void
test_fw_inbound_endpoint_queries_filtered(void **state)
{
	(void)state;
	expect_blocked("app", RSLV_FROM_INBOUND, "c2.bad.example", LDNS_RCODE_NXDOMAIN, "below");
}

static void
test_fw_vpc_without_groups_unfiltered(void **state)
{
	(void)state;
	expect_a("bare", RSLV_FROM_VPC, "c2.bad.example", "203.0.113.68");
}

static void
test_fw_equal_priority_vpc_group_before_profile_group(void **state)
{
	(void)state;
	/* partner: tie-local and the profile's tie-profile both at 400: the VPC's own first */
	expect_a("partner", RSLV_FROM_VPC, "tie.example", "203.0.113.70");
	/* app has only the profile's: blocked */
	expect_blocked("app", RSLV_FROM_VPC, "tie.example", LDNS_RCODE_NXDOMAIN, "tie");
}

static void
test_profile_zone_reaches_vpcs(void **state)
{
	(void)state;
	expect_a("partner", RSLV_FROM_VPC, "api.corp.internal", "10.0.1.40");
	expect_a("app", RSLV_FROM_VPC, "api.corp.internal", "10.0.1.40");
	/* a VPC without the profile */
	struct got g;

	ask("bare", RSLV_FROM_VPC, "api.corp.internal", "A", &g);
	assert_int_equal(ldns_pkt_get_rcode(g.p), LDNS_RCODE_NXDOMAIN);
	got_free(&g);
}

static void
test_profile_more_specific_vpc_zone_wins(void **state)
{
	(void)state;
	expect_a("app", RSLV_FROM_VPC, "api.team.corp.internal", "10.0.1.90");
}

static void
test_profile_more_specific_profile_zone_wins(void **state)
{
	(void)state;
	/* app's own local.example is less specific than the profile's deep.local.example */
	expect_a("app", RSLV_FROM_VPC, "host.deep.local.example", "10.0.1.98");
	expect_a("app", RSLV_FROM_VPC, "host.local.example", "10.0.1.99");
}

static void
test_profile_identical_name_vpc_association_wins(void **state)
{
	struct got g;

	(void)state;
	/* the profile's rule local.example loses to app's own zone of that name */
	ask("app", RSLV_FROM_VPC, "other.local.example", "A", &g);
	assert_int_equal(g.h.res.action, RSLV_ANSWER);
	assert_int_equal(ldns_pkt_get_rcode(g.p), LDNS_RCODE_NXDOMAIN);
	assert_null(g.h.res.trace.profile);
	got_free(&g);
	/* partner has no zone of its own there: the profile's rule forwards */
	ask("partner", RSLV_FROM_VPC, "other.local.example", "A", &g);
	assert_int_equal(g.h.res.action, RSLV_FORWARD);
	assert_string_equal(g.h.res.rule->name, "onprem");
	assert_non_null(g.h.res.trace.profile);
	assert_string_equal(g.h.res.trace.profile->name, "org");
	got_free(&g);
}

static void
test_profile_zones_need_vpc_dns_attributes(void **state)
{
	struct got g;

	(void)state;
	/* R5: no private hosted zones without dns_hostnames, the profile's neither */
	ask("nohost", RSLV_FROM_VPC, "api.corp.internal", "A", &g);
	assert_int_equal(ldns_pkt_get_rcode(g.p), LDNS_RCODE_NXDOMAIN);
	got_free(&g);
	/* rules still apply */
	ask("nohost", RSLV_FROM_VPC, "x.local.example", "A", &g);
	assert_int_equal(g.h.res.action, RSLV_FORWARD);
	got_free(&g);
}

static void
test_ram_shared_rule_in_other_account_vpc(void **state)
{
	struct got g;

	(void)state;
	ask("partner", RSLV_FROM_VPC, "y.fwd.example", "A", &g);
	assert_int_equal(g.h.res.action, RSLV_FORWARD);
	assert_string_equal(g.h.res.rule->account, "111122223333");
	assert_string_equal(model_vpc_find(model, "partner")->account, "444455556666");
	got_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fw_block_nxdomain_below_wildcard),
		cmocka_unit_test(test_fw_wildcard_not_apex_block_nodata),
		cmocka_unit_test(test_fw_block_override_cname),
		cmocka_unit_test(test_fw_alert_lets_through_and_records),
		cmocka_unit_test(test_fw_allow_in_earlier_group_stops_inspection),
		cmocka_unit_test(test_fw_before_forward_rules),
		cmocka_unit_test(test_fw_inbound_endpoint_queries_filtered),
		cmocka_unit_test(test_fw_vpc_without_groups_unfiltered),
		cmocka_unit_test(test_fw_equal_priority_vpc_group_before_profile_group),
		cmocka_unit_test(test_profile_zone_reaches_vpcs),
		cmocka_unit_test(test_profile_more_specific_vpc_zone_wins),
		cmocka_unit_test(test_profile_more_specific_profile_zone_wins),
		cmocka_unit_test(test_profile_identical_name_vpc_association_wins),
		cmocka_unit_test(test_profile_zones_need_vpc_dns_attributes),
		cmocka_unit_test(test_ram_shared_rule_in_other_account_vpc),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
