/*
 * Fuzz target for `hybridns import terraform` (import/terraform.c,
 * import/terraform_res.c): any bytes as `terraform show -json`, no crash,
 * leak or hang.  The result must
 * be consistent: success with a scenario that loads, or a failure code the
 * command maps to an exit status (2 for the input, 3 for the written
 * scenario), with nothing handed out.
 */
#include "config.h"

#include <stdlib.h>

#include "common/error.h"
#include "import/import.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = {.region = NULL, .command = "fuzz"};
	char *out = NULL;
	size_t len = 0;
	int rc = import_terraform_buffer("fuzz.json", (const char *)data, size, &o, NULL, &out, &len);

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
	} else if (out != NULL ||
		   (rc != HNS_EPARSE && rc != HNS_ESCENARIO && rc != HNS_ENOMEM)) {
		abort();
	}
	return 0;
}
