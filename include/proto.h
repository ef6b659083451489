/*
 * proto.h: the protocol numbers, ICMP types and codes and TCP flags the
 * whole program uses, defined once, and what each ICMP unreachable code
 * means (RFC 792, RFC 1122, RFC 1812 section 5.2.7.1).
 *
 * IP protocol numbers are the system's (IPPROTO_ICMP, IPPROTO_TCP,
 * IPPROTO_UDP from <netinet/in.h>); the ICMP and TCP names carry an LH_
 * prefix because libnet and the C library each define their own.
 */
#ifndef LH_PROTO_H
#define LH_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* ICMP types (RFC 792). */
#define LH_ICMP_ECHOREPLY	0
#define LH_ICMP_UNREACH		3
#define LH_ICMP_SOURCEQUENCH	4
#define LH_ICMP_ECHO		8
#define LH_ICMP_TIMXCEED	11
#define LH_ICMP_PARAMPROB	12

/* The unreachable code a destination port gives: the destination answered. */
#define LH_UNREACH_PORT		3

/* TCP flags (RFC 793). */
#define LH_TH_FIN	0x01
#define LH_TH_SYN	0x02
#define LH_TH_RST	0x04
#define LH_TH_PUSH	0x08
#define LH_TH_ACK	0x10

/* Whether an ICMP type is an error that quotes the datagram it answers. */
int icmp_is_error(uint8_t type);

/*
 * An ICMP unreachable code, as traceroute marks it ("!N", "!H", "!X", ...;
 * "" for port unreachable, the destination's answer; "!<n>" for a code
 * without a letter, written into buf) and in words ("network
 * unreachable", ...).
 */
const char *icmp_unreach_mark(uint8_t code, char *buf, size_t buflen);
const char *icmp_unreach_text(uint8_t code);

#endif /* LH_PROTO_H */
