/*
 * model/catalog.c -- lookups in the service catalog (the table is
 * catalog_data.c; docs/catalog.md).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "common/arena.h"
#include "common/error.h"
#include "model/catalog.h"
#include "model/catalog_table.h"
#include "model/model.h"

static const struct catalog_entry *
catalog_lookup(const char *short_name)
{
	for (size_t i = 0; i < catalog_table_n; i++) {
		if (strcmp(catalog_table[i].service, short_name) == 0)
			return &catalog_table[i];
	}
	return NULL;
}

static bool
catalog_flag(const char *short_name, unsigned flag)
{
	const struct catalog_entry *e = catalog_lookup(short_name);

	return e != NULL && (e->flags & flag) != 0;
}

bool
catalog_region_valid(const char *region)
{
	/* letters-and-dashes words, then "-<digits>": eu-west-1, us-gov-west-1, ap-southeast-2 */
	size_t n = strlen(region), i = 0, words = 0;

	if (n < 4 || n > 32)
		return false;
	while (i < n) {
		size_t start = i;

		while (i < n && islower((unsigned char)region[i]))
			i++;
		if (i == start)
			break;
		words++;
		if (i >= n || region[i] != '-')
			return false;
		i++;
	}
	if (words < 2 || i >= n)
		return false;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)region[i]))
			return false;
	}
	return true;
}

/* "com.amazonaws.iam": the service lives in its home region. */
static int
catalog_split_regionless(struct hns_arena *a, const char *name, const char **region,
                         const char **short_name, bool *custom)
{
	*short_name = hns_arena_strdup(a, name);
	*region = hns_arena_strdup(a, CATALOG_REGIONLESS_HOME);
	if (*short_name == NULL || *region == NULL)
		return HNS_ENOMEM;
	*custom = false;
	return 0;
}

int
catalog_service_split(struct hns_arena *a, const char *service, const char **region,
                      const char **short_name, bool *custom)
{
	static const char *const prefixes[] = {"com.amazonaws.vpce.", "com.amazonaws.", "aws.api."};
	for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		size_t pl = strlen(prefixes[p]);

		if (strncmp(service, prefixes[p], pl) != 0)
			continue;
		const char *r = service + pl;
		const char *dot = strchr(r, '.');

		if (dot == NULL && p == 1 && catalog_flag(r, CATALOG_REGIONLESS))
			return catalog_split_regionless(a, r, region, short_name, custom);
		if (dot == NULL || dot == r || dot[1] == '\0')
			return HNS_EINVAL;
		char *reg = hns_arena_strndup(a, r, (size_t)(dot - r));

		if (reg == NULL)
			return HNS_ENOMEM;
		if (!catalog_region_valid(reg))
			return HNS_EINVAL;
		for (const char *c = dot + 1; *c != '\0'; c++) {
			if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
			    *c != '-' && *c != '.')
				return HNS_EINVAL;
		}
		*short_name = hns_arena_strdup(a, dot + 1);
		if (*short_name == NULL)
			return HNS_ENOMEM;
		*region = reg;
		*custom = p == 0;
		return 0;
	}
	return HNS_EINVAL;
}

static char *
catalog_expand(struct hns_arena *a, const char *pattern, const char *region)
{
	const char *r = strstr(pattern, "{r}");

	if (r == NULL)
		return hns_arena_strdup(a, pattern);
	return hns_arena_printf(a, "%.*s%s%s", (int)(r - pattern), pattern, region, r + 3);
}

/* The standard form: "<service>.<region>.amazonaws.com", no wildcard. */
static int
catalog_names_standard(struct hns_arena *a, const char *short_name, const char *region,
                       struct model_service_name **out, size_t *n)
{
	struct model_service_name *v = hns_arena_alloc(a, sizeof(*v));

	if (v == NULL)
		return HNS_ENOMEM;
	v->name = hns_arena_printf(a, "%s.%s.amazonaws.com", short_name, region);
	if (v->name == NULL)
		return HNS_ENOMEM;
	v->wildcard = false;
	*out = v;
	*n = 1;
	return 0;
}

int
catalog_names(struct hns_arena *a, const char *short_name, const char *region,
              struct model_service_name **out, size_t *n)
{
	const struct catalog_entry *e = catalog_lookup(short_name);
	struct model_service_name *v;
	size_t count = 0;

	if (e == NULL)
		return catalog_names_standard(a, short_name, region, out, n);
	while (count < CATALOG_MAX_NAMES && e->names[count].pattern != NULL)
		count++;
	if (count == 0)
		return catalog_names_standard(a, short_name, region, out, n);
	v = hns_arena_alloc(a, count * sizeof(*v));
	if (v == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < count; i++) {
		v[i].name = catalog_expand(a, e->names[i].pattern, region);
		if (v[i].name == NULL)
			return HNS_ENOMEM;
		v[i].wildcard = e->names[i].wildcard;
	}
	*out = v;
	*n = count;
	return 0;
}

const char *
catalog_vpce_label(const char *short_name)
{
	const struct catalog_entry *e = catalog_lookup(short_name);

	return e != NULL && e->vpce_label != NULL ? e->vpce_label : short_name;
}

bool
catalog_has_gateway(const char *short_name)
{
	return catalog_flag(short_name, CATALOG_GATEWAY);
}

bool
catalog_known(const char *short_name)
{
	return catalog_lookup(short_name) != NULL;
}

bool
catalog_cross_region(const char *short_name)
{
	return catalog_flag(short_name, CATALOG_CROSS_REGION);
}

const char *
catalog_regionless_home(const char *short_name)
{
	return catalog_flag(short_name, CATALOG_REGIONLESS) ? CATALOG_REGIONLESS_HOME : NULL;
}

size_t
catalog_count(void)
{
	return catalog_table_n;
}

const char *
catalog_service_at(size_t i)
{
	return i < catalog_table_n ? catalog_table[i].service : NULL;
}
