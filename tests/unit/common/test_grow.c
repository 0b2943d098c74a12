#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/grow.h"

/* Capacity starts at `first`, doubles when full, keeps the elements; no growth below cap. */
static void
test_grow_doubles(void **state)
{
	uint32_t *v = NULL;
	size_t n = 0, cap = 0;

	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(hns_grow(&v, &cap, n, sizeof(*v), 4), 0);
		assert_true(cap > n);
		v[n++] = i * 7;
	}
	assert_int_equal(cap, 128); /* 4, 8, 16, 32, 64, 128 */
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(v[i], i * 7);
	uint32_t *before = v;

	assert_int_equal(hns_grow(&v, &cap, 50, sizeof(*v), 4), 0);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 128);
	free(v);
}

/* Out of memory: HNS_ENOMEM, the array and its capacity untouched. */
static void
test_grow_enomem(void **state)
{
	char *v = NULL;
	size_t cap = 0;

	assert_int_equal(hns_grow(&v, &cap, 0, 1, 8), 0);
	strcpy(v, "kept");
	cap = SIZE_MAX / 2 + 1; /* doubling asks for more than any allocator gives */
	assert_int_equal(hns_grow(&v, &cap, cap, 1, 8), HNS_ENOMEM);
	assert_string_equal(v, "kept");
	assert_true(cap == SIZE_MAX / 2 + 1);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_doubles),
		cmocka_unit_test(test_grow_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
