/*
 * probe_udp.c: UDP probes.  Paris (default): constant ports, both keyed
 * per trace (the source port anywhere in 32768-60999, the destination
 * port within traceroute's 33434-33523 unless -p names one); the UDP
 * length says the TTL modulo 64, so a quote tells the TTLs of a flow
 * apart even when a middlebox rewrote its IP ID and checksum; the checksum
 * carries a keyed value, forced through a fix word in the payload (the
 * technique Paris traceroute introduced), and corroborates.  Classic
 * (--classic): the destination port rises with every probe, as
 * traceroute's does.
 */
#include <stdio.h>
#include <string.h>

#include "lh.h"
#include "probe.h"

#define SALT_UDP_CSUM	0x75647063	/* "udpc" */
#define LEN_MOD		64		/* lengths of one flow: TTL mod this */

/*
 * The payload length closest above the asked one whose UDP length is the
 * TTL modulo LEN_MOD (below it when that would pass PROBE_MAX_PAYLOAD).
 */
static uint16_t
ttl_payload(uint16_t want, uint8_t ttl)
{
	unsigned plen = want, r = (unsigned)(8 + want) % LEN_MOD;

	plen += ((unsigned)ttl % LEN_MOD + LEN_MOD - r) % LEN_MOD;
	while (plen > PROBE_MAX_PAYLOAD)
		plen -= LEN_MOD;
	return (uint16_t)plen;
}

static int
udp_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	uint8_t pl[PROBE_MAX_PAYLOAD], hdr[12 + 8];
	uint16_t plen, ulen, dport, want;
	uint32_t sum;

	plen = ttl_payload(c->payload > PROBE_MAX_PAYLOAD ? PROBE_MAX_PAYLOAD : c->payload,
	    ttl);
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
	hdr[8] = 0; hdr[9] = IPPROTO_UDP;
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

/* ---- reading UDP ---- */

static void
udp_split(struct l4 *l)
{
	size_t n = l->t8len;

	if (n >= 2)
		l->sport = t8_be16(l->t8, 0);
	if (n >= 4)
		l->dport = t8_be16(l->t8, 2);
	if (n >= 6)
		l->ulen = t8_be16(l->t8, 4);
	if (n >= 8)
		l->csum = t8_be16(l->t8, 6);
}

static enum decode_status
udp_decode(struct cursor c, struct pkt *p)
{
	if (p->l4.t8len < 8)
		return DEC_TRUNCATED;
	p->kind = PKT_UDP;
	p->own_probe = (uint8_t)probe_has_magic(c);
	return DEC_OK;
}

static int
udp_is_probe(const struct pkt *p)
{
	(void)p;
	return 1;		/* any datagram may be one */
}

static int
udp_session_id(const uint8_t *t8, size_t n)
{
	(void)t8;
	(void)n;
	return 0;		/* the ports tell probes apart, not sessions */
}

/* A UDP answer from the destination: the probe's ports, swapped. */
static int
udp_answer(const struct pkt *p, struct probe_answer *a)
{
	a->kind = RK_UDP;
	a->sid = 0;
	memcpy(a->key, p->l4.t8 + 2, 2);
	memcpy(a->key + 2, p->l4.t8, 2);
	return 1;
}

static int
udp_answer_fit(const struct probe *pr, const struct pkt *p)
{
	(void)pr;
	(void)p;
	return -1;
}

static void
udp_record(struct probe *pr, const struct pkt *p)
{
	pr->sport = p->l4.sport;
	pr->dport = p->l4.dport;
	pr->csum = p->l4.csum;
}

/* Paris when every probe keeps both ports; classic when they move. */
static enum method
udp_method(const struct probe *pr, size_t n, int *constant_flow)
{
	size_t i;

	*constant_flow = 1;
	for (i = 1; i < n; i++)
		if (pr[i].sport != pr[0].sport || pr[i].dport != pr[0].dport)
			*constant_flow = 0;
	return *constant_flow ? M_UDP_PARIS : M_UDP;
}

/*
 * Linux traceroute counts in the destination port from 33434, the BSDs
 * from 33435; lasthop's own length says the TTL.
 */
static void
udp_order(const uint8_t *t8, size_t n, uint16_t ipid, int has_ipid,
    struct infer_reply *o)
{
	o->ncounters = 0;
	o->own_ttl = n >= 6 ? (uint8_t)(t8_be16(t8, 4) % LEN_MOD) : 0;
	if (n < 4)
		return;
	o->counter[0] = t8_be16(t8, 2);
	o->counter[1] = t8_be16(t8, 0);
	o->ncounters = 2;
	if (has_ipid)
		o->counter[o->ncounters++] = ipid;
}

static size_t
udp_answer_t8(const struct pkt *p, uint8_t t8[8])
{
	memcpy(t8, p->l4.t8 + 2, 2);
	memcpy(t8 + 2, p->l4.t8, 2);
	return 4;
}

static const uint32_t udp_dport_bases[] = { 33434, 33435 };

const struct probe_method probe_udp = {
	.name = "udp",
	.proto = IPPROTO_UDP,
	.default_port = 33434,
	.build = udp_build,
	.filter = udp_filter,
	.split = udp_split,
	.decode = udp_decode,
	.is_probe = udp_is_probe,
	.session_id = udp_session_id,
	.ident_mask = 0x0f,		/* the ports; length and checksum corroborate */
	.key_off = 0,
	.csum_off = 6,
	.answer = udp_answer,
	.answer_fit = udp_answer_fit,
	.record = udp_record,
	.method = udp_method,
	.split_flows = 1,
	.order = udp_order,
	.counter_name = { "destination port", "source port", "IP ID" },
	.counter_base = { { udp_dport_bases, 2 } },
	.answer_t8 = udp_answer_t8,
};
