/*
 * common/tcp_gate.h -- the guard of a libevent TCP server: one per
 * event_base, shared by that base's listeners.
 *
 * It ties a common/tcp_guard.h table to libevent: admission in the accept
 * callback (refused connections are closed at once; for an eviction the
 * victim is closed through the caller's close function first), one timer
 * that closes connections idle past the pressure-scaled timeout, and an
 * accept error callback so that running out of descriptors (EMFILE,
 * ENFILE) does not spin the loop: libevent's listener stays readable and
 * would call accept again at once, so the gate sheds the waiting
 * connection through a reserved descriptor (the client sees a close, not
 * a hang), pauses every listener for HNS_TCP_GATE_PAUSE_MS and counts it.
 *
 * hns_tcp_gate_init raises the process's RLIMIT_NOFILE soft limit to the
 * hard limit (once per process) and caps the table at a quarter of that
 * limit over the descriptors a connection uses, so a full table leaves
 * descriptors for everything else.
 *
 * The caller owns its connections: it stores each one with
 * hns_tcp_gate_set_conn, reports activity with hns_tcp_gate_touch, and
 * calls hns_tcp_gate_release whenever a connection ends, including from
 * inside close_conn.  Only the base's thread calls any of this.
 */
#pragma once

#include <event2/listener.h>
#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"
#include "common/tcp_guard.h"

struct event;
struct event_base;
struct gate_listener;
struct sockaddr;

#define HNS_TCP_GATE_PAUSE_MS 100
/*
 * Listen backlog of a guarded listener (the kernel caps it at somaxconn).
 * Under a connection flood, handshakes wait here for accept, which admits
 * or refuses each at once; with a short queue the kernel would drop their
 * final ACKs and retransmit SYN-ACKs for a minute, and a client's SYN
 * would wait behind them.
 */
#define HNS_TCP_GATE_BACKLOG 1024

/* Why the gate closes a connection (already counted in the guard's stats). */
enum hns_tcp_close {
	HNS_TCP_CLOSE_IDLE,    /* idle past the (pressure-scaled) timeout */
	HNS_TCP_CLOSE_EVICTED, /* the oldest idle one, for a new connection to a full table */
};

/* Close this connection now; it must release its slot. */
typedef void (*hns_tcp_gate_close_fn)(void *conn, enum hns_tcp_close why);

struct hns_tcp_gate {
	struct hns_tcp_guard guard;
	struct event_base *base;
	struct event *sweep, *resume;
	hns_time_t sweep_at; /* 0: not armed */
	struct gate_listener **ls; /* owned; each one's evconnlistener is the caller's to free */
	size_t n_ls;
	int reserve_fd;
	hns_tcp_gate_close_fn close_conn;
	uint64_t fd_exhausted; /* accept failed for want of a descriptor (each pauses the listeners) */
	uint64_t accept_errors; /* other accept failures (they pause too) */
};

/* The RLIMIT_NOFILE soft limit after raising it to the hard limit (done once per process). */
uint64_t hns_nofile_raise(void);

/*
 * Set up on base; conf as for hns_tcp_guard_init (max_conns capped as
 * above), fds_per_conn the descriptors one connection holds (a relay: 2).
 * 0 or a negative hns_err.
 */
int hns_tcp_gate_init(struct hns_tcp_gate *t, struct event_base *base,
		      const struct hns_tcp_guard_conf *conf, unsigned fds_per_conn,
		      hns_tcp_gate_close_fn close_conn);
/*
 * Free the gate's timers and tables; close the connections first.  Twice
 * is harmless, and so is a zeroed gate that was never set up.
 */
void hns_tcp_gate_deinit(struct hns_tcp_gate *t);
/*
 * A listener on the listening socket fd (evconnlistener flags, e.g.
 * LEV_OPT_CLOSE_ON_FREE) whose connections go to cb with arg, as
 * evconnlistener_new would do, and whose accept errors the gate handles
 * (libevent gives the error callback the listener's own user data, so the
 * gate must create it).  The caller frees it with evconnlistener_free
 * before hns_tcp_gate_deinit.  NULL on failure, fd closed.
 */
struct evconnlistener *hns_tcp_gate_listen(struct hns_tcp_gate *t, int fd, unsigned flags,
					   evconnlistener_cb cb, void *arg);

/*
 * In the accept callback, for fd from sa: 0 and *slot when admitted (store
 * the connection with hns_tcp_gate_set_conn); otherwise fd is closed,
 * counted by cause, and a negative hns_err returned.
 */
int hns_tcp_gate_admit(struct hns_tcp_gate *t, int fd, const struct sockaddr *sa,
		       uint32_t *slot);
void hns_tcp_gate_set_conn(struct hns_tcp_gate *t, uint32_t slot, void *conn);
/* Activity on the connection in slot. */
void hns_tcp_gate_touch(struct hns_tcp_gate *t, uint32_t slot, hns_time_t now);
/* The connection in slot has ended. */
void hns_tcp_gate_release(struct hns_tcp_gate *t, uint32_t slot);
/* Counters of the table (accepted, refusals by cause, evictions, idle closes, peak). */
const struct hns_tcp_guard_stats *hns_tcp_gate_stats(const struct hns_tcp_gate *t);
/* Connections open now. */
uint32_t hns_tcp_gate_count(const struct hns_tcp_gate *t);
