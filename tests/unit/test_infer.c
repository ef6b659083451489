/*
 * test_infer.c: TTLs of probes missing from a capture, from tables of
 * replies (who answered, its IP TTL, the counters its quote holds).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "infer.h"

#define GW	0x64400001u	/* 100.64.0.1 */
#define R(n)	(0xdb9e0000u + (n))	/* 219.158.0.n */
#define DST	0xaf2db047u	/* 175.45.176.71 */
#define MAXR	32

/* A reply: from, its IP TTL, counter 0 (and 1); want: the TTL, 0 none. */
struct row {
	uint32_t	from;
	uint8_t		rttl;
	uint32_t	c0, c1;
	uint8_t		own_ttl;
	uint8_t		want;
};

struct icase {
	const char	*name;
	struct row	 r[MAXR];
	size_t		 n;
	uint32_t	 base0;		/* a known first value of counter 0 */
	enum infer_rule	 rule;
	unsigned	 q;
};


static const struct icase cases[] = {
	{ "classic traceroute, the tool's first port", {
	    { GW, 64, 33434, 0, 0, 1 }, { GW, 64, 33435, 0, 0, 1 },
	    { GW, 64, 33436, 0, 0, 1 }, { R(1), 254, 33437, 0, 0, 2 },
	    { R(1), 254, 33438, 0, 0, 2 }, { R(2), 253, 33440, 0, 0, 3 },
	    { DST, 60, 33443, 0, 0, 4 }, { DST, 60, 33444, 0, 0, 4 } },
	  8, 33434, INFER_COUNTER, 3 },
	/* hop 1 never answers: the tool's numbering still places hop 2 */
	{ "first hop silent", {
	    { R(1), 254, 33437, 0, 0, 2 }, { R(1), 254, 33439, 0, 0, 2 },
	    { R(2), 253, 33440, 0, 0, 3 }, { R(2), 253, 33442, 0, 0, 3 },
	    { DST, 60, 33443, 0, 0, 4 } },
	  5, 33434, INFER_COUNTER, 3 },
	/* tracert: the sequence starts anywhere; the IP TTLs anchor it */
	{ "unknown first value, anchored by reply TTLs", {
	    { GW, 64, 2593, 0, 0, 1 }, { GW, 64, 2594, 0, 0, 1 },
	    { GW, 64, 2595, 0, 0, 1 }, { R(1), 254, 2596, 0, 0, 2 },
	    { R(1), 254, 2597, 0, 0, 2 }, { R(1), 254, 2598, 0, 0, 2 },
	    { R(2), 253, 2599, 0, 0, 3 }, { R(2), 253, 2601, 0, 0, 3 },
	    { DST, 61, 2602, 0, 0, 4 }, { DST, 61, 2603, 0, 0, 4 } },
	  10, 0, INFER_COUNTER, 3 },
	/* the same, but the IP TTLs disagree with every grouping */
	{ "unknown first value, reply TTLs that contradict", {
	    { GW, 64, 2593, 0, 0, 0 }, { GW, 64, 2594, 0, 0, 0 },
	    { R(1), 200, 2596, 0, 0, 0 }, { R(1), 200, 2597, 0, 0, 0 },
	    { R(2), 30, 2599, 0, 0, 0 }, { R(2), 30, 2600, 0, 0, 0 },
	    { DST, 61, 2602, 0, 0, 0 } },
	  7, 0, INFER_NONE, 0 },
	/* lasthop's own fields name the TTL; its payload magic is quoted */
	{ "lasthop's own TTL fields", {
	    { GW, 64, 9, 0, 1, 1 }, { R(1), 254, 7, 0, 2, 2 },
	    { R(2), 253, 3, 0, 3, 3 }, { DST, 60, 5, 0, 4, 4 } },
	  4, 0, INFER_OWN, 0 },
	/* mtr: one per TTL per round, the counter running on */
	{ "mtr rounds", {
	    { GW, 64, 33000, 0, 0, 1 }, { R(1), 254, 33001, 0, 0, 2 },
	    { R(2), 253, 33002, 0, 0, 3 }, { DST, 61, 33003, 0, 0, 4 },
	    { DST, 61, 33004, 0, 0, 5 }, { GW, 64, 33005, 0, 0, 1 },
	    { R(1), 254, 33006, 0, 0, 2 }, { R(2), 253, 33007, 0, 0, 3 },
	    { DST, 61, 33008, 0, 0, 4 }, { R(1), 254, 33010, 0, 0, 2 },
	    { DST, 61, 33012, 0, 0, 4 } },
	  11, 33000, INFER_ROUNDS, 0 },
	/* load balancing: two routers share TTL 2 */
	{ "two routers at one TTL", {
	    { GW, 64, 33434, 0, 0, 1 }, { GW, 64, 33435, 0, 0, 1 },
	    { GW, 64, 33436, 0, 0, 1 }, { R(1), 254, 33437, 0, 0, 2 },
	    { R(5), 254, 33438, 0, 0, 2 }, { R(1), 254, 33439, 0, 0, 2 },
	    { DST, 60, 33440, 0, 0, 3 } },
	  7, 33434, INFER_COUNTER, 3 },
	/* two replies fit some order by chance: a counter needs three */
	{ "two replies", {
	    { GW, 64, 33434, 0, 0, 0 }, { R(1), 254, 33437, 0, 0, 0 } },
	  2, 33434, INFER_NONE, 0 },
	/* one reply: nothing to read an order from */
	{ "a lone reply", { { R(1), 254, 33437, 0, 0, 0 } },
	  1, 33434, INFER_NONE, 0 },
	/* a counter that does not count: the same value everywhere */
	{ "no counter", {
	    { GW, 64, 7, 7, 0, 0 }, { R(1), 254, 7, 7, 0, 0 },
	    { DST, 60, 7, 7, 0, 0 } },
	  3, 0, INFER_NONE, 0 },
	/* the second counter is the one that counts (scamper's IP ID) */
	{ "the second field counts", {
	    { GW, 64, 500, 1, 0, 1 }, { R(1), 254, 500, 2, 0, 2 },
	    { R(2), 253, 500, 3, 0, 3 }, { DST, 61, 500, 4, 0, 4 } },
	  4, 0, INFER_COUNTER, 1 },
};

static void
test_cases(void **state)
{
	struct infer_reply in[MAXR];
	struct infer_bases bases[INFER_COUNTERS];
	struct infer_result res;
	uint8_t ttl[MAXR];
	size_t i, k, placed, want_placed;
	uint32_t b;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct icase *c = &cases[i];

		memset(in, 0, sizeof(in));
		memset(bases, 0, sizeof(bases));
		want_placed = 0;
		for (k = 0; k < c->n; k++) {
			in[k].from = c->r[k].from;
			in[k].rttl = c->r[k].rttl;
			in[k].is_dst = c->r[k].from == DST;
			in[k].own_ttl = c->r[k].own_ttl;
			in[k].own = c->r[k].own_ttl != 0;
			in[k].counter[0] = c->r[k].c0;
			in[k].counter[1] = c->r[k].c1;
			in[k].ncounters = 2;
			want_placed += c->r[k].want != 0;
		}
		b = c->base0;
		if (b != 0) {
			bases[0].v = &b;
			bases[0].n = 1;
		}
		placed = infer_ttls(in, c->n, bases, ttl, &res);
		if (res.rule != c->rule || placed != want_placed ||
		    (c->q != 0 && res.q != c->q))
			fail_msg("%s: rule %s, q %u, %zu placed; want %s, q %u, "
			    "%zu", c->name, infer_rule_name(res.rule), res.q,
			    placed, infer_rule_name(c->rule), c->q, want_placed);
		for (k = 0; k < c->n; k++)
			if (ttl[k] != c->r[k].want)
				fail_msg("%s: reply %zu at TTL %u, want %u", c->name,
				    k, ttl[k], c->r[k].want);
	}
}

/* Nothing is placed from no replies, and nothing is read past n. */
static void
test_empty(void **state)
{
	struct infer_bases bases[INFER_COUNTERS];
	struct infer_result res;
	uint8_t ttl[1] = { 9 };

	(void)state;
	memset(bases, 0, sizeof(bases));
	assert_int_equal(infer_ttls(NULL, 0, bases, ttl, &res), 0);
	assert_int_equal(res.rule, INFER_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
