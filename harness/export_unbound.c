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

#include "common/error.h"
#include "harness/export_plan.h"
#include "model/model.h"

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

static int
unbound_local_data(FILE *out, const ldns_rr *rr)
{
	char line[4096];
	int rc = export_rr_text(rr, line, sizeof(line));

	if (rc != 0)
		return rc;
	if (strchr(line, '"') == NULL)
		fprintf(out, "\tlocal-data: \"%s\"\n", line);
	else if (strchr(line, '\'') == NULL)
		fprintf(out, "\tlocal-data: '%s'\n", line);
	else
		fprintf(out, "\t# cannot quote for unbound.conf (both quote kinds): %s\n", line);
	return 0;
}

static int
unbound_zone(FILE *out, const struct model_zone *z)
{
	size_t cap = export_zone_rr_count(z), n, n_alias;
	const ldns_rr **rrs = calloc(cap, sizeof(*rrs));
	int rc = 0;

	if (rrs == NULL)
		return HNS_ENOMEM;
	n = export_zone_rrs(z, rrs, cap, &n_alias);
	fprintf(out, "\t# local zone %s: names it does not hold are NXDOMAIN, other types NODATA\n",
		z->name[0] ? z->name : ".");
	fprintf(out, "\tlocal-zone: \"%s.\" static\n", z->name);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = unbound_local_data(out, rrs[i]);
	if (n_alias > 0)
		fprintf(out, "\t# %zu ALIAS record(s) left out: Unbound has no ALIAS\n", n_alias);
	free(rrs);
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

		if (strcmp(lz, zone) != 0 && export_name_under(zone, lz))
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
	for (size_t k = 0; k < r->n_zones && rc == 0; k++)
		rc = unbound_zone(out, &r->zones[p->zone_order[k]]);
	if (rc != 0)
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

		fprintf(out, "\nforward-zone:\n");
		fprintf(out, "\tname: \"%s.\"\n", f->zone);
		fprintf(out,
			"\t# policy %s, %u ms per try, %u attempts: Unbound has no per-zone order or\n"
			"\t# timeout; it picks among the addresses by measured RTT (400 ms band)\n",
			export_policy_name(f->policy), f->timeout_ms, f->attempts);
		for (size_t j = 0; j < p->targets[i].n; j++)
			unbound_addr(out, &p->targets[i].addrs[j]);
		fprintf(out, "\tforward-first: no\n");
	}
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "\n# default: internet -- Unbound resolves every other name from the root\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "\n# default: %s\n", r->default_kind == MODEL_DEFAULT_INTERNET
							 ? "internet (the emulated internet)"
							 : "upstreams");
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
