/*
 * model/ipv6.h -- what the IPv6 extensions of the model mean (format v1
 * extensions `ipv6_cidr`, `ip_address_type`, `dns_record_ip_type`; see
 * docs/scenario.md and docs/aws-semantics.md, "IPv6").
 */
#pragma once

#include <stdbool.h>

#include "model/model.h"

/* Whether AWS accepts this DnsRecordIpType on an endpoint of this IpAddressType. */
bool model_dns_ip_type_fits(enum model_ip_type ip, enum model_dns_ip_type dns);
/*
 * Whether a name of an interface endpoint gets A (v6 false) or AAAA (v6
 * true) records: `private_name` for its private DNS names, false for its
 * regional and zonal names.  AAAA needs IPv6 ENIs besides (and A IPv4 ones).
 */
bool model_dns_ip_type_has(enum model_dns_ip_type dns, bool private_name, bool v6);
/* "ipv4", "dualstack", "ipv6" / and "service-defined": the scenario's words. */
const char *model_ip_type_name(enum model_ip_type t);
const char *model_dns_ip_type_name(enum model_dns_ip_type t);
