/*
 * lint/lint.c -- PLACEHOLDER so the lint interface links while the rules are
 * written (branch lint-find replaces this file).  It finds nothing.
 */
#include "config.h"

#include <string.h>

#include "lint/lint.h"

int
lint_run(const struct model *m, const char *src, size_t len, struct lint_findings *out)
{
	(void)m;
	(void)src;
	(void)len;
	memset(out, 0, sizeof(*out));
	hns_arena_init(&out->arena);
	return 0;
}

void
lint_findings_deinit(struct lint_findings *f)
{
	if (f == NULL)
		return;
	hns_arena_deinit(&f->arena);
	memset(f, 0, sizeof(*f));
}

const char *
lint_severity_str(enum lint_severity s)
{
	switch (s) {
	case LINT_ERROR:
		return "error";
	case LINT_WARNING:
		return "warning";
	default:
		return "info";
	}
}
