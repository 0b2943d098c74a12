/*
 * import/write.c -- imp_scen_write(): a finished imp_scen as scenario
 * YAML (format v1, docs/scenario.md), in the format's section order, with
 * a header naming the command and the sources and a `# guessed: why`
 * comment on every value the input did not give.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "import/scen.h"

struct wr {
	struct imp_scen *s;
	FILE *out;
};

/* "key: value" at indent, with "  # guessed: why" when why is set. */
static void
wr_kv(struct wr *w, int indent, const char *key, const char *value, const char *why)
{
	fprintf(w->out, "%*s%s: %s", indent, "", key, value);
	if (why != NULL)
		fprintf(w->out, "  # guessed: %s", why);
	fputc('\n', w->out);
}

static const char *
wr_bool(int v)
{
	return v ? "true" : "false";
}

static const char *
vpc_name(struct imp_scen *s, const char *key)
{
	struct imp_vpc *v = imp_vpc_find(s, key);

	return v != NULL ? v->name : key;
}

/* "[a, b]" of VPC handles. */
static void
wr_vpc_list(struct wr *w, const struct imp_strs *l)
{
	fputc('[', w->out);
	for (size_t i = 0; i < l->n; i++)
		fprintf(w->out, "%s%s", i ? ", " : "", vpc_name(w->s, l->v[i]));
	fputc(']', w->out);
}

static void
wr_header(struct wr *w)
{
	struct imp_scen *s = w->s;

	fprintf(w->out, "# Written by: %s\n", s->command ? s->command : "hybridns import");
	fprintf(w->out, "# Sources:\n");
	for (size_t i = 0; i < s->sources.n; i++)
		fprintf(w->out, "#   %s\n", s->sources.v[i]);
	fprintf(w->out, "# Values not read from the sources carry a \"# guessed:\" comment.\n");
	wr_kv(w, 0, "scenario", "imported", "the sources do not name a scenario");
	wr_kv(w, 0, "region", s->region, s->region_guessed ? "no region in the sources; give --region" : NULL);
}

static void
wr_vpcs(struct wr *w)
{
	struct imp_scen *s = w->s;

	if (s->vpcs.n == 0)
		return;
	fprintf(w->out, "\nvpcs:\n");
	for (size_t i = 0; i < s->vpcs.n; i++) {
		struct imp_vpc *v = &s->vpcs.v[i];
		const char *nodns = "no describe-vpc-attribute output for this VPC; the format's default";

		fprintf(w->out, "  %s:\n", v->name);
		if (v->note != NULL)
			fprintf(w->out, "    # %s\n", v->note);
		if (v->id != NULL)
			wr_kv(w, 4, "id", v->id, NULL);
		wr_kv(w, 4, "cidr", v->cidr, NULL);
		if (v->region != NULL && strcmp(v->region, s->region) != 0)
			wr_kv(w, 4, "region", v->region, NULL);
		wr_kv(w, 4, "dns_support", wr_bool(v->dns_support != 0), v->dns_support < 0 ? nodns : NULL);
		wr_kv(w, 4, "dns_hostnames", wr_bool(v->dns_hostnames != 0),
		      v->dns_hostnames < 0 ? nodns : NULL);
		fprintf(w->out, "    subnets:\n");
		for (size_t j = 0; j < s->subnets.n; j++) {
			struct imp_subnet *sn = &s->subnets.v[j];

			if (imp_vpc_find(s, sn->vpc) != v)
				continue;
			fprintf(w->out, "      %s: {az: %s, cidr: %s}", sn->name, sn->az, sn->cidr);
			if (sn->id != NULL)
				fprintf(w->out, "  # %s", sn->id);
			fputc('\n', w->out);
		}
	}
}

static void
wr_peerings(struct wr *w)
{
	struct imp_scen *s = w->s;
	bool any = false;

	for (size_t i = 0; i < s->peer_a.n && i < s->peer_b.n; i++) {
		struct imp_vpc *a = imp_vpc_find(s, s->peer_a.v[i]), *b = imp_vpc_find(s, s->peer_b.v[i]);

		if (a == NULL || b == NULL || a == b)
			continue;
		if (!any)
			fprintf(w->out, "\npeerings:\n");
		any = true;
		fprintf(w->out, "  - [%s, %s]\n", a->name, b->name);
	}
}

/* `ips:` / `enis:` map: one ENI per subnet (the format's shape); others warned. */
static void
wr_enis(struct wr *w, int indent, const char *key, const struct imp_enis *e, const char *owner)
{
	fprintf(w->out, "%*s%s:\n", indent, "", key);
	for (size_t i = 0; i < e->n; i++) {
		struct imp_subnet *sn = imp_subnet_find(w->s, e->v[i].subnet);
		bool dup = false;

		for (size_t j = 0; j < i; j++)
			dup |= imp_subnet_find(w->s, e->v[j].subnet) == sn;
		if (dup) {
			imp_warn(w->s, NULL, NULL,
				 "%s: a second address in subnet %s (%s) cannot be written (one per subnet); "
				 "dropped",
				 owner, sn->name, e->v[i].ip);
			continue;
		}
		wr_kv(w, indent + 2, sn->name, e->v[i].ip,
		      e->v[i].guessed ? "the source does not give this ENI's address; "
					"the lowest free host of the subnet"
				      : NULL);
	}
}

static void
wr_endpoints(struct wr *w)
{
	struct imp_scen *s = w->s;

	if (s->endpoints.n == 0)
		return;
	fprintf(w->out, "\nendpoints:\n");
	for (size_t i = 0; i < s->endpoints.n; i++) {
		struct imp_endpoint *ep = &s->endpoints.v[i];

		fprintf(w->out, "  %s:\n", ep->name);
		wr_kv(w, 4, "type", ep->gateway ? "gateway" : "interface", NULL);
		wr_kv(w, 4, "service", ep->service, NULL);
		if (ep->id != NULL)
			wr_kv(w, 4, "id", ep->id, NULL);
		if (ep->dns_suffix != NULL && !ep->gateway)
			wr_kv(w, 4, "dns_suffix", ep->dns_suffix, NULL);
		wr_kv(w, 4, "vpc", vpc_name(s, ep->vpc), NULL);
		if (ep->gateway)
			continue;
		wr_kv(w, 4, "private_dns", wr_bool(ep->private_dns != 0),
		      ep->private_dns < 0 ? "not in the source; AWS's default" : NULL);
		wr_enis(w, 4, "enis", &ep->enis, ep->name);
	}
}

static const char *
zone_owner(const char *owner, const char *zone, char *buf, size_t len)
{
	size_t ol = strlen(owner), zl = strlen(zone);

	if (strcmp(owner, zone) == 0)
		return "@";
	if (ol > zl && owner[ol - zl - 1] == '.' && strcmp(owner + ol - zl, zone) == 0) {
		snprintf(buf, len, "%.*s", (int)(ol - zl - 1), owner);
		return buf;
	}
	snprintf(buf, len, "%s.", owner);
	return buf;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct imp_record *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);

	if (c == 0)
		c = strcmp(x->type, y->type);
	if (c == 0 && x->rdata && y->rdata)
		c = strcmp(x->rdata, y->rdata);
	return c;
}

static void
wr_record(struct wr *w, const struct imp_zone *z, const struct imp_record *r)
{
	char ob[512];
	const char *owner = zone_owner(r->owner, z->name, ob, sizeof(ob));

	if (strcmp(r->type, "ALIAS") == 0) {
		struct imp_endpoint *ep = r->alias_key ? imp_endpoint_find(w->s, r->alias_key) : NULL;

		if (ep != NULL && r->alias_az != NULL)
			fprintf(w->out, "      %s ALIAS endpoint:%s@%s\n", owner, ep->name, r->alias_az);
		else if (ep != NULL)
			fprintf(w->out, "      %s ALIAS endpoint:%s\n", owner, ep->name);
		else
			fprintf(w->out, "      %s ALIAS %s.\n", owner, r->rdata);
		return;
	}
	if (r->ttl >= 0)
		fprintf(w->out, "      %s %ld %s %s\n", owner, r->ttl, r->type, r->rdata);
	else
		fprintf(w->out, "      %s %s %s\n", owner, r->type, r->rdata);
}

static void
wr_zones(struct wr *w)
{
	struct imp_scen *s = w->s;

	if (s->zones.n == 0)
		return;
	fprintf(w->out, "\nhosted_zones:\n");
	for (size_t i = 0; i < s->zones.n; i++) {
		struct imp_zone *z = &s->zones.v[i];

		if (i > 0 && strcmp(s->zones.v[i - 1].name, z->name) == 0) {
			imp_warn(s, z->src.file, z->src.path,
				 "a second zone named %s (split horizon) cannot be written; skipped", z->name);
			continue;
		}
		fprintf(w->out, "  %s:\n", z->name);
		if (z->private) {
			fprintf(w->out, "    vpcs: ");
			wr_vpc_list(w, &z->vpcs);
			fputc('\n', w->out);
		}
		for (size_t j = 0; j < z->authorized.n; j++)
			if (!imp_strs_has(&z->vpcs, z->authorized.v[j]))
				fprintf(w->out, "    # %s is authorised to associate but is not associated\n",
					vpc_name(s, z->authorized.v[j]));
		if (z->records.n == 0)
			continue;
		qsort(z->records.v, z->records.n, sizeof(*z->records.v), rec_cmp);
		fprintf(w->out, "    records: |\n");
		for (size_t j = 0; j < z->records.n; j++)
			wr_record(w, z, &z->records.v[j]);
	}
}

static void
wr_resolver(struct wr *w)
{
	struct imp_scen *s = w->s;

	if (s->reps.n == 0 && s->rules.n == 0)
		return;
	fprintf(w->out, "\nresolver:\n");
	if (s->reps.n)
		fprintf(w->out, "  endpoints:\n");
	for (size_t i = 0; i < s->reps.n; i++) {
		struct imp_rep *r = &s->reps.v[i];

		fprintf(w->out, "    %s:\n", r->name);
		wr_kv(w, 6, "direction", r->inbound ? "inbound" : "outbound", NULL);
		wr_kv(w, 6, "vpc", vpc_name(s, r->vpc), NULL);
		if (r->id != NULL)
			wr_kv(w, 6, "id", r->id, NULL);
		wr_enis(w, 6, "ips", &r->ips, r->name);
	}
	if (s->rules.n)
		fprintf(w->out, "  rules:\n");
	for (size_t i = 0; i < s->rules.n; i++) {
		struct imp_rule *r = &s->rules.v[i];
		struct imp_rep *ep = r->system ? NULL : imp_rep_find(s, r->endpoint);

		fprintf(w->out, "    %s:\n", r->name);
		if (r->id != NULL)
			wr_kv(w, 6, "id", r->id, NULL);
		wr_kv(w, 6, "domain", r->domain, NULL);
		wr_kv(w, 6, "type", r->system ? "system" : "forward", NULL);
		if (ep != NULL) {
			wr_kv(w, 6, "endpoint", ep->name, NULL);
			fprintf(w->out, "      targets: [");
			for (size_t j = 0; j < r->targets.n; j++)
				fprintf(w->out, "%s%s", j ? ", " : "", r->targets.v[j]);
			fprintf(w->out, "]\n");
		}
		if (r->vpcs.n > 0) {
			fprintf(w->out, "      vpcs: ");
			wr_vpc_list(w, &r->vpcs);
			fputc('\n', w->out);
		}
	}
}

static void
wr_vpn(struct wr *w)
{
	struct imp_scen *s = w->s;

	if (!s->vpn.present)
		return;
	fprintf(w->out, "\nvpn:\n");
	if (s->vpn.vpcs.n > 0) {
		fprintf(w->out, "  vpcs: ");
		wr_vpc_list(w, &s->vpn.vpcs);
		fputc('\n', w->out);
	}
	fprintf(w->out, "  tunnels:\n");
	for (size_t i = 0; i < s->vpn.n_tunnels; i++) {
		struct imp_tunnel *t = &s->vpn.tunnels[i];

		fprintf(w->out, "    %s:\n", t->name);
		if (t->outside_ip != NULL)
			fprintf(w->out, "      # outside address %s\n", t->outside_ip);
		wr_kv(w, 6, "latency_ms", "10", "no source gives a tunnel's latency; measure and set it");
		wr_kv(w, 6, "state", t->state, t->state_guessed ? "no tunnel status in the source" : NULL);
	}
	if (s->vpn.onprem_cidrs.n > 0) {
		fprintf(w->out, "\nonprem:\n");
		wr_kv(w, 2, "cidr", s->vpn.onprem_cidrs.v[0], NULL);
		for (size_t i = 1; i < s->vpn.onprem_cidrs.n; i++)
			fprintf(w->out, "  # another static route of the VPN: %s\n", s->vpn.onprem_cidrs.v[i]);
	}
}

int
imp_scen_write(struct imp_scen *s, char **out, size_t *len)
{
	struct wr w = {.s = s};
	char *buf = NULL;
	size_t n = 0;

	w.out = open_memstream(&buf, &n);
	if (w.out == NULL)
		return HNS_ENOMEM;
	wr_header(&w);
	wr_vpcs(&w);
	wr_peerings(&w);
	wr_endpoints(&w);
	wr_zones(&w);
	wr_resolver(&w);
	wr_vpn(&w);
	if (fclose(w.out) != 0 || buf == NULL) {
		free(buf);
		return HNS_ENOMEM;
	}
	*out = buf;
	*len = n;
	return 0;
}
