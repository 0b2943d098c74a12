/*
 * harness/loadgen_acct.c -- the load generator's I/O-free accounting:
 * intended send times, the catch-up bound, one answer's two latencies and
 * summing results (see loadgen.h).  Integer work per query.
 */
#include "config.h"

#include <stdlib.h>

#include "common/clock.h"
#include "harness/loadgen.h"

/* --------------------------------------------------------------- pacing */

void
lg_pace_fill(const struct lg_pace *p, uint64_t first, size_t n, uint64_t *out)
{
	uint64_t a, b, step;

	if (n == 0)
		return;
	a = lg_pace_time_of(p, first);
	if (a < p->ramp_ns) { /* on the ramp the spacing changes: each exactly */
		for (size_t i = 0; i < n; i++) {
			out[i] = lg_pace_time_of(p, first + i);
			if (out[i] == UINT64_MAX)
				out[i] = p->duration_ns;
		}
		return;
	}
	b = n > 1 ? lg_pace_time_of(p, first + n - 1) : a;
	if (a == UINT64_MAX)
		a = p->duration_ns;
	if (b == UINT64_MAX || b < a)
		b = a;
	step = n > 1 ? (b - a) / (n - 1) : 0;
	for (size_t i = 0; i < n; i++, a += step)
		out[i] = a;
	out[n - 1] = b;
}

uint64_t
lg_pace_overdue(const struct lg_pace *p, uint64_t issued, uint64_t t_ns, uint64_t timeout_ns)
{
	uint64_t due;

	if (t_ns <= timeout_ns)
		return 0;
	due = lg_pace_due(p, t_ns - timeout_ns);
	return due > issued ? due - issued : 0;
}

/* -------------------------------------------------------------- results */

void
lg_result_deinit(struct lg_result *r)
{
	if (r == NULL)
		return;
	free(r->seconds);
	free(r->mix);
	r->seconds = NULL;
	r->n_seconds = 0;
	r->mix = NULL;
	r->n_mix = 0;
}

bool
lg_account_answer(struct lg_result *r, struct lg_second *sec, struct lg_mix_stats *mix,
		  uint64_t intended, uint64_t sent, uint64_t now, uint64_t timeout_ns)
{
	uint64_t response = now > intended ? now - intended : 0;

	if (response > timeout_ns) {
		r->late++;
		r->lost++;
		if (sec != NULL)
			sec->lost++;
		if (mix != NULL)
			mix->lost++;
		return false;
	}
	r->answered++;
	hns_hist_add(&r->response, response);
	hns_hist_add(&r->service, now > sent ? now - sent : 0);
	if (sec != NULL) {
		sec->answered++;
		hns_hist_add(&sec->hist, response);
	}
	if (mix != NULL) {
		mix->answered++;
		hns_hist_add(&mix->hist, response);
	}
	return true;
}

void
lg_result_add(struct lg_result *into, const struct lg_result *from)
{
	into->intended += from->intended;
	into->sent += from->sent;
	into->answered += from->answered;
	into->lost += from->lost;
	into->late += from->late;
	into->bad += from->bad;
	into->unmatched += from->unmatched;
	into->send_errors += from->send_errors;
	into->behind += from->behind;
	into->sent_late += from->sent_late;
	into->tcp_sent += from->tcp_sent;
	into->tcp_answered += from->tcp_answered;
	into->tcp_reconnects += from->tcp_reconnects;
	for (int k = 0; k < 16; k++)
		into->rcodes[k] += from->rcodes[k];
	hns_hist_merge(&into->response, &from->response);
	hns_hist_merge(&into->service, &from->service);
	if (from->send_ns > into->send_ns)
		into->send_ns = from->send_ns;
	for (size_t s = 0; into->seconds != NULL && s < into->n_seconds && s < from->n_seconds; s++) {
		struct lg_second *d = &into->seconds[s];
		const struct lg_second *f = &from->seconds[s];

		d->sent += f->sent;
		d->answered += f->answered;
		d->lost += f->lost;
		d->bad += f->bad;
		hns_hist_merge(&d->hist, &f->hist);
	}
	for (size_t m = 0; into->mix != NULL && m < into->n_mix && m < from->n_mix; m++) {
		into->mix[m].sent += from->mix[m].sent;
		into->mix[m].answered += from->mix[m].answered;
		into->mix[m].lost += from->mix[m].lost;
		hns_hist_merge(&into->mix[m].hist, &from->mix[m].hist);
	}
}
