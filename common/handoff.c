/*
 * common/handoff.c -- datagrams between sockets of one process, in memory
 * (see handoff.h for what and why).
 *
 * Each attached socket has an endpoint: its address (the registry's key),
 * a ring of slots filled by any thread and emptied by its owner, and the
 * loop it belongs to.  Each loop has one eventfd: a sender that makes an
 * empty ring non-empty puts the endpoint on its loop's ready list and, if
 * that list was empty, writes the eventfd once.  The loop's callback takes
 * the ready list and runs each endpoint's read callback, which reads the
 * ring through hns_mmsg_recv; an endpoint left non-empty (a callback reads
 * a bounded number of batches) goes back on the list.
 *
 * Locks: the registry's (attach, detach, a sender's lookup) before an
 * endpoint's before its loop's.  Endpoints are never freed while the
 * process runs: a detached one goes on a free list with its generation
 * bumped, so a sender's cached pointer stays valid memory and is checked
 * against the generation under the endpoint's lock.  Senders cache their
 * targets by address; a cached "no receiver here" holds until the next
 * attach anywhere.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/handoff.h"
#include "common/hugepage.h"

#define HO_MAX_FD 65536
#define HO_BUCKETS 1024
#define HO_CACHE 16	 /* a sender's targets, direct-mapped by address */
#define HO_SIGNAL_BATCH 64 /* endpoints a loop's callback takes at once */

/*
 * A ring is bytes: records of a header and the datagram, each padded to
 * HO_ALIGN, so a ring's memory in use follows its traffic, not its largest
 * datagram.  A record that would not fit before the end starts again at
 * the beginning, after a wrap record (or nothing, when less than a header
 * is left there).
 */
struct ho_rec {
	uint32_t len;  /* HO_WRAP: skip to the ring's beginning */
	uint32_t span; /* bytes to the next record */
	struct sockaddr_in from;
	struct timespec stamp; /* CLOCK_REALTIME, as the kernel's SO_TIMESTAMPNS */
};

#define HO_ALIGN 16u
#define HO_HDR ((uint32_t)((sizeof(struct ho_rec) + HO_ALIGN - 1) & ~(HO_ALIGN - 1)))
#define HO_WRAP UINT32_MAX

struct ho_loop;

struct ho_target {
	uint32_t addr, reg_gen, ep_gen;
	uint16_t port;
	bool valid;
	struct ho_ep *ep; /* NULL: no receiver at this address */
};

struct ho_ep {
	pthread_mutex_t mu;
	/* under mu (and the registry's lock to change gen and open) */
	uint32_t gen;
	bool open;
	uint8_t *ring;	  /* HNS_HANDOFF_RING bytes, allocated at attach (else by a sender) */
	uint32_t head, tail; /* byte positions, modulo 2^32 */
	uint32_t count;	  /* datagrams waiting; also read without the lock (atomic) */
	/* under the loop's lock */
	bool queued;
	struct ho_ep *rnext;
	/* fixed while attached */
	struct sockaddr_in local, peer;
	bool connected;
	int fd;
	struct ho_loop *loop;
	event_callback_fn cb;
	void *arg;
	struct ho_ep *next; /* registry chain, or free list */
	/* the owner's, as a sender */
	struct ho_target cache[HO_CACHE];
};

struct ho_loop {
	pthread_mutex_t mu;
	struct event_base *base;
	int efd;
	struct event *ev;
	struct ho_ep *ready; /* under mu */
	bool signalled;	     /* under mu: the list is non-empty and its loop will run */
	unsigned n_eps;	     /* under the registry's lock */
	struct ho_loop *next;
};

static bool ho_on;
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static uint32_t reg_gen; /* bumped by every attach: cached misses expire */
static struct ho_ep *buckets[HO_BUCKETS];
static struct ho_ep *free_eps;
static struct ho_loop *loops;
static struct ho_loop *dead_loops; /* kept: a signal callback may still hold one */
static struct ho_ep *by_fd[HO_MAX_FD]; /* each entry written and read by the fd's owner */
static unsigned long long st_handed, st_kernel, st_rings;
/* Rings are cut from chunks of huge pages (one fault per chunk, not one per 4 KiB) and
 * never freed: a detached endpoint keeps its ring for the next. */
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *pool;
static size_t pool_left;

void
hns_handoff_enable(bool on)
{
	ho_on = on;
}

bool
hns_handoff_enabled(void)
{
	return ho_on;
}

void
hns_handoff_stats(struct hns_handoff_stats *out)
{
	out->handed = __atomic_load_n(&st_handed, __ATOMIC_RELAXED);
	out->kernel = __atomic_load_n(&st_kernel, __ATOMIC_RELAXED);
	out->rings = __atomic_load_n(&st_rings, __ATOMIC_RELAXED);
}

static uint32_t
key_hash(uint32_t addr, uint16_t port)
{
	uint64_t h = ((uint64_t)addr << 16 | port) * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 40) % HO_BUCKETS;
}

bool
hns_handoff_attached(int fd)
{
	return fd >= 0 && fd < HO_MAX_FD && by_fd[fd] != NULL;
}

/* ------------------------------------------------------------- the loops */

static void
loop_queue(struct ho_loop *lp, struct ho_ep *ep, bool from_loop)
{
	bool wake = false;

	pthread_mutex_lock(&lp->mu);
	if (!ep->queued) {
		ep->queued = true;
		ep->rnext = lp->ready;
		lp->ready = ep;
	}
	if (!lp->signalled) {
		lp->signalled = true;
		wake = true;
	}
	pthread_mutex_unlock(&lp->mu);
	if (!wake)
		return;
	if (from_loop) {
		event_active(lp->ev, EV_READ, 1);
	} else {
		uint64_t one = 1;

		/* the loop cannot go away meanwhile: the caller holds ep->mu (see detach) */
		(void)!write(lp->efd, &one, sizeof(one));
	}
}

static void
loop_on_signal(evutil_socket_t efd, short what, void *arg)
{
	struct ho_loop *lp = arg;
	struct {
		struct ho_ep *ep;
		uint32_t gen;
	} take[HO_SIGNAL_BATCH];
	unsigned n = 0;
	bool more;

	(void)efd;
	(void)what;
	pthread_mutex_lock(&lp->mu);
	while (lp->ready && n < HO_SIGNAL_BATCH) {
		struct ho_ep *ep = lp->ready;

		lp->ready = ep->rnext;
		ep->queued = false;
		take[n].ep = ep;
		take[n++].gen = ep->gen; /* written only on this thread */
	}
	more = lp->ready != NULL;
	lp->signalled = more;
	pthread_mutex_unlock(&lp->mu);
	if (more)
		event_active(lp->ev, EV_READ, 1);
	for (unsigned i = 0; i < n; i++) {
		struct ho_ep *ep = take[i].ep;

		/* an earlier callback may have closed it (the VPN evicts flows) */
		if (!ep->open || ep->gen != take[i].gen)
			continue;
		ep->cb(ep->fd, EV_READ, ep->arg);
		if (!lp->base)
			return; /* the callback closed the loop's last socket */
		if (ep->open && ep->gen == take[i].gen &&
		    __atomic_load_n(&ep->count, __ATOMIC_ACQUIRE) > 0)
			loop_queue(lp, ep, true);
	}
}

/* Under reg_mu. */
static struct ho_loop *
loop_get(struct event_base *base)
{
	struct ho_loop *lp;

	for (lp = loops; lp; lp = lp->next)
		if (lp->base == base)
			return lp;
	if ((lp = dead_loops) != NULL) {
		dead_loops = lp->next;
	} else {
		lp = calloc(1, sizeof(*lp));
		if (!lp)
			return NULL;
		pthread_mutex_init(&lp->mu, NULL);
	}
	lp->ready = NULL;
	lp->signalled = false;
	lp->n_eps = 0;
	lp->base = base;
	lp->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	/* edge-triggered: every write is a new edge, so the counter is never read */
	lp->ev = lp->efd >= 0 ? event_new(base, lp->efd, EV_READ | EV_PERSIST | EV_ET,
					  loop_on_signal, lp)
			      : NULL;
	if (!lp->ev || event_add(lp->ev, NULL) != 0) {
		if (lp->ev)
			event_free(lp->ev);
		if (lp->efd >= 0)
			close(lp->efd);
		lp->base = NULL;
		lp->next = dead_loops;
		dead_loops = lp;
		return NULL;
	}
	lp->next = loops;
	loops = lp;
	return lp;
}

/* Under reg_mu, when its last endpoint left. */
static void
loop_put(struct ho_loop *lp)
{
	struct ho_loop **pp;

	if (--lp->n_eps > 0)
		return;
	for (pp = &loops; *pp != lp; pp = &(*pp)->next)
		;
	*pp = lp->next;
	event_free(lp->ev);
	close(lp->efd);
	lp->ev = NULL;
	lp->efd = -1;
	lp->base = NULL;
	lp->next = dead_loops;
	dead_loops = lp;
}

/* ---------------------------------------------------- attach and detach */

static uint8_t *ring_alloc(void);

int
hns_handoff_attach(int fd, struct event_base *base, event_callback_fn cb, void *arg)
{
	struct sockaddr_in local, peer;
	socklen_t len = sizeof(local), plen = sizeof(peer);
	struct ho_ep *ep;
	struct ho_loop *lp;
	uint32_t b;

	if (!ho_on || fd < 0 || fd >= HO_MAX_FD)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&local, &len) != 0)
		return -errno;
	if (local.sin_family != AF_INET || local.sin_addr.s_addr == htonl(INADDR_ANY))
		return 0;
	if (by_fd[fd])
		return HNS_EINVAL; /* closed without hns_handoff_close */
	memset(&peer, 0, sizeof(peer));
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) != 0 || peer.sin_family != AF_INET)
		peer.sin_family = AF_UNSPEC;

	pthread_mutex_lock(&reg_mu);
	lp = loop_get(base);
	if (!lp) {
		pthread_mutex_unlock(&reg_mu);
		return HNS_ENOMEM;
	}
	ep = free_eps;
	if (ep) {
		free_eps = ep->next;
	} else if ((ep = calloc(1, sizeof(*ep))) != NULL) {
		pthread_mutex_init(&ep->mu, NULL);
	} else {
		if (lp->n_eps == 0) {
			lp->n_eps = 1;
			loop_put(lp);
		}
		pthread_mutex_unlock(&reg_mu);
		return HNS_ENOMEM;
	}
	lp->n_eps++;
	pthread_mutex_lock(&ep->mu);
	/*
	 * The ring now, not at the first datagram: a load faults in every table
	 * before its clock starts (common/hugepage.h), and a ring's first touch
	 * would otherwise zero a huge page inside a sender's turn, in the run's
	 * first milliseconds.  Where that fails the first sender tries again.
	 */
	if (!ep->ring)
		ep->ring = ring_alloc();
	ep->open = true;
	ep->head = ep->tail = 0;
	__atomic_store_n(&ep->count, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ep->mu);
	ep->queued = false;
	ep->local = local;
	ep->peer = peer;
	ep->connected = peer.sin_family == AF_INET;
	ep->fd = fd;
	ep->loop = lp;
	ep->cb = cb;
	ep->arg = arg;
	memset(ep->cache, 0, sizeof(ep->cache));
	b = key_hash(local.sin_addr.s_addr, local.sin_port);
	ep->next = buckets[b];
	buckets[b] = ep;
	__atomic_add_fetch(&reg_gen, 1, __ATOMIC_RELEASE);
	by_fd[fd] = ep;
	pthread_mutex_unlock(&reg_mu);
	return 0;
}

void
hns_handoff_close(int fd)
{
	struct ho_ep *ep, **pp;
	struct ho_loop *lp;

	if (fd < 0)
		return;
	ep = fd < HO_MAX_FD ? by_fd[fd] : NULL;
	if (ep) {
		pthread_mutex_lock(&reg_mu);
		pp = &buckets[key_hash(ep->local.sin_addr.s_addr, ep->local.sin_port)];
		while (*pp && *pp != ep)
			pp = &(*pp)->next;
		if (*pp)
			*pp = ep->next;
		/* Senders holding ep->mu finish first; later ones see it closed. */
		pthread_mutex_lock(&ep->mu);
		ep->open = false;
		ep->gen++;
		__atomic_store_n(&ep->count, 0, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&ep->mu);
		lp = ep->loop;
		pthread_mutex_lock(&lp->mu);
		if (ep->queued) {
			struct ho_ep **rp = &lp->ready;

			while (*rp != ep)
				rp = &(*rp)->rnext;
			*rp = ep->rnext;
			ep->queued = false;
		}
		pthread_mutex_unlock(&lp->mu);
		loop_put(lp);
		ep->loop = NULL;
		ep->next = free_eps;
		free_eps = ep;
		by_fd[fd] = NULL;
		pthread_mutex_unlock(&reg_mu);
	}
	close(fd);
}

/* ------------------------------------------------------------- the path */

/* The sender me's cached receiver at addr:port, if it has a valid one. */
static struct ho_target *
cached(struct ho_ep *me, uint32_t addr, uint16_t port)
{
	struct ho_target *t = &me->cache[key_hash(addr, port) % HO_CACHE];

	if (t->valid && t->addr == addr && t->port == port &&
	    (t->ep || t->reg_gen == __atomic_load_n(&reg_gen, __ATOMIC_ACQUIRE)))
		return t;
	return NULL;
}

/* Look up the receiver at addr:port for the sender me and cache it (NULL: none).
 * Takes the registry's lock: the caller holds no endpoint's. */
static struct ho_target *
lookup(struct ho_ep *me, uint32_t addr, uint16_t port)
{
	struct ho_target *t = &me->cache[key_hash(addr, port) % HO_CACHE];

	t->valid = true;
	t->addr = addr;
	t->port = port;
	t->ep = NULL;
	pthread_mutex_lock(&reg_mu);
	t->reg_gen = reg_gen;
	{
		struct ho_ep *all[8];
		unsigned n = 0;

		for (struct ho_ep *e = buckets[key_hash(addr, port)]; e && n < 8; e = e->next)
			if (e->local.sin_addr.s_addr == addr && e->local.sin_port == port)
				all[n++] = e;
		/* several sockets on one address (SO_REUSEPORT): one per sender, as the kernel does */
		if (n) {
			t->ep = all[key_hash(me->local.sin_addr.s_addr, me->local.sin_port) % n];
			t->ep_gen = t->ep->gen;
		}
	}
	pthread_mutex_unlock(&reg_mu);
	return t;
}

static size_t
msg_size(const struct msghdr *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->msg_iovlen; i++)
		n += h->msg_iov[i].iov_len;
	return n;
}

static uint8_t *
ring_alloc(void)
{
	uint8_t *r = NULL;

	pthread_mutex_lock(&pool_mu);
	if (pool_left < HNS_HANDOFF_RING) {
		pool = aligned_alloc(HNS_HUGEPAGE_MIN, HNS_HUGEPAGE_MIN);
		pool_left = pool ? HNS_HUGEPAGE_MIN : 0;
		hns_hugepage_advise(pool, pool_left);
		hns_prefault(pool, pool_left); /* here, not in the turn of the first sender to each ring */
	}
	if (pool_left >= HNS_HANDOFF_RING) {
		r = pool + HNS_HUGEPAGE_MIN - pool_left;
		pool_left -= HNS_HANDOFF_RING;
		__atomic_add_fetch(&st_rings, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&pool_mu);
	return r;
}

/* Room for a record of span bytes at ep's tail (ep locked), or NULL: full. */
static struct ho_rec *
ring_reserve(struct ho_ep *ep, uint32_t span)
{
	uint32_t off = ep->tail % HNS_HANDOFF_RING, to_end = HNS_HANDOFF_RING - off;
	uint32_t room = HNS_HANDOFF_RING - (ep->tail - ep->head);
	struct ho_rec *r;

	if (to_end < span) {
		if (room < to_end + span)
			return NULL;
		if (to_end >= HO_HDR) {
			r = (struct ho_rec *)(ep->ring + off);
			r->len = HO_WRAP;
			r->span = to_end;
		}
		ep->tail += to_end;
		off = 0;
	} else if (room < span) {
		return NULL;
	}
	r = (struct ho_rec *)(ep->ring + off);
	r->span = span;
	ep->tail += span;
	return r;
}

/* Release cur (locked), waking its loop if this turn made its ring non-empty. */
static void
release(struct ho_ep *cur, bool was_empty)
{
	if (was_empty && cur->count > 0)
		loop_queue(cur->loop, cur, false);
	pthread_mutex_unlock(&cur->mu);
}

unsigned
hns_handoff_send(int fd, struct mmsghdr *msgs, unsigned n, bool *handed)
{
	struct ho_ep *me = by_fd[fd], *cur = NULL;
	struct timespec now = { 0, 0 };
	bool was_empty = false;
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct msghdr *h = &msgs[i].msg_hdr;
		const struct sockaddr_in *to;
		struct ho_target *t;
		struct ho_ep *ep;
		struct ho_rec *r;
		uint32_t gen;
		size_t len, off = 0;

		handed[i] = false;
		if (h->msg_name) {
			to = h->msg_name;
			if (h->msg_namelen < sizeof(*to) || to->sin_family != AF_INET)
				continue;
		} else if (me->connected) {
			to = &me->peer;
		} else {
			continue;
		}
		len = msg_size(h);
		if (len > HNS_HANDOFF_MAX)
			continue;
		t = cached(me, to->sin_addr.s_addr, to->sin_port);
		if (!t) {
			if (cur)
				release(cur, was_empty);
			cur = NULL;
			t = lookup(me, to->sin_addr.s_addr, to->sin_port);
		}
		ep = t->ep;
		gen = t->ep_gen;
		if (!ep)
			continue;
		if (ep != cur) {
			if (cur)
				release(cur, was_empty);
			cur = ep;
			pthread_mutex_lock(&cur->mu);
			if (!cur->open || cur->gen != gen) {
				/* closed since it was cached: look again next time */
				pthread_mutex_unlock(&cur->mu);
				t->valid = false;
				cur = NULL;
				continue;
			}
			if (!cur->ring && !(cur->ring = ring_alloc())) {
				pthread_mutex_unlock(&cur->mu);
				cur = NULL;
				continue;
			}
			was_empty = cur->count == 0;
		}
		if (!(r = ring_reserve(cur, HO_HDR + (((uint32_t)len + HO_ALIGN - 1) & ~(HO_ALIGN - 1)))))
			continue; /* full: the kernel's buffer takes it */
		if (now.tv_sec == 0)
			clock_gettime(CLOCK_REALTIME, &now);
		for (size_t j = 0; j < h->msg_iovlen; j++) {
			memcpy((uint8_t *)r + HO_HDR + off, h->msg_iov[j].iov_base, h->msg_iov[j].iov_len);
			off += h->msg_iov[j].iov_len;
		}
		r->len = (uint32_t)len;
		r->from = me->local;
		r->stamp = now;
		__atomic_store_n(&cur->count, cur->count + 1, __ATOMIC_RELEASE);
		msgs[i].msg_len = (unsigned)len;
		handed[i] = true;
		k++;
	}
	if (cur)
		release(cur, was_empty);
	__atomic_add_fetch(&st_handed, k, __ATOMIC_RELAXED);
	__atomic_add_fetch(&st_kernel, n - k, __ATOMIC_RELAXED);
	return k;
}

static void
rec_to_msg(const struct ho_rec *r, struct mmsghdr *m, int flags)
{
	const uint8_t *data = (const uint8_t *)r + HO_HDR;
	struct msghdr *h = &m->msg_hdr;
	size_t off = 0;

	for (size_t j = 0; j < h->msg_iovlen && off < r->len; j++) {
		size_t c = r->len - off < h->msg_iov[j].iov_len ? r->len - off : h->msg_iov[j].iov_len;

		memcpy(h->msg_iov[j].iov_base, data + off, c);
		off += c;
	}
	h->msg_flags = 0;
	if (off < r->len)
		h->msg_flags |= MSG_TRUNC;
	m->msg_len = (unsigned)((flags & MSG_TRUNC) ? r->len : off);
	if (h->msg_name) {
		if (h->msg_namelen >= sizeof(r->from))
			memcpy(h->msg_name, &r->from, sizeof(r->from));
		h->msg_namelen = sizeof(r->from);
	}
	if (h->msg_control) {
		if (h->msg_controllen >= CMSG_SPACE(sizeof(r->stamp))) {
			struct cmsghdr *c = (struct cmsghdr *)h->msg_control;

			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_TIMESTAMPNS;
			c->cmsg_len = CMSG_LEN(sizeof(r->stamp));
			memcpy(CMSG_DATA(c), &r->stamp, sizeof(r->stamp));
			h->msg_controllen = CMSG_SPACE(sizeof(r->stamp));
		} else {
			h->msg_controllen = 0;
			h->msg_flags |= MSG_CTRUNC;
		}
	}
}

unsigned
hns_handoff_recv(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
	struct ho_ep *ep = by_fd[fd];
	unsigned k = 0;

	if (__atomic_load_n(&ep->count, __ATOMIC_ACQUIRE) == 0)
		return 0;
	pthread_mutex_lock(&ep->mu);
	while (k < n && ep->count > 0) {
		uint32_t off = ep->head % HNS_HANDOFF_RING, to_end = HNS_HANDOFF_RING - off;
		const struct ho_rec *r = (const struct ho_rec *)(ep->ring + off);

		if (to_end < HO_HDR || r->len == HO_WRAP) {
			ep->head += to_end;
			continue;
		}
		rec_to_msg(r, &msgs[k++], flags);
		ep->head += r->span;
		__atomic_store_n(&ep->count, ep->count - 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&ep->mu);
	return k;
}
