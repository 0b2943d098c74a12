/*
 * harness/export_dnsmasq.c -- `hybridns export --to dnsmasq`: lines for
 * dnsmasq.conf (or a file in /etc/dnsmasq.d).
 *
 *   forward       server=/<z>/ip[#port], one per target
 *   local zone    local=/<z>/ (answered here only) + host-record, txt-record,
 *                 cname, mx-host, srv-host, ptr-record, dns-rr for the rest
 *   default       internet: the servers of /etc/resolv.conf (mapped: no-resolv
 *                 + server= the emulated internet); upstreams: no-resolv +
 *                 server=; refuse: no-resolv and no default server
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

static void
dnsmasq_server(FILE *out, const char *zone, const struct hns_addr *a)
{
	char s[HNS_ADDR_STRLEN];

	hns_addr_str(a, s, sizeof(s));
	if (zone != NULL)
		fprintf(out, "server=/%s/%s", zone, s);
	else
		fprintf(out, "server=%s", s);
	if (a->port != 53)
		fprintf(out, "#%u", a->port);
	fputc('\n', out);
}

/* An owner for dnsmasq: no trailing dot. */
static void
strip_dot(char *s)
{
	size_t n = strlen(s);

	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
}

static int
dnsmasq_rr(FILE *out, const ldns_rr *rr)
{
	char owner[600], f0[1024], f1[1024], f2[600], f3[600], type[32];
	uint8_t wire[65536];
	size_t wl = sizeof(wire);
	int rc;

	if ((rc = export_rr_owner(rr, owner, sizeof(owner))) != 0)
		return rc;
	strip_dot(owner);
	if (strchr(owner, '*') != NULL) {
		if ((rc = export_rr_text(rr, f0, sizeof(f0))) != 0)
			return rc;
		fprintf(out, "# not expressible (dnsmasq has no wildcard records): %s\n", f0);
		return 0;
	}
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_A:
	case LDNS_RR_TYPE_AAAA:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0)
			return rc;
		fprintf(out, "host-record=%s,%s,%u\n", owner, f0, ldns_rr_ttl(rr));
		return 0;
	case LDNS_RR_TYPE_CNAME:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0)
			return rc;
		strip_dot(f0);
		fprintf(out, "cname=%s,%s,%u\n", owner, f0, ldns_rr_ttl(rr));
		return 0;
	case LDNS_RR_TYPE_PTR:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0)
			return rc;
		strip_dot(f0);
		fprintf(out, "ptr-record=%s,%s\n", owner, f0);
		return 0;
	case LDNS_RR_TYPE_MX:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0 ||
		    (rc = export_rr_field(rr, 1, f1, sizeof(f1))) != 0)
			return rc;
		strip_dot(f1);
		fprintf(out, "mx-host=%s,%s,%s\n", owner, f1, f0);
		return 0;
	case LDNS_RR_TYPE_SRV:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0 ||
		    (rc = export_rr_field(rr, 1, f1, sizeof(f1))) != 0 ||
		    (rc = export_rr_field(rr, 2, f2, sizeof(f2))) != 0 ||
		    (rc = export_rr_field(rr, 3, f3, sizeof(f3))) != 0)
			return rc;
		strip_dot(f3);
		fprintf(out, "srv-host=%s,%s,%s,%s,%s\n", owner, f3, f2, f0, f1);
		return 0;
	case LDNS_RR_TYPE_TXT:
		fprintf(out, "txt-record=%s", owner);
		for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
			if ((rc = export_rr_field(rr, i, f0, sizeof(f0))) != 0)
				return rc;
			fprintf(out, ",%s", f0); /* quoted by ldns, as dnsmasq wants */
		}
		fputc('\n', out);
		return 0;
	default:
		break;
	}
	/* Any other type, SOA included: its number and rdata in hex. */
	if ((rc = export_rr_text(rr, f0, sizeof(f0))) != 0 ||
	    (rc = export_rr_type(rr, type, sizeof(type))) != 0 ||
	    (rc = export_rr_wire_rdata(rr, wire, &wl)) != 0)
		return rc;
	fprintf(out, "# %s\ndns-rr=%s,%u,", f0, owner, (unsigned)ldns_rr_get_type(rr));
	for (size_t i = 0; i < wl; i++)
		fprintf(out, "%02x", wire[i]);
	fputc('\n', out);
	return 0;
}

static int
dnsmasq_zone(FILE *out, const struct model_zone *z, const ldns_rr **rrs, size_t n, size_t n_alias)
{
	int rc = 0;

	fprintf(out, "\n# local zone %s: answered here only, never forwarded\n",
		export_name_shown(z->name));
	fprintf(out, "local=/%s/\n", z->name);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = dnsmasq_rr(out, rrs[i]);
	export_alias_note(out, "#", n_alias, "dnsmasq");
	return rc;
}

int
export_dnsmasq(const struct export_plan *p, FILE *out)
{
	const struct model_onprem_resolver *r = p->r;
	bool strict = false;
	int rc = 0;

	export_header(p, out, "#");
	fprintf(out, "# host-record also answers the reverse (PTR) name; local-ttl sets the TTL of\n"
		     "# the other local records (dnsmasq has one for all).\n");
	for (size_t i = 0; i < r->n_forwards; i++)
		strict |= r->forwards[i].policy == MODEL_POLICY_SEQUENTIAL;
	if (strict)
		fprintf(out, "# policy sequential: dnsmasq's strict-order is global (all domains)\n"
			     "strict-order\n");
	for (size_t k = 0; k < r->n_forwards; k++) {
		size_t i = p->fwd_order[k];
		const struct model_forward *f = &r->forwards[i];
		struct model_timing t; /* the profile's timing, as the emulation's */

		model_forward_timing(r, f, &t);

		fprintf(out, "\n# forward %s: policy %s, %u ms per try, %u %s (dnsmasq has no\n"
			     "# per-domain policy or timeout)\n",
			export_name_shown(f->zone), model_policy_str(t.policy), t.timeout_ms,
			t.attempts, HNS_PLURAL(t.attempts, "attempt", "attempts"));
		for (size_t j = 0; j < p->targets[i].n; j++)
			dnsmasq_server(out, f->zone, &p->targets[i].addrs[j]);
	}
	if ((rc = export_each_zone(p, out, dnsmasq_zone)) != 0)
		return rc;
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "\n# default: internet -- dnsmasq sends other names to the servers in\n"
			     "# /etc/resolv.conf (it does not recurse itself)\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "\n# default: %s\nno-resolv\n",
			export_default_name(r));
		for (size_t j = 0; j < p->deflt_targets.n; j++)
			dnsmasq_server(out, NULL, &p->deflt_targets.addrs[j]);
		break;
	case EXPORT_DEFAULT_REFUSE:
		fprintf(out, "\n# default: refuse -- no default server: dnsmasq answers REFUSED\nno-resolv\n");
		break;
	}
	return 0;
}
