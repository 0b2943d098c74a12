/*
 * model/loader.c -- scenario YAML -> struct model (format v1,
 * docs/scenario.md).
 *
 * The YAML is first turned into a tree of located nodes (yaml.c); then each
 * map is walked against a declarative schema table (struct field: key, type,
 * required, default, range) by one function, schema_walk().  Keys whose
 * values are collections or references are F_FN fields with a small
 * function each; lists of maps and handle maps (`vpcs.<name>`) are read
 * by walk_map_list() and walk_handle_map(), with per-object pre and post
 * hooks (struct obj_walk).  Top-level sections are walked in dependency order (VPCs
 * before endpoints before zones ...), whatever their order in the file, so
 * references resolve as they are read.  Every error is collected with its
 * location; the load fails when there was any.
 *
 * Decisions beyond the format (documented in docs/catalog.md):
 * YAML aliases are rejected; `private_dns_only_for_inbound` defaults to
 * true only with private DNS and a gateway endpoint for the service in the
 * VPC; `zone:<name>` hops prefer private, then public hosted zones, then
 * on-prem, then internet zones; ENIs may not take AWS-reserved subnet
 * addresses; forward `attempts` defaults to the number of `to` addresses.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "model/catalog.h"
#include "model/internal.h"
#include "model/model.h"
#include "model/ytree.h"

/* ------------------------------------------------------------ helpers */

static void *
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

static const char *
ld_strdup(struct ld *ld, const char *s)
{
	char *p = hns_arena_strdup(&ld->m->arena, s);

	if (p == NULL)
		ld->oom = true;
	return p;
}

static const char *ld_printf(struct ld *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
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

static void
path_key(char *out, const char *parent, const char *key)
{
	if (parent == NULL || parent[0] == '\0')
		path_build(out, NULL, NULL, key, NULL);
	else
		path_build(out, parent, ".", key, NULL);
}

static void
path_index(char *out, const char *parent, size_t i)
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

static bool
is_null(const struct ynode *n)
{
	if (n->kind != YN_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

static bool
want_scalar(struct ld *ld, const struct ynode *n, const char *path, const char *expected)
{
	if (n->kind == YN_SCALAR)
		return true;
	ld_err(ld, n->loc, path, "got %s (expected %s)", kind_name(n), expected);
	return false;
}

static bool
want_kind(struct ld *ld, const struct ynode *n, const char *path, enum ynode_kind kind)
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
static long
map_dup(const struct ynode *map, size_t i)
{
	return map->dup != NULL ? map->dup[i] : -1;
}

/* For handle maps: reports a duplicate or a bad handle; false to skip the entry. */
static bool
handle_ok(struct ld *ld, const struct ynode *map, size_t i, const char *path)
{
	const struct ynode *k = map->kids[2 * i];
	long d = map_dup(map, i);

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
static void *
handle_alloc(struct ld *ld, const struct ynode *v, const char *path, size_t size)
{
	if (!want_kind(ld, v, path, YN_MAP))
		return NULL;
	return ld_alloc(ld, v->n, size);
}

/*
 * Entry i of a handle map: the next object of arr (each such struct starts
 * with `const char *name`), named and counted in *n, its path in sub; NULL
 * for a duplicate or unusable handle (reported).
 */
static void *
handle_next(struct ld *ld, const struct ynode *v, size_t i, const char *path, void *arr,
            size_t size, size_t *n, char *sub)
{
	const struct ynode *k = v->kids[2 * i];
	void *obj;

	if (!handle_ok(ld, v, i, path))
		return NULL;
	obj = (char *)arr + *n * size;
	*(const char **)obj = ld_strdup(ld, k->str);
	path_key(sub, path, k->str);
	(*n)++;
	return obj;
}

/* Stable 64-bit FNV-1a of "kind/name" with a seed. */
static uint64_t
ld_hash(const char *kind, const char *name, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (const char *p = kind; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = (h ^ '/') * 0x100000001b3ULL;
	for (const char *p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	/* final avalanche */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* "<prefix>" + 17 lowercase hex digits derived from kind and name. */
static const char *
ld_derive_id(struct ld *ld, const char *prefix, const char *kind, const char *name)
{
	uint64_t a = ld_hash(kind, name, 1), b = ld_hash(kind, name, 2);

	return ld_printf(ld, "%s%016" PRIx64 "%x", prefix, a, (unsigned)(b & 0xf));
}

static const char *
ld_derive_suffix(struct ld *ld, const char *name)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t h = ld_hash("dns_suffix", name, 3);
	char s[9];

	for (int i = 0; i < 8; i++) {
		s[i] = alnum[h % 36];
		h /= 36;
	}
	s[8] = '\0';
	return ld_strdup(ld, s);
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

static bool
region_az_ok(const char *region, const char *az)
{
	size_t rl = strlen(region);

	return strlen(az) == rl + 1 && strncmp(az, region, rl) == 0 &&
	       islower((unsigned char)az[rl]);
}

/* Registers an address in use; ld_addr_dups() reports the ones used twice. */
static void
ld_use_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc, const char *path)
{
	ld_addr_use_push(ld, &ld->uses, &ld->n_uses, &ld->cap_uses, a, loc, path);
}

static int
addr_use_cmp(const void *a, const void *b)
{
	const struct ld_addr_use *x = a, *y = b;
	int c = (int)x->addr.family - (int)y->addr.family;

	if (c == 0)
		c = memcmp(x->addr.bytes, y->addr.bytes, sizeof(x->addr.bytes));
	if (c == 0)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

/* Every address used a second time, pointing at its first use (O(n log n)). */
static void
ld_addr_dups(struct ld *ld)
{
	char buf[HNS_ADDR_STRLEN];

	if (ld->n_uses > 1)
		qsort(ld->uses, ld->n_uses, sizeof(*ld->uses), addr_use_cmp);
	for (size_t i = 1, first = 0; i < ld->n_uses; i++) {
		const struct ld_addr_use *u = &ld->uses[i], *f = &ld->uses[first];

		if (!hns_addr_equal(&u->addr, &f->addr)) {
			first = i;
			continue;
		}
		ld_err(ld, u->loc, u->path, "%s is already used by %s (line %u)",
		       hns_addr_str(&u->addr, buf, sizeof(buf)), f->path, f->loc.line);
	}
}

/* Lists names into buf as "a, b, c" (cut with "..." when long). */
static const char *
names_list(char *buf, size_t size, const void *base, size_t n, size_t stride, size_t name_off)
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

#define NAMES(buf, arr, n, type)                                                                   \
	names_list(buf, sizeof(buf), arr, n, sizeof(type), offsetof(type, name))

/* ------------------------------------------------------ scalar parsing */

static bool
parse_u64(const char *s, uint64_t *out)
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
		if (hns_addr_parse(addr, &a) == 0 && parse_u64(slash + 1, &prefix) &&
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

static bool
ld_addr(struct ld *ld, const struct ynode *n, const char *path, struct hns_addr *out)
{
	if (!want_scalar(ld, n, path, "an IP address"))
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
	if (!want_scalar(ld, n, path, "an address"))
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

/* ------------------------------------------------------------- schema */

enum ftype {
	F_STR,       /* const char * */
	F_NAME,      /* const char *, a DNS name normalised */
	F_REGION,    /* const char *, an AWS region */
	F_BOOL,      /* bool */
	F_U32,       /* uint32_t, range min..max */
	F_U64,       /* uint64_t */
	F_DOUBLE,    /* double, range min..max */
	F_PROB,      /* double 0..1: "0.1%" or "0.001" */
	F_MS,        /* uint64_t milliseconds: "10s", "500ms" */
	F_ADDR,      /* struct hns_addr, no port */
	F_ADDR_PORT, /* struct hns_addr, optional port */
	F_CIDR,      /* struct hns_cidr; with a range: an AWS IPv4 block, prefix min..max */
	F_ENUM,      /* int (a C enum), from a name table */
	F_VPC,       /* struct model_vpc *, a VPC handle */
	F_FN,        /* a function parses the value */
};

struct enum_val {
	const char *name;
	int value;
};

typedef void (*field_fn)(struct ld *ld, const struct ynode *v, const char *path, void *obj);

#define FL_REQ 1u

struct field {
	const char *key;
	enum ftype type;
	unsigned flags;
	size_t off;
	const char *def; /* default in the same text form; NULL: left as initialised */
	double min, max; /* numeric range when max > min */
	const struct enum_val *enums;
	field_fn fn;
};

#define FIELD(k, t, fl, T, m, d)                                                                   \
	{                                                                                          \
		k, t, fl, offsetof(T, m), d, 0, 0, NULL, NULL                                      \
	}
#define FRANGE(k, t, fl, T, m, d, lo, hi)                                                          \
	{                                                                                          \
		k, t, fl, offsetof(T, m), d, lo, hi, NULL, NULL                                    \
	}
#define FENUM(k, fl, T, m, d, tab)                                                                 \
	{                                                                                          \
		k, F_ENUM, fl, offsetof(T, m), d, 0, 0, tab, NULL                                  \
	}
#define FFN(k, fl, f)                                                                              \
	{                                                                                          \
		k, F_FN, fl, 0, NULL, 0, 0, NULL, f                                                \
	}
#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

static bool
field_range_ok(const struct field *f, double v)
{
	return !(f->max > f->min) || (v >= f->min && v <= f->max);
}

/* Parses one scalar field from text (the value or the default). */
static void
field_set(struct ld *ld, const struct field *f, const struct ynode *n, const char *text,
          const char *path, void *obj)
{
	void *slot = (char *)obj + f->off;
	uint64_t u;
	double d;
	bool b;
	char buf[512];

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
		if (!parse_u64(text, &u) || (f->type == F_U32 && u > UINT32_MAX) ||
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

static uint64_t
field_bit(const struct field *fields, size_t nf, const char *key)
{
	for (size_t i = 0; i < nf; i++) {
		if (strcmp(fields[i].key, key) == 0)
			return 1ULL << i;
	}
	return 0;
}

#define HAS(mask, fields, key) (((mask)&field_bit(fields, NFIELDS(fields), key)) != 0)

/*
 * Walks a map against a schema: unknown and duplicate keys, required keys,
 * types, ranges, defaults.  `key_loc` is where the map's own key stands
 * (for "missing" messages).  Returns the bit mask of the fields present.
 */
static uint64_t
schema_walk(struct ld *ld, const struct ynode *map, const char *path, struct model_loc key_loc,
            const struct field *fields, size_t nf, void *obj)
{
	char sub[LD_PATH_MAX];
	uint64_t present = 0;

	if (map != NULL && !is_null(map) && !want_kind(ld, map, path, YN_MAP))
		return 0;
	if (map != NULL && map->kind == YN_MAP) {
		for (size_t i = 0; i < map->n; i++) {
			const struct ynode *k = map->kids[2 * i];
			long d = map_dup(map, i);
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
		path_key(sub, path, f->key);
		if (v != NULL && is_null(v) && f->type != F_FN) {
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

				field_set(ld, f, &dn, f->def, sub, obj);
			}
			continue;
		}
		present |= 1ULL << j;
		(void)k;
		if (f->type == F_FN) {
			if (is_null(v) && (f->flags & FL_REQ))
				ld_err(ld, v->loc, sub, "missing value (expected a value for '%s')",
				       f->key);
			else if (!is_null(v))
				f->fn(ld, v, sub, obj);
			continue;
		}
		if (!want_scalar(ld, v, sub, "a single value"))
			continue;
		field_set(ld, f, v, v->str, sub, obj);
	}
	return present;
}

/*
 * How the objects of a list of maps (`forwards`, `expect`, ...) or of a
 * handle map (`vpcs.<name>`, ...) are read: each map is walked against
 * `fields` into an object of `size` bytes whose `struct model_loc` stands at
 * `loc_off`.  `pre` (optional) runs before the walk and returns false to skip
 * it; `post` (optional) runs after it with the fields present.  `key` is the
 * node the object is located at: the list item, or the handle's key; `val`
 * is its map.  `ctx` is the caller's.
 */
struct obj_walk {
	const struct field *fields;
	size_t nf;
	size_t size;
	size_t loc_off;
	bool (*pre)(struct ld *ld, const struct ynode *key, const char *sub, void *obj, void *ctx);
	void (*post)(struct ld *ld, const struct ynode *key, const struct ynode *val,
	             const char *sub, void *obj, uint64_t present, void *ctx);
};

#define OBJ_WALK(fields, type, pre, post)                                                     \
	{(fields), NFIELDS(fields), sizeof(type), offsetof(type, loc), (pre), (post)}

/* The objects of a YAML list; NULL when v is no list or empty. */
static void *
list_alloc(struct ld *ld, const struct ynode *v, const char *path, size_t size)
{
	if (!want_kind(ld, v, path, YN_SEQ))
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
	p = schema_walk(ld, val, sub, key->loc, w->fields, w->nf, obj);
	if (w->post != NULL)
		w->post(ld, key, val, sub, obj, p, ctx);
}

/* Each map of list v (as list_alloc'ed into arr) into an object, all counted in *n. */
static void
walk_map_list(struct ld *ld, const struct ynode *v, const char *path, const struct obj_walk *w,
              void *arr, size_t *n, void *ctx)
{
	char sub[LD_PATH_MAX];

	if (arr == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		path_index(sub, path, i);
		obj_walk_one(ld, w, v->kids[i], v->kids[i], sub, (char *)arr + *n * w->size, ctx);
		(*n)++;
	}
}

/* Each entry of handle map v (as handle_alloc'ed into arr) into a named object counted in *n. */
static void
walk_handle_map(struct ld *ld, const struct ynode *v, const char *path,
                const struct obj_walk *w, void *arr, size_t *n, void *ctx)
{
	char sub[LD_PATH_MAX];

	if (arr == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		void *obj = handle_next(ld, v, i, path, arr, w->size, n, sub);

		if (obj != NULL)
			obj_walk_one(ld, w, v->kids[2 * i], v->kids[2 * i + 1], sub, obj, ctx);
	}
}

/* ------------------------------------------------------------ defaults */

static const struct field defaults_fields[] = {
    FRANGE("vpce_ttl", F_U32, 0, struct model_defaults, vpce_ttl, NULL, 0, 2147483647),
    FRANGE("record_ttl", F_U32, 0, struct model_defaults, record_ttl, NULL, 0, 2147483647),
    FRANGE("negative_ttl", F_U32, 0, struct model_defaults, negative_ttl, NULL, 0, 2147483647),
    FIELD("nodata_for_other_types", F_BOOL, 0, struct model_defaults, nodata_for_other_types, NULL),
};

static void
top_defaults(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	schema_walk(ld, v, path, v->loc, defaults_fields, NFIELDS(defaults_fields),
	            &ld->m->defaults);
}

static void
top_account(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	if (!want_scalar(ld, v, path, "a 12-digit account id"))
		return;
	if (v->len != 12 || strspn(v->str, "0123456789") != 12) {
		ld_err(ld, v->loc, path, "'%s' is not an account id (expected 12 digits, quoted)",
		       v->str);
		return;
	}
	ld->m->account = ld_strdup(ld, v->str);
}

/* An optional AWS id: prefix + 8 or 17 lowercase hex digits. */
static const char *
ld_aws_id(struct ld *ld, const struct ynode *v, const char *path, const char *prefix)
{
	size_t pl = strlen(prefix), hex;

	if (!want_scalar(ld, v, path, "an id"))
		return NULL;
	hex = v->len > pl ? v->len - pl : 0;
	if (strncmp(v->str, prefix, pl) != 0 || (hex != 8 && hex != 17) ||
	    strspn(v->str + pl, "0123456789abcdef") != hex) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a valid id (expected %s followed by 17 hex digits)", v->str,
		       prefix);
		return NULL;
	}
	return ld_strdup(ld, v->str);
}

/* ---------------------------------------------------------------- VPCs */

static const struct field subnet_fields[] = {
    FIELD("az", F_STR, FL_REQ, struct model_subnet, az, NULL),
    FRANGE("cidr", F_CIDR, FL_REQ, struct model_subnet, cidr, NULL, 16, 28),
};

static int
subnet_cmp(const void *a, const void *b)
{
	const struct model_subnet *x = *(const struct model_subnet *const *)a;
	const struct model_subnet *y = *(const struct model_subnet *const *)b;
	int c = (int)x->cidr.base.family - (int)y->cidr.base.family;

	if (c == 0)
		c = memcmp(x->cidr.base.bytes, y->cidr.base.bytes, sizeof(x->cidr.base.bytes));
	if (c == 0)
		c = (int)x->cidr.prefix - (int)y->cidr.prefix;
	if (c == 0)
		c = x < y ? -1 : x > y;
	return c;
}

/*
 * Overlapping subnets of one VPC in O(n log n): prefixes overlap only by
 * containment, so sorted by base (wider first), each one either lies in the
 * last prefix that lay in no other, or starts a new one.
 */
static void
subnets_overlap(struct ld *ld, struct model_vpc *vpc, const char *path,
                const struct model_loc *cidr_locs, const bool *checkable)
{
	struct model_subnet **v = malloc((vpc->n_subnets + 1) * sizeof(*v));
	struct model_subnet *outer = NULL;
	char cp[LD_PATH_MAX], buf[64], buf2[64];
	size_t n = 0;

	if (v == NULL) {
		ld->oom = true;
		return;
	}
	for (size_t i = 0; i < vpc->n_subnets; i++) {
		if (checkable[i])
			v[n++] = &vpc->subnets[i];
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), subnet_cmp);
	for (size_t i = 0; i < n; i++) {
		if (outer == NULL || outer->cidr.base.family != v[i]->cidr.base.family ||
		    !hns_cidr_within(&v[i]->cidr, &outer->cidr)) {
			outer = v[i];
			continue;
		}
		/* report at the later one in the file */
		struct model_subnet *late = v[i] > outer ? v[i] : outer;
		struct model_subnet *early = late == v[i] ? outer : v[i];

		path_key(cp, path, late->name);
		path_key(cp, cp, "cidr");
		ld_err(ld, cidr_locs[late - vpc->subnets], cp, "%s overlaps subnet %s (%s)",
		       hns_cidr_str(&late->cidr, buf, sizeof(buf)), early->name,
		       hns_cidr_str(&early->cidr, buf2, sizeof(buf2)));
	}
	free(v);
}

/* What vpc_subnets keeps of each subnet for the overlap check. */
struct subnet_walk {
	struct model_vpc *vpc;
	struct model_loc *cidr_locs; /* NULL: no overlap check */
	bool *checkable;
};

static bool
subnet_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	((struct model_subnet *)obj)->vpc = ((struct subnet_walk *)ctx)->vpc;
	return true;
}

static void
subnet_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
            void *obj, uint64_t p, void *ctx)
{
	struct subnet_walk *c = ctx;
	struct model_subnet *s = obj;
	struct model_vpc *vpc = c->vpc;
	struct model_loc az_loc = k->loc, cidr_loc = k->loc;

	if (val->kind == YN_MAP) {
		for (size_t j = 0; j < val->n; j++) {
			if (strcmp(val->kids[2 * j]->str, "az") == 0)
				az_loc = val->kids[2 * j + 1]->loc;
			if (strcmp(val->kids[2 * j]->str, "cidr") == 0)
				cidr_loc = val->kids[2 * j + 1]->loc;
		}
	}
	if (s->az != NULL && vpc->region != NULL && !region_az_ok(vpc->region, s->az)) {
		char ap[LD_PATH_MAX];

		path_key(ap, sub, "az");
		ld_err(
		    ld, az_loc, ap,
		    "%s is not an availability zone of region %s (expected %s followed by "
		    "one letter, e.g. %sa)",
		    s->az, vpc->region, vpc->region, vpc->region);
	}
	if (HAS(p, subnet_fields, "cidr") && s->cidr.base.family != 0 &&
	    vpc->cidr.base.family != 0) {
		char cp[LD_PATH_MAX], buf[64], buf2[64];

		path_key(cp, sub, "cidr");
		if (!hns_cidr_within(&s->cidr, &vpc->cidr)) {
			ld_err(ld, cidr_loc, cp, "%s is not inside VPC %s (%s)",
			       hns_cidr_str(&s->cidr, buf, sizeof(buf)), vpc->name,
			       hns_cidr_str(&vpc->cidr, buf2, sizeof(buf2)));
			return;
		}
		if (c->cidr_locs != NULL) {
			c->cidr_locs[vpc->n_subnets - 1] = cidr_loc;
			c->checkable[vpc->n_subnets - 1] = true;
		}
	}
}

static void
vpc_subnets(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(subnet_fields, struct model_subnet, subnet_pre, subnet_post);
	struct model_vpc *vpc = obj;

	vpc->subnets = handle_alloc(ld, v, path, sizeof(*vpc->subnets));
	if (vpc->subnets == NULL)
		return;
	struct model_loc *cidr_locs = hns_arena_alloc(&ld->tmp, v->n * sizeof(*cidr_locs));
	bool *checkable = hns_arena_alloc(&ld->tmp, v->n * sizeof(*checkable));

	if (cidr_locs == NULL || checkable == NULL)
		cidr_locs = NULL;
	walk_handle_map(ld, v, path, &w, vpc->subnets, &vpc->n_subnets,
	                &(struct subnet_walk){vpc, cidr_locs, checkable});
	if (cidr_locs != NULL)
		subnets_overlap(ld, vpc, path, cidr_locs, checkable);
}

static void
vpc_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	((struct model_vpc *)obj)->id = ld_aws_id(ld, v, path, "vpc-");
}

static const struct field vpc_fields[] = {
    FRANGE("cidr", F_CIDR, FL_REQ, struct model_vpc, cidr, NULL, 16, 28),
    FIELD("region", F_REGION, 0, struct model_vpc, region, NULL),
    FFN("id", 0, vpc_id),
    FIELD("dns_support", F_BOOL, 0, struct model_vpc, dns_support, "true"),
    FIELD("dns_hostnames", F_BOOL, 0, struct model_vpc, dns_hostnames, "true"),
    FFN("subnets", 0, vpc_subnets),
};

static bool
vpc_pre(struct ld *ld, const struct ynode *key, const char *sub, void *obj, void *ctx)
{
	struct model_vpc *vpc = obj;

	vpc->region = ld->m->region;
	vpc->index = ld->m->n_vpcs - 1;
	return true;
}

static void
vpc_post(struct ld *ld, const struct ynode *key, const struct ynode *val, const char *sub,
         void *obj, uint64_t p, void *ctx)
{
	struct model_vpc *vpc = obj;

	if (vpc->id == NULL)
		vpc->id = ld_derive_id(ld, "vpc-", "vpc", vpc->name);
	if (vpc->cidr.base.family == AF_INET)
		hns_addr_from_v4(&vpc->dns_addr, hns_addr_v4(&vpc->cidr.base) + 2, 0);
	else if (vpc->cidr.base.family != 0) {
		vpc->dns_addr = vpc->cidr.base;
		vpc->dns_addr.bytes[15] += 2;
	}
}

static void
top_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w = OBJ_WALK(vpc_fields, struct model_vpc, vpc_pre, vpc_post);
	struct model *m = ld->m;

	m->vpcs = handle_alloc(ld, v, path, sizeof(*m->vpcs));
	walk_handle_map(ld, v, path, &w, m->vpcs, &m->n_vpcs, NULL);
}

static void
top_peerings(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model *m = ld->m;
	char sub[LD_PATH_MAX], sub2[LD_PATH_MAX], names[256];

	m->peerings = list_alloc(ld, v, path, sizeof(*m->peerings));
	if (m->peerings == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		struct model_vpc *pair[2] = {NULL, NULL};

		path_index(sub, path, i);
		if (!want_kind(ld, it, sub, YN_SEQ))
			continue;
		if (it->n != 2) {
			ld_err(ld, it->loc, sub, "a peering has %zu VPCs (expected a pair [a, b])",
			       it->n);
			continue;
		}
		for (size_t j = 0; j < 2; j++) {
			path_index(sub2, sub, j);
			if (!want_scalar(ld, it->kids[j], sub2, "a VPC name"))
				continue;
			pair[j] = model_vpc_find(m, it->kids[j]->str);
			if (pair[j] == NULL)
				ld_err(ld, it->kids[j]->loc, sub2, "no VPC named '%s' (VPCs: %s)",
				       it->kids[j]->str,
				       NAMES(names, m->vpcs, m->n_vpcs, struct model_vpc));
		}
		if (pair[0] == NULL || pair[1] == NULL)
			continue;
		if (pair[0] == pair[1]) {
			ld_err(ld, it->loc, sub, "a VPC cannot peer with itself (%s)",
			       pair[0]->name);
			continue;
		}
		m->peerings[m->n_peerings].a = pair[0];
		m->peerings[m->n_peerings].b = pair[1];
		m->peerings[m->n_peerings].loc = it->loc;
		m->n_peerings++;
	}
}

/* A list of VPC handles into (vpcs, n). */
static void
ld_vpc_list(struct ld *ld, const struct ynode *v, const char *path, struct model_vpc ***out,
            size_t *n)
{
	char sub[LD_PATH_MAX], names[256];
	struct model_vpc **arr;

	arr = list_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		struct model_vpc *vpc;
		bool dup = false;

		path_index(sub, path, i);
		if (!want_scalar(ld, v->kids[i], sub, "a VPC name"))
			continue;
		vpc = model_vpc_find(ld->m, v->kids[i]->str);
		if (vpc == NULL) {
			ld_err(ld, v->kids[i]->loc, sub, "no VPC named '%s' (VPCs: %s)",
			       v->kids[i]->str,
			       NAMES(names, ld->m->vpcs, ld->m->n_vpcs, struct model_vpc));
			continue;
		}
		for (size_t j = 0; j < *n; j++)
			dup |= arr[j] == vpc;
		if (dup) {
			ld_err(ld, v->kids[i]->loc, sub, "VPC %s is listed twice", vpc->name);
			continue;
		}
		arr[(*n)++] = vpc;
	}
}

static struct model_subnet *
ld_subnet_of(struct ld *ld, struct model_vpc *vpc, const struct ynode *k, const char *path)
{
	char names[256];

	for (size_t i = 0; i < vpc->n_subnets; i++) {
		if (strcmp(vpc->subnets[i].name, k->str) == 0)
			return &vpc->subnets[i];
	}
	ld_err(ld, k->loc, path, "no subnet named '%s' in VPC %s (subnets: %s)", k->str, vpc->name,
	       NAMES(names, vpc->subnets, vpc->n_subnets, struct model_subnet));
	return NULL;
}

/* `<subnet>: <ip>` maps of interface and resolver endpoints. */
static void
ld_enis(struct ld *ld, const struct ynode *v, const char *path, struct model_vpc *vpc,
        struct model_eni **out, size_t *n, const char *id_prefix, const char *owner,
        bool one_per_az)
{
	char sub[LD_PATH_MAX], buf[HNS_ADDR_STRLEN], cbuf[64], key_exp[160];
	struct model_eni *arr;

	if (!want_kind(ld, v, path, YN_MAP))
		return;
	if (vpc == NULL) /* reported already */
		return;
	arr = ld_alloc(ld, v->n, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1];
		struct model_eni *e = &arr[*n];
		struct model_subnet *s;

		if (!handle_ok(ld, v, i, path))
			continue;
		path_key(sub, path, k->str);
		s = ld_subnet_of(ld, vpc, k, sub);
		if (s == NULL || !ld_addr(ld, val, sub, &e->ip))
			continue;
		snprintf(key_exp, sizeof(key_exp), "an address inside subnet %s (%s)", s->name,
		         hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
		if (!ld_server_addr(ld, &e->ip, val->loc, sub, true, key_exp))
			continue;
		if (s->cidr.base.family != 0 && !hns_cidr_contains(&s->cidr, &e->ip)) {
			ld_err(ld, val->loc, sub, "%s is not inside subnet %s (%s)",
			       hns_addr_str(&e->ip, buf, sizeof(buf)), s->name,
			       hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
			continue;
		}
		if (s->cidr.base.family == AF_INET && e->ip.family == AF_INET &&
		    s->cidr.prefix <= 30) {
			uint32_t off = hns_addr_v4(&e->ip) - hns_addr_v4(&s->cidr.base);
			uint32_t last = (uint32_t)((1ULL << (32 - s->cidr.prefix)) - 1);

			if (off < 4 || off == last) {
				ld_err(ld, val->loc, sub,
				       "%s is reserved by AWS in subnet %s (%s: the first four "
				       "addresses "
				       "and the last one are not assignable)",
				       hns_addr_str(&e->ip, buf, sizeof(buf)), s->name,
				       hns_cidr_str(&s->cidr, cbuf, sizeof(cbuf)));
				continue;
			}
		}
		if (one_per_az && s->az != NULL) {
			bool clash = false;

			for (size_t j = 0; j < *n; j++) {
				if (arr[j].subnet->az != NULL &&
				    strcmp(arr[j].subnet->az, s->az) == 0) {
					ld_err(ld, k->loc, sub,
					       "a second ENI in %s (subnet %s has one already; "
					       "expected at "
					       "most one subnet per AZ)",
					       s->az, arr[j].subnet->name);
					clash = true;
					break;
				}
			}
			if (clash)
				continue;
		}
		ld_use_addr(ld, &e->ip, val->loc, sub);
		e->subnet = s;
		e->loc = k->loc;
		char key[LD_PATH_MAX];

		snprintf(key, sizeof(key), "%s@%s", owner, s->name);
		e->id = ld_derive_id(ld, id_prefix, id_prefix, key);
		(*n)++;
	}
}

/* ----------------------------------------------------------- endpoints */

static const struct enum_val endpoint_types[] = {
    {"interface", MODEL_ENDPOINT_INTERFACE},
    {"gateway", MODEL_ENDPOINT_GATEWAY},
    {NULL, 0},
};

static void
ep_service(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;
	bool custom = false;

	if (!want_scalar(ld, v, path, "a service name"))
		return;
	if (catalog_service_split(&ld->m->arena, v->str, &ep->service_region, &ep->service_short,
	                          &custom) != 0) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a service name (expected com.amazonaws.<region>.<service> or "
		       "aws.api.<region>.<service>)",
		       v->str);
		ep->service_region = ep->service_short = NULL;
		return;
	}
	ep->service = ld_strdup(ld, v->str);
}

static void
ep_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	((struct model_endpoint *)obj)->id = ld_aws_id(ld, v, path, "vpce-");
}

static void
ep_dns_suffix(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	if (!want_scalar(ld, v, path, "8 lowercase letters or digits"))
		return;
	if (v->len != 8 || strspn(v->str, "abcdefghijklmnopqrstuvwxyz0123456789") != 8) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a DNS suffix (expected 8 lowercase letters or digits)", v->str);
		return;
	}
	((struct model_endpoint *)obj)->dns_suffix = ld_strdup(ld, v->str);
}

static void
ep_dns_names(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;
	char sub[LD_PATH_MAX];

	ep->dns_names = list_alloc(ld, v, path, sizeof(*ep->dns_names));
	if (ep->dns_names == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		const char *text, *name;
		bool wild;

		path_index(sub, path, i);
		if (!want_scalar(ld, it, sub, "a DNS name"))
			continue;
		text = it->str;
		wild = strncmp(text, "*.", 2) == 0;
		name = ld_dname(ld, it, sub, wild ? text + 2 : text);
		if (name == NULL)
			continue;
		ep->dns_names[ep->n_dns_names].name = name;
		ep->dns_names[ep->n_dns_names].wildcard = wild;
		ep->n_dns_names++;
	}
}

static void
ep_enis(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;

	ld_enis(ld, v, path, ep->vpc, &ep->enis, &ep->n_enis, "eni-", ep->name, true);
}

static void
ep_subnets(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;
	char sub[LD_PATH_MAX];

	if (!want_kind(ld, v, path, YN_SEQ) || ep->vpc == NULL)
		return;
	ep->gateway_subnets = ld_alloc(ld, v->n, sizeof(*ep->gateway_subnets));
	if (ep->gateway_subnets == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct model_subnet *s;

		path_index(sub, path, i);
		if (!want_scalar(ld, v->kids[i], sub, "a subnet name"))
			continue;
		s = ld_subnet_of(ld, ep->vpc, v->kids[i], sub);
		if (s != NULL)
			ep->gateway_subnets[ep->n_gateway_subnets++] = s;
	}
}

static const struct field endpoint_fields[] = {
    FENUM("type", FL_REQ, struct model_endpoint, type, NULL, endpoint_types),
    FFN("service", FL_REQ, ep_service),
    FIELD("vpc", F_VPC, FL_REQ, struct model_endpoint, vpc, NULL),
    FFN("id", 0, ep_id),
    FFN("dns_suffix", 0, ep_dns_suffix),
    FIELD("private_dns", F_BOOL, 0, struct model_endpoint, private_dns, NULL),
    FIELD("private_dns_only_for_inbound", F_BOOL, 0, struct model_endpoint,
          private_dns_only_for_inbound, NULL),
    FFN("dns_names", 0, ep_dns_names),
    FFN("enis", 0, ep_enis),
    FFN("subnets", 0, ep_subnets),
};

/* The value node of key in map, or NULL. */
static const struct ynode *
map_get(const struct ynode *map, const char *key)
{
	if (map == NULL || map->kind != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->kids[2 * i]->str, key) == 0)
			return map->kids[2 * i + 1];
	}
	return NULL;
}

static struct model_loc
key_loc_of(const struct ynode *map, const char *key, struct model_loc dflt)
{
	if (map != NULL && map->kind == YN_MAP) {
		for (size_t i = 0; i < map->n; i++) {
			if (strcmp(map->kids[2 * i]->str, key) == 0)
				return map->kids[2 * i]->loc;
		}
	}
	return dflt;
}

/* What top_endpoints keeps of each endpoint for the checks across endpoints. */
struct ep_walk {
	uint64_t *present;
	const struct ynode **vals;
};

static bool
ep_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	((struct model_endpoint *)obj)->type = -1;
	return true;
}

static void
ep_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
        void *obj, uint64_t p, void *ctx)
{
	struct model *m = ld->m;
	struct model_endpoint *ep = obj;
	struct ep_walk *c = ctx;
	char kp[LD_PATH_MAX];

	c->present[m->n_endpoints - 1] = p;
	c->vals[m->n_endpoints - 1] = val;
	if (ep->type == MODEL_ENDPOINT_GATEWAY) {
		static const char *const iface_only[] = {
		    "private_dns", "private_dns_only_for_inbound", "dns_names", "enis"};
		for (size_t j = 0; j < 4; j++) {
			if (p & field_bit(endpoint_fields, NFIELDS(endpoint_fields),
			                  iface_only[j])) {
				path_key(kp, sub, iface_only[j]);
				ld_err(ld, key_loc_of(val, iface_only[j], k->loc), kp,
				       "only interface endpoints have '%s' (this one is a "
				       "gateway "
				       "endpoint)",
				       iface_only[j]);
			}
		}
		if (ep->service_short != NULL && !catalog_has_gateway(ep->service_short)) {
			path_key(kp, sub, "service");
			ld_err(
			    ld, map_get(val, "service")->loc, kp,
			    "%s has no gateway endpoint (expected s3 or dynamodb, or type: "
			    "interface)",
			    ep->service);
		}
		if (!HAS(p, endpoint_fields, "subnets") && ep->vpc != NULL) {
			ep->gateway_subnets =
			    ld_alloc(ld, ep->vpc->n_subnets, sizeof(*ep->gateway_subnets));
			for (size_t j = 0;
			     ep->gateway_subnets != NULL && j < ep->vpc->n_subnets; j++)
				ep->gateway_subnets[ep->n_gateway_subnets++] =
				    &ep->vpc->subnets[j];
		}
	} else if (ep->type == MODEL_ENDPOINT_INTERFACE) {
		if (HAS(p, endpoint_fields, "subnets")) {
			path_key(kp, sub, "subnets");
			ld_err(ld, key_loc_of(val, "subnets", k->loc), kp,
			       "only gateway endpoints have 'subnets' (interface endpoints "
			       "have "
			       "'enis')");
		}
		if (!HAS(p, endpoint_fields, "enis"))
			ld_err(ld, k->loc, sub,
			       "missing required key 'enis' (an interface endpoint needs "
			       "<subnet>: <ip> entries)");
		else if (ep->n_enis == 0 && map_get(val, "enis")->kind == YN_MAP &&
		         map_get(val, "enis")->n == 0)
			ld_err(ld, map_get(val, "enis")->loc, sub,
			       "an interface endpoint needs at least one ENI");
		if (!HAS(p, endpoint_fields, "private_dns"))
			ep->private_dns = true;
		if (ep->private_dns && ep->vpc != NULL &&
		    (!ep->vpc->dns_support || !ep->vpc->dns_hostnames)) {
			path_key(kp, sub, "private_dns");
			ld_err(ld, key_loc_of(val, "private_dns", k->loc), kp,
			       "Enabling private DNS requires both enableDnsSupport and "
			       "enableDnsHostnames VPC attributes set to true for %s",
			       ep->vpc->id);
		}
		if (HAS(p, endpoint_fields, "private_dns_only_for_inbound") &&
		    ep->service_short != NULL && !catalog_has_gateway(ep->service_short)) {
			path_key(kp, sub, "private_dns_only_for_inbound");
			ld_err(
			    ld, map_get(val, "private_dns_only_for_inbound")->loc, kp,
			    "only S3 (and DynamoDB) interface endpoints have this option "
			    "(services with a gateway endpoint)");
		}
	}
	if (ep->id == NULL)
		ep->id = ld_derive_id(ld, "vpce-", "vpce", ep->name);
	if (ep->dns_suffix == NULL)
		ep->dns_suffix = ld_derive_suffix(ld, ep->name);
	if (ep->type == MODEL_ENDPOINT_INTERFACE && ep->service_short != NULL &&
	    ep->id != NULL && ep->dns_suffix != NULL) {
		const char *label = catalog_vpce_label(ep->service_short);

		ep->regional_name = ld_printf(ld, "%s-%s.%s.%s.vpce.amazonaws.com", ep->id,
		                              ep->dns_suffix, label, ep->service_region);
		for (size_t j = 0; j < ep->n_enis; j++)
			if (ep->enis[j].subnet->az != NULL)
				ep->enis[j].zonal_name = ld_printf(
				    ld, "%s-%s-%s.%s.%s.vpce.amazonaws.com", ep->id,
				    ep->dns_suffix, ep->enis[j].subnet->az, label,
				    ep->service_region);
		if (ep->n_dns_names == 0)
			catalog_names(&m->arena, ep->service_short, ep->service_region,
			              &ep->dns_names, &ep->n_dns_names);
	}
}

static void
top_endpoints(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(endpoint_fields, struct model_endpoint, ep_pre, ep_post);
	struct model *m = ld->m;
	char kp[LD_PATH_MAX];
	uint64_t *present;
	const struct ynode **vals;

	m->endpoints = handle_alloc(ld, v, path, sizeof(*m->endpoints));
	present = hns_arena_alloc(&ld->tmp, v->n * sizeof(*present) + 1);
	vals = hns_arena_alloc(&ld->tmp, v->n * sizeof(*vals) + 1);
	if (m->endpoints == NULL || present == NULL || vals == NULL) {
		ld->oom = true;
		return;
	}
	walk_handle_map(ld, v, path, &w, m->endpoints, &m->n_endpoints,
	                &(struct ep_walk){present, vals});
	/* private_dns_only_for_inbound needs a gateway endpoint for the service in the VPC. */
	for (size_t i = 0; i < m->n_endpoints; i++) {
		struct model_endpoint *ep = &m->endpoints[i];
		bool gw = false, given;

		if (ep->type != MODEL_ENDPOINT_INTERFACE || ep->service_short == NULL ||
		    ep->vpc == NULL || !catalog_has_gateway(ep->service_short))
			continue;
		for (size_t j = 0; j < m->n_endpoints; j++) {
			const struct model_endpoint *g = &m->endpoints[j];

			gw |= g->type == MODEL_ENDPOINT_GATEWAY && g->vpc == ep->vpc &&
			      g->service_short != NULL &&
			      strcmp(g->service_short, ep->service_short) == 0;
		}
		given = HAS(present[i], endpoint_fields, "private_dns_only_for_inbound");
		if (!given) {
			/* Default true with private DNS, where AWS allows it (a gateway exists). */
			ep->private_dns_only_for_inbound = ep->private_dns && gw;
		} else if (ep->private_dns_only_for_inbound && !gw) {
			path_key(kp, path, ep->name);
			path_key(kp, kp, "private_dns_only_for_inbound");
			ld_err(ld, map_get(vals[i], "private_dns_only_for_inbound")->loc, kp,
			       "To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC "
			       "%s must "
			       "have a gateway endpoint for the service.",
			       ep->vpc->id);
		}
	}
	/* Two private-DNS endpoints covering one name in one VPC. */
	for (size_t i = 0; i < m->n_endpoints; i++) {
		struct model_endpoint *ep = &m->endpoints[i];
		bool clash = false;

		if (ep->type != MODEL_ENDPOINT_INTERFACE || !ep->private_dns || ep->vpc == NULL)
			continue;
		for (size_t j = 0; j < i && !clash; j++) {
			const struct model_endpoint *o = &m->endpoints[j];

			if (o->type != MODEL_ENDPOINT_INTERFACE || !o->private_dns ||
			    o->vpc != ep->vpc)
				continue;
			for (size_t a = 0; a < ep->n_dns_names && !clash; a++) {
				for (size_t b = 0; b < o->n_dns_names && !clash; b++) {
					if (strcmp(ep->dns_names[a].name, o->dns_names[b].name) !=
					    0)
						continue;
					path_key(kp, path, ep->name);
					path_key(kp, kp, "private_dns");
					ld_err(ld, key_loc_of(vals[i], "private_dns", ep->loc), kp,
					       "private-dns-enabled cannot be set because there is "
					       "already "
					       "a conflicting DNS domain for %s in the VPC %s",
					       ep->dns_names[a].name, ep->vpc->id);
					clash = true;
				}
			}
		}
	}
}

/* --------------------------------------------------------------- zones */

static void
zone_records(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	records_parse(ld, obj, v, path);
}

static void
zone_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_zone *z = obj;

	ld_vpc_list(ld, v, path, &z->vpcs, &z->n_vpcs);
	z->kind = MODEL_ZONE_PRIVATE;
}

static const struct field hosted_zone_fields[] = {
    FFN("vpcs", 0, zone_vpcs),
    FFN("records", 0, zone_records),
};

static const struct field zone_text_fields[] = {
    FFN("records", 0, zone_records),
};

/*
 * A map of zone name -> zone.  Hosted zones are maps ({vpcs, records});
 * on-prem and internet zones are the record text itself.
 */
static void
ld_zones(struct ld *ld, const struct ynode *v, const char *path, enum model_zone_kind kind,
         struct model_zone **out, size_t *n)
{
	char sub[LD_PATH_MAX];
	struct model_zone *arr;

	arr = handle_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1];
		struct model_zone *z = &arr[*n];
		long d = map_dup(v, i);

		if (d >= 0) {
			ld_err(ld, k->loc, path, "duplicate key '%s' (first at line %u)", k->str,
			       v->kids[2 * d]->loc.line);
			continue;
		}
		path_key(sub, path, k->str);
		z->name = ld_dname(ld, k, sub, k->str);
		if (z->name == NULL)
			continue;
		if (kind != MODEL_ZONE_PRIVATE) {
			size_t j;

			for (j = 0; j < *n && strcmp(arr[j].name, z->name) != 0; j++)
				;
			if (j < *n) {
				ld_err(ld, k->loc, sub,
				       "zone %s is defined twice (first at line %u)",
				       z->name[0] ? z->name : ".", arr[j].loc.line);
				z->name = NULL;
				continue;
			}
		}
		z->kind = kind == MODEL_ZONE_PRIVATE ? MODEL_ZONE_PUBLIC : kind;
		z->loc = k->loc;
		(*n)++;
		if (kind == MODEL_ZONE_PRIVATE)
			schema_walk(ld, val, sub, k->loc, hosted_zone_fields,
			            NFIELDS(hosted_zone_fields), z);
		else if (!is_null(val))
			zone_records(ld, val, sub, z);
		(void)zone_text_fields;
		if (records_default_soa(ld, z) != 0)
			ld->oom = true;
	}
}

static void
top_hosted_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model *m = ld->m;
	char sub[LD_PATH_MAX];

	ld_zones(ld, v, path, MODEL_ZONE_PRIVATE, &m->zones, &m->n_zones);
	/* Two private zones of one name cannot share a VPC. */
	for (size_t i = 0; i < m->n_zones; i++) {
		const struct model_zone *z = &m->zones[i];

		if (z->kind != MODEL_ZONE_PRIVATE)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct model_zone *o = &m->zones[j];

			if (o->kind != MODEL_ZONE_PRIVATE || strcmp(o->name, z->name) != 0)
				continue;
			for (size_t a = 0; a < z->n_vpcs; a++) {
				for (size_t b = 0; b < o->n_vpcs; b++) {
					if (z->vpcs[a] != o->vpcs[b])
						continue;
					path_key(sub, path, z->name);
					ld_err(ld, z->loc, sub,
					       "ConflictingDomainExists: The VPC %s in %s region "
					       "has already "
					       "been associated with the hosted zone %s (line %u) "
					       "with the "
					       "same domain name.",
					       z->vpcs[a]->id,
					       z->vpcs[a]->region ? z->vpcs[a]->region : "",
					       o->name, o->loc.line);
				}
			}
		}
	}
}

/* ------------------------------------------------------------ resolver */

static const struct enum_val directions[] = {
    {"inbound", MODEL_INBOUND},
    {"outbound", MODEL_OUTBOUND},
    {NULL, 0},
};

static void
rep_ips(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_resolver_endpoint *re = obj;

	ld_enis(ld, v, path, re->vpc, &re->enis, &re->n_enis, "rni-", re->name, false);
}

static void
rep_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_resolver_endpoint *re = obj;

	if (!want_scalar(ld, v, path, "an id"))
		return;
	re->id = ld_aws_id(ld, v, path,
	                   strncmp(v->str, "rslvr-out-", 10) == 0 ? "rslvr-out-" : "rslvr-in-");
}

static const struct field resolver_endpoint_fields[] = {
    FENUM("direction", FL_REQ, struct model_resolver_endpoint, direction, NULL, directions),
    FIELD("vpc", F_VPC, FL_REQ, struct model_resolver_endpoint, vpc, NULL),
    FFN("ips", FL_REQ, rep_ips),
    FFN("id", 0, rep_id),
    FRANGE("qps_per_ip", F_U32, 0, struct model_resolver_endpoint, qps_per_ip, "10000", 1,
           10000000),
    FIELD("conntrack", F_BOOL, 0, struct model_resolver_endpoint, conntrack, "false"),
};

static bool
rep_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	struct model_resolver_endpoint *re = obj;

	re->direction = -1;
	return true;
}

static void
rep_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
         void *obj, uint64_t p, void *ctx)
{
	struct model_resolver_endpoint *re = obj;

	if (HAS(p, resolver_endpoint_fields, "ips") &&
	    map_get(val, "ips")->kind == YN_MAP && map_get(val, "ips")->n < 2) {
		char ip[LD_PATH_MAX];

		path_key(ip, sub, "ips");
		ld_err(ld, map_get(val, "ips")->loc, ip,
		       "a resolver endpoint has %zu IP address%s (expected at least 2)",
		       map_get(val, "ips")->n, map_get(val, "ips")->n == 1 ? "" : "es");
	}
	if (re->direction == MODEL_INBOUND || re->direction == MODEL_OUTBOUND) {
		const char *prefix =
		    re->direction == MODEL_INBOUND ? "rslvr-in-" : "rslvr-out-";

		if (re->id == NULL)
			re->id = ld_derive_id(ld, prefix, prefix, re->name);
		else if (strncmp(re->id, prefix, strlen(prefix)) != 0) {
			char ip[LD_PATH_MAX];

			path_key(ip, sub, "id");
			ld_err(ld, map_get(val, "id")->loc, ip,
			       "%s does not match direction %s (expected %s...)", re->id,
			       directions[re->direction].name, prefix);
		}
	}
}

static void
resolver_endpoints(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(resolver_endpoint_fields, struct model_resolver_endpoint, rep_pre, rep_post);
	struct model *m = ld->m;

	m->resolver_endpoints = handle_alloc(ld, v, path, sizeof(*m->resolver_endpoints));
	walk_handle_map(ld, v, path, &w, m->resolver_endpoints, &m->n_resolver_endpoints, NULL);
}

static const struct enum_val rule_types[] = {
    {"forward", MODEL_RULE_FORWARD},
    {"system", MODEL_RULE_SYSTEM},
    {NULL, 0},
};

static void
rule_endpoint(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;
	char names[256];

	if (!want_scalar(ld, v, path, "a resolver endpoint name"))
		return;
	r->endpoint = model_resolver_endpoint_find(ld->m, v->str);
	if (r->endpoint == NULL) {
		ld_err(ld, v->loc, path, "no resolver endpoint named '%s' (resolver endpoints: %s)",
		       v->str,
		       NAMES(names, ld->m->resolver_endpoints, ld->m->n_resolver_endpoints,
		             struct model_resolver_endpoint));
		return;
	}
	if (r->endpoint->direction != MODEL_OUTBOUND) {
		ld_err(ld, v->loc, path,
		       "%s is an inbound endpoint (expected an outbound endpoint for a rule)",
		       v->str);
		r->endpoint = NULL;
	}
}

static void
ld_addr_list(struct ld *ld, const struct ynode *v, const char *path, struct hns_addr **out,
             size_t *n, uint16_t default_port, enum ld_target_kind kind)
{
	char sub[LD_PATH_MAX];
	struct hns_addr *arr;

	arr = list_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		path_index(sub, path, i);
		if (ld_addr_port(ld, v->kids[i], sub, &arr[*n], default_port) &&
		    ld_target_addr(ld, &arr[*n], v->kids[i]->loc, sub, kind))
			(*n)++;
	}
}

static void
rule_targets(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;

	ld_addr_list(ld, v, path, &r->targets, &r->n_targets, 53, LD_TARGET_RULE);
}

static void
rule_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_rule *r = obj;

	ld_vpc_list(ld, v, path, &r->vpcs, &r->n_vpcs);
}

static const struct field rule_fields[] = {
    FIELD("domain", F_NAME, FL_REQ, struct model_rule, domain, NULL),
    FENUM("type", 0, struct model_rule, type, "forward", rule_types),
    FFN("endpoint", 0, rule_endpoint),
    FFN("targets", 0, rule_targets),
    FFN("vpcs", 0, rule_vpcs),
};

static void
rule_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
          void *obj, uint64_t p, void *ctx)
{
	char kp[LD_PATH_MAX];
	struct model_rule *r = obj;

	r->id = ld_derive_id(ld, "rslvr-rr-", "rslvr-rr", r->name);
	if (r->type == MODEL_RULE_FORWARD) {
		if (!HAS(p, rule_fields, "endpoint"))
			ld_err(ld, k->loc, sub,
			       "missing required key 'endpoint' (a forward rule needs an "
			       "outbound "
			       "endpoint)");
		if (!HAS(p, rule_fields, "targets")) {
			ld_err(
			    ld, k->loc, sub,
			    "missing required key 'targets' (a forward rule needs 1 to 6)");
		} else {
			const struct ynode *t = map_get(val, "targets");

			path_key(kp, sub, "targets");
			if (t->kind == YN_SEQ && (t->n < 1 || t->n > 6))
				ld_err(ld, t->loc, kp,
				       "a forward rule has %zu targets (expected 1 to 6)",
				       t->n);
		}
	} else if (r->type == MODEL_RULE_SYSTEM) {
		static const char *const no[] = {"targets", "endpoint"};

		for (size_t j = 0; j < 2; j++) {
			if (!HAS(p, rule_fields, no[j]))
				continue;
			path_key(kp, sub, no[j]);
			ld_err(ld, key_loc_of(val, no[j], k->loc), kp,
			       "a system rule has no %s (only forward rules do)", no[j]);
		}
	}
}

static void
resolver_rules(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(rule_fields, struct model_rule, NULL, rule_post);
	struct model *m = ld->m;

	m->rules = handle_alloc(ld, v, path, sizeof(*m->rules));
	walk_handle_map(ld, v, path, &w, m->rules, &m->n_rules, NULL);
}

static const struct field resolver_fields[] = {
    FFN("endpoints", 0, resolver_endpoints),
    FFN("rules", 0, resolver_rules),
};

static void
top_resolver(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	schema_walk(ld, v, path, v->loc, resolver_fields, NFIELDS(resolver_fields), NULL);
}

/* -------------------------------------------------------------- onprem */

static const struct enum_val policies[] = {
    {"sequential", MODEL_POLICY_SEQUENTIAL},
    {"round_robin", MODEL_POLICY_ROUND_ROBIN},
    {"random", MODEL_POLICY_RANDOM},
    {NULL, 0},
};

static void
fwd_to(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_forward *f = obj;

	ld_addr_list(ld, v, path, &f->to, &f->n_to, 53, LD_TARGET_ONPREM);
	if (v->kind == YN_SEQ && v->n == 0)
		ld_err(ld, v->loc, path, "an empty list (expected at least one address)");
	if (v->kind == YN_SEQ && v->n > MODEL_MAX_FORWARD_TO)
		ld_err(ld, v->loc, path, "%zu addresses (expected at most %d in one list)", v->n,
		       MODEL_MAX_FORWARD_TO);
}

static const struct field forward_fields[] = {
    FIELD("zone", F_NAME, FL_REQ, struct model_forward, zone, NULL),
    FFN("to", FL_REQ, fwd_to),
    FENUM("policy", 0, struct model_forward, policy, "sequential", policies),
    FRANGE("timeout_ms", F_U32, 0, struct model_forward, timeout_ms, "2000", 1, 600000),
    FRANGE("attempts", F_U32, 0, struct model_forward, attempts, NULL, 1, 100),
};

static void
forward_post(struct ld *ld, const struct ynode *key, const struct ynode *val, const char *sub,
             void *obj, uint64_t p, void *ctx)
{
	struct model_forward *f = obj;

	if (!HAS(p, forward_fields, "attempts"))
		f->attempts = f->n_to > 0 ? (uint32_t)f->n_to : 1;
}

static void
onres_forward(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(forward_fields, struct model_forward, NULL, forward_post);
	struct model_onprem_resolver *r = obj;

	r->forwards = list_alloc(ld, v, path, sizeof(*r->forwards));
	walk_map_list(ld, v, path, &w, r->forwards, &r->n_forwards, NULL);
}

static void
onres_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	ld_zones(ld, v, path, MODEL_ZONE_ONPREM, &r->zones, &r->n_zones);
}

static void
onres_default(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	if (v->kind == YN_SEQ) {
		r->default_kind = MODEL_DEFAULT_UPSTREAMS;
		ld_addr_list(ld, v, path, &r->default_upstreams, &r->n_default_upstreams, 53,
		             LD_TARGET_ONPREM);
		if (v->n == 0)
			ld_err(ld, v->loc, path, "an empty list (expected at least one address)");
		if (v->n > MODEL_MAX_FORWARD_TO)
			ld_err(ld, v->loc, path, "%zu addresses (expected at most %d in one list)",
			       v->n, MODEL_MAX_FORWARD_TO);
		return;
	}
	if (!want_scalar(ld, v, path, "internet, refuse or a list of addresses"))
		return;
	if (strcmp(v->str, "internet") == 0)
		r->default_kind = MODEL_DEFAULT_INTERNET;
	else if (strcmp(v->str, "refuse") == 0)
		r->default_kind = MODEL_DEFAULT_REFUSE;
	else
		ld_err(ld, v->loc, path,
		       "'%s' is not allowed (expected internet, refuse or a list of addresses)",
		       v->str);
}

static const struct field cache_fields[] = {
    FIELD("enabled", F_BOOL, 0, struct model_cache, enabled, NULL),
    FRANGE("max_entries", F_U32, 0, struct model_cache, max_entries, NULL, 1, 100000000),
    FIELD("min_ttl", F_U32, 0, struct model_cache, min_ttl, NULL),
    FIELD("max_ttl", F_U32, 0, struct model_cache, max_ttl, NULL),
    FIELD("negative_max_ttl", F_U32, 0, struct model_cache, negative_max_ttl, NULL),
    FIELD("serve_stale", F_BOOL, 0, struct model_cache, serve_stale, NULL),
};

static void
onres_cache(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	schema_walk(ld, v, path, v->loc, cache_fields, NFIELDS(cache_fields), &r->cache);
	if (r->cache.min_ttl > r->cache.max_ttl)
		ld_err(ld, v->loc, path, "min_ttl %u is above max_ttl %u", r->cache.min_ttl,
		       r->cache.max_ttl);
}

static const struct field health_fields[] = {
    FRANGE("fail_after", F_U32, 0, struct model_health, fail_after, NULL, 1, 1000),
    FRANGE("probe_ms", F_U32, 0, struct model_health, probe_ms, NULL, 10, 3600000),
    FRANGE("rise", F_U32, 0, struct model_health, rise, NULL, 1, 1000),
};

static void
onres_health(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem_resolver *r = obj;

	schema_walk(ld, v, path, v->loc, health_fields, NFIELDS(health_fields), &r->health);
}

static const struct enum_val resolver_profiles[] = {
    {"standard", MODEL_PROFILE_STANDARD},
    {"windows", MODEL_PROFILE_WINDOWS},
    {NULL, 0},
};

static const struct field onprem_resolver_fields[] = {
    FIELD("address", F_ADDR_PORT, FL_REQ, struct model_onprem_resolver, address, NULL),
    FFN("forward", 0, onres_forward),
    FFN("zones", 0, onres_zones),
    FFN("default", 0, onres_default),
    FFN("cache", 0, onres_cache),
    FENUM("profile", 0, struct model_onprem_resolver, profile, "standard", resolver_profiles),
    FFN("health", 0, onres_health),
};

static bool
onres_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	static const struct model_cache cache_defaults = {
	    .enabled = true,
	    .max_entries = 10000,
	    .min_ttl = 0,
	    .max_ttl = 86400,
	    .negative_max_ttl = 3600,
	    .serve_stale = false,
	};
	struct model_onprem_resolver *r = obj;

	static const struct model_health health_defaults = {
	    .fail_after = 3,
	    .probe_ms = 1000,
	    .rise = 2,
	};

	r->cache = cache_defaults;
	r->health = health_defaults;
	r->default_kind = MODEL_DEFAULT_INTERNET;
	return true;
}

static void
onres_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
           void *obj, uint64_t p, void *ctx)
{
	struct model_onprem *op = &ld->m->onprem;
	struct model_onprem_resolver *r = obj;

	if (HAS(p, onprem_resolver_fields, "address") && r->address.family != 0) {
		char ap[LD_PATH_MAX];
		const struct ynode *an = map_get(val, "address");

		path_key(ap, sub, "address");
		if (r->address.port == 0)
			r->address.port = 53;
		if (!ld_server_addr(ld, &r->address, an->loc, ap, false,
		                    "a virtual unicast address such as 192.168.10.53: serve gives "
		                    "each on-prem resolver a loopback address of its own, and a "
		                    "loopback address in a scenario stands for a real server, "
		                    "which only forward to: and default: may name"))
			return;
		if (!hns_addr_is_loopback(&r->address))
			ld_use_addr(ld, &r->address, an->loc, ap);
		if (op->has_cidr && !hns_addr_is_loopback(&r->address) &&
		    !hns_cidr_contains(&op->cidr, &r->address)) {
			char b1[HNS_ADDR_STRLEN], b2[64];

			ld_err(ld, an->loc, ap, "%s is not inside onprem.cidr (%s)",
			       hns_addr_str(&r->address, b1, sizeof(b1)),
			       hns_cidr_str(&op->cidr, b2, sizeof(b2)));
		}
	}
}

static void
onprem_resolvers(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(onprem_resolver_fields, struct model_onprem_resolver, onres_pre, onres_post);
	struct model_onprem *op = &ld->m->onprem;

	op->resolvers = handle_alloc(ld, v, path, sizeof(*op->resolvers));
	walk_handle_map(ld, v, path, &w, op->resolvers, &op->n_resolvers, NULL);
}

static const struct field onprem_fields[] = {
    FIELD("cidr", F_CIDR, 0, struct model_onprem, cidr, NULL),
    FFN("resolvers", 0, onprem_resolvers),
};

static void
top_onprem(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_onprem *op = &ld->m->onprem;
	const struct ynode *c = map_get(v, "cidr");

	/* cidr first so that the resolvers can be checked against it */
	op->has_cidr = c != NULL && c->kind == YN_SCALAR && hns_cidr_parse(c->str, &op->cidr) == 0;
	schema_walk(ld, v, path, v->loc, onprem_fields, NFIELDS(onprem_fields), op);
}

/* ----------------------------------------------------------------- vpn */

static const struct enum_val tunnel_states[] = {
    {"up", MODEL_TUNNEL_UP},
    {"standby", MODEL_TUNNEL_STANDBY},
    {"down", MODEL_TUNNEL_DOWN},
    {NULL, 0},
};

static const struct field tunnel_fields[] = {
    FRANGE("latency_ms", F_DOUBLE, 0, struct model_tunnel, latency_ms, "0", 0, 60000),
    FRANGE("jitter_ms", F_DOUBLE, 0, struct model_tunnel, jitter_ms, "0", 0, 60000),
    FIELD("loss", F_PROB, 0, struct model_tunnel, loss, "0"),
    FIELD("duplicate", F_PROB, 0, struct model_tunnel, duplicate, "0"),
    FIELD("reorder", F_PROB, 0, struct model_tunnel, reorder, "0"),
    FRANGE("mtu", F_U32, 0, struct model_tunnel, mtu, "1446", 68, 9001),
    FRANGE("bandwidth_mbps", F_DOUBLE, 0, struct model_tunnel, bandwidth_mbps, "1250", 0.001,
           1000000),
    FRANGE("pps", F_U32, 0, struct model_tunnel, pps, "140000", 1, 100000000),
    FENUM("state", 0, struct model_tunnel, state, "up", tunnel_states),
};

static bool
tunnel_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	if (model_resolver_endpoint_find(ld->m, k->str) != NULL) {
		ld_err(ld, k->loc, sub,
		       "'%s' is also a resolver endpoint's name (expected names unique across "
		       "tunnels and resolver endpoints, so that given: {down: [...]} is "
		       "clear)",
		       k->str);
		return false;
	}
	return true;
}

static void
vpn_tunnels(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(tunnel_fields, struct model_tunnel, tunnel_pre, NULL);
	struct model_vpn *vpn = &ld->m->vpn;

	vpn->tunnels = handle_alloc(ld, v, path, sizeof(*vpn->tunnels));
	walk_handle_map(ld, v, path, &w, vpn->tunnels, &vpn->n_tunnels, NULL);
}

static void
vpn_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_vpc_list(ld, v, path, &ld->m->vpn.vpcs, &ld->m->vpn.n_vpcs);
}

static const struct field vpn_fields[] = {
    FFN("vpcs", 0, vpn_vpcs),
    FFN("tunnels", 0, vpn_tunnels),
    FIELD("seed", F_U64, 0, struct model_vpn, seed, NULL),
};

static void
top_vpn(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_vpn *vpn = &ld->m->vpn;
	uint64_t p;

	vpn->present = true;
	p = schema_walk(ld, v, path, v->loc, vpn_fields, NFIELDS(vpn_fields), vpn);
	vpn->seed_given = HAS(p, vpn_fields, "seed");
}

/* ------------------------------------------------------------ internet */

static void
inet_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_zones(ld, v, path, MODEL_ZONE_INTERNET, &ld->m->internet.zones,
	         &ld->m->internet.n_zones);
}

static const struct enum_val inet_defaults[] = {
    {"nxdomain", 0},
    {NULL, 0},
};

struct inet_scratch {
	int dflt;
};

static void
inet_default(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct field f = FENUM("default", 0, struct inet_scratch, dflt, NULL, inet_defaults);
	struct inet_scratch s;

	if (want_scalar(ld, v, path, "nxdomain"))
		field_set(ld, &f, v, v->str, path, &s);
}

static const struct field internet_fields[] = {
    FFN("zones", 0, inet_zones),
    FIELD("aws_public_names", F_BOOL, 0, struct model_internet, aws_public_names, "true"),
    FFN("default", 0, inet_default),
};

static void
top_internet(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	schema_walk(ld, v, path, v->loc, internet_fields, NFIELDS(internet_fields),
	            &ld->m->internet);
}

/* -------------------------------------------------------- expectations */

/* from: onprem | onprem:<r> | vpc:<vpc> | inbound:<ep>[@<subnet>] | internet */
static bool
ld_from(struct ld *ld, const struct ynode *v, const char *path, struct model_from *f)
{
	struct model *m = ld->m;
	const char *s;
	char names[256];

	if (!want_scalar(
	        ld, v, path,
	        "onprem, onprem:<resolver>, vpc:<vpc>, inbound:<endpoint>[@<subnet>] or internet"))
		return false;
	s = v->str;
	memset(f, 0, sizeof(*f));
	if (strcmp(s, "onprem") == 0) {
		f->kind = MODEL_FROM_ONPREM;
		if (m->onprem.n_resolvers == 0) {
			ld_err(
			    ld, v->loc, path,
			    "from onprem, but onprem has no resolvers (expected onprem.resolvers)");
			return false;
		}
		f->resolver = &m->onprem.resolvers[0];
		return true;
	}
	if (strcmp(s, "internet") == 0) {
		f->kind = MODEL_FROM_INTERNET;
		return true;
	}
	if (strncmp(s, "onprem:", 7) == 0) {
		f->kind = MODEL_FROM_ONPREM;
		f->resolver = model_onprem_resolver_find(m, s + 7);
		if (f->resolver == NULL) {
			ld_err(ld, v->loc, path,
			       "no on-prem resolver named '%s' (on-prem resolvers: %s)", s + 7,
			       NAMES(names, m->onprem.resolvers, m->onprem.n_resolvers,
			             struct model_onprem_resolver));
			return false;
		}
		return true;
	}
	if (strncmp(s, "vpc:", 4) == 0) {
		f->kind = MODEL_FROM_VPC;
		f->vpc = model_vpc_find(m, s + 4);
		if (f->vpc == NULL) {
			ld_err(ld, v->loc, path, "no VPC named '%s' (VPCs: %s)", s + 4,
			       NAMES(names, m->vpcs, m->n_vpcs, struct model_vpc));
			return false;
		}
		return true;
	}
	if (strncmp(s, "inbound:", 8) == 0) {
		char name[256];
		const char *at = strchr(s + 8, '@');
		size_t nl = at ? (size_t)(at - (s + 8)) : strlen(s + 8);

		f->kind = MODEL_FROM_INBOUND;
		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, s + 8, nl);
		name[nl] = '\0';
		f->inbound = model_resolver_endpoint_find(m, name);
		if (f->inbound == NULL) {
			ld_err(ld, v->loc, path,
			       "no resolver endpoint named '%s' (resolver endpoints: %s)", name,
			       NAMES(names, m->resolver_endpoints, m->n_resolver_endpoints,
			             struct model_resolver_endpoint));
			return false;
		}
		if (f->inbound->direction != MODEL_INBOUND) {
			ld_err(ld, v->loc, path,
			       "%s is an outbound endpoint (expected an inbound endpoint)", name);
			return false;
		}
		if (at != NULL) {
			for (size_t i = 0; i < f->inbound->n_enis; i++) {
				if (strcmp(f->inbound->enis[i].subnet->name, at + 1) == 0)
					f->inbound_eni = &f->inbound->enis[i];
			}
			if (f->inbound_eni == NULL) {
				ld_err(ld, v->loc, path,
				       "resolver endpoint %s has no IP in a subnet named '%s'",
				       name, at + 1);
				return false;
			}
		}
		return true;
	}
	ld_err(ld, v->loc, path,
	       "'%s' is not a query source (expected onprem, onprem:<resolver>, vpc:<vpc>, "
	       "inbound:<endpoint>[@<subnet>] or internet)",
	       s);
	return false;
}

static struct model_eni *
eni_in_subnet(struct model_eni *enis, size_t n, const char *subnet)
{
	for (size_t i = 0; i < n; i++) {
		if (enis[i].subnet != NULL && strcmp(enis[i].subnet->name, subnet) == 0)
			return &enis[i];
	}
	return NULL;
}

/* tunnel1 | inbound | inbound@private-a | endpoint:api@private-b | onprem:dc1-dns */
static bool
ld_fault(struct ld *ld, const struct ynode *v, const char *path, struct model_fault *f)
{
	struct model *m = ld->m;
	char name[256];
	const char *s, *at;

	if (!want_scalar(ld, v, path,
	                 "a tunnel, resolver endpoint[@subnet], endpoint:<name>@<subnet> or "
	                 "onprem:<resolver>"))
		return false;
	s = v->str;
	memset(f, 0, sizeof(*f));
	f->text = ld_strdup(ld, s);
	f->loc = v->loc;
	if (strncmp(s, "onprem:", 7) == 0) {
		f->kind = MODEL_FAULT_ONPREM;
		f->onprem = model_onprem_resolver_find(m, s + 7);
		if (f->onprem == NULL) {
			ld_err(ld, v->loc, path, "no on-prem resolver named '%s'", s + 7);
			return false;
		}
		return true;
	}
	if (strncmp(s, "endpoint:", 9) == 0) {
		s += 9;
		at = strchr(s, '@');
		if (at == NULL || (size_t)(at - s) >= sizeof(name)) {
			ld_err(ld, v->loc, path,
			       "'%s' names no ENI (expected endpoint:<name>@<subnet>)", v->str);
			return false;
		}
		memcpy(name, s, (size_t)(at - s));
		name[at - s] = '\0';
		f->kind = MODEL_FAULT_ENDPOINT_ENI;
		f->endpoint = model_endpoint_find(m, name);
		if (f->endpoint == NULL || f->endpoint->type != MODEL_ENDPOINT_INTERFACE) {
			ld_err(ld, v->loc, path, "no interface endpoint named '%s'", name);
			return false;
		}
		f->eni = eni_in_subnet(f->endpoint->enis, f->endpoint->n_enis, at + 1);
		if (f->eni == NULL) {
			ld_err(ld, v->loc, path, "endpoint %s has no ENI in a subnet named '%s'",
			       name, at + 1);
			return false;
		}
		return true;
	}
	at = strchr(s, '@');
	if (at != NULL) {
		if ((size_t)(at - s) >= sizeof(name))
			goto unknown;
		memcpy(name, s, (size_t)(at - s));
		name[at - s] = '\0';
		f->kind = MODEL_FAULT_RESOLVER_ENI;
		f->resolver_endpoint = model_resolver_endpoint_find(m, name);
		if (f->resolver_endpoint == NULL) {
			ld_err(ld, v->loc, path, "no resolver endpoint named '%s'", name);
			return false;
		}
		f->eni =
		    eni_in_subnet(f->resolver_endpoint->enis, f->resolver_endpoint->n_enis, at + 1);
		if (f->eni == NULL) {
			ld_err(ld, v->loc, path,
			       "resolver endpoint %s has no IP in a subnet named '%s'", name,
			       at + 1);
			return false;
		}
		return true;
	}
	f->tunnel = model_tunnel_find(m, s);
	f->resolver_endpoint = model_resolver_endpoint_find(m, s);
	if (f->tunnel != NULL && f->resolver_endpoint != NULL) {
		ld_err(ld, v->loc, path, "'%s' is ambiguous: both a tunnel and a resolver endpoint",
		       s);
		return false;
	}
	if (f->tunnel != NULL) {
		f->kind = MODEL_FAULT_TUNNEL;
		return true;
	}
	if (f->resolver_endpoint != NULL) {
		f->kind = MODEL_FAULT_RESOLVER_ENDPOINT;
		return true;
	}
unknown:
	ld_err(ld, v->loc, path,
	       "no tunnel or resolver endpoint named '%s' (expected a tunnel, <resolver "
	       "endpoint>[@<subnet>], "
	       "endpoint:<name>@<subnet> or onprem:<resolver>)",
	       s);
	return false;
}

static void
given_down(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_given *g = obj;
	char sub[LD_PATH_MAX];

	if (v->kind == YN_SCALAR) {
		g->down = ld_alloc(ld, 1, sizeof(*g->down));
		if (g->down != NULL && ld_fault(ld, v, path, &g->down[0]))
			g->n_down = 1;
		return;
	}
	g->down = list_alloc(ld, v, path, sizeof(*g->down));
	if (g->down == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		path_index(sub, path, i);
		if (ld_fault(ld, v->kids[i], sub, &g->down[g->n_down]))
			g->n_down++;
	}
}

static const struct field given_fields[] = {
    FFN("down", 0, given_down),
};

static void
ld_given(struct ld *ld, const struct ynode *v, const char *path, struct model_given *g)
{
	schema_walk(ld, v, path, v->loc, given_fields, NFIELDS(given_fields), g);
}

/* "<name> [TYPE]" into qname/qtype; `pattern` allows {rand} and {seq} in the name. */
static bool
ld_query(struct ld *ld, const struct ynode *v, const char *path, const char **qname,
         uint16_t *qtype, bool pattern)
{
	char name[512], type[64], extra[8], check[512];
	int k;

	if (!want_scalar(ld, v, path, "\"<name> [TYPE]\""))
		return false;
	k = sscanf(v->str, "%511s %63s %7s", name, type, extra);
	if (k < 1 || k > 2 || strlen(v->str) > 500) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a query (expected \"<name> [TYPE]\", e.g. "
		       "\"app.corp.example.com A\")",
		       v->str);
		return false;
	}
	*qtype = LDNS_RR_TYPE_A;
	if (k == 2) {
		for (char *c = type; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		ldns_rr_type t = ldns_get_rr_type_by_name(type);

		if (t == 0) {
			ld_err(ld, v->loc, path,
			       "unknown record type '%s' (expected a type like A, AAAA, TXT or "
			       "TYPE65)",
			       type);
			return false;
		}
		*qtype = (uint16_t)t;
	}
	if (pattern) {
		/* validate with the placeholders filled in */
		size_t o = 0;

		for (const char *c = name; *c != '\0' && o + 2 < sizeof(check);) {
			if (strncmp(c, "{rand}", 6) == 0) {
				check[o++] = 'x';
				c += 6;
			} else if (strncmp(c, "{seq}", 5) == 0) {
				check[o++] = '1';
				c += 5;
			} else {
				check[o++] = *c++;
			}
		}
		check[o] = '\0';
		if (ld_dname(ld, v, path, check) == NULL)
			return false;
		size_t l = strlen(name);

		if (l > 1 && name[l - 1] == '.')
			name[l - 1] = '\0';
		for (char *c = name; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		*qname = ld_strdup(ld, name);
		return *qname != NULL;
	}
	*qname = ld_dname(ld, v, path, name);
	return *qname != NULL;
}

/* answer: list | endpoint:<n> | endpoint:<n>@<az> | public | private | empty | nxdomain */
static void
ld_answer(struct ld *ld, const struct ynode *v, const char *path, struct model_answer *a)
{
	static const struct enum_val words[] = {
	    {"public", MODEL_ANSWER_PUBLIC},
	    {"private", MODEL_ANSWER_PRIVATE},
	    {"empty", MODEL_ANSWER_EMPTY},
	    {"nxdomain", MODEL_ANSWER_NXDOMAIN},
	    {NULL, 0},
	};
	char sub[LD_PATH_MAX], name[256], names[256];

	memset(a, 0, sizeof(*a));
	if (v->kind == YN_SEQ) {
		a->kind = MODEL_ANSWER_LIST;
		a->values = ld_alloc(ld, v->n, sizeof(*a->values));
		for (size_t i = 0; i < v->n && a->values != NULL; i++) {
			const struct ynode *it = v->kids[i];
			struct hns_addr ad;
			char buf[HNS_ADDR_STRLEN];

			path_index(sub, path, i);
			if (!want_scalar(ld, it, sub, "an address or a name"))
				continue;
			if (hns_addr_parse(it->str, &ad) == 0) {
				a->values[a->n_values++] =
				    ld_strdup(ld, hns_addr_str(&ad, buf, sizeof(buf)));
			} else {
				char low[512];
				size_t l = strlen(it->str);

				if (l >= sizeof(low))
					l = sizeof(low) - 1;
				for (size_t j = 0; j < l; j++)
					low[j] = (char)tolower((unsigned char)it->str[j]);
				if (l > 1 && low[l - 1] == '.')
					l--;
				low[l] = '\0';
				a->values[a->n_values++] = ld_strdup(ld, low);
			}
		}
		if (v->n == 0)
			a->kind = MODEL_ANSWER_EMPTY;
		return;
	}
	if (!want_scalar(
	        ld, v, path,
	        "a list of values, endpoint:<name>[@<az>], public, private, empty or nxdomain"))
		return;
	for (const struct enum_val *w = words; w->name != NULL; w++) {
		if (strcmp(v->str, w->name) == 0) {
			a->kind = (enum model_answer_kind)w->value;
			return;
		}
	}
	if (strncmp(v->str, "endpoint:", 9) == 0) {
		const char *s = v->str + 9, *at = strchr(s, '@');
		size_t nl = at ? (size_t)(at - s) : strlen(s);

		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, s, nl);
		name[nl] = '\0';
		a->endpoint = model_endpoint_find(ld->m, name);
		if (a->endpoint == NULL || a->endpoint->type != MODEL_ENDPOINT_INTERFACE) {
			ld_err(ld, v->loc, path, "no interface endpoint named '%s' (endpoints: %s)",
			       name,
			       NAMES(names, ld->m->endpoints, ld->m->n_endpoints,
			             struct model_endpoint));
			a->endpoint = NULL;
			return;
		}
		a->kind = MODEL_ANSWER_ENDPOINT;
		if (at != NULL) {
			bool found = false;

			for (size_t i = 0; i < a->endpoint->n_enis; i++)
				found |= a->endpoint->enis[i].subnet->az != NULL &&
				         strcmp(a->endpoint->enis[i].subnet->az, at + 1) == 0;
			if (!found) {
				ld_err(ld, v->loc, path, "endpoint %s has no ENI in %s", name,
				       at + 1);
				return;
			}
			a->kind = MODEL_ANSWER_ENDPOINT_AZ;
			a->az = ld_strdup(ld, at + 1);
		}
		return;
	}
	ld_err(ld, v->loc, path,
	       "'%s' is not an answer (expected a list of values, endpoint:<name>[@<az>], public, "
	       "private, empty or nxdomain)",
	       v->str);
}

static const struct {
	const char *prefix;
	enum model_hop_kind kind;
} hop_kinds[] = {
    {"onprem", MODEL_HOP_ONPREM},   {"vpn", MODEL_HOP_VPN},
    {"inbound", MODEL_HOP_INBOUND}, {"outbound", MODEL_HOP_OUTBOUND},
    {"vpc", MODEL_HOP_VPC},         {"rule", MODEL_HOP_RULE},
    {"zone", MODEL_HOP_ZONE},       {"private-dns", MODEL_HOP_PRIVATE_DNS},
};

/*
 * zone:<name> names the first zone of that name in this order: private
 * hosted zones, public hosted zones, on-prem zones, internet zones (a
 * private zone and an internet zone of one name are the usual split
 * view).  Two zones of the name in the first kind that has one are
 * ambiguous.
 */
static const void *
hop_zone(struct ld *ld, const struct ynode *v, const char *path, const char *name)
{
	struct model *m = ld->m;
	char norm[256];
	size_t l = strlen(name);

	if (l >= sizeof(norm))
		return NULL;
	for (size_t i = 0; i <= l; i++)
		norm[i] = (char)tolower((unsigned char)name[i]);
	if (l > 1 && norm[l - 1] == '.')
		norm[l - 1] = '\0';
	for (int kind = 0; kind < 4; kind++) {
		const struct model_zone *found = NULL;
		size_t count = 0;

		for (size_t r = 0; r < (kind == 2 ? m->onprem.n_resolvers : 1); r++) {
			const struct model_zone *zs = kind < 2    ? m->zones
			                              : kind == 2 ? m->onprem.resolvers[r].zones
			                                          : m->internet.zones;
			size_t nz = kind < 2    ? m->n_zones
			            : kind == 2 ? m->onprem.resolvers[r].n_zones
			                        : m->internet.n_zones;

			for (size_t i = 0; i < nz; i++) {
				if (kind == 0 && zs[i].kind != MODEL_ZONE_PRIVATE)
					continue;
				if (kind == 1 && zs[i].kind != MODEL_ZONE_PUBLIC)
					continue;
				if (zs[i].name != NULL && strcmp(zs[i].name, norm) == 0) {
					found = found != NULL ? found : &zs[i];
					count++;
				}
			}
		}
		if (count > 1)
			ld_err(ld, v->loc, path,
			       "zone:%s is ambiguous: %zu %s zones have that name (expected one)",
			       norm, count,
			       kind == 0   ? "private hosted"
			       : kind == 1 ? "public hosted"
			       : kind == 2 ? "on-prem"
			                   : "internet");
		if (count > 0)
			return count == 1 ? found : NULL;
	}
	return NULL;
}

static void
ld_via(struct ld *ld, const struct ynode *v, const char *path, struct model_hop **out, size_t *n)
{
	struct model *m = ld->m;
	char sub[LD_PATH_MAX];
	struct model_hop *arr;

	arr = list_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		struct model_hop *h = &arr[*n];
		const char *colon, *ref;
		size_t k;

		path_index(sub, path, i);
		if (!want_scalar(ld, it, sub, "a hop like vpn:tunnel1"))
			continue;
		h->loc = it->loc;
		if (strcmp(it->str, "internet") == 0) {
			h->kind = MODEL_HOP_INTERNET;
			(*n)++;
			continue;
		}
		colon = strchr(it->str, ':');
		for (k = 0; colon != NULL && k < sizeof(hop_kinds) / sizeof(hop_kinds[0]); k++) {
			if (strlen(hop_kinds[k].prefix) == (size_t)(colon - it->str) &&
			    strncmp(hop_kinds[k].prefix, it->str, (size_t)(colon - it->str)) == 0)
				break;
		}
		if (colon == NULL || k == sizeof(hop_kinds) / sizeof(hop_kinds[0]) ||
		    colon[1] == '\0') {
			ld_err(ld, it->loc, sub,
			       "'%s' is not a hop (expected onprem:, vpn:, inbound:, outbound:, "
			       "vpc:, rule:, "
			       "zone: or private-dns: with a name, or internet)",
			       it->str);
			continue;
		}
		ref = colon + 1;
		h->kind = hop_kinds[k].kind;
		h->ref = ld_strdup(ld, ref);
		switch (h->kind) {
		case MODEL_HOP_ONPREM:
			h->target = model_onprem_resolver_find(m, ref);
			break;
		case MODEL_HOP_VPN:
			h->target = model_tunnel_find(m, ref);
			break;
		case MODEL_HOP_INBOUND:
		case MODEL_HOP_OUTBOUND: {
			struct model_resolver_endpoint *re = model_resolver_endpoint_find(m, ref);

			if (re != NULL &&
			    re->direction !=
			        (h->kind == MODEL_HOP_INBOUND ? MODEL_INBOUND : MODEL_OUTBOUND)) {
				ld_err(ld, it->loc, sub,
				       "%s is an %s endpoint (expected an %s endpoint)", ref,
				       re->direction == MODEL_INBOUND ? "inbound" : "outbound",
				       h->kind == MODEL_HOP_INBOUND ? "inbound" : "outbound");
				continue;
			}
			h->target = re;
			break;
		}
		case MODEL_HOP_VPC:
			h->target = model_vpc_find(m, ref);
			break;
		case MODEL_HOP_RULE:
			for (size_t r = 0; r < m->n_rules; r++) {
				if (strcmp(m->rules[r].name, ref) == 0)
					h->target = &m->rules[r];
			}
			break;
		case MODEL_HOP_ZONE: {
			size_t before = ld->n_total;

			h->target = hop_zone(ld, it, sub, ref);
			if (ld->n_total != before)
				continue;
			break;
		}
		case MODEL_HOP_PRIVATE_DNS: {
			struct model_endpoint *ep = model_endpoint_find(m, ref);

			h->target = ep != NULL && ep->type == MODEL_ENDPOINT_INTERFACE ? ep : NULL;
			break;
		}
		case MODEL_HOP_INTERNET:
			break;
		}
		if (h->target == NULL) {
			ld_err(ld, it->loc, sub, "no %s named '%s'",
			       h->kind == MODEL_HOP_ONPREM     ? "on-prem resolver"
			       : h->kind == MODEL_HOP_VPN      ? "tunnel"
			       : h->kind == MODEL_HOP_INBOUND  ? "inbound resolver endpoint"
			       : h->kind == MODEL_HOP_OUTBOUND ? "outbound resolver endpoint"
			       : h->kind == MODEL_HOP_VPC      ? "VPC"
			       : h->kind == MODEL_HOP_RULE     ? "resolver rule"
			       : h->kind == MODEL_HOP_ZONE     ? "zone"
			                                       : "interface endpoint",
			       ref);
			continue;
		}
		(*n)++;
	}
}

static void
ex_from(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_from(ld, v, path, &((struct model_expect *)obj)->from);
}

static void
ex_query(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_expect *e = obj;

	ld_query(ld, v, path, &e->qname, &e->qtype, false);
}

static void
ex_given(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_given(ld, v, path, &((struct model_expect *)obj)->given);
}

static void
ex_answer(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_answer(ld, v, path, &((struct model_expect *)obj)->answer);
}

static void
ex_rcode(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_expect *e = obj;
	char up[32];
	uint64_t u;

	if (!want_scalar(ld, v, path, "an rcode like NOERROR"))
		return;
	if (parse_u64(v->str, &u) && u <= 4095) {
		e->rcode = (int)u;
		return;
	}
	snprintf(up, sizeof(up), "%s", v->str);
	for (char *c = up; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	ldns_lookup_table *t =
	    strlen(v->str) < sizeof(up) ? ldns_lookup_by_name(ldns_rcodes, up) : NULL;

	if (t == NULL) {
		ld_err(
		    ld, v->loc, path,
		    "'%s' is not an rcode (expected NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, "
		    "REFUSED or a number)",
		    v->str);
		return;
	}
	e->rcode = t->id;
}

static void
ex_via(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_expect *e = obj;

	ld_via(ld, v, path, &e->via, &e->n_via);
}

static const struct field expect_fields[] = {
    FIELD("name", F_STR, 0, struct model_expect, name, NULL),
    FFN("from", 0, ex_from),
    FFN("query", FL_REQ, ex_query),
    FFN("given", 0, ex_given),
    FFN("answer", 0, ex_answer),
    FFN("rcode", 0, ex_rcode),
    FFN("via", 0, ex_via),
    FRANGE("max_ms", F_DOUBLE, 0, struct model_expect, max_ms, NULL, 0, 3600000),
};

static bool
expect_pre(struct ld *ld, const struct ynode *key, const char *sub, void *obj, void *ctx)
{
	struct model_expect *e = obj;

	e->max_ms = -1;
	e->qtype = LDNS_RR_TYPE_A;
	e->rcode = -1;
	return true;
}

static void
expect_post(struct ld *ld, const struct ynode *it, const struct ynode *val, const char *sub,
            void *obj, uint64_t p, void *ctx)
{
	struct model *m = ld->m;
	struct model_expect *e = obj;

	if (!HAS(p, expect_fields, "from")) {
		e->from.kind = MODEL_FROM_ONPREM;
		if (m->onprem.n_resolvers > 0)
			e->from.resolver = &m->onprem.resolvers[0];
		else if (it->kind == YN_MAP)
			ld_err(ld, it->loc, sub,
			       "from defaults to onprem, but onprem has no resolvers "
			       "(expected "
			       "onprem.resolvers or a from: key)");
	}
	if (e->rcode < 0) {
		e->rcode = e->answer.kind == MODEL_ANSWER_NXDOMAIN ? LDNS_RCODE_NXDOMAIN
		                                                   : LDNS_RCODE_NOERROR;
	} else if (e->answer.kind == MODEL_ANSWER_NXDOMAIN &&
	           e->rcode != LDNS_RCODE_NXDOMAIN) {
		char rp[LD_PATH_MAX];

		path_key(rp, sub, "rcode");
		ld_err(ld, map_get(it, "rcode")->loc, rp,
		       "contradicts answer: nxdomain (expected NXDOMAIN or no rcode)");
	}
	if (e->name == NULL) {
		const struct ynode *q = map_get(it, "query");

		e->name = q != NULL && q->kind == YN_SCALAR ? ld_strdup(ld, q->str) : "";
	}
}

static void
top_expect(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(expect_fields, struct model_expect, expect_pre, expect_post);
	struct model *m = ld->m;

	m->expects = list_alloc(ld, v, path, sizeof(*m->expects));
	walk_map_list(ld, v, path, &w, m->expects, &m->n_expects, NULL);
}

/* ---------------------------------------------------------------- load */

static void
mix_query(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_mix *x = obj;

	ld_query(ld, v, path, &x->query, &x->qtype, true);
}

static const struct field mix_fields[] = {
    FFN("query", FL_REQ, mix_query),
    FRANGE("weight", F_U32, 0, struct model_mix, weight, "1", 1, 1000000),
};

static void
ld_fault_event(struct ld *ld, const struct ynode *v, const char *path, void *obj, bool up)
{
	struct model_event *e = obj;

	e->up = up;
	ld_fault(ld, v, path, &e->fault);
}

static void
ev_down(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_fault_event(ld, v, path, obj, false);
}

static void
ev_up(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_fault_event(ld, v, path, obj, true);
}

static const struct field event_fields[] = {
    FIELD("at", F_MS, FL_REQ, struct model_event, at_ms, NULL),
    FFN("down", 0, ev_down),
    FFN("up", 0, ev_up),
};

static void
slo_answers(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_answer(ld, v, path, &((struct model_slo *)obj)->answers);
}

static const struct field slo_fields[] = {
    FRANGE("p50_ms", F_DOUBLE, 0, struct model_slo, p50_ms, NULL, 0, 3600000),
    FRANGE("p99_ms", F_DOUBLE, 0, struct model_slo, p99_ms, NULL, 0, 3600000),
    FRANGE("p999_ms", F_DOUBLE, 0, struct model_slo, p999_ms, NULL, 0, 3600000),
    FIELD("max_loss", F_PROB, 0, struct model_slo, max_loss, NULL),
    FRANGE("min_qps", F_DOUBLE, 0, struct model_slo, min_qps, NULL, 0, 100000000),
    FFN("answers", 0, slo_answers),
};

static void
lp_from(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_from(ld, v, path, &((struct model_load *)obj)->from);
}

static void
lp_mix(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w = OBJ_WALK(mix_fields, struct model_mix, NULL, NULL);
	struct model_load *l = obj;

	l->mix = list_alloc(ld, v, path, sizeof(*l->mix));
	walk_map_list(ld, v, path, &w, l->mix, &l->n_mix, NULL);
}

static void
lp_given(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_given(ld, v, path, &((struct model_load *)obj)->given);
}

static void
event_post(struct ld *ld, const struct ynode *it, const struct ynode *val, const char *sub,
           void *obj, uint64_t p, void *ctx)
{
	if (it->kind == YN_MAP && HAS(p, event_fields, "down") == HAS(p, event_fields, "up"))
		ld_err(ld, it->loc, sub,
		       "an event needs exactly one of 'down' and 'up' (e.g. {at: 5s, down: "
		       "tunnel1})");
}

static void
lp_events(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(event_fields, struct model_event, NULL, event_post);
	struct model_load *l = obj;

	l->events = list_alloc(ld, v, path, sizeof(*l->events));
	walk_map_list(ld, v, path, &w, l->events, &l->n_events, NULL);
}

static void
lp_slo(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_load *l = obj;

	schema_walk(ld, v, path, v->loc, slo_fields, NFIELDS(slo_fields), &l->slo);
}

static const struct field load_fields[] = {
    FFN("from", 0, lp_from),
    FIELD("target", F_ADDR_PORT, 0, struct model_load, target, NULL),
    FRANGE("qps", F_U32, FL_REQ, struct model_load, qps, NULL, 1, 100000000),
    FIELD("duration", F_MS, FL_REQ, struct model_load, duration_ms, NULL),
    FIELD("ramp", F_MS, 0, struct model_load, ramp_ms, "0"),
    FIELD("tcp", F_PROB, 0, struct model_load, tcp, "0"),
    FFN("mix", FL_REQ, lp_mix),
    FFN("given", 0, lp_given),
    FFN("events", 0, lp_events),
    FFN("slo", 0, lp_slo),
};

static bool
load_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	struct model_load *l = obj;

	l->slo.p50_ms = l->slo.p99_ms = l->slo.p999_ms = -1;
	l->slo.max_loss = l->slo.min_qps = -1;
	return true;
}

static void
load_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
          void *obj, uint64_t p, void *ctx)
{
	struct model *m = ld->m;
	struct model_load *l = obj;

	l->has_target = HAS(p, load_fields, "target");
	if (l->has_target && l->target.port == 0)
		l->target.port = 53;
	if (l->has_target && l->target.family != 0) {
		char tp[LD_PATH_MAX];

		path_key(tp, sub, "target");
		ld_target_addr(ld, &l->target, map_get(val, "target")->loc, tp, LD_TARGET_LOAD);
	}
	if (!HAS(p, load_fields, "from")) {
		l->from.kind = MODEL_FROM_ONPREM;
		if (m->onprem.n_resolvers > 0)
			l->from.resolver = &m->onprem.resolvers[0];
		else if (!l->has_target && val->kind == YN_MAP)
			ld_err(ld, k->loc, sub,
			       "from defaults to onprem, but onprem has no resolvers "
			       "(expected "
			       "onprem.resolvers, a from: or a target: key)");
	}
	if (l->ramp_ms > l->duration_ms && HAS(p, load_fields, "duration")) {
		char rp[LD_PATH_MAX];

		path_key(rp, sub, "ramp");
		ld_err(ld, map_get(val, "ramp")->loc, rp, "ramp is longer than duration");
	}
}

static void
top_load(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(load_fields, struct model_load, load_pre, load_post);
	struct model *m = ld->m;

	m->loads = handle_alloc(ld, v, path, sizeof(*m->loads));
	walk_handle_map(ld, v, path, &w, m->loads, &m->n_loads, NULL);
}

/* ------------------------------------------------------------ top level */

static const struct field top_fields[] = {
    FIELD("scenario", F_STR, FL_REQ, struct model, scenario, NULL),
    FIELD("description", F_STR, 0, struct model, description, NULL),
    FIELD("region", F_REGION, FL_REQ, struct model, region, NULL),
    FFN("account", 0, top_account),
    FFN("defaults", 0, top_defaults),
    FFN("vpcs", 0, top_vpcs),
    FFN("peerings", 0, top_peerings),
    FFN("endpoints", 0, top_endpoints),
    FFN("hosted_zones", 0, top_hosted_zones),
    FFN("resolver", 0, top_resolver),
    FFN("onprem", 0, top_onprem),
    FFN("vpn", 0, top_vpn),
    FFN("internet", 0, top_internet),
    FFN("expect", 0, top_expect),
    FFN("load", 0, top_load),
};

/* ------------------------------------------------------------- public */

void
model_errors_init(struct model_errors *e)
{
	e->msgs = NULL;
	e->n = 0;
	e->dropped = 0;
}

void
model_errors_deinit(struct model_errors *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	model_errors_init(e);
}

void
model_errors_print(const struct model_errors *e, FILE *out)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(out, "%s\n", e->msgs[i]);
	if (e->dropped > 0)
		fprintf(out, "... %zu more error%s\n", e->dropped, e->dropped == 1 ? "" : "s");
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	records_free_zones(m->zones, m->n_zones);
	records_free_zones(m->internet.zones, m->internet.n_zones);
	for (size_t i = 0; i < m->onprem.n_resolvers; i++)
		records_free_zones(m->onprem.resolvers[i].zones, m->onprem.resolvers[i].n_zones);
	hns_arena_deinit(&m->arena);
	free(m);
}

/* A file beyond MODEL_MAX_FILE_BYTES: reported where the limit falls, nothing parsed. */
static void
ld_err_too_large(struct ld *ld)
{
	struct model_loc loc = {1, 1};

	for (size_t i = 0; i < MODEL_MAX_FILE_BYTES; i++) {
		if (ld->buf[i] == '\n') {
			loc.line++;
			loc.col = 1;
		} else {
			loc.col++;
		}
	}
	ld_err(ld, loc, NULL,
	       "the scenario is larger than %u MiB (expected at most %u bytes: the limit of "
	       "docs/scenario.md, Limits)",
	       MODEL_MAX_FILE_BYTES >> 20, MODEL_MAX_FILE_BYTES);
}

int
model_load_buffer(const char *name, const char *buf, size_t len, struct model **out,
                  struct model_errors *errs)
{
	struct ld ld = {0};
	struct model *m;
	struct ynode *root;
	int rc;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return HNS_ENOMEM;
	hns_arena_init(&m->arena);
	hns_arena_init(&ld.tmp);
	ld.m = m;
	ld.buf = buf;
	ld.len = len;
	m->file = hns_arena_strdup(&m->arena, name != NULL ? name : "<buffer>");
	ld.file = m->file != NULL ? m->file : "<buffer>";
	m->defaults.vpce_ttl = 60;
	m->defaults.record_ttl = 300;
	m->defaults.negative_ttl = 900;
	m->defaults.nodata_for_other_types = true;
	m->internet.aws_public_names = true;
	m->account = "111122223333";

	if (len > MODEL_MAX_FILE_BYTES) {
		ld_err_too_large(&ld);
		root = NULL;
	} else {
		root = ld_yaml_parse(&ld);
	}
	if (root != NULL) {
		struct model_loc top = {1, 1};

		if (is_null(root))
			ld_err(&ld, root->loc, NULL,
			       "empty scenario (expected a map with scenario, region, ...)");
		else
			schema_walk(&ld, root, "", top, top_fields, NFIELDS(top_fields), m);
		ld_addr_dups(&ld);
		ld_reach_check(&ld);
	}
	if (ld.oom)
		rc = HNS_ENOMEM;
	else if (ld.n_total > 0)
		rc = HNS_ESCENARIO;
	else
		rc = 0;
	ld_errors_flush(&ld, errs);
	hns_arena_deinit(&ld.tmp);
	free(ld.line_starts);
	free(ld.uses);
	free(ld.targets);
	if (rc != 0) {
		model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int
model_load_file(const char *path, struct model **out, struct model_errors *errs)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (f == NULL) {
		rc = -errno;
		goto io_fail;
	}
	/* One byte beyond the limit is enough for model_load_buffer to refuse the file. */
	while (len <= MODEL_MAX_FILE_BYTES) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;

			if (ncap > MODEL_MAX_FILE_BYTES + 1)
				ncap = MODEL_MAX_FILE_BYTES + 1;
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				fclose(f);
				free(buf);
				return HNS_ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + len, 1, cap - len, f);

		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		rc = HNS_EINVAL;
		fclose(f);
		free(buf);
		goto io_fail;
	}
	fclose(f);
	rc = model_load_buffer(path, buf, len, out, errs);
	free(buf);
	return rc;
io_fail:
	if (errs != NULL && errs->n < MODEL_MAX_ERRORS) {
		char **v = realloc(errs->msgs, (errs->n + 1) * sizeof(*v));
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s: cannot read: %s", path, strerror(-rc));
		if (v != NULL) {
			errs->msgs = v;
			v[errs->n] = strdup(msg);
			if (v[errs->n] != NULL)
				errs->n++;
		}
	}
	return rc;
}

/* ------------------------------------------------------------ lookups */

#define FIND(arr, n, key)                                                                          \
	do {                                                                                       \
		if (m == NULL || (key) == NULL)                                                    \
			return NULL;                                                               \
		for (size_t i_ = 0; i_ < (n); i_++) {                                              \
			if ((arr)[i_].name != NULL && strcmp((arr)[i_].name, (key)) == 0)          \
				return &(arr)[i_];                                                 \
		}                                                                                  \
		return NULL;                                                                       \
	} while (0)

struct model_vpc *
model_vpc_find(const struct model *m, const char *name)
{
	FIND(m->vpcs, m->n_vpcs, name);
}

struct model_endpoint *
model_endpoint_find(const struct model *m, const char *name)
{
	FIND(m->endpoints, m->n_endpoints, name);
}

struct model_resolver_endpoint *
model_resolver_endpoint_find(const struct model *m, const char *name)
{
	FIND(m->resolver_endpoints, m->n_resolver_endpoints, name);
}

struct model_tunnel *
model_tunnel_find(const struct model *m, const char *name)
{
	FIND(m->vpn.tunnels, m->vpn.n_tunnels, name);
}

struct model_onprem_resolver *
model_onprem_resolver_find(const struct model *m, const char *name)
{
	FIND(m->onprem.resolvers, m->onprem.n_resolvers, name);
}
