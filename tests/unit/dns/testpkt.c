#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/wire.h"
#include "tests/unit/dns/testpkt.h"

static size_t
pkt_to_wire(ldns_pkt *p, uint8_t *out, size_t cap)
{
	uint8_t *wire = NULL;
	size_t len = 0;

	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	assert_true(len <= cap);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

static ldns_pkt *
pkt_new(const char *name, uint16_t type, uint16_t edns_udp, bool do_bit)
{
	ldns_rdf *owner = ldns_dname_new_frm_str(name);

	assert_non_null(owner);
	ldns_pkt *p = ldns_pkt_query_new(owner, (ldns_rr_type)type, LDNS_RR_CLASS_IN, LDNS_RD);

	assert_non_null(p);
	ldns_pkt_set_id(p, 0x1234);
	if (edns_udp > 0) {
		ldns_pkt_set_edns_udp_size(p, edns_udp);
		ldns_pkt_set_edns_do(p, do_bit);
	}
	return p;
}

size_t
testpkt_query(const char *name, uint16_t type, uint16_t edns_udp, bool do_bit, uint8_t *out,
	      size_t cap)
{
	return pkt_to_wire(pkt_new(name, type, edns_udp, do_bit), out, cap);
}

size_t
testpkt_response(const char *name, uint16_t type, uint8_t rcode, uint16_t edns_udp, bool do_bit,
		 const char *const *rrs, uint8_t *out, size_t cap)
{
	ldns_pkt *p = pkt_new(name, type, edns_udp, do_bit);

	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_rcode(p, rcode);
	for (size_t i = 0; rrs != NULL && rrs[i] != NULL; i++) {
		ldns_pkt_section s = LDNS_SECTION_ANY;
		ldns_rr *rr = NULL;

		if (strncmp(rrs[i], "an ", 3) == 0)
			s = LDNS_SECTION_ANSWER;
		else if (strncmp(rrs[i], "ns ", 3) == 0)
			s = LDNS_SECTION_AUTHORITY;
		else if (strncmp(rrs[i], "ar ", 3) == 0)
			s = LDNS_SECTION_ADDITIONAL;
		else
			fail_msg("bad section in %s", rrs[i]);
		assert_int_equal(ldns_rr_new_frm_str(&rr, rrs[i] + 3, 3600, NULL, NULL),
				 LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(p, s, rr));
	}
	return pkt_to_wire(p, out, cap);
}

ldns_pkt *
testpkt_parse(const uint8_t *wire, size_t len)
{
	ldns_pkt *p = NULL;

	assert_int_equal(ldns_wire2pkt(&p, wire, len), LDNS_STATUS_OK);
	return p;
}

size_t
testpkt_name(const char *s, uint8_t *out)
{
	int n = dns_name_from_str(s, out);

	assert_true(n > 0);
	return (size_t)n;
}

void
testpkt_assert_bare_answer(const uint8_t *pkt, size_t len, uint16_t id, uint16_t flags,
			   uint8_t rcode, uint16_t udp_size, bool do_bit)
{
	ldns_pkt *p = testpkt_parse(pkt, len);

	assert_int_equal(ldns_pkt_id(p), id);
	assert_int_equal(ldns_pkt_qr(p), (flags & DNS_FLAG_QR) != 0);
	assert_int_equal(ldns_pkt_aa(p), (flags & DNS_FLAG_AA) != 0);
	assert_int_equal(ldns_pkt_tc(p), (flags & DNS_FLAG_TC) != 0);
	assert_int_equal(ldns_pkt_rd(p), (flags & DNS_FLAG_RD) != 0);
	assert_int_equal(ldns_pkt_ra(p), (flags & DNS_FLAG_RA) != 0);
	assert_int_equal(ldns_pkt_cd(p), (flags & DNS_FLAG_CD) != 0);
	assert_int_equal(ldns_pkt_get_rcode(p), rcode);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), 0);
	assert_int_equal(ldns_pkt_edns(p), udp_size != 0);
	if (udp_size != 0) {
		assert_int_equal(ldns_pkt_edns_udp_size(p), udp_size);
		assert_int_equal(ldns_pkt_edns_do(p), do_bit);
	}
	ldns_pkt_free(p);
}
