/*
 * The Route 53 Resolver's outbound forwarding engine (resolver/outbound.h)
 * driven with a fake clock and fake I/O: retries, timeout -> SERVFAIL,
 * coalescing, cache hits, negative caching.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/addr.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "model/model.h"
#include "resolver/internal.h"
#include "resolver/outbound.h"
#include "tests/unit/dns/mkpkt.h"

#define SEC HNS_NSEC_PER_SEC
#define MS HNS_NSEC_PER_MSEC
#define T0 (1000 * SEC)
#define MAXP 32

struct sent {
	const struct model_rule *r;
	unsigned target;
	uint8_t pkt[512];
	size_t len;
};

struct got {
	uint16_t client_id;
	bool fail, cached;
	uint8_t pkt[1024];
	size_t len;
};

struct env {
	struct model_rule rules[2];
	struct hns_addr targets[3];
	struct rslv_ob *ob;
	struct sent sent[MAXP];
	size_t n_sent;
	struct got got[MAXP];
	size_t n_got;
	size_t n_dropped;
	bool unroutable[3]; /* sends to these targets fail */
};

static bool
fake_send(void *arg, const struct model_rule *r, unsigned target, const uint8_t *pkt, size_t len)
{
	struct env *e = arg;

	if (e->unroutable[target])
		return false;
	assert_true(e->n_sent < MAXP);
	struct sent *s = &e->sent[e->n_sent++];

	s->r = r;
	s->target = target;
	memcpy(s->pkt, pkt, len);
	s->len = len;
	return true;
}

static void
fake_answer(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype,
	    const uint8_t *pkt, size_t len, bool cached)
{
	struct env *e = arg;

	assert_true(e->n_got < MAXP);
	struct got *g = &e->got[e->n_got++];

	g->client_id = c->id;
	g->cached = cached;
	memcpy(g->pkt, pkt, len);
	g->len = len;
}

static void
fake_fail(void *arg, struct rslv_client *c, const struct model_rule *r, uint16_t qtype)
{
	struct env *e = arg;

	assert_true(e->n_got < MAXP);
	e->got[e->n_got].client_id = c->id;
	e->got[e->n_got++].fail = true;
}

static void
fake_drop(void *arg, struct rslv_client *c)
{
	((struct env *)arg)->n_dropped++;
}

static const struct rslv_ob_ops fake_ops = { fake_send, fake_answer, fake_fail, fake_drop };

/* Rule 0 forwards over targets 10.10.0.1..3; rule 1 over the first one only. */
static struct env *
env_new(uint32_t waiters)
{
	struct env *e = calloc(1, sizeof(*e));
	struct rslv_ob_cfg cfg = { .timeout_ms = 1500, .tries = 3, .slots = 16, .waiters = waiters,
				   .cache_entries = 64 };

	assert_non_null(e);
	for (int i = 0; i < 3; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.10.0.%d", i + 1);
		assert_int_equal(hns_addr_parse(s, &e->targets[i]), 0);
	}
	e->rules[0].name = "corp";
	e->rules[0].type = MODEL_RULE_FORWARD;
	e->rules[0].targets = e->targets;
	e->rules[0].n_targets = 3;
	e->rules[1] = e->rules[0];
	e->rules[1].name = "corp-one";
	e->rules[1].n_targets = 1;
	assert_int_equal(rslv_ob_new(e->rules, &cfg, &fake_ops, e, 7, &e->ob), 0);
	return e;
}

static void
env_free(struct env *e)
{
	rslv_ob_free(e->ob);
	free(e);
}

/* Client `id` asks name/type through rule ri at now. */
static void
ask(struct env *e, uint16_t id, const char *name, uint16_t qtype, int ri, hns_time_t now)
{
	struct rslv_client c = { .id = id, .qtype = qtype };
	uint8_t lname[DNS_NAME_MAX];
	int n = dns_name_from_str(name, lname);

	assert_true(n > 0);
	memcpy(c.qname, lname, (size_t)n);
	c.qname_len = (uint8_t)n;
	dns_name_lower(lname, (size_t)n);
	rslv_ob_query(e->ob, &c, lname, (size_t)n, qtype, &e->rules[ri], now);
}

/* The upstream answers sent query i: one A record with ttl, or (a == 0) NXDOMAIN + SOA. */
static void
reply(struct env *e, size_t i, uint32_t a, uint32_t ttl, hns_time_t now)
{
	uint8_t r[512];
	size_t n = mkreply(e->sent[i].pkt, e->sent[i].len, a, ttl, r, sizeof(r));

	assert_true(n > 0);
	rslv_ob_reply(e->ob, r, n, now);
}

/* No answer: a different target each try, 1.5 s apart, then SERVFAIL to the client. */
static void
test_timeouts_retry_other_targets_then_servfail(void **state)
{
	struct env *e = env_new(0);

	ask(e, 1, "app.corp.example", DNS_TYPE_A, 0, T0);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(rslv_ob_next_deadline(e->ob), T0 + 1500 * MS);
	rslv_ob_expire(e->ob, T0 + 1499 * MS);
	assert_int_equal(e->n_sent, 1);
	rslv_ob_expire(e->ob, T0 + 1500 * MS);
	assert_int_equal(e->n_sent, 2);
	assert_int_not_equal(e->sent[1].target, e->sent[0].target);
	rslv_ob_expire(e->ob, T0 + 3000 * MS);
	assert_int_equal(e->n_sent, 3);
	assert_int_not_equal(e->sent[2].target, e->sent[1].target);
	assert_int_equal(e->n_got, 0);
	rslv_ob_expire(e->ob, T0 + 4500 * MS);
	assert_int_equal(e->n_sent, 3); /* three tries in all */
	assert_int_equal(e->n_got, 1);
	assert_true(e->got[0].fail);
	assert_int_equal(e->got[0].client_id, 1);
	assert_int_equal(rslv_ob_inflight(e->ob), 0);
	assert_int_equal(rslv_ob_next_deadline(e->ob), 0);
	/* a late answer finds nothing */
	reply(e, 2, 0x0a000001, 60, T0 + 5000 * MS);
	assert_int_equal(e->n_got, 1);
	assert_int_equal(rslv_ob_stats(e->ob)->drop_unknown_id, 1);
	env_free(e);
}

/* A target with no route loses its try at once; the answer of the next one is taken. */
static void
test_unroutable_target_costs_a_try(void **state)
{
	struct env *e = env_new(0);

	e->unroutable[0] = e->unroutable[1] = true;
	ask(e, 1, "app.corp.example", DNS_TYPE_A, 0, T0);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(e->sent[0].target, 2);
	assert_true(rslv_ob_stats(e->ob)->tries >= 1);
	reply(e, 0, 0x0a000001, 60, T0 + 10 * MS);
	assert_int_equal(e->n_got, 1);
	assert_false(e->got[0].fail);
	/* every target unroutable: SERVFAIL without waiting */
	e->unroutable[2] = true;
	ask(e, 2, "other.corp.example", DNS_TYPE_A, 0, T0);
	assert_int_equal(e->n_got, 2);
	assert_true(e->got[1].fail);
	assert_int_equal(rslv_ob_inflight(e->ob), 0);
	env_free(e);
}

/* Identical questions (any case) for one rule share one upstream query; the surplus is dropped. */
static void
test_identical_questions_coalesce(void **state)
{
	struct env *e = env_new(2);

	ask(e, 1, "app.corp.example", DNS_TYPE_A, 0, T0);
	ask(e, 2, "APP.Corp.example", DNS_TYPE_A, 0, T0 + MS);
	ask(e, 3, "app.corp.example", DNS_TYPE_A, 0, T0 + MS); /* over 2 waiters */
	assert_int_equal(e->n_dropped, 1);
	ask(e, 4, "app.corp.example", DNS_TYPE_AAAA, 0, T0 + MS); /* another type */
	ask(e, 5, "app.corp.example", DNS_TYPE_A, 1, T0 + MS);	   /* another rule */
	assert_int_equal(e->n_sent, 3);
	assert_int_equal(rslv_ob_stats(e->ob)->coalesced, 1);
	reply(e, 0, 0x0a000001, 60, T0 + 20 * MS);
	assert_int_equal(e->n_got, 2);
	assert_int_equal(e->got[0].client_id, 1);
	assert_int_equal(e->got[1].client_id, 2);
	assert_false(e->got[0].cached);
	assert_int_equal(rslv_ob_inflight(e->ob), 2);
	env_free(e);
}

/* A reply must carry the query's ID and question; anything else leaves it waiting. */
static void
test_reply_must_match_id_and_question(void **state)
{
	struct env *e = env_new(0);
	uint8_t r[512];

	ask(e, 1, "app.corp.example", DNS_TYPE_A, 0, T0);
	size_t n = mkreply(e->sent[0].pkt, e->sent[0].len, 0x0a000001, 60, r, sizeof(r));

	dns_write_u16(r, (uint16_t)(dns_read_u16(r) + 1));
	rslv_ob_reply(e->ob, r, n, T0);
	ask(e, 2, "app.corp.example", DNS_TYPE_AAAA, 0, T0);
	n = mkreply(e->sent[1].pkt, e->sent[1].len, 0x0a000001, 60, r, sizeof(r));
	dns_write_u16(r, dns_read_u16(e->sent[0].pkt)); /* the first query's ID, another question */
	rslv_ob_reply(e->ob, r, n, T0);
	rslv_ob_reply(e->ob, e->sent[0].pkt, e->sent[0].len, T0); /* a query, not a reply */
	assert_int_equal(e->n_got, 0);
	assert_int_equal(rslv_ob_stats(e->ob)->drop_wrong_question, 1);
	reply(e, 0, 0x0a000001, 60, T0);
	assert_int_equal(e->n_got, 1);
	env_free(e);
}

/* An answer is cached for its TTL, counted down on hits, per rule; SERVFAIL is not cached. */
static void
test_cache_hit_counts_ttl_down(void **state)
{
	struct env *e = env_new(0);

	ask(e, 1, "app.corp.example", DNS_TYPE_A, 0, T0);
	reply(e, 0, 0x0a000001, 300, T0);
	ask(e, 2, "App.corp.example", DNS_TYPE_A, 0, T0 + 100 * SEC);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(e->n_got, 2);
	assert_true(e->got[1].cached);
	assert_int_equal(first_ttl(e->got[1].pkt, e->got[1].len), 200);
	assert_int_equal(rslv_ob_stats(e->ob)->cache_hits, 1);
	ask(e, 3, "app.corp.example", DNS_TYPE_A, 1, T0 + 100 * SEC); /* another rule: not its answer */
	assert_int_equal(e->n_sent, 2);
	ask(e, 4, "app.corp.example", DNS_TYPE_A, 0, T0 + 300 * SEC); /* expired */
	assert_int_equal(e->n_sent, 3);

	/* SERVFAIL goes to the client as it came, and is asked again next time */
	uint8_t r[512];
	size_t n = mkreply(e->sent[2].pkt, e->sent[2].len, 0x0a000001, 300, r, sizeof(r));

	dns_write_u16(r + 2, (uint16_t)((dns_read_u16(r + 2) & ~0xf) | DNS_RCODE_SERVFAIL));
	rslv_ob_reply(e->ob, r, n, T0 + 300 * SEC);
	assert_int_equal(rcode_of(e->got[e->n_got - 1].pkt), DNS_RCODE_SERVFAIL);
	ask(e, 5, "app.corp.example", DNS_TYPE_A, 0, T0 + 301 * SEC);
	assert_int_equal(e->n_sent, 4);
	env_free(e);
}

/* NXDOMAIN is cached for min(SOA TTL, MINIMUM) (RFC 2308), with the SOA's TTL as it came. */
static void
test_negative_answer_cached_for_soa_minimum(void **state)
{
	struct env *e = env_new(0);

	ask(e, 1, "gone.corp.example", DNS_TYPE_A, 0, T0);
	reply(e, 0, 0, 300, T0); /* SOA TTL 300, MINIMUM 60 */
	assert_int_equal(rcode_of(e->got[0].pkt), DNS_RCODE_NXDOMAIN);
	ask(e, 2, "gone.corp.example", DNS_TYPE_A, 0, T0 + 59 * SEC);
	assert_int_equal(e->n_sent, 1);
	assert_true(e->got[1].cached);
	assert_int_equal(rcode_of(e->got[1].pkt), DNS_RCODE_NXDOMAIN);
	assert_int_equal(first_ttl(e->got[1].pkt, e->got[1].len), 300 - 59);
	ask(e, 3, "gone.corp.example", DNS_TYPE_A, 0, T0 + 60 * SEC);
	assert_int_equal(e->n_sent, 2);
	env_free(e);
}

/* Freeing the engine drops every client still waiting (their TCP references). */
static void
test_free_drops_waiting_clients(void **state)
{
	struct env *e = env_new(0);

	ask(e, 1, "a.corp.example", DNS_TYPE_A, 0, T0);
	ask(e, 2, "a.corp.example", DNS_TYPE_A, 0, T0);
	ask(e, 3, "b.corp.example", DNS_TYPE_A, 0, T0);
	rslv_ob_free(e->ob);
	e->ob = NULL;
	assert_int_equal(e->n_dropped, 3);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeouts_retry_other_targets_then_servfail),
		cmocka_unit_test(test_unroutable_target_costs_a_try),
		cmocka_unit_test(test_identical_questions_coalesce),
		cmocka_unit_test(test_reply_must_match_id_and_question),
		cmocka_unit_test(test_cache_hit_counts_ttl_down),
		cmocka_unit_test(test_negative_answer_cached_for_soa_minimum),
		cmocka_unit_test(test_free_drops_waiting_clients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
