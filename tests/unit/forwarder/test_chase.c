#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/addr.h"
#include "dns/chain.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"
#include "fake.h"

/*
 * CNAME chains continued under another rule (forwarder/chase.c): rules
 * corp.example (upstream 0), cloud.example (upstream 1), the local zone
 * lab.example, and a default over upstream 2.
 */

#define MS HNS_NSEC_PER_MSEC
#define T0 (1000 * HNS_NSEC_PER_SEC)

struct env {
	struct fwd_config *cfg;
	struct fwd_core *core;
	struct fake_io io;
	struct fwd_client cl;
	uint8_t out[4096];
};

static struct env *
env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));
	static const char *const lab[] = {
		"x.lab.example. 120 IN A 192.168.1.5",
		"y.lab.example. 120 IN CNAME b.cloud.example.",
	};

	assert_non_null(e);
	assert_int_equal(fwd_config_new("test", &e->cfg), 0);
	for (int i = 0; i < 3; i++) {
		struct hns_addr a;
		char s[32];

		snprintf(s, sizeof(s), "127.0.0.1:%d", 5301 + i);
		assert_int_equal(hns_addr_parse_port(s, &a), 0);
		assert_int_equal(fwd_config_add_upstream(e->cfg, &a, &a), i);
	}
	uint16_t u0 = 0, u1 = 1, u2 = 2;

	assert_true(fwd_config_add_forward(e->cfg, "corp.example", &u0, 1, FWD_POLICY_SEQUENTIAL,
					   1000, 2) >= 0);
	assert_true(fwd_config_add_forward(e->cfg, "cloud.example", &u1, 1, FWD_POLICY_SEQUENTIAL,
					   1000, 2) >= 0);
	assert_true(fwd_config_add_local_zone_text(
			    e->cfg, "lab.example",
			    "lab.example. 3600 IN SOA ns.lab.example. h.lab.example. 1 7200 900 1209600 600",
			    lab, 2) >= 0);
	assert_true(fwd_config_set_default(e->cfg, &u2, 1, FWD_POLICY_SEQUENTIAL, 1000, 2) >= 0);
	e->cfg->upstream_socks = 1;
	e->cfg->cache.enabled = true;
	assert_int_equal(fwd_core_new(e->cfg, &fake_ops, &e->io, 7, &e->core), 0);
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

static size_t
ask(struct env *e, uint16_t id, const char *name, hns_time_t now)
{
	uint8_t q[512];
	size_t n = mkquery(id, name, DNS_TYPE_A, false, q, sizeof(q));

	assert_true(n > 0);
	return fwd_core_query(e->core, &e->cl, q, n, now, e->out, sizeof(e->out));
}

/* The name a sent query asks, presentation form. */
static const char *
sent_name(const struct fake_pkt *p, char *buf, size_t cap)
{
	struct dns_query q;

	assert_int_equal(dns_query_parse(p->pkt, p->len, &q), 0);
	assert_int_equal(dns_name_to_str(q.q.name, q.q.name_len, buf, cap), 0);
	return buf;
}

/* Answer the last sent query from its upstream: rcode, answer and authority records (ldns text). */
static void
reply_rrs(struct env *e, uint8_t rcode, const char *const *an, size_t n_an, const char *auth,
	  hns_time_t now)
{
	struct fake_pkt *s = &e->io.sent[e->io.n_sent - 1];
	ldns_pkt *p = NULL;
	uint8_t *wire = NULL;
	size_t len = 0;

	assert_int_equal(ldns_wire2pkt(&p, s->pkt, s->len), LDNS_STATUS_OK);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_rcode(p, rcode);
	for (size_t i = 0; i < n_an + (auth != NULL); i++) {
		ldns_rr *rr = NULL;

		assert_int_equal(ldns_rr_new_frm_str(&rr, i < n_an ? an[i] : auth, 0, NULL, NULL),
				 LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(p, i < n_an ? LDNS_SECTION_ANSWER : LDNS_SECTION_AUTHORITY,
					     rr));
	}
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	fwd_core_reply(e->core, &e->cfg->upstreams[s->up].real, s->sock, s->tcp, wire, len, now);
	LDNS_FREE(wire);
	ldns_pkt_free(p);
}

/* The records of a section of pkt, as "owner TYPE rdata" joined by "; ". */
static void
section_text(const uint8_t *pkt, size_t len, ldns_pkt_section sec, char *buf, size_t cap)
{
	ldns_pkt *p = NULL;

	buf[0] = '\0';
	assert_int_equal(ldns_wire2pkt(&p, pkt, len), LDNS_STATUS_OK);
	ldns_rr_list *l = ldns_pkt_get_section_clone(p, sec);

	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		char *o = ldns_rdf2str(ldns_rr_owner(rr));
		char *t = ldns_rr_type2str(ldns_rr_get_type(rr));
		char *d = ldns_rdf2str(ldns_rr_rdf(rr, 0));

		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s %s %s", i ? "; " : "", o, t, d);
		free(o);
		free(t);
		free(d);
	}
	ldns_rr_list_deep_free(l);
	ldns_pkt_free(p);
}

static void
assert_answer(const struct fake_pkt *a, uint16_t id, uint8_t rcode, const char *answer)
{
	char text[2048];

	assert_int_equal(dns_read_u16(a->pkt), id);
	assert_int_equal(rcode_of(a->pkt), rcode);
	section_text(a->pkt, a->len, LDNS_SECTION_ANSWER, text, sizeof(text));
	assert_string_equal(text, answer);
}

static void
test_chase_cname_into_other_forward_rule(void **state)
{
	struct env *e = env_new();
	char name[DNS_NAME_STRLEN];
	static const char *const an[] = { "a.corp.example. 300 IN CNAME b.cloud.example." };
	static const char *const an2[] = { "b.cloud.example. 60 IN A 10.1.2.3" };

	assert_int_equal(ask(e, 0x1111, "a.corp.example", T0), 0);
	assert_int_equal(e->io.sent[0].up, 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, 1, NULL, T0 + MS);
	assert_int_equal(e->io.n_answers, 0); /* not yet: the target goes to cloud.example */
	assert_int_equal(e->io.n_sent, 2);
	assert_int_equal(e->io.sent[1].up, 1);
	assert_string_equal(sent_name(&e->io.sent[1], name, sizeof(name)), "b.cloud.example");
	/* a second client of the same question joins the chasing slot */
	assert_int_equal(ask(e, 0x2222, "a.corp.example", T0 + MS), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an2, 1, NULL, T0 + 2 * MS);
	assert_int_equal(e->io.n_answers, 2);
	assert_answer(&e->io.answers[0], 0x1111, DNS_RCODE_NOERROR,
		      "a.corp.example. CNAME b.cloud.example.; b.cloud.example. A 10.1.2.3");
	assert_answer(&e->io.answers[1], 0x2222, DNS_RCODE_NOERROR,
		      "a.corp.example. CNAME b.cloud.example.; b.cloud.example. A 10.1.2.3");
	assert_int_equal(fwd_core_stats(e->core)->chase_legs, 1);
	assert_int_equal(fwd_core_inflight(e->core), 0);
	/* the whole chain is cached under the question */
	size_t n = ask(e, 0x3333, "a.corp.example", T0 + 3 * MS);
	struct fake_pkt hit = { .len = n };

	assert_true(n > 0);
	memcpy(hit.pkt, e->out, n);
	assert_answer(&hit, 0x3333, DNS_RCODE_NOERROR,
		      "a.corp.example. CNAME b.cloud.example.; b.cloud.example. A 10.1.2.3");
	assert_int_equal(e->io.n_sent, 2);
	env_free(e);
}

static void
test_chase_into_local_zone_and_internet(void **state)
{
	struct env *e = env_new();
	char name[DNS_NAME_STRLEN];
	static const char *const an[] = { "a.corp.example. 300 IN CNAME x.lab.example." };
	static const char *const an2[] = { "c.corp.example. 300 IN CNAME www.example.net." };
	static const char *const an3[] = { "www.example.net. 30 IN A 198.51.100.7" };

	assert_int_equal(ask(e, 1, "a.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, 1, NULL, T0 + MS);
	assert_int_equal(e->io.n_answers, 1); /* the local zone answers at once */
	assert_answer(&e->io.answers[0], 1, DNS_RCODE_NOERROR,
		      "a.corp.example. CNAME x.lab.example.; x.lab.example. A 192.168.1.5");
	/* into the default (the internet) */
	assert_int_equal(ask(e, 2, "c.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an2, 1, NULL, T0 + MS);
	assert_int_equal(e->io.sent[e->io.n_sent - 1].up, 2);
	assert_string_equal(sent_name(&e->io.sent[e->io.n_sent - 1], name, sizeof(name)),
			    "www.example.net");
	reply_rrs(e, DNS_RCODE_NOERROR, an3, 1, NULL, T0 + 2 * MS);
	assert_answer(&e->io.answers[1], 2, DNS_RCODE_NOERROR,
		      "c.corp.example. CNAME www.example.net.; www.example.net. A 198.51.100.7");
	env_free(e);
}

static void
test_chase_target_nxdomain_keeps_chain(void **state)
{
	struct env *e = env_new();
	char text[1024];
	static const char *const an[] = { "a.corp.example. 300 IN CNAME gone.cloud.example." };

	assert_int_equal(ask(e, 5, "a.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, 1, NULL, T0 + MS);
	reply_rrs(e, DNS_RCODE_NXDOMAIN, NULL, 0,
		  "cloud.example. 900 IN SOA ns.cloud.example. h.cloud.example. 1 2 3 4 300",
		  T0 + 2 * MS);
	assert_int_equal(e->io.n_answers, 1);
	assert_answer(&e->io.answers[0], 5, DNS_RCODE_NXDOMAIN,
		      "a.corp.example. CNAME gone.cloud.example.");
	section_text(e->io.answers[0].pkt, e->io.answers[0].len, LDNS_SECTION_AUTHORITY, text,
		     sizeof(text));
	assert_string_equal(text, "cloud.example. SOA ns.cloud.example.");
	env_free(e);
}

static void
test_chase_not_taken_same_rule_or_complete(void **state)
{
	struct env *e = env_new();
	static const char *const same[] = { "a.corp.example. 300 IN CNAME b.corp.example." };
	static const char *const full[] = { "c.corp.example. 300 IN CNAME b.cloud.example.",
					    "b.cloud.example. 60 IN A 10.1.2.3" };

	/* a target under the same rule: that rule's upstream answered for it, as it came */
	assert_int_equal(ask(e, 1, "a.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, same, 1, NULL, T0 + MS);
	assert_int_equal(e->io.n_sent, 1);
	assert_answer(&e->io.answers[0], 1, DNS_RCODE_NOERROR,
		      "a.corp.example. CNAME b.corp.example.");
	/* a chain that ends in the answer is not chased */
	assert_int_equal(ask(e, 2, "c.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, full, 2, NULL, T0 + MS);
	assert_int_equal(e->io.n_sent, 2);
	assert_answer(&e->io.answers[1], 2, DNS_RCODE_NOERROR,
		      "c.corp.example. CNAME b.cloud.example.; b.cloud.example. A 10.1.2.3");
	assert_int_equal(fwd_core_stats(e->core)->chase_legs, 0);
	env_free(e);
}

static void
test_chase_loop_servfail(void **state)
{
	struct env *e = env_new();
	static const char *const an[] = { "a.corp.example. 300 IN CNAME b.cloud.example." };
	static const char *const back[] = { "b.cloud.example. 300 IN CNAME a.corp.example." };

	assert_int_equal(ask(e, 9, "a.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, 1, NULL, T0 + MS);
	reply_rrs(e, DNS_RCODE_NOERROR, back, 1, NULL, T0 + 2 * MS);
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_SERVFAIL);
	assert_int_equal(dns_read_u16(e->io.answers[0].pkt), 9);
	assert_int_equal(fwd_core_inflight(e->core), 0);
	env_free(e);
}

static void
test_chase_from_local_zone_into_forward_rule(void **state)
{
	struct env *e = env_new();
	char name[DNS_NAME_STRLEN];
	static const char *const an[] = { "b.cloud.example. 60 IN A 10.1.2.3" };

	/* the local zone's CNAME leads under cloud.example: asked there, the client waits */
	assert_int_equal(ask(e, 10, "y.lab.example", T0), 0);
	assert_int_equal(e->io.n_sent, 1);
	assert_int_equal(e->io.sent[0].up, 1);
	assert_string_equal(sent_name(&e->io.sent[0], name, sizeof(name)), "b.cloud.example");
	reply_rrs(e, DNS_RCODE_NOERROR, an, 1, NULL, T0 + MS);
	assert_int_equal(e->io.n_answers, 1);
	assert_answer(&e->io.answers[0], 10, DNS_RCODE_NOERROR,
		      "y.lab.example. CNAME b.cloud.example.; b.cloud.example. A 10.1.2.3");
	assert_false(dns_read_u16(e->io.answers[0].pkt + 2) & DNS_FLAG_AA);
	/* a local name without a CNAME: answered at once, authoritative */
	size_t n = ask(e, 11, "x.lab.example", T0 + 2 * MS);

	assert_true(n > DNS_HEADER_LEN);
	assert_true(dns_read_u16(e->out + 2) & DNS_FLAG_AA);
	assert_int_equal(e->io.n_sent, 1);
	env_free(e);
}

static void
test_chase_length_limit(void **state)
{
	struct env *e = env_new();
	char rr[DNS_CHAIN_MAX + 1][128];
	const char *an[DNS_CHAIN_MAX + 1];

	/* DNS_CHAIN_MAX CNAMEs: chased */
	for (int i = 0; i < DNS_CHAIN_MAX; i++) {
		if (i + 1 < DNS_CHAIN_MAX)
			snprintf(rr[i], sizeof(rr[i]), "c%d.corp.example. 60 IN CNAME c%d.corp.example.",
				 i, i + 1);
		else
			snprintf(rr[i], sizeof(rr[i]), "c%d.corp.example. 60 IN CNAME x.lab.example.", i);
		an[i] = rr[i];
	}
	assert_int_equal(ask(e, 1, "c0.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, DNS_CHAIN_MAX, NULL, T0 + MS);
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_NOERROR);
	assert_int_equal(dns_read_u16(e->io.answers[0].pkt + 6), DNS_CHAIN_MAX + 1);
	/* one more: SERVFAIL */
	for (int i = 0; i <= DNS_CHAIN_MAX; i++) {
		if (i < DNS_CHAIN_MAX)
			snprintf(rr[i], sizeof(rr[i]), "d%d.corp.example. 60 IN CNAME d%d.corp.example.",
				 i, i + 1);
		else
			snprintf(rr[i], sizeof(rr[i]), "d%d.corp.example. 60 IN CNAME x.lab.example.", i);
		an[i] = rr[i];
	}
	assert_int_equal(ask(e, 2, "d0.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, DNS_CHAIN_MAX + 1, NULL, T0 + MS);
	assert_int_equal(e->io.n_answers, 2);
	assert_int_equal(rcode_of(e->io.answers[1].pkt), DNS_RCODE_SERVFAIL);
	assert_int_equal(fwd_core_stats(e->core)->chase_servfail, 1);
	env_free(e);
}

static void
test_chase_leg_timeout_servfail(void **state)
{
	struct env *e = env_new();
	static const char *const an[] = { "a.corp.example. 300 IN CNAME b.cloud.example." };

	assert_int_equal(ask(e, 3, "a.corp.example", T0), 0);
	reply_rrs(e, DNS_RCODE_NOERROR, an, 1, NULL, T0 + MS);
	for (int i = 0; i < 10 && fwd_core_next_deadline(e->core); i++)
		fwd_core_expire(e->core, fwd_core_next_deadline(e->core));
	assert_int_equal(e->io.n_answers, 1);
	assert_int_equal(rcode_of(e->io.answers[0].pkt), DNS_RCODE_SERVFAIL);
	assert_int_equal(fwd_core_inflight(e->core), 0);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chase_cname_into_other_forward_rule),
		cmocka_unit_test(test_chase_into_local_zone_and_internet),
		cmocka_unit_test(test_chase_target_nxdomain_keeps_chain),
		cmocka_unit_test(test_chase_not_taken_same_rule_or_complete),
		cmocka_unit_test(test_chase_loop_servfail),
		cmocka_unit_test(test_chase_from_local_zone_into_forward_rule),
		cmocka_unit_test(test_chase_length_limit),
		cmocka_unit_test(test_chase_leg_timeout_servfail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
