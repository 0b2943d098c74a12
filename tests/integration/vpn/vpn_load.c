/*
 * vpn_load -- a small load tool for bench/vpn.sh (not a test).
 *
 * In one process, on loopback only: a sender thread paces UDP datagrams
 * (each carrying its send time) to one relay of a vpn with one tunnel;
 * the relay (its own thread, one core) delivers them to a sink socket
 * that measures the throughput and how far each arrival is from
 * send time + latency.  Bounded by --seconds (at most 60).
 *
 *   vpn_load [--rate PPS|0] [--seconds S] [--latency MS] [--jitter MS] [--size BYTES] [--rt]
 *            [--coalesce US]
 *
 * --rate 0 sends as fast as one thread can (throughput mode).  --rt runs
 * the process (relay, sender and sink threads) under SCHED_FIFO, to see
 * the relay's own accuracy on a host busy with other work.
 */
#include "config.h"

#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/net.h"
#include "vpn/relay.h"

#define BATCH 64

struct opts {
	double rate, seconds, latency, jitter;
	size_t size;
	bool rt;
	uint32_t coalesce_us; /* the relay's receive coalescing tick, 0: off */
};

struct sender {
	struct opts o;
	int fd;
	struct hns_addr to;
	uint64_t sent, send_fail;
	volatile int done;
};

static void *
sender_run(void *arg)
{
	struct sender *s = arg;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint8_t buf[BATCH][2048];
	struct sockaddr_storage ss;
	socklen_t sl = hns_addr_to_sockaddr(&s->to, &ss);
	hns_time_t t0 = hns_now(), end = t0 + (hns_time_t)(s->o.seconds * 1e9);
	uint64_t seq = 0;

	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		memset(buf[i], 0xab, sizeof(buf[i]));
		iov[i].iov_base = buf[i];
		iov[i].iov_len = s->o.size;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &ss;
		msg[i].msg_hdr.msg_namelen = sl;
	}
	for (;;) {
		hns_time_t now = hns_now();
		uint64_t due;
		int n;

		if (now >= end)
			break;
		due = s->o.rate > 0 ? (uint64_t)((double)(now - t0) * s->o.rate / 1e9) : seq + BATCH;
		if (due <= seq) {
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
			continue;
		}
		n = due - seq > BATCH ? BATCH : (int)(due - seq);
		for (int i = 0; i < n; i++) {
			hns_time_t t = hns_now();
			uint64_t q = seq + (uint64_t)i;

			memcpy(buf[i], &t, sizeof(t));
			memcpy(buf[i] + 8, &q, sizeof(q));
		}
		n = sendmmsg(s->fd, msg, (unsigned)n, 0);
		if (n <= 0) {
			s->send_fail++;
			continue;
		}
		seq += (uint64_t)n;
	}
	s->sent = seq;
	s->done = 1;
	return NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct opts o = { .rate = 50000, .seconds = 2, .latency = 20, .jitter = 0, .size = 64 };
	static const struct option lo[] = {
		{ "rate", required_argument, NULL, 'r' },    { "seconds", required_argument, NULL, 's' },
		{ "latency", required_argument, NULL, 'l' }, { "jitter", required_argument, NULL, 'j' },
		{ "size", required_argument, NULL, 'b' },    { "rt", no_argument, NULL, 'R' },
		{ "coalesce", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct model_tunnel t;
	struct sender s;
	struct hns_addr a, sink_a, relay_a;
	struct vpn *v;
	pthread_t th;
	int sink, c;
	int64_t *err;
	size_t n_err = 0, cap;
	uint64_t got = 0, early = 0, cpu_ns = 0;
	hns_time_t first = 0, last = 0, quiet_until;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	static uint8_t buf[BATCH][2048];

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': o.rate = atof(optarg); break;
		case 's': o.seconds = atof(optarg); break;
		case 'l': o.latency = atof(optarg); break;
		case 'j': o.jitter = atof(optarg); break;
		case 'b': o.size = (size_t)atoi(optarg); break;
		case 'R': o.rt = true; break;
		case 'c': o.coalesce_us = (uint32_t)atoi(optarg); break;
		default: fprintf(stderr, "usage: vpn_load [--rate N] [--seconds S] [--latency MS] [--jitter MS] [--size B]\n"); return 2;
		}
	}
	if (o.seconds <= 0 || o.seconds > 60 || o.size < 16 || o.size > 1400 || o.rate < 0) {
		fprintf(stderr, "vpn_load: --seconds 0..60, --size 16..1400\n");
		return 2;
	}
	if (o.rt) {
		/* Inherited by every thread created below. */
		struct sched_param sp = { .sched_priority = 10 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0) {
			perror("vpn_load: SCHED_FIFO");
			o.rt = false;
		}
	}
	memset(&t, 0, sizeof(t));
	t.name = "bench";
	t.latency_ms = o.latency;
	t.jitter_ms = o.jitter;
	t.pps = 50000000; /* measure the relay, not the ceiling */
	t.bandwidth_mbps = 1e6;
	t.state = MODEL_TUNNEL_UP;

	hns_addr_parse("127.0.0.1", &a);
	sink = hns_udp_socket(&a, 0);
	if (sink < 0 || hns_sock_local_addr(sink, &sink_a) != 0)
		return 3;
	if (vpn_new(&t, 1, 1, &v) != 0 || vpn_relay_add(v, VPN_TO_AWS, &a, &sink_a, "bench") != 0 ||
	    vpn_relay_addr(v, 0, &relay_a) != 0)
		return 3;
	vpn_set_coalesce(v, o.coalesce_us); /* the relay's receive coalescing, as `serve` sets it */
	if (vpn_start(v) != 0)
		return 3;
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.to = relay_a;
	s.fd = hns_udp_socket(&a, 0);
	if (s.fd < 0)
		return 3;
	cap = (size_t)((o.rate > 0 ? o.rate : 2e6) * o.seconds * 1.1) + 1024;
	err = malloc(cap * sizeof(*err));
	if (!err)
		return 3;
	pthread_create(&th, NULL, sender_run, &s);

	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	{
		struct timeval tv = { 0, 100000 };

		setsockopt(sink, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	/* Receive until the sender is done and the tunnel has drained. */
	quiet_until = 0;
	for (;;) {
		int n = recvmmsg(sink, msg, BATCH, MSG_WAITFORONE, NULL);
		hns_time_t now = hns_now();

		if (n <= 0) {
			if (s.done && quiet_until == 0)
				quiet_until = now + (hns_time_t)((o.latency + 4 * o.jitter + 200) * 1e6);
			if (quiet_until && now > quiet_until)
				break;
			continue;
		}
		for (int i = 0; i < n; i++) {
			hns_time_t sent;
			int64_t e;

			memcpy(&sent, buf[i], sizeof(sent));
			e = (int64_t)(now - sent) - (int64_t)(o.latency * 1e6);
			if (e < -(int64_t)(3 * o.jitter * 1e6) - 1000)
				early++;
			if (n_err < cap)
				err[n_err++] = e;
		}
		if (!first)
			first = now;
		last = now;
		got += (uint64_t)n;
	}
	pthread_join(th, NULL);
	if (vpn_thread_cpu_ns(v, &cpu_ns) != 0)
		cpu_ns = 0;
	vpn_stop(v);

	qsort(err, n_err, sizeof(*err), cmp_i64);
	{
		const struct hns_hist *h = vpn_lateness(v);
		double span = last > first ? (double)(last - first) / 1e9 : 0;
		size_t within = 0;

		for (size_t i = 0; i < n_err; i++)
			within += err[i] >= -500000 && err[i] <= 500000;
		printf("{\"rt\":%s,\"rate\":%.0f,\"seconds\":%.1f,\"latency_ms\":%.1f,\"size\":%zu,"
		       "\"sent\":%llu,\"received\":%llu,\"lost\":%lld,\"recv_pps\":%.0f,",
		       o.rt ? "true" : "false", o.rate, o.seconds, o.latency, o.size, (unsigned long long)s.sent,
		       (unsigned long long)got, (long long)(s.sent - got), span > 0 ? (double)got / span : 0);
		if (n_err > 0)
			printf("\"arrival_minus_due_ms\":{\"p0\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,"
			       "\"max\":%.3f},\"within_0.5ms\":%.5f,\"early\":%llu,",
			       err[0] / 1e6, err[n_err / 2] / 1e6, err[n_err * 99 / 100] / 1e6,
			       err[n_err * 999 / 1000] / 1e6, err[n_err - 1] / 1e6,
			       (double)within / (double)n_err, (unsigned long long)early);
		struct vpn_relay_stats rs;

		memset(&rs, 0, sizeof(rs));
		vpn_relay_stats_get(v, 0, &rs);
		/* What the relay received and sent on, per second of its own CPU time. */
		printf("\"relay_rx\":%llu,\"relay_tx\":%llu,\"relay_cpu_s\":%.3f,"
		       "\"pps_per_relay_cpu_s\":%.0f,",
		       (unsigned long long)rs.rx, (unsigned long long)rs.up_tx, cpu_ns / 1e9,
		       cpu_ns ? (double)rs.up_tx / (cpu_ns / 1e9) : 0);
		printf("\"relay_lateness_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}\n",
		       hns_time_ms(hns_hist_quantile(h, 0.5)), hns_time_ms(hns_hist_quantile(h, 0.99)),
		       hns_time_ms(hns_hist_quantile(h, 0.999)), hns_time_ms(h->max_ns));
		fprintf(stderr, "relay stats: ");
		vpn_stats_write_json(v, stderr);
		fputc('\n', stderr);
	}
	free(err);
	vpn_free(v);
	close(s.fd);
	close(sink);
	return 0;
}
