/*
 * test_asdb.c: the world-wide AS image: the ip-location-db CSV reader
 * (good rows, malformed rows with file and line, overlaps, IPv6 rows), the
 * compiler and the reader (a 1M-address round trip against a binary search
 * over the rows, damaged images), and the image as asmap's lowest layer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "asdb.h"
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

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Feed text (lines split at '\n') to b as file "t.csv"; 0 or -1. */
static int
feed(struct asdb_build *b, const char *text, char *err)
{
	char *copy = strdup(text), *p, *nl;
	unsigned long line = 0;
	int rc = 0;

	assert_non_null(copy);
	err[0] = '\0';
	for (p = copy; rc == 0 && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		rc = asdb_build_line(b, p, strlen(p), "t.csv", ++line, err,
		    LH_ERRLEN);
		if (nl == NULL)
			break;
	}
	free(copy);
	return rc;
}

/* Build text into a finished builder (the test fails on any error). */
static struct asdb_build *
build(const char *text)
{
	struct asdb_build *b = asdb_build_new();
	char err[LH_ERRLEN];

	assert_non_null(b);
	if (feed(b, text, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(asdb_build_finish(b, err, sizeof(err)), 0);
	return b;
}

/* The image of a finished builder, opened from memory. */
static struct asdb *
image_of(const struct asdb_build *b)
{
	char err[LH_ERRLEN];
	size_t len;
	void *img = asdb_build_image(b, "test-set", "1.0", &len, err,
	    sizeof(err));
	struct asdb *db;

	if (img == NULL)
		fail_msg("%s", err);
	db = asdb_open_mem(img, len, "t.asdb", err, sizeof(err));
	free(img);
	if (db == NULL)
		fail_msg("%s", err);
	if (asdb_verify(db, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return db;
}

/* The AS of addr in db (0: none). */
static uint32_t
asn_at(const struct asdb *db, const char *addr)
{
	struct asdb_hit h;

	return asdb_lookup(db, ip(addr), &h) == 1 ? h.asn : 0;
}

/* ---- good rows ---- */

/* The package's real shapes: quotes, commas, "" escapes, UTF-8, IPv6. */
static const char real_rows[] =
    "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
    "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
    "2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"\n"
    "38.226.206.0,38.226.207.255,267578,WILLIAN MENDES DE OLIVEIRA \xc2\xad ME\n"
    "66.198.56.0,66.198.87.255,6453,TATA COMMUNICATIONS (AMERICA) INC\r\n"
    "219.154.0.0,219.158.47.255,4837,CHINA UNICOM China169 Backbone\n"
    "2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC\n"
    "2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n"
    "223.255.254.0,223.255.255.255,55415,MARINA BAY SANDS PTE LTD\n";

static void
test_real_rows(void **state)
{
	struct asdb_build *b;
	const struct asdb_build_stats *st;
	struct asdb *db;
	struct asdb_hit h;
	struct asdb_info info;
	const char *org;

	(void)state;
	b = build(real_rows);
	st = asdb_build_stats(b);
	assert_int_equal(st->rows, 7);
	assert_int_equal(st->skipped_v6, 2);
	assert_int_equal(st->overlaps, 0);
	assert_int_equal(st->cleaned, 0);
	assert_int_equal(asdb_build_nranges(b), 7);
	assert_int_equal(asdb_build_nasns(b), 7);
	db = image_of(b);

	assert_int_equal(asdb_lookup(db, ip("1.0.0.77"), &h), 1);
	assert_int_equal(h.asn, 13335);
	assert_int_equal(h.first, ip("1.0.0.0"));
	assert_int_equal(h.last, ip("1.0.0.255"));
	assert_int_equal(asdb_org(db, 13335, &org), 1);
	assert_string_equal(org, "Cloudflare, Inc.");
	assert_int_equal(asdb_org(db, 201907, &org), 1);
	assert_string_equal(org, "LLC \"SPUTNIK\"");
	assert_int_equal(asdb_org(db, 267578, &org), 1);
	assert_string_equal(org, "WILLIAN MENDES DE OLIVEIRA \xc2\xad ME");
	assert_int_equal(asdb_org(db, 6453, &org), 1);
	assert_string_equal(org, "TATA COMMUNICATIONS (AMERICA) INC");
	assert_int_equal(asn_at(db, "219.158.3.1"), 4837);
	assert_int_equal(asn_at(db, "219.154.0.0"), 4837);
	assert_int_equal(asn_at(db, "219.158.47.255"), 4837);
	assert_int_equal(asn_at(db, "219.158.48.0"), 0);
	assert_int_equal(asn_at(db, "223.255.255.255"), 55415);
	/* gaps, and both ends of the address space */
	assert_int_equal(asn_at(db, "0.0.0.0"), 0);
	assert_int_equal(asn_at(db, "1.0.1.0"), 0);
	assert_int_equal(asn_at(db, "1.0.3.255"), 0);
	assert_int_equal(asn_at(db, "1.0.8.0"), 0);
	assert_int_equal(asn_at(db, "255.255.255.255"), 0);
	assert_int_equal(asdb_org(db, 6939, &org), 0);	/* IPv6 only: skipped */
	assert_int_equal(asdb_org(db, 1, &org), 0);
	asdb_get_info(db, &info);
	assert_string_equal(info.dataset, "test-set");
	assert_string_equal(info.version, "1.0");
	assert_int_equal(info.format, ASDB_FORMAT_VERSION);
	assert_int_equal(info.ranges, 7);
	assert_int_equal(info.asns, 7);
	asdb_close(db);
	asdb_build_free(b);
}

/* Header, blank and comment lines; the -num file's integer addresses. */
static void
test_header_and_integers(void **state)
{
	static const char dotted[] =
	    "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
	    "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n";
	static const char nums[] =
	    "ip_range_start,ip_range_end,autonomous_system_number,"
	    "autonomous_system_organization\n"
	    "\n"
	    "# a comment\n"
	    "16777216,16777471,13335,\"Cloudflare, Inc.\"\n"
	    "16778240,16779263,38803,Gtelecom Pty Ltd\n";
	struct asdb_build *a, *b;
	char err[LH_ERRLEN];
	size_t la, lb;
	void *ia, *ib;

	(void)state;
	a = build(dotted);
	b = build(nums);
	ia = asdb_build_image(a, "x", "1", &la, err, sizeof(err));
	ib = asdb_build_image(b, "x", "1", &lb, err, sizeof(err));
	assert_non_null(ia);
	assert_non_null(ib);
	assert_int_equal(la, lb);
	assert_memory_equal(ia, ib, la);
	free(ia);
	free(ib);
	asdb_build_free(a);
	asdb_build_free(b);
}

/* ---- malformed rows: file and line in every message ---- */

static void
test_malformed_rows(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} bad[] = {
		{ "1.0.0.0,1.0.0.255,13335", "expected 4 comma-separated fields" },
		{ "1.0.0.0,1.0.0.255,13335,a,b", "found more than 4" },
		{ "1.0.0.0,1.0.0.255,13335,\"open", "quoted field is not closed" },
		{ "1.0.0.0,1.0.0.255,13335,\"a\"b", "text after a closing quote" },
		{ "1.0.0.0,1.0.0.255,13335,a\"b", "a quote inside an unquoted" },
		{ "1.0.0.0.0,1.0.0.255,13335,x", "bad range_start '1.0.0.0.0'" },
		{ "1.0.0.0,1.0.0.256,13335,x", "bad range_end '1.0.0.256'" },
		{ "4294967296,4294967297,1,x", "bad range_start '4294967296' "
		  "(0..4294967295)" },
		{ "1.0.1.0,1.0.0.255,13335,x", "range_start 1.0.1.0 is after "
		  "range_end 1.0.0.255" },
		{ "1.0.0.0,1.0.0.255,AS13335,x", "bad AS number 'AS13335'" },
		{ "1.0.0.0,1.0.0.255,4294967296,x", "bad AS number '4294967296' "
		  "(0..4294967295)" },
		{ "1.0.0.0,1.0.0.255,-1,x", "bad AS number '-1'" },
		{ "2001::,1.0.0.255,1,x", "mixes IPv4 and IPv6" },
		{ "2001::,2001::zz,1,x", "mixes IPv4 and IPv6" },
		{ "2001::,2001::ff,x,y", "bad AS number 'x'" },
		{ "16777216,16777471,13335,x", "mixes dotted and integer" },
		{ "1.0.0.0,16777471,13335,x", "mixes dotted and integer" },
		{ " ,,,", "bad range_start ''" },
	};
	char err[LH_ERRLEN], want[LH_ERRLEN], text[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct asdb_build *b = asdb_build_new();

		assert_non_null(b);
		/* two good lines first: the message names line 3 */
		snprintf(text, sizeof(text), "2.0.0.0,2.0.0.255,1,one\n"
		    "2.0.1.0,2.0.1.255,2,two\n%s\n", bad[i].line);
		assert_int_equal(feed(b, text, err), -1);
		snprintf(want, sizeof(want), "t.csv:3: ...%s", bad[i].msg);
		if (strncmp(err, "t.csv:3: ", 9) != 0 ||
		    strstr(err, bad[i].msg) == NULL)
			fail_msg("'%s': got '%s', want '%s'", bad[i].line, err,
			    want);
		/* a bad line changes nothing: the builder goes on */
		{
			char empty[] = "";

			assert_int_equal(asdb_build_line(b, empty, 0, "t.csv",
			    4, err, sizeof(err)), 0);
		}
		assert_int_equal(asdb_build_finish(b, err, sizeof(err)), 0);
		assert_int_equal(asdb_build_stats(b)->rows, 2);
		asdb_build_free(b);
	}
	/* a NUL byte inside a line */
	{
		struct asdb_build *b = asdb_build_new();
		char line[] = "1.0.0.0,1.0.0.255,1,a\0b";

		assert_int_equal(asdb_build_line(b, line, sizeof(line) - 1,
		    "n.csv", 7, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "n.csv:7: NUL byte"));
		asdb_build_free(b);
	}
	/* AS 0 rows are skipped and counted, not errors */
	{
		struct asdb_build *b = build("1.0.0.0,1.0.0.255,0,None\n");

		assert_int_equal(asdb_build_stats(b)->unrouted, 1);
		assert_int_equal(asdb_build_nranges(b), 0);
		asdb_build_free(b);
	}
}

/* Names: bad UTF-8 and controls become '?', long names are cut. */
static void
test_clean_names(void **state)
{
	char out[ASDB_ORG_MAX + 1], line[700];
	struct asdb_build *b;
	struct asdb *db;
	const char *org;
	size_t i;

	(void)state;
	assert_int_equal(asdb_clean_text("plain", 5, out, sizeof(out)), 0);
	assert_string_equal(out, "plain");
	assert_int_equal(asdb_clean_text("a\xff" "b\x01" "c", 5, out,
	    sizeof(out)), 1);
	assert_string_equal(out, "a?b?c");
	/* overlong, surrogate, C1 control, cut sequence */
	assert_int_equal(asdb_clean_text("\xc0\xaf\xed\xa0\x80\xc2\x85\xe2\x82",
	    9, out, sizeof(out)), 1);
	assert_null(strchr(out, '\xc0'));
	for (i = 0; out[i] != '\0'; i++)
		assert_true(out[i] == '?');
	/* a 300-byte name of 2-byte characters is cut on a boundary */
	memset(line, 0, sizeof(line));
	strcpy(line, "1.0.0.0,1.0.0.255,7,");
	for (i = 0; i < 150; i++)
		strcat(line, "\xc3\xa9");
	b = build(line);
	assert_int_equal(asdb_build_stats(b)->cleaned, 1);
	db = image_of(b);
	assert_int_equal(asdb_org(db, 7, &org), 1);
	assert_int_equal(strlen(org), 254);	/* 127 whole characters */
	asdb_close(db);
	asdb_build_free(b);
}

/* ---- overlapping and unsorted rows ---- */

struct trow {
	uint32_t lo, hi, asn;
};

/* The rule, by brute force: the narrowest covering row, then the latest. */
static uint32_t
ref_overlap(const struct trow *r, size_t n, uint32_t a)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < n; i++) {
		if (a < r[i].lo || a > r[i].hi)
			continue;
		if (best == SIZE_MAX ||
		    r[i].hi - r[i].lo <= r[best].hi - r[best].lo)
			best = i;
	}
	return best == SIZE_MAX ? 0 : r[best].asn;
}

static void
test_overlaps(void **state)
{
	static const char text[] =
	    "10.2.0.0,10.2.0.255,3,narrow first\n"
	    "10.0.0.0,10.255.255.255,1,wide\n"
	    "10.1.0.0,10.1.255.255,2,narrow after\n"
	    "10.3.0.0,10.3.0.255,4,same range\n"
	    "10.3.0.0,10.3.0.255,5,same range later\n"
	    "10.255.255.0,11.0.0.255,6,straddles the end\n"
	    "0.0.0.0,0.255.255.255,7,from zero\n"
	    "255.255.255.0,255.255.255.255,8,to the end\n";
	static const struct trow rows[] = {
		{ 0x0a020000, 0x0a0200ff, 3 }, { 0x0a000000, 0x0affffff, 1 },
		{ 0x0a010000, 0x0a01ffff, 2 }, { 0x0a030000, 0x0a0300ff, 4 },
		{ 0x0a030000, 0x0a0300ff, 5 }, { 0x0affff00, 0x0b0000ff, 6 },
		{ 0x00000000, 0x00ffffff, 7 }, { 0xffffff00, 0xffffffff, 8 },
	};
	struct asdb_build *b;
	struct asdb *db;
	struct asdb_hit h;
	size_t i;

	(void)state;
	b = build(text);
	assert_int_equal(asdb_build_stats(b)->overlaps, 5);
	db = image_of(b);
	assert_int_equal(asn_at(db, "10.2.0.7"), 3);
	assert_int_equal(asn_at(db, "10.1.77.1"), 2);
	assert_int_equal(asn_at(db, "10.0.0.1"), 1);
	assert_int_equal(asn_at(db, "10.3.0.1"), 5);
	assert_int_equal(asn_at(db, "10.4.0.0"), 1);
	assert_int_equal(asn_at(db, "10.255.255.0"), 6);
	assert_int_equal(asn_at(db, "11.0.0.255"), 6);
	assert_int_equal(asn_at(db, "11.0.1.0"), 0);
	assert_int_equal(asn_at(db, "0.0.0.0"), 7);
	assert_int_equal(asn_at(db, "255.255.255.255"), 8);
	/* the wide row resumes after the narrow one, as one interval */
	assert_int_equal(asdb_lookup(db, ip("10.1.255.255"), &h), 1);
	assert_int_equal(h.first, ip("10.1.0.0"));
	assert_int_equal(asdb_lookup(db, ip("10.2.0.0"), &h), 1);
	assert_int_equal(h.asn, 3);
	assert_int_equal(asdb_lookup(db, ip("10.2.1.0"), &h), 1);
	assert_int_equal(h.first, ip("10.2.1.0"));
	assert_int_equal(h.last, ip("10.2.255.255"));
	/* every boundary and random addresses against the rule */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t e[4] = { rows[i].lo, rows[i].hi, rows[i].lo - 1,
		    rows[i].hi + 1 };
		size_t k;

		for (k = 0; k < 4; k++) {
			uint32_t got = asdb_lookup(db, e[k], &h) ? h.asn : 0;

			assert_int_equal(got, ref_overlap(rows, 8, e[k]));
		}
	}
	for (i = 0; i < 100000; i++) {
		uint32_t a = (rnd32() & 0x01ffffff) | 0x0a000000;
		uint32_t got = asdb_lookup(db, a, &h) ? h.asn : 0;

		assert_int_equal(got, ref_overlap(rows, 8, a));
	}
	asdb_close(db);
	asdb_build_free(b);
}

/* The order of the lines does not matter (distinct widths): same bytes. */
static void
test_unsorted_same_image(void **state)
{
	static const char *const lines[] = {
		"5.0.0.0,5.0.0.255,50,\"Five, Ltd\"",
		"1.0.0.0,1.255.255.255,10,One",
		"1.2.3.0,1.2.3.127,12,One two",
		"9.9.0.0,9.9.255.255,99,Nine",
		"1.2.0.0,1.2.255.255,11,One sub",
		"2001:db8::,2001:db8::ffff,64496,Doc",
	};
	char sorted[512] = "", reversed[512] = "", err[LH_ERRLEN];
	struct asdb_build *a, *b;
	size_t i, n = sizeof(lines) / sizeof(lines[0]), la, lb;
	void *ia, *ib;

	(void)state;
	for (i = 0; i < n; i++) {
		strcat(sorted, lines[i]);
		strcat(sorted, "\n");
		strcat(reversed, lines[n - 1 - i]);
		strcat(reversed, "\n");
	}
	a = build(sorted);
	b = build(reversed);
	ia = asdb_build_image(a, "x", "1", &la, err, sizeof(err));
	ib = asdb_build_image(b, "x", "1", &lb, err, sizeof(err));
	assert_non_null(ia);
	assert_non_null(ib);
	assert_int_equal(la, lb);
	assert_memory_equal(ia, ib, la);
	free(ia);
	free(ib);
	asdb_build_free(a);
	asdb_build_free(b);
}

/* ---- the round trip: CSV -> image -> lookups ---- */

static int
cmp_trow(const void *x, const void *y)
{
	const struct trow *a = x, *b = y;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The reference: a binary search over the rows, sorted by start. */
static uint32_t
ref_search(const struct trow *r, size_t n, uint32_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a <= r[lo - 1].hi ? r[lo - 1].asn : 0;
}

static void
test_roundtrip_1m(void **state)
{
	enum { ROWS_MAX = 700000, LOOKUPS = 1000000 };
	struct trow *rows = malloc(ROWS_MAX * sizeof(*rows));
	struct asdb_build *b = asdb_build_new();
	char line[160], err[LH_ERRLEN], path[] = "/tmp/lh-test-asdb-XXXXXX";
	struct asdb *db, *fdb;
	struct asdb_hit h;
	size_t n = 0, i;
	uint64_t a = 0x01000000;
	const char *org;
	int fd;

	(void)state;
	assert_non_null(rows);
	assert_non_null(b);
	/* ranges of the real table's sizes, in a shuffled line order */
	while (n < ROWS_MAX) {
		uint32_t len = rnd32() % 4 == 0 ? 1 + rnd32() % 65536 :
		    1 + rnd32() % 2048;

		a += rnd32() % 3 == 0 ? rnd32() % 4096 : 0;
		if (a + len > 0xe0000000u)
			break;
		rows[n].lo = (uint32_t)a;
		rows[n].hi = (uint32_t)(a + len - 1);
		rows[n].asn = 1 + rnd32() % 400000;
		a += len;
		n++;
	}
	for (i = n; i > 1; i--) {
		size_t j = rnd32() % i;
		struct trow t = rows[i - 1];

		rows[i - 1] = rows[j];
		rows[j] = t;
	}
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%u.%u.%u.%u,%u.%u.%u.%u,%u,"
		    "\"Org %u, \"\"Q\"\"\"", rows[i].lo >> 24,
		    (rows[i].lo >> 16) & 255, (rows[i].lo >> 8) & 255,
		    rows[i].lo & 255, rows[i].hi >> 24, (rows[i].hi >> 16) & 255,
		    (rows[i].hi >> 8) & 255, rows[i].hi & 255, rows[i].asn,
		    rows[i].asn);
		if (asdb_build_line(b, line, strlen(line), "big.csv", i + 1,
		    err, sizeof(err)) != 0)
			fail_msg("%s", err);
	}
	assert_int_equal(asdb_build_finish(b, err, sizeof(err)), 0);
	assert_int_equal(asdb_build_stats(b)->overlaps, 0);
	assert_int_equal(asdb_build_nranges(b), n);
	qsort(rows, n, sizeof(*rows), cmp_trow);
	db = image_of(b);

	/* half uniform over the space, half inside or at the edge of a row */
	for (i = 0; i < LOOKUPS; i++) {
		uint32_t x, want, got;

		if (i % 2 == 0)
			x = rnd32();
		else {
			const struct trow *r = &rows[rnd32() % n];

			x = rnd32() % 4 == 0 ? (rnd32() % 2 ? r->lo : r->hi) :
			    r->lo + rnd32() % (r->hi - r->lo + 1);
		}
		want = ref_search(rows, n, x);
		got = asdb_lookup(db, x, &h) == 1 ? h.asn : 0;
		if (got != want)
			fail_msg("lookup %u.%u.%u.%u: AS%u, the rows say AS%u",
			    x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255,
			    got, want);
		if (got != 0 && (x < h.first || x > h.last))
			fail_msg("interval %u-%u does not hold %u", h.first,
			    h.last, x);
	}
	/* every organisation, escapes undone */
	for (i = 0; i < n; i += 97) {
		char want[64];

		snprintf(want, sizeof(want), "Org %u, \"Q\"", rows[i].asn);
		assert_int_equal(asdb_org(db, rows[i].asn, &org), 1);
		assert_string_equal(org, want);
	}

	/* the same through a file and mmap */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(asdb_build_write(b, path, "big", "2", err,
	    sizeof(err)), 0);
	fdb = asdb_open(path, err, sizeof(err));
	if (fdb == NULL)
		fail_msg("%s", err);
	assert_int_equal(asdb_verify(fdb, err, sizeof(err)), 0);
	for (i = 0; i < 100000; i++) {
		uint32_t x = rnd32();

		assert_int_equal(asdb_lookup(fdb, x, &h) == 1 ? h.asn : 0,
		    ref_search(rows, n, x));
	}
	asdb_close(fdb);
	unlink(path);
	asdb_close(db);
	asdb_build_free(b);
	free(rows);
}

/* ---- damaged images ---- */

/* Header fields by offset (asdb.c struct hdr). */
#define H_BOM		8
#define H_FORMAT	12
#define H_HDRSIZE	16
#define H_DATASET	24
#define H_NINT		120
#define H_NASNS		124
#define H_BITS		128
#define H_OFF_INDEX	136
#define H_OFF_IVALS	144
#define H_OFF_UNUSED	152
#define H_OFF_ASNS	160
#define H_OFF_STRINGS	176
#define H_STR_SIZE	184
#define H_FILE_SIZE	192

static void
put32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void
put64(unsigned char *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static uint32_t
get32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint64_t
get64(const unsigned char *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static unsigned char *
small_image(size_t *len)
{
	struct asdb_build *b = build(real_rows);
	char err[LH_ERRLEN];
	unsigned char *img = asdb_build_image(b, "test-set", "1.0", len, err,
	    sizeof(err));

	assert_non_null(img);
	asdb_build_free(b);
	return img;
}

/* open_mem of a damaged copy must fail, naming the image and the fault. */
static void
expect_bad(const unsigned char *img, size_t len, const char *why)
{
	char err[LH_ERRLEN];
	struct asdb *db = asdb_open_mem(img, len, "bad.asdb", err, sizeof(err));

	if (db != NULL)
		fail_msg("a damaged image opened (want '%s')", why);
	if (strncmp(err, "bad.asdb: ", 10) != 0 || strstr(err, why) == NULL)
		fail_msg("got '%s', want 'bad.asdb: ...%s'", err, why);
}

static void
test_damaged_images(void **state)
{
	static const size_t cuts[] = { 0, 1, 8, 100, 255 };
	unsigned char *img, *c;
	size_t len, i;

	(void)state;
	img = small_image(&len);
	c = malloc(len + 8);
	assert_non_null(c);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		expect_bad(img, cuts[i], "too short");
	expect_bad(img, 256, "truncated");
	expect_bad(img, len - 1, "truncated");
	memcpy(c, img, len);
	memset(c + len, 0, 8);
	expect_bad(c, len + 8, "the file has");

#define DAMAGE(stmt, why) do {				\
		memcpy(c, img, len);			\
		stmt;					\
		expect_bad(c, len, why);		\
	} while (0)

	DAMAGE(c[0] = 'X', "not a lasthop AS image");
	DAMAGE(put32(c, H_BOM, __builtin_bswap32(0x0a0b0c0du)),
	    "other byte order");
	DAMAGE(put32(c, H_BOM, 7), "byte-order mark");
	DAMAGE(put32(c, H_FORMAT, 2), "image format 2");
	DAMAGE(put32(c, H_HDRSIZE, 128), "bad header");
	DAMAGE(put32(c, H_BITS, 11), "bad header");
	DAMAGE(put32(c, H_BITS, 21), "bad header");
	DAMAGE(put32(c, H_BITS, 16), "outside the file");
	DAMAGE(memset(c + H_DATASET, 'a', 64), "dataset name");
	DAMAGE(c[H_DATASET] = '\n', "dataset name");
	DAMAGE(put32(c, H_NINT, 0), "bad counts");
	DAMAGE(put32(c, H_NINT, 0x40000000), "outside the file");
	DAMAGE(put32(c, H_NASNS, 0xffffffff), "outside the file");
	DAMAGE(put64(c, H_OFF_INDEX, 4), "outside the file");
	DAMAGE(put64(c, H_OFF_IVALS, len), "outside the file");
	DAMAGE(put64(c, H_OFF_IVALS, get64(img, H_OFF_IVALS) + 2),
	    "outside the file");
	DAMAGE(put64(c, H_OFF_UNUSED, 256), "bad header");
	DAMAGE(put32(c, H_NINT, (uint32_t)(len / 8)), "outside the file");
	DAMAGE(put64(c, H_OFF_ASNS, len - 4), "outside the file");
	DAMAGE(put64(c, H_OFF_STRINGS, len + 1), "outside the file");
	DAMAGE(put64(c, H_STR_SIZE, 0), "outside the file");
	DAMAGE(put64(c, H_STR_SIZE, len), "outside the file");
	DAMAGE(put64(c, H_FILE_SIZE, len + 4), "truncated or extended");
	DAMAGE(c[get64(img, H_OFF_STRINGS) + get64(img, H_STR_SIZE) - 1] = 'x',
	    "not terminated");
	DAMAGE(put32(c, get64(img, H_OFF_IVALS), 5), "do not start at");
#undef DAMAGE
	free(c);
	free(img);
}

/*
 * Damage that the header cannot show: lookups stay inside the file and
 * never hand out a bad name; asdb_verify() finds it.
 */
static void
test_damage_inside(void **state)
{
	unsigned char *img, *c;
	size_t len, i, k;
	uint64_t oi, os, oo, ostr;
	char err[LH_ERRLEN];

	(void)state;
	img = small_image(&len);
	c = malloc(len);
	assert_non_null(c);
	oi = get64(img, H_OFF_INDEX);
	os = get64(img, H_OFF_IVALS);
	oo = get64(img, H_OFF_ASNS + 8);	/* the orgs section */
	ostr = get64(img, H_OFF_STRINGS);
	for (k = 0; k < 6; k++) {
		struct asdb *db;
		struct asdb_hit h;
		const char *org;

		memcpy(c, img, len);
		switch (k) {
		case 0:	/* index entries far out of range, and reversed */
			for (i = 0; i <= (1u << get32(img, H_BITS)); i++)
				put32(c, oi + 4 * i, i % 2 ? 0xffffffffu : 7);
			break;
		case 1:	/* ASes that the AS table lacks */
			for (i = 0; i < 8; i++)
				put32(c, os + 8 * i + 4, 1000 + (uint32_t)i);
			break;
		case 2:	/* name offsets past the string table */
			put32(c, oo, 0xfffffff0u);
			put32(c, oo + 4, (uint32_t)(len - ostr));
			break;
		case 3:	/* a name that is not UTF-8 */
			c[ostr + 1] = 0xff;
			break;
		case 4:	/* starts out of order */
			put32(c, os + 8, 0xffffffffu);
			break;
		default: /* a name of control characters */
			c[ostr + 1] = 0x1b;
			break;
		}
		db = asdb_open_mem(c, len, "inside.asdb", err, sizeof(err));
		if (db == NULL)
			fail_msg("case %zu: %s", k, err);
		for (i = 0; i < 200000; i++) {
			uint32_t x = i < 100000 ? rnd32() : (uint32_t)i << 14;

			if (asdb_lookup(db, x, &h) == 1 &&
			    asdb_org(db, h.asn, &org) == 1) {
				size_t n = strlen(org);

				assert_true(n <= ASDB_ORG_MAX);
				assert_null(strchr(org, '\x1b'));
				assert_null(strchr(org, '\xff'));
			}
		}
		assert_int_equal(asdb_verify(db, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "inside.asdb: "));
		asdb_close(db);
	}
	free(c);
	free(img);
}

/* asdb_open() of files that are not images. */
static void
test_open_errors(void **state)
{
	char err[LH_ERRLEN], path[] = "/tmp/lh-test-asdb-XXXXXX";
	int fd;

	(void)state;
	assert_null(asdb_open("/nonexistent/x.asdb", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/x.asdb: No such file"));
	assert_null(asdb_open("/tmp", err, sizeof(err)));
	assert_non_null(strstr(err, "/tmp: not a regular file"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_null(asdb_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "empty file"));
	assert_int_equal(write(fd, "LHASDB\r\nhello", 13), 13);
	close(fd);
	assert_null(asdb_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "too short"));
	unlink(path);
}

/* ---- the image under asmap ---- */

static const char world[] =
    "8.8.8.0,8.8.8.255,15169,Google LLC\n"
    "10.0.0.0,10.255.255.255,64512,Someone's private use\n"
    "66.198.56.0,66.198.87.255,6453,TATA COMMUNICATIONS (AMERICA) INC\n"
    "188.43.0.0,188.43.255.255,20485,\"JSC \"\"TransTeleCom\"\" (image)\"\n"
    "210.52.0.0,210.52.127.255,4837,CHINA UNICOM China169 Backbone\n"
    "219.158.0.0,219.158.255.255,4134,Not what the embedded set says\n";

static struct asmap *
map_with_image(void)
{
	struct asmap *m = asmap_new();
	struct asdb_build *b = build(world);
	char err[LH_ERRLEN];

	assert_non_null(m);
	assert_int_equal(asmap_load_default(m, err, sizeof(err)), 0);
	assert_int_equal(asmap_attach_asdb(m, image_of(b), err, sizeof(err)),
	    0);
	asdb_build_free(b);
	return m;
}

static void
test_asmap_layering(void **state)
{
	struct asmap *m = map_with_image();
	struct asmap_result r;
	struct asmap_asinfo ai;
	struct asmap_layer l;

	(void)state;
	/* the embedded routes answer first */
	assert_int_equal(asmap_lookup(m, ip("219.158.3.1"), &r), 1);
	assert_int_equal(r.asn, 4837);
	assert_int_equal(r.source, ASMAP_SRC_STATIC);
	assert_int_equal(r.len, 16);
	/* the image where they have no route: the CIDR block around it */
	assert_int_equal(asmap_lookup(m, ip("66.198.70.1"), &r), 1);
	assert_int_equal(r.asn, 6453);
	assert_int_equal(r.source, ASMAP_SRC_ASDB);
	assert_int_equal(r.prefix, ip("66.198.64.0"));
	assert_int_equal(r.len, 20);
	assert_int_equal(asmap_lookup(m, ip("66.198.56.9"), &r), 1);
	assert_int_equal(r.prefix, ip("66.198.56.0"));
	assert_int_equal(r.len, 21);
	assert_int_equal(asmap_lookup(m, ip("8.8.8.8"), &r), 1);
	assert_int_equal(r.prefix, ip("8.8.8.0"));
	assert_int_equal(r.len, 24);
	assert_int_equal(asmap_lookup(m, ip("9.9.9.9"), &r), 0);
	/* notes still apply: DPRK-associated, private */
	assert_int_equal(asmap_lookup(m, ip("210.52.109.7"), &r), 1);
	assert_int_equal(r.asn, 4837);
	assert_true(r.flags & ASMAP_F_NK_ASSOCIATED);
	assert_non_null(r.note);
	assert_int_equal(asmap_lookup(m, ip("10.1.2.3"), &r), 1);
	assert_int_equal(r.asn, 64512);
	assert_true(r.flags & ASMAP_F_PRIVATE);
	/* names: the embedded data's win; the image fills in organisations */
	assert_int_equal(asmap_asinfo(m, 20485, &ai), 1);
	assert_string_equal(ai.org, "TransTeleCom JSC");
	assert_int_equal(asmap_asinfo(m, 4837, &ai), 1);
	assert_string_equal(ai.name, "CHINA169-BACKBONE");
	assert_int_equal(asmap_asinfo(m, 6453, &ai), 1);
	assert_string_equal(ai.name, "");
	assert_string_equal(ai.org, "TATA COMMUNICATIONS (AMERICA) INC");
	assert_int_equal(ai.source, ASMAP_SRC_ASDB);
	assert_int_equal(asmap_asinfo(m, 64999, &ai), 0);
	/* the layers, in load order */
	assert_int_equal(asmap_nlayers(m), 2);
	asmap_layer(m, 0, &l);
	assert_string_equal(l.kind, "embedded");
	assert_string_equal(l.name, ASMAP_DEFAULT_NAME);
	assert_string_equal(l.version, ASMAP_DEFAULT_VERSION);
	asmap_layer(m, 1, &l);
	assert_string_equal(l.kind, "image");
	assert_string_equal(l.name, "test-set");
	assert_string_equal(l.version, "1.0");
	/* detaching drops the image and its layer */
	assert_int_equal(asmap_attach_asdb(m, NULL, NULL, 0), 0);
	assert_int_equal(asmap_nlayers(m), 1);
	assert_int_equal(asmap_lookup(m, ip("8.8.8.8"), &r), 0);
	asmap_free(m);
}

/* An --asmap file's routes and names win over the image. */
static void
test_asmap_file_over_image(void **state)
{
	struct asmap *m = map_with_image();
	struct asmap_result r;
	struct asmap_asinfo ai;
	struct asmap_layer l;
	char err[LH_ERRLEN];
	FILE *fp;
	static char pfx[] = "66.198.70.0\t24\t65001\n";
	static char a2o[] = "# format:aut|changed|aut_name|org_id|opaque_id|"
	    "source\n6453|20200101|TATA-AS|||ARIN\n";

	(void)state;
	fp = fmemopen(pfx, strlen(pfx), "r");
	assert_int_equal(asmap_load_fp(m, fp, "mine.txt", ASMAP_FMT_AUTO, NULL,
	    err, sizeof(err)), 0);
	fclose(fp);
	fp = fmemopen(a2o, strlen(a2o), "r");
	assert_int_equal(asmap_load_fp(m, fp, "names.txt", ASMAP_FMT_AUTO,
	    NULL, err, sizeof(err)), 0);
	fclose(fp);
	assert_int_equal(asmap_lookup(m, ip("66.198.70.1"), &r), 1);
	assert_int_equal(r.asn, 65001);
	assert_int_equal(r.source, ASMAP_SRC_PFX2AS);
	assert_int_equal(asmap_lookup(m, ip("66.198.71.1"), &r), 1);
	assert_int_equal(r.asn, 6453);
	/* a name without an organisation: the image's fills in */
	assert_int_equal(asmap_asinfo(m, 6453, &ai), 1);
	assert_string_equal(ai.name, "TATA-AS");
	assert_string_equal(ai.org, "TATA COMMUNICATIONS (AMERICA) INC");
	assert_int_equal(asmap_nlayers(m), 4);
	asmap_layer(m, 2, &l);
	assert_string_equal(l.kind, "asmap");
	assert_string_equal(l.name, "mine.txt");
	assert_string_equal(l.format, "pfx2as");
	asmap_layer(m, 3, &l);
	assert_string_equal(l.format, "as2org");
	/* a failed load adds no layer */
	fp = fmemopen(pfx, 5, "r");
	assert_int_equal(asmap_load_fp(m, fp, "bad.txt", ASMAP_FMT_PFX2AS,
	    NULL, err, sizeof(err)), -1);
	fclose(fp);
	assert_int_equal(asmap_nlayers(m), 4);
	asmap_free(m);
}

/*
 * The CSV through --asmap: detected, split into prefixes, and answering
 * exactly what the image answers.
 */
static void
test_csv_as_asmap_file(void **state)
{
	struct asmap *m = asmap_new(), *w = asmap_new();
	struct asdb_build *b = build(real_rows);
	struct asdb *db = image_of(b);
	struct asmap_load_stats st;
	struct asmap_result r1, r2;
	struct asmap_asinfo ai;
	struct asmap_layer l;
	char err[LH_ERRLEN], *copy = strdup(real_rows);
	FILE *fp;
	size_t i;

	(void)state;
	assert_int_equal(asmap_detect_format(real_rows, strlen(real_rows)),
	    ASMAP_FMT_IPLOCDB);
	{
		static const char hdr[] = "ip_range_start,ip_range_end,"
		    "autonomous_system_number,x\n1.0.0.0,1.0.0.255,1,x\n";

		assert_int_equal(asmap_detect_format(hdr, strlen(hdr)),
		    ASMAP_FMT_IPLOCDB);
	}
	assert_int_equal(asmap_format_parse("ip-location-db"),
	    ASMAP_FMT_IPLOCDB);
	fp = fmemopen(copy, strlen(copy), "r");
	assert_int_equal(asmap_load_fp(m, fp, "asn-ipv4.csv", ASMAP_FMT_AUTO,
	    &st, err, sizeof(err)), 0);
	fclose(fp);
	assert_int_equal(st.format, ASMAP_FMT_IPLOCDB);
	assert_int_equal(st.skipped_v6, 2);
	assert_int_equal(st.names, 7);
	asmap_layer(m, 0, &l);
	assert_string_equal(l.format, "ip-location-db");
	assert_int_equal(asmap_attach_asdb(w, db, err, sizeof(err)), 0);
	for (i = 0; i < 300000; i++) {
		uint32_t a = i < 1000 ? ip("219.154.0.0") + (uint32_t)i * 4099 :
		    (rnd32() & 0x0fffffff) | (rnd32() % 2 ? 0xd0000000 : 0);
		int h1 = asmap_lookup(m, a, &r1), h2 = asmap_lookup(w, a, &r2);

		assert_int_equal(h1, h2);
		if (h1) {
			assert_int_equal(r1.asn, r2.asn);
			assert_int_equal(r1.prefix, r2.prefix);
			assert_int_equal(r1.len, r2.len);
		}
	}
	assert_int_equal(asmap_asinfo(m, 201907, &ai), 1);
	assert_string_equal(ai.org, "LLC \"SPUTNIK\"");
	/* a malformed row names the file and the line */
	{
		static char bad[] = "1.0.0.0,1.0.0.255,13335,x\n"
		    "1.0.1.0,1.0.1.255,AS7,y\n";

		fp = fmemopen(bad, strlen(bad), "r");
		assert_int_equal(asmap_load_fp(m, fp, "b.csv", ASMAP_FMT_AUTO,
		    NULL, err, sizeof(err)), -1);
		fclose(fp);
		assert_non_null(strstr(err, "b.csv:2: bad AS number 'AS7'"));
	}
	free(copy);
	asdb_build_free(b);
	asmap_free(m);
	asmap_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_rows),
		cmocka_unit_test(test_header_and_integers),
		cmocka_unit_test(test_malformed_rows),
		cmocka_unit_test(test_clean_names),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_unsorted_same_image),
		cmocka_unit_test(test_roundtrip_1m),
		cmocka_unit_test(test_damaged_images),
		cmocka_unit_test(test_damage_inside),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_asmap_layering),
		cmocka_unit_test(test_asmap_file_over_image),
		cmocka_unit_test(test_csv_as_asmap_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
