#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/rand.h"
#include "common/tcp_guard.h"

#define MS HNS_NSEC_PER_MSEC
#define SEC HNS_NSEC_PER_SEC

static struct hns_addr
v4(uint32_t host)
{
	struct hns_addr a;

	hns_addr_from_v4(&a, host, 53000);
	return a;
}

static struct hns_addr
ip(const char *s)
{
	struct hns_addr a;

	assert_int_equal(hns_addr_parse(s, &a), 0);
	return a;
}

static void
guard_init(struct hns_tcp_guard *g, uint32_t max, uint32_t per_source)
{
	struct hns_tcp_guard_conf c = {
		.max_conns = max, .per_source = per_source, .idle = 10 * SEC, .idle_floor = 200 * MS,
	};

	assert_int_equal(hns_tcp_guard_init(g, &c), 0);
}

static void
test_bad_conf_rejected(void **state)
{
	struct hns_tcp_guard g;
	struct hns_tcp_guard_conf c = { .max_conns = 0, .idle = SEC, .idle_floor = MS };

	assert_int_equal(hns_tcp_guard_init(&g, &c), HNS_EINVAL);
	c.max_conns = 4;
	c.idle = 0;
	assert_int_equal(hns_tcp_guard_init(&g, &c), HNS_EINVAL);
	c.idle = SEC;
	c.idle_floor = 0; /* would close every connection of a full table at once */
	assert_int_equal(hns_tcp_guard_init(&g, &c), HNS_EINVAL);
	c.idle = SEC;
	c.idle_floor = 2 * SEC;
	assert_int_equal(hns_tcp_guard_init(&g, &c), HNS_EINVAL);
	hns_tcp_guard_deinit(&g); /* harmless after a failed init */
}

static void
test_per_source_ceiling_refuses_only_that_source(void **state)
{
	struct hns_tcp_guard g;
	struct hns_addr a = ip("127.0.0.3"), b = ip("127.0.0.2");
	uint32_t slot, first = 0;

	guard_init(&g, 64, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hns_tcp_guard_admit(&g, &a, 0, &slot), HNS_TCP_ACCEPT);
		if (i == 0)
			first = slot;
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal(hns_tcp_guard_admit(&g, &a, 0, &slot), HNS_TCP_REFUSE_SOURCE);
	assert_int_equal(g.st.refused_per_source, 1000);
	assert_int_equal(hns_tcp_guard_source_count(&g, &a), 3);
	/* Another source is served while the first is at its ceiling. */
	assert_int_equal(hns_tcp_guard_admit(&g, &b, 0, &slot), HNS_TCP_ACCEPT);
	/* One of a's connections ends: a gets one more, and only one. */
	hns_tcp_guard_release(&g, first);
	hns_tcp_guard_release(&g, first); /* twice is harmless */
	assert_int_equal(hns_tcp_guard_admit(&g, &a, 0, &slot), HNS_TCP_ACCEPT);
	assert_int_equal(hns_tcp_guard_admit(&g, &a, 0, &slot), HNS_TCP_REFUSE_SOURCE);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.st.accepted, 5);
	hns_tcp_guard_deinit(&g);
	hns_tcp_guard_deinit(&g);
}

static void
test_ipv6_counted_by_64(void **state)
{
	struct hns_tcp_guard g;
	struct hns_addr a1 = ip("2001:db8:1:2::1"), a2 = ip("2001:db8:1:2:ffff::9"),
			other = ip("2001:db8:1:3::1");
	uint32_t slot;

	guard_init(&g, 16, 2);
	assert_int_equal(hns_tcp_guard_admit(&g, &a1, 0, &slot), HNS_TCP_ACCEPT);
	assert_int_equal(hns_tcp_guard_admit(&g, &a2, 0, &slot), HNS_TCP_ACCEPT);
	assert_int_equal(hns_tcp_guard_admit(&g, &a1, 0, &slot), HNS_TCP_REFUSE_SOURCE);
	assert_int_equal(hns_tcp_guard_admit(&g, &other, 0, &slot), HNS_TCP_ACCEPT);
	assert_int_equal(hns_tcp_guard_source_count(&g, &a2), 2);
	hns_tcp_guard_deinit(&g);
}

static void
test_idle_timeout_shrinks_with_occupancy(void **state)
{
	struct hns_tcp_guard g;
	struct hns_addr a = ip("127.0.0.1");
	uint32_t slot;
	/* Full up to half, then idle * 2 * free / max, never below the floor. */
	static const hns_time_t want[] = {
		10 * SEC, 10 * SEC, 10 * SEC, 10 * SEC, 10 * SEC, 10 * SEC, /* 0..5 of 10 */
		8 * SEC, 6 * SEC, 4 * SEC, 2 * SEC, 200 * MS,		     /* 6..10 */
	};

	guard_init(&g, 10, 0);
	for (unsigned n = 0; n <= 10; n++) {
		assert_int_equal(g.n, n);
		assert_int_equal(hns_tcp_guard_timeout(&g), want[n]);
		if (n < 10)
			assert_int_equal(hns_tcp_guard_admit(&g, &a, 0, &slot), HNS_TCP_ACCEPT);
	}
	assert_int_equal(g.st.peak, 10);
	hns_tcp_guard_deinit(&g);
}

static void
test_idle_expiry_follows_activity(void **state)
{
	struct hns_tcp_guard g;
	struct hns_addr a = ip("127.0.0.1");
	uint32_t s1, s2;

	guard_init(&g, 100, 0);
	assert_int_equal(hns_tcp_guard_next_expiry(&g), 0);
	assert_int_equal(hns_tcp_guard_admit(&g, &a, 1 * SEC, &s1), HNS_TCP_ACCEPT);
	assert_int_equal(hns_tcp_guard_admit(&g, &a, 1 * SEC, &s2), HNS_TCP_ACCEPT);
	/* A query on s1 at 6 s: s2 is now the least recently active. */
	hns_tcp_guard_touch(&g, s1, 6 * SEC);
	assert_int_equal(hns_tcp_guard_next_expiry(&g), 11 * SEC);
	assert_int_equal(hns_tcp_guard_expired(&g, 11 * SEC - 1), HNS_TCP_GUARD_NONE);
	assert_int_equal(hns_tcp_guard_expired(&g, 11 * SEC), s2);
	hns_tcp_guard_release(&g, s2);
	assert_int_equal(hns_tcp_guard_expired(&g, 11 * SEC), HNS_TCP_GUARD_NONE);
	assert_int_equal(hns_tcp_guard_next_expiry(&g), 16 * SEC);
	assert_int_equal(hns_tcp_guard_expired(&g, 16 * SEC), s1);
	hns_tcp_guard_release(&g, s1);
	assert_int_equal(g.st.idle_closed, 2);
	assert_int_equal(g.n, 0);
	assert_int_equal(hns_tcp_guard_next_expiry(&g), 0);
	hns_tcp_guard_deinit(&g);
}

/* The table holds max connections of a flood from many sources; a client still gets in. */
static void
test_full_table_evicts_oldest_idle(void **state)
{
	struct hns_tcp_guard g;
	struct hns_addr legit = ip("127.0.0.2");
	uint32_t slot, flood[8], victim;

	guard_init(&g, 8, 2);
	for (uint32_t i = 0; i < 8; i++) {
		struct hns_addr a = v4(0x7f000100 + i / 2);

		assert_int_equal(hns_tcp_guard_admit(&g, &a, i * MS, &flood[i]), HNS_TCP_ACCEPT);
	}
	/* flood[0] is active again: flood[1] becomes the oldest idle one. */
	hns_tcp_guard_touch(&g, flood[0], 50 * MS);
	/* Everything was active within the floor: refuse rather than thrash. */
	assert_int_equal(hns_tcp_guard_admit(&g, &legit, 100 * MS, &slot), HNS_TCP_REFUSE_FULL);
	assert_int_equal(g.st.refused_full, 1);
	/* Later: the oldest idle connection makes room. */
	assert_int_equal(hns_tcp_guard_admit(&g, &legit, 1 * SEC, &victim), HNS_TCP_EVICT);
	assert_int_equal(victim, flood[1]);
	hns_tcp_guard_release(&g, victim);
	assert_int_equal(hns_tcp_guard_admit(&g, &legit, 1 * SEC, &slot), HNS_TCP_ACCEPT);
	assert_int_equal(g.st.evicted, 1);
	assert_int_equal(g.n, 8);
	/* The per-source check comes first: a source at its ceiling evicts nobody. */
	struct hns_addr busy = v4(0x7f000101);

	assert_int_equal(hns_tcp_guard_admit(&g, &busy, 2 * SEC, &slot), HNS_TCP_REFUSE_SOURCE);
	assert_int_equal(g.st.evicted, 1);
	/* The table is at the floor: the next idle sweep takes the oldest first. */
	assert_int_equal(hns_tcp_guard_timeout(&g), 200 * MS);
	assert_int_equal(hns_tcp_guard_expired(&g, 2 * SEC), flood[2]);
	hns_tcp_guard_deinit(&g);
}

/* Many sources through a small table, released in random order: counts stay exact. */
static void
test_source_table_survives_churn(void **state)
{
	enum { MAX = 64, SOURCES = 40, ROUNDS = 20000 };
	struct hns_tcp_guard g;
	struct hns_prng r;
	uint32_t open_slot[MAX], open_src[MAX], n_open = 0, shadow[SOURCES] = { 0 };

	guard_init(&g, MAX, 3);
	hns_prng_seed(&r, 7);
	for (int k = 0; k < ROUNDS; k++) {
		if (n_open && (n_open == MAX || hns_prng_below(&r, 2))) {
			uint32_t i = hns_prng_below(&r, n_open);

			hns_tcp_guard_release(&g, open_slot[i]);
			shadow[open_src[i]]--;
			open_slot[i] = open_slot[n_open - 1];
			open_src[i] = open_src[n_open - 1];
			n_open--;
		} else {
			uint32_t src = hns_prng_below(&r, SOURCES), slot;
			struct hns_addr a = v4(0x0a000000 + src * 977);
			enum hns_tcp_verdict v = hns_tcp_guard_admit(&g, &a, 0, &slot);

			if (shadow[src] >= 3) {
				assert_int_equal(v, HNS_TCP_REFUSE_SOURCE);
				continue;
			}
			assert_int_equal(v, HNS_TCP_ACCEPT);
			shadow[src]++;
			open_slot[n_open] = slot;
			open_src[n_open++] = src;
		}
		if (k % 97 == 0) {
			for (uint32_t s = 0; s < SOURCES; s++) {
				struct hns_addr a = v4(0x0a000000 + s * 977);

				assert_int_equal(hns_tcp_guard_source_count(&g, &a), shadow[s]);
			}
		}
		assert_int_equal(g.n, n_open);
	}
	hns_tcp_guard_deinit(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_conf_rejected),
		cmocka_unit_test(test_per_source_ceiling_refuses_only_that_source),
		cmocka_unit_test(test_ipv6_counted_by_64),
		cmocka_unit_test(test_idle_timeout_shrinks_with_occupancy),
		cmocka_unit_test(test_idle_expiry_follows_activity),
		cmocka_unit_test(test_full_table_evicts_oldest_idle),
		cmocka_unit_test(test_source_table_survives_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
