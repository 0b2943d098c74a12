#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/error.h"
#include "common/handoff.h"
#include "common/log.h"
#include "common/mmsg.h"
#include "common/net.h"
#include "forwarder/worker.h"

/* ------------------------------------------------------------ batches */

int
fwd_sendq_init(struct fwd_sendq *q, int fd, size_t buflen)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->buflen = buflen;
	q->bufs = malloc(FWD_BATCH * buflen);
	return q->bufs ? 0 : HNS_ENOMEM;
}

void
fwd_sendq_deinit(struct fwd_sendq *q)
{
	free(q->bufs);
	q->bufs = NULL;
}

void
fwd_sendq_flush(struct fwd_worker *w, struct fwd_sendq *q)
{
	if (w->ur_on) { /* handed to the ring: sent (or refused) before q is reused */
		fwd_uring_queue(w, q);
		fwd_uring_submit(w, true);
		return;
	}
	/* The one send-failure rule of common/mmsg.h; every dropped answer or query is counted. */
	w->io.send_errors += hns_mmsg_send(q->fd, q->msgs, q->n, NULL);
	q->n = 0;
}

/* The next free buffer of q (flushing first when full), to be completed by sendq_commit. */
static uint8_t *
sendq_slot(struct fwd_worker *w, struct fwd_sendq *q)
{
	if (q->n == FWD_BATCH)
		fwd_sendq_flush(w, q);
	return q->bufs + q->n * q->buflen;
}

static void
sendq_commit(struct fwd_sendq *q, const struct hns_addr *to, size_t len)
{
	unsigned i = q->n++;
	socklen_t tolen = to ? hns_addr_to_sockaddr(to, &q->to[i]) : 0;

	hns_mmsg_set(&q->msgs[i], &q->iov[i], q->bufs + i * q->buflen, len, to ? &q->to[i] : NULL,
		     tolen);
}

static void
recvq_prepare(struct fwd_recvq *r)
{
	hns_mmsg_setup_recv(r->msgs, r->iov, FWD_BATCH, &r->bufs[0][0], FWD_RECV_LEN, r->from);
}

static int
recvq_fill(int fd, struct fwd_recvq *r)
{
	return hns_mmsg_recv(fd, r->msgs, FWD_BATCH, 0);
}

/* ------------------------------------------------------------ core actions */

/*
 * Upstream sockets are shared by every upstream of one address family:
 * [family][sock], family 0 IPv4, 1 IPv6.  One sendmmsg per socket then
 * carries a loop turn's queries to every upstream (a forward spread over
 * six inbound ENIs sent one datagram per call when each upstream had
 * sockets of its own), and one recvmmsg reads their replies.  The core
 * accepts a reply only from an upstream its slot asked, on the socket it
 * asked from.
 */
static unsigned
upsock_family(const struct hns_addr *a)
{
	return a->family == AF_INET6 ? 1 : 0;
}

static void
ops_send(void *arg, unsigned up, unsigned sock, bool tcp, const uint8_t *pkt, size_t len)
{
	struct fwd_worker *w = arg;

	if (tcp) {
		fwd_tcp_upstream_send(w, up, pkt, len);
		return;
	}
	if (len > FWD_QUERY_LEN || up >= w->n_ups)
		return;

	const struct hns_addr *to = &w->cfg->upstreams[up].real;
	struct fwd_sendq *q = &w->ups[upsock_family(to) * w->n_socks + sock % w->n_socks].q;

	memcpy(sendq_slot(w, q), pkt, len);
	sendq_commit(q, to, len);
}

static void
ops_answer(void *arg, const struct fwd_client *cl, const uint8_t *pkt, size_t len)
{
	struct fwd_worker *w = arg;

	if (cl->conn) {
		fwd_tcp_answer(w, cl->conn, pkt, len);
		return;
	}
	if (len > FWD_ANSWER_LEN)
		return;
	memcpy(sendq_slot(w, &w->clientq), pkt, len);
	sendq_commit(&w->clientq, &cl->addr, len);
	w->io.udp_answers++;
}

const struct fwd_io_ops fwd_worker_ops = { ops_send, ops_answer };

/* ------------------------------------------------------------ timer */

static void
timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_worker *w = arg;

	w->timer_at = 0;
	w->now = hns_now();
	fwd_core_expire(w->core, w->now);
	fwd_worker_flush(w);
}

/* fn on every send batch that holds datagrams. */
static void
each_pending_sendq(struct fwd_worker *w, void (*fn)(struct fwd_worker *, struct fwd_sendq *))
{
	if (w->clientq.n)
		fn(w, &w->clientq);
	for (unsigned i = 0; i < 2 * w->n_socks; i++)
		if (w->ups[i].q.n)
			fn(w, &w->ups[i].q);
}

void
fwd_worker_queue_sends(struct fwd_worker *w)
{
	each_pending_sendq(w, fwd_uring_queue);
}

void
fwd_worker_turn_end(void *arg)
{
	fwd_worker_flush(arg);
}

void
fwd_worker_flush(struct fwd_worker *w)
{
	if (w->ur_on) {
		fwd_worker_queue_sends(w);
		fwd_uring_submit(w, false);
	} else {
		each_pending_sendq(w, fwd_sendq_flush);
	}

	hns_time_t next = fwd_core_next_deadline(w->core);

	if (next == 0 || next == w->timer_at)
		return;
	if (w->timer_at && w->timer_at < next)
		return; /* fires earlier anyway and re-arms then */

	hns_time_t now = hns_now();
	hns_time_t d = next > now ? next - now : 0;
	struct timeval tv = { .tv_sec = (time_t)(d / HNS_NSEC_PER_SEC),
			      .tv_usec = (suseconds_t)((d % HNS_NSEC_PER_SEC) / 1000) + 1 };

	evtimer_add(w->timer, &tv);
	w->timer_at = next;
}

/* ------------------------------------------------------------ reading */

void
fwd_client_datagram(struct fwd_worker *w, const struct sockaddr *from, const uint8_t *pkt,
		    size_t len)
{
	struct fwd_client cl = { .conn = 0 };

	if (hns_addr_from_sockaddr(&cl.addr, from) != 0)
		return;
	uint8_t *out = sendq_slot(w, &w->clientq);
	size_t n = fwd_core_query(w->core, &cl, pkt, len, w->now, out, FWD_ANSWER_LEN);

	if (n) {
		sendq_commit(&w->clientq, &cl.addr, n);
		w->io.udp_answers++;
	}
}

void
fwd_upstream_datagram(struct fwd_worker *w, const struct fwd_upsock *us, const struct sockaddr *from,
		      const uint8_t *pkt, size_t len, bool truncated)
{
	struct hns_addr a;

	if (truncated)
		return; /* larger than we asked for: let the query time out or go TCP */
	if (hns_addr_from_sockaddr(&a, from) != 0)
		return;
	fwd_core_reply(w->core, &a, us->index, false, pkt, len, w->now);
}

static void
client_datagram(struct fwd_worker *w, struct fwd_recvq *r, int i, void *arg)
{
	fwd_client_datagram(w, (struct sockaddr *)&r->from[i], r->bufs[i], r->msgs[i].msg_len);
}

static void
upstream_datagram(struct fwd_worker *w, struct fwd_recvq *r, int i, void *arg)
{
	fwd_upstream_datagram(w, arg, (struct sockaddr *)&r->from[i], r->bufs[i], r->msgs[i].msg_len,
			      r->msgs[i].msg_hdr.msg_flags & MSG_TRUNC);
}

/*
 * Read fd in batches, each datagram to one(); a bounded number of batches
 * per wake-up, so the other sockets and the timers get their turn.  What
 * the datagrams queue is sent at the end of the loop's turn
 * (fwd_worker_turn_end): a turn that reads the client socket and three
 * upstream sockets sends its answers in one sendmmsg, not three, and
 * its queries last, just before the loop sleeps.
 */
static void
drain(struct fwd_worker *w, int fd,
      void (*one)(struct fwd_worker *w, struct fwd_recvq *r, int i, void *arg), void *arg)
{
	struct fwd_recvq *r = w->recvq;

	for (int round = 0; round < 4; round++) {
		int n = recvq_fill(fd, r);

		if (n <= 0)
			break;
		w->now = hns_now();
		w->loop.handled += (unsigned)n;
		for (int i = 0; i < n; i++)
			one(w, r, i, arg);
		if (n < FWD_BATCH)
			break;
	}
}

static void
client_readable(evutil_socket_t fd, short what, void *arg)
{
	drain(arg, fd, client_datagram, NULL);
}

static void
upstream_readable(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_upsock *us = arg;

	drain(us->w, fd, upstream_datagram, us);
}

/* ------------------------------------------------------------ set-up */

/* Open the shared upstream socket us (sock index) for upstreams of to's family, once. */
static int
upsock_open(struct fwd_worker *w, const struct hns_addr *listen, const struct hns_addr *to,
	    struct fwd_upsock *us, unsigned index)
{
	struct hns_addr local;
	int fd, rc;

	if (us->q.fd >= 0)
		return 0;
	us->w = w;
	us->up = 0;
	us->index = index;
	/*
	 * Send from the resolver's own (mapped) address, as a real one sends
	 * from its own IP: the AWS side tells who asks by it (R8).
	 */
	if (listen->family == to->family && hns_addr_is_loopback(listen)) {
		local = *listen;
		local.port = 0;
		w->src = local;
	} else {
		hns_addr_parse(to->family == AF_INET6 ? "::1" : "127.0.0.1", &local);
	}
	fd = hns_udp_socket(&local, HNS_SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	rc = fwd_sendq_init(&us->q, fd, FWD_QUERY_LEN);
	if (rc < 0) {
		close(fd);
		us->q.fd = -1;
		return rc;
	}
	us->ev = event_new(w->base, fd, EV_READ | EV_PERSIST, upstream_readable, us);
	return us->ev ? 0 : HNS_ENOMEM;
}

int
fwd_udp_worker_init(struct fwd_worker *w, const struct hns_addr *listen)
{
	int rc;

	w->udp_fd = -1;
	w->recvq = calloc(1, sizeof(*w->recvq));
	if (!w->recvq)
		return HNS_ENOMEM;
	recvq_prepare(w->recvq);
	w->udp_fd = hns_udp_socket(listen, HNS_SOCK_REUSEPORT | HNS_SOCK_NONBLOCK);
	if (w->udp_fd < 0)
		return w->udp_fd;
	rc = fwd_sendq_init(&w->clientq, w->udp_fd, FWD_ANSWER_LEN);
	if (rc < 0)
		return rc;
	w->udp_ev = event_new(w->base, w->udp_fd, EV_READ | EV_PERSIST, client_readable, w);
	w->timer = evtimer_new(w->base, timer_fire, w);
	if (!w->udp_ev || !w->timer)
		return HNS_ENOMEM;

	w->n_ups = (unsigned)w->cfg->n_upstreams;
	w->n_socks = w->cfg->upstream_socks ? w->cfg->upstream_socks : 1;
	if (w->n_socks > FWD_MAX_SOCKS)
		w->n_socks = FWD_MAX_SOCKS;
	w->ups = calloc(2 * w->n_socks, sizeof(*w->ups));
	if (!w->ups)
		return HNS_ENOMEM;
	for (unsigned k = 0; k < 2 * w->n_socks; k++)
		w->ups[k].q.fd = -1;
	for (unsigned up = 0; up < w->n_ups; up++) {
		const struct hns_addr *to = &w->cfg->upstreams[up].real;

		if (!hns_net_dest_allowed(to))
			return HNS_ENOTLOOPBACK;
		for (unsigned i = 0; i < w->n_socks; i++) {
			rc = upsock_open(w, listen, to, &w->ups[upsock_family(to) * w->n_socks + i], i);
			if (rc < 0)
				return rc;
		}
	}
	if (w->cfg->udp_io == HNS_UDP_IO_EPOLL)
		return 0;
	rc = fwd_uring_init(w);
	if (rc < 0 && w->cfg->udp_io == HNS_UDP_IO_URING)
		return rc;
	return 0; /* auto: epoll where io_uring is refused */
}

int
fwd_udp_worker_start(struct fwd_worker *w)
{
	if (w->ur && fwd_uring_start(w))
		return 0;
	return fwd_udp_epoll_start(w);
}

int
fwd_udp_epoll_start(struct fwd_worker *w)
{
	int rc;

	if (event_add(w->udp_ev, NULL) != 0)
		return HNS_ENOMEM;
	if ((rc = hns_handoff_attach(w->udp_fd, w->base, client_readable, w)) < 0)
		return rc;
	for (unsigned k = 0; k < 2 * w->n_socks; k++) {
		struct fwd_upsock *us = &w->ups[k];

		if (!us->ev)
			continue;
		if (event_add(us->ev, NULL) != 0)
			return HNS_ENOMEM;
		if ((rc = hns_handoff_attach(us->q.fd, w->base, upstream_readable, us)) < 0)
			return rc;
	}
	return 0;
}

void
fwd_udp_worker_deinit(struct fwd_worker *w)
{
	fwd_uring_free(w);
	for (unsigned k = 0; w->ups && k < 2 * w->n_socks; k++) {
		struct fwd_upsock *us = &w->ups[k];

		if (us->ev)
			event_free(us->ev);
		if (us->q.fd >= 0)
			hns_handoff_close(us->q.fd);
		fwd_sendq_deinit(&us->q);
	}
	free(w->ups);
	w->ups = NULL;
	if (w->udp_ev)
		event_free(w->udp_ev);
	if (w->timer)
		event_free(w->timer);
	w->udp_ev = w->timer = NULL;
	if (w->udp_fd >= 0)
		hns_handoff_close(w->udp_fd);
	w->udp_fd = -1;
	fwd_sendq_deinit(&w->clientq);
	free(w->recvq);
	w->recvq = NULL;
}
