/*
 * harness/lab_goals.c -- put a lab's goals into a trainee's world.
 *
 * The trainee's file is valid (the loader said so) but its `expect:` is
 * the trainee's to edit, so it must not count.  lab_doc_scan() finds the
 * top-level `expect` key and its list items from libyaml's event marks;
 * lab_goal_text() blanks the trainee's `expect` (keeping every other byte
 * where it was, so the loader's messages still point into the file) and
 * appends one goal of the lab's design as the only expectation.  The
 * loader then binds the goal to the trainee's VPCs, endpoints and zones.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/error.h"
#include "common/grow.h"
#include "harness/lab.h"

/* The walk of one document: which node of the top level is where. */
struct scan {
	struct lab_doc *doc;
	size_t depth;	    /* open collections */
	size_t pos;	    /* complete nodes at the top level (keys and values alternate) */
	size_t node_start;  /* start of the top-level node being read */
	size_t item_start;  /* start of the expect item being read */
	size_t cap_items;
	bool key_is_expect; /* the last complete key was `expect` */
	bool in_expect;	    /* inside expect's value */
	bool expect_is_seq;
	size_t documents;
	char *err; /* the message of a failed scan */
	size_t errlen;
};

static int
scan_item_push(struct scan *s, size_t start, size_t end)
{
	struct lab_doc *d = s->doc;

	if (hns_grow(&d->items, &s->cap_items, d->n_items, sizeof(*d->items), 16) != 0)
		return HNS_ENOMEM;
	d->items[d->n_items++] = (struct lab_span){ start, end };
	return 0;
}

/* A node starts at `level` (0 = the document's root). */
static int
scan_node_start(struct scan *s, const yaml_event_t *ev, size_t level, char *err, size_t errlen)
{
	if (level == 0) {
		if (ev->type != YAML_MAPPING_START_EVENT ||
		    ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE ||
		    ev->start_mark.column != 0) {
			snprintf(err, errlen,
				 "%zu:%zu: the top level must be a block mapping starting at column 1",
				 ev->start_mark.line + 1, ev->start_mark.column + 1);
			return HNS_EPARSE;
		}
	} else if (level == 1) {
		s->node_start = ev->start_mark.index;
		if (s->pos % 2 == 1 && s->key_is_expect) {
			s->in_expect = true;
			s->expect_is_seq = ev->type == YAML_SEQUENCE_START_EVENT;
		}
	} else if (level == 2 && s->in_expect && s->expect_is_seq) {
		s->item_start = ev->start_mark.index;
	}
	return 0;
}

/* The node at `level` ends with ev. */
static int
scan_node_end(struct scan *s, const yaml_event_t *ev, size_t level)
{
	struct lab_doc *d = s->doc;

	if (level == 2 && s->in_expect && s->expect_is_seq)
		return scan_item_push(s, s->item_start, ev->end_mark.index);
	if (level != 1)
		return 0;
	if (s->pos % 2 == 0) {
		s->key_is_expect = ev->type == YAML_SCALAR_EVENT &&
				   strcmp((const char *)ev->data.scalar.value, "expect") == 0;
		if (s->key_is_expect && d->has_expect) {
			snprintf(s->err, s->errlen, "%zu:%zu: expect: a second top-level expect",
				 ev->start_mark.line + 1, ev->start_mark.column + 1);
			return HNS_EPARSE;
		}
		if (s->key_is_expect)
			d->expect.start = s->node_start;
	} else if (s->in_expect) {
		d->expect.end = ev->end_mark.index;
		d->has_expect = true;
		s->in_expect = false;
	}
	s->pos++;
	return 0;
}

static int
scan_event(struct scan *s, const yaml_event_t *ev, char *err, size_t errlen)
{
	int rc = 0;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++s->documents > 1) {
			snprintf(err, errlen, "%zu:%zu: more than one YAML document",
				 ev->start_mark.line + 1, ev->start_mark.column + 1);
			return HNS_EPARSE;
		}
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		s->doc->body_end = ev->start_mark.index;
		return 0;
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
		if ((rc = scan_node_start(s, ev, s->depth, err, errlen)) != 0)
			return rc;
		return scan_node_end(s, ev, s->depth);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if ((rc = scan_node_start(s, ev, s->depth, err, errlen)) != 0)
			return rc;
		s->depth++;
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		s->depth--;
		return scan_node_end(s, ev, s->depth);
	default:
		return 0;
	}
}

int
lab_doc_scan(const char *text, size_t len, struct lab_doc *out, char *err, size_t errlen)
{
	struct lab_doc d = { 0 };
	struct scan s = { .doc = &d, .err = err, .errlen = errlen };
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	err[0] = '\0';
	d.body_end = len;
	if (!yaml_parser_initialize(&p))
		return HNS_ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(err, errlen, "%zu:%zu: %s", p.problem_mark.line + 1,
				 p.problem_mark.column + 1, p.problem ? p.problem : "not YAML");
			rc = HNS_EPARSE;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = scan_event(&s, &ev, err, errlen);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc == 0 && s.documents == 0) {
		snprintf(err, errlen, "1:1: no YAML document");
		rc = HNS_EPARSE;
	}
	if (rc != 0) {
		free(d.items);
		return rc;
	}
	*out = d;
	return 0;
}

void
lab_doc_deinit(struct lab_doc *d)
{
	if (d == NULL)
		return;
	free(d->items);
	memset(d, 0, sizeof(*d));
}

int
lab_goal_text(const char *world, const struct lab_doc *wdoc, const char *goals,
	      const struct lab_span *item, char **out, size_t *out_len)
{
	static const char head[] = "\nexpect:\n";
	size_t from = item->start, to = item->end, body = wdoc->body_end, n, o;
	char *t;

	/* The goal item from the start of its line: only indentation and "- " before it. */
	while (from > 0 && goals[from - 1] != '\n') {
		if (goals[from - 1] != ' ' && goals[from - 1] != '-')
			return HNS_EINVAL;
		from--;
	}
	if (to < from)
		return HNS_EINVAL;
	/* The item's last mark may stand on the next line: end at its own last byte. */
	while (to > from && strchr(" \t\r\n", goals[to - 1]) != NULL)
		to--;
	n = body + sizeof(head) - 1 + (to - from) + 1;
	if ((t = malloc(n + 1)) == NULL)
		return HNS_ENOMEM;
	memcpy(t, world, body);
	if (wdoc->has_expect) {
		for (size_t i = wdoc->expect.start; i < wdoc->expect.end && i < body; i++) {
			if (t[i] != '\n' && t[i] != '\r')
				t[i] = ' ';
		}
	}
	o = body;
	memcpy(t + o, head, sizeof(head) - 1);
	o += sizeof(head) - 1;
	memcpy(t + o, goals + from, to - from);
	o += to - from;
	t[o++] = '\n';
	t[o] = '\0';
	*out = t;
	*out_len = o;
	return 0;
}
