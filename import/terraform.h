/*
 * import/terraform.h -- shared between the Terraform importer's files
 * (import/terraform.c walks the document and resolves references,
 * import/terraform_res.c reads each resource type).
 */
#pragma once

#include <jansson.h>

#include "import/internal.h"

/* One resource instance of the plan's planned values or of the state. */
struct tf_res {
	const char *address; /* "module.spoke.aws_subnet.a[0]" */
	const char *module;  /* "module.spoke", "" for the root module */
	const char *type;    /* "aws_subnet" */
	const char *name;    /* "a" */
	const char *mode;    /* "managed", "data" */
	const char *path;    /* JSONPath of the resource object */
	json_t *values;	     /* known values (NULL when none) */
	const char *vpath;   /* JSONPath of `values` */
	json_t *conf;	     /* its configuration resource (with `expressions`), or NULL */
};

struct tf {
	struct imp_scen *s;
	struct ij j;
	json_t *root;
	json_t *conf_root; /* $.configuration.root_module, or NULL (state) */
	struct tf_res *res;
	size_t n_res, cap_res;
};

/*
 * The object key an attribute links to: its value when known (an id),
 * else the address its configuration expression references; NULL when
 * neither.  vals/exprs are the resource's values and expressions or a
 * nested block's.
 */
const char *tf_link(struct tf *t, struct tf_res *r, json_t *vals, json_t *exprs, const char *vpath,
		    const char *attr);
/* The same for a list attribute (subnet_ids): every id, or every referenced address. */
void tf_links(struct tf *t, struct tf_res *r, json_t *vals, json_t *exprs, const char *vpath,
	      const char *attr, struct imp_strs *out);
/* The expressions of block i of a nested block (`ip_address`, `vpc`, `alias`), or NULL. */
json_t *tf_block_exprs(json_t *exprs, const char *block, size_t i);

/* Read every resource, type by type in linking order (terraform_res.c). */
void tf_read_all(struct tf *t);
