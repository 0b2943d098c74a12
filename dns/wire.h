/*
 * dns/wire.h -- DNS wire format without allocation.
 *
 * Everything here works on caller-owned buffers and never allocates, so it
 * may run per packet on the hot path.  Reading goes through dns_cursor, a
 * bounds-checked cursor with a sticky error: after the first failure every
 * read returns 0 and the error stays set, so a parser may read a whole
 * structure and check once at the end.
 *
 * Names in wire form are at most DNS_NAME_MAX (255) octets including the
 * root label; labels at most 63.  Functions that take a name assume it was
 * produced by this module (well formed, uncompressed).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_NAME_MAX 255
#define DNS_LABEL_MAX 63
#define DNS_NAME_STRLEN 1024 /* presentation form with \DDD escapes, and NUL */

/* Header flags (host order of the 16-bit flags word). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags) ((flags)&0xf)

enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
};

enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_ANY = 255,
};

#define DNS_CLASS_IN 1
#define DNS_EDNS_DO 0x8000 /* in the OPT TTL's low 16 bits */

/* ------------------------------------------------------------ cursor */

struct dns_cursor {
	const uint8_t *buf; /* start of the message (compression pointers are relative to it) */
	size_t len;
	size_t pos;
	int err; /* 0, or the first hns_err met (sticky) */
};

void dns_cursor_init(struct dns_cursor *c, const uint8_t *buf, size_t len);
size_t dns_cursor_left(const struct dns_cursor *c);
uint8_t dns_cursor_u8(struct dns_cursor *c);
uint16_t dns_cursor_u16(struct dns_cursor *c);
uint32_t dns_cursor_u32(struct dns_cursor *c);
/* Pointer to the next n bytes (and advance), or NULL with the error set. */
const uint8_t *dns_cursor_bytes(struct dns_cursor *c, size_t n);
void dns_cursor_skip(struct dns_cursor *c, size_t n);
/*
 * Read a possibly compressed name into out (uncompressed wire form, case
 * kept) and advance past it.  Pointers must point backwards (strictly before
 * the label that holds them), which also rules out loops, and past the
 * header; the labels read after a jump must end before the name that
 * jumped; the expanded name must fit in 255 octets.  out may be NULL to
 * only skip.  Returns the name's length, or 0 with the error set.
 */
size_t dns_cursor_name(struct dns_cursor *c, uint8_t *out /* [DNS_NAME_MAX] or NULL */);

/* ------------------------------------------------------------ messages */

struct dns_header {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

struct dns_question {
	uint8_t name[DNS_NAME_MAX]; /* wire form, case as received */
	uint8_t name_len;
	uint16_t qtype;
	uint16_t qclass;
};

/* What a server needs of a query, parsed without allocation. */
struct dns_query {
	struct dns_header hdr;
	struct dns_question q;
	size_t question_end; /* offset just past the question */
	bool has_edns;
	uint16_t edns_udp_size; /* as sent (0 when no OPT) */
	uint8_t edns_version;
	bool edns_do;
};

int dns_header_parse(const uint8_t *pkt, size_t len, struct dns_header *out);
void dns_header_write(uint8_t *pkt /* [DNS_HEADER_LEN] */, const struct dns_header *h);

/*
 * Parse a message with exactly one question: header, question, and the OPT
 * record if the additional section holds one (answer and authority records
 * are skipped with bounds checks).  Returns 0, HNS_ETRUNC or HNS_EMALFORMED;
 * on failure out->hdr is still filled when the header was readable, so a
 * server can answer FORMERR with the client's ID.
 */
int dns_query_parse(const uint8_t *pkt, size_t len, struct dns_query *out);

/* ------------------------------------------------------------- names */

/*
 * Presentation to wire: "www.Example.com", "www.example.com.", "." or ""
 * (root); \DDD and \X escapes.  Case is kept.  Returns the length or a
 * negative hns_err (HNS_ENAME).
 */
int dns_name_from_str(const char *s, uint8_t *out /* [DNS_NAME_MAX] */);
/* Wire to presentation without the trailing dot ("" for the root); returns 0 or HNS_ENAME. */
int dns_name_to_str(const uint8_t *name, size_t len, char *out, size_t outlen);
void dns_name_lower(uint8_t *name, size_t len);
size_t dns_name_label_count(const uint8_t *name, size_t len);
/* Case-insensitive equality of two wire names. */
bool dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/*
 * Label-boundary suffix match: whether name equals zone or lies below it,
 * compared case-insensitively.  "acme.example.com" matches
 * "x.acme.example.com", never "xacme.example.com".  The root zone
 * (length 1) matches every name.
 */
bool dns_name_is_subdomain(const uint8_t *name, size_t nlen, const uint8_t *zone, size_t zlen);
/*
 * The same for names in the model's presentation form (lower case, no
 * trailing dot, the root ""): "x.acme.example.com" is under
 * "acme.example.com", "xacme.example.com" is not; every name is under "".
 */
bool dns_str_is_subdomain(const char *name, const char *zone);
/* Canonical ordering (RFC 4034 6.1), case-insensitive: <0, 0, >0. */
int dns_name_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* ------------------------------------------------------------ responses */

/*
 * Write into out (capacity cap) a header-and-question-only answer to the
 * query: QR set, RD copied, RA set, the given rcode, the question echoed as
 * the client sent it.  If the query had an OPT record, one is added
 * (udp size 1232).  Returns the length, or 0 if it does not fit.
 */
size_t dns_build_error(const uint8_t *query, const struct dns_query *q, uint8_t rcode,
		       uint8_t *out, size_t cap);
/* FORMERR for a query whose question could not be parsed: header only, client's ID. */
size_t dns_build_formerr(const struct dns_header *h, uint8_t *out, size_t cap);
/* Append an OPT pseudo-record at out+len (with arcount+1 in the header); returns the new length or 0. */
size_t dns_append_opt(uint8_t *out, size_t len, size_t cap, uint16_t udp_size, bool do_bit);

static inline uint16_t
dns_read_u16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline void
dns_write_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
dns_read_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
dns_write_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
