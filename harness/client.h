/*
 * harness/client.h -- the stub client of `check`, `trace` and `load`.
 *
 * A c-ares channel driven by a libevent base (ARES_OPT_SOCK_STATE_CB and
 * ares_process_fd), sending raw queries with ares_send(), so timeouts,
 * retries and TCP fallback on TC behave as an application's stub resolver
 * does.  Its sockets pass the same loopback-only check as every other
 * socket of the project (common/net.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/clock.h"

struct event_base;
struct hns_client;

struct hns_client_result {
	int status;	     /* ARES_SUCCESS, or the c-ares failure (ARES_ETIMEOUT, ...) */
	const char *error;   /* ares_strerror(status) when status != ARES_SUCCESS */
	hns_time_t elapsed;  /* from send to answer or failure */
	int timeouts;	     /* how many tries timed out */
	const uint8_t *answer; /* the raw response (valid during the callback only) */
	size_t answer_len;
};

typedef void (*hns_client_cb)(void *arg, const struct hns_client_result *res);

/*
 * A client of n servers, tried in order as a stub resolver does (port 0
 * means 53).  timeout_ms per try, `tries` rounds over the list (c-ares
 * semantics).  Returns NULL on failure, or when a server is not loopback.
 */
struct hns_client *hns_client_new(struct event_base *base, const struct hns_addr *servers, size_t n,
				  unsigned timeout_ms, unsigned tries);
void hns_client_free(struct hns_client *c);
/* Send one query (RD set, EDNS0 with a 1232-byte buffer); cb runs exactly once. */
int hns_client_query(struct hns_client *c, const char *name, uint16_t qtype, hns_client_cb cb,
		     void *arg);

/*
 * Convenience for one query: run the base until the answer comes.
 * The answer is copied into buf (up to cap bytes).
 */
int hns_client_query_sync(struct event_base *base, const struct hns_addr *servers, size_t n_servers,
			  const char *name,
			  uint16_t qtype, unsigned timeout_ms, unsigned tries,
			  struct hns_client_result *res, uint8_t *buf, size_t cap);
