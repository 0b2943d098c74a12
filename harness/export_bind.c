/*
 * harness/export_bind.c -- `hybridns export --to bind`: zone statements for
 * named.conf (include it after your `options { … };`), and a master file
 * per local zone (next to -o, or printed commented out).
 *
 *   forward       zone "<z>" { type forward; forward only; forwarders { ip port N; }; };
 *   local zone    zone "<z>" { type primary; file "db.<z>"; };
 *   default       internet: named recurses itself (mapped: a forward zone "."
 *                 to the emulated internet); upstreams: forward zone ".";
 *                 refuse: not expressible in zone statements (see below)
 */
#include "config.h"

#include "common/error.h"
#include "common/plural.h"
#include "harness/export_plan.h"
#include "model/model.h"
#include "model/names.h"

static void
bind_forward_zone(FILE *out, const char *zone, const struct export_list *l)
{
	char a[HNS_ADDR_STRLEN];

	fprintf(out, "zone \"%s\" {\n\ttype forward;\n\tforward only;\n\tforwarders {\n",
		export_name_shown(zone));
	for (size_t j = 0; j < l->n; j++) {
		hns_addr_str(&l->addrs[j], a, sizeof(a));
		if (l->addrs[j].port != 53)
			fprintf(out, "\t\t%s port %u;\n", a, l->addrs[j].port);
		else
			fprintf(out, "\t\t%s;\n", a);
	}
	fprintf(out, "\t};\n};\n");
}

static void
bind_zone(FILE *out, const struct model_zone *z, const char *path)
{
	fprintf(out, "\n// local zone %s\n", export_name_shown(z->name));
	fprintf(out, "zone \"%s\" {\n\ttype primary;\n\tfile \"%s\";\n};\n",
		export_name_shown(z->name), path);
}

int
export_bind(const struct export_plan *p, FILE *out)
{
	const struct model_onprem_resolver *r = p->r;
	int rc;

	export_header(p, out, "//");
	fprintf(out, "// Include this file in named.conf after options { ... }; it holds zone statements only.\n");
	if (p->mapped)
		fprintf(out, "// The emulation serves no DNSSEC: set dnssec-validation no; in options.\n");
	for (size_t k = 0; k < r->n_forwards; k++) {
		size_t i = p->fwd_order[k];
		const struct model_forward *f = &r->forwards[i];
		struct model_timing t; /* the profile's timing, as the emulation's */

		model_forward_timing(r, f, &t);

		fprintf(out,
			"\n// policy %s, %u ms per try, %u %s: BIND has no per-zone order or timeout;\n"
			"// it prefers the forwarder with the lowest smoothed RTT\n",
			model_policy_str(t.policy), t.timeout_ms, t.attempts, HNS_PLURAL(t.attempts, "attempt", "attempts"));
		bind_forward_zone(out, f->zone, &p->targets[i]);
	}
	if ((rc = export_zone_files(p, out, "//", bind_zone)) != 0)
		return rc;
	switch (p->deflt) {
	case EXPORT_DEFAULT_RECURSE:
		fprintf(out, "\n// default: internet -- named resolves every other name from the root hints\n");
		break;
	case EXPORT_DEFAULT_FORWARD:
		fprintf(out, "\n// default: %s\n", export_default_name(r));
		bind_forward_zone(out, "", &p->deflt_targets);
		break;
	case EXPORT_DEFAULT_REFUSE:
		fprintf(out,
			"\n// default: refuse -- not expressible in zone statements: named recurses for any\n"
			"// name outside the zones above.  Closest: allow-recursion { none; }; in options,\n"
			"// which also stops the forward zones above (they need recursion).\n");
		break;
	}
	return 0;
}
