/*
 * harness/serve_onprem.c -- the on-prem side of a served world: one
 * forwarder (forwarder/server.h) per on-prem resolver of the scenario.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/addrmap.h"
#include "common/error.h"
#include "common/log.h"
#include "forwarder/conf.h"
#include "forwarder/server.h"
#include "harness/json.h"
#include "harness/serve.h"
#include "model/model.h"

/* The loader refuses what the forwarder could not hold (model/reach.c). */
_Static_assert(MODEL_MAX_FORWARD_TO <= FWD_MAX_RULE_UPSTREAMS, "forward list bound");
_Static_assert(MODEL_MAX_RESOLVER_UPSTREAMS <= FWD_MAX_UPSTREAMS, "upstreams bound");

struct onprem_one {
	const struct serve_ctx *ctx;
	const struct model_onprem_resolver *resolver;
	struct fwd_config *cfg;
	struct fwd_server *srv;
};

struct onprem_state {
	struct onprem_one *list;
	size_t n;
};

static const struct hns_addr *
route_cb(void *arg, const struct hns_addr *virt)
{
	const struct onprem_one *one = arg;
	const struct serve_ctx *ctx = one->ctx;
	const struct hns_addrmap_entry *e;

	/* A DNS server placed in a VPC sends from the AWS side: on-prem over the VPN. */
	if (virt)
		return serve_route(ctx, one->resolver->vpc == NULL, virt);
	e = hns_addrmap_find(&ctx->map, HNS_ROLE_INTERNET, NULL);
	return e ? &e->real : NULL;
}

void
serve_onprem_stop(struct serve_ctx *ctx)
{
	struct onprem_state *st = ctx->onprem;

	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		fwd_server_stop(st->list[i].srv);
		fwd_config_free(st->list[i].cfg);
	}
	free(st->list);
	free(st);
	ctx->onprem = NULL;
}

int
serve_onprem_start(struct serve_ctx *ctx)
{
	const struct model_onprem *op = &ctx->model->onprem;
	struct onprem_state *st = calloc(1, sizeof(*st));
	char err[256], a[HNS_ADDR_STRLEN];
	int rc = HNS_ENOMEM;

	if (!st)
		return HNS_ENOMEM;
	ctx->onprem = st;
	st->list = calloc(op->n_resolvers ? op->n_resolvers : 1, sizeof(*st->list));
	if (!st->list)
		goto fail;
	for (size_t i = 0; i < op->n_resolvers; i++) {
		const struct model_onprem_resolver *r = &op->resolvers[i];
		const struct hns_addr *listen;
		struct onprem_one *one = &st->list[st->n];

		if (ctx->listen.family) {
			if (i > 0)
				break; /* --listen serves the first resolver only */
			listen = &ctx->listen;
		} else {
			const struct hns_addrmap_entry *e =
				hns_addrmap_find(&ctx->map, HNS_ROLE_ONPREM, &r->address);

			if (serve_is_down(ctx, HNS_ROLE_ONPREM, &r->address))
				continue; /* a down resolver is silent */
			if (!e) {
				rc = serve_side_fail(ctx, HNS_ENOENT,
						     "onprem resolver %s: not in the address map", r->name);
				goto fail;
			}
			listen = &e->real;
		}
		err[0] = 0;
		one->ctx = ctx;
		one->resolver = r;
		rc = fwd_config_from_model(r, route_cb, one, &one->cfg, err, sizeof(err));
		if (rc < 0) {
			serve_side_fail(ctx, rc, "onprem resolver %s: %s", r->name,
					err[0] ? err : hns_strerror(rc));
			goto fail;
		}
		one->resolver = r;
		one->cfg->coalesce_us = serve_coalesce_us(ctx);
		one->cfg->udp_io = (enum hns_udp_io)ctx->aws_opts.udp_io;
		st->n++;
		rc = fwd_server_start(one->cfg, listen, ctx->workers, ctx->seed + i, &one->srv);
		if (rc < 0) {
			serve_side_fail(ctx, rc, "onprem resolver %s: cannot serve on %s: %s", r->name,
					hns_addr_port_str(listen, a, sizeof(a)), hns_strerror(rc));
			goto fail;
		}
		hns_info(HNS_SUB_FORWARDER, "onprem resolver %s listening on %s (%u workers)", r->name,
			 hns_addr_port_str(fwd_server_address(one->srv), a, sizeof(a)),
			 ctx->workers ? ctx->workers : 1);
	}
	return 0;
fail:
	serve_onprem_stop(ctx);
	return rc;
}

static void
stats_one(struct json_writer *j, const struct onprem_one *one)
{
	const struct fwd_config *cfg = one->cfg;
	struct fwd_server_stats s;
	struct fwd_rule_stats *rules = calloc(cfg->n_rules + 1, sizeof(*rules));
	struct fwd_upstream_stats ups[FWD_MAX_UPSTREAMS];
	bool down[FWD_MAX_UPSTREAMS];
	char a[HNS_ADDR_STRLEN];

	if (!rules)
		return;
	fwd_server_stats(one->srv, &s);
	fwd_server_stats_rules(one->srv, rules);
	fwd_server_stats_upstreams(one->srv, ups, down);

	json_object_begin(j);
	json_kv_string(j, "name", cfg->name);
	json_kv_string(j, "listen", hns_addr_port_str(fwd_server_address(one->srv), a, sizeof(a)));
	json_kv_uint(j, "queries", s.core.queries);
	json_kv_uint(j, "inflight", s.inflight);
	json_kv_uint(j, "table_full", s.core.table_full);
	json_kv_uint(j, "formerr", s.core.formerr);
	json_kv_uint(j, "notimp", s.core.notimp);
	json_kv_uint(j, "tcp_queries", s.tcp_queries);
	json_kv_uint(j, "tcp_connections", s.tcp_conns);
	json_kv_uint(j, "send_errors", s.send_errors);
	json_kv_uint(j, "io_uring_workers", s.io_uring_workers);

	json_key(j, "drops");
	json_object_begin(j);
	json_kv_uint(j, "not_a_query", s.core.dropped_queries);
	json_kv_uint(j, "tcp_refused", s.tcp_conn_refused);
	json_kv_uint(j, "reply_malformed", s.core.drop_malformed);
	json_kv_uint(j, "reply_unknown_id", s.core.drop_unknown_id);
	json_kv_uint(j, "reply_wrong_socket", s.core.drop_wrong_socket);
	json_kv_uint(j, "reply_wrong_source", s.core.drop_wrong_source);
	json_kv_uint(j, "reply_wrong_question", s.core.drop_wrong_question);
	json_object_end(j);

	json_key(j, "tcp_clients");
	json_object_begin(j);
	json_kv_uint(j, "open", s.tcp_open);
	json_kv_uint(j, "refused_per_client", s.tcp_refused_per_client);
	json_kv_uint(j, "refused_full", s.tcp_refused_full);
	json_kv_uint(j, "evicted", s.tcp_evicted);
	json_kv_uint(j, "idle_closed", s.tcp_idle_closed);
	json_kv_uint(j, "fd_exhausted", s.tcp_fd_exhausted);
	json_object_end(j);

	json_key(j, "cache");
	json_object_begin(j);
	json_kv_uint(j, "entries", s.cache_entries);
	json_kv_uint(j, "hits", s.cache.hits);
	json_kv_uint(j, "misses", s.cache.misses);
	json_kv_uint(j, "stale_hits", s.cache.stale_hits);
	json_kv_uint(j, "inserts", s.cache.inserts);
	json_kv_uint(j, "evictions", s.cache.evictions);
	json_kv_uint(j, "not_cached", s.cache.not_cached + s.cache.too_big);
	json_object_end(j);

	json_key(j, "rules");
	json_array_begin(j);
	for (size_t i = 0; i <= cfg->n_rules; i++) {
		const struct fwd_rule_stats *r = &rules[i];

		json_object_begin(j);
		json_kv_string(j, "rule", i < cfg->n_rules ? cfg->rules[i].name : cfg->deflt.name);
		json_kv_uint(j, "queries", r->queries);
		json_kv_uint(j, "cache_hits", r->cache_hits);
		json_kv_uint(j, "local", r->local_answers);
		json_kv_uint(j, "forwarded", r->forwarded);
		json_kv_uint(j, "coalesced", r->coalesced);
		json_kv_uint(j, "answered", r->answered_upstream);
		json_kv_uint(j, "stale", r->stale_answers);
		json_kv_uint(j, "servfail", r->servfail);
		json_kv_uint(j, "refused", r->refused);
		json_object_end(j);
	}
	json_array_end(j);

	json_key(j, "upstreams");
	json_array_begin(j);
	for (size_t i = 0; i < cfg->n_upstreams; i++) {
		const struct fwd_upstream_stats *u = &ups[i];

		json_object_begin(j);
		json_kv_string(j, "upstream", cfg->upstreams[i].label);
		json_kv_string(j, "real", hns_addr_port_str(&cfg->upstreams[i].real, a, sizeof(a)));
		json_kv_bool(j, "down", down[i]);
		json_kv_uint(j, "sent", u->sent);
		json_kv_uint(j, "answers", u->answers);
		json_kv_uint(j, "timeouts", u->timeouts);
		json_kv_uint(j, "servfail_refused", u->servfails);
		json_kv_uint(j, "tcp_retries", u->tcp_retries);
		json_kv_uint(j, "went_down", u->went_down);
		json_kv_uint(j, "came_up", u->came_up);
		json_object_end(j);
	}
	json_array_end(j);

	json_key(j, "latency_ms");
	json_array_begin(j);
	for (unsigned b = 0; b < FWD_LAT_BUCKETS; b++) {
		json_object_begin(j);
		if (b < FWD_LAT_BUCKETS - 1)
			json_kv_double(j, "le", fwd_latency_bounds_ms[b]);
		else
			json_kv_null(j, "le");
		json_kv_uint(j, "count", s.core.latency[b]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	free(rules);
}

void
serve_onprem_stats(struct serve_ctx *ctx, FILE *out)
{
	const struct onprem_state *st = ctx->onprem;
	struct json_writer j;

	/* The value of "onprem" in the stats document (harness/cmd_serve.c): one object per resolver. */
	json_writer_init(&j, out, true);
	json_array_begin(&j);
	for (size_t i = 0; st && i < st->n; i++)
		if (st->list[i].srv)
			stats_one(&j, &st->list[i]);
	json_array_end(&j);
	json_writer_finish(&j);
}
