/*
 * model/load_vpn.c -- the `vpn` section: the VPCs the VPN reaches and its
 * tunnels.
 */
#include "config.h"

#include "model/schema.h"

static const struct enum_val tunnel_states[] = {
    {"up", MODEL_TUNNEL_UP},
    {"standby", MODEL_TUNNEL_STANDBY},
    {"down", MODEL_TUNNEL_DOWN},
    {NULL, 0},
};

static const struct field tunnel_fields[] = {
    FRANGE("latency_ms", F_DOUBLE, 0, struct model_tunnel, latency_ms, "0", 0, 60000),
    FRANGE("jitter_ms", F_DOUBLE, 0, struct model_tunnel, jitter_ms, "0", 0, 60000),
    FIELD("loss", F_PROB, 0, struct model_tunnel, loss, "0"),
    FIELD("duplicate", F_PROB, 0, struct model_tunnel, duplicate, "0"),
    FIELD("reorder", F_PROB, 0, struct model_tunnel, reorder, "0"),
    FRANGE("mtu", F_U32, 0, struct model_tunnel, mtu, "1446", 68, 9001),
    FRANGE("bandwidth_mbps", F_DOUBLE, 0, struct model_tunnel, bandwidth_mbps, "1250", 0.001,
           1000000),
    FRANGE("pps", F_U32, 0, struct model_tunnel, pps, "140000", 1, 100000000),
    FENUM("state", 0, struct model_tunnel, state, "up", tunnel_states),
};

static bool
tunnel_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	if (model_resolver_endpoint_find(ld->m, k->str) != NULL) {
		ld_err(ld, k->loc, sub,
		       "'%s' is also a resolver endpoint's name (expected names unique across "
		       "tunnels and resolver endpoints, so that given: {down: [...]} is "
		       "clear)",
		       k->str);
		return false;
	}
	return true;
}

static void
vpn_tunnels(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(tunnel_fields, struct model_tunnel, tunnel_pre, NULL);
	struct model_vpn *vpn = &ld->m->vpn;

	vpn->tunnels = ld_handle_alloc(ld, v, path, sizeof(*vpn->tunnels));
	ld_walk_handles(ld, v, path, &w, vpn->tunnels, &vpn->n_tunnels, NULL);
}

static void
vpn_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_vpc_list(ld, v, path, &ld->m->vpn.vpcs, &ld->m->vpn.n_vpcs);
}

static const struct field vpn_fields[] = {
    FFN("vpcs", 0, vpn_vpcs),
    FFN("tunnels", 0, vpn_tunnels),
    FIELD("seed", F_U64, 0, struct model_vpn, seed, NULL),
};

void
ld_top_vpn(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_vpn *vpn = &ld->m->vpn;
	uint64_t p;

	vpn->present = true;
	p = ld_schema_walk(ld, v, path, v->loc, vpn_fields, NFIELDS(vpn_fields), vpn);
	vpn->seed_given = HAS(p, vpn_fields, "seed");
}
