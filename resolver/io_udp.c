#include "config.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/handoff.h"
#include "common/log.h"
#include "common/mmsg.h"
#include "common/net.h"
#include "resolver/internal.h"

/*
 * UDP workers: each thread owns an event_base, one SO_REUSEPORT socket
 * per listener and its own counters of each listener, reads a batch with
 * recvmmsg, passes each query to rslv_handle (handle.c), and writes the
 * batch's answers with one sendmmsg.
 */

#define RSLV_BATCHES_PER_WAKE 8

static void
udp_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_worker *wk = arg;
	struct rslv_server *s = wk->srv;
	struct rslv_listener *l = NULL;
	struct rslv_counters *ct = NULL;

	for (size_t i = 0; i < s->n_ls; i++)
		if (wk->fds[i] == fd) {
			l = &s->ls[i];
			ct = &wk->ct[i];
		}
	if (!l)
		return;
	struct rslv_peer p = {.fd = fd};

	for (int round = 0; round < RSLV_BATCHES_PER_WAKE; round++) {
		int n = hns_mmsg_recv(fd, wk->rmsg, RSLV_BATCH, 0);

		if (n <= 0)
			return;
		wk->loop.handled += (unsigned)n;
		hns_time_t now = hns_now();
		int ns = 0;

		for (int i = 0; i < n; i++) {
			hns_addr_from_sockaddr(&p.addr, (struct sockaddr *)&wk->addr[i]);
			if (rslv_handle(s, l, ct, &p, wk->in[i], wk->rmsg[i].msg_len, wk->out[ns],
					RSLV_UDP_MAX, now, &wk->h) != RSLV_STEP_SEND)
				continue;
			hns_mmsg_set(&wk->smsg[ns], &wk->siov[ns], wk->out[ns], wk->h.len, &wk->addr[i],
				     wk->rmsg[i].msg_hdr.msg_namelen);
			ns++;
		}
		/* a full socket buffer drops the rest, as a busy server would (common/mmsg.h) */
		unsigned lost = hns_mmsg_send(fd, wk->smsg, (unsigned)ns, NULL);

		if (lost)
			rslv_count_n(&ct->dropped_send, lost);
		if (n < RSLV_BATCH)
			return;
	}
}

static void *
worker_main(void *arg)
{
	struct rslv_worker *wk = arg;

	hns_thread_name(wk->loop.name);
	if (wk->ur && rslv_uring_run(wk))
		return NULL;
	hns_evloop_run(&wk->loop);
	return NULL;
}

static void
worker_on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct rslv_worker *wk = arg;

	hns_evloop_stop(&wk->loop);
}

static pthread_once_t evthread_once = PTHREAD_ONCE_INIT;

static void
evthread_setup(void)
{
	evthread_use_pthreads();
}

static void
worker_free(struct rslv_worker *wk, size_t n_ls)
{
	rslv_uring_free(wk);
	for (size_t i = 0; i < n_ls; i++) {
		if (wk->evs && wk->evs[i])
			event_free(wk->evs[i]);
		if (wk->fds && wk->fds[i] >= 0)
			hns_handoff_close(wk->fds[i]);
	}
	free(wk->evs);
	free(wk->fds);
	free(wk->ct);
	if (wk->stop_ev)
		event_free(wk->stop_ev);
	if (wk->base)
		event_base_free(wk->base);
}

int
rslv_udp_start(struct rslv_server *s)
{
	unsigned n = s->o.workers ? s->o.workers : 1;
	int rc = 0;

	pthread_once(&evthread_once, evthread_setup);
	s->workers = calloc(n, sizeof(*s->workers));
	if (!s->workers)
		return HNS_ENOMEM;
	s->n_workers = n;
	for (unsigned k = 0; k < n; k++) {
		struct rslv_worker *wk = &s->workers[k];

		wk->srv = s;
		wk->index = k;
		wk->base = event_base_new();
		wk->fds = malloc((s->n_ls ? s->n_ls : 1) * sizeof(int));
		wk->evs = calloc(s->n_ls ? s->n_ls : 1, sizeof(struct event *));
		wk->ct = calloc(s->n_ls ? s->n_ls : 1, sizeof(*wk->ct));
		if (!wk->base || !wk->fds || !wk->evs || !wk->ct)
			return HNS_ENOMEM;
		wk->loop = (struct hns_evloop){ .base = wk->base, .name = "hns-aws-udp", .tick_us = s->o.coalesce_us,
						.full = RSLV_BATCH };
		/* activated from the main thread: stays pending until the loop runs it */
		wk->stop_ev = event_new(wk->base, -1, 0, worker_on_stop, wk);
		if (!wk->stop_ev)
			return HNS_ENOMEM;
		for (size_t i = 0; i < s->n_ls; i++)
			wk->fds[i] = -1;
		hns_mmsg_setup_recv(wk->rmsg, wk->riov, RSLV_BATCH, &wk->in[0][0], RSLV_UDP_MAX,
				    wk->addr);
		for (size_t i = 0; i < s->n_ls; i++) {
			int fd = hns_udp_socket(&s->ls[i].spec.real, HNS_SOCK_REUSEPORT | HNS_SOCK_NONBLOCK);

			if (fd < 0) {
				char a[HNS_ADDR_STRLEN];

				hns_err(HNS_SUB_RESOLVER, "udp %s (%s): %s",
					hns_addr_port_str(&s->ls[i].spec.real, a, sizeof(a)),
					s->ls[i].spec.label, hns_strerror(fd));
				return fd;
			}
			wk->fds[i] = fd;
			wk->evs[i] = event_new(wk->base, fd, EV_READ | EV_PERSIST, udp_on_read, wk);
			if (!wk->evs[i] || event_add(wk->evs[i], NULL) != 0)
				return HNS_ENOMEM;
		}
		/* the epoll loop above stays ready: the worker falls back to it */
		if (s->o.udp_io != HNS_UDP_IO_EPOLL && (rc = rslv_uring_init(wk)) < 0) {
			if (s->o.udp_io == HNS_UDP_IO_URING) {
				hns_err(HNS_SUB_RESOLVER, "udp worker %u: io_uring: %s", k,
					hns_strerror(rc));
				return rc;
			}
			hns_info(HNS_SUB_RESOLVER, "udp worker %u: io_uring: %s; using epoll", k,
				 hns_strerror(rc));
			rc = 0;
		}
		/* the epoll loop's sockets take handed-over datagrams (common/handoff.h) */
		for (size_t i = 0; !wk->ur && i < s->n_ls; i++)
			if ((rc = hns_handoff_attach(wk->fds[i], wk->base, udp_on_read, wk)) < 0)
				return rc;
	}
	for (unsigned k = 0; k < n; k++) {
		if (pthread_create(&s->workers[k].thread, NULL, worker_main, &s->workers[k]) != 0)
			return HNS_EAGAIN;
		s->workers[k].started = true;
	}
	return rc;
}

void
rslv_udp_stop(struct rslv_server *s)
{
	if (!s->workers)
		return;
	for (unsigned k = 0; k < s->n_workers; k++) {
		struct rslv_worker *wk = &s->workers[k];

		if (wk->started) {
			rslv_uring_stop(wk);
			event_active(wk->stop_ev, EV_READ, 0);
			pthread_join(wk->thread, NULL);
		}
		worker_free(wk, s->n_ls);
	}
	free(s->workers);
	s->workers = NULL;
	s->n_workers = 0;
}
