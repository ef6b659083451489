/*
 * infer.h: the TTLs of probes that are not in the capture, from what their
 * replies quote (a capture of the return path only, or one taken with an
 * "icmp" filter).
 *
 * Tools write a probe's place into fields every quote keeps:
 *   - lasthop's own probes name their TTL outright (UDP length mod 64,
 *     ICMP sequence high byte, TCP sequence high byte: probe.h);
 *   - counting tools number their probes: classic traceroute in the UDP
 *     destination port (33434 + n on Linux, 33435 + n on the BSDs), ICMP
 *     traceroutes and tracert in the echo sequence, some in the IP ID or
 *     the source port; q probes per TTL, one TTL after another;
 *   - mtr counts in the echo sequence too, one probe per TTL per round,
 *     rounds of varying length, each ending at the destination.
 * infer_ttls() tries each reading and keeps one only when the replies bear
 * it out: every router at one TTL, the destination last; a counter needs
 * three replies at least (two fit some order by chance).  A counter gives
 * the order; its first TTL comes from the tool's known first number, else
 * from the replies' own IP TTLs (a router d hops away answers with an
 * initial TTL of 64, 128 or 255 less d - 1), else the replies stay
 * unplaced: nothing is ever guessed onto a TTL.
 */
#ifndef LH_INFER_H
#define LH_INFER_H

#include <stddef.h>
#include <stdint.h>

#define INFER_COUNTERS	4

/* One reply whose probe is not in the capture. */
struct infer_reply {
	uint32_t	from;		/* who answered */
	uint8_t		rttl;		/* the reply's own IP TTL */
	uint8_t		is_dst;		/* from the destination (it answered) */
	uint8_t		own;		/* the quote shows lasthop's payload */
	uint8_t		own_ttl;	/* the TTL lasthop's encoding claims, or 0 */
	uint8_t		ncounters;
	uint32_t	counter[INFER_COUNTERS];	/* candidate counters */
};

enum infer_rule {
	INFER_NONE = 0,		/* nothing fits: the replies stay unplaced */
	INFER_OWN,		/* lasthop's own TTL fields */
	INFER_COUNTER,		/* a counter, q probes per TTL */
	INFER_ROUNDS,		/* a counter, one probe per TTL per round (mtr) */
};

struct infer_result {
	enum infer_rule	 rule;
	int		 field;		/* which counter (INFER_COUNTER, ROUNDS) */
	unsigned	 q;		/* probes per TTL (INFER_COUNTER) */
	uint32_t	 base;		/* the counter's value at TTL 1's first probe */
	const char	*anchor;	/* "tool", "reply-ttl", "own" */
};

/* What a tool is known to start each counter at (its first probe's value). */
struct infer_bases {
	const uint32_t	*v;
	size_t		 n;
};

/*
 * Place n replies: ttl[i] gets reply i's TTL (1..255), or 0 where it
 * cannot be placed; bases[f] lists counter f's known first values.
 * Returns the number placed; res says how.
 */
size_t infer_ttls(const struct infer_reply *r, size_t n,
    const struct infer_bases bases[INFER_COUNTERS], uint8_t *ttl,
    struct infer_result *res);

/* "own", "counter", "rounds", "none". */
const char *infer_rule_name(enum infer_rule rule);

#endif /* LH_INFER_H */
