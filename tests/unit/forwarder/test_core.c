#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/addr.h"
#include "common/error.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "dns/cache.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"
#include "fake.h"

#define SEC HNS_NSEC_PER_SEC
#define MS HNS_NSEC_PER_MSEC
#define T0 (1000 * SEC)

struct env {
	struct fwd_config *cfg;
	struct fwd_core *core;
	struct fake_io io;
	struct fwd_client cl;
	uint8_t out[4096];
	uint16_t up[3];
};

/* Three upstreams 127.0.0.1:5301..5303; one rule `corp.example` over them. */
static struct env *
env_new(enum fwd_policy policy, uint32_t timeout_ms, uint32_t attempts,
	void (*tweak)(struct fwd_config *))
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(fwd_config_new("test", &e->cfg), 0);
	for (int i = 0; i < 3; i++) {
		struct hns_addr a;
		char s[32];

		snprintf(s, sizeof(s), "127.0.0.1:%d", 5301 + i);
		assert_int_equal(hns_addr_parse_port(s, &a), 0);
		int u = fwd_config_add_upstream(e->cfg, &a, &a);

		assert_int_equal(u, i);
		e->up[i] = (uint16_t)u;
	}
	assert_true(fwd_config_add_forward(e->cfg, "corp.example", e->up, 3, policy, timeout_ms,
					   attempts) >= 0);
	e->cfg->upstream_socks = 1;
	if (tweak)
		tweak(e->cfg);
	assert_int_equal(fwd_core_new(e->cfg, &fake_ops, &e->io, 42, &e->core), 0);
	hns_addr_parse_port("127.0.0.1:40000", &e->cl.addr);
	return e;
}

static void
env_free(struct env *e)
{
	fwd_core_free(e->core);
	fwd_config_free(e->cfg);
	free(e);
}

/* Send a client query; returns the immediate answer length. */
static size_t
ask(struct env *e, uint16_t id, const char *name, hns_time_t now)
{
	uint8_t q[512];
	size_t n = mkquery(id, name, DNS_TYPE_A, false, q, sizeof(q));

	assert_true(n > 0);
	return fwd_core_query(e->core, &e->cl, q, n, now, e->out, sizeof(e->out));
}

/* Answer the last upstream query from its own upstream address. */
static void
reply_last(struct env *e, uint32_t a, uint32_t ttl, hns_time_t now)
{
	struct fake_pkt *s = &e->io.sent[e->io.n_sent - 1];
	uint8_t r[512];
	size_t n = mkreply(s->pkt, s->len, a, ttl, r, sizeof(r));

	assert_true(n > 0);
	fwd_core_reply(e->core, &e->cfg->upstreams[s->up].real, s->sock, s->tcp, r, n, now);
}

static void
test_forward_and_answer(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);

	assert_int_equal(ask(e, 0x1234, "WWW.Corp.Example", T0), 0);
	assert_int_equal(e->io.n_sent, 1);
	assert_int_equal(e->io.sent[0].up, 0);
	/* A fresh upstream ID, never the client's (it may collide by chance: 1 in 65536). */
	assert_int_equal(fwd_core_inflight(e->core), 1);
	reply_last(e, 0x0a000001, 300, T0 + 5 * MS);
	assert_int_equal(e->io.n_answers, 1);

	struct fake_pkt *a = &e->io.answers[0];
	struct dns_query q;

	assert_int_equal(dns_query_parse(a->pkt, a->len, &q), 0);
	assert_int_equal(q.hdr.id, 0x1234);
	assert_int_equal(rcode_of(a->pkt), DNS_RCODE_NOERROR);
	char name[DNS_NAME_STRLEN];

	dns_name_to_str(q.q.name, q.q.name_len, name, sizeof(name));
	assert_string_equal(name, "WWW.Corp.Example"); /* the client's spelling back */
	assert_int_equal(first_ttl(a->pkt, a->len), 300);
	assert_int_equal(fwd_core_inflight(e->core), 0);
	assert_int_equal(fwd_core_rule_stats(e->core)[0].forwarded, 1);
	env_free(e);
}

static void
test_default_refuse_and_formerr(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);
	size_t n = ask(e, 7, "www.elsewhere.example", T0);

	assert_true(n > 0);
	assert_int_equal(rcode_of(e->out), DNS_RCODE_REFUSED);
	assert_int_equal(e->io.n_sent, 0);

	uint8_t junk[14] = { 0, 9, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'a' };

	n = fwd_core_query(e->core, &e->cl, junk, sizeof(junk), T0, e->out, sizeof(e->out));
	assert_true(n > 0);
	assert_int_equal(rcode_of(e->out), DNS_RCODE_FORMERR);
	assert_int_equal(fwd_core_stats(e->core)->formerr, 1);
	env_free(e);
}

static void
test_cache_hit_ttl_countdown_and_expiry(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);

	ask(e, 1, "app.corp.example", T0);
	reply_last(e, 0x0a000001, 300, T0);
	size_t n = ask(e, 2, "APP.corp.example", T0 + 100 * SEC);

	assert_true(n > 0);
	assert_int_equal(e->io.n_sent, 1); /* no new upstream query */
	assert_int_equal(dns_read_u16(e->out), 2);
	assert_int_equal(first_ttl(e->out, n), 200);
	assert_int_equal(e->out[DNS_HEADER_LEN + 1], 'A'); /* the client's case */
	assert_int_equal(fwd_core_rule_stats(e->core)[0].cache_hits, 1);

	/* Past its TTL it goes upstream again. */
	assert_int_equal(ask(e, 3, "app.corp.example", T0 + 301 * SEC), 0);
	assert_int_equal(e->io.n_sent, 2);
	env_free(e);
}

static void
test_negative_caching(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);

	/* SOA TTL 600, MINIMUM 60: cached for 60 s (RFC 2308). */
	ask(e, 1, "nope.corp.example", T0);
	reply_last(e, 0, 600, T0);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_NXDOMAIN);
	size_t n = ask(e, 2, "nope.corp.example", T0 + 59 * SEC);

	assert_true(n > 0);
	assert_int_equal(rcode_of(e->out), DNS_RCODE_NXDOMAIN);
	assert_true(first_ttl(e->out, n) <= 60);
	assert_int_equal(e->io.n_sent, 1);
	assert_int_equal(ask(e, 3, "nope.corp.example", T0 + 61 * SEC), 0);
	assert_int_equal(e->io.n_sent, 2);
	env_free(e);
}

static void
small_neg_max(struct fwd_config *c)
{
	c->cache.negative_max_ttl = 10;
}

static void
test_negative_max_ttl(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, small_neg_max);

	ask(e, 1, "nope.corp.example", T0);
	reply_last(e, 0, 600, T0);
	assert_true(ask(e, 2, "nope.corp.example", T0 + 9 * SEC) > 0);
	assert_int_equal(ask(e, 3, "nope.corp.example", T0 + 11 * SEC), 0);
	env_free(e);
}

static void
ttl_clamps(struct fwd_config *c)
{
	c->cache.min_ttl = 100;
	c->cache.max_ttl = 200;
}

static void
test_min_max_ttl(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, ttl_clamps);
	size_t n;

	ask(e, 1, "short.corp.example", T0);
	reply_last(e, 1, 5, T0);
	n = ask(e, 2, "short.corp.example", T0 + 50 * SEC); /* 5 s raised to 100 */
	assert_true(n > 0);
	assert_int_equal(first_ttl(e->out, n), 50);
	ask(e, 3, "long.corp.example", T0);
	reply_last(e, 1, 5000, T0);
	n = ask(e, 4, "long.corp.example", T0);
	assert_int_equal(first_ttl(e->out, n), 200); /* 5000 s lowered to 200 */
	assert_int_equal(ask(e, 5, "long.corp.example", T0 + 201 * SEC), 0);
	env_free(e);
}

static void
tiny_cache(struct fwd_config *c)
{
	c->cache.max_entries = 4;
}

static void
test_max_entries_eviction(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, tiny_cache);
	char name[64];

	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "n%d.corp.example", i);
		ask(e, (uint16_t)i, name, T0);
		reply_last(e, 1, 300, T0);
	}
	struct dns_cache *c = fwd_core_cache(e->core);

	assert_int_equal(dns_cache_count(c), 4);
	assert_int_equal(dns_cache_stats(c)->evictions, 6);
	/* The newest is still there, the oldest is gone. */
	assert_true(ask(e, 100, "n9.corp.example", T0) > 0);
	assert_int_equal(ask(e, 101, "n0.corp.example", T0), 0);
	env_free(e);
}

static void
stale_on(struct fwd_config *c)
{
	c->cache.serve_stale = true;
}

static void
test_serve_stale(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 2, stale_on);

	ask(e, 1, "app.corp.example", T0);
	reply_last(e, 0x0a000001, 60, T0);
	/* Expired: goes upstream, every try times out, the stale entry is served with TTL 30. */
	assert_int_equal(ask(e, 2, "app.corp.example", T0 + 100 * SEC), 0);
	fwd_core_expire(e->core, T0 + 101 * SEC);
	fwd_core_expire(e->core, T0 + 102 * SEC);
	assert_int_equal(e->io.n_sent, 3);
	assert_int_equal(e->io.n_answers, 2);
	struct fake_pkt *a = &e->io.answers[1];

	assert_int_equal(rcode_of(a->pkt), DNS_RCODE_NOERROR);
	assert_int_equal(dns_read_u16(a->pkt), 2);
	assert_int_equal(first_ttl(a->pkt, a->len), 30);
	assert_int_equal(fwd_core_rule_stats(e->core)[0].stale_answers, 1);
	env_free(e);
}

static void
test_no_stale_without_option(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 1, NULL);

	ask(e, 1, "app.corp.example", T0);
	reply_last(e, 0x0a000001, 60, T0);
	ask(e, 2, "app.corp.example", T0 + 100 * SEC);
	fwd_core_expire(e->core, T0 + 102 * SEC);
	assert_int_equal(e->io.n_answers, 2);
	assert_int_equal(rcode_of(e->io.answers[1].pkt), DNS_RCODE_SERVFAIL);
	env_free(e);
}

static void
test_coalescing(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);

	assert_int_equal(ask(e, 11, "same.corp.example", T0), 0);
	e->cl.addr.port = 40001;
	assert_int_equal(ask(e, 12, "SAME.corp.example", T0), 0);
	e->cl.addr.port = 40002;
	assert_int_equal(ask(e, 13, "same.corp.example", T0), 0);
	assert_int_equal(e->io.n_sent, 1);
	reply_last(e, 1, 300, T0);
	assert_int_equal(e->io.n_answers, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(dns_read_u16(e->io.answers[i].pkt), 11 + i);
		assert_int_equal(e->io.answers[i].cl.addr.port, 40000 + i);
	}
	assert_int_equal(e->io.answers[1].pkt[DNS_HEADER_LEN + 1], 'S');
	assert_int_equal(fwd_core_rule_stats(e->core)[0].coalesced, 2);
	env_free(e);
}

static void
tiny_table(struct fwd_config *c)
{
	c->table_size = 2;
}

static void
test_table_full_refused(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, tiny_table);
	size_t n;

	assert_int_equal(ask(e, 1, "a.corp.example", T0), 0);
	assert_int_equal(ask(e, 2, "b.corp.example", T0), 0);
	n = ask(e, 3, "c.corp.example", T0);
	assert_true(n > 0);
	assert_int_equal(rcode_of(e->out), DNS_RCODE_REFUSED);
	assert_int_equal(fwd_core_stats(e->core)->table_full, 1);
	assert_int_equal(e->io.n_sent, 2);
	/* Timeouts free the table; it works again. */
	fwd_core_expire(e->core, T0 + 10 * SEC);
	fwd_core_expire(e->core, T0 + 20 * SEC);
	fwd_core_expire(e->core, T0 + 30 * SEC);
	assert_int_equal(fwd_core_inflight(e->core), 0);
	assert_int_equal(ask(e, 4, "c.corp.example", T0 + 31 * SEC), 0);
	assert_int_equal(fwd_core_inflight(e->core), 1);
	env_free(e);
}

static void
test_spoofed_replies_dropped(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);
	struct fake_pkt *s;
	uint8_t r[512];
	size_t n;
	struct hns_addr src;

	e->cfg->upstream_socks = 1;
	ask(e, 1, "target.corp.example", T0);
	s = &e->io.sent[0];
	n = mkreply(s->pkt, s->len, 0x06060606, 86400, r, sizeof(r));
	src = e->cfg->upstreams[s->up].real;

	/* Wrong ID. */
	dns_msg_set_id(r, (uint16_t)(dns_read_u16(s->pkt) ^ 0x5a5a));
	fwd_core_reply(e->core, &src, s->sock, false, r, n, T0);
	dns_msg_set_id(r, dns_read_u16(s->pkt));
	/* Wrong source port. */
	struct hns_addr bad = src;

	bad.port++;
	fwd_core_reply(e->core, &bad, s->sock, false, r, n, T0);
	/* Wrong source address (an upstream of the config, but not asked). */
	fwd_core_reply(e->core, &e->cfg->upstreams[2].real, s->sock, false, r, n, T0);
	hns_addr_parse_port("127.0.0.9:5301", &bad);
	fwd_core_reply(e->core, &bad, s->sock, false, r, n, T0);
	/* Wrong socket. */
	fwd_core_reply(e->core, &src, s->sock + 1, false, r, n, T0);
	/* Wrong question. */
	uint8_t q2[512], r2[512];
	size_t qn = mkquery(dns_read_u16(s->pkt), "other.corp.example", DNS_TYPE_A, false, q2,
			    sizeof(q2));
	size_t n2 = mkreply(q2, qn, 0x06060606, 86400, r2, sizeof(r2));

	fwd_core_reply(e->core, &src, s->sock, false, r2, n2, T0);
	/* Not a response. */
	fwd_core_reply(e->core, &src, s->sock, false, s->pkt, s->len, T0);

	const struct fwd_core_stats *st = fwd_core_stats(e->core);

	assert_int_equal(e->io.n_answers, 0);
	assert_int_equal(st->drop_unknown_id, 1);
	assert_int_equal(st->drop_wrong_source, 3);
	assert_int_equal(st->drop_wrong_socket, 1);
	assert_int_equal(st->drop_wrong_question, 1);
	assert_int_equal(st->drop_malformed, 1);
	assert_int_equal(dns_cache_count(fwd_core_cache(e->core)), 0);
	assert_int_equal(fwd_core_inflight(e->core), 1);

	/* The genuine reply still gets through, and only it is cached. */
	n = mkreply(s->pkt, s->len, 0x0a000001, 60, r, sizeof(r));
	fwd_core_reply(e->core, &src, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(first_ttl(e->io.answers[0].pkt, e->io.answers[0].len), 60);
	/* A late duplicate finds no slot. */
	fwd_core_reply(e->core, &src, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(st->drop_unknown_id, 2);
	env_free(e);
}

static void
test_sequential_failover(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 3, NULL);

	ask(e, 1, "x.corp.example", T0);
	assert_int_equal(e->io.sent[0].up, 0);
	assert_int_equal(fwd_core_next_deadline(e->core), T0 + 1000 * MS);
	fwd_core_expire(e->core, T0 + 999 * MS);
	assert_int_equal(e->io.n_sent, 1);
	fwd_core_expire(e->core, T0 + 1000 * MS);
	assert_int_equal(e->io.n_sent, 2);
	assert_int_equal(e->io.sent[1].up, 1);
	/* Same ID on the retry, so a late answer from the first is still taken. */
	assert_int_equal(dns_read_u16(e->io.sent[0].pkt), dns_read_u16(e->io.sent[1].pkt));
	reply_last(e, 1, 60, T0 + 1500 * MS);
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(fwd_core_upstream_stats(e->core)[0].timeouts, 1);
	assert_int_equal(fwd_core_upstream_stats(e->core)[1].answers, 1);
	env_free(e);
}

static void
test_attempts_then_servfail(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 4, NULL);

	ask(e, 9, "x.corp.example", T0);
	for (int i = 1; i <= 4; i++)
		fwd_core_expire(e->core, T0 + (hns_time_t)i * SEC);
	assert_int_equal(e->io.n_sent, 4);
	assert_int_equal(e->io.sent[0].up, 0);
	assert_int_equal(e->io.sent[1].up, 1);
	assert_int_equal(e->io.sent[2].up, 2);
	assert_int_equal(e->io.sent[3].up, 0); /* wraps */
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_SERVFAIL);
	assert_int_equal(dns_read_u16(e->io.answers[0].pkt), 9);
	assert_int_equal(fwd_core_next_deadline(e->core), 0);
	env_free(e);
}

static void
test_servfail_moves_on(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 3, NULL);
	struct fake_pkt *s;
	uint8_t r[512];
	size_t n;

	ask(e, 9, "x.corp.example", T0);
	s = &e->io.sent[0];
	n = mkreply(s->pkt, s->len, 1, 60, r, sizeof(r));
	dns_write_u16(r + 2, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_SERVFAIL);
	fwd_core_reply(e->core, &e->cfg->upstreams[0].real, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 0);
	assert_int_equal(e->io.n_sent, 2);
	assert_int_equal(e->io.sent[1].up, 1);
	reply_last(e, 1, 60, T0);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_NOERROR);
	env_free(e);
}

static void
test_round_robin(void **state)
{
	struct env *e = env_new(FWD_POLICY_ROUND_ROBIN, 1000, 0, NULL);
	char name[64];

	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "rr%d.corp.example", i);
		ask(e, (uint16_t)i, name, T0);
		assert_int_equal(e->io.sent[i].up, (unsigned)(i % 3));
	}
	env_free(e);
}

static void
test_random_policy(void **state)
{
	struct env *e = env_new(FWD_POLICY_RANDOM, 1000, 0, NULL);
	unsigned seen[3] = { 0 };
	char name[64];

	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "r%d.corp.example", i);
		ask(e, (uint16_t)i, name, T0);
		seen[e->io.sent[e->io.n_sent - 1].up]++;
		reply_last(e, 1, 60, T0);
		e->io.n_sent = 0;
		e->io.n_answers = 0;
	}
	for (int i = 0; i < 3; i++)
		assert_true(seen[i] > 0);
	/* A retry goes to another upstream. */
	ask(e, 99, "retry.corp.example", T0);
	fwd_core_expire(e->core, T0 + 1 * SEC);
	assert_int_equal(e->io.n_sent, 2);
	assert_int_not_equal(e->io.sent[0].up, e->io.sent[1].up);
	env_free(e);
}

static void
health_fast(struct fwd_config *c)
{
	c->fail_threshold = 2;
	c->rise = 2;
	c->probe_ms = 5000;
}

static void
test_health_down_probe_rise(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 2, health_fast);
	hns_time_t t = T0;
	char name[64];
	int k = 0;

	/* Two queries whose first try (upstream 0) times out: upstream 0 goes down. */
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "h%d.corp.example", k++);
		ask(e, 1, name, t);
		fwd_core_expire(e->core, t + SEC);
		reply_last(e, 1, 60, t + SEC);
		t += 2 * SEC;
	}
	assert_true(fwd_core_upstream_down(e->core, 0));
	assert_int_equal(fwd_core_upstream_stats(e->core)[0].went_down, 1);

	/* While down, queries go straight to upstream 1. */
	e->io.n_sent = 0;
	snprintf(name, sizeof(name), "h%d.corp.example", k++);
	ask(e, 1, name, t);
	assert_int_equal(e->io.sent[0].up, 1);
	reply_last(e, 1, 60, t);

	/* After probe_ms one query probes upstream 0; it answers; rise = 2 needs another. */
	t += 6 * SEC;
	e->io.n_sent = 0;
	snprintf(name, sizeof(name), "h%d.corp.example", k++);
	ask(e, 1, name, t);
	assert_int_equal(e->io.sent[0].up, 0);
	reply_last(e, 1, 60, t);
	assert_true(fwd_core_upstream_down(e->core, 0));
	/* The next query, before the next probe time, avoids it again. */
	snprintf(name, sizeof(name), "h%d.corp.example", k++);
	ask(e, 1, name, t);
	assert_int_equal(e->io.sent[1].up, 1);
	reply_last(e, 1, 60, t);
	t += 6 * SEC;
	snprintf(name, sizeof(name), "h%d.corp.example", k++);
	ask(e, 1, name, t);
	assert_int_equal(e->io.sent[2].up, 0);
	reply_last(e, 1, 60, t);
	assert_false(fwd_core_upstream_down(e->core, 0));
	assert_int_equal(fwd_core_upstream_stats(e->core)[0].came_up, 1);
	env_free(e);
}

static void
test_tc_retried_over_tcp(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);
	struct fake_pkt *s;
	uint8_t r[512];
	size_t n;

	ask(e, 5, "big.corp.example", T0);
	s = &e->io.sent[0];
	n = mkreply(s->pkt, s->len, 1, 60, r, sizeof(r));
	dns_write_u16(r + 2, dns_read_u16(r + 2) | DNS_FLAG_TC);
	fwd_core_reply(e->core, &e->cfg->upstreams[0].real, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 0);
	assert_int_equal(e->io.n_sent, 2);
	assert_true(e->io.sent[1].tcp);
	assert_int_equal(e->io.sent[1].up, 0);
	/* A UDP copy arriving now is not accepted; the TCP answer is. */
	n = mkreply(s->pkt, s->len, 1, 60, r, sizeof(r));
	fwd_core_reply(e->core, &e->cfg->upstreams[0].real, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 0);
	fwd_core_reply(e->core, &e->cfg->upstreams[0].real, 0, true, r, n, T0);
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(fwd_core_upstream_stats(e->core)[0].tcp_retries, 1);
	env_free(e);
}

static void
test_windows_profile(void **state)
{
	struct env *e = env_new(FWD_POLICY_ROUND_ROBIN, 1000, 0, fwd_config_profile_windows);

	ask(e, 1, "w.corp.example", T0);
	assert_int_equal(fwd_core_next_deadline(e->core), T0 + 3 * SEC);
	fwd_core_expire(e->core, T0 + 3 * SEC);
	fwd_core_expire(e->core, T0 + 6 * SEC);
	/* The third try is cut at 8 s overall. */
	assert_int_equal(fwd_core_next_deadline(e->core), T0 + 8 * SEC);
	fwd_core_expire(e->core, T0 + 8 * SEC);
	assert_int_equal(e->io.n_sent, 3);
	assert_int_equal(e->io.sent[0].up, 0);
	assert_int_equal(e->io.sent[1].up, 1);
	assert_int_equal(e->io.sent[2].up, 2);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_SERVFAIL);
	env_free(e);
}

static void
test_truncated_to_client(void **state)
{
	struct env *e = env_new(FWD_POLICY_SEQUENTIAL, 1000, 0, NULL);
	struct fake_pkt *s;
	uint8_t r[1400];
	size_t n;
	struct dns_header h;

	ask(e, 5, "many.corp.example", T0);
	s = &e->io.sent[0];
	n = mkreply(s->pkt, s->len, 1, 60, r, sizeof(r));
	/* Pad the answer with 60 more A records: 16 bytes each, 1000+ bytes in all. */
	for (int i = 0; i < 60; i++) {
		memcpy(r + n, r + n - 16, 16);
		n += 16;
	}
	dns_header_parse(r, n, &h);
	h.ancount = 61;
	dns_header_write(r, &h);
	fwd_core_reply(e->core, &e->cfg->upstreams[0].real, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 1);
	assert_true(e->io.answers[0].len <= 512);
	assert_true(dns_read_u16(e->io.answers[0].pkt + 2) & DNS_FLAG_TC);
	/* A TCP client gets it whole. */
	e->cl.conn = 7;
	ask(e, 6, "many.corp.example", T0); /* over DNS_CACHE_WIRE_MAX: not cached */
	assert_int_equal(e->io.n_sent, 2);
	s = &e->io.sent[1];
	dns_msg_set_id(r, dns_read_u16(s->pkt));
	fwd_core_reply(e->core, &e->cfg->upstreams[0].real, s->sock, false, r, n, T0);
	assert_int_equal(e->io.n_answers, 2);
	assert_int_equal(e->io.answers[1].len, n);
	assert_int_equal(e->io.answers[1].cl.conn, 7);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_and_answer),
		cmocka_unit_test(test_default_refuse_and_formerr),
		cmocka_unit_test(test_cache_hit_ttl_countdown_and_expiry),
		cmocka_unit_test(test_negative_caching),
		cmocka_unit_test(test_negative_max_ttl),
		cmocka_unit_test(test_min_max_ttl),
		cmocka_unit_test(test_max_entries_eviction),
		cmocka_unit_test(test_serve_stale),
		cmocka_unit_test(test_no_stale_without_option),
		cmocka_unit_test(test_coalescing),
		cmocka_unit_test(test_table_full_refused),
		cmocka_unit_test(test_spoofed_replies_dropped),
		cmocka_unit_test(test_sequential_failover),
		cmocka_unit_test(test_attempts_then_servfail),
		cmocka_unit_test(test_servfail_moves_on),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_random_policy),
		cmocka_unit_test(test_health_down_probe_rise),
		cmocka_unit_test(test_tc_retried_over_tcp),
		cmocka_unit_test(test_windows_profile),
		cmocka_unit_test(test_truncated_to_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
