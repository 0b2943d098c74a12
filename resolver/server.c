#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/trace.h"
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
	for (size_t i = 0; i < n; i++)
		s->ls[i].spec = specs[i];
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
	free(s->ls);
	free(s);
}

void
rslv_server_stats(struct rslv_server *s, FILE *out)
{
	fprintf(out, "{\"listeners\":[");
	for (size_t i = 0; s && i < s->n_ls; i++) {
		struct rslv_listener *l = &s->ls[i];

		fprintf(out,
			"%s{\"label\":\"%s\",\"queries\":%lu,\"answered\":%lu,\"forwarded\":%lu,"
			"\"dropped_ceiling\":%lu,\"formerr\":%lu}",
			i ? "," : "", l->spec.label ? l->spec.label : "",
			(unsigned long)atomic_load(&l->st.queries),
			(unsigned long)atomic_load(&l->st.answered),
			(unsigned long)atomic_load(&l->st.forwarded),
			(unsigned long)atomic_load(&l->st.dropped_ceiling),
			(unsigned long)atomic_load(&l->st.formerr));
	}
	fprintf(out, "]}\n");
}
