/*
 * vpn/io_tcp.c -- the TCP relays.
 *
 * Each accepted connection gets one to the relay's destination.  Bytes
 * read on one side are cut into chunks of at most TCP_CHUNK, each given a
 * delivery time by the tunnel model (VPN_PROTO_TCP: never dropped by MTU
 * or loss, held back by the ceilings, a retransmission's delay under
 * loss) and kept in order per direction; a timer per direction writes
 * them out when due.  An end of stream crosses the same way and becomes a
 * half-close on the other side once everything before it is written.
 * When no tunnel is usable the connection is closed (reset), as a real
 * TCP connection over a dead VPN eventually times out.
 *
 * The client's handshake completes at once with the relay, but over a
 * real VPN it costs a round trip (SYN across, SYN-ACK back) before data
 * can leave: data read before accept time + that round trip departs
 * when it would have completed.
 *
 * Client connections go through the vpn's gate (common/tcp_gate.h), as a
 * VPN gateway's or NAT's connection table would: at most
 * VPN_MAX_TCP_CONNS in all and VPN_TCP_PER_CLIENT per source address
 * (over it: closed at once; full: the oldest idle connection is evicted),
 * closed after VPN_TCP_IDLE_MS without a byte either way, less as the
 * table fills (down to VPN_TCP_IDLE_FLOOR_MS).
 *
 * This is the slow path (DNS over TCP is rare): chunks are allocated.
 */
#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/net.h"
#include "common/tcp_gate.h"
#include "common/trace.h"
#include "vpn/io.h"

#define TCP_CHUNK 16384
#define TCP_HIGH_WATER (1u << 20) /* stop reading a side with this much in flight */
/* Per source: a forwarder's TCP retries to all ENIs come from its one address. */
#define VPN_TCP_PER_CLIENT 256
#define VPN_TCP_IDLE_MS 30000 /* as a UDP flow (VPN_FLOW_IDLE_S) */
#define VPN_TCP_IDLE_FLOOR_MS 1000

struct tcp_chunk {
	struct tcp_chunk *next;
	hns_time_t at;
	size_t len;
	bool fin;
	uint8_t data[];
};

/* One direction: what was read from bev[i], on its way to bev[1 - i]. */
struct tcp_side {
	struct tcp_chunk *head, *tail;
	size_t pending;
	hns_time_t last;
	struct event *timer;
	bool fin_read, fin_sent, shut_pending, shut_done;
};

struct vpn_tcp_conn {
	struct vpn *v;
	struct vpn_relay *r;
	struct vpn_tcp_conn *prev, *next;
	struct bufferevent *bev[2]; /* 0: the client, 1: the destination */
	struct tcp_side side[2];
	hns_time_t open_at; /* the relayed handshake completes: data departs no earlier */
	uint32_t slot;	    /* in v->tcp_gate */
};

static enum vpn_dir
side_dir(const struct vpn_tcp_conn *c, int i)
{
	if (i == 0)
		return c->r->dir;
	return c->r->dir == VPN_TO_AWS ? VPN_TO_ONPREM : VPN_TO_AWS;
}

static void
conn_free(struct vpn_tcp_conn *c)
{
	struct vpn *v = c->v;

	for (int i = 0; i < 2; i++) {
		struct tcp_side *s = &c->side[i];

		while (s->head) {
			struct tcp_chunk *k = s->head;

			s->head = k->next;
			free(k);
		}
		if (s->timer)
			event_free(s->timer);
		if (c->bev[i])
			bufferevent_free(c->bev[i]);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		v->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	v->n_conns--;
	hns_tcp_gate_release(v->tcp_gate, c->slot);
	free(c);
}

/* The gate closes it: idle past the timeout, or evicted for a new connection. */
static void
conn_close_cb(void *conn, enum hns_tcp_close why)
{
	struct vpn_tcp_conn *c = conn;

	if (why == HNS_TCP_CLOSE_EVICTED)
		c->r->st.tcp_evicted++;
	else
		c->r->st.tcp_idle_closed++;
	conn_free(c);
}

/* Both ends closed and everything written: the connection is done. */
static bool
conn_maybe_done(struct vpn_tcp_conn *c)
{
	for (int i = 0; i < 2; i++) {
		if (!c->side[i].shut_done)
			return false;
	}
	conn_free(c);
	return true;
}

hns_time_t
vpn_tcp_next_due(const struct vpn *v)
{
	hns_time_t first = 0;

	for (const struct vpn_tcp_conn *c = v->conns; c; c = c->next) {
		for (int i = 0; i < 2; i++) {
			const struct tcp_chunk *k = c->side[i].head;

			if (k && (!first || k->at < first))
				first = k->at;
		}
	}
	return first;
}

static void
side_arm(struct vpn_tcp_conn *c, int i)
{
	struct tcp_side *s = &c->side[i];
	hns_time_t now = hns_now(), d;
	struct timeval tv;

	if (!s->head)
		return;
	d = s->head->at > now ? s->head->at - now : 0;
	tv.tv_sec = (time_t)(d / HNS_NSEC_PER_SEC);
	tv.tv_usec = (suseconds_t)((d % HNS_NSEC_PER_SEC) / HNS_NSEC_PER_USEC);
	event_base_update_cache_time(c->v->base);
	evtimer_add(s->timer, &tv);
}

/* Queue len bytes (or an end of stream) read from side i; false when the conn was freed. */
static bool
side_push(struct vpn_tcp_conn *c, int i, struct evbuffer *in, size_t len, bool fin)
{
	struct tcp_side *s = &c->side[i];
	struct vpn_verdict vd;
	struct tcp_chunk *k;
	hns_time_t now = hns_now();

	vpn_tunnels_decide(&c->v->ts, side_dir(c, i), len, VPN_PROTO_TCP, now, &vd);
	if (hns_trace_enabled && len > 0)
		vpn_trace_verdict(c->v, side_dir(c, i), len, VPN_PROTO_TCP, &vd, now);
	if (vd.drop != VPN_PASS) {
		conn_free(c);
		return false;
	}
	if (now < c->open_at)
		vd.at += c->open_at - now;
	k = malloc(sizeof(*k) + len);
	if (!k) {
		conn_free(c);
		return false;
	}
	k->next = NULL;
	k->at = vd.at > s->last ? vd.at : s->last;
	s->last = k->at;
	k->len = len;
	k->fin = fin;
	if (len > 0)
		evbuffer_remove(in, k->data, len);
	if (s->tail)
		s->tail->next = k;
	else
		s->head = k;
	s->tail = k;
	s->pending += len;
	if (s->head == k)
		side_arm(c, i);
	return true;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct vpn_tcp_conn *c = arg;
	int i = bev == c->bev[0] ? 0 : 1;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;

	hns_tcp_gate_touch(c->v->tcp_gate, c->slot, hns_now());
	while ((len = evbuffer_get_length(in)) > 0) {
		if (len > TCP_CHUNK)
			len = TCP_CHUNK;
		if (!side_push(c, i, in, len, false))
			return;
	}
	if (c->side[i].pending > TCP_HIGH_WATER)
		bufferevent_disable(bev, EV_READ);
}

static void
side_shutdown(struct vpn_tcp_conn *c, int i)
{
	struct bufferevent *out = c->bev[1 - i];

	shutdown(bufferevent_getfd(out), SHUT_WR);
	c->side[i].shut_pending = false;
	c->side[i].shut_done = true;
}

/* Write what is due from side i to the other end. */
static void
side_deliver(struct vpn_tcp_conn *c, int i)
{
	struct tcp_side *s = &c->side[i];
	struct bufferevent *out = c->bev[1 - i];
	hns_time_t now = hns_now();

	while (s->head && s->head->at <= now) {
		struct tcp_chunk *k = s->head;

		s->head = k->next;
		if (!s->head)
			s->tail = NULL;
		if (k->fin) {
			s->fin_sent = true;
			if (evbuffer_get_length(bufferevent_get_output(out)) == 0)
				side_shutdown(c, i);
			else
				s->shut_pending = true;
		} else {
			hns_tcp_gate_touch(c->v->tcp_gate, c->slot, now);
			bufferevent_write(out, k->data, k->len);
			s->pending -= k->len;
			c->r->st.tcp_bytes += k->len;
		}
		free(k);
	}
	if (s->pending <= TCP_HIGH_WATER / 2 && !s->fin_read)
		bufferevent_enable(c->bev[i], EV_READ);
	if (conn_maybe_done(c))
		return;
	side_arm(c, i);
}

static void
on_timer0(evutil_socket_t unused, short what, void *arg)
{
	side_deliver(arg, 0);
}

static void
on_timer1(evutil_socket_t unused, short what, void *arg)
{
	side_deliver(arg, 1);
}

static void
on_write(struct bufferevent *bev, void *arg)
{
	struct vpn_tcp_conn *c = arg;
	int j = bev == c->bev[0] ? 0 : 1; /* bev[j] drained: side 1 - j feeds it */
	struct tcp_side *s = &c->side[1 - j];

	if (s->shut_pending) {
		side_shutdown(c, 1 - j);
		conn_maybe_done(c);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct vpn_tcp_conn *c = arg;
	int i = bev == c->bev[0] ? 0 : 1;

	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_enable(bev, EV_READ | EV_WRITE);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		conn_free(c);
		return;
	}
	if ((what & BEV_EVENT_EOF) && !c->side[i].fin_read) {
		struct evbuffer *in = bufferevent_get_input(bev);
		size_t len;

		/* What arrived with the end of stream goes first. */
		while ((len = evbuffer_get_length(in)) > 0) {
			if (!side_push(c, i, in, len > TCP_CHUNK ? TCP_CHUNK : len, false))
				return;
		}
		c->side[i].fin_read = true;
		bufferevent_disable(bev, EV_READ);
		side_push(c, i, in, 0, true);
	}
}

/* The round trip of the tunnels that carry a SYN in direction dir and its SYN-ACK back. */
static hns_time_t
handshake_rtt(const struct vpn *v, enum vpn_dir dir)
{
	enum vpn_dir back = dir == VPN_TO_AWS ? VPN_TO_ONPREM : VPN_TO_AWS;
	int a = vpn_tunnels_select(&v->ts, dir), b = vpn_tunnels_select(&v->ts, back);

	return (a >= 0 ? v->ts.t[a].latency_ns : 0) + (b >= 0 ? v->ts.t[b].latency_ns : 0);
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int salen,
	  void *arg)
{
	struct vpn_relay *r = arg;
	struct vpn *v = r->v;
	struct vpn_tcp_conn *c;
	uint32_t slot;
	int up, rc;

	if (vpn_tunnels_select(&v->ts, r->dir) < 0) {
		/* No tunnel: the SYN would not get through either. */
		r->st.tcp_refused++;
		close(fd);
		return;
	}
	rc = hns_tcp_gate_admit(v->tcp_gate, fd, sa, &slot);
	if (rc < 0) { /* closed at once */
		r->st.tcp_refused++;
		if (rc == HNS_EACCES)
			r->st.tcp_refused_per_client++;
		return;
	}
	/* From the client's own address, as the UDP relay does: the far side sees who asks (R8). */
	struct hns_addr client;

	if (hns_addr_from_sockaddr(&client, sa) == 0 && client.family == r->dest.family)
		up = hns_tcp_connect_from(&client, &r->dest);
	else
		up = hns_tcp_connect(&r->dest);
	if (up < 0) {
		r->st.tcp_refused++;
		hns_tcp_gate_release(v->tcp_gate, slot);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto fail;
	c->v = v;
	c->r = r;
	c->slot = slot;
	c->open_at = hns_now() + handshake_rtt(v, r->dir);
	c->bev[0] = bufferevent_socket_new(v->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev[0])
		goto fail;
	fd = -1;
	c->bev[1] = bufferevent_socket_new(v->base, up, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev[1])
		goto fail;
	up = -1;
	c->side[0].timer = evtimer_new(v->base, on_timer0, c);
	c->side[1].timer = evtimer_new(v->base, on_timer1, c);
	if (!c->side[0].timer || !c->side[1].timer)
		goto fail;
	for (int i = 0; i < 2; i++)
		bufferevent_setcb(c->bev[i], on_read, on_write, on_event, c);
	/* The connect is in progress: libevent reports BEV_EVENT_CONNECTED. */
	if (bufferevent_socket_connect(c->bev[1], NULL, 0) != 0)
		goto fail;
	bufferevent_enable(c->bev[0], EV_READ | EV_WRITE);
	c->next = v->conns;
	if (v->conns)
		v->conns->prev = c;
	v->conns = c;
	v->n_conns++;
	hns_tcp_gate_set_conn(v->tcp_gate, slot, c);
	r->st.tcp_conns++;
	return;
fail:
	r->st.tcp_refused++;
	hns_tcp_gate_release(v->tcp_gate, slot);
	if (c) {
		for (int i = 0; i < 2; i++) {
			if (c->side[i].timer)
				event_free(c->side[i].timer);
			if (c->bev[i])
				bufferevent_free(c->bev[i]);
		}
		free(c);
	}
	if (fd >= 0)
		close(fd);
	if (up >= 0)
		close(up);
}

/* The vpn's gate, set up with its first relay. */
static int
gate_get(struct vpn *v)
{
	static const struct hns_tcp_guard_conf gc = {
		.max_conns = VPN_MAX_TCP_CONNS,
		.per_source = VPN_TCP_PER_CLIENT,
		.idle = VPN_TCP_IDLE_MS * HNS_NSEC_PER_MSEC,
		.idle_floor = VPN_TCP_IDLE_FLOOR_MS * HNS_NSEC_PER_MSEC,
	};
	int rc;

	if (v->tcp_gate)
		return 0;
	v->tcp_gate = calloc(1, sizeof(*v->tcp_gate));
	if (!v->tcp_gate)
		return HNS_ENOMEM;
	/* Two descriptors per connection: the client's and the one to the destination. */
	rc = hns_tcp_gate_init(v->tcp_gate, v->base, &gc, 2, conn_close_cb);
	if (rc < 0) {
		free(v->tcp_gate);
		v->tcp_gate = NULL;
	}
	return rc;
}

int
vpn_tcp_relay_open(struct vpn *v, struct vpn_relay *r)
{
	int rc = gate_get(v), fd;

	if (rc < 0)
		return rc;
	fd = hns_tcp_listen(&r->listen, HNS_SOCK_NONBLOCK, HNS_TCP_GATE_BACKLOG);
	if (fd < 0)
		return fd;
	r->listener = hns_tcp_gate_listen(v->tcp_gate, fd, LEV_OPT_CLOSE_ON_FREE, on_accept, r);
	if (!r->listener)
		return HNS_ENOMEM; /* fd closed */
	r->tcp_fd = fd;
	return 0;
}

void
vpn_tcp_relay_close(struct vpn_relay *r)
{
	if (r->listener)
		evconnlistener_free(r->listener);
	r->listener = NULL;
	r->tcp_fd = -1;
}

void
vpn_tcp_conns_free(struct vpn *v)
{
	while (v->conns)
		conn_free(v->conns);
	if (v->tcp_gate)
		hns_tcp_gate_deinit(v->tcp_gate);
	free(v->tcp_gate);
	v->tcp_gate = NULL;
}

uint64_t
vpn_tcp_fd_exhausted(const struct vpn *v)
{
	return v->tcp_gate ? v->tcp_gate->fd_exhausted : 0;
}
