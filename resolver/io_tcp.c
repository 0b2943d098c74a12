#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/net.h"
#include "common/tcp_gate.h"
#include "resolver/internal.h"

/*
 * TCP on the main thread: 2-byte length framing, any number of queries per
 * connection answered as they are read (pipelining; forwarded ones answer
 * when the upstream does, so answers may come out of order, as RFC 7766
 * allows).
 *
 * Every listener's connections go through one gate (common/tcp_gate.h):
 * at most RSLV_TCP_MAX_CONNS in all and RSLV_TCP_PER_CLIENT per source
 * address (over it: closed at once; full: the oldest idle one is evicted),
 * closed after RSLV_TCP_IDLE_MS without a query or an answer, less as the
 * table fills (down to RSLV_TCP_IDLE_FLOOR_MS).  The per-source ceiling is
 * generous because the main client of an ENI is a forwarder, whose TCP
 * retries all come from its one address (through a relay that keeps it).
 */

#define RSLV_TCP_MAX_CONNS 1024
#define RSLV_TCP_PER_CLIENT 256
#define RSLV_TCP_IDLE_MS 10000
#define RSLV_TCP_IDLE_FLOOR_MS 200

/* The main thread's query and answer (TCP answers are built here, then framed). */
struct rslv_tcp_bufs {
	uint8_t in[RSLV_MSG_MAX];
	uint8_t out[RSLV_MSG_MAX];
	struct rslv_handled h;
};

/* The gate closes it: idle past the timeout, or evicted for a new connection. */
static void
conn_close_cb(void *conn, enum hns_tcp_close why)
{
	rslv_tcp_conn_close(conn);
}

static void
conn_on_read(struct bufferevent *bev, void *arg)
{
	struct rslv_tcp_conn *c = arg;
	struct rslv_server *s = c->s;
	struct rslv_tcp_bufs *tb = s->tcp_bufs;
	struct evbuffer *in = bufferevent_get_input(bev);
	const struct rslv_peer p = {.addr = c->peer, .tcp = true, .fd = -1, .conn = c};

	hns_tcp_gate_touch(s->tcp_gate, c->slot, hns_now());
	while (c->bev && evbuffer_get_length(in) >= 2) {
		uint8_t hdr[2];

		evbuffer_copyout(in, hdr, 2);
		size_t need = dns_read_u16(hdr);

		if (evbuffer_get_length(in) < 2 + need)
			break;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, tb->in, need);
		switch (rslv_handle(s, c->l, &c->l->st, &p, tb->in, need, tb->out, RSLV_MSG_MAX,
				    hns_now(), &tb->h)) {
		case RSLV_STEP_SEND:
			rslv_tcp_send(c, tb->out, tb->h.len);
			break;
		case RSLV_STEP_HANGUP:
			rslv_tcp_conn_close(c);
			return;
		case RSLV_STEP_NONE:
			break;
		}
	}
}

static void
conn_on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		rslv_tcp_conn_close(arg);
}

static void tcp_on_accept_srv(struct evconnlistener *lev, evutil_socket_t fd,
			      struct sockaddr *sa, int salen, void *arg);

int
rslv_tcp_start(struct rslv_server *s)
{
	static const struct hns_tcp_guard_conf gc = {
		.max_conns = RSLV_TCP_MAX_CONNS,
		.per_source = RSLV_TCP_PER_CLIENT,
		.idle = RSLV_TCP_IDLE_MS * HNS_NSEC_PER_MSEC,
		.idle_floor = RSLV_TCP_IDLE_FLOOR_MS * HNS_NSEC_PER_MSEC,
	};
	int rc;

	s->tcp_bufs = malloc(sizeof(*s->tcp_bufs));
	s->tcp_gate = calloc(1, sizeof(*s->tcp_gate));
	if (!s->tcp_bufs || !s->tcp_gate)
		return HNS_ENOMEM;
	rc = hns_tcp_gate_init(s->tcp_gate, s->o.base, &gc, 1, conn_close_cb);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < s->n_ls; i++) {
		struct rslv_listener *l = &s->ls[i];
		int fd = hns_tcp_listen(&l->spec.real, HNS_SOCK_NONBLOCK, HNS_TCP_GATE_BACKLOG);

		if (fd < 0) {
			char a[HNS_ADDR_STRLEN];

			hns_err(HNS_SUB_RESOLVER, "tcp %s (%s): %s",
				hns_addr_port_str(&l->spec.real, a, sizeof(a)), l->spec.label,
				hns_strerror(fd));
			return fd;
		}
		l->tcp = hns_tcp_gate_listen(s->tcp_gate, fd, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
					     tcp_on_accept_srv, s);
		if (!l->tcp)
			return HNS_ENOMEM; /* fd closed */
	}
	return 0;
}

static void
tcp_on_accept_srv(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		  int salen, void *arg)
{
	struct rslv_server *s = arg;
	struct rslv_listener *l = NULL;
	struct rslv_tcp_conn *c;
	uint32_t slot;

	for (size_t i = 0; i < s->n_ls; i++)
		if (s->ls[i].tcp == lev)
			l = &s->ls[i];
	if (!l) {
		close(fd);
		return;
	}
	if (hns_tcp_gate_admit(s->tcp_gate, fd, sa, &slot) < 0)
		return; /* closed at once, counted by cause */
	c = calloc(1, sizeof(*c));
	if (c)
		c->bev = bufferevent_socket_new(s->o.base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c || !c->bev) {
		hns_tcp_gate_release(s->tcp_gate, slot);
		close(fd);
		free(c);
		return;
	}
	c->s = s;
	c->l = l;
	c->slot = slot;
	c->refs = 1;
	hns_addr_from_sockaddr(&c->peer, sa);
	c->next = s->conns;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &s->conns;
	s->conns = c;
	hns_tcp_gate_set_conn(s->tcp_gate, slot, c);
	/* No bufferevent timeouts: the gate's sweep closes idle connections. */
	bufferevent_setcb(c->bev, conn_on_read, NULL, conn_on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

void
rslv_tcp_stop(struct rslv_server *s)
{
	while (s->conns)
		rslv_tcp_conn_close(s->conns);
	for (size_t i = 0; i < s->n_ls; i++) {
		if (s->ls[i].tcp)
			evconnlistener_free(s->ls[i].tcp);
		s->ls[i].tcp = NULL;
	}
	if (s->tcp_gate)
		hns_tcp_gate_deinit(s->tcp_gate);
	free(s->tcp_gate);
	s->tcp_gate = NULL;
	free(s->tcp_bufs);
	s->tcp_bufs = NULL;
}

void
rslv_tcp_stats(const struct rslv_server *s, FILE *out)
{
	static const struct hns_tcp_guard_stats none;
	const struct hns_tcp_guard_stats *g = s->tcp_gate ? hns_tcp_gate_stats(s->tcp_gate) : &none;

	fprintf(out,
		"{\"open\":%u,\"refused_per_client\":%llu,\"refused_full\":%llu,"
		"\"evicted\":%llu,\"idle_closed\":%llu,\"fd_exhausted\":%llu}",
		s->tcp_gate ? hns_tcp_gate_count(s->tcp_gate) : 0,
		(unsigned long long)g->refused_per_source, (unsigned long long)g->refused_full,
		(unsigned long long)g->evicted, (unsigned long long)g->idle_closed,
		(unsigned long long)(s->tcp_gate ? s->tcp_gate->fd_exhausted : 0));
}
