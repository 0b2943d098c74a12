/*
 * harness/serve_aws.c -- the AWS side and the internet, served on loopback.
 *
 * serve_aws_*: one listener per inbound endpoint ENI (resolving in the
 * endpoint VPC's view, as arriving via an inbound endpoint) and one per
 * VPC +2 resolver; forward rules reach their targets through serve_route()
 * (the AWS -> on-prem VPN relay when it runs) from the outbound ENIs'
 * mapped addresses.  serve_internet_*: the internet view on its own
 * address.  Both are resolver/server.h servers over the same model.
 *
 * A +2 listener treats every address of the map (another emulated
 * component: an on-prem resolver, a relay, an ENI, another +2 resolver)
 * as a source outside its VPC (R8), except the host's own 127.0.0.1 and
 * ::1, which stand for instances in the VPC (the `check` client), and the
 * DNS servers placed in its own VPC (onprem.resolvers.<r>.vpc), which are
 * instances there and send from their mapped addresses.  Two
 * options of serve and check (ctx->aws_opts) change the AWS defaults:
 *   --vpc-outside drop|refused|answer  R8: what a +2 listener does with
 *                                      such a query (drop)
 *   --vpc-pps N|off                    R9: packets per second per source
 *                                      at a +2 listener (1024)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "harness/serve.h"
#include "model/model.h"
#include "resolver/server.h"

_Static_assert(MODEL_MAX_VPC_DNS_SERVERS <= RSLV_MAX_INSIDE, "DNS servers per VPC bound");

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

static const char *const outside_names[] = {
	[RSLV_OUTSIDE_DROP] = "drop",
	[RSLV_OUTSIDE_REFUSED] = "refused",
	[RSLV_OUTSIDE_ANSWER] = "answer",
};

int
serve_vpc_pps_parse(const char *cmd, const char *arg, void *field)
{
	return serve_count_or_off(cmd, "vpc-pps", arg, 1, RSLV_PPS_OFF - 1, RSLV_PPS_OFF,
				  "a positive number", field);
}

/* R8 and R9 settings of ctx, defaults filled in. */
static void
aws_policy(const struct serve_ctx *ctx, enum rslv_outside_policy *outside, uint32_t *pps)
{
	*outside = (enum rslv_outside_policy)ctx->aws_opts.vpc_outside;
	*pps = ctx->aws_opts.vpc_pps ? ctx->aws_opts.vpc_pps : RSLV_VPC_PPS;
}

/*
 * Sources outside every VPC (R8): the real addresses of the map, but not
 * the host's default loopback source, which the check client and real
 * resolvers under test share.  *out is owned by the caller.
 */
static int
outside_sources(const struct serve_ctx *ctx, struct hns_addr **out, size_t *n_out)
{
	struct hns_addr *a = calloc(ctx->map.n ? ctx->map.n : 1, sizeof(*a));
	struct hns_addr lo4, lo6;
	size_t n = 0;

	if (!a)
		return HNS_ENOMEM;
	hns_addr_parse("127.0.0.1", &lo4);
	hns_addr_parse("::1", &lo6);
	for (size_t i = 0; i < ctx->map.n; i++) {
		const struct hns_addr *r = &ctx->map.entries[i].real;

		if (hns_addr_equal(r, &lo4) || hns_addr_equal(r, &lo6))
			continue;
		a[n++] = *r;
	}
	*out = a;
	*n_out = n;
	return 0;
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
			if (hns_addr_equal(&ep->enis[k].ip, a) || hns_addr_equal(&ep->enis[k].ip6, a)) {
				*ep_out = ep;
				*eni_out = &ep->enis[k];
				return true;
			}
		}
	}
	return false;
}

/* The +2 listener of VPC v: the DNS servers placed in v send from inside it. */
static void
vpc_inside(const struct serve_ctx *ctx, const struct model_vpc *v, struct rslv_listener_spec *s)
{
	const struct model_onprem *op = &ctx->model->onprem;

	for (size_t i = 0; i < op->n_resolvers && s->n_inside < RSLV_MAX_INSIDE; i++) {
		const struct hns_addrmap_entry *e;

		if (op->resolvers[i].vpc != v)
			continue;
		e = hns_addrmap_find(&ctx->map, HNS_ROLE_ONPREM, &op->resolvers[i].address);
		if (e != NULL)
			s->inside[s->n_inside++] = e->real;
	}
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
		} else if (e->role == HNS_ROLE_VPC_DNS && e->owner >= 1 && e->owner <= m->n_vpcs) {
			/* the +2 of one VPC (owner - 1), whatever other VPC shares its address */
			s->from = RSLV_FROM_VPC;
			s->view = e->owner - 1;
			vpc_inside(ctx, &m->vpcs[e->owner - 1], s);
			n++;
		}
	}
	struct hns_addr *outside = NULL;
	size_t n_outside = 0;
	enum rslv_outside_policy policy;
	uint32_t pps;

	aws_policy(ctx, &policy, &pps);
	rc = outside_sources(ctx, &outside, &n_outside);
	if (rc != 0) {
		free(specs);
		return rc;
	}
	struct rslv_server_opts o = {
		.base = ctx->base,
		.workers = internet ? 1 : (ctx->workers ? ctx->workers : 1),
		.query_log = internet ? NULL : ctx->query_log,
		.route = aws_route,
		.source = aws_source,
		.eni_down = aws_eni_down,
		.arg = ctx,
		.outside = outside,
		.n_outside = n_outside,
		.outside_policy = policy,
		.vpc_pps = pps,
		.coalesce_us = serve_coalesce_us(ctx),
		.udp_io = (enum hns_udp_io)ctx->aws_opts.udp_io,
	};
	struct rslv_server *srv = NULL;

	const char *first = n ? specs[0].label : "none"; /* labels live in ctx->map */

	rc = rslv_server_start(m, &o, specs, n, &srv);
	free(specs);
	free(outside);
	if (rc)
		return serve_side_fail(ctx, rc, "%s listeners (%zu, the first %s): %s",
				       internet ? "internet" : "AWS", n, first, hns_strerror(rc));
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

void
serve_aws_stats(struct serve_ctx *ctx, FILE *out)
{
	enum rslv_outside_policy policy;
	uint32_t pps;

	aws_policy(ctx, &policy, &pps);
	fprintf(out, "{\"vpc_outside\":\"%s\",\"vpc_pps\":", outside_names[policy]);
	if (pps == RSLV_PPS_OFF)
		fprintf(out, "null");
	else
		fprintf(out, "%u", (unsigned)pps);
	fprintf(out, ",\"resolver\":");
	if (ctx->aws)
		rslv_server_stats(ctx->aws, out);
	else
		fprintf(out, "null");
	fprintf(out, ",\"internet\":");
	if (ctx->internet)
		rslv_server_stats(ctx->internet, out);
	else
		fprintf(out, "null");
	fprintf(out, "}");
}
