/*
 * harness/cmd_lint.c -- `hybridns lint SCENARIO [--format text|json|sarif]
 * [--fail-on error|warning|info|none] [--no-summary]`.
 *
 * Loads and validates a scenario.  On errors every located message goes to
 * stderr and the exit status is 2.  On success the design findings of
 * lint_run() (lint/, docs/lint.md) are printed with the world: in text the
 * one-screen summary for a network engineer comes first (unless
 * --no-summary), then the findings grouped by severity; --format json
 * writes the whole model, every address, derived id and name, record,
 * expectation and load field, in the shape documented in docs/scenario.md
 * ("lint --format json"), plus the "findings" and "suppressed" arrays;
 * --format sarif writes a SARIF 2.1.0 log of the findings only.  Exit 1
 * when a finding at or above --fail-on (default error) is not suppressed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/addr.h"
#include "common/error.h"
#include "harness/cmd.h"
#include "harness/json.h"
#include "harness/lint_report.h"
#include "lint/lint.h"
#include "model/model.h"
#include "model/names.h"

enum lint_format {
	LINT_TEXT,
	LINT_JSON,
	LINT_SARIF,
};

/* ------------------------------------------------------------ names of enums */

/* "A", "AAAA", "TYPE65280" into buf. */
static const char *
lint_type_str(uint16_t type, char *buf, size_t len)
{
	char *s = ldns_rr_type2str((ldns_rr_type)type);
	snprintf(buf, len, "%s", s ? s : "?");
	free(s);
	return buf;
}

static const char *
lint_rcode_str(int rcode, char *buf, size_t len)
{
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);
	if (lt)
		snprintf(buf, len, "%s", lt->name);
	else
		snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

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
			fprintf(out, "  %-*s  %-7s  %-*s", nw, r->name,
				r->type == MODEL_RULE_FORWARD ? "forward" : "system", dw, r->domain);
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
			fprintf(out, "  cache %u entries%s", r->cache.max_entries,
				r->cache.serve_stale ? ", serve stale" : "");
		else
			fprintf(out, "  cache off");
		if (r->profile == MODEL_PROFILE_WINDOWS)
			fprintf(out, "  profile windows (sequential, 3 s per forwarder, 8 s overall)");
		fputc('\n', out);
		int zw = 0;
		for (size_t j = 0; j < r->n_forwards; j++)
			if ((int)strlen(r->forwards[j].zone) > zw)
				zw = (int)strlen(r->forwards[j].zone);
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			fprintf(out, "    forward %-*s ->", zw, f->zone);
			for (size_t k = 0; k < f->n_to; k++)
				fprintf(out, " %s", hns_addr_port_str(&f->to[k], addr, sizeof(addr)));
			fprintf(out, "  %s, %u ms x %u\n", model_policy_str(f->policy), f->timeout_ms,
				f->attempts);
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
			fprintf(out, "  %-*s  %6u qps  %5.1f s  %zu queries in mix  from %s%s\n", nw,
				l->name, l->qps, (double)l->duration_ms / 1000.0, l->n_mix,
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

static void
lint_text(const struct model *m, FILE *out)
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

/* ================================================================ json */

static void
lint_json_addr(struct json_writer *w, const char *key, const struct hns_addr *a, bool port)
{
	char buf[HNS_ADDR_STRLEN];
	json_kv_string(w, key, port ? hns_addr_port_str(a, buf, sizeof(buf))
				    : hns_addr_str(a, buf, sizeof(buf)));
}

static void
lint_json_cidr(struct json_writer *w, const char *key, const struct hns_cidr *c)
{
	char buf[64];
	json_kv_string(w, key, hns_cidr_str(c, buf, sizeof(buf)));
}

static void
lint_json_addr_list(struct json_writer *w, const char *key, const struct hns_addr *a, size_t n)
{
	char buf[HNS_ADDR_STRLEN];
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_string(w, hns_addr_port_str(&a[i], buf, sizeof(buf)));
	json_array_end(w);
}

static void
lint_json_vpc_names(struct json_writer *w, const char *key, struct model_vpc *const *v, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_string(w, v[i]->name);
	json_array_end(w);
}

static void
lint_json_type(struct json_writer *w, const char *key, uint16_t type)
{
	char buf[32];
	json_kv_string(w, key, lint_type_str(type, buf, sizeof(buf)));
}

static void
lint_json_vpcs(struct json_writer *w, const struct model *m)
{
	json_key(w, "vpcs");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_vpcs; i++) {
		const struct model_vpc *v = &m->vpcs[i];
		json_object_begin(w);
		json_kv_string(w, "name", v->name);
		json_kv_string(w, "id", v->id);
		json_kv_string(w, "region", v->region);
		lint_json_cidr(w, "cidr", &v->cidr);
		lint_json_addr(w, "dns_address", &v->dns_addr, false);
		json_kv_bool(w, "dns_support", v->dns_support);
		json_kv_bool(w, "dns_hostnames", v->dns_hostnames);
		json_key(w, "subnets");
		json_array_begin(w);
		for (size_t j = 0; j < v->n_subnets; j++) {
			json_object_begin(w);
			json_kv_string(w, "name", v->subnets[j].name);
			json_kv_string(w, "az", v->subnets[j].az);
			lint_json_cidr(w, "cidr", &v->subnets[j].cidr);
			json_object_end(w);
		}
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);

	json_key(w, "peerings");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_peerings; i++) {
		json_array_begin(w);
		json_string(w, m->peerings[i].a->name);
		json_string(w, m->peerings[i].b->name);
		json_array_end(w);
	}
	json_array_end(w);
}

/* ENIs of interface or resolver endpoints: subnet, az, ip, id (and zonal name). */
static void
lint_json_enis(struct json_writer *w, const struct model_eni *enis, size_t n, bool zonal)
{
	json_key(w, "enis");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct model_eni *e = &enis[i];
		json_object_begin(w);
		json_kv_string(w, "subnet", e->subnet->name);
		json_kv_string(w, "az", e->subnet->az);
		lint_json_addr(w, "ip", &e->ip, false);
		json_kv_string(w, "id", e->id);
		if (zonal)
			json_kv_string(w, "zonal_name", e->zonal_name);
		json_object_end(w);
	}
	json_array_end(w);
}

static void
lint_json_endpoints(struct json_writer *w, const struct model *m)
{
	json_key(w, "endpoints");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		bool itf = e->type == MODEL_ENDPOINT_INTERFACE;
		json_object_begin(w);
		json_kv_string(w, "name", e->name);
		json_kv_string(w, "type", itf ? "interface" : "gateway");
		json_kv_string(w, "service", e->service);
		json_kv_string(w, "service_short", e->service_short);
		json_kv_string(w, "service_region", e->service_region);
		json_kv_string(w, "id", e->id);
		json_kv_string(w, "dns_suffix", e->dns_suffix);
		json_kv_string(w, "vpc", e->vpc->name);
		if (itf) {
			json_kv_bool(w, "private_dns", e->private_dns);
			json_kv_bool(w, "private_dns_only_for_inbound", e->private_dns_only_for_inbound);
			json_kv_string(w, "regional_name", e->regional_name);
			lint_json_enis(w, e->enis, e->n_enis, true);
			json_key(w, "dns_names");
			json_array_begin(w);
			for (size_t j = 0; j < e->n_dns_names; j++) {
				json_object_begin(w);
				json_kv_string(w, "name", e->dns_names[j].name);
				json_kv_bool(w, "wildcard", e->dns_names[j].wildcard);
				json_object_end(w);
			}
			json_array_end(w);
		} else {
			json_key(w, "subnets");
			json_array_begin(w);
			for (size_t j = 0; j < e->n_gateway_subnets; j++)
				json_string(w, e->gateway_subnets[j]->name);
			json_array_end(w);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

/* The rdata fields of rr in presentation form, separated by spaces (malloc'd). */
static char *
lint_rdata_str(const ldns_rr *rr)
{
	char *acc = NULL;
	size_t len = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *f = ldns_rdf2str(ldns_rr_rdf(rr, i));
		if (!f)
			continue;
		size_t fl = strlen(f);
		char *n = realloc(acc, len + fl + 2);
		if (!n) {
			free(f);
			break;
		}
		acc = n;
		if (len)
			acc[len++] = ' ';
		memcpy(acc + len, f, fl + 1);
		len += fl;
		free(f);
	}
	return acc;
}

/* One ordinary record: {owner, ttl, class, type, rdata}. */
static void
lint_json_rr(struct json_writer *w, const char *owner, const ldns_rr *rr, uint32_t ttl,
	     bool ttl_given)
{
	char buf[32];
	char *cls = ldns_rr_class2str(ldns_rr_get_class(rr));
	char *rdata = lint_rdata_str(rr);

	json_kv_string(w, "owner", owner);
	json_kv_uint(w, "ttl", ttl);
	json_kv_bool(w, "ttl_given", ttl_given);
	json_kv_string(w, "class", cls ? cls : "IN");
	json_kv_string(w, "type",
		       lint_type_str((uint16_t)ldns_rr_get_type(rr), buf, sizeof(buf)));
	json_kv_string(w, "rdata", rdata ? rdata : "");
	free(cls);
	free(rdata);
}

static void
lint_json_zone(struct json_writer *w, const struct model_zone *z)
{
	json_object_begin(w);
	json_kv_string(w, "name", z->name);
	json_kv_string(w, "kind", model_zone_kind_str(z->kind));
	if (z->kind == MODEL_ZONE_PRIVATE)
		lint_json_vpc_names(w, "vpcs", z->vpcs, z->n_vpcs);
	json_key(w, "soa");
	if (z->soa) {
		json_object_begin(w);
		json_kv_bool(w, "given", z->soa_given);
		lint_json_rr(w, z->name, z->soa, ldns_rr_ttl(z->soa), z->soa_given);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "records");
	json_array_begin(w);
	for (size_t i = 0; i < z->n_records; i++) {
		const struct model_record *r = &z->records[i];
		json_object_begin(w);
		if (r->rr) {
			lint_json_rr(w, r->owner, r->rr, r->ttl, r->ttl_given);
		} else {
			json_kv_string(w, "owner", r->owner);
			json_kv_uint(w, "ttl", r->ttl);
			json_kv_bool(w, "ttl_given", r->ttl_given);
			json_kv_string(w, "class", "IN");
			json_kv_string(w, "type", "ALIAS");
			json_key(w, "alias");
			json_object_begin(w);
			json_kv_string(w, "kind", model_alias_kind_str(r->alias));
			json_kv_string(w, "endpoint",
				       r->alias_endpoint ? r->alias_endpoint->name : NULL);
			json_kv_string(w, "az", r->alias_az);
			json_kv_string(w, "target", r->alias_target);
			json_object_end(w);
		}
		json_kv_uint(w, "line", r->loc.line);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_zones(struct json_writer *w, const char *key, const struct model_zone *z, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		lint_json_zone(w, &z[i]);
	json_array_end(w);
}

static void
lint_json_resolver(struct json_writer *w, const struct model *m)
{
	json_key(w, "resolver");
	json_object_begin(w);
	json_key(w, "endpoints");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *r = &m->resolver_endpoints[i];
		json_object_begin(w);
		json_kv_string(w, "name", r->name);
		json_kv_string(w, "direction", r->direction == MODEL_INBOUND ? "inbound" : "outbound");
		json_kv_string(w, "vpc", r->vpc->name);
		json_kv_string(w, "id", r->id);
		json_kv_uint(w, "qps_per_ip", r->qps_per_ip);
		json_kv_bool(w, "conntrack", r->conntrack);
		json_kv_uint(w, "qps_ceiling_per_ip",
			     r->conntrack && r->qps_per_ip > 1500 ? 1500 : r->qps_per_ip);
		lint_json_enis(w, r->enis, r->n_enis, false);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "rules");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		json_object_begin(w);
		json_kv_string(w, "name", r->name);
		json_kv_string(w, "domain", r->domain);
		json_kv_string(w, "type", r->type == MODEL_RULE_FORWARD ? "forward" : "system");
		json_kv_string(w, "id", r->id);
		json_kv_string(w, "endpoint", r->endpoint ? r->endpoint->name : NULL);
		lint_json_addr_list(w, "targets", r->targets, r->n_targets);
		lint_json_vpc_names(w, "vpcs", r->vpcs, r->n_vpcs);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_onprem(struct json_writer *w, const struct model *m)
{
	const struct model_onprem *o = &m->onprem;

	json_key(w, "onprem");
	json_object_begin(w);
	if (o->has_cidr)
		lint_json_cidr(w, "cidr", &o->cidr);
	else
		json_kv_null(w, "cidr");
	json_key(w, "resolvers");
	json_array_begin(w);
	for (size_t i = 0; i < o->n_resolvers; i++) {
		const struct model_onprem_resolver *r = &o->resolvers[i];
		json_object_begin(w);
		json_kv_string(w, "name", r->name);
		lint_json_addr(w, "address", &r->address, true);
		json_key(w, "forward");
		json_array_begin(w);
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			json_object_begin(w);
			json_kv_string(w, "zone", f->zone);
			lint_json_addr_list(w, "to", f->to, f->n_to);
			json_kv_string(w, "policy", model_policy_str(f->policy));
			json_kv_uint(w, "timeout_ms", f->timeout_ms);
			json_kv_uint(w, "attempts", f->attempts);
			json_object_end(w);
		}
		json_array_end(w);
		lint_json_zones(w, "zones", r->zones, r->n_zones);
		json_kv_string(w, "default", model_default_kind_str(r->default_kind));
		lint_json_addr_list(w, "default_upstreams", r->default_upstreams,
				    r->n_default_upstreams);
		json_kv_string(w, "profile",
			       r->profile == MODEL_PROFILE_WINDOWS ? "windows" : "standard");
		json_key(w, "health");
		json_object_begin(w);
		json_kv_uint(w, "fail_after", r->health.fail_after);
		json_kv_uint(w, "probe_ms", r->health.probe_ms);
		json_kv_uint(w, "rise", r->health.rise);
		json_object_end(w);
		json_key(w, "cache");
		json_object_begin(w);
		json_kv_bool(w, "enabled", r->cache.enabled);
		json_kv_uint(w, "max_entries", r->cache.max_entries);
		json_kv_uint(w, "min_ttl", r->cache.min_ttl);
		json_kv_uint(w, "max_ttl", r->cache.max_ttl);
		json_kv_uint(w, "negative_max_ttl", r->cache.negative_max_ttl);
		json_kv_bool(w, "serve_stale", r->cache.serve_stale);
		json_object_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_vpn(struct json_writer *w, const struct model *m)
{
	const struct model_vpn *v = &m->vpn;

	json_key(w, "vpn");
	if (!v->present) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	lint_json_vpc_names(w, "vpcs", v->vpcs, v->n_vpcs);
	if (v->seed_given)
		json_kv_uint(w, "seed", v->seed);
	else
		json_kv_null(w, "seed");
	json_key(w, "tunnels");
	json_array_begin(w);
	for (size_t i = 0; i < v->n_tunnels; i++) {
		const struct model_tunnel *t = &v->tunnels[i];
		json_object_begin(w);
		json_kv_string(w, "name", t->name);
		json_kv_string(w, "state", model_tunnel_state_str(t->state));
		json_kv_double(w, "latency_ms", t->latency_ms);
		json_kv_double(w, "jitter_ms", t->jitter_ms);
		json_kv_double(w, "loss", t->loss);
		json_kv_double(w, "duplicate", t->duplicate);
		json_kv_double(w, "reorder", t->reorder);
		json_kv_uint(w, "mtu", t->mtu);
		json_kv_double(w, "bandwidth_mbps", t->bandwidth_mbps);
		json_kv_uint(w, "pps", t->pps);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_faults(struct json_writer *w, const char *key, const struct model_fault *f, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(w);
		json_kv_string(w, "text", f[i].text);
		json_kv_string(w, "kind", model_fault_kind_str(f[i].kind));
		if (f[i].eni)
			lint_json_addr(w, "ip", &f[i].eni->ip, false);
		json_object_end(w);
	}
	json_array_end(w);
}

/* An answer form; endpoint forms also list the addresses they stand for. */
static void
lint_json_answer(struct json_writer *w, const char *key, const struct model_answer *a)
{
	char buf[HNS_ADDR_STRLEN];

	json_key(w, key);
	json_object_begin(w);
	json_kv_string(w, "kind", model_answer_kind_str(a->kind));
	switch (a->kind) {
	case MODEL_ANSWER_LIST:
		json_key(w, "values");
		json_array_begin(w);
		for (size_t i = 0; i < a->n_values; i++)
			json_string(w, a->values[i]);
		json_array_end(w);
		break;
	case MODEL_ANSWER_ENDPOINT:
	case MODEL_ANSWER_ENDPOINT_AZ:
		json_kv_string(w, "endpoint", a->endpoint ? a->endpoint->name : NULL);
		if (a->kind == MODEL_ANSWER_ENDPOINT_AZ)
			json_kv_string(w, "az", a->az);
		json_key(w, "values");
		json_array_begin(w);
		for (size_t i = 0; a->endpoint && i < a->endpoint->n_enis; i++) {
			const struct model_eni *e = &a->endpoint->enis[i];
			if (a->kind == MODEL_ANSWER_ENDPOINT_AZ &&
			    (a->az == NULL || strcmp(e->subnet->az, a->az) != 0))
				continue;
			json_string(w, hns_addr_str(&e->ip, buf, sizeof(buf)));
		}
		json_array_end(w);
		break;
	default:
		break;
	}
	json_object_end(w);
}

static void
lint_json_ms(struct json_writer *w, const char *key, double v)
{
	if (v < 0)
		json_kv_null(w, key);
	else
		json_kv_double(w, key, v);
}

static void
lint_json_expects(struct json_writer *w, const struct model *m)
{
	char buf[160];

	json_key(w, "expect");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_expects; i++) {
		const struct model_expect *x = &m->expects[i];
		json_object_begin(w);
		json_kv_string(w, "name", x->name);
		json_kv_string(w, "from", model_from_str(&x->from, buf, sizeof(buf)));
		json_kv_string(w, "qname", x->qname);
		lint_json_type(w, "qtype", x->qtype);
		json_key(w, "given");
		json_object_begin(w);
		lint_json_faults(w, "down", x->given.down, x->given.n_down);
		json_object_end(w);
		json_kv_string(w, "rcode", lint_rcode_str(x->rcode, buf, sizeof(buf)));
		lint_json_answer(w, "answer", &x->answer);
		json_key(w, "via");
		json_array_begin(w);
		for (size_t j = 0; j < x->n_via; j++) {
			const struct model_hop *h = &x->via[j];
			if (h->ref)
				snprintf(buf, sizeof(buf), "%s:%s", model_hop_kind_str(h->kind), h->ref);
			else
				snprintf(buf, sizeof(buf), "%s", model_hop_kind_str(h->kind));
			json_string(w, buf);
		}
		json_array_end(w);
		lint_json_ms(w, "max_ms", x->max_ms);
		json_kv_uint(w, "line", x->loc.line);
		json_object_end(w);
	}
	json_array_end(w);
}

static void
lint_json_loads(struct json_writer *w, const struct model *m)
{
	char buf[160];

	json_key(w, "load");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_loads; i++) {
		const struct model_load *l = &m->loads[i];
		json_object_begin(w);
		json_kv_string(w, "name", l->name);
		json_kv_string(w, "from", model_from_str(&l->from, buf, sizeof(buf)));
		if (l->has_target)
			lint_json_addr(w, "target", &l->target, true);
		else
			json_kv_null(w, "target");
		json_kv_uint(w, "qps", l->qps);
		json_kv_uint(w, "duration_ms", l->duration_ms);
		json_kv_uint(w, "ramp_ms", l->ramp_ms);
		json_key(w, "mix");
		json_array_begin(w);
		for (size_t j = 0; j < l->n_mix; j++) {
			json_object_begin(w);
			json_kv_string(w, "query", l->mix[j].query);
			lint_json_type(w, "qtype", l->mix[j].qtype);
			json_kv_uint(w, "weight", l->mix[j].weight);
			json_object_end(w);
		}
		json_array_end(w);
		json_key(w, "given");
		json_object_begin(w);
		lint_json_faults(w, "down", l->given.down, l->given.n_down);
		json_object_end(w);
		json_key(w, "events");
		json_array_begin(w);
		for (size_t j = 0; j < l->n_events; j++) {
			const struct model_event *e = &l->events[j];
			json_object_begin(w);
			json_kv_uint(w, "at_ms", e->at_ms);
			json_kv_string(w, "action", e->up ? "up" : "down");
			json_kv_string(w, "target", e->fault.text);
			json_kv_string(w, "kind", model_fault_kind_str(e->fault.kind));
			json_object_end(w);
		}
		json_array_end(w);
		json_key(w, "slo");
		json_object_begin(w);
		lint_json_ms(w, "p50_ms", l->slo.p50_ms);
		lint_json_ms(w, "p99_ms", l->slo.p99_ms);
		lint_json_ms(w, "p999_ms", l->slo.p999_ms);
		lint_json_ms(w, "max_loss", l->slo.max_loss);
		lint_json_ms(w, "min_qps", l->slo.min_qps);
		lint_json_answer(w, "answers", &l->slo.answers);
		json_object_end(w);
		json_object_end(w);
	}
	json_array_end(w);
}

static int
lint_json(const struct model *m, const struct lint_findings *f, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out, true);
	json_object_begin(&w);
	json_kv_uint(&w, "format", 1);
	json_kv_string(&w, "file", m->file);
	json_kv_string(&w, "scenario", m->scenario);
	json_kv_string(&w, "description", m->description);
	json_kv_string(&w, "region", m->region);
	json_kv_string(&w, "account", m->account);
	json_key(&w, "defaults");
	json_object_begin(&w);
	json_kv_uint(&w, "vpce_ttl", m->defaults.vpce_ttl);
	json_kv_uint(&w, "record_ttl", m->defaults.record_ttl);
	json_kv_uint(&w, "negative_ttl", m->defaults.negative_ttl);
	json_kv_bool(&w, "nodata_for_other_types", m->defaults.nodata_for_other_types);
	json_object_end(&w);
	lint_json_vpcs(&w, m);
	lint_json_endpoints(&w, m);
	lint_json_zones(&w, "hosted_zones", m->zones, m->n_zones);
	lint_json_resolver(&w, m);
	lint_json_onprem(&w, m);
	lint_json_vpn(&w, m);
	json_key(&w, "internet");
	json_object_begin(&w);
	json_kv_bool(&w, "aws_public_names", m->internet.aws_public_names);
	lint_json_zones(&w, "zones", m->internet.zones, m->internet.n_zones);
	json_object_end(&w);
	lint_json_expects(&w, m);
	lint_json_loads(&w, m);
	lint_report_json(&w, m, f);
	json_object_end(&w);
	return json_writer_finish(&w);
}

/* ============================================================= command */

static void
lint_usage(FILE *out)
{
	fprintf(out, "usage: hybridns lint SCENARIO [--format text|json|sarif] "
		     "[--fail-on error|warning|info|none] [--no-summary]\n");
}

/* The scenario's text, for ignore comments; NULL (no suppression) when unreadable. */
static char *
lint_read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (b == NULL)
				break;
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

struct lint_opts {
	enum lint_format format;
	bool fail_none; /* --fail-on none */
	enum lint_severity fail_on;
	bool summary;
	const char *path;
};

/* A flag's value: "--flag V" or "--flag=V"; NULL (and a message) when missing. */
static const char *
lint_opt_value(int argc, char **argv, int *i, const char *flag)
{
	size_t fl = strlen(flag);
	if (strncmp(argv[*i], flag, fl) == 0 && argv[*i][fl] == '=')
		return argv[*i] + fl + 1;
	if (*i + 1 >= argc) {
		fprintf(stderr, "hybridns lint: %s needs a value\n", flag);
		return NULL;
	}
	return argv[++*i];
}

static bool
lint_is_opt(const char *a, const char *flag)
{
	size_t fl = strlen(flag);
	return strncmp(a, flag, fl) == 0 && (a[fl] == '\0' || a[fl] == '=');
}

/* Returns -1 to go on, else the exit status. */
static int
lint_parse_args(int argc, char **argv, struct lint_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			lint_usage(stdout);
			return HNS_EXIT_OK;
		} else if (lint_is_opt(a, "--format")) {
			if ((val = lint_opt_value(argc, argv, &i, "--format")) == NULL)
				return HNS_EXIT_USAGE;
			if (strcmp(val, "text") == 0) {
				o->format = LINT_TEXT;
			} else if (strcmp(val, "json") == 0) {
				o->format = LINT_JSON;
			} else if (strcmp(val, "sarif") == 0) {
				o->format = LINT_SARIF;
			} else {
				fprintf(stderr,
					"hybridns lint: unknown format '%s' (expected text, json or "
					"sarif)\n",
					val);
				return HNS_EXIT_USAGE;
			}
		} else if (lint_is_opt(a, "--fail-on")) {
			if ((val = lint_opt_value(argc, argv, &i, "--fail-on")) == NULL)
				return HNS_EXIT_USAGE;
			o->fail_none = strcmp(val, "none") == 0;
			if (!o->fail_none && lint_severity_parse(val, &o->fail_on) != 0) {
				fprintf(stderr,
					"hybridns lint: unknown --fail-on '%s' (expected error, "
					"warning, info or none)\n",
					val);
				return HNS_EXIT_USAGE;
			}
		} else if (strcmp(a, "--no-summary") == 0) {
			o->summary = false;
		} else if (strcmp(a, "--summary") == 0) {
			o->summary = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "hybridns lint: unknown option '%s'\n", a);
			lint_usage(stderr);
			return HNS_EXIT_USAGE;
		} else if (o->path) {
			fprintf(stderr, "hybridns lint: one scenario at a time ('%s' and '%s')\n",
				o->path, a);
			return HNS_EXIT_USAGE;
		} else {
			o->path = a;
		}
	}
	if (!o->path) {
		fprintf(stderr, "hybridns lint: no scenario file given\n");
		lint_usage(stderr);
		return HNS_EXIT_USAGE;
	}
	return -1;
}

static int
lint_write(const struct lint_opts *o, const struct model *m, const struct lint_findings *f)
{
	int rc = 0;

	if (o->format == LINT_JSON) {
		rc = lint_json(m, f, stdout);
	} else if (o->format == LINT_SARIF) {
		rc = lint_report_sarif(m, f, stdout);
	} else {
		if (o->summary) {
			lint_text(m, stdout);
			fputc('\n', stdout);
		}
		lint_report_text(m, f, stdout);
	}
	if (fflush(stdout) != 0 || rc != 0) {
		fprintf(stderr, "hybridns lint: writing the output failed\n");
		return HNS_EXIT_RUNTIME;
	}
	if (!o->fail_none && lint_report_fails(f, o->fail_on))
		return HNS_EXIT_FAILED;
	return HNS_EXIT_OK;
}

int
cmd_lint(int argc, char **argv)
{
	struct lint_opts o = { .format = LINT_TEXT, .fail_on = LINT_ERROR, .summary = true };
	int status = lint_parse_args(argc, argv, &o);
	if (status >= 0)
		return status;

	struct model *m = NULL;
	struct model_errors errs;
	model_errors_init(&errs);
	int rc = model_load_file(o.path, &m, &errs);
	if (rc != 0) {
		if (errs.n || errs.dropped)
			model_errors_print(&errs, stderr);
		else
			fprintf(stderr, "%s: %s\n", o.path, hns_strerror(rc));
		model_errors_deinit(&errs);
		return HNS_EXIT_USAGE;
	}
	model_errors_deinit(&errs);

	size_t len = 0;
	char *src = lint_read_text(o.path, &len);
	struct lint_findings f;
	rc = lint_run(m, src, len, &f);
	free(src);
	if (rc != 0) {
		fprintf(stderr, "hybridns lint: %s\n", hns_strerror(rc));
		model_free(m);
		return HNS_EXIT_RUNTIME;
	}
	status = lint_write(&o, m, &f);
	lint_findings_deinit(&f);
	model_free(m);
	return status;
}
