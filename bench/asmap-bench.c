/*
 * asmap-bench.c: load time and lookup rate of the prefix -> AS table.
 *
 *   asmap-bench gen FILE [N]        write a deterministic pfx2as file of about
 *                                   N prefixes (default 1,000,000)
 *   asmap-bench run FILE [LOOKUPS]  load FILE (format detected), then time
 *                                   LOOKUPS random lookups (default 10,000,000)
 *                                   over the whole address space and as many
 *                                   inside loaded prefixes; print peak RSS
 *
 * The generated table follows the shape of a real IPv4 RouteViews table:
 * mostly /24, then /22, /23, /21, /20 ..., a few short and long prefixes,
 * about 1% multi-origin (a_b) and 0.1% AS-set (a,b) origins.  bench/asmap-bench.sh
 * builds and runs it next to reference timings of cat / wc -l / sort.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "asmap.h"
#include "lh.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd32(void)
{
	/* xorshift64* */
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

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Prefix-length shares (per 10,000) of an IPv4 RouteViews table, roughly. */
static const struct {
	unsigned len;
	unsigned weight;
} shape[] = {
	{ 8, 2 }, { 9, 2 }, { 10, 4 }, { 11, 8 }, { 12, 15 }, { 13, 25 },
	{ 14, 45 }, { 15, 80 }, { 16, 140 }, { 17, 90 }, { 18, 130 },
	{ 19, 250 }, { 20, 420 }, { 21, 460 }, { 22, 1100 }, { 23, 1000 },
	{ 24, 6200 }, { 25, 8 }, { 26, 8 }, { 27, 5 }, { 28, 3 }, { 29, 2 },
	{ 30, 1 }, { 32, 2 },
};

static unsigned
pick_len(void)
{
	unsigned total = 0, r, i;

	for (i = 0; i < sizeof(shape) / sizeof(shape[0]); i++)
		total += shape[i].weight;
	r = rnd32() % total;
	for (i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
		if (r < shape[i].weight)
			return shape[i].len;
		r -= shape[i].weight;
	}
	return 24;
}

static uint32_t
pick_asn(void)
{
	/* skewed: many prefixes from few ASes, a long tail of others */
	uint32_t r = rnd32();

	if (r % 4 == 0)
		return 1 + rnd32() % 2000;
	if (r % 4 == 1)
		return 1 + rnd32() % 65000;
	return 131072 + rnd32() % 270000;
}

static int
key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
gen(const char *path, unsigned long n)
{
	uint64_t *keys = malloc(n * sizeof(*keys));
	unsigned long i, k;
	FILE *fp;

	if (keys == NULL) {
		perror("malloc");
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned len = pick_len();
		/* unicast space 1.0.0.0 .. 223.255.255.255 */
		uint32_t a = (1 + rnd32() % 223) << 24 | (rnd32() & 0xffffff);

		a &= 0xffffffffu << (32 - len);
		keys[i] = (uint64_t)a << 8 | len;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		free(keys);
		return 1;
	}
	for (i = 0, k = 0; i < n; i++) {
		uint32_t a = (uint32_t)(keys[i] >> 8);
		unsigned len = (unsigned)(keys[i] & 0xff);
		uint32_t r = rnd32() % 10000;

		if (i > 0 && keys[i] == keys[i - 1])
			continue;
		fprintf(fp, "%u.%u.%u.%u\t%u\t", a >> 24, (a >> 16) & 0xff,
		    (a >> 8) & 0xff, a & 0xff, len);
		if (r < 100)
			fprintf(fp, "%u_%u\n", pick_asn(), pick_asn());
		else if (r < 110)
			fprintf(fp, "%u,%u\n", pick_asn(), pick_asn());
		else if (r < 112)
			fprintf(fp, "%u_%u_%u,%u\n", pick_asn(), pick_asn(),
			    pick_asn(), pick_asn());
		else
			fprintf(fp, "%u\n", pick_asn());
		k++;
	}
	if (fclose(fp) != 0) {
		perror(path);
		free(keys);
		return 1;
	}
	free(keys);
	printf("wrote %lu prefixes to %s\n", k, path);
	return 0;
}

struct sample {
	uint32_t *addr;
	size_t n, cap;
};

static int
collect(const struct asmap_route *r, void *arg)
{
	struct sample *s = arg;

	if (s->n < s->cap)
		s->addr[s->n++] = r->prefix;
	return 0;
}

static int
run(const char *path, unsigned long lookups)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	struct asmap_result res;
	struct sample s;
	char err[LH_ERRLEN];
	unsigned long i, hits = 0;
	uint64_t sum = 0;
	double t0, t1, c0, c1;
	long rss_before = peak_rss_kb();

	if (m == NULL)
		return 1;
	t0 = now();
	c0 = cpu_now();
	if (asmap_load_file(m, path, ASMAP_FMT_AUTO, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "asmap-bench: %s\n", err);
		asmap_free(m);
		return 1;
	}
	t1 = now();
	c1 = cpu_now();
	printf("load: %s (%s): %lu lines, %zu routes in %.3f s wall, %.3f s "
	    "CPU; peak RSS %ld MB (%ld MB before)\n", path,
	    asmap_format_name(st.format), st.lines, asmap_nroutes(m), t1 - t0,
	    c1 - c0, peak_rss_kb() / 1024, rss_before / 1024);

	/* uniform over the address space (hits and misses) */
	t0 = now();
	c0 = cpu_now();
	for (i = 0; i < lookups; i++) {
		if (asmap_lookup(m, rnd32(), &res)) {
			hits++;
			sum += res.asn;
		}
	}
	t1 = now();
	c1 = cpu_now();
	printf("lookup, uniform addresses: %lu: %.1f M/s wall, %.1f M/s CPU "
	    "(%.1f%% hit, checksum %llu)\n", lookups,
	    (double)lookups / (t1 - t0) / 1e6, (double)lookups / (c1 - c0) / 1e6,
	    100.0 * (double)hits / (double)lookups, (unsigned long long)sum);

	/* addresses inside loaded prefixes (what traceroute hops look like) */
	s.cap = asmap_nroutes(m);
	s.n = 0;
	s.addr = malloc((s.cap ? s.cap : 1) * sizeof(*s.addr));
	if (s.addr != NULL && s.cap > 0) {
		asmap_foreach_route(m, 0, 0, collect, &s);
		hits = 0;
		t0 = now();
		c0 = cpu_now();
		for (i = 0; i < lookups; i++) {
			uint32_t a = s.addr[rnd32() % s.n] | (rnd32() & 0xff);

			if (asmap_lookup(m, a, &res)) {
				hits++;
				sum += res.asn;
			}
		}
		t1 = now();
		c1 = cpu_now();
		printf("lookup, routed addresses:  %lu: %.1f M/s wall, %.1f M/s "
		    "CPU (%.1f%% hit, checksum %llu)\n", lookups,
		    (double)lookups / (t1 - t0) / 1e6,
		    (double)lookups / (c1 - c0) / 1e6,
		    100.0 * (double)hits / (double)lookups,
		    (unsigned long long)sum);
	}
	free(s.addr);
	printf("peak RSS: %ld MB\n", peak_rss_kb() / 1024);
	asmap_free(m);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argc > 3 ? strtoul(argv[3], NULL, 10) :
		    1000000);
	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argc > 3 ? strtoul(argv[3], NULL, 10) :
		    10000000);
	fprintf(stderr, "usage: asmap-bench gen FILE [N] | run FILE [LOOKUPS]\n");
	return 2;
}
