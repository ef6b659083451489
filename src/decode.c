/*
 * decode.c: link layers, encapsulations, IPv4, UDP/TCP/ICMP and quoted
 * packets.
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
#define ETHERTYPE_VLAN		0x8100	/* IEEE 802.1Q */
#define ETHERTYPE_QINQ		0x88a8	/* IEEE 802.1ad S-tag */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-802.1ad QinQ */
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define ETHERTYPE_PPPOE		0x8864	/* session stage; 0x8863 discovery is no IP */

#define PPP_IPV4		0x0021
#define PPP_MPLS		0x0281
#define PPP_MPLS_MC		0x0283
#define PPP_ADDRESS		0xff	/* RFC 1662 all-stations address */
#define PPP_CONTROL		0x03	/* RFC 1662 unnumbered information */
#define CHDLC_UNICAST		0x0f
#define CHDLC_BCAST		0x8f

#define PPPOE_HDRLEN		6
#define PPPOE_VER_TYPE		0x11	/* version 1, type 1 */
#define PPPOE_CODE_SESSION	0x00

#define BSD_AF_INET		2	/* AF_INET on every BSD and on Linux */

#define PFLOG_HDRLEN_MIN	61	/* NetBSD, macOS; FreeBSD 69 */
#define PFLOG_HDRLEN_MAX	100	/* OpenBSD */

#define NFLOG_AF_INET		2
#define NFLOG_VERSION		0
#define NFULA_PAYLOAD		9

#define MAX_ENCAP		8	/* tags, PPPoE headers and label stacks */
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
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_PPP_ETHER:
	case DLT_C_HDLC:
	case DLT_HDLC:
	case DLT_PFLOG:
	case DLT_NFLOG:
	case DLT_RAW:
	case LINKTYPE_RAW_VALUE:
	case DLT_IPV4:
#if DLT_RAW != 14
	case 14:		/* DLT_RAW on BSD/OS and OpenBSD */
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
	if (p->qip.frag == 0) {
		parse_t8(&q, p->qip.proto, &p->ql4);
		/* RFC 1812 routers quote the payload too. */
		p->quote_own = (uint8_t)probe_has_magic(q);
	}
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

/*
 * An MPLS label stack (RFC 3032), then what its bottom entry carries.
 * The stack is kept in link_mpls (as far as it holds).  No payload type
 * travels with the stack: RFC 4928 routers and tools look at the first
 * nibble, and so do we: 4 is IPv4; 6 (IPv6) and anything else (an
 * Ethernet pseudowire, RFC 4448, is not assumed) is not IPv4.
 */
static enum decode_status
decode_mpls(struct cursor *c, struct pkt *p)
{
	uint32_t e;
	uint8_t v;
	int depth;

	for (depth = 0; depth < MAX_MPLS_DEPTH; depth++) {
		if (cur_be32(c, &e) != 0)
			return DEC_TRUNCATED;
		if (p->link_mpls_n < PKT_MAX_MPLS)
			split_mpls(e, &p->link_mpls[p->link_mpls_n++]);
		if ((e & 0x100) == 0)
			continue;
		if (cur_peek_u8(c, 0, &v) != 0)
			return DEC_TRUNCATED;
		if ((v >> 4) != 4)
			return DEC_NOT_IP;
		return decode_ip(c->pos, cur_left(c), p);
	}
	return DEC_BAD;		/* no bottom of stack within the bound */
}

/*
 * A PPP protocol field (RFC 1661 section 2): two bytes, or one when
 * protocol field compression left out a leading zero byte (the first byte
 * is then odd).
 */
static enum decode_status
ppp_protocol(struct cursor *c, uint16_t *proto)
{
	uint8_t b;

	if (cur_u8(c, &b) != 0)
		return DEC_TRUNCATED;
	*proto = b;
	if ((b & 1) == 0) {
		if (cur_u8(c, &b) != 0)
			return DEC_TRUNCATED;
		*proto = (uint16_t)(*proto << 8 | b);
	}
	return DEC_OK;
}

/*
 * A PPPoE session-stage header (RFC 2516 section 4): version and type 1,
 * code 0, session id, payload length; then the PPP protocol field.  The
 * cursor is narrowed to the payload length (trims Ethernet padding; a
 * length beyond the frame keeps what the frame has, as a snap length
 * would).  Discovery-stage codes carry no IP.
 */
static enum decode_status
parse_pppoe(struct cursor *c, uint16_t *proto)
{
	uint8_t h[PPPOE_HDRLEN];
	uint16_t len;

	if (cur_bytes(c, h, sizeof(h)) != 0)
		return DEC_TRUNCATED;
	if (h[0] != PPPOE_VER_TYPE)
		return DEC_BAD;
	if (h[1] != PPPOE_CODE_SESSION)
		return DEC_NOT_IP;
	len = be16_at(h + 4);
	if (len < 2)		/* no room for a protocol and a packet */
		return DEC_BAD;
	cur_limit(c, len);
	return ppp_protocol(c, proto);
}

/* Whose numbering a protocol identifier is in. */
enum proto_space {
	SP_ETHER,		/* an ethertype: Ethernet, Linux cooked, Cisco HDLC, tags */
	SP_PPP,			/* a PPP protocol number: PPP, PPPoE */
};

/* What a protocol identifier leads to. */
enum layer { L_IPV4, L_MPLS, L_TAG, L_PPPOE, L_OTHER };

static enum layer
layer_of(enum proto_space sp, uint16_t id)
{
	if (sp == SP_PPP) {
		switch (id) {
		case PPP_IPV4:
			return L_IPV4;
		case PPP_MPLS:		/* RFC 3032 section 4 */
		case PPP_MPLS_MC:
			return L_MPLS;
		default:
			return L_OTHER;
		}
	}
	switch (id) {
	case ETHERTYPE_IPV4:
		return L_IPV4;
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return L_MPLS;
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
	case ETHERTYPE_QINQ_OLD:
		return L_TAG;
	case ETHERTYPE_PPPOE:
		return L_PPPOE;
	default:
		return L_OTHER;	/* ARP, IPv6, PPPoE discovery, 802.3 lengths, ... */
	}
}

/*
 * From a protocol identifier to IPv4, through 802.1Q / 802.1ad tags, PPPoE
 * sessions and an MPLS label stack, stacked in any order.  Each tag, each
 * PPPoE header and the label stack count as one layer; more than
 * MAX_ENCAP layers is DEC_BAD.
 */
static enum decode_status
decode_encap(struct cursor *c, enum proto_space sp, uint16_t id,
    struct pkt *p)
{
	enum decode_status st;
	int layers = 0;

	for (;;) {
		switch (layer_of(sp, id)) {
		case L_IPV4:
			return decode_ip(c->pos, cur_left(c), p);
		case L_OTHER:
			return DEC_NOT_IP;
		default:
			break;
		}
		if (++layers > MAX_ENCAP)
			return DEC_BAD;
		switch (layer_of(sp, id)) {
		case L_TAG:
			/* IEEE 802.1Q: the tag control field, the next ethertype */
			if (cur_skip(c, 2) != 0 || cur_be16(c, &id) != 0)
				return DEC_TRUNCATED;
			sp = SP_ETHER;
			break;
		case L_PPPOE:
			st = parse_pppoe(c, &id);
			if (st != DEC_OK)
				return st;
			sp = SP_PPP;
			break;
		default:	/* L_MPLS: its bottom entry ends the walk */
			return decode_mpls(c, p);
		}
	}
}

/*
 * Cisco HDLC (RFC 1547 section 4.3.1): address 0x0f (unicast) or 0x8f
 * (broadcast), control 0, then an ethertype.
 */
static enum decode_status
decode_chdlc(struct cursor *c, struct pkt *p)
{
	uint8_t h[4];

	if (cur_bytes(c, h, sizeof(h)) != 0)
		return DEC_TRUNCATED;
	if ((h[0] != CHDLC_UNICAST && h[0] != CHDLC_BCAST) || h[1] != 0)
		return DEC_BAD;
	return decode_encap(c, SP_ETHER, be16_at(h + 2), p);
}

/*
 * PPP (RFC 1661), with or without the RFC 1662 address and control bytes
 * ff 03.  A frame may instead be Cisco HDLC, as NetBSD's DLT_PPP_SERIAL
 * gives on such lines: its address bytes 0x0f and 0x8f cannot start a PPP
 * frame (as a compressed protocol they would be reserved numbers), so
 * they are told apart on either PPP link type, as Wireshark does.
 */
static enum decode_status
decode_ppp(struct cursor *c, struct pkt *p)
{
	enum decode_status st;
	uint16_t proto;
	uint8_t b;

	if (cur_peek_u8(c, 0, &b) != 0)
		return DEC_TRUNCATED;
	if (b == CHDLC_UNICAST || b == CHDLC_BCAST)
		return decode_chdlc(c, p);
	if (b == PPP_ADDRESS) {
		if (cur_skip(c, 1) != 0 || cur_u8(c, &b) != 0)
			return DEC_TRUNCATED;
		if (b != PPP_CONTROL)
			return DEC_BAD;
	}
	st = ppp_protocol(c, &proto);
	if (st != DEC_OK)
		return st;
	return decode_encap(c, SP_PPP, proto, p);
}

/*
 * OpenBSD pf's log header (DLT_PFLOG): its first byte is the header's
 * length (61 on most systems, 69 on FreeBSD, 100 on OpenBSD; padded to 4
 * bytes on the wire), its second the address family of the packet after
 * it (AF_INET is 2 on every BSD).
 */
static enum decode_status
decode_pflog(struct cursor *c, struct pkt *p)
{
	uint8_t len, af;

	if (cur_peek_u8(c, 0, &len) != 0 || cur_peek_u8(c, 1, &af) != 0)
		return DEC_TRUNCATED;
	if (len < PFLOG_HDRLEN_MIN || len > PFLOG_HDRLEN_MAX)
		return DEC_BAD;
	if (cur_skip(c, ((size_t)len + 3) & ~(size_t)3) != 0)
		return DEC_TRUNCATED;
	if (af != BSD_AF_INET)
		return DEC_NOT_IP;
	return decode_ip(c->pos, cur_left(c), p);
}

/* A 16-bit value in the byte order of this host. */
static inline uint16_t
he16_at(const uint8_t *b)
{
	uint16_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

/*
 * Linux NFLOG (DLT_NFLOG): address family, version 0, resource id, then
 * netlink attributes (TLVs) whose length and type are in the byte order
 * of the capturing host (libpcap turns them into this host's order when
 * it reads a file written on another).  The length counts the 4-byte TLV
 * header, not the padding to 4 bytes.  The NFULA_PAYLOAD TLV holds the
 * packet.
 */
static enum decode_status
decode_nflog(struct cursor *c, struct pkt *p)
{
	uint8_t h[4], t[4];
	uint16_t tlen;
	struct cursor v;

	if (cur_bytes(c, h, sizeof(h)) != 0)
		return DEC_TRUNCATED;
	if (h[1] != NFLOG_VERSION)
		return DEC_BAD;
	if (h[0] != NFLOG_AF_INET)
		return DEC_NOT_IP;
	/* Each TLV takes at least 4 bytes: the walk ends with the frame. */
	while (cur_left(c) > 0) {
		if (cur_bytes(c, t, sizeof(t)) != 0)
			return DEC_TRUNCATED;
		tlen = he16_at(t);
		if (tlen < sizeof(t))
			return DEC_BAD;
		if (he16_at(t + 2) == NFULA_PAYLOAD) {
			(void)cur_sub(c, tlen - sizeof(t), 1, &v);
			return decode_ip(v.pos, cur_left(&v), p);
		}
		if (cur_skip(c, (((size_t)tlen + 3) & ~(size_t)3) - sizeof(t))
		    != 0)
			return DEC_TRUNCATED;
	}
	/* No payload TLV: logged with copy range 0, or cut by the snap length. */
	return DEC_TRUNCATED;
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
	p->quote_own = 0;
	p->link_mpls_n = 0;
	p->ext_mpls_n = 0;
}

enum decode_status
decode_frame(int linktype, const uint8_t *data, size_t caplen, struct pkt *p)
{
	struct cursor c;
	uint16_t et;
	uint32_t af;

	pkt_clear(p);
	cur_init(&c, data, caplen);
	switch (linktype) {
	case DLT_EN10MB:
		if (cur_skip(&c, 12) != 0 || cur_be16(&c, &et) != 0)
			return DEC_TRUNCATED;
		return decode_encap(&c, SP_ETHER, et, p);
	case DLT_LINUX_SLL:
		/*
		 * The protocol field is an ethertype for every link Linux
		 * hands to a cooked socket (PPP, GRE and other tunnels
		 * included); values below 0x0600 are Linux pseudo-types
		 * (802.2, 802.3, CAN) or netlink families, never IPv4.
		 */
		if (cur_skip(&c, 14) != 0 || cur_be16(&c, &et) != 0)
			return DEC_TRUNCATED;
		return decode_encap(&c, SP_ETHER, et, p);
	case DLT_LINUX_SLL2:
		if (cur_be16(&c, &et) != 0 || cur_skip(&c, 18) != 0)
			return DEC_TRUNCATED;
		return decode_encap(&c, SP_ETHER, et, p);
	case DLT_NULL:
		/* Host byte order of the capturing machine: try both. */
		if (cur_be32(&c, &af) != 0)
			return DEC_TRUNCATED;
		if (af != BSD_AF_INET && af != (uint32_t)BSD_AF_INET << 24)
			return DEC_NOT_IP;
		return decode_ip(c.pos, cur_left(&c), p);
	case DLT_LOOP:
		/* OpenBSD's loopback: the family in network byte order. */
		if (cur_be32(&c, &af) != 0)
			return DEC_TRUNCATED;
		if (af != BSD_AF_INET)
			return DEC_NOT_IP;
		return decode_ip(c.pos, cur_left(&c), p);
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		return decode_ppp(&c, p);
	case DLT_PPP_ETHER:
		/* NetBSD pppoe(4): the PPPoE header without Ethernet. */
		return decode_encap(&c, SP_ETHER, ETHERTYPE_PPPOE, p);
	case DLT_C_HDLC:
	case DLT_HDLC:
		return decode_chdlc(&c, p);
	case DLT_PFLOG:
		return decode_pflog(&c, p);
	case DLT_NFLOG:
		return decode_nflog(&c, p);
	case DLT_RAW:
	case LINKTYPE_RAW_VALUE:
	case DLT_IPV4:
#if DLT_RAW != 14
	case 14:		/* DLT_RAW on BSD/OS and OpenBSD */
#endif
		return decode_ip(c.pos, cur_left(&c), p);
	default:
		return DEC_LINKTYPE;
	}
}
