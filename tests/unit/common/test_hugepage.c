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
#include <sys/mman.h>
#include <unistd.h>

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

/* Resident pages of [p, p + len) (mincore). */
static size_t
resident(void *p, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = len / page, in = 0;
	unsigned char *v = malloc(n);

	assert_non_null(v);
	assert_int_equal(mincore(p, len, v), 0);
	for (size_t i = 0; i < n; i++)
		in += v[i] & 1;
	free(v);
	return in;
}

static void
test_prefault_populates_untouched_memory(void **state)
{
	size_t len = 16 * HNS_HUGEPAGE_MIN, page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *none = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t done;

	(void)state;
	assert_true(p != MAP_FAILED && none != MAP_FAILED);
	assert_int_equal(resident(p, len), 0); /* never touched */
	done = hns_prefault_all();
	assert_true(done >= len);
	assert_int_equal(resident(p, len), len / page); /* every page, none written */
	assert_int_equal(p[len - 1], 0);
	assert_int_equal(resident(none, len), 0); /* a reservation stays one */
	munmap(p, len);
	munmap(none, len);
}

/* One block made later: every page of it, and nothing around it; NULL and tiny are harmless. */
static void
test_prefault_one_block(void **state)
{
	size_t len = 4 * HNS_HUGEPAGE_MIN, page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 3 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_true(p != MAP_FAILED);
	hns_prefault(NULL, len);
	hns_prefault(p, 100); /* less than a page: nothing whole to fault */
	assert_int_equal(resident(p, 3 * len), 0);
	hns_prefault(p + len, len);
	assert_int_equal(resident(p + len, len), len / page);
	assert_int_equal(resident(p, len), 0);
	assert_int_equal(resident(p + 2 * len, len), 0);
	assert_int_equal(p[2 * len - 1], 0);
	munmap(p, 3 * len);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_is_aligned_and_whole),
		cmocka_unit_test(test_small_is_plain_malloc),
		cmocka_unit_test(test_calloc_is_zeroed),
		cmocka_unit_test(test_advise_tolerates_anything),
		cmocka_unit_test(test_prefault_populates_untouched_memory),
		cmocka_unit_test(test_prefault_one_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
