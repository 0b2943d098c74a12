#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/tcp_gate.h"

#define SWEEP_BATCH 4096 /* idle connections closed per timer callback, at most */

/* A listener's user data: libevent passes it to both the accept and the error callback. */
struct gate_listener {
	struct hns_tcp_gate *t;
	struct evconnlistener *l;
	evconnlistener_cb cb;
	void *arg;
};

static pthread_once_t nofile_once = PTHREAD_ONCE_INIT;
static uint64_t nofile_soft;

static void
nofile_raise_once(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t old = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			rl.rlim_cur = old;
	}
	nofile_soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
}

uint64_t
hns_nofile_raise(void)
{
	pthread_once(&nofile_once, nofile_raise_once);
	return nofile_soft;
}

static struct timeval
tv_of(hns_time_t d)
{
	struct timeval tv = {
		.tv_sec = (time_t)(d / HNS_NSEC_PER_SEC),
		.tv_usec = (suseconds_t)((d % HNS_NSEC_PER_SEC) / HNS_NSEC_PER_USEC),
	};

	return tv;
}

/* Arm the sweep for the next expiry when it is earlier than the armed one. */
static void
gate_arm(struct hns_tcp_gate *t, hns_time_t now)
{
	hns_time_t at = hns_tcp_guard_next_expiry(&t->guard);
	struct timeval tv;

	if (!at || (t->sweep_at && t->sweep_at <= at))
		return;
	t->sweep_at = at;
	tv = tv_of(at > now ? at - now : 0);
	evtimer_add(t->sweep, &tv);
}

static void
gate_close(struct hns_tcp_gate *t, uint32_t slot, enum hns_tcp_close why)
{
	void *conn = hns_tcp_guard_user(&t->guard, slot);

	if (conn)
		t->close_conn(conn, why);
	hns_tcp_guard_release(&t->guard, slot); /* in case close_conn did not */
}

static void
sweep_cb(evutil_socket_t unused, short what, void *arg)
{
	struct hns_tcp_gate *t = arg;
	hns_time_t now = hns_now();
	uint32_t slot;

	t->sweep_at = 0;
	for (unsigned k = 0; k < SWEEP_BATCH; k++) {
		slot = hns_tcp_guard_expired(&t->guard, now);
		if (slot == HNS_TCP_GUARD_NONE)
			break;
		gate_close(t, slot, HNS_TCP_CLOSE_IDLE);
	}
	gate_arm(t, now);
}

static void
resume_cb(evutil_socket_t unused, short what, void *arg)
{
	struct hns_tcp_gate *t = arg;

	for (size_t i = 0; i < t->n_ls; i++)
		evconnlistener_enable(t->ls[i]->l);
}

static void
listener_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		   void *arg)
{
	struct gate_listener *gl = arg;

	gl->cb(l, fd, sa, salen, gl->arg);
}

static void
listener_error_cb(struct evconnlistener *l, void *arg)
{
	struct hns_tcp_gate *t = ((struct gate_listener *)arg)->t;
	int err = errno;
	struct timeval tv = tv_of(HNS_TCP_GATE_PAUSE_MS * HNS_NSEC_PER_MSEC);

	if (err == EMFILE || err == ENFILE) {
		t->fd_exhausted++;
		/* Free one descriptor to take the waiting connection off the queue, and close it. */
		if (t->reserve_fd >= 0) {
			close(t->reserve_fd);
			int fd = accept(evconnlistener_get_fd(l), NULL, NULL);

			if (fd >= 0)
				close(fd);
			t->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		}
	} else {
		t->accept_errors++;
	}
	/* The socket stays readable: without a pause libevent would retry at once, forever. */
	for (size_t i = 0; i < t->n_ls; i++)
		evconnlistener_disable(t->ls[i]->l);
	evtimer_add(t->resume, &tv);
}

int
hns_tcp_gate_init(struct hns_tcp_gate *t, struct event_base *base,
		  const struct hns_tcp_guard_conf *conf, unsigned fds_per_conn,
		  hns_tcp_gate_close_fn close_conn)
{
	struct hns_tcp_guard_conf c = *conf;
	uint64_t budget = hns_nofile_raise() / 4 / (fds_per_conn ? fds_per_conn : 1);
	int rc;

	memset(t, 0, sizeof(*t));
	t->reserve_fd = -1;
	if (budget < 1)
		budget = 1;
	if (c.max_conns > budget)
		c.max_conns = (uint32_t)budget;
	rc = hns_tcp_guard_init(&t->guard, &c);
	if (rc < 0)
		return rc;
	t->base = base;
	t->close_conn = close_conn;
	t->sweep = evtimer_new(base, sweep_cb, t);
	t->resume = evtimer_new(base, resume_cb, t);
	t->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!t->sweep || !t->resume) {
		hns_tcp_gate_deinit(t);
		return HNS_ENOMEM;
	}
	return 0;
}

void
hns_tcp_gate_deinit(struct hns_tcp_gate *t)
{
	if (!t->base)
		return; /* never set up (zeroed), or done already */
	if (t->sweep)
		event_free(t->sweep);
	if (t->resume)
		event_free(t->resume);
	t->sweep = t->resume = NULL;
	if (t->reserve_fd >= 0)
		close(t->reserve_fd);
	t->reserve_fd = -1;
	for (size_t i = 0; i < t->n_ls; i++)
		free(t->ls[i]);
	free(t->ls);
	t->ls = NULL;
	t->n_ls = 0;
	hns_tcp_guard_deinit(&t->guard);
	t->base = NULL;
}

struct evconnlistener *
hns_tcp_gate_listen(struct hns_tcp_gate *t, int fd, unsigned flags, evconnlistener_cb cb,
		    void *arg)
{
	struct gate_listener **ls = realloc(t->ls, (t->n_ls + 1) * sizeof(*ls)), *gl = NULL;

	if (ls) {
		t->ls = ls;
		gl = calloc(1, sizeof(*gl));
	}
	if (gl) {
		gl->t = t;
		gl->cb = cb;
		gl->arg = arg;
		gl->l = evconnlistener_new(t->base, listener_accept_cb, gl, flags, 0, fd);
	}
	if (!gl || !gl->l) {
		free(gl);
		close(fd);
		return NULL;
	}
	t->ls[t->n_ls++] = gl;
	evconnlistener_set_error_cb(gl->l, listener_error_cb);
	return gl->l;
}

int
hns_tcp_gate_admit(struct hns_tcp_gate *t, int fd, const struct sockaddr *sa, uint32_t *slot)
{
	struct hns_addr src;
	hns_time_t now = hns_now();
	uint32_t s;

	if (hns_addr_from_sockaddr(&src, sa) != 0) {
		close(fd);
		return HNS_EADDR;
	}
	for (;;) {
		switch (hns_tcp_guard_admit(&t->guard, &src, now, &s)) {
		case HNS_TCP_ACCEPT:
			*slot = s;
			gate_arm(t, now);
			return 0;
		case HNS_TCP_EVICT:
			gate_close(t, s, HNS_TCP_CLOSE_EVICTED); /* then there is room */
			continue;
		case HNS_TCP_REFUSE_SOURCE:
			close(fd);
			return HNS_EACCES;
		case HNS_TCP_REFUSE_FULL:
		default:
			close(fd);
			return HNS_EFULL;
		}
	}
}

void
hns_tcp_gate_set_conn(struct hns_tcp_gate *t, uint32_t slot, void *conn)
{
	hns_tcp_guard_set_user(&t->guard, slot, conn);
}

void
hns_tcp_gate_touch(struct hns_tcp_gate *t, uint32_t slot, hns_time_t now)
{
	hns_tcp_guard_touch(&t->guard, slot, now);
}

void
hns_tcp_gate_release(struct hns_tcp_gate *t, uint32_t slot)
{
	hns_tcp_guard_release(&t->guard, slot);
}

const struct hns_tcp_guard_stats *
hns_tcp_gate_stats(const struct hns_tcp_gate *t)
{
	return &t->guard.st;
}

uint32_t
hns_tcp_gate_count(const struct hns_tcp_gate *t)
{
	return t->guard.n;
}
