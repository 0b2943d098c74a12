/*
 * resolver/table.h -- a table from (tag, lower-cased wire name) to a pointer.
 *
 * Built once when a scenario is loaded, then only read, by any number of
 * threads.  The tag separates namespaces that share one table (the rule
 * table of each view, the nodes of each zone).  Keys are copied
 * (dns_nametab keeps them).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dns/nametab.h"

/* One of dns/nametab.h's name tables (the same lookup as the on-prem forwarder's rules). */
struct rslv_table {
	struct dns_nametab nt;
};


void rslv_table_init(struct rslv_table *t);
void rslv_table_deinit(struct rslv_table *t);
/* Insert or replace; returns 0 or HNS_ENOMEM.  name must be lower case. */
int rslv_table_put(struct rslv_table *t, uint32_t tag, const uint8_t *name, size_t len, void *val);
/* The value, or NULL.  name must be lower case. */
void *rslv_table_get(const struct rslv_table *t, uint32_t tag, const uint8_t *name, size_t len);
