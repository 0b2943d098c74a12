/*
 * Unit tests of the in-flight FIFO: order, wrap-around, bounds.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <stdint.h>

#include "common/error.h"
#include "vpn/queue.h"

static void
test_fifo_and_wrap(void **state)
{
	struct vpn_queue q;
	uint8_t pkt[1000];
	uint32_t next_in = 0, next_out = 0;

	assert_int_equal(vpn_queue_init(&q, 64, 65536), 0);
	assert_null(vpn_queue_peek(&q));
	/* Many rounds of uneven sizes: the byte ring wraps many times. */
	for (int round = 0; round < 2000; round++) {
		int pushes = 1 + round % 7, pops = 1 + (round * 5) % 7;

		for (int i = 0; i < pushes; i++) {
			size_t len = 1 + (next_in * 37) % sizeof(pkt);

			memset(pkt, (int)(next_in & 0xff), len);
			if (vpn_queue_push(&q, next_in, pkt, len, next_in, 7, 1) == HNS_EFULL)
				break;
			next_in++;
		}
		for (int i = 0; i < pops; i++) {
			const struct vpn_qentry *e = vpn_queue_peek(&q);
			const uint8_t *d;

			if (!e)
				break;
			assert_int_equal(e->flow, next_out);
			assert_int_equal(e->at, next_out);
			assert_int_equal(e->len, 1 + (next_out * 37) % sizeof(pkt));
			d = vpn_queue_data(&q, e);
			for (size_t k = 0; k < e->len; k++)
				assert_int_equal(d[k], next_out & 0xff);
			vpn_queue_pop(&q);
			next_out++;
		}
	}
	assert_true(next_out > 3000);
	vpn_queue_deinit(&q);
}

static void
test_bounds(void **state)
{
	struct vpn_queue q;
	uint8_t big[65535] = { 0 };
	size_t n = 0;

	assert_int_equal(vpn_queue_init(&q, 4, 65535), 0);
	vpn_queue_deinit(&q);
	assert_int_equal(vpn_queue_init(&q, 4, 1000), HNS_EINVAL);
	assert_int_equal(vpn_queue_init(&q, 20, 70000), 0);
	/* Entry capacity is rounded up to 32. */
	while (vpn_queue_push(&q, n, big, 10, 0, 0, 0) == 0)
		n++;
	assert_int_equal(n, 32);
	assert_int_equal(vpn_queue_len(&q), 32);
	while (vpn_queue_peek(&q))
		vpn_queue_pop(&q);
	/* Byte capacity: 70000 holds one 65535 payload, not two. */
	assert_int_equal(vpn_queue_push(&q, 0, big, sizeof(big), 0, 0, 0), 0);
	assert_int_equal(vpn_queue_push(&q, 0, big, sizeof(big), 0, 0, 0), HNS_EFULL);
	assert_int_equal(vpn_queue_push(&q, 0, big, 4000, 0, 0, 0), 0);
	assert_int_equal(vpn_queue_push(&q, 0, big, 1000, 0, 0, 0), HNS_EFULL);
	vpn_queue_pop(&q);
	/* The head left: the start of the buffer is free again. */
	assert_int_equal(vpn_queue_push(&q, 0, big, 30000, 0, 0, 0), 0);
	assert_int_equal(vpn_queue_len(&q), 2);
	vpn_queue_deinit(&q);
	vpn_queue_deinit(&q); /* idempotent */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_wrap),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
