/*
 * model/schema.h -- the loader's schema engine (internal: the loader's
 * files include it; everything else includes model/model.h).
 *
 * A map of the scenario is walked against a declarative table (struct
 * field: key, type, required, default, range) by one function,
 * ld_schema_walk(): unknown and duplicate keys, missing required keys,
 * types and ranges are reported at FILE:LINE:COLUMN with the key path.
 * Keys whose values are collections or references are F_FN fields with a
 * small function each; lists of maps and handle maps (`vpcs.<name>`) are
 * read by ld_walk_list() and ld_walk_handles() with per-object pre and post
 * hooks (struct obj_walk).  Every section file (model/load_*.c) is a set of
 * such tables and hooks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/internal.h"

#define NAMES(buf, arr, n, type)                                                                   \
	ld_names_list(buf, sizeof(buf), arr, n, sizeof(type), offsetof(type, name))

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

#define HAS(mask, fields, key) (((mask)&ld_field_bit(fields, NFIELDS(fields), key)) != 0)

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

/* ------------------------------------------------------------- values */

/* From the model's arena; NULL (and ld->oom set) when out of memory or n == 0. */
void *ld_alloc(struct ld *ld, size_t n, size_t size);
const char *ld_strdup(struct ld *ld, const char *s);
const char *ld_printf(struct ld *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Key paths in LD_PATH_MAX buffers: "parent.key" and "parent[i]", cut when long. */
void ld_path_key(char *out, const char *parent, const char *key);
void ld_path_index(char *out, const char *parent, size_t i);
/* Lists the `name` members of an array into buf as "a, b, c" ("none defined" when empty). */
const char *ld_names_list(char *buf, size_t size, const void *base, size_t n, size_t stride,
                          size_t name_off);
/* A decimal integer without sign, space or trailing bytes. */
bool ld_parse_u64(const char *s, uint64_t *out);
/* An IP address without port (reported when not). */
bool ld_addr(struct ld *ld, const struct ynode *n, const char *path, struct hns_addr *out);
/* A list of ip[:port] targets of the given kind (port default_port when not given). */
void ld_addr_list(struct ld *ld, const struct ynode *v, const char *path, struct hns_addr **out,
                  size_t *n, uint16_t default_port, enum ld_target_kind kind);

/* -------------------------------------------------------------- nodes */

/* A plain empty, ~ or null scalar. */
bool ld_is_null(const struct ynode *n);
/* Reports a node of another kind ("got a map (expected ...)"). */
bool ld_want_scalar(struct ld *ld, const struct ynode *n, const char *path, const char *expected);
bool ld_want_kind(struct ld *ld, const struct ynode *n, const char *path, enum ynode_kind kind);
/* Index of an earlier key equal to key i of a map, or -1. */
long ld_map_dup(const struct ynode *map, size_t i);
/* The value node of key in map, or NULL; where that key stands, or dflt. */
const struct ynode *ld_map_get(const struct ynode *map, const char *key);
struct model_loc ld_key_loc(const struct ynode *map, const char *key, struct model_loc dflt);

/* ------------------------------------------------------------- walking */

/* Parses one scalar field from text (the value or the default) into obj. */
void ld_field_set(struct ld *ld, const struct field *f, const struct ynode *n, const char *text,
                  const char *path, void *obj);
/* The bit of key in a mask of fields present (ld_schema_walk's result). */
uint64_t ld_field_bit(const struct field *fields, size_t nf, const char *key);
/*
 * Walks a map against a schema: unknown and duplicate keys, required keys,
 * types, ranges, defaults.  `key_loc` is where the map's own key stands
 * (for "missing" messages).  Returns the bit mask of the fields present.
 */
uint64_t ld_schema_walk(struct ld *ld, const struct ynode *map, const char *path,
                        struct model_loc key_loc, const struct field *fields, size_t nf,
                        void *obj);
/* The objects of a YAML list / of a handle map; NULL when v is not one or empty. */
void *ld_list_alloc(struct ld *ld, const struct ynode *v, const char *path, size_t size);
void *ld_handle_alloc(struct ld *ld, const struct ynode *v, const char *path, size_t size);
/* For handle maps: reports a duplicate or a bad handle; false to skip the entry. */
bool ld_handle_ok(struct ld *ld, const struct ynode *map, size_t i, const char *path);
/*
 * Entry i of a handle map: the next object of arr (each such struct starts
 * with `const char *name`), named and counted in *n, its path in sub; NULL
 * for a duplicate or unusable handle (reported).
 */
void *ld_handle_next(struct ld *ld, const struct ynode *v, size_t i, const char *path, void *arr,
                     size_t size, size_t *n, char *sub);
/* Each map of list v (as ld_list_alloc'ed into arr) into an object, all counted in *n. */
void ld_walk_list(struct ld *ld, const struct ynode *v, const char *path, const struct obj_walk *w,
                  void *arr, size_t *n, void *ctx);
/* Each entry of handle map v (as ld_handle_alloc'ed into arr) into a named object counted in *n. */
void ld_walk_handles(struct ld *ld, const struct ynode *v, const char *path,
                     const struct obj_walk *w, void *arr, size_t *n, void *ctx);
