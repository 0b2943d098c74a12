/*
 * Fuzz target for the lab goal splice (harness/lab_goals.c): any bytes in
 * as a trainee's file and as a lab's goals, no crash, leak or hang.  The
 * result must be consistent: a scan that succeeds gives spans inside the
 * text (expect items inside the expect span, in order), and the spliced
 * text keeps every byte of the file outside `expect` at its offset, so
 * the loader's line and column numbers still point into the file.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small world and a small goal list, the other side of each splice. */
static const char world[] = "scenario: w\nregion: eu-west-1\nexpect:\n  - query: a.example A\n";
static const char goals[] = "scenario: g\nregion: eu-west-1\nexpect:\n  - name: one\n"
			    "    query: b.example A\n  - {query: c.example A}\n";

static void
check_doc(const struct lab_doc *d, size_t len)
{
	if (d->body_end > len)
		abort();
	if (d->has_expect && (d->expect.start > d->expect.end || d->expect.end > len))
		abort();
	for (size_t i = 0; i < d->n_items; i++) {
		const struct lab_span *s = &d->items[i];

		if (!d->has_expect || s->start > s->end || s->start < d->expect.start ||
		    s->end > d->expect.end || (i > 0 && s->start < d->items[i - 1].end))
			abort();
	}
}

static void
check_splice(const char *text, size_t len, const struct lab_doc *d, const char *g,
	     const struct lab_doc *gd)
{
	for (size_t i = 0; i < gd->n_items; i++) {
		char *out = NULL;
		size_t olen = 0;
		int rc = lab_goal_text(text, d, g, &gd->items[i], &out, &olen);

		if (rc == HNS_EINVAL)
			continue;
		if (rc != 0 || out == NULL || olen < d->body_end || out[olen] != '\0')
			abort();
		for (size_t k = 0; k < d->body_end; k++) {
			bool in_expect = d->has_expect && k >= d->expect.start && k < d->expect.end;

			if (!in_expect && out[k] != text[k])
				abort();
			if (in_expect && out[k] != text[k] && out[k] != ' ')
				abort();
			if ((text[k] == '\n') != (out[k] == '\n'))
				abort();
		}
		free(out);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lab_doc d, fixed;
	char err[256];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* The input as a trainee's file, against fixed goals. */
	if (lab_doc_scan(text, size, &d, err, sizeof(err)) == 0) {
		check_doc(&d, size);
		if (lab_doc_scan(goals, sizeof(goals) - 1, &fixed, err, sizeof(err)) != 0)
			abort();
		check_splice(text, size, &d, goals, &fixed);
		lab_doc_deinit(&fixed);
		/* The input as a lab's goals, spliced into a fixed world. */
		if (lab_doc_scan(world, sizeof(world) - 1, &fixed, err, sizeof(err)) != 0)
			abort();
		check_splice(world, sizeof(world) - 1, &fixed, text, &d);
		lab_doc_deinit(&fixed);
		lab_doc_deinit(&d);
	} else if (err[0] == '\0') {
		abort(); /* a failed scan says why */
	}
	free(text);
	return 0;
}
