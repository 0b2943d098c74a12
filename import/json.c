/*
 * import/json.c -- located JSON getters over jansson (see json.h).
 */
#include "config.h"

#include <string.h>

#include "import/json.h"
#include "import/scen.h"

json_t *
ij_parse(struct ij *j, const char *buf, size_t len)
{
	json_error_t e;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);

	if (root == NULL) {
		j->s->n_errors++;
		if (j->s->err != NULL)
			fprintf(j->s->err, "%s:%d:%d: $: invalid JSON: %s (expected one JSON document)\n",
				j->file, e.line, e.column, e.text);
	}
	return root;
}

const char *
ij_key(struct ij *j, const char *path, const char *key)
{
	return imp_printf(j->s, "%s.%s", path, key);
}

const char *
ij_idx(struct ij *j, const char *path, size_t i)
{
	return imp_printf(j->s, "%s[%zu]", path, i);
}

const char *
ij_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

void
ij_want(struct ij *j, const char *path, const json_t *v, const char *expected)
{
	imp_error(j->s, j->file, path, "got %s (expected %s)", v ? ij_kind(v) : "nothing", expected);
}

/* The member, or NULL; a required one that is missing is reported. */
static json_t *
ij_member(struct ij *j, json_t *o, const char *o_path, const char *key, bool required)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	if (v == NULL && required)
		imp_error(j->s, j->file, o_path, "missing key \"%s\"", key);
	return v;
}

const char *
ij_str(struct ij *j, json_t *o, const char *o_path, const char *key, bool required)
{
	json_t *v = ij_member(j, o, o_path, key, required);

	if (v == NULL || (json_is_null(v) && !required))
		return NULL;
	if (!json_is_string(v)) {
		ij_want(j, ij_key(j, o_path, key), v, "a string");
		return NULL;
	}
	return imp_strdup(j->s, json_string_value(v));
}

static json_t *
ij_typed(struct ij *j, json_t *o, const char *o_path, const char *key, bool required,
	 json_type type, const char *expected)
{
	json_t *v = ij_member(j, o, o_path, key, required);

	if (v == NULL || (json_is_null(v) && !required))
		return NULL;
	if (json_typeof(v) != type) {
		ij_want(j, ij_key(j, o_path, key), v, expected);
		return NULL;
	}
	return v;
}

json_t *
ij_arr(struct ij *j, json_t *o, const char *o_path, const char *key, bool required)
{
	return ij_typed(j, o, o_path, key, required, JSON_ARRAY, "a list");
}

json_t *
ij_obj(struct ij *j, json_t *o, const char *o_path, const char *key, bool required)
{
	return ij_typed(j, o, o_path, key, required, JSON_OBJECT, "an object");
}

int
ij_bool(struct ij *j, json_t *o, const char *o_path, const char *key, int dflt)
{
	json_t *v = ij_member(j, o, o_path, key, false);

	if (v == NULL || json_is_null(v))
		return dflt;
	if (!json_is_boolean(v)) {
		ij_want(j, ij_key(j, o_path, key), v, "true or false");
		return dflt;
	}
	return json_is_true(v);
}

long
ij_long(struct ij *j, json_t *o, const char *o_path, const char *key, long dflt)
{
	json_t *v = ij_member(j, o, o_path, key, false);

	if (v == NULL || json_is_null(v))
		return dflt;
	if (!json_is_integer(v)) {
		ij_want(j, ij_key(j, o_path, key), v, "a whole number");
		return dflt;
	}
	return (long)json_integer_value(v);
}

json_t *
ij_item(struct ij *j, json_t *a, const char *a_path, size_t i, const char **item_path)
{
	json_t *v = json_array_get(a, i);

	*item_path = ij_idx(j, a_path, i);
	if (!json_is_object(v)) {
		ij_want(j, *item_path, v, "an object");
		return NULL;
	}
	return v;
}
