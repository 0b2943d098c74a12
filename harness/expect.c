#include "config.h"

#include <ctype.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/trace.h"
#include "dns/names.h"
#include "dns/wire.h"
#include "harness/expect.h"
#include "model/model.h"
#include "model/names.h"

static void
normalise(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
}

int
observed_from_wire(struct observed *obs, const uint8_t *pkt, size_t len, uint16_t qtype)
{
	ldns_pkt *p = NULL;
	ldns_rr_list *an;

	memset(obs->values, 0, sizeof(obs->values));
	obs->n_values = 0;
	if (ldns_wire2pkt(&p, pkt, len) != LDNS_STATUS_OK)
		return HNS_EMALFORMED;
	obs->answered = true;
	obs->rcode = ldns_pkt_get_rcode(p);
	an = ldns_pkt_answer(p);
	for (size_t i = 0; an != NULL && i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		char *text = NULL;

		if (obs->n_values == OBSERVED_MAX_VALUES)
			break;
		if (ldns_rr_rd_count(rr) == 1) {
			text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		} else {
			/* Multi-field rdata: the fields joined by spaces, as in a zone file. */
			ldns_buffer *b = ldns_buffer_new(256);

			for (size_t k = 0; b != NULL && k < ldns_rr_rd_count(rr); k++) {
				if (k > 0)
					ldns_buffer_printf(b, " ");
				ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, k));
			}
			if (b != NULL)
				text = ldns_buffer_export2str(b);
			ldns_buffer_free(b);
		}
		if (text == NULL)
			continue;
		snprintf(obs->values[obs->n_values], sizeof(obs->values[0]), "%s", text);
		normalise(obs->values[obs->n_values]);
		obs->types[obs->n_values] = (uint16_t)ldns_rr_get_type(rr);
		obs->ttls[obs->n_values] = ldns_rr_ttl(rr);
		obs->n_values++;
		free(text);
	}
	(void)qtype;
	ldns_pkt_free(p);
	return 0;
}

/* Addresses (or other values) of the queried type; CNAMEs on the way do not count. */
static size_t
final_values(const struct observed *obs, uint16_t qtype, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < obs->n_values && n < max; i++) {
		if (obs->types[i] == qtype || qtype == LDNS_RR_TYPE_ANY)
			out[n++] = obs->values[i];
	}
	return n;
}

static bool
addr_is_private(const struct model *m, const char *value)
{
	struct hns_addr a;

	if (hns_addr_parse(value, &a) != 0)
		return false;
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (hns_cidr_contains(&m->vpcs[i].cidr, &a) ||
		    (m->vpcs[i].ipv6_cidr.base.family && hns_cidr_contains(&m->vpcs[i].ipv6_cidr, &a)))
			return true;
	}
	return m->onprem.has_cidr && hns_cidr_contains(&m->onprem.cidr, &a);
}

static bool
eni_is_down(const struct model_expect *e, const struct model_eni *eni)
{
	for (size_t i = 0; i < e->given.n_down; i++) {
		if (e->given.down[i].kind == MODEL_FAULT_ENDPOINT_ENI && e->given.down[i].eni == eni)
			return true;
	}
	return false;
}

static void
join(char *buf, size_t len, const char *const *v, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", v[i]);
	if (n == 0)
		snprintf(buf, len, "(no records)");
}

/* Texts of the expected values for set forms (ENI addresses rendered here). */
static size_t
expected_texts(const struct model_expect *e, char texts[][64], size_t max)
{
	const struct model_answer *a = &e->answer;
	size_t n = 0;

	if (a->kind == MODEL_ANSWER_LIST) {
		for (size_t i = 0; i < a->n_values && n < max; i++) {
			snprintf(texts[n], 64, "%s", a->values[i]);
			normalise(texts[n]);
			n++;
		}
	} else if (a->kind == MODEL_ANSWER_ENDPOINT || a->kind == MODEL_ANSWER_ENDPOINT_AZ) {
		for (size_t i = 0; i < a->endpoint->n_enis && n < max; i++) {
			const struct model_eni *eni = &a->endpoint->enis[i];

			if (a->kind == MODEL_ANSWER_ENDPOINT_AZ && strcmp(eni->subnet->az, a->az) != 0)
				continue;
			if (a->kind == MODEL_ANSWER_ENDPOINT && eni_is_down(e, eni))
				continue;
			/* AAAA asks for the IPv6 addresses (none: the ENI has no AAAA) */
			if ((e->qtype == LDNS_RR_TYPE_AAAA && eni->ip6.family == 0) ||
			    (e->qtype == LDNS_RR_TYPE_A && eni->ip.family != AF_INET))
				continue;
			hns_addr_str(e->qtype == LDNS_RR_TYPE_AAAA ? &eni->ip6 : &eni->ip, texts[n], 64);
			n++;
		}
	}
	return n;
}

void
expect_describe(const struct model_expect *e, char *buf, size_t len)
{
	char texts[OBSERVED_MAX_VALUES][64];
	const char *ptrs[OBSERVED_MAX_VALUES];
	size_t n;

	switch (e->answer.kind) {
	case MODEL_ANSWER_ANY:
		snprintf(buf, len, "%s", DNS_RCODE_NAME((unsigned)e->rcode));
		return;
	case MODEL_ANSWER_PUBLIC:
		snprintf(buf, len, "public addresses");
		return;
	case MODEL_ANSWER_PRIVATE:
		snprintf(buf, len, "private addresses");
		return;
	case MODEL_ANSWER_EMPTY:
		snprintf(buf, len, "no records (%s)", DNS_RCODE_NAME((unsigned)e->rcode));
		return;
	case MODEL_ANSWER_NXDOMAIN:
		snprintf(buf, len, "NXDOMAIN");
		return;
	default:
		break;
	}
	n = expected_texts(e, texts, OBSERVED_MAX_VALUES);
	for (size_t i = 0; i < n; i++)
		ptrs[i] = texts[i];
	join(buf, len, ptrs, n);
}

static bool
same_set(const char *const *a, size_t na, char b[][64], size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		size_t j;

		for (j = 0; j < nb; j++) {
			if (strcmp(a[i], b[j]) == 0)
				break;
		}
		if (j == nb)
			return false;
	}
	/* And the other way, so duplicates cannot hide a missing value. */
	for (size_t j = 0; j < nb; j++) {
		size_t i;

		for (i = 0; i < na; i++) {
			if (strcmp(a[i], b[j]) == 0)
				break;
		}
		if (i == na)
			return false;
	}
	return true;
}

const char *
expect_via_text(const struct model_hop *h, char *buf, size_t len)
{
	if (h->kind == MODEL_HOP_INTERNET || h->ref == NULL)
		snprintf(buf, len, "%s", model_hop_kind_str(h->kind));
	else
		snprintf(buf, len, "%s:%s", model_hop_kind_str(h->kind), h->ref);
	return buf;
}

static void
path_text(const struct hns_trace_event *hops, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++) {
		if (i > 0 && strcmp(hops[i].hop, hops[i - 1].hop) == 0)
			continue; /* the same hop twice in a row (request and reply) */
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " > " : "", hops[i].hop);
	}
	if (o == 0)
		snprintf(buf, len, "(no hops recorded)");
}

void
expect_judge(const struct model *m, const struct model_expect *e, const struct observed *obs,
	     const struct hns_trace_event *hops, size_t n_hops, struct verdict *out)
{
	const char *got[OBSERVED_MAX_VALUES] = { 0 };
	char want[OBSERVED_MAX_VALUES][64], want_text[512], got_text[1024];
	size_t n_got, n_want;
	size_t o = 0;

	out->pass = false;
	out->message[0] = '\0';
	expect_describe(e, want_text, sizeof(want_text));
	if (!obs->answered) {
		snprintf(out->message, sizeof(out->message), "expected %s; no answer: %s", want_text,
			 obs->error[0] ? obs->error : "timeout");
		return;
	}
	n_got = final_values(obs, e->qtype, got, OBSERVED_MAX_VALUES);
	join(got_text, sizeof(got_text), got, n_got);
	if (obs->rcode != e->rcode) {
		o += (size_t)snprintf(out->message + o, sizeof(out->message) - o,
				      "expected %s, got %s", want_text, DNS_RCODE_NAME((unsigned)obs->rcode));
		if (n_got > 0)
			o += (size_t)snprintf(out->message + o, sizeof(out->message) - o, " (%s)", got_text);
		goto path;
	}
	switch (e->answer.kind) {
	case MODEL_ANSWER_ANY:
	case MODEL_ANSWER_NXDOMAIN:
		break;
	case MODEL_ANSWER_EMPTY:
		if (n_got != 0) {
			o += (size_t)snprintf(out->message, sizeof(out->message), "expected no records, got %s",
					      got_text);
			goto path;
		}
		break;
	case MODEL_ANSWER_PUBLIC:
	case MODEL_ANSWER_PRIVATE: {
		bool want_private = e->answer.kind == MODEL_ANSWER_PRIVATE;

		if (n_got == 0) {
			o += (size_t)snprintf(out->message, sizeof(out->message), "expected %s, got no records",
					      want_text);
			goto path;
		}
		for (size_t i = 0; i < n_got; i++) {
			struct hns_addr a;
			bool is_addr = hns_addr_parse(got[i], &a) == 0;

			if (!is_addr || addr_is_private(m, got[i]) != want_private) {
				o += (size_t)snprintf(out->message, sizeof(out->message),
						      "expected %s, got %s: %s is %s", want_text, got_text,
						      got[i],
						      !is_addr ? "not an address"
						      : want_private ? "not inside any VPC or on-prem CIDR"
								     : "inside a VPC or on-prem CIDR");
				goto path;
			}
		}
		break;
	}
	case MODEL_ANSWER_LIST:
	case MODEL_ANSWER_ENDPOINT:
	case MODEL_ANSWER_ENDPOINT_AZ:
		n_want = expected_texts(e, want, OBSERVED_MAX_VALUES);
		if (!same_set(got, n_got, want, n_want)) {
			o += (size_t)snprintf(out->message, sizeof(out->message), "expected %s, got %s",
					      want_text, got_text);
			goto path;
		}
		break;
	}
	if (e->max_ms >= 0 && obs->latency_ms > e->max_ms) {
		o += (size_t)snprintf(out->message, sizeof(out->message),
				      "answered in %.1f ms, more than max_ms %.0f", obs->latency_ms, e->max_ms);
		goto path;
	}
	/* via: each listed hop must appear, in order, others may lie between. */
	{
		size_t k = 0;
		char hop[160];

		for (size_t i = 0; i < n_hops && k < e->n_via; i++) {
			if (strcmp(hops[i].hop, expect_via_text(&e->via[k], hop, sizeof(hop))) == 0)
				k++;
		}
		if (k < e->n_via) {
			o += (size_t)snprintf(out->message, sizeof(out->message),
					      "the path did not pass %s%s", expect_via_text(&e->via[k], hop, sizeof(hop)),
					      k > 0 ? " after the earlier hops" : "");
			goto path;
		}
	}
	out->pass = true;
	return;
path:
	if (o < sizeof(out->message)) {
		char p[600];

		path_text(hops, n_hops, p, sizeof(p));
		snprintf(out->message + o, sizeof(out->message) - o, "; path: %s", p);
	}
}
