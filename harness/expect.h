/*
 * harness/expect.h -- judging one expectation against what really happened.
 *
 * I/O-free: the observed answer (parsed from the wire), its latency and the
 * hops the query passed (trace events) go in; a verdict and, on failure, a
 * message saying what was expected and what came instead come out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/names.h" /* observed rcodes print with DNS_RCODE_NAME */

struct model;
struct model_expect;
struct model_hop;
struct hns_trace_event;

#define OBSERVED_MAX_VALUES 32
#define EXPECT_TEXT_MAX 256 /* one value in presentation form: a name of 253 characters fits */

struct observed {
	bool answered;	   /* false: timeout or transport failure */
	/* !answered because no server replied: every try timed out, or was refused
	 * (ICMP port unreachable: nothing listens there); what rcode: timeout expects */
	bool no_reply;
	char error[256];   /* when !answered */
	int rcode;
	size_t n_values;
	uint16_t types[OBSERVED_MAX_VALUES];
	char values[OBSERVED_MAX_VALUES][EXPECT_TEXT_MAX]; /* rdata in presentation form, lower case, no trailing dot */
	uint32_t ttls[OBSERVED_MAX_VALUES];
	bool has_soa;	   /* the authority section holds an SOA (a negative answer) */
	uint32_t soa_ttl;
	double latency_ms;
};

/* Fill obs from a raw response (ldns parses it: this is the slow path). 0 or HNS_EMALFORMED. */
int observed_from_wire(struct observed *obs, const uint8_t *pkt, size_t len, uint16_t qtype);

struct verdict {
	bool pass;
	char message[1024]; /* empty when pass */
};

/*
 * Judge e against obs and the hops (events with hop strings such as
 * "onprem:dc1-dns"; `via` must appear among them in order).
 */
void expect_judge(const struct model *m, const struct model_expect *e, const struct observed *obs,
		  const struct hns_trace_event *hops, size_t n_hops, struct verdict *out);

/* The values an answer form stands for ("10.0.1.25 10.0.2.25"), for reports. */
void expect_describe(const struct model_expect *e, char *buf, size_t len);
/* A `via` hop as the trace names it: "onprem:dc1-dns", "internet". */
const char *expect_via_text(const struct model_hop *h, char *buf, size_t len);

/*
 * How long a check of `rcode: timeout` waits for an answer, in one try:
 * `max_ms` when the expectation gives it; otherwise the longest the first
 * resolver on the path tries before it answers SERVFAIL (an on-prem
 * resolver: its largest timeout_ms x attempts, 8 s with profile windows; a
 * VPC's +2 resolver or an inbound endpoint: 3 tries of 1.5 s) plus
 * EXPECT_TIMEOUT_MARGIN_MS, so that a late SERVFAIL is not taken for
 * silence; never more than the stub's own budget (stub_tries rounds of
 * stub_timeout_ms, doubled each round as c-ares does: 5 s + 10 s).
 */
#define EXPECT_TIMEOUT_MARGIN_MS 1000
unsigned expect_timeout_budget_ms(const struct model_expect *e, unsigned stub_timeout_ms,
				  unsigned stub_tries);
