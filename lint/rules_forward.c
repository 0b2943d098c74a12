/*
 * lint/rules_forward.c -- where forwarded queries go: on-prem forward
 * targets and Resolver rule targets (HNS101, HNS102), what the inbound
 * endpoint's VPC holds for a zone on-prem forwards to it (HNS103, HNS104),
 * and "." or amazonaws.com forwarded out of AWS (HNS108).
 */
#include "config.h"

#include <string.h>

#include "dns/wire.h"
#include "lint/internal.h"

/* ------------------------------------------------------------ targets */

/* One forward target: where it is written and whose it is. */
struct lint_target {
	const struct hns_addr *ip;
	const char *path;
	struct model_loc loc;
	const char *owner; /* "dc1-dns forwards corp.example.com", "rule corp" */
	bool from_onprem;
	const struct model_vpc *vpc; /* a resolver placed in a VPC sends from there (HNS171) */
};

typedef void (*lint_target_fn)(struct lint_ctx *c, const struct lint_target *t);

/* Every on-prem forward target, default upstream and Resolver rule target. */
static void
lint_targets_each(struct lint_ctx *c, lint_target_fn fn)
{
	const struct model *m = c->m;
	char addr[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			struct model_loc key = lint_key_loc(c, f->loc, "to");
			for (size_t k = 0; k < f->n_to; k++) {
				struct lint_target t = {
					&f->to[k],
					lint_fmt(c, "onprem.resolvers.%s.forward.%zu.to.%zu", r->name, j,
						 k),
					lint_item_loc(c, key, k),
					lint_fmt(c, "%s forwards %s", r->name,
						 f->zone[0] ? f->zone : "."),
					r->vpc == NULL,
					r->vpc,
				};
				fn(c, &t);
			}
		}
		struct model_loc key = lint_key_loc(c, r->loc, "default");
		for (size_t k = 0; k < r->n_default_upstreams; k++) {
			struct lint_target t = {
				&r->default_upstreams[k],
				lint_fmt(c, "onprem.resolvers.%s.default.%zu", r->name, k),
				lint_item_loc(c, key, k),
				lint_fmt(c, "%s sends everything else", r->name),
				r->vpc == NULL,
				r->vpc,
			};
			fn(c, &t);
		}
	}
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		struct model_loc key = lint_key_loc(c, r->loc, "targets");
		for (size_t k = 0; k < r->n_targets; k++) {
			struct lint_target t = {
				&r->targets[k],
				lint_fmt(c, "resolver.rules.%s.targets.%zu", r->name, k),
				lint_item_loc(c, key, k),
				lint_fmt(c, "rule %s (%s)", lint_rule_label(c, r), r->domain[0] ? r->domain : "."),
				false,
				NULL,
			};
			fn(c, &t);
		}
	}
	(void)addr;
}

static void
lint_hns101_target(struct lint_ctx *c, const struct lint_target *t)
{
	char addr[HNS_ADDR_STRLEN];
	const struct lint_addr_entry *e = lint_addr_find(c, t->ip);

	if (!t->from_onprem || e == NULL || e->kind != LINT_ADDR_VPC_DNS)
		return;
	const struct model_vpc *v = e->obj;
	lint_emit(c, t->loc, t->path,
		  lint_fmt(c,
			   "%s to %s, the +2 resolver of VPC %s: it answers only sources inside "
			   "%s (forwarding to it from on-prem is not supported), so every such "
			   "query times out and fails with SERVFAIL",
			   t->owner, hns_addr_str(t->ip, addr, sizeof(addr)), v->name, v->name),
		  lint_fmt(c,
			   "forward to the IP addresses of a Route 53 Resolver inbound endpoint "
			   "in %s (at least two, in two AZs)",
			   v->name));
}

void
lint_check_hns101(struct lint_ctx *c)
{
	lint_targets_each(c, lint_hns101_target);
}

/* The VPC whose CIDR holds `ip`, NULL if none. */
static const struct model_vpc *
lint_vpc_holding(const struct lint_ctx *c, const struct hns_addr *ip)
{
	for (size_t i = 0; i < c->m->n_vpcs; i++)
		if (hns_cidr_contains(&c->m->vpcs[i].cidr, ip))
			return &c->m->vpcs[i];
	return NULL;
}

static void
lint_hns102_target(struct lint_ctx *c, const struct lint_target *t)
{
	char addr[HNS_ADDR_STRLEN];
	const struct lint_addr_entry *e = lint_addr_find(c, t->ip);
	const char *what = NULL;

	if (hns_addr_is_loopback(t->ip))
		return; /* a real server, used as is */
	hns_addr_str(t->ip, addr, sizeof(addr));
	if (e != NULL && e->kind == LINT_ADDR_OUTBOUND) {
		const struct model_resolver_endpoint *r = e->obj;
		what = lint_fmt(c,
				"%s is an IP of outbound endpoint %s: outbound endpoints only send "
				"queries out of VPC %s and answer none",
				addr, r->name, r->vpc->name);
	} else if (e != NULL && e->kind == LINT_ADDR_INTERFACE) {
		const struct model_endpoint *x = e->obj;
		what = lint_fmt(c,
				"%s is an ENI of interface endpoint %s (%s): it carries the "
				"service's HTTPS traffic and answers no DNS",
				addr, x->name, x->service_short);
	} else if (e != NULL && e->kind == LINT_ADDR_VPC_DNS && !t->from_onprem && t->vpc == NULL) {
		const struct model_vpc *v = e->obj;
		what = lint_fmt(c,
				"%s is the +2 resolver of VPC %s: forwarding to it from outside "
				"that VPC is not supported and is not answered",
				addr, v->name);
	} else if (e == NULL) {
		const struct model_vpc *v = lint_vpc_holding(c, t->ip);
		const struct model_onprem *o = &c->m->onprem;
		if (v != NULL)
			what = lint_fmt(c,
					"%s is an address in VPC %s that no Resolver inbound endpoint "
					"holds: nothing answers DNS there",
					addr, v->name);
		else if (o->has_cidr && hns_cidr_contains(&o->cidr, t->ip))
			what = lint_fmt(c,
					"%s is an on-prem address that no on-prem resolver holds: "
					"nothing answers DNS there",
					addr);
	}
	if (what == NULL)
		return;
	lint_emit(c, t->loc, t->path,
		  lint_fmt(c, "%s to %s; %s, so the query times out (SERVFAIL)", t->owner, addr,
			   what),
		  t->from_onprem ? "forward to the IPs of an inbound Resolver endpoint or of an "
				   "on-prem resolver"
				 : "target the on-prem resolvers (or an inbound endpoint's IPs)");
}

void
lint_check_hns102(struct lint_ctx *c)
{
	lint_targets_each(c, lint_hns102_target);
}

/* ---------------------------------------------- what the inbound VPC holds */

/* A private zone or private-DNS name anywhere in the model, above or below `zone`. */
static const char *
lint_private_holder(struct lint_ctx *c, const char *zone)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < c->n_phz; i++) {
		const struct model_zone *z = c->phz_sorted[i];
		if (dns_str_is_subdomain(z->name, zone) || dns_str_is_subdomain(zone, z->name)) {
			const char *vpcs = "";
			for (size_t j = 0; j < z->n_vpcs; j++)
				vpcs = lint_fmt(c, "%s%s%s", vpcs, j ? ", " : "", z->vpcs[j]->name);
			return lint_fmt(c, "private hosted zone %s is associated with %s", z->name,
					vpcs);
		}
	}
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		if (e->type != MODEL_ENDPOINT_INTERFACE || !e->private_dns)
			continue;
		for (size_t j = 0; j < e->n_dns_names; j++)
			if (dns_str_is_subdomain(e->dns_names[j].name, zone) ||
			    dns_str_is_subdomain(zone, e->dns_names[j].name))
				return lint_fmt(c,
						"the private DNS of endpoint %s (%s) is active only in "
						"VPC %s",
						e->name, e->dns_names[j].name, e->vpc->name);
	}
	return NULL;
}

/* Calls fn for each on-prem forward whose targets include an inbound endpoint. */
static void
lint_inbound_forwards(struct lint_ctx *c, bool holder_wanted)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			const struct model_resolver_endpoint *in = lint_inbound_of(c, f->to, f->n_to);
			if (in == NULL || !in->vpc->dns_support)
				continue;
			struct lint_match mt = lint_view_match(c, in->vpc, f->zone, true);
			if (mt.kind == LINT_MATCH_PHZ || mt.kind == LINT_MATCH_PRIVDNS ||
			    mt.kind == LINT_MATCH_FORWARD)
				continue; /* answered privately, or sent on (see HNS105) */
			if (lint_view_has_below(c, in->vpc, f->zone, true))
				continue;
			const char *zone = f->zone[0] ? f->zone : ".";
			const char *holder = lint_private_holder(c, f->zone);
			if ((holder != NULL) != holder_wanted)
				continue;
			struct model_loc loc = lint_key_loc(c, f->loc, "zone");
			const char *path = lint_fmt(c, "onprem.resolvers.%s.forward.%zu.zone", r->name, j);
			if (holder_wanted)
				lint_emit(c, loc, path,
					  lint_fmt(c,
						   "%s forwards %s to inbound endpoint %s, which "
						   "resolves in VPC %s's view, but %s: on-prem gets "
						   "the public answer or NXDOMAIN",
						   r->name, zone, in->name, in->vpc->name, holder),
					  lint_fmt(c,
						   "associate the private zone with VPC %s, or forward "
						   "to an inbound endpoint in a VPC that has it",
						   in->vpc->name));
			else
				lint_emit(c, loc, path,
					  lint_fmt(c,
						   "%s forwards %s to inbound endpoint %s, but nothing "
						   "on the AWS side holds %s privately (no private "
						   "hosted zone, no endpoint private DNS): the answer is "
						   "the public one, only slower",
						   r->name, zone, in->name, zone),
					  "add the private hosted zone or interface endpoint the "
					  "forward is meant for, or drop the forward");
		}
	}
}

void
lint_check_hns103(struct lint_ctx *c)
{
	lint_inbound_forwards(c, true);
}

void
lint_check_hns104(struct lint_ctx *c)
{
	lint_inbound_forwards(c, false);
}

/* ------------------------------------------------------ "." to on-prem */

static bool
lint_is_wholesale(const char *domain)
{
	return domain[0] == '\0' || strcmp(domain, "com") == 0 ||
	       strcmp(domain, "amazonaws.com") == 0;
}

/* Whether the rule sends queries out of AWS (a target that is no AWS address). */
static bool
lint_rule_leaves_aws(const struct lint_ctx *c, const struct model_rule *r)
{
	for (size_t k = 0; k < r->n_targets; k++) {
		const struct lint_addr_entry *e = lint_addr_find(c, &r->targets[k]);
		if (e == NULL || e->kind == LINT_ADDR_ONPREM)
			return true;
	}
	return false;
}

void
lint_check_hns108(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		if (r->type != MODEL_RULE_FORWARD || !lint_is_wholesale(r->domain) ||
		    !lint_rule_leaves_aws(c, r))
			continue;
		const char *missing = NULL;
		for (size_t j = 0; j < r->n_vpcs; j++) {
			const struct lint_vpc_view *v = &c->views[r->vpcs[j]->index];
			bool sys = false;
			for (size_t k = 0; k < v->n_rules && !sys; k++)
				sys = v->rules[k]->type == MODEL_RULE_SYSTEM &&
				      dns_str_is_subdomain(v->rules[k]->domain, "amazonaws.com") &&
				      strlen(v->rules[k]->domain) > strlen(r->domain);
			if (!sys)
				missing = lint_fmt(c, "%s%s%s", missing ? missing : "",
						   missing ? ", " : "", r->vpcs[j]->name);
		}
		if (missing == NULL)
			continue;
		lint_emit(c, lint_key_loc(c, r->loc, "domain"),
			  lint_fmt(c, "resolver.rules.%s.domain", r->name),
			  lint_fmt(c,
				   "rule %s forwards %s to on-prem in %s without a SYSTEM rule for "
				   "amazonaws.com: AWS service names (sts, s3, ssm, ...) leave AWS "
				   "and come back as public addresses, slower and through the "
				   "outbound endpoint",
				   lint_rule_label(c, r), r->domain[0] ? r->domain : "\".\"", missing),
			  lint_fmt(c,
				   "add a SYSTEM rule for amazonaws.com associated with %s "
				   "(names of private zones and endpoint private DNS stay local)",
				   missing));
	}
}
