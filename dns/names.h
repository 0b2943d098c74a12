/*
 * dns/names.h -- the presentation names of DNS codes: rcodes and RR types.
 *
 * The one place a number becomes "NXDOMAIN" or "AAAA" (query logs, traces,
 * check and lint reports, load reports).  A code without a name prints as
 * its number, in the form RFC 3597 uses for types: RCODE15, TYPE65280.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Room for any name these functions write: "RCODE4294967295", "TYPE65535", "NSEC3PARAM". */
#define DNS_RCODE_STRLEN 16
#define DNS_TYPE_STRLEN 16

/*
 * The rcode's mnemonic (RFC 1035, RFC 2136: NOERROR ... NOTZONE, as the IANA
 * registry spells them, NOTIMP included), or "RCODE<n>" written into buf.
 * Returns the name (static or buf).
 */
const char *dns_rcode_name(unsigned rcode, char *buf, size_t cap);

/* The RR type's mnemonic as ldns knows it ("A", "AXFR", "ANY"), or "TYPE<n>"; written into buf. */
const char *dns_type_name(uint16_t type, char *buf, size_t cap);

/* The same with a buffer that lives until the end of the enclosing block (for one printf). */
#define DNS_RCODE_NAME(rc) dns_rcode_name((rc), (char[DNS_RCODE_STRLEN]){ 0 }, DNS_RCODE_STRLEN)
#define DNS_TYPE_NAME(t) dns_type_name((t), (char[DNS_TYPE_STRLEN]){ 0 }, DNS_TYPE_STRLEN)
