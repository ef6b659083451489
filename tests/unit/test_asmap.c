/* test_asmap.c: the annotation database: LPM, loaders, formats, embedded data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "asmap.h"
#include "lh.h"

/* ---- helpers ---- */

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		fail_msg("bad test address %s", s);
	return ntohl(a.s_addr);
}

/* Load len bytes of text as a file named "t.txt". */
static int
load_mem(struct asmap *m, enum asmap_format fmt, const char *text, size_t len,
    struct asmap_load_stats *st, char *err)
{
	char *buf = malloc(len + 1);
	FILE *fp;
	int rc;

	assert_non_null(buf);
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (len == 0) {
		fp = tmpfile();
	} else {
		fp = fmemopen(buf, len, "r");
	}
	assert_non_null(fp);
	err[0] = '\0';
	rc = asmap_load_fp(m, fp, "t.txt", fmt, st, err, LH_ERRLEN);
	fclose(fp);
	free(buf);
	return rc;
}

static int
load_str(struct asmap *m, enum asmap_format fmt, const char *text, char *err)
{
	return load_mem(m, fmt, text, strlen(text), NULL, err);
}

static void
add_route(struct asmap *m, const char *pfx, unsigned len, uint32_t asn)
{
	struct asmap_batch *b = asmap_batch_new(m, ASMAP_SRC_STATIC);
	struct asmap_route r;
	char err[LH_ERRLEN];

	assert_non_null(b);
	memset(&r, 0, sizeof(r));
	r.prefix = ip(pfx);
	r.len = (uint8_t)len;
	r.asn = asn;
	assert_int_equal(asmap_batch_route(b, &r, err, sizeof(err)), 0);
	assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
}

static uint32_t
asn_of(const struct asmap *m, const char *addr)
{
	struct asmap_result r;

	if (asmap_lookup(m, ip(addr), &r) == 0) {
		assert_int_equal(r.asn, 0);
		return 0;
	}
	return r.asn;
}

/* The load failed, at line `line`, and the message mentions `what`. */
static void
expect_fail(struct asmap *m, enum asmap_format fmt, const char *text,
    unsigned line, const char *what)
{
	char err[LH_ERRLEN], want[32];
	size_t before = asmap_nroutes(m), names = asmap_nnames(m);

	assert_int_equal(load_str(m, fmt, text, err), -1);
	snprintf(want, sizeof(want), "t.txt:%u: ", line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("want prefix '%s' in '%s'", want, err);
	if (what != NULL && strstr(err, what) == NULL)
		fail_msg("want '%s' in '%s'", what, err);
	/* nothing half-loaded */
	assert_int_equal(asmap_nroutes(m), before);
	assert_int_equal(asmap_nnames(m), names);
}

/* ---- longest prefix match ---- */

static void
test_empty_map(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_result r;

	(void)state;
	assert_non_null(m);
	assert_int_equal(asmap_lookup(m, 0, &r), 0);
	assert_int_equal(asmap_lookup(m, 0xffffffffu, &r), 0);
	assert_null(r.note);
	assert_int_equal(r.flags, 0);
	asmap_free(m);
}

static void
test_lpm_nested(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_result r;

	(void)state;
	add_route(m, "10.0.0.0", 8, 1);
	add_route(m, "10.1.0.0", 16, 2);
	add_route(m, "10.1.2.0", 24, 3);
	add_route(m, "10.1.2.128", 25, 4);
	add_route(m, "10.1.2.77", 32, 5);
	assert_int_equal(asn_of(m, "10.0.0.0"), 1);
	assert_int_equal(asn_of(m, "10.255.255.255"), 1);
	assert_int_equal(asn_of(m, "10.0.255.255"), 1);
	assert_int_equal(asn_of(m, "10.1.0.0"), 2);
	assert_int_equal(asn_of(m, "10.1.1.255"), 2);
	assert_int_equal(asn_of(m, "10.1.2.0"), 3);
	assert_int_equal(asn_of(m, "10.1.2.76"), 3);
	assert_int_equal(asn_of(m, "10.1.2.77"), 5);
	assert_int_equal(asn_of(m, "10.1.2.78"), 3);
	assert_int_equal(asn_of(m, "10.1.2.127"), 3);
	assert_int_equal(asn_of(m, "10.1.2.128"), 4);
	assert_int_equal(asn_of(m, "10.1.2.255"), 4);
	assert_int_equal(asn_of(m, "10.1.3.0"), 2);
	assert_int_equal(asn_of(m, "10.2.0.0"), 1);
	assert_int_equal(asn_of(m, "9.255.255.255"), 0);
	assert_int_equal(asn_of(m, "11.0.0.0"), 0);
	/* the matched prefix is reported */
	assert_int_equal(asmap_lookup(m, ip("10.1.2.200"), &r), 1);
	assert_int_equal(r.prefix, ip("10.1.2.128"));
	assert_int_equal(r.len, 25);
	assert_int_equal(r.source, ASMAP_SRC_STATIC);
	assert_int_equal(asmap_lookup(m, ip("10.1.2.77"), &r), 1);
	assert_int_equal(r.prefix, ip("10.1.2.77"));
	assert_int_equal(r.len, 32);
	assert_int_equal(asmap_nroutes(m), 5);
	asmap_free(m);
}

static void
test_lpm_default_route_and_edges(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_result r;

	(void)state;
	add_route(m, "255.255.255.255", 32, 7);
	add_route(m, "0.0.0.0", 32, 8);
	assert_int_equal(asn_of(m, "0.0.0.0"), 8);
	assert_int_equal(asn_of(m, "0.0.0.1"), 0);
	assert_int_equal(asn_of(m, "255.255.255.254"), 0);
	assert_int_equal(asn_of(m, "255.255.255.255"), 7);
	add_route(m, "0.0.0.0", 0, 9);
	assert_int_equal(asn_of(m, "0.0.0.1"), 9);
	assert_int_equal(asn_of(m, "128.0.0.0"), 9);
	assert_int_equal(asn_of(m, "255.255.255.254"), 9);
	assert_int_equal(asn_of(m, "255.255.255.255"), 7);
	assert_int_equal(asn_of(m, "0.0.0.0"), 8);
	assert_int_equal(asmap_lookup(m, ip("77.1.2.3"), &r), 1);
	assert_int_equal(r.len, 0);
	assert_int_equal(r.prefix, 0);
	add_route(m, "128.0.0.0", 1, 10);
	assert_int_equal(asn_of(m, "127.255.255.255"), 9);
	assert_int_equal(asn_of(m, "128.0.0.0"), 10);
	assert_int_equal(asn_of(m, "255.255.255.254"), 10);
	asmap_free(m);
}

static void
test_lpm_override_and_withdraw(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_batch *b;
	struct asmap_route r;
	char err[LH_ERRLEN];

	(void)state;
	add_route(m, "192.0.2.0", 24, 1);
	add_route(m, "192.0.0.0", 16, 2);
	add_route(m, "192.0.2.0", 24, 3);	/* later wins */
	assert_int_equal(asn_of(m, "192.0.2.9"), 3);
	assert_int_equal(asn_of(m, "192.0.3.9"), 2);
	assert_int_equal(asmap_nroutes(m), 2);
	/* within one batch the later entry wins too */
	b = asmap_batch_new(m, ASMAP_SRC_PFX2AS);
	memset(&r, 0, sizeof(r));
	r.prefix = ip("192.0.2.0");
	r.len = 24;
	r.asn = 4;
	assert_int_equal(asmap_batch_route(b, &r, err, sizeof(err)), 0);
	r.asn = 5;
	assert_int_equal(asmap_batch_route(b, &r, err, sizeof(err)), 0);
	assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
	assert_int_equal(asn_of(m, "192.0.2.9"), 5);
	/* a withdrawal uncovers the covering route */
	b = asmap_batch_new(m, ASMAP_SRC_BGPDUMP);
	assert_int_equal(asmap_batch_withdraw(b, ip("192.0.2.0"), 24, err,
	    sizeof(err)), 0);
	assert_int_equal(asmap_batch_withdraw(b, ip("198.51.100.0"), 24, err,
	    sizeof(err)), 0);	/* unknown: no effect */
	assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
	assert_int_equal(asn_of(m, "192.0.2.9"), 2);
	assert_int_equal(asmap_nroutes(m), 1);
	/* bad arguments */
	b = asmap_batch_new(m, ASMAP_SRC_STATIC);
	r.prefix = ip("192.0.2.1");
	assert_int_equal(asmap_batch_route(b, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "host bits set in 192.0.2.1/24"));
	r.prefix = 0;
	r.len = 33;
	assert_int_equal(asmap_batch_route(b, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0..32"));
	asmap_batch_abort(b);
	assert_int_equal(asn_of(m, "192.0.2.9"), 2);
	asmap_free(m);
}

/* Reference: a plain list of prefixes, searched exhaustively. */
struct refpfx {
	uint32_t prefix;
	unsigned len;
	uint32_t asn;
	int live;
};

static uint32_t rng_state = 12345;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t
ref_lookup(const struct refpfx *ref, size_t n, uint32_t addr, unsigned *len)
{
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t mask = ref[i].len ? 0xffffffffu << (32 - ref[i].len) : 0;

		if (ref[i].live && (addr & mask) == ref[i].prefix &&
		    (best < 0 || ref[i].len > (unsigned)best))
			best = (int)ref[i].len, *len = ref[i].len;
	}
	if (best < 0)
		return 0;
	for (i = 0; i < n; i++) {
		uint32_t mask = ref[i].len ? 0xffffffffu << (32 - ref[i].len) : 0;

		if (ref[i].live && (addr & mask) == ref[i].prefix &&
		    ref[i].len == (unsigned)best)
			return ref[i].asn;
	}
	return 0;
}

static void
check_addr(const struct asmap *m, const struct refpfx *ref, size_t n,
    uint32_t addr)
{
	struct asmap_result r;
	unsigned len = 0;
	uint32_t want = ref_lookup(ref, n, addr, &len);
	int found = asmap_lookup(m, addr, &r);

	if (want == 0) {
		if (found)
			fail_msg("addr %08x: want no route, got AS%u /%u", addr,
			    r.asn, r.len);
		return;
	}
	if (!found || r.asn != want || r.len != len)
		fail_msg("addr %08x: want AS%u /%u, got %d AS%u /%u", addr, want,
		    len, found, r.asn, r.len);
}

static void
test_lpm_random_vs_bruteforce(void **state)
{
	enum { N = 1500, ROUNDS = 3 };
	static struct refpfx ref[N * ROUNDS];
	size_t n = 0, i, k;
	struct asmap *m = asmap_new();
	char err[LH_ERRLEN];
	int round;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		struct asmap_batch *b = asmap_batch_new(m, ASMAP_SRC_PFX2AS);

		for (i = 0; i < N; i++) {
			struct asmap_route r;
			/* cluster in a few /8s so that prefixes nest and collide */
			uint32_t base = (rnd() % 4 == 0 ? rnd() :
			    ((uint32_t)(rnd() % 3) << 24 | (rnd() & 0x00ffffff)));
			unsigned len = rnd() % 4 == 0 ? rnd() % 33 :
			    8 + rnd() % 25;
			uint32_t mask = len ? 0xffffffffu << (32 - len) : 0;

			if (rnd() % 50 == 0)
				base |= 0xff000000u;	/* near the top */
			memset(&r, 0, sizeof(r));
			r.prefix = base & mask;
			r.len = (uint8_t)len;
			r.asn = 1 + rnd() % 100000;
			if (round > 0 && rnd() % 10 == 0 && n > 0) {
				/* re-use an earlier prefix: override or withdraw */
				k = rnd() % n;
				r.prefix = ref[k].prefix;
				r.len = (uint8_t)ref[k].len;
				for (k = 0; k < n; k++)
					if (ref[k].prefix == r.prefix &&
					    ref[k].len == r.len)
						ref[k].live = 0;
				if (rnd() % 2 == 0) {
					assert_int_equal(asmap_batch_withdraw(b,
					    r.prefix, r.len, err, sizeof(err)), 0);
					continue;
				}
			}
			for (k = 0; k < n; k++)
				if (ref[k].prefix == r.prefix && ref[k].len == r.len)
					ref[k].live = 0;
			ref[n].prefix = r.prefix;
			ref[n].len = r.len;
			ref[n].asn = r.asn;
			ref[n].live = 1;
			n++;
			assert_int_equal(asmap_batch_route(b, &r, err,
			    sizeof(err)), 0);
		}
		assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
		/* every boundary of every prefix, and random addresses */
		for (k = 0; k < n; k++) {
			uint32_t last = ref[k].prefix |
			    (ref[k].len ? ~(0xffffffffu << (32 - ref[k].len)) :
			    0xffffffffu);

			check_addr(m, ref, n, ref[k].prefix);
			check_addr(m, ref, n, ref[k].prefix - 1);
			check_addr(m, ref, n, last);
			check_addr(m, ref, n, last + 1);
		}
		for (k = 0; k < 20000; k++)
			check_addr(m, ref, n, k % 2 ? rnd() :
			    ((uint32_t)(rnd() % 3) << 24 | (rnd() & 0x00ffffff)));
		check_addr(m, ref, n, 0);
		check_addr(m, ref, n, 0xffffffffu);
	}
	asmap_free(m);
}

static int
collect(const struct asmap_route *r, void *arg)
{
	char *out = arg;
	char buf[64], a[LH_IP4_STRLEN];

	snprintf(buf, sizeof(buf), "%s/%u=%u ", lh_ip4_str(r->prefix, a,
	    sizeof(a)), r->len, r->asn);
	strcat(out, buf);
	return 0;
}

static void
test_route_exact_and_foreach(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_route r;
	char out[512] = "";

	(void)state;
	add_route(m, "175.45.176.0", 22, 131279);
	add_route(m, "175.45.176.0", 24, 1);
	add_route(m, "175.45.178.0", 24, 3);
	add_route(m, "175.45.180.0", 24, 9);
	add_route(m, "175.44.0.0", 15, 8);
	assert_int_equal(asmap_route_exact(m, ip("175.45.178.0"), 24, &r), 1);
	assert_int_equal(r.asn, 3);
	assert_int_equal(asmap_route_exact(m, ip("175.45.177.0"), 24, &r), 0);
	assert_int_equal(asmap_route_exact(m, 0, 33, &r), 0);
	assert_int_equal(asmap_foreach_route(m, ip("175.45.176.0"), 22, collect,
	    out), 0);
	assert_string_equal(out, "175.45.176.0/22=131279 175.45.176.0/24=1 "
	    "175.45.178.0/24=3 ");
	asmap_free(m);
}

static void
test_notes(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_batch *b = asmap_batch_new(m, ASMAP_SRC_STATIC);
	struct asmap_result r;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_batch_note(b, ip("10.0.0.0"), 8, ASMAP_F_PRIVATE,
	    "outer", err, sizeof(err)), 0);
	assert_int_equal(asmap_batch_note(b, ip("10.1.0.0"), 16,
	    ASMAP_F_UNCERTAIN, "inner", err, sizeof(err)), 0);
	assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
	add_route(m, "10.1.2.0", 24, 42);
	/* the note does not hide the route; flags of all covering notes */
	assert_int_equal(asmap_lookup(m, ip("10.1.2.3"), &r), 1);
	assert_int_equal(r.asn, 42);
	assert_int_equal(r.flags, ASMAP_F_PRIVATE | ASMAP_F_UNCERTAIN);
	assert_string_equal(r.note, "inner");
	assert_int_equal(r.note_len, 16);
	assert_int_equal(asmap_lookup(m, ip("10.2.0.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_PRIVATE);
	assert_string_equal(r.note, "outer");
	assert_int_equal(asmap_lookup(m, ip("11.0.0.1"), &r), 0);
	assert_null(r.note);
	/* replacing a note's text */
	b = asmap_batch_new(m, ASMAP_SRC_STATIC);
	assert_int_equal(asmap_batch_note(b, ip("10.0.0.0"), 8, ASMAP_F_RESERVED,
	    "outer2", err, sizeof(err)), 0);
	assert_int_equal(asmap_batch_commit(b, err, sizeof(err)), 0);
	assert_int_equal(asmap_lookup(m, ip("10.2.0.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_RESERVED);
	assert_string_equal(r.note, "outer2");
	assert_int_equal(asmap_nnotes(m), 2);
	asmap_free(m);
}

/* ---- origin and AS path syntax ---- */

static void
test_parse_origin(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint32_t asn;
		uint16_t flags;
	} t[] = {
		{ "13335", 0, 13335, 0 },
		{ "0", 0, 0, 0 },
		{ "4294967295", 0, 4294967295u, 0 },
		{ "55967_38365", 0, 55967, ASMAP_F_MOAS },
		{ "64512,65323", 0, 64512, ASMAP_F_ASSET },
		{ "55967_38365_38365,64512,65323", 0, 55967, ASMAP_F_MOAS },
		{ "64512,65323_7", 0, 64512, ASMAP_F_MOAS | ASMAP_F_ASSET },
		{ "4294967296", -1, 0, 0 },
		{ "99999999999999999999", -1, 0, 0 },
		{ "", -1, 0, 0 },
		{ "1_", -1, 0, 0 },
		{ "_1", -1, 0, 0 },
		{ "1,,2", -1, 0, 0 },
		{ "1__2", -1, 0, 0 },
		{ "-1", -1, 0, 0 },
		{ "+1", -1, 0, 0 },
		{ "AS1", -1, 0, 0 },
		{ "1 2", -1, 0, 0 },
	};
	char err[LH_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t asn;
		uint16_t flags;
		int rc = asmap_parse_origin(t[i].s, &asn, &flags, err,
		    sizeof(err));

		if (rc != t[i].rc)
			fail_msg("origin '%s': rc %d", t[i].s, rc);
		if (rc == 0 && (asn != t[i].asn || flags != t[i].flags))
			fail_msg("origin '%s': %u %x", t[i].s, asn, flags);
	}
}

static void
test_parse_aspath(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint32_t origin, upstream;
		uint16_t flags;
	} t[] = {
		{ "3356 4837 131279", 2, 131279, 4837, 0 },
		{ "131279", 1, 131279, 0, 0 },
		{ "", 0, 0, 0, 0 },
		{ "   ", 0, 0, 0, 0 },
		/* prepending */
		{ "174 4837 4837 4837 131279 131279", 2, 131279, 4837, 0 },
		{ "131279 131279", 1, 131279, 0, 0 },
		/* AS_SET origin: its first member, the hop before is upstream */
		{ "1 2 {3,4}", 2, 3, 2, ASMAP_F_ASSET },
		{ "1 2 {3}", 2, 3, 2, ASMAP_F_ASSET },
		{ "1 2 { 3 4 }", 2, 3, 2, ASMAP_F_ASSET },
		/* a set before the origin: upstream unknown */
		{ "1 {2,3} 4", 2, 4, 0, 0 },
		/* confederations are skipped */
		{ "(65001 65002) 1 2", 2, 2, 1, 0 },
		{ "[65001,65002] 7", 1, 7, 0, 0 },
		{ "( 65001 65002 ) 3356 4837 131279", 2, 131279, 4837, 0 },
		{ "(65001)", 0, 0, 0, 0 },
		{ "1 (65001) 2", 2, 2, 1, 0 },
		/* asdot */
		{ "1.10 2", 2, 2, 65546, 0 },
		{ "4294967295 1", 2, 1, 4294967295u, 0 },
		/* errors */
		{ "1 {2", -1, 0, 0, 0 },
		{ "1 {}", -1, 0, 0, 0 },
		{ "1 ()", -1, 0, 0, 0 },
		{ "1 x", -1, 0, 0, 0 },
		{ "1 4294967296", -1, 0, 0, 0 },
		{ "1 2}", -1, 0, 0, 0 },
		{ "1 {2 {3}}", -1, 0, 0, 0 },
		{ "1,2", -1, 0, 0, 0 },
		{ "65536.1", -1, 0, 0, 0 },
		{ "1.", -1, 0, 0, 0 },
	};
	char err[LH_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t o, u;
		uint16_t f;
		int rc = asmap_parse_aspath(t[i].s, &o, &u, &f, err, sizeof(err));

		if (rc != t[i].rc)
			fail_msg("path '%s': rc %d (%s)", t[i].s, rc, err);
		if (rc >= 0 && (o != t[i].origin || u != t[i].upstream ||
		    f != t[i].flags))
			fail_msg("path '%s': origin %u upstream %u flags %x",
			    t[i].s, o, u, f);
	}
}

/* ---- pfx2as ---- */

static void
test_pfx2as_good(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_result r;
	char err[LH_ERRLEN];
	static const char text[] =
	    "# comment\n"
	    "\n"
	    "1.0.0.0\t24\t13335\n"
	    "8.8.8.0 24 15169\r\n"
	    "  9.9.9.0   24   19281  \n"
	    "103.2.0.0\t22\t55967_38365\n"
	    "103.4.0.0\t22\t64512,65323\n"
	    "103.8.0.0\t22\t55967_38365_38365,64512,65323\n"
	    "2001:db8::\t32\t64496\n"
	    "0.0.0.0\t0\t1\n"
	    "255.255.255.255\t32\t4294967295\n";

	(void)state;
	assert_int_equal(load_mem(m, ASMAP_FMT_PFX2AS, text, strlen(text), &st,
	    err), 0);
	assert_int_equal(st.lines, 11);
	assert_int_equal(st.routes, 8);
	assert_int_equal(st.skipped_v6, 1);
	assert_int_equal(st.format, ASMAP_FMT_PFX2AS);
	assert_int_equal(asn_of(m, "1.0.0.1"), 13335);
	assert_int_equal(asn_of(m, "8.8.8.8"), 15169);
	assert_int_equal(asn_of(m, "9.9.9.9"), 19281);
	assert_int_equal(asmap_lookup(m, ip("103.2.1.1"), &r), 1);
	assert_int_equal(r.asn, 55967);
	assert_int_equal(r.flags, ASMAP_F_MOAS);
	assert_int_equal(r.source, ASMAP_SRC_PFX2AS);
	assert_int_equal(asmap_lookup(m, ip("103.4.1.1"), &r), 1);
	assert_int_equal(r.asn, 64512);
	assert_int_equal(r.flags, ASMAP_F_ASSET);
	assert_int_equal(asmap_lookup(m, ip("103.8.1.1"), &r), 1);
	assert_int_equal(r.asn, 55967);
	assert_int_equal(r.flags, ASMAP_F_MOAS);
	assert_int_equal(asn_of(m, "200.1.1.1"), 1);
	assert_int_equal(asn_of(m, "255.255.255.255"), 4294967295u);
	asmap_free(m);
}

static void
test_pfx2as_malformed(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *what;
	} t[] = {
		{ "1.0.0.0\t33\t1\n", 1, "bad prefix length '33' (0..32)" },
		{ "1.0.0.0\t-1\t1\n", 1, "bad prefix length" },
		{ "1.0.0.0\t24x\t1\n", 1, "bad prefix length" },
		{ "# c\n1.0.0.256\t24\t1\n", 2, "bad IPv4 address '1.0.0.256'" },
		{ "1.0.0\t24\t1\n", 1, "bad IPv4 address" },
		{ "01.0.0.0\t8\t1\n", 1, "bad IPv4 address" },
		{ " 1.0.0.0/24\t24\t1\n", 1, "bad IPv4 address" },
		{ "1.0.0.0\t24\t1\n\n1.0.0.0\t24\t4294967296\n", 3,
		  "bad AS number '4294967296'" },
		{ "1.0.0.0\t24\t-1\n", 1, "bad AS number" },
		{ "1.0.0.0\t24\tAS1\n", 1, "bad AS number" },
		{ "1.0.0.0\t24\t1__2\n", 1, "bad origin" },
		{ "1.0.0.0\t24\t1,\n", 1, "bad origin" },
		{ "1.0.0.0\t24\n", 1, "expected 3 fields" },
		{ "1.0.0.0\t24\t1\t2\n", 1, "found more than 3" },
		{ "1.0.0.1\t24\t1\n", 1, "host bits set in 1.0.0.1/24" },
		{ "2001:db8::\t129\t1\n", 1, "(0..128)" },
		{ "2001:zz::\t32\t1\n", 1, "bad address" },
	};
	struct asmap *m = asmap_new();
	char err[LH_ERRLEN];
	size_t i;

	(void)state;
	add_route(m, "1.0.0.0", 24, 77);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_fail(m, ASMAP_FMT_PFX2AS, t[i].text, t[i].line, t[i].what);
	/* a NUL byte inside a line */
	assert_int_equal(load_mem(m, ASMAP_FMT_PFX2AS, "1.0.0.0\t24\t1\n2.0\0\n",
	    18, NULL, err), -1);
	assert_string_equal(err, "t.txt:2: NUL byte in line");
	/* a failed load leaves the earlier data as it was */
	assert_int_equal(asn_of(m, "1.0.0.1"), 77);
	assert_int_equal(asmap_nroutes(m), 1);
	asmap_free(m);
}

/* ---- bgpdump ---- */

static void
test_bgpdump_rib(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_result r;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_load_file(m, "tests/asmap/bgpdump-small.txt",
	    ASMAP_FMT_BGPDUMP, &st, err, sizeof(err)), 0);
	assert_int_equal(st.lines, 8);
	assert_int_equal(st.skipped_v6, 1);
	assert_int_equal(st.skipped, 1);	/* STATE */
	assert_int_equal(st.withdrawn, 0);	/* .177 still in the RIB part */
	/* three peers: upstream 4837 twice, 20485 once (prepending skipped) */
	assert_int_equal(asmap_lookup(m, ip("175.45.176.71"), &r), 1);
	assert_int_equal(r.asn, 131279);
	assert_int_equal(r.source, ASMAP_SRC_BGPDUMP);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.upstream, 4837);
	assert_int_equal(r.nupstreams, 2);
	assert_int_equal(r.upstreams[0], 4837);
	assert_int_equal(r.upstream_paths[0], 2);
	assert_int_equal(r.upstreams[1], 20485);
	assert_int_equal(r.upstream_paths[1], 1);
	/* RIB lines are a snapshot: a later W from that peer does not remove it */
	assert_int_equal(asmap_lookup(m, ip("175.45.177.10"), &r), 1);
	assert_int_equal(r.upstream, 20485);
	/* an AS_SET origin */
	assert_int_equal(asmap_lookup(m, ip("198.51.100.1"), &r), 1);
	assert_int_equal(r.asn, 64500);
	assert_int_equal(r.upstream, 65000);
	assert_int_equal(r.flags, ASMAP_F_ASSET);
	asmap_free(m);
}

static void
test_bgpdump_updates(void **state)
{
	static const char updates[] =
	    "BGP4MP|1|A|10.0.0.1|1|175.45.177.0/24|1 4837 131279|IGP|10.0.0.1|0|0||NAG||\n"
	    "BGP4MP|2|A|10.0.0.2|2|175.45.177.0/24|2 20485 131279|IGP|10.0.0.2|0|0||NAG||\n"
	    "BGP4MP|3|A|10.0.0.1|1|175.45.177.0/24|1 20485 131279|IGP|10.0.0.1|0|0||NAG||\n"
	    "BGP4MP_ET|4.000123|W|10.0.0.2|2|175.45.178.0/24\n"
	    "BGP4MP|5|A|10.0.0.1|1|175.45.176.0/24|1 4837 131279|IGP|10.0.0.1|0|0||NAG||\n"
	    "BGP4MP|6|A|10.0.0.2|2|175.45.176.0/24|2 64666|IGP|10.0.0.2|0|0||NAG||\n"
	    "BGP4MP|7|A|2001:db8::3|3|175.45.176.0/24|3 64666|IGP|2001:db8::3|0|0||NAG||\n"
	    "BGP4MP|8|A|10.0.0.1|1|175.45.179.0/24||IGP|10.0.0.1|0|0||NAG||\n";
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_result r;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(load_str(m, ASMAP_FMT_PFX2AS,
	    "175.45.176.0\t24\t131279\n175.45.0.0\t16\t9999\n"
	    "175.45.178.0\t24\t131279\n", err), 0);
	/* peer 1 and 2 announce; peer 1 changes its path (implicit
	   withdrawal); peer 1 withdraws .178; .176 gets a MOAS origin */
	assert_int_equal(load_mem(m, ASMAP_FMT_BGPDUMP, updates,
	    strlen(updates),
	    &st, err), 0);
	assert_int_equal(st.withdrawn, 1);
	assert_int_equal(asmap_lookup(m, ip("175.45.177.10"), &r), 1);
	assert_int_equal(r.len, 24);
	assert_int_equal(r.asn, 131279);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.nupstreams, 1);	/* peer 1's 4837 was replaced */
	assert_int_equal(r.upstream, 20485);
	assert_int_equal(r.upstream_paths[0], 2);
	/* .178 withdrawn: the pfx2as /16 shows through */
	assert_int_equal(asmap_lookup(m, ip("175.45.178.1"), &r), 1);
	assert_int_equal(r.len, 16);
	assert_int_equal(r.asn, 9999);
	/* MOAS: 64666 on two paths beats 131279 on one */
	assert_int_equal(asmap_lookup(m, ip("175.45.176.71"), &r), 1);
	assert_int_equal(r.asn, 64666);
	assert_int_equal(r.flags, ASMAP_F_MOAS);
	assert_int_equal(r.source, ASMAP_SRC_BGPDUMP);
	/* empty path: originated by the peer */
	assert_int_equal(asn_of(m, "175.45.179.1"), 1);
	/* announce then withdraw by the same peer: gone */
	assert_int_equal(load_str(m, ASMAP_FMT_BGPDUMP,
	    "BGP4MP|9|W|10.0.0.1|1|175.45.179.0/24\n"
	    "BGP4MP|9|A|10.0.0.2|2|175.45.180.0/24|2 3|IGP|10.0.0.2|0|0||NAG||\n"
	    "BGP4MP|9|W|10.0.0.2|2|175.45.180.0/24\n", err), 0);
	assert_int_equal(asn_of(m, "175.45.179.1"), 9999);
	assert_int_equal(asn_of(m, "175.45.180.1"), 9999);
	asmap_free(m);
}

static void
test_bgpdump_malformed(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *what;
	} t[] = {
		{ "1.0.0.0\t24\t1\n", 1, "unknown record type" },
		{ "TABLE_DUMP2|x|B|10.0.0.1|1|1.0.0.0/24|1 2|IGP|\n", 1,
		  "bad timestamp 'x'" },
		{ "TABLE_DUMP2|1|B|10.0.0.256|1|1.0.0.0/24|1 2|IGP|\n", 1,
		  "bad peer address" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|4294967296|1.0.0.0/24|1 2|IGP|\n", 1,
		  "bad peer AS" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.0/33|1 2|IGP|\n", 1,
		  "bad prefix length '33'" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.0|1 2|IGP|\n", 1,
		  "expected address/length" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.999/24|1 2|IGP|\n", 1,
		  "bad IPv4 address" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.1/24|1 2|IGP|\n", 1,
		  "host bits set" },
		{ "\nTABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.0/24|1 {2|IGP|\n", 2,
		  "unterminated" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.0/24|1 x|IGP|\n", 1,
		  "bad AS number 'x'" },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.0/24|1 2\n", 1,
		  "expected at least 8 fields" },
		{ "TABLE_DUMP2|1|A|10.0.0.1|1|1.0.0.0/24|1 2|IGP|\n", 1,
		  "unknown entry kind 'A'" },
		{ "BGP4MP|1|W|10.0.0.1|1\n", 1, "expected at least 6 fields" },
		{ "BGP4MP|1|X|10.0.0.1|1|1.0.0.0/24\n", 1, "unknown entry kind" },
		{ "BGP4MP|1|W|10.0.0.1|1|2001:db8::/129\n", 1, "bad IPv6 prefix" },
		{ "TABLE_DUMP2\n", 1, "expected at least 6 fields" },
		{ "BGP4MP_ET|1.1234567|W|10.0.0.1|1|1.0.0.0/24\n", 1,
		  "bad timestamp" },
	};
	struct asmap *m = asmap_new();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_fail(m, ASMAP_FMT_BGPDUMP, t[i].text, t[i].line, t[i].what);
	asmap_free(m);
}

/* ---- iptoasn ---- */

static void
test_iptoasn(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_result r;
	struct asmap_asinfo ai;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_load_file(m, "tests/asmap/iptoasn-small.tsv",
	    ASMAP_FMT_IPTOASN, &st, err, sizeof(err)), 0);
	assert_int_equal(st.unrouted, 1);
	/* 1.0.0.0/24 + 1.0.1.0/24 1.0.2.0/23 + 175.45.176.0/22 */
	assert_int_equal(st.routes, 4);
	assert_int_equal(asmap_lookup(m, ip("1.0.1.9"), &r), 1);
	assert_int_equal(r.asn, 4134);
	assert_int_equal(r.len, 24);
	assert_int_equal(asmap_lookup(m, ip("1.0.3.255"), &r), 1);
	assert_int_equal(r.prefix, ip("1.0.2.0"));
	assert_int_equal(r.len, 23);
	assert_int_equal(r.source, ASMAP_SRC_IPTOASN);
	assert_int_equal(asn_of(m, "1.0.4.1"), 0);	/* not routed */
	assert_int_equal(asmap_lookup(m, ip("175.45.179.1"), &r), 1);
	assert_int_equal(r.len, 22);
	assert_int_equal(asmap_asinfo(m, 4134, &ai), 1);
	assert_string_equal(ai.name, "CHINANET-BACKBONE No.31,Jin-rong Street");
	assert_string_equal(ai.country, "CN");
	assert_int_equal(ai.source, ASMAP_SRC_IPTOASN);
	assert_int_equal(asmap_asinfo(m, 131279, &ai), 1);
	assert_string_equal(ai.country, "KP");
	assert_int_equal(asmap_asinfo(m, 0, &ai), 0);
	asmap_free(m);

	/* the -u32 variant gives the same table */
	m = asmap_new();
	assert_int_equal(asmap_load_file(m, "tests/asmap/iptoasn-u32.tsv",
	    ASMAP_FMT_AUTO, &st, err, sizeof(err)), 0);
	assert_int_equal(st.format, ASMAP_FMT_IPTOASN);
	assert_int_equal(st.routes, 4);
	assert_int_equal(asmap_lookup(m, ip("175.45.176.71"), &r), 1);
	assert_int_equal(r.asn, 131279);
	assert_int_equal(r.len, 22);
	asmap_free(m);
}

static void
test_iptoasn_split(void **state)
{
	static const struct {
		const char *lo, *hi;
		unsigned n;
		const char *first;
		unsigned firstlen;
	} t[] = {
		{ "0.0.0.0", "255.255.255.255", 1, "0.0.0.0", 0 },
		{ "255.255.255.255", "255.255.255.255", 1, "255.255.255.255", 32 },
		{ "0.0.0.0", "0.0.0.0", 1, "0.0.0.0", 32 },
		{ "10.0.0.1", "10.0.0.6", 4, "10.0.0.1", 32 },	/* 1 2/31 4/31 6 */
		{ "10.0.0.0", "10.0.1.255", 1, "10.0.0.0", 23 },
		{ "0.0.0.1", "255.255.255.254", 62, "0.0.0.1", 32 },
		{ "128.0.0.0", "255.255.255.255", 1, "128.0.0.0", 1 },
	};
	char err[LH_ERRLEN], line[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct asmap *m = asmap_new();
		struct asmap_load_stats st;
		struct asmap_result r;

		snprintf(line, sizeof(line), "%s\t%s\t65000\tZZ\tX\n", t[i].lo,
		    t[i].hi);
		assert_int_equal(load_mem(m, ASMAP_FMT_IPTOASN, line,
		    strlen(line), &st, err), 0);
		if (st.routes != t[i].n)
			fail_msg("%s-%s: %lu prefixes", t[i].lo, t[i].hi, st.routes);
		assert_int_equal(asmap_lookup(m, ip(t[i].lo), &r), 1);
		assert_int_equal(r.prefix, ip(t[i].first));
		assert_int_equal(r.len, t[i].firstlen);
		assert_int_equal(asmap_lookup(m, ip(t[i].hi), &r), 1);
		if (ip(t[i].lo) > 0)
			assert_int_equal(asmap_lookup(m, ip(t[i].lo) - 1, &r), 0);
		if (ip(t[i].hi) < 0xffffffffu)
			assert_int_equal(asmap_lookup(m, ip(t[i].hi) + 1, &r), 0);
		asmap_free(m);
	}
}

static void
test_iptoasn_malformed(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *what;
	} t[] = {
		{ "1.0.0.255\t1.0.0.0\t1\tUS\tX\n", 1, "is after range_end" },
		{ "1.0.0.0\t1.0.0.255\t1\tUS\n", 1, "expected 5 tab-separated" },
		{ "1.0.0.0 1.0.0.255 1 US X\n", 1, "expected 5 tab-separated" },
		{ "1.0.0.0\t1.0.0.300\t1\tUS\tX\n", 1, "bad range_end '1.0.0.300'" },
		{ "1.0.0.0\t1.0.0.255\t4294967296\tUS\tX\n", 1, "bad AS number" },
		{ "1.0.0.0\t1.0.0.255\t1\tUS\tX\n16777472\t16777500\t1\tUS\tX\n", 2,
		  "mixes dotted and integer" },
		{ "16777216\t4294967296\t1\tUS\tX\n", 1,
		  "bad range_end '4294967296' (0..4294967295)" },
		{ "1.0.0.0\t\t1\tUS\tX\n", 1, "bad range_end" },
		{ "2001:db8::\t1.0.0.0\t1\tUS\tX\n", 1, "bad IPv6 range" },
	};
	struct asmap *m = asmap_new();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_fail(m, ASMAP_FMT_IPTOASN, t[i].text, t[i].line, t[i].what);
	asmap_free(m);
}

/* ---- as2org ---- */

static void
test_as2org_pipe(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_asinfo ai;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_load_file(m, "tests/asmap/as2org-small.txt",
	    ASMAP_FMT_AUTO, &st, err, sizeof(err)), 0);
	assert_int_equal(st.format, ASMAP_FMT_AS2ORG);
	assert_int_equal(st.names, 2);
	assert_int_equal(st.orgs, 2);
	/* the organisation comes after its ASN in this file */
	assert_int_equal(asmap_asinfo(m, 131279, &ai), 1);
	assert_string_equal(ai.name, "STAR-KP");
	assert_string_equal(ai.org_id, "@aut-131279-APNIC");
	assert_string_equal(ai.org, "Star Joint Venture Co. Ltd");
	assert_string_equal(ai.country, "KP");
	assert_int_equal(ai.source, ASMAP_SRC_AS2ORG);
	assert_int_equal(asmap_asinfo(m, 4837, &ai), 1);
	assert_string_equal(ai.org, "CHINA UNICOM China169 Backbone");
	assert_int_equal(asmap_nroutes(m), 0);
	asmap_free(m);

	/* columns are found by name: a reordered format line */
	m = asmap_new();
	assert_int_equal(load_str(m, ASMAP_FMT_AS2ORG,
	    "# format: country | org_name | org_id\n"
	    "RU|TransTeleCom JSC|TTK\n"
	    "#format:org_id|aut|aut_name\n"
	    "TTK|20485|TRANSTELECOM\n"
	    "TTK|20486|\n", err), 0);
	assert_int_equal(asmap_asinfo(m, 20485, &ai), 1);
	assert_string_equal(ai.name, "TRANSTELECOM");
	assert_string_equal(ai.org, "TransTeleCom JSC");
	assert_string_equal(ai.country, "RU");
	assert_int_equal(asmap_asinfo(m, 20486, &ai), 1);
	assert_string_equal(ai.name, "");
	assert_string_equal(ai.org, "TransTeleCom JSC");
	/* an organisation loaded later updates the ASNs that name it */
	assert_int_equal(load_str(m, ASMAP_FMT_AS2ORG,
	    "# format:org_id|changed|name|country|source\n"
	    "TTK|20240101|TTK renamed|RU|RIPE\n", err), 0);
	assert_int_equal(asmap_asinfo(m, 20485, &ai), 1);
	assert_string_equal(ai.org, "TTK renamed");
	assert_string_equal(ai.name, "TRANSTELECOM");
	asmap_free(m);
}

static void
test_as2org_jsonl(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_asinfo ai;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_load_file(m, "tests/asmap/as2org-small.jsonl",
	    ASMAP_FMT_AUTO, &st, err, sizeof(err)), 0);
	assert_int_equal(st.format, ASMAP_FMT_AS2ORG);
	assert_int_equal(st.names, 2);
	assert_int_equal(st.orgs, 2);
	assert_int_equal(asmap_asinfo(m, 20485, &ai), 1);
	assert_string_equal(ai.name, "TRANSTELECOM");
	assert_string_equal(ai.org, "TransTeleCom JSC");
	assert_string_equal(ai.country, "RU");
	assert_int_equal(asmap_asinfo(m, 12389, &ai), 1);
	assert_string_equal(ai.name, "ROSTELECOM-AS");
	assert_string_equal(ai.org, "PJSC Rostelecom");
	assert_string_equal(ai.org_id, "RT-RIPE");
	asmap_free(m);
}

static void
test_as2org_malformed(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *what;
	} t[] = {
		{ "# comment\n1|2|3\n", 2, "before any '# format:' line" },
		{ "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
		  "1|2|x|o|p\n", 2, "expected 6 '|'-separated fields (format "
		  "line 1), found 5" },
		{ "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
		  "1|2|x|o|p|s\n4294967296|2|x|o|p|s\n", 3, "bad AS number" },
		{ "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
		  "AS1|2|x|o|p|s\n", 2, "bad AS number 'AS1'" },
		{ "# format: changed|source\n", 1, "neither 'aut' nor 'org_id'" },
		{ "# format:org_id|changed|org_name|country|source\n"
		  "|1|x|US|ARIN\n", 2, "empty org_id" },
		{ "{\"type\":\"ASN\",\"asn\":\"1\"\n", 1, "bad JSON" },
		{ "[1,2]\n", 1, "before any" },
		{ "{\"asn\":\"1\"}\n", 1, "without a \"type\"" },
		{ "{\"type\":\"Thing\"}\n", 1, "unknown \"type\" \"Thing\"" },
		{ "{\"type\":\"ASN\",\"asn\":-1}\n", 1, "out of range" },
		{ "{\"type\":\"ASN\",\"asn\":4294967296}\n", 1, "out of range" },
		{ "{\"type\":\"ASN\",\"asn\":\"12x\"}\n", 1, "bad AS number" },
		{ "{\"type\":\"ASN\"}\n", 1, "without an \"asn\"" },
		{ "{\"type\":\"Organization\",\"name\":\"x\"}\n", 1,
		  "without \"organizationId\"" },
		{ "{\"type\":\"ASN\",\"asn\":1,\"asn\":2}\n", 1, "bad JSON" },
	};
	struct asmap *m = asmap_new();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_fail(m, ASMAP_FMT_AS2ORG, t[i].text, t[i].line, t[i].what);
	asmap_free(m);
}

static void
test_names_override(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_asinfo ai;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	assert_int_equal(asmap_asinfo(m, 20485, &ai), 1);
	assert_string_equal(ai.name, "");
	assert_string_equal(ai.org, "TransTeleCom JSC");
	assert_int_equal(ai.source, ASMAP_SRC_STATIC);
	/* a later file fills and overrides fields; empty fields keep old ones */
	assert_int_equal(load_str(m, ASMAP_FMT_IPTOASN,
	    "188.43.0.0\t188.43.255.255\t20485\tNone\tTRANSTELECOM\n", err), 0);
	assert_int_equal(asmap_asinfo(m, 20485, &ai), 1);
	assert_string_equal(ai.name, "TRANSTELECOM");
	assert_string_equal(ai.org, "TransTeleCom JSC");
	assert_string_equal(ai.country, "RU");
	assert_int_equal(ai.source, ASMAP_SRC_IPTOASN);
	/* other names survive a commit that rebuilds the string pool */
	assert_int_equal(asmap_asinfo(m, 131279, &ai), 1);
	assert_string_equal(ai.name, "STAR-KP");
	asmap_free(m);
}

/* ---- formats ---- */

static void
test_detect_format(void **state)
{
	static const struct {
		const char *text;
		enum asmap_format fmt;
	} t[] = {
		{ "1.0.0.0\t24\t13335\n", ASMAP_FMT_PFX2AS },
		{ "# x\n\n1.0.0.0 24 13335\n", ASMAP_FMT_PFX2AS },
		{ "2001:db8::\t32\t64496\n", ASMAP_FMT_PFX2AS },
		{ "TABLE_DUMP2|1|B|10.0.0.1|1|1.0.0.0/24|1 2|IGP|\n",
		  ASMAP_FMT_BGPDUMP },
		{ "BGP4MP|1|W|10.0.0.1|1|1.0.0.0/24\n", ASMAP_FMT_BGPDUMP },
		{ "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n",
		  ASMAP_FMT_IPTOASN },
		{ "16777216\t16777471\t13335\tUS\tCLOUDFLARENET\n",
		  ASMAP_FMT_IPTOASN },
		{ "0.0.0.0\t0.255.255.255\t0\tNone\tNot routed\n",
		  ASMAP_FMT_IPTOASN },
		{ "# name: AS Org\n# format:aut|changed|aut_name|org_id\n",
		  ASMAP_FMT_AS2ORG },
		{ "{\"type\":\"ASN\",\"asn\":\"1\"}\n", ASMAP_FMT_AS2ORG },
		{ "hello world\n", ASMAP_FMT_UNKNOWN },
		{ "{\"a\":1}\n", ASMAP_FMT_UNKNOWN },
		{ "# only a comment\n", ASMAP_FMT_UNKNOWN },
		{ "", ASMAP_FMT_UNKNOWN },
		{ "1.0.0.0\t24\n", ASMAP_FMT_UNKNOWN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (asmap_detect_format(t[i].text, strlen(t[i].text)) != t[i].fmt)
			fail_msg("detect '%s': %d", t[i].text,
			    asmap_detect_format(t[i].text, strlen(t[i].text)));
	assert_int_equal(asmap_format_parse("pfx2as"), ASMAP_FMT_PFX2AS);
	assert_int_equal(asmap_format_parse("bgpdump"), ASMAP_FMT_BGPDUMP);
	assert_int_equal(asmap_format_parse("iptoasn"), ASMAP_FMT_IPTOASN);
	assert_int_equal(asmap_format_parse("as2org"), ASMAP_FMT_AS2ORG);
	assert_int_equal(asmap_format_parse("auto"), ASMAP_FMT_AUTO);
	assert_int_equal(asmap_format_parse("PFX2AS"), ASMAP_FMT_UNKNOWN);
	assert_string_equal(asmap_format_name(ASMAP_FMT_BGPDUMP), "bgpdump");
	assert_string_equal(asmap_source_name(ASMAP_SRC_PFX2AS), "pfx2as");
}

static void
test_load_auto(void **state)
{
	static const struct {
		const char *path;
		enum asmap_format fmt;
	} t[] = {
		{ "tests/asmap/pfx2as-small.txt", ASMAP_FMT_PFX2AS },
		{ "tests/asmap/bgpdump-small.txt", ASMAP_FMT_BGPDUMP },
		{ "tests/asmap/iptoasn-small.tsv", ASMAP_FMT_IPTOASN },
		{ "tests/asmap/iptoasn-u32.tsv", ASMAP_FMT_IPTOASN },
		{ "tests/asmap/as2org-small.txt", ASMAP_FMT_AS2ORG },
		{ "tests/asmap/as2org-small.jsonl", ASMAP_FMT_AS2ORG },
	};
	struct asmap_load_stats st;
	char err[LH_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct asmap *m = asmap_new();

		if (asmap_load_file(m, t[i].path, ASMAP_FMT_AUTO, &st, err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", t[i].path, err);
		assert_int_equal(st.format, t[i].fmt);
		asmap_free(m);
	}
	{
		struct asmap *m = asmap_new();

		/* pfx2as sample: comment line 1 is replayed after detection */
		assert_int_equal(asmap_load_file(m, "tests/asmap/pfx2as-small.txt",
		    ASMAP_FMT_AUTO, &st, err, sizeof(err)), 0);
		assert_int_equal(st.lines, 10);
		assert_int_equal(st.routes, 7);
		assert_int_equal(asn_of(m, "175.45.177.10"), 131279);
		/* unknown format: the message names the line */
		assert_int_equal(load_str(m, ASMAP_FMT_AUTO,
		    "# header\nhello world\n", err), -1);
		assert_non_null(strstr(err, "t.txt:2: cannot tell the format"));
		/* detection, then an error later in the file */
		assert_int_equal(load_str(m, ASMAP_FMT_AUTO,
		    "\n1.0.0.0\t24\t1\n1.0.0.0\t99\t1\n", err), -1);
		assert_string_equal(err, "t.txt:3: bad prefix length '99' (0..32)");
		/* an empty file loads nothing */
		assert_int_equal(load_str(m, ASMAP_FMT_AUTO, "", err), 0);
		assert_int_equal(load_str(m, ASMAP_FMT_AUTO, "# x\n\n", err), 0);
		assert_int_equal(asmap_load_file(m, "tests/asmap/no-such-file",
		    ASMAP_FMT_AUTO, NULL, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "tests/asmap/no-such-file: "));
		assert_int_equal(load_str(m, ASMAP_FMT_UNKNOWN, "1.0.0.0\t24\t1\n",
		    err), -1);
		assert_int_equal(asmap_nroutes(m), 7);
		asmap_free(m);
	}
}

/* ---- embedded defaults ---- */

static void
test_default_dataset(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_result r;
	struct asmap_asinfo ai;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	/* www.kcna.kp */
	assert_int_equal(asmap_lookup(m, ip("175.45.176.71"), &r), 1);
	assert_int_equal(r.asn, 131279);
	assert_int_equal(r.len, 24);
	assert_int_equal(r.source, ASMAP_SRC_STATIC);
	assert_true(r.flags & ASMAP_F_NK_INSIDE);
	assert_true(r.flags & ASMAP_F_STATIC);
	assert_false(r.flags & ASMAP_F_UNCERTAIN);
	assert_non_null(strstr(r.note, "inside North Korea"));
	assert_int_equal(asmap_lookup(m, ip("175.45.179.1"), &r), 1);
	assert_int_equal(r.asn, 131279);
	assert_true(r.flags & ASMAP_F_NK_INSIDE);
	assert_true(r.flags & ASMAP_F_UNCERTAIN);
	/* China Unicom backbone, TTK */
	assert_int_equal(asmap_lookup(m, ip("219.158.97.2"), &r), 1);
	assert_int_equal(r.asn, 4837);
	assert_int_equal(r.flags, ASMAP_F_STATIC);
	assert_null(r.note);
	assert_int_equal(asn_of(m, "188.43.225.153"), 20485);
	assert_int_equal(asn_of(m, "217.150.63.255"), 20485);
	assert_int_equal(asn_of(m, "217.150.64.0"), 0);
	assert_int_equal(asn_of(m, "218.105.1.1"), 9929);
	assert_int_equal(asmap_lookup(m, ip("95.167.1.1"), &r), 1);
	assert_int_equal(r.asn, 12389);
	assert_int_equal(r.flags, ASMAP_F_STATIC | ASMAP_F_UNCERTAIN);
	/* associated, no AS */
	assert_int_equal(asmap_lookup(m, ip("210.52.109.1"), &r), 0);
	assert_int_equal(r.asn, 0);
	assert_true(r.flags & ASMAP_F_NK_ASSOCIATED);
	assert_false(r.flags & ASMAP_F_NK_INSIDE);
	assert_non_null(strstr(r.note, "never proof"));
	assert_int_equal(asmap_lookup(m, ip("77.94.35.200"), &r), 0);
	assert_true(r.flags & ASMAP_F_NK_ASSOCIATED);
	/* the China path's last hop: no AS on purpose */
	assert_int_equal(asmap_lookup(m, ip("103.35.255.254"), &r), 0);
	assert_int_equal(r.flags, 0);
	/* special ranges */
	assert_int_equal(asmap_lookup(m, ip("10.1.1.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_PRIVATE);
	assert_int_equal(asmap_lookup(m, ip("100.64.0.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_PRIVATE);
	assert_int_equal(asmap_lookup(m, ip("100.128.0.1"), &r), 0);
	assert_int_equal(r.flags, 0);
	assert_int_equal(asmap_lookup(m, ip("172.31.255.255"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_PRIVATE);
	assert_int_equal(asmap_lookup(m, ip("172.32.0.0"), &r), 0);
	assert_int_equal(r.flags, 0);
	assert_int_equal(asmap_lookup(m, ip("127.0.0.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_RESERVED);
	assert_int_equal(asmap_lookup(m, ip("169.254.1.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_RESERVED);
	assert_int_equal(asmap_lookup(m, ip("192.0.2.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_RESERVED);
	assert_int_equal(asmap_lookup(m, ip("224.0.0.1"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_RESERVED);
	assert_int_equal(asmap_lookup(m, ip("255.255.255.255"), &r), 0);
	assert_int_equal(r.flags, ASMAP_F_RESERVED);
	assert_int_equal(asmap_lookup(m, ip("8.8.8.8"), &r), 0);
	assert_int_equal(r.flags, 0);
	/* names */
	assert_int_equal(asmap_asinfo(m, 131279, &ai), 1);
	assert_string_equal(ai.name, "STAR-KP");
	assert_string_equal(ai.org, "Star Joint Venture Co. Ltd");
	assert_string_equal(ai.country, "KP");
	assert_int_equal(asmap_asinfo(m, 4837, &ai), 1);
	assert_string_equal(ai.name, "CHINA169-BACKBONE");
	assert_string_equal(ai.country, "CN");
	assert_int_equal(asmap_asinfo(m, 12389, &ai), 1);
	assert_string_equal(ai.org, "PJSC Rostelecom");
	assert_int_equal(asmap_asinfo(m, 134544, &ai), 1);
	assert_string_equal(ai.org, "Cenbong");
	assert_int_equal(asmap_asinfo(m, 10099, &ai), 1);
	assert_int_equal(asmap_asinfo(m, 9929, &ai), 1);
	assert_int_equal(asmap_asinfo(m, 15169, &ai), 0);
	assert_string_equal(ai.name, "");
	asmap_free(m);
}

static void
test_default_overridden_by_data(void **state)
{
	struct asmap *m = asmap_new();
	struct asmap_result r;
	char err[LH_ERRLEN];
	size_t n;

	(void)state;
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	n = asmap_nroutes(m);
	assert_int_equal(load_str(m, ASMAP_FMT_PFX2AS,
	    "175.45.176.0\t24\t64999\n210.52.0.0\t16\t4837\n", err), 0);
	assert_int_equal(asmap_nroutes(m), n + 1);
	/* the researcher's route wins; the note stays */
	assert_int_equal(asmap_lookup(m, ip("175.45.176.71"), &r), 1);
	assert_int_equal(r.asn, 64999);
	assert_int_equal(r.source, ASMAP_SRC_PFX2AS);
	assert_int_equal(r.flags, ASMAP_F_NK_INSIDE);
	/* a covering route now shows through the associated note */
	assert_int_equal(asmap_lookup(m, ip("210.52.109.1"), &r), 1);
	assert_int_equal(r.asn, 4837);
	assert_int_equal(r.len, 16);
	assert_true(r.flags & ASMAP_F_NK_ASSOCIATED);
	/* loading the defaults again restores the static route */
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	assert_int_equal(asn_of(m, "175.45.176.71"), 131279);
	asmap_free(m);
}

static void
test_hostname_hints(void **state)
{
	static const struct {
		const char *name;
		int rc;
		uint32_t asn;
		uint16_t flags;
	} t[] = {
		{ "mskn17.transtelecom.net", 1, 20485, 0 },
		{ "Star-gw.transtelecom.net.", 1, 20485, 0 },
		{ "KHV-CORE.TRANSTELECOM.NET", 1, 20485, 0 },
		{ "transtelecom.net", 0, 0, 0 },
		{ "xtranstelecom.net", 0, 0, 0 },
		{ "ae1.khv-cr1.far-east.ip.rostelecom.ru", 1, 12389, 0 },
		{ "rostelecom.ru", 0, 0, 0 },
		{ "www.kcna.kp", 1, 0, ASMAP_F_NK_INSIDE },
		{ "naenara.com.kp.", 1, 0, ASMAP_F_NK_INSIDE },
		{ "kp", 0, 0, 0 },
		{ ".kp", 0, 0, 0 },
		{ "kcna.kp.example.com", 0, 0, 0 },
		{ "example.kpx", 0, 0, 0 },
		{ "", 0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t asn = 99;
		uint16_t flags = 99;
		int rc = asmap_hostname_hint(t[i].name, &asn, &flags);

		if (rc != t[i].rc || asn != t[i].asn || flags != t[i].flags)
			fail_msg("hint '%s': %d %u %x", t[i].name, rc, asn, flags);
	}
	{
		uint32_t asn;
		uint16_t flags;

		assert_int_equal(asmap_hostname_hint(NULL, &asn, &flags), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_lpm_nested),
		cmocka_unit_test(test_lpm_default_route_and_edges),
		cmocka_unit_test(test_lpm_override_and_withdraw),
		cmocka_unit_test(test_lpm_random_vs_bruteforce),
		cmocka_unit_test(test_route_exact_and_foreach),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_parse_origin),
		cmocka_unit_test(test_parse_aspath),
		cmocka_unit_test(test_pfx2as_good),
		cmocka_unit_test(test_pfx2as_malformed),
		cmocka_unit_test(test_bgpdump_rib),
		cmocka_unit_test(test_bgpdump_updates),
		cmocka_unit_test(test_bgpdump_malformed),
		cmocka_unit_test(test_iptoasn),
		cmocka_unit_test(test_iptoasn_split),
		cmocka_unit_test(test_iptoasn_malformed),
		cmocka_unit_test(test_as2org_pipe),
		cmocka_unit_test(test_as2org_jsonl),
		cmocka_unit_test(test_as2org_malformed),
		cmocka_unit_test(test_names_override),
		cmocka_unit_test(test_detect_format),
		cmocka_unit_test(test_load_auto),
		cmocka_unit_test(test_default_dataset),
		cmocka_unit_test(test_default_overridden_by_data),
		cmocka_unit_test(test_hostname_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
