/*
 * harness/json.h -- a small streaming JSON writer.
 *
 * Values are written straight to a FILE as they come; the writer keeps only
 * a stack of open containers (for commas and indentation).  Misuse (a value
 * without a key inside an object, unbalanced ends, nesting deeper than
 * JSON_MAX_DEPTH) and I/O errors are sticky: later calls do nothing and
 * json_writer_finish() reports the first error.
 *
 * Strings are escaped per RFC 8259: '"', '\\' and control characters are
 * escaped, valid UTF-8 passes through, and every byte that is not part of a
 * valid UTF-8 sequence becomes U+FFFD, so the output is always valid JSON.
 * Non-finite numbers are written as null.
 *
 *	struct json_writer w;
 *	json_writer_init(&w, stdout, true);
 *	json_object_begin(&w);
 *	json_key(&w, "name");
 *	json_value_string(&w, "api");
 *	json_object_end(&w);
 *	return json_writer_finish(&w);
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	bool pretty; /* newlines and two-space indentation */
	int err;     /* sticky: 0 or a negative hns_err */
	unsigned depth;
	bool has_key; /* a key was written and waits for its value */
	bool done;    /* the top-level value is complete */
	/* Per open container: whether it is an object, and whether it holds an item yet. */
	bool is_object[JSON_MAX_DEPTH];
	bool nonempty[JSON_MAX_DEPTH];
};

void json_writer_init(struct json_writer *w, FILE *out, bool pretty);
/*
 * Check that the document is complete and flush it (a final newline when
 * pretty).  Returns 0, HNS_EINVAL on misuse or -EIO when writing failed.
 */
int json_writer_finish(struct json_writer *w);
/*
 * The head every command's JSON report shares: init w on out, open the top
 * object with "scenario", "file", "passed", "failed", then open the array
 * under list_key ("results", "profiles").  json_report_end() closes both
 * and finishes w (0 or -EIO).
 */
void json_report_begin(struct json_writer *w, FILE *out, const char *scenario, const char *file,
		       size_t passed, size_t failed, const char *list_key);
int json_report_end(struct json_writer *w);

void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);

/* The key of the next value; only inside an object. */
void json_key(struct json_writer *w, const char *key);

void json_value_string(struct json_writer *w, const char *s); /* NULL writes null */
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_double(struct json_writer *w, double v); /* shortest form that reads back equal */
void json_bool(struct json_writer *w, bool v);
void json_value_null(struct json_writer *w);

/* Key and value in one call, for the common case. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_double(struct json_writer *w, const char *key, double v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
void json_kv_null(struct json_writer *w, const char *key);

/*
 * Write s as a JSON string literal (with the quotes) to out; the escaping
 * used by json_value_string().  Returns 0 or -EIO.
 */
int json_escape_write(FILE *out, const char *s, size_t len);
