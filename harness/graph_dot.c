/*
 * harness/graph_dot.c -- the topology diagram as DOT (see graph_dot.h).
 *
 * Nodes are written as they are met, inside their clusters; edges are
 * collected first and written at the end, so a query's path can mark the
 * ones it took.  Left to right every drawn edge runs from a lower rank to
 * a higher one (an edge whose meaning runs the other way is written
 * head-first with dir=back): on-prem resolvers, their forward zones, the
 * customer gateway, the tunnels, the VPN gateway, the resolver endpoint
 * ENIs, the endpoints, each VPC's +2 resolver, the hosted zones and rules,
 * the other VPCs, the internet.  That order is what keeps the shipped
 * designs free of crossings.
 *
 * Node ids are synthetic ("re1_eni0") so scenario names never need to be
 * valid DOT identifiers; the names go into labels only.
 */
#include "config.h"

#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/plural.h"
#include "common/trace.h"
#include "dns/wire.h"
#include "harness/graph_dot.h"
#include "model/model.h"
#include "model/names.h"

extern char **environ;

#include "harness/graph_int.h"

/* ------------------------------------------------------------- DOT text */

/* Write `s` escaped for a double-quoted DOT string; '\n' becomes a line break. */
static void
graph_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', out);
		else
			fputc(c, out);
	}
}

/* Append formatted, escaped text to a label being written. */
static void __attribute__((format(printf, 2, 3)))
graph_text(FILE *out, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	graph_escape(out, buf);
}

static const char *
graph_ip(const struct hns_addr *a, char *buf)
{
	return hns_addr_str(a, buf, HNS_ADDR_STRLEN);
}

/* Collect one edge; `label` may be NULL.  Identical edges are kept once. */
static void __attribute__((format(printf, 5, 6)))
graph_edge(struct graph *g, const char *from, const char *to, const char *attrs, const char *fmt,
	   ...)
{
	struct graph_edge e = { 0 };

	snprintf(e.from, sizeof(e.from), "%s", from);
	snprintf(e.to, sizeof(e.to), "%s", to);
	snprintf(e.attrs, sizeof(e.attrs), "%s", attrs);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e.label, sizeof(e.label), fmt, ap);
		va_end(ap);
	}
	for (size_t i = 0; i < g->n; i++) {
		if (strcmp(g->e[i].from, e.from) == 0 && strcmp(g->e[i].to, e.to) == 0 &&
		    strcmp(g->e[i].attrs, e.attrs) == 0 && strcmp(g->e[i].label, e.label) == 0)
			return;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		struct graph_edge *ne = realloc(g->e, cap * sizeof(*ne));
		if (!ne) {
			g->nomem = true;
			return;
		}
		g->e = ne;
		g->cap = cap;
	}
	g->e[g->n++] = e;
}

/* ------------------------------------------------------- node lookup */

size_t
graph_re_index(const struct model *m, const struct model_resolver_endpoint *re)
{
	return (size_t)(re - m->resolver_endpoints);
}

enum graph_place { GRAPH_AWS, GRAPH_ONPREM, GRAPH_OTHER };

/*
 * The node an address stands for: a resolver endpoint ENI, an on-prem
 * resolver, a VPC's +2 resolver, or a free-standing address node (declared
 * here, at top level).  Writes its id; returns which side it is on.
 */
static enum graph_place
graph_addr_ref(struct graph *g, const struct hns_addr *a, char *id, size_t len)
{
	const struct model *m = g->m;
	char ip[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *re = &m->resolver_endpoints[i];
		for (size_t j = 0; j < re->n_enis; j++) {
			if (hns_addr_equal(&re->enis[j].ip, a)) {
				snprintf(id, len, "re%zu_eni%zu", i, j);
				return GRAPH_AWS;
			}
		}
	}
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		if (hns_addr_equal(&m->onprem.resolvers[i].address, a)) {
			snprintf(id, len, "op%zu", i);
			return GRAPH_ONPREM;
		}
	}
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (hns_addr_equal(&m->vpcs[i].dns_addr, a)) {
			snprintf(id, len, "vpc%zu_dns", i);
			return GRAPH_AWS;
		}
	}
	graph_ip(a, ip);
	snprintf(id, len, "addr_%s", ip);
	fprintf(g->out, "  \"");
	graph_escape(g->out, id);
	fprintf(g->out, "\" [shape=box, style=dashed, label=\"");
	graph_escape(g->out, ip);
	fprintf(g->out, "\"];\n");
	if (m->onprem.has_cidr && hns_cidr_contains(&m->onprem.cidr, a))
		return GRAPH_ONPREM;
	return GRAPH_OTHER;
}

/* ---------------------------------------------------------------- on-prem */

static void
graph_onprem_resolver(struct graph *g, size_t i)
{
	const struct model_onprem_resolver *r = &g->m->onprem.resolvers[i];
	FILE *out = g->out;
	char ip[HNS_ADDR_STRLEN], id[GRAPH_ID], from[GRAPH_ID];

	fprintf(out, "    \"op%zu\" [shape=box, style=\"rounded,filled\", fillcolor=white, label=\"", i);
	graph_text(out, "%s\n%s", r->name, hns_addr_port_str(&r->address, ip, sizeof(ip)));
	if (r->profile == MODEL_PROFILE_WINDOWS)
		graph_text(out, "\nprofile windows");
	graph_text(out, "\ncache %s", r->cache.enabled ? "on" : "off");
	fprintf(out, "\"];\n");
	for (size_t z = 0; z < r->n_zones; z++) {
		fprintf(out, "    \"op%zu_z%zu\" [shape=folder, label=\"", i, z);
		graph_text(out, "local zone %s\n%zu %s", r->zones[z].name, r->zones[z].n_records,
			   HNS_PLURAL(r->zones[z].n_records, "record", "records"));
		fprintf(out, "\"];\n");
		snprintf(from, sizeof(from), "op%zu", i);
		snprintf(id, sizeof(id), "op%zu_z%zu", i, z);
		graph_edge(g, from, id, "arrowhead=none, style=dotted", NULL);
	}
	for (size_t f = 0; f < r->n_forwards; f++) {
		const struct model_forward *fw = &r->forwards[f];
		struct model_timing tm; /* the profile's timing, as the emulation's */
		model_forward_timing(r, fw, &tm);
		fprintf(out, "    \"op%zu_f%zu\" [shape=note, style=filled, fillcolor=white, label=\"", i, f);
		graph_text(out, "forward %s\n%s, %u ms x %u\nto", fw->zone[0] ? fw->zone : ".",
			   model_policy_str(tm.policy), tm.timeout_ms, tm.attempts);
		for (size_t t = 0; t < fw->n_to; t++)
			graph_text(out, "%s %s", t ? "," : "", graph_ip(&fw->to[t], ip));
		fprintf(out, "\"];\n");
		snprintf(from, sizeof(from), "op%zu", i);
		snprintf(id, sizeof(id), "op%zu_f%zu", i, f);
		graph_edge(g, from, id, "arrowhead=none", NULL);
	}
}

static void
graph_onprem(struct graph *g)
{
	const struct model *m = g->m;
	char cidr[HNS_ADDR_STRLEN];

	if (m->onprem.n_resolvers == 0 && !m->vpn.present)
		return;
	fprintf(g->out, "  subgraph \"cluster_onprem\" {\n    label=\"on-prem");
	if (m->onprem.has_cidr)
		graph_text(g->out, " %s", hns_cidr_str(&m->onprem.cidr, cidr, sizeof(cidr)));
	fprintf(g->out, "\";\n    style=filled; fillcolor=\"#f3f3e6\";\n");
	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		if (m->onprem.resolvers[i].vpc == NULL) /* DNS servers in a VPC: in its cluster */
			graph_onprem_resolver(g, i);
	if (m->vpn.present)
		fprintf(g->out, "    \"cgw\" [shape=cds, style=filled, fillcolor=white, label=\"customer gateway\"];\n");
	fprintf(g->out, "  }\n");
}

/* Forward zones: through the tunnel to AWS, or straight to an on-prem server. */
static void
graph_onprem_edges(struct graph *g)
{
	const struct model *m = g->m;
	char from[GRAPH_ID], to[GRAPH_ID];

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t f = 0; f < r->n_forwards; f++) {
			const struct model_forward *fw = &r->forwards[f];
			snprintf(from, sizeof(from), "op%zu_f%zu", i, f);
			for (size_t t = 0; t < fw->n_to; t++) {
				enum graph_place p = graph_addr_ref(g, &fw->to[t], to, sizeof(to));
				if (p == GRAPH_AWS && m->vpn.present) {
					graph_edge(g, from, "cgw", "color=\"" C_FORWARD "\"", NULL);
					graph_edge(g, "vgw", to, "color=\"" C_FORWARD "\"", NULL);
				} else {
					graph_edge(g, from, to, "color=\"" C_FORWARD "\"", "%zu", t + 1);
				}
			}
		}
		snprintf(from, sizeof(from), "op%zu", i);
		switch (r->default_kind) {
		case MODEL_DEFAULT_INTERNET:
			graph_edge(g, from, "internet", "style=dashed, color=gray50", "default");
			break;
		case MODEL_DEFAULT_UPSTREAMS:
			for (size_t u = 0; u < r->n_default_upstreams; u++) {
				graph_addr_ref(g, &r->default_upstreams[u], to, sizeof(to));
				graph_edge(g, from, to, "style=dashed, color=gray50", "default");
			}
			break;
		case MODEL_DEFAULT_REFUSE:
			break;
		}
	}
}

/* ------------------------------------------------------------- the VPN */

static void
graph_vpn(struct graph *g)
{
	const struct model *m = g->m;
	char id[GRAPH_ID];

	if (!m->vpn.present)
		return;
	fprintf(g->out, "  subgraph \"cluster_vpn\" {\n    label=\"Site-to-Site VPN\";\n"
			"    style=\"rounded,dashed\"; color=gray50;\n");
	for (size_t t = 0; t < m->vpn.n_tunnels; t++) {
		const struct model_tunnel *tn = &m->vpn.tunnels[t];
		bool up = tn->state == MODEL_TUNNEL_UP;
		fprintf(g->out, "    \"tun%zu\" [shape=box, style=\"rounded,filled%s\", fillcolor=\"%s\", label=\"",
			t, up ? "" : ",dashed", up ? "#ffffff" : "#f4f4f4");
		graph_text(g->out, "%s\n%s, %.1f ± %.1f ms", tn->name, model_tunnel_state_str(tn->state),
			   tn->latency_ms, tn->jitter_ms);
		fprintf(g->out, "\"];\n");
	}
	fprintf(g->out, "    \"vgw\" [shape=cds, style=filled, fillcolor=white, label=\"");
	graph_text(g->out, "VPN gateway\nattached to");
	for (size_t i = 0; i < m->vpn.n_vpcs; i++)
		graph_text(g->out, "%s %s", i ? "," : "", m->vpn.vpcs[i]->name);
	fprintf(g->out, "\"];\n  }\n");
	for (size_t t = 0; t < m->vpn.n_tunnels; t++) {
		const struct model_tunnel *tn = &m->vpn.tunnels[t];
		const char *st = tn->state == MODEL_TUNNEL_UP	   ? "dir=both, penwidth=2"
				 : tn->state == MODEL_TUNNEL_STANDBY ? "dir=both, style=dashed"
								     : "dir=both, style=dotted, color=red";
		snprintf(id, sizeof(id), "tun%zu", t);
		graph_edge(g, "cgw", id, st, NULL);
		graph_edge(g, id, "vgw", st, NULL);
	}
}

/* ------------------------------------------------------------------ VPCs */

static void
graph_enis(struct graph *g, const char *owner, const struct model_eni *enis, size_t n, bool eni_first)
{
	char ip[HNS_ADDR_STRLEN], id[GRAPH_ID];

	for (size_t j = 0; j < n; j++) {
		const struct model_eni *e = &enis[j];
		fprintf(g->out, "    \"%s_eni%zu\" [shape=circle, fixedsize=false, style=filled, fillcolor=white, label=\"",
			owner, j);
		graph_text(g->out, "%s\n%s", graph_ip(&e->ip, ip), e->subnet ? e->subnet->az : "");
		fprintf(g->out, "\", tooltip=\"");
		graph_text(g->out, "%s", e->id ? e->id : "");
		fprintf(g->out, "\"];\n");
		snprintf(id, sizeof(id), "%s_eni%zu", owner, j);
		if (eni_first)
			graph_edge(g, id, owner, "arrowhead=none", NULL);
		else
			graph_edge(g, owner, id, "arrowhead=none", NULL);
	}
}

static void
graph_vpc_label(FILE *out, const struct model_vpc *vpc)
{
	char buf[HNS_ADDR_STRLEN];

	graph_text(out, "VPC %s (%s)\n%s %s", vpc->name, vpc->id ? vpc->id : "",
		   hns_cidr_str(&vpc->cidr, buf, sizeof(buf)), vpc->region ? vpc->region : "");
	for (size_t s = 0; s < vpc->n_subnets; s++) {
		const struct model_subnet *sn = &vpc->subnets[s];
		graph_text(out, "\nsubnet %s %s %s", sn->name, sn->az,
			   hns_cidr_str(&sn->cidr, buf, sizeof(buf)));
	}
}

static void
graph_vpc_endpoints(struct graph *g, size_t v, const char *dns)
{
	const struct model *m = g->m;
	FILE *out = g->out;
	char id[GRAPH_ID];

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];
		if (ep->vpc != &m->vpcs[v])
			continue;
		snprintf(id, sizeof(id), "ep%zu", i);
		if (ep->type == MODEL_ENDPOINT_GATEWAY) {
			fprintf(out, "    \"%s\" [shape=invhouse, style=filled, fillcolor=\"#fde9c9\", label=\"", id);
			graph_text(out, "gateway endpoint %s\n%s", ep->name, ep->service);
			for (size_t s = 0; s < ep->n_gateway_subnets; s++)
				graph_text(out, "\nroute in %s", ep->gateway_subnets[s]->name);
			fprintf(out, "\"];\n");
			graph_edge(g, dns, id, "style=invis", NULL);
			continue;
		}
		fprintf(out, "    \"%s\" [shape=component, style=filled, fillcolor=\"#fde9c9\", label=\"", id);
		graph_text(out, "interface endpoint %s\n%s\nprivate DNS %s", ep->name, ep->service,
			   !ep->private_dns			   ? "off"
			   : ep->private_dns_only_for_inbound ? "on (only for inbound endpoints)"
								  : "on");
		fprintf(out, "\"];\n");
		if (ep->private_dns)
			graph_edge(g, dns, id, "style=dotted, color=\"" C_ZONE "\"", "private DNS");
		else
			graph_edge(g, dns, id, "style=invis", NULL);
		graph_enis(g, id, ep->enis, ep->n_enis, false);
	}
}

static void
graph_vpc(struct graph *g, size_t v)
{
	const struct model *m = g->m;
	const struct model_vpc *vpc = &m->vpcs[v];
	FILE *out = g->out;
	char buf[HNS_ADDR_STRLEN], id[GRAPH_ID], dns[GRAPH_ID];

	fprintf(out, "  subgraph \"cluster_vpc%zu\" {\n    label=\"", v);
	graph_vpc_label(out, vpc);
	fprintf(out, "\";\n    style=filled; fillcolor=\"%s\";\n", g->hub[v] ? "#dfeaf7" : "#eef3fa");
	snprintf(dns, sizeof(dns), "vpc%zu_dns", v);
	fprintf(out, "    \"%s\" [shape=hexagon, style=filled, fillcolor=white, label=\"", dns);
	graph_text(out, "Route 53 Resolver (+2)\n%s%s", graph_ip(&vpc->dns_addr, buf),
		   vpc->dns_support ? "" : "\ndns support off");
	fprintf(out, "\"];\n");
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *re = &m->resolver_endpoints[i];
		bool in = re->direction == MODEL_INBOUND;
		if (re->vpc != vpc)
			continue;
		snprintf(id, sizeof(id), "re%zu", i);
		fprintf(out, "    \"%s\" [shape=cds, style=filled, fillcolor=\"#d9f2d9\", label=\"", id);
		graph_text(out, "%s endpoint %s\n%s", in ? "inbound" : "outbound", re->name, re->id ? re->id : "");
		fprintf(out, "\"];\n");
		graph_enis(g, id, re->enis, re->n_enis, true);
		/* inbound hands queries to the +2 resolver; outbound takes them from it */
		graph_edge(g, id, dns, in ? "color=\"" C_RESOLVER "\", style=dashed"
					  : "color=\"" C_RESOLVER "\", style=dashed, dir=back",
			   NULL);
	}
	graph_vpc_endpoints(g, v, dns);
	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		if (m->onprem.resolvers[i].vpc == vpc) /* an AD DC or BIND on EC2 */
			graph_onprem_resolver(g, i);
	fprintf(out, "  }\n");
}

/* Outbound ENIs of VPN VPCs reach on-prem through the VPN gateway. */
static void
graph_vpc_edges(struct graph *g)
{
	const struct model *m = g->m;
	char a[GRAPH_ID], b[GRAPH_ID];

	for (size_t i = 0; i < m->n_peerings; i++) {
		const struct model_vpc *x = m->peerings[i].a, *y = m->peerings[i].b;
		if (g->hub[y->index] && !g->hub[x->index]) {
			const struct model_vpc *t = x;
			x = y;
			y = t;
		}
		snprintf(a, sizeof(a), "vpc%zu_dns", x->index);
		snprintf(b, sizeof(b), "vpc%zu_dns", y->index);
		if (model_peering_active(&m->peerings[i]))
			graph_edge(g, a, b, "dir=both, style=bold, color=gray40", "peering");
		else /* overlapping CIDRs: AWS refuses the peering (lint HNS125) */
			graph_edge(g, a, b, "dir=both, style=dashed, color=red", "peering refused");
	}
	/* the other VPCs stand right of the hubs even when nothing joins them */
	for (size_t v = 0; v < m->n_vpcs && g->any_hub; v++) {
		if (g->hub[v])
			continue;
		for (size_t h = 0; h < m->n_vpcs; h++) {
			if (!g->hub[h])
				continue;
			snprintf(a, sizeof(a), "vpc%zu_dns", h);
			snprintf(b, sizeof(b), "vpc%zu_dns", v);
			graph_edge(g, a, b, "style=invis", NULL);
			break;
		}
	}
	for (size_t v = 0; v < m->n_vpcs; v++) {
		snprintf(a, sizeof(a), "vpc%zu_dns", v);
		graph_edge(g, a, "internet", "style=dotted, color=gray60, arrowhead=open", NULL);
	}
}

/* ------------------------------------------------------- zones, rules */

/*
 * The associations of one zone or rule (its VPCs, by index).  The hub VPCs
 * get an edge each from their +2 resolver.  The others, beyond the zones,
 * are reached through a junction shared by every zone and rule associated
 * with the same set of them: three zones over three VPCs are then a star
 * of six edges, not nine edges that must cross.
 */
static void
graph_associate(struct graph *g, struct model_vpc *const *vpcs, size_t n, const char *node,
		const char *attrs)
{
	char dns[GRAPH_ID], back[160], key[512] = "", j[GRAPH_ID];
	size_t n_spokes = 0, last = 0, k;

	snprintf(back, sizeof(back), "%s, dir=back", attrs);
	for (size_t i = 0; i < n; i++) {
		size_t v = vpcs[i]->index;
		snprintf(dns, sizeof(dns), "vpc%zu_dns", v);
		if (g->hub[v]) {
			graph_edge(g, dns, node, attrs, NULL);
			continue;
		}
		n_spokes++;
		last = v;
		snprintf(key + strlen(key), sizeof(key) - strlen(key), "%zu,", v);
	}
	if (n_spokes == 1) {
		snprintf(dns, sizeof(dns), "vpc%zu_dns", last);
		graph_edge(g, node, dns, back, NULL);
	}
	if (n_spokes < 2)
		return;
	for (k = 0; k < g->n_junctions && strcmp(g->junctions[k], key) != 0; k++)
		;
	snprintf(j, sizeof(j), "junction%zu", k);
	graph_edge(g, node, j, back, NULL);
	if (k < g->n_junctions)
		return;
	char **nj = realloc(g->junctions, (k + 1) * sizeof(*nj));
	if (!nj || !(nj[k] = strdup(key))) {
		g->junctions = nj ? nj : g->junctions;
		g->nomem = true;
		return;
	}
	g->junctions = nj;
	g->n_junctions++;
	fprintf(g->out, "  \"%s\" [shape=point, width=0.08];\n", j);
	for (size_t i = 0; i < n; i++) {
		if (g->hub[vpcs[i]->index])
			continue;
		snprintf(dns, sizeof(dns), "vpc%zu_dns", vpcs[i]->index);
		graph_edge(g, j, dns, "style=dotted, color=gray30", NULL);
	}
}

static void
graph_zones(struct graph *g)
{
	const struct model *m = g->m;
	char id[GRAPH_ID];

	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];
		bool priv = z->kind == MODEL_ZONE_PRIVATE;
		snprintf(id, sizeof(id), "hz%zu", i);
		fprintf(g->out, "  \"%s\" [shape=folder, style=filled, fillcolor=\"%s\", label=\"", id,
			priv ? "#f6e0f6" : "#eeeeee");
		graph_text(g->out, "%s hosted zone %s\n%zu %s", priv ? "private" : "public",
			   z->name[0] ? z->name : ".", z->n_records, HNS_PLURAL(z->n_records, "record", "records"));
		fprintf(g->out, "\"];\n");
		if (!priv) {
			graph_edge(g, id, "internet", "style=dotted, arrowhead=none", "public");
			continue;
		}
		graph_associate(g, z->vpcs, z->n_vpcs, id, "style=dotted, color=\"" C_ZONE "\"");
	}
}

static void
graph_rule_targets(struct graph *g, size_t i)
{
	const struct model *m = g->m;
	const struct model_rule *r = &m->rules[i];
	char id[GRAPH_ID], to[GRAPH_ID], eni[GRAPH_ID];
	bool via_vpn = false;

	snprintf(id, sizeof(id), "rule%zu", i);
	if (r->endpoint && m->vpn.present) {
		for (size_t v = 0; v < m->vpn.n_vpcs; v++)
			via_vpn |= m->vpn.vpcs[v] == r->endpoint->vpc;
	}
	for (size_t t = 0; t < r->n_targets; t++) {
		enum graph_place p = graph_addr_ref(g, &r->targets[t], to, sizeof(to));
		if (p != GRAPH_ONPREM || !via_vpn) {
			graph_edge(g, id, to, "color=\"" C_RULE "\"", "target %zu", t + 1);
			continue;
		}
		size_t re = graph_re_index(m, r->endpoint);
		for (size_t j = 0; j < r->endpoint->n_enis; j++) {
			snprintf(eni, sizeof(eni), "re%zu_eni%zu", re, j);
			graph_edge(g, "vgw", eni, "color=\"" C_RULE "\", dir=back", NULL);
		}
		graph_edge(g, to, "cgw", "color=\"" C_RULE "\", dir=back", "rule %s", r->name);
	}
}

static void
graph_rules(struct graph *g)
{
	const struct model *m = g->m;
	char id[GRAPH_ID], to[GRAPH_ID];

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		snprintf(id, sizeof(id), "rule%zu", i);
		fprintf(g->out, "  \"%s\" [shape=parallelogram, style=filled, fillcolor=\"#fff6bf\", label=\"", id);
		graph_text(g->out, "rule %s\n%s %s", r->name, r->type == MODEL_RULE_FORWARD ? "forward" : "system",
			   r->domain[0] ? r->domain : ".");
		if (r->endpoint)
			graph_text(g->out, "\nvia %s", r->endpoint->name);
		fprintf(g->out, "\"];\n");
		graph_associate(g, r->vpcs, r->n_vpcs, id, "style=dotted, color=\"" C_RULE "\"");
		if (r->endpoint) {
			snprintf(to, sizeof(to), "re%zu", graph_re_index(m, r->endpoint));
			graph_edge(g, to, id, "color=\"" C_RULE "\", style=dashed, dir=back", "via");
		}
		graph_rule_targets(g, i);
	}
}

static void
graph_internet(struct graph *g)
{
	fprintf(g->out, "  \"internet\" [shape=ellipse, style=filled, fillcolor=\"#dddddd\", label=\"");
	graph_text(g->out, "internet\n%zu %s%s", g->m->internet.n_zones,
		   HNS_PLURAL(g->m->internet.n_zones, "zone", "zones"),
		   g->m->internet.aws_public_names ? ", AWS public names" : "");
	fprintf(g->out, "\"];\n");
}

/* A table of what each colour and line means; HTML-like label, fixed text only. */
static void
graph_legend(struct graph *g)
{
	static const struct {
		const char *colour, *line, *meaning;
	} rows[] = {
		{ C_FORWARD, "&#9472;&#9472;&#9654;", "forward zone: on-prem to AWS" },
		{ C_RULE, "&#9472;&#9472;&#9654;", "resolver rule: AWS to on-prem" },
		{ "#000000", "&#9473;&#9473;&#9473;", "VPN tunnel (dashed: standby, red: down)" },
		{ C_RESOLVER, "&#8211; &#8211; &#9654;", "resolver endpoint and the VPC resolver" },
		{ C_ZONE, "&#183;&#183;&#183;&#183;&#9654;", "hosted zone association, private DNS" },
		{ "#666666", "&#9473;&#9473;&#9473;", "VPC peering" },
		{ "#999999", "&#183;&#183;&#183;&#183;&#9654;", "public names from the internet" },
		{ C_PATH, "&#9473;&#9473;&#9654;", "the highlighted query" },
	};
	size_t n = sizeof(rows) / sizeof(rows[0]) - (g->path ? 0 : 1);

	fprintf(g->out, "  \"legend\" [shape=plaintext, margin=0, label=<<table border=\"1\" "
			"cellborder=\"0\" cellspacing=\"2\" bgcolor=\"white\"><tr><td colspan=\"2\">"
			"<b>legend</b></td></tr>");
	for (size_t i = 0; i < n; i++)
		fprintf(g->out, "<tr><td><font color=\"%s\">%s</font></td><td align=\"left\">%s</td></tr>",
			rows[i].colour, rows[i].line, rows[i].meaning);
	fprintf(g->out, "</table>>];\n");
}

/* ------------------------------------------------------- the highlight */

/* -------------------------------------------------------------- writing */

static void
graph_edges_write(struct graph *g)
{
	FILE *out = g->out;

	for (size_t i = 0; i < g->n; i++) {
		const struct graph_edge *e = &g->e[i];
		fprintf(out, "  \"%s\" -> \"%s\" [", e->from, e->to);
		if (e->label[0]) {
			fprintf(out, "label=\"");
			graph_escape(out, e->label);
			fprintf(out, "\"%s", e->attrs[0] ? ", " : "");
		}
		fputs(e->attrs, out);
		if (g->path && !strstr(e->attrs, "invis")) {
			if (e->on_path)
				fprintf(out, ", color=\"" C_PATH "\", fontcolor=\"" C_PATH "\", penwidth=3.5, style=solid");
			else
				fprintf(out, ", color=\"" C_FADED "\", fontcolor=\"" C_FADED "\"");
		}
		fprintf(out, "];\n");
	}
}

static void
graph_hubs(struct graph *g)
{
	const struct model *m = g->m;

	for (size_t i = 0; i < m->vpn.n_vpcs && m->vpn.present; i++)
		g->hub[m->vpn.vpcs[i]->index] = true;
	for (size_t i = 0; i < m->n_resolver_endpoints; i++)
		g->hub[m->resolver_endpoints[i].vpc->index] = true;
	for (size_t v = 0; v < m->n_vpcs; v++)
		g->any_hub |= g->hub[v];
}

int
graph_dot_write(FILE *out, const struct model *m, const struct graph_path *path)
{
	struct graph g = { .out = out, .m = m, .path = path };
	int rc = 0;

	g.hub = calloc(m->n_vpcs + 1, sizeof(*g.hub));
	if (!g.hub)
		return HNS_ENOMEM;
	graph_hubs(&g);
	fprintf(out, "digraph \"");
	graph_escape(out, m->scenario ? m->scenario : "scenario");
	fprintf(out, "\" {\n  graph [rankdir=LR, newrank=true, nodesep=0.25, ranksep=0.6, "
		     "fontname=\"Helvetica\", labelloc=t, fontsize=16, label=\"");
	graph_text(out, "%s", m->scenario ? m->scenario : "");
	if (m->description)
		graph_text(out, "\n%s", m->description);
	if (path)
		graph_text(out, "\nhighlighted: %s", path->title ? path->title : "");
	fprintf(out, "\"];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
		     "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	graph_onprem(&g);
	graph_vpn(&g);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t v = 0; v < m->n_vpcs; v++) {
			if (g.hub[v] == (pass == 0))
				graph_vpc(&g, v);
		}
	}
	graph_zones(&g);
	graph_rules(&g);
	graph_internet(&g);
	graph_legend(&g);
	graph_onprem_edges(&g);
	graph_vpc_edges(&g);
	if (path) {
		if ((rc = graph_path_nodes(&g)) == 0)
			graph_path_mark(&g);
	}
	if (g.nomem)
		rc = HNS_ENOMEM;
	graph_edges_write(&g);
	fprintf(out, "}\n");
	for (size_t i = 0; i < g.n_path_nodes; i++)
		free(g.path_nodes[i]);
	for (size_t i = 0; i < g.n_junctions; i++)
		free(g.junctions[i]);
	free(g.junctions);
	free(g.path_nodes);
	free(g.e);
	free(g.hub);
	return rc;
}

/* ------------------------------------------------------------------ svg */

/* The path of `dot` on $PATH, into buf; false when Graphviz is not installed. */
bool
graph_dot_find(char *buf, size_t len)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		if (n > 0 && n + 5 < len) {
			memcpy(buf, path, n);
			memcpy(buf + n, "/dot", 5);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Run `dot -Tsvg` with `dot_text` on its stdin and `out` as its stdout. */
static int
graph_svg_spawn(const char *dot, const char *dot_text, size_t len, FILE *out)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -errno;
	fflush(out);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fileno(out), STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	char *args[] = { (char *)"dot", (char *)"-Tsvg", NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, dot, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		return -rc;
	}
	size_t off = 0;
	bool write_failed = false;
	while (off < len) {
		ssize_t w = write(fds[1], dot_text + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_failed = true;
			break;
		}
		off += (size_t)w;
	}
	close(fds[1]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (write_failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return HNS_EPARSE;
	return 0;
}

/* dot writes to a file descriptor: a memory stream gets the SVG through a temporary file. */
int
graph_svg_render(const char *dot, const char *dot_text, size_t len, FILE *out)
{
	char buf[65536];
	size_t n;
	int rc;

	if (fileno(out) >= 0)
		return graph_svg_spawn(dot, dot_text, len, out);
	FILE *tmp = tmpfile();
	if (!tmp)
		return -errno;
	rc = graph_svg_spawn(dot, dot_text, len, tmp);
	rewind(tmp);
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), tmp)) > 0) {
		if (fwrite(buf, 1, n, out) != n)
			rc = -EIO;
	}
	if (rc == 0 && ferror(tmp))
		rc = -EIO;
	fclose(tmp);
	return rc;
}
