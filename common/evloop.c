#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/evloop.h"

bool
hns_coalesce_pays(uint64_t n, uint64_t elapsed_ns, uint32_t tick_us)
{
	if (n == 0 || tick_us == 0)
		return false;
	/* n / elapsed * tick >= MIN, without dividing by a zero elapsed */
	return (double)n * (double)tick_us * (double)HNS_NSEC_PER_USEC >=
	       HNS_COALESCE_MIN_PER_TICK * (double)elapsed_ns;
}

uint32_t
hns_coalesce_pick(uint64_t n, uint64_t elapsed_ns, uint32_t tick_us)
{
	double per_us, want, max_us;
	uint32_t t;

	if (n == 0 || tick_us == 0)
		return 0;
	if (elapsed_ns == 0)
		return tick_us;
	per_us = (double)n * (double)HNS_NSEC_PER_USEC / (double)elapsed_ns;
	if (per_us * tick_us >= HNS_COALESCE_TARGET_PER_TICK)
		return tick_us;
	max_us = tick_us * HNS_COALESCE_STRETCH_X;
	if (max_us > HNS_COALESCE_MAX_US)
		max_us = HNS_COALESCE_MAX_US;
	want = HNS_COALESCE_TARGET_PER_TICK / per_us;
	t = (uint32_t)((want < max_us ? want : max_us) + 0.5);
	if (t > tick_us && per_us * t >= HNS_COALESCE_MIN_STRETCHED)
		return t;
	return hns_coalesce_pays(n, elapsed_ns, tick_us) ? tick_us : 0;
}

void
hns_coalesce_init(struct hns_coalesce *c, uint32_t tick_us, unsigned full)
{
	if (tick_us > HNS_COALESCE_MAX_US)
		tick_us = HNS_COALESCE_MAX_US;
	*c = (struct hns_coalesce){ .tick_us = tick_us, .full = full, .win_start = hns_now() };
	/* The default timer slack (50 us) would stretch a 50 us tick to 100. */
	if (tick_us)
		(void)prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
}

bool
hns_coalesce_want(struct hns_coalesce *c, unsigned handled, uint64_t now)
{
	if (!c->tick_us)
		return false;
	c->win_n += handled;
	if (now - c->win_start >= HNS_COALESCE_WINDOW_MS * HNS_NSEC_PER_MSEC) {
		c->cur_us = now >= c->cool_until
				    ? hns_coalesce_pick(c->win_n, now - c->win_start, c->tick_us)
				    : 0;
		c->on = c->cur_us != 0;
		c->win_start = now;
		c->win_n = 0;
	}
	return c->on && handled && handled < c->full;
}

void
hns_coalesce_slept(struct hns_coalesce *c, uint64_t from, uint64_t woke)
{
	c->ticks++;
	if (woke - from > (uint64_t)HNS_COALESCE_LATE_X * c->cur_us * HNS_NSEC_PER_USEC) {
		c->late++;
		c->on = false;
		c->cool_until = woke + HNS_COALESCE_COOL_MS * HNS_NSEC_PER_MSEC;
	}
}

/* Sleep from now until end (ns, hns_now), then account the tick. */
static void
coalesce_sleep(struct hns_coalesce *c, uint64_t now, uint64_t end)
{
	struct timespec ts = { .tv_sec = (time_t)(end / HNS_NSEC_PER_SEC),
			       .tv_nsec = (long)(end % HNS_NSEC_PER_SEC) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	hns_coalesce_slept(c, now, hns_now());
}

void
hns_coalesce_turn(struct hns_coalesce *c, unsigned handled)
{
	if (!c->tick_us)
		return;

	hns_time_t now = hns_now();

	if (hns_coalesce_want(c, handled, now))
		coalesce_sleep(c, now, now + c->cur_us * HNS_NSEC_PER_USEC);
}

/* A tick for a loop with a deadline: it ends by the loop's next timer. */
static void
evloop_coalesce(struct hns_evloop *l)
{
	struct hns_coalesce *c = &l->co;
	hns_time_t now, end, d;

	if (!c->tick_us)
		return;
	now = hns_now();
	if (!hns_coalesce_want(c, l->handled, now))
		return;
	end = now + c->cur_us * HNS_NSEC_PER_USEC;
	if (l->deadline && (d = l->deadline(l->deadline_arg)) != 0 && d < end) {
		if (d < now + HNS_COALESCE_MIN_SLEEP_US * HNS_NSEC_PER_USEC)
			return;
		end = d;
	}
	coalesce_sleep(c, now, end);
}

/* ------------------------------------------------------------ scheduler slice */

static _Atomic uint32_t slice_us = HNS_SLICE_DEFAULT_US;

/* struct sched_attr of sched_setattr(2); glibc 2.36 declares neither. */
struct hns_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period; /* ns */
	uint32_t sched_util_min, sched_util_max;
};

void
hns_sched_slice_set(uint32_t us)
{
	atomic_store(&slice_us, us > HNS_SLICE_MAX_US ? HNS_SLICE_MAX_US : us);
}

uint32_t
hns_sched_slice_get(void)
{
	return atomic_load(&slice_us);
}

int
hns_sched_slice_apply(void)
{
	struct hns_sched_attr a = { .size = sizeof(a) };
	uint32_t us = atomic_load(&slice_us);
	int policy = sched_getscheduler(0);

	/* Slices are the fair class's (normal, batch, idle); a real-time thread keeps its own. */
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return 0;
	a.sched_policy = (uint32_t)policy;

	/* Keep the thread's nice value: sched_setattr sets every field. */
	errno = 0;
	a.sched_nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	if (errno != 0)
		a.sched_nice = 0;
	/* 0 asks for the default slice back (sched_runtime 0 clears a custom one). */
	a.sched_runtime = (uint64_t)us * HNS_NSEC_PER_USEC;
	if (syscall(SYS_sched_setattr, 0, &a, 0) != 0)
		return -errno;
	return 0;
}

void
hns_thread_name(const char *name)
{
	(void)pthread_setname_np(pthread_self(), name);
}

void
hns_evloop_run(struct hns_evloop *l)
{
	if (l->name)
		hns_thread_name(l->name);
	(void)hns_sched_slice_apply(); /* a kernel without custom slices: the default one */
	hns_coalesce_init(&l->co, l->tick_us, l->full);
	while (!l->stop) {
		l->handled = 0;
		if (event_base_loop(l->base, EVLOOP_ONCE | EVLOOP_NO_EXIT_ON_EMPTY) < 0)
			break;
		l->turns++;
		if (l->turn_end)
			l->turn_end(l->turn_end_arg);
		if (!l->stop)
			evloop_coalesce(l);
	}
}

void
hns_evloop_stop(struct hns_evloop *l)
{
	l->stop = true;
	event_base_loopbreak(l->base);
}
