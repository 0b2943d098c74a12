/*
 * vpn/queue.h -- a bounded FIFO of packets in flight through one link.
 *
 * Packets join in delivery-time order (the tunnel model keeps each queue
 * FIFO), so the head is always the next one due: scheduling costs O(1)
 * per packet and one timer per queue.  Payloads are copied into one
 * circular byte buffer and entries into a power-of-two ring, both
 * allocated once; a full queue refuses the packet (the caller counts it).
 * No I/O: the relays pop what is due and send it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"

struct vpn_qentry {
	hns_time_t at;	/* delivery time */
	uint32_t flow;	/* owner's handle (relay flow index) */
	uint32_t gen;	/* owner's generation, to detect a reused handle */
	uint32_t off;	/* payload offset in the byte buffer */
	uint16_t len;	/* payload length */
	uint8_t kind;	/* owner's tag (which way the packet goes) */
	uint8_t pad;
};

struct vpn_queue {
	struct vpn_qentry *e; /* owned */
	uint32_t mask;	      /* entry capacity - 1 */
	uint32_t head, tail;  /* entry indices, free-running */
	uint8_t *buf;	      /* owned */
	uint32_t size;	      /* byte capacity */
	uint32_t bhead, btail;
};

/* entries is rounded up to a power of two; bytes must be at least 65535. */
int vpn_queue_init(struct vpn_queue *q, uint32_t entries, uint32_t bytes);
void vpn_queue_deinit(struct vpn_queue *q);

static inline size_t
vpn_queue_len(const struct vpn_queue *q)
{
	return q->tail - q->head;
}

/* The head entry, or NULL when empty. */
static inline const struct vpn_qentry *
vpn_queue_peek(const struct vpn_queue *q)
{
	return q->head == q->tail ? NULL : &q->e[q->head & q->mask];
}

/* The i-th entry from the head (i < vpn_queue_len). */
static inline const struct vpn_qentry *
vpn_queue_at(const struct vpn_queue *q, size_t i)
{
	return &q->e[(q->head + (uint32_t)i) & q->mask];
}

static inline const uint8_t *
vpn_queue_data(const struct vpn_queue *q, const struct vpn_qentry *e)
{
	return q->buf + e->off;
}

/*
 * Append a copy of data (len <= 65535) due at `at` (not before the tail's
 * time: the caller keeps FIFO order).  HNS_EFULL when it does not fit.
 */
int vpn_queue_push(struct vpn_queue *q, hns_time_t at, const void *data, size_t len, uint32_t flow,
		   uint32_t gen, uint8_t kind);
/* Remove the head entry (its data is invalid afterwards). */
void vpn_queue_pop(struct vpn_queue *q);
