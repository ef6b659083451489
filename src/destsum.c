/*
 * destsum.c: one combined verdict per (source, destination), counted while
 * the traces stream (destsum.h).
 */
#include <stdlib.h>
#include <string.h>

#include "destsum.h"
#include "lh.h"

struct destsum {
	struct dest_entry	*e;	/* in the order first seen */
	size_t			 n, cap;
	uint32_t		*slot;	/* open addressing: entry index + 1, 0 free */
	size_t			 nslots;	/* a power of two, > 2 n */
};

struct destsum *
destsum_new(void)
{
	return calloc(1, sizeof(struct destsum));
}

void
destsum_free(struct destsum *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->e[i].ranges);
	free(d->e);
	free(d->slot);
	free(d);
}

static size_t
slot_of(uint32_t src, uint32_t dst, size_t nslots)
{
	return (size_t)lh_mix64((uint64_t)src << 32 | dst) & (nslots - 1);
}

static int
rehash(struct destsum *d)
{
	size_t ns = d->nslots ? d->nslots * 2 : 64, i, s;
	uint32_t *sl = calloc(ns, sizeof(*sl));

	if (sl == NULL)
		return -1;
	for (i = 0; i < d->n; i++) {
		s = slot_of(d->e[i].src, d->e[i].dst, ns);
		while (sl[s] != 0)
			s = (s + 1) & (ns - 1);
		sl[s] = (uint32_t)i + 1;
	}
	free(d->slot);
	d->slot = sl;
	d->nslots = ns;
	return 0;
}

/* The entry of (src, dst), added when new; NULL when out of memory. */
static struct dest_entry *
entry(struct destsum *d, uint32_t src, uint32_t dst)
{
	struct dest_entry *e;
	size_t s;

	if ((d->n + 1) * 2 > d->nslots && rehash(d) != 0)
		return NULL;
	s = slot_of(src, dst, d->nslots);
	while (d->slot[s] != 0) {
		e = &d->e[d->slot[s] - 1];
		if (e->src == src && e->dst == dst)
			return e;
		s = (s + 1) & (d->nslots - 1);
	}
	if (d->n == UINT32_MAX - 1)
		return NULL;
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 16;
		struct dest_entry *ne = realloc(d->e, nc * sizeof(*ne));

		if (ne == NULL)
			return NULL;
		d->e = ne;
		d->cap = nc;
	}
	e = &d->e[d->n];
	memset(e, 0, sizeof(*e));
	e->src = src;
	e->dst = dst;
	d->slot[s] = (uint32_t)++d->n;
	return e;
}

static int
add_index(struct dest_entry *e, uint32_t i)
{
	if (e->nranges > 0 && e->ranges[e->nranges - 1][1] + 1 == i) {
		e->ranges[e->nranges - 1][1] = i;
		return 0;
	}
	if (e->nranges == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 2;
		uint32_t (*nr)[2] = realloc(e->ranges, nc * sizeof(*nr));

		if (nr == NULL)
			return -1;
		e->ranges = nr;
		e->cap = nc;
	}
	e->ranges[e->nranges][0] = e->ranges[e->nranges][1] = i;
	e->nranges++;
	return 0;
}

int
destsum_add(struct destsum *d, size_t index, const struct trace *t)
{
	struct dest_entry *e;
	const struct verdict *v;

	if (index >= UINT32_MAX || (e = entry(d, t->src, t->dst)) == NULL ||
	    add_index(e, (uint32_t)index) != 0)
		return -1;
	e->ntraces++;
	if (t->an == NULL)
		return 0;
	v = &t->an->v;
	e->nverdicts++;
	switch (v->outcome) {
	case OUT_REACHED:
		e->reached++;
		break;
	case OUT_DIED:
		e->died++;
		if ((unsigned)v->where <= WH_TARGET)
			e->died_at[v->where]++;
		if (v->where != WH_NONE)
			break;
		if (e->died_at[WH_NONE] == 1) {
			e->cand[0] = v->cand[0];
			e->cand[1] = v->cand[1];
		} else if (e->cand[0] != v->cand[0] || e->cand[1] != v->cand[1])
			e->cand_mixed = 1;
		break;
	case OUT_INCOMPLETE:
		e->incomplete++;
		break;
	default:
		e->nodata++;
		break;
	}
	return 0;
}

size_t
destsum_count(const struct destsum *d)
{
	return d->n;
}

const struct dest_entry *
destsum_get(const struct destsum *d, size_t i)
{
	return i < d->n ? &d->e[i] : NULL;
}

int
destsum_verdict(const struct dest_entry *e, struct dest_verdict *out)
{
	size_t w, places = 0;
	enum where one = WH_NONE;

	memset(out, 0, sizeof(*out));
	if (e->nverdicts == 0)
		return -1;
	out->ntraces = e->nverdicts;
	out->reached = e->reached;
	out->died = e->died;
	out->incomplete = e->incomplete;
	out->nodata = e->nodata;
	memcpy(out->died_at, e->died_at, sizeof(out->died_at));
	for (w = 0; w <= WH_TARGET; w++)
		if (e->died_at[w] > 0) {
			places++;
			one = (enum where)w;
		}
	if (e->died_at[WH_NONE] > 0 && e->cand_mixed)
		places++;	/* undecided between different places */
	if (e->reached > 0)
		out->outcome = OUT_REACHED;
	else if (e->died > 0)
		out->outcome = OUT_DIED;
	else if (e->incomplete > 0)
		out->outcome = OUT_INCOMPLETE;
	else
		out->outcome = OUT_NODATA;
	if (out->outcome == OUT_DIED && places == 1) {
		out->where = one;
		if (one == WH_NONE) {
			out->cand[0] = e->cand[0];
			out->cand[1] = e->cand[1];
		}
	}
	out->agree = e->reached == e->nverdicts ||
	    e->incomplete == e->nverdicts || e->nodata == e->nverdicts ||
	    (e->died == e->nverdicts && places == 1);
	return 0;
}
