/*
 * Fuzz target for `hybridns import aws` (import/aws.c, import/aws_route53.c):
 * any bytes as one AWS CLI output; see fuzz_import_cloud.h for what must hold.
 */
#include "config.h"

#include "tests/fuzz/fuzz_import_cloud.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[] = { "fuzz.json" };
	const char *bufs[] = { (const char *)data };
	size_t lens[] = { size };
	struct import_opts o = { .region = NULL, .command = "fuzz" };
	char *out = NULL;
	size_t len = 0;
	int rc = import_aws_buffers(names, bufs, lens, 1, &o, NULL, &out, &len);

	return fuzz_import_judge(rc, out, len);
}
