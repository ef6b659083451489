/*
 * probe_tcp.c: TCP SYN and TCP ACK probes.  Paris (default): constant
 * ports, the source port keyed per trace; the sequence number holds the
 * TTL in its high byte and 24 keyed bits below, and an ACK probe's
 * acknowledgement number 32 keyed bits: a quote names its probe by the
 * ports and sequence number middleboxes keep, and the destination's
 * SYN-ACK (sequence + 1) or RST (the acknowledgement as its sequence)
 * echoes a keyed value back.  Classic: the source port changes with every
 * probe.
 */
#include <stdio.h>
#include <string.h>

#include "lh.h"
#include "probe.h"
#include "proto.h"

#define SALT_TCP_SEQ	0x74637073	/* "tcps" */
#define SALT_TCP_ACK	0x74637061	/* "tcpa" */

static int
tcp_build_flags(libnet_t *l, const struct probe_ctx *c, uint16_t n,
    uint8_t ttl, uint8_t flags, char *err, size_t errlen)
{
	uint32_t seq = (uint32_t)ttl << 24 |
	    (probe_key32(c->key, SALT_TCP_SEQ, n) & 0xffffff);
	uint32_t ack = flags == LH_TH_ACK ?
	    probe_key32(c->key, SALT_TCP_ACK, n) : 0;
	uint16_t sport = c->classic ? (uint16_t)(c->sport + n) : c->sport;

	if (libnet_build_tcp(sport, c->dport, seq, ack, flags, 5840, 0, 0,
	    LIBNET_TCP_H, NULL, 0, l, 0) == -1)
		return lh_err(err, errlen, "building TCP: %s", libnet_geterror(l));
	return probe_ipv4(l, c, IPPROTO_TCP, n, ttl, LIBNET_TCP_H, err, errlen);
}

static int
tcp_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	return tcp_build_flags(l, c, n, ttl, LH_TH_SYN, err, errlen);
}

static int
tcp_ack_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	return tcp_build_flags(l, c, n, ttl, LH_TH_ACK, err, errlen);
}

static int
tcp_filter(const struct probe_ctx *c, char *buf, size_t buflen)
{
	return snprintf(buf, buflen, "tcp src port %u", c->dport) >=
	    (int)buflen ? -1 : 0;
}

/* ---- reading TCP ---- */

static void
tcp_split(struct l4 *l)
{
	size_t n = l->t8len;

	if (n >= 2)
		l->sport = t8_be16(l->t8, 0);
	if (n >= 4)
		l->dport = t8_be16(l->t8, 2);
	if (n >= 8)
		l->seq = t8_be32(l->t8, 4);
}

/* The acknowledgement and the flags lie past the first 8 bytes (RFC 793). */
static enum decode_status
tcp_decode(struct cursor c, struct pkt *p)
{
	if (p->l4.t8len < 8)
		return DEC_TRUNCATED;
	(void)cur_skip(&c, 8);
	if (cur_be32(&c, &p->l4.ack) == 0 && cur_skip(&c, 1) == 0 &&
	    cur_u8(&c, &p->l4.flags) == 0)
		p->l4.have_tcpflags = 1;
	p->kind = PKT_TCP;
	return DEC_OK;
}

/* A SYN alone (tcptraceroute, traceroute -T), or a bare ACK (tcp-ack). */
static int
tcp_is_probe(const struct pkt *p)
{
	uint8_t f = p->l4.flags;

	if (!p->l4.have_tcpflags)
		return 0;
	if ((f & (LH_TH_SYN | LH_TH_ACK | LH_TH_RST | LH_TH_FIN)) == LH_TH_SYN)
		return 1;
	return (f & (LH_TH_SYN | LH_TH_ACK | LH_TH_RST | LH_TH_FIN |
	    LH_TH_PUSH)) == LH_TH_ACK;
}

static int
tcp_session_id(const uint8_t *t8, size_t n)
{
	(void)t8;
	(void)n;
	return 0;
}

/* Any segment from the destination: the probe's ports, swapped. */
static int
tcp_answer(const struct pkt *p, struct probe_answer *a)
{
	uint8_t f = p->l4.flags;

	a->kind = (f & (LH_TH_SYN | LH_TH_ACK)) == (LH_TH_SYN | LH_TH_ACK) ?
	    RK_TCP_SYNACK : (f & LH_TH_RST) ? RK_TCP_RST : RK_TCP_OTHER;
	a->sid = 0;
	memcpy(a->key, p->l4.t8 + 2, 2);
	memcpy(a->key + 2, p->l4.t8, 2);
	return 1;
}

/*
 * A SYN is answered with its sequence number plus one acknowledged (a
 * SYN-ACK, or a RST with ACK); a bare ACK with a RST whose sequence number
 * is the probe's acknowledgement number (RFC 793, "Reset Generation").
 */
static int
tcp_answer_fit(const struct probe *pr, const struct pkt *p)
{
	if (pr->tcpflags & LH_TH_SYN)
		return (p->l4.flags & LH_TH_ACK) &&
		    p->l4.ack == pr->tcpseq + 1;
	return p->l4.seq == pr->tcpack;
}

static void
tcp_record(struct probe *pr, const struct pkt *p)
{
	pr->sport = p->l4.sport;
	pr->dport = p->l4.dport;
	pr->tcpseq = p->l4.seq;
	pr->tcpack = p->l4.ack;
	pr->tcpflags = p->l4.flags;
}

static enum method
tcp_method(const struct probe *pr, size_t n, int *constant_flow)
{
	size_t i;

	*constant_flow = 1;
	for (i = 1; i < n; i++)
		if (pr[i].sport != pr[0].sport || pr[i].dport != pr[0].dport)
			*constant_flow = 0;
	return n > 0 && !(pr[0].tcpflags & LH_TH_SYN) ? M_TCP_ACK : M_TCP_SYN;
}

/* Tools count in the source port, the IP ID or the sequence number. */
static void
tcp_order(const uint8_t *t8, size_t n, uint16_t ipid, int has_ipid,
    struct infer_reply *o)
{
	o->ncounters = 0;
	o->own_ttl = n >= 8 ? t8[4] : 0;
	if (n < 4)
		return;
	o->counter[0] = t8_be16(t8, 0);
	o->ncounters = 1;
	if (has_ipid)
		o->counter[o->ncounters++] = ipid;
	else
		return;
	if (n >= 8)
		o->counter[o->ncounters++] = t8_be32(t8, 4);
}

/* A SYN-ACK or RST acknowledges the SYN's sequence number plus one. */
static size_t
tcp_answer_t8(const struct pkt *p, uint8_t t8[8])
{
	uint32_t seq = p->l4.ack - 1;

	memcpy(t8, p->l4.t8 + 2, 2);
	memcpy(t8 + 2, p->l4.t8, 2);
	if (!(p->l4.flags & LH_TH_ACK))
		return 4;
	t8[4] = (uint8_t)(seq >> 24);
	t8[5] = (uint8_t)(seq >> 16);
	t8[6] = (uint8_t)(seq >> 8);
	t8[7] = (uint8_t)seq;
	return 8;
}

#define TCP_READING \
	.split = tcp_split, \
	.decode = tcp_decode, \
	.is_probe = tcp_is_probe, \
	.session_id = tcp_session_id, \
	.ident_mask = 0xff,	/* ports and sequence number */ \
	.key_off = 0, \
	.csum_off = -1,		/* past the first 8 bytes */ \
	.answer = tcp_answer, \
	.answer_fit = tcp_answer_fit, \
	.record = tcp_record, \
	.method = tcp_method, \
	.split_flows = 1, \
	.order = tcp_order, \
	.counter_name = { "source port", "IP ID", "sequence number" }, \
	.answer_t8 = tcp_answer_t8

const struct probe_method probe_tcp = {
	.name = "tcp",
	.proto = IPPROTO_TCP,
	.default_port = 80,
	.build = tcp_build,
	.filter = tcp_filter,
	TCP_READING,
};

const struct probe_method probe_tcp_ack = {
	.name = "tcp-ack",
	.proto = IPPROTO_TCP,
	.default_port = 80,
	.build = tcp_ack_build,
	.filter = tcp_filter,
	TCP_READING,
};
