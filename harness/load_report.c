/*
 * harness/load_report.c -- shared parts of the load report (see load_report.h).
 */
#include "config.h"

#include "harness/load_report.h"

void
load_hist_write_json(struct json_writer *w, const struct hns_hist *h)
{
	json_object_begin(w);
	json_kv_uint(w, "count", h->count);
	json_kv_uint(w, "sum_ns", h->sum_ns);
	json_kv_uint(w, "min_ns", h->min_ns);
	json_kv_uint(w, "max_ns", h->max_ns);
	json_key(w, "buckets");
	json_array_begin(w);
	for (size_t i = 0; i < HNS_HIST_BUCKETS; i++) {
		if (h->b[i] == 0)
			continue;
		json_array_begin(w);
		json_uint(w, i);
		json_uint(w, h->b[i]);
		json_array_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}
