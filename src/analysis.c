/*
 * analysis.c: network annotation, handoff inference and the verdict.
 *
 * Roles: every responding address gets the role of its network on this
 * path: the destination, the target network (the AS that originates the
 * destination, or space flagged as inside it), the target's upstream (from
 * BGP paths when the researcher gave a RIB dump, else from what is known
 * of the target, else from the trace), private space, or transit.
 *
 * The handoff is the step from the upstream's last router to the target's
 * first.  Providers number customer links from their own space, so the
 * target's border router often answers with an upstream address; when an
 * upstream-numbered hop is followed directly by a target-numbered hop, the
 * link between them is internal to the target, so that router is the
 * target's border router ("upstream-numbered border").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "lh.h"
#include "proto.h"

/* The sentences built here may be cut at their buffer's end; that is fine. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/*
 * A sentence built piece by piece into a fixed buffer.  Like snprintf(),
 * it stops at the buffer's end and keeps the text NUL-terminated; unlike
 * it, there is no format string to interpret, which is most of what a
 * verdict per trace cost on a capture of thousands of traces.
 */
struct sb {
	char	*p;
	size_t	 n, cap;	/* cap >= 1: the buffer's size */
};

static void
sb_init(struct sb *b, char *buf, size_t cap)
{
	b->p = buf;
	b->n = 0;
	b->cap = cap;
	buf[0] = '\0';
}

static void
sb_mem(struct sb *b, const char *s, size_t n)
{
	size_t room = b->cap - 1 - b->n;

	if (n > room)
		n = room;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

/* A string literal: its length is known at compile time. */
#define SB_LIT(b, s)	sb_mem((b), "" s, sizeof(s) - 1)

static void
sb_u(struct sb *b, uint64_t v)
{
	char t[24];
	size_t i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sb_mem(b, t + i, sizeof(t) - i);
}

/* doc/SOURCES.md §2 [V]: upstreams of AS131279 over time (China Unicom since
 * 2010-11, Intelsat 2012-04 to 2013, TransTeleCom since 2017-10).  Which
 * prefix goes via which is NOT assumed: a RIB dump decides that. */
static const struct {
	uint32_t	target;
	uint32_t	ups[3];
} known_upstreams[] = {
	{ 131279, { 4837, 20485, 22351 } },
};

/* doc/SOURCES.md §2 [V]: published last responding hops before North Korea. */
static const struct {
	const char	*addr;
	const char	*what;
} published_last[] = {
	{ "103.35.255.254", "the published last responding hop of the China "
	  "Unicom path before 175.45.176.71" },
	{ "188.43.225.153", "the published last responding hop of the "
	  "TransTeleCom path before 175.45.177.10" },
};

const char *
role_name(enum role r)
{
	static const char *const names[] = { "unknown", "private", "transit",
	    "upstream", "target", "destination" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *
outcome_name(enum outcome o)
{
	switch (o) {
	case OUT_REACHED:	return "reached";
	case OUT_DIED:		return "died";
	case OUT_INCOMPLETE:	return "incomplete";
	default:		return "no-data";
	}
}

const char *
where_name(enum where w)
{
	switch (w) {
	case WH_TRANSIT:	return "transit";
	case WH_UPSTREAM:	return "upstream";
	case WH_HANDOFF:	return "handoff";
	case WH_TARGET:		return "target";
	default:		return NULL;
	}
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Addresses in order: a trace has a few dozen, sorted by insertion. */
static void
sort_addrs(uint32_t *a, size_t n)
{
	size_t i, j;
	uint32_t v;

	if (n > 64) {
		qsort(a, n, sizeof(*a), cmp_u32);
		return;
	}
	for (i = 1; i < n; i++) {
		v = a[i];
		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

const struct annot *
analysis_annot(const struct analysis *an, uint32_t addr)
{
	size_t lo = 0, hi, mid;

	if (an == NULL)
		return NULL;
	hi = an->nannots;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (an->annots[mid].addr == addr)
			return &an->annots[mid];
		if (an->annots[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The annotation of hop h's first responder, searched for. */
static const struct annot *
first_responder(const struct analysis *an, const struct trace *t, size_t h)
{
	size_t i;

	for (i = 0; i < t->hops[h].n; i++) {
		const struct probe *p = &t->probes[t->hops[h].first + i];

		if (p->rkind != RK_NONE)
			return analysis_annot(an, p->raddr);
	}
	return NULL;
}

const struct annot *
analysis_hop(const struct analysis *an, const struct trace *t, size_t h)
{
	if (an == NULL || h >= t->nhops)
		return NULL;
	return an->hopa != NULL ? an->hopa[h] : first_responder(an, t, h);
}

/* Copy s to *pp, advance *pp past its NUL; the copy. */
static char *
pool_copy(char **pp, const char *s)
{
	char *d = *pp;
	size_t n = strlen(s) + 1;

	memcpy(d, s, n);
	*pp += n;
	return d;
}

void
analysis_free(struct analysis *an)
{
	size_t i;

	if (an == NULL)
		return;
	for (i = 0; i < an->nannots; i++) {
		if (an->strings == NULL) {
			free(an->annots[i].as_name);
			free(an->annots[i].org);
			free(an->annots[i].note);
		}
		free(an->annots[i].name);
	}
	free(an->strings);
	free(an->annots);
	free(an->hopa);
	free(an->asdata);
	free(an);
}

int
analysis_set_asdata(struct analysis *an, const struct asmap_layer *l,
    size_t n)
{
	size_t i, total = n * sizeof(*l);
	struct asmap_layer *d;
	char *p;

	for (i = 0; i < n; i++)
		total += strlen(l[i].kind) + strlen(l[i].name) +
		    strlen(l[i].version) + strlen(l[i].format) + 4;
	if ((d = malloc(total > 0 ? total : 1)) == NULL)
		return -1;
	p = (char *)(d + n);
	for (i = 0; i < n; i++) {
		d[i].kind = pool_copy(&p, l[i].kind);
		d[i].name = pool_copy(&p, l[i].name);
		d[i].version = pool_copy(&p, l[i].version);
		d[i].format = pool_copy(&p, l[i].format);
	}
	free(an->asdata);
	an->asdata = d;
	an->nasdata = n;
	return 0;
}

/* The map's layers into an->asdata. */
static int
note_asdata(struct analysis *an, const struct asmap *m)
{
	struct asmap_layer tmp[8], *l = tmp;
	size_t i, n = asmap_nlayers(m);
	int rc;

	if (n > sizeof(tmp) / sizeof(tmp[0]) &&
	    (l = malloc(n * sizeof(*l))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		asmap_layer(m, i, &l[i]);
	rc = analysis_set_asdata(an, l, n);
	if (l != tmp)
		free(l);
	return rc;
}

static int
is_upstream(const struct analysis *an, uint32_t asn)
{
	size_t i;

	for (i = 0; asn != 0 && i < an->nupstreams; i++)
		if (an->upstreams[i] == asn)
			return 1;
	return 0;
}

static void
add_upstream(struct analysis *an, uint32_t asn)
{
	if (asn != 0 && asn != an->target_asn && !is_upstream(an, asn) &&
	    an->nupstreams < AN_MAX_UPSTREAMS)
		an->upstreams[an->nupstreams++] = asn;
}

static enum role
role_of(const struct analysis *an, const struct trace *t, const struct annot *a)
{
	if (a->addr == t->dst)
		return ROLE_DEST;
	if (a->flags & (ASMAP_F_PRIVATE | ASMAP_F_RESERVED))
		return ROLE_PRIVATE;
	if (an->target_asn != 0 && a->asn == an->target_asn)
		return ROLE_TARGET;
	/* A .kp name inside a target that is North Korea's. */
	if ((a->flags & ASMAP_F_NK_INSIDE) && an->target_nk)
		return ROLE_TARGET;
	if (is_upstream(an, a->asn))
		return ROLE_UPSTREAM;
	return a->asn != 0 ? ROLE_TRANSIT : ROLE_UNKNOWN;
}

/* Each hop's first responder, looked up once (every responder has one). */
static int
index_hops(struct analysis *an, const struct trace *t)
{
	size_t h;

	an->hopa = calloc(t->nhops > 0 ? t->nhops : 1, sizeof(*an->hopa));
	if (an->hopa == NULL)
		return -1;
	for (h = 0; h < t->nhops; h++)
		an->hopa[h] = first_responder(an, t, h);
	return 0;
}

/* Responding hops, by their first responder: role per hop index. */
static int
hop_role(const struct analysis *an, const struct trace *t, size_t h,
    uint32_t *addr)
{
	const struct annot *a = an->hopa[h];

	(void)t;
	if (a == NULL)
		return -1;	/* silent */
	if (addr != NULL)
		*addr = a->addr;
	return a->role;
}

static void
hop_counts(const struct trace *t, size_t h, size_t *sent, size_t *answered)
{
	size_t i;

	*sent = t->hops[h].n;
	*answered = 0;
	for (i = 0; i < t->hops[h].n; i++)
		if (t->probes[t->hops[h].first + i].rkind != RK_NONE)
			(*answered)++;
}

/* "219.158.96.2 (AS4837 CHINA169-BACKBONE, CN)" */
static const char *
describe(const struct analysis *an, uint32_t addr, char *buf, size_t len)
{
	const struct annot *a = analysis_annot(an, addr);
	char ip[LH_IP4_STRLEN];
	struct sb b;

	sb_init(&b, buf, len);
	sb_str(&b, lh_ip4_str(addr, ip, sizeof(ip)));
	if (a == NULL || a->asn == 0) {
		if (a != NULL && (a->flags & (ASMAP_F_PRIVATE | ASMAP_F_RESERVED)))
			SB_LIT(&b, " (private or reserved space)");
		else
			SB_LIT(&b, " (no AS data)");
		return buf;
	}
	SB_LIT(&b, " (AS");
	sb_u(&b, a->asn);
	/* the AS name, else (the world-wide image names no handles) its org */
	if (a->as_name[0] != '\0' || a->org[0] != '\0') {
		SB_LIT(&b, " ");
		sb_str(&b, a->as_name[0] != '\0' ? a->as_name : a->org);
		if (a->cc[0]) {
			SB_LIT(&b, ", ");
			sb_str(&b, a->cc);
		}
	}
	SB_LIT(&b, ")");
	return buf;
}

/* A network's name for sentences: organisation, else AS name, else ASn. */
static const char *
netname(const struct asmap *m, uint32_t asn, char *buf, size_t len)
{
	struct asmap_asinfo ai;
	struct sb b;
	int known = asn != 0 && asmap_asinfo(m, asn, &ai) == 1;

	sb_init(&b, buf, len);
	if (asn == 0) {
		SB_LIT(&b, "an unknown network");
		return buf;
	}
	if (known && (ai.org[0] != '\0' || ai.name[0] != '\0')) {
		sb_str(&b, ai.org[0] != '\0' ? ai.org : ai.name);
		SB_LIT(&b, " (AS");
		sb_u(&b, asn);
		SB_LIT(&b, ")");
	} else {
		SB_LIT(&b, "AS");
		sb_u(&b, asn);
	}
	return buf;
}

/*
 * What the AS data (and reverse DNS) say of one address before annotate()
 * copies it into an analysis; also what the per-run cache keeps.
 */
struct acache_ent {
	uint32_t	 addr;
	uint32_t	 asn, prefix;
	uint16_t	 flags;
	uint8_t		 len, hinted, used;
	char		 cc[3];
	const char	*as_name, *org, *note;	/* in the AS data; never NULL */
	char		*name;			/* reverse DNS (owned), or NULL */
};

/*
 * Direct-mapped: an address takes the slot of its hash, replacing what was
 * there.  Routers recur from trace to trace; the size bounds the memory.
 */
#define ACACHE_SLOTS	8192		/* a power of two */

struct annot_cache {
	struct acache_ent e[ACACHE_SLOTS];
};

struct annot_cache *
annot_cache_new(void)
{
	return calloc(1, sizeof(struct annot_cache));
}

void
annot_cache_free(struct annot_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < ACACHE_SLOTS; i++)
		free(c->e[i].name);
	free(c);
}

/* The AS name, organisation and country of x->asn, when known. */
static void
as_info(const struct asmap *m, struct acache_ent *x)
{
	struct asmap_asinfo ai;

	memset(&ai, 0, sizeof(ai));
	if (x->asn != 0 && asmap_asinfo(m, x->asn, &ai) == 1) {
		x->as_name = ai.name;	/* "" when unknown, never NULL */
		x->org = ai.org;
		memcpy(x->cc, ai.country, sizeof(x->cc));
	}
}

/*
 * Look addr up in the AS data and, with a resolver, its reverse DNS name
 * and what the name's hint says where the AS data is silent.  0, or -1
 * when out of memory.
 */
static int
look_up(const struct analysis_opts *o, uint32_t addr, struct acache_ent *x)
{
	struct asmap_result r;
	char name[256];
	uint32_t asn = 0;
	uint16_t flags = 0;

	memset(x, 0, sizeof(*x));
	memset(&r, 0, sizeof(r));
	(void)asmap_lookup(o->map, addr, &r);
	x->addr = addr;
	x->asn = r.asn;
	x->prefix = r.prefix;
	x->len = r.len;
	x->flags = r.flags;
	x->as_name = x->org = "";
	x->note = r.note;
	as_info(o->map, x);
	if (o->resolve == NULL || o->resolve(o->resolve_arg, addr, name,
	    sizeof(name)) != 0)
		return 0;
	name[sizeof(name) - 1] = '\0';
	if ((x->name = strdup(name)) == NULL)
		return -1;
	if (asmap_hostname_hint(name, &asn, &flags) != 1)
		return 0;
	if (x->asn == 0 && asn != 0) {
		x->asn = asn;
		x->hinted = 1;
	}
	if ((flags & ~x->flags) != 0) {
		x->flags |= flags;
		x->hinted = 1;
	}
	if (x->hinted && x->as_name[0] == '\0')
		as_info(o->map, x);
	return 0;
}

/* addr's entry: from o->cache when it has one, else looked up into tmp. */
static struct acache_ent *
cached_look_up(const struct analysis_opts *o, uint32_t addr,
    struct acache_ent *tmp)
{
	struct acache_ent *x;

	if (o->cache == NULL)
		return look_up(o, addr, tmp) == 0 ? tmp : NULL;
	x = &o->cache->e[lh_mix64(addr) & (ACACHE_SLOTS - 1)];
	if (x->used && x->addr == addr)
		return x;
	free(x->name);
	if (look_up(o, addr, x) != 0)
		return NULL;	/* x->used stays 0 */
	x->used = 1;
	return x;
}

/*
 * Annotate every responding address (sorted, unique).  The AS names,
 * organisations and notes are copied into one block (an->strings) rather
 * than allocated one by one: a trace has a few dozen.
 */
static int
annotate(struct analysis *an, const struct trace *t,
    const struct analysis_opts *o)
{
	struct asrc {
		const char	*as_name, *org, *note;	/* in the AS data */
	} *src = NULL;
	uint32_t *addrs;
	size_t i, k, n = 0, total = 0;
	char *p;

	addrs = malloc((t->nprobes + 1) * sizeof(*addrs));
	if (addrs == NULL)
		return -1;
	/* The probes of a hop mostly share a responder: sort fewer. */
	for (i = 0; i < t->nprobes; i++)
		if (t->probes[i].rkind != RK_NONE &&
		    (n == 0 || addrs[n - 1] != t->probes[i].raddr))
			addrs[n++] = t->probes[i].raddr;
	addrs[n++] = t->dst;
	sort_addrs(addrs, n);
	for (i = 1, k = 1; i < n; i++)
		if (addrs[i] != addrs[k - 1])
			addrs[k++] = addrs[i];
	n = k;
	an->annots = calloc(n, sizeof(*an->annots));
	src = malloc(n * sizeof(*src));
	if (an->annots == NULL || src == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		struct annot *a = &an->annots[an->nannots++];
		struct asrc *s = &src[i];
		struct acache_ent tmp, *x;

		if ((x = cached_look_up(o, addrs[i], &tmp)) == NULL)
			goto fail;
		a->addr = x->addr;
		a->asn = x->asn;
		a->prefix = x->prefix;
		a->len = x->len;
		a->flags = x->flags;
		a->hinted = x->hinted;
		memcpy(a->cc, x->cc, sizeof(a->cc));
		s->as_name = x->as_name;
		s->org = x->org;
		s->note = x->note;
		if (x == &tmp)
			a->name = tmp.name;	/* ours now */
		else if (x->name != NULL && (a->name = strdup(x->name)) == NULL)
			goto fail;
		total += strlen(s->as_name) + strlen(s->org) + 2 +
		    (s->note != NULL ? strlen(s->note) + 1 : 0);
	}
	if ((an->strings = p = malloc(total)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		an->annots[i].as_name = pool_copy(&p, src[i].as_name);
		an->annots[i].org = pool_copy(&p, src[i].org);
		if (src[i].note != NULL)
			an->annots[i].note = pool_copy(&p, src[i].note);
	}
	free(src);
	free(addrs);
	return 0;
fail:
	free(src);
	free(addrs);
	return -1;
}

/* The target network and its upstreams. */
static void
find_networks(struct analysis *an, const struct trace *t, const struct asmap *m)
{
	struct asmap_result r;
	size_t i, k;

	memset(&r, 0, sizeof(r));
	(void)asmap_lookup(m, t->dst, &r);
	an->target_asn = r.asn;
	an->target_nk = (r.flags & ASMAP_F_NK_INSIDE) != 0;
	if (r.nupstreams > 0 && r.source == ASMAP_SRC_BGPDUMP) {
		for (i = 0; i < r.nupstreams; i++)
			add_upstream(an, r.upstreams[i]);
		an->upstream_source = "bgp";
		return;
	}
	for (i = 0; i < sizeof(known_upstreams) / sizeof(known_upstreams[0]); i++) {
		if (known_upstreams[i].target != an->target_asn)
			continue;
		for (k = 0; k < 3; k++)
			add_upstream(an, known_upstreams[i].ups[k]);
		an->upstream_source = "embedded";
	}
}

/* When the trace reaches the target, the AS just before it is an upstream. */
static void
upstream_from_trace(struct analysis *an, const struct trace *t)
{
	size_t h;
	int role, prev_role = -1;
	uint32_t addr = 0, prev = 0;
	const struct annot *a;

	for (h = 0; h < t->nhops; h++) {
		role = hop_role(an, t, h, &addr);
		if (role == ROLE_TARGET || role == ROLE_DEST) {
			if (prev_role == ROLE_TRANSIT &&
			    (a = analysis_annot(an, prev)) != NULL &&
			    !is_upstream(an, a->asn)) {
				add_upstream(an, a->asn);
				if (an->upstream_source == NULL)
					an->upstream_source = "trace";
			}
			return;
		}
		if (role >= 0 && role != ROLE_PRIVATE && role != ROLE_UNKNOWN) {
			prev_role = role;
			prev = addr;
		}
	}
}

static void
assign_roles(struct analysis *an, const struct trace *t)
{
	size_t i;

	for (i = 0; i < an->nannots; i++)
		an->annots[i].role = (uint8_t)role_of(an, t, &an->annots[i]);
}

static void
find_handoff(struct analysis *an, const struct trace *t, const struct asmap *m)
{
	size_t h, first_t = SIZE_MAX, last_u = SIZE_MAX, last_other = SIZE_MAX;
	int role;
	uint32_t addr, a_u = 0, a_t = 0, a_o = 0;
	char d1[96], d2[96], tn[128];
	struct sb b;

	for (h = 0; h < t->nhops; h++) {
		role = hop_role(an, t, h, &addr);
		if (role == ROLE_TARGET || role == ROLE_DEST) {
			first_t = h;
			a_t = addr;
			break;
		}
		if (role == ROLE_UPSTREAM) {
			last_u = h;
			a_u = addr;
		} else if (role >= 0) {
			last_other = h;
			a_o = addr;
		}
	}
	if (first_t == SIZE_MAX) {
		if (last_u != SIZE_MAX) {
			an->ho_up_ttl = t->hops[last_u].ttl;
			an->ho_up_addr = a_u;
		}
		return;		/* the target's side was never seen */
	}
	netname(m, an->target_asn, tn, sizeof(tn));
	an->has_handoff = 1;
	an->ho_in_ttl = t->hops[first_t].ttl;
	an->ho_in_addr = a_t;
	if (last_u == SIZE_MAX) {
		if (last_other != SIZE_MAX) {
			an->ho_up_ttl = t->hops[last_other].ttl;
			an->ho_up_addr = a_o;
		}
		an->ho_rule = "first-target-hop";
		sb_init(&b, an->ho_detail, sizeof(an->ho_detail));
		SB_LIT(&b, "hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " is the first to answer from ");
		sb_str(&b, tn);
		SB_LIT(&b, "; no upstream hop answered before it");
		return;
	}
	if (last_u + 1 == first_t && t->hops[last_u].ttl + 1 == an->ho_in_ttl &&
	    a_t != t->dst) {
		/* The border router answers from its upstream-numbered side. */
		an->ho_in_ttl = t->hops[last_u].ttl;
		an->ho_in_addr = a_u;
		an->ho_up_ttl = 0;
		an->ho_up_addr = 0;
		for (h = last_u; h-- > 0;) {
			role = hop_role(an, t, h, &addr);
			if (role >= 0) {
				an->ho_up_ttl = t->hops[h].ttl;
				an->ho_up_addr = addr;
				break;
			}
		}
		an->ho_rule = "upstream-numbered-border";
		sb_init(&b, an->ho_detail, sizeof(an->ho_detail));
		SB_LIT(&b, "hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " ");
		sb_str(&b, describe(an, an->ho_in_addr, d1, sizeof(d1)));
		SB_LIT(&b, " answers from upstream space, but the hop after it "
		    "is already inside ");
		sb_str(&b, tn);
		SB_LIT(&b, ", so the link between them is internal to ");
		sb_str(&b, tn);
		SB_LIT(&b, ": hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " is its border router");
		return;
	}
	an->ho_up_ttl = t->hops[last_u].ttl;
	an->ho_up_addr = a_u;
	sb_init(&b, an->ho_detail, sizeof(an->ho_detail));
	SB_LIT(&b, "the upstream's last answer ");
	sb_str(&b, describe(an, a_u, d1, sizeof(d1)));
	if (t->hops[last_u].ttl + 1 == an->ho_in_ttl) {
		an->ho_rule = "adjacent";
		SB_LIT(&b, " is followed by ");
		sb_str(&b, describe(an, a_t, d2, sizeof(d2)));
	} else {
		an->ho_rule = "across-silent-hops";
		SB_LIT(&b, " at hop ");
		sb_u(&b, an->ho_up_ttl);
		SB_LIT(&b, " and the first answer from ");
		sb_str(&b, tn);
		SB_LIT(&b, " at hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " have silent hops between them");
	}
}

/* Where a last answer at TTL ttl sits relative to a handoff. */
static enum where
place(const struct analysis *an, int ttl, int role)
{
	if (role == ROLE_TARGET || role == ROLE_DEST)
		return ttl == an->ho_in_ttl ? WH_HANDOFF : WH_TARGET;
	if (an->ho_in_ttl != 0 && ttl == an->ho_in_ttl)
		return WH_HANDOFF;
	if (an->ho_up_ttl != 0 && ttl == an->ho_up_ttl && an->has_handoff)
		return WH_HANDOFF;
	if (an->ho_in_ttl != 0 && ttl > an->ho_in_ttl)
		return WH_TARGET;
	if (role == ROLE_UPSTREAM)
		return WH_UPSTREAM;
	return WH_TRANSIT;
}

static struct analysis *analyze(const struct trace *t,
    const struct analysis_opts *o);

/* Describe what a baseline hop was, e.g. "North Korea's border router". */
static void
baseline_role_text(const struct analysis *ba, const struct trace *b,
    uint32_t addr, int ttl, const struct asmap *m, char *buf, size_t len)
{
	const struct annot *a = analysis_annot(ba, addr);
	char tn[128], un[128], ip[LH_IP4_STRLEN];
	int role = a != NULL ? a->role : ROLE_UNKNOWN;

	netname(m, ba->target_asn, tn, sizeof(tn));
	netname(m, a != NULL ? a->asn : 0, un, sizeof(un));
	lh_ip4_str(addr, ip, sizeof(ip));
	if (addr == b->dst)
		snprintf(buf, len, "the destination, %s", ip);
	else if (ba->has_handoff && ttl == ba->ho_in_ttl)
		snprintf(buf, len, "the border router of %s, %s", tn, ip);
	else if (ba->has_handoff && ttl == ba->ho_up_ttl)
		snprintf(buf, len, "the last router of %s before the handoff, %s",
		    un, ip);
	else if (role == ROLE_TARGET)
		snprintf(buf, len, "a router inside %s, %s", tn, ip);
	else if (role == ROLE_PRIVATE)
		snprintf(buf, len, "a router in private space, %s", ip);
	else
		snprintf(buf, len, "a router of %s, %s", un, ip);
}

static void
verdict(struct analysis *an, const struct trace *t,
    const struct analysis_opts *o)
{
	const struct asmap *m = o->map;
	const struct trace *baseline = o->baseline;
	struct verdict *v = &an->v;
	size_t h, sent, answered, last = SIZE_MAX, hidden = 0, partial = 0;
	int role = -1, r;
	uint32_t addr, last_addr = 0;
	char d1[128], tn[128], un[128], extra[200], bt[160];
	const struct probe *p;
	struct sb b;
	size_t i;

	for (h = 0; h < t->nhops; h++) {
		r = hop_role(an, t, h, &addr);
		if (r >= 0) {
			last = h;
			role = r;
			last_addr = addr;
		}
	}
	if (last == SIZE_MAX && t->reply_only) {
		v->outcome = OUT_NODATA;
		v->reason = "unplaced";
		sb_init(&b, v->detail, sizeof(v->detail));
		SB_LIT(&b, "The capture holds ");
		sb_u(&b, t->orphans);
		sb_str(&b, t->orphans == 1 ? " reply" : " replies");
		SB_LIT(&b, " to probes that are not in it, and nothing they "
		    "quote tells those probes' TTLs: no path can be drawn.");
		return;
	}
	if (last == SIZE_MAX) {
		v->outcome = OUT_NODATA;
		v->reason = "silent";
		snprintf(v->detail, sizeof(v->detail), "No probe was answered, "
		    "not even by the first hop: the capture holds no evidence "
		    "of where traffic goes.");
		return;
	}
	/* Hidden hops and partial answers before the last answering hop. */
	for (h = 0; h < last; h++) {
		hop_counts(t, h, &sent, &answered);
		if (answered == 0)
			hidden++;
		else if (answered < sent)
			partial++;
	}
	sb_init(&b, extra, sizeof(extra));
	if (hidden > 0) {
		SB_LIT(&b, " ");
		sb_u(&b, hidden);
		if (hidden == 1)
			SB_LIT(&b, " earlier hop never answered");
		else
			SB_LIT(&b, " earlier hops never answered");
		if (partial > 0) {
			SB_LIT(&b, " and ");
			sb_u(&b, partial);
			SB_LIT(&b, " answered only some probes while later hops "
			    "answered: hidden or rate-limited routers, not where "
			    "traffic dies.");
		} else
			SB_LIT(&b, " while later hops did: hidden routers, not "
			    "where traffic dies.");
	} else if (partial > 0) {
		SB_LIT(&b, " ");
		sb_u(&b, partial);
		if (partial == 1)
			SB_LIT(&b, " earlier hop answered");
		else
			SB_LIT(&b, " earlier hops answered");
		SB_LIT(&b, " only some probes while hops beyond answered: rate "
		    "limiting, not where traffic dies.");
	}
	v->has_last = 1;
	v->last_ttl = t->hops[last].ttl;
	v->last_addr = last_addr;
	describe(an, last_addr, d1, sizeof(d1));

	if (t->dst == 0) {
		/* Pasted text that never names its destination. */
		v->outcome = OUT_DIED;
		v->where = WH_NONE;
		v->reason = "silent";
		snprintf(v->detail, sizeof(v->detail), "The destination is not "
		    "known (the input does not name it), so neither are the "
		    "target network and its upstream: hop %u %s is the last to "
		    "answer. Name the destination (analyze --target) for a "
		    "verdict.%s", v->last_ttl, d1, extra);
		return;
	}
	if (t->stop == STOP_COMPLETED && last_addr != t->dst && t->amb_dst) {
		/* Its answers came, but none can be told to its probe. */
		v->outcome = OUT_REACHED;
		v->where = WH_NONE;
		v->reason = "reached";
		sb_init(&b, v->detail, sizeof(v->detail));
		SB_LIT(&b, "The destination answered, but no probe can be told "
		    "from its answers (");
		sb_u(&b, t->ambiguous);
		SB_LIT(&b, " replies fit several probes: a middlebox rewrote the "
		    "only fields that tell this tool's probes apart); hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " ");
		sb_str(&b, d1);
		SB_LIT(&b, " is the last hop whose answers can be placed.");
		sb_str(&b, extra);
		return;
	}
	if (t->stop == STOP_COMPLETED) {
		v->outcome = OUT_REACHED;
		v->where = WH_NONE;
		v->reason = "reached";
		hop_counts(t, last, &sent, &answered);
		sb_init(&b, v->detail, sizeof(v->detail));
		SB_LIT(&b, "The destination ");
		sb_str(&b, d1);
		SB_LIT(&b, " answered at hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " (");
		sb_u(&b, answered);
		SB_LIT(&b, " of ");
		sb_u(&b, sent);
		SB_LIT(&b, " probes).");
		sb_str(&b, extra);
		return;
	}
	if (trace_incomplete(t)) {
		/* The input ends before the trace could: no place to blame. */
		v->outcome = OUT_INCOMPLETE;
		v->where = WH_NONE;
		sb_init(&b, v->detail, sizeof(v->detail));
		if (t->stop == STOP_AMBIGUOUS) {
			v->reason = "ambiguous replies";
			SB_LIT(&b, "Routers past hop ");
			sb_u(&b, v->last_ttl);
			SB_LIT(&b, " ");
			sb_str(&b, d1);
			SB_LIT(&b, " answered (");
			sb_u(&b, t->ambiguous);
			SB_LIT(&b, " replies), but none can be told to its probe: a "
			    "middlebox rewrote the only fields that tell this "
			    "tool's probes apart, so the silent hops are no "
			    "evidence.");
		} else if (t->stop == STOP_CAPTURE_ENDED) {
			v->reason = "capture ended";
			SB_LIT(&b, "The capture ends before the trace could: hop ");
			sb_u(&b, v->last_ttl);
			SB_LIT(&b, " ");
			sb_str(&b, d1);
			SB_LIT(&b, " is the last to answer, and the capture stops "
			    "too soon after the last probes for their answers, "
			    "or the tool's next probes, to be in it.");
		} else {
			v->reason = "hop limit";
			SB_LIT(&b, "Probing stopped at hop ");
			sb_u(&b, t->hops[t->nhops - 1].ttl);
			SB_LIT(&b, " while the path still answered: hop ");
			sb_u(&b, v->last_ttl);
			SB_LIT(&b, " ");
			sb_str(&b, d1);
			SB_LIT(&b, " is the last to answer, and nothing beyond it "
			    "was probed.");
		}
		if (t->stop != STOP_AMBIGUOUS)
			SB_LIT(&b, " An input that ends early says nothing about "
			    "where traffic dies.");
		sb_str(&b, extra);
		return;
	}
	v->outcome = OUT_DIED;
	netname(m, an->target_asn, tn, sizeof(tn));	/* for the sentences below */
	hop_counts(t, last, &sent, &answered);
	v->rate_limited = answered < sent;
	v->reason = "silent";
	for (i = 0; i < t->hops[last].n; i++) {
		p = &t->probes[t->hops[last].first + i];
		if (p->rkind == RK_UNREACH) {
			v->reason = "unreachable";
			v->unreach_code = p->rcode;
		}
	}
	if (t->stop == STOP_LOOP)
		v->reason = "loop";

	v->where = place(an, v->last_ttl, role);
	/* An upstream router that may be its last before the target. */
	if (v->where == WH_UPSTREAM && !an->has_handoff) {
		char ip[LH_IP4_STRLEN];

		lh_ip4_str(last_addr, ip, sizeof(ip));
		for (i = 0; i < sizeof(published_last) / sizeof(published_last[0]);
		    i++)
			if (strcmp(ip, published_last[i].addr) == 0)
				v->where = WH_HANDOFF;
		if (v->where == WH_UPSTREAM) {
			v->where = WH_NONE;	/* undecided */
			v->cand[0] = WH_UPSTREAM;
			v->cand[1] = WH_HANDOFF;
		}
	}

	if (baseline != NULL) {
		struct analysis_opts bo = *o;
		struct analysis *ba;

		bo.baseline = NULL;
		ba = analyze(baseline, &bo);
		size_t bh, k, j;
		int found = 0;

		if (ba != NULL) {
			v->used_baseline = 1;
			/* The last answer's place in the baseline decides. */
			for (bh = 0; bh < baseline->nhops && !found; bh++)
				for (k = 0; k < baseline->hops[bh].n; k++) {
					p = &baseline->probes[baseline->hops[bh].first + k];
					if (p->rkind != RK_NONE && p->raddr == last_addr) {
						r = hop_role(ba, baseline, bh, NULL);
						v->where = place(ba,
						    baseline->hops[bh].ttl, r);
						if (v->where == WH_TARGET &&
						    baseline->hops[bh].ttl ==
						    ba->ho_in_ttl)
							v->where = WH_HANDOFF;
						v->cand[0] = v->cand[1] = WH_NONE;
						found = 1;
						break;
					}
				}
			/* The first hop where today departs from the baseline. */
			for (bh = 0; bh < baseline->nhops; bh++) {
				uint32_t baddr = 0;
				int same = 0, today_answered = 0;

				if (hop_role(ba, baseline, bh, &baddr) < 0)
					continue;
				for (h = 0; h < t->nhops; h++) {
					if (t->hops[h].ttl != baseline->hops[bh].ttl)
						continue;
					for (j = 0; j < t->hops[h].n; j++) {
						p = &t->probes[t->hops[h].first + j];
						if (p->rkind == RK_NONE)
							continue;
						today_answered = 1;
						for (k = 0; k < baseline->hops[bh].n; k++)
							if (baseline->probes[baseline->hops[bh].first + k].raddr == p->raddr &&
							    baseline->probes[baseline->hops[bh].first + k].rkind != RK_NONE)
								same = 1;
					}
				}
				if (same)
					continue;
				(void)today_answered;
				v->depart_ttl = baseline->hops[bh].ttl;
				baseline_role_text(ba, baseline, baddr,
				    baseline->hops[bh].ttl, m, bt, sizeof(bt));
				break;
			}
			analysis_free(ba);
		}
	}

	netname(m, an->ho_up_addr ? (analysis_annot(an, an->ho_up_addr) ?
	    analysis_annot(an, an->ho_up_addr)->asn : 0) :
	    (analysis_annot(an, last_addr) ? analysis_annot(an, last_addr)->asn
	    : 0), un, sizeof(un));
	{
		char how[160], wh[200];

		sb_init(&b, how, sizeof(how));
		if (strcmp(v->reason, "unreachable") == 0) {
			SB_LIT(&b, "answered ");
			sb_str(&b, icmp_unreach_text(v->unreach_code));
			SB_LIT(&b, " (ICMP code ");
			sb_u(&b, v->unreach_code);
			SB_LIT(&b, "): traffic is refused there, loudly");
		} else if (strcmp(v->reason, "loop") == 0)
			SB_LIT(&b, "is part of a routing loop");
		else if (v->rate_limited) {
			SB_LIT(&b, "is the last to answer (");
			sb_u(&b, answered);
			SB_LIT(&b, " of ");
			sb_u(&b, sent);
			SB_LIT(&b, " probes: rate limited or lossy), nothing "
			    "answers beyond it");
		} else
			SB_LIT(&b, "is the last to answer; nothing answers beyond "
			    "it");
		sb_init(&b, wh, sizeof(wh));
		switch (v->where) {
		case WH_TRANSIT:
			SB_LIT(&b, "Traffic dies in transit, before the target's "
			    "upstream");
			break;
		case WH_UPSTREAM:
			SB_LIT(&b, "Traffic dies inside the upstream ");
			sb_str(&b, un);
			SB_LIT(&b, ", before its handoff to ");
			sb_str(&b, tn);
			break;
		case WH_HANDOFF:
			SB_LIT(&b, "Traffic dies at the handoff into ");
			sb_str(&b, tn);
			break;
		case WH_TARGET:
			SB_LIT(&b, "Traffic dies inside ");
			sb_str(&b, tn);
			break;
		default:
			SB_LIT(&b, "Traffic dies in the upstream ");
			sb_str(&b, un);
			SB_LIT(&b, " at or before its handoff to ");
			sb_str(&b, tn);
			SB_LIT(&b, "; the evidence cannot tell which without a "
			    "baseline");
			break;
		}
		sb_init(&b, v->detail, sizeof(v->detail));
		sb_str(&b, wh);
		if (v->depart_ttl != 0) {
			SB_LIT(&b, ": it dies at hop ");
			sb_u(&b, v->depart_ttl);
			SB_LIT(&b, ", which in the baseline was ");
			sb_str(&b, bt);
			SB_LIT(&b, "; hop ");
		} else
			SB_LIT(&b, ": hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " ");
		sb_str(&b, d1);
		SB_LIT(&b, " ");
		sb_str(&b, how);
		SB_LIT(&b, ".");
		sb_str(&b, extra);
	}
}

static struct analysis *
analyze(const struct trace *t, const struct analysis_opts *o)
{
	const struct asmap *m = o->map;
	struct analysis *an = calloc(1, sizeof(*an));

	if (an == NULL)
		return NULL;
	if (annotate(an, t, o) != 0 || index_hops(an, t) != 0) {
		analysis_free(an);
		return NULL;
	}
	if (note_asdata(an, m) != 0) {
		analysis_free(an);
		return NULL;
	}
	find_networks(an, t, m);
	assign_roles(an, t);
	upstream_from_trace(an, t);
	assign_roles(an, t);
	find_handoff(an, t, m);
	return an;
}

int
analyze_trace(struct trace *t, const struct analysis_opts *o, char *err,
    size_t errlen)
{
	struct analysis *an = analyze(t, o);

	if (an == NULL)
		return lh_err(err, errlen, "out of memory");
	verdict(an, t, o);
	analysis_free(t->an);
	t->an = an;
	return 0;
}
