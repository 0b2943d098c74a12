/*
 * harness/export_coredns.c -- `hybridns export --to coredns`: a Corefile,
 * one server block per zone (CoreDNS routes a query to the block of the
 * most specific zone, as the emulated resolver's longest-suffix match).
 *
 *   forward       <z> { forward . ip:port… { policy sequential|round_robin|random } }
 *   local zone    <z> { file db.<z> } (master file next to -o, or printed)
 *   default       . { forward . /etc/resolv.conf } (internet; mapped: the
 *                 emulated internet), the upstreams, or acl { block } (refuse)
 */
#include "config.h"

#include "common/error.h"
#include "common/plural.h"
#include "harness/export_plan.h"
#include "model/model.h"
#include "model/names.h"

static void
coredns_forward(FILE *out, const struct export_list *l, const char *policy)
{
	char a[HNS_ADDR_STRLEN];

	fprintf(out, "\tforward .");
	for (size_t j = 0; j < l->n; j++) {
		hns_addr_str(&l->addrs[j], a, sizeof(a));
		if (l->addrs[j].family == AF_INET6)
			fprintf(out, " [%s]:%u", a, l->addrs[j].port);
		else
			fprintf(out, " %s:%u", a, l->addrs[j].port);
	}
	if (policy != NULL)
		fprintf(out, " {\n\t\tpolicy %s\n\t}", policy);
	fputc('\n', out);
}

static void
coredns_zone(FILE *out, const struct model_zone *z, const char *path)
{
	fprintf(out, "\n# local zone %s\n%s {\n\tfile %s\n}\n", export_name_shown(z->name),
		export_name_shown(z->name), path);
}

int
export_coredns(const struct export_plan *p, FILE *out)
{
	const struct model_onprem_resolver *r = p->r;
	int rc;

	export_header(p, out, "#");
	fprintf(out, "# Server blocks listen on port 53 unless you write <zone>:<port>.\n");
	for (size_t k = 0; k < r->n_forwards; k++) {
		size_t i = p->fwd_order[k];
		const struct model_forward *f = &r->forwards[i];
		struct model_timing t; /* the profile's timing, as the emulation's */

		model_forward_timing(r, f, &t);

		fprintf(out,
			"\n# forward %s: %u ms per try, %u %s -- CoreDNS reads for 2 s per try and\n"
			"# has no per-zone timeout; at most 15 upstreams\n",
			export_name_shown(f->zone), t.timeout_ms, t.attempts, HNS_PLURAL(t.attempts, "attempt", "attempts"));
		fprintf(out, "%s {\n", export_name_shown(f->zone));
		coredns_forward(out, &p->targets[i], model_policy_str(t.policy));
		fprintf(out, "}\n");
	}
	if ((rc = export_zone_files(p, out, "#", coredns_zone)) != 0)
		return rc;
	fprintf(out, "\n");
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "# default: internet -- CoreDNS does not recurse: the servers of resolv.conf\n"
			     ". {\n\tforward . /etc/resolv.conf\n}\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "# default: %s\n. {\n", export_default_name(r));
		coredns_forward(out, &p->deflt_targets, "sequential");
		fprintf(out, "}\n");
		break;
	case EXPORT_DEFAULT_REFUSE:
		fprintf(out, "# default: refuse\n. {\n\tacl {\n\t\tblock\n\t}\n}\n");
		break;
	}
	return 0;
}
