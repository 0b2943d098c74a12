/*
 * harness/check.h -- running expectations against a live world.
 *
 * Each expectation gets a world of its own: the scenario is brought up on
 * loopback with the expectation's `given` faults, the query is asked as a
 * client at the stated place would (c-ares, harness/client.h), the hops
 * are collected from the components' trace events, and the world is torn
 * down, so no cache or health state leaks from one check into the next.
 *
 * With a real resolver under test (--onprem-resolver) a tap stands in the
 * first on-prem resolver's place and passes its traffic on (world.h), so
 * the hop is recorded whoever asks; that resolver keeps its cache across
 * checks unless --onprem-flush empties it, and an answer it gave without
 * asking anyone fails a check with `given` faults (check_run).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/trace.h"
#include "harness/expect.h"
#include "harness/serve.h"

struct model;
struct model_expect;
struct model_from;

struct check_opts {
	uint16_t port;	 /* 0: a free one, chosen per world */
	struct hns_addr onprem_resolver; /* family 0 unless --onprem-resolver */
	/*
	 * --onprem-flush: a shell command run before each expectation to empty
	 * the resolver under test's cache of the name ({name} and {type} stand
	 * for the query's), or NULL.
	 */
	const char *onprem_flush;
	uint64_t seed;
	bool seed_given;
	unsigned timeout_ms; /* the stub's per-try timeout (default 5000) */
	unsigned tries;	     /* the stub's tries (default 2) */
	struct serve_aws_opts aws; /* --vpc-outside, --vpc-pps */
};

#define CHECK_MAX_HOPS 128

struct check_result {
	const struct model_expect *e;
	struct observed obs;
	struct verdict verdict;
	struct hns_trace_event hops[CHECK_MAX_HOPS];
	size_t n_hops;
	hns_time_t t_done; /* when the client got its answer or gave up (the hops' clock) */
	char from[160];	 /* "onprem:dc1-dns (127.53.1.1:5300)" */
	char query[300]; /* "abcd.execute-api.eu-west-1.amazonaws.com A" */
};

void check_opts_init(struct check_opts *o);
/*
 * Run one expectation; fills out.  Returns 0 when it could be run (whatever
 * the verdict), or a negative hns_err when the world could not come up
 * (then out->verdict.message says why when the harness knows more than the
 * code, e.g. the --onprem-flush command failed).
 */
int check_run(const struct model *m, const struct model_expect *e, const struct check_opts *o,
	      struct check_result *out);
/*
 * A place written as `from:` is in expectations (onprem, onprem:<resolver>,
 * vpc:<vpc>, inbound:<endpoint>[@<subnet>], internet) into f.  0, or
 * HNS_EINVAL after a message "hybridns CMD: --from: ..." on stderr.
 */
int check_from_parse(const struct model *m, const char *s, struct model_from *f, const char *cmd);
/* A query name as typed into out: lower-cased, no trailing dot.  0 or HNS_ENAME. */
int check_qname_parse(const char *in, char *out, size_t cap);
