#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hugepage.h"
#include "common/rand.h"
#include "common/trace.h"
#include "dns/cache.h"
#include "dns/chain.h"
#include "dns/msg.h"
#include "dns/names.h"
#include "dns/qkey.h"
#include "dns/qtab.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"
#include "forwarder/core_int.h"


const double fwd_latency_bounds_ms[FWD_LAT_BUCKETS - 1] = {
	0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 3000,
};

/* ------------------------------------------------------------ set-up */

int
fwd_core_new(const struct fwd_config *cfg, const struct fwd_io_ops *ops, void *io_arg,
	     uint64_t seed, struct fwd_core **out)
{
	struct fwd_core *c = calloc(1, sizeof(*c));
	uint32_t n = cfg->table_size ? cfg->table_size : FWD_DEFAULT_TABLE;

	if (!c)
		return HNS_ENOMEM;
	if (n > DNS_QTAB_MAX)
		n = DNS_QTAB_MAX;
	c->cfg = cfg;
	c->ops = *ops;
	c->io_arg = io_arg;
	hns_prng_seed(&c->prng, seed);
	if (dns_qtab_new(n, 2 * n, &c->tab) < 0)
		goto fail;
	c->slots = hns_calloc_huge(n, sizeof(*c->slots));
	c->waiters = calloc(2 * n, sizeof(*c->waiters));
	c->rule_class = calloc(cfg->n_rules + 1, sizeof(*c->rule_class));
	c->rr_next = calloc(cfg->n_rules + 1, sizeof(*c->rr_next));
	c->rstats = calloc(cfg->n_rules + 1, sizeof(*c->rstats));
	if (!c->slots || !c->waiters || !c->rule_class || !c->rr_next || !c->rstats)
		goto fail;
	if (cfg->cache.enabled && dns_cache_new(&cfg->cache, &c->cache) < 0)
		goto fail;
	if (fwd_chase_new(c) < 0)
		goto fail;
	for (size_t i = 0; i <= cfg->n_rules; i++) {
		const struct fwd_rule *r = i < cfg->n_rules ? &cfg->rules[i] : &cfg->deflt;

		c->rule_class[i] = (uint8_t)dns_qtab_class(c->tab, r->timeout_ms, r->overall_ms);
	}
	*out = c;
	return 0;
fail:
	fwd_core_free(c);
	return HNS_ENOMEM;
}

void
fwd_core_free(struct fwd_core *c)
{
	if (!c)
		return;
	fwd_chase_free(c);
	dns_cache_free(c->cache);
	dns_qtab_free(c->tab);
	free(c->slots);
	free(c->waiters);
	free(c->rule_class);
	free(c->rr_next);
	free(c->rstats);
	free(c);
}

hns_time_t
fwd_core_next_deadline(const struct fwd_core *c)
{
	return dns_qtab_next_deadline(c->tab);
}

/* ------------------------------------------------------------ slots */

/* What fits back to a client: TCP 65535, UDP its EDNS buffer (512 to FWD_UDP_ANSWER_MAX). */
static size_t
client_max(const struct fwd_client *cl, const struct dns_query *q)
{
	if (cl->conn)
		return 65535;
	if (q->has_edns && q->edns_udp_size > FWD_UDP_ANSWER_MAX)
		return FWD_UDP_ANSWER_MAX;
	if (q->has_edns && q->edns_udp_size > 512)
		return q->edns_udp_size;
	return 512;
}

static bool
waiter_add(struct fwd_core *c, uint32_t s, const struct fwd_client *cl, const struct dns_query *q)
{
	uint32_t w = dns_qtab_waiter_add(c->tab, s);

	if (w == NIL)
		return false;

	struct waiter *wt = &c->waiters[w];

	wt->cl = *cl;
	wt->id = q->hdr.id;
	wt->edns = q->has_edns;
	wt->do_bit = q->edns_do;
	wt->chase = 0;
	wt->max_len = (uint16_t)client_max(cl, q);
	memcpy(wt->name, q->q.name, q->q.name_len);
	return true;
}

bool
fwd_waiter_add(struct fwd_core *c, uint32_t s, const struct fwd_client *cl, const struct dns_query *q)
{
	return waiter_add(c, s, cl, q);
}

/* ------------------------------------------------------------ upstreams */

static bool
up_available(struct fwd_core *c, unsigned u, hns_time_t now)
{
	return !c->up[u].down || now >= c->up[u].next_probe;
}

/* Choose the position in the rule's list for the next try. */
static unsigned
pick(struct fwd_core *c, uint32_t s, const struct fwd_rule *r, hns_time_t now)
{
	const struct slot *sl = &c->slots[s];
	unsigned n = r->n_upstreams, start;

	if (n == 1)
		return 0;
	if (r->policy == FWD_POLICY_RANDOM)
		start = hns_prng_below(&c->prng, n);
	else if (c->tab->slots[s].tries == 0)
		start = r->policy == FWD_POLICY_ROUND_ROBIN ? c->rr_next[sl->rule]++ % n : 0;
	else
		start = (sl->pos + 1u) % n;

	/* Prefer healthy and untried, then healthy, then untried, then whatever. */
	for (int pass = 0; pass < 3; pass++)
		for (unsigned k = 0; k < n; k++) {
			unsigned p = (start + k) % n;
			bool avail = up_available(c, r->upstreams[p], now);
			bool untried = !(sl->tried & (1u << p));

			if ((pass == 0 && avail && untried) || (pass == 1 && avail) ||
			    (pass == 2 && untried))
				return p;
		}
	return start;
}

static void
up_timeout(struct fwd_core *c, unsigned u, hns_time_t now)
{
	struct upstate *st = &c->up[u];

	c->ustats[u].timeouts++;
	st->good = 0;
	if (st->down) {
		st->next_probe = now + (hns_time_t)c->cfg->probe_ms * HNS_NSEC_PER_MSEC;
		return;
	}
	if (++st->fails >= c->cfg->fail_threshold) {
		st->down = true;
		st->next_probe = now + (hns_time_t)c->cfg->probe_ms * HNS_NSEC_PER_MSEC;
		c->ustats[u].went_down++;
	}
}

static void
up_good(struct fwd_core *c, unsigned u)
{
	struct upstate *st = &c->up[u];

	st->fails = 0;
	if (st->down && ++st->good >= c->cfg->rise) {
		st->down = false;
		st->good = 0;
		c->ustats[u].came_up++;
	}
}

static const char *
policy_name(enum fwd_policy p)
{
	return p == FWD_POLICY_ROUND_ROBIN ? "round_robin" : p == FWD_POLICY_RANDOM ? "random" : "sequential";
}

void
fwd_slot_send(struct fwd_core *c, uint32_t s, hns_time_t now)
{
	struct slot *sl = &c->slots[s];
	const struct dns_qtab_slot *ts = &c->tab->slots[s];
	const struct fwd_rule *r = fwd_rule_at(c, sl->rule);
	unsigned p = pick(c, s, r, now);
	unsigned u = r->upstreams[p];
	struct upstate *st = &c->up[u];
	size_t len;

	if (st->down) /* this try is the probe */
		st->next_probe = now + (hns_time_t)c->cfg->probe_ms * HNS_NSEC_PER_MSEC;
	sl->pos = (uint8_t)p;
	sl->tried |= (uint16_t)(1u << p);
	dns_qtab_try(c->tab, s, now);
	len = dns_msg_build_query(ts->id, sl->q.name, sl->q.name_len, sl->q.qtype, sl->q.qclass,
				  ts->key.flags & DNS_QKEY_EDNS, c->cfg->edns_size,
				  ts->key.flags & DNS_QKEY_DO, c->scratch2, sizeof(c->scratch2));
	c->ustats[u].sent++;
	hns_trace(c->cfg->hop, "%s, %s, try %u of %u -> %s%s", r->name, policy_name(r->policy),
		  ts->tries, r->attempts, c->cfg->upstreams[u].label, st->down ? " (probe)" : "");
	if (len)
		c->ops.send(c->io_arg, u, sl->sock, sl->tcp, c->scratch2, len);
}

/* ------------------------------------------------------------ answers */

static void
latency_note(struct fwd_core *c, hns_time_t start, hns_time_t now)
{
	double ms = hns_time_ms(now > start ? now - start : 0);
	unsigned b = 0;

	while (b < FWD_LAT_BUCKETS - 1 && ms > fwd_latency_bounds_ms[b])
		b++;
	c->stats.latency[b]++;
}

/*
 * Copy an answer for one client into out: its ID, its qname spelling, and
 * TC when it does not fit.  src must not be out.
 */
static size_t
answer_fit(const uint8_t *src, size_t len, uint16_t id, const uint8_t *name, size_t name_len,
	   bool edns, size_t max_len, uint8_t *out, size_t cap)
{
	if (len > max_len || len > cap) {
		size_t lim = max_len < cap ? max_len : cap;
		size_t n = dns_msg_truncate(src, len, edns, (uint16_t)(max_len > 65535 ? 65535 : max_len),
					    out, lim);

		if (!n)
			return 0;
		len = n;
	} else {
		memcpy(out, src, len);
	}
	dns_msg_set_id(out, id);
	/* Most clients ask in the case the answer already has: skip the rewrite then. */
	if (len < DNS_HEADER_LEN + name_len || memcmp(out + DNS_HEADER_LEN, name, name_len) != 0)
		dns_msg_set_qname_case(out, len, name, name_len);
	return len;
}

/* Header and question only: an error answer to a waiter (or a client). */
static size_t
build_rcode(uint16_t id, uint16_t qflags, const uint8_t *name, size_t name_len, uint16_t qtype,
	    uint16_t qclass, bool edns, bool do_bit, uint8_t rcode, uint8_t *out, size_t cap)
{
	struct dns_header h = {
		.id = id,
		.flags = (uint16_t)(DNS_FLAG_QR | (qflags & (DNS_FLAG_RD | DNS_FLAG_CD)) | DNS_FLAG_RA |
				    rcode),
		.qdcount = 1,
	};
	size_t len = DNS_HEADER_LEN + name_len + 4;

	if (cap < len)
		return 0;
	dns_header_write(out, &h);
	memcpy(out + DNS_HEADER_LEN, name, name_len);
	dns_write_u16(out + DNS_HEADER_LEN + name_len, qtype);
	dns_write_u16(out + DNS_HEADER_LEN + name_len + 2, qclass);
	if (edns)
		len = dns_append_opt(out, len, cap, FWD_DEFAULT_EDNS_SIZE, do_bit);
	return len;
}

/* Give every waiter of slot s the answer pkt (or, when pkt is NULL, rcode). */
void
fwd_slot_answer(struct fwd_core *c, uint32_t s, const uint8_t *pkt, size_t len, uint8_t rcode,
	    hns_time_t now)
{
	struct slot *sl = &c->slots[s];

	const struct dns_qtab_slot *ts = &c->tab->slots[s];

	for (uint32_t w = ts->waiters; w != NIL; w = c->tab->wnext[w]) {
		const struct waiter *wt = &c->waiters[w];
		size_t n;

		if (__builtin_expect(wt->chase, 0)) {
			fwd_chase_leg_done(c, wt->chase - 1u, pkt, len);
			continue;
		}
		if (pkt)
			n = answer_fit(pkt, len, wt->id, wt->name, sl->q.name_len, wt->edns,
				       wt->max_len, c->scratch2, sizeof(c->scratch2));
		else
			n = build_rcode(wt->id, DNS_FLAG_RD, wt->name, sl->q.name_len, sl->q.qtype,
					sl->q.qclass, wt->edns, wt->do_bit, rcode, c->scratch2,
					sizeof(c->scratch2));
		if (n)
			c->ops.answer(c->io_arg, &wt->cl, c->scratch2, n);
		latency_note(c, ts->start, now);
	}
}

/* Every try failed: serve stale when allowed, else SERVFAIL; free the slot. */
static void
slot_fail(struct fwd_core *c, uint32_t s, hns_time_t now)
{
	struct slot *sl = &c->slots[s];
	size_t len;

	if (c->cache && c->cfg->cache.serve_stale &&
	    dns_cache_lookup(c->cache, &c->tab->slots[s].key, now, true, c->scratch,
			     sizeof(c->scratch), &len) != DNS_CACHE_MISS) {
		c->rstats[sl->rule].stale_answers++;
		hns_trace(c->cfg->hop, "every try failed: a stale answer from the cache (RFC 8767)");
		fwd_slot_answer(c, s, c->scratch, len, 0, now);
	} else {
		c->rstats[sl->rule].servfail++;
		hns_trace(c->cfg->hop, "every try failed: SERVFAIL to the client");
		fwd_slot_answer(c, s, NULL, 0, DNS_RCODE_SERVFAIL, now);
	}
	dns_qtab_release(c->tab, s);
}

static bool
slot_can_retry(const struct fwd_core *c, uint32_t s, hns_time_t now)
{
	const struct fwd_rule *r = fwd_rule_at(c, c->slots[s].rule);

	return dns_qtab_can_retry(c->tab, s, r->attempts, r->overall_ms, now);
}

void
fwd_core_expire(struct fwd_core *c, hns_time_t now)
{
	/* Bounded: each slot is handled at most once per call (re-armed ones lie in the future). */
	uint32_t budget = c->tab->n_slots;
	uint32_t s;

	while (budget-- && (s = dns_qtab_expired(c->tab, now)) != NIL) {
		struct slot *sl = &c->slots[s];
		const struct fwd_rule *r = fwd_rule_at(c, sl->rule);

		up_timeout(c, r->upstreams[sl->pos], now);
		hns_trace(c->cfg->hop, "no answer from %s within %u ms%s",
			  c->cfg->upstreams[r->upstreams[sl->pos]].label, r->timeout_ms,
			  c->up[r->upstreams[sl->pos]].down ? ": upstream marked down" : "");
		if (slot_can_retry(c, s, now)) {
			sl->tcp = false;
			fwd_slot_send(c, s, now);
		} else {
			slot_fail(c, s, now);
		}
	}
	if (fwd_chase_pending(c))
		fwd_chase_run(c, now);
}

/* ------------------------------------------------------------ local zones */

static const struct fwd_rrset *
local_find(const struct fwd_local_zone *z, const uint8_t *name, size_t len, uint16_t type,
	   bool *owner_exists)
{
	const struct fwd_rrset *hit = NULL;

	for (size_t i = 0; i < z->n_sets; i++) {
		const struct fwd_rrset *s = &z->sets[i];

		if (s->owner_len == len && memcmp(s->owner, name, len) == 0) {
			*owner_exists = true;
			if (s->type == type)
				hit = s;
			else if (s->type == DNS_TYPE_CNAME && !hit)
				hit = s;
		}
	}
	return hit;
}

static bool
local_name_exists(const struct fwd_local_zone *z, const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < z->n_sets; i++)
		if (dns_name_is_subdomain(z->sets[i].owner, z->sets[i].owner_len, name, len))
			return true;
	return false;
}

static size_t
put_rrs(const struct fwd_rrset *s, uint8_t *out, size_t len, size_t cap, uint16_t *count)
{
	size_t off = 0;

	while (off + 10 <= s->tails_len) {
		size_t rr = 10 + dns_read_u16(s->tails + off + 8);

		if (len + 2 + rr > cap)
			return 0;
		out[len] = 0xc0; /* owner: the question name */
		out[len + 1] = DNS_HEADER_LEN;
		memcpy(out + len + 2, s->tails + off, rr);
		len += 2 + rr;
		off += rr;
		(*count)++;
	}
	return len;
}

/* Answer from a local zone into out (the client's question echoed). */
size_t
fwd_local_answer(const struct fwd_rule *r, const uint8_t *pkt, const struct dns_query *q,
	     uint8_t *out, size_t cap)
{
	const struct fwd_local_zone *z = &r->local;
	uint8_t name[DNS_NAME_MAX];
	size_t nlen = q->q.name_len;
	bool exists = false;
	const struct fwd_rrset *set;
	uint16_t ancount = 0, nscount = 0;
	uint8_t rcode = DNS_RCODE_NOERROR;
	size_t len = q->question_end;

	memcpy(name, q->q.name, nlen);
	dns_name_lower(name, nlen);
	if (len > cap)
		return 0;
	memcpy(out, pkt, len);
	set = local_find(z, name, nlen, q->q.qtype, &exists);
	if (!set && !exists) {
		/* Wildcards: *.<ancestor>, up to the closest ancestor that exists. */
		size_t off = 0;

		while (name[off] && off + name[off] + 1 < nlen) {
			off += name[off] + 1u;
			uint8_t wild[DNS_NAME_MAX];
			size_t wlen = 2 + (nlen - off);
			bool wexists = false;

			if (!dns_name_is_subdomain(name + off, nlen - off, r->zone, r->zone_len) ||
			    wlen > DNS_NAME_MAX)
				break;
			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, name + off, nlen - off);
			set = local_find(z, wild, wlen, q->q.qtype, &wexists);
			if (wexists) {
				exists = true;
				break;
			}
			if (local_name_exists(z, name + off, nlen - off))
				break;
		}
	}
	if (set) {
		len = put_rrs(set, out, len, cap, &ancount);
		if (!len)
			return 0;
	} else {
		if (!exists && !local_name_exists(z, name, nlen))
			rcode = DNS_RCODE_NXDOMAIN;
		if (len + r->zone_len + z->soa_tail_len > cap)
			return 0;
		memcpy(out + len, r->zone, r->zone_len);
		memcpy(out + len + r->zone_len, z->soa_tail, z->soa_tail_len);
		dns_write_u32(out + len + r->zone_len + 4, z->neg_ttl);
		len += r->zone_len + z->soa_tail_len;
		nscount = 1;
	}

	struct dns_header h = {
		.id = q->hdr.id,
		.flags = (uint16_t)(DNS_FLAG_QR | DNS_FLAG_AA | (q->hdr.flags & DNS_FLAG_RD) |
				    DNS_FLAG_RA | rcode),
		.qdcount = 1,
		.ancount = ancount,
		.nscount = nscount,
	};

	dns_header_write(out, &h);
	if (q->has_edns)
		len = dns_append_opt(out, len, cap, FWD_DEFAULT_EDNS_SIZE, q->edns_do);
	return len;
}

/* ------------------------------------------------------------ queries */

static size_t
answer_rcode(struct fwd_core *c, unsigned ri, const uint8_t *pkt, const struct dns_query *q,
	     uint8_t rcode, uint8_t *out, size_t cap)
{
	if (rcode == DNS_RCODE_REFUSED)
		c->rstats[ri].refused++;
	return dns_build_error(pkt, q, rcode, out, cap);
}

/* A query under a local zone (kept out of fwd_core_query: the forwarding path stays lean). */
static __attribute__((noinline)) size_t
query_local(struct fwd_core *c, const struct fwd_client *cl, const struct fwd_rule *r, unsigned ri,
	    const uint8_t *pkt, const struct dns_query *q, const struct dns_qkey *key, hns_time_t now,
	    uint8_t *out, size_t cap)
{
	size_t n;

	hns_trace(c->cfg->hop, "%s: answered from the local zone", r->name);
	c->rstats[ri].local_answers++;
	c->stats.latency[0]++;
	n = fwd_local_answer(r, pkt, q, c->scratch, sizeof(c->scratch));
	if (!n)
		return answer_rcode(c, ri, pkt, q, DNS_RCODE_SERVFAIL, out, cap);
	/* a CNAME of the zone may lead under another rule (chase.c) */
	if (__builtin_expect(dns_chain_first_is_cname(c->scratch, n, q->q.name_len), 0) &&
	    fwd_chase_local(c, cl, q, key, ri, c->scratch, n, now)) {
		if (fwd_chase_pending(c))
			fwd_chase_run(c, now);
		return 0;
	}
	return answer_fit(c->scratch, n, q->hdr.id, q->q.name, q->q.name_len, q->has_edns,
			  client_max(cl, q), out, cap);
}

size_t
fwd_core_query(struct fwd_core *c, const struct fwd_client *cl, const uint8_t *pkt, size_t len,
	       hns_time_t now, uint8_t *out, size_t cap)
{
	struct dns_query q;
	int rc = dns_query_parse(pkt, len, &q);

	c->stats.queries++;
	if (rc < 0) {
		if (len < DNS_HEADER_LEN || (q.hdr.flags & DNS_FLAG_QR)) {
			c->stats.dropped_queries++;
			return 0;
		}
		c->stats.formerr++;
		return dns_build_formerr(&q.hdr, out, cap);
	}
	if (q.hdr.flags & DNS_FLAG_QR) {
		c->stats.dropped_queries++;
		return 0;
	}
	if (DNS_OPCODE(q.hdr.flags) != 0) {
		c->stats.notimp++;
		return dns_build_error(pkt, &q, DNS_RCODE_NOTIMP, out, cap);
	}

	struct dns_qkey key; /* its lower-cased name also picks the rule */

	dns_qkey_make(&key, &q.q, q.has_edns, q.edns_do, 0);

	const struct fwd_rule *r = fwd_config_match_lower(c->cfg, key.name, key.name_len);
	unsigned ri = r == &c->cfg->deflt ? (unsigned)c->cfg->n_rules : (unsigned)(r - c->cfg->rules);
	size_t maxlen = client_max(cl, &q);
	size_t n;

	c->rstats[ri].queries++;
	if (r->kind == FWD_RULE_REFUSE) {
		hns_trace(c->cfg->hop, "%s: REFUSED", r->name);
		return answer_rcode(c, ri, pkt, &q, DNS_RCODE_REFUSED, out, cap);
	}
	if (r->kind == FWD_RULE_LOCAL)
		return query_local(c, cl, r, ri, pkt, &q, &key, now, out, cap);

	if (c->cache && dns_cache_lookup(c->cache, &key, now, false, c->scratch, sizeof(c->scratch),
					 &n) == DNS_CACHE_HIT) {
		hns_trace(c->cfg->hop, "%s: cache hit", r->name);
		c->rstats[ri].cache_hits++;
		c->stats.latency[0]++;
		return answer_fit(c->scratch, n, q.hdr.id, q.q.name, q.q.name_len, q.has_edns,
				  maxlen, out, cap);
	}

	uint32_t s = dns_qtab_find(c->tab, &key);

	if (s != NIL) {
		if (!waiter_add(c, s, cl, &q)) {
			c->stats.table_full++;
			return answer_rcode(c, ri, pkt, &q, DNS_RCODE_REFUSED, out, cap);
		}
		hns_trace(c->cfg->hop, "%s: joins the same query in flight", r->name);
		c->rstats[ri].coalesced++;
		return 0;
	}
	s = dns_qtab_take(c->tab, &key, c->rule_class[ri], now);
	if (s == NIL || !waiter_add(c, s, cl, &q)) {
		if (s != NIL)
			dns_qtab_release(c->tab, s);
		c->stats.table_full++;
		return answer_rcode(c, ri, pkt, &q, DNS_RCODE_REFUSED, out, cap);
	}

	struct slot *sl = &c->slots[s];

	memset(sl, 0, offsetof(struct slot, q));
	sl->rule = (uint16_t)ri;
	sl->sock = (uint8_t)(c->cfg->upstream_socks > 1
				     ? hns_prng_below(&c->prng, c->cfg->upstream_socks)
				     : 0);
	sl->q = q.q;
	memcpy(sl->q.name, key.name, key.name_len); /* lower-cased */
	c->rstats[ri].forwarded++;
	fwd_slot_send(c, s, now);
	return 0;
}

/* ------------------------------------------------------------ replies */

static bool
addr_port_equal(const struct hns_addr *a, const struct hns_addr *b)
{
	return a->port == b->port && hns_addr_equal(a, b);
}

/* A NOERROR answer whose first record is a CNAME: chased (chase.c), or answered as it is. */
static __attribute__((noinline)) void
reply_cname(struct fwd_core *c, uint32_t s, const uint8_t *pkt, size_t len, hns_time_t now)
{
	if (!fwd_chase_start(c, s, pkt, len, now)) {
		hns_trace(c->cfg->hop, "the CNAME stays as it came -> client");
		fwd_slot_answer(c, s, pkt, len, 0, now);
		if (c->cache)
			dns_cache_insert(c->cache, &c->tab->slots[s].key, pkt, len, now);
		dns_qtab_release(c->tab, s);
	}
	if (fwd_chase_pending(c))
		fwd_chase_run(c, now);
}

void
fwd_core_reply(struct fwd_core *c, const struct hns_addr *from, unsigned sock, bool tcp,
	       const uint8_t *pkt, size_t len, hns_time_t now)
{
	if (len < DNS_HEADER_LEN || !(dns_read_u16(pkt + 2) & DNS_FLAG_QR)) {
		c->stats.drop_malformed++;
		return;
	}

	uint32_t s = dns_qtab_by_id(c->tab, dns_read_u16(pkt));

	if (s == NIL) {
		c->stats.drop_unknown_id++;
		return;
	}

	struct slot *sl = &c->slots[s];
	const struct dns_qtab_slot *ts = &c->tab->slots[s];
	const struct fwd_rule *r = fwd_rule_at(c, sl->rule);

	if (__builtin_expect(sl->chase, 0)) {
		c->stats.drop_unknown_id++; /* answered already: its chase goes on elsewhere */
		return;
	}
	if (tcp != sl->tcp || (!tcp && sock != sl->sock)) {
		c->stats.drop_wrong_socket++;
		return;
	}

	/* From an upstream this slot was sent to? */
	int pos = -1;

	for (unsigned p = 0; p < r->n_upstreams; p++)
		if ((sl->tried & (1u << p)) &&
		    addr_port_equal(from, &c->cfg->upstreams[r->upstreams[p]].real)) {
			pos = (int)p;
			break;
		}
	if (pos < 0) {
		c->stats.drop_wrong_source++;
		return;
	}
	if (!dns_msg_question_matches(pkt, len, &sl->q)) {
		c->stats.drop_wrong_question++;
		return;
	}

	unsigned u = r->upstreams[pos];
	uint16_t flags = dns_read_u16(pkt + 2);
	uint8_t rcode = DNS_RCODE(flags);

	c->ustats[u].answers++;
	if ((flags & DNS_FLAG_TC) && !tcp) {
		/* Same upstream, same ID, over TCP. */
		sl->tcp = true;
		sl->pos = (uint8_t)pos;
		c->ustats[u].tcp_retries++;
		len = dns_msg_build_query(ts->id, sl->q.name, sl->q.name_len, sl->q.qtype,
					  sl->q.qclass, ts->key.flags & DNS_QKEY_EDNS, c->cfg->edns_size,
					  ts->key.flags & DNS_QKEY_DO, c->scratch2, sizeof(c->scratch2));
		dns_qtab_rearm(c->tab, s, now);
		if (len)
			c->ops.send(c->io_arg, u, sl->sock, true, c->scratch2, len);
		return;
	}
	if (rcode == DNS_RCODE_SERVFAIL || rcode == DNS_RCODE_REFUSED) {
		c->ustats[u].servfails++;
		c->up[u].fails = 0; /* it is alive */
		dns_qtab_disarm(c->tab, s);
		if (slot_can_retry(c, s, now)) {
			sl->pos = (uint8_t)pos;
			sl->tcp = false;
			fwd_slot_send(c, s, now);
			return;
		}
		if (c->cache && c->cfg->cache.serve_stale) {
			slot_fail(c, s, now);
			if (fwd_chase_pending(c))
				fwd_chase_run(c, now);
			return;
		}
	} else {
		up_good(c, u);
	}
	c->rstats[sl->rule].answered_upstream++;
	if (hns_trace_enabled) {
		struct dns_answer_info ai;
		bool cache = c->cache && rcode != DNS_RCODE_SERVFAIL && rcode != DNS_RCODE_REFUSED;
		/* a CNAME first may be chased before anything goes to the client (chase.c) */
		bool cname = rcode == DNS_RCODE_NOERROR &&
			     dns_chain_first_is_cname(pkt, len, sl->q.name_len);

		if (dns_answer_info_get(pkt, len, &ai) == 0)
			hns_trace(c->cfg->hop, "answer from %s after %.1f ms: %s, %u record%s%s%u s%s",
				  c->cfg->upstreams[u].label, hns_time_ms(now - ts->start), DNS_RCODE_NAME(ai.rcode),
				  ai.ancount, ai.ancount == 1 ? "" : "s", cache ? ", cached for " : ", not cached, ttl ",
				  ai.ancount ? ai.min_ttl : ai.negative_ttl,
				  cname ? ", a CNAME first" : " -> client");
	}
	/* A CNAME first: the chain may lead under another rule (chase.c). */
	if (__builtin_expect(rcode == DNS_RCODE_NOERROR &&
				     dns_chain_first_is_cname(pkt, len, sl->q.name_len), 0)) {
		reply_cname(c, s, pkt, len, now);
		return;
	}
	fwd_slot_answer(c, s, pkt, len, 0, now);
	if (c->cache && rcode != DNS_RCODE_SERVFAIL && rcode != DNS_RCODE_REFUSED)
		dns_cache_insert(c->cache, &ts->key, pkt, len, now);
	dns_qtab_release(c->tab, s);
	if (fwd_chase_pending(c))
		fwd_chase_run(c, now);
}

/* ------------------------------------------------------------ stats */

size_t
fwd_core_inflight(const struct fwd_core *c)
{
	return c->tab->n_used;
}

bool
fwd_core_upstream_down(const struct fwd_core *c, unsigned i)
{
	return i < FWD_MAX_UPSTREAMS && c->up[i].down;
}

const struct fwd_core_stats *
fwd_core_stats(const struct fwd_core *c)
{
	return &c->stats;
}

const struct fwd_rule_stats *
fwd_core_rule_stats(const struct fwd_core *c)
{
	return c->rstats;
}

const struct fwd_upstream_stats *
fwd_core_upstream_stats(const struct fwd_core *c)
{
	return c->ustats;
}

struct dns_cache *
fwd_core_cache(struct fwd_core *c)
{
	return c->cache;
}
