#include "config.h"

#include <event2/event.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "harness/check.h"
#include "harness/client.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/model.h"
#include "model/names.h"

void
check_opts_init(struct check_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000;
	o->tries = 2;
}

int
check_run(const struct model *m, const struct model_expect *e, const struct check_opts *o,
	  struct check_result *out)
{
	struct event_base *base = event_base_new();
	struct serve_ctx ctx;
	struct hns_addr servers[8];
	struct hns_client_result res;
	uint8_t answer[65535];
	char type[32];
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	out->e = e;
	if (base == NULL)
		return HNS_ENOMEM;
	model_from_str(&e->from, out->from, sizeof(out->from));
	{
		char *t = ldns_rr_type2str(e->qtype);

		snprintf(type, sizeof(type), "%s", t ? t : "?");
		free(t);
	}
	snprintf(out->query, sizeof(out->query), "%s %s", e->qname, type);
	struct world_opts wo = {
		.seed = o->seed,
		.seed_given = o->seed_given,
		.port = o->port,
		.onprem_resolver = o->onprem_resolver,
	};

	/* A real resolver under test was configured (export --mapped) for the default port. */
	if (o->port == 0 && o->onprem_resolver.family != 0)
		wo.port = HNS_ADDRMAP_DEFAULT_PORT;
	rc = world_up(&ctx, m, &e->given, &wo, base);
	if (rc != 0) {
		event_base_free(base);
		return rc;
	}
	n = world_client_targets(&ctx, &e->from, servers, 8);
	if (n == 0) {
		out->obs.answered = false;
		snprintf(out->obs.error, sizeof(out->obs.error), "nothing serves %s in this world", out->from);
	} else {
		char where[HNS_ADDR_STRLEN];

		hns_trace_enable(true);
		hns_trace("client", "stub resolver at %s asks %s for %s", out->from,
			  hns_addr_port_str(&servers[0], where, sizeof(where)), out->query);
		if (o->onprem_resolver.family != 0 && e->from.kind == MODEL_FROM_ONPREM) {
			char hop[96];

			/* The query went to it; a real resolver's own steps cannot be observed. */
			snprintf(hop, sizeof(hop), "onprem:%s", m->onprem.resolvers[0].name);
			hns_trace(hop, "resolver under test at %s (a real resolver: its own steps are not observed)",
				  where);
		}
		rc = hns_client_query_sync(base, servers, n, e->qname, e->qtype, o->timeout_ms, o->tries,
					   &res, answer, sizeof(answer));
		out->n_hops = hns_trace_take(out->hops, CHECK_MAX_HOPS);
		hns_trace_enable(false);
		out->obs.latency_ms = hns_time_ms(res.elapsed);
		if (rc != 0) {
			out->obs.answered = false;
			snprintf(out->obs.error, sizeof(out->obs.error), "%s", hns_strerror(rc));
		} else if (res.answer_len == 0) {
			out->obs.answered = false;
			snprintf(out->obs.error, sizeof(out->obs.error), "%s", res.error ? res.error : "no answer");
		} else if (observed_from_wire(&out->obs, answer, res.answer_len, e->qtype) != 0) {
			out->obs.answered = false;
			snprintf(out->obs.error, sizeof(out->obs.error), "malformed answer");
		}
	}
	world_down(&ctx);
	event_base_free(base);
	expect_judge(m, e, &out->obs, out->hops, out->n_hops, &out->verdict);
	return 0;
}
