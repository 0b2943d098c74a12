#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/trace.h"
#include "resolver/internal.h"

/*
 * What a listener decides before a query is looked at, and what it
 * counts: R8 (sources outside the VPC), R9 (packets per second per source)
 * and the ENI's ceiling, then the counters each thread keeps for it.
 */

/* Order of source addresses, port ignored. */
static int
addr_cmp(const void *pa, const void *pb)
{
	const struct hns_addr *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

int
rslv_outside_init(struct rslv_server *s, const struct hns_addr *src, size_t n)
{
	if (!n)
		return 0;
	s->outside = calloc(n, sizeof(*s->outside));
	if (!s->outside)
		return HNS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		s->outside[i] = src[i];
		s->outside[i].port = 0;
	}
	qsort(s->outside, n, sizeof(*s->outside), addr_cmp);
	s->n_outside = n;
	return 0;
}

bool
rslv_source_outside(const struct rslv_server *s, const struct hns_addr *src)
{
	return s->n_outside &&
	       bsearch(src, s->outside, s->n_outside, sizeof(*s->outside), addr_cmp) != NULL;
}

/* Whether src is one of the listener's own VPC's DNS servers (spec.inside). */
static bool
rslv_listener_inside(const struct rslv_listener *l, const struct hns_addr *src)
{
	for (size_t i = 0; i < l->spec.n_inside; i++) {
		if (addr_cmp(&l->spec.inside[i], src) == 0)
			return true;
	}
	return false;
}

bool
rslv_listener_over(struct rslv_listener *l, uint64_t now_sec)
{
	uint32_t limit = l->spec.qps_limit;

	if (!limit)
		return false;
	uint_fast64_t sec = atomic_load_explicit(&l->win_sec, memory_order_relaxed);

	if (sec != now_sec) {
		/* first query of a new second resets the window (one thread wins) */
		if (atomic_compare_exchange_strong(&l->win_sec, &sec, now_sec))
			atomic_store_explicit(&l->win_count, 0, memory_order_relaxed);
	}
	return atomic_fetch_add_explicit(&l->win_count, 1, memory_order_relaxed) >= limit;
}

enum rslv_admit
rslv_listener_admit(struct rslv_server *s, struct rslv_listener *l, struct rslv_counters *ct,
		    const struct hns_addr *src, hns_time_t now)
{
	if (l->spec.from == RSLV_FROM_VPC) {
		if (s->o.outside_policy != RSLV_OUTSIDE_ANSWER && rslv_source_outside(s, src) &&
		    !rslv_listener_inside(l, src)) {
			hns_trace("outside-vpc", "%s: a query from outside the VPC is not supported by AWS (R8): %s",
				  l->spec.label ? l->spec.label : "+2 resolver",
				  s->o.outside_policy == RSLV_OUTSIDE_REFUSED ? "REFUSED" : "dropped");
			if (s->o.outside_policy == RSLV_OUTSIDE_REFUSED) {
				rslv_count(&ct->refused_outside);
				return RSLV_ADMIT_REFUSE;
			}
			rslv_count(&ct->dropped_outside);
			return RSLV_ADMIT_DROP;
		}
		if (!rslv_rl_allow(&s->rl, l->index, src, now)) {
			hns_trace("rate-limit", "%s: over the packets per second allowed per client (R9): dropped",
				  l->spec.label ? l->spec.label : "+2 resolver");
			rslv_count(&ct->dropped_rate);
			return RSLV_ADMIT_DROP;
		}
	}
	if (rslv_listener_over(l, now / HNS_NSEC_PER_SEC)) {
		hns_trace("rate-limit", "%s: over the ENI's queries per second: dropped",
			  l->spec.label ? l->spec.label : "listener");
		rslv_count(&ct->dropped_ceiling);
		return RSLV_ADMIT_DROP;
	}
	return RSLV_ADMIT_OK;
}

void
rslv_counters_rcode(struct rslv_counters *ct, const uint8_t *pkt, size_t len)
{
	unsigned rc = len >= DNS_HEADER_LEN ? (unsigned)(pkt[3] & 0xf) : RSLV_RCODES - 1;

	if (rc >= RSLV_RCODES - 1)
		rc = RSLV_RCODES - 1;
	rslv_count(&ct->rcode[rc]);
}

void
rslv_listener_count_rcode(struct rslv_listener *l, const uint8_t *pkt, size_t len)
{
	rslv_counters_rcode(&l->st, pkt, len);
}

void
rslv_listener_count_cache_hit(struct rslv_listener *l)
{
	rslv_count(&l->st.cache_hits);
}

/* Add one thread's counters to sum (read while their thread may be counting). */
static void
counters_add(struct rslv_counters *sum, const struct rslv_counters *c)
{
	uint64_t *d = (uint64_t *)sum;
	const uint64_t *v = (const uint64_t *)c;

	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		d[i] += __atomic_load_n(&v[i], __ATOMIC_RELAXED);
}

void
rslv_listener_sum(const struct rslv_server *s, const struct rslv_listener *l,
		  struct rslv_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	counters_add(sum, &l->st);
	for (unsigned k = 0; k < s->n_workers; k++)
		if (s->workers[k].ct)
			counters_add(sum, &s->workers[k].ct[l->index]);
}
