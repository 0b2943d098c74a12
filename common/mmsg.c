/*
 * common/mmsg.c -- batched UDP I/O (see mmsg.h for the send-failure rule).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/mmsg.h"

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
		h->msg_flags = 0;
		msgs[i].msg_len = 0;
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

static bool
mmsg_buffer_full(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

unsigned
hns_mmsg_send(int fd, struct mmsghdr *msgs, unsigned n, bool *dropped)
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
