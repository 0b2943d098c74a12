#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/clock.h"
#include "common/error.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "dns/cache.h"
#include "dns/qkey.h"
#include "tests/unit/dns/mkpkt.h"

#define NAMES 2000
#define CAP 64

static void
key_for(int i, struct dns_qkey *k, uint8_t *reply, size_t *rlen)
{
	char name[64];
	uint8_t q[512];
	struct dns_query pq;

	snprintf(name, sizeof(name), "n%d.Cache.Example", i);
	size_t n = mkquery((uint16_t)i, name, DNS_TYPE_A, false, q, sizeof(q));

	assert_int_equal(dns_query_parse(q, n, &pq), 0);
	dns_qkey_make(k, &pq.q, false, false, 0);
	*rlen = mkreply(q, n, 0x0a000000u + (uint32_t)i, 300, reply, 512);
	assert_true(*rlen > 0);
}

/* Many inserts through a small cache: every entry it counts can be found, no other. */
static void
test_index_integrity_under_eviction(void **state)
{
	struct dns_cache_cfg cfg = { .enabled = true, .max_entries = CAP, .max_ttl = 86400,
				     .negative_max_ttl = 3600 };
	struct dns_cache *c;
	uint8_t reply[512], out[512];
	size_t rlen, olen;
	struct dns_qkey k;

	assert_int_equal(dns_cache_new(&cfg, &c), 0);
	for (int i = 0; i < NAMES; i++) {
		key_for(i, &k, reply, &rlen);
		assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), 0);
		/* Touch a few so CLOCK has second chances to give. */
		if (i % 7 == 0)
			dns_cache_lookup(c, &k, 0, false, out, sizeof(out), &olen);
	}
	assert_int_equal(dns_cache_count(c), CAP);

	int found = 0;

	for (int i = 0; i < NAMES; i++) {
		key_for(i, &k, reply, &rlen);
		if (dns_cache_lookup(c, &k, 0, false, out, sizeof(out), &olen) == DNS_CACHE_HIT) {
			found++;
			/* The right answer for the right key. */
			assert_int_equal(olen, rlen);
			assert_memory_equal(out + olen - 4, reply + rlen - 4, 4);
		}
	}
	assert_int_equal(found, CAP);
	assert_int_equal(dns_cache_stats(c)->evictions, NAMES - CAP);
	dns_cache_free(c);
}

static void
test_uncacheable(void **state)
{
	struct dns_cache_cfg cfg = { .enabled = true, .max_entries = 8, .max_ttl = 86400,
				     .negative_max_ttl = 3600 };
	struct dns_cache *c;
	uint8_t reply[512];
	size_t rlen;
	struct dns_qkey k;

	assert_int_equal(dns_cache_new(&cfg, &c), 0);
	key_for(1, &k, reply, &rlen);
	dns_write_u16(reply + 2, dns_read_u16(reply + 2) | DNS_FLAG_TC);
	assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), HNS_EAGAIN);
	key_for(2, &k, reply, &rlen);
	dns_write_u16(reply + 2, (dns_read_u16(reply + 2) & ~0xf) | DNS_RCODE_SERVFAIL);
	assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), HNS_EAGAIN);
	key_for(3, &k, reply, &rlen);
	dns_write_u32(reply + rlen - 10, 0); /* TTL 0 */
	assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), HNS_EAGAIN);
	assert_int_equal(dns_cache_count(c), 0);
	assert_int_equal(dns_cache_insert(c, &k, reply, 5, 0) < 0, true); /* junk */
	dns_cache_free(c);
}

/*
 * The tag keeps entries apart (the resolver's answers per rule); wire_max
 * bounds what is stored; keep_ttls stores a negative answer's TTLs as they came.
 */
static void
test_tags_wire_max_and_keep_ttls(void **state)
{
	struct dns_cache_cfg cfg = { .enabled = true, .max_entries = 8, .max_ttl = 86400,
				     .negative_max_ttl = 3600, .wire_max = 128, .keep_ttls = true };
	struct dns_cache *c;
	uint8_t q[512], reply[512], out[512];
	size_t olen;
	struct dns_query pq;
	struct dns_qkey k, k2;
	size_t qn = mkquery(1, "gone.example", DNS_TYPE_A, false, q, sizeof(q));
	size_t rlen = mkreply(q, qn, 0, 300, reply, sizeof(reply)); /* NXDOMAIN, SOA 300, MINIMUM 60 */

	assert_int_equal(dns_cache_new(&cfg, &c), 0);
	dns_query_parse(q, qn, &pq);
	dns_qkey_make(&k, &pq.q, false, false, 1);
	dns_qkey_make(&k2, &pq.q, false, false, 2);
	assert_false(dns_qkey_equal(&k, &k2));
	assert_true(rlen <= 128);
	assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), 0);
	assert_int_equal(dns_cache_lookup(c, &k2, 0, false, out, sizeof(out), &olen), DNS_CACHE_MISS);
	assert_int_equal(dns_cache_lookup(c, &k, 10 * HNS_NSEC_PER_SEC, false, out, sizeof(out), &olen),
			 DNS_CACHE_HIT);
	assert_int_equal(first_ttl(out, olen), 290); /* not clamped to 60 */
	assert_int_equal(dns_cache_lookup(c, &k, 60 * HNS_NSEC_PER_SEC, false, out, sizeof(out), &olen),
			 DNS_CACHE_MISS); /* but it lived 60 s */
	dns_cache_free(c);

	cfg.wire_max = 32;
	assert_int_equal(dns_cache_new(&cfg, &c), 0);
	key_for(5, &k, reply, &rlen);
	assert_true(rlen > 32);
	assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), HNS_EAGAIN); /* over wire_max */
	assert_int_equal(dns_cache_stats(c)->too_big, 1);
	dns_cache_free(c);
}

static void
test_key_case_and_flags(void **state)
{
	struct dns_question q = { 0 };
	struct dns_qkey a, b;

	q.name_len = (uint8_t)dns_name_from_str("WWW.Example.com", q.name);
	q.qtype = DNS_TYPE_A;
	q.qclass = DNS_CLASS_IN;
	dns_qkey_make(&a, &q, true, false, 0);
	q.name_len = (uint8_t)dns_name_from_str("www.example.COM", q.name);
	dns_qkey_make(&b, &q, true, false, 0);
	assert_true(dns_qkey_equal(&a, &b));
	dns_qkey_make(&b, &q, true, true, 0);
	assert_false(dns_qkey_equal(&a, &b)); /* DO differs */
	dns_qkey_make(&b, &q, false, false, 0);
	assert_false(dns_qkey_equal(&a, &b)); /* EDNS differs */
	q.qtype = DNS_TYPE_AAAA;
	dns_qkey_make(&b, &q, true, false, 0);
	assert_false(dns_qkey_equal(&a, &b));
}

/* An answer of n A records (TTLs 100, 200, ...) plus an OPT, for q. */
static size_t
multi_reply(const uint8_t *q, size_t qlen, int n, uint8_t *out, size_t cap)
{
	struct dns_query pq;
	struct dns_header h;

	assert_int_equal(dns_query_parse(q, qlen, &pq), 0);
	size_t len = pq.question_end;

	memcpy(out, q, len);
	for (int i = 0; i < n; i++) {
		out[len] = 0xc0;
		out[len + 1] = 12;
		dns_write_u16(out + len + 2, DNS_TYPE_A);
		dns_write_u16(out + len + 4, DNS_CLASS_IN);
		dns_write_u32(out + len + 6, 100u * (uint32_t)(i + 1));
		dns_write_u16(out + len + 10, 4);
		dns_write_u32(out + len + 12, 0x0a000000u + (uint32_t)i);
		len += 16;
	}
	dns_header_parse(out, len, &h);
	h.flags = DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA;
	h.ancount = (uint16_t)n;
	h.arcount = 0;
	dns_header_write(out, &h);
	len = dns_append_opt(out, len, cap, 1232, false);
	assert_true(len > 0);
	return len;
}

/* Aging through noted TTL offsets gives the same bytes as dns/msg.h's walk. */
static void
test_ttl_aging_matches_msg(void **state)
{
	const int counts[] = { 1, 3, 23, 24, 25 }; /* with the OPT, 24 and more fall back to the walk */

	for (size_t t = 0; t < sizeof(counts) / sizeof(counts[0]); t++) {
		struct dns_cache_cfg cfg = { .enabled = true, .max_entries = 8, .max_ttl = 86400,
					     .negative_max_ttl = 3600, .serve_stale = true,
					     .stale_s = 86400 };
		struct dns_cache *c;
		uint8_t q[512], reply[1024], want[1024], out[1024];
		size_t qn = mkquery(1, "multi.example", DNS_TYPE_A, true, q, sizeof(q));
		size_t rlen = multi_reply(q, qn, counts[t], reply, sizeof(reply));
		size_t olen;
		struct dns_query pq;
		struct dns_qkey k;

		if (rlen > DNS_CACHE_WIRE_MAX)
			continue;
		assert_int_equal(dns_cache_new(&cfg, &c), 0);
		dns_query_parse(q, qn, &pq);
		dns_qkey_make(&k, &pq.q, true, false, 0);
		assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), 0);

		assert_int_equal(dns_cache_lookup(c, &k, 70 * HNS_NSEC_PER_SEC, false, out,
						  sizeof(out), &olen),
				 DNS_CACHE_HIT);
		memcpy(want, reply, rlen);
		dns_msg_ttl_decrement(want, rlen, 70);
		assert_int_equal(olen, rlen);
		assert_memory_equal(out, want, rlen);

		/* Past the smallest TTL (100 s), stale: every TTL 30. */
		assert_int_equal(dns_cache_lookup(c, &k, 150 * HNS_NSEC_PER_SEC, true, out,
						  sizeof(out), &olen),
				 DNS_CACHE_STALE);
		memcpy(want, reply, rlen);
		dns_msg_ttl_clamp(want, rlen, DNS_CACHE_STALE_TTL, DNS_CACHE_STALE_TTL);
		assert_memory_equal(out, want, rlen);
		dns_cache_free(c);

		/* Clamped at insert into [150, 250], the same way as dns_msg_ttl_clamp. */
		cfg.min_ttl = 150;
		cfg.max_ttl = 250;
		assert_int_equal(dns_cache_new(&cfg, &c), 0);
		assert_int_equal(dns_cache_insert(c, &k, reply, rlen, 0), 0);
		assert_int_equal(dns_cache_lookup(c, &k, 70 * HNS_NSEC_PER_SEC, false, out,
						  sizeof(out), &olen),
				 DNS_CACHE_HIT);
		memcpy(want, reply, rlen);
		dns_msg_ttl_clamp(want, rlen, 150, 250);
		dns_msg_ttl_decrement(want, rlen, 70);
		assert_memory_equal(out, want, rlen);
		dns_cache_free(c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_integrity_under_eviction),
		cmocka_unit_test(test_uncacheable),
		cmocka_unit_test(test_key_case_and_flags),
		cmocka_unit_test(test_tags_wire_max_and_keep_ttls),
		cmocka_unit_test(test_ttl_aging_matches_msg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
