/*
 * asmap.h: network annotation data: IPv4 prefix -> origin AS (longest prefix
 * match), AS -> name / organisation / country, address-space notes, hostname
 * hints, and loaders for the routing-data formats (doc/SOURCES.md, "Routing
 * data").
 *
 * Three layers answer one lookup:
 *   routes  prefix -> origin ASN (+ upstream ASNs, source, MOAS/AS-set flags).
 *           Longest prefix wins.  A later load replaces an earlier route for
 *           the same prefix/length (a researcher's file overrides the embedded
 *           defaults); a BGP withdrawal removes it.
 *   notes   prefix -> flags describing the address space itself (inside North
 *           Korea, DPRK-associated, private, reserved, uncertain) and a text.
 *           Notes never hide a route: a lookup reports the most specific route
 *           AND the flags of every note covering the address.  Loaded data
 *           never removes a note, so "175.45.176.0/22 is inside North Korea"
 *           survives a pfx2as file that re-announces the /24s.
 *   image   a world-wide range -> AS image (asdb.h), attached to the map:
 *           it answers only where no route does, and names (as the
 *           organisation) the ASes that the loaded data leaves without one.
 *           The notes still apply to its answers.
 *
 * Life cycle: asmap_new(), any number of loads (each is all-or-nothing: a
 * failing load leaves the map exactly as it was), lookups, asmap_free().
 * Lookups are read-only and may run concurrently; a load must not run
 * alongside anything else on the same map (separate maps are independent).
 *
 * Conventions (lh.h): functions that can fail return 0 / -1 (or NULL) and
 * fill err; lookups return 1 (found) / 0 (not found).  Addresses are IPv4 in
 * host byte order.
 */
#ifndef LH_ASMAP_H
#define LH_ASMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct asmap;		/* opaque: the whole annotation database */
struct asmap_batch;	/* opaque: a staging area committed all at once */

/* Flags of routes, notes and hostname hints (struct asmap_result.flags). */
#define ASMAP_F_NK_INSIDE	0x0001	/* address space inside North Korea */
#define ASMAP_F_NK_ASSOCIATED	0x0002	/* DPRK-associated, foreign-registered:
					   never proof of being inside */
#define ASMAP_F_PRIVATE		0x0004	/* RFC 1918 / RFC 6598 space */
#define ASMAP_F_RESERVED	0x0008	/* loopback, link-local, docs, multicast.. */
#define ASMAP_F_UNCERTAIN	0x0010	/* the fact is [U] in doc/SOURCES.md */
#define ASMAP_F_STATIC		0x0020	/* route from the embedded dataset */
#define ASMAP_F_MOAS		0x0040	/* several origins seen; asn is the first
					   (pfx2as) or the most frequent (bgpdump) */
#define ASMAP_F_ASSET		0x0080	/* origin was an AS_SET; asn is its first
					   member */

/* Flags that describe address space (carried by notes). */
#define ASMAP_F_REGION_MASK	(ASMAP_F_NK_INSIDE | ASMAP_F_NK_ASSOCIATED | \
				 ASMAP_F_PRIVATE | ASMAP_F_RESERVED)

/* Where a route or an AS name came from. */
enum asmap_source {
	ASMAP_SRC_NONE = 0,
	ASMAP_SRC_STATIC,	/* embedded default dataset / added by code */
	ASMAP_SRC_PFX2AS,	/* CAIDA RouteViews prefix2as */
	ASMAP_SRC_BGPDUMP,	/* bgpdump -m text of MRT RIB dumps / updates */
	ASMAP_SRC_IPTOASN,	/* iptoasn.com TSV */
	ASMAP_SRC_AS2ORG,	/* CAIDA as2org (names only) */
	ASMAP_SRC_IPLOCDB,	/* ip-location-db asn CSV loaded as a file */
	ASMAP_SRC_ASDB,		/* the attached world-wide image */
};

/* Input formats of the loaders. */
enum asmap_format {
	ASMAP_FMT_UNKNOWN = 0,
	ASMAP_FMT_AUTO,		/* detect from the first lines */
	ASMAP_FMT_PFX2AS,
	ASMAP_FMT_BGPDUMP,
	ASMAP_FMT_IPTOASN,	/* dotted quads or the -u32 integer variant */
	ASMAP_FMT_AS2ORG,	/* pipe-separated with "# format:" lines, or JSON lines */
	ASMAP_FMT_IPLOCDB,	/* ip-location-db asn CSV (asdb.h) */
};

#define ASMAP_MAX_UPSTREAMS 4

/* The answer to asmap_lookup(). */
struct asmap_result {
	/* The most specific route covering the address (when found). */
	uint32_t prefix;
	uint8_t len;
	uint8_t source;		/* enum asmap_source */
	uint16_t flags;		/* route flags | flags of every covering note */
	uint32_t asn;		/* origin; 0 = no route */
	uint32_t upstream;	/* most frequent upstream (AS before the
				   origin in BGP paths); 0 = unknown */
	uint8_t nupstreams;	/* upstreams seen, most frequent first */
	uint32_t upstreams[ASMAP_MAX_UPSTREAMS];
	uint32_t upstream_paths[ASMAP_MAX_UPSTREAMS];	/* paths carrying each */
	/* The most specific note covering the address (note == NULL if none). */
	uint32_t note_prefix;
	uint8_t note_len;
	const char *note;	/* valid until the map is changed or freed */
};

/*
 * AS name record (asmap_asinfo()); strings are "" when unknown, and are the
 * bytes of the input file (not checked for UTF-8: writers must escape them).
 */
struct asmap_asinfo {
	uint32_t asn;
	const char *name;	/* AS name (as2org aut_name, iptoasn description) */
	const char *org_id;
	const char *org;	/* organisation name */
	char country[3];	/* ISO 3166 alpha-2, "" if unknown */
	uint8_t source;		/* enum asmap_source of the last update */
};

/* One route for asmap_batch_route() and asmap_foreach_route(). */
struct asmap_route {
	uint32_t prefix;	/* host bits must be zero */
	uint8_t len;		/* 0..32 */
	uint8_t source;		/* filled by the map (the batch's source) */
	uint16_t flags;		/* ASMAP_F_STATIC/UNCERTAIN/MOAS/ASSET; region
				   flags belong to notes and are dropped */
	uint32_t asn;
	uint8_t nupstreams;
	uint32_t upstreams[ASMAP_MAX_UPSTREAMS];
	uint32_t upstream_paths[ASMAP_MAX_UPSTREAMS];
};

/* Statistics of one load (all counters are per call). */
struct asmap_load_stats {
	enum asmap_format format;	/* the format used (after detection) */
	unsigned long lines;		/* lines read */
	unsigned long routes;		/* routes staged (after range splitting) */
	unsigned long withdrawn;	/* prefixes withdrawn (bgpdump) */
	unsigned long unrouted;		/* iptoasn ranges with AS 0 (skipped) */
	unsigned long skipped_v6;	/* IPv6 lines skipped quietly */
	unsigned long skipped;		/* other records skipped (bgpdump STATE) */
	unsigned long names;		/* AS name records */
	unsigned long orgs;		/* organisation records */
};

/* ---- the map ---- */

struct asmap *asmap_new(void);
void asmap_free(struct asmap *m);

/* Counts of distinct routes, notes and AS name records. */
size_t asmap_nroutes(const struct asmap *m);
size_t asmap_nnotes(const struct asmap *m);
size_t asmap_nnames(const struct asmap *m);

/*
 * Longest-prefix match of addr.  Returns 1 and fills r when a route covers
 * addr; returns 0 when none does (r->asn == 0, r->len == 0), but r->flags and
 * r->note still report the notes covering addr.
 */
int asmap_lookup(const struct asmap *m, uint32_t addr, struct asmap_result *r);

/* The route for exactly prefix/len: 1 and *out filled, or 0. */
int asmap_route_exact(const struct asmap *m, uint32_t prefix, unsigned len,
    struct asmap_route *out);

/*
 * Call fn for every route inside prefix/len (itself and more specifics), in
 * address order, less specific first.  Stops early and returns fn's value if
 * fn returns non-zero; returns 0 otherwise.  Example: which /24s of
 * 175.45.176.0/22 are announced, and via which upstreams.
 */
int asmap_foreach_route(const struct asmap *m, uint32_t prefix, unsigned len,
    int (*fn)(const struct asmap_route *r, void *arg), void *arg);

/*
 * Name, organisation and country of asn: 1 and *out filled, or 0.  When
 * the loaded data gives no organisation, the attached image's fills in.
 */
int asmap_asinfo(const struct asmap *m, uint32_t asn, struct asmap_asinfo *out);

/* ---- the world-wide image and what the map was built from ---- */

struct asdb;

/*
 * Attach an open image (asdb.h) as the layer under the routes: the map
 * owns it from now on (asmap_free() closes it); a second call replaces and
 * closes the first.  NULL detaches.  0, or -1 when out of memory (db is
 * closed then too).
 */
int asmap_attach_asdb(struct asmap *m, struct asdb *db, char *err,
    size_t errlen);
const struct asdb *asmap_get_asdb(const struct asmap *m);

/*
 * The data the map holds, one entry per successful load, in load order:
 * the embedded dataset, each file (asmap_load_fp()/asmap_load_file()),
 * the image.  Strings live as long as the map.
 */
struct asmap_layer {
	const char *kind;	/* "embedded", "asmap" or "image" */
	const char *name;	/* dataset name, or the file as named */
	const char *version;	/* "" when it has none */
	const char *format;	/* asmap files: the format read; else "" */
};

size_t asmap_nlayers(const struct asmap *m);
void asmap_layer(const struct asmap *m, size_t i, struct asmap_layer *out);

/* Record a layer (the loaders do); kind is kept as given, the rest copied. */
int asmap_add_layer(struct asmap *m, const char *kind, const char *name,
    const char *version, const char *format, char *err, size_t errlen);
/* Forget the last layer recorded (its load failed after all). */
void asmap_drop_layer(struct asmap *m);

/* ---- staging: what loaders use; also for callers adding their own data ---- */

/*
 * A batch collects routes, withdrawals, notes and names; nothing is visible
 * in the map until asmap_batch_commit().  Within a batch and across batches
 * the later entry for the same prefix/len (or ASN) wins.  The add functions
 * return -1 only when out of memory or on an invalid argument (prefix with
 * host bits, len > 32), with a message in err.
 */
struct asmap_batch *asmap_batch_new(struct asmap *m, enum asmap_source src);
int asmap_batch_route(struct asmap_batch *b, const struct asmap_route *r,
    char *err, size_t errlen);
int asmap_batch_withdraw(struct asmap_batch *b, uint32_t prefix, unsigned len,
    char *err, size_t errlen);
int asmap_batch_note(struct asmap_batch *b, uint32_t prefix, unsigned len,
    uint16_t flags, const char *text, char *err, size_t errlen);
/* Any string may be NULL or "" (= leave that field as it is). */
int asmap_batch_asinfo(struct asmap_batch *b, uint32_t asn, const char *name,
    const char *org_id, const char *org, const char *country,
    char *err, size_t errlen);
int asmap_batch_org(struct asmap_batch *b, const char *org_id,
    const char *org, const char *country, char *err, size_t errlen);
/* Commit and free the batch (also on failure, which leaves the map as it was). */
int asmap_batch_commit(struct asmap_batch *b, char *err, size_t errlen);
/* Drop the batch without touching the map. */
void asmap_batch_abort(struct asmap_batch *b);

/* ---- loaders (asmap_load.c) ---- */

/*
 * Load a file in format fmt (ASMAP_FMT_AUTO: detect from the first lines).
 * name is used in messages ("name:LINE: what is wrong").  On any malformed
 * line, read error or allocation failure: -1, err filled, map unchanged.
 * st may be NULL.
 */
int asmap_load_fp(struct asmap *m, FILE *fp, const char *name,
    enum asmap_format fmt, struct asmap_load_stats *st,
    char *err, size_t errlen);
int asmap_load_file(struct asmap *m, const char *path, enum asmap_format fmt,
    struct asmap_load_stats *st, char *err, size_t errlen);

/*
 * Guess the format from the first bytes of a file (several whole lines):
 * ASMAP_FMT_UNKNOWN if nothing fits.
 */
enum asmap_format asmap_detect_format(const char *buf, size_t len);

/*
 * "pfx2as", "bgpdump", "iptoasn", "as2org", "ip-location-db", "auto" <->
 * enum; UNKNOWN if bad.
 */
enum asmap_format asmap_format_parse(const char *name);
const char *asmap_format_name(enum asmap_format fmt);
const char *asmap_source_name(enum asmap_source src);

/*
 * Parse a pfx2as origin field ("13335", "55967_38365", "64512,65323",
 * "55967_38365_38365,64512,65323"): *asn = first AS, *flags gets
 * ASMAP_F_MOAS / ASMAP_F_ASSET.  0 or -1 (with a message) on bad syntax.
 */
int asmap_parse_origin(const char *s, uint32_t *asn, uint16_t *flags,
    char *err, size_t errlen);

/*
 * Parse a bgpdump AS path ("3356 4837 4837 131279", "1 2 {3,4}",
 * "(65001 65002) 1 2", "[65001,65002] 1"): *origin = last AS outside
 * confederation segments (the first member if it is an AS_SET, with
 * ASMAP_F_ASSET in *flags), *upstream = the AS before it, skipping
 * prepended repeats (0 if none or if that segment is a set).  Returns the
 * number of distinct hops outside confederations found at the end (0: the
 * path is empty or only confederation segments, *origin = 0; 1: origin only;
 * 2: origin and an AS before it), or -1 with a message on bad syntax.
 */
int asmap_parse_aspath(const char *s, uint32_t *origin, uint32_t *upstream,
    uint16_t *flags, char *err, size_t errlen);

/* ---- embedded defaults (asdata_default.c) ---- */

/*
 * Load the embedded dataset (doc/SOURCES.md: North Korea's address space,
 * its upstreams and the carriers around it; the RFC special ranges).
 */
int asmap_load_default(struct asmap *m, char *err, size_t errlen);

/* Its name and revision (in the "embedded" layer, and in results). */
#define ASMAP_DEFAULT_NAME	"lasthop-embedded"
#define ASMAP_DEFAULT_VERSION	"1"

/*
 * Hostname hints: "*.transtelecom.net" -> AS20485, "*.ip.rostelecom.ru" ->
 * AS12389, "*.kp" -> ASMAP_F_NK_INSIDE.  Case-insensitive, a trailing dot is
 * ignored.  Returns 1 and fills *asn (0 if the hint names no AS) and *flags,
 * or 0 when nothing matches.  Reverse DNS is set by the address holder: a
 * hint, never proof.
 */
int asmap_hostname_hint(const char *name, uint32_t *asn, uint16_t *flags);

#endif /* LH_ASMAP_H */
