/*
 * harness/load_report.h -- parts of `hybridns load`'s report that other
 * load commands share: the histograms' JSON (what `load merge` reads back)
 * and the per-component account of an in-process run.
 */
#pragma once

#include <stdio.h>

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

struct load_where;
struct lg_result;
struct model_mix;

/* The components' account of an in-process run: text lines and a JSON object. */
void load_where_write_text(FILE *out, const struct load_where *w);
void load_where_write_json(struct json_writer *w, const struct load_where *where);
/* What happened per mix entry (mix: the profile's entries, res->n_mix of them). */
void load_mix_write_text(FILE *out, const struct model_mix *mix, const struct lg_result *res);
void load_mix_write_json(struct json_writer *w, const struct model_mix *mix, const struct lg_result *res);

struct lg_progress;

/*
 * The live progress line (a terminal's stderr): "\r" and the line, erased
 * to the end; name NULL erases it for good.
 */
void load_progress_write(FILE *out, const char *name, const struct lg_progress *pg, uint64_t elapsed_ns,
			 uint64_t duration_ns);
