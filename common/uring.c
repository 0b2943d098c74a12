#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/uring.h"

int
hns_uring_bufs_init(struct hns_uring_bufs *b, struct io_uring *ring, unsigned n, size_t len,
		    unsigned short bgid)
{
	*b = (struct hns_uring_bufs){ .n = n, .len = len };
	b->mem = malloc((size_t)n * len);
	if (!b->mem)
		return -ENOMEM;
	/* the ring of buffer addresses: memory the kernel and we share */
	b->br_size = n * sizeof(struct io_uring_buf);
	b->br = mmap(NULL, b->br_size, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (b->br == MAP_FAILED) {
		b->br = NULL;
		return -ENOMEM;
	}

	struct io_uring_buf_reg reg = { .ring_addr = (uintptr_t)b->br, .ring_entries = n, .bgid = bgid };
	int rc = io_uring_register_buf_ring(ring, &reg, 0);

	if (rc < 0)
		return rc;
	io_uring_buf_ring_init(b->br);
	for (unsigned i = 0; i < n; i++)
		hns_uring_buf_return(b, i, (int)i);
	io_uring_buf_ring_advance(b->br, (int)n);
	return 0;
}

void
hns_uring_bufs_free(struct hns_uring_bufs *b)
{
	if (b->br)
		munmap(b->br, b->br_size);
	free(b->mem);
	b->br = NULL;
	b->mem = NULL;
}

int
hns_uring_enable(struct io_uring *ring)
{
	/* liburing 2.3 declares io_uring_enable_rings but does not export it */
	if (syscall(__NR_io_uring_register, ring->ring_fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0)
		return -errno;
	return 0;
}
