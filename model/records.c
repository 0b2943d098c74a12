/*
 * model/records.c -- `records:` blocks and zone texts: one RR per line,
 * parsed by ldns with the zone as origin and defaults.record_ttl as the
 * default TTL, plus the ALIAS extension:
 *
 *   <owner> [ttl] [class] ALIAS endpoint:<name> | endpoint:<name>@<az> | <dns name>
 *
 * An ALIAS target that is a DNS name is taken as absolute (Route 53 alias
 * targets are), with or without the trailing dot.
 *
 * Owners may be relative, absolute or `@`; a line starting with a blank
 * repeats the previous owner; `;` starts a comment; parentheses may span
 * lines.  Each record's location is its own line in the scenario file: for
 * literal block scalars (`|`) the line is the block's first content line
 * plus the line offset, the column the line's indentation.  Other scalar
 * styles (quoted, plain, folded) have no 1:1 line mapping: their records
 * point at the scalar itself.
 *
 * Size: a scenario holds at most MODEL_MAX_RECORDS records over all its zone
 * texts.  Each block is first split and counted (cheap), and a block that
 * would cross the limit is refused at the first record beyond it, before
 * ldns sees any of it.
 *
 * Heap: ldns_rr_new_frm_str() takes about 192 KiB of scratch buffers per
 * call (three of 64 KiB) and frees them before it returns.  With glibc's
 * trim threshold at its default (128 KiB), every call grows the heap with
 * brk and the free shrinks it again: three brk calls and fresh zeroed pages
 * per record.  glibc raises the threshold by itself after freeing a large
 * mmapped chunk, but only for chunks up to 32 MiB, so whether loading was
 * linear depended on the size of libyaml's buffer for the block (linear up
 * to about 600,000 records, 10 times slower beyond).  While records are
 * parsed the threshold is held at RECORDS_TRIM_THRESHOLD, then set back to
 * glibc's default.
 */
#include "config.h"

#include <ctype.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "model/internal.h"

#define RECORD_LINE_MAX 4096
_Static_assert(RECORD_LINE_MAX == 4096, "the messages say 4095 characters");
#define RECORDS_TRIM_THRESHOLD (64 << 20) /* above ldns's scratch per record */
#define GLIBC_TRIM_THRESHOLD (128 << 10)  /* glibc's default M_TRIM_THRESHOLD */

static bool
is_class(const char *t)
{
	return strcasecmp(t, "IN") == 0 || strcasecmp(t, "CH") == 0 || strcasecmp(t, "HS") == 0 ||
	       strcasecmp(t, "CS") == 0 || strncasecmp(t, "CLASS", 5) == 0;
}

static bool
is_ttl(const char *t)
{
	return isdigit((unsigned char)t[0]) != 0;
}

/* Lower-cased presentation form of a dname without the trailing dot. */
static const char *
owner_str(struct ld *ld, const ldns_rdf *d)
{
	char *s = ldns_rdf2str(d);
	size_t n;
	const char *out;

	if (s == NULL) {
		ld->oom = true;
		return NULL;
	}
	n = strlen(s);
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	out = hns_arena_strdup(&ld->m->arena, s);
	free(s);
	if (out == NULL)
		ld->oom = true;
	return out;
}

/* Splits a line into whitespace-separated tokens (comments dropped); returns the count. */
static size_t
tokenize(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p != '\0' && n < max) {
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == ';')
			break;
		tok[n++] = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

struct rec_ctx {
	struct ld *ld;
	struct model_zone *z;
	const char *path;
	ldns_rdf *origin;
	ldns_rdf *prev; /* the previous owner, for lines starting with a blank */
};

static void
set_prev(struct rec_ctx *c, ldns_rdf *owner)
{
	if (c->prev != NULL)
		ldns_rdf_deep_free(c->prev);
	c->prev = owner;
}

/* An ALIAS target endpoint:<name> or endpoint:<name>@<az> (t) into r. */
static void
record_alias_endpoint(struct rec_ctx *c, struct model_record *r, const char *t,
                      struct model_loc loc)
{
	struct ld *ld = c->ld;
	char names[256], name[256];
	const char *at = strchr(t + 9, '@');
	size_t nl = at ? (size_t)(at - (t + 9)) : strlen(t + 9);
	struct model_endpoint *ep;

	if (nl >= sizeof(name))
		nl = sizeof(name) - 1;
	memcpy(name, t + 9, nl);
	name[nl] = '\0';
	if (name[0] == '\0') {
		ld_err(ld, loc, c->path,
		       "ALIAS target '%s' names no endpoint (expected endpoint:<name> or "
		       "endpoint:<name>@<az>)",
		       t);
		return;
	}
	ep = model_endpoint_find(ld->m, name);
	if (ep == NULL || ep->type != MODEL_ENDPOINT_INTERFACE) {
		size_t used = 0;

		names[0] = '\0';
		for (size_t i = 0; i < ld->m->n_endpoints && used + 1 < sizeof(names);
		     i++) {
			const struct model_endpoint *e = &ld->m->endpoints[i];

			if (e->type != MODEL_ENDPOINT_INTERFACE || e->name == NULL)
				continue;
			int w = snprintf(names + used, sizeof(names) - used, "%s%s",
			                 used ? ", " : "", e->name);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		ld_err(ld, loc, c->path,
		       "ALIAS target: no interface endpoint named '%s' (interface "
		       "endpoints: %s)",
		       name, names[0] ? names : "none defined");
		return;
	}
	r->alias_endpoint = ep;
	if (at == NULL) {
		r->alias = MODEL_ALIAS_ENDPOINT;
		r->alias_target = ep->regional_name;
	} else {
		r->alias = MODEL_ALIAS_ENDPOINT_AZ;
		for (size_t i = 0; i < ep->n_enis; i++) {
			if (ep->enis[i].subnet->az != NULL &&
			    strcmp(ep->enis[i].subnet->az, at + 1) == 0)
				r->alias_target = ep->enis[i].zonal_name;
		}
		if (r->alias_target == NULL) {
			ld_err(ld, loc, c->path,
			       "ALIAS target: endpoint %s has no ENI in %s", name, at + 1);
			return;
		}
		r->alias_az = hns_arena_strdup(&ld->m->arena, at + 1);
	}
	if (r->alias_target == NULL) /* endpoint broken, reported already */
		return;
	c->z->n_records++;
}

/* An ALIAS line (tokens already split); returns after recording or reporting. */
static void
record_alias(struct rec_ctx *c, struct model_record *r, char **tok, size_t nt, size_t ai,
             bool owner_given, struct model_loc loc)
{
	struct ld *ld = c->ld;
	ldns_rdf *owner = NULL;

	if (nt != ai + 2) {
		ld_err(ld, loc, c->path,
		       "an ALIAS record needs exactly one target (expected <owner> [ttl] ALIAS "
		       "endpoint:<name> | endpoint:<name>@<az> | <dns name>)");
		return;
	}
	/* owner */
	if (owner_given) {
		const char *o = tok[0];

		if (strcmp(o, "@") == 0) {
			owner = ldns_rdf_clone(c->origin);
		} else if (ldns_str2rdf_dname(&owner, o) == LDNS_STATUS_OK &&
		           o[strlen(o) - 1] != '.') {
			if (ldns_dname_cat(owner, c->origin) != LDNS_STATUS_OK) {
				ldns_rdf_deep_free(owner);
				owner = NULL;
			}
		}
		if (owner == NULL) {
			ld_err(ld, loc, c->path, "'%s' is not a valid owner name", o);
			return;
		}
	} else if (c->prev != NULL) {
		owner = ldns_rdf_clone(c->prev);
	} else {
		owner = ldns_rdf_clone(c->origin);
	}
	if (owner == NULL) {
		ld->oom = true;
		return;
	}
	if (ldns_dname_compare(owner, c->origin) != 0 &&
	    !ldns_dname_is_subdomain(owner, c->origin)) {
		char *os = ldns_rdf2str(owner);

		ld_err(ld, loc, c->path, "owner %s is outside zone %s", os ? os : "?",
		       c->z->name[0] ? c->z->name : ".");
		free(os);
		ldns_rdf_deep_free(owner);
		return;
	}
	r->owner = owner_str(ld, owner);
	set_prev(c, owner);
	/* ttl and class between owner and ALIAS */
	r->ttl = ld->m->defaults.record_ttl;
	for (size_t i = owner_given ? 1 : 0; i < ai; i++) {
		if (is_ttl(tok[i])) {
			char *end;
			unsigned long v = strtoul(tok[i], &end, 10);

			if (*end != '\0' || v > 2147483647UL) {
				ld_err(ld, loc, c->path, "'%s' is not a TTL (expected seconds)",
				       tok[i]);
				return;
			}
			r->ttl = (uint32_t)v;
			r->ttl_given = true;
		} else if (!is_class(tok[i])) {
			ld_err(ld, loc, c->path,
			       "'%s' is not a TTL or class (expected <owner> [ttl] ALIAS <target>)",
			       tok[i]);
			return;
		}
	}
	/* target */
	const char *t = tok[ai + 1];

	if (strncmp(t, "endpoint:", 9) == 0) {
		record_alias_endpoint(c, r, t, loc);
		return;
	}
	ldns_rdf *target = NULL;

	if (ldns_str2rdf_dname(&target, t) != LDNS_STATUS_OK) {
		ld_err(ld, loc, c->path,
		       "ALIAS target '%s' is not a DNS name (expected endpoint:<name>, "
		       "endpoint:<name>@<az> or a DNS name)",
		       t);
		return;
	}
	r->alias = MODEL_ALIAS_NAME;
	r->alias_target = owner_str(ld, target);
	ldns_rdf_deep_free(target);
	if (r->alias_target != NULL)
		c->z->n_records++;
}

static void
record_line(struct rec_ctx *c, const char *text, struct model_loc loc)
{
	struct ld *ld = c->ld;
	struct model_zone *z = c->z;
	struct model_record *r = &z->records[z->n_records];
	char copy[RECORD_LINE_MAX], *tok[8];
	size_t nt, ai = 0, first;
	bool owner_given = !isspace((unsigned char)text[0]);

	if (strlen(text) >= sizeof(copy)) {
		ld_err(ld, loc, c->path, "a record line longer than %d characters",
		       RECORD_LINE_MAX - 1);
		return;
	}
	strcpy(copy, text);
	nt = tokenize(copy, tok, 8);
	if (nt == 0)
		return;
	if (tok[0][0] == '$') {
		ld_err(ld, loc, c->path, "%s: directives are not supported (write absolute values)",
		       tok[0]);
		return;
	}
	memset(r, 0, sizeof(*r));
	r->loc = loc;
	/* An ALIAS line?  ALIAS is in the type position: after owner, ttl, class. */
	first = owner_given ? 1 : 0;
	for (size_t i = first; i < nt && i < first + 3; i++) {
		if (strcasecmp(tok[i], "ALIAS") == 0) {
			ai = i;
			break;
		}
		if (!is_ttl(tok[i]) && !is_class(tok[i]))
			break;
	}
	if (ai > 0 || (!owner_given && nt > 0 && strcasecmp(tok[0], "ALIAS") == 0)) {
		if (z->kind == MODEL_ZONE_ONPREM) {
			/* the forwarder serves ldns records only: an ALIAS would vanish */
			ld_err(ld, loc, c->path,
			       "ALIAS is a Route 53 record (expected it in hosted_zones or "
			       "internet.zones; an on-prem zone holds plain records, e.g. a CNAME)");
			return;
		}
		record_alias(c, r, tok, nt, ai, owner_given, loc);
		return;
	}

	ldns_rr *rr = NULL;
	ldns_status st =
	    ldns_rr_new_frm_str(&rr, text, ld->m->defaults.record_ttl, c->origin, &c->prev);

	if (st != LDNS_STATUS_OK) {
		/* Say which type is unknown when that is the trouble. */
		for (size_t i = first; i < nt && i < first + 3; i++) {
			if (is_ttl(tok[i]) || is_class(tok[i]))
				continue;
			if (ldns_get_rr_type_by_name(tok[i]) == 0) {
				ld_err(
				    ld, loc, c->path,
				    "unknown record type '%s' in '%s' (expected a type ldns knows, "
				    "or ALIAS)",
				    tok[i], text);
				return;
			}
			break;
		}
		ld_err(ld, loc, c->path,
		       "bad record '%s': %s (expected <owner> [ttl] [class] <type> <data>)", text,
		       ldns_get_errorstr_by_id(st));
		return;
	}
	ldns_rdf *owner = ldns_rr_owner(rr);

	ldns_dname2canonical(owner);
	if (ldns_dname_compare(owner, c->origin) != 0 &&
	    !ldns_dname_is_subdomain(owner, c->origin)) {
		char *os = ldns_rdf2str(owner);

		ld_err(ld, loc, c->path, "owner %s is outside zone %s", os ? os : "?",
		       z->name[0] ? z->name : ".");
		free(os);
		ldns_rr_free(rr);
		return;
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
		if (ldns_dname_compare(owner, c->origin) != 0) {
			ld_err(ld, loc, c->path, "a SOA record belongs at the zone apex (@)");
			ldns_rr_free(rr);
			return;
		}
		if (z->soa != NULL) {
			ld_err(ld, loc, c->path, "a second SOA record (a zone has one)");
			ldns_rr_free(rr);
			return;
		}
		z->soa = ldns_rr_clone(rr);
		if (z->soa == NULL)
			ld->oom = true;
		z->soa_given = true;
	}
	r->rr = rr;
	r->owner = owner_str(ld, owner);
	r->ttl = ldns_rr_ttl(rr);
	for (size_t i = first; i < nt && i < first + 2; i++) {
		if (is_ttl(tok[i]))
			r->ttl_given = true;
		else if (!is_class(tok[i]))
			break;
	}
	z->n_records++;
}

/*
 * Called with each logical line (parentheses joined) and where it starts,
 * or with what is wrong with it (problem, NULL when nothing); false stops.
 */
typedef bool (*records_line_fn)(void *arg, char *line, struct model_loc loc, const char *problem);

/* Splits a zone text into logical lines: comment and blank lines are skipped. */
static void
records_split(struct ld *ld, const struct ynode *n, records_line_fn fn, void *arg)
{
	char line[RECORD_LINE_MAX];
	size_t len = 0, lineno = 0, start_line = 0;
	int depth = 0;
	bool in_quote = false, too_long = false;

	/* Join lines inside parentheses; each logical line keeps its first line's position. */
	for (const char *p = n->str;; p++) {
		char ch = *p;

		if (ch == '\0' || (ch == '\n' && depth == 0)) {
			line[len] = '\0';
			struct model_loc loc;

			if (n->literal) {
				loc.line = n->loc.line + 1 + (uint32_t)start_line;
				loc.col = ld_line_indent(ld, loc.line);
			} else {
				/* quoted, plain or folded: no 1:1 line mapping */
				loc = n->loc;
			}
			size_t k = 0;

			while (k < len && isspace((unsigned char)line[k]))
				k++;
			const char *problem = depth > 0  ? "unbalanced parentheses in a record"
			                      : too_long ? "a record line longer than 4095 characters"
			                                 : NULL;

			if ((problem != NULL || (k < len && line[k] != ';')) &&
			    !fn(arg, line, loc, problem))
				return;
			if (ch == '\0')
				return;
			len = 0;
			lineno++;
			start_line = lineno;
			depth = 0;
			in_quote = false;
			too_long = false;
			continue;
		}
		if (ch == '\n') {
			lineno++;
			ch = ' ';
		}
		if (ch == '"')
			in_quote = !in_quote;
		else if (!in_quote && ch == '(')
			depth++;
		else if (!in_quote && ch == ')' && depth > 0)
			depth--;
		if (!in_quote && (ch == '(' || ch == ')'))
			ch = ' ';
		if (len + 1 < sizeof(line))
			line[len++] = ch;
		else
			too_long = true;
	}
}

/* The counting pass: stops at the first record beyond MODEL_MAX_RECORDS. */
struct records_count {
	struct ld *ld;
	struct model_loc over; /* where the limit was crossed */
	bool full;
};

static bool
records_count_line(void *arg, char *line, struct model_loc loc, const char *problem)
{
	struct records_count *c = arg;

	(void)line;
	(void)problem;
	if (c->ld->n_records >= MODEL_MAX_RECORDS) {
		c->over = loc;
		c->full = true;
		return false;
	}
	c->ld->n_records++;
	return true;
}

static bool
records_parse_line(void *arg, char *line, struct model_loc loc, const char *problem)
{
	struct rec_ctx *c = arg;

	if (problem != NULL)
		ld_err(c->ld, loc, c->path, "%s", problem);
	else
		record_line(c, line, loc);
	return true;
}

void
records_parse(struct ld *ld, struct model_zone *z, const struct ynode *n, const char *path)
{
	struct rec_ctx c = {ld, z, path, NULL, NULL};
	struct records_count count = {ld, {0, 0}, false};
	char origin[300];
	size_t max = 1;

	if (n->kind != YN_SCALAR) {
		ld_err(ld, n->loc, path,
		       "got %s (expected zone-file text, e.g. a block starting with |)",
		       n->kind == YN_MAP ? "a map" : "a list");
		return;
	}
	if (z->name == NULL || ld->records_full)
		return;
	records_split(ld, n, records_count_line, &count);
	if (count.full) {
		ld->records_full = true;
		ld_err(ld, count.over, path,
		       "more than %d records in the scenario (expected at most %d over all zone "
		       "texts: the limit of docs/scenario.md, Limits)",
		       MODEL_MAX_RECORDS, MODEL_MAX_RECORDS);
		return;
	}
	for (size_t i = 0; i < n->len; i++)
		max += n->str[i] == '\n';
	z->records = hns_arena_alloc(&ld->m->arena, max * sizeof(*z->records));
	if (z->records == NULL) {
		ld->oom = true;
		return;
	}
	snprintf(origin, sizeof(origin), "%s.", z->name);
	c.origin = ldns_dname_new_frm_str(origin);
	if (c.origin == NULL) {
		ld_err(ld, n->loc, path, "zone name %s does not parse as a DNS name", z->name);
		return;
	}
	mallopt(M_TRIM_THRESHOLD, RECORDS_TRIM_THRESHOLD);
	records_split(ld, n, records_parse_line, &c);
	mallopt(M_TRIM_THRESHOLD, GLIBC_TRIM_THRESHOLD);
	if (c.prev != NULL)
		ldns_rdf_deep_free(c.prev);
	ldns_rdf_deep_free(c.origin);
}

int
records_default_soa(struct ld *ld, struct model_zone *z)
{
	char text[700];
	ldns_rr *rr = NULL;

	if (z->soa != NULL || z->name == NULL)
		return 0;
	if (z->name[0] == '\0')
		snprintf(text, sizeof(text),
		         ". %u IN SOA ns-2048.awsdns-64.net. hostmaster. 1 7200 900 1209600 86400",
		         ld->m->defaults.negative_ttl);
	else
		snprintf(
		    text, sizeof(text),
		    "%s. %u IN SOA ns-2048.awsdns-64.net. hostmaster.%s. 1 7200 900 1209600 86400",
		    z->name, ld->m->defaults.negative_ttl, z->name);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		/* hostmaster.<zone> too long for a name: fall back to Route 53's own */
		snprintf(text, sizeof(text),
		         "%s. %u IN SOA ns-2048.awsdns-64.net. hostmaster.amazon.com. 1 7200 900 "
		         "1209600 86400",
		         z->name, ld->m->defaults.negative_ttl);
		if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
			return HNS_ENOMEM;
	}
	z->soa = rr;
	z->soa_given = false;
	return 0;
}

void
records_free_zones(struct model_zone *zones, size_t n)
{
	for (size_t i = 0; zones != NULL && i < n; i++) {
		for (size_t j = 0; j < zones[i].n_records; j++) {
			if (zones[i].records[j].rr != NULL)
				ldns_rr_free(zones[i].records[j].rr);
		}
		if (zones[i].soa != NULL)
			ldns_rr_free(zones[i].soa);
	}
}
