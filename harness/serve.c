/*
 * harness/serve.c -- the address map of a scenario, and routing between sides.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/evloop.h"
#include "harness/serve.h"
#include "model/model.h"

static bool
vpc_on_vpn(const struct model *m, const struct model_vpc *vpc)
{
	for (size_t i = 0; i < m->vpn.n_vpcs; i++) {
		if (m->vpn.vpcs[i] == vpc)
			return true;
	}
	return false;
}

/* A dual-stack ENI: its IPv6 address is a second virtual address of the same server. */
static bool
eni_dual(const struct model_eni *eni)
{
	return eni->ip6.family != 0 && !hns_addr_equal(&eni->ip6, &eni->ip);
}

static bool
eni_has(const struct model_eni *eni, const struct hns_addr *a)
{
	return hns_addr_equal(&eni->ip, a) || (eni_dual(eni) && hns_addr_equal(&eni->ip6, a));
}

static int
add(struct serve_ctx *ctx, enum hns_role role, const struct hns_addr *virt, const char *label)
{
	int rc = hns_addrmap_add(&ctx->map, role, virt, label, NULL);

	if (rc != 0)
		fprintf(stderr, "hybridns: address map: %s: %s\n", label, hns_strerror(rc));
	return rc;
}

int
serve_map_build(struct serve_ctx *ctx, uint16_t port)
{
	const struct model *m = ctx->model;
	char label[112];
	int rc = 0;

	hns_addrmap_init(&ctx->map, port);
	for (size_t i = 0; i < m->onprem.n_resolvers && rc == 0; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		if (r->vpc != NULL) /* a DNS server in a VPC: same forwarder, another place */
			snprintf(label, sizeof(label), "vpc/%s/%s", r->vpc->name, r->name);
		else
			snprintf(label, sizeof(label), "onprem/%s", r->name);
		rc = add(ctx, HNS_ROLE_ONPREM, &r->address, label);
	}
	for (size_t i = 0; i < m->n_resolver_endpoints && rc == 0; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];
		enum hns_role role = ep->direction == MODEL_INBOUND ? HNS_ROLE_INBOUND : HNS_ROLE_OUTBOUND;

		for (size_t j = 0; j < ep->n_enis && rc == 0; j++) {
			const struct model_eni *eni = &ep->enis[j];

			snprintf(label, sizeof(label), "%s/%s (%s)", ep->name, eni->subnet->name,
				 eni->subnet->az);
			rc = add(ctx, role, &eni->ip, label);
			if (rc == 0 && eni_dual(eni)) /* its IPv6 address: a loopback one of its own */
				rc = add(ctx, role, &eni->ip6, label);
		}
	}
	for (size_t i = 0; i < m->n_vpcs && rc == 0; i++) {
		/* Every VPC has its own +2, even where two VPCs' CIDRs start alike. */
		snprintf(label, sizeof(label), "vpc/%s +2", m->vpcs[i].name);
		rc = hns_addrmap_add_owned(&ctx->map, HNS_ROLE_VPC_DNS, &m->vpcs[i].dns_addr,
					   (unsigned)i + 1, label, NULL);
		if (rc != 0)
			fprintf(stderr, "hybridns: address map: %s: %s\n", label, hns_strerror(rc));
	}
	if (rc == 0)
		rc = add(ctx, HNS_ROLE_INTERNET, NULL, "internet");
	if (!m->vpn.present)
		return rc;
	/* On-prem reaches the inbound ENIs and +2 resolvers of VPN-routed VPCs through relays. */
	for (size_t i = 0; i < m->n_resolver_endpoints && rc == 0; i++) {
		const struct model_resolver_endpoint *ep = &m->resolver_endpoints[i];

		if (ep->direction != MODEL_INBOUND || !vpc_on_vpn(m, ep->vpc))
			continue;
		for (size_t j = 0; j < ep->n_enis && rc == 0; j++) {
			snprintf(label, sizeof(label), "vpn -> %s/%s", ep->name, ep->enis[j].subnet->name);
			rc = add(ctx, HNS_ROLE_RELAY_TO_AWS, &ep->enis[j].ip, label);
			if (rc == 0 && eni_dual(&ep->enis[j]))
				rc = add(ctx, HNS_ROLE_RELAY_TO_AWS, &ep->enis[j].ip6, label);
		}
	}
	for (size_t i = 0; i < m->n_vpcs && rc == 0; i++) {
		if (!vpc_on_vpn(m, &m->vpcs[i]))
			continue;
		/* the +2 of this VPC: of two VPN-routed VPCs at one address, on-prem's
		 * route by address reaches the first (serve_route) */
		snprintf(label, sizeof(label), "vpn -> vpc/%s +2", m->vpcs[i].name);
		rc = hns_addrmap_add_owned(&ctx->map, HNS_ROLE_RELAY_TO_AWS, &m->vpcs[i].dns_addr,
					   (unsigned)i + 1, label, NULL);
		if (rc != 0)
			fprintf(stderr, "hybridns: address map: %s: %s\n", label, hns_strerror(rc));
	}
	/* ... and DNS servers placed in those VPCs (an AD domain controller on EC2) the same way. */
	for (size_t i = 0; i < m->onprem.n_resolvers && rc == 0; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		if (r->vpc == NULL || !vpc_on_vpn(m, r->vpc))
			continue;
		snprintf(label, sizeof(label), "vpn -> vpc/%s/%s", r->vpc->name, r->name);
		rc = add(ctx, HNS_ROLE_RELAY_TO_AWS, &r->address, label);
	}
	/* AWS (outbound endpoints) reaches on-prem resolvers through relays the other way. */
	for (size_t i = 0; i < m->onprem.n_resolvers && rc == 0; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		if (r->vpc != NULL)
			continue; /* in a VPC: AWS reaches it directly */
		snprintf(label, sizeof(label), "vpn -> onprem/%s", r->name);
		rc = add(ctx, HNS_ROLE_RELAY_TO_ONPREM, &r->address, label);
	}
	return rc;
}

static const struct hns_addr *
real_of(const struct serve_ctx *ctx, enum hns_role role, const struct hns_addr *virt)
{
	const struct hns_addrmap_entry *e = hns_addrmap_find(&ctx->map, role, virt);

	return e != NULL ? &e->real : NULL;
}

const struct hns_addr *
serve_route(const struct serve_ctx *ctx, bool from_onprem, const struct hns_addr *virt)
{
	static const enum hns_role aws_roles[] = { HNS_ROLE_INBOUND, HNS_ROLE_VPC_DNS,
						   HNS_ROLE_OUTBOUND };
	const struct hns_addr *real;

	if (virt == NULL) /* the internet has no scenario address */
		return real_of(ctx, HNS_ROLE_INTERNET, NULL);
	if (hns_addr_is_loopback(virt))
		return virt; /* a real server the scenario points at */
	/* Through the relay toward the other side when the VPN is in the path. */
	if (ctx->vpn_in_path &&
	    (real = real_of(ctx, from_onprem ? HNS_ROLE_RELAY_TO_AWS : HNS_ROLE_RELAY_TO_ONPREM,
			    virt)) != NULL)
		return real;
	if ((real = real_of(ctx, HNS_ROLE_ONPREM, virt)) != NULL)
		return real;
	/* From on-prem, AWS listeners are reached only without the VPN in the path. */
	if (from_onprem && ctx->vpn_in_path)
		return NULL;
	for (size_t i = 0; i < sizeof(aws_roles) / sizeof(aws_roles[0]); i++) {
		if ((real = real_of(ctx, aws_roles[i], virt)) != NULL)
			return real;
	}
	return NULL;
}

/* ------------------------------------------------------------- faults */

static bool
fault_matches_addr(const struct model_fault *f, enum hns_role role, const struct hns_addr *virt)
{
	switch (f->kind) {
	case MODEL_FAULT_RESOLVER_ENI:
		return (role == HNS_ROLE_INBOUND || role == HNS_ROLE_OUTBOUND) &&
		       eni_has(f->eni, virt);
	case MODEL_FAULT_RESOLVER_ENDPOINT:
		if (role != HNS_ROLE_INBOUND && role != HNS_ROLE_OUTBOUND)
			return false;
		for (size_t i = 0; i < f->resolver_endpoint->n_enis; i++) {
			if (eni_has(&f->resolver_endpoint->enis[i], virt))
				return true;
		}
		return false;
	case MODEL_FAULT_ONPREM:
		return role == HNS_ROLE_ONPREM && hns_addr_equal(&f->onprem->address, virt);
	default:
		return false;
	}
}

bool
serve_is_down(const struct serve_ctx *ctx, enum hns_role role, const struct hns_addr *virt)
{
	if (ctx->given == NULL || virt == NULL)
		return false;
	for (size_t i = 0; i < ctx->given->n_down; i++) {
		if (fault_matches_addr(&ctx->given->down[i], role, virt))
			return true;
	}
	return false;
}

bool
serve_tunnel_is_down(const struct serve_ctx *ctx, const char *tunnel)
{
	if (ctx->given == NULL)
		return false;
	for (size_t i = 0; i < ctx->given->n_down; i++) {
		const struct model_fault *f = &ctx->given->down[i];

		if (f->kind == MODEL_FAULT_TUNNEL && strcmp(f->tunnel->name, tunnel) == 0)
			return true;
	}
	return false;
}

bool
serve_endpoint_eni_is_down(const struct serve_ctx *ctx, const struct model_eni *eni)
{
	if (ctx->given == NULL)
		return false;
	for (size_t i = 0; i < ctx->given->n_down; i++) {
		const struct model_fault *f = &ctx->given->down[i];

		if (f->kind == MODEL_FAULT_ENDPOINT_ENI && f->eni == eni)
			return true;
	}
	return false;
}

/* -------------------------------------------------------------- sides */

struct side_desc {
	const char *name;
	enum serve_side bit;
	int (*start)(struct serve_ctx *ctx);
	void (*stop)(struct serve_ctx *ctx);
};

/* In start order: listeners first, then the relays that point at them, then their clients. */
static const struct side_desc side_table[] = {
	{ "internet", SERVE_INTERNET, serve_internet_start, serve_internet_stop },
	{ "aws", SERVE_AWS, serve_aws_start, serve_aws_stop },
	{ "vpn", SERVE_VPN, serve_vpn_start, serve_vpn_stop },
	{ "onprem", SERVE_ONPREM, serve_onprem_start, serve_onprem_stop },
};
#define N_SIDES (sizeof(side_table) / sizeof(side_table[0]))

const char *
serve_side_name(enum serve_side side)
{
	for (size_t i = 0; i < N_SIDES; i++) {
		if (side_table[i].bit == side)
			return side_table[i].name;
	}
	return "?";
}

int
serve_side_fail(struct serve_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	return rc;
}

int
serve_world_start(struct serve_ctx *ctx)
{
	ctx->started = 0;
	ctx->error[0] = '\0';
	for (size_t i = 0; i < N_SIDES; i++) {
		const struct side_desc *s = &side_table[i];
		int rc;

		if (!(ctx->sides & s->bit))
			continue;
		rc = s->start(ctx);
		if (rc != 0) {
			fprintf(stderr, "hybridns: cannot start the %s side: %s\n", s->name,
				ctx->error[0] ? ctx->error : hns_strerror(rc));
			serve_world_stop(ctx);
			return rc;
		}
		ctx->started |= s->bit;
	}
	return 0;
}

void
serve_world_stop(struct serve_ctx *ctx)
{
	for (size_t i = N_SIDES; i-- > 0;) {
		if (ctx->started & side_table[i].bit)
			side_table[i].stop(ctx);
	}
	ctx->started = 0;
}

int
serve_count_or_off(const char *cmd, const char *opt, const char *arg, uint32_t min, uint32_t max,
		   uint32_t off, const char *what, uint32_t *out)
{
	char *end;
	unsigned long n;

	if (strcmp(arg, "off") == 0) {
		*out = off;
		return 0;
	}
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n < min || n > max) {
		fprintf(stderr, "hybridns %s: --%s: '%s' (expected %s or off)\n", cmd, opt, arg, what);
		return HNS_EUSAGE;
	}
	*out = (uint32_t)n;
	return 0;
}

int
serve_coalesce_parse(const char *cmd, const char *arg, void *field)
{
	return serve_count_or_off(cmd, "coalesce", arg, 1, HNS_COALESCE_MAX_US, SERVE_COALESCE_OFF,
				  "1-1000 microseconds", field);
}

int
serve_slice_parse(const char *cmd, const char *arg, void *field)
{
	return serve_count_or_off(cmd, "sched-slice", arg, HNS_SLICE_MIN_US, HNS_SLICE_MAX_US,
				  SERVE_SLICE_OFF, "100-100000 microseconds", field);
}

void
serve_slice_apply(uint32_t field)
{
	if (field == SERVE_SLICE_OFF)
		hns_sched_slice_set(0);
	else
		hns_sched_slice_set(field ? field : HNS_SLICE_DEFAULT_US);
}

uint32_t
serve_coalesce_us(const struct serve_ctx *ctx)
{
	if (ctx->coalesce_us == SERVE_COALESCE_OFF)
		return 0;
	return ctx->coalesce_us ? ctx->coalesce_us : SERVE_COALESCE_DEFAULT_US;
}
