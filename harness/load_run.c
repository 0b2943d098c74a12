/*
 * harness/load_run.c -- writing one profile's run of `hybridns load` as
 * text or JSON (load_run.h).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/plural.h"
#include "dns/names.h"
#include "harness/json.h"
#include "harness/load_report.h"
#include "harness/load_run.h"
#include "harness/load_where.h"
#include "model/model.h"
#include "model/names.h"

double
load_quantile_ms(const struct hns_hist *h, double q)
{
	return hns_time_ms(hns_hist_quantile(h, q));
}

double
load_achieved_qps(const struct load_report *r)
{
	double s = (double)r->duration_ns / 1e9;

	return s > 0 ? (double)r->res.answered / s : 0;
}

double
load_loss_of(const struct lg_result *res)
{
	return res->intended ? (double)res->lost / (double)res->intended : 0;
}

/* --------------------------------------------------------------- reports */

static const char *
rcode_text(int rc, char *buf, size_t len)
{
	return dns_rcode_name((unsigned)rc, buf, len);
}

static void
latency_text(FILE *out, const char *what, const struct hns_hist *h)
{
	fprintf(out, "  %s: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms\n", what,
		load_quantile_ms(h, 0.5), load_quantile_ms(h, 0.9), load_quantile_ms(h, 0.99), load_quantile_ms(h, 0.999),
		hns_time_ms(h->max_ns));
}

static void
latency_json(struct json_writer *w, const char *key, const struct hns_hist *h)
{
	json_key(w, key);
	json_object_begin(w);
	json_kv_double(w, "p50", load_quantile_ms(h, 0.5));
	json_kv_double(w, "p90", load_quantile_ms(h, 0.9));
	json_kv_double(w, "p99", load_quantile_ms(h, 0.99));
	json_kv_double(w, "p999", load_quantile_ms(h, 0.999));
	json_kv_double(w, "max", hns_time_ms(h->max_ns));
	json_kv_double(w, "mean", hns_hist_mean_ms(h));
	json_object_end(w);
}

/* Whether an event fell inside the sending window (its schedule time). */
static bool
event_in_window(const struct load_report *r, const struct load_event_run *e)
{
	return (uint64_t)e->ev->at_ms * HNS_NSEC_PER_MSEC < r->duration_ns;
}

static void
events_text(FILE *out, const struct load_report *r)
{
	if (r->n_events > 0)
		fprintf(out, "  events:\n");
	for (size_t k = 0; k < r->n_events; k++) {
		const struct load_event_run *e = &r->events[k];

		fprintf(out, "    %6.1f s  %s %s", (double)e->ev->at_ms / 1000.0, e->ev->up ? "up" : "down",
			e->ev->fault.text);
		if (e->applied)
			fprintf(out, "  applied at %.3f s", e->at_ms / 1000.0);
		else if (e->unsupported)
			fprintf(out, "  not applied (only tunnel events of an in-process world are)");
		else
			fprintf(out, "  not applied (the run ended first)");
		if (!event_in_window(r, e))
			fprintf(out, "  OUTSIDE the sending window (sending stopped at %.1f s)",
				(double)r->duration_ns / 1e9);
		fputc('\n', out);
	}
}

void
load_run_write_text(FILE *out, const struct model *m, const struct load_report *r)
{
	const struct lg_result *res = &r->res;
	char buf[32];

	fprintf(out, "%s / %s: from %s -> %s (%s), %.0f qps for %.1f s", m->scenario, r->p->name, r->from,
		r->target, r->external ? "external" : "in-process world", r->qps,
		(double)r->duration_ns / 1e9);
	if (r->p->ramp_ms)
		fprintf(out, ", ramp %.1f s", (double)r->p->ramp_ms / 1000.0);
	if (r->warmup_ns)
		fprintf(out, " after %.1f s of warm-up", (double)r->warmup_ns / 1e9);
	fprintf(out, ", %u %s x %u %s\n", r->workers, HNS_PLURAL(r->workers, "worker", "workers"), r->sockets,
		HNS_PLURAL(r->sockets, "socket", "sockets"));
	if (r->vpc_resolver)
		fprintf(out, "  note: the target is a VPC +2 resolver, which answers at most 1024 pps per source network interface (R8/R9); the generator sends from %u %s\n",
			r->workers * r->sockets, HNS_PLURAL(r->workers * r->sockets, "socket", "sockets"));
	if (r->note[0])
		fprintf(out, "  note: %s\n", r->note);
	if (!r->external && r->in_memory)
		fprintf(out, "  handoff: memory; %llu datagrams handed over between the world's own sockets, %llu sent through the kernel (to the generator or outside)\n",
			r->handed, r->through_kernel);
	else if (!r->external)
		fprintf(out, "  handoff: kernel; every hop a real datagram\n");
	fprintf(out, "  sent %llu  answered %llu  lost %llu (%.3f%%)  late %llu  achieved %.0f qps",
		(unsigned long long)res->sent, (unsigned long long)res->answered,
		(unsigned long long)res->lost, load_loss_of(res) * 100, (unsigned long long)res->late,
		load_achieved_qps(r));
	if (res->sent_late || res->behind || res->send_errors || res->unmatched)
		fprintf(out, "  (sent late %llu, behind schedule %llu, send errors %llu, unmatched %llu)",
			(unsigned long long)res->sent_late, (unsigned long long)res->behind,
			(unsigned long long)res->send_errors, (unsigned long long)res->unmatched);
	if (r->tcp > 0)
		fprintf(out, "\n  over TCP (%g of the queries, %u connections per worker): sent %llu  answered %llu  reconnects %llu",
			r->tcp, LG_TCP_CONNS, (unsigned long long)res->tcp_sent,
			(unsigned long long)res->tcp_answered, (unsigned long long)res->tcp_reconnects);
	fprintf(out, "\n  rcodes:");
	for (int i = 0; i < 16; i++) {
		if (res->rcodes[i])
			fprintf(out, " %s %llu", rcode_text(i, buf, sizeof(buf)),
				(unsigned long long)res->rcodes[i]);
	}
	fputc('\n', out);
	latency_text(out, "response", &res->response);
	latency_text(out, "service ", &res->service);
	fprintf(out, "  timeline (by second due; p99 of response time):\n     t    sent  answered    lost     p99 ms\n");
	for (size_t i = 0; i < res->n_seconds; i++) {
		const struct lg_second *s = &res->seconds[i];

		fprintf(out, "  %3zus %7llu %9llu %7llu %10.3f", i, (unsigned long long)s->sent,
			(unsigned long long)s->answered, (unsigned long long)s->lost,
			load_quantile_ms(&s->hist, 0.99));
		for (size_t k = 0; k < r->n_events; k++) {
			const struct load_event_run *e = &r->events[k];

			if (e->ev->at_ms / 1000 == i)
				fprintf(out, "   <- %s %s%s", e->ev->up ? "up" : "down", e->ev->fault.text,
					e->applied ? "" : " (not applied)");
		}
		fputc('\n', out);
	}
	events_text(out, r);
	if (r->where != NULL)
		load_where_write_text(out, r->where);
	load_mix_write_text(out, r->p->mix, res);
	for (size_t i = 0; i < r->n_slos; i++)
		fprintf(out, " %s %-8s %-24s %s\n", r->slos[i].pass ? "\u2713" : "\u2717", r->slos[i].name,
			r->slos[i].limit, r->slos[i].value);
	fprintf(out, "  %s\n", r->n_slos == 0 ? "no SLOs given" : r->pass ? "all SLOs held" : "SLO failed");
}

/* The per-second timeline and the events of one profile. */
static void
timeline_json(struct json_writer *w, const struct load_report *r)
{
	const struct lg_result *res = &r->res;

	json_key(w, "timeline");
	json_array_begin(w);
	for (size_t i = 0; i < res->n_seconds; i++) {
		const struct lg_second *s = &res->seconds[i];

		json_object_begin(w);
		json_kv_uint(w, "t", i);
		json_kv_uint(w, "sent", s->sent);
		json_kv_uint(w, "answered", s->answered);
		json_kv_uint(w, "lost", s->lost);
		json_kv_uint(w, "bad_answers", s->bad);
		json_kv_double(w, "p99_ms", load_quantile_ms(&s->hist, 0.99));
		json_key(w, "response");
		load_hist_write_json(w, &s->hist);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "events");
	json_array_begin(w);
	for (size_t i = 0; i < r->n_events; i++) {
		const struct load_event_run *e = &r->events[i];

		json_object_begin(w);
		json_kv_double(w, "at_s", (double)e->ev->at_ms / 1000.0);
		json_kv_string(w, "action", e->ev->up ? "up" : "down");
		json_kv_string(w, "what", e->ev->fault.text);
		json_kv_bool(w, "applied", e->applied);
		json_kv_bool(w, "in_window", event_in_window(r, e));
		if (e->applied)
			json_kv_double(w, "applied_at_s", e->at_ms / 1000.0);
		else
			json_kv_null(w, "applied_at_s");
		json_object_end(w);
	}
	json_array_end(w);
}

void
load_run_write_json(struct json_writer *w, const struct load_report *r)
{
	const struct lg_result *res = &r->res;
	char buf[32];

	json_object_begin(w);
	json_kv_string(w, "profile", r->p->name);
	json_kv_string(w, "status", r->pass ? "pass" : "fail");
	json_kv_string(w, "from", r->from);
	json_kv_string(w, "target", r->target);
	json_kv_bool(w, "external", r->external);
	json_kv_bool(w, "target_is_vpc_resolver", r->vpc_resolver);
	json_kv_double(w, "qps", r->qps);
	json_kv_double(w, "duration_s", (double)r->duration_ns / 1e9);
	json_kv_double(w, "ramp_s", (double)r->p->ramp_ms / 1000.0);
	json_kv_double(w, "warmup_s", (double)r->warmup_ns / 1e9);
	json_kv_uint(w, "workers", r->workers);
	json_kv_uint(w, "sockets", r->workers * r->sockets);
	if (!r->external) {
		json_key(w, "handoff");
		json_object_begin(w);
		json_kv_string(w, "mode", r->in_memory ? "memory" : "kernel");
		json_kv_uint(w, "handed", r->handed);
		json_kv_uint(w, "kernel", r->through_kernel);
		json_object_end(w);
	}
	json_kv_uint(w, "intended", res->intended);
	json_kv_uint(w, "sent", res->sent);
	json_kv_uint(w, "sent_late", res->sent_late);
	json_kv_uint(w, "answered", res->answered);
	json_kv_uint(w, "lost", res->lost);
	json_kv_uint(w, "late", res->late);
	json_kv_double(w, "loss", load_loss_of(res));
	json_kv_uint(w, "behind", res->behind);
	json_kv_uint(w, "send_errors", res->send_errors);
	json_kv_uint(w, "unmatched", res->unmatched);
	json_key(w, "tcp");
	json_object_begin(w);
	json_kv_double(w, "fraction", r->tcp);
	json_kv_uint(w, "connections_per_worker", r->tcp > 0 ? LG_TCP_CONNS : 0);
	json_kv_uint(w, "sent", res->tcp_sent);
	json_kv_uint(w, "answered", res->tcp_answered);
	json_kv_uint(w, "reconnects", res->tcp_reconnects);
	json_object_end(w);
	json_kv_uint(w, "bad_answers", res->bad);
	json_kv_double(w, "achieved_qps", load_achieved_qps(r));
	json_key(w, "rcodes");
	json_object_begin(w);
	for (int i = 0; i < 16; i++) {
		if (res->rcodes[i])
			json_kv_uint(w, rcode_text(i, buf, sizeof(buf)), res->rcodes[i]);
	}
	json_object_end(w);
	latency_json(w, "latency_ms", &res->response);
	latency_json(w, "service_ms", &res->service);
	json_key(w, "histograms");
	json_object_begin(w);
	json_kv_string(w, "layout", LOAD_HIST_LAYOUT);
	json_key(w, "response");
	load_hist_write_json(w, &res->response);
	json_key(w, "service");
	load_hist_write_json(w, &res->service);
	json_object_end(w);
	timeline_json(w, r);
	json_key(w, "slo");
	json_array_begin(w);
	for (size_t i = 0; i < r->n_slos; i++) {
		json_object_begin(w);
		json_kv_string(w, "name", r->slos[i].name);
		json_kv_string(w, "status", r->slos[i].pass ? "pass" : "fail");
		json_kv_string(w, "limit", r->slos[i].limit);
		json_kv_string(w, "value", r->slos[i].value);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "mix");
	load_mix_write_json(w, r->p->mix, res);
	json_key(w, "components");
	if (r->where != NULL)
		load_where_write_json(w, r->where);
	else
		json_value_null(w);
	json_kv_string(w, "note", r->note);
	if (r->shard.count > 1) {
		json_key(w, "shard");
		json_object_begin(w);
		json_kv_uint(w, "index", r->shard.index);
		json_kv_uint(w, "count", r->shard.count);
		json_object_end(w);
	}
	json_object_end(w);
}

