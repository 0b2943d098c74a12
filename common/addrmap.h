/*
 * common/addrmap.h -- virtual scenario addresses to real loopback ones.
 *
 * A scenario's addresses (10.0.1.10, 192.168.10.53) are never packet
 * destinations.  Each DNS server of the emulation gets its own loopback
 * address in 127.53.0.0/16, all on one port; the third octet tells the role:
 *
 *   127.53.1.n  on-prem resolvers          127.53.5.n  the internet
 *   127.53.2.n  inbound endpoint ENIs      127.53.6.n  VPN relays, on-prem -> AWS
 *   127.53.3.n  outbound endpoint ENIs     127.53.7.n  VPN relays, AWS -> on-prem
 *   127.53.4.n  VPC +2 resolvers
 *
 * The same virtual address may appear under two roles: 10.0.1.10 is an
 * inbound ENI (where the AWS side listens) and a relay (what on-prem sends
 * to, which crosses the VPN and delivers to the ENI).  A lookup names the
 * role it wants.  Servers are known by address alone (the scenario's port
 * is ignored): every emulated server listens on the map's one port.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"

enum hns_role {
	HNS_ROLE_ONPREM = 1,
	HNS_ROLE_INBOUND = 2,
	HNS_ROLE_OUTBOUND = 3,
	HNS_ROLE_VPC_DNS = 4,
	HNS_ROLE_INTERNET = 5,
	HNS_ROLE_RELAY_TO_AWS = 6,
	HNS_ROLE_RELAY_TO_ONPREM = 7,
	HNS_ROLE_MAX = 8,
};

#define HNS_ADDRMAP_PER_ROLE 254
#define HNS_ADDRMAP_DEFAULT_PORT 5300

struct hns_addrmap_entry {
	enum hns_role role;
	struct hns_addr virt; /* family 0 when the server has no scenario address (internet) */
	struct hns_addr real; /* 127.53.<role>.<n>:<port> */
	char label[112];      /* "inbound/private-a (eu-west-1a)" */
	/* Which server of the role, when two share one virtual address: a VPC's +2
	 * is 10.0.0.2 in every VPC of 10.0.0.0/16, but each VPC has its own (its
	 * index + 1).  0 for the rest. */
	unsigned owner;
};

struct hns_addrmap {
	struct hns_addrmap_entry *entries; /* owned; in the order added */
	size_t n, cap;
	uint16_t port;
	unsigned used[HNS_ROLE_MAX];
};

void hns_addrmap_init(struct hns_addrmap *m, uint16_t port);
void hns_addrmap_deinit(struct hns_addrmap *m);
/*
 * Give (role, virt) the next loopback address of its role.  Adding the same
 * pair twice returns the first entry.  HNS_EFULL past 254 per role.
 */
int hns_addrmap_add(struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt,
		    const char *label, const struct hns_addrmap_entry **out);
/* The same for one server of several at one address: (role, virt, owner) is the key. */
int hns_addrmap_add_owned(struct hns_addrmap *m, enum hns_role role, const struct hns_addr *virt,
			  unsigned owner, const char *label, const struct hns_addrmap_entry **out);
/* The entry of (role, virt), or NULL.  virt may be NULL for roles without one (internet). */
const struct hns_addrmap_entry *hns_addrmap_find(const struct hns_addrmap *m, enum hns_role role,
						 const struct hns_addr *virt);
/* The entry of (role, virt, owner), or NULL. */
const struct hns_addrmap_entry *hns_addrmap_find_owned(const struct hns_addrmap *m,
						       enum hns_role role,
						       const struct hns_addr *virt, unsigned owner);
/* The entry whose real address is a (port included), or NULL: who is this loopback peer? */
const struct hns_addrmap_entry *hns_addrmap_find_real(const struct hns_addrmap *m,
						      const struct hns_addr *a);
const char *hns_role_name(enum hns_role role);
/* "10.0.1.10 inbound/private-a (eu-west-1a) -> 127.53.2.1:5300", one line per entry. */
void hns_addrmap_print(const struct hns_addrmap *m, FILE *out);
/* {"port": N, "entries": [{"role", "virtual", "real", "label"}]} */
void hns_addrmap_write_json(const struct hns_addrmap *m, FILE *out);
