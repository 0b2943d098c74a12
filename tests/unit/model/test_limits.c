/*
 * The scenario size limits (MODEL_MAX_FILE_BYTES, MODEL_MAX_RECORDS):
 * beyond them the load fails with one located error, from memory and from
 * a file, and the records count over all zone texts.  Timing is bench/huge.sh's
 * business, not a test's.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/error.h"
#include "model/model.h"

#define HEAD                                                                                       \
	"scenario: t\n"                                                                            \
	"region: eu-west-1\n"                                                                      \
	"vpcs:\n"                                                                                  \
	"  v:\n"                                                                                   \
	"    cidr: 10.0.0.0/16\n"                                                               \
	"    subnets:\n"                                                                           \
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"                                          \
	"internet:\n"                                                                              \
	"  zones:\n"                                                                               \
	"    small.example: |\n"                                                                   \
	"     a 60 A 192.0.2.1\n"                                                                  \
	"     ; a comment is no record\n"                                                          \
	"     b 60 A 192.0.2.2\n"                                                                  \
	"     c 60 A 192.0.2.3\n"                                                                  \
	"    big.example: |\n"
#define HEAD_LINES 15

/* Loads buf and returns its only error (the caller frees it). */
static char *
load_one_error(const char *name, const char *buf, size_t len)
{
	struct model_errors e;
	struct model *m = NULL;
	int rc;
	char *msg;

	model_errors_init(&e);
	rc = model_load_buffer(name, buf, len, &m, &e);
	assert_int_equal(rc, HNS_ESCENARIO);
	assert_null(m);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.dropped, 0);
	msg = strdup(e.msgs[0]);
	model_errors_deinit(&e);
	return msg;
}

/* "#\n" lines up to one byte beyond the limit: refused where the limit falls. */
static void
test_file_bytes_limit_from_memory(void **state)
{
	size_t len = (size_t)MODEL_MAX_FILE_BYTES + 1;
	char *buf = malloc(len), *msg, want[256];

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = i % 2 ? '\n' : '#';
	msg = load_one_error("big.yaml", buf, len);
	snprintf(want, sizeof(want),
	         "big.yaml:%u:1: the scenario is larger than 64 MiB (expected at most %u bytes: "
	         "the limit of docs/scenario.md, Limits)",
	         MODEL_MAX_FILE_BYTES / 2 + 1, MODEL_MAX_FILE_BYTES);
	assert_string_equal(msg, want);
	free(msg);
	free(buf);
}

/* The same through model_load_file, which reads no more than the limit and a byte. */
static void
test_file_bytes_limit_from_file(void **state)
{
	char path[] = "/tmp/hns-limits-XXXXXX";
	int fd = mkstemp(path);
	struct model_errors e;
	struct model *m = NULL;
	char want[256];

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)MODEL_MAX_FILE_BYTES + 4096), 0);
	close(fd);
	model_errors_init(&e);
	assert_int_equal(model_load_file(path, &m, &e), HNS_ESCENARIO);
	unlink(path);
	assert_null(m);
	assert_int_equal(e.n, 1);
	snprintf(want, sizeof(want),
	         "%s:1:%u: the scenario is larger than 64 MiB (expected at most %u bytes: the "
	         "limit of docs/scenario.md, Limits)",
	         path, MODEL_MAX_FILE_BYTES + 1, MODEL_MAX_FILE_BYTES);
	assert_string_equal(e.msgs[0], want);
	model_errors_deinit(&e);
}

/*
 * Three records in one zone and MODEL_MAX_RECORDS - 2 lines in another:
 * refused at the last line, the first one beyond the limit over both.
 */
static void
test_records_limit_over_all_zones(void **state)
{
	static const char line[] = "     x\n";
	size_t n = MODEL_MAX_RECORDS - 2, head = strlen(HEAD);
	size_t len = head + n * (sizeof(line) - 1);
	char *buf = malloc(len + 1), *msg, want[256];

	assert_non_null(buf);
	memcpy(buf, HEAD, head);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + head + i * (sizeof(line) - 1), line, sizeof(line) - 1);
	buf[len] = '\0';
	msg = load_one_error("recs.yaml", buf, len);
	snprintf(want, sizeof(want),
	         "recs.yaml:%zu:6: internet.zones.big.example: more than %d records in the "
	         "scenario (expected at most %d over all zone texts: the limit of "
	         "docs/scenario.md, Limits)",
	         (size_t)HEAD_LINES + n, MODEL_MAX_RECORDS, MODEL_MAX_RECORDS);
	assert_string_equal(msg, want);
	free(msg);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_bytes_limit_from_memory),
	    cmocka_unit_test(test_file_bytes_limit_from_file),
	    cmocka_unit_test(test_records_limit_over_all_zones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
