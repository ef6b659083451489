/*
 * destsum.h: one verdict per destination.  The traces of one measurement
 * to one destination (the flows of Dublin traceroute, several Paris flows,
 * mtr's rounds, the flows of a load-balanced path) also get one combined
 * verdict: reached when any trace reached the destination; otherwise died
 * (where the traces died, and whether they agree), incomplete or no-data.
 * A flow that lost the destination's answer to rate limiting while another
 * reached it does not make the destination "died".
 *
 * The summary is kept while traces stream: one small record per (source,
 * destination) with counters and the traces' indices as ranges, so memory
 * grows with the destinations, not with the traces' hops or probes.
 */
#ifndef LH_DESTSUM_H
#define LH_DESTSUM_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "model.h"

/* The combined verdict of a destination. */
struct dest_verdict {
	enum outcome	 outcome;
	enum where	 where;		/* died: the place all died traces share
					   (WH_NONE: they disagree, or undecided) */
	enum where	 cand[2];	/* died undecided, all between these two */
	int		 agree;		/* every trace ended alike: the same
					   outcome and, when died, the same place */
	uint32_t	 ntraces;	/* traces with a verdict */
	uint32_t	 reached, died, incomplete, nodata;
	uint32_t	 died_at[WH_TARGET + 1];	/* died traces by where;
							   [WH_NONE]: undecided */
};

/* One destination: its traces and their verdicts, counted. */
struct dest_entry {
	uint32_t	 src, dst;
	uint32_t	 ntraces;	/* every trace, with or without a verdict */
	uint32_t	(*ranges)[2];	/* trace indices: [first, last], rising */
	size_t		 nranges, cap;
	/* counters of the traces with a verdict */
	uint32_t	 nverdicts, reached, died, incomplete, nodata;
	uint32_t	 died_at[WH_TARGET + 1];
	enum where	 cand[2];	/* the first undecided trace's candidates */
	int		 cand_mixed;	/* later undecided ones named others */
};

struct destsum;

struct destsum *destsum_new(void);		/* NULL: out of memory */

/* Count trace t, the index-th of the run (0-based, rising); -1 when out
 * of memory or past 2^32 traces. */
int destsum_add(struct destsum *d, size_t index, const struct trace *t);

/* Destinations in the order they were first seen. */
size_t destsum_count(const struct destsum *d);
const struct dest_entry *destsum_get(const struct destsum *d, size_t i);

/* e's combined verdict; 0, or -1 when none of its traces has a verdict. */
int destsum_verdict(const struct dest_entry *e, struct dest_verdict *out);

void destsum_free(struct destsum *d);

#endif /* LH_DESTSUM_H */
