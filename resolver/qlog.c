#include "config.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "dns/names.h"
#include "resolver/internal.h"
#include "resolver/qlog_json.h"

/*
 * Route 53 Resolver query logs (R15): one JSON object per line, the field
 * set of the documented format (docs/aws-semantics.md, R15).  Written only
 * when --query-log is given; off the fast path's way otherwise.
 */

static void
json_str(FILE *f, const char *s)
{
	hns_json_str_write(f, s, strlen(s));
}

/* Everything but the answers; the caller writes `"answers":[...]}` and the newline. */
static void
qlog_head(FILE *f, struct rslv_server *s, const struct rslv_listener *l,
	  const struct hns_addr *client, bool tcp, const uint8_t *qname, size_t qlen,
	  uint16_t qtype, unsigned rcode, const struct model_rule *rule)
{
	const struct model *m = s->m;
	const struct model_vpc *vpc = l->spec.view < m->n_vpcs ? &m->vpcs[l->spec.view] : NULL;
	char name[DNS_NAME_STRLEN], ts[32], tn[24], addr[HNS_ADDR_STRLEN];
	time_t now = time(NULL);
	struct tm tm;

	if (dns_name_to_str(qname, qlen, name, sizeof(name)) != 0)
		snprintf(name, sizeof(name), "?");
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	dns_type_name(qtype, tn, sizeof(tn));
	fprintf(f, "{\"version\":\"1.100000\",\"account_id\":");
	json_str(f, vpc && vpc->account ? vpc->account : m->account ? m->account : "111122223333");
	fprintf(f, ",\"region\":");
	json_str(f, vpc ? vpc->region : m->region);
	fprintf(f, ",\"vpc_id\":");
	json_str(f, vpc ? vpc->id : "");
	fprintf(f, ",\"query_timestamp\":\"%s\",\"query_name\":", ts);
	size_t nl = strlen(name);

	if (nl + 2 < sizeof(name)) {
		name[nl] = '.';
		name[nl + 1] = '\0';
	}
	json_str(f, name);
	fprintf(f, ",\"query_type\":\"%s\",\"query_class\":\"IN\",\"rcode\":\"%s\",", tn,
		DNS_RCODE_NAME(rcode));
	fprintf(f, "\"srcaddr\":\"%s\",\"srcport\":\"%u\",\"transport\":\"%s\",\"srcids\":{",
		hns_addr_str(client, addr, sizeof(addr)), client->port, tcp ? "TCP" : "UDP");
	if (l->spec.from == RSLV_FROM_INBOUND && l->spec.inbound) {
		fprintf(f, "\"resolver_endpoint\":");
		json_str(f, l->spec.inbound->id ? l->spec.inbound->id : "");
		if (l->spec.eni) {
			fprintf(f, ",\"resolver_network_interface\":");
			json_str(f, l->spec.eni->id ? l->spec.eni->id : "");
		}
	} else if (rule && rule->endpoint) {
		fprintf(f, "\"resolver_endpoint\":");
		json_str(f, rule->endpoint->id ? rule->endpoint->id : "");
	}
	fprintf(f, "},");
}

/* The DNS Firewall fields, present when a rule with ALERT or BLOCK matched (R15). */
static void
qlog_firewall(FILE *f, const struct rslv_fw_step *st)
{
	fprintf(f, "\"firewall_rule_group_id\":");
	json_str(f, st->group->id);
	fprintf(f, ",\"firewall_rule_action\":\"%s\",\"firewall_domain_list_id\":",
		st->rule->action == MODEL_FW_BLOCK ? "BLOCK" : "ALERT");
	json_str(f, st->rule->id);
	fprintf(f, ",");
}

void
rslv_qlog_answer(struct rslv_server *s, const struct rslv_listener *l,
		 const struct hns_addr *client, bool tcp, const struct rslv_handled *h)
{
	if (!s->qlog || l->spec.from == RSLV_FROM_INTERNET)
		return;
	const struct rslv_result *r = &h->res;
	char synth[DNS_NAME_STRLEN + 128] = "";

	if (!r->answer && (r->synth_type == DNS_TYPE_A || r->synth_type == DNS_TYPE_PTR) &&
	    rslv_qlog_item_synth(r, true, synth, sizeof(synth)) != 0)
		synth[0] = '\0';
	pthread_mutex_lock(&s->qlog_mu);
	qlog_head(s->qlog, s, l, client, tcp, h->q.q.name, h->q.q.name_len, h->q.q.qtype,
		  r->rcode, NULL);
	if (r->fw && r->fw->rule->action != MODEL_FW_ALLOW)
		qlog_firewall(s->qlog, r->fw);
	fprintf(s->qlog, "\"answers\":[%s]}\n", r->answer ? r->answer->json : synth);
	fflush(s->qlog);
	pthread_mutex_unlock(&s->qlog_mu);
}

void
rslv_qlog_packet(struct rslv_server *s, const struct rslv_listener *l,
		 const struct hns_addr *client, bool tcp, const uint8_t *qname, size_t qlen,
		 uint16_t qtype, const uint8_t *pkt, size_t len, const struct model_rule *rule)
{
	ldns_pkt *p = NULL;
	unsigned rcode = DNS_RCODE_SERVFAIL;

	if (!s->qlog || !l || l->spec.from == RSLV_FROM_INTERNET)
		return;
	if (pkt && ldns_wire2pkt(&p, pkt, len) == LDNS_STATUS_OK)
		rcode = ldns_pkt_get_rcode(p);
	pthread_mutex_lock(&s->qlog_mu);
	qlog_head(s->qlog, s, l, client, tcp, qname, qlen, qtype, rcode, rule);
	fprintf(s->qlog, "\"answers\":[");
	for (size_t i = 0; p && i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++) {
		char *item = rslv_qlog_item_rr(ldns_rr_list_rr(ldns_pkt_answer(p), i));

		if (item)
			fprintf(s->qlog, "%s%s", i ? "," : "", item);
		free(item);
	}
	fprintf(s->qlog, "]}\n");
	fflush(s->qlog);
	pthread_mutex_unlock(&s->qlog_mu);
	ldns_pkt_free(p);
}
