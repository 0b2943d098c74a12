/*
 * tests/unit/harness/test_expect.c -- where `check` decides: every verdict
 * harness/expect.c can give, each form passing and failing.
 *
 * The expectations come from a small scenario loaded by the real loader, so
 * they are what `check` judges; the observed answers and the hops are built
 * here (and, for observed_from_wire, as wire packets with ldns).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "common/error.h"
#include "common/trace.h"
#include "harness/expect.h"
#include "model/model.h"

static const char scenario[] =
	"scenario: expect-unit\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  hub:\n"
	"    cidr: 10.0.0.0/16\n"
	"    subnets:\n"
	"      private-a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
	"      private-b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
	"endpoints:\n"
	"  api:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.execute-api\n"
	"    vpc: hub\n"
	"    private_dns: false\n"
	"    enis: {private-a: 10.0.1.25, private-b: 10.0.2.25}\n"
	"resolver:\n"
	"  endpoints:\n"
	"    inbound:\n"
	"      direction: inbound\n"
	"      vpc: hub\n"
	"      ips: {private-a: 10.0.1.10, private-b: 10.0.2.10}\n"
	"onprem:\n"
	"  cidr: 192.168.0.0/16\n"
	"  resolvers:\n"
	"    dc1-dns:\n"
	"      address: 192.168.10.53\n"
	"      default: internet\n"
	"expect:\n"
	"  - name: list\n"
	"    query: a.example A\n"
	"    answer: [10.0.1.5, 10.0.1.6]\n"
	"  - name: endpoint\n"
	"    query: x.execute-api.eu-west-1.amazonaws.com A\n"
	"    answer: endpoint:api\n"
	"  - name: endpoint-az\n"
	"    query: x.execute-api.eu-west-1.amazonaws.com A\n"
	"    answer: endpoint:api@eu-west-1a\n"
	"  - name: endpoint-eni-down\n"
	"    query: x.execute-api.eu-west-1.amazonaws.com A\n"
	"    given: {down: [endpoint:api@private-b]}\n"
	"    answer: endpoint:api\n"
	"  - name: public\n"
	"    query: www.example.com A\n"
	"    answer: public\n"
	"  - name: private\n"
	"    query: a.example A\n"
	"    answer: private\n"
	"  - name: empty\n"
	"    query: a.example AAAA\n"
	"    answer: empty\n"
	"  - name: nxdomain\n"
	"    query: nosuch.example A\n"
	"    answer: nxdomain\n"
	"  - name: rcode only\n"
	"    query: broken.example A\n"
	"    rcode: SERVFAIL\n"
	"  - name: via\n"
	"    query: a.example A\n"
	"    answer: [10.0.1.5]\n"
	"    via: [onprem:dc1-dns, inbound:inbound, internet]\n"
	"  - name: max-ms\n"
	"    query: a.example A\n"
	"    max_ms: 100\n"
	"  - name: cname list\n"
	"    query: alias.example CNAME\n"
	"    answer: [Target.Example.COM.]\n"
	"  - name: any answer\n"
	"    query: a.example A\n"
	"  - name: ttl\n"
	"    query: a.example A\n"
	"    ttl: 60\n"
	"  - name: ttl-max\n"
	"    query: a.example A\n"
	"    ttl_max: 300\n"
	"  - name: negative ttl\n"
	"    query: nosuch.example A\n"
	"    answer: nxdomain\n"
	"    ttl: 900\n"
	"  - name: timeout\n"
	"    query: a.example A\n"
	"    rcode: timeout\n"
	"  - name: timeout in 700 ms\n"
	"    query: a.example A\n"
	"    rcode: TIMEOUT\n"
	"    max_ms: 700\n"
	"  - name: timeout from a VPC\n"
	"    from: vpc:hub\n"
	"    query: a.example A\n"
	"    rcode: timeout\n"
	"  - name: long name\n"
	"    query: api.example CNAME\n"
	"    answer: [vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com]\n";

enum {
	E_LIST,
	E_ENDPOINT,
	E_ENDPOINT_AZ,
	E_ENDPOINT_DOWN,
	E_PUBLIC,
	E_PRIVATE,
	E_EMPTY,
	E_NXDOMAIN,
	E_RCODE,
	E_VIA,
	E_MAX_MS,
	E_CNAME_LIST,
	E_ANY,
	E_TTL,
	E_TTL_MAX,
	E_NEG_TTL,
	E_TIMEOUT,
	E_TIMEOUT_MS,
	E_TIMEOUT_VPC,
	E_LONG,
	E_COUNT,
};

static struct model *m;

static int
setup(void **state)
{
	struct model_errors e;

	model_errors_init(&e);
	if (model_load_buffer("expect-unit.yaml", scenario, strlen(scenario), &m, &e) != 0) {
		model_errors_print(&e, stderr);
		model_errors_deinit(&e);
		return -1;
	}
	model_errors_deinit(&e);
	return m->n_expects == E_COUNT ? 0 : -1;
}

static int
teardown(void **state)
{
	model_free(m);
	return 0;
}

/* An answered observation: rcode, then (type, value) pairs ending at type 0. */
static struct observed
obs_make(int rcode, ...)
{
	struct observed o;
	va_list ap;
	int type;

	memset(&o, 0, sizeof(o));
	o.answered = true;
	o.rcode = rcode;
	o.latency_ms = 12.5;
	va_start(ap, rcode);
	while ((type = va_arg(ap, int)) != 0) {
		snprintf(o.values[o.n_values], sizeof(o.values[0]), "%s", va_arg(ap, const char *));
		o.types[o.n_values++] = (uint16_t)type;
	}
	va_end(ap);
	return o;
}

#define A LDNS_RR_TYPE_A
#define CNAME LDNS_RR_TYPE_CNAME

static struct verdict v;

static bool
judge(int which, const struct observed *o, const struct hns_trace_event *hops, size_t n_hops)
{
	expect_judge(m, &m->expects[which], o, hops, n_hops, &v);
	if (v.pass)
		assert_string_equal(v.message, "");
	else
		assert_true(v.message[0] != '\0');
	return v.pass;
}

static void
assert_message_has(const char *part)
{
	if (strstr(v.message, part) == NULL)
		fail_msg("message '%s' lacks '%s'", v.message, part);
}

/* ------------------------------------------------------------ no answer */

static void
test_timeout(void **state)
{
	struct observed o = { .answered = false };

	assert_false(judge(E_ANY, &o, NULL, 0));
	assert_string_equal(v.message, "expected NOERROR; no answer: timeout");
	snprintf(o.error, sizeof(o.error), "connection refused");
	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_string_equal(v.message, "expected 10.0.1.5 10.0.1.6; no answer: connection refused");
}

/* ------------------------------------------------------------ rcode */

static void
test_rcode(void **state)
{
	struct observed o = obs_make(2, 0);

	assert_true(judge(E_RCODE, &o, NULL, 0));
	o = obs_make(0, A, "10.0.1.5", 0);
	assert_false(judge(E_RCODE, &o, NULL, 0));
	assert_message_has("expected SERVFAIL, got NOERROR (10.0.1.5)");
	/* A list answer with the wrong rcode fails on the rcode, whatever the values. */
	o = obs_make(5, 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_message_has("expected 10.0.1.5 10.0.1.6, got REFUSED");
}

/* An rcode without a name is shown as its number, never as another rcode. */
static void
test_rcode_unknown_is_number(void **state)
{
	struct observed o = obs_make(15, 0);

	assert_false(judge(E_ANY, &o, NULL, 0));
	assert_message_has("expected NOERROR, got RCODE15");
	o = obs_make(11, 0);
	assert_false(judge(E_RCODE, &o, NULL, 0));
	assert_message_has("expected SERVFAIL, got RCODE11");
}

static void
test_any_answer(void **state)
{
	struct observed o = obs_make(0, 0);

	assert_true(judge(E_ANY, &o, NULL, 0));
	o = obs_make(0, A, "1.2.3.4", A, "5.6.7.8", 0);
	assert_true(judge(E_ANY, &o, NULL, 0));
	o = obs_make(3, 0);
	assert_false(judge(E_ANY, &o, NULL, 0));
	assert_message_has("expected NOERROR, got NXDOMAIN");
}

static void
test_nxdomain(void **state)
{
	struct observed o = obs_make(3, 0);

	assert_true(judge(E_NXDOMAIN, &o, NULL, 0));
	o = obs_make(0, A, "10.0.1.5", 0);
	assert_false(judge(E_NXDOMAIN, &o, NULL, 0));
	assert_message_has("expected NXDOMAIN, got NOERROR (10.0.1.5)");
	o = obs_make(0, 0);
	assert_false(judge(E_NXDOMAIN, &o, NULL, 0));
}

static void
test_empty(void **state)
{
	struct observed o = obs_make(0, 0);

	assert_true(judge(E_EMPTY, &o, NULL, 0));
	/* A CNAME on the way is not an AAAA record: still empty. */
	o = obs_make(0, CNAME, "other.example", 0);
	assert_true(judge(E_EMPTY, &o, NULL, 0));
	o = obs_make(0, LDNS_RR_TYPE_AAAA, "2001:db8::1", 0);
	assert_false(judge(E_EMPTY, &o, NULL, 0));
	assert_message_has("expected no records, got 2001:db8::1");
	/* Empty means NOERROR: NXDOMAIN is not empty. */
	o = obs_make(3, 0);
	assert_false(judge(E_EMPTY, &o, NULL, 0));
	assert_message_has("expected no records (NOERROR), got NXDOMAIN");
}

/* ------------------------------------------------------------ value sets */

static void
test_list(void **state)
{
	struct observed o = obs_make(0, A, "10.0.1.6", A, "10.0.1.5", 0);

	assert_true(judge(E_LIST, &o, NULL, 0)); /* order ignored */
	o = obs_make(0, A, "10.0.1.5", 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_message_has("expected 10.0.1.5 10.0.1.6, got 10.0.1.5");
	o = obs_make(0, A, "10.0.1.5", A, "10.0.1.6", A, "10.0.1.7", 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	/* A duplicate cannot hide a missing value. */
	o = obs_make(0, A, "10.0.1.5", A, "10.0.1.5", 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	o = obs_make(0, 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_message_has("got (no records)");
}

/* A CNAME chain: only the records of the queried type are the answer. */
static void
test_cname_chain(void **state)
{
	struct observed o = obs_make(0, CNAME, "b.example", A, "10.0.1.5", A, "10.0.1.6", 0);

	assert_true(judge(E_LIST, &o, NULL, 0));
	o = obs_make(0, CNAME, "10.0.1.5", A, "10.0.1.6", 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_message_has("got 10.0.1.6");
	/* Asking for the CNAME itself: the expected value is compared lower case, no trailing dot. */
	o = obs_make(0, CNAME, "target.example.com", 0);
	assert_true(judge(E_CNAME_LIST, &o, NULL, 0));
	o = obs_make(0, CNAME, "other.example.com", 0);
	assert_false(judge(E_CNAME_LIST, &o, NULL, 0));
	assert_message_has("expected target.example.com, got other.example.com");
}

static void
test_endpoint(void **state)
{
	struct observed o = obs_make(0, A, "10.0.2.25", A, "10.0.1.25", 0);

	assert_true(judge(E_ENDPOINT, &o, NULL, 0));
	o = obs_make(0, A, "10.0.1.25", 0);
	assert_false(judge(E_ENDPOINT, &o, NULL, 0));
	assert_message_has("expected 10.0.1.25 10.0.2.25, got 10.0.1.25");
}

static void
test_endpoint_az(void **state)
{
	struct observed o = obs_make(0, A, "10.0.1.25", 0);

	assert_true(judge(E_ENDPOINT_AZ, &o, NULL, 0));
	o = obs_make(0, A, "10.0.1.25", A, "10.0.2.25", 0);
	assert_false(judge(E_ENDPOINT_AZ, &o, NULL, 0));
	o = obs_make(0, A, "10.0.2.25", 0);
	assert_false(judge(E_ENDPOINT_AZ, &o, NULL, 0));
	assert_message_has("expected 10.0.1.25, got 10.0.2.25");
}

/* An ENI held down by `given` is not expected among the regional answers. */
static void
test_endpoint_eni_down(void **state)
{
	struct observed o = obs_make(0, A, "10.0.1.25", 0);

	assert_true(judge(E_ENDPOINT_DOWN, &o, NULL, 0));
	o = obs_make(0, A, "10.0.1.25", A, "10.0.2.25", 0);
	assert_false(judge(E_ENDPOINT_DOWN, &o, NULL, 0));
}

/* ------------------------------------------------------------ public / private */

static void
test_public(void **state)
{
	struct observed o = obs_make(0, A, "93.184.215.14", A, "52.218.0.10", 0);

	assert_true(judge(E_PUBLIC, &o, NULL, 0));
	o = obs_make(0, A, "93.184.215.14", A, "10.0.1.25", 0);
	assert_false(judge(E_PUBLIC, &o, NULL, 0));
	assert_message_has("10.0.1.25 is inside a VPC or on-prem CIDR");
	o = obs_make(0, A, "192.168.20.15", 0);
	assert_false(judge(E_PUBLIC, &o, NULL, 0)); /* the on-prem CIDR is not public either */
	o = obs_make(0, 0);
	assert_false(judge(E_PUBLIC, &o, NULL, 0));
	assert_message_has("expected public addresses, got no records");
	o = obs_make(0, A, "not-an-address", 0);
	assert_false(judge(E_PUBLIC, &o, NULL, 0));
	assert_message_has("not-an-address is not an address");
}

static void
test_private(void **state)
{
	struct observed o = obs_make(0, A, "10.0.1.5", A, "192.168.20.15", 0);

	assert_true(judge(E_PRIVATE, &o, NULL, 0));
	o = obs_make(0, A, "10.0.1.5", A, "8.8.8.8", 0);
	assert_false(judge(E_PRIVATE, &o, NULL, 0));
	assert_message_has("8.8.8.8 is not inside any VPC or on-prem CIDR");
	/* 10.1.x is RFC 1918 but in no VPC of the scenario: not private here. */
	o = obs_make(0, A, "10.1.0.5", 0);
	assert_false(judge(E_PRIVATE, &o, NULL, 0));
	o = obs_make(0, 0);
	assert_false(judge(E_PRIVATE, &o, NULL, 0));
	assert_message_has("expected private addresses, got no records");
}

/* ------------------------------------------------------------ latency and path */

static void
test_max_ms(void **state)
{
	struct observed o = obs_make(0, 0);

	o.latency_ms = 99.9;
	assert_true(judge(E_MAX_MS, &o, NULL, 0));
	o.latency_ms = 100.0;
	assert_true(judge(E_MAX_MS, &o, NULL, 0));
	o.latency_ms = 150.0;
	assert_false(judge(E_MAX_MS, &o, NULL, 0));
	assert_message_has("answered in 150.0 ms, more than max_ms 100");
	/* Without max_ms any latency passes. */
	o.latency_ms = 60000.0;
	assert_true(judge(E_ANY, &o, NULL, 0));
}

static size_t
hops_make(struct hns_trace_event *h, const char *const *names, size_t n)
{
	memset(h, 0, n * sizeof(*h));
	for (size_t i = 0; i < n; i++)
		snprintf(h[i].hop, sizeof(h[i].hop), "%s", names[i]);
	return n;
}

static void
test_via(void **state)
{
	struct hns_trace_event h[8];
	struct observed o = obs_make(0, A, "10.0.1.5", 0);
	static const char *const in_order[] = { "onprem:dc1-dns", "vpn:tunnel1", "inbound:inbound",
						"zone:example", "internet" };
	static const char *const no_inbound[] = { "onprem:dc1-dns", "onprem:dc1-dns", "vpn:tunnel1",
						  "internet" };
	static const char *const wrong_order[] = { "inbound:inbound", "onprem:dc1-dns", "internet" };
	static const char *const none_first[] = { "vpn:tunnel1", "internet" };

	/* Every hop, in order, others between. */
	assert_true(judge(E_VIA, &o, h, hops_make(h, in_order, 5)));
	assert_false(judge(E_VIA, &o, h, hops_make(h, no_inbound, 4)));
	/* The first missing hop is named; the path shows repeated hops once. */
	assert_string_equal(v.message, "the path did not pass inbound:inbound after the earlier hops; "
				       "path: onprem:dc1-dns > vpn:tunnel1 > internet");
	assert_false(judge(E_VIA, &o, h, hops_make(h, wrong_order, 3)));
	assert_message_has("did not pass inbound:inbound after the earlier hops");
	assert_false(judge(E_VIA, &o, h, hops_make(h, none_first, 2)));
	assert_message_has("the path did not pass onprem:dc1-dns; path: vpn:tunnel1 > internet");
	assert_false(judge(E_VIA, &o, h, 0));
	assert_message_has("path: (no hops recorded)");
	/* The values are judged before the path. */
	o = obs_make(0, A, "10.0.1.9", 0);
	assert_false(judge(E_VIA, &o, h, hops_make(h, in_order, 5)));
	assert_message_has("expected 10.0.1.5, got 10.0.1.9; path: onprem:dc1-dns > vpn:tunnel1");
}

static void
test_via_text(void **state)
{
	const struct model_expect *e = &m->expects[E_VIA];
	char buf[64];

	assert_int_equal(e->n_via, 3);
	assert_string_equal(expect_via_text(&e->via[0], buf, sizeof(buf)), "onprem:dc1-dns");
	assert_string_equal(expect_via_text(&e->via[1], buf, sizeof(buf)), "inbound:inbound");
	assert_string_equal(expect_via_text(&e->via[2], buf, sizeof(buf)), "internet");
}

/* ------------------------------------------------------------ describe */

static void
test_describe(void **state)
{
	static const struct {
		int which;
		const char *text;
	} want[] = {
		{ E_LIST, "10.0.1.5 10.0.1.6" },
		{ E_ENDPOINT, "10.0.1.25 10.0.2.25" },
		{ E_ENDPOINT_AZ, "10.0.1.25" },
		{ E_ENDPOINT_DOWN, "10.0.1.25" },
		{ E_PUBLIC, "public addresses" },
		{ E_PRIVATE, "private addresses" },
		{ E_EMPTY, "no records (NOERROR)" },
		{ E_NXDOMAIN, "NXDOMAIN" },
		{ E_RCODE, "SERVFAIL" },
		{ E_CNAME_LIST, "target.example.com" },
		{ E_ANY, "NOERROR" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		expect_describe(&m->expects[want[i].which], buf, sizeof(buf));
		assert_string_equal(buf, want[i].text);
	}
}

/* ------------------------------------------------------------ TTLs */

static void
test_ttl_exact_on_records_of_the_type(void **state)
{
	struct observed o = obs_make(0, CNAME, "b.example", A, "10.0.1.5", A, "10.0.1.6", 0);

	o.ttls[0] = 300; /* the CNAME's TTL is not judged */
	o.ttls[1] = o.ttls[2] = 60;
	assert_true(judge(E_TTL, &o, NULL, 0));
	o.ttls[2] = 59;
	assert_false(judge(E_TTL, &o, NULL, 0));
	assert_message_has("expected ttl 60, got 59 on 10.0.1.6");
}

static void
test_ttl_max_bounds_every_record(void **state)
{
	struct observed o = obs_make(0, A, "10.0.1.5", A, "10.0.1.6", 0);

	o.ttls[0] = 300;
	o.ttls[1] = 0;
	assert_true(judge(E_TTL_MAX, &o, NULL, 0));
	o.ttls[1] = 301;
	assert_false(judge(E_TTL_MAX, &o, NULL, 0));
	assert_message_has("expected ttl_max 300, got 301 on 10.0.1.6");
}

static void
test_ttl_of_negative_answer_is_the_soa(void **state)
{
	struct observed o = obs_make(3, 0);

	o.has_soa = true;
	o.soa_ttl = 900;
	assert_true(judge(E_NEG_TTL, &o, NULL, 0));
	o.soa_ttl = 60;
	assert_false(judge(E_NEG_TTL, &o, NULL, 0));
	assert_message_has("expected ttl 900, got 60 on the negative answer's SOA");
	/* No record of the type and no SOA: nothing carries a TTL, so it fails. */
	o.has_soa = false;
	assert_false(judge(E_NEG_TTL, &o, NULL, 0));
	assert_message_has("no A record and no SOA");
	o = obs_make(0, 0);
	assert_false(judge(E_TTL, &o, NULL, 0));
}

/* ------------------------------------------------------------ rcode: timeout */

static void
test_timeout_expected_passes_without_reply(void **state)
{
	struct observed o = { .answered = false, .no_reply = true };

	char d[128];

	snprintf(o.error, sizeof(o.error), "Timeout while contacting DNS servers");
	assert_true(judge(E_TIMEOUT, &o, NULL, 0));
	expect_describe(&m->expects[E_TIMEOUT], d, sizeof(d));
	assert_string_equal(d, "no answer (rcode: timeout)");
	/* Refused at once (nothing listens there) is no reply either. */
	snprintf(o.error, sizeof(o.error), "Could not contact DNS servers");
	assert_true(judge(E_TIMEOUT_MS, &o, NULL, 0));
}

static void
test_timeout_expected_fails_on_an_answer(void **state)
{
	struct observed o = obs_make(2, 0);

	o.latency_ms = 4500;
	assert_false(judge(E_TIMEOUT, &o, NULL, 0));
	assert_message_has("expected no answer (rcode: timeout), got SERVFAIL");
	o = obs_make(0, A, "10.0.1.5", 0);
	assert_false(judge(E_TIMEOUT_MS, &o, NULL, 0));
	assert_message_has("got NOERROR (10.0.1.5)");
	/* A failure of the harness is not the silence expected. */
	o = (struct observed){ .answered = false, .no_reply = false };
	snprintf(o.error, sizeof(o.error), "malformed answer");
	assert_false(judge(E_TIMEOUT, &o, NULL, 0));
	assert_message_has("failed otherwise: malformed answer");
}

static void
test_timeout_budget(void **state)
{
	/* max_ms is the budget when given. */
	assert_int_equal(expect_timeout_budget_ms(&m->expects[E_TIMEOUT_MS], 5000, 2), 700);
	/* dc1-dns forwards nothing, default internet: one 2 s try, + 1 s margin. */
	assert_int_equal(expect_timeout_budget_ms(&m->expects[E_TIMEOUT], 5000, 2), 3000);
	/* A VPC's resolver: 3 tries of 1.5 s, + 1 s. */
	assert_int_equal(expect_timeout_budget_ms(&m->expects[E_TIMEOUT_VPC], 5000, 2), 5500);
	/* Never longer than the stub itself waits (c-ares doubles each round: 1 + 2 s). */
	assert_int_equal(expect_timeout_budget_ms(&m->expects[E_TIMEOUT_VPC], 1000, 2), 3000);
	assert_int_equal(expect_timeout_budget_ms(&m->expects[E_TIMEOUT], 1000, 1), 1000);
}

/* ------------------------------------------------------------ long values */

static void
test_list_value_longer_than_63(void **state)
{
	const char *vpce = "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com";
	struct observed o = obs_make(0, CNAME, vpce, 0);
	char d[512];

	assert_true(strlen(vpce) > 63);
	assert_true(judge(E_LONG, &o, NULL, 0));
	expect_describe(&m->expects[E_LONG], d, sizeof(d));
	assert_string_equal(d, vpce);
	/* One character short at the end is another name. */
	o = obs_make(0, CNAME, "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.co", 0);
	assert_false(judge(E_LONG, &o, NULL, 0));
}

/* A list naming a CNAME of the chain fails, and says why. */
static void
test_list_naming_a_cname_says_so(void **state)
{
	struct observed o = obs_make(0, CNAME, "10.0.1.5", A, "10.0.1.6", 0);

	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_message_has("10.0.1.5 is a CNAME of the chain: a list answer holds the A records only");
	o = obs_make(0, A, "10.0.1.7", A, "10.0.1.6", 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	if (strstr(v.message, "CNAME") != NULL)
		fail_msg("no CNAME in the answer, yet the message speaks of one: %s", v.message);
}

/* ------------------------------------------------------------ from the wire */

static uint8_t *
wire_answer(ldns_pkt_rcode rcode, const char *const *rrs, size_t n, size_t *len)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str("a.example."), LDNS_RR_TYPE_A,
					 LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire = NULL;

	assert_non_null(p);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = NULL;

		assert_int_equal(ldns_rr_new_frm_str(&rr, rrs[i], 300, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	assert_int_equal(ldns_pkt2wire(&wire, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	return wire;
}

static void
test_observed_from_wire(void **state)
{
	static const char *const rrs[] = {
		"a.example. 60 IN CNAME Target.Example.COM.",
		"target.example.com. 30 IN A 10.0.1.5",
		"target.example.com. 30 IN MX 10 Mail.Example.com.",
	};
	struct observed o;
	size_t len;
	uint8_t *w = wire_answer(LDNS_RCODE_NOERROR, rrs, 3, &len);

	assert_int_equal(observed_from_wire(&o, w, len, LDNS_RR_TYPE_A), 0);
	free(w);
	assert_true(o.answered);
	assert_int_equal(o.rcode, 0);
	assert_int_equal(o.n_values, 3);
	assert_int_equal(o.types[0], LDNS_RR_TYPE_CNAME);
	assert_string_equal(o.values[0], "target.example.com"); /* lower case, no trailing dot */
	assert_int_equal(o.ttls[0], 60);
	assert_string_equal(o.values[1], "10.0.1.5");
	assert_int_equal(o.ttls[1], 30);
	assert_string_equal(o.values[2], "10 mail.example.com"); /* fields joined by spaces */
	/* And judged: the A behind the CNAME is the answer. */
	o.latency_ms = 1;
	static const char *const one[] = { "a.example. 60 IN A 10.0.1.5" };

	w = wire_answer(LDNS_RCODE_NXDOMAIN, one, 0, &len);
	assert_int_equal(observed_from_wire(&o, w, len, LDNS_RR_TYPE_A), 0);
	assert_int_equal(o.rcode, 3);
	assert_int_equal(o.n_values, 0);
	assert_true(judge(E_NXDOMAIN, &o, NULL, 0));
	free(w);
	w = wire_answer(LDNS_RCODE_NOERROR, one, 1, &len);
	assert_int_equal(observed_from_wire(&o, w, len, LDNS_RR_TYPE_A), 0);
	assert_false(judge(E_LIST, &o, NULL, 0));
	assert_false(o.has_soa);
	/* Cut short: malformed, not a crash. */
	assert_int_equal(observed_from_wire(&o, w, len - 3, LDNS_RR_TYPE_A), HNS_EMALFORMED);
	assert_int_equal(observed_from_wire(&o, w, 5, LDNS_RR_TYPE_A), HNS_EMALFORMED);
	free(w);
}

/* The SOA of the authority section is read for its TTL (the negative answer's TTL). */
static void
test_observed_soa_of_negative_answer(void **state)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str("nosuch.example."), LDNS_RR_TYPE_A,
					 LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_rr *soa = NULL;
	uint8_t *w = NULL;
	struct observed o;
	size_t len;

	assert_int_equal(ldns_rr_new_frm_str(&soa, "example. 900 IN SOA ns. h. 1 7200 900 1209600 86400",
					     300, NULL, NULL),
			 LDNS_STATUS_OK);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
	ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, soa);
	assert_int_equal(ldns_pkt2wire(&w, p, &len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	assert_int_equal(observed_from_wire(&o, w, len, LDNS_RR_TYPE_A), 0);
	free(w);
	assert_true(o.has_soa);
	assert_int_equal(o.soa_ttl, 900);
	assert_int_equal(o.n_values, 0);
	assert_true(judge(E_NEG_TTL, &o, NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_rcode),
		cmocka_unit_test(test_rcode_unknown_is_number),
		cmocka_unit_test(test_any_answer),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_endpoint_az),
		cmocka_unit_test(test_endpoint_eni_down),
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_private),
		cmocka_unit_test(test_max_ms),
		cmocka_unit_test(test_via),
		cmocka_unit_test(test_via_text),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_observed_from_wire),
		cmocka_unit_test(test_observed_soa_of_negative_answer),
		cmocka_unit_test(test_ttl_exact_on_records_of_the_type),
		cmocka_unit_test(test_ttl_max_bounds_every_record),
		cmocka_unit_test(test_ttl_of_negative_answer_is_the_soa),
		cmocka_unit_test(test_timeout_expected_passes_without_reply),
		cmocka_unit_test(test_timeout_expected_fails_on_an_answer),
		cmocka_unit_test(test_timeout_budget),
		cmocka_unit_test(test_list_value_longer_than_63),
		cmocka_unit_test(test_list_naming_a_cname_says_so),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
