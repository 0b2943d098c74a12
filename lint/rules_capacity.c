/*
 * lint/rules_capacity.c -- redundancy, capacity and timing of the path
 * on-prem <-> AWS: one inbound IP in use (HNS116), endpoints in one AZ
 * (HNS117), a single forward target (HNS118), load above an inbound ENI's
 * ceiling (HNS119) or the +2 resolver's per-source limit (HNS120), and
 * forwarder timeouts that do not fit the tunnel or the client (HNS121).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "lint/internal.h"

/* Connection-tracked (or NLB-fronted) inbound ENIs drop to about this many qps (R9). */
#define LINT_CONNTRACK_QPS 1500
/* Packets per second one ENI may send to the +2 resolver (not adjustable). */
#define LINT_VPC_DNS_PPS 1024
/* Time the AWS side needs to answer from a private zone, ms (an estimate). */
#define LINT_AWS_ANSWER_MS 5
/* A stub resolver's whole budget: glibc's default 2 tries of 5 s (resolv.conf(5)). */
#define LINT_CLIENT_BUDGET_MS 10000
/* Windows Server: 3 s per forwarder within 8 s (KB 2834250). */
#define LINT_WINDOWS_TARGETS 2

static const char *
lint_fwd_path(struct lint_ctx *c, const struct model_onprem_resolver *r, size_t j, const char *key)
{
	return lint_fmt(c, "onprem.resolvers.%s.forward.%zu.%s", r->name, j, key);
}

/* ------------------------------------------------------ redundancy */

void
lint_check_hns116(struct lint_ctx *c)
{
	const struct model *m = c->m;
	char addr[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *e = &m->resolver_endpoints[i];
		if (e->direction == MODEL_INBOUND && e->n_enis < 2)
			lint_emit(c, lint_key_loc(c, e->loc, "ips"),
				  lint_fmt(c, "resolver.endpoints.%s.ips", e->name),
				  lint_fmt(c, "inbound endpoint %s has a single IP address: an AZ "
					      "event or maintenance takes it down",
					   e->name),
				  "give it IPs in at least two AZs (AWS requires two)");
	}
	/* A forward with several targets that reaches an inbound endpoint by one IP only. */
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			if (f->n_to < 2)
				continue; /* HNS118 */
			for (size_t k = 0; k < f->n_to; k++) {
				const struct model_resolver_endpoint *e = lint_inbound_of(c, &f->to[k], 1);
				size_t same = 0;
				for (size_t q = 0; e != NULL && q < f->n_to; q++)
					same += lint_inbound_of(c, &f->to[q], 1) == e;
				if (e == NULL || same != 1 || e->n_enis < 2)
					continue;
				lint_emit(c, lint_item_loc(c, lint_key_loc(c, f->loc, "to"), k),
					  lint_fmt(c, "onprem.resolvers.%s.forward.%zu.to.%zu", r->name,
						   j, k),
					  lint_fmt(c,
						   "%s reaches inbound endpoint %s through %s only (one "
						   "of its %zu IPs): when that ENI's AZ fails, %s fails "
						   "with it although the endpoint is up",
						   r->name, e->name,
						   hns_addr_str(&f->to[k], addr, sizeof(addr)), e->n_enis,
						   f->zone[0] ? f->zone : "."),
					  lint_fmt(c, "list every IP of %s in the forward", e->name));
			}
		}
	}
}

void
lint_check_hns117(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *e = &m->resolver_endpoints[i];
		bool one = e->n_enis > 0;
		for (size_t j = 1; j < e->n_enis && one; j++)
			one = strcmp(e->enis[j].subnet->az, e->enis[0].subnet->az) == 0;
		if (!one)
			continue;
		bool in = e->direction == MODEL_INBOUND;
		lint_emit(c, lint_key_loc(c, e->loc, "ips"),
			  lint_fmt(c, "resolver.endpoints.%s.ips", e->name),
			  lint_fmt(c,
				   "every IP of %s endpoint %s is in %s: when that AZ fails, %s",
				   in ? "inbound" : "outbound", e->name, e->enis[0].subnet->az,
				   in ? "on-prem can resolve nothing in AWS"
				      : "every forwarded name fails in AWS"),
			  "put the endpoint's IPs in subnets of at least two AZs");
	}
}

void
lint_check_hns118(struct lint_ctx *c)
{
	const struct model *m = c->m;
	char addr[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			if (f->n_to != 1)
				continue;
			lint_emit(c, lint_key_loc(c, f->loc, "to"), lint_fwd_path(c, r, j, "to"),
				  lint_fmt(c,
					   "%s forwards %s to %s only: when it is down or its AZ "
					   "fails, every query for the zone times out",
					   r->name, f->zone[0] ? f->zone : ".",
					   hns_addr_str(&f->to[0], addr, sizeof(addr))),
				  "list at least two targets (an inbound endpoint's IPs in two AZs)");
		}
	}
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		if (r->type != MODEL_RULE_FORWARD || r->n_targets != 1)
			continue;
		lint_emit(c, lint_key_loc(c, r->loc, "targets"),
			  lint_fmt(c, "resolver.rules.%s.targets", r->name),
			  lint_fmt(c,
				   "rule %s forwards %s to %s only: when that server is down, "
				   "Resolver has no other target and the queries fail (SERVFAIL)",
				   lint_rule_label(c, r), r->domain[0] ? r->domain : ".",
				   hns_addr_str(&r->targets[0], addr, sizeof(addr))),
			  "list at least two on-prem resolvers as targets");
	}
}

/* --------------------------------------------------------- capacity */

/* Per-ENI query rate of every resolver endpoint under one load profile. */
struct lint_eni_load {
	size_t *offset; /* per resolver endpoint: index of its first ENI in qps */
	double *qps;
};

static void
lint_eni_add(const struct lint_ctx *c, struct lint_eni_load *l, const struct hns_addr *ip,
	     double qps)
{
	const struct lint_addr_entry *e = lint_addr_find(c, ip);
	for (; e != NULL && e < c->addrs + c->n_addrs && hns_addr_equal(&e->ip, ip); e++) {
		if (e->kind != LINT_ADDR_INBOUND)
			continue;
		const struct model_resolver_endpoint *r = e->obj;
		size_t ri = (size_t)(r - c->m->resolver_endpoints);
		l->qps[l->offset[ri] + (size_t)(e->eni - r->enis)] += qps;
		return;
	}
}

static void
lint_load_spread(const struct lint_ctx *c, struct lint_eni_load *l, const struct model_load *ld)
{
	if (ld->from.kind == MODEL_FROM_INBOUND) {
		const struct model_resolver_endpoint *r = ld->from.inbound;
		if (ld->from.inbound_eni != NULL) {
			lint_eni_add(c, l, &ld->from.inbound_eni->ip, ld->qps);
		} else {
			for (size_t k = 0; k < r->n_enis; k++)
				lint_eni_add(c, l, &r->enis[k].ip, (double)ld->qps / (double)r->n_enis);
		}
		return;
	}
	if (ld->from.kind != MODEL_FROM_ONPREM || ld->from.resolver == NULL || ld->has_target)
		return;
	double total = 0;
	for (size_t k = 0; k < ld->n_mix; k++)
		total += ld->mix[k].weight;
	for (size_t k = 0; k < ld->n_mix && total > 0; k++) {
		const struct model_forward *f = lint_onprem_forward(ld->from.resolver, ld->mix[k].query);
		if (f == NULL || f->n_to == 0)
			continue;
		double qps = ld->qps * ld->mix[k].weight / total;
		if (f->policy == MODEL_POLICY_SEQUENTIAL) {
			lint_eni_add(c, l, &f->to[0], qps);
		} else {
			for (size_t t = 0; t < f->n_to; t++)
				lint_eni_add(c, l, &f->to[t], qps / (double)f->n_to);
		}
	}
}

static void
lint_hns119_load(struct lint_ctx *c, struct lint_eni_load *l, const struct model_load *ld,
		 size_t n_enis)
{
	const struct model *m = c->m;
	char addr[HNS_ADDR_STRLEN];

	memset(l->qps, 0, n_enis * sizeof(*l->qps));
	lint_load_spread(c, l, ld);
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *r = &m->resolver_endpoints[i];
		uint32_t cap = r->qps_per_ip;
		if (r->conntrack && cap > LINT_CONNTRACK_QPS)
			cap = LINT_CONNTRACK_QPS;
		size_t worst = SIZE_MAX;
		for (size_t k = 0; k < r->n_enis; k++)
			if (l->qps[l->offset[i] + k] > cap &&
			    (worst == SIZE_MAX || l->qps[l->offset[i] + k] > l->qps[l->offset[i] + worst]))
				worst = k;
		if (worst == SIZE_MAX)
			continue;
		lint_emit(c, lint_key_loc(c, ld->loc, "qps"), lint_fmt(c, "load.%s.qps", ld->name),
			  lint_fmt(c,
				   "load %s sends about %.0f qps to %s of inbound endpoint %s, above "
				   "its %u qps per ENI%s: the excess is dropped and clients time out",
				   ld->name, l->qps[l->offset[i] + worst],
				   hns_addr_str(&r->enis[worst].ip, addr, sizeof(addr)), r->name, cap,
				   r->conntrack ? " (connection tracking: about 1,500 qps per ENI)" : ""),
			  r->conntrack ? "open the endpoint's security group (TCP/UDP 53 from "
				       "0.0.0.0/0, no tracking) or add ENIs and spread the targets"
				     : "add ENIs to the endpoint and spread the forward targets "
				       "(round robin) so peaks stay under half the capacity");
	}
}

void
lint_check_hns119(struct lint_ctx *c)
{
	const struct model *m = c->m;
	struct lint_eni_load l = { 0 };
	size_t n = 0;

	if (m->n_loads == 0 || m->n_resolver_endpoints == 0)
		return;
	l.offset = calloc(m->n_resolver_endpoints, sizeof(*l.offset));
	for (size_t i = 0; l.offset && i < m->n_resolver_endpoints; i++) {
		l.offset[i] = n;
		n += m->resolver_endpoints[i].n_enis;
	}
	l.qps = calloc(n + 1, sizeof(*l.qps));
	if (l.offset == NULL || l.qps == NULL) {
		c->err = HNS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m->n_loads; i++)
		lint_hns119_load(c, &l, &m->loads[i], n);
out:
	free(l.offset);
	free(l.qps);
}

void
lint_check_hns120(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_loads; i++) {
		const struct model_load *ld = &m->loads[i];
		if (ld->from.kind != MODEL_FROM_VPC || ld->has_target || ld->qps <= LINT_VPC_DNS_PPS)
			continue;
		if (ld->from.vpc->n_dhcp_dns > 0 && !ld->from.vpc->dhcp_dns[0].amazon)
			continue; /* its DHCP servers take it, not the +2 (HNS172) */
		lint_emit(c, lint_key_loc(c, ld->loc, "qps"), lint_fmt(c, "load.%s.qps", ld->name),
			  lint_fmt(c,
				   "load %s sends %u qps from one source in VPC %s to its +2 "
				   "resolver, which accepts 1,024 packets per second per network "
				   "interface: the rest is dropped (\"temporary failure in name "
				   "resolution\")",
				   ld->name, ld->qps, ld->from.vpc->name),
			  "cache on the client (a local caching resolver), or spread the load over "
			  "more instances");
	}
}

/* ------------------------------------------------------------ timing */

static void
lint_hns121_forward(struct lint_ctx *c, const struct model_onprem_resolver *r, size_t j,
		    const struct model_tunnel *t)
{
	const struct model_forward *f = &r->forwards[j];
	const char *zone = f->zone[0] ? f->zone : ".";
	struct model_timing tm; /* the profile's timing, as the emulation's */

	model_forward_timing(r, f, &tm);
	if (r->profile == MODEL_PROFILE_WINDOWS) {
		if (f->n_to > LINT_WINDOWS_TARGETS)
			lint_emit(c, lint_key_loc(c, f->loc, "to"), lint_fwd_path(c, r, j, "to"),
				  lint_fmt(c,
					   "%s (Windows) gives each forwarder %u s within %u s overall: "
					   "of the %zu targets for %s, the third and later are barely "
					   "tried, and a dead first target adds %u s to every query",
					   r->name, tm.timeout_ms / 1000, tm.overall_ms / 1000, f->n_to,
					   zone, tm.timeout_ms / 1000),
				  "list two targets (the inbound endpoint's IPs in two AZs)");
		return;
	}
	const struct model_resolver_endpoint *in = lint_inbound_of(c, f->to, f->n_to);
	if (in != NULL && t != NULL) {
		double need = 2 * (t->latency_ms + t->jitter_ms) + LINT_AWS_ANSWER_MS;
		struct lint_match mt = lint_view_match(c, in->vpc, f->zone, true);
		if (mt.kind == LINT_MATCH_FORWARD)
			need += 2 * (t->latency_ms + t->jitter_ms); /* sent on, back over the VPN */
		if ((double)tm.timeout_ms < need) {
			lint_emit(c, lint_key_loc(c, f->loc, "timeout_ms"),
				  lint_fwd_path(c, r, j, "timeout_ms"),
				  lint_fmt(c,
					   "%s waits %u ms for %s, but the round trip over %s plus "
					   "the AWS side takes about %.0f ms: answers arrive after "
					   "the forwarder gave up, so healthy targets look dead",
					   r->name, tm.timeout_ms, zone, t->name, need),
				  lint_fmt(c, "set timeout_ms to at least %.0f (twice that is safer)",
					   need));
			return;
		}
	}
	if ((uint64_t)tm.timeout_ms * tm.attempts > LINT_CLIENT_BUDGET_MS)
		lint_emit(c, lint_key_loc(c, f->loc, "attempts"), lint_fwd_path(c, r, j, "attempts"),
			  lint_fmt(c,
				   "%s may spend %u x %u ms on %s before it answers: a client "
				   "(glibc: 2 tries of 5 s) has given up by then",
				   r->name, tm.attempts, tm.timeout_ms, zone),
			  "keep attempts x timeout_ms under 10 s (e.g. 2 x 2000 ms)");
}

void
lint_check_hns121(struct lint_ctx *c)
{
	const struct model *m = c->m;
	const struct model_tunnel *t = lint_active_tunnel(m);

	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		for (size_t j = 0; j < m->onprem.resolvers[i].n_forwards; j++)
			lint_hns121_forward(c, &m->onprem.resolvers[i], j, t);
}
