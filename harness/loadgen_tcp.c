/*
 * harness/loadgen_tcp.c -- pipelined DNS-over-TCP for the load generator
 * (see loadgen_tcp.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/net.h"
#include "harness/loadgen_tcp.h"

#define LG_TCP_RETRY_NS (100 * HNS_NSEC_PER_MSEC)

size_t
lg_tcp_frames(const uint8_t *buf, size_t len, void (*fn)(void *arg, const uint8_t *msg, size_t len),
	      void *arg)
{
	size_t off = 0;

	while (len - off >= 2) {
		size_t n = (size_t)buf[off] << 8 | buf[off + 1];

		if (len - off - 2 < n)
			break;
		fn(arg, buf + off + 2, n);
		off += 2 + n;
	}
	return off;
}

static void
conn_close(struct lg_tcp_conn *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->closed++;
	}
	c->fd = -1;
	c->out_len = 0;
	c->in_len = 0;
}

static bool
conn_open(struct lg_tcp_conn *c, uint64_t now)
{
	int fd;

	if (now < c->retry_ns)
		return false;
	fd = hns_tcp_connect(&c->target);
	if (fd < 0) {
		c->retry_ns = now + LG_TCP_RETRY_NS;
		return false;
	}
	c->fd = fd;
	c->opened++;
	return true;
}

int
lg_tcp_init(struct lg_tcp_conn *c, const struct hns_addr *target)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->target = *target;
	if (!hns_net_dest_allowed(target))
		return HNS_ENOTLOOPBACK;
	c->out = malloc(LG_TCP_BUF);
	c->in = malloc(LG_TCP_BUF + 2);
	if (c->out == NULL || c->in == NULL) {
		lg_tcp_deinit(c);
		return HNS_ENOMEM;
	}
	conn_open(c, 0);
	return 0;
}

void
lg_tcp_deinit(struct lg_tcp_conn *c)
{
	conn_close(c);
	free(c->out);
	free(c->in);
	c->out = c->in = NULL;
}

bool
lg_tcp_queue(struct lg_tcp_conn *c, const uint8_t *msg, size_t len, uint64_t now)
{
	if (c->out == NULL || len > 65535)
		return false;
	if (c->fd < 0 && !conn_open(c, now))
		return false;
	if (LG_TCP_BUF - c->out_len < len + 2)
		return false;
	c->out[c->out_len] = (uint8_t)(len >> 8);
	c->out[c->out_len + 1] = (uint8_t)len;
	memcpy(c->out + c->out_len + 2, msg, len);
	c->out_len += len + 2;
	return true;
}

static bool
conn_write(struct lg_tcp_conn *c)
{
	size_t done = 0;

	while (done < c->out_len) {
		ssize_t n = write(c->fd, c->out + done, c->out_len - done);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN || errno == EINTR)
				break; /* still connecting, or the socket is full: later */
			return false;
		}
		done += (size_t)n;
	}
	memmove(c->out, c->out + done, c->out_len - done);
	c->out_len -= done;
	return true;
}

bool
lg_tcp_pump(struct lg_tcp_conn *c, void (*fn)(void *arg, const uint8_t *msg, size_t len), void *arg)
{
	if (c->fd < 0)
		return true;
	if (c->out_len > 0 && !conn_write(c))
		goto broken;
	for (int pass = 0; pass < 16; pass++) {
		ssize_t n = read(c->fd, c->in + c->in_len, LG_TCP_BUF + 2 - c->in_len);
		size_t used;

		if (n == 0)
			goto broken;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN || errno == EINTR)
				break;
			goto broken;
		}
		c->in_len += (size_t)n;
		used = lg_tcp_frames(c->in, c->in_len, fn, arg);
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		if (c->in_len == LG_TCP_BUF + 2)
			goto broken; /* cannot happen with a two-byte length: defensive */
	}
	return true;
broken:
	conn_close(c);
	return false;
}
