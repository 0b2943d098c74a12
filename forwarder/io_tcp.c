#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/net.h"
#include "dns/wire.h"
#include "forwarder/worker.h"

#define CONN_IDX_BITS 10 /* FWD_TCP_CONNS = 1 << CONN_IDX_BITS */
#define UP_TIMEOUT_S 5
#define OUT_LIMIT (1u << 20) /* stop reading a client whose answers pile up */

/* A TCP client: pipelined queries, answered in any order. */
struct fwd_tcp_conn {
	struct fwd_worker *w;
	struct bufferevent *bev;
	uint32_t id;
	unsigned idx;
};

/* One query retried over TCP towards an upstream. */
struct fwd_tcp_up {
	struct fwd_worker *w;
	struct bufferevent *bev;
	unsigned up;
	unsigned idx;
};

static uint8_t *
tcp_scratch(void)
{
	/* One per thread: workers never share it. */
	static __thread uint8_t buf[2 + 65535];

	return buf;
}

/* ------------------------------------------------------------ clients */

static void
conn_free(struct fwd_tcp_conn *c)
{
	c->w->conns[c->idx] = NULL;
	bufferevent_free(c->bev);
	free(c);
}

static void
conn_readable(struct bufferevent *bev, void *arg)
{
	struct fwd_tcp_conn *c = arg;
	struct fwd_worker *w = c->w;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t *out = tcp_scratch();

	w->now = hns_now();
	/* Every complete frame now: libevent calls again only when more bytes arrive. */
	for (;;) {
		uint8_t lenb[2];
		size_t have = evbuffer_get_length(in);

		if (have < 2 || evbuffer_copyout(in, lenb, 2) != 2)
			break;
		size_t n = dns_read_u16(lenb);

		if (have < 2 + n)
			break;
		uint8_t *p = evbuffer_pullup(in, (ev_ssize_t)(2 + n));
		struct fwd_client cl = { .conn = c->id };

		if (!p)
			break;
		w->io.tcp_queries++;
		size_t alen = fwd_core_query(w->core, &cl, p + 2, n, w->now, out + 2, 65535);

		evbuffer_drain(in, 2 + n);
		if (alen) {
			dns_write_u16(out, (uint16_t)alen);
			bufferevent_write(bev, out, 2 + alen);
		}
	}
	if (evbuffer_get_length(bufferevent_get_output(bev)) > OUT_LIMIT)
		bufferevent_disable(bev, EV_READ);
	fwd_worker_flush(w);
}

static void
conn_writable(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) <= OUT_LIMIT / 2)
		bufferevent_enable(bev, EV_READ);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_free(arg);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	struct fwd_worker *w = arg;
	unsigned idx;

	for (idx = 0; idx < FWD_TCP_CONNS; idx++)
		if (!w->conns[idx])
			break;

	struct fwd_tcp_conn *c = idx < FWD_TCP_CONNS ? calloc(1, sizeof(*c)) : NULL;

	if (!c) {
		w->io.tcp_conn_refused++;
		close(fd);
		return;
	}
	c->w = w;
	c->idx = idx;
	w->conn_gen++;
	if (w->conn_gen >= (1u << (32 - CONN_IDX_BITS)))
		w->conn_gen = 1;
	c->id = w->conn_gen << CONN_IDX_BITS | idx;
	c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	w->conns[idx] = c;
	w->io.tcp_conns++;

	struct timeval idle = { FWD_TCP_IDLE_S, 0 };

	bufferevent_setcb(c->bev, conn_readable, conn_writable, conn_event, c);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

void
fwd_tcp_answer(struct fwd_worker *w, uint32_t conn, const uint8_t *pkt, size_t len)
{
	struct fwd_tcp_conn *c = w->conns[conn & (FWD_TCP_CONNS - 1)];
	uint8_t lenb[2];

	if (!c || c->id != conn || len > 65535)
		return; /* the client went away */
	dns_write_u16(lenb, (uint16_t)len);
	bufferevent_write(c->bev, lenb, 2);
	bufferevent_write(c->bev, pkt, len);
}

/* ------------------------------------------------------------ upstreams */

static void
up_free(struct fwd_tcp_up *u)
{
	u->w->tcp_ups[u->idx] = NULL;
	bufferevent_free(u->bev);
	free(u);
}

static void
up_readable(struct bufferevent *bev, void *arg)
{
	struct fwd_tcp_up *u = arg;
	struct fwd_worker *w = u->w;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t lenb[2];
	size_t have = evbuffer_get_length(in);

	if (have < 2 || evbuffer_copyout(in, lenb, 2) != 2)
		return;
	size_t n = dns_read_u16(lenb);

	if (have < 2 + n)
		return;

	uint8_t *p = evbuffer_pullup(in, (ev_ssize_t)(2 + n));

	w->now = hns_now();
	if (p)
		fwd_core_reply(w->core, &w->cfg->upstreams[u->up].real, 0, true, p + 2, n, w->now);
	up_free(u);
	fwd_worker_flush(w);
}

static void
up_event(struct bufferevent *bev, short what, void *arg)
{
	struct fwd_tcp_up *u = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		u->w->io.upstream_tcp_failed++;
		up_free(u); /* the core's timeout moves the query on */
	}
}

void
fwd_tcp_upstream_send(struct fwd_worker *w, unsigned up, const uint8_t *pkt, size_t len)
{
	unsigned idx;

	for (idx = 0; idx < FWD_TCP_UPS; idx++)
		if (!w->tcp_ups[idx])
			break;
	if (idx == FWD_TCP_UPS) {
		w->io.upstream_tcp_failed++;
		return;
	}

	const struct hns_addr *to = &w->cfg->upstreams[up].real;
	int fd = w->src.family == to->family ? hns_tcp_connect_from(&w->src, to) : hns_tcp_connect(to);

	if (fd < 0) {
		w->io.upstream_tcp_failed++;
		return;
	}

	struct fwd_tcp_up *u = calloc(1, sizeof(*u));

	if (!u) {
		close(fd);
		return;
	}
	u->w = w;
	u->up = up;
	u->idx = idx;
	u->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!u->bev) {
		close(fd);
		free(u);
		return;
	}
	w->tcp_ups[idx] = u;
	w->io.upstream_tcp++;

	struct timeval tv = { UP_TIMEOUT_S, 0 };
	uint8_t lenb[2];

	dns_write_u16(lenb, (uint16_t)len);
	bufferevent_setcb(u->bev, up_readable, NULL, up_event, u);
	bufferevent_set_timeouts(u->bev, &tv, &tv);
	bufferevent_write(u->bev, lenb, 2);
	bufferevent_write(u->bev, pkt, len);
	bufferevent_enable(u->bev, EV_READ | EV_WRITE);
}

/* ------------------------------------------------------------ set-up */

int
fwd_tcp_worker_init(struct fwd_worker *w, const struct hns_addr *listen)
{
	w->tcp_fd = hns_tcp_listen(listen, HNS_SOCK_REUSEPORT | HNS_SOCK_NONBLOCK, 128);
	if (w->tcp_fd < 0)
		return w->tcp_fd;
	w->listener = evconnlistener_new(w->base, accept_cb, w, LEV_OPT_CLOSE_ON_FREE, 0, w->tcp_fd);
	if (!w->listener) {
		close(w->tcp_fd);
		w->tcp_fd = -1;
		return HNS_ENOMEM;
	}
	return 0;
}

void
fwd_tcp_worker_deinit(struct fwd_worker *w)
{
	for (unsigned i = 0; i < FWD_TCP_CONNS; i++)
		if (w->conns[i])
			conn_free(w->conns[i]);
	for (unsigned i = 0; i < FWD_TCP_UPS; i++)
		if (w->tcp_ups[i])
			up_free(w->tcp_ups[i]);
	if (w->listener)
		evconnlistener_free(w->listener); /* closes tcp_fd */
	w->listener = NULL;
	w->tcp_fd = -1;
}
