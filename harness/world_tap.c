/*
 * harness/world_tap.c -- the tap of a real resolver under test
 * (`check --onprem-resolver`, see world.h): it listens on the mapped
 * address of the on-prem resolver it stands for, passes every query on to
 * the real resolver and every answer back, and records both as hops.
 */
#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/error.h"
#include "common/net.h"
#include "common/trace.h"
#include "dns/names.h"
#include "dns/wire.h"
#include "harness/serve.h"
#include "harness/world.h"
#include "model/model.h"

#define TAP_SLOTS 64	       /* UDP queries in flight toward the real resolver */
#define TAP_SLOT_TIMEOUT_S 10  /* a query the real resolver never answers frees its slot */
#define TAP_CONNS 16	       /* TCP connections at once */
#define TAP_UDP_BATCH 64       /* datagrams read per wake-up */

/* The trace details start with these: world_tap_answered_from_cache() reads them back. */
static const char tap_query_word[] = "query ";
static const char tap_answer_word[] = "answer ";

struct world_tap;

struct tap_slot {
	struct world_tap *tap;
	int fd; /* -1: free */
	struct event *ev;
	struct hns_addr sender;
	hns_time_t sent;
};

struct tap_conn {
	struct world_tap *tap;
	struct tap_conn *next;
	struct bufferevent *bev[2]; /* 0: the sender, 1: the real resolver */
	bool eof[2];
	hns_time_t sent;
	struct hns_addr sender;
};

struct world_tap {
	const struct model_onprem_resolver *r;
	struct hns_addr real;  /* the resolver under test */
	struct hns_addr where; /* its mapped address, where the tap listens */
	char hop[96];	       /* "onprem:dc1-dns" */
	struct model_given given; /* the world's: the check's faults and r held down */
	struct model_fault *faults;
	bool silent; /* the check's own `given` takes r down */
	/* Running (tap_start .. tap_stop). */
	const struct serve_ctx *ctx;
	int ufd, tfd;
	struct event *uev, *tev;
	struct tap_slot slots[TAP_SLOTS];
	struct tap_conn *conns;
	size_t n_conns;
};

/* "app.corp.example.com A, 1 record" of a message, for the trace. */
static void
tap_describe(const uint8_t *pkt, size_t len, bool answer, char *buf, size_t cap)
{
	struct dns_query q;
	char name[DNS_NAME_STRLEN], type[DNS_TYPE_STRLEN];

	if (dns_query_parse(pkt, len, &q) != 0 ||
	    dns_name_to_str(q.q.name, q.q.name_len, name, sizeof(name)) < 0) {
		snprintf(buf, cap, "%zu bytes, not parsed", len);
		return;
	}
	dns_type_name(q.q.qtype, type, sizeof(type));
	if (answer)
		snprintf(buf, cap, "%s %s: %s, %u record%s", name, type,
			 DNS_RCODE_NAME(DNS_RCODE(q.hdr.flags)), q.hdr.ancount,
			 q.hdr.ancount == 1 ? "" : "s");
	else
		snprintf(buf, cap, "%s %s", name, type);
}

/* Who sent to the tap: the label of the map's server at that address (senders keep it), or "client". */
static const char *
tap_sender_label(const struct world_tap *t, const struct hns_addr *a)
{
	for (size_t i = 0; i < t->ctx->map.n; i++) {
		if (hns_addr_equal(&t->ctx->map.entries[i].real, a))
			return t->ctx->map.entries[i].label;
	}
	return "client";
}

static void
tap_trace_query(const struct world_tap *t, const struct hns_addr *sender, const char *proto,
		const uint8_t *pkt, size_t len)
{
	char what[DNS_NAME_STRLEN + 32], from[HNS_ADDR_STRLEN], to[HNS_ADDR_STRLEN];

	if (!hns_trace_enabled)
		return;
	tap_describe(pkt, len, false, what, sizeof(what));
	hns_trace(t->hop, "%s%s over %s from %s (%s) -> resolver under test at %s (its own steps are not observed)",
		  tap_query_word, what, proto, hns_addr_port_str(sender, from, sizeof(from)),
		  tap_sender_label(t, sender), hns_addr_port_str(&t->real, to, sizeof(to)));
}

static void
tap_trace_answer(const struct world_tap *t, const struct hns_addr *sender, hns_time_t sent,
		 const uint8_t *pkt, size_t len)
{
	char what[DNS_NAME_STRLEN + 64], to[HNS_ADDR_STRLEN];

	if (!hns_trace_enabled)
		return;
	tap_describe(pkt, len, true, what, sizeof(what));
	hns_trace(t->hop, "%sfrom the resolver under test after %.1f ms: %s -> %s", tap_answer_word,
		  hns_time_ms(hns_now() - sent), what, hns_addr_port_str(sender, to, sizeof(to)));
}

/* ---- UDP: one socket per query in flight, so each answer finds its sender. */

static void
tap_slot_free(struct tap_slot *s)
{
	if (s->ev != NULL)
		event_free(s->ev);
	if (s->fd >= 0)
		close(s->fd);
	s->ev = NULL;
	s->fd = -1;
}

static void
tap_slot_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tap_slot *s = arg;
	uint8_t buf[65535];
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t n;

	if (what & EV_READ) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			tap_trace_answer(s->tap, &s->sender, s->sent, buf, (size_t)n);
			sl = hns_addr_to_sockaddr(&s->sender, &ss);
			(void)sendto(s->tap->ufd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&ss, sl);
		}
	}
	tap_slot_free(s); /* one answer per query; a timeout frees it too */
}

static struct tap_slot *
tap_slot_take(struct world_tap *t)
{
	struct tap_slot *oldest = &t->slots[0];

	for (size_t i = 0; i < TAP_SLOTS; i++) {
		if (t->slots[i].fd < 0)
			return &t->slots[i];
		if (t->slots[i].sent < oldest->sent)
			oldest = &t->slots[i];
	}
	tap_slot_free(oldest); /* full: the longest unanswered query gives way */
	return oldest;
}

static void
tap_udp_forward(struct world_tap *t, const struct hns_addr *sender, const uint8_t *pkt, size_t len)
{
	const struct timeval tv = { TAP_SLOT_TIMEOUT_S, 0 };
	struct tap_slot *s = tap_slot_take(t);
	struct hns_addr local;
	struct sockaddr_storage ss;
	socklen_t sl;

	/* From the resolver's own mapped address, port chosen by the kernel. */
	local = t->where;
	local.port = 0;
	s->tap = t;
	s->fd = hns_udp_socket(&local, HNS_SOCK_NONBLOCK);
	if (s->fd < 0) {
		s->fd = -1;
		return;
	}
	s->sender = *sender;
	s->sent = hns_now();
	s->ev = event_new(t->ctx->base, s->fd, EV_READ, tap_slot_cb, s);
	sl = hns_addr_to_sockaddr(&t->real, &ss);
	if (s->ev == NULL || event_add(s->ev, &tv) != 0) {
		tap_slot_free(s);
		return;
	}
	/* Recorded before it leaves: what the resolver then asks comes after it. */
	tap_trace_query(t, sender, "UDP", pkt, len);
	if (sendto(s->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0)
		tap_slot_free(s);
}

static void
tap_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct world_tap *t = arg;
	uint8_t buf[65535];

	(void)what;
	for (int i = 0; i < TAP_UDP_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct hns_addr sender;
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);

		if (n < 0)
			return;
		if (n >= DNS_HEADER_LEN && hns_addr_from_sockaddr(&sender, (struct sockaddr *)&ss) == 0)
			tap_udp_forward(t, &sender, buf, (size_t)n);
	}
}

/* ---- TCP: a pass-through per connection, traced message by message. */

static void
tap_conn_free(struct tap_conn *c)
{
	struct world_tap *t = c->tap;

	for (struct tap_conn **p = &t->conns; *p != NULL; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (c->bev[i] != NULL)
			bufferevent_free(c->bev[i]);
	}
	t->n_conns--;
	free(c);
}

/* Pass every whole length-prefixed message from side i to the other, tracing each. */
static void
tap_conn_read(struct bufferevent *bev, void *arg)
{
	struct tap_conn *c = arg;
	int i = bev == c->bev[0] ? 0 : 1;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t len2[2];

	while (evbuffer_copyout(in, len2, 2) == 2) {
		size_t len = dns_read_u16(len2);
		uint8_t *msg = evbuffer_pullup(in, (ev_ssize_t)(2 + len));

		if (msg == NULL)
			return; /* not whole yet */
		if (i == 0) {
			c->sent = hns_now();
			tap_trace_query(c->tap, &c->sender, "TCP", msg + 2, len);
		} else {
			tap_trace_answer(c->tap, &c->sender, c->sent, msg + 2, len);
		}
		evbuffer_remove_buffer(in, bufferevent_get_output(c->bev[1 - i]), 2 + len);
	}
}

static void
tap_conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct tap_conn *c = arg;
	int i = bev == c->bev[0] ? 0 : 1;

	if (what & BEV_EVENT_CONNECTED)
		return;
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		/* Half-close: pass the FIN on, keep the other direction open. */
		c->eof[i] = true;
		shutdown(bufferevent_getfd(c->bev[1 - i]), SHUT_WR);
		if (!c->eof[1 - i])
			return;
	}
	tap_conn_free(c);
}

static void
tap_tcp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct world_tap *t = arg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct tap_conn *c;
	int cfd, ufd;

	(void)what;
	cfd = accept4(fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (t->n_conns >= TAP_CONNS || (c = calloc(1, sizeof(*c))) == NULL) {
		close(cfd);
		return;
	}
	c->tap = t;
	c->next = t->conns;
	t->conns = c;
	t->n_conns++;
	{
		struct hns_addr local = t->where; /* from the resolver's own address, as UDP */

		local.port = 0;
		ufd = hns_tcp_connect_from(&local, &t->real);
	}
	if (hns_addr_from_sockaddr(&c->sender, (struct sockaddr *)&ss) != 0 || ufd < 0) {
		close(cfd);
		if (ufd >= 0)
			close(ufd);
		tap_conn_free(c);
		return;
	}
	c->bev[0] = bufferevent_socket_new(t->ctx->base, cfd, BEV_OPT_CLOSE_ON_FREE);
	c->bev[1] = bufferevent_socket_new(t->ctx->base, ufd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev[0] == NULL || c->bev[1] == NULL) {
		if (c->bev[0] == NULL)
			close(cfd);
		if (c->bev[1] == NULL)
			close(ufd);
		tap_conn_free(c);
		return;
	}
	for (int i = 0; i < 2; i++)
		bufferevent_setcb(c->bev[i], tap_conn_read, NULL, tap_conn_event, c);
	/* The connect is in progress: libevent reports BEV_EVENT_CONNECTED. */
	if (bufferevent_socket_connect(c->bev[1], NULL, 0) != 0) {
		tap_conn_free(c);
		return;
	}
	for (int i = 0; i < 2; i++)
		bufferevent_enable(c->bev[i], EV_READ | EV_WRITE);
}

static void
tap_stop(struct world_tap *t)
{
	for (size_t i = 0; i < TAP_SLOTS; i++)
		tap_slot_free(&t->slots[i]);
	while (t->conns != NULL)
		tap_conn_free(t->conns);
	if (t->uev != NULL)
		event_free(t->uev);
	if (t->tev != NULL)
		event_free(t->tev);
	if (t->ufd >= 0)
		close(t->ufd);
	if (t->tfd >= 0)
		close(t->tfd);
	t->uev = t->tev = NULL;
	t->ufd = t->tfd = -1;
	t->ctx = NULL;
}

int
world_tap_start(struct world_tap *t, const struct serve_ctx *ctx)
{
	const struct hns_addrmap_entry *e = hns_addrmap_find(&ctx->map, HNS_ROLE_ONPREM, &t->r->address);
	int rc;

	t->ctx = ctx;
	if (e == NULL)
		return HNS_ENOENT;
	if (t->silent)
		return 0;
	t->where = e->real;
	t->ufd = hns_udp_socket(&t->where, HNS_SOCK_NONBLOCK);
	t->tfd = t->ufd >= 0 ? hns_tcp_listen(&t->where, HNS_SOCK_NONBLOCK, 64) : -1;
	if (t->ufd < 0 || t->tfd < 0) {
		rc = t->ufd < 0 ? t->ufd : t->tfd;
		t->ufd = t->ufd < 0 ? -1 : t->ufd;
		t->tfd = -1;
		goto fail;
	}
	t->uev = event_new(ctx->base, t->ufd, EV_READ | EV_PERSIST, tap_udp_cb, t);
	t->tev = event_new(ctx->base, t->tfd, EV_READ | EV_PERSIST, tap_tcp_cb, t);
	rc = HNS_ENOMEM;
	if (t->uev == NULL || t->tev == NULL || event_add(t->uev, NULL) != 0 ||
	    event_add(t->tev, NULL) != 0)
		goto fail;
	return 0;
fail:
	tap_stop(t);
	return rc;
}

struct world_tap *
world_tap_new(const struct model *m, const struct model_given *given, const struct hns_addr *real)
{
	struct world_tap *t;
	size_t n = given != NULL ? given->n_down : 0;

	if (m->onprem.n_resolvers == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->faults = calloc(n + 1, sizeof(*t->faults));
	if (t->faults == NULL) {
		free(t);
		return NULL;
	}
	t->r = &m->onprem.resolvers[0];
	t->real = *real;
	if (t->real.port == 0)
		t->real.port = 53;
	snprintf(t->hop, sizeof(t->hop), "onprem:%s", t->r->name);
	for (size_t i = 0; i < n; i++) {
		t->faults[i] = given->down[i];
		if (given->down[i].kind == MODEL_FAULT_ONPREM && given->down[i].onprem == t->r)
			t->silent = true;
	}
	/* The emulated resolver in the tap's place stays down (serve_onprem_start skips it). */
	t->faults[n].kind = MODEL_FAULT_ONPREM;
	t->faults[n].onprem = (struct model_onprem_resolver *)t->r; /* only read */
	t->faults[n].text = t->r->name;
	t->given.down = t->faults;
	t->given.n_down = n + 1;
	t->ufd = t->tfd = -1;
	for (size_t i = 0; i < TAP_SLOTS; i++)
		t->slots[i].fd = -1;
	return t;
}

void
world_tap_free(struct world_tap *t)
{
	if (t == NULL)
		return;
	tap_stop(t);
	free(t->faults);
	free(t);
}

const struct model_onprem_resolver *
world_tap_resolver(const struct world_tap *t)
{
	return t->r;
}

const struct model_given *
world_tap_given(const struct world_tap *t)
{
	return &t->given;
}

bool
world_tap_answered_from_cache(const struct world_tap *t, const char *qname,
			      const struct hns_trace_event *hops, size_t n_hops)
{
	bool asked = false, alone = false;

	for (size_t i = 0; i < t->r->n_zones; i++) {
		if (dns_str_is_subdomain(qname, t->r->zones[i].name))
			return false; /* its local data: answered without asking anyone */
	}
	for (size_t i = 0; i < n_hops; i++) {
		const struct hns_trace_event *h = &hops[i];

		if (strcmp(h->hop, t->hop) != 0) {
			asked = false; /* something else was recorded since the query came */
			continue;
		}
		if (strncmp(h->detail, tap_query_word, sizeof(tap_query_word) - 1) == 0)
			asked = true;
		else if (asked && strncmp(h->detail, tap_answer_word, sizeof(tap_answer_word) - 1) == 0)
			alone = true;
	}
	return alone;
}
