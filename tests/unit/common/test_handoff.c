/*
 * tests/unit/common/test_handoff.c -- datagrams between a process's own
 * sockets, in memory (common/handoff.h): what is handed over and what still
 * goes through the kernel, the source and stamp a receiver sees, the wake-up
 * of the receiver's loop, a full ring, a closed receiver.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/handoff.h"
#include "common/mmsg.h"
#include "common/net.h"

#define MAX_GOT 4096

struct sock {
	int fd;
	struct event *ev;
	struct sockaddr_storage addr;
	socklen_t len;
	/* what its read callback got, through hns_mmsg_recv */
	unsigned got, calls;
	uint8_t data[MAX_GOT][16];
	unsigned lens[MAX_GOT];
	struct sockaddr_storage from[MAX_GOT];
	uint64_t at[MAX_GOT];
	bool trunc[MAX_GOT];
	int flags;
};

static struct event_base *base;

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct sock *s = arg;
	struct mmsghdr m[32];
	struct iovec iov[32];
	union hns_mmsg_ctl ctl[32];
	uint8_t buf[32][16];
	struct sockaddr_storage from[32];
	int n;

	(void)what;
	assert_int_equal(fd, s->fd);
	s->calls++;
	hns_mmsg_setup_recv(m, iov, 32, &buf[0][0], sizeof(buf[0]), from);
	hns_mmsg_setup_arrival(m, ctl, 32);
	while ((n = hns_mmsg_recv(fd, m, 32, s->flags)) > 0) {
		uint64_t now = hns_now();
		int64_t skew = hns_mmsg_clock_skew();

		for (int i = 0; i < n && s->got < MAX_GOT; i++) {
			memcpy(s->data[s->got], buf[i], sizeof(buf[i]));
			s->lens[s->got] = m[i].msg_len;
			s->from[s->got] = from[i];
			s->at[s->got] = hns_mmsg_arrival(&m[i], now, skew);
			s->trunc[s->got] = (m[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
			s->got++;
		}
		if (n < 32)
			break;
	}
}

static void
sock_open(struct sock *s, bool attach)
{
	struct hns_addr a, local;

	memset(s, 0, sizeof(*s));
	hns_addr_parse("127.0.0.1", &a);
	s->fd = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	assert_true(s->fd >= 0);
	assert_int_equal(hns_mmsg_want_arrival(s->fd), 0);
	assert_int_equal(hns_sock_local_addr(s->fd, &local), 0);
	s->len = hns_addr_to_sockaddr(&local, &s->addr);
	if (attach) {
		s->ev = event_new(base, s->fd, EV_READ | EV_PERSIST, on_read, s);
		assert_non_null(s->ev);
		assert_int_equal(event_add(s->ev, NULL), 0);
		assert_int_equal(hns_handoff_attach(s->fd, base, on_read, s), 0);
		assert_true(hns_handoff_attached(s->fd));
	}
}

static void
sock_close(struct sock *s)
{
	if (s->ev)
		event_free(s->ev);
	s->ev = NULL;
	hns_handoff_close(s->fd);
	assert_false(hns_handoff_attached(s->fd));
}

/* Send one datagram of len bytes (the first byte: tag) from s to to. */
static unsigned
send_one(struct sock *s, const struct sock *to, uint8_t tag, size_t len)
{
	static uint8_t buf[8192];
	struct mmsghdr m;
	struct iovec iov;
	struct sockaddr_storage dst = to->addr;

	memset(buf, tag, len);
	hns_mmsg_set(&m, &iov, buf, len, &dst, to->len);
	return hns_mmsg_send(s->fd, &m, 1, NULL);
}

/* Run the loop until s got want datagrams (or a second passed). */
static void
run_until(struct sock *s, unsigned want)
{
	for (int i = 0; i < 1000 && s->got < want; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (s->got < want)
			usleep(1000);
	}
}

/* What the kernel holds for fd, read around the handoff. */
static int
kernel_pending(int fd)
{
	uint8_t b[16];
	int n = 0;

	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) >= 0)
		n++;
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	return n;
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

	return x->sin_family == y->sin_family && x->sin_port == y->sin_port &&
	       x->sin_addr.s_addr == y->sin_addr.s_addr;
}

static int
setup(void **state)
{
	(void)state;
	hns_handoff_enable(true);
	base = event_base_new();
	return base ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	event_base_free(base);
	base = NULL;
	return 0;
}

/*
 * Between two attached sockets a datagram is copied in memory: the kernel
 * never holds it, the receiver's loop is woken, and it reads it with the
 * sender's address and the time it was sent.  The reply goes back the same
 * way.
 */
static void
test_handed_in_memory(void **state)
{
	static struct sock a, b;
	struct hns_handoff_stats st0, st1;
	uint64_t before, after, read_from;

	(void)state;
	sock_open(&a, true);
	sock_open(&b, true);
	hns_handoff_stats(&st0);
	before = hns_now();
	assert_int_equal(send_one(&a, &b, 'q', 12), 0);
	after = hns_now();
	hns_handoff_stats(&st1);
	assert_int_equal(st1.handed - st0.handed, 1);
	assert_int_equal(st1.kernel - st0.kernel, 0);
	usleep(20000);
	read_from = hns_now();
	run_until(&b, 1);
	assert_int_equal(b.got, 1);
	assert_int_equal(b.lens[0], 12);
	assert_int_equal(b.data[0][0], 'q');
	assert_int_equal(b.data[0][11], 'q');
	assert_true(same_addr(&b.from[0], &a.addr));
	/* stamped when handed over, not when read 20 ms later (2 ms for the clocks' conversion) */
	assert_true(b.at[0] + 2 * HNS_NSEC_PER_MSEC >= before);
	assert_true(b.at[0] <= after + 2 * HNS_NSEC_PER_MSEC);
	assert_true(read_from - b.at[0] >= 15 * HNS_NSEC_PER_MSEC);
	assert_int_equal(kernel_pending(b.fd), 0);

	assert_int_equal(send_one(&b, &a, 'r', 7), 0);
	run_until(&a, 1);
	assert_int_equal(a.got, 1);
	assert_int_equal(a.data[0][0], 'r');
	assert_true(same_addr(&a.from[0], &b.addr));
	sock_close(&a);
	sock_close(&b);
}

/*
 * A socket that is not attached talks through the kernel both ways, and an
 * attached one still reads what the kernel brings.
 */
static void
test_unattached_through_kernel(void **state)
{
	static struct sock a, out, b;
	struct hns_handoff_stats st0, st1;

	(void)state;
	sock_open(&a, true);
	sock_open(&out, false);
	hns_handoff_stats(&st0);
	assert_int_equal(send_one(&a, &out, 'x', 10), 0);
	hns_handoff_stats(&st1);
	assert_int_equal(st1.handed - st0.handed, 0);
	assert_int_equal(st1.kernel - st0.kernel, 1);
	usleep(1000);
	assert_int_equal(kernel_pending(out.fd), 1);

	assert_int_equal(send_one(&out, &a, 'y', 9), 0);
	run_until(&a, 1);
	assert_int_equal(a.got, 1);
	assert_int_equal(a.data[0][0], 'y');
	assert_true(same_addr(&a.from[0], &out.addr));

	/* larger than a datagram handed over: the kernel takes it */
	sock_open(&b, true);
	hns_handoff_stats(&st0);
	assert_int_equal(send_one(&a, &b, 'L', HNS_HANDOFF_MAX + 1), 0);
	hns_handoff_stats(&st1);
	assert_int_equal(st1.kernel - st0.kernel, 1);
	b.flags = MSG_TRUNC;
	run_until(&b, 1);
	assert_int_equal(b.got, 1);
	assert_int_equal(b.lens[0], HNS_HANDOFF_MAX + 1);
	assert_true(b.trunc[0]);
	sock_close(&a);
	sock_close(&b);
	close(out.fd);
}

/* A handed datagram larger than the reader's buffer is cut as the kernel cuts it. */
static void
test_truncated_as_the_kernel_does(void **state)
{
	static struct sock a, b;

	(void)state;
	sock_open(&a, true);
	sock_open(&b, true);
	assert_int_equal(send_one(&a, &b, 't', 100), 0);
	b.flags = MSG_TRUNC;
	run_until(&b, 1);
	assert_int_equal(send_one(&a, &b, 'u', 100), 0);
	b.flags = 0;
	run_until(&b, 2);
	assert_int_equal(b.got, 2);
	assert_int_equal(b.lens[0], 100); /* MSG_TRUNC asked: the real size */
	assert_int_equal(b.lens[1], 16);  /* not asked: what was copied */
	assert_true(b.trunc[0] && b.trunc[1]);
	assert_int_equal(b.data[1][15], 'u');
	sock_close(&a);
	sock_close(&b);
}

/*
 * A full ring sends the rest through the kernel; the reader gets the
 * ring's datagrams in order, then the kernel's; the ring then wraps and
 * carries on.
 */
static void
test_full_ring_overflows_to_kernel(void **state)
{
	static struct sock a, b;
	struct hns_handoff_stats st0, st1;
	/* a record: a 48-byte header and the datagram, each padded to 16 */
	const unsigned fit = HNS_HANDOFF_RING / (48 + 112), total = fit + 40;

	(void)state;
	sock_open(&a, true);
	sock_open(&b, true);
	hns_handoff_stats(&st0);
	for (unsigned i = 0; i < total; i++) {
		uint8_t buf[100];
		struct mmsghdr m;
		struct iovec iov;

		memset(buf, 0, sizeof(buf));
		memcpy(buf, &i, sizeof(i));
		hns_mmsg_set(&m, &iov, buf, sizeof(buf), &b.addr, b.len);
		assert_int_equal(hns_mmsg_send(a.fd, &m, 1, NULL), 0);
	}
	hns_handoff_stats(&st1);
	assert_int_equal(st1.handed - st0.handed, fit);
	assert_int_equal(st1.kernel - st0.kernel, total - fit);
	run_until(&b, total);
	assert_int_equal(b.got, total);
	for (unsigned i = 0; i < total; i++) {
		unsigned seq;

		memcpy(&seq, b.data[i], sizeof(seq));
		assert_int_equal(seq, i);
	}
	/* round the ring twice more, in batches a reader keeps up with */
	b.got = 0;
	for (unsigned i = 0; i < 2 * fit; i++) {
		assert_int_equal(send_one(&a, &b, (uint8_t)(i % 251), 100), 0);
		if (i % (fit / 2) == fit / 2 - 1)
			run_until(&b, i + 1);
	}
	run_until(&b, 2 * fit);
	assert_int_equal(b.got, 2 * fit);
	for (unsigned i = 0; i < 2 * fit; i++)
		assert_int_equal(b.data[i][15], (uint8_t)(i % 251));
	assert_int_equal(kernel_pending(b.fd), 0);
	sock_close(&a);
	sock_close(&b);
}

/*
 * A receiver closed after a sender cached it: the next datagram to its
 * address goes through the kernel, to whatever socket has it now.
 */
static void
test_closed_receiver_falls_back(void **state)
{
	static struct sock a, b, again;
	struct hns_addr addr;
	struct hns_handoff_stats st0, st1;
	uint8_t buf[16];

	(void)state;
	sock_open(&a, true);
	sock_open(&b, true);
	assert_int_equal(send_one(&a, &b, '1', 5), 0);
	run_until(&b, 1);
	assert_int_equal(b.got, 1);
	sock_close(&b);

	memset(&again, 0, sizeof(again));
	assert_int_equal(hns_addr_from_sockaddr(&addr, (struct sockaddr *)&b.addr), 0);
	again.fd = hns_udp_socket(&addr, HNS_SOCK_NONBLOCK);
	assert_true(again.fd >= 0);
	again.addr = b.addr;
	again.len = b.len;
	hns_handoff_stats(&st0);
	assert_int_equal(send_one(&a, &again, '2', 5), 0);
	hns_handoff_stats(&st1);
	assert_int_equal(st1.kernel - st0.kernel, 1);
	usleep(1000);
	assert_int_equal(recv(again.fd, buf, sizeof(buf), MSG_DONTWAIT), 5);
	assert_int_equal(buf[0], '2');
	close(again.fd);
	sock_close(&a);
}

/*
 * A socket's ring is there from its attach, before anything is sent to it
 * (a load faults its memory in before the clock starts); a socket attached
 * again on a reused endpoint keeps the one it had.
 */
static void
test_ring_at_attach(void **state)
{
	static struct sock a[24], b;
	struct hns_handoff_stats st0, st1, st2;
	unsigned n = 0;

	(void)state;
	/*
	 * The earlier tests' closed sockets left endpoints, rings and all, for
	 * reuse: attach until one is new.  Nothing is sent meanwhile.
	 */
	hns_handoff_stats(&st0);
	do {
		sock_open(&a[n++], true);
		hns_handoff_stats(&st1);
	} while (st1.rings == st0.rings && n < 24);
	assert_int_equal(st1.rings - st0.rings, 1);
	sock_open(&b, false); /* not attached: no ring */
	hns_handoff_stats(&st2);
	assert_int_equal(st2.rings, st1.rings);
	assert_int_equal(send_one(&b, &a[0], 'x', 3), 0); /* an unattached sender goes by the kernel */
	run_until(&a[0], 1);
	assert_int_equal(a[0].got, 1);
	sock_close(&a[0]);
	sock_open(&a[0], true); /* the freed endpoint, and its ring, again */
	assert_int_equal(send_one(&a[0], &a[0], 'y', 4), 0);
	hns_handoff_stats(&st2);
	assert_int_equal(st2.rings, st1.rings);
	assert_int_equal(st2.handed - st1.handed, 1);
	run_until(&a[0], 1);
	assert_int_equal(a[0].got, 1);
	assert_int_equal(a[0].lens[0], 4);
	for (unsigned i = 0; i < n; i++)
		sock_close(&a[i]);
	close(b.fd);
}

/* Off (the default): nothing is attached, everything is a real datagram. */
static void
test_off_attaches_nothing(void **state)
{
	static struct sock a;
	int fd;
	struct hns_addr lo;

	(void)state;
	hns_handoff_enable(false);
	assert_false(hns_handoff_enabled());
	hns_addr_parse("127.0.0.1", &lo);
	fd = hns_udp_socket(&lo, HNS_SOCK_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(hns_handoff_attach(fd, base, on_read, &a), 0);
	assert_false(hns_handoff_attached(fd));
	hns_handoff_close(fd);
	hns_handoff_enable(true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handed_in_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unattached_through_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_as_the_kernel_does, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_overflows_to_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_receiver_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_at_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_off_attaches_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
