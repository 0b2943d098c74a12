#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"

#define ARENA_BLOCK 65536

struct hns_arena_block {
	struct hns_arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void
hns_arena_init(struct hns_arena *a)
{
	a->head = NULL;
}

void
hns_arena_deinit(struct hns_arena *a)
{
	struct hns_arena_block *b = a->head, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

void *
hns_arena_alloc(struct hns_arena *a, size_t size)
{
	struct hns_arena_block *b = a->head;
	size_t need = (size + 15) & ~(size_t)15;

	if (need < size)
		return NULL;
	if (b == NULL || b->size - b->used < need) {
		size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;

		b = calloc(1, sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->size = cap;
		if (a->head != NULL && need > ARENA_BLOCK) {
			/* A big one-off: keep the current block for small ones. */
			b->next = a->head->next;
			a->head->next = b;
			b->used = need;
			return b->data;
		}
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;

	b->used += need;
	return p;
}

char *
hns_arena_strndup(struct hns_arena *a, const char *s, size_t n)
{
	char *p = hns_arena_alloc(a, n + 1);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

char *
hns_arena_strdup(struct hns_arena *a, const char *s)
{
	return hns_arena_strndup(a, s, strlen(s));
}

char *
hns_arena_printf(struct hns_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = hns_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
