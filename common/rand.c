#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/error.h"
#include "common/rand.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
hns_prng_seed(struct hns_prng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t
hns_prng_next(struct hns_prng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t
hns_prng_below(struct hns_prng *r, uint32_t bound)
{
	/* Lemire's multiply-shift with rejection of the biased low range. */
	uint64_t m = (uint64_t)(uint32_t)hns_prng_next(r) * bound;
	uint32_t low = (uint32_t)m;

	if (low < bound) {
		uint32_t threshold = -bound % bound;

		while (low < threshold) {
			m = (uint64_t)(uint32_t)hns_prng_next(r) * bound;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

double
hns_prng_double(struct hns_prng *r)
{
	return (double)(hns_prng_next(r) >> 11) * 0x1.0p-53;
}

double
hns_prng_normal(struct hns_prng *r)
{
	double u1, u2;

	do {
		u1 = hns_prng_double(r);
	} while (u1 <= 0.0);
	u2 = hns_prng_double(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int
hns_csprng_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

uint16_t
hns_csprng_u16(void)
{
	/* One getrandom() per 256 IDs: the hot path asks for one per upstream query. */
	static __thread uint16_t pool[256];
	static __thread unsigned left;

	if (left == 0) {
		if (hns_csprng_bytes(pool, sizeof(pool)) != 0) {
			fprintf(stderr, "hybridns: getrandom failed\n");
			abort();
		}
		left = 256;
	}
	return pool[--left];
}
