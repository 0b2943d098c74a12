/*
 * common/rand.h -- randomness.
 *
 * hns_prng is a small seeded generator (xoshiro256**, seeded through
 * splitmix64) for everything that must be reproducible: loss, jitter,
 * {rand} names, target choice.  It is a value; give each thread its own.
 *
 * hns_csprng_* draws from the kernel (getrandom) through a per-thread
 * buffer, for values an off-path attacker must not guess: DNS IDs and
 * source ports (RFC 5452).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct hns_prng {
	uint64_t s[4];
};

void hns_prng_seed(struct hns_prng *r, uint64_t seed);
uint64_t hns_prng_next(struct hns_prng *r);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint32_t hns_prng_below(struct hns_prng *r, uint32_t bound);
/* Uniform in [0, 1). */
double hns_prng_double(struct hns_prng *r);
/* Standard normal (mean 0, deviation 1), Box-Muller. */
double hns_prng_normal(struct hns_prng *r);

/* Fill buf with unpredictable bytes; 0 or a negative hns_err. */
int hns_csprng_bytes(void *buf, size_t len);
/* An unpredictable 16-bit value (DNS ID); never fails (aborts if the kernel cannot supply). */
uint16_t hns_csprng_u16(void);
