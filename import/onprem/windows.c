/*
 * import/onprem/windows.c -- Windows Server DNS, as the DnsServer cmdlets
 * print it with ConvertTo-Json, into an on-prem resolver (profile: windows).
 *
 * CONFIG is one JSON file or a folder of them; each file is recognised by
 * its content:
 *   Get-DnsServerZone       [{ZoneName, ZoneType, IsAutoCreated, MasterServers,
 *                            ForwarderTimeout, …}]: Primary zones are local
 *                            zones, Forwarder zones forward entries (in list
 *                            order: sequential), Stub zones forward entries
 *                            (guessed); auto-created zones are not the user's
 *   Get-DnsServerForwarder  {IPAddress, UseRootHint, Timeout}: the default
 *   Get-DnsServerResourceRecord -ZoneName Z
 *                           [{HostName, RecordType, TimeToLive, RecordData}]:
 *                            records of zone Z, named by DistinguishedName
 *                            ("DC=host,DC=Z,…") or by the file name Z.json
 *   {"Zones": …, "Forwarder": …, "Records": {"Z": […]}, "Recursion": {"Enable"}}
 *                           all of them in one file (docs/import.md gives the
 *                            PowerShell that writes it)
 * Addresses are strings or IPAddress objects ({"IPAddressToString": …});
 * TTLs are seconds, "hh:mm:ss" strings or TimeSpan objects ({"TotalSeconds"}).
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/error.h"
#include "import/onprem/onprem.h"

struct win_ctx {
	struct onprem_conf *c;
	FILE *err;
	const char *file;
	bool root_hints, recursion_off, saw_forwarder;
};

static int
win_bad(struct win_ctx *w, const char *path, const char *what, const char *exp)
{
	fprintf(w->err, "%s: %s: %s (expected %s)\n", w->file, path, what, exp);
	return HNS_EPARSE;
}

/* An address: "10.0.0.1" or an IPAddress object. */
static const char *
win_ip(const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v) && json_is_string(json_object_get(v, "IPAddressToString")))
		return json_string_value(json_object_get(v, "IPAddressToString"));
	return NULL;
}

/* A TTL in seconds: a number, "d.hh:mm:ss"/"hh:mm:ss", or a TimeSpan object. */
static int
win_ttl(const json_t *v, uint32_t *out)
{
	unsigned d = 0, h, m, s;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint32_t)json_integer_value(v);
		return 0;
	}
	if (json_is_object(v) && json_is_number(json_object_get(v, "TotalSeconds"))) {
		*out = (uint32_t)json_number_value(json_object_get(v, "TotalSeconds"));
		return 0;
	}
	if (json_is_string(v)) {
		const char *t = json_string_value(v);

		if (sscanf(t, "%u.%u:%u:%u", &d, &h, &m, &s) == 4 ||
		    (d = 0, sscanf(t, "%u:%u:%u", &h, &m, &s) == 3)) {
			*out = ((d * 24 + h) * 60 + m) * 60 + s;
			return 0;
		}
	}
	return HNS_EPARSE;
}

/* Each address of a list (or a single one) through add(); the path names the key. */
static int
win_addrs(struct win_ctx *w, const json_t *v, const char *path,
	  int (*add)(void *ctx, const char *a), void *ctx)
{
	size_t n = json_is_array(v) ? json_array_size(v) : (v && !json_is_null(v) ? 1 : 0);
	char a[80], p[300];

	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		const char *ip = win_ip(e);
		int rc;

		snprintf(p, sizeof(p), json_is_array(v) ? "%s[%zu]" : "%s", path, i);
		if (ip == NULL || onprem_addr_norm(ip, 0, 53, a, sizeof(a)) != 0)
			return win_bad(w, p, "not an IP address",
				       "\"10.0.0.1\" or {\"IPAddressToString\": \"10.0.0.1\"}");
		if ((rc = add(ctx, a)) != 0)
			return rc;
	}
	return 0;
}

static int
add_fwd(void *ctx, const char *a)
{
	return onprem_fwd_add_to(ctx, a);
}

static int
add_deflt(void *ctx, const char *a)
{
	return onprem_deflt_add(ctx, a);
}

static int
win_zone(struct win_ctx *w, const json_t *z, const char *path)
{
	const char *name = json_string_value(json_object_get(z, "ZoneName"));
	const char *type = json_string_value(json_object_get(z, "ZoneType"));
	char zn[300], p[320];
	struct onprem_fwd *f;
	int rc;

	if (name == NULL || type == NULL || onprem_name_norm(name, zn, sizeof(zn)) != 0)
		return win_bad(w, path, "a zone without a valid ZoneName and ZoneType",
			       "{\"ZoneName\": \"corp.example.com\", \"ZoneType\": \"Primary\"}");
	if (json_is_true(json_object_get(z, "IsAutoCreated")) || strcmp(zn, "trustanchors") == 0)
		return 0; /* 0.in-addr.arpa, 127…, 255…: the server's own */
	if (strcmp(type, "Primary") == 0)
		return onprem_zone_get(w->c, zn) ? 0 : HNS_ENOMEM;
	if (strcmp(type, "Forwarder") != 0 && strcmp(type, "Stub") != 0) {
		onprem_warn(w->c, w->file, 0, 0, "%s: zone %s of type %s is not imported: skipped",
			    path, zn, type);
		return 0;
	}
	if ((f = onprem_fwd_get(w->c, zn)) == NULL)
		return HNS_ENOMEM;
	snprintf(p, sizeof(p), "%s.MasterServers", path);
	if ((rc = win_addrs(w, json_object_get(z, "MasterServers"), p, add_fwd, f)) != 0)
		return rc;
	if (f->n_to == 0)
		return win_bad(w, p, "a forwarder zone without servers", "a list of addresses");
	f->policy = "sequential";
	onprem_note_set(&f->policy_note, false, "Windows asks the master servers in list order");
	if (json_is_integer(json_object_get(z, "ForwarderTimeout")) &&
	    json_integer_value(json_object_get(z, "ForwarderTimeout")) > 0) {
		f->timeout_ms = (uint32_t)json_integer_value(json_object_get(z, "ForwarderTimeout")) * 1000;
		onprem_note_set(&f->timeout_note, false, "ForwarderTimeout");
	}
	if (strcmp(type, "Stub") == 0)
		onprem_note_set(&f->note, true,
				"a stub zone: Windows asks these servers iteratively; a forward entry is closest");
	return 0;
}

static int
win_forwarder(struct win_ctx *w, const json_t *f, const char *path)
{
	char p[300];

	w->saw_forwarder = true;
	w->root_hints = !json_is_false(json_object_get(f, "UseRootHint"));
	snprintf(p, sizeof(p), "%s.IPAddress", path);
	return win_addrs(w, json_object_get(f, "IPAddress"), p, add_deflt, w->c);
}

/* RecordData's fields as rdata text, by record type; NULL when the type has no mapping. */
static int
win_rdata(const char *type, const json_t *d, char *buf, size_t len)
{
#define S(k) json_string_value(json_object_get(d, k))
#define I(k) (long long)json_integer_value(json_object_get(d, k))
	const char *ip;

	if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
		ip = win_ip(json_object_get(d, type[1] ? "IPv6Address" : "IPv4Address"));
		return ip ? (snprintf(buf, len, "%s", ip), 0) : HNS_EPARSE;
	}
	if (strcmp(type, "CNAME") == 0 && S("HostNameAlias"))
		return snprintf(buf, len, "%s", S("HostNameAlias")), 0;
	if (strcmp(type, "PTR") == 0 && S("PtrDomainName"))
		return snprintf(buf, len, "%s", S("PtrDomainName")), 0;
	if (strcmp(type, "NS") == 0 && S("NameServer"))
		return snprintf(buf, len, "%s", S("NameServer")), 0;
	if (strcmp(type, "MX") == 0 && S("MailExchange"))
		return snprintf(buf, len, "%lld %s", I("Preference"), S("MailExchange")), 0;
	if (strcmp(type, "SRV") == 0 && S("DomainName"))
		return snprintf(buf, len, "%lld %lld %lld %s", I("Priority"), I("Weight"), I("Port"),
				S("DomainName")),
		       0;
	if (strcmp(type, "SOA") == 0 && S("PrimaryServer") && S("ResponsiblePerson")) {
		uint32_t t[4] = { 0, 0, 0, 0 };
		const char *k[4] = { "RefreshInterval", "RetryDelay", "ExpireLimit", "MinimumTimeToLive" };

		for (int i = 0; i < 4; i++) {
			if (win_ttl(json_object_get(d, k[i]), &t[i]) != 0)
				return HNS_EPARSE;
		}
		snprintf(buf, len, "%s %s %lld %u %u %u %u", S("PrimaryServer"), S("ResponsiblePerson"),
			 I("SerialNumber"), t[0], t[1], t[2], t[3]);
		return 0;
	}
	if (strcmp(type, "TXT") == 0 && S("DescriptiveText")) {
		/* Windows joins the strings with line breaks ("\r\n" or "\n") */
		size_t o = 0;
		const char *t = S("DescriptiveText");

		buf[o++] = '"';
		for (; *t && o + 4 < len; t++) {
			if (*t == '\r' && t[1] == '\n')
				continue;
			if (*t == '\n') {
				memcpy(buf + o, "\" \"", 3);
				o += 3;
				continue;
			}
			if (*t == '"' || *t == '\\')
				buf[o++] = '\\';
			buf[o++] = *t;
		}
		buf[o++] = '"';
		buf[o] = '\0';
		return 0;
	}
#undef S
#undef I
	return HNS_EPARSE;
}

/* The zone of a record list: DC=…,DC=<zone>,cn=MicrosoftDNS,… of its first record. */
static bool
win_dn_zone(const json_t *rec, char *buf, size_t len)
{
	const char *dn = json_string_value(json_object_get(rec, "DistinguishedName"));
	const char *z, *e;

	if (dn == NULL || (z = strstr(dn, ",DC=")) == NULL)
		return false;
	z += 4;
	e = strchr(z, ',');
	snprintf(buf, len, "%.*s", e ? (int)(e - z) : (int)strlen(z), z);
	return true;
}

static int
win_records(struct win_ctx *w, const json_t *list, const char *zone, const char *path)
{
	char p[400], zn[300], rdata[4096], text[4700];
	size_t n = json_is_array(list) ? json_array_size(list) : 1;

	if (onprem_name_norm(zone, zn, sizeof(zn)) != 0)
		return win_bad(w, path, "not a zone name", "the records' zone");
	if (onprem_zone_get(w->c, zn) == NULL)
		return HNS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_is_array(list) ? json_array_get(list, i) : list;
		const char *host = json_string_value(json_object_get(r, "HostName"));
		const char *type = json_string_value(json_object_get(r, "RecordType"));
		const char *why = NULL;
		uint32_t ttl = 3600;
		int rc;

		snprintf(p, sizeof(p), json_is_array(list) ? "%s[%zu]" : "%s", path, i);
		if (host == NULL || type == NULL || !json_is_object(json_object_get(r, "RecordData")))
			return win_bad(w, p, "a record without HostName, RecordType or RecordData",
				       "Get-DnsServerResourceRecord output");
		if (json_object_get(r, "TimeToLive") != NULL &&
		    win_ttl(json_object_get(r, "TimeToLive"), &ttl) != 0)
			return win_bad(w, p, "TimeToLive is no duration",
				       "seconds, \"hh:mm:ss\" or {\"TotalSeconds\": …}");
		if (win_rdata(type, json_object_get(r, "RecordData"), rdata, sizeof(rdata)) != 0) {
			onprem_warn(w->c, w->file, 0, 0, "%s: a %s record is not read: skipped", p, type);
			continue;
		}
		snprintf(text, sizeof(text), "%s %u IN %s %s", host, ttl, type, rdata);
		rc = onprem_rr_add(w->c, text, zn, ttl, zn, &why);
		if (rc == HNS_EPARSE)
			return win_bad(w, p, why, "a valid record");
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* A Get-DnsServerZone list (or one zone). */
static int
win_doc_part(struct win_ctx *w, const json_t *zones, const char *path)
{
	size_t n = json_is_array(zones) ? json_array_size(zones) : 1;
	char p[300];
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const json_t *z = json_is_array(zones) ? json_array_get(zones, i) : zones;

		snprintf(p, sizeof(p), json_is_array(zones) ? "%s[%zu]" : "%s", path, i);
		if (!json_is_object(z))
			return win_bad(w, p, "not an object", "a zone of Get-DnsServerZone");
		rc = win_zone(w, z, p);
	}
	return rc;
}

/* One document: recognised by its content. */
static int
win_doc(struct win_ctx *w, const json_t *doc, const char *stem)
{
	const json_t *first = json_is_array(doc) ? json_array_get(doc, 0) : doc;
	char zone[300];
	int rc = 0;

	if (json_is_array(doc) && json_array_size(doc) == 0)
		return 0;
	if (!json_is_object(first))
		return win_bad(w, "$", "neither an object nor a list of objects",
			       "the JSON of Get-DnsServerZone, Get-DnsServerForwarder or Get-DnsServerResourceRecord");
	if (json_object_get(first, "Zones") || json_object_get(first, "Forwarder") ||
	    json_object_get(first, "Records")) {
		const json_t *zs = json_object_get(first, "Zones"), *rs = json_object_get(first, "Records");
		const char *k;
		json_t *v;

		if (zs != NULL && (rc = win_doc_part(w, zs, "$.Zones")) != 0)
			return rc;
		if (json_object_get(first, "Forwarder") != NULL &&
		    (rc = win_forwarder(w, json_object_get(first, "Forwarder"), "$.Forwarder")) != 0)
			return rc;
		if (json_is_false(json_object_get(json_object_get(first, "Recursion"), "Enable")))
			w->recursion_off = true;
		json_object_foreach((json_t *)rs, k, v) {
			char p[400];

			snprintf(p, sizeof(p), "$.Records.%s", k);
			if ((rc = win_records(w, v, k, p)) != 0)
				return rc;
		}
		return 0;
	}
	if (json_object_get(first, "ZoneName") && json_object_get(first, "ZoneType"))
		return win_doc_part(w, doc, "$");
	if (json_object_get(first, "UseRootHint") || json_object_get(first, "IPAddress"))
		return win_forwarder(w, first, "$");
	if (json_object_get(first, "HostName") && json_object_get(first, "RecordType")) {
		if (!win_dn_zone(first, zone, sizeof(zone)))
			snprintf(zone, sizeof(zone), "%s", stem);
		return win_records(w, doc, zone, "$");
	}
	return win_bad(w, "$", "not a shape hybridns import knows",
		       "the JSON of Get-DnsServerZone, Get-DnsServerForwarder or Get-DnsServerResourceRecord");
}

static int
win_file(struct win_ctx *w, const char *path)
{
	char stem[300];
	const char *base = strrchr(path, '/');
	json_error_t je;
	json_t *doc;
	FILE *f;
	int rc;

	base = base ? base + 1 : path;
	snprintf(stem, sizeof(stem), "%s", base);
	if (strlen(stem) > 5 && strcmp(stem + strlen(stem) - 5, ".json") == 0)
		stem[strlen(stem) - 5] = '\0';
	w->file = path;
	f = fopen(path, "rb");
	if (f == NULL || !onprem_file_regular(f)) {
		fprintf(w->err, "%s: %s\n", path, f ? "not a regular file" : strerror(errno));
		if (f != NULL)
			fclose(f);
		return HNS_EPARSE;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (doc == NULL) {
		if (je.line > 0)
			fprintf(w->err, "%s:%d:%d: %s (expected JSON as ConvertTo-Json writes it)\n", path,
				je.line, je.column > 0 ? je.column : 1, je.text);
		else
			fprintf(w->err, "%s: %s\n", path, je.text);
		return HNS_EPARSE;
	}
	rc = onprem_source_add(w->c, path);
	if (rc == 0)
		rc = win_doc(w, doc, stem);
	json_decref(doc);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json of a folder, in name order. */
static int
win_dir(struct win_ctx *w, const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL, path[4096];
	size_t n = 0;
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		fprintf(w->err, "%s: %s\n", dir, strerror(errno));
		return HNS_EPARSE;
	}
	while ((e = readdir(d)) != NULL && rc == 0) {
		size_t l = strlen(e->d_name);
		char **nn;

		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof(*nn))) == NULL ||
		    (nn[n] = strdup(e->d_name)) == NULL) {
			names = nn ? nn : names;
			rc = HNS_ENOMEM;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (rc == 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = win_file(w, path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && n == 0) {
		fprintf(w->err, "%s: no .json file in the folder (expected the JSON of the DnsServer cmdlets)\n",
			dir);
		rc = HNS_EPARSE;
	}
	return rc;
}

int
onprem_read_windows(struct onprem_conf *c, const char *path, FILE *err)
{
	struct win_ctx w;
	struct stat st;
	int rc;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.err = err;
	c->windows = true;
	if (stat(path, &st) != 0) {
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return HNS_EPARSE;
	}
	rc = S_ISDIR(st.st_mode) ? win_dir(&w, path) : win_file(&w, path);
	if (rc != 0)
		return rc;
	if (w.recursion_off) {
		c->deflt = ONPREM_DEFAULT_REFUSE;
		onprem_note_set(&c->deflt_note, false, "recursion disabled (Get-DnsServerRecursion)");
	} else if (c->n_deflt_to > 0) {
		c->deflt = ONPREM_DEFAULT_UPSTREAMS;
		if (w.root_hints)
			onprem_note_set(&c->deflt_note, true,
					"UseRootHint: Windows falls back to the root hints when the forwarders fail");
	} else {
		onprem_note_set(&c->deflt_note, false, "%s",
				w.saw_forwarder ? "no server forwarders: root hints"
						: "no Get-DnsServerForwarder output: root hints assumed");
		c->deflt_note.guessed = !w.saw_forwarder;
	}
	return 0;
}
