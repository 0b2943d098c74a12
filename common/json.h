/*
 * common/json.h -- JSON string literals, encoded by jansson.
 *
 * Every JSON document hybridns writes (check, lint and load reports, stats,
 * the address map, query logs) quotes its strings here, so escaping is
 * done once, by a well-kept library: quotes, backslashes and control
 * characters escaped, UTF-8 passed through.  Bytes that are not valid
 * UTF-8 (RFC 3629: overlong forms, surrogates, beyond U+10FFFF) become
 * U+FFFD, one per byte, so the output is always valid JSON.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Write len bytes of s as a JSON string literal (with its quotes); 0 or a negative hns_err. */
int hns_json_str_write(FILE *out, const char *s, size_t len);
/* The same as a malloc'd NUL-terminated text (free it), or NULL when memory ran out. */
char *hns_json_str_dup(const char *s, size_t len);
