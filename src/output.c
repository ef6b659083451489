/* output.c: the text (traceroute-style) and JSON writers of the path model. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

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

/* Round-trip time in whole microseconds (capture timestamps). */
static int64_t
rtt_us(const struct probe *p)
{
	int64_t d = p->rx_ns - p->tx_ns;

	return d < 0 ? 0 : d / 1000;	/* a capture out of time order: 0 */
}

static double
rtt_ms(const struct probe *p)
{
	return (double)rtt_us(p) / 1000.0;
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

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/*
 * Probe objects are most of a result, and allocating and freeing one per
 * probe cost more than dumping it.  So they are reused: the keys of a
 * probe's object, and their order, depend only on its shape (probe_shape()),
 * and each shape seen keeps one object whose values are set in place
 * (json_probe()) before it is dumped.
 */
#define JSON_SHAPES	32	/* shapes kept; a rarer one gets a fresh object */

struct json_shape {
	unsigned	 key;
	json_t		*o;
};

struct json_priv {
	json_t			*files;
	struct destsum		*dests;		/* "destinations" */
	struct json_shape	 shapes[JSON_SHAPES];
	size_t			 nshapes;
};

/* json_dumpf() writes token by token; one string per object is far faster. */
static int
dump(json_t *o, FILE *fp)
{
	char *str = json_dumps(o, JSON_FLAGS);
	int rc;

	if (str == NULL)
		return -1;
	rc = fputs(str, fp) == EOF ? -1 : 0;
	free(str);
	return rc;
}

/* json_dump_callback() into a trace's buffer. */
static int
lb_dump(const char *s, size_t n, void *arg)
{
	lb_mem(arg, s, n);
	return 0;
}

static int
set_new(json_t *o, const char *k, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, k, v);
}

/*
 * Set key k of o, in place when o (a reused object) has it already, else
 * added at the end.  A reused key always holds a value of the same type.
 */
static int
put_int(json_t *o, const char *k, json_int_t v)
{
	json_t *x = json_object_get(o, k);

	return x != NULL ? json_integer_set(x, v) : set_new(o, k, json_integer(v));
}

static int
put_real(json_t *o, const char *k, double v)
{
	json_t *x = json_object_get(o, k);

	return x != NULL ? json_real_set(x, v) : set_new(o, k, json_real(v));
}

static int
put_str(json_t *o, const char *k, const char *s)
{
	json_t *x = json_object_get(o, k);

	if (x == NULL)
		return set_new(o, k, json_string(s));
	if (strcmp(json_string_value(x), s) == 0)
		return 0;	/* often the same address as the last probe's */
	return json_string_set(x, s);
}

/* null, true: the same value in every object of a shape. */
static int
put_const(json_t *o, const char *k, json_t *v)
{
	return json_object_get(o, k) != NULL ? 0 : json_object_set(o, k, v);
}

/* Element i of array a, an object, appended (empty) if a is shorter. */
static json_t *
array_object(json_t *a, size_t i)
{
	json_t *x = json_array_get(a, i);

	if (x == NULL && (x = json_object()) != NULL &&
	    json_array_append_new(a, x) != 0)
		x = NULL;	/* the failed append freed it */
	return x;
}

/* The array under key k of o, added (empty) if o lacks it. */
static json_t *
put_array(json_t *o, const char *k)
{
	json_t *x = json_object_get(o, k);

	if (x == NULL && (x = json_array()) != NULL &&
	    json_object_set_new(o, k, x) != 0)
		x = NULL;	/* the failed set freed it */
	return x;
}

static int
json_begin(struct writer *w, char *err, size_t errlen)
{
	struct json_priv *jp = calloc(1, sizeof(*jp));

	if (jp == NULL || (jp->files = json_array()) == NULL ||
	    (jp->dests = destsum_new()) == NULL) {
		if (jp != NULL)
			json_decref(jp->files);
		free(jp);
		return lh_err(err, errlen, "out of memory");
	}
	w->priv = jp;
	fprintf(w->fp, "{\"lasthop\": \"%s\", \"schema\": %d, \"traces\": [",
	    LASTHOP_VERSION, LH_JSON_SCHEMA);
	return 0;
}

/* Which keys a probe's object has: equal shapes, equal keys in equal order. */
static unsigned
probe_shape(const struct probe *p)
{
	char mb[16];

	if (p->rkind == RK_NONE)
		return 0;
	return (unsigned)p->rkind |
	    (unsigned)(*reply_mark(p, mb, sizeof(mb)) != '\0') << 8 |
	    (unsigned)(p->late != 0) << 9 | (unsigned)(p->nat != 0) << 10 |
	    (unsigned)(p->dups != 0) << 11 | (unsigned)p->nmpls << 12;
}

/* Fill o, empty or holding a probe of p's shape, with p. */
static int
json_probe_fill(json_t *o, const struct probe *p)
{
	json_t *m, *e;
	char a[LH_IP4_STRLEN], tb[40], mb[16];
	const char *mark;
	size_t k;
	int rc = 0;

	if (p->rkind == RK_NONE) {
		rc |= put_const(o, "addr", json_null());
		rc |= put_const(o, "rtt_ms", json_null());
	} else {
		rc |= put_str(o, "addr", lh_ip4_str(p->raddr, a, sizeof(a)));
		rc |= put_real(o, "rtt_ms", rtt_ms(p));
		rc |= put_str(o, "reply", reply_kind_name(p->rkind));
		if (p->rkind <= RK_ECHO_REPLY) {	/* ICMP */
			rc |= put_int(o, "icmp_type", p->rtype);
			rc |= put_int(o, "icmp_code", p->rcode);
		}
		if (p->rkind >= RK_TCP_SYNACK && p->rkind <= RK_TCP_OTHER)
			rc |= put_int(o, "tcp_flags", p->rtcpflags);
		mark = reply_mark(p, mb, sizeof(mb));
		if (*mark)
			rc |= put_str(o, "annotation", mark);
		rc |= put_int(o, "reply_ttl", p->rttl);
		if (p->rkind < RK_ECHO_REPLY)
			rc |= put_int(o, "quoted_ttl", p->qttl);
		rc |= put_int(o, "reply_size", p->rsize);
		if (p->nmpls > 0) {
			m = put_array(o, "mpls");
			for (k = 0; k < p->nmpls; k++) {
				if (m == NULL || (e = array_object(m, k)) == NULL)
					return -1;
				rc |= put_int(e, "label", p->mpls[k] >> 12);
				rc |= put_int(e, "tc", (p->mpls[k] >> 9) & 7);
				rc |= put_int(e, "s", (p->mpls[k] >> 8) & 1);
				rc |= put_int(e, "ttl", p->mpls[k] & 0xff);
			}
		}
		if (p->late)
			rc |= put_const(o, "late", json_true());
		if (p->nat)
			rc |= put_const(o, "nat", json_true());
		if (p->dups)
			rc |= put_int(o, "dups", p->dups);
	}
	rc |= put_str(o, "sent", fmt_time(p->tx_ns, tb, sizeof(tb)));
	rc |= put_int(o, "ipid", p->ipid);
	rc |= put_int(o, "size", p->size);
	rc |= put_int(o, "sport", p->sport);
	rc |= put_int(o, "dport", p->dport);
	return rc;
}

/* Dump probe p into lb through the object of its shape. */
static int
json_probe(struct json_priv *jp, const struct probe *p, struct lbuf *lb)
{
	unsigned key = probe_shape(p);
	json_t *o = NULL, *fresh = NULL;
	size_t i;
	int rc;

	for (i = 0; i < jp->nshapes && o == NULL; i++)
		if (jp->shapes[i].key == key)
			o = jp->shapes[i].o;
	if (o == NULL) {
		if ((o = json_object()) == NULL)
			return -1;
		if (jp->nshapes < JSON_SHAPES) {
			jp->shapes[jp->nshapes].key = key;
			jp->shapes[jp->nshapes++].o = o;
		} else
			fresh = o;
	}
	/*
	 * A failure leaves a cached object half filled; it is never used
	 * again, as the writer's error ends the run.
	 */
	rc = json_probe_fill(o, p);
	if (rc == 0)
		rc = json_dump_callback(o, lb_dump, lb, JSON_FLAGS);
	json_decref(fresh);
	return rc;
}

static json_t *
json_addr(uint32_t addr)
{
	char a[LH_IP4_STRLEN];

	return json_string(lh_ip4_str(addr, a, sizeof(a)));
}

static json_t *
json_flags(uint16_t f)
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
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].bit)
			json_array_append_new(arr, json_string(fl[i].name));
	return arr;
}

/*
 * "as_data": the AS data that judged the trace, in load order: the
 * embedded dataset, each --asmap file (with its format), the image (its
 * dataset and version).  Routes of the first two are matched together by
 * longest prefix; the image answers where none of them has a route.
 */
static json_t *
json_asdata(const struct analysis *an)
{
	json_t *arr = json_array(), *o;
	size_t i;
	int rc = 0;

	for (i = 0; arr != NULL && i < an->nasdata; i++) {
		const struct asmap_layer *l = &an->asdata[i];

		if ((o = json_object()) == NULL) {
			rc = -1;
			break;
		}
		rc |= set_new(o, "kind", json_string(l->kind));
		if (strcmp(l->kind, "asmap") == 0) {
			rc |= set_new(o, "file", json_string(l->name));
			rc |= set_new(o, "format", json_string(l->format));
		} else {
			rc |= set_new(o, "name", json_string(l->name));
			rc |= set_new(o, "version", json_string(l->version));
		}
		rc |= json_array_append_new(arr, o);
	}
	if (rc != 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* {"asn": 4837, "name": "CHINA UNICOM China169 Backbone"}; null for none. */
static json_t *
json_vnet(const struct vnet *n)
{
	json_t *o;

	if (n->asn == 0 && n->name[0] == '\0')
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	if (set_new(o, "asn", n->asn ? json_integer(n->asn) : json_null()) ||
	    set_new(o, "name", json_string(n->name))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "borders": each step from one network into the next (analysis.h). */
static json_t *
json_borders(const struct analysis *an)
{
	json_t *arr = json_array(), *b;
	size_t i;
	int rc = 0;

	for (i = 0; arr != NULL && i < an->nborders; i++) {
		const struct border *x = &an->borders[i];

		if ((b = json_object()) == NULL) {
			rc = -1;
			break;
		}
		rc |= set_new(b, "from_ttl", x->from_ttl ?
		    json_integer(x->from_ttl) : json_null());
		rc |= set_new(b, "from_addr", x->from_ttl ?
		    json_addr(x->from_addr) : json_null());
		rc |= set_new(b, "from_asn", x->from_asn ?
		    json_integer(x->from_asn) : json_null());
		rc |= set_new(b, "to_ttl", json_integer(x->to_ttl));
		rc |= set_new(b, "to_addr", json_addr(x->to_addr));
		rc |= set_new(b, "to_asn", x->to_asn ?
		    json_integer(x->to_asn) : json_null());
		rc |= set_new(b, "rule", json_string(border_rule_name(
		    (enum border_rule)x->rule)));
		rc |= set_new(b, "handoff", json_boolean(x->handoff));
		rc |= json_array_append_new(arr, b);
	}
	if (rc != 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* verdict "departure": the baseline's hop today's trace departs from. */
static json_t *
json_departure(const struct verdict *v)
{
	json_t *d;
	int rc = 0;

	if (v->depart_ttl == 0 || bkind_name(v->depart_kind) == NULL)
		return json_null();
	if ((d = json_object()) == NULL)
		return NULL;
	rc |= set_new(d, "ttl", json_integer(v->depart_ttl));
	rc |= set_new(d, "addr", json_addr(v->depart_addr));
	rc |= set_new(d, "was", json_string(bkind_name(v->depart_kind)));
	rc |= set_new(d, "network", json_vnet(&v->depart_net));
	if (v->depart_kind == BK_NB_BORDER)
		rc |= set_new(d, "numbered_from", json_vnet(&v->depart_space));
	if (rc != 0) {
		json_decref(d);
		return NULL;
	}
	return d;
}

/* verdict "loop": the routers of a routing loop. */
static json_t *
json_loop(const struct verdict *v)
{
	json_t *lo = json_object(), *rs = json_array(), *r;
	size_t i;
	int rc = lo == NULL || rs == NULL ? -1 : 0;

	for (i = 0; rc == 0 && i < v->nloop && i < V_LOOP_MAX; i++) {
		if ((r = json_object()) == NULL) {
			rc = -1;
			break;
		}
		rc |= set_new(r, "ttl", json_integer(v->loop[i].ttl));
		rc |= set_new(r, "addr", json_addr(v->loop[i].addr));
		rc |= set_new(r, "asn", v->loop[i].asn ?
		    json_integer(v->loop[i].asn) : json_null());
		rc |= set_new(r, "role", json_string(role_name(
		    (enum role)v->loop[i].role)));
		rc |= json_array_append_new(rs, r);
	}
	if (rc == 0) {
		rc |= set_new(lo, "from_ttl", json_integer(v->loop_from));
		rc |= set_new(lo, "to_ttl", json_integer(v->loop_to));
		rc |= json_object_set_new(lo, "routers", rs);
		rs = NULL;
		rc |= set_new(lo, "more", json_integer(v->loop_more));
	}
	json_decref(rs);
	if (rc != 0) {
		json_decref(lo);
		return NULL;
	}
	return lo;
}

/* A trace's "verdict" object. */
static json_t *
json_verdict(const struct analysis *an, const struct trace *t)
{
	const struct verdict *v = &an->v;
	const struct annot *la;
	json_t *vo = json_object();
	char buf[VT_MAX];
	int rc = 0;

	if (vo == NULL)
		return NULL;
	rc |= set_new(vo, "outcome", json_string(outcome_name(v->outcome)));
	rc |= set_new(vo, "where", where_name(v->where) ?
	    json_string(where_name(v->where)) : json_null());
	if (v->cand[0] != WH_NONE) {
		json_t *c = json_array();

		if (c != NULL) {
			json_array_append_new(c, json_string(where_name(v->cand[0])));
			json_array_append_new(c, json_string(where_name(v->cand[1])));
		}
		rc |= set_new(vo, "candidates", c);
	}
	if (v->has_last) {
		json_t *lh = json_object();

		la = analysis_annot(an, v->last_addr);
		if (lh == NULL) {
			json_decref(vo);
			return NULL;
		}
		rc |= set_new(lh, "ttl", json_integer(v->last_ttl));
		rc |= set_new(lh, "addr", json_addr(v->last_addr));
		rc |= set_new(lh, "asn", la && la->asn ? json_integer(la->asn) :
		    json_null());
		rc |= set_new(lh, "org", json_string(la ? la->org : ""));
		rc |= set_new(vo, "last_hop", lh);
	} else
		rc |= set_new(vo, "last_hop", json_null());
	rc |= set_new(vo, "reason", json_string(reason_name(v->reason)));
	if (v->reason == VR_UNREACHABLE)
		rc |= set_new(vo, "icmp_code", json_integer(v->unreach_code));
	rc |= set_new(vo, "rate_limited", json_boolean(v->rate_limited));
	if (v->flags & VF_AMB_DST)
		rc |= set_new(vo, "ambiguous_destination", json_true());
	rc |= set_new(vo, "network", v->outcome == OUT_DIED ?
	    json_vnet(&v->net) : json_null());
	if (v->used_baseline) {
		rc |= set_new(vo, "baseline_departs_at", v->depart_ttl ?
		    json_integer(v->depart_ttl) : json_null());
		rc |= set_new(vo, "departure", json_departure(v));
	}
	if (v->reason == VR_LOOP && v->nloop > 0)
		rc |= set_new(vo, "loop", json_loop(v));
	rc |= set_new(vo, "detail", json_string(vt_detail(an, t, buf,
	    sizeof(buf))));
	if (rc != 0) {
		json_decref(vo);
		return NULL;
	}
	return vo;
}

/* Network annotations, handoff and verdict of one trace. */
static int
json_analysis(json_t *o, const struct trace *t)
{
	const struct analysis *an = t->an;
	json_t *nets = json_array(), *ups = json_array(), *ho, *n;
	char pfx[24], a[LH_IP4_STRLEN];
	size_t i;
	int rc = 0;

	if (nets == NULL || ups == NULL) {
		json_decref(nets);
		json_decref(ups);
		return -1;
	}
	for (i = 0; i < an->nannots; i++) {
		const struct annot *x = &an->annots[i];

		n = json_object();
		if (n == NULL) {
			rc = -1;
			break;
		}
		rc |= set_new(n, "addr", json_addr(x->addr));
		if (x->name != NULL)
			rc |= set_new(n, "name", json_string(x->name));
		rc |= set_new(n, "asn", x->asn ? json_integer(x->asn) : json_null());
		if (x->hinted)
			rc |= set_new(n, "from_name_hint", json_true());
		rc |= set_new(n, "as_name", json_string(x->as_name));
		rc |= set_new(n, "org", json_string(x->org));
		rc |= set_new(n, "country", json_string(x->cc));
		if (x->len > 0 || x->asn != 0) {
			snprintf(pfx, sizeof(pfx), "%s/%u",
			    lh_ip4_str(x->prefix, a, sizeof(a)), x->len);
			rc |= set_new(n, "prefix", json_string(pfx));
		}
		rc |= set_new(n, "role", json_string(role_name(x->role)));
		rc |= set_new(n, "flags", json_flags(x->flags));
		if (x->note != NULL)
			rc |= set_new(n, "note", json_string(x->note));
		rc |= json_array_append_new(nets, n);
	}
	rc |= set_new(o, "networks", nets);
	if (an->asdata != NULL)
		rc |= set_new(o, "as_data", json_asdata(an));
	rc |= set_new(o, "target_asn",
	    an->target_asn ? json_integer(an->target_asn) : json_null());
	for (i = 0; i < an->nupstreams; i++)
		rc |= json_array_append_new(ups, json_integer(an->upstreams[i]));
	rc |= set_new(o, "upstream_asns", ups);
	rc |= set_new(o, "upstream_source", an->upstream_source ?
	    json_string(an->upstream_source) : json_null());
	if (an->has_handoff) {
		char hd[VT_MAX];

		ho = json_object();
		if (ho == NULL)
			return -1;
		if (an->ho_up_ttl) {
			rc |= set_new(ho, "upstream_ttl", json_integer(an->ho_up_ttl));
			rc |= set_new(ho, "upstream_addr", json_addr(an->ho_up_addr));
		}
		rc |= set_new(ho, "target_ttl", json_integer(an->ho_in_ttl));
		rc |= set_new(ho, "target_addr", json_addr(an->ho_in_addr));
		rc |= set_new(ho, "rule", json_string(ho_rule_name(an->ho_rule)));
		rc |= set_new(ho, "detail", json_string(vt_handoff(an, hd,
		    sizeof(hd))));
		rc |= set_new(o, "handoff", ho);
	} else
		rc |= set_new(o, "handoff", json_null());
	rc |= set_new(o, "borders", json_borders(an));
	if (an->borders_more > 0)
		rc |= set_new(o, "borders_more",
		    json_integer((json_int_t)an->borders_more));
	rc |= set_new(o, "verdict", json_verdict(an, t));
	return rc;
}

/* A trace's keys before its hops. */
static json_t *
json_trace_head(const struct trace *t)
{
	json_t *o = json_object();
	char a[LH_IP4_STRLEN], tb[40];
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= set_new(o, "src", json_string(lh_ip4_str(t->src, a, sizeof(a))));
	rc |= set_new(o, "dst", json_string(lh_ip4_str(t->dst, a, sizeof(a))));
	rc |= set_new(o, "method", json_string(method_name(t->method)));
	if (t->own)
		rc |= set_new(o, "tool", json_string("lasthop"));
	rc |= set_new(o, "stop_reason", json_string(stop_name(t->stop)));
	rc |= set_new(o, "file", json_string(t->file ? t->file : "-"));
	rc |= set_new(o, "start", json_string(fmt_time(t->first_ns, tb,
	    sizeof(tb))));
	if (t->proto == IPPROTO_ICMP)
		rc |= set_new(o, "icmp_id", json_integer(t->echo_id));
	else if (t->has_flow) {
		rc |= set_new(o, "sport", json_integer(t->flow_sport));
		rc |= set_new(o, "dport", json_integer(t->flow_dport));
	}
	rc |= set_new(o, "probes_sent", json_integer((json_int_t)t->nprobes));
	rc |= set_new(o, "replies", json_integer((json_int_t)t->replies));
	rc |= set_new(o, "duplicates", json_integer((json_int_t)t->dups));
	rc |= set_new(o, "late", json_integer((json_int_t)t->late));
	rc |= set_new(o, "nat_matched", json_integer((json_int_t)t->nat_matched));
	rc |= set_new(o, "unmatched_replies", json_integer((json_int_t)t->orphans));
	rc |= set_new(o, "ambiguous_replies", json_integer((json_int_t)t->ambiguous));
	rc |= set_new(o, "probes_over_limit", json_integer((json_int_t)t->dropped));
	rc |= set_new(o, "probes_past_end",
	    json_integer((json_int_t)t->past_dst));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * One trace object: {head, "hops": [{"ttl": N, "probes": [...]}, ...],
 * analysis}.  jansson dumps the head, each probe and the analysis (the two
 * objects without their braces, JSON_EMBED); the hops' few punctuation
 * bytes are written here.  The same bytes as dumping one object holding
 * all of it.
 */
static int
json_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	struct json_priv *jp = w->priv;
	json_t *head, *tail = NULL;
	struct lbuf lb;
	size_t h, i;
	int rc;

	if (destsum_add(jp->dests, w->ntraces, t) != 0)
		return lh_err(err, errlen, "out of memory");
	head = json_trace_head(t);
	if (head != NULL && t->an != NULL &&
	    ((tail = json_object()) == NULL || json_analysis(tail, t) != 0)) {
		json_decref(head);
		head = NULL;
	}
	if (head == NULL) {
		json_decref(tail);
		return lh_err(err, errlen, "out of memory");
	}
	lb.fp = w->fp;
	lb.n = 0;
	if (w->ntraces++)
		LB_LIT(&lb, ",\n  {");
	else
		LB_LIT(&lb, "\n  {");
	rc = json_dump_callback(head, lb_dump, &lb, JSON_FLAGS | JSON_EMBED);
	LB_LIT(&lb, ",\"hops\":[");
	for (h = 0; rc == 0 && h < t->nhops; h++) {
		if (h > 0)
			LB_LIT(&lb, ",");
		LB_LIT(&lb, "{\"ttl\":");
		lb_u64(&lb, t->hops[h].ttl);
		LB_LIT(&lb, ",\"probes\":[");
		for (i = 0; rc == 0 && i < t->hops[h].n; i++) {
			if (i > 0)
				LB_LIT(&lb, ",");
			rc = json_probe(jp, &t->probes[t->hops[h].first + i],
			    &lb);
		}
		LB_LIT(&lb, "]}");
	}
	LB_LIT(&lb, "]");
	if (rc == 0 && tail != NULL) {
		LB_LIT(&lb, ",");
		rc = json_dump_callback(tail, lb_dump, &lb,
		    JSON_FLAGS | JSON_EMBED);
	}
	LB_LIT(&lb, "}");
	lb_flush(&lb);
	json_decref(head);
	json_decref(tail);
	if (rc != 0)
		return lh_err(err, errlen, "out of memory");
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
	json_t *o;

	o = json_pack("{s:s,s:s,s:I,s:{s:I,s:I,s:I,s:I,s:I},s:I,s:I,s:I,s:I,"
	    "s:I,s:I,s:I,s:b}",
	    "path", fs->path, "reader", fs->reader,
	    "frames", (json_int_t)st->frames,
	    "ignored",
	    "not_ipv4", (json_int_t)st->not_ip,
	    "truncated", (json_int_t)st->truncated,
	    "malformed", (json_int_t)st->malformed,
	    "fragments", (json_int_t)st->fragments,
	    "link_type", (json_int_t)st->bad_linktype,
	    "probes", (json_int_t)st->probes,
	    "replies_matched", (json_int_t)st->matched,
	    "duplicates", (json_int_t)st->dups,
	    "unmatched_replies", (json_int_t)st->orphans,
	    "ambiguous_replies", (json_int_t)st->ambiguous,
	    "rejected_replies", (json_int_t)st->rejected,
	    "traces", (json_int_t)st->traces,
	    "complete", fs->warning == NULL);
	if (o == NULL)
		return lh_err(err, errlen, "out of memory");
	if (fs->warning != NULL &&
	    json_object_set_new(o, "warning", json_string(fs->warning)) != 0) {
		json_decref(o);
		return lh_err(err, errlen, "out of memory");
	}
	if (json_array_append_new(jp->files, o) != 0)
		return lh_err(err, errlen, "out of memory");
	return 0;
}

/* A destination's combined verdict (destsum.h). */
static json_t *
json_dest_verdict(const struct dest_entry *e)
{
	struct dest_verdict dv;
	json_t *vo, *at;
	char buf[256];
	unsigned w;
	int rc = 0;

	if (destsum_verdict(e, &dv) != 0)
		return json_null();
	if ((vo = json_object()) == NULL)
		return NULL;
	rc |= set_new(vo, "outcome", json_string(outcome_name(dv.outcome)));
	rc |= set_new(vo, "where", where_name(dv.where) ?
	    json_string(where_name(dv.where)) : json_null());
	if (dv.outcome == OUT_DIED && dv.where == WH_NONE &&
	    where_name(dv.cand[0]) != NULL && where_name(dv.cand[1]) != NULL) {
		json_t *c = json_array();

		if (c != NULL) {
			json_array_append_new(c, json_string(where_name(dv.cand[0])));
			json_array_append_new(c, json_string(where_name(dv.cand[1])));
		}
		rc |= set_new(vo, "candidates", c);
	}
	rc |= set_new(vo, "agree", json_boolean(dv.agree));
	rc |= set_new(vo, "traces_reached", json_integer(dv.reached));
	rc |= set_new(vo, "traces_died", json_integer(dv.died));
	rc |= set_new(vo, "traces_incomplete", json_integer(dv.incomplete));
	rc |= set_new(vo, "traces_no_data", json_integer(dv.nodata));
	if ((at = json_object()) != NULL) {
		for (w = WH_TRANSIT; w <= WH_TARGET; w++)
			if (dv.died_at[w] > 0)
				rc |= set_new(at, where_name((enum where)w),
				    json_integer(dv.died_at[w]));
		if (dv.died_at[WH_NONE] > 0)
			rc |= set_new(at, "undecided",
			    json_integer(dv.died_at[WH_NONE]));
	}
	rc |= set_new(vo, "died_at", at);
	rc |= set_new(vo, "detail", json_string(vt_dest_detail(&dv, buf,
	    sizeof(buf))));
	if (rc != 0) {
		json_decref(vo);
		return NULL;
	}
	return vo;
}

/* One element of "destinations": {src, dst, traces, verdict}. */
static json_t *
json_destination(const struct dest_entry *e)
{
	json_t *d = json_object(), *ix = json_array();
	char a[LH_IP4_STRLEN];
	uint64_t x;
	size_t k;
	int rc = d == NULL || ix == NULL ? -1 : 0;

	for (k = 0; rc == 0 && k < e->nranges; k++)
		for (x = e->ranges[k][0]; rc == 0 && x <= e->ranges[k][1]; x++)
			rc = json_array_append_new(ix, json_integer((json_int_t)x));
	if (rc == 0) {
		rc |= set_new(d, "src", json_string(lh_ip4_str(e->src, a,
		    sizeof(a))));
		rc |= set_new(d, "dst", json_string(lh_ip4_str(e->dst, a,
		    sizeof(a))));
		rc |= json_object_set_new(d, "traces", ix);
		ix = NULL;
		rc |= set_new(d, "verdict", json_dest_verdict(e));
	}
	json_decref(ix);
	if (rc != 0) {
		json_decref(d);
		return NULL;
	}
	return d;
}

/*
 * "destinations", written one element at a time: a sweep has thousands,
 * and the writer keeps no tree of them.
 */
static int
json_destinations(struct writer *w, const struct destsum *ds, char *err,
    size_t errlen)
{
	json_t *d;
	size_t i;
	int rc;

	fputs(", \"destinations\": [", w->fp);
	for (i = 0; i < destsum_count(ds); i++) {
		if ((d = json_destination(destsum_get(ds, i))) == NULL)
			return lh_err(err, errlen, "out of memory");
		if (i > 0)
			fputc(',', w->fp);
		rc = dump(d, w->fp);
		json_decref(d);
		if (rc != 0)
			return lh_err(err, errlen, "write error");
	}
	fputc(']', w->fp);
	return 0;
}

static int
json_end(struct writer *w, char *err, size_t errlen)
{
	struct json_priv *jp = w->priv;

	fputs(w->ntraces ? "\n], \"files\": " : "], \"files\": ", w->fp);
	if (dump(jp->files, w->fp) != 0)
		return lh_err(err, errlen, "write error");
	if (json_destinations(w, jp->dests, err, errlen) != 0)
		return -1;
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
		json_decref(jp->files);
		destsum_free(jp->dests);
		while (jp->nshapes > 0)
			json_decref(jp->shapes[--jp->nshapes].o);
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
