#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "common/log.h"
#include "common/trace.h"
#include "dns/names.h"
#include "resolver/internal.h"

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
	if ((rc = rslv_outside_init(s, o->outside, o->n_outside)))
		goto fail;
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

void
rslv_server_stats(struct rslv_server *s, FILE *out)
{
	fprintf(out, "{\"listeners\":[");
	for (size_t i = 0; s && i < s->n_ls; i++) {
		struct rslv_listener *l = &s->ls[i];
		struct rslv_counters st;
		char a[HNS_ADDR_STRLEN];

		rslv_listener_sum(s, l, &st);

		fprintf(out, "%s{\"label\":", i ? "," : "");
		hns_json_str_write(out, l->spec.label ? l->spec.label : "",
				   l->spec.label ? strlen(l->spec.label) : 0);
		fprintf(out,
			",\"kind\":\"%s\",\"address\":\"%s\","
			"\"queries\":%lu,\"answered\":%lu,\"forwarded\":%lu,\"cache_hits\":%lu,"
			"\"formerr\":%lu,\"dropped_ceiling\":%lu,\"dropped_outside\":%lu,"
			"\"refused_outside\":%lu,\"dropped_rate\":%lu,\"dropped_send\":%lu,\"rcodes\":{",
			listener_kind(l->spec.from),
			hns_addr_port_str(&l->spec.real, a, sizeof(a)), (unsigned long)st.queries,
			(unsigned long)st.answered, (unsigned long)st.forwarded,
			(unsigned long)st.cache_hits, (unsigned long)st.formerr,
			(unsigned long)st.dropped_ceiling, (unsigned long)st.dropped_outside,
			(unsigned long)st.refused_outside, (unsigned long)st.dropped_rate,
			(unsigned long)st.dropped_send);
		for (int r = 0; r < RSLV_RCODES; r++)
			fprintf(out, "%s\"%s\":%lu", r ? "," : "",
				r < RSLV_RCODES - 1 ? DNS_RCODE_NAME((unsigned)r) : "other",
				(unsigned long)st.rcode[r]);
		fprintf(out, "}}");
	}
	fprintf(out, "],\"rate_evictions\":%lu",
		s ? (unsigned long)atomic_load_explicit(&s->rl.evictions, memory_order_relaxed) : 0UL);
	if (s) {
		fprintf(out, ",\"tcp_clients\":");
		rslv_tcp_stats(s, out);
	}
	fprintf(out, "}");
}
