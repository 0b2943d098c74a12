/*
 * A resolver server built by hand for unit tests, without sockets or
 * threads: one world loaded from a small scenario, three listeners (the
 * hub's +2 resolver, inbound ENI a, the internet), the query log on a
 * memory stream, and packet helpers.  Shared by test_handle.c and
 * test_qlog.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "resolver/internal.h"

enum { SRV_VPC = 0, SRV_INBOUND = 1, SRV_INTERNET = 2, SRV_N_LS = 3 };

struct srv {
	struct model *m;
	struct rslv_server s;
	struct rslv_listener ls[SRV_N_LS];
	struct hns_addr outside[1]; /* R8: 127.53.1.1 */
	char *log;		    /* the query log so far (open_memstream) */
	size_t log_len;
};

/* Load the scenario and build the server; policy and pps as rslv_server_opts has them. */
void srv_init(struct srv *t, enum rslv_outside_policy policy, uint32_t pps, bool qlog);
void srv_deinit(struct srv *t);
/* The query log's text written so far (flushed), NUL-terminated. */
const char *srv_log(struct srv *t);

/* A query with ID 0x1234 and RD for a wire name (raw labels) and type; its length. */
size_t srv_query_wire(const uint8_t *name, size_t name_len, uint16_t type, uint8_t *out);
/* The same for a presentation name. */
size_t srv_query(const char *name, uint16_t type, uint8_t *out);
/* An address with its port ("127.0.0.1:40000"). */
struct hns_addr srv_addr(const char *s);
