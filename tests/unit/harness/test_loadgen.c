/*
 * tests/unit/harness/test_loadgen.c -- the I/O-free parts of the load
 * generator: mix weights, {rand}/{seq} expansion,
 * pacing arithmetic and answer judging.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/rand.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "harness/loadgen.h"

#define LG_MAX_SEND_SIM 64

/* ------------------------------------------------------------------ mix */

static void
test_mix_weights(void **state)
{
	const struct lg_mix_entry e[] = {
		{ "a.example.com", DNS_TYPE_A, 80 },
		{ "b.example.com", DNS_TYPE_A, 15 },
		{ "c.example.com", DNS_TYPE_AAAA, 5 },
		{ "never.example.com", DNS_TYPE_A, 0 },
	};
	struct lg_mix m;
	struct hns_prng r;
	unsigned count[4] = { 0 };
	const unsigned n = 100000;

	(void)state;
	assert_int_equal(lg_mix_init(&m, e, 4), 0);
	assert_int_equal(m.total, 100);
	hns_prng_seed(&r, 42);
	for (unsigned i = 0; i < n; i++)
		count[lg_mix_pick(&m, &r)]++;
	/* within 1.5 percentage points of the weights (many standard deviations) */
	assert_true(count[0] > n * 785 / 1000 && count[0] < n * 815 / 1000);
	assert_true(count[1] > n * 135 / 1000 && count[1] < n * 165 / 1000);
	assert_true(count[2] > n * 35 / 1000 && count[2] < n * 65 / 1000);
	assert_int_equal(count[3], 0);

	/* the same seed gives the same sequence */
	{
		struct hns_prng r1, r2;

		hns_prng_seed(&r1, 7);
		hns_prng_seed(&r2, 7);
		for (int i = 0; i < 1000; i++)
			assert_int_equal(lg_mix_pick(&m, &r1), lg_mix_pick(&m, &r2));
	}
}

static void
test_mix_invalid(void **state)
{
	const struct lg_mix_entry zero[] = { { "a.example.com", DNS_TYPE_A, 0 } };
	const struct lg_mix_entry bad[] = {
		{ "a..example.com", DNS_TYPE_A, 1 },
	};
	const struct lg_mix_entry long_label[] = {
		{ "{rand}{rand}{rand}{rand}{rand}{rand}.example.com", DNS_TYPE_A, 1 },
	};
	struct lg_mix m;

	(void)state;
	assert_int_equal(lg_mix_init(&m, zero, 1), HNS_EINVAL);
	assert_int_equal(lg_mix_init(&m, zero, 0), HNS_EINVAL);
	assert_int_equal(lg_mix_init(&m, bad, 1), HNS_ENAME);
	/* 6 x 12 = 72 characters in one label: more than 63 */
	assert_int_equal(lg_mix_init(&m, long_label, 1), HNS_ENAME);
}

static void
test_expand(void **state)
{
	struct hns_prng r;
	char a[256], b[256];
	int n;

	(void)state;
	hns_prng_seed(&r, 1);
	n = lg_name_expand("q{seq}.example.com", &r, 0, a, sizeof(a));
	assert_int_equal(n, (int)strlen("q0.example.com"));
	assert_string_equal(a, "q0.example.com");
	assert_int_equal(lg_name_expand("{seq}-{seq}", &r, 18446744073709551615ULL, a, sizeof(a)), 41);
	assert_string_equal(a, "18446744073709551615-18446744073709551615");

	/* {rand}: 12 characters of [a-z0-9], fresh each time */
	n = lg_name_expand("{rand}.execute-api.eu-west-1.amazonaws.com", &r, 0, a, sizeof(a));
	assert_int_equal(n, 12 + (int)strlen(".execute-api.eu-west-1.amazonaws.com"));
	for (int i = 0; i < 12; i++)
		assert_true((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= '0' && a[i] <= '9'));
	assert_string_equal(a + 12, ".execute-api.eu-west-1.amazonaws.com");
	lg_name_expand("{rand}.execute-api.eu-west-1.amazonaws.com", &r, 0, b, sizeof(b));
	assert_string_not_equal(a, b);

	/* the same seed gives the same names */
	{
		struct hns_prng r1, r2;

		hns_prng_seed(&r1, 99);
		hns_prng_seed(&r2, 99);
		lg_name_expand("{rand}.{rand}", &r1, 0, a, sizeof(a));
		lg_name_expand("{rand}.{rand}", &r2, 0, b, sizeof(b));
		assert_string_equal(a, b);
		assert_int_equal(strlen(a), 25);
		assert_true(memcmp(a, a + 13, 12) != 0);
	}
	/* a lone brace is literal; overflow is an error */
	assert_int_equal(lg_name_expand("{x}.a", &r, 0, a, sizeof(a)), 5);
	assert_string_equal(a, "{x}.a");
	assert_int_equal(lg_name_expand("{rand}", &r, 0, a, 12), HNS_ENOSPC);
	assert_int_equal(lg_name_expand("abc", &r, 0, a, 3), HNS_ENOSPC);
	assert_int_equal(lg_name_expand("abc", &r, 0, a, 4), 3);
}

/* --------------------------------------------------------------- pacing */

static void
test_pace_steady(void **state)
{
	struct lg_pace p = { .qps = 5000, .ramp_ns = 0, .duration_ns = 10 * HNS_NSEC_PER_SEC };

	(void)state;
	assert_int_equal(lg_pace_due(&p, 0), 0);
	assert_int_equal(lg_pace_due(&p, HNS_NSEC_PER_SEC), 5000);
	assert_int_equal(lg_pace_due(&p, 1500 * HNS_NSEC_PER_MSEC), 7500);
	assert_int_equal(lg_pace_due(&p, 10 * HNS_NSEC_PER_SEC), 50000);
	/* nothing more after the end */
	assert_int_equal(lg_pace_due(&p, 60 * HNS_NSEC_PER_SEC), 50000);
	/* the k-th query is due at k / qps */
	assert_int_equal(lg_pace_time_of(&p, 1), 200 * HNS_NSEC_PER_USEC);
	assert_int_equal(lg_pace_time_of(&p, 5000), HNS_NSEC_PER_SEC);
	assert_int_equal(lg_pace_time_of(&p, 50000), 10 * HNS_NSEC_PER_SEC);
	assert_int_equal(lg_pace_time_of(&p, 50001), UINT64_MAX);
	/* time_of and due agree */
	for (uint64_t k = 1; k < 50000; k += 997)
		assert_true(lg_pace_due(&p, lg_pace_time_of(&p, k)) >= k);
}

static void
test_pace_ramp(void **state)
{
	/* 0 -> 1000 qps over 2 s, then steady to 5 s */
	struct lg_pace p = { .qps = 1000, .ramp_ns = 2 * HNS_NSEC_PER_SEC, .duration_ns = 5 * HNS_NSEC_PER_SEC };

	(void)state;
	/* integral of 500 t^2 / 2... = qps t^2 / (2 ramp) */
	assert_int_equal(lg_pace_due(&p, HNS_NSEC_PER_SEC), 250);
	assert_int_equal(lg_pace_due(&p, 2 * HNS_NSEC_PER_SEC), 1000);
	assert_int_equal(lg_pace_due(&p, 3 * HNS_NSEC_PER_SEC), 2000);
	assert_int_equal(lg_pace_due(&p, 5 * HNS_NSEC_PER_SEC), 4000);
	/* the ramp is slower at first: the 250th query at 1 s, the 1000th at 2 s */
	assert_true(lg_pace_time_of(&p, 250) <= HNS_NSEC_PER_SEC + 1);
	assert_true(lg_pace_time_of(&p, 250) >= HNS_NSEC_PER_SEC - HNS_NSEC_PER_MSEC);
	assert_true(lg_pace_time_of(&p, 1000) <= 2 * HNS_NSEC_PER_SEC + 1);
	assert_true(lg_pace_time_of(&p, 2000) <= 3 * HNS_NSEC_PER_SEC + 1);
	assert_true(lg_pace_time_of(&p, 2000) >= 3 * HNS_NSEC_PER_SEC - HNS_NSEC_PER_MSEC);
	for (uint64_t k = 1; k < 4000; k += 37)
		assert_true(lg_pace_due(&p, lg_pace_time_of(&p, k)) >= k);
}

/* The batch fill matches the schedule, on the ramp and after it. */
static void
test_pace_fill(void **state)
{
	struct lg_pace p = { .qps = 1000, .ramp_ns = 2 * HNS_NSEC_PER_SEC, .duration_ns = 5 * HNS_NSEC_PER_SEC };
	uint64_t t[64];

	(void)state;
	for (uint64_t first = 1; first < 4000; first += 61) {
		size_t n = first + 64 <= 4000 ? 64 : 4000 - first;

		lg_pace_fill(&p, first, n, t);
		for (size_t i = 0; i < n; i++) {
			uint64_t want = lg_pace_time_of(&p, first + i);

			assert_true(t[i] + 64 >= want && t[i] <= want + 64);
			assert_true(i == 0 || t[i] >= t[i - 1]);
		}
	}
}

/*
 * Coordinated omission: a sender driven by a fake clock stalls for 400 ms
 * at 1000 qps.  The queries due meanwhile leave late, all at once, and are
 * answered as fast as the others (2 ms): the stall shows in response time
 * (from the intended time), not in service time (from the actual send).
 * A stall longer than the timeout leaves the queries already a timeout
 * late unsent: behind and lost.
 */
static void
sim_run(struct lg_result *r, uint64_t stall_from, uint64_t stall_to, uint64_t *behind)
{
	const uint64_t ms = HNS_NSEC_PER_MSEC, timeout = 2000 * ms;
	struct lg_pace p = { .qps = 1000, .duration_ns = 5000 * ms };
	uint64_t issued = 0, t[LG_MAX_SEND_SIM];

	*behind = 0;
	for (uint64_t now = 0; now <= p.duration_ns + timeout; now += ms) {
		uint64_t skip, due, want;

		if (now >= stall_from && now < stall_to)
			continue; /* the sender does nothing */
		skip = lg_pace_overdue(&p, issued, now, timeout);
		issued += skip;
		*behind += skip;
		r->lost += skip;
		due = lg_pace_due(&p, now);
		while (issued < due) {
			want = due - issued < LG_MAX_SEND_SIM ? due - issued : LG_MAX_SEND_SIM;
			lg_pace_fill(&p, issued + 1, (size_t)want, t);
			for (size_t i = 0; i < want; i++) {
				assert_true(t[i] <= now + HNS_NSEC_PER_USEC); /* float rounding */
				r->sent++;
				lg_account_answer(r, NULL, NULL, t[i], now, now + 2 * ms, timeout);
			}
			issued += want;
		}
	}
	r->intended = issued;
}

static void
test_stall_in_response_time(void **state)
{
	const uint64_t ms = HNS_NSEC_PER_MSEC;
	struct lg_result *r = calloc(1, sizeof(*r));
	uint64_t behind;

	(void)state;
	sim_run(r, 1000 * ms, 1400 * ms, &behind);
	assert_int_equal(r->intended, 5000);
	assert_int_equal(r->sent, 5000);
	assert_int_equal(r->answered, 5000);
	assert_int_equal(behind, 0);
	/* service time: 2 ms for every query, stall or not */
	assert_int_equal(hns_hist_quantile(&r->service, 1.0), 2 * ms);
	assert_int_equal(r->service.min_ns, 2 * ms);
	/* response time: the 400 queries due in the stall waited up to 400 ms */
	assert_true(r->response.max_ns >= 400 * ms && r->response.max_ns <= 403 * ms);
	assert_true(hns_hist_quantile(&r->response, 0.99) >= 300 * ms);
	assert_true(hns_hist_quantile(&r->response, 0.5) <= 4 * ms);
	/* 8% (400 of 5000) waited: p92 and up are above 2 ms by the stall */
	assert_true(hns_hist_quantile(&r->response, 0.95) >= 100 * ms);

	/* a 3 s stall: what was due more than the timeout before its end is behind */
	memset(r, 0, sizeof(*r));
	sim_run(r, 1000 * ms, 4000 * ms, &behind);
	assert_int_equal(r->intended, 5000);
	assert_true(behind >= 990 && behind <= 1001);
	assert_int_equal(r->sent + behind, r->intended);
	assert_int_equal(r->answered + r->lost, r->intended);
	assert_true(r->response.max_ns <= 2000 * ms + 2 * ms);
	assert_int_equal(hns_hist_quantile(&r->service, 1.0), 2 * ms);
	free(r);
}

/* --------------------------------------------------------------- judging */

/* A response to "x.example.com A" with the given A records and rcode. */
static size_t
reply(uint8_t *buf, size_t cap, int rcode, const char *const *addrs, size_t n)
{
	uint8_t qname[DNS_NAME_MAX];
	int ql = dns_name_from_str("x.example.com", qname);
	size_t len = dns_msg_build_query(0x1234, qname, (size_t)ql, DNS_TYPE_A, DNS_CLASS_IN, false, 0,
					 false, buf, cap);

	assert_true(len > 0);
	buf[2] |= 0x80;
	buf[3] = (uint8_t)((buf[3] & 0xf0) | rcode);
	dns_write_u16(buf + 6, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		struct hns_addr a;

		assert_int_equal(hns_addr_parse(addrs[i], &a), 0);
		assert_true(len + 16 <= cap);
		buf[len++] = 0xc0; /* pointer to the question name */
		buf[len++] = 12;
		dns_write_u16(buf + len, DNS_TYPE_A);
		dns_write_u16(buf + len + 2, DNS_CLASS_IN);
		memset(buf + len + 4, 0, 4);
		buf[len + 7] = 60;
		dns_write_u16(buf + len + 8, 4);
		memcpy(buf + len + 10, a.bytes, 4);
		len += 14;
	}
	return len;
}

static void
test_judge(void **state)
{
	static const char *const both[] = { "10.0.1.25", "10.0.2.25" };
	static const char *const one[] = { "10.0.1.25" };
	static const char *const pub[] = { "52.218.0.10" };
	static const char *const mixed[] = { "10.0.1.25", "52.218.0.10" };
	struct lg_judge *j = calloc(1, sizeof(*j));
	uint8_t pkt[512];
	size_t len;

	(void)state;
	j->kind = LG_JUDGE_SET;
	hns_addr_parse("10.0.1.25", &j->set[0]);
	hns_addr_parse("10.0.2.25", &j->set[1]);
	j->n_set = 2;
	len = reply(pkt, sizeof(pkt), 0, both, 2);
	assert_true(lg_judge_reply(j, pkt, len));
	/* a missing address, an extra one, a wrong rcode, a truncated packet */
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, one, 1)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, mixed, 2)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 2, both, 2)));
	len = reply(pkt, sizeof(pkt), 0, both, 2);
	assert_false(lg_judge_reply(j, pkt, len - 3));

	/* private: inside the VPC CIDRs */
	memset(j, 0, sizeof(*j));
	j->kind = LG_JUDGE_IN_CIDRS;
	hns_cidr_parse("10.0.0.0/16", &j->cidrs[0]);
	j->n_cidrs = 1;
	assert_true(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, both, 2)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, mixed, 2)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, NULL, 0)));
	/* public: the reverse */
	j->kind = LG_JUDGE_OUTSIDE_CIDRS;
	assert_true(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, pub, 1)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, both, 2)));
	/* empty and nxdomain */
	j->kind = LG_JUDGE_EMPTY;
	assert_true(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, NULL, 0)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, pub, 1)));
	j->kind = LG_JUDGE_NXDOMAIN;
	assert_true(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 3, NULL, 0)));
	assert_false(lg_judge_reply(j, pkt, reply(pkt, sizeof(pkt), 0, NULL, 0)));
	/* none: anything goes */
	j->kind = LG_JUDGE_NONE;
	assert_true(lg_judge_reply(j, pkt, 5));
	assert_true(lg_judge_reply(NULL, pkt, 5));
	free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mix_weights),  cmocka_unit_test(test_mix_invalid),
		cmocka_unit_test(test_expand),	     cmocka_unit_test(test_pace_steady),
		cmocka_unit_test(test_pace_ramp),    cmocka_unit_test(test_judge),
		cmocka_unit_test(test_pace_fill),    cmocka_unit_test(test_stall_in_response_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
