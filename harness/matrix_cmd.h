/*
 * harness/matrix_cmd.h -- what `matrix` and `diff` share on the command
 * line: their formats, the colour decision and the output file.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct matrix;

enum matrix_format {
	MATRIX_FORMAT_TEXT,
	MATRIX_FORMAT_MARKDOWN,
	MATRIX_FORMAT_JSON,
	MATRIX_FORMAT_HTML,
};
#define MATRIX_FORMAT_WORDS "text|markdown|json|html"

/* Colours on out: a terminal, and NO_COLOR unset or empty (no-color.org). */
bool matrix_cmd_colour(FILE *out);
/* The matrix in one format (HTML: the whole page); 0 or a negative hns_err. */
int matrix_cmd_write(const struct matrix *mx, enum matrix_format format, FILE *out);
/* -o FILE (or standard output); NULL after a message naming the file. */
FILE *matrix_cmd_open(const char *cmd, const char *output);
/* Flush and close out; the exit status (3 after a message when writing failed, rc included). */
int matrix_cmd_close(const char *cmd, FILE *out, int rc);
