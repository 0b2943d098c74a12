/*
 * import/scen.h -- the world an importer reads, before it becomes YAML.
 *
 * Every reader (AWS CLI JSON, Terraform JSON) fills one struct imp_scen
 * with what its input says, linking objects by *keys*: the strings the
 * input uses to point at each other (an AWS id such as "vpc-0a1b…", a
 * Terraform address such as "module.spoke.aws_vpc.this").  An object may
 * answer to two keys (its address and, once known, its id).  Nothing here
 * is named for the scenario yet: imp_scen_finish() resolves the keys,
 * gives every object a valid, unique handle, fills what the input did not
 * know (ENI addresses inside their subnet) and marks each such value as
 * guessed, so the writer (import/write.c) can say so in a comment.
 *
 * Everything lives in the scen's arena and goes with imp_scen_deinit().
 * No I/O, no sockets.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/arena.h"

/* A growable array of strings in the scen's arena. */
struct imp_strs {
	const char **v;
	size_t n, cap;
};

/* Where an object came from, for messages: "vpcs.json: $.Vpcs[2]". */
struct imp_src {
	const char *file;
	const char *path;
};

struct imp_vpc {
	const char *key, *key2;
	const char *name; /* Name tag or id, as read; made a handle by finish */
	const char *id;	  /* real "vpc-…" or NULL */
	const char *cidr;
	const char *region; /* NULL: the scenario's */
	int dns_support, dns_hostnames; /* 1, 0, or -1 when the input did not say */
	const char *note; /* a comment line for the VPC (DHCP options), or NULL */
	struct imp_src src;
};

struct imp_subnet {
	const char *key, *key2;
	const char *name, *id;
	const char *vpc; /* key */
	const char *az, *cidr;
	struct imp_src src;
};

/* One ENI of an interface endpoint or a resolver endpoint. */
struct imp_eni {
	const char *subnet; /* key */
	const char *ip;	    /* NULL until known; finish guesses it */
	const char *eni_id; /* "eni-…" / "rni-…" when read, for linking */
	bool guessed;
};

struct imp_enis {
	struct imp_eni *v;
	size_t n, cap;
};

struct imp_endpoint {
	const char *key, *key2;
	const char *name, *id;
	const char *dns_suffix; /* from DnsEntries / dns_entry, or NULL */
	const char *service;
	const char *vpc; /* key */
	bool gateway;
	int private_dns; /* 1, 0, -1 unknown */
	struct imp_enis enis;
	struct imp_strs eni_ids; /* NetworkInterfaceIds, for linking */
	struct imp_src src;
};

struct imp_record {
	const char *owner; /* absolute, lower-case, no trailing dot */
	long ttl;	   /* -1: not given */
	const char *type;  /* "A", "ALIAS" */
	const char *rdata; /* presentation form; for ALIAS the target (endpoint:x or a name) */
	const char *alias_key; /* ALIAS to an endpoint by key (resolved by finish), or NULL */
	bool alias_zonal;      /* with alias_key: the zonal name of alias_az */
	const char *alias_az;
};

struct imp_records {
	struct imp_record *v;
	size_t n, cap;
};

struct imp_zone {
	const char *key, *key2;
	const char *name; /* the zone's DNS name, lower-case, no trailing dot */
	bool private;
	struct imp_strs vpcs;	     /* keys */
	struct imp_strs authorized;  /* keys of VPCs authorised but maybe not associated */
	struct imp_records records;
	struct imp_src src;
};

struct imp_rep {
	const char *key, *key2;
	const char *name, *id;
	bool inbound;
	const char *vpc; /* key, or NULL: the VPC of its subnets */
	struct imp_enis ips;
	struct imp_src src;
};

struct imp_rule {
	const char *key, *key2;
	const char *name, *id;
	const char *domain;
	bool system;
	const char *endpoint; /* key */
	struct imp_strs targets; /* "ip" or "ip:port" */
	struct imp_strs vpcs;	 /* keys */
	struct imp_src src;
	struct imp_src endpoint_src; /* where `endpoint` was read, for a dangling reference */
};

struct imp_tunnel {
	const char *name;
	const char *state; /* "up", "down" */
	bool state_guessed;
	const char *outside_ip;
};

struct imp_vpn {
	bool present;
	struct imp_strs vpcs;	  /* keys */
	struct imp_strs gateways; /* VPN gateway keys not yet tied to a VPC */
	struct imp_tunnel *tunnels;
	size_t n_tunnels, cap_tunnels;
	struct imp_strs onprem_cidrs; /* static routes */
};

/* A VPN gateway attachment: gateway key -> VPC key. */
struct imp_vgw {
	const char *key, *key2;
	const char *vpc;
};

#define IMP_ARRAY(T)                                                                               \
	struct {                                                                                   \
		T *v;                                                                              \
		size_t n, cap;                                                                     \
	}

struct imp_scen {
	struct hns_arena arena;
	const char *region; /* --region, or found in the input, or NULL */
	bool region_guessed;
	const char *command;	/* the header: "hybridns import aws DIR" */
	struct imp_strs sources; /* files read, for the header */
	IMP_ARRAY(struct imp_vpc) vpcs;
	IMP_ARRAY(struct imp_subnet) subnets;
	struct imp_strs peer_a, peer_b; /* VPC keys, pairwise */
	IMP_ARRAY(struct imp_endpoint) endpoints;
	IMP_ARRAY(struct imp_zone) zones;
	IMP_ARRAY(struct imp_rep) reps;
	IMP_ARRAY(struct imp_rule) rules;
	IMP_ARRAY(struct imp_vgw) vgws;
	struct imp_vpn vpn;
	FILE *err;   /* warnings and errors, one line each */
	unsigned n_errors, n_warnings;
	bool oom;
};

void imp_scen_init(struct imp_scen *s, FILE *err);
void imp_scen_deinit(struct imp_scen *s);

/* Arena helpers: never NULL for a non-NULL input unless memory ran out (then s->oom). */
const char *imp_strdup(struct imp_scen *s, const char *str);
const char *imp_printf(struct imp_scen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void imp_strs_add(struct imp_scen *s, struct imp_strs *l, const char *str);
bool imp_strs_has(const struct imp_strs *l, const char *str);
/* Grow an array of elements of `size` by one zeroed element; NULL when out of memory. */
void *imp_grow(struct imp_scen *s, void **arr, size_t *n, size_t *cap, size_t size);
#define IMP_PUSH(s, a) ((__typeof__((a).v))imp_grow((s), (void **)&(a).v, &(a).n, &(a).cap, sizeof(*(a).v)))

/* Messages: "FILE: $.path: text".  An error makes the import fail with exit status 2. */
void imp_error(struct imp_scen *s, const char *file, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void imp_warn(struct imp_scen *s, const char *file, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Lookups by either key; NULL when absent. */
struct imp_vpc *imp_vpc_find(struct imp_scen *s, const char *key);
struct imp_subnet *imp_subnet_find(struct imp_scen *s, const char *key);
struct imp_endpoint *imp_endpoint_find(struct imp_scen *s, const char *key);
struct imp_zone *imp_zone_find(struct imp_scen *s, const char *key);
struct imp_rep *imp_rep_find(struct imp_scen *s, const char *key);
struct imp_rule *imp_rule_find(struct imp_scen *s, const char *key);

/* The endpoint whose regional or zonal DNS name is `dns_name` ("vpce-<id>-<suffix>[-<az>]…"). */
struct imp_endpoint *imp_endpoint_by_dns(struct imp_scen *s, const char *dns_name,
					 const char **az);

/* "vpce-0c11…-l1xf6pcv.execute-api…" -> the 8-character suffix after the id, or NULL. */
const char *imp_vpce_suffix(struct imp_scen *s, const char *id, const char *dns_name);

/*
 * Record data as zone-file text: Route 53 and Terraform give the names in
 * CNAME, NS, PTR, DNAME, MX and SRV data absolute with or without the final
 * dot; in zone-file text a name without it is relative, so add it.
 */
const char *imp_rdata_absolute(struct imp_scen *s, const char *type, const char *rdata);

/* Add a record to zone z (rdata made absolute where it holds a name). */
void imp_record_add(struct imp_scen *s, struct imp_zone *z, const char *owner, long ttl,
		    const char *type, const char *rdata);
/*
 * Add an ALIAS to z: to `target` (a DNS name, linked to the endpoint whose
 * vpce name it is), or, when the name is not known yet, to the endpoint
 * whose key is target_key.
 */
void imp_alias_add(struct imp_scen *s, struct imp_zone *z, const char *owner, const char *target,
		   const char *target_key);

/* Lower-case copy without the trailing dot. */
const char *imp_dname(struct imp_scen *s, const char *name);

/*
 * Resolve keys, name every object, guess what is missing (region, ENI
 * addresses), drop what cannot be linked (with a warning).  Returns 0, or
 * HNS_EPARSE when an error was reported (a reference into nothing).
 */
int imp_scen_finish(struct imp_scen *s);

/*
 * Hold the values against the format's rules (import/check.c); called by
 * imp_scen_finish().  Bad values are errors located at their source object.
 */
int imp_scen_check(struct imp_scen *s);

/*
 * Write the scenario as format-v1 YAML with comments (header, `# guessed:`
 * on every value not read from the input) into a malloc'ed buffer.
 */
int imp_scen_write(struct imp_scen *s, char **out, size_t *len);
