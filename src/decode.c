/*
 * decode.c: link layer, IPv4, UDP/TCP/ICMP and quoted-packet decoding.
 *
 * Every read goes through struct cursor.  A quoted inner packet is read
 * through a sub-cursor that ends where the quote ends, so nothing in the
 * quote can reach the bytes that follow it.
 */
#include <string.h>
#include <pcap/dlt.h>

#include "cursor.h"
#include "decode.h"
#include "probe.h"
#include "proto.h"

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define PPP_IPV4		0x0021

#define MAX_VLAN_TAGS		4	/* deeper stacks are set aside */
#define MAX_MPLS_DEPTH		16	/* labels we walk before giving up */

#define LINKTYPE_RAW_VALUE	101	/* LINKTYPE_RAW as some files carry it */

#define ICMP_EXT_LEGACY_OFF	128	/* RFC 4884 section 5: non-compliant quote size */
#define ICMP_EXT_VERSION	2
#define ICMP_EXT_CLASS_MPLS	1	/* RFC 4950 */
#define ICMP_EXT_CTYPE_MPLS	1

int
decode_linktype_ok(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case LINKTYPE_RAW_VALUE:
	case DLT_IPV4:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
#if DLT_RAW != 14
	case 14:		/* DLT_RAW on BSD/OS */
#endif
		return 1;
	default:
		return 0;
	}
}

/*
 * Fixed-offset reads from a local copy of header bytes.  Only for arrays
 * that cur_bytes() filled: their size is known here, so these need no
 * bounds check of their own.
 */
static inline uint16_t
be16_at(const uint8_t *b)
{
	return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static inline uint32_t
be32_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* The IPv4 header at c; on success c covers exactly the IP payload present. */
static enum decode_status
parse_ip4(struct cursor *c, struct ip4 *ip)
{
	uint8_t h[20];
	uint16_t off;

	/* The fixed header is copied out (bounds-checked) and read from the copy. */
	if (cur_bytes(c, h, sizeof(h)) != 0)
		return DEC_TRUNCATED;
	if ((h[0] >> 4) != 4)
		return DEC_NOT_IP;
	ip->hlen = (uint8_t)((h[0] & 0x0f) * 4);
	if (ip->hlen < 20)
		return DEC_BAD;
	ip->tos = h[1];
	ip->totlen = be16_at(h + 2);
	ip->id = be16_at(h + 4);
	off = be16_at(h + 6);
	ip->ttl = h[8];
	ip->proto = h[9];
	ip->src = be32_at(h + 12);
	ip->dst = be32_at(h + 16);
	ip->df = (off & 0x4000) != 0;
	ip->mf = (off & 0x2000) != 0;
	ip->frag = off & 0x1fff;
	if (ip->totlen < ip->hlen)
		return DEC_BAD;
	if (cur_skip(c, ip->hlen - 20u) != 0)	/* options */
		return DEC_TRUNCATED;
	/* Trim link-layer padding; a short snap length keeps what it has. */
	cur_limit(c, (size_t)(ip->totlen - ip->hlen));
	return DEC_OK;
}

/*
 * Copy what is there of the first 8 transport bytes, and let the
 * protocol's module split them into fields; a field the bytes do not cover
 * stays 0 (t8 was zeroed by pkt_clear()).
 */
static void
parse_t8(const struct cursor *c, uint8_t proto, struct l4 *l)
{
	struct cursor t = *c;	/* c itself does not move */
	size_t n = cur_left(c);
	const struct probe_method *m = probe_by_proto(proto);

	if (n > PKT_T8)
		n = PKT_T8;
	(void)cur_bytes(&t, l->t8, n);
	l->t8len = (uint8_t)n;
	if (m != NULL)
		m->split(l);
}

static void
split_mpls(uint32_t e, struct mpls *m)
{
	m->label = e >> 12;
	m->tc = (uint8_t)((e >> 9) & 7);
	m->s = (uint8_t)((e >> 8) & 1);
	m->ttl = (uint8_t)(e & 0xff);
}

/* Internet checksum over a cursor's bytes; 0 when they sum correctly. */
static uint16_t
cksum(struct cursor c)
{
	uint32_t sum = 0;
	uint16_t w;
	uint8_t last;

	while (cur_be16(&c, &w) == 0)
		sum += w;
	if (cur_u8(&c, &last) == 0)
		sum += (uint32_t)last << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * RFC 4884 extension structure at c: version 2 header, then objects.
 * Collects an RFC 4950 MPLS label stack.  Malformed objects end the walk.
 */
static void
parse_icmp_ext(struct cursor c, int verify, struct pkt *p)
{
	uint8_t ver = 0, cls = 0, ctype = 0;
	uint16_t olen = 0;
	uint32_t e;
	struct cursor obj;

	if (verify && cksum(c) != 0)
		return;
	if (cur_u8(&c, &ver) != 0 || (ver >> 4) != ICMP_EXT_VERSION)
		return;
	if (cur_skip(&c, 3) != 0)
		return;
	while (cur_left(&c) >= 4) {
		(void)cur_be16(&c, &olen);
		(void)cur_u8(&c, &cls);
		(void)cur_u8(&c, &ctype);
		if (olen < 4 || cur_sub(&c, olen - 4u, 0, &obj) != 0)
			return;
		if (cls != ICMP_EXT_CLASS_MPLS || ctype != ICMP_EXT_CTYPE_MPLS)
			continue;
		while (cur_be32(&obj, &e) == 0 && p->ext_mpls_n < PKT_MAX_MPLS)
			split_mpls(e, &p->ext_mpls[p->ext_mpls_n++]);
	}
}

/* The quoted datagram of an ICMP error; c starts after the 8-byte ICMP header. */
static enum decode_status
parse_quote(struct cursor *c, uint8_t len_words, struct pkt *p)
{
	struct cursor q, ext;
	size_t qlen = cur_left(c);
	int have_ext = 0, verify = 0;
	enum decode_status st;

	if (len_words != 0) {
		/* RFC 4884: the quote's length is given; extensions follow. */
		size_t n = (size_t)len_words * 4;

		if (n < qlen) {
			qlen = n;
			have_ext = 1;
		}
	} else if (qlen > ICMP_EXT_LEGACY_OFF + 4) {
		/* Non-compliant routers put extensions at 128 without saying so. */
		qlen = ICMP_EXT_LEGACY_OFF;
		have_ext = verify = 1;
	}
	(void)cur_sub(c, qlen, 1, &q);
	if (have_ext) {
		ext = *c;
		parse_icmp_ext(ext, verify, p);
		if (verify && p->ext_mpls_n == 0) {
			/* Not an extension after all: the whole rest is quote. */
			q.end = c->end;
		}
	}
	p->quote_len = (uint16_t)(cur_left(&q) > 0xffff ? 0xffff : cur_left(&q));
	st = parse_ip4(&q, &p->qip);
	if (st != DEC_OK)
		return st == DEC_NOT_IP ? DEC_BAD : st;
	if (p->qip.frag == 0)
		parse_t8(&q, p->qip.proto, &p->ql4);
	return DEC_OK;
}

/*
 * An IPv4 packet: ICMP errors, the network's answers to every method, are
 * read here with their quote; any other transport by its probe module.
 */
enum decode_status
decode_ip(const uint8_t *data, size_t len, struct pkt *p)
{
	const struct probe_method *m;
	struct cursor c;
	enum decode_status st;
	uint8_t type, lw;

	cur_init(&c, data, len);
	st = parse_ip4(&c, &p->ip);
	if (st != DEC_OK)
		return st;
	p->payload_len = (uint16_t)(p->ip.totlen - p->ip.hlen);
	if (p->ip.frag != 0)
		return DEC_FRAGMENT;
	parse_t8(&c, p->ip.proto, &p->l4);
	if (p->ip.proto == IPPROTO_ICMP && p->l4.t8len == PKT_T8 &&
	    icmp_is_error(type = p->l4.t8[0])) {
		p->kind = PKT_ICMP_ERROR;
		(void)cur_skip(&c, PKT_T8);
		/* RFC 4884 length: byte 5 of the ICMP header (not for quench). */
		lw = type == LH_ICMP_SOURCEQUENCH ? 0 : p->l4.t8[5];
		return parse_quote(&c, lw, p);
	}
	if ((m = probe_by_proto(p->ip.proto)) == NULL) {
		p->kind = PKT_OTHER;
		return DEC_OK;
	}
	return m->decode(c, p);
}

/* Walk an MPLS label stack; c ends on the first byte after bottom of stack. */
static enum decode_status
parse_mpls(struct cursor *c, struct pkt *p)
{
	uint32_t e;
	int depth;

	for (depth = 0; depth < MAX_MPLS_DEPTH; depth++) {
		if (cur_be32(c, &e) != 0)
			return DEC_TRUNCATED;
		if (p->link_mpls_n < PKT_MAX_MPLS)
			split_mpls(e, &p->link_mpls[p->link_mpls_n++]);
		if (e & 0x100)
			return DEC_OK;
	}
	return DEC_BAD;
}

/* After an ethertype: VLAN tags, MPLS, then IPv4. */
static enum decode_status
decode_ethertype(struct cursor *c, uint16_t et, struct pkt *p)
{
	int tags = 0;
	enum decode_status st;
	uint8_t v;

	while (et == ETHERTYPE_VLAN || et == ETHERTYPE_QINQ ||
	    et == ETHERTYPE_QINQ_OLD) {
		if (++tags > MAX_VLAN_TAGS)
			return DEC_BAD;
		if (cur_skip(c, 2) != 0 || cur_be16(c, &et) != 0)
			return DEC_TRUNCATED;
	}
	if (et == ETHERTYPE_MPLS || et == ETHERTYPE_MPLS_MC) {
		st = parse_mpls(c, p);
		if (st != DEC_OK)
			return st;
		if (cur_peek_u8(c, 0, &v) != 0 || (v >> 4) != 4)
			return DEC_NOT_IP;
	} else if (et != ETHERTYPE_IPV4)
		return DEC_NOT_IP;
	return decode_ip(c->pos, cur_left(c), p);
}

/*
 * Zero the fields, piece by piece: the label stacks are valid only up to
 * their counts (see decode.h), and one memset of the whole struct compiles
 * to rep stos, whose start-up cost was ~6% of a replay's wall time.
 */
static void
pkt_clear(struct pkt *p)
{
	p->ts_ns = 0;
	p->kind = PKT_OTHER;
	p->wirelen = 0;
	memset(&p->ip, 0, sizeof(p->ip));
	memset(&p->l4, 0, sizeof(p->l4));
	p->payload_len = 0;
	p->own_probe = 0;
	memset(&p->qip, 0, sizeof(p->qip));
	memset(&p->ql4, 0, sizeof(p->ql4));
	p->quote_len = 0;
	p->link_mpls_n = 0;
	p->ext_mpls_n = 0;
}

enum decode_status
decode_frame(int linktype, const uint8_t *data, size_t caplen, struct pkt *p)
{
	struct cursor c;
	uint16_t et, proto;
	uint32_t af;
	uint8_t b;

	pkt_clear(p);
	cur_init(&c, data, caplen);
	switch (linktype) {
	case DLT_EN10MB:
		if (cur_skip(&c, 12) != 0 || cur_be16(&c, &et) != 0)
			return DEC_TRUNCATED;
		return decode_ethertype(&c, et, p);
	case DLT_LINUX_SLL:
		if (cur_skip(&c, 14) != 0 || cur_be16(&c, &et) != 0)
			return DEC_TRUNCATED;
		return decode_ethertype(&c, et, p);
	case DLT_LINUX_SLL2:
		if (cur_be16(&c, &et) != 0 || cur_skip(&c, 18) != 0)
			return DEC_TRUNCATED;
		return decode_ethertype(&c, et, p);
	case DLT_NULL:
	case DLT_LOOP:
		/* DLT_NULL: host byte order of the capturing machine; try both. */
		if (cur_be32(&c, &af) != 0)
			return DEC_TRUNCATED;
		if (af != 2 && af != 0x02000000)
			return DEC_NOT_IP;
		return decode_ip(c.pos, cur_left(&c), p);
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		if (cur_peek_u8(&c, 0, &b) == 0 && b == 0xff &&
		    cur_peek_u8(&c, 1, &b) == 0 && b == 0x03)
			(void)cur_skip(&c, 2);
		if (cur_u8(&c, &b) != 0)
			return DEC_TRUNCATED;
		proto = b;
		if ((b & 1) == 0) {	/* uncompressed protocol field */
			if (cur_u8(&c, &b) != 0)
				return DEC_TRUNCATED;
			proto = (uint16_t)(proto << 8 | b);
		}
		if (proto != PPP_IPV4)
			return DEC_NOT_IP;
		return decode_ip(c.pos, cur_left(&c), p);
	default:
		if (decode_linktype_ok(linktype))	/* raw IP variants */
			return decode_ip(c.pos, cur_left(&c), p);
		return DEC_LINKTYPE;
	}
}
