/*
 * The service catalog: service-name forms, the DNS names of each special
 * form (and names it must not cover), regionless and cross-region services,
 * the docs row of every entry and the `service_region` endpoint key.
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

#include "common/arena.h"
#include "common/error.h"
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

/* One row per special form: the names a service's private DNS covers, in catalog order. */
static const struct {
	const char *svc;
	const char *label;
	const char *names[4]; /* "*." prefix: a wildcard name */
} cases[] = {
    {"execute-api", "execute-api", {"*.execute-api.eu-west-1.amazonaws.com"}},
    {"ecr.api", "api.ecr", {"api.ecr.eu-west-1.amazonaws.com"}},
    {"ecr.dkr", "dkr.ecr", {"*.dkr.ecr.eu-west-1.amazonaws.com"}},
    {"kinesis-streams", "kinesis", {"kinesis.eu-west-1.amazonaws.com"}},
    {"kinesis-firehose", "firehose", {"firehose.eu-west-1.amazonaws.com"}},
    {"s3",
     "s3",
     {"*.s3.eu-west-1.amazonaws.com", "*.s3-control.eu-west-1.amazonaws.com",
      "*.s3-accesspoint.eu-west-1.amazonaws.com"}},
    {"detective", "api.detective", {"api.detective.eu-west-1.amazonaws.com"}},
    {"kendra-ranking", "kendra-ranking", {"kendra-ranking.eu-west-1.api.aws"}},
    {"eks-auth", "eks-auth", {"eks-auth.eu-west-1.api.aws"}},
    {"sagemaker.api", "api.sagemaker", {"api.sagemaker.eu-west-1.amazonaws.com"}},
    {"sagemaker.runtime", "runtime.sagemaker", {"runtime.sagemaker.eu-west-1.amazonaws.com"}},
    {"sagemaker.featurestore-runtime",
     "featurestore-runtime.sagemaker",
     {"featurestore-runtime.sagemaker.eu-west-1.amazonaws.com"}},
    {"airflow.api", "api.airflow", {"api.airflow.eu-west-1.amazonaws.com"}},
    {"airflow.env", "env.airflow", {"env.airflow.eu-west-1.amazonaws.com"}},
    {"batch", "batch", {"batch.eu-west-1.amazonaws.com", "batch.eu-west-1.api.aws"}},
    {"sts", "sts", {"sts.eu-west-1.amazonaws.com"}},
    {"iam", "iam", {"iam.amazonaws.com"}},
    {"route53", "route53", {"route53.amazonaws.com"}},
    {"ssm", "ssm", {"ssm.eu-west-1.amazonaws.com"}},
    {"kms", "kms", {"kms.eu-west-1.amazonaws.com"}},
    /* not in the catalog: the standard form */
    {"no-such-service", "no-such-service", {"no-such-service.eu-west-1.amazonaws.com"}},
};

static bool
names_have(const struct model_service_name *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return true;
	return false;
}

static void
test_names(void **state)
{
	struct hns_arena a;

	hns_arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct model_service_name *v = NULL;
		size_t n = 0, want = 0;

		assert_int_equal(catalog_names(&a, cases[i].svc, "eu-west-1", &v, &n), 0);
		while (want < 4 && cases[i].names[want] != NULL)
			want++;
		assert_int_equal(n, want);
		for (size_t k = 0; k < n; k++) {
			const char *w = cases[i].names[k];
			bool wild = strncmp(w, "*.", 2) == 0;

			assert_string_equal(v[k].name, wild ? w + 2 : w);
			assert_int_equal(v[k].wildcard, wild);
		}
		assert_string_equal(catalog_vpce_label(cases[i].svc), cases[i].label);
	}
	assert_true(catalog_has_gateway("s3"));
	assert_true(catalog_has_gateway("dynamodb"));
	assert_false(catalog_has_gateway("execute-api"));
	assert_false(catalog_has_gateway("no-such-service"));
	hns_arena_deinit(&a);
}

/* The names a client uses that the service's private DNS does NOT cover. */
static void
test_names_not_covered(void **state)
{
	static const struct {
		const char *svc, *name;
	} no[] = {
	    {"sts", "sts.amazonaws.com"}, /* the global STS name stays public */
	    {"ecr.api", "ecr.api.eu-west-1.amazonaws.com"},
	    {"sagemaker.runtime", "sagemaker.runtime.eu-west-1.amazonaws.com"},
	    {"sagemaker.api", "sagemaker.eu-west-1.amazonaws.com"},
	    {"kinesis-streams", "kinesis-streams.eu-west-1.amazonaws.com"},
	    {"kinesis-firehose", "kinesis-firehose.eu-west-1.amazonaws.com"},
	    {"eks-auth", "eks-auth.eu-west-1.amazonaws.com"},
	    {"iam", "iam.eu-west-1.amazonaws.com"},
	    {"route53", "route53.us-east-1.amazonaws.com"},
	    {"s3", "s3.amazonaws.com"}, /* the legacy global endpoint */
	};
	struct hns_arena a;

	hns_arena_init(&a);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct model_service_name *v = NULL;
		size_t n = 0;

		assert_int_equal(catalog_names(&a, no[i].svc, "eu-west-1", &v, &n), 0);
		if (names_have(v, n, no[i].name))
			fail_msg("%s covers %s", no[i].svc, no[i].name);
	}
	assert_false(catalog_names(&a, "ecr.api", "eu-west-1", &(struct model_service_name *){NULL},
	                           &(size_t){0}) != 0);
	hns_arena_deinit(&a);
}

/* Regionless services: "com.amazonaws.<service>", their home region us-east-1. */
static void
test_regionless(void **state)
{
	struct hns_arena a;
	const char *region, *svc;
	bool custom = true;

	hns_arena_init(&a);
	assert_int_equal(catalog_service_split(&a, "com.amazonaws.iam", &region, &svc, &custom), 0);
	assert_string_equal(region, "us-east-1");
	assert_string_equal(svc, "iam");
	assert_false(custom);
	assert_int_equal(catalog_service_split(&a, "com.amazonaws.route53", &region, &svc, &custom),
	                 0);
	assert_string_equal(region, "us-east-1");
	assert_string_equal(svc, "route53");
	assert_string_equal(catalog_regionless_home("iam"), "us-east-1");
	assert_null(catalog_regionless_home("sts"));
	/* Only the regionless services have the short form. */
	assert_true(catalog_service_split(&a, "com.amazonaws.sts", &region, &svc, &custom) < 0);
	assert_true(catalog_service_split(&a, "com.amazonaws.ssm", &region, &svc, &custom) < 0);
	assert_true(catalog_service_split(&a, "aws.api.iam", &region, &svc, &custom) < 0);
	assert_true(catalog_service_split(&a, "com.amazonaws.vpce.iam", &region, &svc, &custom) < 0);
	hns_arena_deinit(&a);
}

/* The services AWS offers over cross-region PrivateLink, and some it does not. */
static void
test_cross_region(void **state)
{
	static const char *const yes[] = {"s3",  "iam",    "ecr.api",          "ecr.dkr",
	                                  "kms", "kms-fips", "ecs",            "lambda",
	                                  "kinesis-firehose", "kinesisanalytics",
	                                  "kinesisanalytics-fips", "route53"};
	static const char *const no[] = {"ssm", "sts", "sqs", "kinesis-streams", "execute-api",
	                                 "dynamodb", "no-such-service"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!catalog_cross_region(yes[i]))
			fail_msg("%s: not cross-region", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (catalog_cross_region(no[i]))
			fail_msg("%s: cross-region", no[i]);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* At least 60 services, every one documented in docs/catalog.md. */
static void
test_documented(void **state)
{
	char *doc = slurp(HNS_SOURCE_ROOT "/docs/catalog.md");
	char want[128];

	assert_true(catalog_count() >= 60);
	assert_null(catalog_service_at(catalog_count()));
	for (size_t i = 0; i < catalog_count(); i++) {
		const char *svc = catalog_service_at(i);

		assert_true(catalog_known(svc));
		snprintf(want, sizeof(want), "| `%s` |", svc);
		if (strstr(doc, want) == NULL)
			fail_msg("docs/catalog.md has no row for %s", svc);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(catalog_service_at(k), svc);
	}
	assert_false(catalog_known("no-such-service"));
	free(doc);
}

/* The `service_region` key: a cross-region endpoint, and what the loader refuses. */
static const char scenario[] =
    "scenario: t\nregion: eu-west-1\n"
    "vpcs:\n  hub:\n    cidr: 10.0.0.0/16\n    subnets:\n"
    "      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
    "endpoints:\n  ep:\n    type: %s\n    service: %s\n    vpc: hub\n%s%s";

static int
load(const char *type, const char *service, const char *extra, struct model **m,
     struct model_errors *e)
{
	char text[1024];
	int n = snprintf(text, sizeof(text), scenario, type, service,
	                 strcmp(type, "interface") == 0 ? "    enis: {a: 10.0.1.30}\n" : "", extra);

	model_errors_init(e);
	return model_load_buffer("t.yaml", text, (size_t)n, m, e);
}

static void
test_service_region_key(void **state)
{
	struct model *m = NULL;
	struct model_errors e;
	const struct model_endpoint *ep;

	assert_int_equal(load("interface", "com.amazonaws.us-west-2.kms",
	                      "    service_region: us-west-2\n", &m, &e),
	                 0);
	ep = model_endpoint_find(m, "ep");
	assert_non_null(ep);
	assert_string_equal(ep->cross_region, "us-west-2");
	assert_string_equal(ep->service_region, "us-west-2");
	assert_string_equal(ep->dns_names[0].name, "kms.us-west-2.amazonaws.com");
	model_free(m);
	model_errors_deinit(&e);

	/* Regionless IAM from eu-west-1: its region is us-east-1. */
	assert_int_equal(
	    load("interface", "com.amazonaws.iam", "    service_region: us-east-1\n", &m, &e), 0);
	ep = model_endpoint_find(m, "ep");
	assert_string_equal(ep->dns_names[0].name, "iam.amazonaws.com");
	assert_non_null(strstr(ep->regional_name, ".iam.us-east-1.vpce.amazonaws.com"));
	model_free(m);
	model_errors_deinit(&e);

	/* Absent: NULL, as before the key existed. */
	assert_int_equal(load("interface", "com.amazonaws.eu-west-1.ssm", "", &m, &e), 0);
	assert_null(model_endpoint_find(m, "ep")->cross_region);
	model_free(m);
	model_errors_deinit(&e);

	static const struct {
		const char *type, *service, *extra, *msg;
	} bad[] = {
	    {"interface", "com.amazonaws.us-west-2.kms", "    service_region: us-east-1\n",
	     "t.yaml:14:21: endpoints.ep.service_region: 'us-east-1' is not the region of "
	     "com.amazonaws.us-west-2.kms (expected us-west-2, the service's region)"},
	    {"interface", "com.amazonaws.us-west-2.kms", "    service_region: west\n",
	     "t.yaml:14:21: endpoints.ep.service_region: 'west' is not an AWS region (expected "
	     "e.g. eu-west-1)"},
	    {"gateway", "com.amazonaws.us-west-2.s3", "    service_region: us-west-2\n",
	     "t.yaml:13:5: endpoints.ep.service_region: only interface endpoints have "
	     "'service_region' (this one is a gateway endpoint)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = NULL;
		assert_int_equal(load(bad[i].type, bad[i].service, bad[i].extra, &m, &e),
		                 HNS_ESCENARIO);
		assert_null(m);
		assert_true(e.n >= 1);
		if (strcmp(e.msgs[0], bad[i].msg) != 0)
			fail_msg("got: %s\nwant: %s", e.msgs[0], bad[i].msg);
		model_errors_deinit(&e);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_names_not_covered),
	    cmocka_unit_test(test_regionless),
	    cmocka_unit_test(test_cross_region),
	    cmocka_unit_test(test_documented),
	    cmocka_unit_test(test_service_region_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
