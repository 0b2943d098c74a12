/*
 * The loader against the complete example of docs/scenario.md
 * (tests/scenarios/format-example.yaml): every part of the model, plus
 * record details (block-scalar locations, relative owners, TTLs, default
 * SOA) and a few small buffers.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "common/addr.h"
#include "common/error.h"
#include "model/model.h"

static struct model *
load_example(void)
{
	struct model_errors e;
	struct model *m = NULL;
	int rc;

	model_errors_init(&e);
	rc = model_load_file(MODEL_SCENARIO_DIR "/format-example.yaml", &m, &e);
	model_errors_print(&e, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(e.n, 0);
	assert_non_null(m);
	model_errors_deinit(&e);
	return m;
}

static void
assert_addr(const struct hns_addr *a, const char *text)
{
	char buf[HNS_ADDR_STRLEN];

	assert_string_equal(hns_addr_str(a, buf, sizeof(buf)), text);
}

static void
assert_addr_port(const struct hns_addr *a, const char *text)
{
	char buf[HNS_ADDR_STRLEN];

	assert_string_equal(hns_addr_port_str(a, buf, sizeof(buf)), text);
}

static void
test_top_and_vpcs(void **state)
{
	struct model *m = load_example();
	char buf[64];

	assert_string_equal(m->scenario, "shared-services-api-gateway");
	assert_string_equal(
	    m->description,
	    "On-prem clients reach a private API through a central interface endpoint.");
	assert_string_equal(m->region, "eu-west-1");
	assert_string_equal(m->account, "111122223333");
	assert_int_equal(m->defaults.vpce_ttl, 60);
	assert_int_equal(m->defaults.record_ttl, 300);
	assert_int_equal(m->defaults.negative_ttl, 900);
	assert_true(m->defaults.nodata_for_other_types);

	assert_int_equal(m->n_vpcs, 2);
	struct model_vpc *ss = model_vpc_find(m, "shared-services");

	assert_non_null(ss);
	assert_ptr_equal(ss, &m->vpcs[0]);
	assert_int_equal(ss->index, 0);
	assert_string_equal(hns_cidr_str(&ss->cidr, buf, sizeof(buf)), "10.0.0.0/16");
	assert_addr(&ss->dns_addr, "10.0.0.2");
	assert_string_equal(ss->region, "eu-west-1");
	assert_true(ss->dns_support);
	assert_true(ss->dns_hostnames);
	assert_int_equal(strncmp(ss->id, "vpc-", 4), 0);
	assert_int_equal(strlen(ss->id), 4 + 17);
	assert_int_equal(ss->n_subnets, 2);
	assert_string_equal(ss->subnets[0].name, "private-a");
	assert_string_equal(ss->subnets[0].az, "eu-west-1a");
	assert_ptr_equal(ss->subnets[0].vpc, ss);
	assert_string_equal(hns_cidr_str(&ss->subnets[1].cidr, buf, sizeof(buf)), "10.0.2.0/24");
	assert_int_equal(ss->subnets[1].loc.line, 13);
	assert_int_equal(ss->subnets[1].loc.col, 7);

	struct model_vpc *c1 = model_vpc_find(m, "consumer-1");

	assert_non_null(c1);
	assert_int_equal(c1->index, 1);
	assert_addr(&c1->dns_addr, "10.1.0.2");
	assert_true(c1->dns_support); /* default */
	assert_string_not_equal(c1->id, ss->id);
	assert_null(model_vpc_find(m, "nope"));
	assert_null(model_vpc_find(m, NULL));

	assert_int_equal(m->n_peerings, 1);
	assert_ptr_equal(m->peerings[0].a, ss);
	assert_ptr_equal(m->peerings[0].b, c1);
	model_free(m);
}

static void
test_endpoints(void **state)
{
	struct model *m = load_example();
	struct model_endpoint *api = model_endpoint_find(m, "api");
	struct model_endpoint *gw = model_endpoint_find(m, "s3-gateway");

	assert_int_equal(m->n_endpoints, 2);
	assert_non_null(api);
	assert_int_equal(api->type, MODEL_ENDPOINT_INTERFACE);
	assert_string_equal(api->service, "com.amazonaws.eu-west-1.execute-api");
	assert_string_equal(api->service_short, "execute-api");
	assert_string_equal(api->service_region, "eu-west-1");
	assert_string_equal(api->id, "vpce-0c11f0aa40d2ff5ad");
	assert_string_equal(api->dns_suffix, "l1xf6pcv");
	assert_ptr_equal(api->vpc, model_vpc_find(m, "shared-services"));
	assert_false(api->private_dns);
	assert_false(api->private_dns_only_for_inbound);
	assert_string_equal(
	    api->regional_name,
	    "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com");
	assert_int_equal(api->n_enis, 2);
	assert_string_equal(api->enis[0].subnet->name, "private-a");
	assert_addr(&api->enis[0].ip, "10.0.1.25");
	assert_addr(&api->enis[1].ip, "10.0.2.25");
	assert_string_equal(api->enis[0].zonal_name, "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1a."
	                                             "execute-api.eu-west-1.vpce.amazonaws.com");
	assert_string_equal(api->enis[1].zonal_name, "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1b."
	                                             "execute-api.eu-west-1.vpce.amazonaws.com");
	assert_int_equal(strncmp(api->enis[0].id, "eni-", 4), 0);
	assert_string_not_equal(api->enis[0].id, api->enis[1].id);
	/* Catalog: execute-api and its wildcard. */
	assert_int_equal(api->n_dns_names, 1);
	assert_string_equal(api->dns_names[0].name, "execute-api.eu-west-1.amazonaws.com");
	assert_true(api->dns_names[0].wildcard);

	assert_non_null(gw);
	assert_int_equal(gw->type, MODEL_ENDPOINT_GATEWAY);
	assert_string_equal(gw->service_short, "s3");
	assert_null(gw->regional_name);
	assert_int_equal(gw->n_enis, 0);
	/* Derived id and suffix: prefix, 17 hex digits, 8 lowercase alnum; stable. */
	assert_int_equal(strlen(gw->id), 5 + 17);
	assert_int_equal(strspn(gw->id + 5, "0123456789abcdef"), 17);
	assert_int_equal(strlen(gw->dns_suffix), 8);
	assert_int_equal(strspn(gw->dns_suffix, "abcdefghijklmnopqrstuvwxyz0123456789"), 8);
	/* Gateway subnets default to all of the VPC's. */
	assert_int_equal(gw->n_gateway_subnets, 2);
	assert_null(model_endpoint_find(m, "inbound"));

	struct model *m2 = load_example();

	assert_string_equal(model_endpoint_find(m2, "s3-gateway")->id, gw->id);
	assert_string_equal(model_endpoint_find(m2, "s3-gateway")->dns_suffix, gw->dns_suffix);
	model_free(m2);
	model_free(m);
}

static void
test_zones(void **state)
{
	struct model *m = load_example();
	char *text;

	assert_int_equal(m->n_zones, 1);
	struct model_zone *z = &m->zones[0];

	assert_string_equal(z->name, "execute-api.eu-west-1.amazonaws.com");
	assert_int_equal(z->kind, MODEL_ZONE_PRIVATE);
	assert_int_equal(z->n_vpcs, 2);
	assert_ptr_equal(z->vpcs[1], model_vpc_find(m, "consumer-1"));
	assert_int_equal(z->n_records, 2);
	assert_string_equal(z->records[0].owner, "execute-api.eu-west-1.amazonaws.com");
	assert_null(z->records[0].rr);
	assert_int_equal(z->records[0].alias, MODEL_ALIAS_ENDPOINT);
	assert_ptr_equal(z->records[0].alias_endpoint, model_endpoint_find(m, "api"));
	assert_string_equal(
	    z->records[0].alias_target,
	    "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com");
	assert_int_equal(z->records[0].ttl, 300);
	assert_false(z->records[0].ttl_given);
	assert_string_equal(z->records[1].owner, "*.execute-api.eu-west-1.amazonaws.com");
	/* Each record's own line: the block starts after `records: |` on line 39. */
	assert_int_equal(z->records[0].loc.line, 40);
	assert_int_equal(z->records[0].loc.col, 7);
	assert_int_equal(z->records[1].loc.line, 41);
	/* Default SOA. */
	assert_non_null(z->soa);
	assert_false(z->soa_given);
	text = ldns_rr2str(z->soa);
	assert_string_equal(
	    text, "execute-api.eu-west-1.amazonaws.com.\t900\tIN\tSOA\t"
	          "ns-2048.awsdns-64.net. hostmaster.execute-api.eu-west-1.amazonaws.com. "
	          "1 7200 900 1209600 86400\n");
	free(text);

	/* on-prem zone */
	struct model_onprem_resolver *dc1 = model_onprem_resolver_find(m, "dc1-dns");

	assert_non_null(dc1);
	assert_int_equal(dc1->n_zones, 1);
	struct model_zone *corp = &dc1->zones[0];

	assert_string_equal(corp->name, "corp.example.com");
	assert_int_equal(corp->kind, MODEL_ZONE_ONPREM);
	assert_int_equal(corp->n_records, 1);
	assert_string_equal(corp->records[0].owner, "app.corp.example.com");
	assert_non_null(corp->records[0].rr);
	assert_int_equal(ldns_rr_get_type(corp->records[0].rr), LDNS_RR_TYPE_A);
	assert_int_equal(corp->records[0].ttl, 300);
	assert_true(corp->records[0].ttl_given);
	assert_int_equal(corp->records[0].loc.line, 73);
	assert_int_equal(corp->records[0].loc.col, 11);

	/* internet zone */
	assert_int_equal(m->internet.n_zones, 1);
	assert_int_equal(m->internet.zones[0].kind, MODEL_ZONE_INTERNET);
	assert_string_equal(m->internet.zones[0].records[0].owner, "s3.eu-west-1.amazonaws.com");
	assert_int_equal(m->internet.zones[0].records[0].ttl, 60);
	assert_true(m->internet.aws_public_names);
	model_free(m);
}

static void
test_resolver_onprem_vpn(void **state)
{
	struct model *m = load_example();
	struct model_resolver_endpoint *in = model_resolver_endpoint_find(m, "inbound");
	struct model_resolver_endpoint *out = model_resolver_endpoint_find(m, "outbound");

	assert_int_equal(m->n_resolver_endpoints, 2);
	assert_non_null(in);
	assert_int_equal(in->direction, MODEL_INBOUND);
	assert_int_equal(strncmp(in->id, "rslvr-in-", 9), 0);
	assert_int_equal(strlen(in->id), 9 + 17);
	assert_int_equal(in->n_enis, 2);
	assert_addr(&in->enis[1].ip, "10.0.2.10");
	assert_int_equal(strncmp(in->enis[0].id, "rni-", 4), 0);
	assert_null(in->enis[0].zonal_name);
	assert_int_equal(in->qps_per_ip, 10000);
	assert_false(in->conntrack);
	assert_int_equal(out->direction, MODEL_OUTBOUND);
	assert_int_equal(strncmp(out->id, "rslvr-out-", 10), 0);

	assert_int_equal(m->n_rules, 1);
	struct model_rule *r = &m->rules[0];

	assert_string_equal(r->name, "corp");
	assert_string_equal(r->domain, "corp.example.com");
	assert_int_equal(r->type, MODEL_RULE_FORWARD);
	assert_int_equal(strncmp(r->id, "rslvr-rr-", 9), 0);
	assert_ptr_equal(r->endpoint, out);
	assert_int_equal(r->n_targets, 1);
	assert_addr_port(&r->targets[0], "192.168.10.53:53");
	assert_int_equal(r->n_vpcs, 2);

	assert_true(m->onprem.has_cidr);
	assert_int_equal(m->onprem.n_resolvers, 1);
	struct model_onprem_resolver *dc1 = &m->onprem.resolvers[0];

	assert_string_equal(dc1->name, "dc1-dns");
	assert_addr(&dc1->address, "192.168.10.53");
	assert_int_equal(dc1->n_forwards, 1);
	assert_string_equal(dc1->forwards[0].zone, "execute-api.eu-west-1.amazonaws.com");
	assert_int_equal(dc1->forwards[0].n_to, 2);
	assert_addr_port(&dc1->forwards[0].to[1], "10.0.2.10:53");
	assert_int_equal(dc1->forwards[0].policy, MODEL_POLICY_SEQUENTIAL);
	assert_int_equal(dc1->forwards[0].timeout_ms, 2000);
	assert_int_equal(dc1->forwards[0].attempts, 2);
	assert_int_equal(dc1->default_kind, MODEL_DEFAULT_INTERNET);
	assert_true(dc1->cache.enabled);
	assert_false(dc1->cache.serve_stale);

	assert_true(m->vpn.present);
	assert_int_equal(m->vpn.n_vpcs, 1);
	assert_ptr_equal(m->vpn.vpcs[0], model_vpc_find(m, "shared-services"));
	assert_int_equal(m->vpn.n_tunnels, 2);
	struct model_tunnel *t1 = model_tunnel_find(m, "tunnel1"),
	                    *t2 = model_tunnel_find(m, "tunnel2");

	assert_ptr_equal(t1, &m->vpn.tunnels[0]);
	assert_float_equal(t1->latency_ms, 12, 1e-9);
	assert_float_equal(t1->jitter_ms, 2, 1e-9);
	assert_float_equal(t1->loss, 0.001, 1e-12);
	assert_int_equal(t1->mtu, 1446);
	assert_int_equal(t1->pps, 140000);
	assert_int_equal(t1->state, MODEL_TUNNEL_UP);
	assert_int_equal(t2->state, MODEL_TUNNEL_STANDBY);
	assert_float_equal(t2->loss, 0, 0);
	assert_false(m->vpn.seed_given);
	model_free(m);
}

static void
test_expect_and_load(void **state)
{
	struct model *m = load_example();
	struct model_expect *e;

	assert_int_equal(m->n_expects, 4);
	e = &m->expects[0];
	assert_string_equal(e->name, "private API resolves to the endpoint from on-prem");
	assert_int_equal(e->from.kind, MODEL_FROM_ONPREM);
	assert_ptr_equal(e->from.resolver, &m->onprem.resolvers[0]);
	assert_string_equal(e->qname, "abcd1234.execute-api.eu-west-1.amazonaws.com");
	assert_int_equal(e->qtype, LDNS_RR_TYPE_A);
	assert_int_equal(e->rcode, LDNS_RCODE_NOERROR);
	assert_int_equal(e->answer.kind, MODEL_ANSWER_ENDPOINT);
	assert_ptr_equal(e->answer.endpoint, model_endpoint_find(m, "api"));
	assert_int_equal(e->n_via, 4);
	assert_int_equal(e->via[0].kind, MODEL_HOP_ONPREM);
	assert_ptr_equal(e->via[0].target, &m->onprem.resolvers[0]);
	assert_int_equal(e->via[1].kind, MODEL_HOP_VPN);
	assert_ptr_equal(e->via[1].target, model_tunnel_find(m, "tunnel1"));
	assert_int_equal(e->via[2].kind, MODEL_HOP_INBOUND);
	assert_string_equal(e->via[2].ref, "inbound");
	assert_int_equal(e->via[3].kind, MODEL_HOP_ZONE);
	assert_ptr_equal(e->via[3].target, &m->zones[0]);
	assert_true(e->max_ms < 0);

	assert_int_equal(m->expects[1].answer.kind, MODEL_ANSWER_PUBLIC);
	assert_int_equal(m->expects[1].n_via, 0);
	e = &m->expects[2];
	assert_int_equal(e->from.kind, MODEL_FROM_VPC);
	assert_ptr_equal(e->from.vpc, model_vpc_find(m, "consumer-1"));
	assert_int_equal(e->answer.kind, MODEL_ANSWER_LIST);
	assert_int_equal(e->answer.n_values, 1);
	assert_string_equal(e->answer.values[0], "192.168.20.15");
	e = &m->expects[3];
	assert_int_equal(e->given.n_down, 1);
	assert_int_equal(e->given.down[0].kind, MODEL_FAULT_RESOLVER_ENI);
	assert_ptr_equal(e->given.down[0].resolver_endpoint,
	                 model_resolver_endpoint_find(m, "inbound"));
	assert_string_equal(e->given.down[0].eni->subnet->name, "private-a");
	assert_string_equal(e->given.down[0].text, "inbound@private-a");
	assert_float_equal(e->max_ms, 3000, 0);

	assert_int_equal(m->n_loads, 1);
	struct model_load *l = &m->loads[0];

	assert_string_equal(l->name, "steady");
	assert_int_equal(l->from.kind, MODEL_FROM_ONPREM);
	assert_false(l->has_target);
	assert_int_equal(l->qps, 20000);
	assert_int_equal(l->duration_ms, 10000);
	assert_int_equal(l->ramp_ms, 0);
	assert_float_equal(l->tcp, 0, 0);
	assert_int_equal(l->n_mix, 2);
	assert_string_equal(l->mix[0].query, "{rand}.execute-api.eu-west-1.amazonaws.com");
	assert_int_equal(l->mix[0].qtype, LDNS_RR_TYPE_A);
	assert_int_equal(l->mix[0].weight, 80);
	assert_int_equal(l->mix[1].weight, 20);
	assert_float_equal(l->slo.p99_ms, 60, 0);
	assert_float_equal(l->slo.max_loss, 0.001, 1e-12);
	assert_true(l->slo.p50_ms < 0);
	assert_true(l->slo.min_qps < 0);
	assert_int_equal(l->slo.answers.kind, MODEL_ANSWER_ANY);
	assert_int_equal(l->n_events, 0);
	model_free(m);
}

static struct model *
load_text(const char *text, struct model_errors *e)
{
	struct model *m = NULL;

	model_errors_init(e);
	if (model_load_buffer("t.yaml", text, strlen(text), &m, e) != 0)
		return NULL;
	return m;
}

#define HEAD                                                                                       \
	"scenario: t\nregion: eu-west-1\n"                                                         \
	"vpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n"                                       \
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"                                           \
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"

static void
test_records_details(void **state)
{
	struct model_errors e;
	struct model *m =
	    load_text(HEAD "defaults: {record_ttl: 120, negative_ttl: 30}\n"
	                   "endpoints:\n"
	                   "  s3: {type: interface, service: com.amazonaws.eu-west-1.s3, vpc: v,\n"
	                   "       enis: {a: 10.0.1.5, b: 10.0.2.5}}\n"
	                   "hosted_zones:\n"
	                   "  example.com:\n"
	                   "    records: |\n"
	                   "      ; a comment line\n"
	                   "      @      SOA ns1 hostmaster 7 3600 600 86400 60\n"
	                   "      www    A 192.0.2.1\n"
	                   "             A 192.0.2.2   ; same owner\n"
	                   "      mail.example.com. 60 IN MX 10 mx\n"
	                   "      api    ALIAS endpoint:s3@eu-west-1b\n"
	                   "      cdn 30 ALIAS d111.cloudfront.net.\n"
	                   "      txt    TXT \"a;b\" ( \"c\"\n"
	                   "                      \"d\" )\n"
	                   "      last   AAAA 2001:db8::1\n",
	              &e);

	model_errors_print(&e, stderr);
	assert_non_null(m);
	struct model_zone *z = &m->zones[0];

	assert_int_equal(z->kind, MODEL_ZONE_PUBLIC);
	assert_true(z->soa_given);
	assert_int_equal(z->n_records, 8);
	assert_int_equal(ldns_rr_get_type(z->records[0].rr), LDNS_RR_TYPE_SOA);
	assert_string_equal(z->records[1].owner, "www.example.com");
	assert_int_equal(z->records[1].ttl, 120);
	assert_false(z->records[1].ttl_given);
	assert_string_equal(z->records[2].owner, "www.example.com");
	assert_int_equal(z->records[2].loc.line, 19);
	assert_int_equal(z->records[2].loc.col, 14);
	assert_int_equal(z->records[3].ttl, 60);
	assert_true(z->records[3].ttl_given);
	assert_int_equal(z->records[4].alias, MODEL_ALIAS_ENDPOINT_AZ);
	assert_string_equal(z->records[4].alias_az, "eu-west-1b");
	assert_string_equal(z->records[4].alias_target,
	                    model_endpoint_find(m, "s3")->enis[1].zonal_name);
	assert_int_equal(z->records[5].alias, MODEL_ALIAS_NAME);
	assert_string_equal(z->records[5].alias_target, "d111.cloudfront.net");
	assert_int_equal(z->records[5].ttl, 30);
	assert_true(z->records[5].ttl_given);
	assert_int_equal(ldns_rr_rd_count(z->records[6].rr), 3);
	assert_int_equal(z->records[7].loc.line, 25);
	/* s3 catalog names, wildcard flags; no gateway so the inbound-only option stays off */
	struct model_endpoint *s3 = model_endpoint_find(m, "s3");

	assert_int_equal(s3->n_dns_names, 3);
	assert_string_equal(s3->dns_names[0].name, "s3.eu-west-1.amazonaws.com");
	assert_true(s3->dns_names[0].wildcard);
	assert_true(s3->private_dns);
	assert_false(s3->private_dns_only_for_inbound);
	model_free(m);
	model_errors_deinit(&e);

	/* Default SOA TTL follows defaults.negative_ttl. */
	m = load_text(HEAD "defaults: {negative_ttl: 30}\n"
	                   "internet:\n  zones:\n    example.org: |\n      www A 192.0.2.9\n",
	              &e);
	assert_non_null(m);
	assert_int_equal(ldns_rr_ttl(m->internet.zones[0].soa), 30);
	model_free(m);
	model_errors_deinit(&e);
}

static void
test_expect_forms(void **state)
{
	struct model_errors e;
	struct model *m = load_text(
	    HEAD
	    "endpoints:\n"
	    "  api: {type: interface, service: com.amazonaws.eu-west-1.execute-api, vpc: v,\n"
	    "        private_dns: false, enis: {a: 10.0.1.25, b: 10.0.2.25}}\n"
	    "resolver:\n"
	    "  endpoints:\n"
	    "    in: {direction: inbound, vpc: v, ips: {a: 10.0.1.10, b: 10.0.2.10}}\n"
	    "    out: {direction: outbound, vpc: v, ips: {a: 10.0.1.11, b: 10.0.2.11},\n"
	    "          conntrack: true, qps_per_ip: 500}\n"
	    "  rules:\n"
	    "    corp: {domain: Corp.Example.com., endpoint: out, targets: [192.168.1.1:5353]}\n"
	    "    sys: {domain: x.corp.example.com, type: system}\n"
	    "onprem:\n"
	    "  resolvers:\n"
	    "    dc1: {address: 192.168.1.1}\n"
	    "    dc2:\n"
	    "      address: 192.168.1.2:5301\n"
	    "      default: [192.168.1.1, 127.0.0.1:5302]\n"
	    "      cache: {enabled: false, max_ttl: 60}\n"
	    "      health: {fail_after: 5, rise: 1}\n"
	    "      profile: windows\n"
	    "      forward:\n"
	    "        - {zone: a.example, to: [10.0.1.10], policy: round_robin, attempts: 5}\n"
	    "vpn:\n"
	    "  vpcs: [v]\n"
	    "  seed: 42\n"
	    "  tunnels:\n"
	    "    t1: {state: down, loss: 0.25, mtu: 1400, bandwidth_mbps: 100}\n"
	    "expect:\n"
	    "  - query: Missing.Example.com. TXT\n"
	    "    from: onprem:dc2\n"
	    "    answer: nxdomain\n"
	    "  - query: x.execute-api.eu-west-1.amazonaws.com\n"
	    "    from: inbound:in@b\n"
	    "    answer: endpoint:api@eu-west-1b\n"
	    "    given: {down: [t1, in, out@a, endpoint:api@a, onprem:dc1]}\n"
	    "    via: [inbound:in, outbound:out, vpc:v, rule:corp, private-dns:api, internet]\n"
	    "  - {query: a.example AAAA, from: internet, answer: empty, rcode: servfail}\n"
	    "  - {query: b.example, from: vpc:v, answer: private, rcode: 5}\n"
	    "  - {query: c.example TYPE65, answer: [Host.Example.com., 2001:DB8::1]}\n"
	    "load:\n"
	    "  burst:\n"
	    "    target: 127.0.0.1:5399\n"
	    "    qps: 10\n"
	    "    duration: 1.5s\n"
	    "    ramp: 500ms\n"
	    "    tcp: 10%\n"
	    "    mix: [{query: \"{seq}.A.example MX\"}]\n"
	    "    events: [{at: 1s, down: t1}, {at: 2m, up: t1}]\n"
	    "    slo: {p50_ms: 1, p999_ms: 9.5, min_qps: 8, answers: endpoint:api}\n",
	    &e);

	model_errors_print(&e, stderr);
	assert_non_null(m);
	struct model_expect *x = &m->expects[0];

	assert_string_equal(x->qname, "missing.example.com");
	assert_int_equal(x->qtype, LDNS_RR_TYPE_TXT);
	assert_string_equal(x->name, "Missing.Example.com. TXT");
	assert_ptr_equal(x->from.resolver, model_onprem_resolver_find(m, "dc2"));
	assert_int_equal(x->answer.kind, MODEL_ANSWER_NXDOMAIN);
	assert_int_equal(x->rcode, LDNS_RCODE_NXDOMAIN);
	x = &m->expects[1];
	assert_int_equal(x->from.kind, MODEL_FROM_INBOUND);
	assert_ptr_equal(x->from.inbound, model_resolver_endpoint_find(m, "in"));
	assert_ptr_equal(x->from.inbound_eni, &x->from.inbound->enis[1]);
	assert_int_equal(x->answer.kind, MODEL_ANSWER_ENDPOINT_AZ);
	assert_string_equal(x->answer.az, "eu-west-1b");
	assert_int_equal(x->given.n_down, 5);
	assert_int_equal(x->given.down[0].kind, MODEL_FAULT_TUNNEL);
	assert_ptr_equal(x->given.down[0].tunnel, model_tunnel_find(m, "t1"));
	assert_int_equal(x->given.down[1].kind, MODEL_FAULT_RESOLVER_ENDPOINT);
	assert_int_equal(x->given.down[2].kind, MODEL_FAULT_RESOLVER_ENI);
	assert_ptr_equal(x->given.down[2].eni, &model_resolver_endpoint_find(m, "out")->enis[0]);
	assert_int_equal(x->given.down[3].kind, MODEL_FAULT_ENDPOINT_ENI);
	assert_ptr_equal(x->given.down[3].eni, &model_endpoint_find(m, "api")->enis[0]);
	assert_int_equal(x->given.down[4].kind, MODEL_FAULT_ONPREM);
	assert_ptr_equal(x->given.down[4].onprem, &m->onprem.resolvers[0]);
	assert_int_equal(x->n_via, 6);
	assert_int_equal(x->via[1].kind, MODEL_HOP_OUTBOUND);
	assert_int_equal(x->via[3].kind, MODEL_HOP_RULE);
	assert_ptr_equal(x->via[3].target, &m->rules[0]);
	assert_int_equal(x->via[4].kind, MODEL_HOP_PRIVATE_DNS);
	assert_ptr_equal(x->via[4].target, model_endpoint_find(m, "api"));
	assert_int_equal(x->via[5].kind, MODEL_HOP_INTERNET);
	assert_null(x->via[5].ref);
	assert_null(x->via[5].target);
	assert_int_equal(m->expects[2].from.kind, MODEL_FROM_INTERNET);
	assert_int_equal(m->expects[2].answer.kind, MODEL_ANSWER_EMPTY);
	assert_int_equal(m->expects[2].rcode, LDNS_RCODE_SERVFAIL);
	assert_int_equal(m->expects[2].qtype, LDNS_RR_TYPE_AAAA);
	assert_int_equal(m->expects[3].answer.kind, MODEL_ANSWER_PRIVATE);
	assert_int_equal(m->expects[3].rcode, 5);
	assert_int_equal(m->expects[4].qtype, 65);
	assert_int_equal(m->expects[4].answer.n_values, 2);
	assert_string_equal(m->expects[4].answer.values[0], "host.example.com");
	assert_string_equal(m->expects[4].answer.values[1], "2001:db8::1");
	assert_ptr_equal(m->expects[4].from.resolver, &m->onprem.resolvers[0]);

	/* resolver, onprem, vpn details */
	assert_true(model_resolver_endpoint_find(m, "out")->conntrack);
	assert_int_equal(model_resolver_endpoint_find(m, "out")->qps_per_ip, 500);
	assert_string_equal(m->rules[0].domain, "corp.example.com");
	assert_addr_port(&m->rules[0].targets[0], "192.168.1.1:5353");
	assert_int_equal(m->rules[1].type, MODEL_RULE_SYSTEM);
	assert_int_equal(m->rules[1].n_targets, 0);
	assert_null(m->rules[1].endpoint);
	assert_false(m->onprem.has_cidr);
	struct model_onprem_resolver *dc2 = model_onprem_resolver_find(m, "dc2");

	assert_addr_port(&dc2->address, "192.168.1.2:5301");
	assert_int_equal(dc2->default_kind, MODEL_DEFAULT_UPSTREAMS);
	assert_int_equal(dc2->n_default_upstreams, 2);
	assert_addr_port(&dc2->default_upstreams[0], "192.168.1.1:53");
	assert_false(dc2->cache.enabled);
	assert_int_equal(dc2->cache.max_ttl, 60);
	assert_int_equal(dc2->cache.max_entries, 10000);
	assert_int_equal(dc2->health.fail_after, 5);
	assert_int_equal(dc2->health.probe_ms, 1000); /* default kept */
	assert_int_equal(dc2->health.rise, 1);
	assert_int_equal(dc2->profile, MODEL_PROFILE_WINDOWS);
	assert_int_equal(model_onprem_resolver_find(m, "dc1")->health.fail_after, 3);
	assert_int_equal(model_onprem_resolver_find(m, "dc1")->profile, MODEL_PROFILE_STANDARD);
	assert_int_equal(dc2->forwards[0].policy, MODEL_POLICY_ROUND_ROBIN);
	assert_int_equal(dc2->forwards[0].attempts, 5);
	assert_addr_port(&model_onprem_resolver_find(m, "dc1")->address, "192.168.1.1:53");
	assert_true(m->vpn.present);
	assert_true(m->vpn.seed_given);
	assert_int_equal(m->vpn.seed, 42);
	assert_int_equal(m->vpn.n_vpcs, 1);
	assert_int_equal(m->vpn.tunnels[0].state, MODEL_TUNNEL_DOWN);
	assert_float_equal(m->vpn.tunnels[0].loss, 0.25, 0);
	assert_int_equal(m->vpn.tunnels[0].mtu, 1400);
	assert_float_equal(m->vpn.tunnels[0].bandwidth_mbps, 100, 0);

	/* load profile */
	struct model_load *l = &m->loads[0];

	assert_true(l->has_target);
	assert_addr_port(&l->target, "127.0.0.1:5399");
	assert_int_equal(l->duration_ms, 1500);
	assert_int_equal(l->ramp_ms, 500);
	assert_float_equal(l->tcp, 0.1, 1e-12);
	assert_string_equal(l->mix[0].query, "{seq}.a.example");
	assert_int_equal(l->mix[0].qtype, LDNS_RR_TYPE_MX);
	assert_int_equal(l->mix[0].weight, 1);
	assert_int_equal(l->n_events, 2);
	assert_int_equal(l->events[0].at_ms, 1000);
	assert_false(l->events[0].up);
	assert_int_equal(l->events[0].fault.kind, MODEL_FAULT_TUNNEL);
	assert_int_equal(l->events[1].at_ms, 120000);
	assert_true(l->events[1].up);
	assert_float_equal(l->slo.p50_ms, 1, 0);
	assert_float_equal(l->slo.p999_ms, 9.5, 0);
	assert_true(l->slo.p99_ms < 0);
	assert_float_equal(l->slo.min_qps, 8, 0);
	assert_true(l->slo.max_loss < 0);
	assert_int_equal(l->slo.answers.kind, MODEL_ANSWER_ENDPOINT);
	model_free(m);
	model_errors_deinit(&e);
}

static void
test_s3_inbound_only_default(void **state)
{
	struct model_errors e;
	struct model *m = load_text(
	    HEAD
	    "endpoints:\n"
	    "  gw: {type: gateway, service: com.amazonaws.eu-west-1.s3, vpc: v, subnets: [a]}\n"
	    "  s3: {type: interface, service: com.amazonaws.eu-west-1.s3, vpc: v,\n"
	    "       enis: {a: 10.0.1.5}}\n",
	    &e);

	model_errors_print(&e, stderr);
	assert_non_null(m);
	assert_true(model_endpoint_find(m, "s3")->private_dns_only_for_inbound);
	assert_int_equal(model_endpoint_find(m, "gw")->n_gateway_subnets, 1);
	model_free(m);
	model_errors_deinit(&e);
}

static void
test_misc(void **state)
{
	struct model_errors e;
	struct model *m = NULL;

	/* NULL is fine for model_free; a missing file reports itself. */
	model_free(NULL);
	model_errors_init(&e);
	assert_int_not_equal(model_load_file("/nonexistent/x.yaml", &m, &e), 0);
	assert_null(m);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msgs[0], "/nonexistent/x.yaml: cannot read"));
	model_errors_deinit(&e);

	/* Errors beyond MODEL_MAX_ERRORS are counted, not kept. */
	char *big = malloc(100000);
	size_t used = (size_t)sprintf(big, "scenario: t\nregion: eu-west-1\n");

	for (int i = 0; i < 80; i++)
		used += (size_t)sprintf(big + used, "bad%d: 1\n", i);
	model_errors_init(&e);
	assert_int_equal(model_load_buffer("b.yaml", big, used, &m, &e), HNS_ESCENARIO);
	assert_null(m);
	assert_int_equal(e.n, MODEL_MAX_ERRORS);
	assert_int_equal(e.dropped, 30);
	assert_non_null(strstr(e.msgs[0], "b.yaml:3:1: unknown key 'bad0' (allowed: scenario,"));
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	model_errors_print(&e, f);
	fclose(f);
	assert_non_null(strstr(out, "... 30 more errors\n"));
	free(out);
	free(big);
	model_errors_deinit(&e);

	/* A load without an error list still fails cleanly. */
	assert_int_equal(model_load_buffer("n.yaml", "x: [", 4, &m, NULL), HNS_ESCENARIO);
	assert_null(m);
}

#define RULES                                                                                      \
	"resolver:\n  endpoints:\n    out:\n      direction: outbound\n      vpc: v\n"              \
	"      ips: {a: 10.0.1.11, b: 10.0.2.11}\n  rules:\n"

/* The first error of a load that must fail, which must hold `part`. */
static void
assert_load_fails_with(const char *text, const char *part)
{
	struct model_errors e;
	struct model *m = load_text(text, &e);

	assert_null(m);
	assert_true(e.n >= 1);
	if (strstr(e.msgs[0], part) == NULL)
		fail_msg("first error '%s' lacks '%s'", e.msgs[0], part);
	model_errors_deinit(&e);
}

static void
test_rule_id_given_is_kept(void **state)
{
	struct model_errors e;
	struct model *m = load_text(HEAD RULES
				    "    corp:\n      domain: corp.example.com\n      id: rslvr-rr-0a1b2c3d4e5f60001\n"
				    "      endpoint: out\n      targets: [192.168.10.53]\n"
				    "    other:\n      domain: other.example.com\n      type: system\n",
				    &e);

	model_errors_print(&e, stderr);
	assert_non_null(m);
	assert_string_equal(m->rules[0].id, "rslvr-rr-0a1b2c3d4e5f60001");
	/* Without one the id is derived, the same on every load. */
	assert_int_equal(strncmp(m->rules[1].id, "rslvr-rr-", 9), 0);
	assert_int_equal(strlen(m->rules[1].id), 9 + 17);
	model_free(m);
	model_errors_deinit(&e);
}

static void
test_rule_id_bad_or_twice_is_an_error(void **state)
{
	assert_load_fails_with(HEAD RULES "    corp:\n      domain: corp.example.com\n      id: rslvr-out-0a1b2c3d4e5f60001\n"
					  "      type: system\n",
			       "t.yaml:18:11: resolver.rules.corp.id: 'rslvr-out-0a1b2c3d4e5f60001' is not a valid id "
			       "(expected rslvr-rr- followed by 17 hex digits)");
	assert_load_fails_with(HEAD RULES "    a:\n      domain: a.example.com\n      id: rslvr-rr-0a1b2c3d4e5f60001\n"
					  "      type: system\n"
					  "    b:\n      domain: b.example.com\n      id: rslvr-rr-0a1b2c3d4e5f60001\n"
					  "      type: system\n",
			       "resolver.rules.b.id: rslvr-rr-0a1b2c3d4e5f60001 is also rule a's id (expected ids unique)");
}

#define ONPREM "onprem:\n  resolvers:\n    dc1:\n      address: 192.168.10.53\n"

static void
test_expect_ttl_and_timeout_keys(void **state)
{
	struct model_errors e;
	struct model *m = load_text(HEAD ONPREM "expect:\n"
				    "  - {query: a.example A, ttl: 60, ttl_max: 300}\n"
				    "  - {query: a.example A, rcode: timeout, max_ms: 500}\n"
				    "  - {query: a.example A}\n",
				    &e);

	model_errors_print(&e, stderr);
	assert_non_null(m);
	assert_int_equal(m->expects[0].ttl, 60);
	assert_int_equal(m->expects[0].ttl_max, 300);
	assert_int_equal(m->expects[1].rcode, MODEL_RCODE_TIMEOUT);
	assert_int_equal(m->expects[2].ttl, -1);
	assert_int_equal(m->expects[2].ttl_max, -1);
	assert_int_equal(m->expects[2].rcode, 0);
	model_free(m);
	model_errors_deinit(&e);
}

static void
test_expect_ttl_and_timeout_refused(void **state)
{
	assert_load_fails_with(HEAD ONPREM "expect:\n  - {query: a.example A, ttl: -1}\n",
			       "expect[0].ttl: '-1' is not a TTL (expected 0 to 2147483647 seconds)");
	assert_load_fails_with(HEAD ONPREM "expect:\n  - {query: a.example A, ttl_max: 2147483648}\n",
			       "expect[0].ttl_max: '2147483648' is not a TTL");
	assert_load_fails_with(HEAD ONPREM "expect:\n  - {query: a.example A, rcode: timeout, answer: [10.0.1.5]}\n",
			       "expect[0].answer: rcode: timeout expects no answer, so there is no answer to judge");
	assert_load_fails_with(HEAD ONPREM "expect:\n  - {query: a.example A, rcode: timeout, ttl: 60}\n",
			       "expect[0].ttl: rcode: timeout expects no answer, so there is no TTL to judge");
	assert_load_fails_with(HEAD ONPREM "expect:\n  - {query: a.example A, rcode: timeouts}\n",
			       "'timeouts' is not an rcode (expected NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, "
			       "REFUSED, a number or timeout)");
}

static void
test_fault_parse_as_given_down(void **state)
{
	struct model *m = load_example();
	struct model_fault f;
	char err[256];

	assert_int_equal(model_fault_parse(m, "tunnel1", &f, err, sizeof(err)), 0);
	assert_int_equal(f.kind, MODEL_FAULT_TUNNEL);
	assert_string_equal(f.text, "tunnel1");
	assert_int_equal(model_fault_parse(m, "inbound@private-a", &f, err, sizeof(err)), 0);
	assert_int_equal(f.kind, MODEL_FAULT_RESOLVER_ENI);
	assert_addr(&f.eni->ip, "10.0.1.10");
	assert_int_equal(model_fault_parse(m, "onprem:dc1-dns", &f, err, sizeof(err)), 0);
	assert_int_equal(f.kind, MODEL_FAULT_ONPREM);
	/* Unknown names: the loader's own message, without a file position. */
	assert_int_equal(model_fault_parse(m, "tunnel9", &f, err, sizeof(err)), HNS_EINVAL);
	assert_int_equal(f.kind, MODEL_FAULT_ONPREM); /* untouched */
	assert_string_equal(err, "no tunnel or resolver endpoint named 'tunnel9' (expected a tunnel, <resolver "
				 "endpoint>[@<subnet>], endpoint:<name>@<subnet> or onprem:<resolver>)");
	assert_int_equal(model_fault_parse(m, "inbound@nowhere", &f, err, sizeof(err)), HNS_EINVAL);
	assert_string_equal(err, "resolver endpoint inbound has no IP in a subnet named 'nowhere'");
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_top_and_vpcs),
	    cmocka_unit_test(test_endpoints),
	    cmocka_unit_test(test_zones),
	    cmocka_unit_test(test_resolver_onprem_vpn),
	    cmocka_unit_test(test_expect_and_load),
	    cmocka_unit_test(test_records_details),
	    cmocka_unit_test(test_expect_forms),
	    cmocka_unit_test(test_s3_inbound_only_default),
	    cmocka_unit_test(test_misc),
	    cmocka_unit_test(test_rule_id_given_is_kept),
	    cmocka_unit_test(test_rule_id_bad_or_twice_is_an_error),
	    cmocka_unit_test(test_expect_ttl_and_timeout_keys),
	    cmocka_unit_test(test_expect_ttl_and_timeout_refused),
	    cmocka_unit_test(test_fault_parse_as_given_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
