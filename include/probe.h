/*
 * probe.h: probe methods for live tracing, one module per protocol.
 *
 * Contract of struct probe_method:
 *   build   - build probe number n (0..65535) with the given TTL into the
 *             libnet context l (already cleared).  The probe's identity
 *             lives in bytes that ICMP errors quote back (IP header and
 *             first 8 transport bytes): the IP ID always carries
 *             n ^ (key & 0xffff); a second field (UDP checksum, ICMP
 *             sequence, TCP sequence) carries a value keyed with the run's
 *             secret, so that replies quoting probes never sent are
 *             rejected.  In Paris mode (the default) the flow fields -
 *             ports, ICMP id and checksum - stay constant for the trace.
 *   filter  - append to buf a BPF expression that admits the answers the
 *             destination itself gives to this method (ICMP errors and
 *             the outgoing probes are admitted by the caller).
 * Every module exports one const struct probe_method; probe_find() is the
 * registry.  The engine never switches on the protocol.
 */
#ifndef LH_PROBE_H
#define LH_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <libnet.h>

#define PROBE_MAGIC	"lhop"	/* first payload bytes of every lasthop probe */
#define PROBE_MAGIC_LEN	4
#define PROBE_MIN_PAYLOAD 8	/* magic, version, method, checksum fix word */

/* What stays the same for every probe of one trace. */
struct probe_ctx {
	uint32_t	src, dst;	/* host byte order */
	uint16_t	sport, dport;	/* UDP/TCP ports (Paris: constant) */
	uint16_t	echo_id;	/* ICMP identifier */
	uint16_t	echo_csum;	/* ICMP Paris: the constant checksum */
	uint64_t	key;		/* the run's secret */
	int		classic;	/* vary the flow per probe (--classic) */
	uint16_t	payload;	/* payload bytes, >= PROBE_MIN_PAYLOAD */
	uint8_t		tos;
};

struct probe_method {
	const char	*name;		/* "udp", "icmp", "tcp", "tcp-ack" */
	uint8_t		 proto;		/* IP protocol */
	uint16_t	 default_port;	/* 0 if ports do not apply */
	int (*build)(libnet_t *l, const struct probe_ctx *c, uint16_t n,
	    uint8_t ttl, char *err, size_t errlen);
	int (*filter)(const struct probe_ctx *c, char *buf, size_t buflen);
};

extern const struct probe_method probe_udp;
extern const struct probe_method probe_icmp;
extern const struct probe_method probe_tcp;
extern const struct probe_method probe_tcp_ack;

const struct probe_method *probe_find(const char *name);

/* Keyed 16/32-bit values for probe n (salt separates their uses). */
uint16_t probe_key16(uint64_t key, uint32_t salt, uint32_t n);
uint32_t probe_key32(uint64_t key, uint32_t salt, uint32_t n);

/* The IP ID of probe n, and back. */
uint16_t probe_ipid(const struct probe_ctx *c, uint16_t n);
uint16_t probe_number(const struct probe_ctx *c, uint16_t ipid);

/*
 * Fill a probe payload: magic, version, method byte, then zeros; the word
 * at PROBE_FIX_OFF is set so that a checksum over `sum_rest` (the one's
 * complement sum of everything else the checksum covers, payload with a
 * zero fix word included) comes out as `want`.
 */
#define PROBE_FIX_OFF	6
void probe_payload(uint8_t *buf, size_t len, uint8_t method_byte);
void probe_fix_checksum(uint8_t *buf, uint32_t sum_rest, uint16_t want);

/* One's complement sum helpers (RFC 1071). */
uint32_t probe_sum(uint32_t sum, const uint8_t *buf, size_t len);
uint16_t probe_fold(uint32_t sum);

/* IPv4 header plus finish: common to every module. */
int probe_ipv4(libnet_t *l, const struct probe_ctx *c, uint8_t proto,
    uint16_t n, uint8_t ttl, uint16_t l4len, char *err, size_t errlen);

#endif /* LH_PROBE_H */
