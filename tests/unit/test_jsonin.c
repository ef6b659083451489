/*
 * test_jsonin.c: lasthop's JSON result read back (jsonin.c).
 *
 * Round trips: lab captures are replayed through the engine and the
 * analysis (with the healthy capture as baseline, as `lasthop replay
 * --baseline` does), written by the json writer, read back, compared field
 * by field, and written again: the JSON and text of the read-back traces
 * must be the bytes of the originals.  Hostile input: a table of broken
 * results, each with the error it must give (file name and JSON path).
 * Run from the top of the source tree (as tests/run-tests.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "annotcmp.h"
#include "asmap.h"
#include "capfile.h"
#include "engine.h"
#include "jsonin.h"
#include "lh.h"
#include "model.h"
#include "output.h"
#include "replay.h"
#include "verdict_text.h"

#define HEALTHY	"captures/peer-traceroute-udp-healthy.pcap"

/* ---- replaying captures, as lasthop replay does ---- */

#define TL_MAX	16

struct tlist {
	struct trace	*t[TL_MAX];
	size_t		 n;
};

static int
collect(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct tlist *l = arg;

	if (l->n == TL_MAX) {
		trace_free(t);
		return lh_err(err, errlen, "too many traces");
	}
	l->t[l->n++] = t;
	return 0;
}

static void
replay(const char *path, struct tlist *l)
{
	struct engine_opts eo;
	struct replay_result res;
	struct capfile *cf;
	char err[LH_ERRLEN], damage[LH_ERRLEN];

	engine_opts_default(&eo);
	eo.file = path;
	if ((cf = capfile_open(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(replay_capfile(cf, &eo, collect, l, &res, damage,
	    sizeof(damage), err, sizeof(err)), 0);
	assert_false(res.damaged);
	capfile_close(cf);
}

static void
tl_free(struct tlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		trace_free(l->t[i]);
	l->n = 0;
}

/* Replay path and analyse it against the healthy baseline. */
static void
replay_analyzed(const char *path, struct tlist *l)
{
	struct tlist base = { .n = 0 };
	struct analysis_opts ao;
	struct asmap *m = asmap_new();
	char err[LH_ERRLEN];
	size_t i;

	assert_non_null(m);
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	replay(HEALTHY, &base);
	assert_true(base.n >= 1);
	replay(path, l);
	memset(&ao, 0, sizeof(ao));
	ao.map = m;
	ao.baseline = base.t[0];
	for (i = 0; i < l->n; i++)
		assert_int_equal(analyze_trace(l->t[i], &ao, err, sizeof(err)),
		    0);
	tl_free(&base);
	asmap_free(m);
}

/* Everything a writer writes for traces t[0..n). */
static char *
write_with(const char *format, struct trace *const *t, size_t n,
    size_t *len)
{
	struct writer w;
	char err[LH_ERRLEN], *buf = NULL;
	size_t i, sz = 0;
	FILE *fp = open_memstream(&buf, &sz);

	assert_non_null(fp);
	memset(&w, 0, sizeof(w));
	w.ops = writer_find(format);
	assert_non_null(w.ops);
	w.fp = fp;
	assert_int_equal(w.ops->begin(&w, err, sizeof(err)), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(w.ops->trace(&w, t[i], err, sizeof(err)), 0);
	assert_int_equal(w.ops->end(&w, err, sizeof(err)), 0);
	w.ops->free(&w);
	assert_int_equal(fclose(fp), 0);
	if (len != NULL)
		*len = sz;
	return buf;
}

/* ---- comparing the model ---- */


static void
same_vnet(const struct vnet *a, const struct vnet *b)
{
	assert_int_equal(a->asn, b->asn);
	assert_string_equal(a->name, b->name);
}

static void
same_analysis(const struct trace *ta, const struct trace *tb)
{
	const struct analysis *a = ta->an, *b = tb->an;
	char x[VT_MAX], y[VT_MAX];
	size_t i;

	assert_int_equal(a->target_asn, b->target_asn);
	assert_int_equal(a->target_nk, b->target_nk);
	assert_int_equal(a->nupstreams, b->nupstreams);
	for (i = 0; i < a->nupstreams; i++)
		assert_int_equal(a->upstreams[i], b->upstreams[i]);
	assert_true((a->upstream_source == NULL) ==
	    (b->upstream_source == NULL));
	if (a->upstream_source != NULL)
		assert_string_equal(a->upstream_source, b->upstream_source);
	/* the AS data that judged it (at least the embedded set) */
	assert_true(a->nasdata >= 1);
	assert_int_equal(a->nasdata, b->nasdata);
	for (i = 0; i < a->nasdata; i++) {
		assert_string_equal(a->asdata[i].kind, b->asdata[i].kind);
		assert_string_equal(a->asdata[i].name, b->asdata[i].name);
		assert_string_equal(a->asdata[i].version,
		    b->asdata[i].version);
		assert_string_equal(a->asdata[i].format, b->asdata[i].format);
	}
	assert_int_equal(a->nannots, b->nannots);
	for (i = 0; i < a->nannots; i++)
		same_annot(&a->annots[i], &b->annots[i],
		    a->annots[i].len > 0 || a->annots[i].asn != 0);
	assert_int_equal(a->has_handoff, b->has_handoff);
	if (a->has_handoff) {
		assert_int_equal(a->ho_up_ttl, b->ho_up_ttl);
		assert_int_equal(a->ho_in_ttl, b->ho_in_ttl);
		if (a->ho_up_ttl)
			assert_int_equal(a->ho_up_addr, b->ho_up_addr);
		assert_int_equal(a->ho_in_addr, b->ho_in_addr);
		assert_int_equal(a->ho_rule, b->ho_rule);
		assert_string_equal(vt_handoff(a, x, sizeof(x)),
		    vt_handoff(b, y, sizeof(y)));
	}
	assert_int_equal(a->nborders, b->nborders);
	assert_int_equal(a->borders_more, b->borders_more);
	for (i = 0; i < a->nborders; i++)
		assert_int_equal(memcmp(&a->borders[i], &b->borders[i],
		    sizeof(a->borders[i])), 0);
	assert_int_equal(a->v.outcome, b->v.outcome);
	assert_int_equal(a->v.where, b->v.where);
	assert_int_equal(a->v.cand[0], b->v.cand[0]);
	assert_int_equal(a->v.cand[1], b->v.cand[1]);
	assert_int_equal(a->v.has_last, b->v.has_last);
	if (a->v.has_last) {
		assert_int_equal(a->v.last_ttl, b->v.last_ttl);
		assert_int_equal(a->v.last_addr, b->v.last_addr);
	}
	assert_int_equal(a->v.reason, b->v.reason);
	assert_int_equal(a->v.flags, b->v.flags);
	if (a->v.reason == VR_UNREACHABLE)
		assert_int_equal(a->v.unreach_code, b->v.unreach_code);
	assert_int_equal(a->v.rate_limited, b->v.rate_limited);
	same_vnet(&a->v.target, &b->v.target);
	if (a->v.outcome == OUT_DIED)
		same_vnet(&a->v.net, &b->v.net);
	assert_int_equal(a->v.used_baseline, b->v.used_baseline);
	assert_int_equal(a->v.depart_ttl, b->v.depart_ttl);
	if (a->v.depart_ttl != 0) {
		assert_int_equal(a->v.depart_kind, b->v.depart_kind);
		assert_int_equal(a->v.depart_addr, b->v.depart_addr);
		same_vnet(&a->v.depart_net, &b->v.depart_net);
	}
	assert_int_equal(a->v.nloop, b->v.nloop);
	for (i = 0; i < a->v.nloop; i++)
		assert_int_equal(memcmp(&a->v.loop[i], &b->v.loop[i],
		    sizeof(a->v.loop[i])), 0);
	assert_string_equal(vt_detail(a, ta, x, sizeof(x)),
	    vt_detail(b, tb, y, sizeof(y)));
}

static void
same_probe(const struct probe *a, const struct probe *b)
{
	size_t k;

	assert_int_equal(a->ttl, b->ttl);
	/* JSON keeps microseconds */
	assert_int_equal(a->tx_ns / 1000, b->tx_ns / 1000);
	assert_int_equal(a->ipid, b->ipid);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->rkind, b->rkind);
	if (a->rkind == RK_NONE)
		return;
	assert_int_equal(a->raddr, b->raddr);
	assert_int_equal((a->rx_ns - a->tx_ns) / 1000,
	    (b->rx_ns - b->tx_ns) / 1000);
	assert_int_equal(a->rttl, b->rttl);
	assert_int_equal(a->rsize, b->rsize);
	assert_int_equal(a->late, b->late);
	assert_int_equal(a->nat, b->nat);
	assert_int_equal(a->dups, b->dups);
	if (a->rkind <= RK_ECHO_REPLY) {
		assert_int_equal(a->rtype, b->rtype);
		assert_int_equal(a->rcode, b->rcode);
	}
	if (a->rkind < RK_ECHO_REPLY)
		assert_int_equal(a->qttl, b->qttl);
	if (a->rkind >= RK_TCP_SYNACK && a->rkind <= RK_TCP_OTHER)
		assert_int_equal(a->rtcpflags, b->rtcpflags);
	assert_int_equal(a->nmpls, b->nmpls);
	for (k = 0; k < a->nmpls; k++)
		assert_int_equal(a->mpls[k], b->mpls[k]);
}

static void
same_trace(const struct trace *a, const struct trace *b)
{
	size_t h, i;

	assert_int_equal(a->src, b->src);
	assert_int_equal(a->dst, b->dst);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->method, b->method);
	assert_int_equal(a->stop, b->stop);
	assert_int_equal(a->has_flow, b->has_flow);
	assert_int_equal(a->own, b->own);
	if (a->has_flow) {
		assert_int_equal(a->flow_sport, b->flow_sport);
		assert_int_equal(a->flow_dport, b->flow_dport);
	}
	if (a->proto == 1)
		assert_int_equal(a->echo_id, b->echo_id);
	assert_string_equal(a->file, b->file);
	assert_int_equal(a->first_ns / 1000, b->first_ns / 1000);
	assert_int_equal(a->nprobes, b->nprobes);
	assert_int_equal(a->replies, b->replies);
	assert_int_equal(a->dups, b->dups);
	assert_int_equal(a->late, b->late);
	assert_int_equal(a->nat_matched, b->nat_matched);
	assert_int_equal(a->orphans, b->orphans);
	assert_int_equal(a->ambiguous, b->ambiguous);
	assert_int_equal(a->dropped, b->dropped);
	assert_int_equal(a->past_dst, b->past_dst);
	assert_int_equal(a->nhops, b->nhops);
	for (h = 0; h < a->nhops; h++) {
		assert_int_equal(a->hops[h].ttl, b->hops[h].ttl);
		assert_int_equal(a->hops[h].n, b->hops[h].n);
		for (i = 0; i < a->hops[h].n; i++)
			same_probe(&a->probes[a->hops[h].first + i],
			    &b->probes[b->hops[h].first + i]);
	}
	/* probes past the end come back as unanswered placeholders */
	for (i = a->nprobes - a->past_dst; i < b->nprobes; i++)
		assert_int_equal(b->probes[i].rkind, RK_NONE);
	assert_true((a->an == NULL) == (b->an == NULL));
	if (a->an != NULL)
		same_analysis(a, b);
}

/* ---- round trips ---- */

static void
roundtrip(const char *path)
{
	struct tlist l = { .n = 0 };
	struct jsonin *r;
	char err[LH_ERRLEN], *j1, *j2, *t1, *t2;
	size_t len, i;

	replay_analyzed(path, &l);
	assert_true(l.n >= 1);
	j1 = write_with("json", l.t, l.n, &len);
	r = jsonin_load_buffer(j1, len, "r.json", err, sizeof(err));
	if (r == NULL)
		fail_msg("%s: %s", path, err);
	assert_int_equal(r->schema, LH_JSON_SCHEMA);
	assert_string_equal(r->version, LASTHOP_VERSION);
	assert_int_equal(r->ntraces, l.n);
	for (i = 0; i < l.n; i++)
		same_trace(l.t[i], r->traces[i]);
	/* written again: the same bytes, as JSON and as text */
	j2 = write_with("json", r->traces, r->ntraces, NULL);
	assert_string_equal(j1, j2);
	t1 = write_with("text", l.t, l.n, NULL);
	t2 = write_with("text", r->traces, r->ntraces, NULL);
	assert_string_equal(t1, t2);
	free(j1);
	free(j2);
	free(t1);
	free(t2);
	jsonin_free(r);
	tl_free(&l);
}

static void
test_roundtrip_healthy(void **state)
{
	(void)state;
	roundtrip(HEALTHY);
}

static void
test_roundtrip_border_drops(void **state)
{
	(void)state;
	roundtrip("captures/peer-traceroute-udp-silent.pcap");
	roundtrip("captures/peer-traceroute-icmp-unreach.pcap");
	roundtrip("captures/peer-traceroute-tcp-hidden.pcap");
	roundtrip("captures/peer-traceroute-udp-ttk.pcap");
}

/*
 * Other shapes: loops, MPLS, NAT, several flows, TCP answers, !N; lab
 * deaths whose verdicts name a baseline departure and a loop's routers.
 */
static void
test_roundtrip_shapes(void **state)
{
	static const char *const files[] = {
		"captures/synth-loop.pcap",
		"captures/lab-loop-udp.pcap",
		"captures/lab-cudrop-udp.pcap",
		"captures/lab-border-udp.pcap",
		"captures/lab-withdrawn-udp.pcap",
		"captures/lab-ecmp-classic-udp.pcap",
		"captures/synth-mpls-ext-rfc4884.pcap",
		"captures/synth-nat-ipid.pcap",
		"captures/synth-duplicate.pcap",
		"captures/synth-late-reply.pcap",
		"captures/synth-unreach-net.pcap",
		"captures/synth-tcp-ack-rst.pcap",
		"captures/peer-dublin-udp-healthy.pcap",
		"captures/peer-mtr-icmp-healthy.pcap",
		"captures/peer-scamper-icmp-paris-healthy.pcap",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		roundtrip(files[i]);
}

/*
 * A destination whose answers no probe can be told from: the verdict's
 * "ambiguous_destination" brings its sentence back.  (Not a full round
 * trip: the senders of ambiguous replies are not in the JSON.)
 */
static void
test_ambiguous_destination(void **state)
{
	struct tlist l = { .n = 0 };
	struct jsonin *r;
	char err[LH_ERRLEN], *j, x[VT_MAX], y[VT_MAX];
	size_t len, i, n = 0;

	(void)state;
	replay_analyzed("captures/synth-mbox-dublin.pcap", &l);
	j = write_with("json", l.t, l.n, &len);
	assert_non_null(strstr(j, "\"ambiguous_destination\":true"));
	r = jsonin_load_buffer(j, len, "r.json", err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	for (i = 0; i < l.n; i++) {
		assert_int_equal(l.t[i]->an->v.flags, r->traces[i]->an->v.flags);
		n += (l.t[i]->an->v.flags & VF_AMB_DST) != 0;
		assert_string_equal(vt_detail(l.t[i]->an, l.t[i], x, sizeof(x)),
		    vt_detail(r->traces[i]->an, r->traces[i], y, sizeof(y)));
	}
	assert_true(n > 0);
	free(j);
	jsonin_free(r);
	tl_free(&l);
}

/* A result without analysis (no AS data) reads back with t->an NULL. */
static void
test_no_analysis(void **state)
{
	struct tlist l = { .n = 0 };
	struct jsonin *r;
	char err[LH_ERRLEN], *j1, *j2;
	size_t len;

	(void)state;
	replay(HEALTHY, &l);
	j1 = write_with("json", l.t, l.n, &len);
	r = jsonin_load_buffer(j1, len, "r.json", err, sizeof(err));
	assert_non_null(r);
	assert_null(r->traces[0]->an);
	same_trace(l.t[0], r->traces[0]);
	j2 = write_with("json", r->traces, r->ntraces, NULL);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	jsonin_free(r);
	tl_free(&l);
}

/* Taking traces out, file summaries, and reading from a file. */
static void
test_take_and_files(void **state)
{
	static const char doc[] = "{\"lasthop\": \"0.1.0\", \"schema\": 1, "
	    "\"traces\": [], \"files\": [{\"path\": \"a.pcap\", \"reader\": "
	    "\"pcapng\", \"frames\": 7, \"ignored\": {\"not_ipv4\": 1, "
	    "\"truncated\": 2, \"malformed\": 0, \"fragments\": 0, "
	    "\"link_type\": 0}, \"probes\": 3, \"replies_matched\": 2, "
	    "\"duplicates\": 0, \"unmatched_replies\": 1, "
	    "\"ambiguous_replies\": 0, \"traces\": 1, \"complete\": false, "
	    "\"warning\": \"a.pcap: truncated record\"}]}";
	struct tlist l = { .n = 0 };
	struct jsonin *r;
	struct file_summary fs;
	struct trace *t;
	char err[LH_ERRLEN], path[] = "/tmp/lh-test-jsonin-XXXXXX", *j;
	size_t len;
	FILE *fp;
	int fd;

	(void)state;
	r = jsonin_load_buffer(doc, strlen(doc), "f.json", err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	assert_int_equal(r->ntraces, 0);
	assert_int_equal(r->nfiles, 1);
	jsonin_file_summary(r, 0, &fs);
	assert_string_equal(fs.path, "a.pcap");
	assert_string_equal(fs.reader, "pcapng");
	assert_int_equal(fs.st->frames, 7);
	assert_int_equal(fs.st->truncated, 2);
	assert_int_equal(fs.st->orphans, 1);
	assert_string_equal(fs.warning, "a.pcap: truncated record");
	jsonin_free(r);

	replay_analyzed(HEALTHY, &l);
	j = write_with("json", l.t, l.n, &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(j, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	r = jsonin_load_file(path, err, sizeof(err));
	unlink(path);
	if (r == NULL)
		fail_msg("%s", err);
	t = jsonin_take(r, 0);
	assert_non_null(t);
	assert_null(jsonin_take(r, 0));
	assert_null(jsonin_take(r, 5));
	jsonin_free(r);		/* t is ours now */
	same_trace(l.t[0], t);
	assert_string_equal(t->file, HEALTHY);
	trace_free(t);
	free(j);
	tl_free(&l);

	r = jsonin_load_file("/nonexistent/r.json", err, sizeof(err));
	assert_null(r);
	assert_non_null(strstr(err, "/nonexistent/r.json"));
}

/* ---- hostile input ---- */

/* A small valid result: two hops, an analysis, a handoff; edited below. */
static const char base_doc[] =
"{\"lasthop\":\"0.1.0\",\"schema\":1,\"traces\":[{"
"\"src\":\"100.64.0.2\",\"dst\":\"175.45.176.71\",\"method\":\"udp\","
"\"stop_reason\":\"completed\",\"file\":\"x.pcap\","
"\"start\":\"2026-11-27T09:03:09.783487Z\",\"probes_sent\":3,\"replies\":2,"
"\"duplicates\":0,\"late\":0,\"nat_matched\":0,\"unmatched_replies\":0,"
"\"ambiguous_replies\":0,\"probes_over_limit\":0,\"probes_past_end\":1,"
"\"hops\":[{\"ttl\":1,\"probes\":[{\"addr\":\"219.158.97.2\",\"rtt_ms\":0.152,"
"\"reply\":\"time-exceeded\",\"icmp_type\":11,\"icmp_code\":0,"
"\"reply_ttl\":64,\"quoted_ttl\":1,\"reply_size\":56,"
"\"mpls\":[{\"label\":16001,\"tc\":0,\"s\":1,\"ttl\":1}],"
"\"sent\":\"2026-11-27T09:03:09.783487Z\",\"ipid\":1,\"size\":60,"
"\"sport\":40000,\"dport\":33434}]},"
"{\"ttl\":2,\"probes\":[{\"addr\":\"175.45.176.71\",\"rtt_ms\":270.5,"
"\"reply\":\"unreachable\",\"icmp_type\":3,\"icmp_code\":3,"
"\"reply_ttl\":50,\"quoted_ttl\":1,\"reply_size\":56,"
"\"sent\":\"2026-11-27T09:03:09.783600Z\",\"ipid\":2,\"size\":60,"
"\"sport\":40000,\"dport\":33435}]}],"
"\"networks\":[{\"addr\":\"219.158.97.2\",\"asn\":4837,"
"\"as_name\":\"CHINA169-BACKBONE\",\"org\":\"CHINA UNICOM\",\"country\":\"CN\","
"\"prefix\":\"219.158.0.0/16\",\"role\":\"upstream\",\"flags\":[\"static\"]},"
"{\"addr\":\"175.45.176.71\",\"asn\":131279,\"as_name\":\"STAR-KP\","
"\"org\":\"Star JV\",\"country\":\"KP\",\"prefix\":\"175.45.176.0/24\","
"\"role\":\"destination\",\"flags\":[\"inside-north-korea\"],"
"\"note\":\"inside\"}],"
"\"target_asn\":131279,\"upstream_asns\":[4837],"
"\"upstream_source\":\"embedded\","
"\"handoff\":{\"upstream_ttl\":1,\"upstream_addr\":\"219.158.97.2\","
"\"target_ttl\":2,\"target_addr\":\"175.45.176.71\",\"rule\":\"adjacent\","
"\"detail\":\"d\"},"
"\"verdict\":{\"outcome\":\"reached\",\"where\":null,"
"\"last_hop\":{\"ttl\":2,\"addr\":\"175.45.176.71\",\"asn\":131279,"
"\"org\":\"Star JV\"},\"reason\":\"reached\",\"rate_limited\":false,"
"\"detail\":\"The destination answered.\"}}],\"files\":[]}";

/* base_doc with the first `from` replaced by `to` (which must occur). */
static char *
edit(const char *from, const char *to)
{
	const char *at = strstr(base_doc, from);
	size_t n = strlen(base_doc) - strlen(from) + strlen(to) + 1;
	char *s;

	if (at == NULL)
		fail_msg("edit: '%s' is not in the base document", from);
	s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%.*s%s%s", (int)(at - base_doc), base_doc, to,
	    at + strlen(from));
	return s;
}

static void
test_base_doc(void **state)
{
	struct jsonin *r;
	struct trace *t;
	char err[LH_ERRLEN];

	(void)state;
	r = jsonin_load_buffer(base_doc, strlen(base_doc), "b.json", err,
	    sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	t = r->traces[0];
	assert_int_equal(t->proto, 17);
	assert_int_equal(t->nprobes, 3);
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->past_dst, 1);
	assert_int_equal(t->probes[2].ttl, 3);	/* the placeholder */
	assert_int_equal(t->probes[2].rkind, RK_NONE);
	assert_int_equal(t->probes[1].rx_ns - t->probes[1].tx_ns,
	    270500000);
	assert_int_equal(t->probes[0].nmpls, 1);
	assert_int_equal(t->probes[0].mpls[0] >> 12, 16001);
	assert_int_equal(t->probes[0].mpls[0] & 0x1ff, 0x101);
	assert_non_null(t->an);
	assert_int_equal(t->an->nannots, 2);
	/* sorted by address for analysis_annot() */
	assert_non_null(analysis_annot(t->an, 0xdb9e6102u));
	assert_true(t->an->target_nk);
	assert_int_equal(t->an->ho_in_ttl, 2);
	assert_int_equal(t->an->ho_rule, HO_ADJACENT);
	assert_int_equal(t->an->v.outcome, OUT_REACHED);
	jsonin_free(r);
}

static const struct {
	const char	*from, *to;	/* the edit of base_doc */
	const char	*error;		/* what the message must contain */
} bad[] = {
	{ "\"addr\":\"219.158.97.2\",\"rtt", "\"addr\":\"219.158.97\",\"rtt",
	  "b.json: traces[0].hops[0].probes[0].addr: '219.158.97' is not an "
	  "IPv4 address" },
	{ "\"addr\":\"175.45.176.71\",\"rtt", "\"addr\":\"::1\",\"rtt",
	  "traces[0].hops[1].probes[0].addr: '::1' is not an IPv4 address" },
	{ "\"ttl\":2,\"probes\"", "\"ttl\":256,\"probes\"",
	  "traces[0].hops[1].ttl: 256 is out of range (1 to 255)" },
	{ "\"ttl\":2,\"probes\"", "\"ttl\":0,\"probes\"",
	  "traces[0].hops[1].ttl: 0 is out of range (1 to 255)" },
	{ "\"ttl\":2,\"probes\"", "\"ttl\":1,\"probes\"",
	  "traces[0].hops[1].ttl: 1 after 1: hops must be in rising TTL order" },
	{ "\"ttl\":2,\"probes\"", "\"ttl\":\"2\",\"probes\"",
	  "traces[0].hops[1].ttl: is a string, not a whole number" },
	{ "\"schema\":1", "\"schema\":0", "b.json: schema: 0 is out of range" },
	{ "\"schema\":1,", "", "b.json: schema: missing" },
	{ "{\"lasthop\"", "[{\"lasthop\"", "b.json:1:" },	/* not JSON */
	{ "\"rtt_ms\":0.152", "\"rtt_ms\":\"fast\"",
	  "traces[0].hops[0].probes[0].rtt_ms: is a string, not a number" },
	{ "\"rtt_ms\":0.152", "\"rtt_ms\":-0.5",
	  "traces[0].hops[0].probes[0].rtt_ms: -0.5 is out of range" },
	{ "\"rtt_ms\":0.152", "\"rtt_ms\":null",
	  "rtt_ms: is null for an answered probe" },
	{ "\"addr\":\"219.158.97.2\",\"rtt", "\"addr\":null,\"rtt",
	  "traces[0].hops[0].probes[0].rtt_ms: is set for a probe without "
	  "a reply" },
	{ "\"method\":\"udp\"", "\"method\":\"carrier-pigeon\"",
	  "traces[0].method: 'carrier-pigeon' is not one of: unknown, udp, " },
	{ "\"reply\":\"time-exceeded\"", "\"reply\":\"none\"",
	  "traces[0].hops[0].probes[0].reply: 'none' is not one of" },
	{ "\"probes_sent\":3", "\"probes_sent\":2",
	  "traces[0].probes_sent: 2 is not the 2 probes in hops plus "
	  "probes_past_end 1" },
	{ "\"probes_sent\":3", "\"probes_sent\":99999999",
	  "traces[0].probes_sent: 99999999 is more than a trace holds" },
	{ "\"sent\":\"2026-11-27T09:03:09.783600Z\"",
	  "\"sent\":\"2026-02-29T09:03:09.783600Z\"",
	  "traces[0].hops[1].probes[0].sent: '2026-02-29T09:03:09.783600Z' is "
	  "not a UTC time" },
	{ "\"start\":\"2026-11-27T09:03:09.783487Z\"",
	  "\"start\":\"2026-11-27 09:03:09\"", "traces[0].start: '2026-11-27 "
	  "09:03:09' is not a UTC time" },
	{ "\"start\":\"2026-11-27T09:03:09.783487Z\"",
	  "\"start\":\"2263-01-01T00:00:00.000000Z\"", "traces[0].start: " },
	{ "\"icmp_code\":0,", "", "traces[0].hops[0].probes[0].icmp_code: "
	  "missing" },
	{ "\"label\":16001", "\"label\":1048576",
	  "traces[0].hops[0].probes[0].mpls[0].label: 1048576 is out of range" },
	{ "\"ipid\":1,", "\"ipid\":65536,",
	  "traces[0].hops[0].probes[0].ipid: 65536 is out of range (0 to "
	  "65535)" },
	{ "\"probes\":[{\"addr\":\"175", "\"probes\":[],\"x\":[{\"addr\":\"175",
	  "traces[0].hops[1].probes: is empty" },
	{ "\"traces\":[{", "\"traces\":{\"a\":{",
	  "b.json:1:" },	/* unbalanced: a parse error */
	{ "\"country\":\"CN\"", "\"country\":\"cn\"",
	  "traces[0].networks[0].country: 'cn' is not two capital letters" },
	{ "\"prefix\":\"219.158.0.0/16\"", "\"prefix\":\"219.158.0.1/16\"",
	  "traces[0].networks[0].prefix: '219.158.0.1/16' has host bits set" },
	{ "\"prefix\":\"219.158.0.0/16\"", "\"prefix\":\"10.0.0.0/8\"",
	  "traces[0].networks[0].prefix: '10.0.0.0/8' does not cover addr" },
	{ "\"prefix\":\"219.158.0.0/16\"", "\"prefix\":\"219.158.0.0/33\"",
	  "is not ADDRESS/LENGTH" },
	{ "\"flags\":[\"static\"]", "\"flags\":[\"haunted\"]",
	  "traces[0].networks[0].flags[0]: 'haunted' is not a known flag" },
	{ "\"networks\":[", "\"networks\":[{\"addr\":\"219.158.97.2\","
	  "\"asn\":null,\"as_name\":\"\",\"org\":\"\",\"country\":\"\","
	  "\"role\":\"unknown\",\"flags\":[]},",
	  "traces[0].networks: 219.158.97.2 is listed twice" },
	{ "\"asn\":4837", "\"asn\":0", "traces[0].networks[0].asn: 0 is out "
	  "of range (1 to 4294967295)" },
	{ "\"upstream_asns\":[4837]", "\"upstream_asns\":[4837,\"x\"]",
	  "traces[0].upstream_asns[1]: is not an AS number" },
	{ "\"upstream_asns\":[4837]", "\"upstream_asns\":[1,2,3,4,5,6,7]",
	  "traces[0].upstream_asns: more than 6 elements" },
	{ "\"upstream_ttl\":1", "\"upstream_ttl\":2",
	  "traces[0].handoff.upstream_ttl: 2 is not before target_ttl 2" },
	{ "\"rule\":\"adjacent\",", "",
	  "traces[0].handoff.rule: missing" },
	{ "\"outcome\":\"reached\"", "\"outcome\":\"maybe\"",
	  "traces[0].verdict.outcome: 'maybe' is not one of: reached, died, "
	  "no-data" },
	{ "\"where\":null", "\"where\":\"nowhere\"",
	  "traces[0].verdict.where: 'nowhere' is not one of: transit, " },
	{ "\"where\":null", "\"where\":null,\"candidates\":[\"upstream\"]",
	  "traces[0].verdict.candidates: has 1 elements, not 2" },
	{ "\"where\":null", "\"where\":null,\"candidates\":[\"upstream\",7]",
	  "traces[0].verdict.candidates[1]: is a whole number, not a string" },
	{ "\"rate_limited\":false", "\"rate_limited\":0",
	  "traces[0].verdict.rate_limited: is a whole number, not true or "
	  "false" },
	{ "\"rule\":\"adjacent\"", "\"rule\":\"guessed\"",
	  "traces[0].handoff.rule: 'guessed' is not one of: first-target-hop, " },
	{ "\"reason\":\"reached\"", "\"reason\":\"bad luck\"",
	  "traces[0].verdict.reason: 'bad luck' is not one of: silent, " },
	{ "\"verdict\":{", "\"borders\":[{\"from_ttl\":2,\"from_addr\":"
	  "\"1.2.3.4\",\"from_asn\":1,\"to_ttl\":2,\"to_addr\":\"1.2.3.5\","
	  "\"to_asn\":2,\"rule\":\"adjacent\",\"handoff\":false}],"
	  "\"verdict\":{", "traces[0].borders[0].from_ttl: 2 is not before "
	  "to_ttl 2" },
	{ "\"verdict\":{", "\"borders\":[{\"from_ttl\":null,\"from_addr\":"
	  "null,\"from_asn\":null,\"to_ttl\":2,\"to_addr\":\"1.2.3.5\","
	  "\"to_asn\":2,\"rule\":\"psychic\",\"handoff\":true}],"
	  "\"verdict\":{", "traces[0].borders[0].rule: 'psychic' is not one "
	  "of: adjacent, " },
	{ "\"verdict\":{", "\"borders\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,"
	  "15,16,17],\"verdict\":{", "traces[0].borders: more than 16 "
	  "elements" },
	{ "\"rate_limited\":false", "\"rate_limited\":false,\"departure\":"
	  "{\"ttl\":3,\"addr\":\"1.2.3.4\",\"was\":\"a hunch\","
	  "\"network\":null}", "traces[0].verdict.departure.was: 'a hunch' "
	  "is not one of: router, " },
	{ "\"rate_limited\":false", "\"rate_limited\":false,\"loop\":"
	  "{\"from_ttl\":1,\"to_ttl\":2,\"more\":0,\"routers\":[1,2,3,4,"
	  "5]}", "traces[0].verdict.loop.routers: more than 4 elements" },
	{ "\"rate_limited\":false", "\"rate_limited\":false,\"loop\":"
	  "{\"from_ttl\":1,\"to_ttl\":2,\"more\":0,\"routers\":[{\"ttl\":"
	  "1,\"addr\":\"1.2.3.4\",\"asn\":null,\"role\":\"villain\"}]}",
	  "traces[0].verdict.loop.routers[0].role: 'villain' is not one of" },
	{ "\"rate_limited\":false", "\"network\":" /* a long name follows */,
	  "traces[0].verdict.network.name: longer than 127 bytes" },
	{ "\"file\":\"x.pcap\"", "\"file\":7", "traces[0].file: is a whole "
	  "number, not a string" },
	{ "\"sport\":40000,\"dport\":33434}", "\"dport\":33434}",
	  "traces[0].hops[0].probes[0].sport: missing" },
	{ "\"files\":[]", "\"files\":[{\"path\":\"a\"}]",
	  "b.json: files[0].reader: missing" },
	{ "\"lasthop\":\"0.1.0\"", "\"lasthop\":\"0.1.0\",\"lasthop\":\"0.2\"",
	  "duplicate object key" },
	{ "\"file\":\"x.pcap\"", "\"file\":\"x\\u0000y\"", "b.json:1:" },
	{ "\"replies\":2", "\"replies\":18446744073709551616", "b.json:1:" },
	{ "\"replies\":2", "\"replies\":-1", "traces[0].replies: -1 is out "
	  "of range" },
	{ "\"target_asn\":131279,", "\"as_data\":7,\"target_asn\":131279,",
	  "traces[0].as_data: is a whole number, not an array" },
	{ "\"target_asn\":131279,", "\"as_data\":[{\"name\":\"x\"}],"
	  "\"target_asn\":131279,", "traces[0].as_data[0].kind: missing" },
	{ "\"target_asn\":131279,", "\"as_data\":[{\"kind\":\"image\","
	  "\"version\":7}],\"target_asn\":131279,",
	  "traces[0].as_data[0].version: is a whole number, not a string" },
	{ "\"target_asn\":131279,", "\"as_data\":[[]],\"target_asn\":131279,",
	  "traces[0].as_data[0]: is an array, not an object" },
};

static void
test_malformed(void **state)
{
	struct jsonin *r;
	char err[LH_ERRLEN], *doc, *to;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strcmp(bad[i].to, "\"network\":") == 0) {
			to = malloc(300);
			assert_non_null(to);
			snprintf(to, 300, "\"rate_limited\":false,\"network\":"
			    "{\"asn\":1,\"name\":\"%0128d\"}", 0);
			doc = edit(bad[i].from, to);
			free(to);
		} else
			doc = edit(bad[i].from, bad[i].to);
		strcpy(err, "(no error)");
		r = jsonin_load_buffer(doc, strlen(doc), "b.json", err,
		    sizeof(err));
		if (r != NULL || strstr(err, bad[i].error) == NULL)
			fail_msg("case %zu: want '%s', got %s '%s'", i,
			    bad[i].error, r ? "a result and" : "", err);
		free(doc);
	}
}

/* "as_data": what judged the trace, read back (an --asmap file's name). */
static void
test_asdata(void **state)
{
	struct jsonin *r;
	const struct analysis *an;
	char err[LH_ERRLEN], *doc;

	(void)state;
	doc = edit("\"target_asn\":131279,", "\"as_data\":[{\"kind\":"
	    "\"embedded\",\"name\":\"lasthop-embedded\",\"version\":\"1\"},"
	    "{\"kind\":\"asmap\",\"file\":\"rib.txt\",\"format\":"
	    "\"bgpdump\"},{\"kind\":\"image\",\"name\":\"@ip-location-db/asn\","
	    "\"version\":\"2.3\"}],\"target_asn\":131279,");
	r = jsonin_load_buffer(doc, strlen(doc), "a.json", err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	an = r->traces[0]->an;
	assert_int_equal(an->nasdata, 3);
	assert_string_equal(an->asdata[0].kind, "embedded");
	assert_string_equal(an->asdata[1].kind, "asmap");
	assert_string_equal(an->asdata[1].name, "rib.txt");
	assert_string_equal(an->asdata[1].format, "bgpdump");
	assert_string_equal(an->asdata[2].name, "@ip-location-db/asn");
	assert_string_equal(an->asdata[2].version, "2.3");
	jsonin_free(r);
	free(doc);
	/* results written before as_data existed still read */
	r = jsonin_load_buffer(base_doc, strlen(base_doc), "a.json", err,
	    sizeof(err));
	assert_non_null(r);
	assert_int_equal(r->traces[0]->an->nasdata, 0);
	jsonin_free(r);
}

/* Values quoted in messages never carry control characters. */
static void
test_message_is_clean(void **state)
{
	struct jsonin *r;
	char err[LH_ERRLEN], *doc;

	(void)state;
	doc = edit("\"method\":\"udp\"", "\"method\":\"\\u001b[2J\\u0007x\"");
	r = jsonin_load_buffer(doc, strlen(doc), "b.json", err, sizeof(err));
	assert_null(r);
	assert_null(strchr(err, '\033'));
	assert_null(strchr(err, '\007'));
	assert_non_null(strstr(err, "'?[2J?x'"));
	free(doc);
	r = jsonin_load_buffer("[]", 2, "b.json", err, sizeof(err));
	assert_null(r);
	assert_string_equal(err, "b.json: not a lasthop result (the top "
	    "level is an array, not an object)");
	r = jsonin_load_buffer("", 0, "b.json", err, sizeof(err));
	assert_null(r);
	assert_non_null(strstr(err, "b.json:"));
}

/* Later schema versions add fields: unknown members are ignored. */
static void
test_unknown_fields(void **state)
{
	struct jsonin *r;
	char err[LH_ERRLEN], *doc;

	(void)state;
	doc = edit("\"schema\":1,", "\"schema\":2,\"extra\":{\"a\":[1]},");
	r = jsonin_load_buffer(doc, strlen(doc), "b.json", err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	assert_int_equal(r->schema, 2);
	jsonin_free(r);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_healthy),
		cmocka_unit_test(test_asdata),
		cmocka_unit_test(test_roundtrip_border_drops),
		cmocka_unit_test(test_roundtrip_shapes),
		cmocka_unit_test(test_ambiguous_destination),
		cmocka_unit_test(test_no_analysis),
		cmocka_unit_test(test_take_and_files),
		cmocka_unit_test(test_base_doc),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_message_is_clean),
		cmocka_unit_test(test_unknown_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
