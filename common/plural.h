/*
 * common/plural.h -- a count and its noun in output text: "1 attempt",
 * "2 attempts", never "1 attempts".  HNS_PLURAL(n, "zone", "zones") picks
 * the form for n; every count printed before a noun goes through it.
 */
#pragma once

#define HNS_PLURAL(n, one, many) ((n) == 1 ? (one) : (many))
