/*
 * harness/export_unbound.c -- `hybridns export --to unbound`: a fragment
 * for unbound.conf (a `server:` clause and `forward-zone:` clauses) to put
 * into the main file with `include:`.
 *
 *   forward       forward-zone: name, forward-addr ip[@port], forward-first: no
 *   local zone    local-zone: "<zone>." static + local-data: "<rr>"
 *   default       internet: Unbound recurses itself (mapped: forward-zone "."
 *                 to the emulated internet); upstreams: forward-zone ".";
 *                 refuse: local-zone "." refuse, forward zones transparent
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "common/plural.h"
#include "dns/wire.h"
#include "harness/export_plan.h"
#include "model/model.h"
#include "model/names.h"

static void
unbound_addr(FILE *out, const struct hns_addr *a)
{
	char s[HNS_ADDR_STRLEN];

	hns_addr_str(a, s, sizeof(s));
	if (a->port != 53)
		fprintf(out, "\tforward-addr: %s@%u\n", s, a->port);
	else
		fprintf(out, "\tforward-addr: %s\n", s);
}

static void
unbound_local_line(FILE *out, const char *line)
{
	if (strchr(line, '"') == NULL)
		fprintf(out, "\tlocal-data: \"%s\"\n", line);
	else if (strchr(line, '\'') == NULL)
		fprintf(out, "\tlocal-data: '%s'\n", line);
	else
		fprintf(out, "\t# cannot quote for unbound.conf (both quote kinds): %s\n", line);
}

static int
unbound_local_data(FILE *out, const ldns_rr *rr)
{
	char line[4096];
	int rc = export_rr_text(rr, line, sizeof(line));

	if (rc == 0)
		unbound_local_line(out, line);
	return rc;
}

/*
 * Unbound's local-data has no wildcards.  "*.X" becomes a redirect zone X
 * (every name under X, and X itself, gets the wildcard's records) when the
 * zone holds no other name at or under X; otherwise it cannot be expressed.
 */
static int
unbound_wildcards(FILE *out, const ldns_rr **rrs, size_t n)
{
	char owner[600], parent[600], other[600], line[4096];
	int rc;

	for (size_t i = 0; i < n; i++) {
		bool first = true, clash = false;

		if (!ldns_dname_is_wildcard(ldns_rr_owner(rrs[i])))
			continue;
		if ((rc = export_rr_owner(rrs[i], owner, sizeof(owner))) != 0)
			return rc;
		for (size_t j = 0; j < i && first; j++)
			first = ldns_dname_compare(ldns_rr_owner(rrs[i]), ldns_rr_owner(rrs[j])) != 0;
		if (!first)
			continue; /* written with the first record of this owner */
		snprintf(parent, sizeof(parent), "%s", owner + 2);
		for (size_t j = 0; j < n && !clash; j++) {
			if (ldns_dname_is_wildcard(ldns_rr_owner(rrs[j])))
				continue;
			if ((rc = export_rr_owner(rrs[j], other, sizeof(other))) != 0)
				return rc;
			clash = dns_str_is_subdomain(other, parent);
		}
		for (size_t j = i; j < n; j++) {
			if (ldns_dname_compare(ldns_rr_owner(rrs[i]), ldns_rr_owner(rrs[j])) != 0)
				continue;
			if ((rc = export_rr_text(rrs[j], line, sizeof(line))) != 0)
				return rc;
			if (clash) {
				fprintf(out, "	# not expressible (Unbound has no wildcard local-data and %s holds other names): %s\n",
					parent, line);
				continue;
			}
			if (j == i) {
				fprintf(out, "	# %s: a redirect zone (Unbound has no wildcard local-data; %s itself answers too)\n",
					owner, parent);
				fprintf(out, "\tlocal-zone: \"%s\" redirect\n", parent);
			}
			/* The record at the parent: drop the "*." of the owner. */
			unbound_local_line(out, line + 2);
		}
	}
	return 0;
}

static int
unbound_zone(FILE *out, const struct model_zone *z, const ldns_rr **rrs, size_t n, size_t n_alias)
{
	int rc = 0;

	fprintf(out, "\t# local zone %s: names it does not hold are NXDOMAIN, other types NODATA\n",
		export_name_shown(z->name));
	fprintf(out, "\tlocal-zone: \"%s.\" static\n", z->name);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!ldns_dname_is_wildcard(ldns_rr_owner(rrs[i])))
			rc = unbound_local_data(out, rrs[i]);
	}
	if (rc == 0)
		rc = unbound_wildcards(out, rrs, n);
	export_alias_note(out, "\t#", n_alias, "Unbound");
	return rc;
}

/* Whether a forward zone must be made transparent so a local zone above it does not answer. */
static bool
unbound_fwd_covered(const struct export_plan *p, const char *zone)
{
	if (p->deflt == EXPORT_DEFAULT_REFUSE)
		return true;
	for (size_t i = 0; i < p->r->n_zones; i++) {
		const char *lz = p->r->zones[i].name;

		if (strcmp(lz, zone) != 0 && dns_str_is_subdomain(zone, lz))
			return true;
	}
	return false;
}

int
export_unbound(const struct export_plan *p, FILE *out)
{
	const struct model_onprem_resolver *r = p->r;
	int rc = 0;

	export_header(p, out, "#");
	fprintf(out, "\nserver:\n");
	if (p->mapped || p->any_loopback) {
		fprintf(out, "\t# the targets are loopback addresses: let Unbound send to them\n");
		fprintf(out, "\tdo-not-query-localhost: no\n");
	}
	if (p->mapped) {
		fprintf(out, "\t# the emulation serves no DNSSEC: no validator\n");
		fprintf(out, "\tmodule-config: \"iterator\"\n");
	}
	if ((rc = export_each_zone(p, out, unbound_zone)) != 0)
		return rc;
	for (size_t k = 0; k < r->n_forwards; k++) {
		const struct model_forward *f = &r->forwards[p->fwd_order[k]];

		if (unbound_fwd_covered(p, f->zone))
			fprintf(out, "\tlocal-zone: \"%s.\" transparent # forwarded below\n", f->zone);
	}
	if (p->deflt == EXPORT_DEFAULT_REFUSE) {
		fprintf(out, "\t# default: refuse -- every name outside the zones above is REFUSED\n");
		fprintf(out, "\tlocal-zone: \".\" refuse\n");
	}

	for (size_t k = 0; k < r->n_forwards; k++) {
		size_t i = p->fwd_order[k];
		const struct model_forward *f = &r->forwards[i];
		struct model_timing t; /* the profile's timing, as the emulation's */

		model_forward_timing(r, f, &t);

		fprintf(out, "\nforward-zone:\n");
		fprintf(out, "\tname: \"%s.\"\n", f->zone);
		fprintf(out,
			"\t# policy %s, %u ms per try, %u %s: Unbound has no per-zone order or\n"
			"\t# timeout; it picks among the addresses by measured RTT (400 ms band)\n",
			model_policy_str(t.policy), t.timeout_ms, t.attempts, HNS_PLURAL(t.attempts, "attempt", "attempts"));
		for (size_t j = 0; j < p->targets[i].n; j++)
			unbound_addr(out, &p->targets[i].addrs[j]);
		fprintf(out, "\tforward-first: no\n");
	}
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "\n# default: internet -- Unbound resolves every other name from the root\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "\n# default: %s\n", export_default_name(r));
		fprintf(out, "forward-zone:\n\tname: \".\"\n");
		for (size_t j = 0; j < p->deflt_targets.n; j++)
			unbound_addr(out, &p->deflt_targets.addrs[j]);
		fprintf(out, "\tforward-first: no\n");
		break;
	case EXPORT_DEFAULT_REFUSE:
		break;
	}
	return 0;
}
