#include "config.h"

#include <string.h>

#include "dns/qkey.h"

void
dns_qkey_make(struct dns_qkey *k, const struct dns_question *q, bool edns, bool do_bit,
	      uint32_t tag)
{
	uint32_t h = 2166136261u;

	memcpy(k->name, q->name, q->name_len);
	k->name_len = q->name_len;
	dns_name_lower(k->name, k->name_len);
	k->tag = tag;
	k->qtype = q->qtype;
	k->qclass = q->qclass;
	k->flags = (uint8_t)((do_bit ? DNS_QKEY_DO : 0) | (edns ? DNS_QKEY_EDNS : 0));
	for (size_t i = 0; i < k->name_len; i++)
		h = (h ^ k->name[i]) * 16777619u;
	h = (h ^ k->qtype) * 16777619u;
	h = (h ^ k->qclass) * 16777619u;
	h = (h ^ k->flags) * 16777619u;
	if (tag)
		h = (h ^ tag) * 16777619u;
	k->hash = h ^ (h >> 15);
}
