/* infer.c: TTLs of probes missing from a capture, from their replies. */
#include <stdlib.h>
#include <string.h>

#include "infer.h"

#define MAX_Q		8	/* probes per TTL a counter reading tries */
#define MAX_SPAN	4096	/* a counter spanning more is no counter */
#define MAX_TTL		64	/* farther TTLs are no reading of ours */
#define MIN_ORDERED	3	/* replies a counter reading needs */

const char *
infer_rule_name(enum infer_rule rule)
{
	switch (rule) {
	case INFER_OWN:		return "own";
	case INFER_COUNTER:	return "counter";
	case INFER_ROUNDS:	return "rounds";
	default:		return "none";
	}
}

/* Routers and their TTLs, sorted: check() compares neighbours only. */
struct rt {
	uint32_t	from;
	uint8_t		ttl;
};

static int
cmp_rt(const void *a, const void *b)
{
	const struct rt *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (int)x->ttl - (int)y->ttl;
}

/*
 * Whether an assignment of TTLs is borne out by the replies: no router
 * answers at two TTLs that are not neighbours, the destination answers
 * nowhere below a router.  Routers sharing a TTL are allowed (load
 * balancing) but cost the score.  -1 when refuted, else the score.
 * O(n log n): a hostile capture may hold many replies in one flow.
 */
static long
check(const struct infer_reply *r, size_t n, const uint8_t *ttl)
{
	uint8_t seen[MAX_TTL + 1], hi_router = 0, lo_dst = 0xff;
	uint32_t who[MAX_TTL + 1];
	size_t i, first, nr = 0, placed = 0, shared = 0;
	struct rt *v;
	long score = -1;

	memset(seen, 0, sizeof(seen));
	memset(who, 0, sizeof(who));
	if ((v = malloc((n ? n : 1) * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (ttl[i] == 0)
			continue;
		if (ttl[i] > MAX_TTL)
			goto out;
		placed++;
		if (r[i].is_dst) {
			if (ttl[i] < lo_dst)
				lo_dst = ttl[i];
			continue;
		}
		if (ttl[i] > hi_router)
			hi_router = ttl[i];
		if (!seen[ttl[i]]) {
			seen[ttl[i]] = 1;
			who[ttl[i]] = r[i].from;
		} else if (who[ttl[i]] != r[i].from)
			shared++;
		v[nr].from = r[i].from;
		v[nr++].ttl = ttl[i];
	}
	if (placed == 0 || (lo_dst != 0xff && lo_dst <= hi_router))
		goto out;
	/* A router at two TTLs more than one apart: the reading is wrong. */
	qsort(v, nr, sizeof(*v), cmp_rt);
	for (i = 1, first = 0; i < nr; i++) {
		if (v[i].from != v[first].from)
			first = i;	/* a router's lowest TTL */
		else if (v[i].ttl > v[first].ttl + 1)
			goto out;
	}
	score = (long)placed * 4 - (long)shared * 3;
out:
	free(v);
	return score;
}

/* The hop distance a reply's own IP TTL suggests, or 0. */
static int
distance(uint8_t rttl)
{
	static const int init[] = { 64, 128, 255 };
	size_t k;

	for (k = 0; k < sizeof(init) / sizeof(init[0]); k++)
		if (rttl <= init[k])
			return init[k] - rttl + 1;
	return 0;
}

/*
 * The offset that the replies' own IP TTLs put on relative TTLs rel[]
 * (absolute = rel + offset): the most common estimate, if at least 60 %
 * of the routers agree on it; -1 otherwise.
 */
static int
ttl_anchor(const struct infer_reply *r, size_t n, const int *rel)
{
	int votes[MAX_TTL + 1], best = -1, d, k;
	size_t i, routers = 0;

	memset(votes, 0, sizeof(votes));
	for (i = 0; i < n; i++) {
		if (r[i].is_dst || rel[i] < 1)
			continue;
		routers++;
		d = distance(r[i].rttl);
		k = d - rel[i];
		if (d > 0 && k >= 0 && k <= MAX_TTL)
			votes[k]++;
	}
	for (k = 0; k <= MAX_TTL; k++)
		if (votes[k] > 0 && (best < 0 || votes[k] > votes[best]))
			best = k;
	if (best < 0 || (size_t)votes[best] * 10 < routers * 6)
		return -1;
	return best;
}

static void
set_ttls(const int *rel, size_t n, int offset, uint8_t *ttl)
{
	size_t i;
	int t;

	for (i = 0; i < n; i++) {
		t = rel[i] + offset;
		ttl[i] = t >= 1 && t <= MAX_TTL ? (uint8_t)t : 0;
	}
}

/* lasthop's own fields: the TTL outright. */
static long
try_own(const struct infer_reply *r, size_t n, uint8_t *ttl)
{
	size_t i, own = 0;
	uint8_t first = 0;
	int distinct = 0;

	for (i = 0; i < n; i++) {
		if (r[i].own_ttl == 0 || r[i].own_ttl > MAX_TTL)
			return -1;
		own += r[i].own;
		if (first == 0)
			first = r[i].own_ttl;
		else if (r[i].own_ttl != first)
			distinct = 1;
		ttl[i] = r[i].own_ttl;
	}
	/*
	 * The fields must look the part, payload magic or not (anyone can
	 * write "lhop" into a forged quote): several replies, several TTLs.
	 */
	(void)own;
	if (!distinct || n < MIN_ORDERED)
		return -1;
	return check(r, n, ttl);
}

/* The smallest and largest value of counter f. */
static int
span(const struct infer_reply *r, size_t n, int f, uint32_t *vmin,
    uint32_t *vmax)
{
	size_t i;

	*vmin = UINT32_MAX;
	*vmax = 0;
	for (i = 0; i < n; i++) {
		if (r[i].ncounters <= f)
			return -1;
		if (r[i].counter[f] < *vmin)
			*vmin = r[i].counter[f];
		if (r[i].counter[f] > *vmax)
			*vmax = r[i].counter[f];
	}
	return *vmax > *vmin && *vmax - *vmin <= MAX_SPAN ? 0 : -1;
}

/*
 * Counter f, q probes per TTL: the grouping the replies bear out best,
 * anchored by a known first value or by the replies' IP TTLs.
 */
static long
try_counter(const struct infer_reply *r, size_t n, int f,
    const struct infer_bases *b, uint8_t *ttl, struct infer_result *res)
{
	uint32_t vmin, vmax;
	long score, best = -1;
	unsigned q, o;
	size_t i, k;
	int *rel, offset;
	uint8_t *tmp;

	if (span(r, n, f, &vmin, &vmax) != 0)
		return -1;
	rel = malloc(n * sizeof(*rel));
	tmp = malloc(n);
	if (rel == NULL || tmp == NULL) {
		free(rel);
		free(tmp);
		return -1;
	}
	for (q = 1; q <= MAX_Q; q++) {
		for (o = 0; o < q; o++) {
			/* Group boundaries fall at vmin - o + k q. */
			for (i = 0; i < n; i++)
				rel[i] = (int)((r[i].counter[f] - vmin + o) / q) + 1;
			offset = -1;
			/* A known first value aligned with these groups. */
			for (k = 0; b != NULL && k < b->n; k++) {
				uint32_t first = b->v[k];

				if (first > vmin || (vmin - first) % q != o % q ||
				    (vmin - first) / q > MAX_TTL)
					continue;
				offset = (int)((vmin - o - first) / q);
				break;
			}
			if (offset >= 0) {
				set_ttls(rel, n, offset, tmp);
				score = check(r, n, tmp);
				if (score >= 0)
					score += 2;	/* the tool's own numbering */
			} else {
				for (i = 0; i < n; i++)
					tmp[i] = rel[i] <= MAX_TTL ?
					    (uint8_t)rel[i] : 0;
				if (check(r, n, tmp) < 0 ||
				    (offset = ttl_anchor(r, n, rel)) < 0)
					continue;
				set_ttls(rel, n, offset, tmp);
				score = check(r, n, tmp);
			}
			if (score > best) {
				best = score;
				memcpy(ttl, tmp, n);
				res->q = q;
				res->base = (uint32_t)((int64_t)vmin - o -
				    (int64_t)offset * q);
				res->anchor = k < (b != NULL ? b->n : 0) ? "tool" :
				    "reply-ttl";
			}
		}
	}
	free(rel);
	free(tmp);
	return best;
}

/*
 * qsort() takes no context: the replies and the counter being sorted by.
 * Only infer_ttls() sets them, one call at a time per thread.
 */
static _Thread_local const struct infer_reply *sort_r;
static _Thread_local int sort_f;

static int
cmp_ord(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint32_t vx = sort_r[x].counter[sort_f], vy = sort_r[y].counter[sort_f];

	if (vx != vy)
		return vx < vy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * mtr: one probe per TTL per round, the counter running on across rounds;
 * a round ends with the destination's answers, and the next starts at
 * TTL 1 with the counter's next value.
 */
static long
try_rounds(const struct infer_reply *r, size_t n, int f,
    const struct infer_bases *b, uint8_t *ttl, struct infer_result *res)
{
	size_t *ord = NULL, i, k;
	uint32_t vmin, vmax, start;
	int *rel = NULL, *round = NULL, offset = -1, nr = 0, t;
	long score = -1;

	if (span(r, n, f, &vmin, &vmax) != 0)
		return -1;
	ord = malloc(n * sizeof(*ord));
	rel = malloc(n * sizeof(*rel));
	round = malloc(n * sizeof(*round));
	if (ord == NULL || rel == NULL || round == NULL)
		goto out;
	/* The replies in counter order (equal values: as they came). */
	sort_r = r;
	sort_f = f;
	for (i = 0; i < n; i++)
		ord[i] = i;
	qsort(ord, n, sizeof(*ord), cmp_ord);
	/* Rounds: a router's answer after the destination's opens one. */
	start = vmin;
	for (k = 0; k < n; k++) {
		i = ord[k];
		if (k > 0 && !r[i].is_dst && r[ord[k - 1]].is_dst) {
			start = r[ord[k - 1]].counter[f] + 1;
			nr++;
		}
		round[i] = nr;
		rel[i] = (int)(r[i].counter[f] - start) + 1;
	}
	if (nr == 0)
		goto out;	/* one round is a counter with q = 1 */
	/* Only the first round may start past TTL 1 (its first hops silent). */
	for (k = 0; b != NULL && k < b->n; k++)
		if (b->v[k] <= vmin && vmin - b->v[k] < MAX_TTL) {
			offset = (int)(vmin - b->v[k]);
			res->anchor = "tool";
			break;
		}
	if (offset < 0) {
		for (i = 0; i < n; i++)
			if (round[i] != 0)
				rel[i] = -1;	/* the anchor reads round 0 */
		offset = ttl_anchor(r, n, rel);
		res->anchor = "reply-ttl";
		for (k = 0, start = vmin; k < n; k++) {
			i = ord[k];
			if (k > 0 && !r[i].is_dst && r[ord[k - 1]].is_dst)
				start = r[ord[k - 1]].counter[f] + 1;
			rel[i] = (int)(r[i].counter[f] - start) + 1;
		}
	}
	if (offset < 0)
		goto out;
	for (i = 0; i < n; i++) {
		t = rel[i] + (round[i] == 0 ? offset : 0);
		ttl[i] = t >= 1 && t <= MAX_TTL ? (uint8_t)t : 0;
	}
	res->base = vmin - (uint32_t)offset;
	score = check(r, n, ttl);
out:
	free(ord);
	free(rel);
	free(round);
	return score;
}

size_t
infer_ttls(const struct infer_reply *r, size_t n,
    const struct infer_bases bases[INFER_COUNTERS], uint8_t *ttl,
    struct infer_result *res)
{
	static const struct {
		long (*fn)(const struct infer_reply *, size_t, int,
		    const struct infer_bases *, uint8_t *,
		    struct infer_result *);
		enum infer_rule rule;
	} readings[] = {
		{ try_counter, INFER_COUNTER },
		{ try_rounds, INFER_ROUNDS },
	};
	struct infer_result cand;
	uint8_t *tmp;
	long score, best = -1;
	size_t i, k, placed = 0;
	int f;

	memset(res, 0, sizeof(*res));
	memset(ttl, 0, n);
	res->anchor = "";
	if (n == 0 || (tmp = malloc(n)) == NULL)
		return 0;
	if (try_own(r, n, tmp) >= 0) {
		memcpy(ttl, tmp, n);
		res->rule = INFER_OWN;
		res->anchor = "own";
		goto done;
	}
	/* Two replies can fit an order by chance (two forgeries, say). */
	if (n < MIN_ORDERED)
		goto done;
	/* A counter with q probes per TTL first; mtr's rounds only then. */
	for (k = 0; k < 2 && best < 0; k++)
		for (f = 0; f < INFER_COUNTERS; f++) {
			memset(&cand, 0, sizeof(cand));
			score = readings[k].fn(r, n, f, &bases[f], tmp, &cand);
			if (score > best) {
				best = score;
				*res = cand;
				res->rule = readings[k].rule;
				res->field = f;
				memcpy(ttl, tmp, n);
			}
		}
	if (best < 0) {
		memset(ttl, 0, n);
		memset(res, 0, sizeof(*res));
		res->anchor = "";
	}
done:
	free(tmp);
	for (i = 0; i < n; i++)
		placed += ttl[i] != 0;
	return placed;
}
