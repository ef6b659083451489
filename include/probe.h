/*
 * probe.h: probe methods, one module per protocol, each owning its probes
 * from end to end: how they are built (live tracing), how their transport
 * header decodes, which bytes of a quote identify a probe and which only
 * corroborate, and which packets answer them.  The decoder and the engine
 * ask the module of a packet's protocol (probe_by_proto()) and never
 * switch on the protocol themselves.
 *
 * Identity.  A probe is identified by the fields real paths keep: the
 * ports (UDP, TCP), the TCP sequence number, the ICMP echo identifier and
 * sequence.  The IP ID, the transport checksum, the total length and the
 * other transport bytes only corroborate: middleboxes rewrite them (a
 * firewall's random IP IDs, a NAT's checksums, a reassembling router's
 * lengths), so a quote whose identifying bytes fit one probe matches it
 * whatever became of the rest, and the rest only ranks probes that share
 * their identifying bytes (a Paris flow).  Each module names its
 * identifying bytes within the first 8 transport bytes (what RFC 792 makes
 * every router quote) as a mask, and where its checksum is.
 *
 * Live identity.  lasthop's own probes put the keyed part of their
 * identity in those kept fields, so that an off-path forger must guess it
 * and a rewriting middlebox cannot lose it:
 *   udp      source port keyed per trace; destination port keyed per trace
 *            within 33434-33523 unless -p (Paris), or rising per probe
 *            (--classic); the UDP length, 64 k + (TTL & 63), tells the
 *            TTLs of one flow apart (ECMP hashes ignore the length)
 *   icmp     identifier keyed per trace; sequence: TTL in the high byte,
 *            a keyed byte below
 *   tcp      source port keyed per trace (Paris); sequence (SYN) or
 *            sequence and acknowledgement (ACK): TTL in the high byte,
 *            keyed bits below
 * The IP ID (n ^ key), the checksum (keyed through a fix word) and the
 * payload magic corroborate.
 */
#ifndef LH_PROBE_H
#define LH_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <libnet.h>

#include "cursor.h"
#include "decode.h"
#include "infer.h"
#include "model.h"

#define PROBE_MAGIC	"lhop"	/* first payload bytes of every lasthop probe */
#define PROBE_MAGIC_LEN	4
#define PROBE_MIN_PAYLOAD 8	/* magic, version, method, checksum fix word */
#define PROBE_MAX_PAYLOAD 1472	/* a 1500-byte IPv4 packet of UDP or ICMP echo */

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

/* A direct answer from the destination, as a module reads it. */
struct probe_answer {
	enum reply_kind	 kind;
	uint16_t	 sid;		/* the session id of the probes it answers */
	uint8_t		 key[4];	/* the probe's key bytes (probe_method.key_off) */
};

struct probe_method {
	const char	*name;		/* "udp", "icmp", "tcp", "tcp-ack" */
	uint8_t		 proto;		/* IP protocol */
	uint16_t	 default_port;	/* 0 if ports do not apply */

	/* ---- live tracing ---- */
	int (*build)(libnet_t *l, const struct probe_ctx *c, uint16_t n,
	    uint8_t ttl, char *err, size_t errlen);
	/*
	 * Append to buf a BPF expression that admits the answers the
	 * destination itself gives to this method (ICMP errors and the
	 * outgoing probes are admitted by the caller).
	 */
	int (*filter)(const struct probe_ctx *c, char *buf, size_t buflen);

	/* ---- decoding (decode.c) ---- */
	/*
	 * Fill l's fields from the l->t8len (0..8) first transport bytes in
	 * l->t8, of a packet or of a quote; fields the bytes do not cover are
	 * left as they are (zero).
	 */
	void (*split)(struct l4 *l);
	/*
	 * A packet of this protocol whose first transport bytes are split:
	 * set p->kind (and what lies past the first 8 bytes: TCP flags and
	 * acknowledgement, lasthop's payload magic) from the transport header
	 * at c.  DEC_OK, or DEC_TRUNCATED when the header is cut.
	 */
	enum decode_status (*decode)(struct cursor c, struct pkt *p);

	/* ---- matching (engine.c) ---- */
	/* Whether p (of this protocol) looks like a traceroute probe. */
	int (*is_probe)(const struct pkt *p);
	/*
	 * Probes of one source, destination and protocol split into sessions
	 * by this id (the ICMP echo identifier; 0 for ports).  From the first
	 * transport bytes of a probe or a quote: -1 when the n bytes cannot be
	 * one of this method's probes, -2 when they are too few to tell which
	 * session (a quote cut short).
	 */
	int (*session_id)(const uint8_t *t8, size_t n);
	uint8_t		 ident_mask;	/* bit i: byte i of t8 identifies */
	uint8_t		 key_off;	/* 4 key bytes at t8[key_off]: index and
					   direct answers (ports, echo id+seq) */
	int8_t		 csum_off;	/* checksum in t8 (corroborates), or -1 */
	/*
	 * A packet (of this protocol) that may answer a probe directly: fill
	 * a and return 1, or return 0.
	 */
	int (*answer)(const struct pkt *p, struct probe_answer *a);
	/*
	 * How well answer p fits probe pr beyond the key bytes: 1 when it
	 * acknowledges the probe's own numbers, 0 when it does not (TCP), -1
	 * when the method's answers carry nothing more to check.
	 */
	int (*answer_fit)(const struct probe *pr, const struct pkt *p);
	/* Copy the probe's own fields (ports or echo id and sequence, ...). */
	void (*record)(struct probe *pr, const struct pkt *p);
	/* The method of a trace from its probes; *constant_flow is set. */
	enum method (*method)(const struct probe *pr, size_t n,
	    int *constant_flow);
	uint8_t		 split_flows;	/* several constant flows in one session
					   are several traces (Dublin, Paris) */

	/* ---- reply-only captures (infer.h) ---- */
	/*
	 * What a probe's first transport bytes (t8, n of them) and IP ID (if
	 * has_ipid) say of its place: the TTL lasthop's own encoding claims,
	 * and the fields tools count their probes in (counter[f] for f <
	 * ncounters; a field the bytes do not hold ends the list).
	 */
	void (*order)(const uint8_t *t8, size_t n, uint16_t ipid,
	    int has_ipid, struct infer_reply *o);
	const char	*counter_name[INFER_COUNTERS];	/* "destination port" */
	struct infer_bases counter_base[INFER_COUNTERS];	/* known first values */
	/*
	 * The first transport bytes of the probe a direct answer p answers, as
	 * far as p tells them (ports swapped back, the echo identifier and
	 * sequence); their number.
	 */
	size_t (*answer_t8)(const struct pkt *p, uint8_t t8[8]);
};

extern const struct probe_method probe_udp;
extern const struct probe_method probe_icmp;
extern const struct probe_method probe_tcp;
extern const struct probe_method probe_tcp_ack;

const struct probe_method *probe_find(const char *name);

/* The module that reads packets of an IP protocol, or NULL. */
const struct probe_method *probe_by_proto(uint8_t proto);

/* Whether the payload after the 8-byte header at c starts with the magic. */
int probe_has_magic(struct cursor c);

/* Big-endian fields of an 8-byte t8 array (callers check t8len). */
static inline uint16_t
t8_be16(const uint8_t *t8, size_t off)
{
	return (uint16_t)((unsigned)t8[off] << 8 | t8[off + 1]);
}

static inline uint32_t
t8_be32(const uint8_t *t8, size_t off)
{
	return (uint32_t)t8[off] << 24 | (uint32_t)t8[off + 1] << 16 |
	    (uint32_t)t8[off + 2] << 8 | t8[off + 3];
}

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
