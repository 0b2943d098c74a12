/*
 * import/aws.c -- `hybridns import aws`: AWS CLI `--output json` files,
 * recognised by their top-level key, never by their names.
 *
 * All documents are parsed first; then each kind is read in the order of
 * the table below, so that what links to something finds it already read
 * (subnets before the endpoints in them, endpoints before the ENIs that
 * carry their addresses, zones before their record sets).  This file reads
 * the EC2 outputs; import/aws_route53.c the Route 53 and Resolver ones.
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "import/import.h"
#include "import/internal.h"

/* ----------------------------------------------------------------- tags */

const char *
aws_tag_name(struct ij *j, json_t *o, const char *o_path)
{
	const char *path = ij_key(j, o_path, "Tags");
	json_t *tags = ij_arr(j, o, o_path, "Tags", false);

	for (size_t i = 0; tags != NULL && i < json_array_size(tags); i++) {
		const char *ip;
		json_t *t = ij_item(j, tags, path, i, &ip);
		const char *k = t ? ij_str(j, t, ip, "Key", true) : NULL;

		if (k != NULL && strcmp(k, "Name") == 0)
			return ij_str(j, t, ip, "Value", true);
	}
	return NULL;
}

static struct imp_src
src_of(struct ij *j, const char *path)
{
	return (struct imp_src){j->file, path};
}

/* ------------------------------------------------------------------ EC2 */

void
aws_read_vpcs(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "Vpcs", o, p) {
		const char *id = ij_str(j, o, p, "VpcId", true);
		const char *cidr = ij_str(j, o, p, "CidrBlock", true);
		struct imp_vpc *v;

		if (id == NULL || cidr == NULL)
			continue;
		v = imp_vpc_find(j->s, id);
		if (v == NULL && (v = IMP_PUSH(j->s, j->s->vpcs)) != NULL) {
			v->key = id;
			v->dns_support = v->dns_hostnames = -1;
		}
		if (v == NULL)
			return;
		v->id = id;
		v->cidr = cidr;
		v->name = aws_tag_name(j, o, p);
		v->src = src_of(j, p);
	}
}

void
aws_read_subnets(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "Subnets", o, p) {
		struct imp_subnet *sn;
		const char *id = ij_str(j, o, p, "SubnetId", true);

		if (id == NULL || imp_subnet_find(j->s, id) != NULL || (sn = IMP_PUSH(j->s, j->s->subnets)) == NULL)
			continue;
		sn->key = sn->id = id;
		sn->vpc = ij_str(j, o, p, "VpcId", true);
		sn->az = ij_str(j, o, p, "AvailabilityZone", true);
		sn->cidr = ij_str(j, o, p, "CidrBlock", true);
		sn->name = aws_tag_name(j, o, p);
		sn->src = src_of(j, p);
	}
}

/* {"VpcId": "vpc-…", "EnableDnsSupport": {"Value": true}} (or EnableDnsHostnames). */
void
aws_read_vpc_attribute(struct ij *j, json_t *root)
{
	const char *id = ij_str(j, root, "$", "VpcId", true);
	bool support = json_object_get(root, "EnableDnsSupport") != NULL;
	const char *key = support ? "EnableDnsSupport" : "EnableDnsHostnames";
	json_t *attr = ij_obj(j, root, "$", key, true);
	struct imp_vpc *v = id ? imp_vpc_find(j->s, id) : NULL;
	int val;

	if (id == NULL || attr == NULL)
		return;
	val = ij_bool(j, attr, ij_key(j, "$", key), "Value", -1);
	if (v == NULL) {
		imp_warn(j->s, j->file, "$.VpcId", "VPC %s is not in describe-vpcs; attribute skipped", id);
		return;
	}
	if (support)
		v->dns_support = val;
	else
		v->dns_hostnames = val;
}

void
aws_read_peerings(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "VpcPeeringConnections", o, p) {
		json_t *st = ij_obj(j, o, p, "Status", false);
		const char *code = st ? ij_str(j, st, ij_key(j, p, "Status"), "Code", false) : NULL;
		json_t *req = ij_obj(j, o, p, "RequesterVpcInfo", true);
		json_t *acc = ij_obj(j, o, p, "AccepterVpcInfo", true);
		const char *a, *b;

		if (req == NULL || acc == NULL)
			continue;
		a = ij_str(j, req, ij_key(j, p, "RequesterVpcInfo"), "VpcId", true);
		b = ij_str(j, acc, ij_key(j, p, "AccepterVpcInfo"), "VpcId", true);
		if (a == NULL || b == NULL)
			continue;
		if (code != NULL && strcmp(code, "active") != 0) {
			imp_warn(j->s, j->file, p, "peering %s <-> %s is %s, not active; skipped", a, b, code);
			continue;
		}
		const char **sa = imp_grow(j->s, (void **)&j->s->peer_a.v, &j->s->peer_a.n,
					   &j->s->peer_a.cap, sizeof(char *));
		const char **sb = imp_grow(j->s, (void **)&j->s->peer_b.v, &j->s->peer_b.n,
					   &j->s->peer_b.cap, sizeof(char *));
		if (sa && sb) {
			*sa = a;
			*sb = b;
		}
	}
}

static void
endpoint_dns(struct ij *j, struct imp_endpoint *ep, json_t *o, const char *p)
{
	json_t *d = ij_arr(j, o, p, "DnsEntries", false);
	const char *dp = ij_key(j, p, "DnsEntries");

	for (size_t i = 0; d != NULL && i < json_array_size(d) && ep->dns_suffix == NULL; i++) {
		const char *ip;
		json_t *e = ij_item(j, d, dp, i, &ip);
		const char *name = e ? ij_str(j, e, ip, "DnsName", false) : NULL;

		ep->dns_suffix = imp_vpce_suffix(j->s, ep->id, name);
	}
}

void
aws_read_vpc_endpoints(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "VpcEndpoints", o, p) {
		const char *id = ij_str(j, o, p, "VpcEndpointId", true);
		const char *type = ij_str(j, o, p, "VpcEndpointType", true);
		json_t *subnets = ij_arr(j, o, p, "SubnetIds", false);
		json_t *enis = ij_arr(j, o, p, "NetworkInterfaceIds", false);
		struct imp_endpoint *ep;

		if (id == NULL || type == NULL)
			continue;
		if (strcmp(type, "Interface") != 0 && strcmp(type, "Gateway") != 0) {
			imp_warn(j->s, j->file, ij_key(j, p, "VpcEndpointType"),
				 "%s endpoint %s: only Interface and Gateway endpoints are read; skipped", type, id);
			continue;
		}
		if ((ep = IMP_PUSH(j->s, j->s->endpoints)) == NULL)
			return;
		ep->key = ep->id = id;
		ep->gateway = strcmp(type, "Gateway") == 0;
		ep->service = ij_str(j, o, p, "ServiceName", true);
		ep->vpc = ij_str(j, o, p, "VpcId", true);
		ep->private_dns = ij_bool(j, o, p, "PrivateDnsEnabled", -1);
		ep->name = aws_tag_name(j, o, p);
		ep->src = src_of(j, p);
		endpoint_dns(j, ep, o, p);
		for (size_t i = 0; !ep->gateway && subnets && i < json_array_size(subnets); i++) {
			json_t *s = json_array_get(subnets, i);
			struct imp_eni *e;

			if (!json_is_string(s)) {
				ij_want(j, ij_idx(j, ij_key(j, p, "SubnetIds"), i), s, "a subnet id");
				continue;
			}
			if ((e = IMP_PUSH(j->s, ep->enis)) != NULL)
				e->subnet = imp_strdup(j->s, json_string_value(s));
		}
		for (size_t i = 0; enis && i < json_array_size(enis); i++)
			if (json_is_string(json_array_get(enis, i)))
				imp_strs_add(j->s, &ep->eni_ids, json_string_value(json_array_get(enis, i)));
	}
}

/* The ENI of e's list in `subnet` without an address yet (or with this id); added when none. */
static struct imp_eni *
eni_slot(struct imp_scen *s, struct imp_enis *e, const char *subnet, const char *eni_id)
{
	struct imp_eni *n;

	for (size_t i = 0; i < e->n; i++)
		if (eni_id != NULL && e->v[i].eni_id != NULL && strcmp(e->v[i].eni_id, eni_id) == 0)
			return &e->v[i];
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].ip == NULL && strcmp(e->v[i].subnet, subnet) == 0)
			return &e->v[i];
	if ((n = IMP_PUSH(s, *e)) != NULL)
		n->subnet = subnet;
	return n;
}

/* An interface endpoint's ENI: listed by the endpoint, or described as "VPC Endpoint Interface vpce-…". */
static struct imp_endpoint *
eni_endpoint(struct imp_scen *s, const char *eni_id, const char *desc)
{
	for (size_t i = 0; i < s->endpoints.n; i++) {
		struct imp_endpoint *ep = &s->endpoints.v[i];

		if (eni_id != NULL && imp_strs_has(&ep->eni_ids, eni_id))
			return ep;
		if (desc != NULL && ep->id != NULL && strstr(desc, ep->id) != NULL &&
		    strncmp(desc, "VPC Endpoint Interface ", 23) == 0)
			return ep;
	}
	return NULL;
}

/* "Route 53 Resolver: rslvr-in-0123…:rni-0123…" -> the endpoint id and the rni id. */
static bool
eni_resolver(struct imp_scen *s, const char *desc, const char **rep_id, const char **rni)
{
	static const char prefix[] = "Route 53 Resolver: ";
	const char *colon;

	if (desc == NULL || strncmp(desc, prefix, sizeof(prefix) - 1) != 0)
		return false;
	desc += sizeof(prefix) - 1;
	colon = strchr(desc, ':');
	if (colon == NULL)
		return false;
	*rep_id = hns_arena_strndup(&s->arena, desc, (size_t)(colon - desc));
	*rni = imp_strdup(s, colon + 1);
	return *rep_id != NULL && *rni != NULL;
}

void
aws_read_enis(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "NetworkInterfaces", o, p) {
		const char *id = ij_str(j, o, p, "NetworkInterfaceId", true);
		const char *desc = ij_str(j, o, p, "Description", false);
		const char *subnet = ij_str(j, o, p, "SubnetId", true);
		const char *ip = ij_str(j, o, p, "PrivateIpAddress", true);
		const char *rep_id, *rni;
		struct imp_endpoint *ep = eni_endpoint(j->s, id, desc);
		struct imp_eni *e = NULL;

		if (id == NULL || subnet == NULL || ip == NULL)
			continue;
		if (ep != NULL && !ep->gateway) {
			e = eni_slot(j->s, &ep->enis, subnet, id);
			if (e != NULL)
				e->eni_id = id;
		} else if (eni_resolver(j->s, desc, &rep_id, &rni)) {
			struct imp_rep *r = imp_rep_find(j->s, rep_id);

			if (r == NULL) {
				imp_warn(j->s, j->file, p, "ENI %s belongs to resolver endpoint %s, which is not in "
					 "list-resolver-endpoints; skipped", id, rep_id);
				continue;
			}
			e = eni_slot(j->s, &r->ips, subnet, rni);
			if (e != NULL)
				e->eni_id = rni;
		}
		/* other ENIs (instances, load balancers) are not part of the DNS path */
		if (e != NULL && e->ip == NULL)
			e->ip = ip;
	}
}

void
aws_read_vpn_gateways(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "VpnGateways", o, p) {
		const char *id = ij_str(j, o, p, "VpnGatewayId", true);
		json_t *att = ij_arr(j, o, p, "VpcAttachments", false);
		const char *ap = ij_key(j, p, "VpcAttachments");

		for (size_t i = 0; id && att && i < json_array_size(att); i++) {
			const char *ip;
			json_t *a = ij_item(j, att, ap, i, &ip);
			const char *state = a ? ij_str(j, a, ip, "State", false) : NULL;
			struct imp_vgw *g;

			if (a == NULL || (state != NULL && strcmp(state, "attached") != 0))
				continue;
			if ((g = IMP_PUSH(j->s, j->s->vgws)) != NULL) {
				g->key = id;
				g->vpc = ij_str(j, a, ip, "VpcId", true);
			}
		}
	}
}

static void
vpn_tunnels(struct ij *j, json_t *o, const char *p, const char *prefix)
{
	json_t *tel = ij_arr(j, o, p, "VgwTelemetry", false);
	const char *tp = ij_key(j, p, "VgwTelemetry");
	size_t n = tel ? json_array_size(tel) : 0;
	struct imp_vpn *vpn = &j->s->vpn;

	for (size_t i = 0; i < (n ? n : 2); i++) {
		const char *ip = NULL;
		json_t *t = n ? ij_item(j, tel, tp, i, &ip) : NULL;
		const char *status = t ? ij_str(j, t, ip, "Status", false) : NULL;
		struct imp_tunnel *tn = imp_grow(j->s, (void **)&vpn->tunnels, &vpn->n_tunnels,
						 &vpn->cap_tunnels, sizeof(*tn));

		if (tn == NULL)
			return;
		tn->name = imp_printf(j->s, "%stunnel%zu", prefix, i + 1);
		tn->outside_ip = t ? ij_str(j, t, ip, "OutsideIpAddress", false) : NULL;
		tn->state = status != NULL && strcmp(status, "DOWN") == 0 ? "down" : "up";
		tn->state_guessed = status == NULL;
	}
}

void
aws_read_vpn_connections(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;
	size_t n = json_array_size(json_object_get(root, "VpnConnections"));

	EACH(j, root, "VpnConnections", o, p) {
		const char *id = ij_str(j, o, p, "VpnConnectionId", true);
		const char *state = ij_str(j, o, p, "State", false);
		const char *vgw = ij_str(j, o, p, "VpnGatewayId", false);
		const char *name = aws_tag_name(j, o, p);
		json_t *routes = ij_arr(j, o, p, "Routes", false);

		if (id == NULL || (state != NULL && strcmp(state, "available") != 0)) {
			if (id != NULL)
				imp_warn(j->s, j->file, p, "VPN connection %s is %s; skipped", id, state);
			continue;
		}
		if (vgw == NULL) {
			imp_warn(j->s, j->file, p, "VPN connection %s has no virtual private gateway (a transit "
				 "gateway VPN is not read); skipped", id);
			continue;
		}
		j->s->vpn.present = true;
		imp_strs_add(j->s, &j->s->vpn.gateways, vgw);
		vpn_tunnels(j, o, p, n > 1 ? imp_printf(j->s, "%s-", name ? name : id) : "");
		for (size_t i = 0; routes && i < json_array_size(routes); i++) {
			const char *rp;
			json_t *r = ij_item(j, routes, ij_key(j, p, "Routes"), i, &rp);
			const char *c = r ? ij_str(j, r, rp, "DestinationCidrBlock", false) : NULL;

			imp_strs_add(j->s, &j->s->vpn.onprem_cidrs, c);
		}
	}
}

/* ---------------------------------------------------------- recognition */

struct aws_kind {
	const char *key; /* top-level key that identifies the output */
	const char *command;
	void (*read)(struct ij *j, json_t *root);
};

/* In reading order. */
static const struct aws_kind aws_kinds[] = {
    {"Vpcs", "ec2 describe-vpcs", aws_read_vpcs},
    {"Subnets", "ec2 describe-subnets", aws_read_subnets},
    {"EnableDnsSupport", "ec2 describe-vpc-attribute", aws_read_vpc_attribute},
    {"EnableDnsHostnames", "ec2 describe-vpc-attribute", aws_read_vpc_attribute},
    {"VpcPeeringConnections", "ec2 describe-vpc-peering-connections", aws_read_peerings},
    {"VpcEndpoints", "ec2 describe-vpc-endpoints", aws_read_vpc_endpoints},
    {"ResolverEndpoints", "route53resolver list-resolver-endpoints", aws_read_resolver_endpoints},
    {"NetworkInterfaces", "ec2 describe-network-interfaces", aws_read_enis},
    {"IpAddresses", "route53resolver list-resolver-endpoint-ip-addresses", aws_read_resolver_ips},
    {"ResolverRules", "route53resolver list-resolver-rules", aws_read_resolver_rules},
    {"ResolverRuleAssociations", "route53resolver list-resolver-rule-associations",
     aws_read_rule_associations},
    {"HostedZones", "route53 list-hosted-zones", aws_read_hosted_zones},
    {"HostedZone", "route53 get-hosted-zone", aws_read_hosted_zone},
    {"ResourceRecordSets", "route53 list-resource-record-sets", aws_read_record_sets},
    {"VpnGateways", "ec2 describe-vpn-gateways", aws_read_vpn_gateways},
    {"VpnConnections", "ec2 describe-vpn-connections", aws_read_vpn_connections},
};
#define N_KINDS (sizeof(aws_kinds) / sizeof(aws_kinds[0]))

/* The kind of a parsed document, or -1 (warned: skipped). */
static int
aws_kind_of(struct ij *j, json_t *root)
{
	const char *key;
	json_t *v;

	for (size_t k = 0; k < N_KINDS; k++)
		if (json_object_get(root, aws_kinds[k].key) != NULL)
			return (int)k;
	if (json_object_size(root) == 0) {
		imp_warn(j->s, j->file, "$", "an empty object; skipped");
		return -1;
	}
	json_object_foreach(root, key, v) {
		imp_warn(j->s, j->file, "$", "not an AWS CLI output this importer reads (top-level key "
			 "\"%s\"; see docs/import.md for the ones it does); skipped", key);
		break;
	}
	return -1;
}

struct aws_doc {
	struct ij j;
	json_t *root;
	int kind;
};

static int
aws_run(struct imp_scen *s, struct aws_doc *docs, size_t n, char **out, size_t *len)
{
	for (size_t k = 0; k < N_KINDS; k++)
		for (size_t i = 0; i < n; i++)
			if (docs[i].kind == (int)k)
				aws_kinds[k].read(&docs[i].j, docs[i].root);
	if (s->oom)
		return HNS_ENOMEM;
	if (s->n_errors)
		return HNS_EPARSE;
	return imp_emit(s, out, len);
}

int
import_aws_buffers(const char *const *names, const char *const *bufs, const size_t *lens,
		   size_t n, const struct import_opts *o, FILE *err, char **out, size_t *len)
{
	struct imp_scen s;
	struct aws_doc *docs = calloc(n ? n : 1, sizeof(*docs));
	int rc;

	if (docs == NULL)
		return HNS_ENOMEM;
	imp_scen_init(&s, err);
	s.region = o ? o->region : NULL;
	s.command = o && o->command ? o->command : "hybridns import aws";
	for (size_t i = 0; i < n; i++) {
		docs[i].j = (struct ij){&s, imp_strdup(&s, names[i])};
		docs[i].kind = -1;
		imp_strs_add(&s, &s.sources, names[i]);
		docs[i].root = ij_parse(&docs[i].j, bufs[i], lens[i]);
		if (docs[i].root == NULL)
			continue;
		if (!json_is_object(docs[i].root)) {
			ij_want(&docs[i].j, "$", docs[i].root,
				"an object: the JSON output of one AWS CLI command");
			continue;
		}
		docs[i].kind = aws_kind_of(&docs[i].j, docs[i].root);
	}
	rc = s.n_errors ? HNS_EPARSE : aws_run(&s, docs, n, out, len);
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i].root);
	free(docs);
	imp_scen_deinit(&s);
	return rc;
}

/* ----------------------------------------------------------------- files */

struct file_list {
	char **names, **bufs;
	size_t *lens;
	size_t n, cap;
};

static int
files_add(struct imp_scen *s, struct file_list *l, const char *path)
{
	char *buf;
	size_t len;
	int rc;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **nn = realloc(l->names, nc * sizeof(*nn));
		if (nn != NULL)
			l->names = nn;
		char **nb = realloc(l->bufs, nc * sizeof(*nb));
		if (nb != NULL)
			l->bufs = nb;
		size_t *nl = realloc(l->lens, nc * sizeof(*nl));
		if (nl != NULL)
			l->lens = nl;
		if (nn == NULL || nb == NULL || nl == NULL)
			return HNS_ENOMEM;
		l->cap = nc;
	}
	rc = imp_read_file(s, path, &buf, &len);
	if (rc != 0)
		return rc;
	l->names[l->n] = strdup(path);
	l->bufs[l->n] = buf;
	l->lens[l->n++] = len;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json of a folder, in name order (not recursive). */
static int
files_add_dir(struct imp_scen *s, struct file_list *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (d == NULL) {
		imp_error(s, dir, NULL, "cannot read the folder");
		return HNS_EPARSE;
	}
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name);
		char **nn;

		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL) {
			rc = HNS_ENOMEM;
			break;
		}
		names = nn;
		if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0) {
			rc = HNS_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0 && n == 0)
		imp_warn(s, dir, NULL, "no *.json file in this folder");
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = files_add(s, l, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
import_aws_files(const char *const *paths, size_t n, const struct import_opts *o, FILE *err,
		 char **out, size_t *len)
{
	struct file_list l = {0};
	struct imp_scen s; /* only for the read errors */
	int rc = 0;

	imp_scen_init(&s, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = files_add_dir(&s, &l, paths[i]);
		else
			rc = files_add(&s, &l, paths[i]);
	}
	if (rc == 0)
		rc = import_aws_buffers((const char *const *)l.names, (const char *const *)l.bufs, l.lens,
					l.n, o, err, out, len);
	for (size_t i = 0; i < l.n; i++) {
		free(l.names[i]);
		free(l.bufs[i]);
	}
	free(l.names);
	free(l.bufs);
	free(l.lens);
	imp_scen_deinit(&s);
	return rc;
}
