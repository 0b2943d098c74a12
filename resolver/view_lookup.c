#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model/names.h"
#include "resolver/view_internal.h"

/*
 * The per-query path: a question walks its view's rule table label by
 * label (custom rules, then autodefined zones), is answered from the
 * zone's nodes (exact name, then the wildcard at the closest encloser) or
 * the internet view, and a CNAME answer is replaced by its chain
 * precompiled for the question's origin (view_chase.c).
 */

void
rslv_trace_add(struct rslv_trace *t, enum model_hop_kind kind, const char *ref, const void *target)
{
	if (t->n >= RSLV_TRACE_MAX)
		return;
	t->hops[t->n].kind = kind;
	t->hops[t->n].ref = ref;
	t->hops[t->n].target = target;
	t->hops[t->n].loc = (struct model_loc){0, 0};
	t->n++;
}

static void
trace_hop(struct rslv_trace *t, enum model_hop_kind kind, const char *ref, const void *target)
{
	rslv_trace_add(t, kind, ref, target);
}

void
rslv_result_negative(const struct rslv_world *w, const struct rslv_zone *z, bool exists,
		struct rslv_result *out)
{
	bool nodata = exists && w->model->defaults.nodata_for_other_types;

	out->action = RSLV_ANSWER;
	out->rcode = nodata ? DNS_RCODE_NOERROR : DNS_RCODE_NXDOMAIN;
	out->zone = z;
	out->trace.what = nodata ? "nodata" : "nxdomain";
	out->trace.zone = z;
}

static const struct rslv_rrset *
node_find_set(const struct rslv_node *n, uint16_t qtype)
{
	const struct rslv_rrset *cname = NULL;

	for (size_t i = 0; i < n->n_sets; i++) {
		if (n->sets[i].type == qtype)
			return &n->sets[i];
		if (n->sets[i].type == DNS_TYPE_CNAME)
			cname = &n->sets[i];
	}
	return cname;
}

/* Answer from a zone's nodes: exact name, then the wildcard at the closest encloser. */
static void
zone_answer(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
	    size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	const struct rslv_node *n;
	bool wild = false;

	if (z->kind == RSLV_ZONE_INTERNAL) {
		rslv_zone_internal(w, z, qname, qlen, qtype, out);
		return;
	}
	if (z->kind == RSLV_ZONE_REVERSE) {
		rslv_zone_reverse(w, z, qname, qlen, qtype, out);
		return;
	}
	n = rslv_table_get(&w->nodes, z->tag, qname, qlen);
	if (!n) {
		uint8_t wc[DNS_NAME_MAX + 2];
		const uint8_t *p = qname;
		size_t len = qlen;

		while (len > z->wlen) {
			len -= (size_t)p[0] + 1;
			p += p[0] + 1;
			if (len + 2 > DNS_NAME_MAX)
				continue;
			wc[0] = 1;
			wc[1] = '*';
			memcpy(wc + 2, p, len);
			n = rslv_table_get(&w->nodes, z->tag, wc, len + 2);
			if (n) {
				wild = true;
				break;
			}
			if (rslv_table_get(&w->nodes, z->tag, p, len))
				break; /* closest encloser without a wildcard */
		}
	}
	if (!n) {
		rslv_result_negative(w, z, false, out);
		return;
	}
	const struct rslv_rrset *s = node_find_set(n, qtype);

	if (!s) {
		rslv_result_negative(w, z, true, out);
		return;
	}
	out->action = RSLV_ANSWER;
	out->rcode = DNS_RCODE_NOERROR;
	out->answer = s;
	out->trace.what = s->alias ? "alias" : wild ? "wildcard" : "record";
	out->trace.record = s->record;
	out->trace.endpoint = s->endpoint;
	out->trace.zone = z;
}

static void
zone_hop(struct rslv_trace *t, const struct rslv_zone *z)
{
	if (z->kind == RSLV_ZONE_PRIVATE_DNS)
		trace_hop(t, MODEL_HOP_PRIVATE_DNS, z->endpoint->name, z->endpoint);
	else if (z->kind == RSLV_ZONE_HOSTED && z->mzone)
		trace_hop(t, MODEL_HOP_ZONE, z->mzone->name, z->mzone);
}

static void
internet_resolve(const struct rslv_world *w, const uint8_t *qname, size_t qlen, uint16_t qtype,
		 struct rslv_result *out)
{
	const struct rslv_zone *z =
		dns_nametab_longest_lower(&w->rules.nt, w->internet_tag, qname, qlen, NULL);

	trace_hop(&out->trace, MODEL_HOP_INTERNET, NULL, NULL);
	if (z) {
		zone_hop(&out->trace, z);
		zone_answer(w, z, qname, qlen, qtype, out);
		if (out->rcode != DNS_RCODE_NXDOMAIN || z->kind == RSLV_ZONE_VPCE)
			return;
	}
	if (w->model->internet.aws_public_names && rslv_is_aws_name(qname, qlen)) {
		out->action = RSLV_ANSWER;
		out->rcode = DNS_RCODE_NOERROR;
		out->zone = w->aws_zone;
		out->trace.what = "aws-pool";
		out->trace.zone = NULL;
		if (qtype == DNS_TYPE_A || qtype == DNS_TYPE_ANY) {
			out->synth_type = DNS_TYPE_A;
			out->synth_v4 = rslv_aws_pool_addr(qname, qlen);
		}
		return;
	}
	if (!z)
		rslv_result_negative(w, w->root_zone, false, out);
}

/* One question, CNAMEs not chased. */
static void
resolve_one(const struct rslv_world *w, size_t view, enum rslv_from from, const uint8_t *qname,
	    size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	memset(out, 0, offsetof(struct rslv_result, synth_name));
	out->synth_name_len = 0;
	out->rule = NULL;
	out->fw = NULL;
	memset(&out->trace, 0, sizeof(out->trace));

	if (from == RSLV_FROM_INTERNET || view >= w->n_views) {
		internet_resolve(w, qname, qlen, qtype, out);
		return;
	}
	const struct rslv_view *v = &w->views[view];
	bool inbound = from == RSLV_FROM_INBOUND;
	const struct model_rule *system = NULL;
	const struct rslv_rule_entry *e;
	struct dns_nametab_walk walk;

	trace_hop(&out->trace, MODEL_HOP_VPC, v->vpc->name, v->vpc);
	if (!v->vpc->dns_support) {
		out->action = RSLV_DROP;
		out->trace.what = "no-dns-support";
		return;
	}
	if (v->n_fw && rslv_firewall_check(v, qname, qlen, qtype, out))
		return;
	/* Every rule and autodefined zone on the name's suffixes, longest first. */
	dns_nametab_walk_init(&walk, &w->rules.nt, v->tag, qname, qlen);
	while ((e = dns_nametab_walk_next(&walk, NULL)) != NULL) {
		if (e->custom && !system) {
			out->trace.profile = e->profile;
			trace_hop(&out->trace, MODEL_HOP_RULE, e->custom->name, e->custom);
			if (e->custom->type == MODEL_RULE_FORWARD) {
				out->action = RSLV_FORWARD;
				out->rule = e->custom;
				out->trace.what = "forward";
				if (e->custom->endpoint)
					trace_hop(&out->trace, MODEL_HOP_OUTBOUND,
						  e->custom->endpoint->name, e->custom->endpoint);
				return;
			}
			system = e->custom; /* resolve locally from here on */
		}
		const struct rslv_zone *z =
			inbound && e->autodef_inbound ? e->autodef_inbound : e->autodef;

		if (z) {
			if (!system)
				out->trace.profile = e->profile;
			zone_hop(&out->trace, z);
			zone_answer(w, z, qname, qlen, qtype, out);
			return;
		}
	}
	internet_resolve(w, qname, qlen, qtype, out);
}

void
rslv_resolve_one(const struct rslv_world *w, size_t view, enum rslv_from from,
		 const uint8_t *qname, size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	resolve_one(w, view, from, qname, qlen, qtype, out);
}

/* Where a question comes from, as an index of rslv_rrset.chase. */
static size_t
chase_index(const struct rslv_world *w, size_t view, enum rslv_from from)
{
	if (from == RSLV_FROM_INTERNET || view >= w->n_views)
		return w->n_views * 2;
	return view * 2 + (from == RSLV_FROM_INBOUND);
}

/* Replace a CNAME answer by its chain precompiled for this origin and type. */
static void
chase_apply(size_t idx, uint16_t qtype, struct rslv_result *out)
{
	const struct rslv_rrset *s = out->answer;

	if (out->action != RSLV_ANSWER || !s || s->type != DNS_TYPE_CNAME || !s->chase ||
	    qtype == DNS_TYPE_CNAME || qtype == DNS_TYPE_ANY || !s->chase[idx])
		return;
	const struct rslv_chain *c = s->chase[idx];
	const struct rslv_chain_end *e = &c->ends[c->n_ends - 1];

	for (size_t i = 0; i + 1 < c->n_ends; i++) {
		if (c->ends[i].qtype == qtype) {
			e = &c->ends[i];
			break;
		}
	}
	out->rcode = e->rcode;
	out->answer = e->answer;
	out->zone = e->zone;
	out->trace.what = e->what;
	if (e->forward) {
		/* the rest of the chain lives on the rule's targets: forward the target */
		out->action = RSLV_FORWARD;
		out->rule = e->forward;
		out->fwd_name = e->target;
		out->fwd_name_len = e->target_len;
	}
	for (size_t i = 0; i < e->n_hops; i++)
		trace_hop(&out->trace, e->hops[i].kind, e->hops[i].ref, e->hops[i].target);
}

void
rslv_resolve(const struct rslv_world *w, size_t view, enum rslv_from from, const uint8_t *qname,
	     size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	resolve_one(w, view, from, qname, qlen, qtype, out);
	chase_apply(chase_index(w, view, from), qtype, out);
}

void
rslv_trace_print(const struct rslv_trace *t, char *buf, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < t->n && o < cap; i++) {
		const struct model_hop *h = &t->hops[i];

		o += (size_t)snprintf(buf + o, cap - o, "%s%s%s\n", model_hop_kind_str(h->kind),
				      h->ref ? ":" : "", h->ref ? h->ref : "");
	}
	if (o < cap && t->what)
		o += (size_t)snprintf(buf + o, cap - o, "what:%s%s%s\n", t->what,
				      t->endpoint ? " endpoint:" : "",
				      t->endpoint ? t->endpoint->name : "");
}
