/*
 * model/loader.c -- scenario YAML -> struct model (format v1,
 * docs/scenario.md): the top level of a load.
 *
 * The YAML is first turned into a tree of located nodes (yaml.c); then the
 * root map is walked against top_fields by the schema engine (schema.c),
 * whose F_FN fields hand each section to its own file (load_vpc.c,
 * load_endpoint.c, load_zone.c, load_resolver.c, load_onprem.c, load_vpn.c,
 * load_internet.c, load_expect.c, load_profile.c).  Top-level sections are
 * walked in dependency order (VPCs before endpoints before zones ...),
 * whatever their order in the file, so references resolve as they are
 * read.  Every error is collected with its location; the load fails when
 * there was any.
 *
 * Decisions beyond the format (documented in docs/catalog.md):
 * YAML aliases are rejected; `private_dns_only_for_inbound` defaults to
 * true only with private DNS and a gateway endpoint for the service in the
 * VPC; `zone:<name>` hops prefer private, then public hosted zones, then
 * on-prem, then internet zones; ENIs may not take AWS-reserved subnet
 * addresses; forward `attempts` defaults to the number of `to` addresses.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "model/schema.h"
#include "model/ytree.h"

static const struct field defaults_fields[] = {
    FRANGE("vpce_ttl", F_U32, 0, struct model_defaults, vpce_ttl, NULL, 0, 2147483647),
    FRANGE("record_ttl", F_U32, 0, struct model_defaults, record_ttl, NULL, 0, 2147483647),
    FRANGE("negative_ttl", F_U32, 0, struct model_defaults, negative_ttl, NULL, 0, 2147483647),
    FIELD("nodata_for_other_types", F_BOOL, 0, struct model_defaults, nodata_for_other_types, NULL),
};

void
ld_top_defaults(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_schema_walk(ld, v, path, v->loc, defaults_fields, NFIELDS(defaults_fields),
	               &ld->m->defaults);
}

const char *
ld_account_id(struct ld *ld, const struct ynode *v, const char *path)
{
	if (!ld_want_scalar(ld, v, path, "a 12-digit account id"))
		return NULL;
	if (v->len != 12 || strspn(v->str, "0123456789") != 12) {
		ld_err(ld, v->loc, path, "'%s' is not an account id (expected 12 digits, quoted)",
		       v->str);
		return NULL;
	}
	return ld_strdup(ld, v->str);
}

void
ld_top_account(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	const char *id = ld_account_id(ld, v, path);

	if (id != NULL)
		ld->m->account = id;
}

static const struct field top_fields[] = {
    FIELD("scenario", F_STR, FL_REQ, struct model, scenario, NULL),
    FIELD("description", F_STR, 0, struct model, description, NULL),
    FIELD("region", F_REGION, FL_REQ, struct model, region, NULL),
    FFN("account", 0, ld_top_account),
    FFN("defaults", 0, ld_top_defaults),
    FFN("vpcs", 0, ld_top_vpcs),
    FFN("peerings", 0, ld_top_peerings),
    FFN("endpoints", 0, ld_top_endpoints),
    FFN("hosted_zones", 0, ld_top_hosted_zones),
    FFN("resolver", 0, ld_top_resolver),
    FFN("firewall", 0, ld_top_firewall),
    FFN("profiles", 0, ld_top_profiles),
    FFN("onprem", 0, ld_top_onprem),
    FFN("vpn", 0, ld_top_vpn),
    FFN("internet", 0, ld_top_internet),
    FFN("expect", 0, ld_top_expect),
    FFN("load", 0, ld_top_load),
};

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

		if (ld_is_null(root))
			ld_err(&ld, root->loc, NULL,
			       "empty scenario (expected a map with scenario, region, ...)");
		else
			ld_schema_walk(&ld, root, "", top, top_fields, NFIELDS(top_fields), m);
		ld_addr_dups(&ld);
		ld_vpcdns_check(&ld);
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
