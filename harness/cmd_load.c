/*
 * harness/cmd_load.c -- `hybridns load`: run a scenario's load profiles
 * against the emulated world (or an external loopback resolver) and judge
 * their SLOs.
 *
 * One profile at a time: bring the world up with the profile's `given`
 * faults (unless the traffic goes to an external target), start the
 * generator (harness/loadgen.c) towards where a client at `from` sends,
 * run the world's main loop while it runs, applying `events` at their
 * times, then stop the world and report.  Without --profile every profile
 * runs in turn, in file order.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/handoff.h"
#include "common/plural.h"
#include "common/rand.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/expect.h"
#include "harness/json.h"
#include "harness/load_report.h"
#include "harness/load_run.h"
#include "harness/load_where.h"
#include "harness/load_findmax.h"
#include "harness/load_merge.h"
#include "harness/load_plot.h"
#include "harness/load_shard.h"
#include "harness/loadgen.h"
#include "harness/scenario_src.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/model.h"
#include "model/names.h"
#include "vpn/relay.h"

#define LOAD_TIMEOUT_NS (2 * HNS_NSEC_PER_SEC)
#define LOAD_SOCKETS 4
#define LOAD_TICK_MS 5
#define LOAD_WARMUP_MAX_NS (60 * HNS_NSEC_PER_SEC)


struct load_opts {
	const char *profile;
	double qps;	     /* 0: the profile's */
	uint64_t qps_arg;     /* --qps as given */
	uint64_t duration_ns; /* 0: the profile's */
	uint64_t warmup_ns;   /* --warmup: 0 none */
	struct hns_addr target; /* family 0: none given */
	int format;	      /* 0 text, 1 json */
	bool json;
	const char *output;
	uint64_t seed;
	bool seed_given;
	unsigned workers;
	uint32_t coalesce_us; /* the in-process world's --coalesce (serve.h) */
	uint32_t slice_us;    /* and its --sched-slice */
	int udp_io;	      /* and its --udp-io */
	int handoff;	      /* and its --handoff (enum serve_handoff) */
	bool quiet; /* no progress line */
	double tcp; /* --tcp, or < 0: the profile's */
	/* load_findmax.c, load_plot.c, load_shard.c */
	struct load_findmax_opts fm;
	struct load_shard shard;
	const char *plot_dir;
};

/* --tcp FRACTION: 0.1 or 10%, from 0 to 1. */
static int
tcp_parse(const char *cmd, const char *arg, void *field)
{
	char *end = NULL;
	double v = strtod(arg, &end);

	if (end != arg && *end == '%')
		v /= 100, end++;
	if (end == arg || *end != '\0' || !(v >= 0 && v <= 1)) {
		fprintf(stderr, "hybridns %s: --tcp: '%s' is not a fraction from 0 to 1 (e.g. 0.1 or 10%%)\n",
			cmd, arg);
		return -1;
	}
	*(double *)field = v;
	return 0;
}

static void
report_deinit(struct load_report *r)
{
	lg_result_deinit(&r->res);
	free(r->where);
	r->where = NULL;
}

/* --------------------------------------------------------------- judging */

static void
judge_build(const struct model *m, const struct model_load *p, struct lg_judge *j, char *note,
	    size_t note_len)
{
	const struct model_answer *a = &p->slo.answers;

	memset(j, 0, sizeof(*j));
	switch (a->kind) {
	case MODEL_ANSWER_ANY:
		j->kind = LG_JUDGE_NONE;
		break;
	case MODEL_ANSWER_LIST:
		j->kind = LG_JUDGE_SET;
		for (size_t i = 0; i < a->n_values && j->n_set < LG_JUDGE_MAX; i++) {
			if (hns_addr_parse(a->values[i], &j->set[j->n_set]) != 0) {
				/* names (CNAME targets) are not judged on the hot path */
				j->kind = LG_JUDGE_NONE;
				snprintf(note, note_len, "answers: '%s' is not an address; replies not judged",
					 a->values[i]);
				return;
			}
			j->n_set++;
		}
		break;
	case MODEL_ANSWER_ENDPOINT:
	case MODEL_ANSWER_ENDPOINT_AZ:
		j->kind = LG_JUDGE_SET;
		for (size_t i = 0; i < a->endpoint->n_enis && j->n_set < LG_JUDGE_MAX; i++) {
			const struct model_eni *eni = &a->endpoint->enis[i];
			bool down = false;

			if (a->kind == MODEL_ANSWER_ENDPOINT_AZ && strcmp(eni->subnet->az, a->az) != 0)
				continue;
			for (size_t k = 0; k < p->given.n_down; k++)
				down |= p->given.down[k].kind == MODEL_FAULT_ENDPOINT_ENI &&
					p->given.down[k].eni == eni;
			if (a->kind == MODEL_ANSWER_ENDPOINT && down)
				continue;
			j->set[j->n_set++] = eni->ip;
		}
		break;
	case MODEL_ANSWER_PRIVATE:
	case MODEL_ANSWER_PUBLIC:
		j->kind = a->kind == MODEL_ANSWER_PRIVATE ? LG_JUDGE_IN_CIDRS : LG_JUDGE_OUTSIDE_CIDRS;
		for (size_t i = 0; i < m->n_vpcs && j->n_cidrs < LG_JUDGE_MAX; i++)
			j->cidrs[j->n_cidrs++] = m->vpcs[i].cidr;
		if (m->onprem.has_cidr && j->n_cidrs < LG_JUDGE_MAX)
			j->cidrs[j->n_cidrs++] = m->onprem.cidr;
		break;
	case MODEL_ANSWER_EMPTY:
		j->kind = LG_JUDGE_EMPTY;
		break;
	case MODEL_ANSWER_NXDOMAIN:
		j->kind = LG_JUDGE_NXDOMAIN;
		break;
	}
}

static void
slo_add(struct load_report *r, const char *name, bool pass, double limit, double value,
	const char *unit)
{
	struct load_slo *s = &r->slos[r->n_slos++];

	s->name = name;
	s->pass = pass;
	snprintf(s->limit, sizeof(s->limit), "%g%s", limit, unit);
	snprintf(s->value, sizeof(s->value), "%.3f%s", value, unit);
	r->pass &= pass;
}

static void
slo_judge(struct load_report *r)
{
	const struct model_slo *slo = &r->p->slo;
	const struct lg_result *res = &r->res;
	const struct hns_hist *h = &res->response;
	bool has = h->count > 0;
	char form[256];

	r->pass = true;
	r->n_slos = 0;
	if (slo->p50_ms >= 0)
		slo_add(r, "p50_ms", has && load_quantile_ms(h, 0.5) <= slo->p50_ms, slo->p50_ms,
			load_quantile_ms(h, 0.5), " ms");
	if (slo->p99_ms >= 0)
		slo_add(r, "p99_ms", has && load_quantile_ms(h, 0.99) <= slo->p99_ms, slo->p99_ms,
			load_quantile_ms(h, 0.99), " ms");
	if (slo->p999_ms >= 0)
		slo_add(r, "p999_ms", has && load_quantile_ms(h, 0.999) <= slo->p999_ms, slo->p999_ms,
			load_quantile_ms(h, 0.999), " ms");
	if (slo->max_loss >= 0)
		slo_add(r, "max_loss", res->intended > 0 && load_loss_of(res) <= slo->max_loss, slo->max_loss * 100,
			load_loss_of(res) * 100, "%");
	if (slo->min_qps >= 0)
		slo_add(r, "min_qps", load_achieved_qps(r) >= slo->min_qps, slo->min_qps, load_achieved_qps(r), " qps");
	if (slo->answers.kind != MODEL_ANSWER_ANY) {
		struct load_slo *s = &r->slos[r->n_slos++];

		s->name = "answers";
		s->pass = res->answered > 0 && res->bad == 0;
		snprintf(s->limit, sizeof(s->limit), "%s", model_answer_form_str(&slo->answers, form, sizeof(form)));
		snprintf(s->value, sizeof(s->value), "%llu of %llu replies did not match",
			 (unsigned long long)res->bad, (unsigned long long)res->answered);
		r->pass &= s->pass;
	}
}

/* ------------------------------------------------------------------ a run */

struct load_loop {
	struct lg_run *run;
	struct load_report *r;
	struct serve_ctx *ctx; /* NULL: external target */
	struct event_base *base;
	bool progress;	  /* the live line on stderr */
	bool warm;	  /* a warm-up: no events, samples or progress */
	uint64_t next_ns; /* the next second's progress line and sample */
};

static void
events_apply(struct load_report *r, struct serve_ctx *ctx, uint64_t t0)
{
	double el = hns_time_ms(hns_now() - t0);

	for (size_t i = 0; i < r->n_events; i++) {
		struct load_event_run *e = &r->events[i];

		if (e->applied || e->unsupported || (double)e->ev->at_ms > el)
			continue;
		if (ctx == NULL || ctx->vpn == NULL || e->ev->fault.kind != MODEL_FAULT_TUNNEL ||
		    vpn_tunnel_set_state(ctx->vpn, e->ev->fault.tunnel->name,
					 e->ev->up ? MODEL_TUNNEL_UP : MODEL_TUNNEL_DOWN) != 0) {
			e->unsupported = true;
			continue;
		}
		e->applied = true;
		e->at_ms = el;
	}
}

/* Every tick: events; every second: the components' counters and the progress line. */
static void
loop_tick(struct load_loop *l)
{
	uint64_t now = hns_now(), t0 = lg_start_time(l->run);
	struct lg_progress pg;

	if (l->warm)
		return;
	events_apply(l->r, l->ctx, t0);
	if (now < l->next_ns)
		return;
	l->next_ns = now + HNS_NSEC_PER_SEC;
	if (l->ctx != NULL && l->r->where != NULL)
		load_where_sample(l->r->where, l->ctx, now);
	if (l->progress) {
		lg_progress_read(l->run, &pg);
		load_progress_write(stderr, l->r->p->name, &pg, now - t0, l->r->duration_ns);
	}
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct load_loop *l = arg;

	(void)fd;
	(void)what;
	loop_tick(l);
	if (lg_done(l->run))
		event_base_loopbreak(l->base);
}

/* Until the generator is done: the world's loop (or a plain wait) with the tick. */
static int
load_drive(struct load_loop *l)
{
	int rc = 0;

	l->next_ns = lg_start_time(l->run) + HNS_NSEC_PER_SEC;
	if (l->ctx != NULL) {
		struct event *tick = event_new(l->base, -1, EV_PERSIST, on_tick, l);
		struct timeval tv = { 0, LOAD_TICK_MS * 1000 };

		if (tick == NULL || event_add(tick, &tv) != 0) {
			rc = HNS_ENOMEM;
			/* the generator is bounded: wait for it without the world's loop */
			while (!lg_done(l->run))
				nanosleep(&(struct timespec){ 0, LOAD_TICK_MS * 1000000L }, NULL);
		} else {
			event_base_dispatch(l->base);
		}
		if (tick != NULL)
			event_free(tick);
	} else {
		while (!lg_done(l->run)) {
			loop_tick(l);
			nanosleep(&(struct timespec){ 0, LOAD_TICK_MS * 1000000L }, NULL);
		}
	}
	if (l->progress)
		load_progress_write(stderr, NULL, NULL, 0, 0);
	return rc;
}

/*
 * --warmup: the run's own generator set-up, for warm_ns, rising to the rate
 * over its first half, with names of its own (every {seq} and {rand}
 * tagged "w-", so the run's names stay new to the caches; names without a
 * placeholder are the run's hot names, and warm them too), driving the
 * same world; its answers are waited for and its counts dropped.  The
 * world's tables, caches, flows and the kernel's buffers are then as a
 * running service's, not as a new process's: the run measures the steady
 * state.  The components' own counters include it.
 */
static int
load_warm(const struct lg_config *cfg, uint64_t warm_ns, struct serve_ctx *ctx, struct event_base *base)
{
	struct load_shard_names *names = malloc(sizeof(*names));
	struct lg_mix_entry mix[LG_MIX_MAX];
	struct lg_config w = *cfg;
	struct lg_result res;
	struct lg_run *run = NULL;
	int rc;

	if (names == NULL)
		return HNS_ENOMEM;
	memcpy(mix, cfg->mix, cfg->n_mix * sizeof(*mix));
	rc = load_tag_patterns("w-", mix, cfg->n_mix, names);
	if (rc == 0) {
		w.mix = mix;
		w.duration_ns = warm_ns;
		w.ramp_ns = warm_ns / 2;
		w.seed = cfg->seed ^ 0x5741524dULL; /* its own IDs and {rand} labels */
		w.judge = NULL;
		rc = lg_start(&w, &run);
	}
	if (rc == 0) {
		struct load_loop l = { .run = run, .ctx = ctx, .base = base, .warm = true };

		rc = load_drive(&l);
		if (lg_finish(run, &res) != 0 && rc == 0)
			rc = HNS_ENOMEM;
		lg_result_deinit(&res);
	}
	free(names);
	return rc;
}

static int
load_profile(const struct model *m, const struct model_load *p, const struct load_opts *o,
	     struct load_report *r)
{
	struct event_base *base = NULL;
	struct serve_ctx ctx;
	bool world = false;
	struct lg_mix_entry mix[LG_MIX_MAX];
	struct lg_judge *judge = NULL;
	struct lg_config cfg;
	struct lg_run *run = NULL;
	struct load_shard_names *shard_names = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&cfg, 0, sizeof(cfg));
	r->p = p;
	model_from_str(&p->from, r->from, sizeof(r->from));
	r->qps = o->qps > 0 ? o->qps : (double)p->qps;
	r->qps = load_shard_qps(&o->shard, r->qps);
	r->shard = o->shard;
	r->duration_ns = o->duration_ns ? o->duration_ns : p->duration_ms * HNS_NSEC_PER_MSEC;
	r->workers = o->workers;
	r->sockets = LOAD_SOCKETS;
	if (p->n_mix == 0 || p->n_mix > LG_MIX_MAX || r->qps <= 0 || r->duration_ns == 0) {
		fprintf(stderr, "hybridns load: %s:%u:%u: load.%s needs qps, duration and 1-%d mix entries\n",
			m->file, p->loc.line, p->loc.col, p->name, LG_MIX_MAX);
		return HNS_ESCENARIO;
	}
	for (size_t i = 0; i < p->n_mix; i++) {
		mix[i].pattern = p->mix[i].query;
		mix[i].qtype = p->mix[i].qtype;
		mix[i].weight = p->mix[i].weight;
	}
	if (o->shard.count > 1 && ((shard_names = malloc(sizeof(*shard_names))) == NULL ||
				   load_shard_patterns(&o->shard, mix, p->n_mix, shard_names) != 0)) {
		fprintf(stderr, "hybridns load: %s:%u:%u: load.%s: --shard: a mix pattern is too long\n",
			m->file, p->loc.line, p->loc.col, p->name);
		free(shard_names);
		return HNS_ESCENARIO;
	}
	for (size_t i = 0; i < p->n_events && r->n_events < LOAD_MAX_EVENTS; i++)
		r->events[r->n_events++].ev = &p->events[i];
	judge = calloc(1, sizeof(*judge));
	if (judge == NULL)
		return HNS_ENOMEM;
	judge_build(m, p, judge, r->note, sizeof(r->note));

	if (o->target.family != 0 || p->has_target) {
		cfg.targets[0] = o->target.family != 0 ? o->target : p->target;
		if (cfg.targets[0].port == 0)
			cfg.targets[0].port = 53;
		cfg.n_targets = 1;
		r->external = true;
	} else {
		base = event_base_new();
		if (base == NULL) {
			rc = HNS_ENOMEM;
			goto out;
		}
		struct world_opts wo = { .seed = o->seed,
					 .seed_given = o->seed_given,
					 .coalesce_us = o->coalesce_us,
					 .aws = { .udp_io = o->udp_io } };

		rc = world_up(&ctx, m, &p->given, &wo, base);
		if (rc != 0) {
			fprintf(stderr, "hybridns load: %s: cannot bring the world up: %s\n", p->name,
				hns_strerror(rc));
			goto out;
		}
		world = true;
		r->where = calloc(1, sizeof(*r->where));
		if (r->where != NULL)
			r->where->last_ns = hns_now();
		cfg.n_targets = world_client_targets(&ctx, &p->from, cfg.targets, LG_MAX_TARGETS);
		if (cfg.n_targets == 0) {
			fprintf(stderr, "hybridns load: %s: nothing serves %s in this world\n", p->name, r->from);
			rc = HNS_ENOENT;
			goto out;
		}
		r->vpc_resolver = p->from.kind == MODEL_FROM_VPC;
	}
	hns_addr_port_str(&cfg.targets[0], r->target, sizeof(r->target));
	cfg.mix = mix;
	cfg.n_mix = p->n_mix;
	cfg.qps = r->qps;
	cfg.duration_ns = r->duration_ns;
	cfg.ramp_ns = p->ramp_ms * HNS_NSEC_PER_MSEC;
	if (cfg.ramp_ns > cfg.duration_ns)
		cfg.ramp_ns = cfg.duration_ns;
	cfg.timeout_ns = LOAD_TIMEOUT_NS;
	cfg.workers = r->workers;
	cfg.sockets = r->sockets;
	cfg.seed = load_shard_seed(&o->shard, o->seed_given ? o->seed : 1);
	cfg.judge = judge;
	cfg.tcp = r->tcp = o->tcp >= 0 ? o->tcp : p->tcp;
	if (o->warmup_ns > 0) {
		r->warmup_ns = o->warmup_ns;
		rc = load_warm(&cfg, o->warmup_ns, world ? &ctx : NULL, base);
		if (rc != 0) {
			fprintf(stderr, "hybridns load: %s: --warmup: %s\n", p->name, hns_strerror(rc));
			goto out;
		}
		/* the listeners' peak rates from here: the warm-up's rising rate is not the run's */
		if (world && r->where != NULL)
			load_where_sample(r->where, &ctx, hns_now());
	}
	rc = lg_start(&cfg, &run);
	if (rc != 0) {
		fprintf(stderr, "hybridns load: %s: cannot start the generator: %s\n", p->name,
			hns_strerror(rc));
		goto out;
	}
	struct load_loop l = { .run = run, .r = r, .ctx = world ? &ctx : NULL, .base = base,
			       .progress = !o->quiet && isatty(STDERR_FILENO) };
	struct hns_handoff_stats ho0, ho1;

	hns_handoff_stats(&ho0);
	rc = load_drive(&l);
	if (lg_finish(run, &r->res) != 0 && rc == 0)
		rc = HNS_ENOMEM;
	hns_handoff_stats(&ho1);
	r->in_memory = hns_handoff_enabled();
	r->handed = ho1.handed - ho0.handed;
	r->through_kernel = ho1.kernel - ho0.kernel;
	if (world && r->where != NULL)
		load_where_sample(r->where, &ctx, hns_now());
	slo_judge(r);
out:
	if (world)
		world_down(&ctx);
	if (base != NULL)
		event_base_free(base);
	free(judge);
	free(shard_names);
	return rc;
}

/* --------------------------------------------- find-max and plots (glue) */

struct findmax_arg {
	const struct model *m;
	struct model_load p; /* the profile, with the search's SLOs */
	const struct load_opts *o;
};

/* One step of the search (load_findmax.c): a whole `load` run at qps. */
static int
findmax_step(void *arg, double qps, uint64_t step_ns, struct load_findmax_step *st)
{
	const struct findmax_arg *a = arg;
	struct load_opts o = *a->o;
	struct load_report *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL)
		return HNS_ENOMEM;
	o.qps = qps;
	o.duration_ns = step_ns;
	rc = load_profile(a->m, &a->p, &o, r);
	if (rc == 0) {
		load_findmax_step_fill(st, &r->res, r->pass);
		for (size_t i = 0; i < r->n_slos; i++)
			if (!r->slos[i].pass)
				load_findmax_step_failed(st, r->slos[i].name);
		st->stats = load_findmax_where_json(r->where); /* the search frees it */
	}
	report_deinit(r);
	free(r);
	return rc;
}

static int
load_find_max(const struct model *m, const struct model_load *p, const struct load_opts *o, FILE *out)
{
	struct findmax_arg a = { .m = m, .p = *p, .o = o };
	struct load_findmax_result *res = calloc(1, sizeof(*res));
	double from = o->fm.from_qps ? (double)o->fm.from_qps : p->qps > LOAD_FINDMAX_FROM ? p->qps : LOAD_FINDMAX_FROM;
	char title[512], slos[256];
	int rc;

	if (res == NULL)
		return HNS_EXIT_RUNTIME;
	load_findmax_slo_apply(&o->fm.slo, &a.p.slo);
	rc = load_findmax_search(&o->fm, from, findmax_step, &a, res);
	if (rc == 0 && o->json) {
		struct json_writer w;

		json_writer_init(&w, out, true);
		load_findmax_json(&w, p->name, res);
		rc = json_writer_finish(&w) != 0 ? HNS_EINVAL : 0;
	} else if (rc == 0) {
		char retries[64] = "", warm[48] = "";

		if (o->fm.retries)
			snprintf(retries, sizeof(retries), ", a broken step run up to %u more %s", o->fm.retries,
				 HNS_PLURAL(o->fm.retries, "time", "times"));
		if (o->warmup_ns)
			snprintf(warm, sizeof(warm), " after %.1f s of warm-up", (double)o->warmup_ns / 1e9);
		snprintf(title, sizeof(title), "%s / %s: find-max from %.0f qps, %.1f s steps%s%s, SLOs%s",
			 m->scenario, p->name, from, (double)(o->fm.step_ns ? o->fm.step_ns : LOAD_FINDMAX_STEP_NS) / 1e9,
			 warm, retries, load_findmax_slo_text(&a.p.slo, slos, sizeof(slos)));
		load_findmax_text(out, title, res);
	}
	rc = rc != 0 ? (rc == HNS_ESCENARIO ? HNS_EXIT_USAGE : HNS_EXIT_RUNTIME) :
		       res->held > 0 ? HNS_EXIT_OK : HNS_EXIT_FAILED;
	free(res);
	return rc;
}

static int
report_plots(const struct model *m, const struct load_report *r, const char *dir)
{
	struct load_plot_event ev[LOAD_MAX_EVENTS];
	char title[256], text[LOAD_MAX_EVENTS][160];

	for (size_t i = 0; i < r->n_events; i++) {
		snprintf(text[i], sizeof(text[i]), "%s %s", r->events[i].ev->up ? "up" : "down",
			 r->events[i].ev->fault.text);
		ev[i] = (struct load_plot_event){ (double)r->events[i].ev->at_ms / 1000.0, text[i],
						  r->events[i].applied };
	}
	snprintf(title, sizeof(title), "%s / %s", m->scenario, r->p->name);
	return load_plot_write_dir(dir, r->p->name, &r->res,
				   &(struct load_plot_info){ title, ev, r->n_events });
}

/* The options of find-max, plots and shards that do not go together. */
static int
load_extra_check(const struct load_opts *o)
{
	const char *bad = NULL;

	if (o->warmup_ns > LOAD_WARMUP_MAX_NS)
		bad = "--warmup: at most 60 s";
	else if (!o->fm.on && (o->fm.slo.given || o->fm.from_qps || o->fm.max_qps || o->fm.step_ns || o->fm.retries))
		bad = "--slo, --from-qps, --max-qps, --step-duration and --retry-broken go with --find-max";
	else if (o->fm.on && o->shard.count > 1)
		bad = "--find-max searches from one process: it does not take --shard";
	else if (o->fm.on && o->fm.from_qps && o->fm.max_qps && o->fm.from_qps > o->fm.max_qps)
		bad = "--from-qps is above --max-qps";
	else if (o->fm.on && o->plot_dir != NULL)
		bad = "--plot draws a run; --find-max makes many (plot a run at the rate it found)";
	if (bad == NULL)
		return HNS_EXIT_OK;
	fprintf(stderr, "hybridns load: %s\n", bad);
	return HNS_EXIT_USAGE;
}

/* --find-max: the --profile, or the first profile. */
static int
load_find_max_main(const struct model *m, const struct load_opts *o, const char *output)
{
	const struct model_load *p = &m->loads[0];
	FILE *out = stdout;
	int status;

	for (size_t i = 0; o->profile != NULL && i < m->n_loads; i++)
		if (strcmp(o->profile, m->loads[i].name) == 0)
			p = &m->loads[i];
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		fprintf(stderr, "hybridns load: -o %s: %s\n", output, strerror(errno));
		return HNS_EXIT_RUNTIME;
	}
	signal(SIGPIPE, SIG_IGN);
	status = load_find_max(m, p, o, out);
	if (out != stdout && fclose(out) != 0 && status == HNS_EXIT_OK)
		status = HNS_EXIT_RUNTIME;
	return status;
}

/* ------------------------------------------------------------ arguments */

static const struct cli_opt load_cli_opts[] = {
	{ "profile", 0, CLI_STRING, offsetof(struct load_opts, profile), CLI_NONE, "NAME",
	  "run this load profile only (default every one in turn)", 0, 0, 0, NULL },
	{ "qps", 0, CLI_U64, offsetof(struct load_opts, qps_arg), CLI_NONE, "N",
	  "queries per second instead of the profile's", 1, 10000000, 0, NULL },
	{ "duration", 0, CLI_DURATION, offsetof(struct load_opts, duration_ns), CLI_NONE, "S",
	  "how long to send instead of the profile's (seconds: 3, 2.5s, 1500ms)", 0, 0, 0, NULL },
	{ "warmup", 0, CLI_DURATION, offsetof(struct load_opts, warmup_ns), CLI_NONE, "S",
	  "first send this long, rising to the rate, with names of its own, and count nothing of it (at most 60 s)",
	  0, 0, 0, NULL },
	{ "target", 0, CLI_ADDR, offsetof(struct load_opts, target), CLI_NONE, "IP:PORT",
	  "send to a resolver already running there (loopback only) instead of the scenario's world",
	  0, 0, CLI_LOOPBACK, NULL },
	CLI_OPT_FORMAT(struct load_opts, format, "text|json"),
	CLI_OPT_OUTPUT(struct load_opts, output),
	CLI_OPT_SEED(struct load_opts, seed, seed_given),
	{ "workers", 0, CLI_UNSIGNED, offsetof(struct load_opts, workers), CLI_NONE, "N",
	  "sender threads", 1, LG_MAX_WORKERS, 0, NULL },
	SERVE_OPT_COALESCE(struct load_opts, coalesce_us),
	SERVE_OPT_SLICE(struct load_opts, slice_us),
	SERVE_OPT_UDP_IO(struct load_opts, udp_io),
	SERVE_OPT_HANDOFF(struct load_opts, handoff, "memory"),
	{ "tcp", 0, CLI_CUSTOM, offsetof(struct load_opts, tcp), CLI_NONE, "FRACTION",
	  "send this fraction of the queries over TCP instead of the profile's `tcp` (0.1 or 10%)", 0, 0,
	  0, tcp_parse },
	{ "quiet", 0, CLI_FLAG, offsetof(struct load_opts, quiet), CLI_NONE, NULL,
	  "no progress line on a terminal's stderr", 0, 0, 0, NULL },
	/* load_findmax.c, load_plot.c, load_shard.c */
	{ "find-max", 0, CLI_FLAG, offsetof(struct load_opts, fm.on), CLI_NONE, NULL,
	  "search the highest rate the profile holds within its SLOs (step by step)", 0, 0, 0, NULL },
	{ "slo", 0, CLI_CUSTOM, offsetof(struct load_opts, fm.slo), CLI_NONE, "K=V,...",
	  "--find-max: judge by these SLOs (p50_ms, p99_ms, p999_ms, max_loss, min_qps)", 0, 0, 0,
	  load_findmax_slo_parse },
	{ "from-qps", 0, CLI_U64, offsetof(struct load_opts, fm.from_qps), CLI_NONE, "N",
	  "--find-max: the first step's rate (default the profile's, at least 1000)", 1, 10000000, 0, NULL },
	{ "max-qps", 0, CLI_U64, offsetof(struct load_opts, fm.max_qps), CLI_NONE, "N",
	  "--find-max: never try more than this (default 1000000)", 1, 10000000, 0, NULL },
	{ "step-duration", 0, CLI_DURATION, offsetof(struct load_opts, fm.step_ns), CLI_NONE, "S",
	  "--find-max: how long each step sends (default 3 s)", 0, 0, 0, NULL },
	{ "retry-broken", 0, CLI_UNSIGNED, offsetof(struct load_opts, fm.retries), CLI_NONE, "N",
	  "--find-max: run a step that broke up to N more times before its rate counts as broken (0-3)", 0,
	  LOAD_FINDMAX_RETRIES_MAX, 0, NULL },
	{ "plot", 0, CLI_STRING, offsetof(struct load_opts, plot_dir), CLI_NONE, "DIR",
	  "write SVG plots (timeline, latency percentiles) of each profile into DIR", 0, 0, 0, NULL },
	{ "shard", 0, CLI_CUSTOM, offsetof(struct load_opts, shard), CLI_NONE, "I/N",
	  "be shard I of N: 1/N of the rate, a disjoint part of the {seq}/{rand} names", 0, 0, 0,
	  load_shard_parse },
};

const struct cli_command cmd_load_cli = CLI_COMMAND("load", "SCENARIO",
	"       hybridns load merge REPORT.json REPORT.json... [--format text|json] [-o FILE]\n"
	"         adds the JSON reports of several runs (shards) exactly; see `load merge --help`\n",
	load_cli_opts, 1, 1);

int
cmd_load(int argc, char **argv)
{
	struct load_opts o;
	struct load_report *reports = NULL;
	struct model *m = NULL;
	const char *output;
	FILE *out = stdout;
	size_t n = 0, passed = 0;
	char **args;
	int rc, n_args, status;

	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return cmd_load_merge(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	o.workers = 1;
	o.tcp = -1;
	o.handoff = SERVE_HANDOFF_MEMORY;
	if ((status = cli_parse(&cmd_load_cli, argc, argv, &o, &args, &n_args)) >= 0)
		return status;
	hns_handoff_enable(o.handoff == SERVE_HANDOFF_MEMORY);
	serve_slice_apply(o.slice_us);
	o.qps = (double)o.qps_arg;
	o.json = o.format == 1;
	output = o.output;
	if ((status = load_extra_check(&o)) != HNS_EXIT_OK)
		return status;
	if ((status = cli_scenario(args[0], &m)) != HNS_EXIT_OK)
		return status;
	if (m->n_loads == 0) {
		fprintf(stderr, "hybridns load: %s has no load profiles\n", m->file);
		status = HNS_EXIT_USAGE;
		goto out;
	}
	if (o.profile != NULL) {
		bool found = false;

		for (size_t i = 0; i < m->n_loads; i++)
			found |= strcmp(m->loads[i].name, o.profile) == 0;
		if (!found) {
			fprintf(stderr, "hybridns load: --profile: %s has no load profile '%s' (it has:", m->file,
				o.profile);
			for (size_t i = 0; i < m->n_loads; i++)
				fprintf(stderr, " %s", m->loads[i].name);
			fprintf(stderr, ")\n");
			status = HNS_EXIT_USAGE;
			goto out;
		}
	}
	if (o.fm.on) {
		status = load_find_max_main(m, &o, output);
		goto out;
	}
	reports = calloc(m->n_loads, sizeof(*reports));
	if (reports == NULL) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < m->n_loads; i++) {
		if (o.profile != NULL && strcmp(o.profile, m->loads[i].name) != 0)
			continue;
		rc = load_profile(m, &m->loads[i], &o, &reports[n]);
		if (rc != 0) {
			report_deinit(&reports[n]);
			status = rc == HNS_ESCENARIO ? HNS_EXIT_USAGE : HNS_EXIT_RUNTIME;
			goto out;
		}
		passed += reports[n].pass;
		n++;
	}
	for (size_t i = 0; o.plot_dir != NULL && i < n; i++) {
		if (report_plots(m, &reports[i], o.plot_dir) != 0) {
			status = HNS_EXIT_RUNTIME;
			goto out;
		}
	}
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		fprintf(stderr, "hybridns load: -o %s: %s\n", output, strerror(errno));
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	if (o.json) {
		struct json_writer w;

		json_report_begin(&w, out, m->scenario, m->file, passed, n - passed, "profiles");
		for (size_t i = 0; i < n; i++)
			load_run_write_json(&w, &reports[i]);
		if (json_report_end(&w) != 0)
			status = HNS_EXIT_RUNTIME;
	} else {
		for (size_t i = 0; i < n; i++)
			load_run_write_text(out, m, &reports[i]);
		if (n > 1)
			fprintf(out, "%zu %s, %zu failed\n", passed,
				HNS_PLURAL(passed, "profile held its SLOs", "profiles held their SLOs"), n - passed);
	}
	if (out != stdout && fclose(out) != 0)
		status = HNS_EXIT_RUNTIME;
	if (status == HNS_EXIT_OK && passed < n)
		status = HNS_EXIT_FAILED;
out:
	for (size_t i = 0; reports != NULL && i < n; i++)
		report_deinit(&reports[i]);
	free(reports);
	model_free(m);
	return status;
}
