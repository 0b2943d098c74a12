/*
 * model/ytree.h -- the YAML tree and error collection of one load (internal).
 */
#pragma once

#include "model/internal.h"

/* Parse ld->buf into a tree in ld->tmp; NULL (errors reported) on failure. */
struct ynode *ld_yaml_parse(struct ld *ld);
/* Sort the collected errors by position and move them into out (may be NULL). */
void ld_errors_flush(struct ld *ld, struct model_errors *out);
