/*
 * harness/graph_path.c -- one query's path drawn over the diagram.
 *
 * Each hop names a component ("vpn:tunnel1", "inbound:inbound" with the
 * ENI in its detail); each becomes a node of the diagram, and between two
 * consecutive nodes the fewest drawn edges are marked.  A node met again
 * (the answer going back) adds nothing.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/trace.h"
#include "dns/wire.h"
#include "harness/graph_dot.h"
#include "harness/graph_int.h"
#include "model/model.h"

static int
graph_path_add(struct graph *g, const char *id)
{
	for (size_t i = 0; i < g->n_path_nodes; i++) {
		if (strcmp(g->path_nodes[i], id) == 0)
			return 0;
	}
	char **nn = realloc(g->path_nodes, (g->n_path_nodes + 1) * sizeof(*nn));
	if (!nn)
		return HNS_ENOMEM;
	g->path_nodes = nn;
	if (!(nn[g->n_path_nodes] = strdup(id)))
		return HNS_ENOMEM;
	g->n_path_nodes++;
	return 0;
}

/* Where the query started: the resolver, the VPC's +2, the inbound ENI or the internet. */
static void
graph_path_start(const struct graph *g, char *id, size_t len)
{
	const struct model_from *f = g->path->from;
	const struct model *m = g->m;

	snprintf(id, len, "internet");
	if (!f)
		return;
	switch (f->kind) {
	case MODEL_FROM_ONPREM:
		snprintf(id, len, "op%zu", (size_t)(f->resolver - m->onprem.resolvers));
		break;
	case MODEL_FROM_VPC:
		snprintf(id, len, "vpc%zu_dns", f->vpc->index);
		break;
	case MODEL_FROM_INBOUND:
		if (f->inbound_eni)
			snprintf(id, len, "re%zu_eni%zu", graph_re_index(m, f->inbound),
				 (size_t)(f->inbound_eni - f->inbound->enis));
		else
			snprintf(id, len, "re%zu", graph_re_index(m, f->inbound));
		break;
	case MODEL_FROM_INTERNET:
		break;
	}
}

/* The hosted zone named `name`, one associated with VPC `vpc` first (SIZE_MAX: none). */
static bool
graph_path_zone(const struct model *m, const char *name, size_t vpc, char *id, size_t len)
{
	size_t any = SIZE_MAX;

	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];
		if (strcmp(z->name, name) != 0)
			continue;
		for (size_t v = 0; v < z->n_vpcs; v++) {
			if (z->vpcs[v]->index == vpc) {
				snprintf(id, len, "hz%zu", i);
				return true;
			}
		}
		if (any == SIZE_MAX)
			any = i;
	}
	if (any == SIZE_MAX)
		return false;
	snprintf(id, len, "hz%zu", any);
	return true;
}

/* An on-prem hop: the resolver, then the forward zone or local zone its detail names. */
static int
graph_path_onprem(struct graph *g, const char *ref, const char *detail)
{
	const struct model *m = g->m;
	const struct model_onprem_resolver *r = model_onprem_resolver_find(m, ref);
	size_t i;
	char id[GRAPH_ID];
	int rc;

	if (!r)
		return 0;
	i = (size_t)(r - m->onprem.resolvers);
	snprintf(id, sizeof(id), "op%zu", i);
	if ((rc = graph_path_add(g, id)) != 0)
		return rc;
	for (size_t f = 0; f < r->n_forwards; f++) {
		char want[300];
		snprintf(want, sizeof(want), "forward %s,", r->forwards[f].zone[0] ? r->forwards[f].zone : ".");
		if (strncmp(detail, want, strlen(want)) == 0) {
			snprintf(id, sizeof(id), "op%zu_f%zu", i, f);
			return graph_path_add(g, id);
		}
	}
	if (strstr(detail, "local zone") && g->path->qname) {
		for (size_t z = 0; z < r->n_zones; z++) {
			if (dns_str_is_subdomain(g->path->qname, r->zones[z].name)) {
				snprintf(id, sizeof(id), "op%zu_z%zu", i, z);
				return graph_path_add(g, id);
			}
		}
	}
	return 0;
}

/* An inbound hop: the ENI its detail names ("inbound ENI in/private-a ..."), then the endpoint. */
static int
graph_path_inbound(struct graph *g, const char *ref, const char *detail)
{
	const struct model_resolver_endpoint *re = model_resolver_endpoint_find(g->m, ref);
	char id[GRAPH_ID], want[300];
	int rc;

	if (!re)
		return 0;
	size_t i = graph_re_index(g->m, re);
	for (size_t j = 0; j < re->n_enis; j++) {
		snprintf(want, sizeof(want), "inbound ENI %s/%s ", re->name, re->enis[j].subnet->name);
		if (strncmp(detail, want, strlen(want)) == 0) {
			snprintf(id, sizeof(id), "re%zu_eni%zu", i, j);
			if ((rc = graph_path_add(g, id)) != 0)
				return rc;
		}
	}
	snprintf(id, sizeof(id), "re%zu", i);
	return graph_path_add(g, id);
}

/* One hop into the path's nodes; *vpc tracks the last VPC seen (for zones). */
static int
graph_path_hop(struct graph *g, const struct hns_trace_event *h, size_t *vpc)
{
	const struct model *m = g->m;
	const char *colon = strchr(h->hop, ':');
	const char *ref = colon ? colon + 1 : "";
	size_t klen = colon ? (size_t)(colon - h->hop) : strlen(h->hop);
	char id[GRAPH_ID] = "";

#define KIND(s) (klen == strlen(s) && strncmp(h->hop, s, klen) == 0)
	if (KIND("onprem"))
		return graph_path_onprem(g, ref, h->detail);
	if (KIND("inbound"))
		return graph_path_inbound(g, ref, h->detail);
	if (KIND("internet")) {
		snprintf(id, sizeof(id), "internet");
	} else if (KIND("vpn")) {
		const struct model_tunnel *t = model_tunnel_find(m, ref);
		if (t)
			snprintf(id, sizeof(id), "tun%zu", (size_t)(t - m->vpn.tunnels));
	} else if (KIND("vpc")) {
		const struct model_vpc *v = model_vpc_find(m, ref);
		if (v) {
			*vpc = v->index;
			snprintf(id, sizeof(id), "vpc%zu_dns", v->index);
		}
	} else if (KIND("outbound")) {
		const struct model_resolver_endpoint *re = model_resolver_endpoint_find(m, ref);
		if (re)
			snprintf(id, sizeof(id), "re%zu", graph_re_index(m, re));
	} else if (KIND("private-dns")) {
		const struct model_endpoint *ep = model_endpoint_find(m, ref);
		if (ep)
			snprintf(id, sizeof(id), "ep%zu", (size_t)(ep - m->endpoints));
	} else if (KIND("rule")) {
		for (size_t i = 0; i < m->n_rules; i++) {
			if (strcmp(m->rules[i].name, ref) == 0)
				snprintf(id, sizeof(id), "rule%zu", i);
		}
	} else if (KIND("zone")) {
		if (!graph_path_zone(m, ref, *vpc, id, sizeof(id)))
			snprintf(id, sizeof(id), "internet");
	}
#undef KIND
	return id[0] ? graph_path_add(g, id) : 0;
}

int
graph_path_nodes(struct graph *g)
{
	char id[GRAPH_ID];
	size_t vpc = SIZE_MAX;
	int rc;

	graph_path_start(g, id, sizeof(id));
	if (g->path->from && g->path->from->kind == MODEL_FROM_VPC)
		vpc = g->path->from->vpc->index;
	if ((rc = graph_path_add(g, id)) != 0)
		return rc;
	for (size_t i = 0; i < g->path->n_hops; i++) {
		if ((rc = graph_path_hop(g, &g->path->hops[i], &vpc)) != 0)
			return rc;
	}
	return 0;
}

/* The ids of the drawn edges' ends, sorted, so BFS can index them. */
static int
graph_id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t
graph_id_index(char **ids, size_t n, const char *id)
{
	char **hit = bsearch(&id, ids, n, sizeof(*ids), graph_id_cmp);
	return hit ? (size_t)(hit - ids) : SIZE_MAX;
}

/* Mark the fewest drawn edges from node a to node b (either direction). */
static void
graph_path_link(struct graph *g, char **ids, size_t n_ids, size_t a, size_t b, size_t *via, size_t *queue)
{
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < n_ids; i++)
		via[i] = SIZE_MAX;
	via[a] = g->n; /* the start: reached by no edge */
	queue[tail++] = a;
	while (head < tail && via[b] == SIZE_MAX) {
		size_t x = queue[head++];
		for (size_t e = 0; e < g->n; e++) {
			const struct graph_edge *ed = &g->e[e];
			if (strstr(ed->attrs, "invis"))
				continue;
			size_t f = graph_id_index(ids, n_ids, ed->from), t = graph_id_index(ids, n_ids, ed->to);
			size_t y = f == x ? t : t == x ? f : SIZE_MAX;
			if (y == SIZE_MAX || via[y] != SIZE_MAX)
				continue;
			via[y] = e;
			queue[tail++] = y;
		}
	}
	if (via[b] == SIZE_MAX)
		return;
	for (size_t x = b; x != a;) {
		struct graph_edge *ed = &g->e[via[x]];
		ed->on_path = true;
		size_t f = graph_id_index(ids, n_ids, ed->from);
		x = f == x ? graph_id_index(ids, n_ids, ed->to) : f;
	}
}

void
graph_path_mark(struct graph *g)
{
	size_t n_ids = 0;
	char **ids = calloc(2 * g->n + 1, sizeof(*ids));
	size_t *via = calloc(2 * g->n + 1, sizeof(*via));
	size_t *queue = calloc(2 * g->n + 1, sizeof(*queue));

	if (!ids || !via || !queue) {
		g->nomem = true;
		goto out;
	}
	for (size_t i = 0; i < g->n; i++) {
		ids[n_ids++] = g->e[i].from;
		ids[n_ids++] = g->e[i].to;
	}
	qsort(ids, n_ids, sizeof(*ids), graph_id_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n_ids; i++) {
		if (u == 0 || strcmp(ids[u - 1], ids[i]) != 0)
			ids[u++] = ids[i];
	}
	n_ids = u;
	for (size_t i = 0; i + 1 < g->n_path_nodes; i++) {
		size_t a = graph_id_index(ids, n_ids, g->path_nodes[i]);
		size_t b = graph_id_index(ids, n_ids, g->path_nodes[i + 1]);
		if (a != SIZE_MAX && b != SIZE_MAX)
			graph_path_link(g, ids, n_ids, a, b, via, queue);
	}
	for (size_t i = 0; i < g->n_path_nodes; i++)
		fprintf(g->out, "  \"%s\" [color=\"" C_PATH "\", penwidth=2.5];\n", g->path_nodes[i]);
out:
	free(ids);
	free(via);
	free(queue);
}

