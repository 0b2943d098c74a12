/*
 * DNS servers inside a VPC, as the served world wires them (no world is
 * started): the address map, the routes between sides (serve_route) and
 * the first hop of a client at `from: vpc:<v>` (world_client_targets)
 * over tests/scenarios/ad-dns-in-vpc.yaml.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/addrmap.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/model.h"

#define SCENARIO VPCDNS_SCENARIO_DIR "/ad-dns-in-vpc.yaml"

struct fixture {
	struct model *m;
	struct serve_ctx ctx;
};

static int
setup(void **state)
{
	static struct fixture fx;
	struct model_errors e;

	memset(&fx, 0, sizeof(fx));
	model_errors_init(&e);
	if (model_load_file(SCENARIO, &fx.m, &e) != 0) {
		model_errors_print(&e, stderr);
		model_errors_deinit(&e);
		return -1;
	}
	model_errors_deinit(&e);
	fx.ctx.model = fx.m;
	fx.ctx.vpn_in_path = fx.m->vpn.present;
	if (serve_map_build(&fx.ctx, 5300) != 0)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	hns_addrmap_deinit(&fx->ctx.map);
	model_free(fx->m);
	return 0;
}

static const struct hns_addr *
real_of(const struct fixture *fx, enum hns_role role, const struct hns_addr *virt)
{
	const struct hns_addrmap_entry *e = hns_addrmap_find(&fx->ctx.map, role, virt);

	assert_non_null(e);
	return &e->real;
}

static void
test_vpcdns_map_places_dc_in_its_vpc(void **state)
{
	struct fixture *fx = *state;
	const struct model_onprem_resolver *dc = model_onprem_resolver_find(fx->m, "ad-dc1");
	const struct model_onprem_resolver *op = model_onprem_resolver_find(fx->m, "dc1-dns");
	const struct hns_addrmap_entry *e =
		hns_addrmap_find(&fx->ctx.map, HNS_ROLE_ONPREM, &dc->address);

	assert_non_null(e);
	assert_string_equal(e->label, "vpc/shared-services/ad-dc1");
	/* on-prem reaches it through a relay toward AWS, like an inbound ENI ... */
	assert_non_null(hns_addrmap_find(&fx->ctx.map, HNS_ROLE_RELAY_TO_AWS, &dc->address));
	/* ... and AWS has no relay toward it (it is not on-prem); the on-prem one has one */
	assert_null(hns_addrmap_find(&fx->ctx.map, HNS_ROLE_RELAY_TO_ONPREM, &dc->address));
	assert_non_null(hns_addrmap_find(&fx->ctx.map, HNS_ROLE_RELAY_TO_ONPREM, &op->address));
}

static void
test_vpcdns_routes_cross_the_vpn_only_between_sides(void **state)
{
	struct fixture *fx = *state;
	const struct model_onprem_resolver *dc = model_onprem_resolver_find(fx->m, "ad-dc1");
	const struct model_onprem_resolver *op = model_onprem_resolver_find(fx->m, "dc1-dns");
	const struct model_vpc *ss = model_vpc_find(fx->m, "shared-services");

	/* on-prem -> DC: the relay toward AWS */
	assert_ptr_equal(serve_route(&fx->ctx, true, &dc->address),
			 real_of(fx, HNS_ROLE_RELAY_TO_AWS, &dc->address));
	/* DC -> its own +2: direct, inside the VPC */
	assert_ptr_equal(serve_route(&fx->ctx, false, &ss->dns_addr),
			 real_of(fx, HNS_ROLE_VPC_DNS, &ss->dns_addr));
	/* DC -> on-prem: the relay toward on-prem */
	assert_ptr_equal(serve_route(&fx->ctx, false, &op->address),
			 real_of(fx, HNS_ROLE_RELAY_TO_ONPREM, &op->address));
	/* from the AWS side to the other DC: direct, no VPN */
	assert_ptr_equal(serve_route(&fx->ctx, false, &model_onprem_resolver_find(fx->m, "ad-dc2")->address),
			 real_of(fx, HNS_ROLE_ONPREM, &model_onprem_resolver_find(fx->m, "ad-dc2")->address));
}

static void
test_vpcdns_vpc_client_asks_dhcp_servers_in_order(void **state)
{
	struct fixture *fx = *state;
	struct model_from f = { .kind = MODEL_FROM_VPC };
	struct hns_addr out[8];
	size_t n;

	/* workload's DHCP option set: the two DCs, in order, not its +2 */
	f.vpc = model_vpc_find(fx->m, "workload");
	n = world_client_targets(&fx->ctx, &f, out, 8);
	assert_int_equal(n, 2);
	assert_true(hns_addr_equal(&out[0], real_of(fx, HNS_ROLE_ONPREM,
						    &model_onprem_resolver_find(fx->m, "ad-dc1")->address)));
	assert_true(hns_addr_equal(&out[1], real_of(fx, HNS_ROLE_ONPREM,
						    &model_onprem_resolver_find(fx->m, "ad-dc2")->address)));
	/* at most max */
	assert_int_equal(world_client_targets(&fx->ctx, &f, out, 1), 1);

	/* shared-services has no option set: its +2 (AmazonProvidedDNS) */
	f.vpc = model_vpc_find(fx->m, "shared-services");
	n = world_client_targets(&fx->ctx, &f, out, 8);
	assert_int_equal(n, 1);
	assert_true(hns_addr_equal(&out[0], real_of(fx, HNS_ROLE_VPC_DNS, &f.vpc->dns_addr)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vpcdns_map_places_dc_in_its_vpc),
	    cmocka_unit_test(test_vpcdns_routes_cross_the_vpn_only_between_sides),
	    cmocka_unit_test(test_vpcdns_vpc_client_asks_dhcp_servers_in_order),
	};

	return cmocka_run_group_tests_name("harness_vpcdns", tests, setup, teardown);
}
