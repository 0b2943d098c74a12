/*
 * Fuzz target for `hybridns import terraform` (import/terraform.c,
 * import/terraform_res.c): any bytes as `terraform show -json`; see
 * fuzz_import_cloud.h for what must hold.
 */
#include "config.h"

#include "tests/fuzz/fuzz_import_cloud.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { .region = NULL, .command = "fuzz" };
	char *out = NULL;
	size_t len = 0;
	int rc = import_terraform_buffer("fuzz.json", (const char *)data, size, &o, NULL, &out, &len);

	return fuzz_import_judge(rc, out, len);
}
