#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/error.h"
#include "common/net.h"

static bool namespace_allowed;

void
hns_net_allow_namespace(void)
{
	namespace_allowed = true;
}

bool
hns_net_dest_allowed(const struct hns_addr *a)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return false;
	return namespace_allowed || hns_addr_is_loopback(a);
}

/*
 * SO_REUSEPORT lets any process of the same user join a port, and the kernel
 * then spreads datagrams and connections over both: two hybridns runs (or a
 * run and a test's server) would silently answer each other's queries.  So
 * the first socket this process binds on an address, port and protocol with
 * SO_REUSEPORT first proves the port free with an exclusive probe bind;
 * the workers' later sockets on the same key skip it (the probe would fail
 * against our own first socket).  The table is bounded; it holds the keys
 * of the last REUSEPORT_KEYS shared binds (a world has two per on-prem
 * resolver), which is what a group of workers binding one after the
 * other needs.
 */
#define REUSEPORT_KEYS 1024

static pthread_mutex_t reuseport_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reuseport_key {
	struct hns_addr addr;
	int type;
} reuseport_keys[REUSEPORT_KEYS];
static unsigned reuseport_next;

static bool
reuseport_known(const struct hns_addr *a, int type)
{
	for (unsigned i = 0; i < REUSEPORT_KEYS; i++) {
		const struct reuseport_key *k = &reuseport_keys[i];

		if (k->type == type && hns_addr_equal(&k->addr, a) && k->addr.port == a->port)
			return true;
	}
	return false;
}

/* An exclusive bind of a throw-away socket: 0 when nobody holds a:port. */
static int
port_probe(const struct hns_addr *a, int type)
{
	struct sockaddr_storage ss;
	socklen_t len = hns_addr_to_sockaddr(a, &ss);
	int fd = socket(a->family, type | SOCK_CLOEXEC, 0), one = 1, rc = 0;

	if (fd < 0)
		return -errno;
	/* a TCP port in TIME_WAIT is free to listen on; a listening one is not */
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Remember fd's bound address as ours (with the lock held). */
static void
reuseport_record(int fd, int type)
{
	struct hns_addr bound;

	if (hns_sock_local_addr(fd, &bound) != 0 || reuseport_known(&bound, type))
		return;
	reuseport_keys[reuseport_next % REUSEPORT_KEYS] = (struct reuseport_key){ bound, type };
	reuseport_next++;
}

static int
sock_open(const struct hns_addr *a, int type, int flags)
{
	int fd, one = 1;

	if (!hns_net_dest_allowed(a))
		return HNS_ENOTLOOPBACK;
	fd = socket(a->family, type | SOCK_CLOEXEC | ((flags & HNS_SOCK_NONBLOCK) ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	/*
	 * SO_REUSEADDR only for a TCP listener on a fixed port (to bind over
	 * connections in TIME_WAIT).  On a UDP socket Linux lets a second
	 * process with the same option bind the very same address and port,
	 * and the two would share its datagrams; with port 0 it may even hand
	 * out a port another socket holds.
	 */
	if ((type == SOCK_STREAM && a->port != 0 &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) ||
	    ((flags & HNS_SOCK_REUSEPORT) &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	return fd;
}

static int
sock_bind(int fd, const struct hns_addr *a, int type, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = hns_addr_to_sockaddr(a, &ss);
	bool shared = flags & HNS_SOCK_REUSEPORT;
	int rc = 0;

	if (shared) {
		pthread_mutex_lock(&reuseport_lock);
		if (a->port != 0 && !reuseport_known(a, type))
			rc = port_probe(a, type);
	}
	if (rc == 0 && bind(fd, (struct sockaddr *)&ss, len) != 0)
		rc = -errno;
	if (shared) {
		if (rc == 0)
			reuseport_record(fd, type);
		pthread_mutex_unlock(&reuseport_lock);
	}
	if (rc != 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int
hns_udp_socket(const struct hns_addr *a, int flags)
{
	int fd = sock_open(a, SOCK_DGRAM, flags);

	if (fd < 0)
		return fd;
	/* Bigger buffers absorb bursts of a batch-driven load; failure is harmless. */
	int sz = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	return sock_bind(fd, a, SOCK_DGRAM, flags);
}

int
hns_tcp_listen(const struct hns_addr *a, int flags, int backlog)
{
	int fd = sock_open(a, SOCK_STREAM, flags);

	if (fd < 0)
		return fd;
	fd = sock_bind(fd, a, SOCK_STREAM, flags);
	if (fd < 0)
		return fd;
	if (listen(fd, backlog) != 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int
hns_tcp_connect_from(const struct hns_addr *src, const struct hns_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (!hns_net_dest_allowed(a) || (src != NULL && !hns_net_dest_allowed(src)))
		return HNS_ENOTLOOPBACK;
	fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (src != NULL) {
		struct hns_addr from = *src;

		from.port = 0;
		len = hns_addr_to_sockaddr(&from, &ss);
		if (bind(fd, (struct sockaddr *)&ss, len) != 0)
			goto fail;
	}
	len = hns_addr_to_sockaddr(a, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS)
		goto fail;
	return fd;
fail:;
	int err = -errno;

	close(fd);
	return err;
}

int
hns_tcp_connect(const struct hns_addr *a)
{
	return hns_tcp_connect_from(NULL, a);
}

int
hns_sock_local_addr(int fd, struct hns_addr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -errno;
	return hns_addr_from_sockaddr(out, (struct sockaddr *)&ss);
}
