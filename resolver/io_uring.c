#include "config.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/uring.h"
#include "resolver/internal.h"

/*
 * The UDP worker on io_uring: one io_uring_enter per loop turn submits the
 * last turn's answers and waits for the next queries.  The epoll worker
 * (io_udp.c) pays epoll_wait, then recvmmsg and sendmmsg on every ready
 * socket, per wake-up; below saturation a wake-up carries one or two
 * datagrams, so those three calls are paid per query (docs/performance.md).
 *
 * - Each listener socket has one multishot recvmsg: the kernel keeps
 *   completing it into buffers the ring provides (a provided-buffer ring,
 *   group 0), each buffer holding the sender's address and the query.
 * - An answer is written into a send slot and queued as a sendmsg; the
 *   slot is free again when its completion comes (UDP sends complete at
 *   submission unless the socket buffer is full).
 * - A turn handles every completion that is there (the sends' come after
 *   the queries that arrived meanwhile: a turn that stopped at a query
 *   would never reach them).  A query that finds every send slot in
 *   flight is dropped, as by a server whose socket buffer is full (both
 *   counted in the listener's dropped_send); with
 *   as many slots as the completion queue holds that takes two full
 *   turns' answers still in flight.
 * - Stop: an eventfd read completes.
 * The receive buffers go back to the ring once their query is handled.
 *
 * The ring is made (and its buffers registered) by rslv_uring_init on the
 * starting thread, disabled; the worker's thread enables it and arms the
 * receives, so that it is the ring's one submitter.  A kernel or sandbox
 * that refuses any of it (no io_uring, no multishot recvmsg before Linux
 * 6.0, a seccomp filter) makes the worker run the epoll loop instead,
 * whose events are always set up.
 */

#define UR_ENTRIES 256		      /* submission queue; the completion queue is twice that */
#define UR_BUFS 256		      /* provided receive buffers (a power of two) */
#define UR_NAME sizeof(struct sockaddr_storage)
#define UR_BUF_LEN (sizeof(struct io_uring_recvmsg_out) + UR_NAME + RSLV_UDP_MAX)
#define UR_TX (2 * UR_ENTRIES)	      /* send slots: the completion queue's size */
#define UR_BGID 0

enum { UR_RX = 1, UR_TX_DONE, UR_STOP };

/* user_data: the kind in the top byte, an index below */
#define UR_DATA(kind, i) (((uint64_t)(kind) << 56) | (uint64_t)(i))
#define UR_KIND(d) ((unsigned)((d) >> 56))
#define UR_INDEX(d) ((size_t)((d) & 0xffffffffffffffULL))

struct ur_tx {
	uint32_t li; /* the listener it answers for (its dropped_send counter) */
	struct msghdr mh;
	struct iovec iov;
	struct sockaddr_storage to;
	uint8_t buf[RSLV_UDP_MAX];
};

struct rslv_uring {
	struct io_uring ring;
	struct hns_uring_bufs bufs; /* group UR_BGID */
	struct msghdr rx_tmpl;
	int stop_fd;
	uint64_t stop_val;
	bool stop, failed;
	struct ur_tx *tx;
	unsigned tx_free[UR_TX], n_free; /* free slots, a stack */
	bool *rearm;			 /* [n_ls]: the multishot receive ended */
	unsigned queued_sends;		 /* sends in the submission queue */
};

static struct io_uring_sqe *
ur_sqe(struct rslv_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe) { /* full: hand the queue to the kernel and take a fresh entry */
		io_uring_submit(&u->ring);
		u->queued_sends = 0;
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

static int
ur_arm_recv(struct rslv_uring *u, int fd, size_t i)
{
	struct io_uring_sqe *sqe = ur_sqe(u);

	if (!sqe)
		return HNS_ENOMEM;
	io_uring_prep_recvmsg_multishot(sqe, fd, &u->rx_tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = UR_BGID;
	io_uring_sqe_set_data64(sqe, UR_DATA(UR_RX, i));
	return 0;
}

static int
ur_arm_stop(struct rslv_uring *u)
{
	struct io_uring_sqe *sqe = ur_sqe(u);

	if (!sqe)
		return HNS_ENOMEM;
	io_uring_prep_read(sqe, u->stop_fd, &u->stop_val, sizeof(u->stop_val), 0);
	io_uring_sqe_set_data64(sqe, UR_DATA(UR_STOP, 0));
	return 0;
}

void
rslv_uring_free(struct rslv_worker *wk)
{
	struct rslv_uring *u = wk->ur;

	if (!u)
		return;
	if (u->ring.ring_fd >= 0)
		io_uring_queue_exit(&u->ring);
	hns_uring_bufs_free(&u->bufs);
	if (u->stop_fd >= 0)
		close(u->stop_fd);
	free(u->tx);
	free(u->rearm);
	free(u);
	wk->ur = NULL;
}

int
rslv_uring_init(struct rslv_worker *wk)
{
	struct rslv_server *s = wk->srv;
	struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
						IORING_SETUP_R_DISABLED };
	struct rslv_uring *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return HNS_ENOMEM;
	wk->ur = u;
	u->ring.ring_fd = -1;
	u->stop_fd = -1;
	u->tx = malloc(UR_TX * sizeof(*u->tx));
	u->rearm = calloc(s->n_ls ? s->n_ls : 1, sizeof(bool));
	if (!u->tx || !u->rearm)
		goto nomem;

	/*
	 * The ring is entered only from the worker's thread, and completions
	 * run when it asks for them: the cheapest set-up (Linux 6.1).  An
	 * older kernel gets a plain ring.
	 */
	rc = io_uring_queue_init_params(UR_ENTRIES, &u->ring, &p);
	if (rc == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_R_DISABLED;
		rc = io_uring_queue_init_params(UR_ENTRIES, &u->ring, &p);
	}
	if (rc < 0) {
		u->ring.ring_fd = -1;
		rslv_uring_free(wk);
		return rc;
	}

	rc = hns_uring_bufs_init(&u->bufs, &u->ring, UR_BUFS, UR_BUF_LEN, UR_BGID);
	if (rc < 0) {
		rslv_uring_free(wk);
		return rc;
	}

	u->rx_tmpl.msg_namelen = UR_NAME;
	for (unsigned i = 0; i < UR_TX; i++)
		u->tx_free[u->n_free++] = UR_TX - 1 - i;

	u->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (u->stop_fd < 0) {
		rc = -errno;
		rslv_uring_free(wk);
		return rc;
	}
	return 0;
nomem:
	rslv_uring_free(wk);
	return HNS_ENOMEM;
}

void
rslv_uring_stop(struct rslv_worker *wk)
{
	uint64_t one = 1;

	if (wk->ur && write(wk->ur->stop_fd, &one, sizeof(one)) != sizeof(one))
		hns_warn(HNS_SUB_RESOLVER, "udp worker %u: stop: %s", wk->index, strerror(errno));
}

/* One query: handled, its answer queued as a send; its buffer goes back to the ring. */
static void
ur_query(struct rslv_worker *wk, size_t li, struct io_uring_cqe *cqe, hns_time_t now, int *added)
{
	struct rslv_server *s = wk->srv;
	struct rslv_uring *u = wk->ur;
	unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	uint8_t *buf = hns_uring_buf(&u->bufs, bid);
	struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(buf, cqe->res, &u->rx_tmpl);
	struct rslv_peer p = { .fd = wk->fds[li] };

	if (u->n_free == 0)
		rslv_count(&wk->ct[li].dropped_send); /* every slot in flight: a full buffer */
	else if (o && o->namelen <= UR_NAME &&
	    hns_addr_from_sockaddr(&p.addr, io_uring_recvmsg_name(o)) == 0) {
		struct ur_tx *t = &u->tx[u->tx_free[u->n_free - 1]];
		const uint8_t *q = io_uring_recvmsg_payload(o, &u->rx_tmpl);
		size_t len = io_uring_recvmsg_payload_length(o, cqe->res, &u->rx_tmpl);

		if (rslv_handle(s, &s->ls[li], &wk->ct[li], &p, q, len, t->buf, RSLV_UDP_MAX, now,
				&wk->h) == RSLV_STEP_SEND) {
			struct io_uring_sqe *sqe = ur_sqe(u);

			if (sqe) {
				unsigned slot = u->tx_free[--u->n_free];

				t->li = (uint32_t)li;
				memcpy(&t->to, io_uring_recvmsg_name(o), o->namelen);
				t->iov = (struct iovec){ .iov_base = t->buf, .iov_len = wk->h.len };
				t->mh = (struct msghdr){ .msg_name = &t->to,
							 .msg_namelen = o->namelen,
							 .msg_iov = &t->iov,
							 .msg_iovlen = 1 };
				io_uring_prep_sendmsg(sqe, wk->fds[li], &t->mh, 0);
				io_uring_sqe_set_data64(sqe, UR_DATA(UR_TX_DONE, slot));
				u->queued_sends++;
			} else {
				rslv_count(&wk->ct[li].dropped_send);
			}
		}
	}
	hns_uring_buf_return(&u->bufs, bid, (*added)++);
}

/* Handle the completions there are; returns how many queries came. */
static unsigned
ur_turn(struct rslv_worker *wk)
{
	struct rslv_uring *u = wk->ur;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0, queries = 0;
	int added = 0;
	hns_time_t now = hns_now();

	io_uring_for_each_cqe(&u->ring, head, cqe) {
		uint64_t d = io_uring_cqe_get_data64(cqe);

		seen++;
		switch (UR_KIND(d)) {
		case UR_RX:
			if (!(cqe->flags & IORING_CQE_F_MORE))
				u->rearm[UR_INDEX(d)] = true;
			if (cqe->res == -EINVAL || cqe->res == -EOPNOTSUPP) {
				u->failed = true; /* no multishot recvmsg here */
				break;
			}
			if (cqe->res < 0) /* -ENOBUFS: every buffer in use; re-armed below */
				break;
			if (cqe->flags & IORING_CQE_F_BUFFER) {
				ur_query(wk, UR_INDEX(d), cqe, now, &added);
				queries++;
			}
			break;
		case UR_TX_DONE: {
			unsigned slot = (unsigned)UR_INDEX(d);

			/* a full socket buffer drops the answer, as a busy server would */
			if (cqe->res < 0)
				rslv_count(&wk->ct[u->tx[slot].li].dropped_send);
			u->tx_free[u->n_free++] = slot;
			break;
		}
		case UR_STOP:
			u->stop = true;
			break;
		}
	}
	io_uring_cq_advance(&u->ring, seen);
	if (added)
		io_uring_buf_ring_advance(u->bufs.br, added);
	for (size_t i = 0; i < wk->srv->n_ls && !u->failed; i++) {
		if (u->rearm[i] && ur_arm_recv(u, wk->fds[i], i) == 0)
			u->rearm[i] = false;
	}
	return queries;
}

/* On the worker's thread: become the submitter, arm the stop and every receive. */
static int
ur_start(struct rslv_worker *wk)
{
	struct rslv_uring *u = wk->ur;

	int rc = hns_uring_enable(&u->ring);

	if (rc < 0)
		return rc;

	if (ur_arm_stop(u) < 0)
		return HNS_ENOMEM;
	for (size_t i = 0; i < wk->srv->n_ls; i++)
		if (ur_arm_recv(u, wk->fds[i], i) < 0)
			return HNS_ENOMEM;
	rc = io_uring_submit(&u->ring);
	return rc < 0 ? rc : 0;
}

bool
rslv_uring_run(struct rslv_worker *wk)
{
	struct rslv_uring *u = wk->ur;
	struct hns_coalesce co;
	int rc = ur_start(wk);

	if (rc < 0) {
		hns_info(HNS_SUB_RESOLVER, "udp worker %u: io_uring: %s; using epoll", wk->index,
			 hns_strerror(rc));
		return false;
	}
	hns_coalesce_init(&co, wk->srv->o.coalesce_us, RSLV_BATCH);
	while (!u->stop && !u->failed) {
		/*
		 * The answers go out and complete inside this call (a UDP send
		 * does, unless the socket buffer is full): wait for one
		 * completion more than them, so that a turn's sends do not
		 * cost a turn of their own.
		 */
		rc = io_uring_submit_and_wait(&u->ring, 1 + u->queued_sends);
		u->queued_sends = 0;
		if (rc < 0 && rc != -EINTR && rc != -ETIME && rc != -EAGAIN && rc != -EBUSY) {
			hns_err(HNS_SUB_RESOLVER, "udp worker %u: io_uring: %s", wk->index, strerror(-rc));
			u->failed = true;
			break;
		}
		unsigned n = ur_turn(wk);

		if (!u->stop)
			hns_coalesce_turn(&co, n);
	}
	if (u->failed && !u->stop) {
		hns_info(HNS_SUB_RESOLVER, "udp worker %u: io_uring receives refused; using epoll",
			 wk->index);
		return false;
	}
	return true;
}
