#include "config.h"

#include <string.h>

#include "dns/chain.h"

/* Past the header and the one question; the header into h.  false: not a one-question message. */
static bool
chain_open(struct dns_cursor *c, const uint8_t *pkt, size_t len, struct dns_header *h)
{
	if (dns_header_parse(pkt, len, h) != 0 || h->qdcount != 1)
		return false;
	dns_cursor_init(c, pkt, len);
	dns_cursor_skip(c, DNS_HEADER_LEN);
	dns_cursor_name(c, NULL);
	dns_cursor_skip(c, 4);
	return c->err == 0;
}

/* One record's fields; the cursor ends past it. */
struct chain_rr {
	uint8_t owner[DNS_NAME_MAX];
	size_t olen;
	uint16_t type;
	size_t rdpos;
	uint16_t rdlen;
};

static bool
chain_rr_read(struct dns_cursor *c, struct chain_rr *rr, bool want_owner)
{
	rr->olen = dns_cursor_name(c, want_owner ? rr->owner : NULL);
	rr->type = dns_cursor_u16(c);
	dns_cursor_skip(c, 6);
	rr->rdlen = dns_cursor_u16(c);
	rr->rdpos = c->pos;
	dns_cursor_skip(c, rr->rdlen);
	return c->err == 0;
}

/* Whether the authority section (the cursor at its start) holds an SOA. */
static bool
chain_authority_soa(struct dns_cursor *c, uint16_t nscount, bool *soa)
{
	struct chain_rr rr;

	*soa = false;
	for (unsigned i = 0; i < nscount; i++) {
		if (!chain_rr_read(c, &rr, false))
			return false;
		*soa |= rr.type == DNS_TYPE_SOA;
	}
	return true;
}

size_t
dns_chain_dangling(const uint8_t *pkt, size_t len, const uint8_t *qname, size_t qname_len,
		   uint16_t qtype, uint8_t *target, unsigned *n_cnames)
{
	struct dns_cursor c;
	struct dns_header h;
	struct chain_rr rr;
	uint8_t cur[DNS_NAME_MAX], next[DNS_NAME_MAX];
	size_t clen = qname_len, nlen, an_pos;
	unsigned n = 0;
	bool soa;

	if (qtype == DNS_TYPE_CNAME || qtype == DNS_TYPE_ANY || qname_len > DNS_NAME_MAX ||
	    !chain_open(&c, pkt, len, &h) || DNS_RCODE(h.flags) != DNS_RCODE_NOERROR || !h.ancount)
		return 0;
	an_pos = c.pos;
	for (unsigned i = 0; i < h.ancount; i++)
		if (!chain_rr_read(&c, &rr, false))
			return 0;
	if (!chain_authority_soa(&c, h.nscount, &soa) || soa)
		return 0;
	memcpy(cur, qname, qname_len);
	/* one CNAME more than the limit is enough to tell the caller it is over */
	while (n <= DNS_CHAIN_MAX) {
		nlen = 0;
		c.pos = an_pos;
		for (unsigned i = 0; i < h.ancount; i++) {
			if (!chain_rr_read(&c, &rr, true))
				return 0;
			if (!dns_name_equal(rr.owner, rr.olen, cur, clen))
				continue;
			if (rr.type == qtype)
				return 0; /* the chain ends in an answer */
			if (rr.type == DNS_TYPE_CNAME && !nlen) {
				struct dns_cursor t = c;

				t.pos = rr.rdpos;
				nlen = dns_cursor_name(&t, next);
				if (!nlen || t.pos != rr.rdpos + rr.rdlen)
					return 0;
			}
		}
		if (!nlen)
			break;
		memcpy(cur, next, nlen);
		clen = nlen;
		n++;
	}
	if (!n)
		return 0;
	dns_name_lower(cur, clen);
	memcpy(target, cur, clen);
	*n_cnames = n;
	return clen;
}

/* ------------------------------------------------------------ joining */

struct chain_out {
	uint8_t *p;
	size_t len, cap;
	bool err;
};

static void
out_put(struct chain_out *o, const void *src, size_t n)
{
	if (o->err || o->cap - o->len < n) {
		o->err = true;
		return;
	}
	memcpy(o->p + o->len, src, n);
	o->len += n;
}

/* n octets of the message at the cursor, as they are. */
static void
out_bytes(struct chain_out *o, struct dns_cursor *c, size_t n)
{
	const uint8_t *src = dns_cursor_bytes(c, n);

	if (!src)
		o->err = true;
	else
		out_put(o, src, n);
}

/* A (possibly compressed) name of the message at the cursor, written out in full. */
static void
out_name(struct chain_out *o, struct dns_cursor *c)
{
	uint8_t name[DNS_NAME_MAX];
	size_t n = dns_cursor_name(c, name);

	if (!n)
		o->err = true;
	out_put(o, name, n);
}

/* Octets before the rdata's first name, for the types whose rdata hold names (RFC 1035, 2782). */
static int
rdata_name_offset(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_CNAME:
	case DNS_TYPE_NS:
	case DNS_TYPE_PTR:
	case DNS_TYPE_SOA:
		return 0;
	case DNS_TYPE_MX:
		return 2;
	case DNS_TYPE_SRV:
		return 6;
	default:
		return -1;
	}
}

/* count records of the message at the cursor into o, names uncompressed. */
static void
out_records(struct chain_out *o, struct dns_cursor *c, unsigned count)
{
	for (unsigned i = 0; i < count && !o->err && !c->err; i++) {
		out_name(o, c);

		uint16_t type = dns_cursor_u16(c);
		const uint8_t *fixed = dns_cursor_bytes(c, 6); /* class, ttl */
		uint16_t rdlen = dns_cursor_u16(c);
		size_t rdpos = c->pos, lenpos = o->len + 8;
		int off = rdata_name_offset(type);

		if (!fixed)
			break;
		out_put(o, (uint8_t[]){ (uint8_t)(type >> 8), (uint8_t)type }, 2);
		out_put(o, fixed, 6);
		out_put(o, "\0\0", 2);
		if (off < 0 || rdlen < off) {
			out_bytes(o, c, rdlen);
		} else {
			size_t start = o->len;

			out_bytes(o, c, (size_t)off);
			out_name(o, c);
			if (type == DNS_TYPE_SOA) {
				out_name(o, c);
				out_bytes(o, c, 20);
			}
			if (!o->err && c->pos != rdpos + rdlen)
				o->err = true; /* the names did not fill the rdata */
			if (!o->err)
				dns_write_u16(o->p + lenpos, (uint16_t)(o->len - start));
			continue;
		}
		if (!o->err)
			dns_write_u16(o->p + lenpos, rdlen);
	}
	if (c->err)
		o->err = true;
}

size_t
dns_chain_join(const uint8_t *head, size_t hlen, const uint8_t *leg, size_t llen, bool opt,
	       uint16_t udp_size, bool do_bit, uint8_t *out, size_t cap)
{
	struct dns_cursor hc, lc;
	struct dns_header hh, lh;
	struct chain_out o = { out, 0, cap, false };

	if (!chain_open(&hc, head, hlen, &hh) || !chain_open(&lc, leg, llen, &lh))
		return 0;
	out_put(&o, head, hc.pos); /* header and question, rewritten below */
	out_records(&o, &hc, hh.ancount);
	out_records(&o, &lc, lh.ancount);
	out_records(&o, &lc, lh.nscount);
	if (o.err)
		return 0;

	struct dns_header oh = {
		.id = hh.id,
		.flags = (uint16_t)((hh.flags & ~0xfu) | DNS_RCODE(lh.flags)),
		.qdcount = 1,
		.ancount = (uint16_t)(hh.ancount + lh.ancount),
		.nscount = lh.nscount,
	};

	dns_header_write(out, &oh);
	return opt ? dns_append_opt(out, o.len, cap, udp_size, do_bit) : o.len;
}
