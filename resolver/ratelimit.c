#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/hash.h"
#include "resolver/ratelimit.h"
#include "resolver/table.h"

int
rslv_rl_init(struct rslv_ratelimit *rl, uint32_t rate, size_t capacity)
{
	size_t n = 1;

	memset(rl, 0, sizeof(*rl));
	rl->rate = rate;
	if (!rate)
		return 0;
	rl->interval = HNS_NSEC_PER_SEC / rate;
	if (!rl->interval)
		rl->interval = 1;
	/* a full bucket lets `rate` packets through at one instant */
	rl->tolerance = rl->interval * (rate - 1);
	while (n * RSLV_RL_WAYS < capacity)
		n <<= 1;
	rl->sets = calloc(n, sizeof(*rl->sets));
	if (!rl->sets)
		return HNS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		atomic_flag_clear(&rl->sets[i].lock);
	rl->n_sets = n;
	return 0;
}

void
rslv_rl_deinit(struct rslv_ratelimit *rl)
{
	free(rl->sets);
	rl->sets = NULL;
	rl->n_sets = 0;
}

bool
rslv_rl_allow(struct rslv_ratelimit *rl, uint32_t listener, const struct hns_addr *src,
	      uint64_t now_ns)
{
	uint8_t key[20];
	struct rslv_rl_entry *e = NULL, *victim = NULL;
	bool ok;

	if (!rl->rate)
		return true;
	key[0] = (uint8_t)(listener >> 24);
	key[1] = (uint8_t)(listener >> 16);
	key[2] = (uint8_t)(listener >> 8);
	key[3] = (uint8_t)listener;
	memcpy(key + 4, src->bytes, 16);
	if (src->family == AF_INET)
		memset(key + 8, 0, 12); /* only the 4 address bytes count */
	struct rslv_rl_set *set = &rl->sets[hns_fnv1a32(HNS_FNV32_BASIS, key, sizeof(key)) & (rl->n_sets - 1)];

	while (atomic_flag_test_and_set_explicit(&set->lock, memory_order_acquire))
		;
	for (int i = 0; i < RSLV_RL_WAYS; i++) {
		struct rslv_rl_entry *c = &set->e[i];

		if (c->used && memcmp(c->key, key, sizeof(key)) == 0) {
			e = c;
			break;
		}
		if (!victim || !c->used || (victim->used && c->last < victim->last))
			victim = c;
	}
	if (!e) {
		if (victim->used)
			atomic_fetch_add_explicit(&rl->evictions, 1, memory_order_relaxed);
		e = victim;
		memcpy(e->key, key, sizeof(key));
		e->used = true;
		e->tat = now_ns;
	}
	e->last = now_ns;
	uint64_t tat = e->tat > now_ns ? e->tat : now_ns;

	ok = tat - now_ns <= rl->tolerance;
	if (ok)
		e->tat = tat + rl->interval;
	atomic_flag_clear_explicit(&set->lock, memory_order_release);
	return ok;
}
