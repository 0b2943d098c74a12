/*
 * The libevent glue of the TCP guard on real loopback sockets: eviction and
 * the idle sweep close the right connection, and running out of
 * descriptors pauses the listener instead of spinning on accept.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/net.h"
#include "common/tcp_gate.h"

#define MAXC 64

struct conn {
	int fd;
	uint32_t slot;
};

static struct {
	struct event_base *base;
	struct hns_tcp_gate gate;
	struct evconnlistener *l;
	struct hns_addr addr;
	struct conn conns[MAXC];
	unsigned n_accepted, n_closed_idle, n_evicted;
} fx;

static void
conn_close(void *arg, enum hns_tcp_close why)
{
	struct conn *c = arg;

	if (why == HNS_TCP_CLOSE_IDLE)
		fx.n_closed_idle++;
	else
		fx.n_evicted++;
	close(c->fd);
	c->fd = -1;
	hns_tcp_gate_release(&fx.gate, c->slot);
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	uint32_t slot;

	if (hns_tcp_gate_admit(&fx.gate, fd, sa, &slot) < 0)
		return;
	assert_true(fx.n_accepted < MAXC);
	struct conn *c = &fx.conns[fx.n_accepted++];

	c->fd = fd;
	c->slot = slot;
	hns_tcp_gate_set_conn(&fx.gate, slot, c);
}

static void
fixture_init(uint32_t max, hns_time_t idle, hns_time_t floor)
{
	struct hns_tcp_guard_conf gc = {
		.max_conns = max, .per_source = 0, .idle = idle, .idle_floor = floor,
	};
	int fd;

	memset(&fx, 0, sizeof(fx));
	fx.base = event_base_new();
	assert_non_null(fx.base);
	assert_int_equal(hns_tcp_gate_init(&fx.gate, fx.base, &gc, 1, conn_close), 0);
	assert_int_equal(hns_addr_parse("127.0.0.1", &fx.addr), 0);
	fd = hns_tcp_listen(&fx.addr, HNS_SOCK_NONBLOCK, HNS_TCP_GATE_BACKLOG);
	assert_true(fd >= 0);
	assert_int_equal(hns_sock_local_addr(fd, &fx.addr), 0);
	fx.l = hns_tcp_gate_listen(&fx.gate, fd, LEV_OPT_CLOSE_ON_FREE, on_accept, &fx);
	assert_non_null(fx.l);
}

static void
fixture_deinit(void)
{
	for (unsigned i = 0; i < fx.n_accepted; i++)
		if (fx.conns[i].fd >= 0)
			close(fx.conns[i].fd);
	evconnlistener_free(fx.l);
	hns_tcp_gate_deinit(&fx.gate);
	hns_tcp_gate_deinit(&fx.gate); /* twice is harmless */
	event_base_free(fx.base);
}

/* A blocking client connection (the handshake completes in the kernel's backlog). */
static int
client(void)
{
	struct sockaddr_storage ss;
	socklen_t len = hns_addr_to_sockaddr(&fx.addr, &ss);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
	return fd;
}

/* Whether the server closed this client's connection (waits at most 5 s). */
static bool
closed_by_server(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	return poll(&p, 1, 5000) == 1 && recv(fd, &b, 1, 0) <= 0;
}

/* Run the loop until cond holds, at most n callbacks' worth. */
#define LOOP_UNTIL(cond, n)                                        \
	do {                                                           \
		for (int k_ = 0; k_ < (n) && !(cond); k_++)            \
			event_base_loop(fx.base, EVLOOP_ONCE);         \
		assert_true(cond);                                     \
	} while (0)

static void
test_full_gate_evicts_oldest(void **state)
{
	int c[3];

	fixture_init(2, 10 * HNS_NSEC_PER_SEC, 300 * HNS_NSEC_PER_MSEC);
	c[0] = client();
	LOOP_UNTIL(fx.n_accepted == 1, 50);
	c[1] = client();
	LOOP_UNTIL(fx.n_accepted == 2, 50);
	/* Both idle past the floor while the loop does not run; then a third one arrives. */
	usleep(400 * 1000);
	c[2] = client();
	/* libevent activates I/O before timers: the accept evicts before the sweep runs. */
	LOOP_UNTIL(fx.n_accepted == 3, 50);
	assert_int_equal(fx.n_evicted, 1);
	assert_int_equal(hns_tcp_gate_stats(&fx.gate)->evicted, 1);
	assert_int_equal(fx.conns[0].fd, -1); /* the oldest went */
	assert_true(closed_by_server(c[0]));
	assert_true(fx.conns[2].fd >= 0 || fx.n_closed_idle == 2); /* the new one got in */
	for (int i = 0; i < 3; i++)
		close(c[i]);
	fixture_deinit();
}

static void
test_idle_sweep_closes(void **state)
{
	int c;

	fixture_init(8, 50 * HNS_NSEC_PER_MSEC, 10 * HNS_NSEC_PER_MSEC);
	c = client();
	LOOP_UNTIL(fx.n_accepted == 1, 50);
	LOOP_UNTIL(fx.n_closed_idle == 1, 50); /* the sweep timer */
	assert_int_equal(hns_tcp_gate_stats(&fx.gate)->idle_closed, 1);
	assert_int_equal(hns_tcp_gate_count(&fx.gate), 0);
	assert_true(closed_by_server(c));
	close(c);
	fixture_deinit();
}

/* Fill the descriptor table; returns how many were opened into fds. */
static unsigned
exhaust(int *fds, unsigned cap)
{
	unsigned n = 0;

	while (n < cap) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			assert_true(errno == EMFILE);
			break;
		}
		fds[n++] = fd;
	}
	return n;
}

static void
test_emfile_pauses_instead_of_spinning(void **state)
{
	enum { CLIENTS = 4, CAP = 512 };
	struct rlimit old, low;
	int fillers[CAP], c[CLIENTS];
	unsigned n;

	fixture_init(MAXC, 10 * HNS_NSEC_PER_SEC, 200 * HNS_NSEC_PER_MSEC);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 128;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	n = exhaust(fillers, CAP);
	assert_true(n >= CLIENTS && n < CAP);
	for (int i = 0; i < CLIENTS; i++) { /* room for the clients' own ends, then none */
		close(fillers[--n]);
	}
	for (int i = 0; i < CLIENTS; i++)
		c[i] = client();
	/* The listener is readable, accept fails with EMFILE: the gate sheds one and pauses. */
	event_base_loop(fx.base, EVLOOP_NONBLOCK);
	assert_int_equal(fx.gate.fd_exhausted, 1);
	assert_int_equal(fx.n_accepted, 0);
	for (int k = 0; k < 10; k++) /* a spinning listener would fail again on each pass */
		event_base_loop(fx.base, EVLOOP_NONBLOCK);
	assert_true(fx.gate.fd_exhausted < 6);
	unsigned shed = 0;

	for (int i = 0; i < CLIENTS; i++) {
		struct pollfd p = { .fd = c[i], .events = POLLIN };

		shed += poll(&p, 1, 0) == 1;
	}
	assert_true(shed >= 1); /* closed through the reserve descriptor, not left hanging */
	/* Descriptors come back: after the pause the rest are accepted. */
	while (n)
		close(fillers[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	LOOP_UNTIL(fx.n_accepted + shed >= CLIENTS, 100);
	for (int i = 0; i < CLIENTS; i++)
		close(c[i]);
	fixture_deinit();
}

static void
test_nofile_raised_to_hard(void **state)
{
	struct rlimit rl;
	uint64_t soft = hns_nofile_raise();

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_true(rl.rlim_cur == rl.rlim_max);
	assert_true(soft == (rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nofile_raised_to_hard),
		cmocka_unit_test(test_full_gate_evicts_oldest),
		cmocka_unit_test(test_idle_sweep_closes),
		cmocka_unit_test(test_emfile_pauses_instead_of_spinning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
