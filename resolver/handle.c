#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/trace.h"
#include "model/names.h"
#include "resolver/internal.h"

/*
 * The per-query step of every listener, for UDP (a worker thread, its
 * batch's buffers) and TCP (the main thread) alike: count, admit, answer
 * or forward, count the answer, trace, log.  The transports only move
 * packets.
 */

/*
 * What a hop adds to the trace beyond its name (empty for most): the DNS
 * Firewall rule and its action, a rule owned by another account (shared
 * through AWS RAM), an association that came from the VPC's Route 53 Profile.
 */
static void
hop_note(const struct rslv_trace *t, const struct rslv_result *res, const struct model_hop *hp,
	 char *buf, size_t cap)
{
	static const char *const actions[] = {"ALLOW", "BLOCK", "ALERT"};
	static const char *const blocks[] = {"NODATA", "NXDOMAIN", "OVERRIDE"};
	const struct model_vpc *vpc =
		t->n && t->hops[0].kind == MODEL_HOP_VPC ? t->hops[0].target : NULL;
	const struct model_profile *p = NULL;

	buf[0] = '\0';
	if (hp->kind == MODEL_HOP_FIREWALL && res->fw) {
		const struct model_fw_rule *r = res->fw->rule;

		snprintf(buf, cap, " rule %s (priority %u): %s%s%s", r->name, r->priority,
			 actions[r->action], r->action == MODEL_FW_BLOCK ? " " : "",
			 r->action == MODEL_FW_BLOCK ? blocks[r->block] : "");
		p = res->fw->profile;
	} else if (hp->kind == MODEL_HOP_RULE) {
		const struct model_rule *r = hp->target;

		p = t->profile;
		if (vpc && r && r->account && vpc->account && strcmp(r->account, vpc->account) != 0)
			snprintf(buf, cap, " (owner %s, shared %s)", r->account,
				 p ? "in the profile" : "through AWS RAM");
	} else if (hp->kind == MODEL_HOP_ZONE) {
		p = t->profile;
	}
	if (p) {
		size_t o = strlen(buf);

		snprintf(buf + o, cap - o, " (profile %s)", p->name);
	}
}

void
rslv_trace_emit(const struct rslv_listener *l, const struct rslv_handled *h)
{
	if (!hns_trace_enabled)
		return;
	const struct rslv_trace *t = &h->res.trace;
	char hop[96], name[DNS_NAME_STRLEN], note[160];

	if (dns_name_to_str(h->q.q.name, h->q.q.name_len, name, sizeof(name)) != 0)
		name[0] = '\0';
	if (l->spec.from == RSLV_FROM_INBOUND && l->spec.inbound) {
		snprintf(hop, sizeof(hop), "inbound:%s", l->spec.inbound->name);
		hns_trace(hop, "inbound ENI %s (%s) -> VPC view", l->spec.label ? l->spec.label : "",
			  l->spec.eni && l->spec.eni->id ? l->spec.eni->id : "");
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct model_hop *hp = &t->hops[i];

		if (hp->ref)
			snprintf(hop, sizeof(hop), "%s:%s", model_hop_kind_str(hp->kind), hp->ref);
		else
			snprintf(hop, sizeof(hop), "%s", model_hop_kind_str(hp->kind));
		hop_note(t, &h->res, hp, note, sizeof(note));
		if (i + 1 < t->n)
			hns_trace(hop, "%s%s", name, note);
		else
			hns_trace(hop, "%s%s %s%s%s", name, note, t->what ? t->what : "",
				  t->endpoint ? " endpoint:" : "", t->endpoint ? t->endpoint->name : "");
	}
}

/* A forwarded question: the outbound forwarder answers p later. */
static void
handle_forward(struct rslv_server *s, struct rslv_listener *l, struct rslv_counters *ct,
	       const struct rslv_peer *p, const struct rslv_handled *h)
{
	struct rslv_fwd_job job;

	rslv_job_fill(&job, l, h);
	job.c.addr = p->addr;
	if (p->tcp) {
		job.c.tcp = true;
		job.c.conn = p->conn;
		rslv_fwd_submit_local(s, &job);
	} else {
		job.c.fd = p->fd;
		rslv_fwd_submit(s, &job);
	}
	rslv_count(&ct->forwarded);
}

enum rslv_step
rslv_handle(struct rslv_server *s, struct rslv_listener *l, struct rslv_counters *ct,
	    const struct rslv_peer *p, const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
	    hns_time_t now, struct rslv_handled *h)
{
	enum rslv_admit adm;

	rslv_count(&ct->queries);
	adm = rslv_listener_admit(s, l, ct, &p->addr, now);
	if (adm == RSLV_ADMIT_DROP)
		return RSLV_STEP_NONE;
	if (adm == RSLV_ADMIT_REFUSE) {
		rslv_answer_refused(pkt, len, out, cap, h);
	} else {
		rslv_answer(s->w, l->spec.view, l->spec.from, pkt, len, p->tcp, out, cap, h);
		if (__builtin_expect(hns_trace_enabled, 0) && h->parsed)
			rslv_trace_emit(l, h);
	}
	if (h->verdict == RSLV_FORWARDED) {
		handle_forward(s, l, ct, p, h);
		return RSLV_STEP_NONE;
	}
	if (h->verdict != RSLV_REPLY)
		return h->parsed ? RSLV_STEP_NONE : RSLV_STEP_HANGUP;
	if (!h->parsed && adm == RSLV_ADMIT_OK)
		rslv_count(&ct->formerr);
	rslv_count(&ct->answered);
	rslv_counters_rcode(ct, out, h->len);
	if (s->qlog && h->parsed)
		rslv_qlog_answer(s, l, &p->addr, p->tcp, h);
	return RSLV_STEP_SEND;
}
