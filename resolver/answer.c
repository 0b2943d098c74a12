#include "config.h"

#include <string.h>

#include "common/error.h"
#include "resolver/answer.h"

size_t
rslv_udp_limit(const struct dns_query *q)
{
	size_t n = q->has_edns ? q->edns_udp_size : 512;

	if (n < 512)
		n = 512;
	if (n > RSLV_EDNS_SIZE)
		n = RSLV_EDNS_SIZE;
	return n;
}

/* Header and the client's question (its ID, its spelling). */
static size_t
reply_head(const struct dns_query *q, uint8_t rcode, uint8_t *out, size_t cap)
{
	size_t qn = q->q.name_len;
	struct dns_header h = {
		.id = q->hdr.id,
		.flags = (uint16_t)(DNS_FLAG_QR | (q->hdr.flags & (DNS_FLAG_RD | DNS_FLAG_CD)) |
				    DNS_FLAG_RA | (rcode & 0xf)),
		.qdcount = 1,
	};

	if (cap < DNS_HEADER_LEN + qn + 4)
		return 0;
	dns_header_write(out, &h);
	memcpy(out + DNS_HEADER_LEN, q->q.name, qn);
	dns_write_u16(out + DNS_HEADER_LEN + qn, q->q.qtype);
	dns_write_u16(out + DNS_HEADER_LEN + qn + 2, q->q.qclass);
	return DNS_HEADER_LEN + qn + 4;
}

static size_t
put(uint8_t *out, size_t len, size_t cap, const void *src, size_t n)
{
	if (len == 0 || cap - len < n)
		return 0;
	memcpy(out + len, src, n);
	return len + n;
}

static size_t
put_synth(uint8_t *out, size_t len, size_t cap, const struct rslv_result *res)
{
	uint8_t rr[12];
	const void *rdata;
	size_t rdlen;
	uint8_t v4[4];

	if (res->synth_type == DNS_TYPE_A) {
		dns_write_u32(v4, res->synth_v4);
		rdata = v4;
		rdlen = 4;
	} else {
		rdata = res->synth_name;
		rdlen = res->synth_name_len;
	}
	rr[0] = 0xc0;
	rr[1] = 0x0c;
	dns_write_u16(rr + 2, res->synth_type);
	dns_write_u16(rr + 4, DNS_CLASS_IN);
	dns_write_u32(rr + 6, RSLV_SYNTH_TTL);
	dns_write_u16(rr + 10, (uint16_t)rdlen);
	len = put(out, len, cap, rr, sizeof(rr));
	return put(out, len, cap, rdata, rdlen);
}

size_t
rslv_reply_write(const struct dns_query *q, const struct rslv_result *res, bool tcp, uint8_t *out,
		 size_t cap)
{
	size_t limit = tcp ? cap : rslv_udp_limit(q);
	size_t room = limit < cap ? limit : cap;
	size_t opt = q->has_edns ? 11 : 0;
	size_t len;
	uint16_t an = 0, ns = 0;

	if (room < DNS_HEADER_LEN + opt)
		return 0;
	len = reply_head(q, res->rcode, out, room - opt);
	if (res->answer && res->answer->count) {
		len = put(out, len, room - opt, res->answer->wire, res->answer->len);
		an = res->answer->count;
		if (res->answer->negative && res->zone && res->zone->soa) {
			/* a chased CNAME ending NXDOMAIN/NODATA: the last zone's SOA */
			len = put(out, len, room - opt, res->zone->soa, res->zone->soa_len);
			ns = 1;
		}
	} else if (res->synth_type) {
		len = put_synth(out, len, room - opt, res);
		an = 1;
	} else if (res->zone && res->zone->soa) {
		len = put(out, len, room - opt, res->zone->soa, res->zone->soa_len);
		ns = 1;
	}
	if (len == 0) {
		/* does not fit: header and question with TC (the client retries over TCP) */
		len = reply_head(q, res->rcode, out, room - opt);
		if (len == 0)
			return 0;
		dns_write_u16(out + 2, (uint16_t)(dns_read_u16(out + 2) | DNS_FLAG_TC));
		an = ns = 0;
	}
	dns_write_u16(out + 6, an);
	dns_write_u16(out + 8, ns);
	if (q->has_edns)
		len = dns_append_opt(out, len, cap, RSLV_EDNS_SIZE, q->edns_do);
	return len;
}

void
rslv_answer(const struct rslv_world *w, size_t view, enum rslv_from from, const uint8_t *pkt,
	    size_t len, bool tcp, uint8_t *out, size_t cap, struct rslv_handled *h)
{
	int rc;

	h->verdict = RSLV_IGNORE;
	h->len = 0;
	h->parsed = false;
	if (len < DNS_HEADER_LEN)
		return; /* not even a header: nothing to answer to */
	rc = dns_query_parse(pkt, len, &h->q);
	if (h->q.hdr.flags & DNS_FLAG_QR)
		return; /* a response: never answer (no reflection loops) */
	if (rc != 0) {
		h->len = dns_build_formerr(&h->q.hdr, out, cap);
		h->verdict = h->len ? RSLV_REPLY : RSLV_IGNORE;
		return;
	}
	h->parsed = true;
	if (DNS_OPCODE(h->q.hdr.flags) != 0 || h->q.q.qclass != DNS_CLASS_IN) {
		h->len = dns_build_error(pkt, &h->q, DNS_RCODE_REFUSED, out, cap);
		h->verdict = h->len ? RSLV_REPLY : RSLV_IGNORE;
		return;
	}
	memcpy(h->lname, h->q.q.name, h->q.q.name_len);
	dns_name_lower(h->lname, h->q.q.name_len);
	rslv_resolve(w, view, from, h->lname, h->q.q.name_len, h->q.q.qtype, &h->res);
	switch (h->res.action) {
	case RSLV_DROP:
		return;
	case RSLV_FORWARD:
		h->verdict = RSLV_FORWARDED;
		return;
	case RSLV_ANSWER:
		break;
	}
	h->len = rslv_reply_write(&h->q, &h->res, tcp, out, cap);
	h->verdict = h->len ? RSLV_REPLY : RSLV_IGNORE;
}

void
rslv_answer_refused(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
		    struct rslv_handled *h)
{
	int rc;

	h->verdict = RSLV_IGNORE;
	h->len = 0;
	h->parsed = false;
	if (len < DNS_HEADER_LEN)
		return;
	rc = dns_query_parse(pkt, len, &h->q);
	if (h->q.hdr.flags & DNS_FLAG_QR)
		return;
	if (rc != 0)
		h->len = dns_build_formerr(&h->q.hdr, out, cap);
	else
		h->len = dns_build_error(pkt, &h->q, DNS_RCODE_REFUSED, out, cap);
	h->verdict = h->len ? RSLV_REPLY : RSLV_IGNORE;
}
