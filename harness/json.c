/*
 * harness/json.c -- a small streaming JSON writer (see json.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "harness/json.h"

void
json_writer_init(struct json_writer *w, FILE *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

static void
json_fail(struct json_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

static void
json_newline(struct json_writer *w, unsigned indent)
{
	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (unsigned i = 0; i < indent; i++)
		fputs("  ", w->out);
}

/*
 * Everything a value needs written before it: the comma and indentation in
 * an array, nothing after a key.  Returns false when the value must not be
 * written (a sticky error or misuse).
 */
static bool
json_value_prefix(struct json_writer *w)
{
	if (w->err)
		return false;
	if (w->depth == 0) {
		if (w->done) {
			json_fail(w, HNS_EINVAL); /* a second top-level value */
			return false;
		}
		return true;
	}
	unsigned top = w->depth - 1;
	if (w->is_object[top]) {
		if (!w->has_key) {
			json_fail(w, HNS_EINVAL); /* a value without a key */
			return false;
		}
		w->has_key = false;
		return true;
	}
	if (w->nonempty[top])
		fputc(',', w->out);
	w->nonempty[top] = true;
	json_newline(w, w->depth);
	return true;
}

/* After a complete value: at depth 0 the document is done. */
static void
json_value_done(struct json_writer *w)
{
	if (w->depth == 0)
		w->done = true;
}

static void
json_container_begin(struct json_writer *w, bool object)
{
	if (!json_value_prefix(w))
		return;
	if (w->depth >= JSON_MAX_DEPTH) {
		json_fail(w, HNS_EINVAL);
		return;
	}
	fputc(object ? '{' : '[', w->out);
	w->is_object[w->depth] = object;
	w->nonempty[w->depth] = false;
	w->depth++;
}

static void
json_container_end(struct json_writer *w, bool object)
{
	if (w->err)
		return;
	if (w->depth == 0 || w->is_object[w->depth - 1] != object || w->has_key) {
		json_fail(w, HNS_EINVAL);
		return;
	}
	w->depth--;
	if (w->nonempty[w->depth])
		json_newline(w, w->depth);
	fputc(object ? '}' : ']', w->out);
	json_value_done(w);
}

void
json_object_begin(struct json_writer *w)
{
	json_container_begin(w, true);
}

void
json_object_end(struct json_writer *w)
{
	json_container_end(w, true);
}

void
json_array_begin(struct json_writer *w)
{
	json_container_begin(w, false);
}

void
json_array_end(struct json_writer *w)
{
	json_container_end(w, false);
}

int
json_escape_write(FILE *out, const char *str, size_t len)
{
	return hns_json_str_write(out, str, len);
}

void
json_key(struct json_writer *w, const char *key)
{
	if (w->err)
		return;
	if (w->depth == 0 || !w->is_object[w->depth - 1] || w->has_key || key == NULL) {
		json_fail(w, HNS_EINVAL);
		return;
	}
	unsigned top = w->depth - 1;
	if (w->nonempty[top])
		fputc(',', w->out);
	w->nonempty[top] = true;
	json_newline(w, w->depth);
	json_escape_write(w->out, key, strlen(key));
	fputs(w->pretty ? ": " : ":", w->out);
	w->has_key = true;
}

void
json_string_len(struct json_writer *w, const char *s, size_t len)
{
	if (!json_value_prefix(w))
		return;
	json_escape_write(w->out, s, len);
	json_value_done(w);
}

void
json_value_string(struct json_writer *w, const char *s)
{
	if (s == NULL) {
		json_value_null(w);
		return;
	}
	json_string_len(w, s, strlen(s));
}

void
json_int(struct json_writer *w, int64_t v)
{
	if (!json_value_prefix(w))
		return;
	fprintf(w->out, "%" PRId64, v);
	json_value_done(w);
}

void
json_uint(struct json_writer *w, uint64_t v)
{
	if (!json_value_prefix(w))
		return;
	fprintf(w->out, "%" PRIu64, v);
	json_value_done(w);
}

void
json_double(struct json_writer *w, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		json_value_null(w);
		return;
	}
	if (!json_value_prefix(w))
		return;
	/* The shortest of %.15g / %.17g that reads back as the same double. */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, w->out);
	json_value_done(w);
}

void
json_bool(struct json_writer *w, bool v)
{
	if (!json_value_prefix(w))
		return;
	fputs(v ? "true" : "false", w->out);
	json_value_done(w);
}

void
json_value_null(struct json_writer *w)
{
	if (!json_value_prefix(w))
		return;
	fputs("null", w->out);
	json_value_done(w);
}

void
json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_value_string(w, s);
}

void
json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void
json_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void
json_kv_double(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}

void
json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void
json_kv_null(struct json_writer *w, const char *key)
{
	json_key(w, key);
	json_value_null(w);
}

int
json_writer_finish(struct json_writer *w)
{
	if (w->err == 0 && (w->depth != 0 || w->has_key || !w->done))
		w->err = HNS_EINVAL;
	if (w->err == 0 && w->pretty)
		fputc('\n', w->out);
	if (fflush(w->out) != 0 || ferror(w->out))
		json_fail(w, -EIO);
	return w->err;
}

void
json_report_begin(struct json_writer *w, FILE *out, const char *scenario, const char *file,
		  size_t passed, size_t failed, const char *list_key)
{
	json_writer_init(w, out, true);
	json_object_begin(w);
	json_kv_string(w, "scenario", scenario);
	json_kv_string(w, "file", file);
	json_kv_uint(w, "passed", passed);
	json_kv_uint(w, "failed", failed);
	json_key(w, list_key);
	json_array_begin(w);
}

int
json_report_end(struct json_writer *w)
{
	json_array_end(w);
	json_object_end(w);
	return json_writer_finish(w);
}
