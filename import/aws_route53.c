/*
 * import/aws_route53.c -- the Route 53 and Route 53 Resolver outputs of
 * `hybridns import aws` (the EC2 ones and the reading order are in
 * import/aws.c).
 *
 * Two outputs do not name their parent, and are linked so:
 *   - list-resource-record-sets: to the zone named by a top-level
 *     "HostedZoneId" (if the file carries one), else by a hosted zone id
 *     inside the file's name ("records-Z0123….json", as aws-collect.sh
 *     names them), else by the apex SOA record's name, else to the
 *     longest zone that holds every record name; when that leaves two
 *     zones of one name (split horizon) or none, the file is an error.
 *   - list-resolver-endpoint-ip-addresses: each address's IpId ("rni-…")
 *     to the endpoint whose ENI description says
 *     "Route 53 Resolver: rslvr-in-…:rni-…" (describe-network-interfaces),
 *     else to the endpoint whose id is inside the file's name.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "import/internal.h"

/* "/hostedzone/Z0123" -> "Z0123". */
static const char *
zone_id(const char *id)
{
	if (id != NULL && strncmp(id, "/hostedzone/", 12) == 0)
		return id + 12;
	return id;
}

/* A DNS name from Route 53 (escapes such as "\052" for '*' decoded), lower-case, no final dot. */
static const char *
r53_name(struct imp_scen *s, const char *in)
{
	char buf[1024];
	size_t n = 0;

	if (in == NULL)
		return NULL;
	for (const char *c = in; *c && n < sizeof(buf) - 1; c++) {
		if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' && c[2] <= '7' &&
		    c[3] >= '0' && c[3] <= '7') {
			buf[n++] = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
			c += 3;
		} else {
			buf[n++] = *c;
		}
	}
	buf[n] = '\0';
	return imp_dname(s, buf);
}

static struct imp_zone *
zone_add(struct ij *j, json_t *hz, const char *p)
{
	const char *id = zone_id(ij_str(j, hz, p, "Id", true));
	const char *name = r53_name(j->s, ij_str(j, hz, p, "Name", true));
	json_t *cfg = ij_obj(j, hz, p, "Config", false);
	struct imp_zone *z;

	if (id == NULL || name == NULL)
		return NULL;
	z = imp_zone_find(j->s, id);
	if (z == NULL && (z = IMP_PUSH(j->s, j->s->zones)) != NULL) {
		z->key = id;
		z->name = name;
		z->src = (struct imp_src){j->file, p};
	}
	if (z != NULL && cfg != NULL)
		z->private = ij_bool(j, cfg, ij_key(j, p, "Config"), "PrivateZone", 0) == 1;
	return z;
}

void
aws_read_hosted_zones(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "HostedZones", o, p)
		zone_add(j, o, p);
}

/* get-hosted-zone: {"HostedZone": {...}, "VPCs": [{"VPCRegion", "VPCId"}]}. */
void
aws_read_hosted_zone(struct ij *j, json_t *root)
{
	json_t *hz = ij_obj(j, root, "$", "HostedZone", true);
	struct imp_zone *z = hz ? zone_add(j, hz, "$.HostedZone") : NULL;
	json_t *o;
	const char *p;

	if (z == NULL || json_object_get(root, "VPCs") == NULL)
		return;
	EACH(j, root, "VPCs", o, p) {
		imp_strs_add(j->s, &z->vpcs, ij_str(j, o, p, "VPCId", true));
		z->private = true;
	}
}

/* ----------------------------------------------------------- record sets */

static bool
name_in_zone(const char *name, const char *zone)
{
	size_t nl = strlen(name), zl = strlen(zone);

	return strcmp(name, zone) == 0 ||
	       (nl > zl && name[nl - zl - 1] == '.' && strcmp(name + nl - zl, zone) == 0);
}

/* The zone a record-set file belongs to (see the top of this file), or NULL (reported). */
static struct imp_zone *
records_zone(struct ij *j, json_t *root, json_t *sets)
{
	struct imp_scen *s = j->s;
	const char *id = zone_id(ij_str(j, root, "$", "HostedZoneId", false));
	const char *apex = NULL;
	struct imp_zone *found = NULL;
	size_t n_found = 0;

	if (id != NULL) {
		struct imp_zone *z = imp_zone_find(s, id);

		if (z == NULL)
			imp_error(s, j->file, "$.HostedZoneId",
				  "hosted zone %s is not in list-hosted-zones (expected one of its zones)", id);
		return z;
	}
	for (size_t i = 0; i < s->zones.n; i++)
		if (strstr(j->file, s->zones.v[i].key) != NULL)
			return &s->zones.v[i];
	for (size_t i = 0; i < json_array_size(sets) && apex == NULL; i++) {
		json_t *r = json_array_get(sets, i);
		json_t *t = json_object_get(r, "Type");

		if (json_is_string(t) && strcmp(json_string_value(t), "SOA") == 0 &&
		    json_is_string(json_object_get(r, "Name")))
			apex = r53_name(s, json_string_value(json_object_get(r, "Name")));
	}
	for (size_t i = 0; i < s->zones.n; i++) {
		struct imp_zone *z = &s->zones.v[i];
		bool all = apex == NULL;

		for (size_t k = 0; all && k < json_array_size(sets); k++) {
			json_t *nm = json_object_get(json_array_get(sets, k), "Name");

			all = json_is_string(nm) &&
			      name_in_zone(r53_name(s, json_string_value(nm)), z->name);
		}
		if ((apex != NULL && strcmp(apex, z->name) == 0) ||
		    (all && (found == NULL || strlen(z->name) > strlen(found->name)))) {
			n_found = found != NULL && strcmp(found->name, z->name) == 0 ? n_found + 1 : 1;
			found = z;
		}
	}
	if (found == NULL || n_found > 1)
		imp_error(s, j->file, "$.ResourceRecordSets",
			  "%s (expected a top-level \"HostedZoneId\", the zone id in the file name, or the "
			  "records of exactly one zone from list-hosted-zones)",
			  found == NULL ? "no hosted zone of the input holds these records"
					: "two hosted zones of this name hold these records");
	return n_found > 1 ? NULL : found;
}

static void
record_add(struct ij *j, struct imp_zone *z, json_t *r, const char *p)
{
	struct imp_scen *s = j->s;
	const char *owner = r53_name(s, ij_str(j, r, p, "Name", true));
	const char *type = ij_str(j, r, p, "Type", true);
	json_t *alias = ij_obj(j, r, p, "AliasTarget", false);
	json_t *rrs = ij_arr(j, r, p, "ResourceRecords", false);
	long ttl = ij_long(j, r, p, "TTL", -1);

	if (owner == NULL || type == NULL)
		return;
	if (!name_in_zone(owner, z->name)) {
		imp_warn(s, j->file, p, "%s is not inside zone %s; skipped", owner, z->name);
		return;
	}
	if (strcmp(owner, z->name) == 0 && (strcmp(type, "SOA") == 0 || strcmp(type, "NS") == 0))
		return; /* Route 53's own apex records: the model's default SOA stands for them */
	if (alias != NULL) {
		const char *ap = ij_key(j, p, "AliasTarget");
		const char *target = r53_name(s, ij_str(j, alias, ap, "DNSName", true));

		if (target != NULL)
			imp_alias_add(s, z, owner, target, NULL);
		return;
	}
	for (size_t i = 0; rrs != NULL && i < json_array_size(rrs); i++) {
		const char *vp;
		json_t *v = ij_item(j, rrs, ij_key(j, p, "ResourceRecords"), i, &vp);
		const char *val = v ? ij_str(j, v, vp, "Value", true) : NULL;

		if (val != NULL && strchr(val, '\n') == NULL)
			imp_record_add(s, z, owner, ttl, type, val);
	}
}

void
aws_read_record_sets(struct ij *j, json_t *root)
{
	json_t *sets = ij_arr(j, root, "$", "ResourceRecordSets", true);
	struct imp_zone *z;
	json_t *o;
	const char *p;

	if (sets == NULL || (z = records_zone(j, root, sets)) == NULL)
		return;
	EACH(j, root, "ResourceRecordSets", o, p)
		record_add(j, z, o, p);
}

/* -------------------------------------------------------------- resolver */

void
aws_read_resolver_endpoints(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "ResolverEndpoints", o, p) {
		const char *id = ij_str(j, o, p, "Id", true);
		const char *dir = ij_str(j, o, p, "Direction", true);
		struct imp_rep *r;

		if (id == NULL || dir == NULL)
			continue;
		if (strcmp(dir, "INBOUND") != 0 && strcmp(dir, "OUTBOUND") != 0) {
			imp_error(j->s, j->file, ij_key(j, p, "Direction"),
				  "'%s' is not a direction (expected INBOUND or OUTBOUND)", dir);
			continue;
		}
		if (imp_rep_find(j->s, id) != NULL || (r = IMP_PUSH(j->s, j->s->reps)) == NULL)
			continue;
		r->key = r->id = id;
		r->inbound = strcmp(dir, "INBOUND") == 0;
		r->vpc = ij_str(j, o, p, "HostVPCId", false);
		r->name = ij_str(j, o, p, "Name", false);
		r->src = (struct imp_src){j->file, p};
	}
}

/* The endpoint an address of list-resolver-endpoint-ip-addresses belongs to (see the top). */
static struct imp_rep *
ip_owner(struct ij *j, const char *rni)
{
	struct imp_scen *s = j->s;

	for (size_t i = 0; rni != NULL && i < s->reps.n; i++)
		for (size_t k = 0; k < s->reps.v[i].ips.n; k++)
			if (s->reps.v[i].ips.v[k].eni_id && strcmp(s->reps.v[i].ips.v[k].eni_id, rni) == 0)
				return &s->reps.v[i];
	for (size_t i = 0; i < s->reps.n; i++)
		if (strstr(j->file, s->reps.v[i].id) != NULL)
			return &s->reps.v[i];
	return NULL;
}

void
aws_read_resolver_ips(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "IpAddresses", o, p) {
		const char *rni = ij_str(j, o, p, "IpId", false);
		const char *subnet = ij_str(j, o, p, "SubnetId", true);
		const char *ip = ij_str(j, o, p, "Ip", true);
		struct imp_rep *r = ip_owner(j, rni);
		struct imp_eni *e = NULL;

		if (subnet == NULL || ip == NULL)
			continue;
		if (r == NULL) {
			imp_warn(j->s, j->file, p,
				 "cannot tell which resolver endpoint %s belongs to (expected its ENI in "
				 "describe-network-interfaces, or the endpoint id in the file name); skipped",
				 rni ? rni : ip);
			continue;
		}
		for (size_t k = 0; k < r->ips.n && e == NULL; k++)
			if ((rni && r->ips.v[k].eni_id && strcmp(r->ips.v[k].eni_id, rni) == 0) ||
			    (r->ips.v[k].ip && strcmp(r->ips.v[k].ip, ip) == 0))
				e = &r->ips.v[k];
		if (e == NULL && (e = IMP_PUSH(j->s, r->ips)) != NULL) {
			e->subnet = subnet;
			e->eni_id = rni;
		}
		if (e != NULL && e->ip == NULL)
			e->ip = ip;
	}
}

void
aws_read_resolver_rules(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "ResolverRules", o, p) {
		const char *id = ij_str(j, o, p, "Id", true);
		const char *type = ij_str(j, o, p, "RuleType", true);
		json_t *targets = ij_arr(j, o, p, "TargetIps", false);
		struct imp_rule *r;

		if (id == NULL || type == NULL || strcmp(type, "RECURSIVE") == 0)
			continue; /* the built-in "Internet Resolver" rule: what no rule means */
		if (strcmp(type, "FORWARD") != 0 && strcmp(type, "SYSTEM") != 0) {
			imp_error(j->s, j->file, ij_key(j, p, "RuleType"),
				  "'%s' is not a rule type (expected FORWARD, SYSTEM or RECURSIVE)", type);
			continue;
		}
		if ((r = IMP_PUSH(j->s, j->s->rules)) == NULL)
			return;
		r->key = r->id = id;
		r->system = strcmp(type, "SYSTEM") == 0;
		r->domain = imp_dname(j->s, ij_str(j, o, p, "DomainName", true));
		r->name = ij_str(j, o, p, "Name", false);
		r->endpoint = ij_str(j, o, p, "ResolverEndpointId", !r->system);
		r->src = (struct imp_src){j->file, p};
		r->endpoint_src = (struct imp_src){j->file, ij_key(j, p, "ResolverEndpointId")};
		for (size_t i = 0; targets != NULL && i < json_array_size(targets); i++) {
			const char *tp;
			json_t *t = ij_item(j, targets, ij_key(j, p, "TargetIps"), i, &tp);
			const char *ip = t ? ij_str(j, t, tp, "Ip", true) : NULL;
			long port = t ? ij_long(j, t, tp, "Port", 53) : 53;

			if (ip == NULL)
				continue;
			imp_strs_add(j->s, &r->targets,
				     port == 53 ? ip : strchr(ip, ':') ? imp_printf(j->s, "[%s]:%ld", ip, port)
								       : imp_printf(j->s, "%s:%ld", ip, port));
		}
	}
}

void
aws_read_rule_associations(struct ij *j, json_t *root)
{
	json_t *o;
	const char *p;

	EACH(j, root, "ResolverRuleAssociations", o, p) {
		const char *rid = ij_str(j, o, p, "ResolverRuleId", true);
		const char *vpc = ij_str(j, o, p, "VPCId", true);
		struct imp_rule *r = rid ? imp_rule_find(j->s, rid) : NULL;

		if (rid == NULL || vpc == NULL || strncmp(rid, "rslvr-autodefined-", 18) == 0)
			continue;
		if (r == NULL) {
			imp_warn(j->s, j->file, p, "rule %s is not in list-resolver-rules; association skipped",
				 rid);
			continue;
		}
		imp_strs_add(j->s, &r->vpcs, vpc);
	}
}
