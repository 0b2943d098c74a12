/*
 * model/load_query.c -- what expectations and load profiles share: where a
 * query starts (`from`, parsed by model_from_parse), what it asks
 * (`query`), the faults given (`given`, `down`/`up`), the answer wanted.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <ldns/ldns.h>

#include "model/schema.h"

/* from: onprem | onprem:<r> | vpc:<vpc> | inbound:<ep>[@<subnet>] | internet */
bool
ld_from(struct ld *ld, const struct ynode *v, const char *path, struct model_from *f)
{
	struct model *m = ld->m;
	struct model_from_why why;
	char names[256];
	int nl;

	if (!ld_want_scalar(
	        ld, v, path,
	        "onprem, onprem:<resolver>, vpc:<vpc>, inbound:<endpoint>[@<subnet>] or internet"))
		return false;
	if (model_from_parse(m, v->str, f, &why) == 0)
		return true;
	nl = why.name_len > INT_MAX ? INT_MAX : (int)why.name_len;
	switch (why.problem) {
	case MODEL_FROM_NO_ONPREM:
		ld_err(ld, v->loc, path,
		       "from onprem, but onprem has no resolvers (expected onprem.resolvers)");
		break;
	case MODEL_FROM_NO_RESOLVER:
		ld_err(ld, v->loc, path, "no on-prem resolver named '%.*s' (on-prem resolvers: %s)",
		       nl, why.name,
		       NAMES(names, m->onprem.resolvers, m->onprem.n_resolvers,
		             struct model_onprem_resolver));
		break;
	case MODEL_FROM_NO_VPC:
		ld_err(ld, v->loc, path, "no VPC named '%.*s' (VPCs: %s)", nl, why.name,
		       NAMES(names, m->vpcs, m->n_vpcs, struct model_vpc));
		break;
	case MODEL_FROM_NO_ENDPOINT:
		ld_err(ld, v->loc, path,
		       "no resolver endpoint named '%.*s' (resolver endpoints: %s)", nl, why.name,
		       NAMES(names, m->resolver_endpoints, m->n_resolver_endpoints,
		             struct model_resolver_endpoint));
		break;
	case MODEL_FROM_NOT_INBOUND:
		ld_err(ld, v->loc, path,
		       "%.*s is an outbound endpoint (expected an inbound endpoint)", nl, why.name);
		break;
	case MODEL_FROM_NO_SUBNET:
		ld_err(ld, v->loc, path, "resolver endpoint %.*s has no IP in a subnet named '%s'",
		       nl, why.name, why.subnet);
		break;
	default:
		ld_err(ld, v->loc, path,
		       "'%s' is not a query source (expected onprem, onprem:<resolver>, vpc:<vpc>, "
		       "inbound:<endpoint>[@<subnet>] or internet)",
		       v->str);
		break;
	}
	return false;
}

static struct model_eni *
eni_in_subnet(struct model_eni *enis, size_t n, const char *subnet)
{
	for (size_t i = 0; i < n; i++) {
		if (enis[i].subnet != NULL && strcmp(enis[i].subnet->name, subnet) == 0)
			return &enis[i];
	}
	return NULL;
}

/* tunnel1 | inbound | inbound@private-a | endpoint:api@private-b | onprem:dc1-dns */
bool
ld_fault(struct ld *ld, const struct ynode *v, const char *path, struct model_fault *f)
{
	struct model *m = ld->m;
	char name[256];
	const char *s, *at;

	if (!ld_want_scalar(ld, v, path,
	                    "a tunnel, resolver endpoint[@subnet], endpoint:<name>@<subnet> or "
	                    "onprem:<resolver>"))
		return false;
	s = v->str;
	memset(f, 0, sizeof(*f));
	f->text = ld_strdup(ld, s);
	f->loc = v->loc;
	if (strncmp(s, "onprem:", 7) == 0) {
		f->kind = MODEL_FAULT_ONPREM;
		f->onprem = model_onprem_resolver_find(m, s + 7);
		if (f->onprem == NULL) {
			ld_err(ld, v->loc, path, "no on-prem resolver named '%s'", s + 7);
			return false;
		}
		return true;
	}
	if (strncmp(s, "endpoint:", 9) == 0) {
		s += 9;
		at = strchr(s, '@');
		if (at == NULL || (size_t)(at - s) >= sizeof(name)) {
			ld_err(ld, v->loc, path,
			       "'%s' names no ENI (expected endpoint:<name>@<subnet>)", v->str);
			return false;
		}
		memcpy(name, s, (size_t)(at - s));
		name[at - s] = '\0';
		f->kind = MODEL_FAULT_ENDPOINT_ENI;
		f->endpoint = model_endpoint_find(m, name);
		if (f->endpoint == NULL || f->endpoint->type != MODEL_ENDPOINT_INTERFACE) {
			ld_err(ld, v->loc, path, "no interface endpoint named '%s'", name);
			return false;
		}
		f->eni = eni_in_subnet(f->endpoint->enis, f->endpoint->n_enis, at + 1);
		if (f->eni == NULL) {
			ld_err(ld, v->loc, path, "endpoint %s has no ENI in a subnet named '%s'",
			       name, at + 1);
			return false;
		}
		return true;
	}
	at = strchr(s, '@');
	if (at != NULL) {
		if ((size_t)(at - s) >= sizeof(name))
			goto unknown;
		memcpy(name, s, (size_t)(at - s));
		name[at - s] = '\0';
		f->kind = MODEL_FAULT_RESOLVER_ENI;
		f->resolver_endpoint = model_resolver_endpoint_find(m, name);
		if (f->resolver_endpoint == NULL) {
			ld_err(ld, v->loc, path, "no resolver endpoint named '%s'", name);
			return false;
		}
		f->eni =
		    eni_in_subnet(f->resolver_endpoint->enis, f->resolver_endpoint->n_enis, at + 1);
		if (f->eni == NULL) {
			ld_err(ld, v->loc, path,
			       "resolver endpoint %s has no IP in a subnet named '%s'", name,
			       at + 1);
			return false;
		}
		return true;
	}
	f->tunnel = model_tunnel_find(m, s);
	f->resolver_endpoint = model_resolver_endpoint_find(m, s);
	if (f->tunnel != NULL && f->resolver_endpoint != NULL) {
		ld_err(ld, v->loc, path, "'%s' is ambiguous: both a tunnel and a resolver endpoint",
		       s);
		return false;
	}
	if (f->tunnel != NULL) {
		f->kind = MODEL_FAULT_TUNNEL;
		return true;
	}
	if (f->resolver_endpoint != NULL) {
		f->kind = MODEL_FAULT_RESOLVER_ENDPOINT;
		return true;
	}
unknown:
	ld_err(ld, v->loc, path,
	       "no tunnel or resolver endpoint named '%s' (expected a tunnel, <resolver "
	       "endpoint>[@<subnet>], "
	       "endpoint:<name>@<subnet> or onprem:<resolver>)",
	       s);
	return false;
}

static void
given_down(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_given *g = obj;
	char sub[LD_PATH_MAX];

	if (v->kind == YN_SCALAR) {
		g->down = ld_alloc(ld, 1, sizeof(*g->down));
		if (g->down != NULL && ld_fault(ld, v, path, &g->down[0]))
			g->n_down = 1;
		return;
	}
	g->down = ld_list_alloc(ld, v, path, sizeof(*g->down));
	if (g->down == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		ld_path_index(sub, path, i);
		if (ld_fault(ld, v->kids[i], sub, &g->down[g->n_down]))
			g->n_down++;
	}
}

static const struct field given_fields[] = {
    FFN("down", 0, given_down),
};

void
ld_given(struct ld *ld, const struct ynode *v, const char *path, struct model_given *g)
{
	ld_schema_walk(ld, v, path, v->loc, given_fields, NFIELDS(given_fields), g);
}

/* "<name> [TYPE]" into qname/qtype; `pattern` allows {rand} and {seq} in the name. */
bool
ld_query(struct ld *ld, const struct ynode *v, const char *path, const char **qname,
         uint16_t *qtype, bool pattern)
{
	char name[512], type[64], extra[8], check[512];
	int k;

	if (!ld_want_scalar(ld, v, path, "\"<name> [TYPE]\""))
		return false;
	k = sscanf(v->str, "%511s %63s %7s", name, type, extra);
	if (k < 1 || k > 2 || strlen(v->str) > 500) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a query (expected \"<name> [TYPE]\", e.g. "
		       "\"app.corp.example.com A\")",
		       v->str);
		return false;
	}
	*qtype = LDNS_RR_TYPE_A;
	if (k == 2) {
		for (char *c = type; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		ldns_rr_type t = ldns_get_rr_type_by_name(type);

		if (t == 0) {
			ld_err(ld, v->loc, path,
			       "unknown record type '%s' (expected a type like A, AAAA, TXT or "
			       "TYPE65)",
			       type);
			return false;
		}
		*qtype = (uint16_t)t;
	}
	if (pattern) {
		/* validate with the placeholders filled in */
		size_t o = 0;

		for (const char *c = name; *c != '\0' && o + 2 < sizeof(check);) {
			if (strncmp(c, "{rand}", 6) == 0) {
				check[o++] = 'x';
				c += 6;
			} else if (strncmp(c, "{seq}", 5) == 0) {
				check[o++] = '1';
				c += 5;
			} else {
				check[o++] = *c++;
			}
		}
		check[o] = '\0';
		if (ld_dname(ld, v, path, check) == NULL)
			return false;
		size_t l = strlen(name);

		if (l > 1 && name[l - 1] == '.')
			name[l - 1] = '\0';
		for (char *c = name; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		*qname = ld_strdup(ld, name);
		return *qname != NULL;
	}
	*qname = ld_dname(ld, v, path, name);
	return *qname != NULL;
}

/* answer: list | endpoint:<n> | endpoint:<n>@<az> | public | private | empty | nxdomain */
void
ld_answer(struct ld *ld, const struct ynode *v, const char *path, struct model_answer *a)
{
	static const struct enum_val words[] = {
	    {"public", MODEL_ANSWER_PUBLIC},
	    {"private", MODEL_ANSWER_PRIVATE},
	    {"empty", MODEL_ANSWER_EMPTY},
	    {"nxdomain", MODEL_ANSWER_NXDOMAIN},
	    {NULL, 0},
	};
	char sub[LD_PATH_MAX], name[256], names[256];

	memset(a, 0, sizeof(*a));
	if (v->kind == YN_SEQ) {
		a->kind = MODEL_ANSWER_LIST;
		a->values = ld_alloc(ld, v->n, sizeof(*a->values));
		for (size_t i = 0; i < v->n && a->values != NULL; i++) {
			const struct ynode *it = v->kids[i];
			struct hns_addr ad;
			char buf[HNS_ADDR_STRLEN];

			ld_path_index(sub, path, i);
			if (!ld_want_scalar(ld, it, sub, "an address or a name"))
				continue;
			if (hns_addr_parse(it->str, &ad) == 0) {
				a->values[a->n_values++] =
				    ld_strdup(ld, hns_addr_str(&ad, buf, sizeof(buf)));
			} else {
				char low[512];
				size_t l = strlen(it->str);

				if (l >= sizeof(low))
					l = sizeof(low) - 1;
				for (size_t j = 0; j < l; j++)
					low[j] = (char)tolower((unsigned char)it->str[j]);
				if (l > 1 && low[l - 1] == '.')
					l--;
				low[l] = '\0';
				a->values[a->n_values++] = ld_strdup(ld, low);
			}
		}
		if (v->n == 0)
			a->kind = MODEL_ANSWER_EMPTY;
		return;
	}
	if (!ld_want_scalar(
	        ld, v, path,
	        "a list of values, endpoint:<name>[@<az>], public, private, empty or nxdomain"))
		return;
	for (const struct enum_val *w = words; w->name != NULL; w++) {
		if (strcmp(v->str, w->name) == 0) {
			a->kind = (enum model_answer_kind)w->value;
			return;
		}
	}
	if (strncmp(v->str, "endpoint:", 9) == 0) {
		const char *s = v->str + 9, *at = strchr(s, '@');
		size_t nl = at ? (size_t)(at - s) : strlen(s);

		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, s, nl);
		name[nl] = '\0';
		a->endpoint = model_endpoint_find(ld->m, name);
		if (a->endpoint == NULL || a->endpoint->type != MODEL_ENDPOINT_INTERFACE) {
			ld_err(ld, v->loc, path, "no interface endpoint named '%s' (endpoints: %s)",
			       name,
			       NAMES(names, ld->m->endpoints, ld->m->n_endpoints,
			             struct model_endpoint));
			a->endpoint = NULL;
			return;
		}
		a->kind = MODEL_ANSWER_ENDPOINT;
		if (at != NULL) {
			bool found = false;

			for (size_t i = 0; i < a->endpoint->n_enis; i++)
				found |= a->endpoint->enis[i].subnet->az != NULL &&
				         strcmp(a->endpoint->enis[i].subnet->az, at + 1) == 0;
			if (!found) {
				ld_err(ld, v->loc, path, "endpoint %s has no ENI in %s", name,
				       at + 1);
				return;
			}
			a->kind = MODEL_ANSWER_ENDPOINT_AZ;
			a->az = ld_strdup(ld, at + 1);
		}
		return;
	}
	ld_err(ld, v->loc, path,
	       "'%s' is not an answer (expected a list of values, endpoint:<name>[@<az>], public, "
	       "private, empty or nxdomain)",
	       v->str);
}
