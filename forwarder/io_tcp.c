/*
 * forwarder/io_tcp.c -- TCP clients and TCP retries towards upstreams.
 *
 * Client connections go through the worker's gate (common/tcp_gate.h):
 * a per-source and a total ceiling checked at accept (over the per-source
 * one: closed at once; full: the oldest idle connection is evicted for the
 * new one), and an idle timeout that shrinks as the table fills, applied
 * by the gate's sweep timer (reading a query or writing an answer is
 * activity).  Each connection is allocated once when accepted; queries on
 * it allocate nothing.
 */
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
#include "common/tcp_gate.h"
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
	hns_tcp_gate_release(&c->w->tcp_gate, c->idx);
	bufferevent_free(c->bev);
	free(c);
}

/* The gate closes it: idle past the timeout, or the oldest idle one when the table is full. */
static void
conn_close_cb(void *conn, enum hns_tcp_close why)
{
	conn_free(conn);
}

static void
conn_readable(struct bufferevent *bev, void *arg)
{
	struct fwd_tcp_conn *c = arg;
	struct fwd_worker *w = c->w;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t *out = tcp_scratch();

	w->now = hns_now();
	hns_tcp_gate_touch(&w->tcp_gate, c->idx, w->now);
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
	struct fwd_tcp_conn *c;
	uint32_t idx;

	if (hns_tcp_gate_admit(&w->tcp_gate, fd, sa, &idx) < 0)
		return; /* closed at once, counted by cause */
	c = calloc(1, sizeof(*c));
	if (c)
		c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c || !c->bev) {
		w->io.tcp_conn_refused++;
		hns_tcp_gate_release(&w->tcp_gate, idx);
		close(fd);
		free(c);
		return;
	}
	c->w = w;
	c->idx = idx;
	w->conn_gen++;
	if (w->conn_gen >= (1u << (32 - CONN_IDX_BITS)))
		w->conn_gen = 1;
	c->id = w->conn_gen << CONN_IDX_BITS | idx;
	w->conns[idx] = c;
	hns_tcp_gate_set_conn(&w->tcp_gate, idx, c);
	w->io.tcp_conns++;
	/* No bufferevent timeouts: the gate's sweep closes idle connections. */
	bufferevent_setcb(c->bev, conn_readable, conn_writable, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

void
fwd_tcp_answer(struct fwd_worker *w, uint32_t conn, const uint8_t *pkt, size_t len)
{
	struct fwd_tcp_conn *c = w->conns[conn & (FWD_TCP_CONNS - 1)];
	uint8_t lenb[2];

	if (!c || c->id != conn || len > 65535)
		return; /* the client went away */
	hns_tcp_gate_touch(&w->tcp_gate, c->idx, w->now);
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

/* This worker's share of a per-forwarder setting (rounded up, at least 1). */
static uint32_t
worker_share(const struct fwd_worker *w, uint32_t total)
{
	unsigned n = w->n_workers ? w->n_workers : 1;

	return (total + n - 1) / n;
}

int
fwd_tcp_worker_init(struct fwd_worker *w, const struct hns_addr *listen)
{
	struct hns_tcp_guard_conf gc = {
		.max_conns = worker_share(w, FWD_TCP_MAX_CONNS),
		.per_source = worker_share(w, FWD_TCP_PER_CLIENT),
		.idle = FWD_TCP_IDLE_MS * HNS_NSEC_PER_MSEC,
		.idle_floor = FWD_TCP_IDLE_FLOOR_MS * HNS_NSEC_PER_MSEC,
	};
	int rc;

	if (gc.max_conns > FWD_TCP_CONNS)
		gc.max_conns = FWD_TCP_CONNS;
	rc = hns_tcp_gate_init(&w->tcp_gate, w->base, &gc, 1, conn_close_cb);
	if (rc < 0)
		return rc;
	w->tcp_fd = hns_tcp_listen(listen, HNS_SOCK_REUSEPORT | HNS_SOCK_NONBLOCK,
				   HNS_TCP_GATE_BACKLOG);
	if (w->tcp_fd < 0)
		return w->tcp_fd;
	w->listener = hns_tcp_gate_listen(&w->tcp_gate, w->tcp_fd, LEV_OPT_CLOSE_ON_FREE, accept_cb, w);
	if (!w->listener) {
		w->tcp_fd = -1; /* closed */
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
	hns_tcp_gate_deinit(&w->tcp_gate);
}
