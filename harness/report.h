/*
 * harness/report.h -- the change review's evidence in one file
 * (`hybridns report SCENARIO -o report.html|report.md`).
 *
 * report_gather() collects everything the other commands say about a
 * scenario, from the same code and in the same words as their JSON
 * outputs: the scenario's summary, lint's findings (lint_run), every
 * expectation's verdict with its hops (check_run, one world each, as
 * `check` runs them), the resolution matrix (matrix_build, as `matrix`),
 * the topology diagram (graph_dot_write rendered by Graphviz, as `graph
 * --format svg`) and, with a load profile, `hybridns load --format json`
 * of that profile (run as a child process of the same binary, with its
 * SVG plots when this build's load has --plot).  The writers then render
 * it: HTML as one self-contained page (inline CSS and SVG, nothing to
 * fetch), Markdown as GitHub-flavoured tables with the diagram written as
 * an SVG file beside it.  docs/review.md describes the sections.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lint/lint.h"

struct model;
struct matrix;
struct check_result;

struct report_opts {
	const char *scenario_path; /* as given on the command line */
	const char *load_profile;  /* NULL: no load section */
	uint64_t load_duration_ns; /* 0: the profile's */
	uint64_t seed;
	bool seed_given;
};

/* A plot of the load run, an SVG document (load-scale's --plot). */
struct report_plot {
	char *name; /* "steady-timeline" */
	char *svg;
};

struct report {
	const struct model *m; /* not owned */
	const struct report_opts *o;
	struct lint_findings lint;
	size_t lint_errors, lint_warnings, lint_info, lint_suppressed;
	struct check_result *checks; /* m->n_expects of them */
	size_t n_checks, n_passed;
	struct matrix *mx;
	char *svg; /* the diagram: the <svg> element only (no XML prolog) */
	size_t svg_len;
	/* --load: the JSON of `hybridns load --format json` (text) and its plots */
	char *load_json;
	struct report_plot plots[4];
	size_t n_plots;
	char version[32];
};

/*
 * Fill r (report_deinit) for m.  Returns 0, or a negative hns_err after a
 * message on stderr: a world or Graphviz that could not run (exit 3), an
 * unknown load profile (HNS_EINVAL, exit 2).
 */
int report_gather(struct report *r, const struct model *m, const struct report_opts *o);
void report_deinit(struct report *r);
/* Exit 1 material: an expectation failed or lint found an error that is not suppressed. */
bool report_failed(const struct report *r);

/* One HTML page.  0 or a negative hns_err. */
int report_write_html(const struct report *r, FILE *out);
/*
 * GitHub-flavoured Markdown; the diagram is linked as `svg_name` (a file
 * the caller writes beside the report with report_write_svg).  0 or a
 * negative hns_err.
 */
int report_write_markdown(const struct report *r, FILE *out, const char *svg_name);
int report_write_svg(const struct report *r, FILE *out);

/* Helpers the two writers share (report.c). */
#define REPORT_SUMMARY_ROWS 9
/* The summary's counts (VPCs, endpoints, ...): what[i] and n[i]; returns how many. */
size_t report_summary_counts(const struct model *m, const char **what, size_t *n);
/* "22 of 22 expectations hold; lint: 0 errors, 1 warnings, 0 info, 0 suppressed" into buf. */
const char *report_verdict(const struct report *r, char *buf, size_t len);
const char *report_hop_time(const struct check_result *c, size_t i, char *buf, size_t len);
/* Whether hop i repeats hop i-1 word for word (check's JSON leaves those out too). */
bool report_hop_repeats(const struct check_result *c, size_t i);
/* "10.0.1.25 10.0.2.25", "NXDOMAIN", "timeout: ..." into buf. */
const char *report_answers(const struct check_result *c, char *buf, size_t len);

/*
 * The load results as rows of text cells, from load's own JSON: table 0
 * is one row per profile run (profile, status, from, qps, duration,
 * sent, answered, loss, p50/p90/p99/p99.9/max latency), table 1 one row
 * per SLO (profile, SLO, status, limit, value).  Each table's header row
 * comes first (header true).  0, or HNS_EPARSE when the JSON is not load's.
 */
typedef void report_row_fn(void *ctx, int table, bool header, const char *const *cells, size_t n);
int report_load_rows(const struct report *r, report_row_fn *fn, void *ctx);
