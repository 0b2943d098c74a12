/*
 * harness/load_findmax.c -- the capacity search of `hybridns load
 * --find-max`.  See load_findmax.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/json.h"
#include "harness/load_findmax.h"
#include "harness/load_merge.h"
#include "harness/load_report.h"
#include "model/model.h"

/* ------------------------------------------------------------------ --slo */

struct slo_key {
	const char *name;
	size_t off;
	bool percent; /* max_loss: "1%" or a fraction */
};

static const struct slo_key slo_keys[] = {
	{ "p50_ms", offsetof(struct load_findmax_slo, p50_ms), false },
	{ "p99_ms", offsetof(struct load_findmax_slo, p99_ms), false },
	{ "p999_ms", offsetof(struct load_findmax_slo, p999_ms), false },
	{ "max_loss", offsetof(struct load_findmax_slo, max_loss), true },
	{ "min_qps", offsetof(struct load_findmax_slo, min_qps), false },
};

static int
slo_item(const char *cmd, const char *item, struct load_findmax_slo *s)
{
	const char *eq = strchr(item, '=');
	char *end;
	double v;

	for (size_t i = 0; eq != NULL && i < sizeof(slo_keys) / sizeof(*slo_keys); i++) {
		const struct slo_key *k = &slo_keys[i];

		if (strlen(k->name) != (size_t)(eq - item) || strncmp(item, k->name, (size_t)(eq - item)) != 0)
			continue;
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || !isfinite(v) || v < 0)
			break;
		if (k->percent && *end == '%') {
			v /= 100;
			end++;
		} else if (!k->percent && strcmp(end, "ms") == 0 && k->name[0] == 'p') {
			end += 2;
		}
		if (*end != '\0' || (k->percent && v > 1))
			break;
		*(double *)((char *)s + k->off) = v;
		return 0;
	}
	fprintf(stderr, "hybridns %s: --slo: '%s': want KEY=VALUE with KEY one of p50_ms, p99_ms, p999_ms, max_loss (1%% or 0.01), min_qps\n",
		cmd, item);
	return -1;
}

int
load_findmax_slo_parse(const char *cmd, const char *arg, void *field)
{
	struct load_findmax_slo *s = field;
	char buf[256], *save = NULL;

	if (strlen(arg) >= sizeof(buf) || arg[0] == '\0') {
		fprintf(stderr, "hybridns %s: --slo: want KEY=VALUE[,KEY=VALUE...]\n", cmd);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	*s = (struct load_findmax_slo){ .given = true, -1, -1, -1, -1, -1 };
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (slo_item(cmd, t, s) != 0)
			return -1;
	}
	return 0;
}

void
load_findmax_slo_apply(const struct load_findmax_slo *s, struct model_slo *slo)
{
	if (s->given) {
		slo->p50_ms = s->p50_ms;
		slo->p99_ms = s->p99_ms;
		slo->p999_ms = s->p999_ms;
		slo->max_loss = s->max_loss;
		slo->min_qps = s->min_qps;
	} else if (slo->p50_ms < 0 && slo->p99_ms < 0 && slo->p999_ms < 0 && slo->max_loss < 0) {
		slo->p99_ms = 50;
		slo->max_loss = 0.01;
	}
}

const char *
load_findmax_slo_text(const struct model_slo *slo, char *buf, size_t len)
{
	const double v[] = { slo->p50_ms, slo->p99_ms, slo->p999_ms, slo->max_loss * 100, slo->min_qps };
	const char *const unit[] = { " ms", " ms", " ms", "%", " qps" };
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(slo_keys) / sizeof(*slo_keys) && o < len; i++) {
		if (v[i] >= 0)
			o += (size_t)snprintf(buf + o, len - o, "%s %s %g%s", o ? "," : "", slo_keys[i].name, v[i],
					      unit[i]);
	}
	if (slo->answers.kind != MODEL_ANSWER_ANY && o < len)
		snprintf(buf + o, len - o, "%s answers", o ? "," : "");
	return buf;
}

/* ---------------------------------------------------------------- search */

/* Whether some try at qps held. */
static bool
rate_held(const struct load_findmax_result *r, double qps)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->steps[i].pass && r->steps[i].qps == qps)
			return true;
	return false;
}

/* One rate: a run, and up to o->retries more while they break. */
static int
step_run(const struct load_findmax_opts *o, double qps, load_findmax_run_fn run, void *arg,
	 struct load_findmax_result *r)
{
	unsigned tries = 1 + (o->retries < LOAD_FINDMAX_RETRIES_MAX ? o->retries : LOAD_FINDMAX_RETRIES_MAX);
	size_t first = r->n; /* this rate's first try */

	for (unsigned t = 1; t <= tries && r->n < LOAD_FINDMAX_TRIES; t++) {
		struct load_findmax_step *st = &r->steps[r->n];
		int rc;

		memset(st, 0, sizeof(*st));
		st->qps = qps;
		rc = run(arg, qps, o->step_ns ? o->step_ns : LOAD_FINDMAX_STEP_NS, st);
		if (rc != 0) {
			free(st->stats);
			st->stats = NULL;
			return rc;
		}
		st->qps = qps;
		st->try_no = t;
		r->n++;
		if (st->pass)
			break;
	}
	r->rates++;
	/* Tries stop at the first that held: the last one run is the rate's verdict. */
	if (r->n > first && r->steps[r->n - 1].pass) {
		if (qps > r->held)
			r->held = qps;
	} else if (r->n > first && (r->broke < 0 || qps < r->steps[r->broke].qps)) {
		r->broke = (int)first; /* every try broke: the first speaks for them */
	}
	return 0;
}

static int
findmax_steps(const struct load_findmax_opts *o, double from, load_findmax_run_fn run, void *arg,
	      struct load_findmax_result *r)
{
	double max = o->max_qps ? (double)o->max_qps : LOAD_FINDMAX_MAX;
	double rate = fmin(fmax(round(from), 1), max), hi;
	int rc;

	memset(r, 0, sizeof(*r));
	r->broke = -1;
	/* Up: double until a step breaks or the ceiling holds. */
	while (r->rates < LOAD_FINDMAX_STEPS) {
		if ((rc = step_run(o, rate, run, arg, r)) != 0)
			return rc;
		if (r->broke >= 0)
			break;
		if (rate >= max) {
			r->at_max = true;
			return 0;
		}
		rate = fmin(rate * 2, max);
	}
	/* Then halve the interval between what held and what broke. */
	while (r->rates < LOAD_FINDMAX_STEPS && r->broke >= 0) {
		hi = r->steps[r->broke].qps;
		if (hi - r->held <= fmax(hi * LOAD_FINDMAX_PRECISION, 1))
			break;
		if ((rc = step_run(o, round((r->held + hi) / 2), run, arg, r)) != 0)
			return rc;
	}
	return 0;
}

/* Blame step b on what grew beyond the highest step that held (h, or NULL); true when found. */
static bool
findmax_blame_step(struct load_findmax_step *b, const struct load_findmax_step *h)
{
	double scale = h != NULL && h->sent > 0 ? (double)b->sent / (double)h->sent : 0;

	if (b->stats == NULL ||
	    load_stats_blame(b->stats, h ? h->stats : NULL, scale, b->where, sizeof(b->where), b->counter,
			     sizeof(b->counter), &b->dropped) != 0 ||
	    (double)b->dropped < fmax(LOAD_FINDMAX_BLAME_MIN, (double)b->sent * LOAD_FINDMAX_BLAME_SHARE)) {
		b->where[0] = b->counter[0] = '\0'; /* a few more drops is noise, not a place */
		return false;
	}
	return true;
}

/*
 * The component that broke first: the drops that grew beyond the highest
 * rate that held, at the lowest rate that broke where they stand out of
 * the noise (the lowest broken step may hold only a handful).
 */
static void
findmax_blame(struct load_findmax_result *r)
{
	const struct load_findmax_step *h = NULL;
	double last = 0;

	r->blamed = -1;
	for (size_t i = 0; i < r->n; i++)
		if (r->steps[i].pass && r->steps[i].qps == r->held)
			h = &r->steps[i];
	for (size_t k = 0; k < r->n && r->blamed < 0; k++) {
		int next = -1; /* the failing steps in rising rate */

		for (size_t i = 0; i < r->n; i++)
			if (!r->steps[i].pass && r->steps[i].qps > last && !rate_held(r, r->steps[i].qps) &&
			    (next < 0 || r->steps[i].qps < r->steps[next].qps))
				next = (int)i;
		if (next < 0)
			break;
		last = r->steps[next].qps;
		if (findmax_blame_step(&r->steps[next], h))
			r->blamed = next;
	}
}

int
load_findmax_search(const struct load_findmax_opts *o, double from, load_findmax_run_fn run,
		    void *arg, struct load_findmax_result *r)
{
	int rc = findmax_steps(o, from, run, arg, r);

	if (rc == 0)
		findmax_blame(r);
	for (size_t i = 0; i < LOAD_FINDMAX_TRIES; i++) {
		free(r->steps[i].stats);
		r->steps[i].stats = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------ steps */

void
load_findmax_step_fill(struct load_findmax_step *st, const struct lg_result *res, bool pass)
{
	st->pass = pass;
	st->sent = res->sent;
	st->answered = res->answered;
	st->lost = res->lost;
	st->bad = res->bad;
	st->refused = res->rcodes[5];
	st->servfail = res->rcodes[2];
	st->p99_ms = (double)hns_hist_quantile(&res->response, 0.99) / 1e6;
	st->loss = res->intended ? (double)res->lost / (double)res->intended : 0;
}

void
load_findmax_step_failed(struct load_findmax_step *st, const char *slo)
{
	size_t len = strlen(st->failed);

	snprintf(st->failed + len, sizeof(st->failed) - len, "%s%s", len ? " " : "", slo);
}

char *
load_findmax_where_json(const struct load_where *where)
{
	struct json_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (where == NULL || (f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	json_writer_init(&w, f, false);
	load_where_write_json(&w, where);
	if (json_writer_finish(&w) != 0 || fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---------------------------------------------------------------- reports */

static void
blame_text(FILE *out, const struct load_findmax_step *b)
{
	if (b != NULL)
		fprintf(out, "  broke first at: %s (%s: %llu more at %.0f qps than the rate that held would give)\n",
			b->where, b->counter, (unsigned long long)b->dropped, b->qps);
	else
		fprintf(out, "  broke first at: no component dropped more than at the rate that held (an external target, or delay: queueing on the path)\n");
	if (b != NULL && (b->refused || b->servfail))
		fprintf(out, "  answers at that step: %llu REFUSED, %llu SERVFAIL\n", (unsigned long long)b->refused,
			(unsigned long long)b->servfail);
}

void
load_findmax_text(FILE *out, const char *title, const struct load_findmax_result *r)
{
	fprintf(out, "%s\n  step       qps      sent  answered    loss %%    p99 ms  verdict\n", title);
	for (size_t i = 0; i < r->n; i++) {
		const struct load_findmax_step *s = &r->steps[i];

		char try_no[24] = "";

		if (s->try_no > 1)
			snprintf(try_no, sizeof(try_no), " (try %u)", s->try_no);
		fprintf(out, "  %4zu %9.0f %9llu %9llu %9.3f %9.3f  %s%s%s\n", i + 1, s->qps,
			(unsigned long long)s->sent, (unsigned long long)s->answered, s->loss * 100, s->p99_ms,
			s->pass ? "held" : "broke: ", s->pass ? "" : s->failed, try_no);
	}
	if (r->held > 0)
		fprintf(out, "  highest rate that held: %.0f qps", r->held);
	else
		fprintf(out, "  no rate held, not even %.0f qps", r->broke >= 0 ? r->steps[r->broke].qps : 0);
	if (r->at_max)
		fprintf(out, " (the ceiling of the search, --max-qps: it may hold more)\n");
	else if (r->broke >= 0)
		fprintf(out, "; broke at %.0f qps: %s\n", r->steps[r->broke].qps, r->steps[r->broke].failed);
	else
		fprintf(out, " (the step budget ran out before a step broke)\n");
	if (r->broke >= 0)
		blame_text(out, r->blamed >= 0 ? &r->steps[r->blamed] : NULL);
}

static void
step_json(struct json_writer *w, const struct load_findmax_step *s)
{
	json_object_begin(w);
	json_kv_double(w, "qps", s->qps);
	json_kv_uint(w, "try", s->try_no);
	json_kv_string(w, "status", s->pass ? "held" : "broke");
	json_kv_uint(w, "sent", s->sent);
	json_kv_uint(w, "answered", s->answered);
	json_kv_uint(w, "lost", s->lost);
	json_kv_uint(w, "bad_answers", s->bad);
	json_kv_uint(w, "refused", s->refused);
	json_kv_uint(w, "servfail", s->servfail);
	json_kv_double(w, "loss", s->loss);
	json_kv_double(w, "p99_ms", s->p99_ms);
	json_kv_string(w, "failed_slos", s->failed);
	if (s->where[0] != '\0') {
		json_key(w, "dropped_at");
		json_object_begin(w);
		json_kv_string(w, "component", s->where);
		json_kv_string(w, "counter", s->counter);
		json_kv_uint(w, "excess", s->dropped);
		json_object_end(w);
	} else {
		json_kv_null(w, "dropped_at");
	}
	json_object_end(w);
}

void
load_findmax_json(struct json_writer *w, const char *profile, const struct load_findmax_result *r)
{
	json_object_begin(w);
	json_kv_string(w, "profile", profile);
	json_kv_double(w, "held_qps", r->held);
	if (r->broke >= 0)
		json_kv_double(w, "broke_qps", r->steps[r->broke].qps);
	else
		json_kv_null(w, "broke_qps");
	json_kv_bool(w, "held_at_max", r->at_max);
	json_key(w, "broke_first");
	if (r->blamed >= 0) {
		const struct load_findmax_step *b = &r->steps[r->blamed];

		json_object_begin(w);
		json_kv_string(w, "component", b->where);
		json_kv_string(w, "counter", b->counter);
		json_kv_uint(w, "excess", b->dropped);
		json_kv_double(w, "at_qps", b->qps);
		json_kv_string(w, "failed_slos", b->failed);
		json_object_end(w);
	} else {
		json_value_null(w);
	}
	json_key(w, "steps");
	json_array_begin(w);
	for (size_t i = 0; i < r->n; i++)
		step_json(w, &r->steps[i]);
	json_array_end(w);
	json_object_end(w);
}
