#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/rand.h"
#include "dns/cache.h"
#include "dns/msg.h"
#include "dns/qkey.h"
#include "dns/qtab.h"
#include "dns/wire.h"
#include "model/model.h"
#include "resolver/internal.h"
#include "resolver/outbound.h"

#define NIL DNS_QTAB_NIL
#define OB_EDNS_SIZE 1232 /* advertised to the rule's targets */
#define OB_WIRE_MAX 4096  /* largest answer cached */

/* What the engine adds to a query-table slot (by slot index). */
struct ob_slot {
	const struct model_rule *rule;
	int last_target;
};

struct rslv_ob {
	const struct model_rule *rules;
	struct rslv_ob_cfg cfg;
	struct rslv_ob_ops ops;
	void *arg;
	struct hns_prng prng;
	struct dns_qtab *tab;
	struct ob_slot *slots;	    /* [cfg.slots] */
	struct rslv_client *waiters; /* [cfg.slots * cfg.waiters], by waiter index */
	unsigned tclass;
	struct dns_cache *cache;
	struct rslv_ob_stats stats;
	uint8_t buf[RSLV_MSG_MAX];
};

int
rslv_ob_new(const struct model_rule *rules, const struct rslv_ob_cfg *cfg,
	    const struct rslv_ob_ops *ops, void *arg, uint64_t seed, struct rslv_ob **out)
{
	struct rslv_ob *ob = calloc(1, sizeof(*ob));
	/* as the answers came: no clamps, no ceiling on negative TTLs, any size up to 4096 */
	struct dns_cache_cfg cc = {
		.enabled = true,
		.max_entries = cfg->cache_entries ? cfg->cache_entries : RSLV_OB_CACHE,
		.max_ttl = UINT32_MAX - 1,
		.negative_max_ttl = UINT32_MAX - 1,
		.wire_max = OB_WIRE_MAX,
		.keep_ttls = true,
	};

	if (!ob)
		return HNS_ENOMEM;
	ob->rules = rules;
	ob->cfg = *cfg;
	if (!ob->cfg.slots)
		ob->cfg.slots = RSLV_OB_SLOTS;
	if (ob->cfg.slots > DNS_QTAB_MAX)
		ob->cfg.slots = DNS_QTAB_MAX;
	if (!ob->cfg.waiters)
		ob->cfg.waiters = RSLV_OB_WAITERS;
	ob->ops = *ops;
	ob->arg = arg;
	hns_prng_seed(&ob->prng, seed);
	if (dns_qtab_new(ob->cfg.slots, ob->cfg.slots * ob->cfg.waiters, &ob->tab) < 0 ||
	    dns_cache_new(&cc, &ob->cache) < 0)
		goto fail;
	ob->slots = calloc(ob->cfg.slots, sizeof(*ob->slots));
	ob->waiters = calloc((size_t)ob->cfg.slots * ob->cfg.waiters, sizeof(*ob->waiters));
	if (!ob->slots || !ob->waiters)
		goto fail;
	ob->tclass = dns_qtab_class(ob->tab, ob->cfg.timeout_ms, 0);
	*out = ob;
	return 0;
fail:
	rslv_ob_free(ob);
	return HNS_ENOMEM;
}

static void
slot_release(struct rslv_ob *ob, uint32_t s)
{
	dns_qtab_release(ob->tab, s);
	ob->slots[s].rule = NULL;
}

void
rslv_ob_free(struct rslv_ob *ob)
{
	if (!ob)
		return;
	for (uint32_t s = 0; ob->tab && ob->slots && s < ob->tab->n_slots; s++) {
		if (!ob->tab->slots[s].used)
			continue;
		for (uint32_t w = ob->tab->slots[s].waiters; w != NIL; w = ob->tab->wnext[w])
			ob->ops.drop(ob->arg, &ob->waiters[w]);
		slot_release(ob, s);
	}
	dns_qtab_free(ob->tab);
	dns_cache_free(ob->cache);
	free(ob->slots);
	free(ob->waiters);
	free(ob);
}

static uint32_t
rule_tag(const struct rslv_ob *ob, const struct model_rule *r)
{
	return (uint32_t)(r - ob->rules) + 1;
}

/* Every try failed: SERVFAIL to each waiter, the slot freed. */
static void
slot_fail(struct rslv_ob *ob, uint32_t s)
{
	const struct dns_qtab_slot *ts = &ob->tab->slots[s];

	ob->stats.servfail++;
	for (uint32_t w = ts->waiters; w != NIL; w = ob->tab->wnext[w])
		ob->ops.fail(ob->arg, &ob->waiters[w], ob->slots[s].rule, ts->key.qtype);
	slot_release(ob, s);
}

/* Send the next try (a random target, not the last one when there are several), or fail. */
static void
slot_try(struct rslv_ob *ob, uint32_t s, hns_time_t now)
{
	struct ob_slot *sl = &ob->slots[s];
	const struct dns_qtab_slot *ts = &ob->tab->slots[s];
	const struct model_rule *r = sl->rule;
	uint32_t n = (uint32_t)r->n_targets;

	while (ts->tries < ob->cfg.tries && n) {
		int t = (int)hns_prng_below(&ob->prng, n);

		if (n > 1 && t == sl->last_target)
			t = (t + 1 + (int)hns_prng_below(&ob->prng, n - 1)) % (int)n;
		sl->last_target = t;
		dns_qtab_try(ob->tab, s, now);
		ob->stats.tries++;

		size_t len = dns_msg_build_query(ts->id, ts->key.name, ts->key.name_len, ts->key.qtype,
						 DNS_CLASS_IN, true, OB_EDNS_SIZE, false, ob->buf,
						 sizeof(ob->buf));

		if (len && ob->ops.send(ob->arg, r, (unsigned)t, ob->buf, len))
			return; /* armed by dns_qtab_try */
	}
	slot_fail(ob, s);
}

static bool
cache_answer(struct rslv_ob *ob, struct rslv_client *c, const struct dns_qkey *k,
	     const struct model_rule *r, hns_time_t now)
{
	size_t len;

	if (dns_cache_lookup(ob->cache, k, now, false, ob->buf, sizeof(ob->buf), &len) !=
	    DNS_CACHE_HIT)
		return false;
	ob->stats.cache_hits++;
	ob->ops.answer(ob->arg, c, r, k->qtype, ob->buf, len, true);
	return true;
}

void
rslv_ob_query(struct rslv_ob *ob, const struct rslv_client *c, const uint8_t *lname,
	      size_t lname_len, uint16_t qtype, const struct model_rule *r, hns_time_t now)
{
	struct dns_question q = { .name_len = (uint8_t)lname_len, .qtype = qtype,
				  .qclass = DNS_CLASS_IN };
	struct dns_qkey k;
	struct rslv_client cl = *c;

	ob->stats.queries++;
	memcpy(q.name, lname, lname_len);
	dns_qkey_make(&k, &q, true, false, rule_tag(ob, r));
	if (cache_answer(ob, &cl, &k, r, now))
		return;

	uint32_t s = dns_qtab_find(ob->tab, &k), w;

	if (s != NIL) {
		/* coalesce with the query in flight */
		if (ob->tab->slots[s].n_waiters >= ob->cfg.waiters ||
		    (w = dns_qtab_waiter_add(ob->tab, s)) == NIL) {
			ob->stats.dropped_waiters++;
			ob->ops.drop(ob->arg, &cl);
			return;
		}
		ob->stats.coalesced++;
		ob->waiters[w] = cl;
		return;
	}
	s = dns_qtab_take(ob->tab, &k, ob->tclass, now);
	if (s == NIL || (w = dns_qtab_waiter_add(ob->tab, s)) == NIL) {
		/* table full: dropped, as a timeout would be */
		if (s != NIL)
			dns_qtab_release(ob->tab, s);
		ob->stats.table_full++;
		ob->ops.drop(ob->arg, &cl);
		return;
	}
	ob->waiters[w] = cl;
	ob->slots[s].rule = r;
	ob->slots[s].last_target = -1;
	ob->stats.forwarded++;
	slot_try(ob, s, now);
}

void
rslv_ob_reply(struct rslv_ob *ob, const uint8_t *pkt, size_t len, hns_time_t now)
{
	if (len < DNS_HEADER_LEN || !(dns_read_u16(pkt + 2) & DNS_FLAG_QR))
		return;

	uint32_t s = dns_qtab_by_id(ob->tab, dns_read_u16(pkt));

	if (s == NIL) {
		ob->stats.drop_unknown_id++;
		return;
	}

	const struct dns_qtab_slot *ts = &ob->tab->slots[s];
	struct dns_question q = { .name_len = ts->key.name_len, .qtype = ts->key.qtype,
				  .qclass = DNS_CLASS_IN };
	struct dns_answer_info ai;

	memcpy(q.name, ts->key.name, ts->key.name_len);
	if (!dns_msg_question_matches(pkt, len, &q)) {
		ob->stats.drop_wrong_question++;
		return;
	}
	if (dns_answer_info_get(pkt, len, &ai) != 0) {
		ob->stats.drop_malformed++; /* keep waiting for a good one or the timeout */
		return;
	}
	dns_cache_insert(ob->cache, &ts->key, pkt, len, now);
	ob->stats.answered++;
	for (uint32_t w = ts->waiters; w != NIL; w = ob->tab->wnext[w])
		ob->ops.answer(ob->arg, &ob->waiters[w], ob->slots[s].rule, ts->key.qtype, pkt, len,
			       false);
	slot_release(ob, s);
}

hns_time_t
rslv_ob_next_deadline(const struct rslv_ob *ob)
{
	return dns_qtab_next_deadline(ob->tab);
}

void
rslv_ob_expire(struct rslv_ob *ob, hns_time_t now)
{
	uint32_t budget = ob->tab->n_slots;
	uint32_t s;

	while (budget-- && (s = dns_qtab_expired(ob->tab, now)) != NIL) {
		ob->stats.timeouts++;
		slot_try(ob, s, now);
	}
}

size_t
rslv_ob_inflight(const struct rslv_ob *ob)
{
	return ob->tab->n_used;
}

const struct rslv_ob_stats *
rslv_ob_stats(const struct rslv_ob *ob)
{
	return &ob->stats;
}
