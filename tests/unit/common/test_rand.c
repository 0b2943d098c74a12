#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "common/rand.h"

static void
test_seed_reproducible(void **state)
{
	struct hns_prng a, b, c;

	hns_prng_seed(&a, 42);
	hns_prng_seed(&b, 42);
	hns_prng_seed(&c, 43);
	int differ = 0;

	for (int i = 0; i < 1000; i++) {
		uint64_t x = hns_prng_next(&a);

		assert_true(x == hns_prng_next(&b));
		differ += x != hns_prng_next(&c);
	}
	assert_true(differ > 990);
}

static void
test_below_uniform(void **state)
{
	struct hns_prng r;
	unsigned counts[6] = { 0 };
	const unsigned n = 60000;

	hns_prng_seed(&r, 7);
	for (unsigned i = 0; i < n; i++) {
		uint32_t v = hns_prng_below(&r, 6);

		assert_true(v < 6);
		counts[v]++;
	}
	/* Each bucket expects 10000, deviation ~91: 6 sigma is generous and still catches bias. */
	for (int i = 0; i < 6; i++)
		assert_true(counts[i] > 9450 && counts[i] < 10550);
	assert_int_equal(hns_prng_below(&r, 1), 0);
}

static void
test_double_and_normal(void **state)
{
	struct hns_prng r;
	double sum = 0, sumsq = 0;
	const int n = 100000;

	hns_prng_seed(&r, 1);
	for (int i = 0; i < n; i++) {
		double d = hns_prng_double(&r);

		assert_true(d >= 0.0 && d < 1.0);
	}
	for (int i = 0; i < n; i++) {
		double x = hns_prng_normal(&r);

		sum += x;
		sumsq += x * x;
	}
	double mean = sum / n, var = sumsq / n - mean * mean;

	assert_true(fabs(mean) < 0.02);
	assert_true(fabs(var - 1.0) < 0.03);
}

static void
test_csprng(void **state)
{
	uint8_t a[32], b[32];

	assert_int_equal(hns_csprng_bytes(a, sizeof(a)), 0);
	assert_int_equal(hns_csprng_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	/* 300 IDs cross the 256-entry pool refill; all 16-bit values are allowed. */
	unsigned distinct = 0;
	static uint8_t seen[65536];

	for (int i = 0; i < 300; i++) {
		uint16_t id = hns_csprng_u16();

		distinct += !seen[id];
		seen[id] = 1;
	}
	assert_true(distinct > 290);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_reproducible),
		cmocka_unit_test(test_below_uniform),
		cmocka_unit_test(test_double_and_normal),
		cmocka_unit_test(test_csprng),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
