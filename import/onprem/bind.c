/*
 * import/onprem/bind.c -- named.conf (BIND 9) into an on-prem resolver.
 *
 *   options { forwarders { ip [port N]; … }; forward only|first; }
 *                         the global forwarders: default (upstreams, or the
 *                         internet when nothing in the scenario serves them)
 *   options { recursion no; }        default: refuse
 *   options { listen-on [port N] { ip; }; }   the resolver's address
 *   options { directory "…"; }       where relative file names are found
 *   zone "z" { type forward; forward only|first; forwarders { … }; }
 *                         a forward entry (first: a note, the scenario forwards only)
 *   zone "z" { type primary|master; file "…"; }    a local zone, read with ldns
 *   zone "z" { type static-stub|stub; server-addresses|primaries|masters { … }; }
 *                         a forward entry (guessed: named asks them iteratively)
 *   include "…";          read in place
 *   view "v" { … }        its zones read as the resolver's (a warning)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "import/onprem/onprem.h"
#include "import/onprem/tree.h"

#define BIND_INCLUDE_DEPTH 16

struct bind_ctx {
	struct onprem_conf *c;
	FILE *err;
	char dir[4096]; /* options { directory }, or "" */
	bool recursion_off;
	bool global_first;
	int depth;
};

/* Statements read and deliberately without effect on the scenario. */
static const char *const bind_quiet_top[] = {
	"acl", "logging", "key", "controls", "trust-anchors", "managed-keys", "trusted-keys",
	"statistics-channels", "server", "primaries", "masters", "tls", "http", "dnssec-policy",
	"key-store", "remote-servers", "plugin", NULL,
};
static const char *const bind_quiet_opt[] = {
	"dnssec-validation", "listen-on-v6", "allow-query", "allow-query-cache", "allow-transfer",
	"allow-recursion", "allow-update", "auth-nxdomain", "pid-file", "querylog", "version",
	"hostname", "server-id", "notify", "empty-zones-enable", "minimal-responses",
	"max-cache-size", "max-cache-ttl", "max-ncache-ttl", "dump-file", "statistics-file",
	"memstatistics-file", "session-keyfile", "managed-keys-directory", "key-directory",
	"recursive-clients", "tcp-clients", "rate-limit", "qname-minimization", "dnssec-enable",
	"check-names", "blackhole", "also-notify", "notify-source", "transfer-source",
	"query-source", "query-source-v6", "zone-statistics", "bindkeys-file",
	"answer-cookie", "send-cookie", "resolver-query-timeout", "lame-ttl", "prefetch", NULL,
};
static const char *const bind_quiet_zone[] = {
	"allow-query", "allow-transfer", "allow-update", "also-notify", "notify",
	"check-names", "zone-statistics", "key-directory", "dnssec-policy", "inline-signing",
	"journal", "masterfile-format", "max-journal-size", "update-policy", "class", NULL,
};

static bool
in_list(const char *const *l, const char *w)
{
	for (; *l != NULL; l++) {
		if (strcmp(*l, w) == 0)
			return true;
	}
	return false;
}

static int
bind_bad(struct bind_ctx *b, const struct stmt *s, size_t i, const char *what, const char *exp)
{
	uint32_t line = i < s->n ? s->wline[i] : s->line, col = i < s->n ? s->wcol[i] : s->col;

	fprintf(b->err, "%s:%u:%u: %s (expected %s)\n", s->file, line, col, what, exp);
	return HNS_EPARSE;
}

/* A file name of the configuration: under `directory` when it exists there, else beside s's file. */
static void
bind_path(const struct bind_ctx *b, const struct stmt *s, const char *name, char *buf,
	  size_t len)
{
	if (name[0] != '/' && b->dir[0] != '\0') {
		int n = snprintf(buf, len, "%s/%s", b->dir, name);

		if (n > 0 && (size_t)n < len && access(buf, R_OK) == 0)
			return;
	}
	onprem_path_rel(s->file, name, buf, len);
}

/*
 * An address list block ({ ip [port N]; … }) into `add`, with the list's
 * default port.  Named lists and ACL names (any, none, localhost) are
 * skipped with a warning.
 */
static int
bind_addrs(struct bind_ctx *b, const struct stmt *blk, unsigned port,
	   int (*add)(void *ctx, const char *addr), void *ctx)
{
	char a[80];
	int rc;

	for (size_t i = 0; i < blk->n_kids; i++) {
		const struct stmt *e = &blk->kids[i];
		unsigned p = port;

		if (e->has_block || e->n == 0)
			return bind_bad(b, e, 0, "a nested list", "an address");
		for (size_t j = 1; j + 1 < e->n; j += 2) {
			if (strcmp(e->w[j], "port") == 0)
				p = (unsigned)strtoul(e->w[j + 1], NULL, 10);
		}
		if (onprem_addr_norm(e->w[0], 0, p, a, sizeof(a)) != 0) {
			if (strcmp(e->w[0], "any") == 0 || strcmp(e->w[0], "none") == 0 ||
			    strcmp(e->w[0], "localhost") == 0 || strcmp(e->w[0], "localnets") == 0)
				continue;
			if (strchr(e->w[0], '/') != NULL || strchr(e->w[0], '.') == NULL) {
				onprem_warn(b->c, e->file, e->line, e->col,
					    "'%s' is a list name or prefix, not an address: skipped",
					    e->w[0]);
				continue;
			}
			return bind_bad(b, e, 0, "not an IP address", "ip [port N];");
		}
		if ((rc = add(ctx, a)) != 0)
			return rc;
	}
	return 0;
}

/* "listen-on [port N] { … }" / "forwarders [port N] { … }": the port before the block. */
static unsigned
bind_list_port(const struct stmt *s)
{
	for (size_t i = 1; i + 1 < s->n; i++) {
		if (strcmp(s->w[i], "port") == 0)
			return (unsigned)strtoul(s->w[i + 1], NULL, 10);
	}
	return 53;
}

static int
add_listen(void *ctx, const char *a)
{
	struct onprem_conf *c = ctx;

	if (c->listen != NULL || strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strncmp(a, "0.0.0.0", 7) == 0)
		return 0;
	c->listen = strdup(a);
	return c->listen ? 0 : HNS_ENOMEM;
}

static int
add_deflt(void *ctx, const char *a)
{
	return onprem_deflt_add(ctx, a);
}

static int
add_fwd(void *ctx, const char *a)
{
	return onprem_fwd_add_to(ctx, a);
}

static int
bind_options(struct bind_ctx *b, const struct stmt *o)
{
	int rc = 0;

	for (size_t i = 0; i < o->n_kids && rc == 0; i++) {
		const struct stmt *s = &o->kids[i];
		const char *k = stmt_word(s, 0);

		if (strcmp(k, "forwarders") == 0 && s->has_block)
			rc = bind_addrs(b, s, bind_list_port(s), add_deflt, b->c);
		else if (strcmp(k, "forward") == 0)
			b->global_first = strcmp(stmt_word(s, 1), "first") == 0;
		else if (strcmp(k, "listen-on") == 0 && s->has_block)
			rc = bind_addrs(b, s, bind_list_port(s), add_listen, b->c);
		else if (strcmp(k, "directory") == 0 && s->n == 2)
			snprintf(b->dir, sizeof(b->dir), "%s", s->w[1]);
		else if (strcmp(k, "recursion") == 0)
			b->recursion_off = strcmp(stmt_word(s, 1), "no") == 0;
		else if (!in_list(bind_quiet_opt, k))
			onprem_warn(b->c, s->file, s->line, s->col,
				    "options: '%s' is not read by hybridns import: skipped", k);
	}
	return rc;
}

static const struct stmt *
zone_opt(const struct stmt *z, const char *key)
{
	for (size_t i = 0; i < z->n_kids; i++) {
		if (strcmp(stmt_word(&z->kids[i], 0), key) == 0)
			return &z->kids[i];
	}
	return NULL;
}

static int
bind_zone_forward(struct bind_ctx *b, const struct stmt *z, const char *name, const char *type)
{
	bool stub = strcmp(type, "forward") != 0;
	const struct stmt *f = zone_opt(z, stub ? "server-addresses" : "forwarders");
	const struct stmt *mode = zone_opt(z, "forward");
	struct onprem_fwd *fw;
	int rc;

	if (f == NULL && stub)
		f = zone_opt(z, "primaries") ? zone_opt(z, "primaries") : zone_opt(z, "masters");
	if (f == NULL || !f->has_block)
		return bind_bad(b, z, 1, "a zone without its server list",
				stub ? "server-addresses, primaries or masters { ip; }"
				     : "forwarders { ip [port N]; }");
	if (f->n_kids == 0) {
		onprem_warn(b->c, f->file, f->line, f->col,
			    "zone %s: an empty forwarders list: named resolves it itself, no forward entry",
			    name[0] ? name : ".");
		return 0;
	}
	if (name[0] == '\0' && !stub) {
		/* zone "." { type forward; }: the default */
		rc = bind_addrs(b, f, bind_list_port(f), add_deflt, b->c);
		b->global_first = mode != NULL && strcmp(stmt_word(mode, 1), "first") == 0;
		return rc;
	}
	if ((fw = onprem_fwd_get(b->c, name)) == NULL)
		return HNS_ENOMEM;
	if ((rc = bind_addrs(b, f, bind_list_port(f), add_fwd, fw)) != 0)
		return rc;
	if (onprem_fwd_drop_empty(b->c, fw)) {
		onprem_warn(b->c, f->file, f->line, f->col,
			    "zone %s: no address among its servers: no forward entry",
			    name[0] ? name : ".");
		return 0;
	}
	onprem_note_set(&fw->policy_note, true,
			"BIND has no order: it prefers the forwarder with the lowest smoothed RTT");
	if (stub)
		onprem_note_set(&fw->note, true,
				"type %s: named asks these servers iteratively; a forward entry is closest",
				type);
	else if (mode == NULL || strcmp(stmt_word(mode, 1), "first") == 0)
		onprem_note_set(&fw->note, true,
				"forward first%s: named falls back to its own resolution when they fail; the scenario forwards only",
				mode == NULL ? " (BIND's default)" : "");
	return 0;
}

static int
bind_zone(struct bind_ctx *b, const struct stmt *z)
{
	const struct stmt *t = zone_opt(z, "type"), *file;
	char name[300], path[4096];
	const char *type;

	if (z->n < 2 || !z->has_block)
		return bind_bad(b, z, 0, "a zone statement without name or block",
				"zone \"name\" { … };");
	if (onprem_name_norm(z->w[1], name, sizeof(name)) != 0)
		return bind_bad(b, z, 1, "not a DNS name", "a zone name");
	if (t == NULL || t->n < 2)
		return bind_bad(b, z, 1, "a zone without type", "type primary|forward|…;");
	type = t->w[1];
	for (size_t i = 0; i < z->n_kids; i++) {
		const char *k = stmt_word(&z->kids[i], 0);

		if (!in_list(bind_quiet_zone, k) && strcmp(k, "type") != 0 &&
		    strcmp(k, "file") != 0 && strcmp(k, "forward") != 0 &&
		    strcmp(k, "forwarders") != 0 && strcmp(k, "server-addresses") != 0 &&
		    strcmp(k, "primaries") != 0 && strcmp(k, "masters") != 0)
			onprem_warn(b->c, z->kids[i].file, z->kids[i].line, z->kids[i].col,
				    "zone %s: '%s' is not read by hybridns import: skipped",
				    name[0] ? name : ".", k);
	}
	if (strcmp(type, "forward") == 0 || strcmp(type, "static-stub") == 0 ||
	    strcmp(type, "stub") == 0)
		return bind_zone_forward(b, z, name, type);
	if (strcmp(type, "hint") == 0)
		return 0; /* root hints: the resolver recurses (default internet) */
	if (strcmp(type, "primary") != 0 && strcmp(type, "master") != 0) {
		onprem_warn(b->c, t->file, t->wline[1], t->wcol[1],
			    "zone %s: type %s is not imported (primary, master, forward, stub, static-stub are): skipped",
			    name[0] ? name : ".", type);
		return 0;
	}
	file = zone_opt(z, "file");
	if (file == NULL || file->n < 2)
		return bind_bad(b, z, 1, "a primary zone without its file", "file \"…\";");
	bind_path(b, file, file->w[1], path, sizeof(path));
	return onprem_zone_file(b->c, name, path, b->err);
}

static int bind_file(struct bind_ctx *b, const char *path, const struct stmt *from);

static int
bind_block(struct bind_ctx *b, const struct stmt *top, bool in_view)
{
	int rc = 0;

	for (size_t i = 0; i < top->n_kids && rc == 0; i++) {
		const struct stmt *s = &top->kids[i];
		const char *k = stmt_word(s, 0);
		char path[4096];

		if (strcmp(k, "include") == 0) {
			if (s->n != 2)
				return bind_bad(b, s, 0, "include without a file name",
						"include \"file\";");
			bind_path(b, s, s->w[1], path, sizeof(path));
			rc = bind_file(b, path, s);
		} else if (strcmp(k, "options") == 0 && s->has_block && !in_view) {
			rc = bind_options(b, s);
		} else if (strcmp(k, "zone") == 0) {
			rc = bind_zone(b, s);
		} else if (strcmp(k, "view") == 0 && s->has_block && !in_view) {
			onprem_warn(b->c, s->file, s->line, s->col,
				    "view %s: its zones are read as the resolver's own (a scenario resolver has no views)",
				    stmt_word(s, 1));
			rc = bind_block(b, s, true);
		} else if (!in_list(bind_quiet_top, k) && !(in_view && in_list(bind_quiet_opt, k))) {
			onprem_warn(b->c, s->file, s->line, s->col,
				    "'%s' is not read by hybridns import: skipped", k);
		}
	}
	return rc;
}

static int
bind_file(struct bind_ctx *b, const char *path, const struct stmt *from)
{
	struct stmt top;
	int rc;

	if (b->depth >= BIND_INCLUDE_DEPTH) {
		return bind_bad(b, from, 1, "includes nested too deeply (a loop?)",
				"at most 16 levels");
	}
	rc = tree_parse(path, TREE_BIND, &top, b->err);
	if (rc != 0 && rc != HNS_EPARSE) {
		if (from != NULL)
			fprintf(b->err, "%s:%u:%u: cannot read %s: %s (expected a readable file)\n",
				from->file, from->wline[1], from->wcol[1], path, onprem_open_error(rc));
		else
			fprintf(b->err, "%s: %s\n", path, onprem_open_error(rc));
		return HNS_EPARSE;
	}
	if (rc != 0)
		return rc;
	if ((rc = onprem_source_add(b->c, path)) == 0) {
		b->depth++;
		rc = bind_block(b, &top, false);
		b->depth--;
	}
	tree_free(&top);
	return rc;
}

int
onprem_read_bind(struct onprem_conf *c, const char *path, FILE *err)
{
	struct bind_ctx b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.c = c;
	b.err = err;
	if ((rc = bind_file(&b, path, NULL)) != 0)
		return rc;
	if (b.recursion_off) {
		c->deflt = ONPREM_DEFAULT_REFUSE;
		onprem_note_set(&c->deflt_note, false,
				"recursion no: named refuses names it does not serve (and would not forward either)");
	} else if (c->n_deflt_to > 0) {
		c->deflt = ONPREM_DEFAULT_UPSTREAMS;
		if (b.global_first)
			onprem_note_set(&c->deflt_note, true,
					"forward first: named falls back to the root when they fail");
	} else {
		onprem_note_set(&c->deflt_note, false,
				"no global forwarders: named resolves other names from the root");
	}
	return 0;
}
