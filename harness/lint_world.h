/*
 * harness/lint_world.h -- the world summary and JSON dump of `hybridns lint`
 * (harness/lint_world.c); the findings are written by harness/lint_report.c.
 */
#pragma once

#include <stdio.h>

#include "lint/lint.h"

/* The one-screen text summary of the world. */
void lint_world_text(const struct model *m, FILE *out);
/* The whole model as one JSON object, with "findings" and "suppressed" last; 0 or -EIO. */
int lint_world_json(const struct model *m, const struct lint_findings *f, FILE *out);
