#include "config.h"

#include <string.h>

#include "dns/qkey.h"

void
dns_qkey_make(struct dns_qkey *k, const struct dns_question *q, bool edns, bool do_bit,
	      uint32_t tag)
{
	uint32_t h = 2166136261u;

	/* Lower-case, copy and hash in one pass (label lengths, below 64, are left alone). */
	for (size_t i = 0; i < q->name_len; i++) {
		uint8_t c = q->name[i];

		c = (uint8_t)(c + ((uint8_t)(c - 'A') < 26 ? 'a' - 'A' : 0));
		k->name[i] = c;
		h = (h ^ c) * 16777619u;
	}
	k->name_len = q->name_len;
	k->tag = tag;
	k->qtype = q->qtype;
	k->qclass = q->qclass;
	k->flags = (uint8_t)((do_bit ? DNS_QKEY_DO : 0) | (edns ? DNS_QKEY_EDNS : 0));
	h = (h ^ k->qtype) * 16777619u;
	h = (h ^ k->qclass) * 16777619u;
	h = (h ^ k->flags) * 16777619u;
	if (tag)
		h = (h ^ tag) * 16777619u;
	k->hash = h ^ (h >> 15);
}
