#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/addrmap.h"
#include "common/error.h"
#include "common/grow.h"
#include "common/json.h"

static const char *const role_names[HNS_ROLE_MAX] = {
	[HNS_ROLE_ONPREM] = "onprem",
	[HNS_ROLE_INBOUND] = "inbound",
	[HNS_ROLE_OUTBOUND] = "outbound",
	[HNS_ROLE_VPC_DNS] = "vpc-dns",
	[HNS_ROLE_INTERNET] = "internet",
	[HNS_ROLE_RELAY_TO_AWS] = "relay-to-aws",
	[HNS_ROLE_RELAY_TO_ONPREM] = "relay-to-onprem",
};

const char *
hns_role_name(enum hns_role role)
{
	if (role <= 0 || role >= HNS_ROLE_MAX)
		return "?";
	return role_names[role];
}

void
hns_addrmap_init(struct hns_addrmap *m, uint16_t port)
{
	memset(m, 0, sizeof(*m));
	m->port = port;
}

void
hns_addrmap_deinit(struct hns_addrmap *m)
{
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

static bool
virt_equal(const struct hns_addr *a, const struct hns_addr *b)
{
	/* Servers are known by address alone: every emulated one listens on the map's port. */
	if (a->family == 0 || b->family == 0)
		return a->family == b->family;
	return hns_addr_equal(a, b);
}

static const struct hns_addrmap_entry *
find(const struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt, bool any_owner,
     unsigned owner)
{
	static const struct hns_addr none;

	if (virt == NULL)
		virt = &none;
	for (size_t i = 0; i < m->n; i++) {
		const struct hns_addrmap_entry *e = &m->entries[i];

		if (e->role == role && virt_equal(&e->virt, virt) && (any_owner || e->owner == owner))
			return e;
	}
	return NULL;
}

/* Any owner: the first server added at that address. */
const struct hns_addrmap_entry *
hns_addrmap_find(const struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt)
{
	return find(m, role, virt, true, 0);
}

const struct hns_addrmap_entry *
hns_addrmap_find_owned(const struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt,
		       unsigned owner)
{
	return find(m, role, virt, false, owner);
}

const struct hns_addrmap_entry *
hns_addrmap_find_real(const struct hns_addrmap *m, const struct hns_addr *a)
{
	for (size_t i = 0; i < m->n; i++) {
		if (hns_addr_equal(&m->entries[i].real, a) && m->entries[i].real.port == a->port)
			return &m->entries[i];
	}
	return NULL;
}

int
hns_addrmap_add(struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt,
		const char *label, const struct hns_addrmap_entry **out)
{
	return hns_addrmap_add_owned(m, role, virt, 0, label, out);
}

int
hns_addrmap_add_owned(struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt,
		      unsigned owner, const char *label, const struct hns_addrmap_entry **out)
{
	static const struct hns_addr none;
	const struct hns_addrmap_entry *old;
	struct hns_addrmap_entry *e;

	if (role <= 0 || role >= HNS_ROLE_MAX)
		return HNS_EINVAL;
	if (virt == NULL)
		virt = &none;
	old = hns_addrmap_find_owned(m, role, virt, owner);
	if (old != NULL) {
		if (out != NULL)
			*out = old;
		return 0;
	}
	if (m->used[role] >= HNS_ADDRMAP_PER_ROLE)
		return HNS_EFULL;
	if (hns_grow(&m->entries, &m->cap, m->n, sizeof(*m->entries), 32) != 0)
		return HNS_ENOMEM;
	e = &m->entries[m->n++];
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->virt = *virt;
	e->virt.port = 0;
	e->owner = owner;
	hns_addr_from_v4(&e->real, (127u << 24) | (53u << 16) | ((uint32_t)role << 8) | (m->used[role] + 1),
			 m->port);
	m->used[role]++;
	snprintf(e->label, sizeof(e->label), "%s", label ? label : hns_role_name(role));
	if (out != NULL)
		*out = e;
	return 0;
}

void
hns_addrmap_print(const struct hns_addrmap *m, FILE *out)
{
	char v[HNS_ADDR_STRLEN], r[HNS_ADDR_STRLEN];

	for (size_t i = 0; i < m->n; i++) {
		const struct hns_addrmap_entry *e = &m->entries[i];

		fprintf(out, "%-15s %-40s -> %s\n",
			e->virt.family ? hns_addr_port_str(&e->virt, v, sizeof(v)) : "-", e->label,
			hns_addr_port_str(&e->real, r, sizeof(r)));
	}
}

static void
json_str(FILE *out, const char *s)
{
	hns_json_str_write(out, s, strlen(s));
}

void
hns_addrmap_write_json(const struct hns_addrmap *m, FILE *out)
{
	char v[HNS_ADDR_STRLEN], r[HNS_ADDR_STRLEN];

	fprintf(out, "{\"port\": %u, \"entries\": [", m->port);
	for (size_t i = 0; i < m->n; i++) {
		const struct hns_addrmap_entry *e = &m->entries[i];

		fprintf(out, "%s\n  {\"role\": \"%s\", \"virtual\": ", i ? "," : "", hns_role_name(e->role));
		if (e->virt.family)
			json_str(out, hns_addr_port_str(&e->virt, v, sizeof(v)));
		else
			fputs("null", out);
		fprintf(out, ", \"real\": \"%s\", \"label\": ", hns_addr_port_str(&e->real, r, sizeof(r)));
		json_str(out, e->label);
		fputc('}', out);
	}
	fprintf(out, "\n]}\n");
}
