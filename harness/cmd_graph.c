/*
 * harness/cmd_graph.c -- `hybridns graph SCENARIO [--format dot|svg] [-o FILE]`.
 *
 * Draws the scenario's topology as a Graphviz digraph: a cluster for
 * on-prem (resolvers, their local zones and forward zones, the customer
 * gateway), one per VPC (subnets, interface and gateway endpoints with
 * their ENIs, resolver endpoints with their ENIs, the +2 resolver), the
 * VPN tunnels, peerings, private hosted zones and their associations,
 * resolver rules and the internet.  Every label is escaped for DOT.
 * `--format svg` pipes the DOT through `dot -Tsvg` (Graphviz); without it
 * the command exits 3.
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
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/export_plan.h"
#include "harness/scenario_src.h"
#include "model/model.h"
#include "model/names.h"

extern char **environ;

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
graph_addr(const struct hns_addr *a, char *buf)
{
	return hns_addr_port_str(a, buf, HNS_ADDR_STRLEN);
}

static const char *
graph_ip(const struct hns_addr *a, char *buf)
{
	return hns_addr_str(a, buf, HNS_ADDR_STRLEN);
}

/* ---------------------------------------------------------- node names */

/*
 * Node ids are synthetic ("vpc2_re1_eni0") so scenario names never need
 * to be valid DOT identifiers; the names go into labels only.
 */
static size_t
graph_resolver_endpoint_index(const struct model *m, const struct model_resolver_endpoint *re)
{
	return (size_t)(re - m->resolver_endpoints);
}

/*
 * The node an address stands for: an inbound/outbound resolver ENI, an
 * on-prem resolver, a VPC's +2 resolver, or else a free-standing address
 * node (declared here, at top level).  Writes the quoted id to `out`.
 */
static void
graph_addr_ref(FILE *decl, const struct model *m, const struct hns_addr *a, char *id, size_t len)
{
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *re = &m->resolver_endpoints[i];
		for (size_t j = 0; j < re->n_enis; j++) {
			if (hns_addr_equal(&re->enis[j].ip, a)) {
				snprintf(id, len, "re%zu_eni%zu", i, j);
				return;
			}
		}
	}
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		if (hns_addr_equal(&m->onprem.resolvers[i].address, a)) {
			snprintf(id, len, "op%zu", i);
			return;
		}
	}
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (hns_addr_equal(&m->vpcs[i].dns_addr, a)) {
			snprintf(id, len, "vpc%zu_dns", i);
			return;
		}
	}
	char ip[HNS_ADDR_STRLEN];
	graph_ip(a, ip);
	snprintf(id, len, "addr_%s", ip);
	fprintf(decl, "  \"");
	graph_escape(decl, id);
	fprintf(decl, "\" [shape=box, style=dashed, label=\"");
	graph_escape(decl, ip);
	fprintf(decl, "\"];\n");
}

static void
graph_edge(FILE *out, const char *from, const char *to, const char *attrs, const char *label)
{
	fprintf(out, "  \"");
	graph_escape(out, from);
	fprintf(out, "\" -> \"");
	graph_escape(out, to);
	fprintf(out, "\" [");
	if (label) {
		fprintf(out, "label=\"");
		graph_escape(out, label);
		fprintf(out, "\"%s", attrs && *attrs ? ", " : "");
	}
	fprintf(out, "%s];\n", attrs ? attrs : "");
}

/* ---------------------------------------------------------------- on-prem */

static void
graph_onprem(FILE *out, const struct model *m)
{
	char ip[HNS_ADDR_STRLEN];

	fprintf(out, "  subgraph \"cluster_onprem\" {\n    label=\"on-prem");
	if (m->onprem.has_cidr)
		graph_text(out, " %s", hns_cidr_str(&m->onprem.cidr, ip, sizeof(ip)));
	fprintf(out, "\";\n    style=filled; fillcolor=\"#f3f3e6\";\n");
	if (m->vpn.present)
		fprintf(out, "    \"cgw\" [shape=cds, label=\"customer gateway\"];\n");
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		fprintf(out, "    \"op%zu\" [shape=box, style=\"rounded,filled\", fillcolor=white, label=\"",
			i);
		graph_text(out, "%s\n%s", r->name, graph_addr(&r->address, ip));
		if (r->profile == MODEL_PROFILE_WINDOWS)
			graph_text(out, "\nprofile windows");
		graph_text(out, "\ncache %s", r->cache.enabled ? "on" : "off");
		fprintf(out, "\"];\n");
		for (size_t z = 0; z < r->n_zones; z++) {
			fprintf(out, "    \"op%zu_z%zu\" [shape=folder, label=\"", i, z);
			graph_text(out, "local zone %s\n%zu records", r->zones[z].name,
				   r->zones[z].n_records);
			fprintf(out, "\"];\n    \"op%zu\" -> \"op%zu_z%zu\" [arrowhead=none, style=dotted];\n",
				i, i, z);
		}
		for (size_t f = 0; f < r->n_forwards; f++) {
			const struct model_forward *fw = &r->forwards[f];
			fprintf(out, "    \"op%zu_f%zu\" [shape=note, label=\"", i, f);
			graph_text(out, "forward %s\n%s, %u ms x %u", fw->zone[0] ? fw->zone : ".",
				   model_policy_str(fw->policy), fw->timeout_ms, fw->attempts);
			fprintf(out, "\"];\n    \"op%zu\" -> \"op%zu_f%zu\" [arrowhead=none];\n", i, i, f);
		}
	}
	fprintf(out, "  }\n");
}

static void
graph_onprem_edges(FILE *out, const struct model *m)
{
	char from[64], to[128], label[64];

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t f = 0; f < r->n_forwards; f++) {
			const struct model_forward *fw = &r->forwards[f];
			snprintf(from, sizeof(from), "op%zu_f%zu", i, f);
			for (size_t t = 0; t < fw->n_to; t++) {
				graph_addr_ref(out, m, &fw->to[t], to, sizeof(to));
				snprintf(label, sizeof(label), "%zu", t + 1);
				graph_edge(out, from, to, "color=blue", label);
			}
		}
		snprintf(from, sizeof(from), "op%zu", i);
		switch (r->default_kind) {
		case MODEL_DEFAULT_INTERNET:
			graph_edge(out, from, "internet", "style=dashed", "default");
			break;
		case MODEL_DEFAULT_UPSTREAMS:
			for (size_t u = 0; u < r->n_default_upstreams; u++) {
				graph_addr_ref(out, m, &r->default_upstreams[u], to, sizeof(to));
				graph_edge(out, from, to, "style=dashed", "default");
			}
			break;
		case MODEL_DEFAULT_REFUSE:
			break;
		}
	}
}

/* ------------------------------------------------------------------ VPCs */

static void
graph_enis(FILE *out, const char *owner, const struct model_eni *enis, size_t n)
{
	char ip[HNS_ADDR_STRLEN];

	for (size_t j = 0; j < n; j++) {
		const struct model_eni *e = &enis[j];
		fprintf(out, "    \"%s_eni%zu\" [shape=circle, fixedsize=false, label=\"", owner, j);
		graph_text(out, "%s\n%s", graph_ip(&e->ip, ip), e->subnet ? e->subnet->az : "");
		fprintf(out, "\", tooltip=\"");
		graph_text(out, "%s", e->id ? e->id : "");
		fprintf(out, "\"];\n    \"%s\" -> \"%s_eni%zu\" [arrowhead=none];\n", owner, owner, j);
	}
}

static void
graph_vpc(FILE *out, const struct model *m, size_t v)
{
	const struct model_vpc *vpc = &m->vpcs[v];
	char buf[HNS_ADDR_STRLEN], id[32];

	fprintf(out, "  subgraph \"cluster_vpc%zu\" {\n    label=\"", v);
	graph_text(out, "VPC %s (%s)\n%s %s", vpc->name, vpc->id ? vpc->id : "",
		   hns_cidr_str(&vpc->cidr, buf, sizeof(buf)), vpc->region ? vpc->region : "");
	fprintf(out, "\";\n    style=filled; fillcolor=\"#e8f0fa\";\n");
	fprintf(out, "    \"vpc%zu_dns\" [shape=hexagon, style=filled, fillcolor=white, label=\"", v);
	graph_text(out, "Route 53 Resolver (+2)\n%s%s", graph_ip(&vpc->dns_addr, buf),
		   vpc->dns_support ? "" : "\ndns support off");
	fprintf(out, "\"];\n");
	for (size_t s = 0; s < vpc->n_subnets; s++) {
		const struct model_subnet *sn = &vpc->subnets[s];
		fprintf(out, "    \"vpc%zu_s%zu\" [shape=box, style=dashed, label=\"", v, s);
		graph_text(out, "subnet %s\n%s %s", sn->name, sn->az,
			   hns_cidr_str(&sn->cidr, buf, sizeof(buf)));
		fprintf(out, "\"];\n");
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];
		if (ep->vpc != vpc)
			continue;
		snprintf(id, sizeof(id), "ep%zu", i);
		if (ep->type == MODEL_ENDPOINT_GATEWAY) {
			fprintf(out, "    \"%s\" [shape=invhouse, style=filled, fillcolor=\"#fde9c9\", label=\"",
				id);
			graph_text(out, "gateway endpoint %s\n%s", ep->name, ep->service);
			for (size_t g = 0; g < ep->n_gateway_subnets; g++)
				graph_text(out, "\nroute in %s", ep->gateway_subnets[g]->name);
			fprintf(out, "\"];\n");
			continue;
		}
		fprintf(out, "    \"%s\" [shape=component, style=filled, fillcolor=\"#fde9c9\", label=\"", id);
		graph_text(out, "interface endpoint %s\n%s\nprivate DNS %s", ep->name, ep->service,
			   !ep->private_dns ? "off"
			   : ep->private_dns_only_for_inbound ? "on (only for inbound endpoints)"
							      : "on");
		fprintf(out, "\"];\n");
		graph_enis(out, id, ep->enis, ep->n_enis);
	}
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *re = &m->resolver_endpoints[i];
		if (re->vpc != vpc)
			continue;
		snprintf(id, sizeof(id), "re%zu", i);
		fprintf(out, "    \"%s\" [shape=cds, style=filled, fillcolor=\"#d9f2d9\", label=\"", id);
		graph_text(out, "%s endpoint %s\n%s", re->direction == MODEL_INBOUND ? "inbound" : "outbound",
			   re->name, re->id ? re->id : "");
		fprintf(out, "\"];\n");
		graph_enis(out, id, re->enis, re->n_enis);
	}
	fprintf(out, "  }\n");
}

static void
graph_vpc_edges(FILE *out, const struct model *m)
{
	char from[64], to[128];

	/* ENIs sit in subnets. */
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *re = &m->resolver_endpoints[i];
		size_t v = re->vpc->index;
		for (size_t j = 0; j < re->n_enis; j++) {
			snprintf(from, sizeof(from), "re%zu_eni%zu", i, j);
			/* inbound ENIs hand queries to the +2 resolver; outbound ones take them from it */
			snprintf(to, sizeof(to), "vpc%zu_dns", v);
			if (re->direction == MODEL_INBOUND)
				graph_edge(out, from, to, "color=darkgreen, style=dashed", NULL);
			else
				graph_edge(out, to, from, "color=darkgreen, style=dashed", NULL);
		}
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];
		if (ep->type != MODEL_ENDPOINT_GATEWAY)
			continue;
		for (size_t g = 0; g < ep->n_gateway_subnets; g++) {
			const struct model_subnet *sn = ep->gateway_subnets[g];
			size_t s = (size_t)(sn - sn->vpc->subnets);
			snprintf(from, sizeof(from), "vpc%zu_s%zu", sn->vpc->index, s);
			snprintf(to, sizeof(to), "ep%zu", i);
			graph_edge(out, from, to, "style=dotted, arrowhead=none", NULL);
		}
	}
	for (size_t i = 0; i < m->n_peerings; i++) {
		snprintf(from, sizeof(from), "vpc%zu_dns", m->peerings[i].a->index);
		snprintf(to, sizeof(to), "vpc%zu_dns", m->peerings[i].b->index);
		graph_edge(out, from, to, "dir=both, style=bold, color=gray40", "peering");
	}
}

/* ----------------------------------------------------------- VPN, zones */

static void
graph_vpn(FILE *out, const struct model *m)
{
	char label[256], to[32];

	if (!m->vpn.present)
		return;
	fprintf(out, "  \"vgw\" [shape=cds, label=\"VPN gateway\"];\n");
	for (size_t t = 0; t < m->vpn.n_tunnels; t++) {
		const struct model_tunnel *tn = &m->vpn.tunnels[t];
		snprintf(label, sizeof(label), "%s\n%s, %.1f ± %.1f ms", tn->name,
			 model_tunnel_state_str(tn->state), tn->latency_ms, tn->jitter_ms);
		graph_edge(out, "cgw", "vgw",
			   tn->state == MODEL_TUNNEL_UP	       ? "dir=both, penwidth=2"
			   : tn->state == MODEL_TUNNEL_STANDBY ? "dir=both, style=dashed"
							       : "dir=both, style=dotted, color=red",
			   label);
	}
	for (size_t i = 0; i < m->vpn.n_vpcs; i++) {
		snprintf(to, sizeof(to), "vpc%zu_dns", m->vpn.vpcs[i]->index);
		graph_edge(out, "vgw", to, "dir=both, color=gray40", "routed");
	}
}

static void
graph_zones(FILE *out, const struct model *m)
{
	char id[32], to[32];

	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];
		bool priv = z->kind == MODEL_ZONE_PRIVATE;
		snprintf(id, sizeof(id), "hz%zu", i);
		fprintf(out, "  \"%s\" [shape=folder, style=filled, fillcolor=\"%s\", label=\"", id,
			priv ? "#f6e0f6" : "#eeeeee");
		graph_text(out, "%s hosted zone %s\n%zu records", priv ? "private" : "public",
			   z->name[0] ? z->name : ".", z->n_records);
		fprintf(out, "\"];\n");
		if (!priv) {
			graph_edge(out, id, "internet", "style=dotted, arrowhead=none", "public");
			continue;
		}
		for (size_t v = 0; v < z->n_vpcs; v++) {
			snprintf(to, sizeof(to), "vpc%zu_dns", z->vpcs[v]->index);
			graph_edge(out, id, to, "style=dotted, color=purple", "associated");
		}
	}
}

static void
graph_rules(FILE *out, const struct model *m)
{
	char id[32], to[128], label[32];

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		snprintf(id, sizeof(id), "rule%zu", i);
		fprintf(out, "  \"%s\" [shape=parallelogram, style=filled, fillcolor=\"#fff6bf\", label=\"",
			id);
		graph_text(out, "rule %s\n%s %s", r->name,
			   r->type == MODEL_RULE_FORWARD ? "forward" : "system",
			   r->domain[0] ? r->domain : ".");
		fprintf(out, "\"];\n");
		for (size_t v = 0; v < r->n_vpcs; v++) {
			snprintf(to, sizeof(to), "vpc%zu_dns", r->vpcs[v]->index);
			graph_edge(out, to, id, "style=dotted, color=orange3", "associated");
		}
		if (r->endpoint) {
			snprintf(to, sizeof(to), "re%zu",
				 graph_resolver_endpoint_index(m, r->endpoint));
			graph_edge(out, id, to, "color=orange3", "via");
		}
		for (size_t t = 0; t < r->n_targets; t++) {
			graph_addr_ref(out, m, &r->targets[t], to, sizeof(to));
			snprintf(label, sizeof(label), "target %zu", t + 1);
			graph_edge(out, id, to, "color=orange3", label);
		}
	}
}

static void
graph_internet(FILE *out, const struct model *m)
{
	fprintf(out, "  \"internet\" [shape=ellipse, style=filled, fillcolor=\"#dddddd\", label=\"");
	graph_text(out, "internet\n%zu zones%s", m->internet.n_zones,
		   m->internet.aws_public_names ? ", AWS public names" : "");
	fprintf(out, "\"];\n");
	for (size_t v = 0; v < m->n_vpcs; v++)
		fprintf(out, "  \"vpc%zu_dns\" -> \"internet\" [style=dotted, color=gray60];\n", v);
}

static void
graph_write_dot(FILE *out, const struct model *m)
{
	fprintf(out, "digraph \"");
	graph_escape(out, m->scenario ? m->scenario : "scenario");
	fprintf(out, "\" {\n  graph [compound=true, rankdir=LR, fontname=\"Helvetica\", label=\"");
	graph_text(out, "%s", m->scenario ? m->scenario : "");
	if (m->description)
		graph_text(out, "\n%s", m->description);
	fprintf(out, "\"];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
		     "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	graph_internet(out, m);
	graph_onprem(out, m);
	for (size_t v = 0; v < m->n_vpcs; v++)
		graph_vpc(out, m, v);
	graph_vpn(out, m);
	graph_zones(out, m);
	graph_rules(out, m);
	graph_onprem_edges(out, m);
	graph_vpc_edges(out, m);
	fprintf(out, "}\n");
}

/* ------------------------------------------------------------------ svg */

/* The path of `dot` on $PATH, into buf; false when Graphviz is not installed. */
static bool
graph_find_dot(char *buf, size_t len)
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
graph_run_dot(const char *dot, const char *dot_text, size_t len, FILE *out)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
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
		errno = rc;
		return -1;
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
			return -1;
	}
	if (write_failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------- command */

struct graph_args {
	int format; /* 0 dot, 1 svg */
	const char *output;
};

static const struct cli_opt graph_opts[] = {
	CLI_OPT_FORMAT(struct graph_args, format, "dot|svg"),
	CLI_OPT_OUTPUT(struct graph_args, output),
};

const struct cli_command cmd_graph_cli = CLI_COMMAND("graph", "SCENARIO",
	"  Draws the scenario's topology as Graphviz DOT, or as SVG through Graphviz's dot.\n",
	graph_opts, 1, 1);

int
cmd_graph(int argc, char **argv)
{
	struct graph_args g = { 0 };
	const char *outfile;
	char **args;
	bool svg;
	int n_args, status;

	if ((status = cli_parse(&cmd_graph_cli, argc, argv, &g, &args, &n_args)) >= 0)
		return status;
	svg = g.format == 1;
	outfile = g.output;

	char dot[4096];
	if (svg && !graph_find_dot(dot, sizeof(dot))) {
		fprintf(stderr, "hybridns graph: --format svg needs Graphviz's `dot` on PATH; "
				"install graphviz (apt-get install graphviz) or use --format dot\n");
		return HNS_EXIT_RUNTIME;
	}

	struct model *m = NULL;
	if ((status = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return status;

	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		model_free(m);
		fprintf(stderr, "hybridns graph: out of memory\n");
		return HNS_EXIT_RUNTIME;
	}
	graph_write_dot(mem, m);
	model_free(m);
	if (fclose(mem) != 0) {
		free(text);
		fprintf(stderr, "hybridns graph: out of memory\n");
		return HNS_EXIT_RUNTIME;
	}

	FILE *out = stdout;
	if (outfile) {
		out = fopen(outfile, "w");
		if (!out) {
			fprintf(stderr, "hybridns graph: cannot write %s: %s\n", outfile, strerror(errno));
			free(text);
			return HNS_EXIT_RUNTIME;
		}
	}
	status = HNS_EXIT_OK;
	if (svg) {
		if (graph_run_dot(dot, text, len, out) != 0) {
			fprintf(stderr, "hybridns graph: dot -Tsvg failed\n");
			status = HNS_EXIT_RUNTIME;
		}
	} else if (fwrite(text, 1, len, out) != len) {
		status = HNS_EXIT_RUNTIME;
	}
	free(text);
	if (outfile ? fclose(out) != 0 : fflush(out) != 0) {
		fprintf(stderr, "hybridns graph: writing the output failed\n");
		status = HNS_EXIT_RUNTIME;
	}
	return status;
}
