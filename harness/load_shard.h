/*
 * harness/load_shard.h -- `hybridns load --shard I/N`: what a sharded run changes (its share of the rate, a disjoint
 * part of the {seq}/{rand} name space, its own seed); `hybridns load
 * merge` adds the shards' reports (load_merge.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/loadgen.h"

#define LOAD_SHARD_MAX 1000
#define LOAD_SHARD_PATTERN_MAX 512

/* count 0: not sharded.  Otherwise 0 <= index < count <= LOAD_SHARD_MAX. */
struct load_shard {
	unsigned index, count;
};

/* CLI_CUSTOM parser of "I/N" into a struct load_shard (harness/cli.h). */
int load_shard_parse(const char *cmd, const char *arg, void *field);

/* The rewritten patterns of one sharded profile (owned by the caller). */
struct load_shard_names {
	char pattern[LG_MIX_MAX][LOAD_SHARD_PATTERN_MAX];
};

/*
 * Give shard s its part of the name space: every {seq} and {rand} of the
 * n entries is preceded by the shard's tag, "s" and the index in as many
 * digits as count - 1 has, then "-" (shard 2 of 16: "s02-{seq}").  The tag
 * of the first placeholder sits at the same offset in every shard's names
 * (the text before it is the pattern's own), so two shards never expand to
 * the same name.  mix[i].pattern then points into names.  Nothing changes
 * for count <= 1.  0, or HNS_ENOSPC for a pattern too long.
 */
int load_shard_patterns(const struct load_shard *s, struct lg_mix_entry *mix, size_t n,
			struct load_shard_names *names);

/*
 * The same with any tag: every {seq} and {rand} of mix[0..n) prefixed with
 * tag, so that the names drawn are disjoint from the untagged ones (a
 * shard's "s3-", `--warmup`'s "w-"); patterns written into names.  0, or
 * HNS_ENOSPC when a pattern would not fit.
 */
int load_tag_patterns(const char *tag, struct lg_mix_entry *mix, size_t n, struct load_shard_names *names);
/* The shard's share of a total rate (the whole rate when not sharded). */
double load_shard_qps(const struct load_shard *s, double total);
/* The shard's seed: seed + index, so shards draw different IDs and labels. */
uint64_t load_shard_seed(const struct load_shard *s, uint64_t seed);

