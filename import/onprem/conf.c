/*
 * import/onprem/conf.c -- building a struct onprem_conf: forwards, zones and
 * their records (through ldns), names and addresses in the scenario's
 * spelling, warnings.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "dns/wire.h"
#include "import/onprem/onprem.h"

const char onprem_products[] = "bind, unbound, dnsmasq, coredns, windows or dnsdist";

static const struct {
	const char *name;
	onprem_reader read;
} readers[] = {
	{ "bind", onprem_read_bind },	    { "unbound", onprem_read_unbound },
	{ "dnsmasq", onprem_read_dnsmasq }, { "coredns", onprem_read_coredns },
	{ "windows", onprem_read_windows }, { "dnsdist", onprem_read_dnsdist },
};

onprem_reader
onprem_reader_find(const char *product)
{
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		if (strcmp(readers[i].name, product) == 0)
			return readers[i].read;
	}
	return NULL;
}

void
onprem_conf_init(struct onprem_conf *c, const char *product, FILE *warn)
{
	memset(c, 0, sizeof(*c));
	c->product = product;
	c->warn = warn;
	c->deflt = ONPREM_DEFAULT_INTERNET;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
onprem_conf_deinit(struct onprem_conf *c)
{
	for (size_t i = 0; i < c->n_fwds; i++) {
		free(c->fwds[i].zone);
		strv_free(c->fwds[i].to, c->fwds[i].n_to);
	}
	free(c->fwds);
	for (size_t i = 0; i < c->n_zones; i++) {
		free(c->zones[i].name);
		strv_free(c->zones[i].records, c->zones[i].n_records);
	}
	free(c->zones);
	strv_free(c->sources, c->n_sources);
	strv_free(c->deflt_to, c->n_deflt_to);
	free(c->listen);
	memset(c, 0, sizeof(*c));
}

/* Append a copy of s to the string vector *v of *n entries. */
static int
strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	char *d = strdup(s);

	if (nv != NULL)
		*v = nv;
	if (nv == NULL || d == NULL) {
		free(d);
		return HNS_ENOMEM;
	}
	(*v)[(*n)++] = d;
	return 0;
}

int
onprem_source_add(struct onprem_conf *c, const char *path)
{
	for (size_t i = 0; i < c->n_sources; i++) {
		if (strcmp(c->sources[i], path) == 0)
			return 0;
	}
	return strv_add(&c->sources, &c->n_sources, path);
}

struct onprem_fwd *
onprem_fwd_get(struct onprem_conf *c, const char *zone)
{
	struct onprem_fwd *nf;

	for (size_t i = 0; i < c->n_fwds; i++) {
		if (strcmp(c->fwds[i].zone, zone) == 0)
			return &c->fwds[i];
	}
	nf = realloc(c->fwds, (c->n_fwds + 1) * sizeof(*nf));
	if (nf == NULL)
		return NULL;
	c->fwds = nf;
	nf = &c->fwds[c->n_fwds];
	memset(nf, 0, sizeof(*nf));
	if ((nf->zone = strdup(zone)) == NULL)
		return NULL;
	nf->policy = "sequential";
	c->n_fwds++;
	return nf;
}

bool
onprem_fwd_drop_empty(struct onprem_conf *c, struct onprem_fwd *f)
{
	if (c->n_fwds == 0 || f != &c->fwds[c->n_fwds - 1] || f->n_to > 0)
		return false;
	free(f->zone);
	free(f->to);
	c->n_fwds--;
	return true;
}

int
onprem_fwd_add_to(struct onprem_fwd *f, const char *addr)
{
	return strv_add(&f->to, &f->n_to, addr);
}

struct onprem_zone *
onprem_zone_get(struct onprem_conf *c, const char *zone)
{
	struct onprem_zone *nz;

	for (size_t i = 0; i < c->n_zones; i++) {
		if (strcmp(c->zones[i].name, zone) == 0)
			return &c->zones[i];
	}
	nz = realloc(c->zones, (c->n_zones + 1) * sizeof(*nz));
	if (nz == NULL)
		return NULL;
	c->zones = nz;
	nz = &c->zones[c->n_zones];
	memset(nz, 0, sizeof(*nz));
	if ((nz->name = strdup(zone)) == NULL)
		return NULL;
	c->n_zones++;
	return nz;
}

struct onprem_zone *
onprem_zone_holding(struct onprem_conf *c, const char *name)
{
	struct onprem_zone *best = NULL;

	for (size_t i = 0; i < c->n_zones; i++) {
		if (dns_str_is_subdomain(name, c->zones[i].name) &&
		    (best == NULL || strlen(c->zones[i].name) > strlen(best->name)))
			best = &c->zones[i];
	}
	return best;
}

int
onprem_zone_add_rr(struct onprem_zone *z, const char *rr_text)
{
	for (size_t i = 0; i < z->n_records; i++) {
		if (strcmp(z->records[i], rr_text) == 0)
			return 0; /* the same record twice is one record */
	}
	return strv_add(&z->records, &z->n_records, rr_text);
}

int
onprem_deflt_add(struct onprem_conf *c, const char *addr)
{
	return strv_add(&c->deflt_to, &c->n_deflt_to, addr);
}

void
onprem_note_set(struct onprem_note *n, bool guessed, const char *fmt, ...)
{
	va_list ap;

	n->guessed = guessed;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
}

void
onprem_warn(struct onprem_conf *c, const char *file, uint32_t line, uint32_t col,
	    const char *fmt, ...)
{
	va_list ap;

	c->n_warnings++;
	if (c->warn == NULL)
		return;
	if (line > 0)
		fprintf(c->warn, "%s:%u:%u: warning: ", file, line, col);
	else
		fprintf(c->warn, "%s: warning: ", file);
	va_start(ap, fmt);
	vfprintf(c->warn, fmt, ap);
	va_end(ap);
	fputc('\n', c->warn);
}

int
onprem_name_norm(const char *in, char *buf, size_t len)
{
	size_t n = strlen(in);
	ldns_rdf *d;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	if (n + 1 > len || n > 253)
		return HNS_ENAME;
	/* as the scenario wants them: labels of letters, digits, '-' or '_', 1-63 each; '*' first */
	for (size_t i = 0, label = 0; i <= n; i++) {
		unsigned char ch = i < n ? (unsigned char)in[i] : '.';

		if (ch == '.') {
			if (label == 0 || label > 63)
				return HNS_ENAME;
			if (i < n)
				buf[i] = '.';
			label = 0;
			continue;
		}
		if (!isalnum(ch) && ch != '-' && ch != '_' &&
		    !(ch == '*' && i == 0 && (n == 1 || in[1] == '.')))
			return HNS_ENAME;
		buf[i] = (char)tolower(ch);
		label++;
	}
	buf[n] = '\0';
	d = ldns_dname_new_frm_str(buf);
	if (d == NULL)
		return HNS_ENAME;
	ldns_rdf_deep_free(d);
	return 0;
}

int
onprem_addr_norm(const char *in, char sep, unsigned port, char *buf, size_t len)
{
	char ip[64];
	const char *s = in, *p = NULL;
	unsigned char bin[16];
	bool v6;
	size_t n;

	if (sep != 0 && (p = strrchr(in, sep)) != NULL) {
		/* "ip:port" is ambiguous with IPv6; only take ':' when the text is no IPv6 address */
		if (sep == ':' && strchr(in, ':') != p)
			p = NULL;
	}
	if (in[0] == '[') {
		const char *e = strchr(in, ']');

		if (e == NULL)
			return HNS_EADDR;
		s = in + 1;
		n = (size_t)(e - s);
		p = e[1] == ':' ? e + 1 : NULL;
		if (e[1] != '\0' && p == NULL)
			return HNS_EADDR;
	} else {
		n = p ? (size_t)(p - in) : strlen(in);
	}
	if (n == 0 || n >= sizeof(ip))
		return HNS_EADDR;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (p != NULL) {
		char *end;
		unsigned long v = strtoul(p + 1, &end, 10);

		if (p[1] < '0' || p[1] > '9' || *end != '\0' || v == 0 || v > 65535)
			return HNS_EADDR;
		port = (unsigned)v;
	}
	v6 = strchr(ip, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, bin) != 1)
		return HNS_EADDR;
	if (port == 0 || port == 53)
		snprintf(buf, len, "%s", ip);
	else if (v6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
	return 0;
}

bool
onprem_file_regular(FILE *f)
{
	struct stat st;

	return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

const char *
onprem_open_error(int rc)
{
	return rc == HNS_EINVAL ? "not a regular file" : strerror(-rc);
}

void
onprem_path_rel(const char *base, const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(base, '/');

	if (path[0] == '/' || slash == NULL)
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "%.*s/%s", (int)(slash - base), base, path);
}

/* One line, fields separated by single spaces, for a records block. */
static char *
rr_line(const ldns_rr *rr)
{
	char *s = ldns_rr2str(rr);
	size_t o = 0;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; s[i]; i++) {
		char ch = (s[i] == '\t' || s[i] == '\n') ? ' ' : s[i];

		if (ch == ' ' && (o == 0 || s[o - 1] == ' '))
			continue;
		s[o++] = ch;
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	return s;
}

/* The rr into the innermost zone holding its owner, else a new zone `zone_hint`. */
static int
rr_place(struct onprem_conf *c, const ldns_rr *rr, const char *zone_hint)
{
	char *owner = ldns_rdf2str(ldns_rr_owner(rr));
	char name[300];
	struct onprem_zone *z = NULL;
	char *line = NULL;
	int rc = HNS_ENOMEM;

	if (owner == NULL)
		return HNS_ENOMEM;
	if (onprem_name_norm(owner, name, sizeof(name)) != 0) {
		rc = HNS_ENAME;
		goto out;
	}
	if (zone_hint != NULL && dns_str_is_subdomain(name, zone_hint))
		z = onprem_zone_get(c, zone_hint);
	else if (zone_hint != NULL && onprem_zone_holding(c, zone_hint) != NULL &&
		 strcmp(onprem_zone_holding(c, zone_hint)->name, zone_hint) == 0) {
		rc = HNS_EMALFORMED; /* a record outside the zone it was given for */
		goto out;
	} else if ((z = onprem_zone_holding(c, name)) == NULL) {
		z = onprem_zone_get(c, name);
	}
	if (z == NULL || (line = rr_line(rr)) == NULL)
		goto out;
	{
		/* what is written must read back (short generic rdata prints as a partial record) */
		ldns_rr *back = NULL;

		if (ldns_rr_new_frm_str(&back, line, 0, NULL, NULL) != LDNS_STATUS_OK) {
			rc = HNS_EMALFORMED;
			goto out;
		}
		ldns_rr_free(back);
	}
	rc = onprem_zone_add_rr(z, line);
out:
	free(owner);
	free(line);
	return rc;
}

int
onprem_rr_add(struct onprem_conf *c, const char *text, const char *origin, uint32_t ttl,
	      const char *zone_hint, const char **why)
{
	ldns_rdf *org = NULL;
	ldns_rr *rr = NULL;
	ldns_status st;
	char o[300];
	int rc;

	snprintf(o, sizeof(o), "%s.", origin != NULL && origin[0] ? origin : "");
	if (origin != NULL && (org = ldns_dname_new_frm_str(o)) == NULL) {
		*why = "a bad origin name";
		return HNS_EPARSE;
	}
	st = ldns_rr_new_frm_str(&rr, text, ttl, org, NULL);
	ldns_rdf_deep_free(org);
	if (st != LDNS_STATUS_OK) {
		*why = ldns_get_errorstr_by_id(st);
		return HNS_EPARSE;
	}
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		ldns_rr_free(rr);
		*why = "a class other than IN";
		return HNS_EPARSE;
	}
	ldns_dname2canonical(ldns_rr_owner(rr));
	rc = rr_place(c, rr, zone_hint);
	ldns_rr_free(rr);
	if (rc == HNS_ENAME)
		*why = "a bad owner name";
	else if (rc == HNS_EMALFORMED)
		*why = "a record outside its zone, or rdata that is no whole record of its type";
	return rc == HNS_ENAME || rc == HNS_EMALFORMED ? HNS_EPARSE : rc;
}

/* The line of the last byte ldns consumed (it counts a line once its newline is read). */
static int
consumed_line(FILE *f)
{
	long pos = ftell(f);
	int line = 1, c, last = 0;

	if (pos <= 0 || fseek(f, 0, SEEK_SET) != 0)
		return 1;
	for (long i = 0; i < pos && (c = fgetc(f)) != EOF; i++) {
		if (last == '\n')
			line++;
		last = c;
	}
	return line;
}

/*
 * The records of an open master file, one at a time (ldns_zone_new_frm_fp_l
 * leaks the records read so far when a later one fails): $ORIGIN and $TTL
 * are followed, $INCLUDE is refused.  *line is the failing record's line.
 */
static int
zone_file_rrs(struct onprem_conf *c, const char *zone, FILE *f, int *line, ldns_status *st)
{
	ldns_rdf *origin, *prev = NULL;
	uint32_t ttl = 3600;
	char o[300];
	int rc = 0;

	snprintf(o, sizeof(o), "%s.", zone);
	if ((origin = ldns_dname_new_frm_str(o)) == NULL)
		return HNS_ENOMEM;
	*st = LDNS_STATUS_OK;
	while (rc == 0 && !feof(f)) {
		ldns_rr *rr = NULL;

		*st = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, line);
		if (*st == LDNS_STATUS_OK) {
			ldns_dname2canonical(ldns_rr_owner(rr));
			rc = rr_place(c, rr, zone);
			ldns_rr_free(rr);
		} else if (*st == LDNS_STATUS_SYNTAX_EMPTY || *st == LDNS_STATUS_SYNTAX_TTL ||
			   *st == LDNS_STATUS_SYNTAX_ORIGIN) {
			*st = LDNS_STATUS_OK; /* a blank line, a comment, a directive */
		} else {
			*line = consumed_line(f);
			rc = HNS_EPARSE;
		}
	}
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return rc;
}

int
onprem_zone_file(struct onprem_conf *c, const char *zone, const char *path, FILE *err)
{
	ldns_status st = LDNS_STATUS_OK;
	int line = 1, rc = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL || !onprem_file_regular(f)) {
		fprintf(err, "%s: cannot read the zone file of %s: %s\n", path, zone[0] ? zone : ".",
			f ? "not a regular file" : strerror(errno));
		if (f != NULL)
			fclose(f);
		return HNS_EPARSE;
	}
	if ((rc = onprem_source_add(c, path)) != 0 || onprem_zone_get(c, zone) == NULL) {
		fclose(f);
		return rc ? rc : HNS_ENOMEM;
	}
	rc = zone_file_rrs(c, zone, f, &line, &st);
	fclose(f);
	if (rc == HNS_EPARSE)
		fprintf(err, "%s:%d:1: %s (expected a master-file record of zone %s)\n", path, line,
			st == LDNS_STATUS_SYNTAX_INCLUDE ? "$INCLUDE is not read"
							 : ldns_get_errorstr_by_id(st),
			zone[0] ? zone : ".");
	if (rc == HNS_ENAME || rc == HNS_EMALFORMED) {
		fprintf(err, "%s:%d:1: %s (expected a record of zone %s)\n", path, line,
			rc == HNS_ENAME ? "a bad owner name"
					: "a record outside the zone, or rdata that is no whole record",
			zone[0] ? zone : ".");
		rc = HNS_EPARSE;
	}
	return rc;
}
