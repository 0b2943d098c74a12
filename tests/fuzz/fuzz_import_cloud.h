/*
 * tests/fuzz/fuzz_import_cloud.h -- what must hold after the cloud
 * importers' fuzz targets (fuzz_import_aws.c, fuzz_import_terraform.c) run
 * on any bytes: no crash, leak or hang, and a consistent result -- success
 * with a scenario that loads, or a failure code the command maps to an exit
 * status (2 for the input, 3 for the written scenario), with nothing handed
 * out.
 */
#pragma once

#include <stdlib.h>

#include "common/error.h"
#include "import/import.h"
#include "model/model.h"

/* Judge an importer's rc and output (freed here); aborts on an inconsistent result. */
static int
fuzz_import_judge(int rc, char *out, size_t len)
{
	if (rc == 0) {
		struct model_errors e;
		struct model *m = NULL;

		if (out == NULL)
			abort();
		model_errors_init(&e);
		if (model_load_buffer("fuzz.yaml", out, len, &m, &e) != 0)
			abort();
		model_free(m);
		model_errors_deinit(&e);
		free(out);
	} else if (out != NULL || (rc != HNS_EPARSE && rc != HNS_ESCENARIO && rc != HNS_ENOMEM)) {
		abort();
	}
	return 0;
}
