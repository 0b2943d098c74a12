/*
 * harness/load_report.c -- shared parts of the load report (see load_report.h).
 */
#include "config.h"

#include <ldns/ldns.h>
#include <string.h>

#include "common/clock.h"
#include "harness/load_report.h"
#include "harness/load_where.h"
#include "harness/loadgen.h"
#include "model/model.h"

void
load_hist_write_json(struct json_writer *w, const struct hns_hist *h)
{
	json_object_begin(w);
	json_kv_uint(w, "count", h->count);
	json_kv_uint(w, "sum_ns", h->sum_ns);
	json_kv_uint(w, "min_ns", h->min_ns);
	json_kv_uint(w, "max_ns", h->max_ns);
	json_key(w, "buckets");
	json_array_begin(w);
	for (size_t i = 0; i < HNS_HIST_BUCKETS; i++) {
		if (h->b[i] == 0)
			continue;
		json_array_begin(w);
		json_uint(w, i);
		json_uint(w, h->b[i]);
		json_array_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/* ----------------------------------------------------------- components */

static const char *
type_name(uint16_t qtype, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(qtype);

	if (d != NULL && d->_name != NULL)
		return d->_name;
	snprintf(buf, len, "TYPE%u", (unsigned)qtype);
	return buf;
}

static uint64_t
tunnel_drops(const struct load_where_tunnel *t, int d)
{
	uint64_t n = 0;

	for (int c = VPN_DROP_LOSS; c < VPN_DROP_COUNT; c++)
		n += t->drops[d][c];
	return n;
}

static void
listener_text(FILE *out, const struct load_where_listener *l)
{
	fprintf(out, "    %-34s queries %llu  answered %llu", l->label, (unsigned long long)l->queries,
		(unsigned long long)l->answered);
	if (l->forwarded)
		fprintf(out, "  forwarded %llu", (unsigned long long)l->forwarded);
	if (l->dropped_ceiling)
		fprintf(out, "  DROPPED over the ceiling %llu", (unsigned long long)l->dropped_ceiling);
	if (l->dropped_rate)
		fprintf(out, "  DROPPED over 1024 pps per source %llu", (unsigned long long)l->dropped_rate);
	if (l->dropped_outside)
		fprintf(out, "  dropped (outside) %llu", (unsigned long long)l->dropped_outside);
	if (l->dropped_send)
		fprintf(out, "  DROPPED answers (send buffer full) %llu", (unsigned long long)l->dropped_send);
	if (l->ceiling && strcmp(l->kind, "inbound") == 0)
		fprintf(out, "  peak %llu/s of %llu/s (headroom %lld)", (unsigned long long)l->peak,
			(unsigned long long)l->ceiling, (long long)l->ceiling - (long long)l->peak);
	fputc('\n', out);
}

void
load_where_write_text(FILE *out, const struct load_where *w)
{
	const char *name, *cause;
	uint64_t n;

	if (!w->have)
		return;
	fprintf(out, "  where the queries went:\n");
	for (size_t i = 0; i < w->n_fwd; i++) {
		const struct load_where_fwd *f = &w->fwd[i];

		fprintf(out, "    on-prem %-26s queries %llu  from cache %llu  local %llu  forwarded %llu",
			f->name, (unsigned long long)f->queries, (unsigned long long)f->cache_hits,
			(unsigned long long)f->local, (unsigned long long)f->forwarded);
		if (f->table_full || f->servfail || f->timeouts)
			fprintf(out, "  REFUSED (table full) %llu  SERVFAIL %llu  upstream timeouts %llu",
				(unsigned long long)f->table_full, (unsigned long long)f->servfail,
				(unsigned long long)f->timeouts);
		fputc('\n', out);
	}
	for (size_t i = 0; i < w->n_tun; i++) {
		const struct load_where_tunnel *t = &w->tun[i];

		fprintf(out, "    tunnel %-27s %s, to AWS %llu packets, to on-prem %llu", t->name, t->state,
			(unsigned long long)t->packets[0], (unsigned long long)t->packets[1]);
		for (int d = 0; d < 2; d++) {
			if (tunnel_drops(t, d) == 0)
				continue;
			fprintf(out, "  DROPPED %s:", d == 0 ? "to AWS" : "to on-prem");
			for (int c = VPN_DROP_LOSS; c < VPN_DROP_COUNT; c++) {
				if (t->drops[d][c])
					fprintf(out, " %s %llu", vpn_drop_name(c), (unsigned long long)t->drops[d][c]);
			}
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < w->n_lis; i++) {
		if (w->lis[i].queries > 0 || strcmp(w->lis[i].kind, "inbound") == 0)
			listener_text(out, &w->lis[i]);
	}
	if (load_where_worst(w, &name, &cause, &n))
		fprintf(out, "  most queries went wrong at %s: %llu %s\n", name, (unsigned long long)n, cause);
	else
		fprintf(out, "  no component dropped or failed a query\n");
}

static void
where_json_tunnels(struct json_writer *w, const struct load_where *where)
{
	static const char *const dirs[2] = { "to_aws", "to_onprem" };

	json_key(w, "tunnels");
	json_array_begin(w);
	for (size_t i = 0; i < where->n_tun; i++) {
		const struct load_where_tunnel *t = &where->tun[i];

		json_object_begin(w);
		json_kv_string(w, "name", t->name);
		json_kv_string(w, "state", t->state);
		for (int d = 0; d < 2; d++) {
			json_key(w, dirs[d]);
			json_object_begin(w);
			json_kv_uint(w, "packets", t->packets[d]);
			json_key(w, "drops");
			json_object_begin(w);
			for (int c = VPN_DROP_LOSS; c < VPN_DROP_COUNT; c++)
				json_kv_uint(w, vpn_drop_name(c), t->drops[d][c]);
			json_object_end(w);
			json_object_end(w);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

void
load_where_write_json(struct json_writer *w, const struct load_where *where)
{
	const char *name = NULL, *cause = NULL;
	uint64_t n;

	json_object_begin(w);
	json_key(w, "onprem");
	json_array_begin(w);
	for (size_t i = 0; i < where->n_fwd; i++) {
		const struct load_where_fwd *f = &where->fwd[i];

		json_object_begin(w);
		json_kv_string(w, "name", f->name);
		json_kv_uint(w, "queries", f->queries);
		json_kv_uint(w, "cache_hits", f->cache_hits);
		json_kv_uint(w, "local", f->local);
		json_kv_uint(w, "forwarded", f->forwarded);
		json_kv_uint(w, "refused_table_full", f->table_full);
		json_kv_uint(w, "servfail", f->servfail);
		json_kv_uint(w, "upstream_timeouts", f->timeouts);
		json_object_end(w);
	}
	json_array_end(w);
	where_json_tunnels(w, where);
	json_key(w, "listeners");
	json_array_begin(w);
	for (size_t i = 0; i < where->n_lis; i++) {
		const struct load_where_listener *l = &where->lis[i];

		json_object_begin(w);
		json_kv_string(w, "label", l->label);
		json_kv_string(w, "kind", l->kind);
		json_kv_uint(w, "queries", l->queries);
		json_kv_uint(w, "answered", l->answered);
		json_kv_uint(w, "forwarded", l->forwarded);
		json_kv_uint(w, "cache_hits", l->cache_hits);
		json_kv_uint(w, "dropped_ceiling", l->dropped_ceiling);
		json_kv_uint(w, "dropped_rate", l->dropped_rate);
		json_kv_uint(w, "dropped_outside", l->dropped_outside);
		json_kv_uint(w, "dropped_send", l->dropped_send);
		json_kv_uint(w, "peak_qps", l->peak);
		if (l->ceiling) {
			json_kv_uint(w, "ceiling_qps", l->ceiling);
			json_kv_int(w, "headroom_qps", (int64_t)l->ceiling - (int64_t)l->peak);
		} else {
			json_kv_null(w, "ceiling_qps");
			json_kv_null(w, "headroom_qps");
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "worst");
	if (load_where_worst(where, &name, &cause, &n)) {
		json_object_begin(w);
		json_kv_string(w, "component", name);
		json_kv_string(w, "cause", cause);
		json_kv_uint(w, "queries", n);
		json_object_end(w);
	} else {
		json_value_null(w);
	}
	json_object_end(w);
}

/* ------------------------------------------------------------ mix entries */

void
load_mix_write_text(FILE *out, const struct model_mix *mix, const struct lg_result *res)
{
	char buf[16];

	if (res->n_mix < 2)
		return;
	fprintf(out, "  per mix entry (response time):\n");
	for (size_t i = 0; i < res->n_mix; i++) {
		const struct lg_mix_stats *s = &res->mix[i];

		fprintf(out, "    %-44s %-5s sent %llu  answered %llu  lost %llu  p50 %.3f  p99 %.3f ms\n",
			mix[i].query, type_name(mix[i].qtype, buf, sizeof(buf)), (unsigned long long)s->sent,
			(unsigned long long)s->answered, (unsigned long long)s->lost,
			hns_time_ms(hns_hist_quantile(&s->hist, 0.5)),
			hns_time_ms(hns_hist_quantile(&s->hist, 0.99)));
	}
}

void
load_mix_write_json(struct json_writer *w, const struct model_mix *mix, const struct lg_result *res)
{
	char buf[16];

	json_array_begin(w);
	for (size_t i = 0; i < res->n_mix; i++) {
		const struct lg_mix_stats *s = &res->mix[i];

		json_object_begin(w);
		json_kv_string(w, "query", mix[i].query);
		json_kv_string(w, "qtype", type_name(mix[i].qtype, buf, sizeof(buf)));
		json_kv_uint(w, "sent", s->sent);
		json_kv_uint(w, "answered", s->answered);
		json_kv_uint(w, "lost", s->lost);
		json_kv_double(w, "p50_ms", hns_time_ms(hns_hist_quantile(&s->hist, 0.5)));
		json_kv_double(w, "p99_ms", hns_time_ms(hns_hist_quantile(&s->hist, 0.99)));
		json_key(w, "response");
		load_hist_write_json(w, &s->hist);
		json_object_end(w);
	}
	json_array_end(w);
}

/* ------------------------------------------------------------- progress */

void
load_progress_write(FILE *out, const char *name, const struct lg_progress *pg, uint64_t elapsed_ns,
		    uint64_t duration_ns)
{
	double el = (double)elapsed_ns / 1e9, dur = (double)duration_ns / 1e9;

	if (name == NULL) {
		fputs("\r\033[K", out);
		fflush(out);
		return;
	}
	fprintf(out, "\r\033[K%s  %.0f/%.0f s  %s %.0f s  sent %llu  answered %llu  loss %.2f%%  p99 %.1f ms",
		name, el, dur, el < dur ? "ETA" : "draining, at most", el < dur ? dur - el : dur + 2 > el ? dur + 2 - el : 0,
		(unsigned long long)pg->sent, (unsigned long long)pg->answered,
		pg->sent ? 100.0 * (double)pg->lost / (double)pg->sent : 0.0, hns_time_ms(pg->p99_ns));
	fflush(out);
}
