/*
 * harness/serve_vpn.c -- `hybridns serve`'s VPN side: one relay per
 * crossing address of the map, on the vpn's own thread.
 *
 * A HNS_ROLE_RELAY_TO_AWS entry delivers to the AWS listener of the same
 * virtual address (inbound ENI, else VPC +2 resolver, else outbound ENI);
 * a HNS_ROLE_RELAY_TO_ONPREM entry to the on-prem resolver of the same
 * address.  A relay whose address has no listener in the map is skipped
 * with a warning (nothing would answer there).
 *
 * ctx->vpn holds the struct vpn * (vpn/relay.h) while running, so the
 * harness can call vpn_tunnel_set_state() for `given` and `events`, and
 * vpn_stats_write_json() for the stats.
 * Control: a UDP control socket (docs/vpn.md) on --vpn-control IP:PORT
 * (ctx->vpn_control) or 127.53.0.7:<map port>; SIGUSR2 takes the first tunnel
 * down, and the next SIGUSR2 puts it back in its scenario state.
 */
#include "config.h"

#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/plural.h"
#include "harness/serve.h"
#include "model/model.h"
#include "vpn/relay.h"
#include "vpn/tunnel.h"

/* The loader refuses more tunnels than the VPN holds (model/reach.c). */
_Static_assert(MODEL_MAX_TUNNELS <= VPN_MAX_TUNNELS, "tunnel bound");

#define VPN_CONTROL_DEFAULT "127.53.0.7"

/*
 * SIGUSR2 is one per process: it belongs to the first world that starts a
 * VPN (the one `hybridns serve` runs) until that world stops.
 */
struct serve_vpn_signal {
	struct vpn *vpn;
	struct event *ev;
	const struct model_tunnel *first; /* its scenario state is restored on toggle */
};

static struct serve_vpn_signal sv;

static const struct hns_addrmap_entry *
relay_target(const struct hns_addrmap *map, const struct hns_addrmap_entry *e)
{
	/* HNS_ROLE_ONPREM last: a DNS server placed in a VPC (onprem.resolvers.<r>.vpc). */
	static const enum hns_role to_aws[] = { HNS_ROLE_INBOUND, HNS_ROLE_VPC_DNS,
						HNS_ROLE_OUTBOUND, HNS_ROLE_ONPREM };
	const struct hns_addrmap_entry *t;

	if (e->role == HNS_ROLE_RELAY_TO_ONPREM)
		return hns_addrmap_find(map, HNS_ROLE_ONPREM, &e->virt);
	if (e->owner != 0) /* to one VPC's +2, whatever other VPC shares its address */
		return hns_addrmap_find_owned(map, HNS_ROLE_VPC_DNS, &e->virt, e->owner);
	for (size_t i = 0; i < sizeof(to_aws) / sizeof(to_aws[0]); i++) {
		t = hns_addrmap_find(map, to_aws[i], &e->virt);
		if (t)
			return t;
	}
	return NULL;
}

static void
on_sigusr2(evutil_socket_t sig, short what, void *arg)
{
	struct serve_vpn_signal *s = arg;
	int st;

	if (!s->first)
		return;
	st = vpn_tunnel_get_state(s->vpn, s->first->name);
	if (st < 0)
		return;
	st = st == MODEL_TUNNEL_DOWN ? (int)s->first->state : MODEL_TUNNEL_DOWN;
	if (st == MODEL_TUNNEL_DOWN && s->first->state == MODEL_TUNNEL_DOWN)
		st = MODEL_TUNNEL_UP;
	vpn_tunnel_set_state(s->vpn, s->first->name, (enum model_tunnel_state)st);
	hns_info(HNS_SUB_VPN, "SIGUSR2: tunnel %s %s", s->first->name,
		 vpn_state_name((enum model_tunnel_state)st));
}

static void
control_open(struct serve_ctx *ctx, struct vpn *v)
{
	bool asked = ctx->vpn_control.family != 0;
	char buf[HNS_ADDR_STRLEN];
	struct hns_addr a;
	int rc;

	if (asked) {
		a = ctx->vpn_control;
	} else {
		hns_addr_parse(VPN_CONTROL_DEFAULT, &a);
		a.port = ctx->map.port;
	}
	rc = vpn_control_open(v, &a);
	if (rc < 0) {
		/* Another world of this host may hold the default address: say so only when asked. */
		if (asked)
			hns_warn(HNS_SUB_VPN, "control socket %s: %s",
				 hns_addr_port_str(&a, buf, sizeof(buf)), hns_strerror(rc));
		else
			hns_info(HNS_SUB_VPN, "no control socket on %s: %s",
				 hns_addr_port_str(&a, buf, sizeof(buf)), hns_strerror(rc));
		return;
	}
	vpn_control_addr(v, &a);
	hns_info(HNS_SUB_VPN, "control socket %s", hns_addr_port_str(&a, buf, sizeof(buf)));
}

int
serve_vpn_start(struct serve_ctx *ctx)
{
	const struct model_vpn *mv = &ctx->model->vpn;
	char a[HNS_ADDR_STRLEN], b[HNS_ADDR_STRLEN];
	struct vpn *v;
	int rc;

	rc = vpn_new(mv->tunnels, mv->n_tunnels, ctx->seed, &v);
	if (rc < 0)
		return serve_side_fail(ctx, rc, "the VPN's %zu %s: %s", mv->n_tunnels,
				       HNS_PLURAL(mv->n_tunnels, "tunnel", "tunnels"), hns_strerror(rc));
	/* `given: [tunnel1]` holds a tunnel down while this world runs. */
	for (size_t i = 0; i < mv->n_tunnels; i++) {
		if (serve_tunnel_is_down(ctx, mv->tunnels[i].name))
			vpn_tunnel_set_state(v, mv->tunnels[i].name, MODEL_TUNNEL_DOWN);
	}
	for (size_t i = 0; i < ctx->map.n; i++) {
		const struct hns_addrmap_entry *e = &ctx->map.entries[i], *t;
		enum vpn_dir dir;

		if (e->role == HNS_ROLE_RELAY_TO_AWS)
			dir = VPN_TO_AWS;
		else if (e->role == HNS_ROLE_RELAY_TO_ONPREM)
			dir = VPN_TO_ONPREM;
		else
			continue;
		t = relay_target(&ctx->map, e);
		if (!t) {
			hns_warn(HNS_SUB_VPN, "relay %s (%s): nothing listens at %s, skipped", e->label,
				 hns_addr_port_str(&e->real, a, sizeof(a)),
				 hns_addr_str(&e->virt, b, sizeof(b)));
			continue;
		}
		rc = vpn_relay_add(v, dir, &e->real, &t->real, e->label);
		if (rc < 0) {
			serve_side_fail(ctx, rc, "relay %s on %s: %s", e->label,
					hns_addr_port_str(&e->real, a, sizeof(a)), hns_strerror(rc));
			vpn_free(v);
			return rc;
		}
		hns_info(HNS_SUB_VPN, "relay %s %s -> %s (%s)", vpn_dir_name(dir),
			 hns_addr_port_str(&e->real, a, sizeof(a)),
			 hns_addr_port_str(&t->real, b, sizeof(b)), e->label);
	}
	control_open(ctx, v);
	/*
	 * Receive coalescing on the VPN's thread too: its ticks end by the next
	 * delivery due (vpn/io_relay.c) and its arrivals are the kernel's
	 * stamps, so a tick moves no delivery by more than its slack.
	 */
	vpn_set_coalesce(v, serve_coalesce_us(ctx));
	rc = vpn_start(v);
	if (rc < 0) {
		vpn_free(v);
		return serve_side_fail(ctx, rc, "the VPN relays (%zu): %s", ctx->map.n,
				       hns_strerror(rc));
	}
	if (!sv.vpn && mv->n_tunnels > 0 && ctx->base) {
		sv.ev = evsignal_new(ctx->base, SIGUSR2, on_sigusr2, &sv);
		if (sv.ev && evsignal_add(sv.ev, NULL) == 0) {
			sv.vpn = v;
			sv.first = &mv->tunnels[0];
		} else if (sv.ev) {
			event_free(sv.ev);
			sv.ev = NULL;
		}
	}
	ctx->vpn = v;
	return 0;
}

void
serve_vpn_stop(struct serve_ctx *ctx)
{
	struct vpn *v = ctx->vpn;

	if (!v)
		return;
	if (sv.vpn == v) {
		event_free(sv.ev);
		memset(&sv, 0, sizeof(sv));
	}
	vpn_stop(v);
	if (hns_log_levels[HNS_SUB_VPN] >= HNS_LOG_INFO) {
		vpn_stats_write_json(v, stderr);
		fputc('\n', stderr);
	}
	vpn_free(v);
	ctx->vpn = NULL;
}
