/*
 * analysis.h: where traffic dies.  Annotates every responding address with
 * its network, finds the target network and its upstream, locates the
 * handoff between them and the borders between the other networks on the
 * path, and gives every trace a verdict with its evidence, as data
 * (verdict_text.h words it).  Reads the path model and the AS data; writes
 * nothing.
 */
#ifndef LH_ANALYSIS_H
#define LH_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "asmap.h"
#include "model.h"

#define AN_MAX_UPSTREAMS 6

/* The part of the path an address belongs to. */
enum role {
	ROLE_UNKNOWN = 0,	/* no AS data for it */
	ROLE_PRIVATE,		/* private, shared or reserved space */
	ROLE_TRANSIT,		/* neither the upstream nor the target */
	ROLE_UPSTREAM,		/* the target network's upstream */
	ROLE_TARGET,		/* the target network */
	ROLE_DEST,		/* the destination itself */
};

struct annot {
	uint32_t	 addr;
	uint32_t	 asn;		/* 0 = unknown */
	uint32_t	 prefix;
	uint8_t		 len;		/* matched prefix length */
	uint16_t	 flags;		/* ASMAP_F_* */
	uint8_t		 role;		/* enum role */
	char		*as_name;	/* "" when unknown; owned */
	char		*org;
	char		 cc[3];
	char		*note;		/* address-space note, or NULL */
	char		*name;		/* reverse DNS name, or NULL */
	uint8_t		 hinted;	/* asn/flags came from the name's hint */
};

/*
 * reached: the destination answered; died: the path ends where the verdict
 * says; no-data: nothing answered; incomplete: the input ends before the
 * trace could (see trace_incomplete()), so it blames no place.
 */
enum outcome { OUT_REACHED, OUT_DIED, OUT_NODATA, OUT_INCOMPLETE };
enum where { WH_NONE = 0, WH_TRANSIT, WH_UPSTREAM, WH_HANDOFF, WH_TARGET };

/* Why the trace ends where it does (JSON "reason": reason_name()). */
enum vreason {
	VR_SILENT = 0,		/* nothing answers beyond the last hop */
	VR_REACHED,		/* the destination answered */
	VR_UNREACHABLE,		/* the last hop refused (ICMP unreachable) */
	VR_LOOP,		/* a routing loop */
	VR_CAPTURE_ENDED,	/* incomplete: the capture ends too soon */
	VR_HOP_LIMIT,		/* incomplete: probing stopped, the path answered */
	VR_AMBIGUOUS,		/* incomplete: later replies fit several probes */
	VR_UNPLACED,		/* no-data: replies to probes not in the capture */
};
#define VR_COUNT	(VR_UNPLACED + 1)

/* What a hop of the baseline was (the hop today's trace departs from). */
enum bkind {
	BK_NONE = 0,
	BK_ROUTER,		/* a router of depart_net */
	BK_PRIVATE,		/* a router in private space */
	BK_LAST_UPSTREAM,	/* depart_net's last router before the handoff */
	BK_BORDER,		/* the target's border router */
	BK_INSIDE,		/* a router inside the target */
	BK_DEST,		/* the destination */
	BK_NB_BORDER,		/* depart_net's border router, numbered from
				   depart_space's space (a border rule) */
};
#define BK_COUNT	(BK_NB_BORDER + 1)

/* Facts of a verdict that its sentence needs and the trace does not say. */
#define VF_NO_DST	0x01	/* the destination is not known (pasted text) */
#define VF_AMB_DST	0x02	/* reached, but no probe can be told from the
				   destination's answers */
#define VF_PUBLISHED	0x04	/* the last hop is a published last hop of the
				   upstream before the target: the handoff */

/* A network named by a verdict: "" when the AS data has no name. */
struct vnet {
	uint32_t	 asn;		/* 0: unknown */
	char		 name[128];	/* organisation, else AS name */
};

/* A router named as evidence. */
struct vhop {
	uint8_t		 ttl;
	uint8_t		 role;		/* enum role, in its trace */
	uint32_t	 addr;
	uint32_t	 asn;
};

#define V_LOOP_MAX	4	/* routers of a loop kept as evidence */

/*
 * A verdict is data: what happened, where, why, and the evidence.  The
 * sentences are composed from it (and from the trace and its analysis) by
 * verdict_text.h, in one place, for every writer.
 */
struct verdict {
	enum outcome	 outcome;
	enum where	 where;		/* WH_NONE: reached, or undecided */
	enum where	 cand[2];	/* undecided: the two places it could be */
	enum vreason	 reason;
	uint8_t		 flags;		/* VF_* */
	uint8_t		 unreach_code;	/* reason VR_UNREACHABLE: the ICMP code */
	int		 rate_limited;	/* the last hop answered only some probes */
	int		 has_last;	/* a hop answered: the last one */
	uint8_t		 last_ttl;
	uint32_t	 last_addr;
	struct vnet	 target;	/* the target network */
	struct vnet	 net;		/* where it died: the transit carrier, the
					   upstream or the target (asn 0: not
					   known, or not died) */
	/* With a baseline: the first of its hops that today departs from. */
	int		 used_baseline;
	uint8_t		 depart_ttl;	/* 0: none departs */
	uint8_t		 depart_kind;	/* enum bkind */
	uint32_t	 depart_addr;
	struct vnet	 depart_net;	/* the network of that router */
	struct vnet	 depart_space;	/* BK_NB_BORDER: whose space numbers it */
	/* Reason VR_LOOP: the routers of the loop, from loop_from on. */
	uint8_t		 loop_from, loop_to;	/* TTLs of the loop's hops */
	uint8_t		 nloop;		/* routers in loop[] */
	uint8_t		 loop_more;	/* further routers of the loop */
	struct vhop	 loop[V_LOOP_MAX];
};

/* How the handoff from the upstream into the target was found. */
enum ho_rule {
	HO_NONE = 0,
	HO_FIRST_TARGET_HOP,	/* no upstream hop answered before the target */
	HO_UPSTREAM_NUMBERED,	/* the target's border answers from upstream
				   space ("upstream-numbered-border") */
	HO_ADJACENT,		/* the upstream's last hop, then the target's */
	HO_ACROSS_SILENT,	/* silent hops between them */
};
#define HO_COUNT	(HO_ACROSS_SILENT + 1)

/*
 * How a border between two networks on the path was placed.  Providers
 * number the links to their customers from their own space, so a border
 * router often answers with its neighbour's address: "neighbour-numbered"
 * says hop to_ttl answers from from_asn's space but is to_asn's border
 * router, because the hop after it is already inside to_asn.
 */
enum border_rule {
	BR_ADJACENT = 0,	/* from_asn's last hop, then to_asn's first */
	BR_NEIGHBOUR_NUMBERED,
	BR_ACROSS_SILENT,	/* silent hops between them */
	BR_ACROSS_UNMAPPED,	/* hops without AS data between them */
};
#define BR_COUNT	(BR_ACROSS_UNMAPPED + 1)

#define AN_MAX_BORDERS	16	/* borders kept per trace; more are counted */

/* One step from a network into the next along the path. */
struct border {
	uint8_t		 from_ttl;	/* from_asn's last hop (0: unseen) */
	uint8_t		 to_ttl;	/* to_asn's first hop */
	uint8_t		 rule;		/* enum border_rule */
	uint8_t		 handoff;	/* the upstream-to-target step */
	uint32_t	 from_addr, to_addr;
	uint32_t	 from_asn, to_asn;	/* the networks; to_addr may be
						   numbered from from_asn */
};

struct analysis {
	uint32_t	 target_asn;
	int		 target_nk;	/* the destination is inside North Korea */
	uint32_t	 upstreams[AN_MAX_UPSTREAMS];
	size_t		 nupstreams;
	const char	*upstream_source;	/* "bgp", "embedded", "trace" */
	/*
	 * The AS data that judged the trace, in load order (the map's
	 * layers, or a saved result's "as_data"): one block of its own,
	 * strings included (analysis_set_asdata()); NULL when not known.
	 */
	struct asmap_layer *asdata;
	size_t		 nasdata;

	struct annot	*annots;	/* one per responding address, by addr */
	size_t		 nannots;
	/*
	 * analyze_trace() keeps the annots' as_name, org and note strings in
	 * this one block; NULL when each is allocated on its own (jsonin).
	 * analysis_free() frees either way.
	 */
	char		*strings;
	/*
	 * analyze_trace()'s own (NULL elsewhere): the annotation of each hop's
	 * first responder, NULL for a silent hop, one per hop of the trace.
	 */
	const struct annot **hopa;

	int		 has_handoff;
	uint8_t		 ho_up_ttl, ho_in_ttl;	/* 0 when that side is unseen */
	uint32_t	 ho_up_addr, ho_in_addr;
	enum ho_rule	 ho_rule;	/* the heuristic that decided */

	struct border	 borders[AN_MAX_BORDERS];	/* in path order */
	size_t		 nborders;
	size_t		 borders_more;	/* borders past AN_MAX_BORDERS */

	struct verdict	 v;
};

/*
 * Reverse DNS for the analysis, supplied by the caller (the library does
 * no network I/O itself): fill buf with addr's name and return 0, or -1.
 */
typedef int (*analysis_resolve_fn)(void *arg, uint32_t addr, char *buf,
    size_t buflen);

/*
 * A run's memory of what the AS data and reverse DNS said of the addresses
 * already annotated (bounded: a later address may take an earlier one's
 * place).  One cache goes with one map, left unchanged while the cache
 * lives, and one resolve setting; one thread at a time may use it.
 */
struct annot_cache;

struct annot_cache *annot_cache_new(void);	/* NULL: out of memory */
void annot_cache_free(struct annot_cache *c);

struct analysis_opts {
	const struct asmap	*map;
	const struct trace	*baseline;	/* healthy trace, or NULL */
	/*
	 * The baseline's analysis (analyze_baseline()), made once per run by
	 * the caller; NULL with a baseline: analysed here, for each trace.
	 */
	const struct analysis	*baseline_an;
	analysis_resolve_fn	 resolve;	/* NULL: no names */
	void			*resolve_arg;
	struct annot_cache	*cache;		/* NULL: look every address up */
};

/*
 * Analyse t against the AS data (and a healthy baseline trace to the same
 * target); the result is attached as t->an.  A hostname hint (a name under
 * .transtelecom.net, .ip.rostelecom.ru, .kp) fills in what the AS data
 * lacks.  -1 with err on allocation failure only.
 */
int analyze_trace(struct trace *t, const struct analysis_opts *o, char *err,
    size_t errlen);

/*
 * Analyse a baseline trace once, for every trace compared with it
 * (analysis_opts.baseline_an); o->baseline is ignored.  NULL with err on
 * allocation failure.  Free with analysis_free().
 */
struct analysis *analyze_baseline(const struct trace *b,
    const struct analysis_opts *o, char *err, size_t errlen);

void analysis_free(struct analysis *an);

/* Copy n layers (strings too) into an->asdata; 0, or -1 out of memory. */
int analysis_set_asdata(struct analysis *an, const struct asmap_layer *l,
    size_t n);

/* The annotation of an address of t, or NULL. */
const struct annot *analysis_annot(const struct analysis *an, uint32_t addr);

/* The annotation of hop h's first responder in t (an is t's analysis);
 * NULL for a silent hop or without an analysis. */
const struct annot *analysis_hop(const struct analysis *an,
    const struct trace *t, size_t h);

/* The border of t's analysis that hop ttl is the first hop of, or NULL. */
const struct border *analysis_border_at(const struct analysis *an,
    uint8_t ttl);

/* A network's name from the annotations of an (for readers of saved
 * results): the organisation, else the AS name, of an address in asn. */
void analysis_vnet(const struct analysis *an, uint32_t asn, struct vnet *out);

/* Names of the enums as the JSON output spells them (lasthop(1)). */
const char *role_name(enum role r);
const char *outcome_name(enum outcome o);
const char *where_name(enum where w);		/* NULL for WH_NONE */
const char *reason_name(enum vreason r);	/* "silent", "capture ended" */
const char *bkind_name(enum bkind k);		/* NULL for BK_NONE */
const char *ho_rule_name(enum ho_rule r);	/* NULL for HO_NONE */
const char *border_rule_name(enum border_rule r);

#endif
