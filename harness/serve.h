/*
 * harness/serve.h -- bringing a scenario's world up on loopback.
 *
 * `hybridns serve` (and later `check`, `trace`, `load`) build one
 * serve_ctx: the loaded model, the address map, a libevent base for the
 * main thread, and the options.  Each side of the emulation has one start
 * function that binds its listeners and registers its events (it may start
 * worker threads of its own, each with its own event_base), and one stop
 * function that undoes it.  The sides never call each other: they meet
 * only through sockets, at addresses found in the map.
 *
 *   serve_onprem_*    harness/serve_onprem.c   (forwarder/)  on-prem resolvers
 *   serve_aws_*       harness/serve_aws.c      (resolver/)   inbound/outbound ENIs, VPC +2
 *   serve_internet_*  harness/serve_aws.c      (resolver/)   the internet view
 *   serve_vpn_*       harness/serve_vpn.c      (vpn/)        the relays
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addrmap.h"

struct event_base;
struct model;

enum serve_side {
	SERVE_ONPREM = 1 << 0,
	SERVE_AWS = 1 << 1,
	SERVE_VPN = 1 << 2,
	SERVE_INTERNET = 1 << 3,
	SERVE_ALL = SERVE_ONPREM | SERVE_AWS | SERVE_VPN | SERVE_INTERNET,
};

/*
 * How the emulated AWS resolvers treat senders (docs/aws-semantics.md R8,
 * R9), set by --vpc-outside and --vpc-pps of serve and check.  All zero is
 * AWS's behaviour.
 */
struct serve_aws_opts {
	int vpc_outside;  /* enum rslv_outside_policy: drop (0), refused, answer */
	uint32_t vpc_pps; /* per source at a +2 listener; 0: RSLV_VPC_PPS (1024), RSLV_PPS_OFF: none */
	int udp_io;	  /* enum hns_udp_io (common/evloop.h): epoll (0), auto, io_uring */
};

/* The option-table rows of those settings (harness/cli.h), the same in every command. */
#define SERVE_OPT_VPC_OUTSIDE(S, field)                                                           \
	{ "vpc-outside", 0, CLI_CHOICE, offsetof(S, field), CLI_NONE, "drop|refused|answer",     \
	  "what a VPC +2 resolver does with a query from outside its VPC (default drop)", 0, 0,  \
	  0, NULL }
#define SERVE_OPT_VPC_PPS(S, field)                                                               \
	{ "vpc-pps", 0, CLI_CUSTOM, offsetof(S, field), CLI_NONE, "N|off",                        \
	  "packets per second per source at a VPC +2 resolver (default 1024)", 0, 0, 0,          \
	  serve_vpc_pps_parse }
#define SERVE_OPT_UDP_IO(S, field)                                                                \
	{ "udp-io", 0, CLI_CHOICE, offsetof(S, field), CLI_NONE, "epoll|auto|io_uring",          \
	  "how the forwarders' and the AWS listeners' UDP workers wait and read (default epoll; " \
	  "auto: io_uring where the kernel allows it)", 0, 0, 0, NULL }
/*
 * --handoff kernel|memory: how a datagram between two of the world's own
 * UDP sockets travels (common/handoff.h): through the kernel, a real
 * datagram a capture on lo sees, or copied in memory, at a fraction of the
 * CPU.  Sockets that talk to anything outside the process use the kernel
 * either way.  `serve` defaults to kernel, `load` to memory (dflt).
 */
enum serve_handoff { SERVE_HANDOFF_KERNEL, SERVE_HANDOFF_MEMORY };
#define SERVE_OPT_HANDOFF(S, field, dflt)                                                         \
	{ "handoff", 0, CLI_CHOICE, offsetof(S, field), CLI_NONE, "kernel|memory",               \
	  "how datagrams between the world's own UDP sockets travel: through the kernel "         \
	  "(a capture on lo sees every hop) or copied in memory (default " dflt ")", 0, 0, 0,    \
	  NULL }
/* --vpc-pps: a positive number below RSLV_PPS_OFF, or "off"; into a uint32_t. */
int serve_vpc_pps_parse(const char *cmd, const char *arg, void *field);

/*
 * --coalesce US|off: the receive coalescing tick of the forwarder's, the
 * AWS listeners' and the VPN's loops (common/evloop.h: stretched up to 2.5x
 * at moderate rates; the VPN's ends by its next delivery).  The field is 0
 * for "not given" (the default below) and SERVE_COALESCE_OFF for off.
 */
#define SERVE_COALESCE_DEFAULT_US 100
#define SERVE_COALESCE_OFF UINT32_MAX
#define SERVE_OPT_COALESCE(S, field)                                                              \
	{ "coalesce", 0, CLI_CUSTOM, offsetof(S, field), CLI_NONE, "US|off",                     \
	  "receive coalescing: after a turn short of a full batch, wait US microseconds "         \
	  "(1-1000; up to 2.5x at moderate rates) before reading again (default 100)", 0, 0, 0,  \
	  serve_coalesce_parse }
/*
 * --sched-slice US|off: the scheduler slice the loops' threads ask for
 * (common/evloop.h, hns_sched_slice_set; default HNS_SLICE_DEFAULT_US,
 * off: the kernel's own).  The field is 0 for "not given" and
 * SERVE_SLICE_OFF for off; serve_slice_apply sets it for the process.
 */
#define SERVE_SLICE_OFF UINT32_MAX
#define SERVE_OPT_SLICE(S, field)                                                                 \
	{ "sched-slice", 0, CLI_CUSTOM, offsetof(S, field), CLI_NONE, "US|off",                  \
	  "the scheduler slice of the loops' threads (100-100000 microseconds, Linux 6.12+; "    \
	  "off: the kernel's default; default 100, so a process a loop wakes on the same core "  \
	  "preempts its turn less often)",                                                        \
	  0, 0, 0, serve_slice_parse }
int serve_slice_parse(const char *cmd, const char *arg, void *field);
void serve_slice_apply(uint32_t field);
struct serve_ctx;
int serve_coalesce_parse(const char *cmd, const char *arg, void *field);
/*
 * A CLI value "N|off" (harness/cli.h CLI_CUSTOM): min..max (min at least
 * 1) into *out, or `off` as off; otherwise "hybridns CMD: --OPT: 'ARG'
 * (expected WHAT or off)" and HNS_EUSAGE.
 */
int serve_count_or_off(const char *cmd, const char *opt, const char *arg, uint32_t min, uint32_t max,
		       uint32_t off, const char *what, uint32_t *out);
/* The tick in microseconds (0: off) for a ctx->coalesce_us setting. */
uint32_t serve_coalesce_us(const struct serve_ctx *ctx);

struct serve_ctx {
	const struct model *model;
	struct hns_addrmap map; /* every server's and relay's loopback address */
	struct event_base *base; /* main thread's loop */
	unsigned sides;		 /* enum serve_side bits that run in this process */
	/*
	 * Whether traffic between on-prem and AWS crosses the VPN relays: the
	 * scenario has a `vpn` and the relays run (here or in another
	 * process started with --only vpn).  Without it, each side reaches
	 * the other's listeners directly.
	 */
	bool vpn_in_path;
	unsigned workers;	 /* threads per high-rate listener (default: online CPUs) */
	uint32_t coalesce_us;	 /* --coalesce: 0 not given, SERVE_COALESCE_OFF, or the tick */
	uint64_t seed;		 /* --seed, or the scenario's vpn.seed */
	bool seed_given;
	/*
	 * Faults held while this world runs (`given` of an expectation or a
	 * load profile), or NULL.  Each side honours them at start: listeners
	 * of a down ENI, resolver endpoint or on-prem resolver are not started
	 * (senders see what they would in AWS: silence), a down tunnel starts
	 * in state down.  See serve_is_down().
	 */
	const struct model_given *given;
	const char *query_log; /* --query-log FILE, or NULL */
	const char *stats_json; /* --stats-json FILE, or NULL */
	struct hns_addr listen; /* --listen IP:PORT for --only onprem; family 0 when absent */
	struct serve_aws_opts aws_opts;
	/* --vpn-control IP:PORT: the VPN's control socket; family 0: 127.53.0.7:<map port> */
	struct hns_addr vpn_control;

	/* Each side's private state, owned by its start/stop pair. */
	void *onprem;
	void *aws;
	void *internet;
	void *vpn;
	unsigned started; /* sides started by serve_world_start, for serve_world_stop */
	/*
	 * What failed, when a side's start function fails: "onprem resolver
	 * dc1-dns: cannot listen on 127.53.1.1:53: Permission denied".  Each
	 * start function writes it (serve_side_fail); serve_world_start prints
	 * it in place of the bare error code, which says nothing of where.
	 */
	char error[320];
};

struct model_given;
struct model_eni;

/* Whether ctx->given takes down the server at (role, virt): an ENI, endpoint or resolver. */
bool serve_is_down(const struct serve_ctx *ctx, enum hns_role role, const struct hns_addr *virt);
/* Whether ctx->given takes down the named tunnel. */
bool serve_tunnel_is_down(const struct serve_ctx *ctx, const char *tunnel);
/* Whether ctx->given takes down an interface endpoint's ENI (answers leave it out). */
bool serve_endpoint_eni_is_down(const struct serve_ctx *ctx, const struct model_eni *eni);

const char *serve_side_name(enum serve_side side);
/*
 * Start the sides in ctx->sides, in dependency order
 * (internet and AWS listeners, then VPN relays, then on-prem resolvers).
 * On failure, stops what it started and returns the error.
 */
int serve_world_start(struct serve_ctx *ctx);
/* Record why a side failed to start (ctx->error) and return rc, for `return serve_side_fail(...)`. */
int serve_side_fail(struct serve_ctx *ctx, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Stop what serve_world_start started, in reverse order. */
void serve_world_stop(struct serve_ctx *ctx);

/*
 * Fill ctx->map from the model: on-prem resolvers (HNS_ROLE_ONPREM),
 * inbound and outbound ENIs, VPC +2 resolvers, the internet, and for each
 * address that crosses the VPN a relay in the direction it is reached
 * (HNS_ROLE_RELAY_TO_AWS for inbound ENIs and other VPN-routed VPC
 * addresses, HNS_ROLE_RELAY_TO_ONPREM for on-prem resolvers and rule
 * targets inside onprem.cidr).  Deterministic: the same scenario always
 * gives the same map.
 */
int serve_map_build(struct serve_ctx *ctx, uint16_t port);

/*
 * Where a sender on one side must send to reach virtual address `virt`:
 * from on-prem (from_onprem = true) an AWS address is reached through its
 * relay when ctx->vpn_in_path, else directly at its listener; an address
 * of a VPC that the VPN does not route is unreachable from on-prem.
 * Loopback addresses (real ones, from the scenario) are returned as is.
 * Returns NULL when nothing of the emulation can be reached there: the
 * sender then sees what a real one would, a timeout.  virt NULL stands
 * for the internet (it has no scenario address).
 */
const struct hns_addr *serve_route(const struct serve_ctx *ctx, bool from_onprem,
				   const struct hns_addr *virt);

int serve_onprem_start(struct serve_ctx *ctx);
void serve_onprem_stop(struct serve_ctx *ctx);
/*
 * Per-rule and per-upstream counters as a JSON array, one object per
 * resolver: the value of "onprem" in the stats document that SIGUSR1 and
 * exit write ({"onprem": [...], "vpn": {...}}, harness/cmd_serve.c).
 */
void serve_onprem_stats(struct serve_ctx *ctx, FILE *out);

/*
 * Every running side's counters as one JSON document: {"onprem": [...],
 * "aws": {...}, "vpn": {...}}, null for a side not running here
 * (harness/cmd_serve.c; `serve` writes it on SIGUSR1 and at exit).
 */
void serve_stats_write(struct serve_ctx *ctx, FILE *out);
int serve_aws_start(struct serve_ctx *ctx);
/*
 * The AWS side's counters as one JSON value (per listener: queries, answers
 * by rcode, ceiling/R8/R9 drops, forwarded, cache hits): the value of "aws"
 * in the stats document; null when it is not running.
 */
void serve_aws_stats(struct serve_ctx *ctx, FILE *out);
void serve_aws_stop(struct serve_ctx *ctx);
int serve_internet_start(struct serve_ctx *ctx);
void serve_internet_stop(struct serve_ctx *ctx);

int serve_vpn_start(struct serve_ctx *ctx);
void serve_vpn_stop(struct serve_ctx *ctx);
