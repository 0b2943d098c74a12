#include "config.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "resolver/qlog_json.h"
#include "resolver/view_internal.h"

/*
 * Compiling the model into the world at load time (see view_internal.h
 * for the steps): hosted zones and their records, ALIAS records, nodes and
 * record sets, and each VPC's view, its rule table of custom rules and
 * autodefined zones.
 */

#define SOA_DEFAULT_RDATA "ns-2048.awsdns-64.net. hostmaster.amazon.com. 1 7200 900 1209600 86400"

int
rslv_name_wire_lower(const char *s, uint8_t *out)
{
	int n = dns_name_from_str(s, out);

	if (n > 0)
		dns_name_lower(out, (size_t)n);
	return n;
}

/* One answer record: c0 0c, type, class, ttl, rdlength, rdata. */
const uint8_t *
rslv_rr_wire(struct hns_arena *a, uint16_t type, uint16_t class, uint32_t ttl, const uint8_t *rdata,
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

struct build_rr *
rslv_build_rr_add(struct build_zone *bz)
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

struct build_zone *
rslv_build_zone_add(struct build *b, enum rslv_zone_kind kind, const char *name)
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
	int n = rslv_name_wire_lower(name, z->wname);

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
int
rslv_zone_set_default_soa(struct rslv_world *w, struct rslv_zone *z)
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
	struct build_rr *r = rslv_build_rr_add(bz);
	ldns_buffer *buf;
	int n, rc = HNS_ENOMEM;

	if (!r)
		return HNS_ENOMEM;
	n = rslv_name_wire_lower(owner, r->owner);
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
	r->wire = rslv_rr_wire(a, r->type, (uint16_t)ldns_rr_get_class(rr), ldns_rr_ttl(rr),
			  ldns_buffer_begin(buf), ldns_buffer_position(buf), &r->len);
	if (!r->wire)
		goto out;

	/* Query-log form: {"Rdata":"...","Type":"A","Class":"IN"} */
	char *item = rslv_qlog_item_rr(rr);

	r->json = item ? hns_arena_strdup(a, item) : NULL;
	free(item);
	rc = r->json ? 0 : HNS_ENOMEM;
out:
	ldns_buffer_free(buf);
	return rc;
}

/* Make the owner exist even when it ends up with no records (an alias that found nothing). */
static int
build_add_placeholder(struct build_zone *bz, const uint8_t *owner, size_t olen,
		      const struct model_record *rec)
{
	struct build_rr *r = rslv_build_rr_add(bz);

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
	struct build_zone *bz = rslv_build_zone_add(b, RSLV_ZONE_HOSTED, mz->name);
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
			int n = rslv_name_wire_lower(rec->owner, o);

			if (n <= 0)
				return HNS_ENAME;
			rc = rslv_build_add_enis(b, bz, o, (size_t)n, rec->alias_endpoint,
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
		rc = rslv_zone_set_default_soa(b->w, bz->z);
	}
	return rc;
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
	int on = rslv_name_wire_lower(rec->owner, o);
	int tn = rec->alias_target ? rslv_name_wire_lower(rec->alias_target, t) : -1;
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
			struct build_rr *r = rslv_build_rr_add(bz);

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
					int on = rslv_name_wire_lower(rec->owner, o);

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

int
rslv_rule_entry_get(struct rslv_world *w, uint32_t tag, const uint8_t *name, size_t len,
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
	int rc = rslv_rule_entry_get(w, v->tag, z->wname, z->wlen, &e);

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

int
rslv_view_add_zone(struct rslv_world *w, struct rslv_view *v, struct rslv_zone *z)
{
	return view_add_zone(w, v, z);
}

static bool
vpc_in(struct model_vpc *const *list, size_t n, const struct model_vpc *v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
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
		n = rslv_name_wire_lower(r->domain, name);
		if (n <= 0)
			return HNS_ENAME;
		rc = rslv_rule_entry_get(w, v->tag, name, (size_t)n, &e);
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

	/* the reverse zones of the CIDRs first: they win a tie with an RFC 1918 one */
	if (vpc->autodefined_reverse && (rc = rslv_view_add_reverse(b, v)))
		return rc;
	rc = rslv_build_internal(b, vpc->region, internal, &ni);
	for (size_t i = 0; rc == 0 && i < ni; i++)
		if (vpc->autodefined_reverse || internal[i]->kind != RSLV_ZONE_REVERSE)
			rc = view_add_zone(w, v, internal[i]);
	/* inter-region peers add their region's internal names (a refused peering adds none) */
	for (size_t p = 0; rc == 0 && p < m->n_peerings; p++) {
		const struct model_vpc *peer = model_peering_other(&m->peerings[p], vpc);

		if (!peer || strcmp(peer->region, vpc->region) == 0)
			continue;
		rc = rslv_build_internal(b, peer->region, internal, &ni);
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
	vpce = rslv_build_zone_add(b, RSLV_ZONE_VPCE, "vpce.amazonaws.com");
	if (!vpce || (rc = rslv_zone_set_default_soa(w, vpce->z)))
		return HNS_ENOMEM;
	struct rslv_zone *vpce_z = vpce->z; /* b->zones moves as zones are added */

	for (size_t i = 0; i < m->n_endpoints; i++) {
		const struct model_endpoint *ep = &m->endpoints[i];

		if ((rc = rslv_build_endpoint_names(b, build_find_zone(b, vpce_z), ep)))
			return rc;
		if (ep->type == MODEL_ENDPOINT_INTERFACE && ep->private_dns &&
		    (rc = rslv_build_private_dns(b, ep)))
			return rc;
	}
	if ((rc = build_aliases(b)))
		return rc;

	/* Synthetic zones that only lend their SOA. */
	struct build_zone *bzr = rslv_build_zone_add(b, RSLV_ZONE_HOSTED, "");

	if (!bzr)
		return HNS_ENOMEM;
	w->root_zone = bzr->z;
	bzr = rslv_build_zone_add(b, RSLV_ZONE_HOSTED, "amazonaws.com");
	if (!bzr)
		return HNS_ENOMEM;
	w->aws_zone = bzr->z;
	if ((rc = rslv_zone_set_default_soa(w, w->root_zone)) || (rc = rslv_zone_set_default_soa(w, w->aws_zone)))
		return rc;

	w->n_views = m->n_vpcs;
	w->views = hns_arena_alloc(&w->arena, (m->n_vpcs ? m->n_vpcs : 1) * sizeof(*w->views));
	if (!w->views)
		return HNS_ENOMEM;
	w->internet_tag = 0x80000000u;
	for (size_t i = 0; i < m->n_vpcs; i++) {
		w->views[i].vpc = &m->vpcs[i];
		w->views[i].tag = (uint32_t)i + 1;
		if ((rc = build_view(b, &w->views[i])) || (rc = rslv_build_profile(b, &w->views[i])) ||
		    (rc = rslv_build_firewall(w, &w->views[i])))
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
		rc = rslv_world_chase(w);
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
