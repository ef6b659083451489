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

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			(uint32_t)(c) << 8 | (uint32_t)(d))

static const uint32_t VP = IP(100, 64, 0, 2), ISP = IP(100, 64, 0, 1);
static const uint32_t CU1 = IP(219, 158, 3, 1), CU2 = IP(219, 158, 96, 2);
static const uint32_t NKBR = IP(219, 158, 97, 2);	/* CU-numbered border */
static const uint32_t NKBR_IN = IP(175, 45, 176, 1);
static const uint32_t NKIN = IP(175, 45, 176, 254), NKT = IP(175, 45, 176, 71);
static const uint32_t TTK = IP(188, 43, 225, 153), X = IP(5, 6, 7, 8);

static struct asmap *map;

static int
setup(void **state)
{
	char err[LH_ERRLEN];

	(void)state;
	map = asmap_new();
	assert_non_null(map);
	assert_int_equal(asmap_load_default(map, err, sizeof(err)), 0);
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
	t->stop = trace_stop_reason(t, 5, t->last_ns + 10000000000LL);
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
	assert_string_equal(an->ho_rule, "upstream-numbered-border");
	assert_int_equal(an->ho_up_ttl, 3);
	assert_int_equal(an->ho_up_addr, CU2);
	assert_int_equal(an->ho_in_ttl, 4);
	assert_int_equal(an->ho_in_addr, NKBR);
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
	assert_string_equal(an->ho_rule, "upstream-numbered-border");
	assert_int_equal(an->ho_in_addr, CU2);
	trace_free(t);
	/* ...unless the target hop after it is the destination itself. */
	t = mk(NKT, H(ISP, CU1, CU2, NKT), 3, -1);
	an = run(t, NULL);
	assert_string_equal(an->ho_rule, "adjacent");
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
	assert_string_equal(an->ho_rule, "across-silent-hops");
	assert_int_equal(an->ho_up_ttl, 3);
	assert_int_equal(an->ho_in_ttl, 6);
	assert_int_equal(an->v.outcome, OUT_REACHED);
	assert_non_null(strstr(an->v.detail, "2 earlier hops never answered"));
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
	assert_string_equal(an->ho_rule, "across-silent-hops");
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
	assert_string_equal(an->v.reason, "silent");
	assert_non_null(strstr(an->v.detail, "without a baseline"));
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
	assert_non_null(strstr(an->v.detail, "border router"));
	assert_non_null(strstr(an->v.detail, "219.158.97.2"));
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
	assert_string_equal(an->v.reason, "unreachable");
	assert_int_equal(an->v.unreach_code, 0);
	assert_non_null(strstr(an->v.detail, "network unreachable"));
	trace_free(t);
	t = mk(NKT, H(ISP, CU1, CU2, CU2), 3, 13);	/* admin prohibited */
	an = run(t, NULL);
	assert_string_equal(an->v.reason, "unreachable");
	assert_int_equal(an->v.unreach_code, 13);
	assert_non_null(strstr(an->v.detail, "administratively prohibited"));
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
	assert_non_null(strstr(an->v.detail, "rate limited"));
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
assert_same_analysis(const struct analysis *x, const struct analysis *y)
{
	size_t i;

	assert_int_equal(x->nannots, y->nannots);
	for (i = 0; i < x->nannots; i++)
		same_annot(&x->annots[i], &y->annots[i], 1);
	assert_string_equal(x->ho_detail, y->ho_detail);
	assert_string_equal(x->v.detail, y->v.detail);
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
			assert_same_analysis(t[i]->an, u->an);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
