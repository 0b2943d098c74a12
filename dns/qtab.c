#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hugepage.h"
#include "common/rand.h"
#include "dns/qtab.h"

#define NIL DNS_QTAB_NIL
#define ID_DRAWS 32

int
dns_qtab_new(uint32_t n_slots, uint32_t n_waiters, struct dns_qtab **out)
{
	struct dns_qtab *t = calloc(1, sizeof(*t));
	uint32_t n = n_slots ? n_slots : 1;
	uint32_t b = 4;

	if (!t)
		return HNS_ENOMEM;
	if (n > DNS_QTAB_MAX)
		n = DNS_QTAB_MAX;
	if (!n_waiters)
		n_waiters = 1;
	while (b < 2 * n)
		b <<= 1;
	t->n_slots = n;
	t->bmask = b - 1;
	t->n_waiters = n_waiters;
	t->slots = hns_calloc_huge(n, sizeof(*t->slots));
	t->id_slot = calloc(65536, sizeof(*t->id_slot));
	t->buckets = malloc(b * sizeof(*t->buckets));
	t->wnext = malloc(n_waiters * sizeof(*t->wnext));
	if (!t->slots || !t->id_slot || !t->buckets || !t->wnext) {
		dns_qtab_free(t);
		return HNS_ENOMEM;
	}
	for (uint32_t i = 0; i < b; i++)
		t->buckets[i] = NIL;
	for (uint32_t i = 0; i < n; i++)
		t->slots[i].hnext = i + 1 < n ? i + 1 : NIL;
	for (uint32_t i = 0; i < n_waiters; i++)
		t->wnext[i] = i + 1 < n_waiters ? i + 1 : NIL;
	*out = t;
	return 0;
}

void
dns_qtab_free(struct dns_qtab *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->id_slot);
	free(t->buckets);
	free(t->wnext);
	free(t);
}

unsigned
dns_qtab_class(struct dns_qtab *t, uint32_t timeout_ms, uint32_t overall_ms)
{
	for (unsigned i = 0; i < t->n_classes; i++)
		if (t->classes[i].timeout_ms == timeout_ms && t->classes[i].overall_ms == overall_ms)
			return i;
	if (t->n_classes == DNS_QTAB_CLASSES)
		return DNS_QTAB_CLASSES - 1; /* shared: sorted insertion keeps it correct */

	struct dns_qtab_class *c = &t->classes[t->n_classes];

	c->timeout_ms = timeout_ms;
	c->overall_ms = overall_ms;
	c->head = c->tail = NIL;
	return t->n_classes++;
}

/* ------------------------------------------------------------ timeouts */

void
dns_qtab_disarm(struct dns_qtab *t, uint32_t s)
{
	struct dns_qtab_slot *sl = &t->slots[s];
	struct dns_qtab_class *c = &t->classes[sl->tclass];

	if (!sl->armed)
		return;
	sl->armed = false;
	if (sl->tprev != NIL)
		t->slots[sl->tprev].tnext = sl->tnext;
	else
		c->head = sl->tnext;
	if (sl->tnext != NIL)
		t->slots[sl->tnext].tprev = sl->tprev;
	else
		c->tail = sl->tprev;
	sl->tprev = sl->tnext = NIL;
}

/* Insert sorted by deadline, walking back from the tail (O(1) within one class). */
static void
timer_link(struct dns_qtab *t, uint32_t s)
{
	struct dns_qtab_slot *sl = &t->slots[s];
	struct dns_qtab_class *c = &t->classes[sl->tclass];
	uint32_t after = c->tail;

	sl->armed = true;
	while (after != NIL && t->slots[after].deadline > sl->deadline)
		after = t->slots[after].tprev;
	sl->tprev = after;
	if (after == NIL) {
		sl->tnext = c->head;
		c->head = s;
	} else {
		sl->tnext = t->slots[after].tnext;
		t->slots[after].tnext = s;
	}
	if (sl->tnext != NIL)
		t->slots[sl->tnext].tprev = s;
	else
		c->tail = s;
}

void
dns_qtab_rearm(struct dns_qtab *t, uint32_t s, hns_time_t now)
{
	struct dns_qtab_slot *sl = &t->slots[s];
	const struct dns_qtab_class *c = &t->classes[sl->tclass];
	hns_time_t d = now + (hns_time_t)c->timeout_ms * HNS_NSEC_PER_MSEC;

	dns_qtab_disarm(t, s);
	if (c->overall_ms) {
		hns_time_t end = sl->start + (hns_time_t)c->overall_ms * HNS_NSEC_PER_MSEC;

		if (end < d)
			d = end;
	}
	sl->deadline = d;
	timer_link(t, s);
}

void
dns_qtab_try(struct dns_qtab *t, uint32_t s, hns_time_t now)
{
	t->slots[s].tries++;
	dns_qtab_rearm(t, s, now);
}

bool
dns_qtab_can_retry(const struct dns_qtab *t, uint32_t s, uint32_t attempts, uint32_t overall_ms,
		   hns_time_t now)
{
	const struct dns_qtab_slot *sl = &t->slots[s];

	if (sl->tries >= attempts)
		return false;
	return !overall_ms || now < sl->start + (hns_time_t)overall_ms * HNS_NSEC_PER_MSEC;
}

hns_time_t
dns_qtab_next_deadline(const struct dns_qtab *t)
{
	hns_time_t best = 0;

	for (unsigned i = 0; i < t->n_classes; i++) {
		uint32_t h = t->classes[i].head;

		if (h != NIL && (best == 0 || t->slots[h].deadline < best))
			best = t->slots[h].deadline;
	}
	return best;
}

uint32_t
dns_qtab_expired(struct dns_qtab *t, hns_time_t now)
{
	for (unsigned i = 0; i < t->n_classes; i++) {
		uint32_t h = t->classes[i].head;

		if (h != NIL && t->slots[h].deadline <= now) {
			dns_qtab_disarm(t, h);
			return h;
		}
	}
	return NIL;
}

/* ------------------------------------------------------------ slots */

uint32_t
dns_qtab_find(const struct dns_qtab *t, const struct dns_qkey *k)
{
	for (uint32_t s = t->buckets[k->hash & t->bmask]; s != NIL; s = t->slots[s].hnext)
		if (dns_qkey_equal(&t->slots[s].key, k))
			return s;
	return NIL;
}

uint32_t
dns_qtab_take(struct dns_qtab *t, const struct dns_qkey *k, unsigned tclass, hns_time_t now)
{
	uint32_t s = t->free_slot;
	uint16_t id = 0;
	int i;

	if (s == NIL || t->n_used == t->n_slots)
		return NIL;
	for (i = 0; i < ID_DRAWS; i++) {
		id = hns_csprng_u16();
		if (t->id_slot[id] == 0)
			break;
	}
	if (i == ID_DRAWS)
		return NIL;

	struct dns_qtab_slot *sl = &t->slots[s];
	uint32_t b = k->hash & t->bmask;

	t->free_slot = sl->hnext;
	memset(sl, 0, offsetof(struct dns_qtab_slot, key));
	sl->used = true;
	sl->id = id;
	sl->tclass = (uint8_t)tclass;
	sl->start = now;
	sl->key = *k;
	sl->tprev = sl->tnext = NIL;
	sl->waiters = sl->last_waiter = NIL;
	sl->hnext = t->buckets[b];
	t->buckets[b] = s;
	t->id_slot[id] = (uint16_t)(s + 1);
	t->n_used++;
	return s;
}

void
dns_qtab_release(struct dns_qtab *t, uint32_t s)
{
	struct dns_qtab_slot *sl = &t->slots[s];
	uint32_t *pp = &t->buckets[sl->key.hash & t->bmask];

	dns_qtab_disarm(t, s);
	while (*pp != s)
		pp = &t->slots[*pp].hnext;
	*pp = sl->hnext;
	if (sl->waiters != NIL) {
		t->wnext[sl->last_waiter] = t->free_waiter;
		t->free_waiter = sl->waiters;
	}
	t->id_slot[sl->id] = 0;
	sl->used = false;
	sl->hnext = t->free_slot;
	t->free_slot = s;
	t->n_used--;
}

uint32_t
dns_qtab_waiter_add(struct dns_qtab *t, uint32_t s)
{
	uint32_t w = t->free_waiter;
	struct dns_qtab_slot *sl = &t->slots[s];

	if (w == NIL)
		return NIL;
	t->free_waiter = t->wnext[w];
	t->wnext[w] = NIL;
	if (sl->last_waiter == NIL)
		sl->waiters = w;
	else
		t->wnext[sl->last_waiter] = w;
	sl->last_waiter = w;
	sl->n_waiters++;
	return w;
}
