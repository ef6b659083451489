/* output.c: the text (traceroute-style) and JSON writers of the path model. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "destsum.h"
#include "diagram.h"
#include "infer.h"
#include "lh.h"
#include "proto.h"
#include "output.h"
#include "verdict_text.h"

/* v as exactly width decimal digits (v < 10^width). */
static void
put_digits(char *p, unsigned v, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

const char *
fmt_time(int64_t ns, char *buf, size_t buflen)
{
	time_t sec = (time_t)(ns / 1000000000);
	long us = (long)((ns % 1000000000) / 1000);
	struct tm tm;
	int year;

	if (us < 0) {
		us += 1000000;
		sec--;
	}
	if (gmtime_r(&sec, &tm) == NULL) {
		snprintf(buf, buflen, "?");
		return buf;
	}
	year = tm.tm_year + 1900;
	if (year < 0 || year > 9999 || buflen < sizeof("YYYY-MM-DDThh:mm:ss.uuuuuuZ")) {
		snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		    year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, us);
		return buf;
	}
	/* The same digits by hand: JSON prints a time for every probe. */
	put_digits(buf, (unsigned)year, 4);
	buf[4] = '-';
	put_digits(buf + 5, (unsigned)tm.tm_mon + 1, 2);
	buf[7] = '-';
	put_digits(buf + 8, (unsigned)tm.tm_mday, 2);
	buf[10] = 'T';
	put_digits(buf + 11, (unsigned)tm.tm_hour, 2);
	buf[13] = ':';
	put_digits(buf + 14, (unsigned)tm.tm_min, 2);
	buf[16] = ':';
	put_digits(buf + 17, (unsigned)tm.tm_sec, 2);
	buf[19] = '.';
	put_digits(buf + 20, (unsigned)us, 6);
	buf[26] = 'Z';
	buf[27] = '\0';
	return buf;
}

/*
 * Round-trip time in whole microseconds (capture timestamps, any int64_t
 * a hostile file holds: the difference is taken without overflow).
 */
static int64_t
rtt_us(const struct probe *p)
{
	if (p->rx_ns < p->tx_ns)
		return 0;	/* a capture out of time order: 0 */
	return (int64_t)(((uint64_t)p->rx_ns - (uint64_t)p->tx_ns) / 1000);
}

/* traceroute's mark for a reply, "" for none. */
static const char *
reply_mark(const struct probe *p, char *buf, size_t buflen)
{
	if (p->rkind == RK_UNREACH)
		return icmp_unreach_mark(p->rcode, buf, buflen);
	if (p->rkind == RK_PARAM_PROBLEM)
		return "!Q";
	if (p->rkind == RK_SOURCE_QUENCH)
		return "!SQ";
	return "";
}

/* ---- text ---- */

static int
text_begin(struct writer *w, char *err, size_t errlen)
{
	if ((w->priv = destsum_new()) == NULL)
		return lh_err(err, errlen, "out of memory");
	return 0;
}

/*
 * The text of one trace is built here and written in large pieces: the hot
 * path of a replay formats by hand rather than through printf.  Nothing is
 * ever cut: a piece that does not fit flushes the buffer first.
 */
struct lbuf {
	FILE	*fp;
	size_t	 n;
	char	 b[8192];
};

static void
lb_flush(struct lbuf *lb)
{
	if (lb->n > 0)
		fwrite(lb->b, 1, lb->n, lb->fp);
	lb->n = 0;
}

/* A piece too big for the room left: flush first, or write it directly. */
static void
lb_big(struct lbuf *lb, const char *s, size_t n)
{
	lb_flush(lb);
	if (n > sizeof(lb->b)) {
		fwrite(s, 1, n, lb->fp);
		return;
	}
	memcpy(lb->b, s, n);
	lb->n = n;
}

static inline void
lb_mem(struct lbuf *lb, const char *s, size_t n)
{
	if (n > sizeof(lb->b) - lb->n) {
		lb_big(lb, s, n);
		return;
	}
	memcpy(lb->b + lb->n, s, n);
	lb->n += n;
}

/* A string literal: its length is known at compile time. */
#define LB_LIT(lb, s)	lb_mem((lb), "" s, sizeof(s) - 1)

static void
lb_str(struct lbuf *lb, const char *s)
{
	lb_mem(lb, s, strlen(s));
}

/* Room for n more bytes (n <= sizeof(lb->b)): flushes when short. */
static inline char *
lb_room(struct lbuf *lb, size_t n)
{
	if (n > sizeof(lb->b) - lb->n)
		lb_flush(lb);
	return lb->b + lb->n;
}

/* "00" "01" ... "99": two digits per table step. */
static const char digits2[] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* How many decimal digits v has. */
static inline size_t
ndigits(uint64_t v)
{
	size_t n = 1;

	while (v >= 100) {
		v /= 100;
		n += 2;
	}
	return v >= 10 ? n + 1 : n;
}

/* v's ndigits(v) digits, written so that the last one is at end[-1]. */
static inline void
put_dec(char *end, uint64_t v)
{
	while (v >= 100) {
		end -= 2;
		memcpy(end, digits2 + (v % 100) * 2, 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(end - 2, digits2 + v * 2, 2);
	else
		end[-1] = (char)('0' + v);
}

/* A decimal number, as %u or PRIu64 prints it, straight into the buffer. */
static void
lb_u64(struct lbuf *lb, uint64_t v)
{
	size_t n = ndigits(v);

	put_dec(lb_room(lb, n) + n, v);
	lb->n += n;
}

/* "  12.345 ms": the digits of %.3f, from whole microseconds. */
static void
lb_rtt(struct lbuf *lb, uint64_t us)
{
	uint64_t ms = us / 1000;
	unsigned frac = (unsigned)(us % 1000);
	size_t n = ndigits(ms);
	char *p = lb_room(lb, n + 9), *q = p + 2 + n;

	p[0] = p[1] = ' ';
	put_dec(q, ms);
	q[0] = '.';
	q[1] = (char)('0' + frac / 100);
	memcpy(q + 2, digits2 + (frac % 100) * 2, 2);
	memcpy(q + 4, " ms", 3);
	lb->n += n + 9;
}

/* An address as lh_ip4_str() writes it (dotted quad), without the copy. */
static void
lb_ip4(struct lbuf *lb, uint32_t addr)
{
	char *p = lb_room(lb, LH_IP4_STRLEN), *start = p;
	unsigned v;
	int shift;

	for (shift = 24; shift >= 0; shift -= 8) {
		v = (addr >> shift) & 0xff;
		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			memcpy(p, digits2 + (v % 100) * 2, 2);
			p += 2;
		} else if (v >= 10) {
			memcpy(p, digits2 + v * 2, 2);
			p += 2;
		} else
			*p++ = (char)('0' + v);
		*p++ = '.';
	}
	lb->n += (size_t)(p - start) - 1;	/* without the last dot */
}

static void
text_flow(struct lbuf *lb, const struct trace *t)
{
	if (t->proto == IPPROTO_ICMP && t->echo_id != 0) {
		LB_LIT(lb, ", icmp id ");
		lb_u64(lb, t->echo_id);
	} else if (t->has_flow) {
		LB_LIT(lb, ", ports ");
		lb_u64(lb, t->flow_sport);
		LB_LIT(lb, " > ");
		lb_u64(lb, t->flow_dport);
	}
}

/* Consecutive hops in one network, e.g. "3-4 AS4837 CHINA169-BACKBONE". */
static void
text_bands(struct lbuf *lb, const struct trace *t)
{
	const struct annot *a, *cur = NULL;
	size_t h;
	unsigned from = 0, to = 0;
	int first = 1;

	if (t->nhops == 0)
		return;
	LB_LIT(lb, "   networks:");
	for (h = 0; h <= t->nhops; h++) {
		a = analysis_hop(t->an, t, h);	/* NULL past the end */
		if (h < t->nhops && a == NULL)
			continue;	/* silent hops do not break a band */
		if (cur != NULL && a != NULL && a->asn == cur->asn &&
		    a->role == cur->role && h < t->nhops) {
			to = t->hops[h].ttl;
			continue;
		}
		if (cur != NULL) {
			lb_str(lb, first ? " " : "; ");
			lb_u64(lb, from);
			if (to != from) {
				LB_LIT(lb, "-");
				lb_u64(lb, to);
			}
			if (cur->asn != 0) {
				LB_LIT(lb, " AS");
				lb_u64(lb, cur->asn);
				if (cur->as_name[0] || cur->org[0]) {
					LB_LIT(lb, " ");
					lb_str(lb, cur->as_name[0] ?
					    cur->as_name : cur->org);
				}
			}
			LB_LIT(lb, " (");
			lb_str(lb, role_name(cur->role));
			LB_LIT(lb, ")");
			first = 0;
		}
		if (h < t->nhops) {
			cur = a;
			from = to = t->hops[h].ttl;
		}
	}
	LB_LIT(lb, "\n");
}

/* "   border: hop 2 -> 3, AS6453 -> AS4837 (neighbour-numbered)": every
 * border but the handoff, which has its own line. */
static void
text_borders(struct lbuf *lb, const struct analysis *an)
{
	char buf[128];
	size_t i;

	for (i = 0; i < an->nborders; i++) {
		if (an->borders[i].handoff)
			continue;
		LB_LIT(lb, "   border: ");
		lb_str(lb, vt_border(&an->borders[i], buf, sizeof(buf)));
		LB_LIT(lb, "\n");
	}
	if (an->borders_more > 0) {
		LB_LIT(lb, "   border: ");
		lb_u64(lb, an->borders_more);
		LB_LIT(lb, " more\n");
	}
}

static void
text_analysis(struct lbuf *lb, const struct trace *t)
{
	const struct analysis *an = t->an;
	const struct verdict *v = &an->v;
	char buf[VT_MAX];

	text_bands(lb, t);
	text_borders(lb, an);
	if (an->has_handoff) {
		LB_LIT(lb, "   handoff:");
		if (an->ho_up_ttl) {
			LB_LIT(lb, " hop ");
			lb_u64(lb, an->ho_up_ttl);
			LB_LIT(lb, " ");
			lb_ip4(lb, an->ho_up_addr);
			LB_LIT(lb, " ->");
		}
		LB_LIT(lb, " hop ");
		lb_u64(lb, an->ho_in_ttl);
		LB_LIT(lb, " ");
		lb_ip4(lb, an->ho_in_addr);
		LB_LIT(lb, " (");
		lb_str(lb, ho_rule_name(an->ho_rule) != NULL ?
		    ho_rule_name(an->ho_rule) : "?");
		LB_LIT(lb, ")\n");
	}
	LB_LIT(lb, "   verdict: ");
	lb_str(lb, vt_headline(v, buf, sizeof(buf)));
	LB_LIT(lb, "\n   ");
	lb_str(lb, vt_detail(an, t, buf, sizeof(buf)));
	LB_LIT(lb, "\n");
}

/* One hop's line: " 7  62.115.9.236  37.222 ms 62.115.165.44 <MPLS:...>  ..." */
static void
text_hop(struct lbuf *lb, const struct trace *t, const struct hop *hp)
{
	char mb[16];
	const char *mark;
	size_t i, k;
	uint32_t shown = 0;
	int any = 0;
	/* The first responder's annotation is at hand; others are looked up. */
	const struct annot *hop1 = analysis_hop(t->an, t,
	    (size_t)(hp - t->hops));

	if (hp->ttl < 10)
		LB_LIT(lb, " ");
	lb_u64(lb, hp->ttl);
	LB_LIT(lb, " ");
	for (i = 0; i < hp->n; i++) {
		const struct probe *p = &t->probes[hp->first + i];

		if (p->rkind == RK_NONE) {
			LB_LIT(lb, " *");
			continue;
		}
		if (!any || p->raddr != shown) {
			const struct annot *an = hop1 != NULL &&
			    hop1->addr == p->raddr ? hop1 :
			    analysis_annot(t->an, p->raddr);

			LB_LIT(lb, " ");
			if (an != NULL && an->name != NULL) {
				lb_str(lb, an->name);
				LB_LIT(lb, " (");
			}
			lb_ip4(lb, p->raddr);
			if (an != NULL && an->name != NULL)
				LB_LIT(lb, ")");
			if (an != NULL && an->asn != 0) {
				LB_LIT(lb, " [AS");
				lb_u64(lb, an->asn);
				LB_LIT(lb, "]");
			}
			for (k = 0; k < p->nmpls; k++) {
				LB_LIT(lb, " <MPLS:L=");
				lb_u64(lb, p->mpls[k] >> 12);
				LB_LIT(lb, ",E=");
				lb_u64(lb, (p->mpls[k] >> 9) & 7);
				LB_LIT(lb, ",S=");
				lb_u64(lb, (p->mpls[k] >> 8) & 1);
				LB_LIT(lb, ",T=");
				lb_u64(lb, p->mpls[k] & 0xff);
				LB_LIT(lb, ">");
			}
			shown = p->raddr;
			any = 1;
		}
		if (p->inferred)
			LB_LIT(lb, "  ? ms");	/* its send time is not known */
		else
			lb_rtt(lb, (uint64_t)rtt_us(p));
		mark = reply_mark(p, mb, sizeof(mb));
		if (*mark) {
			LB_LIT(lb, " ");
			lb_str(lb, mark);
		}
		if (p->late)
			LB_LIT(lb, " (late)");
		if (p->nat)
			LB_LIT(lb, " (nat)");
		if (p->dups) {
			LB_LIT(lb, " (dup x");
			lb_u64(lb, p->dups);
			LB_LIT(lb, ")");
		}
	}
	LB_LIT(lb, "\n");
}

/* ", 3 duplicate" and the like: a counter named only when it is not zero. */
static void
text_count(struct lbuf *lb, uint64_t n, const char *what)
{
	if (n == 0)
		return;
	LB_LIT(lb, ", ");
	lb_u64(lb, n);
	lb_str(lb, what);
}

/*
 * "   rewritten: IP ID and checksum after hop 1": where on the path the
 * quotes show corroborating fields changed (a firewall's random IP IDs, a
 * NAT's checksums), fields with the same place on one line.
 */
static void
text_rewrites(struct lbuf *lb, const struct trace *t)
{
	const struct rw_summary *rs = t->rws;
	size_t n = t->nrws, i, j;
	uint8_t done = 0;

	for (i = 0; i < n; i++) {
		const struct rw_summary *x = &rs[i];

		if (done & (1u << i))
			continue;
		LB_LIT(lb, "   rewritten: ");
		lb_str(lb, rw_name(x->field));
		for (j = i + 1; j < n; j++) {
			if (rs[j].after != x->after || rs[j].from != x->from ||
			    rs[j].mixed != x->mixed)
				continue;
			done |= (uint8_t)(1u << j);
			LB_LIT(lb, " and ");
			lb_str(lb, rw_name(rs[j].field));
		}
		if (x->mixed) {
			LB_LIT(lb, " in some quotes from hop ");
			lb_u64(lb, x->from);
			LB_LIT(lb, " on, kept in others up to hop ");
			lb_u64(lb, x->after);
		} else if (x->after == 0) {
			LB_LIT(lb, " at or before hop ");
			lb_u64(lb, x->from);
		} else if (x->from == x->after + 1) {
			LB_LIT(lb, " after hop ");
			lb_u64(lb, x->after);
		} else {
			LB_LIT(lb, " between hops ");
			lb_u64(lb, x->after);
			LB_LIT(lb, " and ");
			lb_u64(lb, x->from);
		}
		LB_LIT(lb, " (");
		lb_u64(lb, x->quotes);
		if (x->quotes == 1)
			LB_LIT(lb, " quote)\n");
		else
			LB_LIT(lb, " quotes)\n");
	}
}

/* How the TTLs of a reply-only trace were found. */
static void
text_reply_only(struct lbuf *lb, const struct trace *t)
{
	LB_LIT(lb, "   reply-only: the probes are not in the capture; ");
	switch ((enum infer_rule)t->infer_rule) {
	case INFER_OWN:
		LB_LIT(lb, "TTLs read from lasthop's own probe fields\n");
		return;
	case INFER_COUNTER:
	case INFER_ROUNDS:
		LB_LIT(lb, "TTLs inferred from the ");
		lb_str(lb, t->infer_field != NULL ? t->infer_field : "?");
		if (t->infer_rule == INFER_ROUNDS)
			LB_LIT(lb, ", one probe per TTL in rounds (mtr)");
		else {
			LB_LIT(lb, ", ");
			lb_u64(lb, t->infer_q);
			LB_LIT(lb, " per TTL");
		}
		LB_LIT(lb, ", TTL 1 at ");
		lb_u64(lb, t->infer_base);
		if (t->infer_anchor != NULL &&
		    strcmp(t->infer_anchor, "tool") == 0)
			LB_LIT(lb, " (the tool's own numbering)\n");
		else
			LB_LIT(lb, " (from the replies' IP TTLs)\n");
		return;
	default:
		LB_LIT(lb, "nothing in their replies tells their TTLs\n");
		return;
	}
}

static int
text_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	struct lbuf lb;
	char tb[40];
	size_t h;

	if (w->priv != NULL && destsum_add(w->priv, w->ntraces, t) != 0)
		return lh_err(err, errlen, "out of memory");
	lb.fp = w->fp;
	lb.n = 0;
	w->ntraces++;
	if (w->ntraces > 1)
		LB_LIT(&lb, "\n");
	/* 0.0.0.0: not known (pasted text may name neither end). */
	LB_LIT(&lb, "trace ");
	lb_u64(&lb, w->ntraces);
	LB_LIT(&lb, ": ");
	if (t->src)
		lb_ip4(&lb, t->src);
	else
		LB_LIT(&lb, "?");
	LB_LIT(&lb, " -> ");
	if (t->dst)
		lb_ip4(&lb, t->dst);
	else
		LB_LIT(&lb, "?");
	LB_LIT(&lb, ", ");
	lb_str(&lb, method_name(t->method));
	text_flow(&lb, t);
	LB_LIT(&lb, ", ");
	lb_str(&lb, t->file ? t->file : "-");
	LB_LIT(&lb, ", ");
	lb_str(&lb, fmt_time(t->first_ns, tb, sizeof(tb)));
	LB_LIT(&lb, "\n");
	for (h = 0; h < t->nhops; h++)
		text_hop(&lb, t, &t->hops[h]);
	LB_LIT(&lb, "   stop: ");
	lb_str(&lb, stop_name(t->stop));
	LB_LIT(&lb, "; ");
	lb_u64(&lb, t->nprobes);
	LB_LIT(&lb, " probes, ");
	lb_u64(&lb, t->replies);
	LB_LIT(&lb, " answered");
	text_count(&lb, t->past_dst, " past the end of the path");
	text_count(&lb, t->dups, " duplicate");
	text_count(&lb, t->late, " late");
	text_count(&lb, t->orphans, " unmatched");
	text_count(&lb, t->ambiguous, " ambiguous");
	text_count(&lb, t->dropped, " over the probe limit");
	text_count(&lb, t->frag_replies, " more quoting later fragments");
	LB_LIT(&lb, "\n");
	text_rewrites(&lb, t);
	if (t->reply_only)
		text_reply_only(&lb, t);
	if (t->namb_from > 0) {
		LB_LIT(&lb, "   ambiguous replies from:");
		for (h = 0; h < t->namb_from; h++) {
			LB_LIT(&lb, " ");
			lb_ip4(&lb, t->amb_from[h]);
		}
		if (t->namb_from == TRACE_AMB_ADDRS)
			LB_LIT(&lb, " ...");
		LB_LIT(&lb, "\n");
	}
	if (t->an != NULL)
		text_analysis(&lb, t);
	lb_flush(&lb);
	if (ferror(w->fp))
		return lh_err(err, errlen, "write error");
	return 0;
}

int
writer_ignore_file(struct writer *w, const struct file_summary *fs, char *err,
    size_t errlen)
{
	(void)w;
	(void)fs;
	(void)err;
	(void)errlen;
	return 0;
}

int
writer_end_text(struct writer *w, char *err, size_t errlen)
{
	if (w->ntraces == 0)
		fputs("no traceroute traffic found\n", w->fp);
	if (fflush(w->fp) != 0 || ferror(w->fp))
		return lh_err(err, errlen, "write error");
	return 0;
}

/* "traces 1-3, 7": a destination's traces as the text numbers them. */
static void
lb_ranges(struct lbuf *lb, const struct dest_entry *e)
{
	size_t i;

	for (i = 0; i < e->nranges; i++) {
		if (i > 0)
			LB_LIT(lb, ", ");
		lb_u64(lb, (uint64_t)e->ranges[i][0] + 1);
		if (e->ranges[i][1] != e->ranges[i][0]) {
			LB_LIT(lb, "-");
			lb_u64(lb, (uint64_t)e->ranges[i][1] + 1);
		}
	}
}

/*
 * After the traces, the combined verdict of each destination that more
 * than one trace went to (a single trace's is its own verdict):
 *
 *   destination 100.64.0.2 -> 175.45.176.71: traces 1-3
 *      verdict: reached (3 traces: 2 reached it, 1 died at upstream)
 */
static void
text_destinations(struct writer *w)
{
	const struct dest_entry *e;
	struct dest_verdict dv;
	struct lbuf lb;
	char buf[256];
	size_t i;

	lb.fp = w->fp;
	lb.n = 0;
	for (i = 0; w->priv != NULL && i < destsum_count(w->priv); i++) {
		e = destsum_get(w->priv, i);
		if (e->ntraces < 2 || destsum_verdict(e, &dv) != 0)
			continue;
		LB_LIT(&lb, "\ndestination ");
		if (e->src)
			lb_ip4(&lb, e->src);
		else
			LB_LIT(&lb, "?");
		LB_LIT(&lb, " -> ");
		if (e->dst)
			lb_ip4(&lb, e->dst);
		else
			LB_LIT(&lb, "?");
		LB_LIT(&lb, ": traces ");
		lb_ranges(&lb, e);
		LB_LIT(&lb, "\n   verdict: ");
		lb_str(&lb, vt_dest_headline(&dv, buf, sizeof(buf)));
		LB_LIT(&lb, " (");
		lb_str(&lb, vt_dest_detail(&dv, buf, sizeof(buf)));
		LB_LIT(&lb, ")\n");
	}
	lb_flush(&lb);
}

static int
text_end(struct writer *w, char *err, size_t errlen)
{
	text_destinations(w);
	return writer_end_text(w, err, errlen);
}

static void
text_free(struct writer *w)
{
	destsum_free(w->priv);
	w->priv = NULL;
}

static const struct writer_ops text_ops = {
	.name = "text",
	.begin = text_begin,
	.trace = text_trace,
	.file_done = writer_ignore_file,
	.end = text_end,
	.free = text_free,
};

/* ---- JSON ---- */

/*
 * A streaming JSON writer: every member and element goes straight into a
 * line buffer, in the order it is written, compact (no whitespace), with
 * the bytes jansson's JSON_COMPACT | JSON_REAL_PRECISION(12) dump gave
 * when the writer built a jansson tree (the goldens hold them).  Each
 * nesting level remembers whether it has an element already, for the
 * commas.  A member is a key, then one value:
 *
 *	jw_key(j, "replies");  jw_int(j, t->replies);
 *	jw_kint(j, "replies", t->replies);	(the same, in one call)
 *
 * Keys are string literals of plain ASCII and are written as they are.
 */
#define JW_DEPTH	32

/*
 * The date and time of day fmt_time() wrote for one second: probes sent
 * within the same second (most of a trace's) reuse it, and only the
 * microseconds are written again.
 */
struct jw_clock {
	int64_t		 sec;
	int		 valid;
	char		 ymdhms[19];	/* "YYYY-MM-DDThh:mm:ss" */
};

struct jw {
	struct jw_clock	*clock;		/* NULL: none */
	struct lbuf	*lb;
	unsigned	 depth;		/* 0: outside every value */
	uint32_t	 more;		/* bit d: level d has an element */
	int		 keyed;		/* a key waits for its value */
};

static void
jw_init(struct jw *j, struct lbuf *lb, struct jw_clock *clock)
{
	j->clock = clock;
	j->lb = lb;
	j->depth = 0;
	j->more = 0;
	j->keyed = 0;
}

/* The comma before every element of a level but its first. */
static inline void
jw_sep(struct jw *j)
{
	uint32_t bit = (uint32_t)1 << j->depth;

	if (j->more & bit)
		lb_mem(j->lb, ",", 1);
	else
		j->more |= bit;
}

/* Before a value: the comma, unless it is a member's (after its key). */
static inline void
jw_val(struct jw *j)
{
	if (j->keyed)
		j->keyed = 0;
	else
		jw_sep(j);
}

static inline void
jw_key_(struct jw *j, const char *quoted, size_t n)
{
	jw_sep(j);
	lb_mem(j->lb, quoted, n);
	j->keyed = 1;
}

#define jw_key(j, k)	jw_key_((j), "\"" k "\":", sizeof(k) + 2)

static void jw_str(struct jw *j, const char *str);

/* A key that is not a literal (escaped as any string). */
static void
jw_dkey(struct jw *j, const char *k)
{
	jw_sep(j);
	j->keyed = 1;		/* jw_str() writes no comma of its own */
	jw_str(j, k);
	lb_mem(j->lb, ":", 1);
	j->keyed = 1;
}

static void
jw_open(struct jw *j, char c)
{
	jw_val(j);
	lb_mem(j->lb, &c, 1);
	if (j->depth + 1 < JW_DEPTH)	/* deeper levels share the last bit */
		j->depth++;
	j->more &= ~((uint32_t)1 << j->depth);
}

static void
jw_close(struct jw *j, char c)
{
	lb_mem(j->lb, &c, 1);
	if (j->depth > 0)
		j->depth--;
}

#define jw_obj(j)	jw_open((j), '{')
#define jw_obj_end(j)	jw_close((j), '}')
#define jw_arr(j)	jw_open((j), '[')
#define jw_arr_end(j)	jw_close((j), ']')

static void
jw_null(struct jw *j)
{
	jw_val(j);
	LB_LIT(j->lb, "null");
}

static void
jw_bool(struct jw *j, int v)
{
	jw_val(j);
	if (v)
		LB_LIT(j->lb, "true");
	else
		LB_LIT(j->lb, "false");
}

/* An integer as jansson printed a json_int_t ("%lld"). */
static void
jw_int(struct jw *j, int64_t v)
{
	jw_val(j);
	if (v < 0) {
		LB_LIT(j->lb, "-");
		lb_u64(j->lb, (uint64_t)0 - (uint64_t)v);
	} else
		lb_u64(j->lb, (uint64_t)v);
}

/*
 * A real as jansson printed it: "%.12g", ".0" added when that has neither
 * a point nor an exponent, the exponent without "+" or leading zeros.
 * (lasthop never calls setlocale(), so the point is '.'.)
 */
static void
jw_real(struct jw *j, double v)
{
	char b[40], *e, *d;
	int n;

	jw_val(j);
	n = snprintf(b, sizeof(b), "%.12g", v);
	if (n < 0 || (size_t)n >= sizeof(b) - 3) {
		LB_LIT(j->lb, "null");	/* cannot happen for a double */
		return;
	}
	if (strchr(b, '.') == NULL && strchr(b, 'e') == NULL) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(b, 'e')) != NULL) {
		e++;
		if (*e == '-')
			e++;
		for (d = e; *d == '+' || *d == '0'; d++)
			;
		if (*d == '\0')
			d--;		/* keep one digit of "e+00" */
		memmove(e, d, strlen(d) + 1);
		n = (int)strlen(b);
	}
	lb_mem(j->lb, b, (size_t)n);
}

/*
 * A round-trip time in milliseconds from whole microseconds: the digits
 * "%.12g" prints for us / 1000.0, written by hand below 10^12 us (where
 * they are the exact decimal: at most 12 significant digits).
 */
static void
jw_ms(struct jw *j, uint64_t us)
{
	unsigned frac = (unsigned)(us % 1000);
	char *p;

	if (us >= 1000000000000ULL) {
		jw_real(j, (double)us / 1000.0);
		return;
	}
	jw_val(j);
	lb_u64(j->lb, us / 1000);
	p = lb_room(j->lb, 4);
	p[0] = '.';
	if (frac == 0) {
		p[1] = '0';
		j->lb->n += 2;
		return;
	}
	p[1] = (char)('0' + frac / 100);
	p[2] = (char)('0' + frac / 10 % 10);
	p[3] = (char)('0' + frac % 10);
	j->lb->n += frac % 100 == 0 ? 2 : frac % 10 == 0 ? 3 : 4;
}

/* Length of the valid UTF-8 sequence (RFC 3629) at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	uint32_t c;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {	/* a NUL ends this too */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
	    (n == 3 && c < 0x800) || (n == 4 && c < 0x10000))
		return 0;
	return n;
}

/*
 * A string: '"', '\\' and control characters escaped as jansson escaped
 * them, other characters as they are.  A byte that does not begin a valid
 * UTF-8 sequence (AS names and file names are bytes from anywhere) is
 * written as '?', where jansson refused the whole result: one byte for
 * one, so that what the JSON reader takes back fits where it came from.
 */
static void
jw_str(struct jw *j, const char *str)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str, *run;
	char esc[6];
	size_t n;

	jw_val(j);
	LB_LIT(j->lb, "\"");
	for (;;) {
		for (run = s; *s >= 0x20 && *s < 0x80 && *s != '"' &&
		    *s != '\\'; s++)
			;
		if (s > run)
			lb_mem(j->lb, (const char *)run, (size_t)(s - run));
		if (*s == '\0')
			break;
		if (*s >= 0x80) {
			if ((n = utf8_len(s)) == 0) {
				LB_LIT(j->lb, "?");
				n = 1;
			} else
				lb_mem(j->lb, (const char *)s, n);
			s += n;
			continue;
		}
		esc[0] = '\\';
		switch (*s) {
		case '"':	esc[1] = '"'; n = 2; break;
		case '\\':	esc[1] = '\\'; n = 2; break;
		case '\b':	esc[1] = 'b'; n = 2; break;
		case '\f':	esc[1] = 'f'; n = 2; break;
		case '\n':	esc[1] = 'n'; n = 2; break;
		case '\r':	esc[1] = 'r'; n = 2; break;
		case '\t':	esc[1] = 't'; n = 2; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*s >> 4];
			esc[5] = hex[*s & 15];
			n = 6;
			break;
		}
		lb_mem(j->lb, esc, n);
		s++;
	}
	LB_LIT(j->lb, "\"");
}

/* A string or null. */
static void
jw_str_or_null(struct jw *j, const char *s)
{
	if (s != NULL)
		jw_str(j, s);
	else
		jw_null(j);
}

static void
jw_ip4(struct jw *j, uint32_t addr)
{
	jw_val(j);
	LB_LIT(j->lb, "\"");
	lb_ip4(j->lb, addr);
	LB_LIT(j->lb, "\"");
}

/* A time as fmt_time() writes it, through the writer's clock. */
static void
jw_time(struct jw *j, int64_t ns)
{
	struct jw_clock *c = j->clock;
	int64_t sec = ns / 1000000000;
	long us = (long)((ns % 1000000000) / 1000);
	char tb[40], *p;

	if (us < 0) {		/* as fmt_time() does */
		us += 1000000;
		sec--;
	}
	if (c == NULL || !c->valid || c->sec != sec) {
		fmt_time(ns, tb, sizeof(tb));
		if (c != NULL && strlen(tb) == 27 && tb[19] == '.') {
			memcpy(c->ymdhms, tb, sizeof(c->ymdhms));
			c->sec = sec;
			c->valid = 1;
		}
		jw_str(j, tb);
		return;
	}
	jw_val(j);
	p = lb_room(j->lb, 29);
	p[0] = '"';
	memcpy(p + 1, c->ymdhms, sizeof(c->ymdhms));
	p[20] = '.';
	put_digits(p + 21, (unsigned)us, 6);
	memcpy(p + 27, "Z\"", 2);
	j->lb->n += 29;
}

/* Members: a key and its value in one call. */
#define jw_kstr(j, k, v)	(jw_key(j, k), jw_str((j), (v)))
#define jw_kint(j, k, v)	(jw_key(j, k), jw_int((j), (int64_t)(v)))
#define jw_kbool(j, k, v)	(jw_key(j, k), jw_bool((j), (v)))
#define jw_knull(j, k)		(jw_key(j, k), jw_null(j))
#define jw_kip4(j, k, v)	(jw_key(j, k), jw_ip4((j), (v)))
#define jw_kobj(j, k)		(jw_key(j, k), jw_obj(j))
#define jw_karr(j, k)		(jw_key(j, k), jw_arr(j))

/* An integer, or null for 0 (an unknown AS number). */
static void
jw_int_or_null(struct jw *j, int64_t v)
{
	if (v != 0)
		jw_int(j, v);
	else
		jw_null(j);
}

struct json_priv {
	FILE		*files;		/* the "files" array's elements, until the end */
	char		*fbuf;
	size_t		 flen;
	unsigned	 nfiles;
	struct destsum	*dests;		/* "destinations" */
	struct jw_clock	 clock;
};

static int
json_begin(struct writer *w, char *err, size_t errlen)
{
	struct json_priv *jp = calloc(1, sizeof(*jp));

	if (jp == NULL ||
	    (jp->files = open_memstream(&jp->fbuf, &jp->flen)) == NULL ||
	    (jp->dests = destsum_new()) == NULL) {
		if (jp != NULL && jp->files != NULL) {
			fclose(jp->files);
			free(jp->fbuf);
		}
		free(jp);
		return lh_err(err, errlen, "out of memory");
	}
	w->priv = jp;
	fprintf(w->fp, "{\"lasthop\": \"%s\", \"schema\": %d, \"traces\": [",
	    LASTHOP_VERSION, LH_JSON_SCHEMA);
	return 0;
}

/* One probe: {"addr":..., ..., "dport":N}. */
static void
json_probe(struct jw *j, const struct probe *p)
{
	char mb[16];
	const char *mark;
	size_t k;
	int f;

	jw_obj(j);
	if (p->rkind == RK_NONE) {
		jw_knull(j, "addr");
		jw_knull(j, "rtt_ms");
	} else {
		jw_kip4(j, "addr", p->raddr);
		jw_key(j, "rtt_ms");
		if (p->inferred)
			jw_null(j);	/* its send time is not known */
		else
			jw_ms(j, (uint64_t)rtt_us(p));
		jw_kstr(j, "reply", reply_kind_name(p->rkind));
		if (p->rkind <= RK_ECHO_REPLY) {	/* ICMP */
			jw_kint(j, "icmp_type", p->rtype);
			jw_kint(j, "icmp_code", p->rcode);
		}
		if (p->rkind >= RK_TCP_SYNACK && p->rkind <= RK_TCP_OTHER)
			jw_kint(j, "tcp_flags", p->rtcpflags);
		mark = reply_mark(p, mb, sizeof(mb));
		if (*mark)
			jw_kstr(j, "annotation", mark);
		jw_kint(j, "reply_ttl", p->rttl);
		if (p->rkind < RK_ECHO_REPLY)
			jw_kint(j, "quoted_ttl", p->qttl);
		jw_kint(j, "reply_size", p->rsize);
		if (p->nmpls > 0) {
			jw_karr(j, "mpls");
			for (k = 0; k < p->nmpls; k++) {
				jw_obj(j);
				jw_kint(j, "label", p->mpls[k] >> 12);
				jw_kint(j, "tc", (p->mpls[k] >> 9) & 7);
				jw_kint(j, "s", (p->mpls[k] >> 8) & 1);
				jw_kint(j, "ttl", p->mpls[k] & 0xff);
				jw_obj_end(j);
			}
			jw_arr_end(j);
		}
		if (p->late)
			jw_kbool(j, "late", 1);
		if (p->nat) {
			jw_kbool(j, "nat", 1);
			jw_karr(j, "rewritten");
			for (f = 0; f < RW_NFIELDS; f++)
				if (p->rw >> f & 1)
					jw_str(j, rw_key(f));
			jw_arr_end(j);
		}
		if (p->dups)
			jw_kint(j, "dups", p->dups);
	}
	if (p->inferred) {
		/* Rebuilt from its reply: no send time, what it quoted. */
		jw_knull(j, "sent");
		jw_kbool(j, "ttl_inferred", 1);
		if (p->size != 0) {
			jw_kint(j, "ipid", p->ipid);
			jw_kint(j, "size", p->size);
		} else {
			jw_knull(j, "ipid");
			jw_knull(j, "size");
		}
	} else {
		jw_key(j, "sent");
		jw_time(j, p->tx_ns);
		jw_kint(j, "ipid", p->ipid);
		jw_kint(j, "size", p->size);
	}
	jw_kint(j, "sport", p->sport);
	jw_kint(j, "dport", p->dport);
	jw_obj_end(j);
}

static void
json_flags(struct jw *j, uint16_t f)
{
	static const struct { uint16_t bit; const char *name; } fl[] = {
		{ ASMAP_F_NK_INSIDE, "inside-north-korea" },
		{ ASMAP_F_NK_ASSOCIATED, "dprk-associated" },
		{ ASMAP_F_PRIVATE, "private" },
		{ ASMAP_F_RESERVED, "reserved" },
		{ ASMAP_F_UNCERTAIN, "uncertain" },
		{ ASMAP_F_STATIC, "static" },
		{ ASMAP_F_MOAS, "moas" },
		{ ASMAP_F_ASSET, "as-set" },
	};
	size_t i;

	jw_arr(j);
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].bit)
			jw_str(j, fl[i].name);
	jw_arr_end(j);
}

/* The members of one network annotation. */
static void
json_network(struct jw *j, const struct annot *x)
{
	char pfx[24], a[LH_IP4_STRLEN];

	jw_obj(j);
	jw_kip4(j, "addr", x->addr);
	if (x->name != NULL)
		jw_kstr(j, "name", x->name);
	jw_key(j, "asn");
	jw_int_or_null(j, x->asn);
	if (x->hinted)
		jw_kbool(j, "from_name_hint", 1);
	jw_kstr(j, "as_name", x->as_name);
	jw_kstr(j, "org", x->org);
	jw_kstr(j, "country", x->cc);
	if (x->len > 0 || x->asn != 0) {
		snprintf(pfx, sizeof(pfx), "%s/%u",
		    lh_ip4_str(x->prefix, a, sizeof(a)), x->len);
		jw_kstr(j, "prefix", pfx);
	}
	jw_kstr(j, "role", role_name(x->role));
	jw_key(j, "flags");
	json_flags(j, x->flags);
	if (x->note != NULL)
		jw_kstr(j, "note", x->note);
	jw_obj_end(j);
}

/*
 * "as_data": the AS data that judged the trace, in load order: the
 * embedded dataset, each --asmap file (with its format), the image (its
 * dataset and version).  Routes of the first two are matched together by
 * longest prefix; the image answers where none of them has a route.
 */
static void
json_asdata(struct jw *j, const struct analysis *an)
{
	size_t i;

	jw_karr(j, "as_data");
	for (i = 0; i < an->nasdata; i++) {
		const struct asmap_layer *l = &an->asdata[i];

		jw_obj(j);
		jw_kstr(j, "kind", l->kind);
		if (strcmp(l->kind, "asmap") == 0) {
			jw_kstr(j, "file", l->name);
			jw_kstr(j, "format", l->format);
		} else {
			jw_kstr(j, "name", l->name);
			jw_kstr(j, "version", l->version);
		}
		jw_obj_end(j);
	}
	jw_arr_end(j);
}

/* {"asn": 4837, "name": "CHINA UNICOM China169 Backbone"}; null for none. */
static void
json_vnet(struct jw *j, const struct vnet *n)
{
	if (n->asn == 0 && n->name[0] == '\0') {
		jw_null(j);
		return;
	}
	jw_obj(j);
	jw_key(j, "asn");
	jw_int_or_null(j, n->asn);
	jw_kstr(j, "name", n->name);
	jw_obj_end(j);
}

/* "borders": each step from one network into the next (analysis.h). */
static void
json_borders(struct jw *j, const struct analysis *an)
{
	size_t i;

	jw_karr(j, "borders");
	for (i = 0; i < an->nborders; i++) {
		const struct border *x = &an->borders[i];

		jw_obj(j);
		jw_key(j, "from_ttl");
		jw_int_or_null(j, x->from_ttl);
		jw_key(j, "from_addr");
		if (x->from_ttl)
			jw_ip4(j, x->from_addr);
		else
			jw_null(j);
		jw_key(j, "from_asn");
		jw_int_or_null(j, x->from_asn);
		jw_kint(j, "to_ttl", x->to_ttl);
		jw_kip4(j, "to_addr", x->to_addr);
		jw_key(j, "to_asn");
		jw_int_or_null(j, x->to_asn);
		jw_kstr(j, "rule", border_rule_name((enum border_rule)x->rule));
		jw_kbool(j, "handoff", x->handoff);
		jw_obj_end(j);
	}
	jw_arr_end(j);
}

/* verdict "departure": the baseline's hop today's trace departs from. */
static void
json_departure(struct jw *j, const struct verdict *v)
{
	if (v->depart_ttl == 0 || bkind_name(v->depart_kind) == NULL) {
		jw_null(j);
		return;
	}
	jw_obj(j);
	jw_kint(j, "ttl", v->depart_ttl);
	jw_kip4(j, "addr", v->depart_addr);
	jw_kstr(j, "was", bkind_name(v->depart_kind));
	jw_key(j, "network");
	json_vnet(j, &v->depart_net);
	if (v->depart_kind == BK_NB_BORDER) {
		jw_key(j, "numbered_from");
		json_vnet(j, &v->depart_space);
	}
	jw_obj_end(j);
}

/* verdict "loop": the routers of a routing loop. */
static void
json_loop(struct jw *j, const struct verdict *v)
{
	size_t i;

	jw_obj(j);
	jw_kint(j, "from_ttl", v->loop_from);
	jw_kint(j, "to_ttl", v->loop_to);
	jw_karr(j, "routers");
	for (i = 0; i < v->nloop && i < V_LOOP_MAX; i++) {
		jw_obj(j);
		jw_kint(j, "ttl", v->loop[i].ttl);
		jw_kip4(j, "addr", v->loop[i].addr);
		jw_key(j, "asn");
		jw_int_or_null(j, v->loop[i].asn);
		jw_kstr(j, "role", role_name((enum role)v->loop[i].role));
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_kint(j, "more", v->loop_more);
	jw_obj_end(j);
}

/* A trace's "verdict" object. */
static void
json_verdict(struct jw *j, const struct analysis *an, const struct trace *t)
{
	const struct verdict *v = &an->v;
	const struct annot *la;
	char buf[VT_MAX];

	jw_obj(j);
	jw_kstr(j, "outcome", outcome_name(v->outcome));
	jw_key(j, "where");
	jw_str_or_null(j, where_name(v->where));
	if (v->cand[0] != WH_NONE) {
		jw_karr(j, "candidates");
		jw_str_or_null(j, where_name(v->cand[0]));
		jw_str_or_null(j, where_name(v->cand[1]));
		jw_arr_end(j);
	}
	if (v->has_last) {
		la = analysis_annot(an, v->last_addr);
		jw_kobj(j, "last_hop");
		jw_kint(j, "ttl", v->last_ttl);
		jw_kip4(j, "addr", v->last_addr);
		jw_key(j, "asn");
		jw_int_or_null(j, la ? la->asn : 0);
		jw_kstr(j, "org", la ? la->org : "");
		jw_obj_end(j);
	} else
		jw_knull(j, "last_hop");
	jw_kstr(j, "reason", reason_name(v->reason));
	if (v->reason == VR_UNREACHABLE)
		jw_kint(j, "icmp_code", v->unreach_code);
	jw_kbool(j, "rate_limited", v->rate_limited);
	if (v->flags & VF_AMB_DST)
		jw_kbool(j, "ambiguous_destination", 1);
	jw_key(j, "network");
	if (v->outcome == OUT_DIED)
		json_vnet(j, &v->net);
	else
		jw_null(j);
	if (v->used_baseline) {
		jw_key(j, "baseline_departs_at");
		jw_int_or_null(j, v->depart_ttl);
		jw_key(j, "departure");
		json_departure(j, v);
	}
	if (v->reason == VR_LOOP && v->nloop > 0) {
		jw_key(j, "loop");
		json_loop(j, v);
	}
	jw_kstr(j, "detail", vt_detail(an, t, buf, sizeof(buf)));
	jw_obj_end(j);
}

/* Network annotations, handoff and verdict of one trace: its last members. */
static void
json_analysis(struct jw *j, const struct trace *t)
{
	const struct analysis *an = t->an;
	char hd[VT_MAX];
	size_t i;

	jw_karr(j, "networks");
	for (i = 0; i < an->nannots; i++)
		json_network(j, &an->annots[i]);
	jw_arr_end(j);
	if (an->asdata != NULL)
		json_asdata(j, an);
	jw_key(j, "target_asn");
	jw_int_or_null(j, an->target_asn);
	jw_karr(j, "upstream_asns");
	for (i = 0; i < an->nupstreams; i++)
		jw_int(j, an->upstreams[i]);
	jw_arr_end(j);
	jw_key(j, "upstream_source");
	jw_str_or_null(j, an->upstream_source);
	if (an->has_handoff) {
		jw_kobj(j, "handoff");
		if (an->ho_up_ttl) {
			jw_kint(j, "upstream_ttl", an->ho_up_ttl);
			jw_kip4(j, "upstream_addr", an->ho_up_addr);
		}
		jw_kint(j, "target_ttl", an->ho_in_ttl);
		jw_kip4(j, "target_addr", an->ho_in_addr);
		jw_kstr(j, "rule", ho_rule_name(an->ho_rule));
		jw_kstr(j, "detail", vt_handoff(an, hd, sizeof(hd)));
		jw_obj_end(j);
	} else
		jw_knull(j, "handoff");
	json_borders(j, an);
	if (an->borders_more > 0)
		jw_kint(j, "borders_more", an->borders_more);
	jw_key(j, "verdict");
	json_verdict(j, an, t);
}

/*
 * What the trace says of its own making: where quotes showed fields
 * rewritten, who sent replies that fit several probes, how the TTLs of a
 * reply-only trace were found.
 */
static void
json_provenance(struct jw *j, const struct trace *t)
{
	size_t i;

	jw_kint(j, "fragment_replies", t->frag_replies);
	jw_karr(j, "rewritten");
	for (i = 0; i < t->nrws; i++) {
		const struct rw_summary *x = &t->rws[i];

		jw_obj(j);
		jw_kstr(j, "field", rw_key(x->field));
		jw_key(j, "kept_to_hop");
		jw_int_or_null(j, x->after);
		jw_kint(j, "from_hop", x->from);
		jw_kbool(j, "mixed", x->mixed);
		jw_kint(j, "quotes", x->quotes);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_karr(j, "ambiguous_from");
	for (i = 0; i < t->namb_from; i++)
		jw_ip4(j, t->amb_from[i]);
	jw_arr_end(j);
	jw_key(j, "reply_only");
	if (!t->reply_only) {
		jw_null(j);
		return;
	}
	jw_obj(j);
	jw_kstr(j, "rule", infer_rule_name((enum infer_rule)t->infer_rule));
	jw_key(j, "field");
	jw_str_or_null(j, t->infer_field);
	if (t->infer_rule == INFER_COUNTER)
		jw_kint(j, "per_ttl", t->infer_q);
	if (t->infer_rule == INFER_COUNTER || t->infer_rule == INFER_ROUNDS) {
		jw_kint(j, "first", t->infer_base);
		jw_key(j, "anchor");
		jw_str_or_null(j, t->infer_anchor);
	}
	jw_obj_end(j);
}

/*
 * One trace object: its summary members, "hops": [{"ttl": N, "probes":
 * [...]}, ...], then the analysis members when there is an analysis.
 */
static int
json_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	struct json_priv *jp = w->priv;
	struct lbuf lb;
	struct jw j;
	size_t h, i;

	if (destsum_add(jp->dests, w->ntraces, t) != 0)
		return lh_err(err, errlen, "out of memory");
	lb.fp = w->fp;
	lb.n = 0;
	if (w->ntraces++)
		LB_LIT(&lb, ",\n  ");
	else
		LB_LIT(&lb, "\n  ");
	jw_init(&j, &lb, &jp->clock);
	jw_obj(&j);
	jw_kip4(&j, "src", t->src);
	jw_kip4(&j, "dst", t->dst);
	jw_kstr(&j, "method", method_name(t->method));
	if (t->own)
		jw_kstr(&j, "tool", "lasthop");
	jw_kstr(&j, "stop_reason", stop_name(t->stop));
	jw_kstr(&j, "file", t->file ? t->file : "-");
	jw_key(&j, "start");
	jw_time(&j, t->first_ns);
	if (t->proto == IPPROTO_ICMP)
		jw_kint(&j, "icmp_id", t->echo_id);
	else if (t->has_flow) {
		jw_kint(&j, "sport", t->flow_sport);
		jw_kint(&j, "dport", t->flow_dport);
	}
	jw_kint(&j, "probes_sent", t->nprobes);
	jw_kint(&j, "replies", t->replies);
	jw_kint(&j, "duplicates", t->dups);
	jw_kint(&j, "late", t->late);
	jw_kint(&j, "nat_matched", t->nat_matched);
	jw_kint(&j, "unmatched_replies", t->orphans);
	jw_kint(&j, "ambiguous_replies", t->ambiguous);
	jw_kint(&j, "probes_over_limit", t->dropped);
	jw_kint(&j, "probes_past_end", t->past_dst);
	json_provenance(&j, t);
	jw_karr(&j, "hops");
	for (h = 0; h < t->nhops; h++) {
		jw_obj(&j);
		jw_kint(&j, "ttl", t->hops[h].ttl);
		jw_karr(&j, "probes");
		for (i = 0; i < t->hops[h].n; i++)
			json_probe(&j, &t->probes[t->hops[h].first + i]);
		jw_arr_end(&j);
		jw_obj_end(&j);
	}
	jw_arr_end(&j);
	if (t->an != NULL)
		json_analysis(&j, t);
	jw_obj_end(&j);
	lb_flush(&lb);
	if (ferror(w->fp))
		return lh_err(err, errlen, "write error");
	return 0;
}

static int
json_file_done(struct writer *w, const struct file_summary *fs, char *err,
    size_t errlen)
{
	struct json_priv *jp = w->priv;
	const struct engine_stats *st = fs->st;
	struct lbuf lb;
	struct jw j;
	size_t i;

	lb.fp = jp->files;
	lb.n = 0;
	if (jp->nfiles++)
		LB_LIT(&lb, ",");
	jw_init(&j, &lb, NULL);
	jw_obj(&j);
	jw_kstr(&j, "path", fs->path);
	jw_kstr(&j, "reader", fs->reader);
	jw_kint(&j, "frames", st->frames);
	jw_kobj(&j, "ignored");
	jw_kint(&j, "not_ipv4", st->not_ip);
	jw_kint(&j, "truncated", st->truncated);
	jw_kint(&j, "malformed", st->malformed);
	jw_kint(&j, "fragments", st->fragments);
	jw_kint(&j, "link_type", st->bad_linktype);
	jw_kint(&j, "filtered", fs->filtered);
	jw_kint(&j, "other_destinations", st->other_dst);
	jw_obj_end(&j);
	jw_kint(&j, "probes", st->probes);
	jw_kint(&j, "replies_matched", st->matched);
	jw_kint(&j, "duplicates", st->dups);
	jw_kint(&j, "unmatched_replies", st->orphans);
	jw_karr(&j, "unmatched_destinations");
	for (i = 0; i < st->nunmatched; i++) {
		jw_obj(&j);
		jw_kip4(&j, "dst", st->unmatched[i].dst);
		jw_kint(&j, "replies", st->unmatched[i].replies);
		jw_obj_end(&j);
	}
	jw_arr_end(&j);
	jw_kint(&j, "ambiguous_replies", st->ambiguous);
	jw_kint(&j, "rejected_replies", st->rejected);
	jw_kint(&j, "traces", st->traces);
	jw_kbool(&j, "complete", fs->warning == NULL);
	if (fs->warning != NULL)
		jw_kstr(&j, "warning", fs->warning);
	jw_obj_end(&j);
	lb_flush(&lb);
	if (ferror(jp->files))
		return lh_err(err, errlen, "out of memory");
	return 0;
}

/* A destination's combined verdict (destsum.h). */
static void
json_dest_verdict(struct jw *j, const struct dest_entry *e)
{
	struct dest_verdict dv;
	char buf[256];
	unsigned w;

	if (destsum_verdict(e, &dv) != 0) {
		jw_null(j);
		return;
	}
	jw_obj(j);
	jw_kstr(j, "outcome", outcome_name(dv.outcome));
	jw_key(j, "where");
	jw_str_or_null(j, where_name(dv.where));
	if (dv.outcome == OUT_DIED && dv.where == WH_NONE &&
	    where_name(dv.cand[0]) != NULL && where_name(dv.cand[1]) != NULL) {
		jw_karr(j, "candidates");
		jw_str(j, where_name(dv.cand[0]));
		jw_str(j, where_name(dv.cand[1]));
		jw_arr_end(j);
	}
	jw_kbool(j, "agree", dv.agree);
	jw_kint(j, "traces_reached", dv.reached);
	jw_kint(j, "traces_died", dv.died);
	jw_kint(j, "traces_incomplete", dv.incomplete);
	jw_kint(j, "traces_no_data", dv.nodata);
	jw_kobj(j, "died_at");
	for (w = WH_TRANSIT; w <= WH_TARGET; w++)
		if (dv.died_at[w] > 0) {
			jw_dkey(j, where_name((enum where)w));
			jw_int(j, dv.died_at[w]);
		}
	if (dv.died_at[WH_NONE] > 0)
		jw_kint(j, "undecided", dv.died_at[WH_NONE]);
	jw_obj_end(j);
	jw_kstr(j, "detail", vt_dest_detail(&dv, buf, sizeof(buf)));
	jw_obj_end(j);
}

/* One element of "destinations": {src, dst, traces, verdict}. */
static void
json_destination(struct jw *j, const struct dest_entry *e)
{
	uint64_t x;
	size_t k;

	jw_obj(j);
	jw_kip4(j, "src", e->src);
	jw_kip4(j, "dst", e->dst);
	jw_karr(j, "traces");
	for (k = 0; k < e->nranges; k++)
		for (x = e->ranges[k][0]; x <= e->ranges[k][1]; x++)
			jw_int(j, (int64_t)x);
	jw_arr_end(j);
	jw_key(j, "verdict");
	json_dest_verdict(j, e);
	jw_obj_end(j);
}

static int
json_end(struct writer *w, char *err, size_t errlen)
{
	struct json_priv *jp = w->priv;
	struct lbuf lb;
	struct jw j;
	size_t i;

	if (fflush(jp->files) != 0 || ferror(jp->files))
		return lh_err(err, errlen, "out of memory");
	fputs(w->ntraces ? "\n], \"files\": [" : "], \"files\": [", w->fp);
	fwrite(jp->fbuf, 1, jp->flen, w->fp);
	fputs("], \"destinations\": ", w->fp);
	/* One element at a time: a sweep has thousands. */
	lb.fp = w->fp;
	lb.n = 0;
	jw_init(&j, &lb, NULL);
	jw_arr(&j);
	for (i = 0; i < destsum_count(jp->dests); i++) {
		json_destination(&j, destsum_get(jp->dests, i));
		if (lb.n > 4096)
			lb_flush(&lb);
	}
	jw_arr_end(&j);
	lb_flush(&lb);
	fputs("}\n", w->fp);
	if (fflush(w->fp) != 0 || ferror(w->fp))
		return lh_err(err, errlen, "write error");
	return 0;
}

static void
json_free_(struct writer *w)
{
	struct json_priv *jp = w->priv;

	if (jp != NULL) {
		fclose(jp->files);
		free(jp->fbuf);
		destsum_free(jp->dests);
		free(jp);
	}
	w->priv = NULL;
}

static const struct writer_ops json_ops = {
	.name = "json",
	.begin = json_begin,
	.trace = json_trace,
	.file_done = json_file_done,
	.end = json_end,
	.free = json_free_,
};

static const struct writer_ops *const writers[] = { &text_ops, &json_ops,
    &diagram_term_ops, &diagram_dot_ops, &diagram_svg_ops, &diagram_png_ops };

const struct writer_ops *
writer_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

const char *
writer_names(void)
{
	return "text, json, term, dot, svg, png";
}
