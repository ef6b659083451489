/*
 * asdb.h: the world-wide AS image: an IPv4 range -> AS table with the
 * organisation of every AS, compiled once from a CSV of the
 * ip-location-db "asn" dataset and mapped into memory at start-up.
 *
 * The CSV (asn-ipv4.csv, asn-ipv6.csv, asn-ipv4-num.csv of the npm package
 * @ip-location-db/asn) has one inclusive range per line, RFC 4180 quoting:
 *     range_start,range_end,autonomous_system_number,organisation
 *     1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
 *     2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""
 * Addresses are dotted quads or (the -num file) unsigned integers, not both
 * in one file.  IPv6 rows are checked and skipped (image format 1 holds
 * IPv4 only; the header keeps room for them).  AS 0 rows are skipped.
 * Blank lines, '#' lines and a header line are skipped.  Organisation
 * names are kept as UTF-8: invalid bytes and control characters become
 * '?', and a name is cut at 255 bytes (on a character boundary).
 *
 * Overlapping ranges: where ranges overlap, the narrower one wins (as the
 * longest prefix wins in routing); between ranges of the same width, the
 * later line.  The order of the lines does not matter otherwise.  An AS
 * named with two organisations keeps the one of its last line.
 *
 * The image (format 1, host byte order, recorded and checked):
 *     header (256 bytes): magic "LHASDB\r\n", byte-order mark, format
 *         version, dataset name and version, counts, the index's bits,
 *         the offset of every section; the file's own size
 *     index    2^b + 1 x u32: the interval holding the first address of
 *              every /b block (the last entry: the last interval); b is
 *              12, 16 or 20 by the table's size (about one interval per
 *              block): the real table gets /20, 4 MiB, 2.6 intervals per
 *              block on average
 *     ivals    n x (u32 start, u32 AS): the address space cut into n
 *              intervals, starts ascending from 0; AS 0 = no AS there (the
 *              AS beside its start: a lookup's last read is in the same
 *              cache line as its last comparison)
 *     asns     m x u32, ascending; orgs m x u32: offsets into strings
 *     strings  NUL-terminated names; its last byte is NUL
 * A lookup is one index read and a binary search among the intervals of
 * one block.
 *
 * The image is untrusted input: asdb_open() checks the header, and every
 * section against the file's size; a lookup range-checks every index it
 * reads (a crafted image can give wrong answers, never a read outside the
 * file) and hands out only organisation names that are valid UTF-8
 * without control characters.  asdb_verify() checks everything else
 * (order, every value), at the cost of reading the whole file.
 *
 * Conventions (lh.h): 0 / -1 (or NULL) with err filled; lookups return
 * 1 (found) / 0.  Addresses are in host byte order.
 */
#ifndef LH_ASDB_H
#define LH_ASDB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ASDB_FORMAT_VERSION	1
#define ASDB_FILE_NAME		"asn-ipv4.asdb"	/* what lasthop looks for */
#define ASDB_NAME_MAX		64	/* dataset name, NUL included */
#define ASDB_VERSION_MAX	32	/* dataset version, NUL included */
#define ASDB_ORG_MAX		255	/* longest organisation name kept */

/* ---- reading a CSV and compiling it ---- */

struct asdb_build;	/* the rows of a CSV being read */

struct asdb_build_stats {
	unsigned long lines;	/* lines given */
	unsigned long rows;	/* IPv4 rows kept */
	unsigned long skipped_v6; /* IPv6 rows (checked, not kept) */
	unsigned long unrouted;	/* rows with AS 0 */
	unsigned long overlaps;	/* rows that overlap an earlier-sorted row */
	unsigned long cleaned;	/* organisation names changed ('?', cut) */
	unsigned long ranges;	/* intervals with an AS after resolution */
	unsigned long asns;	/* distinct ASes */
};

struct asdb_build *asdb_build_new(void);
void asdb_build_free(struct asdb_build *b);

/*
 * One line of a CSV: NUL-terminated, without its line end (a trailing CR
 * is removed here).  name and lineno go into messages: "NAME:LINE: what".
 * 0, or -1 with err filled (the builder is unchanged by a bad line).
 */
int asdb_build_line(struct asdb_build *b, char *line, size_t len,
    const char *name, unsigned long lineno, char *err, size_t errlen);

/* Every line of fp (asdb_build_line() for each); 0 or -1. */
int asdb_build_fp(struct asdb_build *b, FILE *fp, const char *name,
    char *err, size_t errlen);

/*
 * Resolve the rows into intervals (the overlap rule above).  After it the
 * builder takes no more lines; the accessors below and asdb_build_write()
 * read the result.  0, or -1 (out of memory).
 */
int asdb_build_finish(struct asdb_build *b, char *err, size_t errlen);

const struct asdb_build_stats *asdb_build_stats(const struct asdb_build *b);

/* Intervals with an AS, in address order (after asdb_build_finish()). */
size_t asdb_build_nranges(const struct asdb_build *b);
void asdb_build_range(const struct asdb_build *b, size_t i, uint32_t *first,
    uint32_t *last, uint32_t *asn);

/* Distinct ASes in ascending order, with their organisation ("" if none). */
size_t asdb_build_nasns(const struct asdb_build *b);
void asdb_build_asn(const struct asdb_build *b, size_t i, uint32_t *asn,
    const char **org);

/*
 * Write the image to path (through a temporary file renamed over it, so
 * path is whole or untouched).  dataset and version: printable ASCII,
 * shorter than ASDB_NAME_MAX / ASDB_VERSION_MAX.
 */
int asdb_build_write(const struct asdb_build *b, const char *path,
    const char *dataset, const char *version, char *err, size_t errlen);

/* The image's bytes in memory (malloc'd, *len set): for tests and fuzzing. */
void *asdb_build_image(const struct asdb_build *b, const char *dataset,
    const char *version, size_t *len, char *err, size_t errlen);

/* ---- reading an image ---- */

struct asdb;		/* an open image */

struct asdb_info {
	const char *path;	/* as opened */
	const char *dataset;	/* e.g. "@ip-location-db/asn" */
	const char *version;	/* e.g. "2.3.2026061719" */
	uint32_t format;	/* ASDB_FORMAT_VERSION */
	uint32_t intervals;	/* n: the address space cut into intervals */
	uint32_t ranges;	/* intervals with an AS (from the header) */
	uint32_t asns;
	uint64_t size;		/* bytes */
};

struct asdb_hit {
	uint32_t first, last;	/* the interval holding the address */
	uint32_t asn;
};

/* Map the image at path read-only; NULL with "PATH: what is wrong". */
struct asdb *asdb_open(const char *path, char *err, size_t errlen);

/* The same over a copy of len bytes at buf; name is used in messages. */
struct asdb *asdb_open_mem(const void *buf, size_t len, const char *name,
    char *err, size_t errlen);

void asdb_close(struct asdb *db);

void asdb_get_info(const struct asdb *db, struct asdb_info *out);

/* The AS of addr: 1 and *hit filled, or 0 (no AS there). */
int asdb_lookup(const struct asdb *db, uint32_t addr, struct asdb_hit *hit);

/*
 * Interval i (0 .. info.intervals - 1) in address order: *hit's first and
 * last filled, and 1 with hit->asn when it has an AS, else 0.
 */
int asdb_interval(const struct asdb *db, size_t i, struct asdb_hit *hit);

/*
 * The organisation of asn: 1 and *org set (valid until asdb_close()), or 0
 * (not in the image, or a name that is not clean UTF-8).
 */
int asdb_org(const struct asdb *db, uint32_t asn, const char **org);

/* Check the whole image (order, every index and name); 0 or -1. */
int asdb_verify(const struct asdb *db, char *err, size_t errlen);

/*
 * s (len bytes) as clean UTF-8 into out (outlen >= 4): invalid bytes and
 * control characters become '?', cut on a character boundary to fit.
 * Returns 1 when anything was changed, else 0.
 */
int asdb_clean_text(const char *s, size_t len, char *out, size_t outlen);

#endif /* LH_ASDB_H */
