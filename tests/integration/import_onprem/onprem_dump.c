/*
 * onprem_dump SCENARIO RESOLVER PRODUCT src|imp -- one on-prem resolver of a
 * scenario, normalised, for the export -> import round trip.
 *
 * Both sides are printed in one canonical form: forwards sorted by zone
 * (targets in order), local zones sorted by name with their SOA and their
 * records sorted, the default.  The `src` side is what PRODUCT can express
 * of the scenario's resolver -- the differences each product's own
 * semantics make, documented in docs/export.md and docs/import.md ("On-prem configurations"):
 *   policy      the policy the product gives (bind sequential, unbound
 *               random, dnsmasq sequential for all when any is (strict-order
 *               is global) else random, windows sequential; coredns and
 *               dnsdist keep their own)
 *   ports       windows sends to port 53 only
 *   bind,coredns  a primary zone without an apex NS gets NS localhost.
 *   unbound     *.X becomes a redirect zone X: X answers too (when no other
 *               name lies at or under X; otherwise the wildcard is lost)
 *   dnsmasq     no wildcards; records other than A/AAAA/CNAME take
 *               local-ttl (0); the SOA too
 *   windows     the SOA and the apex NS are the server's own (masked on both
 *               sides); only A AAAA CNAME PTR MX NS SRV TXT have cmdlets;
 *               default refuse is not expressible (internet)
 *   bind        default refuse is not expressible (internet)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/addr.h"
#include "model/model.h"
#include "model/names.h"

static const char *product;
static bool src;

static bool
is(const char *p)
{
	return strcmp(product, p) == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
policy_of(const struct model_onprem_resolver *r, const struct model_forward *f)
{
	if (!src || is("coredns") || is("dnsdist"))
		return model_policy_str(f->policy);
	if (is("bind") || is("windows"))
		return "sequential";
	if (is("unbound"))
		return "random";
	for (size_t i = 0; i < r->n_forwards; i++) {
		if (r->forwards[i].policy == MODEL_POLICY_SEQUENTIAL)
			return "sequential";
	}
	return "random";
}

static void
addr_put(const struct hns_addr *a0)
{
	struct hns_addr a = *a0;
	char s[HNS_ADDR_STRLEN];

	if (a.port == 0 || (src && is("windows")))
		a.port = 53;
	printf(" %s", hns_addr_port_str(&a, s, sizeof(s)));
}

static void
dump_forwards(const struct model_onprem_resolver *r)
{
	char **lines = calloc(r->n_forwards + 1, sizeof(*lines));

	for (size_t i = 0; i < r->n_forwards; i++) {
		const struct model_forward *f = &r->forwards[i];
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		fprintf(m, "forward %s policy %s to", f->zone[0] ? f->zone : ".", policy_of(r, f));
		fflush(m);
		for (size_t j = 0; j < f->n_to; j++) {
			struct hns_addr a = f->to[j];
			char s[HNS_ADDR_STRLEN];

			if (a.port == 0 || (src && is("windows")))
				a.port = 53;
			fprintf(m, " %s", hns_addr_port_str(&a, s, sizeof(s)));
		}
		fclose(m);
		lines[i] = buf;
	}
	qsort(lines, r->n_forwards, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < r->n_forwards; i++) {
		printf("%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

/* One record line "owner ttl type rdata" (malloc'd), or NULL when the product drops it. */
static char *
rr_line(const ldns_rr *rr, uint32_t ttl_override, bool override)
{
	ldns_rr *c = ldns_rr_clone(rr);
	char *s, *o;
	size_t k = 0;

	if (override)
		ldns_rr_set_ttl(c, ttl_override);
	s = ldns_rr2str(c);
	ldns_rr_free(c);
	o = s;
	for (size_t i = 0; s[i]; i++) {
		char ch = s[i] == '\t' || s[i] == '\n' ? ' ' : s[i];

		if (ch == ' ' && (k == 0 || o[k - 1] == ' '))
			continue;
		o[k++] = ch;
	}
	while (k > 0 && o[k - 1] == ' ')
		k--;
	o[k] = '\0';
	return s;
}

static bool
windows_type(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA || t == LDNS_RR_TYPE_CNAME ||
	       t == LDNS_RR_TYPE_PTR || t == LDNS_RR_TYPE_MX || t == LDNS_RR_TYPE_NS ||
	       t == LDNS_RR_TYPE_SRV || t == LDNS_RR_TYPE_TXT;
}

/* Whether another (non-wildcard) owner of z lies at or under parent (the redirect clash). */
static bool
unbound_clash(const struct model_zone *z, const ldns_rdf *parent)
{
	for (size_t i = 0; i < z->n_records; i++) {
		const ldns_rdf *o = ldns_rr_owner(z->records[i].rr);

		if (ldns_dname_is_wildcard(o))
			continue;
		if (ldns_dname_compare(o, parent) == 0 || ldns_dname_is_subdomain(o, parent))
			return true;
	}
	return false;
}

static void
dump_zone(const struct model_zone *z)
{
	char **lines = calloc(2 * z->n_records + 3, sizeof(*lines));
	size_t n = 0;
	bool apex_ns = false, dm = src && is("dnsmasq"), win = is("windows");

	printf("zone %s\n", z->name[0] ? z->name : ".");
	if (win) {
		printf("  SOA (the server's own)\n");
	} else {
		char *soa = rr_line(z->soa, 0, dm);

		printf("  %s\n", soa);
		free(soa);
	}
	for (size_t i = 0; i < z->n_records; i++) {
		const ldns_rr *rr = z->records[i].rr;
		ldns_rr_type t = ldns_rr_get_type(rr);
		bool wild = ldns_dname_is_wildcard(ldns_rr_owner(rr));
		bool apex = strcmp(z->records[i].owner, z->name) == 0;

		if (t == LDNS_RR_TYPE_SOA)
			continue;
		apex_ns |= apex && t == LDNS_RR_TYPE_NS;
		if (win && apex && t == LDNS_RR_TYPE_NS)
			continue;
		if (src && ((win && !windows_type(t)) || (dm && wild)))
			continue;
		if (src && is("unbound") && wild) {
			ldns_rdf *parent = ldns_dname_left_chop(ldns_rr_owner(rr));
			bool clash = unbound_clash(z, parent);

			if (!clash) {
				ldns_rr *at = ldns_rr_clone(rr);

				ldns_rdf *old = ldns_rr_owner(at);

				ldns_rr_set_owner(at, ldns_rdf_clone(parent));
				ldns_rdf_deep_free(old);
				lines[n++] = rr_line(at, 0, false);
				ldns_rr_free(at);
				lines[n++] = rr_line(rr, 0, false);
			}
			ldns_rdf_deep_free(parent);
			continue;
		}
		lines[n++] = rr_line(rr, 0, dm && t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA &&
						    t != LDNS_RR_TYPE_CNAME);
	}
	if (src && !apex_ns && (is("bind") || is("coredns"))) {
		char *b = NULL;

		if (asprintf(&b, "%s. %u IN NS localhost.", z->name, ldns_rr_ttl(z->soa)) > 0)
			lines[n++] = b;
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
			printf("  %s\n", lines[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static int
cmp_zone(const void *a, const void *b)
{
	return strcmp((*(const struct model_zone *const *)a)->name,
		      (*(const struct model_zone *const *)b)->name);
}

int
main(int argc, char **argv)
{
	struct model_errors e;
	struct model *m = NULL;
	const struct model_onprem_resolver *r;
	const struct model_zone **zs;

	if (argc == 3 && strcmp(argv[2], "--list") == 0) {
		/* the resolvers, "name address" per line */
		model_errors_init(&e);
		if (model_load_file(argv[1], &m, &e) != 0) {
			model_errors_print(&e, stderr);
			return 2;
		}
		model_errors_deinit(&e);
		for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
			char s[HNS_ADDR_STRLEN];

			printf("%s %s\n", m->onprem.resolvers[i].name,
			       hns_addr_port_str(&m->onprem.resolvers[i].address, s, sizeof(s)));
		}
		model_free(m);
		return 0;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: onprem_dump SCENARIO RESOLVER PRODUCT src|imp | SCENARIO --list\n");
		return 2;
	}
	product = argv[3];
	src = strcmp(argv[4], "src") == 0;
	model_errors_init(&e);
	if (model_load_file(argv[1], &m, &e) != 0) {
		model_errors_print(&e, stderr);
		return 2;
	}
	model_errors_deinit(&e);
	if ((r = model_onprem_resolver_find(m, argv[2])) == NULL) {
		fprintf(stderr, "onprem_dump: no resolver %s\n", argv[2]);
		return 2;
	}
	printf("resolver %s profile %s\n", r->name,
	       r->profile == MODEL_PROFILE_WINDOWS || (src && is("windows")) ? "windows" : "standard");
	dump_forwards(r);
	zs = calloc(r->n_zones + 1, sizeof(*zs));
	for (size_t i = 0; i < r->n_zones; i++)
		zs[i] = &r->zones[i];
	qsort(zs, r->n_zones, sizeof(*zs), cmp_zone);
	for (size_t i = 0; i < r->n_zones; i++)
		dump_zone(zs[i]);
	free(zs);
	if (r->default_kind == MODEL_DEFAULT_UPSTREAMS) {
		printf("default");
		for (size_t i = 0; i < r->n_default_upstreams; i++)
			addr_put(&r->default_upstreams[i]);
		printf("\n");
	} else if (r->default_kind == MODEL_DEFAULT_REFUSE && !(src && (is("bind") || is("windows")))) {
		printf("default refuse\n");
	} else {
		printf("default internet\n");
	}
	model_free(m);
	return 0;
}
