/*
 * import/onprem/tree.h -- the statement trees of named.conf and the
 * Corefile: a statement is words (and strings) followed by an optional
 * `{ … }` block of statements, ended by ';' (BIND) or a newline (CoreDNS).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct stmt {
	char **w; /* the words, strings unquoted */
	uint32_t *wline, *wcol;
	size_t n;
	struct stmt *kids; /* the block, when has_block */
	size_t n_kids;
	bool has_block;
	const char *file; /* owned by the tree */
	uint32_t line, col;
};

enum tree_style {
	TREE_BIND,    /* stmt ;   stmt { … };   comments # // C blocks */
	TREE_COREDNS, /* stmt NL  stmt { … } NL comments # */
};

/*
 * Parse `path` into *out (n_kids top-level statements in out->kids).  On a
 * syntax error prints "FILE:LINE:COL: … (expected …)" to err and returns
 * HNS_EPARSE; -errno when unreadable (nothing printed).
 */
int tree_parse(const char *path, enum tree_style style, struct stmt *out, FILE *err);
void tree_free(struct stmt *s);
/* Word i of s, or "" when there is none. */
const char *stmt_word(const struct stmt *s, size_t i);
