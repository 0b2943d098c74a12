/*
 * The per-query step (resolver/handle.c) as both transports call it, over
 * a hand-built server: what is answered, what is counted, on UDP and TCP
 * alike -- FORMERR, REFUSED for sources outside the VPC (R8), the rate
 * limit per source (R9), the ENI's ceiling -- and the per-thread counters
 * summed into the stats.
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
#include "tests/unit/resolver/srv.h"

#define T0 (1000 * HNS_NSEC_PER_SEC) /* fake clock */

static struct srv t;
static uint8_t out[RSLV_MSG_MAX];
static struct rslv_handled h;

/* One packet from src at listener li over the transport; the step. */
static enum rslv_step
ask(size_t li, struct rslv_counters *ct, const char *src, bool tcp, const uint8_t *pkt,
    size_t len, hns_time_t now)
{
	const struct rslv_peer p = {.addr = srv_addr(src), .tcp = tcp, .fd = -1};

	return rslv_handle(&t.s, &t.ls[li], ct, &p, pkt, len, out,
			   tcp ? RSLV_MSG_MAX : RSLV_UDP_MAX, now, &h);
}

static unsigned
out_rcode(void)
{
	assert_true(h.len >= DNS_HEADER_LEN);
	return out[3] & 0xf;
}

static void
test_answer_counted(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);

	for (int tcp = 0; tcp < 2; tcp++) {
		struct rslv_counters ct = {0};

		srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, false);
		assert_int_equal(ask(SRV_VPC, &ct, "127.0.0.1:40000", tcp, q, n, T0), RSLV_STEP_SEND);
		assert_int_equal(out_rcode(), DNS_RCODE_NOERROR);
		assert_int_equal(dns_read_u16(out + 6), 2); /* both A records */
		assert_int_equal(ct.queries, 1);
		assert_int_equal(ct.answered, 1);
		assert_int_equal(ct.rcode[DNS_RCODE_NOERROR], 1);
		assert_int_equal(ct.formerr, 0);
		srv_deinit(&t);
	}
}

/* A question cut short: FORMERR, counted as such whichever the transport. */
static void
test_formerr_both_transports(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);

	for (int tcp = 0; tcp < 2; tcp++) {
		struct rslv_counters ct = {0};

		srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, true);
		assert_int_equal(ask(SRV_INBOUND, &ct, "127.0.0.1:40000", tcp, q, n - 3, T0),
				 RSLV_STEP_SEND);
		assert_int_equal(out_rcode(), DNS_RCODE_FORMERR);
		assert_int_equal(dns_read_u16(out), 0x1234);
		assert_int_equal(ct.formerr, 1);
		assert_int_equal(ct.answered, 1);
		assert_int_equal(ct.rcode[DNS_RCODE_FORMERR], 1);
		assert_string_equal(srv_log(&t), ""); /* nothing parsed: no query-log line */
		srv_deinit(&t);
	}
}

/* Responses and runts are never answered; TCP hangs up on them. */
static void
test_not_dns(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);
	struct rslv_counters ct = {0};

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, false);
	q[2] |= 0x80; /* QR */
	assert_int_equal(ask(SRV_VPC, &ct, "127.0.0.1:40000", true, q, n, T0), RSLV_STEP_HANGUP);
	assert_int_equal(ask(SRV_VPC, &ct, "127.0.0.1:40000", false, q, 5, T0), RSLV_STEP_HANGUP);
	assert_int_equal(ct.queries, 2);
	assert_int_equal(ct.answered, 0);
	assert_int_equal(ct.formerr, 0);
	srv_deinit(&t);
}

/* R8: REFUSED to a source outside the VPC, counted once, not as FORMERR; dropped by default. */
static void
test_r8_refused_and_dropped(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);

	for (int tcp = 0; tcp < 2; tcp++) {
		struct rslv_counters ct = {0};

		srv_init(&t, RSLV_OUTSIDE_REFUSED, RSLV_VPC_PPS, true);
		assert_int_equal(ask(SRV_VPC, &ct, "127.53.1.1:5300", tcp, q, n, T0), RSLV_STEP_SEND);
		assert_int_equal(out_rcode(), DNS_RCODE_REFUSED);
		assert_int_equal(dns_read_u16(out + 4), 1); /* the question echoed */
		assert_int_equal(ct.refused_outside, 1);
		assert_int_equal(ct.rcode[DNS_RCODE_REFUSED], 1);
		assert_int_equal(ct.answered, 1);
		assert_int_equal(ct.formerr, 0);
		/* unparsable from outside: FORMERR sent, but counted as refused, not formerr */
		assert_int_equal(ask(SRV_VPC, &ct, "127.53.1.1:5300", tcp, q, n - 3, T0),
				 RSLV_STEP_SEND);
		assert_int_equal(out_rcode(), DNS_RCODE_FORMERR);
		assert_int_equal(ct.refused_outside, 2);
		assert_int_equal(ct.formerr, 0);
		assert_string_equal(srv_log(&t), "");
		/* an inbound ENI answers on-prem: that is what it is for */
		assert_int_equal(ask(SRV_INBOUND, &ct, "127.53.1.1:5300", tcp, q, n, T0),
				 RSLV_STEP_SEND);
		assert_int_equal(out_rcode(), DNS_RCODE_NOERROR);
		srv_deinit(&t);

		memset(&ct, 0, sizeof(ct));
		srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, false);
		assert_int_equal(ask(SRV_VPC, &ct, "127.53.1.1:5300", tcp, q, n, T0), RSLV_STEP_NONE);
		assert_int_equal(ct.dropped_outside, 1);
		assert_int_equal(ct.queries, 1);
		assert_int_equal(ct.answered, 0);
		srv_deinit(&t);
	}
}

/* R9: a source gets its packets per second at a +2 listener, the rest dropped and counted. */
static void
test_r9_rate_limit(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);
	struct rslv_counters ct = {0};
	unsigned sent = 0;

	srv_init(&t, RSLV_OUTSIDE_DROP, 5, false);
	for (int i = 0; i < 12; i++)
		sent += ask(SRV_VPC, &ct, "127.0.0.1:40000", i % 2, q, n, T0) == RSLV_STEP_SEND;
	assert_int_equal(sent, 5);
	assert_int_equal(ct.dropped_rate, 7);
	assert_int_equal(ct.answered, 5);
	/* another source has its own bucket */
	assert_int_equal(ask(SRV_VPC, &ct, "127.0.0.2:40000", false, q, n, T0), RSLV_STEP_SEND);
	/* a second later the bucket has refilled */
	assert_int_equal(ask(SRV_VPC, &ct, "127.0.0.1:40000", false, q, n, T0 + HNS_NSEC_PER_SEC),
			 RSLV_STEP_SEND);
	assert_int_equal(ct.dropped_rate, 7);
	srv_deinit(&t);
}

/* The inbound ENI's ceiling (qps_per_ip 3) counts both transports in one window. */
static void
test_ceiling(void **state)
{
	uint8_t q[512];
	size_t n = srv_query("www.example.com", DNS_TYPE_A, q);
	struct rslv_counters udp = {0}, tcp = {0};

	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, false);
	assert_int_equal(ask(SRV_INBOUND, &udp, "127.0.0.1:40000", false, q, n, T0), RSLV_STEP_SEND);
	assert_int_equal(ask(SRV_INBOUND, &tcp, "127.0.0.1:40000", true, q, n, T0), RSLV_STEP_SEND);
	assert_int_equal(ask(SRV_INBOUND, &udp, "127.0.0.1:40000", false, q, n, T0), RSLV_STEP_SEND);
	assert_int_equal(ask(SRV_INBOUND, &tcp, "127.0.0.1:40000", true, q, n, T0), RSLV_STEP_NONE);
	assert_int_equal(ask(SRV_INBOUND, &udp, "127.0.0.1:40000", false, q, n, T0), RSLV_STEP_NONE);
	assert_int_equal(udp.dropped_ceiling + tcp.dropped_ceiling, 2);
	assert_int_equal(ask(SRV_INBOUND, &udp, "127.0.0.1:40000", false, q, n,
			     T0 + HNS_NSEC_PER_SEC), RSLV_STEP_SEND);
	srv_deinit(&t);
}

/* Stats sum the main thread's counters and every worker's. */
static void
test_stats_sum_workers(void **state)
{
	struct rslv_worker wk[2];
	struct rslv_counters ct[2][SRV_N_LS];
	char *buf = NULL;
	size_t len = 0;

	memset(wk, 0, sizeof(wk));
	memset(ct, 0, sizeof(ct));
	srv_init(&t, RSLV_OUTSIDE_DROP, RSLV_VPC_PPS, false);
	wk[0].ct = ct[0];
	wk[1].ct = ct[1];
	t.s.workers = wk;
	t.s.n_workers = 2;
	t.ls[SRV_INBOUND].st.queries = 1;
	ct[0][SRV_INBOUND].queries = 20;
	ct[1][SRV_INBOUND].queries = 300;
	ct[1][SRV_INBOUND].rcode[DNS_RCODE_NXDOMAIN] = 4;
	ct[0][SRV_VPC].formerr = 7;

	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	rslv_server_stats(&t.s, f);
	fclose(f);
	assert_non_null(strstr(buf, "\"label\":\"inbound/a\",\"kind\":\"inbound\""));
	assert_non_null(strstr(strstr(buf, "inbound/a"), "\"queries\":321,"));
	assert_non_null(strstr(strstr(buf, "inbound/a"), "\"NXDOMAIN\":4"));
	assert_non_null(strstr(strstr(buf, "vpc/hub"), "\"formerr\":7,"));
	free(buf);
	t.s.workers = NULL;
	t.s.n_workers = 0;
	srv_deinit(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_counted),
		cmocka_unit_test(test_formerr_both_transports),
		cmocka_unit_test(test_not_dns),
		cmocka_unit_test(test_r8_refused_and_dropped),
		cmocka_unit_test(test_r9_rate_limit),
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_stats_sum_workers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
