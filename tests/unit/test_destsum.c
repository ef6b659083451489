/*
 * test_destsum.c: one combined verdict per destination (destsum.c) and
 * its words (verdict_text.c), from traces with hand-set verdicts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis.h"
#include "destsum.h"
#include "model.h"
#include "verdict_text.h"

#define SRC	0x64400002u	/* 100.64.0.2 */
#define DST	0xaf2db047u	/* 175.45.176.71 */
#define DST2	0xaf2db10au	/* 175.45.177.10 */

/* A trace to dst whose verdict is outcome at where (no hops needed). */
static struct trace *
tr(uint32_t src, uint32_t dst, enum outcome o, enum where w)
{
	struct trace *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->src = src;
	t->dst = dst;
	t->an = calloc(1, sizeof(*t->an));
	assert_non_null(t->an);
	t->an->v.outcome = o;
	t->an->v.where = w;
	t->an->v.reason = o == OUT_REACHED ? VR_REACHED : VR_SILENT;
	if (o == OUT_DIED && w == WH_NONE) {
		t->an->v.cand[0] = WH_UPSTREAM;
		t->an->v.cand[1] = WH_HANDOFF;
	}
	return t;
}

/* Add traces t[0..n) in order from index base; free them (as writers do). */
static void
add(struct destsum *d, size_t base, struct trace **t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(destsum_add(d, base + i, t[i]), 0);
		trace_free(t[i]);
	}
}

static const struct dest_entry *
only(struct destsum *d, struct dest_verdict *dv)
{
	const struct dest_entry *e;

	assert_int_equal(destsum_count(d), 1);
	e = destsum_get(d, 0);
	assert_non_null(e);
	assert_int_equal(destsum_verdict(e, dv), 0);
	return e;
}

/*
 * A flow that lost the destination's answer (rate limiting) while another
 * reached it: the destination is reached, and the flows disagree.
 */
static void
test_reached_by_any(void **state)
{
	struct destsum *d = destsum_new();
	struct trace *t[3];
	struct dest_verdict dv;
	char buf[128];

	(void)state;
	assert_non_null(d);
	t[0] = tr(SRC, DST, OUT_DIED, WH_TARGET);
	t[0]->an->v.rate_limited = 1;
	t[1] = tr(SRC, DST, OUT_REACHED, WH_NONE);
	t[2] = tr(SRC, DST, OUT_REACHED, WH_NONE);
	add(d, 0, t, 3);
	only(d, &dv);
	assert_int_equal(dv.outcome, OUT_REACHED);
	assert_false(dv.agree);
	assert_int_equal(dv.reached, 2);
	assert_int_equal(dv.died, 1);
	assert_int_equal(dv.died_at[WH_TARGET], 1);
	assert_string_equal(vt_dest_headline(&dv, buf, sizeof(buf)),
	    "reached");
	assert_string_equal(vt_dest_detail(&dv, buf, sizeof(buf)),
	    "3 traces: 2 reached it, 1 died at target");
	destsum_free(d);
}

static void
test_died_agree(void **state)
{
	struct destsum *d = destsum_new();
	struct trace *t[3];
	struct dest_verdict dv;
	char buf[128];

	(void)state;
	t[0] = tr(SRC, DST, OUT_DIED, WH_UPSTREAM);
	t[1] = tr(SRC, DST, OUT_DIED, WH_UPSTREAM);
	t[2] = tr(SRC, DST, OUT_DIED, WH_UPSTREAM);
	add(d, 0, t, 3);
	only(d, &dv);
	assert_int_equal(dv.outcome, OUT_DIED);
	assert_int_equal(dv.where, WH_UPSTREAM);
	assert_true(dv.agree);
	assert_string_equal(vt_dest_headline(&dv, buf, sizeof(buf)),
	    "died at upstream");
	assert_string_equal(vt_dest_detail(&dv, buf, sizeof(buf)),
	    "all 3 traces agree");
	destsum_free(d);
}

/* Flows that died in different places: died, nowhere agreed. */
static void
test_died_disagree(void **state)
{
	struct destsum *d = destsum_new();
	struct trace *t[4];
	struct dest_verdict dv;
	char buf[160];

	(void)state;
	t[0] = tr(SRC, DST, OUT_DIED, WH_UPSTREAM);
	t[1] = tr(SRC, DST, OUT_DIED, WH_HANDOFF);
	t[2] = tr(SRC, DST, OUT_INCOMPLETE, WH_NONE);
	t[3] = tr(SRC, DST, OUT_DIED, WH_NONE);		/* undecided */
	add(d, 0, t, 4);
	only(d, &dv);
	assert_int_equal(dv.outcome, OUT_DIED);
	assert_int_equal(dv.where, WH_NONE);
	assert_false(dv.agree);
	assert_string_equal(vt_dest_headline(&dv, buf, sizeof(buf)), "died");
	assert_string_equal(vt_dest_detail(&dv, buf, sizeof(buf)),
	    "4 traces: 1 died at upstream, 1 died at handoff, 1 died, "
	    "undecided where, 1 incomplete");
	destsum_free(d);
	/* All undecided between the same two places: they agree on that. */
	d = destsum_new();
	t[0] = tr(SRC, DST, OUT_DIED, WH_NONE);
	t[1] = tr(SRC, DST, OUT_DIED, WH_NONE);
	add(d, 0, t, 2);
	only(d, &dv);
	assert_true(dv.agree);
	assert_string_equal(vt_dest_headline(&dv, buf, sizeof(buf)),
	    "died in upstream or at handoff");
	assert_string_equal(vt_dest_detail(&dv, buf, sizeof(buf)),
	    "both traces agree");
	destsum_free(d);
}

/* Incomplete and no-data flows: no place blamed. */
static void
test_incomplete(void **state)
{
	struct destsum *d = destsum_new();
	struct trace *t[2];
	struct dest_verdict dv;

	(void)state;
	t[0] = tr(SRC, DST, OUT_INCOMPLETE, WH_NONE);
	t[1] = tr(SRC, DST, OUT_NODATA, WH_NONE);
	add(d, 0, t, 2);
	only(d, &dv);
	assert_int_equal(dv.outcome, OUT_INCOMPLETE);
	assert_false(dv.agree);
	destsum_free(d);
}

/*
 * Destinations apart, in the order first seen; each keeps its trace
 * indices as ranges; a trace without a verdict is listed, not counted.
 */
static void
test_indices_and_order(void **state)
{
	struct destsum *d = destsum_new();
	const struct dest_entry *e;
	struct dest_verdict dv;
	struct trace *t;
	size_t i;

	(void)state;
	for (i = 0; i < 10; i++) {
		t = tr(i == 5 ? SRC + 1 : SRC, i % 2 ? DST : DST2, OUT_REACHED,
		    WH_NONE);
		if (i == 9) {
			free(t->an);
			t->an = NULL;
		}
		add(d, i, &t, 1);
	}
	assert_int_equal(destsum_count(d), 3);
	e = destsum_get(d, 0);		/* DST2: 0, 2, 4, 6, 8 */
	assert_int_equal(e->dst, DST2);
	assert_int_equal(e->ntraces, 5);
	assert_int_equal(e->nranges, 5);
	assert_int_equal(e->ranges[4][0], 8);
	e = destsum_get(d, 1);		/* DST: 1, 3, 7, 9 (9 without verdict) */
	assert_int_equal(e->dst, DST);
	assert_int_equal(e->src, SRC);
	assert_int_equal(e->ntraces, 4);
	assert_int_equal(destsum_verdict(e, &dv), 0);
	assert_int_equal(dv.ntraces, 3);
	e = destsum_get(d, 2);		/* another source: its own entry */
	assert_int_equal(e->src, SRC + 1);
	assert_int_equal(e->ntraces, 1);
	assert_null(destsum_get(d, 3));
	destsum_free(d);
	/* Consecutive indices: one range. */
	d = destsum_new();
	for (i = 0; i < 1000; i++) {
		t = tr(SRC, DST, OUT_REACHED, WH_NONE);
		add(d, i, &t, 1);
	}
	e = destsum_get(d, 0);
	assert_int_equal(e->nranges, 1);
	assert_int_equal(e->ranges[0][1], 999);
	destsum_free(d);
}

/* Many destinations (a sweep): each found again, none mixed up. */
static void
test_many_destinations(void **state)
{
	struct destsum *d = destsum_new();
	const struct dest_entry *e;
	struct trace *t;
	size_t i, k;

	(void)state;
	for (k = 0; k < 3; k++)
		for (i = 0; i < 1024; i++) {
			t = tr(SRC, 0x0a000000u + (uint32_t)i,
			    k == 1 ? OUT_REACHED : OUT_DIED, WH_TRANSIT);
			add(d, k * 1024 + i, &t, 1);
		}
	assert_int_equal(destsum_count(d), 1024);
	for (i = 0; i < 1024; i++) {
		e = destsum_get(d, i);
		assert_int_equal(e->dst, 0x0a000000u + (uint32_t)i);
		assert_int_equal(e->ntraces, 3);
		assert_int_equal(e->reached, 1);
		assert_int_equal(e->died_at[WH_TRANSIT], 2);
		assert_int_equal(e->ranges[2][0], 2048 + i);
	}
	destsum_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reached_by_any),
		cmocka_unit_test(test_died_agree),
		cmocka_unit_test(test_died_disagree),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_indices_and_order),
		cmocka_unit_test(test_many_destinations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
