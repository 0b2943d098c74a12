/*
 * dns/names.c -- rcode and RR type names (see names.h).
 */
#include "config.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>

#include "dns/names.h"

const char *
dns_rcode_name(unsigned rcode, char *buf, size_t cap)
{
	/* RFC 1035 4.1.1 (0-5), RFC 2136 2.2 (6-10). */
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP",	"REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	snprintf(buf, cap, "RCODE%u", rcode);
	return buf;
}

const char *
dns_type_name(uint16_t type, char *buf, size_t cap)
{
	char *s = ldns_rr_type2str((ldns_rr_type)type);

	if (s)
		snprintf(buf, cap, "%s", s);
	else
		snprintf(buf, cap, "TYPE%u", type);
	free(s);
	return buf;
}
