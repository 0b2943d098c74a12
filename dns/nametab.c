#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hash.h"
#include "dns/nametab.h"

#define MAX_LABELS (DNS_NAME_MAX / 2)

static inline uint8_t
lc(uint8_t c)
{
	return (uint8_t)(c + ((uint8_t)(c - 'A') < 26 ? 'a' - 'A' : 0));
}

static inline uint32_t
hash_seed(uint32_t tag)
{
	return (HNS_FNV32_BASIS ^ tag) * HNS_FNV32_PRIME;
}

/* Extend a suffix's hash by the label at p (its length octet and its octets, lower-cased). */
static inline uint32_t
hash_label(uint32_t h, const uint8_t *p)
{
	unsigned n = p[0];

	h = (h ^ n) * HNS_FNV32_PRIME;
	for (unsigned i = 1; i <= n; i++)
		h = (h ^ lc(p[i])) * HNS_FNV32_PRIME;
	return h;
}

static inline size_t
slot_index(uint32_t h, size_t mask)
{
	return (h ^ (h >> 16)) & mask;
}

/* Where each label starts; returns the number of labels (the root excluded). */
static int
labels_split(const uint8_t *name, size_t len, uint8_t *off)
{
	size_t p = 0;
	int n = 0;

	while (p < len && name[p] && n < MAX_LABELS) {
		off[n++] = (uint8_t)p;
		p += (size_t)name[p] + 1;
	}
	off[n] = (uint8_t)(p < len ? p : len - 1);
	return n;
}

static unsigned
depth_bit(int d)
{
	return d < 63 ? (unsigned)d : 63;
}

static bool
key_equal(const struct dns_nametab *t, const struct dns_nametab_slot *s, uint32_t hash,
	  uint32_t tag, const uint8_t *name, size_t len)
{
	if (s->hash != hash || s->tag != tag || s->len != len)
		return false;

	const uint8_t *k = t->names + s->off;

	for (size_t i = 0; i < len; i++)
		if (lc(name[i]) != k[i])
			return false;
	return true;
}

static struct dns_nametab_slot *
probe(const struct dns_nametab *t, uint32_t hash, uint32_t tag, const uint8_t *name, size_t len)
{
	size_t mask = t->cap - 1;

	for (size_t i = slot_index(hash, mask);; i = (i + 1) & mask) {
		struct dns_nametab_slot *s = &t->slots[i];

		if (!s->len || key_equal(t, s, hash, tag, name, len))
			return s;
	}
}

static uint32_t
name_hash(uint32_t tag, const uint8_t *name, size_t len, int *labels)
{
	uint8_t off[MAX_LABELS + 1];
	int n = labels_split(name, len, off);
	uint32_t h = hash_seed(tag);

	for (int i = n - 1; i >= 0; i--)
		h = hash_label(h, name + off[i]);
	*labels = n;
	return h;
}

void
dns_nametab_init(struct dns_nametab *t)
{
	memset(t, 0, sizeof(*t));
}

void
dns_nametab_deinit(struct dns_nametab *t)
{
	free(t->slots);
	free(t->names);
	dns_nametab_init(t);
}

static int
table_grow(struct dns_nametab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct dns_nametab_slot *old = t->slots, *slots = calloc(ncap, sizeof(*slots));
	size_t ocap = t->cap;

	if (!slots)
		return HNS_ENOMEM;
	t->slots = slots;
	t->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].len)
			continue;
		size_t j = slot_index(old[i].hash, ncap - 1);

		while (slots[j].len)
			j = (j + 1) & (ncap - 1);
		slots[j] = old[i];
	}
	free(old);
	return 0;
}

static int
names_reserve(struct dns_nametab *t, size_t more)
{
	if (t->names_len + more <= t->names_cap)
		return 0;

	size_t ncap = t->names_cap ? t->names_cap : 1024;

	while (ncap < t->names_len + more)
		ncap *= 2;

	uint8_t *names = realloc(t->names, ncap);

	if (!names)
		return HNS_ENOMEM;
	t->names = names;
	t->names_cap = ncap;
	return 0;
}

int
dns_nametab_put(struct dns_nametab *t, uint32_t tag, const uint8_t *name, size_t len, void *val)
{
	int labels, rc;

	if (len == 0 || len > DNS_NAME_MAX)
		return HNS_EINVAL;
	if ((t->n + 1) * 10 > t->cap * 7 && (rc = table_grow(t)))
		return rc;

	uint32_t h = name_hash(tag, name, len, &labels);
	struct dns_nametab_slot *s = probe(t, h, tag, name, len);

	if (!s->len) {
		if ((rc = names_reserve(t, len)))
			return rc;
		for (size_t i = 0; i < len; i++)
			t->names[t->names_len + i] = lc(name[i]);
		s->off = (uint32_t)t->names_len;
		t->names_len += len;
		s->hash = h;
		s->tag = tag;
		s->len = (uint8_t)len;
		t->n++;
		t->depths |= 1ull << depth_bit(labels);
	}
	s->val = val;
	return 0;
}

void *
dns_nametab_get(const struct dns_nametab *t, uint32_t tag, const uint8_t *name, size_t len)
{
	int labels;

	if (!t->n || len == 0 || len > DNS_NAME_MAX)
		return NULL;

	uint32_t h = name_hash(tag, name, len, &labels);

	if (!(t->depths & (1ull << depth_bit(labels))))
		return NULL;
	return probe(t, h, tag, name, len)->val;
}

void *
dns_nametab_get_lower(const struct dns_nametab *t, uint32_t tag, const uint8_t *name, size_t len)
{
	uint8_t offs[MAX_LABELS + 1];

	if (!t->n || len == 0 || len > DNS_NAME_MAX)
		return NULL;

	int n = labels_split(name, len, offs);

	if (!(t->depths & (1ull << depth_bit(n))))
		return NULL; /* no key has this many labels: no hash needed */

	uint32_t h = hash_seed(tag);
	size_t mask = t->cap - 1;

	for (int i = n - 1; i >= 0; i--) {
		const uint8_t *p = name + offs[i];

		h = (h ^ p[0]) * HNS_FNV32_PRIME;
		for (unsigned b = 1; b <= p[0]; b++)
			h = (h ^ p[b]) * HNS_FNV32_PRIME;
	}
	for (size_t k = slot_index(h, mask);; k = (k + 1) & mask) {
		const struct dns_nametab_slot *s = &t->slots[k];

		if (!s->len)
			return NULL;
		if (s->hash == h && s->tag == tag && s->len == len &&
		    memcmp(t->names + s->off, name, len) == 0)
			return s->val;
	}
}

void
dns_nametab_walk_init(struct dns_nametab_walk *w, const struct dns_nametab *t, uint32_t tag,
		      const uint8_t *name, size_t len)
{
	int n = 0, first = 0;

	w->t = t;
	w->name = name;
	w->tag = tag;
	if (t->n && len && len <= DNS_NAME_MAX) {
		n = labels_split(name, len, w->off);
		/* Suffixes deeper than every key need no hash. */
		int maxd = t->depths >> 63 ? n : 63 - __builtin_clzll(t->depths);

		first = n > maxd ? n - maxd : 0;
		w->hash[n] = hash_seed(tag);
		for (int i = n - 1; i >= first; i--)
			w->hash[i] = hash_label(w->hash[i + 1], name + w->off[i]);
	} else {
		w->off[0] = 0;
		first = 1; /* nothing to probe */
	}
	w->n = n;
	w->next = first;
	w->len = len;
}

void *
dns_nametab_walk_next(struct dns_nametab_walk *w, size_t *off)
{
	const struct dns_nametab *t = w->t;

	for (int i = w->next; i <= w->n; i++) {
		if (!(t->depths & (1ull << depth_bit(w->n - i))))
			continue;

		size_t o = w->off[i];
		struct dns_nametab_slot *s = probe(t, w->hash[i], w->tag, w->name + o, w->len - o);

		if (s->len) {
			w->next = i + 1;
			if (off)
				*off = o;
			return s->val;
		}
	}
	w->next = w->n + 1;
	return NULL;
}

/*
 * One pass from the root over a lower-case name: each suffix's hash
 * extends the shorter one's, and only depths some key has are probed; the
 * last hit is the longest.
 */
void *
dns_nametab_longest_lower(const struct dns_nametab *t, uint32_t tag, const uint8_t *name,
			  size_t len, size_t *off)
{
	uint8_t offs[MAX_LABELS + 1];
	void *best = NULL;

	if (!t->n || !len || len > DNS_NAME_MAX)
		return NULL;

	int n = labels_split(name, len, offs);
	uint64_t depths = t->depths;
	uint32_t h = hash_seed(tag);
	size_t mask = t->cap - 1;

	for (int d = 0;; d++) {
		int i = n - d; /* the suffix of d labels starts at label i */

		if (depths & (1ull << depth_bit(d))) {
			size_t o = offs[i], l = len - o;

			for (size_t k = slot_index(h, mask);; k = (k + 1) & mask) {
				const struct dns_nametab_slot *s = &t->slots[k];

				if (!s->len)
					break;
				if (s->hash == h && s->tag == tag && s->len == l &&
				    memcmp(t->names + s->off, name + o, l) == 0) {
					best = s->val;
					if (off)
						*off = o;
					break;
				}
			}
		}
		if (i == 0 || (d < 63 && !(depths >> (d + 1))))
			break; /* the whole name, or no key deeper */

		const uint8_t *p = name + offs[i - 1];

		h = (h ^ p[0]) * HNS_FNV32_PRIME;
		for (unsigned b = 1; b <= p[0]; b++)
			h = (h ^ p[b]) * HNS_FNV32_PRIME;
	}
	return best;
}

void *
dns_nametab_longest(const struct dns_nametab *t, uint32_t tag, const uint8_t *name, size_t len,
		    size_t *off)
{
	uint8_t lower[DNS_NAME_MAX];

	if (!len || len > DNS_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < len; i++)
		lower[i] = lc(name[i]);
	return dns_nametab_longest_lower(t, tag, lower, len, off);
}
