/*
 * common/hash.h -- FNV-1a, the one non-cryptographic hash of the project.
 *
 * Fowler/Noll/Vo FNV-1a (draft-eastlake-fnv): for each byte, xor it in, then
 * multiply by the FNV prime.  Cheap on the short keys hash tables here hold
 * (names, addresses).  Seeded users xor their seed into the offset basis;
 * callers that hash several fields continue from the value of the last call.
 * Inline: it sits on per-packet paths.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HNS_FNV32_BASIS 2166136261u
#define HNS_FNV32_PRIME 16777619u
#define HNS_FNV64_BASIS 0xcbf29ce484222325ULL
#define HNS_FNV64_PRIME 0x100000001b3ULL

/* 32-bit FNV-1a of n bytes at p, continuing from h (HNS_FNV32_BASIS to start). */
static inline uint32_t
hns_fnv1a32(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * HNS_FNV32_PRIME;
	return h;
}

/* 64-bit FNV-1a of n bytes at p, continuing from h (HNS_FNV64_BASIS to start). */
static inline uint64_t
hns_fnv1a64(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * HNS_FNV64_PRIME;
	return h;
}
