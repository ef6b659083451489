/*
 * probe_tcp.c: TCP SYN and TCP ACK probes.  Paris (default): constant
 * ports; the sequence (SYN) or acknowledgement (ACK) number carries a keyed
 * value, which the destination's SYN-ACK or RST echoes back.  Classic: the
 * source port changes with every probe.
 */
#include <stdio.h>

#include "lh.h"
#include "probe.h"

#define SALT_TCP_SEQ	0x74637073	/* "tcps" */

static int
tcp_build_flags(libnet_t *l, const struct probe_ctx *c, uint16_t n,
    uint8_t ttl, uint8_t flags, char *err, size_t errlen)
{
	uint32_t v = probe_key32(c->key, SALT_TCP_SEQ, n);
	uint16_t sport = c->classic ? (uint16_t)(c->sport + n) : c->sport;
	uint32_t seq = flags == TH_SYN ? v : 0, ack = flags == TH_ACK ? v : 0;

	if (libnet_build_tcp(sport, c->dport, seq, ack, flags, 5840, 0, 0,
	    LIBNET_TCP_H, NULL, 0, l, 0) == -1)
		return lh_err(err, errlen, "building TCP: %s", libnet_geterror(l));
	return probe_ipv4(l, c, IPPROTO_TCP, n, ttl, LIBNET_TCP_H, err, errlen);
}

static int
tcp_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	return tcp_build_flags(l, c, n, ttl, TH_SYN, err, errlen);
}

static int
tcp_ack_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	return tcp_build_flags(l, c, n, ttl, TH_ACK, err, errlen);
}

static int
tcp_filter(const struct probe_ctx *c, char *buf, size_t buflen)
{
	return snprintf(buf, buflen, "tcp src port %u", c->dport) >=
	    (int)buflen ? -1 : 0;
}

const struct probe_method probe_tcp = {
	.name = "tcp",
	.proto = IPPROTO_TCP,
	.default_port = 80,
	.build = tcp_build,
	.filter = tcp_filter,
};

const struct probe_method probe_tcp_ack = {
	.name = "tcp-ack",
	.proto = IPPROTO_TCP,
	.default_port = 80,
	.build = tcp_ack_build,
	.filter = tcp_filter,
};
