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

struct rslv_tcp_conn {
	struct rslv_server *s;
	struct rslv_listener *l;
	struct bufferevent *bev; /* NULL once closed */
	struct hns_addr peer;
	uint32_t slot; /* in s->tcp_gate */
	int refs;
	struct rslv_tcp_conn *next, **pprev;
};

static uint8_t tcp_in[RSLV_MSG_MAX];
static uint8_t tcp_out[2 + RSLV_MSG_MAX];
static struct rslv_handled tcp_h;

void
rslv_tcp_conn_ref(struct rslv_tcp_conn *c)
{
	c->refs++;
}

void
rslv_tcp_conn_unref(struct rslv_tcp_conn *c)
{
	if (--c->refs == 0)
		free(c);
}

static void
conn_close(struct rslv_tcp_conn *c)
{
	if (!c->bev)
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	hns_tcp_gate_release(c->s->tcp_gate, c->slot);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	rslv_tcp_conn_unref(c);
}

/* The gate closes it: idle past the timeout, or evicted for a new connection. */
static void
conn_close_cb(void *conn, enum hns_tcp_close why)
{
	conn_close(conn);
}

void
rslv_tcp_send(struct rslv_tcp_conn *c, const uint8_t *pkt, size_t len)
{
	uint8_t hdr[2];

	if (!c->bev || len > RSLV_MSG_MAX)
		return;
	hns_tcp_gate_touch(c->s->tcp_gate, c->slot, hns_now());
	dns_write_u16(hdr, (uint16_t)len);
	bufferevent_write(c->bev, hdr, 2);
	bufferevent_write(c->bev, pkt, len);
}

static void
conn_on_read(struct bufferevent *bev, void *arg)
{
	struct rslv_tcp_conn *c = arg;
	struct rslv_server *s = c->s;
	struct rslv_listener *l = c->l;
	struct evbuffer *in = bufferevent_get_input(bev);

	hns_tcp_gate_touch(s->tcp_gate, c->slot, hns_now());
	while (c->bev && evbuffer_get_length(in) >= 2) {
		uint8_t hdr[2];

		evbuffer_copyout(in, hdr, 2);
		size_t need = dns_read_u16(hdr);

		if (evbuffer_get_length(in) < 2 + need)
			break;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, tcp_in, need);
		atomic_fetch_add_explicit(&l->st.queries, 1, memory_order_relaxed);
		enum rslv_admit adm = rslv_listener_admit(s, l, &c->peer, hns_now());

		if (adm == RSLV_ADMIT_DROP)
			continue;
		if (adm == RSLV_ADMIT_REFUSE) {
			rslv_answer_refused(tcp_in, need, tcp_out + 2, RSLV_MSG_MAX, &tcp_h);
		} else {
			rslv_answer(s->w, l->spec.view, l->spec.from, tcp_in, need, true,
				    tcp_out + 2, RSLV_MSG_MAX, &tcp_h);
			if (tcp_h.parsed)
				rslv_trace_emit(l, &tcp_h);
		}
		if (tcp_h.verdict == RSLV_FORWARDED) {
			struct rslv_fwd_job job;

			rslv_job_fill(&job, l, &tcp_h);
			job.c.tcp = true;
			job.c.conn = c;
			job.c.addr = c->peer;
			rslv_fwd_submit_local(s, &job);
			atomic_fetch_add_explicit(&l->st.forwarded, 1, memory_order_relaxed);
			continue;
		}
		if (tcp_h.verdict != RSLV_REPLY) {
			if (!tcp_h.parsed) { /* not DNS: hang up */
				conn_close(c);
				return;
			}
			continue;
		}
		atomic_fetch_add_explicit(&l->st.answered, 1, memory_order_relaxed);
		rslv_listener_count_rcode(l, tcp_out + 2, tcp_h.len);
		if (s->qlog && tcp_h.parsed)
			rslv_qlog_answer(s, l, &c->peer, true, &tcp_h);
		rslv_tcp_send(c, tcp_out + 2, tcp_h.len);
	}
}

static void
conn_on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_close(arg);
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

	s->tcp_gate = calloc(1, sizeof(*s->tcp_gate));
	if (!s->tcp_gate)
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
		conn_close(s->conns);
	for (size_t i = 0; i < s->n_ls; i++) {
		if (s->ls[i].tcp)
			evconnlistener_free(s->ls[i].tcp);
		s->ls[i].tcp = NULL;
	}
	if (s->tcp_gate)
		hns_tcp_gate_deinit(s->tcp_gate);
	free(s->tcp_gate);
	s->tcp_gate = NULL;
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
