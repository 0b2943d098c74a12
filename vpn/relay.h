/*
 * vpn/relay.h -- the VPN at run time: relays that apply the tunnel model.
 *
 * A struct vpn owns the tunnels (vpn/tunnel.h), one event_base with
 * precise timers (run on a thread of its own by vpn_start, or driven by
 * the caller), and a UDP and a TCP relay per crossing address.  A relay
 * listens on its own loopback address; what a client sends there crosses
 * the tunnel in the relay's direction and is delivered to the relay's
 * destination, and the replies cross back the other way:
 *
 *   client --> relay (listen) ==tunnel, dir==> dest (the real server)
 *   client <-- relay (listen) <==tunnel, !dir== dest
 *
 * UDP works like a NAT: each client flow (source address:port) gets its
 * own upstream socket, bound to the client's IP so the server sees who
 * asked; flows expire after VPN_FLOW_IDLE_S idle and the table is bounded
 * (the least recently used flow is evicted when full).  TCP: each
 * accepted connection gets one to the destination and the stream is
 * relayed in chunks, each delayed by the tunnel (never dropped by MTU).
 *
 * Threads: everything runs on the vpn's thread except
 * vpn_tunnel_set_state (atomic, any thread) and the stats (read them after
 * vpn_stop, or accept slightly torn numbers while running).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "vpn/tunnel.h"

struct event_base;
struct vpn;

#define VPN_MAX_RELAYS 512
#define VPN_MAX_FLOWS 1024
#define VPN_FLOW_IDLE_S 30
#define VPN_MAX_TCP_CONNS 512

/* New VPN with these tunnels (copied) and seed; no relay yet, not running. */
int vpn_new(const struct model_tunnel *tunnels, size_t n, uint64_t seed, struct vpn **out);
/* Stops the thread if running, closes every socket, frees everything; accepts NULL. */
void vpn_free(struct vpn *v);

/*
 * Add a UDP and a TCP relay listening on `listen` (port 0: the kernel
 * chooses one, the same for both) that delivers to `dest` across the
 * tunnels in direction dir.  Both must be allowed (loopback) addresses.
 * label is copied (for stats).  Only before vpn_start.
 */
int vpn_relay_add(struct vpn *v, enum vpn_dir dir, const struct hns_addr *listen,
		  const struct hns_addr *dest, const char *label);
size_t vpn_relay_count(const struct vpn *v);
/* The address relay i listens on (with the port the kernel gave). */
int vpn_relay_addr(const struct vpn *v, size_t i, struct hns_addr *out);

/*
 * Open the control socket: UDP on a loopback address, one text command
 * per datagram, answered with one datagram:
 *   "up NAME" | "down NAME" | "standby NAME"  ->  "ok" or "error: ..."
 *   "stats"                                   ->  the JSON of vpn_stats_write_json
 * Only before vpn_start.
 */
int vpn_control_open(struct vpn *v, const struct hns_addr *a);
int vpn_control_addr(const struct vpn *v, struct hns_addr *out);

/*
 * Receive coalescing on the vpn's thread (common/evloop.h): after a turn
 * that read some datagrams but not a full batch, sleep tick_us before the
 * next.  0 (the default, and what `serve` keeps): off, since a tick delays
 * the deliveries due meanwhile (bench/vpn.sh measures both).  Only before
 * vpn_start.
 */
void vpn_set_coalesce(struct vpn *v, uint32_t tick_us);

/* Run the event loop on a new thread. */
int vpn_start(struct vpn *v);
/* Stop and join that thread (no-op when not running). */
void vpn_stop(struct vpn *v);
/* CPU time the vpn's thread has used so far (while running), for benchmarks. */
int vpn_thread_cpu_ns(const struct vpn *v, uint64_t *out);

/* Any thread: change a tunnel's state; HNS_ENOENT for an unknown name. */
int vpn_tunnel_set_state(struct vpn *v, const char *name, enum model_tunnel_state st);
/* Current state, or a negative hns_err for an unknown name. */
int vpn_tunnel_get_state(const struct vpn *v, const char *name);
/* The tunnel model (read-only view, for counters). */
const struct vpn_tunnels *vpn_tunnels(const struct vpn *v);

struct vpn_relay_stats {
	uint64_t rx, tx;	       /* datagrams from clients / sent to clients */
	uint64_t up_rx, up_tx;	       /* datagrams from / sent to the destination */
	uint64_t flows, flow_evictions; /* flows opened; flows evicted while live */
	uint64_t send_errors, stale;   /* sends that failed; packets whose flow was gone */
	uint64_t tcp_conns, tcp_refused, tcp_bytes;
	/* TCP ceilings (tcp_refused counts these refusals too): over the per-client one; closed
	 * as the oldest idle when the table was full; closed idle */
	uint64_t tcp_refused_per_client, tcp_evicted, tcp_idle_closed;
};

int vpn_relay_stats_get(const struct vpn *v, size_t i, struct vpn_relay_stats *out);
/*
 * {"tunnels": ..., "relays": [...], "lateness_ms": {...}}: the tunnels'
 * counters, each relay's, and how late deliveries were against their
 * scheduled time.
 */
void vpn_stats_write_json(const struct vpn *v, FILE *out);
/* Lateness of UDP deliveries against their scheduled time. */
const struct hns_hist *vpn_lateness(const struct vpn *v);
