/*
 * Unit tests of import/: imp_scen_finish() (handles, guessed ENI
 * addresses, dangling references) and the AWS and Terraform readers'
 * linking rules on small documents in memory.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"
#include "import/import.h"
#include "import/scen.h"

static struct imp_vpc *
add_vpc(struct imp_scen *s, const char *key, const char *name, const char *cidr)
{
	struct imp_vpc *v = IMP_PUSH(s, s->vpcs);

	v->key = key;
	v->name = name;
	v->cidr = cidr;
	v->dns_support = v->dns_hostnames = 1;
	return v;
}

static void
add_subnet(struct imp_scen *s, const char *key, const char *vpc, const char *cidr, const char *az)
{
	struct imp_subnet *sn = IMP_PUSH(s, s->subnets);

	sn->key = key;
	sn->name = key;
	sn->vpc = vpc;
	sn->cidr = cidr;
	sn->az = az;
}

static void
test_handles_reduced_and_unique(void **state)
{
	struct imp_scen s;

	imp_scen_init(&s, NULL);
	add_vpc(&s, "vpc-1", "a b", "10.0.0.0/16");
	add_vpc(&s, "vpc-2", "a:b", "10.1.0.0/16");
	add_vpc(&s, "vpc-3", NULL, "10.2.0.0/16");
	assert_int_equal(imp_scen_finish(&s), 0);
	assert_string_equal(imp_vpc_find(&s, "vpc-1")->name, "a-b");
	assert_string_equal(imp_vpc_find(&s, "vpc-2")->name, "a-b-2");
	assert_string_equal(imp_vpc_find(&s, "vpc-3")->name, "vpc-3");
	imp_scen_deinit(&s);
}

static void
test_guessed_addresses_lowest_free_from_the_fifth(void **state)
{
	struct imp_scen s;
	struct imp_endpoint *ep;
	struct imp_rep *r;
	struct imp_eni *e;

	imp_scen_init(&s, NULL);
	s.region = "eu-west-1";
	add_vpc(&s, "vpc-1", "hub", "10.0.0.0/16");
	add_subnet(&s, "sa", "vpc-1", "10.0.1.0/24", "eu-west-1a");
	add_subnet(&s, "sb", "vpc-1", "10.0.2.0/24", "eu-west-1b");
	ep = IMP_PUSH(&s, s.endpoints);
	ep->key = "ep";
	ep->name = "api";
	ep->service = "com.amazonaws.eu-west-1.execute-api";
	ep->vpc = "vpc-1";
	ep->private_dns = 0;
	IMP_PUSH(&s, ep->enis)->subnet = "sa";
	IMP_PUSH(&s, ep->enis)->subnet = "sb";
	r = IMP_PUSH(&s, s.reps);
	r->key = "in";
	r->name = "inbound";
	r->inbound = true;
	e = IMP_PUSH(&s, r->ips);
	e->subnet = "sa";
	e->ip = "10.0.1.4"; /* known: the guess for the endpoint must skip it */
	IMP_PUSH(&s, r->ips)->subnet = "sb";
	assert_int_equal(imp_scen_finish(&s), 0);
	ep = imp_endpoint_find(&s, "ep");
	r = imp_rep_find(&s, "in");
	assert_string_equal(ep->enis.v[0].ip, "10.0.1.5");
	assert_true(ep->enis.v[0].guessed);
	assert_string_equal(ep->enis.v[1].ip, "10.0.2.4");
	assert_false(r->ips.v[0].guessed);
	assert_string_equal(r->ips.v[1].ip, "10.0.2.5"); /* after the endpoint: handle order */
	assert_string_equal(r->vpc, "vpc-1");		   /* from its subnets */
	imp_scen_deinit(&s);
}

static void
test_forward_rule_to_missing_endpoint_is_an_error(void **state)
{
	struct imp_scen s;
	struct imp_rule *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);

	imp_scen_init(&s, err);
	r = IMP_PUSH(&s, s.rules);
	r->key = r->id = "rslvr-rr-0a1b2c3d4e5f60001";
	r->domain = "corp.example.com";
	r->endpoint = "rslvr-out-0fedcba9876543210";
	r->endpoint_src = (struct imp_src){"rules.json", "$.ResolverRules[0].ResolverEndpointId"};
	imp_strs_add(&s, &r->targets, "192.168.10.53");
	assert_int_equal(imp_scen_finish(&s), HNS_EPARSE);
	fclose(err);
	assert_non_null(strstr(buf, "rules.json: $.ResolverRules[0].ResolverEndpointId: rule "));
	free(buf);
	imp_scen_deinit(&s);
}

static void
test_vpce_names_give_endpoint_and_az(void **state)
{
	struct imp_scen s;
	struct imp_endpoint *ep;
	const char *az = NULL;

	imp_scen_init(&s, NULL);
	ep = IMP_PUSH(&s, s.endpoints);
	ep->key = ep->id = "vpce-0c11f0aa40d2ff5ad";
	assert_string_equal(imp_vpce_suffix(&s, ep->id, "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com"),
			    "l1xf6pcv");
	assert_null(imp_vpce_suffix(&s, ep->id, "execute-api.eu-west-1.amazonaws.com"));
	assert_ptr_equal(imp_endpoint_by_dns(&s, "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1b.execute-api.eu-west-1.vpce.amazonaws.com", &az), ep);
	assert_string_equal(az, "eu-west-1b");
	assert_null(imp_endpoint_by_dns(&s, "vpce-0ffffffffffffffff-l1xf6pcv.s3.eu-west-1.vpce.amazonaws.com", &az));
	imp_scen_deinit(&s);
}

/* Import one document and return the scenario text (or NULL), with the status. */
static char *
import_one(bool terraform, const char *doc, int *rc)
{
	const char *names[] = {"doc.json"}, *bufs[] = {doc};
	size_t lens[] = {strlen(doc)}, len = 0;
	struct import_opts o = {.region = "eu-west-1", .command = "test"};
	char *out = NULL;

	*rc = terraform ? import_terraform_buffer("doc.json", doc, strlen(doc), &o, NULL, &out, &len)
			: import_aws_buffers(names, bufs, lens, 1, &o, NULL, &out, &len);
	return out;
}

static void
test_terraform_links_through_var_and_module_output(void **state)
{
	/* a zone in the root names the VPC of module "spoke" through its output; the
	   spoke's subnet names the VPC through aws_vpc.this; nothing has an id yet */
	static const char doc[] =
	    "{\"planned_values\": {\"root_module\": {\"resources\": ["
	    " {\"address\": \"aws_route53_zone.z\", \"mode\": \"managed\", \"type\": \"aws_route53_zone\", \"name\": \"z\","
	    "  \"values\": {\"name\": \"corp.internal\", \"vpc\": [{}]}}],"
	    " \"child_modules\": [{\"address\": \"module.spoke\", \"resources\": ["
	    "  {\"address\": \"module.spoke.aws_vpc.this\", \"mode\": \"managed\", \"type\": \"aws_vpc\", \"name\": \"this\","
	    "   \"values\": {\"cidr_block\": \"10.9.0.0/16\", \"tags\": {\"Name\": \"spoke\"}}},"
	    "  {\"address\": \"module.spoke.aws_subnet.a\", \"mode\": \"managed\", \"type\": \"aws_subnet\", \"name\": \"a\","
	    "   \"values\": {\"cidr_block\": \"10.9.1.0/24\", \"availability_zone\": \"eu-west-1a\"}}]}]}},"
	    " \"configuration\": {\"root_module\": {"
	    "  \"resources\": [{\"address\": \"aws_route53_zone.z\", \"expressions\": {\"vpc\": [{\"vpc_id\": {\"references\": "
	    "   [\"module.spoke.vpc_id\", \"module.spoke\"]}}]}}],"
	    "  \"module_calls\": {\"spoke\": {\"expressions\": {}, \"module\": {"
	    "   \"outputs\": {\"vpc_id\": {\"expression\": {\"references\": [\"var.vpc\", \"aws_vpc.this.id\"]}}},"
	    "   \"resources\": [{\"address\": \"aws_subnet.a\", \"expressions\": {\"vpc_id\": {\"references\": "
	    "    [\"aws_vpc.this.id\", \"aws_vpc.this\"]}}}]}}}}}}";
	int rc;
	char *out = import_one(true, doc, &rc);

	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "  spoke:\n    cidr: 10.9.0.0/16\n"));
	assert_non_null(strstr(out, "      spoke-a: {az: eu-west-1a, cidr: 10.9.1.0/24}\n"));
	assert_non_null(strstr(out, "  corp.internal:\n    vpcs: [spoke]\n"));
	free(out);
}

static void
test_aws_bare_record_list_matched_by_soa(void **state)
{
	static const char zones[] =
	    "{\"HostedZones\": [{\"Id\": \"/hostedzone/ZA\", \"Name\": \"a.example.\", \"Config\": {\"PrivateZone\": false}},"
	    " {\"Id\": \"/hostedzone/ZB\", \"Name\": \"b.a.example.\", \"Config\": {\"PrivateZone\": false}}]}";
	static const char recs[] =
	    "{\"ResourceRecordSets\": [{\"Name\": \"a.example.\", \"Type\": \"SOA\", \"TTL\": 900, \"ResourceRecords\": "
	    "[{\"Value\": \"ns. h. 1 2 3 4 5\"}]}, {\"Name\": \"\\\\052.a.example.\", \"Type\": \"A\", \"TTL\": 60,"
	    " \"ResourceRecords\": [{\"Value\": \"192.0.2.1\"}]}]}";
	const char *names[] = {"zones.json", "recs.json"}, *bufs[] = {zones, recs};
	size_t lens[] = {strlen(zones), strlen(recs)}, len = 0;
	struct import_opts o = {.region = "eu-west-1"};
	char *out = NULL;

	assert_int_equal(import_aws_buffers(names, bufs, lens, 2, &o, NULL, &out, &len), 0);
	assert_non_null(strstr(out, "  a.example:\n    records: |\n      * 60 A 192.0.2.1\n"));
	free(out);
}

static void
test_aws_wrong_kinds_are_located(void **state)
{
	int rc;
	char *out = import_one(false, "{\"Subnets\": [{\"SubnetId\": 7}]}", &rc);

	assert_int_equal(rc, HNS_EPARSE);
	assert_null(out);
	out = import_one(false, "{\"Vpcs\": [", &rc);
	assert_int_equal(rc, HNS_EPARSE);
	assert_null(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handles_reduced_and_unique),
		cmocka_unit_test(test_guessed_addresses_lowest_free_from_the_fifth),
		cmocka_unit_test(test_forward_rule_to_missing_endpoint_is_an_error),
		cmocka_unit_test(test_vpce_names_give_endpoint_and_az),
		cmocka_unit_test(test_terraform_links_through_var_and_module_output),
		cmocka_unit_test(test_aws_bare_record_list_matched_by_soa),
		cmocka_unit_test(test_aws_wrong_kinds_are_located),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
