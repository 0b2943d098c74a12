/*
 * model_from_parse(): the `from` forms of docs/scenario.md against the
 * format example (good ones, each naming its object), and every way a text
 * can name nothing, with the name the caller's message shows.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/error.h"
#include "model/model.h"

static struct model *
load_file(const char *path)
{
	struct model_errors e;
	struct model *m = NULL;

	model_errors_init(&e);
	assert_int_equal(model_load_file(path, &m, &e), 0);
	model_errors_deinit(&e);
	return m;
}

static int
setup(void **state)
{
	*state = load_file(MODEL_SCENARIO_DIR "/format-example.yaml");
	return 0;
}

static int
teardown(void **state)
{
	model_free(*state);
	return 0;
}

static void
test_from_good_forms_name_their_objects(void **state)
{
	const struct model *m = *state;
	struct model_from f;
	struct model_from_why why;

	assert_int_equal(model_from_parse(m, "internet", &f, &why), 0);
	assert_int_equal(f.kind, MODEL_FROM_INTERNET);
	assert_int_equal(why.problem, MODEL_FROM_FINE);

	assert_int_equal(model_from_parse(m, "onprem", &f, NULL), 0);
	assert_int_equal(f.kind, MODEL_FROM_ONPREM);
	assert_ptr_equal(f.resolver, &m->onprem.resolvers[0]);

	assert_int_equal(model_from_parse(m, "onprem:dc1-dns", &f, NULL), 0);
	assert_int_equal(f.kind, MODEL_FROM_ONPREM);
	assert_ptr_equal(f.resolver, model_onprem_resolver_find(m, "dc1-dns"));

	assert_int_equal(model_from_parse(m, "vpc:consumer-1", &f, NULL), 0);
	assert_int_equal(f.kind, MODEL_FROM_VPC);
	assert_ptr_equal(f.vpc, model_vpc_find(m, "consumer-1"));

	assert_int_equal(model_from_parse(m, "inbound:inbound", &f, NULL), 0);
	assert_int_equal(f.kind, MODEL_FROM_INBOUND);
	assert_ptr_equal(f.inbound, model_resolver_endpoint_find(m, "inbound"));
	assert_null(f.inbound_eni);

	assert_int_equal(model_from_parse(m, "inbound:inbound@private-b", &f, NULL), 0);
	assert_int_equal(f.kind, MODEL_FROM_INBOUND);
	assert_non_null(f.inbound_eni);
	assert_string_equal(f.inbound_eni->subnet->name, "private-b");
}

/* One bad text: the return code, the problem and the name it reports. */
static void
assert_bad(const struct model *m, const char *text, int rc, enum model_from_problem problem,
           const char *name, const char *subnet)
{
	struct model_from f = {.kind = MODEL_FROM_VPC, .vpc = (struct model_vpc *)m->vpcs};
	struct model_from_why why;

	assert_int_equal(model_from_parse(m, text, &f, &why), rc);
	assert_int_equal(why.problem, problem);
	/* untouched on failure */
	assert_int_equal(f.kind, MODEL_FROM_VPC);
	assert_ptr_equal(f.vpc, m->vpcs);
	if (name != NULL) {
		assert_int_equal(why.name_len, strlen(name));
		assert_memory_equal(why.name, name, why.name_len);
	}
	if (subnet != NULL)
		assert_string_equal(why.subnet, subnet);
	else
		assert_null(why.subnet);
}

static void
test_from_bad_texts_say_why(void **state)
{
	const struct model *m = *state;

	assert_bad(m, "", HNS_EPARSE, MODEL_FROM_BAD_FORM, NULL, NULL);
	assert_bad(m, "somewhere", HNS_EPARSE, MODEL_FROM_BAD_FORM, NULL, NULL);
	assert_bad(m, "internet:x", HNS_EPARSE, MODEL_FROM_BAD_FORM, NULL, NULL);
	assert_bad(m, "Onprem", HNS_EPARSE, MODEL_FROM_BAD_FORM, NULL, NULL);
	assert_bad(m, "outbound:outbound", HNS_EPARSE, MODEL_FROM_BAD_FORM, NULL, NULL);
	assert_bad(m, "onprem:dc9", HNS_ENOENT, MODEL_FROM_NO_RESOLVER, "dc9", NULL);
	assert_bad(m, "onprem:", HNS_ENOENT, MODEL_FROM_NO_RESOLVER, "", NULL);
	assert_bad(m, "vpc:nope", HNS_ENOENT, MODEL_FROM_NO_VPC, "nope", NULL);
	assert_bad(m, "inbound:nope@private-a", HNS_ENOENT, MODEL_FROM_NO_ENDPOINT, "nope",
	           "private-a");
	assert_bad(m, "inbound:outbound", HNS_ENOENT, MODEL_FROM_NOT_INBOUND, "outbound", NULL);
	assert_bad(m, "inbound:inbound@app-a", HNS_ENOENT, MODEL_FROM_NO_SUBNET, "inbound",
	           "app-a");
	assert_bad(m, "inbound:inbound@", HNS_ENOENT, MODEL_FROM_NO_SUBNET, "inbound", "");
}

static void
test_from_onprem_needs_a_resolver(void **state)
{
	static const char text[] = "scenario: t\nregion: eu-west-1\n"
	                           "vpcs:\n  v: {cidr: 10.0.0.0/16}\n";
	struct model_errors e;
	struct model *m = NULL;
	struct model_from f;
	struct model_from_why why;

	model_errors_init(&e);
	assert_int_equal(model_load_buffer("t.yaml", text, strlen(text), &m, &e), 0);
	assert_int_equal(model_from_parse(m, "onprem", &f, &why), HNS_ENOENT);
	assert_int_equal(why.problem, MODEL_FROM_NO_ONPREM);
	assert_int_equal(model_from_parse(m, "vpc:v", &f, &why), 0);
	assert_ptr_equal(f.vpc, &m->vpcs[0]);
	model_free(m);
	model_errors_deinit(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_from_good_forms_name_their_objects, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_from_bad_texts_say_why, setup, teardown),
	    cmocka_unit_test(test_from_onprem_needs_a_resolver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
