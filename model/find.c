/*
 * model/find.c -- the model's lookups by name (model_*_find in
 * model/model.h), and the one scan under them.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "model/internal.h"
#include "model/model.h"

void *
ld_find(const void *arr, size_t n, size_t stride, const char *name, size_t len)
{
	if (arr == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *el = (const char *)arr + i * stride;
		const char *nm = *(const char *const *)el;

		if (nm != NULL && strncmp(nm, name, len) == 0 && nm[len] == '\0')
			return (void *)el;
	}
	return NULL;
}

/* ld_find reads each element's name at offset 0. */
_Static_assert(offsetof(struct model_vpc, name) == 0, "name first");
_Static_assert(offsetof(struct model_endpoint, name) == 0, "name first");
_Static_assert(offsetof(struct model_resolver_endpoint, name) == 0, "name first");
_Static_assert(offsetof(struct model_tunnel, name) == 0, "name first");
_Static_assert(offsetof(struct model_onprem_resolver, name) == 0, "name first");

#define FIND(m, arr, n, name)                                                                      \
	((m) == NULL || (name) == NULL                                                             \
	     ? NULL                                                                                \
	     : ld_find((m)->arr, (m)->n, sizeof(*(m)->arr), (name), strlen(name)))

struct model_vpc *
model_vpc_find(const struct model *m, const char *name)
{
	return FIND(m, vpcs, n_vpcs, name);
}

struct model_endpoint *
model_endpoint_find(const struct model *m, const char *name)
{
	return FIND(m, endpoints, n_endpoints, name);
}

struct model_resolver_endpoint *
model_resolver_endpoint_find(const struct model *m, const char *name)
{
	return FIND(m, resolver_endpoints, n_resolver_endpoints, name);
}

struct model_tunnel *
model_tunnel_find(const struct model *m, const char *name)
{
	return FIND(m, vpn.tunnels, vpn.n_tunnels, name);
}

struct model_onprem_resolver *
model_onprem_resolver_find(const struct model *m, const char *name)
{
	return FIND(m, onprem.resolvers, onprem.n_resolvers, name);
}
