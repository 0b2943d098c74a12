/*
 * import/onprem/tree.c -- statement trees (named.conf, Corefile).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "import/onprem/tok.h"
#include "import/onprem/tree.h"

/* Deeper nesting than this is no configuration (and would exhaust the stack). */
#define TREE_DEPTH_MAX 32

struct tp {
	struct tokenizer t;
	enum tree_style style;
	const char *file;
	FILE *err;
};

static int
tp_err(struct tp *p, const struct tok *k, const char *what)
{
	if (k->kind == TOK_ERROR)
		fprintf(p->err, "%s:%u:%u: %s (expected %s)\n", p->file, k->line, k->col, k->text,
			what);
	else
		fprintf(p->err, "%s:%u:%u: unexpected %s%s%s (expected %s)\n", p->file, k->line,
			k->col, k->kind == TOK_EOF ? "end of file" : "'",
			k->kind == TOK_EOF ? "" : k->text, k->kind == TOK_EOF ? "" : "'", what);
	return HNS_EPARSE;
}

static int
stmt_add_word(struct stmt *s, const struct tok *k)
{
	char **w = realloc(s->w, (s->n + 1) * sizeof(*w));
	uint32_t *l, *c;

	if (w == NULL)
		return HNS_ENOMEM;
	s->w = w;
	l = realloc(s->wline, (s->n + 1) * sizeof(*l));
	if (l == NULL)
		return HNS_ENOMEM;
	s->wline = l;
	c = realloc(s->wcol, (s->n + 1) * sizeof(*c));
	if (c == NULL)
		return HNS_ENOMEM;
	s->wcol = c;
	if ((w[s->n] = strdup(k->text)) == NULL)
		return HNS_ENOMEM;
	l[s->n] = k->line;
	c[s->n] = k->col;
	s->n++;
	return 0;
}

static struct stmt *
stmt_push(struct stmt *parent, const char *file)
{
	struct stmt *k = realloc(parent->kids, (parent->n_kids + 1) * sizeof(*k));

	if (k == NULL)
		return NULL;
	parent->kids = k;
	k = &parent->kids[parent->n_kids++];
	memset(k, 0, sizeof(*k));
	k->file = file;
	return k;
}

static int parse_block(struct tp *p, struct stmt *parent, int depth, bool top);

/* One statement: words, then a block and/or the terminator. */
static int
parse_stmt(struct tp *p, struct stmt *s, int depth)
{
	bool bind = p->style == TREE_BIND;
	struct tok k;
	int rc;

	for (;;) {
		k = tok_next(&p->t);
		if (k.kind == TOK_WORD || k.kind == TOK_STRING) {
			if (s->n == 0) {
				s->line = k.line;
				s->col = k.col;
			}
			if ((rc = stmt_add_word(s, &k)) != 0)
				return rc;
			continue;
		}
		if (tok_is(&k, '{'))
			break;
		if (bind && tok_is(&k, ';'))
			return 0;
		if (!bind && (k.kind == TOK_NL || k.kind == TOK_EOF))
			return 0;
		return tp_err(p, &k, bind ? "';' or '{'" : "a word, '{' or the end of the line");
	}
	if (s->n == 0 && bind)
		return tp_err(p, &k, "a statement name before '{'");
	if (depth >= TREE_DEPTH_MAX)
		return tp_err(p, &k, "less deeply nested blocks");
	s->has_block = true;
	if ((rc = parse_block(p, s, depth + 1, false)) != 0)
		return rc;
	if (bind) {
		k = tok_next(&p->t);
		if (!tok_is(&k, ';'))
			return tp_err(p, &k, "';' after '}'");
	} else {
		k = tok_peek(&p->t);
		if (k.kind != TOK_NL && k.kind != TOK_EOF && !tok_is(&k, '}'))
			return tp_err(p, &k, "the end of the line after '}'");
	}
	return 0;
}

/* Statements up to '}' (or the end of the file at the top). */
static int
parse_block(struct tp *p, struct stmt *parent, int depth, bool top)
{
	for (;;) {
		struct tok k = tok_peek(&p->t);
		struct stmt *s;
		int rc;

		if (k.kind == TOK_NL) {
			tok_next(&p->t);
			continue;
		}
		if (p->style == TREE_BIND && tok_is(&k, ';')) {
			tok_next(&p->t); /* an empty statement */
			continue;
		}
		if (k.kind == TOK_EOF) {
			if (top)
				return 0;
			return tp_err(p, &k, "'}' closing the block");
		}
		if (tok_is(&k, '}')) {
			tok_next(&p->t);
			if (!top)
				return 0;
			return tp_err(p, &k, "a statement ('}' closes no block)");
		}
		if ((s = stmt_push(parent, p->file)) == NULL)
			return HNS_ENOMEM;
		if ((rc = parse_stmt(p, s, depth)) != 0)
			return rc;
		if (s->n == 0 && !s->has_block)
			parent->n_kids--; /* a blank line */
	}
}

int
tree_parse(const char *path, enum tree_style style, struct stmt *out, FILE *err)
{
	struct tp p;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.style = style;
	p.err = err;
	out->file = strdup(path);
	if (out->file == NULL)
		return HNS_ENOMEM;
	p.file = out->file;
	rc = tok_open(&p.t, path,
		      style == TREE_BIND ? TOK_HASH | TOK_SLASHES | TOK_CBLOCK : TOK_HASH | TOK_NEWLINES,
		      style == TREE_BIND ? "{};" : "{}");
	if (rc != 0) {
		free((char *)out->file);
		out->file = NULL;
		return rc;
	}
	rc = parse_block(&p, out, 0, true);
	tok_close(&p.t);
	if (rc != 0)
		tree_free(out);
	return rc;
}

static void
stmt_free(struct stmt *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->w[i]);
	free(s->w);
	free(s->wline);
	free(s->wcol);
	for (size_t i = 0; i < s->n_kids; i++)
		stmt_free(&s->kids[i]);
	free(s->kids);
}

void
tree_free(struct stmt *s)
{
	char *file = (char *)s->file;

	stmt_free(s);
	free(file);
	memset(s, 0, sizeof(*s));
}

const char *
stmt_word(const struct stmt *s, size_t i)
{
	return i < s->n ? s->w[i] : "";
}
