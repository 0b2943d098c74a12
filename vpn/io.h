/*
 * vpn/io.h -- internals shared by the relay I/O files (not a public face).
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "common/evloop.h"
#include "common/mmsg.h"
#include "vpn/queue.h"
#include "vpn/relay.h"

struct event;
struct evconnlistener;
struct hns_tcp_gate;
struct vpn_tcp_conn;

#define VPN_BATCH 64
#define VPN_NO_FLOW UINT32_MAX
#define VPN_FLOW_BUCKETS 2048

/* Entry kinds in the link queues: which way the packet leaves the relay. */
enum {
	VPN_KIND_UPSTREAM = 0, /* from the flow's socket to the relay's destination */
	VPN_KIND_REPLY = 1,    /* from the relay's socket back to the flow's client */
};

struct vpn_relay {
	struct vpn *v;
	enum vpn_dir dir;
	struct hns_addr listen, dest;
	struct sockaddr_storage dest_ss;
	socklen_t dest_len;
	int fd; /* UDP */
	struct event *ev;
	int tcp_fd;
	struct evconnlistener *listener;
	char label[112];
	struct vpn_relay_stats st;
};

struct vpn_flow {
	struct vpn *v;
	uint32_t relay;
	uint32_t gen;	   /* bumped every time the slot is reused */
	uint32_t hnext;	   /* hash chain */
	uint32_t lprev, lnext; /* LRU list, most recent at the head */
	bool used;
	int fd;
	struct event *ev;
	struct sockaddr_storage client;
	socklen_t client_len;
	hns_time_t last;
};

/* One FIFO of one link, with its timer. */
struct vpn_lane {
	struct vpn *v;
	struct vpn_queue q;
	struct event *timer;
	unsigned tunnel;
	enum vpn_dir dir;
	bool armed;
};

struct vpn {
	struct event_base *base;
	struct hns_evloop loop; /* its thread's loop, with receive coalescing */
	struct vpn_tunnels ts;
	struct vpn_lane lanes[VPN_MAX_TUNNELS][VPN_DIR_COUNT][VPN_Q_COUNT];

	struct vpn_relay *relays;
	size_t n_relays;

	struct vpn_flow *flows; /* VPN_MAX_FLOWS */
	uint32_t buckets[VPN_FLOW_BUCKETS];
	uint32_t free_head; /* free list through hnext */
	uint32_t lru_head, lru_tail;
	size_t n_flows;
	struct event *sweep;

	struct vpn_tcp_conn *conns; /* live TCP connections (list) */
	size_t n_conns;
	struct hns_tcp_gate *tcp_gate; /* their ceilings and idle timeout (io_tcp.c) */

	int ctl_fd;
	struct event *ctl_ev;

	int stop_fd; /* eventfd: ask the thread to leave its loop */
	struct event *stop_ev;
	pthread_t thread;
	bool running;

	/* Receive and send batches, allocated once. */
	size_t buf_size;
	uint8_t *rx_buf;
	struct mmsghdr rx_msg[VPN_BATCH];
	struct iovec rx_iov[VPN_BATCH];
	struct sockaddr_storage rx_addr[VPN_BATCH];
	union hns_mmsg_ctl rx_ctl[VPN_BATCH]; /* the kernel's arrival stamps */
	struct mmsghdr tx_msg[VPN_BATCH];
	struct iovec tx_iov[VPN_BATCH];

	struct hns_hist lateness;
};

/* io_relay.c: one trace hop ("vpn:tunnel1") for a verdict, when tracing is on. */
void vpn_trace_verdict(const struct vpn *v, enum vpn_dir dir, size_t len, enum vpn_proto proto,
		       const struct vpn_verdict *vd, hns_time_t now);

/* io_tcp.c */
int vpn_tcp_relay_open(struct vpn *v, struct vpn_relay *r);
void vpn_tcp_relay_close(struct vpn_relay *r);
/* Close every TCP connection and free the gate (vpn_free). */
void vpn_tcp_conns_free(struct vpn *v);
/* Accepts that failed for want of a descriptor (each paused the TCP listeners). */
uint64_t vpn_tcp_fd_exhausted(const struct vpn *v);
/* The earliest time a queued TCP chunk is due (ns, hns_now), 0 when none is queued. */
hns_time_t vpn_tcp_next_due(const struct vpn *v);
