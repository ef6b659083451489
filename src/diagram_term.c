/*
 * diagram_term.c: the terminal hop diagram ("term" writer), and the hop
 * summary and network colours shared with the Graphviz writers.
 *
 * One trace reads top to bottom, at most 79 columns wide:
 *
 *   trace 1  100.64.0.2 -> 175.45.176.71  udp  2026-11-27T09:03:50.757366Z
 *     captures/peer-traceroute-udp-silent.pcap
 *     stop: gap limit, 24 probes, 9 answered
 *        ttl  address            min     avg     loss  notes
 *    o 100.64.0.2  vantage
 *    +- private - shared address space, carrier NAT (RFC 6598) -----------
 *    |  1  100.64.0.1         0.004   0.013 ms    0%
 *    +- AS4837 CHINA169-BACKBONE - upstream - CHINA UNICOM China169 ... -
 *    |  2  219.158.3.1        0.006   0.009 ms    0%
 *    |  3  219.158.96.2       0.007   0.010 ms    0%
 *    X== traffic dies here: at the handoff (silent) =====================
 *    :  4  * no answer                         100%
 *
 *    verdict: died at handoff (silent)
 *      Traffic dies at the handoff into ...
 *
 * (the ASCII form; without --ascii the lines are UTF-8 box drawing).  Hops
 * are banded by network (AS and role; silent hops do not break a band), the
 * handoff is a separator line naming its rule, before the first hop on the
 * target's side.  Every string that came from data (AS names, DNS names,
 * sentences, a file name) is cleaned of control characters and invalid
 * UTF-8 before it reaches the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "diagram.h"
#include "lh.h"
#include "proto.h"
#include "verdict_text.h"

#define TERM_COLS	79	/* columns used: fits an 80-column terminal */
/* Row columns: gutter 0-2, TTL 3-5, address from 8, then these. */
#define COL_MIN		30	/* last column of the minimum RTT */
#define COL_AVG		38	/* last column of the average RTT */
#define COL_LOSS	47	/* last column of the loss */
#define NOTE_COL	50	/* where a row's notes start */

/* ---- shared: hop summaries, colours ---- */

static int64_t
probe_rtt_us(const struct probe *p)
{
	if (p->rx_ns < p->tx_ns)
		return 0;	/* as the text writer: 0 if reordered */
	return (int64_t)(((uint64_t)p->rx_ns - (uint64_t)p->tx_ns) / 1000);
}

void
dg_hop_summary(const struct trace *t, size_t h, struct dg_hop *out)
{
	const struct hop *hp = &t->hops[h];
	struct dg_resp *r;
	char mb[16];
	const char *mark;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	out->ttl = hp->ttl;
	for (i = 0; i < hp->n; i++) {
		const struct probe *p = &t->probes[hp->first + i];
		int64_t rtt;

		out->sent++;
		if (p->rkind == RK_NONE)
			continue;
		out->answered++;
		for (k = 0; k < out->nresp; k++)
			if (out->resp[k].addr == p->raddr)
				break;
		if (k == out->nresp) {
			if (out->nresp == DG_MAX_RESP) {
				out->more++;	/* counts answers past the cap */
				continue;
			}
			out->nresp++;
			out->resp[k].addr = p->raddr;
			out->resp[k].rtt_min_us = INT64_MAX;
		}
		r = &out->resp[k];
		rtt = probe_rtt_us(p);
		r->answered++;
		if (rtt < r->rtt_min_us)
			r->rtt_min_us = rtt;
		if (r->rtt_sum_us <= INT64_MAX - rtt)
			r->rtt_sum_us += rtt;
		mark = "";
		if (p->rkind == RK_UNREACH)
			mark = icmp_unreach_mark(p->rcode, mb, sizeof(mb));
		else if (p->rkind == RK_PARAM_PROBLEM)
			mark = "!Q";
		else if (p->rkind == RK_SOURCE_QUENCH)
			mark = "!SQ";
		if (*mark != '\0' && r->mark[0] == '\0')
			snprintf(r->mark, sizeof(r->mark), "%s", mark);
		r->late |= p->late != 0;
		r->nat |= p->nat != 0;
		r->dups |= p->dups != 0;
		if (p->nmpls > 0 && !r->mpls) {
			r->mpls = 1;
			r->mpls_label = p->mpls[0] >> 12;
		}
	}
}

int
dg_band_role(int role)
{
	return role == ROLE_DEST ? ROLE_TARGET : role;
}

/* doc/SOURCES.md §1-3: the networks around North Korea keep their colour
 * everywhere. */
static const struct {
	uint32_t	asn;
	int		slot;
} fixed_slots[] = {
	{ 4837, 0 },	/* China Unicom */
	{ 20485, 1 },	/* TransTeleCom */
	{ 131279, 2 },	/* STAR-KP */
	{ 12389, 3 },	/* Rostelecom */
	{ 22351, 4 },	/* Intelsat */
};

int
dg_palette_slot(struct dg_palette *p, uint32_t asn)
{
	size_t i;
	int want = -1, s;

	if (asn == 0)
		return -1;
	for (s = 0; s < DG_PALETTE; s++)
		if (p->asn[s] == asn)
			return s;
	for (i = 0; i < sizeof(fixed_slots) / sizeof(fixed_slots[0]); i++)
		if (fixed_slots[i].asn == asn)
			want = fixed_slots[i].slot;
	if (want < 0)	/* Knuth's multiplicative hash */
		want = (int)((asn * 2654435761u) >> 29) % DG_PALETTE;
	for (i = 0; i < DG_PALETTE; i++) {
		s = (want + (int)i) % DG_PALETTE;
		if (p->asn[s] == 0) {
			p->asn[s] = asn;
			return s;
		}
	}
	return want;	/* every slot taken: share */
}

/* ---- the writer's state ---- */

struct glyphs {
	const char	*bar;		/* the path's spine */
	const char	*tail;		/* the spine after the death point */
	const char	*band_first, *band_next, *hline;
	const char	*ho_start, *ho_line;
	const char	*death, *death_line;
	const char	*vantage, *arrow, *sep, *ellipsis;
};

static const struct glyphs g_utf8 = {
	"\u2502", "\u2506", "\u250c", "\u251c", "\u2500",
	"\u255e", "\u2550", "\u2717", "\u2501",
	"\u25c9", "\u2192", "\u00b7", "\u2026",
};

static const struct glyphs g_ascii = {
	"|", ":", "+", "+", "-",
	"+", "=", "X", "=",
	"o", "->", "|", "~",
};

/* ANSI colours of the palette slots (red is kept for the death point). */
static const char *const ansi_slot[DG_PALETTE] = {
	"33", "34", "35", "32", "36", "93", "96", "94",
};
#define ANSI_GREY	"90"
#define ANSI_DEATH	"1;31"
#define ANSI_BOLD	"1"
#define ANSI_GOOD	"1;32"
#define ANSI_WARN	"1;33"

struct term_priv {
	int			 color;
	int			 ascii;
	const struct glyphs	*g;
};

static int
term_priv_get(struct writer *w)
{
	struct term_priv *tp;

	if (w->priv != NULL)
		return 0;
	if ((tp = calloc(1, sizeof(*tp))) == NULL)
		return -1;
	tp->g = &g_utf8;
	w->priv = tp;
	return 0;
}

int
diagram_term_config(struct writer *w, int color, int ascii, char *err,
    size_t errlen)
{
	struct term_priv *tp;

	if (w->ops != &diagram_term_ops)
		return 0;
	if (term_priv_get(w) != 0)
		return lh_err(err, errlen, "out of memory");
	tp = w->priv;
	tp->color = color != 0;
	tp->ascii = ascii != 0;
	tp->g = tp->ascii ? &g_ascii : &g_utf8;
	return 0;
}

/* ---- text cleaning and measuring ---- */

/* The next code point of *sp, or -1 for a byte that starts no valid one. */
static long
u8_next(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	long cp;
	int n, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		*sp = s + 1;
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp = s + 1;
			return -1;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
		*sp = s + 1;
		return -1;
	}
	*sp = s + n + 1;
	return cp;
}

/* Columns a code point takes; East Asian wide ranges take two. */
static int
cp_cols(long cp)
{
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* What reaches the terminal for cp: controls and, in ASCII, all else '?'. */
static long
cp_clean(long cp, int ascii)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    (ascii && cp >= 0x80) || cp < 0)
		return '?';
	return cp;
}

static size_t
u8_put(char *b, long cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *
dg_clean(char *out, size_t len, const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char u[4];
	size_t n = 0, k;
	long cp;

	if (len == 0)
		return out;
	while (*p != '\0') {
		cp = cp_clean(u8_next(&p), flags & DG_CLEAN_ASCII);
		k = u8_put(u, cp);
		if (cp == '\\' && (flags & DG_CLEAN_BACKSLASH))
			u[k++] = '\\';
		if (n + k >= len)
			break;
		memcpy(out + n, u, k);
		n += k;
	}
	out[n] = '\0';
	return out;
}

/* Display columns of a string as it will be shown. */
static int
text_cols(const char *s, int ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;

	while (*p != '\0')
		cols += cp_cols(cp_clean(u8_next(&p), ascii));
	return cols;
}

/* ---- a line being built: bytes, and the columns they take ---- */

struct tline {
	char			 b[1024];
	size_t			 n;
	int			 col;
	int			 colored;	/* an escape is in effect */
	const struct term_priv	*tp;
};

static void
tl_init(struct tline *l, const struct term_priv *tp)
{
	l->n = 0;
	l->col = 0;
	l->colored = 0;
	l->tp = tp;
}

static void
tl_bytes(struct tline *l, const char *s, size_t n)
{
	if (n > sizeof(l->b) - l->n)
		n = sizeof(l->b) - l->n;
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

/* An escape sequence: no columns. */
static void
tl_color(struct tline *l, const char *code)
{
	if (!l->tp->color)
		return;
	l->colored = 1;
	tl_bytes(l, "\033[", 2);
	tl_bytes(l, code, strlen(code));
	tl_bytes(l, "m", 1);
}

static void
tl_reset(struct tline *l)
{
	if (l->colored)
		tl_bytes(l, "\033[0m", 4);
	l->colored = 0;
}

/* Text, cleaned, in at most maxcols columns (cut with an ellipsis). */
static void
tl_text(struct tline *l, const char *s, int maxcols)
{
	const unsigned char *p = (const unsigned char *)s;
	int ascii = l->tp->ascii, fit = text_cols(s, ascii) <= maxcols, w;
	char u[4];
	long cp;

	while (*p != '\0') {
		cp = cp_clean(u8_next(&p), ascii);
		w = cp_cols(cp);
		if (!fit && w > maxcols - 1) {
			tl_bytes(l, l->tp->g->ellipsis,
			    strlen(l->tp->g->ellipsis));
			l->col++;
			return;
		}
		if (w > maxcols)
			return;
		tl_bytes(l, u, u8_put(u, cp));
		l->col += w;
		maxcols -= w;
	}
}

/* Text up to the line's width. */
static void
tl_str(struct tline *l, const char *s)
{
	tl_text(l, s, TERM_COLS - l->col);
}

static void
tl_pad(struct tline *l, int col)
{
	while (l->col < col && l->col < TERM_COLS) {
		tl_bytes(l, " ", 1);
		l->col++;
	}
}

/* Text ending at column last (right-aligned), at least one space before. */
static void
tl_right(struct tline *l, const char *s, int last)
{
	tl_pad(l, last + 1 - text_cols(s, l->tp->ascii));
	tl_str(l, s);
}

/* A glyph repeated up to column col. */
static void
tl_fill(struct tline *l, const char *g, int col)
{
	while (l->col < col && l->col < TERM_COLS) {
		tl_bytes(l, g, strlen(g));
		l->col++;
	}
}

static void
tl_out(struct tline *l, FILE *fp)
{
	tl_reset(l);
	tl_bytes(l, "\n", 1);
	fwrite(l->b, 1, l->n, fp);
	tl_init(l, l->tp);
}

/*
 * Words of s wrapped into lines of TERM_COLS, each starting with indent
 * spaces; a word longer than a line is cut across lines.
 */
static void
wrap(FILE *fp, const struct term_priv *tp, int indent, const char *color,
    const char *s)
{
	struct tline l;
	char word[512];
	size_t n;
	int wc;

	tl_init(&l, tp);
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		n = strcspn(s, " ");
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, s, n);
		word[n] = '\0';
		s += n;
		wc = text_cols(word, tp->ascii);
		if (l.col > indent && l.col + 1 + wc > TERM_COLS)
			tl_out(&l, fp);
		if (l.col == 0) {
			tl_pad(&l, indent);
			if (color != NULL)
				tl_color(&l, color);
		} else {
			tl_bytes(&l, " ", 1);
			l.col++;
		}
		while (wc > TERM_COLS - l.col) {	/* a very long word */
			const unsigned char *p = (const unsigned char *)word;
			char u[4];
			long cp;

			while (*p != '\0' && l.col < TERM_COLS) {
				cp = cp_clean(u8_next(&p), tp->ascii);
				if (l.col + cp_cols(cp) > TERM_COLS)
					break;
				tl_bytes(&l, u, u8_put(u, cp));
				l.col += cp_cols(cp);
			}
			memmove(word, p, strlen((const char *)p) + 1);
			wc = text_cols(word, tp->ascii);
			tl_out(&l, fp);
			tl_pad(&l, indent);
			if (color != NULL)
				tl_color(&l, color);
		}
		tl_str(&l, word);
	}
	if (l.col > 0)
		tl_out(&l, fp);
}

/* ---- one trace ---- */

/* RTT in ms in at most 7 columns. */
static const char *
fmt_ms(int64_t us, char *buf, size_t len)
{
	double ms = (double)us / 1000.0;

	if (us < 10000)
		snprintf(buf, len, "%.3f", ms);
	else if (us < 100000)
		snprintf(buf, len, "%.2f", ms);
	else if (us < 1000000)
		snprintf(buf, len, "%.1f", ms);
	else if (us < 10000000)
		snprintf(buf, len, "%.0f", ms);
	else
		snprintf(buf, len, "%.0fs", ms / 1000.0);
	return buf;
}

struct tstate {
	FILE			*fp;
	const struct term_priv	*tp;
	const struct trace	*t;
	const struct analysis	*an;
	struct dg_palette	 pal;
	const char		*bar_color;	/* the current band's */
	int			 dead;		/* past the death point */
};

static const char *
net_color(struct tstate *st, uint32_t asn)
{
	int s = dg_palette_slot(&st->pal, asn);

	return s < 0 ? ANSI_GREY : ansi_slot[s];
}

/* " | " with the band's colour, or the tail after the death point. */
static void
gutter(struct tline *l, struct tstate *st)
{
	tl_bytes(l, " ", 1);
	l->col++;
	tl_color(l, st->dead ? ANSI_GREY : st->bar_color);
	tl_text(l, st->dead ? st->tp->g->tail : st->tp->g->bar, 1);
	tl_reset(l);
	tl_bytes(l, " ", 1);
	l->col++;
}

/* A separator line: " <start><fill> text <fill...>" in one colour. */
static void
separator(struct tstate *st, const char *color, const char *start,
    const char *fill, const char *text)
{
	struct tline l;

	tl_init(&l, st->tp);
	tl_bytes(&l, " ", 1);
	l.col++;
	tl_color(&l, color);
	tl_text(&l, start, 1);
	tl_text(&l, fill, 1);
	tl_bytes(&l, " ", 1);
	l.col++;
	tl_text(&l, text, TERM_COLS - l.col - 2);
	tl_bytes(&l, " ", 1);
	l.col++;
	tl_fill(&l, fill, TERM_COLS);
	tl_out(&l, st->fp);
}

static void
band_header(struct tstate *st, const struct annot *a, int role, int first)
{
	const struct glyphs *g = st->tp->g;
	char text[400];
	uint32_t asn = a != NULL ? a->asn : 0;

	if (role == ROLE_PRIVATE)
		snprintf(text, sizeof(text), "private %s %s", g->sep,
		    a != NULL && a->note != NULL ? a->note :
		    "private or reserved address space");
	else if (asn == 0)
		snprintf(text, sizeof(text), "no AS data %s %s", g->sep,
		    role_name((enum role)role));
	else {
		int n = snprintf(text, sizeof(text), "AS%u%s%s %s %s", asn,
		    a->as_name[0] ? " " : "", a->as_name, g->sep,
		    role_name((enum role)role));

		if (a->org[0] != '\0' && strcmp(a->org, a->as_name) != 0 &&
		    n > 0 && (size_t)n < sizeof(text))
			n += snprintf(text + n, sizeof(text) - (size_t)n,
			    " %s %s", g->sep, a->org);
		if (a->cc[0] != '\0' && n > 0 && (size_t)n < sizeof(text))
			snprintf(text + n, sizeof(text) - (size_t)n, ", %s",
			    a->cc);
	}
	st->bar_color = a != NULL && role != ROLE_PRIVATE ?
	    net_color(st, asn) : ANSI_GREY;
	separator(st, st->bar_color, first ? g->band_first : g->band_next,
	    g->hline, text);
}

static void
handoff_line(struct tstate *st)
{
	const struct analysis *an = st->an;
	char text[200];

	if (an->ho_up_ttl != 0)
		snprintf(text, sizeof(text), "handoff %s hop %u %s %u %s %s",
		    st->tp->g->sep, an->ho_up_ttl, st->tp->g->arrow,
		    an->ho_in_ttl, st->tp->g->sep, ho_rule_name(an->ho_rule));
	else
		snprintf(text, sizeof(text), "handoff %s into hop %u %s %s",
		    st->tp->g->sep, an->ho_in_ttl, st->tp->g->sep,
		    ho_rule_name(an->ho_rule));
	separator(st, ANSI_BOLD, st->tp->g->ho_start, st->tp->g->ho_line,
	    text);
}

static void
death_line(struct tstate *st)
{
	const struct verdict *v = &st->an->v;
	char text[200], how[48];

	snprintf(text, sizeof(text), "traffic dies here: %s (%s%s)",
	    vt_where_words(v), vt_how(v, how, sizeof(how)),
	    v->rate_limited ? ", lossy" : "");
	separator(st, ANSI_DEATH, st->tp->g->death, st->tp->g->death_line,
	    text);
	st->dead = 1;
}

/* The notes of one responder: marks, destination, name, other network. */
static void
resp_notes(struct tstate *st, const struct dg_resp *r, uint32_t band_asn,
    char *buf, size_t len)
{
	const struct annot *a = analysis_annot(st->an, r->addr);
	size_t n = 0;

#define NOTE(...) do { if (n < len) n += (size_t)snprintf(buf + n, len - n, \
	"%s", n ? "  " : ""); if (n < len) n += (size_t)snprintf(buf + n, \
	len - n, __VA_ARGS__); } while (0)
	buf[0] = '\0';
	if (r->mark[0] != '\0')
		NOTE("%s", r->mark);
	if (r->addr == st->t->dst)
		NOTE("destination");
	if (a != NULL && a->asn != band_asn && a->asn != 0)
		NOTE("AS%u", a->asn);
	if (r->late)
		NOTE("late");
	if (r->nat)
		NOTE("nat");
	if (r->dups)
		NOTE("dup");
	if (r->mpls)
		NOTE("MPLS %u", r->mpls_label);
	if (a != NULL && a->name != NULL)
		NOTE("%s", a->name);
#undef NOTE
}

static void
hop_rows(struct tstate *st, const struct dg_hop *hs, uint32_t band_asn)
{
	struct tline l;
	char num[16], notes[300];
	size_t k;

	tl_init(&l, st->tp);
	gutter(&l, st);
	snprintf(num, sizeof(num), "%3u", hs->ttl);
	tl_str(&l, num);
	tl_pad(&l, 8);
	if (hs->answered == 0) {
		tl_color(&l, ANSI_GREY);
		tl_str(&l, "* no answer");
		tl_right(&l, "100%", COL_LOSS);
		tl_out(&l, st->fp);
		return;
	}
	for (k = 0; k < hs->nresp; k++) {
		const struct dg_resp *r = &hs->resp[k];
		char a[LH_IP4_STRLEN];

		if (k > 0) {
			tl_init(&l, st->tp);
			gutter(&l, st);
			tl_pad(&l, 8);
		}
		tl_str(&l, lh_ip4_str(r->addr, a, sizeof(a)));
		tl_right(&l, fmt_ms(r->rtt_min_us, num, sizeof(num)), COL_MIN);
		tl_right(&l, fmt_ms(r->rtt_sum_us / (int64_t)r->answered, num,
		    sizeof(num)), COL_AVG);
		tl_str(&l, " ms");
		if (k == 0) {
			snprintf(num, sizeof(num), "%u%%", (unsigned)
			    (((hs->sent - hs->answered) * 100 + hs->sent / 2) /
			    hs->sent));
			tl_right(&l, num, COL_LOSS);
		}
		resp_notes(st, r, band_asn, notes, sizeof(notes));
		if (notes[0] != '\0') {
			tl_pad(&l, NOTE_COL);
			tl_str(&l, notes);
		}
		tl_out(&l, st->fp);
	}
	if (hs->more > 0) {
		tl_init(&l, st->tp);
		gutter(&l, st);
		tl_pad(&l, 8);
		snprintf(notes, sizeof(notes), "+ %zu more answers from other "
		    "addresses", hs->more);
		tl_str(&l, notes);
		tl_out(&l, st->fp);
	}
}

static void
trace_header(struct tstate *st, unsigned n)
{
	const struct trace *t = st->t;
	const struct glyphs *g = st->tp->g;
	struct tline l;
	char a[LH_IP4_STRLEN], b[LH_IP4_STRLEN], tb[40], line[400];
	const char *file = t->file != NULL ? t->file : "-";
	int cols;

	tl_init(&l, st->tp);
	tl_color(&l, ANSI_BOLD);
	snprintf(line, sizeof(line), "trace %u  %s %s %s  %s  %s", n,
	    lh_ip4_str(t->src, a, sizeof(a)), g->arrow,
	    lh_ip4_str(t->dst, b, sizeof(b)), method_name(t->method),
	    fmt_time(t->first_ns, tb, sizeof(tb)));
	tl_str(&l, line);
	tl_out(&l, st->fp);

	/* The file name, cut at the left when long: its end says most. */
	tl_init(&l, st->tp);
	tl_pad(&l, 2);
	cols = text_cols(file, st->tp->ascii);
	if (cols > TERM_COLS - 2) {
		const unsigned char *p = (const unsigned char *)file;

		while (cols > TERM_COLS - 3 && *p != '\0')
			cols -= cp_cols(cp_clean(u8_next(&p), st->tp->ascii));
		tl_str(&l, g->ellipsis);
		file = (const char *)p;
	}
	tl_str(&l, file);
	tl_out(&l, st->fp);

	tl_init(&l, st->tp);
	snprintf(line, sizeof(line), "  stop: %s, %zu probes, %llu answered",
	    stop_name(t->stop), t->nprobes, (unsigned long long)t->replies);
	tl_str(&l, line);
	if (t->past_dst) {
		snprintf(line, sizeof(line), ", %llu past the end",
		    (unsigned long long)t->past_dst);
		tl_str(&l, line);
	}
	tl_out(&l, st->fp);

	tl_init(&l, st->tp);
	tl_color(&l, ANSI_GREY);
	tl_pad(&l, 3);
	tl_str(&l, "ttl  address");
	tl_right(&l, "min", COL_MIN);
	tl_right(&l, "avg", COL_AVG);
	tl_right(&l, "loss", COL_LOSS);
	tl_pad(&l, NOTE_COL);
	tl_str(&l, "notes");
	tl_out(&l, st->fp);

	tl_init(&l, st->tp);
	tl_bytes(&l, " ", 1);
	l.col++;
	tl_color(&l, ANSI_BOLD);
	tl_str(&l, g->vantage);
	tl_str(&l, " ");
	tl_str(&l, lh_ip4_str(t->src, a, sizeof(a)));
	tl_reset(&l);
	tl_color(&l, ANSI_GREY);
	tl_str(&l, "  vantage");
	tl_out(&l, st->fp);
}

static void
trace_footer(struct tstate *st)
{
	const struct analysis *an = st->an;
	const struct verdict *v = &an->v;
	struct tline l;
	char line[200], hl[120], text[VT_MAX];

	fputc('\n', st->fp);
	tl_init(&l, st->tp);
	tl_bytes(&l, " ", 1);
	l.col++;
	tl_color(&l, v->outcome == OUT_REACHED ? ANSI_GOOD :
	    v->outcome == OUT_DIED ? ANSI_DEATH : ANSI_WARN);
	snprintf(line, sizeof(line), "verdict: %s",
	    vt_headline(v, hl, sizeof(hl)));
	tl_str(&l, line);
	tl_out(&l, st->fp);
	wrap(st->fp, st->tp, 3, NULL, vt_detail(an, st->t, text,
	    sizeof(text)));
	if (an->has_handoff) {
		tl_init(&l, st->tp);
		tl_bytes(&l, " ", 1);
		l.col++;
		tl_color(&l, ANSI_BOLD);
		snprintf(line, sizeof(line), "handoff: %s",
		    ho_rule_name(an->ho_rule));
		tl_str(&l, line);
		tl_out(&l, st->fp);
		wrap(st->fp, st->tp, 3, ANSI_GREY, vt_handoff(an, text,
		    sizeof(text)));
	}
}

static int
term_begin(struct writer *w, char *err, size_t errlen)
{
	if (term_priv_get(w) != 0)
		return lh_err(err, errlen, "out of memory");
	return 0;
}

static int
term_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	struct tstate st;
	struct dg_hop hs;
	const struct annot *a;
	uint32_t band_asn = 0;
	int band_role = -1, role, have_band = 0;
	size_t h;

	memset(&st, 0, sizeof(st));
	st.fp = w->fp;
	st.tp = w->priv;
	st.t = t;
	st.an = t->an;
	st.bar_color = ANSI_GREY;
	if (w->ntraces++ > 0)
		fputc('\n', st.fp);
	trace_header(&st, w->ntraces);
	for (h = 0; h < t->nhops; h++) {
		dg_hop_summary(t, h, &hs);
		a = NULL;
		if (hs.answered > 0 && st.an != NULL) {
			a = analysis_annot(st.an, hs.resp[0].addr);
			role = dg_band_role(a != NULL ? a->role : ROLE_UNKNOWN);
			if (st.an->has_handoff && hs.ttl == st.an->ho_in_ttl)
				handoff_line(&st);
			if (!have_band || role != band_role ||
			    (a != NULL ? a->asn : 0) != band_asn) {
				band_header(&st, a, role, !have_band);
				have_band = 1;
				band_role = role;
				band_asn = a != NULL ? a->asn : 0;
			}
		}
		hop_rows(&st, &hs, band_asn);
		if (st.an != NULL && st.an->v.outcome == OUT_DIED &&
		    st.an->v.has_last && hs.ttl == st.an->v.last_ttl)
			death_line(&st);
	}
	if (t->nhops == 0)
		fputs("   (no hops)\n", st.fp);
	if (st.an != NULL)
		trace_footer(&st);
	if (ferror(st.fp))
		return lh_err(err, errlen, "write error");
	return 0;
}


static void
term_free(struct writer *w)
{
	free(w->priv);
	w->priv = NULL;
}

const struct writer_ops diagram_term_ops = {
	.name = "term",
	.begin = term_begin,
	.trace = term_trace,
	.file_done = writer_ignore_file,
	.end = writer_end_text,
	.free = term_free,
};
