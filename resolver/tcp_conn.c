#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdlib.h>

#include "common/tcp_gate.h"
#include "resolver/internal.h"

/*
 * A TCP client's connection (main thread): reference counted, because a
 * forwarded query keeps it until the upstream answers, closed at most
 * once, answers framed with their 2-byte length.
 */

void
rslv_tcp_conn_ref(struct rslv_tcp_conn *c)
{
	c->refs++;
}

void
rslv_tcp_conn_unref(struct rslv_tcp_conn *c)
{
	if (--c->refs == 0)
		free(c);
}

void
rslv_tcp_conn_close(struct rslv_tcp_conn *c)
{
	if (!c->bev)
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	hns_tcp_gate_release(c->s->tcp_gate, c->slot);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	rslv_tcp_conn_unref(c);
}

void
rslv_tcp_send(struct rslv_tcp_conn *c, const uint8_t *pkt, size_t len)
{
	uint8_t hdr[2];

	if (!c->bev || len > RSLV_MSG_MAX)
		return;
	hns_tcp_gate_touch(c->s->tcp_gate, c->slot, hns_now());
	dns_write_u16(hdr, (uint16_t)len);
	bufferevent_write(c->bev, hdr, 2);
	bufferevent_write(c->bev, pkt, len);
}
