/*
 * vpn/io_relay.c -- the vpn's event loop, UDP relays, link timers, control.
 *
 * Hot path: a readable relay (or flow) socket is drained with recvmmsg in
 * batches of VPN_BATCH; each datagram gets its verdict from the tunnel
 * model and is copied into the FIFO ("lane") of its tunnel, direction and
 * queue kind.  Each lane has one timer, armed for its head; when it fires,
 * every due packet leaves with sendmmsg, batched by socket.  Nothing is
 * allocated per packet; flows (a socket and an event each) are allocated
 * once per client address and reused.
 */
#include "config.h"

#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/error.h"
#include "common/handoff.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mmsg.h"
#include "common/net.h"
#include "common/trace.h"
#include "vpn/io.h"

#define LANE_ENTRIES 32768
#define LANE_BYTES (4u << 20)
#define LATE_ENTRIES 4096
#define LATE_BYTES (1u << 20)
#define LANE_MAX_WORK 1024
#define RX_MAX_BATCHES 8
#define VPN_TICK_SLACK_US 50

static void
tv_from_ns(struct timeval *tv, hns_time_t ns)
{
	tv->tv_sec = (time_t)(ns / HNS_NSEC_PER_SEC);
	tv->tv_usec = (suseconds_t)((ns % HNS_NSEC_PER_SEC) / HNS_NSEC_PER_USEC);
}

/* ---------------------------------------------------------------- flows */

static bool
ss_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

static uint32_t
flow_hash(uint32_t relay, const struct sockaddr_storage *ss)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ relay;
	const uint8_t *p;
	size_t n;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		h ^= ((uint64_t)s->sin_addr.s_addr << 16) ^ s->sin_port;
		h *= 0xff51afd7ed558ccdULL;
		return (uint32_t)(h >> 40) % VPN_FLOW_BUCKETS;
	}
	p = (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	n = 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= ((const struct sockaddr_in6 *)ss)->sin6_port;
	h *= 0xff51afd7ed558ccdULL;
	return (uint32_t)(h >> 40) % VPN_FLOW_BUCKETS;
}

static void
lru_unlink(struct vpn *v, uint32_t i)
{
	struct vpn_flow *f = &v->flows[i];

	if (f->lprev != VPN_NO_FLOW)
		v->flows[f->lprev].lnext = f->lnext;
	else
		v->lru_head = f->lnext;
	if (f->lnext != VPN_NO_FLOW)
		v->flows[f->lnext].lprev = f->lprev;
	else
		v->lru_tail = f->lprev;
	f->lprev = f->lnext = VPN_NO_FLOW;
}

static void
lru_push_head(struct vpn *v, uint32_t i)
{
	struct vpn_flow *f = &v->flows[i];

	f->lprev = VPN_NO_FLOW;
	f->lnext = v->lru_head;
	if (v->lru_head != VPN_NO_FLOW)
		v->flows[v->lru_head].lprev = i;
	v->lru_head = i;
	if (v->lru_tail == VPN_NO_FLOW)
		v->lru_tail = i;
}

static void
flow_close(struct vpn *v, uint32_t i)
{
	struct vpn_flow *f = &v->flows[i];
	uint32_t *pp = &v->buckets[flow_hash(f->relay, &f->client)];

	while (*pp != VPN_NO_FLOW && *pp != i)
		pp = &v->flows[*pp].hnext;
	if (*pp == i)
		*pp = f->hnext;
	lru_unlink(v, i);
	if (f->ev)
		event_free(f->ev);
	if (f->fd >= 0)
		hns_handoff_close(f->fd);
	f->ev = NULL;
	f->fd = -1;
	f->used = false;
	f->gen++; /* packets still queued for this flow become stale */
	f->hnext = v->free_head;
	v->free_head = i;
	v->n_flows--;
}

static void on_flow_read(evutil_socket_t fd, short what, void *arg);

/* The flow of (relay, client), opened when new; VPN_NO_FLOW when it cannot be. */
static uint32_t
flow_get(struct vpn *v, uint32_t relay, const struct sockaddr_storage *client, socklen_t len,
	 hns_time_t now)
{
	struct vpn_relay *r = &v->relays[relay];
	uint32_t b = flow_hash(relay, client), i;
	struct vpn_flow *f;
	struct hns_addr bind_a;
	int fd;

	for (i = v->buckets[b]; i != VPN_NO_FLOW; i = v->flows[i].hnext) {
		f = &v->flows[i];
		if (f->relay == relay && ss_equal(&f->client, client)) {
			f->last = now;
			if (v->lru_head != i) {
				lru_unlink(v, i);
				lru_push_head(v, i);
			}
			return i;
		}
	}
	if (v->free_head == VPN_NO_FLOW) {
		/* Full: the least recently used flow makes room. */
		v->relays[v->flows[v->lru_tail].relay].st.flow_evictions++;
		flow_close(v, v->lru_tail);
	}
	/* The upstream socket takes the client's IP, so the server sees who asked. */
	if (hns_addr_from_sockaddr(&bind_a, (const struct sockaddr *)client) != 0)
		return VPN_NO_FLOW;
	bind_a.port = 0;
	fd = hns_udp_socket(&bind_a, HNS_SOCK_NONBLOCK);
	if (fd < 0) {
		bind_a = r->listen;
		bind_a.port = 0;
		fd = hns_udp_socket(&bind_a, HNS_SOCK_NONBLOCK);
	}
	if (fd < 0)
		return VPN_NO_FLOW;
	/* Connected: only the destination's replies are accepted. */
	if (connect(fd, (const struct sockaddr *)&r->dest_ss, r->dest_len) != 0 ||
	    hns_mmsg_want_arrival(fd) != 0) {
		close(fd);
		return VPN_NO_FLOW;
	}
	i = v->free_head;
	f = &v->flows[i];
	f->ev = event_new(v->base, fd, EV_READ | EV_PERSIST, on_flow_read, f);
	if (!f->ev || event_add(f->ev, NULL) != 0 ||
	    hns_handoff_attach(fd, v->base, on_flow_read, f) != 0) {
		if (f->ev)
			event_free(f->ev);
		f->ev = NULL;
		hns_handoff_close(fd);
		return VPN_NO_FLOW;
	}
	v->free_head = f->hnext;
	f->used = true;
	f->fd = fd;
	f->relay = relay;
	memcpy(&f->client, client, len);
	f->client_len = len;
	f->last = now;
	f->hnext = v->buckets[b];
	v->buckets[b] = i;
	lru_push_head(v, i);
	v->n_flows++;
	r->st.flows++;
	return i;
}

static void
on_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct vpn *v = arg;
	hns_time_t now = hns_now(), idle = VPN_FLOW_IDLE_S * HNS_NSEC_PER_SEC;

	while (v->lru_tail != VPN_NO_FLOW && v->flows[v->lru_tail].last + idle < now)
		flow_close(v, v->lru_tail);
}

/* ---------------------------------------------------------------- lanes */

/*
 * Arm the lane's timer for its head.  libevent adds the relative timeout
 * to its cached time, so refresh that first and measure "now" after it:
 * a stale "now" would make every delivery late by the work done since.
 */
static void
lane_arm(struct vpn_lane *l)
{
	const struct vpn_qentry *e = vpn_queue_peek(&l->q);
	struct timeval tv;
	hns_time_t now;

	if (!e) {
		l->armed = false;
		return;
	}
	event_base_update_cache_time(l->v->base);
	now = hns_now();
	tv_from_ns(&tv, e->at > now ? e->at - now : 0);
	evtimer_add(l->timer, &tv);
	l->armed = true;
}

/* Queue one passed packet (and its duplicate); counts a full queue. */
static void
lane_push(struct vpn *v, const struct vpn_verdict *vd, enum vpn_dir dir, const uint8_t *data,
	  size_t len, uint32_t flow, uint8_t kind, hns_time_t now)
{
	struct vpn_lane *l = &v->lanes[vd->tunnel][dir][vd->queue];
	struct vpn_link *link = &v->ts.t[vd->tunnel].link[dir];
	bool was_empty = vpn_queue_peek(&l->q) == NULL;

	if (!l->timer || vpn_queue_push(&l->q, vd->at, data, len, flow, v->flows[flow].gen, kind) != 0) {
		vpn_link_undo_pass(link, len, VPN_DROP_QUEUE);
		if (vd->duplicate)
			vpn_link_undo_pass(link, len, VPN_DROP_QUEUE);
		return;
	}
	if (vd->duplicate &&
	    vpn_queue_push(&l->q, vd->at, data, len, flow, v->flows[flow].gen, kind) != 0)
		vpn_link_undo_pass(link, len, VPN_DROP_QUEUE);
	if (was_empty)
		lane_arm(l);
}

struct tx_ref {
	struct vpn_relay *relay;
	uint8_t kind;
	hns_time_t at;
};

static void
lane_flush(struct vpn *v, int fd, struct tx_ref *refs, unsigned n)
{
	bool dropped[VPN_BATCH];
	hns_time_t now;

	/* The one send-failure rule of common/mmsg.h; each dropped packet counts on its relay. */
	hns_mmsg_send(fd, v->tx_msg, n, dropped);
	now = hns_now();
	for (unsigned i = 0; i < n; i++) {
		if (dropped[i]) {
			refs[i].relay->st.send_errors++;
			continue;
		}
		if (refs[i].kind == VPN_KIND_UPSTREAM)
			refs[i].relay->st.up_tx++;
		else
			refs[i].relay->st.tx++;
		hns_hist_add(&v->lateness, now > refs[i].at ? now - refs[i].at : 0);
	}
}

/* A due packet of a lane, ready to leave on fd. */
struct tx_due {
	const struct vpn_qentry *e;
	struct vpn_relay *r;
	struct vpn_flow *f;
	int fd;
};

/*
 * Send due[0..n) grouped by socket, queue order kept within each: one
 * sendmmsg per socket per turn, not one per change of socket.  The lane
 * towards AWS interleaves its relays' flows (a forwarder spreading over
 * six ENIs alternates six sockets), so breaking the batch at every change
 * would send one datagram per call.
 */
static void
lane_send_due(struct vpn *v, struct vpn_lane *l, struct tx_due *due, unsigned n)
{
	struct tx_ref refs[VPN_BATCH];
	bool done[VPN_BATCH] = { false };

	for (unsigned i = 0; i < n; i++) {
		unsigned m = 0;

		if (done[i])
			continue;
		for (unsigned j = i; j < n; j++) {
			const struct vpn_qentry *e = due[j].e;
			bool up = e->kind == VPN_KIND_UPSTREAM;

			if (done[j] || due[j].fd != due[i].fd)
				continue;
			hns_mmsg_set(&v->tx_msg[m], &v->tx_iov[m], (void *)vpn_queue_data(&l->q, e),
				     e->len, up ? (void *)&due[j].r->dest_ss : (void *)&due[j].f->client,
				     up ? due[j].r->dest_len : due[j].f->client_len);
			refs[m].relay = due[j].r;
			refs[m].kind = e->kind;
			refs[m].at = e->at;
			done[j] = true;
			m++;
		}
		lane_flush(v, due[i].fd, refs, m);
	}
}

/*
 * The loop's deadline for a coalescing tick: the earliest head of a lane
 * or of a TCP side, plus VPN_TICK_SLACK_US.  A tick holds a delivery that
 * long at most, so that the deliveries due close together leave in one
 * batch: a tenth of the relay's +-0.5 ms accuracy.  The arrivals read after
 * a tick are timed by the kernel's stamps, not by when they were read.
 */
static uint64_t
vpn_next_due(void *arg)
{
	const struct vpn *v = arg;
	hns_time_t first = vpn_tcp_next_due(v);

	for (size_t t = 0; t < v->ts.n; t++) {
		for (int d = 0; d < VPN_DIR_COUNT; d++) {
			for (int k = 0; k < VPN_Q_COUNT; k++) {
				const struct vpn_qentry *e = vpn_queue_peek(&v->lanes[t][d][k].q);

				if (e && (!first || e->at < first))
					first = e->at;
			}
		}
	}
	return first ? first + VPN_TICK_SLACK_US * HNS_NSEC_PER_USEC : 0;
}

static void
on_lane_timer(evutil_socket_t unused, short what, void *arg)
{
	struct vpn_lane *l = arg;
	struct vpn *v = l->v;
	struct vpn_link *link = &v->ts.t[l->tunnel].link[l->dir];
	struct tx_due due[VPN_BATCH];
	hns_time_t now = hns_now();
	bool down = atomic_load(&v->ts.t[l->tunnel].state) == MODEL_TUNNEL_DOWN;
	unsigned work = 0;

	for (;;) {
		unsigned n = 0, k = 0;

		/* Up to a batch of due packets; those of closed flows or a down tunnel go. */
		while (n < VPN_BATCH && work < LANE_MAX_WORK && k < vpn_queue_len(&l->q)) {
			const struct vpn_qentry *e = vpn_queue_at(&l->q, k);
			struct vpn_flow *f;

			if (e->at > now)
				break;
			f = &v->flows[e->flow];
			k++;
			work++;
			if (!f->used || f->gen != e->gen || down) {
				/* In flight when its flow closed or its tunnel went down. */
				if (down)
					vpn_link_undo_pass(link, e->len, VPN_DROP_STATE);
				else
					v->relays[f->relay].st.stale++;
				continue;
			}
			due[n].e = e;
			due[n].f = f;
			due[n].r = &v->relays[f->relay];
			due[n].fd = e->kind == VPN_KIND_UPSTREAM ? f->fd : due[n].r->fd;
			n++;
		}
		if (n > 0)
			lane_send_due(v, l, due, n);
		for (unsigned i = 0; i < k; i++)
			vpn_queue_pop(&l->q);
		if (k == 0 || work >= LANE_MAX_WORK)
			break;
	}
	lane_arm(l);
}

/* ------------------------------------------------------------- UDP paths */

static int
rx_batch(struct vpn *v, int fd)
{
	int n = hns_mmsg_recv(fd, v->rx_msg, VPN_BATCH, MSG_TRUNC);

	if (n > 0)
		v->loop.handled += (unsigned)n;
	return n;
}

void
vpn_trace_verdict(const struct vpn *v, enum vpn_dir dir, size_t len, enum vpn_proto proto,
		  const struct vpn_verdict *vd, hns_time_t now)
{
	const struct vpn_tunnel *t = vd->tunnel >= 0 ? &v->ts.t[vd->tunnel] : NULL;
	const char *to = dir == VPN_TO_AWS ? "-> AWS" : "-> on-prem";
	const char *pr = proto == VPN_PROTO_UDP ? "UDP" : "TCP";
	char hop[96];

	snprintf(hop, sizeof(hop), "vpn%s%s", t ? ":" : "", t ? t->name : "");
	if (!t)
		hns_trace(hop, "%s %s, %zu bytes: dropped, no tunnel up", to, pr, len);
	else if (vd->drop != VPN_PASS)
		hns_trace(hop, "%s %s %s, %zu bytes: dropped (%s; mtu %u)", t->name, to, pr, len,
			  vpn_drop_name(vd->drop), t->cfg.mtu);
	else
		hns_trace(hop, "%s %s %s, %zu bytes: %.1f ms (latency %g +- %g, mtu %u)%s", t->name, to,
			  pr, len, hns_time_ms(vd->at - now), t->cfg.latency_ms, t->cfg.jitter_ms,
			  t->cfg.mtu, vd->duplicate ? ", duplicated" : "");
}

/* One datagram through the tunnels; len is the real size (maybe > buf_size). */
static void
udp_cross(struct vpn *v, enum vpn_dir dir, const uint8_t *data, size_t len, uint32_t flow,
	  uint8_t kind, hns_time_t now)
{
	struct vpn_verdict vd;

	vpn_tunnels_decide(&v->ts, dir, len, VPN_PROTO_UDP, now, &vd);
	if (hns_trace_enabled)
		vpn_trace_verdict(v, dir, len, VPN_PROTO_UDP, &vd, now);
	if (vd.drop != VPN_PASS)
		return;
	if (len > v->buf_size) {
		/* Truncated on receive; cannot pass (only with an MTU above buf_size). */
		vpn_link_undo_pass(&v->ts.t[vd.tunnel].link[dir], len, VPN_DROP_MTU);
		return;
	}
	lane_push(v, &vd, dir, data, len, flow, kind, now);
}

static void
on_relay_read(evutil_socket_t fd, short what, void *arg)
{
	struct vpn_relay *r = arg;
	struct vpn *v = r->v;
	uint32_t ri = (uint32_t)(r - v->relays);

	for (int b = 0; b < RX_MAX_BATCHES; b++) {
		int n = rx_batch(v, fd);

		if (n <= 0)
			return;

		hns_time_t now = hns_now();
		int64_t skew = hns_mmsg_clock_skew();

		for (int i = 0; i < n; i++) {
			hns_time_t at = hns_mmsg_arrival(&v->rx_msg[i], now, skew);
			uint32_t flow = flow_get(v, ri, &v->rx_addr[i], v->rx_msg[i].msg_hdr.msg_namelen,
						 now);

			r->st.rx++;
			if (flow == VPN_NO_FLOW) {
				r->st.send_errors++;
				continue;
			}
			udp_cross(v, r->dir, v->rx_iov[i].iov_base, v->rx_msg[i].msg_len, flow,
				  VPN_KIND_UPSTREAM, at);
		}
		if (n < VPN_BATCH)
			return;
	}
}

static void
on_flow_read(evutil_socket_t fd, short what, void *arg)
{
	struct vpn_flow *f = arg;
	struct vpn *v = f->v;
	uint32_t fi = (uint32_t)(f - v->flows);
	struct vpn_relay *r = &v->relays[f->relay];
	enum vpn_dir back = r->dir == VPN_TO_AWS ? VPN_TO_ONPREM : VPN_TO_AWS;

	for (int b = 0; b < RX_MAX_BATCHES; b++) {
		int n = rx_batch(v, fd);

		if (n <= 0)
			return;

		hns_time_t now = hns_now();
		int64_t skew = hns_mmsg_clock_skew();

		f->last = now;
		for (int i = 0; i < n; i++) {
			r->st.up_rx++;
			udp_cross(v, back, v->rx_iov[i].iov_base, v->rx_msg[i].msg_len, fi,
				  VPN_KIND_REPLY, hns_mmsg_arrival(&v->rx_msg[i], now, skew));
		}
		if (n < VPN_BATCH)
			return;
	}
}

/* --------------------------------------------------------------- control */

static void
ctl_reply(int fd, const struct sockaddr_storage *to, socklen_t len, const char *msg, size_t n)
{
	if (sendto(fd, msg, n, MSG_DONTWAIT, (const struct sockaddr *)to, len) < 0)
		hns_debug(HNS_SUB_VPN, "control reply: %s", strerror(errno));
}

static void
ctl_say(int fd, const struct sockaddr_storage *to, socklen_t len, const char *msg)
{
	ctl_reply(fd, to, len, msg, strlen(msg));
}

static void
on_ctl_read(evutil_socket_t fd, short what, void *arg)
{
	struct vpn *v = arg;
	char cmd[256], name[128], verb[16];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	enum model_tunnel_state st;
	ssize_t n = recvfrom(fd, cmd, sizeof(cmd) - 1, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

	if (n <= 0)
		return;
	cmd[n] = '\0';
	while (n > 0 && (cmd[n - 1] == '\n' || cmd[n - 1] == '\r' || cmd[n - 1] == ' '))
		cmd[--n] = '\0';
	if (strcmp(cmd, "stats") == 0) {
		char *buf = NULL;
		size_t blen = 0;
		FILE *mem = open_memstream(&buf, &blen);

		if (!mem)
			return;
		vpn_stats_write_json(v, mem);
		fputc('\n', mem);
		fclose(mem);
		ctl_reply(fd, &from, flen, buf, blen < 65000 ? blen : 65000);
		free(buf);
		return;
	}
	if (sscanf(cmd, "%15s %127s", verb, name) == 2 && vpn_state_parse(verb, &st) == 0) {
		int rc = vpn_tunnel_set_state(v, name, st);

		if (rc == 0) {
			hns_info(HNS_SUB_VPN, "control: tunnel %s %s", name, verb);
			ctl_say(fd, &from, flen, "ok\n");
		} else {
			ctl_say(fd, &from, flen, "error: no such tunnel\n");
		}
		return;
	}
	ctl_say(fd, &from, flen, "error: usage: up|down|standby TUNNEL | stats\n");
}

int
vpn_control_open(struct vpn *v, const struct hns_addr *a)
{
	int fd;

	if (v->running || v->ctl_fd >= 0)
		return HNS_EINVAL;
	fd = hns_udp_socket(a, HNS_SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	v->ctl_ev = event_new(v->base, fd, EV_READ | EV_PERSIST, on_ctl_read, v);
	if (!v->ctl_ev || event_add(v->ctl_ev, NULL) != 0) {
		if (v->ctl_ev)
			event_free(v->ctl_ev);
		v->ctl_ev = NULL;
		close(fd);
		return HNS_ENOMEM;
	}
	v->ctl_fd = fd;
	return 0;
}

int
vpn_control_addr(const struct vpn *v, struct hns_addr *out)
{
	if (v->ctl_fd < 0)
		return HNS_ENOENT;
	return hns_sock_local_addr(v->ctl_fd, out);
}

/* ------------------------------------------------------------- lifecycle */

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct vpn *v = arg;
	uint64_t x;

	if (read(fd, &x, sizeof(x)) < 0 && errno != EAGAIN)
		hns_warn(HNS_SUB_VPN, "stop eventfd: %s", strerror(errno));
	hns_evloop_stop(&v->loop);
}

int
vpn_new(const struct model_tunnel *tunnels, size_t n, uint64_t seed, struct vpn **out)
{
	struct event_config *cfg;
	struct vpn *v;
	uint32_t max_mtu = 1500;
	int rc;

	v = calloc(1, sizeof(*v));
	if (!v)
		return HNS_ENOMEM;
	v->ctl_fd = -1;
	v->stop_fd = -1;
	rc = vpn_tunnels_init(&v->ts, tunnels, n, seed);
	if (rc < 0)
		goto fail;
	rc = HNS_ENOMEM;
	cfg = event_config_new();
	if (!cfg)
		goto fail;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK | EVENT_BASE_FLAG_PRECISE_TIMER);
	v->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (!v->base)
		goto fail;
	v->loop = (struct hns_evloop){ .base = v->base, .name = "hns-vpn", .full = VPN_BATCH,
				       .deadline = vpn_next_due, .deadline_arg = v };
	for (size_t t = 0; t < n; t++) {
		const struct vpn_tunnel *tu = &v->ts.t[t];

		if (tu->cfg.mtu > max_mtu)
			max_mtu = tu->cfg.mtu;
		for (int d = 0; d < VPN_DIR_COUNT; d++) {
			for (int k = 0; k < VPN_Q_COUNT; k++) {
				struct vpn_lane *l = &v->lanes[t][d][k];

				if (k == VPN_Q_LATE && tu->cfg.reorder <= 0)
					continue;
				l->v = v;
				l->tunnel = (unsigned)t;
				l->dir = (enum vpn_dir)d;
				if (vpn_queue_init(&l->q, k ? LATE_ENTRIES : LANE_ENTRIES,
						   k ? LATE_BYTES : LANE_BYTES) != 0)
					goto fail;
				l->timer = evtimer_new(v->base, on_lane_timer, l);
				if (!l->timer)
					goto fail;
			}
		}
	}
	/* A buffer holds the largest payload any tunnel can pass; more is truncated. */
	v->buf_size = max_mtu;
	v->rx_buf = malloc(v->buf_size * VPN_BATCH);
	v->flows = calloc(VPN_MAX_FLOWS, sizeof(*v->flows));
	if (!v->rx_buf || !v->flows)
		goto fail;
	hns_mmsg_setup_recv(v->rx_msg, v->rx_iov, VPN_BATCH, v->rx_buf, v->buf_size, v->rx_addr);
	hns_mmsg_setup_arrival(v->rx_msg, v->rx_ctl, VPN_BATCH);
	for (uint32_t i = 0; i < VPN_FLOW_BUCKETS; i++)
		v->buckets[i] = VPN_NO_FLOW;
	for (uint32_t i = 0; i < VPN_MAX_FLOWS; i++) {
		v->flows[i].v = v;
		v->flows[i].fd = -1;
		v->flows[i].hnext = i + 1 < VPN_MAX_FLOWS ? i + 1 : VPN_NO_FLOW;
		v->flows[i].lprev = v->flows[i].lnext = VPN_NO_FLOW;
	}
	v->free_head = 0;
	v->lru_head = v->lru_tail = VPN_NO_FLOW;
	v->relays = calloc(VPN_MAX_RELAYS, sizeof(*v->relays));
	if (!v->relays)
		goto fail;
	v->sweep = event_new(v->base, -1, EV_PERSIST, on_sweep, v);
	v->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!v->sweep || v->stop_fd < 0)
		goto fail;
	v->stop_ev = event_new(v->base, v->stop_fd, EV_READ | EV_PERSIST, on_stop, v);
	if (!v->stop_ev || event_add(v->stop_ev, NULL) != 0)
		goto fail;
	{
		struct timeval one = { 1, 0 };

		event_add(v->sweep, &one);
	}
	*out = v;
	return 0;
fail:
	vpn_free(v);
	return rc;
}

int
vpn_relay_add(struct vpn *v, enum vpn_dir dir, const struct hns_addr *listen,
	      const struct hns_addr *dest, const char *label)
{
	struct vpn_relay *r;
	int fd, rc;

	if (v->running || (dir != VPN_TO_AWS && dir != VPN_TO_ONPREM))
		return HNS_EINVAL;
	if (v->n_relays >= VPN_MAX_RELAYS)
		return HNS_EFULL;
	if (!hns_net_dest_allowed(dest) || !hns_net_dest_allowed(listen))
		return HNS_ENOTLOOPBACK;
	r = &v->relays[v->n_relays];
	memset(r, 0, sizeof(*r));
	r->v = v;
	r->dir = dir;
	r->dest = *dest;
	r->dest_len = hns_addr_to_sockaddr(dest, &r->dest_ss);
	r->tcp_fd = -1;
	snprintf(r->label, sizeof(r->label), "%s", label ? label : "");
	fd = hns_udp_socket(listen, HNS_SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	r->fd = fd;
	rc = hns_sock_local_addr(fd, &r->listen);
	if (rc == 0)
		rc = hns_mmsg_want_arrival(fd);
	if (rc < 0)
		goto fail;
	rc = HNS_ENOMEM;
	r->ev = event_new(v->base, fd, EV_READ | EV_PERSIST, on_relay_read, r);
	if (!r->ev || event_add(r->ev, NULL) != 0)
		goto fail;
	rc = hns_handoff_attach(fd, v->base, on_relay_read, r);
	if (rc < 0)
		goto fail;
	rc = vpn_tcp_relay_open(v, r);
	if (rc < 0)
		goto fail;
	v->n_relays++;
	return 0;
fail:
	if (r->ev)
		event_free(r->ev);
	r->ev = NULL;
	hns_handoff_close(fd);
	return rc;
}

size_t
vpn_relay_count(const struct vpn *v)
{
	return v->n_relays;
}

int
vpn_relay_addr(const struct vpn *v, size_t i, struct hns_addr *out)
{
	if (i >= v->n_relays)
		return HNS_ENOENT;
	*out = v->relays[i].listen;
	return 0;
}

static void *
vpn_thread(void *arg)
{
	struct vpn *v = arg;
	sigset_t all;

	/* Signals are the main thread's business (its event_base handles them). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	hns_evloop_run(&v->loop);
	return NULL;
}

void
vpn_set_coalesce(struct vpn *v, uint32_t tick_us)
{
	v->loop.tick_us = tick_us;
}

int
vpn_start(struct vpn *v)
{
	int rc;

	if (v->running)
		return HNS_EINVAL;
	rc = pthread_create(&v->thread, NULL, vpn_thread, v);
	if (rc != 0)
		return -rc;
	v->running = true;
	return 0;
}

void
vpn_stop(struct vpn *v)
{
	uint64_t one = 1;

	if (!v || !v->running)
		return;
	if (write(v->stop_fd, &one, sizeof(one)) != sizeof(one))
		hns_warn(HNS_SUB_VPN, "stop eventfd: %s", strerror(errno));
	pthread_join(v->thread, NULL);
	v->running = false;
}

int
vpn_thread_cpu_ns(const struct vpn *v, uint64_t *out)
{
	clockid_t id;
	struct timespec ts;
	int rc;

	if (!v->running)
		return HNS_EINVAL;
	rc = pthread_getcpuclockid(v->thread, &id);
	if (rc != 0)
		return -rc;
	if (clock_gettime(id, &ts) != 0)
		return -errno;
	*out = (uint64_t)ts.tv_sec * HNS_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return 0;
}

void
vpn_free(struct vpn *v)
{
	if (!v)
		return;
	vpn_stop(v);
	vpn_tcp_conns_free(v);
	if (v->flows) {
		for (uint32_t i = 0; i < VPN_MAX_FLOWS; i++) {
			if (v->flows[i].used)
				flow_close(v, i);
		}
	}
	for (size_t i = 0; i < v->n_relays; i++) {
		struct vpn_relay *r = &v->relays[i];

		vpn_tcp_relay_close(r);
		if (r->ev)
			event_free(r->ev);
		if (r->fd >= 0)
			hns_handoff_close(r->fd);
	}
	for (size_t t = 0; t < VPN_MAX_TUNNELS; t++) {
		for (int d = 0; d < VPN_DIR_COUNT; d++) {
			for (int k = 0; k < VPN_Q_COUNT; k++) {
				struct vpn_lane *l = &v->lanes[t][d][k];

				if (l->timer)
					event_free(l->timer);
				vpn_queue_deinit(&l->q);
			}
		}
	}
	if (v->ctl_ev)
		event_free(v->ctl_ev);
	if (v->ctl_fd >= 0)
		close(v->ctl_fd);
	if (v->stop_ev)
		event_free(v->stop_ev);
	if (v->stop_fd >= 0)
		close(v->stop_fd);
	if (v->sweep)
		event_free(v->sweep);
	if (v->base)
		event_base_free(v->base);
	free(v->relays);
	free(v->flows);
	free(v->rx_buf);
	free(v);
}

/* ----------------------------------------------------------------- state */

int
vpn_tunnel_set_state(struct vpn *v, const char *name, enum model_tunnel_state st)
{
	return vpn_tunnel_state_set(&v->ts, name, st);
}

int
vpn_tunnel_get_state(const struct vpn *v, const char *name)
{
	int i = vpn_tunnels_find(&v->ts, name);

	return i < 0 ? i : atomic_load(&v->ts.t[i].state);
}

const struct vpn_tunnels *
vpn_tunnels(const struct vpn *v)
{
	return &v->ts;
}

int
vpn_relay_stats_get(const struct vpn *v, size_t i, struct vpn_relay_stats *out)
{
	if (i >= v->n_relays)
		return HNS_ENOENT;
	*out = v->relays[i].st;
	return 0;
}

const struct hns_hist *
vpn_lateness(const struct vpn *v)
{
	return &v->lateness;
}

void
vpn_stats_write_json(const struct vpn *v, FILE *out)
{
	const struct hns_hist *h = &v->lateness;
	char a[HNS_ADDR_STRLEN], b[HNS_ADDR_STRLEN];

	fprintf(out, "{\"vpn\":");
	vpn_tunnels_write_json(&v->ts, out);
	fprintf(out, ",\"relays\":[");
	for (size_t i = 0; i < v->n_relays; i++) {
		const struct vpn_relay *r = &v->relays[i];
		const struct vpn_relay_stats *s = &r->st;

		fprintf(out, "%s{\"label\":", i ? "," : "");
		hns_json_str_write(out, r->label, strlen(r->label));
		fprintf(out,
			",\"dir\":\"%s\",\"listen\":\"%s\",\"dest\":\"%s\","
			"\"rx\":%llu,\"tx\":%llu,\"up_rx\":%llu,\"up_tx\":%llu,\"flows\":%llu,"
			"\"flow_evictions\":%llu,\"send_errors\":%llu,\"stale\":%llu,"
			"\"tcp_conns\":%llu,\"tcp_refused\":%llu,\"tcp_bytes\":%llu,"
			"\"tcp_refused_per_client\":%llu,\"tcp_evicted\":%llu,\"tcp_idle_closed\":%llu}",
			vpn_dir_name(r->dir),
			hns_addr_port_str(&r->listen, a, sizeof(a)),
			hns_addr_port_str(&r->dest, b, sizeof(b)), (unsigned long long)s->rx,
			(unsigned long long)s->tx, (unsigned long long)s->up_rx,
			(unsigned long long)s->up_tx, (unsigned long long)s->flows,
			(unsigned long long)s->flow_evictions, (unsigned long long)s->send_errors,
			(unsigned long long)s->stale, (unsigned long long)s->tcp_conns,
			(unsigned long long)s->tcp_refused, (unsigned long long)s->tcp_bytes,
			(unsigned long long)s->tcp_refused_per_client,
			(unsigned long long)s->tcp_evicted, (unsigned long long)s->tcp_idle_closed);
	}
	fprintf(out,
		"],\"tcp_fd_exhausted\":%llu,\"lateness_ms\":{\"count\":%llu,\"mean\":%.3f,\"p50\":%.3f,\"p99\":%.3f,"
		"\"p999\":%.3f,\"max\":%.3f}}",
		(unsigned long long)vpn_tcp_fd_exhausted(v), (unsigned long long)h->count, hns_hist_mean_ms(h),
		hns_time_ms(hns_hist_quantile(h, 0.5)), hns_time_ms(hns_hist_quantile(h, 0.99)),
		hns_time_ms(hns_hist_quantile(h, 0.999)), hns_time_ms(h->max_ns));
}
