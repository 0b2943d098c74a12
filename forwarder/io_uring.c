#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/uring.h"
#include "forwarder/worker.h"

/*
 * A forwarder worker's UDP sockets on io_uring (`--udp-io`).
 *
 * Below saturation a wake-up of the epoll worker carries a query or a
 * reply or two, and pays epoll_wait, a recvmmsg per ready socket and a
 * sendmmsg per socket it answers on: four to six system calls, most of a
 * query's cost at 10,000 qps (docs/performance.md).  Here the client
 * socket and every upstream socket have one multishot recvmsg each,
 * completing into a provided-buffer ring, and a loop turn's sends go into
 * the submission queue: one io_uring_enter submits them and collects what
 * arrived.  When receive coalescing is on (common/evloop.h), the tick is
 * that same call waiting with a timeout, so a coalesced turn costs one
 * system call instead of a nanosleep, an epoll_wait and the socket calls.
 *
 * TCP, the timer and the stop pipe stay on libevent, and so does the
 * wake-up from idle.  The ring runs its completions only when this thread
 * asks (deferred task work), so that a coalescing tick is not cut short by
 * every datagram; but then nothing can wake a thread asleep in epoll_wait
 * for the ring (Linux signals neither the ring's fd nor a registered
 * eventfd before it is asked).  So the UDP sockets stay in libevent too,
 * level-triggered, with the ring's turn as their callback: a datagram the
 * ring has not read yet is still in its socket, which epoll sees.  The turn
 * runs until a pass finds nothing more (or for at most UR_TURN_MS, so that
 * TCP, the timer and the stop pipe get their turn).
 *
 * Sends: each batch (struct fwd_sendq) becomes sendmsg entries pointing
 * at the batch's own buffers, flagged MSG_DONTWAIT so that the kernel
 * either sends or refuses each during io_uring_enter and never keeps a
 * pointer for later: the batch is free again when the call returns.  A
 * refused send (socket buffer full) is counted as the epoll path counts
 * it (send_errors).
 */

#define UR_ENTRIES 256	 /* submission queue */
#define UR_CQ 2048	 /* completion queue: a turn's sends and receives */
#define UR_BUFS 512	 /* provided receive buffers (a power of two) */
#define UR_NAME sizeof(struct sockaddr_storage)
#define UR_BUF_LEN (sizeof(struct io_uring_recvmsg_out) + UR_NAME + FWD_RECV_LEN)
#define UR_BGID 0
#define UR_TURN_MS 1	 /* a turn gives libevent's events their turn after this long */
/*
 * A multishot receive reads at most this many datagrams per socket in one
 * go (Linux's MULTISHOT_MAX_RETRY) and queues the rest for the next pass:
 * a pass that read this many does not tick, since more are waiting.
 */
#define UR_PASS_FULL 32
#define UR_SOCKS (1 + 2 * FWD_MAX_SOCKS) /* the client socket, then ups[] */

enum { UR_RX = 1, UR_TX };

#define UR_DATA(kind, i) (((uint64_t)(kind) << 56) | (uint64_t)(i))
#define UR_KIND(d) ((unsigned)((d) >> 56))
#define UR_INDEX(d) ((unsigned)((d) & 0xffffffffu))

struct fwd_uring {
	struct io_uring ring;
	struct hns_uring_bufs bufs; /* group UR_BGID */
	struct msghdr rx_tmpl;
	struct event *evs[UR_SOCKS]; /* each socket's readiness: the turn's wake-up from idle */
	uint64_t last_turn;	     /* the libevent loop turn the ring's turn last ran in */
	bool in_turn;	       /* a turn submits its own sends at its next io_uring_enter */
	bool refused;	       /* the kernel refused multishot recvmsg: back to epoll */
	unsigned pending;      /* sends in the submission queue */
	bool rearm[UR_SOCKS];  /* the socket's multishot receive ended */
	int fds[UR_SOCKS];     /* -1: not open */
	struct hns_coalesce co;
	struct __kernel_timespec tick;
};

static struct io_uring_sqe *
ur_sqe(struct fwd_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe) { /* full: hand the queue to the kernel, take a fresh entry */
		io_uring_submit(&u->ring);
		u->pending = 0;
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

static int
ur_arm(struct fwd_uring *u, unsigned i)
{
	struct io_uring_sqe *sqe = ur_sqe(u);

	if (!sqe)
		return HNS_ENOMEM;
	io_uring_prep_recvmsg_multishot(sqe, u->fds[i], &u->rx_tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = UR_BGID;
	io_uring_sqe_set_data64(sqe, UR_DATA(UR_RX, i));
	u->rearm[i] = false;
	return 0;
}

void
fwd_uring_free(struct fwd_worker *w)
{
	struct fwd_uring *u = w->ur;

	if (!u)
		return;
	for (unsigned i = 0; i < UR_SOCKS; i++)
		if (u->evs[i])
			event_free(u->evs[i]);
	if (u->ring.ring_fd >= 0)
		io_uring_queue_exit(&u->ring);
	hns_uring_bufs_free(&u->bufs);
	free(u);
	w->ur = NULL;
	w->ur_on = false;
}

static void ur_ready(evutil_socket_t fd, short what, void *arg);

int
fwd_uring_init(struct fwd_worker *w)
{
	/*
	 * One submitter (this worker's thread, once it enables the ring), and
	 * completions run when it asks (Linux 6.1).
	 */
	struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
						IORING_SETUP_R_DISABLED |
						IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL,
				     .cq_entries = UR_CQ };
	struct fwd_uring *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return HNS_ENOMEM;
	w->ur = u;
	u->ring.ring_fd = -1;
	rc = io_uring_queue_init_params(UR_ENTRIES, &u->ring, &p);
	if (rc < 0) {
		u->ring.ring_fd = -1;
		goto fail;
	}
	rc = hns_uring_bufs_init(&u->bufs, &u->ring, UR_BUFS, UR_BUF_LEN, UR_BGID);
	if (rc < 0)
		goto fail;
	u->rx_tmpl.msg_namelen = UR_NAME;

	u->fds[0] = w->udp_fd;
	for (unsigned k = 0; k < 2 * FWD_MAX_SOCKS; k++)
		u->fds[1 + k] = k < 2 * w->n_socks ? w->ups[k].q.fd : -1;
	for (unsigned i = 0; i < UR_SOCKS; i++) {
		if (u->fds[i] < 0)
			continue;
		u->evs[i] = event_new(w->base, u->fds[i], EV_READ | EV_PERSIST, ur_ready, w);
		if (!u->evs[i])
			goto nomem;
	}
	return 0;
nomem:
	rc = HNS_ENOMEM;
fail:
	fwd_uring_free(w);
	hns_info(HNS_SUB_FORWARDER, "%s: worker %u: io_uring: %s", w->cfg->name, w->index,
		 hns_strerror(rc));
	return rc;
}

bool
fwd_uring_start(struct fwd_worker *w)
{
	struct fwd_uring *u = w->ur;
	int rc;

	rc = hns_uring_enable(&u->ring);
	if (rc < 0)
		goto refused;
	for (unsigned i = 0; i < UR_SOCKS; i++)
		if (u->fds[i] >= 0 && ur_arm(u, i) < 0) {
			rc = HNS_ENOMEM;
			goto refused;
		}
	rc = io_uring_submit(&u->ring);
	if (rc < 0)
		goto refused;
	for (unsigned i = 0; i < UR_SOCKS; i++)
		if (u->evs[i] && event_add(u->evs[i], NULL) != 0) {
			rc = HNS_ENOMEM;
			goto refused;
		}
	hns_coalesce_init(&u->co, w->cfg->coalesce_us, UR_PASS_FULL);
	w->loop.tick_us = 0; /* the ring ticks, not the libevent loop */
	w->ur_on = true;
	u->last_turn = UINT64_MAX;
	return true;
refused:
	hns_info(HNS_SUB_FORWARDER, "%s: worker %u: io_uring: %s; using epoll", w->cfg->name, w->index,
		 hns_strerror(rc < 0 ? rc : HNS_ENOMEM));
	fwd_uring_free(w);
	return false;
}

void
fwd_uring_queue(struct fwd_worker *w, struct fwd_sendq *q)
{
	struct fwd_uring *u = w->ur;

	for (unsigned i = 0; i < q->n; i++) {
		struct io_uring_sqe *sqe = ur_sqe(u);

		if (!sqe) {
			w->io.send_errors += q->n - i;
			break;
		}
		io_uring_prep_sendmsg(sqe, q->fd, &q->msgs[i].msg_hdr, MSG_DONTWAIT);
		io_uring_sqe_set_data64(sqe, UR_DATA(UR_TX, 0));
		u->pending++;
	}
	q->n = 0;
}

void
fwd_uring_submit(struct fwd_worker *w, bool now)
{
	struct fwd_uring *u = w->ur;

	if (!u->pending || (u->in_turn && !now))
		return; /* the turn's next io_uring_enter submits them */
	io_uring_submit(&u->ring);
	u->pending = 0;
}

/* Handle the completions there are; returns the datagrams read. */
static unsigned
ur_reap(struct fwd_worker *w)
{
	struct fwd_uring *u = w->ur;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0, n = 0;
	int added = 0;

	io_uring_for_each_cqe(&u->ring, head, cqe) {
		uint64_t d = io_uring_cqe_get_data64(cqe);
		unsigned i = UR_INDEX(d);

		seen++;
		if (UR_KIND(d) == UR_TX) {
			if (cqe->res < 0) /* a full socket buffer: dropped, as sendmmsg drops it */
				w->io.send_errors++;
			continue;
		}
		if (!(cqe->flags & IORING_CQE_F_MORE))
			u->rearm[i] = true; /* -ENOBUFS (every buffer in use) or an error: re-armed below */
		if (cqe->res == -EINVAL || cqe->res == -EOPNOTSUPP)
			u->refused = true; /* no multishot recvmsg here (Linux < 6.0) */
		if (!(cqe->flags & IORING_CQE_F_BUFFER))
			continue;

		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		uint8_t *buf = hns_uring_buf(&u->bufs, bid);
		struct io_uring_recvmsg_out *o =
			cqe->res > 0 ? io_uring_recvmsg_validate(buf, cqe->res, &u->rx_tmpl) : NULL;

		if (o && o->namelen <= UR_NAME) {
			const uint8_t *pkt = io_uring_recvmsg_payload(o, &u->rx_tmpl);
			size_t len = io_uring_recvmsg_payload_length(o, cqe->res, &u->rx_tmpl);
			const struct sockaddr *from = io_uring_recvmsg_name(o);

			if (i == 0)
				fwd_client_datagram(w, from, pkt, len);
			else
				fwd_upstream_datagram(w, &w->ups[i - 1], from, pkt, len,
						      o->flags & MSG_TRUNC);
			n++;
		}
		hns_uring_buf_return(&u->bufs, bid, added++);
	}
	io_uring_cq_advance(&u->ring, seen);
	if (added)
		io_uring_buf_ring_advance(u->bufs.br, added);
	for (unsigned i = 0; i < UR_SOCKS && !u->refused; i++)
		if (u->rearm[i] && u->fds[i] >= 0)
			(void)ur_arm(u, i); /* no entry now: the next pass tries again */
	return n;
}

/*
 * The ring's turn: passes of (one io_uring_enter that submits the last
 * pass's sends and collects completions, or sleeps a coalescing tick
 * first; then every completion handled) until a pass reads nothing.
 */
static void
ur_ready(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_worker *w = arg;
	struct fwd_uring *u = w->ur;
	hns_time_t until;
	bool tick = false;

	if (u->last_turn == w->loop.turns)
		return; /* another of its sockets was ready: this loop turn's ring turn read it */
	u->last_turn = w->loop.turns;
	until = hns_now() + UR_TURN_MS * HNS_NSEC_PER_MSEC;
	u->in_turn = true;
	for (;;) {
		hns_time_t before = 0;
		int rc;

		if (tick) {
			struct io_uring_cqe *cqe;

			before = hns_now();
			u->tick.tv_nsec = (long long)u->co.cur_us * 1000;
			/*
			 * The sends complete in the call.  The tick runs its whole length:
			 * deferred work wakes the waiter by work items (a socket's
			 * receive is one, however many datagrams it holds), and never
			 * this many here.
			 */
			rc = io_uring_submit_and_wait_timeout(&u->ring, &cqe, u->pending + FWD_BATCH,
							      &u->tick, NULL);
		} else {
			rc = io_uring_submit_and_get_events(&u->ring);
		}
		u->pending = 0;
		w->now = hns_now();
		if (tick)
			hns_coalesce_slept(&u->co, before, w->now);
		if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY)
			hns_warn(HNS_SUB_FORWARDER, "%s: worker %u: io_uring: %s", w->cfg->name, w->index,
				 strerror(-rc));

		unsigned n = ur_reap(w);

		w->loop.handled += n;
		fwd_worker_queue_sends(w);
		if ((n == 0 && io_uring_sq_ready(&u->ring) == 0) || w->now >= until || u->refused)
			break;
		tick = hns_coalesce_want(&u->co, n, w->now);
	}
	u->in_turn = false;
	fwd_worker_flush(w); /* what is left, and the timer */
	if (u->refused) {
		/* the ring is freed with the worker: this is its own callback */
		hns_info(HNS_SUB_FORWARDER, "%s: worker %u: io_uring receives refused; using epoll",
			 w->cfg->name, w->index);
		for (unsigned i = 0; i < UR_SOCKS; i++)
			if (u->evs[i])
				event_del(u->evs[i]);
		w->ur_on = false;
		if (fwd_udp_epoll_start(w) < 0)
			hns_err(HNS_SUB_FORWARDER, "%s: worker %u: epoll: out of memory", w->cfg->name,
				w->index);
		return;
	}

	/*
	 * Nothing is left unannounced: a datagram the ring has not read yet
	 * (the receive's task work runs only in this thread's
	 * io_uring_enter) is still in its socket, and epoll sees it there.
	 * Completions of the last sends wait for the next turn.
	 */
}
