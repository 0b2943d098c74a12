/*
 * The worker loop of common/evloop.h: when receive coalescing pays, and a
 * loop that coalesces still reads every datagram and stops when asked.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <event2/event.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/evloop.h"
#include "common/net.h"

#define US HNS_NSEC_PER_USEC

static void
test_pays_by_rate(void **state)
{
	(void)state;
	/* 10,000 datagrams a second: one per 100 us tick, which does not pay */
	assert_false(hns_coalesce_pays(20, 2000 * US, 100));
	/* 20,000 a second: two per tick */
	assert_true(hns_coalesce_pays(40, 2000 * US, 100));
	/* the threshold itself: 1.5 per tick */
	assert_true(hns_coalesce_pays(30, 2000 * US, 100));
	assert_false(hns_coalesce_pays(29, 2000 * US, 100));
	/* a longer tick gathers more at the same rate */
	assert_true(hns_coalesce_pays(20, 2000 * US, 200));
}

/* The tick a rate picks: the base, a stretched one, or none. */
static void
test_pick_by_rate(void **state)
{
	(void)state;
	/* 160,000 a second: a 100 us tick gathers 16, the target: kept */
	assert_int_equal(hns_coalesce_pick(320, 2000 * US, 100), 100);
	assert_int_equal(hns_coalesce_pick(3200, 2000 * US, 100), 100); /* never shorter */
	/* 100,000 a second (the caching forwarder at 100,000 queries): 160 us gathers 16 */
	assert_int_equal(hns_coalesce_pick(200, 2000 * US, 100), 160);
	/* 80,000 a second (the forwarder at 40,000 queries, reply and query each): 200 us */
	assert_int_equal(hns_coalesce_pick(160, 2000 * US, 100), 200);
	/* 20,000 a second (the forwarder at 10,000): 800 us would gather 16; the cap, 250 */
	assert_int_equal(hns_coalesce_pick(40, 2000 * US, 100), 250);
	/* 10,000 a second (an ENI at 10,000 queries): 250 us gathers 2.5, enough */
	assert_int_equal(hns_coalesce_pick(20, 2000 * US, 100), 250);
	/* 8,000 a second: 250 us gathers 2, short of 2.4, and 100 us gathers 0.8: none */
	assert_int_equal(hns_coalesce_pick(16, 2000 * US, 100), 0);
	/* the cap is HNS_COALESCE_MAX_US whatever the base */
	assert_int_equal(hns_coalesce_pick(8, 2000 * US, 800), 1000);
	/* no traffic or no tick: none */
	assert_int_equal(hns_coalesce_pick(0, 2000 * US, 100), 0);
	assert_int_equal(hns_coalesce_pick(100, 2000 * US, 0), 0);
}

/* struct sched_attr of sched_getattr(2) */
struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

/* The calling thread's scheduler slice in ns, as the kernel reports it. */
static uint64_t
thread_slice_ns(void)
{
	struct attr a = { .size = sizeof(a) };

	assert_int_equal(syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0), 0);
	return a.runtime;
}

/* Whether this kernel has custom slices for normal threads (Linux 6.12). */
static bool
kernel_has_slices(void)
{
	struct utsname u;
	unsigned maj = 0, min = 0;

	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%u.%u", &maj, &min), 2);
	return maj > 6 || (maj == 6 && min >= 12);
}

/* A slice asked for is the slice the kernel runs the thread with; 0 gives its own back. */
static void
test_slice_applied(void **state)
{
	uint64_t dflt;

	(void)state;
	dflt = thread_slice_ns();
	hns_sched_slice_set(300);
	assert_int_equal(hns_sched_slice_get(), 300);
	if (!kernel_has_slices()) {
		/* older kernels refuse or ignore the field: the thread runs on as before */
		(void)hns_sched_slice_apply();
		assert_int_equal(thread_slice_ns(), dflt);
		hns_sched_slice_set(HNS_SLICE_DEFAULT_US);
		return;
	}
	assert_int_equal(hns_sched_slice_apply(), 0);
	assert_int_equal(thread_slice_ns(), 300 * US);
	hns_sched_slice_set(0);
	assert_int_equal(hns_sched_slice_apply(), 0);
	assert_int_not_equal(thread_slice_ns(), 300 * US);
	/* longer than the kernel allows: its longest */
	hns_sched_slice_set(HNS_SLICE_MAX_US + 1);
	assert_int_equal(hns_sched_slice_get(), HNS_SLICE_MAX_US);
	hns_sched_slice_set(HNS_SLICE_DEFAULT_US);
	assert_int_equal(hns_sched_slice_apply(), 0);
	assert_int_equal(thread_slice_ns(), HNS_SLICE_DEFAULT_US * US);
}

static void
test_pays_never_without_tick_or_traffic(void **state)
{
	(void)state;
	assert_false(hns_coalesce_pays(1000000, 2000 * US, 0));
	assert_false(hns_coalesce_pays(0, 2000 * US, 100));
	assert_false(hns_coalesce_pays(0, 0, 100));
	/* an idle gap of a second ends coalescing at once */
	assert_false(hns_coalesce_pays(100, 1000000 * US, 100));
}

/* ------------------------------------------------------------ a real loop */

#define N_SENT 4000
#define BURST 16

struct fx {
	struct hns_evloop loop;
	int fd, stop_fds[2];
	struct event *rd, *stop;
	volatile unsigned got;
	uint64_t turn_ends; /* turn_end calls */
	uint64_t slice_ns;  /* the loop thread's slice, seen from its callback */
};

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct fx *f = arg;
	char buf[64];
	ssize_t n;

	if (!f->slice_ns)
		f->slice_ns = thread_slice_ns();
	while ((n = recv(fd, buf, sizeof(buf), 0)) >= 0) {
		f->got++;
		f->loop.handled++;
	}
}

static void
on_turn_end(void *arg)
{
	struct fx *f = arg;

	f->turn_ends++;
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct fx *f = arg;
	char b;

	(void)!read(fd, &b, 1);
	hns_evloop_stop(&f->loop);
}

static void *
run(void *arg)
{
	hns_evloop_run(arg);
	return NULL;
}

static void
loop_reads_everything(uint32_t tick_us)
{
	struct fx f = { .fd = -1 };
	struct hns_addr a;
	pthread_t t;
	int out;

	assert_int_equal(hns_addr_parse("127.0.0.1", &a), 0);
	f.fd = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	assert_true(f.fd >= 0);
	assert_int_equal(hns_sock_local_addr(f.fd, &a), 0);
	assert_int_equal(pipe(f.stop_fds), 0);
	f.loop = (struct hns_evloop){ .base = event_base_new(), .name = "test-evloop",
				      .tick_us = tick_us, .full = 64, .turn_end = on_turn_end,
				      .turn_end_arg = &f };
	assert_non_null(f.loop.base);
	f.rd = event_new(f.loop.base, f.fd, EV_READ | EV_PERSIST, on_read, &f);
	f.stop = event_new(f.loop.base, f.stop_fds[0], EV_READ, on_stop, &f);
	assert_int_equal(event_add(f.rd, NULL), 0);
	assert_int_equal(event_add(f.stop, NULL), 0);

	/* a receive buffer that holds every datagram: none may be lost to a sleeping reader */
	int rcvbuf = 4 << 20;

	setsockopt(f.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	assert_int_equal(pthread_create(&t, NULL, run, &f.loop), 0);

	struct hns_addr from;

	assert_int_equal(hns_addr_parse("127.0.0.1", &from), 0);
	out = hns_udp_socket(&from, 0);
	assert_true(out >= 0);
	struct sockaddr_storage to;
	socklen_t tolen = hns_addr_to_sockaddr(&a, &to);

	for (int i = 0; i < N_SENT; i++) {
		assert_int_equal(sendto(out, "x", 1, 0, (struct sockaddr *)&to, tolen), 1);
		if (i % BURST == BURST - 1)
			usleep(20);
	}
	/* bounded: 10 s for 4,000 datagrams, then the assertion below fails */
	for (int i = 0; i < 1000 && f.got < N_SENT; i++)
		usleep(10000);
	assert_int_equal(write(f.stop_fds[1], "s", 1), 1);
	assert_int_equal(pthread_join(t, NULL), 0);

	assert_int_equal(f.got, N_SENT);
	assert_true(f.loop.turns > 0);
	assert_true(f.loop.co.ticks <= f.loop.turns); /* a tick follows a turn */
	assert_int_equal(f.turn_ends, f.loop.turns);  /* turn_end ends every turn */
	if (kernel_has_slices()) /* the loop's thread runs with the process's slice */
		assert_int_equal(f.slice_ns, (uint64_t)hns_sched_slice_get() * US);
	if (tick_us == 0)
		assert_int_equal(f.loop.co.ticks, 0);

	close(out);
	event_free(f.rd);
	event_free(f.stop);
	event_base_free(f.loop.base);
	close(f.fd);
	close(f.stop_fds[0]);
	close(f.stop_fds[1]);
}

static void
test_loop_plain(void **state)
{
	(void)state;
	loop_reads_everything(0);
}

static void
test_loop_coalescing(void **state)
{
	(void)state;
	loop_reads_everything(100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pays_by_rate),
		cmocka_unit_test(test_pick_by_rate),
		cmocka_unit_test(test_pays_never_without_tick_or_traffic),
		cmocka_unit_test(test_slice_applied),
		cmocka_unit_test(test_loop_plain),
		cmocka_unit_test(test_loop_coalescing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
