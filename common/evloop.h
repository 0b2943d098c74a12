/*
 * common/evloop.h -- a worker's event loop, with receive coalescing.
 *
 * Below saturation a server's cost per query here is its wake-ups: each
 * datagram that finds the thread asleep costs a wake-up and a context
 * switch, and nothing batches (docs/performance.md).  A NIC solves the
 * same problem with interrupt coalescing (ethtool's rx-usecs): after a
 * turn that found work but not a full batch, the loop sleeps `tick_us`
 * before looking again, so the datagrams that arrive meanwhile are read
 * and answered in one turn.  A turn that found a full batch goes on at
 * once (saturation is unchanged); a turn after which nothing is ready
 * blocks as usual (an idle server does not tick).  The price is at most
 * tick_us of added latency per pass through the loop, which the docs
 * state.  tick_us 0 is the plain loop.
 *
 * A tick is not free: the timer's arming and interrupt cost here about as
 * much as two datagrams' wake-ups, so a loop that would find one datagram
 * per tick pays more than it saves.  The loop therefore measures its own
 * rate over HNS_COALESCE_WINDOW_MS and picks its tick from it
 * (hns_coalesce_pick): tick_us while that gathers
 * HNS_COALESCE_TARGET_PER_TICK datagrams; at a lower rate a tick stretched
 * up to HNS_COALESCE_STRETCH_X times tick_us, as long as it takes to
 * gather that many, when it then gathers HNS_COALESCE_MIN_STRETCHED or
 * more; else tick_us when it gathers HNS_COALESCE_MIN_PER_TICK; else none.
 * So the added latency is at most the stretched tick per pass, and only
 * at the rates where a tick of tick_us would gather fewer than 16 (the
 * forwarder at 10,000 queries a second, 20,000 datagrams: 250 us; at
 * 40,000: 200 us; caching at 100,000: 160 us; an ENI at 10,000: 250 us;
 * docs/performance.md).  Each tick costs about as much as a wake-up
 * (a context switch here is ~8 us), so gathering 16 rather than 4 took
 * a fifth to a quarter off the forwarder's CPU per query at 40,000 and
 * 100,000 queries a second.
 *
 * Nor does a tick pay on a core that is busy with other work: the sleeper
 * then waits for the core long after its tick, with queries waiting for
 * it (near saturation the forwarder beside its backend lost 8 % that
 * way).  A sleep that overshoots its tick by HNS_COALESCE_LATE_X turns
 * coalescing off for HNS_COALESCE_COOL_MS.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct event_base;

#define HNS_COALESCE_MAX_US 1000      /* a tick longer than 1 ms is a delay, not coalescing */
#define HNS_COALESCE_WINDOW_MS 2      /* the rate is measured over this window */
#define HNS_COALESCE_MIN_PER_TICK 1.5 /* datagrams a tick of tick_us must gather on average */
#define HNS_COALESCE_TARGET_PER_TICK 16 /* what a tick is stretched to gather ... */
#define HNS_COALESCE_STRETCH_X 2.5     /* ... up to this many times tick_us ... */
#define HNS_COALESCE_MIN_STRETCHED 2.4 /* ... if it then gathers this many */
#define HNS_COALESCE_LATE_X 4	      /* a sleep this many ticks long: the core is busy */
#define HNS_COALESCE_COOL_MS 100      /* ... and coalescing stays off this long */
#define HNS_COALESCE_MIN_SLEEP_US 20  /* a tick cut shorter than this is not slept */

/*
 * How a UDP worker (the forwarder's, the AWS listeners') waits on and reads
 * its sockets: `--udp-io`.  The io_uring loops are forwarder/io_uring.c and
 * resolver/io_uring.c.
 */
enum hns_udp_io {
	HNS_UDP_IO_EPOLL = 0, /* epoll_wait, recvmmsg and sendmmsg per ready socket (the default) */
	HNS_UDP_IO_AUTO,      /* io_uring where the kernel allows it, else epoll */
	HNS_UDP_IO_URING,     /* io_uring or fail to start */
};

/* The coalescing state of one loop, whatever waits in it (libevent, io_uring). */
struct hns_coalesce {
	uint32_t tick_us; /* 0: off */
	unsigned full;	  /* a turn that handled this many datagrams goes on at once */
	bool on;	  /* the last window's rate makes ticks pay */
	uint32_t cur_us;  /* the tick that rate picked (hns_coalesce_pick) */
	uint64_t win_start, win_n; /* the rate's window: its start (ns) and datagrams */
	uint64_t cool_until;	   /* off until then (ns) after a late wake-up */
	uint64_t ticks, late;	   /* statistics: sleeps, sleeps that came back late */
};

/* From the loop's own thread (it lowers the thread's timer slack). */
void hns_coalesce_init(struct hns_coalesce *c, uint32_t tick_us, unsigned full);
/* After each turn, with the datagrams it handled: sleeps a tick when that pays. */
void hns_coalesce_turn(struct hns_coalesce *c, unsigned handled);

/*
 * The same in two halves, for a loop that sleeps its own way (an io_uring
 * wait with a timeout): whether to tick after a turn that handled
 * `handled` datagrams at `now` (ns, hns_now), and, after the tick, when it
 * started and when it ended (a late one turns coalescing off for a while).
 */
bool hns_coalesce_want(struct hns_coalesce *c, unsigned handled, uint64_t now);
void hns_coalesce_slept(struct hns_coalesce *c, uint64_t from, uint64_t woke);

/*
 * Whether ticks of tick_us pay at the rate of n datagrams in elapsed
 * nanoseconds: whether a tick would gather HNS_COALESCE_MIN_PER_TICK or
 * more on average.  Never with tick_us 0 or n 0.
 */
bool hns_coalesce_pays(uint64_t n, uint64_t elapsed_ns, uint32_t tick_us);

/*
 * The tick for the rate of n datagrams in elapsed nanoseconds, for a loop
 * whose tick is tick_us: tick_us, a stretched tick (see above), or 0 when
 * no tick pays.
 */
uint32_t hns_coalesce_pick(uint64_t n, uint64_t elapsed_ns, uint32_t tick_us);

/* A libevent worker loop. */
struct hns_evloop {
	struct event_base *base;
	const char *name; /* the thread's name (top -H, perf), at most 15 characters */
	uint32_t tick_us; /* 0: no coalescing */
	unsigned full;	  /* a turn that handled this many datagrams goes on at once */
	unsigned handled; /* datagrams handled in this turn: the callbacks add to it */
	/*
	 * For a loop with timers that must fire on time (the VPN's deliveries):
	 * the latest a tick may end (ns, hns_now; 0 any time), asked before
	 * each tick.  A tick then ends by it, and is skipped when that is
	 * nearer than HNS_COALESCE_MIN_SLEEP_US.  NULL: ticks run their length.
	 */
	uint64_t (*deadline)(void *arg);
	void *deadline_arg;
	/*
	 * Called after every turn, before its tick: a loop whose callbacks
	 * queue their sends flushes them here, once per turn, however many
	 * sockets were ready (NULL: nothing).
	 */
	void (*turn_end)(void *arg);
	void *turn_end_arg;
	volatile bool stop;
	uint64_t turns;		/* statistics: loop turns */
	struct hns_coalesce co; /* set up by hns_evloop_run */
};

/* Run until hns_evloop_stop(); from the loop's own thread. */
void hns_evloop_run(struct hns_evloop *l);

/* Ask the loop to end after its current turn; from one of its callbacks. */
void hns_evloop_stop(struct hns_evloop *l);

/*
 * The scheduler slice of the loops' threads (Linux 6.12+, EEVDF: the
 * sched_runtime of sched_setattr for a SCHED_OTHER thread).  A loop runs
 * in short bursts, a tick or a wake-up apart.  With the default slice a
 * process it sends to on the same core (a backend beside the forwarder,
 * one component of the world beside another) often preempts it at its
 * first send, and is preempted back, once per socket it sends on.  With a
 * short slice of its own that happens less often, and the other reads
 * more of a turn's datagrams at once (the forwarder at 40k: 5 % less CPU
 * per query, docs/performance.md; a longer slice than the other's makes
 * it worse).
 *
 * hns_sched_slice_set(us) before the loops start (0: the kernel's
 * default); every hns_evloop_run then asks for it on its own thread.
 * hns_sched_slice_apply() does it for the calling thread: 0, or -errno
 * where the kernel has no custom slices (the loop runs on regardless).
 */
#define HNS_SLICE_MIN_US 100     /* the shortest the kernel allows */
#define HNS_SLICE_DEFAULT_US 100
#define HNS_SLICE_MAX_US 100000	 /* the longest */
void hns_sched_slice_set(uint32_t us);
uint32_t hns_sched_slice_get(void);
int hns_sched_slice_apply(void);

/* Name the calling thread (top -H, perf); at most 15 characters are kept. */
void hns_thread_name(const char *name);
