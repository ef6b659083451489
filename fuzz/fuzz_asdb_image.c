/*
 * fuzz_asdb_image.c: libFuzzer target for the AS image reader (asdb.c),
 * which treats an image as untrusted.  The input is either an image itself
 * (first byte 0) or, to reach past the header checks, a list of changes to
 * a valid image compiled at start-up (first byte 1: 8-byte records, a
 * 32-bit offset and a 32-bit value written there; first byte 2: the same
 * after cutting the image to the length in the next 4 bytes).  An image
 * that opens must answer lookups without leaving the file and hand out
 * only clean names, alone and under asmap.
 * Seeds: tests/asdb/seeds/fuzz_asdb_image/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asdb.h"
#include "asmap.h"
#include "lh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_csv[] =
    "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
    "2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"\n"
    "8.8.8.0,8.8.8.255,15169,Google LLC\n"
    "66.198.56.0,66.198.87.255,6453,TATA COMMUNICATIONS (AMERICA) INC\n"
    "210.52.0.0,210.52.127.255,4837,CHINA UNICOM China169 Backbone\n"
    "219.154.0.0,219.158.47.255,4837,CHINA UNICOM China169 Backbone\n";

static unsigned char *base;
static size_t base_len;

static void
make_base(void)
{
	struct asdb_build *b = asdb_build_new();
	char err[LH_ERRLEN], *csv = strdup(base_csv);
	FILE *fp;

	if (b == NULL || csv == NULL ||
	    (fp = fmemopen(csv, strlen(csv), "r")) == NULL)
		abort();
	if (asdb_build_fp(b, fp, "base", err, sizeof(err)) != 0 ||
	    asdb_build_finish(b, err, sizeof(err)) != 0 ||
	    (base = asdb_build_image(b, "base", "1", &base_len, err,
	    sizeof(err))) == NULL)
		abort();
	fclose(fp);
	free(csv);
	asdb_build_free(b);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The address of probe i: fixed ones, then the input's bytes. */
static const uint32_t probe[] = { 0, 1, 0x01000001u, 0x08080808u,
    0x42c64601u, 0xdb9e0301u, 0xd2346d07u, 0xfffffffeu, 0xffffffffu };
#define NPROBE (sizeof(probe) / sizeof(probe[0]))

static uint32_t
addr_at(const uint8_t *data, size_t i)
{
	return i < NPROBE ? probe[i] : rd32(data + 4 * (i - NPROBE));
}

static void
exercise(const struct asdb *db, const uint8_t *data, size_t size)
{
	struct asdb_hit hit;
	struct asdb_info info;
	char err[LH_ERRLEN];
	const char *org;
	size_t i;

	for (i = 0; i < NPROBE + size / 4; i++)
		if (asdb_lookup(db, addr_at(data, i), &hit) == 1 &&
		    asdb_org(db, hit.asn, &org) == 1 &&
		    strlen(org) > ASDB_ORG_MAX)
			abort();
	asdb_get_info(db, &info);
	if (info.intervals == 0)
		abort();
	(void)asdb_verify(db, err, sizeof(err));
}

/* Under asmap: the prefix of every answer holds the address. */
static void
exercise_map(const unsigned char *img, size_t len, const uint8_t *data,
    size_t size)
{
	static struct asmap *m;	/* the embedded data, loaded once */
	struct asmap_result r;
	struct asmap_asinfo ai;
	char err[LH_ERRLEN];
	struct asdb *db = asdb_open_mem(img, len, "fuzz.asdb", err,
	    sizeof(err));
	size_t i;

	if (m == NULL && ((m = asmap_new()) == NULL ||
	    asmap_load_default(m, err, sizeof(err)) != 0))
		abort();
	if (db == NULL || asmap_attach_asdb(m, db, err, sizeof(err)) != 0)
		abort();
	for (i = 0; i < NPROBE + size / 4; i++) {
		uint32_t a = addr_at(data, i);

		if (asmap_lookup(m, a, &r) != 1)
			continue;
		if (r.len > 32 || ((a ^ r.prefix) &
		    (r.len ? 0xffffffffu << (32 - r.len) : 0)) != 0)
			abort();
		if (asmap_asinfo(m, r.asn, &ai) == 1 &&
		    strlen(ai.org) > ASDB_ORG_MAX)
			abort();
	}
	if (asmap_attach_asdb(m, NULL, err, sizeof(err)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *img;
	size_t len, i;
	struct asdb *db;
	char err[LH_ERRLEN];

	if (base == NULL)
		make_base();
	if (size == 0 || size > (1 << 21))
		return 0;
	if (data[0] == 0) {
		img = malloc(size);
		if (img == NULL)
			abort();
		memcpy(img, data + 1, size - 1);
		len = size - 1;
	} else {
		len = base_len;
		i = 1;
		if (data[0] == 2 && size >= 5) {
			len = rd32(data + 1) % (base_len + 1);
			i = 5;
		}
		if ((img = malloc(base_len)) == NULL)
			abort();
		memcpy(img, base, base_len);
		for (; i + 8 <= size && len >= 4; i += 8) {
			uint32_t off = rd32(data + i) % (uint32_t)(len - 3);
			uint32_t v = rd32(data + i + 4);

			memcpy(img + off, &v, 4);
		}
	}
	err[0] = '\0';
	db = asdb_open_mem(img, len, "fuzz.asdb", err, sizeof(err));
	if (db == NULL) {
		if (strncmp(err, "fuzz.asdb: ", 11) != 0)
			abort();	/* every message names the image */
	} else {
		exercise(db, data, size);
		asdb_close(db);
		exercise_map(img, len, data, size);
	}
	free(img);
	return 0;
}
