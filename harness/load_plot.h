/*
 * harness/load_plot.h -- SVG plots of a load run (`hybridns load --plot
 * DIR`): the timeline (sent and answered per second, p50 and p99 of the
 * response time per
 * second, events marked) and the latency percentile distribution in the
 * HDR style (x = percentile on a log scale of 1/(1-q), y = latency;
 * response time from the intended send and service time from the send).
 * Written by hand as plain SVG 1.1, no plotting tool: the files are
 * self-contained (the review report can embed them inline) and nothing is
 * needed at run time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/loadgen.h"

enum load_plot_kind {
	LOAD_PLOT_TIMELINE,    /* rate and p50/p99 per second */
	LOAD_PLOT_PERCENTILES, /* response and service time by percentile, HDR-style */
};

struct load_plot_event {
	double at_s;
	const char *text; /* "down tunnel1" */
	bool applied;
};

struct load_plot_info {
	const char *title; /* "shared-services / steady" */
	const struct load_plot_event *events;
	size_t n_events;
};

/* One plot as an SVG document.  0, or HNS_EINVAL for a write error. */
int load_plot_write_svg(FILE *out, const struct lg_result *res, enum load_plot_kind kind,
			const struct load_plot_info *info);
/*
 * Both plots into DIR (created when missing): NAME-timeline.svg and
 * NAME-latency.svg.  0, or a negative hns_err after a message on stderr.
 */
int load_plot_write_dir(const char *dir, const char *name, const struct lg_result *res,
			const struct load_plot_info *info);
