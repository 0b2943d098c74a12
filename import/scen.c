/*
 * import/scen.c -- the importers' world: arena helpers, messages, lookups
 * by key, and imp_scen_finish(), which links, names and completes it.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "import/scen.h"

void
imp_scen_init(struct imp_scen *s, FILE *err)
{
	memset(s, 0, sizeof(*s));
	hns_arena_init(&s->arena);
	s->err = err;
}

void
imp_scen_deinit(struct imp_scen *s)
{
	if (s == NULL)
		return;
	hns_arena_deinit(&s->arena);
}

const char *
imp_strdup(struct imp_scen *s, const char *str)
{
	char *p;

	if (str == NULL)
		return NULL;
	p = hns_arena_strdup(&s->arena, str);
	if (p == NULL)
		s->oom = true;
	return p;
}

const char *
imp_printf(struct imp_scen *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return imp_strdup(s, buf);
}

void *
imp_grow(struct imp_scen *s, void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void *na = hns_arena_alloc(&s->arena, nc * size);

		if (na == NULL) {
			s->oom = true;
			return NULL;
		}
		if (*n)
			memcpy(na, *arr, *n * size);
		*arr = na;
		*cap = nc;
	}
	return (char *)*arr + (*n)++ * size;
}

void
imp_strs_add(struct imp_scen *s, struct imp_strs *l, const char *str)
{
	const char **slot;

	if (str == NULL || imp_strs_has(l, str))
		return;
	slot = imp_grow(s, (void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
	if (slot != NULL)
		*slot = imp_strdup(s, str);
}

bool
imp_strs_has(const struct imp_strs *l, const char *str)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], str) == 0)
			return true;
	return false;
}

static void
imp_vmsg(struct imp_scen *s, const char *what, const char *file, const char *path,
	 const char *fmt, va_list ap)
{
	if (s->err == NULL)
		return;
	fprintf(s->err, "%s%s%s%s%s", file ? file : "", file ? ": " : "", path ? path : "",
		path ? ": " : "", what);
	vfprintf(s->err, fmt, ap);
	fputc('\n', s->err);
}

void
imp_error(struct imp_scen *s, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;

	s->n_errors++;
	va_start(ap, fmt);
	imp_vmsg(s, "", file, path, fmt, ap);
	va_end(ap);
}

void
imp_warn(struct imp_scen *s, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;

	s->n_warnings++;
	va_start(ap, fmt);
	imp_vmsg(s, "warning: ", file, path, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------- lookups */

static bool
key_is(const char *key, const char *key2, const char *want)
{
	return want != NULL && ((key && strcmp(key, want) == 0) || (key2 && strcmp(key2, want) == 0));
}

#define IMP_FIND(fn, T, field)                                                                     \
	T *fn(struct imp_scen *s, const char *key)                                                 \
	{                                                                                          \
		for (size_t i = 0; i < s->field.n; i++)                                            \
			if (key_is(s->field.v[i].key, s->field.v[i].key2, key))                    \
				return &s->field.v[i];                                             \
		return NULL;                                                                       \
	}

IMP_FIND(imp_vpc_find, struct imp_vpc, vpcs)
IMP_FIND(imp_subnet_find, struct imp_subnet, subnets)
IMP_FIND(imp_endpoint_find, struct imp_endpoint, endpoints)
IMP_FIND(imp_zone_find, struct imp_zone, zones)
IMP_FIND(imp_rep_find, struct imp_rep, reps)
IMP_FIND(imp_rule_find, struct imp_rule, rules)

const char *
imp_dname(struct imp_scen *s, const char *name)
{
	size_t n;
	char *p;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	while (n > 0 && name[n - 1] == '.')
		n--;
	p = hns_arena_strndup(&s->arena, name, n);
	if (p == NULL) {
		s->oom = true;
		return NULL;
	}
	for (char *c = p; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return p;
}

const char *
imp_vpce_suffix(struct imp_scen *s, const char *id, const char *dns_name)
{
	size_t il;

	if (id == NULL || dns_name == NULL)
		return NULL;
	il = strlen(id);
	if (strncasecmp(dns_name, id, il) != 0 || dns_name[il] != '-')
		return NULL;
	dns_name += il + 1;
	if (strspn(dns_name, "abcdefghijklmnopqrstuvwxyz0123456789") != 8 ||
	    (dns_name[8] != '.' && dns_name[8] != '-'))
		return NULL;
	return hns_arena_strndup(&s->arena, dns_name, 8);
}

struct imp_endpoint *
imp_endpoint_by_dns(struct imp_scen *s, const char *dns_name, const char **az)
{
	*az = NULL;
	for (size_t i = 0; i < s->endpoints.n; i++) {
		struct imp_endpoint *ep = &s->endpoints.v[i];
		const char *suf = imp_vpce_suffix(s, ep->id, dns_name);
		const char *rest, *dot;

		if (suf == NULL)
			continue;
		rest = dns_name + strlen(ep->id) + 1 + 8;
		if (*rest == '-') {
			dot = strchr(rest, '.');
			if (dot != NULL)
				*az = hns_arena_strndup(&s->arena, rest + 1, (size_t)(dot - rest - 1));
		}
		return ep;
	}
	return NULL;
}

const char *
imp_rdata_absolute(struct imp_scen *s, const char *type, const char *rdata)
{
	static const char *const name_last[] = {"CNAME", "NS", "PTR", "DNAME", "MX", "SRV"};
	size_t n = rdata != NULL ? strlen(rdata) : 0;

	if (n == 0 || rdata[n - 1] == '.')
		return rdata;
	for (size_t i = 0; i < sizeof(name_last) / sizeof(name_last[0]); i++)
		if (strcasecmp(type, name_last[i]) == 0)
			return imp_printf(s, "%s.", rdata);
	return rdata;
}

void
imp_record_add(struct imp_scen *s, struct imp_zone *z, const char *owner, long ttl,
	       const char *type, const char *rdata)
{
	struct imp_record *r = IMP_PUSH(s, z->records);

	if (r == NULL)
		return;
	r->owner = owner;
	r->ttl = ttl;
	r->type = type;
	r->rdata = imp_rdata_absolute(s, type, rdata);
}

void
imp_alias_add(struct imp_scen *s, struct imp_zone *z, const char *owner, const char *target,
	      const char *target_key)
{
	struct imp_record *r = IMP_PUSH(s, z->records);
	struct imp_endpoint *ep = NULL;
	const char *az = NULL;

	if (r == NULL)
		return;
	if (target != NULL)
		ep = imp_endpoint_by_dns(s, target, &az);
	r->owner = owner;
	r->ttl = -1;
	r->type = "ALIAS";
	r->rdata = target;
	r->alias_key = ep != NULL ? ep->key : target_key;
	r->alias_az = az;
}
