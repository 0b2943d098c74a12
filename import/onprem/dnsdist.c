/*
 * import/onprem/dnsdist.c -- the Lua of dnsdist.conf (the subset a
 * configuration of pools and rules uses) into an on-prem resolver.
 *
 *   newServer({address="ip:port", pool="p"|{…}})   a server of pool p (none: the default pool)
 *   setPoolServerPolicy(pol, "p"), setServerPolicy(pol)
 *                       firstAvailable sequential, roundrobin round_robin,
 *                       wrandom/whashed/chashed random, leastOutstanding
 *                       (dnsdist's default) sequential, guessed
 *   addAction({"z."…} | "z." | SuffixMatchNodeRule(smn), PoolAction("p"))
 *                       a forward entry per name to pool p's servers
 *   smn = newSuffixMatchNode(); smn:add("z.")        the names of a rule
 *   addAction(QNameRule|AndRule({QNameRule, QTypeRule(t)})|RegexRule("^.+\\.x$"),
 *             SpoofAction|SpoofCNAMEAction|SpoofRawAction(…, {ttl=N}))   records
 *   addAction({"z."}, RCodeAction(DNSRCode.NXDOMAIN))  a local zone z
 *   addAction(AllRule(), RCodeAction(DNSRCode.REFUSED)) default: refuse
 *   newPacketCache(n, {maxTTL=, minTTL=, maxNegativeTTL=})  the cache
 *   setLocal("ip:port") the resolver's address;  setUDPTimeout(s) every timeout
 * Anything else is skipped with a warning.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common/error.h"
#include "import/onprem/onprem.h"
#include "import/onprem/tok.h"

#define LV_DEPTH_MAX 16
#define DD_VARS_MAX 64

enum lv_kind { LV_STR, LV_WORD, LV_TABLE, LV_CALL };

/* A Lua value of the subset: a string, a word (name or number), a table, a call. */
struct lv {
	enum lv_kind kind;
	char *s;	 /* STR, WORD; CALL: the function ("smn:add" for methods) */
	size_t slen;	 /* STR: bytes (may hold NULs) */
	struct lv *v;	 /* TABLE items, CALL arguments */
	char **keys;	 /* TABLE: key of item i, or NULL */
	size_t n;
	uint32_t line, col;
};

struct dd_server {
	char addr[80];
	char pool[300];
};

struct dd_ctx {
	struct onprem_conf *c;
	FILE *err;
	const char *file;
	struct tokenizer t;
	struct dd_server *srv;
	size_t n_srv;
	struct {
		char pool[300];
		const char *policy;
		bool guessed;
	} pol[64];
	size_t n_pol;
	const char *global_policy;
	struct {
		char name[64];
		char **names; /* a SuffixMatchNode's names */
		size_t n;
	} vars[DD_VARS_MAX];
	size_t n_vars;
	struct {
		char zone[300];
		char pool[300];
	} routes[256];
	size_t n_routes;
	bool refuse;
	uint32_t timeout_s;
	/* spoofed records, placed once every zone rule is known */
	struct dd_rec {
		char *text;
		char name[300];
		uint32_t line, col;
	} *recs;
	size_t n_recs;
};

static void
lv_free(struct lv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		lv_free(&v->v[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

static int
dd_bad_at(struct dd_ctx *d, uint32_t line, uint32_t col, const char *what, const char *exp)
{
	fprintf(d->err, "%s:%u:%u: %s (expected %s)\n", d->file, line, col, what, exp);
	return HNS_EPARSE;
}

static int
dd_bad(struct dd_ctx *d, const struct tok *k, const char *exp)
{
	if (k->kind == TOK_ERROR)
		return dd_bad_at(d, k->line, k->col, k->text, exp);
	fprintf(d->err, "%s:%u:%u: unexpected %s%s%s (expected %s)\n", d->file, k->line, k->col,
		k->kind == TOK_EOF ? "end of file" : "'", k->kind == TOK_EOF ? "" : k->text,
		k->kind == TOK_EOF ? "" : "'", exp);
	return HNS_EPARSE;
}

static int lv_parse(struct dd_ctx *d, struct lv *out, int depth);

static int
lv_push(struct lv *list, char *key, struct lv *item)
{
	struct lv *nv = realloc(list->v, (list->n + 1) * sizeof(*nv));
	char **nk;

	if (nv == NULL)
		return HNS_ENOMEM;
	list->v = nv;
	if (list->kind == LV_TABLE) {
		nk = realloc(list->keys, (list->n + 1) * sizeof(*nk));
		if (nk == NULL)
			return HNS_ENOMEM;
		list->keys = nk;
		nk[list->n] = key;
	}
	nv[list->n++] = *item;
	return 0;
}

/* Items up to `close`, separated by ',' (or ';' in tables); table items may be `key = value`. */
static int
lv_items(struct dd_ctx *d, struct lv *list, char close, int depth)
{
	for (;;) {
		struct tok k = tok_peek(&d->t);
		struct lv item;
		char *key = NULL;
		int rc;

		if (tok_is(&k, close)) {
			tok_next(&d->t);
			return 0;
		}
		memset(&item, 0, sizeof(item));
		rc = lv_parse(d, &item, depth + 1);
		k = tok_peek(&d->t);
		if (rc == 0 && list->kind == LV_TABLE && item.kind == LV_WORD && tok_is(&k, '=')) {
			key = item.s; /* `key = value` */
			item.s = NULL;
			tok_next(&d->t);
			lv_free(&item);
			rc = lv_parse(d, &item, depth + 1);
		}
		if (rc != 0 || (rc = lv_push(list, key, &item)) != 0) {
			free(key);
			lv_free(&item);
			return rc;
		}
		k = tok_next(&d->t);
		if (tok_is(&k, close))
			return 0;
		if (!tok_is(&k, ',') && !(list->kind == LV_TABLE && tok_is(&k, ';')))
			return dd_bad(d, &k, close == ')' ? "',' or ')'" : "',' or '}'");
	}
}

static int
lv_parse(struct dd_ctx *d, struct lv *out, int depth)
{
	struct tok k = tok_next(&d->t);

	memset(out, 0, sizeof(*out));
	out->line = k.line;
	out->col = k.col;
	if (depth > LV_DEPTH_MAX)
		return dd_bad(d, &k, "less deeply nested values");
	if (k.kind == TOK_STRING) {
		out->kind = LV_STR;
		out->slen = k.len;
		if ((out->s = malloc(k.len + 1)) == NULL)
			return HNS_ENOMEM;
		memcpy(out->s, k.text, k.len + 1);
		return 0;
	}
	if (tok_is(&k, '{')) {
		out->kind = LV_TABLE;
		return lv_items(d, out, '}', depth);
	}
	if (k.kind != TOK_WORD)
		return dd_bad(d, &k, "a value");
	out->kind = LV_WORD;
	if ((out->s = strdup(k.text)) == NULL)
		return HNS_ENOMEM;
	k = tok_peek(&d->t);
	if (tok_is(&k, ':')) { /* method call: obj:method(…) */
		char *m;

		tok_next(&d->t);
		k = tok_next(&d->t);
		if (k.kind != TOK_WORD)
			return dd_bad(d, &k, "a method name after ':'");
		if ((m = malloc(strlen(out->s) + strlen(k.text) + 2)) == NULL)
			return HNS_ENOMEM;
		sprintf(m, "%s:%s", out->s, k.text);
		free(out->s);
		out->s = m;
		k = tok_peek(&d->t);
		if (!tok_is(&k, '('))
			return dd_bad(d, &k, "'(' after a method name");
	}
	if (tok_is(&k, '(')) {
		int rc;

		tok_next(&d->t);
		out->kind = LV_CALL;
		if ((rc = lv_items(d, out, ')', depth)) != 0)
			return rc;
		k = tok_peek(&d->t);
		if (tok_is(&k, ':')) {
			/* f(…):method(…): the method's call, named "f:method" (f's arguments dropped) */
			struct lv m;

			memset(&m, 0, sizeof(m));
			tok_next(&d->t);
			k = tok_next(&d->t);
			if (k.kind != TOK_WORD)
				return dd_bad(d, &k, "a method name after ':'");
			m.kind = LV_CALL;
			m.line = out->line;
			m.col = out->col;
			if ((m.s = malloc(strlen(out->s) + strlen(k.text) + 2)) == NULL)
				return HNS_ENOMEM;
			sprintf(m.s, "%s:%s", out->s, k.text);
			k = tok_next(&d->t);
			if (!tok_is(&k, '(')) {
				lv_free(&m);
				return dd_bad(d, &k, "'(' after a method name");
			}
			if ((rc = lv_items(d, &m, ')', depth)) != 0) {
				lv_free(&m);
				return rc;
			}
			lv_free(out);
			*out = m;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- meaning */

static const struct lv *
lv_field(const struct lv *t, const char *key)
{
	for (size_t i = 0; t->kind == LV_TABLE && i < t->n; i++) {
		if (t->keys[i] != NULL && strcmp(t->keys[i], key) == 0)
			return &t->v[i];
	}
	return NULL;
}

static bool
lv_is_call(const struct lv *v, const char *fn)
{
	return v->kind == LV_CALL && strcmp(v->s, fn) == 0;
}

static const char *
dd_policy(const char *w, bool *guessed)
{
	*guessed = false;
	if (strcmp(w, "firstAvailable") == 0)
		return "sequential";
	if (strcmp(w, "roundrobin") == 0)
		return "round_robin";
	if (strcmp(w, "wrandom") == 0 || strcmp(w, "whashed") == 0 || strcmp(w, "chashed") == 0)
		return "random";
	*guessed = true;
	return "sequential"; /* leastOutstanding and custom Lua policies */
}

static int
dd_new_server(struct dd_ctx *d, const struct lv *call)
{
	const struct lv *arg = call->n > 0 ? &call->v[0] : NULL;
	const struct lv *addr = NULL, *pool = NULL;
	struct dd_server *ns;
	char a[80];

	if (arg != NULL && arg->kind == LV_STR)
		addr = arg;
	else if (arg != NULL && arg->kind == LV_TABLE) {
		addr = lv_field(arg, "address");
		pool = lv_field(arg, "pool");
	}
	if (addr == NULL || addr->kind != LV_STR)
		return dd_bad_at(d, call->line, call->col, "newServer without an address",
				 "newServer({address=\"ip:port\"})");
	if (onprem_addr_norm(addr->s, ':', 53, a, sizeof(a)) != 0)
		return dd_bad_at(d, addr->line, addr->col, "not an address", "\"ip[:port]\"");
	for (size_t i = 0; i < (pool && pool->kind == LV_TABLE ? pool->n : 1); i++) {
		const struct lv *p = pool && pool->kind == LV_TABLE ? &pool->v[i] : pool;

		ns = realloc(d->srv, (d->n_srv + 1) * sizeof(*ns));
		if (ns == NULL)
			return HNS_ENOMEM;
		d->srv = ns;
		ns = &d->srv[d->n_srv++];
		snprintf(ns->addr, sizeof(ns->addr), "%s", a);
		snprintf(ns->pool, sizeof(ns->pool), "%s", p && p->kind == LV_STR ? p->s : "");
	}
	return 0;
}

/* The names a rule selects (a string, a table of strings, a SuffixMatchNodeRule(var)). */
static int
dd_rule_names(struct dd_ctx *d, const struct lv *r, const char ***names, size_t *n)
{
	static const char *one[1];

	if (r->kind == LV_STR) {
		one[0] = r->s;
		*names = one;
		*n = 1;
		return 0;
	}
	if (r->kind == LV_TABLE) {
		const char **v = calloc(r->n ? r->n : 1, sizeof(*v));

		if (v == NULL)
			return HNS_ENOMEM;
		for (size_t i = 0; i < r->n; i++) {
			if (r->v[i].kind != LV_STR) {
				free(v);
				return dd_bad_at(d, r->v[i].line, r->v[i].col, "not a name",
						 "a table of \"names.\"");
			}
			v[i] = r->v[i].s;
		}
		*names = v;
		*n = r->n;
		return 1; /* the caller frees *names */
	}
	if (lv_is_call(r, "SuffixMatchNodeRule") && r->n > 0 && r->v[0].kind == LV_WORD) {
		for (size_t i = 0; i < d->n_vars; i++) {
			if (strcmp(d->vars[i].name, r->v[0].s) == 0) {
				*names = (const char **)d->vars[i].names;
				*n = d->vars[i].n;
				return 0;
			}
		}
	}
	return -1; /* not a name rule */
}

static int
dd_route(struct dd_ctx *d, const struct lv *rule, const struct lv *act)
{
	const char **names;
	size_t n;
	int own = dd_rule_names(d, rule, &names, &n);

	if (own < -1 || own == HNS_EPARSE || own == HNS_ENOMEM)
		return own;
	if (own < 0 || act->n < 1 || act->v[0].kind != LV_STR)
		return dd_bad_at(d, rule->line, rule->col, "a PoolAction rule that selects no names",
				 "{\"zone.\"}, \"zone.\" or SuffixMatchNodeRule(smn)");
	for (size_t i = 0; i < n && d->n_routes < 256; i++) {
		if (onprem_name_norm(names[i], d->routes[d->n_routes].zone, 300) != 0) {
			if (own == 1)
				free(names);
			return dd_bad_at(d, rule->line, rule->col, "not a DNS name", "\"zone.\"");
		}
		snprintf(d->routes[d->n_routes].pool, 300, "%s", act->v[0].s);
		d->n_routes++;
	}
	if (own == 1)
		free(names);
	return 0;
}

/* "^.+\.apps\.corp\.example\.com$" (as the Lua string holds it) -> "*.apps.corp.example.com" */
static bool
dd_regex_owner(const char *re, char *buf, size_t len)
{
	size_t o = 2;

	if (strncmp(re, "^.+\\.", 5) != 0 || len < 4)
		return false;
	buf[0] = '*';
	buf[1] = '.';
	for (const char *p = re + 5; *p && o + 1 < len; p++) {
		if (*p == '$' && p[1] == '\0')
			break;
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (strchr(".^$()[]{}*+?|", *p) != NULL)
			return false;
		buf[o++] = *p;
	}
	buf[o] = '\0';
	return true;
}

/* The owner and qtype a spoof rule selects: QNameRule, RegexRule, AndRule({…, QTypeRule}). */
static bool
dd_spoof_target(const struct lv *rule, char *owner, size_t len, unsigned *qtype)
{
	if (lv_is_call(rule, "AndRule") && rule->n == 1 && rule->v[0].kind == LV_TABLE) {
		bool got = false;

		for (size_t i = 0; i < rule->v[0].n; i++) {
			const struct lv *r = &rule->v[0].v[i];

			if (lv_is_call(r, "QTypeRule") && r->n == 1 && r->v[0].kind == LV_WORD)
				*qtype = strncmp(r->v[0].s, "DNSQType.", 9) == 0
						 ? (unsigned)ldns_get_rr_type_by_name(r->v[0].s + 9)
						 : (unsigned)strtoul(r->v[0].s, NULL, 10);
			else
				got |= dd_spoof_target(r, owner, len, qtype);
		}
		return got;
	}
	if (lv_is_call(rule, "QNameRule") && rule->n == 1 && rule->v[0].kind == LV_STR) {
		snprintf(owner, len, "%s", rule->v[0].s);
		return true;
	}
	if (lv_is_call(rule, "RegexRule") && rule->n == 1 && rule->v[0].kind == LV_STR)
		return dd_regex_owner(rule->v[0].s, owner, len);
	return false;
}

static uint32_t
dd_ttl(const struct lv *act, size_t opt_index)
{
	const struct lv *o = act->n > opt_index ? &act->v[opt_index] : NULL;
	const struct lv *t = o ? lv_field(o, "ttl") : NULL;

	return t && t->kind == LV_WORD ? (uint32_t)strtoul(t->s, NULL, 10) : 60;
}

static int dd_spoof(struct dd_ctx *d, const struct lv *rule, const struct lv *act);

/* One record from a spoof action, kept until every zone rule is known (dd_place). */
static int
dd_record(struct dd_ctx *d, const struct lv *at, const char *owner, uint32_t ttl,
	  const char *type, const char *rdata)
{
	struct dd_rec *r = realloc(d->recs, (d->n_recs + 1) * sizeof(*r));
	char name[300];
	size_t len;

	if (r == NULL)
		return HNS_ENOMEM;
	d->recs = r;
	if (onprem_name_norm(owner[0] == '*' ? owner + 2 : owner, name, sizeof(name)) != 0)
		return dd_bad_at(d, at->line, at->col, "not a DNS name", "a record name");
	r = &d->recs[d->n_recs];
	len = strlen(name) + strlen(type) + strlen(rdata) + 40;
	if ((r->text = malloc(len)) == NULL)
		return HNS_ENOMEM;
	snprintf(r->text, len, "%s%s. %u IN %s %s", owner[0] == '*' ? "*." : "", name, ttl, type,
		 rdata);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->line = at->line;
	r->col = at->col;
	d->n_recs++;
	return 0;
}

/* Every spoofed record into the innermost zone holding it, or a zone at its name. */
static int
dd_place(struct dd_ctx *d)
{
	int rc = 0;

	for (size_t i = 0; i < d->n_recs && rc == 0; i++) {
		const struct dd_rec *r = &d->recs[i];
		const struct onprem_zone *z = onprem_zone_holding(d->c, r->name);
		const char *why = NULL;

		rc = onprem_rr_add(d->c, r->text, "", 60, z ? z->name : r->name, &why);
		if (rc == HNS_EPARSE)
			rc = dd_bad_at(d, r->line, r->col, why, "a valid record");
	}
	return rc;
}

static int
dd_spoof(struct dd_ctx *d, const struct lv *rule, const struct lv *act)
{
	char owner[300], *rdata;
	unsigned qtype = 0;
	const struct lv *vals;
	int rc = 0;

	if (!dd_spoof_target(rule, owner, sizeof(owner), &qtype))
		return dd_bad_at(d, rule->line, rule->col, "a spoof rule on something other than a name",
				 "QNameRule, RegexRule or AndRule({QNameRule, QTypeRule})");
	if (act->n < 1)
		return dd_bad_at(d, act->line, act->col, "a spoof action without data",
				 "SpoofAction({…}, {ttl=N})");
	if (lv_is_call(act, "SpoofCNAMEAction")) {
		if (act->v[0].kind != LV_STR)
			return dd_bad_at(d, act->line, act->col, "no target", "SpoofCNAMEAction(\"name.\")");
		return dd_record(d, act, owner, dd_ttl(act, 1), "CNAME", act->v[0].s);
	}
	vals = &act->v[0];
	for (size_t i = 0; i < (vals->kind == LV_TABLE ? vals->n : 1) && rc == 0; i++) {
		const struct lv *v = vals->kind == LV_TABLE ? &vals->v[i] : vals;
		char type[24];

		if (v->kind != LV_STR)
			return dd_bad_at(d, v->line, v->col, "not a string", "\"data\"");
		if (lv_is_call(act, "SpoofAction")) {
			rc = dd_record(d, v, owner, dd_ttl(act, 1), strchr(v->s, ':') ? "AAAA" : "A", v->s);
			continue;
		}
		if (qtype == 0)
			return dd_bad_at(d, rule->line, rule->col, "SpoofRawAction without QTypeRule",
					 "AndRule({QNameRule(…), QTypeRule(n)})");
		if (v->slen > 65535)
			return dd_bad_at(d, v->line, v->col, "rdata longer than 65535 bytes", "wire rdata");
		/* SpoofRawAction: rdata in wire form, RFC 3597 "\# len hex" */
		if ((rdata = malloc(v->slen * 2 + 32)) == NULL)
			return HNS_ENOMEM;
		{
			size_t o = (size_t)sprintf(rdata, "\\# %zu ", v->slen);

			for (size_t j = 0; j < v->slen; j++)
				o += (size_t)sprintf(rdata + o, "%02x", (unsigned char)v->s[j]);
		}
		snprintf(type, sizeof(type), "TYPE%u", qtype);
		rc = dd_record(d, v, owner, dd_ttl(act, 1), type, rdata);
		free(rdata);
	}
	return rc;
}

static int
dd_add_action(struct dd_ctx *d, const struct lv *call)
{
	const struct lv *rule, *act;
	const char **names;
	size_t n;
	int own;

	if (call->n < 2)
		return dd_bad_at(d, call->line, call->col, "addAction without rule and action",
				 "addAction(rule, action)");
	rule = &call->v[0];
	act = &call->v[1];
	if (lv_is_call(act, "PoolAction"))
		return dd_route(d, rule, act);
	if (lv_is_call(act, "SpoofAction") || lv_is_call(act, "SpoofCNAMEAction") ||
	    lv_is_call(act, "SpoofRawAction"))
		return dd_spoof(d, rule, act);
	if (lv_is_call(act, "RCodeAction") && act->n >= 1 && act->v[0].kind == LV_WORD) {
		const char *rc = act->v[0].s;

		if (lv_is_call(rule, "AllRule") &&
		    (strcmp(rc, "DNSRCode.REFUSED") == 0 || strcmp(rc, "5") == 0)) {
			d->refuse = true;
			return 0;
		}
		if (strcmp(rc, "DNSRCode.NOERROR") == 0 || strcmp(rc, "0") == 0)
			return 0; /* NODATA for a name held: the model does that itself */
		if (strcmp(rc, "DNSRCode.NXDOMAIN") == 0 || strcmp(rc, "3") == 0) {
			own = dd_rule_names(d, rule, &names, &n);
			if (own == HNS_EPARSE || own == HNS_ENOMEM)
				return own;
			for (size_t i = 0; own >= 0 && i < n; i++) {
				char z[300];

				if (onprem_name_norm(names[i], z, sizeof(z)) != 0 ||
				    onprem_zone_get(d->c, z) == NULL) {
					if (own == 1)
						free(names);
					return dd_bad_at(d, rule->line, rule->col, "not a DNS name", "\"zone.\"");
				}
			}
			if (own == 1)
				free(names);
			if (own >= 0)
				return 0;
		}
	}
	onprem_warn(d->c, d->file, call->line, call->col,
		    "addAction with %s: not a rule hybridns import reads: skipped",
		    act->kind == LV_CALL ? act->s : "this action");
	return 0;
}

static int
dd_var_smn(struct dd_ctx *d, const char *var, const struct lv *call)
{
	for (size_t i = 0; i < d->n_vars; i++) {
		if (strcmp(d->vars[i].name, var) == 0) {
			const struct lv *a = call->n > 0 ? &call->v[0] : NULL;
			char **nn;

			if (a != NULL && lv_is_call(a, "newDNSName") && a->n == 1)
				a = &a->v[0];
			if (a == NULL || a->kind != LV_STR)
				return dd_bad_at(d, call->line, call->col, "not a name", "smn:add(\"zone.\")");
			nn = realloc(d->vars[i].names, (d->vars[i].n + 1) * sizeof(*nn));
			if (nn == NULL)
				return HNS_ENOMEM;
			d->vars[i].names = nn;
			if ((nn[d->vars[i].n] = strdup(a->s)) == NULL)
				return HNS_ENOMEM;
			d->vars[i].n++;
			return 0;
		}
	}
	onprem_warn(d->c, d->file, call->line, call->col, "%s: not a SuffixMatchNode: skipped",
		    call->s);
	return 0;
}

static const char *const dd_quiet[] = {
	"controlSocket", "setKey", "webserver", "setWebserverConfig", "addACL", "setACL",
	"setSecurityPollSuffix", "setVerbose", "setMaxUDPOutstanding", "setConsoleACL",
	"showServers", "setRingBuffersSize", "setMaxTCPClientThreads", "addConsoleACL", NULL,
};

static int
dd_call(struct dd_ctx *d, const struct lv *call)
{
	const char *fn = call->s, *colon = strchr(fn, ':');
	bool g;

	if (colon != NULL) {
		char var[64];

		snprintf(var, sizeof(var), "%.*s", (int)(colon - fn), fn);
		if (strcmp(colon + 1, "add") == 0)
			return dd_var_smn(d, var, call);
		if (strcmp(colon + 1, "setCache") == 0)
			return 0; /* the cache: newPacketCache's values */
	} else if (strcmp(fn, "newServer") == 0) {
		return dd_new_server(d, call);
	} else if (strcmp(fn, "addAction") == 0) {
		return dd_add_action(d, call);
	} else if (strcmp(fn, "setPoolServerPolicy") == 0 && call->n == 2 &&
		   call->v[0].kind == LV_WORD && call->v[1].kind == LV_STR && d->n_pol < 64) {
		snprintf(d->pol[d->n_pol].pool, 300, "%s", call->v[1].s);
		d->pol[d->n_pol].policy = dd_policy(call->v[0].s, &g);
		d->pol[d->n_pol++].guessed = g;
		return 0;
	} else if (strcmp(fn, "setServerPolicy") == 0 && call->n == 1 && call->v[0].kind == LV_WORD) {
		d->global_policy = dd_policy(call->v[0].s, &g);
		return 0;
	} else if ((strcmp(fn, "setLocal") == 0 || strcmp(fn, "addLocal") == 0) && call->n >= 1 &&
		   call->v[0].kind == LV_STR) {
		char a[80];

		if (d->c->listen == NULL && onprem_addr_norm(call->v[0].s, ':', 53, a, sizeof(a)) == 0 &&
		    strncmp(a, "127.", 4) != 0 && (d->c->listen = strdup(a)) == NULL)
			return HNS_ENOMEM;
		return 0;
	} else if (strcmp(fn, "setUDPTimeout") == 0 && call->n == 1 && call->v[0].kind == LV_WORD) {
		d->timeout_s = (uint32_t)strtoul(call->v[0].s, NULL, 10);
		return 0;
	} else if (strcmp(fn, "newPacketCache") == 0 && call->n >= 1) {
		const struct lv *o = call->n > 1 ? &call->v[1] : NULL, *f;

		d->c->has_cache = true;
		d->c->cache_max_entries = (uint32_t)strtoul(call->v[0].s ? call->v[0].s : "0", NULL, 10);
		d->c->cache_min_ttl = o && (f = lv_field(o, "minTTL")) && f->s ? (uint32_t)atoi(f->s) : 0;
		d->c->cache_max_ttl = o && (f = lv_field(o, "maxTTL")) && f->s ? (uint32_t)atoi(f->s) : 86400;
		d->c->cache_neg_ttl =
			o && (f = lv_field(o, "maxNegativeTTL")) && f->s ? (uint32_t)atoi(f->s) : 3600;
		if (d->c->cache_max_entries == 0)
			d->c->cache_max_entries = 1;
		return 0;
	} else {
		for (size_t i = 0; dd_quiet[i] != NULL; i++) {
			if (strcmp(dd_quiet[i], fn) == 0)
				return 0;
		}
	}
	onprem_warn(d->c, d->file, call->line, call->col,
		    "%s(): not read by hybridns import: skipped", fn);
	return 0;
}

/* [local] NAME = value | a call */
static int
dd_statement(struct dd_ctx *d)
{
	struct tok k = tok_peek(&d->t);
	char var[64] = "";
	struct lv v;
	int rc;

	if (k.kind == TOK_WORD && strcmp(k.text, "local") == 0)
		tok_next(&d->t);
	memset(&v, 0, sizeof(v));
	if ((rc = lv_parse(d, &v, 0)) != 0)
		goto out;
	k = tok_peek(&d->t);
	if (v.kind == LV_WORD && tok_is(&k, '=')) {
		snprintf(var, sizeof(var), "%s", v.s);
		lv_free(&v);
		tok_next(&d->t);
		if ((rc = lv_parse(d, &v, 0)) != 0)
			goto out;
		if (lv_is_call(&v, "newSuffixMatchNode")) {
			if (d->n_vars < DD_VARS_MAX)
				snprintf(d->vars[d->n_vars++].name, 64, "%s", var);
			goto out;
		}
	}
	if (v.kind != LV_CALL) {
		rc = dd_bad_at(d, v.line, v.col, "not a statement", "a function call or NAME = value");
		goto out;
	}
	rc = dd_call(d, &v);
out:
	lv_free(&v);
	k = tok_peek(&d->t);
	if (rc == 0 && tok_is(&k, ';'))
		tok_next(&d->t);
	return rc;
}

/* The routes become forward entries with their pool's servers and policy. */
static int
dd_finish(struct dd_ctx *d)
{
	struct onprem_conf *c = d->c;

	for (size_t i = 0; i < d->n_routes; i++) {
		struct onprem_fwd *f;
		const char *policy = d->global_policy;
		bool guessed = d->global_policy == NULL;

		if ((f = onprem_fwd_get(c, d->routes[i].zone)) == NULL)
			return HNS_ENOMEM;
		for (size_t j = 0; j < d->n_srv; j++) {
			if (strcmp(d->srv[j].pool, d->routes[i].pool) == 0 &&
			    onprem_fwd_add_to(f, d->srv[j].addr) != 0)
				return HNS_ENOMEM;
		}
		for (size_t j = 0; j < d->n_pol; j++) {
			if (strcmp(d->pol[j].pool, d->routes[i].pool) == 0) {
				policy = d->pol[j].policy;
				guessed = d->pol[j].guessed;
			}
		}
		f->policy = policy ? policy : "sequential";
		if (guessed)
			onprem_note_set(&f->policy_note, true,
					"leastOutstanding (dnsdist's default) picks the least busy server, in order");
		if (d->timeout_s > 0) {
			f->timeout_ms = d->timeout_s * 1000;
			onprem_note_set(&f->timeout_note, false, "setUDPTimeout (global in dnsdist)");
		}
		if (f->n_to == 0) {
			fprintf(d->err, "%s: pool \"%s\" of zone %s has no server (expected newServer({…, pool=\"%s\"}))\n",
				d->file, d->routes[i].pool, d->routes[i].zone, d->routes[i].pool);
			return HNS_EPARSE;
		}
	}
	for (size_t j = 0; j < d->n_srv; j++) {
		if (d->srv[j].pool[0] == '\0' && onprem_deflt_add(c, d->srv[j].addr) != 0)
			return HNS_ENOMEM;
	}
	if (d->refuse) {
		c->deflt = ONPREM_DEFAULT_REFUSE;
		onprem_note_set(&c->deflt_note, false, "AllRule() RCodeAction(DNSRCode.REFUSED)");
	} else if (c->n_deflt_to > 0) {
		c->deflt = ONPREM_DEFAULT_UPSTREAMS;
	} else {
		onprem_note_set(&c->deflt_note, true,
				"no server in the default pool (dnsdist would answer SERVFAIL); taken as the internet");
	}
	return 0;
}

int
onprem_read_dnsdist(struct onprem_conf *c, const char *path, FILE *err)
{
	struct dd_ctx *d = calloc(1, sizeof(*d));
	int rc;

	if (d == NULL)
		return HNS_ENOMEM;
	d->c = c;
	d->err = err;
	d->file = path;
	rc = tok_open(&d->t, path, TOK_LUA, "(){}[],=:;");
	if (rc != 0) {
		fprintf(err, "%s: %s\n", path, onprem_open_error(rc));
		free(d);
		return HNS_EPARSE;
	}
	rc = onprem_source_add(c, path);
	while (rc == 0) {
		struct tok k = tok_peek(&d->t);

		if (k.kind == TOK_EOF)
			break;
		rc = dd_statement(d);
	}
	if (rc == 0)
		rc = dd_finish(d);
	if (rc == 0)
		rc = dd_place(d);
	tok_close(&d->t);
	for (size_t i = 0; i < d->n_recs; i++)
		free(d->recs[i].text);
	free(d->recs);
	for (size_t i = 0; i < d->n_vars; i++) {
		for (size_t j = 0; j < d->vars[i].n; j++)
			free(d->vars[i].names[j]);
		free(d->vars[i].names);
	}
	free(d->srv);
	free(d);
	return rc;
}
