/*
 * harness/load_run.h -- one profile's run as `hybridns load` reports it:
 * what cmd_load.c fills while the profile runs and load_run.c writes as
 * text or JSON.  Private to the load command's files.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "common/hist.h"
#include "harness/json.h"
#include "harness/load_shard.h"
#include "harness/loadgen.h"

#define LOAD_MAX_EVENTS 32
#define LOAD_MAX_SLOS 6

struct model;
struct model_event;
struct model_load;
struct load_where;

struct load_event_run {
	const struct model_event *ev;
	bool applied;
	bool unsupported;
	double at_ms; /* when it was applied */
};

struct load_slo {
	const char *name;
	char limit[48];
	char value[64];
	bool pass;
};

struct load_report {
	const struct model_load *p;
	char from[128];
	char target[HNS_ADDR_STRLEN];
	bool external;
	bool vpc_resolver; /* the target is a VPC +2 (R8/R9: 1024 pps per source) */
	double qps;
	uint64_t duration_ns;
	uint64_t warmup_ns; /* --warmup: sent before the run, not counted in it */
	unsigned workers, sockets;
	double tcp; /* fraction of queries over TCP */
	struct lg_result res;
	struct load_event_run events[LOAD_MAX_EVENTS];
	size_t n_events;
	struct load_slo slos[LOAD_MAX_SLOS];
	size_t n_slos;
	bool pass;
	char note[256];
	struct load_where *where; /* in-process runs: the components' counters; owned */
	/* in-process runs: --handoff memory, and the world's datagrams over the run from its
	 * attached sockets: handed over in memory, and sent through the kernel */
	bool in_memory;
	unsigned long long handed, through_kernel;
	struct load_shard shard;
};

/* A quantile of h in milliseconds. */
double load_quantile_ms(const struct hns_hist *h, double q);
/* Answers per second over the sending window. */
double load_achieved_qps(const struct load_report *r);
/* Lost / intended (0 when nothing was intended). */
double load_loss_of(const struct lg_result *res);

/* The run's report: the text a terminal shows, and one profile's JSON object. */
void load_run_write_text(FILE *out, const struct model *m, const struct load_report *r);
void load_run_write_json(struct json_writer *w, const struct load_report *r);
