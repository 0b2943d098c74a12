/*
 * dns/nametab.h -- a name table: (tag, domain name) -> value, with
 * label-boundary longest-suffix lookup.
 *
 * Keys are wire-form names, compared case-insensitively (ASCII, RFC 4343);
 * the tag separates namespaces that share one table (the rules of each VPC
 * view, the nodes of each zone).  A key is hashed label by label from the
 * root, so the hashes of every suffix of a query name come out of one pass
 * over it, and the longest suffix present is found with one probe per
 * label at most (fewer: only depths that some key has are probed), never
 * a scan of the keys.  Suffixes end at label boundaries: `xample.com`
 * never matches `example.com`; the root (length 1) is a key like any other.
 *
 * Built at load time, then only read, by any number of threads.  Keys are
 * copied (lower-cased) into the table; values are the caller's.
 * Users: the on-prem forwarder's rule lookup, the resolver's rule and zone
 * node tables.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

struct dns_nametab_slot {
	uint32_t hash;
	uint32_t tag;
	uint32_t off; /* of the key in names */
	uint8_t len;  /* 0: empty */
	void *val;
};

struct dns_nametab {
	struct dns_nametab_slot *slots; /* owned; [cap], cap a power of two */
	size_t cap, n;
	uint8_t *names; /* owned: the keys, lower-cased, back to back */
	size_t names_len, names_cap;
	uint64_t depths; /* bit d: some key has d labels (bit 63: 63 or more) */
};

void dns_nametab_init(struct dns_nametab *t);
void dns_nametab_deinit(struct dns_nametab *t);
/* Insert or replace (tag, name) -> val; 0 or HNS_ENOMEM. */
int dns_nametab_put(struct dns_nametab *t, uint32_t tag, const uint8_t *name, size_t len,
		    void *val);
/* The value of exactly (tag, name), or NULL. */
void *dns_nametab_get(const struct dns_nametab *t, uint32_t tag, const uint8_t *name, size_t len);
/* The same for a name already in lower case (no case folding on the way). */
void *dns_nametab_get_lower(const struct dns_nametab *t, uint32_t tag, const uint8_t *name,
			    size_t len);

/* A walk over the suffixes of one name present in the table, longest first. */
struct dns_nametab_walk {
	const struct dns_nametab *t;
	const uint8_t *name;
	uint32_t tag;
	int next; /* label index of the next suffix to probe (n: the root); past n: done */
	uint8_t off[DNS_NAME_MAX / 2 + 1];  /* where the suffix of label i starts */
	uint32_t hash[DNS_NAME_MAX / 2 + 1];
	int n;	    /* labels of the name, the root excluded */
	size_t len; /* of the name */
};

void dns_nametab_walk_init(struct dns_nametab_walk *w, const struct dns_nametab *t, uint32_t tag,
			   const uint8_t *name, size_t len);
/*
 * The value of the next (shorter) suffix present, with its offset in the
 * name in *off; NULL when no shorter suffix is present.
 */
void *dns_nametab_walk_next(struct dns_nametab_walk *w, size_t *off);
/* The value of the longest suffix of name present under tag (offset in *off), or NULL. */
void *dns_nametab_longest(const struct dns_nametab *t, uint32_t tag, const uint8_t *name,
			  size_t len, size_t *off);
/* The same for a name already in lower case (the hot path: no copy). */
void *dns_nametab_longest_lower(const struct dns_nametab *t, uint32_t tag, const uint8_t *name,
				size_t len, size_t *off);
