/*
 * model/load_ipv6.h -- the loader's IPv6 readers (internal to model/; see
 * model/load_ipv6.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/schema.h"

extern const struct enum_val ld_ip_types[];	/* ipv4 | dualstack | ipv6 */
extern const struct enum_val ld_dns_ip_types[]; /* ... | service-defined */

/* F_FN readers of `vpcs.<v>.ipv6_cidr` and `vpcs.<v>.subnets.<s>.ipv6_cidr`. */
void ld_vpc_ipv6_cidr(struct ld *ld, const struct ynode *v, const char *path, void *obj);
void ld_subnet_ipv6_cidr(struct ld *ld, const struct ynode *v, const char *path, void *obj);
/*
 * An ENI's value in subnet s: `<ip>` (IPv4 or IPv6) or `{ip, ipv6}`.  The
 * IPv6 address is checked and stored in e->ip6; the IPv4 node, if any, is
 * returned in *v4 for the caller's IPv4 checks.  False when reported.
 */
bool ld_eni_value(struct ld *ld, const struct ynode *val, const char *path,
                  const struct model_subnet *s, struct model_eni *e, const struct ynode **v4);
/*
 * After an endpoint's ENIs are read: its ip_address_type (given, or what
 * the ENIs have), every ENI checked against it, dual-stack ENIs given
 * their derived IPv6 address, IPv6-only ENIs named by it (e->ip).
 */
void ld_enis_ip_type(struct ld *ld, const struct ynode *map, const char *path, const char *enis_key,
                     bool given, struct model_eni *enis, size_t n, enum model_ip_type *type);
/* dns_record_ip_type's default: the ip_address_type's own. */
void ld_endpoint_dns_ip_type(struct ld *ld, struct model_endpoint *ep);
