/*
 * R8 and R9 at a VPC's +2 listener, without I/O: the admission of one
 * query (resolver/listener.c) over a hand-built server, and the token
 * buckets (resolver/ratelimit.h) on a fake clock.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "dns/wire.h"
#include "resolver/internal.h"

#define SEC HNS_NSEC_PER_SEC
#define T0 (1000 * SEC) /* fake clock start */

static struct hns_addr
addr(const char *s)
{
	struct hns_addr a;

	assert_int_equal(hns_addr_parse_port(s, &a), 0);
	return a;
}

/* How many of n packets from src at listener pass at one instant. */
static unsigned
burst(struct rslv_ratelimit *rl, uint32_t listener, const char *src, unsigned n, uint64_t now)
{
	struct hns_addr a = addr(src);
	unsigned ok = 0;

	for (unsigned i = 0; i < n; i++)
		ok += rslv_rl_allow(rl, listener, &a, now);
	return ok;
}

/* A server with one +2 listener (0), one inbound listener (1), and outside sources. */
struct fixture {
	struct rslv_server s;
	struct rslv_listener ls[2];
	struct hns_addr outside[3];
};

static struct fixture fx;

static void
fixture_init(enum rslv_outside_policy policy, uint32_t pps)
{
	memset(&fx, 0, sizeof(fx));
	fx.ls[0].spec.from = RSLV_FROM_VPC;
	fx.ls[0].index = 0;
	fx.ls[1].spec.from = RSLV_FROM_INBOUND;
	fx.ls[1].index = 1;
	/* sorted, ports 0, as rslv_server_start leaves them */
	fx.outside[0] = addr("127.53.1.1");
	fx.outside[1] = addr("127.53.3.2");
	fx.outside[2] = addr("127.53.6.1");
	fx.s.ls = fx.ls;
	fx.s.n_ls = 2;
	fx.s.outside = fx.outside;
	fx.s.n_outside = 3;
	fx.s.o.outside_policy = policy;
	assert_int_equal(rslv_rl_init(&fx.s.rl, pps, 64), 0);
}

static void
fixture_deinit(void)
{
	rslv_rl_deinit(&fx.s.rl);
}

static enum rslv_admit
admit(size_t listener, const char *src, uint64_t now)
{
	struct hns_addr a = addr(src);

	return rslv_listener_admit(&fx.s, &fx.ls[listener], &fx.ls[listener].st, &a, now);
}

static void
test_r8_outside_sources_dropped(void **state)
{
	fixture_init(RSLV_OUTSIDE_DROP, RSLV_VPC_PPS);
	/* an on-prem resolver (through a relay that keeps its address), any port */
	assert_int_equal(admit(0, "127.53.1.1:40000", T0), RSLV_ADMIT_DROP);
	assert_int_equal(admit(0, "127.53.1.1:5300", T0), RSLV_ADMIT_DROP);
	/* an outbound ENI of another VPC, a relay */
	assert_int_equal(admit(0, "127.53.3.2:1234", T0), RSLV_ADMIT_DROP);
	assert_int_equal(admit(0, "127.53.6.1:1234", T0), RSLV_ADMIT_DROP);
	assert_int_equal(fx.ls[0].st.dropped_outside, 4);
	/* an instance of the VPC (the host's own loopback source), a neighbour address */
	assert_int_equal(admit(0, "127.0.0.1:40000", T0), RSLV_ADMIT_OK);
	assert_int_equal(admit(0, "127.53.1.2:40000", T0), RSLV_ADMIT_OK);
	assert_int_equal(fx.ls[0].st.dropped_outside, 4);
	assert_int_equal(fx.ls[0].st.refused_outside, 0);
	/* inbound ENIs answer on-prem: that is what they are for */
	assert_int_equal(admit(1, "127.53.1.1:40000", T0), RSLV_ADMIT_OK);
	assert_int_equal(fx.ls[1].st.dropped_outside, 0);
	assert_true(rslv_source_outside(&fx.s, &(struct hns_addr){0}) == false);
	fixture_deinit();
}

/* A DNS server placed in the +2's own VPC (spec.inside) is inside, though the map lists it. */
static void
test_r8_own_vpc_dns_server_inside(void **state)
{
	fixture_init(RSLV_OUTSIDE_DROP, RSLV_VPC_PPS);
	fx.ls[0].spec.inside[0] = addr("127.53.1.1");
	fx.ls[0].spec.n_inside = 1;
	assert_int_equal(admit(0, "127.53.1.1:40000", T0), RSLV_ADMIT_OK);
	/* the other emulated components stay outside */
	assert_int_equal(admit(0, "127.53.3.2:1234", T0), RSLV_ADMIT_DROP);
	assert_int_equal(fx.ls[0].st.dropped_outside, 1);
	/* another VPC's +2 listener does not count it inside */
	fx.ls[0].spec.n_inside = 0;
	assert_int_equal(admit(0, "127.53.1.1:40000", T0), RSLV_ADMIT_DROP);
	assert_int_equal(fx.ls[0].st.dropped_outside, 2);
	fixture_deinit();
}

static void
test_r8_policy_refused_and_answer(void **state)
{
	fixture_init(RSLV_OUTSIDE_REFUSED, RSLV_VPC_PPS);
	assert_int_equal(admit(0, "127.53.1.1:40000", T0), RSLV_ADMIT_REFUSE);
	assert_int_equal(admit(0, "127.0.0.1:40000", T0), RSLV_ADMIT_OK);
	assert_int_equal(fx.ls[0].st.refused_outside, 1);
	assert_int_equal(fx.ls[0].st.dropped_outside, 0);
	fixture_deinit();

	fixture_init(RSLV_OUTSIDE_ANSWER, RSLV_VPC_PPS);
	assert_int_equal(admit(0, "127.53.1.1:40000", T0), RSLV_ADMIT_OK);
	assert_int_equal(fx.ls[0].st.refused_outside, 0);
	assert_int_equal(fx.ls[0].st.dropped_outside, 0);
	fixture_deinit();
}

/* The REFUSED answer: the client's ID and question, rcode 5; responses never answered. */
static void
test_r8_refused_answer(void **state)
{
	static const uint8_t q[] = {
		0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'W', 'w', 'W', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1,
	};
	uint8_t out[512], resp[sizeof(q)];
	struct rslv_handled h;

	rslv_answer_refused(q, sizeof(q), out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_REPLY);
	assert_false(h.parsed);
	assert_true(h.len >= sizeof(q));
	assert_int_equal(dns_read_u16(out), 0xbeef);
	assert_true(dns_read_u16(out + 2) & DNS_FLAG_QR);
	assert_int_equal(out[3] & 0xf, DNS_RCODE_REFUSED);
	assert_memory_equal(out + DNS_HEADER_LEN, q + DNS_HEADER_LEN, sizeof(q) - DNS_HEADER_LEN);
	memcpy(resp, q, sizeof(q));
	resp[2] |= 0x80; /* QR */
	rslv_answer_refused(resp, sizeof(resp), out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_IGNORE);
	rslv_answer_refused(q, 5, out, sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_IGNORE);
}

/* A full bucket lets `rate` packets through at once, then one per 1/rate s. */
static void
test_r9_burst_then_refill(void **state)
{
	struct rslv_ratelimit rl;

	assert_int_equal(rslv_rl_init(&rl, RSLV_VPC_PPS, 64), 0);
	assert_int_equal(burst(&rl, 0, "127.0.0.1:1", 3000, T0), RSLV_VPC_PPS);
	/* nothing more in the same instant, from any port of that address */
	assert_int_equal(burst(&rl, 0, "127.0.0.1:2", 10, T0), 0);
	/* half a second refills half the bucket */
	assert_int_equal(burst(&rl, 0, "127.0.0.1:1", 3000, T0 + SEC / 2), RSLV_VPC_PPS / 2);
	/* a steady 1024 per second all pass: one packet every 1/1024 s for 3 s */
	uint64_t t = T0 + 2 * SEC;
	unsigned ok = 0;

	burst(&rl, 0, "127.0.0.1:1", 3000, t); /* empty the bucket */
	for (unsigned i = 1; i <= 3 * RSLV_VPC_PPS; i++)
		ok += burst(&rl, 0, "127.0.0.1:1", 1, t + (uint64_t)i * SEC / RSLV_VPC_PPS);
	assert_int_equal(ok, 3 * RSLV_VPC_PPS);
	/* twice that rate: half pass */
	t += 10 * SEC;
	burst(&rl, 0, "127.0.0.1:1", 3000, t);
	ok = 0;
	for (unsigned i = 1; i <= 2 * RSLV_VPC_PPS; i++)
		ok += burst(&rl, 0, "127.0.0.1:1", 1, t + (uint64_t)i * SEC / (2 * RSLV_VPC_PPS));
	assert_in_range(ok, RSLV_VPC_PPS - 2, RSLV_VPC_PPS + 2);
	/* a long pause refills to the bucket's size, not beyond */
	assert_int_equal(burst(&rl, 0, "127.0.0.1:1", 3000, t + 100 * SEC), RSLV_VPC_PPS);
	assert_int_equal(atomic_load(&rl.evictions), 0);
	rslv_rl_deinit(&rl);
}

/* Each source address has its own bucket at each listener. */
static void
test_r9_per_source_and_listener(void **state)
{
	struct rslv_ratelimit rl;

	assert_int_equal(rslv_rl_init(&rl, 100, 64), 0);
	assert_int_equal(burst(&rl, 0, "127.0.0.1:1", 500, T0), 100);
	assert_int_equal(burst(&rl, 0, "127.0.0.2:1", 500, T0), 100);
	assert_int_equal(burst(&rl, 1, "127.0.0.1:1", 500, T0), 100);
	assert_int_equal(burst(&rl, 0, "::1", 500, T0), 100);
	assert_int_equal(burst(&rl, 0, "127.0.0.1:1", 1, T0), 0);
	rslv_rl_deinit(&rl);
}

/* More sources than entries: the least recently seen is evicted, nothing grows. */
static void
test_r9_eviction(void **state)
{
	struct rslv_ratelimit rl;
	char a[32];

	assert_int_equal(rslv_rl_init(&rl, 10, 8), 0);
	assert_int_equal(rl.n_sets * RSLV_RL_WAYS, 8);
	for (unsigned i = 0; i < 200; i++) {
		snprintf(a, sizeof(a), "127.0.%u.%u", i / 250, 1 + i % 250);
		/* each new source starts with a full bucket, even after evicting another */
		assert_int_equal(burst(&rl, 0, a, 20, T0 + i), 10);
	}
	assert_true(atomic_load(&rl.evictions) >= 200 - 8);
	rslv_rl_deinit(&rl);
}

/* Off: every packet passes. */
static void
test_r9_off(void **state)
{
	struct rslv_ratelimit rl;

	assert_int_equal(rslv_rl_init(&rl, 0, 64), 0);
	assert_null(rl.sets);
	assert_int_equal(burst(&rl, 0, "127.0.0.1:1", 5000, T0), 5000);
	rslv_rl_deinit(&rl);
}

/* At the listener: the rate drops are counted, inbound listeners have no such limit. */
static void
test_r9_admit(void **state)
{
	unsigned ok = 0;

	fixture_init(RSLV_OUTSIDE_DROP, 50);
	for (int i = 0; i < 120; i++)
		ok += admit(0, "127.0.0.1:999", T0) == RSLV_ADMIT_OK;
	assert_int_equal(ok, 50);
	assert_int_equal(fx.ls[0].st.dropped_rate, 70);
	/* outside sources are dropped before they take tokens */
	assert_int_equal(admit(0, "127.53.1.1:1", T0 + 10 * SEC), RSLV_ADMIT_DROP);
	assert_int_equal(fx.ls[0].st.dropped_rate, 70);
	ok = 0;
	for (int i = 0; i < 120; i++)
		ok += admit(1, "127.0.0.1:999", T0) == RSLV_ADMIT_OK;
	assert_int_equal(ok, 120);
	assert_int_equal(fx.ls[1].st.dropped_rate, 0);
	fixture_deinit();
}

/* The stats value: every counter by name, balanced braces, no trailing newline. */
static void
test_stats_json(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int depth = 0;

	fixture_init(RSLV_OUTSIDE_DROP, 5);
	fx.ls[0].spec.label = "vpc/hub +2";
	fx.ls[1].spec.label = "inbound/a";
	for (int i = 0; i < 8; i++)
		admit(0, "127.0.0.1:9", T0);
	admit(0, "127.53.1.1:9", T0);
	static const uint8_t nx[] = { 0, 1, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0 };

	rslv_listener_count_rcode(&fx.ls[0], nx, sizeof(nx));
	rslv_listener_count_rcode(&fx.ls[0], nx, 3); /* a runt counts as other */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	rslv_server_stats(&fx.s, f);
	fclose(f);
	assert_non_null(strstr(buf, "{\"label\":\"vpc/hub +2\",\"kind\":\"vpc\""));
	assert_non_null(strstr(buf, "\"dropped_rate\":3,"));
	assert_non_null(strstr(buf, "\"dropped_outside\":1,"));
	assert_non_null(strstr(buf, "\"NXDOMAIN\":1,"));
	assert_non_null(strstr(buf, "\"other\":1}"));
	assert_non_null(strstr(buf, "\"kind\":\"inbound\""));
	assert_non_null(strstr(buf, "\"rate_evictions\":0,"));
	/* TCP never started here: the clients' counters are there, all zero. */
	assert_non_null(strstr(buf, "\"tcp_clients\":{\"open\":0,\"refused_per_client\":0,"));
	assert_non_null(strstr(buf, "\"fd_exhausted\":0}}"));
	for (size_t i = 0; i < len; i++) {
		depth += buf[i] == '{' || buf[i] == '[';
		depth -= buf[i] == '}' || buf[i] == ']';
		assert_true(depth >= 0);
	}
	assert_int_equal(depth, 0);
	assert_int_not_equal(buf[len - 1], '\n');
	free(buf);
	fixture_deinit();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_r8_outside_sources_dropped),
		cmocka_unit_test(test_r8_own_vpc_dns_server_inside),
		cmocka_unit_test(test_r8_policy_refused_and_answer),
		cmocka_unit_test(test_r8_refused_answer),
		cmocka_unit_test(test_r9_burst_then_refill),
		cmocka_unit_test(test_r9_per_source_and_listener),
		cmocka_unit_test(test_r9_eviction),
		cmocka_unit_test(test_r9_off),
		cmocka_unit_test(test_r9_admit),
		cmocka_unit_test(test_stats_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
