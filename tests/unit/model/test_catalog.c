/* The service catalog: service-name forms and the DNS names of each entry. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/arena.h"
#include "model/catalog.h"
#include "model/model.h"

static void
test_split(void **state)
{
	struct hns_arena a;
	const char *region, *svc;
	bool custom;

	hns_arena_init(&a);
	assert_int_equal(
	    catalog_service_split(&a, "com.amazonaws.eu-west-1.ecr.dkr", &region, &svc, &custom),
	    0);
	assert_string_equal(region, "eu-west-1");
	assert_string_equal(svc, "ecr.dkr");
	assert_false(custom);
	assert_int_equal(
	    catalog_service_split(&a, "aws.api.us-east-1.kendra-ranking", &region, &svc, &custom),
	    0);
	assert_string_equal(region, "us-east-1");
	assert_string_equal(svc, "kendra-ranking");
	assert_int_equal(catalog_service_split(&a, "com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd",
	                                       &region, &svc, &custom),
	                 0);
	assert_true(custom);
	assert_string_equal(svc, "vpce-svc-0123abcd");
	assert_int_equal(catalog_service_split(&a, "us-gov-west-1", &region, &svc, &custom) < 0, 1);
	assert_int_equal(
	    catalog_service_split(&a, "com.amazonaws.eu-west-1", &region, &svc, &custom) < 0, 1);
	assert_int_equal(
	    catalog_service_split(&a, "com.amazonaws.euwest1.s3", &region, &svc, &custom) < 0, 1);
	assert_int_equal(
	    catalog_service_split(&a, "com.amazonaws.eu-west-1.S3", &region, &svc, &custom) < 0, 1);
	assert_true(catalog_region_valid("us-gov-west-1"));
	assert_true(catalog_region_valid("ap-southeast-2"));
	assert_false(catalog_region_valid("eu-west"));
	assert_false(catalog_region_valid("eu-west-1a"));
	hns_arena_deinit(&a);
}

static const struct {
	const char *svc;
	size_t n;
	const char *first;
	bool wildcard;
	const char *label;
} cases[] = {
    {"execute-api", 1, "execute-api.eu-west-1.amazonaws.com", true, "execute-api"},
    {"ecr.api", 1, "api.ecr.eu-west-1.amazonaws.com", false, "api.ecr"},
    {"ecr.dkr", 1, "dkr.ecr.eu-west-1.amazonaws.com", true, "dkr.ecr"},
    {"kinesis-streams", 1, "kinesis.eu-west-1.amazonaws.com", false, "kinesis"},
    {"kinesis-firehose", 1, "firehose.eu-west-1.amazonaws.com", false, "firehose"},
    {"s3", 3, "s3.eu-west-1.amazonaws.com", true, "s3"},
    {"detective", 1, "api.detective.eu-west-1.amazonaws.com", false, "api.detective"},
    {"kendra-ranking", 1, "kendra-ranking.eu-west-1.api.aws", false, "kendra-ranking"},
    {"eks-auth", 1, "eks-auth.eu-west-1.api.aws", false, "eks-auth"},
    {"ssm", 1, "ssm.eu-west-1.amazonaws.com", false, "ssm"},
    {"sts", 1, "sts.eu-west-1.amazonaws.com", false, "sts"},
};

static void
test_names(void **state)
{
	struct hns_arena a;

	hns_arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct model_service_name *v = NULL;
		size_t n = 0;

		assert_int_equal(catalog_names(&a, cases[i].svc, "eu-west-1", &v, &n), 0);
		assert_int_equal(n, cases[i].n);
		assert_string_equal(v[0].name, cases[i].first);
		assert_int_equal(v[0].wildcard, cases[i].wildcard);
		assert_string_equal(catalog_vpce_label(cases[i].svc), cases[i].label);
	}
	struct model_service_name *v = NULL;
	size_t n = 0;

	assert_int_equal(catalog_names(&a, "s3", "us-east-1", &v, &n), 0);
	assert_string_equal(v[1].name, "s3-control.us-east-1.amazonaws.com");
	assert_string_equal(v[2].name, "s3-accesspoint.us-east-1.amazonaws.com");
	assert_true(catalog_has_gateway("s3"));
	assert_true(catalog_has_gateway("dynamodb"));
	assert_false(catalog_has_gateway("execute-api"));
	hns_arena_deinit(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
