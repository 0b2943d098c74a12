#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/arena.h"

static void
test_arena(void **state)
{
	struct hns_arena a;

	hns_arena_init(&a);
	char *s = hns_arena_strdup(&a, "shared-services");

	assert_string_equal(s, "shared-services");
	assert_string_equal(hns_arena_printf(&a, "%s-%d", "vpc", 7), "vpc-7");
	for (int i = 0; i < 10000; i++) {
		uint8_t *p = hns_arena_alloc(&a, 33);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (int j = 0; j < 33; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xab, 33);
	}
	/* A large allocation does not lose the current block. */
	uint8_t *big = hns_arena_alloc(&a, 1 << 20);

	assert_non_null(big);
	big[(1 << 20) - 1] = 1;
	assert_string_equal(s, "shared-services");
	hns_arena_deinit(&a);
	hns_arena_deinit(&a); /* twice is harmless */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
