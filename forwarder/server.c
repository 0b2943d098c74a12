#include "config.h"

#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/net.h"
#include "forwarder/server.h"
#include "forwarder/worker.h"

#define MAX_WORKERS 64

struct fwd_server {
	const struct fwd_config *cfg;
	struct hns_addr addr;
	struct fwd_worker *workers;
	unsigned n_workers;
};

static void
stop_readable(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_worker *w = arg;
	char b;

	(void)!read(fd, &b, 1);
	hns_evloop_stop(&w->loop);
}

static void *
worker_main(void *arg)
{
	struct fwd_worker *w = arg;
	int rc = fwd_udp_worker_start(w);

	if (rc < 0) {
		hns_err(HNS_SUB_FORWARDER, "%s: worker %u: %s", w->cfg->name, w->index, hns_strerror(rc));
		return NULL;
	}
	hns_evloop_run(&w->loop);
	return NULL;
}

static void
worker_deinit(struct fwd_worker *w)
{
	fwd_tcp_worker_deinit(w);
	fwd_udp_worker_deinit(w);
	if (w->stop_ev)
		event_free(w->stop_ev);
	w->stop_ev = NULL;
	for (int i = 0; i < 2; i++)
		if (w->stop_fds[i] >= 0)
			close(w->stop_fds[i]);
	fwd_core_free(w->core);
	w->core = NULL;
	if (w->base)
		event_base_free(w->base);
	w->base = NULL;
}

static int
worker_init(struct fwd_worker *w, const struct fwd_config *cfg, const struct hns_addr *listen,
	    uint64_t seed)
{
	struct event_config *ec = event_config_new();
	int rc;

	w->cfg = cfg;
	w->udp_fd = w->tcp_fd = -1;
	w->stop_fds[0] = w->stop_fds[1] = -1;
	if (!ec)
		return HNS_ENOMEM;
	event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
	w->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (!w->base)
		return HNS_ENOMEM;
	w->loop = (struct hns_evloop){ .base = w->base, .name = "hns-forwarder", .tick_us = cfg->coalesce_us,
				       .full = FWD_BATCH, .turn_end = fwd_worker_turn_end,
				       .turn_end_arg = w };
	rc = fwd_core_new(cfg, &fwd_worker_ops, w, seed, &w->core);
	if (rc < 0)
		return rc;
	if (pipe2(w->stop_fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return -errno;
	w->stop_ev = event_new(w->base, w->stop_fds[0], EV_READ, stop_readable, w);
	if (!w->stop_ev || event_add(w->stop_ev, NULL) != 0)
		return HNS_ENOMEM;
	rc = fwd_udp_worker_init(w, listen);
	if (rc < 0)
		return rc;
	return fwd_tcp_worker_init(w, listen);
}

int
fwd_server_start(const struct fwd_config *cfg, const struct hns_addr *listen, unsigned workers,
		 uint64_t seed, struct fwd_server **out)
{
	struct fwd_server *s = calloc(1, sizeof(*s));
	int rc = HNS_ENOMEM;

	if (!s)
		return HNS_ENOMEM;
	if (workers == 0)
		workers = 1;
	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	s->cfg = cfg;
	s->addr = *listen;
	s->workers = calloc(workers, sizeof(*s->workers));
	if (!s->workers)
		goto fail;
	for (unsigned i = 0; i < workers; i++) {
		struct fwd_worker *w = &s->workers[i];

		w->index = i;
		w->n_workers = workers;
		s->n_workers = i + 1;
		rc = worker_init(w, cfg, &s->addr, seed + i * 0x9e3779b97f4a7c15ULL);
		if (rc < 0) {
			char a[HNS_ADDR_STRLEN];

			hns_err(HNS_SUB_FORWARDER, "%s: listening on %s: %s", cfg->name,
				hns_addr_port_str(&s->addr, a, sizeof(a)), hns_strerror(rc));
			goto fail;
		}
		if (s->addr.port == 0) /* the others share the port the kernel chose */
			hns_sock_local_addr(w->udp_fd, &s->addr);
	}
	for (unsigned i = 0; i < s->n_workers; i++) {
		struct fwd_worker *w = &s->workers[i];

		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			rc = HNS_ENOMEM;
			goto fail;
		}
		w->started = true;
	}
	*out = s;
	return 0;
fail:
	fwd_server_stop(s);
	return rc;
}

void
fwd_server_stop(struct fwd_server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n_workers; i++) {
		struct fwd_worker *w = &s->workers[i];

		if (w->started) {
			(void)!write(w->stop_fds[1], "x", 1);
			pthread_join(w->thread, NULL);
		}
	}
	for (unsigned i = 0; i < s->n_workers; i++)
		worker_deinit(&s->workers[i]);
	free(s->workers);
	free(s);
}

const struct hns_addr *
fwd_server_address(const struct fwd_server *s)
{
	return &s->addr;
}

#define ADD(field) out->core.field += src->field

void
fwd_server_stats(const struct fwd_server *s, struct fwd_server_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct fwd_worker *w = &s->workers[i];
		const struct fwd_core_stats *src = fwd_core_stats(w->core);

		ADD(queries);
		ADD(formerr);
		ADD(notimp);
		ADD(dropped_queries);
		ADD(table_full);
		ADD(drop_malformed);
		ADD(drop_unknown_id);
		ADD(drop_wrong_socket);
		ADD(drop_wrong_source);
		ADD(drop_wrong_question);
		for (unsigned b = 0; b < FWD_LAT_BUCKETS; b++)
			out->core.latency[b] += src->latency[b];

		struct dns_cache *c = fwd_core_cache(w->core);

		if (c) {
			const struct dns_cache_stats *cs = dns_cache_stats(c);

			out->cache.hits += cs->hits;
			out->cache.misses += cs->misses;
			out->cache.stale_hits += cs->stale_hits;
			out->cache.inserts += cs->inserts;
			out->cache.evictions += cs->evictions;
			out->cache.expired += cs->expired;
			out->cache.not_cached += cs->not_cached;
			out->cache.too_big += cs->too_big;
			out->cache_entries += dns_cache_count(c);
		}
		out->inflight += fwd_core_inflight(w->core);
		out->io_uring_workers += __atomic_load_n(&w->ur_on, __ATOMIC_RELAXED);
		out->udp_answers += w->io.udp_answers;
		out->tcp_queries += w->io.tcp_queries;
		out->tcp_conns += w->io.tcp_conns;
		const struct hns_tcp_guard_stats *g = hns_tcp_gate_stats(&w->tcp_gate);

		out->tcp_open += hns_tcp_gate_count(&w->tcp_gate);
		out->tcp_refused_per_client += g->refused_per_source;
		out->tcp_refused_full += g->refused_full;
		out->tcp_evicted += g->evicted;
		out->tcp_idle_closed += g->idle_closed;
		out->tcp_fd_exhausted += w->tcp_gate.fd_exhausted;
		out->tcp_conn_refused +=
			w->io.tcp_conn_refused + g->refused_per_source + g->refused_full;
		out->send_errors += w->io.send_errors;
		out->upstream_tcp += w->io.upstream_tcp;
		out->upstream_tcp_failed += w->io.upstream_tcp_failed;
	}
}

#undef ADD

void
fwd_server_stats_rules(const struct fwd_server *s, struct fwd_rule_stats *out)
{
	size_t n = s->cfg->n_rules + 1;

	memset(out, 0, n * sizeof(*out));
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct fwd_rule_stats *r = fwd_core_rule_stats(s->workers[i].core);

		for (size_t k = 0; k < n; k++) {
			out[k].queries += r[k].queries;
			out[k].cache_hits += r[k].cache_hits;
			out[k].stale_answers += r[k].stale_answers;
			out[k].local_answers += r[k].local_answers;
			out[k].forwarded += r[k].forwarded;
			out[k].coalesced += r[k].coalesced;
			out[k].refused += r[k].refused;
			out[k].servfail += r[k].servfail;
			out[k].answered_upstream += r[k].answered_upstream;
		}
	}
}

void
fwd_server_stats_upstreams(const struct fwd_server *s, struct fwd_upstream_stats *out,
			   bool *down)
{
	size_t n = s->cfg->n_upstreams;

	memset(out, 0, n * sizeof(*out));
	for (size_t k = 0; k < n; k++)
		down[k] = false;
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct fwd_upstream_stats *u = fwd_core_upstream_stats(s->workers[i].core);

		for (size_t k = 0; k < n; k++) {
			out[k].sent += u[k].sent;
			out[k].answers += u[k].answers;
			out[k].timeouts += u[k].timeouts;
			out[k].servfails += u[k].servfails;
			out[k].tcp_retries += u[k].tcp_retries;
			out[k].went_down += u[k].went_down;
			out[k].came_up += u[k].came_up;
			if (fwd_core_upstream_down(s->workers[i].core, (unsigned)k))
				down[k] = true;
		}
	}
}
