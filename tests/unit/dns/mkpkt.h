/*
 * tests/unit/dns/mkpkt.h -- small hand-built packets for the unit tests of
 * the forwarding machinery (dns/ cache and query table, the forwarder
 * core, the resolver's outbound forwarding); header-only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/wire.h"

/* A query for name (presentation) / type with the given ID. */
static inline size_t
mkquery(uint16_t id, const char *name, uint16_t type, bool edns, uint8_t *out, size_t cap)
{
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_str(name, wire);

	if (n < 0)
		return 0;
	return dns_msg_build_query(id, wire, (size_t)n, type, DNS_CLASS_IN, edns, 1232, false, out,
				   cap);
}

/* Turn a query into a response: one A record with ttl, or (a == 0) NXDOMAIN with an SOA. */
static inline size_t
mkreply(const uint8_t *query, size_t qlen, uint32_t a, uint32_t ttl, uint8_t *out, size_t cap)
{
	struct dns_query q;

	if (dns_query_parse(query, qlen, &q) < 0 || cap < 512)
		return 0;
	size_t len = q.question_end;

	memcpy(out, query, len);
	struct dns_header h = { .id = q.hdr.id,
				.flags = DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA,
				.qdcount = 1 };

	if (a) {
		h.ancount = 1;
		out[len++] = 0xc0;
		out[len++] = 12;
		dns_write_u16(out + len, DNS_TYPE_A);
		dns_write_u16(out + len + 2, DNS_CLASS_IN);
		dns_write_u32(out + len + 4, ttl);
		dns_write_u16(out + len + 8, 4);
		dns_write_u32(out + len + 10, a);
		len += 14;
	} else {
		/* SOA of the root-most label pair: owner = the question name (simple). */
		h.flags |= DNS_RCODE_NXDOMAIN;
		h.nscount = 1;
		out[len++] = 0xc0;
		out[len++] = 12;
		dns_write_u16(out + len, DNS_TYPE_SOA);
		dns_write_u16(out + len + 2, DNS_CLASS_IN);
		dns_write_u32(out + len + 4, ttl);
		dns_write_u16(out + len + 8, 2 + 2 + 20);
		len += 10;
		out[len++] = 0xc0; /* mname */
		out[len++] = 12;
		out[len++] = 0xc0; /* rname */
		out[len++] = 12;
		dns_write_u32(out + len, 1);	  /* serial */
		dns_write_u32(out + len + 4, 3600); /* refresh */
		dns_write_u32(out + len + 8, 600);  /* retry */
		dns_write_u32(out + len + 12, 86400); /* expire */
		dns_write_u32(out + len + 16, 60);    /* minimum */
		len += 20;
	}
	dns_header_write(out, &h);
	if (q.has_edns)
		len = dns_append_opt(out, len, cap, 1232, false);
	return len;
}

/* TTL of the first record after the question, or UINT32_MAX. */
static inline uint32_t
first_ttl(const uint8_t *pkt, size_t len)
{
	struct dns_query q;
	struct dns_cursor c;

	if (dns_query_parse(pkt, len, &q) < 0)
		return UINT32_MAX;
	dns_cursor_init(&c, pkt, len);
	dns_cursor_skip(&c, q.question_end);
	dns_cursor_name(&c, NULL);
	dns_cursor_u16(&c);
	dns_cursor_u16(&c);
	uint32_t ttl = dns_cursor_u32(&c);

	return c.err ? UINT32_MAX : ttl;
}

static inline uint8_t
rcode_of(const uint8_t *pkt)
{
	return (uint8_t)DNS_RCODE(dns_read_u16(pkt + 2));
}
