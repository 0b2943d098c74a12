/*
 * tests/unit/harness/test_json.c -- the streaming JSON writer: escaping,
 * structure, numbers and misuse.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"
#include "harness/json.h"

/* A writer into memory; text() closes the stream and returns what was written. */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static void
mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static const char *
mem_text(struct mem *m)
{
	fclose(m->f);
	m->f = NULL;
	return m->buf;
}

static void
mem_close(struct mem *m)
{
	if (m->f)
		fclose(m->f);
	free(m->buf);
}

/* The escaped form of len bytes of s. */
static char *
escape(const char *s, size_t len)
{
	struct mem m;
	mem_open(&m);
	assert_int_equal(json_escape_write(m.f, s, len), 0);
	mem_text(&m);
	return m.buf;
}

static void
check_escape(const char *in, size_t len, const char *want)
{
	char *got = escape(in, len);
	assert_string_equal(got, want);
	free(got);
}

static void
test_escape_plain(void **state)
{
	(void)state;
	check_escape("", 0, "\"\"");
	check_escape("api.example.com", 15, "\"api.example.com\"");
	check_escape("a/b", 3, "\"a/b\""); /* '/' needs no escape */
}

static void
test_escape_specials(void **state)
{
	(void)state;
	check_escape("say \"hi\"", 8, "\"say \\\"hi\\\"\"");
	check_escape("C:\\dir", 6, "\"C:\\\\dir\"");
	check_escape("a\nb\tc\rd", 7, "\"a\\nb\\tc\\rd\"");
	check_escape("\b\f", 2, "\"\\b\\f\"");
	/* DEL needs no escape in JSON (RFC 8259 7): jansson writes it as it is. */
	check_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001F\x7f\"");
	/* An embedded NUL is data, not the end. */
	check_escape("a\0b", 3, "\"a\\u0000b\"");
}

static void
test_escape_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 of 2, 3 and 4 bytes passes through unchanged. */
	check_escape("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	check_escape("\xe2\x86\x92", 3, "\"\xe2\x86\x92\"");
	check_escape("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");
	/* Invalid bytes: each becomes U+FFFD (written as UTF-8, EF BF BD). */
#define R "\xef\xbf\xbd"
	check_escape("\xff", 1, "\"" R "\"");
	check_escape("a\xc3", 2, "\"a" R "\"");		   /* truncated */
	check_escape("\xc0\xaf", 2, "\"" R R "\"");		   /* overlong '/' */
	check_escape("\xe0\x80\xaf", 3, "\"" R R R "\"");	   /* overlong 3-byte */
	check_escape("\xed\xa0\x80", 3, "\"" R R R "\"");	   /* surrogate D800 */
	check_escape("\xf4\x90\x80\x80", 4, "\"" R R R R "\""); /* > U+10FFFF */
	check_escape("\xc3(", 2, "\"" R "(\"");		   /* bad continuation */
#undef R
}

static void
test_compact_document(void **state)
{
	(void)state;
	struct mem m;
	struct json_writer w;

	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_object_begin(&w);
	json_kv_string(&w, "name", "api");
	json_kv_uint(&w, "qps", 10000);
	json_kv_int(&w, "delta", -3);
	json_kv_bool(&w, "private_dns", false);
	json_kv_null(&w, "az");
	json_kv_string(&w, "none", NULL);
	json_key(&w, "ips");
	json_array_begin(&w);
	json_value_string(&w, "10.0.1.25");
	json_value_string(&w, "10.0.2.25");
	json_array_end(&w);
	json_key(&w, "empty");
	json_array_begin(&w);
	json_array_end(&w);
	json_key(&w, "obj");
	json_object_begin(&w);
	json_object_end(&w);
	json_key(&w, "q\"k");
	json_double(&w, 0.5);
	json_object_end(&w);
	assert_int_equal(json_writer_finish(&w), 0);
	assert_string_equal(mem_text(&m),
			    "{\"name\":\"api\",\"qps\":10000,\"delta\":-3,\"private_dns\":false,"
			    "\"az\":null,\"none\":null,\"ips\":[\"10.0.1.25\",\"10.0.2.25\"],"
			    "\"empty\":[],\"obj\":{},\"q\\\"k\":0.5}");
	mem_close(&m);
}

static void
test_pretty_document(void **state)
{
	(void)state;
	struct mem m;
	struct json_writer w;

	mem_open(&m);
	json_writer_init(&w, m.f, true);
	json_object_begin(&w);
	json_key(&w, "a");
	json_array_begin(&w);
	json_int(&w, 1);
	json_object_begin(&w);
	json_kv_bool(&w, "b", true);
	json_object_end(&w);
	json_array_end(&w);
	json_key(&w, "c");
	json_array_begin(&w);
	json_array_end(&w);
	json_object_end(&w);
	assert_int_equal(json_writer_finish(&w), 0);
	assert_string_equal(mem_text(&m), "{\n"
					  "  \"a\": [\n"
					  "    1,\n"
					  "    {\n"
					  "      \"b\": true\n"
					  "    }\n"
					  "  ],\n"
					  "  \"c\": []\n"
					  "}\n");
	mem_close(&m);
}

static void
test_numbers(void **state)
{
	(void)state;
	struct mem m;
	struct json_writer w;

	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_array_begin(&w);
	json_double(&w, 0.001);
	json_double(&w, 12);
	json_double(&w, 0.1 + 0.2); /* needs 17 digits to read back */
	json_double(&w, NAN);
	json_double(&w, INFINITY);
	json_uint(&w, UINT64_MAX);
	json_int(&w, INT64_MIN);
	json_array_end(&w);
	assert_int_equal(json_writer_finish(&w), 0);
	assert_string_equal(mem_text(&m), "[0.001,12,0.30000000000000004,null,null,"
					  "18446744073709551615,-9223372036854775808]");
	mem_close(&m);
}

static void
test_scalar_top_level(void **state)
{
	(void)state;
	struct mem m;
	struct json_writer w;

	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_value_string(&w, "x");
	assert_int_equal(json_writer_finish(&w), 0);
	assert_string_equal(mem_text(&m), "\"x\"");
	mem_close(&m);
}

/* Each misuse is reported by finish() and stops further output. */
static void
test_misuse(void **state)
{
	(void)state;
	struct mem m;
	struct json_writer w;

	/* A value without a key inside an object. */
	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_object_begin(&w);
	json_value_string(&w, "orphan");
	json_object_end(&w);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	assert_string_equal(mem_text(&m), "{");
	mem_close(&m);

	/* A key inside an array. */
	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_array_begin(&w);
	json_key(&w, "k");
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	mem_close(&m);

	/* Unbalanced: an object closed as an array, and a document left open. */
	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_object_begin(&w);
	json_array_end(&w);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	mem_close(&m);

	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_array_begin(&w);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	mem_close(&m);

	/* A key left without its value. */
	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_object_begin(&w);
	json_key(&w, "k");
	json_object_end(&w);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	mem_close(&m);

	/* Two top-level values; an empty document. */
	mem_open(&m);
	json_writer_init(&w, m.f, false);
	json_int(&w, 1);
	json_int(&w, 2);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	assert_string_equal(mem_text(&m), "1");
	mem_close(&m);

	mem_open(&m);
	json_writer_init(&w, m.f, false);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	mem_close(&m);
}

static void
test_depth_limit(void **state)
{
	(void)state;
	struct mem m;
	struct json_writer w;

	mem_open(&m);
	json_writer_init(&w, m.f, false);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&w);
	assert_int_equal(w.err, 0);
	json_array_begin(&w); /* one too deep */
	assert_int_equal(w.err, HNS_EINVAL);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_end(&w);
	assert_int_equal(json_writer_finish(&w), HNS_EINVAL);
	mem_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_compact_document),
		cmocka_unit_test(test_pretty_document),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_scalar_top_level),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_depth_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
