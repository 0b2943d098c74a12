#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "common/trace.h"
#include "dns/names.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "harness/expect.h"
#include "model/model.h"
#include "model/names.h"
#include "resolver/server.h"

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
	obs->has_soa = false;
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
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_authority(p)); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_authority(p), i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && !obs->has_soa) {
			obs->has_soa = true;
			obs->soa_ttl = ldns_rr_ttl(rr);
		}
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
expected_texts(const struct model_expect *e, char texts[][EXPECT_TEXT_MAX], size_t max)
{
	const struct model_answer *a = &e->answer;
	size_t n = 0;

	if (a->kind == MODEL_ANSWER_LIST) {
		for (size_t i = 0; i < a->n_values && n < max; i++) {
			snprintf(texts[n], EXPECT_TEXT_MAX, "%s", a->values[i]);
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
			hns_addr_str(e->qtype == LDNS_RR_TYPE_AAAA ? &eni->ip6 : &eni->ip, texts[n], EXPECT_TEXT_MAX);
			n++;
		}
	}
	return n;
}

void
expect_describe(const struct model_expect *e, char *buf, size_t len)
{
	char texts[OBSERVED_MAX_VALUES][EXPECT_TEXT_MAX];
	const char *ptrs[OBSERVED_MAX_VALUES];
	size_t n;

	if (e->rcode == MODEL_RCODE_TIMEOUT) {
		snprintf(buf, len, "no answer (rcode: timeout)");
		return;
	}
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
same_set(const char *const *a, size_t na, char b[][EXPECT_TEXT_MAX], size_t nb)
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

/* A snprintf into msg that returns how much it wrote (never more than cap - 1). */
static size_t
msg_put(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static size_t
msg_put(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/*
 * A list form compares the records of the queried type only: the CNAMEs of
 * the chain before them are not part of it.  When an expected value is one
 * of those CNAMEs, say so instead of printing two sets that look alike.
 */
static size_t
cname_hint(const struct model_expect *e, const struct observed *obs, char *msg, size_t cap)
{
	char v[EXPECT_TEXT_MAX];

	if (e->answer.kind != MODEL_ANSWER_LIST || e->qtype == LDNS_RR_TYPE_CNAME)
		return 0;
	for (size_t i = 0; i < e->answer.n_values; i++) {
		snprintf(v, sizeof(v), "%s", e->answer.values[i]);
		normalise(v);
		for (size_t k = 0; k < obs->n_values; k++) {
			if (obs->types[k] == LDNS_RR_TYPE_CNAME && strcmp(obs->values[k], v) == 0)
				return msg_put(msg, cap,
					       " (%s is a CNAME of the chain: a list answer holds the %s records only)",
					       v, DNS_TYPE_NAME(e->qtype));
		}
	}
	return 0;
}

/* The answer's values against the answer form; 0 when they match, else the message's length. */
static size_t
judge_values(const struct model *m, const struct model_expect *e, const struct observed *obs,
	     char *msg, size_t cap)
{
	const char *got[OBSERVED_MAX_VALUES] = { 0 };
	char want[OBSERVED_MAX_VALUES][EXPECT_TEXT_MAX], want_text[1024], got_text[1024];
	size_t n_got, n_want, o = 0;

	expect_describe(e, want_text, sizeof(want_text));
	n_got = final_values(obs, e->qtype, got, OBSERVED_MAX_VALUES);
	join(got_text, sizeof(got_text), got, n_got);
	if (obs->rcode != e->rcode) {
		o = msg_put(msg, cap, "expected %s, got %s", want_text, DNS_RCODE_NAME((unsigned)obs->rcode));
		if (n_got > 0)
			o += msg_put(msg + o, cap - o, " (%s)", got_text);
		return o;
	}
	switch (e->answer.kind) {
	case MODEL_ANSWER_ANY:
	case MODEL_ANSWER_NXDOMAIN:
		return 0;
	case MODEL_ANSWER_EMPTY:
		return n_got == 0 ? 0 : msg_put(msg, cap, "expected no records, got %s", got_text);
	case MODEL_ANSWER_PUBLIC:
	case MODEL_ANSWER_PRIVATE: {
		bool want_private = e->answer.kind == MODEL_ANSWER_PRIVATE;

		if (n_got == 0)
			return msg_put(msg, cap, "expected %s, got no records", want_text);
		for (size_t i = 0; i < n_got; i++) {
			struct hns_addr a;
			bool is_addr = hns_addr_parse(got[i], &a) == 0;

			if (!is_addr || addr_is_private(m, got[i]) != want_private)
				return msg_put(msg, cap, "expected %s, got %s: %s is %s", want_text, got_text, got[i],
					       !is_addr	      ? "not an address"
					       : want_private ? "not inside any VPC or on-prem CIDR"
							      : "inside a VPC or on-prem CIDR");
		}
		return 0;
	}
	case MODEL_ANSWER_LIST:
	case MODEL_ANSWER_ENDPOINT:
	case MODEL_ANSWER_ENDPOINT_AZ:
		n_want = expected_texts(e, want, OBSERVED_MAX_VALUES);
		if (same_set(got, n_got, want, n_want))
			return 0;
		o = msg_put(msg, cap, "expected %s, got %s", want_text, got_text);
		return o + cname_hint(e, obs, msg + o, cap - o);
	}
	return 0;
}

static bool
ttl_fits(const struct model_expect *e, uint32_t ttl)
{
	return (e->ttl < 0 || ttl == e->ttl) && (e->ttl_max < 0 || ttl <= e->ttl_max);
}

static size_t
ttl_misfit(const struct model_expect *e, uint32_t ttl, const char *on, char *msg, size_t cap)
{
	if (e->ttl >= 0 && ttl != e->ttl)
		return msg_put(msg, cap, "expected ttl %lld, got %u on %s", (long long)e->ttl, ttl, on);
	return msg_put(msg, cap, "expected ttl_max %lld, got %u on %s", (long long)e->ttl_max, ttl, on);
}

/*
 * ttl / ttl_max: every record of the queried type, or, when the answer has
 * none (NXDOMAIN, NODATA), the SOA of the authority section, whose TTL is
 * how long the negative answer may be cached (RFC 2308 section 5).
 */
static size_t
judge_ttl(const struct model_expect *e, const struct observed *obs, char *msg, size_t cap)
{
	size_t n = 0;

	if (e->ttl < 0 && e->ttl_max < 0)
		return 0;
	for (size_t i = 0; i < obs->n_values; i++) {
		if (obs->types[i] != e->qtype && e->qtype != LDNS_RR_TYPE_ANY)
			continue;
		n++;
		if (!ttl_fits(e, obs->ttls[i]))
			return ttl_misfit(e, obs->ttls[i], obs->values[i], msg, cap);
	}
	if (n > 0)
		return 0;
	if (!obs->has_soa)
		return msg_put(msg, cap, "expected %s %lld, but the answer has no %s record and no SOA to carry one",
			       e->ttl >= 0 ? "ttl" : "ttl_max", (long long)(e->ttl >= 0 ? e->ttl : e->ttl_max),
			       DNS_TYPE_NAME(e->qtype));
	return ttl_fits(e, obs->soa_ttl) ? 0 : ttl_misfit(e, obs->soa_ttl, "the negative answer's SOA", msg, cap);
}

/* rcode: timeout holds when no server replied (timed out or refused); an answer, or another failure, breaks it. */
static size_t
judge_timeout(const struct model_expect *e, const struct observed *obs, char *msg, size_t cap)
{
	const char *got[OBSERVED_MAX_VALUES] = { 0 };
	char got_text[1024];
	size_t n_got;

	if (!obs->answered)
		return obs->no_reply ? 0
				      : msg_put(msg, cap, "expected no answer within the time budget (rcode: timeout), "
							  "but the query failed otherwise: %s", obs->error);
	n_got = final_values(obs, e->qtype, got, OBSERVED_MAX_VALUES);
	join(got_text, sizeof(got_text), got, n_got);
	return msg_put(msg, cap, "expected no answer (rcode: timeout), got %s (%s) after %.1f ms",
		       DNS_RCODE_NAME((unsigned)obs->rcode), got_text, obs->latency_ms);
}

/* via: each listed hop must appear, in order, others may lie between. */
static size_t
judge_via(const struct model_expect *e, const struct hns_trace_event *hops, size_t n_hops, char *msg,
	  size_t cap)
{
	size_t k = 0;
	char hop[160];

	for (size_t i = 0; i < n_hops && k < e->n_via; i++) {
		if (strcmp(hops[i].hop, expect_via_text(&e->via[k], hop, sizeof(hop))) == 0)
			k++;
	}
	if (k == e->n_via)
		return 0;
	return msg_put(msg, cap, "the path did not pass %s%s", expect_via_text(&e->via[k], hop, sizeof(hop)),
		       k > 0 ? " after the earlier hops" : "");
}

void
expect_judge(const struct model *m, const struct model_expect *e, const struct observed *obs,
	     const struct hns_trace_event *hops, size_t n_hops, struct verdict *out)
{
	char *msg = out->message, want_text[1024];
	size_t cap = sizeof(out->message), o;

	out->pass = false;
	msg[0] = '\0';
	if (e->rcode == MODEL_RCODE_TIMEOUT) {
		o = judge_timeout(e, obs, msg, cap);
	} else if (!obs->answered) {
		expect_describe(e, want_text, sizeof(want_text));
		msg_put(msg, cap, "expected %s; no answer: %s", want_text, obs->error[0] ? obs->error : "timeout");
		return;
	} else if ((o = judge_values(m, e, obs, msg, cap)) == 0 && (o = judge_ttl(e, obs, msg, cap)) == 0 &&
		   e->max_ms >= 0 && obs->latency_ms > e->max_ms) {
		o = msg_put(msg, cap, "answered in %.1f ms, more than max_ms %.0f", obs->latency_ms, e->max_ms);
	}
	if (o == 0)
		o = judge_via(e, hops, n_hops, msg, cap);
	if (o == 0) {
		out->pass = true;
		return;
	}
	if (o < cap - 1) {
		char p[600];

		path_text(hops, n_hops, p, sizeof(p));
		msg_put(msg + o, cap - o, "; path: %s", p);
	}
}

/* The longest an on-prem resolver tries before it answers SERVFAIL (forwarder/conf.c's timing). */
static unsigned
onprem_give_up_ms(const struct model_onprem_resolver *r)
{
	uint64_t most = 0;

	if (r->profile == MODEL_PROFILE_WINDOWS)
		return 8000; /* R18: given up at 8 s overall */
	for (size_t i = 0; i < r->n_forwards; i++) {
		uint64_t t = (uint64_t)r->forwards[i].timeout_ms * r->forwards[i].attempts;

		most = t > most ? t : most;
	}
	if (r->default_kind != MODEL_DEFAULT_REFUSE) {
		uint64_t n = r->default_kind == MODEL_DEFAULT_UPSTREAMS && r->n_default_upstreams > 0
				     ? r->n_default_upstreams
				     : 1;

		most = FWD_DEFAULT_TIMEOUT_MS * n > most ? FWD_DEFAULT_TIMEOUT_MS * n : most;
	}
	return most > UINT32_MAX ? UINT32_MAX : (unsigned)most;
}

unsigned
expect_timeout_budget_ms(const struct model_expect *e, unsigned stub_timeout_ms, unsigned stub_tries)
{
	uint64_t stub = 0, give_up = 0;

	for (unsigned k = 0; k < stub_tries && k < 16; k++)
		stub += (uint64_t)stub_timeout_ms << k; /* c-ares doubles the timeout each round */
	if (e->max_ms >= 0)
		return e->max_ms < 1 ? 1 : (unsigned)e->max_ms;
	switch (e->from.kind) {
	case MODEL_FROM_ONPREM:
		give_up = e->from.resolver != NULL ? onprem_give_up_ms(e->from.resolver) : 0;
		break;
	case MODEL_FROM_VPC:
	case MODEL_FROM_INBOUND:
		give_up = (uint64_t)RSLV_FWD_TIMEOUT_MS * RSLV_FWD_TRIES;
		break;
	case MODEL_FROM_INTERNET:
		break;
	}
	give_up += EXPECT_TIMEOUT_MARGIN_MS;
	return (unsigned)(give_up < stub ? give_up : stub);
}
