/*
 * model/catalog_table.h -- the layout of the service catalog table, shared
 * by its data (catalog_data.c) and its lookups (catalog.c) only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/catalog.h"

/* "{r}" in a pattern stands for the region. */
struct catalog_name {
	const char *pattern;
	bool wildcard;
};

enum catalog_flag {
	CATALOG_GATEWAY = 1 << 0,      /* also offered as a gateway endpoint */
	CATALOG_CROSS_REGION = 1 << 1, /* offered over cross-region PrivateLink */
	CATALOG_REGIONLESS = 1 << 2,   /* "com.amazonaws.<service>", home region us-east-1 */
};

struct catalog_entry {
	const char *service;    /* short name after com.amazonaws.<region>. */
	const char *vpce_label; /* label in vpce-… names; NULL: the short name */
	unsigned flags;         /* enum catalog_flag */
	/* none: the standard form "<service>.{r}.amazonaws.com" */
	struct catalog_name names[CATALOG_MAX_NAMES];
};

extern const struct catalog_entry catalog_table[];
extern const size_t catalog_table_n;

/* The home region of every regionless service (IAM and Route 53 control planes). */
#define CATALOG_REGIONLESS_HOME "us-east-1"
