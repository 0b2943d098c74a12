/*
 * lint/rules_loop.c -- forwarding loops through inbound and outbound
 * endpoints (HNS105, rule R14: AWS does not detect them).
 *
 * The servers form a small graph: an on-prem resolver forwards a name to
 * its targets (on-prem resolvers or inbound endpoints); an inbound endpoint
 * resolves in its VPC's view, where a FORWARD rule sends the name on to the
 * rule's targets; a DNS server placed in a VPC (onprem.resolvers.<r>.vpc)
 * that sends the name to its own VPC's +2 goes on the same way.  From every on-prem forward and every rule that targets an
 * inbound endpoint, a depth-first walk for that zone's name finds the first
 * server that comes back; each distinct cycle is reported once, at the
 * forward or rule where the walk started.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "lint/internal.h"

/* Node ids: on-prem resolvers first, then resolver endpoints (inbound only are used). */
struct lint_walk {
	struct lint_ctx *c;
	const char *name;
	size_t n_nodes;
	unsigned char *state; /* 0 new, 1 on the stack, 2 done */
	size_t *stack;
	const char **hop; /* how the node at stack[i] was reached ("rule:corp") */
	size_t depth;
	const char *cycle;     /* the first cycle found, as text */
	const char *cycle_key; /* its nodes, sorted: the same cycle from any start */
};

static const char *
lint_node_str(struct lint_walk *w, size_t node)
{
	const struct model *m = w->c->m;
	size_t nr = m->onprem.n_resolvers;

	if (node < nr)
		return lint_fmt(w->c, "onprem:%s", m->onprem.resolvers[node].name);
	const struct model_resolver_endpoint *e = &m->resolver_endpoints[node - nr];
	return lint_fmt(w->c, "inbound:%s (VPC %s)", e->name, e->vpc->name);
}

/* The node a target address is, or SIZE_MAX. */
static size_t
lint_node_of(struct lint_walk *w, const struct hns_addr *ip)
{
	const struct model *m = w->c->m;
	const struct lint_addr_entry *e = lint_addr_find(w->c, ip);

	for (; e != NULL && e < w->c->addrs + w->c->n_addrs && hns_addr_equal(&e->ip, ip); e++) {
		if (e->kind == LINT_ADDR_ONPREM)
			return (size_t)((const struct model_onprem_resolver *)e->obj -
					m->onprem.resolvers);
		if (e->kind == LINT_ADDR_INBOUND)
			return m->onprem.n_resolvers +
			       (size_t)((const struct model_resolver_endpoint *)e->obj -
					m->resolver_endpoints);
	}
	return SIZE_MAX;
}

static void lint_walk_from(struct lint_walk *w, size_t node, const char *hop);

static void
lint_walk_targets(struct lint_walk *w, const struct hns_addr *to, size_t n, const char *hop)
{
	for (size_t i = 0; i < n && w->cycle == NULL; i++) {
		size_t next = lint_node_of(w, &to[i]);
		if (next != SIZE_MAX)
			lint_walk_from(w, next, hop);
	}
}

static void
lint_cycle_text(struct lint_walk *w, size_t node, const char *hop)
{
	size_t start = 0;
	while (start < w->depth && w->stack[start] != node)
		start++;
	const char *s = lint_node_str(w, w->stack[start]);
	for (size_t i = start + 1; i < w->depth; i++)
		s = lint_fmt(w->c, "%s -> %s%s", s, w->hop[i] ? w->hop[i] : "",
			     lint_node_str(w, w->stack[i]));
	w->cycle = lint_fmt(w->c, "%s -> %s%s", s, hop ? hop : "", lint_node_str(w, node));

	/* The key: the cycle's node ids in increasing order (the stack is reused). */
	size_t n = w->depth - start;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && w->stack[start + j - 1] > w->stack[start + j]; j--) {
			size_t t = w->stack[start + j];
			w->stack[start + j] = w->stack[start + j - 1];
			w->stack[start + j - 1] = t;
		}
	const char *key = "";
	for (size_t i = 0; i < n; i++)
		key = lint_fmt(w->c, "%s%zu,", key, w->stack[start + i]);
	w->cycle_key = key;
}

/*
 * A DNS server placed in a VPC that sends the name to its own VPC's +2: the
 * +2 applies the VPC's rules, so a FORWARD rule sends it on (R14 again).
 */
static void
lint_walk_plus2(struct lint_walk *w, const struct model_onprem_resolver *r,
		const struct hns_addr *to, size_t n)
{
	if (w->cycle != NULL || !lint_vpcdns_own_plus2(w->c, r, to, n))
		return;
	struct lint_match mt = lint_view_match(w->c, r->vpc, w->name, false);
	if (mt.kind == LINT_MATCH_FORWARD)
		lint_walk_targets(w, mt.rule->targets, mt.rule->n_targets,
				  lint_fmt(w->c, "vpc:%s -> rule:%s -> outbound:%s -> ", r->vpc->name,
					   mt.rule->name,
					   mt.rule->endpoint ? mt.rule->endpoint->name : "?"));
}

static void
lint_walk_from(struct lint_walk *w, size_t node, const char *hop)
{
	const struct model *m = w->c->m;
	size_t nr = m->onprem.n_resolvers;

	if (w->state[node] == 1) {
		lint_cycle_text(w, node, hop);
		return;
	}
	if (w->state[node] == 2 || w->cycle != NULL)
		return;
	w->state[node] = 1;
	w->stack[w->depth] = node;
	w->hop[w->depth] = hop;
	w->depth++;
	if (node < nr) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[node];
		const struct model_zone *z = lint_onprem_zone(r, w->name);
		const struct model_forward *f = lint_onprem_forward(r, w->name);
		if (f != NULL && (z == NULL || strlen(f->zone) > strlen(z->name))) {
			lint_walk_targets(w, f->to, f->n_to, NULL);
			lint_walk_plus2(w, r, f->to, f->n_to);
		} else if (f == NULL && z == NULL && r->default_kind == MODEL_DEFAULT_UPSTREAMS) {
			lint_walk_targets(w, r->default_upstreams, r->n_default_upstreams, NULL);
			lint_walk_plus2(w, r, r->default_upstreams, r->n_default_upstreams);
		}
	} else {
		const struct model_resolver_endpoint *e = &m->resolver_endpoints[node - nr];
		struct lint_match mt = lint_view_match(w->c, e->vpc, w->name, true);
		if (mt.kind == LINT_MATCH_FORWARD)
			lint_walk_targets(w, mt.rule->targets, mt.rule->n_targets,
					  lint_fmt(w->c, "rule:%s -> outbound:%s -> ", mt.rule->name,
						   mt.rule->endpoint ? mt.rule->endpoint->name : "?"));
	}
	w->depth--;
	w->state[node] = 2;
}

/* Whether `cycle` was reported already (the same cycle from another start). */
static bool
lint_cycle_seen(const char **seen, size_t n, const char *cycle)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i], cycle) == 0)
			return true;
	return false;
}

struct lint_loop_start {
	size_t node;
	const char *name;
	const struct hns_addr *to;
	size_t n_to;
	struct model_loc loc;
	const char *path;
	const char *hop;
};

static void
lint_loop_try(struct lint_walk *w, const struct lint_loop_start *s, const char ***seen,
	      size_t *n_seen)
{
	memset(w->state, 0, w->n_nodes);
	w->depth = 0;
	w->cycle = NULL;
	w->name = s->name;
	if (s->node != SIZE_MAX)
		lint_walk_from(w, s->node, NULL);
	else
		lint_walk_targets(w, s->to, s->n_to, s->hop);
	if (w->cycle == NULL)
		return;
	const char *key = w->cycle_key;
	if (lint_cycle_seen(*seen, *n_seen, key))
		return;
	const char **grown = hns_arena_alloc(w->c->arena, (*n_seen + 1) * sizeof(*grown));
	if (grown == NULL) {
		w->c->err = HNS_ENOMEM;
		return;
	}
	if (*n_seen)
		memcpy(grown, *seen, *n_seen * sizeof(*grown));
	grown[(*n_seen)++] = key;
	*seen = grown;
	const char *name = s->name[0] ? s->name : ".";
	lint_emit(w->c, s->loc, s->path,
		  lint_fmt(w->c,
			   "%s loops: %s; AWS does not detect loops, so every query for it "
			   "bounces until it times out (SERVFAIL)",
			   name, w->cycle),
		  lint_fmt(w->c,
			   "answer %s inside AWS: a private hosted zone or a SYSTEM rule for it "
			   "in the inbound endpoint's VPC (more specific than the FORWARD rule), "
			   "or do not associate that rule with the inbound endpoint's VPC",
			   name));
}

void
lint_check_hns105(struct lint_ctx *c)
{
	const struct model *m = c->m;
	struct lint_walk w = { .c = c };
	const char **seen = NULL;
	size_t n_seen = 0;

	w.n_nodes = m->onprem.n_resolvers + m->n_resolver_endpoints;
	if (w.n_nodes == 0 || m->n_rules == 0)
		return;
	w.state = calloc(w.n_nodes, 1);
	w.stack = calloc(w.n_nodes + 1, sizeof(*w.stack));
	w.hop = calloc(w.n_nodes + 1, sizeof(*w.hop));
	if (!w.state || !w.stack || !w.hop) {
		c->err = HNS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t j = 0; j < r->n_forwards; j++) {
			struct lint_loop_start s = {
				i, r->forwards[j].zone, NULL, 0,
				lint_key_loc(c, r->forwards[j].loc, "zone"),
				lint_fmt(c, "onprem.resolvers.%s.forward.%zu.zone", r->name, j), NULL,
			};
			lint_loop_try(&w, &s, &seen, &n_seen);
		}
	}
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		if (r->type != MODEL_RULE_FORWARD)
			continue;
		struct lint_loop_start s = {
			SIZE_MAX, r->domain, r->targets, r->n_targets,
			lint_key_loc(c, r->loc, "targets"),
			lint_fmt(c, "resolver.rules.%s.targets", r->name),
			lint_fmt(c, "rule:%s -> ", r->name),
		};
		lint_loop_try(&w, &s, &seen, &n_seen);
	}
out:
	free(w.state);
	free(w.stack);
	free(w.hop);
}
