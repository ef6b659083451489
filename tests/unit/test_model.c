/*
 * test_model.c: stop reasons and incomplete traces, from hand-made traces
 * with chosen send times, answer times and capture ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lh.h"
#include "model.h"

#define MS	1000000LL
#define SEC	(1000 * MS)
#define DST	0x0a000009u	/* 10.0.0.9 */

/*
 * One case: hop h (TTL h + 1) is answered by router 10.0.0.(h+1) when
 * pattern[h] is 'r', by the destination when 'd', with an unreachable
 * when 'u', is silent when '.'.  Hop h's one probe is sent at tx[h] ms,
 * answers come rtt ms later, and the capture's last packet is at eof ms
 * (0: the trace's last probe or answer, whichever is later).
 */
struct stop_case {
	const char	*name;
	const char	*pattern;
	int64_t		 tx[12];
	int64_t		 rtt, eof;
	int		 gap;
	int64_t		 max_wait;	/* 0: pasted text (no timing) */
	enum stop_reason want;
	int		 incomplete;
};

static const struct stop_case cases[] = {
	{ "reached", "rrd", { 0, 1, 2 }, 10, 0, 5, 5 * SEC,
	  STOP_COMPLETED, 0 },
	{ "unreachable ends it", "rru", { 0, 1, 2 }, 10, 0, 5, 5 * SEC,
	  STOP_UNREACHABLE, 0 },
	/* silent hops probed long before the end: a real gap */
	{ "gap, each hop waited for", "rr.....",
	  { 0, 1000, 2000, 3000, 4000, 5000, 6000 }, 10, 9000, 5, 5 * SEC,
	  STOP_GAP_LIMIT, 0 },
	/* one burst of TTLs, cut as the first answers come: nobody waited */
	{ "burst cut after the first answers", "rr.....",
	  { 0, 0, 0, 0, 0, 0, 0 }, 10, 12, 5, 5 * SEC,
	  STOP_CAPTURE_ENDED, 1 },
	/* the same burst, but the capture ran on for a while */
	{ "burst waited for", "rr.....",
	  { 0, 0, 0, 0, 0, 0, 0 }, 10, 5000, 5, 5 * SEC,
	  STOP_GAP_LIMIT, 0 },
	/* exactly one wait (10 x 10 ms) after the silent probes: waited */
	{ "burst waited exactly one wait", "rr.....",
	  { 0, 0, 0, 0, 0, 0, 0 }, 10, 100, 5, 5 * SEC,
	  STOP_GAP_LIMIT, 0 },
	{ "burst one tick short of a wait", "rr.....",
	  { 0, 0, 0, 0, 0, 0, 0 }, 10, 99, 5, 5 * SEC,
	  STOP_CAPTURE_ENDED, 1 },
	/* the wait never exceeds max_wait, however slow the answers */
	{ "wait capped by --late", "rr.....",
	  { 0, 0, 0, 0, 0, 0, 0 }, 2000, 2500, 5, 1 * SEC,
	  STOP_GAP_LIMIT, 0 },
	/* the capture stops right after an answered probe */
	{ "cut while answering", "rrrr", { 0, 1, 2, 3 }, 10, 0, 5, 5 * SEC,
	  STOP_CAPTURE_ENDED, 1 },
	/* the tool stopped at its last TTL while hops still answered */
	{ "hop limit while answering", "rrrr", { 0, 1000, 2000, 3000 }, 10,
	  9000, 5, 5 * SEC, STOP_HOP_LIMIT, 1 },
	/* the tool stopped after silent hops it had waited for: died */
	{ "hop limit after silence", "rr..", { 0, 1000, 2000, 3000 }, 10,
	  9000, 5, 5 * SEC, STOP_HOP_LIMIT, 0 },
	/* fewer silent hops than the gap, the last one not waited for */
	{ "cut in silence", "rr..", { 0, 1000, 2000, 3000 }, 10, 3050, 5,
	  5 * SEC, STOP_CAPTURE_ENDED, 1 },
	/* gap hops waited for, a later one not: still a gap */
	{ "gap reached before the cut", "rr......",
	  { 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000 }, 10, 7001, 5,
	  5 * SEC, STOP_GAP_LIMIT, 0 },
	/* pasted text: the hops alone decide */
	/* pasted text: the hops alone decide, and whether the text says the
	   tool finished (eof far past the last probe) or is cut (eof at it) */
	{ "text: gap", "rr.....", { 0, 1, 2, 3, 4, 5, 6 }, 0, 0, 5, 0,
	  STOP_GAP_LIMIT, 0 },
	{ "text: cut paste", "rr..", { 0, 1, 2, 3 }, 0, 0, 5, 0,
	  STOP_CAPTURE_ENDED, 1 },
	{ "text: cut paste while answering", "rrr", { 0, 1, 2 }, 0, 0, 5, 0,
	  STOP_CAPTURE_ENDED, 1 },
	{ "text: tool finished", "rr..", { 0, 1, 2, 3 }, 0, 1000000, 5, 0,
	  STOP_HOP_LIMIT, 0 },
	{ "text: tool finished at its limit", "rrr", { 0, 1, 2 }, 0, 1000000,
	  5, 0, STOP_HOP_LIMIT, 1 },
};

static struct trace *
mk(const struct stop_case *c)
{
	struct trace *t = calloc(1, sizeof(*t));
	size_t h, n = strlen(c->pattern);
	int64_t last = 0;
	char err[LH_ERRLEN];

	assert_non_null(t);
	t->dst = DST;
	t->proto = 17;
	t->method = M_UDP;
	t->probes = calloc(n, sizeof(*t->probes));
	assert_non_null(t->probes);
	for (h = 0; h < n; h++) {
		struct probe *p = &t->probes[h];

		p->ttl = (uint8_t)(h + 1);
		p->tx_ns = c->tx[h] * MS;
		if (p->tx_ns > last)
			last = p->tx_ns;
		if (c->pattern[h] == '.')
			continue;
		p->rx_ns = p->tx_ns + c->rtt * MS;
		if (p->rx_ns > last)
			last = p->rx_ns;
		p->raddr = c->pattern[h] == 'd' ? DST : 0x0a000001u + (uint32_t)h;
		p->rkind = RK_TIME_EXCEEDED;
		if (c->pattern[h] == 'd') {
			p->rkind = RK_UNREACH;
			p->rcode = 3;
		} else if (c->pattern[h] == 'u') {
			p->rkind = RK_UNREACH;
			p->rcode = 1;
		}
	}
	t->nprobes = n;
	t->first_ns = t->probes[0].tx_ns;
	t->last_ns = t->probes[n - 1].tx_ns;
	for (h = 0; h < n; h++)
		if (t->probes[h].tx_ns > t->last_ns)
			t->last_ns = t->probes[h].tx_ns;
	t->eof_ns = c->eof != 0 ? c->eof * MS : last;
	assert_int_equal(trace_build_hops(t, err, sizeof(err)), 0);
	return t;
}

static void
test_stop_reasons(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct stop_case *c = &cases[i];
		struct trace *t = mk(c);

		t->stop = trace_stop_reason(t, c->gap, c->max_wait);
		if (t->stop != c->want || trace_incomplete(t) != c->incomplete)
			fail_msg("%s: stop %s, incomplete %d; want %s, %d",
			    c->name, stop_name(t->stop), trace_incomplete(t),
			    stop_name(c->want), c->incomplete);
		trace_free(t);
	}
}

/* The wait: ten slowest answers, late ones aside, within its bounds. */
static void
test_wait(void **state)
{
	static const struct stop_case c = { "wait", "rrr", { 0, 1, 2 }, 3, 0,
	    5, 5 * SEC, STOP_NONE, 0 };
	struct trace *t = mk(&c);

	(void)state;
	assert_int_equal(trace_wait_ns(t, 5 * SEC), 30 * MS);
	assert_int_equal(trace_wait_ns(t, 20 * MS), 20 * MS);
	t->probes[1].rx_ns = t->probes[1].tx_ns + 50 * MS;
	assert_int_equal(trace_wait_ns(t, 5 * SEC), 500 * MS);
	t->probes[1].late = 1;		/* a late answer sets no wait */
	assert_int_equal(trace_wait_ns(t, 5 * SEC), 30 * MS);
	t->probes[0].rx_ns = t->probes[0].tx_ns;	/* 0 ms answers */
	t->probes[2].rx_ns = t->probes[2].tx_ns;
	assert_int_equal(trace_wait_ns(t, 5 * SEC), TRACE_WAIT_MIN_NS);
	trace_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_reasons),
		cmocka_unit_test(test_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
