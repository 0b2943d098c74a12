/*
 * Fuzz target for dns/msg.h: every function on arbitrary bytes, no crash
 * and no read or write outside the packet, and the functions agree with
 * each other:
 *  - a packet info_get accepts is accepted by the TTL rewriters, which
 *    leave counts, RCODE, TC and SOA presence alone and move min_ttl the
 *    way they promise; a packet they refuse is left byte for byte as it was;
 *  - a parsed question matches itself, also respelled in another case;
 *  - the TC answer and a query built from the question parse back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "dns/msg.h"
#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static bool
info_same_shape(const struct dns_answer_info *a, const struct dns_answer_info *b)
{
	return a->rcode == b->rcode && a->ancount == b->ancount && a->nscount == b->nscount &&
	       a->arcount == b->arcount && a->tc == b->tc && a->has_soa == b->has_soa;
}

/* A TTL rewrite on a private copy: accepted exactly when info_get accepted the packet. */
static void
check_ttl_rewrites(const uint8_t *data, size_t size, int info_rc,
		   const struct dns_answer_info *info, uint32_t elapsed)
{
	uint8_t *pkt = malloc(size ? size : 1);
	struct dns_answer_info after;

	check(pkt != NULL);
	memcpy(pkt, data, size);
	int rc = dns_msg_ttl_decrement(pkt, size, elapsed);

	if (rc != 0) {
		/* Only a bad SOA lets info_get refuse what the walk accepts, never the reverse. */
		check(info_rc != 0 && memcmp(pkt, data, size) == 0);
	} else if (info_rc == 0) {
		check(dns_answer_info_get(pkt, size, &after) == 0);
		check(info_same_shape(info, &after));
		if (info->min_ttl == UINT32_MAX)
			check(after.min_ttl == UINT32_MAX);
		else
			check(after.min_ttl == (info->min_ttl > elapsed ? info->min_ttl - elapsed : 0));
		check(after.negative_ttl <= info->negative_ttl);
	}
	uint32_t lo = elapsed & 0xffff, hi = lo + (elapsed >> 16);

	memcpy(pkt, data, size);
	rc = dns_msg_ttl_clamp(pkt, size, lo, hi);
	if (rc != 0) {
		check(memcmp(pkt, data, size) == 0);
	} else if (info_rc == 0) {
		check(dns_answer_info_get(pkt, size, &after) == 0);
		check(info_same_shape(info, &after));
		check(after.min_ttl == UINT32_MAX ? info->min_ttl == UINT32_MAX
						  : after.min_ttl >= lo && after.min_ttl <= hi);
	}
	check(dns_msg_ttl_clamp(pkt, size, 2, 1) == HNS_EINVAL);

	memcpy(pkt, data, size);
	rc = dns_msg_set_edns_size(pkt, size, 1232);
	if (rc == 0 && info_rc == 0) {
		check(dns_answer_info_get(pkt, size, &after) == 0);
		check(info_same_shape(info, &after) && after.min_ttl == info->min_ttl);
	} else if (rc != 0) {
		check(memcmp(pkt, data, size) == 0);
	}
	free(pkt);
}

static void
check_question(const uint8_t *data, size_t size)
{
	struct dns_query q;

	if (dns_query_parse(data, size, &q) != 0)
		return;
	check(dns_msg_question_matches(data, size, &q.q));

	/* Respell the name in flipped case: still matches, and set_qname_case takes it. */
	struct dns_question flipped = q.q;

	for (size_t i = 0; i < flipped.name_len; i++) {
		uint8_t ch = flipped.name[i];

		if (ch >= 'a' && ch <= 'z')
			flipped.name[i] = (uint8_t)(ch - 32);
		else if (ch >= 'A' && ch <= 'Z')
			flipped.name[i] = (uint8_t)(ch + 32);
	}
	check(dns_msg_question_matches(data, size, &flipped));
	flipped.qtype ^= 1;
	check(!dns_msg_question_matches(data, size, &flipped));
	flipped.qtype ^= 1;

	uint8_t *pkt = malloc(size);

	check(pkt != NULL);
	memcpy(pkt, data, size);
	int rc = dns_msg_set_qname_case(pkt, size, flipped.name, flipped.name_len);

	if (rc == 0) {
		check(memcmp(pkt + DNS_HEADER_LEN, flipped.name, flipped.name_len) == 0);
		check(dns_msg_question_matches(pkt, size, &q.q));
	} else {
		check(rc == HNS_EINVAL && memcmp(pkt, data, size) == 0);
	}
	free(pkt);

	/* A query for the same question parses back to it. */
	uint8_t out[DNS_HEADER_LEN + DNS_NAME_MAX + 4 + 11];
	size_t n = dns_msg_build_query(q.hdr.id, q.q.name, q.q.name_len, q.q.qtype, q.q.qclass,
				       q.has_edns, q.edns_udp_size, q.edns_do, out, sizeof(out));
	struct dns_query back;

	check(n > 0 && n <= sizeof(out));
	check(dns_query_parse(out, n, &back) == 0);
	check(back.hdr.id == q.hdr.id && back.has_edns == q.has_edns &&
	      back.edns_do == q.edns_do && back.edns_udp_size == q.edns_udp_size);
	check(dns_msg_question_matches(out, n, &q.q));
}

static void
check_truncate(const uint8_t *data, size_t size, bool had_opt)
{
	uint8_t out[DNS_HEADER_LEN + DNS_NAME_MAX + 4 + 11];
	struct dns_answer_info info;
	struct dns_query q;
	size_t n = dns_msg_truncate(data, size, had_opt, 1232, out, sizeof(out));

	if (n == 0)
		return;
	check(n <= sizeof(out));
	check(dns_answer_info_get(out, n, &info) == 0);
	check(info.tc && info.ancount == 0 && info.nscount == 0 &&
	      info.arcount == (had_opt ? 1 : 0) && info.min_ttl == UINT32_MAX);
	check(dns_query_parse(out, n, &q) == 0);
	check(dns_msg_question_matches(data, size, &q.q));
	check(dns_read_u16(out) == dns_read_u16(data));
	/* Any smaller buffer: nothing. */
	check(dns_msg_truncate(data, size, had_opt, 1232, out, n - 1) == 0);
}

/* Arbitrary bytes as a query name: refused, or a query that parses. */
static void
check_build_query_raw(const uint8_t *data, size_t size)
{
	uint8_t out[DNS_HEADER_LEN + DNS_NAME_MAX + 4 + 11];
	size_t nl = size < 300 ? size : 300;
	size_t n = dns_msg_build_query(7, data, nl, 1, 1, true, 512, false, out, sizeof(out));
	struct dns_query q;

	if (n == 0)
		return;
	check(n == DNS_HEADER_LEN + nl + 4 + 11);
	check(dns_query_parse(out, n, &q) == 0 && q.q.name_len == nl);
	check(memcmp(q.q.name, data, nl) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_answer_info info;

	if (size > 65535)
		return 0;
	int info_rc = dns_answer_info_get(data, size, &info);

	check(info_rc == 0 || info_rc == HNS_ETRUNC || info_rc == HNS_EMALFORMED);
	if (info_rc == 0)
		check(info.negative_ttl == 0 || info.has_soa);

	/* The last four octets choose the elapsed time and clamp range. */
	uint32_t elapsed = size >= 4 ? dns_read_u32(data + size - 4) : 1;

	check_ttl_rewrites(data, size, info_rc, &info, elapsed);
	if (size > 0)
		check_question(data, size);
	check_truncate(data, size, true);
	check_truncate(data, size, false);
	check_build_query_raw(data, size);
	if (size >= DNS_HEADER_LEN) {
		uint8_t hdr[DNS_HEADER_LEN];

		memcpy(hdr, data, sizeof(hdr));
		dns_msg_set_id(hdr, 0xfeed);
		check(dns_read_u16(hdr) == 0xfeed && memcmp(hdr + 2, data + 2, 10) == 0);
	}
	return 0;
}
