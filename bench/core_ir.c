/*
 * bench/core_ir.c -- instructions per query of the forwarder core alone,
 * for valgrind --tool=callgrind (docs/forwarder.md, "Instruction counts of
 * the CNAME chase").  Not built by meson; against a release build DIR:
 *
 *   cc -O2 -std=gnu11 -IDIR -I. -o core_ir bench/core_ir.c \
 *      DIR/forwarder/libhns_forwarder.a DIR/model/libhns_model.a \
 *      DIR/dns/libhns_dns.a DIR/common/libhns_common.a \
 *      $(pkg-config --libs ldns yaml-0.1 libevent jansson libcares) -lpthread -lm
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=fwd_core_query \
 *      --toggle-collect=fwd_core_reply ./core_ir uncached|cname RULES
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=run_cached \
 *      ./core_ir cached RULES
 *
 * and divide the collected Ir by N.  uncached: N distinct names, each
 * answered by one A record; cname: the same answered by CNAME + A (a
 * complete chain); cached: one name N times after the uncached run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "forwarder/conf.h"
#include "forwarder/core.h"
#include "tests/unit/dns/mkpkt.h"

#define N 20000

static uint8_t sent[1500];
static size_t sent_len;
static unsigned sent_up;
static unsigned long answers;
static struct fwd_config *cfg;
static struct fwd_core *core;
static struct fwd_client cl;
static uint8_t out[4096];
static uint8_t qs[N][64];
static size_t ql[N];

static void
io_send(void *a, unsigned up, unsigned sock, bool tcp, const uint8_t *p, size_t n)
{
	memcpy(sent, p, n);
	sent_len = n;
	sent_up = up;
}

static void
io_answer(void *a, const struct fwd_client *c, const uint8_t *p, size_t n)
{
	answers++;
}

static const struct fwd_io_ops ops = { io_send, io_answer };

/* The answer to query q: its CNAME to t.corp.example, then t's A record. */
static size_t
reply_cname(const uint8_t *q, size_t qlen, uint8_t *r)
{
	static const uint8_t tgt[] = "\x01t\x04" "corp\x07" "example";
	struct dns_query dq;
	size_t len, tpos;

	if (dns_query_parse(q, qlen, &dq) != 0)
		return 0;
	len = dq.question_end;
	memcpy(r, q, len);
	dns_header_write(r, &(struct dns_header){ .id = dq.hdr.id, .qdcount = 1, .ancount = 2,
						  .flags = DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA });
	r[len++] = 0xc0;
	r[len++] = DNS_HEADER_LEN;
	dns_write_u16(r + len, DNS_TYPE_CNAME);
	dns_write_u16(r + len + 2, DNS_CLASS_IN);
	dns_write_u32(r + len + 4, 300);
	dns_write_u16(r + len + 8, sizeof(tgt));
	len += 10;
	memcpy(r + len, tgt, sizeof(tgt));
	tpos = len;
	len += sizeof(tgt);
	r[len++] = (uint8_t)(0xc0 | tpos >> 8);
	r[len++] = (uint8_t)tpos;
	dns_write_u16(r + len, DNS_TYPE_A);
	dns_write_u16(r + len + 2, DNS_CLASS_IN);
	dns_write_u32(r + len + 4, 300);
	dns_write_u16(r + len + 8, 4);
	dns_write_u32(r + len + 10, 0x0a000001);
	return len + 14;
}

__attribute__((noinline)) void run_forwarded(hns_time_t t, bool cname);
__attribute__((noinline)) void run_cached(hns_time_t t);

void
run_forwarded(hns_time_t t, bool cname)
{
	uint8_t r[512];

	for (int i = 0; i < N; i++) {
		fwd_core_query(core, &cl, qs[i], ql[i], t, out, sizeof(out));
		size_t n = cname ? reply_cname(sent, sent_len, r)
				 : mkreply(sent, sent_len, 0x0a000001, 300, r, sizeof(r));

		fwd_core_reply(core, &cfg->upstreams[sent_up].real, 0, false, r, n, t);
	}
}

void
run_cached(hns_time_t t)
{
	for (int i = 0; i < N; i++)
		fwd_core_query(core, &cl, qs[0], ql[0], t, out, sizeof(out));
}

int
main(int argc, char **argv)
{
	struct hns_addr a;
	uint16_t u = 0;
	hns_time_t t = 1000 * HNS_NSEC_PER_SEC;

	if (argc != 3) {
		fprintf(stderr, "usage: core_ir uncached|cname|cached RULES\n");
		return 2;
	}
	if (fwd_config_new("bench", &cfg) != 0 || hns_addr_parse_port("127.0.0.1:5301", &a) != 0 ||
	    fwd_config_add_upstream(cfg, &a, &a) != 0)
		return 3;
	for (int i = 1; i < atoi(argv[2]); i++) {
		char z[64];

		snprintf(z, sizeof(z), "zone%d.example", i);
		fwd_config_add_forward(cfg, z, &u, 1, FWD_POLICY_SEQUENTIAL, 1000, 1);
	}
	fwd_config_add_forward(cfg, "corp.example", &u, 1, FWD_POLICY_SEQUENTIAL, 1000, 1);
	cfg->upstream_socks = 1;
	cfg->cache.enabled = true;
	cfg->cache.max_entries = 3 * N;
	if (fwd_core_new(cfg, &ops, NULL, 1, &core) != 0)
		return 3;
	hns_addr_parse_port("127.0.0.1:40000", &cl.addr);
	for (int i = 0; i < N; i++) {
		char name[64];

		snprintf(name, sizeof(name), "h%d.corp.example", i);
		ql[i] = mkquery((uint16_t)i, name, DNS_TYPE_A, true, qs[i], sizeof(qs[i]));
	}
	if (strcmp(argv[1], "cached") == 0) {
		run_forwarded(t, false);
		run_cached(t + 1000);
	} else {
		run_forwarded(t, strcmp(argv[1], "cname") == 0);
	}
	fprintf(stderr, "%lu answers\n", answers);
	return answers >= N ? 0 : 1;
}
