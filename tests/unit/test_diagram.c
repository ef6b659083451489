/*
 * test_diagram.c: the diagram writers (diagram_term.c, diagram_dot.c).
 *
 * Lab captures are replayed and analysed as `lasthop replay --baseline
 * captures/peer-traceroute-udp-healthy.pcap` would, then drawn:
 *   - terminal: band headers, handoff mark, death mark and verdict; every
 *     line fits 80 columns; no escapes without colour; data strings cannot
 *     reach the terminal raw; goldens in tests/diagram/term-*.txt;
 *   - DOT: parsed back with agmemread (clusters, dashed silent nodes,
 *     handoff and death attributes, one node per shared responder); golden
 *     tests/diagram/two-paths.dot;
 *   - SVG: well-formed (xmllint --noout), with the network names, the
 *     handoff marker and the verdict; PNG: a PNG; output deterministic.
 * LH_UPDATE_GOLDEN=1 rewrites the goldens (review the diff).  Run from the
 * top of the source tree (as tests/run-tests.sh does).
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

#include <graphviz/cgraph.h>

#include "analysis.h"
#include "asmap.h"
#include "capfile.h"
#include "diagram.h"
#include "engine.h"
#include "jsonin.h"
#include "lh.h"
#include "model.h"
#include "output.h"
#include "replay.h"

#define HEALTHY	"captures/peer-traceroute-udp-healthy.pcap"
/* lasthop's own capture: its retries show that it waited for hops 4-8 */
#define SILENT	"captures/lab-silent-udp.pcap"
#define UNREACH	"captures/peer-traceroute-udp-unreach.pcap"
#define TTK	"captures/peer-traceroute-udp-ttk.pcap"
#define NKQUIET	"captures/peer-traceroute-tcp-nkquiet.pcap"
#define GOLDEN	"tests/diagram/"

/* ---- replaying captures, as lasthop replay --baseline does ---- */

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

/* Append the analysed traces of path to l. */
static void
replay_analyzed(const char *path, struct tlist *l)
{
	struct tlist base = { .n = 0 };
	struct analysis_opts ao;
	struct asmap *m = asmap_new();
	char err[LH_ERRLEN];
	size_t i, from = l->n;

	assert_non_null(m);
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	replay(HEALTHY, &base);
	assert_true(base.n >= 1);
	replay(path, l);
	assert_true(l->n > from);
	memset(&ao, 0, sizeof(ao));
	ao.map = m;
	ao.baseline = base.t[0];
	for (i = from; i < l->n; i++)
		assert_int_equal(analyze_trace(l->t[i], &ao, err, sizeof(err)),
		    0);
	tl_free(&base);
	asmap_free(m);
}

/* What a writer draws for t[0..n): NUL-terminated, *len bytes. */
static char *
draw(const struct writer_ops *ops, struct trace *const *t, size_t n,
    int color, int ascii, size_t *len)
{
	struct writer w;
	char err[LH_ERRLEN], *buf = NULL;
	size_t i, sz = 0;
	FILE *fp = open_memstream(&buf, &sz);

	assert_non_null(fp);
	memset(&w, 0, sizeof(w));
	w.ops = ops;
	w.fp = fp;
	assert_int_equal(diagram_term_config(&w, color, ascii, err,
	    sizeof(err)), 0);
	if (ops->begin(&w, err, sizeof(err)) != 0)
		fail_msg("begin: %s", err);
	for (i = 0; i < n; i++)
		if (ops->trace(&w, t[i], err, sizeof(err)) != 0)
			fail_msg("trace: %s", err);
	if (ops->end(&w, err, sizeof(err)) != 0)
		fail_msg("end: %s", err);
	ops->free(&w);
	assert_int_equal(fclose(fp), 0);
	if (len != NULL)
		*len = sz;
	return buf;
}

static char *
draw_file(const struct writer_ops *ops, const char *path, int color,
    int ascii)
{
	struct tlist l = { .n = 0 };
	char *s;

	replay_analyzed(path, &l);
	s = draw(ops, l.t, l.n, color, ascii, NULL);
	tl_free(&l);
	return s;
}

static void
contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		if (strlen(hay) < 4000)
			print_message("%s\n", hay);
		fail_msg("'%s' is not in the output above (or in %zu bytes)",
		    needle, strlen(hay));
	}
}

/* Compare with tests/diagram/NAME, or rewrite it with LH_UPDATE_GOLDEN. */
static void
golden(const char *name, const char *got, size_t len)
{
	char path[256], *want;
	long n;
	FILE *fp;

	snprintf(path, sizeof(path), GOLDEN "%s", name);
	if (getenv("LH_UPDATE_GOLDEN") != NULL) {
		fp = fopen(path, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(got, 1, len, fp), len);
		assert_int_equal(fclose(fp), 0);
		return;
	}
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s missing (LH_UPDATE_GOLDEN=1 makes it)", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	want = malloc((size_t)n + 1);
	assert_non_null(want);
	assert_int_equal(fread(want, 1, (size_t)n, fp), (size_t)n);
	want[n] = '\0';
	fclose(fp);
	if ((size_t)n != len || memcmp(want, got, len) != 0)
		fail_msg("%s differs from this output (LH_UPDATE_GOLDEN=1 "
		    "rewrites it; review the diff):\n%s", path, got);
	free(want);
}

/* Columns of a line: escapes skipped, UTF-8 counted by characters. */
static void
check_widths(const char *s, int ascii)
{
	int cols = 0, line = 1;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			if (cols > 80)
				fail_msg("line %d is %d columns wide", line,
				    cols);
			cols = 0;
			line++;
			continue;
		}
		if (*s == '\033') {
			while (*s != '\0' && *s != 'm')
				s++;
			continue;
		}
		if (ascii && (unsigned char)*s >= 0x80)
			fail_msg("line %d: a non-ASCII byte in ASCII mode",
			    line);
		if (((unsigned char)*s & 0xc0) != 0x80)
			cols++;
	}
}

/* ---- terminal ---- */

static void
test_term_healthy(void **state)
{
	char *s;

	(void)state;
	s = draw_file(&diagram_term_ops, HEALTHY, 0, 1);
	contains(s, "trace 1  100.64.0.2 -> 175.45.176.71  udp");
	contains(s, "\n o 100.64.0.2  vantage\n");
	contains(s, "\n +- private | shared address space");
	contains(s, "\n +- AS4837 CHINA169-BACKBONE | upstream | CHINA UNICOM "
	    "China169 Backbone, CN -");
	contains(s, "\n += handoff | hop 3 -> 4 | upstream-numbered-border =");
	contains(s, "\n +- AS131279 STAR-KP | target | Star Joint Venture Co. "
	    "Ltd, KP -");
	contains(s, "175.45.176.71 ");
	contains(s, "0%  destination\n");
	contains(s, "\n verdict: reached\n   The destination 175.45.176.71");
	assert_null(strstr(s, "traffic dies here"));
	/* the handoff separator comes before hop 4, the border router */
	assert_true(strstr(s, "+= handoff") < strstr(s, "4  219.158.97.2"));
	assert_true(strstr(s, "3  219.158.96.2") < strstr(s, "+= handoff"));
	assert_null(strchr(s, '\033'));
	check_widths(s, 1);
	golden("term-healthy.txt", s, strlen(s));
	free(s);
}

static void
test_term_border_drop(void **state)
{
	char *s;

	(void)state;
	s = draw_file(&diagram_term_ops, SILENT, 0, 1);
	contains(s, "\n +- AS4837 CHINA169-BACKBONE | upstream");
	contains(s, "3  219.158.96.2");
	contains(s, "\n X= traffic dies here: at the handoff (silent) ===");
	contains(s, "\n :   4  * no answer ");
	contains(s, "100%\n");
	contains(s, "\n verdict: died at handoff (silent)\n   Traffic dies "
	    "at the handoff into Star Joint Venture Co. Ltd (AS131279):");
	assert_true(strstr(s, "3  219.158.96.2") < strstr(s, "X= traffic"));
	assert_true(strstr(s, "X= traffic") < strstr(s, "4  * no answer"));
	assert_null(strstr(s, "+= handoff"));	/* the target never seen */
	assert_null(strchr(s, '\033'));
	check_widths(s, 1);
	golden("term-border-drop.txt", s, strlen(s));
	free(s);

	s = draw_file(&diagram_term_ops, UNREACH, 0, 1);
	contains(s, "4  219.158.96.2");
	contains(s, "!X\n X= traffic dies here: at the handoff (refused !X)");
	contains(s, "verdict: died at handoff (unreachable)");
	check_widths(s, 1);
	golden("term-unreach.txt", s, strlen(s));
	free(s);
}

/* A quiet target: silent hops inside, the host answers at the end. */
static void
test_term_nkquiet(void **state)
{
	char *s;

	(void)state;
	if (access(NKQUIET, R_OK) != 0)	/* bundled: missing is a failure */
		fail_msg("%s: bundled capture missing", NKQUIET);
	s = draw_file(&diagram_term_ops, NKQUIET, 0, 1);
	contains(s, "* no answer");
	contains(s, "verdict: reached");
	assert_null(strstr(s, "traffic dies here"));
	check_widths(s, 1);
	free(s);
}

static void
test_term_utf8_color(void **state)
{
	char *s;

	(void)state;
	s = draw_file(&diagram_term_ops, SILENT, 1, 0);
	contains(s, "\033[");
	contains(s, "\u2717");			/* the death mark */
	contains(s, "\033[1;31m");		/* in red */
	contains(s, "\033[33m\u251c");		/* China Unicom's band colour */
	contains(s, "\u2506");			/* the spine after death */
	check_widths(s, 0);
	golden("term-border-drop-color.txt", s, strlen(s));
	free(s);

	s = draw_file(&diagram_term_ops, HEALTHY, 0, 0);
	assert_null(strchr(s, '\033'));
	contains(s, "\u255e\u2550 handoff \u00b7 hop 3 \u2192 4");
	check_widths(s, 0);
	free(s);
}

/* Every trace of a capture, and several captures, one after another. */
static void
test_term_several(void **state)
{
	struct tlist l = { .n = 0 };
	char *s;

	(void)state;
	replay_analyzed(HEALTHY, &l);
	replay_analyzed(TTK, &l);
	s = draw(&diagram_term_ops, l.t, l.n, 0, 1, NULL);
	contains(s, "trace 1  ");
	contains(s, "\n\ntrace 2  ");
	contains(s, "AS20485");
	check_widths(s, 1);
	free(s);
	tl_free(&l);
	s = draw(&diagram_term_ops, NULL, 0, 0, 1, NULL);
	assert_string_equal(s, "no traceroute traffic found\n");
	free(s);
}

/*
 * A hostile saved result: names with terminal escapes, C1 controls and
 * very long strings must not reach the terminal raw nor break the width.
 */
static const char evil_doc[] =
"{\"lasthop\":\"0.1.0\",\"schema\":1,\"traces\":[{"
"\"src\":\"100.64.0.2\",\"dst\":\"175.45.176.71\",\"method\":\"udp\","
"\"stop_reason\":\"gap limit\",\"file\":\"\\u001b[2J\\u009b31mevil\\\\G.pcap\","
"\"start\":\"2026-11-27T09:03:09.783487Z\",\"probes_sent\":2,\"replies\":1,"
"\"duplicates\":0,\"late\":0,\"nat_matched\":0,\"unmatched_replies\":0,"
"\"ambiguous_replies\":0,\"probes_over_limit\":0,\"probes_past_end\":0,"
"\"hops\":[{\"ttl\":1,\"probes\":[{\"addr\":\"219.158.97.2\",\"rtt_ms\":0.152,"
"\"reply\":\"time-exceeded\",\"icmp_type\":11,\"icmp_code\":0,"
"\"reply_ttl\":64,\"quoted_ttl\":1,\"reply_size\":56,"
"\"sent\":\"2026-11-27T09:03:09.783487Z\",\"ipid\":1,\"size\":60,"
"\"sport\":40000,\"dport\":33434}]},"
"{\"ttl\":2,\"probes\":[{\"addr\":null,\"rtt_ms\":null,"
"\"sent\":\"2026-11-27T09:03:09.783600Z\",\"ipid\":2,\"size\":60,"
"\"sport\":40000,\"dport\":33435}]}],"
"\"networks\":[{\"addr\":\"219.158.97.2\",\"asn\":4837,"
"\"name\":\"\\u001b]0;owned\\u0007.example\","
"\"as_name\":\"EVIL\\u001b[31m\\\"<b>&\\\\N\","
"\"org\":\"\\u0000\",\"country\":\"CN\","
"\"role\":\"upstream\",\"flags\":[]}],"
"\"target_asn\":131279,\"upstream_asns\":[4837],"
"\"upstream_source\":\"embedded\",\"handoff\":null,"
"\"verdict\":{\"outcome\":\"died\",\"where\":null,"
"\"candidates\":[\"upstream\",\"handoff\"],"
"\"last_hop\":{\"ttl\":1,\"addr\":\"219.158.97.2\",\"asn\":4837,\"org\":\"\"},"
"\"reason\":\"silent\",\"rate_limited\":false,"
"\"network\":{\"asn\":4837,\"name\":"
"\"\\u001b[2J\\u009bevil \\u5168\\u5168\\u5168 "
"averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryvery"
"veryveryverylongword \\\\G end\"},"
"\"detail\":\"ignored: the sentences are composed from the data\"}}],"
"\"files\":[]}";

static struct jsonin *
load_evil(const char *doc)
{
	struct jsonin *r;
	char err[LH_ERRLEN];

	r = jsonin_load_buffer(doc, strlen(doc), "evil.json", err,
	    sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	return r;
}

static void
test_term_hostile_strings(void **state)
{
	struct jsonin *r;
	char *doc, *s, *nul;
	int ascii;

	(void)state;
	/* jansson refuses \u0000: use an empty organisation instead */
	doc = strdup(evil_doc);
	assert_non_null(doc);
	nul = strstr(doc, "\\u0000");
	memcpy(nul, "      ", 6);
	r = load_evil(doc);
	for (ascii = 0; ascii <= 1; ascii++) {
		s = draw(&diagram_term_ops, r->traces, r->ntraces, 0, ascii,
		    NULL);
		assert_null(strchr(s, '\033'));
		assert_null(strchr(s, '\007'));
		assert_null(strstr(s, "\xc2\x9b"));
		contains(s, "EVIL?[31m\"<b>&\\N");
		contains(s, "died in upstream or at handoff (silent)");
		contains(s, "traffic dies here: in the upstream or at the "
		    "handoff");
		check_widths(s, ascii);
		free(s);
	}
	jsonin_free(r);
	free(doc);
}

static void
test_term_config_other_writer(void **state)
{
	struct writer w;
	char err[LH_ERRLEN];

	(void)state;
	memset(&w, 0, sizeof(w));
	w.ops = &diagram_dot_ops;
	assert_int_equal(diagram_term_config(&w, 1, 1, err, sizeof(err)), 0);
	assert_null(w.priv);
}

/* ---- Graphviz ---- */

static Agraph_t *
parse_dot(const char *s)
{
	char *copy = strdup(s);
	Agraph_t *g;

	assert_non_null(copy);
	g = agmemread(copy);
	free(copy);
	if (g == NULL)
		fail_msg("agmemread refused:\n%s", s);
	return g;
}

static Agedge_t *
find_edge(Agraph_t *g, const char *from, const char *to)
{
	Agnode_t *a, *b;
	Agedge_t *e;
	char x[64], y[64];

	snprintf(x, sizeof(x), "%s", from);
	snprintf(y, sizeof(y), "%s", to);
	a = agnode(g, x, 0);
	b = agnode(g, y, 0);
	if (a == NULL || b == NULL)
		fail_msg("no node %s or %s", from, to);
	for (e = agfstout(g, a); e != NULL; e = agnxtout(g, e))
		if (aghead(e) == b)
			return e;
	fail_msg("no edge %s -> %s", from, to);
	return NULL;
}

static const char *
attr(void *obj, const char *name)
{
	char n[32];
	const char *v;

	snprintf(n, sizeof(n), "%s", name);
	v = agget(obj, n);
	return v != NULL ? v : "";
}

static int
in_degree(Agraph_t *g, const char *name)
{
	char n[64];
	Agnode_t *v;
	Agedge_t *e;
	int k = 0;

	snprintf(n, sizeof(n), "%s", name);
	v = agnode(g, n, 0);
	assert_non_null(v);
	for (e = agfstin(g, v); e != NULL; e = agnxtin(g, e))
		k++;
	return k;
}

static int
in_cluster(Agraph_t *g, const char *cluster, const char *node)
{
	char c[64], n[64];
	Agraph_t *sg;
	Agnode_t *v;

	snprintf(c, sizeof(c), "%s", cluster);
	snprintf(n, sizeof(n), "%s", node);
	if ((sg = agsubg(g, c, 0)) == NULL)
		fail_msg("no subgraph %s", cluster);
	v = agnode(g, n, 0);
	assert_non_null(v);
	return agsubnode(sg, v, 0) != NULL;
}

/* The China Unicom and TransTeleCom paths to one /22, side by side. */
static void
test_dot_two_paths(void **state)
{
	struct tlist l = { .n = 0 };
	Agraph_t *g;
	Agedge_t *e;
	char *s, *s2;
	size_t len;

	(void)state;
	replay_analyzed(HEALTHY, &l);
	replay_analyzed(TTK, &l);
	s = draw(&diagram_dot_ops, l.t, l.n, 0, 0, &len);
	g = parse_dot(s);
	assert_true(in_cluster(g, "cluster_AS4837", "219.158.96.2"));
	assert_true(in_cluster(g, "cluster_AS4837", "219.158.97.2"));
	assert_true(in_cluster(g, "cluster_AS20485", "188.43.225.153"));
	assert_true(in_cluster(g, "cluster_AS131279", "175.45.176.254"));
	assert_true(in_cluster(g, "cluster_AS131279", "175.45.176.71"));
	assert_true(in_cluster(g, "cluster_private", "100.64.0.1"));
	assert_true(in_cluster(g, "cluster_legend", "legend"));
	contains(attr(agsubg(g, "cluster_AS4837", 0), "label"),
	    "AS4837 CHINA169-BACKBONE");
	contains(attr(agsubg(g, "cluster_AS4837", 0), "label"), "upstream");
	contains(attr(agsubg(g, "cluster_AS131279", 0), "label"), "target");
	assert_string_equal(attr(agsubg(g, "cluster_AS4837", 0), "style"),
	    "filled,rounded");
	/* one vantage, one shared first hop, one shared NK router */
	assert_int_equal(agnnodes(g), 10);	/* vantage, 8 routers, legend */
	assert_int_equal(in_degree(g, "175.45.176.254"), 2);
	assert_int_equal(in_degree(g, "vantage 100.64.0.2"), 0);
	/* the two handoffs */
	e = find_edge(g, "219.158.96.2", "219.158.97.2");
	assert_string_equal(attr(e, "label"), "handoff");
	assert_string_equal(attr(e, "style"), "bold");
	assert_string_equal(attr(e, "penwidth"), "3.5");
	e = find_edge(g, "188.43.225.153", "188.43.225.158");
	assert_string_equal(attr(e, "label"), "handoff");
	/* edges of one trace only take its colour; shared ones do not */
	assert_string_equal(attr(find_edge(g, "100.64.0.1", "219.158.3.1"),
	    "color"), "#1f77b4");
	assert_string_equal(attr(find_edge(g, "100.64.0.1",
	    "188.43.225.153"), "color"), "#ff7f0e");
	assert_string_equal(attr(find_edge(g, "vantage 100.64.0.2",
	    "100.64.0.1"), "color"), "#555555");
	contains(attr(agnode(g, "legend", 0), "label"), "trace 2: udp");
	contains(attr(g, "label"), "verdict: reached.");
	agclose(g);
	golden("two-paths.dot", s, len);
	/* deterministic */
	s2 = draw(&diagram_dot_ops, l.t, l.n, 0, 0, NULL);
	assert_string_equal(s, s2);
	free(s2);
	free(s);
	tl_free(&l);
}

static void
test_dot_border_drop(void **state)
{
	Agraph_t *g;
	Agnode_t *n;
	Agedge_t *e;
	char *s;

	(void)state;
	s = draw_file(&diagram_dot_ops, SILENT, 0, 0);
	g = parse_dot(s);
	n = agnode(g, "t1 silent 4", 0);
	assert_non_null(n);
	contains(attr(n, "style"), "dashed");
	contains(attr(n, "label"), "hops 4\u20138");
	n = agnode(g, "219.158.96.2", 0);
	assert_string_equal(attr(n, "color"), "#d62728");
	contains(attr(n, "label"), "\u2717 last answer (silent)");
	e = find_edge(g, "219.158.96.2", "t1 silent 4");
	assert_string_equal(attr(e, "color"), "#d62728");
	assert_string_equal(attr(e, "style"), "dashed");
	contains(attr(e, "label"), "dies");
	contains(attr(g, "label"), "verdict: died at handoff (silent).");
	assert_null(agsubg(g, "cluster_AS131279", 0));
	agclose(g);
	free(s);

	s = draw_file(&diagram_dot_ops, UNREACH, 0, 0);
	g = parse_dot(s);
	e = find_edge(g, "219.158.96.2", "219.158.96.2");	/* hop 3 = 4 */
	assert_string_equal(attr(e, "label"), "!X");
	contains(attr(agnode(g, "219.158.96.2", 0), "label"),
	    "last answer (refused !X)");
	contains(attr(agnode(g, "219.158.96.2", 0), "label"), "hops 3, 4");
	agclose(g);
	free(s);
}

static void
test_dot_hidden_hop(void **state)
{
	Agraph_t *g;
	char *s;

	(void)state;
	s = draw_file(&diagram_dot_ops, "captures/peer-traceroute-udp-hidden.pcap",
	    0, 0);
	g = parse_dot(s);
	/* a silent hop between the private hop and China Unicom: no cluster */
	assert_non_null(agnode(g, "t1 silent 2", 0));
	assert_false(in_cluster(g, "cluster_AS4837", "t1 silent 2"));
	find_edge(g, "100.64.0.1", "t1 silent 2");
	find_edge(g, "t1 silent 2", "219.158.96.2");
	contains(attr(g, "label"), "verdict: reached.");
	agclose(g);
	free(s);
}

/* Across silent hops: the handoff label on the way into the silence. */
static void
test_dot_handoff_across_silence(void **state)
{
	Agraph_t *g;
	Agedge_t *e;
	char *s;

	(void)state;
	if (access(NKQUIET, R_OK) != 0)	/* bundled: missing is a failure */
		fail_msg("%s: bundled capture missing", NKQUIET);
	s = draw_file(&diagram_dot_ops, NKQUIET, 0, 0);
	g = parse_dot(s);
	e = find_edge(g, "219.158.96.2", "t1 silent 4");
	assert_string_equal(attr(e, "label"), "handoff");
	e = find_edge(g, "t1 silent 4", "175.45.176.71");
	assert_string_equal(attr(e, "style"), "bold");
	assert_string_equal(attr(e, "label"), "");
	assert_false(in_cluster(g, "cluster_AS4837", "t1 silent 4"));
	agclose(g);
	free(s);
}

/* Load balancing: two responders at hop 3 become two rows, two branches. */
static void
test_ecmp(void **state)
{
	struct tlist l = { .n = 0 };
	struct trace *t;
	struct probe *p;
	Agraph_t *g;
	char *s;
	size_t h;

	(void)state;
	replay_analyzed(HEALTHY, &l);
	t = l.t[0];
	for (h = 0; h < t->nhops && t->hops[h].ttl != 3; h++)
		;
	assert_true(h < t->nhops && t->hops[h].n >= 2);
	p = &t->probes[t->hops[h].first + 1];
	assert_int_equal(p->rkind, RK_TIME_EXCEEDED);
	p->raddr = 0xdb9e6009u;		/* 219.158.96.9 */

	s = draw(&diagram_term_ops, l.t, l.n, 0, 1, NULL);
	contains(s, "\n |   3  219.158.96.2 ");
	contains(s, "\n |      219.158.96.9 ");
	check_widths(s, 1);
	free(s);

	s = draw(&diagram_dot_ops, l.t, l.n, 0, 0, NULL);
	g = parse_dot(s);
	find_edge(g, "219.158.3.1", "219.158.96.2");
	find_edge(g, "219.158.3.1", "219.158.96.9");
	find_edge(g, "219.158.96.2", "219.158.97.2");
	find_edge(g, "219.158.96.9", "219.158.97.2");
	contains(attr(agnode(g, "219.158.96.9", 0), "label"), "no AS data");
	agclose(g);
	free(s);
	tl_free(&l);
}

static void
test_dot_empty(void **state)
{
	Agraph_t *g;
	char *s;

	(void)state;
	s = draw(&diagram_dot_ops, NULL, 0, 0, 0, NULL);
	g = parse_dot(s);
	contains(attr(g, "label"), "no traceroute traffic found");
	agclose(g);
	free(s);
}

/* Hostile names: the DOT still parses, the SVG is still XML. */
static void
test_dot_hostile_strings(void **state)
{
	struct jsonin *r;
	Agraph_t *g;
	char *doc, *nul, *s;

	(void)state;
	doc = strdup(evil_doc);
	assert_non_null(doc);
	nul = strstr(doc, "\\u0000");
	memcpy(nul, "      ", 6);
	r = load_evil(doc);
	s = draw(&diagram_dot_ops, r->traces, r->ntraces, 0, 0, NULL);
	assert_null(strchr(s, '\033'));
	g = parse_dot(s);
	/* label escapes of the data are shown, not interpreted */
	contains(attr(agnode(g, "219.158.97.2", 0), "label"),
	    "EVIL?[31m\"<b>&\\\\N");
	agclose(g);
	free(s);
	jsonin_free(r);
	free(doc);
}

static int
xml_ok(const char *svg, size_t len)
{
	char path[] = "/tmp/lh-test-diagram-XXXXXX", cmd[128];
	FILE *fp;
	int fd, rc;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(svg, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
	rc = system(cmd);
	unlink(path);
	return rc;
}

static void
test_svg(void **state)
{
	struct tlist l = { .n = 0 };
	char *s, *s2;
	size_t len;

	(void)state;
	if (system("xmllint --version >/dev/null 2>&1") != 0) {
		print_message("xmllint is not installed (make deps)\n");
		skip();
	}
	replay_analyzed(HEALTHY, &l);
	replay_analyzed(TTK, &l);
	replay_analyzed(SILENT, &l);
	s = draw(&diagram_svg_ops, l.t, l.n, 0, 0, &len);
	assert_int_equal(xml_ok(s, len), 0);
	contains(s, "<svg");
	contains(s, "CHINA169&#45;BACKBONE");	/* Graphviz escapes '-' */
	contains(s, "TransTeleCom JSC");
	contains(s, "STAR&#45;KP");
	contains(s, ">handoff</text>");
	contains(s, "\u2717 dies");
	contains(s, "last answer of trace 3 (silent)");
	contains(s, "verdict: died at handoff (silent). Traffic dies at the "
	    "handoff into Star Joint Venture Co. Ltd");
	contains(s, "verdict: reached. The destination 175.45.176.71");
	s2 = draw(&diagram_svg_ops, l.t, l.n, 0, 0, NULL);
	assert_string_equal(s, s2);
	if (getenv("LH_UPDATE_GOLDEN") != NULL)	/* a sample, not compared */
		golden("three-paths.svg", s, len);
	free(s2);
	free(s);
	tl_free(&l);
}

static void
test_png(void **state)
{
	struct tlist l = { .n = 0 };
	char *s;
	size_t len;

	static const struct {
		const char *capture, *also, *sample;
	} pics[] = {
		{ HEALTHY, NULL, "healthy.png" },
		{ SILENT, NULL, "border-drop.png" },
		{ HEALTHY, TTK, "two-paths.png" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pics) / sizeof(pics[0]); i++) {
		tl_free(&l);
		replay_analyzed(pics[i].capture, &l);
		if (pics[i].also != NULL)
			replay_analyzed(pics[i].also, &l);
		s = draw(&diagram_png_ops, l.t, l.n, 0, 0, &len);
		assert_true(len > 1000);
		assert_memory_equal(s, "\x89PNG\r\n\x1a\n", 8);
		/* samples for a reader, not compared: fonts vary */
		if (getenv("LH_UPDATE_GOLDEN") != NULL)
			golden(pics[i].sample, s, len);
		free(s);
	}
	tl_free(&l);
}

/* Palette: the NK networks keep their slots; others never collide early. */
static void
test_palette(void **state)
{
	struct dg_palette p;
	int seen = 0, s;
	uint32_t asn;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(dg_palette_slot(&p, 0), -1);
	assert_int_equal(dg_palette_slot(&p, 131279), 2);
	assert_int_equal(dg_palette_slot(&p, 4837), 0);
	assert_int_equal(dg_palette_slot(&p, 20485), 1);
	assert_int_equal(dg_palette_slot(&p, 4837), 0);
	seen = 1 << 0 | 1 << 1 | 1 << 2;
	for (asn = 64512; asn < 64517; asn++) {
		s = dg_palette_slot(&p, asn);
		assert_true(s >= 0 && s < DG_PALETTE);
		assert_false(seen & (1 << s));
		seen |= 1 << s;
	}
	assert_true(dg_palette_slot(&p, 65000) >= 0);	/* full: shares */
}

static void
test_clean(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(dg_clean(out, sizeof(out), "a\033b\x7f\xc2\x9b",
	    0), "a?b??");
	assert_string_equal(dg_clean(out, sizeof(out), "\xff\xe2\x9c\x97 ok",
	    0), "?\u2717 ok");
	assert_string_equal(dg_clean(out, sizeof(out), "\u2717\\N",
	    DG_CLEAN_ASCII | DG_CLEAN_BACKSLASH), "?\\\\N");
	assert_string_equal(dg_clean(out, 4, "ab\u2717", 0), "ab");
	assert_string_equal(dg_clean(out, sizeof(out), "\xed\xa0\x80x", 0),
	    "???x");	/* a surrogate is not UTF-8 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_healthy),
		cmocka_unit_test(test_term_border_drop),
		cmocka_unit_test(test_term_nkquiet),
		cmocka_unit_test(test_term_utf8_color),
		cmocka_unit_test(test_term_several),
		cmocka_unit_test(test_term_hostile_strings),
		cmocka_unit_test(test_term_config_other_writer),
		cmocka_unit_test(test_dot_two_paths),
		cmocka_unit_test(test_dot_border_drop),
		cmocka_unit_test(test_dot_hidden_hop),
		cmocka_unit_test(test_dot_handoff_across_silence),
		cmocka_unit_test(test_ecmp),
		cmocka_unit_test(test_dot_empty),
		cmocka_unit_test(test_dot_hostile_strings),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_palette),
		cmocka_unit_test(test_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
