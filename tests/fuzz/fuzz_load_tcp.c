/*
 * Fuzz target for the load generator's DNS-over-TCP framing
 * (harness/loadgen_tcp.h, lg_tcp_frames): arbitrary bytes never make it
 * read outside the buffer, every message it hands out lies inside it with
 * the length its prefix says, and feeding the same bytes in two pieces (the
 * rest of the first carried over, as lg_tcp_pump does) gives the same
 * messages.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "harness/loadgen_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	const uint8_t *lo, *hi;
	uint64_t n, sum; /* messages, and a digest of their contents */
};

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
on_msg(void *arg, const uint8_t *msg, size_t len)
{
	struct seen *s = arg;

	check(msg >= s->lo && msg + len <= s->hi);
	check(((size_t)msg[-2] << 8 | msg[-1]) == len);
	s->n++;
	for (size_t i = 0; i < len; i++)
		s->sum = s->sum * 31 + msg[i];
	s->sum = s->sum * 31 + len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole = { data, data + size, 0, 0 }, parts = { 0 };
	size_t used = lg_tcp_frames(data, size, on_msg, &whole), cut, u1, u2;
	uint8_t *buf;

	check(used <= size);
	check(size - used < 2 || size - used < 2 + ((size_t)data[used] << 8 | data[used + 1]));
	if (size == 0)
		return 0;
	/* two pieces: the first byte says where to cut */
	cut = data[0] % size;
	buf = malloc(size);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, cut);
	parts.lo = buf;
	parts.hi = buf + cut;
	u1 = lg_tcp_frames(buf, cut, on_msg, &parts);
	memmove(buf, buf + u1, cut - u1);
	memcpy(buf + (cut - u1), data + cut, size - cut);
	parts.hi = buf + (size - u1);
	u2 = lg_tcp_frames(buf, size - u1, on_msg, &parts);
	check(u1 + u2 == used);
	check(parts.n == whole.n && parts.sum == whole.sum);
	free(buf);
	return 0;
}
