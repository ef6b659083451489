/*
 * probe_udp.c: UDP probes.  Paris (default): constant ports; the UDP
 * checksum carries a keyed value, forced through a fix word in the payload
 * (the technique Paris traceroute introduced).  Classic: the destination
 * port rises with every probe, as traceroute's does.
 */
#include <stdio.h>

#include "lh.h"
#include "probe.h"

#define SALT_UDP_CSUM	0x75647063	/* "udpc" */
#define MAX_PAYLOAD	1472

static int
udp_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	uint8_t pl[MAX_PAYLOAD], hdr[12 + 8];
	uint16_t plen = c->payload, ulen, dport, want;
	uint32_t sum;

	if (plen > MAX_PAYLOAD)
		plen = MAX_PAYLOAD;
	ulen = (uint16_t)(LIBNET_UDP_H + plen);
	dport = c->classic ? (uint16_t)(c->dport + n) : c->dport;
	want = probe_key16(c->key, SALT_UDP_CSUM, n);
	if (want == 0)		/* 0 means "no checksum" in UDP */
		want = 1;
	probe_payload(pl, plen, 'u');
	/* Pseudo header (RFC 768) and UDP header with a zero checksum. */
	hdr[0] = (uint8_t)(c->src >> 24); hdr[1] = (uint8_t)(c->src >> 16);
	hdr[2] = (uint8_t)(c->src >> 8); hdr[3] = (uint8_t)c->src;
	hdr[4] = (uint8_t)(c->dst >> 24); hdr[5] = (uint8_t)(c->dst >> 16);
	hdr[6] = (uint8_t)(c->dst >> 8); hdr[7] = (uint8_t)c->dst;
	hdr[8] = 0; hdr[9] = 17;
	hdr[10] = (uint8_t)(ulen >> 8); hdr[11] = (uint8_t)ulen;
	hdr[12] = (uint8_t)(c->sport >> 8); hdr[13] = (uint8_t)c->sport;
	hdr[14] = (uint8_t)(dport >> 8); hdr[15] = (uint8_t)dport;
	hdr[16] = (uint8_t)(ulen >> 8); hdr[17] = (uint8_t)ulen;
	hdr[18] = 0; hdr[19] = 0;
	sum = probe_sum(probe_sum(0, hdr, sizeof(hdr)), pl, plen);
	probe_fix_checksum(pl, sum, want);
	if (libnet_build_udp(c->sport, dport, ulen, 0, pl, plen, l, 0) == -1)
		return lh_err(err, errlen, "building UDP: %s", libnet_geterror(l));
	return probe_ipv4(l, c, IPPROTO_UDP, n, ttl, ulen, err, errlen);
}

static int
udp_filter(const struct probe_ctx *c, char *buf, size_t buflen)
{
	(void)c;
	return snprintf(buf, buflen, "udp") >= (int)buflen ? -1 : 0;
}

const struct probe_method probe_udp = {
	.name = "udp",
	.proto = IPPROTO_UDP,
	.default_port = 33434,
	.build = udp_build,
	.filter = udp_filter,
};
