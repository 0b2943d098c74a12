#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/chain.h"
#include "dns/wire.h"
#include "testpkt.h"

/* dns/chain.h: telling a dangling CNAME chain, and joining two legs' answers. */

static size_t
dangling(const uint8_t *pkt, size_t len, const char *qname, uint16_t qtype, char *target,
	 unsigned *n)
{
	uint8_t q[DNS_NAME_MAX], t[DNS_NAME_MAX];
	size_t qlen = testpkt_name(qname, q);
	size_t tlen = dns_chain_dangling(pkt, len, q, qlen, qtype, t, n);

	target[0] = '\0';
	if (tlen)
		assert_int_equal(dns_name_to_str(t, tlen, target, DNS_NAME_STRLEN), 0);
	return tlen;
}

static void
test_chain_dangling_target(void **state)
{
	uint8_t pkt[1024];
	char t[DNS_NAME_STRLEN];
	unsigned n = 0;
	static const char *const two[] = { "an a.corp.example. 60 IN CNAME B.corp.example.",
					   "an b.corp.example. 60 IN CNAME c.cloud.example.", NULL };
	size_t len = testpkt_response("A.corp.example", DNS_TYPE_A, 0, 1232, false, two, pkt,
				      sizeof(pkt));

	assert_true(dns_chain_first_is_cname(pkt, len, 16));
	assert_true(dangling(pkt, len, "a.corp.example", DNS_TYPE_A, t, &n) > 0);
	assert_string_equal(t, "c.cloud.example");
	assert_int_equal(n, 2);
	/* asked for the CNAME itself, or ANY: nothing to chase */
	assert_int_equal(dangling(pkt, len, "a.corp.example", DNS_TYPE_CNAME, t, &n), 0);
	assert_int_equal(dangling(pkt, len, "a.corp.example", DNS_TYPE_ANY, t, &n), 0);
}

static void
test_chain_complete_or_negative_not_dangling(void **state)
{
	uint8_t pkt[1024];
	char t[DNS_NAME_STRLEN];
	unsigned n = 0;
	static const char *const full[] = { "an a.corp.example. 60 IN CNAME c.cloud.example.",
					    "an c.cloud.example. 60 IN A 10.0.0.1", NULL };
	static const char *const nodata[] = {
		"an a.corp.example. 60 IN CNAME c.cloud.example.",
		"ns cloud.example. 60 IN SOA ns.cloud.example. h.cloud.example. 1 2 3 4 5", NULL
	};
	static const char *const plain[] = { "an a.corp.example. 60 IN A 10.0.0.2", NULL };
	size_t len = testpkt_response("a.corp.example", DNS_TYPE_A, 0, 0, false, full, pkt,
				      sizeof(pkt));

	assert_int_equal(dangling(pkt, len, "a.corp.example", DNS_TYPE_A, t, &n), 0);
	len = testpkt_response("a.corp.example", DNS_TYPE_A, 0, 0, false, nodata, pkt, sizeof(pkt));
	assert_int_equal(dangling(pkt, len, "a.corp.example", DNS_TYPE_A, t, &n), 0);
	len = testpkt_response("a.corp.example", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, false, full,
			       pkt, sizeof(pkt));
	assert_int_equal(dangling(pkt, len, "a.corp.example", DNS_TYPE_A, t, &n), 0);
	len = testpkt_response("a.corp.example", DNS_TYPE_A, 0, 0, false, plain, pkt, sizeof(pkt));
	assert_false(dns_chain_first_is_cname(pkt, len, 16));
	assert_int_equal(dangling(pkt, len, "a.corp.example", DNS_TYPE_A, t, &n), 0);
	/* a truncated packet is not read past its end */
	len = testpkt_response("a.corp.example", DNS_TYPE_A, 0, 0, false, full, pkt, sizeof(pkt));
	assert_int_equal(dangling(pkt, len - 3, "a.corp.example", DNS_TYPE_A, t, &n), 0);
}

static void
test_chain_loop_in_one_answer_counted(void **state)
{
	uint8_t pkt[1024];
	char t[DNS_NAME_STRLEN];
	unsigned n = 0;
	static const char *const loop[] = { "an a.corp.example. 60 IN CNAME b.corp.example.",
					    "an b.corp.example. 60 IN CNAME a.corp.example.", NULL };
	size_t len = testpkt_response("a.corp.example", DNS_TYPE_A, 0, 0, false, loop, pkt,
				      sizeof(pkt));

	assert_true(dangling(pkt, len, "a.corp.example", DNS_TYPE_A, t, &n) > 0);
	assert_true(n > DNS_CHAIN_MAX); /* the caller sees the limit passed */
}

static void
test_chain_join_expands_names(void **state)
{
	uint8_t head[1024], leg[1024], out[2048];
	static const char *const h[] = { "an a.corp.example. 60 IN CNAME b.cloud.example.",
					 "ar extra.corp.example. 60 IN A 10.9.9.9", NULL };
	static const char *const l[] = {
		"an b.cloud.example. 30 IN CNAME c.cloud.example.",
		"an c.cloud.example. 30 IN MX 10 mail.cloud.example.",
		"ns cloud.example. 90 IN SOA ns.cloud.example. h.cloud.example. 1 2 3 4 5", NULL
	};
	size_t hlen = testpkt_response("a.corp.example", DNS_TYPE_MX, 0, 0, false, h, head,
				       sizeof(head));
	size_t llen = testpkt_response("b.cloud.example", DNS_TYPE_MX, DNS_RCODE_NXDOMAIN, 1232,
				       false, l, leg, sizeof(leg));
	size_t n = dns_chain_join(head, hlen, leg, llen, true, 4096, true, out, sizeof(out));

	assert_true(n > 0);
	ldns_pkt *p = testpkt_parse(out, n);

	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
	assert_int_equal(ldns_pkt_ancount(p), 3);
	assert_int_equal(ldns_pkt_nscount(p), 1);
	assert_int_equal(ldns_pkt_arcount(p), 0); /* the head's additional records stay behind */
	assert_int_equal(ldns_pkt_edns_udp_size(p), 4096);
	assert_true(ldns_pkt_edns_do(p));
	char *s = ldns_rr_list2str(ldns_pkt_answer(p));

	assert_non_null(strstr(s, "a.corp.example.\t60\tIN\tCNAME\tb.cloud.example."));
	assert_non_null(strstr(s, "c.cloud.example.\t30\tIN\tMX\t10 mail.cloud.example."));
	free(s);
	s = ldns_rr_list2str(ldns_pkt_authority(p));
	assert_non_null(strstr(s, "SOA\tns.cloud.example. h.cloud.example. 1 2 3 4 5"));
	free(s);
	ldns_pkt_free(p);
	/* no room, or a leg that does not parse: nothing */
	assert_int_equal(dns_chain_join(head, hlen, leg, llen, false, 0, false, out, 40), 0);
	assert_int_equal(dns_chain_join(head, hlen, leg, 20, false, 0, false, out, sizeof(out)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_dangling_target),
		cmocka_unit_test(test_chain_complete_or_negative_not_dangling),
		cmocka_unit_test(test_chain_loop_in_one_answer_counted),
		cmocka_unit_test(test_chain_join_expands_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
