/*
 * harness/scenario_src.h -- where a command's scenario comes from.
 */
#pragma once

#include <stddef.h>

struct model;

/* The built-in default scenario (scenarios/shared-services.yaml, compiled in). */
extern const char hns_default_scenario[];
extern const size_t hns_default_scenario_len;
#define HNS_DEFAULT_SCENARIO_NAME "scenarios/shared-services.yaml (built in)"

/*
 * Load `path`, or the built-in default when path is NULL.  On failure the
 * located errors are printed to stderr and HNS_ESCENARIO (or an I/O error)
 * is returned; *out is set only on success.
 */
int scenario_load(const char *path, struct model **out);

/*
 * The exit status for a failed scenario_load(): 2 (usage or scenario
 * error: an invalid file, or one that cannot be read), 3 only when memory
 * ran out.
 */
int scenario_load_status(int rc);
