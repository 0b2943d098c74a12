#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "resolver/qlog_json.h"

void
rslv_qlog_rdata(const ldns_rr *rr, char *buf, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_rd_count(rr) && o + 1 < cap; i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));

		if (s) {
			o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? " " : "", s);
			if (o >= cap)
				o = cap - 1;
			free(s);
		}
	}
}

/* {"Rdata":<text as a JSON string>,"Type":"<type>","Class":"IN"}, malloc'd. */
static char *
item_new(const char *text, const char *type)
{
	char *esc = hns_json_str_dup(text, strlen(text)), *item = NULL;

	if (esc && asprintf(&item, "{\"Rdata\":%s,\"Type\":\"%s\",\"Class\":\"IN\"}", esc, type) < 0)
		item = NULL;
	free(esc);
	return item;
}

char *
rslv_qlog_item_rr(const ldns_rr *rr)
{
	char rdata[1024], *tname = ldns_rr_type2str(ldns_rr_get_type(rr)), *item;

	rslv_qlog_rdata(rr, rdata, sizeof(rdata));
	item = item_new(rdata, tname ? tname : "?");
	free(tname);
	return item;
}

void
rslv_qlog_item_addr(const struct hns_addr *ip, char *item, size_t cap)
{
	char a[HNS_ADDR_STRLEN];

	snprintf(item, cap, "{\"Rdata\":\"%s\",\"Type\":\"%s\",\"Class\":\"IN\"}",
		 hns_addr_str(ip, a, sizeof(a)), ip->family == AF_INET ? "A" : "AAAA");
}

int
rslv_qlog_item_synth(const struct rslv_result *res, bool fqdn, char *item, size_t cap)
{
	char text[DNS_NAME_STRLEN + 64];
	uint32_t a = res->synth_v4;

	if (res->synth_type == DNS_TYPE_A) {
		snprintf(text, sizeof(text), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
			 (a >> 8) & 0xff, a & 0xff);
	} else if (dns_name_to_str(res->synth_name, res->synth_name_len, text, sizeof(text) - 1) < 0) {
		text[0] = '\0';
	} else if (fqdn) {
		strcat(text, ".");
	}
	char *s = item_new(text, res->synth_type == DNS_TYPE_A ? "A" : "PTR");

	if (!s)
		return HNS_ENOMEM;
	snprintf(item, cap, "%s", s);
	free(s);
	return 0;
}
