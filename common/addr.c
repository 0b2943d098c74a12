#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/error.h"

int
hns_addr_parse(const char *s, struct hns_addr *out)
{
	struct hns_addr a = { 0 };

	if (s == NULL)
		return HNS_EADDR;
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, a.bytes) != 1)
			return HNS_EADDR;
		a.family = AF_INET6;
	} else {
		/* inet_pton accepts only dotted quads of four decimal parts. */
		if (inet_pton(AF_INET, s, a.bytes) != 1)
			return HNS_EADDR;
		a.family = AF_INET;
	}
	*out = a;
	return 0;
}

static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return HNS_EADDR;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return HNS_EADDR;
	*port = (uint16_t)v;
	return 0;
}

int
hns_addr_parse_port(const char *s, struct hns_addr *out)
{
	char buf[64];
	const char *colon;
	struct hns_addr a;
	uint16_t port = 0;
	size_t n;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return HNS_EADDR;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return HNS_EADDR;
		n = (size_t)(close - s - 1);
		memcpy(buf, s + 1, n);
		buf[n] = '\0';
		if (close[1] == ':') {
			if (parse_port(close + 2, &port) != 0)
				return HNS_EADDR;
		} else if (close[1] != '\0') {
			return HNS_EADDR;
		}
		if (hns_addr_parse(buf, &a) != 0 || a.family != AF_INET6)
			return HNS_EADDR;
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			/* Exactly one colon: IPv4 with a port. */
			n = (size_t)(colon - s);
			memcpy(buf, s, n);
			buf[n] = '\0';
			if (parse_port(colon + 1, &port) != 0)
				return HNS_EADDR;
			if (hns_addr_parse(buf, &a) != 0)
				return HNS_EADDR;
		} else if (hns_addr_parse(s, &a) != 0) {
			return HNS_EADDR;
		}
	}
	a.port = port;
	*out = a;
	return 0;
}

static unsigned
addr_bits(const struct hns_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static bool
prefix_equal(const uint8_t *x, const uint8_t *y, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(x, y, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (x[full] & mask) == (y[full] & mask);
}

int
hns_cidr_parse(const char *s, struct hns_cidr *out)
{
	char buf[64];
	const char *slash;
	struct hns_cidr c = { 0 };
	char *end;
	unsigned long prefix;
	size_t n;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return HNS_EADDR;
	n = (size_t)(slash - s);
	if (n >= sizeof(buf))
		return HNS_EADDR;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (hns_addr_parse(buf, &c.base) != 0)
		return HNS_EADDR;
	if (slash[1] < '0' || slash[1] > '9')
		return HNS_EADDR;
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || prefix > addr_bits(&c.base))
		return HNS_EADDR;
	c.prefix = (uint8_t)prefix;
	/* Host bits must be clear: 10.0.1.0/16 is a typo, not a network. */
	for (unsigned bit = c.prefix; bit < addr_bits(&c.base); bit++) {
		if (c.base.bytes[bit / 8] & (0x80 >> (bit % 8)))
			return HNS_EADDR;
	}
	*out = c;
	return 0;
}

bool
hns_addr_equal(const struct hns_addr *a, const struct hns_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

bool
hns_cidr_contains(const struct hns_cidr *c, const struct hns_addr *a)
{
	if (c->base.family != a->family)
		return false;
	return prefix_equal(c->base.bytes, a->bytes, c->prefix);
}

bool
hns_cidr_within(const struct hns_cidr *inner, const struct hns_cidr *outer)
{
	return inner->prefix >= outer->prefix && hns_cidr_contains(outer, &inner->base);
}

bool
hns_cidr_overlap(const struct hns_cidr *a, const struct hns_cidr *b)
{
	return hns_cidr_within(a, b) || hns_cidr_within(b, a);
}

bool
hns_addr_is_loopback(const struct hns_addr *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	if (a->family == AF_INET6)
		return memcmp(a->bytes, v6_loopback, 16) == 0;
	return false;
}

const char *
hns_addr_str(const struct hns_addr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return buf;
}

const char *
hns_addr_port_str(const struct hns_addr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	hns_addr_str(a, host, sizeof(host));
	if (a->port == 0)
		snprintf(buf, len, "%s", host);
	else if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, a->port);
	else
		snprintf(buf, len, "%s:%u", host, a->port);
	return buf;
}

const char *
hns_cidr_str(const struct hns_cidr *c, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", hns_addr_str(&c->base, host, sizeof(host)), c->prefix);
	return buf;
}

uint32_t
hns_addr_v4(const struct hns_addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	       (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

void
hns_addr_from_v4(struct hns_addr *a, uint32_t v, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->bytes[0] = (uint8_t)(v >> 24);
	a->bytes[1] = (uint8_t)(v >> 16);
	a->bytes[2] = (uint8_t)(v >> 8);
	a->bytes[3] = (uint8_t)v;
	a->port = port;
}

socklen_t
hns_addr_to_sockaddr(const struct hns_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(a->port);
	memcpy(&sin6->sin6_addr, a->bytes, 16);
	return sizeof(*sin6);
}

int
hns_addr_from_sockaddr(struct hns_addr *a, const struct sockaddr *sa)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->family = AF_INET;
		memcpy(a->bytes, &sin->sin_addr, 4);
		a->port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		a->family = AF_INET6;
		memcpy(a->bytes, &sin6->sin6_addr, 16);
		a->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return HNS_EADDR;
}
