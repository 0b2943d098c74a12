/*
 * Fuzz target for the query parser, the name functions and the
 * error-response builders: any bytes in, no crash, and
 *  - a name read at any offset is well formed and at most 255 octets;
 *  - a parsed question name goes to text and back unchanged, compares
 *    equal to its lower-case form and lies below itself and the root;
 *  - every answer built stays inside its buffer (at every capacity) and
 *    parses back with the same ID and question, spelled as the client did.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether name is len octets of labels of at most 63 ending with the root label. */
static bool
name_well_formed(const uint8_t *name, size_t len)
{
	size_t pos = 0;

	if (len == 0 || len > DNS_NAME_MAX)
		return false;
	while (pos < len) {
		if (name[pos] == 0)
			return pos + 1 == len;
		if (name[pos] > DNS_LABEL_MAX)
			return false;
		pos += 1 + (size_t)name[pos];
	}
	return false;
}

static void
check_names_at_every_offset(const uint8_t *data, size_t size)
{
	uint8_t name[DNS_NAME_MAX];
	struct dns_cursor c;

	for (size_t at = 0; at < size && at < 1024; at++) {
		dns_cursor_init(&c, data, size);
		c.pos = at;
		size_t n = dns_cursor_name(&c, name);

		if (c.err != 0) {
			if (n != 0 || c.pos != at)
				abort();
			continue;
		}
		if (!name_well_formed(name, n) || c.pos <= at || c.pos > size)
			abort();
	}
}

static void
check_name(const uint8_t *name, size_t len)
{
	char text[DNS_NAME_STRLEN];
	uint8_t wire[DNS_NAME_MAX], low[DNS_NAME_MAX];

	if (dns_name_to_str(name, len, text, sizeof(text)) != 0)
		abort();
	/* The text form goes back to the same wire name. */
	int n = dns_name_from_str(text, wire);

	if (n != (int)len || memcmp(wire, name, len) != 0)
		abort();
	memcpy(low, name, len);
	dns_name_lower(low, len);
	if (!dns_name_equal(low, len, name, len) || dns_name_compare(low, len, name, len) != 0 ||
	    !dns_name_is_subdomain(name, len, low, len) ||
	    !dns_name_is_subdomain(name, len, (const uint8_t *)"", 1))
		abort();
	size_t labels = dns_name_label_count(name, len);

	if (labels > 127 || (len == 1) != (labels == 0))
		abort();
	/* Drop the first label: the parent is above the name and sorts before it. */
	if (labels > 0) {
		size_t skip = 1 + (size_t)name[0];

		if (!dns_name_is_subdomain(name, len, name + skip, len - skip) ||
		    dns_name_is_subdomain(name + skip, len - skip, name, len) ||
		    dns_name_compare(name + skip, len - skip, name, len) >= 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query q, back;
	uint8_t out[512];

	check_names_at_every_offset(data, size);
	if (dns_query_parse(data, size, &q) != 0) {
		if (size >= DNS_HEADER_LEN && dns_build_formerr(&q.hdr, out, sizeof(out)) == 0)
			abort();
		return 0;
	}
	if (!name_well_formed(q.q.name, q.q.name_len) || q.question_end > size)
		abort();
	check_name(q.q.name, q.q.name_len);

	size_t len = dns_build_error(data, &q, DNS_RCODE_SERVFAIL, out, sizeof(out));

	if (len > sizeof(out))
		abort();
	if (len > 0) {
		if (dns_query_parse(out, len, &back) != 0)
			abort();
		if (!dns_name_equal(back.q.name, back.q.name_len, q.q.name, q.q.name_len) ||
		    back.q.qtype != q.q.qtype || back.hdr.id != q.hdr.id ||
		    back.has_edns != q.has_edns || !(back.hdr.flags & DNS_FLAG_QR) ||
		    DNS_RCODE(back.hdr.flags) != DNS_RCODE_SERVFAIL)
			abort();
		/* The question name is spelled as the client did. */
		if (memcmp(out + DNS_HEADER_LEN, q.q.name, q.q.name_len) != 0)
			abort();
	}
	/* Every smaller capacity: nothing or something that fits. */
	for (size_t cap = 0; cap < len; cap++) {
		uint8_t *small = malloc(cap ? cap : 1);

		if (small == NULL)
			abort();
		size_t n = dns_build_error(data, &q, DNS_RCODE_REFUSED, small, cap);

		free(small);
		if (n > cap)
			abort();
	}
	return 0;
}
