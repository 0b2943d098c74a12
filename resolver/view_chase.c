#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "resolver/qlog_json.h"
#include "resolver/view_internal.h"

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
	char item[DNS_NAME_STRLEN + 128];

	dns_write_u16(rr, res->synth_type);
	dns_write_u16(rr + 2, DNS_CLASS_IN);
	dns_write_u32(rr + 4, RSLV_SYNTH_TTL);
	dns_write_u16(rr + 8, (uint16_t)rdlen);
	if (res->synth_type == DNS_TYPE_A)
		dns_write_u32(rr + 10, res->synth_v4);
	else
		memcpy(rr + 10, res->synth_name, rdlen);
	/* a chased PTR's Rdata has no final dot, unlike a direct one (qlog.c): kept as it was */
	if (rslv_qlog_item_synth(res, false, item, sizeof(item)) != 0)
		return HNS_ENOMEM;
	int rc = chase_buf_put(b, owner, olen);

	if (rc == 0)
		rc = chase_buf_put(b, rr, 10 + rdlen);
	b->count++;
	return rc ? rc : chase_buf_json(b, item);
}

/* The zones a target was answered from; for a forwarded target, its rule and endpoint. */
static void
chase_hops_add(struct rslv_chain_end *e, const struct rslv_trace *t, bool forward)
{
	for (size_t i = 0; i < t->n && e->n_hops < sizeof(e->hops) / sizeof(e->hops[0]); i++)
		if (t->hops[i].kind == MODEL_HOP_ZONE || t->hops[i].kind == MODEL_HOP_PRIVATE_DNS ||
		    t->hops[i].kind == MODEL_HOP_INTERNET ||
		    (forward && (t->hops[i].kind == MODEL_HOP_RULE ||
				 t->hops[i].kind == MODEL_HOP_OUTBOUND)))
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
 * b).  A chain reaching a FORWARD rule ends there: e->forward and the target
 * (in tbuf [DNS_NAME_MAX]) say what the query path forwards.  Returns 1
 * when done, 0 when the chain cannot be precompiled, negative on error.
 */
static int
chase_follow(const struct rslv_world *w, size_t idx, const struct rslv_rrset *first,
	     uint16_t qtype, struct rslv_chain_end *e, struct chase_buf *b, uint8_t *tbuf)
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
		rslv_resolve_one(w, view, from, t, tlen, qtype, &res);
		if (res.action == RSLV_FORWARD) {
			chase_hops_add(e, &res.trace, true);
			memcpy(tbuf, t, tlen);
			e->forward = res.rule;
			e->target = tbuf;
			e->target_len = (uint8_t)tlen;
			e->rcode = DNS_RCODE_NOERROR;
			e->what = "cname-forward";
			return 1;
		}
		if (res.action != RSLV_ANSWER)
			return 0;
		chase_hops_add(e, &res.trace, false);
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
	uint8_t targets[CHASE_TYPES_MAX + 1][DNS_NAME_MAX]; /* forwarded targets */
	size_t n;
};

static bool
chase_end_equal(const struct rslv_chain_end *a, const struct rslv_chain_end *b)
{
	if (a->qtype != b->qtype || a->rcode != b->rcode || a->zone != b->zone ||
	    a->n_hops != b->n_hops || !a->answer != !b->answer || a->forward != b->forward ||
	    a->target_len != b->target_len ||
	    (a->target_len && memcmp(a->target, b->target, a->target_len) != 0))
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
		if (sc->ends[i].target_len) {
			uint8_t *t = hns_arena_alloc(&w->arena, sc->ends[i].target_len);

			if (!t)
				return NULL;
			memcpy(t, sc->ends[i].target, sc->ends[i].target_len);
			ends[i].target = t;
		}
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
		int rc = chase_follow(w, idx, first, qtype, e, b, sc->targets[i]);

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

int
rslv_world_chase(struct rslv_world *w)
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
					continue; /* not precompiled: answered as the CNAME alone */
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
