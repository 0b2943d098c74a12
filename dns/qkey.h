/*
 * dns/qkey.h -- the key of a question, for caches and tables of queries in flight.
 *
 * Lower-cased qname, qtype, qclass, the flags that change the answer (the
 * DO bit, and whether the query had EDNS at all, so an answer carrying an
 * OPT record never goes to a client that sent none) and a tag the user
 * chooses (0, or e.g. the index of the rule the question was forwarded by,
 * when the same question has a different answer per rule).  The hash is
 * FNV-1a over all of it, computed once by dns_qkey_make.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dns/wire.h"

struct dns_qkey {
	uint32_t hash;
	uint32_t tag;
	uint16_t qtype, qclass;
	uint8_t flags; /* DNS_QKEY_DO | DNS_QKEY_EDNS */
	uint8_t name_len;
	uint8_t name[DNS_NAME_MAX]; /* lower-cased; last, so short names touch one cache line */
};

#define DNS_QKEY_DO 0x1
#define DNS_QKEY_EDNS 0x2

/* Key of question q (name in any case) under tag. */
void dns_qkey_make(struct dns_qkey *k, const struct dns_question *q, bool edns, bool do_bit,
		   uint32_t tag);

static inline bool
dns_qkey_equal(const struct dns_qkey *a, const struct dns_qkey *b)
{
	return a->hash == b->hash && a->tag == b->tag && a->qtype == b->qtype &&
	       a->qclass == b->qclass && a->flags == b->flags && a->name_len == b->name_len &&
	       memcmp(a->name, b->name, a->name_len) == 0;
}
