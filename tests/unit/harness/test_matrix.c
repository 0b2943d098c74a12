/*
 * tests/unit/harness/test_matrix.c -- the resolution matrix without a
 * world: which rows and columns a scenario gets, what a names file adds and
 * refuses (FILE:LINE:COLUMN), and how an answer is classified.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "common/error.h"
#include "harness/matrix.h"
#include "model/model.h"

static const char scenario[] =
	"scenario: unit-matrix\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  hub:\n"
	"    cidr: 10.0.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
	"  spoke:\n"
	"    cidr: 10.1.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"
	"endpoints:\n"
	"  api:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.execute-api\n"
	"    vpc: hub\n"
	"    private_dns: true\n"
	"    enis: {a: 10.0.1.25, b: 10.0.2.25}\n"
	"  ssm:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.ssm\n"
	"    vpc: hub\n"
	"    private_dns: false\n"
	"    enis: {a: 10.0.1.26}\n"
	"  s3:\n"
	"    type: gateway\n"
	"    service: com.amazonaws.eu-west-1.s3\n"
	"    vpc: hub\n"
	"hosted_zones:\n"
	"  internal.example:\n"
	"    vpcs: [hub, spoke]\n"
	"    records: |\n"
	"      @    ALIAS endpoint:ssm\n"
	"      *    300 A 10.0.9.9\n"
	"      www  300 CNAME web.internal.example.\n"
	"      web  300 A 10.0.9.10\n"
	"      txt  300 TXT \"hello\"\n"
	"      web  300 AAAA fd00::1\n"
	"resolver:\n"
	"  endpoints:\n"
	"    in:\n"
	"      direction: inbound\n"
	"      vpc: hub\n"
	"      ips: {a: 10.0.1.10, b: 10.0.2.10}\n"
	"onprem:\n"
	"  cidr: 192.168.0.0/16\n"
	"  resolvers:\n"
	"    dc1:\n"
	"      address: 192.168.10.53\n"
	"      forward:\n"
	"        - zone: internal.example\n"
	"          to: [10.0.1.10, 10.0.2.10]\n"
	"      zones:\n"
	"        corp.example: |\n"
	"          app 300 A 192.168.20.15\n"
	"vpn:\n"
	"  vpcs: [hub]\n"
	"  tunnels:\n"
	"    t1: {latency_ms: 1}\n";

struct fixture {
	struct model *m;
	struct matrix *mx;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct model_errors errs;

	model_errors_init(&errs);
	if (model_load_buffer("unit.yaml", scenario, sizeof(scenario) - 1, &f->m, &errs) != 0) {
		model_errors_print(&errs, stderr);
		return -1;
	}
	model_errors_deinit(&errs);
	if (matrix_new(f->m, &f->mx) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	matrix_free(f->mx);
	model_free(f->m);
	free(f);
	return 0;
}

static void
test_columns_are_every_place_in_from_spelling(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = { "onprem:dc1", "vpc:hub", "vpc:spoke", "inbound:in@a", "inbound:in@b",
					    "internet" };

	assert_int_equal(f->mx->n_places, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(f->mx->places[i].name, want[i]);
}

static void
assert_row(const struct matrix *mx, const char *name, uint16_t qtype, const char *why_part)
{
	long r = matrix_name_find(mx, name, qtype);

	if (r < 0)
		fail_msg("no row %s type %u", name, qtype);
	if (why_part != NULL && strstr(mx->names[r].why, why_part) == NULL)
		fail_msg("row %s: reason '%s' lacks '%s'", name, mx->names[r].why, why_part);
}

static void
test_rows_endpoint_names_wildcard_sample_vpce(void **state)
{
	const struct matrix *mx = ((struct fixture *)*state)->mx;
	const struct model_endpoint *api = model_endpoint_find(mx->m, "api");

	assert_row(mx, "execute-api.eu-west-1.amazonaws.com", LDNS_RR_TYPE_A, "endpoint api service name");
	/* execute-api's private DNS is a wildcard: one sample name under it */
	assert_row(mx, "abcd1234.execute-api.eu-west-1.amazonaws.com", LDNS_RR_TYPE_A, "wildcard sample");
	assert_row(mx, api->regional_name, LDNS_RR_TYPE_A, "regional vpce name");
	assert_row(mx, api->enis[0].zonal_name, LDNS_RR_TYPE_A, "zonal vpce name (eu-west-1a)");
	assert_row(mx, api->enis[1].zonal_name, LDNS_RR_TYPE_A, "zonal vpce name (eu-west-1b)");
	/* an endpoint with private DNS off still has its service name as a row */
	assert_row(mx, "ssm.eu-west-1.amazonaws.com", LDNS_RR_TYPE_A, "endpoint ssm");
	/* the gateway endpoint's service: its public name */
	assert_row(mx, "s3.eu-west-1.amazonaws.com", LDNS_RR_TYPE_A, "gateway");
}

static void
test_rows_zone_records_by_type(void **state)
{
	const struct matrix *mx = ((struct fixture *)*state)->mx;

	assert_row(mx, "internal.example", LDNS_RR_TYPE_A, "private hosted zone internal.example");
	assert_row(mx, "abcd1234.internal.example", LDNS_RR_TYPE_A, NULL); /* the wildcard's sample */
	assert_row(mx, "www.internal.example", LDNS_RR_TYPE_A, NULL);	  /* CNAME: asked as A */
	assert_row(mx, "web.internal.example", LDNS_RR_TYPE_AAAA, NULL);
	assert_row(mx, "txt.internal.example", LDNS_RR_TYPE_TXT, NULL);
	assert_row(mx, "app.corp.example", LDNS_RR_TYPE_A, "on-prem zone corp.example");
	assert_int_equal(matrix_name_find(mx, "www.internal.example", LDNS_RR_TYPE_CNAME), -1);
	assert_int_equal(matrix_name_find(mx, "*.internal.example", LDNS_RR_TYPE_A), -1);
	/* no SOA or NS rows, and each (name, type) once */
	for (size_t i = 0; i < mx->n_names; i++) {
		assert_int_not_equal(mx->names[i].qtype, LDNS_RR_TYPE_SOA);
		assert_int_not_equal(mx->names[i].qtype, LDNS_RR_TYPE_NS);
		for (size_t k = i + 1; k < mx->n_names; k++)
			assert_false(mx->names[i].qtype == mx->names[k].qtype &&
				     strcmp(mx->names[i].name, mx->names[k].name) == 0);
	}
	/* the first reason stays: the endpoint's, not the later record's */
	assert_row(mx, "ssm.eu-west-1.amazonaws.com", LDNS_RR_TYPE_A, "endpoint ssm service name");
}

static char *
write_names(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_matrix_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_names_file_adds_and_overrides(void **state)
{
	struct matrix *mx = ((struct fixture *)*state)->mx;
	size_t before = mx->n_names;
	char err[512] = "", *path = write_names("# extra rows\n\nWWW.Example.COM.  \n"
						"app.corp.example A   # again: replaced reason\n"
						"\tweb.internal.example  mx\n");
	long r;

	assert_int_equal(matrix_names_file(mx, path, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(mx->n_names, before + 2);
	assert_row(mx, "www.example.com", LDNS_RR_TYPE_A, ":3");
	assert_row(mx, "web.internal.example", LDNS_RR_TYPE_MX, ":5");
	r = matrix_name_find(mx, "app.corp.example", LDNS_RR_TYPE_A);
	assert_non_null(strstr(mx->names[r].why, "--names"));
	/* the cells of the new rows exist, unasked */
	assert_int_equal(matrix_cell_at(mx, mx->n_names - 1, mx->n_places - 1)->cls, MATRIX_TIMEOUT);
}

static void
assert_names_error(struct matrix *mx, const char *text, const char *want)
{
	char err[512] = "", *path = write_names(text), where[128];

	assert_int_equal(matrix_names_file(mx, path, err, sizeof(err)), HNS_EINVAL);
	snprintf(where, sizeof(where), "%s%s", path, want);
	unlink(path);
	if (strncmp(err, where, strlen(where)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, where);
}

static void
test_names_file_errors_are_located(void **state)
{
	struct matrix *mx = ((struct fixture *)*state)->mx;
	char err[256];

	assert_names_error(mx, "ok.example\nbad..name A\n", ":2:1: 'bad..name' is not a DNS name");
	assert_names_error(mx, "a.example NOSUCHTYPE\n", ":1:11: 'NOSUCHTYPE' is not a DNS record type");
	assert_names_error(mx, "# c\n  a.example A extra\n", ":2:15: 'extra'");
	assert_int_equal(matrix_names_file(mx, "/nonexistent/names.txt", err, sizeof(err)), HNS_EINVAL);
	assert_non_null(strstr(err, "/nonexistent/names.txt: "));
}

/* A cell with these answers (type per value), classified. */
static struct matrix_cell
classify(const struct model *m, int rcode, uint16_t qtype, const char *const *values, const uint16_t *types,
	 size_t n)
{
	struct matrix_cell c;

	memset(&c, 0, sizeof(c));
	c.rcode = rcode;
	c.n_answers = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(c.answers[i], sizeof(c.answers[i]), "%s", values[i]);
		c.answer_types[i] = types[i];
	}
	matrix_cell_classify(m, qtype, &c);
	return c;
}

static void
test_classify_private_with_endpoint(void **state)
{
	const struct model *m = ((struct fixture *)*state)->m;
	static const char *const two[] = { "10.0.2.25", "10.0.1.25" };
	static const char *const cname[] = { "vpce-x.example", "10.0.1.26" };
	static const char *const mixed_eps[] = { "10.0.1.25", "10.0.1.26" };
	static const char *const onprem[] = { "192.168.20.15" };
	static const uint16_t a2[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_A };
	static const uint16_t ca[] = { LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_A };
	char text[128];
	struct matrix_cell c = classify(m, 0, LDNS_RR_TYPE_A, two, a2, 2);

	assert_int_equal(c.cls, MATRIX_PRIVATE);
	assert_string_equal(c.endpoint->name, "api");
	assert_int_equal(c.endpoint_ips, 2);
	assert_string_equal(matrix_cell_text(&c, text, sizeof(text)), "private (endpoint api, 2 IPs)");
	/* a CNAME on the way does not count; the one address is ssm's */
	c = classify(m, 0, LDNS_RR_TYPE_A, cname, ca, 2);
	assert_int_equal(c.cls, MATRIX_PRIVATE);
	assert_string_equal(matrix_cell_text(&c, text, sizeof(text)), "private (endpoint ssm, 1 IP)");
	/* addresses of two endpoints: private, no single endpoint */
	c = classify(m, 0, LDNS_RR_TYPE_A, mixed_eps, a2, 2);
	assert_int_equal(c.cls, MATRIX_PRIVATE);
	assert_null(c.endpoint);
	assert_string_equal(matrix_cell_text(&c, text, sizeof(text)), "private");
	/* on-prem CIDR is private too */
	c = classify(m, 0, LDNS_RR_TYPE_A, onprem, a2, 1);
	assert_int_equal(c.cls, MATRIX_PRIVATE);
	assert_null(c.endpoint);
}

static void
test_classify_public_nodata_and_rcodes(void **state)
{
	const struct model *m = ((struct fixture *)*state)->m;
	static const char *const pub[] = { "52.95.0.20" };
	static const char *const half[] = { "10.0.1.25", "52.95.0.20" };
	static const char *const txt[] = { "\"hello\"" };
	static const char *const only_cname[] = { "elsewhere.example" };
	static const uint16_t a2[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_A };
	static const uint16_t t1[] = { LDNS_RR_TYPE_TXT };
	static const uint16_t c1[] = { LDNS_RR_TYPE_CNAME };
	static const struct {
		int rcode;
		enum matrix_class cls;
		const char *text;
	} rc[] = {
		{ 3, MATRIX_NXDOMAIN, "NXDOMAIN" }, { 2, MATRIX_SERVFAIL, "SERVFAIL" },
		{ 5, MATRIX_REFUSED, "REFUSED" },   { 1, MATRIX_SERVFAIL, "FORMERR" },
		{ -1, MATRIX_TIMEOUT, "timeout" },
	};
	char text[128];

	assert_int_equal(classify(m, 0, LDNS_RR_TYPE_A, pub, a2, 1).cls, MATRIX_PUBLIC);
	/* one public address is enough to make the answer public */
	assert_int_equal(classify(m, 0, LDNS_RR_TYPE_A, half, a2, 2).cls, MATRIX_PUBLIC);
	/* data that is no address is judged public */
	assert_int_equal(classify(m, 0, LDNS_RR_TYPE_TXT, txt, t1, 1).cls, MATRIX_PUBLIC);
	/* NOERROR without a record of the asked type: NODATA, a dangling CNAME included */
	assert_int_equal(classify(m, 0, LDNS_RR_TYPE_A, NULL, NULL, 0).cls, MATRIX_NODATA);
	assert_int_equal(classify(m, 0, LDNS_RR_TYPE_A, only_cname, c1, 1).cls, MATRIX_NODATA);
	assert_int_equal(classify(m, 0, LDNS_RR_TYPE_AAAA, pub, a2, 1).cls, MATRIX_NODATA);
	for (size_t i = 0; i < sizeof(rc) / sizeof(rc[0]); i++) {
		struct matrix_cell c = classify(m, rc[i].rcode, LDNS_RR_TYPE_A, pub, a2, 1);

		assert_int_equal(c.cls, rc[i].cls);
		assert_string_equal(matrix_cell_text(&c, text, sizeof(text)), rc[i].text);
	}
	assert_string_equal(matrix_class_str(MATRIX_NODATA), "nodata");
	assert_string_equal(matrix_class_str(MATRIX_REFUSED), "refused");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_columns_are_every_place_in_from_spelling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_endpoint_names_wildcard_sample_vpce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_zone_records_by_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_file_adds_and_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_file_errors_are_located, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify_private_with_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify_public_nodata_and_rcodes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
