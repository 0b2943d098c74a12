/*
 * resolver/internal.h -- what the server's files share (not a public face).
 *
 * Calls go one way: server.c (start, stop, stats) -> io_udp.c, io_tcp.c
 * (the transports) -> handle.c (the per-query step) -> io_fwd.c (the
 * outbound forwarder) -> tcp_conn.c (a TCP client's connection) and
 * listener.c (admission, counters), qlog.c (the query log).
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "common/evloop.h"
#include "resolver/answer.h"
#include "resolver/server.h"

struct event;
struct evconnlistener;
struct bufferevent;
struct hns_tcp_gate;

#define RSLV_BATCH 32
#define RSLV_UDP_MAX 4096 /* largest UDP query read and answer written */

/*
 * A listener's counters as one thread keeps them: plain integers with one
 * writer each (rslv_count), summed over the threads when stats are read.
 */
struct rslv_counters {
	uint64_t queries, answered, forwarded, dropped_ceiling, formerr;
	uint64_t dropped_outside, refused_outside, dropped_rate; /* R8, R9 */
	uint64_t cache_hits;	     /* forwarded questions answered from the cache */
	uint64_t dropped_send;	     /* UDP answers the socket refused (buffer full): never sent */
	uint64_t rcode[RSLV_RCODES]; /* every answer sent, forwarded ones included */
};

/* Count one event in a counter of the calling thread (no read-modify-write bus lock). */
static inline void
rslv_count_n(uint64_t *v, uint64_t n)
{
	__atomic_store_n(v, __atomic_load_n(v, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static inline void
rslv_count(uint64_t *v)
{
	rslv_count_n(v, 1);
}

struct rslv_listener {
	struct rslv_listener_spec spec;
	uint32_t index; /* in rslv_server.ls (the rate limit's key) */
	struct rslv_counters st; /* the main thread's: TCP, forwarded answers */
	atomic_uint_fast64_t win_sec; /* ceiling: the current second, and queries in it */
	atomic_uint_fast32_t win_count;
	struct evconnlistener *tcp;
};

struct rslv_worker {
	struct rslv_server *srv;
	unsigned index;
	pthread_t thread;
	bool started;
	struct event_base *base;
	struct hns_evloop loop;
	struct rslv_uring *ur; /* io_uring.c, or NULL: the epoll loop */
	int *fds; /* one per listener */
	struct event **evs;
	struct event *stop_ev;
	struct rslv_counters *ct; /* one per listener, this thread's */
	struct mmsghdr rmsg[RSLV_BATCH], smsg[RSLV_BATCH];
	struct iovec riov[RSLV_BATCH], siov[RSLV_BATCH];
	struct sockaddr_storage addr[RSLV_BATCH];
	uint8_t in[RSLV_BATCH][RSLV_UDP_MAX];
	uint8_t out[RSLV_BATCH][RSLV_UDP_MAX];
	struct rslv_handled h;
};

/* A client waiting for a forwarded answer. */
struct rslv_client {
	struct rslv_listener *l;
	bool tcp;
	int fd;				/* UDP: the socket to answer from */
	struct hns_addr addr;		/* UDP: the client */
	struct rslv_tcp_conn *conn;	/* TCP */
	uint16_t id;
	uint16_t qtype;
	uint8_t qname[DNS_NAME_MAX]; /* the client's spelling */
	uint8_t qname_len;
	bool has_edns, edns_do;
	uint16_t udp_limit;
	/* A chased CNAME forwarded at its target: the chain so far (in the world), which
	 * goes before the target's answer; NULL for a question forwarded as it is. */
	const struct rslv_rrset *chain;
};

struct rslv_fwd_job {
	struct rslv_client c;
	uint8_t lname[DNS_NAME_MAX];
	uint8_t lname_len;
	uint16_t qtype;
	const struct model_rule *rule;
	size_t view;
};

struct rslv_fwd;
struct rslv_tcp_bufs;

/* A TCP client's connection (tcp_conn.c), on the server's list while open. */
struct rslv_tcp_conn {
	struct rslv_server *s;
	struct rslv_listener *l;
	struct bufferevent *bev; /* NULL once closed */
	struct hns_addr peer;
	uint32_t slot; /* in s->tcp_gate */
	int refs;
	struct rslv_tcp_conn *next, **pprev;
};

struct rslv_server {
	const struct model *m;
	struct rslv_world *w;
	struct rslv_server_opts o;
	struct rslv_listener *ls;
	size_t n_ls;
	struct rslv_worker *workers;
	unsigned n_workers;
	struct rslv_fwd *fwd;
	struct rslv_tcp_conn *conns; /* open TCP connections (list) */
	struct rslv_tcp_bufs *tcp_bufs; /* the main thread's query and answer (io_tcp.c) */
	struct hns_tcp_gate *tcp_gate; /* their ceilings and idle timeout (io_tcp.c) */
	FILE *qlog;
	pthread_mutex_t qlog_mu;
	struct hns_addr *outside; /* R8: sorted, ports 0 */
	size_t n_outside;
	struct rslv_ratelimit rl; /* R9, +2 listeners */
};

enum rslv_admit {
	RSLV_ADMIT_OK,
	RSLV_ADMIT_DROP,   /* counted already */
	RSLV_ADMIT_REFUSE, /* R8 with RSLV_OUTSIDE_REFUSED: answer REFUSED (counted already) */
};

/* listener.c */
/* Keep a copy of the R8 outside sources, sorted, ports 0. */
int rslv_outside_init(struct rslv_server *s, const struct hns_addr *src, size_t n);
/* Whether src lies outside every VPC (R8): one of opts.outside, port ignored. */
bool rslv_source_outside(const struct rslv_server *s, const struct hns_addr *src);
/* R8, R9 and the ceiling for one query from src at l, counting what it drops in ct. */
enum rslv_admit rslv_listener_admit(struct rslv_server *s, struct rslv_listener *l,
				    struct rslv_counters *ct, const struct hns_addr *src,
				    hns_time_t now);
/* Ceiling check for one query at a listener (shared by every thread); true: drop it. */
bool rslv_listener_over(struct rslv_listener *l, uint64_t now_sec);
/* Count one answer packet sent by its rcode in ct. */
void rslv_counters_rcode(struct rslv_counters *ct, const uint8_t *pkt, size_t len);
/* The same in the main thread's counters of l (forwarded answers). */
void rslv_listener_count_rcode(struct rslv_listener *l, const uint8_t *pkt, size_t len);
/* A forwarded question answered from the cache (main thread). */
void rslv_listener_count_cache_hit(struct rslv_listener *l);
/* l's counters summed over the main thread and every UDP worker. */
void rslv_listener_sum(const struct rslv_server *s, const struct rslv_listener *l,
		       struct rslv_counters *sum);

/* handle.c: the per-query step, one for both transports. */

/* Who asked: where the answer goes now, or later for a forwarded query. */
struct rslv_peer {
	struct hns_addr addr;
	bool tcp;
	int fd;			    /* UDP: the socket the query came in on */
	struct rslv_tcp_conn *conn; /* TCP: the client's connection */
};

enum rslv_step {
	RSLV_STEP_NONE,	  /* nothing to send (dropped, forwarded, ignored) */
	RSLV_STEP_SEND,	  /* send out[0..h->len) */
	RSLV_STEP_HANGUP, /* not DNS: a TCP connection is closed */
};

/*
 * One query of pkt[0..len) arriving at l from p: counted, admitted (R8, R9,
 * the ceiling), parsed and answered from the view into out (cap bytes), or
 * handed to the outbound forwarder; the answer counted by rcode, traced and
 * logged.  ct: the calling thread's counters of l; h: its scratch.
 */
enum rslv_step rslv_handle(struct rslv_server *s, struct rslv_listener *l,
			   struct rslv_counters *ct, const struct rslv_peer *p, const uint8_t *pkt,
			   size_t len, uint8_t *out, size_t cap, hns_time_t now,
			   struct rslv_handled *h);
/* Record the hops of a trace (common/trace.h) when tracing is on. */
void rslv_trace_emit(const struct rslv_listener *l, const struct rslv_handled *h);

/* io_udp.c */
int rslv_udp_start(struct rslv_server *s);
void rslv_udp_stop(struct rslv_server *s);
/*
 * io_uring.c: the worker's loop on io_uring.  init on the starting thread
 * (a negative hns_err when this kernel refuses io_uring); run on the
 * worker's thread, returning false when it could not go on there (the
 * caller then runs the epoll loop); stop from any thread.
 */
int rslv_uring_init(struct rslv_worker *wk);
bool rslv_uring_run(struct rslv_worker *wk);
void rslv_uring_stop(struct rslv_worker *wk);
void rslv_uring_free(struct rslv_worker *wk);
/* io_tcp.c */
int rslv_tcp_start(struct rslv_server *s);
void rslv_tcp_stop(struct rslv_server *s);
/* The TCP clients' counters as a JSON object (see rslv_server_stats). */
void rslv_tcp_stats(const struct rslv_server *s, FILE *out);
/* tcp_conn.c: a TCP client's connection, shared by io_tcp.c and io_fwd.c (main thread). */
/* Send one framed answer on a connection; a closed connection drops it. */
void rslv_tcp_send(struct rslv_tcp_conn *c, const uint8_t *pkt, size_t len);
void rslv_tcp_conn_unref(struct rslv_tcp_conn *c);
void rslv_tcp_conn_ref(struct rslv_tcp_conn *c);
/* Close it (idempotent): the gate's slot released, off the server's list, one reference dropped. */
void rslv_tcp_conn_close(struct rslv_tcp_conn *c);
/* io_fwd.c */
int rslv_fwd_start(struct rslv_server *s);
void rslv_fwd_stop(struct rslv_server *s);
/* Hand a forwarded query over (any thread); false when the queue is full (dropped). */
bool rslv_fwd_submit(struct rslv_server *s, const struct rslv_fwd_job *job);
/* Main thread only (TCP): submit without the queue. */
void rslv_fwd_submit_local(struct rslv_server *s, const struct rslv_fwd_job *job);
/* Fill a job from a handled query. */
void rslv_job_fill(struct rslv_fwd_job *j, struct rslv_listener *l, const struct rslv_handled *h);
/* qlog.c: one line for an answer we built, or for a forwarded/packet answer. */
void rslv_qlog_answer(struct rslv_server *s, const struct rslv_listener *l,
		      const struct hns_addr *client, bool tcp, const struct rslv_handled *h);
void rslv_qlog_packet(struct rslv_server *s, const struct rslv_listener *l,
		      const struct hns_addr *client, bool tcp, const uint8_t *qname, size_t qlen,
		      uint16_t qtype, const uint8_t *pkt, size_t len, const struct model_rule *rule);
