#include "config.h"

#include "resolver/table.h"

void
rslv_table_init(struct rslv_table *t)
{
	dns_nametab_init(&t->nt);
}

void
rslv_table_deinit(struct rslv_table *t)
{
	dns_nametab_deinit(&t->nt);
}

int
rslv_table_put(struct rslv_table *t, uint32_t tag, const uint8_t *name, size_t len, void *val)
{
	return dns_nametab_put(&t->nt, tag, name, len, val);
}

void *
rslv_table_get(const struct rslv_table *t, uint32_t tag, const uint8_t *name, size_t len)
{
	return dns_nametab_get_lower(&t->nt, tag, name, len); /* names are lower case here */
}
