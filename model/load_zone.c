/*
 * model/load_zone.c -- zones: the `hosted_zones` section (private and
 * public) and the zone maps of on-prem resolvers and the internet; the
 * record text itself is records.c's.
 */
#include "config.h"

#include <string.h>

#include "model/schema.h"

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

/*
 * A map of zone name -> zone.  Hosted zones are maps ({vpcs, records});
 * on-prem and internet zones are the record text itself.
 */
void
ld_zones(struct ld *ld, const struct ynode *v, const char *path, enum model_zone_kind kind,
         struct model_zone **out, size_t *n)
{
	char sub[LD_PATH_MAX];
	struct model_zone *arr;

	arr = ld_handle_alloc(ld, v, path, sizeof(*arr));
	if (arr == NULL)
		return;
	*out = arr;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->kids[2 * i], *val = v->kids[2 * i + 1];
		struct model_zone *z = &arr[*n];
		long d = ld_map_dup(v, i);

		if (d >= 0) {
			ld_err(ld, k->loc, path, "duplicate key '%s' (first at line %u)", k->str,
			       v->kids[2 * d]->loc.line);
			continue;
		}
		ld_path_key(sub, path, k->str);
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
			ld_schema_walk(ld, val, sub, k->loc, hosted_zone_fields,
			               NFIELDS(hosted_zone_fields), z);
		else if (!ld_is_null(val))
			zone_records(ld, val, sub, z);
		if (records_default_soa(ld, z) != 0)
			ld->oom = true;
	}
}

void
ld_top_hosted_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj)
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
					ld_path_key(sub, path, z->name);
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
