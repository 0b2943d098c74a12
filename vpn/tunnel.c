/*
 * vpn/tunnel.c -- tunnel choice, impairments and counters (no I/O).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "common/error.h"
#include "vpn/tunnel.h"

/* -------------------------------------------------------------- tunnels */

static bool
tunnel_cfg_valid(const struct model_tunnel *c)
{
	return c->latency_ms >= 0 && c->latency_ms < 3.6e6 && c->jitter_ms >= 0 &&
	       c->jitter_ms < 3.6e6 && c->loss >= 0 && c->loss <= 1 && c->duplicate >= 0 &&
	       c->duplicate <= 1 && c->reorder >= 0 && c->reorder <= 1 && c->bandwidth_mbps >= 0 &&
	       (c->mtu == 0 || (c->mtu > VPN_IPV4_TCP_OVERHEAD && c->mtu <= 65535)) &&
	       (unsigned)c->state <= MODEL_TUNNEL_DOWN;
}

static void
tunnel_setup(struct vpn_tunnel *t, const struct model_tunnel *c)
{
	t->cfg = *c;
	t->name = c->name ? c->name : "tunnel";
	if (t->cfg.mtu == 0)
		t->cfg.mtu = VPN_DEFAULT_MTU;
	if (t->cfg.bandwidth_mbps == 0)
		t->cfg.bandwidth_mbps = VPN_DEFAULT_MBPS;
	if (t->cfg.pps == 0)
		t->cfg.pps = VPN_DEFAULT_PPS;
	t->latency_ns = (hns_time_t)llround(c->latency_ms * (double)HNS_NSEC_PER_MSEC);
	t->jitter_ns = (hns_time_t)llround(c->jitter_ms * (double)HNS_NSEC_PER_MSEC);
	t->reorder_gap_ns = 3 * t->jitter_ns > VPN_REORDER_GAP_MIN_NS ? 3 * t->jitter_ns
								     : VPN_REORDER_GAP_MIN_NS;
	t->pps_cost_ns = HNS_NSEC_PER_SEC / t->cfg.pps;
	if (t->pps_cost_ns == 0)
		t->pps_cost_ns = 1;
	/* mbps * 1e6 bits/s: one byte (8 bits) costs 8e3 / mbps ns. */
	t->byte_cost_ns = 8000.0 / t->cfg.bandwidth_mbps;
	atomic_store(&t->state, (int)c->state);
}

int
vpn_tunnels_init(struct vpn_tunnels *ts, const struct model_tunnel *cfg, size_t n, uint64_t seed)
{
	if (n > VPN_MAX_TUNNELS)
		return HNS_ERANGE;
	for (size_t i = 0; i < n; i++) {
		if (!tunnel_cfg_valid(&cfg[i]))
			return HNS_EINVAL;
	}
	memset(ts, 0, sizeof(*ts));
	for (size_t i = 0; i < n; i++)
		tunnel_setup(&ts->t[i], &cfg[i]);
	ts->n = n;
	hns_prng_seed(&ts->rng, seed);
	ts->current[VPN_TO_AWS] = vpn_tunnels_select(ts, VPN_TO_AWS);
	ts->current[VPN_TO_ONPREM] = vpn_tunnels_select(ts, VPN_TO_ONPREM);
	return 0;
}

int
vpn_tunnels_select(const struct vpn_tunnels *ts, enum vpn_dir dir)
{
	int standby = -1;

	/* Both directions prefer the first `up` tunnel, then the first `standby` one. */
	(void)dir;
	for (size_t i = 0; i < ts->n; i++) {
		int st = atomic_load_explicit(&ts->t[i].state, memory_order_relaxed);

		if (st == MODEL_TUNNEL_UP)
			return (int)i;
		if (st == MODEL_TUNNEL_STANDBY && standby < 0)
			standby = (int)i;
	}
	return standby;
}

int
vpn_tunnels_find(const struct vpn_tunnels *ts, const char *name)
{
	for (size_t i = 0; i < ts->n; i++) {
		if (strcmp(ts->t[i].name, name) == 0)
			return (int)i;
	}
	return HNS_ENOENT;
}

int
vpn_tunnel_state_set(struct vpn_tunnels *ts, const char *name, enum model_tunnel_state st)
{
	int i = vpn_tunnels_find(ts, name);

	if (i < 0)
		return i;
	if (st != MODEL_TUNNEL_UP && st != MODEL_TUNNEL_STANDBY && st != MODEL_TUNNEL_DOWN)
		return HNS_EINVAL;
	atomic_store(&ts->t[i].state, (int)st);
	return 0;
}

/* A normal draw truncated to +-3 sigma by redrawing (0.27% of draws redraw). */
static double
draw_jitter(struct hns_prng *rng)
{
	double z;

	do {
		z = hns_prng_normal(rng);
	} while (z > 3.0 || z < -3.0);
	return z;
}

static bool
draw(struct hns_prng *rng, double p)
{
	return p > 0 && (p >= 1 || hns_prng_double(rng) < p);
}

/*
 * GCRA: a packet costing `cost` ns of budget conforms when the bucket's
 * theoretical arrival time is no more than the burst ahead of now.
 * Returns how far (ns) the packet is over; 0 when it conforms.
 */
static hns_time_t
gcra_over(hns_time_t tat, hns_time_t now)
{
	return tat > now + VPN_BURST_NS ? tat - now - VPN_BURST_NS : 0;
}

static hns_time_t
gcra_take(hns_time_t *tat, hns_time_t now, hns_time_t cost)
{
	*tat = (*tat > now ? *tat : now) + cost;
	return *tat;
}

static void
drop(struct vpn_link *l, enum vpn_drop cause, struct vpn_verdict *out)
{
	l->st.drops[cause]++;
	out->drop = cause;
}

void
vpn_tunnels_decide(struct vpn_tunnels *ts, enum vpn_dir dir, size_t size, enum vpn_proto proto,
		   hns_time_t now, struct vpn_verdict *out)
{
	struct vpn_tunnel *t;
	struct vpn_link *l;
	uint64_t segs = 1, wire;
	hns_time_t delay, over, pps_cost, byte_cost;
	int i = vpn_tunnels_select(ts, dir);

	memset(out, 0, sizeof(*out));
	out->tunnel = i;
	if (i != ts->current[dir]) {
		if (ts->current[dir] >= 0 && i >= 0)
			ts->failovers[dir]++;
		ts->current[dir] = i;
	}
	if (i < 0) {
		/* Counted on the first tunnel, the one traffic would prefer. */
		if (ts->n > 0)
			ts->t[0].link[dir].st.drops[VPN_DROP_STATE]++;
		out->drop = VPN_DROP_STATE;
		return;
	}
	t = &ts->t[i];
	l = &t->link[dir];

	if (proto == VPN_PROTO_UDP) {
		wire = size + VPN_IPV4_UDP_OVERHEAD;
		if (wire > t->cfg.mtu)
			return drop(l, VPN_DROP_MTU, out);
	} else {
		uint64_t mss = t->cfg.mtu - VPN_IPV4_TCP_OVERHEAD;

		segs = size > 0 ? (size + mss - 1) / mss : 1;
		wire = size + segs * VPN_IPV4_TCP_OVERHEAD;
	}

	pps_cost = segs * t->pps_cost_ns;
	byte_cost = (hns_time_t)((double)wire * t->byte_cost_ns);
	over = gcra_over(l->tat_pps, now);
	if (gcra_over(l->tat_bytes, now) > over)
		over = gcra_over(l->tat_bytes, now);
	if (over > 0 && proto == VPN_PROTO_UDP)
		return drop(l, VPN_DROP_CEILING, out);
	gcra_take(&l->tat_pps, now, pps_cost);
	gcra_take(&l->tat_bytes, now, byte_cost);
	delay = over; /* TCP waits for the bucket */

	if (proto == VPN_PROTO_UDP) {
		if (draw(&ts->rng, t->cfg.loss))
			return drop(l, VPN_DROP_LOSS, out);
	} else if (t->cfg.loss > 0) {
		double p_any = 1.0 - pow(1.0 - t->cfg.loss, (double)segs);

		if (draw(&ts->rng, p_any)) {
			delay += VPN_TCP_RTO_MIN_NS + 2 * t->latency_ns;
			l->st.retransmits++;
		}
	}

	if (t->jitter_ns > 0) {
		double d = (double)t->latency_ns + draw_jitter(&ts->rng) * (double)t->jitter_ns;

		delay += d > 0 ? (hns_time_t)d : 0;
	} else {
		delay += t->latency_ns;
	}
	out->at = now + delay;

	if (proto == VPN_PROTO_UDP) {
		if (draw(&ts->rng, t->cfg.reorder)) {
			out->queue = VPN_Q_LATE;
			out->at += t->reorder_gap_ns;
			l->st.reordered++;
		}
		if (out->at < l->last[out->queue])
			out->at = l->last[out->queue];
		l->last[out->queue] = out->at;
	}
	out->duplicate = draw(&ts->rng, t->cfg.duplicate);

	l->st.packets++;
	l->st.bytes += size;
	if (out->duplicate) {
		l->st.duplicates++;
		l->st.packets++;
		l->st.bytes += size;
	}
	hns_hist_add(&l->st.delay, out->at - now);
	out->drop = VPN_PASS;
}

void
vpn_link_undo_pass(struct vpn_link *l, size_t size, enum vpn_drop cause)
{
	if (l->st.packets > 0) {
		l->st.packets--;
		l->st.bytes -= size < l->st.bytes ? size : l->st.bytes;
	}
	l->st.drops[cause]++;
}

/* ----------------------------------------------------------------- names */

static const char *const drop_names[VPN_DROP_COUNT] = {
	[VPN_PASS] = "pass",	     [VPN_DROP_LOSS] = "loss",	       [VPN_DROP_MTU] = "mtu",
	[VPN_DROP_STATE] = "state", [VPN_DROP_CEILING] = "ceiling", [VPN_DROP_QUEUE] = "queue",
};

const char *
vpn_drop_name(enum vpn_drop d)
{
	return (unsigned)d < VPN_DROP_COUNT ? drop_names[d] : "?";
}

const char *
vpn_dir_name(enum vpn_dir d)
{
	return d == VPN_TO_AWS ? "to_aws" : "to_onprem";
}

static const char *const state_names[] = {
	[MODEL_TUNNEL_UP] = "up",
	[MODEL_TUNNEL_STANDBY] = "standby",
	[MODEL_TUNNEL_DOWN] = "down",
};

const char *
vpn_state_name(enum model_tunnel_state st)
{
	return (unsigned)st <= MODEL_TUNNEL_DOWN ? state_names[st] : "?";
}

int
vpn_state_parse(const char *s, enum model_tunnel_state *out)
{
	for (unsigned i = 0; i <= MODEL_TUNNEL_DOWN; i++) {
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum model_tunnel_state)i;
			return 0;
		}
	}
	return HNS_EINVAL;
}

static void
link_write_json(const struct vpn_link *l, FILE *out)
{
	const struct vpn_link_stats *s = &l->st;

	fprintf(out, "{\"packets\":%llu,\"bytes\":%llu,\"drops\":{", (unsigned long long)s->packets,
		(unsigned long long)s->bytes);
	for (unsigned d = VPN_DROP_LOSS; d < VPN_DROP_COUNT; d++)
		fprintf(out, "%s\"%s\":%llu", d > VPN_DROP_LOSS ? "," : "", drop_names[d],
			(unsigned long long)s->drops[d]);
	fprintf(out,
		"},\"duplicates\":%llu,\"reordered\":%llu,\"retransmits\":%llu,"
		"\"delay_ms\":{\"count\":%llu,\"mean\":%.3f,\"min\":%.3f,\"p50\":%.3f,\"p99\":%.3f,"
		"\"max\":%.3f}}",
		(unsigned long long)s->duplicates, (unsigned long long)s->reordered,
		(unsigned long long)s->retransmits, (unsigned long long)s->delay.count,
		hns_hist_mean_ms(&s->delay), hns_time_ms(s->delay.min_ns),
		hns_time_ms(hns_hist_quantile(&s->delay, 0.5)),
		hns_time_ms(hns_hist_quantile(&s->delay, 0.99)), hns_time_ms(s->delay.max_ns));
}

void
vpn_tunnels_write_json(const struct vpn_tunnels *ts, FILE *out)
{
	fprintf(out, "{\"failovers\":{\"to_aws\":%llu,\"to_onprem\":%llu},\"tunnels\":[",
		(unsigned long long)ts->failovers[VPN_TO_AWS],
		(unsigned long long)ts->failovers[VPN_TO_ONPREM]);
	for (size_t i = 0; i < ts->n; i++) {
		const struct vpn_tunnel *t = &ts->t[i];

		fprintf(out, "%s{\"name\":\"%s\",\"state\":\"%s\",\"to_aws\":", i ? "," : "", t->name,
			vpn_state_name((enum model_tunnel_state)atomic_load(&t->state)));
		link_write_json(&t->link[VPN_TO_AWS], out);
		fprintf(out, ",\"to_onprem\":");
		link_write_json(&t->link[VPN_TO_ONPREM], out);
		fprintf(out, "}");
	}
	fprintf(out, "]}");
}
