/*
 * lint/rules_ipv6.c -- dual-stack mistakes: a DNS record IP type that the
 * endpoint's IP address type does not allow (HNS175), an expectation of
 * AAAA (or A) records that the endpoint's names never carry (HNS176), and
 * an on-prem forward that lists one inbound ENI under both its addresses
 * (HNS177).
 */
#include "config.h"

#include <string.h>

#include "lint/internal.h"
#include "model/ipv6.h"

void
lint_check_hns175(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];

		if (e->type != MODEL_ENDPOINT_INTERFACE ||
		    model_dns_ip_type_fits(e->ip_address_type, e->dns_record_ip_type))
			continue;
		lint_emit(c, lint_key_loc(c, e->loc, "dns_record_ip_type"),
			  lint_fmt(c, "endpoints.%s.dns_record_ip_type", e->name),
			  lint_fmt(c,
				   "endpoint %s has dns_record_ip_type %s but ip_address_type %s: AWS "
				   "refuses the endpoint (%s records need %s ENIs)",
				   e->name, model_dns_ip_type_name(e->dns_record_ip_type),
				   model_ip_type_name(e->ip_address_type),
				   model_dns_ip_type_name(e->dns_record_ip_type),
				   e->dns_record_ip_type == MODEL_DNS_IPV4   ? "IPv4 or dual-stack"
				   : e->dns_record_ip_type == MODEL_DNS_IPV6 ? "IPv6 or dual-stack"
									     : "dual-stack"),
			  lint_fmt(c, "set ip_address_type: dualstack on %s (with an ipv6_cidr on "
				      "its subnets), or a dns_record_ip_type its ENIs can carry",
				   e->name));
	}
}

/* Whether qname is one of the endpoint's vpce names (regional or zonal), not a private DNS name. */
static bool
is_vpce_name(const char *qname)
{
	static const char suffix[] = ".vpce.amazonaws.com";
	size_t n = strlen(qname), s = sizeof(suffix) - 1;

	return n > s && strcmp(qname + n - s, suffix) == 0;
}

void
lint_check_hns176(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->n_expects; i++) {
		const struct model_expect *x = &m->expects[i];
		const struct model_endpoint *e = x->answer.endpoint;
		bool v6 = x->qtype == 28, some = false; /* AAAA */

		if ((x->answer.kind != MODEL_ANSWER_ENDPOINT &&
		     x->answer.kind != MODEL_ANSWER_ENDPOINT_AZ) ||
		    e == NULL || (x->qtype != 1 && !v6))
			continue;
		for (size_t k = 0; k < e->n_enis; k++)
			some |= v6 ? e->enis[k].ip6.family != 0 : e->enis[k].ip.family == AF_INET;
		if (some && model_dns_ip_type_has(e->dns_record_ip_type, !is_vpce_name(x->qname), v6))
			continue;
		lint_emit(c, x->loc, lint_fmt(c, "expect[%zu]", i),
			  lint_fmt(c,
				   "expectation '%s' wants the %s addresses of endpoint %s for %s, "
				   "but %s: the answer is NODATA and the expectation can never hold",
				   x->name, v6 ? "IPv6" : "IPv4", e->name, x->qname,
				   !some ? lint_fmt(c, "its ENIs have none (ip_address_type %s)",
						    model_ip_type_name(e->ip_address_type))
					 : lint_fmt(c, "its dns_record_ip_type %s gives this name no %s "
						       "records",
						    model_dns_ip_type_name(e->dns_record_ip_type),
						    v6 ? "AAAA" : "A")),
			  lint_fmt(c, "expect %s for this query, or give %s the %s it needs",
				   "answer: empty", e->name,
				   !some ? "ip_address_type" : "dns_record_ip_type"));
	}
}

/* The inbound ENI that has a among its addresses, or NULL. */
static const struct model_eni *
inbound_eni_of(const struct model *m, const struct hns_addr *a)
{
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *r = &m->resolver_endpoints[i];

		for (size_t k = 0; r->direction == MODEL_INBOUND && k < r->n_enis; k++) {
			const struct model_eni *e = &r->enis[k];

			if (hns_addr_equal(&e->ip, a) ||
			    (e->ip6.family != 0 && hns_addr_equal(&e->ip6, a)))
				return e;
		}
	}
	return NULL;
}

void
lint_check_hns177(struct lint_ctx *c)
{
	const struct model *m = c->m;

	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		const struct model_onprem_resolver *r = &m->onprem.resolvers[i];

		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];

			for (size_t a = 0; a < f->n_to; a++) {
				const struct model_eni *e = inbound_eni_of(m, &f->to[a]);
				size_t b;

				for (b = 0; e != NULL && b < a; b++) {
					if (inbound_eni_of(m, &f->to[b]) == e &&
					    !hns_addr_equal(&f->to[a], &f->to[b]))
						break;
				}
				if (e == NULL || b == a)
					continue;
				lint_emit(c, lint_item_loc(c, lint_key_loc(c, f->loc, "to"), a),
					  lint_fmt(c, "onprem.resolvers.%s.forward[%zu].to[%zu]",
						   r->name, j, a),
					  lint_fmt(c,
						   "zone %s forwards to one inbound ENI (%s) under "
						   "both its IPv4 and IPv6 address: when that ENI or "
						   "its AZ fails, the resolver waits out two timeouts "
						   "before it tries another",
						   f->zone, e->subnet->name),
					  "list one address per inbound ENI, and ENIs in two AZs");
			}
		}
	}
}
