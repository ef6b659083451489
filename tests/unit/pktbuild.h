/*
 * pktbuild.h: assemble IPv4 probes and replies (UDP, TCP, ICMP echo, ICMP
 * errors quoting a probe) with correct checksums, for tests and fuzzers.
 *
 * Every builder writes a whole IPv4 packet into a struct pb (raw IP, as
 * DLT_RAW carries it).  Addresses are in host byte order; PB_A(192,0,2,10)
 * writes one.  Offsets of the fields a NAT rewrites inside an ICMP error
 * are named below so tests can change them with pb_set16().
 */
#ifndef LH_PKTBUILD_H
#define LH_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PB_MAX		1600

#define PB_A(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* Inside an ICMP error built by pb_icmp_err(): the quoted probe's fields. */
#define PB_Q_IP		28			/* quoted IPv4 header */
#define PB_Q_IPID	(PB_Q_IP + 4)		/* quoted IP ID */
#define PB_Q_TTL	(PB_Q_IP + 8)		/* quoted TTL */
#define PB_Q_L4		(PB_Q_IP + 20)		/* quoted transport header */
#define PB_Q_UDPCK	(PB_Q_L4 + 6)		/* quoted UDP checksum */

#define PB_TH_FIN	0x01
#define PB_TH_SYN	0x02
#define PB_TH_RST	0x04
#define PB_TH_PSH	0x08
#define PB_TH_ACK	0x10

struct pb {
	uint8_t	b[PB_MAX];
	size_t	len;
};

/* The IPv4 header fields a builder needs. */
struct pb_ip {
	uint32_t	src, dst;
	uint8_t		ttl;
	uint16_t	id;
	uint8_t		df;
};

static inline void
pb_w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pb_w32(uint8_t *p, uint32_t v)
{
	pb_w16(p, (uint16_t)(v >> 16));
	pb_w16(p + 2, (uint16_t)v);
}

static inline uint16_t
pb_r16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One's complement sum (RFC 1071), not yet folded or inverted. */
static inline uint32_t
pb_sum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)pb_r16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static inline uint16_t
pb_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The checksum over the IPv4 pseudo-header and n bytes at l4. */
static inline uint16_t
pb_l4_csum(const struct pb *p, uint8_t proto, const uint8_t *l4, size_t n)
{
	uint8_t ph[12];

	memcpy(ph, p->b + 12, 8);		/* source, destination */
	ph[8] = 0;
	ph[9] = proto;
	pb_w16(ph + 10, (uint16_t)n);
	return (uint16_t)~pb_fold(pb_sum(l4, n, pb_sum(ph, sizeof(ph), 0)));
}

/* Write the IPv4 header in front of the l4len bytes at b + 20. */
static inline void
pb_ip_finish(struct pb *p, const struct pb_ip *ip, uint8_t proto, size_t l4len)
{
	uint8_t *h = p->b;

	p->len = 20 + l4len;
	h[0] = 0x45;
	h[1] = 0;
	pb_w16(h + 2, (uint16_t)p->len);
	pb_w16(h + 4, ip->id);
	pb_w16(h + 6, ip->df ? 0x4000 : 0);
	h[8] = ip->ttl;
	h[9] = proto;
	pb_w16(h + 10, 0);
	pb_w32(h + 12, ip->src);
	pb_w32(h + 16, ip->dst);
	pb_w16(h + 10, (uint16_t)~pb_fold(pb_sum(h, 20, 0)));
}

/* Fill n payload bytes with traceroute's "@ABC..." pattern. */
static inline void
pb_pattern(uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (uint8_t)(0x40 + (i & 0x3f));
}

/*
 * The 16-bit word that, added to a one's complement sum s of everything
 * else, makes the final checksum equal want.
 */
static inline uint16_t
pb_tune(uint32_t s, uint16_t want)
{
	return pb_fold((uint32_t)(uint16_t)~want + (uint16_t)~pb_fold(s));
}

/* A UDP datagram with paylen pattern bytes. */
static inline void
pb_udp(struct pb *p, struct pb_ip ip, uint16_t sport, uint16_t dport,
    size_t paylen)
{
	uint8_t *u = p->b + 20;
	uint16_t ck;

	memset(p->b, 0, sizeof(p->b));
	pb_w16(u, sport);
	pb_w16(u + 2, dport);
	pb_w16(u + 4, (uint16_t)(8 + paylen));
	pb_pattern(u + 8, paylen);
	pb_ip_finish(p, &ip, 17, 8 + paylen);
	ck = pb_l4_csum(p, 17, u, 8 + paylen);
	pb_w16(u + 6, ck ? ck : 0xffff);
}

/*
 * A UDP datagram whose checksum is want (Paris traceroute, scamper): the
 * first two payload bytes are chosen to make it so.  paylen >= 2; want must
 * not be 0 or 0xffff.
 */
static inline void
pb_udp_ck(struct pb *p, struct pb_ip ip, uint16_t sport, uint16_t dport,
    size_t paylen, uint16_t want)
{
	uint8_t *u = p->b + 20;

	pb_udp(p, ip, sport, dport, paylen);
	pb_w16(u + 6, 0);
	pb_w16(u + 8, 0);
	pb_w16(u + 8, pb_tune(~pb_l4_csum(p, 17, u, 8 + paylen) & 0xffff,
	    want));
	pb_w16(u + 6, pb_l4_csum(p, 17, u, 8 + paylen));
}

/* A TCP segment, 20-byte header, no payload. */
static inline void
pb_tcp(struct pb *p, struct pb_ip ip, uint16_t sport, uint16_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t *t = p->b + 20;

	memset(p->b, 0, sizeof(p->b));
	pb_w16(t, sport);
	pb_w16(t + 2, dport);
	pb_w32(t + 4, seq);
	pb_w32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	pb_w16(t + 14, (flags & PB_TH_RST) ? 0 : 5840);
	pb_ip_finish(p, &ip, 6, 20);
	pb_w16(t + 16, pb_l4_csum(p, 6, t, 20));
}

/* An ICMP echo request (type 8) or reply (type 0) with paylen bytes. */
static inline void
pb_echo(struct pb *p, struct pb_ip ip, uint8_t type, uint16_t id,
    uint16_t seq, size_t paylen)
{
	uint8_t *m = p->b + 20;

	memset(p->b, 0, sizeof(p->b));
	m[0] = type;
	pb_w16(m + 4, id);
	pb_w16(m + 6, seq);
	pb_pattern(m + 8, paylen);
	pb_ip_finish(p, &ip, 1, 8 + paylen);
	pb_w16(m + 2, (uint16_t)~pb_fold(pb_sum(m, 8 + paylen, 0)));
}

/* An echo request whose checksum is want whatever seq is (Paris ICMP). */
static inline void
pb_echo_ck(struct pb *p, struct pb_ip ip, uint16_t id, uint16_t seq,
    size_t paylen, uint16_t want)
{
	uint8_t *m = p->b + 20;

	pb_echo(p, ip, 8, id, seq, paylen);
	pb_w16(m + 2, 0);
	pb_w16(m + 8, 0);
	pb_w16(m + 8, pb_tune(pb_sum(m, 8 + paylen, 0), want));
	pb_w16(m + 2, (uint16_t)~pb_fold(pb_sum(m, 8 + paylen, 0)));
}

/*
 * An ICMP error (time exceeded, unreachable, ...) from ip.src quoting the
 * first qlen bytes of probe as the router saw it: with TTL qttl and the
 * header checksum to match.  rest is ICMP bytes 4..7 (RFC 4884 length,
 * next-hop MTU).
 */
static inline void
pb_icmp_err(struct pb *p, struct pb_ip ip, uint8_t type, uint8_t code,
    uint32_t rest, const struct pb *probe, size_t qlen, uint8_t qttl)
{
	uint8_t *m = p->b + 20, *q = p->b + PB_Q_IP;

	if (qlen > probe->len)
		qlen = probe->len;
	if (qlen > PB_MAX - PB_Q_IP)
		qlen = PB_MAX - PB_Q_IP;
	memset(p->b, 0, sizeof(p->b));
	m[0] = type;
	m[1] = code;
	pb_w32(m + 4, rest);
	memcpy(q, probe->b, qlen);
	if (qlen >= 20) {
		q[8] = qttl;
		pb_w16(q + 10, 0);
		pb_w16(q + 10, (uint16_t)~pb_fold(pb_sum(q, 20, 0)));
	}
	pb_ip_finish(p, &ip, 1, 8 + qlen);
	pb_w16(m + 2, (uint16_t)~pb_fold(pb_sum(m, 8 + qlen, 0)));
}

/* Change a 16-bit field (a NAT rewriting the quote), fixing the ICMP sum. */
static inline void
pb_set16(struct pb *p, size_t off, uint16_t v)
{
	uint8_t *m = p->b + 20;

	pb_w16(p->b + off, v);
	if (p->b[9] == 1 && p->len >= 28) {
		pb_w16(m + 2, 0);
		pb_w16(m + 2, (uint16_t)~pb_fold(pb_sum(m, p->len - 20, 0)));
	}
}

/* The checksum a builder put in the transport header (UDP or ICMP). */
static inline uint16_t
pb_l4_ck(const struct pb *p)
{
	return pb_r16(p->b + 20 + (p->b[9] == 17 ? 6 : 2));
}

#endif /* LH_PKTBUILD_H */
