#pragma once

/*
 * Names of the model's enums, in the scenario file's own spelling, for
 * every command that prints a model (lint, graph, load, check, export).
 */

#include <stddef.h>

#include "model/model.h"

const char *model_zone_kind_str(enum model_zone_kind k);
const char *model_policy_str(enum model_policy p);
const char *model_tunnel_state_str(enum model_tunnel_state s);
const char *model_default_kind_str(enum model_default_kind k);
const char *model_hop_kind_str(enum model_hop_kind k);
const char *model_answer_kind_str(enum model_answer_kind k);
const char *model_fault_kind_str(enum model_fault_kind k);
/* "endpoint", "endpoint_az", "name"; "none" for a record that is no alias. */
const char *model_alias_kind_str(enum model_alias_kind k);

/* The `from` of an expectation or load profile ("onprem:dc1", "inbound:in@sub-a") into buf. */
const char *model_from_str(const struct model_from *f, char *buf, size_t len);
/*
 * An answer form as written: "any", "private", "endpoint:NAME[@AZ]", or the
 * listed values space-separated into buf.
 */
const char *model_answer_form_str(const struct model_answer *a, char *buf, size_t len);
