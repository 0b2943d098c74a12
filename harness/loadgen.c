/*
 * harness/loadgen.c -- the load generator (see loadgen.h).
 *
 * Per worker thread: S connected UDP sockets, a slot table of S x 65536
 * entries indexed by (socket, DNS ID), one send batch and one receive
 * batch of LG_BATCH messages, a per-second timeline; all allocated before
 * the schedule starts.  The thread alternates: send what the schedule says
 * is due (in batches), drain what arrived, then ppoll() until the next
 * query is due or an answer comes.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/evloop.h"
#include "common/hugepage.h"
#include "common/mmsg.h"
#include "common/net.h"
#include "common/rand.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "harness/loadgen.h"
#include "harness/loadgen_tcp.h"

#define LG_BATCH 64
#define LG_PKT_MAX 512
#define LG_RECV_MAX 1500
#define LG_MAX_LAG 2048 /* most queries sent before the next receive */
#define LG_POLL_MAX_NS (10 * HNS_NSEC_PER_MSEC)
#define LG_IDS 65536

/* ------------------------------------------------------------------ mix */

int
lg_name_expand(const char *pattern, struct hns_prng *r, uint64_t seq, char *out, size_t cap)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t o = 0;

	for (const char *p = pattern; *p;) {
		if (*p != '{') {
			/* Plain text up to the next placeholder, in one copy. */
			size_t n = strcspn(p, "{");

			if (o + n >= cap)
				return HNS_ENOSPC;
			memcpy(out + o, p, n);
			o += n;
			p += n;
		} else if (strncmp(p, "{rand}", 6) == 0) {
			uint64_t v = hns_prng_next(r);

			if (o + LG_RAND_LABEL_LEN >= cap)
				return HNS_ENOSPC;
			for (int i = 0; i < LG_RAND_LABEL_LEN; i++) {
				out[o++] = alphabet[v % 36];
				v /= 36;
				if (i == 9)
					v = hns_prng_next(r);
			}
			p += 6;
		} else if (strncmp(p, "{seq}", 5) == 0) {
			char digits[24];
			int n = 0;
			uint64_t v = seq;

			do {
				digits[n++] = (char)('0' + v % 10);
				v /= 10;
			} while (v != 0);
			if (o + (size_t)n >= cap)
				return HNS_ENOSPC;
			while (n > 0)
				out[o++] = digits[--n];
			p += 5;
		} else {
			if (o + 1 >= cap)
				return HNS_ENOSPC;
			out[o++] = *p++;
		}
	}
	if (o >= cap)
		return HNS_ENOSPC;
	out[o] = '\0';
	return (int)o;
}

int
lg_mix_init(struct lg_mix *m, const struct lg_mix_entry *e, size_t n)
{
	struct hns_prng r;
	char text[1024];
	uint8_t wire[DNS_NAME_MAX];
	uint64_t total = 0;

	if (n == 0 || n > LG_MIX_MAX)
		return HNS_EINVAL;
	hns_prng_seed(&r, 1);
	for (size_t i = 0; i < n; i++) {
		/* The longest {seq} there is, to catch names that only overflow late. */
		if (lg_name_expand(e[i].pattern, &r, UINT64_MAX, text, sizeof(text)) < 0 ||
		    dns_name_from_str(text, wire) < 0)
			return HNS_ENAME;
		total += e[i].weight;
		m->cum[i] = total;
	}
	if (total == 0)
		return HNS_EINVAL;
	m->e = e;
	m->n = n;
	m->total = total;
	return 0;
}

size_t
lg_mix_pick(const struct lg_mix *m, struct hns_prng *r)
{
	uint64_t x;
	size_t lo = 0, hi;

	if (m->n == 1)
		return 0;
	x = m->total <= UINT32_MAX ? hns_prng_below(r, (uint32_t)m->total)
				   : hns_prng_next(r) % m->total;
	/* the first entry whose cumulative weight exceeds x */
	hi = m->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* --------------------------------------------------------------- pacing */

uint64_t
lg_pace_due(const struct lg_pace *p, uint64_t t_ns)
{
	double t, ramp = (double)p->ramp_ns / 1e9, due;

	if (t_ns > p->duration_ns)
		t_ns = p->duration_ns;
	t = (double)t_ns / 1e9;
	if (p->ramp_ns > 0 && t < ramp)
		due = p->qps * t * t / (2 * ramp);
	else
		due = p->qps * ramp / 2 + p->qps * (t - ramp);
	return due <= 0 ? 0 : (uint64_t)(due + 1e-9);
}

uint64_t
lg_pace_time_of(const struct lg_pace *p, uint64_t k)
{
	double ramp = (double)p->ramp_ns / 1e9, kk = (double)k, t;

	if (p->qps <= 0)
		return UINT64_MAX;
	if (p->ramp_ns > 0 && kk <= p->qps * ramp / 2)
		t = sqrt(2 * kk * ramp / p->qps);
	else
		t = (kk - p->qps * ramp / 2) / p->qps + ramp;
	t *= 1e9;
	if (t > (double)p->duration_ns)
		return UINT64_MAX;
	return (uint64_t)ceil(t);
}

/* --------------------------------------------------------------- judging */

#define LG_REPLY_MAX_ADDRS 64

bool
lg_judge_reply(const struct lg_judge *j, const uint8_t *pkt, size_t len)
{
	struct dns_cursor c;
	struct hns_addr addrs[LG_REPLY_MAX_ADDRS];
	size_t n = 0;
	uint16_t qd, an, flags;
	int rcode;

	if (j == NULL || j->kind == LG_JUDGE_NONE)
		return true;
	dns_cursor_init(&c, pkt, len);
	dns_cursor_u16(&c); /* id */
	flags = dns_cursor_u16(&c);
	qd = dns_cursor_u16(&c);
	an = dns_cursor_u16(&c);
	dns_cursor_skip(&c, 4);
	for (uint16_t i = 0; i < qd && c.err == 0; i++) {
		dns_cursor_name(&c, NULL);
		dns_cursor_skip(&c, 4);
	}
	for (uint16_t i = 0; i < an && c.err == 0; i++) {
		uint16_t type, rdlen;
		const uint8_t *rd;

		dns_cursor_name(&c, NULL);
		type = dns_cursor_u16(&c);
		dns_cursor_skip(&c, 6); /* class, ttl */
		rdlen = dns_cursor_u16(&c);
		rd = dns_cursor_bytes(&c, rdlen);
		if (rd == NULL)
			break;
		if ((type == DNS_TYPE_A && rdlen == 4) || (type == DNS_TYPE_AAAA && rdlen == 16)) {
			if (n == LG_REPLY_MAX_ADDRS)
				return false;
			memset(&addrs[n], 0, sizeof(addrs[n]));
			addrs[n].family = type == DNS_TYPE_A ? AF_INET : AF_INET6;
			memcpy(addrs[n].bytes, rd, rdlen);
			n++;
		}
	}
	if (c.err != 0)
		return false;
	rcode = flags & 0xf;
	if (j->kind == LG_JUDGE_NXDOMAIN)
		return rcode == DNS_RCODE_NXDOMAIN;
	if (rcode != DNS_RCODE_NOERROR)
		return false;
	switch (j->kind) {
	case LG_JUDGE_EMPTY:
		return n == 0;
	case LG_JUDGE_SET: {
		uint64_t seen = 0;

		for (size_t i = 0; i < n; i++) {
			size_t k;

			for (k = 0; k < j->n_set; k++) {
				if (hns_addr_equal(&addrs[i], &j->set[k]))
					break;
			}
			if (k == j->n_set)
				return false;
			seen |= 1ULL << k;
		}
		return j->n_set > 0 && seen == (j->n_set == 64 ? UINT64_MAX : (1ULL << j->n_set) - 1);
	}
	case LG_JUDGE_IN_CIDRS:
	case LG_JUDGE_OUTSIDE_CIDRS:
		if (n == 0)
			return false;
		for (size_t i = 0; i < n; i++) {
			bool inside = false;

			for (size_t k = 0; k < j->n_cidrs && !inside; k++)
				inside = hns_cidr_contains(&j->cidrs[k], &addrs[i]);
			if (inside != (j->kind == LG_JUDGE_IN_CIDRS))
				return false;
		}
		return true;
	default:
		return true;
	}
}

/* ------------------------------------------------------------------- run */

struct lg_slot {
	uint64_t sent_ns; /* 0: free */
	uint32_t lag_us;  /* sent - intended (at most the timeout) */
	uint16_t qtype;
	uint8_t mix; /* the mix entry */
	uint8_t unused;
};

struct lg_worker {
	struct lg_run *run;
	unsigned index;
	pthread_t thread;
	bool joinable;
	int fds[LG_MAX_SOCKETS];
	struct hns_mmsg_gso gso[LG_MAX_SOCKETS]; /* each socket's runs of queries in one send */
	unsigned n_fds;
	/*
	 * UDP sockets that may hold answers: set by ppoll, cleared when a
	 * drain comes back short.  Reading only these spares a receive call
	 * per idle socket per loop turn (most of them, below saturation).
	 */
	uint32_t ready;
	struct lg_tcp_conn tcp[LG_MAX_TCP]; /* slot table index n_fds + i */
	unsigned n_tcp, tcp_next;
	uint32_t tcp_thresh; /* a query goes over TCP when a 24-bit draw is below */
	uint16_t next_id[LG_MAX_SOCKETS + LG_MAX_TCP];
	struct lg_slot *slots; /* (n_fds + n_tcp) * LG_IDS */
	struct hns_prng prng;
	struct lg_pace pace;
	uint64_t issued, seq, outstanding;
	uint64_t intended[LG_BATCH]; /* of the batch being built, elapsed ns */
	uint32_t pub_sec; /* the second whose p99 was published last */
	struct lg_result res; /* seconds: shared size with the run */
	/* published for lg_progress_read */
	_Atomic uint64_t pub_sent, pub_answered, pub_lost, pub_p99;

	struct mmsghdr smsg[LG_BATCH];
	struct iovec siov[LG_BATCH];
	uint8_t sbuf[LG_BATCH][LG_PKT_MAX];
	uint16_t sids[LG_BATCH];
	struct mmsghdr rmsg[LG_BATCH];
	struct iovec riov[LG_BATCH];
	union hns_mmsg_ctl rctl[LG_BATCH]; /* the kernel's arrival stamps */
	uint8_t rbuf[LG_BATCH][LG_RECV_MAX];
};

struct lg_run {
	struct lg_config cfg;
	struct lg_mix mix;
	uint64_t t0;
	size_t n_seconds;
	struct lg_worker *workers[LG_MAX_WORKERS];
	unsigned n_workers;
	atomic_uint running;
};

/* The elapsed time a slot's query was intended for. */
static uint64_t
slot_intended(const struct lg_worker *w, const struct lg_slot *s)
{
	return s->sent_ns - (uint64_t)s->lag_us * HNS_NSEC_PER_USEC - w->run->t0;
}

static struct lg_second *
worker_second(struct lg_worker *w, uint32_t sec)
{
	if (sec >= w->res.n_seconds)
		sec = (uint32_t)w->res.n_seconds - 1;
	return &w->res.seconds[sec];
}

static void
slot_lost(struct lg_worker *w, struct lg_slot *s)
{
	w->res.lost++;
	worker_second(w, (uint32_t)(slot_intended(w, s) / HNS_NSEC_PER_SEC))->lost++;
	w->res.mix[s->mix].lost++;
	s->sent_ns = 0;
}

/* Build query k of this worker into send slot i for socket fd index si; false when unusable. */
static bool
worker_build(struct lg_worker *w, unsigned si, size_t i, uint64_t now)
{
	const struct lg_run *run = w->run;
	size_t mi = lg_mix_pick(&run->mix, &w->prng);
	const struct lg_mix_entry *e = &run->mix.e[mi];
	char text[1024];
	uint8_t wire[DNS_NAME_MAX];
	int nl;
	size_t len;
	uint16_t id = w->next_id[si]++;
	struct lg_slot *s = &w->slots[(size_t)si * LG_IDS + id];
	uint64_t el;

	if (lg_name_expand(e->pattern, &w->prng, w->seq, text, sizeof(text)) < 0)
		return false;
	w->seq += run->n_workers;
	nl = dns_name_from_str(text, wire);
	if (nl < 0)
		return false;
	len = dns_msg_build_query(id, wire, (size_t)nl, e->qtype, DNS_CLASS_IN, false, 0, false,
				  w->sbuf[i], LG_PKT_MAX);
	if (len == 0)
		return false;
	if (s->sent_ns != 0) {
		/* The ID wrapped while the old query was still out: it is lost. */
		slot_lost(w, s);
		w->outstanding--;
	}
	s->sent_ns = now;
	el = now - run->t0;
	s->lag_us = el > w->intended[i] ? (uint32_t)((el - w->intended[i]) / HNS_NSEC_PER_USEC) : 0;
	s->qtype = e->qtype;
	s->mix = (uint8_t)mi;
	w->sids[i] = id;
	w->siov[i].iov_base = w->sbuf[i];
	w->siov[i].iov_len = len;
	w->outstanding++;
	return true;
}

/* A query of send slot i has left (UDP) or is queued on its connection (TCP). */
static void
worker_sent(struct lg_worker *w, const struct lg_slot *s, size_t i)
{
	worker_second(w, (uint32_t)(w->intended[i] / HNS_NSEC_PER_SEC))->sent++;
	w->res.mix[s->mix].sent++;
	w->res.sent_late += s->lag_us * HNS_NSEC_PER_USEC > LG_LATE_SLACK_NS;
	w->res.sent++;
}

/* Query i of a batch could not be sent (built or handed to the kernel): it is lost. */
static void
worker_unsent(struct lg_worker *w, size_t i)
{
	w->res.send_errors++;
	w->res.lost++;
	worker_second(w, (uint32_t)(w->intended[i] / HNS_NSEC_PER_SEC))->lost++;
}

/* Build query i of a batch and queue it on the next TCP connection. */
static void
worker_send_tcp(struct lg_worker *w, size_t i, uint64_t now)
{
	unsigned c = w->tcp_next++ % w->n_tcp, si = w->n_fds + c;
	struct lg_slot *s;

	if (!worker_build(w, si, i, now)) {
		worker_unsent(w, i);
		return;
	}
	s = &w->slots[(size_t)si * LG_IDS + w->sids[i]];
	if (!lg_tcp_queue(&w->tcp[c], w->sbuf[i], w->siov[i].iov_len, now)) {
		s->sent_ns = 0;
		w->outstanding--;
		worker_unsent(w, i);
		return;
	}
	worker_sent(w, s, i);
	w->res.tcp_sent++;
}

/* Send up to `want` queries; returns how many were issued (sent or failed to send). */
static uint64_t
worker_send(struct lg_worker *w, uint64_t want, uint64_t now)
{
	uint64_t issued = 0;

	for (unsigned round = 0; issued < want && round < w->n_fds * 4; round++) {
		unsigned si = (unsigned)((w->issued + issued) % w->n_fds);
		size_t k = 0, batch = want - issued < LG_BATCH ? (size_t)(want - issued) : LG_BATCH;
		bool dropped[LG_BATCH];
		unsigned lost;

		lg_pace_fill(&w->pace, w->issued + issued + 1, batch, w->intended);
		for (size_t i = 0; i < batch; i++) {
			w->intended[k] = w->intended[i];
			if (w->tcp_thresh != 0 && hns_prng_below(&w->prng, 1u << 24) < w->tcp_thresh) {
				worker_send_tcp(w, k, now);
				continue;
			}
			if (worker_build(w, si, k, now)) {
				hns_mmsg_set(&w->smsg[k], &w->siov[k], w->siov[k].iov_base,
					     w->siov[k].iov_len, NULL, 0);
				k++;
			} else {
				worker_unsent(w, k);
			}
		}
		lost = k ? hns_mmsg_send_gso(w->fds[si], w->smsg, (unsigned)k, dropped, &w->gso[si]) : 0;
		for (size_t i = 0; i < k; i++) {
			struct lg_slot *s = &w->slots[(size_t)si * LG_IDS + w->sids[i]];

			if (lost != 0 && dropped[i]) {
				/* not sent (common/mmsg.h's rule): free its slot again */
				s->sent_ns = 0;
				w->outstanding--;
				worker_unsent(w, i);
			} else {
				worker_sent(w, s, i);
			}
		}
		issued += batch;
	}
	return issued;
}

static void
worker_answer(struct lg_worker *w, unsigned si, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct lg_slot *s;
	struct lg_second *sec;
	struct dns_cursor c;
	uint64_t intended, sent;
	uint16_t qtype;

	if (len < DNS_HEADER_LEN || !(pkt[2] & 0x80)) {
		w->res.unmatched++;
		return;
	}
	s = &w->slots[(size_t)si * LG_IDS + dns_read_u16(pkt)];
	dns_cursor_init(&c, pkt, len);
	dns_cursor_skip(&c, DNS_HEADER_LEN);
	dns_cursor_name(&c, NULL);
	qtype = dns_cursor_u16(&c);
	if (s->sent_ns == 0 || dns_read_u16(pkt + 4) != 1 || c.err != 0 || qtype != s->qtype) {
		w->res.unmatched++;
		return;
	}
	intended = slot_intended(w, s);
	sec = worker_second(w, (uint32_t)(intended / HNS_NSEC_PER_SEC));
	w->outstanding--;
	sent = s->sent_ns;
	s->sent_ns = 0;
	if (!lg_account_answer(&w->res, sec, &w->res.mix[s->mix], intended + w->run->t0, sent, now,
			       w->run->cfg.timeout_ns))
		return;
	w->res.rcodes[pkt[3] & 0xf]++;
	if (!lg_judge_reply(w->run->cfg.judge, pkt, len)) {
		w->res.bad++;
		sec->bad++;
	}
}

struct lg_tcp_ctx {
	struct lg_worker *w;
	unsigned si;
	unsigned got;
};

static void
tcp_answer(void *arg, const uint8_t *msg, size_t len)
{
	struct lg_tcp_ctx *t = arg;
	uint64_t answered = t->w->res.answered;

	worker_answer(t->w, t->si, msg, len, hns_now());
	t->w->res.tcp_answered += t->w->res.answered - answered;
	t->got++;
}

/* Write the TCP connections' queued queries, read their answers. */
static unsigned
worker_tcp(struct lg_worker *w)
{
	struct lg_tcp_ctx t = { .w = w };

	for (unsigned c = 0; c < w->n_tcp; c++) {
		t.si = w->n_fds + c;
		if (lg_tcp_pump(&w->tcp[c], tcp_answer, &t))
			continue;
		/* closed: what was in flight on it is lost; the next query reconnects */
		for (size_t i = 0; i < LG_IDS; i++) {
			struct lg_slot *s = &w->slots[(size_t)t.si * LG_IDS + i];

			if (s->sent_ns != 0) {
				slot_lost(w, s);
				w->outstanding--;
			}
		}
	}
	return t.got;
}

/* Drain the ready sockets; returns how many datagrams and messages came. */
static unsigned
worker_recv(struct lg_worker *w)
{
	unsigned got = w->n_tcp ? worker_tcp(w) : 0;

	for (unsigned si = 0; si < w->n_fds; si++) {
		if (!(w->ready & (1u << si)))
			continue;
		w->ready &= ~(1u << si);
		for (int pass = 0; pass < 64; pass++) {
			int rc;
			uint64_t now;
			int64_t skew;

			rc = hns_mmsg_recv(w->fds[si], w->rmsg, LG_BATCH, 0);
			if (rc <= 0)
				break;
			now = hns_now();
			skew = hns_mmsg_clock_skew();
			/* Timed by the kernel's stamp: when the answer arrived, not when read. */
			for (int i = 0; i < rc; i++)
				worker_answer(w, si, w->rbuf[i], w->rmsg[i].msg_len,
					      hns_mmsg_arrival(&w->rmsg[i], now, skew));
			got += (unsigned)rc;
			if (rc < LG_BATCH)
				break;
			if (pass == 63)
				w->ready |= 1u << si; /* more may be waiting: read it next turn */
		}
	}
	return got;
}

static void
worker_wait(struct lg_worker *w, uint64_t ns)
{
	struct pollfd pfd[LG_MAX_SOCKETS + LG_MAX_TCP];
	struct timespec ts;
	unsigned n = 0;

	if (ns > LG_POLL_MAX_NS)
		ns = LG_POLL_MAX_NS;
	for (unsigned i = 0; i < w->n_fds; i++)
		pfd[n++] = (struct pollfd){ .fd = w->fds[i], .events = POLLIN };
	for (unsigned i = 0; i < w->n_tcp; i++) {
		if (w->tcp[i].fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = w->tcp[i].fd,
						    .events = POLLIN | (w->tcp[i].out_len ? POLLOUT : 0) };
	}
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ns;
	if (ppoll(pfd, n, &ts, NULL) <= 0)
		return;
	for (unsigned i = 0; i < w->n_fds; i++)
		if (pfd[i].revents)
			w->ready |= 1u << i;
}

/* Count n due queries as behind: never sent, lost. */
static void
worker_skip(struct lg_worker *w, uint64_t n)
{
	uint64_t from = w->issued, to = w->issued + n, t = lg_pace_time_of(&w->pace, from + 1);
	uint32_t last = (uint32_t)w->res.n_seconds - 1;
	uint32_t sec0 = t / HNS_NSEC_PER_SEC < last ? (uint32_t)(t / HNS_NSEC_PER_SEC) : last;

	/* per second of intended time, by the schedule's count at each second */
	for (uint32_t sec = sec0; sec < w->res.n_seconds && from < to; sec++) {
		uint64_t upto = lg_pace_due(&w->pace, (uint64_t)(sec + 1) * HNS_NSEC_PER_SEC);

		if (sec + 1 == w->res.n_seconds || upto > to)
			upto = to;
		if (upto > from) {
			w->res.seconds[sec].lost += upto - from;
			from = upto;
		}
	}
	w->issued = to;
	w->res.behind += n;
	w->res.lost += n;
}

/* Publish the live counters; at each new second, the last second's p99. */
static void
worker_publish(struct lg_worker *w, uint64_t el)
{
	uint32_t sec = (uint32_t)(el / HNS_NSEC_PER_SEC);

	atomic_store_explicit(&w->pub_sent, w->res.sent, memory_order_relaxed);
	atomic_store_explicit(&w->pub_answered, w->res.answered, memory_order_relaxed);
	atomic_store_explicit(&w->pub_lost, w->res.lost, memory_order_relaxed);
	if (sec > w->pub_sec && sec <= w->res.n_seconds) {
		w->pub_sec = sec;
		atomic_store_explicit(&w->pub_p99, hns_hist_quantile(&w->res.seconds[sec - 1].hist, 0.99),
				      memory_order_relaxed);
	}
}

static void *
worker_main(void *arg)
{
	struct lg_worker *w = arg;
	struct lg_run *run = w->run;
	uint64_t end = run->cfg.duration_ns, hard = end + run->cfg.timeout_ns;
	uint64_t last_send = 0, total = lg_pace_due(&w->pace, end);
	bool sending = true;

	hns_thread_name("hns-load");
	for (;;) {
		uint64_t now = hns_now(), el = now - run->t0, wait = LG_POLL_MAX_NS;
		unsigned got;

		if (sending) {
			uint64_t due = lg_pace_due(&w->pace, el), want, next, skip;

			/* Already a timeout late: lost whatever the target does. */
			skip = lg_pace_overdue(&w->pace, w->issued, el, run->cfg.timeout_ns);
			if (skip > 0)
				worker_skip(w, skip);
			want = due > w->issued ? due - w->issued : 0;
			if (want > LG_MAX_LAG)
				want = LG_MAX_LAG; /* the rest after the next receive */
			if (want > 0) {
				w->issued += worker_send(w, want, now);
				last_send = hns_now();
			}
			next = lg_pace_time_of(&w->pace, w->issued + 1);
			/* behind: keep catching up until everything due went out */
			sending = w->issued < total && el < hard;
			el = hns_now() - run->t0;
			wait = !sending ? 0 : next == UINT64_MAX ? end - (el < end ? el : end) : next > el ? next - el : 0;
		} else if (el >= hard || w->outstanding == 0) {
			break;
		}
		got = worker_recv(w);
		worker_publish(w, el);
		/*
		 * Wait for an answer or the next query due, whichever comes
		 * first (at once when one is ready or a send is late).  TCP
		 * connections are pumped every turn and ppoll wakes for them.
		 */
		if (w->ready == 0 && (got == 0 || w->n_tcp == 0))
			worker_wait(w, wait);
	}
	w->res.send_ns = last_send > run->t0 ? last_send - run->t0 : 0;
	if (w->issued < total) /* hard stop while behind */
		worker_skip(w, total - w->issued);
	/* Whatever is still out is lost. */
	for (size_t i = 0; i < (size_t)(w->n_fds + w->n_tcp) * LG_IDS; i++) {
		if (w->slots[i].sent_ns != 0)
			slot_lost(w, &w->slots[i]);
	}
	w->outstanding = 0;
	for (unsigned i = 0; i < w->n_tcp; i++)
		w->res.tcp_reconnects += w->tcp[i].opened > 1 ? w->tcp[i].opened - 1 : 0;
	atomic_fetch_sub(&run->running, 1);
	return NULL;
}

static void
worker_free(struct lg_worker *w)
{
	if (w == NULL)
		return;
	for (unsigned i = 0; i < w->n_fds; i++)
		close(w->fds[i]);
	for (unsigned i = 0; i < w->n_tcp; i++)
		lg_tcp_deinit(&w->tcp[i]);
	free(w->slots);
	lg_result_deinit(&w->res);
	free(w);
}

static int
worker_new(struct lg_run *run, unsigned index, struct lg_worker **out)
{
	const struct lg_config *cfg = &run->cfg;
	struct lg_worker *w = calloc(1, sizeof(*w));
	int rc;

	if (w == NULL)
		return HNS_ENOMEM;
	w->run = run;
	w->index = index;
	w->seq = index;
	hns_prng_seed(&w->prng, cfg->seed + 0x9e3779b97f4a7c15ULL * (index + 1));
	w->pace.qps = cfg->qps / run->n_workers;
	w->pace.ramp_ns = cfg->ramp_ns;
	w->pace.duration_ns = cfg->duration_ns;
	if (cfg->tcp > 0) {
		w->n_tcp = cfg->tcp_conns ? cfg->tcp_conns : LG_TCP_CONNS;
		w->tcp_thresh = cfg->tcp >= 1 ? 1u << 24 : (uint32_t)(cfg->tcp * (double)(1u << 24));
		if (w->tcp_thresh == 0)
			w->tcp_thresh = 1;
	}
	/* 65,536 slots per socket, touched in ID order as the run goes: huge pages */
	w->slots = hns_calloc_huge((size_t)(cfg->sockets + w->n_tcp) * LG_IDS, sizeof(*w->slots));
	w->res.n_seconds = run->n_seconds;
	w->res.seconds = calloc(run->n_seconds, sizeof(*w->res.seconds));
	w->res.n_mix = run->mix.n;
	w->res.mix = calloc(run->mix.n, sizeof(*w->res.mix));
	if (w->slots == NULL || w->res.seconds == NULL || w->res.mix == NULL) {
		rc = HNS_ENOMEM;
		goto fail;
	}
	for (unsigned i = 0; i < cfg->sockets; i++) {
		const struct hns_addr *t = &cfg->targets[(index * cfg->sockets + i) % cfg->n_targets];
		struct hns_addr local;
		struct sockaddr_storage ss;
		socklen_t sl;
		int fd, buf = 4 << 20;

		memset(&local, 0, sizeof(local));
		local.family = t->family;
		if (t->family == AF_INET)
			local.bytes[0] = 127, local.bytes[3] = 1;
		else
			local.bytes[15] = 1;
		fd = hns_udp_socket(&local, HNS_SOCK_NONBLOCK);
		if (fd < 0) {
			rc = fd;
			goto fail;
		}
		w->ready |= 1u << w->n_fds;
		w->fds[w->n_fds++] = fd;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		(void)hns_mmsg_want_arrival(fd); /* without: answers are timed when read */
		if (!hns_net_dest_allowed(t)) {
			rc = HNS_ENOTLOOPBACK;
			goto fail;
		}
		sl = hns_addr_to_sockaddr(t, &ss);
		if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
			rc = -errno;
			goto fail;
		}
		hns_mmsg_gso_init(fd, &w->gso[i]);
		w->next_id[i] = hns_csprng_u16();
	}
	/* Set up once: hns_mmsg_recv resets what a receive changes. */
	hns_mmsg_setup_recv(w->rmsg, w->riov, LG_BATCH, &w->rbuf[0][0], LG_RECV_MAX, NULL);
	hns_mmsg_setup_arrival(w->rmsg, w->rctl, LG_BATCH);
	for (unsigned i = 0; i < w->n_tcp; i++)
		w->tcp[i].fd = -1;
	for (unsigned i = 0; i < w->n_tcp; i++) {
		rc = lg_tcp_init(&w->tcp[i], &cfg->targets[(index * w->n_tcp + i) % cfg->n_targets]);
		if (rc != 0)
			goto fail;
		w->next_id[w->n_fds + i] = hns_csprng_u16();
	}
	*out = w;
	return 0;
fail:
	worker_free(w);
	return rc;
}

static void
run_free(struct lg_run *run)
{
	for (unsigned i = 0; i < run->n_workers; i++)
		worker_free(run->workers[i]);
	free(run);
}

int
lg_start(const struct lg_config *cfg, struct lg_run **out)
{
	struct lg_run *run;
	int rc;

	if (cfg->n_targets == 0 || cfg->n_targets > LG_MAX_TARGETS || cfg->workers == 0 ||
	    cfg->workers > LG_MAX_WORKERS || cfg->sockets == 0 || cfg->sockets > LG_MAX_SOCKETS ||
	    !(cfg->qps > 0) || cfg->duration_ns == 0)
		return HNS_EINVAL;
	run = calloc(1, sizeof(*run));
	if (run == NULL)
		return HNS_ENOMEM;
	run->cfg = *cfg;
	rc = lg_mix_init(&run->mix, cfg->mix, cfg->n_mix);
	if (rc != 0) {
		free(run);
		return rc;
	}
	run->n_seconds = (size_t)((cfg->duration_ns + HNS_NSEC_PER_SEC - 1) / HNS_NSEC_PER_SEC);
	run->n_workers = cfg->workers;
	for (unsigned i = 0; i < cfg->workers; i++) {
		rc = worker_new(run, i, &run->workers[i]);
		if (rc != 0) {
			run->n_workers = i;
			run_free(run);
			return rc;
		}
	}
	/*
	 * Every table of the generator and of an in-process world is built:
	 * fault it in before the clock starts, not in the run's first tenth
	 * of a second (common/hugepage.h).
	 */
	(void)hns_prefault_all();
	run->t0 = hns_now();
	atomic_store(&run->running, cfg->workers);
	for (unsigned i = 0; i < cfg->workers; i++) {
		struct lg_worker *w = run->workers[i];

		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			atomic_fetch_sub(&run->running, cfg->workers - i);
			for (unsigned k = 0; k < i; k++)
				pthread_join(run->workers[k]->thread, NULL);
			run_free(run);
			return HNS_ENOMEM;
		}
		w->joinable = true;
	}
	*out = run;
	return 0;
}

uint64_t
lg_start_time(const struct lg_run *run)
{
	return run->t0;
}

bool
lg_done(const struct lg_run *run)
{
	return atomic_load(&run->running) == 0;
}

void
lg_progress_read(const struct lg_run *run, struct lg_progress *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < run->n_workers; i++) {
		struct lg_worker *w = run->workers[i];
		uint64_t p99 = atomic_load_explicit(&w->pub_p99, memory_order_relaxed);

		out->sent += atomic_load_explicit(&w->pub_sent, memory_order_relaxed);
		out->answered += atomic_load_explicit(&w->pub_answered, memory_order_relaxed);
		out->lost += atomic_load_explicit(&w->pub_lost, memory_order_relaxed);
		if (p99 > out->p99_ns)
			out->p99_ns = p99;
	}
}

int
lg_finish(struct lg_run *run, struct lg_result *out)
{
	memset(out, 0, sizeof(*out));
	out->n_seconds = run->n_seconds;
	out->seconds = calloc(run->n_seconds, sizeof(*out->seconds));
	out->n_mix = run->mix.n;
	out->mix = calloc(run->mix.n, sizeof(*out->mix));
	for (unsigned i = 0; i < run->n_workers; i++) {
		struct lg_worker *w = run->workers[i];

		if (w->joinable)
			pthread_join(w->thread, NULL);
		w->res.intended = w->issued;
		lg_result_add(out, &w->res);
	}
	run_free(run);
	if (out->seconds == NULL || out->mix == NULL) {
		lg_result_deinit(out);
		return HNS_ENOMEM;
	}
	return 0;
}
