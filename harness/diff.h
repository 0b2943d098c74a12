/*
 * harness/diff.h -- what a change of scenario alters: the matrix cells that
 * move, the lint findings that appear or disappear, and the expectations
 * whose verdict changes (`hybridns diff OLD NEW`).
 *
 * Both scenarios are asked live: each matrix in its own world over the
 * union of both row sets (a name only one side lists is asked of both), the
 * expectations of both through check_run() (harness/check.h), the findings
 * from lint_run() (lint/lint.h).  A cell changes when its class, its
 * endpoint or its answer set (order aside) changes; a place only one side
 * has is compared as "absent".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/matrix.h"
#include "lint/lint.h"

struct model;

struct diff_change {
	const char *name;   /* the row's name (in one of the matrices) */
	uint16_t qtype;
	const char *place;  /* "vpc:spoke-2" */
	const struct matrix_cell *before, *after; /* NULL: the place is absent on that side */
	bool covered;	    /* an expectation of NEW asks this name, type and place */
};

enum diff_verdict_state {
	DIFF_ABSENT,
	DIFF_PASS,
	DIFF_FAIL,
};

struct diff_verdict {
	const char *name; /* the expectation's name */
	enum diff_verdict_state before, after;
	char message[1024]; /* NEW's failure message, or OLD's when it is gone */
};

struct diff_side {
	const struct model *m;
	const char *src; /* the scenario's text, for lint's ignore comments (may be NULL) */
	size_t src_len;
};

struct diff {
	struct matrix *old_mx, *new_mx;
	struct lint_findings old_lint, new_lint;
	struct diff_change *changes;
	size_t n_changes;
	const struct lint_finding **added, **removed; /* into new_lint / old_lint */
	size_t n_added, n_removed;
	struct diff_verdict *verdicts; /* those that change only */
	size_t n_verdicts;
	bool gate; /* exit 1: a covered cell moved, or an expectation of both sides changed verdict */
};

/* "pass", "fail", "absent". */
const char *diff_verdict_str(enum diff_verdict_state s);

/*
 * Compare OLD and NEW.  Returns 0 with *d filled (diff_deinit), or a
 * negative hns_err when a world could not come up or memory ran out.
 */
int diff_run(const struct diff_side *old_side, const struct diff_side *new_side,
	     const struct matrix_opts *o, struct diff *d);
void diff_deinit(struct diff *d);
