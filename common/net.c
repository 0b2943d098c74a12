#include "config.h"

#include <fcntl.h>
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
	 * SO_REUSEADDR only for a fixed port: with port 0 Linux may then hand
	 * out a UDP port another socket already holds, and two flows would
	 * share it.
	 */
	if ((a->port != 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) ||
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
sock_bind(int fd, const struct hns_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = hns_addr_to_sockaddr(a, &ss);

	if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
		int err = -errno;

		close(fd);
		return err;
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
	return sock_bind(fd, a);
}

int
hns_tcp_listen(const struct hns_addr *a, int flags, int backlog)
{
	int fd = sock_open(a, SOCK_STREAM, flags);

	if (fd < 0)
		return fd;
	fd = sock_bind(fd, a);
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
