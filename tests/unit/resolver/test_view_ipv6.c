/*
 * AAAA on interface endpoint names (resolver/view_synth.c): which names
 * get A and which AAAA under each DNS record IP type, and NODATA where
 * AWS gives none.  Queries go through rslv_answer; ldns reads the replies.
 */
#include "config.h"

#include <ldns/ldns.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/wire.h"
#include "model/model.h"
#include "resolver/answer.h"
#include "resolver/view.h"

static const char world_yaml[] =
	"scenario: v6\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  hub:\n"
	"    cidr: 10.0.0.0/16\n"
	"    ipv6_cidr: \"2600:1f18:6b:a100::/56\"\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24, ipv6_cidr: \"2600:1f18:6b:a101::/64\"}\n"
	"endpoints:\n"
	"  sqs:\n" /* dualstack: A and AAAA everywhere */
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.sqs\n"
	"    id: vpce-0a1b2c3d4e5f60718\n"
	"    dns_suffix: abcd1234\n"
	"    vpc: hub\n"
	"    ip_address_type: dualstack\n"
	"    enis: {a: 10.0.1.25}\n"
	"  sts:\n" /* service-defined: no AAAA on the private DNS name */
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.sts\n"
	"    id: vpce-0b1b2c3d4e5f60718\n"
	"    dns_suffix: abcd1234\n"
	"    vpc: hub\n"
	"    ip_address_type: dualstack\n"
	"    dns_record_ip_type: service-defined\n"
	"    enis: {a: 10.0.1.30}\n"
	"  ssm:\n" /* ipv4 records of a dual-stack endpoint: no AAAA anywhere */
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.ssm\n"
	"    vpc: hub\n"
	"    ip_address_type: dualstack\n"
	"    dns_record_ip_type: ipv4\n"
	"    enis: {a: 10.0.1.40}\n"
	"  kms:\n" /* IPv6 only: AAAA only */
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.kms\n"
	"    vpc: hub\n"
	"    enis: {a: \"2600:1f18:6b:a101::50\"}\n";

static struct model *model;
static struct rslv_world *world;

static int
setup(void **state)
{
	struct model_errors errs;
	int rc;

	(void)state;
	model_errors_init(&errs);
	rc = model_load_buffer("v6.yaml", world_yaml, sizeof(world_yaml) - 1, &model, &errs);
	if (rc != 0)
		model_errors_print(&errs, stderr);
	model_errors_deinit(&errs);
	return rc == 0 && rslv_world_new(model, &world) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rslv_world_free(world);
	model_free(model);
	return 0;
}

/* The rcode and the answers' rdata ("" when none) of name/type asked in the hub's view. */
static int
ask(const char *name, uint16_t type, char *answers, size_t len)
{
	uint8_t q[512], out[RSLV_MSG_MAX];
	struct rslv_handled h;
	ldns_pkt *p = NULL;
	int n = dns_name_from_str(name, q + DNS_HEADER_LEN), rcode;

	assert_true(n > 0);
	memset(q, 0, DNS_HEADER_LEN);
	dns_write_u16(q + 2, DNS_FLAG_RD);
	dns_write_u16(q + 4, 1);
	dns_write_u16(q + DNS_HEADER_LEN + n, type);
	dns_write_u16(q + DNS_HEADER_LEN + n + 2, DNS_CLASS_IN);
	rslv_answer(world, 0, RSLV_FROM_VPC, q, DNS_HEADER_LEN + (size_t)n + 4, false, out,
		    sizeof(out), &h);
	assert_int_equal(h.verdict, RSLV_REPLY);
	assert_int_equal(ldns_wire2pkt(&p, out, h.len), LDNS_STATUS_OK);
	rcode = ldns_pkt_get_rcode(p);
	answers[0] = '\0';
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(p), i), 0));
		size_t used = strlen(answers);

		snprintf(answers + used, len - used, "%s%s", used ? " " : "", s);
		free(s);
	}
	ldns_pkt_free(p);
	return rcode;
}

static void
expect(const char *name, uint16_t type, const char *want)
{
	char got[512];

	assert_int_equal(ask(name, type, got, sizeof(got)), DNS_RCODE_NOERROR);
	assert_string_equal(got, want);
}

static void
test_aaaa_dualstack_on_every_name(void **state)
{
	(void)state;
	expect("sqs.eu-west-1.amazonaws.com", DNS_TYPE_AAAA, "2600:1f18:6b:a101::25");
	expect("sqs.eu-west-1.amazonaws.com", DNS_TYPE_A, "10.0.1.25");
	expect("vpce-0a1b2c3d4e5f60718-abcd1234.sqs.eu-west-1.vpce.amazonaws.com", DNS_TYPE_AAAA,
	       "2600:1f18:6b:a101::25");
	expect("vpce-0a1b2c3d4e5f60718-abcd1234-eu-west-1a.sqs.eu-west-1.vpce.amazonaws.com",
	       DNS_TYPE_AAAA, "2600:1f18:6b:a101::25");
}

static void
test_aaaa_service_defined_nodata_on_private_name(void **state)
{
	(void)state;
	expect("sts.eu-west-1.amazonaws.com", DNS_TYPE_AAAA, ""); /* NODATA */
	expect("sts.eu-west-1.amazonaws.com", DNS_TYPE_A, "10.0.1.30");
	expect("vpce-0b1b2c3d4e5f60718-abcd1234.sts.eu-west-1.vpce.amazonaws.com", DNS_TYPE_AAAA,
	       "2600:1f18:6b:a101::30");
}

static void
test_aaaa_ipv4_records_and_ipv6_only(void **state)
{
	(void)state;
	expect("ssm.eu-west-1.amazonaws.com", DNS_TYPE_AAAA, ""); /* dns_record_ip_type ipv4 */
	expect("ssm.eu-west-1.amazonaws.com", DNS_TYPE_A, "10.0.1.40");
	expect("kms.eu-west-1.amazonaws.com", DNS_TYPE_AAAA, "2600:1f18:6b:a101::50");
	expect("kms.eu-west-1.amazonaws.com", DNS_TYPE_A, ""); /* IPv6 only: NODATA for A */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aaaa_dualstack_on_every_name),
		cmocka_unit_test(test_aaaa_service_defined_nodata_on_private_name),
		cmocka_unit_test(test_aaaa_ipv4_records_and_ipv6_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
