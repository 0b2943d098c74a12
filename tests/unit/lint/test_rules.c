/*
 * tests/unit/lint/test_rules.c -- one test per lint rule: the correct base
 * design tests/lint/hybrid.yaml, edited by one or two string replacements,
 * must give the rule's ID with its severity on the line of an anchor text;
 * a near-identical edit (or the base itself) must not give it.  Then the
 * shipped scenarios (no errors), the labs (each gives the finding it is
 * about), suppression comments and locations.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint/lint.h"
#include "model/model.h"

#define BASE LINT_TEST_DIR "/hybrid.yaml"

struct edit {
	const char *from, *to;
};

struct rule_case {
	const char *id;
	enum lint_severity severity;
	struct edit bad[3];  /* edits that make the rule fire */
	const char *anchor;  /* the finding is on the first line holding this (after the edits) */
	struct edit good[3]; /* a near miss: must not fire (none: the base) */
};

/* ---------------------------------------------------------------- helpers */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Replace the one occurrence of e->from (it must occur exactly once). */
static char *
apply(char *text, const struct edit *e)
{
	char *at = strstr(text, e->from);
	if (at == NULL || strstr(at + 1, e->from) != NULL)
		fail_msg("edit '%s' does not match exactly once", e->from);
	size_t fl = strlen(e->from), tl = strlen(e->to), n = strlen(text);
	char *out = malloc(n - fl + tl + 1);
	assert_non_null(out);
	memcpy(out, text, (size_t)(at - text));
	memcpy(out + (at - text), e->to, tl);
	memcpy(out + (at - text) + tl, at + fl, n - (size_t)(at - text) - fl + 1);
	free(text);
	return out;
}

static char *
edited(const struct edit *edits)
{
	char *text = slurp(BASE);
	for (size_t i = 0; i < 3 && edits[i].from; i++)
		text = apply(text, &edits[i]);
	return text;
}

static uint32_t
line_of(const char *text, const char *anchor)
{
	const char *at = strstr(text, anchor);
	if (at == NULL)
		fail_msg("anchor '%s' not found", anchor);
	uint32_t line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static struct model *
load(const char *name, const char *text)
{
	struct model *m = NULL;
	struct model_errors errs;
	model_errors_init(&errs);
	int rc = model_load_buffer(name, text, strlen(text), &m, &errs);
	if (rc != 0) {
		model_errors_print(&errs, stderr);
		fail_msg("%s does not load", name);
	}
	model_errors_deinit(&errs);
	return m;
}

static void
lint(const char *name, const char *text, struct model **m, struct lint_findings *f)
{
	*m = load(name, text);
	assert_int_equal(lint_run(*m, text, strlen(text), f), 0);
}

static const struct lint_finding *
find(const struct lint_findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].id, id) == 0)
			return &f->v[i];
	return NULL;
}

static void
dump(const struct lint_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		fprintf(stderr, "  %u:%u %s %s %s\n", f->v[i].loc.line, f->v[i].loc.col, f->v[i].id,
			f->v[i].path, f->v[i].message);
}

/* ----------------------------------------------------------- the table */

#define TXT200 "\"" \
	"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789" \
	"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789" \
	"\""

/* The hub VPC of hybrid.yaml, and dual-stack (for the IPv6 rules). */
#define HUB_V4 "    cidr: 10.0.0.0/16\n    subnets:\n      a: {az: eu-west-1a, cidr: 10.0.1.0/24}\n" \
	       "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n"
#define HUB_V6 "    cidr: 10.0.0.0/16\n    ipv6_cidr: \"2600:1f18:6b:a100::/56\"\n    subnets:\n" \
	       "      a: {az: eu-west-1a, cidr: 10.0.1.0/24, ipv6_cidr: \"2600:1f18:6b:a101::/64\"}\n" \
	       "      b: {az: eu-west-1b, cidr: 10.0.2.0/24, ipv6_cidr: \"2600:1f18:6b:a102::/64\"}\n"

static const struct rule_case cases[] = {
	{ "HNS101", LINT_ERROR,
	  { { "to: [10.0.1.10, 10.0.2.10]\n          timeout_ms: 1000\n        - zone: ssm",
	      "to: [10.0.0.2, 10.0.2.10]\n          timeout_ms: 1000\n        - zone: ssm" } },
	  "to: [10.0.0.2", { { NULL, NULL } } },
	{ "HNS102", LINT_ERROR,
	  { { "targets: [192.168.10.53, 192.168.10.54]", "targets: [192.168.10.53, 10.0.1.11]" } },
	  "targets: [192.168.10.53, 10.0.1.11]",
	  { { "targets: [192.168.10.53, 192.168.10.54]", "targets: [192.168.10.53, 10.0.1.10]" } } },
	{ "HNS103", LINT_ERROR,
	  { { "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub, spoke]",
	      "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [spoke]" } },
	  "- zone: ssm.eu-west-1.amazonaws.com", { { NULL, NULL } } },
	{ "HNS104", LINT_WARNING,
	  { { "        - zone: ssm.eu-west-1.amazonaws.com\n",
	      "        - zone: nothing.example.org\n          to: [10.0.1.10, 10.0.2.10]\n"
	      "        - zone: ssm.eu-west-1.amazonaws.com\n" } },
	  "- zone: nothing.example.org",
	  { { "        - zone: ssm.eu-west-1.amazonaws.com\n",
	      "        - zone: nothing.example.org\n          to: [192.168.10.54]\n"
	      "        - zone: ssm.eu-west-1.amazonaws.com\n" } } },
	{ "HNS105", LINT_ERROR,
	  { { "  aws.corp.internal:\n    vpcs: [hub, spoke]", "  aws.corp.internal:\n    vpcs: [spoke]" } },
	  "- zone: aws.corp.internal",
	  { { "  aws.corp.internal:\n    vpcs: [hub, spoke]", "  aws.corp.internal:\n    vpcs: [hub]" } } },
	{ "HNS106", LINT_WARNING,
	  { { "domain: corp.internal", "domain: aws.corp.internal" } },
	  "      vpcs: [hub, spoke]",
	  { { "domain: corp.internal", "domain: sub.aws.corp.internal" } } },
	{ "HNS107", LINT_WARNING,
	  { { "      @  60 A 52.95.0.20\n", "      @  60 A 52.95.0.20\n      x  60 A 52.95.0.21\n" } },
	  "  ssm.eu-west-1.amazonaws.com:",
	  { { "    records: |\n      @  ALIAS endpoint:ssm\n",
	      "    records: |\n      @  ALIAS endpoint:ssm\n      *  ALIAS endpoint:ssm\n" },
	    { "      @  60 A 52.95.0.20\n", "      @  60 A 52.95.0.20\n      x  60 A 52.95.0.21\n" } } },
	{ "HNS108", LINT_ERROR,
	  { { "domain: corp.internal", "domain: \".\"" } },
	  "domain: \".\"",
	  { { "domain: corp.internal", "domain: \".\"" },
	    { "  rules:\n", "  rules:\n    aws:\n      domain: amazonaws.com\n      type: system\n"
			    "      vpcs: [hub, spoke]\n" } } },
	{ "HNS109", LINT_WARNING,
	  { { "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub, spoke]",
	      "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub]" } },
	  "private_dns: false", { { NULL, NULL } } },
	{ "HNS110", LINT_ERROR,
	  { { "private_dns: false", "private_dns: true" } },
	  "private_dns: true",
	  { { "private_dns: false", "private_dns: true" },
	    { "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub, spoke]",
	      "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [spoke]" } } },
	{ "HNS111", LINT_WARNING,
	  { { "private_dns: false", "private_dns: true" },
	    { "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub, spoke]",
	      "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub]" } },
	  "  - name: ssm from the spoke",
	  { { "private_dns: false", "private_dns: true" },
	    { "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [hub, spoke]",
	      "  ssm.eu-west-1.amazonaws.com:\n    vpcs: [spoke]" } } },
	{ "HNS112", LINT_ERROR,
	  { { "  aws.corp.internal:\n", "  ecr.api.eu-west-1.amazonaws.com:\n    vpcs: [hub]\n"
				     "    records: |\n      @  A  10.0.1.99\n  aws.corp.internal:\n" } },
	  "  ecr.api.eu-west-1.amazonaws.com:",
	  { { "  aws.corp.internal:\n", "  api.ecr.eu-west-1.amazonaws.com:\n    vpcs: [hub]\n"
				     "    records: |\n      @  A  10.0.1.99\n  aws.corp.internal:\n" } } },
	{ "HNS113", LINT_WARNING,
	  { { "service: com.amazonaws.eu-west-1.ssm\n    vpc: hub\n    private_dns: false",
	      "service: com.amazonaws.eu-west-1.execute-api\n    vpc: hub\n    private_dns: true" } },
	  "private_dns: true",
	  { { "service: com.amazonaws.eu-west-1.ssm\n    vpc: hub\n    private_dns: false",
	      "service: com.amazonaws.eu-west-1.execute-api\n    vpc: hub\n    private_dns: false" } } },
	{ "HNS114", LINT_ERROR,
	  { { "hosted_zones:\n", "  s3gw:\n    type: gateway\n    service: com.amazonaws.eu-west-1.s3\n"
			       "    vpc: hub\nhosted_zones:\n" },
	    { "load:\n", "  - name: s3 private from on-prem\n    from: onprem\n"
			 "    query: bucket.s3.eu-west-1.amazonaws.com A\n    answer: private\nload:\n" } },
	  "  - name: s3 private from on-prem",
	  { { "hosted_zones:\n", "  s3gw:\n    type: gateway\n    service: com.amazonaws.eu-west-1.s3\n"
			       "    vpc: hub\nhosted_zones:\n" },
	    { "load:\n", "  - name: s3 private from on-prem\n    from: onprem\n"
			 "    query: bucket.s3.eu-west-1.amazonaws.com A\n    answer: public\nload:\n" } } },
	{ "HNS115", LINT_WARNING,
	  { { "hosted_zones:\n",
	      "  s3gw:\n    type: gateway\n    service: com.amazonaws.eu-west-1.s3\n    vpc: hub\n"
	      "    subnets: [a]\n  s3if:\n    type: interface\n    service: com.amazonaws.eu-west-1.s3\n"
	      "    vpc: hub\n    private_dns: true\n    private_dns_only_for_inbound: true\n"
	      "    enis: {a: 10.0.1.40, b: 10.0.2.40}\nhosted_zones:\n" } },
	  "private_dns_only_for_inbound: true",
	  { { "hosted_zones:\n",
	      "  s3gw:\n    type: gateway\n    service: com.amazonaws.eu-west-1.s3\n    vpc: hub\n"
	      "    subnets: [a, b]\n  s3if:\n    type: interface\n    service: com.amazonaws.eu-west-1.s3\n"
	      "    vpc: hub\n    private_dns: true\n    private_dns_only_for_inbound: true\n"
	      "    enis: {a: 10.0.1.40, b: 10.0.2.40}\nhosted_zones:\n" } } },
	{ "HNS116", LINT_WARNING,
	  { { "      address: 192.168.10.54\n      forward:\n        - zone: aws.corp.internal\n"
	      "          to: [10.0.1.10, 10.0.2.10]",
	      "      address: 192.168.10.54\n      forward:\n        - zone: aws.corp.internal\n"
	      "          to: [10.0.1.10, 192.168.10.53]" } },
	  "to: [10.0.1.10, 192.168.10.53]", { { NULL, NULL } } },
	{ "HNS117", LINT_WARNING,
	  { { "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n",
	      "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n      c: {az: eu-west-1a, cidr: 10.0.3.0/24}\n" },
	    { "ips: {a: 10.0.1.11, b: 10.0.2.11}", "ips: {a: 10.0.1.11, c: 10.0.3.11}" } },
	  "ips: {a: 10.0.1.11, c: 10.0.3.11}",
	  { { "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n",
	      "      b: {az: eu-west-1b, cidr: 10.0.2.0/24}\n      c: {az: eu-west-1a, cidr: 10.0.3.0/24}\n" } } },
	{ "HNS118", LINT_WARNING,
	  { { "targets: [192.168.10.53, 192.168.10.54]", "targets: [192.168.10.53]" } },
	  "targets: [192.168.10.53]", { { NULL, NULL } } },
	{ "HNS119", LINT_WARNING,
	  { { "      ips: {a: 10.0.1.10, b: 10.0.2.10}\n", "      ips: {a: 10.0.1.10, b: 10.0.2.10}\n      conntrack: true\n" } },
	  "qps: 2000",
	  { { "      ips: {a: 10.0.1.10, b: 10.0.2.10}\n", "      ips: {a: 10.0.1.10, b: 10.0.2.10}\n      conntrack: true\n" },
	    { "qps: 2000", "qps: 1400" } } },
	{ "HNS120", LINT_WARNING,
	  { { "    from: onprem\n    qps: 2000", "    from: vpc:spoke\n    qps: 2000" } },
	  "qps: 2000",
	  { { "    from: onprem\n    qps: 2000", "    from: vpc:spoke\n    qps: 1000" } } },
	{ "HNS121", LINT_WARNING,
	  { { "timeout_ms: 1000\n        - zone: ssm", "timeout_ms: 20\n        - zone: ssm" } },
	  "timeout_ms: 20",
	  { { "timeout_ms: 1000\n        - zone: ssm", "timeout_ms: 100\n        - zone: ssm" } } },
	{ "HNS122", LINT_WARNING,
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      big  TXT " TXT200 " " TXT200 " " TXT200 "\n" },
	    { "tunnel1: {latency_ms: 12, jitter_ms: 2}", "tunnel1: {latency_ms: 12, jitter_ms: 2, mtu: 600}" } },
	  "      big  TXT",
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      big  TXT " TXT200 " " TXT200 " " TXT200 "\n" } } },
	{ "HNS123", LINT_INFO,
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      @  86400 SOA ns-2048.awsdns-64.net. "
				       "hostmaster.aws.corp.internal. 1 7200 900 1209600 86400\n" } },
	  " SOA ns-2048",
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      @  86400 SOA ns-2048.awsdns-64.net. "
				       "hostmaster.aws.corp.internal. 1 7200 900 1209600 300\n" } } },
	{ "HNS124", LINT_ERROR,
	  { { "peerings:\n", "  far:\n    cidr: 10.2.0.0/16\n    region: us-east-1\n    subnets:\n"
			   "      f: {az: us-east-1a, cidr: 10.2.1.0/24}\npeerings:\n" },
	    { "targets: [192.168.10.53, 192.168.10.54]\n      vpcs: [hub, spoke]",
	      "targets: [192.168.10.53, 192.168.10.54]\n      vpcs: [hub, spoke, far]" } },
	  "vpcs: [hub, spoke, far]",
	  { { "peerings:\n", "  far:\n    cidr: 10.2.0.0/16\n    region: us-east-1\n    subnets:\n"
			   "      f: {az: us-east-1a, cidr: 10.2.1.0/24}\npeerings:\n" } } },
	{ "HNS125", LINT_ERROR,
	  { { "    cidr: 10.1.0.0/16", "    cidr: 10.0.0.0/16" },
	    { "s: {az: eu-west-1a, cidr: 10.1.1.0/24}", "s: {az: eu-west-1a, cidr: 10.0.3.0/24}" } },
	  "  - [hub, spoke]",
	  { { "    cidr: 10.1.0.0/16", "    cidr: 10.1.0.0/17" } } },
	{ "HNS126", LINT_WARNING,
	  { { "cidr: 10.1.0.0/16\n    subnets:\n      s: {az: eu-west-1a, cidr: 10.1.1.0/24}",
	      "cidr: 192.168.128.0/17\n    subnets:\n      s: {az: eu-west-1a, cidr: 192.168.129.0/24}" } },
	  "cidr: 192.168.128.0/17",
	  { { "cidr: 10.1.0.0/16\n    subnets:\n      s: {az: eu-west-1a, cidr: 10.1.1.0/24}",
	      "cidr: 172.16.128.0/17\n    subnets:\n      s: {az: eu-west-1a, cidr: 172.16.129.0/24}" } } },
	{ "HNS127", LINT_ERROR,
	  { { "service: com.amazonaws.eu-west-1.ssm", "service: com.amazonaws.us-east-1.ssm" } },
	  "service: com.amazonaws.us-east-1.ssm", { { NULL, NULL } } },
	{ "HNS128", LINT_ERROR,
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      www  CNAME api\n      www  TXT \"x\"\n" } },
	  "www  CNAME",
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      www  CNAME api\n" } } },
	{ "HNS129", LINT_WARNING,
	  { { "hosted_zones:\n", "  sts:\n    type: interface\n    service: com.amazonaws.eu-west-1.sts\n"
			       "    vpc: hub\n    enis: {a: 10.0.1.31, b: 10.0.2.31}\nhosted_zones:\n" },
	    { "load:\n", "  - name: global sts\n    from: vpc:hub\n    query: sts.amazonaws.com A\n"
			 "    answer: endpoint:sts\nload:\n" } },
	  "  - name: global sts",
	  { { "hosted_zones:\n", "  sts:\n    type: interface\n    service: com.amazonaws.eu-west-1.sts\n"
			       "    vpc: hub\n    enis: {a: 10.0.1.31, b: 10.0.2.31}\nhosted_zones:\n" },
	    { "load:\n", "  - name: global sts\n    from: vpc:hub\n    query: sts.eu-west-1.amazonaws.com A\n"
			 "    answer: endpoint:sts\nload:\n" } } },
	{ "HNS130", LINT_ERROR,
	  { { "targets: [192.168.10.53, 192.168.10.54]\n      vpcs: [hub, spoke]",
	      "targets: [192.168.10.53, 192.168.10.54]\n      vpcs: [hub]" } },
	  "  - name: corp from the spoke", { { NULL, NULL } } },
	{ "HNS131", LINT_WARNING,
	  { { "targets: [192.168.10.53, 192.168.10.54]", "targets: [192.168.10.53]  # hybridns: ignore HNS118" } },
	  "# hybridns: ignore",
	  { { "targets: [192.168.10.53, 192.168.10.54]",
	      "targets: [192.168.10.53]  # hybridns: ignore HNS118 one resolver in this test" } } },
	{ "HNS140", LINT_WARNING,
	  { { "service: com.amazonaws.eu-west-1.ssm", "service: com.amazonaws.eu-west-1.ssm-foo" } },
	  "service: com.amazonaws.eu-west-1.ssm-foo",
	  { { "service: com.amazonaws.eu-west-1.ssm", "service: com.amazonaws.eu-west-1.ssmmessages" } } },
	{ "HNS141", LINT_ERROR,
	  { { "    service: com.amazonaws.eu-west-1.ssm\n",
	      "    service: com.amazonaws.us-east-1.ssm\n    service_region: us-east-1\n" } },
	  "service_region: us-east-1",
	  { { "    service: com.amazonaws.eu-west-1.ssm\n",
	      "    service: com.amazonaws.us-east-1.kms\n    service_region: us-east-1\n" } } },
	{ "HNS145", LINT_ERROR,
	  { { "    answer: endpoint:ssm\n", "    answer: endpoint:ssm\n    ttl: 300\n" } },
	  "    ttl: 300",
	  { { "    answer: endpoint:ssm\n", "    answer: endpoint:ssm\n    ttl: 60\n    ttl_max: 60\n" } } },
	{ "HNS155", LINT_ERROR,
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      *.lab  NS  ns1.corp.example.com.\n" } },
	  "*.lab  NS",
	  { { "      api  A  10.0.1.50\n", "      api  A  10.0.1.50\n      lab  NS  ns1.corp.example.com.\n" } } },
	{ "HNS170", LINT_ERROR,
	  { { "      s: {az: eu-west-1a, cidr: 10.1.1.0/24}\n",
	      "      s: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"
	      "    dhcp_options: {domain_name_servers: [10.0.0.2]}\n" } },
	  "dhcp_options",
	  { { "      s: {az: eu-west-1a, cidr: 10.1.1.0/24}\n",
	      "      s: {az: eu-west-1a, cidr: 10.1.1.0/24}\n"
	      "    dhcp_options: {domain_name_servers: [AmazonProvidedDNS]}\n" } } },
	{ "HNS171", LINT_ERROR,
	  { { "vpn:\n", "    ad:\n      vpc: spoke\n      address: 10.1.1.50\n"
			 "      default: [10.0.0.2]\nvpn:\n" } },
	  "default: [10.0.0.2]",
	  { { "vpn:\n", "    ad:\n      vpc: spoke\n      address: 10.1.1.50\n"
			 "      default: [10.1.0.2]\nvpn:\n" } } },
	{ "HNS172", LINT_WARNING,
	  { { "vpn:\n", "    ad:\n      vpc: hub\n      address: 10.0.1.60\n"
			 "      default: [10.0.0.2]\nvpn:\n" },
	    { "    from: onprem\n    qps: 2000", "    from: onprem:ad\n    qps: 2000" } },
	  "qps: 2000",
	  { { "vpn:\n", "    ad:\n      vpc: hub\n      address: 10.0.1.60\n"
			 "      default: [10.0.0.2]\nvpn:\n" },
	    { "    from: onprem\n    qps: 2000", "    from: onprem:ad\n    qps: 1000" } } },
	{ "HNS175", LINT_ERROR,
	  { { "    private_dns: false\n", "    private_dns: false\n    dns_record_ip_type: ipv6\n" } },
	  "dns_record_ip_type: ipv6",
	  { { "    private_dns: false\n", "    private_dns: false\n    dns_record_ip_type: ipv4\n" } } },
	{ "HNS176", LINT_ERROR,
	  { { "query: ssm.eu-west-1.amazonaws.com A\n", "query: ssm.eu-west-1.amazonaws.com AAAA\n" } },
	  "  - name: ssm from the spoke",
	  { { HUB_V4, HUB_V6 },
	    { "    private_dns: false\n", "    private_dns: false\n    ip_address_type: dualstack\n" },
	    { "query: ssm.eu-west-1.amazonaws.com A\n", "query: ssm.eu-west-1.amazonaws.com AAAA\n" } } },
	{ "HNS177", LINT_WARNING,
	  { { HUB_V4, HUB_V6 },
	    { "ips: {a: 10.0.1.10, b: 10.0.2.10}", "ip_address_type: dualstack\n      ips: {a: 10.0.1.10, b: 10.0.2.10}" },
	    { "ssm.eu-west-1.amazonaws.com\n          to: [10.0.1.10, 10.0.2.10]",
	      "ssm.eu-west-1.amazonaws.com\n          to: [10.0.1.10, \"2600:1f18:6b:a101::10\", 10.0.2.10]" } },
	  "2600:1f18:6b:a101::10\", 10.0.2.10]",
	  { { HUB_V4, HUB_V6 },
	    { "ips: {a: 10.0.1.10, b: 10.0.2.10}", "ip_address_type: dualstack\n      ips: {a: 10.0.1.10, b: 10.0.2.10}" },
	    { "ssm.eu-west-1.amazonaws.com\n          to: [10.0.1.10, 10.0.2.10]",
	      "ssm.eu-west-1.amazonaws.com\n          to: [\"2600:1f18:6b:a101::10\", \"2600:1f18:6b:a102::10\"]" } } },
	/* accounts, DNS Firewall, Route 53 Profiles (lint/rules_accounts.c) */
	{ "HNS180", LINT_INFO,
	  { { "      vpcs: [hub, spoke]\nonprem:", "      vpcs: [hub, spoke]\n      shared_with: [\"444455556666\"]\nonprem:" } },
	  "shared_with: [\"444455556666\"]",
	  { { "      vpcs: [hub, spoke]\nonprem:", "      vpcs: [hub, spoke]\n      shared_with: [\"444455556666\"]\nonprem:" },
	    { "  spoke:\n    cidr: 10.1.0.0/16", "  spoke:\n    account: \"444455556666\"\n    cidr: 10.1.0.0/16" } } },
	{ "HNS181", LINT_WARNING,
	  { { "resolver:\n  endpoints:\n", "firewall:\n  g:\n    rules:\n      - {name: a, priority: 1, domains: [\"*.example\"], action: block}\n"
	      "      - {name: b, priority: 2, domains: [x.example], action: alert}\n    vpcs: {hub: 100}\n"
	      "resolver:\n  endpoints:\n" } },
	  "{name: b,",
	  { { "resolver:\n  endpoints:\n", "firewall:\n  g:\n    rules:\n      - {name: a, priority: 1, domains: [\"*.example\"], action: block}\n"
	      "      - {name: b, priority: 2, domains: [example], action: alert}\n    vpcs: {hub: 100}\n"
	      "resolver:\n  endpoints:\n" } } },
	{ "HNS182", LINT_INFO,
	  { { "hosted_zones:\n", "hosted_zones:\n  corp.internal:\n    vpcs: []\n    records: |\n      x  A  10.0.9.9\n" },
	    { "resolver:\n  endpoints:\n", "profiles:\n  p:\n    hosted_zones: [corp.internal]\n    vpcs: [hub]\n"
	      "resolver:\n  endpoints:\n" } },
	  "    hosted_zones: [corp.internal]",
	  { { "hosted_zones:\n", "hosted_zones:\n  other.internal:\n    vpcs: []\n    records: |\n      x  A  10.0.9.9\n" },
	    { "resolver:\n  endpoints:\n", "profiles:\n  p:\n    hosted_zones: [other.internal]\n    vpcs: [hub]\n"
	      "resolver:\n  endpoints:\n" } } },
};

static void
run_case(void **state)
{
	const struct rule_case *rc = *state;
	struct model *m;
	struct lint_findings f;

	/* It fires, with its severity, on the anchor's line. */
	char *bad = edited(rc->bad);
	lint("bad.yaml", bad, &m, &f);
	const struct lint_finding *x = find(&f, rc->id);
	if (x == NULL) {
		dump(&f);
		fail_msg("%s: not reported", rc->id);
	}
	uint32_t want = line_of(bad, rc->anchor);
	bool on_line = false;
	for (size_t i = 0; i < f.n; i++)
		on_line = on_line || (strcmp(f.v[i].id, rc->id) == 0 && f.v[i].loc.line == want);
	if (!on_line) {
		dump(&f);
		fail_msg("%s: not on line %u", rc->id, want);
	}
	assert_int_equal(x->severity, rc->severity);
	assert_true(x->loc.col > 0);
	assert_non_null(x->message);
	assert_true(strlen(x->message) > 20 && strlen(x->fix) > 10);
	assert_non_null(lint_rule_find(rc->id));
	lint_findings_deinit(&f);
	model_free(m);
	free(bad);

	/* The near miss does not. */
	char *good = edited(rc->good);
	lint("good.yaml", good, &m, &f);
	if (find(&f, rc->id) != NULL) {
		dump(&f);
		fail_msg("%s: reported for the near miss", rc->id);
	}
	lint_findings_deinit(&f);
	model_free(m);
	free(good);
}

/* ------------------------------------------------------------ the rest */

static void
test_base_is_clean(void **state)
{
	(void)state;
	struct model *m;
	struct lint_findings f;
	char *text = slurp(BASE);
	lint("hybrid.yaml", text, &m, &f);
	if (f.n)
		dump(&f);
	assert_int_equal(f.n, 0);
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
}

static void
test_every_rule_has_a_case(void **state)
{
	(void)state;
	assert_int_equal(lint_rule_count(), sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < lint_rule_count(); i++) {
		const struct lint_rule *r = lint_rule_at(i);
		assert_string_equal(r->id, cases[i].id);
		assert_int_equal(r->severity, cases[i].severity);
		assert_true(strlen(r->title) > 10);
		assert_true(strncmp(r->source, "https://", 8) == 0 ||
			    strncmp(r->source, "docs/", 5) == 0);
	}
}

static void
test_suppressed_with_reason(void **state)
{
	(void)state;
	struct model *m;
	struct lint_findings f;
	struct edit e[3] = { { "targets: [192.168.10.53, 192.168.10.54]",
			       "targets: [192.168.10.53]  # hybridns: ignore HNS118 the lab has one resolver" } };
	char *text = edited(e);
	lint("s.yaml", text, &m, &f);
	const struct lint_finding *x = find(&f, "HNS118");
	assert_non_null(x);
	assert_true(x->suppressed);
	assert_string_equal(x->reason, "the lab has one resolver");
	assert_null(find(&f, "HNS131"));
	lint_findings_deinit(&f);
	model_free(m);
	free(text);

	/* Without the source text nothing is suppressed. */
	text = edited(e);
	m = load("s.yaml", text);
	assert_int_equal(lint_run(m, NULL, 0, &f), 0);
	x = find(&f, "HNS118");
	assert_non_null(x);
	assert_false(x->suppressed);
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
}

static void
test_unknown_rule_in_ignore(void **state)
{
	(void)state;
	struct model *m;
	struct lint_findings f;
	struct edit e[3] = { { "targets: [192.168.10.53, 192.168.10.54]",
			       "targets: [192.168.10.53]  # hybridns: ignore HNS999 no such rule" } };
	char *text = edited(e);
	lint("s.yaml", text, &m, &f);
	assert_non_null(find(&f, "HNS131"));
	assert_false(find(&f, "HNS118")->suppressed);
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
}

/* The key path and column of a list item: the second target of a forward. */
static void
test_location_of_list_item(void **state)
{
	(void)state;
	struct model *m;
	struct lint_findings f;
	struct edit e[3] = { { "to: [10.0.1.10, 10.0.2.10]\n          timeout_ms: 1000\n        - zone: ssm",
			       "to: [10.0.1.10, 10.0.0.2]\n          timeout_ms: 1000\n        - zone: ssm" } };
	char *text = edited(e);
	lint("s.yaml", text, &m, &f);
	const struct lint_finding *x = find(&f, "HNS101");
	assert_non_null(x);
	assert_string_equal(x->path, "onprem.resolvers.dc1.forward.0.to.1");
	uint32_t line = line_of(text, "to: [10.0.1.10, 10.0.0.2]");
	assert_int_equal(x->loc.line, line);
	assert_int_equal(x->loc.col, strlen("          to: [10.0.1.10, ") + 1);
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
}

/* Sorted: errors first, then by line. */
static void
test_sorted_by_severity_then_line(void **state)
{
	(void)state;
	struct model *m;
	struct lint_findings f;
	struct edit e[3] = { { "targets: [192.168.10.53, 192.168.10.54]\n      vpcs: [hub, spoke]",
			       "targets: [192.168.10.53]\n      vpcs: [hub]" },
			     { "timeout_ms: 1000\n        - zone: ssm", "timeout_ms: 20\n        - zone: ssm" } };
	char *text = edited(e);
	lint("s.yaml", text, &m, &f);
	assert_true(f.n >= 3);
	for (size_t i = 1; i < f.n; i++) {
		assert_true(f.v[i - 1].severity >= f.v[i].severity);
		if (f.v[i - 1].severity == f.v[i].severity)
			assert_true(f.v[i - 1].loc.line <= f.v[i].loc.line);
	}
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
}

static void
lint_file(const char *path, struct model **m, struct lint_findings *f)
{
	char *text = slurp(path);
	lint(path, text, m, f);
	free(text);
}

static void
test_shipped_scenarios_have_no_errors(void **state)
{
	(void)state;
	static const char *const files[] = { "az-failover", "cross-region", "private-dns",
					     "s3-gateway-vs-interface", "shared-services" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		struct model *m;
		struct lint_findings f;
		snprintf(path, sizeof(path), "%s/scenarios/%s.yaml", HNS_SOURCE_ROOT, files[i]);
		lint_file(path, &m, &f);
		for (size_t k = 0; k < f.n; k++)
			if (f.v[k].severity == LINT_ERROR) {
				dump(&f);
				fail_msg("%s has an error finding", files[i]);
			}
		lint_findings_deinit(&f);
		model_free(m);
	}
}

static void
test_labs_give_their_findings(void **state)
{
	(void)state;
	static const struct {
		const char *lab, *id;
	} labs[] = {
		{ "forward-to-vpc-resolver", "HNS101" }, { "forwarding-loop", "HNS105" },
		{ "missing-rule-association", "HNS130" }, { "private-dns-from-peer", "HNS111" },
		{ "s3-gateway-from-onprem", "HNS114" },	  { "s3-gateway-from-onprem", "HNS104" },
	};
	for (size_t i = 0; i < sizeof(labs) / sizeof(labs[0]); i++) {
		char path[512];
		struct model *m;
		struct lint_findings f;
		snprintf(path, sizeof(path), "%s/scenarios/labs/%s.yaml", HNS_SOURCE_ROOT, labs[i].lab);
		lint_file(path, &m, &f);
		if (find(&f, labs[i].id) == NULL) {
			dump(&f);
			fail_msg("lab %s does not give %s", labs[i].lab, labs[i].id);
		}
		lint_findings_deinit(&f);
		model_free(m);
	}
}

/* HNS112's second form: a zone named after a wildcard service name without its `*` record. */
/* ------------------------------------------- what AWS refuses (issue 14) */

/* Lint the base with `edits`: a copy of finding `id`'s message, NULL when not reported. */
static char *
message_after(const struct edit *edits, const char *id)
{
	char *text = edited(edits);
	struct model *m;
	struct lint_findings f;
	lint("refused.yaml", text, &m, &f);
	const struct lint_finding *x = find(&f, id);
	char *msg = x ? strdup(x->message) : NULL;
	lint_findings_deinit(&f);
	model_free(m);
	free(text);
	return msg;
}

/* Route 53 refuses a CNAME at the zone apex (beside its SOA and NS). */
static void
test_hns128_cname_at_apex_refused(void **state)
{
	(void)state;
	struct edit apex[3] = { { "      api  A  10.0.1.50\n",
				  "      api  A  10.0.1.50\n      @  CNAME api.corp.internal.\n" } };
	char *msg = message_after(apex, "HNS128");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "zone apex"));
	free(msg);
	struct edit below[3] = { { "      api  A  10.0.1.50\n",
				   "      api  A  10.0.1.50\n      www  CNAME api.corp.internal.\n" } };
	assert_null(message_after(below, "HNS128"));
}

/* Private DNS beside a private zone of the same name: AWS refuses it, and lint says so. */
static void
test_hns110_says_aws_refuses_conflicting_domain(void **state)
{
	(void)state;
	struct edit on[3] = { { "private_dns: false", "private_dns: true" } };
	char *msg = message_after(on, "HNS110");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "conflicting DNS domain"));
	assert_non_null(strstr(msg, "ConflictingDomainExists"));
	free(msg);
}

/* A wildcard NS is Route 53's refusal: an on-prem server's zone is not flagged. */
static void
test_hns155_only_in_hosted_zones(void **state)
{
	(void)state;
	struct edit onprem[3] = { { "      zones:\n        corp.internal: |\n          app  A  192.168.20.15\n    dc2:",
				    "      zones:\n        corp.internal: |\n          app  A  192.168.20.15\n"
				    "          *.lab  NS  ns1.corp.internal.\n    dc2:" } };
	assert_null(message_after(onprem, "HNS155"));
	struct edit hosted[3] = { { "      api  A  10.0.1.50\n",
				    "      api  A  10.0.1.50\n      *  NS  ns1.corp.example.com.\n" } };
	char *msg = message_after(hosted, "HNS155");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "*.aws.corp.internal"));
	free(msg);
}

/* Peered VPCs with overlapping CIDRs: HNS125, and the model treats the peering as absent. */
static void
test_hns125_refused_peering_joins_nothing(void **state)
{
	(void)state;
	struct edit overlap[3] = {
		{ "    cidr: 10.1.0.0/16", "    cidr: 10.0.0.0/16" },
		{ "s: {az: eu-west-1a, cidr: 10.1.1.0/24}", "s: {az: eu-west-1a, cidr: 10.0.3.0/24}" },
	};
	char *msg = message_after(overlap, "HNS125");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "AWS refuses"));
	free(msg);
	char *text = edited(overlap);
	struct model *m = load("o.yaml", text);
	assert_false(model_peering_active(&m->peerings[0]));
	model_free(m);
	free(text);
}

static void
test_hns112_missing_wildcard(void **state)
{
	(void)state;
	static const char *const zone[2] = {
		"  execute-api.eu-west-1.amazonaws.com:\n    vpcs: [hub]\n    records: |\n"
		"      @  ALIAS endpoint:api\n",
		"  execute-api.eu-west-1.amazonaws.com:\n    vpcs: [hub]\n    records: |\n"
		"      @  ALIAS endpoint:api\n      *  ALIAS endpoint:api\n",
	};
	for (int with_star = 0; with_star < 2; with_star++) {
		struct edit e[3] = {
			{ "hosted_zones:\n",
			  "  api:\n    type: interface\n    service: com.amazonaws.eu-west-1.execute-api\n"
			  "    vpc: hub\n    private_dns: false\n    enis: {a: 10.0.1.25, b: 10.0.2.25}\n"
			  "hosted_zones:\n" },
			{ "  aws.corp.internal:\n", NULL },
		};
		char *to = malloc(strlen(zone[with_star]) + 32);
		assert_non_null(to);
		sprintf(to, "%s  aws.corp.internal:\n", zone[with_star]);
		e[1].to = to;
		char *text = edited(e);
		struct model *m;
		struct lint_findings f;
		lint("w.yaml", text, &m, &f);
		const struct lint_finding *x = find(&f, "HNS112");
		if (with_star) {
			assert_null(x);
		} else {
			assert_non_null(x);
			assert_int_equal(x->loc.line, line_of(text, "  execute-api.eu-west-1.amazonaws.com:"));
			assert_non_null(strstr(x->message, "*.execute-api.eu-west-1.amazonaws.com"));
		}
		lint_findings_deinit(&f);
		model_free(m);
		free(text);
		free(to);
	}
}

/* An inbound endpoint with one IP never reaches lint: the loader refuses it (exit 2). */
static void
test_single_inbound_ip_refused_by_loader(void **state)
{
	(void)state;
	struct edit e[3] = { { "ips: {a: 10.0.1.10, b: 10.0.2.10}", "ips: {a: 10.0.1.10}" } };
	char *text = edited(e);
	struct model *m = NULL;
	struct model_errors errs;
	model_errors_init(&errs);
	assert_int_not_equal(model_load_buffer("one.yaml", text, strlen(text), &m, &errs), 0);
	assert_null(m);
	assert_true(errs.n > 0);
	model_errors_deinit(&errs);
	free(text);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 16];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(run_case, (void *)&cases[i]);
		tests[n].name = cases[i].id;
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_base_is_clean);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_every_rule_has_a_case);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_suppressed_with_reason);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_unknown_rule_in_ignore);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_location_of_list_item);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_sorted_by_severity_then_line);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shipped_scenarios_have_no_errors);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_labs_give_their_findings);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_single_inbound_ip_refused_by_loader);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hns112_missing_wildcard);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hns128_cname_at_apex_refused);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hns110_says_aws_refuses_conflicting_domain);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hns155_only_in_hosted_zones);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hns125_refused_peering_joins_nothing);
	return _cmocka_run_group_tests("lint_rules", tests, n, NULL, NULL);
}
