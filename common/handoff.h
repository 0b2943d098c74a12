/*
 * common/handoff.h -- datagrams between sockets of one process, in memory.
 *
 * In a world every component (the forwarder, the VPN relays, the AWS side)
 * runs in one process, and a query crosses loopback six times.  Each
 * crossing costs the kernel's whole UDP path on both ends: most of the CPU
 * of a world, and what bounds its capacity.  With the handoff on, a
 * datagram from one attached socket to another attached socket of the same
 * process is copied into the receiver's ring instead, and the receiver's
 * loop is woken by an eventfd; everything else (a real client, a real
 * resolver, dig, a datagram too large for a slot, a full ring) still goes
 * through the kernel.  Addresses and ports are the sockets' own: the
 * receiver sees the source it would see from the kernel, with an arrival
 * stamp taken when the datagram was handed over.
 *
 * Off unless hns_handoff_enable() was called (serve/load --handoff memory):
 * then every hop is a real datagram that a capture on lo sees.
 *
 * Rules for a socket's owner (the thread whose loop reads it):
 *   - hns_handoff_attach after the socket is bound (and connected, if it
 *     is), with the loop's base and the socket's read callback; the
 *     callback then also runs, with the socket's fd, when datagrams were
 *     handed over.  It must read with hns_mmsg_recv, which returns handed
 *     datagrams first; hns_mmsg_send hands over what it can.
 *   - hns_handoff_close instead of close(2), on the owner's thread.
 * IPv4 sockets bound to one address only; others are not attached (0).
 */
#pragma once

#include <event2/event.h>
#include <stdbool.h>
#include <sys/socket.h>

/* The largest datagram handed over: a larger one goes through the kernel. */
#define HNS_HANDOFF_MAX 4096
/* Bytes of ring per receiving socket (a power of two dividing 2 MiB); when it is full,
 * datagrams go through the kernel.  About 400 datagrams of 100 bytes: 20 ms of one ENI's
 * share of 120,000 qps. */
#define HNS_HANDOFF_RING (64u << 10)

/* Turn the handoff on for the process; before any socket is attached. */
void hns_handoff_enable(bool on);
bool hns_handoff_enabled(void);

/* Attach fd (see above).  0 (also when off or not attachable), or a negative hns_err. */
int hns_handoff_attach(int fd, struct event_base *base, event_callback_fn cb, void *arg);

/* Detach fd if attached (datagrams waiting in its ring are dropped), then close it. */
void hns_handoff_close(int fd);

/* Counters for the process (statistics and tests): datagrams handed over, and sent by
 * the kernel from an attached socket (no receiver attached, too large, or a full ring);
 * rings allocated (one per socket ever attached, at its attach: a load's prefault then
 * finds them, and none is zeroed inside a sender's turn). */
struct hns_handoff_stats {
	unsigned long long handed, kernel, rings;
};
void hns_handoff_stats(struct hns_handoff_stats *out);

/* For common/mmsg.c: whether fd is attached; its side of hns_mmsg_send and _recv. */
bool hns_handoff_attached(int fd);
/* Hand over what it can of msgs[0..n); sets handed[i]; returns how many were handed. */
unsigned hns_handoff_send(int fd, struct mmsghdr *msgs, unsigned n, bool *handed);
/* Take up to n handed datagrams into msgs (set up as for recvmmsg); returns how many. */
unsigned hns_handoff_recv(int fd, struct mmsghdr *msgs, unsigned n, int flags);
