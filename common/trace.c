#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/trace.h"

volatile bool hns_trace_enabled;

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hns_trace_event events[HNS_TRACE_MAX_EVENTS];
static size_t n_events;

void
hns_trace_enable(bool on)
{
	pthread_mutex_lock(&trace_lock);
	n_events = 0;
	hns_trace_enabled = on;
	pthread_mutex_unlock(&trace_lock);
}

void
hns_trace_emit(const char *hop, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&trace_lock);
	if (n_events < HNS_TRACE_MAX_EVENTS) {
		struct hns_trace_event *e = &events[n_events++];

		e->t = hns_now();
		snprintf(e->hop, sizeof(e->hop), "%s", hop);
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&trace_lock);
}

size_t
hns_trace_take(struct hns_trace_event *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&trace_lock);
	n = n_events < max ? n_events : max;
	memcpy(out, events, n * sizeof(*out));
	n_events = 0;
	pthread_mutex_unlock(&trace_lock);
	return n;
}
