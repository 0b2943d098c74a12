/*
 * harness/graph_int.h -- what the diagram's two halves share: graph_dot.c
 * builds the nodes and collects the edges, graph_path.c marks the edges one
 * query took.  Private to those two files.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct model;
struct model_resolver_endpoint;
struct graph_path;

#define GRAPH_ID 64

/* Colours of the legend; one table, so the legend and the edges agree. */
#define C_FORWARD "#1f5fbf"  /* on-prem -> AWS: forward zones */
#define C_RULE "#d9822b"     /* AWS -> on-prem: resolver rules */
#define C_ZONE "#8e44ad"     /* hosted zone associations */
#define C_RESOLVER "#2e8b57" /* resolver endpoint <-> the VPC's +2 resolver */
#define C_PATH "#d62728"     /* a highlighted query */
#define C_FADED "#d0d0d0"

struct graph_edge {
	char from[GRAPH_ID], to[GRAPH_ID];
	char attrs[112];
	char label[160];
	bool on_path;
};

struct graph {
	FILE *out;
	const struct model *m;
	const struct graph_path *path;
	struct graph_edge *e;
	size_t n, cap;
	bool nomem;
	bool *hub; /* per VPC: the VPN's VPCs and those with resolver endpoints */
	bool any_hub;
	char **path_nodes; /* highlight: the nodes the query visited, in order */
	size_t n_path_nodes;
	char **junctions; /* the sets of VPCs zones and rules share ("1,2,3,"), junction<i> */
	size_t n_junctions;
};

/* The index of a resolver endpoint in the model (its node is "re<index>"). */
size_t graph_re_index(const struct model *m, const struct model_resolver_endpoint *re);
/* The nodes g->path visited, into g->path_nodes.  0 or HNS_ENOMEM. */
int graph_path_nodes(struct graph *g);
/* Mark the edges between consecutive path nodes and outline the nodes (written to g->out). */
void graph_path_mark(struct graph *g);
