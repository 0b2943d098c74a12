#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/addr.h"
#include "common/error.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"
#include "model/model.h"
#include "fake.h"

static const char *
match(const struct fwd_config *c, const char *name)
{
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_str(name, wire);

	assert_true(n > 0);
	return fwd_config_match(c, wire, (size_t)n)->name;
}

static void
test_match_longest_whatever_the_order(void **state)
{
	const char *zones[] = { "example.com", "a.example.com", "b.a.example.com" };
	const int orders[][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 } };
	uint16_t up = 0;
	struct hns_addr a;

	hns_addr_parse_port("127.0.0.1:5301", &a);
	for (size_t o = 0; o < 4; o++) {
		struct fwd_config *c;

		assert_int_equal(fwd_config_new("t", &c), 0);
		assert_int_equal(fwd_config_add_upstream(c, &a, &a), 0);
		for (int i = 0; i < 3; i++)
			assert_true(fwd_config_add_forward(c, zones[orders[o][i]], &up, 1,
							   FWD_POLICY_SEQUENTIAL, 0, 0) >= 0);
		assert_string_equal(match(c, "x.b.a.example.com"), "forward b.a.example.com");
		assert_string_equal(match(c, "B.A.Example.COM"), "forward b.a.example.com");
		assert_string_equal(match(c, "x.a.example.com"), "forward a.example.com");
		assert_string_equal(match(c, "xb.a.example.com"), "forward a.example.com");
		assert_string_equal(match(c, "www.example.com"), "forward example.com");
		assert_string_equal(match(c, "xexample.com"), "default");
		assert_string_equal(match(c, "com"), "default");
		fwd_config_free(c);
	}
}

static void
test_defaults(void **state)
{
	struct fwd_config *c;
	uint16_t ups[3] = { 0, 1, 2 };
	struct hns_addr a;

	assert_int_equal(fwd_config_new("t", &c), 0);
	for (int i = 0; i < 3; i++) {
		hns_addr_parse("127.0.0.1", &a);
		a.port = (uint16_t)(5301 + i);
		assert_int_equal(fwd_config_add_upstream(c, &a, &a), i);
	}
	/* The same real address twice is one upstream. */
	assert_int_equal(fwd_config_add_upstream(c, &a, &a), 2);
	assert_int_equal(fwd_config_add_forward(c, "x.example", ups, 3, FWD_POLICY_SEQUENTIAL, 0, 0),
			 0);
	assert_int_equal(c->rules[0].timeout_ms, FWD_DEFAULT_TIMEOUT_MS);
	assert_int_equal(c->rules[0].attempts, 3);
	/* one target, one try: the default a scenario's forward item documents */
	assert_int_equal(fwd_config_add_forward(c, "y.example", ups, 1, FWD_POLICY_SEQUENTIAL, 0, 0),
			 1);
	assert_int_equal(c->rules[1].attempts, 1);
	assert_int_equal(c->deflt.kind, FWD_RULE_REFUSE);
	assert_int_equal(c->edns_size, 1232);
	fwd_config_profile_windows(c);
	assert_int_equal(c->rules[0].timeout_ms, 3000);
	assert_int_equal(c->rules[0].overall_ms, 8000);
	assert_int_equal(c->rules[0].policy, FWD_POLICY_SEQUENTIAL);
	fwd_config_free(c);
}

/* ------------------------------------------------------------ local zones */

static size_t
ask_local(struct fwd_core *core, const char *name, uint16_t type, uint8_t *out, size_t cap)
{
	uint8_t q[512];
	size_t n = mkquery(77, name, type, true, q, sizeof(q));
	struct fwd_client cl = { 0 };

	hns_addr_parse_port("127.0.0.1:40000", &cl.addr);
	return fwd_core_query(core, &cl, q, n, 0, out, cap);
}

static void
test_local_zone(void **state)
{
	struct fwd_config *c;
	struct fwd_core *core;
	struct fake_io io = { 0 };
	uint8_t out[1500];
	size_t n;
	struct dns_answer_info info;
	const char *recs[] = {
		"app.corp.example. 300 IN A 192.168.20.15",
		"app.corp.example. 300 IN A 192.168.20.16",
		"www.corp.example. 300 IN CNAME app.corp.example.",
		"*.wild.corp.example. 120 IN A 192.168.20.99",
		"x.deep.corp.example. 120 IN TXT \"hello\"",
	};

	assert_int_equal(fwd_config_new("t", &c), 0);
	assert_true(fwd_config_add_local_zone_text(
			    c, "corp.example",
			    "corp.example. 3600 IN SOA ns.corp.example. h.corp.example. 1 7200 900 1209600 600",
			    recs, 5) >= 0);
	assert_int_equal(c->rules[0].local.neg_ttl, 600);
	assert_int_equal(fwd_core_new(c, &fake_ops, &io, 1, &core), 0);

	n = ask_local(core, "App.corp.example", DNS_TYPE_A, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(dns_answer_info_get(out, n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 2);
	assert_int_equal(info.min_ttl, 300);
	assert_true(dns_read_u16(out + 2) & DNS_FLAG_AA);
	assert_int_equal(dns_read_u16(out), 77);

	n = ask_local(core, "www.corp.example", DNS_TYPE_A, out, sizeof(out));
	assert_int_equal(dns_answer_info_get(out, n, &info), 0);
	assert_int_equal(info.ancount, 1); /* the CNAME */

	n = ask_local(core, "app.corp.example", DNS_TYPE_AAAA, out, sizeof(out));
	assert_int_equal(dns_answer_info_get(out, n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 0);
	assert_true(info.has_soa);
	assert_int_equal(info.negative_ttl, 600);

	n = ask_local(core, "nope.corp.example", DNS_TYPE_A, out, sizeof(out));
	assert_int_equal(dns_answer_info_get(out, n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
	assert_true(info.has_soa);

	n = ask_local(core, "deep.corp.example", DNS_TYPE_A, out, sizeof(out));
	assert_int_equal(dns_answer_info_get(out, n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR); /* empty non-terminal */

	n = ask_local(core, "a.b.wild.corp.example", DNS_TYPE_A, out, sizeof(out));
	assert_int_equal(dns_answer_info_get(out, n, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 1);
	assert_int_equal(info.min_ttl, 120);

	assert_int_equal(io.n_sent, 0);
	fwd_core_free(core);
	fwd_config_free(c);
}

/* ------------------------------------------------------------ from a model */

static struct hns_addr routed;

static const struct hns_addr *
route(void *arg, const struct hns_addr *virt)
{
	int *calls = arg;

	(*calls)++;
	if (!virt) {
		hns_addr_parse_port("127.53.5.1:5300", &routed);
		return &routed;
	}
	if (hns_addr_is_loopback(virt))
		return virt;
	if (virt->bytes[0] == 10) {
		routed = *virt;
		hns_addr_parse("127.53.6.1", &routed);
		routed.port = 5300;
		routed.bytes[3] = virt->bytes[3];
		return &routed;
	}
	return NULL;
}

static void
test_from_model(void **state)
{
	struct hns_addr to[2], loop;
	struct model_forward fw[2] = { 0 };
	struct model_zone zone = { 0 };
	struct model_record rec = { 0 };
	struct model_onprem_resolver r = { 0 };
	struct fwd_config *c = NULL;
	char err[256] = "";
	int calls = 0;

	hns_addr_parse("10.0.1.10", &to[0]);
	hns_addr_parse("10.0.2.11", &to[1]);
	hns_addr_parse_port("127.0.0.1:5301", &loop);
	fw[0].zone = "execute-api.eu-west-1.amazonaws.com";
	fw[0].to = to;
	fw[0].n_to = 2;
	fw[0].policy = MODEL_POLICY_ROUND_ROBIN;
	fw[0].timeout_ms = 1500;
	fw[1].zone = "lab.example";
	fw[1].to = &loop;
	fw[1].n_to = 1;
	assert_int_equal(ldns_rr_new_frm_str(&rec.rr, "app.corp.example. 300 IN A 192.168.20.15", 0,
					     NULL, NULL),
			 LDNS_STATUS_OK);
	assert_int_equal(ldns_rr_new_frm_str(&zone.soa,
					     "corp.example. 900 IN SOA ns.corp.example. "
					     "h.corp.example. 1 7200 900 1209600 300",
					     0, NULL, NULL),
			 LDNS_STATUS_OK);
	zone.name = "corp.example";
	zone.kind = MODEL_ZONE_ONPREM;
	zone.records = &rec;
	zone.n_records = 1;
	r.name = "dc1-dns";
	r.forwards = fw;
	r.n_forwards = 2;
	r.zones = &zone;
	r.n_zones = 1;
	r.default_kind = MODEL_DEFAULT_INTERNET;
	r.cache.enabled = true;
	r.cache.max_entries = 1000;

	assert_int_equal(fwd_config_from_model(&r, route, &calls, &c, err, sizeof(err)), 0);
	assert_int_equal(c->n_rules, 3);
	assert_int_equal(c->n_upstreams, 4);
	assert_int_equal(calls, 4);
	assert_int_equal(c->rules[0].policy, FWD_POLICY_ROUND_ROBIN);
	assert_int_equal(c->rules[0].timeout_ms, 1500);
	char buf[HNS_ADDR_STRLEN];

	assert_string_equal(hns_addr_port_str(&c->upstreams[c->rules[0].upstreams[1]].real, buf,
					      sizeof(buf)),
			    "127.53.6.11:5300");
	assert_string_equal(hns_addr_port_str(&c->upstreams[c->rules[1].upstreams[0]].real, buf,
					      sizeof(buf)),
			    "127.0.0.1:5301");
	assert_int_equal(c->deflt.kind, FWD_RULE_FORWARD);
	assert_string_equal(hns_addr_port_str(&c->upstreams[c->deflt.upstreams[0]].real, buf,
					      sizeof(buf)),
			    "127.53.5.1:5300");
	assert_int_equal(c->rules[2].kind, FWD_RULE_LOCAL);
	assert_int_equal(c->rules[2].local.neg_ttl, 300);
	assert_int_equal(c->cache.max_entries, 1000);
	/* `health` reaches the core's thresholds; zeros (a hand-built model) keep the defaults. */
	assert_int_equal(c->fail_threshold, 3);
	fwd_config_free(c);
	r.health.fail_after = 5;
	r.health.probe_ms = 250;
	r.health.rise = 4;
	assert_int_equal(fwd_config_from_model(&r, route, &calls, &c, err, sizeof(err)), 0);
	assert_int_equal(c->fail_threshold, 5);
	assert_int_equal(c->probe_ms, 250);
	assert_int_equal(c->rise, 4);
	fwd_config_free(c);

	/* `profile: windows` gives every forward rule Windows Server's timing (R18). */
	r.profile = MODEL_PROFILE_WINDOWS;
	assert_int_equal(fwd_config_from_model(&r, route, &calls, &c, err, sizeof(err)), 0);
	assert_int_equal(c->rules[0].policy, FWD_POLICY_SEQUENTIAL);
	assert_int_equal(c->rules[0].timeout_ms, 3000);
	assert_int_equal(c->rules[0].overall_ms, 8000);
	assert_int_equal(c->rules[2].kind, FWD_RULE_LOCAL);
	/* ... exactly the timing lint, graph and the exports show (model_forward_timing) */
	struct model_timing t;

	model_forward_timing(&r, &fw[0], &t);
	assert_int_equal(c->rules[0].timeout_ms, t.timeout_ms);
	assert_int_equal(c->rules[0].attempts, t.attempts);
	assert_int_equal(c->rules[0].overall_ms, t.overall_ms);
	model_forward_timing(&r, NULL, &t);
	assert_int_equal(c->deflt.timeout_ms, t.timeout_ms);
	assert_int_equal(c->deflt.attempts, t.attempts);
	assert_int_equal(c->deflt.overall_ms, 8000);
	fwd_config_free(c);
	r.profile = MODEL_PROFILE_STANDARD;

	/* An upstream nothing listens at is an error that says which. */
	hns_addr_parse("172.16.0.1", &to[1]);
	c = NULL;
	assert_true(fwd_config_from_model(&r, route, &calls, &c, err, sizeof(err)) < 0);
	assert_null(c);
	assert_non_null(strstr(err, "172.16.0.1"));

	ldns_rr_free(rec.rr);
	ldns_rr_free(zone.soa);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_longest_whatever_the_order),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_local_zone),
		cmocka_unit_test(test_from_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
