/*
 * test_engine.c: the matcher and trace assembly, fed packet sequences the
 * way common traceroute tools put them on the wire.
 *
 * Packets are built with pktbuild.h (raw IPv4, correct checksums) and go
 * through engine_frame(), so the decoder is on the path as in a replay.  A
 * capture-list emit callback keeps every trace in emission order; each test
 * then checks hops, responders, RTTs, counters and the stop reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "engine.h"
#include "lh.h"
#include "model.h"
#include "pktbuild.h"
#include "probe.h"

#define ME	PB_A(192, 0, 2, 10)
#define R1	PB_A(198, 51, 100, 1)
#define R2	PB_A(198, 51, 100, 2)
#define R3	PB_A(198, 51, 100, 3)
#define R4	PB_A(198, 51, 100, 4)
#define DST	PB_A(203, 0, 113, 9)
#define DST2	PB_A(203, 0, 113, 77)
#define DNS	PB_A(192, 0, 2, 53)

#define T0	(1700000000LL * 1000000000)	/* capture start */
#define MS	1000000LL
#define US	1000LL

/* ---- a capture-list emit callback ---- */

#define SINK_MAX	16

struct sink {
	struct trace	*t[SINK_MAX];
	size_t		 n;
};

static int
sink_emit(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct sink *s = arg;

	(void)err;
	(void)errlen;
	if (s->n >= SINK_MAX) {
		trace_free(t);
		return lh_err(err, errlen, "sink full");
	}
	s->t[s->n++] = t;
	return 0;
}

static void
sink_free(struct sink *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		trace_free(s->t[i]);
	s->n = 0;
}

/* Fixture: an engine with default options and an empty sink. */
struct fx {
	struct engine_opts	 o;
	struct engine		*e;
	struct sink		 s;
	char			 err[LH_ERRLEN];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	engine_opts_default(&f->o);
	f->o.file = "test.pcap";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	engine_free(f->e);
	sink_free(&f->s);
	free(f);
	return 0;
}

static struct engine *
start(struct fx *f)
{
	f->e = engine_new(&f->o, sink_emit, &f->s, f->err, sizeof(f->err));
	assert_non_null(f->e);
	return f->e;
}

static void
feed(struct fx *f, int64_t ts, const struct pb *p)
{
	if (engine_frame(f->e, DLT_RAW, ts, p->b, p->len, f->err,
	    sizeof(f->err)) != 0)
		fail_msg("engine_frame: %s", f->err);
}

static void
finish(struct fx *f)
{
	if (engine_finish(f->e, f->err, sizeof(f->err)) != 0)
		fail_msg("engine_finish: %s", f->err);
}

static struct pb_ip
ipf(uint32_t src, uint32_t dst, uint8_t ttl, uint16_t id)
{
	struct pb_ip ip = { .src = src, .dst = dst, .ttl = ttl, .id = id };

	return ip;
}

/* A router's (or the destination's) ICMP error quoting probe. */
static void
icmp_err(struct fx *f, int64_t ts, uint32_t from, uint8_t type, uint8_t code,
    const struct pb *probe, size_t qlen)
{
	struct pb r;

	pb_icmp_err(&r, ipf(from, ME, 250, 0x7000), type, code, 0, probe,
	    qlen, 1);
	feed(f, ts, &r);
}

static void
time_exceeded(struct fx *f, int64_t ts, uint32_t from, const struct pb *probe)
{
	icmp_err(f, ts, from, 11, 0, probe, 28);
}

/* The probe of hop ttl (1-based), k-th at that TTL, in the trace t. */
static const struct probe *
hop_probe(const struct trace *t, size_t hop, size_t k)
{
	assert_true(hop < t->nhops);
	assert_true(k < t->hops[hop].n);
	return &t->probes[t->hops[hop].first + k];
}

static const struct trace *
only_trace(struct fx *f)
{
	if (f->s.n != 1)
		fail_msg("%zu traces emitted, want 1", f->s.n);
	return f->s.t[0];
}

/* ---- classic UDP, Linux traceroute ---- */

/*
 * traceroute -q 3 -N 16: TTLs 1..5 go out at once, destination port
 * 33434 + probe number, IP IDs counting up.  The destination is three hops
 * away, so the probes at TTL 4 and 5 are answered by it too.
 */
static void
test_udp_classic(void **state)
{
	struct fx *f = *state;
	struct pb pr[15];
	const struct trace *t;
	static const uint32_t by[] = { R1, R2, DST, DST, DST };
	int i, h, k;

	start(f);
	for (i = 0; i < 15; i++) {
		pb_udp(&pr[i], ipf(ME, DST, (uint8_t)(i / 3 + 1),
		    (uint16_t)(0x5a01 + i)), 45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 100 * US, &pr[i]);
	}
	/* Answers, in network order: nearer hops first. */
	for (i = 0; i < 15; i++) {
		int64_t rx = T0 + i * 100 * US + (i / 3 + 1) * MS + (i % 3) * 10 * US;

		if (by[i / 3] == DST)
			icmp_err(f, rx, DST, 3, 3, &pr[i], 28);
		else
			time_exceeded(f, rx, by[i / 3], &pr[i]);
	}
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->method, M_UDP);
	assert_int_equal(t->src, ME);
	assert_int_equal(t->dst, DST);
	assert_int_equal(t->proto, 17);
	assert_false(t->has_flow);
	assert_int_equal(t->nprobes, 15);
	assert_int_equal(t->nhops, 3);		/* TTL 4 and 5 trimmed */
	assert_int_equal(t->past_dst, 6);
	assert_int_equal(t->replies, 15);
	assert_int_equal(t->stop, STOP_COMPLETED);
	assert_string_equal(stop_name(t->stop), "completed");
	for (h = 0; h < 3; h++) {
		assert_int_equal(t->hops[h].ttl, h + 1);
		assert_int_equal(t->hops[h].n, 3);
		for (k = 0; k < 3; k++) {
			const struct probe *p = hop_probe(t, (size_t)h, (size_t)k);

			i = h * 3 + k;
			assert_int_equal(p->raddr, by[h]);
			assert_int_equal(p->dport, 33434 + i);
			assert_int_equal(p->sport, 45678);
			assert_int_equal(p->ipid, 0x5a01 + i);
			assert_int_equal(p->rx_ns - p->tx_ns,
			    (h + 1) * MS + k * 10 * US);
			assert_int_equal(p->rkind, h < 2 ? RK_TIME_EXCEEDED :
			    RK_UNREACH);
			assert_int_equal(p->qttl, 1);
			assert_int_equal(p->rttl, 250);
			assert_false(p->nat);
			assert_false(p->late);
		}
	}
	assert_int_equal(hop_probe(t, 2, 0)->rcode, 3);
	assert_int_equal(engine_stats(f->e)->matched, 15);
	assert_int_equal(engine_stats(f->e)->traces, 1);
}

/* ---- Paris UDP, scamper style ---- */

/*
 * Constant ports; the probe's identity is in the IP ID and the UDP checksum
 * (set through the payload).  Two probes per TTL; the answers come back out
 * of order and must still land on the right TTL.
 */
static void
test_udp_paris(void **state)
{
	struct fx *f = *state;
	struct pb pr[8];
	const struct trace *t;
	static const uint32_t by[] = { R1, R2, R3, DST };
	static const int order[] = { 3, 1, 2, 0, 7, 6, 5, 4 };
	int i, h, k;

	start(f);
	for (i = 0; i < 8; i++) {
		pb_udp_ck(&pr[i], ipf(ME, DST, (uint8_t)(i / 2 + 1),
		    (uint16_t)(i + 1)), 41000, 33435, 12, (uint16_t)(0x1000 + i));
		assert_int_equal(pb_l4_ck(&pr[i]), 0x1000 + i);
		feed(f, T0 + i * MS, &pr[i]);
	}
	for (i = 0; i < 8; i++) {
		int n = order[i];

		if (by[n / 2] == DST)
			icmp_err(f, T0 + 20 * MS + i * MS, DST, 3, 3, &pr[n], 28);
		else
			time_exceeded(f, T0 + 20 * MS + i * MS, by[n / 2], &pr[n]);
	}
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->method, M_UDP_PARIS);
	assert_string_equal(method_name(t->method), "udp-paris");
	assert_true(t->has_flow);
	assert_int_equal(t->flow_sport, 41000);
	assert_int_equal(t->flow_dport, 33435);
	assert_int_equal(t->nhops, 4);
	assert_int_equal(t->stop, STOP_COMPLETED);
	for (h = 0; h < 4; h++)
		for (k = 0; k < 2; k++) {
			const struct probe *p = hop_probe(t, (size_t)h, (size_t)k);

			assert_int_equal(p->ttl, h + 1);
			assert_int_equal(p->ipid, h * 2 + k + 1);
			assert_int_equal(p->csum, 0x1000 + h * 2 + k);
			assert_int_equal(p->raddr, by[h]);
			assert_false(p->nat);
		}
	/* probe 3 (TTL 2) was answered first, 20 ms after the start */
	assert_int_equal(hop_probe(t, 1, 1)->rx_ns, T0 + 20 * MS);
	assert_int_equal(hop_probe(t, 0, 0)->rx_ns, T0 + 23 * MS);
}

/* ---- ICMP echo, classic and Paris ---- */

static void
run_icmp(struct fx *f, int paris)
{
	struct pb pr[9], r;
	static const uint32_t by[] = { R1, R2, DST };
	int i;

	start(f);
	for (i = 0; i < 9; i++) {
		struct pb_ip ip = ipf(ME, DST, (uint8_t)(i / 3 + 1),
		    (uint16_t)(0x2e00 + i));

		if (paris)
			pb_echo_ck(&pr[i], ip, 0x0d05, (uint16_t)(i + 1), 32,
			    0x4242);
		else
			pb_echo(&pr[i], ip, 8, 0x0d05, (uint16_t)(i + 1), 32);
		feed(f, T0 + i * 50 * MS, &pr[i]);
		if (by[i / 3] == DST) {
			pb_echo(&r, ipf(DST, ME, 61, (uint16_t)(0x9000 + i)), 0,
			    0x0d05, (uint16_t)(i + 1), 32);
			feed(f, T0 + i * 50 * MS + 3 * MS, &r);
		} else
			time_exceeded(f, T0 + i * 50 * MS + (i / 3 + 1) * MS,
			    by[i / 3], &pr[i]);
	}
	finish(f);
}

static void
test_icmp_classic(void **state)
{
	struct fx *f = *state;
	const struct trace *t;
	int h;

	run_icmp(f, 0);
	t = only_trace(f);
	assert_int_equal(t->method, M_ICMP);
	assert_int_equal(t->proto, 1);
	assert_int_equal(t->echo_id, 0x0d05);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->stop, STOP_COMPLETED);
	for (h = 0; h < 3; h++)
		assert_int_equal(hop_probe(t, (size_t)h, 2)->raddr,
		    h == 0 ? R1 : h == 1 ? R2 : DST);
	assert_int_equal(hop_probe(t, 2, 1)->rkind, RK_ECHO_REPLY);
	assert_int_equal(hop_probe(t, 2, 1)->dport, 8);	/* seq */
	assert_int_equal(hop_probe(t, 2, 1)->rx_ns - hop_probe(t, 2, 1)->tx_ns,
	    3 * MS);
	assert_int_equal(hop_probe(t, 1, 0)->rx_ns - hop_probe(t, 1, 0)->tx_ns,
	    2 * MS);
}

static void
test_icmp_paris(void **state)
{
	struct fx *f = *state;
	const struct trace *t;
	size_t i;

	run_icmp(f, 1);
	t = only_trace(f);
	assert_int_equal(t->method, M_ICMP_PARIS);
	assert_string_equal(method_name(t->method), "icmp-paris");
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->replies, 9);
	for (i = 0; i < t->nprobes; i++)
		assert_int_equal(t->probes[i].csum, 0x4242);
	assert_int_equal(t->stop, STOP_COMPLETED);
}

/* ---- TCP ---- */

/*
 * tcptraceroute: constant ports and sequence number, the IP ID counts up;
 * one probe at a time.  The destination (TTL 4) answers with a SYN-ACK, or
 * with a RST when the port is closed.
 */
static void
run_tcp_syn(struct fx *f, uint8_t answer_flags)
{
	struct pb pr, r;
	static const uint32_t by[] = { R1, R2, R3, DST };
	int i;
	int64_t ts;

	start(f);
	for (i = 0; i < 12; i++) {
		ts = T0 + i * 100 * MS;
		pb_tcp(&pr, ipf(ME, DST, (uint8_t)(i / 3 + 1),
		    (uint16_t)(0x3a01 + i)), 50123, 80, 0x6b8b4567, 0, PB_TH_SYN);
		feed(f, ts, &pr);
		if (by[i / 3] == DST) {
			pb_tcp(&r, ipf(DST, ME, 55, 0), 80, 50123,
			    (uint32_t)(0x19495cff + i), 0x6b8b4568, answer_flags);
			feed(f, ts + 5 * MS, &r);
		} else
			time_exceeded(f, ts + (i / 3 + 1) * MS, by[i / 3], &pr);
	}
	finish(f);
}

static void
check_tcp_syn(struct fx *f, enum reply_kind rk, uint8_t rflags)
{
	const struct trace *t = only_trace(f);
	int h, k;

	assert_int_equal(t->method, M_TCP_SYN);
	assert_string_equal(method_name(t->method), "tcp-syn");
	assert_true(t->has_flow);
	assert_int_equal(t->flow_sport, 50123);
	assert_int_equal(t->flow_dport, 80);
	assert_int_equal(t->nhops, 4);
	assert_int_equal(t->replies, 12);
	assert_int_equal(t->dups, 0);
	assert_int_equal(t->ambiguous, 0);
	assert_int_equal(t->stop, STOP_COMPLETED);
	for (h = 0; h < 4; h++)
		for (k = 0; k < 3; k++) {
			const struct probe *p = hop_probe(t, (size_t)h, (size_t)k);

			assert_int_equal(p->ipid, 0x3a01 + h * 3 + k);
			assert_int_equal(p->raddr, h == 3 ? DST :
			    h == 0 ? R1 : h == 1 ? R2 : R3);
			assert_int_equal(p->rx_ns - p->tx_ns,
			    h == 3 ? 5 * MS : (h + 1) * MS);
			if (h == 3) {
				assert_int_equal(p->rkind, rk);
				assert_int_equal(p->rtcpflags, rflags);
			}
		}
}

static void
test_tcp_syn_synack(void **state)
{
	struct fx *f = *state;

	run_tcp_syn(f, PB_TH_SYN | PB_TH_ACK);
	check_tcp_syn(f, RK_TCP_SYNACK, PB_TH_SYN | PB_TH_ACK);
}

static void
test_tcp_syn_rst(void **state)
{
	struct fx *f = *state;

	run_tcp_syn(f, PB_TH_RST | PB_TH_ACK);
	check_tcp_syn(f, RK_TCP_RST, PB_TH_RST | PB_TH_ACK);
}

/*
 * TCP ACK probes: the acknowledgment number differs per probe and the
 * destination's RST carries it back as its sequence number.  The three
 * probes at the last TTL go out together and are answered in reverse.
 */
static void
test_tcp_ack_rst(void **state)
{
	struct fx *f = *state;
	struct pb pr[6], r;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 6; i++) {
		pb_tcp(&pr[i], ipf(ME, DST, (uint8_t)(i / 3 + 1),
		    (uint16_t)(0x4000 + i)), 50124, 80, 0x327b23c6,
		    (uint32_t)(0x643c9869 + i * 1000), PB_TH_ACK);
		feed(f, T0 + i * MS, &pr[i]);
	}
	for (i = 0; i < 3; i++)
		time_exceeded(f, T0 + 10 * MS + i * MS, R1, &pr[i]);
	for (i = 5; i >= 3; i--) {
		pb_tcp(&r, ipf(DST, ME, 55, 0), 80, 50124,
		    (uint32_t)(0x643c9869 + i * 1000), 0, PB_TH_RST);
		feed(f, T0 + 20 * MS + (5 - i) * MS, &r);
	}
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->method, M_TCP_ACK);
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->stop, STOP_COMPLETED);
	for (i = 0; i < 3; i++) {
		const struct probe *p = hop_probe(t, 1, (size_t)i);

		assert_int_equal(p->tcpack, 0x643c9869 + (i + 3) * 1000);
		assert_int_equal(p->rkind, RK_TCP_RST);
		assert_int_equal(p->raddr, DST);
		/* probe 5 was answered first (20 ms), probe 3 last (22 ms) */
		assert_int_equal(p->rx_ns, T0 + 20 * MS + (2 - i) * MS);
	}
}

/* ---- NAT rewrites, ambiguity, duplicates, lateness, orphans ---- */

/* Three classic UDP probes at TTL 1..3; returns them in pr. */
static void
three_probes(struct fx *f, struct pb pr[3], uint16_t dport0)
{
	int i;

	for (i = 0; i < 3; i++) {
		pb_udp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x5a01 + i)), 45678, (uint16_t)(dport0 + i), 32);
		feed(f, T0 + i * MS, &pr[i]);
	}
}

static void
test_nat_rewrote_ipid(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	pb_icmp_err(&r, ipf(R2, ME, 250, 1), 11, 0, 0, &pr[1], 28, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);	/* the NAT's own IP ID */
	feed(f, T0 + 11 * MS, &r);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_true(hop_probe(t, 1, 0)->nat);
	assert_false(hop_probe(t, 0, 0)->nat);
	assert_int_equal(t->nat_matched, 1);
	assert_int_equal(t->replies, 3);
	assert_int_equal(t->stop, STOP_COMPLETED);
}

static void
test_nat_rewrote_udp_checksum(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	pb_icmp_err(&r, ipf(R1, ME, 250, 1), 11, 0, 0, &pr[0], 28, 1);
	pb_set16(&r, PB_Q_UDPCK, 0x1234);
	feed(f, T0 + 10 * MS, &r);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
	assert_true(hop_probe(t, 0, 0)->nat);
	assert_int_equal(t->nat_matched, 1);
	assert_int_equal(t->replies, 3);
}

/*
 * Paris UDP (constant ports) through a NAT that rewrote the quoted UDP
 * checksum: only the IP ID still tells the probes apart, and it must.
 */
static void
test_nat_paris_checksum(void **state)
{
	struct fx *f = *state;
	struct pb pr[4], r;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 4; i++) {
		pb_udp_ck(&pr[i], ipf(ME, DST, (uint8_t)(i / 2 + 1),
		    (uint16_t)(0x700 + i)), 41000, 33435, 12, (uint16_t)(0x2000 + i));
		feed(f, T0 + i * MS, &pr[i]);
	}
	for (i = 0; i < 4; i++) {
		pb_icmp_err(&r, ipf(i < 2 ? R1 : R2, ME, 250, 1), 11, 0, 0, &pr[i],
		    28, 1);
		pb_set16(&r, PB_Q_UDPCK, 0x5555);
		feed(f, T0 + 10 * MS + i * MS, &r);
	}
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->ambiguous, 0);
	assert_int_equal(t->replies, 4);
	assert_int_equal(t->nat_matched, 4);
	for (i = 0; i < 4; i++) {
		const struct probe *p = hop_probe(t, (size_t)(i / 2), (size_t)(i % 2));

		assert_int_equal(p->ipid, 0x700 + i);
		assert_int_equal(p->rx_ns, T0 + 10 * MS + i * MS);
		assert_int_equal(p->raddr, i < 2 ? R1 : R2);
	}
}

/*
 * A router that quotes only 4 transport bytes (the ports; RFC 792 asks for
 * 8): the probe is still found by its ports and IP ID, and nothing in the
 * quote was rewritten, so it is no NAT match.
 */
static void
test_short_quote(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	icmp_err(f, T0 + 10 * MS, R1, 11, 0, &pr[0], 24);
	icmp_err(f, T0 + 11 * MS, R2, 11, 0, &pr[1], 24);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 24);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 3);
	assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_int_equal(t->stop, STOP_COMPLETED);
	assert_int_equal(t->nat_matched, 0);
	assert_false(hop_probe(t, 0, 0)->nat);
	assert_false(hop_probe(t, 1, 0)->nat);
}

/*
 * Two probes that differ only in the IP ID, and a quote whose IP ID a NAT
 * rewrote: it fits both equally, so it counts as ambiguous and answers
 * neither.
 */
static void
test_ambiguous(void **state)
{
	struct fx *f = *state;
	struct pb a, b, r;
	const struct trace *t;

	start(f);
	pb_udp(&a, ipf(ME, DST, 1, 0x1111), 41000, 33435, 12);
	pb_udp(&b, ipf(ME, DST, 2, 0x2222), 41000, 33435, 12);
	assert_int_equal(pb_l4_ck(&a), pb_l4_ck(&b));
	feed(f, T0, &a);
	feed(f, T0 + MS, &b);
	pb_icmp_err(&r, ipf(R1, ME, 250, 1), 11, 0, 0, &a, 28, 1);
	pb_set16(&r, PB_Q_IPID, 0x3333);
	feed(f, T0 + 5 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(engine_stats(f->e)->ambiguous, 1);
	assert_int_equal(t->ambiguous, 1);
	assert_int_equal(t->replies, 0);
	assert_int_equal(t->probes[0].rkind, RK_NONE);
	assert_int_equal(t->probes[1].rkind, RK_NONE);
	assert_int_equal(engine_stats(f->e)->orphans, 0);
}

static void
test_duplicate(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;
	const struct probe *p;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 15 * MS, R4, &pr[0]);	/* a copy, elsewhere */
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	p = hop_probe(t, 0, 0);
	assert_int_equal(p->raddr, R1);		/* the first answer is kept */
	assert_int_equal(p->rx_ns, T0 + 10 * MS);
	assert_int_equal(p->dups, 1);
	assert_int_equal(t->dups, 1);
	assert_int_equal(t->replies, 3);
	assert_int_equal(engine_stats(f->e)->dups, 1);
}

static void
test_late_reply(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;

	start(f);			/* late after 5 s, window 30 s */
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + MS + 7000 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 7100 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_false(hop_probe(t, 0, 0)->late);
	assert_true(hop_probe(t, 1, 0)->late);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_int_equal(hop_probe(t, 1, 0)->rx_ns - hop_probe(t, 1, 0)->tx_ns,
	    7000 * MS);
	assert_int_equal(t->late, 2);
	assert_int_equal(engine_stats(f->e)->late, 2);
}

static void
test_orphan(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], ghost;
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	/* A probe the capture never saw (sent before it started). */
	pb_udp(&ghost, ipf(ME, DST, 2, 0x5999), 45678, 33999, 32);
	time_exceeded(f, T0 + 11 * MS, R2, &ghost);
	finish(f);
	t = only_trace(f);
	assert_int_equal(engine_stats(f->e)->orphans, 1);
	assert_int_equal(t->orphans, 1);
	assert_int_equal(t->replies, 1);
	assert_int_equal(hop_probe(t, 1, 0)->rkind, RK_NONE);
}

/* ---- grouping ---- */

static void
test_two_destinations_interleaved(void **state)
{
	struct fx *f = *state;
	struct pb a[4], b[4];
	int i;
	size_t k;

	start(f);
	for (i = 0; i < 4; i++) {
		pb_udp(&a[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x100 + i)), 45678, (uint16_t)(33434 + i), 32);
		pb_udp(&b[i], ipf(ME, DST2, (uint8_t)(i + 1),
		    (uint16_t)(0x200 + i)), 45679, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 10 * MS, &a[i]);
		feed(f, T0 + i * 10 * MS + MS, &b[i]);
		if (i < 3) {
			time_exceeded(f, T0 + i * 10 * MS + 2 * MS,
			    i == 0 ? R1 : R2, &a[i]);
			time_exceeded(f, T0 + i * 10 * MS + 3 * MS,
			    i == 0 ? R1 : R3, &b[i]);
		} else {
			icmp_err(f, T0 + i * 10 * MS + 2 * MS, DST, 3, 3,
			    &a[i], 28);
			icmp_err(f, T0 + i * 10 * MS + 3 * MS, DST2, 3, 3,
			    &b[i], 28);
		}
	}
	finish(f);
	assert_int_equal(f->s.n, 2);
	assert_int_equal(f->s.t[0]->dst, DST);	/* promoted first */
	assert_int_equal(f->s.t[1]->dst, DST2);
	for (k = 0; k < 2; k++) {
		const struct trace *t = f->s.t[k];

		assert_int_equal(t->nprobes, 4);
		assert_int_equal(t->nhops, 4);
		assert_int_equal(t->stop, STOP_COMPLETED);
		assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
		assert_int_equal(hop_probe(t, 1, 0)->raddr, k == 0 ? R2 : R3);
		assert_int_equal(hop_probe(t, 3, 0)->raddr, k == 0 ? DST : DST2);
	}
}

static void
test_two_icmp_ids_one_destination(void **state)
{
	struct fx *f = *state;
	struct pb a, b;
	int i;
	size_t k;

	start(f);
	for (i = 0; i < 3; i++) {
		pb_echo(&a, ipf(ME, DST, (uint8_t)(i + 1), (uint16_t)(0x10 + i)),
		    8, 0x0d05, (uint16_t)(i + 1), 32);
		pb_echo(&b, ipf(ME, DST, (uint8_t)(i + 1), (uint16_t)(0x20 + i)),
		    8, 0x0e06, (uint16_t)(i + 1), 32);	/* same seqs */
		feed(f, T0 + i * 10 * MS, &a);
		feed(f, T0 + i * 10 * MS + MS, &b);
		time_exceeded(f, T0 + i * 10 * MS + 2 * MS, i == 0 ? R1 : R2, &a);
		time_exceeded(f, T0 + i * 10 * MS + 3 * MS, i == 0 ? R1 : R3, &b);
	}
	finish(f);
	assert_int_equal(f->s.n, 2);
	for (k = 0; k < 2; k++) {
		const struct trace *t = f->s.t[k];

		assert_int_equal(t->echo_id, k == 0 ? 0x0d05 : 0x0e06);
		assert_int_equal(t->nprobes, 3);
		assert_int_equal(t->replies, 3);
		assert_int_equal(hop_probe(t, 2, 0)->raddr, k == 0 ? R2 : R3);
		assert_int_equal(hop_probe(t, 2, 0)->rx_ns,
		    T0 + 20 * MS + (int64_t)(k + 2) * MS);
	}
}

/*
 * Dublin traceroute: one destination port per flow (33434..33436), each
 * flow probes TTL 1..3; the IP ID carries the probe's identity.  ECMP sends
 * each flow through its own second hop.
 */
static void
test_dublin_flows(void **state)
{
	struct fx *f = *state;
	struct pb pr;
	static const uint32_t second[] = { R2, R3, R4 };
	int fl, ttl;
	size_t k;

	start(f);
	for (fl = 0; fl < 3; fl++)
		for (ttl = 1; ttl <= 3; ttl++) {
			int64_t ts = T0 + (fl * 3 + ttl) * 10 * MS;

			pb_udp(&pr, ipf(ME, DST, (uint8_t)ttl,
			    (uint16_t)(0x6000 + fl * 16 + ttl)), 12345,
			    (uint16_t)(33434 + fl), 22);
			feed(f, ts, &pr);
			if (ttl < 3)
				time_exceeded(f, ts + 2 * MS,
				    ttl == 1 ? R1 : second[fl], &pr);
			else
				icmp_err(f, ts + 3 * MS, DST, 3, 3, &pr, 28);
		}
	finish(f);
	assert_int_equal(f->s.n, 3);
	for (k = 0; k < 3; k++) {
		const struct trace *t = f->s.t[k];

		assert_int_equal(t->method, M_UDP_PARIS);
		assert_true(t->has_flow);
		assert_int_equal(t->flow_sport, 12345);
		assert_int_equal(t->flow_dport, 33434 + k);
		assert_int_equal(t->nhops, 3);
		assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
		assert_int_equal(hop_probe(t, 1, 0)->raddr, second[k]);
		assert_int_equal(hop_probe(t, 2, 0)->raddr, DST);
		assert_int_equal(t->stop, STOP_COMPLETED);
	}
}

/* ---- no trace ---- */

/* DNS, a TCP connection and a ping, all at TTL 64: nothing to report. */
static void
test_unrelated_traffic(void **state)
{
	struct fx *f = *state;
	struct pb p;
	int i;
	int64_t ts = T0;

	start(f);
	/* DNS query and answer */
	pb_udp(&p, ipf(ME, DNS, 64, 0x1001), 53001, 53, 30);
	feed(f, ts, &p);
	pb_udp(&p, ipf(DNS, ME, 64, 0x2001), 53, 53001, 46);
	feed(f, ts += 3 * MS, &p);
	/* TCP handshake, data, acknowledgments */
	pb_tcp(&p, ipf(ME, DST, 64, 0x1002), 50200, 443, 1000, 0, PB_TH_SYN);
	feed(f, ts += MS, &p);
	pb_tcp(&p, ipf(DST, ME, 64, 0), 443, 50200, 5000, 1001,
	    PB_TH_SYN | PB_TH_ACK);
	feed(f, ts += 20 * MS, &p);
	pb_tcp(&p, ipf(ME, DST, 64, 0x1003), 50200, 443, 1001, 5001, PB_TH_ACK);
	feed(f, ts += MS, &p);
	for (i = 0; i < 40; i++) {
		pb_tcp(&p, ipf(ME, DST, 64, (uint16_t)(0x1004 + i)), 50200, 443,
		    (uint32_t)(1001 + i * 100), 5001, PB_TH_PSH | PB_TH_ACK);
		feed(f, ts += MS, &p);
		pb_tcp(&p, ipf(DST, ME, 64, 0), 443, 50200, 5001,
		    (uint32_t)(1001 + (i + 1) * 100), PB_TH_ACK);
		feed(f, ts += 20 * MS, &p);
	}
	/* ping */
	for (i = 0; i < 4; i++) {
		pb_echo(&p, ipf(ME, DST, 64, (uint16_t)(0x3000 + i)), 8, 0x77,
		    (uint16_t)(i + 1), 56);
		feed(f, ts += 1000 * MS, &p);
		pb_echo(&p, ipf(DST, ME, 57, (uint16_t)(0x4000 + i)), 0, 0x77,
		    (uint16_t)(i + 1), 56);
		feed(f, ts += 20 * MS, &p);
	}
	finish(f);
	assert_int_equal(f->s.n, 0);
	assert_int_equal(engine_stats(f->e)->traces, 0);
	/* Answers to traffic that is no traceroute count nowhere (file totals
	 * are those of traces). */
	assert_int_equal(engine_stats(f->e)->matched, 0);
}

/* ---- stop reasons ---- */

static void
test_silent(void **state)
{
	struct fx *f = *state;
	struct pb p;
	const struct trace *t;
	size_t h;
	int i;

	start(f);
	for (i = 0; i < 30; i++) {
		pb_udp(&p, ipf(ME, DST, (uint8_t)(i / 3 + 1),
		    (uint16_t)(0x100 + i)), 45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 100 * MS, &p);
	}
	/* the capture runs on for another 10 s */
	pb_udp(&p, ipf(ME, DNS, 64, 0x1), 53001, 53, 30);
	feed(f, T0 + 13000 * MS, &p);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nhops, 10);
	assert_int_equal(t->replies, 0);
	for (h = 0; h < t->nhops; h++) {
		assert_int_equal(t->hops[h].ttl, h + 1);
		assert_int_equal(t->hops[h].n, 3);
		assert_int_equal(hop_probe(t, h, 0)->rkind, RK_NONE);
	}
	assert_int_equal(t->stop, STOP_GAP_LIMIT);
	assert_string_equal(stop_name(t->stop), "gap limit");
}

static void
test_unreachable(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, R3, 3, 13, &pr[2], 28);	/* !X */
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(hop_probe(t, 2, 0)->raddr, R3);
	assert_int_equal(hop_probe(t, 2, 0)->rkind, RK_UNREACH);
	assert_int_equal(hop_probe(t, 2, 0)->rcode, 13);
	assert_int_equal(t->stop, STOP_UNREACHABLE);
	assert_string_equal(stop_name(t->stop), "unreachable");
}

static void
test_loop(void **state)
{
	struct fx *f = *state;
	struct pb p;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 8; i++) {
		pb_udp(&p, ipf(ME, DST, (uint8_t)(i + 1), (uint16_t)(0x100 + i)),
		    45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 10 * MS, &p);
		time_exceeded(f, T0 + i * 10 * MS + MS, i % 2 ? R2 : R1, &p);
	}
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nhops, 8);
	assert_int_equal(hop_probe(t, 6, 0)->raddr, R1);
	assert_int_equal(t->stop, STOP_LOOP);
	assert_string_equal(stop_name(t->stop), "loop");
}

/* ---- the window ---- */

/*
 * With a 2 s window: trace A finishes early; when trace B's first probe
 * comes 10 s later, A is emitted before the capture ends.
 */
static void
test_window_emits_idle_trace(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], b;

	f->o.window_ns = 2000 * MS;
	f->o.late_ns = 1000 * MS;
	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	assert_int_equal(f->s.n, 0);
	pb_udp(&b, ipf(ME, DST2, 1, 0x900), 45679, 33434, 32);
	feed(f, T0 + 10000 * MS, &b);
	assert_int_equal(f->s.n, 1);		/* before engine_finish */
	assert_int_equal(f->s.t[0]->dst, DST);
	assert_int_equal(f->s.t[0]->stop, STOP_COMPLETED);
	pb_udp(&b, ipf(ME, DST2, 2, 0x901), 45679, 33435, 32);
	feed(f, T0 + 10001 * MS, &b);
	time_exceeded(f, T0 + 10005 * MS, R1, &b);
	finish(f);
	assert_int_equal(f->s.n, 2);
	assert_int_equal(f->s.t[1]->dst, DST2);
}

/*
 * A reply that comes after the window (2 s) does not attach, even when no
 * other packet arrives in between.
 */
static void
test_window_reply_after_window(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;

	f->o.window_ns = 2000 * MS;
	f->o.late_ns = 1000 * MS;
	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	time_exceeded(f, T0 + 2 * MS + 3000 * MS, R3, &pr[2]);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 2);
	assert_int_equal(hop_probe(t, 2, 0)->rkind, RK_NONE);
	assert_int_equal(engine_stats(f->e)->orphans, 1);
}

/* The same, with other traffic between the probe and the late reply. */
static void
test_window_reply_after_window_busy(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], p;
	const struct trace *t;

	f->o.window_ns = 2000 * MS;
	f->o.late_ns = 1000 * MS;
	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	pb_udp(&p, ipf(ME, DNS, 64, 0x1), 53001, 53, 30);
	feed(f, T0 + 2500 * MS, &p);
	time_exceeded(f, T0 + 2 * MS + 3000 * MS, R3, &pr[2]);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 2);
	assert_int_equal(hop_probe(t, 2, 0)->rkind, RK_NONE);
	assert_int_equal(engine_stats(f->e)->orphans, 1);
}

/*
 * Traces come out in the order they finish, whatever the order they
 * started in: A (an mtr-like run, rounds of TTL 1..3 a second apart for
 * 20 s) starts first and stays open; B starts after it, ends at once, and
 * is emitted when its window (2 s) has passed, while A is still running.
 */
static void
test_emit_order_completion(void **state)
{
	struct fx *f = *state;
	struct pb pr, b[3];
	int round, ttl, i;
	int64_t ts;

	f->o.window_ns = 2000 * MS;
	start(f);
	for (round = 0; round < 20; round++)
		for (ttl = 1; ttl <= 3; ttl++) {
			ts = T0 + round * 1000 * MS + ttl * MS;
			pb_echo(&pr, ipf(ME, DST, (uint8_t)ttl,
			    (uint16_t)(round * 3 + ttl)), 8, 0x4d54,
			    (uint16_t)(round * 3 + ttl), 32);
			feed(f, ts, &pr);
			if (ttl < 3)
				time_exceeded(f, ts + MS / 2, ttl == 1 ? R1 : R2,
				    &pr);
			if (round == 0 && ttl == 3)
				for (i = 0; i < 3; i++) {	/* B, meanwhile */
					pb_udp(&b[i], ipf(ME, DST2,
					    (uint8_t)(i + 1),
					    (uint16_t)(0x700 + i)), 45679,
					    (uint16_t)(33434 + i), 32);
					feed(f, ts + (10 + i) * MS, &b[i]);
					time_exceeded(f, ts + (20 + i) * MS,
					    i == 2 ? R4 : R3, &b[i]);
				}
			if (round == 10 && ttl == 1) {
				/* B is done, A is not */
				assert_int_equal(f->s.n, 1);
				assert_int_equal(f->s.t[0]->dst, DST2);
			}
		}
	finish(f);
	assert_int_equal(f->s.n, 2);
	assert_int_equal(f->s.t[1]->dst, DST);
	assert_int_equal(f->s.t[1]->nprobes, 60);	/* one trace of rounds */
	assert_int_equal(f->s.t[1]->replies, 40);
}

/* A UDP traceroute to DST, TTL 1..3 from t0, each answered at once. */
static void
udp_run(struct fx *f, int64_t t0, uint16_t ipid0, uint16_t sport0,
    struct pb pr[3], int answer_last)
{
	int i;

	for (i = 0; i < 3; i++) {
		pb_udp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(ipid0 + i)), (uint16_t)(sport0 + i),
		    (uint16_t)(33434 + i), 32);
		feed(f, t0 + i * MS, &pr[i]);
		if (i < 2)
			time_exceeded(f, t0 + i * MS + MS / 2,
			    i == 0 ? R1 : R2, &pr[i]);
		else if (answer_last)
			icmp_err(f, t0 + i * MS + MS / 2, DST, 3, 3, &pr[i],
			    28);
	}
}

/*
 * The same traceroute run twice to one destination, 3 s apart (well
 * within the window): two traces, not one with two probes a hop.  A late
 * answer to the first run, after the second has begun, still goes to the
 * first.
 */
static void
test_restart_same_destination(void **state)
{
	struct fx *f = *state;
	struct pb a[3], b[3];
	size_t k;

	start(f);
	udp_run(f, T0, 0x100, 40000, a, 0);
	udp_run(f, T0 + 3000 * MS, 0x200, 41000, b, 1);
	icmp_err(f, T0 + 3500 * MS, DST, 3, 3, &a[2], 28);	/* late */
	finish(f);
	assert_int_equal(f->s.n, 2);
	for (k = 0; k < 2; k++) {
		const struct trace *t = f->s.t[k];

		assert_int_equal(t->nprobes, 3);
		assert_int_equal(t->nhops, 3);
		assert_int_equal(t->replies, 3);
		assert_int_equal(t->first_ns, T0 + (int64_t)k * 3000 * MS);
		assert_int_equal(hop_probe(t, 2, 0)->raddr, DST);
	}
	assert_int_equal(hop_probe(f->s.t[0], 2, 0)->rx_ns, T0 + 3500 * MS);
	assert_int_equal(engine_stats(f->e)->orphans, 0);
}

/*
 * Not a new run: a TTL that nothing answered probed again after a pause
 * (lasthop's retry of a silent hop), and a repeat sooner than the 2 s
 * pause that ends a run.
 */
static void
test_no_restart(void **state)
{
	struct fx *f = *state;
	struct pb a[3], r;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 3; i++) {
		pb_udp(&a[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x300 + i)), 40000, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * MS, &a[i]);
		if (i > 0)
			time_exceeded(f, T0 + i * MS + MS / 2, R2, &a[i]);
	}
	pb_udp(&r, ipf(ME, DST, 1, 0x303), 40000, 33437, 32);	/* retry */
	feed(f, T0 + 3000 * MS, &r);
	time_exceeded(f, T0 + 3001 * MS, R1, &r);
	udp_run(f, T0 + 4000 * MS, 0x400, 41000, a, 1);	/* 1 s later */
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nprobes, 7);
	assert_int_equal(t->replies, 6);
}

/*
 * One Paris flow (constant ports, identity in the IP ID and the UDP
 * checksum, as scamper sends them) sending 3000
 * probes, a millisecond apart, with a 2 s window: every probe shares one
 * loose key, so one chain of the loose index holds up to 2000 of them
 * while the oldest expire one by one and the index doubles twice (which
 * reverses its chains).  Every reply still finds its probe, and one that
 * comes after its probe's window finds none.
 */
static void
test_long_chain_expiry(void **state)
{
	struct fx *f = *state;
	struct pb pr, first;
	int64_t ts = T0;
	int i;

	f->o.window_ns = 2000 * MS;
	start(f);
	for (i = 0; i < 3000; i++) {
		pb_udp_ck(&pr, ipf(ME, DST, (uint8_t)(i % 30 + 1),
		    (uint16_t)(0x1000 + i)), 40000, 33435, 12,
		    (uint16_t)(0x2000 + i));
		if (i == 0)
			first = pr;
		feed(f, ts, &pr);
		time_exceeded(f, ts + MS / 2, R1, &pr);
		ts += MS;
	}
	time_exceeded(f, ts, R2, &first);	/* 3 s late: expired */
	finish(f);
	assert_int_equal(engine_stats(f->e)->matched, 3000);
	/*
	 * Its ports fit every pending probe of the flow, its IP ID and
	 * checksum none: it answers none of them (ambiguous, attached to
	 * none).
	 */
	assert_int_equal(engine_stats(f->e)->orphans +
	    engine_stats(f->e)->ambiguous, 1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.t[0]->nprobes, 3000);
	assert_int_equal(f->s.t[0]->replies, 3000);
}

/* ---- the builders themselves ---- */

static void
test_pktbuild_checksums(void **state)
{
	struct pb p, r;
	struct pkt d;

	(void)state;
	pb_udp_ck(&p, ipf(ME, DST, 3, 7), 41000, 33435, 12, 0xabcd);
	assert_int_equal(pb_l4_ck(&p), 0xabcd);
	assert_int_equal(pb_fold(pb_sum(p.b, 20, 0)), 0xffff);	/* IP header */
	pb_echo_ck(&p, ipf(ME, DST, 3, 7), 1, 99, 32, 0x4242);
	assert_int_equal(pb_l4_ck(&p), 0x4242);
	assert_int_equal(pb_fold(pb_sum(p.b + 20, p.len - 20, 0)), 0xffff);
	pb_icmp_err(&r, ipf(R1, ME, 250, 1), 11, 0, 0, &p, 28, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);
	assert_int_equal(pb_fold(pb_sum(r.b + 20, r.len - 20, 0)), 0xffff);
	assert_int_equal(decode_ip(r.b, r.len, &d), DEC_OK);
	assert_int_equal(d.qip.id, 0xbeef);
	assert_int_equal(d.qip.ttl, 1);
	assert_int_equal(d.ql4.echo_seq, 99);
}

/* No packets at all: finishing emits nothing (and must not overflow). */
static void
test_empty(void **state)
{
	struct fx *f = *state;

	start(f);
	finish(f);
	assert_int_equal(f->s.n, 0);
}

/*
 * Timestamps at the ends of int64_t (a hostile pcapng can carry them):
 * no signed overflow in the window, lateness or stop-reason arithmetic.
 */
static void
test_extreme_timestamps(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const int64_t lo = INT64_MIN / 2 - 1000, hi = INT64_MAX - 1000;
	int i;

	start(f);
	/* the first packet at the very start of time */
	pb_udp(&pr[0], ipf(ME, DNS, 64, 1), 53001, 53, 30);
	feed(f, INT64_MIN, &pr[0]);
	feed(f, INT64_MIN + 1, &pr[0]);
	/* probes far in the past, their answers far in the future */
	for (i = 0; i < 3; i++) {
		pb_udp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x5a01 + i)), 45678, (uint16_t)(33434 + i), 32);
		feed(f, lo + i, &pr[i]);
	}
	time_exceeded(f, lo + 5, R1, &pr[0]);
	time_exceeded(f, INT64_MAX / 2 + 1000, R2, &pr[1]);
	/* and probes at the very end of time */
	for (i = 0; i < 3; i++) {
		pb_udp(&pr[i], ipf(ME, DST2, (uint8_t)(i + 1),
		    (uint16_t)(0x6a01 + i)), 45678, (uint16_t)(33434 + i), 32);
		feed(f, hi + i, &pr[i]);
	}
	time_exceeded(f, INT64_MAX, R1, &pr[0]);
	feed(f, INT64_MAX, &pr[2]);
	finish(f);
	assert_true(f->s.n >= 1);
	assert_int_equal(f->s.t[0]->dst, DST);
	assert_int_equal(hop_probe(f->s.t[0], 0, 0)->raddr, R1);
}

/* ---- growth of the indexes, the pending FIFO and the session hash ---- */

struct growth {
	size_t		traces, probes, answered;
};

static int
growth_emit(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct growth *g = arg;
	size_t i;

	(void)err;
	(void)errlen;
	g->traces++;
	g->probes += t->nprobes;
	for (i = 0; i < t->nprobes; i++)
		if (t->probes[i].rkind == RK_TIME_EXCEEDED &&
		    t->probes[i].raddr == PB_A(198, 51, 100, t->probes[i].ttl))
			g->answered++;
	trace_free(t);
	return 0;
}

/*
 * 600 probes, expired; then 300 traces of 5 probes each, all pending at
 * once: the FIFO wraps and grows, both indexes and the session hash grow,
 * and every reply still finds its probe.
 */
static void
test_growth(void **state)
{
	struct fx *f = *state;
	struct growth g = { 0, 0, 0 };
	struct pb pr, r;
	int64_t ts = T0;
	int i, k;

	f->o.window_ns = 2000 * MS;
	f->e = engine_new(&f->o, growth_emit, &g, f->err, sizeof(f->err));
	assert_non_null(f->e);
	for (i = 0; i < 600; i++) {
		pb_udp(&pr, ipf(ME, PB_A(10, 9, i >> 8, i & 0xff),
		    (uint8_t)(i % 3 + 1), (uint16_t)i), 45678,
		    (uint16_t)(33434 + i), 8);
		feed(f, ts += US, &pr);
	}
	ts += 3000 * MS;
	for (k = 0; k < 5; k++)
		for (i = 0; i < 300; i++) {
			pb_udp(&pr, ipf(ME, PB_A(10, 1, i >> 8, i & 0xff),
			    (uint8_t)(k + 1), (uint16_t)(i * 5 + k)), 45678,
			    (uint16_t)(33434 + k), 8);
			feed(f, ts += US, &pr);
		}
	for (k = 0; k < 5; k++)
		for (i = 0; i < 300; i++) {
			pb_udp(&pr, ipf(ME, PB_A(10, 1, i >> 8, i & 0xff),
			    (uint8_t)(k + 1), (uint16_t)(i * 5 + k)), 45678,
			    (uint16_t)(33434 + k), 8);
			pb_icmp_err(&r, ipf(PB_A(198, 51, 100, k + 1), ME, 250, 1),
			    11, 0, 0, &pr, 28, 1);
			feed(f, ts += US, &r);
		}
	finish(f);
	assert_int_equal(engine_stats(f->e)->matched, 1500);
	assert_int_equal(engine_stats(f->e)->orphans, 0);
	assert_int_equal(g.traces, 300);	/* one unanswered probe is no trace */
	assert_int_equal(g.answered, 1500);
}

/* Live mode's strict matching refuses what a NAT rewrote. */
/*
 * Live (strict): the identifying fields decide, rewritten corroborating
 * fields are recorded; a quote of our flow that fits no probe's identity
 * is rejected and counted.
 */
static void
test_strict_rejects_rewritten_quote(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;

	f->o.strict = 1;
	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	/* IP ID and checksum rewritten on the way: the ports still fit */
	pb_icmp_err(&r, ipf(R2, ME, 250, 1), 11, 0, 0, &pr[1], 28, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);
	pb_set16(&r, PB_Q_UDPCK, 0x1234);
	feed(f, T0 + 11 * MS, &r);
	/* a destination port no probe had: a forgery, rejected */
	pb_icmp_err(&r, ipf(R2, ME, 250, 1), 11, 0, 0, &pr[2], 28, 1);
	pb_set16(&r, PB_Q_L4 + 2, 33999);
	feed(f, T0 + 12 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 1, 0)->rkind, RK_TIME_EXCEEDED);
	assert_int_equal(hop_probe(t, 1, 0)->rw, RW_IPID | RW_CSUM);
	assert_int_equal(hop_probe(t, 2, 0)->rkind, RK_NONE);
	assert_int_equal(t->nat_matched, 1);
	assert_int_equal(engine_stats(f->e)->rejected, 1);
}

/* ---- one test per matching rule ---- */

/*
 * Identity by the fields middleboxes keep: a classic UDP quote whose IP ID
 * and checksum were both rewritten still names its probe by its ports
 * (unique per probe), and is matched, its rewritten fields recorded.
 */
static void
test_kept_fields_identify_classic(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	pb_icmp_err(&r, ipf(R2, ME, 250, 1), 11, 0, 0, &pr[1], 28, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);
	pb_set16(&r, PB_Q_UDPCK, 0x1234);
	feed(f, T0 + 11 * MS, &r);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_int_equal(hop_probe(t, 1, 0)->rw, RW_IPID | RW_CSUM);
	assert_int_equal(t->replies, 3);
	assert_int_equal(t->nat_matched, 1);
	assert_int_equal(t->orphans, 0);
	/*
	 * IP ID and checksum changed in hop 2's quote only: the destination's
	 * (hop 3) kept them, so no one place on the path explains it (mixed).
	 */
	assert_int_equal(t->nrws, 2);
	assert_int_equal(t->rws[0].field, 0);
	assert_int_equal(t->rws[0].from, 2);
	assert_int_equal(t->rws[0].after, 3);
	assert_true(t->rws[0].mixed);
}

/*
 * A Paris flow (constant ports): a quote whose IP ID and checksum fit
 * none of the two pending probes fits both equally, at different TTLs:
 * ambiguous, its sender kept, attached to neither (never guessed onto a
 * TTL).
 */
static void
test_paris_rewritten_tie_is_ambiguous(void **state)
{
	struct fx *f = *state;
	struct pb a, b, r;
	const struct trace *t;

	start(f);
	pb_udp_ck(&a, ipf(ME, DST, 1, 0x1111), 41000, 33435, 12, 0x2001);
	pb_udp_ck(&b, ipf(ME, DST, 2, 0x2222), 41000, 33435, 12, 0x2002);
	feed(f, T0, &a);
	feed(f, T0 + MS, &b);
	pb_icmp_err(&r, ipf(R1, ME, 250, 1), 11, 0, 0, &a, 28, 1);
	pb_set16(&r, PB_Q_IPID, 0x3333);
	pb_set16(&r, PB_Q_UDPCK, 0x4444);
	feed(f, T0 + 5 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 0);
	assert_int_equal(t->ambiguous, 1);
	assert_int_equal(t->namb_from, 1);
	assert_int_equal(t->amb_from[0], R1);
	assert_int_equal(t->orphans, 0);
}

/*
 * SYN-ACK: it answers the SYN whose sequence number plus one it
 * acknowledges, whichever was sent last.  Three SYNs with one flow and
 * their own sequence numbers (TTL 1-3; the destination is 2 hops away);
 * the destination answers the TTL 3 probe first, then the TTL 2 one.
 */
static void
run_synack_order(struct fx *f, uint32_t bad_ack)
{
	struct pb pr[3], r;
	static const uint32_t seq[3] = { 0x10000000, 0x20000000, 0x30000000 };
	int i;

	start(f);
	for (i = 0; i < 3; i++) {
		pb_tcp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x3b01 + i)), 50200, 443, seq[i], 0, PB_TH_SYN);
		feed(f, T0 + i * MS, &pr[i]);
	}
	time_exceeded(f, T0 + 5 * MS, R1, &pr[0]);
	pb_tcp(&r, ipf(DST, ME, 55, 0), 443, 50200, 0x77, seq[2] + 1,
	    PB_TH_SYN | PB_TH_ACK);
	feed(f, T0 + 10 * MS, &r);
	pb_tcp(&r, ipf(DST, ME, 55, 0), 443, 50200, 0x78, seq[1] + 1,
	    PB_TH_SYN | PB_TH_ACK);
	feed(f, T0 + 11 * MS, &r);
	if (bad_ack != 0) {	/* acknowledges no probe */
		pb_tcp(&r, ipf(DST, ME, 55, 0), 443, 50200, 0x79, bad_ack,
		    PB_TH_SYN | PB_TH_ACK);
		feed(f, T0 + 12 * MS, &r);
	}
	finish(f);
}

static void
check_synack_order(struct fx *f)
{
	const struct trace *t = only_trace(f);

	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->past_dst, 1);
	assert_int_equal(t->stop, STOP_COMPLETED);
	assert_int_equal(hop_probe(t, 1, 0)->tcpseq, 0x20000000);
	assert_int_equal(hop_probe(t, 1, 0)->rkind, RK_TCP_SYNACK);
	assert_int_equal(hop_probe(t, 1, 0)->rx_ns, T0 + 11 * MS);
	assert_int_equal(t->probes[2].tcpseq, 0x30000000);	/* past it */
	assert_int_equal(t->probes[2].rx_ns, T0 + 10 * MS);
	assert_int_equal(t->dups, 0);
}

static void
test_synack_acknowledges_its_syn(void **state)
{
	struct fx *f = *state;

	run_synack_order(f, 0);
	check_synack_order(f);
}

/* Strict (live) mode: the same answers are taken; one that acknowledges
 * no probe is refused. */
static void
test_strict_synack_must_acknowledge_a_syn(void **state)
{
	struct fx *f = *state;

	f->o.strict = 1;
	run_synack_order(f, 0x12345678);
	check_synack_order(f);
	assert_int_equal(engine_stats(f->e)->rejected, 1);
}

/*
 * A quote cut to 6 bytes of the echo request (tcpdump -s 68): type, code,
 * checksum, identifier, no sequence.  The flow is found by the identifier,
 * the probe by its IP ID and checksum; nothing was rewritten, so no NAT.
 */
static void
test_short_icmp_quote_ipid_and_checksum(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 3; i++) {
		pb_echo(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x2e00 + i)), 8, 0x0d05, (uint16_t)(i + 1), 32);
		feed(f, T0 + i * MS, &pr[i]);
	}
	icmp_err(f, T0 + 10 * MS, R2, 11, 0, &pr[1], 26);	/* first */
	icmp_err(f, T0 + 11 * MS, R1, 11, 0, &pr[0], 26);
	pb_echo(&r, ipf(DST, ME, 61, 0x9000), 0, 0x0d05, 3, 32);
	feed(f, T0 + 12 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 3);
	assert_int_equal(t->nat_matched, 0);
	assert_int_equal(t->orphans, 0);
	assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
	assert_int_equal(hop_probe(t, 0, 0)->rx_ns, T0 + 11 * MS);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_int_equal(hop_probe(t, 1, 0)->rx_ns, T0 + 10 * MS);
	assert_false(hop_probe(t, 1, 0)->nat);
}

/*
 * A UDP quote cut to 2 transport bytes (the source port only): the flow
 * and the IP ID find the probe.  When two probes share the IP ID (0, as
 * some stacks send), the reply fits both: ambiguous, attached to neither.
 */
static void
test_short_quote_by_ip_id(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	icmp_err(f, T0 + 10 * MS, R2, 11, 0, &pr[1], 22);
	icmp_err(f, T0 + 11 * MS, R1, 11, 0, &pr[0], 22);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 2);
	assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_false(hop_probe(t, 1, 0)->nat);
	assert_int_equal(t->ambiguous, 0);
}

static void
test_short_quote_ambiguous(void **state)
{
	struct fx *f = *state;
	struct pb a, b;
	const struct trace *t;

	start(f);
	pb_udp(&a, ipf(ME, DST, 1, 0), 41000, 33435, 12);
	pb_udp(&b, ipf(ME, DST, 2, 0), 41000, 33435, 12);
	feed(f, T0, &a);
	feed(f, T0 + MS, &b);
	icmp_err(f, T0 + 5 * MS, R1, 11, 0, &a, 22);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 0);
	assert_int_equal(t->ambiguous, 1);
	assert_int_equal(engine_stats(f->e)->ambiguous, 1);
}

/*
 * Strict (live) mode and a quote cut short of the destination port: its
 * IP ID singles out one probe of the flow, which it answers; a cut quote
 * whose IP ID fits no probe is rejected.
 */
static void
test_strict_short_quote(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;

	f->o.strict = 1;
	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	icmp_err(f, T0 + 11 * MS, R2, 11, 0, &pr[1], 22);
	pb_icmp_err(&r, ipf(R3, ME, 250, 1), 11, 0, 0, &pr[2], 22, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);
	feed(f, T0 + 12 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_int_equal(t->replies, 2);
	assert_int_equal(engine_stats(f->e)->rejected, 0);
	assert_int_equal(t->ambiguous, 1);	/* its sport fits all three */
}

/* lasthop's own UDP probe: the payload starts with PROBE_MAGIC. */
static void
own_udp(struct pb *p, struct pb_ip ip, uint16_t sport, uint16_t dport)
{
	uint8_t *u = p->b + 20;

	pb_udp(p, ip, sport, dport, 16);
	memcpy(u + 8, PROBE_MAGIC, PROBE_MAGIC_LEN);
	pb_w16(u + 6, 0);
	pb_w16(u + 6, pb_l4_csum(p, 17, u, 24));
}

/*
 * lasthop's own probes in a replay, as the live run judged them: a quote
 * with a rewritten IP ID still names its probe by the kept ports; a quote
 * of the flow that fits no probe is rejected (counted as live counts it).
 */
static void
test_own_probes_judged_as_live(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], r;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 3; i++) {
		own_udp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x6c01 + i)), 50001, (uint16_t)(33434 + i));
		feed(f, T0 + i * MS, &pr[i]);
	}
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	pb_icmp_err(&r, ipf(R2, ME, 250, 1), 11, 0, 0, &pr[1], 28, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);
	feed(f, T0 + 11 * MS, &r);
	pb_icmp_err(&r, ipf(R3, ME, 250, 1), 11, 0, 0, &pr[1], 28, 1);
	pb_set16(&r, PB_Q_L4 + 2, 40000);	/* no probe's port */
	feed(f, T0 + 11 * MS, &r);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_true(t->own);
	assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_int_equal(hop_probe(t, 1, 0)->rw, RW_IPID);
	assert_int_equal(t->nat_matched, 1);
	assert_int_equal(t->replies, 3);
	assert_int_equal(engine_stats(f->e)->rejected, 1);
}

/*
 * An ICMP error quoting an ICMP message that is no echo request (here our
 * own echo reply to someone's ping) answers no probe: it is not counted as
 * an unmatched reply.
 */
static void
test_error_quoting_no_probe_is_not_unmatched(void **state)
{
	struct fx *f = *state;
	struct pb pr[3], pong;
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	pb_echo(&pong, ipf(ME, DST, 64, 0x4321), 0, 0x0d05, 7, 32);
	icmp_err(f, T0 + 13 * MS, R2, 3, 1, &pong, 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 3);
	assert_int_equal(t->orphans, 0);
	assert_int_equal(engine_stats(f->e)->orphans, 0);
}

/*
 * A flow that sends 32 packets at one TTL before anything makes it a
 * traceroute is a stream, not a trace: an answer after that (at a TTL low
 * enough to promote) does not make it one.
 */
static void
test_noise_single_ttl_flow(void **state)
{
	struct fx *f = *state;
	struct pb p;
	int i;

	start(f);
	for (i = 0; i < 40; i++) {
		pb_udp(&p, ipf(ME, DST, 20, (uint16_t)(0x100 + i)), 5004, 5006,
		    160);
		feed(f, T0 + i * 20 * MS, &p);
	}
	pb_udp(&p, ipf(DST, ME, 50, 0x7777), 5006, 5004, 40);
	feed(f, T0 + 801 * MS, &p);
	finish(f);
	assert_int_equal(f->s.n, 0);
	assert_int_equal(engine_stats(f->e)->traces, 0);
}

/* ---- one test per trace-assembly rule ---- */

/*
 * An unreachable from a router ends the path: the probes sent beyond it
 * (in parallel, before the tool knew) are hidden and counted.
 */
static void
test_unreachable_hides_probes_beyond(void **state)
{
	struct fx *f = *state;
	struct pb pr[15];
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 15; i++) {
		pb_udp(&pr[i], ipf(ME, DST, (uint8_t)(i / 3 + 1),
		    (uint16_t)(0x5a01 + i)), 45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 100 * US, &pr[i]);
	}
	for (i = 0; i < 9; i++) {
		if (i < 6)
			time_exceeded(f, T0 + 5 * MS + i * MS, i < 3 ? R1 : R2,
			    &pr[i]);
		else
			icmp_err(f, T0 + 5 * MS + i * MS, R3, 3, 13, &pr[i], 28);
	}
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->past_dst, 6);
	assert_int_equal(t->stop, STOP_UNREACHABLE);
}

/*
 * Nothing is hidden when a router answers time exceeded beyond the first
 * unreachable: the path went on.
 */
static void
test_no_trim_when_a_router_answers_beyond(void **state)
{
	struct fx *f = *state;
	struct pb pr[4];
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 4; i++) {
		pb_udp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x5b01 + i)), 45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * MS, &pr[i]);
	}
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	icmp_err(f, T0 + 11 * MS, R2, 3, 1, &pr[1], 28);	/* !H, once */
	time_exceeded(f, T0 + 12 * MS, R3, &pr[2]);
	icmp_err(f, T0 + 13 * MS, DST, 3, 3, &pr[3], 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nhops, 4);
	assert_int_equal(t->past_dst, 0);
	assert_int_equal(hop_probe(t, 2, 0)->raddr, R3);
	assert_int_equal(t->stop, STOP_COMPLETED);
}

/*
 * A port unreachable is the destination's answer even from another of its
 * addresses: the trace completed.
 */
static void
test_port_unreachable_from_another_address_completes(void **state)
{
	struct fx *f = *state;
	struct pb pr[3];
	const struct trace *t;

	start(f);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, DST2, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 2, 0)->raddr, DST2);
	assert_int_equal(t->stop, STOP_COMPLETED);
}

/*
 * One probe per TTL answered by the routers in by[] (0: silent), the
 * capture going on for 10 s after the last probe.
 */
static void
run_path(struct fx *f, const uint32_t *by, int n)
{
	struct pb p;
	int i;

	start(f);
	for (i = 0; i < n; i++) {
		pb_udp(&p, ipf(ME, DST, (uint8_t)(i + 1), (uint16_t)(0x100 + i)),
		    45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 10 * MS, &p);
		if (by[i] != 0)
			time_exceeded(f, T0 + i * 10 * MS + MS, by[i], &p);
	}
	pb_udp(&p, ipf(ME, DNS, 64, 0x1), 53001, 53, 30);
	feed(f, T0 + n * 10 * MS + 10000 * MS, &p);
	finish(f);
}

/* A router seen again across a silent hop is no loop (rate limiting). */
static void
test_no_loop_across_a_silent_hop(void **state)
{
	struct fx *f = *state;
	static const uint32_t by[] = { R1, R2, 0, R2, R3 };

	run_path(f, by, 5);
	assert_int_equal(only_trace(f)->stop, STOP_HOP_LIMIT);
}

/* A router at consecutive TTLs forwards without decrementing: no loop. */
static void
test_no_loop_for_a_router_at_consecutive_ttls(void **state)
{
	struct fx *f = *state;
	static const uint32_t by[] = { R1, R2, R2, R2, R3 };

	run_path(f, by, 5);
	assert_int_equal(only_trace(f)->stop, STOP_HOP_LIMIT);
}

/* Exactly gap-limit (5) silent hops after the last answer: gap limit. */
static void
test_gap_limit_exact(void **state)
{
	struct fx *f = *state;
	static const uint32_t by[] = { R1, 0, 0, 0, 0, 0 };

	run_path(f, by, 6);
	assert_int_equal(only_trace(f)->stop, STOP_GAP_LIMIT);
}

/*
 * Fewer silent hops than the gap limit: the capture stops within one wait
 * (ten times the slowest answer, 1 ms here: 10 ms) of the silent probes:
 * capture ended; a capture that runs on past it: the tool stopped, hop
 * limit.
 */
static void
capture_end_after(struct fx *f, int64_t last)
{
	struct pb p;
	int i;

	start(f);
	for (i = 0; i < 3; i++) {
		pb_udp(&p, ipf(ME, DST, (uint8_t)(i + 1), (uint16_t)(0x100 + i)),
		    45678, (uint16_t)(33434 + i), 32);
		feed(f, T0 + i * 10 * MS, &p);
		if (i == 0)
			time_exceeded(f, T0 + MS, R1, &p);
	}
	pb_udp(&p, ipf(ME, DNS, 64, 0x1), 53001, 53, 30);
	feed(f, T0 + last, &p);
	finish(f);
}

static void
test_capture_ended(void **state)
{
	struct fx *f = *state;

	capture_end_after(f, 25 * MS);
	assert_int_equal(only_trace(f)->stop, STOP_CAPTURE_ENDED);
	assert_true(trace_incomplete(only_trace(f)));
}

static void
test_capture_ran_on(void **state)
{
	struct fx *f = *state;

	capture_end_after(f, 520 * MS);
	assert_int_equal(only_trace(f)->stop, STOP_HOP_LIMIT);
	assert_false(trace_incomplete(only_trace(f)));
}

/*
 * Candidates that fit a reply equally (tcptraceroute: one flow, one
 * sequence number): an unanswered probe sent before the reply, the latest
 * such.  At TTL 2 (the destination), probe A is lost and B sent 1 s later:
 * the first SYN-ACK is B's; one coming later still is A's, not B's twice.
 */
static void
test_equal_fits_prefer_unanswered_then_latest(void **state)
{
	struct fx *f = *state;
	struct pb p, r;
	const struct trace *t;

	start(f);
	pb_tcp(&p, ipf(ME, DST, 1, 0x3c01), 50123, 80, 0x6b8b4567, 0, PB_TH_SYN);
	feed(f, T0, &p);
	time_exceeded(f, T0 + MS, R1, &p);
	pb_tcp(&p, ipf(ME, DST, 2, 0x3c02), 50123, 80, 0x6b8b4567, 0, PB_TH_SYN);
	feed(f, T0 + 10 * MS, &p);			/* A */
	pb_tcp(&p, ipf(ME, DST, 2, 0x3c03), 50123, 80, 0x6b8b4567, 0, PB_TH_SYN);
	feed(f, T0 + 1010 * MS, &p);			/* B */
	pb_tcp(&r, ipf(DST, ME, 55, 0), 80, 50123, 0x19495cff, 0x6b8b4568,
	    PB_TH_SYN | PB_TH_ACK);
	feed(f, T0 + 1015 * MS, &r);
	feed(f, T0 + 1500 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->nhops, 2);
	assert_int_equal(hop_probe(t, 1, 0)->ipid, 0x3c02);
	assert_int_equal(hop_probe(t, 1, 0)->rx_ns, T0 + 1500 * MS);
	assert_int_equal(hop_probe(t, 1, 1)->ipid, 0x3c03);
	assert_int_equal(hop_probe(t, 1, 1)->rx_ns, T0 + 1015 * MS);
	assert_int_equal(t->dups, 0);
	assert_int_equal(t->replies, 3);
}

/*
 * A reply that comes before its flow's first captured probe (the capture
 * started late) is counted as the trace's unmatched reply once the flow
 * starts within the window.
 */
static void
test_early_reply_claimed_by_its_trace(void **state)
{
	struct fx *f = *state;
	struct pb ghost, pr[3];
	const struct trace *t;

	start(f);
	pb_udp(&ghost, ipf(ME, DST, 1, 0x5999), 45678, 33431, 32);
	time_exceeded(f, T0 - 5 * MS, R1, &ghost);
	three_probes(f, pr, 33434);
	time_exceeded(f, T0 + 10 * MS, R1, &pr[0]);
	time_exceeded(f, T0 + 11 * MS, R2, &pr[1]);
	icmp_err(f, T0 + 12 * MS, DST, 3, 3, &pr[2], 28);
	finish(f);
	t = only_trace(f);
	assert_int_equal(t->replies, 3);
	assert_int_equal(t->orphans, 1);
	assert_int_equal(engine_stats(f->e)->orphans, 1);
}

/*
 * Reply-only traces: the replies of an ICMP traceroute whose echo
 * requests the capture does not hold (identifier 0x0a0a, sequence 1..3,
 * one per TTL) make a trace of their own, TTLs inferred; the same replies
 * beside the probes of another identifier to the same destination (a
 * forger's or a stray's guesses) make none, and stay unmatched.
 */
static void
reply_only_icmp(struct fx *f, int with_probes)
{
	static const uint32_t by[] = { R1, R2, DST };
	struct pb p, e;
	int i;

	start(f);
	for (i = 0; i < 3; i++) {
		if (with_probes) {	/* someone else's echo, id 0x0b0b */
			pb_echo(&e, ipf(ME, DST, (uint8_t)(i + 1),
			    (uint16_t)(0x700 + i)), 8, 0x0b0b, (uint16_t)(i + 1),
			    16);
			feed(f, T0 + i * 10 * MS, &e);
		}
		/* ours, not in the capture */
		pb_echo(&p, ipf(ME, DST, (uint8_t)(i + 1), (uint16_t)(0x600 + i)),
		    8, 0x0a0a, (uint16_t)(i + 1), 16);
		if (by[i] != DST) {
			time_exceeded(f, T0 + i * 10 * MS + MS, by[i], &p);
			continue;
		}
		pb_echo(&e, ipf(DST, ME, 60, 0x900), 0, 0x0a0a,
		    (uint16_t)(i + 1), 16);
		feed(f, T0 + i * 10 * MS + MS, &e);
	}
	finish(f);
}

static void
test_reply_only_inferred(void **state)
{
	struct fx *f = *state;
	const struct trace *t;

	reply_only_icmp(f, 0);
	t = only_trace(f);
	assert_true(t->reply_only);
	assert_int_equal(t->echo_id, 0x0a0a);
	assert_int_equal(t->stop, STOP_COMPLETED);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->infer_base, 1);	/* traceroute -I's first seq */
	assert_int_equal(hop_probe(t, 0, 0)->ttl, 1);
	assert_int_equal(hop_probe(t, 1, 0)->raddr, R2);
	assert_true(hop_probe(t, 1, 0)->inferred);
}

static void
test_reply_only_beside_probes(void **state)
{
	struct fx *f = *state;
	size_t i;

	reply_only_icmp(f, 1);
	for (i = 0; i < f->s.n; i++)
		assert_false(f->s.t[i]->reply_only);
	assert_int_equal(engine_stats(f->e)->orphans, 3);
	assert_int_equal(engine_stats(f->e)->nunmatched, 1);
	assert_int_equal(engine_stats(f->e)->unmatched[0].dst, DST);
}

/*
 * TCP identity is the ports and the sequence number: with constant ports
 * (a Paris flow), a quote whose sequence number is no probe's answers
 * none, whatever its IP ID says; one with a probe's sequence number answers
 * that probe even with its IP ID rewritten.
 */
static void
test_tcp_quote_sequence_identifies(void **state)
{
	struct fx *f = *state;
	struct pb pr[2], r;
	const struct trace *t;
	int i;

	start(f);
	for (i = 0; i < 2; i++) {
		pb_tcp(&pr[i], ipf(ME, DST, (uint8_t)(i + 1),
		    (uint16_t)(0x4100 + i)), 50200, 80,
		    (uint32_t)(0x01000000 * (i + 1) + 0x2345), 0, PB_TH_SYN);
		feed(f, T0 + i * MS, &pr[i]);
	}
	/* hop 1: its sequence number, its IP ID rewritten */
	pb_icmp_err(&r, ipf(R1, ME, 250, 1), 11, 0, 0, &pr[0], 28, 1);
	pb_set16(&r, PB_Q_IPID, 0xbeef);
	feed(f, T0 + 10 * MS, &r);
	/* hop 2's IP ID, but a sequence number no probe had */
	pb_icmp_err(&r, ipf(R2, ME, 250, 1), 11, 0, 0, &pr[1], 28, 1);
	pb_set16(&r, PB_Q_L4 + 4, 0x7777);
	feed(f, T0 + 11 * MS, &r);
	finish(f);
	t = only_trace(f);
	assert_int_equal(hop_probe(t, 0, 0)->raddr, R1);
	assert_int_equal(hop_probe(t, 0, 0)->rw, RW_IPID);
	assert_int_equal(hop_probe(t, 1, 0)->rkind, RK_NONE);
	assert_int_equal(t->replies, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_udp_classic),
		T(test_udp_paris),
		T(test_icmp_classic),
		T(test_icmp_paris),
		T(test_tcp_syn_synack),
		T(test_tcp_syn_rst),
		T(test_tcp_ack_rst),
		T(test_nat_rewrote_ipid),
		T(test_nat_rewrote_udp_checksum),
		T(test_nat_paris_checksum),
		T(test_short_quote),
		T(test_ambiguous),
		T(test_duplicate),
		T(test_late_reply),
		T(test_orphan),
		T(test_two_destinations_interleaved),
		T(test_two_icmp_ids_one_destination),
		T(test_dublin_flows),
		T(test_unrelated_traffic),
		T(test_silent),
		T(test_unreachable),
		T(test_loop),
		T(test_window_emits_idle_trace),
		T(test_window_reply_after_window),
		T(test_window_reply_after_window_busy),
		T(test_emit_order_completion),
		T(test_restart_same_destination),
		T(test_no_restart),
		T(test_long_chain_expiry),
		T(test_pktbuild_checksums),
		T(test_empty),
		T(test_extreme_timestamps),
		T(test_growth),
		T(test_strict_rejects_rewritten_quote),
		T(test_kept_fields_identify_classic),
		T(test_paris_rewritten_tie_is_ambiguous),
		T(test_synack_acknowledges_its_syn),
		T(test_strict_synack_must_acknowledge_a_syn),
		T(test_short_icmp_quote_ipid_and_checksum),
		T(test_short_quote_by_ip_id),
		T(test_short_quote_ambiguous),
		T(test_strict_short_quote),
		T(test_own_probes_judged_as_live),
		T(test_error_quoting_no_probe_is_not_unmatched),
		T(test_noise_single_ttl_flow),
		T(test_unreachable_hides_probes_beyond),
		T(test_no_trim_when_a_router_answers_beyond),
		T(test_port_unreachable_from_another_address_completes),
		T(test_no_loop_across_a_silent_hop),
		T(test_no_loop_for_a_router_at_consecutive_ttls),
		T(test_gap_limit_exact),
		T(test_capture_ended),
		T(test_reply_only_inferred),
		T(test_tcp_quote_sequence_identifies),
		T(test_reply_only_beside_probes),
		T(test_capture_ran_on),
		T(test_equal_fits_prefer_unanswered_then_latest),
		T(test_early_reply_claimed_by_its_trace),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
