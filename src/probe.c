/* probe.c: the registry of probe methods and what they share. */
#include <string.h>

#include "lh.h"
#include "probe.h"

static const struct probe_method *const methods[] = {
	&probe_udp, &probe_icmp, &probe_tcp, &probe_tcp_ack,
};

/* The module that reads each protocol's packets (tcp reads tcp-ack's too). */
const struct probe_method *
probe_by_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP:	return &probe_udp;
	case IPPROTO_ICMP:	return &probe_icmp;
	case IPPROTO_TCP:	return &probe_tcp;
	default:		return NULL;
	}
}

int
probe_has_magic(struct cursor c)
{
	uint8_t m[PROBE_MAGIC_LEN];

	return cur_skip(&c, 8) == 0 && cur_bytes(&c, m, sizeof(m)) == 0 &&
	    memcmp(m, PROBE_MAGIC, sizeof(m)) == 0;
}

const struct probe_method *
probe_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i]->name, name) == 0)
			return methods[i];
	return NULL;
}

uint32_t
probe_key32(uint64_t key, uint32_t salt, uint32_t n)
{
	return (uint32_t)(lh_mix64(key ^ lh_mix64((uint64_t)salt << 32 | n)) >> 16);
}

uint16_t
probe_key16(uint64_t key, uint32_t salt, uint32_t n)
{
	return (uint16_t)probe_key32(key, salt, n);
}

uint16_t
probe_ipid(const struct probe_ctx *c, uint16_t n)
{
	return (uint16_t)(n ^ (c->key & 0xffff));
}

uint16_t
probe_number(const struct probe_ctx *c, uint16_t ipid)
{
	return (uint16_t)(ipid ^ (c->key & 0xffff));
}

uint32_t
probe_sum(uint32_t sum, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	return sum;
}

uint16_t
probe_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
probe_payload(uint8_t *buf, size_t len, uint8_t method_byte)
{
	memset(buf, 0, len);
	memcpy(buf, PROBE_MAGIC, PROBE_MAGIC_LEN);
	buf[4] = 1;		/* payload layout version */
	buf[5] = method_byte;
}

void
probe_fix_checksum(uint8_t *buf, uint32_t sum_rest, uint16_t want)
{
	/* checksum = ~(rest + fix): choose fix = ~want - rest (one's complement). */
	uint16_t rest = probe_fold(sum_rest);
	uint16_t fix = probe_fold((uint32_t)(uint16_t)~want + (uint16_t)~rest);

	buf[PROBE_FIX_OFF] = (uint8_t)(fix >> 8);
	buf[PROBE_FIX_OFF + 1] = (uint8_t)fix;
}

int
probe_ipv4(libnet_t *l, const struct probe_ctx *c, uint8_t proto, uint16_t n,
    uint8_t ttl, uint16_t l4len, char *err, size_t errlen)
{
	if (libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + l4len), c->tos,
	    probe_ipid(c, n), 0, ttl, proto, 0, htonl(c->src), htonl(c->dst),
	    NULL, 0, l, 0) == -1)
		return lh_err(err, errlen, "building the IPv4 header: %s",
		    libnet_geterror(l));
	return 0;
}
