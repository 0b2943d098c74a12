#include "config.h"

#include <ares.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/error.h"
#include "common/net.h"
#include "common/rand.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "harness/client.h"

#define CLIENT_MAX_FDS 16

struct client_fd {
	ares_socket_t fd;
	struct event *ev;
	struct hns_client *c;
};

struct hns_client {
	struct event_base *base;
	ares_channel channel;
	struct event *timer;
	struct client_fd fds[CLIENT_MAX_FDS];
};

struct pending {
	struct hns_client *c;
	hns_client_cb cb;
	void *arg;
	hns_time_t sent;
};

static void client_rearm_timer(struct hns_client *c);

/* ---- sockets: c-ares's own, but checked as every socket of the project is */

static ares_socket_t
sock_open(int domain, int type, int protocol, void *user)
{
	int fd = socket(domain, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);

	return fd < 0 ? ARES_SOCKET_BAD : fd;
}

static int
sock_close(ares_socket_t fd, void *user)
{
	return close(fd);
}

static int
sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *user)
{
	struct hns_addr a;

	if (hns_addr_from_sockaddr(&a, sa) != 0 || !hns_net_dest_allowed(&a)) {
		errno = EACCES;
		return -1;
	}
	return connect(fd, sa, len);
}

static ares_ssize_t
sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags, struct sockaddr *from,
	      ares_socklen_t *fromlen, void *user)
{
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

static ares_ssize_t
sock_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *user)
{
	return writev(fd, iov, n);
}

static const struct ares_socket_functions checked_sockets = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

/* ---- libevent glue */

static void
on_fd(evutil_socket_t fd, short what, void *arg)
{
	struct client_fd *cf = arg;

	ares_process_fd(cf->c->channel, (what & EV_READ) ? fd : ARES_SOCKET_BAD,
			(what & EV_WRITE) ? fd : ARES_SOCKET_BAD);
	client_rearm_timer(cf->c);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct hns_client *c = arg;

	ares_process_fd(c->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	client_rearm_timer(c);
}

static void
client_rearm_timer(struct hns_client *c)
{
	struct timeval tv, *tvp;

	if (c->timer == NULL)
		return;
	tvp = ares_timeout(c->channel, NULL, &tv);
	if (tvp == NULL)
		evtimer_del(c->timer);
	else
		evtimer_add(c->timer, tvp);
}

static void
on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct hns_client *c = data;
	struct client_fd *slot = NULL, *free_slot = NULL;

	for (int i = 0; i < CLIENT_MAX_FDS; i++) {
		if (c->fds[i].ev != NULL && c->fds[i].fd == fd)
			slot = &c->fds[i];
		else if (c->fds[i].ev == NULL && free_slot == NULL)
			free_slot = &c->fds[i];
	}
	if (slot != NULL) {
		event_free(slot->ev);
		slot->ev = NULL;
	} else {
		slot = free_slot;
	}
	if (slot == NULL || (!readable && !writable))
		return;
	slot->fd = fd;
	slot->c = c;
	slot->ev = event_new(c->base, fd, (short)(EV_PERSIST | (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0)),
			     on_fd, slot);
	if (slot->ev != NULL)
		event_add(slot->ev, NULL);
}

struct hns_client *
hns_client_new(struct event_base *base, const struct hns_addr *servers, size_t n, unsigned timeout_ms,
	       unsigned tries)
{
	static bool lib_ready;
	struct ares_options opts;
	struct hns_client *c;
	char csv[8 * HNS_ADDR_STRLEN];
	size_t o = 0;

	if (n == 0 || n > 8)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct hns_addr srv = servers[i];
		char one[HNS_ADDR_STRLEN];

		if (!hns_net_dest_allowed(&srv))
			return NULL;
		if (srv.port == 0)
			srv.port = 53;
		o += (size_t)snprintf(csv + o, sizeof(csv) - o, "%s%s", i ? "," : "",
				      hns_addr_port_str(&srv, one, sizeof(one)));
	}
	if (!lib_ready) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
			return NULL;
		lib_ready = true;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->base = base;
	memset(&opts, 0, sizeof(opts));
	opts.sock_state_cb = on_sock_state;
	opts.sock_state_cb_data = c;
	opts.timeout = (int)timeout_ms;
	opts.tries = (int)tries;
	/* Give the caller every answer, SERVFAIL and REFUSED included: they are results here. */
	opts.flags = ARES_FLAG_NOCHECKRESP;
	if (ares_init_options(&c->channel, &opts,
			      ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS) !=
	    ARES_SUCCESS) {
		free(c);
		return NULL;
	}
	ares_set_socket_functions(c->channel, &checked_sockets, c);
	if (ares_set_servers_ports_csv(c->channel, csv) != ARES_SUCCESS) {
		hns_client_free(c);
		return NULL;
	}
	c->timer = evtimer_new(base, on_timer, c);
	if (c->timer == NULL) {
		hns_client_free(c);
		return NULL;
	}
	return c;
}

void
hns_client_free(struct hns_client *c)
{
	if (c == NULL)
		return;
	/* Destroying the channel runs pending callbacks with ARES_EDESTRUCTION. */
	ares_destroy(c->channel);
	for (int i = 0; i < CLIENT_MAX_FDS; i++) {
		if (c->fds[i].ev != NULL)
			event_free(c->fds[i].ev);
	}
	if (c->timer != NULL)
		event_free(c->timer);
	free(c);
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct pending *p = arg;
	struct hns_client_result res = {
		.status = status,
		.error = status == ARES_SUCCESS ? NULL : ares_strerror(status),
		.elapsed = hns_now() - p->sent,
		.timeouts = timeouts,
		.answer = abuf,
		.answer_len = abuf != NULL && alen > 0 ? (size_t)alen : 0,
	};

	p->cb(p->arg, &res);
	free(p);
}

int
hns_client_query(struct hns_client *c, const char *name, uint16_t qtype, hns_client_cb cb, void *arg)
{
	uint8_t qname[DNS_NAME_MAX], q[512];
	int n = dns_name_from_str(name, qname);
	size_t len;
	struct pending *p;

	if (n < 0)
		return n;
	len = dns_msg_build_query(hns_csprng_u16(), qname, (size_t)n, qtype, DNS_CLASS_IN, true, 1232,
				  false, q, sizeof(q));
	if (len == 0)
		return HNS_ENAME;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return HNS_ENOMEM;
	p->c = c;
	p->cb = cb;
	p->arg = arg;
	p->sent = hns_now();
	ares_send(c->channel, q, (int)len, on_answer, p);
	client_rearm_timer(c);
	return 0;
}

struct sync_state {
	struct event_base *base;
	struct hns_client_result *res;
	uint8_t *buf;
	size_t cap;
	bool done;
};

static void
on_sync_answer(void *arg, const struct hns_client_result *res)
{
	struct sync_state *s = arg;
	size_t n = res->answer_len < s->cap ? res->answer_len : s->cap;

	*s->res = *res;
	if (n > 0)
		memcpy(s->buf, res->answer, n);
	s->res->answer = s->buf;
	s->res->answer_len = n;
	s->done = true;
	event_base_loopbreak(s->base);
}

int
hns_client_query_sync(struct event_base *base, const struct hns_addr *servers, size_t n_servers,
		      const char *name, uint16_t qtype, unsigned timeout_ms, unsigned tries, struct hns_client_result *res,
		      uint8_t *buf, size_t cap)
{
	struct sync_state s = { .base = base, .res = res, .buf = buf, .cap = cap };
	struct hns_client *c = hns_client_new(base, servers, n_servers, timeout_ms, tries);
	int rc;

	if (c == NULL)
		return HNS_EINVAL;
	rc = hns_client_query(c, name, qtype, on_sync_answer, &s);
	while (rc == 0 && !s.done)
		event_base_dispatch(base);
	hns_client_free(c);
	return rc;
}
