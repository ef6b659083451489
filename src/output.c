/* output.c: the text (traceroute-style) and JSON writers of the path model. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "analysis.h"
#include "diagram.h"
#include "lh.h"
#include "output.h"

const char *
fmt_time(int64_t ns, char *buf, size_t buflen)
{
	time_t sec = (time_t)(ns / 1000000000);
	long us = (long)((ns % 1000000000) / 1000);
	struct tm tm;

	if (us < 0) {
		us += 1000000;
		sec--;
	}
	if (gmtime_r(&sec, &tm) == NULL) {
		snprintf(buf, buflen, "?");
		return buf;
	}
	snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, us);
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
		return unreach_annotation(p->rcode, buf, buflen);
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
	(void)w;
	(void)err;
	(void)errlen;
	return 0;
}

static void
text_flow(FILE *fp, const struct trace *t)
{
	if (t->proto == 1 && t->echo_id != 0)
		fprintf(fp, ", icmp id %u", t->echo_id);
	else if (t->has_flow)
		fprintf(fp, ", ports %u > %u", t->flow_sport, t->flow_dport);
}

/* A line being built; flushed early when a hop has very many probes. */
struct lbuf {
	char	b[2048];
	size_t	n;
};

#define LB_ROOM	256	/* the most one probe's text can take */

static void
lb_str(struct lbuf *lb, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(lb->b) - lb->n)
		n = sizeof(lb->b) - lb->n;
	memcpy(lb->b + lb->n, s, n);
	lb->n += n;
}

static void
lb_u64(struct lbuf *lb, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (sizeof(tmp) - i <= sizeof(lb->b) - lb->n) {
		memcpy(lb->b + lb->n, tmp + i, sizeof(tmp) - i);
		lb->n += sizeof(tmp) - i;
	}
}

/* Three digits with leading zeros (v < 1000). */
static void
lb_u64_3(struct lbuf *lb, unsigned v)
{
	char tmp[4] = { (char)('0' + v / 100 % 10), (char)('0' + v / 10 % 10),
	    (char)('0' + v % 10), '\0' };

	lb_str(lb, tmp);
}

static void
lb_room(struct lbuf *lb, FILE *fp)
{
	if (sizeof(lb->b) - lb->n < LB_ROOM) {
		fwrite(lb->b, 1, lb->n, fp);
		lb->n = 0;
	}
}

/* Consecutive hops in one network, e.g. "3-4 AS4837 CHINA169-BACKBONE". */
static void
text_bands(FILE *fp, const struct trace *t)
{
	const struct annot *a, *cur = NULL;
	size_t h, i;
	unsigned from = 0, to = 0;
	int first = 1;

	fputs("   networks:", fp);
	for (h = 0; h <= t->nhops; h++) {
		a = NULL;
		for (i = 0; h < t->nhops && i < t->hops[h].n; i++) {
			const struct probe *p = &t->probes[t->hops[h].first + i];

			if (p->rkind != RK_NONE) {
				a = analysis_annot(t->an, p->raddr);
				break;
			}
		}
		if (h < t->nhops && a == NULL)
			continue;	/* silent hops do not break a band */
		if (cur != NULL && a != NULL && a->asn == cur->asn &&
		    a->role == cur->role && h < t->nhops) {
			to = t->hops[h].ttl;
			continue;
		}
		if (cur != NULL) {
			fprintf(fp, "%s %u", first ? "" : ";", from);
			if (to != from)
				fprintf(fp, "-%u", to);
			if (cur->asn != 0)
				fprintf(fp, " AS%u%s%s", cur->asn,
				    cur->as_name[0] ? " " : "", cur->as_name);
			fprintf(fp, " (%s)", role_name(cur->role));
			first = 0;
		}
		if (h < t->nhops) {
			cur = a;
			from = to = t->hops[h].ttl;
		}
	}
	fputc('\n', fp);
}

static void
text_analysis(FILE *fp, const struct trace *t)
{
	const struct analysis *an = t->an;
	const struct verdict *v = &an->v;
	char a[LH_IP4_STRLEN], b[LH_IP4_STRLEN];

	text_bands(fp, t);
	if (an->has_handoff) {
		fputs("   handoff:", fp);
		if (an->ho_up_ttl)
			fprintf(fp, " hop %u %s ->", an->ho_up_ttl,
			    lh_ip4_str(an->ho_up_addr, a, sizeof(a)));
		fprintf(fp, " hop %u %s (%s)\n", an->ho_in_ttl,
		    lh_ip4_str(an->ho_in_addr, b, sizeof(b)), an->ho_rule);
	}
	fprintf(fp, "   verdict: %s", outcome_name(v->outcome));
	if (where_name(v->where) != NULL)
		fprintf(fp, " at %s", where_name(v->where));
	else if (v->cand[0] != WH_NONE)
		fprintf(fp, " in %s or at %s", where_name(v->cand[0]),
		    where_name(v->cand[1]));
	if (v->outcome == OUT_DIED)
		fprintf(fp, " (%s)", v->reason);
	fprintf(fp, "\n   %s\n", v->detail);
}

static int
text_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	FILE *fp = w->fp;
	char a[LH_IP4_STRLEN], b[LH_IP4_STRLEN], tb[40], mb[16];
	const char *mark;
	size_t h, i, k;
	uint32_t shown;
	int any;
	struct lbuf lb;

	w->ntraces++;
	if (w->ntraces > 1)
		fputc('\n', fp);
	/* 0.0.0.0: not known (pasted text may name neither end). */
	fprintf(fp, "trace %u: %s -> %s, %s", w->ntraces,
	    t->src ? lh_ip4_str(t->src, a, sizeof(a)) : "?",
	    t->dst ? lh_ip4_str(t->dst, b, sizeof(b)) : "?",
	    method_name(t->method));
	text_flow(fp, t);
	fprintf(fp, ", %s, %s\n", t->file ? t->file : "-",
	    fmt_time(t->first_ns, tb, sizeof(tb)));
	for (h = 0; h < t->nhops; h++) {
		const struct hop *hp = &t->hops[h];

		/* The hot loop of a replay: formatted by hand, one write a line. */
		lb.n = 0;
		if (hp->ttl < 10)
			lb_str(&lb, " ");
		lb_u64(&lb, hp->ttl);
		lb_str(&lb, " ");
		shown = 0;
		any = 0;
		for (i = 0; i < hp->n; i++) {
			const struct probe *p = &t->probes[hp->first + i];

			lb_room(&lb, fp);
			if (p->rkind == RK_NONE) {
				lb_str(&lb, " *");
				continue;
			}
			if (!any || p->raddr != shown) {
				const struct annot *an =
				    analysis_annot(t->an, p->raddr);

				lb_str(&lb, " ");
				if (an != NULL && an->name != NULL) {
					lb_str(&lb, an->name);
					lb_str(&lb, " (");
				}
				lb_str(&lb, lh_ip4_str(p->raddr, a, sizeof(a)));
				if (an != NULL && an->name != NULL)
					lb_str(&lb, ")");
				if (an != NULL && an->asn != 0) {
					lb_str(&lb, " [AS");
					lb_u64(&lb, an->asn);
					lb_str(&lb, "]");
				}
				for (k = 0; k < p->nmpls; k++) {
					lb_str(&lb, " <MPLS:L=");
					lb_u64(&lb, p->mpls[k] >> 12);
					lb_str(&lb, ",E=");
					lb_u64(&lb, (p->mpls[k] >> 9) & 7);
					lb_str(&lb, ",S=");
					lb_u64(&lb, (p->mpls[k] >> 8) & 1);
					lb_str(&lb, ",T=");
					lb_u64(&lb, p->mpls[k] & 0xff);
					lb_str(&lb, ">");
				}
				shown = p->raddr;
				any = 1;
			}
			/* The digits of %.3f, from whole microseconds. */
			lb_str(&lb, "  ");
			lb_u64(&lb, (uint64_t)(rtt_us(p) / 1000));
			lb_str(&lb, ".");
			lb_u64_3(&lb, (unsigned)(rtt_us(p) % 1000));
			lb_str(&lb, " ms");
			mark = reply_mark(p, mb, sizeof(mb));
			if (*mark) {
				lb_str(&lb, " ");
				lb_str(&lb, mark);
			}
			if (p->late)
				lb_str(&lb, " (late)");
			if (p->nat)
				lb_str(&lb, " (nat)");
			if (p->dups) {
				lb_str(&lb, " (dup x");
				lb_u64(&lb, p->dups);
				lb_str(&lb, ")");
			}
		}
		lb_str(&lb, "\n");
		fwrite(lb.b, 1, lb.n, fp);
	}
	fprintf(fp, "   stop: %s; %zu probes, %" PRIu64 " answered",
	    stop_name(t->stop), t->nprobes, t->replies);
	if (t->past_dst)
		fprintf(fp, ", %" PRIu64 " past the end of the path", t->past_dst);
	if (t->dups)
		fprintf(fp, ", %" PRIu64 " duplicate", t->dups);
	if (t->late)
		fprintf(fp, ", %" PRIu64 " late", t->late);
	if (t->orphans)
		fprintf(fp, ", %" PRIu64 " unmatched", t->orphans);
	if (t->ambiguous)
		fprintf(fp, ", %" PRIu64 " ambiguous", t->ambiguous);
	if (t->dropped)
		fprintf(fp, ", %" PRIu64 " over the probe limit", t->dropped);
	fputc('\n', fp);
	if (t->an != NULL)
		text_analysis(fp, t);
	if (ferror(fp))
		return lh_err(err, errlen, "write error");
	return 0;
}

static int
text_file_done(struct writer *w, const struct file_summary *fs, char *err,
    size_t errlen)
{
	(void)w;
	(void)fs;
	(void)err;
	(void)errlen;
	return 0;
}

static int
text_end(struct writer *w, char *err, size_t errlen)
{
	if (w->ntraces == 0)
		fputs("no traceroute traffic found\n", w->fp);
	if (fflush(w->fp) != 0 || ferror(w->fp))
		return lh_err(err, errlen, "write error");
	return 0;
}

static void
text_free(struct writer *w)
{
	(void)w;
}

static const struct writer_ops text_ops = {
	.name = "text",
	.begin = text_begin,
	.trace = text_trace,
	.file_done = text_file_done,
	.end = text_end,
	.free = text_free,
};

/* ---- JSON ---- */

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

struct json_priv {
	json_t	*files;
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

static int
set_new(json_t *o, const char *k, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, k, v);
}

static int
json_begin(struct writer *w, char *err, size_t errlen)
{
	struct json_priv *jp = calloc(1, sizeof(*jp));

	if (jp == NULL || (jp->files = json_array()) == NULL) {
		free(jp);
		return lh_err(err, errlen, "out of memory");
	}
	w->priv = jp;
	fprintf(w->fp, "{\"lasthop\": \"%s\", \"schema\": %d, \"traces\": [",
	    LASTHOP_VERSION, LH_JSON_SCHEMA);
	return 0;
}

static json_t *
json_probe(const struct probe *p)
{
	json_t *o = json_object(), *m;
	char a[LH_IP4_STRLEN], tb[40], mb[16];
	const char *mark;
	size_t k;
	int rc = 0;

	if (o == NULL)
		return NULL;
	if (p->rkind == RK_NONE) {
		rc |= json_object_set_new(o, "addr", json_null());
		rc |= json_object_set_new(o, "rtt_ms", json_null());
	} else {
		rc |= set_new(o, "addr", json_string(lh_ip4_str(p->raddr, a,
		    sizeof(a))));
		rc |= set_new(o, "rtt_ms", json_real(rtt_ms(p)));
		rc |= set_new(o, "reply", json_string(reply_kind_name(p->rkind)));
		if (p->rkind <= RK_ECHO_REPLY) {	/* ICMP */
			rc |= set_new(o, "icmp_type", json_integer(p->rtype));
			rc |= set_new(o, "icmp_code", json_integer(p->rcode));
		}
		if (p->rkind >= RK_TCP_SYNACK && p->rkind <= RK_TCP_OTHER)
			rc |= set_new(o, "tcp_flags", json_integer(p->rtcpflags));
		mark = reply_mark(p, mb, sizeof(mb));
		if (*mark)
			rc |= set_new(o, "annotation", json_string(mark));
		rc |= set_new(o, "reply_ttl", json_integer(p->rttl));
		if (p->rkind < RK_ECHO_REPLY)
			rc |= set_new(o, "quoted_ttl", json_integer(p->qttl));
		rc |= set_new(o, "reply_size", json_integer(p->rsize));
		if (p->nmpls > 0) {
			m = json_array();
			for (k = 0; m != NULL && k < p->nmpls; k++)
				rc |= json_array_append_new(m, json_pack(
				    "{s:I,s:i,s:i,s:i}",
				    "label", (json_int_t)(p->mpls[k] >> 12),
				    "tc", (int)((p->mpls[k] >> 9) & 7),
				    "s", (int)((p->mpls[k] >> 8) & 1),
				    "ttl", (int)(p->mpls[k] & 0xff)));
			rc |= set_new(o, "mpls", m);
		}
		if (p->late)
			rc |= set_new(o, "late", json_true());
		if (p->nat)
			rc |= set_new(o, "nat", json_true());
		if (p->dups)
			rc |= set_new(o, "dups", json_integer(p->dups));
	}
	rc |= set_new(o, "sent", json_string(fmt_time(p->tx_ns, tb, sizeof(tb))));
	rc |= set_new(o, "ipid", json_integer(p->ipid));
	rc |= set_new(o, "size", json_integer(p->size));
	rc |= set_new(o, "sport", json_integer(p->sport));
	rc |= set_new(o, "dport", json_integer(p->dport));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
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

/* Network annotations, handoff and verdict of one trace. */
static int
json_analysis(json_t *o, const struct trace *t)
{
	const struct analysis *an = t->an;
	const struct verdict *v = &an->v;
	const struct annot *la;
	json_t *nets = json_array(), *ups = json_array(), *vo, *ho, *n;
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
	rc |= set_new(o, "target_asn",
	    an->target_asn ? json_integer(an->target_asn) : json_null());
	for (i = 0; i < an->nupstreams; i++)
		rc |= json_array_append_new(ups, json_integer(an->upstreams[i]));
	rc |= set_new(o, "upstream_asns", ups);
	rc |= set_new(o, "upstream_source", an->upstream_source ?
	    json_string(an->upstream_source) : json_null());
	if (an->has_handoff) {
		ho = json_object();
		if (ho == NULL)
			return -1;
		if (an->ho_up_ttl) {
			rc |= set_new(ho, "upstream_ttl", json_integer(an->ho_up_ttl));
			rc |= set_new(ho, "upstream_addr", json_addr(an->ho_up_addr));
		}
		rc |= set_new(ho, "target_ttl", json_integer(an->ho_in_ttl));
		rc |= set_new(ho, "target_addr", json_addr(an->ho_in_addr));
		rc |= set_new(ho, "rule", json_string(an->ho_rule));
		rc |= set_new(ho, "detail", json_string(an->ho_detail));
		rc |= set_new(o, "handoff", ho);
	} else
		rc |= set_new(o, "handoff", json_null());

	vo = json_object();
	if (vo == NULL)
		return -1;
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
		if (lh == NULL)
			return -1;
		rc |= set_new(lh, "ttl", json_integer(v->last_ttl));
		rc |= set_new(lh, "addr", json_addr(v->last_addr));
		rc |= set_new(lh, "asn", la && la->asn ? json_integer(la->asn) :
		    json_null());
		rc |= set_new(lh, "org", json_string(la ? la->org : ""));
		rc |= set_new(vo, "last_hop", lh);
	} else
		rc |= set_new(vo, "last_hop", json_null());
	rc |= set_new(vo, "reason", json_string(v->reason));
	if (strcmp(v->reason, "unreachable") == 0)
		rc |= set_new(vo, "icmp_code", json_integer(v->unreach_code));
	rc |= set_new(vo, "rate_limited", json_boolean(v->rate_limited));
	if (v->used_baseline)
		rc |= set_new(vo, "baseline_departs_at", v->depart_ttl ?
		    json_integer(v->depart_ttl) : json_null());
	rc |= set_new(vo, "detail", json_string(v->detail));
	rc |= set_new(o, "verdict", vo);
	return rc;
}

static json_t *
json_trace_obj(const struct trace *t)
{
	json_t *o = json_object(), *hops = json_array(), *hj, *pj;
	char a[LH_IP4_STRLEN], tb[40];
	size_t h, i;
	int rc = 0;

	if (o == NULL || hops == NULL) {
		json_decref(o);
		json_decref(hops);
		return NULL;
	}
	rc |= set_new(o, "src", json_string(lh_ip4_str(t->src, a, sizeof(a))));
	rc |= set_new(o, "dst", json_string(lh_ip4_str(t->dst, a, sizeof(a))));
	rc |= set_new(o, "method", json_string(method_name(t->method)));
	if (t->own)
		rc |= set_new(o, "tool", json_string("lasthop"));
	rc |= set_new(o, "stop_reason", json_string(stop_name(t->stop)));
	rc |= set_new(o, "file", json_string(t->file ? t->file : "-"));
	rc |= set_new(o, "start", json_string(fmt_time(t->first_ns, tb,
	    sizeof(tb))));
	if (t->proto == 1)
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
	for (h = 0; h < t->nhops; h++) {
		json_t *pa = json_array();

		hj = json_object();
		if (hj == NULL || pa == NULL) {
			json_decref(hj);
			json_decref(pa);
			rc = -1;
			break;
		}
		for (i = 0; i < t->hops[h].n; i++) {
			pj = json_probe(&t->probes[t->hops[h].first + i]);
			rc |= pj == NULL ? -1 : json_array_append_new(pa, pj);
		}
		rc |= set_new(hj, "ttl", json_integer(t->hops[h].ttl));
		rc |= set_new(hj, "probes", pa);
		rc |= json_array_append_new(hops, hj);
	}
	rc |= set_new(o, "hops", hops);
	if (t->an != NULL)
		rc |= json_analysis(o, t);
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
json_trace(struct writer *w, const struct trace *t, char *err, size_t errlen)
{
	json_t *o = json_trace_obj(t);

	if (o == NULL)
		return lh_err(err, errlen, "out of memory");
	fputs(w->ntraces++ ? ",\n  " : "\n  ", w->fp);
	if (dump(o, w->fp) != 0) {
		json_decref(o);
		return lh_err(err, errlen, "write error");
	}
	json_decref(o);
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

static int
json_end(struct writer *w, char *err, size_t errlen)
{
	struct json_priv *jp = w->priv;

	fputs(w->ntraces ? "\n], \"files\": " : "], \"files\": ", w->fp);
	if (dump(jp->files, w->fp) != 0)
		return lh_err(err, errlen, "write error");
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
