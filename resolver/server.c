#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "common/log.h"
#include "common/trace.h"
#include "dns/names.h"
#include "resolver/internal.h"

void
rslv_trace_emit(const struct rslv_listener *l, const struct rslv_handled *h)
{
	if (!hns_trace_enabled)
		return;
	const struct rslv_trace *t = &h->res.trace;
	static const char *const kinds[] = {
		[MODEL_HOP_ONPREM] = "onprem",	 [MODEL_HOP_VPN] = "vpn",
		[MODEL_HOP_INBOUND] = "inbound", [MODEL_HOP_OUTBOUND] = "outbound",
		[MODEL_HOP_VPC] = "vpc",	 [MODEL_HOP_RULE] = "rule",
		[MODEL_HOP_ZONE] = "zone",	 [MODEL_HOP_PRIVATE_DNS] = "private-dns",
		[MODEL_HOP_INTERNET] = "internet",
	};
	char hop[96], name[DNS_NAME_STRLEN];

	if (dns_name_to_str(h->q.q.name, h->q.q.name_len, name, sizeof(name)) != 0)
		name[0] = '\0';
	if (l->spec.from == RSLV_FROM_INBOUND && l->spec.inbound) {
		snprintf(hop, sizeof(hop), "inbound:%s", l->spec.inbound->name);
		hns_trace(hop, "inbound ENI %s (%s) -> VPC view", l->spec.label ? l->spec.label : "",
			  l->spec.eni && l->spec.eni->id ? l->spec.eni->id : "");
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct model_hop *hp = &t->hops[i];

		if (hp->ref)
			snprintf(hop, sizeof(hop), "%s:%s", kinds[hp->kind], hp->ref);
		else
			snprintf(hop, sizeof(hop), "%s", kinds[hp->kind]);
		if (i + 1 < t->n)
			hns_trace(hop, "%s", name);
		else
			hns_trace(hop, "%s %s%s%s", name, t->what ? t->what : "",
				  t->endpoint ? " endpoint:" : "", t->endpoint ? t->endpoint->name : "");
	}
}

/* Order of source addresses, port ignored. */
static int
addr_cmp(const void *pa, const void *pb)
{
	const struct hns_addr *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

bool
rslv_source_outside(const struct rslv_server *s, const struct hns_addr *src)
{
	return s->n_outside &&
	       bsearch(src, s->outside, s->n_outside, sizeof(*s->outside), addr_cmp) != NULL;
}

enum rslv_admit
rslv_listener_admit(struct rslv_server *s, struct rslv_listener *l, const struct hns_addr *src,
		    hns_time_t now)
{
	if (l->spec.from == RSLV_FROM_VPC) {
		if (s->o.outside_policy != RSLV_OUTSIDE_ANSWER && rslv_source_outside(s, src)) {
			hns_trace("outside-vpc", "%s: a query from outside the VPC is not supported by AWS (R8): %s",
				  l->spec.label ? l->spec.label : "+2 resolver",
				  s->o.outside_policy == RSLV_OUTSIDE_REFUSED ? "REFUSED" : "dropped");
			if (s->o.outside_policy == RSLV_OUTSIDE_REFUSED) {
				atomic_fetch_add_explicit(&l->st.refused_outside, 1,
							  memory_order_relaxed);
				return RSLV_ADMIT_REFUSE;
			}
			atomic_fetch_add_explicit(&l->st.dropped_outside, 1, memory_order_relaxed);
			return RSLV_ADMIT_DROP;
		}
		if (!rslv_rl_allow(&s->rl, l->index, src, now)) {
			hns_trace("rate-limit", "%s: over the packets per second allowed per client (R9): dropped",
				  l->spec.label ? l->spec.label : "+2 resolver");
			atomic_fetch_add_explicit(&l->st.dropped_rate, 1, memory_order_relaxed);
			return RSLV_ADMIT_DROP;
		}
	}
	if (rslv_listener_over(l, now / HNS_NSEC_PER_SEC)) {
		hns_trace("rate-limit", "%s: over the ENI's queries per second: dropped",
			  l->spec.label ? l->spec.label : "listener");
		atomic_fetch_add_explicit(&l->st.dropped_ceiling, 1, memory_order_relaxed);
		return RSLV_ADMIT_DROP;
	}
	return RSLV_ADMIT_OK;
}

void
rslv_listener_count_rcode(struct rslv_listener *l, const uint8_t *pkt, size_t len)
{
	unsigned rc = len >= DNS_HEADER_LEN ? (unsigned)(pkt[3] & 0xf) : RSLV_RCODES - 1;

	if (rc >= RSLV_RCODES - 1)
		rc = RSLV_RCODES - 1;
	atomic_fetch_add_explicit(&l->st.rcode[rc], 1, memory_order_relaxed);
}

int
rslv_server_start(const struct model *m, const struct rslv_server_opts *o,
		  const struct rslv_listener_spec *specs, size_t n, struct rslv_server **out)
{
	struct rslv_server *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return HNS_ENOMEM;
	s->m = m;
	s->o = *o;
	pthread_mutex_init(&s->qlog_mu, NULL);
	s->ls = calloc(n ? n : 1, sizeof(*s->ls));
	if (!s->ls) {
		rc = HNS_ENOMEM;
		goto fail;
	}
	s->n_ls = n;
	for (size_t i = 0; i < n; i++) {
		s->ls[i].spec = specs[i];
		s->ls[i].index = (uint32_t)i;
	}
	if (o->n_outside) {
		s->outside = calloc(o->n_outside, sizeof(*s->outside));
		if (!s->outside) {
			rc = HNS_ENOMEM;
			goto fail;
		}
		for (size_t i = 0; i < o->n_outside; i++) {
			s->outside[i] = o->outside[i];
			s->outside[i].port = 0;
		}
		qsort(s->outside, o->n_outside, sizeof(*s->outside), addr_cmp);
		s->n_outside = o->n_outside;
	}
	s->o.outside = NULL; /* the caller's array may go away */
	if ((rc = rslv_rl_init(&s->rl,
			       o->vpc_pps == RSLV_PPS_OFF ? 0 : (o->vpc_pps ? o->vpc_pps : RSLV_VPC_PPS),
			       RSLV_RL_CAPACITY)))
		goto fail;
	if ((rc = rslv_world_new_ext(m, o->eni_down, o->arg, &s->w)))
		goto fail;
	if (o->query_log) {
		s->qlog = fopen(o->query_log, "a");
		if (!s->qlog) {
			rc = -errno;
			hns_err(HNS_SUB_RESOLVER, "--query-log %s: %s", o->query_log, hns_strerror(rc));
			goto fail;
		}
	}
	if ((rc = rslv_fwd_start(s)) || (rc = rslv_tcp_start(s)) || (rc = rslv_udp_start(s)))
		goto fail;
	*out = s;
	return 0;
fail:
	rslv_server_stop(s);
	return rc;
}

void
rslv_server_stop(struct rslv_server *s)
{
	if (!s)
		return;
	rslv_udp_stop(s);
	rslv_fwd_stop(s);
	rslv_tcp_stop(s);
	if (s->qlog)
		fclose(s->qlog);
	pthread_mutex_destroy(&s->qlog_mu);
	rslv_world_free(s->w);
	rslv_rl_deinit(&s->rl);
	free(s->outside);
	free(s->ls);
	free(s);
}

static const char *
listener_kind(enum rslv_from from)
{
	switch (from) {
	case RSLV_FROM_VPC:
		return "vpc";
	case RSLV_FROM_INBOUND:
		return "inbound";
	case RSLV_FROM_INTERNET:
		return "internet";
	}
	return "";
}

static unsigned long
load(atomic_uint_fast64_t *v)
{
	return (unsigned long)atomic_load_explicit(v, memory_order_relaxed);
}

void
rslv_server_stats(struct rslv_server *s, FILE *out)
{
	fprintf(out, "{\"listeners\":[");
	for (size_t i = 0; s && i < s->n_ls; i++) {
		struct rslv_listener *l = &s->ls[i];
		char a[HNS_ADDR_STRLEN];

		fprintf(out, "%s{\"label\":", i ? "," : "");
		hns_json_str_write(out, l->spec.label ? l->spec.label : "",
				   l->spec.label ? strlen(l->spec.label) : 0);
		fprintf(out,
			",\"kind\":\"%s\",\"address\":\"%s\","
			"\"queries\":%lu,\"answered\":%lu,\"forwarded\":%lu,\"cache_hits\":%lu,"
			"\"formerr\":%lu,\"dropped_ceiling\":%lu,\"dropped_outside\":%lu,"
			"\"refused_outside\":%lu,\"dropped_rate\":%lu,\"rcodes\":{",
			listener_kind(l->spec.from),
			hns_addr_port_str(&l->spec.real, a, sizeof(a)), load(&l->st.queries),
			load(&l->st.answered), load(&l->st.forwarded), load(&l->st.cache_hits),
			load(&l->st.formerr), load(&l->st.dropped_ceiling),
			load(&l->st.dropped_outside), load(&l->st.refused_outside),
			load(&l->st.dropped_rate));
		for (int r = 0; r < RSLV_RCODES; r++)
			fprintf(out, "%s\"%s\":%lu", r ? "," : "",
				r < RSLV_RCODES - 1 ? DNS_RCODE_NAME((unsigned)r) : "other",
				load(&l->st.rcode[r]));
		fprintf(out, "}}");
	}
	fprintf(out, "],\"rate_evictions\":%lu", s ? load(&s->rl.evictions) : 0UL);
	if (s) {
		fprintf(out, ",\"tcp_clients\":");
		rslv_tcp_stats(s, out);
	}
	fprintf(out, "}");
}
