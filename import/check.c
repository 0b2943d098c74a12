/*
 * import/check.c -- imp_scen_check(): what the sources say, held against
 * the rules of the scenario format, before anything is written.
 *
 * An import must fail on bad input with exit status 2 and the place in
 * the source, not write a scenario that the model then rejects (that is
 * exit status 3, kept for the importer's own bugs).  So the values the
 * loader validates are validated here first, each reported at the object
 * it came from: addresses and CIDRs, a subnet outside its VPC, an address
 * outside its subnet, an AZ of another region, service names, record data
 * (parsed by ldns as the loader does), forward targets.  AWS ids that are
 * not in AWS's form are only left out (the model derives one), with a
 * warning.
 */
#include "config.h"

#include <string.h>

#include <ldns/ldns.h>

#include "common/addr.h"
#include "import/scen.h"
#include "model/catalog.h"

static bool
aws_id_ok(const char *id, const char *prefix)
{
	size_t pl = strlen(prefix), n;

	if (id == NULL || strncmp(id, prefix, pl) != 0)
		return false;
	n = strlen(id + pl);
	return (n == 8 || n == 17) && strspn(id + pl, "0123456789abcdef") == n;
}

/* Keep an id only in AWS's form. */
static const char *
check_id(struct imp_scen *s, const struct imp_src *src, const char *id, const char *prefix)
{
	if (id == NULL || aws_id_ok(id, prefix))
		return id;
	imp_warn(s, src->file, src->path, "'%s' is not an id of the form %s<17 hex digits>; left out", id,
		 prefix);
	return NULL;
}

static bool
check_cidr(struct imp_scen *s, const struct imp_src *src, const char *what, const char *text,
	   struct hns_cidr *out)
{
	if (text != NULL && hns_cidr_parse(text, out) == 0)
		return true;
	imp_error(s, src->file, src->path, "%s '%s' is not a CIDR (expected an address/prefix like 10.0.0.0/16)",
		  what, text ? text : "");
	return false;
}

static void
check_vpcs(struct imp_scen *s)
{
	for (size_t i = 0; i < s->vpcs.n; i++) {
		struct imp_vpc *v = &s->vpcs.v[i];
		struct hns_cidr c;

		v->id = check_id(s, &v->src, v->id, "vpc-");
		check_cidr(s, &v->src, "VPC CIDR", v->cidr, &c);
	}
	for (size_t i = 0; i < s->subnets.n; i++) {
		struct imp_subnet *sn = &s->subnets.v[i];
		struct imp_vpc *v = imp_vpc_find(s, sn->vpc);
		struct hns_cidr c, vc;
		size_t rl = strlen(s->region);

		if (!check_cidr(s, &sn->src, "subnet CIDR", sn->cidr, &c))
			continue;
		if (v != NULL && hns_cidr_parse(v->cidr, &vc) == 0 && !hns_cidr_within(&c, &vc))
			imp_error(s, sn->src.file, sn->src.path, "subnet %s is not inside its VPC's %s",
				  sn->cidr, v->cidr);
		if (v != NULL && v->region == NULL &&
		    (strlen(sn->az) != rl + 1 || strncmp(sn->az, s->region, rl) != 0))
			imp_error(s, sn->src.file, sn->src.path,
				  "availability zone '%s' is not one of region %s (expected %sa, %sb, ...; "
				  "give --region if the sources are of another region)",
				  sn->az, s->region, s->region, s->region);
	}
}

static void
check_enis(struct imp_scen *s, const struct imp_src *src, const struct imp_enis *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct imp_subnet *sn = imp_subnet_find(s, e->v[i].subnet);
		struct hns_cidr c;
		struct hns_addr a;

		if (e->v[i].ip == NULL || sn == NULL)
			continue;
		if (hns_addr_parse(e->v[i].ip, &a) != 0)
			imp_error(s, src->file, src->path, "'%s' is not an IP address", e->v[i].ip);
		else if (hns_cidr_parse(sn->cidr, &c) == 0 && !hns_cidr_contains(&c, &a))
			imp_error(s, src->file, src->path, "address %s is not inside its subnet's %s",
				  e->v[i].ip, sn->cidr);
	}
}

static void
check_endpoints(struct imp_scen *s)
{
	for (size_t i = 0; i < s->endpoints.n; i++) {
		struct imp_endpoint *ep = &s->endpoints.v[i];
		struct imp_vpc *v = imp_vpc_find(s, ep->vpc);
		const char *region, *shrt;
		bool custom;

		ep->id = check_id(s, &ep->src, ep->id, "vpce-");
		if (ep->id == NULL)
			ep->dns_suffix = NULL;
		if (catalog_service_split(&s->arena, ep->service, &region, &shrt, &custom) != 0) {
			imp_error(s, ep->src.file, ep->src.path,
				  "'%s' is not a service name (expected com.amazonaws.<region>.<service>)",
				  ep->service);
			continue;
		}
		if (ep->gateway && !catalog_has_gateway(shrt))
			imp_error(s, ep->src.file, ep->src.path, "%s has no gateway endpoint (expected s3 or dynamodb)",
				  ep->service);
		if (!ep->gateway && ep->private_dns == 1 && v != NULL &&
		    (v->dns_support == 0 || v->dns_hostnames == 0))
			imp_error(s, ep->src.file, ep->src.path,
				  "private DNS is enabled but VPC %s has enableDnsSupport or enableDnsHostnames "
				  "off (AWS requires both)", v->id ? v->id : v->name);
		check_enis(s, &ep->src, &ep->enis);
	}
}

static void
check_resolver(struct imp_scen *s)
{
	for (size_t i = 0; i < s->reps.n; i++) {
		struct imp_rep *r = &s->reps.v[i];

		r->id = check_id(s, &r->src, r->id, r->inbound ? "rslvr-in-" : "rslvr-out-");
		check_enis(s, &r->src, &r->ips);
	}
	for (size_t i = 0; i < s->rules.n; i++) {
		struct imp_rule *r = &s->rules.v[i];
		ldns_rdf *d = NULL;

		r->id = check_id(s, &r->src, r->id, "rslvr-rr-");
		if (r->domain == NULL || ldns_str2rdf_dname(&d, *r->domain ? r->domain : ".") != LDNS_STATUS_OK)
			imp_error(s, r->src.file, r->src.path, "'%s' is not a domain name",
				  r->domain ? r->domain : "");
		ldns_rdf_deep_free(d);
		for (size_t k = 0; k < r->targets.n; k++) {
			struct hns_addr a;

			if (hns_addr_parse_port(r->targets.v[k], &a) != 0)
				imp_error(s, r->src.file, r->src.path, "target '%s' is not an address (expected an IP and "
					  "a port)", r->targets.v[k]);
		}
	}
}

/* Every ordinary record parses as the loader will parse it (ldns, absolute owner). */
static void
check_zones(struct imp_scen *s)
{
	for (size_t i = 0; i < s->zones.n; i++) {
		struct imp_zone *z = &s->zones.v[i];
		ldns_rdf *d = NULL;

		if (strspn(z->name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(z->name) ||
		    ldns_str2rdf_dname(&d, *z->name ? z->name : ".") != LDNS_STATUS_OK)
			imp_error(s, z->src.file, z->src.path,
				  "'%s' is not a zone name this importer writes (expected letters, digits, "
				  "'-', '_' and dots)", z->name);
		ldns_rdf_deep_free(d);
		for (size_t k = 0; k < z->records.n; k++) {
			struct imp_record *r = &z->records.v[k];
			char line[2048];
			ldns_rr *rr = NULL;
			ldns_status st;

			if (strcmp(r->type, "ALIAS") == 0)
				continue;
			snprintf(line, sizeof(line), "%s. %ld IN %s %s", r->owner, r->ttl < 0 ? 300 : r->ttl,
				 r->type, r->rdata);
			st = ldns_rr_new_frm_str(&rr, line, 300, NULL, NULL);
			ldns_rr_free(rr);
			if (st != LDNS_STATUS_OK || strpbrk(r->owner, " \t#;\"") != NULL)
				imp_error(s, z->src.file, z->src.path, "record '%s %s %s' does not parse: %s",
					  r->owner, r->type, r->rdata, ldns_get_errorstr_by_id(st));
		}
	}
}

int
imp_scen_check(struct imp_scen *s)
{
	check_vpcs(s);
	check_endpoints(s);
	check_resolver(s);
	check_zones(s);
	return 0;
}
