#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/log.h"

enum hns_log_level hns_log_levels[HNS_SUB_COUNT] = {
	HNS_LOG_WARN, HNS_LOG_WARN, HNS_LOG_WARN, HNS_LOG_WARN, HNS_LOG_WARN, HNS_LOG_WARN,
};

static const char *const sub_names[HNS_SUB_COUNT] = {
	"main", "model", "resolver", "forwarder", "vpn", "harness",
};

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void
hns_log_set_level(int sub, enum hns_log_level level)
{
	if (sub >= 0 && sub < HNS_SUB_COUNT) {
		hns_log_levels[sub] = level;
		return;
	}
	for (int i = 0; i < HNS_SUB_COUNT; i++)
		hns_log_levels[i] = level;
}

int
hns_log_level_parse(const char *s, enum hns_log_level *out)
{
	static const char *const short_names[] = { "err", "warn", "info", "debug" };

	for (int i = 0; i <= HNS_LOG_DEBUG; i++) {
		if (strcmp(s, short_names[i]) == 0 || strcmp(s, level_names[i]) == 0) {
			*out = (enum hns_log_level)i;
			return 0;
		}
	}
	return HNS_EINVAL;
}

void
hns_log_write(enum hns_log_sub sub, enum hns_log_level level, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%02d:%02d:%02d.%03ld hybridns[%s] %s: %s\n", tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000000, sub_names[sub], level_names[level], line);
}
