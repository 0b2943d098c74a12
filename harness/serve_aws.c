/*
 * harness/serve_aws.c -- the AWS side and the internet, served on loopback.
 *
 * serve_aws_*: one listener per inbound endpoint ENI (resolving in the
 * endpoint VPC's view, as arriving via an inbound endpoint) and one per
 * VPC +2 resolver; forward rules reach their targets through serve_route()
 * (the AWS -> on-prem VPN relay when it runs) from the outbound ENIs'
 * mapped addresses.  serve_internet_*: the internet view on its own
 * address.  Both are resolver/server.h servers over the same model.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "harness/serve.h"
#include "model/model.h"
#include "resolver/server.h"

static const struct hns_addr *
aws_route(void *arg, const struct hns_addr *target)
{
	return serve_route(arg, false, target);
}

static const struct hns_addr *
aws_source(void *arg, const struct model_eni *eni)
{
	const struct serve_ctx *ctx = arg;
	const struct hns_addrmap_entry *e = hns_addrmap_find(&ctx->map, HNS_ROLE_OUTBOUND, &eni->ip);

	return e ? &e->real : NULL;
}

static bool
aws_eni_down(void *arg, const struct model_eni *eni)
{
	return serve_endpoint_eni_is_down(arg, eni);
}

/* The inbound endpoint and ENI that own virtual address a, or false. */
static bool
find_inbound(const struct model *m, const struct hns_addr *a,
	     const struct model_resolver_endpoint **ep_out, const struct model_eni **eni_out)
{
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];

		if (ep->direction != MODEL_INBOUND)
			continue;
		for (size_t k = 0; k < ep->n_enis; k++) {
			if (hns_addr_equal(&ep->enis[k].ip, a)) {
				*ep_out = ep;
				*eni_out = &ep->enis[k];
				return true;
			}
		}
	}
	return false;
}

static int
side_start(struct serve_ctx *ctx, bool internet, void **state)
{
	const struct model *m = ctx->model;
	struct rslv_listener_spec *specs = calloc(ctx->map.n ? ctx->map.n : 1, sizeof(*specs));
	size_t n = 0;
	int rc;

	if (!specs)
		return HNS_ENOMEM;
	for (size_t i = 0; i < ctx->map.n; i++) {
		const struct hns_addrmap_entry *e = &ctx->map.entries[i];
		struct rslv_listener_spec *s = &specs[n];

		s->real = e->real;
		s->label = e->label;
		if (internet) {
			if (e->role != HNS_ROLE_INTERNET)
				continue;
			s->from = RSLV_FROM_INTERNET;
			n++;
			continue;
		}
		if (e->role == HNS_ROLE_INBOUND) {
			const struct model_resolver_endpoint *ep;
			const struct model_eni *eni;

			if (!find_inbound(m, &e->virt, &ep, &eni) ||
			    serve_is_down(ctx, HNS_ROLE_INBOUND, &e->virt))
				continue;
			s->from = RSLV_FROM_INBOUND;
			s->view = ep->vpc->index;
			s->inbound = ep;
			s->eni = eni;
			s->qps_limit = ep->qps_per_ip;
			if (ep->conntrack && (s->qps_limit == 0 || s->qps_limit > 1500))
				s->qps_limit = 1500;
			n++;
		} else if (e->role == HNS_ROLE_VPC_DNS) {
			for (size_t v = 0; v < m->n_vpcs; v++) {
				if (hns_addr_equal(&m->vpcs[v].dns_addr, &e->virt)) {
					s->from = RSLV_FROM_VPC;
					s->view = v;
					n++;
					break;
				}
			}
		}
	}
	struct rslv_server_opts o = {
		.base = ctx->base,
		.workers = internet ? 1 : (ctx->workers ? ctx->workers : 1),
		.query_log = internet ? NULL : ctx->query_log,
		.route = aws_route,
		.source = aws_source,
		.eni_down = aws_eni_down,
		.arg = ctx,
	};
	struct rslv_server *srv = NULL;

	rc = rslv_server_start(m, &o, specs, n, &srv);
	free(specs);
	if (rc) {
		hns_err(HNS_SUB_RESOLVER, "%s side: %s", internet ? "internet" : "aws", hns_strerror(rc));
		return rc;
	}
	*state = srv;
	return 0;
}

int
serve_aws_start(struct serve_ctx *ctx)
{
	return side_start(ctx, false, &ctx->aws);
}

void
serve_aws_stop(struct serve_ctx *ctx)
{
	rslv_server_stop(ctx->aws);
	ctx->aws = NULL;
}

int
serve_internet_start(struct serve_ctx *ctx)
{
	return side_start(ctx, true, &ctx->internet);
}

void
serve_internet_stop(struct serve_ctx *ctx)
{
	rslv_server_stop(ctx->internet);
	ctx->internet = NULL;
}
