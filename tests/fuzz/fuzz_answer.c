/*
 * Fuzz target for the resolver's answer path (resolver/answer.c over a
 * compiled world): any bytes in, as a query to an inbound endpoint, a VPC
 * +2 resolver and the internet, over UDP and TCP; no crash, and
 *  - an answer stays inside its buffer, is at most the client's UDP size
 *    over UDP, and carries the query's ID;
 *  - a response (QR set) or a runt is never answered.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "model/model.h"
#include "resolver/answer.h"
#include "resolver/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scenario[] =
	"scenario: fuzz\n"
	"region: eu-west-1\n"
	"vpcs:\n"
	"  hub:\n"
	"    cidr: 10.0.0.0/16\n"
	"    subnets:\n"
	"      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n"
	"      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
	"endpoints:\n"
	"  api:\n"
	"    type: interface\n"
	"    service: com.amazonaws.eu-west-1.execute-api\n"
	"    vpc: hub\n"
	"    enis: {a: 10.0.1.25, b: 10.0.2.25}\n"
	"hosted_zones:\n"
	"  example.com:\n"
	"    vpcs: [hub]\n"
	"    records: |\n"
	"      www  A 10.9.9.9\n"
	"      *.w  TXT \"wild\"\n"
	"      c  CNAME www\n"
	"      al  ALIAS endpoint:api\n"
	"resolver:\n"
	"  endpoints:\n"
	"    inbound:\n"
	"      direction: inbound\n"
	"      vpc: hub\n"
	"      ips: {a: 10.0.1.10, b: 10.0.2.10}\n"
	"    outbound:\n"
	"      direction: outbound\n"
	"      vpc: hub\n"
	"      ips: {a: 10.0.1.11, b: 10.0.2.11}\n"
	"  rules:\n"
	"    corp:\n"
	"      domain: corp.example.com\n"
	"      type: forward\n"
	"      endpoint: outbound\n"
	"      targets: [192.168.10.53]\n"
	"      vpcs: [hub]\n";

static struct rslv_world *world;
static uint8_t out[RSLV_MSG_MAX];

static void
world_load(void)
{
	struct model *m = NULL;
	struct model_errors errs;

	model_errors_init(&errs);
	if (model_load_buffer("fuzz.yaml", scenario, sizeof(scenario) - 1, &m, &errs) != 0) {
		model_errors_print(&errs, stderr);
		abort();
	}
	model_errors_deinit(&errs);
	if (rslv_world_new(m, &world) != 0)
		abort();
	/* the model lives as long as the process, with the world */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum rslv_from froms[] = {RSLV_FROM_INBOUND, RSLV_FROM_VPC, RSLV_FROM_INTERNET};
	struct rslv_handled h;

	if (!world)
		world_load();
	for (size_t f = 0; f < 3; f++) {
		for (int tcp = 0; tcp < 2; tcp++) {
			rslv_answer(world, 0, froms[f], data, size, tcp, out, sizeof(out), &h);
			if (size < DNS_HEADER_LEN || (data[2] & 0x80)) {
				if (h.verdict != RSLV_IGNORE)
					abort();
				continue;
			}
			if (h.verdict != RSLV_REPLY)
				continue;
			if (h.len < DNS_HEADER_LEN || h.len > sizeof(out))
				abort();
			if (!tcp && h.parsed && h.len > rslv_udp_limit(&h.q))
				abort();
			if (memcmp(out, data, 2) != 0)
				abort();
		}
	}
	return 0;
}
