/*
 * model/load_internet.c -- the `internet` section: internet zones and
 * AWS public names.
 */
#include "config.h"

#include "model/schema.h"

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

	if (ld_want_scalar(ld, v, path, "nxdomain"))
		ld_field_set(ld, &f, v, v->str, path, &s);
}

static const struct field internet_fields[] = {
    FFN("zones", 0, inet_zones),
    FIELD("aws_public_names", F_BOOL, 0, struct model_internet, aws_public_names, "true"),
    FFN("default", 0, inet_default),
};

void
ld_top_internet(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	ld_schema_walk(ld, v, path, v->loc, internet_fields, NFIELDS(internet_fields),
	               &ld->m->internet);
}
