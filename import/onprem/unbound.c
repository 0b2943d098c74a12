/*
 * import/onprem/unbound.c -- unbound.conf into an on-prem resolver.
 *
 *   forward-zone: name, forward-addr ip[@port][#tls], forward-first
 *                       a forward entry ("." : the default)
 *   stub-zone: name, stub-addr        a forward entry (guessed: Unbound asks them iteratively)
 *   auth-zone: name, zonefile         a local zone read with ldns
 *   server: local-zone: name type     static, always_nxdomain, redirect, … a
 *                       local zone; "." refuse|deny|always_refuse the default
 *   server: local-data: "rr"          records (TTL 3600 when not given, as Unbound)
 *   server: local-data-ptr: "ip name" a PTR record
 *   server: interface: ip[@port]      the resolver's address
 *   include: "glob"                   read in place
 *
 * Unbound has no braces: a clause runs from its name to the next clause.
 * Every attribute is `name:` followed by its values.
 */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "dns/wire.h"
#include "import/onprem/onprem.h"
#include "import/onprem/tok.h"

#define UB_INCLUDE_DEPTH 16

enum ub_clause { UB_NONE, UB_SERVER, UB_FORWARD, UB_STUB, UB_AUTH, UB_OTHER };

struct ub_lz {
	char name[300];
	char type[40];
};

struct ub_ld {
	char *text;
	char *file;
	uint32_t line, col;
	bool ptr;
};

struct ub_ctx {
	struct onprem_conf *c;
	FILE *err;
	int depth;
	/* the clause being read */
	enum ub_clause clause;
	char cname[300];
	bool has_name, first, tls;
	char **addrs;
	size_t n_addrs;
	char zonefile[4096];
	char cfile[4096];
	uint32_t cline, ccol;
	/* server: collected, placed at the end */
	struct ub_lz *lz;
	size_t n_lz;
	struct ub_ld *ld;
	size_t n_ld;
};

static const char *const ub_quiet_server[] = {
	"verbosity", "port", "do-ip4", "do-ip6", "do-udp", "do-tcp", "access-control",
	"do-not-query-localhost", "module-config", "username", "chroot", "directory", "logfile",
	"use-syslog", "pidfile", "num-threads", "so-reuseport", "hide-identity", "hide-version",
	"harden-glue", "harden-dnssec-stripped", "qname-minimisation", "prefetch", "msg-cache-size",
	"rrset-cache-size", "cache-min-ttl", "cache-max-ttl", "cache-max-negative-ttl",
	"val-permissive-mode", "domain-insecure", "auto-trust-anchor-file", "trust-anchor-file",
	"trust-anchor", "root-hints", "private-address", "private-domain", "outgoing-interface",
	"interface-automatic", "tls-cert-bundle", "serve-expired", "unwanted-reply-threshold",
	"edns-buffer-size", "statistics-interval", "extended-statistics", "minimal-responses",
	"rrset-roundrobin", "log-queries", "log-replies", "val-log-level", "infra-host-ttl",
	"outgoing-range", "num-queries-per-thread", "so-rcvbuf", "so-sndbuf", NULL,
};

static bool
ub_in(const char *const *l, const char *w)
{
	for (; *l != NULL; l++) {
		if (strcmp(*l, w) == 0)
			return true;
	}
	return false;
}

static int
ub_bad(struct ub_ctx *u, const char *file, const struct tok *k, const char *what,
       const char *exp)
{
	fprintf(u->err, "%s:%u:%u: %s (expected %s)\n", file, k->line, k->col, what, exp);
	return HNS_EPARSE;
}

static void
ub_clause_reset(struct ub_ctx *u)
{
	for (size_t i = 0; i < u->n_addrs; i++)
		free(u->addrs[i]);
	free(u->addrs);
	u->addrs = NULL;
	u->n_addrs = 0;
	u->has_name = u->first = u->tls = false;
	u->zonefile[0] = '\0';
	u->cname[0] = '\0';
}

/* The clause just ended: a forward entry, the default, or a local zone. */
static int
ub_clause_end(struct ub_ctx *u)
{
	struct onprem_fwd *f;
	int rc = 0;

	if (u->clause != UB_FORWARD && u->clause != UB_STUB && u->clause != UB_AUTH)
		goto out;
	if (!u->has_name) {
		fprintf(u->err, "%s:%u:%u: a %s clause without name: (expected name: \"zone.\")\n",
			u->cfile, u->cline, u->ccol,
			u->clause == UB_FORWARD ? "forward-zone" : u->clause == UB_STUB ? "stub-zone"
											  : "auth-zone");
		rc = HNS_EPARSE;
		goto out;
	}
	if (u->clause == UB_AUTH) {
		if (u->zonefile[0] != '\0')
			rc = onprem_zone_file(u->c, u->cname, u->zonefile, u->err);
		else
			onprem_warn(u->c, u->cfile, u->cline, u->ccol,
				    "auth-zone %s without zonefile (a transfer only): skipped", u->cname);
		goto out;
	}
	if (u->n_addrs == 0) {
		onprem_warn(u->c, u->cfile, u->cline, u->ccol,
			    "%s %s has no address (forward-host/stub-host names are not resolved here): skipped",
			    u->clause == UB_FORWARD ? "forward-zone" : "stub-zone", u->cname);
		goto out;
	}
	if (u->cname[0] == '\0' && u->clause == UB_FORWARD) {
		for (size_t i = 0; i < u->n_addrs && rc == 0; i++)
			rc = onprem_deflt_add(u->c, u->addrs[i]);
		u->c->deflt = ONPREM_DEFAULT_UPSTREAMS;
		if (u->first)
			onprem_note_set(&u->c->deflt_note, true,
					"forward-first: yes: Unbound falls back to the root when they fail");
		goto out;
	}
	if ((f = onprem_fwd_get(u->c, u->cname)) == NULL) {
		rc = HNS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < u->n_addrs && rc == 0; i++)
		rc = onprem_fwd_add_to(f, u->addrs[i]);
	f->policy = "random";
	onprem_note_set(&f->policy_note, true,
			"Unbound has no order: it picks at random among the addresses within 400 ms of the fastest");
	if (u->clause == UB_STUB)
		onprem_note_set(&f->note, true,
				"stub-zone: Unbound asks these servers iteratively; a forward entry is closest");
	else if (u->first)
		onprem_note_set(&f->note, true,
				"forward-first: yes: Unbound falls back to its own resolution; the scenario forwards only");
	else if (u->tls)
		onprem_note_set(&f->note, false, "forward-tls-upstream: DNS over TLS; the scenario forwards plain DNS");
out:
	ub_clause_reset(u);
	return rc;
}

static int
ub_add_addr(struct ub_ctx *u, const char *file, const struct tok *v)
{
	char a[80], txt[256];
	char *hash, **na;

	snprintf(txt, sizeof(txt), "%s", v->text);
	if ((hash = strchr(txt, '#')) != NULL)
		*hash = '\0'; /* ip@port#tls-name */
	if (onprem_addr_norm(txt, '@', 53, a, sizeof(a)) != 0)
		return ub_bad(u, file, v, "not an address", "ip[@port]");
	na = realloc(u->addrs, (u->n_addrs + 1) * sizeof(*na));
	if (na == NULL)
		return HNS_ENOMEM;
	u->addrs = na;
	if ((na[u->n_addrs] = strdup(a)) == NULL)
		return HNS_ENOMEM;
	u->n_addrs++;
	return 0;
}

static int
ub_collect_ld(struct ub_ctx *u, const char *file, const struct tok *v, bool ptr)
{
	struct ub_ld *n = realloc(u->ld, (u->n_ld + 1) * sizeof(*n));

	if (n == NULL)
		return HNS_ENOMEM;
	u->ld = n;
	n = &u->ld[u->n_ld];
	n->text = strdup(v->text);
	n->file = strdup(file);
	n->line = v->line;
	n->col = v->col;
	n->ptr = ptr;
	if (n->text == NULL || n->file == NULL) {
		free(n->text);
		free(n->file);
		return HNS_ENOMEM;
	}
	u->n_ld++;
	return 0;
}

static int
ub_local_zone(struct ub_ctx *u, const char *file, const struct tok *name, const struct tok *type)
{
	struct ub_lz *n;
	char z[300];

	if (type == NULL)
		return ub_bad(u, file, name, "local-zone without its type", "local-zone: name type");
	if (onprem_name_norm(name->text, z, sizeof(z)) != 0)
		return ub_bad(u, file, name, "not a DNS name", "local-zone: name type");
	n = realloc(u->lz, (u->n_lz + 1) * sizeof(*n));
	if (n == NULL)
		return HNS_ENOMEM;
	u->lz = n;
	n = &u->lz[u->n_lz++];
	snprintf(n->name, sizeof(n->name), "%s", z);
	snprintf(n->type, sizeof(n->type), "%s", type->text);
	return 0;
}

static int ub_file(struct ub_ctx *u, const char *path, const char *from, const struct tok *at);

/* One attribute `key` with its values v[0..n). */
static int
ub_attr(struct ub_ctx *u, const char *file, const struct tok *key, const struct tok *v, size_t n)
{
	const char *k = key->text;
	char a[80], path[4096];

	if (strcmp(k, "include:") == 0 || strcmp(k, "include-toplevel:") == 0) {
		glob_t g;
		int rc = 0;

		if (n != 1)
			return ub_bad(u, file, key, "include without a file", "include: \"file\"");
		onprem_path_rel(file, v[0].text, path, sizeof(path));
		if (glob(path, 0, NULL, &g) != 0) {
			fprintf(u->err, "%s:%u:%u: cannot read %s (expected a readable file)\n", file,
				v[0].line, v[0].col, path);
			return HNS_EPARSE;
		}
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = ub_file(u, g.gl_pathv[i], file, &v[0]);
		globfree(&g);
		return rc;
	}
	if (u->clause == UB_NONE)
		return ub_bad(u, file, key, "an attribute outside any clause",
			      "a clause first: server:, forward-zone:, stub-zone:, …");
	if (u->clause == UB_OTHER)
		return 0;
	if (n == 0)
		return ub_bad(u, file, key, "an attribute without a value", "name: value");
	if (u->clause != UB_SERVER) {
		if (strcmp(k, "name:") == 0) {
			if (onprem_name_norm(v[0].text, u->cname, sizeof(u->cname)) != 0)
				return ub_bad(u, file, &v[0], "not a DNS name", "name: \"zone.\"");
			u->has_name = true;
		} else if (strcmp(k, "forward-addr:") == 0 || strcmp(k, "stub-addr:") == 0) {
			return ub_add_addr(u, file, &v[0]);
		} else if (strcmp(k, "forward-first:") == 0 || strcmp(k, "stub-first:") == 0) {
			u->first = strcmp(v[0].text, "yes") == 0;
		} else if (strcmp(k, "forward-tls-upstream:") == 0) {
			u->tls = strcmp(v[0].text, "yes") == 0;
		} else if (strcmp(k, "zonefile:") == 0) {
			onprem_path_rel(file, v[0].text, u->zonefile, sizeof(u->zonefile));
		} else if (strcmp(k, "forward-host:") == 0 || strcmp(k, "stub-host:") == 0) {
			onprem_warn(u->c, file, key->line, key->col,
				    "%s %s: a name, not an address; hybridns import does not resolve it: skipped",
				    k, v[0].text);
		} else {
			onprem_warn(u->c, file, key->line, key->col,
				    "'%s' is not read by hybridns import: skipped", k);
		}
		return 0;
	}
	if (strcmp(k, "local-zone:") == 0)
		return ub_local_zone(u, file, &v[0], n > 1 ? &v[1] : NULL);
	if (strcmp(k, "local-data:") == 0)
		return ub_collect_ld(u, file, &v[0], false);
	if (strcmp(k, "local-data-ptr:") == 0)
		return ub_collect_ld(u, file, &v[0], true);
	if (strcmp(k, "interface:") == 0) {
		if (onprem_addr_norm(v[0].text, '@', 53, a, sizeof(a)) == 0 && u->c->listen == NULL &&
		    strncmp(a, "127.", 4) != 0 && strcmp(a, "::1") != 0 && strcmp(a, "0.0.0.0") != 0 &&
		    strcmp(a, "::") != 0 && (u->c->listen = strdup(a)) == NULL)
			return HNS_ENOMEM;
		return 0;
	}
	snprintf(a, sizeof(a), "%.*s", (int)strlen(k) - 1, k);
	if (!ub_in(ub_quiet_server, a))
		onprem_warn(u->c, file, key->line, key->col,
			    "server: '%s' is not read by hybridns import: skipped", k);
	return 0;
}

static int
ub_clause_start(struct ub_ctx *u, const char *file, const struct tok *k)
{
	static const struct {
		const char *name;
		enum ub_clause c;
	} clauses[] = {
		{ "server:", UB_SERVER },      { "forward-zone:", UB_FORWARD },
		{ "stub-zone:", UB_STUB },     { "auth-zone:", UB_AUTH },
		{ "remote-control:", UB_OTHER }, { "python:", UB_OTHER },
		{ "dynlib:", UB_OTHER },       { "cachedb:", UB_OTHER },
		{ "dnscrypt:", UB_OTHER },     { "rpz:", UB_OTHER },
		{ "view:", UB_OTHER },	       { "ipset:", UB_OTHER },
	};
	for (size_t i = 0; i < sizeof(clauses) / sizeof(clauses[0]); i++) {
		if (strcmp(k->text, clauses[i].name) == 0) {
			int rc = ub_clause_end(u);

			if (rc != 0)
				return rc;
			u->clause = clauses[i].c;
			snprintf(u->cfile, sizeof(u->cfile), "%s", file);
			u->cline = k->line;
			u->ccol = k->col;
			if (u->clause == UB_OTHER && strcmp(k->text, "remote-control:") != 0)
				onprem_warn(u->c, file, k->line, k->col,
					    "clause %s is not read by hybridns import: skipped", k->text);
			return 1;
		}
	}
	return 0;
}

#define UB_VALUES_MAX 4

static int
ub_file(struct ub_ctx *u, const char *path, const char *from, const struct tok *at)
{
	struct tokenizer t;
	struct tok key, v[UB_VALUES_MAX];
	int rc;

	if (u->depth >= UB_INCLUDE_DEPTH) {
		fprintf(u->err, "%s:%u:%u: includes nested too deeply (a loop?) (expected at most 16 levels)\n",
			from, at->line, at->col);
		return HNS_EPARSE;
	}
	rc = tok_open(&t, path, TOK_HASH | TOK_SQUOTE | TOK_RAW, "");
	if (rc != 0) {
		if (from != NULL)
			fprintf(u->err, "%s:%u:%u: cannot read %s: %s (expected a readable file)\n", from,
				at->line, at->col, path, onprem_open_error(rc));
		else
			fprintf(u->err, "%s: %s\n", path, onprem_open_error(rc));
		return HNS_EPARSE;
	}
	if ((rc = onprem_source_add(u->c, path)) != 0)
		goto out;
	u->depth++;
	for (;;) {
		size_t n = 0, kl;

		key = tok_next(&t);
		if (key.kind == TOK_EOF)
			break;
		if (key.kind == TOK_ERROR) {
			rc = ub_bad(u, path, &key, key.text, "a closing quote");
			break;
		}
		kl = strlen(key.text);
		if (key.kind != TOK_WORD || kl < 2 || key.text[kl - 1] != ':') {
			rc = ub_bad(u, path, &key, "a value where an attribute belongs",
				    "name: value, or a clause such as forward-zone:");
			break;
		}
		rc = ub_clause_start(u, path, &key);
		if (rc < 0)
			break;
		if (rc == 1) {
			rc = 0;
			continue;
		}
		for (;;) {
			struct tok p = tok_peek(&t);
			size_t pl = strlen(p.text);

			if (p.kind == TOK_ERROR) {
				rc = ub_bad(u, path, &p, p.text, "a closing quote");
				break;
			}
			if (p.kind == TOK_EOF || (p.kind == TOK_WORD && pl > 1 && p.text[pl - 1] == ':' &&
						  strchr(p.text, '.') == NULL && p.text[pl - 2] != ':'))
				break;
			if (n == UB_VALUES_MAX) {
				rc = ub_bad(u, path, &p, "too many values", "name: value");
				break;
			}
			v[n++] = tok_next(&t);
		}
		if (rc == 0)
			rc = ub_attr(u, path, &key, v, n);
		if (rc != 0)
			break;
	}
	u->depth--;
out:
	tok_close(&t);
	return rc;
}

/* The innermost declared local zone holding name, or NULL. */
static const struct ub_lz *
ub_lz_holding(const struct ub_ctx *u, const char *name)
{
	const struct ub_lz *best = NULL;

	for (size_t i = 0; i < u->n_lz; i++) {
		if (dns_str_is_subdomain(name, u->lz[i].name) &&
		    (best == NULL || strlen(u->lz[i].name) > strlen(best->name)))
			best = &u->lz[i];
	}
	return best;
}

static bool
ub_type_is(const struct ub_lz *z, const char *const *types)
{
	return z != NULL && ub_in(types, z->type);
}

static const char *const ub_zone_types[] = { "static", "always_nxdomain", "redirect", "deny",
					     "always_nodata", "inform_deny", NULL };
static const char *const ub_refuse_types[] = { "refuse", "always_refuse", "deny", NULL };
static const char *const ub_pass_types[] = { "transparent", "typetransparent", "nodefault",
					     "always_transparent", "inform", NULL };

/* Declared zones become local zones; "." refuse becomes the default. */
static int
ub_place_zones(struct ub_ctx *u)
{
	for (size_t i = 0; i < u->n_lz; i++) {
		const struct ub_lz *z = &u->lz[i];
		const struct ub_lz *outer;
		struct onprem_zone *oz;

		if (z->name[0] == '\0' && ub_type_is(z, ub_refuse_types)) {
			u->c->deflt = ONPREM_DEFAULT_REFUSE;
			onprem_note_set(&u->c->deflt_note, false, "local-zone: \".\" %s", z->type);
			continue;
		}
		if (ub_type_is(z, ub_pass_types))
			continue; /* only its local-data, if any, makes a zone */
		if (!ub_type_is(z, ub_zone_types)) {
			onprem_warn(u->c, u->cfile, 0, 0,
				    "local-zone %s %s: a type the scenario cannot hold: skipped",
				    z->name[0] ? z->name : ".", z->type);
			continue;
		}
		/* A redirect zone inside a static one is that zone's wildcard. */
		outer = NULL;
		for (size_t j = 0; j < u->n_lz; j++) {
			if (j != i && ub_type_is(&u->lz[j], ub_zone_types) &&
			    strcmp(u->lz[j].type, "redirect") != 0 &&
			    strlen(u->lz[j].name) < strlen(z->name) &&
			    dns_str_is_subdomain(z->name, u->lz[j].name))
				outer = &u->lz[j];
		}
		if (strcmp(z->type, "redirect") == 0 && outer != NULL)
			continue;
		if ((oz = onprem_zone_get(u->c, z->name)) == NULL)
			return HNS_ENOMEM;
		if (strcmp(z->type, "static") != 0 && strcmp(z->type, "always_nxdomain") != 0 &&
		    strcmp(z->type, "redirect") != 0)
			onprem_note_set(&oz->note, true, "local-zone type %s: answered as a static zone",
					z->type);
	}
	return 0;
}

/* Every local-data into the zone that holds it (redirect: also as the wildcard). */
static int
ub_place_data(struct ub_ctx *u)
{
	for (size_t i = 0; i < u->n_ld; i++) {
		const struct ub_ld *d = &u->ld[i];
		char text[4200], owner[300], name[300];
		const struct ub_lz *z;
		const char *why = NULL;
		int rc;

		if (d->ptr) {
			char ip[80], host[300];

			if (sscanf(d->text, "%79s %299s", ip, host) != 2) {
				fprintf(u->err, "%s:%u:%u: local-data-ptr: (expected \"ip name\")\n", d->file,
					d->line, d->col);
				return HNS_EPARSE;
			}
			/* ldns makes the reverse name */
			{
				ldns_rdf *a = ldns_rdf_new_frm_str(strchr(ip, ':') ? LDNS_RDF_TYPE_AAAA
										 : LDNS_RDF_TYPE_A,
								   ip);
				ldns_rdf *rev = a ? ldns_rdf_address_reverse(a) : NULL;
				char *rs = rev ? ldns_rdf2str(rev) : NULL;

				snprintf(text, sizeof(text), "%s 3600 IN PTR %s%s", rs ? rs : "?", host,
					 host[strlen(host) - 1] == '.' ? "" : ".");
				free(rs);
				ldns_rdf_deep_free(a);
				ldns_rdf_deep_free(rev);
			}
		} else {
			snprintf(text, sizeof(text), "%s", d->text);
		}
		if (sscanf(text, "%299s", owner) != 1 ||
		    onprem_name_norm(owner, name, sizeof(name)) != 0) {
			fprintf(u->err, "%s:%u:%u: local-data: a bad owner name (expected \"name [ttl] [IN] type rdata\")\n",
				d->file, d->line, d->col);
			return HNS_EPARSE;
		}
		z = ub_lz_holding(u, name);
		if (z != NULL && ub_type_is(z, ub_refuse_types) && z->name[0] != '\0')
			continue;
		rc = onprem_rr_add(u->c, text, "", 3600,
				   z == NULL || (z->name[0] == '\0' && ub_type_is(z, ub_refuse_types))
					   ? name
					   : (strcmp(z->type, "redirect") == 0 ? NULL : z->name),
				   &why);
		if (rc == 0 && z == NULL && onprem_zone_holding(u->c, name) != NULL &&
		    onprem_zone_holding(u->c, name)->note.text[0] == '\0')
			onprem_note_set(&onprem_zone_holding(u->c, name)->note, true,
					"local-data without local-zone: Unbound makes a transparent zone %s (other names there are resolved as usual)",
					name);
		if (rc == 0 && z != NULL && strcmp(z->type, "redirect") == 0 &&
		    strcmp(name, z->name) == 0) {
			/* the record at the redirect zone answers every name under it too */
			snprintf(text, sizeof(text), "*.%s", d->text);
			rc = onprem_rr_add(u->c, text, "", 3600, NULL, &why);
		}
		if (rc == HNS_EPARSE) {
			fprintf(u->err, "%s:%u:%u: local-data: %s (expected \"name [ttl] [IN] type rdata\")\n",
				d->file, d->line, d->col, why ? why : "does not parse");
			return rc;
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
onprem_read_unbound(struct onprem_conf *c, const char *path, FILE *err)
{
	struct ub_ctx u;
	int rc;

	memset(&u, 0, sizeof(u));
	u.c = c;
	u.err = err;
	rc = ub_file(&u, path, NULL, NULL);
	if (rc == 0)
		rc = ub_clause_end(&u);
	if (rc == 0)
		rc = ub_place_zones(&u);
	if (rc == 0)
		rc = ub_place_data(&u);
	if (rc == 0 && c->deflt == ONPREM_DEFAULT_INTERNET && c->deflt_note.text[0] == '\0')
		onprem_note_set(&c->deflt_note, false,
				"no forward-zone \".\": Unbound resolves other names from the root");
	ub_clause_reset(&u);
	for (size_t i = 0; i < u.n_ld; i++) {
		free(u.ld[i].text);
		free(u.ld[i].file);
	}
	free(u.ld);
	free(u.lz);
	return rc;
}
