/*
 * harness/loadgen.h -- the load generator behind `hybridns load`.
 *
 * Open loop: each sender thread paces its share of the rate on the
 * monotonic clock (the integral of the rate, with an optional linear ramp,
 * so a slow period never turns into a burst above the rate: what cannot be
 * sent within LG_MAX_LAG queries of the schedule is skipped and counted as
 * `behind`), sends batches with sendmmsg over several connected UDP
 * sockets (one source port each) and collects answers with recvmmsg.  Each
 * (socket, ID) pair has a preallocated slot holding the send time, so an
 * answer is matched and timed without allocation.  A run is bounded: no
 * sends after `duration`, nothing waited for after `duration + timeout`.
 *
 * The I/O-free parts (query mix, name patterns, pacing
 * arithmetic, answer judging) are exposed for the unit tests.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/hist.h"

struct hns_prng;

/* ------------------------------------------------------------------ mix */

#define LG_MIX_MAX 64
#define LG_RAND_LABEL_LEN 12

struct lg_mix_entry {
	const char *pattern; /* name with {rand} and {seq} */
	uint16_t qtype;
	uint32_t weight;
};

struct lg_mix {
	const struct lg_mix_entry *e; /* borrowed */
	size_t n;
	uint64_t cum[LG_MIX_MAX]; /* cumulative weights */
	uint64_t total;
};

/*
 * Check and index entries (1..LG_MIX_MAX, weights not all 0, each pattern
 * expands to a valid name).  0, HNS_EINVAL or HNS_ENAME.
 */
int lg_mix_init(struct lg_mix *m, const struct lg_mix_entry *e, size_t n);
/* An entry index, drawn by weight. */
size_t lg_mix_pick(const struct lg_mix *m, struct hns_prng *r);
/*
 * Expand a pattern: each {rand} becomes a fresh random label of
 * LG_RAND_LABEL_LEN characters [a-z0-9], each {seq} the decimal seq.
 * Returns the text length, or HNS_ENOSPC when it does not fit in cap.
 */
int lg_name_expand(const char *pattern, struct hns_prng *r, uint64_t seq, char *out, size_t cap);

/* --------------------------------------------------------------- pacing */

struct lg_pace {
	double qps;	      /* the rate after the ramp */
	uint64_t ramp_ns;     /* linear from 0 to qps over this time; 0: none */
	uint64_t duration_ns; /* nothing is due after it */
};

/* How many queries are due in total by elapsed time t (floor of the rate's integral). */
uint64_t lg_pace_due(const struct lg_pace *p, uint64_t t_ns);
/* The elapsed time at which the k-th query (k >= 1) is due (UINT64_MAX when never). */
uint64_t lg_pace_time_of(const struct lg_pace *p, uint64_t k);
/*
 * The intended (due) times of queries first .. first + n - 1, all due by
 * now: at a steady rate the ends from lg_pace_time_of and integer steps
 * between them (within n ns of it), on the ramp each from lg_pace_time_of.
 */
void lg_pace_fill(const struct lg_pace *p, uint64_t first, size_t n, uint64_t *out);
/*
 * Catch-up bound: of the queries after `issued`, how many are already more
 * than timeout_ns past their intended time at elapsed time t.  They cannot
 * be answered in time by any target, so they are not sent: they count as
 * `behind` and lost.
 */
uint64_t lg_pace_overdue(const struct lg_pace *p, uint64_t issued, uint64_t t_ns, uint64_t timeout_ns);

/* --------------------------------------------------------------- judging */

enum lg_judge_kind {
	LG_JUDGE_NONE,		/* every reply is fine */
	LG_JUDGE_SET,		/* NOERROR, the A/AAAA set equals `set` exactly */
	LG_JUDGE_IN_CIDRS,	/* NOERROR, >= 1 address, all inside `cidrs` (private) */
	LG_JUDGE_OUTSIDE_CIDRS, /* NOERROR, >= 1 address, none inside `cidrs` (public) */
	LG_JUDGE_EMPTY,		/* NOERROR, no address */
	LG_JUDGE_NXDOMAIN,	/* rcode NXDOMAIN */
};

#define LG_JUDGE_MAX 64

struct lg_judge {
	enum lg_judge_kind kind;
	struct hns_addr set[LG_JUDGE_MAX];
	size_t n_set;
	struct hns_cidr cidrs[LG_JUDGE_MAX];
	size_t n_cidrs;
};

/*
 * Parse a reply's rcode and A/AAAA answers (bounds-checked, no allocation)
 * and judge them.  Returns true when the reply satisfies j; a reply that
 * does not parse never does.
 */
bool lg_judge_reply(const struct lg_judge *j, const uint8_t *pkt, size_t len);

/* ------------------------------------------------------------------- run */

#define LG_MAX_TARGETS 8
#define LG_MAX_WORKERS 16
#define LG_MAX_SOCKETS 16
#define LG_MAX_TCP 8	/* TCP connections per worker */
#define LG_TCP_CONNS 2 /* the default */

struct lg_config {
	struct hns_addr targets[LG_MAX_TARGETS]; /* loopback; sockets spread over them */
	size_t n_targets;
	const struct lg_mix_entry *mix;
	size_t n_mix;
	double qps;
	uint64_t duration_ns, ramp_ns, timeout_ns;
	unsigned workers; /* sender threads, 1..LG_MAX_WORKERS */
	unsigned sockets; /* per worker, 1..LG_MAX_SOCKETS */
	uint64_t seed;
	const struct lg_judge *judge; /* NULL: no answer checks */
	double tcp;	     /* fraction of queries sent over TCP, 0..1 */
	unsigned tcp_conns;  /* persistent connections per worker, 1..LG_MAX_TCP; 0: LG_TCP_CONNS */
};

/* One second of the run, by the second in which the query was due. */
struct lg_second {
	uint64_t sent, answered, lost, bad;
	struct hns_hist hist; /* response time */
};

/* What happened to the queries of one mix entry. */
struct lg_mix_stats {
	uint64_t sent, answered, lost;
	struct hns_hist hist; /* response time */
};

/*
 * Two latencies per answered query (the coordinated-omission correction of
 * wrk2 and HdrHistogram): response time from the query's intended send
 * time on the schedule (what a client at this rate waits) and service time
 * from the moment it actually left.  They differ when the generator falls
 * behind; a query that leaves more than LG_LATE_SLACK_NS after its
 * intended time counts as `sent_late`.  A query is lost when its response
 * time exceeds the timeout.
 */
#define LG_LATE_SLACK_NS (1 * HNS_NSEC_PER_MSEC)

struct lg_result {
	uint64_t intended; /* queries due by the schedule: sent + behind */
	uint64_t sent, answered, lost, late, bad, unmatched, send_errors, behind, sent_late;
	uint64_t tcp_sent, tcp_answered, tcp_reconnects; /* included in the counts above */
	uint64_t rcodes[16];
	struct hns_hist response, service;
	uint64_t send_ns; /* from the first send slot to the end of sending */
	struct lg_second *seconds; /* n_seconds entries, owned: lg_result_deinit */
	size_t n_seconds;
	struct lg_mix_stats *mix; /* n_mix entries (the config's mix), owned */
	size_t n_mix;
};

/*
 * Account one answer to a query intended at `intended`, sent at `sent`,
 * answered at `now` (any clock, ns): the two histograms, the second and
 * the mix entry (either may be NULL), or lost and late when the response
 * time exceeds timeout_ns.  Returns true when it counted as answered.
 * I/O-free, integer work only.
 */
bool lg_account_answer(struct lg_result *r, struct lg_second *sec, struct lg_mix_stats *mix,
		       uint64_t intended, uint64_t sent, uint64_t now, uint64_t timeout_ns);

void lg_result_deinit(struct lg_result *r);
/*
 * into += from: counters and histograms add (exactly), seconds and mix
 * entries index by index as far as both have them.
 */
void lg_result_add(struct lg_result *into, const struct lg_result *from);

struct lg_run;

/*
 * Open the sockets and start the sender threads; the schedule starts now.
 * 0, or a negative hns_err (nothing is left running).
 */
int lg_start(const struct lg_config *cfg, struct lg_run **out);
/* The monotonic time the schedule started at. */
uint64_t lg_start_time(const struct lg_run *run);
/* Whether every sender thread has finished (any thread may ask). */
bool lg_done(const struct lg_run *run);
/*
 * A live view for the progress line (any thread): the counters each worker
 * last published (about every 10 ms), and the highest p99 of response time
 * among the workers' last complete second (0 before the first).
 */
struct lg_progress {
	uint64_t sent, answered, lost;
	uint64_t p99_ns;
};

void lg_progress_read(const struct lg_run *run, struct lg_progress *out);
/* Join the threads, sum their counters into out (zeroed first) and free run. */
int lg_finish(struct lg_run *run, struct lg_result *out);
