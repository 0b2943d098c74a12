/*
 * import/onprem/onprem.h -- `hybridns import bind|unbound|dnsmasq|coredns|
 * windows|dnsdist CONFIG`: a real on-prem resolver's configuration read into
 * one scenario resolver (format v1, `onprem.resolvers.<name>`).
 *
 * In: a configuration file (with what it includes: BIND and Unbound include
 * files, BIND and CoreDNS zone files, read with ldns; for Windows, JSON of
 * the DnsServer cmdlets).  Out: a struct onprem_conf, the product's meaning
 * in the scenario's terms, each value marked read or guessed with a note,
 * which onprem_emit_*() writes as YAML (a whole scenario, or a resolver
 * block edited into an existing scenario's text).
 *
 * Never: sockets, or touching anything but the files named.  Every reader
 * reports bad input as "FILE:LINE:COL: what was expected" (JSON: "FILE:
 * $.path: ...") and returns HNS_EPARSE; unknown statements are skipped
 * with one warning line each on the warning stream.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ONPREM_NOTE_MAX 200

/* A note on a value: empty when read as is; otherwise why it is what it is. */
struct onprem_note {
	bool guessed;
	char text[ONPREM_NOTE_MAX];
};

struct onprem_fwd {
	char *zone;   /* presentation, lower case, no trailing dot; "" the root */
	char **to;    /* "ip" or "ip:port" ("[v6]:port") */
	size_t n_to;
	const char *policy; /* "sequential", "round_robin", "random" */
	struct onprem_note policy_note;
	uint32_t timeout_ms; /* 0: not written */
	struct onprem_note timeout_note;
	struct onprem_note note; /* on the entry (e.g. forward first) */
};

struct onprem_zone {
	char *name;	/* as onprem_fwd.zone */
	char **records; /* one RR each, presentation form, absolute owner */
	size_t n_records;
	struct onprem_note note;
};

enum onprem_default {
	ONPREM_DEFAULT_INTERNET,
	ONPREM_DEFAULT_UPSTREAMS,
	ONPREM_DEFAULT_REFUSE,
};

struct onprem_conf {
	const char *product;
	char *listen;		   /* the first non-loopback address it listens on, or NULL */
	char **sources;		   /* every file read, in order */
	size_t n_sources;
	struct onprem_fwd *fwds;   /* in file order */
	size_t n_fwds;
	struct onprem_zone *zones; /* in file order */
	size_t n_zones;
	enum onprem_default deflt;
	char **deflt_to; /* the global forwarders, whatever deflt became */
	size_t n_deflt_to;
	struct onprem_note deflt_note;
	bool windows; /* profile: windows */
	bool has_cache;
	uint32_t cache_max_entries, cache_min_ttl, cache_max_ttl, cache_neg_ttl;
	size_t n_warnings;
	FILE *warn; /* where warnings go (stderr) */
};

void onprem_conf_init(struct onprem_conf *c, const char *product, FILE *warn);
void onprem_conf_deinit(struct onprem_conf *c);

/* Readers: 0, HNS_EPARSE (the located message is printed to `err`), or another hns_err. */
typedef int (*onprem_reader)(struct onprem_conf *c, const char *path, FILE *err);
/* The reader of a product word, NULL when unknown. */
onprem_reader onprem_reader_find(const char *product);
/* "bind, unbound, dnsmasq, coredns, windows or dnsdist" for messages. */
extern const char onprem_products[];

int onprem_read_bind(struct onprem_conf *c, const char *path, FILE *err);
int onprem_read_unbound(struct onprem_conf *c, const char *path, FILE *err);
int onprem_read_dnsmasq(struct onprem_conf *c, const char *path, FILE *err);
int onprem_read_coredns(struct onprem_conf *c, const char *path, FILE *err);
int onprem_read_dnsdist(struct onprem_conf *c, const char *path, FILE *err);
int onprem_read_windows(struct onprem_conf *c, const char *path, FILE *err);

/* Building (all return 0 or HNS_ENOMEM). */
int onprem_source_add(struct onprem_conf *c, const char *path);
struct onprem_fwd *onprem_fwd_get(struct onprem_conf *c, const char *zone);
int onprem_fwd_add_to(struct onprem_fwd *f, const char *addr);
/* Drop f (the last forward entry) when it got no target; whether it was dropped. */
bool onprem_fwd_drop_empty(struct onprem_conf *c, struct onprem_fwd *f);
struct onprem_zone *onprem_zone_get(struct onprem_conf *c, const char *zone);
/* The innermost zone that holds name, or NULL. */
struct onprem_zone *onprem_zone_holding(struct onprem_conf *c, const char *name);
int onprem_zone_add_rr(struct onprem_zone *z, const char *rr_text);
int onprem_deflt_add(struct onprem_conf *c, const char *addr);
void onprem_note_set(struct onprem_note *n, bool guessed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void onprem_warn(struct onprem_conf *c, const char *file, uint32_t line, uint32_t col,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * A name as the scenario stores it: lower case, no trailing dot ("." and ""
 * become ""), into buf.  HNS_ENAME when it is not a DNS name.
 */
int onprem_name_norm(const char *in, char *buf, size_t len);
/*
 * An address with an optional port in a product's spelling ("10.0.0.1",
 * "10.0.0.1#5353", "10.0.0.1@5353", "10.0.0.1 port 5353" passed as two
 * calls) into the scenario's "ip" / "ip:port" / "[v6]:port".  sep is the
 * product's port separator ('#', '@', ':' or 0 for none).
 */
int onprem_addr_norm(const char *in, char sep, unsigned port, char *buf, size_t len);
/*
 * One record in zone-file syntax (owner relative to origin, default TTL),
 * parsed with ldns, into c's zone (innermost holding the owner, or a new
 * one at `zone_hint`).  HNS_EPARSE when ldns does not take it (*why set).
 */
int onprem_rr_add(struct onprem_conf *c, const char *text, const char *origin, uint32_t ttl,
		  const char *zone_hint, const char **why);
/*
 * Every record of a master file into zone `zone`, read with ldns; a syntax
 * error is printed as "FILE:LINE:1: ..." to err and returns HNS_EPARSE.
 */
int onprem_zone_file(struct onprem_conf *c, const char *zone, const char *path, FILE *err);
/* Whether f is a regular file (devices and FIFOs never end: no configuration reads them). */
bool onprem_file_regular(FILE *f);
/* The reason a file could not be opened for reading, from tok_open()'s code. */
const char *onprem_open_error(int rc);
/* A path relative to the directory of `base` (absolute paths as given), into buf. */
void onprem_path_rel(const char *base, const char *path, char *buf, size_t len);

/* ------------------------------------------------------------------ output */

struct model;

struct onprem_emit {
	const char *command; /* the command line, for the header */
	const char *name;    /* resolver name */
	const char *address; /* --address, or NULL */
	const struct model *into; /* the scenario it joins, or NULL */
};

/*
 * Decide the default (global forwarders nothing in `into` serves become the
 * internet) and the address; then write a whole scenario (into == NULL) or
 * return in *block the resolver's YAML block, indented by `indent`
 * (malloc'd).
 */
int onprem_emit_scenario(struct onprem_conf *c, const struct onprem_emit *e, FILE *out);
int onprem_emit_block(struct onprem_conf *c, const struct onprem_emit *e, unsigned indent,
		      char **block);
/*
 * The scenario text `text` with the resolver block put in its `onprem:`
 * section (replacing a resolver of the same name): *out malloc'd.  Returns
 * HNS_EPARSE with *why set when the text's onprem section cannot be edited.
 */
int onprem_into_text(struct onprem_conf *c, const struct onprem_emit *e, const char *text,
		     char **out, const char **why);
