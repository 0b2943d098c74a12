/*
 * import/json.h -- reading JSON with jansson, every miss located.
 *
 * The importers read JSON documents (AWS CLI output, `terraform show
 * -json`) through these getters, which carry the JSONPath of what they
 * read ("$.VpcEndpoints[2].DnsEntries[0].DnsName") and report a value of
 * the wrong kind as "FILE: $.path: got a number (expected a string)" --
 * an error of the import (exit status 2).  A missing optional key is NULL
 * and no message; a missing required one is an error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct imp_scen;

/* One document being read. */
struct ij {
	struct imp_scen *s;
	const char *file;
};

/*
 * Parse buf as one JSON document.  A syntax error is reported as
 * "FILE:LINE:COLUMN: $: invalid JSON: <jansson's text>" and NULL returned.
 */
json_t *ij_parse(struct ij *j, const char *buf, size_t len);

/* "$.a" + key -> "$.a.key"; + index -> "$.a[3]" (in the scen's arena). */
const char *ij_key(struct ij *j, const char *path, const char *key);
const char *ij_idx(struct ij *j, const char *path, size_t i);

/* The kind of a value in the messages' words: "a string", "a list", ... */
const char *ij_kind(const json_t *v);

/* Report v (at path) as not what was expected. */
void ij_want(struct ij *j, const char *path, const json_t *v, const char *expected);

/* Getters: the member `key` of object o (at path o_path), checked. */
const char *ij_str(struct ij *j, json_t *o, const char *o_path, const char *key, bool required);
json_t *ij_arr(struct ij *j, json_t *o, const char *o_path, const char *key, bool required);
json_t *ij_obj(struct ij *j, json_t *o, const char *o_path, const char *key, bool required);
/* 1, 0, or dflt when absent (or of the wrong kind: reported). */
int ij_bool(struct ij *j, json_t *o, const char *o_path, const char *key, int dflt);
/* A number, or dflt when absent (or of the wrong kind: reported). */
long ij_long(struct ij *j, json_t *o, const char *o_path, const char *key, long dflt);

/* The object at index i of list a (at a_path); reported and NULL when not an object. */
json_t *ij_item(struct ij *j, json_t *a, const char *a_path, size_t i, const char **item_path);
