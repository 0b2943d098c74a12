/*
 * model/yaml.c -- libyaml events to a small tree of located nodes, and the
 * loader's error collection.
 *
 * YAML aliases (`*name`) are rejected: a scenario has no use for them and
 * refusing them makes "billion laughs" inputs harmless.  Anchors (`&name`)
 * are accepted and ignored.  Nesting deeper than YT_MAX_DEPTH and more than
 * YT_MAX_NODES nodes are errors, so no input can exhaust the stack or memory.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/error.h"
#include "model/internal.h"
#include "model/ytree.h"

#define YT_MAX_DEPTH 64
#define YT_MAX_NODES 200000
#define LD_KEEP_ERRORS 1000

void *
ld_grow(struct ld *ld, void *arr, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *v = realloc(arr, ncap * size);

	if (v == NULL) {
		ld->oom = true;
		return NULL;
	}
	*cap = ncap;
	return v;
}

void
ld_err(struct ld *ld, struct model_loc loc, const char *path, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	ld->n_total++;
	if (ld->n_errs >= LD_KEEP_ERRORS)
		return;
	if (ld->n_errs == ld->cap_errs) {
		struct ld_error *v = ld_grow(ld, ld->errs, &ld->cap_errs, sizeof(*v));

		if (v == NULL)
			return;
		ld->errs = v;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	struct ld_error *e = &ld->errs[ld->n_errs];
	int len;

	if (path != NULL && path[0] != '\0')
		len =
		    snprintf(NULL, 0, "%s:%u:%u: %s: %s", ld->file, loc.line, loc.col, path, text);
	else
		len = snprintf(NULL, 0, "%s:%u:%u: %s", ld->file, loc.line, loc.col, text);
	e->msg = malloc((size_t)len + 1);
	if (e->msg == NULL) {
		ld->oom = true;
		return;
	}
	if (path != NULL && path[0] != '\0')
		snprintf(e->msg, (size_t)len + 1, "%s:%u:%u: %s: %s", ld->file, loc.line, loc.col,
		         path, text);
	else
		snprintf(e->msg, (size_t)len + 1, "%s:%u:%u: %s", ld->file, loc.line, loc.col,
		         text);
	e->loc = loc;
	e->seq = ld->n_errs;
	ld->n_errs++;
}

static int
ld_error_cmp(const void *a, const void *b)
{
	const struct ld_error *x = a, *y = b;

	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	if (x->loc.col != y->loc.col)
		return x->loc.col < y->loc.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
ld_errors_flush(struct ld *ld, struct model_errors *out)
{
	if (ld->n_errs > 1)
		qsort(ld->errs, ld->n_errs, sizeof(*ld->errs), ld_error_cmp);
	for (size_t i = 0; i < ld->n_errs; i++) {
		char **v;

		if (out == NULL || out->n >= MODEL_MAX_ERRORS) {
			if (out != NULL)
				out->dropped++;
			free(ld->errs[i].msg);
			continue;
		}
		v = realloc(out->msgs, (out->n + 1) * sizeof(*v));
		if (v == NULL) {
			out->dropped++;
			free(ld->errs[i].msg);
			continue;
		}
		out->msgs = v;
		out->msgs[out->n++] = ld->errs[i].msg;
	}
	if (out != NULL)
		out->dropped += ld->n_total - ld->n_errs;
	free(ld->errs);
	ld->errs = NULL;
	ld->n_errs = ld->cap_errs = ld->n_total = 0;
}

uint32_t
ld_line_indent(const struct ld *ld, uint32_t line)
{
	if (line == 0 || line > ld->n_lines)
		return 1;
	size_t i = ld->line_starts[line - 1];
	uint32_t col = 1;

	while (i < ld->len && (ld->buf[i] == ' ' || ld->buf[i] == '\t')) {
		i++;
		col++;
	}
	return col;
}

static int
ld_index_lines(struct ld *ld)
{
	size_t n = 1;

	for (size_t i = 0; i < ld->len; i++)
		n += ld->buf[i] == '\n';
	ld->line_starts = malloc(n * sizeof(*ld->line_starts));
	if (ld->line_starts == NULL)
		return HNS_ENOMEM;
	ld->line_starts[0] = 0;
	ld->n_lines = 1;
	for (size_t i = 0; i < ld->len; i++) {
		if (ld->buf[i] == '\n')
			ld->line_starts[ld->n_lines++] = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------- tree */

static struct model_loc
yt_loc(const yaml_mark_t *mk)
{
	struct model_loc l = {(uint32_t)mk->line + 1, (uint32_t)mk->column + 1};

	return l;
}

static int
yt_next(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(p, ev))
		return 0;
	struct model_loc l = yt_loc(&p->problem_mark);

	if (p->error == YAML_MEMORY_ERROR) {
		ld->oom = true;
		ld_err(ld, l, NULL, "out of memory while parsing YAML");
	} else if (p->context != NULL) {
		ld_err(ld, l, NULL, "YAML syntax error: %s %s (line %u, column %u)",
		       p->problem ? p->problem : "error", p->context,
		       (unsigned)p->context_mark.line + 1, (unsigned)p->context_mark.column + 1);
	} else {
		ld_err(ld, l, NULL, "YAML syntax error: %s", p->problem ? p->problem : "error");
	}
	return -1;
}

static struct ynode *
yt_alloc(struct ld *ld, enum ynode_kind kind, const yaml_mark_t *mk)
{
	struct ynode *n;

	if (++ld->n_nodes > YT_MAX_NODES) {
		ld_err(ld, yt_loc(mk), NULL, "too many YAML nodes (at most %d)", YT_MAX_NODES);
		return NULL;
	}
	n = hns_arena_alloc(&ld->tmp, sizeof(*n));
	if (n == NULL) {
		ld->oom = true;
		return NULL;
	}
	n->kind = kind;
	n->loc = yt_loc(mk);
	return n;
}

static int
yt_push(struct ld *ld, struct ynode *parent, size_t *cap, struct ynode *kid)
{
	if (parent->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct ynode **v = hns_arena_alloc(&ld->tmp, ncap * sizeof(*v));

		if (v == NULL) {
			ld->oom = true;
			return -1;
		}
		if (parent->n > 0)
			memcpy(v, parent->kids, parent->n * sizeof(*v));
		parent->kids = v;
		*cap = ncap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

struct yt_key {
	const char *s;
	size_t i;
};

static int
yt_key_cmp(const void *a, const void *b)
{
	const struct yt_key *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Marks repeated keys of a map in O(n log n): dup[i] is the first pair with key i's text. */
static int
yt_mark_dups(struct ld *ld, struct ynode *map)
{
	struct yt_key *keys;

	map->dup = hns_arena_alloc(&ld->tmp, (map->n + 1) * sizeof(*map->dup));
	keys = malloc((map->n + 1) * sizeof(*keys));
	if (map->dup == NULL || keys == NULL) {
		free(keys);
		ld->oom = true;
		return -1;
	}
	for (size_t i = 0; i < map->n; i++) {
		keys[i].s = map->kids[2 * i]->str;
		keys[i].i = i;
		map->dup[i] = -1;
	}
	if (map->n > 1)
		qsort(keys, map->n, sizeof(*keys), yt_key_cmp);
	for (size_t i = 1; i < map->n; i++) {
		size_t first = i - 1;

		if (strcmp(keys[i].s, keys[first].s) != 0)
			continue;
		while (first > 0 && strcmp(keys[first - 1].s, keys[i].s) == 0)
			first--;
		map->dup[keys[i].i] = (long)keys[first].i;
	}
	free(keys);
	return 0;
}

/* Builds the node that starts with *ev; takes ownership of *ev.  NULL on error. */
static struct ynode *
yt_node(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;
	yaml_event_type_t end;
	size_t cap = 0;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = yt_alloc(ld, YN_SCALAR, &ev->start_mark);
		if (n == NULL)
			break;
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
			ld_err(ld, n->loc, NULL, "a NUL character is not allowed in a value");
			n = NULL;
			break;
		}
		n->str = hns_arena_strndup(&ld->tmp, (const char *)ev->data.scalar.value,
		                           ev->data.scalar.length);
		if (n->str == NULL) {
			ld->oom = true;
			n = NULL;
			break;
		}
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->literal = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE;
		break;
	case YAML_ALIAS_EVENT:
		ld_err(ld, yt_loc(&ev->start_mark), NULL,
		       "YAML aliases are not supported (write the value out)");
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (depth >= YT_MAX_DEPTH) {
			ld_err(ld, yt_loc(&ev->start_mark), NULL, "nesting deeper than %d levels",
			       YT_MAX_DEPTH);
			break;
		}
		n = yt_alloc(ld, ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP,
		             &ev->start_mark);
		if (n == NULL)
			break;
		end = ev->type == YAML_SEQUENCE_START_EVENT ? YAML_SEQUENCE_END_EVENT
		                                            : YAML_MAPPING_END_EVENT;
		yaml_event_delete(ev);
		for (size_t i = 0;; i++) {
			struct ynode *kid;

			if (yt_next(ld, p, ev) != 0)
				return NULL;
			if (ev->type == end)
				break;
			kid = yt_node(ld, p, ev, depth + 1);
			if (kid == NULL)
				return NULL;
			if (end == YAML_MAPPING_END_EVENT && i % 2 == 0 && kid->kind != YN_SCALAR) {
				ld_err(ld, kid->loc, NULL,
				       "a map key must be a plain value (got a %s)",
				       kid->kind == YN_MAP ? "map" : "list");
				return NULL;
			}
			if (yt_push(ld, n, &cap, kid) != 0)
				return NULL;
		}
		if (end == YAML_MAPPING_END_EVENT) {
			n->n /= 2;
			if (yt_mark_dups(ld, n) != 0)
				n = NULL;
		}
		break;
	default:
		ld_err(ld, yt_loc(&ev->start_mark), NULL, "unexpected YAML event");
		break;
	}
	yaml_event_delete(ev);
	return n;
}

/* Parses the whole buffer into one document's root node; NULL on error (reported). */
struct ynode *
ld_yaml_parse(struct ld *ld)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ynode *root = NULL;
	struct model_loc first = {1, 1};

	if (ld_index_lines(ld) != 0) {
		ld->oom = true;
		return NULL;
	}
	if (!yaml_parser_initialize(&p)) {
		ld->oom = true;
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)ld->buf, ld->len);
	for (int docs = 0;;) {
		if (yt_next(ld, &p, &ev) != 0)
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			if (++docs > 1) {
				ld_err(ld, yt_loc(&ev.start_mark), NULL,
				       "a scenario is one YAML document (found a second one)");
				yaml_event_delete(&ev);
				goto fail;
			}
			yaml_event_delete(&ev);
			continue;
		}
		root = yt_node(ld, &p, &ev, 0);
		if (root == NULL)
			goto fail;
	}
	yaml_parser_delete(&p);
	if (root == NULL)
		ld_err(ld, first, NULL,
		       "empty scenario (expected a map with scenario, region, ...)");
	return root;
fail:
	yaml_parser_delete(&p);
	return NULL;
}
