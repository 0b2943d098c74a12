/*
 * Unit tests of the I/O-free tunnel model: a fake clock, fixed seeds.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "vpn/tunnel.h"

#define MS HNS_NSEC_PER_MSEC
#define T0 (1000 * HNS_NSEC_PER_SEC)

static struct model_tunnel
tun(const char *name, double latency_ms, enum model_tunnel_state st)
{
	struct model_tunnel t;

	memset(&t, 0, sizeof(t));
	t.name = name;
	t.latency_ms = latency_ms;
	t.state = st;
	return t;
}

/* Send n packets of size bytes, one every gap ns; count verdicts. */
static void
run(struct vpn_tunnels *ts, enum vpn_dir dir, size_t n, size_t size, hns_time_t gap,
    uint64_t *passed, uint64_t *dropped_by, enum vpn_drop cause)
{
	struct vpn_verdict v;

	*passed = 0;
	*dropped_by = 0;
	for (size_t i = 0; i < n; i++) {
		vpn_tunnels_decide(ts, dir, size, VPN_PROTO_UDP, T0 + i * gap, &v);
		if (v.drop == VPN_PASS)
			(*passed)++;
		else if (v.drop == cause)
			(*dropped_by)++;
	}
}

static void
test_loss_bounds_and_repeatable(void **state)
{
	static struct vpn_tunnels a, b;
	struct model_tunnel c = tun("t1", 10, MODEL_TUNNEL_UP);
	uint64_t pass_a, lost_a, pass_b, lost_b;
	const size_t n = 100000;

	c.loss = 0.01;
	assert_int_equal(vpn_tunnels_init(&a, &c, 1, 42), 0);
	assert_int_equal(vpn_tunnels_init(&b, &c, 1, 42), 0);
	run(&a, VPN_TO_AWS, n, 100, 20 * HNS_NSEC_PER_USEC, &pass_a, &lost_a, VPN_DROP_LOSS);
	run(&b, VPN_TO_AWS, n, 100, 20 * HNS_NSEC_PER_USEC, &pass_b, &lost_b, VPN_DROP_LOSS);
	/* Binomial(100000, 0.01): sigma ~ 31.5; 6 sigma is ~190. */
	assert_in_range(lost_a, 1000 - 190, 1000 + 190);
	assert_int_equal(pass_a + lost_a, n);
	/* Same seed: the very same drops. */
	assert_int_equal(lost_a, lost_b);
	assert_memory_equal(&a.t[0].link[0].st, &b.t[0].link[0].st, sizeof(a.t[0].link[0].st));
	assert_int_equal(a.t[0].link[VPN_TO_AWS].st.drops[VPN_DROP_LOSS], lost_a);
	assert_int_equal(a.t[0].link[VPN_TO_AWS].st.packets, pass_a);

	/* Another seed: other drops, packet by packet. */
	{
		struct vpn_verdict va, vb;
		size_t differ = 0;

		assert_int_equal(vpn_tunnels_init(&a, &c, 1, 42), 0);
		assert_int_equal(vpn_tunnels_init(&b, &c, 1, 43), 0);
		for (size_t i = 0; i < 10000; i++) {
			vpn_tunnels_decide(&a, VPN_TO_AWS, 100, VPN_PROTO_UDP, T0 + i * MS, &va);
			vpn_tunnels_decide(&b, VPN_TO_AWS, 100, VPN_PROTO_UDP, T0 + i * MS, &vb);
			differ += va.drop != vb.drop;
		}
		assert_true(differ > 50);
	}
}

static void
test_mtu_edge(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c = tun("t1", 5, MODEL_TUNNEL_UP);
	struct vpn_verdict v;

	c.mtu = 1446;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), 0);
	/* 1418 + 28 = 1446: exactly the MTU passes. */
	vpn_tunnels_decide(&ts, VPN_TO_AWS, 1446 - 28, VPN_PROTO_UDP, T0, &v);
	assert_int_equal(v.drop, VPN_PASS);
	vpn_tunnels_decide(&ts, VPN_TO_AWS, 1446 - 28 + 1, VPN_PROTO_UDP, T0 + MS, &v);
	assert_int_equal(v.drop, VPN_DROP_MTU);
	vpn_tunnels_decide(&ts, VPN_TO_ONPREM, 3000, VPN_PROTO_UDP, T0 + MS, &v);
	assert_int_equal(v.drop, VPN_DROP_MTU);
	/* TCP is segmented: a 3000-byte chunk passes. */
	vpn_tunnels_decide(&ts, VPN_TO_ONPREM, 3000, VPN_PROTO_TCP, T0 + 2 * MS, &v);
	assert_int_equal(v.drop, VPN_PASS);
	assert_int_equal(v.at, T0 + 2 * MS + 5 * MS);
	assert_int_equal(ts.t[0].link[VPN_TO_AWS].st.drops[VPN_DROP_MTU], 1);
	assert_int_equal(ts.t[0].link[VPN_TO_ONPREM].st.drops[VPN_DROP_MTU], 1);
	/* Default MTU when not given. */
	c.mtu = 0;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), 0);
	assert_int_equal(ts.t[0].cfg.mtu, VPN_DEFAULT_MTU);
}

static void
test_delay_distribution_and_fifo(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c = tun("t1", 20, MODEL_TUNNEL_UP);
	struct vpn_verdict v;
	hns_time_t prev = 0, lo = UINT64_MAX, hi = 0;
	double sum = 0;
	const size_t n = 50000;
	/* Spaced 1 s apart so that FIFO never lifts a delay: raw samples. */
	const hns_time_t gap = HNS_NSEC_PER_SEC;

	c.jitter_ms = 2;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 7), 0);
	for (size_t i = 0; i < n; i++) {
		hns_time_t now = T0 + i * gap, d;

		vpn_tunnels_decide(&ts, VPN_TO_AWS, 60, VPN_PROTO_UDP, now, &v);
		assert_int_equal(v.drop, VPN_PASS);
		d = v.at - now;
		sum += (double)d;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	/* Mean 20 ms (sigma of the mean ~ 0.009 ms); bounded at +-3 sigma = +-6 ms. */
	assert_true(fabs(sum / n / MS - 20.0) < 0.1);
	assert_true(lo >= 14 * MS);
	assert_true(hi <= 26 * MS);
	assert_true(lo < 16 * MS && hi > 24 * MS); /* the tails are reached */
	assert_true(fabs(hns_hist_mean_ms(&ts.t[0].link[0].st.delay) - 20.0) < 0.1);
	assert_in_range(hns_hist_quantile(&ts.t[0].link[0].st.delay, 0.5), 19 * MS, 21500 * 1000);

	/* Packets 10 us apart with 2 ms jitter: FIFO keeps delivery times monotonic. */
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 7), 0);
	for (size_t i = 0; i < n; i++) {
		hns_time_t now = T0 + i * 10 * HNS_NSEC_PER_USEC;

		vpn_tunnels_decide(&ts, VPN_TO_AWS, 60, VPN_PROTO_UDP, now, &v);
		assert_int_equal(v.drop, VPN_PASS);
		assert_true(v.at >= prev);
		assert_true(v.at >= now + 14 * MS);
		prev = v.at;
	}
	assert_int_equal(ts.t[0].link[0].st.reordered, 0);
}

static void
test_reorder_goes_late(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c = tun("t1", 10, MODEL_TUNNEL_UP);
	struct vpn_verdict v;
	hns_time_t last_normal = 0;
	size_t late = 0, overtaken = 0;

	c.reorder = 0.1;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 3), 0);
	for (size_t i = 0; i < 10000; i++) {
		hns_time_t now = T0 + i * 100 * HNS_NSEC_PER_USEC;

		vpn_tunnels_decide(&ts, VPN_TO_AWS, 60, VPN_PROTO_UDP, now, &v);
		assert_int_equal(v.drop, VPN_PASS);
		if (v.queue == VPN_Q_LATE) {
			late++;
			/* Held back by the 1 ms minimum gap. */
			assert_true(v.at >= now + 11 * MS);
			if (v.at > last_normal)
				overtaken++;
		} else {
			assert_int_equal(v.at, now + 10 * MS);
			last_normal = v.at;
		}
	}
	assert_in_range(late, 800, 1200);
	assert_int_equal(ts.t[0].link[0].st.reordered, late);
	assert_true(overtaken > 0);
}

static void
test_pps_ceiling(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c = tun("t1", 1, MODEL_TUNNEL_UP);
	uint64_t passed, ceil_drops;

	c.pps = 1000;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), 0);
	/* 2000 packets over one second at 2000 pps: about half pass (+ the 10 ms burst). */
	run(&ts, VPN_TO_AWS, 2000, 100, 500 * HNS_NSEC_PER_USEC, &passed, &ceil_drops,
	    VPN_DROP_CEILING);
	assert_in_range(passed, 1000, 1000 + 12);
	assert_int_equal(passed + ceil_drops, 2000);
	/* At the ceiling's rate nothing is dropped. */
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), 0);
	run(&ts, VPN_TO_AWS, 2000, 100, HNS_NSEC_PER_MSEC, &passed, &ceil_drops, VPN_DROP_CEILING);
	assert_int_equal(passed, 2000);
	/* Bandwidth: 1 Mbps = 125 bytes per ms; 1000-byte packets every 1 ms: ~1 in 8. */
	c.pps = 0;
	c.bandwidth_mbps = 1;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), 0);
	run(&ts, VPN_TO_AWS, 8000, 1000, HNS_NSEC_PER_MSEC, &passed, &ceil_drops, VPN_DROP_CEILING);
	assert_in_range(passed, 900, 1010);
	assert_int_equal(passed + ceil_drops, 8000);
	/* TCP is not dropped at the ceiling but held back. */
	struct vpn_verdict v;
	hns_time_t prev = 0;

	for (int i = 0; i < 100; i++) {
		vpn_tunnels_decide(&ts, VPN_TO_AWS, 1000, VPN_PROTO_TCP, T0 + 9 * HNS_NSEC_PER_SEC, &v);
		assert_int_equal(v.drop, VPN_PASS);
		assert_true(v.at >= prev);
		prev = v.at;
	}
	assert_true(prev > T0 + 9 * HNS_NSEC_PER_SEC + 500 * MS);
}

static void
test_failover_and_both_down(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c[2] = { tun("tunnel1", 10, MODEL_TUNNEL_UP),
				     tun("tunnel2", 14, MODEL_TUNNEL_STANDBY) };
	struct vpn_verdict v;

	assert_int_equal(vpn_tunnels_init(&ts, c, 2, 9), 0);
	for (int i = 0; i < 100; i++) {
		hns_time_t now = T0 + i * MS;

		if (i == 50)
			assert_int_equal(vpn_tunnel_state_set(&ts, "tunnel1", MODEL_TUNNEL_DOWN), 0);
		vpn_tunnels_decide(&ts, VPN_TO_AWS, 80, VPN_PROTO_UDP, now, &v);
		assert_int_equal(v.drop, VPN_PASS);
		assert_int_equal(v.tunnel, i < 50 ? 0 : 1);
		assert_int_equal(v.at, now + (i < 50 ? 10 : 14) * MS);
		vpn_tunnels_decide(&ts, VPN_TO_ONPREM, 80, VPN_PROTO_UDP, now, &v);
		assert_int_equal(v.tunnel, i < 50 ? 0 : 1);
	}
	assert_int_equal(ts.t[0].link[VPN_TO_AWS].st.packets, 50);
	assert_int_equal(ts.t[1].link[VPN_TO_AWS].st.packets, 50);
	assert_int_equal(ts.failovers[VPN_TO_AWS], 1);

	/* Both down: nothing passes, either way, UDP or TCP. */
	assert_int_equal(vpn_tunnel_state_set(&ts, "tunnel2", MODEL_TUNNEL_DOWN), 0);
	for (int i = 0; i < 10; i++) {
		vpn_tunnels_decide(&ts, VPN_TO_AWS, 80, VPN_PROTO_UDP, T0 + HNS_NSEC_PER_SEC, &v);
		assert_int_equal(v.drop, VPN_DROP_STATE);
		assert_int_equal(v.tunnel, -1);
		vpn_tunnels_decide(&ts, VPN_TO_ONPREM, 80, VPN_PROTO_TCP, T0 + HNS_NSEC_PER_SEC, &v);
		assert_int_equal(v.drop, VPN_DROP_STATE);
	}
	assert_int_equal(ts.t[0].link[VPN_TO_AWS].st.drops[VPN_DROP_STATE], 10);
	assert_int_equal(vpn_tunnels_select(&ts, VPN_TO_AWS), -1);

	/* tunnel1 back up: traffic returns to it. */
	assert_int_equal(vpn_tunnel_state_set(&ts, "tunnel1", MODEL_TUNNEL_UP), 0);
	vpn_tunnels_decide(&ts, VPN_TO_AWS, 80, VPN_PROTO_UDP, T0 + 2 * HNS_NSEC_PER_SEC, &v);
	assert_int_equal(v.drop, VPN_PASS);
	assert_int_equal(v.tunnel, 0);
	assert_int_equal(vpn_tunnel_state_set(&ts, "nope", MODEL_TUNNEL_UP), HNS_ENOENT);
}

static void
test_duplicate_and_tcp_loss(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c = tun("t1", 10, MODEL_TUNNEL_UP);
	struct vpn_verdict v;
	size_t dups = 0, slow = 0;

	c.duplicate = 0.05;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 11), 0);
	for (size_t i = 0; i < 10000; i++) {
		vpn_tunnels_decide(&ts, VPN_TO_AWS, 60, VPN_PROTO_UDP, T0 + i * MS, &v);
		dups += v.duplicate;
	}
	assert_in_range(dups, 400, 600);
	assert_int_equal(ts.t[0].link[0].st.duplicates, dups);
	assert_int_equal(ts.t[0].link[0].st.packets, 10000 + dups);

	/* TCP under loss is never dropped; lost segments cost a retransmission. */
	c.duplicate = 0;
	c.loss = 0.1;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 11), 0);
	for (size_t i = 0; i < 1000; i++) {
		hns_time_t now = T0 + i * HNS_NSEC_PER_SEC;

		vpn_tunnels_decide(&ts, VPN_TO_AWS, 500, VPN_PROTO_TCP, now, &v);
		assert_int_equal(v.drop, VPN_PASS);
		assert_false(v.duplicate);
		if (v.at > now + 10 * MS) {
			assert_int_equal(v.at, now + 10 * MS + 200 * MS + 20 * MS);
			slow++;
		}
	}
	assert_in_range(slow, 60, 140);
	assert_int_equal(ts.t[0].link[0].st.retransmits, slow);
}

static void
test_bad_config(void **state)
{
	static struct vpn_tunnels ts;
	struct model_tunnel c = tun("t1", 10, MODEL_TUNNEL_UP);
	struct model_tunnel many[VPN_MAX_TUNNELS + 1];

	c.loss = 1.5;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), HNS_EINVAL);
	c.loss = 0;
	c.mtu = 20;
	assert_int_equal(vpn_tunnels_init(&ts, &c, 1, 1), HNS_EINVAL);
	memset(many, 0, sizeof(many));
	assert_int_equal(vpn_tunnels_init(&ts, many, VPN_MAX_TUNNELS + 1, 1), HNS_ERANGE);
	/* No tunnels: valid, and nothing passes. */
	assert_int_equal(vpn_tunnels_init(&ts, &c, 0, 1), 0);
	assert_int_equal(vpn_tunnels_select(&ts, VPN_TO_AWS), -1);
}

static void
test_hist(void **state)
{
	static struct hns_hist h;

	memset(&h, 0, sizeof(h));
	for (uint64_t us = 1; us <= 1000; us++)
		hns_hist_add(&h, us * HNS_NSEC_PER_USEC);
	assert_int_equal(h.count, 1000);
	assert_int_equal(h.min_ns, HNS_NSEC_PER_USEC);
	assert_int_equal(h.max_ns, 1000 * HNS_NSEC_PER_USEC);
	/* Buckets are at most ~6% wide. */
	assert_in_range(hns_hist_quantile(&h, 0.5), 500 * HNS_NSEC_PER_USEC, 532 * HNS_NSEC_PER_USEC);
	assert_in_range(hns_hist_quantile(&h, 0.99), 990 * HNS_NSEC_PER_USEC, 1000 * HNS_NSEC_PER_USEC);
	assert_true(fabs(hns_hist_mean_ms(&h) - 0.5005) < 1e-9);
	hns_hist_add(&h, 3600 * HNS_NSEC_PER_SEC); /* an hour: q = 1 is the maximum */
	assert_int_equal(hns_hist_quantile(&h, 1.0), 3600 * HNS_NSEC_PER_SEC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss_bounds_and_repeatable),
		cmocka_unit_test(test_mtu_edge),
		cmocka_unit_test(test_delay_distribution_and_fifo),
		cmocka_unit_test(test_reorder_goes_late),
		cmocka_unit_test(test_pps_ceiling),
		cmocka_unit_test(test_failover_and_both_down),
		cmocka_unit_test(test_duplicate_and_tcp_loss),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_hist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
