/*
 * Fuzz target for lint: any bytes that load as a scenario are linted with
 * the same bytes as source text (the key locator and the ignore-comment
 * parser read it).  No crash, leak or hang, and the findings are
 * consistent: a known rule ID, a path, a message and a fix, a location
 * inside the text, sorted errors first, suppressed ones with a reason.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_findings(const struct lint_findings *f, const char *text, size_t len)
{
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	for (size_t i = 0; i < f->n; i++) {
		const struct lint_finding *x = &f->v[i];
		if (lint_rule_find(x->id) == NULL || x->path == NULL || x->message == NULL ||
		    x->message[0] == '\0' || x->fix == NULL || x->source == NULL)
			abort();
		if (x->loc.line > lines)
			abort();
		if (x->suppressed && (x->reason == NULL || x->reason[0] == '\0'))
			abort();
		if (i > 0 && f->v[i - 1].severity < x->severity)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m = NULL;
	struct model_errors errs;
	struct lint_findings f;

	model_errors_init(&errs);
	if (model_load_buffer("fuzz.yaml", (const char *)data, size, &m, &errs) == 0) {
		if (lint_run(m, (const char *)data, size, &f) == 0) {
			check_findings(&f, (const char *)data, size);
			lint_findings_deinit(&f);
		}
		/* And without the text: no suppression, same findings otherwise. */
		if (lint_run(m, NULL, 0, &f) == 0) {
			for (size_t i = 0; i < f.n; i++)
				if (f.v[i].suppressed)
					abort();
			lint_findings_deinit(&f);
		}
		model_free(m);
	}
	model_errors_deinit(&errs);
	return 0;
}
