/*
 * import/onprem/emit.c -- an imported resolver as scenario YAML: a whole
 * scenario, or the resolver's block for `--into` (see into.c).
 *
 * What is decided here rather than read: the default (global forwarders
 * that nothing in the scenario serves are the emulated internet) and the
 * address (--address, else what the configuration listens on, else a
 * guess inside onprem.cidr).  Every guessed value carries a "# guessed:"
 * comment; a value read with a caveat carries a plain comment.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"
#include "import/onprem/onprem.h"
#include "model/model.h"

/* Whether the scenario serves addr: a loopback (real) address, or one inside its own networks. */
static bool
addr_served(const struct model *m, const char *text)
{
	struct hns_addr a;

	if (hns_addr_parse_port(text, &a) != 0 && hns_addr_parse(text, &a) != 0)
		return false;
	if (hns_addr_is_loopback(&a))
		return true;
	if (m == NULL)
		return false;
	if (m->onprem.has_cidr && hns_cidr_contains(&m->onprem.cidr, &a))
		return true;
	for (size_t i = 0; i < m->n_vpcs; i++) {
		if (hns_cidr_contains(&m->vpcs[i].cidr, &a))
			return true;
	}
	for (size_t i = 0; i < m->onprem.n_resolvers; i++) {
		if (hns_addr_equal(&m->onprem.resolvers[i].address, &a))
			return true;
	}
	return false;
}

/* The default: upstreams the scenario serves; the rest are the emulated internet. */
static void
deflt_decide(struct onprem_conf *c, const struct model *m, char *kept, size_t len)
{
	char dropped[400] = "";
	size_t k = 0;

	kept[0] = '\0';
	if (c->deflt != ONPREM_DEFAULT_UPSTREAMS)
		return;
	for (size_t i = 0; i < c->n_deflt_to; i++) {
		char *a = c->deflt_to[i];
		char *d = addr_served(m, a) ? kept : dropped;
		size_t dl = strlen(d), cap = d == kept ? len : sizeof(dropped);

		snprintf(d + dl, cap - dl, "%s%s", dl ? ", " : "", a);
		if (d == kept)
			c->deflt_to[k++] = a;
		else
			free(a);
	}
	c->n_deflt_to = k;
	if (dropped[0] == '\0')
		return;
	if (k == 0) {
		c->deflt = ONPREM_DEFAULT_INTERNET;
		onprem_note_set(&c->deflt_note, false,
				"%s (global forwarders): nothing in the scenario serves them: the emulated internet",
				dropped);
	} else {
		onprem_note_set(&c->deflt_note, false,
				"%s (also global forwarders): nothing in the scenario serves them: left out",
				dropped);
	}
}

/* A free address for the resolver: .53 upwards in onprem.cidr (or 192.168.0.0/16). */
static void
address_guess(const struct model *m, char *buf, size_t len)
{
	struct hns_cidr c;
	struct hns_addr a;

	if (m == NULL || !m->onprem.has_cidr || m->onprem.cidr.base.family != AF_INET)
		hns_cidr_parse("192.168.0.0/16", &c);
	else
		c = m->onprem.cidr;
	for (uint32_t host = 53; host < 65536; host++) {
		bool used = false;

		hns_addr_from_v4(&a, hns_addr_v4(&c.base) + host, 0);
		if (!hns_cidr_contains(&c, &a))
			break;
		for (size_t i = 0; m != NULL && i < m->onprem.n_resolvers && !used; i++)
			used = hns_addr_equal(&m->onprem.resolvers[i].address, &a);
		if (!used)
			break;
	}
	hns_addr_str(&a, buf, len);
}

/* A YAML scalar: plain when it is a simple name or address, else double-quoted. */
static void
yaml_scalar(FILE *out, const char *s)
{
	bool plain = s[0] != '\0' && s[0] != '*' && s[0] != '-';

	for (const char *p = s; *p && plain; p++)
		plain = isalnum((unsigned char)*p) || strchr("._-:", *p) != NULL;
	if (plain && strchr(s, ':') != NULL && strchr(s, '.') == NULL)
		plain = false; /* a bare IPv6 address reads like a mapping key */
	if (s[0] == '\0') {
		fputs("\".\"", out);
		return;
	}
	if (plain) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Text from the configuration in a YAML comment: printable ASCII only ('?' for the rest). */
static void
comment_text(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? *s : '?', out);
}

static void
note_put(FILE *out, const struct onprem_note *n)
{
	if (n->text[0] != '\0') {
		fprintf(out, "  # %s", n->guessed ? "guessed: " : "");
		comment_text(out, n->text);
	}
	fputc('\n', out);
}

static void
addr_list(FILE *out, char **v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		if (strchr(v[i], ':') != NULL)
			fprintf(out, "\"%s\"", v[i]); /* "10.0.0.1:5353" and IPv6 */
		else
			fputs(v[i], out);
	}
	fputc(']', out);
}

/* The owner of an rr line relative to zone: "@", "app", or absolute. */
static void
record_line(FILE *out, const char *pad, const char *rr, const char *zone)
{
	size_t ol = strcspn(rr, " "), zl = strlen(zone);
	const char *rest = rr + ol;

	if (zl > 0 && ol == zl + 1 && strncasecmp(rr, zone, zl) == 0)
		fprintf(out, "%s@%s\n", pad, rest);
	else if (zl > 0 && ol > zl + 2 && rr[ol - zl - 2] == '.' &&
		 strncasecmp(rr + ol - zl - 1, zone, zl) == 0)
		fprintf(out, "%s%.*s%s\n", pad, (int)(ol - zl - 2), rr, rest);
	else
		fprintf(out, "%s%s\n", pad, rr);
}

/* Whether every target of f reaches a server of the scenario it joins (see model_onprem_target_ok). */
static bool
fwd_served(const struct onprem_fwd *f, const struct model *m)
{
	for (size_t i = 0; i < f->n_to; i++) {
		struct hns_addr a;

		if (hns_addr_parse_port(f->to[i], &a) != 0 && hns_addr_parse(f->to[i], &a) != 0)
			return false;
		if (!model_onprem_target_ok(m, &a))
			return false;
	}
	return true;
}

/*
 * A forward whose targets nothing in the scenario serves (the AWS side not
 * imported yet, or not this part of it) cannot stand as a rule -- the
 * loader refuses a target nothing answers -- so it is kept as a comment,
 * with the reason, and a warning says so; `--into` a scenario that has the
 * targets writes it for real.
 */
static void
emit_forward_commented(const struct onprem_fwd *f, FILE *out, const char *p, FILE *warn)
{
	fprintf(out, "%s    # not written: nothing in this scenario serves ", p);
	for (size_t i = 0; i < f->n_to; i++)
		fprintf(out, "%s%s", i ? ", " : "", f->to[i]);
	fprintf(out, " (import the AWS side, then add this resolver with --into):\n");
	fprintf(out, "%s    # - zone: %s\n%s    #   to: [", p, f->zone, p);
	for (size_t i = 0; i < f->n_to; i++)
		fprintf(out, "%s%s", i ? ", " : "", f->to[i]);
	fprintf(out, "]\n%s    #   policy: %s\n", p, f->policy);
	if (warn != NULL)
		fprintf(warn, "hybridns import: warning: forward %s: nothing in the scenario serves its targets: written as a comment\n",
			f->zone);
}

static void
emit_forwards(const struct onprem_conf *c, const struct model *m, FILE *out, const char *p)
{
	size_t served = 0;

	for (size_t i = 0; i < c->n_fwds; i++)
		served += fwd_served(&c->fwds[i], m);
	if (c->n_fwds == 0)
		return;
	if (served == 0) {
		/* no list to hold them: the comments stand at the resolver's level */
		for (size_t i = 0; i < c->n_fwds; i++)
			emit_forward_commented(&c->fwds[i], out, p, c->warn);
		return;
	}
	fprintf(out, "%s  forward:\n", p);
	for (size_t i = 0; i < c->n_fwds; i++) {
		const struct onprem_fwd *f = &c->fwds[i];

		if (!fwd_served(f, m)) {
			emit_forward_commented(f, out, p, c->warn);
			continue;
		}
		fprintf(out, "%s    - zone: ", p);
		yaml_scalar(out, f->zone);
		note_put(out, &f->note);
		fprintf(out, "%s      to: ", p);
		addr_list(out, f->to, f->n_to);
		fputc('\n', out);
		fprintf(out, "%s      policy: %s", p, f->policy);
		note_put(out, &f->policy_note);
		if (f->timeout_ms > 0) {
			fprintf(out, "%s      timeout_ms: %u", p, f->timeout_ms);
			note_put(out, &f->timeout_note);
		}
	}
}

static void
emit_zones(const struct onprem_conf *c, FILE *out, const char *p)
{
	char pad[64];

	if (c->n_zones == 0)
		return;
	snprintf(pad, sizeof(pad), "%s      ", p);
	fprintf(out, "%s  zones:\n", p);
	for (size_t i = 0; i < c->n_zones; i++) {
		const struct onprem_zone *z = &c->zones[i];

		if (z->note.text[0] != '\0') {
			fprintf(out, "%s    # %s", p, z->note.guessed ? "guessed: " : "");
			comment_text(out, z->note.text);
			fputc('\n', out);
		}
		fprintf(out, "%s    ", p);
		yaml_scalar(out, z->name);
		if (z->n_records == 0) {
			fprintf(out, ": \"\"\n");
			continue;
		}
		fprintf(out, ": |\n");
		for (size_t j = 0; j < z->n_records; j++)
			record_line(out, pad, z->records[j], z->name);
	}
}

static void
emit_resolver(const struct onprem_conf *c, const struct onprem_emit *e, FILE *out, unsigned ind,
	      const char *addr, const struct onprem_note *addr_note)
{
	char p[40];

	snprintf(p, sizeof(p), "%*s", (int)(ind < 32 ? ind : 32), "");
	fprintf(out, "%s", p);
	yaml_scalar(out, e->name);
	fprintf(out, ":\n%s  address: ", p);
	yaml_scalar(out, addr);
	note_put(out, addr_note);
	if (c->windows)
		fprintf(out, "%s  profile: windows  # Windows Server DNS: sequential, 3 s per forwarder, 8 s overall\n",
			p);
	emit_forwards(c, e->into, out, p);
	emit_zones(c, out, p);
	fprintf(out, "%s  default: ", p);
	if (c->deflt == ONPREM_DEFAULT_UPSTREAMS)
		addr_list(out, c->deflt_to, c->n_deflt_to);
	else
		fputs(c->deflt == ONPREM_DEFAULT_REFUSE ? "refuse" : "internet", out);
	note_put(out, &c->deflt_note);
	if (c->has_cache)
		fprintf(out,
			"%s  cache: {enabled: true, max_entries: %u, min_ttl: %u, max_ttl: %u, negative_max_ttl: %u}\n",
			p, c->cache_max_entries, c->cache_min_ttl, c->cache_max_ttl,
			c->cache_neg_ttl);
}

/* "named.conf, db.corp" into buf. */
static void
sources_str(const struct onprem_conf *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->n_sources && o + 1 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", c->sources[i]);

		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static void
decide(struct onprem_conf *c, const struct onprem_emit *e, char *addr, size_t len,
       struct onprem_note *an)
{
	char kept[400];

	deflt_decide(c, e->into, kept, sizeof(kept));
	memset(an, 0, sizeof(*an));
	if (e->address != NULL) {
		snprintf(addr, len, "%s", e->address);
		onprem_note_set(an, false, "--address");
	} else if (c->listen != NULL) {
		snprintf(addr, len, "%s", c->listen);
		onprem_note_set(an, false, "the address the configuration listens on");
	} else {
		address_guess(e->into, addr, len);
		onprem_note_set(an, true,
				"the configuration names no address it listens on (give --address)");
	}
}

int
onprem_emit_block(struct onprem_conf *c, const struct onprem_emit *e, unsigned indent,
		  char **block)
{
	char addr[80], src[2048];
	struct onprem_note an;
	size_t len = 0;
	FILE *out = open_memstream(block, &len);

	if (out == NULL)
		return HNS_ENOMEM;
	decide(c, e, addr, sizeof(addr), &an);
	sources_str(c, src, sizeof(src));
	fprintf(out, "%*s# Imported by hybridns %s: ", (int)indent, "", HNS_VERSION);
	comment_text(out, e->command);
	fprintf(out, "\n%*s# from ", (int)indent, "");
	comment_text(out, src);
	fprintf(out, ". \"guessed\" marks a value the configuration did not hold.\n");
	emit_resolver(c, e, out, indent, addr, &an);
	if (fclose(out) != 0)
		return HNS_ENOMEM;
	return 0;
}

int
onprem_emit_scenario(struct onprem_conf *c, const struct onprem_emit *e, FILE *out)
{
	char addr[80], src[2048];
	struct onprem_note an;

	decide(c, e, addr, sizeof(addr), &an);
	sources_str(c, src, sizeof(src));
	fprintf(out, "# Generated by hybridns %s: ", HNS_VERSION);
	comment_text(out, e->command);
	fprintf(out, "\n# from ");
	comment_text(out, src);
	fprintf(out, ".\n");
	fprintf(out, "# \"guessed\" marks a value the configuration did not hold.\n");
	fprintf(out, "scenario: ");
	yaml_scalar(out, e->name);
	fprintf(out, "  # guessed: the resolver's name\n");
	fprintf(out, "region: eu-west-1  # guessed: format v1 needs a region; no AWS side was imported\n\n");
	fprintf(out, "onprem:\n  resolvers:\n");
	emit_resolver(c, e, out, 4, addr, &an);
	return ferror(out) ? HNS_EACCES : 0;
}
