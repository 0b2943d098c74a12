#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "dns/qtab.h"
#include "dns/wire.h"

#define MS HNS_NSEC_PER_MSEC
#define T0 (1000 * HNS_NSEC_PER_SEC)
#define NIL DNS_QTAB_NIL

static void
key(struct dns_qkey *k, const char *name, uint16_t qtype, uint32_t tag)
{
	struct dns_question q = { .qtype = qtype, .qclass = DNS_CLASS_IN };
	int n = dns_name_from_str(name, q.name);

	assert_true(n > 0);
	q.name_len = (uint8_t)n;
	dns_qkey_make(k, &q, true, false, tag);
}

/* An identical question (any case) finds the slot in flight; another type, tag or name does not. */
static void
test_coalescing_finds_identical_questions(void **state)
{
	struct dns_qtab *t;
	struct dns_qkey a, b;

	assert_int_equal(dns_qtab_new(8, 16, &t), 0);
	unsigned cl = dns_qtab_class(t, 1000, 0);

	key(&a, "host.Corp.example", DNS_TYPE_A, 0);
	assert_int_equal(dns_qtab_find(t, &a), NIL);
	uint32_t s = dns_qtab_take(t, &a, cl, T0);

	assert_int_not_equal(s, NIL);
	key(&b, "HOST.corp.EXAMPLE", DNS_TYPE_A, 0);
	assert_int_equal(dns_qtab_find(t, &b), s);
	key(&b, "host.corp.example", DNS_TYPE_AAAA, 0);
	assert_int_equal(dns_qtab_find(t, &b), NIL);
	key(&b, "host.corp.example", DNS_TYPE_A, 5);
	assert_int_equal(dns_qtab_find(t, &b), NIL);
	dns_qtab_release(t, s);
	assert_int_equal(dns_qtab_find(t, &a), NIL);
	assert_int_equal(t->n_used, 0);
	dns_qtab_free(t);
}

/* Every slot has its own ID; a reply's ID finds its slot in O(1), a released ID finds nothing. */
static void
test_ids_unique_and_found(void **state)
{
	struct dns_qtab *t;
	struct dns_qkey k;
	uint32_t s[64];
	char name[32];

	assert_int_equal(dns_qtab_new(64, 64, &t), 0);
	for (int i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		key(&k, name, DNS_TYPE_A, 0);
		s[i] = dns_qtab_take(t, &k, 0, T0);
		assert_int_not_equal(s[i], NIL);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(t->slots[s[i]].id, t->slots[s[j]].id);
	}
	key(&k, "one.more", DNS_TYPE_A, 0);
	assert_int_equal(dns_qtab_take(t, &k, 0, T0), NIL); /* full */
	for (int i = 0; i < 64; i++)
		assert_int_equal(dns_qtab_by_id(t, t->slots[s[i]].id), s[i]);
	uint16_t id = t->slots[s[10]].id;

	dns_qtab_release(t, s[10]);
	assert_int_equal(dns_qtab_by_id(t, id), NIL);
	assert_int_not_equal(dns_qtab_take(t, &k, 0, T0), NIL); /* the freed slot */
	dns_qtab_free(t);
}

/* Waiters come back in arrival order; a released slot's waiters return to the pool. */
static void
test_waiters_in_order_and_pooled(void **state)
{
	struct dns_qtab *t;
	struct dns_qkey a, b;

	assert_int_equal(dns_qtab_new(4, 3, &t), 0);
	key(&a, "a.example", DNS_TYPE_A, 0);
	key(&b, "b.example", DNS_TYPE_A, 0);
	uint32_t sa = dns_qtab_take(t, &a, 0, T0), sb = dns_qtab_take(t, &b, 0, T0);
	uint32_t w1 = dns_qtab_waiter_add(t, sa), w2 = dns_qtab_waiter_add(t, sb);
	uint32_t w3 = dns_qtab_waiter_add(t, sa);

	assert_int_not_equal(w3, NIL);
	assert_int_equal(dns_qtab_waiter_add(t, sb), NIL); /* pool of 3 empty */
	assert_int_equal(t->slots[sa].n_waiters, 2);
	assert_int_equal(t->slots[sa].waiters, w1);
	assert_int_equal(t->wnext[w1], w3);
	assert_int_equal(t->wnext[w3], NIL);
	assert_int_equal(t->slots[sb].waiters, w2);
	dns_qtab_release(t, sa);
	assert_int_not_equal(dns_qtab_waiter_add(t, sb), NIL);
	assert_int_not_equal(dns_qtab_waiter_add(t, sb), NIL);
	assert_int_equal(dns_qtab_waiter_add(t, sb), NIL);
	assert_int_equal(t->slots[sb].n_waiters, 3);
	dns_qtab_free(t);
}

/*
 * With a fake clock: a try arms now + timeout; nothing is due before it;
 * the overall limit caps the deadline and the retries; attempts run out.
 */
static void
test_timeouts_and_retries_by_the_callers_clock(void **state)
{
	struct dns_qtab *t;
	struct dns_qkey a, b;

	assert_int_equal(dns_qtab_new(8, 8, &t), 0);
	unsigned fast = dns_qtab_class(t, 1000, 0), capped = dns_qtab_class(t, 3000, 5000);

	assert_int_equal(dns_qtab_class(t, 1000, 0), fast);
	assert_int_not_equal(fast, capped);
	key(&a, "a.example", DNS_TYPE_A, 0);
	key(&b, "b.example", DNS_TYPE_A, 0);
	uint32_t sa = dns_qtab_take(t, &a, fast, T0);
	uint32_t sb = dns_qtab_take(t, &b, capped, T0);

	assert_int_equal(dns_qtab_next_deadline(t), 0);
	dns_qtab_try(t, sa, T0);
	dns_qtab_try(t, sb, T0);
	assert_int_equal(dns_qtab_next_deadline(t), T0 + 1000 * MS);
	assert_int_equal(dns_qtab_expired(t, T0 + 999 * MS), NIL);
	assert_int_equal(dns_qtab_expired(t, T0 + 1000 * MS), sa);
	assert_int_equal(dns_qtab_expired(t, T0 + 1000 * MS), NIL); /* disarmed */
	assert_true(dns_qtab_can_retry(t, sa, 2, 0, T0 + 1000 * MS));
	dns_qtab_try(t, sa, T0 + 1000 * MS);
	assert_false(dns_qtab_can_retry(t, sa, 2, 0, T0 + 2000 * MS)); /* 2 tries made */
	assert_int_equal(dns_qtab_next_deadline(t), T0 + 2000 * MS);

	/* b: 3 s per try, 5 s overall: the second try's deadline is capped at T0 + 5 s. */
	assert_int_equal(dns_qtab_expired(t, T0 + 3000 * MS), sa); /* class by class */
	assert_int_equal(dns_qtab_expired(t, T0 + 3000 * MS), sb);
	assert_true(dns_qtab_can_retry(t, sb, 9, 5000, T0 + 3000 * MS));
	dns_qtab_try(t, sb, T0 + 3000 * MS);
	assert_int_equal(t->slots[sb].deadline, T0 + 5000 * MS);
	assert_int_equal(t->slots[sb].tries, 2);
	assert_false(dns_qtab_can_retry(t, sb, 9, 5000, T0 + 5000 * MS));

	/* A re-arm (same try over TCP) does not count. */
	dns_qtab_rearm(t, sa, T0 + 1500 * MS);
	assert_int_equal(t->slots[sa].tries, 2);
	assert_int_equal(t->slots[sa].deadline, T0 + 2500 * MS);
	dns_qtab_disarm(t, sa);
	assert_int_equal(dns_qtab_next_deadline(t), T0 + 5000 * MS);
	dns_qtab_release(t, sb);
	assert_int_equal(dns_qtab_next_deadline(t), 0);
	dns_qtab_free(t);
}

/* Deadlines armed out of order within one class still expire earliest first. */
static void
test_expiry_order_within_a_class(void **state)
{
	struct dns_qtab *t;
	struct dns_qkey k;
	uint32_t s[3];
	char name[16];

	assert_int_equal(dns_qtab_new(8, 8, &t), 0);
	unsigned cl = dns_qtab_class(t, 1000, 1500);

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "n%d.x", i);
		key(&k, name, DNS_TYPE_A, 0);
		/* started at T0 - 1000 ms, T0 - 900, T0 - 800: overall caps at T0 + 500, 600, 700 */
		s[i] = dns_qtab_take(t, &k, cl, T0 - (uint64_t)(1000 - 100 * i) * MS);
	}
	dns_qtab_try(t, s[2], T0);
	dns_qtab_try(t, s[0], T0);
	dns_qtab_try(t, s[1], T0);
	assert_int_equal(dns_qtab_expired(t, T0 + 700 * MS), s[0]);
	assert_int_equal(dns_qtab_expired(t, T0 + 700 * MS), s[1]);
	assert_int_equal(dns_qtab_expired(t, T0 + 700 * MS), s[2]);
	assert_int_equal(dns_qtab_expired(t, T0 + 700 * MS), NIL);
	dns_qtab_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coalescing_finds_identical_questions),
		cmocka_unit_test(test_ids_unique_and_found),
		cmocka_unit_test(test_waiters_in_order_and_pooled),
		cmocka_unit_test(test_timeouts_and_retries_by_the_callers_clock),
		cmocka_unit_test(test_expiry_order_within_a_class),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
