#include "config.h"

#include <event2/event.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/rand.h"
#include "harness/check.h"
#include "harness/client.h"
#include "harness/serve.h"
#include "model/model.h"

#define CHECK_PORT_TRIES 8

void
check_opts_init(struct check_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000;
	o->tries = 2;
}

static void
from_text(const struct model_from *f, char *buf, size_t len)
{
	switch (f->kind) {
	case MODEL_FROM_ONPREM:
		snprintf(buf, len, "onprem:%s", f->resolver->name);
		break;
	case MODEL_FROM_VPC:
		snprintf(buf, len, "vpc:%s", f->vpc->name);
		break;
	case MODEL_FROM_INBOUND:
		if (f->inbound_eni != NULL)
			snprintf(buf, len, "inbound:%s@%s", f->inbound->name, f->inbound_eni->subnet->name);
		else
			snprintf(buf, len, "inbound:%s", f->inbound->name);
		break;
	case MODEL_FROM_INTERNET:
		snprintf(buf, len, "internet");
		break;
	}
}

/* The servers a client at `from` asks, as loopback addresses of this world. */
static size_t
client_servers(const struct serve_ctx *ctx, const struct model_from *f, const struct check_opts *o,
	       struct hns_addr *out, size_t max)
{
	const struct hns_addrmap_entry *e;
	const struct hns_addr *real;
	size_t n = 0;

	switch (f->kind) {
	case MODEL_FROM_ONPREM:
		if (o->onprem_resolver.family != 0) {
			out[n++] = o->onprem_resolver;
			break;
		}
		e = hns_addrmap_find(&ctx->map, HNS_ROLE_ONPREM, &f->resolver->address);
		if (e != NULL)
			out[n++] = e->real;
		break;
	case MODEL_FROM_VPC:
		e = hns_addrmap_find(&ctx->map, HNS_ROLE_VPC_DNS, &f->vpc->dns_addr);
		if (e != NULL)
			out[n++] = e->real;
		break;
	case MODEL_FROM_INBOUND:
		/* From on-prem, across the VPN: the client lists the ENIs as a stub would. */
		for (size_t i = 0; i < f->inbound->n_enis && n < max; i++) {
			const struct model_eni *eni = &f->inbound->enis[i];

			if (f->inbound_eni != NULL && eni != f->inbound_eni)
				continue;
			real = serve_route(ctx, true, &eni->ip);
			if (real != NULL)
				out[n++] = *real;
		}
		break;
	case MODEL_FROM_INTERNET:
		e = hns_addrmap_find(&ctx->map, HNS_ROLE_INTERNET, NULL);
		if (e != NULL)
			out[n++] = e->real;
		break;
	}
	return n;
}

static int
world_up(struct serve_ctx *ctx, const struct model *m, const struct model_expect *e,
	 const struct check_opts *o, struct event_base *base)
{
	int rc = HNS_EINVAL;

	for (int attempt = 0; attempt < CHECK_PORT_TRIES; attempt++) {
		uint16_t port = o->port ? o->port : (uint16_t)(20000 + hns_csprng_u16() % 40000);

		/* A real resolver under test was configured (export --mapped) for the default port. */
		if (o->port == 0 && o->onprem_resolver.family != 0)
			port = HNS_ADDRMAP_DEFAULT_PORT;

		memset(ctx, 0, sizeof(*ctx));
		ctx->model = m;
		ctx->base = base;
		ctx->sides = serve_sides_available();
		if (o->onprem_resolver.family != 0)
			ctx->sides &= ~(unsigned)SERVE_ONPREM;
		ctx->workers = 1;
		ctx->seed = o->seed_given ? o->seed : m->vpn.seed;
		ctx->seed_given = o->seed_given || m->vpn.seed_given;
		ctx->given = &e->given;
		ctx->vpn_in_path = m->vpn.present && (serve_sides_available() & SERVE_VPN);
		rc = serve_map_build(ctx, port);
		if (rc == 0 && o->onprem_resolver.family != 0)
			rc = serve_map_replace_onprem(ctx, &m->onprem.resolvers[0], &o->onprem_resolver);
		if (rc == 0)
			rc = serve_world_start(ctx);
		if (rc == 0)
			return 0;
		hns_addrmap_deinit(&ctx->map);
		if (rc != -EADDRINUSE || o->port != 0)
			break;
	}
	return rc;
}

int
check_run(const struct model *m, const struct model_expect *e, const struct check_opts *o,
	  struct check_result *out)
{
	struct event_base *base = event_base_new();
	struct serve_ctx ctx;
	struct hns_addr servers[8];
	struct hns_client_result res;
	uint8_t answer[65535];
	char type[32];
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	out->e = e;
	if (base == NULL)
		return HNS_ENOMEM;
	from_text(&e->from, out->from, sizeof(out->from));
	{
		char *t = ldns_rr_type2str(e->qtype);

		snprintf(type, sizeof(type), "%s", t ? t : "?");
		free(t);
	}
	snprintf(out->query, sizeof(out->query), "%s %s", e->qname, type);
	rc = world_up(&ctx, m, e, o, base);
	if (rc != 0) {
		event_base_free(base);
		return rc;
	}
	n = client_servers(&ctx, &e->from, o, servers, 8);
	if (n == 0) {
		out->obs.answered = false;
		snprintf(out->obs.error, sizeof(out->obs.error), "nothing serves %s in this world", out->from);
	} else {
		char where[HNS_ADDR_STRLEN];

		hns_trace_enable(true);
		hns_trace("client", "stub resolver at %s asks %s for %s", out->from,
			  hns_addr_port_str(&servers[0], where, sizeof(where)), out->query);
		if (o->onprem_resolver.family != 0 && e->from.kind == MODEL_FROM_ONPREM) {
			char hop[96];

			/* The query went to it; a real resolver's own steps cannot be observed. */
			snprintf(hop, sizeof(hop), "onprem:%s", m->onprem.resolvers[0].name);
			hns_trace(hop, "resolver under test at %s (a real resolver: its own steps are not observed)",
				  where);
		}
		rc = hns_client_query_sync(base, servers, n, e->qname, e->qtype, o->timeout_ms, o->tries,
					   &res, answer, sizeof(answer));
		out->n_hops = hns_trace_take(out->hops, CHECK_MAX_HOPS);
		hns_trace_enable(false);
		out->obs.latency_ms = hns_time_ms(res.elapsed);
		if (rc != 0) {
			out->obs.answered = false;
			snprintf(out->obs.error, sizeof(out->obs.error), "%s", hns_strerror(rc));
		} else if (res.answer_len == 0) {
			out->obs.answered = false;
			snprintf(out->obs.error, sizeof(out->obs.error), "%s", res.error ? res.error : "no answer");
		} else if (observed_from_wire(&out->obs, answer, res.answer_len, e->qtype) != 0) {
			out->obs.answered = false;
			snprintf(out->obs.error, sizeof(out->obs.error), "malformed answer");
		}
	}
	serve_world_stop(&ctx);
	hns_addrmap_deinit(&ctx.map);
	event_base_free(base);
	expect_judge(m, e, &out->obs, out->hops, out->n_hops, &out->verdict);
	return 0;
}
