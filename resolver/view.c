#include "config.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "resolver/view.h"

/*
 * Building the world.  Records are first collected per zone as prepared
 * answer records (build_rr), then ALIAS records that name a DNS name are
 * resolved against what was collected, and finally every zone is turned
 * into nodes and record sets in the world's hash table.
 */

struct build_rr {
	uint8_t owner[DNS_NAME_MAX];
	uint8_t olen;
	uint16_t type; /* 0: only makes the owner exist */
	const uint8_t *wire;
	uint32_t len;
	const char *json;
	const struct model_record *rec;
	const struct model_endpoint *ep;
	bool alias;
};

struct build_zone {
	struct rslv_zone *z;
	struct build_rr *rrs;
	size_t n, cap;
};

struct build {
	struct rslv_world *w;
	struct build_zone *zones;
	size_t n, cap;
};

#define SOA_DEFAULT_RDATA "ns-2048.awsdns-64.net. hostmaster.amazon.com. 1 7200 900 1209600 86400"

static int
name_wire_lower(const char *s, uint8_t *out)
{
	int n = dns_name_from_str(s, out);

	if (n > 0)
		dns_name_lower(out, (size_t)n);
	return n;
}

/* One answer record: c0 0c, type, class, ttl, rdlength, rdata. */
static const uint8_t *
rr_wire(struct hns_arena *a, uint16_t type, uint16_t class, uint32_t ttl, const uint8_t *rdata,
	size_t rdlen, uint32_t *len_out)
{
	uint8_t *p = hns_arena_alloc(a, 12 + rdlen);

	if (!p)
		return NULL;
	p[0] = 0xc0;
	p[1] = 0x0c;
	dns_write_u16(p + 2, type);
	dns_write_u16(p + 4, class);
	dns_write_u32(p + 6, ttl);
	dns_write_u16(p + 10, (uint16_t)rdlen);
	memcpy(p + 12, rdata, rdlen);
	*len_out = (uint32_t)(12 + rdlen);
	return p;
}

static struct build_rr *
build_rr_add(struct build_zone *bz)
{
	if (bz->n == bz->cap) {
		size_t ncap = bz->cap ? bz->cap * 2 : 16;
		struct build_rr *n = realloc(bz->rrs, ncap * sizeof(*n));

		if (!n)
			return NULL;
		bz->rrs = n;
		bz->cap = ncap;
	}
	struct build_rr *r = &bz->rrs[bz->n++];

	memset(r, 0, sizeof(*r));
	return r;
}

static struct build_zone *
build_zone_add(struct build *b, enum rslv_zone_kind kind, const char *name)
{
	struct rslv_world *w = b->w;

	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		struct build_zone *n = realloc(b->zones, ncap * sizeof(*n));

		if (!n)
			return NULL;
		b->zones = n;
		b->cap = ncap;
	}
	struct rslv_zone *z = hns_arena_alloc(&w->arena, sizeof(*z));

	if (!z)
		return NULL;
	int n = name_wire_lower(name, z->wname);

	if (n <= 0)
		return NULL;
	z->wlen = (uint8_t)n;
	z->kind = kind;
	z->name = hns_arena_strdup(&w->arena, name);
	z->tag = (uint32_t)b->n + 1;

	struct build_zone *bz = &b->zones[b->n++];

	memset(bz, 0, sizeof(*bz));
	bz->z = z;
	return bz;
}

/* The zone's negative-answer SOA: owner uncompressed, TTL min(ttl, minimum) (RFC 2308). */
static int
zone_set_soa(struct rslv_world *w, struct rslv_zone *z, const ldns_rr *soa)
{
	ldns_buffer *buf = ldns_buffer_new(256);
	int rc = HNS_ENOMEM;

	if (!buf)
		return HNS_ENOMEM;
	if (ldns_rr_rdata2buffer_wire(buf, soa) != LDNS_STATUS_OK)
		goto out;
	size_t rdlen = ldns_buffer_position(buf);
	const uint8_t *rd = ldns_buffer_begin(buf);

	if (rdlen < 20)
		goto out;
	uint32_t minimum = dns_read_u32(rd + rdlen - 4);
	uint32_t ttl = ldns_rr_ttl(soa);
	uint8_t *p = hns_arena_alloc(&w->arena, z->wlen + 10 + rdlen);

	if (!p)
		goto out;
	memcpy(p, z->wname, z->wlen);
	dns_write_u16(p + z->wlen, DNS_TYPE_SOA);
	dns_write_u16(p + z->wlen + 2, DNS_CLASS_IN);
	dns_write_u32(p + z->wlen + 4, ttl < minimum ? ttl : minimum);
	dns_write_u16(p + z->wlen + 8, (uint16_t)rdlen);
	memcpy(p + z->wlen + 10, rd, rdlen);
	z->soa = p;
	z->soa_len = (uint32_t)(z->wlen + 10 + rdlen);
	char *txt = ldns_rr2str(soa);

	if (txt) {
		size_t l = strlen(txt);

		while (l && (txt[l - 1] == '\n' || txt[l - 1] == ' '))
			txt[--l] = '\0';
		z->soa_text = hns_arena_strdup(&w->arena, txt);
		free(txt);
	}
	rc = 0;
out:
	ldns_buffer_free(buf);
	return rc;
}

/* A Route 53 style default SOA for zones the scenario does not describe. */
static int
zone_set_default_soa(struct rslv_world *w, struct rslv_zone *z)
{
	char text[DNS_NAME_STRLEN + 128];
	ldns_rr *rr = NULL;

	snprintf(text, sizeof(text), "%s. %u IN SOA " SOA_DEFAULT_RDATA, z->name,
		 w->model->defaults.negative_ttl);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		return HNS_EINVAL;
	int rc = zone_set_soa(w, z, rr);

	ldns_rr_free(rr);
	return rc;
}

/* Prepare one ldns record as an answer record of the build zone. */
static int
build_add_ldns(struct build *b, struct build_zone *bz, const char *owner, const ldns_rr *rr,
	       const struct model_record *rec)
{
	struct hns_arena *a = &b->w->arena;
	struct build_rr *r = build_rr_add(bz);
	ldns_buffer *buf;
	int n, rc = HNS_ENOMEM;

	if (!r)
		return HNS_ENOMEM;
	n = name_wire_lower(owner, r->owner);
	if (n <= 0) {
		bz->n--;
		return HNS_ENAME;
	}
	r->olen = (uint8_t)n;
	r->type = (uint16_t)ldns_rr_get_type(rr);
	r->rec = rec;
	buf = ldns_buffer_new(512);
	if (!buf)
		return HNS_ENOMEM;
	if (ldns_rr_rdata2buffer_wire(buf, rr) != LDNS_STATUS_OK)
		goto out;
	r->wire = rr_wire(a, r->type, (uint16_t)ldns_rr_get_class(rr), ldns_rr_ttl(rr),
			  ldns_buffer_begin(buf), ldns_buffer_position(buf), &r->len);
	if (!r->wire)
		goto out;

	/* Query-log form: {"Rdata":"...","Type":"A","Class":"IN"} */
	char rdata[1024] = "", *esc;
	size_t o = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));

		if (s) {
			o += (size_t)snprintf(rdata + o, o < sizeof(rdata) ? sizeof(rdata) - o : 0,
					      "%s%s", i ? " " : "", s);
			if (o >= sizeof(rdata))
				o = sizeof(rdata) - 1;
			free(s);
		}
	}
	esc = hns_json_str_dup(rdata, strlen(rdata));
	char *tname = ldns_rr_type2str(r->type);

	r->json = esc ? hns_arena_printf(a, "{\"Rdata\":%s,\"Type\":\"%s\",\"Class\":\"IN\"}", esc,
					 tname ? tname : "?")
		      : NULL;
	free(esc);
	free(tname);
	rc = r->json ? 0 : HNS_ENOMEM;
out:
	ldns_buffer_free(buf);
	return rc;
}

/* Answer records of an endpoint's ENIs (all, or those in one AZ). */
static int
build_add_enis(struct build *b, struct build_zone *bz, const uint8_t *owner, size_t olen,
	       const struct model_endpoint *ep, const char *az, const struct model_record *rec)
{
	struct hns_arena *a = &b->w->arena;
	uint32_t ttl = b->w->model->defaults.vpce_ttl;

	for (size_t i = 0; i < ep->n_enis; i++) {
		const struct model_eni *e = &ep->enis[i];

		if (az && (!e->subnet || !e->subnet->az || strcmp(e->subnet->az, az) != 0))
			continue;
		if (b->w->eni_down && b->w->eni_down(b->w->eni_down_arg, e))
			continue;
		struct build_rr *r = build_rr_add(bz);
		char ip[HNS_ADDR_STRLEN];

		if (!r)
			return HNS_ENOMEM;
		memcpy(r->owner, owner, olen);
		r->olen = (uint8_t)olen;
		bool v4 = e->ip.family == AF_INET;

		r->type = v4 ? DNS_TYPE_A : DNS_TYPE_AAAA;
		r->wire = rr_wire(a, r->type, DNS_CLASS_IN, ttl, e->ip.bytes, v4 ? 4 : 16, &r->len);
		r->json = hns_arena_printf(a, "{\"Rdata\":\"%s\",\"Type\":\"%s\",\"Class\":\"IN\"}",
					   hns_addr_str(&e->ip, ip, sizeof(ip)), v4 ? "A" : "AAAA");
		r->ep = ep;
		r->rec = rec;
		r->alias = rec != NULL;
		if (!r->wire || !r->json)
			return HNS_ENOMEM;
	}
	return 0;
}

/* Make the owner exist even when it ends up with no records (an alias that found nothing). */
static int
build_add_placeholder(struct build_zone *bz, const uint8_t *owner, size_t olen,
		      const struct model_record *rec)
{
	struct build_rr *r = build_rr_add(bz);

	if (!r)
		return HNS_ENOMEM;
	memcpy(r->owner, owner, olen);
	r->olen = (uint8_t)olen;
	r->rec = rec;
	return 0;
}

static int
build_hosted_zone(struct build *b, const struct model_zone *mz)
{
	struct build_zone *bz = build_zone_add(b, RSLV_ZONE_HOSTED, mz->name);
	bool has_soa = false;
	int rc;

	if (!bz)
		return HNS_ENOMEM;
	bz->z->mzone = mz;
	for (size_t i = 0; i < mz->n_records; i++) {
		const struct model_record *rec = &mz->records[i];

		if (rec->rr) {
			if (ldns_rr_get_type(rec->rr) == LDNS_RR_TYPE_SOA)
				has_soa = true;
			rc = build_add_ldns(b, bz, rec->owner, rec->rr, rec);
		} else if (rec->alias == MODEL_ALIAS_ENDPOINT || rec->alias == MODEL_ALIAS_ENDPOINT_AZ) {
			uint8_t o[DNS_NAME_MAX];
			int n = name_wire_lower(rec->owner, o);

			if (n <= 0)
				return HNS_ENAME;
			rc = build_add_enis(b, bz, o, (size_t)n, rec->alias_endpoint,
					    rec->alias == MODEL_ALIAS_ENDPOINT_AZ ? rec->alias_az : NULL,
					    rec);
			if (rc == 0)
				rc = build_add_placeholder(bz, o, (size_t)n, rec);
		} else {
			rc = 0; /* ALIAS to a name: resolved once every zone is collected */
		}
		if (rc)
			return rc;
	}
	if (mz->soa) {
		rc = zone_set_soa(b->w, bz->z, mz->soa);
		if (rc == 0 && !has_soa)
			rc = build_add_ldns(b, bz, mz->name, mz->soa, NULL);
	} else {
		rc = zone_set_default_soa(b->w, bz->z);
	}
	return rc;
}

static int
build_endpoint_names(struct build *b, struct build_zone *vpce, const struct model_endpoint *ep)
{
	uint8_t o[DNS_NAME_MAX + 2];
	int n, rc;
	bool s3 = ep->service_short && strcmp(ep->service_short, "s3") == 0;

	if (ep->type != MODEL_ENDPOINT_INTERFACE || !ep->regional_name)
		return 0;
	n = name_wire_lower(ep->regional_name, o + 2);
	if (n <= 0)
		return HNS_ENAME;
	rc = build_add_enis(b, vpce, o + 2, (size_t)n, ep, NULL, NULL);
	if (rc == 0 && s3 && n + 2 <= DNS_NAME_MAX) { /* bucket.vpce-…, accesspoint.vpce-… */
		o[0] = 1;
		o[1] = '*';
		rc = build_add_enis(b, vpce, o, (size_t)n + 2, ep, NULL, NULL);
	}
	for (size_t i = 0; rc == 0 && i < ep->n_enis; i++) {
		const struct model_eni *e = &ep->enis[i];

		if (!e->zonal_name || !e->subnet)
			continue;
		n = name_wire_lower(e->zonal_name, o);
		if (n <= 0)
			return HNS_ENAME;
		rc = build_add_enis(b, vpce, o, (size_t)n, ep, e->subnet->az, NULL);
	}
	return rc;
}

/* The hidden zones of an interface endpoint with private DNS (R11). */
static int
build_private_dns(struct build *b, const struct model_endpoint *ep)
{
	for (size_t i = 0; i < ep->n_dns_names; i++) {
		const struct model_service_name *sn = &ep->dns_names[i];
		struct build_zone *bz = build_zone_add(b, RSLV_ZONE_PRIVATE_DNS, sn->name);
		uint8_t o[DNS_NAME_MAX + 2];
		int rc;

		if (!bz)
			return HNS_ENOMEM;
		bz->z->endpoint = ep;
		bz->z->inbound_only = ep->private_dns_only_for_inbound;
		rc = build_add_enis(b, bz, bz->z->wname, bz->z->wlen, ep, NULL, NULL);
		if (rc == 0 && sn->wildcard && bz->z->wlen + 2 <= DNS_NAME_MAX) {
			o[0] = 1;
			o[1] = '*';
			memcpy(o + 2, bz->z->wname, bz->z->wlen);
			rc = build_add_enis(b, bz, o, (size_t)bz->z->wlen + 2, ep, NULL, NULL);
		}
		if (rc == 0)
			rc = zone_set_default_soa(b->w, bz->z);
		if (rc)
			return rc;
	}
	return 0;
}

static struct build_zone *
build_find_zone(struct build *b, const struct rslv_zone *z)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->zones[i].z == z)
			return &b->zones[i];
	return NULL;
}

/*
 * The zone an ALIAS to a name looks into: the alias's own zone when the
 * target lies in it, else the most specific public zone (internet view).
 */
static struct build_zone *
alias_target_zone(struct build *b, struct build_zone *own, const uint8_t *t, size_t tlen)
{
	struct build_zone *best = NULL;

	if (dns_name_is_subdomain(t, tlen, own->z->wname, own->z->wlen))
		return own;
	for (size_t i = 0; i < b->n; i++) {
		struct build_zone *bz = &b->zones[i];
		bool pub = bz->z->kind == RSLV_ZONE_VPCE ||
			   (bz->z->kind == RSLV_ZONE_HOSTED && bz->z->mzone &&
			    bz->z->mzone->kind != MODEL_ZONE_PRIVATE &&
			    bz->z->mzone->kind != MODEL_ZONE_ONPREM);

		if (!pub || !dns_name_is_subdomain(t, tlen, bz->z->wname, bz->z->wlen))
			continue;
		if (!best || bz->z->wlen > best->z->wlen)
			best = bz;
	}
	return best;
}

/* Copy the target's A/AAAA records under the alias's owner; returns how many. */
static int
alias_resolve(struct build *b, struct build_zone *bz, const struct model_record *rec)
{
	uint8_t o[DNS_NAME_MAX], t[DNS_NAME_MAX], wc[DNS_NAME_MAX + 2];
	int on = name_wire_lower(rec->owner, o);
	int tn = rec->alias_target ? name_wire_lower(rec->alias_target, t) : -1;
	int found = 0;

	if (on <= 0 || tn <= 0)
		return HNS_ENAME;
	struct build_zone *tz = alias_target_zone(b, bz, t, (size_t)tn);

	if (!tz)
		return 0;
	/* exact owner first, then the wildcard one level up */
	size_t wlen = 0;

	if (t[0] != 0 && (size_t)tn - (t[0] + 1) + 2 <= DNS_NAME_MAX) {
		wc[0] = 1;
		wc[1] = '*';
		wlen = (size_t)tn - (t[0] + 1) + 2;
		memcpy(wc + 2, t + t[0] + 1, wlen - 2);
	}
	for (int pass = 0; pass < 2 && !found; pass++) {
		const uint8_t *want = pass ? wc : t;
		size_t wl = pass ? wlen : (size_t)tn;

		if (!wl)
			continue;
		size_t n = tz->n; /* tz may be bz: do not walk what we add */

		for (size_t i = 0; i < n; i++) {
			struct build_rr src = tz->rrs[i];

			if ((src.type != DNS_TYPE_A && src.type != DNS_TYPE_AAAA) || src.olen != wl ||
			    memcmp(src.owner, want, wl) != 0)
				continue;
			struct build_rr *r = build_rr_add(bz);

			if (!r)
				return HNS_ENOMEM;
			*r = src;
			memcpy(r->owner, o, (size_t)on);
			r->olen = (uint8_t)on;
			r->rec = rec;
			r->alias = true;
			if (tz == bz) /* the array may have moved */
				tz = bz;
			found++;
		}
	}
	return found;
}

static int
build_aliases(struct build *b)
{
	const struct model *m = b->w->model;
	size_t nz = m->n_zones;
	int rc;

	/* Chains of aliases resolve over a few passes; an unresolved one answers NODATA. */
	size_t total = 0;

	for (size_t i = 0; i < nz; i++)
		total += m->zones[i].n_records;
	bool *done = calloc(total ? total : 1, sizeof(bool));
	if (!done)
		return HNS_ENOMEM;
	for (int pass = 0; pass < 4; pass++) {
		size_t k = 0;

		for (size_t i = 0; i < nz; i++) {
			const struct model_zone *mz = &m->zones[i];
			struct build_zone *bz = NULL;

			for (size_t j = 0; j < b->n; j++)
				if (b->zones[j].z->mzone == mz)
					bz = &b->zones[j];
			for (size_t r = 0; r < mz->n_records; r++, k++) {
				const struct model_record *rec = &mz->records[r];

				if (!bz || rec->rr || rec->alias != MODEL_ALIAS_NAME || done[k])
					continue;
				rc = alias_resolve(b, bz, rec);
				if (rc < 0)
					goto out;
				if (rc > 0 || pass == 3) {
					done[k] = true;
					uint8_t o[DNS_NAME_MAX];
					int on = name_wire_lower(rec->owner, o);

					if (on > 0 && (rc = build_add_placeholder(bz, o, (size_t)on, rec)))
						goto out;
				}
			}
		}
	}
	rc = 0;
out:
	free(done);
	return rc;
}

static int world_chase(struct rslv_world *w);

static int
build_rr_cmp(const void *pa, const void *pb)
{
	const struct build_rr *a = pa, *b = pb;

	if (a->olen != b->olen)
		return a->olen < b->olen ? -1 : 1;
	int c = memcmp(a->owner, b->owner, a->olen);

	if (c)
		return c;
	return a->type < b->type ? -1 : a->type > b->type;
}

static struct rslv_node *
node_get_or_add(struct rslv_world *w, uint32_t tag, const uint8_t *name, size_t len)
{
	struct rslv_node *n = rslv_table_get(&w->nodes, tag, name, len);

	if (n)
		return n;
	n = hns_arena_alloc(&w->arena, sizeof(*n));
	uint8_t *copy = hns_arena_alloc(&w->arena, len);

	if (!n || !copy)
		return NULL;
	memcpy(copy, name, len);
	n->name = copy;
	n->name_len = (uint8_t)len;
	if (rslv_table_put(&w->nodes, tag, copy, len, n))
		return NULL;
	return n;
}

/* Concatenate records [from, to) (same owner; same type unless any) into one set. */
static int
rrset_fill(struct rslv_world *w, struct rslv_rrset *s, const struct build_rr *rrs, size_t from,
	   size_t to, uint16_t type)
{
	size_t len = 0, jlen = 0, count = 0;

	for (size_t i = from; i < to; i++) {
		if (!rrs[i].type)
			continue;
		len += rrs[i].len;
		jlen += strlen(rrs[i].json) + 1;
		count++;
	}
	uint8_t *wire = hns_arena_alloc(&w->arena, len ? len : 1);
	char *json = hns_arena_alloc(&w->arena, jlen + 1);

	if (!wire || !json)
		return HNS_ENOMEM;
	s->type = type;
	s->count = (uint16_t)count;
	s->wire = wire;
	s->json = json;
	for (size_t i = from; i < to; i++) {
		if (!rrs[i].type)
			continue;
		memcpy(wire + s->len, rrs[i].wire, rrs[i].len);
		s->len += rrs[i].len;
		if (json != s->json)
			*json++ = ',';
		size_t l = strlen(rrs[i].json);

		memcpy(json, rrs[i].json, l);
		json += l;
		if (!s->record)
			s->record = rrs[i].rec;
		if (!s->endpoint)
			s->endpoint = rrs[i].ep;
		s->alias |= rrs[i].alias;
	}
	*json = '\0';
	return 0;
}

static int
build_nodes(struct build *b, struct build_zone *bz)
{
	struct rslv_world *w = b->w;
	struct rslv_zone *z = bz->z;
	struct build_rr *rrs = bz->rrs;

	if (bz->n > 1)
		qsort(rrs, bz->n, sizeof(*rrs), build_rr_cmp);
	if (!node_get_or_add(w, z->tag, z->wname, z->wlen))
		return HNS_ENOMEM;
	for (size_t i = 0; i < bz->n;) {
		size_t j = i, ntypes = 0, nrec = 0;

		while (j < bz->n && rrs[j].olen == rrs[i].olen &&
		       memcmp(rrs[j].owner, rrs[i].owner, rrs[i].olen) == 0) {
			if (rrs[j].type && (j == i || rrs[j].type != rrs[j - 1].type || !rrs[j - 1].type))
				ntypes++;
			if (rrs[j].type)
				nrec++;
			j++;
		}
		/* Records outside the zone are ignored (the loader rejects them anyway). */
		if (!dns_name_is_subdomain(rrs[i].owner, rrs[i].olen, z->wname, z->wlen)) {
			i = j;
			continue;
		}
		struct rslv_node *node = node_get_or_add(w, z->tag, rrs[i].owner, rrs[i].olen);

		if (!node)
			return HNS_ENOMEM;
		if (ntypes) {
			/* one set per type, and an ANY set of everything */
			node->sets = hns_arena_alloc(&w->arena, (ntypes + 1) * sizeof(*node->sets));
			if (!node->sets)
				return HNS_ENOMEM;
			size_t k = i;

			while (k < j) {
				if (!rrs[k].type) {
					k++;
					continue;
				}
				size_t e = k;

				while (e < j && rrs[e].type == rrs[k].type)
					e++;
				int rc = rrset_fill(w, &node->sets[node->n_sets++], rrs, k, e, rrs[k].type);

				if (rc)
					return rc;
				k = e;
			}
			int rc = rrset_fill(w, &node->sets[node->n_sets++], rrs, i, j, DNS_TYPE_ANY);

			if (rc)
				return rc;
		}
		/* empty non-terminals between the owner and the apex */
		const uint8_t *p = rrs[i].owner;
		size_t len = rrs[i].olen;

		while (len > z->wlen) {
			len -= (size_t)p[0] + 1;
			p += p[0] + 1;
			if (!node_get_or_add(w, z->tag, p, len))
				return HNS_ENOMEM;
		}
		(void)nrec;
		i = j;
	}
	return 0;
}

static int
rule_entry_get(struct rslv_world *w, uint32_t tag, const uint8_t *name, size_t len,
	       struct rslv_rule_entry **out)
{
	struct rslv_rule_entry *e = rslv_table_get(&w->rules, tag, name, len);

	if (!e) {
		e = hns_arena_alloc(&w->arena, sizeof(*e));
		uint8_t *copy = hns_arena_alloc(&w->arena, len);

		if (!e || !copy)
			return HNS_ENOMEM;
		memcpy(copy, name, len);
		if (rslv_table_put(&w->rules, tag, copy, len, e))
			return HNS_ENOMEM;
	}
	*out = e;
	return 0;
}

static int
view_add_zone(struct rslv_world *w, struct rslv_view *v, struct rslv_zone *z)
{
	struct rslv_rule_entry *e;
	int rc = rule_entry_get(w, v->tag, z->wname, z->wlen, &e);

	if (rc)
		return rc;
	/* Two zones of one name in one VPC are a configuration error (lint); the first stays. */
	if (z->inbound_only) {
		if (!e->autodef_inbound)
			e->autodef_inbound = z;
	} else if (!e->autodef) {
		e->autodef = z;
	}
	return 0;
}

static bool
vpc_in(struct model_vpc *const *list, size_t n, const struct model_vpc *v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* Internal names and reverse zones of one region, made once per region. */
static int
build_internal(struct build *b, const char *region, struct rslv_zone **out, size_t *n_out)
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
		    strcmp(z->region, region) == 0)
			out[n++] = z;
	}
	if (n) {
		*n_out = n;
		return 0;
	}
	snprintf(name, sizeof(name), use1 ? "ec2.internal" : "%s.compute.internal", region);
	for (size_t i = 0; i <= sizeof(reverse) / sizeof(reverse[0]); i++) {
		struct build_zone *bz = build_zone_add(b, i ? RSLV_ZONE_REVERSE : RSLV_ZONE_INTERNAL,
						       i ? reverse[i - 1] : name);

		if (!bz)
			return HNS_ENOMEM;
		bz->z->region = hns_arena_strdup(&b->w->arena, region);
		bz->z->us_east_1_names = use1;
		int rc = zone_set_default_soa(b->w, bz->z);

		if (rc)
			return rc;
		out[n++] = bz->z;
	}
	*n_out = n;
	return 0;
}

static int
build_view(struct build *b, struct rslv_view *v)
{
	struct rslv_world *w = b->w;
	const struct model *m = w->model;
	const struct model_vpc *vpc = v->vpc;
	int rc;

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct model_rule *r = &m->rules[i];
		uint8_t name[DNS_NAME_MAX];
		int n;
		struct rslv_rule_entry *e;

		if (!vpc_in(r->vpcs, r->n_vpcs, vpc))
			continue;
		n = name_wire_lower(r->domain, name);
		if (n <= 0)
			return HNS_ENAME;
		rc = rule_entry_get(w, v->tag, name, (size_t)n, &e);
		if (rc)
			return rc;
		e->custom = r;
	}
	/* PHZs, private DNS and internal names need both VPC DNS attributes (R5). */
	if (!vpc->dns_support || !vpc->dns_hostnames)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		struct rslv_zone *z = b->zones[i].z;
		bool mine = false;

		if (z->kind == RSLV_ZONE_HOSTED && z->mzone && z->mzone->kind == MODEL_ZONE_PRIVATE)
			mine = vpc_in(z->mzone->vpcs, z->mzone->n_vpcs, vpc);
		else if (z->kind == RSLV_ZONE_PRIVATE_DNS)
			mine = z->endpoint->vpc == vpc;
		if (mine && (rc = view_add_zone(w, v, z)))
			return rc;
	}
	struct rslv_zone *internal[32];
	size_t ni = 0;

	rc = build_internal(b, vpc->region, internal, &ni);
	for (size_t i = 0; rc == 0 && i < ni; i++)
		rc = view_add_zone(w, v, internal[i]);
	/* inter-region peers add their region's internal names */
	for (size_t p = 0; rc == 0 && p < m->n_peerings; p++) {
		const struct model_peering *pr = &m->peerings[p];
		const struct model_vpc *peer = pr->a == vpc ? pr->b : pr->b == vpc ? pr->a : NULL;

		if (!peer || strcmp(peer->region, vpc->region) == 0)
			continue;
		rc = build_internal(b, peer->region, internal, &ni);
		if (rc == 0 && (rc = view_add_zone(w, v, internal[0])))
			return rc;
	}
	return rc;
}

static int
internet_add_zone(struct rslv_world *w, struct rslv_zone *z)
{
	if (rslv_table_get(&w->rules, w->internet_tag, z->wname, z->wlen))
		return 0;
	return rslv_table_put(&w->rules, w->internet_tag, z->wname, z->wlen, z);
}

static int
world_build(struct build *b)
{
	struct rslv_world *w = b->w;
	const struct model *m = w->model;
	struct build_zone *vpce;
	int rc;

	for (size_t i = 0; i < m->n_zones; i++)
		if ((rc = build_hosted_zone(b, &m->zones[i])))
			return rc;
	for (size_t i = 0; i < m->internet.n_zones; i++)
		if ((rc = build_hosted_zone(b, &m->internet.zones[i])))
			return rc;
	vpce = build_zone_add(b, RSLV_ZONE_VPCE, "vpce.amazonaws.com");
	if (!vpce || (rc = zone_set_default_soa(w, vpce->z)))
		return HNS_ENOMEM;
	struct rslv_zone *vpce_z = vpce->z; /* b->zones moves as zones are added */

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];

		if ((rc = build_endpoint_names(b, build_find_zone(b, vpce_z), ep)))
			return rc;
		if (ep->type == MODEL_ENDPOINT_INTERFACE && ep->private_dns &&
		    (rc = build_private_dns(b, ep)))
			return rc;
	}
	if ((rc = build_aliases(b)))
		return rc;

	/* Synthetic zones that only lend their SOA. */
	struct build_zone *bzr = build_zone_add(b, RSLV_ZONE_HOSTED, "");

	if (!bzr)
		return HNS_ENOMEM;
	w->root_zone = bzr->z;
	bzr = build_zone_add(b, RSLV_ZONE_HOSTED, "amazonaws.com");
	if (!bzr)
		return HNS_ENOMEM;
	w->aws_zone = bzr->z;
	if ((rc = zone_set_default_soa(w, w->root_zone)) || (rc = zone_set_default_soa(w, w->aws_zone)))
		return rc;

	w->n_views = m->n_vpcs;
	w->views = hns_arena_alloc(&w->arena, (m->n_vpcs ? m->n_vpcs : 1) * sizeof(*w->views));
	if (!w->views)
		return HNS_ENOMEM;
	w->internet_tag = 0x80000000u;
	for (size_t i = 0; i < m->n_vpcs; i++) {
		w->views[i].vpc = &m->vpcs[i];
		w->views[i].tag = (uint32_t)i + 1;
		if ((rc = build_view(b, &w->views[i])))
			return rc;
	}
	/* the internet view: public hosted zones, internet.zones, the vpce names */
	for (size_t i = 0; i < b->n; i++) {
		struct rslv_zone *z = b->zones[i].z;

		if (z == w->root_zone || z == w->aws_zone)
			continue;
		if ((z->kind == RSLV_ZONE_HOSTED && z->mzone->kind != MODEL_ZONE_PRIVATE &&
		     z->mzone->kind != MODEL_ZONE_ONPREM) ||
		    z->kind == RSLV_ZONE_VPCE) {
			if ((rc = internet_add_zone(w, z)))
				return rc;
		}
	}
	w->n_zones = b->n;
	w->zones = hns_arena_alloc(&w->arena, (b->n ? b->n : 1) * sizeof(*w->zones));
	if (!w->zones)
		return HNS_ENOMEM;
	for (size_t i = 0; i < b->n; i++) {
		w->zones[i] = b->zones[i].z;
		if (b->zones[i].z == w->root_zone || b->zones[i].z == w->aws_zone)
			continue;
		if ((rc = build_nodes(b, &b->zones[i])))
			return rc;
	}
	return 0;
}

int
rslv_world_new(const struct model *m, struct rslv_world **out)
{
	return rslv_world_new_ext(m, NULL, NULL, out);
}

int
rslv_world_new_ext(const struct model *m, rslv_eni_down_fn down, void *arg,
		   struct rslv_world **out)
{
	struct rslv_world *w = calloc(1, sizeof(*w));
	struct build b = {.w = w};
	int rc;

	if (!w)
		return HNS_ENOMEM;
	w->model = m;
	w->eni_down = down;
	w->eni_down_arg = arg;
	hns_arena_init(&w->arena);
	rslv_table_init(&w->rules);
	rslv_table_init(&w->nodes);
	rc = world_build(&b);
	if (rc == 0)
		rc = world_chase(w);
	for (size_t i = 0; i < b.n; i++)
		free(b.zones[i].rrs);
	free(b.zones);
	if (rc) {
		rslv_world_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void
rslv_world_free(struct rslv_world *w)
{
	if (!w)
		return;
	rslv_table_deinit(&w->rules);
	rslv_table_deinit(&w->nodes);
	hns_arena_deinit(&w->arena);
	free(w);
}

/* ------------------------------------------------------------- resolving */

static void
trace_hop(struct rslv_trace *t, enum model_hop_kind kind, const char *ref, const void *target)
{
	if (t->n >= RSLV_TRACE_MAX)
		return;
	t->hops[t->n].kind = kind;
	t->hops[t->n].ref = ref;
	t->hops[t->n].target = target;
	t->hops[t->n].loc = (struct model_loc){0, 0};
	t->n++;
}

static void
result_negative(const struct rslv_world *w, const struct rslv_zone *z, bool exists,
		struct rslv_result *out)
{
	bool nodata = exists && w->model->defaults.nodata_for_other_types;

	out->action = RSLV_ANSWER;
	out->rcode = nodata ? DNS_RCODE_NOERROR : DNS_RCODE_NXDOMAIN;
	out->zone = z;
	out->trace.what = nodata ? "nodata" : "nxdomain";
	out->trace.zone = z;
}

static const struct rslv_rrset *
node_find_set(const struct rslv_node *n, uint16_t qtype)
{
	const struct rslv_rrset *cname = NULL;

	for (size_t i = 0; i < n->n_sets; i++) {
		if (n->sets[i].type == qtype)
			return &n->sets[i];
		if (n->sets[i].type == DNS_TYPE_CNAME)
			cname = &n->sets[i];
	}
	return cname;
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

static void
zone_internal(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
	      size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	uint32_t a;

	if (qlen == z->wlen) { /* the apex exists */
		result_negative(w, z, true, out);
		return;
	}
	if (qlen != z->wlen + qname[0] + 1u || !ip_label_parse(qname, &a)) {
		result_negative(w, z, false, out);
		return;
	}
	if (qtype != DNS_TYPE_A && qtype != DNS_TYPE_ANY) { /* IP names answer A only */
		result_negative(w, z, true, out);
		return;
	}
	out->action = RSLV_ANSWER;
	out->rcode = DNS_RCODE_NOERROR;
	out->synth_type = DNS_TYPE_A;
	out->synth_v4 = a;
	out->trace.what = "internal-name";
	out->trace.zone = z;
}

static void
zone_reverse(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
	     size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	size_t labels = dns_name_label_count(qname, qlen);
	int oct[4];
	const uint8_t *p = qname;

	if (labels < 6) { /* the zone or a node above the addresses: exists, no data */
		result_negative(w, z, true, out);
		return;
	}
	if (labels > 6) {
		result_negative(w, z, false, out);
		return;
	}
	for (int i = 3; i >= 0; i--) {
		oct[i] = label_octet(p);
		if (oct[i] < 0) {
			result_negative(w, z, false, out);
			return;
		}
		p += p[0] + 1;
	}
	if (qtype != DNS_TYPE_PTR && qtype != DNS_TYPE_ANY) {
		result_negative(w, z, true, out);
		return;
	}
	uint32_t a = (uint32_t)oct[0] << 24 | (uint32_t)oct[1] << 16 | (uint32_t)oct[2] << 8 |
		     (uint32_t)oct[3];

	out->synth_name_len = (uint8_t)ip_name_write(z, a, out->synth_name);
	if (!out->synth_name_len) {
		result_negative(w, z, false, out);
		return;
	}
	out->action = RSLV_ANSWER;
	out->rcode = DNS_RCODE_NOERROR;
	out->synth_type = DNS_TYPE_PTR;
	out->trace.what = "internal-name";
	out->trace.zone = z;
}

/* Answer from a zone's nodes: exact name, then the wildcard at the closest encloser. */
static void
zone_answer(const struct rslv_world *w, const struct rslv_zone *z, const uint8_t *qname,
	    size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	const struct rslv_node *n;
	bool wild = false;

	if (z->kind == RSLV_ZONE_INTERNAL) {
		zone_internal(w, z, qname, qlen, qtype, out);
		return;
	}
	if (z->kind == RSLV_ZONE_REVERSE) {
		zone_reverse(w, z, qname, qlen, qtype, out);
		return;
	}
	n = rslv_table_get(&w->nodes, z->tag, qname, qlen);
	if (!n) {
		uint8_t wc[DNS_NAME_MAX + 2];
		const uint8_t *p = qname;
		size_t len = qlen;

		while (len > z->wlen) {
			len -= (size_t)p[0] + 1;
			p += p[0] + 1;
			if (len + 2 > DNS_NAME_MAX)
				continue;
			wc[0] = 1;
			wc[1] = '*';
			memcpy(wc + 2, p, len);
			n = rslv_table_get(&w->nodes, z->tag, wc, len + 2);
			if (n) {
				wild = true;
				break;
			}
			if (rslv_table_get(&w->nodes, z->tag, p, len))
				break; /* closest encloser without a wildcard */
		}
	}
	if (!n) {
		result_negative(w, z, false, out);
		return;
	}
	const struct rslv_rrset *s = node_find_set(n, qtype);

	if (!s) {
		result_negative(w, z, true, out);
		return;
	}
	out->action = RSLV_ANSWER;
	out->rcode = DNS_RCODE_NOERROR;
	out->answer = s;
	out->trace.what = s->alias ? "alias" : wild ? "wildcard" : "record";
	out->trace.record = s->record;
	out->trace.endpoint = s->endpoint;
	out->trace.zone = z;
}

static void
zone_hop(struct rslv_trace *t, const struct rslv_zone *z)
{
	if (z->kind == RSLV_ZONE_PRIVATE_DNS)
		trace_hop(t, MODEL_HOP_PRIVATE_DNS, z->endpoint->name, z->endpoint);
	else if (z->kind == RSLV_ZONE_HOSTED && z->mzone)
		trace_hop(t, MODEL_HOP_ZONE, z->mzone->name, z->mzone);
}

static bool
is_aws_name(const uint8_t *q, size_t qlen)
{
	static const uint8_t amazonaws[] = "\x09" "amazonaws\x03" "com";
	static const uint8_t apiaws[] = "\x03" "api\x03" "aws";

	return dns_name_is_subdomain(q, qlen, amazonaws, sizeof(amazonaws)) ||
	       dns_name_is_subdomain(q, qlen, apiaws, sizeof(apiaws));
}

/* The documented pool: FNV-1a of the lower-case wire name into 52.94.0.0/16, last octet 1..254. */
static uint32_t
aws_pool_addr(const uint8_t *q, size_t qlen)
{
	uint32_t h = rslv_fnv1a(2166136261u, q, qlen);

	return RSLV_AWS_POOL_BASE | ((h >> 8) & 0xff) << 8 | (1 + h % 254);
}

static void
internet_resolve(const struct rslv_world *w, const uint8_t *qname, size_t qlen, uint16_t qtype,
		 struct rslv_result *out)
{
	const struct rslv_zone *z = NULL;
	size_t off = 0;

	trace_hop(&out->trace, MODEL_HOP_INTERNET, NULL, NULL);
	for (;;) {
		z = rslv_table_get(&w->rules, w->internet_tag, qname + off, qlen - off);
		if (z || qname[off] == 0)
			break;
		off += (size_t)qname[off] + 1;
	}
	if (z) {
		zone_hop(&out->trace, z);
		zone_answer(w, z, qname, qlen, qtype, out);
		if (out->rcode != DNS_RCODE_NXDOMAIN || z->kind == RSLV_ZONE_VPCE)
			return;
	}
	if (w->model->internet.aws_public_names && is_aws_name(qname, qlen)) {
		out->action = RSLV_ANSWER;
		out->rcode = DNS_RCODE_NOERROR;
		out->zone = w->aws_zone;
		out->trace.what = "aws-pool";
		out->trace.zone = NULL;
		if (qtype == DNS_TYPE_A || qtype == DNS_TYPE_ANY) {
			out->synth_type = DNS_TYPE_A;
			out->synth_v4 = aws_pool_addr(qname, qlen);
		}
		return;
	}
	if (!z)
		result_negative(w, w->root_zone, false, out);
}

/* One question, CNAMEs not chased. */
static void
resolve_one(const struct rslv_world *w, size_t view, enum rslv_from from, const uint8_t *qname,
	    size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	memset(out, 0, offsetof(struct rslv_result, synth_name));
	out->synth_name_len = 0;
	out->rule = NULL;
	memset(&out->trace, 0, sizeof(out->trace));

	if (from == RSLV_FROM_INTERNET || view >= w->n_views) {
		internet_resolve(w, qname, qlen, qtype, out);
		return;
	}
	const struct rslv_view *v = &w->views[view];
	bool inbound = from == RSLV_FROM_INBOUND;
	const struct model_rule *system = NULL;
	size_t off = 0;

	trace_hop(&out->trace, MODEL_HOP_VPC, v->vpc->name, v->vpc);
	if (!v->vpc->dns_support) {
		out->action = RSLV_DROP;
		out->trace.what = "no-dns-support";
		return;
	}
	for (;;) {
		const struct rslv_rule_entry *e =
			rslv_table_get(&w->rules, v->tag, qname + off, qlen - off);

		if (e) {
			if (e->custom && !system) {
				trace_hop(&out->trace, MODEL_HOP_RULE, e->custom->name, e->custom);
				if (e->custom->type == MODEL_RULE_FORWARD) {
					out->action = RSLV_FORWARD;
					out->rule = e->custom;
					out->trace.what = "forward";
					if (e->custom->endpoint)
						trace_hop(&out->trace, MODEL_HOP_OUTBOUND,
							  e->custom->endpoint->name, e->custom->endpoint);
					return;
				}
				system = e->custom; /* resolve locally from here on */
			}
			const struct rslv_zone *z =
				inbound && e->autodef_inbound ? e->autodef_inbound : e->autodef;

			if (z) {
				zone_hop(&out->trace, z);
				zone_answer(w, z, qname, qlen, qtype, out);
				return;
			}
		}
		if (qname[off] == 0)
			break;
		off += (size_t)qname[off] + 1;
	}
	internet_resolve(w, qname, qlen, qtype, out);
}

/* Where a question comes from, as an index of rslv_rrset.chase. */
static size_t
chase_index(const struct rslv_world *w, size_t view, enum rslv_from from)
{
	if (from == RSLV_FROM_INTERNET || view >= w->n_views)
		return w->n_views * 2;
	return view * 2 + (from == RSLV_FROM_INBOUND);
}

/* Replace a CNAME answer by its chain precompiled for this origin and type. */
static void
chase_apply(size_t idx, uint16_t qtype, struct rslv_result *out)
{
	const struct rslv_rrset *s = out->answer;

	if (out->action != RSLV_ANSWER || !s || s->type != DNS_TYPE_CNAME || !s->chase ||
	    qtype == DNS_TYPE_CNAME || qtype == DNS_TYPE_ANY || !s->chase[idx])
		return;
	const struct rslv_chain *c = s->chase[idx];
	const struct rslv_chain_end *e = &c->ends[c->n_ends - 1];

	for (size_t i = 0; i + 1 < c->n_ends; i++) {
		if (c->ends[i].qtype == qtype) {
			e = &c->ends[i];
			break;
		}
	}
	out->rcode = e->rcode;
	out->answer = e->answer;
	out->zone = e->zone;
	out->trace.what = e->what;
	for (size_t i = 0; i < e->n_hops; i++)
		trace_hop(&out->trace, e->hops[i].kind, e->hops[i].ref, e->hops[i].target);
}

void
rslv_resolve(const struct rslv_world *w, size_t view, enum rslv_from from, const uint8_t *qname,
	     size_t qlen, uint16_t qtype, struct rslv_result *out)
{
	resolve_one(w, view, from, qname, qlen, qtype, out);
	chase_apply(chase_index(w, view, from), qtype, out);
}

/* ------------------------------------------------------- chasing CNAMEs */

/*
 * At load time every CNAME set is followed once per question origin (each
 * view from its VPC and from its inbound endpoints, and the internet) and
 * per question type that some target can answer (every type present in the
 * world, plus the synthesised A and PTR; one more end stands for all other
 * types).  Identical chains of different origins are shared.
 */

#define CHASE_TYPES_MAX 32

struct chase_buf {
	uint8_t *wire;
	size_t len, cap;
	char *json;
	size_t jlen, jcap;
	uint16_t count;
};

/* buf (capacity *cap) grown to hold need bytes; NULL when out of memory (buf stays valid). */
static void *
chase_grow(void *buf, size_t *cap, size_t need)
{
	if (buf && need <= *cap)
		return buf;
	size_t ncap = *cap ? *cap * 2 : 512;

	while (ncap < need)
		ncap *= 2;
	void *n = realloc(buf, ncap);

	if (n)
		*cap = ncap;
	return n;
}

static int
chase_buf_put(struct chase_buf *b, const void *p, size_t n)
{
	uint8_t *nw = chase_grow(b->wire, &b->cap, b->len + n);

	if (!nw)
		return HNS_ENOMEM;
	b->wire = nw;
	memcpy(b->wire + b->len, p, n);
	b->len += n;
	return 0;
}

static int
chase_buf_json(struct chase_buf *b, const char *item)
{
	size_t n = strlen(item);

	if (!n)
		return 0;
	char *nj = chase_grow(b->json, &b->jcap, b->jlen + n + 2);

	if (!nj)
		return HNS_ENOMEM;
	b->json = nj;
	if (b->jlen)
		b->json[b->jlen++] = ',';
	memcpy(b->json + b->jlen, item, n + 1);
	b->jlen += n;
	return 0;
}

/* Append a prepared set's records under owner (NULL: as they are, owned by the question). */
static int
chase_buf_set(struct chase_buf *b, const struct rslv_rrset *s, const uint8_t *owner, size_t olen)
{
	const uint8_t *p = s->wire, *end = s->wire + s->len;
	int rc = 0;

	for (uint16_t i = 0; rc == 0 && i < s->count; i++) {
		if (end - p < 12)
			return HNS_EINVAL;
		size_t rl = 12 + (size_t)dns_read_u16(p + 10);

		if ((size_t)(end - p) < rl)
			return HNS_EINVAL;
		if (owner)
			rc = chase_buf_put(b, owner, olen);
		if (rc == 0)
			rc = owner ? chase_buf_put(b, p + 2, rl - 2) : chase_buf_put(b, p, rl);
		b->count++;
		p += rl;
	}
	return rc ? rc : chase_buf_json(b, s->json);
}

/* A synthesised answer (internal name, AWS pool address, reverse name) under owner. */
static int
chase_buf_synth(struct chase_buf *b, const struct rslv_result *res, const uint8_t *owner,
		size_t olen)
{
	uint8_t rr[10 + DNS_NAME_MAX];
	size_t rdlen = res->synth_type == DNS_TYPE_A ? 4 : res->synth_name_len;
	char text[DNS_NAME_STRLEN + 64], item[DNS_NAME_STRLEN + 128];

	dns_write_u16(rr, res->synth_type);
	dns_write_u16(rr + 2, DNS_CLASS_IN);
	dns_write_u32(rr + 4, RSLV_SYNTH_TTL);
	dns_write_u16(rr + 8, (uint16_t)rdlen);
	if (res->synth_type == DNS_TYPE_A) {
		uint32_t a = res->synth_v4;

		dns_write_u32(rr + 10, a);
		snprintf(text, sizeof(text), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
			 (a >> 8) & 0xff, a & 0xff);
	} else {
		memcpy(rr + 10, res->synth_name, rdlen);
		if (dns_name_to_str(res->synth_name, rdlen, text, sizeof(text)) < 0)
			text[0] = '\0';
	}
	char *esc = hns_json_str_dup(text, strlen(text));

	if (esc == NULL)
		return HNS_ENOMEM;
	snprintf(item, sizeof(item), "{\"Rdata\":%s,\"Type\":\"%s\",\"Class\":\"IN\"}", esc,
		 res->synth_type == DNS_TYPE_A ? "A" : "PTR");
	free(esc);
	int rc = chase_buf_put(b, owner, olen);

	if (rc == 0)
		rc = chase_buf_put(b, rr, 10 + rdlen);
	b->count++;
	return rc ? rc : chase_buf_json(b, item);
}

static void
chase_hops_add(struct rslv_chain_end *e, const struct rslv_trace *t)
{
	for (size_t i = 0; i < t->n && e->n_hops < sizeof(e->hops) / sizeof(e->hops[0]); i++)
		if (t->hops[i].kind == MODEL_HOP_ZONE || t->hops[i].kind == MODEL_HOP_PRIVATE_DNS ||
		    t->hops[i].kind == MODEL_HOP_INTERNET)
			e->hops[e->n_hops++] = t->hops[i];
}

/* The first CNAME target of a set, lower case; 0 when it cannot be read. */
static size_t
cname_target(const struct rslv_rrset *s, uint8_t *out)
{
	if (s->count < 1 || s->len < 12)
		return 0;
	size_t rdlen = dns_read_u16(s->wire + 10);

	if (rdlen == 0 || rdlen > DNS_NAME_MAX || s->len < 12 + rdlen)
		return 0;
	memcpy(out, s->wire + 12, rdlen);
	/* a well-formed uncompressed name fills the rdata exactly */
	size_t o = 0;

	while (o < rdlen && out[o] != 0 && out[o] < 64)
		o += (size_t)out[o] + 1;
	if (o + 1 != rdlen || out[o] != 0)
		return 0;
	dns_name_lower(out, rdlen);
	return rdlen;
}

/*
 * Follow one CNAME set for one origin and type into e (answer records in
 * b).  Returns 1 when done, 0 when the chain reaches a FORWARD rule (not
 * precompiled), negative on error.
 */
static int
chase_follow(const struct rslv_world *w, size_t idx, const struct rslv_rrset *first,
	     uint16_t qtype, struct rslv_chain_end *e, struct chase_buf *b)
{
	size_t view = idx / 2;
	enum rslv_from from = idx == w->n_views * 2 ? RSLV_FROM_INTERNET
			      : idx % 2		    ? RSLV_FROM_INBOUND
						    : RSLV_FROM_VPC;
	uint8_t t[DNS_NAME_MAX];
	size_t tlen = cname_target(first, t);
	struct rslv_result res;
	int rc = chase_buf_set(b, first, NULL, 0);

	if (rc)
		return rc;
	if (!tlen)
		return 0;
	e->what = "cname";
	for (int step = 1;; step++) {
		if (step > RSLV_CHAIN_MAX) {
			e->rcode = DNS_RCODE_SERVFAIL;
			e->what = "cname-loop";
			b->len = 0;
			b->count = 0;
			return 1;
		}
		resolve_one(w, view, from, t, tlen, qtype, &res);
		if (res.action != RSLV_ANSWER)
			return 0;
		chase_hops_add(e, &res.trace);
		if (res.answer && res.answer->count) {
			rc = chase_buf_set(b, res.answer, t, tlen);
			if (rc)
				return rc;
			if (res.answer->type == DNS_TYPE_CNAME && qtype != DNS_TYPE_CNAME) {
				tlen = cname_target(res.answer, t);
				if (!tlen)
					return 0;
				continue;
			}
			e->rcode = res.rcode;
			return 1;
		}
		if (res.synth_type) {
			e->rcode = res.rcode;
			rc = chase_buf_synth(b, &res, t, tlen);
			return rc ? rc : 1;
		}
		e->rcode = res.rcode;
		e->zone = res.zone;
		return 1;
	}
}

struct chase_scratch {
	struct rslv_chain_end ends[CHASE_TYPES_MAX + 1];
	struct rslv_rrset sets[CHASE_TYPES_MAX + 1];
	struct chase_buf bufs[CHASE_TYPES_MAX + 1];
	size_t n;
};

static bool
chase_end_equal(const struct rslv_chain_end *a, const struct rslv_chain_end *b)
{
	if (a->qtype != b->qtype || a->rcode != b->rcode || a->zone != b->zone ||
	    a->n_hops != b->n_hops || !a->answer != !b->answer)
		return false;
	for (size_t i = 0; i < a->n_hops; i++)
		if (a->hops[i].kind != b->hops[i].kind || a->hops[i].target != b->hops[i].target)
			return false;
	if (!a->answer)
		return true;
	return a->answer->len == b->answer->len && a->answer->count == b->answer->count &&
	       memcmp(a->answer->wire, b->answer->wire, a->answer->len) == 0 &&
	       strcmp(a->answer->json, b->answer->json) == 0;
}

static bool
chase_equal(const struct rslv_chain *c, const struct chase_scratch *sc)
{
	if (c->n_ends != sc->n)
		return false;
	for (size_t i = 0; i < sc->n; i++)
		if (!chase_end_equal(&c->ends[i], &sc->ends[i]))
			return false;
	return true;
}

/* Copy a computed chain into the arena. */
static const struct rslv_chain *
chase_commit(struct rslv_world *w, const struct chase_scratch *sc)
{
	struct rslv_chain *c = hns_arena_alloc(&w->arena, sizeof(*c));
	struct rslv_chain_end *ends = hns_arena_alloc(&w->arena, sc->n * sizeof(*ends));

	if (!c || !ends)
		return NULL;
	for (size_t i = 0; i < sc->n; i++) {
		ends[i] = sc->ends[i];
		if (!sc->ends[i].answer)
			continue;
		struct rslv_rrset *s = hns_arena_alloc(&w->arena, sizeof(*s));
		uint8_t *wire = hns_arena_alloc(&w->arena, sc->bufs[i].len);
		const char *json = hns_arena_strdup(&w->arena, sc->sets[i].json);

		if (!s || !wire || !json)
			return NULL;
		*s = sc->sets[i];
		memcpy(wire, sc->bufs[i].wire, sc->bufs[i].len);
		s->wire = wire;
		s->json = json;
		ends[i].answer = s;
	}
	c->ends = ends;
	c->n_ends = sc->n;
	return c;
}

/* Compute the chain of one CNAME set from one origin into sc; 0: not precompiled. */
static int
chase_compute(const struct rslv_world *w, size_t idx, const struct rslv_rrset *first,
	      const uint16_t *types, size_t n_types, struct chase_scratch *sc)
{
	sc->n = 0;
	for (size_t i = 0; i <= n_types; i++) {
		struct rslv_chain_end *e = &sc->ends[i];
		struct chase_buf *b = &sc->bufs[i];
		/* the last end: a private-use type no zone holds stands for every other type */
		uint16_t qtype = i < n_types ? types[i] : 65399;

		memset(e, 0, sizeof(*e));
		b->len = 0;
		b->jlen = 0;
		b->count = 0;
		if (b->json)
			b->json[0] = '\0';
		int rc = chase_follow(w, idx, first, qtype, e, b);

		if (rc <= 0) {
			sc->n = 0;
			return rc;
		}
		e->qtype = i < n_types ? types[i] : 0;
		if (b->count) {
			struct rslv_rrset *s = &sc->sets[i];

			memset(s, 0, sizeof(*s));
			s->type = first->type;
			s->count = b->count;
			s->len = (uint32_t)b->len;
			s->wire = b->wire;
			s->json = b->json ? b->json : "";
			s->record = first->record;
			s->endpoint = first->endpoint;
			s->negative = e->rcode != DNS_RCODE_NOERROR || e->zone != NULL;
			e->answer = s;
		}
		sc->n++;
	}
	return 1;
}

/* The types the chains are precompiled for. */
static size_t
chase_types(const struct rslv_world *w, uint16_t *types)
{
	size_t n = 0;
	static const uint16_t synth[] = {DNS_TYPE_A, DNS_TYPE_PTR};

	for (size_t i = 0; i < sizeof(synth) / sizeof(synth[0]); i++)
		types[n++] = synth[i];
	for (size_t i = 0; i < w->nodes.nt.cap; i++) {
		const struct rslv_node *node = w->nodes.nt.slots[i].len ? w->nodes.nt.slots[i].val : NULL;

		for (size_t k = 0; node && k < node->n_sets; k++) {
			uint16_t t = node->sets[k].type;
			bool seen = t == DNS_TYPE_ANY || t == DNS_TYPE_CNAME;

			for (size_t j = 0; j < n && !seen; j++)
				seen = types[j] == t;
			if (!seen && n < CHASE_TYPES_MAX)
				types[n++] = t;
		}
	}
	return n;
}

static int
world_chase(struct rslv_world *w)
{
	uint16_t types[CHASE_TYPES_MAX];
	size_t n_types = chase_types(w, types);
	struct chase_scratch *sc = calloc(1, sizeof(*sc));
	const struct rslv_chain **distinct = NULL;
	int rc = 0;

	bool inbound_differs = false; /* some zone answers only via inbound endpoints */

	for (size_t i = 0; i < w->n_zones; i++)
		inbound_differs |= w->zones[i]->inbound_only;
	w->n_chase = w->n_views * 2 + 1;
	distinct = calloc(w->n_chase, sizeof(*distinct));
	if (!sc || !distinct) {
		rc = HNS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < w->nodes.nt.cap; i++) {
		struct rslv_node *node = w->nodes.nt.slots[i].len ? w->nodes.nt.slots[i].val : NULL;

		for (size_t k = 0; node && rc == 0 && k < node->n_sets; k++) {
			struct rslv_rrset *s = &node->sets[k];

			if (s->type != DNS_TYPE_CNAME)
				continue;
			const struct rslv_chain **chase =
				hns_arena_alloc(&w->arena, w->n_chase * sizeof(*chase));
			size_t nd = 0;

			if (!chase) {
				rc = HNS_ENOMEM;
				break;
			}
			for (size_t idx = 0; idx < w->n_chase; idx++) {
				chase[idx] = NULL;
				if (idx < w->n_views * 2 && !w->views[idx / 2].vpc->dns_support)
					continue;
				if (idx < w->n_views * 2 && idx % 2 && !inbound_differs) {
					chase[idx] = chase[idx - 1]; /* same rule table, same zones */
					continue;
				}
				rc = chase_compute(w, idx, s, types, n_types, sc);
				if (rc < 0)
					break;
				rc = 0;
				if (sc->n == 0)
					continue; /* reaches a FORWARD rule: answered as the CNAME alone */
				for (size_t d = 0; d < nd && !chase[idx]; d++)
					if (chase_equal(distinct[d], sc))
						chase[idx] = distinct[d];
				if (!chase[idx]) {
					chase[idx] = distinct[nd++] = chase_commit(w, sc);
					if (!chase[idx])
						rc = HNS_ENOMEM;
				}
				if (rc)
					break;
			}
			s->chase = chase;
		}
	}
out:
	if (sc)
		for (size_t i = 0; i <= CHASE_TYPES_MAX; i++) {
			free(sc->bufs[i].wire);
			free(sc->bufs[i].json);
		}
	free(sc);
	free(distinct);
	return rc;
}

static const char *const hop_names[] = {
	[MODEL_HOP_ONPREM] = "onprem",	 [MODEL_HOP_VPN] = "vpn",
	[MODEL_HOP_INBOUND] = "inbound", [MODEL_HOP_OUTBOUND] = "outbound",
	[MODEL_HOP_VPC] = "vpc",	 [MODEL_HOP_RULE] = "rule",
	[MODEL_HOP_ZONE] = "zone",	 [MODEL_HOP_PRIVATE_DNS] = "private-dns",
	[MODEL_HOP_INTERNET] = "internet",
};

void
rslv_trace_print(const struct rslv_trace *t, char *buf, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < t->n && o < cap; i++) {
		const struct model_hop *h = &t->hops[i];

		o += (size_t)snprintf(buf + o, cap - o, "%s%s%s\n", hop_names[h->kind],
				      h->ref ? ":" : "", h->ref ? h->ref : "");
	}
	if (o < cap && t->what)
		o += (size_t)snprintf(buf + o, cap - o, "what:%s%s%s\n", t->what,
				      t->endpoint ? " endpoint:" : "",
				      t->endpoint ? t->endpoint->name : "");
}
