/*
 * diagram_dot.c: Graphviz pictures of the path model: the "dot" writer
 * (the graph as DOT text) and the "svg" and "png" writers (the graph laid
 * out with dot and rendered by libgvc; no program is run).
 *
 * Every trace given to one writer goes into one graph, built with
 * libcgraph as the traces arrive (the caller frees each trace after
 * trace()); end() finishes the labels and renders it.
 *
 *   nodes     one per responding address (the same address in two traces
 *             is one node), labelled with its DNS name, address, AS and the
 *             hops it answered at; one dashed node per run of silent hops
 *             per trace; one root node per vantage (source address).
 *   edges     hop to hop along each trace; several responders at one hop
 *             (load balancing) are branches; with several traces, an edge
 *             only one trace takes has that trace's colour.
 *   clusters  one per network (AS, or private space), filled with the
 *             network's colour and labelled with AS, name and role(s).
 *   marks     the handoff edge bold and labelled "handoff"; the last
 *             answer before traffic dies red, the step into silence red
 *             and dashed; reply marks (!X, ...) on the edge into the hop.
 *   legend    a small cluster explaining marks, networks and traces; the
 *             verdicts are the caption at the bottom.
 *
 * Output is deterministic: objects are created in trace and hop order and
 * named from addresses and trace numbers, never from pointers or clocks.
 * Graphviz's messages go into err, never to stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "analysis.h"
#include "diagram.h"
#include "lh.h"
#include "proto.h"
#include "verdict_text.h"

/* Labels are cut at their buffers' ends; that is fine for a picture. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define FONT		"Helvetica,Arial,sans-serif"
#define CAPTION_COLS	110	/* caption lines are wrapped here */
#define REC		"lasthop"	/* name of our records on objects */

/* Cluster fills by palette slot (diagram.h), and their borders. */
static const char *const fill_slot[DG_PALETTE] = {
	"#fde0c5", "#cfe3f7", "#f6d1d5", "#d9f0d3",
	"#e8dcf3", "#fff3b0", "#d4f1f0", "#efe4d6",
};
static const char *const border_slot[DG_PALETTE] = {
	"#d9822b", "#3d7ab8", "#c0505f", "#4e9a3e",
	"#8a63b3", "#c9a800", "#2f9c97", "#a08060",
};
#define FILL_GREY	"#eeeeee"
#define BORDER_GREY	"#999999"
#define DEATH_COLOR	"#d62728"
#define SHARED_COLOR	"#555555"

/* Edge colours of traces when several share a picture (no red: death). */
static const char *const trace_color[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
	"#8c564b", "#e377c2", "#17becf", "#7f7f7f",
};
#define NTRACE_COLORS	(sizeof(trace_color) / sizeof(trace_color[0]))

enum { DK_RESP = 1, DK_SILENT, DK_VANTAGE };

/* Our record on every node. */
struct nrec {
	Agrec_t		h;
	int		kind;
	uint32_t	ttls[8];	/* bit per TTL it answered at */
	uint8_t		lo, hi;		/* silent: the TTLs of the run */
	int		dest;		/* some trace's destination */
	int		death;		/* first trace it is the last answer of */
	uint64_t	deaths;		/* bit per trace (1..64) dying there */
	char		how[24];	/* how the first of them died there */
};

/* Our record on every edge. */
struct erec {
	Agrec_t		h;
	int		first;		/* the first trace through it */
	int		last;		/* the last trace through it */
	int		ntr;		/* traces through it */
	int		handoff;
	int		death;		/* the step into silence of a dead trace */
	char		mark[8];	/* reply mark of its head, e.g. "!X" */
};

struct dcluster {
	Agraph_t	*sg;
	uint32_t	 asn;		/* 0: private space */
	unsigned	 roles;		/* bit per enum role it played */
	int		 slot;		/* palette slot, -1 grey */
	char		 head[320];	/* the label's first lines (escaped) */
	char		 legend[160];	/* one line for the legend (plain) */
};

struct dtrace {
	char		*caption;	/* its paragraph of the caption (escaped) */
	char		 title[160];	/* "trace 1: udp A -> B (file)", plain */
};

struct dot_priv {
	const char		*format;	/* gvRender format, or "dot" */
	Agraph_t		*g;
	Agraph_t		*vantages;	/* rank=source */
	struct dg_palette	 pal;
	struct dcluster		*cl;
	size_t			 ncl;
	struct dtrace		*tr;
	size_t			 ntr;
	Agnode_t		*deepest;	/* end of the longest path */
	size_t			 depth;		/* its steps from the vantage */
};

/* ---- Graphviz messages ---- */

static char gv_msg[256];
static GVC_t *gv_context;	/* see render() */

/* agseterrf() callback: keep the last message for err (never stderr). */
static int
gv_collect(char *msg)
{
	size_t n;

	snprintf(gv_msg, sizeof(gv_msg), "%s", msg);
	n = strlen(gv_msg);
	while (n > 0 && (gv_msg[n - 1] == '\n' || gv_msg[n - 1] == ' '))
		gv_msg[--n] = '\0';
	return 0;
}

/*
 * Graphviz 2.42 and the font libraries under it keep memory until the
 * process exits (plugin configuration, font caches, dot's auxiliary
 * edges); LeakSanitizer is told so here, where Graphviz is called, so
 * that leak checks stay on for lasthop's own memory.
 */
const char *__lsan_default_suppressions(void);

__attribute__((used)) const char *
__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\n"
	    "leak:libgvplugin_\n"
	    "leak:libfontconfig.so\n"
	    "leak:libpango\n"
	    "leak:libcairo.so\n"
	    "leak:libglib-2.0.so\n"
	    "leak:libgobject-2.0.so\n"
	    "leak:libexpat.so\n"
	    "leak:libharfbuzz.so\n"
	    "leak:libfreetype.so\n";
}

/* ... and keeps quiet about using them (LSAN_OPTIONS still overrides). */
const char *__lsan_default_options(void);

__attribute__((used)) const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

/* ---- object IDs in creation order ---- */

/*
 * cgraph's default ID discipline makes a named object's ID the address of
 * its interned name, and keeps subgraphs (clusters) in ID order: the order
 * of clusters in the output, and so the layout, would follow malloc.  This
 * discipline numbers names in the order they are first used instead.
 */
struct idstate {
	Agraph_t *g;
	char	**names;	/* names[k] has ID 2 * (k + 1); the graph's
				   own strings (agstrdup: writers ask them
				   whether they are HTML) */
	size_t	  n, cap;
	size_t	 *slots;	/* hash of names: k + 1, 0 = empty */
	size_t	  nslots;	/* a power of two, more than 2n */
	IDTYPE	  anon;		/* the next anonymous (odd) ID */
};

static size_t
id_hash(const char *s)
{
	size_t h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static size_t *
id_slot(struct idstate *st, const char *s)
{
	size_t i = id_hash(s) & (st->nslots - 1);

	while (st->slots[i] != 0 && strcmp(st->names[st->slots[i] - 1], s) != 0)
		i = (i + 1) & (st->nslots - 1);
	return &st->slots[i];
}

static int
id_grow(struct idstate *st)
{
	size_t *old = st->slots, nold = st->nslots, i, k;
	char **nn;

	if (st->n == st->cap) {
		k = st->cap ? st->cap * 2 : 64;
		if ((nn = realloc(st->names, k * sizeof(*nn))) == NULL)
			return -1;
		st->names = nn;
		st->cap = k;
	}
	if (2 * (st->n + 1) < st->nslots)
		return 0;
	k = nold ? nold * 2 : 256;
	if ((st->slots = calloc(k, sizeof(*st->slots))) == NULL) {
		st->slots = old;
		return -1;
	}
	st->nslots = k;
	for (i = 0; i < nold; i++)
		if (old[i] != 0)
			*id_slot(st, st->names[old[i] - 1]) = old[i];
	free(old);
	return 0;
}

static void *
id_open(Agraph_t *g, Agdisc_t *disc)
{
	struct idstate *st = calloc(1, sizeof(*st));

	(void)disc;
	if (st != NULL) {
		st->g = g;
		st->anon = 1;
	}
	return st;
}

static long
id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct idstate *st = state;
	size_t *slot;

	(void)objtype;
	if (str == NULL) {
		*id = st->anon;
		st->anon += 2;
		return 1;
	}
	if (st->nslots > 0 && *(slot = id_slot(st, str)) != 0) {
		*id = (IDTYPE)2 * *slot;
		return 1;
	}
	if (!createflag || id_grow(st) != 0)
		return 0;	/* cgraph falls back to an anonymous ID */
	if ((st->names[st->n] = agstrdup(st->g, str)) == NULL)
		return 0;
	st->n++;
	*id_slot(st, str) = st->n;
	*id = (IDTYPE)2 * st->n;
	return 1;
}

static long
id_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	return id % 2 == 0;
}

static void
id_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;	/* names live until the graph is closed */
}

static char *
id_print(void *state, int objtype, IDTYPE id)
{
	struct idstate *st = state;

	(void)objtype;
	if (id % 2 != 0 || id == 0 || id / 2 > st->n)
		return NULL;
	return st->names[id / 2 - 1];
}

static void
id_close(void *state)
{
	struct idstate *st = state;

	/* the names go with the graph's strings */
	free(st->names);
	free(st->slots);
	free(st);
}

static void
id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t id_disc = {
	id_open, id_map, id_alloc, id_free, id_print, id_close, id_register,
};

static Agdisc_t graph_disc = { &AgMemDisc, &id_disc, &AgIoDisc };

/* ---- small helpers ---- */

/* A string being built: appends are cut at the end, never overrun. */
struct sbuf {
	char	*b;
	size_t	 len, n;
};

static void sb_printf(struct sbuf *s, const char *fmt, ...) LH_PRINTF(2, 3);

static void
sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (s->n + 1 >= s->len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(s->b + s->n, s->len - s->n, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	s->n += (size_t)k;
	if (s->n >= s->len)
		s->n = s->len - 1;
}

/* Data for a label: cleaned, backslashes escaped. */
static char *
esc(char *out, size_t len, const char *s)
{
	return dg_clean(out, len, s, DG_CLEAN_BACKSLASH);
}

/* Data for an HTML-like label: cleaned, XML special characters escaped. */
static void
sb_html(struct sbuf *s, const char *text)
{
	char clean[400];
	const char *p;

	dg_clean(clean, sizeof(clean), text, 0);
	for (p = clean; *p != '\0'; p++)
		switch (*p) {
		case '&':	sb_printf(s, "&amp;"); break;
		case '<':	sb_printf(s, "&lt;"); break;
		case '>':	sb_printf(s, "&gt;"); break;
		case '"':	sb_printf(s, "&quot;"); break;
		default:	sb_printf(s, "%c", *p); break;
		}
}

static struct nrec *
nrec_of(Agnode_t *n)
{
	return (struct nrec *)aggetrec(n, REC, 0);
}

static struct erec *
erec_of(Agedge_t *e)
{
	return (struct erec *)aggetrec(e, REC, 0);
}

/* A node with our record; NULL when Graphviz is out of memory. */
static Agnode_t *
new_node(Agraph_t *parent, char *name, int kind)
{
	Agnode_t *n = agnode(parent, name, 1);
	struct nrec *r;

	if (n == NULL)
		return NULL;
	r = (struct nrec *)agbindrec(n, REC, sizeof(*r), 0);
	if (r == NULL)
		return NULL;
	r->kind = kind;
	return n;
}

/* The edge a -> b, made once and counted once per trace. */
static Agedge_t *
link_nodes(struct dot_priv *dp, Agnode_t *a, Agnode_t *b, int ti)
{
	Agedge_t *e;
	struct erec *r;

	for (e = agfstout(dp->g, a); e != NULL; e = agnxtout(dp->g, e))
		if (aghead(e) == b)
			break;
	if (e == NULL) {
		if ((e = agedge(dp->g, a, b, NULL, 1)) == NULL)
			return NULL;
		r = (struct erec *)agbindrec(e, REC, sizeof(*r), 0);
		if (r == NULL)
			return NULL;
		r->first = ti;
	}
	r = erec_of(e);
	if (r->last != ti) {	/* counted once a trace */
		r->last = ti;
		r->ntr++;
	}
	return e;
}

/* ---- networks ---- */

static const char *
role_list(unsigned roles, char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };
	int r;

	buf[0] = '\0';
	for (r = ROLE_UNKNOWN; r <= ROLE_DEST; r++)
		if (roles & (1u << r))
			sb_printf(&s, "%s%s", s.n ? " / " : "",
			    role_name((enum role)r));
	return buf;
}

/* A constant attribute value (the cgraph API takes char *). */
static void
set(void *obj, char *attr, const char *value)
{
	char v[64];

	snprintf(v, sizeof(v), "%s", value);
	agset(obj, attr, v);
}

#define CL_NONE	(-1)	/* outside every cluster */
#define CL_OOM	(-2)

/* The cluster (index) of an annotated address, made on first use. */
static int
cluster_for(struct dot_priv *dp, const struct annot *a)
{
	struct dcluster *c, *nc;
	char name[32], t1[300], t2[300];
	struct sbuf s;
	uint32_t asn;
	size_t i;

	if (a == NULL)
		return CL_NONE;
	if (a->asn == 0 && a->role != ROLE_PRIVATE)
		return CL_NONE;	/* no AS data */
	asn = a->role == ROLE_PRIVATE ? 0 : a->asn;
	for (i = 0; i < dp->ncl; i++)
		if (dp->cl[i].asn == asn)
			return (int)i;
	nc = realloc(dp->cl, (dp->ncl + 1) * sizeof(*dp->cl));
	if (nc == NULL)
		return CL_OOM;
	dp->cl = nc;
	c = &dp->cl[dp->ncl];
	memset(c, 0, sizeof(*c));
	if (asn == 0)
		snprintf(name, sizeof(name), "cluster_private");
	else
		snprintf(name, sizeof(name), "cluster_AS%u", asn);
	if ((c->sg = agsubg(dp->g, name, 1)) == NULL)
		return CL_OOM;
	c->asn = asn;
	c->slot = dg_palette_slot(&dp->pal, asn);
	s.b = c->head;
	s.len = sizeof(c->head);
	s.n = 0;
	if (asn == 0) {
		sb_printf(&s, "private address space");
		snprintf(c->legend, sizeof(c->legend), "private address space");
	} else {
		sb_printf(&s, "AS%u %s", asn, esc(t1, sizeof(t1), a->as_name));
		if (a->org[0] != '\0' && strcmp(a->org, a->as_name) != 0)
			sb_printf(&s, "\\l%s", esc(t2, sizeof(t2), a->org));
		if (a->cc[0] != '\0')
			sb_printf(&s, " (%s)", esc(t2, sizeof(t2), a->cc));
		snprintf(c->legend, sizeof(c->legend), "AS%u %s", asn,
		    dg_clean(t1, sizeof(t1), a->org[0] ? a->org : a->as_name,
		    0));
	}
	set(c->sg, "style", "filled,rounded");
	set(c->sg, "labelloc", "t");
	set(c->sg, "fillcolor", c->slot >= 0 ? fill_slot[c->slot] : FILL_GREY);
	set(c->sg, "color", c->slot >= 0 ? border_slot[c->slot] :
	    BORDER_GREY);
	return (int)dp->ncl++;
}

/* The cluster (index) a node was put in, or CL_NONE. */
static int
cluster_of_node(const struct dot_priv *dp, Agnode_t *n)
{
	size_t i;

	for (i = 0; i < dp->ncl; i++)
		if (agsubnode(dp->cl[i].sg, n, 0) != NULL)
			return (int)i;
	return CL_NONE;
}

/* ---- one trace into the graph ---- */

/* The node of a responding address, made (in its cluster) on first use. */
static Agnode_t *
resp_node(struct dot_priv *dp, const struct trace *t, uint32_t addr)
{
	const struct annot *a = analysis_annot(t->an, addr);
	Agnode_t *n;
	char name[LH_IP4_STRLEN], label[600], t1[300];
	struct sbuf s = { label, sizeof(label), 0 };
	int c;

	lh_ip4_str(addr, name, sizeof(name));
	if ((n = agnode(dp->g, name, 0)) != NULL)
		return n;
	if ((c = cluster_for(dp, a)) == CL_OOM)
		return NULL;
	if ((n = new_node(c >= 0 ? dp->cl[c].sg : dp->g, name, DK_RESP)) ==
	    NULL)
		return NULL;
	if (a != NULL && a->name != NULL)
		sb_printf(&s, "%s\\n", esc(t1, 80, a->name));
	sb_printf(&s, "%s", name);
	if (a != NULL && a->asn != 0)
		sb_printf(&s, "\\nAS%u%s%s", a->asn, a->as_name[0] ? " " : "",
		    esc(t1, 80, a->as_name));
	else if (a != NULL && a->role == ROLE_PRIVATE)
		sb_printf(&s, "\\nprivate space");
	else
		sb_printf(&s, "\\nno AS data");
	agset(n, "label", label);
	return n;
}

/* Words of text wrapped with Graphviz's left-justified line ends. */
static void
sb_wrap(struct sbuf *s, const char *text, size_t cols)
{
	size_t col = 0, n;

	while (*text != '\0') {
		while (*text == ' ')
			text++;
		n = strcspn(text, " ");
		if (n == 0)
			break;
		if (col > 0 && col + 1 + n > cols) {
			sb_printf(s, "\\l");
			col = 0;
		} else if (col > 0) {
			sb_printf(s, " ");
			col++;
		}
		sb_printf(s, "%.*s", (int)n, text);
		col += n;
		text += n;
	}
	sb_printf(s, "\\l");
}

static int
add_caption(struct dot_priv *dp, const struct trace *t, int ti)
{
	struct dtrace *nt;
	const struct analysis *an = t->an;
	char a[LH_IP4_STRLEN], b[LH_IP4_STRLEN], tb[40], w[64];
	char t1[2 * VT_MAX], vd[VT_MAX], para[2 * VT_MAX + 1100], line[2 * VT_MAX + 100];
	const char *base;
	struct sbuf s = { para, sizeof(para), 0 };

	nt = realloc(dp->tr, (dp->ntr + 1) * sizeof(*dp->tr));
	if (nt == NULL)
		return -1;
	dp->tr = nt;
	nt = &dp->tr[dp->ntr];
	base = t->file != NULL ? t->file : "-";
	if (strrchr(base, '/') != NULL && strrchr(base, '/')[1] != '\0')
		base = strrchr(base, '/') + 1;
	snprintf(line, sizeof(line), "trace %d: %s %s \u2192 %s", ti,
	    method_name(t->method), lh_ip4_str(t->src, a, sizeof(a)),
	    lh_ip4_str(t->dst, b, sizeof(b)));
	snprintf(nt->title, sizeof(nt->title), "%s (%s)", line, base);
	snprintf(line + strlen(line), sizeof(line) - strlen(line), ", %s, %s",
	    esc(t1, 400, t->file != NULL ? t->file : "-"),
	    fmt_time(t->first_ns, tb, sizeof(tb)));
	sb_wrap(&s, line, CAPTION_COLS);
	if (an != NULL) {
		const struct verdict *v = &an->v;

		snprintf(line, sizeof(line), "verdict: %s. ",
		    vt_headline(v, w, sizeof(w)));
		esc(t1, sizeof(t1), vt_detail(an, t, vd, sizeof(vd)));
		strncat(line, t1, sizeof(line) - strlen(line) - 1);
		if (an->has_handoff) {
			snprintf(t1, sizeof(t1), " Handoff rule: %s.",
			    ho_rule_name(an->ho_rule));
			strncat(line, t1, sizeof(line) - strlen(line) - 1);
		}
		sb_wrap(&s, line, CAPTION_COLS);
	} else {
		snprintf(line, sizeof(line), "stop: %s (no AS data, no verdict)",
		    stop_name(t->stop));
		sb_wrap(&s, line, CAPTION_COLS);
	}
	if ((nt->caption = strdup(para)) == NULL)
		return -1;
	dp->ntr++;
	return 0;
}

/*
 * The handoff edge e (into the target's first hop).  Across silent hops,
 * the edge from the upstream's last hop into the silent run carries the
 * label and e is only drawn bold (handoff 2).
 */
static void
mark_handoff(const struct analysis *an, struct erec *e, Agedge_t **entry,
    size_t nentry)
{
	char up[LH_IP4_STRLEN];
	size_t q;
	int found = 0;

	lh_ip4_str(an->ho_up_addr, up, sizeof(up));
	for (q = 0; entry != NULL && an->ho_up_ttl != 0 && q < nentry; q++)
		if (strcmp(agnameof(agtail(entry[q])), up) == 0) {
			erec_of(entry[q])->handoff = 1;
			found = 1;
		}
	if (e->handoff != 1)
		e->handoff = found ? 2 : 1;
}

static int
add_trace(struct dot_priv *dp, const struct trace *t)
{
	const struct analysis *an = t->an;
	Agnode_t *prev[DG_MAX_RESP], *cur[DG_MAX_RESP], *silent = NULL, *n;
	Agedge_t *e, *entry[DG_MAX_RESP];
	struct nrec *nr;
	struct erec *er;
	struct dg_hop hs;
	char name[64], a[LH_IP4_STRLEN], label[64];
	size_t h, k, j, nprev = 1, ncur, nentry = 0;
	int ti = (int)dp->ntr + 1, c;
	uint8_t last_ans = 0;

	/* The vantage: the common root of every trace from it. */
	snprintf(name, sizeof(name), "vantage %s",
	    lh_ip4_str(t->src, a, sizeof(a)));
	if ((prev[0] = agnode(dp->g, name, 0)) == NULL) {
		if ((prev[0] = new_node(dp->vantages, name, DK_VANTAGE)) == NULL)
			return -1;
		snprintf(label, sizeof(label), "vantage\\n%s", a);
		agset(prev[0], "label", label);
	}
	for (h = 0; h < t->nhops; h++) {
		dg_hop_summary(t, h, &hs);
		if (hs.answered == 0) {
			if (silent == NULL) {
				snprintf(name, sizeof(name), "t%d silent %u",
				    ti, hs.ttl);
				silent = new_node(dp->g, name, DK_SILENT);
				if (silent == NULL)
					return -1;
				nr = nrec_of(silent);
				nr->lo = hs.ttl;
				nentry = 0;
				for (k = 0; k < nprev; k++) {
					e = link_nodes(dp, prev[k], silent, ti);
					if (e == NULL)
						return -1;
					entry[nentry++] = e;
				}
				prev[0] = silent;
				nprev = 1;
			}
			nrec_of(silent)->hi = hs.ttl;
			continue;
		}
		/* A silent run between two hops of one network: inside it. */
		if (silent != NULL && nentry > 0 &&
		    nrec_of(agtail(entry[0]))->kind == DK_RESP) {
			int cb = cluster_of_node(dp, agtail(entry[0]));
			int ca = cluster_for(dp, analysis_annot(an,
			    hs.resp[0].addr));

			if (ca == CL_OOM)
				return -1;
			if (cb >= 0 && cb == ca)
				agsubnode(dp->cl[cb].sg, silent, 1);
		}
		ncur = 0;
		for (k = 0; k < hs.nresp; k++) {
			const struct annot *x = analysis_annot(an,
			    hs.resp[k].addr);

			if ((n = resp_node(dp, t, hs.resp[k].addr)) == NULL)
				return -1;
			nr = nrec_of(n);
			nr->ttls[hs.ttl / 32] |= 1u << (hs.ttl % 32);
			if (hs.resp[k].addr == t->dst)
				nr->dest = 1;
			if ((c = cluster_for(dp, x)) == CL_OOM)
				return -1;
			if (c >= 0)
				dp->cl[c].roles |= 1u << dg_band_role(x->role);
			cur[ncur++] = n;
			for (j = 0; j < nprev; j++) {
				if ((e = link_nodes(dp, prev[j], n, ti)) == NULL)
					return -1;
				er = erec_of(e);
				if (hs.resp[k].mark[0] != '\0')
					memcpy(er->mark, hs.resp[k].mark,
					    sizeof(er->mark));
				if (an != NULL && an->has_handoff &&
				    hs.ttl == an->ho_in_ttl &&
				    hs.resp[k].addr == an->ho_in_addr)
					mark_handoff(an, er, silent != NULL ?
					    entry : NULL, nentry);
			}
		}
		silent = NULL;
		memcpy(prev, cur, ncur * sizeof(*cur));
		nprev = ncur;
		last_ans = hs.ttl;
	}
	/* The legend goes beside the end of the longest path. */
	if (dp->deepest == NULL || t->nhops > dp->depth) {
		dp->deepest = prev[0];
		dp->depth = t->nhops;
	}
	/* Where it died: the last answer, and the step into silence. */
	if (an != NULL && an->v.outcome == OUT_DIED && an->v.has_last) {
		const struct verdict *v = &an->v;
		lh_ip4_str(v->last_addr, a, sizeof(a));
		n = agnode(dp->g, a, 0);
		if (n != NULL && ti <= 64)
			nrec_of(n)->deaths |= 1ull << (ti - 1);
		if (n != NULL && nrec_of(n)->death == 0) {
			nr = nrec_of(n);
			nr->death = ti;
			vt_how(v, nr->how, sizeof(nr->how));
		}
		for (k = 0; silent != NULL && k < nentry; k++)
			if (last_ans == v->last_ttl)
				erec_of(entry[k])->death = 1;
	}
	return add_caption(dp, t, ti);
}

/* ---- finishing: labels, legend, caption ---- */

static void
ttl_list(const struct nrec *r, struct sbuf *s)
{
	int t, n = 0, total = 0;

	for (t = 1; t < 256; t++)
		total += (r->ttls[t / 32] >> (t % 32)) & 1;
	sb_printf(s, "\\nhop%s ", total > 1 ? "s" : "");
	for (t = 1; t < 256; t++) {
		if (!((r->ttls[t / 32] >> (t % 32)) & 1))
			continue;
		if (n == 5) {
			sb_printf(s, ", \u2026");
			break;
		}
		sb_printf(s, "%s%d", n ? ", " : "", t);
		n++;
	}
}

static void
finish_nodes(struct dot_priv *dp)
{
	Agnode_t *n;
	Agedge_t *e;
	struct nrec *r;
	struct erec *er;
	char label[900], elabel[64];
	struct sbuf s;

	for (n = agfstnode(dp->g); n != NULL; n = agnxtnode(dp->g, n)) {
		if ((r = nrec_of(n)) == NULL)
			continue;	/* the legend */
		s.b = label;
		s.len = sizeof(label);
		s.n = 0;
		switch (r->kind) {
		case DK_RESP:
			sb_printf(&s, "%s", agget(n, "label"));
			ttl_list(r, &s);
			if (r->dest) {
				sb_printf(&s, " \u00b7 destination");
				agset(n, "peripheries", "2");
			}
			if (r->death) {
				int i, k = 0;

				sb_printf(&s, "\\n\u2717 last answer");
				for (i = 0; dp->ntr > 1 && i < 64; i++)
					if (r->deaths >> i & 1)
						sb_printf(&s, "%s%d", k++ ? ", " :
						    r->deaths & (r->deaths - 1) ?
						    " of traces " : " of trace ",
						    i + 1);
				sb_printf(&s, " (%s)", r->how);
				agset(n, "color", DEATH_COLOR);
				agset(n, "fontcolor", DEATH_COLOR);
				agset(n, "penwidth", "3");
			}
			agset(n, "label", label);
			break;
		case DK_SILENT:
			if (r->lo == r->hi)
				sb_printf(&s, "* no answer\\nhop %u", r->lo);
			else
				sb_printf(&s, "* no answer\\nhops %u\u2013%u",
				    r->lo, r->hi);
			agset(n, "label", label);
			agset(n, "style", "dashed,rounded");
			agset(n, "color", "#777777");
			agset(n, "fontcolor", "#555555");
			break;
		case DK_VANTAGE:
			agset(n, "shape", "house");
			agset(n, "style", "filled");
			agset(n, "fillcolor", "#333333");
			agset(n, "fontcolor", "white");
			break;
		}
		for (e = agfstout(dp->g, n); e != NULL; e = agnxtout(dp->g, e)) {
			if ((er = erec_of(e)) == NULL)
				continue;
			s.b = elabel;
			s.len = sizeof(elabel);
			s.n = 0;
			if (dp->ntr > 1 && er->ntr == 1)
				set(e, "color", trace_color[(size_t)(er->first -
				    1) % NTRACE_COLORS]);
			if (er->handoff) {
				if (er->handoff == 1)
					sb_printf(&s, "handoff");
				agset(e, "penwidth", "3.5");
				agset(e, "style", "bold");
			}
			if (er->mark[0] != '\0') {
				sb_printf(&s, "%s%s", s.n ? " " : "", er->mark);
				agset(e, "fontcolor", DEATH_COLOR);
			}
			if (er->death) {
				sb_printf(&s, "%s\u2717 dies", s.n ? "\\n" : "");
				agset(e, "color", DEATH_COLOR);
				agset(e, "fontcolor", DEATH_COLOR);
				agset(e, "style", "dashed");
				agset(e, "penwidth", "2");
			}
			if (s.n > 0)
				agset(e, "label", elabel);
		}
	}
}

static void
finish_clusters(struct dot_priv *dp)
{
	char label[420], roles[80];
	size_t i;

	for (i = 0; i < dp->ncl; i++) {
		struct dcluster *c = &dp->cl[i];

		/* left-justified lines: edges enter clusters in the middle */
		if (c->asn == 0)	/* private space: the role says no more */
			snprintf(label, sizeof(label), "%s\\l", c->head);
		else
			snprintf(label, sizeof(label), "%s\\l%s\\l", c->head,
			    role_list(c->roles, roles, sizeof(roles)));
		agset(c->sg, "label", label);
	}
}

static int
add_legend(struct dot_priv *dp)
{
	Agraph_t *lg, *bottom;
	Agnode_t *n;
	char *html, *hs, roles[80];
	struct sbuf s;
	size_t i, len = 4096 + 400 * (dp->ncl + dp->ntr);
	int rc = 0;

	if ((lg = agsubg(dp->g, "cluster_legend", 1)) == NULL ||
	    (bottom = agsubg(dp->g, "legend_rank", 1)) == NULL)
		return -1;
	set(bottom, "rank", "same");	/* beside the end of the paths */
	set(lg, "labelloc", "t");
	agset(lg, "label", "legend");
	agset(lg, "style", "rounded");
	agset(lg, "color", "#bbbbbb");
	if ((n = agnode(lg, "legend", 1)) == NULL ||
	    agsubnode(bottom, n, 1) == NULL || (dp->deepest != NULL &&
	    agsubnode(bottom, dp->deepest, 1) == NULL) ||
	    (html = malloc(len)) == NULL)
		return -1;
	s.b = html;
	s.len = len;
	s.n = 0;
	sb_printf(&s, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" "
	    "CELLPADDING=\"2\">");
	sb_printf(&s, "<TR><TD BORDER=\"1\" STYLE=\"rounded\">address</TD>"
	    "<TD ALIGN=\"LEFT\">a router that answered: address, AS, "
	    "hops</TD></TR>");
	sb_printf(&s, "<TR><TD><FONT COLOR=\"#555555\">* no answer</FONT>"
	    "</TD><TD ALIGN=\"LEFT\">silent hops (dashed)</TD></TR>");
	sb_printf(&s, "<TR><TD><B>\u2501\u2501 handoff</B></TD><TD ALIGN="
	    "\"LEFT\">from the upstream into the target network</TD></TR>");
	sb_printf(&s, "<TR><TD><FONT COLOR=\"%s\">\u2717 last answer</FONT>"
	    "</TD><TD ALIGN=\"LEFT\">the last hop that answered before "
	    "traffic died</TD></TR>", DEATH_COLOR);
	sb_printf(&s, "<TR><TD><FONT COLOR=\"%s\">- - \u2717 dies</FONT></TD>"
	    "<TD ALIGN=\"LEFT\">the step into silence</TD></TR>",
	    DEATH_COLOR);
	for (i = 0; i < dp->ncl; i++) {
		const struct dcluster *c = &dp->cl[i];

		sb_printf(&s, "<TR><TD BGCOLOR=\"%s\" BORDER=\"1\" COLOR=\"%s\">"
		    "</TD><TD ALIGN=\"LEFT\">", c->slot >= 0 ?
		    fill_slot[c->slot] : FILL_GREY, c->slot >= 0 ?
		    border_slot[c->slot] : BORDER_GREY);
		sb_html(&s, c->legend);
		sb_printf(&s, " (%s)</TD></TR>", role_list(c->roles, roles,
		    sizeof(roles)));
	}
	if (dp->ntr > 1)
		sb_printf(&s, "<TR><TD><FONT COLOR=\"%s\">\u2501\u2501\u2501"
		    "</FONT></TD><TD ALIGN=\"LEFT\">taken by several traces"
		    "</TD></TR>", SHARED_COLOR);
	for (i = 0; dp->ntr > 1 && i < dp->ntr; i++) {
		sb_printf(&s, "<TR><TD><FONT COLOR=\"%s\">\u2501\u2501\u2501"
		    "</FONT></TD><TD ALIGN=\"LEFT\">",
		    trace_color[i % NTRACE_COLORS]);
		sb_html(&s, dp->tr[i].title);
		sb_printf(&s, "</TD></TR>");
	}
	sb_printf(&s, "</TABLE>");
	if ((hs = agstrdup_html(dp->g, html)) == NULL)
		rc = -1;
	else {
		agset(n, "label", hs);
		agstrfree(dp->g, hs);
		agset(n, "shape", "plaintext");
		agset(n, "peripheries", "0");
		agset(n, "style", "");
		agset(n, "fontsize", "10");
	}
	free(html);
	return rc;
}

static int
set_caption(struct dot_priv *dp)
{
	size_t i, len = 64;
	char *cap;
	struct sbuf s;

	for (i = 0; i < dp->ntr; i++)
		len += strlen(dp->tr[i].caption) + 4;
	if ((cap = malloc(len)) == NULL)
		return -1;
	s.b = cap;
	s.len = len;
	s.n = 0;
	if (dp->ntr == 0)
		sb_printf(&s, "no traceroute traffic found\\l");
	for (i = 0; i < dp->ntr; i++)
		sb_printf(&s, "%s%s", i ? "\\l" : "", dp->tr[i].caption);
	agset(dp->g, "label", cap);
	free(cap);
	return 0;
}

/* ---- the writers ---- */

static int
dot_new_graph(struct dot_priv *dp)
{
	Agraph_t *g;

	if ((g = dp->g = agopen("lasthop", Agdirected, &graph_disc)) == NULL)
		return -1;
	/* Declared once: defaults appear once in DOT output. */
	if (agattr(g, AGRAPH, "rankdir", "TB") == NULL ||
	    agattr(g, AGRAPH, "fontname", FONT) == NULL ||
	    agattr(g, AGRAPH, "fontsize", "11") == NULL ||
	    agattr(g, AGRAPH, "labelloc", "b") == NULL ||
	    agattr(g, AGRAPH, "labeljust", "l") == NULL ||
	    agattr(g, AGRAPH, "nodesep", "0.35") == NULL ||
	    agattr(g, AGRAPH, "ranksep", "0.4") == NULL ||
	    agattr(g, AGRAPH, "bgcolor", "white") == NULL ||
	    agattr(g, AGRAPH, "pad", "0.3") == NULL ||
	    agattr(g, AGRAPH, "label", "") == NULL ||
	    agattr(g, AGRAPH, "style", "") == NULL ||
	    agattr(g, AGRAPH, "fillcolor", "") == NULL ||
	    agattr(g, AGRAPH, "color", "") == NULL ||
	    agattr(g, AGRAPH, "rank", "") == NULL ||
	    agattr(g, AGRAPH, "newrank", "true") == NULL ||
	    agattr(g, AGNODE, "shape", "box") == NULL ||
	    agattr(g, AGNODE, "style", "rounded,filled") == NULL ||
	    agattr(g, AGNODE, "fillcolor", "white") == NULL ||
	    agattr(g, AGNODE, "color", "#333333") == NULL ||
	    agattr(g, AGNODE, "fontname", FONT) == NULL ||
	    agattr(g, AGNODE, "fontsize", "10") == NULL ||
	    agattr(g, AGNODE, "fontcolor", "black") == NULL ||
	    agattr(g, AGNODE, "penwidth", "1") == NULL ||
	    agattr(g, AGNODE, "peripheries", "1") == NULL ||
	    agattr(g, AGNODE, "label", "\\N") == NULL ||
	    agattr(g, AGEDGE, "color", SHARED_COLOR) == NULL ||
	    agattr(g, AGEDGE, "style", "solid") == NULL ||
	    agattr(g, AGEDGE, "penwidth", "1.2") == NULL ||
	    agattr(g, AGEDGE, "fontname", FONT) == NULL ||
	    agattr(g, AGEDGE, "fontsize", "9") == NULL ||
	    agattr(g, AGEDGE, "fontcolor", "black") == NULL ||
	    agattr(g, AGEDGE, "arrowsize", "0.6") == NULL ||
	    agattr(g, AGEDGE, "label", "") == NULL)
		return -1;
	if ((dp->vantages = agsubg(g, "vantages", 1)) == NULL)
		return -1;
	agset(dp->vantages, "rank", "source");
	return 0;
}

static int
dot_begin_fmt(struct writer *w, const char *format, char *err, size_t errlen)
{
	struct dot_priv *dp = calloc(1, sizeof(*dp));

	if (dp == NULL)
		return lh_err(err, errlen, "out of memory");
	dp->format = format;
	w->priv = dp;
	if (dot_new_graph(dp) != 0)
		return lh_err(err, errlen, "out of memory (graphviz)");
	return 0;
}

static int
dot_begin(struct writer *w, char *err, size_t errlen)
{
	return dot_begin_fmt(w, "dot", err, errlen);
}

static int
svg_begin(struct writer *w, char *err, size_t errlen)
{
	return dot_begin_fmt(w, "svg", err, errlen);
}

static int
png_begin(struct writer *w, char *err, size_t errlen)
{
	return dot_begin_fmt(w, "png", err, errlen);
}

static int
dot_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	struct dot_priv *dp = w->priv;

	w->ntraces++;
	if (add_trace(dp, t) != 0)
		return lh_err(err, errlen, "out of memory (graphviz)");
	return 0;
}

/* Lay out and render the graph to w->fp in dp->format. */
static int
render(struct writer *w, char *err, size_t errlen)
{
	struct dot_priv *dp = w->priv;
	GVC_t *gvc;
	char *data = NULL;
	unsigned int len = 0;
	char fmt[8];
	int rc = 0;

	if (strcmp(dp->format, "dot") == 0) {
		if (agwrite(dp->g, w->fp) != 0)
			return lh_err(err, errlen, "write error");
		return 0;
	}
	/*
	 * One context serves the process: Graphviz 2.42's pango plugin keeps
	 * a pointer to the last font name, which the context owns, so a
	 * second context would have it read freed memory.
	 */
	if (gv_context == NULL && (gv_context = gvContext()) == NULL)
		return lh_err(err, errlen, "graphviz: no context: %s", gv_msg);
	gvc = gv_context;
	snprintf(fmt, sizeof(fmt), "%s", dp->format);
	if (gvLayout(gvc, dp->g, "dot") != 0)
		rc = lh_err(err, errlen, "graphviz: layout failed: %s", gv_msg);
	else {
		if (gvRenderData(gvc, dp->g, fmt, &data, &len) != 0 ||
		    data == NULL)
			rc = lh_err(err, errlen, "graphviz: cannot render %s: "
			    "%s", fmt, gv_msg[0] ? gv_msg :
			    "is the plugin installed?");
		else if (fwrite(data, 1, len, w->fp) != len)
			rc = lh_err(err, errlen, "write error");
		if (data != NULL)
			gvFreeRenderData(data);
		gvFreeLayout(gvc, dp->g);
	}
	return rc;
}

static int
dot_end(struct writer *w, char *err, size_t errlen)
{
	struct dot_priv *dp = w->priv;
	agusererrf old;
	int rc;

	finish_nodes(dp);
	finish_clusters(dp);
	if (add_legend(dp) != 0 || set_caption(dp) != 0)
		return lh_err(err, errlen, "out of memory (graphviz)");
	gv_msg[0] = '\0';
	old = agseterrf(gv_collect);
	rc = render(w, err, errlen);
	agseterrf(old);
	if (rc == 0 && (fflush(w->fp) != 0 || ferror(w->fp)))
		rc = lh_err(err, errlen, "write error");
	return rc;
}

static void
dot_free(struct writer *w)
{
	struct dot_priv *dp = w->priv;
	size_t i;

	if (dp == NULL)
		return;
	if (dp->g != NULL)
		agclose(dp->g);
	for (i = 0; i < dp->ntr; i++)
		free(dp->tr[i].caption);
	free(dp->tr);
	free(dp->cl);
	free(dp);
	w->priv = NULL;
}

const struct writer_ops diagram_dot_ops = {
	.name = "dot",
	.begin = dot_begin,
	.trace = dot_trace,
	.file_done = writer_ignore_file,
	.end = dot_end,
	.free = dot_free,
};

const struct writer_ops diagram_svg_ops = {
	.name = "svg",
	.begin = svg_begin,
	.trace = dot_trace,
	.file_done = writer_ignore_file,
	.end = dot_end,
	.free = dot_free,
};

const struct writer_ops diagram_png_ops = {
	.name = "png",
	.begin = png_begin,
	.trace = dot_trace,
	.file_done = writer_ignore_file,
	.end = dot_end,
	.free = dot_free,
};
