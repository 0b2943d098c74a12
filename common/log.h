/*
 * common/log.h -- leveled logging by subsystem.
 *
 * Only daemons log.  A disabled message costs one predictable branch: the
 * level test is inline and the format arguments are not evaluated.
 */
#pragma once

#include <stdarg.h>

enum hns_log_level {
	HNS_LOG_ERR = 0,
	HNS_LOG_WARN,
	HNS_LOG_INFO,
	HNS_LOG_DEBUG,
};

enum hns_log_sub {
	HNS_SUB_MAIN = 0,
	HNS_SUB_MODEL,
	HNS_SUB_RESOLVER,
	HNS_SUB_FORWARDER,
	HNS_SUB_VPN,
	HNS_SUB_HARNESS,
	HNS_SUB_COUNT,
};

/* Current level per subsystem; read inline by hns_log(). */
extern enum hns_log_level hns_log_levels[HNS_SUB_COUNT];

/* Set the level of one subsystem, or of all with sub < 0. */
void hns_log_set_level(int sub, enum hns_log_level level);
/* Parse "err", "warn", "info", "debug"; returns 0 or HNS_EINVAL. */
int hns_log_level_parse(const char *s, enum hns_log_level *out);

void hns_log_write(enum hns_log_sub sub, enum hns_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define hns_log(sub, level, ...)                                                                   \
	do {                                                                                       \
		if (__builtin_expect((level) <= hns_log_levels[(sub)], 0))                          \
			hns_log_write((sub), (level), __VA_ARGS__);                               \
	} while (0)

#define hns_err(sub, ...) hns_log(sub, HNS_LOG_ERR, __VA_ARGS__)
#define hns_warn(sub, ...) hns_log(sub, HNS_LOG_WARN, __VA_ARGS__)
#define hns_info(sub, ...) hns_log(sub, HNS_LOG_INFO, __VA_ARGS__)
#define hns_debug(sub, ...) hns_log(sub, HNS_LOG_DEBUG, __VA_ARGS__)
