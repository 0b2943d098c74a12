/*
 * harness/report.c -- gathering the report's evidence (see report.h).
 *
 * Each piece comes from the code that owns it: lint_run, check_run,
 * matrix_build, graph_dot_write and `dot -Tsvg`, and for load the same
 * binary's `load --format json` as a child process (its report and plots
 * are the load command's own; nothing is recomputed here).
 */
#include "config.h"

#include <dirent.h>
#include <jansson.h>
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/plural.h"
#include "harness/check.h"
#include "harness/cli.h"
#include "harness/cmd.h"
#include "harness/graph_dot.h"
#include "harness/lint_report.h"
#include "harness/matrix.h"
#include "harness/report.h"
#include "model/model.h"

extern char **environ;

/* ---------------------------------------------------------------- lint */

static int
report_lint(struct report *r)
{
	size_t len = 0;
	char *src = lint_report_source(r->o->scenario_path, &len);
	int rc = lint_run(r->m, src, len, &r->lint);

	free(src);
	if (rc != 0) {
		fprintf(stderr, "hybridns report: lint: %s\n", hns_strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < r->lint.n; i++) {
		const struct lint_finding *f = &r->lint.v[i];
		if (f->suppressed)
			r->lint_suppressed++;
		else if (f->severity == LINT_ERROR)
			r->lint_errors++;
		else if (f->severity == LINT_WARNING)
			r->lint_warnings++;
		else
			r->lint_info++;
	}
	return 0;
}

/* -------------------------------------------------------------- checks */

static int
report_checks(struct report *r)
{
	struct check_opts o;
	const struct model *m = r->m;

	check_opts_init(&o);
	o.seed = r->o->seed;
	o.seed_given = r->o->seed_given;
	r->checks = calloc(m->n_expects ? m->n_expects : 1, sizeof(*r->checks));
	if (!r->checks)
		return HNS_ENOMEM;
	for (size_t i = 0; i < m->n_expects; i++) {
		int rc = check_run(m, &m->expects[i], &o, &r->checks[i]);
		if (rc != 0) {
			fprintf(stderr, "hybridns report: %s: cannot bring the world up: %s\n",
				m->expects[i].name,
				r->checks[i].verdict.message[0] ? r->checks[i].verdict.message : hns_strerror(rc));
			return rc;
		}
		r->n_checks++;
		r->n_passed += r->checks[i].verdict.pass;
	}
	return 0;
}

/* ------------------------------------------------------------- diagram */

static int
report_diagram(struct report *r)
{
	char dot[4096], *text = NULL, *svg = NULL;
	size_t len = 0, svg_len = 0;
	int rc;

	if (!graph_dot_find(dot, sizeof(dot))) {
		fprintf(stderr, "hybridns report: the diagram needs Graphviz's `dot` on PATH; "
				"install graphviz (apt-get install graphviz)\n");
		return HNS_ENOENT;
	}
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return HNS_ENOMEM;
	rc = graph_dot_write(mem, r->m, NULL);
	if (fclose(mem) != 0 && rc == 0)
		rc = HNS_ENOMEM;
	FILE *out = rc == 0 ? open_memstream(&svg, &svg_len) : NULL;
	if (rc == 0 && !out)
		rc = HNS_ENOMEM;
	if (rc == 0) {
		rc = graph_svg_render(dot, text, len, out);
		if (fclose(out) != 0 && rc == 0)
			rc = HNS_ENOMEM;
	}
	free(text);
	if (rc != 0) {
		free(svg);
		fprintf(stderr, "hybridns report: dot -Tsvg failed: %s\n", hns_strerror(rc));
		return rc;
	}
	/* inline SVG: the element alone, without the XML prolog and DOCTYPE */
	char *start = strstr(svg, "<svg");
	if (!start) {
		free(svg);
		fprintf(stderr, "hybridns report: dot -Tsvg gave no <svg>\n");
		return HNS_EPARSE;
	}
	r->svg_len = svg_len - (size_t)(start - svg);
	memmove(svg, start, r->svg_len + 1);
	r->svg = svg;
	return 0;
}

/* ---------------------------------------------------------------- load */

/* Whether this build's load command has option `name` (load-scale's --plot). */
static bool
report_load_has(const char *name)
{
	for (size_t i = 0; i < cmd_load_cli.n_opts; i++) {
		if (strcmp(cmd_load_cli.opts[i].name, name) == 0)
			return true;
	}
	return false;
}

/* Run this binary's `load` with argv; its exit status (or -1). */
static int
report_load_spawn(char **argv)
{
	pid_t pid;
	int status;

	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The plots load wrote into dir, sorted by name. */
static void
report_load_plots(struct report *r, const char *dir)
{
	struct dirent **ents = NULL;
	char path[4200];
	int n = scandir(dir, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		if (l > 4 && strcmp(nm + l - 4, ".svg") == 0 && r->n_plots < 4) {
			snprintf(path, sizeof(path), "%s/%s", dir, nm);
			size_t len;
			char *svg = lint_report_source(path, &len);
			char *start = svg ? strstr(svg, "<svg") : NULL;
			if (start) {
				memmove(svg, start, strlen(start) + 1);
				r->plots[r->n_plots].svg = svg;
				r->plots[r->n_plots].name = strndup(nm, l - 4);
				r->n_plots++;
			} else {
				free(svg);
			}
			unlink(path);
		}
		free(ents[i]);
	}
	free(ents);
}

static int
report_load(struct report *r)
{
	char dir[] = "/tmp/hybridns-report-XXXXXX", json[64], seed[32], dur[32];
	char *argv[16];
	size_t a = 0;
	bool plot = report_load_has("plot");

	if (!mkdtemp(dir)) {
		fprintf(stderr, "hybridns report: a temporary directory: %s\n", strerror(errno));
		return -errno;
	}
	snprintf(json, sizeof(json), "%s/load.json", dir);
	argv[a++] = (char *)"hybridns";
	argv[a++] = (char *)"load";
	argv[a++] = (char *)r->o->scenario_path;
	argv[a++] = (char *)"--profile";
	argv[a++] = (char *)r->o->load_profile;
	argv[a++] = (char *)"--format";
	argv[a++] = (char *)"json";
	argv[a++] = (char *)"-o";
	argv[a++] = json;
	if (r->o->seed_given) {
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)r->o->seed);
		argv[a++] = (char *)"--seed";
		argv[a++] = seed;
	}
	if (r->o->load_duration_ns) {
		snprintf(dur, sizeof(dur), "%.3f", (double)r->o->load_duration_ns / HNS_NSEC_PER_SEC);
		argv[a++] = (char *)"--duration";
		argv[a++] = dur;
	}
	if (plot) {
		argv[a++] = (char *)"--plot";
		argv[a++] = dir;
	}
	argv[a] = NULL;
	int st = report_load_spawn(argv);
	/* 0 every SLO held, 1 one failed: both are results to report */
	if (st == 0 || st == 1)
		{
		size_t len;
		r->load_json = lint_report_source(json, &len);
	}
	unlink(json);
	if (plot)
		report_load_plots(r, dir);
	rmdir(dir);
	if (!r->load_json) {
		fprintf(stderr, "hybridns report: load --profile %s failed (exit %d)\n", r->o->load_profile, st);
		return st == HNS_EXIT_USAGE ? HNS_EINVAL : HNS_EPARSE;
	}
	return 0;
}

/* ------------------------------------------------------------- the rest */

int
report_gather(struct report *r, const struct model *m, const struct report_opts *o)
{
	struct matrix_opts mo;
	char err[512] = "";
	int rc;

	memset(r, 0, sizeof(*r));
	r->m = m;
	r->o = o;
	snprintf(r->version, sizeof(r->version), "%s", HNS_VERSION);
	if (o->load_profile) {
		bool found = false;
		for (size_t i = 0; i < m->n_loads; i++)
			found |= strcmp(m->loads[i].name, o->load_profile) == 0;
		if (!found) {
			fprintf(stderr, "hybridns report: --load: no load profile '%s' in %s\n",
				o->load_profile, m->file);
			return HNS_EINVAL;
		}
	}
	if ((rc = report_lint(r)) != 0 || (rc = report_checks(r)) != 0 || (rc = report_diagram(r)) != 0)
		return rc;
	matrix_opts_init(&mo);
	mo.seed = o->seed;
	mo.seed_given = o->seed_given;
	if ((rc = matrix_build(m, NULL, &mo, &r->mx, err, sizeof(err))) != 0) {
		fprintf(stderr, "hybridns report: the matrix: %s\n", err[0] ? err : hns_strerror(rc));
		return rc;
	}
	if (o->load_profile && (rc = report_load(r)) != 0)
		return rc;
	return 0;
}

void
report_deinit(struct report *r)
{
	if (r->m)
		lint_findings_deinit(&r->lint);
	free(r->checks);
	matrix_free(r->mx);
	free(r->svg);
	free(r->load_json);
	for (size_t i = 0; i < r->n_plots; i++) {
		free(r->plots[i].name);
		free(r->plots[i].svg);
	}
	memset(r, 0, sizeof(*r));
}

size_t
report_summary_counts(const struct model *m, const char **what, size_t *n)
{
	static const char *const names[REPORT_SUMMARY_ROWS] = {
		"VPCs", "interface and gateway endpoints", "Route 53 Resolver endpoints",
		"resolver rules", "hosted zones", "on-prem resolvers", "VPN tunnels", "expectations",
		"load profiles",
	};
	size_t counts[REPORT_SUMMARY_ROWS] = { m->n_vpcs, m->n_endpoints, m->n_resolver_endpoints,
					       m->n_rules, m->n_zones, m->onprem.n_resolvers,
					       m->vpn.n_tunnels, m->n_expects, m->n_loads };

	memcpy(what, names, sizeof(names));
	memcpy(n, counts, sizeof(counts));
	return REPORT_SUMMARY_ROWS;
}

const char *
report_verdict(const struct report *r, char *buf, size_t len)
{
	snprintf(buf, len, "%zu of %zu %s; lint: %zu %s, %zu %s, %zu info, %zu suppressed", r->n_passed,
		 r->n_checks, HNS_PLURAL(r->n_checks, "expectation holds", "expectations hold"), r->lint_errors,
		 HNS_PLURAL(r->lint_errors, "error", "errors"), r->lint_warnings,
		 HNS_PLURAL(r->lint_warnings, "warning", "warnings"), r->lint_info, r->lint_suppressed);
	return buf;
}

bool
report_failed(const struct report *r)
{
	return r->n_passed < r->n_checks || r->lint_errors > 0;
}

int
report_write_svg(const struct report *r, FILE *out)
{
	if (fwrite(r->svg, 1, r->svg_len, out) != r->svg_len)
		return -EIO;
	return 0;
}

const char *
report_hop_time(const struct check_result *c, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f", hns_time_ms(c->hops[i].t - c->hops[0].t));
	return buf;
}

bool
report_hop_repeats(const struct check_result *c, size_t i)
{
	return i > 0 && strcmp(c->hops[i].hop, c->hops[i - 1].hop) == 0 &&
	       strcmp(c->hops[i].detail, c->hops[i - 1].detail) == 0;
}

const char *
report_answers(const struct check_result *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!c->obs.answered) {
		snprintf(buf, len, "timeout: %s", c->obs.error);
		return buf;
	}
	if (c->obs.n_values == 0)
		snprintf(buf, len, "%s, no answer", DNS_RCODE_NAME((unsigned)c->obs.rcode));
	for (size_t i = 0; i < c->obs.n_values && o + 1 < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i ? " " : "", c->obs.values[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

/* ------------------------------------------------------- load as rows */

static const char *
report_json_text(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.4g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		snprintf(buf, len, "-");
	return buf;
}

static void
report_load_profile(json_t *p, report_row_fn *fn, void *ctx, int table)
{
	static const char *const run_keys[] = { "profile", "status", "from", "qps", "duration_s",
						"sent", "answered", "loss" };
	static const char *const lat_keys[] = { "p50", "p90", "p99", "p999", "max" };
	char cells[16][256];
	const char *row[16];
	size_t n = 0;

	if (table == 0) {
		for (size_t k = 0; k < sizeof(run_keys) / sizeof(run_keys[0]); k++, n++)
			row[n] = report_json_text(json_object_get(p, run_keys[k]), cells[n], sizeof(cells[n]));
		json_t *lat = json_object_get(p, "latency_ms");
		for (size_t k = 0; k < sizeof(lat_keys) / sizeof(lat_keys[0]); k++, n++)
			row[n] = report_json_text(json_object_get(lat, lat_keys[k]), cells[n], sizeof(cells[n]));
		fn(ctx, 0, false, row, n);
		return;
	}
	size_t i;
	json_t *slo;
	json_array_foreach(json_object_get(p, "slo"), i, slo) {
		static const char *const slo_keys[] = { "name", "status", "limit", "value" };
		row[0] = report_json_text(json_object_get(p, "profile"), cells[0], sizeof(cells[0]));
		for (n = 1; n <= 4; n++)
			row[n] = report_json_text(json_object_get(slo, slo_keys[n - 1]), cells[n], sizeof(cells[n]));
		fn(ctx, 1, false, row, 5);
	}
}

int
report_load_rows(const struct report *r, report_row_fn *fn, void *ctx)
{
	static const char *const run_head[] = { "profile", "status", "from", "qps", "duration s",
						"sent", "answered", "loss", "p50 ms", "p90 ms",
						"p99 ms", "p99.9 ms", "max ms" };
	static const char *const slo_head[] = { "profile", "SLO", "status", "limit", "value" };
	json_error_t jerr;
	json_t *doc = r->load_json ? json_loads(r->load_json, 0, &jerr) : NULL;
	json_t *profiles = doc ? json_object_get(doc, "profiles") : NULL;
	json_t *p;
	size_t i;

	if (!json_is_array(profiles)) {
		json_decref(doc);
		return HNS_EPARSE;
	}
	fn(ctx, 0, true, run_head, sizeof(run_head) / sizeof(run_head[0]));
	json_array_foreach(profiles, i, p)
		report_load_profile(p, fn, ctx, 0);
	fn(ctx, 1, true, slo_head, sizeof(slo_head) / sizeof(slo_head[0]));
	json_array_foreach(profiles, i, p)
		report_load_profile(p, fn, ctx, 1);
	json_decref(doc);
	return 0;
}
