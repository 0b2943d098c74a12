/*
 * model/model.h -- the validated, immutable world model of a scenario.
 *
 * model_load_file() turns a scenario file (format v1, see docs/scenario.md)
 * into a struct model.  Everything the model holds lives in its arena and
 * is freed by model_free(); nothing in it changes after loading, so any
 * number of threads may read it.
 *
 * Conventions:
 *   - Every collection is an array plus a count (`vpcs`, `n_vpcs`).
 *   - Cross references are pointers into the same model (never NULL when
 *     the key was required; NULL when an optional reference was absent).
 *   - DNS names are stored in presentation form, lower-cased, without the
 *     trailing dot ("execute-api.eu-west-1.amazonaws.com"); the root is "".
 *   - `loc` is where the object's key stands in the file (1-based line and
 *     column), for messages that point back into the scenario.
 *   - Addresses are virtual (scenario) addresses unless noted; port 0 means
 *     "the default DNS port".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "common/arena.h"
#include "common/bounds.h"

typedef struct ldns_struct_rr ldns_rr;

struct model_loc {
	uint32_t line, col; /* 1-based; 0 when synthesised */
};

/* ---------------------------------------------------------------- VPCs */

struct model_vpc;

struct model_subnet {
	const char *name;
	const char *az; /* "eu-west-1a" */
	struct hns_cidr cidr;
	struct model_vpc *vpc;
	struct model_loc loc;
	struct hns_cidr ipv6_cidr; /* `ipv6_cidr` (an extension of v1); family 0 when none */
};

/* One `domain_name_servers` entry of a VPC's DHCP option set. */
struct model_dhcp_dns {
	bool amazon;	     /* AmazonProvidedDNS: addr is the VPC's own +2 */
	struct hns_addr addr; /* the server's (virtual, or loopback: a real one) address */
	struct model_loc loc;
};

/* AWS: a DHCP option set names up to four domain name servers. */
#define MODEL_MAX_DHCP_DNS 4
/* DNS servers placed in one VPC (onprem.resolvers.<r>.vpc) that its +2 counts as inside. */
#define MODEL_MAX_VPC_DNS_SERVERS 8

struct model_vpc {
	const char *name;
	const char *id;	    /* "vpc-…", given or derived from the name */
	const char *region; /* own or the scenario's */
	struct hns_cidr cidr;
	struct hns_addr dns_addr; /* CIDR base + 2, the VPC's own resolver */
	bool dns_support;
	bool dns_hostnames;
	/* `autodefined_reverse` (ResolverConfig AutodefinedReverse), default true: with DNS
	 * hostnames on, Resolver's reverse zones for the VPC's and its peers' CIDRs and the
	 * RFC 1918 ones answer PTR locally. */
	bool autodefined_reverse;
	const char *account; /* owner: `account`, or the scenario's (an extension of v1) */
	struct model_profile *profile; /* the Route 53 Profile associated, or NULL */
	struct model_subnet *subnets;
	size_t n_subnets;
	size_t index; /* position in model.vpcs */
	/*
	 * `dhcp_options.domain_name_servers` (an extension of format v1): the
	 * DNS servers the VPC's DHCP option set hands its instances, in order;
	 * none: AmazonProvidedDNS, the +2 resolver (model/load_vpcdns.c).
	 */
	struct model_dhcp_dns *dhcp_dns;
	size_t n_dhcp_dns;
	struct model_loc loc;
	/* `ipv6_cidr` (an extension of v1); family 0 when none.  With one, the
	 * +2 resolver also answers Nitro instances at dns_addr6 (fd00:ec2::253). */
	struct hns_cidr ipv6_cidr;
	struct hns_addr dns_addr6; /* family 0 without ipv6_cidr */
};

struct model_peering {
	struct model_vpc *a, *b;
	struct model_loc loc;
};

/* ----------------------------------------------------------- endpoints */

enum model_endpoint_type {
	MODEL_ENDPOINT_INTERFACE,
	MODEL_ENDPOINT_GATEWAY,
};

/*
 * IP address type of an endpoint (`ip_address_type`, an extension of v1):
 * which addresses its ENIs have.  AWS: IpAddressType of a VPC endpoint,
 * ResolverEndpointType of a Resolver endpoint.
 */
enum model_ip_type {
	MODEL_IP_IPV4 = 0,
	MODEL_IP_DUALSTACK,
	MODEL_IP_IPV6,
};

/* DnsRecordIpType of an interface endpoint (`dns_record_ip_type`): which records its names get. */
enum model_dns_ip_type {
	MODEL_DNS_IPV4 = 0,	   /* A on every name */
	MODEL_DNS_DUALSTACK,	   /* A and AAAA on every name */
	MODEL_DNS_IPV6,		   /* AAAA on every name */
	MODEL_DNS_SERVICE_DEFINED, /* A on private DNS names; A and AAAA on regional and zonal */
};

/*
 * An ENI: one IP in one subnet (interface endpoints and resolver endpoints).
 * `ip` is its IPv4 address, or its IPv6 one when it has no IPv4 (an
 * endpoint of ip_address_type ipv6); `ip6` is its IPv6 address (family 0
 * when none), so `ip` names the ENI wherever one address does.
 */
struct model_eni {
	struct model_subnet *subnet;
	struct hns_addr ip;
	struct hns_addr ip6;
	const char *id; /* "eni-…" / "rni-…", derived */
	/* The interface endpoint's zonal DNS name for this ENI's AZ (interface endpoints only). */
	const char *zonal_name;
	struct model_loc loc;
};

/* One DNS name a service answers on: the name itself and, with `wildcard`, "*.<name>" too. */
struct model_service_name {
	const char *name;
	bool wildcard;
};

struct model_endpoint {
	const char *name;
	enum model_endpoint_type type;
	const char *service;	    /* "com.amazonaws.eu-west-1.execute-api" as written */
	const char *service_short;  /* "execute-api", "ecr.dkr", "kendra-ranking" */
	const char *service_region; /* the region inside the service name */
	const char *cross_region;   /* `service_region` as written (cross-region); NULL: absent */
	const char *id;		    /* "vpce-…" */
	const char *dns_suffix;	    /* 8 characters */
	struct model_vpc *vpc;
	/* interface only */
	struct model_eni *enis;
	size_t n_enis;
	bool private_dns;
	bool private_dns_only_for_inbound;
	const char *regional_name; /* vpce-<id>-<suffix>.<svc>.<region>.vpce.amazonaws.com */
	struct model_service_name *dns_names; /* catalog or `dns_names`; private DNS zones */
	size_t n_dns_names;
	/* gateway only: subnets whose route tables get the prefix-list route */
	struct model_subnet **gateway_subnets;
	size_t n_gateway_subnets;
	struct model_loc loc;
	/* interface only, extensions of v1 */
	enum model_ip_type ip_address_type;	/* default: what the ENIs are given */
	enum model_dns_ip_type dns_record_ip_type; /* default: the ip_address_type's */
	bool dns_record_ip_type_given;
};

/* --------------------------------------------------------------- zones */

enum model_alias_kind {
	MODEL_ALIAS_NONE = 0,
	MODEL_ALIAS_ENDPOINT,	 /* endpoint:<name>: its regional name */
	MODEL_ALIAS_ENDPOINT_AZ, /* endpoint:<name>@<az>: its zonal name */
	MODEL_ALIAS_NAME,	 /* a DNS name */
};

/*
 * One line of a `records:` block.  Ordinary records are parsed by ldns
 * (rr != NULL); ALIAS lines are kept symbolic (rr == NULL) and resolved by
 * whoever answers (ALIAS takes the target's records and TTL).
 */
struct model_record {
	const char *owner; /* absolute, lower-cased, no trailing dot; "*.x" for wildcards */
	ldns_rr *rr;	   /* owned by the model; NULL for ALIAS */
	enum model_alias_kind alias;
	struct model_endpoint *alias_endpoint; /* ENDPOINT, ENDPOINT_AZ */
	const char *alias_az;		       /* ENDPOINT_AZ */
	const char *alias_target;	       /* the target name, for every kind */
	uint32_t ttl;			       /* as written, or defaults.record_ttl */
	bool ttl_given;
	struct model_loc loc; /* the record's own line in the scenario file */
};

enum model_zone_kind {
	MODEL_ZONE_PRIVATE,  /* hosted_zones with `vpcs` */
	MODEL_ZONE_PUBLIC,   /* hosted_zones without `vpcs`: joins the internet view */
	MODEL_ZONE_INTERNET, /* internet.zones */
	MODEL_ZONE_ONPREM,   /* onprem.resolvers.<r>.zones */
};

struct model_zone {
	const char *name;
	enum model_zone_kind kind;
	struct model_vpc **vpcs; /* private zones: associations */
	size_t n_vpcs;
	struct model_record *records;
	size_t n_records;
	/* The SOA the zone answers negatives with: the zone's own, or Route 53's default. */
	ldns_rr *soa; /* owned by the model */
	bool soa_given;
	struct model_loc loc;
};

/* ------------------------------------------------------------ resolver */

enum model_direction {
	MODEL_INBOUND,
	MODEL_OUTBOUND,
};

struct model_resolver_endpoint {
	const char *name;
	enum model_direction direction;
	struct model_vpc *vpc;
	struct model_eni *enis; /* at least 2 */
	size_t n_enis;
	const char *id; /* "rslvr-in-…" / "rslvr-out-…" */
	uint32_t qps_per_ip;
	bool conntrack; /* when true the effective ceiling is min(qps_per_ip, 1500) */
	struct model_loc loc;
	enum model_ip_type ip_address_type; /* ResolverEndpointType; default: what the ips are */
};

enum model_rule_type {
	MODEL_RULE_FORWARD,
	MODEL_RULE_SYSTEM,
};

struct model_rule {
	const char *name;
	const char *domain;
	enum model_rule_type type;
	const char *id; /* "rslvr-rr-…" */
	bool id_given;	/* written in the scenario (an imported rule's AWS id), not derived */
	struct model_resolver_endpoint *endpoint; /* outbound, forward rules */
	struct hns_addr *targets;		  /* port 53 when not given */
	size_t n_targets;
	struct model_vpc **vpcs;
	size_t n_vpcs;
	struct model_loc loc;
	const char *account;	  /* owner: `account`, or the scenario's */
	const char **shared_with; /* AWS RAM share: account ids (an extension of v1) */
	size_t n_shared_with;
};

/* ------------------------------------------------ DNS Firewall (extension of v1) */

enum model_fw_action {
	MODEL_FW_ALLOW,
	MODEL_FW_BLOCK,
	MODEL_FW_ALERT,
};

enum model_fw_block {
	MODEL_FW_NODATA,
	MODEL_FW_NXDOMAIN,
	MODEL_FW_OVERRIDE,
};

/* One entry of a rule's domain list: "a.b" (that name), "*.a.b" (names below it), "*" (all). */
struct model_fw_domain {
	const char *name; /* lower-cased, without "*." */
	bool wildcard;
};

struct model_fw_rule {
	const char *name;
	uint32_t priority; /* unique in the group; lowest first */
	struct model_fw_domain *domains;
	size_t n_domains;
	uint16_t qtype; /* 0: every type */
	enum model_fw_action action;
	enum model_fw_block block;     /* BLOCK */
	const char *override_name;     /* OVERRIDE: the CNAME target */
	uint32_t override_ttl;	       /* OVERRIDE */
	const char *id;		       /* "rslvr-fdl-..." of its domain list, for query logs */
	struct model_loc loc;
};

/* A rule group's association with one VPC. */
struct model_fw_assoc {
	struct model_vpc *vpc;
	uint32_t priority; /* 100..9900, unique per VPC; lowest first */
	struct model_loc loc;
};

struct model_fw_group {
	const char *name;
	const char *id; /* "rslvr-frg-..." */
	struct model_fw_rule *rules; /* sorted by priority */
	size_t n_rules;
	struct model_fw_assoc *assocs;
	size_t n_assocs;
	struct model_loc loc;
};

/* One rule of a VPC's DNS Firewall, as model_fw_steps() orders them. */
struct model_fw_step {
	const struct model_fw_group *group;
	const struct model_fw_rule *rule;
	const struct model_profile *profile; /* associated through the VPC's profile, or NULL */
	uint32_t priority;		     /* the group's association priority */
};

/* -------------------------------------------- Route 53 Profiles (extension of v1) */

struct model_profile_fw {
	struct model_fw_group *group;
	uint32_t priority;
	struct model_loc loc;
};

struct model_profile {
	const char *name;
	const char *id; /* "rp-..." */
	const char *account;
	const char **shared_with;
	size_t n_shared_with;
	struct model_zone **zones; /* private hosted zones */
	size_t n_zones;
	struct model_rule **rules;
	size_t n_rules;
	struct model_profile_fw *firewall;
	size_t n_firewall;
	struct model_vpc **vpcs;
	size_t n_vpcs;
	struct model_loc loc;
};

/* -------------------------------------------------------------- onprem */

enum model_policy {
	MODEL_POLICY_SEQUENTIAL,
	MODEL_POLICY_ROUND_ROBIN,
	MODEL_POLICY_RANDOM,
};

struct model_forward {
	const char *zone;
	struct hns_addr *to; /* virtual, or loopback (real, used as is); port 53 when not given */
	size_t n_to;
	enum model_policy policy;
	uint32_t timeout_ms; /* per try */
	uint32_t attempts;   /* tries over the whole list */
	struct model_loc loc;
};

enum model_default_kind {
	MODEL_DEFAULT_INTERNET,
	MODEL_DEFAULT_UPSTREAMS,
	MODEL_DEFAULT_REFUSE,
};

struct model_cache {
	bool enabled;
	uint32_t max_entries;
	uint32_t min_ttl, max_ttl, negative_max_ttl;
	bool serve_stale;
};

/* Timing profile of an on-prem resolver (an extension of format v1). */
enum model_resolver_profile {
	MODEL_PROFILE_STANDARD = 0, /* each forward entry's policy, timeout_ms and attempts */
	MODEL_PROFILE_WINDOWS,	    /* Windows Server: sequential, 3 s per forwarder, 8 s overall (R18) */
};

/* Upstream health of an on-prem resolver (an extension of format v1). */
struct model_health {
	uint32_t fail_after; /* consecutive timeouts before an upstream is down (3) */
	uint32_t probe_ms;   /* while down, one query in probe_ms goes to it (1000) */
	uint32_t rise;	     /* good answers before it is up again (2) */
};

struct model_onprem_resolver {
	const char *name;
	struct hns_addr address;
	struct model_forward *forwards; /* in file order; matching is longest suffix */
	size_t n_forwards;
	struct model_zone *zones; /* kind MODEL_ZONE_ONPREM */
	size_t n_zones;
	enum model_default_kind default_kind;
	struct hns_addr *default_upstreams;
	size_t n_default_upstreams;
	struct model_cache cache;
	struct model_loc loc;
	enum model_resolver_profile profile; /* `profile`, default standard */
	struct model_health health;	     /* `health` */
	/*
	 * `vpc` (an extension of format v1): a DNS server placed in a VPC (an
	 * AD domain controller, a BIND instance on EC2) instead of on-prem;
	 * NULL on-prem.  Its address lies in `subnet` of that VPC; its queries
	 * to the VPC's +2 come from inside the VPC (model/load_vpcdns.c).
	 */
	struct model_vpc *vpc;
	struct model_subnet *subnet; /* with vpc: the subnet holding `address` */
};

struct model_onprem {
	struct hns_cidr cidr;
	bool has_cidr;
	struct model_onprem_resolver *resolvers; /* [0] is the one `from: onprem` uses */
	size_t n_resolvers;
};

/* ----------------------------------------------------------------- vpn */

enum model_tunnel_state {
	MODEL_TUNNEL_UP,
	MODEL_TUNNEL_STANDBY,
	MODEL_TUNNEL_DOWN,
};

struct model_tunnel {
	const char *name;
	double latency_ms; /* one way */
	double jitter_ms;
	double loss;	  /* probability 0..1 */
	double duplicate; /* probability 0..1 */
	double reorder;	  /* probability 0..1 */
	uint32_t mtu;	  /* default 1446 */
	double bandwidth_mbps; /* 0 = default 1250 */
	uint32_t pps;	       /* default 140000 */
	enum model_tunnel_state state;
	struct model_loc loc;
};

struct model_vpn {
	bool present;
	struct model_vpc **vpcs;
	size_t n_vpcs;
	struct model_tunnel *tunnels; /* in file order */
	size_t n_tunnels;
	uint64_t seed;
	bool seed_given;
};

/* ------------------------------------------------------------ internet */

struct model_internet {
	struct model_zone *zones; /* kind MODEL_ZONE_INTERNET */
	size_t n_zones;
	bool aws_public_names; /* default true */
	/* `default`: only "nxdomain" in v1 */
};

/* -------------------------------------------------------- expectations */

enum model_from_kind {
	MODEL_FROM_ONPREM,   /* onprem or onprem:<resolver> */
	MODEL_FROM_VPC,	     /* vpc:<vpc> */
	MODEL_FROM_INBOUND,  /* inbound:<endpoint>[@<subnet>] */
	MODEL_FROM_INTERNET, /* internet */
};

struct model_from {
	enum model_from_kind kind;
	struct model_onprem_resolver *resolver;	 /* ONPREM: never NULL (defaults to the first) */
	struct model_vpc *vpc;			 /* VPC */
	struct model_resolver_endpoint *inbound; /* INBOUND */
	struct model_eni *inbound_eni;		 /* INBOUND with @subnet, else NULL */
};

/* Why a `from` text names no query source (model_from_parse). */
enum model_from_problem {
	MODEL_FROM_FINE = 0,
	MODEL_FROM_BAD_FORM,	/* none of the forms */
	MODEL_FROM_NO_ONPREM,	/* onprem, but the scenario has no on-prem resolver */
	MODEL_FROM_NO_RESOLVER, /* onprem:<r>: no on-prem resolver of that name */
	MODEL_FROM_NO_VPC,	/* vpc:<v>: no VPC of that name */
	MODEL_FROM_NO_ENDPOINT, /* inbound:<ep>: no resolver endpoint of that name */
	MODEL_FROM_NOT_INBOUND, /* inbound:<ep>: an outbound endpoint */
	MODEL_FROM_NO_SUBNET,	/* inbound:<ep>@<subnet>: no IP of ep in that subnet */
};

struct model_from_why {
	enum model_from_problem problem;
	const char *name; /* the name looked up (inside the text), name_len bytes */
	size_t name_len;
	const char *subnet; /* inbound:<ep>@<subnet>: the subnet (inside the text), else NULL */
};

enum model_fault_kind {
	MODEL_FAULT_TUNNEL,	       /* tunnel1 */
	MODEL_FAULT_RESOLVER_ENI,      /* inbound@private-a */
	MODEL_FAULT_RESOLVER_ENDPOINT, /* inbound */
	MODEL_FAULT_ENDPOINT_ENI,      /* endpoint:api@private-b */
	MODEL_FAULT_ONPREM,	       /* onprem:dc1-dns */
};

struct model_fault {
	enum model_fault_kind kind;
	struct model_tunnel *tunnel;
	struct model_resolver_endpoint *resolver_endpoint;
	struct model_endpoint *endpoint;
	struct model_eni *eni; /* RESOLVER_ENI, ENDPOINT_ENI */
	struct model_onprem_resolver *onprem;
	const char *text; /* as written */
	struct model_loc loc;
};

struct model_given {
	struct model_fault *down;
	size_t n_down;
};

enum model_answer_kind {
	MODEL_ANSWER_ANY = 0, /* no `answer` key */
	MODEL_ANSWER_LIST,    /* exact set of values, order ignored */
	MODEL_ANSWER_ENDPOINT,
	MODEL_ANSWER_ENDPOINT_AZ,
	MODEL_ANSWER_PUBLIC,
	MODEL_ANSWER_PRIVATE,
	MODEL_ANSWER_EMPTY,
	MODEL_ANSWER_NXDOMAIN,
};

struct model_answer {
	enum model_answer_kind kind;
	const char **values; /* LIST: rdata in presentation form ("10.0.1.25", "x.example.com") */
	size_t n_values;
	struct model_endpoint *endpoint; /* ENDPOINT, ENDPOINT_AZ */
	const char *az;			 /* ENDPOINT_AZ */
};

enum model_hop_kind {
	MODEL_HOP_ONPREM,      /* onprem:<resolver> */
	MODEL_HOP_VPN,	       /* vpn:<tunnel> */
	MODEL_HOP_INBOUND,     /* inbound:<endpoint> */
	MODEL_HOP_OUTBOUND,    /* outbound:<endpoint> */
	MODEL_HOP_VPC,	       /* vpc:<vpc> */
	MODEL_HOP_RULE,	       /* rule:<rule> */
	MODEL_HOP_ZONE,	       /* zone:<zone> */
	MODEL_HOP_PRIVATE_DNS, /* private-dns:<endpoint> */
	MODEL_HOP_FIREWALL,    /* firewall:<rule group> */
	MODEL_HOP_INTERNET,    /* internet */
};

struct model_hop {
	enum model_hop_kind kind;
	const char *ref;  /* the name after the colon; NULL for internet */
	const void *target; /* the model object it names (type by kind); NULL for internet */
	struct model_loc loc;
};

/* `rcode: timeout` (an extension of format v1): no answer within the check's time budget. */
#define MODEL_RCODE_TIMEOUT 0x10000

struct model_expect {
	const char *name;  /* `name`, or the query text */
	struct model_from from;
	const char *qname; /* lower-cased, no trailing dot */
	uint16_t qtype;	   /* numeric RR type; A when not given */
	struct model_given given;
	int rcode; /* expected rcode: given, or NOERROR / NXDOMAIN (answer: nxdomain), or MODEL_RCODE_TIMEOUT */
	struct model_answer answer;
	struct model_hop *via;
	size_t n_via;
	double max_ms; /* < 0 when not given; with rcode: timeout, the time the client waits */
	/* Extensions of format v1 (< 0 when not given): the TTL of every record of the
	 * queried type, or of the SOA of a negative answer; exactly / at most. */
	int64_t ttl, ttl_max;
	struct model_loc loc;
};

/* ---------------------------------------------------------------- load */

struct model_mix {
	const char *query; /* name pattern with {rand} and {seq} */
	uint16_t qtype;
	uint32_t weight;
	struct model_loc loc;
};

struct model_event {
	uint64_t at_ms;
	bool up; /* false: down */
	struct model_fault fault;
	struct model_loc loc;
};

struct model_slo {
	double p50_ms, p99_ms, p999_ms; /* < 0 when not given */
	double max_loss;		/* fraction; < 0 when not given */
	double min_qps;			/* < 0 when not given */
	struct model_answer answers;	/* kind ANY when not given */
};

struct model_load {
	const char *name;
	struct model_from from;
	struct hns_addr target; /* external resolver; valid when has_target */
	bool has_target;
	uint32_t qps;
	uint64_t duration_ms;
	uint64_t ramp_ms;
	double tcp; /* fraction of the queries sent over TCP, 0..1 */
	struct model_mix *mix;
	size_t n_mix;
	struct model_given given;
	struct model_event *events;
	size_t n_events;
	struct model_slo slo;
	struct model_loc loc;
};

/* ---------------------------------------------------------------- model */

struct model_defaults {
	uint32_t vpce_ttl;	     /* 60 */
	uint32_t record_ttl;	     /* 300 */
	uint32_t negative_ttl;	     /* 900: SOA minimum of the Route 53 default SOA */
	bool nodata_for_other_types; /* true */
};

struct model {
	const char *file; /* path as given, for messages */
	const char *scenario;
	const char *description; /* NULL when absent */
	const char *region;
	const char *account;
	struct model_defaults defaults;

	struct model_vpc *vpcs;
	size_t n_vpcs;
	struct model_peering *peerings;
	size_t n_peerings;
	struct model_endpoint *endpoints;
	size_t n_endpoints;
	struct model_zone *zones; /* hosted_zones: private and public */
	size_t n_zones;
	struct model_resolver_endpoint *resolver_endpoints;
	size_t n_resolver_endpoints;
	struct model_rule *rules;
	size_t n_rules;
	struct model_fw_group *fw_groups; /* `firewall` */
	size_t n_fw_groups;
	struct model_profile *profiles; /* `profiles` */
	size_t n_profiles;
	struct model_onprem onprem;
	struct model_vpn vpn;
	struct model_internet internet;
	struct model_expect *expects;
	size_t n_expects;
	struct model_load *loads;
	size_t n_loads;

	struct hns_arena arena; /* owns everything above except ldns objects */
};

/* ------------------------------------------------------------ diagnostics */

/* At most this many errors are collected; the rest are counted. */
#define MODEL_MAX_ERRORS 50

/*
 * Size limits of a scenario (docs/scenario.md, "Limits"): beyond them the
 * load fails with a located error.  Loading is linear up to them: about
 * 5 us of CPU and 0.4 KiB of memory per record (bench/huge.sh).
 */
#define MODEL_MAX_FILE_BYTES (64u << 20) /* the scenario file, 64 MiB */
#define MODEL_MAX_RECORDS 2000000	 /* records over all zone texts */
/* The forwarder's and the VPN's bounds, defined once in common/bounds.h. */
#define MODEL_MAX_FORWARD_TO HNS_MAX_FORWARD_TO
#define MODEL_MAX_RESOLVER_UPSTREAMS HNS_MAX_RESOLVER_UPSTREAMS
#define MODEL_MAX_TUNNELS HNS_MAX_TUNNELS

/*
 * Errors of one load, each a complete line without newline:
 * "FILE:LINE:COLUMN: key.path: what is wrong (what was expected)".
 */
struct model_errors {
	char **msgs;
	size_t n;
	size_t dropped; /* found beyond MODEL_MAX_ERRORS */
};

void model_errors_init(struct model_errors *e);
void model_errors_deinit(struct model_errors *e);
/* Print every message, one per line, and a "... N more" line when some were dropped. */
void model_errors_print(const struct model_errors *e, FILE *out);

/*
 * Load and validate a scenario.  On success returns 0 and *out owns the
 * model (free with model_free).  On failure returns HNS_ESCENARIO (or
 * another hns_err for I/O and memory), leaves *out untouched and fills errs.
 */
int model_load_file(const char *path, struct model **out, struct model_errors *errs);
/* The same from memory; `name` stands for the file in messages. */
int model_load_buffer(const char *name, const char *buf, size_t len, struct model **out,
		      struct model_errors *errs);
void model_free(struct model *m); /* accepts NULL */

/* ------------------------------------------------------------- lookups */

struct model_vpc *model_vpc_find(const struct model *m, const char *name);
struct model_endpoint *model_endpoint_find(const struct model *m, const char *name);
struct model_resolver_endpoint *model_resolver_endpoint_find(const struct model *m,
							     const char *name);
struct model_tunnel *model_tunnel_find(const struct model *m, const char *name);
struct model_onprem_resolver *model_onprem_resolver_find(const struct model *m, const char *name);
/*
 * Whether an on-prem forward to `a` reaches a DNS server of the scenario:
 * an on-prem resolver, an inbound ENI or +2 resolver of a VPC the VPN
 * routes, or a real server on loopback -- what the loader accepts as an
 * on-prem target (m may be NULL: then only loopback).
 */
bool model_onprem_target_ok(const struct model *m, const struct hns_addr *a);

/* ------------------------------------------------- effective behaviour */
/* model/effective.c: what AWS and a resolver make of the model, one answer for every user. */

/* Default per-try timeout of an on-prem forward (`timeout_ms`) and of default upstreams. */
#define MODEL_FORWARD_TIMEOUT_MS 2000
/* `profile: windows` (R18): sequential, 3 s per forwarder, 8 s for the whole query. */
#define MODEL_WINDOWS_TIMEOUT_MS 3000
#define MODEL_WINDOWS_OVERALL_MS 8000

/* How a resolver really tries its targets for one forward. */
struct model_timing {
	enum model_policy policy;
	uint32_t timeout_ms; /* per try */
	uint32_t attempts;   /* tries over the whole list */
	uint32_t overall_ms; /* whole-query budget; 0: attempts x timeout_ms only */
};

/*
 * The effective timing of forward `f` of resolver `r` (f NULL: its default
 * upstreams), after its profile: the one source the forwarder, lint, graph,
 * `lint --world` and every export read.
 */
void model_forward_timing(const struct model_onprem_resolver *r, const struct model_forward *f,
			  struct model_timing *out);
/* `profile: windows` timing for a list of n_targets forwarders. */
void model_timing_windows(size_t n_targets, struct model_timing *out);

/*
 * Whether AWS would accept peering `p`: false for VPCs with overlapping
 * CIDRs (AWS refuses that peering; lint HNS125), which the emulation then
 * treats as absent.
 */
bool model_peering_active(const struct model_peering *p);
/* The VPC at the other end of an active peering of `p` with `v`, NULL if none. */
const struct model_vpc *model_peering_other(const struct model_peering *p,
					    const struct model_vpc *v);

/*
 * The DNS Firewall rules that filter vpc's queries, in evaluation order:
 * by association priority (lowest first; at equal priorities the VPC's own
 * association before its profile's), then by rule priority.  Writes up to
 * cap steps to out (may be NULL) and returns how many there are.
 */
size_t model_fw_steps(const struct model *m, const struct model_vpc *vpc,
		      struct model_fw_step *out, size_t cap);

/*
 * Parses a `from` text -- onprem | onprem:<resolver> | vpc:<vpc> |
 * inbound:<endpoint>[@<subnet>] | internet -- against m into *out.
 * Returns 0; HNS_EPARSE when the text has none of the forms; HNS_ENOENT
 * when it names nothing m has.  *out is untouched on failure; why (may be
 * NULL) says what was wrong and which name, for the caller's message.
 * `onprem` is the first on-prem resolver.
 */
int model_from_parse(const struct model *m, const char *text, struct model_from *out,
		     struct model_from_why *why);
/*
 * One fault as an expectation's given.down item writes it (tunnel1,
 * inbound, inbound@private-a, endpoint:api@private-b, onprem:dc1-dns)
 * against m into *out; its text is kept in m's arena.  0, or HNS_EINVAL
 * with what is wrong in err (HNS_ENOMEM); *out untouched on failure.
 */
int model_fault_parse(struct model *m, const char *text, struct model_fault *out, char *err,
		      size_t cap);
