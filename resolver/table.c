#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "resolver/table.h"

uint32_t
rslv_fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a over the tag and the name; names are short, so this is cheap. */
static uint32_t
table_hash(uint32_t tag, const uint8_t *name, size_t len)
{
	uint32_t h = rslv_fnv1a((2166136261u ^ tag) * 16777619u, name, len);

	return h ? h : 1;
}

void
rslv_table_init(struct rslv_table *t)
{
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
}

void
rslv_table_deinit(struct rslv_table *t)
{
	free(t->slots);
	rslv_table_init(t);
}

static struct rslv_table_slot *
table_find(const struct rslv_table *t, uint32_t hash, uint32_t tag, const uint8_t *name,
	   size_t len)
{
	size_t mask = t->cap - 1;

	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct rslv_table_slot *s = &t->slots[i];

		if (!s->name)
			return s;
		if (s->hash == hash && s->tag == tag && s->len == len && memcmp(s->name, name, len) == 0)
			return s;
	}
}

static int
table_grow(struct rslv_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct rslv_table_slot *old = t->slots;
	size_t ocap = t->cap;

	t->slots = calloc(ncap, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		return HNS_ENOMEM;
	}
	t->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].name)
			continue;
		*table_find(t, old[i].hash, old[i].tag, old[i].name, old[i].len) = old[i];
	}
	free(old);
	return 0;
}

int
rslv_table_put(struct rslv_table *t, uint32_t tag, const uint8_t *name, size_t len, void *val)
{
	if ((t->n + 1) * 10 > t->cap * 7) {
		int rc = table_grow(t);

		if (rc)
			return rc;
	}
	uint32_t h = table_hash(tag, name, len);
	struct rslv_table_slot *s = table_find(t, h, tag, name, len);

	if (!s->name)
		t->n++;
	s->name = name;
	s->hash = h;
	s->tag = tag;
	s->len = (uint8_t)len;
	s->val = val;
	return 0;
}

void *
rslv_table_get(const struct rslv_table *t, uint32_t tag, const uint8_t *name, size_t len)
{
	if (!t->cap)
		return NULL;
	struct rslv_table_slot *s = table_find(t, table_hash(tag, name, len), tag, name, len);

	return s->name ? s->val : NULL;
}
