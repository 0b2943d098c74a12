#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/hash.h"
#include "model/ipv6.h"
#include "resolver/qlog_json.h"
#include "resolver/view_internal.h"

/*
 * Synthesised names.  At load time: the records of interface endpoints'
 * ENIs under their public vpce names and their private DNS zones (R11),
 * and the EC2 internal and reverse zones of each region.  Per query: the
 * answers of those internal and reverse zones (ip-a-b-c-d names, PTR) and
 * of the public pool for AWS service names.
 */

/* One A or AAAA record of an ENI address at owner. */
static int
add_eni_rr(struct build *b, struct build_zone *bz, const uint8_t *owner, size_t olen,
	   const struct model_endpoint *ep, const struct hns_addr *ip,
	   const struct model_record *rec)
{
	struct hns_arena *a = &b->w->arena;
	uint32_t ttl = b->w->model->defaults.vpce_ttl;
	struct build_rr *r = rslv_build_rr_add(bz);
	char item[HNS_ADDR_STRLEN + 64];
	bool v4 = ip->family == AF_INET;

	if (!r)
		return HNS_ENOMEM;
	memcpy(r->owner, owner, olen);
	r->olen = (uint8_t)olen;
	r->type = v4 ? DNS_TYPE_A : DNS_TYPE_AAAA;
	r->wire = rslv_rr_wire(a, r->type, DNS_CLASS_IN, ttl, ip->bytes, v4 ? 4 : 16, &r->len);
	rslv_qlog_item_addr(ip, item, sizeof(item));
	r->json = hns_arena_strdup(a, item);
	r->ep = ep;
	r->rec = rec;
	r->alias = rec != NULL;
	if (!r->wire || !r->json)
		return HNS_ENOMEM;
	return 0;
}

/*
 * Answer records of an endpoint's ENIs (all, or those in one AZ): A for
 * IPv4 and AAAA for IPv6 addresses, as the endpoint's DNS record IP type
 * gives them to this name (a private DNS zone's names or the others).
 */
int
rslv_build_add_enis(struct build *b, struct build_zone *bz, const uint8_t *owner, size_t olen,
	       const struct model_endpoint *ep, const char *az, const struct model_record *rec)
{
	bool private_name = bz->z->kind == RSLV_ZONE_PRIVATE_DNS;
	bool want4 = model_dns_ip_type_has(ep->dns_record_ip_type, private_name, false);
	bool want6 = model_dns_ip_type_has(ep->dns_record_ip_type, private_name, true);

	for (size_t i = 0; i < ep->n_enis; i++) {
		const struct model_eni *e = &ep->enis[i];
		int rc = 0;

		if (az && (!e->subnet || !e->subnet->az || strcmp(e->subnet->az, az) != 0))
			continue;
		if (b->w->eni_down && b->w->eni_down(b->w->eni_down_arg, e))
			continue;
		if (want4 && e->ip.family == AF_INET)
			rc = add_eni_rr(b, bz, owner, olen, ep, &e->ip, rec);
		if (rc == 0 && want6 && e->ip6.family == AF_INET6)
			rc = add_eni_rr(b, bz, owner, olen, ep, &e->ip6, rec);
		if (rc)
			return rc;
	}
	return 0;
}

int
rslv_build_endpoint_names(struct build *b, struct build_zone *vpce, const struct model_endpoint *ep)
{
	uint8_t o[DNS_NAME_MAX + 2];
	int n, rc;
	bool s3 = ep->service_short && strcmp(ep->service_short, "s3") == 0;

	if (ep->type != MODEL_ENDPOINT_INTERFACE || !ep->regional_name)
		return 0;
	n = rslv_name_wire_lower(ep->regional_name, o + 2);
	if (n <= 0)
		return HNS_ENAME;
	rc = rslv_build_add_enis(b, vpce, o + 2, (size_t)n, ep, NULL, NULL);
	if (rc == 0 && s3 && n + 2 <= DNS_NAME_MAX) { /* bucket.vpce-…, accesspoint.vpce-… */
		o[0] = 1;
		o[1] = '*';
		rc = rslv_build_add_enis(b, vpce, o, (size_t)n + 2, ep, NULL, NULL);
	}
	for (size_t i = 0; rc == 0 && i < ep->n_enis; i++) {
		const struct model_eni *e = &ep->enis[i];

		if (!e->zonal_name || !e->subnet)
			continue;
		n = rslv_name_wire_lower(e->zonal_name, o);
		if (n <= 0)
			return HNS_ENAME;
		rc = rslv_build_add_enis(b, vpce, o, (size_t)n, ep, e->subnet->az, NULL);
	}
	return rc;
}

/* The hidden zones of an interface endpoint with private DNS (R11). */
int
rslv_build_private_dns(struct build *b, const struct model_endpoint *ep)
{
	for (size_t i = 0; i < ep->n_dns_names; i++) {
		const struct model_service_name *sn = &ep->dns_names[i];
		struct build_zone *bz = rslv_build_zone_add(b, RSLV_ZONE_PRIVATE_DNS, sn->name);
		uint8_t o[DNS_NAME_MAX + 2];
		int rc;

		if (!bz)
			return HNS_ENOMEM;
		bz->z->endpoint = ep;
		bz->z->inbound_only = ep->private_dns_only_for_inbound;
		rc = rslv_build_add_enis(b, bz, bz->z->wname, bz->z->wlen, ep, NULL, NULL);
		if (rc == 0 && sn->wildcard && bz->z->wlen + 2 <= DNS_NAME_MAX) {
			o[0] = 1;
			o[1] = '*';
			memcpy(o + 2, bz->z->wname, bz->z->wlen);
			rc = rslv_build_add_enis(b, bz, o, (size_t)bz->z->wlen + 2, ep, NULL, NULL);
		}
		if (rc == 0)
			rc = rslv_zone_set_default_soa(b->w, bz->z);
		if (rc)
			return rc;
	}
	return 0;
}

/* One zone of synthesised names (internal or reverse), naming ip- names in `region`. */
int
rslv_build_synth_zone(struct build *b, enum rslv_zone_kind kind, const char *name,
		      const char *region, struct rslv_zone **out)
{
	struct build_zone *bz = rslv_build_zone_add(b, kind, name);

	if (!bz)
		return HNS_ENOMEM;
	bz->z->region = hns_arena_strdup(&b->w->arena, region);
	bz->z->us_east_1_names = strcmp(region, "us-east-1") == 0;
	*out = bz->z;
	return bz->z->region ? rslv_zone_set_default_soa(b->w, bz->z) : HNS_ENOMEM;
}

/* Internal names and reverse zones of one region, made once per region. */
int
rslv_build_internal(struct build *b, const char *region, struct rslv_zone **out, size_t *n_out)
{
	static const char *const reverse[] = {
		"10.in-addr.arpa",     "16.172.in-addr.arpa", "17.172.in-addr.arpa",
		"18.172.in-addr.arpa", "19.172.in-addr.arpa", "20.172.in-addr.arpa",
		"21.172.in-addr.arpa", "22.172.in-addr.arpa", "23.172.in-addr.arpa",
		"24.172.in-addr.arpa", "25.172.in-addr.arpa", "26.172.in-addr.arpa",
		"27.172.in-addr.arpa", "28.172.in-addr.arpa", "29.172.in-addr.arpa",
		"30.172.in-addr.arpa", "31.172.in-addr.arpa", "168.192.in-addr.arpa",
	};
	size_t n = 0;
	bool use1 = strcmp(region, "us-east-1") == 0;
	char name[128];

	/* already made for this region? */
	for (size_t i = 0; i < b->n; i++) {
		struct rslv_zone *z = b->zones[i].z;

		if ((z->kind == RSLV_ZONE_INTERNAL || z->kind == RSLV_ZONE_REVERSE) &&
		    z->cidr_vpc == NULL && strcmp(z->region, region) == 0)
			out[n++] = z;
	}
	if (n) {
		*n_out = n;
		return 0;
	}
	snprintf(name, sizeof(name), use1 ? "ec2.internal" : "%s.compute.internal", region);
	for (size_t i = 0; i <= sizeof(reverse) / sizeof(reverse[0]); i++) {
		int rc = rslv_build_synth_zone(b, i ? RSLV_ZONE_REVERSE : RSLV_ZONE_INTERNAL,
					       i ? reverse[i - 1] : name, region, &out[n]);

		if (rc)
			return rc;
		n++;
	}
	*n_out = n;
	return 0;
}

/* Parse one decimal label 0..255 (wire label at p). */
static int
label_octet(const uint8_t *p)
{
	unsigned v = 0;

	if (p[0] < 1 || p[0] > 3)
		return -1;
	for (unsigned i = 1; i <= p[0]; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v > 255 ? -1 : (int)v;
}

/* "ip-10-0-1-5" -> host-order address; false when the label is not an IP name. */
static bool
ip_label_parse(const uint8_t *label, uint32_t *out)
{
	unsigned len = label[0], oct = 0, v = 0, digits = 0;
	uint32_t a = 0;

	if (len < 10 || memcmp(label + 1, "ip-", 3) != 0)
		return false;
	for (unsigned i = 4; i <= len + 1; i++) {
		if (i == len + 1 || label[i] == '-') {
			if (!digits || v > 255 || oct > 3)
				return false;
			a = a << 8 | v;
			oct++;
			v = 0;
			digits = 0;
		} else if (label[i] >= '0' && label[i] <= '9' && digits < 3) {
			v = v * 10 + (unsigned)(label[i] - '0');
			digits++;
		} else {
			return false;
		}
	}
	if (oct != 4)
		return false;
	*out = a;
	return true;
}

/* ip-a-b-c-d.<region>.compute.internal (or .ec2.internal) in wire form. */
static size_t
ip_name_write(const struct rslv_zone *internal_style, uint32_t a, uint8_t *out)
{
	char text[128];

	if (internal_style->us_east_1_names)
		snprintf(text, sizeof(text), "ip-%u-%u-%u-%u.ec2.internal", a >> 24, (a >> 16) & 0xff,
			 (a >> 8) & 0xff, a & 0xff);
	else
		snprintf(text, sizeof(text), "ip-%u-%u-%u-%u.%s.compute.internal", a >> 24,
			 (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff, internal_style->region);
	int n = dns_name_from_str(text, out);

	return n > 0 ? (size_t)n : 0;
}

/* A synthesised answer of an internal or reverse zone (the record itself is set by the caller). */
static void
internal_answer(const struct rslv_zone *z, uint16_t type, struct rslv_result *out)
{
	out->action = RSLV_ANSWER;
	out->rcode = DNS_RCODE_NOERROR;
	out->synth_type = type;
	out->trace.what = "internal-name";
	out->trace.zone = z;
}

void
rslv_zone_internal(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
	      size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	uint32_t a;

	if (qlen == z->wlen) { /* the apex exists */
		rslv_result_negative(w, z, true, out);
		return;
	}
	if (qlen != z->wlen + qname[0] + 1u || !ip_label_parse(qname, &a)) {
		rslv_result_negative(w, z, false, out);
		return;
	}
	if (qtype != DNS_TYPE_A && qtype != DNS_TYPE_ANY) { /* IP names answer A only */
		rslv_result_negative(w, z, true, out);
		return;
	}
	out->synth_v4 = a;
	internal_answer(z, DNS_TYPE_A, out);
}

void
rslv_zone_reverse(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
	     size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	size_t labels = dns_name_label_count(qname, qlen);
	int oct[4];
	const uint8_t *p = qname;

	if (labels < 6) { /* the zone or a node above the addresses: exists, no data */
		rslv_result_negative(w, z, true, out);
		return;
	}
	if (labels > 6) {
		rslv_result_negative(w, z, false, out);
		return;
	}
	for (int i = 3; i >= 0; i--) {
		oct[i] = label_octet(p);
		if (oct[i] < 0) {
			rslv_result_negative(w, z, false, out);
			return;
		}
		p += p[0] + 1;
	}
	if (qtype != DNS_TYPE_PTR && qtype != DNS_TYPE_ANY) {
		rslv_result_negative(w, z, true, out);
		return;
	}
	uint32_t a = (uint32_t)oct[0] << 24 | (uint32_t)oct[1] << 16 | (uint32_t)oct[2] << 8 |
		     (uint32_t)oct[3];

	out->synth_name_len = (uint8_t)ip_name_write(z, a, out->synth_name);
	if (!out->synth_name_len) {
		rslv_result_negative(w, z, false, out);
		return;
	}
	internal_answer(z, DNS_TYPE_PTR, out);
}

bool
rslv_is_aws_name(const uint8_t *q, size_t qlen)
{
	static const uint8_t amazonaws[] = "\x09" "amazonaws\x03" "com";
	static const uint8_t apiaws[] = "\x03" "api\x03" "aws";

	return dns_name_is_subdomain(q, qlen, amazonaws, sizeof(amazonaws)) ||
	       dns_name_is_subdomain(q, qlen, apiaws, sizeof(apiaws));
}

/* The documented pool: FNV-1a of the lower-case wire name into 52.94.0.0/16, last octet 1..254. */
uint32_t
rslv_aws_pool_addr(const uint8_t *q, size_t qlen)
{
	uint32_t h = hns_fnv1a32(HNS_FNV32_BASIS, q, qlen);

	return RSLV_AWS_POOL_BASE | ((h >> 8) & 0xff) << 8 | (1 + h % 254);
}
