/*
 * tests/unit/harness/test_load_scale.c -- the I/O-free parts of `load
 * merge`, `--shard`, `--find-max` and `--plot`: histograms survive their
 * JSON form and add up exactly; shards' names never meet; the capacity
 * search converges within its bounds on a simulated design; the place of
 * loss is read from a stats document; plots are well-formed SVG.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/rand.h"
#include "harness/json.h"
#include "harness/load_findmax.h"
#include "harness/load_report.h"
#include "harness/load_merge.h"
#include "harness/load_plot.h"
#include "harness/load_shard.h"
#include "harness/loadgen.h"
#include "model/model.h"

/* ---------------------------------------------------------- histograms */

/* The histogram's JSON text, as the report writes it (malloc'd). */
static char *
hist_text(const struct hns_hist *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer w;

	assert_non_null(f);
	json_writer_init(&w, f, false);
	load_hist_write_json(&w, h);
	assert_int_equal(json_writer_finish(&w), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
test_hist_merge_exact(void **state)
{
	struct hns_hist *all = calloc(1, sizeof(*all)), *part[3], *sum = calloc(1, sizeof(*sum));
	struct hns_prng r;
	char err[160];

	(void)state;
	hns_prng_seed(&r, 7);
	for (int k = 0; k < 3; k++)
		part[k] = calloc(1, sizeof(*part[k]));
	/* three shards with different latency shapes: fast, slow, a long tail */
	for (int i = 0; i < 30000; i++) {
		int k = i % 3;
		uint64_t ns = 1000 * (k == 0 ? 50 + hns_prng_below(&r, 200) :
			      k == 1 ? 20000 + hns_prng_below(&r, 30000) :
				       (i % 300 == 2 ? 1500000 + hns_prng_below(&r, 400000) : 300 + hns_prng_below(&r, 700))) +
			      hns_prng_below(&r, 1000);

		hns_hist_add(all, ns);
		hns_hist_add(part[k], ns);
	}
	for (int k = 0; k < 3; k++) {
		struct hns_hist *back = calloc(1, sizeof(*back));
		char *text = hist_text(part[k]);

		assert_int_equal(load_hist_json_read(text, back, err, sizeof(err)), 0);
		assert_memory_equal(back, part[k], sizeof(*back)); /* the JSON form loses nothing */
		hns_hist_merge(sum, back);
		free(text);
		free(back);
	}
	/* the sum is the histogram of all the values, bucket by bucket */
	assert_int_equal(sum->count, 30000);
	assert_memory_equal(sum->b, all->b, sizeof(all->b));
	assert_int_equal(sum->sum_ns, all->sum_ns);
	assert_int_equal(sum->max_ns, all->max_ns);
	assert_int_equal(sum->min_ns, all->min_ns);
	for (double q = 0.01; q < 1; q += 0.01)
		assert_int_equal(hns_hist_quantile(sum, q), hns_hist_quantile(all, q));
	assert_int_equal(hns_hist_quantile(sum, 0.999), hns_hist_quantile(all, 0.999));
	/* and an average of the parts' p99s is not it */
	assert_true(hns_hist_quantile(sum, 0.99) != (hns_hist_quantile(part[0], 0.99) + hns_hist_quantile(part[1], 0.99) +
						    hns_hist_quantile(part[2], 0.99)) / 3);
	for (int k = 0; k < 3; k++)
		free(part[k]);
	free(all);
	free(sum);
}

static void
test_hist_json_bad(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"count\":0}",
		"{\"count\":0,\"buckets\":[]}", /* no sum_ns, min_ns, max_ns */
		"{\"count\":1,\"sum_ns\":-1,\"min_ns\":1,\"max_ns\":1,\"buckets\":[[3,1]]}",
		"{\"count\":1,\"sum_ns\":30,\"min_ns\":1,\"max_ns\":1,\"buckets\":[[512,1]]}",
		"{\"count\":1,\"sum_ns\":30,\"min_ns\":1,\"max_ns\":1,\"buckets\":[[3,-1]]}",
		"{\"count\":2,\"sum_ns\":30,\"min_ns\":1,\"max_ns\":1,\"buckets\":[[3,1]]}",
		"{\"count\":1,\"sum_ns\":30,\"min_ns\":1,\"max_ns\":1,\"buckets\":[[3]]}",
		"{\"count\":1,",
	};
	struct hns_hist *h = calloc(1, sizeof(*h));
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		assert_int_equal(load_hist_json_read(bad[i], h, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(load_hist_json_read("{\"count\":3,\"sum_ns\":30000,\"min_ns\":10000,\"max_ns\":10999,"
					     "\"buckets\":[[10,3]]}",
					     h, err, sizeof(err)),
			 0);
	assert_int_equal(h->b[10], 3);
	free(h);
}

/* --------------------------------------------------------------- shards */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_shard_disjoint(void **state)
{
	static const struct lg_mix_entry base[] = {
		{ "q{seq}.example.com", 1, 1 },
		{ "{rand}.execute-api.eu-west-1.amazonaws.com", 1, 1 },
		{ "a{seq}{rand}.b.example", 1, 1 },
		{ "host-{seq}.{rand}.c.example", 1, 1 },
	};
	enum { SHARDS = 12, PER = 300 };
	size_t n = sizeof(base) / sizeof(*base), total = (size_t)SHARDS * PER * n;
	char **names = calloc(total, sizeof(*names));
	struct load_shard_names *sn = calloc(1, sizeof(*sn));
	size_t k = 0;

	(void)state;
	for (unsigned s = 0; s < SHARDS; s++) {
		struct load_shard sh = { s, SHARDS };
		struct lg_mix_entry mix[4];
		struct lg_mix m;
		struct hns_prng r;

		memcpy(mix, base, sizeof(mix));
		assert_int_equal(load_shard_patterns(&sh, mix, n, sn), 0);
		assert_int_equal(lg_mix_init(&m, mix, n), 0); /* still valid names */
		/* the same seed in every shard: only the tag can keep them apart */
		hns_prng_seed(&r, 1);
		for (size_t e = 0; e < n; e++) {
			for (uint64_t seq = 0; seq < PER; seq++) {
				char text[300];

				assert_true(lg_name_expand(mix[e].pattern, &r, seq, text, sizeof(text)) > 0);
				names[k++] = strdup(text);
			}
		}
	}
	assert_int_equal(k, total);
	qsort(names, total, sizeof(*names), cmp_str);
	for (size_t i = 1; i < total; i++) {
		/* within a shard {seq} differs; across shards nothing may coincide */
		if (strcmp(names[i - 1], names[i]) == 0)
			fail_msg("two shards expanded to %s", names[i]);
	}
	for (size_t i = 0; i < total; i++)
		free(names[i]);
	free(names);
	free(sn);
}

static void
test_shard_parse_and_share(void **state)
{
	struct load_shard s = { 0, 0 };
	struct lg_mix_entry mix[1] = { { "q{seq}.x", 1, 1 } };
	struct load_shard_names *sn = calloc(1, sizeof(*sn));
	static const char *const bad[] = { "4/4", "1/0", "a/b", "-1/4", "1/-4", "1", "1/4x", "", "0/1001" };

	(void)state;
	assert_int_equal(load_shard_parse("load", "3/4", &s), 0);
	assert_int_equal(s.index, 3);
	assert_int_equal(s.count, 4);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(load_shard_parse("load", bad[i], &s), -1);
	s = (struct load_shard){ 3, 4 };
	assert_true(load_shard_qps(&s, 1000) == 250);
	assert_int_equal(load_shard_seed(&s, 10), 13);
	assert_int_equal(load_shard_patterns(&s, mix, 1, sn), 0);
	assert_string_equal(mix[0].pattern, "qs3-{seq}.x");
	s = (struct load_shard){ 7, 16 };
	mix[0].pattern = "q{seq}.x";
	assert_int_equal(load_shard_patterns(&s, mix, 1, sn), 0);
	assert_string_equal(mix[0].pattern, "qs07-{seq}.x"); /* fixed width: s07, never s7 */
	/* not sharded: nothing changes */
	s = (struct load_shard){ 0, 0 };
	mix[0].pattern = "q{seq}.x";
	assert_int_equal(load_shard_patterns(&s, mix, 1, sn), 0);
	assert_string_equal(mix[0].pattern, "q{seq}.x");
	assert_true(load_shard_qps(&s, 1000) == 1000);
	free(sn);
}

/* ------------------------------------------------------------- find-max */

struct sim {
	double capacity; /* the simulated design holds this many qps */
	int calls;
	double last;
	int stall_every; /* > 0: every stall_every-th run breaks whatever its rate (a machine's stall) */
};

static int
sim_run(void *arg, double qps, uint64_t step_ns, struct load_findmax_step *st)
{
	struct sim *s = arg;

	assert_true(step_ns > 0);
	s->calls++;
	s->last = qps;
	st->pass = qps <= s->capacity && !(s->stall_every > 0 && s->calls % s->stall_every == 0);
	if (!st->pass) {
		load_findmax_step_failed(st, "p99_ms");
		load_findmax_step_failed(st, "max_loss");
	}
	return 0;
}

static void
test_findmax_converges(void **state)
{
	static const double caps[] = { 7300, 1000, 1500, 250000, 999999 };
	struct load_findmax_opts o = { .on = true };
	struct load_findmax_result *r = calloc(1, sizeof(*r));

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++) {
		struct sim s = { caps[i], 0, 0 };

		assert_int_equal(load_findmax_search(&o, 1000, sim_run, &s, r), 0);
		assert_true(s.calls <= LOAD_FINDMAX_STEPS);
		assert_int_equal((int)r->n, s.calls);
		assert_true(r->held <= caps[i]);
		assert_true(r->broke >= 0);
		assert_true(r->steps[r->broke].qps > caps[i]);
		/* within 5 % (or the step budget ran out, which these do not need) */
		assert_true(r->steps[r->broke].qps - r->held <= r->steps[r->broke].qps * LOAD_FINDMAX_PRECISION + 1);
		assert_string_equal(r->steps[r->broke].failed, "p99_ms max_loss");
	}
	free(r);
}

static void
test_findmax_bounds(void **state)
{
	struct load_findmax_opts o = { .on = true, .max_qps = 5000 };
	struct load_findmax_result *r = calloc(1, sizeof(*r));
	struct sim s = { 1e9, 0, 0 };

	(void)state;
	/* holds at the ceiling: stop there and say so */
	assert_int_equal(load_findmax_search(&o, 1000, sim_run, &s, r), 0);
	assert_true(r->at_max);
	assert_true(r->held == 5000);
	assert_int_equal(r->broke, -1);
	assert_true(s.last == 5000);
	/* nothing holds: bounded by the step budget, held 0 */
	s = (struct sim){ 0.5, 0, 0 };
	o.max_qps = 0;
	assert_int_equal(load_findmax_search(&o, 1000, sim_run, &s, r), 0);
	assert_true(r->held == 0);
	assert_true(s.calls <= LOAD_FINDMAX_STEPS);
	assert_true(r->steps[r->broke].qps <= 2);
	free(r);
}

static void
test_findmax_retry_broken(void **state)
{
	struct load_findmax_opts o = { .on = true };
	struct load_findmax_result *r = calloc(1, sizeof(*r));
	struct sim s = { .capacity = 7300, .stall_every = 3 };

	(void)state;
	/* Without retries a stalled run ends the climb: the third run (4000) breaks, and the
	 * search settles far below the capacity. */
	assert_int_equal(load_findmax_search(&o, 1000, sim_run, &s, r), 0);
	assert_true(r->held < 4000);
	assert_true(r->steps[2].qps == 4000 && !r->steps[2].pass);
	assert_true(r->steps[r->broke].qps <= 4000);
	assert_int_equal((int)r->n, (int)r->rates);

	/* One retry: the stalled rate is run again, holds, and the search finds the capacity. */
	o.retries = 1;
	s = (struct sim){ .capacity = 7300, .stall_every = 3 };
	assert_int_equal(load_findmax_search(&o, 1000, sim_run, &s, r), 0);
	assert_true(r->held <= 7300 && r->held >= 7300 * (1 - LOAD_FINDMAX_PRECISION) - 1);
	assert_true(r->steps[r->broke].qps > 7300);
	assert_int_equal(r->steps[r->broke].try_no, 1); /* a rate's verdict points at its first try */
	assert_int_equal((int)r->n, s.calls);
	assert_true(r->rates < r->n); /* some rates took two runs */
	for (size_t i = 0; i < r->n; i++) {
		const struct load_findmax_step *st = &r->steps[i];

		assert_true(st->try_no == 1 || st->try_no == 2);
		if (st->try_no == 2) /* a second try follows a first that broke, at the same rate */
			assert_true(i > 0 && !r->steps[i - 1].pass && r->steps[i - 1].qps == st->qps);
		if (st->qps > 7300)
			assert_false(st->pass);
	}

	/* A rate the design cannot hold breaks every try: retries never make it hold. */
	o.retries = LOAD_FINDMAX_RETRIES_MAX;
	s = (struct sim){ .capacity = 0.5 };
	assert_int_equal(load_findmax_search(&o, 1000, sim_run, &s, r), 0);
	assert_true(r->held == 0);
	assert_true(r->rates <= LOAD_FINDMAX_STEPS);
	assert_int_equal((int)r->n, (int)r->rates * (1 + LOAD_FINDMAX_RETRIES_MAX));
	free(r);
}

static void
test_findmax_slo(void **state)
{
	struct load_findmax_slo s;
	struct model_slo slo = { .p50_ms = -1, .p99_ms = -1, .p999_ms = -1, .max_loss = -1, .min_qps = -1 };
	static const char *const bad[] = { "p98_ms=1", "p99_ms", "p99_ms=", "max_loss=150%", "max_loss=2",
					    "p99_ms=-1", "p99_ms=5s", "", "p99_ms=1,,x=2" };

	(void)state;
	assert_int_equal(load_findmax_slo_parse("load", "p99_ms=50ms,max_loss=1%", &s), 0);
	assert_true(s.given && s.p99_ms == 50 && s.max_loss == 0.01 && s.p50_ms < 0 && s.min_qps < 0);
	assert_int_equal(load_findmax_slo_parse("load", "max_loss=0.002,p999_ms=80", &s), 0);
	assert_true(s.max_loss == 0.002 && s.p999_ms == 80 && s.p99_ms < 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(load_findmax_slo_parse("load", bad[i], &s), -1);
	/* a profile without SLOs is searched against p99 50 ms and 1 % loss */
	s.given = false;
	load_findmax_slo_apply(&s, &slo);
	assert_true(slo.p99_ms == 50 && slo.max_loss == 0.01);
}

static void
test_stats_blame(void **state)
{
	static const char doc[] =
		"{\"onprem\": [{\"name\": \"dc1-dns\", \"queries\": 90000, \"table_full\": 12, \"drops\": 0}],"
		" \"aws\": {\"resolver\": {\"listeners\": [{\"label\": \"inbound ie-1\", \"queries\": 80000,"
		" \"dropped_ceiling\": 4321, \"rcodes\": {\"REFUSED\": 99999}}]}},"
		" \"vpn\": {\"vpn\": [{\"name\": \"tunnel1\", \"drops\": {\"loss\": 40, \"pps\": 700}}]}}";
	char where[256], counter[96];
	uint64_t n;

	(void)state;
	assert_int_equal(load_stats_blame(doc, NULL, 0, where, sizeof(where), counter, sizeof(counter), &n), 0);
	assert_int_equal(n, 4321);
	assert_string_equal(where, "aws.resolver.listeners[inbound ie-1]");
	assert_string_equal(counter, "dropped_ceiling");
	assert_int_equal(load_stats_blame("{\"vpn\": {\"t\": [{\"name\": \"tunnel2\", \"drops\": {\"pps\": 7}}]}}",
					  NULL, 0, where, sizeof(where), counter, sizeof(counter), &n),
			 0);
	assert_string_equal(where, "vpn.t[tunnel2]");
	assert_string_equal(counter, "drops.pps");
	assert_int_equal(load_stats_blame("{\"onprem\": [{\"queries\": 5, \"table_full\": 0}]}", NULL, 0,
					  where, sizeof(where), counter, sizeof(counter), &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(load_stats_blame("{not json", NULL, 0, where, sizeof(where), counter, sizeof(counter), &n), -1);
	/* against a run that held at half the rate: what grew beyond twice its count */
	static const char held[] =
		"{\"onprem\": [{\"name\": \"dc1-dns\", \"table_full\": 0}],"
		" \"aws\": {\"resolver\": {\"listeners\": [{\"label\": \"inbound ie-1\", \"dropped_ceiling\": 2200}]}},"
		" \"vpn\": {\"vpn\": [{\"name\": \"tunnel1\", \"drops\": {\"loss\": 20, \"pps\": 10}}]}}";
	assert_int_equal(load_stats_blame(doc, held, 2.0, where, sizeof(where), counter, sizeof(counter), &n), 0);
	assert_string_equal(where, "vpn.vpn[tunnel1]");
	assert_string_equal(counter, "drops.pps");
	assert_int_equal(n, 680);
}

/* ---------------------------------------------------------------- plots */

static void
test_plot_svg(void **state)
{
	struct lg_result res;
	struct load_plot_event ev[] = { { 1.0, "down tunnel1 & <more>", true }, { 2.0, "up tunnel1", false } };
	struct load_plot_info info = { "scenario / profile", ev, 2 };

	(void)state;
	memset(&res, 0, sizeof(res));
	res.n_seconds = 3;
	res.seconds = calloc(3, sizeof(*res.seconds));
	for (size_t t = 0; t < 3; t++) {
		res.seconds[t].sent = 1000;
		res.seconds[t].answered = 990 - 100 * t;
		for (uint64_t i = 0; i < res.seconds[t].answered; i++) {
			hns_hist_add(&res.seconds[t].hist, 1000 * (100 + i * (t + 1)));
			hns_hist_add(&res.response, 1000 * (100 + i * (t + 1)));
			hns_hist_add(&res.service, 1000 * (90 + i * (t + 1)));
		}
	}
	for (int kind = 0; kind < 2; kind++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_int_equal(load_plot_write_svg(f, &res, kind == 0 ? LOAD_PLOT_TIMELINE : LOAD_PLOT_PERCENTILES,
						     &info),
				 0);
		assert_int_equal(fclose(f), 0);
		assert_non_null(strstr(buf, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
		assert_non_null(strstr(buf, "<polyline"));
		assert_non_null(strstr(buf, "</svg>\n"));
		assert_null(strstr(buf, "nan"));
		assert_null(strstr(buf, "inf"));
		if (kind == 0) { /* events marked, their text escaped */
			assert_non_null(strstr(buf, "down tunnel1 &amp; &lt;more&gt;"));
			assert_non_null(strstr(buf, "up tunnel1 (not applied)"));
		} else {
			assert_non_null(strstr(buf, "99.9%"));
		}
		free(buf);
	}
	free(res.seconds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_merge_exact),
		cmocka_unit_test(test_hist_json_bad),
		cmocka_unit_test(test_shard_disjoint),
		cmocka_unit_test(test_shard_parse_and_share),
		cmocka_unit_test(test_findmax_converges),
		cmocka_unit_test(test_findmax_bounds),
		cmocka_unit_test(test_findmax_retry_broken),
		cmocka_unit_test(test_findmax_slo),
		cmocka_unit_test(test_stats_blame),
		cmocka_unit_test(test_plot_svg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
