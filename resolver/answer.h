/*
 * resolver/answer.h -- one query packet in, one answer packet out (I/O-free).
 *
 * The per-query path: parse header and question (dns_query_parse), look the
 * name up in the view (rslv_resolve), then copy the prepared answer behind
 * a fresh header and the client's question (its ID and its spelling of the
 * name), add the SOA for negative answers and an OPT when the client sent
 * one.  No allocation.  Behaviour of a real resolver: RA set, AA clear,
 * FORMERR for malformed queries, REFUSED for opcodes other than QUERY and
 * classes other than IN, TC when the answer exceeds the client's UDP size.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"
#include "resolver/view.h"

/* Our EDNS buffer size (the VPC resolver advertises 4096 in AWS's own dig examples). */
#define RSLV_EDNS_SIZE 4096
/* Largest answer we build (TCP). */
#define RSLV_MSG_MAX 65535

enum rslv_verdict {
	RSLV_REPLY,	/* send out[0..len) */
	RSLV_IGNORE,	/* send nothing (responses, runts, no DNS support) */
	RSLV_FORWARDED, /* a FORWARD rule matched: the caller forwards h->q (h->res.rule) */
};

struct rslv_handled {
	enum rslv_verdict verdict;
	size_t len;
	struct dns_query q;
	uint8_t lname[DNS_NAME_MAX]; /* the question name, lower case */
	struct rslv_result res;
	bool parsed; /* q is valid */
};

/*
 * Handle one query arriving at a listener of `view` (a VPC index) reached as
 * `from`.  tcp: no UDP size limit.  out must hold RSLV_MSG_MAX bytes for TCP,
 * at least 512 otherwise (cap).
 */
void rslv_answer(const struct rslv_world *w, size_t view, enum rslv_from from, const uint8_t *pkt,
		 size_t len, bool tcp, uint8_t *out, size_t cap, struct rslv_handled *h);

/*
 * Refuse one query without resolving it: REFUSED with the client's question
 * (FORMERR when it does not parse; nothing for responses and runts).
 * h->parsed stays false: h->res is not filled.
 */
void rslv_answer_refused(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
			 struct rslv_handled *h);

/* Write the answer for an already resolved question (used by rslv_answer and tests). */
size_t rslv_reply_write(const struct dns_query *q, const struct rslv_result *res, bool tcp,
			uint8_t *out, size_t cap);

/* The UDP size the client can take: 512 without EDNS, else its size within [512, 4096]. */
size_t rslv_udp_limit(const struct dns_query *q);
