/*
 * harness/matrix.c -- the resolution matrix's rows and columns, its live
 * run and the classification of a cell (see matrix.h).  The writers live
 * in matrix_write.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <event2/event.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/arena.h"
#include "common/error.h"
#include "dns/wire.h"
#include "harness/client.h"
#include "harness/expect.h"
#include "harness/matrix.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/catalog.h"
#include "model/names.h"

/* The label standing for "any name" under a wildcard (the one the shipped expectations use). */
#define MATRIX_SAMPLE_LABEL "abcd1234"
/* Queries in flight at once in matrix_run(): a timeout costs one stub timeout, not one per cell. */
#define MATRIX_WINDOW 32
#define MATRIX_MAX_ROWS 4096
#define MATRIX_LINE_MAX 1024
#define MATRIX_NAMES_MAX_BYTES (4u << 20) /* a names file */

static const char *const class_names[MATRIX_N_CLASSES] = {
	[MATRIX_PRIVATE] = "private", [MATRIX_PUBLIC] = "public",     [MATRIX_NXDOMAIN] = "nxdomain",
	[MATRIX_NODATA] = "nodata",   [MATRIX_SERVFAIL] = "servfail", [MATRIX_TIMEOUT] = "timeout",
	[MATRIX_REFUSED] = "refused",
};

const char *
matrix_class_str(enum matrix_class c)
{
	return (unsigned)c < MATRIX_N_CLASSES ? class_names[c] : "?";
}

void
matrix_opts_init(struct matrix_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000; /* check's stub (check_opts_init) */
	o->tries = 2;
}

const char *
matrix_type_str(uint16_t qtype, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(qtype);

	if (d != NULL && d->_name != NULL)
		snprintf(buf, len, "%s", d->_name);
	else
		snprintf(buf, len, "TYPE%u", qtype);
	return buf;
}

/* ------------------------------------------------------------------ rows */

/* name lower-cased without its trailing dot into out; HNS_ENAME when it is no DNS name. */
static int
matrix_name_norm(const char *name, char *out, size_t cap)
{
	uint8_t wire[DNS_NAME_MAX];
	size_t n = strlen(name);

	if (n == 0 || n >= cap || dns_name_from_str(name, wire) < 0)
		return HNS_ENAME;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[n] = '\0';
	if (n > 1 && out[n - 1] == '.')
		out[n - 1] = '\0';
	return strcmp(out, ".") == 0 ? HNS_ENAME : 0;
}

long
matrix_name_find(const struct matrix *mx, const char *name, uint16_t qtype)
{
	for (size_t i = 0; i < mx->n_names; i++) {
		if (mx->names[i].qtype == qtype && strcmp(mx->names[i].name, name) == 0)
			return (long)i;
	}
	return -1;
}

long
matrix_place_find(const struct matrix *mx, const char *place)
{
	for (size_t i = 0; i < mx->n_places; i++) {
		if (strcmp(mx->places[i].name, place) == 0)
			return (long)i;
	}
	return -1;
}

/* Room for one more row and its cells. */
static int
matrix_grow(struct matrix *mx)
{
	size_t n = mx->n_names + 1;
	struct matrix_name *names;
	struct matrix_cell *cells;

	if (n > MATRIX_MAX_ROWS)
		return HNS_ERANGE;
	names = realloc(mx->names, n * sizeof(*names));
	if (names == NULL)
		return HNS_ENOMEM;
	mx->names = names;
	cells = realloc(mx->cells, n * (mx->n_places ? mx->n_places : 1) * sizeof(*cells));
	if (cells == NULL)
		return HNS_ENOMEM;
	mx->cells = cells;
	for (size_t p = 0; p < mx->n_places; p++) {
		struct matrix_cell *c = &cells[mx->n_names * mx->n_places + p];

		memset(c, 0, sizeof(*c));
		c->cls = MATRIX_TIMEOUT;
		c->rcode = -1;
		snprintf(c->error, sizeof(c->error), "not asked");
	}
	return 0;
}

/* Add (name, qtype) unless present; a present row takes `why` only with `replace`. */
static int
matrix_name_put(struct matrix *mx, const char *name, uint16_t qtype, const char *why, bool replace)
{
	char norm[256];
	long at;
	int rc = matrix_name_norm(name, norm, sizeof(norm));

	if (rc != 0)
		return rc;
	at = matrix_name_find(mx, norm, qtype);
	if (at < 0) {
		if ((rc = matrix_grow(mx)) != 0)
			return rc;
		at = (long)mx->n_names++;
		snprintf(mx->names[at].name, sizeof(mx->names[at].name), "%s", norm);
		mx->names[at].qtype = qtype;
		mx->names[at].why[0] = '\0';
	} else if (why == NULL || !replace) {
		return 0;
	}
	snprintf(mx->names[at].why, sizeof(mx->names[at].why), "%s", why ? why : "");
	return 0;
}

int
matrix_name_add(struct matrix *mx, const char *name, uint16_t qtype, const char *why)
{
	return matrix_name_put(mx, name, qtype, why, true);
}

/* "*.x" -> "abcd1234.x"; other owners as they are. */
static void
matrix_sample(const char *owner, char *out, size_t cap)
{
	if (strncmp(owner, "*.", 2) == 0)
		snprintf(out, cap, "%s.%s", MATRIX_SAMPLE_LABEL, owner + 2);
	else if (strcmp(owner, "*") == 0)
		snprintf(out, cap, "%s", MATRIX_SAMPLE_LABEL);
	else
		snprintf(out, cap, "%s", owner);
}

/* An interface endpoint's names: its private DNS names (a sample under a wildcard), regional, zonal. */
static int
matrix_rows_endpoint(struct matrix *mx, const struct model_endpoint *ep)
{
	char name[300], why[160];
	int rc = 0;

	for (size_t i = 0; i < ep->n_dns_names && rc == 0; i++) {
		snprintf(why, sizeof(why), "endpoint %s service name", ep->name);
		rc = matrix_name_put(mx, ep->dns_names[i].name, LDNS_RR_TYPE_A, why, false);
		if (rc == 0 && ep->dns_names[i].wildcard) {
			snprintf(name, sizeof(name), "%s.%s", MATRIX_SAMPLE_LABEL, ep->dns_names[i].name);
			snprintf(why, sizeof(why), "endpoint %s service name (wildcard sample)", ep->name);
			rc = matrix_name_put(mx, name, LDNS_RR_TYPE_A, why, false);
		}
	}
	if (rc == 0 && ep->regional_name != NULL) {
		snprintf(why, sizeof(why), "endpoint %s regional vpce name", ep->name);
		rc = matrix_name_put(mx, ep->regional_name, LDNS_RR_TYPE_A, why, false);
	}
	for (size_t i = 0; i < ep->n_enis && rc == 0; i++) {
		if (ep->enis[i].zonal_name == NULL)
			continue;
		snprintf(why, sizeof(why), "endpoint %s zonal vpce name (%s)", ep->name,
			 ep->enis[i].subnet->az);
		rc = matrix_name_put(mx, ep->enis[i].zonal_name, LDNS_RR_TYPE_A, why, false);
	}
	return rc;
}

/* A gateway endpoint's service: its public names (catalog), the sample public name per service. */
static int
matrix_rows_gateway(struct matrix *mx, const struct model_endpoint *ep)
{
	struct hns_arena a;
	struct model_service_name *names = NULL;
	size_t n = 0;
	char why[160];
	int rc;

	if (ep->service_short == NULL || ep->service_region == NULL)
		return 0;
	hns_arena_init(&a);
	rc = catalog_names(&a, ep->service_short, ep->service_region, &names, &n);
	snprintf(why, sizeof(why), "endpoint %s (gateway) public service name", ep->name);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = matrix_name_put(mx, names[i].name, LDNS_RR_TYPE_A, why, false);
	hns_arena_deinit(&a);
	return rc;
}

/* The type a client asks for a record: A for ALIAS and CNAME, none (0) for SOA and NS. */
static uint16_t
matrix_record_qtype(const struct model_record *r)
{
	uint16_t t;

	if (r->rr == NULL)
		return LDNS_RR_TYPE_A;
	t = (uint16_t)ldns_rr_get_type(r->rr);
	if (t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_NS)
		return 0;
	return t == LDNS_RR_TYPE_CNAME ? LDNS_RR_TYPE_A : t;
}

static int
matrix_rows_zone(struct matrix *mx, const struct model_zone *z, const char *what)
{
	char name[300], why[160];
	int rc = 0;

	for (size_t i = 0; i < z->n_records && rc == 0; i++) {
		uint16_t t = matrix_record_qtype(&z->records[i]);

		if (t == 0)
			continue;
		matrix_sample(z->records[i].owner, name, sizeof(name));
		snprintf(why, sizeof(why), "%s %s, line %u", what, z->name, z->records[i].loc.line);
		rc = matrix_name_put(mx, name, t, why, false);
	}
	return rc;
}

static int
matrix_rows_default(struct matrix *mx)
{
	const struct model *m = mx->m;
	int rc = 0;

	for (size_t i = 0; i < m->n_endpoints && rc == 0; i++) {
		if (m->endpoints[i].type == MODEL_ENDPOINT_INTERFACE)
			rc = matrix_rows_endpoint(mx, &m->endpoints[i]);
	}
	for (size_t i = 0; i < m->n_zones && rc == 0; i++) {
		if (m->zones[i].kind == MODEL_ZONE_PRIVATE)
			rc = matrix_rows_zone(mx, &m->zones[i], "private hosted zone");
	}
	for (size_t r = 0; r < m->onprem.n_resolvers && rc == 0; r++) {
		const struct model_onprem_resolver *res = &m->onprem.resolvers[r];

		for (size_t i = 0; i < res->n_zones && rc == 0; i++)
			rc = matrix_rows_zone(mx, &res->zones[i], "on-prem zone");
	}
	for (size_t i = 0; i < m->n_endpoints && rc == 0; i++) {
		if (m->endpoints[i].type == MODEL_ENDPOINT_GATEWAY)
			rc = matrix_rows_gateway(mx, &m->endpoints[i]);
	}
	return rc;
}

/* --------------------------------------------------------------- columns */

static int
matrix_place_add(struct matrix *mx, const struct model_from *f, size_t cap)
{
	struct matrix_place *p;

	if (mx->n_places == cap)
		return HNS_ERANGE;
	p = &mx->places[mx->n_places++];
	p->from = *f;
	model_from_str(f, p->name, sizeof(p->name));
	return 0;
}

/* Every on-prem resolver, every VPC, every inbound ENI, the internet. */
static int
matrix_places_default(struct matrix *mx)
{
	const struct model *m = mx->m;
	size_t cap = m->onprem.n_resolvers + m->n_vpcs + 1;
	int rc = 0;

	for (size_t i = 0; i < m->n_resolver_endpoints; i++)
		cap += m->resolver_endpoints[i].n_enis;
	mx->places = calloc(cap, sizeof(*mx->places));
	if (mx->places == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < m->onprem.n_resolvers && rc == 0; i++) {
		struct model_from f = { .kind = MODEL_FROM_ONPREM, .resolver = &m->onprem.resolvers[i] };

		rc = matrix_place_add(mx, &f, cap);
	}
	for (size_t i = 0; i < m->n_vpcs && rc == 0; i++) {
		struct model_from f = { .kind = MODEL_FROM_VPC, .vpc = &m->vpcs[i] };

		rc = matrix_place_add(mx, &f, cap);
	}
	for (size_t i = 0; i < m->n_resolver_endpoints && rc == 0; i++) {
		struct model_resolver_endpoint *re = &m->resolver_endpoints[i];

		for (size_t k = 0; re->direction == MODEL_INBOUND && k < re->n_enis && rc == 0; k++) {
			struct model_from f = { .kind = MODEL_FROM_INBOUND, .inbound = re,
						.inbound_eni = &re->enis[k] };

			rc = matrix_place_add(mx, &f, cap);
		}
	}
	if (rc == 0) {
		struct model_from f = { .kind = MODEL_FROM_INTERNET };

		rc = matrix_place_add(mx, &f, cap);
	}
	return rc;
}

int
matrix_new(const struct model *m, struct matrix **out)
{
	struct matrix *mx = calloc(1, sizeof(*mx));
	int rc;

	if (mx == NULL)
		return HNS_ENOMEM;
	mx->m = m;
	rc = matrix_places_default(mx);
	if (rc == 0)
		rc = matrix_rows_default(mx);
	if (rc != 0) {
		matrix_free(mx);
		return rc;
	}
	*out = mx;
	return 0;
}

void
matrix_free(struct matrix *mx)
{
	if (mx == NULL)
		return;
	free(mx->places);
	free(mx->names);
	free(mx->cells);
	free(mx);
}

const struct matrix_cell *
matrix_cell_at(const struct matrix *mx, size_t name, size_t place)
{
	return &mx->cells[name * mx->n_places + place];
}

/* ------------------------------------------------------------ names file */

/* One line's `name [TYPE]` (comment and blanks gone); 0, or HNS_EINVAL with why (and its column). */
static int
matrix_names_line(struct matrix *mx, char *line, const char *why, char *msg, size_t cap, size_t *col)
{
	char *tok[3];
	size_t n = 0;
	char *p = line;
	uint16_t qtype = LDNS_RR_TYPE_A;

	while (n < 3) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		tok[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	if (n == 0)
		return 0;
	if (n == 3) {
		*col = (size_t)(tok[2] - line) + 1;
		snprintf(msg, cap, "'%s': one name and at most one type per line (`name [TYPE]`)", tok[2]);
		return HNS_EINVAL;
	}
	if (n == 2) {
		qtype = (uint16_t)ldns_get_rr_type_by_name(tok[1]);
		if (qtype == 0) {
			*col = (size_t)(tok[1] - line) + 1;
			snprintf(msg, cap, "'%s' is not a DNS record type (A, AAAA, CNAME, TXT, ...)", tok[1]);
			return HNS_EINVAL;
		}
	}
	switch (matrix_name_add(mx, tok[0], qtype, why)) {
	case 0:
		return 0;
	case HNS_ENOMEM:
		snprintf(msg, cap, "out of memory");
		return HNS_ENOMEM;
	case HNS_ERANGE:
		snprintf(msg, cap, "more than %d names", MATRIX_MAX_ROWS);
		return HNS_EINVAL;
	default:
		*col = (size_t)(tok[0] - line) + 1;
		snprintf(msg, cap, "'%s' is not a DNS name", tok[0]);
		return HNS_EINVAL;
	}
}

int
matrix_names_parse(struct matrix *mx, const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
	char line[MATRIX_LINE_MAX + 1], why[160], msg[400];
	unsigned lineno = 0;
	int rc = 0;

	for (size_t at = 0; at < len && rc == 0;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = (nl != NULL ? (size_t)(nl - buf) : len) - at, col = 1;
		char *hash;

		lineno++;
		if (n > MATRIX_LINE_MAX || memchr(buf + at, '\0', n) != NULL) {
			snprintf(err, errlen, "%s:%u:1: %s", file, lineno,
				 n > MATRIX_LINE_MAX ? "the line is too long (more than 1024 characters)"
						     : "a NUL byte: this is no text file");
			return HNS_EINVAL;
		}
		memcpy(line, buf + at, n);
		line[n] = '\0';
		at += n + 1;
		line[strcspn(line, "\r")] = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		snprintf(why, sizeof(why), "--names %.120s:%u", file, lineno);
		rc = matrix_names_line(mx, line, why, msg, sizeof(msg), &col);
		if (rc != 0)
			snprintf(err, errlen, "%s:%u:%zu: %s", file, lineno, col, msg);
	}
	return rc;
}

int
matrix_names_file(struct matrix *mx, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	int rc = HNS_EINVAL;

	if (f != NULL && (buf = malloc(MATRIX_NAMES_MAX_BYTES + 1)) != NULL) {
		len = fread(buf, 1, MATRIX_NAMES_MAX_BYTES + 1, f);
		if (ferror(f))
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		else if (len > MATRIX_NAMES_MAX_BYTES)
			snprintf(err, errlen, "%s: larger than %u bytes", path, MATRIX_NAMES_MAX_BYTES);
		else
			rc = matrix_names_parse(mx, path, buf, len, err, errlen);
	} else {
		snprintf(err, errlen, "%s: %s", path, f == NULL ? strerror(errno) : "out of memory");
	}
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

/* -------------------------------------------------------- classification */

static bool
matrix_addr_private(const struct model *m, const struct hns_addr *a)
{
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (hns_cidr_contains(&m->vpcs[i].cidr, a))
			return true;
	}
	return m->onprem.has_cidr && hns_cidr_contains(&m->onprem.cidr, a);
}

/* Whether every address of the answer is an ENI of ep. */
static bool
matrix_on_endpoint(const struct model_endpoint *ep, const struct hns_addr *addrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < ep->n_enis && !hns_addr_equal(&ep->enis[k].ip, &addrs[i]))
			k++;
		if (k == ep->n_enis)
			return false;
	}
	return n > 0;
}

/* NOERROR: private when every value of the asked type is an address inside a VPC or on-prem CIDR. */
static void
matrix_classify_data(const struct model *m, uint16_t qtype, struct matrix_cell *c)
{
	struct hns_addr addrs[MATRIX_MAX_ANSWERS];
	size_t n_data = 0, n_addr = 0;
	bool all_private = true;

	for (size_t i = 0; i < c->n_answers; i++) {
		if (c->answer_types[i] != qtype && qtype != LDNS_RR_TYPE_ANY)
			continue;
		n_data++;
		if ((c->answer_types[i] == LDNS_RR_TYPE_A || c->answer_types[i] == LDNS_RR_TYPE_AAAA) &&
		    hns_addr_parse(c->answers[i], &addrs[n_addr]) == 0) {
			all_private = all_private && matrix_addr_private(m, &addrs[n_addr]);
			n_addr++;
		} else {
			all_private = false; /* data that is no address: judged public */
		}
	}
	if (n_data == 0) {
		c->cls = MATRIX_NODATA;
		return;
	}
	c->cls = all_private ? MATRIX_PRIVATE : MATRIX_PUBLIC;
	if (!all_private)
		return;
	for (size_t e = 0; e < m->n_endpoints; e++) {
		if (m->endpoints[e].type == MODEL_ENDPOINT_INTERFACE &&
		    matrix_on_endpoint(&m->endpoints[e], addrs, n_addr)) {
			c->endpoint = &m->endpoints[e];
			c->endpoint_ips = n_addr;
			return;
		}
	}
}

void
matrix_cell_classify(const struct model *m, uint16_t qtype, struct matrix_cell *c)
{
	c->endpoint = NULL;
	c->endpoint_ips = 0;
	switch (c->rcode) {
	case -1:
		c->cls = MATRIX_TIMEOUT;
		break;
	case LDNS_RCODE_NOERROR:
		matrix_classify_data(m, qtype, c);
		break;
	case LDNS_RCODE_NXDOMAIN:
		c->cls = MATRIX_NXDOMAIN;
		break;
	case LDNS_RCODE_REFUSED:
		c->cls = MATRIX_REFUSED;
		break;
	default: /* SERVFAIL, and FORMERR, NOTIMP, ...: a failure; the rcode says which */
		c->cls = MATRIX_SERVFAIL;
		break;
	}
}

const char *
matrix_cell_text(const struct matrix_cell *c, char *buf, size_t len)
{
	switch (c->cls) {
	case MATRIX_PRIVATE:
		if (c->endpoint != NULL)
			snprintf(buf, len, "private (endpoint %s, %zu IP%s)", c->endpoint->name, c->endpoint_ips,
				 c->endpoint_ips == 1 ? "" : "s");
		else
			snprintf(buf, len, "private");
		break;
	case MATRIX_PUBLIC:
		snprintf(buf, len, "public");
		break;
	case MATRIX_TIMEOUT:
		snprintf(buf, len, "timeout");
		break;
	case MATRIX_NODATA:
		snprintf(buf, len, "NODATA");
		break;
	default: /* the rcode's own name: NXDOMAIN, SERVFAIL, REFUSED, FORMERR, ... */
		snprintf(buf, len, "%s", DNS_RCODE_NAME((unsigned)c->rcode));
		break;
	}
	return buf;
}

/* ------------------------------------------------------------------ run */

struct matrix_query {
	struct matrix_run_state *st;
	struct matrix_cell *cell;
	uint16_t qtype;
};

struct matrix_run_state {
	struct event_base *base;
	const struct model *m;
	size_t in_flight;
	int err;
};

static void
matrix_on_answer(void *arg, const struct hns_client_result *res)
{
	struct matrix_query *q = arg;
	struct matrix_cell *c = q->cell;
	struct observed obs;

	memset(&obs, 0, sizeof(obs));
	c->latency_ms = hns_time_ms(res->elapsed);
	c->rcode = -1;
	c->error[0] = '\0';
	if (res->answer_len == 0)
		snprintf(c->error, sizeof(c->error), "%s", res->error ? res->error : "no answer");
	else if (observed_from_wire(&obs, res->answer, res->answer_len, q->qtype) != 0)
		snprintf(c->error, sizeof(c->error), "malformed answer");
	else
		c->rcode = obs.rcode;
	c->n_answers = c->rcode < 0 ? 0 : obs.n_values;
	for (size_t i = 0; i < c->n_answers && i < MATRIX_MAX_ANSWERS; i++) {
		snprintf(c->answers[i], sizeof(c->answers[i]), "%s", obs.values[i]);
		c->answer_types[i] = obs.types[i];
	}
	matrix_cell_classify(q->st->m, q->qtype, c);
	q->st->in_flight--;
	free(q);
}

/* One stub client per place, as check's (world_client_targets); NULL where nothing serves. */
static int
matrix_clients_new(struct matrix *mx, struct serve_ctx *ctx, struct event_base *base,
		   const struct matrix_opts *o, struct hns_client **clients)
{
	for (size_t p = 0; p < mx->n_places; p++) {
		struct hns_addr servers[8];
		size_t n = world_client_targets(ctx, &mx->places[p].from, servers, 8);

		clients[p] = NULL;
		if (n == 0)
			continue;
		clients[p] = hns_client_new(base, servers, n, o->timeout_ms, o->tries);
		if (clients[p] == NULL)
			return HNS_ENOMEM;
	}
	return 0;
}

/* Ask every cell, row by row, at most MATRIX_WINDOW at once. */
static int
matrix_ask_all(struct matrix *mx, struct hns_client **clients, struct matrix_run_state *st)
{
	size_t total = mx->n_names * mx->n_places;

	for (size_t i = 0; i < total && st->err == 0; i++) {
		size_t row = i / mx->n_places, p = i % mx->n_places;
		struct matrix_cell *c = &mx->cells[i];
		struct matrix_query *q;

		if (clients[p] == NULL) {
			snprintf(c->error, sizeof(c->error), "nothing serves %.90s", mx->places[p].name);
			continue;
		}
		while (st->in_flight >= MATRIX_WINDOW)
			event_base_loop(st->base, EVLOOP_ONCE);
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return HNS_ENOMEM;
		*q = (struct matrix_query){ .st = st, .cell = c, .qtype = mx->names[row].qtype };
		st->in_flight++;
		if (hns_client_query(clients[p], mx->names[row].name, q->qtype, matrix_on_answer, q) != 0) {
			st->in_flight--;
			free(q);
			snprintf(c->error, sizeof(c->error), "the name cannot be sent");
		}
	}
	while (st->in_flight > 0)
		event_base_loop(st->base, EVLOOP_ONCE);
	return 0;
}

int
matrix_run(struct matrix *mx, const struct matrix_opts *o)
{
	struct model_given none = { 0 };
	struct world_opts wo = { .seed = o->seed, .seed_given = o->seed_given, .port = o->port };
	struct event_base *base = event_base_new();
	struct hns_client **clients = calloc(mx->n_places ? mx->n_places : 1, sizeof(*clients));
	struct matrix_run_state st = { .base = base, .m = mx->m };
	struct serve_ctx ctx;
	int rc = base != NULL && clients != NULL ? 0 : HNS_ENOMEM;

	if (rc == 0)
		rc = world_up(&ctx, mx->m, &none, &wo, base);
	if (rc != 0)
		goto out;
	rc = matrix_clients_new(mx, &ctx, base, o, clients);
	if (rc == 0)
		rc = matrix_ask_all(mx, clients, &st);
	/* A client freed with queries pending runs their callbacks (ARES_EDESTRUCTION). */
	for (size_t p = 0; p < mx->n_places; p++)
		hns_client_free(clients[p]);
	world_down(&ctx);
	mx->ran = rc == 0;
out:
	free(clients);
	if (base != NULL)
		event_base_free(base);
	return rc;
}

int
matrix_build(const struct model *m, const char *names_file, const struct matrix_opts *o,
	     struct matrix **out, char *err, size_t errlen)
{
	struct matrix *mx = NULL;
	int rc = matrix_new(m, &mx);

	if (rc != 0) {
		snprintf(err, errlen, "%s", hns_strerror(rc));
		return rc;
	}
	if (names_file != NULL && (rc = matrix_names_file(mx, names_file, err, errlen)) != 0)
		goto fail;
	if ((rc = matrix_run(mx, o)) != 0) {
		snprintf(err, errlen, "cannot bring the world up: %s", hns_strerror(rc));
		goto fail;
	}
	*out = mx;
	return 0;
fail:
	matrix_free(mx);
	return rc;
}
