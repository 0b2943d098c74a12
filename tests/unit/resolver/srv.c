#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/wire.h"
#include "model/model.h"
#include "tests/unit/resolver/srv.h"

static const char scenario[] =
	"scenario: handle-tests\n"
	"region: eu-west-1\n"
	"account: \"123456789012\"\n"
	"vpcs:\n"
	"  hub:\n"
	"    cidr: 10.0.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
	"hosted_zones:\n"
	"  example.com:\n"
	"    vpcs: [hub]\n"
	"    records: |\n"
	"      www  A 10.9.9.9\n"
	"      www  A 10.9.9.8\n"
	"      say  TXT \"he said \\\"hi\\\" \\\\ back\"\n"
	"resolver:\n"
	"  endpoints:\n"
	"    inbound:\n"
	"      direction: inbound\n"
	"      vpc: hub\n"
	"      qps_per_ip: 3\n"
	"      ips: {a: 10.0.1.10, b: 10.0.2.10}\n"
	"    outbound:\n"
	"      direction: outbound\n"
	"      vpc: hub\n"
	"      ips: {a: 10.0.1.11, b: 10.0.2.11}\n"
	"  rules:\n"
	"    corp:\n"
	"      domain: corp.example\n"
	"      type: forward\n"
	"      endpoint: outbound\n"
	"      targets: [192.168.10.53]\n"
	"      vpcs: [hub]\n"
	"firewall:\n"
	"  guard:\n"
	"    rules:\n"
	"      - {name: deny, priority: 1, domains: [\"*.blocked.example\"], action: block, block_response: nxdomain}\n"
	"      - {name: watch, priority: 2, domains: [say.example.com], action: alert}\n"
	"    vpcs: {hub: 100}\n";

struct hns_addr
srv_addr(const char *s)
{
	struct hns_addr a;

	assert_int_equal(hns_addr_parse_port(s, &a), 0);
	return a;
}

void
srv_init(struct srv *t, enum rslv_outside_policy policy, uint32_t pps, bool qlog)
{
	struct model_errors errs;
	const struct model_resolver_endpoint *in = NULL;

	memset(t, 0, sizeof(*t));
	model_errors_init(&errs);
	int rc = model_load_buffer("handle-tests.yaml", scenario, sizeof(scenario) - 1, &t->m, &errs);

	if (rc != 0)
		model_errors_print(&errs, stderr);
	model_errors_deinit(&errs);
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < t->m->n_resolver_endpoints; i++)
		if (t->m->resolver_endpoints[i].direction == MODEL_INBOUND)
			in = &t->m->resolver_endpoints[i];
	assert_non_null(in);
	assert_int_equal(rslv_world_new(t->m, &t->s.w), 0);
	t->s.m = t->m;
	t->s.ls = t->ls;
	t->s.n_ls = SRV_N_LS;
	t->s.o.outside_policy = policy;
	t->outside[0] = srv_addr("127.53.1.1");
	t->s.outside = t->outside;
	t->s.n_outside = 1;
	pthread_mutex_init(&t->s.qlog_mu, NULL);
	assert_int_equal(rslv_rl_init(&t->s.rl, pps, 64), 0);
	t->ls[SRV_VPC].spec = (struct rslv_listener_spec){.from = RSLV_FROM_VPC, .label = "vpc/hub"};
	t->ls[SRV_INBOUND].spec = (struct rslv_listener_spec){
		.from = RSLV_FROM_INBOUND,
		.inbound = in,
		.eni = &in->enis[0],
		.qps_limit = in->qps_per_ip,
		.label = "inbound/a",
	};
	t->ls[SRV_INTERNET].spec =
		(struct rslv_listener_spec){.from = RSLV_FROM_INTERNET, .label = "internet"};
	for (uint32_t i = 0; i < SRV_N_LS; i++)
		t->ls[i].index = i;
	if (qlog) {
		t->s.qlog = open_memstream(&t->log, &t->log_len);
		assert_non_null(t->s.qlog);
	}
}

const char *
srv_log(struct srv *t)
{
	assert_non_null(t->s.qlog);
	fflush(t->s.qlog);
	return t->log ? t->log : "";
}

void
srv_deinit(struct srv *t)
{
	if (t->s.qlog)
		fclose(t->s.qlog);
	free(t->log);
	pthread_mutex_destroy(&t->s.qlog_mu);
	rslv_rl_deinit(&t->s.rl);
	rslv_world_free(t->s.w);
	model_free(t->m);
}

size_t
srv_query_wire(const uint8_t *name, size_t name_len, uint16_t type, uint8_t *out)
{
	memset(out, 0, DNS_HEADER_LEN);
	out[0] = 0x12;
	out[1] = 0x34;
	dns_write_u16(out + 2, DNS_FLAG_RD);
	dns_write_u16(out + 4, 1);
	memcpy(out + DNS_HEADER_LEN, name, name_len);
	dns_write_u16(out + DNS_HEADER_LEN + name_len, type);
	dns_write_u16(out + DNS_HEADER_LEN + name_len + 2, DNS_CLASS_IN);
	return DNS_HEADER_LEN + name_len + 4;
}

size_t
srv_query(const char *name, uint16_t type, uint8_t *out)
{
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_str(name, wire);

	assert_true(n > 0);
	return srv_query_wire(wire, (size_t)n, type, out);
}
