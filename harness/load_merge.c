/*
 * harness/load_merge.c -- `hybridns load merge`, and the place of loss in
 * a stats document.  See load_merge.h.  jansson reads the reports and
 * writes the merged one (the merged report has the shape of a `load`
 * report, so merged reports merge again).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/plural.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/load_merge.h"

/*
 * LOAD_HIST_LAYOUT of harness/load_report.h (that header brings
 * harness/json.h, whose names clash with jansson's).
 */
#define MERGE_LAYOUT "log16-us-512"

struct merge_opts {
	int format; /* 0 text, 1 json */
	const char *output;
};

/* The counters of a profile that add up across runs. */
static const char *const merge_sum_uint[] = {
	"intended", "sent", "sent_late", "answered", "lost", "late", "behind", "send_errors",
	"unmatched", "bad_answers", "workers", "sockets",
};
static const char *const merge_sum_real[] = { "qps", "achieved_qps" };
static const char *const merge_timeline_uint[] = { "sent", "answered", "lost", "bad_answers" };
static const char *const merge_mix_uint[] = { "sent", "answered", "lost" };
static const char *const merge_tcp_uint[] = { "sent", "answered", "reconnects" };

/* ----------------------------------------------------------- histograms */

static int
hist_read(const json_t *v, struct hns_hist *h, char *err, size_t err_len)
{
	static const char *const keys[] = { "count", "sum_ns", "min_ns", "max_ns" };
	const json_t *b = json_object_get(v, "buckets");
	uint64_t *field[] = { &h->count, &h->sum_ns, &h->min_ns, &h->max_ns };
	size_t i;
	json_t *pair;
	uint64_t total = 0;

	memset(h, 0, sizeof(*h));
	if (!json_is_object(v) || !json_is_array(b)) {
		snprintf(err, err_len, "histogram: want an object with \"buckets\"");
		return -1;
	}
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
		const json_t *n = json_object_get(v, keys[k]);

		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			snprintf(err, err_len, "histogram: \"%s\" is missing or not a count", keys[k]);
			return -1;
		}
		*field[k] = (uint64_t)json_integer_value(n);
	}
	json_array_foreach(b, i, pair) {
		json_int_t k = json_integer_value(json_array_get(pair, 0));
		json_int_t n = json_integer_value(json_array_get(pair, 1));

		if (json_array_size(pair) != 2 || !json_is_integer(json_array_get(pair, 0)) ||
		    !json_is_integer(json_array_get(pair, 1)) || k < 0 || k >= HNS_HIST_BUCKETS || n < 0) {
			snprintf(err, err_len, "histogram: buckets[%zu]: want [index 0-%d, count >= 0]", i,
				 HNS_HIST_BUCKETS - 1);
			return -1;
		}
		h->b[k] += (uint64_t)n;
		total += (uint64_t)n;
	}
	if (total != h->count) {
		snprintf(err, err_len, "histogram: the buckets hold %" PRIu64 " values, count says %" PRIu64,
			 total, h->count);
		return -1;
	}
	return 0;
}

int
load_hist_json_read(const char *json, struct hns_hist *h, char *err, size_t err_len)
{
	json_error_t je;
	json_t *v = json_loads(json, 0, &je);
	int rc;

	if (v == NULL) {
		snprintf(err, err_len, "%d:%d: %s", je.line, je.column, je.text);
		return -1;
	}
	rc = hist_read(v, h, err, err_len);
	json_decref(v);
	return rc;
}

static json_t *
hist_json(const struct hns_hist *h)
{
	json_t *b = json_array();

	for (size_t i = 0; i < HNS_HIST_BUCKETS; i++) {
		if (h->b[i] != 0)
			json_array_append_new(b, json_pack("[II]", (json_int_t)i, (json_int_t)h->b[i]));
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:o}", "count", (json_int_t)h->count, "sum_ns", (json_int_t)h->sum_ns,
			 "min_ns", (json_int_t)h->min_ns, "max_ns", (json_int_t)h->max_ns, "buckets", b);
}

/* ---------------------------------------------------------------- files */

static int
merge_fail(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
merge_fail(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hybridns load merge: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return HNS_EXIT_USAGE;
}

static int
merge_load(const char *path, json_t **out)
{
	json_error_t je;
	json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *ps;

	*out = NULL;
	if (v == NULL) {
		if (je.line <= 0)
			return merge_fail(path, "%s", je.text);
		fprintf(stderr, "hybridns load merge: %s:%d:%d: %s\n", path, je.line, je.column, je.text);
		return HNS_EXIT_USAGE;
	}
	ps = json_object_get(v, "profiles");
	if (!json_is_object(v) || !json_is_string(json_object_get(v, "scenario")) || !json_is_array(ps) ||
	    json_array_size(ps) == 0) {
		json_decref(v);
		return merge_fail(path, "not a `hybridns load --format json` report (no \"scenario\" or \"profiles\")");
	}
	*out = v;
	return 0;
}

static const char *
prof_name(const json_t *p)
{
	const char *n = json_string_value(json_object_get(p, "profile"));

	return n ? n : "?";
}

/* Whether b can be added to a (the first file): same scenario, profiles and durations. */
static int
merge_check(const char *pa, const json_t *a, const char *pb, const json_t *b)
{
	const json_t *A = json_object_get(a, "profiles"), *B = json_object_get(b, "profiles");

	if (strcmp(json_string_value(json_object_get(a, "scenario")),
		   json_string_value(json_object_get(b, "scenario"))) != 0)
		return merge_fail(pb, "scenario '%s', but %s ran '%s'",
				  json_string_value(json_object_get(b, "scenario")), pa,
				  json_string_value(json_object_get(a, "scenario")));
	if (json_array_size(A) != json_array_size(B))
		return merge_fail(pb, "%zu profiles, but %s has %zu", json_array_size(B), pa, json_array_size(A));
	for (size_t i = 0; i < json_array_size(A); i++) {
		const json_t *x = json_array_get(A, i), *y = json_array_get(B, i);
		const json_t *dx = json_object_get(x, "duration_s"), *dy = json_object_get(y, "duration_s");

		if (!json_is_object(y) || strcmp(prof_name(x), prof_name(y)) != 0)
			return merge_fail(pb, "profiles[%zu] is '%s', but %s has '%s' there", i, prof_name(y), pa,
					  prof_name(x));
		if (!json_is_number(dy) || json_number_value(dx) != json_number_value(dy))
			return merge_fail(pb, "profile '%s' ran %g s, but %s ran %g s: runs of different lengths do not add up",
					  prof_name(y), json_number_value(dy), pa, json_number_value(dx));
	}
	return 0;
}

/* ------------------------------------------------------------- counters */

static int
sum_uints(json_t *into, const json_t *from, const char *const *keys, size_t n, const char *path,
	  const char *where)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_object_get(into, keys[i]), *b = json_object_get(from, keys[i]);

		if (!json_is_integer(a) || !json_is_integer(b) || json_integer_value(b) < 0)
			return merge_fail(path, "%s: \"%s\" is missing or not a count", where, keys[i]);
		json_object_set_new(into, keys[i], json_integer(json_integer_value(a) + json_integer_value(b)));
	}
	return 0;
}

static int
sum_reals(json_t *into, const json_t *from, const char *const *keys, size_t n, const char *path,
	  const char *where)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_object_get(into, keys[i]), *b = json_object_get(from, keys[i]);

		if (!json_is_number(a) || !json_is_number(b))
			return merge_fail(path, "%s: \"%s\" is missing or not a number", where, keys[i]);
		json_object_set_new(into, keys[i], json_real(json_number_value(a) + json_number_value(b)));
	}
	return 0;
}

static int
sum_rcodes(json_t *into, const json_t *from, const char *path, const char *where)
{
	json_t *a = json_object_get(into, "rcodes");
	const json_t *b = json_object_get(from, "rcodes"), *v;
	const char *k;

	if (!json_is_object(a) || !json_is_object(b))
		return merge_fail(path, "%s: no \"rcodes\" object", where);
	json_object_foreach((json_t *)b, k, v) {
		if (!json_is_integer(v))
			return merge_fail(path, "%s: rcodes.%s is not a count", where, k);
		json_object_set_new(a, k, json_integer(json_integer_value(json_object_get(a, k)) +
						       json_integer_value(v)));
	}
	return 0;
}

/* Read the histogram o[key] and add it to acc. */
static int
hist_add(struct hns_hist *acc, const json_t *o, const char *key, const char *path, const char *where)
{
	struct hns_hist h;
	char err[160];

	if (json_object_get(o, key) == NULL)
		return merge_fail(path, "%s: no \"%s\" histogram (a report without bucket counts cannot be merged exactly)",
				  where, key);
	if (hist_read(json_object_get(o, key), &h, err, sizeof(err)) != 0)
		return merge_fail(path, "%s: %s: %s", where, key, err);
	hns_hist_merge(acc, &h);
	return 0;
}

/* Sum the entries of array `key` index by index (the same length in both). */
static int
sum_array(json_t *into, const json_t *from, const char *key, const char *const *keys, size_t n,
	  const char *path, const char *prof)
{
	const json_t *a = json_object_get(into, key), *b = json_object_get(from, key);
	char where[160];
	int rc;

	if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b))
		return merge_fail(path, "profile '%s': \"%s\" has %zu entries, the others %zu", prof, key,
				  json_array_size(b), json_array_size(a));
	for (size_t i = 0; i < json_array_size(a); i++) {
		snprintf(where, sizeof(where), "profile '%s': %s[%zu]", prof, key, i);
		if ((rc = sum_uints(json_array_get(a, i), json_array_get(b, i), keys, n, path, where)) != 0)
			return rc;
	}
	return 0;
}

/* Add profile `from` (of file path) into `into`, which holds the sum so far. */
static int
merge_profile(json_t *into, const json_t *from, const char *path)
{
	char where[160];
	int rc;

	snprintf(where, sizeof(where), "profile '%s'", prof_name(from));
	if ((rc = sum_uints(into, from, merge_sum_uint, sizeof(merge_sum_uint) / sizeof(*merge_sum_uint),
			    path, where)) != 0 ||
	    (rc = sum_reals(into, from, merge_sum_real, sizeof(merge_sum_real) / sizeof(*merge_sum_real),
			    path, where)) != 0 ||
	    (rc = sum_rcodes(into, from, path, where)) != 0 ||
	    (rc = sum_array(into, from, "timeline", merge_timeline_uint,
			    sizeof(merge_timeline_uint) / sizeof(*merge_timeline_uint), path, prof_name(from))) != 0)
		return rc;
	if (json_object_get(into, "tcp") != NULL || json_object_get(from, "tcp") != NULL) {
		snprintf(where, sizeof(where), "profile '%s': tcp", prof_name(from));
		rc = sum_uints(json_object_get(into, "tcp"), json_object_get(from, "tcp"), merge_tcp_uint,
			       sizeof(merge_tcp_uint) / sizeof(*merge_tcp_uint), path, where);
		if (rc != 0)
			return rc;
	}
	return sum_array(into, from, "mix", merge_mix_uint, sizeof(merge_mix_uint) / sizeof(*merge_mix_uint),
			 path, prof_name(from));
}

static double
hist_ms(const struct hns_hist *h, double q)
{
	return (double)hns_hist_quantile(h, q) / 1e6;
}

static double
num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

/* Judge the profile's SLOs again on the sums (the limits are in the report). */
static bool
merge_rejudge(json_t *p, const struct hns_hist *h)
{
	json_t *slos = json_object_get(p, "slo"), *s;
	double sent = num(p, "intended"), answered = num(p, "answered"), bad = num(p, "bad_answers");
	bool all = true;
	size_t i;

	json_array_foreach(slos, i, s) {
		const char *n = json_string_value(json_object_get(s, "name"));
		const char *l = json_string_value(json_object_get(s, "limit"));
		double lim = l ? strtod(l, NULL) : 0, v = 0;
		const char *unit = " ms";
		bool pass, known = true;
		char text[80];

		if (n == NULL)
			n = "";
		if (strcmp(n, "p50_ms") == 0 || strcmp(n, "p99_ms") == 0 || strcmp(n, "p999_ms") == 0) {
			v = hist_ms(h, n[2] == '0' ? 0.5 : n[3] == '9' ? 0.999 : 0.99);
			pass = h->count > 0 && v <= lim;
		} else if (strcmp(n, "max_loss") == 0) {
			v = num(p, "loss") * 100;
			unit = "%";
			pass = sent > 0 && v <= lim;
		} else if (strcmp(n, "min_qps") == 0) {
			v = num(p, "achieved_qps");
			unit = " qps";
			pass = v >= lim;
		} else if (strcmp(n, "answers") == 0) {
			pass = answered > 0 && bad == 0;
			snprintf(text, sizeof(text), "%.0f of %.0f replies did not match", bad, answered);
			known = false;
		} else { /* a verdict merge cannot recompute stays as the first run gave it */
			pass = strcmp(json_string_value(json_object_get(s, "status")) ?: "", "pass") == 0;
			all &= pass;
			continue;
		}
		if (known)
			snprintf(text, sizeof(text), "%.3f%s", v, unit);
		json_object_set_new(s, "value", json_string(text));
		json_object_set_new(s, "status", json_string(pass ? "pass" : "fail"));
		all &= pass;
	}
	json_object_set_new(p, "status", json_string(all ? "pass" : "fail"));
	return all;
}

static json_t *
latency_json(const struct hns_hist *h)
{
	return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f}", "p50", hist_ms(h, 0.5), "p90", hist_ms(h, 0.9), "p99",
			 hist_ms(h, 0.99), "p999", hist_ms(h, 0.999), "max", (double)h->max_ns / 1e6, "mean",
			 hns_hist_mean_ms(h));
}

/*
 * The histograms of a profile, in one array: response, service, then one
 * per second of the timeline, then one per mix entry.
 */
struct merge_hists {
	struct hns_hist *h;
	size_t nt, nm;
};

/* The sums' derived fields: loss, percentiles, histograms, verdicts. */
static bool
merge_finish_profile(json_t *p, const struct merge_hists *mh)
{
	json_t *tl = json_object_get(p, "timeline"), *mix = json_object_get(p, "mix");
	double intended = num(p, "intended");

	json_object_set_new(p, "loss", json_real(intended > 0 ? num(p, "lost") / intended : 0));
	json_object_set_new(p, "latency_ms", latency_json(&mh->h[0]));
	json_object_set_new(p, "service_ms", latency_json(&mh->h[1]));
	json_object_set_new(p, "histograms", json_pack("{s:s,s:o,s:o}", "layout", MERGE_LAYOUT, "response",
						       hist_json(&mh->h[0]), "service", hist_json(&mh->h[1])));
	for (size_t t = 0; t < mh->nt; t++) {
		json_t *s = json_array_get(tl, t);

		json_object_set_new(s, "p99_ms", json_real(hist_ms(&mh->h[2 + t], 0.99)));
		json_object_set_new(s, "response", hist_json(&mh->h[2 + t]));
	}
	for (size_t k = 0; k < mh->nm; k++) {
		json_t *e = json_array_get(mix, k);
		const struct hns_hist *h = &mh->h[2 + mh->nt + k];

		json_object_set_new(e, "p50_ms", json_real(hist_ms(h, 0.5)));
		json_object_set_new(e, "p99_ms", json_real(hist_ms(h, 0.99)));
		json_object_set_new(e, "response", hist_json(h));
	}
	/* the components' counters of in-process runs do not add (peaks, headroom): not merged */
	json_object_set_new(p, "components", json_pack("n")); /* not json_null(): see json_string() */
	json_object_del(p, "shard");
	return merge_rejudge(p, &mh->h[0]);
}

/* A shard given twice is a mistake (the same output file copied, a pod run twice). */
static int
merge_shards(json_t *const *roots, char *const *paths, size_t n)
{
	for (size_t a = 0; a < n; a++) {
		const json_t *sa = json_object_get(json_array_get(json_object_get(roots[a], "profiles"), 0), "shard");

		for (size_t b = 0; sa != NULL && b < a; b++) {
			const json_t *sb = json_object_get(json_array_get(json_object_get(roots[b], "profiles"), 0), "shard");

			if (sb != NULL && json_equal((json_t *)sa, (json_t *)sb))
				return merge_fail(paths[a], "shard %" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT " again (%s is the same shard)",
						  json_integer_value(json_object_get(sa, "index")),
						  json_integer_value(json_object_get(sa, "count")), paths[b]);
		}
	}
	return 0;
}

/* Add every histogram of profile pf (of file path) into mh. */
static int
merge_hists_add(struct merge_hists *mh, const json_t *pf, const char *path)
{
	const json_t *hs = json_object_get(pf, "histograms");
	const char *layout = json_string_value(json_object_get(hs, "layout"));
	char where[160];
	int rc;

	snprintf(where, sizeof(where), "profile '%s'", prof_name(pf));
	if (layout == NULL || strcmp(layout, MERGE_LAYOUT) != 0)
		return merge_fail(path, "%s: histograms.layout is %s%s%s, not \"%s\" (another bucket layout does not add up)",
				  where, layout ? "\"" : "", layout ? layout : "missing", layout ? "\"" : "", MERGE_LAYOUT);
	if ((rc = hist_add(&mh->h[0], hs, "response", path, where)) != 0 ||
	    (rc = hist_add(&mh->h[1], hs, "service", path, where)) != 0)
		return rc;
	for (size_t t = 0; t < mh->nt; t++) {
		snprintf(where, sizeof(where), "profile '%s': timeline[%zu]", prof_name(pf), t);
		if ((rc = hist_add(&mh->h[2 + t], json_array_get(json_object_get(pf, "timeline"), t), "response",
				   path, where)) != 0)
			return rc;
	}
	for (size_t k = 0; k < mh->nm; k++) {
		snprintf(where, sizeof(where), "profile '%s': mix[%zu]", prof_name(pf), k);
		if ((rc = hist_add(&mh->h[2 + mh->nt + k], json_array_get(json_object_get(pf, "mix"), k),
				   "response", path, where)) != 0)
			return rc;
	}
	return 0;
}

static int
merge_all(json_t *const *roots, char *const *paths, size_t n, json_t *out, size_t *passed)
{
	json_t *ps = json_object_get(out, "profiles");
	int rc = 0;

	*passed = 0;
	for (size_t i = 0; i < json_array_size(ps) && rc == 0; i++) {
		json_t *into = json_array_get(ps, i);
		struct merge_hists mh = { NULL, json_array_size(json_object_get(into, "timeline")),
					  json_array_size(json_object_get(into, "mix")) };

		if ((mh.h = calloc(2 + mh.nt + mh.nm, sizeof(*mh.h))) == NULL)
			return HNS_EXIT_RUNTIME;
		for (size_t f = 0; f < n && rc == 0; f++) {
			const json_t *pf = json_array_get(json_object_get(roots[f], "profiles"), i);

			if (f > 0)
				rc = merge_profile(into, pf, paths[f]);
			if (rc == 0)
				rc = merge_hists_add(&mh, pf, paths[f]);
		}
		if (rc == 0)
			*passed += merge_finish_profile(into, &mh);
		free(mh.h);
	}
	return rc;
}

/* ---------------------------------------------------------------- output */

static void
merge_text(FILE *out, const json_t *root)
{
	const json_t *ps = json_object_get(root, "profiles"), *p, *from = json_object_get(root, "merged_from");
	size_t i, k;

	fprintf(out, "merged %zu %s of %s\n", json_array_size(from),
		HNS_PLURAL(json_array_size(from), "report", "reports"),
		json_string_value(json_object_get(root, "scenario")));
	json_array_foreach(ps, i, p) {
		const json_t *lat = json_object_get(p, "latency_ms"), *s, *v;
		const char *rc;

		fprintf(out, "%s: %.0f qps for %.1f s from %" JSON_INTEGER_FORMAT " sockets\n", prof_name(p),
			num(p, "qps"), num(p, "duration_s"), json_integer_value(json_object_get(p, "sockets")));
		fprintf(out, "  sent %.0f  answered %.0f  lost %.0f (%.3f%%)  late %.0f  achieved %.0f qps\n",
			num(p, "sent"), num(p, "answered"), num(p, "lost"), num(p, "loss") * 100, num(p, "late"),
			num(p, "achieved_qps"));
		fprintf(out, "  rcodes:");
		json_object_foreach((json_t *)json_object_get(p, "rcodes"), rc, v)
			fprintf(out, " %s %" JSON_INTEGER_FORMAT, rc, json_integer_value(v));
		fprintf(out, "\n  latency (merged histogram): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms\n",
			num(lat, "p50"), num(lat, "p90"), num(lat, "p99"), num(lat, "p999"), num(lat, "max"));
		json_array_foreach(json_object_get(p, "slo"), k, s) {
			bool ok = strcmp(json_string_value(json_object_get(s, "status")) ?: "", "pass") == 0;

			fprintf(out, " %s %-8s %-24s %s\n", ok ? "\u2713" : "\u2717",
				json_string_value(json_object_get(s, "name")),
				json_string_value(json_object_get(s, "limit")),
				json_string_value(json_object_get(s, "value")));
		}
		fprintf(out, "  %s\n", json_array_size(json_object_get(p, "slo")) == 0 ? "no SLOs given" :
				       strcmp(json_string_value(json_object_get(p, "status")), "pass") == 0 ?
									   "all SLOs held" : "SLO failed");
	}
}

static const struct cli_opt merge_cli_opts[] = {
	CLI_OPT_FORMAT(struct merge_opts, format, "text|json"),
	CLI_OPT_OUTPUT(struct merge_opts, output),
};

const struct cli_command cmd_load_merge_cli = CLI_COMMAND(
	"load merge", "REPORT.json REPORT.json...",
	"Adds the JSON reports of several `load` runs of the same scenario (the shards of\n"
	"`load --shard I/N`, or runs on several machines): counters summed, latency\n"
	"histograms added bucket by bucket, percentiles and SLOs taken from the sum.\n",
	merge_cli_opts, 1, 4096);

static int
merge_write(const struct merge_opts *o, json_t *out)
{
	FILE *f = stdout;
	int status = HNS_EXIT_OK;

	if (o->output != NULL && (f = fopen(o->output, "w")) == NULL) {
		fprintf(stderr, "hybridns load merge: -o %s: %s\n", o->output, strerror(errno));
		return HNS_EXIT_RUNTIME;
	}
	if (o->format == 1) {
		if (json_dumpf(out, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0)
			status = HNS_EXIT_RUNTIME;
		fputc('\n', f);
	} else {
		merge_text(f, out);
	}
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0)
		status = HNS_EXIT_RUNTIME;
	return status;
}

int
cmd_load_merge(int argc, char **argv)
{
	struct merge_opts o = { 0 };
	json_t **roots = NULL, *out = NULL, *from;
	size_t passed = 0, n;
	char **args;
	int n_args, status;

	if ((status = cli_parse(&cmd_load_merge_cli, argc, argv, &o, &args, &n_args)) >= 0)
		return status;
	n = (size_t)n_args;
	roots = calloc(n, sizeof(*roots));
	if (roots == NULL)
		return HNS_EXIT_RUNTIME;
	for (size_t i = 0; i < n; i++) {
		if ((status = merge_load(args[i], &roots[i])) != 0 ||
		    (i > 0 && (status = merge_check(args[0], roots[0], args[i], roots[i])) != 0))
			goto out;
	}
	if ((status = merge_shards(roots, args, n)) != 0)
		goto out;
	out = json_deep_copy(roots[0]);
	from = json_array();
	for (size_t i = 0; from != NULL && i < n; i++)
		json_array_append_new(from, json_string(args[i]));
	if (out == NULL || json_object_set_new(out, "merged_from", from) != 0) {
		status = HNS_EXIT_RUNTIME;
		goto out;
	}
	if ((status = merge_all(roots, args, n, out, &passed)) != 0)
		goto out;
	n = json_array_size(json_object_get(out, "profiles"));
	json_object_set_new(out, "passed", json_integer((json_int_t)passed));
	json_object_set_new(out, "failed", json_integer((json_int_t)(n - passed)));
	status = merge_write(&o, out);
	if (status == HNS_EXIT_OK && passed < n)
		status = HNS_EXIT_FAILED;
out:
	for (size_t i = 0; i < (size_t)n_args; i++)
		json_decref(roots[i]);
	free(roots);
	json_decref(out);
	return status;
}

/* ------------------------------------------------------- place of loss */

/*
 * Counters that count queries or packets a component dropped, refused or
 * failed.  A cause (a ceiling, a full table, a tunnel's drops) is blamed
 * before a symptom (an upstream's timeouts, which count the drops of the
 * next hop once more).
 */
static const struct {
	const char *prefix;
	int rank; /* 1 cause, 0 symptom */
} blame_keys[] = {
	{ "dropped", 1 },	  { "drops", 1 },	    { "refused", 1 },  { "table_full", 1 },
	{ "send_errors", 1 },	  { "flow_evictions", 1 }, { "timeouts", 0 }, { "upstream_timeouts", 0 },
	{ "servfail", 0 },
};

/* The rank of a counter key, -1 when it does not count losses. */
static int
blame_key(const char *k)
{
	for (size_t i = 0; i < sizeof(blame_keys) / sizeof(*blame_keys); i++) {
		if (strncmp(k, blame_keys[i].prefix, strlen(blame_keys[i].prefix)) == 0)
			return blame_keys[i].rank;
	}
	return -1;
}

struct blame {
	const json_t *base; /* the document of the run that held, or NULL */
	double scale;
	char where[256], counter[96];
	uint64_t n;
	int rank;
};

/* The same counter in the base document: its path is that of v in the walked one. */
static double
blame_base(const json_t *base, const char *where, const char *key, const char *sub)
{
	const json_t *v = base;
	char path[256], *save = NULL;

	if (base == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s", where);
	for (char *t = strtok_r(path, ".", &save); t != NULL && v != NULL; t = strtok_r(NULL, ".", &save)) {
		char *br = strchr(t, '[');
		const json_t *found = NULL;
		size_t i;
		json_t *e;

		if (br != NULL)
			*br = '\0';
		v = json_object_get(v, t);
		if (br == NULL)
			continue;
		br[strlen(br + 1)] = '\0'; /* "[label]" -> "label" */
		json_array_foreach((json_t *)v, i, e) {
			const char *l = json_string_value(json_object_get(e, "label")) ?: json_string_value(json_object_get(e, "name"));
			char idx[24];

			snprintf(idx, sizeof(idx), "%zu", i);
			if (strcmp(l ? l : idx, br + 1) == 0) {
				found = e;
				break;
			}
		}
		v = found;
	}
	v = json_object_get(v, key);
	if (sub != NULL)
		v = json_object_get(v, sub);
	return json_is_integer(v) ? (double)json_integer_value(v) : 0;
}

static void
blame_take(struct blame *b, const char *where, const char *key, const char *sub, json_int_t v)
{
	double excess = (double)v - b->scale * blame_base(b->base, where, key, sub);
	int rank = blame_key(key);

	if (v <= 0 || excess < 1 || (b->n > 0 && (rank < b->rank || (rank == b->rank && (uint64_t)excess <= b->n))))
		return;
	b->n = (uint64_t)excess;
	b->rank = rank;
	snprintf(b->where, sizeof(b->where), "%s", where);
	snprintf(b->counter, sizeof(b->counter), "%s%s%s", key, sub ? "." : "", sub ? sub : "");
}

static void blame_walk(struct blame *b, const json_t *v, const char *where, unsigned depth);

static void
blame_object(struct blame *b, const json_t *o, const char *where, unsigned depth)
{
	const char *k, *sk;
	json_t *v, *sv;
	char path[256];

	json_object_foreach((json_t *)o, k, v) {
		if (json_is_integer(v) && blame_key(k) >= 0) {
			blame_take(b, where, k, NULL, json_integer_value(v));
		} else if (json_is_object(v) && blame_key(k) >= 0) { /* "drops": {"loss": n, "mtu": n} */
			json_object_foreach(v, sk, sv)
				if (json_is_integer(sv))
					blame_take(b, where, k, sk, json_integer_value(sv));
		} else if (json_is_object(v) || json_is_array(v)) {
			snprintf(path, sizeof(path), "%s%s%s", where, where[0] ? "." : "", k);
			blame_walk(b, v, path, depth + 1);
		}
	}
}

static void
blame_walk(struct blame *b, const json_t *v, const char *where, unsigned depth)
{
	char path[256];
	size_t i;
	json_t *e;

	if (depth > 16)
		return;
	if (json_is_object(v)) {
		blame_object(b, v, where, depth);
		return;
	}
	json_array_foreach((json_t *)v, i, e) { /* an element is named by its label */
		const char *l = json_string_value(json_object_get(e, "label"));

		if (l == NULL)
			l = json_string_value(json_object_get(e, "name"));
		if (l != NULL)
			snprintf(path, sizeof(path), "%s[%s]", where, l);
		else
			snprintf(path, sizeof(path), "%s[%zu]", where, i);
		blame_walk(b, e, path, depth + 1);
	}
}

int
load_stats_blame(const char *json, const char *base, double scale, char *where, size_t where_len,
		 char *counter, size_t counter_len, uint64_t *n)
{
	json_t *v = json_loads(json, 0, NULL);
	json_t *bv = base ? json_loads(base, 0, NULL) : NULL;
	struct blame b = { .base = bv, .scale = scale, .n = 0 };

	*n = 0;
	if (v == NULL) {
		json_decref(bv);
		return -1;
	}
	blame_walk(&b, v, "", 0);
	json_decref(v);
	json_decref(bv);
	*n = b.n;
	snprintf(where, where_len, "%s", b.n ? b.where : "");
	snprintf(counter, counter_len, "%s", b.n ? b.counter : "");
	return 0;
}
