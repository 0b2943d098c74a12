/*
 * Integration test of the relays: real sockets on loopback, kernel-chosen
 * ports, the vpn on its own thread.  A UDP echo server and a TCP server
 * sit behind a relay with a 20 ms tunnel.  Assertions are on counters and
 * on "no earlier than the latency", never on an upper time bound.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/net.h"
#include "vpn/relay.h"

#define LAT_MS 20
#define WAIT_MS 3000

struct world {
	struct vpn *v;
	int srv_udp, srv_tcp;
	struct hns_addr srv, relay, ctl;
};

static struct model_tunnel tunnels[2];
static double world_latency_ms = LAT_MS;

static void
world_up(struct world *w, enum model_tunnel_state st2)
{
	struct hns_addr a;

	memset(tunnels, 0, sizeof(tunnels));
	tunnels[0].name = "tunnel1";
	tunnels[0].latency_ms = world_latency_ms;
	tunnels[0].mtu = 1446;
	tunnels[0].state = MODEL_TUNNEL_UP;
	tunnels[1].name = "tunnel2";
	tunnels[1].latency_ms = LAT_MS + 5;
	tunnels[1].state = st2;

	hns_addr_parse("127.0.0.1", &a);
	w->srv_udp = hns_udp_socket(&a, 0);
	assert_true(w->srv_udp >= 0);
	assert_int_equal(hns_sock_local_addr(w->srv_udp, &w->srv), 0);
	/* The TCP server on the same port as the UDP one. */
	w->srv_tcp = hns_tcp_listen(&w->srv, 0, 8);
	assert_true(w->srv_tcp >= 0);

	assert_int_equal(vpn_new(tunnels, 2, 1234, &w->v), 0);
	assert_int_equal(vpn_relay_add(w->v, VPN_TO_AWS, &a, &w->srv, "test relay"), 0);
	assert_int_equal(vpn_relay_addr(w->v, 0, &w->relay), 0);
	assert_true(w->relay.port != 0);
	assert_int_equal(vpn_control_open(w->v, &a), 0);
	assert_int_equal(vpn_control_addr(w->v, &w->ctl), 0);
	assert_int_equal(vpn_start(w->v), 0);
}

static void
world_down(struct world *w)
{
	vpn_free(w->v);
	close(w->srv_udp);
	close(w->srv_tcp);
}

static bool
readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static void
send_to(int fd, const struct hns_addr *a, const void *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = hns_addr_to_sockaddr(a, &ss);

	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl), (ssize_t)len);
}

/* Echo every datagram waiting at the server (for at most ms); returns how many. */
static int
serve_echo(struct world *w, int ms, struct hns_addr *last_from)
{
	int n = 0;
	uint8_t buf[4096];

	while (readable(w->srv_udp, ms)) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		ssize_t r = recvfrom(w->srv_udp, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);

		assert_true(r >= 0);
		if (last_from)
			hns_addr_from_sockaddr(last_from, (struct sockaddr *)&ss);
		assert_int_equal(sendto(w->srv_udp, buf, (size_t)r, 0, (struct sockaddr *)&ss, sl), r);
		n++;
		ms = 0;
	}
	return n;
}

static void
control(struct world *w, const char *cmd, char *reply, size_t len)
{
	struct hns_addr a;
	int fd;
	ssize_t r;

	hns_addr_parse("127.0.0.1", &a);
	fd = hns_udp_socket(&a, 0);
	assert_true(fd >= 0);
	send_to(fd, &w->ctl, cmd, strlen(cmd));
	assert_true(readable(fd, WAIT_MS));
	r = recv(fd, reply, len - 1, 0);
	assert_true(r > 0);
	reply[r] = '\0';
	close(fd);
}

static void
test_udp_echo_across(void **state)
{
	struct world w;
	struct hns_addr ca, from;
	uint8_t msg[100];
	int c, got = 0;
	hns_time_t t0;
	char reply[65536];

	world_up(&w, MODEL_TUNNEL_STANDBY);
	/* The client on its own loopback address: the server must see that IP. */
	hns_addr_parse("127.53.9.1", &ca);
	c = hns_udp_socket(&ca, 0);
	assert_true(c >= 0);

	t0 = hns_now();
	for (int i = 0; i < 50; i++) {
		memset(msg, i, sizeof(msg));
		send_to(c, &w.relay, msg, sizeof(msg));
	}
	/* The server sees nothing before the one-way latency... */
	for (int echoed = 0; echoed < 50;) {
		int n = serve_echo(&w, WAIT_MS, &from);

		assert_true(n > 0);
		if (echoed == 0)
			assert_true(hns_now() - t0 >= LAT_MS * HNS_NSEC_PER_MSEC);
		echoed += n;
	}
	assert_true(hns_addr_equal(&from, &ca));
	/* ... and the client nothing before the round trip; in order (FIFO, no jitter). */
	while (got < 50 && readable(c, WAIT_MS)) {
		ssize_t r = recv(c, msg, sizeof(msg), 0);

		assert_int_equal(r, 100);
		assert_int_equal(msg[0], got);
		if (got == 0)
			assert_true(hns_now() - t0 >= 2 * LAT_MS * HNS_NSEC_PER_MSEC);
		got++;
	}
	assert_int_equal(got, 50);

	/* A datagram one byte over the MTU is dropped; one at the MTU crosses. */
	{
		static uint8_t big[1446 - 28 + 1];

		send_to(c, &w.relay, big, sizeof(big));
		send_to(c, &w.relay, big, sizeof(big) - 1);
		assert_int_equal(serve_echo(&w, WAIT_MS, NULL), 1);
		assert_true(readable(c, WAIT_MS));
		assert_int_equal(recv(c, big, sizeof(big), 0), (ssize_t)sizeof(big) - 1);
	}

	/* Control: tunnel1 down -> tunnel2 (standby) carries; both down -> nothing. */
	control(&w, "down tunnel1", reply, sizeof(reply));
	assert_string_equal(reply, "ok\n");
	assert_int_equal(vpn_tunnel_get_state(w.v, "tunnel1"), MODEL_TUNNEL_DOWN);
	send_to(c, &w.relay, msg, sizeof(msg));
	assert_int_equal(serve_echo(&w, WAIT_MS, NULL), 1);
	assert_true(readable(c, WAIT_MS));
	assert_int_equal(recv(c, msg, sizeof(msg), 0), 100);
	control(&w, "down tunnel2", reply, sizeof(reply));
	assert_string_equal(reply, "ok\n");
	for (int i = 0; i < 5; i++)
		send_to(c, &w.relay, msg, sizeof(msg));
	/* Five datagrams that cannot cross: wait for the relay to count all of them. */
	for (int i = 0; i < 100; i++) {
		const struct vpn_tunnels *ts = vpn_tunnels(w.v);

		if (ts->t[0].link[VPN_TO_AWS].st.drops[VPN_DROP_STATE] >= 5)
			break;
		usleep(10000);
	}
	assert_int_equal(serve_echo(&w, 2 * LAT_MS + 20, NULL), 0);
	control(&w, "bogus", reply, sizeof(reply));
	assert_true(strncmp(reply, "error:", 6) == 0);
	control(&w, "up nosuch", reply, sizeof(reply));
	assert_true(strncmp(reply, "error:", 6) == 0);
	control(&w, "stats", reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"tunnel1\""));
	assert_non_null(strstr(reply, "\"relays\""));

	vpn_stop(w.v);
	{
		const struct vpn_tunnels *ts = vpn_tunnels(w.v);
		struct vpn_relay_stats rs;

		assert_int_equal(ts->t[0].link[VPN_TO_AWS].st.drops[VPN_DROP_MTU], 1);
		assert_int_equal(ts->t[0].link[VPN_TO_AWS].st.drops[VPN_DROP_STATE], 5);
		assert_int_equal(ts->t[0].link[VPN_TO_AWS].st.packets, 51);
		assert_int_equal(ts->t[0].link[VPN_TO_ONPREM].st.packets, 51);
		assert_int_equal(ts->t[1].link[VPN_TO_AWS].st.packets, 1);
		assert_int_equal(ts->t[1].link[VPN_TO_ONPREM].st.packets, 1);
		assert_true(ts->t[0].link[VPN_TO_AWS].st.delay.min_ns >= LAT_MS * HNS_NSEC_PER_MSEC);
		assert_int_equal(vpn_relay_stats_get(w.v, 0, &rs), 0);
		assert_int_equal(rs.rx, 58);
		assert_int_equal(rs.up_tx, 52);
		assert_int_equal(rs.tx, 52);
		assert_int_equal(rs.flows, 1);
		assert_int_equal(vpn_lateness(w.v)->count, 104);
	}
	close(c);
	world_down(&w);
}

static void
test_tcp_large_answer(void **state)
{
	struct world w;
	struct hns_addr la;
	uint8_t q[2 + 30], ans[2 + 3000], got[sizeof(ans) + 16];
	size_t have = 0;
	int c, s;
	hns_time_t t0;

	world_up(&w, MODEL_TUNNEL_STANDBY);
	hns_addr_parse("127.0.0.1", &la);
	for (size_t i = 0; i < sizeof(ans); i++)
		ans[i] = (uint8_t)(i * 7);
	ans[0] = 3000 >> 8;
	ans[1] = 3000 & 0xff;
	memset(q, 'q', sizeof(q));

	t0 = hns_now();
	c = hns_tcp_connect(&w.relay);
	assert_true(c >= 0);
	{
		struct pollfd p = { .fd = c, .events = POLLOUT };

		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	}
	assert_int_equal(send(c, q, sizeof(q), 0), (ssize_t)sizeof(q));
	/* The server accepts the relay's connection and reads the query. */
	assert_true(readable(w.srv_tcp, WAIT_MS));
	s = accept(w.srv_tcp, NULL, NULL);
	assert_true(s >= 0);
	while (have < sizeof(q) && readable(s, WAIT_MS)) {
		ssize_t r = recv(s, got + have, sizeof(got) - have, 0);

		assert_true(r > 0);
		have += (size_t)r;
	}
	assert_int_equal(have, sizeof(q));
	assert_memory_equal(got, q, sizeof(q));
	/* The handshake's round trip, then the query's one way. */
	assert_true(hns_now() - t0 >= 3 * LAT_MS * HNS_NSEC_PER_MSEC);
	/* A 3000-byte answer (more than one MTU) comes back whole, then the server closes. */
	assert_int_equal(send(s, ans, sizeof(ans), 0), (ssize_t)sizeof(ans));
	close(s);
	have = 0;
	while (readable(c, WAIT_MS)) {
		ssize_t r = recv(c, got + have, sizeof(got) - have, 0);

		assert_true(r >= 0);
		if (r == 0)
			break; /* the end of stream crossed too */
		have += (size_t)r;
	}
	assert_int_equal(have, sizeof(ans));
	assert_memory_equal(got, ans, sizeof(ans));
	assert_true(hns_now() - t0 >= 4 * LAT_MS * HNS_NSEC_PER_MSEC);
	close(c);

	/* Both tunnels down: a new connection is refused. */
	assert_int_equal(vpn_tunnel_set_state(w.v, "tunnel1", MODEL_TUNNEL_DOWN), 0);
	assert_int_equal(vpn_tunnel_set_state(w.v, "tunnel2", MODEL_TUNNEL_DOWN), 0);
	c = hns_tcp_connect(&w.relay);
	assert_true(c >= 0);
	assert_true(readable(c, WAIT_MS)); /* closed by the relay */
	assert_true(recv(c, got, sizeof(got), 0) <= 0);
	close(c);

	vpn_stop(w.v);
	{
		struct vpn_relay_stats rs;

		assert_int_equal(vpn_relay_stats_get(w.v, 0, &rs), 0);
		assert_int_equal(rs.tcp_conns, 1);
		assert_int_equal(rs.tcp_refused, 1);
		assert_int_equal(rs.tcp_bytes, sizeof(q) + sizeof(ans));
	}
	world_down(&w);
}

/*
 * 600 idle connections from one address (127.0.0.3) through a relay whose
 * per-source ceiling is 256: the excess is closed at once and counted, and a
 * client at another address (127.0.0.2) still gets through to the server
 * (before the ceiling, they filled the relay's 512 slots and it was refused).
 */
static void
test_tcp_flood_per_source(void **state)
{
	enum { FLOOD = 600, PER_SOURCE = 256 };
	struct world w;
	struct hns_addr flooder, legit;
	int c[FLOOD], lc, held[FLOOD + 1], n_held = 0;
	bool seen = false;

	world_up(&w, MODEL_TUNNEL_STANDBY);
	hns_addr_parse("127.0.0.3", &flooder);
	hns_addr_parse("127.0.0.2", &legit);
	for (int i = 0; i < FLOOD; i++) {
		c[i] = hns_tcp_connect_from(&flooder, &w.relay);
		assert_true(c[i] >= 0);
	}
	lc = hns_tcp_connect_from(&legit, &w.relay);
	assert_true(lc >= 0);
	/* The server takes what the relay connects, until the legitimate client's shows up. */
	hns_time_t until = hns_now() + 20 * HNS_NSEC_PER_SEC;

	while (!seen && n_held <= FLOOD && hns_now() < until) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct hns_addr peer;

		if (!readable(w.srv_tcp, 200))
			continue;
		held[n_held] = accept(w.srv_tcp, (struct sockaddr *)&ss, &sl);
		assert_true(held[n_held] >= 0);
		hns_addr_from_sockaddr(&peer, (struct sockaddr *)&ss);
		seen = hns_addr_equal(&peer, &legit);
		n_held++;
	}
	assert_true(seen);
	vpn_stop(w.v);
	{
		struct vpn_relay_stats rs;

		assert_int_equal(vpn_relay_stats_get(w.v, 0, &rs), 0);
		assert_int_equal(rs.tcp_refused_per_client, FLOOD - PER_SOURCE);
		assert_int_equal(rs.tcp_refused, FLOOD - PER_SOURCE);
		assert_int_equal(rs.tcp_conns, PER_SOURCE + 1);
		assert_int_equal(rs.tcp_evicted, 0);
	}
	for (int i = 0; i < FLOOD; i++)
		close(c[i]);
	for (int i = 0; i < n_held; i++)
		close(held[i]);
	close(lc);
	world_down(&w);
}

/*
 * A client socket whose port no earlier one has: hns_udp_socket sets
 * SO_REUSEADDR, with which Linux may give a port 0 bind a port that
 * another SO_REUSEADDR socket already holds (two clients, one flow).
 */
static int
client_socket_unique(const struct hns_addr *a, uint8_t *port_used)
{
	for (int tries = 0; tries < 100; tries++) {
		struct hns_addr got;
		int fd = hns_udp_socket(a, 0);

		assert_true(fd >= 0);
		assert_int_equal(hns_sock_local_addr(fd, &got), 0);
		if (!port_used[got.port]) {
			port_used[got.port] = 1;
			return fd;
		}
		close(fd);
	}
	fail_msg("no unique client port in 100 tries");
	return -1;
}

static void
test_flow_table_bounded(void **state)
{
	const int n = VPN_MAX_FLOWS + 76;
	struct world w;
	struct hns_addr ca;
	struct vpn_relay_stats rs;
	int *cl = calloc((size_t)n, sizeof(*cl));
	uint8_t *port_used = calloc(65536, 1);
	uint8_t msg[16];

	assert_non_null(cl);
	assert_non_null(port_used);
	world_latency_ms = 0; /* a thousand round trips, quickly (and far from the idle expiry) */
	world_up(&w, MODEL_TUNNEL_STANDBY);
	world_latency_ms = LAT_MS;
	hns_addr_parse("127.0.0.1", &ca);
	/* One flow per client socket; each waits for its echo, so no packet is in flight. */
	for (int i = 0; i < n; i++) {
		cl[i] = client_socket_unique(&ca, port_used);
		memcpy(msg, &i, sizeof(i));
		send_to(cl[i], &w.relay, msg, sizeof(msg));
		assert_int_equal(serve_echo(&w, WAIT_MS, NULL), 1);
		assert_true(readable(cl[i], WAIT_MS));
		assert_int_equal(recv(cl[i], msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
		assert_memory_equal(msg, &i, sizeof(i));
	}
	/* The first client's flow was evicted (least recently used): it gets a new one. */
	send_to(cl[0], &w.relay, msg, sizeof(msg));
	assert_int_equal(serve_echo(&w, WAIT_MS, NULL), 1);
	assert_true(readable(cl[0], WAIT_MS));
	assert_int_equal(recv(cl[0], msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	vpn_stop(w.v);
	assert_int_equal(vpn_relay_stats_get(w.v, 0, &rs), 0);
	assert_int_equal(rs.flows, (uint64_t)n + 1);
	assert_int_equal(rs.flow_evictions, (uint64_t)n + 1 - VPN_MAX_FLOWS);
	assert_int_equal(rs.stale, 0);
	assert_int_equal(rs.tx, (uint64_t)n + 1);
	for (int i = 0; i < n; i++)
		close(cl[i]);
	free(cl);
	free(port_used);
	world_down(&w);
}

static void
test_refuses_non_loopback(void **state)
{
	struct vpn *v;
	struct hns_addr l, d;

	memset(tunnels, 0, sizeof(tunnels));
	assert_int_equal(vpn_new(tunnels, 1, 1, &v), 0);
	hns_addr_parse_port("127.0.0.1:0", &l);
	hns_addr_parse_port("10.0.1.10:53", &d);
	assert_int_equal(vpn_relay_add(v, VPN_TO_AWS, &l, &d, "x"), HNS_ENOTLOOPBACK);
	assert_int_equal(vpn_relay_add(v, VPN_TO_AWS, &d, &l, "x"), HNS_ENOTLOOPBACK);
	assert_int_equal(vpn_relay_count(v), 0);
	vpn_free(v);
	vpn_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_echo_across),
		cmocka_unit_test(test_tcp_large_answer),
		cmocka_unit_test(test_tcp_flood_per_source),
		cmocka_unit_test(test_flow_table_bounded),
		cmocka_unit_test(test_refuses_non_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
