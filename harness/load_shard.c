/*
 * harness/load_shard.c -- sharded runs (`load --shard I/N`).  See
 * load_shard.h.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/load_shard.h"

int
load_shard_parse(const char *cmd, const char *arg, void *field)
{
	struct load_shard *s = field;
	unsigned long i, n;
	char *end;

	errno = 0;
	i = strtoul(arg, &end, 10);
	if (end == arg || *end != '/' || arg[0] == '-' || errno != 0)
		goto bad;
	arg = end + 1;
	n = strtoul(arg, &end, 10);
	if (end == arg || *end != '\0' || arg[0] == '-' || errno != 0)
		goto bad;
	if (n < 1 || n > LOAD_SHARD_MAX || i >= n) {
		fprintf(stderr, "hybridns %s: --shard: want I/N with 0 <= I < N <= %d, got %lu/%lu\n", cmd,
			LOAD_SHARD_MAX, i, n);
		return -1;
	}
	s->index = (unsigned)i;
	s->count = (unsigned)n;
	return 0;
bad:
	fprintf(stderr, "hybridns %s: --shard: want I/N (this shard's index and the number of shards, e.g. 0/4)\n",
		cmd);
	return -1;
}

static int
digits_of(unsigned v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

int
load_shard_patterns(const struct load_shard *s, struct lg_mix_entry *mix, size_t n,
		    struct load_shard_names *names)
{
	char tag[16];

	if (s->count <= 1)
		return 0;
	snprintf(tag, sizeof(tag), "s%0*u-", digits_of(s->count - 1), s->index);
	return load_tag_patterns(tag, mix, n, names);
}

int
load_tag_patterns(const char *tag, struct lg_mix_entry *mix, size_t n, struct load_shard_names *names)
{
	if (n > LG_MIX_MAX)
		return HNS_EINVAL;
	for (size_t i = 0; i < n; i++) {
		char *out = names->pattern[i];
		size_t len = 0, cap = sizeof(names->pattern[i]);

		for (const char *p = mix[i].pattern; *p != '\0'; p++) {
			bool ph = strncmp(p, "{seq}", 5) == 0 || strncmp(p, "{rand}", 6) == 0;
			int k;

			if (ph) {
				k = snprintf(out + len, cap - len, "%s", tag);
				if (k < 0 || (size_t)k >= cap - len)
					return HNS_ENOSPC;
				len += (size_t)k;
			}
			if (len + 1 >= cap)
				return HNS_ENOSPC;
			out[len++] = *p;
		}
		out[len] = '\0';
		mix[i].pattern = out;
	}
	return 0;
}

double
load_shard_qps(const struct load_shard *s, double total)
{
	return s->count > 1 ? total / (double)s->count : total;
}

uint64_t
load_shard_seed(const struct load_shard *s, uint64_t seed)
{
	return s->count > 1 ? seed + s->index : seed;
}

