#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "dns/names.h"
#include "dns/wire.h"

static void
test_rcode_known(void **state)
{
	static const char *const want[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE" };
	char buf[DNS_RCODE_STRLEN];

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		memset(buf, 0, sizeof(buf));
		assert_string_equal(dns_rcode_name(i, buf, sizeof(buf)), want[i]);
		assert_string_equal(buf, ""); /* a known name is static: buf untouched */
	}
	assert_string_equal(DNS_RCODE_NAME(DNS_RCODE_NXDOMAIN), "NXDOMAIN");
}

/* An rcode without a name prints as its number, never as another rcode (SERVFAIL was one). */
static void
test_rcode_unknown_is_number(void **state)
{
	char buf[DNS_RCODE_STRLEN];

	assert_string_equal(dns_rcode_name(11, buf, sizeof(buf)), "RCODE11");
	assert_ptr_equal(dns_rcode_name(15, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "RCODE15");
	assert_string_equal(DNS_RCODE_NAME(16), "RCODE16");
	assert_string_equal(DNS_RCODE_NAME(4095), "RCODE4095");
	assert_string_equal(DNS_RCODE_NAME(4294967295u), "RCODE4294967295");
}

static void
test_type_names(void **state)
{
	char buf[DNS_TYPE_STRLEN];

	assert_string_equal(dns_type_name(DNS_TYPE_A, buf, sizeof(buf)), "A");
	assert_string_equal(DNS_TYPE_NAME(28), "AAAA");
	assert_string_equal(DNS_TYPE_NAME(5), "CNAME");
	assert_string_equal(DNS_TYPE_NAME(51), "NSEC3PARAM");
	assert_string_equal(DNS_TYPE_NAME(252), "AXFR");
	assert_string_equal(DNS_TYPE_NAME(255), "ANY");
	assert_string_equal(DNS_TYPE_NAME(0), "TYPE0");
	assert_string_equal(DNS_TYPE_NAME(65280), "TYPE65280");
	assert_string_equal(DNS_TYPE_NAME(65535), "TYPE65535");
	/* A small buffer truncates, never overflows. */
	char tiny[3];

	assert_string_equal(dns_type_name(28, tiny, sizeof(tiny)), "AA");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcode_known),
		cmocka_unit_test(test_rcode_unknown_is_number),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
