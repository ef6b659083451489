/*
 * test_decode.c: decode_frame() against tables of captured-looking frames.
 *
 * Every frame is a hex string, layer by layer, so a reader can check it by
 * eye or paste it into `text2pcap`/tshark.  The packets belong to one made-up
 * traceroute: us 192.0.2.10, routers 198.51.100.1 and .2, destination
 * 203.0.113.9.  Each table row is its own cmocka test, named after the row;
 * every field decode_frame() fills is compared with the row's expectation.
 * fuzz/corpus/make-seeds.py reads these tables to seed the fuzzers, so keep
 * one row per initializer with the name string first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode.h"
#include "probe.h"

#define ME	"192.0.2.10"
#define R1	"198.51.100.1"
#define R2	"198.51.100.2"
#define DST	"203.0.113.9"

#define LINKTYPE_RAW_101	101	/* LINKTYPE_RAW as some files carry it */
#define DLT_UNKNOWN_147		147	/* DLT_USER0: nothing we read */

/* Ethernet headers: to us from the gateway, and from us to the gateway. */
#define ETH_IN	"02 00 00 00 0a 01 52 54 00 12 34 56 "
#define ETH_OUT	"52 54 00 12 34 56 02 00 00 00 0a 01 "

/* ---- IPv4 packets, shared by several rows ---- */

/* Linux traceroute's first probe: UDP to 33434, TTL 1. */
#define IP_UDP \
	"45 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "	/* IPv4 192.0.2.10 > 203.0.113.9 ttl 1 id 0x5a01 udp */ \
	"b2 6e 82 9a 00 28 d7 7b "	/* UDP 45678 > 33434 len 40 */ \
	"40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 "	/* payload */ \
	"54 55 56 57 58 59 5a 5b 5c 5d 5e 5f "

/* R1's time exceeded for it, quoting the RFC 792 minimum. */
#define IP_TE_MIN_HDR \
	"45 00 00 38 4c 2a 00 00 ff 01 83 5b c6 33 64 01 c0 00 02 0a "	/* IPv4 198.51.100.1 > 192.0.2.10 ttl 255 id 0x4c2a icmp */ \
	"0b 00 e8 52 00 00 00 00 "	/* ICMP time exceeded in transit */ \
	"45 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 ttl 1 id 0x5a01 */
#define IP_TE_MIN \
	IP_TE_MIN_HDR \
	"b2 6e 82 9a 00 28 d7 7b "	/* quoted UDP 45678 > 33434 */

/* ---- link-layer headers shared by the link rows ---- */

/* PPPoE session 0x1234 (RFC 2516); the length counts the PPP protocol. */
#define PPPOE_58	"11 00 12 34 00 3a "	/* 2 + 56: protocol, IP_TE_MIN */
#define PPPOE_62	"11 00 12 34 00 3e "	/* 2 + 4 + 56: one label too */

/* pf's log header (DLT_PFLOG) after its length and family bytes, up to the
 * direction: 59 bytes (61 with the two). */
#define PFLOG_REST \
	"00 00 "		/* pass, reason match */ \
	"65 6d 30 00 00 00 00 00 00 00 00 00 00 00 00 00 "	/* ifname em0 */ \
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "	/* ruleset */ \
	"00 00 00 03 ff ff ff ff "	/* rule 3, no subrule */ \
	"ff ff ff ff 00 00 1f 40 "	/* uid none, pid 8000 */ \
	"ff ff ff ff ff ff ff ff "	/* rule uid, rule pid */ \
	"02 "				/* direction: out */

/*
 * Linux NFLOG header and the TLVs before the payload; TLV lengths and types
 * are in host byte order (little-endian here; such rows are skipped on a
 * big-endian host).
 */
#define NFLOG_HDR \
	"02 00 00 05 "	/* AF_INET, version 0, group 5 */ \
	"08 00 01 00 08 00 03 00 "	/* NFULA_PACKET_HDR: ipv4, hook 3 */ \
	"0a 00 0a 00 74 72 61 63 65 00 00 00 "	/* NFULA_PREFIX "trace", padded */

/* ---- expected fields, shared by several rows ---- */

#define X_TE_MIN_OUTER \
	.st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = R1, .dst = ME, \
	.ttl = 255, .id = 0x4c2a, .proto = 1, .hlen = 20, .totlen = 56, \
	.payload_len = 36, .t8 = "0b 00 e8 52 00 00 00 00", \
	.type = 11, .code = 0, .csum = 0xe852
#define X_TE_MIN_QIP \
	.qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x5a01, .qproto = 17, \
	.qhlen = 20, .qtotlen = 60
#define X_TE_MIN_QUDP \
	.qt8 = "b2 6e 82 9a 00 28 d7 7b", .qsport = 45678, .qdport = 33434, \
	.qulen = 40, .qcsum = 0xd77b, .quote_len = 28
#define X_TE_MIN	X_TE_MIN_OUTER, X_TE_MIN_QIP, X_TE_MIN_QUDP

/* R2's answers quote the TTL-2 probe to 33437 (IP ID 0x5a04). */
#define X_Q_5A04 \
	.qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x5a04, .qproto = 17, \
	.qhlen = 20, .qtotlen = 60, .qt8 = "b2 6e 82 9d 00 28 d7 78", \
	.qsport = 45678, .qdport = 33437, .qulen = 40, .qcsum = 0xd778
/* ... and unreachables from R2 the probe to 33441 (IP ID 0x5a08). */
#define X_Q_5A08 \
	.qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x5a08, .qproto = 17, \
	.qhlen = 20, .qtotlen = 60, .qt8 = "b2 6e 82 a1 00 28 d7 74", \
	.qsport = 45678, .qdport = 33441, .qulen = 40, .qcsum = 0xd774, \
	.quote_len = 28
#define X_R2_ICMP \
	.st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = R2, .dst = ME, \
	.ttl = 254, .proto = 1, .hlen = 20

struct xmpls {
	uint32_t	label;
	uint8_t		tc, s, ttl;
};

/* One row: a frame and everything decode_frame() should make of it. */
struct dcase {
	const char	*name;
	int		 linktype;
	const char	*hex;
	enum decode_status st;
	/* Checked only when st is DEC_OK; unnamed fields are expected 0. */
	enum pkt_kind	 kind;
	const char	*src, *dst;
	uint8_t		 ttl, proto, hlen, df, mf;
	uint16_t	 id, totlen, frag, payload_len;
	const char	*t8;		/* the first transport bytes, hex */
	uint16_t	 sport, dport, ulen, csum;	/* UDP; csum also ICMP */
	uint32_t	 seq, ack;	/* TCP */
	uint8_t		 flags, have_tcpflags;
	uint8_t		 type, code;	/* ICMP */
	uint16_t	 echo_id, echo_seq;
	int		 nlmpls;	/* MPLS on the link */
	struct xmpls	 lmpls[3];
	/* ICMP errors: the quote */
	const char	*qsrc, *qdst;
	uint8_t		 qttl, qproto, qhlen, qdf;
	uint16_t	 qid, qtotlen, qfrag;
	const char	*qt8;
	uint16_t	 qsport, qdport, qulen, qcsum;
	uint32_t	 qseq;
	uint8_t		 qtype, qcode;
	uint16_t	 qecho_id, qecho_seq;
	uint16_t	 quote_len;
	int		 nxmpls;	/* RFC 4950 labels */
	struct xmpls	 xmpls[2];
};

/* ---- link types: R1's time exceeded carried by each ---- */
static const struct dcase link_cases[] = {
	{ .name = "ethernet", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ethernet 802.1q one tag", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 00 64 "	/* VLAN 100 */
	  "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ethernet 802.1q two tags", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 20 64 "	/* VLAN 100 PCP 1 */
	  "81 00 00 c8 "	/* VLAN 200 */
	  "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ethernet qinq 88a8", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 a8 00 0a "	/* S-tag 10 */
	  "81 00 00 64 "	/* C-tag 100 */
	  "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ethernet qinq old 9100", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "91 00 00 0a 81 00 00 64 08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ethernet eight tags (the limit)", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 a8 00 01 88 a8 00 02 91 00 00 03 91 00 00 04 "
	  "81 00 00 05 81 00 00 06 81 00 00 07 81 00 00 08 "
	  "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "linux sll", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 "		/* packet type: to us */
	  "00 01 "		/* ARPHRD_ETHER */
	  "00 06 52 54 00 12 34 56 00 00 "	/* link address */
	  "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "linux sll2", .linktype = DLT_LINUX_SLL2, .hex =
	  "08 00 "		/* protocol */
	  "00 00 "		/* reserved */
	  "00 00 00 02 "	/* ifindex */
	  "00 01 "		/* ARPHRD_ETHER */
	  "00 "			/* packet type: to us */
	  "06 52 54 00 12 34 56 00 00 "	/* address length, address */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "dlt raw", .linktype = DLT_RAW, .hex = IP_TE_MIN, X_TE_MIN },
	{ .name = "linktype raw 101", .linktype = LINKTYPE_RAW_101, .hex = IP_TE_MIN, X_TE_MIN },
	{ .name = "dlt ipv4 228", .linktype = DLT_IPV4, .hex = IP_TE_MIN, X_TE_MIN },
	{ .name = "dlt null little-endian", .linktype = DLT_NULL, .hex =
	  "02 00 00 00 "	/* AF_INET, written by a little-endian host */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "dlt null big-endian", .linktype = DLT_NULL, .hex =
	  "00 00 00 02 " IP_TE_MIN, X_TE_MIN },
	{ .name = "dlt loop", .linktype = DLT_LOOP, .hex =
	  "00 00 00 02 "	/* AF_INET, network byte order */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "ppp with address and control", .linktype = DLT_PPP, .hex =
	  "ff 03 00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ppp without address and control", .linktype = DLT_PPP, .hex =
	  "00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ppp compressed protocol", .linktype = DLT_PPP, .hex =
	  "21 "			/* protocol field compression: 0x21 */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "ppp serial with address, compressed protocol", .linktype = DLT_PPP_SERIAL, .hex =
	  "ff 03 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ethernet mpls one label", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 47 "
	  "00 01 21 fe "	/* label 18 tc 0 s 1 ttl 254 */
	  IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },
	{ .name = "ethernet mpls three labels", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 47 "
	  "00 3e 80 3f "	/* label 1000 tc 0 s 0 ttl 63 */
	  "00 7d 0a 3e "	/* label 2000 tc 5 s 0 ttl 62 */
	  "00 bb 81 3d "	/* label 3000 tc 0 s 1 ttl 61 */
	  IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 3, .lmpls = { { 1000, 0, 0, 63 }, { 2000, 5, 0, 62 },
	  { 3000, 0, 1, 61 } } },
	{ .name = "ethernet vlan then mpls multicast", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 00 64 88 48 00 01 21 fe " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },

	/* PPP, MPLS over PPP (RFC 3032 section 4), Cisco HDLC */
	{ .name = "ppp mpls 0281 (bsd)", .linktype = DLT_PPP, .hex =
	  "ff 03 02 81 "	/* PPP: MPLS unicast */
	  "05 dc 51 40 "	/* label 24005 tc 0 s 1 ttl 64 */
	  IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 24005, 0, 1, 64 } } },
	{ .name = "ppp mpls multicast 0283, no address and control", .linktype = DLT_PPP, .hex =
	  "02 83 00 3e 80 3f 00 bb 81 3d " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 2, .lmpls = { { 1000, 0, 0, 63 }, { 3000, 0, 1, 61 } } },
	{ .name = "ppp serial mpls", .linktype = DLT_PPP_SERIAL, .hex =
	  "ff 03 02 81 00 01 01 ff " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 16, 0, 1, 255 } } },
	{ .name = "ppp serial carrying cisco hdlc", .linktype = DLT_PPP_SERIAL, .hex =
	  "0f 00 08 00 "	/* Cisco HDLC unicast, IPv4 */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "ppp serial carrying cisco hdlc broadcast, mpls", .linktype = DLT_PPP_SERIAL, .hex =
	  "8f 00 88 47 05 dc 51 01 " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 24005, 0, 1, 1 } } },
	{ .name = "dlt_ppp carrying cisco hdlc", .linktype = DLT_PPP, .hex =
	  "0f 00 08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "cisco hdlc", .linktype = DLT_C_HDLC, .hex =
	  "0f 00 08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "cisco hdlc mpls two labels", .linktype = DLT_C_HDLC, .hex =
	  "0f 00 88 47 04 26 90 fe 00 bc 91 fe " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 2, .lmpls = { { 17001, 0, 0, 254 }, { 3017, 0, 1, 254 } } },
	{ .name = "netbsd hdlc 112 (cisco hdlc)", .linktype = DLT_HDLC, .hex =
	  "8f 00 08 00 " IP_TE_MIN, X_TE_MIN },

	/* PPPoE (RFC 2516) on Ethernet, VLANs, Linux cooked, and bare */
	{ .name = "pppoe session", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 " PPPOE_58 "00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "pppoe compressed protocol", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 00 39 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "pppoe with ethernet padding after it", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 " PPPOE_58 "00 21 " IP_TE_MIN
	  "00 00 00 00 00 00 de ad be ef ", X_TE_MIN },
	{ .name = "pppoe length beyond the frame: what is there", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 ff ff 00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "pppoe in 802.1q", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 00 64 88 64 " PPPOE_58 "00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "pppoe in qinq", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 a8 00 0a 81 00 00 64 88 64 " PPPOE_58 "00 21 " IP_TE_MIN,
	  X_TE_MIN },
	{ .name = "pppoe mpls", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 " PPPOE_62 "02 81 00 01 21 fe " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },
	{ .name = "802.1q pppoe mpls", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 00 07 88 64 " PPPOE_62 "02 81 05 dc 51 40 " IP_TE_MIN,
	  X_TE_MIN, .nlmpls = 1, .lmpls = { { 24005, 0, 1, 64 } } },
	{ .name = "ppp ether 51 (pppoe without ethernet)", .linktype = DLT_PPP_ETHER, .hex =
	  PPPOE_58 "00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "ppp ether mpls", .linktype = DLT_PPP_ETHER, .hex =
	  PPPOE_62 "02 81 00 01 21 fe " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },

	/* MPLS and VLANs under the other link layers */
	{ .name = "qinq mpls", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 a8 01 2c 81 00 00 2a 88 47 49 35 0b 01 " IP_TE_MIN,
	  X_TE_MIN, .nlmpls = 1, .lmpls = { { 299856, 5, 1, 1 } } },
	{ .name = "linux sll mpls", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 "
	  "88 47 00 01 21 fe " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },
	{ .name = "linux sll vlan tag put back by libpcap", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 "
	  "81 00 00 64 08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "linux sll vlan mpls", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 "
	  "81 00 00 64 88 47 00 3e 80 3f 00 bb 81 3d " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 2, .lmpls = { { 1000, 0, 0, 63 }, { 3000, 0, 1, 61 } } },
	{ .name = "linux sll on ppp0 (arphrd_ppp)", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 02 00 00 00 00 00 00 00 00 00 00 00 "	/* to us, ARPHRD_PPP, no address */
	  "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "linux sll on ppp0, mpls", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 02 00 00 00 00 00 00 00 00 00 00 00 "
	  "88 47 05 dc 51 40 " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 24005, 0, 1, 64 } } },
	{ .name = "linux sll pppoe", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 "
	  "88 64 " PPPOE_58 "00 21 " IP_TE_MIN, X_TE_MIN },
	{ .name = "linux sll2 qinq mpls", .linktype = DLT_LINUX_SLL2, .hex =
	  "88 a8 00 00 00 00 00 02 00 01 00 06 52 54 00 12 34 56 00 00 "
	  "00 0a 81 00 00 64 88 47 00 01 21 fe " IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },
	{ .name = "qinq pppoe mpls: eight layers (the limit)", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 a8 00 01 81 00 00 02 81 00 00 03 81 00 00 04 "
	  "81 00 00 05 81 00 00 06 88 64 " PPPOE_62 "02 81 00 01 21 fe "
	  IP_TE_MIN, X_TE_MIN,
	  .nlmpls = 1, .lmpls = { { 18, 0, 1, 254 } } },

	/* pf and netfilter logs */
	{ .name = "pflog 61 (padded to 64)", .linktype = DLT_PFLOG, .hex =
	  "3d 02 " PFLOG_REST "00 00 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "pflog freebsd 69 (padded to 72)", .linktype = DLT_PFLOG, .hex =
	  "45 02 " PFLOG_REST "00 00 00 00 00 00 00 "	/* pad, ridentifier */
	  "00 00 00 00 "	/* reserve; padding to 72 */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "pflog openbsd 100", .linktype = DLT_PFLOG, .hex =
	  "64 02 " PFLOG_REST "00 02 00 "	/* not rewritten, naf, pad */
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "	/* saddr */
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "	/* daddr */
	  "00 00 00 00 "	/* sport, dport */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "nflog", .linktype = DLT_NFLOG, .hex =
	  NFLOG_HDR "3c 00 09 00 "	/* NFULA_PAYLOAD, 4 + 56 */
	  IP_TE_MIN, X_TE_MIN },
	{ .name = "nflog payload tlv longer than the frame: what is there", .linktype = DLT_NFLOG, .hex =
	  NFLOG_HDR "ff ff 09 00 " IP_TE_MIN, X_TE_MIN },

	/* set aside */
	{ .name = "ethernet ipv6", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "86 dd "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "	/* IPv6 */
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",	/* ICMPv6 echo request */
	  .st = DEC_NOT_IP },
	{ .name = "ethernet arp", .linktype = DLT_EN10MB, .hex =
	  "ff ff ff ff ff ff 52 54 00 12 34 56 08 06 "
	  "00 01 08 00 06 04 00 01 52 54 00 12 34 56 c0 00 02 01 "
	  "00 00 00 00 00 00 c0 00 02 0a ",
	  .st = DEC_NOT_IP },
	{ .name = "ethernet ipv4 ethertype carrying ipv6", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",
	  .st = DEC_NOT_IP },
	{ .name = "dlt raw ipv6", .linktype = DLT_RAW, .hex =
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",
	  .st = DEC_NOT_IP },
	{ .name = "linux sll ipv6", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 86 dd "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",
	  .st = DEC_NOT_IP },
	{ .name = "dlt null af_inet6 (bsd 24)", .linktype = DLT_NULL, .hex =
	  "18 00 00 00 "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",
	  .st = DEC_NOT_IP },
	{ .name = "ppp ipv6", .linktype = DLT_PPP, .hex =
	  "ff 03 00 57 "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",
	  .st = DEC_NOT_IP },
	{ .name = "ethernet mpls then ipv6", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 47 00 00 21 40 "	/* label 2 (IPv6 explicit null) s 1 */
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ",
	  .st = DEC_NOT_IP },
	{ .name = "ethernet mpls sixteen labels without bottom", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 47 "
	  "00 01 00 40 00 01 00 40 00 01 00 40 00 01 00 40 "
	  "00 01 00 40 00 01 00 40 00 01 00 40 00 01 00 40 "
	  "00 01 00 40 00 01 00 40 00 01 00 40 00 01 00 40 "
	  "00 01 00 40 00 01 00 40 00 01 00 40 00 01 00 40 "
	  IP_TE_MIN,
	  .st = DEC_BAD },
	{ .name = "ethernet mpls stack cut short", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 47 00 01 00 40 00 01 ", .st = DEC_TRUNCATED },
	{ .name = "ethernet nine vlan tags", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 00 01 81 00 00 02 81 00 00 03 81 00 00 04 "
	  "81 00 00 05 81 00 00 06 81 00 00 07 81 00 00 08 "
	  "81 00 00 09 08 00 " IP_TE_MIN,
	  .st = DEC_BAD },
	/* set aside by the new link layers: not IPv4, bad, cut short */
	{ .name = "ethernet pppoe discovery (padi)", .linktype = DLT_EN10MB, .hex =
	  "ff ff ff ff ff ff 52 54 00 12 34 56 88 63 "
	  "11 09 00 00 00 04 01 01 00 00 ", .st = DEC_NOT_IP },
	{ .name = "pppoe session code not 0", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 a7 12 34 00 3a 00 21 " IP_TE_MIN, .st = DEC_NOT_IP },
	{ .name = "pppoe lcp", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 00 0a c0 21 09 01 00 08 12 34 56 78 ",
	  .st = DEC_NOT_IP },
	{ .name = "pppoe ipv6", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 00 2a 00 57 "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ", .st = DEC_NOT_IP },
	{ .name = "pppoe version 2", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 21 00 12 34 00 3a 00 21 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "pppoe length 1", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 00 01 21 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "pppoe length cuts the ip header", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 00 0c 00 21 " IP_TE_MIN, .st = DEC_TRUNCATED },
	{ .name = "pppoe header cut short", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 11 00 12 34 00 ", .st = DEC_TRUNCATED },
	{ .name = "pppoe protocol cut short", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 64 " PPPOE_58 "00 ", .st = DEC_TRUNCATED },
	{ .name = "ppp ether discovery (pado)", .linktype = DLT_PPP_ETHER, .hex =
	  "11 07 00 00 00 00 ", .st = DEC_NOT_IP },
	{ .name = "ppp ether cut short", .linktype = DLT_PPP_ETHER, .hex =
	  "11 00 12 ", .st = DEC_TRUNCATED },
	{ .name = "ppp lcp", .linktype = DLT_PPP, .hex =
	  "ff 03 c0 21 09 01 00 08 12 34 56 78 ", .st = DEC_NOT_IP },
	{ .name = "ppp address without control 03", .linktype = DLT_PPP, .hex =
	  "ff 13 00 21 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "ppp mpls then ipv6", .linktype = DLT_PPP, .hex =
	  "ff 03 02 81 00 00 21 40 "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ", .st = DEC_NOT_IP },
	{ .name = "ppp mpls ethernet pseudowire is not assumed", .linktype = DLT_PPP, .hex =
	  "ff 03 02 81 00 01 21 fe " ETH_IN "08 00 " IP_TE_MIN, .st = DEC_NOT_IP },
	{ .name = "ppp mpls bottom of stack, then nothing", .linktype = DLT_PPP, .hex =
	  "ff 03 02 81 00 01 21 fe ", .st = DEC_TRUNCATED },
	{ .name = "ppp mpls label cut short", .linktype = DLT_PPP, .hex =
	  "ff 03 02 81 00 01 21 ", .st = DEC_TRUNCATED },
	{ .name = "ppp address only", .linktype = DLT_PPP, .hex = "ff ", .st = DEC_TRUNCATED },
	{ .name = "ppp empty", .linktype = DLT_PPP, .hex = "", .st = DEC_TRUNCATED },
	{ .name = "cisco hdlc slarp", .linktype = DLT_C_HDLC, .hex =
	  "8f 00 80 35 00 00 00 00 c0 00 02 0a ff ff ff 00 ff ff ", .st = DEC_NOT_IP },
	{ .name = "cisco hdlc ipv6", .linktype = DLT_C_HDLC, .hex =
	  "0f 00 86 dd "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ", .st = DEC_NOT_IP },
	{ .name = "cisco hdlc bad address", .linktype = DLT_C_HDLC, .hex =
	  "ff 03 08 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "cisco hdlc control not 0", .linktype = DLT_C_HDLC, .hex =
	  "0f 03 08 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "cisco hdlc cut short", .linktype = DLT_C_HDLC, .hex =
	  "0f 00 08 ", .st = DEC_TRUNCATED },
	{ .name = "cisco hdlc mpls cut short", .linktype = DLT_C_HDLC, .hex =
	  "0f 00 88 47 04 26 90 fe 00 bc ", .st = DEC_TRUNCATED },
	{ .name = "linux sll netlink", .linktype = DLT_LINUX_SLL, .hex =
	  "00 04 03 38 00 00 00 00 00 00 00 00 00 00 00 00 "	/* ARPHRD_NETLINK, NETLINK_ROUTE */
	  "14 00 00 00 10 00 05 03 00 00 00 00 00 00 00 00 ", .st = DEC_NOT_IP },
	{ .name = "linux sll 802.2 pseudo-type", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 00 04 "
	  "42 42 03 00 00 00 00 00 ", .st = DEC_NOT_IP },
	{ .name = "linux sll mpls cut short", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 88 47 00 01 ",
	  .st = DEC_TRUNCATED },
	{ .name = "dlt loop little-endian family is not af_inet", .linktype = DLT_LOOP, .hex =
	  "02 00 00 00 " IP_TE_MIN, .st = DEC_NOT_IP },
	{ .name = "qinq pppoe mpls: nine layers", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "88 a8 00 01 81 00 00 02 81 00 00 03 81 00 00 04 "
	  "81 00 00 05 81 00 00 06 81 00 00 07 88 64 " PPPOE_62
	  "02 81 00 01 21 fe " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "pflog af_inet6 (24)", .linktype = DLT_PFLOG, .hex =
	  "3d 18 " PFLOG_REST "00 00 00 "
	  "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00 "
	  "00 00 00 0a 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 09 "
	  "80 00 12 03 12 34 00 01 ", .st = DEC_NOT_IP },
	{ .name = "pflog length 60", .linktype = DLT_PFLOG, .hex =
	  "3c 02 " PFLOG_REST "00 00 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "pflog length 255", .linktype = DLT_PFLOG, .hex =
	  "ff 02 " PFLOG_REST "00 00 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "pflog header cut short", .linktype = DLT_PFLOG, .hex =
	  "3d 02 " PFLOG_REST "00 ", .st = DEC_TRUNCATED },
	{ .name = "pflog one byte", .linktype = DLT_PFLOG, .hex = "3d ", .st = DEC_TRUNCATED },
	{ .name = "nflog af_inet6 (10)", .linktype = DLT_NFLOG, .hex =
	  "0a 00 00 05 08 00 01 00 86 dd 03 00 ", .st = DEC_NOT_IP },
	{ .name = "nflog version 1", .linktype = DLT_NFLOG, .hex =
	  "02 01 00 05 3c 00 09 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "nflog tlv length 0", .linktype = DLT_NFLOG, .hex =
	  "02 00 00 05 00 00 01 00 3c 00 09 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "nflog tlv length 3", .linktype = DLT_NFLOG, .hex =
	  "02 00 00 05 03 00 01 00 3c 00 09 00 " IP_TE_MIN, .st = DEC_BAD },
	{ .name = "nflog tlv length beyond the frame", .linktype = DLT_NFLOG, .hex =
	  "02 00 00 05 ff ff 0a 00 3c 00 09 00 " IP_TE_MIN, .st = DEC_TRUNCATED },
	{ .name = "nflog without payload tlv", .linktype = DLT_NFLOG, .hex =
	  NFLOG_HDR, .st = DEC_TRUNCATED },
	{ .name = "nflog tlv header cut short", .linktype = DLT_NFLOG, .hex =
	  NFLOG_HDR "3c 00 ", .st = DEC_TRUNCATED },
	{ .name = "ethernet vlan tag cut short", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "81 00 00 64 08 ", .st = DEC_TRUNCATED },
	{ .name = "ethernet header cut short", .linktype = DLT_EN10MB, .hex =
	  "02 00 00 00 0a 01 52 54 00 12 34 56 08 ", .st = DEC_TRUNCATED },
	{ .name = "linux sll cut short", .linktype = DLT_LINUX_SLL, .hex =
	  "00 00 00 01 00 06 52 54 00 12 34 56 00 00 08 ", .st = DEC_TRUNCATED },
	{ .name = "linux sll2 cut short", .linktype = DLT_LINUX_SLL2, .hex =
	  "08 00 00 00 00 00 00 02 00 01 00 06 52 54 00 12 34 56 00 ",
	  .st = DEC_TRUNCATED },
	{ .name = "dlt null cut short", .linktype = DLT_NULL, .hex = "02 00 00 ", .st = DEC_TRUNCATED },
	{ .name = "ppp cut short", .linktype = DLT_PPP, .hex = "ff 03 00 ", .st = DEC_TRUNCATED },
	{ .name = "unknown link type", .linktype = DLT_UNKNOWN_147, .hex = IP_TE_MIN, .st = DEC_LINKTYPE },
	{ .name = "empty frame", .linktype = DLT_EN10MB, .hex = "", .st = DEC_TRUNCATED },
};

/* ---- every probe family and its answers, as Ethernet frames ---- */
static const struct dcase probe_cases[] = {
	{ .name = "udp classic probe", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 " IP_UDP,
	  .st = DEC_OK, .kind = PKT_UDP, .src = ME, .dst = DST, .ttl = 1,
	  .id = 0x5a01, .proto = 17, .hlen = 20, .totlen = 60,
	  .payload_len = 40, .t8 = "b2 6e 82 9a 00 28 d7 7b",
	  .sport = 45678, .dport = 33434, .ulen = 40, .csum = 0xd77b },
	{ .name = "udp paris probe", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 2a 1b 2c 00 00 02 11 9f 83 c0 00 02 0a cb 00 71 09 "	/* IPv4 ttl 2 id 0x1b2c udp */
	  "a0 28 82 9b 00 16 de e9 "	/* UDP 41000 > 33435 len 22 */
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_UDP, .src = ME, .dst = DST, .ttl = 2,
	  .id = 0x1b2c, .proto = 17, .hlen = 20, .totlen = 42,
	  .payload_len = 22, .t8 = "a0 28 82 9b 00 16 de e9",
	  .sport = 41000, .dport = 33435, .ulen = 22, .csum = 0xdee9 },
	{ .name = "icmp echo request", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 34 2e 11 40 00 03 01 4b a4 c0 00 02 0a cb 00 71 09 "	/* IPv4 ttl 3 id 0x2e11 DF icmp */
	  "08 00 a5 a6 0d 05 00 03 "	/* echo request id 0x0d05 seq 3 */
	  "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 "
	  "24 25 26 27 ",
	  .st = DEC_OK, .kind = PKT_ICMP_ECHO, .src = ME, .dst = DST, .ttl = 3,
	  .id = 0x2e11, .df = 1, .proto = 1, .hlen = 20, .totlen = 52,
	  .payload_len = 32, .t8 = "08 00 a5 a6 0d 05 00 03",
	  .type = 8, .code = 0, .csum = 0xa5a6, .echo_id = 0x0d05,
	  .echo_seq = 3 },
	{ .name = "icmp echo reply", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 34 9d 41 00 00 34 01 eb 73 cb 00 71 09 c0 00 02 0a "	/* IPv4 203.0.113.9 > 192.0.2.10 ttl 52 */
	  "00 00 ad a6 0d 05 00 03 "	/* echo reply id 0x0d05 seq 3 */
	  "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 "
	  "24 25 26 27 ",
	  .st = DEC_OK, .kind = PKT_ICMP_ECHOREPLY, .src = DST, .dst = ME,
	  .ttl = 52, .id = 0x9d41, .proto = 1, .hlen = 20, .totlen = 52,
	  .payload_len = 32, .t8 = "00 00 ad a6 0d 05 00 03",
	  .type = 0, .code = 0, .csum = 0xada6, .echo_id = 0x0d05,
	  .echo_seq = 3 },
	{ .name = "tcp syn probe", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 28 3a 01 40 00 04 06 3e bb c0 00 02 0a cb 00 71 09 "	/* IPv4 ttl 4 id 0x3a01 DF tcp */
	  "c3 cb 00 50 6b 8b 45 67 00 00 00 00 50 02 16 d0 25 f0 00 00 "	/* TCP 50123 > 80 [S] */
	  "00 00 00 00 00 00 ",	/* Ethernet padding */
	  .st = DEC_OK, .kind = PKT_TCP, .src = ME, .dst = DST, .ttl = 4,
	  .id = 0x3a01, .df = 1, .proto = 6, .hlen = 20, .totlen = 40,
	  .payload_len = 20, .t8 = "c3 cb 00 50 6b 8b 45 67",
	  .sport = 50123, .dport = 80, .seq = 0x6b8b4567, .ack = 0,
	  .flags = 0x02, .have_tcpflags = 1 },
	{ .name = "tcp ack probe", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 28 3a 02 40 00 05 06 3d ba c0 00 02 0a cb 00 71 09 "	/* IPv4 ttl 5 id 0x3a02 DF tcp */
	  "c3 cc 00 50 32 7b 23 c6 64 3c 98 69 50 10 16 d0 83 ec 00 00 "	/* TCP 50124 > 80 [.] */
	  "00 00 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_TCP, .src = ME, .dst = DST, .ttl = 5,
	  .id = 0x3a02, .df = 1, .proto = 6, .hlen = 20, .totlen = 40,
	  .payload_len = 20, .t8 = "c3 cc 00 50 32 7b 23 c6",
	  .sport = 50124, .dport = 80, .seq = 0x327b23c6, .ack = 0x643c9869,
	  .flags = 0x10, .have_tcpflags = 1 },
	{ .name = "tcp syn-ack answer", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 2c 00 00 40 00 37 06 45 b8 cb 00 71 09 c0 00 02 0a "	/* IPv4 ttl 55 id 0 DF tcp */
	  "00 50 c3 cb 19 49 5c ff 6b 8b 45 68 60 12 fe 88 b0 21 00 00 "	/* TCP 80 > 50123 [S.] */
	  "02 04 05 b4 "	/* MSS 1460 */
	  "00 00 ",		/* Ethernet padding */
	  .st = DEC_OK, .kind = PKT_TCP, .src = DST, .dst = ME, .ttl = 55,
	  .id = 0, .df = 1, .proto = 6, .hlen = 20, .totlen = 44,
	  .payload_len = 24, .t8 = "00 50 c3 cb 19 49 5c ff",
	  .sport = 80, .dport = 50123, .seq = 0x19495cff, .ack = 0x6b8b4568,
	  .flags = 0x12, .have_tcpflags = 1 },
	{ .name = "tcp rst answer", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 28 00 00 40 00 37 06 45 bc cb 00 71 09 c0 00 02 0a "	/* IPv4 ttl 55 id 0 DF tcp */
	  "00 50 c3 cc 64 3c 98 69 00 00 00 00 50 04 00 00 f1 09 00 00 "	/* TCP 80 > 50124 [R] */
	  "00 00 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_TCP, .src = DST, .dst = ME, .ttl = 55,
	  .id = 0, .df = 1, .proto = 6, .hlen = 20, .totlen = 40,
	  .payload_len = 20, .t8 = "00 50 c3 cc 64 3c 98 69",
	  .sport = 80, .dport = 50124, .seq = 0x643c9869, .ack = 0,
	  .flags = 0x04, .have_tcpflags = 1 },
	{ .name = "tcp header cut after 12 bytes: no flags", .linktype = DLT_RAW, .hex =
	  "45 00 00 28 3a 01 40 00 04 06 3e bb c0 00 02 0a cb 00 71 09 "
	  "c3 cb 00 50 6b 8b 45 67 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_TCP, .src = ME, .dst = DST, .ttl = 4,
	  .id = 0x3a01, .df = 1, .proto = 6, .hlen = 20, .totlen = 40,
	  .payload_len = 20, .t8 = "c3 cb 00 50 6b 8b 45 67",
	  .sport = 50123, .dport = 80, .seq = 0x6b8b4567, .ack = 0,
	  .flags = 0, .have_tcpflags = 0 },
	{ .name = "udp, trailing ethernet padding", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 1c 5a 10 00 00 40 11 22 ad c0 00 02 0a cb 00 71 09 "	/* IPv4 totlen 28 */
	  "b2 6e 00 35 00 08 4f 26 "	/* UDP 45678 > 53, empty */
	  "de ad be ef de ad be ef de ad be ef de ad be ef de ad ",	/* padding */
	  .st = DEC_OK, .kind = PKT_UDP, .src = ME, .dst = DST, .ttl = 64,
	  .id = 0x5a10, .proto = 17, .hlen = 20, .totlen = 28,
	  .payload_len = 8, .t8 = "b2 6e 00 35 00 08 4f 26",
	  .sport = 45678, .dport = 53, .ulen = 8, .csum = 0x4f26 },
	{ .name = "gre: another protocol", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 18 11 11 00 00 40 2f 6b 92 c0 00 02 0a cb 00 71 09 "	/* IPv4 proto 47 */
	  "00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_OTHER, .src = ME, .dst = DST, .ttl = 64,
	  .id = 0x1111, .proto = 47, .hlen = 20, .totlen = 24,
	  .payload_len = 4, .t8 = "00 00 00 00" },
	{ .name = "icmp timestamp request: other icmp", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 00 28 11 12 00 00 40 01 6b af c0 00 02 0a cb 00 71 09 "
	  "0d 00 b0 bc 42 42 00 01 00 00 00 00 00 00 00 00 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_ICMP_OTHER, .src = ME, .dst = DST, .ttl = 64,
	  .id = 0x1112, .proto = 1, .hlen = 20, .totlen = 40,
	  .payload_len = 20, .t8 = "0d 00 b0 bc 42 42 00 01",
	  .type = 13, .code = 0, .csum = 0xb0bc },
	{ .name = "first fragment of a 2000-byte udp probe (snaplen 96)", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 05 dc 5a 09 20 00 01 11 3b f4 c0 00 02 0a cb 00 71 09 "	/* IPv4 totlen 1500 MF id 0x5a09 */
	  "b2 6e 82 a2 07 bc bd 50 "	/* UDP 45678 > 33442 len 1980 */
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_UDP, .src = ME, .dst = DST, .ttl = 1,
	  .id = 0x5a09, .mf = 1, .proto = 17, .hlen = 20, .totlen = 1500,
	  .payload_len = 1480, .t8 = "b2 6e 82 a2 07 bc bd 50",
	  .sport = 45678, .dport = 33442, .ulen = 1980, .csum = 0xbd50 },
	{ .name = "second fragment (snaplen 54)", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "45 00 02 08 5a 09 00 b9 01 11 5f 0f c0 00 02 0a cb 00 71 09 "	/* offset 1480, id 0x5a09 */
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ",
	  .st = DEC_FRAGMENT },
	{ .name = "udp header cut short", .linktype = DLT_RAW, .hex =
	  "45 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 9a 00 28 d7 ",
	  .st = DEC_TRUNCATED },
	{ .name = "icmp header cut short", .linktype = DLT_RAW, .hex =
	  "45 00 00 34 2e 11 40 00 03 01 4b a4 c0 00 02 0a cb 00 71 09 "
	  "08 00 a5 a6 ",
	  .st = DEC_TRUNCATED },
	{ .name = "tcp header cut at 4 bytes", .linktype = DLT_RAW, .hex =
	  "45 00 00 28 3a 01 40 00 04 06 3e bb c0 00 02 0a cb 00 71 09 "
	  "c3 cb 00 50 ",
	  .st = DEC_TRUNCATED },
	{ .name = "ipv4 header cut short", .linktype = DLT_RAW, .hex =
	  "45 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 ",
	  .st = DEC_TRUNCATED },
	{ .name = "ipv4 ihl 4", .linktype = DLT_EN10MB, .hex =
	  ETH_OUT "08 00 "
	  "44 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "	/* IHL 4: impossible */
	  "b2 6e 82 9a 00 28 d7 7b ",
	  .st = DEC_BAD },
	{ .name = "ipv4 total length below header length", .linktype = DLT_RAW, .hex =
	  "45 00 00 10 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 9a 00 28 d7 7b ",
	  .st = DEC_BAD },
	{ .name = "ipv4 options cut short", .linktype = DLT_RAW, .hex =
	  "4f 00 00 50 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "	/* IHL 15: 40 option bytes */
	  "01 01 01 01 ",
	  .st = DEC_TRUNCATED },
};

/* ---- ICMP errors and their quotes ---- */
static const struct dcase icmp_cases[] = {
	{ .name = "time exceeded, rfc 792 minimum quote", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 " IP_TE_MIN, X_TE_MIN },
	{ .name = "time exceeded, rfc 1812 full quote", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 58 0e 6f 00 00 fe 01 c1 f5 c6 33 64 02 c0 00 02 0a "	/* IPv4 198.51.100.2 > 192.0.2.10 ttl 254 */
	  "0b 00 f3 4d 00 00 00 00 "	/* time exceeded */
	  "45 00 00 3c 5a 04 00 00 01 11 61 99 c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 ttl 1 id 0x5a04 */
	  "b2 6e 82 9d 00 28 d7 78 "	/* quoted UDP 45678 > 33437 */
	  "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 "	/* quoted payload */
	  "54 55 56 57 58 59 5a 5b 5c 5d 5e 5f ",
	  X_R2_ICMP, .id = 0x0e6f, .totlen = 88, .payload_len = 68,
	  .t8 = "0b 00 f3 4d 00 00 00 00", .type = 11, .code = 0,
	  .csum = 0xf34d, X_Q_5A04, .quote_len = 60 },
	{ .name = "time exceeded quoting an ip header with options (ihl 6)", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 3c 4c 2b 00 00 ff 01 83 56 c6 33 64 01 c0 00 02 0a "	/* IPv4 R1 ttl 255 id 0x4c2b */
	  "0b 00 e8 52 00 00 00 00 "	/* time exceeded */
	  "46 00 00 40 5a 05 00 00 01 11 cc 8f c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 IHL 6 */
	  "94 04 00 00 "		/* router alert option */
	  "b2 6e 82 9e 00 28 d7 77 ",	/* quoted UDP 45678 > 33438 */
	  .st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = R1, .dst = ME, .ttl = 255,
	  .id = 0x4c2b, .proto = 1, .hlen = 20, .totlen = 60,
	  .payload_len = 40, .t8 = "0b 00 e8 52 00 00 00 00", .type = 11,
	  .csum = 0xe852, .qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x5a05,
	  .qproto = 17, .qhlen = 24, .qtotlen = 64,
	  .qt8 = "b2 6e 82 9e 00 28 d7 77", .qsport = 45678, .qdport = 33438,
	  .qulen = 40, .qcsum = 0xd777, .quote_len = 32 },
	{ .name = "port unreachable from the destination", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 7f 3e 00 00 3e 01 ff 72 cb 00 71 09 c0 00 02 0a "	/* IPv4 203.0.113.9 > 192.0.2.10 ttl 62 */
	  "03 03 f0 4f 00 00 00 00 "	/* port unreachable */
	  "45 00 00 3c 5a 07 00 00 01 11 61 96 c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 id 0x5a07 */
	  "b2 6e 82 a0 00 28 d7 75 ",	/* quoted UDP 45678 > 33440 */
	  .st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = DST, .dst = ME, .ttl = 62,
	  .id = 0x7f3e, .proto = 1, .hlen = 20, .totlen = 56,
	  .payload_len = 36, .t8 = "03 03 f0 4f 00 00 00 00", .type = 3,
	  .code = 3, .csum = 0xf04f, .qsrc = ME, .qdst = DST, .qttl = 1,
	  .qid = 0x5a07, .qproto = 17, .qhlen = 20, .qtotlen = 60,
	  .qt8 = "b2 6e 82 a0 00 28 d7 75", .qsport = 45678, .qdport = 33440,
	  .qulen = 40, .qcsum = 0xd775, .quote_len = 28 },
	{ .name = "host unreachable (!H)", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 0e 70 00 00 fe 01 c2 14 c6 33 64 02 c0 00 02 0a "
	  "03 01 f0 51 00 00 00 00 "	/* host unreachable */
	  "45 00 00 3c 5a 08 00 00 01 11 61 95 c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 a1 00 28 d7 74 ",
	  X_R2_ICMP, .id = 0x0e70, .totlen = 56, .payload_len = 36,
	  .t8 = "03 01 f0 51 00 00 00 00", .type = 3, .code = 1,
	  .csum = 0xf051, X_Q_5A08 },
	{ .name = "communication administratively prohibited (!X)", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 0e 71 00 00 fe 01 c2 13 c6 33 64 02 c0 00 02 0a "
	  "03 0d f0 45 00 00 00 00 "	/* unreachable, code 13 */
	  "45 00 00 3c 5a 08 00 00 01 11 61 95 c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 a1 00 28 d7 74 ",
	  X_R2_ICMP, .id = 0x0e71, .totlen = 56, .payload_len = 36,
	  .t8 = "03 0d f0 45 00 00 00 00", .type = 3, .code = 13,
	  .csum = 0xf045, X_Q_5A08 },
	{ .name = "fragmentation needed, mtu 1400 (!F)", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 0e 72 00 00 fe 01 c2 12 c6 33 64 02 c0 00 02 0a "
	  "03 04 ea d6 00 00 05 78 "	/* need to frag, next-hop mtu 1400 */
	  "45 00 00 3c 5a 08 00 00 01 11 61 95 c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 a1 00 28 d7 74 ",
	  X_R2_ICMP, .id = 0x0e72, .totlen = 56, .payload_len = 36,
	  .t8 = "03 04 ea d6 00 00 05 78", .type = 3, .code = 4,
	  .csum = 0xead6, X_Q_5A08 },
	{ .name = "time exceeded quoting an icmp echo request", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 4c 2c 00 00 ff 01 83 59 c6 33 64 01 c0 00 02 0a "
	  "0b 00 3a 51 00 00 00 00 "
	  "45 00 00 34 2e 0f 40 00 01 01 4d a6 c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 ttl 1 id 0x2e0f DF icmp */
	  "08 00 a5 a8 0d 05 00 01 ",	/* quoted echo request id 0x0d05 seq 1 */
	  .st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = R1, .dst = ME, .ttl = 255,
	  .id = 0x4c2c, .proto = 1, .hlen = 20, .totlen = 56,
	  .payload_len = 36, .t8 = "0b 00 3a 51 00 00 00 00", .type = 11,
	  .csum = 0x3a51, .qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x2e0f,
	  .qdf = 1, .qproto = 1, .qhlen = 20, .qtotlen = 52,
	  .qt8 = "08 00 a5 a8 0d 05 00 01", .qtype = 8, .qcode = 0,
	  .qcsum = 0xa5a8, .qecho_id = 0x0d05, .qecho_seq = 1,
	  .quote_len = 28 },
	{ .name = "time exceeded quoting a tcp syn", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 4c 2d 00 00 ff 01 83 58 c6 33 64 01 c0 00 02 0a "
	  "0b 00 7f f2 00 00 00 00 "
	  "45 00 00 28 3a 00 40 00 01 06 41 bc c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 ttl 1 id 0x3a00 DF tcp */
	  "c3 cb 00 50 6b 8b 45 66 ",	/* quoted TCP 50123 > 80 seq 0x6b8b4566 */
	  .st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = R1, .dst = ME, .ttl = 255,
	  .id = 0x4c2d, .proto = 1, .hlen = 20, .totlen = 56,
	  .payload_len = 36, .t8 = "0b 00 7f f2 00 00 00 00", .type = 11,
	  .csum = 0x7ff2, .qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x3a00,
	  .qdf = 1, .qproto = 6, .qhlen = 20, .qtotlen = 40,
	  .qt8 = "c3 cb 00 50 6b 8b 45 66", .qsport = 50123, .qdport = 80,
	  .qseq = 0x6b8b4566, .quote_len = 28 },
	{ .name = "rfc 4884 length 32 words with an rfc 4950 mpls extension", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 ac 0e 73 00 00 fe 01 c1 9d c6 33 64 02 c0 00 02 0a "	/* IPv4 R2 ttl 254 id 0x0e73 */
	  "0b 00 f3 2d 00 20 00 00 "	/* time exceeded, length 32 words */
	  "45 00 00 3c 5a 04 00 00 01 11 61 99 c0 00 02 0a cb 00 71 09 "	/* quoted IPv4 ttl 1 id 0x5a04 */
	  "b2 6e 82 9d 00 28 d7 78 "	/* quoted UDP */
	  "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 "	/* quoted payload */
	  "54 55 56 57 58 59 5a 5b 5c 5d 5e 5f "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "	/* zero padding to 128 */
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 "
	  "20 00 6a 2c "	/* extension header: version 2, checksum */
	  "00 0c 01 01 "	/* object: length 12, class 1 (MPLS), c-type 1 */
	  "03 e8 10 01 "	/* label 16001 tc 0 s 0 ttl 1 */
	  "05 dc 5b 01 ",	/* label 24005 tc 5 s 1 ttl 1 */
	  X_R2_ICMP, .id = 0x0e73, .totlen = 172, .payload_len = 152,
	  .t8 = "0b 00 f3 2d 00 20 00 00", .type = 11, .code = 0,
	  .csum = 0xf32d, X_Q_5A04, .quote_len = 128,
	  .nxmpls = 2, .xmpls = { { 16001, 0, 0, 1 }, { 24005, 5, 1, 1 } } },
	{ .name = "legacy 128-byte quote, extension checksum valid", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 a8 0e 74 00 00 fe 01 c1 a0 c6 33 64 02 c0 00 02 0a "	/* IPv4 R2 ttl 254 id 0x0e74 */
	  "0b 00 f3 4d 00 00 00 00 "	/* time exceeded, no length */
	  "45 00 00 3c 5a 04 00 00 01 11 61 99 c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 9d 00 28 d7 78 "
	  "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 "
	  "54 55 56 57 58 59 5a 5b 5c 5d 5e 5f "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 "
	  "20 00 94 c4 "	/* extension header, checksum right */
	  "00 08 01 01 "	/* MPLS object, length 8 */
	  "49 31 01 01 ",	/* label 299792 tc 0 s 1 ttl 1 */
	  X_R2_ICMP, .id = 0x0e74, .totlen = 168, .payload_len = 148,
	  .t8 = "0b 00 f3 4d 00 00 00 00", .type = 11, .code = 0,
	  .csum = 0xf34d, X_Q_5A04, .quote_len = 128,
	  .nxmpls = 1, .xmpls = { { 299792, 0, 1, 1 } } },
	{ .name = "legacy 128-byte quote, extension checksum wrong", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 a8 0e 75 00 00 fe 01 c1 9f c6 33 64 02 c0 00 02 0a "	/* IPv4 R2 ttl 254 id 0x0e75 */
	  "0b 00 c6 80 00 00 00 00 "
	  "45 00 00 3c 5a 04 00 00 01 11 61 99 c0 00 02 0a cb 00 71 09 "
	  "b2 6e 82 9d 00 28 d7 78 "
	  "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 "
	  "54 55 56 57 58 59 5a 5b 5c 5d 5e 5f "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	  "00 00 00 00 00 00 00 00 "
	  "20 00 c1 91 "	/* extension header, checksum wrong */
	  "00 08 01 01 "
	  "49 31 01 01 ",
	  X_R2_ICMP, .id = 0x0e75, .totlen = 168, .payload_len = 148,
	  .t8 = "0b 00 c6 80 00 00 00 00", .type = 11, .code = 0,
	  .csum = 0xc680, X_Q_5A04, .quote_len = 140 },
	{ .name = "snap length cuts the quoted udp header", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 " IP_TE_MIN_HDR
	  "b2 6e 82 9a ",	/* 4 of 8 quoted UDP bytes */
	  X_TE_MIN_OUTER, X_TE_MIN_QIP, .qt8 = "b2 6e 82 9a",
	  .qsport = 45678, .qdport = 33434, .quote_len = 24 },
	{ .name = "snap length cuts the quoted ip header", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 4c 2a 00 00 ff 01 83 5b c6 33 64 01 c0 00 02 0a "
	  "0b 00 e8 52 00 00 00 00 "
	  "45 00 00 3c 5a 01 00 00 01 11 61 9c ",
	  .st = DEC_TRUNCATED },
	{ .name = "frame check sequence after the packet", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 " IP_TE_MIN
	  "9a 3c 51 e7 ",	/* FCS */
	  X_TE_MIN },
	{ .name = "quoted ip header with ihl 4", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 4c 2a 00 00 ff 01 83 5b c6 33 64 01 c0 00 02 0a "
	  "0b 00 e9 52 00 00 00 00 "
	  "44 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "	/* IHL 4 */
	  "b2 6e 82 9a 00 28 d7 7b ",
	  .st = DEC_BAD },
	{ .name = "quote that is not ipv4", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 4c 2a 00 00 ff 01 83 5b c6 33 64 01 c0 00 02 0a "
	  "0b 00 c8 52 00 00 00 00 "
	  "65 00 00 3c 5a 01 00 00 01 11 61 9c c0 00 02 0a cb 00 71 09 "	/* version 6 */
	  "b2 6e 82 9a 00 28 d7 7b ",
	  .st = DEC_BAD },
	{ .name = "time exceeded quoting a non-first fragment", .linktype = DLT_EN10MB, .hex =
	  ETH_IN "08 00 "
	  "45 00 00 38 4c 2e 00 00 ff 01 83 57 c6 33 64 01 c0 00 02 0a "
	  "0b 00 f4 ff 00 00 00 00 "
	  "45 00 02 08 5a 09 00 b9 01 11 5f 0f c0 00 02 0a cb 00 71 09 "	/* offset 1480 */
	  "00 00 00 00 00 00 00 00 ",
	  .st = DEC_OK, .kind = PKT_ICMP_ERROR, .src = R1, .dst = ME, .ttl = 255,
	  .id = 0x4c2e, .proto = 1, .hlen = 20, .totlen = 56,
	  .payload_len = 36, .t8 = "0b 00 f4 ff 00 00 00 00", .type = 11,
	  .csum = 0xf4ff, .qsrc = ME, .qdst = DST, .qttl = 1, .qid = 0x5a09,
	  .qproto = 17, .qhlen = 20, .qtotlen = 520, .quote_len = 28,
	  .qfrag = 185 },
};

/* ---- machinery ---- */

#define MAXFRAME	512

/* Hex digits to bytes; whitespace is ignored.  Fails the test on bad input. */
static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			fail_msg("bad hex character '%c'", *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			fail_msg("hex string longer than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits");
	return n;
}

static uint32_t
addr(const char *s)
{
	struct in_addr a;

	if (s == NULL)
		return 0;
	if (inet_pton(AF_INET, s, &a) != 1)
		fail_msg("bad address %s", s);
	return ntohl(a.s_addr);
}

#define EQ(field, got, want) do {					\
	unsigned long long g_ = (unsigned long long)(got);		\
	unsigned long long w_ = (unsigned long long)(want);		\
	if (g_ != w_)							\
		fail_msg("%s: %s is %llu (0x%llx), want %llu (0x%llx)",	\
		    c->name, field, g_, g_, w_, w_);			\
} while (0)

#define EQ_LT(lt, got, want) do {					\
	if ((got) != (want))						\
		fail_msg("link type %d: status %d, want %d", (lt),	\
		    (int)(got), (int)(want));				\
} while (0)

static void
check_bytes(const struct dcase *c, const char *field, const uint8_t *got,
    uint8_t gotlen, const char *want)
{
	uint8_t w[PKT_T8];
	size_t n = want != NULL ? unhex(want, w, sizeof(w)) : 0;

	EQ(field, gotlen, n);
	if (memcmp(got, w, n) != 0)
		fail_msg("%s: %s bytes differ", c->name, field);
}

static void
check_mpls(const struct dcase *c, const char *what, const struct mpls *got,
    uint8_t ngot, const struct xmpls *want, int nwant)
{
	int i;

	EQ(what, ngot, nwant);
	for (i = 0; i < nwant; i++) {
		EQ("mpls label", got[i].label, want[i].label);
		EQ("mpls tc", got[i].tc, want[i].tc);
		EQ("mpls s", got[i].s, want[i].s);
		EQ("mpls ttl", got[i].ttl, want[i].ttl);
	}
}

/* Transport fields by protocol, outer or quoted. */
static void
check_l4(const struct dcase *c, const char *pfx, uint8_t proto,
    const struct l4 *l, uint16_t sport, uint16_t dport, uint16_t ulen,
    uint16_t csum, uint32_t seq, uint8_t type, uint8_t code,
    uint16_t echo_id, uint16_t echo_seq)
{
	char f[64];

#define EQP(name, got, want) do {					\
	snprintf(f, sizeof(f), "%s%s", pfx, name);			\
	EQ(f, got, want);						\
} while (0)
	switch (proto) {
	case 17:
		EQP("sport", l->sport, sport);
		EQP("dport", l->dport, dport);
		EQP("ulen", l->ulen, ulen);
		EQP("csum", l->csum, csum);
		break;
	case 6:
		EQP("sport", l->sport, sport);
		EQP("dport", l->dport, dport);
		EQP("seq", l->seq, seq);
		break;
	case 1:
		EQP("type", l->type, type);
		EQP("code", l->code, code);
		EQP("csum", l->csum, csum);
		if (type == 0 || type == 8) {
			EQP("echo_id", l->echo_id, echo_id);
			EQP("echo_seq", l->echo_seq, echo_seq);
		}
		break;
	default:
		break;
	}
#undef EQP
}

static void
check_case(const struct dcase *c, const struct pkt *p)
{
	static const struct ip4 zip;
	static const struct l4 zl4;

	EQ("kind", p->kind, c->kind);
	EQ("src", p->ip.src, addr(c->src));
	EQ("dst", p->ip.dst, addr(c->dst));
	EQ("ttl", p->ip.ttl, c->ttl);
	EQ("id", p->ip.id, c->id);
	EQ("proto", p->ip.proto, c->proto);
	EQ("hlen", p->ip.hlen, c->hlen);
	EQ("totlen", p->ip.totlen, c->totlen);
	EQ("df", p->ip.df, c->df);
	EQ("mf", p->ip.mf, c->mf);
	EQ("frag", p->ip.frag, 0);
	EQ("tos", p->ip.tos, 0);
	EQ("payload_len", p->payload_len, c->payload_len);
	check_bytes(c, "t8", p->l4.t8, p->l4.t8len, c->t8);
	check_l4(c, "", c->proto, &p->l4, c->sport, c->dport, c->ulen,
	    c->csum, c->seq, c->type, c->code, c->echo_id, c->echo_seq);
	if (c->proto == 6) {
		EQ("ack", p->l4.ack, c->ack);
		EQ("flags", p->l4.flags, c->flags);
		EQ("have_tcpflags", p->l4.have_tcpflags, c->have_tcpflags);
	} else {
		EQ("have_tcpflags", p->l4.have_tcpflags, 0);
	}
	check_mpls(c, "link_mpls_n", p->link_mpls, p->link_mpls_n, c->lmpls,
	    c->nlmpls);
	EQ("quote_len", p->quote_len, c->quote_len);
	check_mpls(c, "ext_mpls_n", p->ext_mpls, p->ext_mpls_n, c->xmpls,
	    c->nxmpls);
	if (c->kind != PKT_ICMP_ERROR) {
		if (memcmp(&p->qip, &zip, sizeof(zip)) != 0 ||
		    memcmp(&p->ql4, &zl4, sizeof(zl4)) != 0)
			fail_msg("%s: quote fields set on a non-error", c->name);
		return;
	}
	EQ("qsrc", p->qip.src, addr(c->qsrc));
	EQ("qdst", p->qip.dst, addr(c->qdst));
	EQ("qttl", p->qip.ttl, c->qttl);
	EQ("qid", p->qip.id, c->qid);
	EQ("qproto", p->qip.proto, c->qproto);
	EQ("qhlen", p->qip.hlen, c->qhlen);
	EQ("qtotlen", p->qip.totlen, c->qtotlen);
	EQ("qdf", p->qip.df, c->qdf);
	EQ("qmf", p->qip.mf, 0);
	EQ("qfrag", p->qip.frag, c->qfrag);
	check_bytes(c, "qt8", p->ql4.t8, p->ql4.t8len, c->qt8);
	check_l4(c, "q", c->qproto, &p->ql4, c->qsport, c->qdport, c->qulen,
	    c->qcsum, c->qseq, c->qtype, c->qcode, c->qecho_id, c->qecho_seq);
}

static int
little_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 1;
}

/* Decode a row from a heap copy of exactly its length (ASan sees overreads). */
static enum decode_status
decode_exact(int linktype, const uint8_t *frame, size_t len, struct pkt *p)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum decode_status st;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, frame, len);
	st = decode_frame(linktype, copy, len, p);
	free(copy);
	return st;
}

static void
test_row(void **state)
{
	const struct dcase *c = *state;
	uint8_t frame[MAXFRAME];
	size_t len = unhex(c->hex, frame, sizeof(frame));
	struct pkt p;
	enum decode_status st;

	if (c->linktype == DLT_NFLOG && !little_endian())
		skip();		/* the TLV headers are written little-endian */
	memset(&p, 0xa5, sizeof(p));	/* decode_frame must clear it */
	st = decode_exact(c->linktype, frame, len, &p);
	EQ("status", st, c->st);
	if (st == DEC_OK)
		check_case(c, &p);
}

/*
 * Every prefix of every frame (a snap length cutting anywhere) decodes
 * without reading past its end, and never yields more transport or quote
 * bytes than the whole frame did.
 */
static void
test_prefixes(const struct dcase *rows, size_t n)
{
	uint8_t frame[MAXFRAME];
	struct pkt whole, part;
	size_t i, len, cut;

	for (i = 0; i < n; i++) {
		len = unhex(rows[i].hex, frame, sizeof(frame));
		if (decode_exact(rows[i].linktype, frame, len, &whole) != DEC_OK)
			continue;
		for (cut = 0; cut < len; cut++) {
			if (decode_exact(rows[i].linktype, frame, cut, &part) !=
			    DEC_OK)
				continue;
			if (part.l4.t8len > whole.l4.t8len ||
			    part.ql4.t8len > whole.ql4.t8len ||
			    part.quote_len > whole.quote_len + 16)
				fail_msg("%s cut at %zu: more than the whole",
				    rows[i].name, cut);
		}
	}
}

static void
test_prefixes_link(void **state)
{
	(void)state;
	test_prefixes(link_cases, sizeof(link_cases) / sizeof(link_cases[0]));
}

static void
test_prefixes_probe(void **state)
{
	(void)state;
	test_prefixes(probe_cases, sizeof(probe_cases) / sizeof(probe_cases[0]));
}

static void
test_prefixes_icmp(void **state)
{
	(void)state;
	test_prefixes(icmp_cases, sizeof(icmp_cases) / sizeof(icmp_cases[0]));
}

/*
 * A snap length that cuts a frame anywhere in its link-layer headers,
 * encapsulations, or the outer IPv4 and ICMP headers gives DEC_TRUNCATED,
 * whatever the stacking.  Every link row that decodes carries R1's time
 * exceeded (IP_TE_MIN); it is found in the frame to know where the link
 * part ends.
 */
static void
test_truncated_every_layer(void **state)
{
	uint8_t frame[MAXFRAME], ip[MAXFRAME];
	size_t iplen = unhex(IP_TE_MIN, ip, sizeof(ip));
	size_t i, j, len, off, cut, n = sizeof(link_cases) / sizeof(link_cases[0]);
	const struct dcase *c;
	struct pkt p;
	int checked = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		c = &link_cases[i];
		if (c->st != DEC_OK ||
		    (c->linktype == DLT_NFLOG && !little_endian()))
			continue;
		len = unhex(c->hex, frame, sizeof(frame));
		off = len;
		for (j = 0; j + iplen <= len; j++)
			if (memcmp(frame + j, ip, iplen) == 0) {
				off = j;
				break;
			}
		if (off == len)
			fail_msg("%s: no IP_TE_MIN in the frame", c->name);
		for (cut = 0; cut < off + 28; cut++)
			EQ("status when cut", decode_exact(c->linktype, frame, cut,
			    &p), DEC_TRUNCATED);
		checked++;
	}
	assert_true(checked >= 50);	/* the link table still has its rows */
}

/*
 * decode_linktype_ok() names exactly the link types decode_frame() reads:
 * an empty frame of a known type is truncated, of any other type
 * DEC_LINKTYPE.
 */
static void
test_linktype_ok_matches_decoder(void **state)
{
	static const uint8_t none[1];
	struct pkt p;
	int lt, known = 0;

	(void)state;
	for (lt = -1; lt <= 70000; lt++) {
		enum decode_status st = decode_frame(lt, none, 0, &p);

		if (decode_linktype_ok(lt)) {
			EQ_LT(lt, st, DEC_TRUNCATED);
			known++;
		} else {
			EQ_LT(lt, st, DEC_LINKTYPE);
		}
	}
	assert_int_equal(known, 16);
}

/* decode_ip is the same path without the link layer. */
static void
test_decode_ip_direct(void **state)
{
	static const struct dcase c0 = { .name = "decode_ip", .linktype = DLT_RAW, .hex = IP_TE_MIN,
	    X_TE_MIN };
	const struct dcase *c = &c0;
	uint8_t b[MAXFRAME];
	size_t n = unhex(c->hex, b, sizeof(b));
	struct pkt p;

	(void)state;
	memset(&p, 0, sizeof(p));
	EQ("status", decode_ip(b, n, &p), DEC_OK);
	check_case(c, &p);
}

static void
test_linktype_ok(void **state)
{
	static const int yes[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
	    DLT_RAW, LINKTYPE_RAW_101, DLT_IPV4, DLT_NULL, DLT_LOOP, DLT_PPP,
	    DLT_PPP_SERIAL, DLT_PPP_ETHER, DLT_C_HDLC, DLT_HDLC, DLT_PFLOG,
	    DLT_NFLOG, 12, 14 };
	static const int no[] = { -1, DLT_IEEE802_11, DLT_IEEE802_11_RADIO,
	    DLT_UNKNOWN_147, DLT_IPV6, 1 << 20, DLT_PPP_WITH_DIR,
	    DLT_C_HDLC_WITH_DIR, DLT_ENC, DLT_PPP_BSDOS };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(decode_linktype_ok(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(decode_linktype_ok(no[i]));
}

/* What each module says of a quote's first 8 bytes (probe.h). */
static void
test_csum_offset(void **state)
{
	(void)state;
	assert_int_equal(probe_by_proto(17)->csum_off, 6);
	assert_int_equal(probe_by_proto(17)->ident_mask, 0x0f);	/* ports */
	assert_int_equal(probe_by_proto(1)->csum_off, 2);
	assert_int_equal(probe_by_proto(1)->ident_mask, 0xf1);	/* type, id, seq */
	assert_int_equal(probe_by_proto(1)->key_off, 4);
	assert_int_equal(probe_by_proto(6)->csum_off, -1);
	assert_int_equal(probe_by_proto(6)->ident_mask, 0xff);	/* ports, seq */
	assert_null(probe_by_proto(47));
}

/* One named cmocka test per table row, then the whole-table tests. */
int
main(void)
{
	static const struct { const struct dcase *rows; size_t n; } tabs[] = {
		{ link_cases, sizeof(link_cases) / sizeof(link_cases[0]) },
		{ probe_cases, sizeof(probe_cases) / sizeof(probe_cases[0]) },
		{ icmp_cases, sizeof(icmp_cases) / sizeof(icmp_cases[0]) },
	};
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_prefixes_link),
		cmocka_unit_test(test_prefixes_probe),
		cmocka_unit_test(test_prefixes_icmp),
		cmocka_unit_test(test_decode_ip_direct),
		cmocka_unit_test(test_linktype_ok),
		cmocka_unit_test(test_linktype_ok_matches_decoder),
		cmocka_unit_test(test_truncated_every_layer),
		cmocka_unit_test(test_csum_offset),
	};
	struct CMUnitTest *tests;
	size_t i, j, n = 0, total = sizeof(fixed) / sizeof(fixed[0]);
	int rc;

	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++)
		total += tabs[i].n;
	tests = calloc(total, sizeof(*tests));
	if (tests == NULL)
		return 1;
	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++)
		for (j = 0; j < tabs[i].n; j++) {
			tests[n].name = tabs[i].rows[j].name;
			tests[n].test_func = test_row;
			/* cmocka's state is void *; the rows stay read-only */
			tests[n].initial_state = (void *)(uintptr_t)&tabs[i].rows[j];
			n++;
		}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	rc = _cmocka_run_group_tests("decode", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
