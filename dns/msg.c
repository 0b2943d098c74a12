#include "config.h"

#include <string.h>

#include "common/error.h"
#include "dns/msg.h"

/* ------------------------------------------------------------ walking */

enum msg_section {
	MSG_ANSWER,
	MSG_AUTHORITY,
	MSG_ADDITIONAL,
};

/* One resource record as found by msg_walk_next(); offsets are into the packet. */
struct msg_rr {
	enum msg_section section;
	uint16_t type;
	uint16_t class;
	uint32_t ttl;	  /* as on the wire */
	size_t type_pos;  /* where TYPE starts; CLASS, TTL and RDLENGTH follow */
	size_t rdata_pos; /* where RDATA starts */
	uint16_t rdlen;
};

struct msg_walk {
	struct dns_cursor c;
	struct dns_header hdr;
	size_t qname_pos, qname_end; /* the question's name as it lies in the packet */
	size_t qname_len;	     /* its length once expanded */
	size_t question_end;
	unsigned next, count[3];
	bool seen_opt;
	/*
	 * One bit per packet octet: set for the fixed fields (TYPE, CLASS,
	 * TTL, RDLENGTH) of the records read so far.  A name whose labels run
	 * through them is refused: it would change meaning when a TTL or the
	 * OPT's size is rewritten.  Only the first (len + 7) / 8 octets are
	 * cleared, so a small packet costs little.
	 */
	uint8_t fixed[65536 / 8];
};

static void
fixed_mark(struct msg_walk *w, size_t pos, size_t n)
{
	for (size_t i = pos; i < pos + n; i++)
		w->fixed[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static bool
fixed_has(const struct msg_walk *w, size_t pos, size_t n)
{
	for (size_t i = pos; i < pos + n; i++) {
		if (w->fixed[i >> 3] & (1u << (i & 7)))
			return true;
	}
	return false;
}

/*
 * Whether the name at pos (already read whole by the cursor, so bounded
 * and loop-free) keeps clear of the fixed fields of earlier records.
 */
static bool
name_clear_of_fixed(const struct msg_walk *w, size_t pos)
{
	const uint8_t *buf = w->c.buf;

	for (;;) {
		uint8_t l = buf[pos];

		if ((l & 0xc0) == 0xc0) {
			if (fixed_has(w, pos, 2))
				return false;
			pos = (size_t)(l & 0x3f) << 8 | buf[pos + 1];
			continue;
		}
		if (fixed_has(w, pos, 1 + (size_t)l))
			return false;
		if (l == 0)
			return true;
		pos += 1 + (size_t)l;
	}
}

static int
cursor_error(const struct dns_cursor *c)
{
	return c->err == HNS_ETRUNC ? HNS_ETRUNC : HNS_EMALFORMED;
}

/* Header and the one question; leaves the cursor at the first record. */
static int
msg_walk_init(struct msg_walk *w, const uint8_t *pkt, size_t len, uint8_t *qname_out)
{
	int rc = dns_header_parse(pkt, len, &w->hdr);

	if (rc != 0)
		return rc;
	if (w->hdr.qdcount != 1)
		return HNS_EMALFORMED;
	if (len > 65535)
		return HNS_EMALFORMED; /* no DNS message is longer */
	memset(w->fixed, 0, (len + 7) / 8);
	dns_cursor_init(&w->c, pkt, len);
	dns_cursor_skip(&w->c, DNS_HEADER_LEN);
	w->qname_pos = w->c.pos;
	w->qname_len = dns_cursor_name(&w->c, qname_out);
	w->qname_end = w->c.pos;
	dns_cursor_skip(&w->c, 4); /* QTYPE, QCLASS */
	if (w->c.err)
		return cursor_error(&w->c);
	w->question_end = w->c.pos;
	w->next = 0;
	w->count[MSG_ANSWER] = w->hdr.ancount;
	w->count[MSG_AUTHORITY] = w->hdr.nscount;
	w->count[MSG_ADDITIONAL] = w->hdr.arcount;
	w->seen_opt = false;
	return 0;
}

/* The next record: 1 with rr filled, 0 after the last one, or a negative hns_err. */
static int
msg_walk_next(struct msg_walk *w, struct msg_rr *rr)
{
	unsigned i = w->next;
	int s;

	for (s = MSG_ANSWER; s <= MSG_ADDITIONAL; s++) {
		if (i < w->count[s])
			break;
		i -= w->count[s];
	}
	if (s > MSG_ADDITIONAL)
		return 0;

	struct dns_cursor *c = &w->c;
	size_t owner_pos = c->pos;
	size_t owner_len = dns_cursor_name(c, NULL);

	rr->section = (enum msg_section)s;
	rr->type_pos = c->pos;
	rr->type = dns_cursor_u16(c);
	rr->class = dns_cursor_u16(c);
	rr->ttl = dns_cursor_u32(c);
	rr->rdlen = dns_cursor_u16(c);
	rr->rdata_pos = c->pos;
	dns_cursor_skip(c, rr->rdlen);
	if (c->err)
		return cursor_error(c);
	if (!name_clear_of_fixed(w, owner_pos))
		return HNS_EMALFORMED;
	fixed_mark(w, rr->type_pos, 10);
	if (rr->type == DNS_TYPE_OPT) {
		/* RFC 6891 6.1.1: one OPT, in the additional section, owned by the root. */
		if (w->seen_opt || s != MSG_ADDITIONAL || owner_len != 1 || c->buf[owner_pos] != 0)
			return HNS_EMALFORMED;
		w->seen_opt = true;
	}
	w->next++;
	return 1;
}

/* Check a whole message: 0 or a negative hns_err. */
static int
msg_check(const uint8_t *pkt, size_t len)
{
	struct msg_walk w;
	struct msg_rr rr;
	int rc = msg_walk_init(&w, pkt, len, NULL);

	while (rc == 0 && (rc = msg_walk_next(&w, &rr)) > 0)
		rc = 0;
	return rc;
}

static uint32_t
ttl_value(uint32_t ttl)
{
	return (ttl & 0x80000000u) ? 0 : ttl;
}

/* ------------------------------------------------------------ answers */

/* The MINIMUM of an SOA whose RDATA lies at rr; 0 or HNS_EMALFORMED. */
static int
soa_minimum(const struct msg_walk *w, const struct msg_rr *rr, uint32_t *minimum)
{
	struct dns_cursor c;
	size_t end = rr->rdata_pos + rr->rdlen;

	/*
	 * A cursor that ends with the RDATA: names in it may still point back
	 * into the message, never past the record.
	 */
	dns_cursor_init(&c, w->c.buf, end);
	c.pos = rr->rdata_pos;
	dns_cursor_name(&c, NULL); /* MNAME */
	size_t rname_pos = c.pos;

	dns_cursor_name(&c, NULL); /* RNAME */
	dns_cursor_skip(&c, 16);   /* SERIAL, REFRESH, RETRY, EXPIRE */
	uint32_t min = dns_cursor_u32(&c);

	if (c.err || c.pos != end)
		return HNS_EMALFORMED;
	if (!name_clear_of_fixed(w, rr->rdata_pos) || !name_clear_of_fixed(w, rname_pos))
		return HNS_EMALFORMED;
	*minimum = min;
	return 0;
}

int
dns_answer_info_get(const uint8_t *pkt, size_t len, struct dns_answer_info *out)
{
	struct msg_walk w;
	struct msg_rr rr;
	struct dns_answer_info info = {
		.min_ttl = UINT32_MAX,
	};
	int rc = msg_walk_init(&w, pkt, len, NULL);

	if (rc != 0)
		return rc;
	uint16_t ext_rcode = 0;

	while ((rc = msg_walk_next(&w, &rr)) > 0) {
		if (rr.type == DNS_TYPE_OPT) {
			ext_rcode = (uint16_t)(rr.ttl >> 24);
			continue;
		}
		uint32_t ttl = ttl_value(rr.ttl);

		if (ttl < info.min_ttl)
			info.min_ttl = ttl;
		if (rr.type == DNS_TYPE_SOA && rr.section == MSG_AUTHORITY && !info.has_soa) {
			uint32_t minimum;

			rc = soa_minimum(&w, &rr, &minimum);
			if (rc != 0)
				return rc;
			minimum = ttl_value(minimum);
			info.has_soa = true;
			info.negative_ttl = ttl < minimum ? ttl : minimum;
		}
	}
	if (rc < 0)
		return rc;
	info.rcode = (uint16_t)(ext_rcode << 4 | DNS_RCODE(w.hdr.flags));
	info.ancount = w.hdr.ancount;
	info.nscount = w.hdr.nscount;
	info.arcount = w.hdr.arcount;
	info.tc = (w.hdr.flags & DNS_FLAG_TC) != 0;
	*out = info;
	return 0;
}

enum ttl_op {
	TTL_DECREMENT,
	TTL_CLAMP,
};

/* Rewrite every TTL except OPT's, after checking the whole message. */
static int
msg_ttl_rewrite(uint8_t *pkt, size_t len, enum ttl_op op, uint32_t a, uint32_t b)
{
	struct msg_walk w;
	struct msg_rr rr;
	int rc = msg_check(pkt, len);

	if (rc != 0)
		return rc;
	rc = msg_walk_init(&w, pkt, len, NULL);
	while (rc == 0 && (rc = msg_walk_next(&w, &rr)) > 0) {
		rc = 0;
		if (rr.type == DNS_TYPE_OPT)
			continue;
		uint32_t ttl = ttl_value(rr.ttl);

		if (op == TTL_DECREMENT)
			ttl = ttl > a ? ttl - a : 0;
		else if (ttl < a)
			ttl = a;
		else if (ttl > b)
			ttl = b;
		dns_write_u32(pkt + rr.type_pos + 4, ttl);
	}
	return rc;
}

int
dns_msg_ttl_decrement(uint8_t *pkt, size_t len, uint32_t elapsed)
{
	return msg_ttl_rewrite(pkt, len, TTL_DECREMENT, elapsed, 0);
}

int
dns_msg_ttl_clamp(uint8_t *pkt, size_t len, uint32_t min, uint32_t max)
{
	if (min > max)
		return HNS_EINVAL;
	return msg_ttl_rewrite(pkt, len, TTL_CLAMP, min, max);
}

/* ------------------------------------------------------------ question */

bool
dns_msg_question_matches(const uint8_t *pkt, size_t len, const struct dns_question *q)
{
	struct msg_walk w;
	uint8_t name[DNS_NAME_MAX];

	if (msg_walk_init(&w, pkt, len, name) != 0)
		return false;
	const uint8_t *p = pkt + w.qname_end;

	return dns_name_equal(name, w.qname_len, q->name, q->name_len) &&
	       dns_read_u16(p) == q->qtype &&
	       dns_read_u16(p + 2) == q->qclass;
}

int
dns_msg_set_qname_case(uint8_t *pkt, size_t len, const uint8_t *name, size_t name_len)
{
	struct msg_walk w;
	int rc = msg_walk_init(&w, pkt, len, NULL);

	if (rc != 0)
		return rc;
	if (w.qname_end - w.qname_pos != name_len ||
	    !dns_name_equal(pkt + w.qname_pos, name_len, name, name_len))
		return HNS_EINVAL;
	memcpy(pkt + w.qname_pos, name, name_len);
	return 0;
}

/* ------------------------------------------------------------ building */

size_t
dns_msg_truncate(const uint8_t *pkt, size_t len, bool had_opt, uint16_t udp_size, uint8_t *out,
		 size_t cap)
{
	struct msg_walk w;
	struct msg_rr rr;
	uint8_t qname[DNS_NAME_MAX];
	bool do_bit = false;
	int rc;

	if (msg_walk_init(&w, pkt, len, qname) != 0)
		return 0;
	size_t qlen = DNS_HEADER_LEN + w.qname_len + 4;

	if (cap < qlen)
		return 0;
	if (had_opt) {
		/* The DO bit of the response's OPT, if the rest of it is readable. */
		while ((rc = msg_walk_next(&w, &rr)) > 0) {
			if (rr.type == DNS_TYPE_OPT)
				do_bit = (rr.ttl & DNS_EDNS_DO) != 0;
		}
	}
	struct dns_header h = {
		.id = w.hdr.id,
		.flags = (uint16_t)(w.hdr.flags | DNS_FLAG_TC),
		.qdcount = 1,
	};

	dns_header_write(out, &h);
	memcpy(out + DNS_HEADER_LEN, qname, w.qname_len);
	memcpy(out + DNS_HEADER_LEN + w.qname_len, pkt + w.qname_end, 4);
	if (had_opt)
		return dns_append_opt(out, qlen, cap, udp_size, do_bit);
	return qlen;
}

/* Whether name is a well-formed uncompressed wire name of exactly len octets. */
static bool
name_is_valid(const uint8_t *name, size_t len)
{
	size_t pos = 0;

	if (len == 0 || len > DNS_NAME_MAX)
		return false;
	while (pos < len) {
		uint8_t l = name[pos];

		if (l == 0)
			return pos + 1 == len;
		if (l > DNS_LABEL_MAX)
			return false;
		pos += 1 + (size_t)l;
	}
	return false;
}

size_t
dns_msg_build_query(uint16_t id, const uint8_t *qname, size_t qname_len, uint16_t qtype,
		    uint16_t qclass, bool edns, uint16_t udp_size, bool do_bit, uint8_t *out,
		    size_t cap)
{
	if (!name_is_valid(qname, qname_len))
		return 0;
	size_t len = DNS_HEADER_LEN + qname_len + 4;

	if (cap < len)
		return 0;
	struct dns_header h = {
		.id = id,
		.flags = DNS_FLAG_RD,
		.qdcount = 1,
	};

	dns_header_write(out, &h);
	memcpy(out + DNS_HEADER_LEN, qname, qname_len);
	dns_write_u16(out + DNS_HEADER_LEN + qname_len, qtype);
	dns_write_u16(out + DNS_HEADER_LEN + qname_len + 2, qclass);
	if (edns)
		return dns_append_opt(out, len, cap, udp_size, do_bit);
	return len;
}

int
dns_msg_set_edns_size(uint8_t *pkt, size_t len, uint16_t udp_size)
{
	struct msg_walk w;
	struct msg_rr rr;
	size_t opt_class_pos = 0;
	int rc = msg_walk_init(&w, pkt, len, NULL);

	if (rc != 0)
		return rc;
	while ((rc = msg_walk_next(&w, &rr)) > 0) {
		if (rr.type == DNS_TYPE_OPT)
			opt_class_pos = rr.type_pos + 2;
	}
	if (rc < 0)
		return rc;
	if (opt_class_pos == 0)
		return HNS_ENOENT;
	dns_write_u16(pkt + opt_class_pos, udp_size);
	return 0;
}
