/*
 * tests/unit/dns/testpkt.h -- test packets built and read back by ldns, so
 * that dns/ is checked against an independent implementation and not only
 * against itself.  Every helper asserts (cmocka) on failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

/* A query (RD set) for name/type/IN; EDNS with edns_udp and do_bit when edns_udp > 0. */
size_t testpkt_query(const char *name, uint16_t type, uint16_t edns_udp, bool do_bit,
		     uint8_t *out, size_t cap);

/*
 * A response (QR, RD, RA) to name/type/IN with the given rcode, ID 0x1234
 * and the records of rrs, a NULL-terminated list of presentation-format
 * strings each prefixed by its section: "an ", "ns " or "ar ".
 */
size_t testpkt_response(const char *name, uint16_t type, uint8_t rcode, uint16_t edns_udp,
			bool do_bit, const char *const *rrs, uint8_t *out, size_t cap);

/* Parse with ldns; the caller frees with ldns_pkt_free(). */
ldns_pkt *testpkt_parse(const uint8_t *wire, size_t len);

/* The wire form of a presentation name (asserts it is valid). */
size_t testpkt_name(const char *s, uint8_t *out /* [DNS_NAME_MAX] */);

/*
 * Assert, reading with ldns, that pkt is an answer with one question and no
 * records but an OPT: the ID, exactly the QR/AA/TC/RD/RA/CD bits of flags,
 * the RCODE, and an OPT with udp_size and do_bit (no OPT when udp_size is 0).
 */
void testpkt_assert_bare_answer(const uint8_t *pkt, size_t len, uint16_t id, uint16_t flags,
				uint8_t rcode, uint16_t udp_size, bool do_bit);
