/*
 * harness/lab.h -- labs: broken designs, their stories, hints and goals.
 *
 * A lab is a broken design (scenarios/labs/<name>.yaml, compiled in) plus
 * what the catalogue (harness/lab_catalog.c) says about it: a title, the
 * time it takes, what it teaches, the story as a user reports the symptom,
 * progressive hints and the lint findings that must be gone or present.
 * Its goals are the `expect:` entries of the design as shipped, and those
 * finding rules.  A trainee's file is graded by splicing each goal into the
 * trainee's world in place of the file's own `expect:` (lab_goals.c), so
 * editing the expectations changes nothing.  Reference solutions live in
 * tests/labs/, never in the binary.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A finding rule: the lint finding `id` must be absent (or present) in the trainee's design. */
struct lab_finding_goal {
	const char *id; /* "HNS105", see docs/lint.md */
	bool present;	/* false: must be gone */
	const char *what; /* the goal in words: "no forwarding loop through the endpoints" */
};

#define LAB_MAX_HINTS 5
#define LAB_MAX_FINDING_GOALS 4

struct lab {
	const char *name;  /* "forwarding-loop" */
	const char *title; /* one line */
	unsigned minutes;  /* time a trainee needs, about */
	const char *teaches;
	const char *story; /* the symptom as a user reports it; lines end with '\n' */
	const char *hints[LAB_MAX_HINTS];		    /* NULL after the last */
	struct lab_finding_goal findings[LAB_MAX_FINDING_GOALS]; /* id NULL after the last */
	const char *design; /* the starting scenario's text, NUL-terminated (compiled in) */
};

/* The labs in the order a course takes them. */
extern const struct lab lab_catalog[];
extern const size_t lab_catalog_n;

/* The lab named `name`, or NULL. */
const struct lab *lab_find(const char *name);
/* How many hints a lab has. */
size_t lab_hint_count(const struct lab *l);

/* ------------------------------------------------------------ lab_goals.c */

struct lab_span {
	size_t start, end; /* byte offsets, end exclusive */
};

/*
 * Where a scenario text keeps its expectations: found with libyaml's event
 * marks, without building a tree.
 */
struct lab_doc {
	bool has_expect;
	struct lab_span expect; /* the top-level `expect` key through the end of its value */
	struct lab_span *items; /* each item of expect's list, in order (malloc'd) */
	size_t n_items;
	size_t body_end; /* where the document ends (before an explicit `...`) */
};

/*
 * Scan `text`: its top level must be one block mapping starting at column
 * 1 (as every shipped scenario is).  Returns 0 and fills `out` (free with
 * lab_doc_deinit), HNS_EPARSE when the text is not such a YAML document (a
 * message into err), or HNS_ENOMEM.
 */
int lab_doc_scan(const char *text, size_t len, struct lab_doc *out, char *err, size_t errlen);
void lab_doc_deinit(struct lab_doc *d);

/*
 * Build the scenario text that judges one goal: `world` with its own
 * top-level `expect` blanked out (spaces; every other byte keeps its line
 * and column) and cut at its document end, then an `expect:` holding only
 * item `item` of `goals`' list.  Returns 0 and a malloc'd NUL-terminated
 * text in *out (*out_len without the NUL), HNS_EINVAL when the goal item
 * does not stand on lines of its own, or HNS_ENOMEM.
 */
int lab_goal_text(const char *world, const struct lab_doc *wdoc, const char *goals,
		  const struct lab_span *item, char **out, size_t *out_len);
