/*
 * import/terraform_res.c -- the AWS provider's resource types that
 * `hybridns import terraform` reads, one reader each, in linking order
 * (the walk and the references are in import/terraform.c).  Attribute
 * names are the provider's (registry.terraform.io/providers/hashicorp/aws).
 */
#include "config.h"

#include <string.h>

#include "import/terraform.h"

static const char *
tf_str(struct tf *t, struct tf_res *r, json_t *v, const char *key)
{
	return ij_str(&t->j, v, r->vpath, key, false);
}

/* tags.Name, tags_all.Name, else "<module>-<name>[-<index>]" from the address. */
static const char *
tf_name(struct tf *t, struct tf_res *r, json_t *v)
{
	static const char *const maps[] = {"tags", "tags_all"};
	const char *mod = strrchr(r->module, '.');
	const char *idx = strrchr(r->address, '[');

	for (size_t i = 0; i < 2; i++) {
		json_t *n = json_object_get(json_object_get(v, maps[i]), "Name");

		if (json_is_string(n))
			return imp_strdup(t->s, json_string_value(n));
	}
	return imp_printf(t->s, "%s%s%s%s%s", mod ? mod + 1 : "", mod ? "-" : "", r->name,
			  idx ? "-" : "", idx ? idx + 1 : "");
}

static struct imp_src
tf_src(struct tf *t, struct tf_res *r)
{
	return (struct imp_src){t->j.file, r->path};
}

/* Nested block i of attribute `block` in values (may be NULL when unknown). */
static json_t *
tf_block(json_t *v, const char *block, size_t i)
{
	json_t *b = json_object_get(v, block);

	return json_is_array(b) ? json_array_get(b, i) : NULL;
}

/* Number of blocks: the larger of the known values and the configuration's. */
static size_t
tf_n_blocks(json_t *v, json_t *x, const char *block)
{
	json_t *vb = json_object_get(v, block), *xb = json_object_get(x, block);
	size_t a = json_is_array(vb) ? json_array_size(vb) : 0;
	size_t b = json_is_array(xb) ? json_array_size(xb) : json_is_object(xb) ? 1 : 0;

	return a > b ? a : b;
}

#define X(r) ((r)->conf ? json_object_get((r)->conf, "expressions") : NULL)

/* ------------------------------------------------------------------ VPC */

static void
tf_vpc(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_vpc *o = IMP_PUSH(t->s, t->s->vpcs);

	if (o == NULL)
		return;
	o->key = r->address;
	o->key2 = o->id = tf_str(t, r, v, "id");
	o->cidr = tf_str(t, r, v, "cidr_block");
	o->dns_support = ij_bool(&t->j, v, r->vpath, "enable_dns_support", -1);
	o->dns_hostnames = ij_bool(&t->j, v, r->vpath, "enable_dns_hostnames", -1);
	o->name = tf_name(t, r, v);
	o->src = tf_src(t, r);
}

static void
tf_subnet(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_subnet *o = IMP_PUSH(t->s, t->s->subnets);

	if (o == NULL)
		return;
	o->key = r->address;
	o->key2 = o->id = tf_str(t, r, v, "id");
	o->vpc = tf_link(t, r, v, X(r), r->vpath, "vpc_id");
	o->az = tf_str(t, r, v, "availability_zone");
	o->cidr = tf_str(t, r, v, "cidr_block");
	o->name = tf_name(t, r, v);
	o->src = tf_src(t, r);
}

static struct tf_res *
tf_res_find(struct tf *t, const char *key)
{
	for (size_t i = 0; key != NULL && i < t->n_res; i++)
		if (strcmp(t->res[i].address, key) == 0)
			return &t->res[i];
	return NULL;
}

/* Options that send the VPC's DNS elsewhere than its +2 resolver are worth a comment. */
static void
tf_dhcp_association(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_vpc *vpc = imp_vpc_find(t->s, tf_link(t, r, v, X(r), r->vpath, "vpc_id"));
	struct tf_res *opt = tf_res_find(t, tf_link(t, r, v, X(r), r->vpath, "dhcp_options_id"));
	json_t *dns = opt ? json_object_get(opt->values, "domain_name_servers") : NULL;
	char buf[512] = "";
	size_t i;
	json_t *e;

	if (vpc == NULL || !json_is_array(dns))
		return;
	json_array_foreach(dns, i, e)
		if (json_is_string(e))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? ", " : "",
				 json_string_value(e));
	if (strcmp(buf, "AmazonProvidedDNS") != 0)
		vpc->note = imp_printf(t->s, "DHCP options (%s): domain-name-servers %s -- instances "
				       "of this VPC do not ask its +2 resolver", opt->address, buf);
}

static void
tf_peering(struct tf *t, struct tf_res *r, json_t *v)
{
	const char *a = tf_link(t, r, v, X(r), r->vpath, "vpc_id");
	const char *b = tf_link(t, r, v, X(r), r->vpath, "peer_vpc_id");
	const char **sa, **sb;

	if (a == NULL || b == NULL) {
		imp_warn(t->s, t->j.file, r->path, "peering %s: a VPC is not known; skipped", r->address);
		return;
	}
	sa = imp_grow(t->s, (void **)&t->s->peer_a.v, &t->s->peer_a.n, &t->s->peer_a.cap, sizeof(char *));
	sb = imp_grow(t->s, (void **)&t->s->peer_b.v, &t->s->peer_b.n, &t->s->peer_b.cap, sizeof(char *));
	if (sa && sb) {
		*sa = a;
		*sb = b;
	}
}

/* ------------------------------------------------------------ endpoints */

static void
tf_endpoint(struct tf *t, struct tf_res *r, json_t *v)
{
	const char *type = tf_str(t, r, v, "vpc_endpoint_type");
	struct imp_strs subnets = {0};
	struct imp_endpoint *o;
	json_t *dns = json_object_get(v, "dns_entry");
	size_t i;
	json_t *e;

	if (type != NULL && strcmp(type, "Interface") != 0 && strcmp(type, "Gateway") != 0) {
		imp_warn(t->s, t->j.file, r->path, "%s endpoint %s: only Interface and Gateway endpoints are "
			 "read; skipped", type, r->address);
		return;
	}
	if ((o = IMP_PUSH(t->s, t->s->endpoints)) == NULL)
		return;
	o->key = r->address;
	o->key2 = o->id = tf_str(t, r, v, "id");
	o->gateway = type == NULL || strcmp(type, "Gateway") == 0; /* the provider's default */
	o->service = tf_str(t, r, v, "service_name");
	o->vpc = tf_link(t, r, v, X(r), r->vpath, "vpc_id");
	o->private_dns = ij_bool(&t->j, v, r->vpath, "private_dns_enabled", -1);
	o->name = tf_name(t, r, v);
	o->src = tf_src(t, r);
	json_array_foreach(dns, i, e)
		if (o->dns_suffix == NULL && json_is_string(json_object_get(e, "dns_name")))
			o->dns_suffix = imp_vpce_suffix(t->s, o->id, json_string_value(json_object_get(e, "dns_name")));
	tf_links(t, r, v, X(r), r->vpath, "subnet_ids", &subnets);
	for (size_t k = 0; !o->gateway && k < subnets.n; k++) {
		struct imp_eni *n = IMP_PUSH(t->s, o->enis);

		if (n != NULL)
			n->subnet = subnets.v[k];
	}
}

static void
tf_endpoint_subnet(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_endpoint *ep = imp_endpoint_find(t->s, tf_link(t, r, v, X(r), r->vpath, "vpc_endpoint_id"));
	const char *subnet = tf_link(t, r, v, X(r), r->vpath, "subnet_id");
	struct imp_eni *n;

	if (ep == NULL || subnet == NULL) {
		imp_warn(t->s, t->j.file, r->path, "%s: its endpoint or subnet is not in the input; skipped",
			 r->address);
		return;
	}
	if ((n = IMP_PUSH(t->s, ep->enis)) != NULL)
		n->subnet = subnet;
}

/* -------------------------------------------------------------- resolver */

static void
tf_resolver_endpoint(struct tf *t, struct tf_res *r, json_t *v)
{
	const char *dir = tf_str(t, r, v, "direction");
	size_t n = tf_n_blocks(v, X(r), "ip_address");
	struct imp_rep *o;

	if (dir == NULL || (strcmp(dir, "INBOUND") != 0 && strcmp(dir, "OUTBOUND") != 0)) {
		imp_error(t->s, t->j.file, ij_key(&t->j, r->vpath, "direction"),
			  "'%s' is not a direction (expected INBOUND or OUTBOUND)", dir ? dir : "");
		return;
	}
	if ((o = IMP_PUSH(t->s, t->s->reps)) == NULL)
		return;
	o->key = r->address;
	o->key2 = o->id = tf_str(t, r, v, "id");
	o->inbound = strcmp(dir, "INBOUND") == 0;
	o->vpc = tf_link(t, r, v, X(r), r->vpath, "host_vpc_id");
	o->name = tf_str(t, r, v, "name");
	if (o->name == NULL)
		o->name = tf_name(t, r, v);
	o->src = tf_src(t, r);
	for (size_t i = 0; i < n; i++) {
		json_t *b = tf_block(v, "ip_address", i);
		const char *bp = ij_idx(&t->j, ij_key(&t->j, r->vpath, "ip_address"), i);
		struct imp_eni *e = IMP_PUSH(t->s, o->ips);

		if (e == NULL)
			return;
		e->subnet = tf_link(t, r, b, tf_block_exprs(X(r), "ip_address", i), bp, "subnet_id");
		e->ip = ij_str(&t->j, b, bp, "ip", false);
		if (e->ip == NULL) {
			json_t *c = json_object_get(tf_block_exprs(X(r), "ip_address", i), "ip");

			if (json_is_string(json_object_get(c, "constant_value")))
				e->ip = imp_strdup(t->s, json_string_value(json_object_get(c, "constant_value")));
		}
		if (e->subnet == NULL)
			o->ips.n--;
	}
}

static void
tf_resolver_rule(struct tf *t, struct tf_res *r, json_t *v)
{
	const char *type = tf_str(t, r, v, "rule_type");
	size_t n = tf_n_blocks(v, X(r), "target_ip");
	struct imp_rule *o;

	if (type == NULL || strcmp(type, "RECURSIVE") == 0)
		return;
	if (strcmp(type, "FORWARD") != 0 && strcmp(type, "SYSTEM") != 0) {
		imp_error(t->s, t->j.file, ij_key(&t->j, r->vpath, "rule_type"),
			  "'%s' is not a rule type (expected FORWARD, SYSTEM or RECURSIVE)", type);
		return;
	}
	if ((o = IMP_PUSH(t->s, t->s->rules)) == NULL)
		return;
	o->key = r->address;
	o->key2 = o->id = tf_str(t, r, v, "id");
	o->system = strcmp(type, "SYSTEM") == 0;
	o->domain = imp_dname(t->s, tf_str(t, r, v, "domain_name"));
	o->name = tf_str(t, r, v, "name");
	if (o->name == NULL)
		o->name = tf_name(t, r, v);
	o->endpoint = tf_link(t, r, v, X(r), r->vpath, "resolver_endpoint_id");
	o->src = tf_src(t, r);
	o->endpoint_src = (struct imp_src){t->j.file, ij_key(&t->j, r->vpath, "resolver_endpoint_id")};
	for (size_t i = 0; i < n; i++) {
		json_t *b = tf_block(v, "target_ip", i);
		const char *bp = ij_idx(&t->j, ij_key(&t->j, r->vpath, "target_ip"), i);
		const char *ip = ij_str(&t->j, b, bp, "ip", false);
		long port = ij_long(&t->j, b, bp, "port", 53);

		if (ip == NULL)
			continue;
		imp_strs_add(t->s, &o->targets, port == 53 ? ip : imp_printf(t->s, "%s:%ld", ip, port));
	}
}

static void
tf_rule_association(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_rule *rule = imp_rule_find(t->s, tf_link(t, r, v, X(r), r->vpath, "resolver_rule_id"));
	const char *vpc = tf_link(t, r, v, X(r), r->vpath, "vpc_id");

	if (rule == NULL || vpc == NULL) {
		imp_warn(t->s, t->j.file, r->path, "%s: its rule or VPC is not in the input; skipped",
			 r->address);
		return;
	}
	imp_strs_add(t->s, &rule->vpcs, vpc);
}

/* --------------------------------------------------------------- Route 53 */

static void
tf_zone(struct tf *t, struct tf_res *r, json_t *v)
{
	size_t n = tf_n_blocks(v, X(r), "vpc");
	struct imp_zone *z = IMP_PUSH(t->s, t->s->zones);

	if (z == NULL)
		return;
	z->key = r->address;
	z->key2 = tf_str(t, r, v, "zone_id");
	z->name = imp_dname(t->s, tf_str(t, r, v, "name"));
	z->src = tf_src(t, r);
	if (z->name == NULL) {
		t->s->zones.n--;
		imp_warn(t->s, t->j.file, r->path, "%s has no name; skipped", r->address);
		return;
	}
	/* `vpc` is a set: the known ids, then whatever the configuration's blocks reference */
	for (size_t i = 0; i < n; i++) {
		const char *bp = ij_idx(&t->j, ij_key(&t->j, r->vpath, "vpc"), i);

		imp_strs_add(t->s, &z->vpcs, tf_link(t, r, tf_block(v, "vpc", i), NULL, bp, "vpc_id"));
		imp_strs_add(t->s, &z->vpcs, tf_link(t, r, NULL, tf_block_exprs(X(r), "vpc", i), bp, "vpc_id"));
		z->private = true;
	}
}

static void
tf_zone_association(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_zone *z = imp_zone_find(t->s, tf_link(t, r, v, X(r), r->vpath, "zone_id"));
	const char *vpc = tf_link(t, r, v, X(r), r->vpath, "vpc_id");
	bool auth = strcmp(r->type, "aws_route53_vpc_association_authorization") == 0;

	if (z == NULL || vpc == NULL) {
		imp_warn(t->s, t->j.file, r->path, "%s: its zone or VPC is not in the input; skipped",
			 r->address);
		return;
	}
	imp_strs_add(t->s, auth ? &z->authorized : &z->vpcs, vpc);
	if (!auth)
		z->private = true;
}

static void
tf_record(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_zone *z = imp_zone_find(t->s, tf_link(t, r, v, X(r), r->vpath, "zone_id"));
	const char *name = imp_dname(t->s, tf_str(t, r, v, "name"));
	const char *type = tf_str(t, r, v, "type");
	json_t *alias = tf_block(v, "alias", 0), *recs = json_object_get(v, "records");
	long ttl = ij_long(&t->j, v, r->vpath, "ttl", -1);
	size_t i;
	json_t *e;

	if (z == NULL || name == NULL || type == NULL) {
		imp_warn(t->s, t->j.file, r->path, "%s: its zone, name or type is not known; skipped", r->address);
		return;
	}
	if (strcmp(name, z->name) != 0 && !(strlen(name) > strlen(z->name) &&
					    strcmp(name + strlen(name) - strlen(z->name), z->name) == 0))
		name = imp_printf(t->s, "%s.%s", name, z->name);
	if (alias != NULL || tf_n_blocks(v, X(r), "alias") > 0) {
		const char *target = imp_dname(t->s, ij_str(&t->j, alias, r->vpath, "name", false));
		const char *ref = target == NULL ? tf_link(t, r, alias, tf_block_exprs(X(r), "alias", 0),
							   r->vpath, "name")
						 : NULL;

		imp_alias_add(t->s, z, name, target, ref);
		return;
	}
	json_array_foreach(recs, i, e)
		if (json_is_string(e))
			imp_record_add(t->s, z, name, ttl, type, json_string_value(e));
}

/* ------------------------------------------------------------------- VPN */

static void
tf_vpn_gateway(struct tf *t, struct tf_res *r, json_t *v)
{
	const char *vpc = tf_link(t, r, v, X(r), r->vpath, "vpc_id");
	const char *gw = strcmp(r->type, "aws_vpn_gateway") == 0
			     ? r->address
			     : tf_link(t, r, v, X(r), r->vpath, "vpn_gateway_id");
	struct imp_vgw *g;

	if (vpc == NULL || gw == NULL || (g = IMP_PUSH(t->s, t->s->vgws)) == NULL)
		return;
	g->key = gw;
	g->vpc = vpc;
}

static void
tf_vpn_connection(struct tf *t, struct tf_res *r, json_t *v)
{
	struct imp_vpn *vpn = &t->s->vpn;
	const char *gw = tf_link(t, r, v, X(r), r->vpath, "vpn_gateway_id");
	json_t *tel = json_object_get(v, "vgw_telemetry");
	size_t n = 0;

	for (size_t i = 0; i < t->n_res; i++)
		n += strcmp(t->res[i].type, "aws_vpn_connection") == 0;
	if (gw == NULL) {
		imp_warn(t->s, t->j.file, r->path, "%s has no virtual private gateway (a transit gateway VPN "
			 "is not read); skipped", r->address);
		return;
	}
	vpn->present = true;
	imp_strs_add(t->s, &vpn->gateways, gw);
	for (size_t i = 0; i < 2; i++) {
		static const char *const outside[] = {"tunnel1_address", "tunnel2_address"};
		struct imp_tunnel *tn = imp_grow(t->s, (void **)&vpn->tunnels, &vpn->n_tunnels,
						 &vpn->cap_tunnels, sizeof(*tn));
		const char *status = NULL, *ip = tf_str(t, r, v, outside[i]);
		size_t k;
		json_t *e;

		if (tn == NULL)
			return;
		/* telemetry is a set: find the tunnel by its outside address */
		json_array_foreach(tel, k, e)
			if (ip != NULL && json_is_string(json_object_get(e, "outside_ip_address")) &&
			    strcmp(json_string_value(json_object_get(e, "outside_ip_address")), ip) == 0 &&
			    json_is_string(json_object_get(e, "status")))
				status = json_string_value(json_object_get(e, "status"));
		tn->name = n > 1 ? imp_printf(t->s, "%s-tunnel%zu", tf_name(t, r, v), i + 1)
				 : imp_printf(t->s, "tunnel%zu", i + 1);
		tn->outside_ip = ip;
		tn->state = status != NULL && strcmp(status, "DOWN") == 0 ? "down" : "up";
		tn->state_guessed = status == NULL;
	}
}

static void
tf_vpn_route(struct tf *t, struct tf_res *r, json_t *v)
{
	imp_strs_add(t->s, &t->s->vpn.onprem_cidrs, tf_str(t, r, v, "destination_cidr_block"));
}

/* ------------------------------------------------------------------ table */

struct tf_kind {
	const char *type;
	void (*read)(struct tf *t, struct tf_res *r, json_t *v); /* NULL: known, nothing to read */
};

/* In reading order: what a resource links to is read before it. */
static const struct tf_kind tf_kinds[] = {
    {"aws_vpc", tf_vpc},
    {"aws_subnet", tf_subnet},
    {"aws_vpc_dhcp_options", NULL}, /* read through its association */
    {"aws_vpc_dhcp_options_association", tf_dhcp_association},
    {"aws_vpc_peering_connection", tf_peering},
    {"aws_vpc_endpoint", tf_endpoint},
    {"aws_vpc_endpoint_subnet_association", tf_endpoint_subnet},
    {"aws_route53_resolver_endpoint", tf_resolver_endpoint},
    {"aws_route53_resolver_rule", tf_resolver_rule},
    {"aws_route53_resolver_rule_association", tf_rule_association},
    {"aws_route53_zone", tf_zone},
    {"aws_route53_zone_association", tf_zone_association},
    {"aws_route53_vpc_association_authorization", tf_zone_association},
    {"aws_route53_record", tf_record},
    {"aws_vpn_gateway", tf_vpn_gateway},
    {"aws_vpn_gateway_attachment", tf_vpn_gateway},
    {"aws_customer_gateway", NULL},
    {"aws_vpn_connection", tf_vpn_connection},
    {"aws_vpn_connection_route", tf_vpn_route},
};
#define N_TF_KINDS (sizeof(tf_kinds) / sizeof(tf_kinds[0]))

void
tf_read_all(struct tf *t)
{
	json_t *empty = json_object();

	for (size_t k = 0; k < N_TF_KINDS; k++)
		for (size_t i = 0; tf_kinds[k].read != NULL && i < t->n_res; i++) {
			struct tf_res *r = &t->res[i];

			if ((r->mode == NULL || strcmp(r->mode, "managed") == 0) &&
			    strcmp(r->type, tf_kinds[k].type) == 0)
				tf_kinds[k].read(t, r, r->values ? r->values : empty);
		}
	/* one warning per resource type that is not read */
	for (size_t i = 0; i < t->n_res; i++) {
		struct tf_res *r = &t->res[i];
		bool known = false, seen = false;

		if (r->mode != NULL && strcmp(r->mode, "managed") != 0)
			continue;
		for (size_t k = 0; k < N_TF_KINDS && !known; k++)
			known = strcmp(r->type, tf_kinds[k].type) == 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(t->res[j].type, r->type) == 0;
		if (!known && !seen)
			imp_warn(t->s, t->j.file, r->path, "resource type %s is not part of the DNS path this "
				 "importer reads; skipped (and every other %s)", r->type, r->type);
	}
	json_decref(empty);
}
