/*
 * import/terraform.c -- `hybridns import terraform`: the JSON of
 * `terraform show -json` of a saved plan or of the state.
 *
 * State keeps its resources under $.values.root_module, a plan its
 * planned ones under $.planned_values.root_module; both nest child modules
 * in `child_modules`, walked to any depth.  Each resource is an object
 * keyed by its address ("module.spoke.aws_vpc.this") and, once known, by
 * its id, so a link may be a real id (state, or a resource a plan does not
 * change) or, for a value known only after apply, the address that the
 * plan's $.configuration names in the attribute's expression `references`
 * ("aws_vpc.shared.id"; "var.vpc_id" followed into the module call's
 * argument, "module.spoke.vpc_id" into the module's output).  The
 * resource readers, one per type, are in import/terraform_res.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "import/import.h"
#include "import/terraform.h"

/* ------------------------------------------------------- configuration */

/* The configuration module of a module address ("module.a.module.b"), or NULL. */
static json_t *
tf_conf_module(struct tf *t, const char *module)
{
	json_t *m = t->conf_root;
	const char *p = module;

	while (m != NULL && p != NULL && *p != '\0') {
		const char *name, *end;
		char buf[256];

		if (strncmp(p, "module.", 7) != 0)
			return NULL;
		name = p + 7;
		end = strstr(name, ".module.");
		snprintf(buf, sizeof(buf), "%.*s", (int)(end ? end - name : (long)strlen(name)), name);
		/* an instance key of a module with count/for_each: module.a["x"] */
		if (strchr(buf, '[') != NULL)
			*strchr(buf, '[') = '\0';
		m = json_object_get(json_object_get(json_object_get(m, "module_calls"), buf), "module");
		p = end ? end + 1 : NULL;
	}
	return m;
}

/* The configuration resource of r ("aws_subnet.a" in its module), or NULL. */
static json_t *
tf_conf_resource(struct tf *t, const struct tf_res *r)
{
	json_t *m = tf_conf_module(t, r->module);
	json_t *list = json_object_get(m, "resources");
	size_t i;
	json_t *c;
	char want[512];

	snprintf(want, sizeof(want), "%s.%s", r->type, r->name);
	json_array_foreach(list, i, c) {
		json_t *a = json_object_get(c, "address");

		if (json_is_string(a) && strcmp(json_string_value(a), want) == 0)
			return c;
	}
	return NULL;
}

/* "module.a.module.b" -> "module.a" (the parent of a module address); "" for a top one. */
static const char *
tf_parent_module(struct tf *t, const char *module)
{
	const char *last = NULL;

	for (const char *p = strstr(module, ".module."); p != NULL; p = strstr(p + 1, ".module."))
		last = p;
	return last ? hns_arena_strndup(&t->s->arena, module, (size_t)(last - module)) : "";
}

/* ----------------------------------------------------------- references */

static const char *tf_resolve_refs(struct tf *t, const char *module, json_t *expr, int depth);

/* The resource address a reference names, resolved in module; NULL when none. */
static const char *
tf_resolve_ref(struct tf *t, const char *module, const char *ref, int depth)
{
	char type[128], name[128];
	const char *idx = NULL;

	if (depth > 16)
		return NULL;
	if (strncmp(ref, "var.", 4) == 0) {
		/* the argument of the module call that made this module */
		json_t *parent = tf_conf_module(t, tf_parent_module(t, module));
		const char *mname = strrchr(module, '.');
		char var[128], call[128];

		if (*module == '\0' || mname == NULL)
			return NULL;
		snprintf(var, sizeof(var), "%s", ref + 4);
		var[strcspn(var, ".[")] = '\0';
		snprintf(call, sizeof(call), "%s", mname + 1);
		call[strcspn(call, "[")] = '\0';
		json_t *args = json_object_get(json_object_get(json_object_get(parent, "module_calls"), call),
					       "expressions");
		return tf_resolve_refs(t, tf_parent_module(t, module), json_object_get(args, var), depth + 1);
	}
	if (strncmp(ref, "module.", 7) == 0) {
		/* module.<m>.<output>: the output's expression inside the child */
		char m[128], out[128];

		if (sscanf(ref + 7, "%127[^.[].%127[^.[]", m, out) != 2)
			return NULL;
		const char *child = *module ? imp_printf(t->s, "%s.module.%s", module, m)
					    : imp_printf(t->s, "module.%s", m);
		json_t *cm = tf_conf_module(t, child);
		json_t *o = json_object_get(json_object_get(json_object_get(cm, "outputs"), out),
					    "expression");
		return tf_resolve_refs(t, child, o, depth + 1);
	}
	if (strncmp(ref, "aws_", 4) != 0 || sscanf(ref, "%127[^.].%127[^.[]", type, name) != 2)
		return NULL; /* data sources, locals, each.value: not a resource of the input */
	idx = ref + strlen(type) + 1 + strlen(name);
	const char *base = *module ? imp_printf(t->s, "%s.%s.%s", module, type, name)
				   : imp_printf(t->s, "%s.%s", type, name);
	if (*idx == '[') {
		const char *close = strchr(idx, ']');
		const char *full = close ? imp_printf(t->s, "%s%.*s", base, (int)(close - idx + 1), idx) : NULL;

		for (size_t i = 0; full && i < t->n_res; i++)
			if (strcmp(t->res[i].address, full) == 0)
				return t->res[i].address;
	}
	for (size_t i = 0; i < t->n_res; i++) {
		size_t bl = strlen(base);

		if (strncmp(t->res[i].address, base, bl) == 0 &&
		    (t->res[i].address[bl] == '\0' || t->res[i].address[bl] == '['))
			return t->res[i].address;
	}
	return NULL;
}

/* The first reference of an expression ({"references": [...]}) that names a resource. */
static const char *
tf_resolve_refs(struct tf *t, const char *module, json_t *expr, int depth)
{
	json_t *refs = json_object_get(expr, "references");
	size_t i;
	json_t *r;

	json_array_foreach(refs, i, r) {
		const char *a = json_is_string(r) ? tf_resolve_ref(t, module, json_string_value(r), depth) : NULL;

		if (a != NULL)
			return a;
	}
	return NULL;
}

/* An id as the address of the resource that has it (its `id` or `zone_id`), else as is. */
static const char *
tf_canonical(struct tf *t, const char *id)
{
	for (size_t i = 0; i < t->n_res; i++) {
		json_t *a = json_object_get(t->res[i].values, "id");
		json_t *b = json_object_get(t->res[i].values, "zone_id");

		if ((json_is_string(a) && strcmp(json_string_value(a), id) == 0) ||
		    (json_is_string(b) && strcmp(json_string_value(b), id) == 0))
			return t->res[i].address;
	}
	return imp_strdup(t->s, id);
}

const char *
tf_link(struct tf *t, struct tf_res *r, json_t *vals, json_t *exprs, const char *vpath,
	const char *attr)
{
	json_t *v = json_object_get(vals, attr);

	if (json_is_string(v) && *json_string_value(v) != '\0')
		return tf_canonical(t, json_string_value(v));
	if (v != NULL && !json_is_null(v) && !json_is_string(v)) {
		ij_want(&t->j, ij_key(&t->j, vpath, attr), v, "a string");
		return NULL;
	}
	return tf_resolve_refs(t, r->module, json_object_get(exprs, attr), 0);
}

void
tf_links(struct tf *t, struct tf_res *r, json_t *vals, json_t *exprs, const char *vpath,
	 const char *attr, struct imp_strs *out)
{
	json_t *v = json_object_get(vals, attr);
	json_t *refs = json_object_get(json_object_get(exprs, attr), "references");
	size_t i;
	json_t *e;

	if (json_is_array(v) && json_array_size(v) > 0) {
		json_array_foreach(v, i, e) {
			if (json_is_string(e))
				imp_strs_add(t->s, out, tf_canonical(t, json_string_value(e)));
			else
				ij_want(&t->j, ij_idx(&t->j, ij_key(&t->j, vpath, attr), i), e, "a string");
		}
		return;
	}
	json_array_foreach(refs, i, e) {
		const char *a = json_is_string(e) ? tf_resolve_ref(t, r->module, json_string_value(e), 0) : NULL;

		imp_strs_add(t->s, out, a);
	}
}

json_t *
tf_block_exprs(json_t *exprs, const char *block, size_t i)
{
	json_t *b = json_object_get(exprs, block);

	return json_is_array(b) ? json_array_get(b, i) : json_is_object(b) && i == 0 ? b : NULL;
}

/* ------------------------------------------------------------- walking */

static int
tf_collect(struct tf *t, json_t *mod, const char *mpath, const char *module)
{
	json_t *list = json_object_get(mod, "resources");
	json_t *kids = json_object_get(mod, "child_modules");
	size_t i;
	json_t *r;

	if (list != NULL && !json_is_array(list))
		ij_want(&t->j, ij_key(&t->j, mpath, "resources"), list, "a list");
	json_array_foreach(list, i, r) {
		const char *rp;
		struct tf_res *res;

		if (ij_item(&t->j, list, ij_key(&t->j, mpath, "resources"), i, &rp) == NULL)
			continue;
		if (hns_grow(&t->res, &t->cap_res, t->n_res, sizeof(*t->res), 64) != 0)
			return HNS_ENOMEM;
		res = &t->res[t->n_res];
		memset(res, 0, sizeof(*res));
		res->path = rp;
		res->address = ij_str(&t->j, r, rp, "address", true);
		res->type = ij_str(&t->j, r, rp, "type", true);
		res->name = ij_str(&t->j, r, rp, "name", true);
		res->mode = ij_str(&t->j, r, rp, "mode", false);
		res->values = ij_obj(&t->j, r, rp, "values", false);
		res->vpath = ij_key(&t->j, rp, "values");
		res->module = module;
		if (res->address == NULL || res->type == NULL || res->name == NULL)
			continue;
		t->n_res++;
	}
	if (kids != NULL && !json_is_array(kids))
		ij_want(&t->j, ij_key(&t->j, mpath, "child_modules"), kids, "a list");
	json_array_foreach(kids, i, r) {
		const char *kp;
		const char *addr;
		int rc;

		if (ij_item(&t->j, kids, ij_key(&t->j, mpath, "child_modules"), i, &kp) == NULL)
			continue;
		addr = ij_str(&t->j, r, kp, "address", true);
		if (addr != NULL && (rc = tf_collect(t, r, kp, addr)) != 0)
			return rc;
	}
	return 0;
}

static void
tf_region(struct tf *t)
{
	json_t *pc = json_object_get(json_object_get(t->root, "configuration"), "provider_config");
	const char *key;
	json_t *p;

	if (t->s->region != NULL)
		return;
	json_object_foreach(pc, key, p) {
		json_t *r = json_object_get(json_object_get(json_object_get(p, "expressions"), "region"),
					    "constant_value");

		if (json_is_string(json_object_get(p, "name")) &&
		    strcmp(json_string_value(json_object_get(p, "name")), "aws") == 0 && json_is_string(r) &&
		    json_object_get(p, "alias") == NULL) {
			t->s->region = imp_strdup(t->s, json_string_value(r));
			return;
		}
	}
}

static int
tf_run(struct tf *t, char **out, size_t *len)
{
	json_t *vals = json_object_get(t->root, "values");
	json_t *planned = json_object_get(t->root, "planned_values");
	const char *top = planned != NULL ? "planned_values" : "values";
	json_t *rootmod;
	int rc;

	if (!json_is_object(t->root)) {
		ij_want(&t->j, "$", t->root, "an object: the output of terraform show -json");
		return HNS_EPARSE;
	}
	if (vals == NULL && planned == NULL) {
		imp_error(t->s, t->j.file, "$",
			  "neither \"values\" nor \"planned_values\" (expected \"values\" (terraform show "
			  "-json of state) or \"planned_values\" (of a saved plan))");
		return HNS_EPARSE;
	}
	t->conf_root = json_object_get(json_object_get(t->root, "configuration"), "root_module");
	rootmod = ij_obj(&t->j, planned ? planned : vals, ij_key(&t->j, "$", top), "root_module", false);
	if (rootmod != NULL && (rc = tf_collect(t, rootmod, imp_printf(t->s, "$.%s.root_module", top), "")) != 0)
		return rc;
	for (size_t i = 0; i < t->n_res; i++)
		t->res[i].conf = tf_conf_resource(t, &t->res[i]);
	tf_region(t);
	tf_read_all(t);
	if (t->s->oom)
		return HNS_ENOMEM;
	if (t->s->n_errors)
		return HNS_EPARSE;
	return imp_emit(t->s, out, len);
}

int
import_terraform_buffer(const char *name, const char *buf, size_t buflen,
			const struct import_opts *o, FILE *err, char **out, size_t *len)
{
	struct imp_scen s;
	struct tf t;
	int rc;

	imp_scen_init(&s, err);
	memset(&t, 0, sizeof(t));
	t.s = &s;
	t.j = (struct ij){&s, imp_strdup(&s, name)};
	s.region = o ? o->region : NULL;
	s.command = o && o->command ? o->command : "hybridns import terraform";
	imp_strs_add(&s, &s.sources, name);
	t.root = ij_parse(&t.j, buf, buflen);
	rc = t.root != NULL ? tf_run(&t, out, len) : HNS_EPARSE;
	json_decref(t.root);
	free(t.res);
	imp_scen_deinit(&s);
	return rc;
}

int
import_terraform_file(const char *path, const struct import_opts *o, FILE *err, char **out,
		      size_t *len)
{
	struct imp_scen s;
	char *buf;
	size_t n;
	int rc;

	imp_scen_init(&s, err);
	rc = imp_read_file(&s, path, &buf, &n);
	imp_scen_deinit(&s);
	if (rc != 0)
		return rc;
	rc = import_terraform_buffer(path, buf, n, o, err, out, len);
	free(buf);
	return rc;
}
