/*
 * harness/matrix_write.c -- the resolution matrix as text, Markdown, JSON
 * and HTML (see matrix.h).  One table of class names and colours serves
 * every format.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/plural.h"
#include "harness/expect.h"
#include "harness/json.h"
#include "harness/matrix.h"

/* Per class: the terminal colour (SGR); the HTML colours are matrix_css's. */
static const char *const class_sgr[MATRIX_N_CLASSES] = {
	[MATRIX_PRIVATE] = "32",  [MATRIX_PUBLIC] = "33",   [MATRIX_NXDOMAIN] = "35", [MATRIX_NODATA] = "36",
	[MATRIX_SERVFAIL] = "31", [MATRIX_TIMEOUT] = "31;1", [MATRIX_REFUSED] = "31",
};

static int
matrix_write_status(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

/* The short form of a text grid cell: "private(api,2)", "public", "NXDOMAIN", ... */
static const char *
matrix_cell_short(const struct matrix_cell *c, char *buf, size_t len)
{
	if (c->cls == MATRIX_PRIVATE && c->endpoint != NULL)
		snprintf(buf, len, "private(%s,%zu)", c->endpoint->name, c->endpoint_ips);
	else
		matrix_cell_text(c, buf, len);
	return buf;
}

/* The answers of a cell on one line: "10.0.1.25 10.0.2.25 (NOERROR, 25.1 ms)". */
static const char *
matrix_cell_detail(const struct matrix_cell *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (c->rcode < 0) {
		snprintf(buf, len, "no answer: %s", c->error);
		return buf;
	}
	for (size_t i = 0; i < c->n_answers && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s ", c->answers[i]);
	if (o < len)
		snprintf(buf + o, len - o, "(%s, %.1f ms)", DNS_RCODE_NAME((unsigned)c->rcode), c->latency_ms);
	return buf;
}

/* ------------------------------------------------------------------ text */

static void
matrix_pad(FILE *out, const char *s, int width, const char *sgr)
{
	if (sgr != NULL)
		fprintf(out, "\033[%sm%s\033[0m%*s", sgr, s, width - (int)strlen(s), "");
	else
		fprintf(out, "%-*s", width, s);
}

int
matrix_write_text(const struct matrix *mx, FILE *out, bool colour)
{
	int name_w = 4, *w = calloc(mx->n_places ? mx->n_places : 1, sizeof(*w));
	char buf[320], type[24];

	if (w == NULL)
		return HNS_ENOMEM;

	for (size_t r = 0; r < mx->n_names; r++) {
		int l = (int)strlen(mx->names[r].name);

		name_w = l > name_w ? l : name_w;
	}
	for (size_t p = 0; p < mx->n_places; p++) {
		w[p] = (int)strlen(mx->places[p].name);
		for (size_t r = 0; r < mx->n_names; r++) {
			int l = (int)strlen(matrix_cell_short(matrix_cell_at(mx, r, p), buf, sizeof(buf)));

			w[p] = l > w[p] ? l : w[p];
		}
	}
	fprintf(out, "%s: %zu %s x %zu %s, asked live in one world\n", mx->m->scenario, mx->n_names,
		HNS_PLURAL(mx->n_names, "name", "names"), mx->n_places, HNS_PLURAL(mx->n_places, "place", "places"));
	fprintf(out, "%-*s  %-5s", name_w, "NAME", "TYPE");
	for (size_t p = 0; p < mx->n_places; p++)
		fprintf(out, "  %-*s", w[p], mx->places[p].name);
	fputc('\n', out);
	for (size_t r = 0; r < mx->n_names; r++) {
		fprintf(out, "%-*s  %-5s", name_w, mx->names[r].name,
			matrix_type_str(mx->names[r].qtype, type, sizeof(type)));
		for (size_t p = 0; p < mx->n_places; p++) {
			const struct matrix_cell *c = matrix_cell_at(mx, r, p);

			fputs("  ", out);
			matrix_pad(out, matrix_cell_short(c, buf, sizeof(buf)), w[p],
				   colour ? class_sgr[c->cls] : NULL);
		}
		fputc('\n', out);
	}
	fprintf(out, "private(E,N): N addresses, all ENIs of interface endpoint E; private: inside a VPC or on-prem CIDR; public: outside them\n");
	free(w);
	return matrix_write_status(out);
}

/* -------------------------------------------------------------- Markdown */

void
matrix_md_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_' || *s == '<')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

int
matrix_write_markdown(const struct matrix *mx, FILE *out)
{
	char buf[320], type[24];

	fprintf(out, "| name | type |");
	for (size_t p = 0; p < mx->n_places; p++) {
		fputc(' ', out);
		matrix_md_text(out, mx->places[p].name);
		fputs(" |", out);
	}
	fprintf(out, "\n| --- | --- |");
	for (size_t p = 0; p < mx->n_places; p++)
		fputs(" --- |", out);
	fputc('\n', out);
	for (size_t r = 0; r < mx->n_names; r++) {
		fputs("| ", out);
		matrix_md_text(out, mx->names[r].name);
		fprintf(out, " | %s |", matrix_type_str(mx->names[r].qtype, type, sizeof(type)));
		for (size_t p = 0; p < mx->n_places; p++) {
			fputc(' ', out);
			matrix_md_text(out, matrix_cell_text(matrix_cell_at(mx, r, p), buf, sizeof(buf)));
			fputs(" |", out);
		}
		fputc('\n', out);
	}
	return matrix_write_status(out);
}

/* ------------------------------------------------------------------ JSON */

void
matrix_json_members(struct json_writer *w, const struct matrix *mx)
{
	char type[24], text[320];

	json_key(w, "places");
	json_array_begin(w);
	for (size_t p = 0; p < mx->n_places; p++)
		json_value_string(w, mx->places[p].name);
	json_array_end(w);
	json_key(w, "names");
	json_array_begin(w);
	for (size_t r = 0; r < mx->n_names; r++) {
		json_object_begin(w);
		json_kv_string(w, "name", mx->names[r].name);
		json_kv_string(w, "type", matrix_type_str(mx->names[r].qtype, type, sizeof(type)));
		json_kv_string(w, "why", mx->names[r].why);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "cells");
	json_array_begin(w);
	for (size_t r = 0; r < mx->n_names; r++) {
		for (size_t p = 0; p < mx->n_places; p++) {
			const struct matrix_cell *c = matrix_cell_at(mx, r, p);

			json_object_begin(w);
			json_kv_string(w, "name", mx->names[r].name);
			json_kv_string(w, "type", matrix_type_str(mx->names[r].qtype, type, sizeof(type)));
			json_kv_string(w, "place", mx->places[p].name);
			json_kv_string(w, "class", matrix_class_str(c->cls));
			if (c->rcode >= 0)
				json_kv_string(w, "rcode", DNS_RCODE_NAME((unsigned)c->rcode));
			else
				json_kv_null(w, "rcode");
			json_key(w, "answers");
			json_array_begin(w);
			for (size_t i = 0; i < c->n_answers; i++)
				json_value_string(w, c->answers[i]);
			json_array_end(w);
			if (c->endpoint != NULL)
				json_kv_string(w, "endpoint", c->endpoint->name);
			else
				json_kv_null(w, "endpoint");
			json_kv_uint(w, "endpoint_ips", c->endpoint_ips);
			json_kv_string(w, "text", matrix_cell_text(c, text, sizeof(text)));
			json_kv_double(w, "latency_ms", c->latency_ms);
			if (c->rcode < 0)
				json_kv_string(w, "error", c->error);
			json_object_end(w);
		}
	}
	json_array_end(w);
}

int
matrix_write_json(const struct matrix *mx, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out, true);
	json_object_begin(&w);
	json_kv_string(&w, "scenario", mx->m->scenario);
	json_kv_string(&w, "file", mx->m->file);
	matrix_json_members(&w, mx);
	json_object_end(&w);
	return json_writer_finish(&w);
}

/* ------------------------------------------------------------------ HTML */

void
matrix_html_text(FILE *out, const char *s)
{
	static const struct {
		char c;
		const char *ent;
	} ents[] = { { '<', "&lt;" }, { '>', "&gt;" }, { '&', "&amp;" }, { '"', "&quot;" }, { '\'', "&#39;" } };

	for (; *s != '\0'; s++) {
		size_t k = 0;

		while (k < sizeof(ents) / sizeof(ents[0]) && ents[k].c != *s)
			k++;
		if (k < sizeof(ents) / sizeof(ents[0]))
			fputs(ents[k].ent, out);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
}

static const char matrix_css[] =
	"table.hns-matrix{border-collapse:collapse;font:13px/1.4 system-ui,sans-serif}\n"
	"table.hns-matrix th,table.hns-matrix td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}\n"
	"table.hns-matrix thead th{background:#eee;position:sticky;top:0}\n"
	"table.hns-matrix td.hns-name{font-family:ui-monospace,monospace}\n"
	"table.hns-matrix td[title]{cursor:help}\n"
	"table.hns-matrix td.hns-private{background:#d4f4dd}\n"
	"table.hns-matrix td.hns-public{background:#fff2c2}\n"
	"table.hns-matrix td.hns-nxdomain{background:#f0ddf6}\n"
	"table.hns-matrix td.hns-nodata{background:#dcefff}\n"
	"table.hns-matrix td.hns-servfail{background:#ffd6d6}\n"
	"table.hns-matrix td.hns-timeout{background:#ffb3b3}\n"
	"table.hns-matrix td.hns-refused{background:#ffd6d6}\n";

const char *
matrix_html_css(void)
{
	return matrix_css;
}

int
matrix_write_html_fragment(const struct matrix *mx, FILE *out)
{
	char buf[320], detail[2048], type[24];

	fprintf(out, "<table class=\"hns-matrix\">\n<caption>");
	matrix_html_text(out, mx->m->scenario);
	fprintf(out, ": where each name resolves from each place (live emulation)</caption>\n");
	fprintf(out, "<thead><tr><th>name</th><th>type</th>");
	for (size_t p = 0; p < mx->n_places; p++) {
		fputs("<th>", out);
		matrix_html_text(out, mx->places[p].name);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t r = 0; r < mx->n_names; r++) {
		fputs("<tr><td class=\"hns-name\" title=\"", out);
		matrix_html_text(out, mx->names[r].why);
		fputs("\">", out);
		matrix_html_text(out, mx->names[r].name);
		fprintf(out, "</td><td>%s</td>", matrix_type_str(mx->names[r].qtype, type, sizeof(type)));
		for (size_t p = 0; p < mx->n_places; p++) {
			const struct matrix_cell *c = matrix_cell_at(mx, r, p);

			fprintf(out, "<td class=\"hns-%s\" title=\"", matrix_class_str(c->cls));
			matrix_html_text(out, matrix_cell_detail(c, detail, sizeof(detail)));
			fputs("\">", out);
			matrix_html_text(out, matrix_cell_text(c, buf, sizeof(buf)));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	return matrix_write_status(out);
}

int
matrix_write_html_page(const struct matrix *mx, FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
	matrix_html_text(out, mx->m->scenario);
	fprintf(out, " -- resolution matrix</title>\n<style>\nbody{margin:1em}\n%s</style>\n</head>\n<body>\n",
		matrix_css);
	matrix_write_html_fragment(mx, out);
	fputs("</body>\n</html>\n", out);
	return matrix_write_status(out);
}
