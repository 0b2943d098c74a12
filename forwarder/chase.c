#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/trace.h"
#include "dns/cache.h"
#include "dns/chain.h"
#include "dns/msg.h"
#include "dns/qkey.h"
#include "forwarder/core_int.h"

/*
 * CNAME chains continued under another rule, as BIND and Unbound do: an
 * upstream's NOERROR answer whose chain ends at a target the answer does
 * not hold, when that target lies under another rule of this forwarder (a
 * forward entry, the default, a local zone), is not sent to the clients
 * yet.  Its slot stays taken (clients asking the same question still join
 * it) and a chase takes over: the target is answered from that rule's
 * local zone or the cache at once, or becomes a question of its own (a
 * slot, or joining the one in flight) whose waiter is the chase instead of
 * a client.  Each leg's answer is appended to the chain (dns_chain_join)
 * and the result looked at again, until it ends: then every waiter of the
 * first slot gets the whole chain, which is cached under its question.
 *
 * Bounded: DNS_CHAIN_MAX CNAMEs from the question on (more, a loop
 * included, is SERVFAIL); a chase never waits for a slot that itself waits
 * for a chase (that would be a loop of legs: SERVFAIL); at most
 * FWD_CHASES chases at once per core (more are answered as they came,
 * counted in chase_full).  Legs come back inside fwd_slot_answer, which
 * only copies them into their chase and marks it ready; the core runs the
 * ready chases when it is done with the packet (fwd_chase_run), so nothing
 * recurses.
 */

#define FWD_CHASES 64
#define CHASE_MSG 4096

struct chase {
	uint32_t slot; /* the question chased for; NIL: free */
	uint16_t rule; /* the rule whose answer is last in msg */
	bool failed;
	uint16_t len;
	uint8_t msg[CHASE_MSG]; /* the answer so far: the first slot's header and question, the chain */
};

struct fwd_chases {
	struct chase e[FWD_CHASES];
	uint8_t ready[FWD_CHASES]; /* a stack of chases whose leg came back (c->chase_ready) */
	uint8_t buf[SCRATCH_LEN]; /* joined answers, queries to local zones */
};

int
fwd_chase_new(struct fwd_core *c)
{
	c->chases = calloc(1, sizeof(*c->chases));
	if (!c->chases)
		return HNS_ENOMEM;
	for (size_t i = 0; i < FWD_CHASES; i++)
		c->chases->e[i].slot = NIL;
	return 0;
}

void
fwd_chase_free(struct fwd_core *c)
{
	free(c->chases);
	c->chases = NULL;
}

/* Append leg to e's answer; false when the result does not parse or fit. */
static bool
chase_append(struct fwd_core *c, struct chase *e, const uint8_t *leg, size_t len)
{
	const struct dns_qtab_slot *ts = &c->tab->slots[e->slot];
	size_t n = dns_chain_join(e->msg, e->len, leg, len, ts->key.flags & DNS_QKEY_EDNS,
				  c->cfg->edns_size, ts->key.flags & DNS_QKEY_DO, c->chases->buf,
				  sizeof(c->chases->buf));

	if (!n || n > sizeof(e->msg))
		return false;
	memcpy(e->msg, c->chases->buf, n);
	/* part of it came from elsewhere: not authoritative (a local zone's AA) */
	dns_write_u16(e->msg + 2, (uint16_t)(dns_read_u16(e->msg + 2) & ~DNS_FLAG_AA));
	e->len = (uint16_t)n;
	return true;
}

void
fwd_chase_leg_done(struct fwd_core *c, unsigned chase, const uint8_t *pkt, size_t len)
{
	struct fwd_chases *cs = c->chases;
	struct chase *e = &cs->e[chase];

	e->failed = !pkt || !chase_append(c, e, pkt, len);
	cs->ready[c->chase_ready++] = (uint8_t)chase;
}

/* The chase is over: the first slot's waiters get e's answer (failed: SERVFAIL). */
static void
chase_finish(struct fwd_core *c, struct chase *e, bool failed, hns_time_t now)
{
	uint32_t s = e->slot;
	struct slot *sl = &c->slots[s];

	sl->chase = 0;
	if (failed) {
		c->stats.chase_servfail++;
		c->rstats[sl->rule].servfail++;
		hns_trace(c->cfg->hop, "CNAME chain too long or looping: SERVFAIL to the client");
		fwd_slot_answer(c, s, NULL, 0, DNS_RCODE_SERVFAIL, now);
	} else {
		hns_trace(c->cfg->hop, "the chain, %u records -> client", dns_read_u16(e->msg + 6));
		fwd_slot_answer(c, s, e->msg, e->len, 0, now);
		if (c->cache && DNS_RCODE(dns_read_u16(e->msg + 2)) != DNS_RCODE_SERVFAIL)
			dns_cache_insert(c->cache, &c->tab->slots[s].key, e->msg, e->len, now);
	}
	dns_qtab_release(c->tab, s);
	e->slot = NIL;
}

/* Target t answered from rule r's local zone, appended to e. */
static bool
chase_local(struct fwd_core *c, struct chase *e, const struct fwd_rule *r, const uint8_t *t,
	    size_t tlen, uint16_t qtype)
{
	struct dns_query q;
	size_t qlen = dns_msg_build_query(0, t, tlen, qtype, DNS_CLASS_IN, false, 0, false,
					  c->chases->buf, sizeof(c->chases->buf));
	size_t n;

	if (!qlen || dns_query_parse(c->chases->buf, qlen, &q) != 0)
		return false;
	n = fwd_local_answer(r, c->chases->buf, &q, c->scratch, sizeof(c->scratch));
	return n && chase_append(c, e, c->scratch, n);
}

/*
 * Ask target t (key k) under rule ri for e: join the same question in
 * flight or take a slot and send.  false: no room, or the slot in flight
 * is itself waiting for a chase (a loop of legs).
 */
static bool
chase_ask(struct fwd_core *c, struct chase *e, const struct dns_qkey *k, unsigned ri,
	  hns_time_t now)
{
	uint32_t s = dns_qtab_find(c->tab, k);
	bool fresh = s == NIL;

	if (!fresh && c->slots[s].chase)
		return false;
	if (fresh)
		s = dns_qtab_take(c->tab, k, c->rule_class[ri], now);
	if (s == NIL)
		return false;

	uint32_t w = dns_qtab_waiter_add(c->tab, s);

	if (w == NIL) {
		if (fresh)
			dns_qtab_release(c->tab, s);
		return false;
	}
	memset(&c->waiters[w], 0, offsetof(struct waiter, name));
	c->waiters[w].chase = (uint8_t)(e - c->chases->e + 1);
	if (!fresh) {
		c->rstats[ri].coalesced++;
		return true;
	}

	struct slot *sl = &c->slots[s];

	memset(sl, 0, offsetof(struct slot, q));
	sl->rule = (uint16_t)ri;
	sl->q.name_len = k->name_len;
	memcpy(sl->q.name, k->name, k->name_len);
	sl->q.qtype = k->qtype;
	sl->q.qclass = k->qclass;
	c->rstats[ri].forwarded++;
	fwd_slot_send(c, s, now);
	return true;
}

/*
 * Look at e's answer: finish it, or take the next leg (at once from a
 * local zone or the cache, looking again; or upstream, returning).
 */
static void
chase_continue(struct fwd_core *c, struct chase *e, hns_time_t now)
{
	for (;;) {
		const struct slot *sl = &c->slots[e->slot];
		const struct dns_qtab_slot *ts = &c->tab->slots[e->slot];
		uint8_t t[DNS_NAME_MAX];
		unsigned n_cnames = 0;
		size_t tlen = dns_chain_dangling(e->msg, e->len, sl->q.name, sl->q.name_len,
						 sl->q.qtype, t, &n_cnames);

		if (!tlen) {
			chase_finish(c, e, false, now);
			return;
		}
		if (n_cnames > DNS_CHAIN_MAX) {
			chase_finish(c, e, true, now);
			return;
		}

		const struct fwd_rule *r = fwd_config_match_lower(c->cfg, t, tlen);
		unsigned ri = fwd_rule_index(c, r);

		if (ri == e->rule || r->kind == FWD_RULE_REFUSE) {
			chase_finish(c, e, false, now); /* that rule's own answer: as it came */
			return;
		}
		c->stats.chase_legs++;
		c->rstats[ri].queries++;
		if (hns_trace_enabled) {
			char name[DNS_NAME_STRLEN];

			if (dns_name_to_str(t, tlen, name, sizeof(name)) != 0)
				name[0] = '\0';
			hns_trace(c->cfg->hop, "CNAME target %s lies under %s: chased there", name,
				  r->name);
		}
		e->rule = (uint16_t)ri;
		if (r->kind == FWD_RULE_LOCAL) {
			c->rstats[ri].local_answers++;
			if (!chase_local(c, e, r, t, tlen, sl->q.qtype)) {
				chase_finish(c, e, true, now);
				return;
			}
			continue;
		}

		struct dns_question q2 = { .name_len = (uint8_t)tlen, .qtype = sl->q.qtype,
					   .qclass = sl->q.qclass };
		struct dns_qkey k;
		size_t n;

		memcpy(q2.name, t, tlen);
		dns_qkey_make(&k, &q2, ts->key.flags & DNS_QKEY_EDNS, ts->key.flags & DNS_QKEY_DO, 0);
		if (c->cache && dns_cache_lookup(c->cache, &k, now, false, c->scratch,
						 sizeof(c->scratch), &n) == DNS_CACHE_HIT) {
			c->rstats[ri].cache_hits++;
			if (!chase_append(c, e, c->scratch, n)) {
				chase_finish(c, e, true, now);
				return;
			}
			continue;
		}
		if (!chase_ask(c, e, &k, ri, now))
			chase_finish(c, e, true, now);
		return;
	}
}

bool
fwd_chase_start(struct fwd_core *c, uint32_t s, const uint8_t *pkt, size_t len, hns_time_t now)
{
	struct slot *sl = &c->slots[s];
	uint8_t t[DNS_NAME_MAX];
	unsigned n_cnames = 0;
	size_t tlen = dns_chain_dangling(pkt, len, sl->q.name, sl->q.name_len, sl->q.qtype, t,
					 &n_cnames);

	if (!tlen)
		return false;

	const struct fwd_rule *r = fwd_config_match_lower(c->cfg, t, tlen);

	if (fwd_rule_index(c, r) == sl->rule || r->kind == FWD_RULE_REFUSE)
		return false;

	struct chase *e = NULL;

	for (size_t i = 0; i < FWD_CHASES && !e; i++)
		if (c->chases->e[i].slot == NIL)
			e = &c->chases->e[i];
	if (!e || len > sizeof(e->msg)) {
		c->stats.chase_full++;
		return false;
	}
	e->slot = s;
	e->rule = sl->rule;
	e->failed = false;
	e->len = (uint16_t)len;
	memcpy(e->msg, pkt, len);
	sl->chase = (uint8_t)(e - c->chases->e + 1);
	dns_qtab_disarm(c->tab, s);
	chase_continue(c, e, now);
	return true;
}

bool
fwd_chase_local(struct fwd_core *c, const struct fwd_client *cl, const struct dns_query *q,
		const struct dns_qkey *k, unsigned ri, const uint8_t *pkt, size_t len, hns_time_t now)
{
	uint8_t t[DNS_NAME_MAX];
	unsigned n_cnames = 0;
	size_t tlen = dns_chain_dangling(pkt, len, k->name, k->name_len, k->qtype, t, &n_cnames);

	if (!tlen)
		return false;

	const struct fwd_rule *r = fwd_config_match_lower(c->cfg, t, tlen);

	if (fwd_rule_index(c, r) == ri || r->kind == FWD_RULE_REFUSE ||
	    dns_qtab_find(c->tab, k) != NIL)
		return false; /* (the same question chased already: rare, answered as it stands) */

	uint32_t s = dns_qtab_take(c->tab, k, c->rule_class[ri], now);

	if (s == NIL)
		return false;
	if (!fwd_waiter_add(c, s, cl, q)) {
		dns_qtab_release(c->tab, s);
		return false;
	}

	struct slot *sl = &c->slots[s];

	memset(sl, 0, offsetof(struct slot, q));
	sl->rule = (uint16_t)ri;
	sl->q = q->q;
	memcpy(sl->q.name, k->name, k->name_len); /* lower-cased */
	if (fwd_chase_start(c, s, pkt, len, now))
		return true;
	dns_qtab_release(c->tab, s);
	return false;
}

void
fwd_chase_run(struct fwd_core *c, hns_time_t now)
{
	struct fwd_chases *cs = c->chases;

	while (c->chase_ready) {
		struct chase *e = &cs->e[cs->ready[--c->chase_ready]];

		if (e->failed)
			chase_finish(c, e, true, now);
		else
			chase_continue(c, e, now);
	}
}
