#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "dns/wire.h"

/* ------------------------------------------------------------ cursor */

void
dns_cursor_init(struct dns_cursor *c, const uint8_t *buf, size_t len)
{
	c->buf = buf;
	c->len = len;
	c->pos = 0;
	c->err = 0;
}

size_t
dns_cursor_left(const struct dns_cursor *c)
{
	return c->err ? 0 : c->len - c->pos;
}

static bool
cursor_need(struct dns_cursor *c, size_t n)
{
	if (c->err)
		return false;
	if (c->len - c->pos < n) {
		c->err = HNS_ETRUNC;
		return false;
	}
	return true;
}

uint8_t
dns_cursor_u8(struct dns_cursor *c)
{
	if (!cursor_need(c, 1))
		return 0;
	return c->buf[c->pos++];
}

uint16_t
dns_cursor_u16(struct dns_cursor *c)
{
	if (!cursor_need(c, 2))
		return 0;
	uint16_t v = dns_read_u16(c->buf + c->pos);

	c->pos += 2;
	return v;
}

uint32_t
dns_cursor_u32(struct dns_cursor *c)
{
	if (!cursor_need(c, 4))
		return 0;
	uint32_t v = dns_read_u32(c->buf + c->pos);

	c->pos += 4;
	return v;
}

const uint8_t *
dns_cursor_bytes(struct dns_cursor *c, size_t n)
{
	if (!cursor_need(c, n))
		return NULL;
	const uint8_t *p = c->buf + c->pos;

	c->pos += n;
	return p;
}

void
dns_cursor_skip(struct dns_cursor *c, size_t n)
{
	(void)dns_cursor_bytes(c, n);
}

size_t
dns_cursor_name(struct dns_cursor *c, uint8_t *out)
{
	size_t pos, out_len = 0, end = 0;
	/* Every pointer must go strictly backwards from the label holding it. */
	size_t limit;
	/*
	 * Where the bytes being read must end: the packet, and after a jump
	 * the start of the name that jumped (a suffix we point at was written
	 * whole before it).  Labels running on past it would read the
	 * pointer itself or the record's own fields as a name.
	 */
	size_t bound;
	bool jumped = false;

	if (c->err)
		return 0;
	pos = c->pos;
	limit = pos;
	bound = c->len;
	for (;;) {
		if (pos >= bound)
			goto past_bound;
		uint8_t l = c->buf[pos];

		if ((l & 0xc0) == 0xc0) {
			if (pos + 2 > bound)
				goto past_bound;
			size_t target = (size_t)(l & 0x3f) << 8 | c->buf[pos + 1];

			if (!jumped) {
				end = pos + 2;
				jumped = true;
			}
			if (target >= limit)
				goto bad; /* forward or self pointer: loops are impossible */
			if (target < DNS_HEADER_LEN)
				goto bad; /* into the header, whose bytes are no name and change in answers */
			bound = limit;
			limit = target;
			pos = target;
			continue;
		}
		if ((l & 0xc0) != 0)
			goto bad; /* 0x40 and 0x80: extended and unassigned label types */
		if (out_len + 1 + l > DNS_NAME_MAX)
			goto bad;
		if (pos + 1 + l > bound)
			goto past_bound;
		if (out != NULL)
			memcpy(out + out_len, c->buf + pos, 1 + (size_t)l);
		out_len += 1 + (size_t)l;
		pos += 1 + (size_t)l;
		if (l == 0)
			break;
	}
	c->pos = jumped ? end : pos;
	return out_len;
past_bound:
	if (jumped)
		goto bad;
	c->err = HNS_ETRUNC;
	return 0;
bad:
	c->err = HNS_EMALFORMED;
	return 0;
}

/* ------------------------------------------------------------ messages */

int
dns_header_parse(const uint8_t *pkt, size_t len, struct dns_header *out)
{
	if (len < DNS_HEADER_LEN)
		return HNS_ETRUNC;
	out->id = dns_read_u16(pkt);
	out->flags = dns_read_u16(pkt + 2);
	out->qdcount = dns_read_u16(pkt + 4);
	out->ancount = dns_read_u16(pkt + 6);
	out->nscount = dns_read_u16(pkt + 8);
	out->arcount = dns_read_u16(pkt + 10);
	return 0;
}

void
dns_header_write(uint8_t *pkt, const struct dns_header *h)
{
	dns_write_u16(pkt, h->id);
	dns_write_u16(pkt + 2, h->flags);
	dns_write_u16(pkt + 4, h->qdcount);
	dns_write_u16(pkt + 6, h->ancount);
	dns_write_u16(pkt + 8, h->nscount);
	dns_write_u16(pkt + 10, h->arcount);
}

/* Skip one resource record; returns its type (0 with the cursor's error set on failure). */
static uint16_t
skip_rr(struct dns_cursor *c, uint16_t *class_out, uint32_t *ttl_out, size_t *rdata_pos,
	uint16_t *rdlen_out)
{
	dns_cursor_name(c, NULL);
	uint16_t type = dns_cursor_u16(c);
	uint16_t class = dns_cursor_u16(c);
	uint32_t ttl = dns_cursor_u32(c);
	uint16_t rdlen = dns_cursor_u16(c);

	if (rdata_pos != NULL)
		*rdata_pos = c->pos;
	dns_cursor_skip(c, rdlen);
	if (c->err)
		return 0;
	if (class_out != NULL)
		*class_out = class;
	if (ttl_out != NULL)
		*ttl_out = ttl;
	if (rdlen_out != NULL)
		*rdlen_out = rdlen;
	return type;
}

int
dns_query_parse(const uint8_t *pkt, size_t len, struct dns_query *out)
{
	struct dns_cursor c;
	size_t n;
	int rc;

	out->has_edns = false;
	out->edns_udp_size = 0;
	out->edns_version = 0;
	out->edns_do = false;
	out->q.name_len = 0;
	rc = dns_header_parse(pkt, len, &out->hdr);
	if (rc != 0)
		return rc;
	if (out->hdr.qdcount != 1)
		return HNS_EMALFORMED;
	dns_cursor_init(&c, pkt, len);
	dns_cursor_skip(&c, DNS_HEADER_LEN);
	n = dns_cursor_name(&c, out->q.name);
	out->q.qtype = dns_cursor_u16(&c);
	out->q.qclass = dns_cursor_u16(&c);
	if (c.err)
		return c.err == HNS_ETRUNC ? HNS_ETRUNC : HNS_EMALFORMED;
	out->q.name_len = (uint8_t)n;
	out->question_end = c.pos;

	unsigned skip = (unsigned)out->hdr.ancount + out->hdr.nscount;

	for (unsigned i = 0; i < skip; i++) {
		skip_rr(&c, NULL, NULL, NULL, NULL);
		if (c.err)
			return HNS_EMALFORMED;
	}
	for (unsigned i = 0; i < out->hdr.arcount; i++) {
		size_t name_pos = c.pos;
		uint16_t class;
		uint32_t ttl;
		uint16_t type = skip_rr(&c, &class, &ttl, NULL, NULL);

		if (c.err)
			return HNS_EMALFORMED;
		if (type != DNS_TYPE_OPT)
			continue;
		/* RFC 6891: one OPT, owned by the root. */
		if (out->has_edns || pkt[name_pos] != 0)
			return HNS_EMALFORMED;
		out->has_edns = true;
		out->edns_udp_size = class;
		out->edns_version = (uint8_t)(ttl >> 16);
		out->edns_do = (ttl & DNS_EDNS_DO) != 0;
	}
	return 0;
}

/* ------------------------------------------------------------- names */

int
dns_name_from_str(const char *s, uint8_t *out)
{
	size_t len = 0;	     /* bytes written */
	size_t label_at = 0; /* where the current label's length byte is */
	size_t label_len = 0;

	if (strcmp(s, ".") == 0 || *s == '\0') {
		out[0] = 0;
		return 1;
	}
	out[len++] = 0;
	while (*s != '\0') {
		unsigned char ch = (unsigned char)*s++;

		if (ch == '.') {
			if (label_len == 0)
				return HNS_ENAME; /* empty label: "a..b" or ".a" */
			out[label_at] = (uint8_t)label_len;
			if (*s == '\0')
				break;
			if (len + 1 > DNS_NAME_MAX - 1)
				return HNS_ENAME;
			label_at = len;
			out[len++] = 0;
			label_len = 0;
			continue;
		}
		if (ch == '\\') {
			if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
			    isdigit((unsigned char)s[2])) {
				unsigned v = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 +
					     (unsigned)(s[2] - '0');

				if (v > 255)
					return HNS_ENAME;
				ch = (unsigned char)v;
				s += 3;
			} else if (*s != '\0') {
				ch = (unsigned char)*s++;
			} else {
				return HNS_ENAME;
			}
		}
		if (label_len == DNS_LABEL_MAX || len + 1 > DNS_NAME_MAX - 1)
			return HNS_ENAME;
		out[len++] = ch;
		label_len++;
	}
	if (label_len > 0)
		out[label_at] = (uint8_t)label_len;
	out[len++] = 0;
	return (int)len;
}

int
dns_name_to_str(const uint8_t *name, size_t len, char *out, size_t outlen)
{
	size_t pos = 0, o = 0;

	if (outlen == 0)
		return HNS_ENAME;
	while (pos < len) {
		uint8_t l = name[pos++];

		if (l == 0)
			break;
		if (l > DNS_LABEL_MAX || pos + l > len)
			return HNS_ENAME;
		if (o > 0) {
			if (o + 1 >= outlen)
				return HNS_ENAME;
			out[o++] = '.';
		}
		for (uint8_t i = 0; i < l; i++) {
			unsigned char ch = name[pos++];
			char esc[5];
			size_t n;

			if (ch == '.' || ch == '\\' || ch == '"' || ch == ';' || ch == '(' ||
			    ch == ')' || ch == '@' || ch == '$') {
				esc[0] = '\\';
				esc[1] = (char)ch;
				n = 2;
			} else if (ch <= 0x20 || ch >= 0x7f) {
				snprintf(esc, sizeof(esc), "\\%03u", ch);
				n = 4;
			} else {
				esc[0] = (char)ch;
				n = 1;
			}
			if (o + n >= outlen)
				return HNS_ENAME;
			memcpy(out + o, esc, n);
			o += n;
		}
	}
	out[o] = '\0';
	return 0;
}

static inline uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

void
dns_name_lower(uint8_t *name, size_t len)
{
	size_t pos = 0;

	while (pos < len && name[pos] != 0) {
		uint8_t l = name[pos++];

		for (uint8_t i = 0; i < l && pos < len; i++, pos++)
			name[pos] = lower(name[pos]);
	}
}

size_t
dns_name_label_count(const uint8_t *name, size_t len)
{
	size_t pos = 0, n = 0;

	while (pos < len && name[pos] != 0) {
		pos += 1 + (size_t)name[pos];
		n++;
	}
	return n;
}

static bool
bytes_equal_nocase(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
	}
	return true;
}

bool
dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	/*
	 * Length bytes are below 64 and so unchanged by lower(): comparing the
	 * whole wire forms compares labels and their boundaries at once.
	 */
	return alen == blen && bytes_equal_nocase(a, b, alen);
}

bool
dns_str_is_subdomain(const char *name, const char *zone)
{
	size_t nl = strlen(name), zl = strlen(zone);

	if (zl == 0)
		return true;
	if (nl < zl || strcmp(name + nl - zl, zone) != 0)
		return false;
	return nl == zl || name[nl - zl - 1] == '.';
}

bool
dns_name_is_subdomain(const uint8_t *name, size_t nlen, const uint8_t *zone, size_t zlen)
{
	size_t pos = 0;

	if (zlen > nlen)
		return false;
	/* Walk label boundaries of name until the remainder is as long as zone. */
	while (nlen - pos > zlen) {
		if (name[pos] == 0)
			return false;
		pos += 1 + (size_t)name[pos];
	}
	if (nlen - pos != zlen)
		return false; /* the zone would start inside a label */
	return bytes_equal_nocase(name + pos, zone, zlen);
}

int
dns_name_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	/* Offsets of each label, so the names can be compared from the right. */
	size_t la[128], lb[128];
	size_t na = 0, nb = 0, pos;

	for (pos = 0; pos < alen && a[pos] != 0 && na < 128; pos += 1 + (size_t)a[pos])
		la[na++] = pos;
	for (pos = 0; pos < blen && b[pos] != 0 && nb < 128; pos += 1 + (size_t)b[pos])
		lb[nb++] = pos;
	while (na > 0 && nb > 0) {
		const uint8_t *x = a + la[--na], *y = b + lb[--nb];
		size_t lx = x[0], ly = y[0], n = lx < ly ? lx : ly;

		for (size_t i = 1; i <= n; i++) {
			if (lower(x[i]) != lower(y[i]))
				return lower(x[i]) < lower(y[i]) ? -1 : 1;
		}
		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	if (na == nb)
		return 0;
	return na < nb ? -1 : 1;
}

/* ------------------------------------------------------------ responses */

size_t
dns_append_opt(uint8_t *out, size_t len, size_t cap, uint16_t udp_size, bool do_bit)
{
	if (len < DNS_HEADER_LEN || len > cap || cap - len < 11)
		return 0;
	uint8_t *p = out + len;

	p[0] = 0; /* root owner */
	dns_write_u16(p + 1, DNS_TYPE_OPT);
	dns_write_u16(p + 3, udp_size);
	dns_write_u32(p + 5, do_bit ? DNS_EDNS_DO : 0);
	dns_write_u16(p + 9, 0);
	dns_write_u16(out + 10, (uint16_t)(dns_read_u16(out + 10) + 1));
	return len + 11;
}

size_t
dns_build_error(const uint8_t *query, const struct dns_query *q, uint8_t rcode, uint8_t *out,
		size_t cap)
{
	size_t qlen = (size_t)q->q.name_len + 4;
	struct dns_header h = {
		.id = q->hdr.id,
		.flags = (uint16_t)(DNS_FLAG_QR | (q->hdr.flags & (0x7800 | DNS_FLAG_RD | DNS_FLAG_CD)) |
				    DNS_FLAG_RA | (rcode & 0xf)),
		.qdcount = 1,
	};

	if (cap < DNS_HEADER_LEN + qlen)
		return 0;
	dns_header_write(out, &h);
	/*
	 * The parsed question (name case as received), not the raw bytes of
	 * the query's: those could hold a compression pointer, which would
	 * mean something else in the answer.
	 */
	memcpy(out + DNS_HEADER_LEN, q->q.name, q->q.name_len);
	dns_write_u16(out + DNS_HEADER_LEN + q->q.name_len, q->q.qtype);
	dns_write_u16(out + DNS_HEADER_LEN + q->q.name_len + 2, q->q.qclass);
	size_t len = DNS_HEADER_LEN + q->q.name_len + 4;

	if (q->has_edns)
		len = dns_append_opt(out, len, cap, 1232, q->edns_do);
	return len;
}

size_t
dns_build_formerr(const struct dns_header *hq, uint8_t *out, size_t cap)
{
	struct dns_header h = {
		.id = hq->id,
		.flags = (uint16_t)(DNS_FLAG_QR | (hq->flags & (0x7800 | DNS_FLAG_RD)) | DNS_FLAG_RA |
				    DNS_RCODE_FORMERR),
	};

	if (cap < DNS_HEADER_LEN)
		return 0;
	dns_header_write(out, &h);
	return DNS_HEADER_LEN;
}
