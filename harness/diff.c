/*
 * harness/diff.c -- two scenarios compared through the live emulation (see diff.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/check.h"
#include "harness/diff.h"
#include "model/names.h"

const char *
diff_verdict_str(enum diff_verdict_state s)
{
	static const char *const words[] = { [DIFF_ABSENT] = "absent", [DIFF_PASS] = "pass",
					     [DIFF_FAIL] = "fail" };

	return (unsigned)s < sizeof(words) / sizeof(words[0]) ? words[s] : "?";
}

/* ---------------------------------------------------------------- cells */

static int
diff_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Same class, endpoint (by name) and answer set. */
static bool
diff_cell_same(const struct matrix_cell *a, const struct matrix_cell *b)
{
	const char *va[MATRIX_MAX_ANSWERS], *vb[MATRIX_MAX_ANSWERS];

	if (a->cls != b->cls || a->rcode != b->rcode || a->n_answers != b->n_answers)
		return false;
	if ((a->endpoint == NULL) != (b->endpoint == NULL) ||
	    (a->endpoint != NULL && (strcmp(a->endpoint->name, b->endpoint->name) != 0 ||
				     a->endpoint_ips != b->endpoint_ips)))
		return false;
	for (size_t i = 0; i < a->n_answers; i++) {
		va[i] = a->answers[i];
		vb[i] = b->answers[i];
	}
	qsort(va, a->n_answers, sizeof(va[0]), diff_str_cmp);
	qsort(vb, b->n_answers, sizeof(vb[0]), diff_str_cmp);
	for (size_t i = 0; i < a->n_answers; i++) {
		if (strcmp(va[i], vb[i]) != 0)
			return false;
	}
	return true;
}

/* Whether an expectation of m asks name/qtype from place. */
static bool
diff_covered(const struct model *m, const char *name, uint16_t qtype, const char *place)
{
	char from[160];

	for (size_t i = 0; i < m->n_expects; i++) {
		const struct model_expect *e = &m->expects[i];

		if (e->qtype == qtype && strcmp(e->qname, name) == 0 &&
		    strcmp(model_from_str(&e->from, from, sizeof(from)), place) == 0)
			return true;
	}
	return false;
}

/* Each side asks the other's rows too. */
static int
diff_rows_merge(struct matrix *into, const struct matrix *from, const char *side)
{
	char why[160];
	int rc = 0;

	for (size_t r = 0; r < from->n_names && rc == 0; r++) {
		if (matrix_name_find(into, from->names[r].name, from->names[r].qtype) >= 0)
			continue;
		snprintf(why, sizeof(why), "a row of %s: %.140s", side, from->names[r].why);
		rc = matrix_name_add(into, from->names[r].name, from->names[r].qtype, why);
	}
	return rc;
}

static int
diff_change_add(struct diff *d, size_t *cap, const struct diff_change *c)
{
	if (d->n_changes == *cap) {
		size_t n = *cap ? 2 * *cap : 16;
		struct diff_change *v = realloc(d->changes, n * sizeof(*v));

		if (v == NULL)
			return HNS_ENOMEM;
		d->changes = v;
		*cap = n;
	}
	d->changes[d->n_changes++] = *c;
	d->gate = d->gate || c->covered;
	return 0;
}

/* Every (row, place) of either side whose cell differs; rows in NEW's order, then OLD's places. */
static int
diff_cells(struct diff *d, const struct model *new_m)
{
	const struct matrix *o = d->old_mx, *n = d->new_mx;
	size_t cap = 0;
	int rc = 0;

	for (size_t r = 0; r < n->n_names && rc == 0; r++) {
		long ro = matrix_name_find(o, n->names[r].name, n->names[r].qtype);

		for (size_t p = 0; p < n->n_places && rc == 0; p++) {
			long po = matrix_place_find(o, n->places[p].name);
			struct diff_change c = {
				.name = n->names[r].name, .qtype = n->names[r].qtype, .place = n->places[p].name,
				.before = ro >= 0 && po >= 0 ? matrix_cell_at(o, (size_t)ro, (size_t)po) : NULL,
				.after = matrix_cell_at(n, r, p),
			};

			if (c.before != NULL && diff_cell_same(c.before, c.after))
				continue;
			c.covered = diff_covered(new_m, c.name, c.qtype, c.place);
			rc = diff_change_add(d, &cap, &c);
		}
		for (size_t p = 0; ro >= 0 && p < o->n_places && rc == 0; p++) {
			struct diff_change c = {
				.name = n->names[r].name, .qtype = n->names[r].qtype, .place = o->places[p].name,
				.before = matrix_cell_at(o, (size_t)ro, p),
			};

			if (matrix_place_find(n, o->places[p].name) < 0)
				rc = diff_change_add(d, &cap, &c);
		}
	}
	return rc;
}

/* ------------------------------------------------------------- findings */

/* Two messages equal but for the numbers after "line " (an edit above shifts them). */
static bool
diff_msg_equal(const char *a, const char *b)
{
	static const char word[] = "line ";

	while (*a != '\0' && *a == *b) {
		bool after_word = strncmp(a, word, sizeof(word) - 1) == 0;

		if (after_word) {
			a += sizeof(word) - 1;
			b += sizeof(word) - 1;
			while (*a >= '0' && *a <= '9')
				a++;
			while (*b >= '0' && *b <= '9')
				b++;
			continue;
		}
		a++;
		b++;
	}
	return *a == *b;
}

static bool
diff_finding_in(const struct lint_finding *x, const struct lint_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct lint_finding *y = &f->v[i];

		if (!y->suppressed && strcmp(x->id, y->id) == 0 && strcmp(x->path, y->path) == 0 &&
		    diff_msg_equal(x->message, y->message))
			return true;
	}
	return false;
}

/* The unsuppressed findings of a that b lacks (matched by ID, key path and message, not by line). */
static int
diff_findings(const struct lint_findings *a, const struct lint_findings *b,
	      const struct lint_finding ***out, size_t *n)
{
	*out = calloc(a->n ? a->n : 1, sizeof(**out));
	*n = 0;
	if (*out == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < a->n; i++) {
		if (!a->v[i].suppressed && !diff_finding_in(&a->v[i], b))
			(*out)[(*n)++] = &a->v[i];
	}
	return 0;
}

/* ------------------------------------------------------------- verdicts */

/* Run every expectation of m; verdicts[i] for m->expects[i], messages alongside. */
static int
diff_check_all(const struct model *m, const struct matrix_opts *mo, enum diff_verdict_state *v,
	       char (*msg)[1024])
{
	struct check_opts o;
	struct check_result *res = malloc(sizeof(*res));
	int rc = res != NULL ? 0 : HNS_ENOMEM;

	check_opts_init(&o);
	o.seed = mo->seed;
	o.seed_given = mo->seed_given;
	o.port = mo->port;
	for (size_t i = 0; i < m->n_expects && rc == 0; i++) {
		rc = check_run(m, &m->expects[i], &o, res);
		v[i] = res->verdict.pass ? DIFF_PASS : DIFF_FAIL;
		snprintf(msg[i], sizeof(msg[i]), "%s", res->verdict.message);
	}
	free(res);
	return rc;
}

static const struct model_expect *
diff_expect_find(const struct model *m, const char *name, size_t *at)
{
	for (size_t i = 0; i < m->n_expects; i++) {
		if (strcmp(m->expects[i].name, name) == 0) {
			*at = i;
			return &m->expects[i];
		}
	}
	return NULL;
}

static int
diff_verdict_add(struct diff *d, const char *name, enum diff_verdict_state before,
		 enum diff_verdict_state after, const char *msg)
{
	struct diff_verdict *v = &d->verdicts[d->n_verdicts++];

	v->name = name;
	v->before = before;
	v->after = after;
	snprintf(v->message, sizeof(v->message), "%s", msg);
	d->gate = d->gate || (before != DIFF_ABSENT && after != DIFF_ABSENT);
	return 0;
}

static int
diff_verdicts(struct diff *d, const struct model *om, const struct model *nm, const struct matrix_opts *o)
{
	size_t no = om->n_expects, nn = nm->n_expects;
	enum diff_verdict_state *vo = calloc(no + 1, sizeof(*vo)), *vn = calloc(nn + 1, sizeof(*vn));
	char (*mo)[1024] = calloc(no + 1, sizeof(*mo)), (*mn)[1024] = calloc(nn + 1, sizeof(*mn));
	int rc = HNS_ENOMEM;

	d->verdicts = calloc(no + nn + 1, sizeof(*d->verdicts));
	if (vo == NULL || vn == NULL || mo == NULL || mn == NULL || d->verdicts == NULL)
		goto out;
	if ((rc = diff_check_all(om, o, vo, mo)) != 0 || (rc = diff_check_all(nm, o, vn, mn)) != 0)
		goto out;
	for (size_t i = 0; i < nn; i++) {
		size_t k = 0;
		enum diff_verdict_state before =
			diff_expect_find(om, nm->expects[i].name, &k) != NULL ? vo[k] : DIFF_ABSENT;

		if (before != vn[i])
			diff_verdict_add(d, nm->expects[i].name, before, vn[i], mn[i]);
	}
	for (size_t i = 0; i < no; i++) {
		size_t k = 0;

		if (diff_expect_find(nm, om->expects[i].name, &k) == NULL)
			diff_verdict_add(d, om->expects[i].name, vo[i], DIFF_ABSENT, mo[i]);
	}
out:
	free(vo);
	free(vn);
	free(mo);
	free(mn);
	return rc;
}

/* ------------------------------------------------------------------ run */

int
diff_run(const struct diff_side *os, const struct diff_side *ns, const struct matrix_opts *o,
	 struct diff *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = matrix_new(os->m, &d->old_mx)) != 0 || (rc = matrix_new(ns->m, &d->new_mx)) != 0)
		goto fail;
	if ((rc = diff_rows_merge(d->old_mx, d->new_mx, "NEW")) != 0 ||
	    (rc = diff_rows_merge(d->new_mx, d->old_mx, "OLD")) != 0)
		goto fail;
	if ((rc = matrix_run(d->old_mx, o)) != 0 || (rc = matrix_run(d->new_mx, o)) != 0)
		goto fail;
	if ((rc = diff_cells(d, ns->m)) != 0)
		goto fail;
	if ((rc = lint_run(os->m, os->src, os->src_len, &d->old_lint)) != 0)
		goto fail;
	if ((rc = lint_run(ns->m, ns->src, ns->src_len, &d->new_lint)) != 0)
		goto fail;
	if ((rc = diff_findings(&d->new_lint, &d->old_lint, &d->added, &d->n_added)) != 0 ||
	    (rc = diff_findings(&d->old_lint, &d->new_lint, &d->removed, &d->n_removed)) != 0 ||
	    (rc = diff_verdicts(d, os->m, ns->m, o)) != 0)
		goto fail;
	return 0;
fail:
	diff_deinit(d); /* a zeroed member frees as nothing */
	return rc;
}

void
diff_deinit(struct diff *d)
{
	matrix_free(d->old_mx);
	matrix_free(d->new_mx);
	free(d->changes);
	free(d->added);
	free(d->removed);
	free(d->verdicts);
	lint_findings_deinit(&d->old_lint);
	lint_findings_deinit(&d->new_lint);
	memset(d, 0, sizeof(*d));
}
