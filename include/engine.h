/*
 * engine.h: turn a stream of packets into traceroute traces.
 *
 * The engine finds probes (UDP, ICMP echo, TCP SYN or ACK), groups them into
 * traces by source, destination and method, and matches every reply to its
 * probe: ICMP errors by the quoted header, echo replies by identifier and
 * sequence, TCP and UDP answers by ports and sequence.  State is bounded:
 * a probe waits for its reply for a window of capture time, and a trace
 * that has been idle for that long is finished and handed to the caller at
 * once; no trace waits for another.
 * Live tracing and replay both feed it.
 */
#ifndef LH_ENGINE_H
#define LH_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "model.h"

struct engine_opts {
	int	 gap_limit;	/* silent hops that end a trace (stop reason) */
	int64_t	 window_ns;	/* how long a probe waits for its reply */
	int64_t	 late_ns;	/* replies slower than this are flagged late;
				   no silent hop is waited for longer */
	size_t	 max_probes;	/* probes kept per trace; more are counted */
	const char *file;	/* name recorded in each trace */
	/*
	 * Live tracing: accept only exact quotes and fully keyed direct
	 * answers (no NAT leniency), so that forged near-miss replies are
	 * rejected; they are counted in stats.rejected.  lasthop's own UDP and
	 * ICMP probes (payload magic) are always matched this way, so a
	 * replay of a live run decides as the run did.
	 */
	int	 strict;
	/*
	 * --dst: only probes to dst_net/dst_mask (host order; mask 0: every
	 * destination) make traces, and only replies about them are read;
	 * the rest is counted in stats.other_dst.
	 */
	uint32_t dst_net, dst_mask;
	/* Called when a probe gets its first reply (live scheduling). */
	void	(*on_reply)(void *arg, const struct probe *pr);
	void	*on_reply_arg;
};

#define ENGINE_GAP_LIMIT	5
#define ENGINE_WINDOW_NS	(30LL * 1000000000)
#define ENGINE_LATE_NS		TRACE_WAIT_NS
#define ENGINE_MAX_PROBES	(256u * 1024)
#define ENGINE_UNMATCHED_DSTS	8

struct engine_stats {
	uint64_t	frames;		/* records fed */
	uint64_t	not_ip;		/* no IPv4 inside */
	uint64_t	truncated;	/* headers cut short */
	uint64_t	malformed;	/* impossible header values */
	uint64_t	fragments;	/* non-first fragments */
	uint64_t	bad_linktype;	/* link types we cannot read */
	uint64_t	probes;		/* probe-like packets seen */
	uint64_t	matched;	/* replies matched to the probes of traces */
	uint64_t	dups;		/* replies to an already answered probe */
	uint64_t	late;		/* replies after the late threshold */
	uint64_t	orphans;	/* replies quoting a probe not in the capture */
	uint64_t	ambiguous;	/* replies that fitted several probes equally */
	uint64_t	rejected;	/* near misses refused in strict mode */
	uint64_t	traces;		/* traces handed out */
	uint64_t	other_dst;	/* packets about destinations --dst leaves out */
	/* Replies no trace takes, by the destination they quote (the first). */
	struct {
		uint32_t	dst;
		uint64_t	replies;
	}		unmatched[ENGINE_UNMATCHED_DSTS];
	uint8_t		nunmatched;
};

/*
 * Called for every trace as soon as it is finished (idle for a window, or
 * at engine_finish()), so in the order of the traces' last probes in the
 * input; the flows of one Dublin-style group come together, in the order
 * of their first probes.  The callee owns t and frees it with trace_free().
 * A non-zero return stops the engine with that error.
 */
typedef int (*engine_emit_fn)(void *arg, struct trace *t, char *err,
    size_t errlen);

struct engine;

void engine_opts_default(struct engine_opts *o);
struct engine *engine_new(const struct engine_opts *o, engine_emit_fn emit,
    void *arg, char *err, size_t errlen);

/* Decode one frame and feed it.  Returns -1 only when emit failed. */
int engine_frame(struct engine *e, int linktype, int64_t ts_ns,
    const uint8_t *data, size_t caplen, char *err, size_t errlen);

/*
 * engine_frame() in two steps, for a caller that decodes ahead: decode
 * one frame into p (counting it, and why it is set aside); 1 when p is a
 * packet to feed to engine_pkt(), in frame order, 0 when not.
 */
int engine_decode(struct engine *e, int linktype, int64_t ts_ns,
    const uint8_t *data, size_t caplen, struct pkt *p);

/*
 * A hint for a packet decoded ahead, to be fed later: stage 0 two packets
 * before it is fed, stage 1 one packet before.  It fetches into the caches
 * what the matcher will read for it, and changes nothing.
 */
void engine_prefetch(const struct engine *e, const struct pkt *p, int stage);

/* Feed an already decoded packet. */
int engine_pkt(struct engine *e, const struct pkt *p, char *err,
    size_t errlen);

/* End of input: finish and emit every trace still open. */
int engine_finish(struct engine *e, char *err, size_t errlen);

const struct engine_stats *engine_stats(const struct engine *e);
void engine_free(struct engine *e);

#endif /* LH_ENGINE_H */
