/*
 * fuzz_decode.c: libFuzzer target for the frame decoder and the matcher.
 *
 * Input: one byte that picks the link type (an index into linktypes[]
 * below; fuzz/corpus/make-seeds.py uses the same order), then one frame.
 * A frame that decodes is fed to an engine that already holds the probes
 * the seed vectors quote, twice (a duplicate), before a fixed set of
 * replies, so hostile quotes reach the exact and the loose matcher, the
 * direct-answer matcher, and trace assembly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode.h"
#include "engine.h"
#include "lh.h"
#include "model.h"
#include "../tests/unit/pktbuild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keep in step with LINKTYPES in fuzz/corpus/make-seeds.py. */
static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, 101, DLT_IPV4,
	DLT_NULL, DLT_LOOP, DLT_PPP, DLT_PPP_SERIAL, 147, DLT_PPP_ETHER,
	DLT_C_HDLC, DLT_HDLC, DLT_PFLOG, DLT_NFLOG,
};
#define NLINKTYPES	(sizeof(linktypes) / sizeof(linktypes[0]))

#define ME	PB_A(192, 0, 2, 10)
#define R1	PB_A(198, 51, 100, 1)
#define DST	PB_A(203, 0, 113, 9)
#define T0	(1700000000LL * 1000000000)
#define MS	1000000LL

#define NPROBES	10

static struct pb probes[NPROBES], replies[NPROBES];
static int built;

static struct pb_ip
ipf(uint32_t src, uint32_t dst, uint8_t ttl, uint16_t id, uint8_t df)
{
	struct pb_ip ip = { .src = src, .dst = dst, .ttl = ttl, .id = id,
	    .df = df };

	return ip;
}

/* The probes test_decode.c's vectors quote or answer, and their replies. */
static void
build_once(void)
{
	static const struct { uint8_t ttl; uint16_t id, dport; } udp[] = {
		{ 1, 0x5a01, 33434 }, { 2, 0x5a04, 33437 },
		{ 1, 0x5a07, 33440 }, { 1, 0x5a08, 33441 },
	};
	size_t i, n = 0;

	for (i = 0; i < 4; i++, n++)
		pb_udp(&probes[n], ipf(ME, DST, udp[i].ttl, udp[i].id, 0),
		    45678, udp[i].dport, 32);
	pb_echo(&probes[n++], ipf(ME, DST, 1, 0x2e0f, 1), 8, 0x0d05, 1, 24);
	pb_echo(&probes[n++], ipf(ME, DST, 3, 0x2e11, 1), 8, 0x0d05, 3, 24);
	pb_tcp(&probes[n++], ipf(ME, DST, 1, 0x3a00, 1), 50123, 80,
	    0x6b8b4566, 0, PB_TH_SYN);
	pb_tcp(&probes[n++], ipf(ME, DST, 4, 0x3a01, 1), 50123, 80,
	    0x6b8b4567, 0, PB_TH_SYN);
	pb_tcp(&probes[n++], ipf(ME, DST, 5, 0x3a02, 1), 50124, 80,
	    0x327b23c6, 0x643c9869, PB_TH_ACK);
	pb_udp_ck(&probes[n++], ipf(ME, DST, 2, 0x1b2c, 0), 41000, 33435, 14,
	    0xdee9);
	for (i = 0; i < NPROBES; i++)
		pb_icmp_err(&replies[i], ipf(R1, ME, 255, (uint16_t)i, 0), 11, 0,
		    0, &probes[i], 28, 1);
	built = 1;
}

static int
emit_free(void *arg, struct trace *t, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	trace_free(t);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_opts o;
	struct engine *e;
	struct pkt p;
	char err[LH_ERRLEN];
	size_t i;
	int lt;

	if (size < 1)
		return 0;
	if (!built)
		build_once();
	lt = linktypes[data[0] % NLINKTYPES];
	if (decode_frame(lt, data + 1, size - 1, &p) != DEC_OK)
		return 0;

	engine_opts_default(&o);
	o.window_ns = 1000 * MS;
	o.late_ns = 20 * MS;
	if ((e = engine_new(&o, emit_free, NULL, err, sizeof(err))) == NULL)
		abort();
	for (i = 0; i < NPROBES; i++)
		if (engine_frame(e, DLT_RAW, T0 + (int64_t)i * MS, probes[i].b,
		    probes[i].len, err, sizeof(err)) != 0)
			abort();
	p.ts_ns = T0 + 15 * MS;
	if (engine_pkt(e, &p, err, sizeof(err)) != 0)
		abort();
	p.ts_ns = T0 + 30 * MS;		/* again: a duplicate, and late */
	if (engine_pkt(e, &p, err, sizeof(err)) != 0)
		abort();
	/* the same frame as a replay would feed it */
	if (engine_frame(e, lt, T0 + 31 * MS, data + 1, size - 1, err,
	    sizeof(err)) != 0)
		abort();
	for (i = 0; i < NPROBES; i++)
		if (engine_frame(e, DLT_RAW, T0 + 40 * MS + (int64_t)i * MS,
		    replies[i].b, replies[i].len, err, sizeof(err)) != 0)
			abort();
	if (engine_finish(e, err, sizeof(err)) != 0)
		abort();
	engine_free(e);
	return 0;
}
