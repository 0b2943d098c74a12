/*
 * tests/unit/common/test_hugepage.c -- the huge-page allocators: what they
 * return is what malloc and calloc would (sizes, zeroes, free()), aligned
 * to 2 MiB when large; advising a small or odd block is harmless.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/hugepage.h"

static void
test_large_is_aligned_and_whole(void **state)
{
	size_t sizes[] = { HNS_HUGEPAGE_MIN, HNS_HUGEPAGE_MIN + 1, 3 * HNS_HUGEPAGE_MIN + 12345 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = hns_malloc_huge(sizes[i]);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % HNS_HUGEPAGE_MIN, 0);
		memset(p, 0xa5, sizes[i]); /* all of it is ours */
		assert_int_equal(p[sizes[i] - 1], 0xa5);
		free(p);
	}
}

static void
test_small_is_plain_malloc(void **state)
{
	uint8_t *p = hns_malloc_huge(100);

	(void)state;
	assert_non_null(p);
	memset(p, 1, 100);
	free(p);
}

static void
test_calloc_is_zeroed(void **state)
{
	size_t n = (HNS_HUGEPAGE_MIN / 8) * 3 + 7;
	uint64_t *p = hns_calloc_huge(n, sizeof(*p));
	uint64_t any = 0;

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		any |= p[i];
	assert_int_equal(any, 0);
	p[n - 1] = 1;
	free(p);
}

static void
test_advise_tolerates_anything(void **state)
{
	uint8_t small[64];
	uint8_t *odd = malloc(HNS_HUGEPAGE_MIN + 4097);

	(void)state;
	hns_hugepage_advise(NULL, HNS_HUGEPAGE_MIN);
	hns_hugepage_advise(small, sizeof(small));
	assert_non_null(odd);
	hns_hugepage_advise(odd + 3, HNS_HUGEPAGE_MIN + 4000);
	memset(odd, 2, HNS_HUGEPAGE_MIN + 4097);
	assert_int_equal(odd[HNS_HUGEPAGE_MIN + 4096], 2);
	free(odd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_is_aligned_and_whole),
		cmocka_unit_test(test_small_is_plain_malloc),
		cmocka_unit_test(test_calloc_is_zeroed),
		cmocka_unit_test(test_advise_tolerates_anything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
