/*
 * Fuzz target for dns/chain.h on arbitrary bytes: no crash, no read or
 * write outside the buffers, and the functions agree with each other:
 *  - the pre-test and dns_chain_dangling never read past the packet;
 *  - a dangling target is a well-formed name, and a packet joined with
 *    itself parses back (dns_answer_info_get) with the answer records of
 *    both and the leg's rcode.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns/chain.h"
#include "dns/msg.h"
#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static uint8_t out[2 * 65536 + 64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_cursor c;
	struct dns_header h;
	uint8_t q[DNS_NAME_MAX], t[DNS_NAME_MAX];
	size_t qlen;
	unsigned n = 0;

	if (size > 65535 || dns_header_parse(data, size, &h) != 0)
		return 0;
	dns_cursor_init(&c, data, size);
	dns_cursor_skip(&c, DNS_HEADER_LEN);
	qlen = dns_cursor_name(&c, q);
	if (qlen && c.pos == DNS_HEADER_LEN + qlen) {
		(void)dns_chain_first_is_cname(data, size, qlen);
		static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_TXT,
						  DNS_TYPE_CNAME };

		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			size_t tlen = dns_chain_dangling(data, size, q, qlen, types[i], t, &n);

			check(tlen <= DNS_NAME_MAX);
			if (tlen) {
				char s[DNS_NAME_STRLEN];

				check(n >= 1);
				check(dns_name_to_str(t, tlen, s, sizeof(s)) == 0);
			}
		}
	}

	size_t len = dns_chain_join(data, size, data, size, true, 1232, false, out, sizeof(out));

	if (len) {
		struct dns_answer_info ai;

		check(len <= sizeof(out));
		check(dns_header_parse(out, len, &h) == 0);
		check(DNS_RCODE(h.flags) == DNS_RCODE(dns_read_u16(data + 2)));
		check(h.ancount == (uint16_t)(2 * dns_read_u16(data + 6)));
		if (len <= 65535 && dns_answer_info_get(data, size, &ai) == 0)
			check(dns_answer_info_get(out, len, &ai) == 0);
	}
	return 0;
}
