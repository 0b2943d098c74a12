/*
 * Table-driven invalid scenarios: every tests/scenarios/invalid/NN-name.yaml
 * must fail to load, and its first error line must equal the companion
 * NN-name.expect exactly (FILE:LINE:COLUMN: key.path: message).  Files are
 * loaded from memory under their base name, so the expectations do not
 * depend on where the tree lives.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/error.h"
#include "model/model.h"

#define DIR_INVALID MODEL_SCENARIO_DIR "/invalid"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_invalid_table(void **state)
{
	DIR *d = opendir(DIR_INVALID);
	struct dirent *ent;
	char *names[256];
	size_t n = 0, failed = 0;

	assert_non_null(d);
	while ((ent = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(ent->d_name);

		if (l > 5 && strcmp(ent->d_name + l - 5, ".yaml") == 0)
			names[n++] = strdup(ent->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	assert_true(n >= 40);
	for (size_t i = 0; i < n; i++) {
		char path[512], expect_path[512];
		size_t len, elen;
		char *text, *expect;
		struct model_errors e;
		struct model *m = NULL;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", DIR_INVALID, names[i]);
		snprintf(expect_path, sizeof(expect_path), "%s/%.*s.expect", DIR_INVALID,
		         (int)(strlen(names[i]) - 5), names[i]);
		text = slurp(path, &len);
		expect = slurp(expect_path, &elen);
		assert_non_null(text);
		if (expect == NULL) {
			fprintf(stderr, "%s: no .expect file\n", names[i]);
			failed++;
			free(text);
			continue;
		}
		while (elen > 0 && (expect[elen - 1] == '\n' || expect[elen - 1] == '\r'))
			expect[--elen] = '\0';
		model_errors_init(&e);
		rc = model_load_buffer(names[i], text, len, &m, &e);
		if (rc != HNS_ESCENARIO || m != NULL || e.n == 0 ||
		    strcmp(e.msgs[0], expect) != 0) {
			fprintf(stderr, "FAIL %s (rc %d)\n  expected: %s\n  got:      %s\n",
			        names[i], rc, expect, e.n > 0 ? e.msgs[0] : "(no error)");
			failed++;
		}
		model_free(m);
		model_errors_deinit(&e);
		free(text);
		free(expect);
		free(names[i]);
	}
	fprintf(stderr, "%zu invalid scenarios, %zu failed\n", n, failed);
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invalid_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
