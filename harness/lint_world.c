/*
 * harness/lint_world.c -- the world `hybridns lint` prints before its
 * findings: a one-screen text summary for a network engineer.  The JSON
 * dump of the world is harness/lint_world_json.c.
 */
#include "config.h"

#include <string.h>

#include "common/addr.h"
#include "common/plural.h"
#include "harness/lint_world.h"
#include "model/model.h"
#include "model/names.h"

/* ================================================================ text */

/* Longest of n names at stride `size` with the name pointer at offset 0. */
#define LINT_WIDTH(arr, n, field)                                                      \
	({                                                                             \
		int w_ = 0;                                                            \
		for (size_t i_ = 0; i_ < (n); i_++) {                                  \
			int l_ = (int)strlen((arr)[i_].field);                         \
			if (l_ > w_)                                                   \
				w_ = l_;                                               \
		}                                                                      \
		w_;                                                                    \
	})

static const char *
lint_dns_flags(const struct model_vpc *v)
{
	if (v->dns_support && v->dns_hostnames)
		return "dns on";
	if (!v->dns_support && !v->dns_hostnames)
		return "dns OFF (support, hostnames)";
	return v->dns_support ? "dns hostnames OFF" : "dns support OFF";
}

static void
lint_text_vpcs(const struct model *m, FILE *out)
{
	char cidr[64], addr[HNS_ADDR_STRLEN];
	int nw = LINT_WIDTH(m->vpcs, m->n_vpcs, name);
	int iw = LINT_WIDTH(m->vpcs, m->n_vpcs, id);

	fprintf(out, "\nVPCs (%zu)\n", m->n_vpcs);
	for (size_t i = 0; i < m->n_vpcs; i++) {
		const struct model_vpc *v = &m->vpcs[i];
		fprintf(out, "  %-*s  %-*s  %-10s  %-14s  +2 %-12s  %s\n", nw, v->name, iw, v->id,
			v->region, hns_cidr_str(&v->cidr, cidr, sizeof(cidr)),
			hns_addr_str(&v->dns_addr, addr, sizeof(addr)), lint_dns_flags(v));
		fprintf(out, "  %-*s  ", nw, "");
		for (size_t j = 0; j < v->n_subnets; j++) {
			const struct model_subnet *s = &v->subnets[j];
			fprintf(out, "%s%s %s %s", j ? ", " : "", s->name,
				hns_cidr_str(&s->cidr, cidr, sizeof(cidr)), s->az);
		}
		fputc('\n', out);
		if (v->n_dhcp_dns > 0) { /* its DHCP option set's DNS servers */
			fprintf(out, "  %-*s  dhcp domain-name-servers:", nw, "");
			for (size_t j = 0; j < v->n_dhcp_dns; j++)
				fprintf(out, " %s", v->dhcp_dns[j].amazon ? "AmazonProvidedDNS"
					: hns_addr_str(&v->dhcp_dns[j].addr, addr, sizeof(addr)));
			fputc('\n', out);
		}
	}
	if (m->n_peerings) {
		fprintf(out, "  peerings:");
		for (size_t i = 0; i < m->n_peerings; i++)
			fprintf(out, "%s %s <-> %s", i ? "," : "", m->peerings[i].a->name,
				m->peerings[i].b->name);
		fputc('\n', out);
	}
}

/* "10.0.1.25 10.0.2.25" for a set of ENIs. */
static void
lint_text_eni_ips(const struct model_eni *enis, size_t n, FILE *out)
{
	char addr[HNS_ADDR_STRLEN];
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? " " : "", hns_addr_str(&enis[i].ip, addr, sizeof(addr)));
}

static void
lint_text_endpoint(const struct model_endpoint *e, int nw, FILE *out)
{
	char addr[HNS_ADDR_STRLEN];

	fprintf(out, "  %-*s  %-9s  %-16s  vpc %s  %s", nw, e->name,
		e->type == MODEL_ENDPOINT_INTERFACE ? "interface" : "gateway", e->service_short,
		e->vpc->name, e->id);
	if (e->type == MODEL_ENDPOINT_GATEWAY) {
		if (e->n_gateway_subnets == 0) {
			fprintf(out, "  routes: all subnets\n");
		} else {
			fprintf(out, "  routes:");
			for (size_t i = 0; i < e->n_gateway_subnets; i++)
				fprintf(out, "%s %s", i ? "," : "", e->gateway_subnets[i]->name);
			fputc('\n', out);
		}
		return;
	}
	if (!e->private_dns)
		fprintf(out, "  private DNS off\n");
	else if (e->private_dns_only_for_inbound)
		fprintf(out, "  private DNS on, only for inbound endpoints\n");
	else
		fprintf(out, "  private DNS on\n");

	int ind = nw + 4;
	fprintf(out, "%*s%-9s  %s -> ", ind, "", "regional", e->regional_name);
	lint_text_eni_ips(e->enis, e->n_enis, out);
	fputc('\n', out);
	for (size_t i = 0; i < e->n_enis; i++) {
		const struct model_eni *n = &e->enis[i];
		fprintf(out, "%*s%-9s  %s -> %s (%s)\n", ind, "", i == 0 ? "zonal" : "",
			n->zonal_name ? n->zonal_name : "-",
			hns_addr_str(&n->ip, addr, sizeof(addr)), n->subnet->name);
	}
	fprintf(out, "%*s%-9s  ", ind, "", "names");
	for (size_t i = 0; i < e->n_dns_names; i++) {
		const struct model_service_name *sn = &e->dns_names[i];
		fprintf(out, "%s%s", i ? ", " : "", sn->name);
		if (sn->wildcard)
			fprintf(out, ", *.%s", sn->name);
	}
	fprintf(out, "%s\n", e->private_dns ? "" : "  (not answered: private DNS off)");
}

static void
lint_text_endpoints(const struct model *m, FILE *out)
{
	if (m->n_endpoints == 0)
		return;
	int nw = LINT_WIDTH(m->endpoints, m->n_endpoints, name);
	fprintf(out, "\nEndpoints (%zu)\n", m->n_endpoints);
	for (size_t i = 0; i < m->n_endpoints; i++)
		lint_text_endpoint(&m->endpoints[i], nw, out);
}

static void
lint_text_zones(const struct model *m, FILE *out)
{
	if (m->n_zones == 0)
		return;
	int nw = LINT_WIDTH(m->zones, m->n_zones, name);
	fprintf(out, "\nHosted zones (%zu)\n", m->n_zones);
	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];
		fprintf(out, "  %-*s  %-7s  %3zu record%s", nw, z->name, model_zone_kind_str(z->kind),
			z->n_records, z->n_records == 1 ? " " : "s");
		if (z->kind == MODEL_ZONE_PRIVATE) {
			fprintf(out, "  vpcs:");
			for (size_t j = 0; j < z->n_vpcs; j++)
				fprintf(out, "%s %s", j ? "," : "", z->vpcs[j]->name);
		}
		fputc('\n', out);
	}
}

static void
lint_text_resolver(const struct model *m, FILE *out)
{
	char addr[HNS_ADDR_STRLEN];

	if (m->n_resolver_endpoints) {
		int nw = LINT_WIDTH(m->resolver_endpoints, m->n_resolver_endpoints, name);
		fprintf(out, "\nResolver endpoints (%zu)\n", m->n_resolver_endpoints);
		for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
			const struct model_resolver_endpoint *r = &m->resolver_endpoints[i];
			uint32_t qps = r->qps_per_ip;
			if (r->conntrack && qps > 1500)
				qps = 1500;
			fprintf(out, "  %-*s  %-8s  vpc %s  %s  %u qps/IP%s\n", nw, r->name,
				r->direction == MODEL_INBOUND ? "inbound" : "outbound", r->vpc->name,
				r->id, qps, r->conntrack ? " (conntrack)" : "");
			fprintf(out, "  %-*s  ", nw, "");
			for (size_t j = 0; j < r->n_enis; j++)
				fprintf(out, "%s%s %s", j ? ", " : "",
					hns_addr_str(&r->enis[j].ip, addr, sizeof(addr)),
					r->enis[j].subnet->az);
			fputc('\n', out);
		}
	}
	if (m->n_rules) {
		int nw = LINT_WIDTH(m->rules, m->n_rules, name);
		int dw = LINT_WIDTH(m->rules, m->n_rules, domain);
		fprintf(out, "\nResolver rules (%zu)\n", m->n_rules);
		for (size_t i = 0; i < m->n_rules; i++) {
			const struct model_rule *r = &m->rules[i];
			fprintf(out, "  %-*s  %-7s  %-*s  %s", nw, r->name,
				r->type == MODEL_RULE_FORWARD ? "forward" : "system", dw, r->domain, r->id);
			if (r->type == MODEL_RULE_FORWARD) {
				fprintf(out, "  via %s ->", r->endpoint ? r->endpoint->name : "?");
				for (size_t j = 0; j < r->n_targets; j++)
					fprintf(out, " %s",
						hns_addr_port_str(&r->targets[j], addr, sizeof(addr)));
			}
			fprintf(out, "  vpcs:");
			for (size_t j = 0; j < r->n_vpcs; j++)
				fprintf(out, "%s %s", j ? "," : "", r->vpcs[j]->name);
			fputc('\n', out);
		}
	}
}

static void
lint_text_onprem(const struct model *m, FILE *out)
{
	char buf[64], addr[HNS_ADDR_STRLEN];
	const struct model_onprem *o = &m->onprem;

	if (o->n_resolvers == 0 && !o->has_cidr)
		return;
	fprintf(out, "\nOn-prem%s%s\n", o->has_cidr ? " " : "",
		o->has_cidr ? hns_cidr_str(&o->cidr, buf, sizeof(buf)) : "");
	for (size_t i = 0; i < o->n_resolvers; i++) {
		const struct model_onprem_resolver *r = &o->resolvers[i];
		fprintf(out, "  %s  %s  default %s", r->name,
			hns_addr_port_str(&r->address, addr, sizeof(addr)),
			model_default_kind_str(r->default_kind));
		for (size_t j = 0; j < r->n_default_upstreams; j++)
			fprintf(out, "%s%s", j ? ", " : " ",
				hns_addr_port_str(&r->default_upstreams[j], addr, sizeof(addr)));
		if (r->cache.enabled)
			fprintf(out, "  cache %u %s%s", r->cache.max_entries,
				HNS_PLURAL(r->cache.max_entries, "entry", "entries"),
				r->cache.serve_stale ? ", serve stale" : "");
		else
			fprintf(out, "  cache off");
		if (r->profile == MODEL_PROFILE_WINDOWS)
			fprintf(out, "  profile windows (sequential, %u s per forwarder, %u s overall)",
				MODEL_WINDOWS_TIMEOUT_MS / 1000, MODEL_WINDOWS_OVERALL_MS / 1000);
		if (r->vpc != NULL) /* a DNS server placed in a VPC */
			fprintf(out, "  in VPC %s, subnet %s", r->vpc->name,
				r->subnet ? r->subnet->name : "?");
		fputc('\n', out);
		int zw = 0;
		for (size_t j = 0; j < r->n_forwards; j++)
			if ((int)strlen(r->forwards[j].zone) > zw)
				zw = (int)strlen(r->forwards[j].zone);
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			struct model_timing tm; /* the profile's timing, as the emulation's */
			model_forward_timing(r, f, &tm);
			fprintf(out, "    forward %-*s ->", zw, f->zone);
			for (size_t k = 0; k < f->n_to; k++)
				fprintf(out, " %s", hns_addr_port_str(&f->to[k], addr, sizeof(addr)));
			fprintf(out, "  %s, %u ms x %u\n", model_policy_str(tm.policy), tm.timeout_ms,
				tm.attempts);
		}
		for (size_t j = 0; j < r->n_zones; j++)
			fprintf(out, "    zone    %s  %zu record%s\n", r->zones[j].name,
				r->zones[j].n_records, r->zones[j].n_records == 1 ? "" : "s");
	}
}

static void
lint_text_vpn(const struct model *m, FILE *out)
{
	const struct model_vpn *v = &m->vpn;

	if (!v->present)
		return;
	fprintf(out, "\nVPN  vpcs:");
	for (size_t i = 0; i < v->n_vpcs; i++)
		fprintf(out, "%s %s", i ? "," : "", v->vpcs[i]->name);
	if (v->seed_given)
		fprintf(out, "  seed %llu", (unsigned long long)v->seed);
	fputc('\n', out);
	int nw = LINT_WIDTH(v->tunnels, v->n_tunnels, name);
	for (size_t i = 0; i < v->n_tunnels; i++) {
		const struct model_tunnel *t = &v->tunnels[i];
		fprintf(out, "  %-*s  %-7s  %g ms +/- %g  loss %g%%  mtu %u", nw, t->name,
			model_tunnel_state_str(t->state), t->latency_ms, t->jitter_ms, t->loss * 100,
			t->mtu);
		if (t->duplicate > 0)
			fprintf(out, "  dup %g%%", t->duplicate * 100);
		if (t->reorder > 0)
			fprintf(out, "  reorder %g%%", t->reorder * 100);
		fputc('\n', out);
	}
}

static void
lint_text_internet(const struct model *m, FILE *out)
{
	const struct model_internet *in = &m->internet;

	fprintf(out, "\nInternet  AWS public names %s\n", in->aws_public_names ? "on" : "off");
	if (in->n_zones) {
		fprintf(out, "  zones:");
		for (size_t i = 0; i < in->n_zones; i++)
			fprintf(out, "%s %s (%zu)", i ? "," : "", in->zones[i].name,
				in->zones[i].n_records);
		fputc('\n', out);
	}
}

static void
lint_text_checks(const struct model *m, FILE *out)
{
	char from[160];

	/*
	 * One line, not one per expectation, so the summary fits a screen;
	 * `hybridns check` lists them with their results.
	 */
	{
		size_t by_from[4] = { 0 }, faults = 0, via = 0, timed = 0;
		static const char *const from_names[4] = { "onprem", "vpc", "inbound", "internet" };
		const char *sep = ": ";

		for (size_t i = 0; i < m->n_expects; i++) {
			const struct model_expect *x = &m->expects[i];

			by_from[x->from.kind]++;
			faults += x->given.n_down > 0;
			via += x->n_via > 0;
			timed += x->max_ms >= 0;
		}
		fprintf(out, "\nExpectations (%zu)", m->n_expects);
		for (int k = 0; k < 4; k++) {
			if (by_from[k] == 0)
				continue;
			fprintf(out, "%s%zu from %s", sep, by_from[k], from_names[k]);
			sep = ", ";
		}
		if (m->n_expects > 0)
			fprintf(out, "; %zu with faults, %zu with via, %zu with max_ms", faults, via, timed);
		fprintf(out, "\n");
	}
	if (m->n_loads) {
		int nw = LINT_WIDTH(m->loads, m->n_loads, name);
		fprintf(out, "\nLoad profiles (%zu)\n", m->n_loads);
		for (size_t i = 0; i < m->n_loads; i++) {
			const struct model_load *l = &m->loads[i];
			fprintf(out, "  %-*s  %6u qps  %5.1f s  %zu %s in mix  from %s%s\n", nw,
				l->name, l->qps, (double)l->duration_ms / 1000.0, l->n_mix,
				HNS_PLURAL(l->n_mix, "query", "queries"),
				model_from_str(&l->from, from, sizeof(from)),
				l->n_events ? "  (with events)" : "");
		}
	}
}

/* Print text as words, wrapped at `width` columns, each line indented. */
static void
lint_text_wrap(const char *text, int indent, int width, FILE *out)
{
	int col = 0;
	const char *p = text;

	while (*p) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " \n\t");
		if (col > indent && col + 1 + (int)n > width) {
			fputc('\n', out);
			col = 0;
		}
		if (col == 0)
			col = fprintf(out, "%*s", indent, "");
		else
			col += fprintf(out, " ");
		col += fprintf(out, "%.*s", (int)n, p);
		p += n;
	}
	if (col)
		fputc('\n', out);
}

void
lint_world_text(const struct model *m, FILE *out)
{
	fprintf(out, "%s  (%s, account %s)\n", m->scenario, m->region,
		m->account ? m->account : "-");
	if (m->description)
		lint_text_wrap(m->description, 2, 96, out);
	lint_text_vpcs(m, out);
	lint_text_endpoints(m, out);
	lint_text_zones(m, out);
	lint_text_resolver(m, out);
	lint_text_onprem(m, out);
	lint_text_vpn(m, out);
	lint_text_internet(m, out);
	lint_text_checks(m, out);
}
