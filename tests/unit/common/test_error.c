#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "common/error.h"
#include "common/log.h"

static void
test_strerror(void **state)
{
	assert_string_equal(hns_strerror(0), "success");
	assert_string_equal(hns_strerror(HNS_ENOMEM), strerror(ENOMEM));
	assert_string_equal(hns_strerror(HNS_ETRUNC), "data ends early");
	assert_string_equal(hns_strerror(HNS_ENOTLOOPBACK), "destination is not a loopback address");
	assert_string_equal(hns_strerror(HNS_EBASE - 5), "unknown error");
	assert_string_equal(hns_strerror(5), "unknown error");
	/* Every code of our own has its own text. */
	for (int c = HNS_EBASE; c < HNS_ELAST; c++)
		assert_string_not_equal(hns_strerror(c), "unknown error");
}

static void
test_log_levels(void **state)
{
	enum hns_log_level l;

	assert_int_equal(hns_log_level_parse("debug", &l), 0);
	assert_int_equal(l, HNS_LOG_DEBUG);
	assert_int_equal(hns_log_level_parse("warning", &l), 0);
	assert_int_equal(l, HNS_LOG_WARN);
	assert_int_equal(hns_log_level_parse("loud", &l), HNS_EINVAL);
	hns_log_set_level(HNS_SUB_VPN, HNS_LOG_DEBUG);
	assert_int_equal(hns_log_levels[HNS_SUB_VPN], HNS_LOG_DEBUG);
	assert_int_equal(hns_log_levels[HNS_SUB_MODEL], HNS_LOG_WARN);
	hns_log_set_level(-1, HNS_LOG_ERR);
	for (int i = 0; i < HNS_SUB_COUNT; i++)
		assert_int_equal(hns_log_levels[i], HNS_LOG_ERR);
	/* Below the level, the arguments are not even evaluated. */
	int calls = 0;

	hns_debug(HNS_SUB_MAIN, "%d", ++calls);
	assert_int_equal(calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_log_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
