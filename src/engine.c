/*
 * engine.c: probe recognition, reply matching and trace assembly.
 *
 * Pending probes sit in two chained hash indexes for a window of capture
 * time: "exact" keyed by flow, IP ID and the first 8 transport bytes (what
 * RFC 792 makes every router quote), and "loose" keyed by flow and the
 * bytes that identify a probe within its flow (ports, or ICMP id and
 * sequence).  A reply first looks for an exact match; failing that, the
 * loose candidates are scored field by field so that a NAT which rewrote
 * the IP ID or a checksum in the quote does not lose the match, while a
 * reply that fits two probes equally is counted as ambiguous and attached
 * to neither.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lh.h"

#define P_ICMP	1
#define P_TCP	6
#define P_UDP	17

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10

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
	int32_t		 prev;		/* the index's own: see index_add() */
};

struct session {
	struct session	*hnext;			/* session hash chain */
	struct session	*lru_prev, *lru_next;	/* by last activity */
	uint32_t	 src, dst;
	uint8_t		 proto;
	uint16_t	 echo_id;
	struct probe	*probes;
	uint32_t	 n, cap;
	int64_t		 last_act;		/* engine clock at the last probe */
	uint8_t		 ttl0;			/* first TTL seen */
	uint8_t		 ttl_lo;		/* lowest TTL seen */
	uint8_t		 lo_answered;		/* a probe at ttl_lo was answered */
	uint8_t		 multi_ttl;		/* more than one TTL seen */
	uint8_t		 promoted, noise, in_lru;
	uint8_t		 retired;		/* out of the hash: takes no probes */
	uint64_t	 replies, dups, late, nat, orphans, ambiguous, dropped;
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

struct index {
	struct pnode	**b;
	size_t		  mask;
	size_t		  count;
};

/* Replies quoting a flow that has no session yet (the capture started late). */
#define EARLY_ORPHANS	64
struct early_orphan {
	uint32_t	src, dst;
	uint16_t	id;
	uint8_t		proto;
	uint32_t	count;
	int64_t		ts;
};

struct engine {
	struct engine_opts	 o;
	struct early_orphan	 early[EARLY_ORPHANS];
	unsigned		 nearly;
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

/* The bytes that identify a probe inside its flow: ports, or ICMP id+seq. */
static int
stable_bytes(uint8_t proto, const uint8_t *t8, size_t t8len, uint8_t out[4])
{
	size_t off = proto == P_ICMP ? 4 : 0;

	if (t8len < off + 4)
		return -1;
	memcpy(out, t8 + off, 4);
	return 0;
}

/*
 * The key bytes enter the hash as one load (host byte order: a hash only
 * has to agree with itself within the run).
 */
static uint64_t
exact_hash(uint32_t src, uint32_t dst, uint8_t proto, uint16_t ipid,
    const uint8_t t8[8])
{
	uint64_t v;

	memcpy(&v, t8, sizeof(v));
	return lh_mix64(flow_hash(src, dst, proto) ^ ((uint64_t)ipid << 40) ^ v);
}

static uint64_t
loose_hash(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t sb[4])
{
	uint32_t v;

	memcpy(&v, sb, sizeof(v));
	return lh_mix64(flow_hash(src, dst, proto) ^ v);
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
 * however long its chain (a Paris trace's probes share one loose key, and
 * a hostile capture can give thousands of probes one key): prev is the
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
	size_t n = (ix->mask + 1) * 2, i;
	struct pnode **nb, *p;
	struct pblock *b;

	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return -1;
	for (b = e->phead, i = e->phead_i; b != NULL; b = b->next, i = 0)
		for (; i < b->used && e->npending > 0; i++) {
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
	uint64_t h = session_hash(s->src, s->dst, s->proto, s->echo_id);

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
		    s->echo_id == id)
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
			    s->echo_id);
			next = s->hnext;
			s->hnext = nh[h & (n - 1)];
			nh[h & (n - 1)] = s;
		}
	free(e->sh);
	e->sh = nh;
	e->shmask = n - 1;
	return 0;
}

static void claim_early_orphans(struct engine *e, struct session *s);

static struct session *
session_get(struct engine *e, const struct pkt *p, uint16_t id)
{
	struct session *s;
	uint64_t h;

	/* A tool sends a trace's probes one after another: try the last. */
	s = e->last_s;
	if (s != NULL && s->src == p->ip.src && s->dst == p->ip.dst &&
	    s->proto == p->ip.proto && s->echo_id == id)
		return s;
	s = session_find(e, p->ip.src, p->ip.dst, p->ip.proto, id);
	if (s != NULL)
		return e->last_s = s;
	if (e->nsessions > e->shmask && session_grow_hash(e) != 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->src = p->ip.src;
	s->dst = p->ip.dst;
	s->proto = p->ip.proto;
	s->echo_id = id;
	s->ttl0 = s->ttl_lo = p->ip.ttl;
	h = session_hash(s->src, s->dst, s->proto, id);
	s->hnext = e->sh[h & e->shmask];
	e->sh[h & e->shmask] = s;
	e->nsessions++;
	lru_append(e, s);
	claim_early_orphans(e, s);
	return e->last_s = s;
}

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
is_probe(const struct pkt *p)
{
	uint8_t f;

	switch (p->kind) {
	case PKT_UDP:
	case PKT_ICMP_ECHO:
		return 1;
	case PKT_TCP:
		if (!p->l4.have_tcpflags)
			return 0;
		f = p->l4.flags;
		if ((f & (TH_SYN | TH_ACK | TH_RST | TH_FIN)) == TH_SYN)
			return 1;
		return (f & (TH_SYN | TH_ACK | TH_RST | TH_FIN | TH_PUSH)) ==
		    TH_ACK;
	default:
		return 0;
	}
}

static int
add_probe(struct engine *e, const struct pkt *p, char *err, size_t errlen)
{
	struct session *s;
	struct probe *pr, *np;
	struct pending *x;
	uint16_t id = p->kind == PKT_ICMP_ECHO ? p->l4.echo_id : 0;
	uint8_t sb[4];
	uint32_t ncap;

	e->st.probes++;
	s = session_get(e, p, id);
	if (s != NULL && is_restart(e, s, p)) {
		session_retire(e, s);
		s = session_get(e, p, id);
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
	if (s->n == s->cap) {
		/* Most traces are short: 16, then 4 more up to 64, then half. */
		ncap = s->cap == 0 ? 16 : s->cap < 64 ? s->cap + 4 :
		    s->cap + s->cap / 2;
		if (ncap > e->o.max_probes)
			ncap = (uint32_t)e->o.max_probes;
		np = probes_grow(e, s->probes, s->n, s->cap, ncap);
		if (np == NULL)
			return lh_err(err, errlen, "out of memory");
		s->probes = np;
		s->cap = ncap;
	}
	pr = &s->probes[s->n];
	memset(pr, 0, sizeof(*pr));
	pr->tx_ns = p->ts_ns;
	pr->ttl = p->ip.ttl;
	pr->ipid = p->ip.id;
	pr->size = p->ip.totlen;
	if (p->ip.mf && p->kind == PKT_UDP)	/* a first fragment: whole size */
		pr->size = (uint16_t)(p->ip.hlen + p->l4.ulen);
	memcpy(pr->t8, p->l4.t8, sizeof(pr->t8));
	pr->t8len = p->l4.t8len;
	if (p->kind == PKT_ICMP_ECHO) {
		pr->sport = p->l4.echo_id;
		pr->dport = p->l4.echo_seq;
	} else {
		pr->sport = p->l4.sport;
		pr->dport = p->l4.dport;
	}
	pr->csum = p->l4.csum;
	pr->tcpseq = p->l4.seq;
	pr->tcpack = p->l4.ack;
	pr->tcpflags = p->l4.flags;
	pr->own = p->own_probe;
	if (stable_bytes(p->ip.proto, pr->t8, pr->t8len, sb) != 0)
		return 0;	/* decode guarantees 8 bytes; defensive */
	if (index_room(e, &e->ex, offsetof(struct pending, ex)) != 0 ||
	    index_room(e, &e->lo, offsetof(struct pending, lo)) != 0 ||
	    (x = pending_push(e, e->now)) == NULL)
		return lh_err(err, errlen, "out of memory");
	index_add(&e->ex, &x->ex, exact_hash(p->ip.src, p->ip.dst,
	    p->ip.proto, pr->ipid, pr->t8), s, s->n);
	index_add(&e->lo, &x->lo, loose_hash(p->ip.src, p->ip.dst,
	    p->ip.proto, sb), s, s->n);
	s->n++;
	return 0;
}

/* ---- replies ---- */

struct reply {
	uint32_t	 src, dst;	/* the probe's flow */
	uint8_t		 proto;
	uint16_t	 ipid;
	const uint8_t	*t8;
	uint8_t		 t8len;
	const struct pkt *p;		/* the reply packet */
	enum reply_kind	 kind;
};

static void
attach(struct engine *e, struct session *s, uint32_t idx,
    const struct reply *r, int nat)
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
	pr->nat = (uint8_t)nat;
	if (nat)
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
	if (r->kind == RK_TIME_EXCEEDED ||
	    (pr->ttl <= PROMOTE_TTL_MAX && !s->noise))
		promote(e, s);
	if (e->o.on_reply != NULL)
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
	return s->src == r->src && s->dst == r->dst && s->proto == r->proto;
}

/*
 * A quote cut short before the bytes that identify a probe in its flow (a
 * short snap length, or a router quoting less than RFC 792 asks): find the
 * flow, then the one probe with the quoted IP ID.  ICMP needs the echo
 * identifier (6 bytes) to find its flow.
 */
static int
match_short_quote(struct engine *e, const struct reply *r)
{
	struct session *s;
	uint16_t id = 0;
	uint32_t i, found = UINT32_MAX;

	if (r->proto == P_ICMP) {
		if (r->t8len < 6 || r->t8[0] != 8)
			return 0;
		id = (uint16_t)(r->t8[4] << 8 | r->t8[5]);
	}
	s = session_find(e, r->src, r->dst, r->proto, id);
	if (s == NULL || e->o.strict)
		return 0;
	for (i = 0; i < s->n; i++) {
		if (s->probes[i].ipid != r->ipid ||
		    memcmp(s->probes[i].t8, r->t8, r->t8len) != 0)
			continue;
		if (found != UINT32_MAX) {
			s->ambiguous++;
			e->st.ambiguous++;
			return 1;
		}
		found = i;
	}
	if (found == UINT32_MAX)
		return 0;
	attach(e, s, found, r, 0);
	return 1;
}

/* An ICMP error: exact quote first, then field-by-field scoring. */
static int
match_quote(struct engine *e, const struct reply *r)
{
	struct pnode *n, *best = NULL;
	const struct probe *pr;
	uint8_t sb[4];
	uint64_t h;
	int cko = l4_csum_offset(r->proto), score, bscore = -1, ties = 0, i;
	int64_t rx = r->p->ts_ns;

	if (r->t8len == 8) {
		h = exact_hash(r->src, r->dst, r->proto, r->ipid, r->t8);
		for (n = e->ex.b[h & e->ex.mask]; n != NULL; n = n->next) {
			if (n->h != h || !same_flow(n->s, r))
				continue;
			pr = &n->s->probes[n->idx];
			if (pr->ipid != r->ipid || memcmp(pr->t8, r->t8, 8) != 0)
				continue;
			if (best == NULL ||
			    better_timing(pr, &best->s->probes[best->idx], rx))
				best = n;
		}
		if (best != NULL) {
			attach(e, best->s, best->idx, r, 0);
			return 1;
		}
	}
	if (stable_bytes(r->proto, r->t8, r->t8len, sb) != 0)
		return match_short_quote(e, r);
	h = loose_hash(r->src, r->dst, r->proto, sb);
	for (n = e->lo.b[h & e->lo.mask]; n != NULL; n = n->next) {
		int m_id, m_rest = 1, m_ck = 1;

		if ((e->o.strict || n->s->probes[n->idx].own) && n->h == h &&
		    same_flow(n->s, r)) {
			/* Fits our flow but not a probe's full identity. */
			e->st.rejected++;
			return 1;
		}

		if (n->h != h || !same_flow(n->s, r))
			continue;
		pr = &n->s->probes[n->idx];
		if (stable_bytes(r->proto, pr->t8, pr->t8len, sb) != 0 ||
		    memcmp(sb, r->proto == P_ICMP ? r->t8 + 4 : r->t8, 4) != 0)
			continue;
		m_id = pr->ipid == r->ipid;
		for (i = 0; i < r->t8len && i < pr->t8len; i++) {
			int in_stable = r->proto == P_ICMP ? i >= 4 : i < 4;
			int in_ck = cko >= 0 && (i == cko || i == cko + 1);

			if (in_stable || pr->t8[i] == r->t8[i])
				continue;
			if (in_ck)
				m_ck = 0;
			else
				m_rest = 0;
		}
		score = m_id + m_rest + m_ck;
		if (score < 2)
			continue;
		if (score > bscore) {
			best = n;
			bscore = score;
			ties = 0;
		} else if (score == bscore)
			ties++;
	}
	if (best == NULL)
		return 0;
	if (ties > 0) {
		best->s->ambiguous++;
		e->st.ambiguous++;
		return 1;	/* it is a reply, but to which probe is unknown */
	}
	attach(e, best->s, best->idx, r, bscore < 3);
	return 1;
}

/*
 * An answer from the destination itself (echo reply, TCP, UDP): candidates
 * share the reversed flow and its ports (or ICMP id and sequence); TCP
 * candidates whose sequence numbers the answer acknowledges come first.
 */
static int
match_direct(struct engine *e, const struct reply *r)
{
	struct pnode *n, *best = NULL;
	const struct probe *pr;
	const struct pkt *p = r->p;
	uint8_t sb[4], psb[4];
	uint64_t h;
	int fit, bfit = -1;

	if (stable_bytes(r->proto, r->t8, r->t8len, sb) != 0)
		return 0;
	h = loose_hash(r->src, r->dst, r->proto, sb);
	for (n = e->lo.b[h & e->lo.mask]; n != NULL; n = n->next) {
		if (n->h != h || !same_flow(n->s, r))
			continue;
		pr = &n->s->probes[n->idx];
		if (stable_bytes(r->proto, pr->t8, pr->t8len, psb) != 0 ||
		    memcmp(psb, sb, 4) != 0)
			continue;
		fit = 0;
		if (r->proto == P_TCP) {
			if ((pr->tcpflags & TH_SYN) && p->l4.ack == pr->tcpseq + 1)
				fit = 1;
			else if (!(pr->tcpflags & TH_SYN) &&
			    p->l4.seq == pr->tcpack)
				fit = 1;
		}
		if (fit > bfit || (fit == bfit &&
		    better_timing(pr, &best->s->probes[best->idx], p->ts_ns))) {
			best = n;
			bfit = fit;
		}
	}
	if (best == NULL)
		return 0;
	if (e->o.strict && r->proto == P_TCP && bfit == 0) {
		e->st.rejected++;
		return 1;
	}
	attach(e, best->s, best->idx, r, 0);
	return 1;
}

static enum reply_kind
error_kind(uint8_t type)
{
	switch (type) {
	case 11: return RK_TIME_EXCEEDED;
	case 3:	 return RK_UNREACH;
	case 12: return RK_PARAM_PROBLEM;
	default: return RK_SOURCE_QUENCH;
	}
}

static void
count_orphan(struct engine *e, const struct pkt *p)
{
	struct session *s;
	uint16_t id = 0;

	if (p->qip.proto == P_ICMP) {
		if (p->ql4.t8len < 1 || p->ql4.type != 8)
			return;		/* quotes no echo request: not ours */
		id = p->ql4.t8len >= 6 ? p->ql4.echo_id : 0;
	} else if (p->qip.proto != P_UDP && p->qip.proto != P_TCP)
		return;
	e->st.orphans++;
	s = session_find(e, p->qip.src, p->qip.dst, p->qip.proto, id);
	if (s != NULL) {
		s->orphans++;
		return;
	}
	/* Remember it for a session that may start later. */
	e->early[e->nearly % EARLY_ORPHANS] = (struct early_orphan){
	    .src = p->qip.src, .dst = p->qip.dst, .id = id,
	    .proto = p->qip.proto, .count = 1, .ts = e->now };
	e->nearly++;
}

/* A new session takes the replies to it that came before its first probe. */
static void
claim_early_orphans(struct engine *e, struct session *s)
{
	unsigned i;
	struct early_orphan *o;

	for (i = 0; i < EARLY_ORPHANS && i < e->nearly; i++) {
		o = &e->early[i];
		if (o->count == 0 || o->src != s->src || o->dst != s->dst ||
		    o->proto != s->proto || o->id != s->echo_id ||
		    ts_sub(e->now, o->ts) > e->o.window_ns)
			continue;
		s->orphans += o->count;
		o->count = 0;
	}
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

static enum method
trace_method(const struct session *s, const struct probe *pr, size_t n,
    int *constant_flow)
{
	size_t i;
	int same_flow_ = 1, same_ck = 1;

	for (i = 1; i < n; i++) {
		if (pr[i].sport != pr[0].sport || pr[i].dport != pr[0].dport)
			same_flow_ = 0;
		if (pr[i].csum != pr[0].csum)
			same_ck = 0;
	}
	*constant_flow = s->proto != P_ICMP && same_flow_;
	switch (s->proto) {
	case P_UDP:
		return same_flow_ ? M_UDP_PARIS : M_UDP;
	case P_ICMP:
		return same_ck && n > 1 ? M_ICMP_PARIS : M_ICMP;
	case P_TCP:
		return (pr[0].tcpflags & TH_SYN) ? M_TCP_SYN : M_TCP_ACK;
	default:
		return M_UNKNOWN;
	}
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
	t->echo_id = s->echo_id;
	t->file = e->o.file;
	t->method = trace_method(s, t->probes, n, &t->has_flow);
	for (i = 0; i < n && !t->own; i++)
		t->own = t->probes[i].own;
	if (t->has_flow && n > 0) {
		t->flow_sport = t->probes[0].sport;
		t->flow_dport = t->probes[0].dport;
	}
	t->first_ns = INT64_MAX;
	t->last_ns = INT64_MIN;
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
	}
	if (trace_build_hops(t, err, errlen) != 0) {
		trace_free(t);
		return -1;
	}
	trace_trim_past_destination(t);
	t->stop = trace_stop_reason(t, e->o.gap_limit, e->now);
	/* File totals count what belongs to traces, not to other traffic. */
	e->st.traces++;
	e->st.matched += t->replies + t->dups;
	e->st.dups += t->dups;
	e->st.late += t->late;
	return e->emit(e->arg, t, err, errlen);
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

	if (s->n == 0)
		return 0;
	if (s->proto == P_ICMP)
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
		if (s->promoted && rc == 0)
			rc = session_emit(e, s, err, errlen);
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
	if (e->sh == NULL || index_init(&e->ex, 1024) != 0 ||
	    index_init(&e->lo, 1024) != 0) {
		engine_free(e);
		lh_err(err, errlen, "out of memory");
		return NULL;
	}
	return e;
}

int
engine_pkt(struct engine *e, const struct pkt *p, char *err, size_t errlen)
{
	struct reply r;

	if (p->ts_ns > e->now)
		e->now = p->ts_ns;
	/* Probes whose window has passed cannot take this packet as a reply. */
	expire(e, ts_sub(e->now, e->o.window_ns), 0);
	memset(&r, 0, sizeof(r));
	r.p = p;
	switch (p->kind) {
	case PKT_ICMP_ERROR:
		r.src = p->qip.src;
		r.dst = p->qip.dst;
		r.proto = p->qip.proto;
		r.ipid = p->qip.id;
		r.t8 = p->ql4.t8;
		r.t8len = p->ql4.t8len;
		r.kind = error_kind(p->l4.type);
		if (!match_quote(e, &r))
			count_orphan(e, p);
		break;
	case PKT_ICMP_ECHOREPLY:
	case PKT_TCP:
	case PKT_UDP:
		r.src = p->ip.dst;
		r.dst = p->ip.src;
		r.proto = p->ip.proto;
		r.t8 = p->l4.t8;
		r.t8len = p->l4.t8len;
		if (p->kind == PKT_ICMP_ECHOREPLY) {
			r.kind = RK_ECHO_REPLY;
		} else if (p->kind == PKT_TCP) {
			uint8_t f = p->l4.flags;

			r.kind = (f & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) ?
			    RK_TCP_SYNACK : (f & TH_RST) ? RK_TCP_RST :
			    RK_TCP_OTHER;
		} else
			r.kind = RK_UDP;
		/* An answer has the probe's ports the other way round. */
		if (p->kind != PKT_ICMP_ECHOREPLY) {
			static const int swap[4] = { 2, 3, 0, 1 };
			uint8_t sw[8];
			int i;

			memcpy(sw, p->l4.t8, sizeof(sw));
			for (i = 0; i < 4; i++)
				sw[i] = p->l4.t8[swap[i]];
			r.t8 = sw;
			if (match_direct(e, &r))
				break;
		} else if (match_direct(e, &r))
			break;
		if (is_probe(p) && add_probe(e, p, err, errlen) != 0)
			return -1;
		break;
	case PKT_ICMP_ECHO:
		if (add_probe(e, p, err, errlen) != 0)
			return -1;
		break;
	default:
		break;
	}
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
		e->st.fragments++;
		break;
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
 * exact and loose indexes'), stage 1, a packet later, for the first node
 * of each of those chains.  Nothing is written and no node is read; the
 * keys are those engine_pkt() and add_probe() compute.  While few probes
 * are pending, all of that is in the caches anyway, and nothing is done.
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
	uint8_t sb[4], sw[8];
	uint16_t id = 0;

	if (e->npending < PREFETCH_MIN)
		return;
	switch (p->kind) {
	case PKT_ICMP_ERROR:
		if (p->ql4.t8len == 8)
			prefetch_bucket(&e->ex, exact_hash(p->qip.src,
			    p->qip.dst, p->qip.proto, p->qip.id, p->ql4.t8),
			    stage);
		return;
	case PKT_ICMP_ECHOREPLY:
		if (stable_bytes(p->ip.proto, p->l4.t8, p->l4.t8len, sb) == 0)
			prefetch_bucket(&e->lo, loose_hash(p->ip.dst,
			    p->ip.src, p->ip.proto, sb), stage);
		return;
	case PKT_TCP:
	case PKT_UDP:
		/* an answer to a probe: the ports the other way round */
		memcpy(sw, p->l4.t8, sizeof(sw));
		sw[0] = p->l4.t8[2];
		sw[1] = p->l4.t8[3];
		sw[2] = p->l4.t8[0];
		sw[3] = p->l4.t8[1];
		if (stable_bytes(p->ip.proto, sw, p->l4.t8len, sb) == 0)
			prefetch_bucket(&e->lo, loose_hash(p->ip.dst,
			    p->ip.src, p->ip.proto, sb), stage);
		if (!is_probe(p))
			return;
		break;
	case PKT_ICMP_ECHO:
		id = p->l4.echo_id;
		break;
	default:
		return;
	}
	/* a probe: its session, then its place in both indexes */
	if (stage == 0)
		__builtin_prefetch(&e->sh[session_hash(p->ip.src, p->ip.dst,
		    p->ip.proto, id) & e->shmask]);
	prefetch_bucket(&e->ex, exact_hash(p->ip.src, p->ip.dst, p->ip.proto,
	    p->ip.id, p->l4.t8), stage);
	if (stable_bytes(p->ip.proto, p->l4.t8, p->l4.t8len, sb) == 0)
		prefetch_bucket(&e->lo, loose_hash(p->ip.src, p->ip.dst,
		    p->ip.proto, sb), stage);
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
	free(e->sh);
	free(e);
}
