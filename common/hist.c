/*
 * common/hist.c -- log-bucket latency histogram (see hist.h).
 */
#include "config.h"

#include <math.h>

#include "common/clock.h"
#include "common/hist.h"

size_t
hns_hist_bucket(uint64_t us)
{
	unsigned e;
	size_t idx;

	if (us < HNS_HIST_SUB)
		return (size_t)us;
	e = 63u - (unsigned)__builtin_clzll(us); /* >= 4 */
	idx = (size_t)(e - 3) * HNS_HIST_SUB + (size_t)((us >> (e - 4)) & (HNS_HIST_SUB - 1));
	return idx < HNS_HIST_BUCKETS ? idx : HNS_HIST_BUCKETS - 1;
}

uint64_t
hns_hist_bucket_min_us(size_t bucket)
{
	unsigned e;

	if (bucket < HNS_HIST_SUB)
		return bucket;
	if (bucket >= HNS_HIST_BUCKETS)
		bucket = HNS_HIST_BUCKETS - 1;
	e = (unsigned)(bucket / HNS_HIST_SUB) + 3;
	/* values (16 + sub) << (e - 4) .. ((17 + sub) << (e - 4)) - 1 */
	return (HNS_HIST_SUB + bucket % HNS_HIST_SUB) << (e - 4);
}

uint64_t
hns_hist_bucket_max_us(size_t bucket)
{
	if (bucket >= HNS_HIST_BUCKETS - 1)
		return UINT64_MAX;
	return hns_hist_bucket_min_us(bucket + 1) - 1;
}

void
hns_hist_add(struct hns_hist *h, uint64_t ns)
{
	if (h->count == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->count++;
	h->sum_ns += ns;
	h->b[hns_hist_bucket(ns / HNS_NSEC_PER_USEC)]++;
}

void
hns_hist_merge(struct hns_hist *into, const struct hns_hist *from)
{
	if (from->count == 0)
		return;
	if (into->count == 0 || from->min_ns < into->min_ns)
		into->min_ns = from->min_ns;
	if (from->max_ns > into->max_ns)
		into->max_ns = from->max_ns;
	for (size_t i = 0; i < HNS_HIST_BUCKETS; i++)
		into->b[i] += from->b[i];
	into->count += from->count;
	into->sum_ns += from->sum_ns;
}

uint64_t
hns_hist_quantile(const struct hns_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (size_t i = 0; i < HNS_HIST_BUCKETS - 1; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t up = (hns_hist_bucket_max_us(i) + 1) * HNS_NSEC_PER_USEC;

			return up < h->max_ns ? up : h->max_ns;
		}
	}
	return h->max_ns;
}

double
hns_hist_mean_ms(const struct hns_hist *h)
{
	return h->count ? (double)h->sum_ns / (double)h->count / (double)HNS_NSEC_PER_MSEC : 0.0;
}
