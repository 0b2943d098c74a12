/*
 * model/internal.h -- what the loader's files share (not part of the
 * model's face; include model/model.h instead).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "model/model.h"

/* A YAML node as the loader sees it: a scalar, a map or a sequence. */
enum ynode_kind {
	YN_SCALAR,
	YN_MAP,
	YN_SEQ,
};

struct ynode {
	enum ynode_kind kind;
	bool plain;   /* a plain (unquoted) scalar */
	bool literal; /* a literal block scalar (`|`): lines map 1:1 to the file */
	struct model_loc loc;
	const char *str; /* scalars: NUL-terminated, no NUL inside */
	size_t len;
	struct ynode **kids; /* SEQ: n items; MAP: n pairs as kids[2i] key, kids[2i+1] value */
	size_t n;
	long *dup; /* MAP: dup[i] = index of an earlier pair with the same key, or -1 */
};

/* One recorded error before sorting. */
struct ld_error {
	struct model_loc loc;
	size_t seq;
	char *msg;
};

/* An address in use and who uses it. */
struct ld_addr_use {
	struct hns_addr addr;
	struct model_loc loc;
	size_t seq; /* order of registration */
	const char *path;
	/* Targets: the VPC of the resolver that sends to it (onprem.resolvers.<r>.vpc), NULL on-prem. */
	const struct model_vpc *vpc;
};

/* The state of one load. */
struct ld {
	struct model *m;
	const char *file;
	const char *buf; /* the raw text, for columns inside block scalars */
	size_t len;
	size_t *line_starts; /* offsets of each line's first byte, [0] = line 1 */
	size_t n_lines;
	struct hns_arena tmp; /* the YAML tree; freed after the load */
	size_t n_nodes;
	struct ld_error *errs;    /* kept up to LD_KEEP_ERRORS */
	struct ld_addr_use *uses; /* every ENI / resolver address, for duplicates */
	size_t n_uses, cap_uses;
	struct ld_addr_use *targets; /* on-prem forward targets, for ld_reach_check */
	size_t n_targets, cap_targets;
	size_t resolver_targets; /* targets[] index where the resolver being read starts */
	size_t n_errs, cap_errs, n_total;
	size_t n_records;  /* counted so far over all zone texts */
	bool records_full; /* MODEL_MAX_RECORDS crossed (reported once) */
	bool oom;
};

/* Paths are built in fixed buffers; longer ones are cut (messages only). */
#define LD_PATH_MAX 512

void ld_err(struct ld *ld, struct model_loc loc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/*
 * For a vector that is full: arr grown to twice *cap (16 at first) elements
 * of size bytes, *cap updated; NULL (ld->oom set, arr kept) when out of memory.
 */
void *ld_grow(struct ld *ld, void *arr, size_t *cap, size_t size);
/* The 1-based column of the first non-blank byte of a 1-based line, or 1. */
uint32_t ld_line_indent(const struct ld *ld, uint32_t line);

/* Names: lower-cased, no trailing dot; NULL (and an error) when not a DNS name. */
const char *ld_dname(struct ld *ld, const struct ynode *n, const char *path, const char *text);

/* records.c: parse a `records:` / zone text block into z (zone name and kind set). */
void records_parse(struct ld *ld, struct model_zone *z, const struct ynode *n, const char *path);
/* Give z its default SOA when it has none; returns 0 or HNS_ENOMEM. */
int records_default_soa(struct ld *ld, struct model_zone *z);
/* Frees the ldns objects of a zone array. */
void records_free_zones(struct model_zone *zones, size_t n);

/*
 * reach.c: which addresses a scenario may use where.  Each returns true
 * when the address is fine, else reports at loc/path and returns false.
 */
/* Appends an address use to the vector *v (ld->uses, ld->targets). */
void ld_addr_use_push(struct ld *ld, struct ld_addr_use **v, size_t *n, size_t *cap,
                      const struct hns_addr *a, struct model_loc loc, const char *path);
/* A DNS server's own address (an ENI, an on-prem resolver): unicast, IPv4 when ipv4_only. */
bool ld_server_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc,
                    const char *path, bool ipv4_only, const char *expected);

enum ld_target_kind {
	LD_TARGET_ONPREM, /* forward to: and default: of an on-prem resolver */
	LD_TARGET_RULE,   /* targets of a Resolver rule */
	LD_TARGET_LOAD,   /* load.<profile>.target: a real resolver on this host */
};
/* A target's address; on-prem ones are queued for ld_reach_check. */
bool ld_target_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc,
                    const char *path, enum ld_target_kind kind);
/* A VPC's or subnet's CIDR: IPv4, a prefix from min to max, a unicast range. */
bool ld_cidr_aws(struct ld *ld, const struct hns_cidr *c, struct model_loc loc, const char *path,
                 unsigned min, unsigned max);
/*
 * After the walk: queued on-prem targets against what serve reaches from
 * on-prem; the capacity of serve's address map, the forwarder and the VPN.
 */
void ld_reach_check(struct ld *ld);
/* load_vpcdns.c: `vpcs.<v>.dhcp_options` (an F_FN field of the VPC). */
void ld_vpc_dhcp_options(struct ld *ld, const struct ynode *v, const char *path, void *obj);
/* After the walk: resolvers placed in VPCs (their subnet) and DHCP option sets' servers. */
void ld_vpcdns_check(struct ld *ld);
/* Whether a resolver in VPC `from` reaches a server at a; when not, why (or "") into why. */
bool ld_vpc_reaches(const struct model *m, const struct model_vpc *from, const struct hns_addr *a,
                    char *why, size_t len);

/* reach.c: registers a server address in use; ld_addr_dups() reports the ones used twice. */
void ld_use_addr(struct ld *ld, const struct hns_addr *a, struct model_loc loc, const char *path);
void ld_addr_dups(struct ld *ld);

/* ids.c: AWS ids and names derived from scenario names, the same on every load. */
/* "<prefix>" + 17 lowercase hex digits derived from kind and name. */
const char *ld_derive_id(struct ld *ld, const char *prefix, const char *kind, const char *name);
/* An interface endpoint's 8-character DNS suffix derived from its name. */
const char *ld_derive_suffix(struct ld *ld, const char *name);
/* An optional AWS id as written: prefix + 8 or 17 lowercase hex digits. */
const char *ld_aws_id(struct ld *ld, const struct ynode *v, const char *path, const char *prefix);

/* find.c: the element of arr (n of stride bytes, each starting with `const
 * char *name`) whose name is the len bytes at name, or NULL. */
void *ld_find(const void *arr, size_t n, size_t stride, const char *name, size_t len);

/*
 * The sections of a scenario, one file each (model/load_<section>.c).  Each
 * ld_top_<key> reads the value v of the top-level key at path into ld->m;
 * loader.c walks them in dependency order.  The helpers below them are
 * what one section lends another.
 */
void ld_top_defaults(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_account(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_vpcs(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_peerings(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_endpoints(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_hosted_zones(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_resolver(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_firewall(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_profiles(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_onprem(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_vpn(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_internet(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_expect(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_top_load(struct ld *ld, const struct ynode *v, const char *path, void *obj);

/* loader.c: a 12-digit account id (quoted in YAML), or NULL (reported). */
const char *ld_account_id(struct ld *ld, const struct ynode *v, const char *path);
/* load_resolver.c: `shared_with`, a list of account ids (AWS RAM), into (*out, *n). */
void ld_account_list(struct ld *ld, const struct ynode *v, const char *path, const char ***out,
                     size_t *n);
/*
 * Whether a VPC may use a resource of `owner` shared with `shared` (AWS
 * RAM): its own account's, or one shared with its account.
 */
bool ld_account_may_use(const struct model_vpc *vpc, const char *owner, const char *const *shared,
                        size_t n_shared);
/*
 * Each VPC of the `vpcs` list in map val (at key path sub) that may not use
 * the resource `what` `name` of `owner` shared with `shared`: a located
 * error (AWS refuses the association without the RAM share).
 */
void ld_check_shares(struct ld *ld, const struct ynode *val, const char *sub, const char *what,
                     const char *name, const char *owner, const char *const *shared,
                     size_t n_shared);
/*
 * An association priority (DNS Firewall: 100 to 9900) from scalar v at
 * path into *out; false (reported) when it is none.
 */
bool ld_fw_priority(struct ld *ld, const struct ynode *v, const char *path, uint32_t *out);

/* load_vpc.c: a list of VPC names into (*out, *n). */
void ld_vpc_list(struct ld *ld, const struct ynode *v, const char *path, struct model_vpc ***out,
                 size_t *n);
/* The subnet of vpc named by k's text, or NULL (reported at path). */
struct model_subnet *ld_subnet_of(struct ld *ld, struct model_vpc *vpc, const struct ynode *k,
                                  const char *path);
/* `<subnet>: <ip>` maps of interface and resolver endpoints into (*out, *n). */
void ld_enis(struct ld *ld, const struct ynode *v, const char *path, struct model_vpc *vpc,
             struct model_eni **out, size_t *n, const char *id_prefix, const char *owner,
             bool one_per_az);
/* load_zone.c: a map of zone name -> zone (hosted zones: {vpcs, records}; else the text). */
void ld_zones(struct ld *ld, const struct ynode *v, const char *path, enum model_zone_kind kind,
              struct model_zone **out, size_t *n);
/* load_query.c: what expectations and load profiles share. */
bool ld_from(struct ld *ld, const struct ynode *v, const char *path, struct model_from *f);
bool ld_fault(struct ld *ld, const struct ynode *v, const char *path, struct model_fault *f);
void ld_given(struct ld *ld, const struct ynode *v, const char *path, struct model_given *g);
/* "<name> [TYPE]" into qname/qtype; `pattern` allows {rand} and {seq} in the name. */
bool ld_query(struct ld *ld, const struct ynode *v, const char *path, const char **qname,
              uint16_t *qtype, bool pattern);
void ld_answer(struct ld *ld, const struct ynode *v, const char *path, struct model_answer *a);
