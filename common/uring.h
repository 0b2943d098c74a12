/*
 * common/uring.h -- what the io_uring loops share (resolver/io_uring.c,
 * forwarder/io_uring.c): a ring of provided receive buffers, and enabling
 * a ring that was made disabled.
 *
 * A multishot receive takes a buffer from the group for each datagram and
 * names it in its completion (the buffer ID); the loop gives it back once
 * the datagram is handled, and publishes the ones it gave back with
 * io_uring_buf_ring_advance.
 */
#pragma once

#include <liburing.h>
#include <stddef.h>
#include <stdint.h>

struct hns_uring_bufs {
	struct io_uring_buf_ring *br; /* shared with the kernel */
	size_t br_size;
	uint8_t *mem; /* [n][len] */
	unsigned n;   /* a power of two */
	size_t len;
};

/* n buffers of len octets as buffer group bgid of ring, all given; 0 or a negative errno. */
int hns_uring_bufs_init(struct hns_uring_bufs *b, struct io_uring *ring, unsigned n, size_t len,
			unsigned short bgid);
/* After io_uring_queue_exit (accepts a zeroed or half-made b). */
void hns_uring_bufs_free(struct hns_uring_bufs *b);

static inline uint8_t *
hns_uring_buf(const struct hns_uring_bufs *b, unsigned bid)
{
	return b->mem + (size_t)bid * b->len;
}

/* Give buffer bid back, as the offset-th of this batch (published by io_uring_buf_ring_advance). */
static inline void
hns_uring_buf_return(struct hns_uring_bufs *b, unsigned bid, int offset)
{
	io_uring_buf_ring_add(b->br, hns_uring_buf(b, bid), (unsigned)b->len, (unsigned short)bid,
			      io_uring_buf_ring_mask(b->n), offset);
}

/*
 * Enable a ring made with IORING_SETUP_R_DISABLED, from the thread that is
 * to be its one submitter (IORING_SETUP_SINGLE_ISSUER); 0 or a negative
 * errno.
 */
int hns_uring_enable(struct io_uring *ring);
