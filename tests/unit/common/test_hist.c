/*
 * tests/unit/common/test_hist.c -- the latency histogram: bucket bounds,
 * percentiles and the exact merge.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/clock.h"
#include "common/hist.h"

#define US HNS_NSEC_PER_USEC

static void
test_hist_buckets(void **state)
{
	(void)state;
	/* exact below 16 µs */
	for (uint64_t v = 0; v < 16; v++) {
		assert_int_equal(hns_hist_bucket(v), v);
		assert_int_equal(hns_hist_bucket_min_us(v), v);
		assert_int_equal(hns_hist_bucket_max_us(v), v);
	}
	/* every value lies in its bucket's bounds, which are within 1/16 of it */
	for (uint64_t v = 16; v < 5000000000ULL; v += v / 7 + 1) {
		size_t b = hns_hist_bucket(v);
		uint64_t lo = hns_hist_bucket_min_us(b), top = hns_hist_bucket_max_us(b);

		assert_true(lo <= v && v <= top);
		assert_true(top - v <= v / 16 + 1);
		assert_int_equal(hns_hist_bucket_max_us(b - 1) + 1, lo);
	}
	/* buckets tile the line: each starts where the previous ended */
	for (size_t b = 1; b < HNS_HIST_BUCKETS; b++) {
		assert_int_equal(hns_hist_bucket_max_us(b - 1) + 1, hns_hist_bucket_min_us(b));
		assert_int_equal(hns_hist_bucket(hns_hist_bucket_min_us(b)), b);
	}
	assert_true(hns_hist_bucket(UINT64_MAX) == HNS_HIST_BUCKETS - 1);
	assert_true(hns_hist_bucket_max_us(HNS_HIST_BUCKETS - 1) == UINT64_MAX);
}

static void
test_hist_quantiles(void **state)
{
	struct hns_hist *h = calloc(1, sizeof(*h));
	struct hns_hist *g = calloc(1, sizeof(*g));
	uint64_t p50, p99, p999;

	(void)state;
	assert_int_equal(hns_hist_quantile(h, 0.5), 0);
	assert_true(hns_hist_mean_ms(h) == 0.0);
	/* 1..10000 µs, once each */
	for (uint64_t v = 1; v <= 10000; v++)
		hns_hist_add(h, v * US);
	assert_int_equal(h->count, 10000);
	assert_int_equal(h->min_ns, 1 * US);
	assert_int_equal(h->max_ns, 10000 * US);
	p50 = hns_hist_quantile(h, 0.5);
	p99 = hns_hist_quantile(h, 0.99);
	p999 = hns_hist_quantile(h, 0.999);
	assert_true(p50 >= 5000 * US && p50 <= (5000 + 5000 / 16 + 1) * US);
	assert_true(p99 >= 9900 * US && p99 <= 10000 * US);
	assert_true(p999 >= 9990 * US && p999 <= 10000 * US);
	assert_int_equal(hns_hist_quantile(h, 1.0), 10000 * US);
	/* the first microsecond past the bucket of the smallest value */
	assert_int_equal(hns_hist_quantile(h, 0.0001), 2 * US);
	assert_true(fabs(hns_hist_mean_ms(h) - 5.0005) < 1e-9);

	/* 990 fast (100 µs) and 10 slow (50 ms): p99 fast, p99.9 slow */
	for (int i = 0; i < 990; i++)
		hns_hist_add(g, 100 * US);
	for (int i = 0; i < 10; i++)
		hns_hist_add(g, 50000 * US);
	assert_true(hns_hist_quantile(g, 0.99) > 100 * US && hns_hist_quantile(g, 0.99) <= 110 * US);
	assert_int_equal(hns_hist_quantile(g, 0.999), 50000 * US);
	assert_int_equal(g->sum_ns, (990 * 100 + 10 * 50000) * US);
	free(h);
	free(g);
}

/* Merged parts equal the whole, bucket by bucket, so percentiles do too. */
static void
test_hist_merge_exact(void **state)
{
	struct hns_hist *whole = calloc(1, sizeof(*whole));
	struct hns_hist *part = calloc(4, sizeof(*part));
	struct hns_hist *sum = calloc(1, sizeof(*sum));
	uint64_t x = 88172645463325252ULL;

	(void)state;
	for (int i = 0; i < 40000; i++) {
		uint64_t ns;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ns = (x % 5000000) * (i % 3 == 0 ? 40 : 1); /* up to 200 ms, skewed */
		hns_hist_add(whole, ns);
		hns_hist_add(&part[x % 4], ns);
	}
	hns_hist_merge(sum, &part[3]); /* into an empty one: min comes over */
	for (int k = 0; k < 3; k++)
		hns_hist_merge(sum, &part[k]);
	assert_int_equal(sum->count, whole->count);
	assert_int_equal(sum->sum_ns, whole->sum_ns);
	assert_int_equal(sum->min_ns, whole->min_ns);
	assert_int_equal(sum->max_ns, whole->max_ns);
	assert_memory_equal(sum->b, whole->b, sizeof(whole->b));
	for (double q = 0.01; q < 1.0; q += 0.01)
		assert_int_equal(hns_hist_quantile(sum, q), hns_hist_quantile(whole, q));
	/* an empty histogram changes nothing */
	memset(&part[0], 0, sizeof(part[0]));
	hns_hist_merge(sum, &part[0]);
	assert_int_equal(sum->min_ns, whole->min_ns);
	free(whole);
	free(part);
	free(sum);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_quantiles),
		cmocka_unit_test(test_hist_merge_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
