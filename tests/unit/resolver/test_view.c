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

/*
 * One world exercising R1-R13 (rule names in the test names).  Queries go
 * through the whole answer path (rslv_answer) and replies are read back by
 * ldns, so what is checked is what a client would see.
 */
static const char world_yaml[] =
	"scenario: view-tests\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  hub:\n"
	"    cidr: 10.0.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
	"  spoke:\n"
	"    cidr: 10.1.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"
	"  nohost:\n"
	"    cidr: 10.2.0.0/16\n"
	"    dns_hostnames: false\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.2.1.0/24}\n"
	"  nodns:\n"
	"    cidr: 10.3.0.0/16\n"
	"    dns_support: false\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.3.1.0/24}\n"
	"  virginia:\n"
	"    cidr: 10.5.0.0/16\n"
	"    region: us-east-1\n"
	"    subnets:\n"
	"      a: {az: us-east-1a, cidr: 10.5.0.0/24}\n"
	"peerings:\n"
	"  - [hub, spoke]\n"
	"endpoints:\n"
	"  api:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.execute-api\n"
	"    id: vpce-0c11f0aa40d2ff5ad\n"
	"    dns_suffix: l1xf6pcv\n"
	"    vpc: hub\n"
	"    private_dns: true\n"
	"    enis: {a: 10.0.1.25, b: 10.0.2.25}\n"
	"  ssm:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.ssm\n"
	"    vpc: hub\n"
	"    private_dns: false\n"
	"    enis: {a: 10.0.1.26, b: 10.0.2.26}\n"
	"  s3:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.s3\n"
	"    vpc: hub\n"
	"    private_dns: true\n"
	"    enis: {a: 10.0.1.27, b: 10.0.2.27}\n"
	"  s3-gateway:\n"
	"    type: gateway\n"
	"    service: com.amazonaws.eu-west-1.s3\n"
	"    vpc: hub\n"
	"hosted_zones:\n"
	"  example.com:\n"
	"    vpcs: [hub, spoke, nohost]\n"
	"    records: |\n"
	"      www  A 10.9.9.9\n"
	"      txtonly  TXT \"hi\"\n"
	"      api  ALIAS endpoint:api@eu-west-1a\n"
	"      web  ALIAS www.example.com\n"
	"  accounting.example.com:\n"
	"    vpcs: [hub]\n"
	"    records: |\n"
	"      db  A 10.9.9.10\n"
	"  corp.example.com:\n"
	"    vpcs: [hub]\n"
	"    records: |\n"
	"      x  A 10.8.8.8\n"
	"  app.net.example:\n"
	"    vpcs: [hub]\n"
	"    records: |\n"
	"      www  A 10.7.7.7\n"
	"  ssm.eu-west-1.amazonaws.com:\n"
	"    vpcs: [spoke]\n"
	"    records: |\n"
	"      @  ALIAS endpoint:ssm\n"
	"  big.example.com:\n"
	"    vpcs: [hub]\n"
	"    records: |\n"
	"      @ A 10.60.0.1\n"
	"      @ A 10.60.0.2\n"
	"      @ A 10.60.0.3\n"
	"      @ A 10.60.0.4\n"
	"      @ A 10.60.0.5\n"
	"      @ A 10.60.0.6\n"
	"      @ A 10.60.0.7\n"
	"      @ A 10.60.0.8\n"
	"      @ A 10.60.0.9\n"
	"      @ A 10.60.0.10\n"
	"      @ A 10.60.0.11\n"
	"      @ A 10.60.0.12\n"
	"      @ A 10.60.0.13\n"
	"      @ A 10.60.0.14\n"
	"      @ A 10.60.0.15\n"
	"      @ A 10.60.0.16\n"
	"      @ A 10.60.0.17\n"
	"      @ A 10.60.0.18\n"
	"      @ A 10.60.0.19\n"
	"      @ A 10.60.0.20\n"
	"      @ A 10.60.0.21\n"
	"      @ A 10.60.0.22\n"
	"      @ A 10.60.0.23\n"
	"      @ A 10.60.0.24\n"
	"      @ A 10.60.0.25\n"
	"      @ A 10.60.0.26\n"
	"      @ A 10.60.0.27\n"
	"      @ A 10.60.0.28\n"
	"      @ A 10.60.0.29\n"
	"      @ A 10.60.0.30\n"
	"      @ A 10.60.0.31\n"
	"      @ A 10.60.0.32\n"
	"  corp.internal:\n"
	"    vpcs: [hub, spoke]\n"
	"    records: |\n"
	"      api    300 CNAME vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com.\n"
	"      db     300 CNAME DB.accounting.example.com.\n"
	"      two    120 CNAME db.corp.internal.\n"
	"      gone   300 CNAME nothere.accounting.example.com.\n"
	"      loop1  300 CNAME loop2.corp.internal.\n"
	"      loop2  300 CNAME loop1.corp.internal.\n"
	"      fwd    300 CNAME x.corp.example.com.\n"
	"      txt    300 TXT \"here\"\n"
	"      *.wild 300 CNAME txt.corp.internal.\n"
	"  public.example.org:\n"
	"    records: |\n"
	"      www  A 198.51.100.7\n"
	"      cdn  600 CNAME www.public.example.org.\n"
	"resolver:\n"
	"  endpoints:\n"
	"    inbound:\n"
	"      direction: inbound\n"
	"      vpc: hub\n"
	"      ips: {a: 10.0.1.10, b: 10.0.2.10}\n"
	"    outbound:\n"
	"      direction: outbound\n"
	"      vpc: hub\n"
	"      ips: {a: 10.0.1.11, b: 10.0.2.11}\n"
	"  rules:\n"
	"    corp:\n"
	"      domain: corp.example.com\n"
	"      type: forward\n"
	"      endpoint: outbound\n"
	"      targets: [192.168.10.53]\n"
	"      vpcs: [hub]\n"
	"    net:\n"
	"      domain: net.example\n"
	"      type: forward\n"
	"      endpoint: outbound\n"
	"      targets: [192.168.10.53, 192.168.10.54]\n"
	"      vpcs: [hub, nohost]\n"
	"    everything:\n"
	"      domain: .\n"
	"      type: forward\n"
	"      endpoint: outbound\n"
	"      targets: [192.168.10.53]\n"
	"      vpcs: [virginia]\n"
	"    aws-local:\n"
	"      domain: amazonaws.com\n"
	"      type: system\n"
	"      vpcs: [virginia]\n"
	"internet:\n"
	"  zones:\n"
	"    amazonaws.com: |\n"
	"      s3.eu-west-1  60 A 52.218.0.10\n";

static struct model *model;
static struct rslv_world *world;

static int
setup(void **state)
{
	struct model_errors errs;

	model_errors_init(&errs);
	int rc = model_load_buffer("view-tests.yaml", world_yaml, sizeof(world_yaml) - 1, &model,
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
	rslv_world_free(world);
	model_free(model);
	return 0;
}

struct reply {
	enum rslv_verdict verdict;
	int rcode;
	char answers[1024]; /* rdata, sorted, space separated */
	char owner[256];    /* of the last answer */
	uint32_t ttl;	    /* of the first answer */
	size_t ancount, nscount;
	bool aa, ra, tc;
	char qname[256]; /* the question as echoed */
	const char *what;
	char trace[512];
	const struct model_rule *rule;
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t
query_build(const char *name, uint16_t type, bool edns, uint16_t opcode, uint8_t *out)
{
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_str(name, wire);

	assert_true(n > 0);
	memset(out, 0, DNS_HEADER_LEN);
	out[0] = 0x12;
	out[1] = 0x34;
	dns_write_u16(out + 2, (uint16_t)(DNS_FLAG_RD | opcode << 11));
	dns_write_u16(out + 4, 1);
	memcpy(out + DNS_HEADER_LEN, wire, (size_t)n);
	dns_write_u16(out + DNS_HEADER_LEN + n, type);
	dns_write_u16(out + DNS_HEADER_LEN + n + 2, DNS_CLASS_IN);
	size_t len = DNS_HEADER_LEN + (size_t)n + 4;

	if (edns)
		len = dns_append_opt(out, len, 512, 4096, false);
	return len;
}

static void
reply_read(const uint8_t *out, size_t len, struct reply *r)
{
	ldns_pkt *p = NULL;

	assert_int_equal(ldns_wire2pkt(&p, out, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(p), 0x1234);
	r->rcode = ldns_pkt_get_rcode(p);
	r->aa = ldns_pkt_aa(p);
	r->ra = ldns_pkt_ra(p);
	r->tc = ldns_pkt_tc(p);
	ldns_rr_list *an = ldns_pkt_answer(p);

	r->ancount = ldns_rr_list_rr_count(an);
	r->nscount = ldns_rr_list_rr_count(ldns_pkt_authority(p));
	char *items[64];
	size_t n = 0;

	for (size_t i = 0; i < r->ancount && n < 64; i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);

		items[n++] = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		if (i == 0)
			r->ttl = ldns_rr_ttl(rr);
		char *o = ldns_rdf2str(ldns_rr_owner(rr));

		snprintf(r->owner, sizeof(r->owner), "%s", o ? o : "");
		free(o);
	}
	qsort(items, n, sizeof(items[0]), str_cmp);
	r->answers[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(r->answers, " ");
		if (strlen(r->answers) + strlen(items[i]) < sizeof(r->answers) - 2)
			strcat(r->answers, items[i]);
		free(items[i]);
	}
	char *q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0)));

	snprintf(r->qname, sizeof(r->qname), "%s", q);
	free(q);
	ldns_pkt_free(p);
}

static void
ask_full(const char *vpc, enum rslv_from from, const char *name, uint16_t type, bool edns,
	 struct reply *r)
{
	uint8_t q[512], out[RSLV_MSG_MAX];
	struct rslv_handled h;
	size_t view = 0;

	memset(r, 0, sizeof(*r));
	if (vpc) {
		struct model_vpc *v = model_vpc_find(model, vpc);

		assert_non_null(v);
		view = v->index;
	}
	size_t qlen = query_build(name, type, edns, 0, q);

	rslv_answer(world, view, from, q, qlen, false, out, sizeof(out), &h);
	r->verdict = h.verdict;
	r->what = h.res.trace.what;
	r->rule = h.res.rule;
	rslv_trace_print(&h.res.trace, r->trace, sizeof(r->trace));
	if (h.verdict == RSLV_REPLY)
		reply_read(out, h.len, r);
}

static void
ask(const char *vpc, enum rslv_from from, const char *name, uint16_t type, struct reply *r)
{
	ask_full(vpc, from, name, type, true, r);
}

#define VPC(v) (v), RSLV_FROM_VPC
#define INBOUND(v) (v), RSLV_FROM_INBOUND
#define INTERNET NULL, RSLV_FROM_INTERNET

static void
expect_answer(struct reply *r, const char *answers)
{
	assert_int_equal(r->verdict, RSLV_REPLY);
	assert_int_equal(r->rcode, DNS_RCODE_NOERROR);
	assert_string_equal(r->answers, answers);
}

static void
expect_nxdomain(struct reply *r)
{
	assert_int_equal(r->verdict, RSLV_REPLY);
	assert_int_equal(r->rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(r->ancount, 0);
	assert_int_equal(r->nscount, 1); /* the zone's SOA, for negative caching (R17) */
}

static bool
is_pool(const char *a)
{
	return strncmp(a, "52.94.", 6) == 0 && !strchr(a, ' ');
}

/* R1: longest label-boundary match; overlapping PHZs pick the most specific. */
static void
test_r1_longest_match(void **state)
{
	struct reply r;

	ask(VPC("hub"), "db.accounting.example.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.10");
	assert_non_null(strstr(r.trace, "zone:accounting.example.com"));
	ask(VPC("hub"), "www.example.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.9");
	assert_non_null(strstr(r.trace, "zone:example.com"));
	/* negative: the more specific PHZ lacks it -> NXDOMAIN, no fallback to example.com */
	ask(VPC("hub"), "www.accounting.example.com", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	/* label boundary: xaccounting.example.com is in example.com, not accounting */
	ask(VPC("hub"), "db.xaccounting.example.com", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	assert_null(strstr(r.trace, "zone:accounting.example.com"));
}

/* R2: a custom rule beats the autodefined PHZ of the same name. */
static void
test_r2_forward_rule_beats_phz(void **state)
{
	struct reply r;

	ask(VPC("hub"), "x.corp.example.com", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_FORWARDED);
	assert_non_null(r.rule);
	assert_string_equal(r.rule->name, "corp");
	assert_non_null(strstr(r.trace, "rule:corp"));
	assert_non_null(strstr(r.trace, "outbound:outbound"));
	/* negative: spoke has neither the rule nor the PHZ: example.com PHZ answers NXDOMAIN */
	ask(VPC("spoke"), "x.corp.example.com", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	assert_null(strstr(r.trace, "rule:corp"));
}

/* R3: forward only where the rule is associated; the rule carries its targets. */
static void
test_r3_forward(void **state)
{
	struct reply r;

	ask(VPC("hub"), "host.net.example", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_FORWARDED);
	assert_string_equal(r.rule->name, "net");
	assert_int_equal(r.rule->n_targets, 2);
	ask(VPC("spoke"), "host.net.example", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_REPLY);
	assert_non_null(strstr(r.trace, "internet"));
}

/* R4: PHZ more specific than a forward rule wins; PHZ misses are NXDOMAIN, shadowing. */
static void
test_r4_phz_more_specific_and_shadowing(void **state)
{
	struct reply r;

	ask(VPC("hub"), "www.app.net.example", DNS_TYPE_A, &r);
	expect_answer(&r, "10.7.7.7");
	ask(VPC("hub"), "other.app.net.example", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	/* shadowing: spoke's ssm PHZ owns the namespace; hub (no PHZ) gets the public answer */
	ask(VPC("spoke"), "fips.ssm.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	ask(VPC("hub"), "fips.ssm.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
	assert_true(is_pool(r.answers));
	/* an existing name with another type: NODATA (configurable default) */
	ask(VPC("hub"), "txtonly.example.com", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(r.ancount, 0);
	assert_int_equal(r.nscount, 1);
	ask(VPC("hub"), "txtonly.example.com", DNS_TYPE_TXT, &r);
	expect_answer(&r, "\"hi\"");
}

/* R5: dns_support false answers nothing; dns_hostnames false hides PHZs and internal names. */
static void
test_r5_vpc_attributes(void **state)
{
	struct reply r;

	ask(VPC("nodns"), "www.example.com", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_IGNORE);
	ask(VPC("nohost"), "www.example.com", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	assert_non_null(strstr(r.trace, "internet"));
	ask(VPC("nohost"), "ip-10-2-1-5.eu-west-1.compute.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.ancount, 0);
	/* custom rules still apply */
	ask(VPC("nohost"), "host.net.example", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_FORWARDED);
	/* positive control: the same names in hub */
	ask(VPC("hub"), "ip-10-0-1-5.eu-west-1.compute.internal", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.5");
}

/* R6: EC2 IP names, us-east-1 style, reverse zones; A only. */
static void
test_r6_internal_names(void **state)
{
	struct reply r;

	ask(VPC("hub"), "ip-10-0-2-7.eu-west-1.compute.internal", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.2.7");
	ask(VPC("hub"), "ip-10-0-2-7.eu-west-1.compute.internal", DNS_TYPE_AAAA, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(r.ancount, 0);
	ask(VPC("hub"), "nope.eu-west-1.compute.internal", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
	ask(VPC("hub"), "7.2.0.10.in-addr.arpa", DNS_TYPE_PTR, &r);
	expect_answer(&r, "ip-10-0-2-7.eu-west-1.compute.internal.");
	ask(VPC("virginia"), "ip-10-5-0-9.ec2.internal", DNS_TYPE_A, &r);
	expect_answer(&r, "10.5.0.9");
	ask(VPC("hub"), "ip-10-5-0-9.ec2.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.ancount, 0);
}

/* R7: the inbound endpoint resolves in its VPC's view; S3 private DNS only for inbound. */
static void
test_r7_inbound_and_s3(void **state)
{
	struct reply r;

	ask(INBOUND("hub"), "db.accounting.example.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.10");
	ask(INBOUND("hub"), "s3.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.27 10.0.2.27");
	assert_non_null(strstr(r.trace, "private-dns:s3"));
	ask(INBOUND("hub"), "bucket.s3.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.27 10.0.2.27");
	/* negative: from the VPC itself S3 gets the public answer */
	ask(VPC("hub"), "s3.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "52.218.0.10");
}

/* R10: regional and zonal vpce names answer from every view, the internet included. */
static void
test_r10_vpce_names(void **state)
{
	struct reply r;
	const char *regional = "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com";

	ask(INTERNET, regional, DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.25 10.0.2.25");
	assert_int_equal(r.ttl, 60);
	ask(VPC("spoke"), regional, DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.25 10.0.2.25");
	ask(INTERNET, "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1b.execute-api.eu-west-1.vpce.amazonaws.com",
	    DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.2.25");
	/* negative: an unknown vpce name is NXDOMAIN, not a pool address */
	ask(INTERNET, "vpce-0000-zzzzzzzz.execute-api.eu-west-1.vpce.amazonaws.com", DNS_TYPE_A, &r);
	expect_nxdomain(&r);
}

/* R11: private DNS (with the execute-api wildcard) only in the endpoint's own VPC. */
static void
test_r11_private_dns_own_vpc_only(void **state)
{
	struct reply r;

	ask(VPC("hub"), "abcd.execute-api.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.25 10.0.2.25");
	assert_non_null(strstr(r.trace, "private-dns:api"));
	ask(VPC("hub"), "execute-api.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.25 10.0.2.25");
	/* negative: the peered VPC sees the public answer */
	ask(VPC("spoke"), "abcd.execute-api.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
	assert_true(is_pool(r.answers));
	assert_null(strstr(r.trace, "private-dns"));
	/* cross-region names go public even in the endpoint's VPC */
	ask(VPC("hub"), "abcd.execute-api.us-east-1.amazonaws.com", DNS_TYPE_A, &r);
	assert_true(is_pool(r.answers));
}

/* R12: gateway endpoints change no DNS. */
static void
test_r12_gateway(void **state)
{
	struct reply r;

	ask(VPC("spoke"), "s3.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "52.218.0.10");
	ask(INTERNET, "s3.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "52.218.0.10");
}

/* R13: ALIAS to endpoints (TTL vpce_ttl) and to names (the target's TTL). */
static void
test_r13_alias(void **state)
{
	struct reply r;

	ask(VPC("spoke"), "ssm.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.26 10.0.2.26");
	assert_int_equal(r.ttl, 60);
	assert_string_equal(r.what, "alias");
	ask(VPC("hub"), "api.example.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.0.1.25");
	ask(VPC("hub"), "web.example.com", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.9");
	assert_int_equal(r.ttl, 300);
	/* negative: an alias has no TXT */
	ask(VPC("hub"), "web.example.com", DNS_TYPE_TXT, &r);
	assert_int_equal(r.ancount, 0);
	assert_int_equal(r.nscount, 1);
}

/* SYSTEM rule carves amazonaws.com out of a "." forward rule. */
static void
test_system_rule(void **state)
{
	struct reply r;

	ask(VPC("virginia"), "www.example.net", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_FORWARDED);
	assert_string_equal(r.rule->name, "everything");
	ask(VPC("virginia"), "s3.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	expect_answer(&r, "52.218.0.10");
	assert_non_null(strstr(r.trace, "rule:aws-local"));
}

static void
test_internet_view(void **state)
{
	struct reply r;

	ask(INTERNET, "www.public.example.org", DNS_TYPE_A, &r);
	expect_answer(&r, "198.51.100.7");
	ask(INTERNET, "www.example.com", DNS_TYPE_A, &r); /* private zones stay private */
	expect_nxdomain(&r);
	ask(INTERNET, "sts.eu-west-1.amazonaws.com", DNS_TYPE_A, &r);
	assert_true(is_pool(r.answers));
	struct reply r2;

	ask(INTERNET, "STS.eu-west-1.amazonaws.com", DNS_TYPE_A, &r2);
	assert_string_equal(r.answers, r2.answers); /* deterministic, case-blind */
	ask(INTERNET, "kendra-ranking.eu-west-1.api.aws", DNS_TYPE_A, &r);
	assert_true(is_pool(r.answers));
	ask(INTERNET, "sts.eu-west-1.amazonaws.com", DNS_TYPE_AAAA, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(r.ancount, 0);
}

static void
test_wire_behaviour(void **state)
{
	struct reply r;

	ask(VPC("hub"), "WwW.ExAmple.COM", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.9");
	assert_string_equal(r.qname, "WwW.ExAmple.COM.");
	assert_true(r.ra);
	assert_false(r.aa);
	/* 32 A records do not fit 512 bytes without EDNS: TC */
	ask_full("hub", RSLV_FROM_VPC, "big.example.com", DNS_TYPE_A, false, &r);
	assert_true(r.tc);
	assert_int_equal(r.ancount, 0);
	ask_full("hub", RSLV_FROM_VPC, "big.example.com", DNS_TYPE_A, true, &r);
	assert_false(r.tc);
	assert_int_equal(r.ancount, 32);

	uint8_t q[512], out[RSLV_MSG_MAX];
	struct rslv_handled h;
	size_t len = query_build("www.example.com", DNS_TYPE_A, false, 2, q);

	rslv_answer(world, 0, RSLV_FROM_VPC, q, len, false, out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_REPLY);
	assert_int_equal(DNS_RCODE(dns_read_u16(out + 2)), DNS_RCODE_REFUSED);
	/* truncated question: FORMERR with the client's ID */
	len = query_build("www.example.com", DNS_TYPE_A, false, 0, q);
	rslv_answer(world, 0, RSLV_FROM_VPC, q, len - 3, false, out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_REPLY);
	assert_int_equal(DNS_RCODE(dns_read_u16(out + 2)), DNS_RCODE_FORMERR);
	assert_int_equal(dns_read_u16(out), 0x1234);
	/* QDCOUNT 2 */
	len = query_build("www.example.com", DNS_TYPE_A, false, 0, q);
	dns_write_u16(q + 4, 2);
	rslv_answer(world, 0, RSLV_FROM_VPC, q, len, false, out, sizeof(out), &h);
	assert_int_equal(DNS_RCODE(dns_read_u16(out + 2)), DNS_RCODE_FORMERR);
	/* a response is never answered; a runt neither */
	len = query_build("www.example.com", DNS_TYPE_A, false, 0, q);
	q[2] |= 0x80;
	rslv_answer(world, 0, RSLV_FROM_VPC, q, len, false, out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_IGNORE);
	rslv_answer(world, 0, RSLV_FROM_VPC, q, 5, false, out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_IGNORE);
}

/* nodata_for_other_types: false turns NODATA into NXDOMAIN (the docs' wording). */
static void
test_nodata_configurable(void **state)
{
	static const char yaml[] = "scenario: t\n"
				   "region: eu-west-1\n"
				   "defaults: {nodata_for_other_types: false}\n"
				   "vpcs:\n"
				   "  v:\n"
				   "    cidr: 10.0.0.0/16\n"
				   "    subnets:\n"
				   "      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
				   "hosted_zones:\n"
				   "  example.com:\n"
				   "    vpcs: [v]\n"
				   "    records: |\n"
				   "      www  A 10.9.9.9\n";
	struct model *m = NULL;
	struct rslv_world *w = NULL;
	struct model_errors errs;
	struct rslv_result res;
	uint8_t name[DNS_NAME_MAX];
	int n = dns_name_from_str("www.example.com", name);

	model_errors_init(&errs);
	assert_int_equal(model_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &m, &errs), 0);
	model_errors_deinit(&errs);
	assert_int_equal(rslv_world_new(m, &w), 0);
	rslv_resolve(w, 0, RSLV_FROM_VPC, name, (size_t)n, DNS_TYPE_TXT, &res);
	assert_int_equal(res.rcode, DNS_RCODE_NXDOMAIN);
	rslv_resolve(w, 0, RSLV_FROM_VPC, name, (size_t)n, DNS_TYPE_A, &res);
	assert_int_equal(res.rcode, DNS_RCODE_NOERROR);
	assert_non_null(res.answer);
	rslv_world_free(w);
	model_free(m);
}

static bool
down_b(void *arg, const struct model_eni *eni)
{
	return eni->ip.bytes[2] == 2; /* 10.0.2.x: the ENIs in eu-west-1b */
}

/* A fault on an endpoint ENI (given: down: [endpoint:api@b]) leaves it out of answers. */
static void
test_endpoint_eni_down(void **state)
{
	struct rslv_world *w = NULL;
	struct rslv_result res;
	uint8_t name[DNS_NAME_MAX];
	int n = dns_name_from_str("abcd.execute-api.eu-west-1.amazonaws.com", name);

	assert_int_equal(rslv_world_new_ext(model, down_b, NULL, &w), 0);
	rslv_resolve(w, model_vpc_find(model, "hub")->index, RSLV_FROM_VPC, name, (size_t)n,
		     DNS_TYPE_A, &res);
	assert_non_null(res.answer);
	assert_int_equal(res.answer->count, 1);
	/* the healthy world still has both */
	rslv_resolve(world, model_vpc_find(model, "hub")->index, RSLV_FROM_VPC, name, (size_t)n,
		     DNS_TYPE_A, &res);
	assert_int_equal(res.answer->count, 2);
	rslv_world_free(w);
}

/* CNAMEs are chased in the question's view (docs/aws-semantics.md). */
static void
test_cname_chase(void **state)
{
	struct reply r;
	const char *regional = "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com.";
	char want[512];

	/* to a vpce regional name: the CNAME, then the endpoint's ENIs under the target */
	ask(VPC("hub"), "api.corp.internal", DNS_TYPE_A, &r);
	snprintf(want, sizeof(want), "10.0.1.25 10.0.2.25 %s", regional);
	expect_answer(&r, want);
	assert_int_equal(r.ancount, 3);
	assert_int_equal(r.nscount, 0);
	assert_int_equal(r.ttl, 300); /* the CNAME's own TTL comes first */
	assert_string_equal(r.owner, regional);
	assert_string_equal(r.what, "cname");
	assert_non_null(strstr(r.trace, "zone:corp.internal\ninternet\n"));
	/* the same from an inbound endpoint, and with the client's spelling */
	ask(INBOUND("hub"), "API.Corp.Internal", DNS_TYPE_A, &r);
	expect_answer(&r, want);
	/* a type the target lacks: the chain and NODATA with the target zone's SOA */
	ask(VPC("hub"), "api.corp.internal", DNS_TYPE_TXT, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(r.ancount, 1);
	assert_int_equal(r.nscount, 1);
	/* the CNAME itself asked for: not chased */
	ask(VPC("hub"), "api.corp.internal", DNS_TYPE_CNAME, &r);
	assert_int_equal(r.ancount, 1);
	assert_string_equal(r.answers, regional);

	/* into another PHZ associated with the same VPC (target spelled in upper case) */
	ask(VPC("hub"), "db.corp.internal", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.10 DB.accounting.example.com.");
	assert_string_equal(r.owner, "db.accounting.example.com.");
	assert_non_null(strstr(r.trace, "zone:accounting.example.com"));
	/* two links, each TTL as it is */
	ask(VPC("hub"), "two.corp.internal", DNS_TYPE_A, &r);
	expect_answer(&r, "10.9.9.10 DB.accounting.example.com. db.corp.internal.");
	assert_int_equal(r.ttl, 120);
	/* the same name from spoke: accounting.example.com is not associated there */
	ask(VPC("spoke"), "db.corp.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(r.ancount, 1);
	assert_int_equal(r.nscount, 1);

	/* to a missing name of a PHZ: the chain, then NXDOMAIN with that zone's SOA */
	ask(VPC("hub"), "gone.corp.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(r.ancount, 1);
	assert_int_equal(r.nscount, 1);
	assert_string_equal(r.answers, "nothere.accounting.example.com.");
	assert_string_equal(r.what, "cname");

	/* a loop: SERVFAIL, no records */
	ask(VPC("hub"), "loop1.corp.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_SERVFAIL);
	assert_int_equal(r.ancount, 0);
	assert_string_equal(r.what, "cname-loop");

	/* a wildcard CNAME chases for any name it covers */
	ask(VPC("hub"), "a.b.wild.corp.internal", DNS_TYPE_TXT, &r);
	expect_answer(&r, "\"here\" txt.corp.internal.");

	/* a public zone's CNAME, asked from the internet */
	ask(INTERNET, "cdn.public.example.org", DNS_TYPE_A, &r);
	expect_answer(&r, "198.51.100.7 www.public.example.org.");
	assert_int_equal(r.ttl, 600);
	/* spoke has no such rule: its chain goes to the internet, which has no corp.example.com */
	ask(VPC("spoke"), "fwd.corp.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(r.ancount, 1);
}

/*
 * A chain reaching a name under a FORWARD rule of the view: the question is
 * forwarded at the target through the rule's outbound endpoint, carrying the
 * chain so far (io_fwd.c puts the target's answer behind it).
 */
static void
test_cname_chase_into_forward_rule(void **state)
{
	struct reply r;
	uint8_t q[512], out[RSLV_MSG_MAX];
	struct rslv_handled h;
	char name[DNS_NAME_STRLEN];
	size_t qlen = query_build("Fwd.Corp.Internal", DNS_TYPE_A, true, 0, q);

	rslv_answer(world, model_vpc_find(model, "hub")->index, RSLV_FROM_VPC, q, qlen, false, out,
		    sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_FORWARDED);
	assert_string_equal(h.res.rule->name, "corp");
	assert_non_null(h.res.fwd_name);
	assert_int_equal(dns_name_to_str(h.res.fwd_name, h.res.fwd_name_len, name, sizeof(name)), 0);
	assert_string_equal(name, "x.corp.example.com");
	assert_non_null(h.res.answer);
	assert_int_equal(h.res.answer->count, 1); /* the CNAME */
	assert_int_equal(h.res.answer->type, DNS_TYPE_CNAME);
	assert_string_equal(h.res.trace.what, "cname-forward");
	/* the trace shows the hops the chase took */
	ask(VPC("hub"), "fwd.corp.internal", DNS_TYPE_A, &r);
	assert_non_null(strstr(r.trace, "vpc:hub\nzone:corp.internal\nrule:corp\noutbound:outbound\n"));
	/* the same from an inbound endpoint of the VPC */
	ask(INBOUND("hub"), "fwd.corp.internal", DNS_TYPE_A, &r);
	assert_int_equal(r.verdict, RSLV_FORWARDED);
	assert_true(r.rule && strcmp(r.rule->name, "corp") == 0);
	/* the CNAME type itself: not chased, answered here */
	ask(VPC("hub"), "fwd.corp.internal", DNS_TYPE_CNAME, &r);
	assert_int_equal(r.verdict, RSLV_REPLY);
	assert_string_equal(r.answers, "x.corp.example.com.");
	/* a question forwarded as it is carries no chain */
	qlen = query_build("a.corp.example.com", DNS_TYPE_A, true, 0, q);
	rslv_answer(world, model_vpc_find(model, "hub")->index, RSLV_FROM_VPC, q, qlen, false, out,
		    sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_FORWARDED);
	assert_null(h.res.fwd_name);
	assert_null(h.res.answer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_r1_longest_match),
		cmocka_unit_test(test_r2_forward_rule_beats_phz),
		cmocka_unit_test(test_r3_forward),
		cmocka_unit_test(test_r4_phz_more_specific_and_shadowing),
		cmocka_unit_test(test_r5_vpc_attributes),
		cmocka_unit_test(test_r6_internal_names),
		cmocka_unit_test(test_r7_inbound_and_s3),
		cmocka_unit_test(test_r10_vpce_names),
		cmocka_unit_test(test_r11_private_dns_own_vpc_only),
		cmocka_unit_test(test_r12_gateway),
		cmocka_unit_test(test_r13_alias),
		cmocka_unit_test(test_system_rule),
		cmocka_unit_test(test_internet_view),
		cmocka_unit_test(test_wire_behaviour),
		cmocka_unit_test(test_nodata_configurable),
		cmocka_unit_test(test_endpoint_eni_down),
		cmocka_unit_test(test_cname_chase),
		cmocka_unit_test(test_cname_chase_into_forward_rule),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
