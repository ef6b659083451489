/*
 * asmap.c: the annotation database: staging batches, all-or-nothing commits,
 * and the longest-prefix-match table.
 *
 * Data layout (start reading at asmap_lookup):
 *   routes[]  sorted by (prefix, len), one per prefix/len; upsets[] holds the
 *             upstream lists of the routes that have them.
 *   notes[]   sorted the same way; eflags = own flags | flags of every
 *             covering note (computed at build).
 *   ranges    the address space cut into maximal intervals on which the most
 *             specific route and the most specific note do not change:
 *             rstart[i] is the first address of interval i; rval[i] holds
 *             the indexes into routes[] and notes[] (NONE if nothing covers).
 *             n prefixes give at most 2n+1 intervals.
 *   idx       idx[t] = the interval holding the first address of block t
 *             (blocks of /12, /16 or /20 as the table grows), so a lookup is
 *             one table read plus a binary search inside one block: a /20
 *             holds at most 16 /24s, so a few steps.  rval[i] packs the route
 *             and note index of interval i: one cache line for both.
 *   db        the world-wide image (asdb.c), asked only where no route
 *             covers the address, and for names the routes' data lacks.
 * Every commit builds new arrays first and swaps them in last, so a failure
 * (out of memory) leaves the old map intact.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "asdb.h"
#include "asmap.h"
#include "lh.h"

#define NONE UINT32_MAX
#define F_WITHDRAW 0x8000	/* batch only: this entry removes the prefix */

struct upset {
	uint32_t asn[ASMAP_MAX_UPSTREAMS];
	uint32_t n[ASMAP_MAX_UPSTREAMS];
	uint8_t cnt;
};

/* prefix at offset 0 and len at offset 4 in both: the sweep relies on it */
struct rent {
	uint32_t prefix;
	uint8_t len;
	uint8_t source;
	uint16_t flags;
	uint32_t asn;
	uint32_t upset;		/* index + 1 into upsets[], 0 = none */
};

struct nent {
	uint32_t prefix;
	uint8_t len;
	uint8_t pad;
	uint16_t flags;
	uint16_t eflags;
	char *text;
};

struct asrec {
	uint32_t asn;
	uint32_t name, org_id, org;	/* offsets into the pool, 0 = "" */
	char cc[3];
	uint8_t source;
	uint8_t touched;		/* commit-time mark */
};

struct orgrec {
	uint32_t org_id, org;
	char cc[3];
	uint8_t touched;
};

struct rval {
	uint32_t route;
	uint32_t note;
};

struct lut {
	uint32_t *rstart;
	struct rval *rval;
	size_t n;
	unsigned bits;			/* index granularity: /bits blocks */
	uint32_t *idx;			/* (1 << bits) + 1 entries */
};

struct asmap {
	struct rent *routes;
	size_t nroutes;
	struct upset *upsets;
	size_t nupsets;
	struct nent *notes;
	size_t nnotes;
	struct lut lut;
	struct asrec *names;
	size_t nnames;
	struct orgrec *orgs;
	size_t norgs;
	char *pool;
	size_t poollen;
	struct asdb *db;		/* owned; NULL: none */
	struct asmap_layer *layers;	/* strings owned, but kind */
	size_t nlayers;
};

struct brent {
	struct rent e;
	uint32_t seq;
};

struct bnent {
	struct nent e;
	uint32_t seq;
};

struct basrec {
	struct asrec r;
	uint32_t seq;
};

struct borgrec {
	struct orgrec r;
	uint32_t seq;
};

struct asmap_batch {
	struct asmap *m;
	uint8_t src;
	uint32_t seq;
	struct brent *r;
	size_t nr, cr;
	struct upset *ups;
	size_t nups, cups;
	struct bnent *notes;
	size_t nnotes, cnotes;
	struct basrec *names;
	size_t nnames, cnames;
	struct borgrec *orgs;
	size_t norgs, corgs;
	char *pool;
	size_t plen, pcap;
};

/* ---- small helpers ---- */

/*
 * Arrays that lookups touch at random: for big ones ask for transparent huge
 * pages (where the kernel grants them on request).  At a million prefixes a
 * lookup is bound by dependent cache/TLB misses, not by the search; this
 * measured 5-10% more lookups per CPU second in bench/asmap-bench.sh.
 */
#define HUGE_PAGE ((size_t)2 << 20)

static void *
lookup_alloc(size_t size)
{
	void *p;

	if (size < HUGE_PAGE)
		return malloc(size);
	size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (posix_memalign(&p, HUGE_PAGE, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);	/* advice only */
#endif
	return p;
}

static int
grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elsize)
			return -1;
		ncap *= 2;
	}
	np = realloc(*p, ncap * elsize);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static inline uint32_t
pfx_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static inline uint32_t
pfx_last(uint32_t prefix, unsigned len)
{
	return prefix | ~pfx_mask(len);
}

static inline int
key_cmp(uint32_t pa, unsigned la, uint32_t pb, unsigned lb)
{
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (la != lb)
		return la < lb ? -1 : 1;
	return 0;
}

/* Append s (may be NULL) to a pool; returns its offset, 0 for "" / NULL. */
static int
pool_add(char **pool, size_t *plen, size_t *pcap, const char *s, uint32_t *off)
{
	size_t n;

	*off = 0;
	if (s == NULL || *s == '\0')
		return 0;
	n = strlen(s) + 1;
	if (*plen == 0) {
		/* offset 0 is the empty string */
		if (grow((void **)pool, pcap, 1, 1) < 0)
			return -1;
		(*pool)[0] = '\0';
		*plen = 1;
	}
	if (*plen + n > UINT32_MAX)
		return -1;
	if (grow((void **)pool, pcap, *plen + n, 1) < 0)
		return -1;
	memcpy(*pool + *plen, s, n);
	*off = (uint32_t)*plen;
	*plen += n;
	return 0;
}

static const char *
pool_str(const char *pool, uint32_t off)
{
	return off == 0 || pool == NULL ? "" : pool + off;
}

/* Copy a country code: two ASCII letters upper-cased, anything else "". */
static void
cc_copy(char dst[3], const char *src)
{
	dst[0] = dst[1] = dst[2] = '\0';
	if (src == NULL)
		return;
	if (((src[0] >= 'A' && src[0] <= 'Z') || (src[0] >= 'a' && src[0] <= 'z')) &&
	    ((src[1] >= 'A' && src[1] <= 'Z') || (src[1] >= 'a' && src[1] <= 'z')) &&
	    src[2] == '\0') {
		dst[0] = (char)(src[0] & ~0x20);
		dst[1] = (char)(src[1] & ~0x20);
	}
}

/* ---- the range table ---- */

struct rvec {
	uint32_t *start;
	uint32_t *val;
	size_t n, cap;
};

static int
rvec_emit(struct rvec *v, uint32_t start, uint32_t val)
{
	if (v->n > 0 && v->start[v->n - 1] == start) {
		v->val[v->n - 1] = val;
		if (v->n > 1 && v->val[v->n - 2] == val)
			v->n--;
		return 0;
	}
	if (v->n > 0 && v->val[v->n - 1] == val)
		return 0;
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 256;
		uint32_t *s = realloc(v->start, nc * sizeof(*s));

		if (s == NULL)
			return -1;
		v->start = s;
		s = realloc(v->val, nc * sizeof(*s));
		if (s == NULL)
			return -1;
		v->val = s;
		v->cap = nc;
	}
	v->start[v->n] = start;
	v->val[v->n] = val;
	v->n++;
	return 0;
}

static void
rvec_free(struct rvec *v)
{
	free(v->start);
	free(v->val);
	memset(v, 0, sizeof(*v));
}

#define ITEM_PREFIX(base, stride, i) \
	(*(const uint32_t *)(const void *)((base) + (size_t)(i) * (stride)))
#define ITEM_LEN(base, stride, i) \
	(*((base) + (size_t)(i) * (stride) + 4))

/*
 * Cut the address space by n sorted, unique prefixes (records of stride
 * bytes at base): each interval gets the index of the most specific prefix
 * covering it.  parent[i] (if not NULL) receives the index of the prefix
 * directly covering item i, or NONE.
 */
static int
sweep(const unsigned char *base, size_t stride, size_t n, struct rvec *out,
    uint32_t *parent)
{
	uint32_t stack[34];
	int sp = 0;
	size_t i;

	if (rvec_emit(out, 0, NONE) < 0)
		return -1;
	for (i = 0; i <= n; i++) {
		uint32_t p = i < n ? ITEM_PREFIX(base, stride, i) : 0;

		while (sp > 0) {
			uint32_t t = stack[sp - 1];
			uint32_t tp = ITEM_PREFIX(base, stride, t);
			uint32_t tl = pfx_last(tp, ITEM_LEN(base, stride, t));

			if (i < n && p >= tp && p <= tl)
				break;
			sp--;
			if (tl != 0xffffffffu &&
			    rvec_emit(out, tl + 1, sp > 0 ? stack[sp - 1] : NONE) < 0)
				return -1;
		}
		if (i == n)
			break;
		if (parent != NULL)
			parent[i] = sp > 0 ? stack[sp - 1] : NONE;
		if (rvec_emit(out, p, (uint32_t)i) < 0)
			return -1;
		stack[sp++] = (uint32_t)i;	/* depth <= 33: lengths strictly grow */
	}
	return 0;
}

static void
lut_free(struct lut *l)
{
	free(l->rstart);
	free(l->rval);
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

/* Build the lookup table of routes and notes; computes notes[].eflags. */
static int
lut_build(struct lut *l, const struct rent *routes, size_t nroutes,
    struct nent *notes, size_t nnotes)
{
	struct rvec rv = { 0 }, nv = { 0 };
	uint32_t *parent = NULL;
	size_t i, a = 0, b = 0, n = 0, cap, nblocks;
	uint32_t t;

	memset(l, 0, sizeof(*l));
	if (sweep((const unsigned char *)routes, sizeof(*routes), nroutes, &rv,
	    NULL) < 0)
		goto fail;
	if (nnotes > 0 && (parent = malloc(nnotes * sizeof(*parent))) == NULL)
		goto fail;
	if (sweep((const unsigned char *)notes, sizeof(*notes), nnotes, &nv,
	    parent) < 0)
		goto fail;
	/* parents come before children in sorted order */
	for (i = 0; i < nnotes; i++)
		notes[i].eflags = (uint16_t)(notes[i].flags |
		    (parent[i] != NONE ? notes[parent[i]].eflags : 0));

	/* merge the two interval lists */
	cap = rv.n + nv.n;
	/* a finer index for bigger tables: about one interval per block */
	l->bits = cap < 4096 ? 12 : cap < 262144 ? 16 : 20;
	nblocks = (size_t)1 << l->bits;
	l->rstart = lookup_alloc(cap * sizeof(*l->rstart));
	l->rval = lookup_alloc(cap * sizeof(*l->rval));
	l->idx = lookup_alloc((nblocks + 1) * sizeof(*l->idx));
	if (l->rstart == NULL || l->rval == NULL || l->idx == NULL)
		goto fail;
	/* both lists start at address 0 */
	while (a < rv.n || b < nv.n) {
		uint32_t s;

		if (b >= nv.n || (a < rv.n && rv.start[a] < nv.start[b]))
			s = rv.start[a];
		else
			s = nv.start[b];
		if (a < rv.n && rv.start[a] == s)
			a++;
		if (b < nv.n && nv.start[b] == s)
			b++;
		/* a-1 and b-1 are now the intervals holding s */
		if (n > 0 && l->rval[n - 1].route == rv.val[a - 1] &&
		    l->rval[n - 1].note == nv.val[b - 1])
			continue;
		l->rstart[n] = s;
		l->rval[n].route = rv.val[a - 1];
		l->rval[n].note = nv.val[b - 1];
		n++;
	}
	l->n = n;
	for (i = 0, t = 0; t < nblocks; t++) {
		uint32_t addr = t << (32 - l->bits);

		while (i + 1 < n && l->rstart[i + 1] <= addr)
			i++;
		l->idx[t] = (uint32_t)i;
	}
	l->idx[nblocks] = (uint32_t)(n - 1);
	rvec_free(&rv);
	rvec_free(&nv);
	free(parent);
	return 0;
fail:
	rvec_free(&rv);
	rvec_free(&nv);
	free(parent);
	lut_free(l);
	return -1;
}

/* ---- the map ---- */

struct asmap *
asmap_new(void)
{
	struct asmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	if (lut_build(&m->lut, NULL, 0, NULL, 0) < 0) {
		free(m);
		return NULL;
	}
	return m;
}

static void
notes_free(struct nent *notes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(notes[i].text);
	free(notes);
}

void
asmap_free(struct asmap *m)
{
	if (m == NULL)
		return;
	free(m->routes);
	free(m->upsets);
	notes_free(m->notes, m->nnotes);
	lut_free(&m->lut);
	free(m->names);
	free(m->orgs);
	free(m->pool);
	asdb_close(m->db);
	while (m->nlayers > 0)
		asmap_drop_layer(m);
	free(m->layers);
	free(m);
}

size_t
asmap_nroutes(const struct asmap *m)
{
	return m->nroutes;
}

size_t
asmap_nnotes(const struct asmap *m)
{
	return m->nnotes;
}

size_t
asmap_nnames(const struct asmap *m)
{
	return m->nnames;
}

static void
route_out(const struct asmap *m, const struct rent *e, struct asmap_route *out)
{
	memset(out, 0, sizeof(*out));
	out->prefix = e->prefix;
	out->len = e->len;
	out->source = e->source;
	out->flags = e->flags;
	out->asn = e->asn;
	if (e->upset != 0) {
		const struct upset *u = &m->upsets[e->upset - 1];

		out->nupstreams = u->cnt;
		memcpy(out->upstreams, u->asn, sizeof(u->asn));
		memcpy(out->upstream_paths, u->n, sizeof(u->n));
	}
}

/*
 * Host bits of the largest aligned block around addr that starts at or
 * after lo: any count up to the highest bit where addr and lo differ
 * (above it the block's start exceeds lo), or up to lo's trailing zeros
 * (the block then starts at lo).  For the end, the same with every bit
 * flipped (hi's trailing ones).
 */
static unsigned
host_bits(uint32_t addr, uint32_t lo)
{
	uint32_t d = addr ^ lo;
	unsigned k = d != 0 ? 31 - (unsigned)__builtin_clz(d) : 0;
	unsigned z = lo != 0 ? (unsigned)__builtin_ctz(lo) : 32;

	if (d == 0)
		return z;
	return z > k ? z : k;
}

/*
 * The image's answer for addr, as a route: the largest CIDR block around
 * addr inside the image's interval (what splitting the interval into
 * prefixes, as the --asmap loader does, would have matched).
 */
static int
image_lookup(const struct asdb *db, uint32_t addr, struct asmap_result *r)
{
	struct asdb_hit hit;
	unsigned h = 0, h2;

	if (asdb_lookup(db, addr, &hit) != 1)
		return 0;
	if (hit.first <= addr && addr <= hit.last) {	/* else a bad image */
		h = host_bits(addr, hit.first);
		h2 = host_bits(~addr, ~hit.last);
		if (h2 < h)
			h = h2;
	}
	r->len = (uint8_t)(32 - h);
	r->prefix = addr & pfx_mask(32 - h);
	r->source = ASMAP_SRC_ASDB;
	r->asn = hit.asn;
	return 1;
}

int
asmap_lookup(const struct asmap *m, uint32_t addr, struct asmap_result *r)
{
	const struct lut *l = &m->lut;
	uint32_t t = addr >> (32 - l->bits);
	uint32_t lo = l->idx[t], hi = l->idx[t + 1];
	uint32_t ri, ni;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (l->rstart[mid] <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	memset(r, 0, sizeof(*r));
	ri = l->rval[lo].route;
	ni = l->rval[lo].note;
	if (ni != NONE) {
		const struct nent *n = &m->notes[ni];

		r->flags = n->eflags;
		r->note_prefix = n->prefix;
		r->note_len = n->len;
		r->note = n->text != NULL ? n->text : "";
	}
	if (ri == NONE)
		return m->db != NULL ? image_lookup(m->db, addr, r) : 0;
	{
		const struct rent *e = &m->routes[ri];

		r->prefix = e->prefix;
		r->len = e->len;
		r->source = e->source;
		r->flags |= e->flags;
		r->asn = e->asn;
		if (e->upset != 0) {
			const struct upset *u = &m->upsets[e->upset - 1];

			r->nupstreams = u->cnt;
			r->upstream = u->cnt > 0 ? u->asn[0] : 0;
			memcpy(r->upstreams, u->asn, sizeof(u->asn));
			memcpy(r->upstream_paths, u->n, sizeof(u->n));
		}
	}
	return 1;
}

/* First route index with key >= (prefix, len). */
static size_t
route_lower(const struct asmap *m, uint32_t prefix, unsigned len)
{
	size_t lo = 0, hi = m->nroutes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(m->routes[mid].prefix, m->routes[mid].len, prefix,
		    len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
asmap_route_exact(const struct asmap *m, uint32_t prefix, unsigned len,
    struct asmap_route *out)
{
	size_t i;

	if (len > 32)
		return 0;
	i = route_lower(m, prefix, len);
	if (i < m->nroutes && m->routes[i].prefix == prefix &&
	    m->routes[i].len == len) {
		route_out(m, &m->routes[i], out);
		return 1;
	}
	return 0;
}

int
asmap_foreach_route(const struct asmap *m, uint32_t prefix, unsigned len,
    int (*fn)(const struct asmap_route *r, void *arg), void *arg)
{
	struct asmap_route r;
	uint32_t last;
	size_t i;
	int rc;

	if (len > 32)
		return 0;
	prefix &= pfx_mask(len);
	last = pfx_last(prefix, len);
	for (i = route_lower(m, prefix, len); i < m->nroutes; i++) {
		const struct rent *e = &m->routes[i];

		if (e->prefix > last)
			break;
		if (e->len < len)
			continue;
		route_out(m, e, &r);
		if ((rc = fn(&r, arg)) != 0)
			return rc;
	}
	return 0;
}

int
asmap_asinfo(const struct asmap *m, uint32_t asn, struct asmap_asinfo *out)
{
	size_t lo = 0, hi = m->nnames;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->names[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	memset(out, 0, sizeof(*out));
	out->asn = asn;
	out->name = out->org_id = out->org = "";
	if (lo >= m->nnames || m->names[lo].asn != asn) {
		/* the image's organisation, when it knows the AS */
		if (m->db != NULL && asdb_org(m->db, asn, &out->org) == 1) {
			out->source = ASMAP_SRC_ASDB;
			return 1;
		}
		return 0;
	}
	out->name = pool_str(m->pool, m->names[lo].name);
	out->org_id = pool_str(m->pool, m->names[lo].org_id);
	out->org = pool_str(m->pool, m->names[lo].org);
	memcpy(out->country, m->names[lo].cc, 3);
	out->source = m->names[lo].source;
	if (out->org[0] == '\0' && m->db != NULL)
		(void)asdb_org(m->db, asn, &out->org);
	return 1;
}

/* ---- the image and the layers ---- */

static void
layer_free(struct asmap_layer *l)
{
	free((char *)(uintptr_t)l->name);
	free((char *)(uintptr_t)l->version);
	free((char *)(uintptr_t)l->format);
}

int
asmap_add_layer(struct asmap *m, const char *kind, const char *name,
    const char *version, const char *format, char *err, size_t errlen)
{
	struct asmap_layer *nl, *l;

	nl = realloc(m->layers, (m->nlayers + 1) * sizeof(*nl));
	if (nl == NULL)
		return lh_err(err, errlen, "out of memory");
	m->layers = nl;
	l = &nl[m->nlayers];
	l->kind = kind;
	l->name = strdup(name != NULL ? name : "");
	l->version = strdup(version != NULL ? version : "");
	l->format = strdup(format != NULL ? format : "");
	if (l->name == NULL || l->version == NULL || l->format == NULL) {
		layer_free(l);
		return lh_err(err, errlen, "out of memory");
	}
	m->nlayers++;
	return 0;
}

void
asmap_drop_layer(struct asmap *m)
{
	struct asmap_layer *l;

	if (m->nlayers == 0)
		return;
	l = &m->layers[--m->nlayers];
	layer_free(l);
}

size_t
asmap_nlayers(const struct asmap *m)
{
	return m->nlayers;
}

void
asmap_layer(const struct asmap *m, size_t i, struct asmap_layer *out)
{
	*out = m->layers[i];
}

int
asmap_attach_asdb(struct asmap *m, struct asdb *db, char *err, size_t errlen)
{
	struct asdb_info info;
	size_t i;

	/* the old image's layer goes with it */
	for (i = 0; m->db != NULL && i < m->nlayers; i++) {
		struct asmap_layer *l = &m->layers[i];

		if (strcmp(l->kind, "image") != 0)
			continue;
		layer_free(l);
		memmove(l, l + 1, (m->nlayers - i - 1) * sizeof(*l));
		m->nlayers--;
		break;
	}
	asdb_close(m->db);
	m->db = NULL;
	if (db == NULL)
		return 0;
	asdb_get_info(db, &info);
	if (asmap_add_layer(m, "image", info.dataset, info.version, NULL, err,
	    errlen) != 0) {
		asdb_close(db);
		return -1;
	}
	m->db = db;
	return 0;
}

const struct asdb *
asmap_get_asdb(const struct asmap *m)
{
	return m->db;
}

/* ---- batches ---- */

struct asmap_batch *
asmap_batch_new(struct asmap *m, enum asmap_source src)
{
	struct asmap_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->m = m;
	b->src = (uint8_t)src;
	return b;
}

void
asmap_batch_abort(struct asmap_batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	free(b->r);
	free(b->ups);
	for (i = 0; i < b->nnotes; i++)
		free(b->notes[i].e.text);
	free(b->notes);
	free(b->names);
	free(b->orgs);
	free(b->pool);
	free(b);
}

static int
check_pfx(uint32_t prefix, unsigned len, char *err, size_t errlen)
{
	char buf[LH_IP4_STRLEN];

	if (len > 32)
		return lh_err(err, errlen, "prefix length %u out of range (0..32)",
		    len);
	if ((prefix & ~pfx_mask(len)) != 0)
		return lh_err(err, errlen, "host bits set in %s/%u",
		    lh_ip4_str(prefix, buf, sizeof(buf)), len);
	return 0;
}

static int
oom(char *err, size_t errlen)
{
	return lh_err(err, errlen, "out of memory");
}

static int
batch_push(struct asmap_batch *b, const struct rent *e)
{
	if (grow((void **)&b->r, &b->cr, b->nr + 1, sizeof(*b->r)) < 0)
		return -1;
	b->r[b->nr].e = *e;
	b->r[b->nr].seq = b->seq++;
	b->nr++;
	return 0;
}

int
asmap_batch_route(struct asmap_batch *b, const struct asmap_route *r,
    char *err, size_t errlen)
{
	struct rent e;
	unsigned i, n;

	if (check_pfx(r->prefix, r->len, err, errlen) < 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.prefix = r->prefix;
	e.len = r->len;
	e.source = b->src;
	e.flags = (uint16_t)(r->flags & ~F_WITHDRAW & ~ASMAP_F_REGION_MASK);
	e.asn = r->asn;
	n = r->nupstreams > ASMAP_MAX_UPSTREAMS ? ASMAP_MAX_UPSTREAMS :
	    r->nupstreams;
	if (n > 0) {
		struct upset *u;

		if (grow((void **)&b->ups, &b->cups, b->nups + 1,
		    sizeof(*b->ups)) < 0)
			return oom(err, errlen);
		u = &b->ups[b->nups];
		memset(u, 0, sizeof(*u));
		for (i = 0; i < n; i++) {
			u->asn[i] = r->upstreams[i];
			u->n[i] = r->upstream_paths[i];
		}
		u->cnt = (uint8_t)n;
		e.upset = (uint32_t)++b->nups;
	}
	if (batch_push(b, &e) < 0)
		return oom(err, errlen);
	return 0;
}

int
asmap_batch_withdraw(struct asmap_batch *b, uint32_t prefix, unsigned len,
    char *err, size_t errlen)
{
	struct rent e;

	if (check_pfx(prefix, len, err, errlen) < 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.prefix = prefix;
	e.len = (uint8_t)len;
	e.source = b->src;
	e.flags = F_WITHDRAW;
	if (batch_push(b, &e) < 0)
		return oom(err, errlen);
	return 0;
}

int
asmap_batch_note(struct asmap_batch *b, uint32_t prefix, unsigned len,
    uint16_t flags, const char *text, char *err, size_t errlen)
{
	struct bnent *n;
	char *t = NULL;

	if (check_pfx(prefix, len, err, errlen) < 0)
		return -1;
	if (text != NULL && (t = strdup(text)) == NULL)
		return oom(err, errlen);
	if (grow((void **)&b->notes, &b->cnotes, b->nnotes + 1,
	    sizeof(*b->notes)) < 0) {
		free(t);
		return oom(err, errlen);
	}
	n = &b->notes[b->nnotes++];
	memset(n, 0, sizeof(*n));
	n->e.prefix = prefix;
	n->e.len = (uint8_t)len;
	n->e.flags = (uint16_t)(flags & ~F_WITHDRAW);
	n->e.text = t;
	n->seq = b->seq++;
	return 0;
}

int
asmap_batch_asinfo(struct asmap_batch *b, uint32_t asn, const char *name,
    const char *org_id, const char *org, const char *country,
    char *err, size_t errlen)
{
	struct basrec *r;

	if (grow((void **)&b->names, &b->cnames, b->nnames + 1,
	    sizeof(*b->names)) < 0)
		return oom(err, errlen);
	r = &b->names[b->nnames];
	memset(r, 0, sizeof(*r));
	r->r.asn = asn;
	r->r.source = b->src;
	if (pool_add(&b->pool, &b->plen, &b->pcap, name, &r->r.name) < 0 ||
	    pool_add(&b->pool, &b->plen, &b->pcap, org_id, &r->r.org_id) < 0 ||
	    pool_add(&b->pool, &b->plen, &b->pcap, org, &r->r.org) < 0)
		return oom(err, errlen);
	cc_copy(r->r.cc, country);
	r->seq = b->seq++;
	b->nnames++;
	return 0;
}

int
asmap_batch_org(struct asmap_batch *b, const char *org_id, const char *org,
    const char *country, char *err, size_t errlen)
{
	struct borgrec *r;

	if (org_id == NULL || *org_id == '\0')
		return lh_err(err, errlen, "empty organisation id");
	if (grow((void **)&b->orgs, &b->corgs, b->norgs + 1,
	    sizeof(*b->orgs)) < 0)
		return oom(err, errlen);
	r = &b->orgs[b->norgs];
	memset(r, 0, sizeof(*r));
	if (pool_add(&b->pool, &b->plen, &b->pcap, org_id, &r->r.org_id) < 0 ||
	    pool_add(&b->pool, &b->plen, &b->pcap, org, &r->r.org) < 0)
		return oom(err, errlen);
	cc_copy(r->r.cc, country);
	r->seq = b->seq++;
	b->norgs++;
	return 0;
}

/* ---- commit ---- */

static int
brent_cmp(const void *a, const void *b)
{
	const struct brent *x = a, *y = b;
	int c = key_cmp(x->e.prefix, x->e.len, y->e.prefix, y->e.len);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
bnent_cmp(const void *a, const void *b)
{
	const struct bnent *x = a, *y = b;
	int c = key_cmp(x->e.prefix, x->e.len, y->e.prefix, y->e.len);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
basrec_cmp(const void *a, const void *b)
{
	const struct basrec *x = a, *y = b;

	if (x->r.asn != y->r.asn)
		return x->r.asn < y->r.asn ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* qsort has no context argument: the pool of the batch being sorted (per
   thread, so that separate maps may load in separate threads) */
static _Thread_local const char *borg_pool;

static int
borgrec_cmp(const void *a, const void *b)
{
	const struct borgrec *x = a, *y = b;
	int c = strcmp(pool_str(borg_pool, x->r.org_id),
	    pool_str(borg_pool, y->r.org_id));

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort unless already in order (loaders usually read sorted files). */
static void
sort_if_needed(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	const char *p = base;
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			break;
	if (i < n)
		qsort(base, n, size, cmp);
}

struct newroutes {
	struct rent *routes;
	size_t n;
	struct upset *upsets;
	size_t nups, cups;
};

static int
keep_route(struct newroutes *nr, const struct rent *e, const struct upset *u)
{
	nr->routes[nr->n] = *e;
	nr->routes[nr->n].upset = 0;
	if (u != NULL) {
		if (grow((void **)&nr->upsets, &nr->cups, nr->nups + 1,
		    sizeof(*nr->upsets)) < 0)
			return -1;
		nr->upsets[nr->nups++] = *u;
		nr->routes[nr->n].upset = (uint32_t)nr->nups;
	}
	nr->n++;
	return 0;
}

/* Merge the batch's routes into a new route array (old map untouched). */
static int
merge_routes(struct asmap_batch *b, struct newroutes *nr)
{
	const struct asmap *m = b->m;
	size_t i = 0, j = 0, k;

	memset(nr, 0, sizeof(*nr));
	sort_if_needed(b->r, b->nr, sizeof(*b->r), brent_cmp);
	/* keep the last entry of each prefix/len in the batch */
	for (i = 0, k = 0; i < b->nr; i++) {
		if (i + 1 < b->nr && b->r[i + 1].e.prefix == b->r[i].e.prefix &&
		    b->r[i + 1].e.len == b->r[i].e.len)
			continue;
		b->r[k++] = b->r[i];
	}
	b->nr = k;
	if (m->nroutes + b->nr > 0 &&
	    (nr->routes = lookup_alloc((m->nroutes + b->nr) *
	    sizeof(*nr->routes))) == NULL)
		return -1;
	i = j = 0;
	while (i < m->nroutes || j < b->nr) {
		const struct rent *o = i < m->nroutes ? &m->routes[i] : NULL;
		const struct rent *n = j < b->nr ? &b->r[j].e : NULL;
		int c;

		if (o == NULL)
			c = 1;
		else if (n == NULL)
			c = -1;
		else
			c = key_cmp(o->prefix, o->len, n->prefix, n->len);
		if (c < 0) {
			if (keep_route(nr, o, o->upset ?
			    &m->upsets[o->upset - 1] : NULL) < 0)
				return -1;
			i++;
			continue;
		}
		if (c == 0)
			i++;	/* the batch replaces (or withdraws) it */
		if (!(n->flags & F_WITHDRAW) && keep_route(nr, n, n->upset ?
		    &b->ups[n->upset - 1] : NULL) < 0)
			return -1;
		j++;
	}
	return 0;
}

/* Merge notes: returns a new array; texts are moved out of the old ones later. */
static int
merge_notes(struct asmap_batch *b, struct nent **out, size_t *nout)
{
	const struct asmap *m = b->m;
	struct nent *nn;
	size_t i, j, k, n = 0;

	*out = NULL;
	*nout = 0;
	sort_if_needed(b->notes, b->nnotes, sizeof(*b->notes), bnent_cmp);
	for (i = 0, k = 0; i < b->nnotes; i++) {
		if (i + 1 < b->nnotes &&
		    b->notes[i + 1].e.prefix == b->notes[i].e.prefix &&
		    b->notes[i + 1].e.len == b->notes[i].e.len) {
			free(b->notes[i].e.text);
			b->notes[i].e.text = NULL;
			continue;
		}
		b->notes[k++] = b->notes[i];
	}
	b->nnotes = k;
	if (m->nnotes + b->nnotes == 0)
		return 0;
	nn = calloc(m->nnotes + b->nnotes, sizeof(*nn));
	if (nn == NULL)
		return -1;
	i = j = 0;
	while (i < m->nnotes || j < b->nnotes) {
		int c;

		if (i >= m->nnotes)
			c = 1;
		else if (j >= b->nnotes)
			c = -1;
		else
			c = key_cmp(m->notes[i].prefix, m->notes[i].len,
			    b->notes[j].e.prefix, b->notes[j].e.len);
		if (c < 0) {
			nn[n] = m->notes[i++];
			nn[n++].text = NULL;	/* filled at the swap */
		} else {
			if (c == 0)
				i++;
			nn[n] = b->notes[j++].e;
			nn[n++].text = NULL;
		}
	}
	*out = nn;
	*nout = n;
	return 0;
}

/* Find an organisation by id in a sorted org array. */
static const struct orgrec *
org_find(const struct orgrec *orgs, size_t n, const char *pool, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pool_str(pool, orgs[mid].org_id), id);

		if (c == 0)
			return &orgs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct newnames {
	struct asrec *names;
	size_t n;
	struct orgrec *orgs;
	size_t norgs;
	char *pool;
	size_t plen, pcap;
};

static void
newnames_free(struct newnames *nn)
{
	free(nn->names);
	free(nn->orgs);
	free(nn->pool);
	memset(nn, 0, sizeof(*nn));
}

/* Copy a string from one pool into the new pool. */
static int
repool(struct newnames *nn, const char *pool, uint32_t off, uint32_t *noff)
{
	return pool_add(&nn->pool, &nn->plen, &nn->pcap, pool_str(pool, off),
	    noff);
}

/* Overlay the non-empty fields of a batch record onto a merged one. */
static int
overlay_asrec(struct newnames *nn, struct asrec *dst, const struct asrec *src,
    const char *pool)
{
	if (src->name && repool(nn, pool, src->name, &dst->name) < 0)
		return -1;
	if (src->org_id && repool(nn, pool, src->org_id, &dst->org_id) < 0)
		return -1;
	if (src->org && repool(nn, pool, src->org, &dst->org) < 0)
		return -1;
	if (src->cc[0])
		memcpy(dst->cc, src->cc, 3);
	dst->source = src->source;
	dst->touched = 1;
	return 0;
}

static int
merge_names(struct asmap_batch *b, struct newnames *nn)
{
	const struct asmap *m = b->m;
	size_t i, j;

	memset(nn, 0, sizeof(*nn));
	if (b->nnames == 0 && b->norgs == 0)
		return 1;	/* nothing to do: keep the old tables */
	sort_if_needed(b->names, b->nnames, sizeof(*b->names), basrec_cmp);
	borg_pool = b->pool;
	sort_if_needed(b->orgs, b->norgs, sizeof(*b->orgs), borgrec_cmp);
	borg_pool = NULL;

	/* organisations */
	if (m->norgs + b->norgs > 0 &&
	    (nn->orgs = calloc(m->norgs + b->norgs, sizeof(*nn->orgs))) == NULL)
		return -1;
	i = j = 0;
	while (i < m->norgs || j < b->norgs) {
		struct orgrec *d = &nn->orgs[nn->norgs];
		const char *id;

		if (i < m->norgs && (j >= b->norgs ||
		    strcmp(pool_str(m->pool, m->orgs[i].org_id),
		    pool_str(b->pool, b->orgs[j].r.org_id)) <= 0)) {
			id = pool_str(m->pool, m->orgs[i].org_id);
			if (repool(nn, m->pool, m->orgs[i].org_id, &d->org_id) < 0 ||
			    repool(nn, m->pool, m->orgs[i].org, &d->org) < 0)
				return -1;
			memcpy(d->cc, m->orgs[i].cc, 3);
			i++;
		} else {
			id = pool_str(b->pool, b->orgs[j].r.org_id);
			if (repool(nn, b->pool, b->orgs[j].r.org_id,
			    &d->org_id) < 0)
				return -1;
		}
		/* every batch record with this id, in load order */
		while (j < b->norgs &&
		    strcmp(pool_str(b->pool, b->orgs[j].r.org_id), id) == 0) {
			const struct orgrec *s = &b->orgs[j].r;

			if (s->org && repool(nn, b->pool, s->org, &d->org) < 0)
				return -1;
			if (s->cc[0])
				memcpy(d->cc, s->cc, 3);
			d->touched = 1;
			j++;
		}
		nn->norgs++;
	}

	/* AS records */
	if (m->nnames + b->nnames > 0 &&
	    (nn->names = calloc(m->nnames + b->nnames, sizeof(*nn->names))) ==
	    NULL)
		return -1;
	i = j = 0;
	while (i < m->nnames || j < b->nnames) {
		struct asrec *d = &nn->names[nn->n];
		uint32_t asn;

		if (i < m->nnames &&
		    (j >= b->nnames || m->names[i].asn <= b->names[j].r.asn)) {
			const struct asrec *s = &m->names[i++];

			*d = *s;
			d->touched = 0;
			if (repool(nn, m->pool, s->name, &d->name) < 0 ||
			    repool(nn, m->pool, s->org_id, &d->org_id) < 0 ||
			    repool(nn, m->pool, s->org, &d->org) < 0)
				return -1;
		} else {
			memset(d, 0, sizeof(*d));
			d->asn = b->names[j].r.asn;
		}
		asn = d->asn;
		while (j < b->nnames && b->names[j].r.asn == asn) {
			if (overlay_asrec(nn, d, &b->names[j].r, b->pool) < 0)
				return -1;
			j++;
		}
		nn->n++;
	}

	/* resolve organisations: for new AS records, or AS records whose
	   organisation this batch changed */
	for (i = 0; i < nn->n; i++) {
		struct asrec *d = &nn->names[i];
		const struct orgrec *o;

		if (d->org_id == 0)
			continue;
		o = org_find(nn->orgs, nn->norgs, nn->pool,
		    pool_str(nn->pool, d->org_id));
		if (o == NULL || (!d->touched && !o->touched))
			continue;
		if (o->org)
			d->org = o->org;	/* same pool: share the offset */
		if (o->cc[0])
			memcpy(d->cc, o->cc, 3);
	}
	for (i = 0; i < nn->n; i++)
		nn->names[i].touched = 0;
	for (i = 0; i < nn->norgs; i++)
		nn->orgs[i].touched = 0;
	return 0;
}

int
asmap_batch_commit(struct asmap_batch *b, char *err, size_t errlen)
{
	struct asmap *m = b->m;
	struct newroutes nr;
	struct nent *notes = NULL;
	size_t nnotes = 0, i, j;
	struct newnames nn;
	struct lut lut;
	int names_same;

	memset(&nn, 0, sizeof(nn));
	if (merge_routes(b, &nr) < 0)
		goto oom;
	if (merge_notes(b, &notes, &nnotes) < 0)
		goto oom;
	if ((names_same = merge_names(b, &nn)) < 0)
		goto oom;
	if (lut_build(&lut, nr.routes, nr.n, notes, nnotes) < 0)
		goto oom;

	/* nothing can fail from here on: swap */
	/* note texts: move from the old notes / the batch into the new array */
	for (i = 0, j = 0; i < nnotes; i++) {
		for (; j < m->nnotes && key_cmp(m->notes[j].prefix,
		    m->notes[j].len, notes[i].prefix, notes[i].len) < 0; j++)
			;
		if (j < m->nnotes && m->notes[j].prefix == notes[i].prefix &&
		    m->notes[j].len == notes[i].len) {
			notes[i].text = m->notes[j].text;
			m->notes[j].text = NULL;
		}
	}
	/* batch texts override the old ones */
	for (i = 0, j = 0; j < b->nnotes; j++) {
		for (; i < nnotes && key_cmp(notes[i].prefix, notes[i].len,
		    b->notes[j].e.prefix, b->notes[j].e.len) < 0; i++)
			;
		free(notes[i].text);
		notes[i].text = b->notes[j].e.text;
		b->notes[j].e.text = NULL;
	}
	free(m->routes);
	free(m->upsets);
	m->routes = nr.routes;
	m->nroutes = nr.n;
	m->upsets = nr.upsets;
	m->nupsets = nr.nups;
	notes_free(m->notes, m->nnotes);
	m->notes = notes;
	m->nnotes = nnotes;
	lut_free(&m->lut);
	m->lut = lut;
	if (names_same == 0) {
		free(m->names);
		free(m->orgs);
		free(m->pool);
		m->names = nn.names;
		m->nnames = nn.n;
		m->orgs = nn.orgs;
		m->norgs = nn.norgs;
		m->pool = nn.pool;
		m->poollen = nn.plen;
	}
	asmap_batch_abort(b);
	return 0;
oom:
	free(nr.routes);
	free(nr.upsets);
	free(notes);
	newnames_free(&nn);
	asmap_batch_abort(b);
	return lh_err(err, errlen, "out of memory building the AS map");
}
