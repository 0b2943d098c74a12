/*
 * harness/world.c -- one in-process world for a client run (see world.h).
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/rand.h"
#include "harness/export_plan.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/model.h"

#define WORLD_PORT_TRIES 8
/*
 * A world without --port takes a random port in [20000, 32768): below
 * Linux's ephemeral range (32768-60999), so no outgoing socket of this or
 * another process is handed it meanwhile, and above the range the test
 * suite reserves for the servers it starts (10000-19999, tests/integration/lib.sh).
 */
#define WORLD_PORT_BASE 20000
#define WORLD_PORT_SPAN 12768
#define WORLD_PORT_PAUSE_MS 250 /* between tries on a fixed port */

/*
 * An instance of a VPC with a DHCP option set asks its domain-name-servers
 * in order: AmazonProvidedDNS is the VPC's +2, an address is reached as
 * from the AWS side (a resolver in a VPC directly, an on-prem one over the
 * VPN).  What nothing serves is left out.
 */
static size_t
world_dhcp_targets(const struct serve_ctx *ctx, const struct model_vpc *vpc, struct hns_addr *out,
		   size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < vpc->n_dhcp_dns && n < max; i++) {
		const struct model_dhcp_dns *d = &vpc->dhcp_dns[i];
		const struct hns_addrmap_entry *e;
		const struct hns_addr *real;

		if (d->amazon) {
			e = hns_addrmap_find_owned(&ctx->map, HNS_ROLE_VPC_DNS, &vpc->dns_addr,
						   (unsigned)vpc->index + 1);
			real = e != NULL ? &e->real : NULL;
		} else {
			real = serve_route(ctx, false, &d->addr);
		}
		if (real != NULL)
			out[n++] = *real;
	}
	return n;
}

size_t
world_client_targets(const struct serve_ctx *ctx, const struct model_from *f, struct hns_addr *out,
		     size_t max)
{
	const struct hns_addrmap_entry *e = NULL;
	size_t n = 0;

	switch (f->kind) {
	case MODEL_FROM_ONPREM:
		e = hns_addrmap_find(&ctx->map, HNS_ROLE_ONPREM, &f->resolver->address);
		break;
	case MODEL_FROM_VPC:
		if (f->vpc->n_dhcp_dns > 0)
			return world_dhcp_targets(ctx, f->vpc, out, max);
		e = hns_addrmap_find_owned(&ctx->map, HNS_ROLE_VPC_DNS, &f->vpc->dns_addr,
					   (unsigned)f->vpc->index + 1);
		break;
	case MODEL_FROM_INBOUND:
		for (size_t i = 0; i < f->inbound->n_enis && n < max; i++) {
			const struct model_eni *eni = &f->inbound->enis[i];
			const struct hns_addr *real;

			if (f->inbound_eni != NULL && eni != f->inbound_eni)
				continue;
			real = serve_route(ctx, true, &eni->ip);
			if (real != NULL)
				out[n++] = *real;
		}
		return n;
	case MODEL_FROM_INTERNET:
		e = hns_addrmap_find(&ctx->map, HNS_ROLE_INTERNET, NULL);
		break;
	}
	if (e != NULL && max > 0)
		out[n++] = e->real;
	return n;
}

int
world_up(struct serve_ctx *ctx, const struct model *m, const struct model_given *given,
	 const struct world_opts *o, struct event_base *base)
{
	int rc = HNS_EINVAL;

	for (int attempt = 0; attempt < WORLD_PORT_TRIES; attempt++) {
		uint16_t port = o->port ? o->port : (uint16_t)(WORLD_PORT_BASE + hns_csprng_u16() % WORLD_PORT_SPAN);

		memset(ctx, 0, sizeof(*ctx));
		ctx->model = m;
		ctx->base = base;
		ctx->sides = SERVE_ALL;
		ctx->workers = 1;
		ctx->seed = o->seed_given ? o->seed : m->vpn.seed;
		ctx->seed_given = o->seed_given || m->vpn.seed_given;
		ctx->given = o->tap != NULL ? world_tap_given(o->tap) : given;
		ctx->aws_opts = o->aws;
		ctx->coalesce_us = o->coalesce_us;
		ctx->vpn_in_path = m->vpn.present;
		rc = serve_map_build(ctx, port);
		if (rc == 0)
			rc = serve_world_start(ctx);
		if (rc == 0 && o->tap != NULL && (rc = world_tap_start(o->tap, ctx)) != 0)
			serve_world_stop(ctx);
		if (rc == 0)
			return 0;
		hns_addrmap_deinit(&ctx->map);
		if (rc != -EADDRINUSE)
			break;
		/*
		 * A fixed port (--port, a real resolver's export) is taken on one
		 * of our addresses, most often by another program's short-lived
		 * socket on the wildcard address: wait for it to go.
		 */
		if (o->port != 0)
			usleep(WORLD_PORT_PAUSE_MS * 1000);
	}
	return rc;
}

void
world_down(struct serve_ctx *ctx)
{
	serve_world_stop(ctx);
	hns_addrmap_deinit(&ctx->map);
}
