#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>

#include "common/addr.h"
#include "common/error.h"

static void
test_parse_v4(void **state)
{
	struct hns_addr a;
	char buf[HNS_ADDR_STRLEN];

	assert_int_equal(hns_addr_parse("10.0.1.10", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(hns_addr_v4(&a), 0x0a00010a);
	assert_string_equal(hns_addr_str(&a, buf, sizeof(buf)), "10.0.1.10");
	assert_int_equal(hns_addr_parse("10.0.1", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse("10.0.1.256", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse("", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse("a.b.c.d", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse(NULL, &a), HNS_EADDR);
}

static void
test_parse_port(void **state)
{
	struct hns_addr a;
	char buf[HNS_ADDR_STRLEN];

	assert_int_equal(hns_addr_parse_port("127.0.0.1:5301", &a), 0);
	assert_int_equal(a.port, 5301);
	assert_string_equal(hns_addr_port_str(&a, buf, sizeof(buf)), "127.0.0.1:5301");
	assert_int_equal(hns_addr_parse_port("192.168.10.53", &a), 0);
	assert_int_equal(a.port, 0);
	assert_int_equal(hns_addr_parse_port("[::1]:53", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.port, 53);
	assert_string_equal(hns_addr_port_str(&a, buf, sizeof(buf)), "[::1]:53");
	assert_int_equal(hns_addr_parse_port("::1", &a), 0);
	assert_int_equal(a.port, 0);
	assert_int_equal(hns_addr_parse_port("1.2.3.4:0", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse_port("1.2.3.4:65536", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse_port("1.2.3.4:", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse_port("1.2.3.4:5x", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse_port("[::1]x", &a), HNS_EADDR);
	assert_int_equal(hns_addr_parse_port("[1.2.3.4]:53", &a), HNS_EADDR);
}

static void
test_cidr(void **state)
{
	struct hns_cidr vpc, sub, other;
	struct hns_addr a;
	char buf[64];

	assert_int_equal(hns_cidr_parse("10.0.0.0/16", &vpc), 0);
	assert_int_equal(hns_cidr_parse("10.0.1.0/24", &sub), 0);
	assert_int_equal(hns_cidr_parse("10.1.0.0/16", &other), 0);
	assert_string_equal(hns_cidr_str(&vpc, buf, sizeof(buf)), "10.0.0.0/16");
	assert_true(hns_cidr_within(&sub, &vpc));
	assert_false(hns_cidr_within(&vpc, &sub));
	assert_false(hns_cidr_within(&sub, &other));
	assert_true(hns_cidr_overlap(&sub, &vpc));
	assert_false(hns_cidr_overlap(&vpc, &other));
	hns_addr_parse("10.0.1.25", &a);
	assert_true(hns_cidr_contains(&sub, &a));
	hns_addr_parse("10.0.2.25", &a);
	assert_false(hns_cidr_contains(&sub, &a));
	assert_true(hns_cidr_contains(&vpc, &a));
	/* Host bits set beyond the prefix: a typo, not a network. */
	assert_int_equal(hns_cidr_parse("10.0.1.0/16", &vpc), HNS_EADDR);
	assert_int_equal(hns_cidr_parse("10.0.0.0/33", &vpc), HNS_EADDR);
	assert_int_equal(hns_cidr_parse("10.0.0.0", &vpc), HNS_EADDR);
	assert_int_equal(hns_cidr_parse("10.0.0.0/", &vpc), HNS_EADDR);
	assert_int_equal(hns_cidr_parse("0.0.0.0/0", &vpc), 0);
	assert_true(hns_cidr_contains(&vpc, &a));
	/* Odd prefixes compare the partial byte. */
	assert_int_equal(hns_cidr_parse("172.16.0.0/12", &vpc), 0);
	hns_addr_parse("172.31.255.1", &a);
	assert_true(hns_cidr_contains(&vpc, &a));
	hns_addr_parse("172.32.0.1", &a);
	assert_false(hns_cidr_contains(&vpc, &a));
	assert_int_equal(hns_cidr_parse("fd00::/8", &vpc), 0);
	hns_addr_parse("fd00::1", &a);
	assert_true(hns_cidr_contains(&vpc, &a));
	hns_addr_parse("10.0.0.1", &a);
	assert_false(hns_cidr_contains(&vpc, &a)); /* families differ */
}

static void
test_loopback(void **state)
{
	struct hns_addr a;

	hns_addr_parse("127.53.2.1", &a);
	assert_true(hns_addr_is_loopback(&a));
	hns_addr_parse("::1", &a);
	assert_true(hns_addr_is_loopback(&a));
	hns_addr_parse("10.0.1.10", &a);
	assert_false(hns_addr_is_loopback(&a));
	hns_addr_parse("128.0.0.1", &a);
	assert_false(hns_addr_is_loopback(&a));
	hns_addr_parse("::2", &a);
	assert_false(hns_addr_is_loopback(&a));
}

static void
test_sockaddr_roundtrip(void **state)
{
	struct hns_addr a, b;
	struct sockaddr_storage ss;

	hns_addr_parse_port("127.0.0.1:5300", &a);
	hns_addr_to_sockaddr(&a, &ss);
	assert_int_equal(hns_addr_from_sockaddr(&b, (struct sockaddr *)&ss), 0);
	assert_true(hns_addr_equal(&a, &b));
	assert_int_equal(b.port, 5300);
	hns_addr_parse_port("[::1]:99", &a);
	hns_addr_to_sockaddr(&a, &ss);
	assert_int_equal(hns_addr_from_sockaddr(&b, (struct sockaddr *)&ss), 0);
	assert_true(hns_addr_equal(&a, &b));
	assert_int_equal(b.port, 99);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_port),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_sockaddr_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
