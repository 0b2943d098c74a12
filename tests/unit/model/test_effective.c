#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "model/model.h"

/*
 * model/effective.c: a resolver's effective forward timing after its
 * profile (the one source the forwarder, lint, graph and exports read) and
 * which peerings AWS accepts.
 */
static const char yaml[] =
	"scenario: effective\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  hub: {cidr: 10.0.0.0/16}\n"
	"  spoke: {cidr: 10.1.0.0/16}\n"
	"  twin: {cidr: 10.0.128.0/17}\n"
	"peerings:\n"
	"  - [hub, spoke]\n"
	"  - [hub, twin]\n"
	"onprem:\n"
	"  resolvers:\n"
	"    win:\n"
	"      address: 192.168.10.53\n"
	"      profile: windows\n"
	"      forward:\n"
	"        - {zone: a.example, to: [10.0.0.2], policy: random, timeout_ms: 1500}\n"
	"        - {zone: b.example, to: [10.0.0.2, 10.1.0.2, 10.0.128.2, 10.0.0.2]}\n"
	"      default: [192.168.10.54]\n"
	"    std:\n"
	"      address: 192.168.10.54\n"
	"      forward:\n"
	"        - {zone: a.example, to: [10.0.0.2, 10.1.0.2], policy: random, timeout_ms: 1500}\n"
	"      default: [192.168.10.53, 192.168.10.53]\n";

static struct model *m;

static int
setup(void **state)
{
	struct model_errors errs;
	int rc;

	(void)state;
	model_errors_init(&errs);
	rc = model_load_buffer("effective.yaml", yaml, sizeof(yaml) - 1, &m, &errs);
	if (rc != 0)
		model_errors_print(&errs, stderr);
	model_errors_deinit(&errs);
	return rc == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	model_free(m);
	return 0;
}

static void
expect_timing(const struct model_timing *t, enum model_policy policy, uint32_t timeout_ms,
	      uint32_t attempts, uint32_t overall_ms)
{
	assert_int_equal(t->policy, policy);
	assert_int_equal(t->timeout_ms, timeout_ms);
	assert_int_equal(t->attempts, attempts);
	assert_int_equal(t->overall_ms, overall_ms);
}

/* profile: windows: 3 s per forwarder in list order within 8 s, whatever the entry says. */
static void
test_forward_timing_windows_profile_overrides_entry(void **state)
{
	const struct model_onprem_resolver *r = model_onprem_resolver_find(m, "win");
	struct model_timing t;

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->forwards[0].timeout_ms, 1500); /* what the file says ... */
	model_forward_timing(r, &r->forwards[0], &t);	   /* ... is not what Windows does */
	expect_timing(&t, MODEL_POLICY_SEQUENTIAL, 3000, 3, 8000);
	model_forward_timing(r, &r->forwards[1], &t); /* four targets: one try each */
	expect_timing(&t, MODEL_POLICY_SEQUENTIAL, 3000, 4, 8000);
	model_forward_timing(r, NULL, &t); /* the default upstreams too */
	expect_timing(&t, MODEL_POLICY_SEQUENTIAL, 3000, 3, 8000);
}

/* profile: standard (the default): the entry's own values; default upstreams get 2000 ms each. */
static void
test_forward_timing_standard_profile_keeps_entry(void **state)
{
	const struct model_onprem_resolver *r = model_onprem_resolver_find(m, "std");
	struct model_timing t;

	(void)state;
	assert_non_null(r);
	model_forward_timing(r, &r->forwards[0], &t);
	expect_timing(&t, MODEL_POLICY_RANDOM, 1500, 2, 0);
	model_forward_timing(r, NULL, &t);
	expect_timing(&t, MODEL_POLICY_SEQUENTIAL, MODEL_FORWARD_TIMEOUT_MS, 2, 0);
}

/* AWS refuses peering VPCs whose CIDRs overlap: the model treats that peering as absent. */
static void
test_peering_active_only_without_overlap(void **state)
{
	const struct model_vpc *hub = model_vpc_find(m, "hub");

	(void)state;
	assert_true(model_peering_active(&m->peerings[0]));
	assert_ptr_equal(model_peering_other(&m->peerings[0], hub), model_vpc_find(m, "spoke"));
	assert_false(model_peering_active(&m->peerings[1]));
	assert_null(model_peering_other(&m->peerings[1], hub));
	/* a VPC not in the peering has no other end */
	assert_null(model_peering_other(&m->peerings[0], model_vpc_find(m, "twin")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_timing_windows_profile_overrides_entry),
		cmocka_unit_test(test_forward_timing_standard_profile_keeps_entry),
		cmocka_unit_test(test_peering_active_only_without_overlap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
