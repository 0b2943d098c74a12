/*
 * vpn/queue.c -- the in-flight FIFO: an entry ring and a byte ring.
 *
 * Byte ring layout: live payloads lie in [bhead, btail) when bhead <=
 * btail, else in [bhead, end of the last upper payload) and [0, btail).
 * A payload never wraps: when it does not fit at the end it starts at 0
 * and the end is left unused until the queue drains past it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hugepage.h"
#include "vpn/queue.h"

int
vpn_queue_init(struct vpn_queue *q, uint32_t entries, uint32_t bytes)
{
	uint32_t cap = 16;

	if (bytes < 65535 || entries == 0 || entries > (1u << 24))
		return HNS_EINVAL;
	while (cap < entries)
		cap <<= 1;
	memset(q, 0, sizeof(*q));
	q->e = hns_calloc_huge(cap, sizeof(*q->e));
	q->buf = hns_malloc_huge(bytes);
	if (!q->e || !q->buf) {
		free(q->e);
		free(q->buf);
		memset(q, 0, sizeof(*q));
		return HNS_ENOMEM;
	}
	q->mask = cap - 1;
	q->size = bytes;
	return 0;
}

void
vpn_queue_deinit(struct vpn_queue *q)
{
	free(q->e);
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

int
vpn_queue_push(struct vpn_queue *q, hns_time_t at, const void *data, size_t len, uint32_t flow,
	       uint32_t gen, uint8_t kind)
{
	struct vpn_qentry *e;
	uint32_t off;

	if (len > 65535 || vpn_queue_len(q) > q->mask)
		return HNS_EFULL;
	if (q->head == q->tail) {
		q->bhead = 0;
		q->btail = 0;
	}
	if (q->bhead <= q->btail) {
		if (len <= q->size - q->btail)
			off = q->btail;
		else if (len < q->bhead)
			off = 0;
		else
			return HNS_EFULL;
	} else {
		if (q->btail + len < q->bhead)
			off = q->btail;
		else
			return HNS_EFULL;
	}
	if (len > 0)
		memcpy(q->buf + off, data, len);
	q->btail = off + (uint32_t)len;
	e = &q->e[q->tail & q->mask];
	e->at = at;
	e->flow = flow;
	e->gen = gen;
	e->off = off;
	e->len = (uint16_t)len;
	e->kind = kind;
	q->tail++;
	return 0;
}

void
vpn_queue_pop(struct vpn_queue *q)
{
	const struct vpn_qentry *e;

	if (q->head == q->tail)
		return;
	e = &q->e[q->head & q->mask];
	q->bhead = e->off + e->len;
	q->head++;
	if (q->head == q->tail) {
		q->bhead = 0;
		q->btail = 0;
	}
}
