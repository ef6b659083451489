/*
 * analysis.c: network annotation, border and handoff inference, and the
 * verdict, as data (verdict_text.c words it).
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
 * target's border router ("upstream-numbered border").  The same reading
 * places the borders between the other networks on the path
 * ("neighbour-numbered"), with one more condition (find_borders()).
 *
 * The verdict: where traffic dies, why, and the hops that show it.  With a
 * healthy baseline to the same destination, the place is the baseline's
 * role of the first hop today's trace no longer reaches; a router that
 * refuses loudly is the place itself; a routing loop is in the network of
 * its routers.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "lh.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

/* doc/SOURCES.md §2 [V]: upstreams of AS131279 over time (China Unicom since
 * 2010-11, Intelsat 2012-04 to 2013, TransTeleCom since 2017-10).  Which
 * prefix goes via which is NOT assumed: a RIB dump decides that. */
static const struct {
	uint32_t	target;
	uint32_t	ups[3];
} known_upstreams[] = {
	{ 131279, { 4837, 20485, 22351 } },
};

/*
 * doc/SOURCES.md §2 [V]: published last responding hops before North Korea:
 * 103.35.255.254 on the China Unicom path before 175.45.176.71, and
 * 188.43.225.153 on the TransTeleCom path before 175.45.177.10.
 */
static const uint32_t published_last[] = {
	IP4(103, 35, 255, 254),
	IP4(188, 43, 225, 153),
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

const char *
reason_name(enum vreason r)
{
	static const char *const names[VR_COUNT] = {
		[VR_SILENT] = "silent", [VR_REACHED] = "reached",
		[VR_UNREACHABLE] = "unreachable", [VR_LOOP] = "loop",
		[VR_CAPTURE_ENDED] = "capture ended",
		[VR_HOP_LIMIT] = "hop limit",
		[VR_AMBIGUOUS] = "ambiguous replies",
		[VR_UNPLACED] = "unplaced",
	};

	return (size_t)r < VR_COUNT ? names[r] : "?";
}

const char *
bkind_name(enum bkind k)
{
	static const char *const names[BK_COUNT] = {
		[BK_NONE] = NULL, [BK_ROUTER] = "router",
		[BK_PRIVATE] = "private", [BK_LAST_UPSTREAM] = "last-upstream",
		[BK_BORDER] = "border", [BK_INSIDE] = "inside-target",
		[BK_DEST] = "destination",
		[BK_NB_BORDER] = "neighbour-numbered-border",
	};

	return (size_t)k < BK_COUNT ? names[k] : NULL;
}

const char *
ho_rule_name(enum ho_rule r)
{
	static const char *const names[HO_COUNT] = {
		[HO_NONE] = NULL, [HO_FIRST_TARGET_HOP] = "first-target-hop",
		[HO_UPSTREAM_NUMBERED] = "upstream-numbered-border",
		[HO_ADJACENT] = "adjacent",
		[HO_ACROSS_SILENT] = "across-silent-hops",
	};

	return (size_t)r < HO_COUNT ? names[r] : NULL;
}

const char *
border_rule_name(enum border_rule r)
{
	static const char *const names[BR_COUNT] = {
		[BR_ADJACENT] = "adjacent",
		[BR_NEIGHBOUR_NUMBERED] = "neighbour-numbered",
		[BR_ACROSS_SILENT] = "across-silent-hops",
		[BR_ACROSS_UNMAPPED] = "across-unmapped-hops",
	};

	return (size_t)r < BR_COUNT ? names[r] : "?";
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

/* Copy s into d (n bytes), cut at a UTF-8 character boundary. */
static void
copy_name(char *d, size_t n, const char *s)
{
	size_t k = strlen(s);

	if (k >= n) {
		k = n - 1;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	memcpy(d, s, k);
	d[k] = '\0';
}

/* A network as the AS data names it: organisation, else AS name. */
static void
vnet_fill(const struct asmap *m, uint32_t asn, struct vnet *out)
{
	struct asmap_asinfo ai;

	memset(out, 0, sizeof(*out));
	out->asn = asn;
	if (asn != 0 && asmap_asinfo(m, asn, &ai) == 1)
		copy_name(out->name, sizeof(out->name),
		    ai.org[0] != '\0' ? ai.org : ai.name);
}

void
analysis_vnet(const struct analysis *an, uint32_t asn, struct vnet *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->asn = asn;
	for (i = 0; asn != 0 && an != NULL && i < an->nannots; i++) {
		const struct annot *a = &an->annots[i];

		if (a->asn != asn)
			continue;
		copy_name(out->name, sizeof(out->name),
		    a->org != NULL && a->org[0] != '\0' ? a->org :
		    a->as_name != NULL ? a->as_name : "");
		if (out->name[0] != '\0')
			return;
	}
}

/* The AS of hop h's first responder, 0 when silent or unknown. */
static uint32_t
hop_asn(const struct analysis *an, size_t h)
{
	return an->hopa[h] != NULL ? an->hopa[h]->asn : 0;
}

static int
target_side(int role)
{
	return role == ROLE_TARGET || role == ROLE_DEST;
}

static void
find_handoff(struct analysis *an, const struct trace *t)
{
	size_t h, first_t = SIZE_MAX, last_u = SIZE_MAX, last_other = SIZE_MAX;
	int role;
	uint32_t addr, a_u = 0, a_t = 0, a_o = 0;

	for (h = 0; h < t->nhops; h++) {
		role = hop_role(an, t, h, &addr);
		if (target_side(role)) {
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
	an->has_handoff = 1;
	an->ho_in_ttl = t->hops[first_t].ttl;
	an->ho_in_addr = a_t;
	if (last_u == SIZE_MAX) {
		if (last_other != SIZE_MAX) {
			an->ho_up_ttl = t->hops[last_other].ttl;
			an->ho_up_addr = a_o;
		}
		an->ho_rule = HO_FIRST_TARGET_HOP;
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
		an->ho_rule = HO_UPSTREAM_NUMBERED;
		return;
	}
	an->ho_up_ttl = t->hops[last_u].ttl;
	an->ho_up_addr = a_u;
	an->ho_rule = t->hops[last_u].ttl + 1 == an->ho_in_ttl ?
	    HO_ADJACENT : HO_ACROSS_SILENT;
}

/*
 * Where the path starts to go round a loop, as model.c's has_loop() sees
 * one (an address answering at two TTLs with another router between
 * them): *first is the hop of its first answer, the return value the hop
 * that answers again.  SIZE_MAX when the path does not loop.
 */
static size_t
loop_start(const struct analysis *an, const struct trace *t, size_t *first)
{
	const struct annot *a;
	size_t i, j;

	for (j = 2; j < t->nhops; j++) {
		if ((a = an->hopa[j]) == NULL || a->addr == t->dst)
			continue;
		for (i = 0; i + 1 < j; i++)
			if (an->hopa[i] != NULL && an->hopa[i]->addr == a->addr &&
			    an->hopa[i + 1] != NULL &&
			    an->hopa[i + 1]->addr != a->addr) {
				*first = i;
				return j;
			}
	}
	return SIZE_MAX;
}

static void
add_border(struct analysis *an, const struct border *b)
{
	size_t i;

	if (an->nborders == AN_MAX_BORDERS) {
		an->borders_more++;
		return;
	}
	/* In path order: the handoff is added last, and may go before. */
	for (i = an->nborders; i > 0 && an->borders[i - 1].to_ttl > b->to_ttl;
	    i--)
		an->borders[i] = an->borders[i - 1];
	an->borders[i] = *b;
	an->nborders++;
}

/* The handoff as a border (find_handoff() decided it). */
static void
handoff_border(struct analysis *an)
{
	struct border b;
	const struct annot *a = analysis_annot(an, an->ho_up_addr);

	memset(&b, 0, sizeof(b));
	b.handoff = 1;
	b.from_ttl = an->ho_up_ttl;
	b.from_addr = an->ho_up_ttl != 0 ? an->ho_up_addr : 0;
	b.from_asn = an->ho_up_ttl != 0 && a != NULL ? a->asn : 0;
	b.to_ttl = an->ho_in_ttl;
	b.to_addr = an->ho_in_addr;
	b.to_asn = an->target_asn;
	switch (an->ho_rule) {
	case HO_UPSTREAM_NUMBERED:
		b.rule = BR_NEIGHBOUR_NUMBERED;
		break;
	case HO_ACROSS_SILENT:
		b.rule = BR_ACROSS_SILENT;
		break;
	default:
		b.rule = b.from_ttl != 0 && b.from_ttl + 1 < b.to_ttl ?
		    BR_ACROSS_SILENT : BR_ADJACENT;
		break;
	}
	add_border(an, &b);
}

/*
 * The borders between networks along the path: each step from a hop with
 * AS data to the next hop with AS data in another AS.  The step into the
 * target is the handoff (find_handoff()).
 *
 * The neighbour-numbered reading (hop k answers from A's space, hop k+1
 * is a router of B: hop k is B's border router, on a link A numbered)
 * holds where A is B's provider, as the upstream is the target's.  It is
 * applied to the step from a transit carrier into the target's upstream,
 * the step toward the target the upstream buys or takes from it, with one
 * more sign: the hop just before k answered from A too, so A keeps a router
 * of its own on the path.  Between two transit carriers nothing says which
 * one numbers their link (a customer's step up into its provider is
 * numbered from the provider's side, where the reading would misplace the
 * border by one hop), so those borders are placed where the AS changes.
 */
static void
find_borders(struct analysis *an, const struct trace *t)
{
	const struct annot *a, *pa;
	struct border b;
	size_t h, p = SIZE_MAX, first, end = loop_start(an, t, &first);
	int unmapped = 0;

	/* Past a loop's second pass, steps between networks are no borders. */
	for (h = 0; h < t->nhops && h < end; h++) {
		if ((a = an->hopa[h]) == NULL)
			continue;
		if (a->asn == 0 || a->role == ROLE_PRIVATE) {
			unmapped |= p != SIZE_MAX;
			continue;
		}
		pa = p != SIZE_MAX ? an->hopa[p] : NULL;
		/*
		 * Not a border here: the step into the target (the handoff),
		 * or one between two of the target's upstreams, its parallel
		 * providers (a classic trace mixing two paths shows one).
		 */
		if (pa != NULL && pa->asn != a->asn &&
		    !(target_side(a->role) && !target_side(pa->role)) &&
		    !(a->role == ROLE_UPSTREAM && pa->role == ROLE_UPSTREAM)) {
			memset(&b, 0, sizeof(b));
			b.from_ttl = t->hops[p].ttl;
			b.from_addr = pa->addr;
			b.from_asn = pa->asn;
			b.to_ttl = t->hops[h].ttl;
			b.to_addr = a->addr;
			b.to_asn = a->asn;
			if (unmapped)
				b.rule = BR_ACROSS_UNMAPPED;
			else if (b.from_ttl + 1 != b.to_ttl)
				b.rule = BR_ACROSS_SILENT;
			else if (a->role == ROLE_UPSTREAM &&
			    pa->role == ROLE_TRANSIT && p > 0 &&
			    hop_asn(an, p - 1) == pa->asn &&
			    t->hops[p - 1].ttl + 1 == t->hops[p].ttl) {
				b.rule = BR_NEIGHBOUR_NUMBERED;
				b.from_ttl = t->hops[p - 1].ttl;
				b.from_addr = an->hopa[p - 1]->addr;
				b.to_ttl = t->hops[p].ttl;
				b.to_addr = pa->addr;
			} else
				b.rule = BR_ADJACENT;
			add_border(an, &b);
		}
		p = h;
		unmapped = 0;
	}
	if (an->has_handoff)
		handoff_border(an);
}

const struct border *
analysis_border_at(const struct analysis *an, uint8_t ttl)
{
	size_t i;

	for (i = 0; an != NULL && i < an->nborders; i++)
		if (an->borders[i].to_ttl == ttl)
			return &an->borders[i];
	return NULL;
}

/* Where a last answer at TTL ttl sits relative to a handoff. */
static enum where
place(const struct analysis *an, int ttl, int role)
{
	if (target_side(role))
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

/* ---- the verdict ---- */

/* The hop of t at TTL ttl, or SIZE_MAX. */
static size_t
hop_at(const struct trace *t, int ttl)
{
	size_t h;

	for (h = 0; h < t->nhops; h++)
		if (t->hops[h].ttl == ttl)
			return h;
	return SIZE_MAX;
}

/* Whether hop h of t has an answer from addr. */
static int
hop_has(const struct trace *t, size_t h, uint32_t addr)
{
	size_t i;

	for (i = 0; i < t->hops[h].n; i++)
		if (t->probes[t->hops[h].first + i].rkind != RK_NONE &&
		    t->probes[t->hops[h].first + i].raddr == addr)
			return 1;
	return 0;
}

/* The first hop of b where addr answered, or SIZE_MAX. */
static size_t
hop_of_addr(const struct trace *b, uint32_t addr)
{
	size_t h;

	for (h = 0; h < b->nhops; h++)
		if (hop_has(b, h, addr))
			return h;
	return SIZE_MAX;
}

/*
 * The first answering hop of the baseline b, at TTL min_ttl or later,
 * where today's trace t has no answer from any of the baseline's
 * responders at that TTL: the hop today no longer reaches.  SIZE_MAX when
 * today matches the baseline all the way.
 */
static size_t
departure(const struct trace *t, const struct trace *b,
    const struct analysis *ba, int min_ttl)
{
	size_t bh, h, k;
	int same;

	for (bh = 0; bh < b->nhops; bh++) {
		if (b->hops[bh].ttl < min_ttl || hop_role(ba, b, bh, NULL) < 0)
			continue;
		same = 0;
		h = hop_at(t, b->hops[bh].ttl);
		for (k = 0; h != SIZE_MAX && k < b->hops[bh].n && !same; k++) {
			const struct probe *p = &b->probes[b->hops[bh].first + k];

			same = p->rkind != RK_NONE && hop_has(t, h, p->raddr);
		}
		if (!same)
			return bh;
	}
	return SIZE_MAX;
}

/*
 * What baseline hop bh was, and the role of the network its router
 * belongs to (a neighbour-numbered border router belongs to the network
 * after it).
 */
static enum bkind
baseline_kind(const struct analysis *ba, const struct trace *b, size_t bh,
    const struct asmap *m, struct verdict *v, int *net_role)
{
	int ttl = b->hops[bh].ttl;
	uint32_t addr = 0;
	int role = hop_role(ba, b, bh, &addr);
	const struct annot *a = analysis_annot(ba, addr);
	const struct border *br = analysis_border_at(ba, (uint8_t)ttl);

	*net_role = role;
	v->depart_addr = addr;
	if (addr == b->dst)
		return BK_DEST;
	if (ba->has_handoff && ttl == ba->ho_in_ttl) {
		vnet_fill(m, ba->target_asn, &v->depart_net);
		*net_role = ROLE_TARGET;
		return BK_BORDER;
	}
	if (ba->has_handoff && ttl == ba->ho_up_ttl) {
		vnet_fill(m, a != NULL ? a->asn : 0, &v->depart_net);
		return BK_LAST_UPSTREAM;
	}
	if (role == ROLE_TARGET) {
		vnet_fill(m, ba->target_asn, &v->depart_net);
		return BK_INSIDE;
	}
	if (role == ROLE_PRIVATE)
		return BK_PRIVATE;
	if (br != NULL && !br->handoff && br->rule == BR_NEIGHBOUR_NUMBERED &&
	    br->to_addr == addr) {
		vnet_fill(m, br->to_asn, &v->depart_net);
		vnet_fill(m, br->from_asn, &v->depart_space);
		*net_role = br->to_asn == ba->target_asn ? ROLE_TARGET :
		    is_upstream(ba, br->to_asn) ? ROLE_UPSTREAM : ROLE_TRANSIT;
		return BK_NB_BORDER;
	}
	vnet_fill(m, a != NULL ? a->asn : 0, &v->depart_net);
	return BK_ROUTER;
}

/*
 * Where traffic dies when today's trace stops reaching baseline hop bh
 * (its router's network's role net_role): at the handoff when that hop
 * was the target's border router, or the border router was today's last
 * answer (it answers, and forwards nothing inward); inside the target past
 * the border; else in the network of that hop's router.
 */
static enum where
departure_where(const struct analysis *ba, const struct trace *b, size_t bh,
    int net_role, uint32_t last_addr)
{
	int ttl = b->hops[bh].ttl;

	if (ba->has_handoff &&
	    (ttl == ba->ho_in_ttl || last_addr == ba->ho_in_addr))
		return WH_HANDOFF;
	if (ba->has_handoff && ttl > ba->ho_in_ttl)
		return WH_TARGET;
	if (target_side(net_role))
		return WH_TARGET;
	return net_role == ROLE_UPSTREAM ? WH_UPSTREAM : WH_TRANSIT;
}

/*
 * Today's trace against the baseline b (analysed as ba): the first hop it
 * departs from, and where traffic dies.  A router that refused loudly is
 * placed where the baseline had it; otherwise the hop today no longer
 * reaches decides.  *by_depart: the departure decided the place.
 */
static void
by_baseline(struct verdict *v, const struct trace *t, const struct trace *b,
    const struct analysis *ba, const struct asmap *m, int *by_depart)
{
	size_t bh, dh;
	int r, net_role = ROLE_UNKNOWN;

	v->used_baseline = 1;
	dh = departure(t, b, ba, v->reason == VR_LOOP ? 0 : v->last_ttl);
	if (dh != SIZE_MAX) {
		v->depart_ttl = b->hops[dh].ttl;
		v->depart_kind = (uint8_t)baseline_kind(ba, b, dh, m, v,
		    &net_role);
	}
	if (dh != SIZE_MAX && v->reason == VR_SILENT) {
		v->where = departure_where(ba, b, dh, net_role, v->last_addr);
		v->cand[0] = v->cand[1] = WH_NONE;
		*by_depart = 1;
		return;
	}
	/* The last answer's place in the baseline. */
	if ((bh = hop_of_addr(b, v->last_addr)) == SIZE_MAX)
		return;
	r = hop_role(ba, b, bh, NULL);
	v->where = place(ba, b->hops[bh].ttl, r);
	if (v->where == WH_TARGET && b->hops[bh].ttl == ba->ho_in_ttl)
		v->where = WH_HANDOFF;
	v->cand[0] = v->cand[1] = WH_NONE;
}

/*
 * The routers of a routing loop, as model.c's has_loop() finds it (an
 * address answering at two TTLs with another router between them), and
 * where the loop is: in the target when a router of the target (or its
 * border router, seen today or in the baseline) takes part, in the
 * upstream when one of the upstream's does, at the handoff when both do,
 * else in transit.  0 when no loop is found.
 */
static int
loop_evidence(const struct analysis *an, const struct trace *t,
    const struct analysis *ba, struct verdict *v, uint32_t *up_asn,
    uint32_t *tr_asn)
{
	size_t j, k, start = SIZE_MAX;
	const struct annot *a;
	int has_t = 0, has_u = 0, seen;

	if (loop_start(an, t, &start) == SIZE_MAX)
		return 0;
	v->loop_from = t->hops[start].ttl;
	v->loop_to = v->last_ttl;
	for (j = start; j < t->nhops; j++) {
		if ((a = an->hopa[j]) == NULL)
			continue;
		for (k = start, seen = 0; k < j && !seen; k++)
			seen = an->hopa[k] != NULL && an->hopa[k]->addr == a->addr;
		if (seen)
			continue;
		if (v->nloop < V_LOOP_MAX) {
			struct vhop *x = &v->loop[v->nloop++];

			x->ttl = t->hops[j].ttl;
			x->addr = a->addr;
			x->asn = a->asn;
			x->role = a->role;
		} else if (v->loop_more < UINT8_MAX)
			v->loop_more++;
		if (target_side(a->role) ||
		    (an->has_handoff && a->addr == an->ho_in_addr) ||
		    (ba != NULL && ba->has_handoff && a->addr == ba->ho_in_addr))
			has_t = 1;
		else if (a->role == ROLE_UPSTREAM) {
			has_u = 1;
			if (*up_asn == 0)
				*up_asn = a->asn;
		} else if (a->role == ROLE_TRANSIT && *tr_asn == 0)
			*tr_asn = a->asn;
	}
	v->where = has_t && has_u ? WH_HANDOFF : has_t ? WH_TARGET :
	    has_u ? WH_UPSTREAM : WH_TRANSIT;
	v->cand[0] = v->cand[1] = WH_NONE;
	return 1;
}

/* The network where traffic died (v->net), for its sentence and JSON;
 * decide() calls it for deaths with a known destination only. */
static void
name_network(const struct analysis *an, const struct asmap *m,
    struct verdict *v, int by_depart, uint32_t loop_up, uint32_t loop_tr)
{
	const struct annot *la = analysis_annot(an, v->last_addr);
	const struct annot *ua = analysis_annot(an, an->ho_up_addr);
	uint32_t asn = 0;

	switch (v->where) {
	case WH_HANDOFF:
	case WH_TARGET:
		v->net = v->target;
		return;
	case WH_TRANSIT:
		if (by_depart && v->depart_net.asn != 0)
			asn = v->depart_net.asn;
		else if (loop_tr != 0)
			asn = loop_tr;
		else if (la != NULL && la->role == ROLE_TRANSIT)
			asn = la->asn;
		break;
	default:	/* the upstream, or undecided between it and the handoff */
		if (by_depart && v->depart_net.asn != 0)
			asn = v->depart_net.asn;
		else if (loop_up != 0)
			asn = loop_up;
		else if (an->ho_up_addr != 0)
			asn = ua != NULL ? ua->asn : 0;
		else
			asn = la != NULL ? la->asn : 0;
		break;
	}
	vnet_fill(m, asn, &v->net);
}

static void
decide(struct analysis *an, const struct trace *t,
    const struct analysis_opts *o, const struct analysis *ba)
{
	struct verdict *v = &an->v;
	size_t h, sent, answered, last = SIZE_MAX, i;
	int role = -1, r, by_depart = 0;
	uint32_t addr, last_addr = 0, loop_up = 0, loop_tr = 0;
	const struct probe *p;

	vnet_fill(o->map, an->target_asn, &v->target);
	for (h = 0; h < t->nhops; h++) {
		r = hop_role(an, t, h, &addr);
		if (r >= 0) {
			last = h;
			role = r;
			last_addr = addr;
		}
	}
	if (last == SIZE_MAX) {
		v->outcome = OUT_NODATA;
		v->reason = t->reply_only ? VR_UNPLACED : VR_SILENT;
		return;
	}
	v->has_last = 1;
	v->last_ttl = t->hops[last].ttl;
	v->last_addr = last_addr;
	if (t->dst == 0) {
		/* Pasted text that never names its destination. */
		v->outcome = OUT_DIED;
		v->reason = VR_SILENT;
		v->flags |= VF_NO_DST;
		return;
	}
	if (t->stop == STOP_COMPLETED) {
		v->outcome = OUT_REACHED;
		v->reason = VR_REACHED;
		if (last_addr != t->dst && t->amb_dst)
			v->flags |= VF_AMB_DST;	/* no answer can be placed */
		return;
	}
	if (trace_incomplete(t)) {
		/* The input ends before the trace could: no place to blame. */
		v->outcome = OUT_INCOMPLETE;
		v->reason = t->stop == STOP_AMBIGUOUS ? VR_AMBIGUOUS :
		    t->stop == STOP_CAPTURE_ENDED ? VR_CAPTURE_ENDED :
		    VR_HOP_LIMIT;
		return;
	}
	v->outcome = OUT_DIED;
	hop_counts(t, last, &sent, &answered);
	v->rate_limited = answered < sent;
	v->reason = VR_SILENT;
	for (i = 0; i < t->hops[last].n; i++) {
		p = &t->probes[t->hops[last].first + i];
		if (p->rkind == RK_UNREACH) {
			v->reason = VR_UNREACHABLE;
			v->unreach_code = p->rcode;
		}
	}
	if (t->stop == STOP_LOOP)
		v->reason = VR_LOOP;

	v->where = place(an, v->last_ttl, role);
	/* An upstream router that may be its last before the target. */
	if (v->where == WH_UPSTREAM && !an->has_handoff) {
		for (i = 0; i < sizeof(published_last) / sizeof(published_last[0]);
		    i++)
			if (last_addr == published_last[i])
				v->where = WH_HANDOFF;
		if (v->where == WH_UPSTREAM) {
			v->where = WH_NONE;	/* undecided */
			v->cand[0] = WH_UPSTREAM;
			v->cand[1] = WH_HANDOFF;
		}
	}
	if (ba != NULL)
		by_baseline(v, t, o->baseline, ba, o->map, &by_depart);
	if (v->reason == VR_LOOP &&
	    loop_evidence(an, t, ba, v, &loop_up, &loop_tr))
		by_depart = 0;
	name_network(an, o->map, v, by_depart, loop_up, loop_tr);
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
	find_handoff(an, t);
	find_borders(an, t);
	return an;
}

struct analysis *
analyze_baseline(const struct trace *b, const struct analysis_opts *o,
    char *err, size_t errlen)
{
	struct analysis_opts bo = *o;
	struct analysis *ba;

	bo.baseline = NULL;
	bo.baseline_an = NULL;
	if ((ba = analyze(b, &bo)) == NULL)
		lh_err(err, errlen, "out of memory");
	return ba;
}

int
analyze_trace(struct trace *t, const struct analysis_opts *o, char *err,
    size_t errlen)
{
	struct analysis *an = analyze(t, o), *own = NULL;
	const struct analysis *ba = o->baseline_an;

	if (an == NULL)
		return lh_err(err, errlen, "out of memory");
	if (o->baseline != NULL && ba == NULL) {
		/* No analysis given with the baseline: one for this trace. */
		if ((own = analyze_baseline(o->baseline, o, err, errlen)) ==
		    NULL) {
			analysis_free(an);
			return -1;
		}
		ba = own;
	}
	decide(an, t, o, o->baseline != NULL ? ba : NULL);
	analysis_free(own);
	analysis_free(t->an);
	t->an = an;
	return 0;
}
