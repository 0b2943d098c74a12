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
#include "dns/msg.h"
#include "dns/wire.h"
#include "tests/unit/dns/testpkt.h"

static const char *const positive[] = {
	"an www.example.com. 300 IN CNAME web.example.com.",
	"an web.example.com. 60 IN A 192.0.2.1",
	"ns example.com. 3600 IN NS ns1.example.com.",
	"ar ns1.example.com. 120 IN A 192.0.2.53",
	NULL,
};

static const char *const nxdomain[] = {
	"ns example.com. 900 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300",
	NULL,
};

static size_t
positive_answer(uint8_t *pkt, size_t cap)
{
	return testpkt_response("www.example.com", DNS_TYPE_A, 0, 4096, true, positive, pkt, cap);
}

/* The TTLs ldns reads back, in packet order over answer, authority, additional. */
static size_t
ldns_ttls(const uint8_t *pkt, size_t len, uint32_t *ttls, size_t max)
{
	ldns_pkt *p = testpkt_parse(pkt, len);
	ldns_rr_list *lists[] = {ldns_pkt_answer(p), ldns_pkt_authority(p), ldns_pkt_additional(p)};
	size_t n = 0;

	for (size_t l = 0; l < 3; l++) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(lists[l]); i++) {
			assert_true(n < max);
			ttls[n++] = ldns_rr_ttl(ldns_rr_list_rr(lists[l], i));
		}
	}
	ldns_pkt_free(p);
	return n;
}

/* ---------------------------------------------------------- answer info */

static void
test_info_positive(void **state)
{
	uint8_t pkt[1024];
	size_t len = positive_answer(pkt, sizeof(pkt));
	struct dns_answer_info info;

	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_int_equal(info.ancount, 2);
	assert_int_equal(info.nscount, 1);
	assert_int_equal(info.arcount, 2); /* A and OPT */
	assert_false(info.tc);
	assert_false(info.has_soa);
	assert_int_equal(info.min_ttl, 60);
	assert_int_equal(info.negative_ttl, 0);

	pkt[2] |= DNS_FLAG_TC >> 8;
	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_true(info.tc);
}

static void
test_info_negative(void **state)
{
	uint8_t pkt[1024];
	size_t len = testpkt_response("nope.example.com", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, false,
				      nxdomain, pkt, sizeof(pkt));
	struct dns_answer_info info;

	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(info.ancount, 0);
	assert_int_equal(info.nscount, 1);
	assert_true(info.has_soa);
	assert_int_equal(info.min_ttl, 900);
	assert_int_equal(info.negative_ttl, 300); /* MINIMUM below the TTL */

	/* NODATA whose SOA TTL is below MINIMUM. */
	static const char *const nodata[] = {
		"ns example.com. 60 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300",
		"ar ns1.example.com. 30 IN A 192.0.2.53",
		NULL,
	};

	len = testpkt_response("www.example.com", DNS_TYPE_AAAA, 0, 1232, false, nodata, pkt,
			       sizeof(pkt));
	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_NOERROR);
	assert_true(info.has_soa);
	assert_int_equal(info.negative_ttl, 60);
	assert_int_equal(info.min_ttl, 30);

	/* An SOA in the answer section is not a negative answer's SOA. */
	static const char *const soa_query[] = {
		"an example.com. 900 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300",
		NULL,
	};

	len = testpkt_response("example.com", DNS_TYPE_SOA, 0, 0, false, soa_query, pkt,
			       sizeof(pkt));
	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_false(info.has_soa);
	assert_int_equal(info.negative_ttl, 0);
	assert_int_equal(info.min_ttl, 900);
}

static void
test_info_no_records(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_response("www.example.com", DNS_TYPE_A, DNS_RCODE_SERVFAIL, 1232, false,
				      NULL, pkt, sizeof(pkt));
	struct dns_answer_info info;

	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_int_equal(info.rcode, DNS_RCODE_SERVFAIL);
	assert_int_equal(info.arcount, 1);
	assert_int_equal(info.min_ttl, UINT32_MAX); /* the OPT does not count */
	assert_false(info.has_soa);

	/* Extended RCODE: BADVERS is 16, the OPT's upper octet 1 and header 0. */
	assert_int_equal(dns_read_u16(pkt + len - 10), DNS_TYPE_OPT);
	pkt[len - 6] = 1;
	pkt[3] &= 0xf0;
	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_int_equal(info.rcode, 16);
}

static void
test_info_ttl_top_bit(void **state)
{
	static const char *const rrs[] = {
		"an www.example.com. 300 IN A 192.0.2.1",
		NULL,
	};
	uint8_t pkt[512];
	size_t len = testpkt_response("www.example.com", DNS_TYPE_A, 0, 0, false, rrs, pkt,
				      sizeof(pkt));
	struct dns_answer_info info;

	/* The A's TTL is 4 octets after its TYPE; RDLENGTH 4 and RDATA end the packet. */
	assert_int_equal(dns_read_u32(pkt + len - 10), 300);
	dns_write_u32(pkt + len - 10, 0x80000005u);
	assert_int_equal(dns_answer_info_get(pkt, len, &info), 0);
	assert_int_equal(info.min_ttl, 0);
}

static void
test_info_bad(void **state)
{
	uint8_t pkt[1024], copy[1024];
	size_t len = positive_answer(pkt, sizeof(pkt));
	struct dns_answer_info info = {.rcode = 77};

	/* Every proper prefix fails (the counts promise more), and out stays as it was. */
	for (size_t n = 0; n < len; n++) {
		assert_true(dns_answer_info_get(pkt, n, &info) < 0);
		assert_int_equal(info.rcode, 77);
	}
	assert_int_equal(dns_answer_info_get(pkt, 5, &info), HNS_ETRUNC);
	/* Trailing bytes are ignored. */
	memcpy(copy, pkt, len);
	memset(copy + len, 0xff, 7);
	assert_int_equal(dns_answer_info_get(copy, len + 7, &info), 0);
	/* QDCOUNT 0 and 2. */
	memcpy(copy, pkt, len);
	dns_write_u16(copy + 4, 0);
	assert_int_equal(dns_answer_info_get(copy, len, &info), HNS_EMALFORMED);
	dns_write_u16(copy + 4, 2);
	assert_int_equal(dns_answer_info_get(copy, len, &info), HNS_EMALFORMED);
	/* The OPT counted as an authority record. */
	memcpy(copy, pkt, len);
	dns_write_u16(copy + 8, 3);
	dns_write_u16(copy + 10, 0);
	assert_int_equal(dns_answer_info_get(copy, len, &info), HNS_EMALFORMED);
	/* Two OPTs. */
	memcpy(copy, pkt, len);
	memcpy(copy + len, pkt + len - 11, 11);
	dns_write_u16(copy + 10, 3);
	assert_int_equal(dns_answer_info_get(copy, len + 11, &info), HNS_EMALFORMED);
}

static void
test_info_bad_soa(void **state)
{
	uint8_t pkt[1024], copy[1024];
	size_t len = testpkt_response("nope.example.com", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, false,
				      nxdomain, pkt, sizeof(pkt));
	struct dns_answer_info info;
	size_t at = 0; /* where the SOA's RDLENGTH is */

	for (size_t i = DNS_HEADER_LEN; i + 8 <= len; i++) {
		if (dns_read_u16(pkt + i) == DNS_TYPE_SOA && dns_read_u16(pkt + i + 2) == DNS_CLASS_IN &&
		    dns_read_u32(pkt + i + 4) == 900)
			at = i + 8;
	}
	assert_true(at > 0);
	size_t rdlen = dns_read_u16(pkt + at);

	assert_int_equal(at + 2 + rdlen, len);
	/* RDLENGTH one short: MINIMUM would lie outside the record. */
	memcpy(copy, pkt, len);
	dns_write_u16(copy + at, (uint16_t)(rdlen - 1));
	assert_int_equal(dns_answer_info_get(copy, len - 1, &info), HNS_EMALFORMED);
	/* One octet too long. */
	memcpy(copy, pkt, len);
	copy[len] = 0;
	dns_write_u16(copy + at, (uint16_t)(rdlen + 1));
	assert_int_equal(dns_answer_info_get(copy, len + 1, &info), HNS_EMALFORMED);
	/* RDATA of only MNAME: RNAME would be read from beyond the record. */
	memcpy(copy, pkt, len);
	dns_write_u16(copy + at, 2);
	assert_true(dns_answer_info_get(copy, at + 4, &info) < 0);
}

/* A name made of another record's TTL octets would change with the TTL: refused. */
static void
test_name_through_ttl(void **state)
{
	static const uint8_t pkt[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		0, 0, 1, 0, 1,				    /* 12: root A IN */
		0, 0, 1, 0, 1, 1, 'a', 0, 0, 0, 4, 1, 2, 3, 4, /* 17: TTL 0x01610000 = "a." */
		0xc0, 22, 0, 1, 0, 1, 0, 0, 0, 100, 0, 4, 1, 2, 3, 4, /* 32: owner -> 22 */
	};
	uint8_t copy[sizeof(pkt)];
	struct dns_answer_info info;

	memcpy(copy, pkt, sizeof(pkt));
	assert_int_equal(dns_answer_info_get(copy, sizeof(copy), &info), HNS_EMALFORMED);
	assert_int_equal(dns_msg_ttl_decrement(copy, sizeof(copy), 1), HNS_EMALFORMED);
	assert_memory_equal(copy, pkt, sizeof(pkt));
	/* The same packet with the second owner a plain root name is fine. */
	copy[32] = 0;
	copy[33] = 0;
	assert_int_equal(dns_answer_info_get(copy, sizeof(copy) - 1, &info), HNS_ETRUNC);
	uint8_t fine[sizeof(pkt) - 1];

	memcpy(fine, pkt, 32);
	memcpy(fine + 33, pkt + 34, sizeof(pkt) - 34);
	fine[32] = 0;
	assert_int_equal(dns_answer_info_get(fine, sizeof(fine), &info), 0);
	assert_int_equal(info.ancount, 2);
	assert_int_equal(info.min_ttl, 100);
}

/* ------------------------------------------------------------ TTLs */

static void
test_ttl_decrement(void **state)
{
	uint8_t pkt[1024];
	size_t len = positive_answer(pkt, sizeof(pkt));
	uint32_t ttls[8];

	assert_int_equal(dns_msg_ttl_decrement(pkt, len, 100), 0);
	assert_int_equal(ldns_ttls(pkt, len, ttls, 8), 4);
	assert_int_equal(ttls[0], 200);
	assert_int_equal(ttls[1], 0); /* 60 - 100 floors at 0 */
	assert_int_equal(ttls[2], 3500);
	assert_int_equal(ttls[3], 20);
	/* The OPT is untouched: its TTL field holds the DO bit, not a TTL. */
	ldns_pkt *p = testpkt_parse(pkt, len);

	assert_true(ldns_pkt_edns_do(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), 4096);
	assert_int_equal(ldns_pkt_edns_extended_rcode(p), 0);
	ldns_pkt_free(p);
	assert_int_equal(dns_read_u32(pkt + len - 6), DNS_EDNS_DO);

	assert_int_equal(dns_msg_ttl_decrement(pkt, len, 0), 0);
	assert_int_equal(ldns_ttls(pkt, len, ttls, 8), 4);
	assert_int_equal(ttls[0], 200);
	assert_int_equal(dns_msg_ttl_decrement(pkt, len, UINT32_MAX), 0);
	assert_int_equal(ldns_ttls(pkt, len, ttls, 8), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ttls[i], 0);
	assert_int_equal(dns_read_u32(pkt + len - 6), DNS_EDNS_DO);
}

static void
test_ttl_clamp(void **state)
{
	uint8_t pkt[1024];
	size_t len = positive_answer(pkt, sizeof(pkt));
	uint32_t ttls[8];

	assert_int_equal(dns_msg_ttl_clamp(pkt, len, 100, 200), 0);
	assert_int_equal(ldns_ttls(pkt, len, ttls, 8), 4);
	assert_int_equal(ttls[0], 200); /* 300 */
	assert_int_equal(ttls[1], 100); /* 60 */
	assert_int_equal(ttls[2], 200); /* 3600 */
	assert_int_equal(ttls[3], 120); /* 120 stays */
	assert_int_equal(dns_read_u32(pkt + len - 6), DNS_EDNS_DO);
	assert_int_equal(dns_msg_ttl_clamp(pkt, len, 5, 4), HNS_EINVAL);
	assert_int_equal(dns_msg_ttl_clamp(pkt, len, 150, 150), 0);
	assert_int_equal(ldns_ttls(pkt, len, ttls, 8), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ttls[i], 150);
}

static void
test_ttl_bad_packet_untouched(void **state)
{
	uint8_t pkt[1024], copy[1024];
	size_t len = positive_answer(pkt, sizeof(pkt));

	/* Cut off in the last record: the earlier TTLs must not change either. */
	memcpy(copy, pkt, len);
	assert_true(dns_msg_ttl_decrement(copy, len - 1, 10) < 0);
	assert_true(dns_msg_ttl_clamp(copy, len - 1, 0, 1) < 0);
	assert_memory_equal(copy, pkt, len);
	dns_write_u16(copy + 4, 0);
	assert_int_equal(dns_msg_ttl_decrement(copy, len, 10), HNS_EMALFORMED);
	assert_int_equal(dns_msg_ttl_decrement(copy, 3, 10), HNS_ETRUNC);
}

/* ------------------------------------------------------------ question */

static void
test_question_matches(void **state)
{
	uint8_t query[512], resp[1024];
	size_t qlen = testpkt_query("WwW.eXample.COM", DNS_TYPE_A, 0, false, query, sizeof(query));
	size_t len = positive_answer(resp, sizeof(resp));
	struct dns_query q;

	assert_int_equal(dns_query_parse(query, qlen, &q), 0);
	assert_true(dns_msg_question_matches(resp, len, &q.q));
	/* Only the header and question are read. */
	assert_true(dns_msg_question_matches(resp, q.question_end, &q.q));
	assert_false(dns_msg_question_matches(resp, q.question_end - 1, &q.q));

	q.q.qtype = DNS_TYPE_AAAA;
	assert_false(dns_msg_question_matches(resp, len, &q.q));
	q.q.qtype = DNS_TYPE_A;
	q.q.qclass = 3; /* CH */
	assert_false(dns_msg_question_matches(resp, len, &q.q));
	q.q.qclass = DNS_CLASS_IN;
	q.q.name_len = (uint8_t)testpkt_name("www.example.org", q.q.name);
	assert_false(dns_msg_question_matches(resp, len, &q.q));
	q.q.name_len = (uint8_t)testpkt_name("ww.example.com", q.q.name);
	assert_false(dns_msg_question_matches(resp, len, &q.q));
	q.q.name_len = (uint8_t)testpkt_name("www.example.com", q.q.name);
	assert_true(dns_msg_question_matches(resp, len, &q.q));
	dns_write_u16(resp + 4, 0);
	assert_false(dns_msg_question_matches(resp, len, &q.q));
}

static void
test_set_qname_case(void **state)
{
	uint8_t resp[1024], name[DNS_NAME_MAX];
	size_t len = positive_answer(resp, sizeof(resp));
	size_t nl = testpkt_name("WwW.eXample.COM", name);

	assert_int_equal(dns_msg_set_qname_case(resp, len, name, nl), 0);
	assert_memory_equal(resp + DNS_HEADER_LEN, name, nl);
	/* ldns reads the client's spelling back, in the answer's owner too (a pointer to it). */
	ldns_pkt *p = testpkt_parse(resp, len);
	char *qs = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0)));
	char *as = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(p), 0)));

	assert_string_equal(qs, "WwW.eXample.COM.");
	assert_string_equal(as, "WwW.eXample.COM.");
	free(qs);
	free(as);
	ldns_pkt_free(p);

	/* Another name of the same length, or another length: refused, nothing written. */
	uint8_t before[1024];

	memcpy(before, resp, len);
	nl = testpkt_name("xxx.example.com", name);
	assert_int_equal(dns_msg_set_qname_case(resp, len, name, nl), HNS_EINVAL);
	nl = testpkt_name("www.example.co", name);
	assert_int_equal(dns_msg_set_qname_case(resp, len, name, nl), HNS_EINVAL);
	nl = testpkt_name("www.example.com.x", name);
	assert_int_equal(dns_msg_set_qname_case(resp, len, name, nl), HNS_EINVAL);
	assert_int_equal(dns_msg_set_qname_case(resp, 20, name, nl), HNS_ETRUNC);
	assert_memory_equal(before, resp, len);
}

/* ------------------------------------------------------------ building */

static void
test_truncate(void **state)
{
	uint8_t resp[1024], out[512];
	size_t len = positive_answer(resp, sizeof(resp));
	size_t n = dns_msg_truncate(resp, len, true, 1232, out, sizeof(out));

	assert_true(n > 0);
	testpkt_assert_bare_answer(out, n, 0x1234,
				   DNS_FLAG_QR | DNS_FLAG_TC | DNS_FLAG_RD | DNS_FLAG_RA,
				   DNS_RCODE_NOERROR, 1232, true);
	ldns_pkt *p = testpkt_parse(out, n);
	ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	char *qs = ldns_rdf2str(ldns_rr_owner(q));

	assert_string_equal(qs, "www.example.com.");
	assert_int_equal(ldns_rr_get_type(q), LDNS_RR_TYPE_A);
	free(qs);
	ldns_pkt_free(p);

	size_t n2 = dns_msg_truncate(resp, len, false, 1232, out, sizeof(out));

	assert_int_equal(n2, n - 11);
	assert_int_equal(dns_read_u16(out + 10), 0);
	assert_true(dns_read_u16(out + 2) & DNS_FLAG_TC);
	/* Too small, or not a message. */
	assert_int_equal(dns_msg_truncate(resp, len, false, 1232, out, n2 - 1), 0);
	assert_int_equal(dns_msg_truncate(resp, len, true, 1232, out, n - 1), 0);
	assert_int_equal(dns_msg_truncate(resp, 20, true, 1232, out, sizeof(out)), 0);
	/* NXDOMAIN keeps its RCODE; a compressed question name comes out whole. */
	len = testpkt_response("nope.example.com", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, false,
			       nxdomain, resp, sizeof(resp));
	n = dns_msg_truncate(resp, len, false, 0, out, sizeof(out));
	assert_int_equal(n, DNS_HEADER_LEN + 18 + 4);
	assert_int_equal(DNS_RCODE(dns_read_u16(out + 2)), DNS_RCODE_NXDOMAIN);
	/* A question name pointing into the header, or at itself, is no name. */
	static const uint8_t ptrq[] = {0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 4, 0, 2, 0, 1};

	assert_int_equal(dns_msg_truncate(ptrq, sizeof(ptrq), false, 0, out, sizeof(out)), 0);
	uint8_t selfq[sizeof(ptrq)];

	memcpy(selfq, ptrq, sizeof(ptrq));
	selfq[13] = 12;
	assert_int_equal(dns_msg_truncate(selfq, sizeof(selfq), false, 0, out, sizeof(out)), 0);
}

static void
test_build_query(void **state)
{
	uint8_t name[DNS_NAME_MAX], out[512];
	size_t nl = testpkt_name("Api.Example.com", name);
	size_t n = dns_msg_build_query(0xbeef, name, nl, DNS_TYPE_AAAA, DNS_CLASS_IN, true, 1232,
				       true, out, sizeof(out));

	assert_int_equal(n, DNS_HEADER_LEN + nl + 4 + 11);
	ldns_pkt *p = testpkt_parse(out, n);

	assert_int_equal(ldns_pkt_id(p), 0xbeef);
	assert_false(ldns_pkt_qr(p));
	assert_true(ldns_pkt_rd(p));
	assert_int_equal(ldns_pkt_get_opcode(p), LDNS_PACKET_QUERY);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	assert_true(ldns_pkt_edns(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), 1232);
	assert_true(ldns_pkt_edns_do(p));
	ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	char *qs = ldns_rdf2str(ldns_rr_owner(q));

	assert_string_equal(qs, "Api.Example.com.");
	assert_int_equal(ldns_rr_get_type(q), LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_rr_get_class(q), LDNS_RR_CLASS_IN);
	free(qs);
	ldns_pkt_free(p);

	/* Our own parser agrees. */
	struct dns_query dq;

	assert_int_equal(dns_query_parse(out, n, &dq), 0);
	assert_true(dq.has_edns);
	assert_false(dns_msg_build_query(1, name, nl, 1, 1, false, 0, false, out, sizeof(out)) !=
		     DNS_HEADER_LEN + nl + 4);
	assert_int_equal(dns_read_u16(out + 10), 0);
	assert_int_equal(dns_read_u16(out + 2), DNS_FLAG_RD);

	/* Bad names and small buffers. */
	assert_int_equal(dns_msg_build_query(1, name, nl - 1, 1, 1, false, 0, false, out, 512), 0);
	assert_int_equal(dns_msg_build_query(1, name, nl + 1, 1, 1, false, 0, false, out, 512), 0);
	assert_int_equal(dns_msg_build_query(1, name, 0, 1, 1, false, 0, false, out, 512), 0);
	assert_int_equal(dns_msg_build_query(1, (const uint8_t *)"\100", 1, 1, 1, false, 0, false,
					     out, 512),
			 0);
	assert_int_equal(dns_msg_build_query(1, (const uint8_t *)"\300\014", 2, 1, 1, false, 0,
					     false, out, 512),
			 0);
	assert_int_equal(dns_msg_build_query(1, name, nl, 1, 1, false, 0, false, out,
					     DNS_HEADER_LEN + nl + 3),
			 0);
	assert_int_equal(dns_msg_build_query(1, name, nl, 1, 1, true, 512, false, out,
					     DNS_HEADER_LEN + nl + 4 + 10),
			 0);
	/* The root. */
	assert_int_equal(dns_msg_build_query(1, (const uint8_t *)"", 1, DNS_TYPE_NS, 1, false, 0,
					     false, out, 512),
			 DNS_HEADER_LEN + 5);
}

static void
test_set_edns_size(void **state)
{
	uint8_t resp[1024];
	size_t len = positive_answer(resp, sizeof(resp));

	assert_int_equal(dns_msg_set_edns_size(resp, len, 1232), 0);
	ldns_pkt *p = testpkt_parse(resp, len);

	assert_int_equal(ldns_pkt_edns_udp_size(p), 1232);
	assert_true(ldns_pkt_edns_do(p));
	ldns_pkt_free(p);

	len = testpkt_response("nope.example.com", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, false,
			       nxdomain, resp, sizeof(resp));
	assert_int_equal(dns_msg_set_edns_size(resp, len, 1232), HNS_ENOENT);
	assert_int_equal(dns_msg_set_edns_size(resp, len - 1, 1232), HNS_ETRUNC);
}

static void
test_set_id(void **state)
{
	uint8_t resp[1024];
	size_t len = positive_answer(resp, sizeof(resp));

	dns_msg_set_id(resp, 0xa55a);
	ldns_pkt *p = testpkt_parse(resp, len);

	assert_int_equal(ldns_pkt_id(p), 0xa55a);
	ldns_pkt_free(p);
}

/* ------------------------------------------------------------ big answers */

static void
test_large_txt(void **state)
{
	/* 20 TXT records of 200 octets each: past 4096, parsed whole, truncated small. */
	char rrbuf[20][260];
	const char *rrs[21];
	uint8_t resp[8192], out[512];

	for (int i = 0; i < 20; i++) {
		char txt[201];

		memset(txt, 'a' + i % 26, 200);
		txt[200] = '\0';
		snprintf(rrbuf[i], sizeof(rrbuf[i]), "an big.example.com. %d IN TXT \"%s\"", 100 + i,
			 txt);
		rrs[i] = rrbuf[i];
	}
	rrs[20] = NULL;
	size_t len = testpkt_response("big.example.com", DNS_TYPE_TXT, 0, 4096, false, rrs, resp,
				      sizeof(resp));
	struct dns_answer_info info;

	assert_true(len > 4096);
	assert_int_equal(dns_answer_info_get(resp, len, &info), 0);
	assert_int_equal(info.ancount, 20);
	assert_int_equal(info.min_ttl, 100);
	assert_int_equal(dns_msg_ttl_decrement(resp, len, 50), 0);
	assert_int_equal(dns_answer_info_get(resp, len, &info), 0);
	assert_int_equal(info.min_ttl, 50);
	size_t n = dns_msg_truncate(resp, len, true, 512, out, sizeof(out));

	assert_int_equal(n, DNS_HEADER_LEN + 17 + 4 + 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_positive),
		cmocka_unit_test(test_info_negative),
		cmocka_unit_test(test_info_no_records),
		cmocka_unit_test(test_info_ttl_top_bit),
		cmocka_unit_test(test_info_bad),
		cmocka_unit_test(test_info_bad_soa),
		cmocka_unit_test(test_name_through_ttl),
		cmocka_unit_test(test_ttl_decrement),
		cmocka_unit_test(test_ttl_clamp),
		cmocka_unit_test(test_ttl_bad_packet_untouched),
		cmocka_unit_test(test_question_matches),
		cmocka_unit_test(test_set_qname_case),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_build_query),
		cmocka_unit_test(test_set_edns_size),
		cmocka_unit_test(test_set_id),
		cmocka_unit_test(test_large_txt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
