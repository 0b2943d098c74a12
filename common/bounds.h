/*
 * common/bounds.h -- bounds two layers must agree on, defined once: the
 * model refuses a scenario beyond them with a located error, and the
 * component that serves the scenario sizes its tables by them.
 *
 * (Named bounds.h, not limits.h: meson puts each folder on the include
 * path, where a common/limits.h would shadow <limits.h>.)
 */
#pragma once

/* Upstreams in one list of an on-prem resolver (a forward's `to`, `default`): one forwarder rule. */
#define HNS_MAX_FORWARD_TO 16
/* Distinct upstreams of one on-prem resolver: one forwarder configuration. */
#define HNS_MAX_RESOLVER_UPSTREAMS 64
/* Tunnels of the VPN. */
#define HNS_MAX_TUNNELS 16
