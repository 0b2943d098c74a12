/*
 * import/internal.h -- shared between the importers' files (not a face
 * of the layer: see import/import.h).
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "import/json.h"
#include "import/scen.h"

/* Each object of the list at root.key (a required list), with its path, as item and ipath. */
#define EACH(j, root, key, item, ipath)                                                            \
	json_t *list_ = ij_arr((j), (root), "$", (key), true);                                      \
	const char *lpath_ = ij_key((j), "$", (key));                                               \
	for (size_t i_ = 0; list_ != NULL && i_ < json_array_size(list_); i_++)                     \
		if (((item) = ij_item((j), list_, lpath_, i_, &(ipath))) != NULL)

/* A whole file into a malloc'ed, NUL-terminated buffer; unreadable: reported, HNS_EPARSE. */
int imp_read_file(struct imp_scen *s, const char *path, char **buf, size_t *len);

/* Finish, write and load back; see import.h for the return values. */
int imp_emit(struct imp_scen *s, char **out, size_t *len);

/* The AWS CLI readers, by output (import/aws.c, import/aws_route53.c). */
void aws_read_vpcs(struct ij *j, json_t *root);
void aws_read_subnets(struct ij *j, json_t *root);
void aws_read_vpc_attribute(struct ij *j, json_t *root);
void aws_read_peerings(struct ij *j, json_t *root);
void aws_read_vpc_endpoints(struct ij *j, json_t *root);
void aws_read_enis(struct ij *j, json_t *root);
void aws_read_vpn_gateways(struct ij *j, json_t *root);
void aws_read_vpn_connections(struct ij *j, json_t *root);
void aws_read_hosted_zones(struct ij *j, json_t *root);
void aws_read_hosted_zone(struct ij *j, json_t *root);
void aws_read_record_sets(struct ij *j, json_t *root);
void aws_read_resolver_endpoints(struct ij *j, json_t *root);
void aws_read_resolver_ips(struct ij *j, json_t *root);
void aws_read_resolver_rules(struct ij *j, json_t *root);
void aws_read_rule_associations(struct ij *j, json_t *root);

/* The value of the `Name` tag of an AWS `Tags: [{Key, Value}]` list, or NULL. */
const char *aws_tag_name(struct ij *j, json_t *o, const char *o_path);
