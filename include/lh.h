/* lh.h: conventions shared by every lasthop module (errors, exit codes, addresses). */
#ifndef LH_H
#define LH_H

#include <stddef.h>
#include <stdint.h>

#define LASTHOP_VERSION "0.1.0"
#define LH_JSON_SCHEMA 1	/* version of the JSON output (lasthop.1) */

/* Size of the error buffers that library functions fill. */
#define LH_ERRLEN 256

/*
 * Exit codes of the lasthop command (documented in lasthop.1).
 */
enum lh_exit {
	LH_EXIT_OK = 0,		/* success */
	LH_EXIT_FAIL = 1,	/* general failure */
	LH_EXIT_USAGE = 2,	/* bad command line */
	LH_EXIT_INPUT = 3,	/* an input file is missing, unreadable or malformed */
	LH_EXIT_PARTIAL = 4,	/* input truncated: results printed up to the damage */
	LH_EXIT_PRIV = 5,	/* missing privileges (live tracing) */
	LH_EXIT_NET = 6,	/* network error: no route, resolution, send failure */
};

#if defined(__GNUC__)
#define LH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LH_UNUSED __attribute__((unused))
#else
#define LH_PRINTF(f, a)
#define LH_UNUSED
#endif

/* Fill err (errlen bytes) with a formatted message; returns -1 for "return lh_err(...)". */
int lh_err(char *err, size_t errlen, const char *fmt, ...) LH_PRINTF(3, 4);

/* A 64-bit finaliser (MurmurHash3's fmix64): hashing and keyed values. */
static inline uint64_t
lh_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Format an IPv4 address held in host byte order into buf (at least 16 bytes). */
const char *lh_ip4_str(uint32_t addr, char *buf, size_t buflen);

#define LH_IP4_STRLEN 16

/*
 * Parse a whole decimal number in [lo, hi]; on failure fill err with a
 * message that names the option and the legal range.
 */
int lh_parse_long(const char *s, long lo, long hi, const char *what,
    long *out, char *err, size_t errlen);

/* The same for a decimal number of seconds, returned in nanoseconds. */
int lh_parse_seconds(const char *s, double lo, double hi, const char *what,
    int64_t *out_ns, char *err, size_t errlen);

/* Parse a dotted-quad IPv4 address into host byte order; err names what. */
int lh_parse_ip4(const char *s, const char *what, uint32_t *out, char *err,
    size_t errlen);

/*
 * Parse "a.b.c.d" or "a.b.c.d/len" into a network and its mask (host byte
 * order; host bits dropped); err names what.
 */
int lh_parse_prefix(const char *s, const char *what, uint32_t *net,
    uint32_t *mask, char *err, size_t errlen);

/*
 * Decimal digits only (no sign, no spaces, not empty), value <= max: 0, or
 * -1 with *out untouched.  For fields of data files, where the file's
 * loader names the place.
 */
int lh_digits_u32(const char *s, uint32_t max, uint32_t *out);

#endif /* LH_H */
