/*
 * harness/load_findmax.h -- `hybridns load SCENARIO --find-max`: the
 * highest rate a design holds within its SLOs.
 *
 * Open-loop steps (every answer checked, as in any `load` run) at a rate
 * that doubles from --from-qps until a step breaks an SLO or reaches
 * --max-qps, then halves the interval between the highest rate that held
 * and the lowest that broke until it is within 5 % (resperf ramps one
 * closed-loop run; this keeps every step a full open-loop run of its own,
 * so each verdict is the one `load` would give at that rate).  At most
 * LOAD_FINDMAX_STEPS steps of --step-duration each, so a search is
 * bounded in count and time.  The step that broke first names the
 * component whose counters show the loss (in-process worlds).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/loadgen.h"

struct json_writer;
struct model_slo;
struct load_where;

#define LOAD_FINDMAX_STEPS 16 /* rates tried */
#define LOAD_FINDMAX_RETRIES_MAX 3
#define LOAD_FINDMAX_TRIES (LOAD_FINDMAX_STEPS * (1 + LOAD_FINDMAX_RETRIES_MAX)) /* runs, at most */
#define LOAD_FINDMAX_PRECISION 0.05 /* stop when the interval is within 5 % of its top */
#define LOAD_FINDMAX_FROM 1000	    /* qps, when the profile's rate is lower */
#define LOAD_FINDMAX_MAX 1000000    /* qps */
#define LOAD_FINDMAX_BLAME_MIN 10	    /* drops beyond the held rate's, to blame a place... */
#define LOAD_FINDMAX_BLAME_SHARE 0.001	    /* ...and 0.1 % of the step's queries */
#define LOAD_FINDMAX_STEP_NS (3 * 1000000000ull)

/* --slo p99_ms=50,max_loss=1%: replaces the profile's numeric SLOs (< 0: not given). */
struct load_findmax_slo {
	bool given;
	double p50_ms, p99_ms, p999_ms, max_loss, min_qps;
};

struct load_findmax_opts {
	bool on;
	struct load_findmax_slo slo;
	uint64_t from_qps, max_qps; /* 0: the defaults */
	uint64_t step_ns;	    /* 0: LOAD_FINDMAX_STEP_NS */
	unsigned retries;	    /* --retry-broken: more tries of a rate that broke */
};

/* CLI_CUSTOM parser of --slo into a struct load_findmax_slo. */
int load_findmax_slo_parse(const char *cmd, const char *arg, void *field);
/* The SLOs a search judges by: --slo when given, else the profile's (p99 50 ms, loss 1 % when it has none). */
void load_findmax_slo_apply(const struct load_findmax_slo *s, struct model_slo *slo);

/* " p99_ms 50, max_loss 1%, answers" into buf: the SLOs a search judges by. */
const char *load_findmax_slo_text(const struct model_slo *slo, char *buf, size_t len);

/* One step: what the run gave, filled by the caller's run function. */
struct load_findmax_step {
	double qps;
	unsigned try_no; /* 1, or the retry's number + 1 */
	bool pass;
	uint64_t sent, answered, lost, bad, refused, servfail;
	double p99_ms, loss;
	char failed[96];      /* the SLOs that failed: "p99_ms max_loss" */
	char *stats;	      /* the components' account as JSON (malloc'd; the search frees it) */
	char where[256];      /* the component whose drops grew most ("" when not blamed) */
	char counter[96];     /* its counter */
	uint64_t dropped;     /* its value */
};

/* Run one step at qps for step_ns; 0, or a negative hns_err that ends the search. */
typedef int (*load_findmax_run_fn)(void *arg, double qps, uint64_t step_ns,
				   struct load_findmax_step *out);

struct load_findmax_result {
	struct load_findmax_step steps[LOAD_FINDMAX_TRIES];
	size_t n;	   /* runs (every try) */
	size_t rates;	   /* rates tried */
	double held;	   /* highest rate that held, 0 when none did */
	int broke;	   /* index of the lowest rate that broke, -1 when none did */
	int blamed;	   /* the lowest broken step with a place of loss, -1 when none */
	bool at_max;	   /* held at --max-qps: the design holds more than was tried */
};

/*
 * The search; 0 or the run function's error.  from: the first rate (> 0).
 * The step that broke first is blamed on the counter of drops whose share
 * of the queries sent grew most from the highest step that held.
 */
int load_findmax_search(const struct load_findmax_opts *o, double from, load_findmax_run_fn run,
			void *arg, struct load_findmax_result *out);

/* Fill a step from a finished run (counts, p99, loss, rcodes). */
void load_findmax_step_fill(struct load_findmax_step *st, const struct lg_result *res, bool pass);
/* Add a failed SLO's name to the step. */
void load_findmax_step_failed(struct load_findmax_step *st, const char *slo);
/*
 * An in-process run's account of its components (load_where.h) as a JSON
 * document in a malloc'd string, for the blame; NULL for none.
 */
char *load_findmax_where_json(const struct load_where *where);

void load_findmax_text(FILE *out, const char *title, const struct load_findmax_result *r);
void load_findmax_json(struct json_writer *w, const char *profile, const struct load_findmax_result *r);
