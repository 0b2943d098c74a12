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
#include "dns/msg.h"
#include "resolver/internal.h"

/*
 * Forwarding through outbound endpoints (R3, R14), on the main thread.
 *
 * A query that matched a FORWARD rule goes from a random ENI of the rule's
 * outbound endpoint to a random target of the rule; on timeout another
 * random target is tried (a different one when the rule has several),
 * and when every try failed each waiting client gets SERVFAIL.  Identical
 * questions for the same rule are coalesced while in flight: the second
 * one waits for the first's answer.  AWS does no loop detection (R14): a
 * rule that leads back to its own inbound endpoint makes the looped query
 * join the waiters of the original one, so the loop ends in SERVFAIL when
 * the tries run out instead of multiplying queries.  Answers are cached
 * for their TTL (negative ones for the SOA's negative TTL).
 */

#define FWD_SLOTS 1024
#define FWD_WAITERS 16
#define FWD_QUEUE 4096
#define FWD_CACHE 4096

struct fwd_q {
	bool used;
	uint16_t id;
	const struct model_rule *rule;
	uint8_t lname[DNS_NAME_MAX];
	uint8_t lname_len;
	uint16_t qtype;
	struct rslv_client waiters[FWD_WAITERS];
	size_t n_waiters;
	uint32_t tries;
	int last_target;
	struct event *timer;
	struct rslv_fwd *fwd;
};

struct fwd_sock {
	const struct model_eni *eni; /* NULL: the fallback socket */
	int fd;
	struct event *ev;
};

struct fwd_cache {
	const struct model_rule *rule;
	uint8_t lname[DNS_NAME_MAX];
	uint8_t lname_len;
	uint16_t qtype;
	hns_time_t stored, expires;
	size_t len;
	uint8_t *pkt; /* owned */
};

struct rslv_fwd {
	struct rslv_server *s;
	int efd;
	struct event *efd_ev;
	pthread_mutex_t mu;
	struct rslv_fwd_job *queue; /* ring */
	size_t qhead, qn;
	struct fwd_q *slots;
	struct fwd_sock *socks;
	size_t n_socks;
	struct hns_prng prng;
	struct fwd_cache *cache;
	uint32_t timeout_ms, max_tries;
	uint8_t buf[RSLV_MSG_MAX];
	uint8_t out[RSLV_MSG_MAX];
	uint8_t tmp[RSLV_MSG_MAX];
	struct rslv_fwd_job batch[64];
};

static uint32_t
key_hash(const struct model_rule *r, const uint8_t *n, size_t len, uint16_t qtype)
{
	return rslv_fnv1a(2166136261u ^ (uint32_t)(uintptr_t)r ^ qtype, n, len);
}

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
	memcpy(j->lname, h->lname, h->q.q.name_len);
	j->lname_len = h->q.q.name_len;
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

static void
slot_release(struct fwd_q *q)
{
	if (q->timer)
		event_del(q->timer);
	for (size_t i = 0; i < q->n_waiters; i++)
		if (q->waiters[i].tcp && q->waiters[i].conn)
			rslv_tcp_conn_unref(q->waiters[i].conn);
	q->n_waiters = 0;
	q->used = false;
}

static void
slot_fail(struct rslv_fwd *f, struct fwd_q *q)
{
	for (size_t i = 0; i < q->n_waiters; i++) {
		struct rslv_client *c = &q->waiters[i];

		client_error(f, c, DNS_RCODE_SERVFAIL);
		if (f->s->qlog)
			rslv_qlog_packet(f->s, c->l, &c->addr, c->tcp, c->qname, c->qname_len,
					 q->qtype, NULL, 0, q->rule);
	}
	slot_release(q);
}

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

static void fwd_on_timeout(evutil_socket_t fd, short what, void *arg);

/* Send the next try, or fail the slot when no try is left. */
static void
slot_try(struct rslv_fwd *f, struct fwd_q *q)
{
	const struct model_rule *r = q->rule;

	while (q->tries < f->max_tries && r->n_targets) {
		int t = (int)hns_prng_below(&f->prng, (uint32_t)r->n_targets);

		if (r->n_targets > 1 && t == q->last_target)
			t = (t + 1 + (int)hns_prng_below(&f->prng, (uint32_t)r->n_targets - 1)) %
			    (int)r->n_targets;
		q->last_target = t;
		q->tries++;
		const struct hns_addr *dst = f->s->o.route(f->s->o.arg, &r->targets[t]);

		if (!dst || !hns_net_dest_allowed(dst))
			continue; /* nothing listens there: like a target that never answers */
		size_t len = dns_msg_build_query(q->id, q->lname, q->lname_len, q->qtype, DNS_CLASS_IN,
						 true, 1232, false, f->buf, sizeof(f->buf));
		struct fwd_sock *so = sock_for(f, r);
		struct sockaddr_storage ss;
		socklen_t sl = hns_addr_to_sockaddr(dst, &ss);

		if (!len || sendto(so->fd, f->buf, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0)
			continue;
		struct timeval tv = {f->timeout_ms / 1000, (f->timeout_ms % 1000) * 1000};

		evtimer_add(q->timer, &tv);
		return;
	}
	slot_fail(f, q);
}

static void
fwd_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_q *q = arg;

	slot_try(q->fwd, q);
}

static struct fwd_cache *
cache_slot(struct rslv_fwd *f, const struct model_rule *r, const uint8_t *n, size_t len,
	   uint16_t qtype)
{
	return &f->cache[key_hash(r, n, len, qtype) % FWD_CACHE];
}

static bool
cache_answer(struct rslv_fwd *f, const struct rslv_fwd_job *j)
{
	struct fwd_cache *e = cache_slot(f, j->rule, j->lname, j->lname_len, j->qtype);
	hns_time_t now = hns_now();

	if (!e->pkt || e->rule != j->rule || e->qtype != j->qtype || e->lname_len != j->lname_len ||
	    memcmp(e->lname, j->lname, j->lname_len) != 0)
		return false;
	if (now >= e->expires) {
		free(e->pkt);
		e->pkt = NULL;
		return false;
	}
	memcpy(f->tmp, e->pkt, e->len);
	dns_msg_ttl_decrement(f->tmp, e->len, (uint32_t)((now - e->stored) / HNS_NSEC_PER_SEC));
	struct rslv_client c = j->c; /* client_send releases a TCP client's reference */

	memcpy(f->buf, f->tmp, e->len);
	rslv_listener_count_cache_hit(c.l);
	client_answer(f, &c, f->buf, e->len);
	return true;
}

static void
cache_store(struct rslv_fwd *f, const struct fwd_q *q, const uint8_t *pkt, size_t len)
{
	struct dns_answer_info ai;

	if (dns_answer_info_get(pkt, len, &ai) != 0 || ai.tc)
		return;
	uint32_t ttl;

	if ((ai.rcode & 0xf) == DNS_RCODE_NOERROR && ai.ancount)
		ttl = ai.min_ttl;
	else if (((ai.rcode & 0xf) == DNS_RCODE_NOERROR || (ai.rcode & 0xf) == DNS_RCODE_NXDOMAIN) &&
		 ai.has_soa)
		ttl = ai.negative_ttl;
	else
		return;
	if (!ttl || ttl == UINT32_MAX)
		return;
	struct fwd_cache *e = cache_slot(f, q->rule, q->lname, q->lname_len, q->qtype);
	uint8_t *copy = malloc(len);

	if (!copy)
		return;
	free(e->pkt);
	memcpy(copy, pkt, len);
	e->pkt = copy;
	e->len = len;
	e->rule = q->rule;
	memcpy(e->lname, q->lname, q->lname_len);
	e->lname_len = q->lname_len;
	e->qtype = q->qtype;
	e->stored = hns_now();
	e->expires = e->stored + (hns_time_t)ttl * HNS_NSEC_PER_SEC;
}

static void
fwd_handle(struct rslv_fwd *f, const struct rslv_fwd_job *j)
{
	struct fwd_q *free_slot = NULL;

	if (cache_answer(f, j))
		return;
	for (size_t i = 0; i < FWD_SLOTS; i++) {
		struct fwd_q *q = &f->slots[i];

		if (!q->used) {
			if (!free_slot)
				free_slot = q;
			continue;
		}
		if (q->rule != j->rule || q->qtype != j->qtype || q->lname_len != j->lname_len ||
		    memcmp(q->lname, j->lname, j->lname_len) != 0)
			continue;
		/* coalesce with the query in flight */
		if (q->n_waiters < FWD_WAITERS)
			q->waiters[q->n_waiters++] = j->c;
		else if (j->c.tcp)
			rslv_tcp_conn_unref(j->c.conn);
		return;
	}
	if (!free_slot) { /* table full: dropped, counted as a timeout would be */
		if (j->c.tcp)
			rslv_tcp_conn_unref(j->c.conn);
		return;
	}
	struct fwd_q *q = free_slot;

	q->used = true;
	q->rule = j->rule;
	q->qtype = j->qtype;
	memcpy(q->lname, j->lname, j->lname_len);
	q->lname_len = j->lname_len;
	q->waiters[0] = j->c;
	q->n_waiters = 1;
	q->tries = 0;
	q->last_target = -1;
	q->id = hns_csprng_u16();
	slot_try(f, q);
}

static void
fwd_on_upstream(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_fwd *f = arg;

	for (int round = 0; round < 64; round++) {
		ssize_t n = recv(fd, f->buf, sizeof(f->buf), MSG_DONTWAIT);

		if (n < DNS_HEADER_LEN)
			return;
		uint16_t id = dns_read_u16(f->buf);

		if (!(dns_read_u16(f->buf + 2) & DNS_FLAG_QR))
			continue;
		for (size_t i = 0; i < FWD_SLOTS; i++) {
			struct fwd_q *q = &f->slots[i];
			struct dns_question dq;

			if (!q->used || q->id != id)
				continue;
			memcpy(dq.name, q->lname, q->lname_len);
			dq.name_len = q->lname_len;
			dq.qtype = q->qtype;
			dq.qclass = DNS_CLASS_IN;
			if (!dns_msg_question_matches(f->buf, (size_t)n, &dq))
				continue;
			if (dns_answer_info_get(f->buf, (size_t)n, &(struct dns_answer_info){0}) != 0)
				break; /* malformed: keep waiting for a good one or the timeout */
			cache_store(f, q, f->buf, (size_t)n);
			memcpy(f->tmp, f->buf, (size_t)n);
			for (size_t k = 0; k < q->n_waiters; k++) {
				struct rslv_client *c = &q->waiters[k];

				if (f->s->qlog)
					rslv_qlog_packet(f->s, c->l, &c->addr, c->tcp, c->qname,
							 c->qname_len, q->qtype, f->tmp, (size_t)n, q->rule);
				memcpy(f->buf, f->tmp, (size_t)n);
				client_answer(f, c, f->buf, (size_t)n);
			}
			slot_release(q);
			break;
		}
	}
}

static void
fwd_on_queue(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_fwd *f = arg;
	uint64_t v;

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
			return;
		for (size_t i = 0; i < n; i++)
			fwd_handle(f, &f->batch[i]);
	}
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
	if (job->c.tcp)
		rslv_tcp_conn_ref(job->c.conn);
	fwd_handle(s->fwd, job);
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
	f->timeout_ms = s->o.fwd_timeout_ms ? s->o.fwd_timeout_ms : RSLV_FWD_TIMEOUT_MS;
	f->max_tries = s->o.fwd_tries ? s->o.fwd_tries : RSLV_FWD_TRIES;
	uint64_t seed;

	hns_csprng_bytes(&seed, sizeof(seed));
	hns_prng_seed(&f->prng, seed);
	f->queue = calloc(FWD_QUEUE, sizeof(*f->queue));
	f->slots = calloc(FWD_SLOTS, sizeof(*f->slots));
	f->cache = calloc(FWD_CACHE, sizeof(*f->cache));
	if (!f->queue || !f->slots || !f->cache)
		return HNS_ENOMEM;
	for (size_t i = 0; i < FWD_SLOTS; i++) {
		f->slots[i].fwd = f;
		f->slots[i].timer = evtimer_new(s->o.base, fwd_on_timeout, &f->slots[i]);
		if (!f->slots[i].timer)
			return HNS_ENOMEM;
	}
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
	if (f->slots) {
		for (size_t i = 0; i < FWD_SLOTS; i++) {
			if (f->slots[i].used)
				slot_release(&f->slots[i]);
			if (f->slots[i].timer)
				event_free(f->slots[i].timer);
		}
	}
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
	if (f->cache)
		for (size_t i = 0; i < FWD_CACHE; i++)
			free(f->cache[i].pkt);
	if (f->efd_ev)
		event_free(f->efd_ev);
	if (f->efd >= 0)
		close(f->efd);
	pthread_mutex_destroy(&f->mu);
	free(f->socks);
	free(f->cache);
	free(f->slots);
	free(f->queue);
	free(f);
	s->fwd = NULL;
}
