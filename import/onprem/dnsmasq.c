/*
 * import/onprem/dnsmasq.c -- dnsmasq.conf into an on-prem resolver.
 *
 *   server=/d1/d2/ip[#port]   a forward entry per domain ("/d/" alone: local
 *                             only, a zone; "/d/#": the default servers)
 *   server=ip[#port]          the default upstreams (with no-resolv; else
 *                             also /etc/resolv.conf's, taken as the internet)
 *   no-resolv, no server=     default: refuse (dnsmasq answers REFUSED)
 *   strict-order              every forward sequential (else random: dnsmasq
 *                             prefers whichever server answered fastest)
 *   local=/d/                 a local zone (names it does not hold: NXDOMAIN)
 *   address=/d/ip             d and every name under it: a zone with @ and *
 *   host-record=, cname=, ptr-record=, mx-host=, srv-host=, txt-record=,
 *   dns-rr=                   records (local-ttl, default 0, where no TTL)
 *   listen-address=ip         the resolver's address
 *   conf-file=path            read in place
 * Only whole-line comments (#); a value may itself hold '#' (ip#port).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "import/onprem/onprem.h"

#define DM_LINE_MAX 8192
#define DM_FIELDS_MAX 32
#define DM_INCLUDE_DEPTH 16

struct dm_ctx {
	struct onprem_conf *c;
	FILE *err;
	int depth;
	bool no_resolv, strict, any_default;
	uint32_t local_ttl;
	int pass; /* 0: local-ttl only (it holds for records above it too); 1: everything */
	const char *file;
	uint32_t line;
};

static const char *const dm_quiet[] = {
	"domain-needed", "bogus-priv", "interface", "except-interface", "bind-interfaces",
	"bind-dynamic", "no-hosts", "expand-hosts", "domain", "log-queries", "log-facility",
	"cache-size", "user", "group", "pid-file", "no-negcache", "port", "no-poll",
	"dnssec", "trust-anchor", "dnssec-check-unsigned", "log-async", "keep-in-foreground",
	"no-daemon", "filterwin2k", "stop-dns-rebind", "rebind-localhost-ok", "resolv-file",
	"all-servers", "neg-ttl", "max-ttl", "max-cache-ttl", "min-cache-ttl", "edns-packet-max",
	"query-port", "dns-forward-max", "addn-hosts", "clear-on-reload", NULL,
};

static int
dm_bad(struct dm_ctx *d, size_t col, const char *what, const char *exp)
{
	fprintf(d->err, "%s:%u:%zu: %s (expected %s)\n", d->file ? d->file : "?", d->line, col,
		what, exp);
	return HNS_EPARSE;
}

/* Split v at commas outside double quotes, in place; returns the count. */
static size_t
dm_split(char *v, char **f, size_t max)
{
	size_t n = 0;
	bool q = false;

	f[n++] = v;
	for (char *p = v; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (*p == ',' && !q && n < max) {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

static int
dm_rr(struct dm_ctx *d, size_t col, const char *owner, int ttl, const char *type,
      const char *rdata)
{
	char text[DM_LINE_MAX + 64], name[300];
	const char *why = NULL;
	struct onprem_zone *z;
	int rc;

	if (onprem_name_norm(owner, name, sizeof(name)) != 0)
		return dm_bad(d, col, "not a DNS name", "a record name");
	snprintf(text, sizeof(text), "%s. %u IN %s %s", name, ttl < 0 ? d->local_ttl : (uint32_t)ttl,
		 type, rdata);
	z = onprem_zone_holding(d->c, name);
	rc = onprem_rr_add(d->c, text, "", 0, z ? z->name : name, &why);
	if (rc == HNS_EPARSE)
		return dm_bad(d, col, why, "a valid record");
	if (rc == 0 && z == NULL && (z = onprem_zone_holding(d->c, name)) != NULL &&
	    z->note.text[0] == '\0')
		onprem_note_set(&z->note, true,
				"no local=/%s/: dnsmasq answers these names and forwards the rest; a zone per name is closest",
				name);
	return rc;
}

static uint32_t
dm_ttl(const char *s)
{
	return (uint32_t)strtoul(s, NULL, 10);
}

/* A name ending with a dot-less name into absolute form for rdata ("x.example" -> "x.example."). */
static void
dm_abs(const char *in, char *buf, size_t len)
{
	size_t n = strlen(in);

	snprintf(buf, len, "%s%s", in, n > 0 && in[n - 1] == '.' ? "" : ".");
}

static int
dm_server(struct dm_ctx *d, char *v, bool local)
{
	char a[80], *doms[DM_FIELDS_MAX], *target;
	size_t nd = 0;

	if (v[0] != '/') {
		char *at = strchr(v, '@');

		if (local)
			return dm_bad(d, 7, "local= without /domain/", "local=/domain/");
		if (at != NULL)
			*at = '\0'; /* @source-address or @interface */
		if (onprem_addr_norm(v, '#', 53, a, sizeof(a)) != 0)
			return dm_bad(d, 8, "not an address", "server=ip[#port] or server=/domain/ip");
		d->any_default = true;
		return onprem_deflt_add(d->c, a);
	}
	for (char *p = v + 1; *p;) {
		char *e = strchr(p, '/');

		if (e == NULL)
			return dm_bad(d, 8, "an unclosed /domain/ list", "server=/domain/ip");
		*e = '\0';
		if (nd < DM_FIELDS_MAX)
			doms[nd++] = p;
		p = e + 1;
		if (strchr(p, '/') == NULL) {
			target = p;
			goto got;
		}
	}
	target = v + strlen(v);
got:
	for (size_t i = 0; i < nd; i++) {
		char zone[300];
		struct onprem_fwd *f;
		char *at;

		if (strcmp(doms[i], "#") == 0 || onprem_name_norm(doms[i], zone, sizeof(zone)) != 0)
			return dm_bad(d, 8, "not a domain", "server=/domain/ip");
		if (target[0] == '\0' || local) {
			if (onprem_zone_get(d->c, zone) == NULL)
				return HNS_ENOMEM;
			continue;
		}
		if (strcmp(target, "#") == 0)
			continue; /* this domain goes to the default servers, as any other */
		if ((at = strchr(target, '@')) != NULL)
			*at = '\0';
		if (onprem_addr_norm(target, '#', 53, a, sizeof(a)) != 0)
			return dm_bad(d, (size_t)(target - v) + 8, "not an address",
				      "server=/domain/ip[#port]");
		if ((f = onprem_fwd_get(d->c, zone)) == NULL || onprem_fwd_add_to(f, a) != 0)
			return HNS_ENOMEM;
	}
	return 0;
}

static int
dm_address(struct dm_ctx *d, char *v)
{
	char *dom, *ip, zone[300], rec[400], zero[] = "0.0.0.0";
	int rc;

	if (v[0] != '/' || (ip = strchr(v + 1, '/')) == NULL)
		return dm_bad(d, 9, "no /domain/", "address=/domain/ip");
	dom = v + 1;
	*ip++ = '\0';
	if (strchr(dom, '/') != NULL || strchr(ip, '/') != NULL) {
		onprem_warn(d->c, d->file, d->line, 9,
			    "address= with several domains: only the first is read");
		*strchrnul(ip, '/') = '\0';
	}
	if (strcmp(dom, "#") == 0) {
		onprem_warn(d->c, d->file, d->line, 9,
			    "address=/#/: every name answered locally: not imported");
		return 0;
	}
	if (onprem_name_norm(dom, zone, sizeof(zone)) != 0)
		return dm_bad(d, 10, "not a domain", "address=/domain/ip");
	if (onprem_zone_get(d->c, zone) == NULL)
		return HNS_ENOMEM;
	if (ip[0] == '\0')
		return 0; /* NXDOMAIN for the domain and below: the zone alone */
	if (strcmp(ip, "#") == 0)
		ip = zero;
	for (int w = 0; w < 2; w++) {
		snprintf(rec, sizeof(rec), "%s%s", w ? "*." : "", zone);
		rc = dm_rr(d, 10, rec, -1, strchr(ip, ':') ? "AAAA" : "A", ip);
		if (rc != 0)
			return rc;
	}
	onprem_note_set(&onprem_zone_get(d->c, zone)->note, false,
			"address=/%s/%s: the domain and every name under it", zone, ip);
	return 0;
}

/* host-record=name[,name…],ip[,ip6][,ttl] */
static int
dm_host_record(struct dm_ctx *d, char **f, size_t n)
{
	size_t first_ip = n;
	int ttl = -1, rc;

	for (size_t i = 0; i < n; i++) {
		char a[80];

		if (onprem_addr_norm(f[i], 0, 53, a, sizeof(a)) == 0) {
			if (first_ip == n)
				first_ip = i;
		} else if (first_ip != n) {
			if (i != n - 1 || !isdigit((unsigned char)f[i][0]))
				return dm_bad(d, 13, "not an address or TTL after the addresses",
					      "host-record=name,ip[,ip6][,ttl]");
			ttl = (int)dm_ttl(f[i]);
		}
	}
	if (first_ip == 0 || first_ip == n)
		return dm_bad(d, 13, "no name or no address", "host-record=name,ip[,ip6][,ttl]");
	for (size_t i = 0; i < first_ip; i++) {
		for (size_t j = first_ip; j < n && !(ttl >= 0 && j == n - 1); j++) {
			rc = dm_rr(d, 13, f[i], ttl, strchr(f[j], ':') ? "AAAA" : "A", f[j]);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* txt-record=name,"a","b" */
static int
dm_txt(struct dm_ctx *d, char **f, size_t n)
{
	char rdata[DM_LINE_MAX];
	size_t o = 0;

	rdata[0] = '\0';
	for (size_t i = 1; i < n && o < sizeof(rdata); i++)
		o += (size_t)snprintf(rdata + o, sizeof(rdata) - o, "%s%s%s%s", i > 1 ? " " : "",
				      f[i][0] == '"' ? "" : "\"", f[i], f[i][0] == '"' ? "" : "\"");
	return dm_rr(d, 12, f[0], -1, "TXT", n > 1 ? rdata : "\"\"");
}

/* dns-rr=name,type,hexdata: the RFC 3597 form "\# len hex". */
static int
dm_dns_rr(struct dm_ctx *d, char **f, size_t n)
{
	char hex[DM_LINE_MAX], rdata[DM_LINE_MAX + 32], type[16];
	size_t h = 0;

	if (n < 2 || !isdigit((unsigned char)f[1][0]))
		return dm_bad(d, 8, "no type number", "dns-rr=name,type,hexdata");
	for (const char *p = n > 2 ? f[2] : ""; *p && h + 1 < sizeof(hex); p++) {
		if (isxdigit((unsigned char)*p))
			hex[h++] = *p;
		else if (*p != ':' && *p != ' ')
			return dm_bad(d, 8, "not hexadecimal data", "dns-rr=name,type,hexdata");
	}
	hex[h] = '\0';
	if (h % 2 != 0)
		return dm_bad(d, 8, "an odd number of hex digits", "dns-rr=name,type,hexdata");
	snprintf(type, sizeof(type), "TYPE%lu", strtoul(f[1], NULL, 10));
	snprintf(rdata, sizeof(rdata), "\\# %zu %s", h / 2, h ? hex : "");
	return dm_rr(d, 8, f[0], -1, type, rdata);
}

static int dm_file(struct dm_ctx *d, const char *path);

static int
dm_records(struct dm_ctx *d, const char *key, char *val)
{
	char *f[DM_FIELDS_MAX], t1[300], buf[700];
	size_t n = dm_split(val, f, DM_FIELDS_MAX);
	int rc = 0;

	if (strcmp(key, "host-record") == 0)
		return dm_host_record(d, f, n);
	if (strcmp(key, "txt-record") == 0)
		return dm_txt(d, f, n);
	if (strcmp(key, "dns-rr") == 0)
		return dm_dns_rr(d, f, n);
	if (n < 2)
		return dm_bad(d, strlen(key) + 2, "too few fields", "name,target[,…]");
	if (strcmp(key, "cname") == 0) {
		int ttl = -1;

		if (n > 2 && isdigit((unsigned char)f[n - 1][0])) {
			ttl = (int)dm_ttl(f[n - 1]);
			n--;
		}
		dm_abs(f[n - 1], t1, sizeof(t1));
		for (size_t i = 0; i + 1 < n && rc == 0; i++)
			rc = dm_rr(d, 7, f[i], ttl, "CNAME", t1);
		return rc;
	}
	dm_abs(f[1], t1, sizeof(t1));
	if (strcmp(key, "ptr-record") == 0)
		return dm_rr(d, 12, f[0], -1, "PTR", t1);
	if (strcmp(key, "mx-host") == 0) {
		snprintf(buf, sizeof(buf), "%s %s", n > 2 ? f[2] : "1", t1);
		return dm_rr(d, 9, f[0], -1, "MX", buf);
	}
	/* srv-host=_service._prot.name,target,port,priority,weight */
	snprintf(buf, sizeof(buf), "%s %s %s %s", n > 3 ? f[3] : "0", n > 4 ? f[4] : "0",
		 n > 2 ? f[2] : "0", t1);
	return dm_rr(d, 10, f[0], -1, "SRV", buf);
}

static int
dm_option(struct dm_ctx *d, char *key, char *val)
{
	static const char *const recs[] = { "host-record", "txt-record", "dns-rr", "cname",
					    "ptr-record", "mx-host", "srv-host", NULL };
	char a[80], path[4096];

	if (d->pass == 0 && strcmp(key, "local-ttl") != 0 && strcmp(key, "conf-file") != 0)
		return 0;
	if (strcmp(key, "server") == 0 || strcmp(key, "local") == 0)
		return val ? dm_server(d, val, key[0] == 'l')
			   : dm_bad(d, 1, "no value", "server=/domain/ip or server=ip");
	if (strcmp(key, "address") == 0)
		return val ? dm_address(d, val) : dm_bad(d, 1, "no value", "address=/domain/ip");
	for (size_t i = 0; recs[i] != NULL; i++) {
		if (strcmp(key, recs[i]) == 0)
			return val ? dm_records(d, key, val) : dm_bad(d, 1, "no value", "name,…");
	}
	if (strcmp(key, "no-resolv") == 0)
		d->no_resolv = true;
	else if (strcmp(key, "strict-order") == 0)
		d->strict = true;
	else if (strcmp(key, "local-ttl") == 0 && val != NULL)
		d->local_ttl = dm_ttl(val);
	else if (strcmp(key, "listen-address") == 0 && val != NULL) {
		char *f[DM_FIELDS_MAX];
		size_t n = dm_split(val, f, DM_FIELDS_MAX);

		for (size_t i = 0; i < n && d->c->listen == NULL; i++) {
			if (onprem_addr_norm(f[i], 0, 53, a, sizeof(a)) == 0 &&
			    strncmp(a, "127.", 4) != 0 && strcmp(a, "::1") != 0 &&
			    (d->c->listen = strdup(a)) == NULL)
				return HNS_ENOMEM;
		}
	} else if (strcmp(key, "conf-file") == 0 && val != NULL) {
		const char *file = d->file;
		uint32_t line = d->line;
		int rc;

		onprem_path_rel(file, val, path, sizeof(path));
		rc = dm_file(d, path);
		d->file = file;
		d->line = line;
		return rc;
	} else if (strncmp(key, "dhcp", 4) != 0) {
		bool quiet = false;

		for (size_t i = 0; dm_quiet[i] != NULL && !quiet; i++)
			quiet = strcmp(dm_quiet[i], key) == 0;
		if (!quiet)
			onprem_warn(d->c, d->file, d->line, 1,
				    "'%s' is not read by hybridns import: skipped", key);
	}
	return 0;
}

static int
dm_file(struct dm_ctx *d, const char *path)
{
	char line[DM_LINE_MAX];
	FILE *f;
	int rc = 0;

	if (d->depth >= DM_INCLUDE_DEPTH)
		return dm_bad(d, 1, "conf-file nested too deeply (a loop?)", "at most 16 levels");
	if ((f = fopen(path, "r")) == NULL || !onprem_file_regular(f)) {
		const char *why = f ? "not a regular file" : strerror(errno);

		if (f != NULL)
			fclose(f);
		if (d->file != NULL)
			return dm_bad(d, 11, "cannot read the conf-file", "a readable file");
		fprintf(d->err, "%s: %s\n", path, why);
		return HNS_EPARSE;
	}
	if ((rc = onprem_source_add(d->c, path)) != 0) {
		fclose(f);
		return rc;
	}
	d->depth++;
	d->file = path;
	d->line = 0;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *eq, *end;

		d->line++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			rc = dm_bad(d, 1, "a line longer than 8 KiB", "a dnsmasq option per line");
			break;
		}
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		for (char *k = p; *k; k++) {
			if (!isalnum((unsigned char)*k) && *k != '-') {
				rc = dm_bad(d, (size_t)(k - line) + 1, "not an option name",
					    "option or option=value");
				break;
			}
		}
		if (rc == 0)
			rc = dm_option(d, p, eq);
	}
	fclose(f);
	d->depth--;
	return rc;
}

int
onprem_read_dnsmasq(struct onprem_conf *c, const char *path, FILE *err)
{
	struct dm_ctx d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.err = err;
	for (d.pass = 0; d.pass < 2; d.pass++) {
		d.file = NULL;
		if ((rc = dm_file(&d, path)) != 0)
			return rc;
	}
	for (size_t i = 0; i < c->n_fwds; i++) {
		struct onprem_fwd *f = &c->fwds[i];

		f->policy = d.strict ? "sequential" : "random";
		if (d.strict)
			onprem_note_set(&f->policy_note, false, "strict-order (global in dnsmasq)");
		else
			onprem_note_set(&f->policy_note, true,
					"no strict-order: dnsmasq prefers whichever server answered fastest");
	}
	if (c->n_deflt_to > 0) {
		c->deflt = ONPREM_DEFAULT_UPSTREAMS;
		if (!d.no_resolv)
			onprem_note_set(&c->deflt_note, true,
					"server= lines; without no-resolv dnsmasq also uses /etc/resolv.conf's servers");
	} else if (d.no_resolv) {
		c->deflt = ONPREM_DEFAULT_REFUSE;
		onprem_note_set(&c->deflt_note, false, "no-resolv and no default server: dnsmasq answers REFUSED");
	} else {
		onprem_note_set(&c->deflt_note, true,
				"the servers of /etc/resolv.conf, taken as the internet");
	}
	return 0;
}
