/*
 * fuzz_asdb_csv.c: libFuzzer target for the ip-location-db CSV reader and
 * the image compiler (asdb.c).  Whatever the input, a load either fails
 * with a message naming the input and a line, or compiles into an image
 * that opens, passes asdb_verify(), and answers every range's first and
 * last address with that range's AS and organisation.
 * Seeds: tests/asdb/seeds/fuzz_asdb_csv/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asdb.h"
#include "lh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asdb_build *b;
	struct asdb *db;
	struct asdb_hit hit;
	char err[LH_ERRLEN], *buf;
	const char *org, *want;
	size_t i, n, len;
	uint32_t first, last, asn;
	void *img;
	FILE *fp;

	if (size == 0 || size > 1 << 20)
		return 0;
	if ((b = asdb_build_new()) == NULL || (buf = malloc(size)) == NULL)
		abort();
	memcpy(buf, data, size);
	if ((fp = fmemopen(buf, size, "r")) == NULL)
		abort();
	err[0] = '\0';
	if (asdb_build_fp(b, fp, "fuzz.csv", err, sizeof(err)) != 0) {
		if (strncmp(err, "fuzz.csv:", 9) != 0)
			abort();	/* every message names the input */
		goto out;
	}
	if (asdb_build_finish(b, err, sizeof(err)) != 0)
		goto out;
	if ((img = asdb_build_image(b, "fuzz", "1", &len, err,
	    sizeof(err))) == NULL)
		abort();
	if ((db = asdb_open_mem(img, len, "fuzz.asdb", err, sizeof(err))) == NULL ||
	    asdb_verify(db, err, sizeof(err)) != 0)
		abort();	/* the compiler wrote a bad image */
	n = asdb_build_nranges(b);
	for (i = 0; i < n; i++) {
		asdb_build_range(b, i, &first, &last, &asn);
		if (first > last || asdb_lookup(db, first, &hit) != 1 ||
		    hit.asn != asn || hit.first != first || hit.last != last ||
		    asdb_lookup(db, last, &hit) != 1 || hit.asn != asn)
			abort();
	}
	n = asdb_build_nasns(b);
	for (i = 0; i < n; i++) {
		asdb_build_asn(b, i, &asn, &want);
		if (asdb_org(db, asn, &org) != 1 || strcmp(org, want) != 0)
			abort();
	}
	asdb_close(db);
	free(img);
out:
	fclose(fp);
	free(buf);
	asdb_build_free(b);
	return 0;
}
