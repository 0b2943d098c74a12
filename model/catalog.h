/*
 * model/catalog.h -- the built-in service catalog: which DNS names an
 * interface endpoint's private DNS covers, by service short name.
 *
 * The table itself is data in catalog_data.c; docs/catalog.md describes
 * every entry with its AWS source.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct hns_arena;
struct model_service_name;

/* At most this many names per service. */
#define CATALOG_MAX_NAMES 6

/*
 * Split an endpoint service name into region and short name:
 * "com.amazonaws.eu-west-1.ecr.dkr" -> "eu-west-1", "ecr.dkr";
 * "aws.api.eu-west-1.kendra-ranking" -> "eu-west-1", "kendra-ranking";
 * "com.amazonaws.vpce.eu-west-1.vpce-svc-0123" -> "eu-west-1",
 * "vpce-svc-0123" (an endpoint service: *custom set to true, no catalog
 * names); a regionless service, "com.amazonaws.iam" -> its home region
 * "us-east-1", "iam".  Outputs are arena strings.  Returns 0 or HNS_EINVAL.
 */
int catalog_service_split(struct hns_arena *a, const char *service, const char **region,
                          const char **short_name, bool *custom);

/*
 * The private DNS names of a service in a region, arena-allocated into
 * *out (n entries).  Unknown services get "<short>.<region>.amazonaws.com".
 * Returns 0 or HNS_ENOMEM.
 */
int catalog_names(struct hns_arena *a, const char *short_name, const char *region,
                  struct model_service_name **out, size_t *n);

/*
 * The service label used in the endpoint's own vpce DNS names
 * ("vpce-<id>-<suffix>.<label>.<region>.vpce.amazonaws.com").
 */
const char *catalog_vpce_label(const char *short_name);

/* Whether a service has gateway endpoints too (s3, dynamodb). */
bool catalog_has_gateway(const char *short_name);

/*
 * Whether the catalog knows the service.  For one it does not know,
 * catalog_names and catalog_vpce_label assume the standard form (lint
 * HNS140 says so).
 */
bool catalog_known(const char *short_name);

/* Whether AWS offers the service over cross-region PrivateLink. */
bool catalog_cross_region(const char *short_name);

/* The home region of a regionless service ("iam", "route53"), else NULL. */
const char *catalog_regionless_home(const char *short_name);

/* The number of services in the catalog, and the short name of the i-th. */
size_t catalog_count(void);
const char *catalog_service_at(size_t i);

/* Whether a string looks like an AWS region ("eu-west-1", "us-gov-west-1"). */
bool catalog_region_valid(const char *region);
