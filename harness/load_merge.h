/*
 * harness/load_merge.h -- `hybridns load merge A.json B.json ...`: the
 * JSON reports of several `load` runs (the shards of one test, or runs on
 * several machines) added into one: counters summed, latency histograms
 * added bucket by bucket and the percentiles read from the sum (never an
 * average of percentiles), the SLOs judged again on the sum.  Also the
 * reader of the components' counters that names the component where
 * queries died (used by --find-max).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/hist.h"

struct cli_command;

extern const struct cli_command cmd_load_merge_cli;

/* `hybridns load merge ...`; argv[0] is "merge".  0, 1 (an SLO failed on the sum), 2, 3. */
int cmd_load_merge(int argc, char **argv);

/*
 * Read a histogram in the form load_hist_write_json (load_report.h) writes
 * from the JSON text `json`.  0, or -1 with a message in err.
 */
int load_hist_json_read(const char *json, struct hns_hist *h, char *err, size_t err_len);

/*
 * The place of loss in a document of counters (the components' account of
 * an in-process run, load_where_write_json, or `serve`'s stats): the counter of dropped, refused or
 * failed queries that grew most beyond `base` (the document of a run that
 * held, its counters scaled by `scale`, the ratio of queries sent; NULL:
 * all zero), as its path ("listeners[inbound/private-a (eu-west-1a)]") and key
 * ("dropped_ceiling"), *n its excess.  0 with *n > 0 when one was found,
 * *n == 0 when none grew; -1 when json does not parse.
 */
int load_stats_blame(const char *json, const char *base, double scale, char *where,
		     size_t where_len, char *counter, size_t counter_len, uint64_t *n);
