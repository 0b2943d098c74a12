/*
 * harness/graph_dot.h -- the topology diagram of a scenario, as Graphviz DOT.
 *
 * In: a loaded model and, optionally, the hops of one query (check_run's
 * result, harness/check.h).  Out: DOT text laid out the way a hybrid DNS
 * design is drawn on a slide -- on-prem on the left, the customer gateway,
 * the tunnels and the VPN gateway in the middle, the VPCs on the right with
 * the VPN's (shared-services) VPCs first and the others beyond them; one
 * cluster per VPC holding its resolver endpoints, interface and gateway
 * endpoints and their ENIs; forwarding drawn through the tunnel (on-prem
 * forward zone -> customer gateway -> tunnel -> VPN gateway -> inbound ENI,
 * outbound ENI -> VPN gateway -> tunnel -> customer gateway -> on-prem
 * target); a legend.  With a path, the edges the query took are drawn bold
 * and coloured and every other edge faded.
 *
 * The text depends only on the model and the path: the same input gives
 * byte-identical DOT.  This module never runs Graphviz except in
 * graph_svg_render(), and never brings a world up.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct model;
struct model_from;
struct hns_trace_event;

/* One query's path to draw over the diagram. */
struct graph_path {
	const struct hns_trace_event *hops; /* as check_run recorded them, oldest first */
	size_t n_hops;
	const struct model_from *from; /* where it started (NULL: the internet) */
	const char *qname;	       /* the name asked, lower-cased, no trailing dot */
	const char *title;	       /* "abcd.execute-api.eu-west-1.amazonaws.com A from onprem" */
};

/* Write the diagram of m to out (path may be NULL).  0, or HNS_ENOMEM. */
int graph_dot_write(FILE *out, const struct model *m, const struct graph_path *path);

/* The path of Graphviz's `dot` on $PATH into buf; false when it is not installed. */
bool graph_dot_find(char *buf, size_t len);

/*
 * Run `dot -Tsvg` (the program at `dot`, from graph_dot_find) on the DOT
 * text and write the SVG to out.  0, or a negative hns_err when dot could
 * not be run or failed.
 */
int graph_svg_render(const char *dot, const char *text, size_t len, FILE *out);
