/*
 * harness/loadgen_tcp.h -- the load generator's DNS-over-TCP connections.
 *
 * As a stub resolver does (RFC 7766): a few persistent connections per
 * sender thread, queries pipelined on them (several in flight, answers in
 * any order, matched by ID), each message with its two-byte length.  A
 * connection the server closes is opened again on the next query; what was
 * in flight on it is lost.  Buffers are allocated once per connection.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define LG_TCP_BUF 65536

struct lg_tcp_conn {
	int fd; /* -1: closed */
	struct hns_addr target;
	uint64_t retry_ns; /* no reconnect before (monotonic) */
	uint64_t opened, closed;
	uint8_t *out; /* LG_TCP_BUF: framed queries not yet written */
	size_t out_len;
	uint8_t *in; /* LG_TCP_BUF + 2: bytes read, not yet a whole message */
	size_t in_len;
};

/* Allocate the buffers and connect (in progress counts); 0 or a negative hns_err. */
int lg_tcp_init(struct lg_tcp_conn *c, const struct hns_addr *target);
void lg_tcp_deinit(struct lg_tcp_conn *c);
/*
 * Frame one message into the output buffer, reconnecting first when the
 * connection is closed (at most every 100 ms).  false when it cannot take
 * it (closed, or the buffer is full).
 */
bool lg_tcp_queue(struct lg_tcp_conn *c, const uint8_t *msg, size_t len, uint64_t now);
/*
 * Write what is buffered (as much as the socket takes) and read what came,
 * calling fn for each whole message.  Returns false when the connection
 * broke (closed by the peer, an error, a message over 65535 bytes): the
 * caller forgets what was in flight on it; the fd is closed.
 */
bool lg_tcp_pump(struct lg_tcp_conn *c, void (*fn)(void *arg, const uint8_t *msg, size_t len),
		 void *arg);
/*
 * The I/O-free framing: calls fn for each whole length-prefixed message in
 * buf[0..len) and returns how many bytes it consumed (the rest is a
 * partial message).  A zero length prefix is a whole, empty message.
 */
size_t lg_tcp_frames(const uint8_t *buf, size_t len, void (*fn)(void *arg, const uint8_t *msg, size_t len),
		     void *arg);
