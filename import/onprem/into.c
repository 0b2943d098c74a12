/*
 * import/onprem/into.c -- `--into SCENARIO`: the imported resolver put into
 * the scenario's own text, every other byte kept.
 *
 * The edit is line-based on the block YAML the format uses: the top-level
 * `onprem:` key, its `resolvers:` child, and in it the resolver's key.  A
 * resolver of the same name is replaced (its key line through its last
 * more-indented line); otherwise the block goes after the last resolver.
 * Without `resolvers:` it is added at the end of `onprem:`; without
 * `onprem:` both are appended at the end of the file.  Flow style
 * (`onprem: {…}`) is not edited: an error says so.  The caller loads the
 * result through the model before writing it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "import/onprem/onprem.h"

struct line {
	const char *s; /* start */
	size_t len;    /* without the newline */
	size_t indent; /* leading spaces */
	bool content;  /* neither blank nor a comment */
};

struct lines {
	struct line *v;
	size_t n;
};

static int
lines_split(const char *text, struct lines *L)
{
	size_t cap = 64;

	L->n = 0;
	L->v = malloc(cap * sizeof(*L->v));
	if (L->v == NULL)
		return HNS_ENOMEM;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		struct line *l;
		size_t k = 0;

		if (L->n == cap) {
			struct line *nv = realloc(L->v, (cap *= 2) * sizeof(*nv));

			if (nv == NULL)
				return HNS_ENOMEM;
			L->v = nv;
		}
		l = &L->v[L->n++];
		l->s = p;
		l->len = nl ? (size_t)(nl - p) : strlen(p);
		while (k < l->len && p[k] == ' ')
			k++;
		l->indent = k;
		l->content = k < l->len && p[k] != '#' && p[k] != '\r';
		p = nl ? nl + 1 : p + l->len;
	}
	return 0;
}

/* Whether line l is the key `key:` (plain or quoted) followed by nothing but a comment. */
static bool
is_key(const struct line *l, const char *key, bool *has_value)
{
	const char *p = l->s + l->indent, *end = l->s + l->len;
	size_t kl = strlen(key);

	*has_value = false;
	if ((p[0] == '"' || p[0] == '\'') && (size_t)(end - p) > kl + 1 &&
	    strncmp(p + 1, key, kl) == 0 && p[kl + 1] == p[0])
		p += kl + 2;
	else if ((size_t)(end - p) >= kl && strncmp(p, key, kl) == 0)
		p += kl;
	else
		return false;
	if (p >= end || *p != ':')
		return false;
	for (p++; p < end && (*p == ' ' || *p == '\t' || *p == '\r'); p++)
		;
	*has_value = p < end && *p != '#';
	return true;
}

/* The end of the block that starts at line i (exclusive): before trailing blank/comment lines. */
static size_t
block_end(const struct lines *L, size_t i, size_t indent)
{
	size_t last = i;

	for (size_t j = i + 1; j < L->n; j++) {
		if (!L->v[j].content) {
			if (L->v[j].indent > indent && L->v[j].indent < L->v[j].len)
				last = j; /* a comment inside the block */
			continue;
		}
		if (L->v[j].indent <= indent)
			break;
		last = j;
	}
	return last + 1;
}

/* The first content line in (i, end) and its indent, or `end`. */
static size_t
first_child(const struct lines *L, size_t i, size_t end)
{
	for (size_t j = i + 1; j < end; j++) {
		if (L->v[j].content)
			return j;
	}
	return end;
}

static size_t
offset_of(const char *text, const struct lines *L, size_t i)
{
	return i < L->n ? (size_t)(L->v[i].s - text) : strlen(text);
}

/* text[0, cut) + ins + text[resume, …) into *out. */
static int
splice(const char *text, size_t cut, const char *pre, const char *ins, size_t resume, char **out)
{
	size_t tl = strlen(text), pl = strlen(pre), il = strlen(ins);
	char *o = malloc(tl + pl + il + 2);

	if (o == NULL)
		return HNS_ENOMEM;
	memcpy(o, text, cut);
	memcpy(o + cut, pre, pl);
	memcpy(o + cut + pl, ins, il);
	memcpy(o + cut + pl + il, text + resume, tl - resume + 1);
	*out = o;
	return 0;
}

static int
into_lines(struct onprem_conf *c, const struct onprem_emit *e, const char *text,
	   const struct lines *L, char **out, const char **why)
{
	size_t on = L->n, on_end, res = L->n, res_end, ci, rci, at;
	bool val;
	char *block = NULL;
	const char *pre = "";
	int rc;

	for (size_t i = 0; i < L->n; i++) {
		if (L->v[i].indent == 0 && L->v[i].content && is_key(&L->v[i], "onprem", &val)) {
			on = i;
			break;
		}
	}
	if (on == L->n) { /* no onprem: append one */
		size_t tl = strlen(text);

		if ((rc = onprem_emit_block(c, e, 4, &block)) != 0)
			return rc;
		pre = tl > 0 && text[tl - 1] != '\n' ? "\n\nonprem:\n  resolvers:\n"
						      : "\nonprem:\n  resolvers:\n";
		rc = splice(text, tl, pre, block, tl, out);
		free(block);
		return rc;
	}
	if (val) {
		*why = "onprem: is written in flow style ({…}); only block style can be edited";
		return HNS_EPARSE;
	}
	on_end = block_end(L, on, 0);
	ci = first_child(L, on, on_end) < on_end ? L->v[first_child(L, on, on_end)].indent : 2;
	for (size_t i = on + 1; i < on_end; i++) {
		if (L->v[i].content && L->v[i].indent == ci && is_key(&L->v[i], "resolvers", &val)) {
			res = i;
			break;
		}
	}
	if (res == L->n) { /* onprem without resolvers: add them at its end */
		char head[64];

		if ((rc = onprem_emit_block(c, e, (unsigned)ci + 2, &block)) != 0)
			return rc;
		snprintf(head, sizeof(head), "%*sresolvers:\n", (int)ci, "");
		at = offset_of(text, L, on_end);
		if (at > 0 && text[at - 1] != '\n')
			snprintf(head, sizeof(head), "\n%*sresolvers:\n", (int)ci, "");
		rc = splice(text, at, head, block, at, out);
		free(block);
		return rc;
	}
	if (val) {
		*why = "onprem.resolvers is written in flow style ({…}); only block style can be edited";
		return HNS_EPARSE;
	}
	res_end = block_end(L, res, ci);
	rci = first_child(L, res, res_end) < res_end ? L->v[first_child(L, res, res_end)].indent
						      : ci + 2;
	if ((rc = onprem_emit_block(c, e, (unsigned)rci, &block)) != 0)
		return rc;
	for (size_t i = res + 1; i < res_end; i++) {
		if (L->v[i].content && L->v[i].indent == rci && is_key(&L->v[i], e->name, &val)) {
			size_t end = block_end(L, i, rci);

			rc = splice(text, offset_of(text, L, i), "", block, offset_of(text, L, end),
				    out);
			free(block);
			return rc;
		}
	}
	at = offset_of(text, L, res_end);
	rc = splice(text, at, at > 0 && text[at - 1] != '\n' ? "\n" : "", block, at, out);
	free(block);
	return rc;
}

int
onprem_into_text(struct onprem_conf *c, const struct onprem_emit *e, const char *text,
		 char **out, const char **why)
{
	struct lines L;
	int rc = lines_split(text, &L);

	*why = NULL;
	if (rc == 0)
		rc = into_lines(c, e, text, &L, out, why);
	free(L.v);
	return rc;
}
