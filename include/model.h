/*
 * model.h: the path model: traces, hops and probes.
 *
 * The model is filled by the matcher (replay and live tracing alike) and
 * read by the writers (text, JSON); it knows nothing of either.
 */
#ifndef LH_MODEL_H
#define LH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_MAX_MPLS	4

/*
 * How long a probe may wait for its answer at most, by default: a reply
 * slower than this is "late" (replay --late), and no trace waits longer
 * for a silent hop (trace_stop_reason()).
 */
#define TRACE_WAIT_NS	(5LL * 1000000000)
#define TRACE_AMB_ADDRS	8		/* senders of ambiguous replies kept */
#define TRACE_WAIT_RTTS	10		/* a wait is this many slowest RTTs */
#define TRACE_WAIT_MIN_NS (1000LL * 1000)	/* and at least 1 ms */

/*
 * Fields of a probe that a quote may show changed on the way (probe.rw):
 * they corroborate a match, they do not make it (probe.h).
 */
#define RW_IPID		0x01	/* the IP identification */
#define RW_CSUM		0x02	/* the transport checksum */
#define RW_LEN		0x04	/* the IP total length */
#define RW_OTHER	0x08	/* other transport bytes (UDP length, ICMP code) */
#define RW_NFIELDS	4

/* "IP ID", "checksum", "length", "transport bytes" for bit 1 << i. */
const char *rw_name(int i);
/* "ip_id", "checksum", "length", "transport" (JSON). */
const char *rw_key(int i);

/* How a probe was answered. */
enum reply_kind {
	RK_NONE = 0,		/* no reply in the capture */
	RK_TIME_EXCEEDED,	/* ICMP 11 */
	RK_UNREACH,		/* ICMP 3 */
	RK_PARAM_PROBLEM,	/* ICMP 12 */
	RK_SOURCE_QUENCH,	/* ICMP 4 */
	RK_ECHO_REPLY,		/* ICMP 0 from the destination */
	RK_TCP_SYNACK,		/* TCP SYN+ACK from the destination */
	RK_TCP_RST,		/* TCP RST from the destination */
	RK_TCP_OTHER,		/* another TCP answer from the destination */
	RK_UDP,			/* a UDP answer from the destination */
};

enum method {
	M_UNKNOWN = 0,
	M_UDP,			/* classic: the destination port changes per probe */
	M_UDP_PARIS,		/* constant 5-tuple */
	M_ICMP,			/* echo, checksum changes per probe */
	M_ICMP_PARIS,		/* echo, constant checksum */
	M_TCP_SYN,
	M_TCP_ACK,
};

enum stop_reason {
	STOP_NONE = 0,
	STOP_COMPLETED,		/* the destination answered */
	STOP_UNREACHABLE,	/* an ICMP unreachable ended the path */
	STOP_LOOP,		/* the path revisits an address */
	STOP_GAP_LIMIT,		/* too many silent hops after the last answer */
	STOP_HOP_LIMIT,		/* probing stopped at the last TTL, fewer than the
				   gap limit of silent hops after the last answer */
	STOP_CAPTURE_ENDED,	/* the capture stopped while the trace ran */
	STOP_AMBIGUOUS,		/* routers past the last attributed hop answered,
				   but no probe can be told from their replies */
};

/*
 * What the quotes of a trace show of one corroborating field (RW_*):
 * kept up to hop `after` (0: no quote kept it), rewritten from hop `from`
 * on; `mixed` when a quote past `from` kept it again (no single place on
 * the path explains it).
 */
struct rw_summary {
	uint8_t		field;		/* the bit's index: rw_name(field) */
	uint8_t		after, from;
	uint8_t		mixed;
	uint32_t	quotes;		/* quotes that showed it rewritten */
};

struct probe {
	int64_t		tx_ns;		/* send time (capture timestamp) */
	int64_t		rx_ns;		/* first reply's time, if replied */
	uint32_t	raddr;		/* who answered (host order) */
	uint16_t	ipid;
	uint16_t	size;		/* IP total length of the probe (of the whole
					   datagram when it was fragmented) */
	uint16_t	fragsize;	/* fragmented: its first fragment's length */
	uint16_t	sport, dport;	/* UDP/TCP ports, or ICMP id/seq */
	uint16_t	csum;		/* UDP/ICMP checksum as sent */
	uint16_t	dups;		/* further replies to this probe */
	uint32_t	tcpseq, tcpack;	/* TCP probes */
	uint8_t		ttl;
	uint8_t		tcpflags;
	uint8_t		rtcpflags;	/* TCP flags of a TCP answer */
	uint8_t		t8[8];		/* first transport bytes as sent */
	uint8_t		t8len;
	/* the reply */
	uint8_t		rkind;		/* enum reply_kind */
	uint8_t		rtype, rcode;	/* ICMP type and code of the reply */
	uint8_t		rttl;		/* the reply's own IP TTL */
	uint8_t		qttl;		/* TTL of the probe as quoted back */
	uint8_t		late;		/* the reply came after the late threshold */
	uint8_t		nat;		/* matched though rewritten: rw != 0 */
	uint8_t		rw;		/* RW_* fields the quote shows rewritten */
	uint8_t		rwseen;		/* RW_* fields the quote holds at all */
	uint8_t		own;		/* a lasthop probe (payload magic) */
	uint8_t		inferred;	/* not in the capture: rebuilt from its
					   reply, TTL inferred, send time unknown */
	uint8_t		nmpls;		/* labels in mpls[] */
	uint16_t	rsize;		/* IP total length of the reply */
	uint32_t	mpls[PROBE_MAX_MPLS];	/* RFC 4950 entries, raw 32-bit */
};

struct hop {
	uint8_t		ttl;
	size_t		first;		/* index of the hop's first probe */
	size_t		n;		/* probes at this TTL */
};

struct analysis;

struct trace {
	uint32_t	 src, dst;
	uint8_t		 proto;		/* IP protocol of the probes */
	enum method	 method;
	enum stop_reason stop;
	uint16_t	 flow_sport, flow_dport;	/* constant flows only */
	uint16_t	 echo_id;
	int		 has_flow;	/* flow_sport/flow_dport are constant */
	int		 own;		/* lasthop's own probes */
	const char	*file;		/* capture it came from */
	int64_t		 first_ns, last_ns;	/* first and last probe sent */
	int64_t		 eof_ns;	/* the input's end as the trace closed: the
					   capture's last timestamp, or far past
					   last_ns when the input says the tool
					   finished (pasted text) */

	struct probe	*probes;	/* sorted by TTL, then send time */
	size_t		 nprobes;
	struct hop	*hops;
	size_t		 nhops;

	/* counters */
	uint64_t	 replies;	/* probes answered */
	uint64_t	 dups;		/* replies beyond the first */
	uint64_t	 late;		/* replies after the late threshold */
	uint64_t	 nat_matched;	/* matched through a rewritten quote */
	uint64_t	 frag_replies;	/* further replies quoting later fragments */
	uint64_t	 orphans;	/* replies quoting probes not in the capture */
	uint64_t	 ambiguous;	/* replies that fitted several probes */
	uint32_t	 amb_from[TRACE_AMB_ADDRS];	/* who sent them (the first) */
	uint8_t		 namb_from;
	uint8_t		 amb_dst;	/* one came from the destination */
	uint64_t	 dropped;	/* probes past the per-trace limit */
	uint64_t	 past_dst;	/* probes sent beyond where the path ended */

	/* Where the quotes show corroborating fields rewritten (engine). */
	struct rw_summary rws[RW_NFIELDS];
	uint8_t		 nrws;

	/*
	 * Reply-only: the probes are not in the capture, their TTLs come
	 * from what the replies quote (infer.h): which reading placed them.
	 */
	uint8_t		 reply_only;
	uint8_t		 infer_rule;	/* enum infer_rule */
	uint8_t		 infer_q;	/* probes per TTL of a counter */
	const char	*infer_field;	/* the counter's name, or NULL */
	const char	*infer_anchor;	/* "tool", "reply-ttl", "own" */
	uint32_t	 infer_base;	/* the counter at TTL 1's first probe */

	struct analysis	*an;		/* annotation and verdict, or NULL */
};

const char *method_name(enum method m);
/* The IP protocol of a method's probes (IPPROTO_*), 0 if unknown. */
uint8_t method_proto(enum method m);
const char *stop_name(enum stop_reason s);
const char *reply_kind_name(enum reply_kind k);

/* One summary per field some quote showed rewritten; how many. */
size_t trace_rewrites(const struct trace *t,
    struct rw_summary out[RW_NFIELDS]);

/* Group sorted probes into hops (fills t->hops); -1 on allocation failure. */
int trace_build_hops(struct trace *t, char *err, size_t errlen);

/*
 * Hide the hops beyond the first TTL at which the destination or an
 * unreachable answered (tools send them in parallel before they know);
 * their probes are counted in past_dst.  Nothing is hidden if a router
 * answered time exceeded beyond.
 */
void trace_trim_past_destination(struct trace *t);

/* Silent hops after the last hop that answered (all of them if none did). */
size_t trace_trailing_silent(const struct trace *t);

/*
 * How long this trace's probes could be waited for: TRACE_WAIT_RTTS times
 * its slowest answer (late ones aside), at least TRACE_WAIT_MIN_NS, at
 * most max_wait_ns (the late threshold).
 */
int64_t trace_wait_ns(const struct trace *t, int64_t max_wait_ns);

/*
 * The stop reason from the hops and t->eof_ns.  A trace that ends neither
 * at the destination, nor at an unreachable, nor in a loop ends with
 * "gap limit" when gap_limit silent hops follow its last answer, each of
 * which had trace_wait_ns() to be answered before eof_ns; with "capture
 * ended" when a silent hop or its last probe did not (a cut capture, or a
 * damaged one, which ends at its last good record); otherwise the tool
 * stopped probing by itself: "hop limit".  max_wait_ns 0 means the input
 * has no real timing (pasted text): then gap_limit silent hops end it,
 * and eof_ns > last_ns tells a tool that finished from a cut paste.
 */
enum stop_reason trace_stop_reason(const struct trace *t, int gap_limit,
    int64_t max_wait_ns);

/*
 * Whether the input ends before the trace could say where traffic dies:
 * the capture ended mid-trace, or probing stopped while the last probed
 * hop still answered.  Such a trace is "incomplete", never "died".
 */
int trace_incomplete(const struct trace *t);

void trace_free(struct trace *t);

#endif /* LH_MODEL_H */
