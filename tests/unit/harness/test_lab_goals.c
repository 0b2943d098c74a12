/*
 * tests/unit/harness/test_lab_goals.c -- the lab goal splice: the file's own
 * expect: is blanked wherever it stands, every other byte keeps its line and
 * column, the goal item becomes the only expectation, and layouts the
 * splice cannot handle are refused with a located message.
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
#include "harness/lab.h"

static const char goals[] = "# a lab\n"
			    "scenario: g\n"
			    "expect:\n"
			    "  - name: first goal\n"
			    "    query: a.example A\n"
			    "  - name: second goal\n"
			    "    query: b.example A\n"
			    "    answer: [10.0.0.1]\n";

/* Line n (1-based) of text, without its newline (static buffer). */
static const char *
line_of(const char *text, int n)
{
	static char buf[256];
	const char *s = text, *e;

	for (int i = 1; i < n && s != NULL; i++)
		s = (s = strchr(s, '\n')) ? s + 1 : NULL;
	assert_non_null(s);
	e = strchr(s, '\n');
	snprintf(buf, sizeof(buf), "%.*s", (int)(e ? (size_t)(e - s) : strlen(s)), s);
	return buf;
}

/* Splice goal `item` of `goals` into `world`; returns the malloc'd text. */
static char *
splice(const char *world, size_t item)
{
	struct lab_doc w, g;
	char err[256], *out = NULL;
	size_t olen;

	assert_int_equal(lab_doc_scan(world, strlen(world), &w, err, sizeof(err)), 0);
	assert_int_equal(lab_doc_scan(goals, strlen(goals), &g, err, sizeof(err)), 0);
	assert_int_equal(g.n_items, 2);
	assert_int_equal(lab_goal_text(world, &w, goals, &g.items[item], &out, &olen), 0);
	assert_int_equal(strlen(out), olen);
	lab_doc_deinit(&w);
	lab_doc_deinit(&g);
	return out;
}

static void
test_items_found_in_order(void **state)
{
	struct lab_doc g;
	char err[256];

	(void)state;
	assert_int_equal(lab_doc_scan(goals, strlen(goals), &g, err, sizeof(err)), 0);
	assert_true(g.has_expect);
	assert_int_equal(g.n_items, 2);
	assert_ptr_equal(strstr(goals, "expect:"), goals + g.expect.start);
	assert_ptr_equal(strstr(goals, "name: first"), goals + g.items[0].start);
	assert_ptr_equal(strstr(goals, "name: second"), goals + g.items[1].start);
	assert_true(g.items[0].end <= g.items[1].start);
	lab_doc_deinit(&g);
}

static void
test_own_expect_blanked_lines_kept(void **state)
{
	const char *world = "scenario: w\n"
			    "expect:\n"
			    "  - name: trivially true\n"
			    "    query: x.example A\n"
			    "region: eu-west-1\n";
	char *out = splice(world, 1);

	(void)state;
	/* Line 5 is still the region, at column 1; the blanked lines hold only spaces. */
	assert_string_equal(line_of(out, 5), "region: eu-west-1");
	assert_string_equal(line_of(out, 3), "                        ");
	assert_null(strstr(out, "trivially true"));
	assert_null(strstr(out, "first goal"));
	assert_non_null(strstr(out, "\nexpect:\n  - name: second goal\n    query: b.example A\n"
				    "    answer: [10.0.0.1]\n"));
	/* Only the goal's expect remains. */
	assert_null(strstr(strstr(out, "expect:") + 1, "expect:"));
	assert_int_equal(strncmp(out, "scenario: w\n", 12), 0);
	free(out);
}

static void
test_no_expect_and_flow_expect(void **state)
{
	char *out = splice("scenario: w\nregion: eu-west-1\n", 0);

	(void)state;
	assert_string_equal(out, "scenario: w\nregion: eu-west-1\n\nexpect:\n  - name: first goal\n"
				 "    query: a.example A\n");
	free(out);
	out = splice("scenario: w\nexpect: [{query: x A}]\nregion: r\n", 0);
	assert_null(strstr(out, "x A"));
	assert_string_equal(line_of(out, 3), "region: r");
	assert_int_equal(strspn(line_of(out, 2), " "), strlen("expect: [{query: x A}]"));
	free(out);
}

static void
test_document_end_marker(void **state)
{
	char *out = splice("---\nscenario: w\nexpect:\n  - query: x A\n...\n", 0);

	(void)state;
	assert_null(strstr(out, "..."));
	assert_null(strstr(out, "x A"));
	assert_non_null(strstr(out, "\nexpect:\n  - name: first goal\n"));
	free(out);
}

static void
test_layouts_refused(void **state)
{
	static const char *bad[] = {
		"{scenario: w}\n",			  /* flow top level */
		"  scenario: w\n  region: r\n",		  /* indented top level */
		"- a\n- b\n",				  /* a list */
		"a: 1\n---\nb: 2\n",			  /* two documents */
		"expect: []\nexpect: []\n",		  /* two expects */
		"scenario: [\n",			  /* not YAML */
		"",					  /* nothing */
	};
	struct lab_doc d;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(lab_doc_scan(bad[i], strlen(bad[i]), &d, err, sizeof(err)),
				 HNS_EPARSE);
		/* "LINE:COLUMN: what" */
		assert_true(err[0] >= '1' && err[0] <= '9');
		assert_non_null(strchr(err, ':'));
	}
}

static void
test_goal_item_not_on_own_line(void **state)
{
	const char *flow = "expect: [{query: a A}]\n";
	struct lab_doc w, g;
	char err[256], *out = NULL;
	size_t olen;

	(void)state;
	assert_int_equal(lab_doc_scan("scenario: w\n", 12, &w, err, sizeof(err)), 0);
	assert_int_equal(lab_doc_scan(flow, strlen(flow), &g, err, sizeof(err)), 0);
	assert_int_equal(g.n_items, 1);
	assert_int_equal(lab_goal_text("scenario: w\n", &w, flow, &g.items[0], &out, &olen),
			 HNS_EINVAL);
	assert_null(out);
	lab_doc_deinit(&w);
	lab_doc_deinit(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_found_in_order),
		cmocka_unit_test(test_own_expect_blanked_lines_kept),
		cmocka_unit_test(test_no_expect_and_flow_expect),
		cmocka_unit_test(test_document_end_marker),
		cmocka_unit_test(test_layouts_refused),
		cmocka_unit_test(test_goal_item_not_on_own_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
