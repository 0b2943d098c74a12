#include "config.h"

#include <string.h>

#include "common/hash.h"
#include "dns/qkey.h"

void
dns_qkey_make(struct dns_qkey *k, const struct dns_question *q, bool edns, bool do_bit,
	      uint32_t tag)
{
	uint32_t h = HNS_FNV32_BASIS;

	/* Lower-case, copy and hash in one pass (label lengths, below 64, are left alone). */
	for (size_t i = 0; i < q->name_len; i++) {
		uint8_t c = q->name[i];

		c = (uint8_t)(c + ((uint8_t)(c - 'A') < 26 ? 'a' - 'A' : 0));
		k->name[i] = c;
		h = (h ^ c) * HNS_FNV32_PRIME;
	}
	k->name_len = q->name_len;
	k->tag = tag;
	k->qtype = q->qtype;
	k->qclass = q->qclass;
	k->flags = (uint8_t)((do_bit ? DNS_QKEY_DO : 0) | (edns ? DNS_QKEY_EDNS : 0));
	h = (h ^ k->qtype) * HNS_FNV32_PRIME;
	h = (h ^ k->qclass) * HNS_FNV32_PRIME;
	h = (h ^ k->flags) * HNS_FNV32_PRIME;
	if (tag)
		h = (h ^ tag) * HNS_FNV32_PRIME;
	k->hash = h ^ (h >> 15);
}
