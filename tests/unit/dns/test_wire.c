#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/error.h"
#include "dns/wire.h"
#include "tests/unit/dns/testpkt.h"

/* ------------------------------------------------------------ cursor */

static void
test_cursor_reads(void **state)
{
	const uint8_t buf[] = {1, 2, 3, 4, 5, 6, 7};
	struct dns_cursor c;

	dns_cursor_init(&c, buf, sizeof(buf));
	assert_int_equal(dns_cursor_left(&c), 7);
	assert_int_equal(dns_cursor_u8(&c), 1);
	assert_int_equal(dns_cursor_u16(&c), 0x0203);
	assert_int_equal(dns_cursor_u32(&c), 0x04050607);
	assert_int_equal(dns_cursor_left(&c), 0);
	assert_int_equal(c.err, 0);
	/* Past the end: 0 and a sticky error. */
	assert_int_equal(dns_cursor_u8(&c), 0);
	assert_int_equal(c.err, HNS_ETRUNC);
	assert_int_equal(c.pos, 7);
}

static void
test_cursor_exact_boundaries(void **state)
{
	const uint8_t buf[] = {0xde, 0xad, 0xbe, 0xef};
	struct dns_cursor c;

	/* Each read that ends exactly at the end succeeds ... */
	dns_cursor_init(&c, buf, 4);
	assert_int_equal(dns_cursor_u32(&c), 0xdeadbeef);
	assert_int_equal(c.err, 0);
	dns_cursor_init(&c, buf, 2);
	assert_int_equal(dns_cursor_u16(&c), 0xdead);
	assert_int_equal(c.err, 0);
	dns_cursor_init(&c, buf, 4);
	assert_ptr_equal(dns_cursor_bytes(&c, 4), buf);
	assert_int_equal(c.err, 0);
	dns_cursor_init(&c, buf, 4);
	assert_ptr_equal(dns_cursor_bytes(&c, 0), buf);
	dns_cursor_skip(&c, 4);
	assert_int_equal(c.err, 0);

	/* ... and one octet more fails without moving. */
	dns_cursor_init(&c, buf, 3);
	assert_int_equal(dns_cursor_u32(&c), 0);
	assert_int_equal(c.err, HNS_ETRUNC);
	assert_int_equal(c.pos, 0);
	dns_cursor_init(&c, buf, 1);
	assert_int_equal(dns_cursor_u16(&c), 0);
	assert_int_equal(c.err, HNS_ETRUNC);
	dns_cursor_init(&c, buf, 0);
	assert_int_equal(dns_cursor_u8(&c), 0);
	assert_int_equal(c.err, HNS_ETRUNC);
	dns_cursor_init(&c, buf, 4);
	assert_null(dns_cursor_bytes(&c, 5));
	assert_int_equal(c.err, HNS_ETRUNC);
	dns_cursor_init(&c, buf, 4);
	dns_cursor_skip(&c, SIZE_MAX);
	assert_int_equal(c.err, HNS_ETRUNC);
}

static void
test_cursor_sticky(void **state)
{
	const uint8_t buf[] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct dns_cursor c;

	dns_cursor_init(&c, buf, sizeof(buf));
	dns_cursor_skip(&c, 6);
	assert_int_equal(dns_cursor_u32(&c), 0); /* 2 left: fails */
	assert_int_equal(c.err, HNS_ETRUNC);
	/* Reads that would fit now fail too. */
	assert_int_equal(dns_cursor_u8(&c), 0);
	assert_int_equal(dns_cursor_u16(&c), 0);
	assert_null(dns_cursor_bytes(&c, 1));
	assert_int_equal(dns_cursor_name(&c, NULL), 0);
	assert_int_equal(dns_cursor_left(&c), 0);
	assert_int_equal(c.err, HNS_ETRUNC);
	assert_int_equal(c.pos, 6);
}

/* ------------------------------------------------------------- names */

static void
assert_round_trip(const char *in, const char *expect_text, size_t expect_len)
{
	uint8_t wire[DNS_NAME_MAX], again[DNS_NAME_MAX];
	char text[DNS_NAME_STRLEN];
	int n = dns_name_from_str(in, wire);

	assert_int_equal(n, (int)expect_len);
	assert_int_equal(dns_name_to_str(wire, (size_t)n, text, sizeof(text)), 0);
	assert_string_equal(text, expect_text);
	assert_int_equal(dns_name_from_str(text, again), n);
	assert_memory_equal(again, wire, (size_t)n);
}

static void
test_name_from_str(void **state)
{
	uint8_t wire[DNS_NAME_MAX];

	assert_int_equal(dns_name_from_str("www.Example.com", wire), 17);
	assert_memory_equal(wire, "\003www\007Example\003com\000", 17);
	assert_int_equal(dns_name_from_str("www.Example.com.", wire), 17);
	assert_memory_equal(wire, "\003www\007Example\003com\000", 17);
	assert_int_equal(dns_name_from_str(".", wire), 1);
	assert_int_equal(wire[0], 0);
	assert_int_equal(dns_name_from_str("", wire), 1);
	assert_int_equal(wire[0], 0);

	assert_round_trip("www.Example.com", "www.Example.com", 17);
	assert_round_trip("a.", "a", 3);
	assert_round_trip(".", "", 1);
	/* Escapes: an escaped dot stays inside its label. */
	assert_int_equal(dns_name_from_str("a\\.b.c", wire), 7);
	assert_memory_equal(wire, "\003a.b\001c\000", 7);
	assert_round_trip("a\\.b.c", "a\\.b.c", 7);
	assert_int_equal(dns_name_from_str("\\065bc", wire), 5);
	assert_memory_equal(wire, "\003Abc\000", 5);
	assert_round_trip("\\000\\255.x", "\\000\\255.x", 6);
	assert_round_trip("a\\ b", "a\\032b", 5);
	assert_round_trip("\\\\", "\\\\", 3);
	assert_round_trip("*.x", "*.x", 5);

	assert_int_equal(dns_name_from_str("\\256", wire), HNS_ENAME);
	assert_int_equal(dns_name_from_str("abc\\", wire), HNS_ENAME);
	/* Empty labels. */
	assert_int_equal(dns_name_from_str("a..b", wire), HNS_ENAME);
	assert_int_equal(dns_name_from_str(".a", wire), HNS_ENAME);
	assert_int_equal(dns_name_from_str("..", wire), HNS_ENAME);
	assert_int_equal(dns_name_from_str("a.b..", wire), HNS_ENAME);
}

static void
make_label(char *p, size_t n, char ch)
{
	memset(p, ch, n);
	p[n] = '\0';
}

static void
test_name_limits(void **state)
{
	char s[600], l63[64], l64[65], l61[62], l62[63];
	uint8_t wire[DNS_NAME_MAX];
	char text[DNS_NAME_STRLEN];

	make_label(l63, 63, 'a');
	make_label(l64, 64, 'b');
	make_label(l61, 61, 'c');
	make_label(l62, 62, 'd');

	/* 63-octet labels are fine, 64 are not. */
	snprintf(s, sizeof(s), "%s.com", l63);
	assert_int_equal(dns_name_from_str(s, wire), 1 + 63 + 4 + 1);
	snprintf(s, sizeof(s), "%s.com", l64);
	assert_int_equal(dns_name_from_str(s, wire), HNS_ENAME);
	snprintf(s, sizeof(s), "x.%s", l64);
	assert_int_equal(dns_name_from_str(s, wire), HNS_ENAME);

	/* 255 octets (3 x 64 + 62 + root) are fine, 256 are not, with or without the dot. */
	snprintf(s, sizeof(s), "%s.%s.%s.%s", l63, l63, l63, l61);
	assert_int_equal(dns_name_from_str(s, wire), 255);
	assert_int_equal(dns_name_to_str(wire, 255, text, sizeof(text)), 0);
	assert_string_equal(text, s);
	snprintf(s, sizeof(s), "%s.%s.%s.%s.", l63, l63, l63, l61);
	assert_int_equal(dns_name_from_str(s, wire), 255);
	snprintf(s, sizeof(s), "%s.%s.%s.%s", l63, l63, l63, l62);
	assert_int_equal(dns_name_from_str(s, wire), HNS_ENAME);
	snprintf(s, sizeof(s), "%s.%s.%s.%s.", l63, l63, l63, l62);
	assert_int_equal(dns_name_from_str(s, wire), HNS_ENAME);
	/* 127 one-octet labels: 255 octets. */
	s[0] = '\0';
	for (int i = 0; i < 127; i++)
		strcat(s, i ? ".z" : "z");
	assert_int_equal(dns_name_from_str(s, wire), 255);
	assert_int_equal(dns_name_label_count(wire, 255), 127);
	strcat(s, ".z");
	assert_int_equal(dns_name_from_str(s, wire), HNS_ENAME);
	/* A label that becomes 64 octets only through an escape. */
	snprintf(s, sizeof(s), "%s\\046", l63);
	assert_int_equal(dns_name_from_str(s, wire), HNS_ENAME);
}

static void
test_name_to_str_errors(void **state)
{
	uint8_t wire[DNS_NAME_MAX];
	char text[DNS_NAME_STRLEN];
	int n = dns_name_from_str("www.example.com", wire);

	assert_int_equal(dns_name_to_str(wire, (size_t)n, text, 16), 0);
	assert_string_equal(text, "www.example.com");
	assert_int_equal(dns_name_to_str(wire, (size_t)n, text, 15), HNS_ENAME);
	assert_int_equal(dns_name_to_str(wire, (size_t)n, text, 0), HNS_ENAME);
	assert_int_equal(dns_name_to_str((const uint8_t *)"\x05" "ab", 3, text, sizeof(text)),
			 HNS_ENAME);
	assert_int_equal(dns_name_to_str((const uint8_t *)"\x40", 1, text, sizeof(text)), HNS_ENAME);
	/* The worst case of escapes fits DNS_NAME_STRLEN. */
	memset(wire, 0xff, sizeof(wire));
	wire[0] = wire[64] = wire[128] = 63;
	wire[192] = 61;
	wire[254] = 0;
	assert_int_equal(dns_name_to_str(wire, 255, text, sizeof(text)), 0);
	assert_int_equal(strlen(text), 250 * 4 + 3);
}

static void
test_name_lower_count(void **state)
{
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_str("WwW.EXAMPLE.Com", wire);

	dns_name_lower(wire, (size_t)n);
	assert_memory_equal(wire, "\003www\007example\003com\000", 17);
	assert_int_equal(dns_name_label_count(wire, (size_t)n), 3);
	assert_int_equal(dns_name_label_count((const uint8_t *)"", 1), 0);
}

/* ------------------------------------------------------- compression */

/* A message buffer: header of zeros, then the given bytes from offset 12. */
static size_t
msg_with(uint8_t *buf, const void *body, size_t n)
{
	memset(buf, 0, DNS_HEADER_LEN);
	memcpy(buf + DNS_HEADER_LEN, body, n);
	return DNS_HEADER_LEN + n;
}

static void
test_compression_backward(void **state)
{
	uint8_t buf[512], name[DNS_NAME_MAX];
	/* 12: example.com  25: www -> 12  31: mail -> 25 ("mail.www.example.com") */
	static const uint8_t body[] = "\007example\003com\000"
				      "\003www\300\014"
				      "\004mail\300\031";
	size_t len = msg_with(buf, body, sizeof(body) - 1);
	struct dns_cursor c;

	dns_cursor_init(&c, buf, len);
	c.pos = 25;
	assert_int_equal(dns_cursor_name(&c, name), 17);
	assert_memory_equal(name, "\003www\007example\003com\000", 17);
	assert_int_equal(c.pos, 31); /* just past the pointer */
	assert_int_equal(dns_cursor_name(&c, name), 22);
	assert_memory_equal(name, "\004mail\003www\007example\003com\000", 22);
	assert_int_equal(c.pos, len);
	assert_int_equal(c.err, 0);
	/* Skipping only (out == NULL) advances the same way. */
	c.pos = 25;
	assert_int_equal(dns_cursor_name(&c, NULL), 17);
	assert_int_equal(c.pos, 31);
}

static void
assert_name_fails(const uint8_t *buf, size_t len, size_t at, int err)
{
	struct dns_cursor c;
	uint8_t name[DNS_NAME_MAX];

	dns_cursor_init(&c, buf, len);
	c.pos = at;
	assert_int_equal(dns_cursor_name(&c, name), 0);
	assert_int_equal(c.err, err);
	assert_int_equal(c.pos, at);
}

static void
test_compression_bad(void **state)
{
	static const struct {
		const char *what;
		const char *body; /* from offset 12 */
		size_t n, at;
		int err;
	} cases[] = {
		{"forward pointer 12 -> 14", "\300\016\001a\000", 5, 12, HNS_EMALFORMED},
		{"self pointer", "\300\014", 2, 12, HNS_EMALFORMED},
		{"pointer back to its own label", "\001a\300\014", 4, 12, HNS_EMALFORMED},
		{"two pointers at each other", "\300\016\300\014", 4, 14, HNS_EMALFORMED},
		{"chain 14 -> 12 -> 13", "\300\015\300\014", 4, 14, HNS_EMALFORMED},
		{"0x40 label type", "\101a\000", 3, 12, HNS_EMALFORMED},
		{"0x80 label type", "\201a\000", 3, 12, HNS_EMALFORMED},
		{"truncated pointer", "\001a\300", 3, 12, HNS_ETRUNC},
		{"truncated label", "\005ab", 3, 12, HNS_ETRUNC},
		{"no root label", "\001a", 2, 12, HNS_ETRUNC},
		{"nothing", "", 0, 12, HNS_ETRUNC},
		/* The header is no name; and its bytes change when answering. */
		{"pointer into the header", "\300\004", 2, 12, HNS_EMALFORMED},
		{"pointer to the header's start", "\001a\300\000", 4, 12, HNS_EMALFORMED},
		/* After a jump, labels must end before the name that jumped (found by fuzz_msg). */
		{"label after a jump runs past the pointer",
		 "\002x\300\014aaaaaaaaaaaa\000", 17, 14, HNS_EMALFORMED},
		{"label after a second jump runs past the first target",
		 "\005a\001c\300\014\000\300\016", 9, 19, HNS_EMALFORMED},
	};
	uint8_t buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = msg_with(buf, cases[i].body, cases[i].n);

		print_message("%s\n", cases[i].what);
		assert_name_fails(buf, len, cases[i].at, cases[i].err);
	}
}

static void
test_compression_too_long(void **state)
{
	uint8_t buf[1024], name[DNS_NAME_MAX];
	size_t pos = DNS_HEADER_LEN, at[4];
	struct dns_cursor c;

	/* Four names, each a 63-octet label and a pointer to the one before. */
	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 4; i++) {
		at[i] = pos;
		buf[pos++] = 63;
		memset(buf + pos, 'a' + i, 63);
		pos += 63;
		if (i == 0) {
			buf[pos++] = 0;
		} else {
			buf[pos++] = (uint8_t)(0xc0 | at[i - 1] >> 8);
			buf[pos++] = (uint8_t)at[i - 1];
		}
	}
	dns_cursor_init(&c, buf, pos);
	c.pos = at[2];
	assert_int_equal(dns_cursor_name(&c, name), 3 * 64 + 1); /* 193 */
	assert_int_equal(name[0], 63);
	assert_int_equal(name[1], 'c');
	assert_int_equal(name[129], 'a');
	assert_name_fails(buf, pos, at[3], HNS_EMALFORMED); /* 257 octets */

	/* Exactly 255 through compression: 3 x 64 + a 61-octet label + root. */
	size_t p4 = pos;

	buf[pos++] = 61;
	memset(buf + pos, 'e', 61);
	pos += 61;
	buf[pos++] = (uint8_t)(0xc0 | at[2] >> 8);
	buf[pos++] = (uint8_t)at[2];
	dns_cursor_init(&c, buf, pos);
	c.pos = p4;
	assert_int_equal(dns_cursor_name(&c, name), 255);
	assert_int_equal(c.pos, pos);
	/* One more octet of label and it is 256. */
	pos = p4;
	buf[pos++] = 62;
	memset(buf + pos, 'e', 62);
	pos += 62;
	buf[pos++] = (uint8_t)(0xc0 | at[2] >> 8);
	buf[pos++] = (uint8_t)at[2];
	assert_name_fails(buf, pos, p4, HNS_EMALFORMED);
}

/* ------------------------------------------------- compare and match */

static size_t
wire(const char *s, uint8_t *out)
{
	return testpkt_name(s, out);
}

static bool
subdomain(const char *name, const char *zone)
{
	uint8_t n[DNS_NAME_MAX], z[DNS_NAME_MAX];
	size_t nl = wire(name, n), zl = wire(zone, z);

	return dns_name_is_subdomain(n, nl, z, zl);
}

static void
test_name_is_subdomain(void **state)
{
	assert_true(subdomain("acme.example.com", "acme.example.com"));
	assert_true(subdomain("x.acme.example.com", "acme.example.com"));
	assert_true(subdomain("a.b.x.acme.example.com", "acme.example.com"));
	assert_false(subdomain("xacme.example.com", "acme.example.com"));
	assert_false(subdomain("x.xacme.example.com", "acme.example.com"));
	assert_false(subdomain("example.com", "acme.example.com"));
	assert_false(subdomain("acme.example.org", "acme.example.com"));
	assert_false(subdomain("acme.example.com.evil", "acme.example.com"));
	/* Case-insensitive both ways. */
	assert_true(subdomain("X.ACME.Example.COM", "acme.example.com"));
	assert_true(subdomain("x.acme.example.com", "ACME.EXAMPLE.COM"));
	/* The root matches everything, itself included. */
	assert_true(subdomain("x.acme.example.com", "."));
	assert_true(subdomain(".", "."));
	assert_false(subdomain(".", "com"));
	/* A label that contains the zone's bytes does not match it. */
	assert_false(subdomain("a\\.example.com", "example.com"));
	assert_true(subdomain("a\\.example.com", "com"));
}

static void
test_name_equal(void **state)
{
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	size_t al = wire("WWW.Example.COM", a), bl = wire("www.example.com", b);

	assert_true(dns_name_equal(a, al, b, bl));
	bl = wire("www.example.co", b);
	assert_false(dns_name_equal(a, al, b, bl));
	bl = wire("www.examplf.com", b);
	assert_false(dns_name_equal(a, al, b, bl));
	/* Same bytes, different label boundaries. */
	al = wire("ab.c", a);
	bl = wire("a.bc", b);
	assert_false(dns_name_equal(a, al, b, bl));
	/* Case folding is ASCII only: 0xC1 and 0xE1 differ. */
	al = wire("\\193", a);
	bl = wire("\\225", b);
	assert_false(dns_name_equal(a, al, b, bl));
	/* '[' (0x5B) is not the lower case of '{'; '@' is not of '`'. */
	al = wire("\\[", a);
	bl = wire("{", b);
	assert_false(dns_name_equal(a, al, b, bl));
}

static void
test_name_compare_canonical(void **state)
{
	/* RFC 4034 section 6.1, in canonical order. */
	static const char *const order[] = {
		"example",	  "a.example",	 "yljkjljk.a.example", "Z.a.example",
		"zABC.a.EXAMPLE", "z.example",	 "\\001.z.example",    "*.z.example",
		"\\200.z.example",
	};
	size_t n = sizeof(order) / sizeof(order[0]);
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];

	for (size_t i = 0; i < n; i++) {
		size_t al = wire(order[i], a);

		for (size_t j = 0; j < n; j++) {
			size_t bl = wire(order[j], b);
			int r = dns_name_compare(a, al, b, bl);

			if (i < j)
				assert_true(r < 0);
			else if (i > j)
				assert_true(r > 0);
			else
				assert_int_equal(r, 0);
		}
	}
	/* The root sorts first; case does not matter. */
	size_t al = wire(".", a), bl = wire("example", b);

	assert_true(dns_name_compare(a, al, b, bl) < 0);
	assert_true(dns_name_compare(b, bl, a, al) > 0);
	al = wire("A.EXAMPLE", a);
	bl = wire("a.example", b);
	assert_int_equal(dns_name_compare(a, al, b, bl), 0);
	/* Labels are octet strings: "a" < "aa" < "b". */
	al = wire("aa.x", a);
	bl = wire("b.x", b);
	assert_true(dns_name_compare(a, al, b, bl) < 0);
	bl = wire("a.x", b);
	assert_true(dns_name_compare(a, al, b, bl) > 0);
}

/* ------------------------------------------------------------- queries */

static void
test_query_parse_plain(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_query("WwW.Example.COM", DNS_TYPE_AAAA, 0, false, pkt, sizeof(pkt));
	struct dns_query q;
	uint8_t expect[DNS_NAME_MAX];
	size_t el = wire("WwW.Example.COM", expect);

	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	assert_int_equal(q.hdr.id, 0x1234);
	assert_true(q.hdr.flags & DNS_FLAG_RD);
	assert_int_equal(q.hdr.qdcount, 1);
	assert_int_equal(q.q.name_len, el);
	assert_memory_equal(q.q.name, expect, el); /* case as sent */
	assert_int_equal(q.q.qtype, DNS_TYPE_AAAA);
	assert_int_equal(q.q.qclass, DNS_CLASS_IN);
	assert_int_equal(q.question_end, len);
	assert_false(q.has_edns);
	assert_int_equal(q.edns_udp_size, 0);

	struct dns_header h;

	assert_int_equal(dns_header_parse(pkt, len, &h), 0);
	uint8_t again[DNS_HEADER_LEN];

	dns_header_write(again, &h);
	assert_memory_equal(again, pkt, DNS_HEADER_LEN);
}

static void
test_query_parse_qdcount(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_query("example.com", DNS_TYPE_A, 0, false, pkt, sizeof(pkt));
	struct dns_query q;

	dns_write_u16(pkt + 4, 0);
	assert_int_equal(dns_query_parse(pkt, len, &q), HNS_EMALFORMED);
	assert_int_equal(q.hdr.id, 0x1234); /* the header is kept for FORMERR */
	dns_write_u16(pkt + 4, 2);
	assert_int_equal(dns_query_parse(pkt, len, &q), HNS_EMALFORMED);
	dns_write_u16(pkt + 4, 0xffff);
	assert_int_equal(dns_query_parse(pkt, len, &q), HNS_EMALFORMED);
}

static void
test_query_parse_truncated(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_query("example.com", DNS_TYPE_A, 1232, true, pkt, sizeof(pkt));
	struct dns_query q;

	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	for (size_t n = 0; n < DNS_HEADER_LEN; n++)
		assert_int_equal(dns_query_parse(pkt, n, &q), HNS_ETRUNC);
	/* Cut inside the question. */
	for (size_t n = DNS_HEADER_LEN; n < q.question_end; n++) {
		assert_int_equal(dns_query_parse(pkt, n, &q), HNS_ETRUNC);
		assert_int_equal(q.hdr.id, 0x1234);
	}
	/* Cut inside the OPT record (ARCOUNT still says 1). */
	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	size_t qend = q.question_end;

	for (size_t n = qend; n < len; n++)
		assert_true(dns_query_parse(pkt, n, &q) < 0);
}

static void
test_query_parse_edns(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_query("example.com", DNS_TYPE_A, 4096, true, pkt, sizeof(pkt));
	struct dns_query q;

	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	assert_true(q.has_edns);
	assert_int_equal(q.edns_udp_size, 4096);
	assert_true(q.edns_do);
	assert_int_equal(q.edns_version, 0);

	/* The OPT is the last 11 octets: version is the TTL's second octet. */
	assert_int_equal(dns_read_u16(pkt + len - 10), DNS_TYPE_OPT);
	pkt[len - 5] = 1;
	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	assert_int_equal(q.edns_version, 1);

	len = testpkt_query("example.com", DNS_TYPE_A, 512, false, pkt, sizeof(pkt));
	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	assert_true(q.has_edns);
	assert_int_equal(q.edns_udp_size, 512);
	assert_false(q.edns_do);
}

static void
test_query_parse_opt_rules(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_query("example.com", DNS_TYPE_A, 1232, false, pkt, sizeof(pkt));
	struct dns_query q;
	static const uint8_t opt[11] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};

	/* A second OPT. */
	memcpy(pkt + len, opt, sizeof(opt));
	dns_write_u16(pkt + 10, 2);
	assert_int_equal(dns_query_parse(pkt, len + sizeof(opt), &q), HNS_EMALFORMED);

	/* An OPT owned by "a." instead of the root. */
	len = testpkt_query("example.com", DNS_TYPE_A, 0, false, pkt, sizeof(pkt));
	static const uint8_t bad_owner[] = {1, 'a', 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};

	memcpy(pkt + len, bad_owner, sizeof(bad_owner));
	dns_write_u16(pkt + 10, 1);
	assert_int_equal(dns_query_parse(pkt, len + sizeof(bad_owner), &q), HNS_EMALFORMED);
	/* The same owner as a pointer to the question's "com" label. */
	static const uint8_t ptr_owner[] = {0xc0, 20, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};

	memcpy(pkt + len, ptr_owner, sizeof(ptr_owner));
	assert_int_equal(dns_query_parse(pkt, len + sizeof(ptr_owner), &q), HNS_EMALFORMED);
}

static void
test_query_parse_skips_records(void **state)
{
	static const char *const rrs[] = {
		"an example.com. 60 IN A 192.0.2.1",
		"ns example.com. 60 IN NS ns1.example.com.",
		"ar ns1.example.com. 60 IN A 192.0.2.53",
		NULL,
	};
	uint8_t pkt[512];
	/* Built as a response but parsed as a query: every section is walked. */
	size_t len = testpkt_response("example.com", DNS_TYPE_A, 0, 1400, true, rrs, pkt,
				      sizeof(pkt));
	struct dns_query q;

	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	assert_int_equal(q.hdr.ancount, 1);
	assert_int_equal(q.hdr.nscount, 1);
	assert_int_equal(q.hdr.arcount, 2);
	assert_true(q.has_edns);
	assert_int_equal(q.edns_udp_size, 1400);
	assert_true(q.edns_do);
	/* Claiming one more answer than there is runs out of packet. */
	dns_write_u16(pkt + 6, 2);
	assert_true(dns_query_parse(pkt, len, &q) < 0);
}

/* ------------------------------------------------------------- errors */

static void
test_build_error(void **state)
{
	uint8_t pkt[512], out[512];
	size_t len = testpkt_query("WwW.ExAmple.CoM", DNS_TYPE_A, 4096, true, pkt, sizeof(pkt));
	struct dns_query q;

	pkt[3] |= DNS_FLAG_CD;
	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	size_t n = dns_build_error(pkt, &q, DNS_RCODE_SERVFAIL, out, sizeof(out));

	assert_int_equal(n, q.question_end + 11);
	testpkt_assert_bare_answer(out, n, 0x1234,
				   DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_FLAG_CD,
				   DNS_RCODE_SERVFAIL, 1232, true);
	/* The question as the client spelled it. */
	assert_memory_equal(out + DNS_HEADER_LEN, pkt + DNS_HEADER_LEN, q.question_end - 12);
	assert_memory_equal(out + DNS_HEADER_LEN, "\003WwW\007ExAmple\003CoM", 17);

	/* Without EDNS: no OPT; REFUSED. */
	len = testpkt_query("example.com", DNS_TYPE_A, 0, false, pkt, sizeof(pkt));
	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	n = dns_build_error(pkt, &q, DNS_RCODE_REFUSED, out, sizeof(out));
	assert_int_equal(n, len);
	assert_int_equal(dns_read_u16(out + 10), 0);
	assert_int_equal(DNS_RCODE(dns_read_u16(out + 2)), DNS_RCODE_REFUSED);
	/* Too small a buffer. */
	assert_int_equal(dns_build_error(pkt, &q, DNS_RCODE_REFUSED, out, len - 1), 0);
	/* RD clear in the query stays clear. */
	pkt[2] &= (uint8_t) ~(DNS_FLAG_RD >> 8);
	assert_int_equal(dns_query_parse(pkt, len, &q), 0);
	n = dns_build_error(pkt, &q, DNS_RCODE_REFUSED, out, sizeof(out));
	assert_int_equal(dns_read_u16(out + 2) & DNS_FLAG_RD, 0);
}

/* Found by fuzz_query: a question name pointing into the header. */
static void
test_build_error_header_pointer(void **state)
{
	/* Flags 0x0100 and QDCOUNT's 0 at offset 2 read as the name "\\000". */
	static const uint8_t pkt[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				      0xc0, 0x02, 0, 2, 0, 1};
	struct dns_query q;
	uint8_t out[512];

	if (dns_query_parse(pkt, sizeof(pkt), &q) != 0)
		return; /* refused: nothing to answer but FORMERR */
	size_t n = dns_build_error(pkt, &q, DNS_RCODE_SERVFAIL, out, sizeof(out));
	struct dns_query back;

	assert_true(n > 0);
	assert_int_equal(dns_query_parse(out, n, &back), 0);
	assert_true(dns_name_equal(back.q.name, back.q.name_len, q.q.name, q.q.name_len));
}

static void
test_build_formerr(void **state)
{
	uint8_t pkt[512], out[512];
	size_t len = testpkt_query("example.com", DNS_TYPE_A, 0, false, pkt, sizeof(pkt));
	struct dns_query q;

	dns_write_u16(pkt + 4, 3);
	assert_int_equal(dns_query_parse(pkt, len, &q), HNS_EMALFORMED);
	size_t n = dns_build_formerr(&q.hdr, out, sizeof(out));

	assert_int_equal(n, DNS_HEADER_LEN);
	struct dns_header h;

	assert_int_equal(dns_header_parse(out, n, &h), 0);
	assert_int_equal(h.id, 0x1234);
	assert_int_equal(h.flags, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_RCODE_FORMERR);
	assert_int_equal(h.qdcount + h.ancount + h.nscount + h.arcount, 0);
	assert_int_equal(dns_build_formerr(&q.hdr, out, DNS_HEADER_LEN - 1), 0);
}

static void
test_append_opt(void **state)
{
	uint8_t pkt[512];
	size_t len = testpkt_query("example.com", DNS_TYPE_A, 0, false, pkt, sizeof(pkt));

	assert_int_equal(dns_append_opt(pkt, len, len + 10, 1232, true), 0);
	assert_int_equal(dns_append_opt(pkt, len, len - 1, 1232, true), 0);
	assert_int_equal(dns_append_opt(pkt, 5, sizeof(pkt), 1232, true), 0);
	size_t n = dns_append_opt(pkt, len, len + 11, 1232, true);

	assert_int_equal(n, len + 11);
	ldns_pkt *p = testpkt_parse(pkt, n);

	assert_true(ldns_pkt_edns(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), 1232);
	assert_true(ldns_pkt_edns_do(p));
	ldns_pkt_free(p);
}

/* The presentation-form twin of dns_name_is_subdomain: label boundaries, the root. */
static void
test_str_subdomain_at_label_boundaries(void **state)
{
	assert_true(dns_str_is_subdomain("x.acme.example.com", "acme.example.com"));
	assert_true(dns_str_is_subdomain("acme.example.com", "acme.example.com"));
	assert_false(dns_str_is_subdomain("xacme.example.com", "acme.example.com"));
	assert_false(dns_str_is_subdomain("example.com", "acme.example.com"));
	assert_true(dns_str_is_subdomain("anything.example", ""));
	assert_true(dns_str_is_subdomain("", ""));
	assert_false(dns_str_is_subdomain("", "com"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_reads),
		cmocka_unit_test(test_cursor_exact_boundaries),
		cmocka_unit_test(test_cursor_sticky),
		cmocka_unit_test(test_name_from_str),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_name_to_str_errors),
		cmocka_unit_test(test_name_lower_count),
		cmocka_unit_test(test_compression_backward),
		cmocka_unit_test(test_compression_bad),
		cmocka_unit_test(test_compression_too_long),
		cmocka_unit_test(test_name_is_subdomain),
		cmocka_unit_test(test_name_equal),
		cmocka_unit_test(test_name_compare_canonical),
		cmocka_unit_test(test_query_parse_plain),
		cmocka_unit_test(test_query_parse_qdcount),
		cmocka_unit_test(test_query_parse_truncated),
		cmocka_unit_test(test_query_parse_edns),
		cmocka_unit_test(test_query_parse_opt_rules),
		cmocka_unit_test(test_query_parse_skips_records),
		cmocka_unit_test(test_str_subdomain_at_label_boundaries),
		cmocka_unit_test(test_build_error),
		cmocka_unit_test(test_build_error_header_pointer),
		cmocka_unit_test(test_build_formerr),
		cmocka_unit_test(test_append_opt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
