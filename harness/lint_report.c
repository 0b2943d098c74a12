/*
 * harness/lint_report.c -- writes lint findings as text, JSON members and
 * SARIF 2.1.0 (OASIS SARIF v2.1.0, sections 3.13 run, 3.19 tool component,
 * 3.27 result, 3.28 location, 3.30 region, 3.34 suppression and 3.49
 * reportingDescriptor).  Every JSON byte goes through harness/json.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "harness/json.h"
#include "harness/lint_report.h"

bool
lint_report_fails(const struct lint_findings *f, enum lint_severity at)
{
	for (size_t i = 0; i < f->n; i++)
		if (!f->v[i].suppressed && f->v[i].severity >= at)
			return true;
	return false;
}

/* ------------------------------------------------------------------ text */

static size_t
lint_report_count(const struct lint_findings *f, enum lint_severity s, bool suppressed)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].suppressed == suppressed && (suppressed || f->v[i].severity == s);
	return n;
}

static void
lint_report_text_one(const struct model *m, const struct lint_finding *x, FILE *out)
{
	fprintf(out, "  %s:%u:%u: %s %s: %s\n", m->file, x->loc.line, x->loc.col, x->id,
		lint_severity_str(x->severity), x->path[0] ? x->path : "(comment)");
	fprintf(out, "    %s\n", x->message);
	if (x->suppressed)
		fprintf(out, "    acknowledged: %s\n", x->reason);
	else
		fprintf(out, "    fix: %s\n", x->fix);
	fprintf(out, "    see: %s\n", x->source);
}

void
lint_report_text(const struct model *m, const struct lint_findings *f, FILE *out)
{
	static const struct {
		enum lint_severity sev;
		const char *title;
	} groups[] = { { LINT_ERROR, "Errors" }, { LINT_WARNING, "Warnings" }, { LINT_INFO, "Info" } };
	size_t ne = lint_report_count(f, LINT_ERROR, false);
	size_t nw = lint_report_count(f, LINT_WARNING, false);
	size_t ni = lint_report_count(f, LINT_INFO, false);
	size_t ns = lint_report_count(f, LINT_INFO, true);

	fprintf(out, "Findings for %s: %zu error%s, %zu warning%s, %zu info, %zu suppressed\n",
		m->scenario, ne, ne == 1 ? "" : "s", nw, nw == 1 ? "" : "s", ni, ns);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		size_t n = lint_report_count(f, groups[g].sev, false);
		if (n == 0)
			continue;
		fprintf(out, "\n%s (%zu)\n", groups[g].title, n);
		for (size_t i = 0; i < f->n; i++)
			if (!f->v[i].suppressed && f->v[i].severity == groups[g].sev)
				lint_report_text_one(m, &f->v[i], out);
	}
	if (ns) {
		fprintf(out, "\nSuppressed (%zu)\n", ns);
		for (size_t i = 0; i < f->n; i++)
			if (f->v[i].suppressed)
				lint_report_text_one(m, &f->v[i], out);
	}
}

/* ------------------------------------------------------------------ JSON */

static void
lint_report_json_one(struct json_writer *w, const struct model *m, const struct lint_finding *x)
{
	json_object_begin(w);
	json_kv_string(w, "id", x->id);
	json_kv_string(w, "severity", lint_severity_str(x->severity));
	json_kv_string(w, "file", m->file);
	json_kv_uint(w, "line", x->loc.line);
	json_kv_uint(w, "column", x->loc.col);
	json_kv_string(w, "path", x->path);
	json_kv_string(w, "message", x->message);
	json_kv_string(w, "fix", x->fix);
	json_kv_string(w, "source", x->source);
	if (x->suppressed)
		json_kv_string(w, "reason", x->reason);
	json_object_end(w);
}

void
lint_report_json(struct json_writer *w, const struct model *m, const struct lint_findings *f)
{
	for (int pass = 0; pass < 2; pass++) {
		json_key(w, pass == 0 ? "findings" : "suppressed");
		json_array_begin(w);
		for (size_t i = 0; i < f->n; i++)
			if (f->v[i].suppressed == (pass == 1))
				lint_report_json_one(w, m, &f->v[i]);
		json_array_end(w);
	}
}

/* ----------------------------------------------------------------- SARIF */

static const char *
lint_sarif_level(enum lint_severity s)
{
	return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "note";
}

static bool
lint_is_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* The scenario's path as a URI reference (SARIF 3.4.3): absolute paths become file: URIs. */
static void
lint_sarif_uri(struct json_writer *w, const char *path)
{
	char buf[4096];
	size_t o = 0;
	static const char hex[] = "0123456789ABCDEF";

	if (path[0] == '/')
		o += (size_t)snprintf(buf, sizeof(buf), "file://");
	for (const char *p = path; *p && o + 4 < sizeof(buf); p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch >= 0x7f || strchr("%#?\"<>\\^`{|}[]", ch)) {
			buf[o++] = '%';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
	json_kv_string(w, "uri", buf);
}

static void
lint_sarif_rules(struct json_writer *w)
{
	json_key(w, "rules");
	json_array_begin(w);
	for (size_t i = 0; i < lint_rule_count(); i++) {
		const struct lint_rule *r = lint_rule_at(i);
		json_object_begin(w);
		json_kv_string(w, "id", r->id);
		json_key(w, "shortDescription");
		json_object_begin(w);
		json_kv_string(w, "text", r->title);
		json_object_end(w);
		if (lint_is_url(r->source))
			json_kv_string(w, "helpUri", r->source);
		json_key(w, "defaultConfiguration");
		json_object_begin(w);
		json_kv_string(w, "level", lint_sarif_level(r->severity));
		json_object_end(w);
		json_object_end(w);
	}
	json_array_end(w);
}

static size_t
lint_rule_index(const char *id)
{
	for (size_t i = 0; i < lint_rule_count(); i++)
		if (strcmp(lint_rule_at(i)->id, id) == 0)
			return i;
	return 0;
}

static void
lint_sarif_result(struct json_writer *w, const struct model *m, const struct lint_finding *x)
{
	json_object_begin(w);
	json_kv_string(w, "ruleId", x->id);
	json_kv_uint(w, "ruleIndex", lint_rule_index(x->id));
	json_kv_string(w, "level", lint_sarif_level(x->severity));
	json_key(w, "message");
	json_object_begin(w);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem != NULL) {
		fprintf(mem, "%s Fix: %s", x->message, x->fix);
		fclose(mem);
	}
	json_kv_string(w, "text", text ? text : x->message);
	free(text);
	json_object_end(w);
	json_key(w, "locations");
	json_array_begin(w);
	json_object_begin(w);
	json_key(w, "physicalLocation");
	json_object_begin(w);
	json_key(w, "artifactLocation");
	json_object_begin(w);
	lint_sarif_uri(w, m->file);
	json_object_end(w);
	if (x->loc.line > 0) {
		json_key(w, "region");
		json_object_begin(w);
		json_kv_uint(w, "startLine", x->loc.line);
		if (x->loc.col > 0)
			json_kv_uint(w, "startColumn", x->loc.col);
		json_object_end(w);
	}
	json_object_end(w);
	if (x->path[0]) {
		json_key(w, "logicalLocations");
		json_array_begin(w);
		json_object_begin(w);
		json_kv_string(w, "fullyQualifiedName", x->path);
		json_object_end(w);
		json_array_end(w);
	}
	json_object_end(w);
	json_array_end(w);
	if (x->suppressed) {
		json_key(w, "suppressions");
		json_array_begin(w);
		json_object_begin(w);
		json_kv_string(w, "kind", "inSource");
		json_kv_string(w, "justification", x->reason);
		json_object_end(w);
		json_array_end(w);
	}
	json_key(w, "properties");
	json_object_begin(w);
	json_kv_string(w, "fix", x->fix);
	json_kv_string(w, "source", x->source);
	json_object_end(w);
	json_object_end(w);
}

int
lint_report_sarif(const struct model *m, const struct lint_findings *f, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out, true);
	json_object_begin(&w);
	json_kv_string(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	json_kv_string(&w, "version", "2.1.0");
	json_key(&w, "runs");
	json_array_begin(&w);
	json_object_begin(&w);
	json_key(&w, "tool");
	json_object_begin(&w);
	json_key(&w, "driver");
	json_object_begin(&w);
	json_kv_string(&w, "name", "hybridns lint");
	json_kv_string(&w, "version", HNS_VERSION);
	lint_sarif_rules(&w);
	json_object_end(&w);
	json_object_end(&w);
	json_key(&w, "results");
	json_array_begin(&w);
	for (size_t i = 0; i < f->n; i++)
		lint_sarif_result(&w, m, &f->v[i]);
	json_array_end(&w);
	json_object_end(&w);
	json_array_end(&w);
	json_object_end(&w);
	return json_writer_finish(&w);
}

/* The scenario's text, for ignore comments; NULL (no suppression) when unreadable. */
char *
lint_report_source(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (b == NULL)
				break;
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	if (buf)
		buf[n] = '\0'; /* the loop leaves at least 4096 bytes free */
	*len = n;
	return buf;
}
