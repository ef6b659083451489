/*
 * engine.c: probe recognition, reply matching and trace assembly.
 *
 * The engine knows no protocol: each packet's probe module (probe.h) says
 * whether it is a probe, which session it belongs to, which of its first
 * transport bytes identify it and which corroborate, and whether it
 * answers a probe.  Pending probes sit in hash indexes for a window of
 * capture time: "exact" keyed by flow, session, IP ID and the first 8
 * transport bytes (what RFC 792 makes every router quote), "key" by flow,
 * session and the module's 4 key bytes (ports, or echo identifier and
 * sequence), and "frag" by flow and IP ID for fragmented probes.  A quote
 * whose identifying bytes fit a probe matches it; where several probes
 * share those bytes (a Paris flow), the corroborating fields (IP ID,
 * checksum, length, the other bytes) rank them, and what they show
 * rewritten is recorded, not held against the match.  Probes that stay
 * tied are told apart by timing only when that cannot move a reply to
 * another TTL; otherwise the reply is ambiguous and attached to none.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "infer.h"
#include "lh.h"
#include "probe.h"
#include "proto.h"

#define NOISE_PROBES	32	/* single-TTL flows this long are not traceroutes */
#define PROMOTE_TTL_MAX	30	/* a matched reply to a probe this low promotes */
#define MAX_FLOWS_SPLIT	256	/* Paris multi-flow traces split at most this many */
/* A trace idle this long that probes its first TTL again starts anew. */
#define RESTART_GAP_NS	(2LL * 1000000000)

struct session;

struct pnode {
	struct pnode	*next;
	uint64_t	 h;
	struct session	*s;
	uint32_t	 idx;		/* probe index in s->probes */
	int32_t		 prev;		/* the index's own: see set_prev() */
};

struct session {
	struct session	*hnext;			/* session hash chain */
	struct session	*lru_prev, *lru_next;	/* by last activity */
	uint32_t	 src, dst;
	uint8_t		 proto;
	uint16_t	 sid;			/* the module's session id */
	const struct probe_method *m;		/* the probes' module */
	struct probe	*probes;
	uint32_t	 n, cap;
	int64_t		 last_act;		/* engine clock at the last probe */
	uint8_t		 ttl0;			/* first TTL seen */
	uint8_t		 ttl_lo;		/* lowest TTL seen */
	uint8_t		 lo_answered;		/* a probe at ttl_lo was answered */
	uint8_t		 multi_ttl;		/* more than one TTL seen */
	uint8_t		 promoted, noise, in_lru;
	uint8_t		 retired;		/* out of the hash: takes no probes */
	uint8_t		 own;			/* holds lasthop's own probes */
	uint8_t		 shadowed;		/* reply-only, while probes of its
						   source, destination and protocol
						   were in the capture */
	struct flow3	*f3;			/* its source, destination, proto */
	uint8_t		 replyonly;		/* holds replies whose probes are
						   not (yet) in the capture */
	struct infer_result infer;		/* how their TTLs were found */
	uint64_t	 replies, dups, late, nat, orphans, ambiguous, dropped;
	uint64_t	 fragreps;
	uint32_t	 amb_from[TRACE_AMB_ADDRS];
	uint8_t		 namb_from, amb_dst;
};

/*
 * The sessions open for one source, destination and protocol, whatever
 * their session id: a reply-only session whose flow also has probes in
 * the capture (another ICMP identifier: a forger's, or a stray's) makes no
 * trace.
 */
struct flow3 {
	struct flow3	*next;
	uint32_t	 src, dst;
	uint8_t		 proto;
	uint8_t		 probed;	/* a session with probes is or was open */
	uint32_t	 nsess;
};

/*
 * The pending probes, oldest first, in blocks: each slot holds a probe's
 * two index nodes, so that a pending probe costs one slot (64 bytes, and
 * 4 for its send time) and no allocation of its own, and expiry walks
 * memory in order.  A block's send times are offsets from its first one:
 * a block ends early when one does not fit.  Emptied blocks are kept for
 * reuse.
 */
#define PEND_BLOCK	1024		/* slots a block (68 kB) */

struct pending {
	struct pnode	 ex, lo;	/* its nodes in the two indexes */
};

struct pblock {
	struct pblock	*next;
	int64_t		 t0;		/* engine clock at its first slot */
	size_t		 used;		/* slots filled */
	uint32_t	 dt[PEND_BLOCK];	/* send time - t0, ns */
	struct pending	 p[PEND_BLOCK];
};

/*
 * Probe arrays of 16 to 64 probes, the size of most traces, come from size
 * classes four probes apart, each a stack of free arrays, carved from
 * chunks: an array grows by 4 probes at a time (to spare memory), and
 * glibc's search of its large bins for each size was a tenth of a sweep's
 * replay.  Bigger arrays come from malloc().
 */
#define POOL_MIN	16
#define POOL_STEP	4
#define POOL_MAX	64
#define POOL_CLASSES	((POOL_MAX - POOL_MIN) / POOL_STEP + 1)
#define POOL_CHUNK	(256 * 1024)

struct pool_free {
	struct pool_free	*next;
};

struct pool_chunk {
	struct pool_chunk	*next;
	struct probe		 arrays[];
};

/*
 * Fragmented probes are rare: the pending ones sit in a small ring, the
 * oldest overwritten, searched one by one by their flow and IP ID (their
 * later fragments and the quotes of those carry no transport header).
 */
#define FRAG_SLOTS	256

struct fragslot {
	int64_t		 tx;
	struct session	*s;		/* valid while tx is within the window */
	uint32_t	 idx;
	uint32_t	 src, dst;
	uint16_t	 ipid;
	uint8_t		 proto, used;
};

struct index {
	struct pnode	**b;
	size_t		  mask;
	size_t		  count;
};

struct engine {
	struct engine_opts	 o;
	engine_emit_fn		 emit;
	void			*arg;
	struct engine_stats	 st;
	int64_t			 now;

	struct session		**sh;		/* session hash */
	size_t			  shmask, nsessions;
	struct session		 *last_s;	/* the last session_get() found */
	struct session		 *lru_head, *lru_tail;

	struct index		  ex, lo;

	struct pool_free	 *pfree[POOL_CLASSES];	/* probe arrays */
	struct pool_chunk	 *pchunks;
	char			 *pcur, *pend;	/* the newest chunk's rest */

	struct pblock		 *phead, *ptail;	/* pending probes */
	struct pblock		 *pspare;		/* emptied blocks */
	size_t			  phead_i, npending;	/* oldest: phead->p[phead_i] */

	struct fragslot		  frag[FRAG_SLOTS];
	unsigned		  nfrag;		/* slots written, ever */

	struct flow3		**f3;		/* flow3 hash (chained) */
	size_t			  f3mask, nf3;
};

/* ---- hashing ---- */

/* a - b saturated: a hostile capture can put any value in a timestamp. */
static int64_t
ts_sub(int64_t a, int64_t b)
{
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	return a - b;
}

static uint64_t
flow_hash(uint32_t src, uint32_t dst, uint8_t proto)
{
	return lh_mix64(((uint64_t)src << 32 | dst) ^ ((uint64_t)proto << 56));
}

/*
 * The key bytes enter the hashes as one load (host byte order: a hash
 * only has to agree with itself within the run).
 */
static uint64_t
exact_hash(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sid,
    uint16_t ipid, const uint8_t t8[8])
{
	uint64_t v;

	memcpy(&v, t8, sizeof(v));
	return lh_mix64(flow_hash(src, dst, proto) ^ ((uint64_t)ipid << 40) ^
	    ((uint64_t)sid << 20) ^ v);
}

static uint64_t
key_hash(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sid,
    const uint8_t key[4])
{
	uint32_t v;

	memcpy(&v, key, sizeof(v));
	return lh_mix64(flow_hash(src, dst, proto) ^ ((uint64_t)sid << 32) ^ v);
}

/* ---- indexes ---- */

static int
index_init(struct index *ix, size_t n)
{
	ix->b = calloc(n, sizeof(*ix->b));
	ix->mask = n - 1;
	ix->count = 0;
	return ix->b == NULL ? -1 : 0;
}

/*
 * Chains are singly linked through next (the matchers walk them); each
 * node also knows its predecessor, so that unlinking one costs the same
 * however long its chain (a Paris trace's probes share one key, and a
 * hostile capture can give thousands of probes one key): prev is the
 * offset in bytes from the node to the node before it, or 0 when the
 * bucket points at it, or when the offset does not fit (then the
 * predecessor is found from the bucket).
 */
static void
set_prev(struct pnode *n, const struct pnode *before)
{
	ptrdiff_t d;

	if (before == NULL) {
		n->prev = 0;
		return;
	}
	d = (const char *)before - (const char *)n;
	n->prev = d >= INT32_MIN && d <= INT32_MAX ? (int32_t)d : 0;
}

/* Put p at the head of chain *head. */
static void
chain_push(struct pnode **head, struct pnode *p)
{
	p->next = *head;
	p->prev = 0;
	if (p->next != NULL)
		set_prev(p->next, p);
	*head = p;
}

/*
 * Twice the buckets.  Every node of the index is in a pending slot (at
 * offset off: the slot's ex or lo), so the nodes are taken from the FIFO,
 * oldest first, in memory order rather than chain by chain, and each chain
 * comes out youngest first, as index_add() makes it.
 */
static int
index_grow(struct engine *e, struct index *ix, size_t off)
{
	size_t n = (ix->mask + 1) * 2, i, left = e->npending;
	struct pnode **nb, *p;
	struct pblock *b;

	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return -1;
	for (b = e->phead, i = e->phead_i; b != NULL && left > 0;
	    b = b->next, i = 0)
		for (; i < b->used && left > 0; i++, left--) {
			p = (struct pnode *)(void *)((char *)&b->p[i] + off);
			chain_push(&nb[p->h & (n - 1)], p);
		}
	free(ix->b);
	ix->b = nb;
	ix->mask = n - 1;
	return 0;
}

/*
 * Room for one more node: the index doubles past 1.5 nodes a bucket (its
 * buckets are a fair part of a large replay's memory).
 */
static int
index_room(struct engine *e, struct index *ix, size_t off)
{
	return ix->count > ix->mask + ix->mask / 2 ?
	    index_grow(e, ix, off) : 0;
}

/* Link p, a node of a pending slot, into ix (index_room() first). */
static void
index_add(struct index *ix, struct pnode *p, uint64_t h, struct session *s,
    uint32_t idx)
{
	p->h = h;
	p->s = s;
	p->idx = idx;
	chain_push(&ix->b[h & ix->mask], p);
	ix->count++;
}

static void
index_del(struct index *ix, struct pnode *n)
{
	struct pnode **pp = NULL, *before = NULL;

	if (n->prev != 0) {
		before = (struct pnode *)(void *)((char *)n + n->prev);
		if (before->next == n)
			pp = &before->next;
	}
	if (pp == NULL) {		/* first in its chain, or not known */
		before = NULL;
		pp = &ix->b[n->h & ix->mask];
		while (*pp != n) {
			before = *pp;
			pp = &(*pp)->next;
		}
	}
	*pp = n->next;
	if (n->next != NULL)
		set_prev(n->next, before);
	ix->count--;
}

/* ---- the pending FIFO ---- */

/* A new slot at the young end, sent at tx; NULL when out of memory. */
static struct pending *
pending_push(struct engine *e, int64_t tx)
{
	struct pblock *b = e->ptail;

	if (b == NULL || b->used == PEND_BLOCK || (b->used > 0 &&
	    (tx < b->t0 || (uint64_t)tx - (uint64_t)b->t0 > UINT32_MAX))) {
		if ((b = e->pspare) != NULL)
			e->pspare = b->next;
		else if ((b = malloc(sizeof(*b))) == NULL)
			return NULL;
		b->next = NULL;
		b->used = 0;
		if (e->ptail != NULL)
			e->ptail->next = b;
		else {
			e->phead = b;
			e->phead_i = 0;
		}
		e->ptail = b;
	}
	if (b->used == 0)
		b->t0 = tx;
	b->dt[b->used] = (uint32_t)((uint64_t)tx - (uint64_t)b->t0);
	e->npending++;
	return &b->p[b->used++];
}

/* The pending slot k places after the oldest, or NULL. */
static const struct pending *
pending_ahead(const struct engine *e, size_t k)
{
	const struct pblock *b = e->phead;
	size_t i = e->phead_i + k;

	if (k >= e->npending)
		return NULL;
	while (i >= b->used) {
		i -= b->used;
		b = b->next;
	}
	return &b->p[i];
}

/*
 * Unlinking a node writes its predecessor, 30 s of capture after it was
 * last touched: out of every cache on a large replay.  The FIFO says which
 * nodes go next, so their predecessors are fetched some slots ahead, and
 * the memory latencies overlap instead of adding up.
 */
#define EXPIRE_AHEAD	8

static void
prefetch_prev(const struct index *ix, const struct pnode *n)
{
	if (n->prev != 0)
		__builtin_prefetch((const char *)n + n->prev, 1);
	else
		__builtin_prefetch(&ix->b[n->h & ix->mask], 1);
}

/* Drop pending probes sent before limit (all of them if all is set). */
static void
expire(struct engine *e, int64_t limit, int all)
{
	const struct pending *ahead;
	struct pending *x;
	struct pblock *b;

	while (e->npending > 0) {
		b = e->phead;
		if (!all && b->t0 + (int64_t)b->dt[e->phead_i] > limit)
			break;
		if ((ahead = pending_ahead(e, EXPIRE_AHEAD)) != NULL) {
			prefetch_prev(&e->ex, &ahead->ex);
			prefetch_prev(&e->lo, &ahead->lo);
		}
		x = &b->p[e->phead_i];
		index_del(&e->ex, &x->ex);
		index_del(&e->lo, &x->lo);
		e->npending--;
		if (++e->phead_i < b->used)
			continue;
		e->phead_i = 0;
		if (b->next != NULL) {		/* to the spares */
			e->phead = b->next;
			b->next = e->pspare;
			e->pspare = b;
		} else				/* empty: start over */
			b->used = 0;
	}
}

static void
pblocks_free(struct pblock *b)
{
	struct pblock *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

/* ---- sessions ---- */

static uint64_t
session_hash(uint32_t src, uint32_t dst, uint8_t proto, uint16_t id)
{
	return lh_mix64(flow_hash(src, dst, proto) ^ id);
}

static void
lru_unlink(struct engine *e, struct session *s)
{
	if (!s->in_lru)
		return;
	if (s->lru_prev)
		s->lru_prev->lru_next = s->lru_next;
	else
		e->lru_head = s->lru_next;
	if (s->lru_next)
		s->lru_next->lru_prev = s->lru_prev;
	else
		e->lru_tail = s->lru_prev;
	s->lru_prev = s->lru_next = NULL;
	s->in_lru = 0;
}

static void
lru_append(struct engine *e, struct session *s)
{
	s->lru_prev = e->lru_tail;
	s->lru_next = NULL;
	if (e->lru_tail)
		e->lru_tail->lru_next = s;
	else
		e->lru_head = s;
	e->lru_tail = s;
	s->in_lru = 1;
}

static void
session_unhash(struct engine *e, struct session *s)
{
	struct session **pp;
	uint64_t h = session_hash(s->src, s->dst, s->proto, s->sid);

	if (e->last_s == s)
		e->last_s = NULL;
	for (pp = &e->sh[h & e->shmask]; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			e->nsessions--;
			return;
		}
	}
}

/* ---- probe arrays ---- */

/* Its class in the pool, or -1 for malloc(). */
static int
pool_class(uint32_t cap)
{
	if (cap < POOL_MIN || cap > POOL_MAX || (cap - POOL_MIN) % POOL_STEP)
		return -1;
	return (int)((cap - POOL_MIN) / POOL_STEP);
}

static struct probe *
probes_alloc(struct engine *e, uint32_t cap)
{
	int k = pool_class(cap);
	size_t size = (size_t)cap * sizeof(struct probe);
	struct pool_free *f;
	struct pool_chunk *c;
	char *p;

	if (k < 0)
		return malloc(size);
	if ((f = e->pfree[k]) != NULL) {
		e->pfree[k] = f->next;
		return (struct probe *)(void *)f;
	}
	if (e->pcur == NULL || (size_t)(e->pend - e->pcur) < size) {
		if ((c = malloc(POOL_CHUNK)) == NULL)
			return NULL;
		c->next = e->pchunks;
		e->pchunks = c;
		e->pcur = (char *)c->arrays;
		e->pend = (char *)c + POOL_CHUNK;
	}
	p = e->pcur;
	e->pcur += size;
	return (struct probe *)(void *)p;
}

static void
probes_free(struct engine *e, struct probe *a, uint32_t cap)
{
	int k = pool_class(cap);
	struct pool_free *f = (struct pool_free *)(void *)a;

	if (a == NULL)
		return;
	if (k < 0) {
		free(a);
		return;
	}
	f->next = e->pfree[k];
	e->pfree[k] = f;
}

/* a (cap probes, n of them used) moved to an array of ncap; NULL: none. */
static struct probe *
probes_grow(struct engine *e, struct probe *a, uint32_t n, uint32_t cap,
    uint32_t ncap)
{
	struct probe *na;

	if (pool_class(cap) < 0 && pool_class(ncap) < 0)
		return realloc(a, (size_t)ncap * sizeof(*a));
	if ((na = probes_alloc(e, ncap)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(na, a, (size_t)n * sizeof(*a));
	probes_free(e, a, cap);
	return na;
}

/* Room for one more probe in s; -1 when out of memory. */
static int
session_room(struct engine *e, struct session *s)
{
	struct probe *np;
	uint32_t ncap;

	if (s->n < s->cap)
		return 0;
	/* Most traces are short: 16, then 4 more up to 64, then half. */
	ncap = s->cap == 0 ? 16 : s->cap < 64 ? s->cap + 4 :
	    s->cap + s->cap / 2;
	if (ncap > e->o.max_probes)
		ncap = (uint32_t)e->o.max_probes;
	if ((np = probes_grow(e, s->probes, s->n, s->cap, ncap)) == NULL)
		return -1;
	s->probes = np;
	s->cap = ncap;
	return 0;
}

static void
pool_free_all(struct engine *e)
{
	struct pool_chunk *c, *next;

	for (c = e->pchunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

static void
session_free(struct engine *e, struct session *s)
{
	probes_free(e, s->probes, s->cap);
	free(s);
}

static struct session *
session_find(struct engine *e, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t id)
{
	struct session *s;
	uint64_t h = session_hash(src, dst, proto, id);

	for (s = e->sh[h & e->shmask]; s != NULL; s = s->hnext)
		if (s->src == src && s->dst == dst && s->proto == proto &&
		    s->sid == id)
			return s;
	return NULL;
}

static int
session_grow_hash(struct engine *e)
{
	size_t n = (e->shmask + 1) * 2, i;
	struct session **nh, *s, *next;

	nh = calloc(n, sizeof(*nh));
	if (nh == NULL)
		return -1;
	for (i = 0; i <= e->shmask; i++)
		for (s = e->sh[i]; s != NULL; s = next) {
			uint64_t h = session_hash(s->src, s->dst, s->proto,
			    s->sid);
			next = s->hnext;
			s->hnext = nh[h & (n - 1)];
			nh[h & (n - 1)] = s;
		}
	free(e->sh);
	e->sh = nh;
	e->shmask = n - 1;
	return 0;
}

/* The flow3 of a session's flow, added when absent; NULL: out of memory. */
static struct flow3 *
flow3_hold(struct engine *e, uint32_t src, uint32_t dst, uint8_t proto)
{
	uint64_t h = flow_hash(src, dst, proto);
	struct flow3 *f, **nb, *next;
	size_t i, n;

	for (f = e->f3[h & e->f3mask]; f != NULL; f = f->next)
		if (f->src == src && f->dst == dst && f->proto == proto) {
			f->nsess++;
			return f;
		}
	if (e->nf3 > e->f3mask) {
		n = (e->f3mask + 1) * 2;
		if ((nb = calloc(n, sizeof(*nb))) == NULL)
			return NULL;
		for (i = 0; i <= e->f3mask; i++)
			for (f = e->f3[i]; f != NULL; f = next) {
				next = f->next;
				h = flow_hash(f->src, f->dst, f->proto) & (n - 1);
				f->next = nb[h];
				nb[h] = f;
			}
		free(e->f3);
		e->f3 = nb;
		e->f3mask = n - 1;
		h = flow_hash(src, dst, proto);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->src = src;
	f->dst = dst;
	f->proto = proto;
	f->nsess = 1;
	f->next = e->f3[h & e->f3mask];
	e->f3[h & e->f3mask] = f;
	e->nf3++;
	return f;
}

/* A session closes: a reply-only one learns whether probes shadowed it. */
static void
flow3_release(struct engine *e, struct session *s)
{
	struct flow3 **pp, *f = s->f3;

	if (f == NULL)
		return;
	if (s->replyonly && f->probed)
		s->shadowed = 1;
	s->f3 = NULL;
	if (--f->nsess > 0)
		return;
	for (pp = &e->f3[flow_hash(f->src, f->dst, f->proto) & e->f3mask];
	    *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	e->nf3--;
	free(f);
}

/* A new session, hashed and at the recent end of the LRU list. */
static struct session *
session_new(struct engine *e, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t id, const struct probe_method *m)
{
	struct session *s;
	uint64_t h;

	if (e->nsessions > e->shmask && session_grow_hash(e) != 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->f3 = flow3_hold(e, src, dst, proto)) == NULL) {
		free(s);
		return NULL;
	}
	s->src = src;
	s->dst = dst;
	s->proto = proto;
	s->sid = id;
	s->m = m;
	h = session_hash(src, dst, proto, id);
	s->hnext = e->sh[h & e->shmask];
	e->sh[h & e->shmask] = s;
	e->nsessions++;
	lru_append(e, s);
	return s;
}

static struct session *
session_get(struct engine *e, const struct pkt *p, uint16_t id,
    const struct probe_method *m)
{
	struct session *s;

	/* A tool sends a trace's probes one after another: try the last. */
	s = e->last_s;
	if (s != NULL && s->src == p->ip.src && s->dst == p->ip.dst &&
	    s->proto == p->ip.proto && s->sid == id && !s->replyonly)
		return s;
	s = session_find(e, p->ip.src, p->ip.dst, p->ip.proto, id);
	if (s != NULL && s->replyonly) {
		/*
		 * Its replies came before its first probe (the capture
		 * started late): they stay unmatched, the probes from here
		 * on make the trace.
		 */
		s->orphans += s->n;
		s->n = 0;
		s->replyonly = 0;
		s->ttl0 = s->ttl_lo = p->ip.ttl;
		s->lo_answered = 0;
		s->f3->probed = 1;
		return e->last_s = s;
	}
	if (s == NULL) {
		if ((s = session_new(e, p->ip.src, p->ip.dst, p->ip.proto, id,
		    m)) == NULL)
			return NULL;
		s->ttl0 = s->ttl_lo = p->ip.ttl;
		s->f3->probed = 1;
	}
	return e->last_s = s;
}

/* s is a traceroute's: it makes a trace when it closes. */
static void
promote(struct engine *e, struct session *s)
{
	(void)e;
	s->promoted = 1;
}

/*
 * A traceroute run again to the same destination, with the same method
 * and identifier (a sweep, a repeated measurement), would add its probes
 * to the open session of the run before it: the session would stay open
 * while the runs go on, and the runs would come out as one trace.  So a
 * probe begins a new session when it goes back to the session's lowest
 * TTL, after higher ones, at which a probe was answered already, and the
 * session has sent nothing for RESTART_GAP_NS.  Tools that return to a
 * TTL within one run do not look like that: lasthop retries only TTLs that
 * no reply answered, and mtr's rounds follow each other within its
 * interval (1 s).
 */
static int
is_restart(const struct engine *e, const struct session *s,
    const struct pkt *p)
{
	return s->multi_ttl && p->ip.ttl == s->ttl_lo && s->lo_answered &&
	    ts_sub(e->now, s->last_act) >= RESTART_GAP_NS;
}

/*
 * s no longer takes probes: a later probe of its flow begins a new
 * session.  s stays in the LRU list, where it closes when its window has
 * passed, and its pending probes can still be answered until then.
 */
static void
session_retire(struct engine *e, struct session *s)
{
	session_unhash(e, s);
	s->retired = 1;
}

/* ---- probes ---- */

static int
add_probe(struct engine *e, const struct probe_method *m,
    const struct pkt *p, char *err, size_t errlen)
{
	struct session *s;
	struct probe *pr;
	struct pending *x;
	int sid = m->session_id(p->l4.t8, p->l4.t8len);

	if (sid < 0)
		return 0;	/* decode guarantees 8 bytes; defensive */
	e->st.probes++;
	s = session_get(e, p, (uint16_t)sid, m);
	if (s != NULL && is_restart(e, s, p)) {
		session_retire(e, s);
		s = session_get(e, p, (uint16_t)sid, m);
	}
	if (s == NULL)
		return lh_err(err, errlen, "out of memory");
	s->last_act = e->now;
	if (e->lru_tail != s) {		/* to the most recent end */
		lru_unlink(e, s);
		lru_append(e, s);
	}
	if (p->ip.ttl != s->ttl0)
		s->multi_ttl = 1;
	if (p->ip.ttl < s->ttl_lo) {
		s->ttl_lo = p->ip.ttl;
		s->lo_answered = 0;
	}
	if (s->multi_ttl)
		promote(e, s);
	if (!s->promoted && s->n >= NOISE_PROBES)
		s->noise = 1;
	if (s->noise)
		return 0;
	if (s->n >= e->o.max_probes) {
		s->dropped++;
		return 0;
	}
	if (session_room(e, s) != 0 ||
	    index_room(e, &e->ex, offsetof(struct pending, ex)) != 0 ||
	    index_room(e, &e->lo, offsetof(struct pending, lo)) != 0 ||
	    (x = pending_push(e, e->now)) == NULL)
		return lh_err(err, errlen, "out of memory");
	pr = &s->probes[s->n];
	memset(pr, 0, sizeof(*pr));
	pr->tx_ns = p->ts_ns;
	pr->ttl = p->ip.ttl;
	pr->ipid = p->ip.id;
	pr->size = p->ip.totlen;
	memcpy(pr->t8, p->l4.t8, sizeof(pr->t8));
	pr->t8len = p->l4.t8len;
	pr->own = p->own_probe;
	s->own |= pr->own;	/* lasthop's: a replay judges as the run did */
	m->record(pr, p);
	index_add(&e->ex, &x->ex, exact_hash(p->ip.src, p->ip.dst,
	    p->ip.proto, s->sid, pr->ipid, pr->t8), s, s->n);
	index_add(&e->lo, &x->lo, key_hash(p->ip.src, p->ip.dst, p->ip.proto,
	    s->sid, pr->t8 + m->key_off), s, s->n);
	if (p->ip.mf) {
		/* A first fragment: later ones and their quotes find it. */
		struct fragslot *f = &e->frag[e->nfrag++ % FRAG_SLOTS];

		pr->fragsize = p->ip.totlen;
		*f = (struct fragslot){ .tx = e->now, .s = s, .idx = s->n,
		    .src = p->ip.src, .dst = p->ip.dst, .ipid = pr->ipid,
		    .proto = p->ip.proto, .used = 1 };
	}
	s->n++;
	return 0;
}

/*
 * The pending fragmented probe with this flow and IP ID, or NULL: the
 * newest such (a slot's session is valid while the slot is within the
 * window: a session closes only after all its probes have left it).
 */
static struct fragslot *
frag_probe(struct engine *e, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t ipid)
{
	int64_t limit = ts_sub(e->now, e->o.window_ns);
	unsigned i, n = e->nfrag < FRAG_SLOTS ? e->nfrag : FRAG_SLOTS;
	struct fragslot *f;

	for (i = 1; i <= n; i++) {
		f = &e->frag[(e->nfrag - i) % FRAG_SLOTS];
		if (!f->used || f->tx <= limit)
			break;		/* older ones are older still */
		if (f->src == src && f->dst == dst && f->proto == proto &&
		    f->ipid == ipid)
			return f;
	}
	return NULL;
}

/*
 * A later fragment of a probe in the capture: the last one gives the
 * datagram's whole length (RFC 791: offset in 8-byte units).
 */
static void
add_fragment(struct engine *e, const struct pkt *p)
{
	struct fragslot *f = frag_probe(e, p->ip.src, p->ip.dst, p->ip.proto,
	    p->ip.id);
	uint32_t whole;

	if (f == NULL || p->ip.mf)
		return;
	whole = (uint32_t)p->ip.hlen + (uint32_t)p->ip.frag * 8 +
	    (uint32_t)(p->ip.totlen - p->ip.hlen);
	if (whole <= 0xffff && f->idx < f->s->n)
		f->s->probes[f->idx].size = (uint16_t)whole;
}

/* ---- replies ---- */

struct reply {
	uint32_t	 src, dst;	/* the probe's flow */
	uint8_t		 proto;
	uint16_t	 sid;
	uint16_t	 ipid, totlen;	/* of the quoted header */
	const uint8_t	*t8;
	uint8_t		 t8len;
	const struct probe_method *m;	/* the probe's module */
	const struct pkt *p;		/* the reply packet */
	enum reply_kind	 kind;
};

static void
attach(struct engine *e, struct session *s, uint32_t idx,
    const struct reply *r, uint8_t rw, uint8_t seen)
{
	struct probe *pr = &s->probes[idx];
	const struct pkt *p = r->p;
	size_t i;

	if (pr->rkind != RK_NONE) {
		pr->dups++;
		s->dups++;
		return;
	}
	s->replies++;
	if (pr->ttl == s->ttl_lo)
		s->lo_answered = 1;
	pr->rkind = (uint8_t)r->kind;
	pr->raddr = p->ip.src;
	pr->rx_ns = p->ts_ns;
	pr->rttl = p->ip.ttl;
	pr->rsize = p->ip.totlen;
	pr->rw = rw;
	pr->rwseen = seen;
	pr->nat = rw != 0;
	if (rw != 0)
		s->nat++;
	if (p->kind == PKT_ICMP_ERROR || p->kind == PKT_ICMP_ECHOREPLY) {
		pr->rtype = p->l4.type;
		pr->rcode = p->l4.code;
	}
	if (p->kind == PKT_TCP)
		pr->rtcpflags = p->l4.flags;
	if (p->kind == PKT_ICMP_ERROR)
		pr->qttl = p->qip.ttl;
	for (i = 0; i < p->ext_mpls_n && i < PROBE_MAX_MPLS; i++)
		pr->mpls[i] = p->ext_mpls[i].label << 12 |
		    (uint32_t)p->ext_mpls[i].tc << 9 |
		    (uint32_t)p->ext_mpls[i].s << 8 | p->ext_mpls[i].ttl;
	pr->nmpls = (uint8_t)i;
	if (ts_sub(p->ts_ns, pr->tx_ns) > e->o.late_ns) {
		pr->late = 1;
		s->late++;
	}
	/* A reply-only session is a traceroute's only once a router answers. */
	if (r->kind == RK_TIME_EXCEEDED ||
	    (pr->ttl <= PROMOTE_TTL_MAX && !s->noise && !s->replyonly))
		promote(e, s);
	if (e->o.on_reply != NULL && !s->replyonly)
		e->o.on_reply(e->o.on_reply_arg, pr);
}

/*
 * Preference among candidates that fit equally: an unanswered probe sent
 * before the reply, the latest such; else the latest sent before the reply.
 */
static int
better_timing(const struct probe *a, const struct probe *b, int64_t rx)
{
	int ua = a->rkind == RK_NONE && a->tx_ns <= rx;
	int ub = b->rkind == RK_NONE && b->tx_ns <= rx;

	if (ua != ub)
		return ua;
	if ((a->tx_ns <= rx) != (b->tx_ns <= rx))
		return a->tx_ns <= rx;
	return a->tx_ns > b->tx_ns;
}

static int
same_flow(const struct session *s, const struct reply *r)
{
	return s->src == r->src && s->dst == r->dst && s->proto == r->proto &&
	    s->sid == r->sid;
}

/* Whether the identifying bytes present in both agree. */
static int
ident_fits(const struct probe_method *m, const struct probe *pr,
    const struct reply *r)
{
	int i;

	for (i = 0; i < r->t8len && i < pr->t8len; i++)
		if ((m->ident_mask >> i & 1) && pr->t8[i] != r->t8[i])
			return 0;
	return 1;
}

/* A 16-bit length as sent, or byte-swapped (old BSD stacks quote it so). */
static int
same_len(uint16_t quoted, uint16_t sent)
{
	return sent != 0 && (quoted == sent ||
	    quoted == (uint16_t)(sent << 8 | sent >> 8));
}

/*
 * What the corroborating fields of a quote say of probe pr: how many
 * agree, and which (RW_*) disagree.  Fields the quote does not hold say
 * nothing.
 */
static void
corroborate(const struct probe_method *m, const struct probe *pr,
    const struct reply *r, int *agree, uint8_t *rw, uint8_t *seen)
{
	int i, n = r->t8len < pr->t8len ? r->t8len : pr->t8len;
	int ck = m->csum_off, other = 0, other_bad = 0, ck_bad = 0;

	*agree = 0;
	*rw = 0;
	*seen = RW_IPID | RW_LEN;
	if (pr->ipid == r->ipid)
		(*agree)++;
	else
		*rw |= RW_IPID;
	if (same_len(r->totlen, pr->size) || same_len(r->totlen, pr->fragsize))
		(*agree)++;
	else
		*rw |= RW_LEN;
	for (i = 0; i < n; i++) {
		if (m->ident_mask >> i & 1)
			continue;
		if (ck >= 0 && (i == ck || i == ck + 1)) {
			if (pr->t8[i] != r->t8[i])
				ck_bad = 1;
			continue;
		}
		other = 1;
		if (pr->t8[i] != r->t8[i])
			other_bad = 1;
	}
	if (ck >= 0 && n >= ck + 2) {
		*seen |= RW_CSUM;
		if (ck_bad)
			*rw |= RW_CSUM;
		else
			(*agree)++;
	}
	if (other) {
		*seen |= RW_OTHER;
		if (other_bad)
			*rw |= RW_OTHER;
		else
			(*agree)++;
	}
}

/*
 * Rank the candidates of a quote, one at a time: the most corroborating
 * fields win, then the fewest contradicting ones.  Candidates that stay
 * tied are told apart by timing only when they share a TTL (the hop the
 * reply names is the same whichever it answers); otherwise the reply is
 * ambiguous.
 */
struct ranking {
	const struct reply *r;
	struct pnode	tmp;		/* for candidates outside an index */
	struct session	*s;		/* the best so far */
	uint32_t	 idx;
	int		 agree, nbad, ties, multi_ttl;
	uint8_t		 rw, seen;
};

static void
rank(struct ranking *k, struct session *s, uint32_t idx)
{
	const struct probe *pr = &s->probes[idx], *best;
	int agree, nbad = 0, i;
	uint8_t rw, seen;

	if (!ident_fits(s->m, pr, k->r))
		return;
	corroborate(s->m, pr, k->r, &agree, &rw, &seen);
	for (i = 0; i < RW_NFIELDS; i++)
		nbad += rw >> i & 1;
	if (k->s == NULL || agree > k->agree ||
	    (agree == k->agree && nbad < k->nbad)) {
		k->s = s;
		k->idx = idx;
		k->agree = agree;
		k->nbad = nbad;
		k->rw = rw;
		k->seen = seen;
		k->ties = 0;
		k->multi_ttl = 0;
		return;
	}
	if (agree != k->agree || nbad != k->nbad)
		return;
	best = &k->s->probes[k->idx];
	k->ties++;
	if (pr->ttl != best->ttl)
		k->multi_ttl = 1;
	if (better_timing(pr, best, k->r->p->ts_ns)) {
		k->s = s;
		k->idx = idx;
		k->rw = rw;
		k->seen = seen;
	}
}

/* A reply to one of several probes: counted, and who sent it kept. */
static void
note_ambiguous(struct engine *e, struct session *s, uint32_t from)
{
	uint8_t i;

	s->ambiguous++;
	e->st.ambiguous++;
	if (from == s->dst)
		s->amb_dst = 1;
	for (i = 0; i < s->namb_from; i++)
		if (s->amb_from[i] == from)
			return;
	if (s->namb_from < TRACE_AMB_ADDRS)
		s->amb_from[s->namb_from++] = from;
}

/* Settle a ranking: attach, count as ambiguous, or report no candidate. */
static int
settle(struct engine *e, struct ranking *k)
{
	if (k->s == NULL)
		return 0;
	if (k->ties > 0 && k->multi_ttl) {
		note_ambiguous(e, k->s, k->r->p->ip.src);
		return 1;	/* it is a reply, but to which probe is unknown */
	}
	attach(e, k->s, k->idx, k->r, k->rw, k->seen);
	return 1;
}

/*
 * A quote of a later fragment holds no transport header: the fragmented
 * probe with its IP ID is the only one it can be.  Its first fragment's
 * quote usually came first; further replies are counted apart.
 */
static int
match_fragment_quote(struct engine *e, const struct reply *r)
{
	struct fragslot *f = frag_probe(e, r->src, r->dst, r->proto, r->ipid);

	if (f == NULL || f->idx >= f->s->n)
		return 0;
	if (f->s->probes[f->idx].rkind != RK_NONE) {
		f->s->fragreps++;
		return 1;
	}
	attach(e, f->s, f->idx, r, 0, 0);
	return 1;
}

/* An ICMP error: its quote against the probes of the quoted flow. */
static int
match_quote(struct engine *e, const struct reply *r)
{
	const struct probe_method *m = r->m;
	struct ranking k;
	struct session *s;
	struct pnode *n;
	uint64_t h;
	int64_t limit = ts_sub(e->now, e->o.window_ns);
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.r = r;
	if (r->t8len == 8) {
		/* Fast path: a quote that kept every byte. */
		h = exact_hash(r->src, r->dst, r->proto, r->sid, r->ipid, r->t8);
		for (n = e->ex.b[h & e->ex.mask]; n != NULL; n = n->next)
			if (n->h == h && same_flow(n->s, r) &&
			    n->s->probes[n->idx].ipid == r->ipid &&
			    memcmp(n->s->probes[n->idx].t8, r->t8, 8) == 0)
				rank(&k, n->s, n->idx);
		if (k.s != NULL && k.nbad == 0)
			return settle(e, &k);
		memset(&k, 0, sizeof(k));
		k.r = r;
	}
	if (r->t8len >= m->key_off + 4) {
		h = key_hash(r->src, r->dst, r->proto, r->sid, r->t8 + m->key_off);
		for (n = e->lo.b[h & e->lo.mask]; n != NULL; n = n->next)
			if (n->h == h && same_flow(n->s, r))
				rank(&k, n->s, n->idx);
	} else if ((s = session_find(e, r->src, r->dst, r->proto, r->sid)) !=
	    NULL) {
		/* Cut before the key bytes: every pending probe of the flow. */
		for (i = 0; i < s->n; i++)
			if (s->probes[i].tx_ns > limit)
				rank(&k, s, i);
	}
	if (k.s == NULL &&
	    (s = session_find(e, r->src, r->dst, r->proto, r->sid)) != NULL &&
	    (e->o.strict || s->own)) {
		/* Our flow, but no probe's identity: a forgery or a stray. */
		e->st.rejected++;
		return 1;
	}
	return settle(e, &k);
}

/*
 * An answer from the destination itself (echo reply, TCP, UDP): candidates
 * share the reversed flow and the key bytes; the module says which fit
 * beyond them (TCP acknowledges the probe's sequence number).
 */
static int
match_direct(struct engine *e, const struct reply *r,
    const struct probe_answer *a)
{
	struct pnode *n, *best = NULL;
	const struct probe *pr;
	const struct pkt *p = r->p;
	uint64_t h;
	int fit, bfit = -2;

	h = key_hash(r->src, r->dst, r->proto, a->sid, a->key);
	for (n = e->lo.b[h & e->lo.mask]; n != NULL; n = n->next) {
		if (n->h != h || !same_flow(n->s, r))
			continue;
		pr = &n->s->probes[n->idx];
		if (memcmp(pr->t8 + n->s->m->key_off, a->key, 4) != 0)
			continue;
		fit = n->s->m->answer_fit(pr, p);
		if (fit > bfit || (fit == bfit &&
		    better_timing(pr, &best->s->probes[best->idx], p->ts_ns))) {
			best = n;
			bfit = fit;
		}
	}
	if (best == NULL)
		return 0;
	if (bfit == 0) {
		/*
		 * A TCP answer acknowledges its SYN's sequence number plus one,
		 * or echoes an ACK probe's acknowledgement (RFC 793; a firewall
		 * that modulates sequence numbers translates them back): one
		 * that fits no probe answers none, live or in a replay.
		 */
		if (e->o.strict) {
			e->st.rejected++;
			return 1;
		}
		return 0;
	}
	attach(e, best->s, best->idx, r, 0, 0);
	return 1;
}

static enum reply_kind
error_kind(uint8_t type)
{
	switch (type) {
	case LH_ICMP_TIMXCEED:	return RK_TIME_EXCEEDED;
	case LH_ICMP_UNREACH:	return RK_UNREACH;
	case LH_ICMP_PARAMPROB:	return RK_PARAM_PROBLEM;
	default:		return RK_SOURCE_QUENCH;
	}
}

/*
 * Keep a reply whose probe is not in the capture, in the reply-only
 * session of its flow: its probe rebuilt from what it quotes (t8, n bytes;
 * the IP ID and total length when has_ipid).  At the end its TTL may be
 * inferred (infer.h).  0, or -1 when out of memory.
 */
static int
keep_reply(struct engine *e, struct session *s, const struct reply *r,
    const uint8_t *t8, size_t n, int has_ipid)
{
	struct probe *pr;
	struct pkt tmp;

	if (s->n >= e->o.max_probes) {
		s->dropped++;
		return 0;
	}
	if (session_room(e, s) != 0)
		return -1;
	pr = &s->probes[s->n];
	memset(pr, 0, sizeof(*pr));
	memset(&tmp.l4, 0, sizeof(tmp.l4));
	memcpy(tmp.l4.t8, t8, n);
	tmp.l4.t8len = (uint8_t)n;
	s->m->split(&tmp.l4);
	s->m->record(pr, &tmp);
	memcpy(pr->t8, t8, n);
	pr->t8len = (uint8_t)n;
	pr->tx_ns = r->p->ts_ns;	/* unknown: writers show no RTT */
	pr->inferred = 1;
	pr->own = r->p->quote_own;
	if (has_ipid) {		/* size 0: a direct answer, no IP header */
		pr->ipid = r->ipid;
		pr->size = r->totlen != 0 ? r->totlen : 1;
	}
	s->last_act = e->now;
	s->n++;
	attach(e, s, s->n - 1, r, 0, 0);
	return 0;
}

/*
 * A quote that matched nothing: counted as unmatched, for its session when
 * it has one; in a session with no probe, kept for a reply-only trace.
 */
static int
orphan_quote(struct engine *e, const struct reply *r, int sid)
{
	struct session *s;

	e->st.orphans++;
	if (sid < 0)
		sid = 0;	/* cut before the session id: counted only */
	s = session_find(e, r->src, r->dst, r->proto, (uint16_t)sid);
	if (s != NULL && !s->replyonly) {
		s->orphans++;
		return 0;
	}
	/*
	 * Live, every probe is in the capture: a reply to none is a stray
	 * or a forgery, never the start of a reply-only trace.
	 */
	if (e->o.strict || r->t8len == 0 ||
	    r->m->session_id(r->t8, r->t8len) < 0)
		return 0;
	if (s == NULL) {
		if ((s = session_new(e, r->src, r->dst, r->proto, (uint16_t)sid,
		    r->m)) == NULL)
			return -1;
		s->replyonly = 1;
	}
	if (e->lru_tail != s) {
		lru_unlink(e, s);
		lru_append(e, s);
	}
	return keep_reply(e, s, r, r->t8, r->t8len, 1);
}

/* A direct answer to a probe not in the capture, in a reply-only session. */
static int
orphan_answer(struct engine *e, const struct reply *r,
    const struct probe_answer *a)
{
	struct session *s = session_find(e, r->src, r->dst, r->proto, a->sid);
	uint8_t t8[8];
	size_t n;

	if (s == NULL || !s->replyonly || e->o.strict)
		return 0;	/* other traffic's answers: not ours to count */
	n = r->m->answer_t8(r->p, t8);
	e->st.orphans++;
	if (e->lru_tail != s) {
		lru_unlink(e, s);
		lru_append(e, s);
	}
	return keep_reply(e, s, r, t8, n, 0);
}

/* ---- trace assembly ---- */

/*
 * Probes by TTL, each TTL in the order the capture holds them (which is
 * send order): a stable counting sort, linear in the probes.
 */
static void
sort_by_ttl(const struct probe *in, size_t n, struct probe *out)
{
	size_t count[257], i;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		count[in[i].ttl + 1]++;
	for (i = 1; i < 257; i++)
		count[i] += count[i - 1];
	for (i = 0; i < n; i++)
		out[count[in[i].ttl]++] = in[i];
}

static int
emit_trace(struct engine *e, const struct session *s, struct probe *pr,
    size_t n, int whole, char *err, size_t errlen)
{
	struct trace *t;
	size_t i;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return lh_err(err, errlen, "out of memory");
	t->probes = malloc((n ? n : 1) * sizeof(*pr));
	if (t->probes == NULL) {
		free(t);
		return lh_err(err, errlen, "out of memory");
	}
	sort_by_ttl(pr, n, t->probes);
	t->nprobes = n;
	t->src = s->src;
	t->dst = s->dst;
	t->proto = s->proto;
	t->echo_id = s->sid;
	t->file = e->o.file;
	t->method = s->m->method(t->probes, n, &t->has_flow);
	if (n == 0)
		t->has_flow = 0;
	for (i = 0; i < n && !t->own; i++)
		t->own = t->probes[i].own;
	if (t->has_flow && n > 0) {
		t->flow_sport = t->probes[0].sport;
		t->flow_dport = t->probes[0].dport;
	}
	t->first_ns = INT64_MAX;
	t->last_ns = INT64_MIN;
	if (n == 0)		/* reply-only, nothing placed */
		t->first_ns = t->last_ns = s->last_act;
	if (s->replyonly) {
		t->reply_only = 1;
		t->infer_rule = (uint8_t)s->infer.rule;
		t->infer_q = (uint8_t)s->infer.q;
		t->infer_base = s->infer.base;
		t->infer_anchor = s->infer.anchor;
		t->infer_field = s->infer.rule == INFER_COUNTER ||
		    s->infer.rule == INFER_ROUNDS ?
		    s->m->counter_name[s->infer.field] : NULL;
	}
	for (i = 0; i < n; i++) {
		if (t->probes[i].tx_ns < t->first_ns)
			t->first_ns = t->probes[i].tx_ns;
		if (t->probes[i].tx_ns > t->last_ns)
			t->last_ns = t->probes[i].tx_ns;
		if (t->probes[i].rkind != RK_NONE) {
			t->replies++;
			t->dups += t->probes[i].dups;
			t->late += t->probes[i].late;
			t->nat_matched += t->probes[i].nat;
		}
	}
	if (whole) {	/* counters that cannot be split by flow */
		t->orphans = s->orphans;
		t->ambiguous = s->ambiguous;
		t->dropped = s->dropped;
		t->frag_replies = s->fragreps;
		memcpy(t->amb_from, s->amb_from, sizeof(t->amb_from));
		t->namb_from = s->namb_from;
		t->amb_dst = s->amb_dst;
	}
	if (trace_build_hops(t, err, errlen) != 0) {
		trace_free(t);
		return -1;
	}
	trace_trim_past_destination(t);
	t->nrws = (uint8_t)trace_rewrites(t, t->rws);
	t->eof_ns = e->now;
	t->stop = trace_stop_reason(t, e->o.gap_limit, e->o.late_ns);
	/* File totals count what belongs to traces, not to other traffic. */
	e->st.traces++;
	e->st.matched += t->replies + t->dups;
	e->st.dups += t->dups;
	e->st.late += t->late;
	return e->emit(e->arg, t, err, errlen);
}

/* Replies that no trace takes, by the destination they quote (a few). */
static void
note_unmatched_dst(struct engine *e, uint32_t dst, uint64_t n)
{
	struct engine_stats *st = &e->st;
	size_t i;

	for (i = 0; i < st->nunmatched; i++)
		if (st->unmatched[i].dst == dst) {
			st->unmatched[i].replies += n;
			return;
		}
	if (st->nunmatched < ENGINE_UNMATCHED_DSTS) {
		st->unmatched[st->nunmatched].dst = dst;
		st->unmatched[st->nunmatched++].replies = n;
	}
}

/*
 * A reply-only session: the TTLs its replies' quotes tell (infer.h); the
 * replies they do not place stay unmatched.  A trace even when none is
 * placed, so that the replies are reported with the destination they
 * quote.
 */
static int
emit_reply_only(struct engine *e, struct session *s, char *err,
    size_t errlen)
{
	struct infer_reply *in;
	struct infer_result res;
	uint8_t *ttl;
	size_t i, k, placed;

	in = calloc(s->n ? s->n : 1, sizeof(*in));
	ttl = malloc(s->n ? s->n : 1);
	if (in == NULL || ttl == NULL) {
		free(in);
		free(ttl);
		return lh_err(err, errlen, "out of memory");
	}
	for (i = 0; i < s->n; i++) {
		const struct probe *pr = &s->probes[i];

		in[i].from = pr->raddr;
		in[i].rttl = pr->rttl;
		in[i].is_dst = pr->raddr == s->dst;
		in[i].own = pr->own;
		s->m->order(pr->t8, pr->t8len, pr->ipid, pr->size != 0, &in[i]);
	}
	placed = infer_ttls(in, s->n, s->m->counter_base, ttl, &res);
	for (i = 0, k = 0; i < s->n; i++)
		if (ttl[i] != 0) {
			s->probes[k] = s->probes[i];
			s->probes[k++].ttl = ttl[i];
		}
	free(in);
	free(ttl);
	if ((k == 0 && s->n < 2) || s->shadowed) {
		/*
		 * A lone reply, or replies beside a capture of this flow's
		 * probes (with another identifier: a stray's or a forger's):
		 * unmatched, with the destination they quote.
		 */
		note_unmatched_dst(e, s->dst, s->n);
		return 0;
	}
	s->orphans += s->n - k;
	e->st.orphans -= placed <= e->st.orphans ? placed : e->st.orphans;
	s->n = (uint32_t)k;
	s->infer = res;
	return emit_trace(e, s, s->probes, s->n, 1, err, errlen);
}

/*
 * A session may hold several Paris flows to one destination (Dublin
 * traceroute varies the destination port per flow): when every flow of a
 * UDP or TCP session probes several TTLs, each flow is its own trace.
 */
static int
session_emit(struct engine *e, struct session *s, char *err, size_t errlen)
{
	struct flowslot {
		uint32_t	key;
		uint32_t	order;		/* 1-based, 0 = empty */
		uint8_t		ttl;
		uint8_t		multi;		/* probes at several TTLs */
	} *tab;
	uint32_t *fidx, key, nflows = 0, multi = 0;
	size_t size = 16, i, j, start;
	struct probe *sorted;
	size_t *count;
	int rc;

	if (s->replyonly)
		return emit_reply_only(e, s, err, errlen);
	if (s->n == 0)
		return 0;
	if (!s->m->split_flows)
		return emit_trace(e, s, s->probes, s->n, 1, err, errlen);
	while (size < 2 * (size_t)s->n)
		size *= 2;
	tab = calloc(size, sizeof(*tab));
	fidx = malloc(s->n * sizeof(*fidx));
	if (tab == NULL || fidx == NULL) {
		free(tab);
		free(fidx);
		return lh_err(err, errlen, "out of memory");
	}
	for (i = 0; i < s->n; i++) {
		key = (uint32_t)s->probes[i].sport << 16 | s->probes[i].dport;
		for (j = lh_mix64(key) & (size - 1); tab[j].order != 0 &&
		    tab[j].key != key; j = (j + 1) & (size - 1))
			;
		if (tab[j].order == 0) {
			tab[j].key = key;
			tab[j].order = ++nflows;
			tab[j].ttl = s->probes[i].ttl;
		} else if (tab[j].ttl != s->probes[i].ttl && !tab[j].multi) {
			tab[j].multi = 1;
			multi++;
		}
		fidx[i] = tab[j].order - 1;
	}
	free(tab);
	if (nflows < 2 || nflows > MAX_FLOWS_SPLIT || multi != nflows) {
		free(fidx);
		return emit_trace(e, s, s->probes, s->n, 1, err, errlen);
	}
	/* Several Paris flows: one trace each, in order of first appearance. */
	sorted = malloc(s->n * sizeof(*sorted));
	count = calloc(nflows + 1, sizeof(*count));
	if (sorted == NULL || count == NULL) {
		free(sorted);
		free(count);
		free(fidx);
		return lh_err(err, errlen, "out of memory");
	}
	for (i = 0; i < s->n; i++)
		count[fidx[i] + 1]++;
	for (i = 1; i <= nflows; i++)
		count[i] += count[i - 1];
	for (i = 0; i < s->n; i++)
		sorted[count[fidx[i]]++] = s->probes[i];
	free(fidx);
	rc = 0;
	for (start = 0, i = 0; i < nflows && rc == 0; i++) {
		size_t end = count[i];

		rc = emit_trace(e, s, sorted + start, end - start, start == 0,
		    err, errlen);
		start = end;
	}
	free(count);
	free(sorted);
	return rc;
}

/*
 * Close the sessions idle for a window (all of them at the end of the
 * input), oldest activity first, and emit each traceroute among them as it
 * closes: traces come out in the order of their last probe in the capture.
 * Nothing waits for a session that stays open.
 */
static int
advance(struct engine *e, int all, char *err, size_t errlen)
{
	struct session *s;
	int64_t limit;
	int rc = 0;

	if (e->now == INT64_MIN && !all)
		return 0;	/* no packet has set the clock yet */
	limit = ts_sub(e->now, e->o.window_ns);
	if (all)	/* else engine_pkt() has expired up to limit already */
		expire(e, limit, all);
	while ((s = e->lru_head) != NULL && (all || s->last_act < limit)) {
		lru_unlink(e, s);
		if (!s->retired)
			session_unhash(e, s);
		flow3_release(e, s);
		if (s->promoted && rc == 0)
			rc = session_emit(e, s, err, errlen);
		else if (!s->promoted && s->replyonly)
			note_unmatched_dst(e, s->dst, s->n);
		session_free(e, s);
	}
	return rc;
}

/* ---- entry points ---- */

void
engine_opts_default(struct engine_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->gap_limit = ENGINE_GAP_LIMIT;
	o->window_ns = ENGINE_WINDOW_NS;
	o->late_ns = ENGINE_LATE_NS;
	o->max_probes = ENGINE_MAX_PROBES;
}

struct engine *
engine_new(const struct engine_opts *o, engine_emit_fn emit, void *arg,
    char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		lh_err(err, errlen, "out of memory");
		return NULL;
	}
	e->o = *o;
	e->emit = emit;
	e->arg = arg;
	e->now = INT64_MIN;
	e->shmask = 255;
	e->sh = calloc(e->shmask + 1, sizeof(*e->sh));
	e->f3mask = 255;
	e->f3 = calloc(e->f3mask + 1, sizeof(*e->f3));
	if (e->sh == NULL || e->f3 == NULL || index_init(&e->ex, 1024) != 0 ||
	    index_init(&e->lo, 1024) != 0) {
		engine_free(e);
		lh_err(err, errlen, "out of memory");
		return NULL;
	}
	return e;
}

/* Whether --dst (engine_opts.dst_net/dst_mask) takes this destination. */
static int
dst_wanted(const struct engine *e, uint32_t dst)
{
	return (dst & e->o.dst_mask) == e->o.dst_net;
}

int
engine_pkt(struct engine *e, const struct pkt *p, char *err, size_t errlen)
{
	const struct probe_method *m;
	struct probe_answer a;
	struct reply r;
	int sid;

	if (p->ts_ns > e->now)
		e->now = p->ts_ns;
	/* Probes whose window has passed cannot take this packet as a reply. */
	expire(e, ts_sub(e->now, e->o.window_ns), 0);
	memset(&r, 0, sizeof(r));
	r.p = p;
	if (p->kind == PKT_FRAGMENT) {
		add_fragment(e, p);
		return advance(e, 0, err, errlen);
	}
	if (p->kind == PKT_ICMP_ERROR) {
		if ((m = probe_by_proto(p->qip.proto)) == NULL)
			return advance(e, 0, err, errlen);
		if (!dst_wanted(e, p->qip.dst)) {
			e->st.other_dst++;
			return advance(e, 0, err, errlen);
		}
		r.src = p->qip.src;
		r.dst = p->qip.dst;
		r.proto = p->qip.proto;
		r.ipid = p->qip.id;
		r.totlen = p->qip.totlen;
		r.t8 = p->ql4.t8;
		r.t8len = p->ql4.t8len;
		r.m = m;
		r.kind = error_kind(p->l4.type);
		if (p->qip.frag != 0) {
			if (!match_fragment_quote(e, &r))
				e->st.orphans++;
			return advance(e, 0, err, errlen);
		}
		sid = m->session_id(r.t8, r.t8len);
		if (sid == -1)
			return advance(e, 0, err, errlen);	/* not a probe */
		r.sid = (uint16_t)(sid < 0 ? 0 : sid);
		if ((sid < 0 || !match_quote(e, &r)) &&
		    orphan_quote(e, &r, sid) != 0)
			return lh_err(err, errlen, "out of memory");
		return advance(e, 0, err, errlen);
	}
	if ((m = probe_by_proto(p->ip.proto)) == NULL)
		return advance(e, 0, err, errlen);
	if (dst_wanted(e, p->ip.src) && m->answer(p, &a)) {
		/* An answer travels the probe's flow the other way round. */
		r.src = p->ip.dst;
		r.dst = p->ip.src;
		r.proto = p->ip.proto;
		r.sid = a.sid;
		r.m = m;
		r.kind = a.kind;
		if (match_direct(e, &r, &a))
			return advance(e, 0, err, errlen);
		if (orphan_answer(e, &r, &a) != 0)
			return lh_err(err, errlen, "out of memory");
	}
	if (!dst_wanted(e, p->ip.dst))
		e->st.other_dst++;
	else if (m->is_probe(p) && add_probe(e, m, p, err, errlen) != 0)
		return -1;
	return advance(e, 0, err, errlen);
}

int
engine_decode(struct engine *e, int linktype, int64_t ts_ns,
    const uint8_t *data, size_t caplen, struct pkt *p)
{
	e->st.frames++;
	switch (decode_frame(linktype, data, caplen, p)) {
	case DEC_OK:
		p->ts_ns = ts_ns;
		return 1;
	case DEC_NOT_IP:
		e->st.not_ip++;
		break;
	case DEC_TRUNCATED:
		e->st.truncated++;
		break;
	case DEC_BAD:
		e->st.malformed++;
		break;
	case DEC_FRAGMENT:
		/* fed in order too: it may complete a probe's length */
		e->st.fragments++;
		p->ts_ns = ts_ns;
		p->kind = PKT_FRAGMENT;
		return 1;
	case DEC_LINKTYPE:
		e->st.bad_linktype++;
		break;
	}
	return 0;
}

int
engine_frame(struct engine *e, int linktype, int64_t ts_ns,
    const uint8_t *data, size_t caplen, char *err, size_t errlen)
{
	struct pkt p;

	if (engine_decode(e, linktype, ts_ns, data, caplen, &p) != 1)
		return 0;
	return engine_pkt(e, &p, err, errlen);
}

/*
 * On a large replay, the buckets and chains the matcher reads for a packet
 * were last touched seconds of capture earlier and are out of the caches:
 * each read waits for memory.  A caller that decodes packets ahead of
 * feeding them (replay_capfile()) hands each one here twice: stage 0 asks
 * for the buckets the packet's keys fall in (the session hash's, the
 * exact and key indexes'), stage 1, a packet later, for the first node of
 * each of those chains.  Nothing is written and no node is read; the keys
 * are those engine_pkt() and add_probe() compute, through the modules.
 * While few probes are pending, all of that is in the caches anyway, and
 * nothing is done.
 */
static void
prefetch_bucket(const struct index *ix, uint64_t h, int stage)
{
	struct pnode *const *b = &ix->b[h & ix->mask];

	if (stage == 0)
		__builtin_prefetch(b);
	else if (*b != NULL)
		__builtin_prefetch(*b);
}

/* Below this many pending probes, what the matcher reads stays in cache. */
#define PREFETCH_MIN	8192

void
engine_prefetch(const struct engine *e, const struct pkt *p, int stage)
{
	const struct probe_method *m;
	struct probe_answer a;
	int sid;

	if (e->npending < PREFETCH_MIN)
		return;
	if (p->kind == PKT_ICMP_ERROR) {
		if ((m = probe_by_proto(p->qip.proto)) == NULL ||
		    p->ql4.t8len != 8 ||
		    (sid = m->session_id(p->ql4.t8, p->ql4.t8len)) < 0)
			return;
		prefetch_bucket(&e->ex, exact_hash(p->qip.src, p->qip.dst,
		    p->qip.proto, (uint16_t)sid, p->qip.id, p->ql4.t8), stage);
		return;
	}
	if (p->kind == PKT_FRAGMENT ||
	    (m = probe_by_proto(p->ip.proto)) == NULL)
		return;
	if (m->answer(p, &a))
		prefetch_bucket(&e->lo, key_hash(p->ip.dst, p->ip.src,
		    p->ip.proto, a.sid, a.key), stage);
	if (!m->is_probe(p) ||
	    (sid = m->session_id(p->l4.t8, p->l4.t8len)) < 0)
		return;
	/* a probe: its session, then its place in both indexes */
	if (stage == 0)
		__builtin_prefetch(&e->sh[session_hash(p->ip.src, p->ip.dst,
		    p->ip.proto, (uint16_t)sid) & e->shmask]);
	prefetch_bucket(&e->ex, exact_hash(p->ip.src, p->ip.dst, p->ip.proto,
	    (uint16_t)sid, p->ip.id, p->l4.t8), stage);
	prefetch_bucket(&e->lo, key_hash(p->ip.src, p->ip.dst, p->ip.proto,
	    (uint16_t)sid, p->l4.t8 + m->key_off), stage);
}

int
engine_finish(struct engine *e, char *err, size_t errlen)
{
	return advance(e, 1, err, errlen);
}

const struct engine_stats *
engine_stats(const struct engine *e)
{
	return &e->st;
}

void
engine_free(struct engine *e)
{
	struct session *s, *next;
	size_t i;

	if (e == NULL)
		return;
	for (s = e->lru_head; s != NULL; s = next) {
		next = s->lru_next;
		session_free(e, s);
	}
	free(e->ex.b);
	free(e->lo.b);
	pblocks_free(e->phead);
	pblocks_free(e->pspare);
	pool_free_all(e);
	for (i = 0; e->f3 != NULL && i <= e->f3mask; i++)
		while (e->f3[i] != NULL) {
			struct flow3 *f = e->f3[i];

			e->f3[i] = f->next;
			free(f);
		}
	free(e->f3);
	free(e->sh);
	free(e);
}
