/*
 * common/clock.h -- the monotonic clock.
 *
 * All protocol timing (timeouts, TTL countdown, VPN delays) is in
 * nanoseconds of CLOCK_MONOTONIC.  I/O-free cores never read the clock
 * themselves: their callers pass "now" in, so tests can use a fake one.
 */
#pragma once

#include <stdint.h>
#include <time.h>

typedef uint64_t hns_time_t; /* nanoseconds, monotonic */

#define HNS_NSEC_PER_USEC 1000ULL
#define HNS_NSEC_PER_MSEC 1000000ULL
#define HNS_NSEC_PER_SEC 1000000000ULL

static inline hns_time_t
hns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (hns_time_t)ts.tv_sec * HNS_NSEC_PER_SEC + (hns_time_t)ts.tv_nsec;
}

static inline double
hns_time_ms(hns_time_t t)
{
	return (double)t / (double)HNS_NSEC_PER_MSEC;
}
