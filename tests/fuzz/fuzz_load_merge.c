/*
 * Fuzz target for what `hybridns load merge` and `load --find-max` read
 * (harness/load_merge.c, load_findmax.c, load_shard.c): any bytes as a
 * load report merged with itself, as a histogram, as a counters document
 * (the blame, against itself as the base), as --slo and as --shard.  No
 * crash, leak or hang; a histogram that reads back holds as many values as
 * its count says; merge exits 0, 1 or 2, never 3 or a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/load_findmax.h"
#include "harness/load_merge.h"
#include "harness/load_shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
merge_file(const char *text, size_t size)
{
	char path[] = "/tmp/hns-fuzz-merge-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *err;

	if (fd < 0)
		return;
	if (write(fd, text, size) == (ssize_t)size) {
		char a0[] = "merge", a1[] = "--format", a2[] = "json", a3[] = "-o", a4[] = "/dev/null";
		char *argv[] = { a0, a1, a2, a3, a4, path, path, NULL };
		/* the messages of bad input are expected: not into the test's log */
		int saved = dup(2);

		err = fopen("/dev/null", "w");
		if (err != NULL && saved >= 0)
			dup2(fileno(err), 2);
		rc = cmd_load_merge(7, argv);
		if (saved >= 0) {
			fflush(stderr);
			dup2(saved, 2);
			close(saved);
		}
		if (err != NULL)
			fclose(err);
		if (rc < 0 || rc > 2)
			abort();
	}
	close(fd);
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), where[256], counter[96], err[160];
	struct hns_hist *h = malloc(sizeof(*h));
	struct load_findmax_slo slo;
	struct load_shard shard;
	uint64_t n, total = 0;

	if (text == NULL || h == NULL || size > 1 << 20)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	if (load_hist_json_read(text, h, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < HNS_HIST_BUCKETS; i++)
			total += h->b[i];
		if (total != h->count)
			abort();
	}
	if (load_stats_blame(text, text, 0.5, where, sizeof(where), counter, sizeof(counter), &n) == 0 &&
	    n > 0 && (where[0] == '\0' && counter[0] == '\0'))
		abort();
	if (size < 200) {
		FILE *saved = stderr;

		stderr = fopen("/dev/null", "w");
		if (stderr != NULL) {
			(void)load_findmax_slo_parse("load", text, &slo);
			(void)load_shard_parse("load", text, &shard);
			fclose(stderr);
		}
		stderr = saved;
	}
	merge_file(text, size);
out:
	free(text);
	free(h);
	return 0;
}
