#include "config.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/net.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "model/model.h"

static void
rule_defaults(struct fwd_rule *r)
{
	r->policy = FWD_POLICY_SEQUENTIAL;
	r->timeout_ms = FWD_DEFAULT_TIMEOUT_MS;
	r->attempts = 0;
	r->overall_ms = 0;
}

int
fwd_config_new(const char *name, struct fwd_config **out)
{
	struct fwd_config *c = calloc(1, sizeof(*c));

	if (!c)
		return HNS_ENOMEM;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "onprem");
	snprintf(c->hop, sizeof(c->hop), "onprem:%s", c->name);
	dns_nametab_init(&c->zones);
	c->deflt.kind = FWD_RULE_REFUSE;
	c->deflt.zone[0] = 0;
	c->deflt.zone_len = 1;
	snprintf(c->deflt.name, sizeof(c->deflt.name), "default");
	rule_defaults(&c->deflt);
	c->cache.enabled = true;
	c->cache.max_entries = FWD_DEFAULT_CACHE_ENTRIES;
	c->cache.min_ttl = 0;
	c->cache.max_ttl = FWD_DEFAULT_MAX_TTL;
	c->cache.negative_max_ttl = FWD_DEFAULT_NEG_MAX_TTL;
	c->cache.serve_stale = false;
	c->cache.stale_s = FWD_DEFAULT_STALE_S;
	c->fail_threshold = FWD_DEFAULT_FAIL_THRESHOLD;
	c->rise = FWD_DEFAULT_RISE;
	c->probe_ms = FWD_DEFAULT_PROBE_MS;
	c->edns_size = FWD_DEFAULT_EDNS_SIZE;
	c->table_size = FWD_DEFAULT_TABLE;
	c->upstream_socks = 4;
	*out = c;
	return 0;
}

static void
local_zone_deinit(struct fwd_local_zone *z)
{
	for (size_t i = 0; i < z->n_sets; i++)
		free(z->sets[i].tails);
	free(z->sets);
	free(z->soa_tail);
	memset(z, 0, sizeof(*z));
}

void
fwd_config_free(struct fwd_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_rules; i++)
		local_zone_deinit(&c->rules[i].local);
	free(c->rules);
	dns_nametab_deinit(&c->zones);
	free(c);
}

static bool
addr_port_equal(const struct hns_addr *a, const struct hns_addr *b)
{
	return hns_addr_equal(a, b) && a->port == b->port;
}

int
fwd_config_add_upstream(struct fwd_config *c, const struct hns_addr *virt,
			const struct hns_addr *real)
{
	struct hns_addr r = *real;

	if (r.port == 0)
		r.port = 53;
	if (!hns_net_dest_allowed(&r))
		return HNS_ENOTLOOPBACK; /* checked once here, never per packet */
	for (size_t i = 0; i < c->n_upstreams; i++)
		if (addr_port_equal(&c->upstreams[i].real, &r))
			return (int)i;
	if (c->n_upstreams >= FWD_MAX_UPSTREAMS)
		return HNS_EFULL;

	struct fwd_upstream_cfg *u = &c->upstreams[c->n_upstreams];
	char a[HNS_ADDR_STRLEN], b[HNS_ADDR_STRLEN];

	memset(u, 0, sizeof(*u));
	if (virt)
		u->virt = *virt;
	u->real = r;
	hns_addr_port_str(&r, b, sizeof(b));
	if (virt && virt->family && !addr_port_equal(virt, &r))
		snprintf(u->label, sizeof(u->label), "%s", hns_addr_port_str(virt, a, sizeof(a)));
	else if (virt && virt->family)
		snprintf(u->label, sizeof(u->label), "%s", b);
	else
		snprintf(u->label, sizeof(u->label), "internet");
	return (int)c->n_upstreams++;
}

static struct fwd_rule *
rule_append(struct fwd_config *c, const char *zone, int *idx)
{
	uint8_t wire[DNS_NAME_MAX];
	int len = dns_name_from_str(zone, wire);

	if (len < 0)
		return NULL;
	struct fwd_rule *rules = realloc(c->rules, (c->n_rules + 1) * sizeof(*rules));

	if (!rules)
		return NULL;
	c->rules = rules;

	struct fwd_rule *r = &rules[c->n_rules];

	memset(r, 0, sizeof(*r));
	memcpy(r->zone, wire, (size_t)len);
	r->zone_len = (uint8_t)len;
	dns_name_lower(r->zone, r->zone_len);
	rule_defaults(r);
	*idx = (int)c->n_rules++;
	return r;
}

/* Index rule idx by its zone; an earlier rule of the same zone keeps it. */
static int
rule_index(struct fwd_config *c, int idx)
{
	const struct fwd_rule *r = &c->rules[idx];

	if (dns_nametab_get(&c->zones, 0, r->zone, r->zone_len))
		return idx;
	int rc = dns_nametab_put(&c->zones, 0, r->zone, r->zone_len, (void *)(uintptr_t)(idx + 1));

	return rc < 0 ? rc : idx;
}

static int
rule_set_upstreams(struct fwd_rule *r, const uint16_t *ups, size_t n, enum fwd_policy policy,
		   uint32_t timeout_ms, uint32_t attempts)
{
	if (n == 0 || n > FWD_MAX_RULE_UPSTREAMS)
		return HNS_EINVAL;
	memcpy(r->upstreams, ups, n * sizeof(*ups));
	r->n_upstreams = (uint16_t)n;
	r->policy = policy;
	r->timeout_ms = timeout_ms ? timeout_ms : FWD_DEFAULT_TIMEOUT_MS;
	/* as a scenario's forward item: one try per listed target (model/loader.c) */
	r->attempts = attempts ? attempts : (uint32_t)n;
	return 0;
}

int
fwd_config_add_forward(struct fwd_config *c, const char *zone, const uint16_t *ups, size_t n,
		       enum fwd_policy policy, uint32_t timeout_ms, uint32_t attempts)
{
	int idx;
	struct fwd_rule *r = rule_append(c, zone, &idx);

	if (!r)
		return HNS_EINVAL;
	r->kind = FWD_RULE_FORWARD;
	snprintf(r->name, sizeof(r->name), "forward %s", zone);
	int rc = rule_set_upstreams(r, ups, n, policy, timeout_ms, attempts);

	if (rc < 0 || (rc = rule_index(c, idx)) < 0) {
		c->n_rules--;
		return rc;
	}
	return idx;
}

int
fwd_config_set_default(struct fwd_config *c, const uint16_t *ups, size_t n,
		       enum fwd_policy policy, uint32_t timeout_ms, uint32_t attempts)
{
	int rc = rule_set_upstreams(&c->deflt, ups, n, policy, timeout_ms, attempts);

	if (rc == 0)
		c->deflt.kind = FWD_RULE_FORWARD;
	return rc;
}

static enum fwd_policy
policy_from_model(enum model_policy p)
{
	switch (p) {
	case MODEL_POLICY_ROUND_ROBIN:
		return FWD_POLICY_ROUND_ROBIN;
	case MODEL_POLICY_RANDOM:
		return FWD_POLICY_RANDOM;
	default:
		return FWD_POLICY_SEQUENTIAL;
	}
}

void
fwd_config_profile_windows(struct fwd_config *c)
{
	for (size_t i = 0; i <= c->n_rules; i++) {
		struct fwd_rule *r = i < c->n_rules ? &c->rules[i] : &c->deflt;
		struct model_timing t;

		if (r->kind != FWD_RULE_FORWARD)
			continue;
		model_timing_windows(r->n_upstreams, &t);
		r->policy = policy_from_model(t.policy);
		r->timeout_ms = t.timeout_ms;
		r->overall_ms = t.overall_ms;
		r->attempts = t.attempts;
	}
}

/* ------------------------------------------------------------ local zones */

/* The RR's wire form after its owner name: type, class, TTL, rdlength, rdata. */
static int
rr_tail(const ldns_rr *rr, uint8_t **tail, size_t *tail_len)
{
	uint8_t *wire = NULL;
	size_t size = 0;
	size_t olen = ldns_rdf_size(ldns_rr_owner(rr));

	if (ldns_rr2wire(&wire, rr, LDNS_SECTION_ANSWER, &size) != LDNS_STATUS_OK || size < olen + 10) {
		free(wire);
		return HNS_EMALFORMED;
	}
	*tail_len = size - olen;
	*tail = malloc(*tail_len);
	if (!*tail) {
		free(wire);
		return HNS_ENOMEM;
	}
	memcpy(*tail, wire + olen, *tail_len);
	free(wire);
	return 0;
}

static int
local_zone_add_rr(struct fwd_local_zone *z, const ldns_rr *rr)
{
	const ldns_rdf *owner = ldns_rr_owner(rr);
	uint8_t name[DNS_NAME_MAX];
	size_t nlen = ldns_rdf_size(owner);
	uint16_t type = (uint16_t)ldns_rr_get_type(rr);

	if (nlen == 0 || nlen > DNS_NAME_MAX)
		return HNS_ENAME;
	memcpy(name, ldns_rdf_data(owner), nlen);
	dns_name_lower(name, nlen);

	struct fwd_rrset *set = NULL;

	for (size_t i = 0; i < z->n_sets; i++)
		if (z->sets[i].type == type && z->sets[i].owner_len == nlen &&
		    memcmp(z->sets[i].owner, name, nlen) == 0)
			set = &z->sets[i];
	if (!set) {
		struct fwd_rrset *sets = realloc(z->sets, (z->n_sets + 1) * sizeof(*sets));

		if (!sets)
			return HNS_ENOMEM;
		z->sets = sets;
		set = &sets[z->n_sets++];
		memset(set, 0, sizeof(*set));
		memcpy(set->owner, name, nlen);
		set->owner_len = (uint8_t)nlen;
		set->type = type;
	}

	uint8_t *tail;
	size_t tlen;
	int rc = rr_tail(rr, &tail, &tlen);

	if (rc < 0)
		return rc;
	uint8_t *grown = realloc(set->tails, set->tails_len + tlen);

	if (!grown) {
		free(tail);
		return HNS_ENOMEM;
	}
	memcpy(grown + set->tails_len, tail, tlen);
	free(tail);
	set->tails = grown;
	set->tails_len += tlen;
	set->count++;
	return 0;
}

static int
local_zone_set_soa(struct fwd_local_zone *z, const ldns_rr *soa)
{
	if (ldns_rr_get_type(soa) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(soa) < 7)
		return HNS_EINVAL;
	int rc = rr_tail(soa, &z->soa_tail, &z->soa_tail_len);

	if (rc < 0)
		return rc;
	uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
	uint32_t ttl = ldns_rr_ttl(soa);

	z->neg_ttl = minimum < ttl ? minimum : ttl;
	return 0;
}

int
fwd_config_add_local_zone_text(struct fwd_config *c, const char *zone, const char *soa,
			       const char *const *records, size_t n)
{
	int idx;
	struct fwd_rule *r = rule_append(c, zone, &idx);
	ldns_rr *rr = NULL;
	int rc = HNS_EPARSE;

	if (!r)
		return HNS_EINVAL;
	r->kind = FWD_RULE_LOCAL;
	snprintf(r->name, sizeof(r->name), "local %s", zone);
	if (ldns_rr_new_frm_str(&rr, soa, 3600, NULL, NULL) != LDNS_STATUS_OK)
		goto fail;
	rc = local_zone_set_soa(&r->local, rr);
	ldns_rr_free(rr);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		rr = NULL;
		if (ldns_rr_new_frm_str(&rr, records[i], 3600, NULL, NULL) != LDNS_STATUS_OK) {
			rc = HNS_EPARSE;
			goto fail;
		}
		rc = local_zone_add_rr(&r->local, rr);
		ldns_rr_free(rr);
		if (rc < 0)
			goto fail;
	}
	if ((rc = rule_index(c, idx)) < 0)
		goto fail;
	return idx;
fail:
	local_zone_deinit(&r->local);
	c->n_rules--;
	return rc;
}

static int
local_zone_from_model(struct fwd_config *c, const struct model_zone *mz)
{
	int idx;
	struct fwd_rule *r = rule_append(c, mz->name, &idx);
	int rc;

	if (!r)
		return HNS_EINVAL;
	r->kind = FWD_RULE_LOCAL;
	snprintf(r->name, sizeof(r->name), "local %s", mz->name[0] ? mz->name : ".");
	if (!mz->soa) {
		rc = HNS_EINVAL;
		goto fail;
	}
	rc = local_zone_set_soa(&r->local, mz->soa);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < mz->n_records; i++) {
		if (!mz->records[i].rr)
			continue; /* ALIAS: not served by the on-prem resolver */
		rc = local_zone_add_rr(&r->local, mz->records[i].rr);
		if (rc < 0)
			goto fail;
	}
	if ((rc = rule_index(c, idx)) < 0)
		goto fail;
	return 0;
fail:
	local_zone_deinit(&r->local);
	c->n_rules--;
	return rc;
}

/* ------------------------------------------------------------ from the model */

static int
route_list(struct fwd_config *c, const struct hns_addr *to, size_t n, fwd_route_fn route,
	   void *arg, uint16_t *ups, char *err, size_t errlen)
{
	char buf[HNS_ADDR_STRLEN];

	if (n > FWD_MAX_RULE_UPSTREAMS) {
		snprintf(err, errlen, "more than %d upstreams in one rule", FWD_MAX_RULE_UPSTREAMS);
		return HNS_ERANGE;
	}
	for (size_t i = 0; i < n; i++) {
		const struct hns_addr *real = route(arg, &to[i]);

		if (!real) {
			snprintf(err, errlen, "upstream %s: nothing of the emulation listens there",
				 hns_addr_port_str(&to[i], buf, sizeof(buf)));
			return HNS_ENOENT;
		}
		int u = fwd_config_add_upstream(c, &to[i], real);

		if (u < 0) {
			if (u == HNS_ENOTLOOPBACK)
				snprintf(err, errlen, "upstream %s: routed to a non-loopback address",
					 hns_addr_port_str(&to[i], buf, sizeof(buf)));
			else
				snprintf(err, errlen, "too many upstreams (at most %d)",
					 FWD_MAX_UPSTREAMS);
			return u;
		}
		ups[i] = (uint16_t)u;
	}
	return 0;
}

int
fwd_config_from_model(const struct model_onprem_resolver *mr, fwd_route_fn route, void *arg,
		      struct fwd_config **out, char *err, size_t errlen)
{
	struct fwd_config *c;
	uint16_t ups[FWD_MAX_RULE_UPSTREAMS];
	struct model_timing t = {0}; /* the profile's timing: model/effective.c */
	int rc = fwd_config_new(mr->name, &c);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < mr->n_forwards; i++) {
		const struct model_forward *f = &mr->forwards[i];

		rc = route_list(c, f->to, f->n_to, route, arg, ups, err, errlen);
		if (rc < 0)
			goto fail;
		model_forward_timing(mr, f, &t);
		rc = fwd_config_add_forward(c, f->zone, ups, f->n_to, policy_from_model(t.policy),
					    t.timeout_ms, t.attempts);
		if (rc < 0) {
			snprintf(err, errlen, "forward %s: bad zone or upstream list", f->zone);
			goto fail;
		}
		c->rules[rc].overall_ms = t.overall_ms;
	}
	for (size_t i = 0; i < mr->n_zones; i++) {
		rc = local_zone_from_model(c, &mr->zones[i]);
		if (rc < 0) {
			snprintf(err, errlen, "zone %s: %s", mr->zones[i].name, hns_strerror(rc));
			goto fail;
		}
	}
	switch (mr->default_kind) {
	case MODEL_DEFAULT_INTERNET: {
		const struct hns_addr *real = route(arg, NULL);

		if (!real) {
			snprintf(err, errlen, "default internet: no internet server in this world");
			rc = HNS_ENOENT;
			goto fail;
		}
		rc = fwd_config_add_upstream(c, NULL, real);
		if (rc < 0)
			goto fail;
		ups[0] = (uint16_t)rc;
		model_forward_timing(mr, NULL, &t);
		rc = fwd_config_set_default(c, ups, 1, policy_from_model(t.policy), t.timeout_ms,
					    t.attempts);
		snprintf(c->deflt.name, sizeof(c->deflt.name), "default internet");
		break;
	}
	case MODEL_DEFAULT_UPSTREAMS:
		rc = route_list(c, mr->default_upstreams, mr->n_default_upstreams, route, arg, ups, err,
				errlen);
		if (rc < 0)
			goto fail;
		model_forward_timing(mr, NULL, &t);
		rc = fwd_config_set_default(c, ups, mr->n_default_upstreams,
					    policy_from_model(t.policy), t.timeout_ms, t.attempts);
		snprintf(c->deflt.name, sizeof(c->deflt.name), "default upstreams");
		break;
	case MODEL_DEFAULT_REFUSE:
		c->deflt.kind = FWD_RULE_REFUSE;
		snprintf(c->deflt.name, sizeof(c->deflt.name), "default refuse");
		break;
	}
	if (rc < 0)
		goto fail;

	const struct model_cache *mc = &mr->cache;

	c->cache.enabled = mc->enabled;
	if (mc->max_entries)
		c->cache.max_entries = mc->max_entries;
	c->cache.min_ttl = mc->min_ttl;
	if (mc->max_ttl)
		c->cache.max_ttl = mc->max_ttl;
	if (mc->negative_max_ttl)
		c->cache.negative_max_ttl = mc->negative_max_ttl;
	c->cache.serve_stale = mc->serve_stale;
	if (mr->health.fail_after)
		c->fail_threshold = mr->health.fail_after;
	if (mr->health.probe_ms)
		c->probe_ms = mr->health.probe_ms;
	if (mr->health.rise)
		c->rise = mr->health.rise;
	c->deflt.overall_ms = c->deflt.kind == FWD_RULE_FORWARD ? t.overall_ms : 0;
	*out = c;
	return 0;
fail:
	fwd_config_free(c);
	return rc;
}

const struct fwd_rule *
fwd_config_match(const struct fwd_config *c, const uint8_t *qname, size_t qlen)
{
	uintptr_t i = (uintptr_t)dns_nametab_longest(&c->zones, 0, qname, qlen, NULL);

	return i ? &c->rules[i - 1] : &c->deflt;
}

const struct fwd_rule *
fwd_config_match_lower(const struct fwd_config *c, const uint8_t *lname, size_t len)
{
	uintptr_t i = (uintptr_t)dns_nametab_longest_lower(&c->zones, 0, lname, len, NULL);

	return i ? &c->rules[i - 1] : &c->deflt;
}
