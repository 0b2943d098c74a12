/*
 * Fuzz target for `hybridns import bind` (import/onprem/bind.c): see
 * fuzz_import_onprem.h for what must hold.
 */
#include "config.h"

#include "tests/fuzz/fuzz_import_onprem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_onprem("bind", "fuzz.conf", data, size);
}
