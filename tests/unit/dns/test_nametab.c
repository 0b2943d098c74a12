#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "dns/nametab.h"
#include "dns/wire.h"

/* Value of the longest suffix of name (presentation) under tag, offset checked against want_zone. */
static intptr_t
longest(const struct dns_nametab *t, uint32_t tag, const char *name, const char *want_zone)
{
	uint8_t w[DNS_NAME_MAX], z[DNS_NAME_MAX];
	int n = dns_name_from_str(name, w);
	size_t off = 9999;

	assert_true(n > 0);
	void *v = dns_nametab_longest(t, tag, w, (size_t)n, &off);

	if (want_zone) {
		int zn = dns_name_from_str(want_zone, z);

		assert_non_null(v);
		assert_int_equal((size_t)n - off, (size_t)zn);
		assert_true(dns_name_equal(w + off, (size_t)n - off, z, (size_t)zn));
	}
	return (intptr_t)v;
}

static void
put(struct dns_nametab *t, uint32_t tag, const char *zone, intptr_t v)
{
	uint8_t w[DNS_NAME_MAX];
	int n = dns_name_from_str(zone, w);

	assert_true(n > 0);
	assert_int_equal(dns_nametab_put(t, tag, w, (size_t)n, (void *)v), 0);
}

/* The longest zone wins, whatever order the zones were inserted in. */
static void
test_longest_suffix_whatever_the_insertion_order(void **state)
{
	static const char *zones[] = { "example.com", "a.b.example.com", "com", "b.example.com" };
	static const int orders[][4] = { { 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 } };

	for (size_t o = 0; o < 4; o++) {
		struct dns_nametab t;

		dns_nametab_init(&t);
		for (int i = 0; i < 4; i++)
			put(&t, 0, zones[orders[o][i]], orders[o][i] + 1);
		assert_int_equal(longest(&t, 0, "x.a.b.example.com", "a.b.example.com"), 2);
		assert_int_equal(longest(&t, 0, "a.b.example.com", "a.b.example.com"), 2);
		assert_int_equal(longest(&t, 0, "c.b.example.com", "b.example.com"), 4);
		assert_int_equal(longest(&t, 0, "www.example.com", "example.com"), 1);
		assert_int_equal(longest(&t, 0, "example.org.com", "com"), 3);
		assert_int_equal(longest(&t, 0, "example.org", NULL), 0);
		dns_nametab_deinit(&t);
	}
}

/* Suffixes end at label boundaries: xample.com is not under example.com, nor the reverse. */
static void
test_label_boundaries(void **state)
{
	struct dns_nametab t;

	dns_nametab_init(&t);
	put(&t, 0, "example.com", 1);
	assert_int_equal(longest(&t, 0, "xample.com", NULL), 0);
	assert_int_equal(longest(&t, 0, "wwwexample.com", NULL), 0);
	assert_int_equal(longest(&t, 0, "www.example.com", "example.com"), 1);
	assert_int_equal(longest(&t, 0, "example.com.evil", NULL), 0);
	put(&t, 0, "xample.com", 2);
	assert_int_equal(longest(&t, 0, "a.xample.com", "xample.com"), 2);
	assert_int_equal(longest(&t, 0, "a.example.com", "example.com"), 1);
	dns_nametab_deinit(&t);
}

/* Lookups ignore ASCII case both ways; keys are stored lower-cased. */
static void
test_case_insensitive(void **state)
{
	struct dns_nametab t;
	uint8_t w[DNS_NAME_MAX];

	dns_nametab_init(&t);
	put(&t, 0, "Corp.EXAMPLE.com", 1);
	assert_int_equal(longest(&t, 0, "HOST.corp.Example.COM", "corp.example.com"), 1);
	int n = dns_name_from_str("CORP.example.COM", w);

	assert_int_equal((intptr_t)dns_nametab_get(&t, 0, w, (size_t)n), 1);
	n = dns_name_from_str("corp.example.com", w);
	assert_int_equal((intptr_t)dns_nametab_get_lower(&t, 0, w, (size_t)n), 1);
	assert_null(dns_nametab_get_lower(&t, 1, w, (size_t)n)); /* another tag */
	n = dns_name_from_str("example.com", w);
	assert_null(dns_nametab_get_lower(&t, 0, w, (size_t)n)); /* a suffix is not the key */
	dns_nametab_deinit(&t);
}

/* A rule for the root matches every name, and only when nothing longer does. */
static void
test_root_rule(void **state)
{
	struct dns_nametab t;
	uint8_t root[1] = { 0 };

	dns_nametab_init(&t);
	assert_int_equal(longest(&t, 0, "anything.example", NULL), 0);
	put(&t, 0, ".", 7);
	assert_int_equal(longest(&t, 0, "anything.example", "."), 7);
	assert_int_equal((intptr_t)dns_nametab_longest(&t, 0, root, 1, NULL), 7);
	put(&t, 0, "example", 8);
	assert_int_equal(longest(&t, 0, "anything.example", "example"), 8);
	assert_int_equal(longest(&t, 0, "anything.test", "."), 7);
	dns_nametab_deinit(&t);
}

/* Tags are separate namespaces; put replaces; the walk yields every present suffix, longest first. */
static void
test_tags_replace_and_walk(void **state)
{
	struct dns_nametab t;
	struct dns_nametab_walk w;
	uint8_t name[DNS_NAME_MAX];
	int n = dns_name_from_str("a.b.c.d", name);
	size_t off;

	dns_nametab_init(&t);
	put(&t, 1, "b.c.d", 10);
	put(&t, 2, "c.d", 20);
	put(&t, 1, "d", 11);
	put(&t, 1, ".", 12);
	assert_int_equal(longest(&t, 2, "a.b.c.d", "c.d"), 20);
	assert_int_equal(longest(&t, 3, "a.b.c.d", NULL), 0);
	dns_nametab_walk_init(&w, &t, 1, name, (size_t)n);
	assert_int_equal((intptr_t)dns_nametab_walk_next(&w, &off), 10);
	assert_int_equal(off, 2);
	assert_int_equal((intptr_t)dns_nametab_walk_next(&w, &off), 11);
	assert_int_equal(off, 6);
	assert_int_equal((intptr_t)dns_nametab_walk_next(&w, &off), 12);
	assert_int_equal(off, 8);
	assert_null(dns_nametab_walk_next(&w, &off));
	assert_null(dns_nametab_walk_next(&w, &off));
	put(&t, 1, "B.c.d", 13);
	assert_int_equal(longest(&t, 1, "a.b.c.d", "b.c.d"), 13);
	assert_int_equal(t.n, 4);
	dns_nametab_deinit(&t);
}

/* Many keys (growth, probing chains): each found exactly, none of their unlisted parents. */
static void
test_many_keys(void **state)
{
	struct dns_nametab t;
	char s[64];

	dns_nametab_init(&t);
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof(s), "z%d.p%d.example", i, i % 7);
		put(&t, (uint32_t)(i % 3), s, i + 1);
	}
	for (int i = 0; i < 5000; i++) {
		char want[64];

		snprintf(s, sizeof(s), "Host.Z%d.p%d.example", i, i % 7);
		snprintf(want, sizeof(want), "z%d.p%d.example", i, i % 7);
		assert_int_equal(longest(&t, (uint32_t)(i % 3), s, want), i + 1);
		assert_int_equal(longest(&t, (uint32_t)((i + 1) % 3), s, NULL), 0);
	}
	snprintf(s, sizeof(s), "p1.example");
	assert_int_equal(longest(&t, 0, s, NULL), 0);
	dns_nametab_deinit(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_suffix_whatever_the_insertion_order),
		cmocka_unit_test(test_label_boundaries),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_root_rule),
		cmocka_unit_test(test_tags_replace_and_walk),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
