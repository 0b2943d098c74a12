/*
 * lint/lint.c -- the engine: runs the rule table (lint/rules.c) over a
 * validated model, locates each finding at the key it is about, applies
 * `# hybridns: ignore HNSnnn reason` comments and sorts the result (errors
 * first, then by line).
 *
 * Locations: model objects carry the line and column of their key; a
 * finding about a key inside an object (`private_dns`, the second target of
 * a forward list) is located by reading the scenario's text from the
 * object's line (lint_key_loc, lint_item_loc).  Without the text the
 * object's own location is used.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "lint/internal.h"

#define LINT_IGNORE_MARK "hybridns: ignore"
/* How far below an object its keys are looked for. */
#define LINT_KEY_SCAN_LINES 400

/* ------------------------------------------------------------- severities */

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

int
lint_severity_parse(const char *s, enum lint_severity *out)
{
	static const enum lint_severity all[] = { LINT_INFO, LINT_WARNING, LINT_ERROR };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (s != NULL && strcmp(s, lint_severity_str(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return HNS_EINVAL;
}

/* ------------------------------------------------------------------ rules */

size_t
lint_rule_count(void)
{
	return lint_n_rule_defs;
}

const struct lint_rule *
lint_rule_at(size_t i)
{
	return i < lint_n_rule_defs ? &lint_rule_defs[i].pub : NULL;
}

const struct lint_rule *
lint_rule_find(const char *id)
{
	for (size_t i = 0; i < lint_n_rule_defs; i++)
		if (strcmp(lint_rule_defs[i].pub.id, id) == 0)
			return &lint_rule_defs[i].pub;
	return NULL;
}

/* --------------------------------------------------------------- emitting */

const char *
lint_fmt(struct lint_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0)
		return "";
	char *s = hns_arena_alloc(c->arena, (size_t)len + 1);
	if (s == NULL) {
		c->err = HNS_ENOMEM;
		return "";
	}
	if ((size_t)len < sizeof(small)) {
		memcpy(s, small, (size_t)len + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}

const char *
lint_rule_label(struct lint_ctx *c, const struct model_rule *r)
{
	return r->id_given ? lint_fmt(c, "%s (%s)", r->name, r->id) : r->name;
}

static struct lint_finding *
lint_finding_add(struct lint_ctx *c)
{
	struct lint_findings *f = c->out;

	if (f->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		struct lint_finding *v = hns_arena_alloc(c->arena, cap * sizeof(*v));
		if (v == NULL) {
			c->err = HNS_ENOMEM;
			return NULL;
		}
		if (f->n)
			memcpy(v, f->v, f->n * sizeof(*v));
		f->v = v;
		c->cap = cap;
	}
	struct lint_finding *x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	return x;
}

void
lint_emit(struct lint_ctx *c, struct model_loc loc, const char *path, const char *message,
	  const char *fix)
{
	struct lint_finding *x = lint_finding_add(c);

	if (x == NULL)
		return;
	x->id = c->rule->id;
	x->severity = c->rule->severity;
	x->loc = loc;
	x->path = path;
	x->message = message;
	x->fix = fix;
	x->source = c->rule->source;
}

/* -------------------------------------------------------------- the text */

static int
lint_lines_split(struct lint_ctx *c, const char *src, size_t len)
{
	size_t n = 1;

	for (size_t i = 0; i < len; i++)
		n += src[i] == '\n';
	c->lines = hns_arena_alloc(c->arena, n * sizeof(*c->lines));
	if (c->lines == NULL)
		return HNS_ENOMEM;
	size_t start = 0;
	c->n_lines = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || src[i] == '\n') {
			size_t l = i - start;
			if (l > 0 && src[start + l - 1] == '\r')
				l--;
			c->lines[c->n_lines].s = src + start;
			c->lines[c->n_lines].len = l;
			c->n_lines++;
			start = i + 1;
		}
	}
	return 0;
}

/* Column (0-based) of the first character that is not a space; len when none. */
static size_t
lint_indent(const struct lint_line *l)
{
	size_t i = 0;
	while (i < l->len && l->s[i] == ' ')
		i++;
	return i;
}

/* Whether `key:` stands at offset i of the line (at a token boundary). */
static bool
lint_key_at(const struct lint_line *l, size_t i, const char *key, size_t klen)
{
	if (i + klen >= l->len || memcmp(l->s + i, key, klen) != 0 || l->s[i + klen] != ':')
		return false;
	if (i == 0)
		return true;
	char b = l->s[i - 1];
	return b == ' ' || b == '{' || b == ',' || b == '-' || b == '"';
}

struct model_loc
lint_key_loc(const struct lint_ctx *c, struct model_loc obj, const char *key)
{
	size_t klen = strlen(key);

	if (c->lines == NULL || obj.line == 0 || obj.line > c->n_lines || obj.col == 0)
		return obj;
	const struct lint_line *first = &c->lines[obj.line - 1];
	if (obj.col - 1 > first->len)
		return obj;
	/* On the object's own line: a flow map, or the first key of a list item. */
	for (size_t i = obj.col - 1; i < first->len && first->s[i] != '#'; i++)
		if (lint_key_at(first, i, key, klen))
			return (struct model_loc){ obj.line, (uint32_t)i + 1 };

	/* A list item ("- zone: x") keeps its keys at its own column. */
	size_t k = obj.col - 1;
	while (k > 0 && first->s[k - 1] == ' ')
		k--;
	bool item = k > 0 && first->s[k - 1] == '-';
	size_t child = item ? obj.col - 1 : (size_t)-1;

	for (uint32_t ln = obj.line + 1; ln <= c->n_lines && ln <= obj.line + LINT_KEY_SCAN_LINES;
	     ln++) {
		const struct lint_line *l = &c->lines[ln - 1];
		size_t ind = lint_indent(l);
		if (ind == l->len || l->s[ind] == '#')
			continue;
		if (item ? ind < obj.col - 1 : ind <= obj.col - 1)
			break;
		if (child == (size_t)-1)
			child = ind;
		if (ind == child && lint_key_at(l, ind, key, klen))
			return (struct model_loc){ ln, (uint32_t)ind + 1 };
	}
	return obj;
}

/* The k-th item of a flow list or map that starts after `from` on line l; col 0 if none. */
static uint32_t
lint_flow_item(const struct lint_line *l, size_t from, size_t k)
{
	size_t i = from;
	while (i < l->len && l->s[i] != '[' && l->s[i] != '{')
		i++;
	if (i == l->len)
		return 0;
	size_t item = 0;
	int depth = 0;
	for (i++; i < l->len; i++) {
		char ch = l->s[i];
		if (ch == ' ')
			continue;
		if (ch == '[' || ch == '{') {
			depth++;
		} else if ((ch == ']' || ch == '}') && depth-- == 0) {
			return 0;
		} else if (ch == ',' && depth == 0) {
			item++;
			continue;
		}
		if (item == k)
			return (uint32_t)i + 1;
		/* skip to the next separator */
		while (i + 1 < l->len && l->s[i + 1] != ',' && l->s[i + 1] != ']' &&
		       l->s[i + 1] != '}' && depth == 0)
			i++;
	}
	return 0;
}

struct model_loc
lint_item_loc(const struct lint_ctx *c, struct model_loc key, size_t k)
{
	if (c->lines == NULL || key.line == 0 || key.line > c->n_lines || key.col == 0)
		return key;
	const struct lint_line *l = &c->lines[key.line - 1];
	size_t colon = key.col - 1;
	while (colon < l->len && l->s[colon] != ':')
		colon++;
	uint32_t col = lint_flow_item(l, colon, k);
	if (col)
		return (struct model_loc){ key.line, col };
	/* A block list below the key: "- item" lines. */
	size_t seen = 0;
	for (uint32_t ln = key.line + 1; ln <= c->n_lines && ln <= key.line + LINT_KEY_SCAN_LINES;
	     ln++) {
		const struct lint_line *b = &c->lines[ln - 1];
		size_t ind = lint_indent(b);
		if (ind == b->len || b->s[ind] == '#')
			continue;
		if (ind < key.col - 1 || b->s[ind] != '-')
			break;
		if (seen++ == k) {
			size_t j = ind + 1;
			while (j < b->len && b->s[j] == ' ')
				j++;
			return (struct model_loc){ ln, (uint32_t)j + 1 };
		}
	}
	return key;
}

/* ------------------------------------------------------------ suppression */

struct lint_ignore {
	const char *id; /* NULL: no ignore comment on the line */
	const char *reason; /* NULL when none was given */
	uint32_t col;
};

/* Parse "# hybridns: ignore HNS123 reason" on one line. */
static void
lint_ignore_parse(struct lint_ctx *c, const struct lint_line *l, struct lint_ignore *ig)
{
	const char *end = l->s + l->len;
	const char *p = l->s;
	size_t ml = strlen(LINT_IGNORE_MARK);

	memset(ig, 0, sizeof(*ig));
	for (; p < end; p++) {
		if (*p != '#')
			continue;
		const char *q = p + 1;
		while (q < end && *q == ' ')
			q++;
		if ((size_t)(end - q) >= ml && memcmp(q, LINT_IGNORE_MARK, ml) == 0) {
			q += ml;
			break;
		}
	}
	if (p >= end)
		return;
	ig->col = (uint32_t)(p - l->s) + 1;
	const char *q = p + 1;
	while (q < end && *q == ' ')
		q++;
	q += ml;
	while (q < end && *q == ' ')
		q++;
	const char *id = q;
	while (q < end && *q != ' ')
		q++;
	ig->id = hns_arena_strndup(c->arena, id, (size_t)(q - id));
	while (q < end && *q == ' ')
		q++;
	const char *r = q, *re = end;
	while (re > r && isspace((unsigned char)re[-1]))
		re--;
	if (re > r)
		ig->reason = hns_arena_strndup(c->arena, r, (size_t)(re - r));
	if (ig->id == NULL || (re > r && ig->reason == NULL))
		c->err = HNS_ENOMEM;
}

static int
lint_suppress(struct lint_ctx *c)
{
	struct lint_ignore *ig = calloc(c->n_lines + 1, sizeof(*ig));
	if (ig == NULL)
		return HNS_ENOMEM;
	size_t n_before = c->out->n;

	c->rule = lint_rule_find("HNS131");
	for (size_t i = 0; i < c->n_lines; i++) {
		if (memchr(c->lines[i].s, '#', c->lines[i].len) == NULL)
			continue;
		lint_ignore_parse(c, &c->lines[i], &ig[i + 1]);
		if (ig[i + 1].id == NULL)
			continue;
		struct model_loc loc = { (uint32_t)i + 1, ig[i + 1].col };
		if (lint_rule_find(ig[i + 1].id) == NULL)
			lint_emit(c, loc, "",
				  lint_fmt(c, "the ignore comment names '%s', which is no rule: it "
					      "acknowledges nothing",
					   ig[i + 1].id),
				  "name a rule ID from docs/lint.md: # hybridns: ignore HNS1nn reason");
		else if (ig[i + 1].reason == NULL)
			lint_emit(c, loc, "",
				  lint_fmt(c, "the ignore comment for %s gives no reason, so %s stays "
					      "reported",
					   ig[i + 1].id, ig[i + 1].id),
				  "say why the finding is acceptable: # hybridns: ignore HNS1nn reason");
	}
	for (size_t i = 0; i < n_before; i++) {
		struct lint_finding *f = &c->out->v[i];
		uint32_t ln = f->loc.line;
		if (ln == 0 || ln > c->n_lines || ig[ln].id == NULL || ig[ln].reason == NULL)
			continue;
		if (strcmp(ig[ln].id, f->id) == 0) {
			f->suppressed = true;
			f->reason = ig[ln].reason;
		}
	}
	free(ig);
	return 0;
}

/* -------------------------------------------------------------------- run */

static int
lint_finding_cmp(const void *a, const void *b)
{
	const struct lint_finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	if (x->loc.col != y->loc.col)
		return x->loc.col < y->loc.col ? -1 : 1;
	int r = strcmp(x->id, y->id);
	if (r)
		return r;
	return strcmp(x->path, y->path);
}

int lint_index_build(struct lint_ctx *c); /* lint/index.c */
void lint_index_free(struct lint_ctx *c);

int
lint_run(const struct model *m, const char *src, size_t len, struct lint_findings *out)
{
	struct lint_findings res;
	struct lint_ctx c;
	int rc;

	memset(&res, 0, sizeof(res));
	memset(&c, 0, sizeof(c));
	hns_arena_init(&res.arena);
	c.m = m;
	c.out = &res;
	c.arena = &res.arena;
	if (src != NULL && (rc = lint_lines_split(&c, src, len)) != 0)
		goto fail;
	if ((rc = lint_index_build(&c)) != 0)
		goto fail;
	for (size_t i = 0; i < lint_n_rule_defs && c.err == 0; i++) {
		c.rule = &lint_rule_defs[i].pub;
		if (lint_rule_defs[i].check != NULL)
			lint_rule_defs[i].check(&c);
	}
	if (c.err == 0 && c.lines != NULL && (rc = lint_suppress(&c)) != 0)
		goto fail;
	if ((rc = c.err) != 0)
		goto fail;
	lint_index_free(&c);
	if (res.n > 1)
		qsort(res.v, res.n, sizeof(*res.v), lint_finding_cmp);
	*out = res;
	return 0;
fail:
	lint_index_free(&c);
	hns_arena_deinit(&res.arena);
	return rc;
}

void
lint_findings_deinit(struct lint_findings *f)
{
	if (f == NULL)
		return;
	hns_arena_deinit(&f->arena);
	memset(f, 0, sizeof(*f));
}
