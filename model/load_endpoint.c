/*
 * model/load_endpoint.c -- the `endpoints` section: interface and gateway
 * VPC endpoints, their names (regional, zonal, private DNS) and the rules
 * AWS applies across endpoints of one VPC.
 */
#include "config.h"

#include <string.h>

#include "model/catalog.h"
#include "model/load_ipv6.h"
#include "model/schema.h"

static const struct enum_val endpoint_types[] = {
    {"interface", MODEL_ENDPOINT_INTERFACE},
    {"gateway", MODEL_ENDPOINT_GATEWAY},
    {NULL, 0},
};

static void
ep_service(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;
	bool custom = false;

	if (!ld_want_scalar(ld, v, path, "a service name"))
		return;
	if (catalog_service_split(&ld->m->arena, v->str, &ep->service_region, &ep->service_short,
	                          &custom) != 0) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a service name (expected com.amazonaws.<region>.<service> or "
		       "aws.api.<region>.<service>)",
		       v->str);
		ep->service_region = ep->service_short = NULL;
		return;
	}
	ep->service = ld_strdup(ld, v->str);
}

static void
ep_id(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	((struct model_endpoint *)obj)->id = ld_aws_id(ld, v, path, "vpce-");
}

static void
ep_dns_suffix(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	if (!ld_want_scalar(ld, v, path, "8 lowercase letters or digits"))
		return;
	if (v->len != 8 || strspn(v->str, "abcdefghijklmnopqrstuvwxyz0123456789") != 8) {
		ld_err(ld, v->loc, path,
		       "'%s' is not a DNS suffix (expected 8 lowercase letters or digits)", v->str);
		return;
	}
	((struct model_endpoint *)obj)->dns_suffix = ld_strdup(ld, v->str);
}

static void
ep_dns_names(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;
	char sub[LD_PATH_MAX];

	ep->dns_names = ld_list_alloc(ld, v, path, sizeof(*ep->dns_names));
	if (ep->dns_names == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->kids[i];
		const char *text, *name;
		bool wild;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, it, sub, "a DNS name"))
			continue;
		text = it->str;
		wild = strncmp(text, "*.", 2) == 0;
		name = ld_dname(ld, it, sub, wild ? text + 2 : text);
		if (name == NULL)
			continue;
		ep->dns_names[ep->n_dns_names].name = name;
		ep->dns_names[ep->n_dns_names].wildcard = wild;
		ep->n_dns_names++;
	}
}

static void
ep_enis(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;

	ld_enis(ld, v, path, ep->vpc, &ep->enis, &ep->n_enis, "eni-", ep->name, true);
}

static void
ep_subnets(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	struct model_endpoint *ep = obj;
	char sub[LD_PATH_MAX];

	if (!ld_want_kind(ld, v, path, YN_SEQ) || ep->vpc == NULL)
		return;
	ep->gateway_subnets = ld_alloc(ld, v->n, sizeof(*ep->gateway_subnets));
	if (ep->gateway_subnets == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct model_subnet *s;

		ld_path_index(sub, path, i);
		if (!ld_want_scalar(ld, v->kids[i], sub, "a subnet name"))
			continue;
		s = ld_subnet_of(ld, ep->vpc, v->kids[i], sub);
		if (s != NULL)
			ep->gateway_subnets[ep->n_gateway_subnets++] = s;
	}
}

static const struct field endpoint_fields[] = {
    FENUM("type", FL_REQ, struct model_endpoint, type, NULL, endpoint_types),
    FFN("service", FL_REQ, ep_service),
    FIELD("service_region", F_REGION, 0, struct model_endpoint, cross_region, NULL),
    FIELD("vpc", F_VPC, FL_REQ, struct model_endpoint, vpc, NULL),
    FFN("id", 0, ep_id),
    FFN("dns_suffix", 0, ep_dns_suffix),
    FIELD("private_dns", F_BOOL, 0, struct model_endpoint, private_dns, NULL),
    FIELD("private_dns_only_for_inbound", F_BOOL, 0, struct model_endpoint,
          private_dns_only_for_inbound, NULL),
    FFN("dns_names", 0, ep_dns_names),
    FFN("enis", 0, ep_enis),
    FFN("subnets", 0, ep_subnets),
    FENUM("ip_address_type", 0, struct model_endpoint, ip_address_type, NULL, ld_ip_types),
    FENUM("dns_record_ip_type", 0, struct model_endpoint, dns_record_ip_type, NULL,
          ld_dns_ip_types),
};

/* What ld_top_endpoints keeps of each endpoint for the checks across endpoints. */
struct ep_walk {
	uint64_t *present;
	const struct ynode **vals;
};

static bool
ep_pre(struct ld *ld, const struct ynode *k, const char *sub, void *obj, void *ctx)
{
	((struct model_endpoint *)obj)->type = -1;
	return true;
}

static void
ep_post(struct ld *ld, const struct ynode *k, const struct ynode *val, const char *sub,
        void *obj, uint64_t p, void *ctx)
{
	struct model *m = ld->m;
	struct model_endpoint *ep = obj;
	struct ep_walk *c = ctx;
	char kp[LD_PATH_MAX];

	c->present[m->n_endpoints - 1] = p;
	c->vals[m->n_endpoints - 1] = val;
	if (ep->type == MODEL_ENDPOINT_GATEWAY) {
		static const char *const iface_only[] = {"private_dns",
		                                         "private_dns_only_for_inbound",
		                                         "dns_names", "enis", "service_region"};
		for (size_t j = 0; j < 5; j++) {
			if (p & ld_field_bit(endpoint_fields, NFIELDS(endpoint_fields),
			                     iface_only[j])) {
				ld_path_key(kp, sub, iface_only[j]);
				ld_err(ld, ld_key_loc(val, iface_only[j], k->loc), kp,
				       "only interface endpoints have '%s' (this one is a "
				       "gateway "
				       "endpoint)",
				       iface_only[j]);
			}
		}
		if (ep->service_short != NULL && !catalog_has_gateway(ep->service_short)) {
			ld_path_key(kp, sub, "service");
			ld_err(
			    ld, ld_map_get(val, "service")->loc, kp,
			    "%s has no gateway endpoint (expected s3 or dynamodb, or type: "
			    "interface)",
			    ep->service);
		}
		if (!HAS(p, endpoint_fields, "subnets") && ep->vpc != NULL) {
			ep->gateway_subnets =
			    ld_alloc(ld, ep->vpc->n_subnets, sizeof(*ep->gateway_subnets));
			for (size_t j = 0;
			     ep->gateway_subnets != NULL && j < ep->vpc->n_subnets; j++)
				ep->gateway_subnets[ep->n_gateway_subnets++] =
				    &ep->vpc->subnets[j];
		}
	} else if (ep->type == MODEL_ENDPOINT_INTERFACE) {
		if (HAS(p, endpoint_fields, "subnets")) {
			ld_path_key(kp, sub, "subnets");
			ld_err(ld, ld_key_loc(val, "subnets", k->loc), kp,
			       "only gateway endpoints have 'subnets' (interface endpoints "
			       "have "
			       "'enis')");
		}
		if (!HAS(p, endpoint_fields, "enis"))
			ld_err(ld, k->loc, sub,
			       "missing required key 'enis' (an interface endpoint needs "
			       "<subnet>: <ip> entries)");
		else if (ep->n_enis == 0 && ld_map_get(val, "enis")->kind == YN_MAP &&
		         ld_map_get(val, "enis")->n == 0)
			ld_err(ld, ld_map_get(val, "enis")->loc, sub,
			       "an interface endpoint needs at least one ENI");
		ld_enis_ip_type(ld, val, sub, "enis", HAS(p, endpoint_fields, "ip_address_type"),
		                ep->enis, ep->n_enis, &ep->ip_address_type);
		ep->dns_record_ip_type_given = HAS(p, endpoint_fields, "dns_record_ip_type");
		ld_endpoint_dns_ip_type(ld, ep);
		if (!HAS(p, endpoint_fields, "private_dns"))
			ep->private_dns = true;
		if (ep->private_dns && ep->vpc != NULL &&
		    (!ep->vpc->dns_support || !ep->vpc->dns_hostnames)) {
			ld_path_key(kp, sub, "private_dns");
			ld_err(ld, ld_key_loc(val, "private_dns", k->loc), kp,
			       "Enabling private DNS requires both enableDnsSupport and "
			       "enableDnsHostnames VPC attributes set to true for %s",
			       ep->vpc->id);
		}
		if (HAS(p, endpoint_fields, "private_dns_only_for_inbound") &&
		    ep->service_short != NULL && !catalog_has_gateway(ep->service_short)) {
			ld_path_key(kp, sub, "private_dns_only_for_inbound");
			ld_err(
			    ld, ld_map_get(val, "private_dns_only_for_inbound")->loc, kp,
			    "only S3 (and DynamoDB) interface endpoints have this option "
			    "(services with a gateway endpoint)");
		}
	}
	if (ep->cross_region != NULL && ep->service_region != NULL &&
	    strcmp(ep->cross_region, ep->service_region) != 0) {
		ld_path_key(kp, sub, "service_region");
		ld_err(ld, ld_map_get(val, "service_region")->loc, kp,
		       "'%s' is not the region of %s (expected %s, the service's region)",
		       ep->cross_region, ep->service, ep->service_region);
	}
	if (ep->id == NULL)
		ep->id = ld_derive_id(ld, "vpce-", "vpce", ep->name);
	if (ep->dns_suffix == NULL)
		ep->dns_suffix = ld_derive_suffix(ld, ep->name);
	if (ep->type == MODEL_ENDPOINT_INTERFACE && ep->service_short != NULL &&
	    ep->id != NULL && ep->dns_suffix != NULL) {
		const char *label = catalog_vpce_label(ep->service_short);

		ep->regional_name = ld_printf(ld, "%s-%s.%s.%s.vpce.amazonaws.com", ep->id,
		                              ep->dns_suffix, label, ep->service_region);
		for (size_t j = 0; j < ep->n_enis; j++)
			if (ep->enis[j].subnet->az != NULL)
				ep->enis[j].zonal_name = ld_printf(
				    ld, "%s-%s-%s.%s.%s.vpce.amazonaws.com", ep->id,
				    ep->dns_suffix, ep->enis[j].subnet->az, label,
				    ep->service_region);
		if (ep->n_dns_names == 0)
			catalog_names(&m->arena, ep->service_short, ep->service_region,
			              &ep->dns_names, &ep->n_dns_names);
	}
}

void
ld_top_endpoints(struct ld *ld, const struct ynode *v, const char *path, void *obj)
{
	static const struct obj_walk w =
	    OBJ_WALK(endpoint_fields, struct model_endpoint, ep_pre, ep_post);
	struct model *m = ld->m;
	char kp[LD_PATH_MAX];
	uint64_t *present;
	const struct ynode **vals;

	m->endpoints = ld_handle_alloc(ld, v, path, sizeof(*m->endpoints));
	present = hns_arena_alloc(&ld->tmp, v->n * sizeof(*present) + 1);
	vals = hns_arena_alloc(&ld->tmp, v->n * sizeof(*vals) + 1);
	if (m->endpoints == NULL || present == NULL || vals == NULL) {
		ld->oom = true;
		return;
	}
	ld_walk_handles(ld, v, path, &w, m->endpoints, &m->n_endpoints,
	                &(struct ep_walk){present, vals});
	/* private_dns_only_for_inbound needs a gateway endpoint for the service in the VPC. */
	for (size_t i = 0; i < m->n_endpoints; i++) {
		struct model_endpoint *ep = &m->endpoints[i];
		bool gw = false, given;

		if (ep->type != MODEL_ENDPOINT_INTERFACE || ep->service_short == NULL ||
		    ep->vpc == NULL || !catalog_has_gateway(ep->service_short))
			continue;
		for (size_t j = 0; j < m->n_endpoints; j++) {
			const struct model_endpoint *g = &m->endpoints[j];

			gw |= g->type == MODEL_ENDPOINT_GATEWAY && g->vpc == ep->vpc &&
			      g->service_short != NULL &&
			      strcmp(g->service_short, ep->service_short) == 0;
		}
		given = HAS(present[i], endpoint_fields, "private_dns_only_for_inbound");
		if (!given) {
			/* Default true with private DNS, where AWS allows it (a gateway exists). */
			ep->private_dns_only_for_inbound = ep->private_dns && gw;
		} else if (ep->private_dns_only_for_inbound && !gw) {
			ld_path_key(kp, path, ep->name);
			ld_path_key(kp, kp, "private_dns_only_for_inbound");
			ld_err(ld, ld_map_get(vals[i], "private_dns_only_for_inbound")->loc, kp,
			       "To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC "
			       "%s must "
			       "have a gateway endpoint for the service.",
			       ep->vpc->id);
		}
	}
	/* Two private-DNS endpoints covering one name in one VPC. */
	for (size_t i = 0; i < m->n_endpoints; i++) {
		struct model_endpoint *ep = &m->endpoints[i];
		bool clash = false;

		if (ep->type != MODEL_ENDPOINT_INTERFACE || !ep->private_dns || ep->vpc == NULL)
			continue;
		for (size_t j = 0; j < i && !clash; j++) {
			const struct model_endpoint *o = &m->endpoints[j];

			if (o->type != MODEL_ENDPOINT_INTERFACE || !o->private_dns ||
			    o->vpc != ep->vpc)
				continue;
			for (size_t a = 0; a < ep->n_dns_names && !clash; a++) {
				for (size_t b = 0; b < o->n_dns_names && !clash; b++) {
					if (strcmp(ep->dns_names[a].name, o->dns_names[b].name) !=
					    0)
						continue;
					ld_path_key(kp, path, ep->name);
					ld_path_key(kp, kp, "private_dns");
					ld_err(ld, ld_key_loc(vals[i], "private_dns", ep->loc), kp,
					       "private-dns-enabled cannot be set because there is "
					       "already "
					       "a conflicting DNS domain for %s in the VPC %s",
					       ep->dns_names[a].name, ep->vpc->id);
					clash = true;
				}
			}
		}
	}
}
