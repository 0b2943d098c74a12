/*
 * lint/lint.h -- design findings: static analysis over a validated model.
 *
 * lint_run() reads a struct model (and, when given, the scenario's source
 * text for `# hybridns: ignore HNSnnn reason` comments) and returns every
 * finding of every rule: a stable ID, a severity, the key it is about
 * (line, column and key path), what will happen at run time in AWS terms,
 * a fix and the documentation page it rests on.  No sockets, no clocks:
 * milliseconds on big scenarios.  The rules are a table (lint/rules.c),
 * documented one by one in docs/lint.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "model/model.h"

enum lint_severity {
	LINT_INFO = 0,
	LINT_WARNING = 1,
	LINT_ERROR = 2,
};

struct lint_finding {
	const char *id; /* "HNS101": stable, never reused */
	enum lint_severity severity;
	struct model_loc loc; /* the key the finding is about */
	const char *path;     /* its key path: "endpoints.api.private_dns" */
	const char *message;  /* what will happen at run time, one line */
	const char *fix;      /* how to fix it, one line */
	const char *source;   /* the AWS or vendor page it rests on (URL) */
	bool suppressed;      /* acknowledged by an ignore comment on the key's line */
	const char *reason;   /* the comment's reason when suppressed, else NULL */
};

struct lint_findings {
	struct lint_finding *v; /* sorted by severity (errors first), then line */
	size_t n;
	struct hns_arena arena; /* owns v and every string in it */
};

/*
 * Run every rule over `m`.  `src`/`len` is the scenario's text (NULL when
 * not available: no suppression then).  Returns 0 and fills `out` (free
 * with lint_findings_deinit), or a negative hns_err.
 */
int lint_run(const struct model *m, const char *src, size_t len, struct lint_findings *out);
void lint_findings_deinit(struct lint_findings *f);

const char *lint_severity_str(enum lint_severity s); /* "error", "warning", "info" */
/* "error", "warning" or "info" into *out; returns 0 or HNS_EINVAL. */
int lint_severity_parse(const char *s, enum lint_severity *out);

/* One rule as documented in docs/lint.md (for SARIF's tool.driver.rules and help text). */
struct lint_rule {
	const char *id; /* "HNS101" */
	enum lint_severity severity;
	const char *title;  /* one line: what the rule finds */
	const char *source; /* the page it rests on (URL) */
};

/* The rules in ID order: lint_rule_at(0) .. lint_rule_at(lint_rule_count() - 1). */
size_t lint_rule_count(void);
const struct lint_rule *lint_rule_at(size_t i);
/* The rule with this ID, NULL if none. */
const struct lint_rule *lint_rule_find(const char *id);
