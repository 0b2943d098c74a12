/*
 * common/trace.h -- hop-by-hop trace events, for `check` (via) and `trace`.
 *
 * When tracing is on, each component that handles a query records one
 * event per hop: who handled it, and what it decided ("dc1-dns: forward
 * zone execute-api.eu-west-1.amazonaws.com, sequential -> 10.0.1.10").
 * The harness runs one traced query at a time, so the events recorded
 * between two hns_trace_take() calls are that query's path.
 *
 * Off (the default), hns_trace() costs one predictable branch and its
 * arguments are not evaluated.  On, events go into a bounded buffer under
 * a mutex: tracing is for single queries, never for load.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/clock.h"

#define HNS_TRACE_MAX_EVENTS 256

struct hns_trace_event {
	hns_time_t t;
	char hop[96];	  /* "onprem:dc1-dns", "vpn:tunnel1", "zone:example.com", "internet" */
	char detail[256]; /* one line of explanation */
};

extern volatile bool hns_trace_enabled;

void hns_trace_enable(bool on);
void hns_trace_emit(const char *hop, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Move up to max recorded events into out, oldest first; returns how many.  Clears the buffer. */
size_t hns_trace_take(struct hns_trace_event *out, size_t max);

#define hns_trace(hop, ...)                                                                        \
	do {                                                                                       \
		if (__builtin_expect(hns_trace_enabled, 0))                                        \
			hns_trace_emit((hop), __VA_ARGS__);                                        \
	} while (0)
