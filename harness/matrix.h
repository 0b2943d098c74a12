/*
 * harness/matrix.h -- the resolution matrix: every name that matters x
 * every place a client can ask from, answered by the live emulation.
 *
 * What goes in: a loaded model (and optionally a names file).  What comes
 * out: one cell per (name, type, place), classified as private (inside a
 * VPC or on-prem CIDR; with the interface endpoint whose ENIs answered),
 * public, nxdomain, nodata, servfail, timeout or refused, with the rcode
 * and the answer values as the client saw them.
 *
 * The cells are asked exactly as `check` asks an expectation (the same
 * world_up(), world_client_targets() and c-ares stub of harness/client.h),
 * but in one world for the whole matrix: each (name, type) is asked once
 * per place, so a resolver's cache holds at most what another place's
 * query for the same name put there -- the same answer check's cold world
 * for that name gives (tests/integration/harness/matrix_check.sh compares
 * the two on every shipped scenario, matrix_rows.sh on every row of the
 * default one).  The on-prem forwarder's cache is keyed by name and type,
 * so no other row's answer can stand in for a cell's.  No `given` faults: the matrix is the
 * steady state.
 *
 * Steps: matrix_new() selects the rows and columns (no I/O; unit-testable),
 * matrix_names_file() adds or overrides rows, matrix_run() asks the live
 * world, and the writers render it.  matrix_build() does the three.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

struct json_writer;

enum matrix_class {
	MATRIX_PRIVATE = 0, /* NOERROR, every address inside a VPC or on-prem CIDR */
	MATRIX_PUBLIC,	    /* NOERROR with an address (or other data) outside them */
	MATRIX_NXDOMAIN,
	MATRIX_NODATA,	    /* NOERROR, no record of the asked type */
	MATRIX_SERVFAIL,    /* SERVFAIL, and any other error rcode (the rcode says which) */
	MATRIX_TIMEOUT,	    /* no answer (timeout or transport failure) */
	MATRIX_REFUSED,
	MATRIX_N_CLASSES,
};

/* "private", "public", "nxdomain", "nodata", "servfail", "timeout", "refused". */
const char *matrix_class_str(enum matrix_class c);

/* One column: a place a client asks from, as `from:` is written in expectations. */
struct matrix_place {
	char name[160];	       /* "onprem:dc1-dns", "vpc:consumer-1", "inbound:inbound@private-a", "internet" */
	struct model_from from; /* points into the model */
};

/* One row: a name and a type. */
struct matrix_name {
	char name[256]; /* lower case, no trailing dot */
	uint16_t qtype;
	char why[160]; /* where the row comes from: "endpoint api private DNS", "--names FILE:3" */
};

#define MATRIX_MAX_ANSWERS 32

struct matrix_cell {
	enum matrix_class cls;
	int rcode;	   /* -1 when no answer (timeout) */
	/* The answer section as check reports it (CNAMEs on the way included), in order. */
	size_t n_answers;
	char answers[MATRIX_MAX_ANSWERS][256]; /* presentation form, lower case, no trailing dot */
	uint16_t answer_types[MATRIX_MAX_ANSWERS];
	/* Private: the interface endpoint whose ENIs hold every address, or NULL. */
	const struct model_endpoint *endpoint;
	size_t endpoint_ips; /* how many of its ENI addresses were in the answer */
	double latency_ms;
	char error[128]; /* timeout: why (c-ares's words) */
};

struct matrix {
	const struct model *m; /* not owned */
	struct matrix_place *places;
	size_t n_places;
	struct matrix_name *names;
	size_t n_names;
	/* n_names * n_places, row-major: matrix_cell_at(); all MATRIX_TIMEOUT until matrix_run(). */
	struct matrix_cell *cells;
	bool ran; /* matrix_run() filled the cells */
};

struct matrix_opts {
	uint64_t seed; /* with seed_given; else the scenario's vpn.seed */
	bool seed_given;
	uint16_t port;	     /* 0: a free one */
	unsigned timeout_ms; /* the stub's per-try timeout (check's default, 5000) */
	unsigned tries;	     /* the stub's tries (2) */
};

void matrix_opts_init(struct matrix_opts *o);

/*
 * The default rows and columns of m (cells unasked).  Returns 0 with *out
 * caller-owned (matrix_free), or HNS_ENOMEM.
 */
int matrix_new(const struct model *m, struct matrix **out);
/*
 * Add the rows of a names file (one `name [TYPE]` per line, `#` comments,
 * blank lines ignored); a row already present is kept once (the file's
 * reason replaces the default one).  On a bad line or an unreadable file
 * returns HNS_EINVAL with "FILE:LINE: what is wrong" in err (exit 2).
 */
int matrix_names_file(struct matrix *mx, const char *path, char *err, size_t errlen);
/* The same from memory; `file` stands for the file in messages (the fuzz target's entry). */
int matrix_names_parse(struct matrix *mx, const char *file, const char *buf, size_t len, char *err,
		       size_t errlen);
/*
 * Add one row (name as given, made lower case without trailing dot) unless
 * (name, qtype) is there already; `why` replaces the old reason when
 * non-NULL.  0, HNS_ENAME for a name that is no DNS name, or HNS_ENOMEM.
 */
int matrix_name_add(struct matrix *mx, const char *name, uint16_t qtype, const char *why);
/*
 * Ask every cell in one live world.  Returns 0, or a negative hns_err when
 * the world could not come up (exit 3).
 */
int matrix_run(struct matrix *mx, const struct matrix_opts *o);
/* matrix_new + matrix_names_file (when names_file != NULL) + matrix_run. */
int matrix_build(const struct model *m, const char *names_file, const struct matrix_opts *o,
		 struct matrix **out, char *err, size_t errlen);
void matrix_free(struct matrix *mx); /* accepts NULL */

const struct matrix_cell *matrix_cell_at(const struct matrix *mx, size_t name, size_t place);
/* The row of (name, qtype) or the column of a place string; -1 when absent. */
long matrix_name_find(const struct matrix *mx, const char *name, uint16_t qtype);
long matrix_place_find(const struct matrix *mx, const char *place);

/*
 * Classify an answer: rcode (-1: none), the values of the asked type and
 * whether each is an address.  Fills cls, endpoint and endpoint_ips of c
 * from its rcode and answers (I/O-free; unit-tested).
 */
void matrix_cell_classify(const struct model *m, uint16_t qtype, struct matrix_cell *c);
/* "private (endpoint api, 2 IPs)", "public", "NXDOMAIN", "timeout", ... into buf. */
const char *matrix_cell_text(const struct matrix_cell *c, char *buf, size_t len);
/* "A", "AAAA", "TYPE65400" into buf. */
const char *matrix_type_str(uint16_t qtype, char *buf, size_t len);

/*
 * The writers.  Each returns 0, or a negative hns_err when writing failed.
 * Text: a table per place group, colours when `colour` (the command decides
 * from NO_COLOR and isatty).  Markdown: a GitHub-flavoured table.  JSON:
 * the whole document {"scenario", "places", "names", "cells"}.
 */
int matrix_write_text(const struct matrix *mx, FILE *out, bool colour);
int matrix_write_markdown(const struct matrix *mx, FILE *out);
int matrix_write_json(const struct matrix *mx, FILE *out);
/* "places", "names" and "cells" as members of an object the caller opened (for a report). */
void matrix_json_members(struct json_writer *w, const struct matrix *mx);
/*
 * HTML: a <table class="hns-matrix"> fragment (cells classed hns-<class>,
 * the answers in a title tooltip), no <style>; matrix_html_css() is the
 * inline CSS it expects; matrix_write_html_page() a self-contained page
 * (that CSS inline, no external fetch).
 */
int matrix_write_html_fragment(const struct matrix *mx, FILE *out);
const char *matrix_html_css(void);
int matrix_write_html_page(const struct matrix *mx, FILE *out);
/* s escaped for HTML text and attribute values (control characters dropped). */
void matrix_html_text(FILE *out, const char *s);
/* s escaped for a cell of a GitHub-flavoured Markdown table (| \ ` * _ < escaped, no line break). */
void matrix_md_text(FILE *out, const char *s);
