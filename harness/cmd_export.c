/*
 * harness/cmd_export.c -- `hybridns export SCENARIO --to PRODUCT [--mapped]`:
 * an on-prem resolver of a scenario as a real product's configuration.
 *
 * Without --mapped the addresses are the scenario's own (what the user
 * deploys on-prem).  With --mapped every target is the loopback address the
 * emulation serves for it (the VPN relay for an AWS address, the emulated
 * internet for `default: internet`), so the real resolver can stand in for
 * the emulated one under `hybridns check --onprem-resolver IP:PORT`.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/export_plan.h"
#include "harness/scenario_src.h"
#include "harness/serve.h"
#include "model/model.h"


struct export_product {
	const char *name;
	int (*write)(const struct export_plan *p, FILE *out);
	bool port53_only; /* cannot send to a port other than 53 */
};

static const struct export_product export_products[] = {
	{ "unbound", export_unbound, false },
	{ "bind", export_bind, false },
	{ "dnsmasq", export_dnsmasq, false },
	{ "coredns", export_coredns, false },
	{ "dnsdist", export_dnsdist, false },
	{ "windows", export_windows, true },
};

/* Resolve one target: as written, or where the emulation serves it from on-prem. */
static int
target_resolve(const struct serve_ctx *ctx, const struct hns_addr *virt, const char *what,
	       struct hns_addr *out)
{
	char a[HNS_ADDR_STRLEN];

	if (ctx == NULL) {
		*out = *virt;
	} else {
		const struct hns_addr *real = serve_route(ctx, true, virt);

		if (real == NULL) {
			fprintf(stderr,
				"hybridns export: %s: %s: nothing of the emulation listens there for on-prem (not an inbound endpoint, VPC resolver or on-prem resolver reachable over the VPN)\n",
				what, hns_addr_str(virt, a, sizeof(a)));
			return HNS_ENOENT;
		}
		*out = *real;
	}
	if (out->port == 0)
		out->port = 53;
	return 0;
}

static int
list_resolve(const struct serve_ctx *ctx, const struct hns_addr *to, size_t n, const char *what,
	     struct export_list *out, bool *any_loopback)
{
	out->addrs = calloc(n ? n : 1, sizeof(*out->addrs));
	out->n = 0;
	if (out->addrs == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int rc = target_resolve(ctx, &to[i], what, &out->addrs[i]);

		if (rc != 0)
			return rc;
		*any_loopback |= hns_addr_is_loopback(&out->addrs[i]);
		out->n++;
	}
	return 0;
}

/* qsort helpers: the most specific name first, then by name for a stable output. */
static const struct model_onprem_resolver *sort_r;

static int
cmp_names(const char *a, const char *b)
{
	size_t la = export_name_labels(a), lb = export_name_labels(b);

	if (la != lb)
		return la > lb ? -1 : 1;
	return strcmp(a, b);
}

static int
cmp_fwd(const void *x, const void *y)
{
	return cmp_names(sort_r->forwards[*(const size_t *)x].zone,
			 sort_r->forwards[*(const size_t *)y].zone);
}

static int
cmp_zone(const void *x, const void *y)
{
	return cmp_names(sort_r->zones[*(const size_t *)x].name,
			 sort_r->zones[*(const size_t *)y].name);
}

static void
plan_deinit(struct export_plan *p)
{
	if (p->targets != NULL) {
		for (size_t i = 0; i < p->r->n_forwards; i++)
			free(p->targets[i].addrs);
	}
	free(p->targets);
	free(p->deflt_targets.addrs);
	free(p->fwd_order);
	free(p->zone_order);
}

static int
plan_build(struct export_plan *p, struct serve_ctx *ctx)
{
	const struct model_onprem_resolver *r = p->r;
	char what[300];
	int rc;

	p->targets = calloc(r->n_forwards ? r->n_forwards : 1, sizeof(*p->targets));
	p->fwd_order = calloc(r->n_forwards ? r->n_forwards : 1, sizeof(*p->fwd_order));
	p->zone_order = calloc(r->n_zones ? r->n_zones : 1, sizeof(*p->zone_order));
	if (p->targets == NULL || p->fwd_order == NULL || p->zone_order == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < r->n_forwards; i++) {
		snprintf(what, sizeof(what), "%s: forward %s", r->name, r->forwards[i].zone);
		rc = list_resolve(ctx, r->forwards[i].to, r->forwards[i].n_to, what, &p->targets[i],
				  &p->any_loopback);
		if (rc != 0)
			return rc;
		p->fwd_order[i] = i;
	}
	for (size_t i = 0; i < r->n_zones; i++)
		p->zone_order[i] = i;
	sort_r = r;
	qsort(p->fwd_order, r->n_forwards, sizeof(*p->fwd_order), cmp_fwd);
	qsort(p->zone_order, r->n_zones, sizeof(*p->zone_order), cmp_zone);
	sort_r = NULL;

	switch (r->default_kind) {
	case MODEL_DEFAULT_INTERNET:
		p->deflt = EXPORT_DEFAULT_RECURSE;
		if (ctx != NULL) {
			const struct hns_addrmap_entry *e =
				hns_addrmap_find(&ctx->map, HNS_ROLE_INTERNET, NULL);

			if (e == NULL)
				return HNS_ENOENT;
			p->deflt = EXPORT_DEFAULT_FORWARD;
			snprintf(what, sizeof(what), "%s: default internet", r->name);
			rc = list_resolve(NULL, &e->real, 1, what, &p->deflt_targets, &p->any_loopback);
			if (rc != 0)
				return rc;
		}
		break;
	case MODEL_DEFAULT_UPSTREAMS:
		p->deflt = EXPORT_DEFAULT_FORWARD;
		snprintf(what, sizeof(what), "%s: default upstream", r->name);
		rc = list_resolve(ctx, r->default_upstreams, r->n_default_upstreams, what,
				  &p->deflt_targets, &p->any_loopback);
		if (rc != 0)
			return rc;
		break;
	case MODEL_DEFAULT_REFUSE:
		p->deflt = EXPORT_DEFAULT_REFUSE;
		break;
	}
	return 0;
}

/* The absolute directory of path, into buf; NULL when it does not exist. */
static const char *
dir_of(const char *path, char *buf)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(tmp, sizeof(tmp), ".");
	else if (slash == path)
		snprintf(tmp, sizeof(tmp), "/");
	else
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(slash - path), path);
	return realpath(tmp, buf);
}

struct export_args {
	int to;
	bool mapped, port_given;
	const char *resolver, *output;
	uint16_t port;
};

#define EXPORT_PRODUCTS "unbound|bind|dnsmasq|coredns|dnsdist|windows"

static const struct cli_opt export_opts[] = {
	{ "to", 0, CLI_CHOICE, offsetof(struct export_args, to), CLI_NONE, EXPORT_PRODUCTS,
	  "the product to write", 0, 0, CLI_REQUIRED, NULL },
	{ "mapped", 0, CLI_FLAG, offsetof(struct export_args, mapped), CLI_NONE, NULL,
	  "point every target at the emulation's loopback addresses", 0, 0, 0, NULL },
	{ "resolver", 0, CLI_STRING, offsetof(struct export_args, resolver), CLI_NONE, "NAME",
	  "the on-prem resolver to export (default the first)", 0, 0, 0, NULL },
	{ "port", 0, CLI_PORT, offsetof(struct export_args, port), offsetof(struct export_args, port_given),
	  "N", "the emulation's port, with --mapped (default 5300)", 1, 65535, 0, NULL },
	CLI_OPT_OUTPUT(struct export_args, output),
};

const struct cli_command cmd_export_cli = CLI_COMMAND("export", "SCENARIO",
	"  Writes the configuration of an on-prem resolver of SCENARIO (the first, or NAME)\n"
	"  for that product.  --mapped points every target at the emulation's loopback\n"
	"  address on port N (default 5300, as check --onprem-resolver uses).\n",
	export_opts, 1, 1);

int
cmd_export(int argc, char **argv)
{
	struct export_args x = { .port = HNS_ADDRMAP_DEFAULT_PORT };
	const struct export_product *prod = NULL;
	const char *resolver, *output, *path;
	bool mapped;
	uint16_t port;
	struct export_plan plan;
	struct serve_ctx ctx;
	bool ctx_used = false;
	struct model *m = NULL;
	char zone_dir[PATH_MAX], **args;
	FILE *out = stdout;
	int rc, n_args, status;

	if ((status = cli_parse(&cmd_export_cli, argc, argv, &x, &args, &n_args)) >= 0)
		return status;
	status = HNS_EXIT_OK;
	prod = &export_products[x.to];
	path = args[0];
	resolver = x.resolver;
	output = x.output;
	mapped = x.mapped;
	port = x.port;
	memset(&plan, 0, sizeof(plan));
	if (x.port_given && !mapped) {
		fprintf(stderr,
			"hybridns export: --port is the emulation's port and only means something with --mapped\n");
		return HNS_EXIT_USAGE;
	}
	if (mapped && prod->port53_only && port != 53) {
		fprintf(stderr,
			"hybridns export: --to %s cannot send to a port other than 53; --mapped needs --port 53 (the emulation then serves on port 53, which needs root: hybridns check --port 53)\n",
			prod->name);
		return HNS_EXIT_USAGE;
	}
	if ((status = cli_scenario(path, &m)) != HNS_EXIT_OK)
		return status;

	plan.m = m;
	plan.source = path;
	plan.product = prod->name;
	plan.mapped = mapped;
	plan.port = port;
	if (m->onprem.n_resolvers == 0) {
		fprintf(stderr, "hybridns export: %s: the scenario has no on-prem resolver (onprem.resolvers) to export\n",
			path);
		status = HNS_EXIT_USAGE;
		goto out;
	}
	plan.r = resolver ? model_onprem_resolver_find(m, resolver) : &m->onprem.resolvers[0];
	if (plan.r == NULL) {
		fprintf(stderr, "hybridns export: --resolver: %s has no on-prem resolver '%s' (it has:",
			path, resolver);
		for (size_t i = 0; i < m->onprem.n_resolvers; i++)
			fprintf(stderr, " %s", m->onprem.resolvers[i].name);
		fprintf(stderr, ")\n");
		status = HNS_EXIT_USAGE;
		goto out;
	}
	if (mapped && plan.r->vpc != NULL) {
		/* Mapped targets are where on-prem reaches them; a real resolver stands in for an on-prem one. */
		fprintf(stderr,
			"hybridns export: --mapped: %s is a DNS server in VPC %s, not on-prem: check "
			"--onprem-resolver stands a real resolver in for the first on-prem resolver only "
			"(export it without --mapped for its own configuration)\n",
			plan.r->name, plan.r->vpc->name);
		status = HNS_EXIT_USAGE;
		goto out;
	}
	if (mapped) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.model = m;
		/* As check builds its world: relays in the path when the scenario has a VPN. */
		ctx.vpn_in_path = m->vpn.present;
		ctx_used = true;
		rc = serve_map_build(&ctx, port);
		if (rc != 0) {
			status = HNS_EXIT_RUNTIME;
			goto out;
		}
	}
	rc = plan_build(&plan, ctx_used ? &ctx : NULL);
	if (rc != 0) {
		status = rc == HNS_ENOENT ? HNS_EXIT_USAGE : HNS_EXIT_RUNTIME;
		goto out;
	}
	if (output != NULL) {
		plan.zone_dir = dir_of(output, zone_dir);
		if (plan.zone_dir == NULL || (out = fopen(output, "w")) == NULL) {
			fprintf(stderr, "hybridns export: -o %s: %s\n", output, strerror(errno));
			out = stdout;
			status = HNS_EXIT_RUNTIME;
			goto out;
		}
	}
	rc = prod->write(&plan, out);
	if (rc != 0)
		status = HNS_EXIT_RUNTIME;
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "hybridns export: -o %s: %s\n", output, strerror(errno));
		status = HNS_EXIT_RUNTIME;
	} else if (out == stdout && fflush(stdout) != 0) {
		status = HNS_EXIT_RUNTIME;
	}
out:
	if (ctx_used)
		hns_addrmap_deinit(&ctx.map);
	plan_deinit(&plan);
	model_free(m);
	return status;
}
