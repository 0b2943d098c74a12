/*
 * harness/lint_world_json.c -- `hybridns lint --format json`: the whole
 * model (every address, derived id and name, record, expectation and load
 * field, in the shape documented in docs/scenario.md, "lint --format
 * json"), with the findings' "findings" and "suppressed" arrays last.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/addr.h"
#include "common/error.h"
#include "dns/names.h"
#include "harness/expect.h"
#include "harness/json.h"
#include "harness/lint_report.h"
#include "harness/lint_world.h"
#include "model/model.h"
#include "model/names.h"

/* ================================================================ json */

static void
lint_json_addr(struct json_writer *w, const char *key, const struct hns_addr *a, bool port)
{
	char buf[HNS_ADDR_STRLEN];
	json_kv_string(w, key, port ? hns_addr_port_str(a, buf, sizeof(buf))
				    : hns_addr_str(a, buf, sizeof(buf)));
}

static void
lint_json_cidr(struct json_writer *w, const char *key, const struct hns_cidr *c)
{
	char buf[64];
	json_kv_string(w, key, hns_cidr_str(c, buf, sizeof(buf)));
}

static void
lint_json_addr_list(struct json_writer *w, const char *key, const struct hns_addr *a, size_t n)
{
	char buf[HNS_ADDR_STRLEN];
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_value_string(w, hns_addr_port_str(&a[i], buf, sizeof(buf)));
	json_array_end(w);
}

static void
lint_json_vpc_names(struct json_writer *w, const char *key, struct model_vpc *const *v, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_value_string(w, v[i]->name);
	json_array_end(w);
}

static void
lint_json_type(struct json_writer *w, const char *key, uint16_t type)
{
	char buf[32];
	json_kv_string(w, key, dns_type_name(type, buf, sizeof(buf)));
}

static void
lint_json_vpcs(struct json_writer *w, const struct model *m)
{
	json_key(w, "vpcs");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_vpcs; i++) {
		const struct model_vpc *v = &m->vpcs[i];
		json_object_begin(w);
		json_kv_string(w, "name", v->name);
		json_kv_string(w, "id", v->id);
		json_kv_string(w, "region", v->region);
		lint_json_cidr(w, "cidr", &v->cidr);
		lint_json_addr(w, "dns_address", &v->dns_addr, false);
		json_kv_bool(w, "dns_support", v->dns_support);
		json_kv_bool(w, "dns_hostnames", v->dns_hostnames);
		if (v->n_dhcp_dns == 0) {
			json_kv_null(w, "dhcp_domain_name_servers"); /* AmazonProvidedDNS */
		} else {
			json_key(w, "dhcp_domain_name_servers");
			json_array_begin(w);
			for (size_t j = 0; j < v->n_dhcp_dns; j++) {
				char a[HNS_ADDR_STRLEN];

				json_value_string(w, v->dhcp_dns[j].amazon
							     ? "AmazonProvidedDNS"
							     : hns_addr_str(&v->dhcp_dns[j].addr, a, sizeof(a)));
			}
			json_array_end(w);
		}
		json_key(w, "subnets");
		json_array_begin(w);
		for (size_t j = 0; j < v->n_subnets; j++) {
			json_object_begin(w);
			json_kv_string(w, "name", v->subnets[j].name);
			json_kv_string(w, "az", v->subnets[j].az);
			lint_json_cidr(w, "cidr", &v->subnets[j].cidr);
			json_object_end(w);
		}
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);

	json_key(w, "peerings");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_peerings; i++) {
		json_array_begin(w);
		json_value_string(w, m->peerings[i].a->name);
		json_value_string(w, m->peerings[i].b->name);
		json_array_end(w);
	}
	json_array_end(w);
}

/* ENIs of interface or resolver endpoints: subnet, az, ip, id (and zonal name). */
static void
lint_json_enis(struct json_writer *w, const struct model_eni *enis, size_t n, bool zonal)
{
	json_key(w, "enis");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct model_eni *e = &enis[i];
		json_object_begin(w);
		json_kv_string(w, "subnet", e->subnet->name);
		json_kv_string(w, "az", e->subnet->az);
		lint_json_addr(w, "ip", &e->ip, false);
		json_kv_string(w, "id", e->id);
		if (zonal)
			json_kv_string(w, "zonal_name", e->zonal_name);
		json_object_end(w);
	}
	json_array_end(w);
}

static void
lint_json_endpoints(struct json_writer *w, const struct model *m)
{
	json_key(w, "endpoints");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *e = &m->endpoints[i];
		bool itf = e->type == MODEL_ENDPOINT_INTERFACE;
		json_object_begin(w);
		json_kv_string(w, "name", e->name);
		json_kv_string(w, "type", itf ? "interface" : "gateway");
		json_kv_string(w, "service", e->service);
		json_kv_string(w, "service_short", e->service_short);
		json_kv_string(w, "service_region", e->service_region);
		json_kv_string(w, "id", e->id);
		json_kv_string(w, "dns_suffix", e->dns_suffix);
		json_kv_string(w, "vpc", e->vpc->name);
		if (itf) {
			json_kv_bool(w, "private_dns", e->private_dns);
			json_kv_bool(w, "private_dns_only_for_inbound", e->private_dns_only_for_inbound);
			json_kv_string(w, "regional_name", e->regional_name);
			lint_json_enis(w, e->enis, e->n_enis, true);
			json_key(w, "dns_names");
			json_array_begin(w);
			for (size_t j = 0; j < e->n_dns_names; j++) {
				json_object_begin(w);
				json_kv_string(w, "name", e->dns_names[j].name);
				json_kv_bool(w, "wildcard", e->dns_names[j].wildcard);
				json_object_end(w);
			}
			json_array_end(w);
		} else {
			json_key(w, "subnets");
			json_array_begin(w);
			for (size_t j = 0; j < e->n_gateway_subnets; j++)
				json_value_string(w, e->gateway_subnets[j]->name);
			json_array_end(w);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

/* The rdata fields of rr in presentation form, separated by spaces (malloc'd). */
static char *
lint_rdata_str(const ldns_rr *rr)
{
	char *acc = NULL;
	size_t len = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *f = ldns_rdf2str(ldns_rr_rdf(rr, i));
		if (!f)
			continue;
		size_t fl = strlen(f);
		char *n = realloc(acc, len + fl + 2);
		if (!n) {
			free(f);
			break;
		}
		acc = n;
		if (len)
			acc[len++] = ' ';
		memcpy(acc + len, f, fl + 1);
		len += fl;
		free(f);
	}
	return acc;
}

/* One ordinary record: {owner, ttl, class, type, rdata}. */
static void
lint_json_rr(struct json_writer *w, const char *owner, const ldns_rr *rr, uint32_t ttl,
	     bool ttl_given)
{
	char buf[32];
	char *cls = ldns_rr_class2str(ldns_rr_get_class(rr));
	char *rdata = lint_rdata_str(rr);

	json_kv_string(w, "owner", owner);
	json_kv_uint(w, "ttl", ttl);
	json_kv_bool(w, "ttl_given", ttl_given);
	json_kv_string(w, "class", cls ? cls : "IN");
	json_kv_string(w, "type",
		       dns_type_name((uint16_t)ldns_rr_get_type(rr), buf, sizeof(buf)));
	json_kv_string(w, "rdata", rdata ? rdata : "");
	free(cls);
	free(rdata);
}

static void
lint_json_zone(struct json_writer *w, const struct model_zone *z)
{
	json_object_begin(w);
	json_kv_string(w, "name", z->name);
	json_kv_string(w, "kind", model_zone_kind_str(z->kind));
	if (z->kind == MODEL_ZONE_PRIVATE)
		lint_json_vpc_names(w, "vpcs", z->vpcs, z->n_vpcs);
	json_key(w, "soa");
	if (z->soa) {
		json_object_begin(w);
		json_kv_bool(w, "given", z->soa_given);
		lint_json_rr(w, z->name, z->soa, ldns_rr_ttl(z->soa), z->soa_given);
		json_object_end(w);
	} else {
		json_value_null(w);
	}
	json_key(w, "records");
	json_array_begin(w);
	for (size_t i = 0; i < z->n_records; i++) {
		const struct model_record *r = &z->records[i];
		json_object_begin(w);
		if (r->rr) {
			lint_json_rr(w, r->owner, r->rr, r->ttl, r->ttl_given);
		} else {
			json_kv_string(w, "owner", r->owner);
			json_kv_uint(w, "ttl", r->ttl);
			json_kv_bool(w, "ttl_given", r->ttl_given);
			json_kv_string(w, "class", "IN");
			json_kv_string(w, "type", "ALIAS");
			json_key(w, "alias");
			json_object_begin(w);
			json_kv_string(w, "kind", model_alias_kind_str(r->alias));
			json_kv_string(w, "endpoint",
				       r->alias_endpoint ? r->alias_endpoint->name : NULL);
			json_kv_string(w, "az", r->alias_az);
			json_kv_string(w, "target", r->alias_target);
			json_object_end(w);
		}
		json_kv_uint(w, "line", r->loc.line);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_zones(struct json_writer *w, const char *key, const struct model_zone *z, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		lint_json_zone(w, &z[i]);
	json_array_end(w);
}

static void
lint_json_resolver(struct json_writer *w, const struct model *m)
{
	json_key(w, "resolver");
	json_object_begin(w);
	json_key(w, "endpoints");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_resolver_endpoints; i++) {
		const struct model_resolver_endpoint *r = &m->resolver_endpoints[i];
		json_object_begin(w);
		json_kv_string(w, "name", r->name);
		json_kv_string(w, "direction", r->direction == MODEL_INBOUND ? "inbound" : "outbound");
		json_kv_string(w, "vpc", r->vpc->name);
		json_kv_string(w, "id", r->id);
		json_kv_uint(w, "qps_per_ip", r->qps_per_ip);
		json_kv_bool(w, "conntrack", r->conntrack);
		json_kv_uint(w, "qps_ceiling_per_ip",
			     r->conntrack && r->qps_per_ip > 1500 ? 1500 : r->qps_per_ip);
		lint_json_enis(w, r->enis, r->n_enis, false);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "rules");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		json_object_begin(w);
		json_kv_string(w, "name", r->name);
		json_kv_string(w, "domain", r->domain);
		json_kv_string(w, "type", r->type == MODEL_RULE_FORWARD ? "forward" : "system");
		json_kv_string(w, "id", r->id);
		json_kv_string(w, "endpoint", r->endpoint ? r->endpoint->name : NULL);
		lint_json_addr_list(w, "targets", r->targets, r->n_targets);
		lint_json_vpc_names(w, "vpcs", r->vpcs, r->n_vpcs);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_onprem(struct json_writer *w, const struct model *m)
{
	const struct model_onprem *o = &m->onprem;

	json_key(w, "onprem");
	json_object_begin(w);
	if (o->has_cidr)
		lint_json_cidr(w, "cidr", &o->cidr);
	else
		json_kv_null(w, "cidr");
	json_key(w, "resolvers");
	json_array_begin(w);
	for (size_t i = 0; i < o->n_resolvers; i++) {
		const struct model_onprem_resolver *r = &o->resolvers[i];
		json_object_begin(w);
		json_kv_string(w, "name", r->name);
		lint_json_addr(w, "address", &r->address, true);
		/* a DNS server placed in a VPC; null on-prem */
		json_kv_string(w, "vpc", r->vpc ? r->vpc->name : NULL);
		json_kv_string(w, "subnet", r->subnet ? r->subnet->name : NULL);
		json_key(w, "forward");
		json_array_begin(w);
		for (size_t j = 0; j < r->n_forwards; j++) {
			const struct model_forward *f = &r->forwards[j];
			struct model_timing tm; /* the profile's timing, as the emulation's */
			model_forward_timing(r, f, &tm);
			json_object_begin(w);
			json_kv_string(w, "zone", f->zone);
			lint_json_addr_list(w, "to", f->to, f->n_to);
			json_kv_string(w, "policy", model_policy_str(tm.policy));
			json_kv_uint(w, "timeout_ms", tm.timeout_ms);
			json_kv_uint(w, "attempts", tm.attempts);
			json_object_end(w);
		}
		json_array_end(w);
		lint_json_zones(w, "zones", r->zones, r->n_zones);
		json_kv_string(w, "default", model_default_kind_str(r->default_kind));
		lint_json_addr_list(w, "default_upstreams", r->default_upstreams,
				    r->n_default_upstreams);
		json_kv_string(w, "profile",
			       r->profile == MODEL_PROFILE_WINDOWS ? "windows" : "standard");
		json_key(w, "health");
		json_object_begin(w);
		json_kv_uint(w, "fail_after", r->health.fail_after);
		json_kv_uint(w, "probe_ms", r->health.probe_ms);
		json_kv_uint(w, "rise", r->health.rise);
		json_object_end(w);
		json_key(w, "cache");
		json_object_begin(w);
		json_kv_bool(w, "enabled", r->cache.enabled);
		json_kv_uint(w, "max_entries", r->cache.max_entries);
		json_kv_uint(w, "min_ttl", r->cache.min_ttl);
		json_kv_uint(w, "max_ttl", r->cache.max_ttl);
		json_kv_uint(w, "negative_max_ttl", r->cache.negative_max_ttl);
		json_kv_bool(w, "serve_stale", r->cache.serve_stale);
		json_object_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_vpn(struct json_writer *w, const struct model *m)
{
	const struct model_vpn *v = &m->vpn;

	json_key(w, "vpn");
	if (!v->present) {
		json_value_null(w);
		return;
	}
	json_object_begin(w);
	lint_json_vpc_names(w, "vpcs", v->vpcs, v->n_vpcs);
	if (v->seed_given)
		json_kv_uint(w, "seed", v->seed);
	else
		json_kv_null(w, "seed");
	json_key(w, "tunnels");
	json_array_begin(w);
	for (size_t i = 0; i < v->n_tunnels; i++) {
		const struct model_tunnel *t = &v->tunnels[i];
		json_object_begin(w);
		json_kv_string(w, "name", t->name);
		json_kv_string(w, "state", model_tunnel_state_str(t->state));
		json_kv_double(w, "latency_ms", t->latency_ms);
		json_kv_double(w, "jitter_ms", t->jitter_ms);
		json_kv_double(w, "loss", t->loss);
		json_kv_double(w, "duplicate", t->duplicate);
		json_kv_double(w, "reorder", t->reorder);
		json_kv_uint(w, "mtu", t->mtu);
		json_kv_double(w, "bandwidth_mbps", t->bandwidth_mbps);
		json_kv_uint(w, "pps", t->pps);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void
lint_json_faults(struct json_writer *w, const char *key, const struct model_fault *f, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(w);
		json_kv_string(w, "text", f[i].text);
		json_kv_string(w, "kind", model_fault_kind_str(f[i].kind));
		if (f[i].eni)
			lint_json_addr(w, "ip", &f[i].eni->ip, false);
		json_object_end(w);
	}
	json_array_end(w);
}

/* An answer form; endpoint forms also list the addresses they stand for. */
static void
lint_json_answer(struct json_writer *w, const char *key, const struct model_answer *a)
{
	char buf[HNS_ADDR_STRLEN];

	json_key(w, key);
	json_object_begin(w);
	json_kv_string(w, "kind", model_answer_kind_str(a->kind));
	switch (a->kind) {
	case MODEL_ANSWER_LIST:
		json_key(w, "values");
		json_array_begin(w);
		for (size_t i = 0; i < a->n_values; i++)
			json_value_string(w, a->values[i]);
		json_array_end(w);
		break;
	case MODEL_ANSWER_ENDPOINT:
	case MODEL_ANSWER_ENDPOINT_AZ:
		json_kv_string(w, "endpoint", a->endpoint ? a->endpoint->name : NULL);
		if (a->kind == MODEL_ANSWER_ENDPOINT_AZ)
			json_kv_string(w, "az", a->az);
		json_key(w, "values");
		json_array_begin(w);
		for (size_t i = 0; a->endpoint && i < a->endpoint->n_enis; i++) {
			const struct model_eni *e = &a->endpoint->enis[i];
			if (a->kind == MODEL_ANSWER_ENDPOINT_AZ &&
			    (a->az == NULL || strcmp(e->subnet->az, a->az) != 0))
				continue;
			json_value_string(w, hns_addr_str(&e->ip, buf, sizeof(buf)));
		}
		json_array_end(w);
		break;
	default:
		break;
	}
	json_object_end(w);
}

static void
lint_json_ms(struct json_writer *w, const char *key, double v)
{
	if (v < 0)
		json_kv_null(w, key);
	else
		json_kv_double(w, key, v);
}

static void
lint_json_expects(struct json_writer *w, const struct model *m)
{
	char buf[160];

	json_key(w, "expect");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_expects; i++) {
		const struct model_expect *x = &m->expects[i];
		json_object_begin(w);
		json_kv_string(w, "name", x->name);
		json_kv_string(w, "from", model_from_str(&x->from, buf, sizeof(buf)));
		json_kv_string(w, "qname", x->qname);
		lint_json_type(w, "qtype", x->qtype);
		json_key(w, "given");
		json_object_begin(w);
		lint_json_faults(w, "down", x->given.down, x->given.n_down);
		json_object_end(w);
		json_kv_string(w, "rcode", x->rcode == MODEL_RCODE_TIMEOUT
						   ? "timeout"
						   : dns_rcode_name((unsigned)x->rcode, buf, sizeof(buf)));
		lint_json_answer(w, "answer", &x->answer);
		json_key(w, "via");
		json_array_begin(w);
		for (size_t j = 0; j < x->n_via; j++) {
			json_value_string(w, expect_via_text(&x->via[j], buf, sizeof(buf)));
		}
		json_array_end(w);
		lint_json_ms(w, "max_ms", x->max_ms);
		lint_json_ms(w, "ttl", (double)x->ttl);
		lint_json_ms(w, "ttl_max", (double)x->ttl_max);
		json_kv_uint(w, "line", x->loc.line);
		json_object_end(w);
	}
	json_array_end(w);
}

static void
lint_json_loads(struct json_writer *w, const struct model *m)
{
	char buf[160];

	json_key(w, "load");
	json_array_begin(w);
	for (size_t i = 0; i < m->n_loads; i++) {
		const struct model_load *l = &m->loads[i];
		json_object_begin(w);
		json_kv_string(w, "name", l->name);
		json_kv_string(w, "from", model_from_str(&l->from, buf, sizeof(buf)));
		if (l->has_target)
			lint_json_addr(w, "target", &l->target, true);
		else
			json_kv_null(w, "target");
		json_kv_uint(w, "qps", l->qps);
		json_kv_uint(w, "duration_ms", l->duration_ms);
		json_kv_uint(w, "ramp_ms", l->ramp_ms);
		json_key(w, "mix");
		json_array_begin(w);
		for (size_t j = 0; j < l->n_mix; j++) {
			json_object_begin(w);
			json_kv_string(w, "query", l->mix[j].query);
			lint_json_type(w, "qtype", l->mix[j].qtype);
			json_kv_uint(w, "weight", l->mix[j].weight);
			json_object_end(w);
		}
		json_array_end(w);
		json_key(w, "given");
		json_object_begin(w);
		lint_json_faults(w, "down", l->given.down, l->given.n_down);
		json_object_end(w);
		json_key(w, "events");
		json_array_begin(w);
		for (size_t j = 0; j < l->n_events; j++) {
			const struct model_event *e = &l->events[j];
			json_object_begin(w);
			json_kv_uint(w, "at_ms", e->at_ms);
			json_kv_string(w, "action", e->up ? "up" : "down");
			json_kv_string(w, "target", e->fault.text);
			json_kv_string(w, "kind", model_fault_kind_str(e->fault.kind));
			json_object_end(w);
		}
		json_array_end(w);
		json_key(w, "slo");
		json_object_begin(w);
		lint_json_ms(w, "p50_ms", l->slo.p50_ms);
		lint_json_ms(w, "p99_ms", l->slo.p99_ms);
		lint_json_ms(w, "p999_ms", l->slo.p999_ms);
		lint_json_ms(w, "max_loss", l->slo.max_loss);
		lint_json_ms(w, "min_qps", l->slo.min_qps);
		lint_json_answer(w, "answers", &l->slo.answers);
		json_object_end(w);
		json_object_end(w);
	}
	json_array_end(w);
}

int
lint_world_json(const struct model *m, const struct lint_findings *f, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out, true);
	json_object_begin(&w);
	json_kv_uint(&w, "format", 1);
	json_kv_string(&w, "file", m->file);
	json_kv_string(&w, "scenario", m->scenario);
	json_kv_string(&w, "description", m->description);
	json_kv_string(&w, "region", m->region);
	json_kv_string(&w, "account", m->account);
	json_key(&w, "defaults");
	json_object_begin(&w);
	json_kv_uint(&w, "vpce_ttl", m->defaults.vpce_ttl);
	json_kv_uint(&w, "record_ttl", m->defaults.record_ttl);
	json_kv_uint(&w, "negative_ttl", m->defaults.negative_ttl);
	json_kv_bool(&w, "nodata_for_other_types", m->defaults.nodata_for_other_types);
	json_object_end(&w);
	lint_json_vpcs(&w, m);
	lint_json_endpoints(&w, m);
	lint_json_zones(&w, "hosted_zones", m->zones, m->n_zones);
	lint_json_resolver(&w, m);
	lint_json_onprem(&w, m);
	lint_json_vpn(&w, m);
	json_key(&w, "internet");
	json_object_begin(&w);
	json_kv_bool(&w, "aws_public_names", m->internet.aws_public_names);
	lint_json_zones(&w, "zones", m->internet.zones, m->internet.n_zones);
	json_object_end(&w);
	lint_json_expects(&w, m);
	lint_json_loads(&w, m);
	lint_report_json(&w, m, f);
	json_object_end(&w);
	return json_writer_finish(&w);
}
