/*
 * common/hist.h -- the latency histogram of the load generator and the VPN.
 *
 * Values are nanoseconds; buckets are whole microseconds on a log scale:
 * below 16 us each microsecond has a bucket, above that each power of two
 * is split into HNS_HIST_SUB buckets (a bucket is at most 1/16 of its
 * values wide).  The last bucket takes everything from 2^35 us (~9.5 h)
 * up.  Fixed size, no allocation, plain counters with one writer.
 *
 * Two histograms merge exactly (the bucket counts add), so percentiles of
 * several runs or threads come from the merged counts, never from an
 * average of percentiles.  The bucket layout is part of the load report's
 * JSON (docs/load.md): a bucket index means the same in every build.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HNS_HIST_SUB 16
#define HNS_HIST_BUCKETS 512

struct hns_hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t min_ns, max_ns; /* 0, 0 while empty */
	uint64_t b[HNS_HIST_BUCKETS];
};

void hns_hist_add(struct hns_hist *h, uint64_t ns);
/* into += from: bucket counts, count and sum add; min and max combine. */
void hns_hist_merge(struct hns_hist *into, const struct hns_hist *from);
/*
 * The q-quantile (0 < q <= 1) in ns: the first microsecond past the bucket
 * holding the ceil(q * count)-th value, never above the maximum; 0 when
 * empty.
 */
uint64_t hns_hist_quantile(const struct hns_hist *h, double q);
/* The mean in milliseconds; 0 when empty. */
double hns_hist_mean_ms(const struct hns_hist *h);

/* The bucket of a value in whole microseconds. */
size_t hns_hist_bucket(uint64_t us);
/* The smallest and the largest microsecond value a bucket holds. */
uint64_t hns_hist_bucket_min_us(size_t bucket);
uint64_t hns_hist_bucket_max_us(size_t bucket);
