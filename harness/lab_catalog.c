/*
 * harness/lab_catalog.c -- the labs: what each one says and grades.
 *
 * One entry per file in scenarios/labs/ (harness/meson.build compiles each
 * design in as hns_lab_<name>), in the order of the course (docs/labs.md).
 * The goals are the design's own `expect:` entries plus the finding rules
 * here, by the fixed IDs of docs/lint.md.  A new lab: its design in
 * scenarios/labs/, its name in harness/meson.build's `lab_names`, an entry
 * here, its reference solution in tests/labs/.
 */
#include "config.h"

#include <string.h>

#include "harness/lab.h"

extern const char hns_lab_missing_rule_association[];
extern const char hns_lab_forward_to_vpc_resolver[];
extern const char hns_lab_phz_not_on_inbound_vpc[];
extern const char hns_lab_private_dns_from_peer[];
extern const char hns_lab_phz_shadows_public[];
extern const char hns_lab_forward_rule_shadows_phz[];
extern const char hns_lab_ecr_service_vs_dns_name[];
extern const char hns_lab_execute_api_private_dns[];
extern const char hns_lab_s3_gateway_from_onprem[];
extern const char hns_lab_dot_forwarded_to_onprem[];
extern const char hns_lab_forwarding_loop[];
extern const char hns_lab_single_az_inbound[];
extern const char hns_lab_forwarder_timeout_vs_rtt[];

const struct lab lab_catalog[] = {
	{
		.name = "missing-rule-association",
		.title = "an on-prem name resolves in one VPC and not in another",
		.minutes = 10,
		.teaches = "Resolver rules act only in the VPCs they are associated with",
		.story = "The app team in consumer-1 opens a ticket: \"app.corp.example.com does not\n"
			 "resolve from our instances (NXDOMAIN), but the same lookup works from\n"
			 "shared-services, and the outbound endpoint is shared with us.\"\n",
		.hints = {
			"Trace the failing name from consumer-1 (`hybridns trace FILE app.corp.example.com\n"
			"--from vpc:consumer-1`): which rule does the query match, if any?",
			"A Resolver rule is looked up in the VPC the query comes from, and only the VPCs\n"
			"it is associated with see it; sharing the outbound endpoint is not enough.",
			"Add consumer-1 to the `vpcs` of the rule `corp`.",
		},
		.design = hns_lab_missing_rule_association,
	},
	{
		.name = "forward-to-vpc-resolver",
		.title = "on-prem forwards to the VPC resolver (the +2 address)",
		.minutes = 15,
		.teaches = "the VPC +2 resolver answers only inside its VPC; inbound endpoints are the way in",
		.story = "The network team forwarded execute-api.eu-west-1.amazonaws.com from the data\n"
			 "centre to 10.0.0.2 over the VPN.  Developers on-prem report that the private\n"
			 "API \"times out, then SERVFAIL\", while every instance in the VPC resolves it.\n",
		.hints = {
			"Trace abcd.execute-api.eu-west-1.amazonaws.com from on-prem: where does the\n"
			"query die?",
			"The Amazon-provided resolver (the VPC CIDR base + 2) answers only queries that\n"
			"come from inside its own VPC; AWS calls forwarding to it from elsewhere not\n"
			"supported.",
			"Create a Route 53 Resolver inbound endpoint in shared-services (two IPs in two\n"
			"AZs) and make dc1-dns forward the zone to its IPs.",
		},
		.findings = { { "HNS101", false, "no on-prem forwarding to a VPC's +2 resolver" } },
		.design = hns_lab_forward_to_vpc_resolver,
	},
	{
		.name = "phz-not-on-inbound-vpc",
		.title = "a private hosted zone the inbound endpoint cannot see",
		.minutes = 15,
		.teaches = "an inbound endpoint resolves in its own VPC's view: the zone must be associated there",
		.story = "After the DNS hub went live, on-prem monitoring reports NXDOMAIN for\n"
			 "db.internal.example.com.  The apps team says the name works in their VPC, and\n"
			 "on-prem does forward internal.example.com to the hub's inbound endpoint.\n",
		.hints = {
			"Trace db.internal.example.com from on-prem and from vpc:apps: which VPC's view\n"
			"answers each of them?",
			"An inbound endpoint answers exactly as the +2 resolver of its own VPC would:\n"
			"with the private hosted zones associated with that VPC, no other.",
			"Associate internal.example.com with dns-hub as well as apps.",
		},
		.findings = { { "HNS103", false,
				"the inbound endpoint's VPC holds the zone on-prem forwards to it" } },
		.design = hns_lab_phz_not_on_inbound_vpc,
	},
	{
		.name = "private-dns-from-peer",
		.title = "relying on an endpoint's private DNS from a peered VPC",
		.minutes = 15,
		.teaches = "private DNS stays in the endpoint's VPC; the shared-services pattern (PHZ + alias)",
		.story = "Session Manager works in the hub but not in the peered spoke: the spoke's\n"
			 "instances get the public SSM address, so their traffic heads for the internet\n"
			 "although the endpoint is reachable over the peering.\n",
		.hints = {
			"Resolve ssm.eu-west-1.amazonaws.com from vpc:hub and from vpc:spoke and compare\n"
			"the paths.",
			"Private DNS is a hidden private hosted zone associated with the endpoint's own\n"
			"VPC only; peering carries packets, not DNS views.",
			"Turn private DNS off and create your own zone ssm.eu-west-1.amazonaws.com with\n"
			"`@ ALIAS endpoint:ssm`, associated with both VPCs (scenarios/shared-services.yaml).",
		},
		.findings = { { "HNS111", false, "no reliance on private DNS from a peered VPC" } },
		.design = hns_lab_private_dns_from_peer,
	},
	{
		.name = "phz-shadows-public",
		.title = "a private hosted zone that hides the public domain",
		.minutes = 10,
		.teaches = "a PHZ owns its whole namespace in its VPCs: missing names are NXDOMAIN, never public",
		.story = "Someone created a private zone example.com so that instances find the\n"
			 "intranet.  Since then the VPC cannot reach www.example.com or the shop: \"the\n"
			 "web site is down, but only from AWS\".\n",
		.hints = {
			"Trace www.example.com from vpc:apps: which zone answers?",
			"When a private hosted zone matches a name and holds no record for it, the VPC\n"
			"resolver answers NXDOMAIN; it never falls back to the public zone.",
			"Make the private zone as small as the need: intranet.example.com.",
		},
		.findings = { { "HNS107", false, "no private hosted zone shadowing a public zone" } },
		.design = hns_lab_phz_shadows_public,
	},
	{
		.name = "forward-rule-shadows-phz",
		.title = "a forwarding rule that shadows a private hosted zone",
		.minutes = 10,
		.teaches = "a Resolver rule wins over a private hosted zone of the same name",
		.story = "payments.example.com moved from the data centre into a private hosted zone, and\n"
			 "api.payments.example.com is in it.  The payments service in the VPC still gets\n"
			 "NXDOMAIN for it; on-prem people say \"that zone is not ours any more\".\n",
		.hints = {
			"Trace api.payments.example.com from vpc:apps: does the query reach the zone?",
			"On an exact-name tie between a Resolver rule and a private hosted zone, the rule\n"
			"wins.",
			"The migration is done: remove the old forwarding rule for payments.example.com.",
		},
		.findings = { { "HNS106", false, "no forwarding rule shadowing a private hosted zone" } },
		.design = hns_lab_forward_rule_shadows_phz,
	},
	{
		.name = "ecr-service-vs-dns-name",
		.title = "private hosted zones named after the ECR service names",
		.minutes = 15,
		.teaches = "an endpoint's service name is not its DNS name (ecr.api vs api.ecr, *.dkr.ecr)",
		.story = "Builds in the build VPC fail to push images: the ECR API resolves to a public\n"
			 "address (egress is blocked) and docker login to\n"
			 "111122223333.dkr.ecr.eu-west-1.amazonaws.com says \"no such host\".\n",
		.hints = {
			"Which names do ECR clients look up?  Compare them with the names of the two\n"
			"private zones.",
			"com.amazonaws.<region>.ecr.api answers on api.ecr.<region>.amazonaws.com, and\n"
			"registries are <account>.dkr.ecr.<region>.amazonaws.com.",
			"Name the zone api.ecr.eu-west-1.amazonaws.com and give dkr.ecr a `*` alias too.",
		},
		.findings = { { "HNS112", false, "zones named after the DNS names, with the dkr.ecr wildcard" } },
		.design = hns_lab_ecr_service_vs_dns_name,
	},
	{
		.name = "execute-api-private-dns",
		.title = "execute-api private DNS that captures public APIs",
		.minutes = 15,
		.teaches = "execute-api private DNS covers *.execute-api: every API, public ones too",
		.story = "Since the execute-api endpoint was added for our private API, calls from the\n"
			 "apps VPC to a partner's public API Gateway API fail with HTTP 403.  From a\n"
			 "laptop the partner API works.\n",
		.hints = {
			"Resolve p4rtn3r9zz.execute-api.eu-west-1.amazonaws.com from vpc:apps: whose\n"
			"addresses come back?",
			"Private DNS for execute-api answers execute-api.<region>.amazonaws.com and\n"
			"*.execute-api.<region>.amazonaws.com in the VPC; the endpoint refuses public APIs.",
			"Turn private DNS off and give only your private API's name\n"
			"(a1b2c3d4e5.execute-api...) a private zone aliased to the endpoint.",
		},
		.findings = { { "HNS113", false, "public APIs still resolve publicly from the VPC" } },
		.design = hns_lab_execute_api_private_dns,
	},
	{
		.name = "s3-gateway-from-onprem",
		.title = "expecting on-prem to use an S3 gateway endpoint",
		.minutes = 20,
		.teaches = "gateway endpoints are routes, not DNS, and only for the VPC; S3 interface endpoints",
		.story = "The storage team wants on-prem backups to reach S3 over the VPN.  On-prem DNS\n"
			 "forwards s3.eu-west-1.amazonaws.com to the inbound endpoint of the VPC with the\n"
			 "S3 gateway endpoint, yet the backup servers still get public S3 addresses.\n",
		.hints = {
			"Trace my-bucket.s3.eu-west-1.amazonaws.com from on-prem: which answer comes\n"
			"back, and from where?",
			"Gateway endpoints change route tables, never DNS, and cannot be used from\n"
			"outside their VPC.",
			"Add an S3 interface endpoint with private DNS only for inbound endpoints; the\n"
			"VPC keeps the free gateway endpoint (scenarios/s3-gateway-vs-interface.yaml).",
		},
		.findings = { { "HNS114", false, "no gateway endpoint expected from on-prem" } },
		.design = hns_lab_s3_gateway_from_onprem,
	},
	{
		.name = "dot-forwarded-to-onprem",
		.title = "a \".\" rule that sends AWS service names to on-prem",
		.minutes = 15,
		.teaches = "forwarding \".\" needs a SYSTEM rule for the AWS names; rule precedence",
		.story = "Security centralised DNS: a \".\" rule sends every query of the apps VPC to the\n"
			 "data centre, whose resolvers refuse internet recursion for AWS sources.  Now\n"
			 "S3 uploads fail with \"could not resolve host\"; corp names still work.\n",
		.hints = {
			"Trace my-bucket.s3.eu-west-1.amazonaws.com from vpc:apps: which rule matches?",
			"The most specific rule wins; a SYSTEM rule makes the VPC resolver answer a\n"
			"domain itself, under a broader FORWARD rule.",
			"Add a SYSTEM rule for amazonaws.com associated with apps (the on-prem resolvers\n"
			"must keep refusing).",
		},
		.findings = { { "HNS108", false, "AWS service names are not forwarded to on-prem" } },
		.design = hns_lab_dot_forwarded_to_onprem,
	},
	{
		.name = "forwarding-loop",
		.title = "a forwarding loop between on-prem and AWS",
		.minutes = 20,
		.teaches = "inbound + outbound endpoints can loop; AWS does not detect it; breaking loops",
		.story = "api.aws.corp.example.com (10.80.1.50, hosted in AWS) times out from on-prem\n"
			 "after two seconds, and the Resolver query logs show the same question over and\n"
			 "over.  app.corp.example.com, hosted on-prem, works.\n",
		.hints = {
			"Trace api.aws.corp.example.com from on-prem and name every hop until it comes\n"
			"back to dc1-dns.",
			"The inbound endpoint resolves in the core VPC's view, where the rule for\n"
			"corp.example.com sends the name back to on-prem.  AWS does not detect loops.",
			"Host aws.corp.example.com in AWS: a private hosted zone of that name associated\n"
			"with core is more specific than the corp rule.",
		},
		.findings = { { "HNS105", false, "no forwarding loop through the endpoints" } },
		.design = hns_lab_forwarding_loop,
	},
	{
		.name = "single-az-inbound",
		.title = "an inbound endpoint with both IP addresses in one Availability Zone",
		.minutes = 15,
		.teaches = "Resolver endpoint high availability: IPs in two AZs, and on-prem forwards to them",
		.story = "During an eu-west-1a impairment every on-prem lookup of the private API failed\n"
			 "with SERVFAIL, although the API's own endpoint still had an ENI in eu-west-1b.\n"
			 "\"We have two inbound IPs, we are highly available\", says the design.\n",
		.hints = {
			"In which Availability Zones are the subnets of the inbound endpoint's IPs?",
			"AWS recommends resolver endpoint IPs in at least two AZs; an AZ failure takes\n"
			"every ENI in it down.",
			"Add an inbound IP in private-b (eu-west-1b) and add it to dc1-dns's forward list\n"
			"(keep the existing subnet names: the goals use them).",
		},
		.findings = { { "HNS117", false, "inbound endpoint IPs in more than one AZ" } },
		.design = hns_lab_single_az_inbound,
	},
	{
		.name = "forwarder-timeout-vs-rtt",
		.title = "an on-prem forwarder timeout shorter than the VPN round trip",
		.minutes = 15,
		.teaches = "forwarder timeouts against the tunnel round trip; attempts x timeout",
		.story = "The Sydney office reaches AWS over a long VPN (about 300 ms each way).  Every\n"
			 "lookup of billing.aws.example.com from on-prem fails with SERVFAIL after half\n"
			 "a second, yet the inbound endpoint's query log shows it answered each one.\n",
		.hints = {
			"Trace billing.aws.example.com from on-prem: when does dc1-dns give up, and when\n"
			"does the answer arrive?",
			"A try must wait at least the round trip (twice the one-way latency, plus jitter\n"
			"and the AWS side's time) before the forwarder moves on or fails.",
			"Raise timeout_ms on the forward entry above the round trip (1000 ms or more).",
		},
		.findings = { { "HNS121", false, "forwarder timeout above the VPN round trip" } },
		.design = hns_lab_forwarder_timeout_vs_rtt,
	},
};

const size_t lab_catalog_n = sizeof(lab_catalog) / sizeof(lab_catalog[0]);

const struct lab *
lab_find(const char *name)
{
	for (size_t i = 0; i < lab_catalog_n; i++) {
		if (strcmp(lab_catalog[i].name, name) == 0)
			return &lab_catalog[i];
	}
	return NULL;
}

size_t
lab_hint_count(const struct lab *l)
{
	size_t n = 0;

	while (n < LAB_MAX_HINTS && l->hints[n] != NULL)
		n++;
	return n;
}
