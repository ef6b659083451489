/*
 * test_analysis.c: handoff rules and verdicts on hand-made paths, against
 * the embedded dataset (and a few routes added by hand).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis.h"
#include "annotcmp.h"
#include "asmap.h"
#include "lh.h"
#include "model.h"
#include "verdict_text.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			(uint32_t)(c) << 8 | (uint32_t)(d))

static const uint32_t VP = IP(100, 64, 0, 2), ISP = IP(100, 64, 0, 1);
static const uint32_t CU1 = IP(219, 158, 3, 1), CU2 = IP(219, 158, 96, 2);
static const uint32_t NKBR = IP(219, 158, 97, 2);	/* CU-numbered border */
static const uint32_t NKBR_IN = IP(175, 45, 176, 1);
static const uint32_t NKIN = IP(175, 45, 176, 254), NKT = IP(175, 45, 176, 71);
static const uint32_t TTK = IP(188, 43, 225, 153), X = IP(5, 6, 7, 8);

/*
 * Hand-made networks (documentation AS numbers, RFC 5398) on addresses the
 * embedded data leaves unmapped: two transit carriers and a home ISP.
 */
static const uint32_t T1 = IP(5, 6, 8, 1), T1B = IP(5, 6, 8, 2);	/* AS64500 */
static const uint32_t T2 = IP(5, 6, 9, 1), T2B = IP(5, 6, 9, 2);	/* AS64501 */
static const uint32_t H1 = IP(5, 6, 10, 1), H1B = IP(5, 6, 10, 2);	/* AS64502 */

static struct asmap *map;

static void
add_net(struct asmap_batch *b, uint32_t prefix, uint32_t asn, const char *name,
    const char *org)
{
	struct asmap_route r;
	char err[LH_ERRLEN];

	memset(&r, 0, sizeof(r));
	r.prefix = prefix;
	r.len = 24;
	r.asn = asn;
	assert_int_equal(asmap_batch_route(b, &r, err, sizeof(err)), 0);
	assert_int_equal(asmap_batch_asinfo(b, asn, name, NULL, org, "ZZ", err,
	    sizeof(err)), 0);
}

static int
setup(void **state)
{
	struct asmap_batch *b;
	char err[LH_ERRLEN];

	(void)state;
	map = asmap_new();
	assert_non_null(map);
	assert_int_equal(asmap_load_default(map, err, sizeof(err)), 0);
	b = asmap_batch_new(map, ASMAP_SRC_PFX2AS);
	assert_non_null(b);
	add_net(b, IP(5, 6, 8, 0), 64500, "EXAMPLE-TRANSIT-A",
	    "Example Transit A");
	add_net(b, IP(5, 6, 9, 0), 64501, "EXAMPLE-TRANSIT-B",
	    "Example Transit B");
	add_net(b, IP(5, 6, 10, 0), 64502, "EXAMPLE-HOME", "");
	assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	asmap_free(map);
	return 0;
}

/*
 * A trace from a list of hop answers: 0 = silent; each hop gets `q`
 * probes; the last answering hop may be marked unreachable with `code`.
 */
static struct trace *
mk(uint32_t dst, const uint32_t *hops, size_t nhops, int q, int unreach_code)
{
	struct trace *t = calloc(1, sizeof(*t));
	size_t h, i, n = 0, last = 0;
	char err[LH_ERRLEN];

	assert_non_null(t);
	t->src = VP;
	t->dst = dst;
	t->proto = 17;
	t->method = M_UDP;
	t->probes = calloc(nhops * (size_t)q, sizeof(*t->probes));
	assert_non_null(t->probes);
	for (h = 0; h < nhops; h++)
		if (hops[h] != 0)
			last = h;
	for (h = 0; h < nhops; h++)
		for (i = 0; i < (size_t)q; i++) {
			struct probe *p = &t->probes[n++];

			p->ttl = (uint8_t)(h + 1);
			p->tx_ns = (int64_t)n * 1000000;
			if (hops[h] == 0)
				continue;
			p->raddr = hops[h];
			p->rx_ns = p->tx_ns + 30000000;
			p->rkind = RK_TIME_EXCEEDED;
			if (hops[h] == dst) {
				p->rkind = RK_UNREACH;
				p->rcode = 3;
			} else if (h == last && unreach_code >= 0) {
				p->rkind = RK_UNREACH;
				p->rcode = (uint8_t)unreach_code;
			}
		}
	t->nprobes = n;
	t->first_ns = t->probes[0].tx_ns;
	t->last_ns = t->probes[n - 1].tx_ns;
	assert_int_equal(trace_build_hops(t, err, sizeof(err)), 0);
	trace_trim_past_destination(t);
	t->eof_ns = t->last_ns + 10000000000LL;
	t->stop = trace_stop_reason(t, 5, TRACE_WAIT_NS);
	return t;
}

static const struct analysis *
run(struct trace *t, const struct trace *baseline)
{
	struct analysis_opts o = { .map = map, .baseline = baseline };
	char err[LH_ERRLEN];

	assert_int_equal(analyze_trace(t, &o, err, sizeof(err)), 0);
	assert_non_null(t->an);
	return t->an;
}

#define H(...) ((const uint32_t[]){ __VA_ARGS__ }), \
    (sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* The verdict's sentences, as every writer words them. */
static const char *
detail(const struct trace *t)
{
	static char buf[VT_MAX];

	return vt_detail(t->an, t, buf, sizeof(buf));
}

static const char *
handoff_text(const struct trace *t)
{
	static char buf[VT_MAX];

	return vt_handoff(t->an, buf, sizeof(buf));
}

/* The border router answers from China Unicom space: it is still NK's. */
static void
test_upstream_numbered_border(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->target_asn, 131279);
	assert_string_equal(an->upstream_source, "embedded");
	assert_true(an->has_handoff);
	assert_int_equal(an->ho_rule, HO_UPSTREAM_NUMBERED);
	assert_int_equal(an->ho_up_ttl, 3);
	assert_int_equal(an->ho_up_addr, CU2);
	assert_int_equal(an->ho_in_ttl, 4);
	assert_int_equal(an->ho_in_addr, NKBR);
	/* The whole sentence (it was once cut at 256 bytes). */
	assert_string_equal(handoff_text(t), "hop 4 219.158.97.2 (AS4837 "
	    "CHINA169-BACKBONE, CN) answers from upstream space, but the hop "
	    "after it is already inside Star Joint Venture Co. Ltd (AS131279), "
	    "so the link between them is internal to Star Joint Venture Co. "
	    "Ltd (AS131279): hop 4 is its border router");
	assert_int_equal(an->v.outcome, OUT_REACHED);
	assert_int_equal(analysis_annot(an, NKBR)->asn, 4837);
	assert_int_equal(analysis_annot(an, NKBR)->role, ROLE_UPSTREAM);
	assert_int_equal(analysis_annot(an, NKIN)->role, ROLE_TARGET);
	assert_int_equal(analysis_annot(an, ISP)->role, ROLE_PRIVATE);
	trace_free(t);
}

/* The interconnect numbered from the target's space: plain adjacency. */
static void
test_adjacent(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, NKBR_IN, NKT), 3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	/* CU2 followed by a target hop: CU2 is taken as the border... */
	assert_true(an->has_handoff);
	assert_int_equal(an->ho_rule, HO_UPSTREAM_NUMBERED);
	assert_int_equal(an->ho_in_addr, CU2);
	trace_free(t);
	/* ...unless the target hop after it is the destination itself. */
	t = mk(NKT, H(ISP, CU1, CU2, NKT), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->ho_rule, HO_ADJACENT);
	assert_int_equal(an->ho_up_addr, CU2);
	assert_int_equal(an->ho_in_addr, NKT);
	trace_free(t);
}

static void
test_across_silent_hops(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, 0, 0, NKT), 3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->ho_rule, HO_ACROSS_SILENT);
	assert_int_equal(an->ho_up_ttl, 3);
	assert_int_equal(an->ho_in_ttl, 6);
	assert_int_equal(an->v.outcome, OUT_REACHED);
	assert_non_null(strstr(detail(t), "2 earlier hops never answered"));
	trace_free(t);
}

/*
 * Dying at the target's first answering hop is dying at the handoff: here
 * it is seen across silent hops, so its own address is the target's.
 */
static void
test_dies_at_targets_first_hop(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, 0, NKIN, 0, 0, 0, 0, 0), 3,
	    -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->ho_rule, HO_ACROSS_SILENT);
	assert_int_equal(an->ho_in_ttl, 5);
	assert_int_equal(analysis_annot(an, NKIN)->role, ROLE_TARGET);
	assert_int_equal(an->v.outcome, OUT_DIED);
	assert_int_equal(an->v.last_addr, NKIN);
	assert_int_equal(an->v.where, WH_HANDOFF);
	trace_free(t);
}

/* Died after an upstream router: undecided without a baseline. */
static void
test_undecided_without_baseline(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, 0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->v.outcome, OUT_DIED);
	assert_int_equal(an->v.where, WH_NONE);
	assert_int_equal(an->v.cand[0], WH_UPSTREAM);
	assert_int_equal(an->v.cand[1], WH_HANDOFF);
	assert_int_equal(an->v.last_addr, CU2);
	assert_int_equal(an->v.reason, VR_SILENT);
	assert_non_null(strstr(detail(t), "without a baseline"));
	trace_free(t);
}

/* The same death, placed by the baseline. */
static void
test_baseline_places_death(void **state)
{
	struct trace *b = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, 0, 0, 0, 0, 0), 3, -1);
	struct trace *u = mk(NKT, H(ISP, CU1, 0, 0, 0, 0, 0), 3, -1);
	struct trace *n = mk(NKT, H(ISP, CU1, CU2, NKBR, 0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an;

	(void)state;
	an = run(t, b);
	assert_int_equal(an->v.where, WH_HANDOFF);
	assert_int_equal(an->v.depart_ttl, 4);
	assert_non_null(strstr(detail(t), "border router"));
	assert_non_null(strstr(detail(t), "219.158.97.2"));
	an = run(u, b);
	assert_int_equal(an->v.where, WH_UPSTREAM);
	assert_int_equal(an->v.depart_ttl, 3);
	an = run(n, b);		/* the CU-numbered border answers, no further */
	assert_int_equal(an->v.where, WH_HANDOFF);
	assert_int_equal(an->v.last_addr, NKBR);
	trace_free(b);
	trace_free(t);
	trace_free(u);
	trace_free(n);
}

static void
test_inside_target(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, 0, 0, 0, 0, 0), 3,
	    -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->v.outcome, OUT_DIED);
	assert_int_equal(an->v.where, WH_TARGET);
	assert_int_equal(an->v.last_addr, NKIN);
	trace_free(t);
}

/* Loud deaths: who refused, with which code. */
static void
test_loud(void **state)
{
	struct trace *t = mk(NKT, H(ISP, ISP), 3, 0);	/* net unreachable */
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(t->stop, STOP_UNREACHABLE);
	assert_int_equal(an->v.where, WH_TRANSIT);
	assert_int_equal(an->v.reason, VR_UNREACHABLE);
	assert_int_equal(an->v.unreach_code, 0);
	assert_non_null(strstr(detail(t), "network unreachable"));
	trace_free(t);
	t = mk(NKT, H(ISP, CU1, CU2, CU2), 3, 13);	/* admin prohibited */
	an = run(t, NULL);
	assert_int_equal(an->v.reason, VR_UNREACHABLE);
	assert_int_equal(an->v.unreach_code, 13);
	assert_non_null(strstr(detail(t), "administratively prohibited"));
	trace_free(t);
}

/* Dies in a third network before the upstream: transit. */
static void
test_transit(void **state)
{
	struct trace *t = mk(NKT, H(ISP, X, 0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->v.where, WH_TRANSIT);
	assert_int_equal(an->v.last_addr, X);
	trace_free(t);
}

/* The TransTeleCom path: the published last hop is the handoff. */
static void
test_ttk_published_last_hop(void **state)
{
	struct trace *t = mk(IP(175, 45, 177, 10), H(ISP, TTK, 0, 0, 0, 0, 0),
	    3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(analysis_annot(an, TTK)->asn, 20485);
	assert_int_equal(analysis_annot(an, TTK)->role, ROLE_UPSTREAM);
	assert_int_equal(an->v.where, WH_HANDOFF);
	trace_free(t);
}

/* Some probes lost at the last hop: rate limited, still the last answer. */
static void
test_rate_limited_last_hop(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, 0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an;

	(void)state;
	t->probes[7].rkind = RK_NONE;	/* hop 3, second probe lost */
	t->replies = 0;
	an = run(t, NULL);
	assert_true(an->v.rate_limited);
	assert_non_null(strstr(detail(t), "rate limited"));
	trace_free(t);
}

/* A resolver's name fills in what the AS data lacks. */
static int
fake_resolve(void *arg, uint32_t addr, char *buf, size_t len)
{
	(void)arg;
	if (addr != X)
		return -1;
	strncpy(buf, "Star-gw.transtelecom.net", len);
	return 0;
}

static void
test_hostname_hint(void **state)
{
	struct trace *t = mk(NKT, H(ISP, X, 0, 0, 0, 0, 0), 3, -1);
	struct analysis_opts o = { .map = map, .resolve = fake_resolve };
	char err[LH_ERRLEN];
	const struct annot *a;

	(void)state;
	assert_int_equal(analyze_trace(t, &o, err, sizeof(err)), 0);
	a = analysis_annot(t->an, X);
	assert_non_null(a);
	assert_string_equal(a->name, "Star-gw.transtelecom.net");
	assert_int_equal(a->asn, 20485);
	assert_true(a->hinted);
	assert_int_equal(a->role, ROLE_UPSTREAM);
	trace_free(t);
}

static const uint32_t KPHOST = IP(5, 6, 7, 9);	/* no AS data, a .kp name */

static int
kp_resolve(void *arg, uint32_t addr, char *buf, size_t len)
{
	(void)arg;
	if (addr != KPHOST)
		return -1;
	strncpy(buf, "gw1.star-jv.kp", len);
	return 0;
}

/*
 * A .kp name puts a hop without AS data inside North Korea's network when
 * the target is North Korea's; towards another target it says nothing of
 * the hop's role.
 */
static void
test_kp_name_inside_nk_target(void **state)
{
	struct analysis_opts o = { .map = map, .resolve = kp_resolve };
	char err[LH_ERRLEN];
	struct trace *t;
	const struct annot *a;

	(void)state;
	t = mk(NKT, H(ISP, CU1, CU2, KPHOST, 0, 0), 3, -1);
	assert_int_equal(analyze_trace(t, &o, err, sizeof(err)), 0);
	a = analysis_annot(t->an, KPHOST);
	assert_non_null(a);
	assert_int_equal(a->asn, 0);
	assert_true(a->flags & ASMAP_F_NK_INSIDE);
	assert_int_equal(a->role, ROLE_TARGET);
	trace_free(t);

	t = mk(X, H(ISP, CU1, KPHOST, 0, 0), 3, -1);
	assert_int_equal(analyze_trace(t, &o, err, sizeof(err)), 0);
	a = analysis_annot(t->an, KPHOST);
	assert_non_null(a);
	assert_int_not_equal(a->role, ROLE_TARGET);
	assert_int_equal(a->role, ROLE_UNKNOWN);
	trace_free(t);
}

/* The same annotations and sentences, field by field. */
static void
assert_same_analysis(const struct trace *tx, const struct trace *ty)
{
	const struct analysis *x = tx->an, *y = ty->an;
	char a[VT_MAX], b[VT_MAX];
	size_t i;

	assert_int_equal(x->nannots, y->nannots);
	for (i = 0; i < x->nannots; i++)
		same_annot(&x->annots[i], &y->annots[i], 1);
	assert_string_equal(vt_handoff(x, a, sizeof(a)),
	    vt_handoff(y, b, sizeof(b)));
	assert_string_equal(vt_detail(x, tx, a, sizeof(a)),
	    vt_detail(y, ty, b, sizeof(b)));
}

static unsigned resolver_calls;

static int
counting_resolve(void *arg, uint32_t addr, char *buf, size_t len)
{
	resolver_calls++;
	return fake_resolve(arg, addr, buf, len);
}

/*
 * A run's annotation cache changes nothing: every trace analysed through
 * it (into a cache already full of other addresses, again from the cache,
 * and after other addresses have pushed its own out) matches the same
 * trace analysed without it.
 */
static void
test_annot_cache(void **state)
{
	struct annot_cache *c = annot_cache_new();
	struct analysis_opts plain = { .map = map, .resolve = counting_resolve };
	struct analysis_opts cached = plain;
	char err[LH_ERRLEN];
	struct trace *t[4], *u, *filler;
	uint32_t hops[200];
	unsigned calls;
	size_t i, k, r;

	(void)state;
	assert_non_null(c);
	cached.cache = c;
	t[0] = mk(NKT, H(ISP, X, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	t[1] = mk(NKT, H(ISP, CU1, CU2, NKBR, 0, 0), 3, -1);
	t[2] = mk(NKT, H(ISP, TTK, NKBR_IN, 0), 3, 13);
	t[3] = mk(X, H(ISP, CU1, X), 2, -1);
	for (r = 0; r < 3; r++) {
		if (r != 1) {
			/* 100 x 200 other addresses: more than the cache holds. */
			for (k = 0; k < 100; k++) {
				for (i = 0; i < 200; i++)
					hops[i] = IP(10, 1 + k, i / 100, i % 100 + 1);
				filler = mk(IP(10, 200, 0, 1), hops, 200, 1, -1);
				assert_int_equal(analyze_trace(filler, &cached,
				    err, sizeof(err)), 0);
				trace_free(filler);
			}
		}
		for (i = 0; i < 4; i++) {
			assert_int_equal(analyze_trace(t[i], &cached, err,
			    sizeof(err)), 0);
			calls = resolver_calls;
			u = calloc(1, sizeof(*u));
			assert_non_null(u);
			*u = *t[i];
			u->an = NULL;
			assert_int_equal(analyze_trace(u, &plain, err,
			    sizeof(err)), 0);
			assert_true(resolver_calls > calls);
			assert_same_analysis(t[i], u);
			analysis_free(u->an);
			free(u);
		}
	}
	/* Once cached, an address is not resolved again. */
	calls = resolver_calls;
	assert_int_equal(analyze_trace(t[0], &cached, err, sizeof(err)), 0);
	assert_int_equal(resolver_calls, calls);
	for (i = 0; i < 4; i++)
		trace_free(t[i]);
	annot_cache_free(c);
}

static void
test_no_data(void **state)
{
	struct trace *t = mk(NKT, H(0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an = run(t, NULL);

	(void)state;
	assert_int_equal(an->v.outcome, OUT_NODATA);
	assert_false(an->v.has_last);
	trace_free(t);
}


/* ---- issue 11: verdicts that hold on real paths ---- */

/*
 * Traffic dies right after the hop where it enters the upstream: the
 * first hop that departs from the baseline was China Unicom's last router,
 * so the death is in the upstream, not in the transit carrier that
 * answered last; the detail names both hops.
 */
static void
test_baseline_departure_decides(void **state)
{
	struct trace *b = mk(NKT, H(H1, T1, CU2, NKBR, NKIN, NKT), 3, -1);
	struct trace *t = mk(NKT, H(H1, T1, 0, 0, 0, 0, 0), 3, -1);
	struct trace *n = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	struct trace *u = mk(NKT, H(ISP, CU1, CU2, NKBR, 0, 0, 0, 0, 0), 3, -1);
	struct trace *w = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, 0, 0, 0, 0, 0), 3,
	    -1);
	const struct analysis *an;

	(void)state;
	an = run(t, NULL);	/* without the baseline: the last answer, transit */
	assert_int_equal(an->v.where, WH_TRANSIT);
	an = run(t, b);
	assert_int_equal(an->v.outcome, OUT_DIED);
	assert_int_equal(an->v.where, WH_UPSTREAM);
	assert_int_equal(an->v.depart_ttl, 3);
	assert_int_equal(an->v.depart_kind, BK_LAST_UPSTREAM);
	assert_int_equal(an->v.depart_addr, CU2);
	assert_int_equal(an->v.depart_net.asn, 4837);
	assert_int_equal(an->v.net.asn, 4837);
	assert_int_equal(an->v.last_addr, T1);
	assert_non_null(strstr(detail(t), "Traffic dies inside the upstream "
	    "CHINA UNICOM China169 Backbone (AS4837), before its handoff to"));
	assert_non_null(strstr(detail(t), "it dies at hop 3, which in the "
	    "baseline was the last router of CHINA UNICOM China169 Backbone "
	    "(AS4837) before the handoff, 219.158.96.2; hop 2 5.6.8.1 (AS64500 "
	    "EXAMPLE-TRANSIT-A, ZZ) is the last to answer"));
	/* The border router answers and forwards nothing: the handoff. */
	an = run(u, n);
	assert_int_equal(an->v.where, WH_HANDOFF);
	assert_int_equal(an->v.depart_ttl, 5);
	assert_int_equal(an->v.depart_kind, BK_INSIDE);
	/* Past the border, inside the target. */
	an = run(w, n);
	assert_int_equal(an->v.where, WH_TARGET);
	assert_int_equal(an->v.depart_kind, BK_DEST);
	trace_free(b);
	trace_free(t);
	trace_free(n);
	trace_free(u);
	trace_free(w);
}

/* Transit deaths name the transit network. */
static void
test_transit_named(void **state)
{
	struct trace *b = mk(NKT, H(H1, T1, T2, CU1, CU2, NKBR, NKIN, NKT), 3,
	    -1);
	struct trace *t = mk(NKT, H(H1, T1, 0, 0, 0, 0, 0), 3, -1);
	struct trace *p = mk(NKT, H(ISP, 0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an;

	(void)state;
	an = run(t, NULL);
	assert_int_equal(an->v.where, WH_TRANSIT);
	assert_int_equal(an->v.net.asn, 64500);
	assert_string_equal(an->v.net.name, "Example Transit A");
	assert_non_null(strstr(detail(t), "Traffic dies in transit inside "
	    "Example Transit A (AS64500), before the target's upstream: hop 2"));
	/* With the baseline, the carrier it no longer reaches. */
	an = run(t, b);
	assert_int_equal(an->v.where, WH_TRANSIT);
	assert_int_equal(an->v.depart_ttl, 3);
	assert_int_equal(an->v.net.asn, 64501);
	assert_non_null(strstr(detail(t), "Traffic dies in transit inside "
	    "Example Transit B (AS64501), before the target's upstream: it "
	    "dies at hop 3, which in the baseline was a router of Example "
	    "Transit B (AS64501), 5.6.9.1; hop 2 5.6.8.1"));
	/* A network without a name in the AS data: its number. */
	trace_free(t);
	t = mk(NKT, H(H1, 0, 0, 0, 0, 0), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->v.net.asn, 64502);
	assert_non_null(strstr(detail(t), "in transit inside EXAMPLE-HOME "
	    "(AS64502), before"));
	/* Private space only: no network to name. */
	an = run(p, NULL);
	assert_int_equal(an->v.where, WH_TRANSIT);
	assert_int_equal(an->v.net.asn, 0);
	assert_non_null(strstr(detail(p), "Traffic dies in transit, before "
	    "the target's upstream: hop 1"));
	trace_free(b);
	trace_free(t);
	trace_free(p);
}

/*
 * A routing loop between two China Unicom routers, one of which answers
 * from its transit neighbour's space: the loop includes an upstream
 * router, so it is in the upstream, whatever the last address.
 */
static void
test_loop_places(void **state)
{
	struct trace *t = mk(NKT, H(ISP, CU1, T1, CU1, T1, CU1, T1), 3, -1);
	const struct analysis *an;
	char buf[64];

	(void)state;
	assert_int_equal(t->stop, STOP_LOOP);
	an = run(t, NULL);
	assert_int_equal(an->v.reason, VR_LOOP);
	assert_int_equal(an->v.last_addr, T1);
	assert_int_equal(an->v.where, WH_UPSTREAM);
	assert_int_equal(an->v.net.asn, 4837);
	assert_int_equal(an->v.nloop, 2);
	assert_int_equal(an->v.loop_from, 2);
	assert_int_equal(an->v.loop_to, 7);
	assert_int_equal(an->v.loop[0].addr, CU1);
	assert_int_equal(an->v.loop[0].role, ROLE_UPSTREAM);
	assert_int_equal(an->v.loop[1].addr, T1);
	assert_int_equal(an->v.loop[1].role, ROLE_TRANSIT);
	assert_string_equal(vt_headline(&an->v, buf, sizeof(buf)),
	    "died at upstream (loop)");
	assert_non_null(strstr(detail(t), "is part of a routing loop between "
	    "hops 2 and 7, through 219.158.3.1 (AS4837 CHINA169-BACKBONE, CN) "
	    "and 5.6.8.1 (AS64500 EXAMPLE-TRANSIT-A, ZZ)."));
	trace_free(t);
	/*
	 * Upstream and target routers: at the handoff.  (CU2, just before
	 * the first target hop, reads as the target's border router.)
	 */
	t = mk(NKT, H(ISP, CU1, CU2, NKIN, CU1, CU2, NKIN), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->v.where, WH_HANDOFF);
	assert_int_equal(an->v.net.asn, 131279);
	trace_free(t);
	/* Target routers only: in the target. */
	t = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, NKBR_IN, NKIN, NKBR_IN), 3,
	    -1);
	an = run(t, NULL);
	assert_int_equal(an->v.where, WH_TARGET);
	trace_free(t);
	/* Transit routers only: in transit, named. */
	t = mk(NKT, H(H1, T1, T2, T1, T2, T1), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->v.where, WH_TRANSIT);
	assert_int_equal(an->v.net.asn, 64500);
	trace_free(t);
	/* More routers than kept: counted. */
	t = mk(NKT, H(ISP, CU1, T1, T1B, T2, T2B, H1, CU1, T1), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->v.nloop, V_LOOP_MAX);
	assert_int_equal(an->v.loop_more, 2);
	assert_non_null(strstr(detail(t), "and 2 more routers."));
	trace_free(t);
}

/* The loop's border router, known from the baseline, is the target's. */
static void
test_loop_baseline(void **state)
{
	struct trace *b = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	struct trace *t = mk(NKT, H(ISP, CU1, CU2, NKBR, CU2, NKBR, CU2), 3,
	    -1);
	const struct analysis *an;

	(void)state;
	an = run(t, NULL);
	assert_int_equal(an->v.where, WH_UPSTREAM);
	an = run(t, b);
	assert_int_equal(an->v.where, WH_HANDOFF);
	/* The first hop that leaves the baseline's path is named. */
	assert_int_equal(an->v.depart_ttl, 5);
	assert_non_null(strstr(detail(t), "it leaves the baseline's path at "
	    "hop 5, which was a router inside Star Joint Venture"));
	trace_free(b);
	trace_free(t);
}

static const struct border *
nth_border(const struct analysis *an, size_t i)
{
	assert_true(i < an->nborders);
	return &an->borders[i];
}

/* Border inference at every boundary, each rule named. */
static void
test_borders(void **state)
{
	struct trace *t;
	const struct analysis *an;
	const struct border *br;
	char buf[128];

	(void)state;
	/* Transit A's second hop is China Unicom's border router. */
	t = mk(NKT, H(ISP, T1, T1B, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->nborders, 2);
	br = nth_border(an, 0);
	assert_int_equal(br->rule, BR_NEIGHBOUR_NUMBERED);
	assert_false(br->handoff);
	assert_int_equal(br->from_ttl, 2);
	assert_int_equal(br->from_addr, T1);
	assert_int_equal(br->to_ttl, 3);
	assert_int_equal(br->to_addr, T1B);
	assert_int_equal(br->from_asn, 64500);
	assert_int_equal(br->to_asn, 4837);
	assert_string_equal(vt_border(br, buf, sizeof(buf)),
	    "hop 2 -> 3, AS64500 -> AS4837 (neighbour-numbered)");
	br = nth_border(an, 1);		/* the handoff, as before */
	assert_true(br->handoff);
	assert_int_equal(br->rule, BR_NEIGHBOUR_NUMBERED);
	assert_int_equal(br->from_ttl, 5);
	assert_int_equal(br->to_ttl, 6);
	assert_int_equal(br->to_addr, NKBR);
	assert_int_equal(br->to_asn, 131279);
	assert_int_equal(an->ho_rule, HO_UPSTREAM_NUMBERED);
	assert_int_equal(an->ho_in_ttl, 6);
	assert_int_equal(analysis_border_at(an, 3), &an->borders[0]);
	assert_null(analysis_border_at(an, 4));
	trace_free(t);
	/* One hop of the carrier: plain adjacency. */
	t = mk(NKT, H(ISP, T1, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	an = run(t, NULL);
	br = nth_border(an, 0);
	assert_int_equal(br->rule, BR_ADJACENT);
	assert_int_equal(br->from_addr, T1);
	assert_int_equal(br->to_addr, CU1);
	trace_free(t);
	/* Silent hops, or hops without AS data, between the networks. */
	t = mk(NKT, H(H1, H1B, 0, T1, T1B, 0, 0, 0, 0, 0), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->nborders, 1);
	assert_int_equal(nth_border(an, 0)->rule, BR_ACROSS_SILENT);
	assert_string_equal(vt_border(nth_border(an, 0), buf, sizeof(buf)),
	    "hop 2 -> 4, AS64502 -> AS64500 (across-silent-hops)");
	trace_free(t);
	t = mk(NKT, H(H1, ISP, T1, 0, 0, 0, 0, 0), 3, -1);
	an = run(t, NULL);
	assert_int_equal(nth_border(an, 0)->rule, BR_ACROSS_UNMAPPED);
	trace_free(t);
	/*
	 * Transit to transit: which carrier numbers the link is not known
	 * (a home ISP's step up into its provider is numbered from the
	 * provider's side), so the border is where the AS changes.
	 */
	t = mk(NKT, H(H1, H1B, T2, T2B, 0, 0, 0, 0, 0), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->nborders, 1);
	br = nth_border(an, 0);
	assert_int_equal(br->rule, BR_ADJACENT);
	assert_int_equal(br->from_addr, H1B);
	assert_int_equal(br->to_addr, T2);
	assert_int_equal(br->to_asn, 64501);
	trace_free(t);
	/* A silent hop before A's last: no router of A's own just before. */
	t = mk(NKT, H(ISP, T1, 0, T1B, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	an = run(t, NULL);
	br = nth_border(an, 0);
	assert_int_equal(br->rule, BR_ADJACENT);
	assert_int_equal(br->from_addr, T1B);
	assert_int_equal(br->to_addr, CU1);
	trace_free(t);
	/* Two of the target's upstreams in a row: no border between them. */
	t = mk(NKT, H(ISP, TTK, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	an = run(t, NULL);
	assert_int_equal(an->nborders, 1);
	assert_true(nth_border(an, 0)->handoff);
	trace_free(t);
}

/*
 * With the neighbour-numbered reading, a baseline hop answering from the
 * transit carrier's space is China Unicom's border router: a death there
 * is inside the upstream.
 */
static void
test_baseline_nb_border(void **state)
{
	struct trace *b = mk(NKT, H(ISP, T1, T1B, CU1, CU2, NKBR, NKIN, NKT), 3,
	    -1);
	struct trace *t = mk(NKT, H(ISP, T1, 0, 0, 0, 0, 0), 3, -1);
	const struct analysis *an;

	(void)state;
	an = run(t, b);
	assert_int_equal(an->v.depart_ttl, 3);
	assert_int_equal(an->v.depart_kind, BK_NB_BORDER);
	assert_int_equal(an->v.depart_net.asn, 4837);
	assert_int_equal(an->v.depart_space.asn, 64500);
	assert_int_equal(an->v.where, WH_UPSTREAM);
	assert_non_null(strstr(detail(t), "which in the baseline was the "
	    "border router of CHINA UNICOM China169 Backbone (AS4837) (numbered "
	    "from the space of Example Transit A (AS64500)), 5.6.8.2"));
	trace_free(b);
	trace_free(t);
}

static uint32_t resolved[64];
static size_t nresolved;

static int
recording_resolve(void *arg, uint32_t addr, char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	if (nresolved < 64)
		resolved[nresolved++] = addr;
	return -1;
}

static int
was_resolved(uint32_t addr)
{
	size_t i;

	for (i = 0; i < nresolved; i++)
		if (resolved[i] == addr)
			return 1;
	return 0;
}

/* The baseline is analysed once; each trace reuses that analysis. */
static void
test_baseline_analysed_once(void **state)
{
	struct trace *b = mk(NKT, H(ISP, CU1, CU2, NKBR, NKIN, NKT), 3, -1);
	struct trace *t = mk(NKT, H(ISP, CU1, 0, 0, 0, 0, 0), 3, -1);
	struct analysis_opts o = { .map = map, .resolve = recording_resolve };
	struct analysis *ba;
	struct verdict v1;
	char err[LH_ERRLEN], d1[VT_MAX];

	(void)state;
	ba = analyze_baseline(b, &o, err, sizeof(err));
	assert_non_null(ba);
	assert_true(ba->has_handoff);
	assert_int_equal(ba->v.outcome, OUT_REACHED);	/* zero: not decided */
	assert_true(was_resolved(NKIN));
	/* Given the analysis, the baseline's own addresses are not looked up. */
	nresolved = 0;
	o.baseline = b;
	o.baseline_an = ba;
	assert_int_equal(analyze_trace(t, &o, err, sizeof(err)), 0);
	assert_false(was_resolved(NKIN));
	assert_int_equal(t->an->v.where, WH_UPSTREAM);
	v1 = t->an->v;
	snprintf(d1, sizeof(d1), "%s", detail(t));
	/* Without it, analysed for this trace: the same verdict. */
	nresolved = 0;
	o.baseline_an = NULL;
	assert_int_equal(analyze_trace(t, &o, err, sizeof(err)), 0);
	assert_true(was_resolved(NKIN));
	assert_int_equal(v1.outcome, t->an->v.outcome);
	assert_int_equal(v1.where, t->an->v.where);
	assert_int_equal(v1.reason, t->an->v.reason);
	assert_int_equal(v1.depart_ttl, t->an->v.depart_ttl);
	assert_int_equal(v1.depart_kind, t->an->v.depart_kind);
	assert_int_equal(v1.depart_addr, t->an->v.depart_addr);
	assert_int_equal(v1.net.asn, t->an->v.net.asn);
	assert_string_equal(d1, detail(t));
	analysis_free(ba);
	trace_free(b);
	trace_free(t);
}

/* The headline words of each outcome, for every writer. */
static void
test_headlines(void **state)
{
	struct verdict v;
	char buf[96];

	(void)state;
	memset(&v, 0, sizeof(v));
	v.outcome = OUT_REACHED;
	v.reason = VR_REACHED;
	assert_string_equal(vt_headline(&v, buf, sizeof(buf)), "reached");
	v.outcome = OUT_INCOMPLETE;
	v.reason = VR_CAPTURE_ENDED;
	assert_string_equal(vt_headline(&v, buf, sizeof(buf)),
	    "incomplete (capture ended)");
	v.outcome = OUT_DIED;
	v.reason = VR_SILENT;
	v.cand[0] = WH_UPSTREAM;
	v.cand[1] = WH_HANDOFF;
	assert_string_equal(vt_headline(&v, buf, sizeof(buf)),
	    "died in upstream or at handoff (silent)");
	assert_string_equal(vt_where_words(&v),
	    "in the upstream or at the handoff");
	v.cand[0] = v.cand[1] = WH_NONE;
	v.where = WH_TRANSIT;
	v.reason = VR_UNREACHABLE;
	v.unreach_code = 13;
	assert_string_equal(vt_headline(&v, buf, sizeof(buf)),
	    "died at transit (unreachable)");
	assert_string_equal(vt_how(&v, buf, sizeof(buf)), "refused !X");
	v.outcome = OUT_NODATA;
	v.reason = VR_UNPLACED;
	assert_string_equal(vt_headline(&v, buf, sizeof(buf)), "no-data");
	assert_string_equal(reason_name(VR_AMBIGUOUS), "ambiguous replies");
	/* A short buffer: cut, terminated. */
	v.outcome = OUT_DIED;
	assert_string_equal(vt_headline(&v, buf, 8), "died at");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upstream_numbered_border),
		cmocka_unit_test(test_adjacent),
		cmocka_unit_test(test_across_silent_hops),
		cmocka_unit_test(test_dies_at_targets_first_hop),
		cmocka_unit_test(test_undecided_without_baseline),
		cmocka_unit_test(test_baseline_places_death),
		cmocka_unit_test(test_inside_target),
		cmocka_unit_test(test_loud),
		cmocka_unit_test(test_transit),
		cmocka_unit_test(test_ttk_published_last_hop),
		cmocka_unit_test(test_rate_limited_last_hop),
		cmocka_unit_test(test_hostname_hint),
		cmocka_unit_test(test_kp_name_inside_nk_target),
		cmocka_unit_test(test_annot_cache),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_baseline_departure_decides),
		cmocka_unit_test(test_transit_named),
		cmocka_unit_test(test_loop_places),
		cmocka_unit_test(test_loop_baseline),
		cmocka_unit_test(test_borders),
		cmocka_unit_test(test_baseline_nb_border),
		cmocka_unit_test(test_baseline_analysed_once),
		cmocka_unit_test(test_headlines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
