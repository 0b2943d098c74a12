/*
 * model/load_profile.c -- the `load` section: load profiles (rate, mix,
 * events, SLO) for `hybridns load`.
 */
#include "config.h"

#include "model/schema.h"

static void
mix_query(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_mix *x = obj;

	ld_query(ld, v, path, &x->query, &x->qtype, true);
}

static const struct field mix_fields[] = {
    FFN("query", FL_REQ, mix_query),
    FRANGE("weight", F_U32, 0, struct model_mix, weight, "1", 1, 1000000),
};

static void
ld_fault_event(struct ld *ld, const struct ynode *v, const char *path, void *obj, bool up)
{
	struct model_event *e = obj;

	e->up = up;
	ld_fault(ld, v, path, &e->fault);
}

static void
ev_down(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_fault_event(ld, v, path, obj, false);
}

static void
ev_up(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_fault_event(ld, v, path, obj, true);
}

static const struct field event_fields[] = {
    FIELD("at", F_MS, FL_REQ, struct model_event, at_ms, NULL),
    FFN("down", 0, ev_down),
    FFN("up", 0, ev_up),
};

static void
slo_answers(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_answer(ld, v, path, &((struct model_slo *)obj)->answers);
}

static const struct field slo_fields[] = {
    FRANGE("p50_ms", F_DOUBLE, 0, struct model_slo, p50_ms, NULL, 0, 3600000),
    FRANGE("p99_ms", F_DOUBLE, 0, struct model_slo, p99_ms, NULL, 0, 3600000),
    FRANGE("p999_ms", F_DOUBLE, 0, struct model_slo, p999_ms, NULL, 0, 3600000),
    FIELD("max_loss", F_PROB, 0, struct model_slo, max_loss, NULL),
    FRANGE("min_qps", F_DOUBLE, 0, struct model_slo, min_qps, NULL, 0, 100000000),
    FFN("answers", 0, slo_answers),
};

static void
lp_from(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_from(ld, v, path, &((struct model_load *)obj)->from);
}

static void
lp_mix(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w = OBJ_WALK(mix_fields, struct model_mix, NULL, NULL);
	struct model_load *l = obj;

	l->mix = ld_list_alloc(ld, v, path, sizeof(*l->mix));
	ld_walk_list(ld, v, path, &w, l->mix, &l->n_mix, NULL);
}

static void
lp_given(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_given(ld, v, path, &((struct model_load *)obj)->given);
}

static void
event_post(struct ld *ld, const struct ynode *it, const struct ynode *val, const char *sub,
           void *obj, uint64_t p, void *ctx)
{
	if (it->kind == YN_MAP && HAS(p, event_fields, "down") == HAS(p, event_fields, "up"))
		ld_err(ld, it->loc, sub,
		       "an event needs exactly one of 'down' and 'up' (e.g. {at: 5s, down: "
		       "tunnel1})");
}

static void
lp_events(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(event_fields, struct model_event, NULL, event_post);
	struct model_load *l = obj;

	l->events = ld_list_alloc(ld, v, path, sizeof(*l->events));
	ld_walk_list(ld, v, path, &w, l->events, &l->n_events, NULL);
}

static void
lp_slo(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_load *l = obj;

	ld_schema_walk(ld, v, path, v->loc, slo_fields, NFIELDS(slo_fields), &l->slo);
}

static const struct field load_fields[] = {
    FFN("from", 0, lp_from),
    FIELD("target", F_ADDR_PORT, 0, struct model_load, target, NULL),
    FRANGE("qps", F_U32, FL_REQ, struct model_load, qps, NULL, 1, 100000000),
    FIELD("duration", F_MS, FL_REQ, struct model_load, duration_ms, NULL),
    FIELD("ramp", F_MS, 0, struct model_load, ramp_ms, "0"),
    FIELD("tcp", F_PROB, 0, struct model_load, tcp, "0"),
    FFN("mix", FL_REQ, lp_mix),
    FFN("given", 0, lp_given),
    FFN("events", 0, lp_events),
    FFN("slo", 0, lp_slo),
};

static bool
load_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	struct model_load *l = obj;

	l->slo.p50_ms = l->slo.p99_ms = l->slo.p999_ms = -1;
	l->slo.max_loss = l->slo.min_qps = -1;
	return true;
}

static void
load_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
          void *obj, uint64_t p, void *ctx)
{
	struct model *m = ld->m;
	struct model_load *l = obj;

	l->has_target = HAS(p, load_fields, "target");
	if (l->has_target && l->target.port == 0)
		l->target.port = 53;
	if (l->has_target && l->target.family != 0) {
		char tp[LD_PATH_MAX];

		ld_path_key(tp, sub, "target");
		ld_target_addr(ld, &l->target, ld_map_get(val, "target")->loc, tp, LD_TARGET_LOAD);
	}
	if (!HAS(p, load_fields, "from")) {
		l->from.kind = MODEL_FROM_ONPREM;
		if (m->onprem.n_resolvers > 0)
			l->from.resolver = &m->onprem.resolvers[0];
		else if (!l->has_target && val->kind == YN_MAP)
			ld_err(ld, k->loc, sub,
			       "from defaults to onprem, but onprem has no resolvers "
			       "(expected "
			       "onprem.resolvers, a from: or a target: key)");
	}
	if (l->ramp_ms > l->duration_ms && HAS(p, load_fields, "duration")) {
		char rp[LD_PATH_MAX];

		ld_path_key(rp, sub, "ramp");
		ld_err(ld, ld_map_get(val, "ramp")->loc, rp, "ramp is longer than duration");
	}
}

void
ld_top_load(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(load_fields, struct model_load, load_pre, load_post);
	struct model *m = ld->m;

	m->loads = ld_handle_alloc(ld, v, path, sizeof(*m->loads));
	ld_walk_handles(ld, v, path, &w, m->loads, &m->n_loads, NULL);
}
