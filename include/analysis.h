/*
 * analysis.h: where traffic dies.  Annotates every responding address with
 * its network, finds the target network and its upstream, locates the
 * handoff between them on the path, and gives every trace a verdict with
 * its evidence.  Reads the path model and the AS data; writes nothing.
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

struct verdict {
	enum outcome	 outcome;
	enum where	 where;		/* WH_NONE: reached, or undecided */
	enum where	 cand[2];	/* undecided: the two places it could be */
	int		 has_last;
	uint8_t		 last_ttl;
	uint32_t	 last_addr;
	const char	*reason;	/* silent, unreachable, loop, capture ended,
					   hop limit, ... */
	uint8_t		 unreach_code;	/* reason "unreachable" */
	int		 rate_limited;	/* the last hop answered only some probes */
	int		 used_baseline;
	uint8_t		 depart_ttl;	/* baseline: first hop that differs */
	char		 detail[512];	/* one human sentence (or two) */
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
	const char	*ho_rule;	/* the heuristic that decided */
	char		 ho_detail[256];

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

const char *role_name(enum role r);
const char *outcome_name(enum outcome o);
const char *where_name(enum where w);

#endif
