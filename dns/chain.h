/*
 * dns/chain.h -- CNAME chains across answers, for resolvers that chase a
 * CNAME into another rule (the on-prem forwarder, the Route 53 Resolver's
 * outbound forwarding).
 *
 * dns_chain_dangling() tells whether a response ends in a CNAME whose
 * target it does not answer (the next leg of the chase must ask for it);
 * dns_chain_join() builds the answer the client gets: the first message's
 * header and question, its answer records, then the answer and authority
 * records of the last leg, every name written out in full (the legs'
 * compression pointers point into other packets).  Caller-owned buffers, no
 * allocation; reads only through dns_cursor.  dns_chain_first_is_cname() is
 * the one test a forwarder pays on every upstream answer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

/*
 * Longest chain chased across rules: CNAMEs in one answer, all legs
 * together.  A longer chain (a loop included) ends in SERVFAIL.
 */
#define DNS_CHAIN_MAX 8

/*
 * Whether the first answer record of a response whose question name is
 * qname_len octets (uncompressed, as every question is) is a CNAME owned by
 * the question (the first record of every answer an upstream gives): the
 * cheap pre-test, before dns_chain_dangling() reads the whole answer.
 */
static inline bool
dns_chain_first_is_cname(const uint8_t *pkt, size_t len, size_t qname_len)
{
	size_t o = DNS_HEADER_LEN + qname_len + 4;

	if ((pkt[6] | pkt[7]) == 0 || len < o + 2)
		return false;
	/* the owner: a pointer to the question, or the question name written out again */
	o += (pkt[o] & 0xc0) == 0xc0 ? 2 : qname_len;
	return len >= o + 2 && pkt[o] == 0 && pkt[o + 1] == DNS_TYPE_CNAME;
}

/*
 * A NOERROR response to (qname, qtype) whose answer section follows CNAMEs
 * from qname to a name holding no record of qtype, with no SOA in the
 * authority section (an upstream that answered NODATA for the target has
 * done the chase): the target, lower case, into target [DNS_NAME_MAX], and
 * its length; *n_cnames: CNAMEs on the way.  0 for every other response
 * (complete, negative, not a chain, qtype CNAME or ANY, malformed).
 */
size_t dns_chain_dangling(const uint8_t *pkt, size_t len, const uint8_t *qname, size_t qname_len,
			  uint16_t qtype, uint8_t *target, unsigned *n_cnames);

/*
 * Into out: head's header (its ID and flags, rcode taken from leg) and
 * question, head's answer records, leg's answer and authority records, with
 * every name uncompressed; then an OPT (udp_size, do_bit) when opt.  Returns
 * the length, or 0 when a message does not parse or out is too small.
 */
size_t dns_chain_join(const uint8_t *head, size_t hlen, const uint8_t *leg, size_t llen, bool opt,
		      uint16_t udp_size, bool do_bit, uint8_t *out, size_t cap);
