/*
 * model/ids.c -- AWS ids (vpc-, vpce-, rslvr-...) and endpoint DNS suffixes:
 * as written in the scenario, or derived from the object's name so that
 * every load of a scenario gives the same ones.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "common/hash.h"
#include "model/schema.h"

/* Stable 64-bit FNV-1a of "kind/name" with a seed. */
static uint64_t
ld_hash(const char *kind, const char *name, uint64_t seed)
{
	uint64_t h = hns_fnv1a64(HNS_FNV64_BASIS ^ seed, kind, strlen(kind));

	h = hns_fnv1a64(h, "/", 1);
	h = hns_fnv1a64(h, name, strlen(name));
	/* final avalanche */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* "<prefix>" + 17 lowercase hex digits derived from kind and name. */
const char *
ld_derive_id(struct ld *ld, const char *prefix, const char *kind, const char *name)
{
	uint64_t a = ld_hash(kind, name, 1), b = ld_hash(kind, name, 2);

	return ld_printf(ld, "%s%016" PRIx64 "%x", prefix, a, (unsigned)(b & 0xf));
}

const char *
ld_derive_suffix(struct ld *ld, const char *name)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t h = ld_hash("dns_suffix", name, 3);
	char s[9];

	for (int i = 0; i < 8; i++) {
		s[i] = alnum[h % 36];
		h /= 36;
	}
	s[8] = '\0';
	return ld_strdup(ld, s);
}

/* An optional AWS id: prefix + 8 or 17 lowercase hex digits. */
const char *
ld_aws_id(struct ld *ld, const struct ynode *v, const char *path, const char *prefix)
{
	size_t pl = strlen(prefix), hex;

	if (!ld_want_scalar(ld, v, path, "an id"))
		return NULL;
	hex = v->len > pl ? v->len - pl : 0;
	if (strncmp(v->str, prefix, pl) != 0 || (hex != 8 && hex != 17) ||
	    strspn(v->str + pl, "0123456789abcdef") != hex) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a valid id (expected %s followed by 17 hex digits)", v->str,
		       prefix);
		return NULL;
	}
	return ld_strdup(ld, v->str);
}
