/*
 * common/mmsg.h -- batched UDP I/O: recvmmsg in, sendmmsg out.
 *
 * Every UDP hot path (the forwarder, the resolver, the VPN relays, the load
 * generator) reads and writes datagrams in batches with these four calls,
 * so a batch is set up one way and a failed send is handled one way.
 *
 * The rule for a failed send (hns_mmsg_send), the same for every user:
 *   - a partial sendmmsg (the kernel took k of n) goes on with the rest;
 *   - EINTR retries the same call (a bounded number of times);
 *   - EAGAIN, EWOULDBLOCK or ENOBUFS -- the socket buffer is full -- drops
 *     every datagram not yet sent: retrying at once would spin, and a busy
 *     server drops too.  They are counted, never queued;
 *   - any other error (ECONNREFUSED left by an ICMP error of an earlier
 *     send, EMSGSIZE, EPERM, ...) is charged to the first unsent datagram:
 *     that one is dropped and counted, and the rest go on.
 * A datagram is never sent twice and never retried later; the caller
 * decides what a drop means (a counter, a slot to free).
 *
 * Nothing here blocks: every call passes MSG_DONTWAIT.  No allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* EINTR retries per hns_mmsg_send or hns_mmsg_recv call before the error counts as any other. */
#define HNS_MMSG_EINTR_TRIES 8

/*
 * Set up one datagram: m points at iov = {buf, len} and, if name is not
 * NULL, at name (namelen bytes: the destination to send to, or the room for
 * the source of a received one).  Everything else in m is cleared.
 */
void hns_mmsg_set(struct mmsghdr *m, struct iovec *iov, void *buf, size_t len, void *name,
		  socklen_t namelen);

/*
 * Set up n receive slots: slot i reads into buf + i * stride (stride bytes)
 * and, if from is not NULL, records its source in from[i].
 */
void hns_mmsg_setup_recv(struct mmsghdr *msgs, struct iovec *iov, unsigned n, uint8_t *buf,
			 size_t stride, struct sockaddr_storage *from);

/*
 * Receive up to n datagrams into slots set up by hns_mmsg_setup_recv (or
 * hns_mmsg_set, a source name then being a struct sockaddr_storage).
 * Source lengths and flags are reset first, so the same slots serve every
 * call.  flags is OR-ed with MSG_DONTWAIT (MSG_TRUNC makes
 * msg_len the real size of a datagram larger than its slot).  Returns the
 * number received (msgs[i].msg_len each), 0 when nothing is waiting, or a
 * negative hns_err (-errno).
 */
int hns_mmsg_recv(int fd, struct mmsghdr *msgs, unsigned n, int flags);

/*
 * Arrival times.  A loop that reads late (it coalesces, or its core was
 * busy) still needs the time each datagram arrived: the VPN's delays run
 * from it.  The kernel stamps every datagram as it is queued
 * (SO_TIMESTAMPNS, CLOCK_REALTIME); hns_mmsg_arrival turns that into the
 * monotonic clock.
 *
 * hns_mmsg_want_arrival(fd) turns the stamps on for fd (0 or -errno);
 * hns_mmsg_setup_arrival gives each of n receive slots its control buffer
 * (hns_mmsg_recv then resets its length with the rest of the slot);
 * hns_mmsg_arrival(m, now, skew) is the arrival of a received slot on the
 * monotonic clock, skew being hns_mmsg_clock_skew() read once per batch;
 * it is `now` when the slot has no stamp or the stamp is not in the last
 * minute (the real-time clock was stepped).
 */
union hns_mmsg_ctl {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct timespec))];
};

int hns_mmsg_want_arrival(int fd);
void hns_mmsg_setup_arrival(struct mmsghdr *msgs, union hns_mmsg_ctl *ctl, unsigned n);
int64_t hns_mmsg_clock_skew(void);
uint64_t hns_mmsg_arrival(const struct mmsghdr *m, uint64_t now, int64_t skew);

/*
 * Send msgs[0..n) on fd by the rule above, in as few sendmmsg calls as it
 * allows.  If dropped is not NULL, dropped[i] says whether datagram i was
 * dropped.  Returns how many were dropped (0: all sent).
 */
unsigned hns_mmsg_send(int fd, struct mmsghdr *msgs, unsigned n, bool *dropped);

/*
 * Runs of datagrams in one send each: UDP segmentation offload
 * (UDP_SEGMENT, Linux 4.18).  Consecutive datagrams of one length leave as
 * one buffer the kernel cuts into those datagrams again on the way (for
 * loopback, at the receiving socket): one route lookup, one socket buffer
 * and one pass through the stack per run instead of per datagram.  The
 * receiver reads the same datagrams, in the same order.  About 40 % of
 * the CPU of a loopback datagram, sender and receiver together, at runs
 * of 8 (docs/performance.md).
 *
 * For a connected socket not attached to the in-memory handoff, sending
 * datagrams of one iovec each and no address (the load generator's
 * queries): a message that is not such goes out alone.  A run that the
 * kernel refuses before any run on this socket was taken (a path that
 * cannot segment) turns the offload off for the socket; its datagrams
 * are dropped by the rule above, and the next sends go one by one.
 *
 * hns_mmsg_gso_init(fd, g): whether the kernel has UDP_SEGMENT (g->on).
 * hns_mmsg_send_gso: as hns_mmsg_send, in runs while g->on.
 */
#define HNS_MMSG_GSO_RUN 64 /* datagrams per run (the kernel takes 64 at least) */

struct hns_mmsg_gso {
	bool on;     /* runs are sent as one */
	bool proven; /* a run was taken: later refusals are the usual kind */
};

void hns_mmsg_gso_init(int fd, struct hns_mmsg_gso *g);
unsigned hns_mmsg_send_gso(int fd, struct mmsghdr *msgs, unsigned n, bool *dropped,
			   struct hns_mmsg_gso *g);
