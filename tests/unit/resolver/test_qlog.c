/*
 * Route 53 Resolver query logs (resolver/qlog.c, R15): each line is one
 * JSON object with the documented field set, read back here with jansson.
 * Answers built by the view go through the per-query step (handle.c) as a
 * listener would log them; forwarded answers through rslv_qlog_packet.
 * Odd labels and record data must stay valid JSON; rcodes are named.
 */
#include "config.h"

#include <jansson.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "dns/wire.h"
#include "tests/unit/resolver/srv.h"

#define T0 (1000 * HNS_NSEC_PER_SEC)

static struct srv t;
static uint8_t out[RSLV_MSG_MAX];
static struct rslv_handled h;

/* Ask li over the transport and return the one query-log line it wrote, parsed. */
static json_t *
ask_logged(size_t li, bool tcp, const uint8_t *q, size_t n)
{
	struct rslv_counters ct = {0};
	const struct rslv_peer p = {.addr = srv_addr("127.0.0.1:40001"), .tcp = tcp, .fd = -1};
	size_t before = strlen(srv_log(&t));

	assert_int_equal(rslv_handle(&t.s, &t.ls[li], &ct, &p, q, n, out, sizeof(out), T0, &h),
			 RSLV_STEP_SEND);
	const char *line = srv_log(&t) + before;
	const char *nl = strchr(line, '\n');

	assert_non_null(nl);
	assert_null(strchr(nl + 1, '\n')); /* exactly one line */
	json_error_t err;
	json_t *j = json_loadb(line, (size_t)(nl - line), 0, &err);

	if (!j)
		fail_msg("not JSON (%s): %.*s", err.text, (int)(nl - line), line);
	assert_true(json_is_object(j));
	return j;
}

static const char *
str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("%s: not a string", key);
	return json_string_value(v);
}

static const json_t *
answer(const json_t *line, size_t i)
{
	const json_t *a = json_object_get(line, "answers");

	assert_true(json_is_array(a));
	assert_true(i < json_array_size(a));
	return json_array_get(a, i);
}

/* Every documented field, as AWS writes them (strings, even the port). */
static void
test_fields_inbound(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("WWW.example.com", DNS_TYPE_A, q);
	regex_t ts;

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	json_t *j = ask_logged(SRV_INBOUND, false, q, n);
	const struct model_resolver_endpoint *in = t.ls[SRV_INBOUND].spec.inbound;

	assert_string_equal(str(j, "version"), "1.100000");
	assert_string_equal(str(j, "account_id"), "123456789012");
	assert_string_equal(str(j, "region"), "eu-west-1");
	assert_string_equal(str(j, "vpc_id"), t.m->vpcs[0].id);
	assert_int_equal(regcomp(&ts, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
				 REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&ts, str(j, "query_timestamp"), 0, NULL, 0), 0);
	regfree(&ts);
	assert_string_equal(str(j, "query_name"), "WWW.example.com."); /* the client's spelling */
	assert_string_equal(str(j, "query_type"), "A");
	assert_string_equal(str(j, "query_class"), "IN");
	assert_string_equal(str(j, "rcode"), "NOERROR");
	assert_string_equal(str(j, "srcaddr"), "127.0.0.1");
	assert_string_equal(str(j, "srcport"), "40001");
	assert_string_equal(str(j, "transport"), "UDP");
	const json_t *ids = json_object_get(j, "srcids");

	assert_int_equal(json_object_size(ids), 2);
	assert_string_equal(str(ids, "resolver_endpoint"), in->id);
	assert_string_equal(str(ids, "resolver_network_interface"), in->enis[0].id);
	assert_int_equal(json_array_size(json_object_get(j, "answers")), 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(str(answer(j, i), "Type"), "A");
		assert_string_equal(str(answer(j, i), "Class"), "IN");
	}
	assert_string_equal(str(answer(j, 0), "Rdata"), "10.9.9.9");
	assert_string_equal(str(answer(j, 1), "Rdata"), "10.9.9.8");
	json_decref(j);
	srv_deinit(&t);
}

/* A VPC's +2 resolver over TCP: no endpoint ids; NXDOMAIN with no answers. */
static void
test_vpc_tcp_nxdomain(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("nothere.example.com", DNS_TYPE_AAAA, q);

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	json_t *j = ask_logged(SRV_VPC, true, q, n);

	assert_string_equal(str(j, "transport"), "TCP");
	assert_string_equal(str(j, "query_type"), "AAAA");
	assert_string_equal(str(j, "rcode"), "NXDOMAIN");
	assert_int_equal(json_object_size(json_object_get(j, "srcids")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "answers")), 0);
	json_decref(j);
	srv_deinit(&t);
}

/* Quotes, backslashes, control bytes and spaces in a label: valid JSON, escaped once. */
static void
test_odd_labels(void **state)
{
	static const uint8_t name[] = "\x0f" "we\"ird\\lab\x01 el\x7f" "\x07" "example\x03" "com";
	uint8_t q[512];
	size_t n = srv_query_wire(name, sizeof(name), DNS_TYPE_TXT, q);

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	json_t *j = ask_logged(SRV_INBOUND, false, q, n);

	/* the presentation form (RFC 1035 5.1 escapes) is what the JSON string holds */
	assert_string_equal(str(j, "query_name"), "we\\\"ird\\\\lab\\001\\032el\\127.example.com.");
	assert_string_equal(str(j, "query_type"), "TXT");
	assert_string_equal(str(j, "rcode"), "NXDOMAIN");
	json_decref(j);
	srv_deinit(&t);
}

/* Record data with quotes and backslashes (TXT) stays one JSON string. */
static void
test_txt_rdata_escaped(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("say.example.com", DNS_TYPE_TXT, q);

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	json_t *j = ask_logged(SRV_INBOUND, false, q, n);

	assert_string_equal(str(answer(j, 0), "Type"), "TXT");
	assert_string_equal(str(answer(j, 0), "Rdata"), "\"he said \\\"hi\\\" \\\\ back\"");
	json_decref(j);
	srv_deinit(&t);
}

/* Synthesised answers: an EC2 internal name (A) and its reverse name (PTR, a full name). */
static void
test_synthesised(void **state)
{
	uint8_t q[512];
	size_t n;

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	n = srv_query("ip-10-0-1-99.eu-west-1.compute.internal", DNS_TYPE_A, q);
	json_t *j = ask_logged(SRV_VPC, false, q, n);

	assert_string_equal(str(answer(j, 0), "Rdata"), "10.0.1.99");
	assert_string_equal(str(answer(j, 0), "Type"), "A");
	json_decref(j);
	n = srv_query("99.1.0.10.in-addr.arpa", DNS_TYPE_PTR, q);
	j = ask_logged(SRV_VPC, false, q, n);
	assert_string_equal(str(answer(j, 0), "Rdata"), "ip-10-0-1-99.eu-west-1.compute.internal.");
	assert_string_equal(str(answer(j, 0), "Type"), "PTR");
	json_decref(j);
	srv_deinit(&t);
}

/* The internet is not a VPC: its listener writes no query log. */
static void
test_internet_not_logged(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);
	struct rslv_counters ct = {0};
	const struct rslv_peer p = {.addr = srv_addr("127.0.0.1:40001"), .fd = -1};

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	assert_int_equal(rslv_handle(&t.s, &t.ls[SRV_INTERNET], &ct, &p, q, n, out, sizeof(out), T0,
				     &h),
			 RSLV_STEP_SEND);
	assert_string_equal(srv_log(&t), "");
	srv_deinit(&t);
}

/* A forwarded answer with rcode rc (an A record when NOERROR); its length. */
static size_t
forwarded(unsigned rc, uint8_t *pkt)
{
	uint8_t q[512];
	size_t n = srv_query("app.corp.example", DNS_TYPE_A, q);
	static const uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 168, 20, 15};

	memcpy(pkt, q, n);
	pkt[2] |= 0x80;
	pkt[3] = (uint8_t)(0x80 | rc);
	if (rc != 0)
		return n;
	dns_write_u16(pkt + 6, 1);
	memcpy(pkt + n, rr, sizeof(rr));
	return n + sizeof(rr);
}

/* Forwarded answers: the rcode named, the outbound endpoint in srcids, records read back. */
static void
test_forwarded_rcodes(void **state)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL",
					    "NXDOMAIN", "NOTIMP", "REFUSED"};
	uint8_t qn[DNS_NAME_MAX], pkt[512];
	int qlen = dns_name_from_str("app.corp.example", qn);
	const struct hns_addr client = srv_addr("127.0.0.1:40002");

	assert_true(qlen > 0);
	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	const struct model_rule *rule = &t.m->rules[0];

	assert_non_null(rule->endpoint);
	for (unsigned rc = 0; rc <= 6; rc++) {
		size_t len = rc < 6 ? forwarded(rc, pkt) : 0; /* 6: no answer at all */
		size_t before = strlen(srv_log(&t));

		rslv_qlog_packet(&t.s, &t.ls[SRV_VPC], &client, false, qn, (size_t)qlen, DNS_TYPE_A,
				 len ? pkt : NULL, len, rule);
		const char *line = srv_log(&t) + before;
		json_t *j = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);

		assert_non_null(j);
		assert_string_equal(str(j, "rcode"), rc < 6 ? names[rc] : "SERVFAIL");
		assert_string_equal(str(j, "query_name"), "app.corp.example.");
		assert_string_equal(str(j, "srcport"), "40002");
		assert_string_equal(str(json_object_get(j, "srcids"), "resolver_endpoint"),
				    rule->endpoint->id);
		assert_int_equal(json_array_size(json_object_get(j, "answers")), rc == 0);
		if (rc == 0) {
			assert_string_equal(str(answer(j, 0), "Rdata"), "192.168.20.15");
			assert_string_equal(str(answer(j, 0), "Type"), "A");
		}
		json_decref(j);
	}
	srv_deinit(&t);
}

/* DNS Firewall: BLOCK and ALERT matches carry the firewall fields (R15); others do not. */
static void
test_firewall_fields(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("x.blocked.example", DNS_TYPE_A, q);
	const struct model_fw_group *g;

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
	g = &t.m->fw_groups[0];
	json_t *j = ask_logged(SRV_VPC, false, q, n);

	assert_string_equal(str(j, "rcode"), "NXDOMAIN");
	assert_string_equal(str(j, "firewall_rule_group_id"), g->id);
	assert_string_equal(str(j, "firewall_rule_action"), "BLOCK");
	assert_string_equal(str(j, "firewall_domain_list_id"), g->rules[0].id);
	assert_true(strncmp(g->rules[0].id, "rslvr-fdl-", 10) == 0);
	assert_int_equal(json_array_size(json_object_get(j, "answers")), 0);
	json_decref(j);
	n = srv_query("say.example.com", DNS_TYPE_TXT, q);
	j = ask_logged(SRV_VPC, false, q, n);
	assert_string_equal(str(j, "firewall_rule_action"), "ALERT");
	assert_int_equal(json_array_size(json_object_get(j, "answers")), 1);
	json_decref(j);
	n = srv_query("www.example.com", DNS_TYPE_A, q);
	j = ask_logged(SRV_VPC, false, q, n);
	assert_null(json_object_get(j, "firewall_rule_action"));
	json_decref(j);
	srv_deinit(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_inbound),
		cmocka_unit_test(test_vpc_tcp_nxdomain),
		cmocka_unit_test(test_odd_labels),
		cmocka_unit_test(test_txt_rdata_escaped),
		cmocka_unit_test(test_synthesised),
		cmocka_unit_test(test_internet_not_logged),
		cmocka_unit_test(test_forwarded_rcodes),
		cmocka_unit_test(test_firewall_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
