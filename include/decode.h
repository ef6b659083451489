/*
 * decode.h: one decode path for live capture and replay.
 *
 * A link-layer frame (from a pcap record or a live capture) becomes a
 * struct pkt: the outer IPv4 header, the transport header, and for ICMP
 * errors the quoted inner IPv4 header with the first bytes of its transport
 * header and any RFC 4950 MPLS label stack.  Matching and analysis see only
 * this struct.
 */
#ifndef LH_DECODE_H
#define LH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX_MPLS	8	/* labels kept from one stack */
#define PKT_T8		8	/* transport bytes an ICMP error must quote (RFC 792) */

/* Decoded IPv4 header fields (RFC 791); addresses in host byte order. */
struct ip4 {
	uint32_t	src, dst;
	uint16_t	id;
	uint16_t	totlen;		/* total length field as sent */
	uint16_t	frag;		/* fragment offset in 8-byte units */
	uint8_t		mf;		/* more-fragments flag */
	uint8_t		df;
	uint8_t		ttl;
	uint8_t		proto;
	uint8_t		tos;
	uint8_t		hlen;		/* header length in bytes, 20..60 */
};

/* The transport header, as far as the bytes allow. */
struct l4 {
	uint8_t		 t8[PKT_T8];	/* first bytes of the transport header */
	uint8_t		 t8len;		/* how many of t8 are valid (0..8) */
	/* UDP / TCP */
	uint16_t	 sport, dport;
	/* UDP */
	uint16_t	 ulen, csum;
	/* TCP */
	uint32_t	 seq, ack;
	uint8_t		 flags;		/* TCP flags byte; valid if have_tcpflags */
	uint8_t		 have_tcpflags;
	/* ICMP */
	uint8_t		 type, code;
	uint16_t	 echo_id, echo_seq;	/* echo only */
};

/* An MPLS label stack entry (RFC 3032) split into fields. */
struct mpls {
	uint32_t	label;
	uint8_t		tc;
	uint8_t		s;
	uint8_t		ttl;
};

enum pkt_kind {
	PKT_OTHER = 0,		/* not of interest */
	PKT_UDP,		/* a UDP datagram (probe or answer) */
	PKT_TCP,		/* a TCP segment (probe or answer) */
	PKT_ICMP_ECHO,		/* ICMP echo request */
	PKT_ICMP_ECHOREPLY,	/* ICMP echo reply */
	PKT_ICMP_ERROR,		/* time exceeded, unreachable, ... quoting a packet */
	PKT_ICMP_OTHER,		/* another ICMP message */
	PKT_FRAGMENT,		/* a non-first fragment (engine_decode() sets
				   it where decode_frame() says DEC_FRAGMENT) */
};

/*
 * decode_frame() zeroes every field (pkt_clear(): a new field goes there
 * too) except the entries of the label stacks, which are set and read only
 * up to their counts.
 */
struct pkt {
	int64_t		ts_ns;
	enum pkt_kind	kind;
	uint32_t	wirelen;
	struct ip4	ip;
	struct l4	l4;		/* transport of the outer packet */
	uint16_t	payload_len;	/* transport payload length the IP header claims */
	uint8_t		own_probe;	/* UDP or echo payload starts "lhop": ours */

	/* MPLS stack in front of IP on the link (ethertype 0x8847/0x8848). */
	uint8_t		link_mpls_n;
	struct mpls	link_mpls[PKT_MAX_MPLS];

	/* ICMP errors: the quoted packet (RFC 792 minimum, RFC 1812 longer). */
	struct ip4	qip;
	struct l4	ql4;
	uint16_t	quote_len;	/* quoted bytes present in the capture */
	uint8_t		quote_own;	/* the quote holds lasthop's payload magic */
	uint8_t		ext_mpls_n;	/* RFC 4950 labels in an RFC 4884 extension */
	struct mpls	ext_mpls[PKT_MAX_MPLS];
};

/* Why decode_frame() set a packet aside; counted per replay. */
enum decode_status {
	DEC_OK = 0,
	DEC_NOT_IP,		/* a link-layer frame without IPv4 (ARP, IPv6, ...) */
	DEC_TRUNCATED,		/* fewer bytes than the headers need */
	DEC_BAD,		/* impossible header values */
	DEC_FRAGMENT,		/* a non-first fragment: no transport header */
	DEC_LINKTYPE,		/* a link type we cannot read */
};

/*
 * Decode one frame of the given DLT_ link type.  Returns DEC_OK with out
 * filled, or the reason it was set aside.  Never reads outside
 * [data, data + caplen).
 */
enum decode_status decode_frame(int linktype, const uint8_t *data,
    size_t caplen, struct pkt *out);

/* Decode an IPv4 packet that starts at data (no link layer). */
enum decode_status decode_ip(const uint8_t *data, size_t len, struct pkt *out);

/* Whether decode_frame() knows the DLT_ link type. */
int decode_linktype_ok(int linktype);


#endif /* LH_DECODE_H */
