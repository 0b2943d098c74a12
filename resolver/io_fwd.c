#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/net.h"
#include "common/rand.h"
#include "dns/chain.h"
#include "dns/msg.h"
#include "resolver/internal.h"
#include "resolver/outbound.h"

/*
 * The I/O of forwarding through outbound endpoints (R3, R14), on the main
 * thread: the queue workers hand forwarded queries over, one UDP socket
 * per outbound ENI (and a fallback one), one timer for the engine's
 * earliest deadline, and the sends to clients.  What is sent, retried,
 * coalesced and cached is decided by the I/O-free engine of
 * resolver/outbound.h.
 */

#define FWD_QUEUE 4096

struct fwd_sock {
	const struct model_eni *eni; /* NULL: the fallback socket */
	int fd;
	struct event *ev;
};

struct rslv_fwd {
	struct rslv_server *s;
	int efd;
	struct event *efd_ev;
	pthread_mutex_t mu;
	struct rslv_fwd_job *queue; /* ring */
	size_t qhead, qn;
	struct rslv_ob *ob;
	struct event *timer; /* the engine's earliest deadline */
	hns_time_t timer_at; /* 0: not armed */
	struct fwd_sock *socks;
	size_t n_socks;
	struct hns_prng prng; /* ENI choice */
	uint8_t buf[RSLV_MSG_MAX];
	uint8_t out[RSLV_MSG_MAX];
	uint8_t tmp[RSLV_MSG_MAX];
	uint8_t head[RSLV_MSG_MAX]; /* a chased CNAME's chain, before its target's answer */
	struct rslv_fwd_job batch[64];
};

void
rslv_job_fill(struct rslv_fwd_job *j, struct rslv_listener *l, const struct rslv_handled *h)
{
	memset(&j->c, 0, sizeof(j->c));
	j->c.l = l;
	j->c.fd = -1;
	j->c.id = h->q.hdr.id;
	j->c.qtype = h->q.q.qtype;
	memcpy(j->c.qname, h->q.q.name, h->q.q.name_len);
	j->c.qname_len = h->q.q.name_len;
	j->c.has_edns = h->q.has_edns;
	j->c.edns_do = h->q.edns_do;
	j->c.udp_limit = (uint16_t)rslv_udp_limit(&h->q);
	if (h->res.fwd_name) {
		/* a chased CNAME: the target goes upstream, the chain waits with the client */
		j->c.chain = h->res.answer;
		memcpy(j->lname, h->res.fwd_name, h->res.fwd_name_len);
		j->lname_len = h->res.fwd_name_len;
	} else {
		memcpy(j->lname, h->lname, h->q.q.name_len);
		j->lname_len = h->q.q.name_len;
	}
	j->qtype = h->q.q.qtype;
	j->rule = h->res.rule;
	j->view = l->spec.view;
}

static void
client_send(struct rslv_fwd *f, struct rslv_client *c, uint8_t *pkt, size_t len)
{
	rslv_listener_count_rcode(c->l, pkt, len);
	if (c->tcp) {
		rslv_tcp_send(c->conn, pkt, len);
		rslv_tcp_conn_unref(c->conn);
		c->conn = NULL;
		return;
	}
	if (len > c->udp_limit) {
		size_t t = dns_msg_truncate(pkt, len, c->has_edns, RSLV_EDNS_SIZE, f->tmp, sizeof(f->tmp));

		if (!t)
			return;
		pkt = f->tmp;
		len = t;
	}
	struct sockaddr_storage ss;
	socklen_t sl = hns_addr_to_sockaddr(&c->addr, &ss);

	(void)sendto(c->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl);
}

/*
 * The length of pkt without its OPT record when the OPT is the last record
 * (where every server puts it), else len: a client that sent no OPT must
 * not get one (RFC 6891 7).
 */
static size_t
strip_last_opt(uint8_t *pkt, size_t len)
{
	struct dns_cursor c;
	struct dns_header h;
	size_t last = 0;
	uint16_t last_type = 0;

	if (dns_header_parse(pkt, len, &h) != 0 || h.arcount == 0)
		return len;
	dns_cursor_init(&c, pkt, len);
	dns_cursor_skip(&c, DNS_HEADER_LEN);
	for (unsigned i = 0; i < h.qdcount; i++) {
		dns_cursor_name(&c, NULL);
		dns_cursor_skip(&c, 4);
	}
	for (unsigned i = 0; i < (unsigned)h.ancount + h.nscount + h.arcount; i++) {
		last = c.pos;
		dns_cursor_name(&c, NULL);
		last_type = dns_cursor_u16(&c);
		dns_cursor_skip(&c, 6);
		dns_cursor_skip(&c, dns_cursor_u16(&c));
	}
	if (c.err || last_type != DNS_TYPE_OPT || c.pos != len)
		return len;
	dns_write_u16(pkt + 10, (uint16_t)(h.arcount - 1));
	return last;
}

/* An answer (from upstream or the cache) to one client: its ID, its spelling. */
static void
client_answer(struct rslv_fwd *f, struct rslv_client *c, const uint8_t *pkt, size_t len)
{
	memcpy(f->out, pkt, len);
	if (!c->has_edns)
		len = strip_last_opt(f->out, len);
	dns_msg_set_id(f->out, c->id);
	dns_msg_set_qname_case(f->out, len, c->qname, c->qname_len);
	/* a recursive resolver's answer: RA set, AA clear */
	uint16_t flags = dns_read_u16(f->out + 2);

	dns_write_u16(f->out + 2, (uint16_t)((flags | DNS_FLAG_RA) & ~DNS_FLAG_AA));
	client_send(f, c, f->out, len);
}

static void
client_error(struct rslv_fwd *f, struct rslv_client *c, uint8_t rcode)
{
	uint8_t *p = f->out;
	size_t len;

	memset(p, 0, DNS_HEADER_LEN);
	dns_write_u16(p, c->id);
	dns_write_u16(p + 2, (uint16_t)(DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | rcode));
	dns_write_u16(p + 4, 1);
	len = DNS_HEADER_LEN;
	memcpy(p + len, c->qname, c->qname_len);
	len += c->qname_len;
	dns_write_u16(p + len, c->qtype);
	dns_write_u16(p + len + 2, DNS_CLASS_IN);
	len += 4;
	if (c->has_edns)
		len = dns_append_opt(p, len, sizeof(f->out), RSLV_EDNS_SIZE, c->edns_do);
	client_send(f, c, p, len);
}

/* The socket of a random ENI of the rule's outbound endpoint (else the fallback one). */
static struct fwd_sock *
sock_for(struct rslv_fwd *f, const struct model_rule *r)
{
	struct fwd_sock *pick[8];
	size_t n = 0;

	for (size_t i = 0; i < f->n_socks && n < 8; i++) {
		if (!f->socks[i].eni || !r->endpoint)
			continue;
		for (size_t k = 0; k < r->endpoint->n_enis; k++)
			if (&r->endpoint->enis[k] == f->socks[i].eni)
				pick[n++] = &f->socks[i];
	}
	if (!n)
		return &f->socks[f->n_socks - 1]; /* the fallback socket */
	return pick[hns_prng_below(&f->prng, (uint32_t)n)];
}

/* The engine's actions (resolver/outbound.h). */
static bool
ob_send(void *arg, const struct model_rule *r, unsigned target, const uint8_t *pkt, size_t len)
{
	struct rslv_fwd *f = arg;
	const struct hns_addr *dst = f->s->o.route(f->s->o.arg, &r->targets[target]);

	if (!dst || !hns_net_dest_allowed(dst))
		return false; /* nothing listens there: like a target that never answers */

	struct fwd_sock *so = sock_for(f, r);
	struct sockaddr_storage ss;
	socklen_t sl = hns_addr_to_sockaddr(dst, &ss);

	return sendto(so->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) >= 0;
}

static void ob_fail(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype);

/*
 * The answer to a chased CNAME's target, behind the chain: the client's
 * question and the chain (as the view answers it), then the target's
 * answer and authority records (dns_chain_join) into f->out.  0 when it
 * does not parse.
 */
static size_t
chain_answer(struct rslv_fwd *f, const struct rslv_client *c, const uint8_t *pkt, size_t len)
{
	struct dns_query q = {
		.hdr = { .id = c->id, .flags = DNS_FLAG_RD, .qdcount = 1 },
		.q = { .name_len = c->qname_len, .qtype = c->qtype, .qclass = DNS_CLASS_IN },
	};
	struct rslv_result res = { .action = RSLV_ANSWER, .answer = c->chain };
	size_t hlen;

	memcpy(q.q.name, c->qname, c->qname_len);
	hlen = rslv_reply_write(&q, &res, true, f->head, sizeof(f->head));
	if (!hlen)
		return 0;
	return dns_chain_join(f->head, hlen, pkt, len, c->has_edns, RSLV_EDNS_SIZE, c->edns_do,
			      f->out, sizeof(f->out));
}

static void
ob_answer(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype,
	  const uint8_t *pkt, size_t len, bool cached)
{
	struct rslv_fwd *f = arg;

	if (c->chain) {
		size_t n = chain_answer(f, c, pkt, len);

		if (!n) {
			ob_fail(arg, c, r, qtype);
			return;
		}
		if (cached)
			rslv_listener_count_cache_hit(c->l);
		else if (f->s->qlog)
			rslv_qlog_packet(f->s, c->l, &c->addr, c->tcp, c->qname, c->qname_len, qtype,
					 f->out, n, r);
		client_send(f, c, f->out, n);
		return;
	}

	if (cached)
		rslv_listener_count_cache_hit(c->l);
	else if (f->s->qlog)
		rslv_qlog_packet(f->s, c->l, &c->addr, c->tcp, c->qname, c->qname_len, qtype, pkt,
				 len, r);
	client_answer(f, c, pkt, len);
}

static void
ob_fail(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype)
{
	struct rslv_fwd *f = arg;

	client_error(f, c, DNS_RCODE_SERVFAIL);
	if (f->s->qlog)
		rslv_qlog_packet(f->s, c->l, &c->addr, c->tcp, c->qname, c->qname_len, qtype, NULL,
				 0, r);
}

static void
ob_drop(void *arg, struct rslv_client *c)
{
	if (c->tcp && c->conn)
		rslv_tcp_conn_unref(c->conn);
	c->conn = NULL;
}

static const struct rslv_ob_ops ob_ops = { ob_send, ob_answer, ob_fail, ob_drop };

/* After every callback: the one timer follows the engine's earliest deadline. */
static void
timer_sync(struct rslv_fwd *f, hns_time_t now)
{
	hns_time_t next = rslv_ob_next_deadline(f->ob);

	if (next == f->timer_at)
		return;
	f->timer_at = next;
	if (!next) {
		event_del(f->timer);
		return;
	}

	hns_time_t d = next > now ? next - now : 0;
	struct timeval tv = { (time_t)(d / HNS_NSEC_PER_SEC),
			      (suseconds_t)(d % HNS_NSEC_PER_SEC / HNS_NSEC_PER_USEC) };

	evtimer_add(f->timer, &tv);
}

static void
fwd_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_fwd *f = arg;
	hns_time_t now = hns_now();

	f->timer_at = 0;
	rslv_ob_expire(f->ob, now);
	timer_sync(f, now);
}

static void
fwd_handle(struct rslv_fwd *f, const struct rslv_fwd_job *j, hns_time_t now)
{
	rslv_ob_query(f->ob, &j->c, j->lname, j->lname_len, j->qtype, j->rule, now);
}

static void
fwd_on_upstream(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_fwd *f = arg;
	hns_time_t now = hns_now();

	for (int round = 0; round < 64; round++) {
		ssize_t n = recv(fd, f->buf, sizeof(f->buf), MSG_DONTWAIT);

		if (n < DNS_HEADER_LEN)
			break;
		rslv_ob_reply(f->ob, f->buf, (size_t)n, now);
	}
	timer_sync(f, now);
}

static void
fwd_on_queue(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_fwd *f = arg;
	uint64_t v;

	hns_time_t now = hns_now();

	(void)!read(f->efd, &v, sizeof(v));
	for (;;) {
		size_t n = 0;

		pthread_mutex_lock(&f->mu);
		while (f->qn && n < 64) {
			f->batch[n++] = f->queue[f->qhead];
			f->qhead = (f->qhead + 1) % FWD_QUEUE;
			f->qn--;
		}
		pthread_mutex_unlock(&f->mu);
		if (!n)
			break;
		for (size_t i = 0; i < n; i++)
			fwd_handle(f, &f->batch[i], now);
	}
	timer_sync(f, now);
}

bool
rslv_fwd_submit(struct rslv_server *s, const struct rslv_fwd_job *job)
{
	struct rslv_fwd *f = s->fwd;
	bool ok = false, wake;
	uint64_t one = 1;

	pthread_mutex_lock(&f->mu);
	if (f->qn < FWD_QUEUE) {
		f->queue[(f->qhead + f->qn) % FWD_QUEUE] = *job;
		f->qn++;
		ok = true;
	}
	wake = f->qn == 1;
	pthread_mutex_unlock(&f->mu);
	if (ok && wake)
		(void)!write(f->efd, &one, sizeof(one));
	return ok;
}

void
rslv_fwd_submit_local(struct rslv_server *s, const struct rslv_fwd_job *job)
{
	hns_time_t now = hns_now();

	if (job->c.tcp)
		rslv_tcp_conn_ref(job->c.conn);
	fwd_handle(s->fwd, job, now);
	timer_sync(s->fwd, now);
}

static int
sock_open(struct rslv_fwd *f, struct fwd_sock *so, const struct model_eni *eni,
	  const struct hns_addr *src)
{
	struct hns_addr any;

	if (!src) {
		hns_addr_parse("127.0.0.1", &any);
		src = &any;
	}
	struct hns_addr a = *src;

	a.port = 0;
	so->eni = eni;
	so->fd = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	if (so->fd < 0)
		return so->fd;
	so->ev = event_new(f->s->o.base, so->fd, EV_READ | EV_PERSIST, fwd_on_upstream, f);
	if (!so->ev || event_add(so->ev, NULL) != 0)
		return HNS_ENOMEM;
	return 0;
}

int
rslv_fwd_start(struct rslv_server *s)
{
	const struct model *m = s->m;
	struct rslv_fwd *f = calloc(1, sizeof(*f));
	size_t n_enis = 0;
	int rc;

	if (!f)
		return HNS_ENOMEM;
	s->fwd = f;
	f->s = s;
	f->efd = -1;
	pthread_mutex_init(&f->mu, NULL);
	struct rslv_ob_cfg oc = {
		.timeout_ms = s->o.fwd_timeout_ms ? s->o.fwd_timeout_ms : RSLV_FWD_TIMEOUT_MS,
		.tries = s->o.fwd_tries ? s->o.fwd_tries : RSLV_FWD_TRIES,
	};
	uint64_t seed[2];

	hns_csprng_bytes(seed, sizeof(seed));
	hns_prng_seed(&f->prng, seed[0]);
	f->queue = calloc(FWD_QUEUE, sizeof(*f->queue));
	if (!f->queue || (rc = rslv_ob_new(m->rules, &oc, &ob_ops, f, seed[1], &f->ob)) < 0)
		return HNS_ENOMEM;
	f->timer = evtimer_new(s->o.base, fwd_on_timer, f);
	if (!f->timer)
		return HNS_ENOMEM;
	for (size_t i = 0; i < m->n_resolver_endpoints; i++)
		if (m->resolver_endpoints[i].direction == MODEL_OUTBOUND)
			n_enis += m->resolver_endpoints[i].n_enis;
	f->socks = calloc(n_enis + 1, sizeof(*f->socks));
	if (!f->socks)
		return HNS_ENOMEM;
	for (size_t i = 0; i < n_enis + 1; i++)
		f->socks[i].fd = -1;
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];

		if (ep->direction != MODEL_OUTBOUND)
			continue;
		for (size_t k = 0; k < ep->n_enis; k++) {
			const struct hns_addr *src =
				s->o.source ? s->o.source(s->o.arg, &ep->enis[k]) : NULL;

			if ((rc = sock_open(f, &f->socks[f->n_socks++], &ep->enis[k], src)))
				return rc;
		}
	}
	if ((rc = sock_open(f, &f->socks[f->n_socks++], NULL, NULL)))
		return rc;
	f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (f->efd < 0)
		return -errno;
	f->efd_ev = event_new(s->o.base, f->efd, EV_READ | EV_PERSIST, fwd_on_queue, f);
	if (!f->efd_ev || event_add(f->efd_ev, NULL) != 0)
		return HNS_ENOMEM;
	return 0;
}

void
rslv_fwd_stop(struct rslv_server *s)
{
	struct rslv_fwd *f = s->fwd;

	if (!f)
		return;
	rslv_ob_free(f->ob); /* releases the clients still waiting */
	if (f->timer)
		event_free(f->timer);
	/* jobs still queued hold TCP references */
	while (f->queue && f->qn) {
		struct rslv_fwd_job *j = &f->queue[f->qhead];

		if (j->c.tcp)
			rslv_tcp_conn_unref(j->c.conn);
		f->qhead = (f->qhead + 1) % FWD_QUEUE;
		f->qn--;
	}
	for (size_t i = 0; i < f->n_socks; i++) {
		if (f->socks[i].ev)
			event_free(f->socks[i].ev);
		if (f->socks[i].fd >= 0)
			close(f->socks[i].fd);
	}
	if (f->efd_ev)
		event_free(f->efd_ev);
	if (f->efd >= 0)
		close(f->efd);
	pthread_mutex_destroy(&f->mu);
	free(f->socks);
	free(f->queue);
	free(f);
	s->fwd = NULL;
}
