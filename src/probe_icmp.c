/*
 * probe_icmp.c: ICMP echo probes.  The identifier is keyed per trace; the
 * sequence holds the TTL in its high byte and a keyed byte below (unique
 * per probe within its TTL), so that a quote names its probe by the fields
 * middleboxes keep.  Paris (default): identifier and checksum constant for
 * the trace (load balancers hash the first ICMP bytes), the payload's fix
 * word absorbing the sequence.  Classic: the checksum follows the sequence.
 */
#include <stdio.h>
#include <string.h>

#include "lh.h"
#include "probe.h"
#include "proto.h"

#define SALT_ICMP_SEQ	0x69636d73	/* "icms" */

static int
icmp_build(libnet_t *l, const struct probe_ctx *c, uint16_t n, uint8_t ttl,
    char *err, size_t errlen)
{
	uint8_t pl[PROBE_MAX_PAYLOAD], hdr[8];
	uint16_t plen = c->payload, seq;
	uint32_t sum;

	if (plen > PROBE_MAX_PAYLOAD)
		plen = PROBE_MAX_PAYLOAD;
	/* High byte the TTL, low byte keyed per TTL plus the probe number. */
	seq = (uint16_t)(ttl << 8 |
	    (uint8_t)(probe_key16(c->key, SALT_ICMP_SEQ, ttl) + n));
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

/* ---- reading ICMP echo (errors are every method's: decode.c) ---- */

static void
icmp_split(struct l4 *l)
{
	size_t n = l->t8len;

	if (n >= 1)
		l->type = l->t8[0];
	if (n >= 2)
		l->code = l->t8[1];
	if (n >= 4)
		l->csum = t8_be16(l->t8, 2);
	if (n >= 6)
		l->echo_id = t8_be16(l->t8, 4);
	if (n >= 8)
		l->echo_seq = t8_be16(l->t8, 6);
}

static enum decode_status
icmp_decode(struct cursor c, struct pkt *p)
{
	if (p->l4.t8len < 8)
		return DEC_TRUNCATED;
	switch (p->l4.type) {
	case LH_ICMP_ECHO:
		p->kind = PKT_ICMP_ECHO;
		p->own_probe = (uint8_t)probe_has_magic(c);
		break;
	case LH_ICMP_ECHOREPLY:
		p->kind = PKT_ICMP_ECHOREPLY;
		break;
	default:
		p->kind = PKT_ICMP_OTHER;
		break;
	}
	return DEC_OK;
}

static int
icmp_is_probe(const struct pkt *p)
{
	return p->kind == PKT_ICMP_ECHO;
}

/* The echo identifier: the first 6 bytes of an echo request. */
static int
icmp_session_id(const uint8_t *t8, size_t n)
{
	if (n < 1 || t8[0] != LH_ICMP_ECHO)
		return -1;
	return n < 6 ? -2 : t8_be16(t8, 4);
}

/* An echo reply carries the request's identifier and sequence. */
static int
icmp_answer(const struct pkt *p, struct probe_answer *a)
{
	if (p->kind != PKT_ICMP_ECHOREPLY)
		return 0;
	a->kind = RK_ECHO_REPLY;
	a->sid = p->l4.echo_id;
	memcpy(a->key, p->l4.t8 + 4, 4);
	return 1;
}

static int
icmp_answer_fit(const struct probe *pr, const struct pkt *p)
{
	(void)pr;
	(void)p;
	return -1;
}

static void
icmp_record(struct probe *pr, const struct pkt *p)
{
	pr->sport = p->l4.echo_id;
	pr->dport = p->l4.echo_seq;
	pr->csum = p->l4.csum;
}

/* Paris when the checksum stays the same from probe to probe. */
static enum method
icmp_method(const struct probe *pr, size_t n, int *constant_flow)
{
	size_t i;

	*constant_flow = 0;
	for (i = 1; i < n; i++)
		if (pr[i].csum != pr[0].csum)
			return M_ICMP;
	return n > 1 ? M_ICMP_PARIS : M_ICMP;
}

/*
 * traceroute -I counts in the echo sequence from 1, mtr from 33000 (and on
 * across its rounds), tracert from anywhere; lasthop's own sequence says
 * the TTL in its high byte.
 */
static void
icmp_order(const uint8_t *t8, size_t n, uint16_t ipid, int has_ipid,
    struct infer_reply *o)
{
	o->ncounters = 0;
	o->own_ttl = 0;
	if (n < 8)
		return;
	o->own_ttl = t8[6];
	o->counter[0] = t8_be16(t8, 6);
	o->ncounters = 1;
	if (has_ipid)
		o->counter[o->ncounters++] = ipid;
}

/* The echo request an echo reply answers: its identifier and sequence. */
static size_t
icmp_answer_t8(const struct pkt *p, uint8_t t8[8])
{
	memset(t8, 0, 8);
	t8[0] = LH_ICMP_ECHO;
	memcpy(t8 + 4, p->l4.t8 + 4, 4);
	return 8;
}

static const uint32_t icmp_seq_bases[] = { 1, 33000 };

const struct probe_method probe_icmp = {
	.name = "icmp",
	.proto = IPPROTO_ICMP,
	.default_port = 0,
	.build = icmp_build,
	.filter = icmp_filter,
	.split = icmp_split,
	.decode = icmp_decode,
	.is_probe = icmp_is_probe,
	.session_id = icmp_session_id,
	.ident_mask = 0xf1,		/* type, identifier and sequence */
	.key_off = 4,
	.csum_off = 2,
	.answer = icmp_answer,
	.answer_fit = icmp_answer_fit,
	.record = icmp_record,
	.method = icmp_method,
	.split_flows = 0,
	.order = icmp_order,
	.counter_name = { "echo sequence", "IP ID" },
	.counter_base = { { icmp_seq_bases, 2 } },
	.answer_t8 = icmp_answer_t8,
};
