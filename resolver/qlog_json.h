/*
 * resolver/qlog_json.h -- the "answers" items of Route 53 Resolver query
 * logs (R15): {"Rdata":"...","Type":"A","Class":"IN"}.
 *
 * The world's build prepares them once per record set (rslv_rrset.json);
 * the query log writes them, and formats forwarded answers and
 * synthesised ones with the same calls.  Strings go through common/json.h.
 */
#pragma once

#include <ldns/ldns.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/addr.h"
#include "resolver/view.h"

/* The Rdata text of a record: its rdata fields as ldns prints them, space separated, cut at cap - 1. */
void rslv_qlog_rdata(const ldns_rr *rr, char *buf, size_t cap);
/* The item of one record, malloc'd (free it); NULL when memory ran out. */
char *rslv_qlog_item_rr(const ldns_rr *rr);
/* The item of an address record (A or AAAA) into item (cap bytes). */
void rslv_qlog_item_addr(const struct hns_addr *ip, char *item, size_t cap);
/*
 * The item of a synthesised answer (res->synth_type A or PTR) into item
 * (cap bytes); fqdn: a PTR name with its final dot.  0, or HNS_ENOMEM.
 */
int rslv_qlog_item_synth(const struct rslv_result *res, bool fqdn, char *item, size_t cap);
