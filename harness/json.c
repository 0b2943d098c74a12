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

/*
 * Length of the valid UTF-8 sequence at s (at most len bytes), or 0 when
 * the bytes there do not form one: overlong forms, surrogates and code
 * points above U+10FFFF are invalid (RFC 3629).
 */
static size_t
json_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int
json_escape_write(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', out);
	while (i < len) {
		unsigned char c = s[i];
		switch (c) {
		case '"':
			fputs("\\\"", out);
			i++;
			continue;
		case '\\':
			fputs("\\\\", out);
			i++;
			continue;
		case '\b':
			fputs("\\b", out);
			i++;
			continue;
		case '\f':
			fputs("\\f", out);
			i++;
			continue;
		case '\n':
			fputs("\\n", out);
			i++;
			continue;
		case '\r':
			fputs("\\r", out);
			i++;
			continue;
		case '\t':
			fputs("\\t", out);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		size_t n = json_utf8_len(s + i, len - i);
		if (n == 0) {
			fputs("\\ufffd", out); /* one replacement per bad byte */
			i++;
			continue;
		}
		fwrite(s + i, 1, n, out);
		i += n;
	}
	fputc('"', out);
	return ferror(out) ? -EIO : 0;
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
json_string(struct json_writer *w, const char *s)
{
	if (s == NULL) {
		json_null(w);
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
		json_null(w);
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
json_null(struct json_writer *w)
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
	json_string(w, s);
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
	json_null(w);
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
