/*
 * bench/stall.c -- how much time this machine takes away from a program
 * that never sleeps, and whether its own kernel saw it go.
 *
 *   stall SECONDS CPU[,CPU...]
 *
 * One thread per CPU listed, pinned there, reads CLOCK_MONOTONIC in a
 * tight loop for SECONDS.  Two readings more than 200 us apart are a
 * stall: the thread did not run in between.  The thread's own
 * /proc/thread-self/schedstat says how long this (guest) kernel ran it
 * and how long it waited on a run queue behind another task; a stall the
 * kernel did not account as a wait happened below it (a hypervisor that
 * descheduled the virtual CPU; its "steal" time may read 0).  Prints one
 * line per CPU:
 *
 *   cpu N wall S stalled S (P %) longest MS over10ms K guest_wait S
 *
 *   stall SECONDS CPU[,CPU...] BUSY_US/SLEEP_US
 *
 * spins BUSY_US, sleeps SLEEP_US, and again, instead of spinning all the
 * time: whether a pattern of work brings the stalls, not only its amount
 * (docs/performance.md, "A fourth day").  A sleep that ends more than 200 us
 * after it should have is a stall by its overshoot; the line then ends in
 * "busy S", the seconds spent spinning, and P is the stalled share of the
 * wall time.
 *
 * A benchmark's p99 over a window that held such stalls is the machine's,
 * not the server's (docs/performance.md, "When the machine stalls").
 * Build: cc -O2 -pthread -o stall bench/stall.c.  Exit status 2 on bad
 * arguments.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#define STALL_NS 200000LL  /* a gap longer than this is a stall */
#define LONG_NS 10000000LL /* and one longer than this a long one */
#define MAX_CPUS 64

struct probe {
	int cpu;
	double seconds;
	long long busy_ns, sleep_ns; /* 0, 0: spin all the time */
	long long wall, stalled, longest, wait, busy;
	unsigned over10;
	int err;
};

static long long
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* This thread's run queue wait so far (ns), or -1. */
static long long
queue_wait_ns(void)
{
	long long run, wait;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%lld %lld", &run, &wait);
	fclose(f);
	return n == 2 ? wait : -1;
}

/* A gap of gap ns between two looks at the clock that should have been back to back. */
static void
account(struct probe *p, long long gap)
{
	if (gap > p->longest)
		p->longest = gap;
	if (gap > STALL_NS) {
		p->stalled += gap;
		if (gap > LONG_NS)
			p->over10++;
	}
}

static void *
spin(void *arg)
{
	struct probe *p = arg;
	cpu_set_t set;
	long long start, prev, end, w0, w1;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	p->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (p->err)
		return NULL;
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* a sleep ends when asked */
	w0 = queue_wait_ns();
	start = prev = now_ns();
	end = start + (long long)(p->seconds * 1e9);
	while (prev < end) {
		long long burst = prev;

		while (prev < end && (!p->busy_ns || prev - burst < p->busy_ns)) {
			long long t = now_ns();

			account(p, t - prev);
			prev = t;
		}
		if (p->busy_ns) {
			struct timespec ts = { p->sleep_ns / 1000000000LL, p->sleep_ns % 1000000000LL };
			long long t;

			p->busy += prev - burst;
			if (prev >= end)
				break;
			nanosleep(&ts, NULL);
			t = now_ns();
			account(p, t - prev - p->sleep_ns); /* the overshoot */
			prev = t;
		}
	}
	w1 = queue_wait_ns();
	p->wall = prev - start;
	p->wait = w0 >= 0 && w1 >= 0 ? w1 - w0 : -1;
	return NULL;
}

static int
usage(const char *why)
{
	fprintf(stderr, "stall: %s\nusage: stall SECONDS CPU[,CPU...] [BUSY_US/SLEEP_US]\n", why);
	return 2;
}

int
main(int argc, char **argv)
{
	struct probe probes[MAX_CPUS];
	pthread_t threads[MAX_CPUS];
	char *end;
	double seconds;
	long long busy_us = 0, sleep_us = 0;
	int n = 0, rc = 0;

	if (argc != 3 && argc != 4)
		return usage("two or three arguments");
	if (argc == 4) {
		errno = 0;
		busy_us = strtoll(argv[3], &end, 10);
		if (!errno && *end == '/' && end[1])
			sleep_us = strtoll(end + 1, &end, 10);
		if (errno || *end || busy_us < 1 || busy_us > 1000000 || sleep_us < 1 || sleep_us > 1000000)
			return usage("BUSY_US/SLEEP_US: two numbers of microseconds, 1 to 1000000, as 100/100");
	}
	errno = 0;
	seconds = strtod(argv[1], &end);
	if (errno || *end || !(seconds > 0 && seconds <= 60))
		return usage("SECONDS: a number above 0, at most 60");
	for (const char *tok = argv[2];; tok = end + 1) {
		long cpu;

		errno = 0;
		cpu = strtol(tok, &end, 10);
		if (errno || end == tok || (*end && *end != ',') || cpu < 0 || cpu >= CPU_SETSIZE)
			return usage("CPU: a list of CPU numbers, as 0,1");
		if (n == MAX_CPUS)
			return usage("too many CPUs");
		probes[n] = (struct probe){ .cpu = (int)cpu, .seconds = seconds, .busy_ns = busy_us * 1000,
					    .sleep_ns = sleep_us * 1000 };
		n++;
		if (!*end)
			break;
	}
	if (n == 0)
		return usage("no CPU");
	for (int i = 0; i < n; i++)
		if (pthread_create(&threads[i], NULL, spin, &probes[i]) != 0)
			return usage("cannot start a thread");
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < n; i++) {
		const struct probe *p = &probes[i];

		if (p->err) {
			fprintf(stderr, "stall: cpu %d: %s\n", p->cpu, strerror(p->err));
			rc = 2;
			continue;
		}
		printf("cpu %d wall %.3f stalled %.3f (%.2f %%) longest %.3f ms over10ms %u "
		       "guest_wait %.3f",
		       p->cpu, p->wall / 1e9, p->stalled / 1e9, 100.0 * p->stalled / p->wall,
		       p->longest / 1e6, p->over10, p->wait < 0 ? -1.0 : p->wait / 1e9);
		if (p->busy_ns)
			printf(" busy %.3f", p->busy / 1e9);
		printf("\n");
	}
	return rc;
}
