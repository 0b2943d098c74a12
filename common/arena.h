/*
 * common/arena.h -- a bump allocator for things that share one lifetime
 * (a loaded scenario).  Nothing is freed alone; hns_arena_free() releases
 * everything at once.  Allocations are 16-byte aligned and zeroed.
 */
#pragma once

#include <stddef.h>

struct hns_arena_block;

struct hns_arena {
	struct hns_arena_block *head;
};

void hns_arena_init(struct hns_arena *a);
void hns_arena_deinit(struct hns_arena *a); /* frees every block */
/* Zeroed memory, or NULL when out of memory. */
void *hns_arena_alloc(struct hns_arena *a, size_t size);
char *hns_arena_strdup(struct hns_arena *a, const char *s);
char *hns_arena_strndup(struct hns_arena *a, const char *s, size_t n);
char *hns_arena_printf(struct hns_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
