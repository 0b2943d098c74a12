/*
 * tests/unit/forwarder/fake.h -- fake I/O and packet builders for the
 * forwarder core's unit tests (header-only; each test includes it once).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/addr.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "forwarder/core.h"
#include "tests/unit/dns/mkpkt.h"

#define FAKE_MAX 64

struct fake_pkt {
	unsigned up, sock;
	bool tcp;
	struct fwd_client cl;
	uint8_t pkt[1500];
	size_t len;
};

struct fake_io {
	struct fake_pkt sent[FAKE_MAX];
	size_t n_sent;
	struct fake_pkt answers[FAKE_MAX];
	size_t n_answers;
};

static inline void
fake_send(void *arg, unsigned up, unsigned sock, bool tcp, const uint8_t *pkt, size_t len)
{
	struct fake_io *io = arg;

	if (io->n_sent == FAKE_MAX || len > sizeof(io->sent[0].pkt))
		return;
	struct fake_pkt *p = &io->sent[io->n_sent++];

	p->up = up;
	p->sock = sock;
	p->tcp = tcp;
	memcpy(p->pkt, pkt, len);
	p->len = len;
}

static inline void
fake_answer(void *arg, const struct fwd_client *cl, const uint8_t *pkt, size_t len)
{
	struct fake_io *io = arg;

	if (io->n_answers == FAKE_MAX || len > sizeof(io->answers[0].pkt))
		return;
	struct fake_pkt *p = &io->answers[io->n_answers++];

	p->cl = *cl;
	memcpy(p->pkt, pkt, len);
	p->len = len;
}

static const struct fwd_io_ops fake_ops = { fake_send, fake_answer };
