#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hugepage.h"
#include "dns/msg.h"
#include "dns/cache.h"

#define TTL_OFFS_MAX 24 /* answers with more records age through dns_msg_ttl_decrement */
#define TTL_OFFS_NONE 0xff

struct cache_entry {
	hns_time_t inserted;
	hns_time_t expires;
	uint16_t wire_len;
	uint8_t n_ttl; /* TTL_OFFS_NONE: unknown, walk the message */
	uint16_t ttl_off[TTL_OFFS_MAX]; /* where each record's TTL sits (OPT excluded) */
	struct dns_qkey key; /* name valid up to key.name_len */
};

/* The hash sits next to the entry number so probes do not touch entries. */
struct index_slot {
	uint32_t hash;
	uint32_t e; /* entry index + 1, 0 = empty */
};

struct dns_cache {
	struct dns_cache_cfg cfg;
	struct cache_entry *entries; /* [cfg.max_entries] */
	uint8_t *wires;		     /* [cfg.max_entries][cfg.wire_max]: the answers */
	/*
	 * Beside the entries, compact: eviction reads only these and the
	 * index, so churn (a stream of unique names) touches few cache lines.
	 */
	uint8_t *refs;	    /* [cfg.max_entries]: CLOCK second-chance bits */
	uint32_t *hashes;   /* [cfg.max_entries]: key hash of each entry */
	uint32_t n_entries;	     /* in use */
	uint32_t next_fresh;	     /* entries never used start here */
	uint32_t *free_list;	     /* [cfg.max_entries]: released entries */
	uint32_t n_free;
	uint32_t hand; /* CLOCK hand */
	struct index_slot *index; /* [mask+1] */
	uint32_t mask;
	struct dns_cache_stats stats;
};

int
dns_cache_new(const struct dns_cache_cfg *cfg, struct dns_cache **out)
{
	struct dns_cache *c = calloc(1, sizeof(*c));
	uint32_t n = cfg->max_entries ? cfg->max_entries : 1;
	uint32_t slots = 4;

	if (!c)
		return HNS_ENOMEM;
	c->cfg = *cfg;
	c->cfg.max_entries = n;
	if (!c->cfg.wire_max)
		c->cfg.wire_max = DNS_CACHE_WIRE_MAX;
	while (slots < 2 * n)
		slots <<= 1;
	c->mask = slots - 1;
	c->entries = hns_calloc_huge(n, sizeof(*c->entries));
	c->wires = hns_calloc_huge(n, c->cfg.wire_max);
	c->free_list = hns_calloc_huge(n, sizeof(*c->free_list));
	c->refs = hns_calloc_huge(n, sizeof(*c->refs));
	c->hashes = hns_calloc_huge(n, sizeof(*c->hashes));
	c->index = hns_calloc_huge(slots, sizeof(*c->index));
	if (!c->entries || !c->wires || !c->free_list || !c->refs || !c->hashes || !c->index) {
		dns_cache_free(c);
		return HNS_ENOMEM;
	}
	*out = c;
	return 0;
}

void
dns_cache_free(struct dns_cache *c)
{
	if (!c)
		return;
	free(c->entries);
	free(c->wires);
	free(c->free_list);
	free(c->refs);
	free(c->hashes);
	free(c->index);
	free(c);
}

/* Index slot holding k, or the empty slot where it would go. */
static uint32_t
index_find(const struct dns_cache *c, const struct dns_qkey *k, bool *found)
{
	uint32_t i = k->hash & c->mask;

	for (;;) {
		uint32_t v = c->index[i].e;

		if (v == 0) {
			*found = false;
			return i;
		}
		if (c->index[i].hash == k->hash && dns_qkey_equal(&c->entries[v - 1].key, k)) {
			*found = true;
			return i;
		}
		i = (i + 1) & c->mask;
	}
}

/* Remove index slot i (backward-shift deletion keeps probe chains intact). */
static void
index_remove(struct dns_cache *c, uint32_t i)
{
	uint32_t j = i;

	c->index[i].e = 0;
	for (;;) {
		j = (j + 1) & c->mask;
		uint32_t v = c->index[j].e;

		if (v == 0)
			return;
		uint32_t home = c->index[j].hash & c->mask;

		/* Move v back to i unless its home lies cyclically in (i, j]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);

		if (!stays) {
			c->index[i] = c->index[j];
			c->index[j].e = 0;
			i = j;
		}
	}
}

static void
entry_release(struct dns_cache *c, uint32_t e)
{
	/* Its index slot lies on its hash's probe chain: find it by number, without the key. */
	for (uint32_t i = c->hashes[e] & c->mask; c->index[i].e != 0; i = (i + 1) & c->mask)
		if (c->index[i].e == e + 1) {
			index_remove(c, i);
			break;
		}
	c->free_list[c->n_free++] = e;
	c->n_entries--;
}

static uint32_t
entry_take(struct dns_cache *c)
{
	if (c->n_free)
		return c->free_list[--c->n_free];
	if (c->next_fresh < c->cfg.max_entries)
		return c->next_fresh++;
	/* Full: CLOCK.  Every entry is in use, so this ends within two turns. */
	for (;;) {
		uint32_t e = c->hand;

		c->hand = (c->hand + 1) % c->cfg.max_entries;
		if (c->refs[e]) {
			c->refs[e] = 0;
			continue;
		}
		entry_release(c, e);
		c->stats.evictions++;
		c->n_free--; /* taken straight back */
		return e;
	}
}

/*
 * Note where the TTL of every record (OPT aside) sits, so a hit ages the
 * answer by direct writes instead of walking it again.  The message has
 * already been checked whole by dns_answer_info_get.
 */
static uint8_t *
entry_wire(const struct dns_cache *c, uint32_t e)
{
	return c->wires + (size_t)e * c->cfg.wire_max;
}

static void
ttl_offsets_note(struct cache_entry *ent, const uint8_t *wire)
{
	struct dns_cursor cur;
	unsigned n = 0;

	ent->n_ttl = TTL_OFFS_NONE;
	dns_cursor_init(&cur, wire, ent->wire_len);
	dns_cursor_skip(&cur, 4);
	uint16_t qd = dns_cursor_u16(&cur);
	unsigned rrs = dns_cursor_u16(&cur) + dns_cursor_u16(&cur) + dns_cursor_u16(&cur);

	if (qd != 1 || rrs > TTL_OFFS_MAX)
		return;
	dns_cursor_name(&cur, NULL);
	dns_cursor_skip(&cur, 4);
	for (unsigned i = 0; i < rrs; i++) {
		dns_cursor_name(&cur, NULL);
		uint16_t type = dns_cursor_u16(&cur);

		dns_cursor_skip(&cur, 2);
		if (type != DNS_TYPE_OPT)
			ent->ttl_off[n++] = (uint16_t)cur.pos;
		dns_cursor_skip(&cur, 4);
		dns_cursor_skip(&cur, dns_cursor_u16(&cur));
	}
	if (!cur.err)
		ent->n_ttl = (uint8_t)n;
}

/* Count the copy's TTLs down by elapsed (or, stale, set them to DNS_CACHE_STALE_TTL). */
static void
ttl_age(const struct cache_entry *ent, uint8_t *out, size_t len, uint32_t elapsed, bool stale)
{
	if (ent->n_ttl == TTL_OFFS_NONE) {
		if (stale)
			dns_msg_ttl_clamp(out, len, DNS_CACHE_STALE_TTL, DNS_CACHE_STALE_TTL);
		else
			dns_msg_ttl_decrement(out, len, elapsed);
		return;
	}
	for (unsigned i = 0; i < ent->n_ttl; i++) {
		uint8_t *p = out + ent->ttl_off[i];
		uint32_t ttl = dns_read_u32(p);

		if (ttl & 0x80000000u)
			ttl = 0; /* RFC 2181 8, as dns/msg.h reads it */
		dns_write_u32(p, stale ? DNS_CACHE_STALE_TTL : ttl > elapsed ? ttl - elapsed : 0);
	}
}

/* Clamp the stored answer's TTLs into [lo, hi]. */
static void
ttl_clamp(const struct cache_entry *ent, uint8_t *wire, uint32_t lo, uint32_t hi)
{
	if (ent->n_ttl == TTL_OFFS_NONE) {
		dns_msg_ttl_clamp(wire, ent->wire_len, lo, hi);
		return;
	}
	for (unsigned i = 0; i < ent->n_ttl; i++) {
		uint8_t *p = wire + ent->ttl_off[i];
		uint32_t ttl = dns_read_u32(p);

		if (ttl & 0x80000000u)
			ttl = 0;
		dns_write_u32(p, ttl < lo ? lo : ttl > hi ? hi : ttl);
	}
}

enum dns_cache_result
dns_cache_lookup(struct dns_cache *c, const struct dns_qkey *k, hns_time_t now,
		 bool allow_stale, uint8_t *out, size_t cap, size_t *len)
{
	bool found;
	uint32_t slot = index_find(c, k, &found);

	if (!found) {
		c->stats.misses++;
		return DNS_CACHE_MISS;
	}

	uint32_t e = c->index[slot].e - 1;
	struct cache_entry *ent = &c->entries[e];
	enum dns_cache_result res = DNS_CACHE_HIT;

	if (now >= ent->expires) {
		hns_time_t stale_end = ent->expires + (hns_time_t)c->cfg.stale_s * HNS_NSEC_PER_SEC;

		if (!c->cfg.serve_stale || now >= stale_end) {
			entry_release(c, e);
			c->stats.expired++;
			c->stats.misses++;
			return DNS_CACHE_MISS;
		}
		if (!allow_stale) {
			c->stats.misses++;
			return DNS_CACHE_MISS;
		}
		res = DNS_CACHE_STALE;
	}
	if (ent->wire_len > cap) {
		c->stats.misses++;
		return DNS_CACHE_MISS;
	}
	memcpy(out, entry_wire(c, e), ent->wire_len);
	*len = ent->wire_len;
	c->refs[e] = 1;
	if (res == DNS_CACHE_HIT) {
		uint32_t elapsed = (uint32_t)((now - ent->inserted) / HNS_NSEC_PER_SEC);

		if (elapsed)
			ttl_age(ent, out, *len, elapsed, false);
		c->stats.hits++;
	} else {
		ttl_age(ent, out, *len, 0, true);
		c->stats.stale_hits++;
	}
	return res;
}

int
dns_cache_insert(struct dns_cache *c, const struct dns_qkey *k, const uint8_t *pkt,
		 size_t len, hns_time_t now)
{
	struct dns_answer_info info;
	int rc = dns_answer_info_get(pkt, len, &info);
	uint32_t ttl, lo = c->cfg.min_ttl, hi = c->cfg.max_ttl;

	if (rc < 0)
		return rc;
	if (len > c->cfg.wire_max) {
		c->stats.too_big++;
		return HNS_EAGAIN;
	}
	bool negative = info.rcode == DNS_RCODE_NXDOMAIN ||
			(info.rcode == DNS_RCODE_NOERROR && info.ancount == 0);

	if (info.tc || (info.rcode != DNS_RCODE_NOERROR && info.rcode != DNS_RCODE_NXDOMAIN)) {
		c->stats.not_cached++;
		return HNS_EAGAIN;
	}
	if (negative) {
		if (!info.has_soa) {
			c->stats.not_cached++;
			return HNS_EAGAIN;
		}
		ttl = info.negative_ttl;
		if (ttl > c->cfg.negative_max_ttl)
			ttl = c->cfg.negative_max_ttl;
		lo = 0;
		hi = ttl;
	} else {
		ttl = info.min_ttl;
		if (hi < lo)
			hi = lo;
		if (ttl < lo)
			ttl = lo;
		if (ttl > hi)
			ttl = hi;
	}
	if (ttl == 0) {
		c->stats.not_cached++;
		return HNS_EAGAIN;
	}

	/*
	 * Full: evict first (its backward shift moves index slots), then one
	 * lookup places the new entry.  Should k itself be present, the freed
	 * entry just waits on the free list.
	 */
	if (c->n_free == 0 && c->next_fresh >= c->cfg.max_entries) {
		uint32_t victim = entry_take(c);

		c->free_list[c->n_free++] = victim;
	}

	bool found;
	uint32_t slot = index_find(c, k, &found);
	uint32_t e;

	if (found) {
		e = c->index[slot].e - 1; /* replace in place (e.g. a stale entry refreshed) */
	} else {
		e = entry_take(c);
		c->index[slot].hash = k->hash;
		c->index[slot].e = e + 1;
		c->n_entries++;
	}

	struct cache_entry *ent = &c->entries[e];

	ent->key.hash = k->hash;
	ent->key.tag = k->tag;
	ent->key.qtype = k->qtype;
	ent->key.qclass = k->qclass;
	ent->key.flags = k->flags;
	ent->key.name_len = k->name_len;
	memcpy(ent->key.name, k->name, k->name_len);
	c->hashes[e] = k->hash;
	c->refs[e] = 0;
	uint8_t *wire = entry_wire(c, e);

	ent->wire_len = (uint16_t)len;
	memcpy(wire, pkt, len);
	ttl_offsets_note(ent, wire);
	if (!c->cfg.keep_ttls)
		ttl_clamp(ent, wire, lo, hi);
	ent->inserted = now;
	ent->expires = now + (hns_time_t)ttl * HNS_NSEC_PER_SEC;
	c->stats.inserts++;
	return 0;
}

size_t
dns_cache_count(const struct dns_cache *c)
{
	return c->n_entries;
}

const struct dns_cache_stats *
dns_cache_stats(const struct dns_cache *c)
{
	return &c->stats;
}
