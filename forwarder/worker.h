/*
 * forwarder/worker.h -- one forwarder worker thread (internal to forwarder/).
 *
 * Owns an event_base, the core, its sockets and the preallocated batch
 * arrays.  io_udp.c fills and flushes the UDP batches, io_tcp.c handles
 * TCP clients and TCP retries towards upstreams, server.c starts and stops
 * the threads.  Only the worker's own thread touches it, except the stats
 * (read racily, summed) and the stop pipe.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/evloop.h"
#include "common/tcp_gate.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"

struct event;
struct event_base;
struct evconnlistener;
struct bufferevent;
struct fwd_tcp_conn;
struct fwd_tcp_up;
struct fwd_uring;

#define FWD_BATCH 64
#define FWD_RECV_LEN 4096  /* a client query or an upstream UDP reply */
#define FWD_ANSWER_LEN FWD_UDP_ANSWER_MAX /* a UDP answer */
#define FWD_QUERY_LEN 512   /* an upstream query */
#define FWD_MAX_SOCKS 8
#define FWD_TCP_UPS 256     /* TCP queries to upstreams in flight per worker */

/*
 * TCP clients (docs/forwarder.md, "TCP under a connection flood"): per
 * forwarder and split evenly over its workers (rounded up), since
 * SO_REUSEPORT spreads a client's connections over them.  FWD_TCP_CONNS
 * bounds a worker's table (and its connection IDs).
 */
#define FWD_TCP_CONNS 1024	   /* client connections per worker, at most */
#define FWD_TCP_MAX_CONNS 1024	   /* client connections per forwarder */
#define FWD_TCP_PER_CLIENT 64	   /* per source address (IPv6: per /64) */
#define FWD_TCP_IDLE_MS 10000	   /* idle timeout up to half full */
#define FWD_TCP_IDLE_FLOOR_MS 200 /* ... shrinking to this when full */

/* A batch of outgoing datagrams on one socket, flushed with sendmmsg. */
struct fwd_sendq {
	int fd;
	unsigned n;
	size_t buflen;
	uint8_t *bufs; /* [FWD_BATCH][buflen] */
	struct mmsghdr msgs[FWD_BATCH];
	struct iovec iov[FWD_BATCH];
	struct sockaddr_storage to[FWD_BATCH];
};

/* A batch of incoming datagrams, filled with recvmmsg. */
struct fwd_recvq {
	uint8_t bufs[FWD_BATCH][FWD_RECV_LEN];
	struct mmsghdr msgs[FWD_BATCH];
	struct iovec iov[FWD_BATCH];
	struct sockaddr_storage from[FWD_BATCH];
};

/*
 * A UDP socket shared by every upstream of one address family (io_udp.c):
 * each query names its upstream, and the core accepts a reply only from the
 * upstream it asked, on the socket it asked from.
 */
struct fwd_upsock {
	struct fwd_worker *w;
	unsigned up;	/* unused: the socket serves every upstream of its family */
	unsigned index; /* socket index, 0 .. n_socks - 1 */
	struct fwd_sendq q;
	struct event *ev;
};

struct fwd_io_stats {
	/* tcp_conn_refused: admitted but not set up (no memory); the gate counts the rest. */
	uint64_t udp_answers, tcp_queries, tcp_conns, tcp_conn_refused, send_errors;
	uint64_t upstream_tcp, upstream_tcp_failed;
};

struct fwd_worker {
	unsigned index, n_workers;
	const struct fwd_config *cfg;
	struct fwd_core *core;
	struct event_base *base;
	struct hns_evloop loop;
	pthread_t thread;
	bool started;
	hns_time_t now; /* of the batch being handled */

	int udp_fd, tcp_fd;
	struct hns_addr src; /* upstream queries leave from here (the listen address, port 0) */
	struct event *udp_ev;
	struct evconnlistener *listener;
	struct fwd_sendq clientq;
	struct fwd_recvq *recvq;

	struct fwd_upsock *ups; /* [2][n_socks]: IPv4 then IPv6, opened for families in use */
	unsigned n_ups, n_socks;
	struct fwd_uring *ur; /* io_uring.c: the ring, when cfg->udp_io asks for one */
	bool ur_on;	      /* the ring serves the UDP sockets (else epoll does) */

	struct event *timer;
	hns_time_t timer_at; /* 0 = not armed */
	int stop_fds[2];
	struct event *stop_ev;

	struct hns_tcp_gate tcp_gate; /* client connections: ceilings, idle timeout */
	struct fwd_tcp_conn *conns[FWD_TCP_CONNS]; /* by gate slot */
	uint32_t conn_gen;
	struct fwd_tcp_up *tcp_ups[FWD_TCP_UPS];

	struct fwd_io_stats io;
};

/* io_udp.c */
int fwd_sendq_init(struct fwd_sendq *q, int fd, size_t buflen);
void fwd_sendq_deinit(struct fwd_sendq *q);
void fwd_sendq_flush(struct fwd_worker *w, struct fwd_sendq *q);
int fwd_udp_worker_init(struct fwd_worker *w, const struct hns_addr *listen);
/* On the worker's thread, before its loop: the ring's receives, or the epoll events. */
int fwd_udp_worker_start(struct fwd_worker *w);
/* The epoll events of the UDP sockets, added (also when the ring gives up). */
int fwd_udp_epoll_start(struct fwd_worker *w);
void fwd_udp_worker_deinit(struct fwd_worker *w);
/* Flush every pending batch (answers first, queries last) and re-arm the timer. */
void fwd_worker_flush(struct fwd_worker *w);
/* The same, as the loop's turn_end: once per loop turn, after every ready socket was read. */
void fwd_worker_turn_end(void *arg);
/* Every pending batch to the ring's submission queue, not yet submitted (io_uring.c). */
void fwd_worker_queue_sends(struct fwd_worker *w);
/* A client's query read from `from`: answered at once (cache, local zone, error) or to the core. */
void fwd_client_datagram(struct fwd_worker *w, const struct sockaddr *from, const uint8_t *pkt,
			 size_t len);
/* An upstream's reply read on us's socket, to the core (a truncated one is dropped). */
void fwd_upstream_datagram(struct fwd_worker *w, const struct fwd_upsock *us,
			   const struct sockaddr *from, const uint8_t *pkt, size_t len, bool truncated);
extern const struct fwd_io_ops fwd_worker_ops;

/* io_uring.c */
/* The ring, made disabled on the starting thread; < 0 where the kernel refuses it. */
int fwd_uring_init(struct fwd_worker *w);
/* On the worker's thread: enable it and arm the receives; false: use epoll. */
bool fwd_uring_start(struct fwd_worker *w);
/*
 * q's datagrams as sends in the submission queue (q is empty after);
 * fwd_uring_submit sends them, and must before q's buffers are written
 * again: `now`, or at the end of a callback (the ring's own turn submits
 * at its next io_uring_enter, before it reads anything).
 */
void fwd_uring_queue(struct fwd_worker *w, struct fwd_sendq *q);
void fwd_uring_submit(struct fwd_worker *w, bool now);
void fwd_uring_free(struct fwd_worker *w);

/* io_tcp.c */
int fwd_tcp_worker_init(struct fwd_worker *w, const struct hns_addr *listen);
void fwd_tcp_worker_deinit(struct fwd_worker *w);
void fwd_tcp_answer(struct fwd_worker *w, uint32_t conn, const uint8_t *pkt, size_t len);
void fwd_tcp_upstream_send(struct fwd_worker *w, unsigned up, const uint8_t *pkt, size_t len);
