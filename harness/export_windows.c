/*
 * harness/export_windows.c -- `hybridns export --to windows`: a PowerShell
 * script for the DnsServer module of Windows Server.  Windows DNS sends to
 * port 53 only, so --mapped needs --port 53 (cmd_export.c refuses others).
 *
 *   forward       Add-DnsServerConditionalForwarderZone -MasterServers …
 *                 -ForwarderTimeout <s> (0-15, per server, in list order)
 *   local zone    Add-DnsServerPrimaryZone + Add-DnsServerResourceRecord*
 *   default       internet: root hints (mapped: Set-DnsServerForwarder to the
 *                 emulated internet); upstreams: Set-DnsServerForwarder;
 *                 refuse: Set-DnsServerRecursion -Enable $false (see below)
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

/* A PowerShell single-quoted string: a quote is doubled. */
static void
ps_str(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', out);
		fputc(*s, out);
	}
	fputc('\'', out);
}

/* The inside of a PowerShell double-quoted string: ` " $ get a backtick. */
static void
ps_dq_body(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '`' || *s == '"' || *s == '$')
			fputc('`', out);
		fputc(*s, out);
	}
}

static void
ps_addrs(FILE *out, const struct export_list *l)
{
	char a[HNS_ADDR_STRLEN];

	for (size_t j = 0; j < l->n; j++)
		fprintf(out, "%s%s", j ? "," : "", hns_addr_str(&l->addrs[j], a, sizeof(a)));
}

static void
ps_port_warning(FILE *out, const struct export_list *l)
{
	char a[HNS_ADDR_STRLEN];

	for (size_t j = 0; j < l->n; j++) {
		if (l->addrs[j].port != 53)
			fprintf(out, "# WARNING: %s: Windows DNS sends to port 53 only\n",
				hns_addr_port_str(&l->addrs[j], a, sizeof(a)));
	}
}

/* "<cmdlet> -ZoneName 'z' -Name 'rel' -TimeToLive …", the start of every record line. */
static void
ps_head(FILE *out, const char *cmd, const struct model_zone *z, const char *rel, uint32_t ttl)
{
	fprintf(out, "%s -ZoneName ", cmd);
	ps_str(out, export_name_shown(z->name));
	fprintf(out, " -Name ");
	ps_str(out, rel);
	fprintf(out, " -TimeToLive ([TimeSpan]::FromSeconds(%u))", ttl);
}

/* A record whose rdata is one name: `cmd`, then -`param` and the name. */
static int
ps_name_rr(FILE *out, const struct model_zone *z, const char *rel, const ldns_rr *rr,
	   const char *cmd, const char *param)
{
	char name[1024];
	int rc = export_rr_field(rr, 0, name, sizeof(name));

	if (rc != 0)
		return rc;
	ps_head(out, cmd, z, rel, ldns_rr_ttl(rr));
	fprintf(out, " -%s ", param);
	ps_str(out, name);
	fputc('\n', out);
	return 0;
}

/* One record as a cmdlet line, its owner relative to the zone ("@", "app", "*"). */
static int
ps_rr(FILE *out, const struct model_zone *z, const ldns_rr *rr)
{
	char owner[600], rel[600], f0[1024], f1[1024], f2[600], f3[600], text[4096];
	int rc;

	if ((rc = export_rr_owner(rr, owner, sizeof(owner))) != 0 ||
	    (rc = export_rr_text(rr, text, sizeof(text))) != 0)
		return rc;
	export_rel_owner(owner, z->name, rel, sizeof(rel));
	fprintf(out, "# %s\n", text);
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_SOA:
		fprintf(out, "# (the SOA is the zone's own: Set-DnsServerResourceRecord to change it)\n");
		return 0;
	case LDNS_RR_TYPE_A:
	case LDNS_RR_TYPE_AAAA:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0)
			return rc;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A) {
			ps_head(out, "Add-DnsServerResourceRecordA", z, rel, ldns_rr_ttl(rr));
			fprintf(out, " -IPv4Address %s\n", f0);
		} else {
			ps_head(out, "Add-DnsServerResourceRecordAAAA", z, rel, ldns_rr_ttl(rr));
			fprintf(out, " -IPv6Address %s\n", f0);
		}
		return 0;
	case LDNS_RR_TYPE_CNAME:
		return ps_name_rr(out, z, rel, rr, "Add-DnsServerResourceRecordCName", "HostNameAlias");
	case LDNS_RR_TYPE_PTR:
		return ps_name_rr(out, z, rel, rr, "Add-DnsServerResourceRecordPtr", "PtrDomainName");
	case LDNS_RR_TYPE_MX:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0 ||
		    (rc = export_rr_field(rr, 1, f1, sizeof(f1))) != 0)
			return rc;
		ps_head(out, "Add-DnsServerResourceRecordMX", z, rel, ldns_rr_ttl(rr));
		fprintf(out, " -Preference %s -MailExchange ", f0);
		ps_str(out, f1);
		fputc('\n', out);
		return 0;
	case LDNS_RR_TYPE_NS:
		return ps_name_rr(out, z, rel, rr, "Add-DnsServerResourceRecord -NS", "NameServer");
	case LDNS_RR_TYPE_SRV:
		if ((rc = export_rr_field(rr, 0, f0, sizeof(f0))) != 0 ||
		    (rc = export_rr_field(rr, 1, f1, sizeof(f1))) != 0 ||
		    (rc = export_rr_field(rr, 2, f2, sizeof(f2))) != 0 ||
		    (rc = export_rr_field(rr, 3, f3, sizeof(f3))) != 0)
			return rc;
		ps_head(out, "Add-DnsServerResourceRecord -Srv", z, rel, ldns_rr_ttl(rr));
		fprintf(out, " -Priority %s -Weight %s -Port %s -DomainName ", f0, f1, f2);
		ps_str(out, f3);
		fputc('\n', out);
		return 0;
	case LDNS_RR_TYPE_TXT:
		ps_head(out, "Add-DnsServerResourceRecord -Txt", z, rel, ldns_rr_ttl(rr));
		/* -DescriptiveText is one [String]: the TXT strings, without ldns's
		 * quotes, one per line ("`r`n", as Microsoft's own multi-string
		 * example does), in a double-quoted string. */
		fprintf(out, " -DescriptiveText \"");
		for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
			size_t l;

			if ((rc = export_rr_field(rr, i, f0, sizeof(f0))) != 0)
				return rc;
			l = strlen(f0);
			if (l >= 2 && f0[0] == '"' && f0[l - 1] == '"') {
				f0[l - 1] = '\0';
				memmove(f0, f0 + 1, l - 1);
			}
			fprintf(out, "%s", i ? "`r`n" : "");
			ps_dq_body(out, f0);
		}
		fprintf(out, "\"\n");
		return 0;
	default:
		fprintf(out, "# not expressible with the DnsServer cmdlets (no generic record type)\n");
		return 0;
	}
}

static int
ps_zone(FILE *out, const struct model_zone *z, const ldns_rr **rrs, size_t n, size_t n_alias)
{
	int rc = 0;

	fprintf(out, "\n# local zone %s\nAdd-DnsServerPrimaryZone -Name ", export_name_shown(z->name));
	ps_str(out, export_name_shown(z->name));
	fprintf(out, " -ZoneFile ");
	{
		char file[320];

		snprintf(file, sizeof(file), "%s.dns", z->name[0] ? z->name : "root");
		ps_str(out, file);
	}
	fputc('\n', out);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = ps_rr(out, z, rrs[i]);
	export_alias_note(out, "#", n_alias, "Windows DNS");
	return rc;
}

int
export_windows(const struct export_plan *p, FILE *out)
{
	const struct model_onprem_resolver *r = p->r;
	int rc = 0;

	export_header(p, out, "#");
	fprintf(out, "# PowerShell, DnsServer module; run on the DNS server as an administrator.\n"
		     "$ErrorActionPreference = 'Stop'\n");
	for (size_t k = 0; k < r->n_forwards; k++) {
		size_t i = p->fwd_order[k];
		const struct model_forward *f = &r->forwards[i];
		struct model_timing tm; /* the profile's timing, as the emulation's */

		model_forward_timing(r, f, &tm);
		unsigned t = export_ms_to_s(tm.timeout_ms);

		fprintf(out, "\n# forward %s: policy %s%s, %u ms per try, %u %s\n",
			export_name_shown(f->zone), model_policy_str(tm.policy),
			tm.policy == MODEL_POLICY_SEQUENTIAL
				? ""
				: " (Windows asks the servers in list order: sequential)",
			tm.timeout_ms, tm.attempts, HNS_PLURAL(tm.attempts, "attempt", "attempts"));
		ps_port_warning(out, &p->targets[i]);
		if (t > 15)
			fprintf(out, "# -ForwarderTimeout is at most 15 s\n");
		fprintf(out, "Add-DnsServerConditionalForwarderZone -Name ");
		ps_str(out, export_name_shown(f->zone));
		fprintf(out, " -MasterServers ");
		ps_addrs(out, &p->targets[i]);
		fprintf(out, " -ForwarderTimeout %u\n", t > 15 ? 15 : t);
	}
	if ((rc = export_each_zone(p, out, ps_zone)) != 0)
		return rc;
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "\n# default: internet -- the server resolves other names from the root hints\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "\n# default: %s\n", export_default_name(r));
		ps_port_warning(out, &p->deflt_targets);
		fprintf(out, "Set-DnsServerForwarder -IPAddress ");
		ps_addrs(out, &p->deflt_targets);
		fprintf(out, " -UseRootHint $false\n");
		break;
	case EXPORT_DEFAULT_REFUSE:
		fprintf(out,
			"\n# default: refuse -- Windows DNS cannot refuse only the other names:\n"
			"# Set-DnsServerRecursion -Enable $false would also stop the conditional\n"
			"# forwarders above.  Closest: a recursion scope that the clients do not match.\n");
		break;
	}
	return 0;
}
