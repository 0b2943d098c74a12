/*
 * forwarder/core_int.h -- what the forwarding core's files share (not a
 * public face): core.c (queries, replies, timeouts, local zones) and
 * chase.c (CNAME chains continued under another rule).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rand.h"
#include "dns/qkey.h"
#include "dns/qtab.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"

#define NIL DNS_QTAB_NIL
#define SCRATCH_LEN 65536

/* A client waiting for a slot's answer (by waiter index of the query table). */
struct waiter {
	struct fwd_client cl;
	uint16_t id;	  /* the client's ID */
	uint16_t max_len; /* what fits back to it */
	bool edns, do_bit;
	uint8_t chase; /* 0: a client; else a chase (index + 1) waiting for this leg */
	uint8_t name[DNS_NAME_MAX]; /* the client's spelling of the qname */
};

/*
 * What the forwarder adds to a query-table slot (by slot index): the ID,
 * key, tries, start and deadline live in the table (dns/qtab.h).
 */
struct slot {
	bool tcp;
	uint8_t sock;
	uint8_t pos;	    /* current position in the rule's upstream list */
	uint16_t tried;	    /* positions sent to (bit mask) */
	uint16_t rule;	    /* index into rule arrays (n_rules = default) */
	uint8_t chase;	    /* 0, or the chase (index + 1) continuing its answer elsewhere */
	struct dns_question q; /* lower-cased: what the reply must echo */
};

struct upstate {
	bool down;
	uint32_t fails; /* consecutive timeouts */
	uint32_t good;	/* good answers since going down */
	hns_time_t next_probe;
};

struct fwd_core {
	const struct fwd_config *cfg;
	struct fwd_io_ops ops;
	void *io_arg;
	struct hns_prng prng;

	struct dns_qtab *tab; /* slots, IDs, coalescing, waiters, timeouts */
	struct slot *slots;   /* [tab->n_slots] */
	struct waiter *waiters; /* [tab->n_waiters] */
	uint8_t *rule_class; /* [n_rules + 1]: timeout class of the table */
	uint32_t *rr_next;   /* [n_rules + 1]: round-robin position */

	struct upstate up[FWD_MAX_UPSTREAMS];
	struct dns_cache *cache;

	struct fwd_core_stats stats;
	struct fwd_rule_stats *rstats; /* [n_rules + 1] */
	struct fwd_upstream_stats ustats[FWD_MAX_UPSTREAMS];

	struct fwd_chases *chases; /* chase.c */
	uint32_t chase_ready;	   /* chases whose leg came back, to run (fwd_chase_run) */

	uint8_t scratch[SCRATCH_LEN];
	uint8_t scratch2[SCRATCH_LEN];
};

static inline const struct fwd_rule *
fwd_rule_at(const struct fwd_core *c, unsigned i)
{
	return i < c->cfg->n_rules ? &c->cfg->rules[i] : &c->cfg->deflt;
}

static inline unsigned
fwd_rule_index(const struct fwd_core *c, const struct fwd_rule *r)
{
	return r == &c->cfg->deflt ? (unsigned)c->cfg->n_rules : (unsigned)(r - c->cfg->rules);
}

/* core.c */
/* Add client cl (asking q) to the waiters of slot s; false when the waiter pool is full. */
bool fwd_waiter_add(struct fwd_core *c, uint32_t s, const struct fwd_client *cl,
		    const struct dns_query *q);
/* Send the next try of slot s to the upstream its rule's policy picks. */
void fwd_slot_send(struct fwd_core *c, uint32_t s, hns_time_t now);
/* Give every waiter of slot s the answer pkt (or, when pkt is NULL, rcode). */
void fwd_slot_answer(struct fwd_core *c, uint32_t s, const uint8_t *pkt, size_t len,
		     uint8_t rcode, hns_time_t now);
/* Answer q (pkt: its query) from rule r's local zone into out; 0 when it does not fit. */
size_t fwd_local_answer(const struct fwd_rule *r, const uint8_t *pkt, const struct dns_query *q,
			uint8_t *out, size_t cap);

/* chase.c */
int fwd_chase_new(struct fwd_core *c);
void fwd_chase_free(struct fwd_core *c);
/*
 * Slot s got the NOERROR answer pkt whose first answer record is a CNAME:
 * true when its chain leads out of the rule's data into another rule (or a
 * local zone) and the chase took it over (s then answers later, or has
 * answered already); false: answer pkt as it is.
 */
bool fwd_chase_start(struct fwd_core *c, uint32_t s, const uint8_t *pkt, size_t len,
		     hns_time_t now);
/*
 * Client cl's question q (key k) got the answer pkt from rule ri's local zone,
 * whose first record is a CNAME: true when a chase took it over (a slot for
 * the question, with cl as its waiter), false: answer pkt as it is.
 */
bool fwd_chase_local(struct fwd_core *c, const struct fwd_client *cl, const struct dns_query *q,
		     const struct dns_qkey *k, unsigned ri, const uint8_t *pkt, size_t len,
		     hns_time_t now);
/* The waiter (a chase, not a client) of a slot answered with pkt (NULL: failed). */
void fwd_chase_leg_done(struct fwd_core *c, unsigned chase, const uint8_t *pkt, size_t len);
/* Continue every chase whose leg came back. */
void fwd_chase_run(struct fwd_core *c, hns_time_t now);
/* Whether some chase waits to be continued by fwd_chase_run. */
static inline bool
fwd_chase_pending(const struct fwd_core *c)
{
	return c->chase_ready != 0;
}
