/*
 * model/schema.c -- the loader's schema engine: paths, node kinds, scalar
 * values (numbers, durations, probabilities, addresses, CIDRs, DNS names)
 * and the walk of a map against a table of fields (model/schema.h).
 * Every message names FILE:LINE:COLUMN, the key path and what was expected.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog.h"
#include "model/schema.h"

void *
ld_alloc(struct ld *ld, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	if (size != 0 && n > SIZE_MAX / size) {
		ld->oom = true;
		return NULL;
	}
	p = hns_arena_alloc(&ld->m->arena, n * size);
	if (p == NULL)
		ld->oom = true;
	return p;
}

const char *
ld_strdup(struct ld *ld, const char *s)
{
	char *p = hns_arena_strdup(&ld->m->arena, s);

	if (p == NULL)
		ld->oom = true;
	return p;
}

const char *
ld_printf(struct ld *ld, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ld_strdup(ld, buf);
}

/* Appends parts to a path buffer of LD_PATH_MAX bytes, cutting when long. */
static void
path_build(char *out, const char *parent, const char *sep, const char *key, const char *tail)
{
	const char *parts[4] = {parent, sep, key, tail};
	char tmp[LD_PATH_MAX];
	size_t used = 0;

	for (size_t i = 0; i < 4; i++) {
		size_t l = parts[i] != NULL ? strlen(parts[i]) : 0;

		if (l > LD_PATH_MAX - 1 - used)
			l = LD_PATH_MAX - 1 - used;
		memcpy(tmp + used, parts[i] != NULL ? parts[i] : "", l);
		used += l;
	}
	tmp[used] = '\0';
	memcpy(out, tmp, used + 1);
}

void
ld_path_key(char *out, const char *parent, const char *key)
{
	if (parent == NULL || parent[0] == '\0')
		path_build(out, NULL, NULL, key, NULL);
	else
		path_build(out, parent, ".", key, NULL);
}

void
ld_path_index(char *out, const char *parent, size_t i)
{
	char idx[32];

	snprintf(idx, sizeof(idx), "[%zu]", i);
	path_build(out, parent, NULL, idx, NULL);
}

static const char *
kind_name(const struct ynode *n)
{
	return n->kind == YN_MAP ? "a map" : n->kind == YN_SEQ ? "a list" : "a value";
}

bool
ld_is_null(const struct ynode *n)
{
	if (n->kind != YN_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

bool
ld_want_scalar(struct ld *ld, const struct ynode *n, const char *path, const char *expected)
{
	if (n->kind == YN_SCALAR)
		return true;
	ld_err(ld, n->loc, path, "got %s (expected %s)", kind_name(n), expected);
	return false;
}

bool
ld_want_kind(struct ld *ld, const struct ynode *n, const char *path, enum ynode_kind kind)
{
	if (n->kind == kind)
		return true;
	ld_err(ld, n->loc, path, "got %s (expected %s)", kind_name(n),
	       kind == YN_MAP   ? "a map"
	       : kind == YN_SEQ ? "a list"
	                        : "a value");
	return false;
}

/* Index of an earlier key equal to key i of a map, or -1. */
long
ld_map_dup(const struct ynode *map, size_t i)
{
	return map->dup != NULL ? map->dup[i] : -1;
}

/* For handle maps: reports a duplicate or a bad handle; false to skip the entry. */
bool
ld_handle_ok(struct ld *ld, const struct ynode *map, size_t i, const char *path)
{
	const struct ynode *k = map->kids[2 * i];
	long d = ld_map_dup(map, i);

	if (d >= 0) {
		ld_err(ld, k->loc, path, "duplicate key '%s' (first at line %u)", k->str,
		       map->kids[2 * d]->loc.line);
		return false;
	}
	if (k->len == 0 || strpbrk(k->str, ":@ \t,[]{}") != NULL) {
		ld_err(ld, k->loc, path,
		       "'%s' is not a usable name (expected a non-empty name without ':', '@', "
		       "spaces, commas or brackets)",
		       k->str);
		return false;
	}
	return true;
}

/* The objects of a handle map (`vpcs.<name>`, ...); NULL when v is no map or empty. */
void *
ld_handle_alloc(struct ld *ld, const struct ynode *v, const char *path, size_t size)
{
	if (!ld_want_kind(ld, v, path, YN_MAP))
		return NULL;
	return ld_alloc(ld, v->n, size);
}

/*
 * Entry i of a handle map: the next object of arr (each such struct starts
 * with `const char *name`), named and counted in *n, its path in sub; NULL
 * for a duplicate or unusable handle (reported).
 */
void *
ld_handle_next(struct ld *ld, const struct ynode *v, size_t i, const char *path, void *arr,
               size_t size, size_t *n, char *sub)
{
	const struct ynode *k = v->kids[2 * i];
	void *obj;

	if (!ld_handle_ok(ld, v, i, path))
		return NULL;
	obj = (char *)arr + *n * size;
	*(const char **)obj = ld_strdup(ld, k->str);
	ld_path_key(sub, path, k->str);
	(*n)++;
	return obj;
}

const char *
ld_dname(struct ld *ld, const struct ynode *n, const char *path, const char *text)
{
	size_t len = strlen(text), label = 0;
	char buf[256];

	if (strcmp(text, ".") == 0)
		return ld_strdup(ld, "");
	if (len > 0 && text[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '.') {
			if (label == 0)
				goto bad;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_' ||
		           (c == '*' && i == 0 && (len == 1 || text[1] == '.'))) {
			if (++label > 63)
				goto bad;
		} else {
			goto bad;
		}
		buf[i] = (char)tolower((unsigned char)c);
	}
	if (label == 0)
		goto bad;
	buf[len] = '\0';
	return ld_strdup(ld, buf);
bad:
	ld_err(ld, n->loc, path,
	       "'%s' is not a DNS name (expected labels of letters, digits, '-' or '_', "
	       "1-63 characters each)",
	       text);
	return NULL;
}

/* Lists names into buf as "a, b, c" (cut with "..." when long). */
const char *
ld_names_list(char *buf, size_t size, const void *base, size_t n, size_t stride, size_t name_off)
{
	size_t used = 0;

	buf[0] = '\0';
	if (n == 0)
		return "none defined";
	for (size_t i = 0; i < n; i++) {
		const char *name =
		    *(const char *const *)((const char *)base + i * stride + name_off);
		int w;

		if (name == NULL)
			continue;
		w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
		if (w < 0 || (size_t)w >= size - used) {
			if (size > 4)
				strcpy(buf + size - 4, "...");
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

bool
ld_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

static bool
parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s[0] == '\0' || isspace((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return false;
	if (strpbrk(s, "xXnNiI") != NULL) /* no hex floats, nan, inf */
		return false;
	*out = v;
	return true;
}

static bool
parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
		*out = false;
		return true;
	}
	return false;
}

/* "0.1%" or "0.001" -> 0.001; within 0..1. */
static bool
parse_prob(const char *s, double *out)
{
	char buf[64];
	size_t n = strlen(s);
	double v;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == '%') {
		buf[n - 1] = '\0';
		if (!parse_double(buf, &v))
			return false;
		v /= 100.0;
	} else if (!parse_double(buf, &v)) {
		return false;
	}
	if (v < 0 || v > 1)
		return false;
	*out = v;
	return true;
}

/* "10s", "500ms", "2m", "1h", "1.5s"; a bare number is seconds. */
static bool
parse_duration_ms(const char *s, uint64_t *out)
{
	char buf[64];
	size_t n = strlen(s), u = n;
	double v, mult = 1000;

	if (n == 0 || n >= sizeof(buf))
		return false;
	while (u > 0 && isalpha((unsigned char)s[u - 1]))
		u--;
	if (u == 0)
		return false;
	const char *unit = s + u;

	if (*unit == '\0' || strcmp(unit, "s") == 0)
		mult = 1000;
	else if (strcmp(unit, "ms") == 0)
		mult = 1;
	else if (strcmp(unit, "m") == 0)
		mult = 60000;
	else if (strcmp(unit, "h") == 0)
		mult = 3600000;
	else
		return false;
	memcpy(buf, s, u);
	buf[u] = '\0';
	if (!parse_double(buf, &v) || v < 0)
		return false;
	v *= mult;
	if (v > 1e15)
		return false;
	*out = (uint64_t)llround(v);
	return true;
}

/* Reports a CIDR that does not parse, saying so when only host bits are wrong. */
static bool
ld_cidr(struct ld *ld, const struct ynode *n, const char *path, struct hns_cidr *out)
{
	if (hns_cidr_parse(n->str, out) == 0)
		return true;
	/* Is it a network with host bits set? Parse address and prefix by hand. */
	const char *slash = strchr(n->str, '/');
	char addr[64];
	struct hns_addr a;
	uint64_t prefix;

	if (slash != NULL && (size_t)(slash - n->str) < sizeof(addr)) {
		memcpy(addr, n->str, (size_t)(slash - n->str));
		addr[slash - n->str] = '\0';
		if (hns_addr_parse(addr, &a) == 0 && ld_parse_u64(slash + 1, &prefix) &&
		    prefix <= (a.family == AF_INET ? 32u : 128u)) {
			unsigned bits = a.family == AF_INET ? 32 : 128;
			char buf[HNS_ADDR_STRLEN];

			for (unsigned bit = (unsigned)prefix; bit < bits; bit++)
				a.bytes[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
			ld_err(ld, n->loc, path, "%s has host bits set (expected %s/%u)", n->str,
			       hns_addr_str(&a, buf, sizeof(buf)), (unsigned)prefix);
			return false;
		}
	}
	ld_err(ld, n->loc, path, "'%s' is not a CIDR (expected an address/prefix like 10.0.0.0/16)",
	       n->str);
	return false;
}

bool
ld_addr(struct ld *ld, const struct ynode *n, const char *path, struct hns_addr *out)
{
	if (!ld_want_scalar(ld, n, path, "an IP address"))
		return false;
	if (hns_addr_parse(n->str, out) == 0)
		return true;
	ld_err(ld, n->loc, path, "'%s' is not an IP address (expected e.g. 10.0.1.10)", n->str);
	return false;
}

static bool
ld_addr_port(struct ld *ld, const struct ynode *n, const char *path, struct hns_addr *out,
             uint16_t default_port)
{
	if (!ld_want_scalar(ld, n, path, "an address"))
		return false;
	if (hns_addr_parse_port(n->str, out) == 0) {
		if (out->port == 0)
			out->port = default_port;
		return true;
	}
	ld_err(ld, n->loc, path,
	       "'%s' is not an address (expected ip or ip:port, e.g. 10.0.1.10 or 127.0.0.1:5301)",
	       n->str);
	return false;
}

static bool
field_range_ok(const struct field *f, double v)
{
	return !(f->max > f->min) || (v >= f->min && v <= f->max);
}

/* F_U32 and F_U64: a non-negative integer within the field's range. */
static void
field_set_uint(struct ld *ld, const struct field *f, const struct ynode *n, const char *text,
               const char *path, void *slot)
{
	uint64_t u;

	if (!ld_parse_u64(text, &u) || (f->type == F_U32 && u > UINT32_MAX) ||
	    !field_range_ok(f, (double)u)) {
		if (f->max > f->min)
			ld_err(ld, n->loc, path,
			       "'%s' is not a valid number (expected an integer from %.0f "
			       "to %.0f)",
			       text, f->min, f->max);
		else
			ld_err(
			    ld, n->loc, path,
			    "'%s' is not a valid number (expected a non-negative integer)",
			    text);
		return;
	}
	if (f->type == F_U32)
		*(uint32_t *)slot = (uint32_t)u;
	else
		*(uint64_t *)slot = u;
}

/* F_ENUM: one of the names of the field's table. */
static void
field_set_enum(struct ld *ld, const struct field *f, const struct ynode *n, const char *text,
               const char *path, void *slot)
{
	char buf[512];

	for (const struct enum_val *e = f->enums; e->name != NULL; e++) {
		if (strcmp(e->name, text) == 0) {
			*(int *)slot = e->value;
			return;
		}
	}
	buf[0] = '\0';
	for (const struct enum_val *e = f->enums; e->name != NULL; e++) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "%s%s", l ? ", " : "", e->name);
	}
	ld_err(ld, n->loc, path, "'%s' is not allowed (expected one of: %s)", text, buf);
}

/* Parses one scalar field from text (the value or the default). */
void
ld_field_set(struct ld *ld, const struct field *f, const struct ynode *n, const char *text,
             const char *path, void *obj)
{
	void *slot = (char *)obj + f->off;
	uint64_t u;
	double d;
	bool b;

	switch (f->type) {
	case F_STR:
		*(const char **)slot = ld_strdup(ld, text);
		return;
	case F_NAME:
		*(const char **)slot = ld_dname(ld, n, path, text);
		return;
	case F_REGION:
		if (!catalog_region_valid(text)) {
			ld_err(ld, n->loc, path,
			       "'%s' is not an AWS region (expected e.g. eu-west-1)", text);
			return;
		}
		*(const char **)slot = ld_strdup(ld, text);
		return;
	case F_BOOL:
		if (!parse_bool(text, &b)) {
			ld_err(ld, n->loc, path, "'%s' is not a boolean (expected true or false)",
			       text);
			return;
		}
		*(bool *)slot = b;
		return;
	case F_U32:
	case F_U64:
		field_set_uint(ld, f, n, text, path, slot);
		return;
	case F_DOUBLE:
		if (!parse_double(text, &d) || !field_range_ok(f, d)) {
			if (f->max > f->min)
				ld_err(
				    ld, n->loc, path,
				    "'%s' is not a valid number (expected a number from %g to %g)",
				    text, f->min, f->max);
			else
				ld_err(ld, n->loc, path,
				       "'%s' is not a valid number (expected a number)", text);
			return;
		}
		*(double *)slot = d;
		return;
	case F_PROB:
		if (!parse_prob(text, &d)) {
			ld_err(ld, n->loc, path,
			       "'%s' is not a probability (expected a percentage like 0.1%% or a "
			       "fraction like 0.001, from 0 to 1)",
			       text);
			return;
		}
		*(double *)slot = d;
		return;
	case F_MS:
		if (!parse_duration_ms(text, &u)) {
			ld_err(ld, n->loc, path,
			       "'%s' is not a duration (expected e.g. 10s or 500ms)", text);
			return;
		}
		*(uint64_t *)slot = u;
		return;
	case F_ADDR:
		if (hns_addr_parse(text, (struct hns_addr *)slot) != 0)
			ld_err(ld, n->loc, path,
			       "'%s' is not an IP address (expected e.g. 10.0.1.10)", text);
		return;
	case F_ADDR_PORT:
		if (hns_addr_parse_port(text, (struct hns_addr *)slot) != 0)
			ld_err(ld, n->loc, path,
			       "'%s' is not an address (expected ip or ip:port, e.g. 10.0.1.10 or "
			       "127.0.0.1:5301)",
			       text);
		return;
	case F_CIDR: {
		struct ynode tmp = *n;

		tmp.str = text;
		if (ld_cidr(ld, &tmp, path, (struct hns_cidr *)slot) && f->max > f->min &&
		    !ld_cidr_aws(ld, (struct hns_cidr *)slot, n->loc, path, (unsigned)f->min,
		                 (unsigned)f->max))
			memset(slot, 0, sizeof(struct hns_cidr)); /* no checks against it */
		return;
	}
	case F_ENUM:
		field_set_enum(ld, f, n, text, path, slot);
		return;
	case F_VPC: {
		struct model_vpc *v = model_vpc_find(ld->m, text);
		char names[256];

		if (v == NULL) {
			ld_err(ld, n->loc, path, "no VPC named '%s' (VPCs: %s)", text,
			       NAMES(names, ld->m->vpcs, ld->m->n_vpcs, struct model_vpc));
			return;
		}
		*(struct model_vpc **)slot = v;
		return;
	}
	case F_FN:
		return;
	}
}

uint64_t
ld_field_bit(const struct field *fields, size_t nf, const char *key)
{
	for (size_t i = 0; i < nf; i++) {
		if (strcmp(fields[i].key, key) == 0)
			return 1ULL << i;
	}
	return 0;
}

/*
 * Walks a map against a schema: unknown and duplicate keys, required keys,
 * types, ranges, defaults.  `key_loc` is where the map's own key stands
 * (for "missing" messages).  Returns the bit mask of the fields present.
 */
uint64_t
ld_schema_walk(struct ld *ld, const struct ynode *map, const char *path, struct model_loc key_loc,
               const struct field *fields, size_t nf, void *obj)
{
	char sub[LD_PATH_MAX];
	uint64_t present = 0;

	if (map != NULL && !ld_is_null(map) && !ld_want_kind(ld, map, path, YN_MAP))
		return 0;
	if (map != NULL && map->kind == YN_MAP) {
		for (size_t i = 0; i < map->n; i++) {
			const struct ynode *k = map->kids[2 * i];
			long d = ld_map_dup(map, i);
			size_t j;

			if (d >= 0) {
				ld_err(ld, k->loc, path, "duplicate key '%s' (first at line %u)",
				       k->str, map->kids[2 * d]->loc.line);
				continue;
			}
			for (j = 0; j < nf; j++) {
				if (strcmp(fields[j].key, k->str) == 0)
					break;
			}
			if (j == nf) {
				char allowed[512] = "";

				for (size_t a = 0; a < nf; a++) {
					size_t l = strlen(allowed);

					snprintf(allowed + l, sizeof(allowed) - l, "%s%s",
					         a ? ", " : "", fields[a].key);
				}
				ld_err(ld, k->loc, path, "unknown key '%s' (allowed: %s)", k->str,
				       allowed);
			}
		}
	}
	for (size_t j = 0; j < nf; j++) {
		const struct field *f = &fields[j];
		const struct ynode *v = NULL, *k = NULL;

		if (map != NULL && map->kind == YN_MAP) {
			for (size_t i = 0; i < map->n; i++) {
				if (strcmp(map->kids[2 * i]->str, f->key) == 0) {
					k = map->kids[2 * i];
					v = map->kids[2 * i + 1];
					break;
				}
			}
		}
		ld_path_key(sub, path, f->key);
		if (v != NULL && ld_is_null(v) && f->type != F_FN) {
			ld_err(ld, v->loc, sub, "missing value (expected a value for '%s')",
			       f->key);
			continue;
		}
		if (v == NULL) {
			if (f->flags & FL_REQ) {
				ld_err(ld, key_loc, path, "missing required key '%s'", f->key);
			} else if (f->def != NULL) {
				struct ynode dn = {
				    .kind = YN_SCALAR, .loc = key_loc, .str = f->def};

				ld_field_set(ld, f, &dn, f->def, sub, obj);
			}
			continue;
		}
		present |= 1ULL << j;
		(void)k;
		if (f->type == F_FN) {
			if (ld_is_null(v) && (f->flags & FL_REQ))
				ld_err(ld, v->loc, sub, "missing value (expected a value for '%s')",
				       f->key);
			else if (!ld_is_null(v))
				f->fn(ld, v, sub, obj);
			continue;
		}
		if (!ld_want_scalar(ld, v, sub, "a single value"))
			continue;
		ld_field_set(ld, f, v, v->str, sub, obj);
	}
	return present;
}

/* The objects of a YAML list; NULL when v is no list or empty. */
void *
ld_list_alloc(struct ld *ld, const struct ynode *v, const char *path, size_t size)
{
	if (!ld_want_kind(ld, v, path, YN_SEQ))
		return NULL;
	return ld_alloc(ld, v->n, size);
}

/* One object: located at key, pre, walked, post. */
static void
obj_walk_one(struct ld *ld, const struct obj_walk *w, const struct ynode *key,
             const struct ynode *val, const char *sub, void *obj, void *ctx)
{
	uint64_t p;

	*(struct model_loc *)((char *)obj + w->loc_off) = key->loc;
	if (w->pre != NULL && !w->pre(ld, key, sub, obj, ctx))
		return;
	p = ld_schema_walk(ld, val, sub, key->loc, w->fields, w->nf, obj);
	if (w->post != NULL)
		w->post(ld, key, val, sub, obj, p, ctx);
}

/* Each map of list v (as ld_list_alloc'ed into arr) into an object, all counted in *n. */
void
ld_walk_list(struct ld *ld, const struct ynode *v, const char *path, const struct obj_walk *w,
             void *arr, size_t *n, void *ctx)
{
	char sub[LD_PATH_MAX];

	if (arr == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		ld_path_index(sub, path, i);
		obj_walk_one(ld, w, v->kids[i], v->kids[i], sub, (char *)arr + *n * w->size, ctx);
		(*n)++;
	}
}

/* Each entry of handle map v (as ld_handle_alloc'ed into arr) into a named object counted in *n. */
void
ld_walk_handles(struct ld *ld, const struct ynode *v, const char *path,
                const struct obj_walk *w, void *arr, size_t *n, void *ctx)
{
	char sub[LD_PATH_MAX];

	if (arr == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		void *obj = ld_handle_next(ld, v, i, path, arr, w->size, n, sub);

		if (obj != NULL)
			obj_walk_one(ld, w, v->kids[2 * i], v->kids[2 * i + 1], sub, obj, ctx);
	}
}

/* The value node of key in map, or NULL. */
const struct ynode *
ld_map_get(const struct ynode *map, const char *key)
{
	if (map == NULL || map->kind != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->kids[2 * i]->str, key) == 0)
			return map->kids[2 * i + 1];
	}
	return NULL;
}

struct model_loc
ld_key_loc(const struct ynode *map, const char *key, struct model_loc dflt)
{
	if (map != NULL && map->kind == YN_MAP) {
		for (size_t i = 0; i < map->n; i++) {
			if (strcmp(map->kids[2 * i]->str, key) == 0)
				return map->kids[2 * i]->loc;
		}
	}
	return dflt;
}

void
ld_addr_list(struct ld *ld, const struct ynode *v, const char *path, struct hns_addr **out,
             size_t *n, uint16_t default_port, enum ld_target_kind kind)
{
	char sub[LD_PATH_MAX];
	struct hns_addr *arr;

	arr = ld_list_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		ld_path_index(sub, path, i);
		if (ld_addr_port(ld, v->kids[i], sub, &arr[*n], default_port) &&
		    ld_target_addr(ld, &arr[*n], v->kids[i]->loc, sub, kind))
			(*n)++;
	}
}
