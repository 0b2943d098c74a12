/*
 * Fuzz target for the matrix's names file (harness/matrix.c,
 * matrix_names_parse): any bytes in, no crash, leak or hang.  The result
 * must be consistent: a parse that fails says where ("fuzz.txt:LINE:COL:"),
 * one that succeeds leaves every row lower-cased, without a trailing dot,
 * present once, with its cells.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/matrix.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char world[] = "scenario: w\nregion: eu-west-1\n"
			    "vpcs: {a: {cidr: 10.0.0.0/16, subnets: {s: {az: eu-west-1a, cidr: 10.0.1.0/24}}}}\n"
			    "hosted_zones:\n  z.example:\n    vpcs: [a]\n    records: |\n      www 60 A 10.0.1.5\n";

static void
check_rows(const struct matrix *mx)
{
	for (size_t i = 0; i < mx->n_names; i++) {
		const char *n = mx->names[i].name;
		size_t len = strlen(n);

		if (len == 0 || (len > 1 && n[len - 1] == '.'))
			abort();
		for (size_t k = 0; k < len; k++) {
			if (isupper((unsigned char)n[k]))
				abort();
		}
		if (matrix_name_find(mx, n, mx->names[i].qtype) != (long)i)
			abort();
		(void)matrix_cell_at(mx, i, mx->n_places - 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model *m;
	struct matrix *mx = NULL;
	struct model_errors errs;
	char err[600] = "";
	int rc;

	if (m == NULL) {
		model_errors_init(&errs);
		if (model_load_buffer("w.yaml", world, sizeof(world) - 1, &m, &errs) != 0)
			abort();
		model_errors_deinit(&errs);
	}
	if (matrix_new(m, &mx) != 0)
		abort();
	rc = matrix_names_parse(mx, "fuzz.txt", (const char *)data, size, err, sizeof(err));
	if (rc == 0)
		check_rows(mx);
	else if (rc != HNS_EINVAL && rc != HNS_ENOMEM)
		abort();
	else if (rc == HNS_EINVAL && strncmp(err, "fuzz.txt:", 9) != 0)
		abort();
	matrix_free(mx);
	return 0;
}
