/*
 * probe_icmp.c: ICMP echo probes.  Paris (default): identifier and
 * checksum constant for the trace (load balancers hash the first ICMP
 * bytes), the sequence carries a keyed value and the payload's fix word
 * absorbs the difference.  Classic: the checksum follows the sequence.
 */
#include <stdio.h>

#include "lh.h"
#include "probe.h"

#define SALT_ICMP_SEQ	0x69636d73	/* "icms" */
#define MAX_PAYLOAD	1472

static int
icmp_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	uint8_t pl[MAX_PAYLOAD], hdr[8];
	uint16_t plen = c->payload, seq;
	uint32_t sum;

	if (plen > MAX_PAYLOAD)
		plen = MAX_PAYLOAD;
	/* High byte keyed, low byte the probe number: unique within 256. */
	seq = (uint16_t)((probe_key16(c->key, SALT_ICMP_SEQ, n) & 0xff00) |
	    (n & 0xff));
	probe_payload(pl, plen, 'i');
	if (!c->classic) {
		hdr[0] = 8; hdr[1] = 0; hdr[2] = 0; hdr[3] = 0;
		hdr[4] = (uint8_t)(c->echo_id >> 8); hdr[5] = (uint8_t)c->echo_id;
		hdr[6] = (uint8_t)(seq >> 8); hdr[7] = (uint8_t)seq;
		sum = probe_sum(probe_sum(0, hdr, sizeof(hdr)), pl, plen);
		probe_fix_checksum(pl, sum, c->echo_csum);
	}
	if (libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, c->echo_id, seq, pl, plen,
	    l, 0) == -1)
		return lh_err(err, errlen, "building ICMP echo: %s",
		    libnet_geterror(l));
	return probe_ipv4(l, c, IPPROTO_ICMP, n, ttl,
	    (uint16_t)(LIBNET_ICMPV4_ECHO_H + plen), err, errlen);
}

static int
icmp_filter(const struct probe_ctx *c, char *buf, size_t buflen)
{
	return snprintf(buf, buflen, "icmp[0] == 0 and icmp[4:2] == %u",
	    c->echo_id) >= (int)buflen ? -1 : 0;
}

const struct probe_method probe_icmp = {
	.name = "icmp",
	.proto = IPPROTO_ICMP,
	.default_port = 0,
	.build = icmp_build,
	.filter = icmp_filter,
};
