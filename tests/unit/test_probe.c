/*
 * test_probe.c: the bytes of lasthop's own probes, read back from a
 * --dry-run capture: checksums valid, TTLs and identity fields as designed,
 * the 5-tuple constant in Paris mode and varying in classic mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capfile.h"
#include "decode.h"
#include "lh.h"
#include "live.h"
#include "probe.h"

#define MAXP 64

struct got {
	size_t		n;
	struct pkt	p[MAXP];
	uint8_t		raw[MAXP][128];
	size_t		rawlen[MAXP];
};

/* RFC 1071 sum over a buffer, starting from sum. */
static uint16_t
csum(uint32_t sum, const uint8_t *b, size_t n)
{
	return (uint16_t)~probe_fold(probe_sum(sum, b, n));
}

static void
dry(const struct probe_method *m, int classic, uint8_t first, uint8_t max,
    uint8_t q, struct got *g)
{
	struct live_opts o;
	struct capfile *cf;
	struct caprec r;
	char path[] = "/tmp/lasthop-test-probe-XXXXXX", err[LH_ERRLEN];
	uint64_t n;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	live_opts_default(&o);
	o.method = m;
	o.classic = classic;
	o.first_ttl = first;
	o.max_ttl = max;
	o.probes_per_hop = q;
	o.src = 0x64400002;	/* 100.64.0.2 */
	o.dst = 0xaf2db047;	/* 175.45.176.71 */
	o.target = "175.45.176.71";
	assert_int_equal(live_dry_run(&o, path, &n, err, sizeof(err)), 0);
	assert_int_equal(n, (uint64_t)(max - first + 1) * q);
	cf = capfile_open(path, err, sizeof(err));
	assert_non_null(cf);
	g->n = 0;
	while (capfile_next(cf, &r, err, sizeof(err)) == 1) {
		assert_true(g->n < MAXP);
		assert_true(r.caplen <= sizeof(g->raw[0]));
		memcpy(g->raw[g->n], r.data, r.caplen);
		g->rawlen[g->n] = r.caplen;
		assert_int_equal(decode_frame(r.linktype, r.data, r.caplen,
		    &g->p[g->n]), DEC_OK);
		g->n++;
	}
	capfile_close(cf);
	unlink(path);
	assert_int_equal(g->n, n);
}

/* IPv4 header checksum valid, addresses and TTLs as asked, IDs distinct. */
static void
check_ip(const struct got *g, uint8_t first, uint8_t max)
{
	size_t i, j, hops = (size_t)(max - first + 1);

	for (i = 0; i < g->n; i++) {
		assert_int_equal(csum(0, g->raw[i], 20), 0);
		assert_int_equal(g->p[i].ip.src, 0x64400002);
		assert_int_equal(g->p[i].ip.dst, 0xaf2db047);
		/* Probes go out round-robin over the TTLs. */
		assert_int_equal(g->p[i].ip.ttl, first + i % hops);
		for (j = 0; j < i; j++)
			assert_int_not_equal(g->p[i].ip.id, g->p[j].ip.id);
	}
}

/* Transport checksum over the pseudo header (UDP, TCP) or alone (ICMP). */
static uint16_t
l4_csum(const struct got *g, size_t i)
{
	const uint8_t *ip = g->raw[i];
	size_t len = g->rawlen[i] - 20;
	uint8_t ph[12];

	if (g->p[i].ip.proto == 1)
		return csum(0, ip + 20, len);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = g->p[i].ip.proto;
	ph[10] = (uint8_t)(len >> 8);
	ph[11] = (uint8_t)len;
	return csum(probe_sum(0, ph, sizeof(ph)), ip + 20, len);
}

static void
test_udp_paris(void **state)
{
	static struct got g;
	size_t i, j;

	(void)state;
	dry(&probe_udp, 0, 1, 8, 3, &g);
	check_ip(&g, 1, 8);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(g.p[i].kind, PKT_UDP);
		assert_int_equal(l4_csum(&g, i), 0);
		/*
		 * Constant 5-tuple, both ports keyed (the destination port
		 * within traceroute's range); the UDP length says the TTL; the
		 * checksum corroborates.
		 */
		assert_int_equal(g.p[i].l4.sport, g.p[0].l4.sport);
		assert_in_range(g.p[i].l4.sport, 32768, 60999);
		assert_int_equal(g.p[i].l4.dport, g.p[0].l4.dport);
		assert_in_range(g.p[i].l4.dport, 33434, 33523);
		assert_int_equal(g.p[i].l4.ulen % 64, g.p[i].ip.ttl);
		assert_in_range(g.p[i].l4.ulen, 8 + 32, 8 + 32 + 63);
		for (j = 0; j < i; j++)
			if (g.p[i].l4.csum == g.p[j].l4.csum)
				assert_int_not_equal(g.p[i].ip.id, g.p[j].ip.id);
		assert_memory_equal(g.raw[i] + 28, PROBE_MAGIC, PROBE_MAGIC_LEN);
	}
}

static void
test_udp_classic(void **state)
{
	static struct got g;
	size_t i;

	(void)state;
	dry(&probe_udp, 1, 1, 5, 2, &g);
	check_ip(&g, 1, 5);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(l4_csum(&g, i), 0);
		assert_int_equal(g.p[i].l4.dport, 33434 + i);
	}
}

static void
test_icmp_paris(void **state)
{
	static struct got g;
	size_t i, j;

	(void)state;
	dry(&probe_icmp, 0, 2, 9, 3, &g);
	check_ip(&g, 2, 9);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(g.p[i].kind, PKT_ICMP_ECHO);
		assert_int_equal(l4_csum(&g, i), 0);
		/* Load balancers hash type, code, checksum: all constant. */
		assert_int_equal(g.p[i].l4.csum, g.p[0].l4.csum);
		assert_int_equal(g.p[i].l4.echo_id, g.p[0].l4.echo_id);
		/* the sequence: the TTL, then a keyed byte */
		assert_int_equal(g.p[i].l4.echo_seq >> 8, g.p[i].ip.ttl);
		for (j = 0; j < i; j++)
			assert_int_not_equal(g.p[i].l4.echo_seq,
			    g.p[j].l4.echo_seq);
	}
}

static void
test_icmp_classic(void **state)
{
	static struct got g;
	size_t i;
	int varied = 0;

	(void)state;
	dry(&probe_icmp, 1, 1, 6, 2, &g);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(l4_csum(&g, i), 0);
		varied |= g.p[i].l4.csum != g.p[0].l4.csum;
	}
	assert_true(varied);
}

static void
test_tcp(void **state)
{
	static struct got g;
	size_t i, j;

	(void)state;
	dry(&probe_tcp, 0, 1, 6, 3, &g);
	check_ip(&g, 1, 6);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(g.p[i].kind, PKT_TCP);
		assert_int_equal(l4_csum(&g, i), 0);
		assert_int_equal(g.p[i].l4.flags, 0x02);	/* SYN */
		assert_int_equal(g.p[i].l4.dport, 80);
		assert_int_equal(g.p[i].l4.sport, g.p[0].l4.sport);
		assert_int_equal(g.p[i].l4.seq >> 24, g.p[i].ip.ttl);
		for (j = 0; j < i; j++)
			assert_int_not_equal(g.p[i].l4.seq, g.p[j].l4.seq);
	}
}

static void
test_tcp_ack_classic(void **state)
{
	static struct got g;
	size_t i;

	(void)state;
	dry(&probe_tcp_ack, 1, 1, 4, 2, &g);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(l4_csum(&g, i), 0);
		assert_int_equal(g.p[i].l4.flags, 0x10);	/* ACK */
		assert_int_equal(g.p[i].l4.sport, g.p[0].l4.sport + i);
		/* sequence and acknowledgement both keyed */
		assert_int_equal(g.p[i].l4.seq >> 24, g.p[i].ip.ttl);
		assert_int_not_equal(g.p[i].l4.ack, 0);
	}
}

static void
test_checksum_fix(void **state)
{
	uint8_t buf[16];
	uint16_t want;

	(void)state;
	for (want = 1; want < 0xff00; want += 0x1234) {
		probe_payload(buf, sizeof(buf), 'x');
		probe_fix_checksum(buf, probe_sum(0x1234, buf, sizeof(buf)),
		    want);
		assert_int_equal(csum(0x1234, buf, sizeof(buf)), want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_fix),
		cmocka_unit_test(test_udp_paris),
		cmocka_unit_test(test_udp_classic),
		cmocka_unit_test(test_icmp_paris),
		cmocka_unit_test(test_icmp_classic),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_tcp_ack_classic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
