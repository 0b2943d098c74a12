/*
 * tests/fuzz/fuzz_import_onprem.h -- the body of the on-prem importers' fuzz
 * targets (fuzz_import_<product>.c): any bytes as the configuration file,
 * no crash, leak or hang.  Consistent results: success, after which the
 * resolver is written as a scenario and as a block --into a small scenario,
 * both of which must load (what a reader accepts, the scenario accepts), or a failure whose every message is located in the fuzz file
 * ("DIR/fuzz.conf:LINE:COL: …", "DIR/fuzz.conf: $.path: …", or an included
 * file of DIR).
 *
 * The file lives in a private temporary folder; what it includes resolves
 * there (nothing else), and devices and FIFOs are refused by the readers.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "import/onprem/onprem.h"
#include "model/model.h"

static const char fuzz_into_text[] =
	"scenario: fuzz\nregion: eu-west-1\nonprem:\n  cidr: 192.168.0.0/16\n"
	"  resolvers:\n    first:\n      address: 192.168.1.1\n# end\n";

/* Load what import wrote; whatever a reader accepted must validate. */
static void
fuzz_load(const char *text)
{
	struct model_errors e;
	struct model *m = NULL;

	model_errors_init(&e);
	if (model_load_buffer("fuzz.yaml", text, strlen(text), &m, &e) != 0) {
		model_errors_print(&e, stderr);
		abort();
	}
	model_free(m);
	model_errors_deinit(&e);
}

static void
fuzz_emit(struct onprem_conf *c)
{
	struct onprem_emit e = { "hybridns import fuzz", "fuzzed", NULL, NULL };
	char *text = NULL, *out = NULL;
	const char *why;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		abort();
	if (onprem_emit_scenario(c, &e, mem) != 0)
		abort();
	fclose(mem);
	fuzz_load(text);
	free(text);
	e.address = "192.168.1.2"; /* inside the small scenario's cidr, free */
	if (onprem_into_text(c, &e, fuzz_into_text, &out, &why) != 0)
		abort();
	/* byte for byte outside the block: the text up to the resolvers' end and "# end" */
	if (strncmp(out, fuzz_into_text, strlen(fuzz_into_text) - 6) != 0 ||
	    strcmp(out + strlen(out) - 6, "# end\n") != 0)
		abort();
	fuzz_load(out);
	free(out);
}

static char fuzz_dir[64];

static void
fuzz_dir_remove(void)
{
	rmdir(fuzz_dir);
}

static int
fuzz_onprem(const char *product, const char *file_name, const uint8_t *data, size_t size)
{
	char *dir = fuzz_dir;
	char path[128], *msgs = NULL;
	size_t mlen = 0;
	struct onprem_conf c;
	FILE *f, *err;
	int rc;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(fuzz_dir), "/tmp/hns-fuzz-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(fuzz_dir_remove);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file_name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	if ((err = open_memstream(&msgs, &mlen)) == NULL)
		abort();
	onprem_conf_init(&c, product, NULL);
	rc = onprem_reader_find(product)(&c, path, err);
	fclose(err);
	if (rc == 0) {
		fuzz_emit(&c);
	} else if (rc == HNS_EPARSE) {
		/* the error names a file of the fuzz folder (a file name may hold newlines) */
		if (mlen == 0 || strncmp(msgs, dir, strlen(dir)) != 0)
			abort();
	} else if (rc != HNS_ENOMEM) {
		abort();
	}
	free(msgs);
	onprem_conf_deinit(&c);
	unlink(path);
	return 0;
}
