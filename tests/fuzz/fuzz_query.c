/*
 * Fuzz target for the query parser and the error-response builder: any
 * bytes in, no crash, and every answer built stays inside its buffer and
 * parses back with the same question.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query q, back;
	uint8_t out[512];
	char text[DNS_NAME_STRLEN];

	if (dns_query_parse(data, size, &q) != 0) {
		if (size >= DNS_HEADER_LEN && dns_build_formerr(&q.hdr, out, sizeof(out)) == 0)
			abort();
		return 0;
	}
	if (dns_name_to_str(q.q.name, q.q.name_len, text, sizeof(text)) != 0)
		abort();
	/* The text form goes back to the same wire name. */
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_str(text, wire);

	if (n != q.q.name_len || !dns_name_equal(wire, (size_t)n, q.q.name, q.q.name_len))
		abort();
	size_t len = dns_build_error(data, &q, DNS_RCODE_SERVFAIL, out, sizeof(out));

	if (len > 0) {
		if (dns_query_parse(out, len, &back) != 0)
			abort();
		if (!dns_name_equal(back.q.name, back.q.name_len, q.q.name, q.q.name_len) ||
		    back.q.qtype != q.q.qtype || back.hdr.id != q.hdr.id)
			abort();
	}
	return 0;
}
