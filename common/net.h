/*
 * common/net.h -- sockets, and the one place that enforces network safety.
 *
 * hybridns only ever talks to loopback: every scenario address is virtual
 * and mapped to 127.0.0.0/8 (see addrmap.h).  Every socket the project
 * opens is made here, and hns_net_dest_allowed() is the single check that
 * any destination (a bind address, an upstream, a relay target) must pass
 * before it is used.  Hot paths check once, when a destination is
 * configured, never per packet.
 *
 * The only exception is a network namespace the project created itself
 * (lab mode, tests): hns_net_allow_namespace() is called by the code that
 * created it and only then may other addresses be used.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"

/* Whether packets may be sent to (or a socket bound on) a. */
bool hns_net_dest_allowed(const struct hns_addr *a);
/* Allow non-loopback addresses: only for a network namespace we created and entered. */
void hns_net_allow_namespace(void);

enum hns_sock_flags {
	HNS_SOCK_REUSEPORT = 1 << 0, /* SO_REUSEPORT: one socket per worker thread */
	HNS_SOCK_NONBLOCK = 1 << 1,
};

/*
 * A UDP socket bound to a (port 0 = any free port).  Returns the fd, or a
 * negative hns_err: HNS_ENOTLOOPBACK when a is not an allowed address.
 */
int hns_udp_socket(const struct hns_addr *a, int flags);
/* A listening TCP socket bound to a. */
int hns_tcp_listen(const struct hns_addr *a, int flags, int backlog);
/* A non-blocking TCP connect to a (in progress is success); the fd or a negative hns_err. */
int hns_tcp_connect(const struct hns_addr *a);
/* The same from source address src (port 0: any), as a relay that keeps its client's address does. */
int hns_tcp_connect_from(const struct hns_addr *src, const struct hns_addr *a);
/* The address a socket is bound to (to learn a port chosen by the kernel). */
int hns_sock_local_addr(int fd, struct hns_addr *out);
