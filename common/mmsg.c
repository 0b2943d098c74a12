/*
 * common/mmsg.c -- batched UDP I/O (see mmsg.h for the send-failure rule).
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <string.h>

#include "common/handoff.h"
#include "common/mmsg.h"

/* Datagrams per handoff pass in hns_mmsg_send (its bookkeeping lives on the stack). */
#define MMSG_HANDOFF_CHUNK 64

void
hns_mmsg_set(struct mmsghdr *m, struct iovec *iov, void *buf, size_t len, void *name,
	     socklen_t namelen)
{
	iov->iov_base = buf;
	iov->iov_len = len;
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_iov = iov;
	m->msg_hdr.msg_iovlen = 1;
	if (name) {
		m->msg_hdr.msg_name = name;
		m->msg_hdr.msg_namelen = namelen;
	}
}

void
hns_mmsg_setup_recv(struct mmsghdr *msgs, struct iovec *iov, unsigned n, uint8_t *buf,
		    size_t stride, struct sockaddr_storage *from)
{
	for (unsigned i = 0; i < n; i++)
		hns_mmsg_set(&msgs[i], &iov[i], buf + i * stride, stride, from ? &from[i] : NULL,
			     from ? sizeof(from[i]) : 0);
}

int
hns_mmsg_recv(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
	for (unsigned i = 0; i < n; i++) {
		struct msghdr *h = &msgs[i].msg_hdr;

		if (h->msg_name)
			h->msg_namelen = sizeof(struct sockaddr_storage);
		if (h->msg_control)
			h->msg_controllen = sizeof(union hns_mmsg_ctl);
		h->msg_flags = 0;
		msgs[i].msg_len = 0;
	}
	/*
	 * Handed-over datagrams first, and then only those: the socket's own
	 * readiness brings the loop back for the kernel's, and an empty
	 * recvmmsg after each handoff would cost what the handoff saves.
	 */
	if (hns_handoff_attached(fd)) {
		unsigned k = hns_handoff_recv(fd, msgs, n, flags);

		if (k > 0)
			return (int)k;
	}
	for (int tries = 0;; tries++) {
		int r = recvmmsg(fd, msgs, n, flags | MSG_DONTWAIT, NULL);

		if (r >= 0)
			return r;
		if (errno == EINTR && tries < HNS_MMSG_EINTR_TRIES)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
}

int
hns_mmsg_want_arrival(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0 ? 0 : -errno;
}

void
hns_mmsg_setup_arrival(struct mmsghdr *msgs, union hns_mmsg_ctl *ctl, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		msgs[i].msg_hdr.msg_control = &ctl[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
	}
}

static int64_t
ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int64_t
hns_mmsg_clock_skew(void)
{
	struct timespec m1, real, m2;
	int64_t skew = 0, best = INT64_MAX;

	/* Real time read between two monotonic reads; a pair that a preemption
	 * split by more than 20 us is read again (a few times at most), and the
	 * narrowest pair counts. */
	for (int tries = 0; tries < 8 && best > 20000; tries++) {
		int64_t span;

		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		span = ts_ns(&m2) - ts_ns(&m1);
		if (span < best) {
			best = span;
			skew = ts_ns(&real) - ts_ns(&m1) - span / 2;
		}
	}
	return skew;
}

uint64_t
hns_mmsg_arrival(const struct mmsghdr *m, uint64_t now, int64_t skew)
{
	const struct msghdr *h = &m->msg_hdr;

	if (!h->msg_control || (h->msg_flags & MSG_CTRUNC))
		return now;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
		struct timespec ts;
		int64_t at;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS ||
		    c->cmsg_len < CMSG_LEN(sizeof(ts)))
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		at = ts_ns(&ts) - skew;
		/* Not after now (the skew is read a little after the stamps), nor a
		 * minute before: a stepped real-time clock falls back to now. */
		if (at <= 0 || (uint64_t)at > now || now - (uint64_t)at > 60 * 1000000000ULL)
			return now;
		return (uint64_t)at;
	}
	return now;
}

static bool
mmsg_buffer_full(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

static unsigned
kernel_send(int fd, struct mmsghdr *msgs, unsigned n, bool *dropped)
{
	unsigned done = 0, lost = 0;
	int eintr = 0;

	if (dropped)
		memset(dropped, 0, n * sizeof(*dropped));
	while (done < n) {
		int r = sendmmsg(fd, msgs + done, n - done, MSG_DONTWAIT);
		unsigned drop;

		if (r > 0) {
			done += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == EINTR && eintr++ < HNS_MMSG_EINTR_TRIES)
			continue;
		/* Full buffer: the rest; any other error (or none taken): the first unsent one. */
		drop = r < 0 && mmsg_buffer_full(errno) ? n - done : 1;
		for (unsigned i = done; dropped && i < done + drop; i++)
			dropped[i] = true;
		done += drop;
		lost += drop;
	}
	return lost;
}

unsigned
hns_mmsg_send(int fd, struct mmsghdr *msgs, unsigned n, bool *dropped)
{
	unsigned lost = 0;

	if (!hns_handoff_attached(fd))
		return kernel_send(fd, msgs, n, dropped);
	/* What the handoff does not take (no receiver in this process, too large, a full
	 * ring) goes through the kernel, by the same rule. */
	for (unsigned off = 0; off < n; off += MMSG_HANDOFF_CHUNK) {
		unsigned c = n - off < MMSG_HANDOFF_CHUNK ? n - off : MMSG_HANDOFF_CHUNK;
		bool handed[MMSG_HANDOFF_CHUNK], rest_dropped[MMSG_HANDOFF_CHUNK];
		struct mmsghdr rest[MMSG_HANDOFF_CHUNK];
		unsigned idx[MMSG_HANDOFF_CHUNK], m = 0;
		unsigned h = hns_handoff_send(fd, msgs + off, c, handed);

		if (dropped)
			memset(dropped + off, 0, c * sizeof(*dropped));
		if (h == c)
			continue;
		for (unsigned i = 0; i < c; i++)
			if (!handed[i]) {
				rest[m] = msgs[off + i];
				idx[m++] = i;
			}
		lost += kernel_send(fd, rest, m, rest_dropped);
		for (unsigned j = 0; j < m; j++) {
			msgs[off + idx[j]].msg_len = rest[j].msg_len;
			if (dropped)
				dropped[off + idx[j]] = rest_dropped[j];
		}
	}
	return lost;
}

/* ------------------------------------------------ segmentation offload */

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h, Linux 4.18 */
#endif
/* The most bytes one send may carry (an IPv4 datagram's payload). */
#define MMSG_GSO_BYTES 65507u

union gso_ctl {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(uint16_t))];
};

void
hns_mmsg_gso_init(int fd, struct hns_mmsg_gso *g)
{
	int off = 0;

	/* Setting the socket's default segment size to 0 (none) asks only whether it has one. */
	g->on = setsockopt(fd, SOL_UDP, UDP_SEGMENT, &off, sizeof(off)) == 0;
	g->proven = false;
}

static bool
gso_alone(const struct mmsghdr *m)
{
	return m->msg_hdr.msg_name != NULL || m->msg_hdr.msg_iovlen != 1 ||
	       m->msg_hdr.msg_control != NULL;
}

unsigned
hns_mmsg_send_gso(int fd, struct mmsghdr *msgs, unsigned n, bool *dropped, struct hns_mmsg_gso *g)
{
	struct mmsghdr runs[HNS_MMSG_GSO_RUN];
	struct iovec iov[HNS_MMSG_GSO_RUN];
	union gso_ctl ctl[HNS_MMSG_GSO_RUN];
	unsigned first[HNS_MMSG_GSO_RUN + 1];
	bool run_dropped[HNS_MMSG_GSO_RUN];
	unsigned lost = 0;

	if (!g->on || hns_handoff_attached(fd))
		return hns_mmsg_send(fd, msgs, n, dropped);
	for (unsigned off = 0; off < n;) {
		unsigned c = n - off < HNS_MMSG_GSO_RUN ? n - off : HNS_MMSG_GSO_RUN, nr = 0;
		bool refused = false;

		/* Cut msgs[off, off + c) into runs: equal lengths, within one send's bytes. */
		for (unsigned i = 0; i < c;) {
			const struct mmsghdr *m = &msgs[off + i];
			size_t len = gso_alone(m) ? 0 : m->msg_hdr.msg_iov[0].iov_len;
			unsigned j = i + 1;

			if (len > 0 && len <= MMSG_GSO_BYTES) {
				iov[i] = m->msg_hdr.msg_iov[0];
				while (j < c && !gso_alone(&msgs[off + j]) &&
				       msgs[off + j].msg_hdr.msg_iov[0].iov_len == len &&
				       (size_t)(j - i + 1) * len <= MMSG_GSO_BYTES) {
					iov[j] = msgs[off + j].msg_hdr.msg_iov[0];
					j++;
				}
			}
			if (j - i == 1) {
				runs[nr] = *m; /* alone: its own iovecs, address and control */
			} else {
				struct cmsghdr *cm = &ctl[nr].align;
				uint16_t seg = (uint16_t)len;

				memset(&runs[nr], 0, sizeof(runs[nr]));
				runs[nr].msg_hdr.msg_iov = &iov[i];
				runs[nr].msg_hdr.msg_iovlen = j - i;
				runs[nr].msg_hdr.msg_control = ctl[nr].buf;
				runs[nr].msg_hdr.msg_controllen = sizeof(ctl[nr].buf);
				cm->cmsg_level = SOL_UDP;
				cm->cmsg_type = UDP_SEGMENT;
				cm->cmsg_len = CMSG_LEN(sizeof(seg));
				memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
			}
			first[nr++] = i;
			i = j;
		}
		first[nr] = c;
		(void)kernel_send(fd, runs, nr, run_dropped); /* counted by datagram below */
		for (unsigned r = 0; r < nr; r++) {
			unsigned a = first[r], b = first[r + 1];
			bool d = run_dropped[r];

			if (b - a > 1 && !d)
				g->proven = true;
			else if (b - a > 1 && !g->proven)
				refused = true;
			for (unsigned i = a; i < b; i++) {
				msgs[off + i].msg_len = d ? 0 : b - a == 1 ? runs[r].msg_len : (unsigned)iov[i].iov_len;
				if (dropped)
					dropped[off + i] = d;
				lost += d;
			}
		}
		if (refused)
			g->on = false;
		off += c;
		if (!g->on && off < n)
			return lost + hns_mmsg_send(fd, msgs + off, n - off, dropped ? dropped + off : NULL);
	}
	return lost;
}
