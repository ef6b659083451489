/*
 * asmap_fuzz.h: what the four asmap loader fuzz targets share: load the
 * input as a file (fmemopen) with the format named and again with format
 * detection; a failed load must leave the map as it was, and after any load
 * the lookup table must agree with the route list.  Each target defines
 * FUZZ_ASMAP_FORMAT (and FUZZ_ASMAP_DEFAULTS 0 to load over an empty map
 * instead of the embedded dataset) and includes this file.
 */
#ifndef LH_ASMAP_FUZZ_H
#define LH_ASMAP_FUZZ_H

#ifndef FUZZ_ASMAP_DEFAULTS
#define FUZZ_ASMAP_DEFAULTS 1
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asmap.h"
#include "lh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every route's first and last address must find a route at least as long. */
static int
check_route(const struct asmap_route *r, void *arg)
{
	const struct asmap *m = arg;
	struct asmap_result res;
	uint32_t last = r->prefix | (r->len ? ~(0xffffffffu << (32 - r->len)) :
	    0xffffffffu);

	if (r->len > 32 || r->nupstreams > ASMAP_MAX_UPSTREAMS)
		abort();
	if (asmap_lookup(m, r->prefix, &res) != 1 || res.len < r->len ||
	    res.len > 32)
		abort();
	if (asmap_lookup(m, last, &res) != 1 || res.len < r->len)
		abort();
	return 0;
}

static void
exercise(const struct asmap *m)
{
	static const uint32_t probe[] = { 0, 0xffffffffu, 0xaf2db047u,
	    0xdb9e6102u, 0x0a010101u, 0x7f000001u, 0x01000001u };
	struct asmap_result r;
	struct asmap_asinfo ai;
	size_t i;

	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		if (asmap_lookup(m, probe[i], &r) == 1 &&
		    ((probe[i] ^ r.prefix) & (r.len ? 0xffffffffu <<
		    (32 - r.len) : 0)) != 0)
			abort();
		if (r.note != NULL && strlen(r.note) > 1000000)
			abort();
		if (asmap_asinfo(m, probe[i] >> 16, &ai) == 1 &&
		    strlen(ai.name) + strlen(ai.org) + strlen(ai.org_id) > 100000000)
			abort();
	}
	(void)asmap_foreach_route(m, 0, 0, check_route, (void *)(uintptr_t)m);
}

static void
load(const uint8_t *data, size_t size, enum asmap_format fmt, int defaults)
{
	struct asmap *m = asmap_new();
	struct asmap_load_stats st;
	char err[LH_ERRLEN];
	char *buf;
	FILE *fp;
	size_t before, names;

	if (m == NULL)
		abort();
	if (defaults && asmap_load_default(m, err, sizeof(err)) != 0)
		abort();
	before = asmap_nroutes(m);
	names = asmap_nnames(m);
	if ((buf = malloc(size)) == NULL)
		abort();
	memcpy(buf, data, size);
	if ((fp = fmemopen(buf, size, "r")) == NULL)
		abort();
	if (asmap_load_fp(m, fp, "fuzz", fmt, &st, err, sizeof(err)) != 0) {
		/* a failed load leaves the map as it was, with a message */
		if (asmap_nroutes(m) != before || asmap_nnames(m) != names ||
		    err[0] == '\0')
			abort();
	}
	fclose(fp);
	free(buf);
	exercise(m);
	asmap_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 1 << 20)
		return 0;
	(void)asmap_detect_format((const char *)data, size);
	load(data, size, FUZZ_ASMAP_FORMAT, FUZZ_ASMAP_DEFAULTS);
	load(data, size, ASMAP_FMT_AUTO, 0);
	return 0;
}

#endif /* LH_ASMAP_FUZZ_H */
