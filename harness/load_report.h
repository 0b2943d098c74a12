/*
 * harness/load_report.h -- parts of `hybridns load`'s report that other
 * load commands share: the histograms' JSON (what `load merge` reads back)
 * and the per-component account of an in-process run.
 */
#pragma once

#include "common/hist.h"
#include "harness/json.h"

/*
 * The bucket layout named in the report ("histograms": {"layout": ...}):
 * common/hist.h's, bucket i holds whole microseconds
 * [hns_hist_bucket_min_us(i), hns_hist_bucket_max_us(i)].
 */
#define LOAD_HIST_LAYOUT "log16-us-512"

/*
 * {"count", "sum_ns", "min_ns", "max_ns", "buckets": [[index, count], ...]}
 * with the non-empty buckets in ascending index order (docs/load.md).
 */
void load_hist_write_json(struct json_writer *w, const struct hns_hist *h);
