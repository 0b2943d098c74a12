#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/addrmap.h"
#include "common/error.h"
#include "common/net.h"

static void
test_refuses_non_loopback(void **state)
{
	const char *bad[] = { "10.0.1.10", "192.168.10.53:53", "52.218.0.10:53", "8.8.8.8:53",
			      "[2001:db8::1]:53", "0.0.0.0" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hns_addr a;

		assert_int_equal(hns_addr_parse_port(bad[i], &a), 0);
		assert_false(hns_net_dest_allowed(&a));
		assert_int_equal(hns_udp_socket(&a, 0), HNS_ENOTLOOPBACK);
		assert_int_equal(hns_tcp_listen(&a, 0, 8), HNS_ENOTLOOPBACK);
		assert_int_equal(hns_tcp_connect(&a), HNS_ENOTLOOPBACK);
	}
}

static void
test_loopback_sockets(void **state)
{
	struct hns_addr a, bound;
	int fd;

	hns_addr_parse("127.53.9.1", &a);
	assert_true(hns_net_dest_allowed(&a));
	fd = hns_udp_socket(&a, HNS_SOCK_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(hns_sock_local_addr(fd, &bound), 0);
	assert_true(hns_addr_equal(&a, &bound));
	assert_true(bound.port != 0);
	close(fd);
	fd = hns_tcp_listen(&a, HNS_SOCK_REUSEPORT, 8);
	assert_true(fd >= 0);
	close(fd);
}

/* A socket bound to a:port by "another process": SO_REUSEPORT and SO_REUSEADDR set, as servers do. */
static int
foreign_socket(const struct hns_addr *a, int type)
{
	struct sockaddr_storage ss;
	socklen_t len = hns_addr_to_sockaddr(a, &ss);
	int fd = socket(a->family, type, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/*
 * A port someone else holds is never shared: a second run's world (or a
 * test's server) bound there would get half of our datagrams.  Our own
 * workers still share a port with SO_REUSEPORT.
 */
static void
test_port_never_shared_with_another_socket(void **state)
{
	struct hns_addr a;
	int mine, second, other;

	hns_addr_parse("127.53.9.2", &a);
	mine = hns_udp_socket(&a, 0);
	assert_true(mine >= 0);
	assert_int_equal(hns_sock_local_addr(mine, &a), 0);
	assert_int_equal(hns_udp_socket(&a, 0), -EADDRINUSE); /* no SO_REUSEADDR sharing */
	close(mine);

	for (int type = SOCK_DGRAM; type <= SOCK_STREAM; type++) {
		int t = type == SOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM;

		hns_addr_parse("127.53.9.3", &a);
		other = foreign_socket(&a, t);
		assert_int_equal(hns_sock_local_addr(other, &a), 0);
		if (t == SOCK_DGRAM)
			assert_int_equal(hns_udp_socket(&a, HNS_SOCK_REUSEPORT), -EADDRINUSE);
		else
			assert_int_equal(hns_tcp_listen(&a, HNS_SOCK_REUSEPORT, 8), -EADDRINUSE);
		close(other);
		if (t == SOCK_STREAM)
			break;
	}

	/* our own workers: the first socket claims the port, the next joins it */
	hns_addr_parse("127.53.9.4", &a);
	mine = hns_udp_socket(&a, HNS_SOCK_REUSEPORT);
	assert_true(mine >= 0);
	assert_int_equal(hns_sock_local_addr(mine, &a), 0);
	second = hns_udp_socket(&a, HNS_SOCK_REUSEPORT);
	assert_true(second >= 0);
	close(second);
	close(mine);
}

static void
test_addrmap(void **state)
{
	struct hns_addrmap m;
	const struct hns_addrmap_entry *e1, *e2, *e3, *again;
	struct hns_addr v;
	char buf[HNS_ADDR_STRLEN];

	hns_addrmap_init(&m, 5300);
	hns_addr_parse("10.0.1.10", &v);
	assert_int_equal(hns_addrmap_add(&m, HNS_ROLE_INBOUND, &v, "inbound/private-a", &e1), 0);
	assert_string_equal(hns_addr_port_str(&e1->real, buf, sizeof(buf)), "127.53.2.1:5300");
	assert_int_equal(hns_addrmap_add(&m, HNS_ROLE_RELAY_TO_AWS, &v, "relay", &e2), 0);
	assert_string_equal(hns_addr_port_str(&e2->real, buf, sizeof(buf)), "127.53.6.1:5300");
	assert_int_equal(hns_addrmap_add(&m, HNS_ROLE_INTERNET, NULL, "internet", &e3), 0);
	assert_string_equal(hns_addr_port_str(&e3->real, buf, sizeof(buf)), "127.53.5.1:5300");
	assert_int_equal(hns_addrmap_add(&m, HNS_ROLE_INBOUND, &v, "dup", &again), 0);
	assert_int_equal(m.n, 3);
	assert_ptr_equal(hns_addrmap_find(&m, HNS_ROLE_INBOUND, &v), &m.entries[0]);
	assert_ptr_equal(hns_addrmap_find(&m, HNS_ROLE_RELAY_TO_AWS, &v), &m.entries[1]);
	assert_null(hns_addrmap_find(&m, HNS_ROLE_OUTBOUND, &v));
	assert_ptr_equal(hns_addrmap_find_real(&m, &m.entries[2].real), &m.entries[2]);
	for (unsigned i = 0; i < HNS_ADDRMAP_PER_ROLE - 1; i++) {
		hns_addr_from_v4(&v, 0x0a010000 + i, 0);
		assert_int_equal(hns_addrmap_add(&m, HNS_ROLE_INBOUND, &v, NULL, NULL), 0);
	}
	hns_addr_from_v4(&v, 0x0a020000, 0);
	assert_int_equal(hns_addrmap_add(&m, HNS_ROLE_INBOUND, &v, NULL, NULL), HNS_EFULL);
	/* Every real address is loopback, so every one passes the safety check. */
	for (size_t i = 0; i < m.n; i++)
		assert_true(hns_net_dest_allowed(&m.entries[i].real));
	char *json = NULL;
	size_t jlen = 0;
	FILE *f = open_memstream(&json, &jlen);

	hns_addrmap_write_json(&m, f);
	fclose(f);
	assert_non_null(strstr(json, "\"real\": \"127.53.2.1:5300\", \"label\": \"inbound/private-a\""));
	free(json);
	hns_addrmap_deinit(&m);
}

/* Two VPCs of 10.0.0.0/16 both have a +2 at 10.0.0.2: one server each. */
static void
test_addrmap_owned(void **state)
{
	struct hns_addrmap m;
	const struct hns_addrmap_entry *a, *b, *again;
	struct hns_addr v;

	(void)state;
	hns_addrmap_init(&m, 5300);
	hns_addr_parse("10.0.0.2", &v);
	assert_int_equal(hns_addrmap_add_owned(&m, HNS_ROLE_VPC_DNS, &v, 1, "vpc/a +2", &a), 0);
	assert_int_equal(hns_addrmap_add_owned(&m, HNS_ROLE_VPC_DNS, &v, 2, "vpc/b +2", &b), 0);
	assert_int_equal(m.n, 2);
	assert_false(hns_addr_equal(&m.entries[0].real, &m.entries[1].real));
	assert_ptr_equal(hns_addrmap_find_owned(&m, HNS_ROLE_VPC_DNS, &v, 1), &m.entries[0]);
	assert_ptr_equal(hns_addrmap_find_owned(&m, HNS_ROLE_VPC_DNS, &v, 2), &m.entries[1]);
	assert_null(hns_addrmap_find_owned(&m, HNS_ROLE_VPC_DNS, &v, 3));
	/* by address alone: the first one added */
	assert_ptr_equal(hns_addrmap_find(&m, HNS_ROLE_VPC_DNS, &v), &m.entries[0]);
	/* the same owner again: the same entry */
	assert_int_equal(hns_addrmap_add_owned(&m, HNS_ROLE_VPC_DNS, &v, 2, "again", &again), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.entries[1].owner, 2);
	hns_addrmap_deinit(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_non_loopback),
		cmocka_unit_test(test_loopback_sockets),
		cmocka_unit_test(test_port_never_shared_with_another_socket),
		cmocka_unit_test(test_addrmap),
		cmocka_unit_test(test_addrmap_owned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
