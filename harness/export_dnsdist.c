/*
 * harness/export_dnsdist.c -- `hybridns export --to dnsdist`: Lua for
 * dnsdist.conf.  dnsdist is a proxy, not a resolver: every forward zone is
 * a pool with its own server policy, local zones are Spoof*Action rules,
 * and rules run in the order added, so zones go most specific first.
 *
 *   forward       newServer({pool=<z>}) per target, setPoolServerPolicy
 *                 (sequential firstAvailable, round_robin roundrobin, random
 *                 wrandom), addAction({"<z>."}, PoolAction(<z>))
 *   local zone    SpoofAction (A/AAAA), SpoofCNAMEAction, SpoofRawAction (any
 *                 other type, rdata in wire form); NODATA for names held,
 *                 NXDOMAIN for the rest of the zone
 *   default       upstreams / emulated internet: servers of the default pool;
 *                 internet unmapped: your recursive resolvers (to add);
 *                 refuse: AllRule() RCodeAction(REFUSED)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "common/plural.h"
#include "harness/export_plan.h"
#include "model/model.h"
#include "model/names.h"

/* A Lua string literal: quotes and backslashes escaped, other bytes outside ASCII as \ddd. */
static void
lua_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\%03u", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *
dnsdist_policy(enum model_policy p)
{
	switch (p) {
	case MODEL_POLICY_ROUND_ROBIN:
		return "roundrobin";
	case MODEL_POLICY_RANDOM:
		return "wrandom";
	default:
		return "firstAvailable";
	}
}

static void
dnsdist_server(FILE *out, const struct hns_addr *a, const char *pool, const char *name,
	       const char *check)
{
	char s[HNS_ADDR_STRLEN];

	fprintf(out, "newServer({address=\"%s\"", hns_addr_port_str(a, s, sizeof(s)));
	if (pool != NULL) {
		fprintf(out, ", pool=");
		lua_str(out, pool);
	}
	fprintf(out, ", name=");
	lua_str(out, name);
	if (check != NULL) {
		fprintf(out, ", checkName=");
		lua_str(out, check);
	}
	fprintf(out, "})\n");
}

static void
dnsdist_forward(FILE *out, const struct export_plan *p, size_t i)
{
	const struct model_forward *f = &p->r->forwards[i];
	struct model_timing t; /* the profile's timing, as the emulation's */
	char zone[300], name[340];

	model_forward_timing(p->r, f, &t);
	snprintf(zone, sizeof(zone), "%s.", f->zone);
	fprintf(out, "\n-- forward %s: policy %s; %u ms per try, %u %s (dnsdist's UDP timeout\n"
		     "-- is global: setUDPTimeout)\n",
		zone, model_policy_str(t.policy), t.timeout_ms, t.attempts, HNS_PLURAL(t.attempts, "attempt", "attempts"));
	for (size_t j = 0; j < p->targets[i].n; j++) {
		snprintf(name, sizeof(name), "%s#%zu", f->zone[0] ? f->zone : "root", j + 1);
		dnsdist_server(out, &p->targets[i].addrs[j], zone, name, zone);
	}
	fprintf(out, "setPoolServerPolicy(%s, ", dnsdist_policy(t.policy));
	lua_str(out, zone);
	fprintf(out, ")\naddAction({");
	lua_str(out, zone);
	fprintf(out, "}, PoolAction(");
	lua_str(out, zone);
	fprintf(out, "))\n");
}

/* The rule that selects qname owner (a wildcard "*.x." selects every name below x). */
static void
dnsdist_name_rule(FILE *out, const char *owner)
{
	if (strncmp(owner, "*.", 2) != 0) {
		fprintf(out, "QNameRule(");
		lua_str(out, owner);
		fputc(')', out);
		return;
	}
	fprintf(out, "RegexRule(\"^.+");
	for (const char *s = owner + 1; *s; s++) {
		if (strchr(".^$()[]{}*+?|", *s) != NULL)
			fprintf(out, "\\\\%c", *s);
		else if (*s == '"' || *s == '\\')
			fprintf(out, "\\\\\\%c", *s);
		else
			fputc(*s, out);
	}
	fprintf(out, "$\")");
}

static int
dnsdist_rrset(FILE *out, const ldns_rr **rrs, size_t n)
{
	const ldns_rr *rr = rrs[0];
	ldns_rr_type t = ldns_rr_get_type(rr);
	char owner[600], buf[1024];
	int rc;

	if ((rc = export_rr_owner(rr, owner, sizeof(owner))) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = export_rr_text(rrs[i], buf, sizeof(buf))) != 0)
			return rc;
		fprintf(out, "-- %s\n", buf);
	}
	fprintf(out, "addAction(");
	if (t == LDNS_RR_TYPE_CNAME) {
		dnsdist_name_rule(out, owner);
		if ((rc = export_rr_field(rr, 0, buf, sizeof(buf))) != 0)
			return rc;
		fprintf(out, ", SpoofCNAMEAction(");
		lua_str(out, buf);
		fprintf(out, ", {ttl=%u}))\n", ldns_rr_ttl(rr));
		return 0;
	}
	fprintf(out, "AndRule({");
	dnsdist_name_rule(out, owner);
	fprintf(out, ", QTypeRule(%u)}), ", (unsigned)t);
	if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA) {
		fprintf(out, "SpoofAction({");
		for (size_t i = 0; i < n; i++) {
			if ((rc = export_rr_field(rrs[i], 0, buf, sizeof(buf))) != 0)
				return rc;
			fprintf(out, "%s\"%s\"", i ? ", " : "", buf);
		}
	} else {
		uint8_t wire[65536];

		fprintf(out, "SpoofRawAction({");
		for (size_t i = 0; i < n; i++) {
			size_t wl = sizeof(wire);

			if ((rc = export_rr_wire_rdata(rrs[i], wire, &wl)) != 0)
				return rc;
			fprintf(out, "%s\"", i ? ", " : "");
			for (size_t k = 0; k < wl; k++)
				fprintf(out, "\\%03u", wire[k]);
			fputc('"', out);
		}
	}
	fprintf(out, "}, {ttl=%u}))\n", ldns_rr_ttl(rr));
	return 0;
}

static bool
same_rrset(const ldns_rr *a, const ldns_rr *b)
{
	return ldns_rr_get_type(a) == ldns_rr_get_type(b) &&
	       ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0;
}

static int
dnsdist_zone(FILE *out, const struct model_zone *z)
{
	size_t cap = export_zone_rr_count(z), n, n_alias;
	const ldns_rr **rrs = export_zone_rrs_new(z, &n, &n_alias);
	const ldns_rr **set = calloc(cap, sizeof(*set));
	bool *done = calloc(cap, sizeof(*done));
	char owner[600], zone[300];
	int rc = 0;

	if (rrs == NULL || set == NULL || done == NULL) {
		rc = HNS_ENOMEM;
		goto out;
	}
	snprintf(zone, sizeof(zone), "%s.", z->name);
	fprintf(out, "\n-- local zone %s\n", zone);
	/* Exact names first, wildcards after them, so a name held wins over a wildcard. */
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			size_t ns = 0;

			if (done[i] || (ldns_dname_is_wildcard(ldns_rr_owner(rrs[i])) != 0) != (pass == 1))
				continue;
			for (size_t j = i; j < n; j++) {
				if (!done[j] && same_rrset(rrs[i], rrs[j])) {
					set[ns++] = rrs[j];
					done[j] = true;
				}
			}
			rc = dnsdist_rrset(out, set, ns);
		}
	}
	if (rc != 0)
		goto out;
	fprintf(out, "-- a name held, another type: NODATA; any other name of the zone: NXDOMAIN\n");
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = ldns_dname_compare(ldns_rr_owner(rrs[i]), ldns_rr_owner(rrs[j])) == 0;
		if (seen || (rc = export_rr_owner(rrs[i], owner, sizeof(owner))) != 0)
			continue;
		fprintf(out, "addAction(");
		dnsdist_name_rule(out, owner);
		fprintf(out, ", RCodeAction(DNSRCode.NOERROR))\n");
	}
	fprintf(out, "addAction({");
	lua_str(out, zone);
	fprintf(out, "}, RCodeAction(DNSRCode.NXDOMAIN))\n");
	export_alias_note(out, "--", n_alias, "dnsdist");
out:
	free(rrs);
	free(set);
	free(done);
	return rc;
}

int
export_dnsdist(const struct export_plan *p, FILE *out)
{
	const struct model_onprem_resolver *r = p->r;
	size_t kf = 0, kz = 0;
	char name[64];
	int rc = 0;

	export_header(p, out, "--");
	fprintf(out, "-- Listen where you like: setLocal(\"127.0.0.1:PORT\").  Rules run in order: the\n"
		     "-- most specific zone first, as a longest-suffix match would pick.\n");
	/* Merge the forwards and the local zones, the most specific name first. */
	while ((kf < r->n_forwards || kz < r->n_zones) && rc == 0) {
		const char *fz = kf < r->n_forwards ? r->forwards[p->fwd_order[kf]].zone : NULL;
		const char *lz = kz < r->n_zones ? r->zones[p->zone_order[kz]].name : NULL;

		if (lz == NULL ||
		    (fz != NULL && export_name_labels(fz) >= export_name_labels(lz)))
			dnsdist_forward(out, p, p->fwd_order[kf++]);
		else
			rc = dnsdist_zone(out, &r->zones[p->zone_order[kz++]]);
	}
	if (rc != 0)
		return rc;
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "\n-- default: internet -- dnsdist does not resolve: add your recursive\n"
			     "-- resolvers to the default pool, e.g. newServer({address=\"192.0.2.53\"})\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "\n-- default: %s (the default pool)\n",
			export_default_name(r));
		for (size_t j = 0; j < p->deflt_targets.n; j++) {
			snprintf(name, sizeof(name), "default#%zu", j + 1);
			dnsdist_server(out, &p->deflt_targets.addrs[j], NULL, name, NULL);
		}
		fprintf(out, "setServerPolicy(firstAvailable)\n");
		break;
	case EXPORT_DEFAULT_REFUSE:
		fprintf(out, "\n-- default: refuse\naddAction(AllRule(), RCodeAction(DNSRCode.REFUSED))\n");
		break;
	}
	return 0;
}
