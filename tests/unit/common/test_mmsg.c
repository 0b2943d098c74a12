/*
 * The batched UDP helper: a real loopback round trip, and the send-failure
 * rule of common/mmsg.h driven through a scripted sendmmsg (linked with
 * -Wl,--wrap=sendmmsg; with no script the real call runs).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/mmsg.h"
#include "common/net.h"

int __real_sendmmsg(int fd, struct mmsghdr *msgs, unsigned n, int flags);
int __wrap_sendmmsg(int fd, struct mmsghdr *msgs, unsigned n, int flags);

/* One scripted sendmmsg outcome: take `take` datagrams, or fail with `err` when take < 0. */
struct step {
	int take;
	int err;
};

static const struct step *script;
static size_t script_len, script_at;
static unsigned calls_n[16]; /* n passed to each call */
static int calls_flags;

int
__wrap_sendmmsg(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
	if (!script)
		return __real_sendmmsg(fd, msgs, n, flags);
	assert_true(script_at < script_len);
	calls_n[script_at] = n;
	calls_flags |= flags;
	const struct step *s = &script[script_at++];

	if (s->take < 0) {
		errno = s->err;
		return -1;
	}
	assert_true((unsigned)s->take <= n);
	for (int k = 0; k < s->take; k++) { /* as the kernel does: the bytes each one sent */
		msgs[k].msg_len = 0;
		for (size_t j = 0; msgs[k].msg_hdr.msg_iov && j < msgs[k].msg_hdr.msg_iovlen; j++)
			msgs[k].msg_len += (unsigned)msgs[k].msg_hdr.msg_iov[j].iov_len;
	}
	return s->take;
}

static void
run(const struct step *steps, size_t n_steps)
{
	script = steps;
	script_len = n_steps;
	script_at = 0;
	calls_flags = 0;
	memset(calls_n, 0, sizeof(calls_n));
}

#define N 6
static struct mmsghdr msgs[N];

static int
teardown(void **state)
{
	script = NULL;
	return 0;
}

static void
expect_dropped(const bool *got, const char *want)
{
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(got[i], want[i] == 'x');
}

static void
test_all_at_once(void **state)
{
	static const struct step s[] = { { 6, 0 } };
	bool d[N];

	run(s, 1);
	assert_int_equal(hns_mmsg_send(-1, msgs, N, d), 0);
	assert_int_equal(script_at, 1);
	assert_true(calls_flags & MSG_DONTWAIT);
	expect_dropped(d, "......");
}

static void
test_partial_goes_on(void **state)
{
	static const struct step s[] = { { 2, 0 }, { 1, 0 }, { 3, 0 } };
	bool d[N];

	run(s, 3);
	assert_int_equal(hns_mmsg_send(-1, msgs, N, d), 0);
	assert_int_equal(script_at, 3);
	assert_int_equal(calls_n[0], 6);
	assert_int_equal(calls_n[1], 4);
	assert_int_equal(calls_n[2], 3);
	expect_dropped(d, "......");
}

static void
test_full_buffer_drops_rest(void **state)
{
	static const int errs[] = { EAGAIN, EWOULDBLOCK, ENOBUFS };

	for (size_t k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
		const struct step s[] = { { 2, 0 }, { -1, errs[k] } };
		bool d[N];

		run(s, 2);
		assert_int_equal(hns_mmsg_send(-1, msgs, N, d), 4);
		assert_int_equal(script_at, 2); /* no retry after a full buffer */
		expect_dropped(d, "..xxxx");
	}
}

static void
test_other_error_skips_one(void **state)
{
	static const int errs[] = { ECONNREFUSED, EMSGSIZE, EPERM };

	for (size_t k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
		const struct step s[] = { { 1, 0 }, { -1, errs[k] }, { 2, 0 }, { -1, errs[k] },
					  { 1, 0 } };
		bool d[N];

		run(s, 5);
		assert_int_equal(hns_mmsg_send(-1, msgs, N, d), 2);
		assert_int_equal(script_at, 5);
		assert_int_equal(calls_n[2], 4); /* resumes after the skipped one */
		expect_dropped(d, ".x..x.");
	}
}

static void
test_eintr_retries_bounded(void **state)
{
	struct step s[HNS_MMSG_EINTR_TRIES + 2];
	bool d[N];

	/* A few EINTRs are retried and lose nothing. */
	s[0] = (struct step){ -1, EINTR };
	s[1] = (struct step){ -1, EINTR };
	s[2] = (struct step){ 6, 0 };
	run(s, 3);
	assert_int_equal(hns_mmsg_send(-1, msgs, N, d), 0);
	assert_int_equal(script_at, 3);

	/* Endless EINTR: after the bound it counts as any other error (skips one). */
	for (size_t i = 0; i <= HNS_MMSG_EINTR_TRIES; i++)
		s[i] = (struct step){ -1, EINTR };
	s[HNS_MMSG_EINTR_TRIES + 1] = (struct step){ 5, 0 };
	run(s, HNS_MMSG_EINTR_TRIES + 2);
	assert_int_equal(hns_mmsg_send(-1, msgs, N, d), 1);
	expect_dropped(d, "x.....");
}

static void
test_zero_taken_skips_one(void **state)
{
	static const struct step s[] = { { 0, 0 }, { 5, 0 } };

	run(s, 2);
	assert_int_equal(hns_mmsg_send(-1, msgs, N, NULL), 1); /* no dropped array: only the count */
	assert_int_equal(script_at, 2);
	run(s, 0);
	assert_int_equal(hns_mmsg_send(-1, msgs, 0, NULL), 0); /* nothing to send: no call */
}

static void
test_set_clears(void **state)
{
	struct mmsghdr m;
	struct iovec iov;
	struct sockaddr_storage ss;
	uint8_t buf[4];

	memset(&m, 0xa5, sizeof(m));
	hns_mmsg_set(&m, &iov, buf, sizeof(buf), NULL, 0);
	assert_ptr_equal(m.msg_hdr.msg_iov, &iov);
	assert_int_equal(m.msg_hdr.msg_iovlen, 1);
	assert_ptr_equal(iov.iov_base, buf);
	assert_int_equal(iov.iov_len, 4);
	assert_null(m.msg_hdr.msg_name);
	assert_int_equal(m.msg_hdr.msg_namelen, 0);
	assert_null(m.msg_hdr.msg_control);
	assert_int_equal(m.msg_hdr.msg_flags, 0);
	hns_mmsg_set(&m, &iov, buf, 2, &ss, 16);
	assert_ptr_equal(m.msg_hdr.msg_name, &ss);
	assert_int_equal(m.msg_hdr.msg_namelen, 16);
}

/* Two sockets on 127.0.0.1, *rx bound and *tx not yet connected: rx's address in to. */
static socklen_t
loopback_pair(int *rx, int *tx, struct sockaddr_storage *to)
{
	struct hns_addr a, rx_addr;

	hns_addr_parse("127.0.0.1", &a);
	*rx = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	*tx = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	assert_true(*rx >= 0 && *tx >= 0);
	assert_int_equal(hns_sock_local_addr(*rx, &rx_addr), 0);
	return hns_addr_to_sockaddr(&rx_addr, to);
}

/* Real sockets on loopback: a batch out with hns_mmsg_send, in with hns_mmsg_recv. */
static void
test_loopback_round_trip(void **state)
{
	struct sockaddr_storage to;
	socklen_t tolen;
	int tx, rx;
	uint8_t out[3][8], in[4][16];
	struct mmsghdr sm[3], rm[4];
	struct iovec siov[3], riov[4];
	struct sockaddr_storage from[4];
	bool d[3];
	int got = 0;

	tolen = loopback_pair(&rx, &tx, &to);

	/* Nothing waiting: 0, not an error. */
	hns_mmsg_setup_recv(rm, riov, 4, &in[0][0], sizeof(in[0]), from);
	assert_int_equal(hns_mmsg_recv(rx, rm, 4, 0), 0);

	for (unsigned i = 0; i < 3; i++) {
		memset(out[i], 'a' + (int)i, sizeof(out[i]));
		hns_mmsg_set(&sm[i], &siov[i], out[i], 3 + i, &to, tolen);
	}
	assert_int_equal(hns_mmsg_send(tx, sm, 3, d), 0);
	assert_false(d[0] || d[1] || d[2]);

	/* Loopback delivers at once, but allow a busy machine a bounded number of polls. */
	for (int tries = 0; got < 3 && tries < 2000; tries++) {
		int r = hns_mmsg_recv(rx, rm + got, (unsigned)(4 - got), 0);

		assert_true(r >= 0);
		got += r;
		if (got < 3)
			usleep(1000);
	}
	assert_int_equal(got, 3);
	for (unsigned i = 0; i < 3; i++) {
		struct hns_addr src, txa;

		assert_int_equal(rm[i].msg_len, 3 + i);
		assert_int_equal(in[i][0], 'a' + (int)i);
		assert_int_equal(hns_addr_from_sockaddr(&src, (struct sockaddr *)&from[i]), 0);
		assert_int_equal(hns_sock_local_addr(tx, &txa), 0);
		assert_true(hns_addr_equal(&src, &txa));
	}

	/* MSG_TRUNC: a datagram larger than its slot reports its real size. */
	uint8_t big[32] = { 0 }, small[4];
	struct mmsghdr one;
	struct iovec oiov;

	hns_mmsg_set(&sm[0], &siov[0], big, sizeof(big), &to, tolen);
	assert_int_equal(hns_mmsg_send(tx, sm, 1, NULL), 0);
	hns_mmsg_set(&one, &oiov, small, sizeof(small), NULL, 0);
	got = 0;
	for (int tries = 0; got == 0 && tries < 2000; tries++) {
		got = hns_mmsg_recv(rx, &one, 1, MSG_TRUNC);
		if (got == 0)
			usleep(1000);
	}
	assert_int_equal(got, 1);
	assert_int_equal(one.msg_len, sizeof(big));
	assert_true(one.msg_hdr.msg_flags & MSG_TRUNC);

	/* A bad socket is an error, not "nothing waiting". */
	assert_int_equal(hns_mmsg_recv(-1, rm, 4, 0), -EBADF);
	close(tx);
	close(rx);
}

/* ------------------------------------------------ segmentation offload */

#define GN 6
static const size_t glens[GN] = { 5, 5, 5, 7, 7, 9 }; /* runs: 5 5 5 | 7 7 | 9 */
static uint8_t gbuf[GN][16];
static struct iovec giov[GN];
static struct mmsghdr gmsgs[GN];

static void
gso_setup(void)
{
	for (unsigned i = 0; i < GN; i++) {
		memset(gbuf[i], 'a' + (int)i, sizeof(gbuf[i]));
		hns_mmsg_set(&gmsgs[i], &giov[i], gbuf[i], glens[i], NULL, 0);
	}
}

static void
test_gso_sends_runs(void **state)
{
	static const struct step s[] = { { 3, 0 } };
	struct hns_mmsg_gso g = { .on = true };
	bool d[GN];

	gso_setup();
	run(s, 1);
	assert_int_equal(hns_mmsg_send_gso(-1, gmsgs, GN, d, &g), 0);
	assert_int_equal(script_at, 1);
	assert_int_equal(calls_n[0], 3); /* three runs in one call */
	for (unsigned i = 0; i < GN; i++) {
		assert_false(d[i]);
		assert_int_equal(gmsgs[i].msg_len, glens[i]);
	}
	assert_true(g.on && g.proven);
}

static void
test_gso_refused_first_turns_off(void **state)
{
	/* The first run refused (a path that cannot segment): its datagrams are dropped,
	 * the other runs go, and from then on every datagram goes alone. */
	static const struct step s[] = { { -1, EIO }, { 2, 0 } }, alone[] = { { 6, 0 } };
	struct hns_mmsg_gso g = { .on = true };
	bool d[GN];

	gso_setup();
	run(s, 2);
	assert_int_equal(hns_mmsg_send_gso(-1, gmsgs, GN, d, &g), 3);
	assert_true(d[0] && d[1] && d[2]);
	assert_false(d[3] || d[4] || d[5]);
	assert_false(g.on);
	run(alone, 1);
	assert_int_equal(hns_mmsg_send_gso(-1, gmsgs, GN, d, &g), 0);
	assert_int_equal(calls_n[0], GN);
}

static void
test_gso_refused_later_stays_on(void **state)
{
	/* Once a run went, a full buffer is the usual kind of drop: every unsent datagram. */
	static const struct step s[] = { { 1, 0 }, { -1, EAGAIN } };
	struct hns_mmsg_gso g = { .on = true, .proven = true };
	bool d[GN];

	gso_setup();
	run(s, 2);
	assert_int_equal(hns_mmsg_send_gso(-1, gmsgs, GN, d, &g), 3);
	assert_false(d[0] || d[1] || d[2]);
	assert_true(d[3] && d[4] && d[5]);
	assert_true(g.on);
}

static void
test_gso_loopback_arrives_as_datagrams(void **state)
{
	/* Through the real kernel: runs leave as one send each and arrive cut again,
	 * every datagram with its own length and bytes, in order. */
	struct sockaddr_storage to;
	socklen_t tolen;
	struct hns_mmsg_gso g;
	uint8_t in[GN + 1][32];
	struct mmsghdr rm[GN + 1];
	struct iovec riov[GN + 1];
	bool d[GN];
	int rx, tx, got = 0;

	tolen = loopback_pair(&rx, &tx, &to);
	assert_int_equal(connect(tx, (struct sockaddr *)&to, tolen), 0);
	hns_mmsg_gso_init(tx, &g);
	assert_true(g.on); /* Linux 4.18 and later */
	gso_setup();
	assert_int_equal(hns_mmsg_send_gso(tx, gmsgs, GN, d, &g), 0);
	assert_true(g.on && g.proven);
	hns_mmsg_setup_recv(rm, riov, GN + 1, &in[0][0], sizeof(in[0]), NULL);
	for (int tries = 0; got < GN && tries < 2000; tries++) {
		int r = hns_mmsg_recv(rx, rm + got, (unsigned)(GN + 1 - got), 0);

		assert_true(r >= 0);
		got += r;
		if (got < GN)
			usleep(1000);
	}
	assert_int_equal(got, GN);
	for (unsigned i = 0; i < GN; i++) {
		assert_int_equal(rm[i].msg_len, glens[i]);
		for (size_t j = 0; j < glens[i]; j++)
			assert_int_equal(in[i][j], 'a' + (int)i);
	}
	assert_int_equal(hns_mmsg_recv(rx, rm, 1, 0), 0); /* nothing more */
	close(tx);
	close(rx);
}

/*
 * Arrival stamps: a datagram read 20 ms after it was sent carries the time
 * it was sent (the kernel's stamp on the monotonic clock), not the time it
 * was read.  Without the stamp hns_mmsg_arrival gives the read time back.
 *
 * The kernel stamps datagrams on arrival only once some socket of the
 * machine has asked for stamps, and it turns that on from a work queue,
 * a little after the first setsockopt; until then a datagram is stamped
 * when it is read.  The test therefore first waits (a bounded number of
 * tries) until a datagram comes stamped earlier than it was read.
 */
/*
 * Send one datagram from tx to `to`, wait wait_us, read it on rx into rm:
 * the times around the send, the read time and the datagram's arrival.
 */
static void
stamped_trip(int tx, int rx, struct sockaddr_storage *to, socklen_t tolen, struct mmsghdr *rm,
	     useconds_t wait_us, uint64_t *before, uint64_t *after, uint64_t *read_at, uint64_t *at)
{
	uint8_t msg[8] = "stamped";
	struct mmsghdr sm;
	struct iovec siov;
	int got = 0;

	*before = hns_now();
	hns_mmsg_set(&sm, &siov, msg, sizeof(msg), to, tolen);
	assert_int_equal(hns_mmsg_send(tx, &sm, 1, NULL), 0);
	*after = hns_now();
	usleep(wait_us);
	for (int tries = 0; got == 0 && tries < 2000; tries++) {
		got = hns_mmsg_recv(rx, rm, 1, 0);
		if (got == 0)
			usleep(1000);
	}
	assert_int_equal(got, 1);
	*read_at = hns_now();
	*at = hns_mmsg_arrival(rm, *read_at, hns_mmsg_clock_skew());
}

static void
test_arrival_is_the_kernels_stamp(void **state)
{
	struct hns_addr a, rx_addr;
	struct sockaddr_storage to, from;
	socklen_t tolen;
	uint8_t in[16];
	struct mmsghdr rm;
	struct iovec riov;
	union hns_mmsg_ctl ctl;
	uint64_t before, after, read_at, at;
	int rx, tx;

	hns_addr_parse("127.0.0.1", &a);
	rx = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	tx = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	assert_true(rx >= 0 && tx >= 0);
	assert_int_equal(hns_mmsg_want_arrival(rx), 0);
	assert_int_equal(hns_sock_local_addr(rx, &rx_addr), 0);
	tolen = hns_addr_to_sockaddr(&rx_addr, &to);
	hns_mmsg_setup_recv(&rm, &riov, 1, in, sizeof(in), &from);
	hns_mmsg_setup_arrival(&rm, &ctl, 1);

	for (int tries = 0; tries < 200; tries++) {
		stamped_trip(tx, rx, &to, tolen, &rm, 5000, &before, &after, &read_at, &at);
		if (at + 2 * HNS_NSEC_PER_MSEC <= read_at)
			break;
	}

	for (int round = 0; round < 2; round++) {
		stamped_trip(tx, rx, &to, tolen, &rm, 20000, &before, &after, &read_at, &at);
		assert_true(read_at - after >= 20 * HNS_NSEC_PER_MSEC);
		/* Within 1 ms of the send (the clocks' conversion), 19 ms before the read. */
		assert_true(at + HNS_NSEC_PER_MSEC >= before);
		assert_true(at <= after + HNS_NSEC_PER_MSEC);
	}

	/* A slot without a control buffer has no stamp: the read time. */
	rm.msg_hdr.msg_control = NULL;
	assert_int_equal(hns_mmsg_arrival(&rm, read_at, hns_mmsg_clock_skew()), read_at);
	close(tx);
	close(rx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_all_at_once, teardown),
		cmocka_unit_test_teardown(test_partial_goes_on, teardown),
		cmocka_unit_test_teardown(test_full_buffer_drops_rest, teardown),
		cmocka_unit_test_teardown(test_other_error_skips_one, teardown),
		cmocka_unit_test_teardown(test_eintr_retries_bounded, teardown),
		cmocka_unit_test_teardown(test_zero_taken_skips_one, teardown),
		cmocka_unit_test(test_set_clears),
		cmocka_unit_test(test_loopback_round_trip),
		cmocka_unit_test(test_arrival_is_the_kernels_stamp),
		cmocka_unit_test_teardown(test_gso_sends_runs, teardown),
		cmocka_unit_test_teardown(test_gso_refused_first_turns_off, teardown),
		cmocka_unit_test_teardown(test_gso_refused_later_stays_on, teardown),
		cmocka_unit_test(test_gso_loopback_arrives_as_datagrams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
