#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/rand.h"
#include "common/tcp_guard.h"

#define KEY_LEN 17 /* family, then 16 address bytes (IPv6 cut to its /64) */

struct hns_tcp_guard_slot {
	hns_time_t last; /* last activity */
	void *user;
	uint32_t prev, next; /* LRU list while used, free list through next otherwise */
	bool used;
	uint8_t key[KEY_LEN];
};

struct hns_tcp_guard_src {
	uint32_t count; /* 0: empty bucket */
	uint8_t key[KEY_LEN];
};

/* How long slot s has been idle at now (0 if now is before its last activity). */
static hns_time_t
idle_for(const struct hns_tcp_guard_slot *s, hns_time_t now)
{
	return now > s->last ? now - s->last : 0;
}

static void
key_make(uint8_t key[KEY_LEN], const struct hns_addr *a)
{
	memset(key, 0, KEY_LEN);
	key[0] = a->family;
	/* An IPv6 host is given a /64: counting it by address would let it use 2^64 of them. */
	memcpy(key + 1, a->bytes, a->family == AF_INET6 ? 8 : 4);
}

static uint32_t
key_hash(const struct hns_tcp_guard *g, const uint8_t key[KEY_LEN])
{
	/* Seeded against chosen collisions. */
	uint64_t h = hns_fnv1a64(HNS_FNV64_BASIS ^ g->seed, key, KEY_LEN);

	return (uint32_t)(h ^ (h >> 32));
}

/* The bucket holding key, or the empty bucket where it would go. */
static uint32_t
src_find(const struct hns_tcp_guard *g, const uint8_t key[KEY_LEN])
{
	uint32_t i = key_hash(g, key) & g->src_mask;

	while (g->srcs[i].count && memcmp(g->srcs[i].key, key, KEY_LEN) != 0)
		i = (i + 1) & g->src_mask;
	return i;
}

/* Empty bucket i, shifting back the entries of its probe run (no tombstones). */
static void
src_remove(struct hns_tcp_guard *g, uint32_t i)
{
	uint32_t j = i;

	g->srcs[i].count = 0;
	for (;;) {
		j = (j + 1) & g->src_mask;
		if (!g->srcs[j].count)
			return;
		uint32_t k = key_hash(g, g->srcs[j].key) & g->src_mask;

		/* Entry j may stay when its home k lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		g->srcs[i] = g->srcs[j];
		g->srcs[j].count = 0;
		i = j;
	}
}

int
hns_tcp_guard_init(struct hns_tcp_guard *g, const struct hns_tcp_guard_conf *conf)
{
	uint32_t cap = 16;

	memset(g, 0, sizeof(*g));
	if (conf->max_conns == 0 || conf->max_conns > (1u << 24) || conf->idle_floor == 0 ||
	    conf->idle_floor > conf->idle)
		return HNS_EINVAL;
	while (cap < 2 * conf->max_conns)
		cap <<= 1;
	g->slots = calloc(conf->max_conns, sizeof(*g->slots));
	g->srcs = calloc(cap, sizeof(*g->srcs));
	if (!g->slots || !g->srcs) {
		hns_tcp_guard_deinit(g);
		return HNS_ENOMEM;
	}
	g->conf = *conf;
	g->src_mask = cap - 1;
	if (hns_csprng_bytes(&g->seed, sizeof(g->seed)) < 0)
		g->seed = 0;
	for (uint32_t i = 0; i < conf->max_conns; i++)
		g->slots[i].next = i + 1 < conf->max_conns ? i + 1 : HNS_TCP_GUARD_NONE;
	g->free_head = 0;
	g->lru_head = g->lru_tail = HNS_TCP_GUARD_NONE;
	return 0;
}

void
hns_tcp_guard_deinit(struct hns_tcp_guard *g)
{
	free(g->slots);
	free(g->srcs);
	g->slots = NULL;
	g->srcs = NULL;
	g->n = 0;
}

static void
lru_unlink(struct hns_tcp_guard *g, uint32_t i)
{
	struct hns_tcp_guard_slot *s = &g->slots[i];

	if (s->prev != HNS_TCP_GUARD_NONE)
		g->slots[s->prev].next = s->next;
	else
		g->lru_head = s->next;
	if (s->next != HNS_TCP_GUARD_NONE)
		g->slots[s->next].prev = s->prev;
	else
		g->lru_tail = s->prev;
}

static void
lru_append(struct hns_tcp_guard *g, uint32_t i)
{
	struct hns_tcp_guard_slot *s = &g->slots[i];

	s->prev = g->lru_tail;
	s->next = HNS_TCP_GUARD_NONE;
	if (g->lru_tail != HNS_TCP_GUARD_NONE)
		g->slots[g->lru_tail].next = i;
	else
		g->lru_head = i;
	g->lru_tail = i;
}

enum hns_tcp_verdict
hns_tcp_guard_admit(struct hns_tcp_guard *g, const struct hns_addr *src, hns_time_t now,
		    uint32_t *slot)
{
	uint8_t key[KEY_LEN];
	uint32_t b;

	key_make(key, src);
	b = src_find(g, key);
	if (g->conf.per_source && g->srcs[b].count >= g->conf.per_source) {
		g->st.refused_per_source++;
		return HNS_TCP_REFUSE_SOURCE;
	}
	if (g->n == g->conf.max_conns) {
		uint32_t victim = g->lru_head;

		if (idle_for(&g->slots[victim], now) < g->conf.idle_floor) {
			g->st.refused_full++;
			return HNS_TCP_REFUSE_FULL;
		}
		g->st.evicted++;
		*slot = victim;
		return HNS_TCP_EVICT;
	}

	uint32_t i = g->free_head;
	struct hns_tcp_guard_slot *s = &g->slots[i];

	g->free_head = s->next;
	s->used = true;
	s->last = now;
	s->user = NULL;
	memcpy(s->key, key, KEY_LEN);
	lru_append(g, i);
	if (!g->srcs[b].count)
		memcpy(g->srcs[b].key, key, KEY_LEN);
	g->srcs[b].count++;
	g->n++;
	if (g->n > g->st.peak)
		g->st.peak = g->n;
	g->st.accepted++;
	*slot = i;
	return HNS_TCP_ACCEPT;
}

void
hns_tcp_guard_touch(struct hns_tcp_guard *g, uint32_t slot, hns_time_t now)
{
	struct hns_tcp_guard_slot *s = &g->slots[slot];

	if (!s->used)
		return;
	s->last = now;
	if (g->lru_tail != slot) {
		lru_unlink(g, slot);
		lru_append(g, slot);
	}
}

void
hns_tcp_guard_release(struct hns_tcp_guard *g, uint32_t slot)
{
	struct hns_tcp_guard_slot *s;
	uint32_t b;

	if (slot >= g->conf.max_conns || !g->slots[slot].used)
		return;
	s = &g->slots[slot];
	lru_unlink(g, slot);
	b = src_find(g, s->key);
	if (g->srcs[b].count && --g->srcs[b].count == 0)
		src_remove(g, b);
	s->used = false;
	s->user = NULL;
	s->next = g->free_head;
	g->free_head = slot;
	g->n--;
}

hns_time_t
hns_tcp_guard_timeout(const struct hns_tcp_guard *g)
{
	uint64_t max = g->conf.max_conns, n = g->n;
	hns_time_t t;

	if (2 * n <= max)
		return g->conf.idle;
	t = g->conf.idle * 2 * (max - n) / max;
	return t < g->conf.idle_floor ? g->conf.idle_floor : t;
}

uint32_t
hns_tcp_guard_expired(struct hns_tcp_guard *g, hns_time_t now)
{
	uint32_t i = g->lru_head;

	if (i == HNS_TCP_GUARD_NONE || idle_for(&g->slots[i], now) < hns_tcp_guard_timeout(g))
		return HNS_TCP_GUARD_NONE;
	g->st.idle_closed++;
	return i;
}

hns_time_t
hns_tcp_guard_next_expiry(const struct hns_tcp_guard *g)
{
	if (g->lru_head == HNS_TCP_GUARD_NONE)
		return 0;
	return g->slots[g->lru_head].last + hns_tcp_guard_timeout(g);
}

void *
hns_tcp_guard_user(const struct hns_tcp_guard *g, uint32_t slot)
{
	return slot < g->conf.max_conns ? g->slots[slot].user : NULL;
}

void
hns_tcp_guard_set_user(struct hns_tcp_guard *g, uint32_t slot, void *user)
{
	if (slot < g->conf.max_conns)
		g->slots[slot].user = user;
}

uint32_t
hns_tcp_guard_source_count(const struct hns_tcp_guard *g, const struct hns_addr *src)
{
	uint8_t key[KEY_LEN];

	key_make(key, src);
	return g->srcs[src_find(g, key)].count;
}
