/*
 * harness/export_plan.h -- `hybridns export`: one on-prem resolver of a
 * scenario, ready to be written as a real product's configuration.
 *
 * cmd_export.c loads the scenario, picks the resolver and resolves every
 * target address once (the scenario's own, or with --mapped the loopback
 * address the emulation serves for it); each export_<product>.c only
 * formats the plan in its product's syntax.  Writers return 0 or a
 * negative hns_err; they print a located message to stderr themselves when
 * something cannot be written at all.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"

struct model;
struct model_onprem_resolver;
struct model_zone;
typedef struct ldns_struct_rr ldns_rr;

/* A list of addresses as they are to be written; the port is always set (53 by default). */
struct export_list {
	struct hns_addr *addrs; /* owned by the plan */
	size_t n;
};

enum export_default {
	EXPORT_DEFAULT_RECURSE,	  /* internet, not mapped: the product resolves on its own */
	EXPORT_DEFAULT_FORWARD,	  /* upstreams, or internet mapped to the emulated internet */
	EXPORT_DEFAULT_REFUSE,	  /* refuse */
};

struct export_plan {
	const struct model *m;
	const struct model_onprem_resolver *r;
	const char *source;  /* the scenario path as given */
	const char *product; /* "unbound", ... */
	bool mapped;
	uint16_t port; /* --mapped: the emulation's port */
	/* r->forwards[i]'s targets, in order; [r->n_forwards] */
	struct export_list *targets;
	enum export_default deflt;
	struct export_list deflt_targets; /* EXPORT_DEFAULT_FORWARD */
	bool any_loopback;		  /* some target is a loopback address */
	/*
	 * Where zone files go (products that load zones from files): the
	 * absolute directory of -o, or NULL when the configuration goes to
	 * stdout (the zone files are then printed inline, commented out).
	 */
	const char *zone_dir;
	/* Indices of the forwards and local zones, the most specific name first. */
	size_t *fwd_order;
	size_t *zone_order;
};

/* ------------------------------------------------------------ common helpers */

/* "# hybridns export …" lines: what the output was generated from, with comment `cm`. */
void export_header(const struct export_plan *p, FILE *out, const char *cm);
/* Milliseconds rounded up to whole seconds, at least 1. */
unsigned export_ms_to_s(uint32_t ms);
/* Number of labels of a presentation name without trailing dot ("" has 0). */
size_t export_name_labels(const char *name);

/*
 * The records a local zone serves, in order: its SOA first (the scenario's,
 * or the default one the emulation answers negatives with), then every
 * record that has an rr.  *n_alias counts ALIAS lines (no rr), which no
 * product can serve.  Returns the number written to out (at most max).
 */
size_t export_zone_rrs(const struct model_zone *z, const ldns_rr **out, size_t max,
		       size_t *n_alias);
size_t export_zone_rr_count(const struct model_zone *z);
/*
 * export_zone_rrs() into a new array of export_zone_rr_count(z) entries
 * (free() it); *n records, *n_alias ALIAS lines.  NULL when out of memory.
 */
const ldns_rr **export_zone_rrs_new(const struct model_zone *z, size_t *n, size_t *n_alias);
/*
 * fn for each local zone of the resolver, most specific first, with its
 * records as export_zone_rrs_new() gives them (freed after); returns the
 * first error.
 */
int export_each_zone(const struct export_plan *p, FILE *out,
		     int (*fn)(FILE *out, const struct model_zone *z, const ldns_rr **rrs, size_t n,
			       size_t n_alias));
/* A presentation name as shown in comments and names: "." for the root (""). */
const char *export_name_shown(const char *name);
/* "<cm> N ALIAS record(s) left out: <product> has no ALIAS" when n_alias > 0. */
void export_alias_note(FILE *out, const char *cm, size_t n_alias, const char *product);
/* What the resolver's default forwards to: the emulated internet or its upstreams. */
const char *export_default_name(const struct model_onprem_resolver *r);

/* One record in presentation form, one line, fields separated by single spaces. */
int export_rr_text(const ldns_rr *rr, char *buf, size_t len);
/* The owner of rr as an absolute name with trailing dot. */
int export_rr_owner(const ldns_rr *rr, char *buf, size_t len);
/* rdata field i of rr in presentation form. */
int export_rr_field(const ldns_rr *rr, size_t i, char *buf, size_t len);
/* The type mnemonic of rr ("A", "TYPE65534"). */
int export_rr_type(const ldns_rr *rr, char *buf, size_t len);
/* The rdata of rr in uncompressed wire form; *len in: capacity, out: length. */
int export_rr_wire_rdata(const ldns_rr *rr, uint8_t *buf, size_t *len);
/* The owner relative to zone ("@", "app", "*.x"), for products that want relative names. */
void export_rel_owner(const char *owner_abs, const char *zone, char *buf, size_t len);

/*
 * Zone files (BIND, CoreDNS): for each local zone, most specific first,
 * `stanza` writes the configuration that loads it from `path`
 * ("<zone_dir>/db.<zone>", or "db.<zone>" when printing inline), then the
 * complete master file (SOA, an NS when the scenario gave none, every
 * record) is written next to -o, or printed commented out with `cm` when
 * zone_dir is NULL.  Stops at the first error.
 */
int export_zone_files(const struct export_plan *p, FILE *out, const char *cm,
		      void (*stanza)(FILE *out, const struct model_zone *z, const char *path));

/* ------------------------------------------------------------ the products */

int export_unbound(const struct export_plan *p, FILE *out);
int export_bind(const struct export_plan *p, FILE *out);
int export_dnsmasq(const struct export_plan *p, FILE *out);
int export_coredns(const struct export_plan *p, FILE *out);
int export_dnsdist(const struct export_plan *p, FILE *out);
int export_windows(const struct export_plan *p, FILE *out);
