/*
 * common/addr.h -- IP addresses, address:port pairs and CIDR prefixes.
 *
 * struct hns_addr is a plain value (no heap): family, 16 address bytes
 * (IPv4 in the first 4), and a port in host order (0 when none was given).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct sockaddr_storage;

struct hns_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t bytes[16];
	uint16_t port; /* host order, 0 = unspecified */
};

struct hns_cidr {
	struct hns_addr base; /* host bits cleared */
	uint8_t prefix;	      /* 0..32 or 0..128 */
};

/* Longest text form of an address with port: "[ffff:...:ffff]:65535". */
#define HNS_ADDR_STRLEN 56

/* Parse "10.0.1.10", "::1" (no port). Returns 0 or HNS_EADDR. */
int hns_addr_parse(const char *s, struct hns_addr *out);
/*
 * Parse an address with an optional port: "10.0.1.10", "10.0.1.10:5353",
 * "::1", "[::1]:5353".  A port of 0 or above 65535 is an error.
 */
int hns_addr_parse_port(const char *s, struct hns_addr *out);
/* Parse "10.0.0.0/16". Host bits set beyond the prefix are an error (AWS rejects them). */
int hns_cidr_parse(const char *s, struct hns_cidr *out);

bool hns_addr_equal(const struct hns_addr *a, const struct hns_addr *b); /* ignores port */
bool hns_cidr_contains(const struct hns_cidr *c, const struct hns_addr *a);
/* Whether inner lies wholly inside outer. */
bool hns_cidr_within(const struct hns_cidr *inner, const struct hns_cidr *outer);
bool hns_cidr_overlap(const struct hns_cidr *a, const struct hns_cidr *b);
/* 127.0.0.0/8 or ::1. */
bool hns_addr_is_loopback(const struct hns_addr *a);

/* Address only ("10.0.1.10", "::1"); returns buf. */
const char *hns_addr_str(const struct hns_addr *a, char *buf, size_t len);
/* With port when set ("10.0.1.10:53", "[::1]:53"); returns buf. */
const char *hns_addr_port_str(const struct hns_addr *a, char *buf, size_t len);
const char *hns_cidr_str(const struct hns_cidr *c, char *buf, size_t len);

/* Host-order IPv4 value of an AF_INET address. */
uint32_t hns_addr_v4(const struct hns_addr *a);
void hns_addr_from_v4(struct hns_addr *a, uint32_t host_order, uint16_t port);

/* Conversions to and from socket addresses; the port comes along. */
socklen_t hns_addr_to_sockaddr(const struct hns_addr *a, struct sockaddr_storage *ss);
int hns_addr_from_sockaddr(struct hns_addr *a, const struct sockaddr *sa);
