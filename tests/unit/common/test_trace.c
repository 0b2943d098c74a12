#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "common/trace.h"

static void
test_trace(void **state)
{
	struct hns_trace_event ev[HNS_TRACE_MAX_EVENTS + 8];
	int evaluated = 0;

	hns_trace("onprem:dc1-dns", "%d", ++evaluated);
	assert_int_equal(evaluated, 0); /* off: arguments are not evaluated */
	assert_int_equal(hns_trace_take(ev, 8), 0);

	hns_trace_enable(true);
	hns_trace("onprem:dc1-dns", "forward zone %s", "example.com");
	hns_trace("vpn:tunnel1", "latency %d ms", 12);
	assert_int_equal(hns_trace_take(ev, 8), 2);
	assert_string_equal(ev[0].hop, "onprem:dc1-dns");
	assert_string_equal(ev[0].detail, "forward zone example.com");
	assert_string_equal(ev[1].hop, "vpn:tunnel1");
	assert_true(ev[1].t >= ev[0].t);
	assert_int_equal(hns_trace_take(ev, 8), 0); /* taken means cleared */

	/* Bounded: events past the limit are dropped, not written out of bounds. */
	for (int i = 0; i < HNS_TRACE_MAX_EVENTS + 5; i++)
		hns_trace("internet", "event %d", i);
	assert_int_equal(hns_trace_take(ev, HNS_TRACE_MAX_EVENTS + 8), HNS_TRACE_MAX_EVENTS);
	hns_trace_enable(false);
	hns_trace("internet", "after");
	assert_int_equal(hns_trace_take(ev, 8), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
