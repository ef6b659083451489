/*
 * asdb-bench.c: start-up time and lookup rate of the world-wide AS image.
 *
 *   asdb-bench IMAGE [LOOKUPS] [CSV]
 *
 * Prints, for IMAGE (default LOOKUPS 10,000,000):
 *   - the time from nothing to the first answer: asdb_open() (open, mmap,
 *     header checks) and one lookup; best and median of 21 runs, the
 *     first run (coldest) on its own;
 *   - the same through asmap as lasthop starts: the embedded data loaded,
 *     the image attached, one asmap_lookup();
 *   - lookups per second: asdb_lookup() of uniform addresses and of
 *     addresses inside the image's ranges; asmap_lookup() with the image
 *     attached (the embedded routes first, the image under them);
 *   - the reference beside each: a plain binary search over a sorted copy
 *     of the image's interval starts (no /16 index), and, when CSV is
 *     given, loading that CSV with the --asmap loader (parsing at run time).
 * bench/asdb-bench.sh builds and runs it against data/asn-ipv4.asdb.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asdb.h"
#include "asmap.h"
#include "lh.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: what a shared machine's other load leaves out. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define RUNS 21

/* Open the image and answer one lookup, RUNS times: best, median, first. */
static int
startup(const char *path, int through_asmap)
{
	double t[RUNS], t0, first;
	char err[LH_ERRLEN];
	volatile uint32_t sink = 0;
	int i;

	for (i = 0; i < RUNS; i++) {
		struct asdb *db;
		struct asmap *m = NULL;
		struct asdb_hit hit;
		struct asmap_result r;

		t0 = now();
		if (through_asmap && ((m = asmap_new()) == NULL ||
		    asmap_load_default(m, err, sizeof(err)) != 0)) {
			fprintf(stderr, "asdb-bench: %s\n", err);
			return 1;
		}
		if ((db = asdb_open(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "asdb-bench: %s\n", err);
			return 1;
		}
		if (through_asmap) {
			if (asmap_attach_asdb(m, db, err, sizeof(err)) != 0)
				return 1;
			if (asmap_lookup(m, 0x3e730901u, &r) == 1)	/* 62.115.9.1 */
				sink += r.asn;
		} else if (asdb_lookup(db, 0x3e730901u, &hit) == 1)
			sink += hit.asn;
		t[i] = now() - t0;
		if (through_asmap)
			asmap_free(m);
		else
			asdb_close(db);
	}
	first = t[0];
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	printf("time to first lookup, %-26s first %.3f ms, best %.3f ms, "
	    "median %.3f ms (%d runs)\n", through_asmap ?
	    "embedded data + image:" : "image alone:", first * 1e3,
	    t[0] * 1e3, t[RUNS / 2] * 1e3, RUNS);
	(void)sink;
	return 0;
}

/* The reference lookup: binary search over all starts, no index. */
static uint32_t
plain_search(const uint32_t *starts, const uint32_t *vals, size_t n,
    uint32_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (starts[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return vals[lo - 1];
}

static double c0;	/* CPU time at the start of the timed loop */

static void
rate(const char *what, double secs, unsigned long n, unsigned long hits,
    uint64_t sum)
{
	double cpu = cpu_now() - c0;

	printf("%-46s %6.1f M/s wall, %6.1f M/s CPU (%.1f%% hit, checksum "
	    "%llu)\n", what, (double)n / secs / 1e6, (double)n / cpu / 1e6,
	    100.0 * (double)hits / (double)n, (unsigned long long)sum);
}

static int
lookups(const char *path, unsigned long n)
{
	struct asdb *db;
	struct asmap *m = asmap_new();
	struct asdb_hit hit;
	struct asmap_result r;
	struct asdb_info info;
	char err[LH_ERRLEN];
	uint32_t *starts, *vals, *addrs;
	unsigned long i, hits;
	uint64_t sum;
	size_t k, nint = 0;
	double t0;

	if ((db = asdb_open(path, err, sizeof(err))) == NULL ||
	    asdb_verify(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "asdb-bench: %s\n", err);
		return 1;
	}
	asdb_get_info(db, &info);
	printf("image: %s: %s %s, %u intervals, %u ranges, %u ASes, %llu "
	    "bytes\n", path, info.dataset, info.version, info.intervals,
	    info.ranges, info.asns, (unsigned long long)info.size);
	/* the reference's arrays: every interval, read through lookups */
	starts = malloc(info.intervals * sizeof(*starts));
	vals = malloc(info.intervals * sizeof(*vals));
	addrs = malloc(n * sizeof(*addrs));
	if (starts == NULL || vals == NULL || addrs == NULL || m == NULL)
		return 1;
	for (k = 0; k < info.intervals; k++) {
		vals[nint] = asdb_interval(db, k, &hit) == 1 ? hit.asn : 0;
		starts[nint++] = hit.first;
	}

	/* uniform addresses */
	for (i = 0; i < n; i++)
		addrs[i] = rnd32();
	hits = 0;
	sum = 0;
	c0 = cpu_now();
	t0 = now();
	for (i = 0; i < n; i++)
		if (asdb_lookup(db, addrs[i], &hit) == 1) {
			hits++;
			sum += hit.asn;
		}
	rate("asdb_lookup, uniform addresses:", now() - t0, n, hits, sum);
	hits = 0;
	sum = 0;
	c0 = cpu_now();
	t0 = now();
	for (i = 0; i < n; i++) {
		uint32_t v = plain_search(starts, vals, nint, addrs[i]);

		hits += v != 0;
		sum += v;
	}
	rate("reference: plain binary search, uniform:", now() - t0, n,
	    hits, sum);

	/* inside ranges: what traceroute hops look like */
	for (i = 0; i < n; i++) {
		k = rnd32() % nint;
		while (vals[k] == 0)
			k = (k + 1) % nint;
		addrs[i] = starts[k] + (k + 1 < nint ?
		    rnd32() % (starts[k + 1] - starts[k]) : 0);
	}
	hits = 0;
	sum = 0;
	c0 = cpu_now();
	t0 = now();
	for (i = 0; i < n; i++)
		if (asdb_lookup(db, addrs[i], &hit) == 1) {
			hits++;
			sum += hit.asn;
		}
	rate("asdb_lookup, addresses in ranges:", now() - t0, n, hits, sum);
	hits = 0;
	sum = 0;
	c0 = cpu_now();
	t0 = now();
	for (i = 0; i < n; i++) {
		uint32_t v = plain_search(starts, vals, nint, addrs[i]);

		hits += v != 0;
		sum += v;
	}
	rate("reference: plain binary search, in ranges:", now() - t0, n,
	    hits, sum);

	/* the layered lookup lasthop's annotation makes */
	if (asmap_load_default(m, err, sizeof(err)) != 0 ||
	    asmap_attach_asdb(m, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "asdb-bench: %s\n", err);
		return 1;
	}
	hits = 0;
	sum = 0;
	c0 = cpu_now();
	t0 = now();
	for (i = 0; i < n; i++)
		if (asmap_lookup(m, addrs[i], &r) == 1) {
			hits++;
			sum += r.asn;
		}
	rate("asmap_lookup (embedded + image), in ranges:", now() - t0, n,
	    hits, sum);
	asmap_free(m);	/* closes db */
	free(starts);
	free(vals);
	free(addrs);
	return 0;
}

/* The reference start-up: the same data parsed at run time (--asmap). */
static int
csv_load(const char *csv)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_result r;
	char err[LH_ERRLEN];
	double t0 = now();

	if (m == NULL || asmap_load_file(m, csv, ASMAP_FMT_AUTO, &st, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "asdb-bench: %s\n", err);
		return 1;
	}
	(void)asmap_lookup(m, 0x3e730901u, &r);
	printf("reference: time to first lookup, the CSV with --asmap (%s, "
	    "%zu prefixes): %.1f ms\n", asmap_format_name(st.format),
	    asmap_nroutes(m), (now() - t0) * 1e3);
	asmap_free(m);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000000;

	if (argc < 2 || n == 0) {
		fprintf(stderr, "usage: asdb-bench IMAGE [LOOKUPS] [CSV]\n");
		return 2;
	}
	if (startup(argv[1], 0) != 0 || startup(argv[1], 1) != 0)
		return 1;
	if (argc > 3 && csv_load(argv[3]) != 0)
		return 1;
	return lookups(argv[1], n);
}
