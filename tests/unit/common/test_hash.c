#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "common/hash.h"

/* Test vectors of the FNV reference (draft-eastlake-fnv, isthe.com/chongo/tech/comp/fnv). */
static void
test_vectors(void **state)
{
	assert_int_equal(hns_fnv1a32(HNS_FNV32_BASIS, "", 0), 0x811c9dc5u);
	assert_int_equal(hns_fnv1a32(HNS_FNV32_BASIS, "a", 1), 0xe40c292cu);
	assert_int_equal(hns_fnv1a32(HNS_FNV32_BASIS, "foobar", 6), 0xbf9cf968u);
	assert_true(hns_fnv1a64(HNS_FNV64_BASIS, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(hns_fnv1a64(HNS_FNV64_BASIS, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(hns_fnv1a64(HNS_FNV64_BASIS, "foobar", 6) == 0x85944171f73967e8ULL);
}

/* Hashing in pieces equals hashing at once; a seed changes the value. */
static void
test_continue_and_seed(void **state)
{
	uint32_t h = hns_fnv1a32(HNS_FNV32_BASIS, "foo", 3);

	assert_int_equal(hns_fnv1a32(h, "bar", 3), 0xbf9cf968u);
	assert_true(hns_fnv1a64(hns_fnv1a64(HNS_FNV64_BASIS, "foo", 3), "bar", 3) ==
		    0x85944171f73967e8ULL);
	assert_true(hns_fnv1a64(HNS_FNV64_BASIS ^ 1, "foobar", 6) != 0x85944171f73967e8ULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_continue_and_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
