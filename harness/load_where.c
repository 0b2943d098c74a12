/*
 * harness/load_where.c -- the components' counters of a load run (see
 * load_where.h): the world's stats document, parsed with jansson.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addrmap.h"
#include "common/clock.h"
#include "common/error.h"
#include "harness/load_where.h"
#include "harness/serve.h"
#include "model/model.h"

#define VPC_PPS_PER_SOURCE 1024 /* R9: a VPC +2 answers 1024 pps per network interface */

static uint64_t
ju(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

static void
js(char *out, size_t cap, const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(out, cap, "%s", v ? v : "?");
}

/* The sum of one key over an array of objects. */
static uint64_t
jsum(const json_t *arr, const char *key)
{
	size_t i;
	const json_t *e;
	uint64_t n = 0;

	json_array_foreach(arr, i, e)
		n += ju(e, key);
	return n;
}

static void
read_onprem(struct load_where *w, const json_t *arr)
{
	size_t i;
	const json_t *e;

	w->n_fwd = 0;
	json_array_foreach(arr, i, e) {
		struct load_where_fwd *f = &w->fwd[w->n_fwd];
		const json_t *rules = json_object_get(e, "rules");

		if (w->n_fwd == LOAD_WHERE_MAX)
			break;
		js(f->name, sizeof(f->name), e, "name");
		f->queries = ju(e, "queries");
		f->cache_hits = ju(json_object_get(e, "cache"), "hits");
		f->local = jsum(rules, "local");
		f->forwarded = jsum(rules, "forwarded");
		f->servfail = jsum(rules, "servfail");
		f->table_full = ju(e, "table_full");
		f->timeouts = jsum(json_object_get(e, "upstreams"), "timeouts");
		w->n_fwd++;
	}
}

static void
read_tunnels(struct load_where *w, const json_t *arr)
{
	static const char *const dirs[2] = { "to_aws", "to_onprem" };
	size_t i;
	const json_t *e;

	w->n_tun = 0;
	json_array_foreach(arr, i, e) {
		struct load_where_tunnel *t = &w->tun[w->n_tun];

		if (w->n_tun == LOAD_WHERE_MAX)
			break;
		js(t->name, sizeof(t->name), e, "name");
		js(t->state, sizeof(t->state), e, "state");
		for (int d = 0; d < 2; d++) {
			const json_t *l = json_object_get(e, dirs[d]);

			t->packets[d] = ju(l, "packets");
			for (int c = VPN_DROP_LOSS; c < VPN_DROP_COUNT; c++)
				t->drops[d][c] = ju(json_object_get(l, "drops"), vpn_drop_name(c));
		}
		w->n_tun++;
	}
}

/* The queries-per-second ceiling of a listener, from the model (serve_aws.c's rule). */
static uint64_t
listener_ceiling(const struct serve_ctx *ctx, const char *label, const char *kind)
{
	const struct model *m = ctx->model;

	if (strcmp(kind, "vpc") == 0)
		return VPC_PPS_PER_SOURCE;
	if (strcmp(kind, "inbound") != 0)
		return 0;
	for (size_t i = 0; i < ctx->map.n; i++) {
		const struct hns_addrmap_entry *e = &ctx->map.entries[i];

		if (e->role != HNS_ROLE_INBOUND || strcmp(e->label, label) != 0)
			continue;
		for (size_t r = 0; r < m->n_resolver_endpoints; r++) {
			const struct model_resolver_endpoint *ep = &m->resolver_endpoints[r];

			for (size_t k = 0; ep->direction == MODEL_INBOUND && k < ep->n_enis; k++) {
				uint64_t c = ep->qps_per_ip;

				if (!hns_addr_equal(&ep->enis[k].ip, &e->virt))
					continue;
				if (ep->conntrack && (c == 0 || c > 1500))
					c = 1500;
				return c;
			}
		}
	}
	return 0;
}

static void
read_listeners(struct load_where *w, const struct load_where *prev, const json_t *arr,
	       const struct serve_ctx *ctx, uint64_t dt_ns)
{
	size_t i;
	const json_t *e;

	json_array_foreach(arr, i, e) {
		struct load_where_listener *l = &w->lis[w->n_lis];

		if (w->n_lis == LOAD_WHERE_MAX)
			break;
		js(l->label, sizeof(l->label), e, "label");
		js(l->kind, sizeof(l->kind), e, "kind");
		l->queries = ju(e, "queries");
		l->answered = ju(e, "answered");
		l->forwarded = ju(e, "forwarded");
		l->cache_hits = ju(e, "cache_hits");
		l->dropped_ceiling = ju(e, "dropped_ceiling");
		l->dropped_rate = ju(e, "dropped_rate");
		l->dropped_outside = ju(e, "dropped_outside");
		l->dropped_send = ju(e, "dropped_send");
		l->ceiling = listener_ceiling(ctx, l->label, l->kind);
		l->peak = 0;
		for (size_t k = 0; prev->have && k < prev->n_lis; k++) {
			const struct load_where_listener *p = &prev->lis[k];

			if (strcmp(p->label, l->label) != 0)
				continue;
			l->peak = p->peak;
			if (dt_ns >= HNS_NSEC_PER_SEC / 2 && l->queries >= p->queries) {
				uint64_t rate = (l->queries - p->queries) * HNS_NSEC_PER_SEC / dt_ns;

				if (rate > l->peak)
					l->peak = rate;
			}
		}
		w->n_lis++;
	}
}

int
load_where_sample(struct load_where *w, struct serve_ctx *ctx, uint64_t now)
{
	struct load_where *next = calloc(1, sizeof(*next));
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	json_t *doc, *aws;
	json_error_t err;

	if (next == NULL)
		return HNS_ENOMEM;
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		free(next);
		return HNS_ENOMEM;
	}
	serve_stats_write(ctx, f);
	fclose(f);
	doc = json_loadb(buf, len, 0, &err);
	free(buf);
	if (doc == NULL) {
		free(next);
		return HNS_EINVAL;
	}
	read_onprem(next, json_object_get(doc, "onprem"));
	read_tunnels(next, json_object_get(json_object_get(json_object_get(doc, "vpn"), "vpn"), "tunnels"));
	aws = json_object_get(doc, "aws");
	read_listeners(next, w, json_object_get(json_object_get(aws, "resolver"), "listeners"), ctx,
		       now - w->last_ns);
	read_listeners(next, w, json_object_get(json_object_get(aws, "internet"), "listeners"), ctx,
		       now - w->last_ns);
	json_decref(doc);
	next->have = true;
	next->last_ns = now;
	*w = *next;
	free(next);
	return 0;
}

/* What a tunnel drop means, by enum vpn_drop. */
static const char *const drop_causes[VPN_DROP_COUNT] = {
	[VPN_DROP_LOSS] = "dropped by the tunnel's loss",
	[VPN_DROP_MTU] = "dropped over the tunnel's MTU",
	[VPN_DROP_STATE] = "dropped: tunnel down",
	[VPN_DROP_CEILING] = "dropped over the tunnel's pps or bandwidth ceiling",
	[VPN_DROP_QUEUE] = "dropped: tunnel queue full",
};

bool
load_where_worst(const struct load_where *w, const char **name, const char **cause, uint64_t *n)
{
	*n = 0;
#define WORST(count, who, why)                                                                     \
	do {                                                                                       \
		if ((count) > *n) {                                                                \
			*n = (count);                                                              \
			*name = (who);                                                             \
			*cause = (why);                                                            \
		}                                                                                  \
	} while (0)
	for (size_t i = 0; i < w->n_fwd; i++) {
		WORST(w->fwd[i].table_full, w->fwd[i].name, "REFUSED with the forwarding table full");
		WORST(w->fwd[i].servfail, w->fwd[i].name, "SERVFAIL after upstream timeouts");
	}
	for (size_t i = 0; i < w->n_tun; i++) {
		for (int d = 0; d < 2; d++) {
			for (int c = VPN_DROP_LOSS; c < VPN_DROP_COUNT; c++)
				WORST(w->tun[i].drops[d][c], w->tun[i].name, drop_causes[c]);
		}
	}
	for (size_t i = 0; i < w->n_lis; i++) {
		WORST(w->lis[i].dropped_ceiling, w->lis[i].label, "dropped over the ENI's query ceiling");
		WORST(w->lis[i].dropped_rate, w->lis[i].label, "dropped over 1024 pps per source");
		WORST(w->lis[i].dropped_outside, w->lis[i].label, "dropped: source outside the VPC");
		WORST(w->lis[i].dropped_send, w->lis[i].label, "answers dropped: its socket buffer was full");
	}
#undef WORST
	return *n > 0;
}
