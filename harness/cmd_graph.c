/*
 * harness/cmd_graph.c -- `hybridns graph SCENARIO [--format dot|svg] [-o FILE]
 * [--highlight NAME [--type TYPE] [--from PLACE] [--seed N]]`.
 *
 * Draws the scenario's topology (harness/graph_dot.h) as Graphviz DOT, or
 * as SVG through `dot -Tsvg` (without Graphviz the command exits 3).  With
 * --highlight the query is run once in a live world, as `trace` runs it
 * (harness/check.h), and its hops are drawn over the diagram.
 */
#include "config.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/check.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/graph_dot.h"
#include "model/model.h"

struct graph_args {
	int format; /* 0 dot, 1 svg */
	const char *output;
	const char *highlight;
	const char *type;
	const char *from;
	uint64_t seed;
	bool seed_given;
};

static const struct cli_opt graph_opts[] = {
	CLI_OPT_FORMAT(struct graph_args, format, "dot|svg"),
	CLI_OPT_OUTPUT(struct graph_args, output),
	{ "highlight", 0, CLI_STRING, offsetof(struct graph_args, highlight), CLI_NONE, "NAME",
	  "run the query NAME once and draw its path over the diagram", 0, 0, 0, NULL },
	{ "type", 0, CLI_STRING, offsetof(struct graph_args, type), CLI_NONE, "TYPE",
	  "the highlighted query's type (default A)", 0, 0, 0, NULL },
	{ "from", 0, CLI_STRING, offsetof(struct graph_args, from), CLI_NONE, "WHERE",
	  "where the highlighted query starts (default onprem; as in trace)", 0, 0, 0, NULL },
	CLI_OPT_SEED(struct graph_args, seed, seed_given),
};

const struct cli_command cmd_graph_cli = CLI_COMMAND("graph", "SCENARIO",
	"  Draws the scenario's topology as Graphviz DOT, or as SVG through Graphviz's dot:\n"
	"  on-prem left, the VPN in the middle, the VPCs right, forwarding through the tunnel.\n",
	graph_opts, 1, 1);

/*
 * Run the highlighted query in a world of its own and fill *path from its
 * hops; r is the caller's (it holds the hops and the texts).  Returns an
 * exit status.
 */
static int
graph_highlight_run(const struct model *m, const struct graph_args *g, struct model_expect *e,
		    struct check_result *r, char *qname, size_t qlen, struct graph_path *path)
{
	struct check_opts o;
	int rc;

	memset(e, 0, sizeof(*e));
	e->qtype = LDNS_RR_TYPE_A;
	if (g->type) {
		e->qtype = (uint16_t)ldns_get_rr_type_by_name(g->type);
		if (e->qtype == 0) {
			fprintf(stderr, "hybridns graph: --type: '%s' is not a record type\n", g->type);
			return HNS_EXIT_USAGE;
		}
	}
	if (check_qname_parse(g->highlight, qname, qlen) != 0) {
		fprintf(stderr, "hybridns graph: --highlight: '%s' is not a domain name\n", g->highlight);
		return HNS_EXIT_USAGE;
	}
	if (check_from_parse(m, g->from ? g->from : "onprem", &e->from, "graph") != 0)
		return HNS_EXIT_USAGE;
	check_opts_init(&o);
	o.seed = g->seed;
	o.seed_given = g->seed_given;
	e->name = "highlight";
	e->qname = qname;
	e->max_ms = -1;
	e->ttl = e->ttl_max = -1; /* no TTL judged */
	if ((rc = check_run(m, e, &o, r)) != 0) {
		fprintf(stderr, "hybridns graph: cannot bring the world up: %s\n", hns_strerror(rc));
		return HNS_EXIT_RUNTIME;
	}
	path->hops = r->hops;
	path->n_hops = r->n_hops;
	path->from = &e->from;
	path->qname = qname;
	path->title = r->query;
	return HNS_EXIT_OK;
}

/* The diagram's DOT text into *text (malloc'd), path or not.  An exit status. */
static int
graph_text_make(const struct model *m, const struct graph_args *g, char **text, size_t *len)
{
	struct graph_path path = { 0 }, *pp = NULL;
	struct model_expect e;
	struct check_result *r = NULL;
	char qname[256];
	int status = HNS_EXIT_OK;

	if (g->highlight) {
		if (!(r = calloc(1, sizeof(*r))))
			goto nomem;
		status = graph_highlight_run(m, g, &e, r, qname, sizeof(qname), &path);
		if (status != HNS_EXIT_OK)
			goto out;
		snprintf(r->query + strlen(r->query), sizeof(r->query) - strlen(r->query), " from %s",
			 g->from ? g->from : "onprem");
		pp = &path;
	} else if (g->from || g->type) {
		fprintf(stderr, "hybridns graph: --from and --type go with --highlight NAME\n");
		cli_usage(&cmd_graph_cli, stderr);
		return HNS_EXIT_USAGE;
	}
	FILE *mem = open_memstream(text, len);
	if (!mem)
		goto nomem;
	int rc = graph_dot_write(mem, m, pp);
	if (fclose(mem) != 0 || rc != 0) {
		free(*text);
		*text = NULL;
		goto nomem;
	}
out:
	free(r);
	return status;
nomem:
	free(r);
	fprintf(stderr, "hybridns graph: out of memory\n");
	return HNS_EXIT_RUNTIME;
}

int
cmd_graph(int argc, char **argv)
{
	struct graph_args g = { 0 };
	char **args, dot[4096], *text = NULL;
	size_t len = 0;
	int n_args, status;
	bool svg;

	if ((status = cli_parse(&cmd_graph_cli, argc, argv, &g, &args, &n_args)) >= 0)
		return status;
	svg = g.format == 1;
	if (svg && !graph_dot_find(dot, sizeof(dot))) {
		fprintf(stderr, "hybridns graph: --format svg needs Graphviz's `dot` on PATH; "
				"install graphviz (apt-get install graphviz) or use --format dot\n");
		return HNS_EXIT_RUNTIME;
	}

	struct model *m = NULL;
	if ((status = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return status;
	status = graph_text_make(m, &g, &text, &len);
	model_free(m);
	if (status != HNS_EXIT_OK)
		return status;

	FILE *out = stdout;
	if (g.output && !(out = fopen(g.output, "w"))) {
		fprintf(stderr, "hybridns graph: cannot write %s: %s\n", g.output, strerror(errno));
		free(text);
		return HNS_EXIT_RUNTIME;
	}
	if (svg) {
		if (graph_svg_render(dot, text, len, out) != 0) {
			fprintf(stderr, "hybridns graph: dot -Tsvg failed\n");
			status = HNS_EXIT_RUNTIME;
		}
	} else if (fwrite(text, 1, len, out) != len) {
		status = HNS_EXIT_RUNTIME;
	}
	free(text);
	if (g.output ? fclose(out) != 0 : fflush(out) != 0) {
		fprintf(stderr, "hybridns graph: writing the output failed\n");
		status = HNS_EXIT_RUNTIME;
	}
	return status;
}
