/*
 * harness/lint_report.h -- lint findings for people and machines: text
 * grouped by severity, the "findings" and "suppressed" members of
 * `hybridns lint --format json`, and SARIF 2.1.0 for CI and code review.
 * The findings come from lint_run() (lint/lint.h); docs/lint.md and
 * docs/cli.md describe the formats.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lint/lint.h"

struct json_writer;

/* Whether a finding at or above `at` is not suppressed (the exit status 1 of lint). */
bool lint_report_fails(const struct lint_findings *f, enum lint_severity at);

/* Text: a count line, then errors, warnings, info and suppressed, four lines a finding. */
void lint_report_text(const struct model *m, const struct lint_findings *f, FILE *out);

/* "findings": [...], "suppressed": [...] as members of the open JSON object. */
void lint_report_json(struct json_writer *w, const struct model *m, const struct lint_findings *f);

/* A whole SARIF 2.1.0 log.  Returns 0, or a negative hns_err when writing failed. */
int lint_report_sarif(const struct model *m, const struct lint_findings *f, FILE *out);

/*
 * The scenario's text at path, for lint's ignore comments (malloc'd and
 * NUL-terminated, *len its length); NULL (no suppression) when it cannot
 * be read.  Any other whole text file can be read with it too.
 */
char *lint_report_source(const char *path, size_t *len);
