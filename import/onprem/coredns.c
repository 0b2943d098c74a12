/*
 * import/onprem/coredns.c -- a Corefile into an on-prem resolver.
 *
 * CoreDNS gives a query to the server block of the most specific zone,
 * which is the scenario's longest-suffix match; inside a block:
 *   forward FROM TO… { policy random|round_robin|sequential }
 *                        a forward entry for each of the block's zones (FROM
 *                        "." or a name under them); policy random when none
 *                        (CoreDNS's default); "." block: the default;
 *                        TO /etc/resolv.conf: the internet
 *   file DB [ZONES…]     a local zone read with ldns
 *   hosts [FILE] [ZONES…] { ip name…; ttl N; fallthrough }
 *                        records (TTL 3600 unless ttl); without fallthrough
 *                        the block's zone answers NXDOMAIN for other names
 *   acl { block }        in the "." block: default refuse
 *   bind ip              the resolver's address
 * No "." block at all: CoreDNS refuses names no block serves (default refuse).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "dns/wire.h"
#include "import/onprem/onprem.h"
#include "import/onprem/tree.h"

#define CD_ZONES_MAX 16

struct cd_ctx {
	struct onprem_conf *c;
	FILE *err;
	bool root_block, root_forward, root_refuse;
};

static const char *const cd_quiet[] = {
	"errors", "log", "health", "ready", "prometheus", "reload", "loop", "loadbalance",
	"whoami", "debug", "cache", "any", "minimal", "nsid", "pprof", "trace", "metadata",
	"cancel", "local", NULL,
};

static int
cd_bad(struct cd_ctx *d, const struct stmt *s, size_t i, const char *what, const char *exp)
{
	fprintf(d->err, "%s:%u:%u: %s (expected %s)\n", s->file, i < s->n ? s->wline[i] : s->line,
		i < s->n ? s->wcol[i] : s->col, what, exp);
	return HNS_EPARSE;
}

/* "dns://example.org.:53" -> "example.org" */
static int
cd_zone_key(const char *key, char *buf, size_t len)
{
	char tmp[300];
	const char *p = strncmp(key, "dns://", 6) == 0 ? key + 6 : key;
	char *colon;

	snprintf(tmp, sizeof(tmp), "%s", p);
	if ((colon = strrchr(tmp, ':')) != NULL)
		*colon = '\0';
	return onprem_name_norm(tmp, buf, len);
}

/* "1.2.3.4", "1.2.3.4:53", "dns://1.2.3.4", "[::1]:53" -> the scenario's spelling */
static int
cd_addr(const char *to, char *buf, size_t len)
{
	if (strncmp(to, "dns://", 6) == 0)
		to += 6;
	return onprem_addr_norm(to, ':', 53, buf, len);
}

static int
cd_forward(struct cd_ctx *d, const struct stmt *s, char zones[][300], size_t nz)
{
	const char *policy = "random";
	bool given = false, resolv = false;
	char from[300], a[80];
	int rc = 0;

	if (s->n < 3)
		return cd_bad(d, s, s->n, "forward without FROM and TO", "forward FROM TO…");
	if (onprem_name_norm(s->w[1], from, sizeof(from)) != 0)
		return cd_bad(d, s, 1, "not a domain", "forward FROM TO…");
	for (size_t i = 0; i < s->n_kids; i++) {
		const struct stmt *o = &s->kids[i];

		if (strcmp(stmt_word(o, 0), "policy") == 0) {
			static const char *const pols[] = { "random", "round_robin", "sequential" };

			policy = NULL;
			for (size_t j = 0; j < 3; j++) {
				if (strcmp(stmt_word(o, 1), pols[j]) == 0)
					policy = pols[j]; /* static: the tree is freed before output */
			}
			if (policy == NULL || o->n != 2)
				return cd_bad(d, o, 1, "not a policy", "random, round_robin or sequential");
			given = true;
		} else {
			onprem_warn(d->c, o->file, o->line, o->col,
				    "forward: '%s' is not read by hybridns import: skipped",
				    stmt_word(o, 0));
		}
	}
	for (size_t z = 0; z < nz && rc == 0; z++) {
		const char *zone = strcmp(from, "") == 0 ? zones[z] : from;
		struct onprem_fwd *f = NULL;

		if (zone[0] == '\0')
			d->root_forward = true;
		else if ((f = onprem_fwd_get(d->c, zone)) == NULL)
			return HNS_ENOMEM;
		for (size_t i = 2; i < s->n && rc == 0; i++) {
			if (s->w[i][0] == '/') {
				resolv = true; /* a resolv.conf: the host's own resolvers */
				continue;
			}
			if (strncmp(s->w[i], "tls://", 6) == 0) {
				onprem_warn(d->c, s->file, s->wline[i], s->wcol[i],
					    "%s: DNS over TLS is forwarded as plain DNS", s->w[i]);
				if (cd_addr(s->w[i] + 6, a, sizeof(a)) != 0)
					return cd_bad(d, s, i, "not an address", "tls://ip[:port]");
			} else if (cd_addr(s->w[i], a, sizeof(a)) != 0) {
				return cd_bad(d, s, i, "not an address", "ip[:port] or a resolv.conf path");
			}
			rc = f ? onprem_fwd_add_to(f, a) : onprem_deflt_add(d->c, a);
		}
		if (f != NULL) {
			f->policy = policy;
			if (!given)
				onprem_note_set(&f->policy_note, false, "CoreDNS's default policy");
			if (onprem_fwd_drop_empty(d->c, f))
				onprem_warn(d->c, s->file, s->line, s->col,
					    "forward %s to a resolv.conf only: no forward entry (the host's resolvers)",
					    zone);
		} else if (resolv && d->c->n_deflt_to == 0) {
			onprem_note_set(&d->c->deflt_note, false,
					"forward . %s: the host's resolvers, taken as the internet",
					s->w[2]);
		}
	}
	return rc;
}

static int
cd_hosts(struct cd_ctx *d, const struct stmt *s, char zones[][300], size_t nz)
{
	bool fall = false;
	unsigned ttl = 3600;
	int rc = 0;

	if (s->n > 1 && s->w[1][0] == '/')
		onprem_warn(d->c, s->file, s->wline[1], s->wcol[1],
			    "hosts %s: the hosts file is not read, only the inline entries", s->w[1]);
	for (size_t i = 0; i < s->n_kids; i++) {
		const struct stmt *e = &s->kids[i];

		if (strcmp(stmt_word(e, 0), "fallthrough") == 0)
			fall = true;
		else if (strcmp(stmt_word(e, 0), "ttl") == 0)
			ttl = (unsigned)strtoul(stmt_word(e, 1), NULL, 10);
	}
	for (size_t i = 0; i < s->n_kids && rc == 0; i++) {
		const struct stmt *e = &s->kids[i];
		char a[80], text[600], name[300];
		const char *why = NULL;

		if (strcmp(stmt_word(e, 0), "fallthrough") == 0 || strcmp(stmt_word(e, 0), "ttl") == 0 ||
		    strcmp(stmt_word(e, 0), "reload") == 0 || strcmp(stmt_word(e, 0), "no_reverse") == 0)
			continue;
		if (onprem_addr_norm(stmt_word(e, 0), 0, 53, a, sizeof(a)) != 0 || e->n < 2)
			return cd_bad(d, e, 0, "not a hosts entry", "ip name… (or ttl, fallthrough)");
		for (size_t j = 1; j < e->n && rc == 0; j++) {
			const struct onprem_zone *z;

			if (onprem_name_norm(e->w[j], name, sizeof(name)) != 0)
				return cd_bad(d, e, j, "not a DNS name", "ip name…");
			snprintf(text, sizeof(text), "%s. %u IN %s %s", name, ttl,
				 strchr(a, ':') ? "AAAA" : "A", a);
			z = NULL;
			for (size_t k = 0; k < nz && !fall; k++) {
				if (dns_str_is_subdomain(name, zones[k]))
					z = onprem_zone_get(d->c, zones[k]);
			}
			rc = onprem_rr_add(d->c, text, "", ttl, z ? z->name : name, &why);
			if (rc == HNS_EPARSE)
				return cd_bad(d, e, j, why, "ip name…");
			if (rc == 0 && fall && onprem_zone_holding(d->c, name)->note.text[0] == '\0')
				onprem_note_set(&onprem_zone_holding(d->c, name)->note, true,
						"hosts with fallthrough: other names go on to the next plugin; a zone per name is closest");
		}
	}
	return rc;
}

static int
cd_file(struct cd_ctx *d, const struct stmt *s, char zones[][300], size_t nz)
{
	char path[4096], z[300];
	int rc = 0;

	if (s->n < 2)
		return cd_bad(d, s, 1, "file without its zone file", "file DBFILE [ZONES…]");
	onprem_path_rel(s->file, s->w[1], path, sizeof(path));
	if (s->n == 2) {
		for (size_t i = 0; i < nz && rc == 0; i++)
			rc = onprem_zone_file(d->c, zones[i], path, d->err);
		return rc;
	}
	for (size_t i = 2; i < s->n && rc == 0; i++) {
		if (onprem_name_norm(s->w[i], z, sizeof(z)) != 0)
			return cd_bad(d, s, i, "not a zone name", "file DBFILE [ZONES…]");
		rc = onprem_zone_file(d->c, z, path, d->err);
	}
	return rc;
}

static int
cd_block(struct cd_ctx *d, const struct stmt *b)
{
	char zones[CD_ZONES_MAX][300];
	size_t nz = 0;
	int rc = 0;

	if (b->n > 0 && b->w[0][0] == '(') {
		onprem_warn(d->c, b->file, b->line, b->col, "snippet %s is not read: skipped", b->w[0]);
		return 0;
	}
	if (!b->has_block)
		return cd_bad(d, b, 0, "a line outside any server block", "ZONE { … }");
	for (size_t i = 0; i < b->n && nz < CD_ZONES_MAX; i++) {
		if (cd_zone_key(b->w[i], zones[nz], sizeof(zones[nz])) != 0)
			return cd_bad(d, b, i, "not a zone", "ZONE[:PORT] { … }");
		d->root_block |= zones[nz][0] == '\0';
		nz++;
	}
	for (size_t i = 0; i < b->n_kids && rc == 0; i++) {
		const struct stmt *s = &b->kids[i];
		const char *k = stmt_word(s, 0);

		if (strcmp(k, "forward") == 0 || strcmp(k, "proxy") == 0) {
			rc = cd_forward(d, s, zones, nz);
		} else if (strcmp(k, "file") == 0) {
			rc = cd_file(d, s, zones, nz);
		} else if (strcmp(k, "hosts") == 0) {
			rc = cd_hosts(d, s, zones, nz);
		} else if (strcmp(k, "acl") == 0) {
			for (size_t j = 0; j < s->n_kids; j++) {
				if ((strcmp(stmt_word(&s->kids[j], 0), "block") == 0 ||
				     strcmp(stmt_word(&s->kids[j], 0), "drop") == 0) &&
				    s->kids[j].n == 1 && nz > 0 && zones[0][0] == '\0')
					d->root_refuse = true;
			}
		} else if (strcmp(k, "bind") == 0) {
			char a[80];

			for (size_t j = 1; j < s->n && d->c->listen == NULL; j++) {
				if (onprem_addr_norm(s->w[j], 0, 53, a, sizeof(a)) == 0 &&
				    strncmp(a, "127.", 4) != 0 && (d->c->listen = strdup(a)) == NULL)
					return HNS_ENOMEM;
			}
		} else {
			bool quiet = false;

			for (size_t j = 0; cd_quiet[j] != NULL && !quiet; j++)
				quiet = strcmp(cd_quiet[j], k) == 0;
			if (!quiet)
				onprem_warn(d->c, s->file, s->line, s->col,
					    "plugin '%s' is not read by hybridns import: skipped", k);
		}
	}
	return rc;
}

int
onprem_read_coredns(struct onprem_conf *c, const char *path, FILE *err)
{
	struct cd_ctx d;
	struct stmt top;
	int rc;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.err = err;
	rc = tree_parse(path, TREE_COREDNS, &top, err);
	if (rc != 0 && rc != HNS_EPARSE) {
		fprintf(err, "%s: %s\n", path, onprem_open_error(rc));
		return HNS_EPARSE;
	}
	if (rc != 0)
		return rc;
	rc = onprem_source_add(c, path);
	for (size_t i = 0; i < top.n_kids && rc == 0; i++)
		rc = cd_block(&d, &top.kids[i]);
	tree_free(&top);
	if (rc != 0)
		return rc;
	if (d.root_refuse || !d.root_block) {
		c->deflt = ONPREM_DEFAULT_REFUSE;
		onprem_note_set(&c->deflt_note, false, "%s",
				d.root_refuse ? "acl { block } in the \".\" block"
					      : "no \".\" server block: CoreDNS refuses names no block serves");
	} else if (c->n_deflt_to > 0) {
		c->deflt = ONPREM_DEFAULT_UPSTREAMS;
	} else if (!d.root_forward) {
		onprem_note_set(&c->deflt_note, true,
				"the \".\" block forwards nowhere; taken as the internet");
	}
	return 0;
}
