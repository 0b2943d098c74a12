/*
 * dns/msg.h -- answer-side helpers for the forwarder and the resolver.
 *
 * Like dns/wire.h, everything here works on caller-owned buffers, never
 * allocates and reads the packet only through dns_cursor, so it may run per
 * packet on the hot path.
 *
 * A message these functions accept is at most 65535 octets, has exactly
 * one question, every record of every section inside the packet (names
 * compressed or not, pointers backwards only, no name running through a
 * record's TYPE/CLASS/TTL/RDLENGTH octets, so rewriting a TTL never changes
 * a name), and at most one OPT record, owned by the root and in the
 * additional section.  Bytes after the last record are ignored.  Functions
 * that modify a packet first check the whole of it, so a packet that fails
 * is left untouched.
 *
 * TTLs with the top bit set count as 0 (RFC 2181 section 8) wherever a TTL
 * is read or rewritten.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

struct dns_answer_info {
	uint16_t rcode; /* header RCODE, with the OPT's extended bits above it when there is one */
	uint16_t ancount, nscount, arcount;
	bool tc;
	bool has_soa;	       /* an SOA in the authority section */
	uint32_t min_ttl;      /* smallest TTL over answer+authority+additional RRs except OPT; UINT32_MAX when none */
	uint32_t negative_ttl; /* RFC 2308: min(SOA TTL, SOA MINIMUM) of the authority SOA; 0 when none */
};

/*
 * Parse a response: header, question (must be exactly one), all RRs with
 * bounds checks.  Returns 0, HNS_ETRUNC (the packet ends inside a record)
 * or HNS_EMALFORMED; out is written only on success.  With several SOAs in
 * the authority section the first one counts.
 */
int dns_answer_info_get(const uint8_t *pkt, size_t len, struct dns_answer_info *out);

/* Subtract `elapsed` seconds from the TTL of every RR except OPT, flooring at 0 (cache countdown). */
int dns_msg_ttl_decrement(uint8_t *pkt, size_t len, uint32_t elapsed);

/* Clamp every RR TTL except OPT into [min, max] (min <= max, else HNS_EINVAL). */
int dns_msg_ttl_clamp(uint8_t *pkt, size_t len, uint32_t min, uint32_t max);

/*
 * Whether the response's question equals q (name case-insensitively, type,
 * class).  Only the header and question are read: false when there is not
 * exactly one question or it does not parse.
 */
bool dns_msg_question_matches(const uint8_t *pkt, size_t len, const struct dns_question *q);

/*
 * Overwrite the question name bytes with `name` (same length, the client's
 * spelling: 0x20 case).  The question name must be uncompressed and equal
 * to `name` case-insensitively, else HNS_EINVAL; HNS_EMALFORMED or
 * HNS_ETRUNC when the question does not parse.  Owner names compressed as
 * pointers to the question follow along.
 */
int dns_msg_set_qname_case(uint8_t *pkt, size_t len, const uint8_t *name, size_t name_len);

/*
 * Build into out a truncated answer (header with TC=1, the question, OPT if
 * had_opt) from a full response: the response's ID, flags and RCODE are
 * kept, the question is written uncompressed, and the OPT carries udp_size
 * and the DO bit of the response's own OPT (if it has a readable one).
 * Returns the length, or 0 when the response's header or question does not
 * parse or out is too small.  pkt and out must not overlap.
 */
size_t dns_msg_truncate(const uint8_t *pkt, size_t len, bool had_opt, uint16_t udp_size,
			uint8_t *out, size_t cap);

/*
 * Build a query into out: random-free (caller gives id), RD set, optional
 * EDNS0 OPT with udp_size and DO.  qname must be a well-formed
 * uncompressed wire name of exactly qname_len octets.  Returns the length,
 * or 0 when the name is bad or out is too small.
 */
size_t dns_msg_build_query(uint16_t id, const uint8_t *qname, size_t qname_len, uint16_t qtype,
			   uint16_t qclass, bool edns, uint16_t udp_size, bool do_bit, uint8_t *out,
			   size_t cap);

/*
 * Find the OPT record of a response and rewrite its UDP size field (e.g. to
 * advertise our own): 0, HNS_ENOENT when there is none, or the parse error
 * (HNS_ETRUNC, HNS_EMALFORMED) of a message that does not parse.
 */
int dns_msg_set_edns_size(uint8_t *pkt, size_t len, uint16_t udp_size);

/* Set the message ID; pkt must hold at least a header (DNS_HEADER_LEN). */
static inline void
dns_msg_set_id(uint8_t *pkt, uint16_t id)
{
	dns_write_u16(pkt, id);
}
