/*
 * vpn/tunnel.h -- the I/O-free model of the site-to-site VPN.
 *
 * A struct vpn_tunnels holds the scenario's tunnels, each with two links
 * (one per direction), and one seeded generator.  vpn_tunnels_decide()
 * takes a packet (its payload size, UDP or TCP, the time) and returns a
 * verdict: dropped, with the cause, or delivered at a time, maybe twice.
 * It never reads the clock or touches a socket: the relays (io_*.c) and
 * the unit tests call it with their own "now".
 *
 * The treatment of one packet, in this order (docs/vpn.md has the rest):
 *   1. tunnel choice: the first `up` tunnel, else the first `standby`
 *      one, in file order, the same rule both ways; none: drop (state).
 *   2. MTU (UDP): payload + 28 (IPv4 + UDP headers) > mtu: drop (mtu), as
 *      a lost fragment is.  TCP is segmented (MSS = mtu - 40) and passes.
 *   3. ceilings: pps and bandwidth policed by two GCRA token buckets
 *      with 10 ms of burst.  UDP over a ceiling is dropped (ceiling); TCP
 *      is held back until the bucket allows it (congestion control).
 *   4. loss: UDP dropped with probability `loss`; a TCP chunk instead
 *      pays one retransmission (200 ms + 2 x latency) when any of its
 *      segments is lost.
 *   5. delay: latency + jitter, jitter drawn from a normal law with
 *      sigma = jitter_ms, truncated (redrawn) outside +-3 sigma, and the
 *      delay never below 0.  UDP keeps FIFO order per link: delivery =
 *      max(previous delivery, own time); with probability `reorder` a
 *      packet goes to the link's "late" FIFO, held back by a gap, so the
 *      packets sent within that gap overtake it.  TCP order is kept by
 *      the connection (VPN_PROTO_TCP skips the link FIFO).
 *   6. duplicate: with probability `duplicate` the packet is delivered
 *      twice, at the same time.
 * Random draws happen only for non-zero probabilities and jitter, so a
 * given seed and packet sequence always give the same verdicts.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/bounds.h"
#include "common/clock.h"
#include "common/hist.h"
#include "common/rand.h"
#include "model/model.h"

enum vpn_dir {
	VPN_TO_AWS = 0,	   /* on-prem -> AWS */
	VPN_TO_ONPREM = 1, /* AWS -> on-prem */
	VPN_DIR_COUNT = 2,
};

enum vpn_proto {
	VPN_PROTO_UDP = 0,
	VPN_PROTO_TCP = 1,
};

enum vpn_drop {
	VPN_PASS = 0,
	VPN_DROP_LOSS,
	VPN_DROP_MTU,
	VPN_DROP_STATE,	  /* no usable tunnel, or the tunnel went down in flight */
	VPN_DROP_CEILING, /* pps or bandwidth */
	VPN_DROP_QUEUE,	  /* the relay's bounded queue or flow table was full */
	VPN_DROP_COUNT,
};

/* Which FIFO of the link a UDP packet joins. */
enum vpn_queue_kind {
	VPN_Q_NORMAL = 0,
	VPN_Q_LATE = 1, /* reordered: held back by the reorder gap */
	VPN_Q_COUNT = 2,
};

#define VPN_IPV4_UDP_OVERHEAD 28
#define VPN_IPV4_TCP_OVERHEAD 40
#define VPN_DEFAULT_MTU 1446
#define VPN_DEFAULT_MBPS 1250.0
#define VPN_DEFAULT_PPS 140000
#define VPN_BURST_NS (10 * HNS_NSEC_PER_MSEC)
#define VPN_TCP_RTO_MIN_NS (200 * HNS_NSEC_PER_MSEC)
#define VPN_REORDER_GAP_MIN_NS (1 * HNS_NSEC_PER_MSEC)

struct vpn_link_stats {
	uint64_t packets, bytes; /* passed (a duplicate counts once more) */
	uint64_t drops[VPN_DROP_COUNT];
	uint64_t duplicates, reordered, retransmits;
	struct hns_hist delay; /* scheduled one-way delay of passed packets */
};

/* One tunnel in one direction. */
struct vpn_link {
	hns_time_t tat_pps, tat_bytes; /* GCRA theoretical arrival times */
	hns_time_t last[VPN_Q_COUNT];  /* FIFO: the latest delivery time per queue */
	struct vpn_link_stats st;
};

struct vpn_tunnel {
	const char *name; /* borrowed from the model (or the caller) */
	struct model_tunnel cfg;
	hns_time_t latency_ns, jitter_ns, reorder_gap_ns;
	uint64_t pps_cost_ns;	      /* ns of pps budget one packet costs */
	double byte_cost_ns;	      /* ns of bandwidth budget one byte costs */
	_Atomic int state;	      /* enum model_tunnel_state; may change from any thread */
	struct vpn_link link[VPN_DIR_COUNT];
};

#define VPN_MAX_TUNNELS HNS_MAX_TUNNELS

struct vpn_tunnels {
	struct vpn_tunnel t[VPN_MAX_TUNNELS];
	size_t n;
	struct hns_prng rng;
	int current[VPN_DIR_COUNT]; /* tunnel used by the last packet, -1 none */
	uint64_t failovers[VPN_DIR_COUNT];
};

struct vpn_verdict {
	enum vpn_drop drop; /* VPN_PASS or the cause */
	int tunnel;	    /* index in tunnels->t, -1 when none was usable */
	enum vpn_queue_kind queue;
	hns_time_t at;	    /* delivery time (VPN_PASS) */
	bool duplicate;	    /* deliver a second copy at the same time */
};

/*
 * Fill ts from n tunnel configurations (copied; names borrowed), with
 * defaults for zero mtu, bandwidth and pps.  HNS_ERANGE beyond
 * VPN_MAX_TUNNELS, HNS_EINVAL for out-of-range values.
 */
int vpn_tunnels_init(struct vpn_tunnels *ts, const struct model_tunnel *cfg, size_t n,
		     uint64_t seed);
/* The decision for one packet of `size` payload bytes at time now; counts it. */
void vpn_tunnels_decide(struct vpn_tunnels *ts, enum vpn_dir dir, size_t size,
			enum vpn_proto proto, hns_time_t now, struct vpn_verdict *out);
/* The tunnel traffic would take now in that direction, or -1. */
int vpn_tunnels_select(const struct vpn_tunnels *ts, enum vpn_dir dir);
/* Index of the tunnel called name, or HNS_ENOENT. */
int vpn_tunnels_find(const struct vpn_tunnels *ts, const char *name);
/* Safe from any thread. */
int vpn_tunnel_state_set(struct vpn_tunnels *ts, const char *name, enum model_tunnel_state st);
/*
 * A packet that passed the decision was dropped later (queue full, tunnel
 * down in flight): move it from the passed counters to drops[cause].
 */
void vpn_link_undo_pass(struct vpn_link *l, size_t size, enum vpn_drop cause);

const char *vpn_drop_name(enum vpn_drop d);
const char *vpn_dir_name(enum vpn_dir d);
const char *vpn_state_name(enum model_tunnel_state st);
int vpn_state_parse(const char *s, enum model_tunnel_state *out);
/* {"tunnels":[{"name","state","to_aws":{...},"to_onprem":{...}}]} */
void vpn_tunnels_write_json(const struct vpn_tunnels *ts, FILE *out);
