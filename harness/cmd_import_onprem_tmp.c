/*
 * harness/cmd_import_onprem_tmp.c -- TEMPORARY, branch import-aws only.
 *
 * The on-prem importers (`hybridns import bind|unbound|dnsmasq|coredns|
 * windows|dnsdist`) are built on branch import-onprem, which defines the
 * real cmd_import_onprem() in harness/cmd_import_onprem.c.  This stand-in
 * lets this branch link; DELETE THIS FILE (and its line in
 * harness/meson.build) when the branches are merged.
 */
#include "config.h"

#include <stdio.h>

#include "harness/cmd.h"

int
cmd_import_onprem(int argc, char **argv)
{
	fprintf(stderr, "hybridns import %s: not built in this branch\n", argc > 0 ? argv[0] : "");
	return HNS_EXIT_RUNTIME;
}
