/*
 * asmap_load.c: loaders of routing and AS-name data (doc/SOURCES.md,
 * "Routing data"): CAIDA pfx2as, bgpdump -m text, iptoasn TSV, CAIDA as2org
 * (pipe and JSON lines), the ip-location-db asn CSV (read by asdb.c), and
 * format detection.
 *
 * Every loader reads line by line into a staging batch (asmap.h) and commits
 * only when the whole input parsed: one malformed line gives -1 with
 * "NAME:LINE: what is wrong" and leaves the map as it was.  Numbers are
 * checked strictly (addresses through inet_pton, lengths 0..32, ASNs
 * 0..4294967295 without overflow); free text (names, country codes) is taken
 * as it comes, and a country that is not two letters is stored as unknown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "asdb.h"
#include "asmap.h"
#include "lh.h"

#define TOKSHOW 40	/* longest piece of input quoted in a message */

/* ---- numbers and addresses ---- */

/* ASN: asplain 0..4294967295, or asdot "X.Y" (X, Y 0..65535) if asdot. */
static int
parse_asn(const char *s, int asdot, uint32_t *out)
{
	const char *dot = strchr(s, '.');
	char hi[8];
	uint32_t h, l;

	if (dot == NULL)
		return lh_digits_u32(s, UINT32_MAX, out);
	if (!asdot || dot == s || (size_t)(dot - s) >= sizeof(hi))
		return -1;
	memcpy(hi, s, (size_t)(dot - s));
	hi[dot - s] = '\0';
	if (lh_digits_u32(hi, 65535, &h) < 0 || lh_digits_u32(dot + 1, 65535, &l) < 0)
		return -1;
	*out = h << 16 | l;
	return 0;
}

static int
parse_ip4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int
is_ip6(const char *s)
{
	struct in6_addr a;

	return inet_pton(AF_INET6, s, &a) == 1;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* ---- origin and AS path syntax ---- */

int
asmap_parse_origin(const char *s, uint32_t *asn, uint16_t *flags,
    char *err, size_t errlen)
{
	char tok[16];
	int elem = 0, member = 0;
	const char *p = s;

	*asn = 0;
	*flags = 0;
	for (;;) {
		size_t n = strcspn(p, "_,");
		uint32_t v;

		if (n == 0 || n >= sizeof(tok))
			return lh_err(err, errlen, "bad origin '%.*s'", TOKSHOW, s);
		memcpy(tok, p, n);
		tok[n] = '\0';
		if (lh_digits_u32(tok, UINT32_MAX, &v) < 0)
			return lh_err(err, errlen,
			    "bad AS number '%s' in origin '%.*s' (0..4294967295)",
			    tok, TOKSHOW, s);
		if (elem == 0 && member == 0)
			*asn = v;
		p += n;
		if (*p == '\0')
			break;
		if (*p == ',') {
			if (elem == 0)
				*flags |= ASMAP_F_ASSET;
			member++;
		} else {
			elem++;
			member = 0;
			*flags |= ASMAP_F_MOAS;
		}
		p++;
	}
	return 0;
}

enum seg { SEG_SEQ, SEG_SET, SEG_CSEQ, SEG_CSET };

int
asmap_parse_aspath(const char *s, uint32_t *origin, uint32_t *upstream,
    uint16_t *flags, char *err, size_t errlen)
{
	/* the last two distinct hops outside confederations; a set is a hop */
	uint32_t last = 0, prev = 0;
	int last_set = 0, prev_set = 0, have_last = 0, have_prev = 0, hops;
	const char *p = s;

	*origin = *upstream = 0;
	*flags = 0;
	while (*p != '\0') {
		enum seg kind = SEG_SEQ;
		char close = '\0';
		int members = 0;
		uint32_t first = 0;

		if (*p == ' ') {
			p++;
			continue;
		}
		switch (*p) {
		case '{': kind = SEG_SET; close = '}'; break;
		case '(': kind = SEG_CSEQ; close = ')'; break;
		case '[': kind = SEG_CSET; close = ']'; break;
		default: break;
		}
		if (close != '\0')
			p++;
		/* one AS (plain sequence) or all members up to close */
		for (;;) {
			char tok[16];
			size_t n;
			uint32_t v;

			while (close != '\0' && (*p == ' ' || *p == ','))
				p++;
			if (close != '\0' && *p == close) {
				p++;
				break;
			}
			n = strcspn(p, " ,{}()[]");
			if (n == 0 || n >= sizeof(tok))
				return lh_err(err, errlen, "bad AS path '%.*s'",
				    TOKSHOW, s);
			memcpy(tok, p, n);
			tok[n] = '\0';
			if (parse_asn(tok, 1, &v) < 0)
				return lh_err(err, errlen,
				    "bad AS number '%s' in AS path", tok);
			p += n;
			if (members++ == 0)
				first = v;
			if (close == '\0') {
				if (*p != '\0' && *p != ' ')
					return lh_err(err, errlen,
					    "bad AS path '%.*s'", TOKSHOW, s);
				/* a sequence hop: skip prepending repeats */
				if (have_last && !last_set && last == v)
					break;
				prev = last, prev_set = last_set;
				have_prev = have_last;
				last = v, last_set = 0, have_last = 1;
				break;
			}
			if (*p == '\0')
				return lh_err(err, errlen,
				    "unterminated '%c' in AS path", close == '}' ?
				    '{' : close == ')' ? '(' : '[');
		}
		if (close != '\0' && members == 0)
			return lh_err(err, errlen, "empty segment in AS path '%.*s'",
			    TOKSHOW, s);
		if (kind == SEG_SET) {
			prev = last, prev_set = last_set, have_prev = have_last;
			last = first, last_set = 1, have_last = 1;
		}
		/* confederation segments (RFC 5065) are internal: skipped */
	}
	if (!have_last)
		return 0;
	*origin = last;
	hops = 1 + have_prev;
	if (last_set)
		*flags |= ASMAP_F_ASSET;
	if (have_prev && !prev_set && prev != last)
		*upstream = prev;
	return hops;
}

/* ---- format names and detection ---- */

static const struct {
	const char *name;
	enum asmap_format fmt;
} fmt_names[] = {
	{ "auto", ASMAP_FMT_AUTO },
	{ "pfx2as", ASMAP_FMT_PFX2AS },
	{ "bgpdump", ASMAP_FMT_BGPDUMP },
	{ "iptoasn", ASMAP_FMT_IPTOASN },
	{ "as2org", ASMAP_FMT_AS2ORG },
	{ "ip-location-db", ASMAP_FMT_IPLOCDB },
};

enum asmap_format
asmap_format_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (strcmp(name, fmt_names[i].name) == 0)
			return fmt_names[i].fmt;
	return ASMAP_FMT_UNKNOWN;
}

const char *
asmap_format_name(enum asmap_format fmt)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (fmt_names[i].fmt == fmt)
			return fmt_names[i].name;
	return "unknown";
}

const char *
asmap_source_name(enum asmap_source src)
{
	switch (src) {
	case ASMAP_SRC_STATIC: return "static";
	case ASMAP_SRC_PFX2AS: return "pfx2as";
	case ASMAP_SRC_BGPDUMP: return "bgpdump";
	case ASMAP_SRC_IPTOASN: return "iptoasn";
	case ASMAP_SRC_AS2ORG: return "as2org";
	case ASMAP_SRC_IPLOCDB: return "ip-location-db";
	case ASMAP_SRC_ASDB: return "image";
	case ASMAP_SRC_NONE: break;
	}
	return "none";
}

static int
starts_with(const char *s, size_t len, const char *pfx)
{
	size_t n = strlen(pfx);

	return len >= n && memcmp(s, pfx, n) == 0;
}

/* "# format:" with any spacing: returns the text after the colon or NULL. */
static const char *
format_line(const char *s)
{
	if (*s != '#')
		return NULL;
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "format", 6) != 0)
		return NULL;
	s += 6;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == ':' ? s + 1 : NULL;
}

/*
 * Classify one line (NUL-terminated copy).  *decisive = 1 when the line
 * settles the question (a data line or an as2org format line).
 */
static enum asmap_format
detect_line(const char *s, int *decisive)
{
	char buf[256], *f[6], *save = NULL, *t;
	size_t len;
	int n = 0;
	uint32_t v;

	*decisive = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\r')
		return ASMAP_FMT_UNKNOWN;
	if (*s == '#') {
		if (format_line(s) != NULL) {
			*decisive = 1;
			return ASMAP_FMT_AS2ORG;
		}
		return ASMAP_FMT_UNKNOWN;
	}
	*decisive = 1;
	len = strlen(s);
	if (starts_with(s, len, "TABLE_DUMP2|") ||
	    starts_with(s, len, "TABLE_DUMP|") ||
	    starts_with(s, len, "BGP4MP|") || starts_with(s, len, "BGP4MP_ET|"))
		return ASMAP_FMT_BGPDUMP;
	if (*s == '{')
		return strstr(s, "\"type\"") != NULL ? ASMAP_FMT_AS2ORG :
		    ASMAP_FMT_UNKNOWN;
	snprintf(buf, sizeof(buf), "%s", s);
	/* iptoasn: at least five tab-separated fields, two addresses */
	if (strchr(buf, '\t') != NULL) {
		char tb[256];

		snprintf(tb, sizeof(tb), "%s", buf);
		for (t = strtok_r(tb, "\t\r\n", &save); t != NULL && n < 6;
		    t = strtok_r(NULL, "\t\r\n", &save))
			f[n++] = t;
		if (n >= 4 && (parse_ip4(f[0], &v) == 0 || is_ip6(f[0]) ||
		    all_digits(f[0])) && (parse_ip4(f[1], &v) == 0 ||
		    is_ip6(f[1]) || all_digits(f[1])) && all_digits(f[2]))
			return ASMAP_FMT_IPTOASN;
	}
	/* ip-location-db: range_start,range_end,asn,organisation */
	if (strchr(buf, ',') != NULL && strchr(buf, '\t') == NULL) {
		char cb[256], *c = cb, *e;

		snprintf(cb, sizeof(cb), "%s", buf);
		for (n = 0; n < 3 && (e = strchr(c, ',')) != NULL; n++) {
			*e = '\0';
			f[n] = c;
			c = e + 1;
		}
		if (n == 3 && (parse_ip4(f[0], &v) == 0 || is_ip6(f[0]) ||
		    all_digits(f[0])) && (parse_ip4(f[1], &v) == 0 ||
		    is_ip6(f[1]) || all_digits(f[1])) && all_digits(f[2]))
			return ASMAP_FMT_IPLOCDB;
		if (starts_with(s, len, "ip_range_start,")) {
			*decisive = 0;	/* its header line */
			return ASMAP_FMT_UNKNOWN;
		}
	}
	/* pfx2as: prefix, length, origin */
	n = 0;
	save = NULL;
	for (t = strtok_r(buf, " \t\r\n", &save); t != NULL && n < 6;
	    t = strtok_r(NULL, " \t\r\n", &save))
		f[n++] = t;
	if (n == 3 && (parse_ip4(f[0], &v) == 0 || is_ip6(f[0])) &&
	    lh_digits_u32(f[1], 128, &v) == 0)
		return ASMAP_FMT_PFX2AS;
	return ASMAP_FMT_UNKNOWN;
}

enum asmap_format
asmap_detect_format(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char line[512];
		enum asmap_format f;
		int decisive;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (memchr(line, '\0', n) != NULL)
			return ASMAP_FMT_UNKNOWN;
		f = detect_line(line, &decisive);
		if (decisive)
			return f;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return ASMAP_FMT_UNKNOWN;
}

/* ---- the line driver ---- */

struct loader;
typedef int (*line_fn)(struct loader *L, char *s);

struct bgp_state;
struct a2o_state;

struct loader {
	struct asmap *m;
	struct asmap_batch *b;
	const char *name;
	unsigned long lineno;
	char *err;
	size_t errlen;
	struct asmap_load_stats *st;
	line_fn line;
	int (*finish)(struct loader *L);
	/* per-format state */
	struct bgp_state *bgp;
	struct a2o_state *a2o;
	int u32mode;			/* iptoasn: -1 unknown, 0 dotted, 1 u32 */
	uint32_t last_asn;		/* iptoasn: the last name record */
	char *last_desc;
	char last_cc[3];
	struct asdb_build *csv;		/* ip-location-db: the rows */
};

static int lerr(struct loader *L, const char *fmt, ...) LH_PRINTF(2, 3);

static int
lerr(struct loader *L, const char *fmt, ...)
{
	char msg[LH_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lh_err(L->err, L->errlen, "%s:%lu: %s", L->name, L->lineno, msg);
}

/* A batch call failed with a message in L->err: prefix the position. */
static int
lerr_batch(struct loader *L)
{
	char msg[LH_ERRLEN];

	snprintf(msg, sizeof(msg), "%s", L->err != NULL ? L->err : "");
	return lerr(L, "%s", msg);
}

/* Split s in place at each sep; returns the count (max fields kept). */
static int
split(char *s, char sep, char **f, int max)
{
	int n = 0;

	for (;;) {
		char *e = strchr(s, sep);

		if (n == max)
			return max + 1;	/* too many */
		f[n++] = s;
		if (e == NULL)
			return n;
		*e = '\0';
		s = e + 1;
	}
}

/* Split at runs of blanks (space / tab); returns the count. */
static int
split_blanks(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		f[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s == '\0')
			return n;
		*s++ = '\0';
	}
}

/* A line that holds nothing but blanks, or a '#' comment. */
static int
skippable(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '#';
}

/* ---- pfx2as ---- */

static int
pfx2as_line(struct loader *L, char *s)
{
	struct asmap_route r;
	char *f[4];
	uint32_t len, prefix;
	uint16_t flags;
	int n;

	if (skippable(s))
		return 0;
	n = split_blanks(s, f, 3);
	if (n != 3)
		return lerr(L, "expected 3 fields (prefix length origin), found %s%d",
		    n > 3 ? "more than " : "", n > 3 ? 3 : n);
	if (strchr(f[0], ':') != NULL) {
		if (!is_ip6(f[0]))
			return lerr(L, "bad address '%.*s'", TOKSHOW, f[0]);
		if (lh_digits_u32(f[1], 128, &len) < 0)
			return lerr(L, "bad prefix length '%.*s' (0..128)",
			    TOKSHOW, f[1]);
		if (asmap_parse_origin(f[2], &prefix, &flags, L->err,
		    L->errlen) < 0)
			return lerr_batch(L);
		L->st->skipped_v6++;
		return 0;
	}
	if (parse_ip4(f[0], &prefix) < 0)
		return lerr(L, "bad IPv4 address '%.*s'", TOKSHOW, f[0]);
	if (lh_digits_u32(f[1], 32, &len) < 0)
		return lerr(L, "bad prefix length '%.*s' (0..32)", TOKSHOW, f[1]);
	memset(&r, 0, sizeof(r));
	r.prefix = prefix;
	r.len = (uint8_t)len;
	if (asmap_parse_origin(f[2], &r.asn, &r.flags, L->err, L->errlen) < 0 ||
	    asmap_batch_route(L->b, &r, L->err, L->errlen) < 0)
		return lerr_batch(L);
	L->st->routes++;
	return 0;
}

/* ---- bgpdump -m ---- */

/*
 * Routes are aggregated per prefix over all peers of the file: the origin is
 * the one most paths carry (MOAS flag if several), the upstreams are counted
 * the same way.  BGP4MP announcements and withdrawals are tracked per peer
 * (a new announcement from a peer replaces its earlier one; a withdrawal
 * removes it).  RIB lines (TABLE_DUMP2) are a snapshot and are only counted:
 * keeping per-peer state for a full RIB would cost gigabytes.  A prefix with
 * no announcement left at the end and at least one withdrawal is withdrawn
 * from the map (also removing a route of an earlier load).
 */

#define VOTES 4

struct votes {
	uint32_t asn[VOTES];
	uint32_t n[VOTES];
};

struct bgp_pfx {
	uint32_t prefix;
	uint8_t len;
	uint8_t wseen;
	uint32_t nann;		/* announcements now standing */
	uint32_t nasset;	/* of which with an AS_SET origin */
	struct votes org, ups;
};

struct bgp_peer_route {
	uint32_t origin, upstream;
	uint8_t asset;
	uint8_t up;		/* announced (1) or withdrawn (0) */
};

/* open addressing, uint64 keys, linear probing, no deletion */
struct u64map {
	uint64_t *keys;
	uint32_t *vals;		/* UINT32_MAX = empty */
	size_t cap, n;
};

struct bgp_state {
	struct bgp_pfx *pfx;
	size_t npfx, cpfx;
	struct u64map pfxmap;		/* prefix<<8|len -> pfx index */
	struct bgp_peer_route *pr;
	size_t npr, cpr;
	struct u64map prmap;		/* pfx index<<32|peer -> pr index */
	struct u64map peermap;		/* peer key -> peer id */
	uint32_t npeers;
};

static uint32_t
u64map_get(const struct u64map *h, uint64_t key)
{
	size_t i;

	if (h->cap == 0)
		return UINT32_MAX;
	for (i = lh_mix64(key) & (h->cap - 1); h->vals[i] != UINT32_MAX;
	    i = (i + 1) & (h->cap - 1))
		if (h->keys[i] == key)
			return h->vals[i];
	return UINT32_MAX;
}

static int
u64map_put(struct u64map *h, uint64_t key, uint32_t val)
{
	size_t i;

	if ((h->n + 1) * 2 > h->cap) {
		struct u64map g;
		size_t j;

		g.cap = h->cap ? h->cap * 2 : 1024;
		g.n = 0;
		g.keys = malloc(g.cap * sizeof(*g.keys));
		g.vals = malloc(g.cap * sizeof(*g.vals));
		if (g.keys == NULL || g.vals == NULL) {
			free(g.keys);
			free(g.vals);
			return -1;
		}
		memset(g.vals, 0xff, g.cap * sizeof(*g.vals));
		for (j = 0; j < h->cap; j++)
			if (h->vals[j] != UINT32_MAX)
				(void)u64map_put(&g, h->keys[j], h->vals[j]);
		free(h->keys);
		free(h->vals);
		*h = g;
	}
	for (i = lh_mix64(key) & (h->cap - 1); h->vals[i] != UINT32_MAX;
	    i = (i + 1) & (h->cap - 1))
		;
	h->keys[i] = key;
	h->vals[i] = val;
	h->n++;
	return 0;
}

static void
u64map_free(struct u64map *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof(*h));
}

static void
votes_add(struct votes *v, uint32_t asn)
{
	int i, freeslot = -1;

	for (i = 0; i < VOTES; i++) {
		if (v->n[i] > 0 && v->asn[i] == asn) {
			v->n[i]++;
			return;
		}
		if (v->n[i] == 0 && freeslot < 0)
			freeslot = i;
	}
	if (freeslot >= 0) {
		v->asn[freeslot] = asn;
		v->n[freeslot] = 1;
	}
	/* a fifth distinct value is not counted */
}

static void
votes_del(struct votes *v, uint32_t asn)
{
	int i;

	for (i = 0; i < VOTES; i++)
		if (v->n[i] > 0 && v->asn[i] == asn) {
			v->n[i]--;
			return;
		}
}

static int
grow_arr(void **p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 1024;
	if (ncap < need || ncap > SIZE_MAX / elsize)
		return -1;
	np = realloc(*p, ncap * elsize);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static struct bgp_pfx *
bgp_pfx_get(struct bgp_state *B, uint32_t prefix, unsigned len, uint32_t *idx)
{
	uint64_t key = (uint64_t)prefix << 8 | len;
	uint32_t i = u64map_get(&B->pfxmap, key);

	if (i == UINT32_MAX) {
		if (B->npfx >= UINT32_MAX - 1 ||
		    grow_arr((void **)&B->pfx, &B->cpfx, B->npfx + 1,
		    sizeof(*B->pfx)) < 0)
			return NULL;
		i = (uint32_t)B->npfx;
		if (u64map_put(&B->pfxmap, key, i) < 0)
			return NULL;
		memset(&B->pfx[i], 0, sizeof(B->pfx[i]));
		B->pfx[i].prefix = prefix;
		B->pfx[i].len = (uint8_t)len;
		B->npfx++;
	}
	*idx = i;
	return &B->pfx[i];
}

/* Per-peer route record of (prefix index, peer); created if absent. */
static struct bgp_peer_route *
bgp_pr_get(struct bgp_state *B, uint32_t pi, uint32_t peer)
{
	uint64_t key = (uint64_t)pi << 32 | peer;
	uint32_t i = u64map_get(&B->prmap, key);

	if (i == UINT32_MAX) {
		if (B->npr >= UINT32_MAX - 1 ||
		    grow_arr((void **)&B->pr, &B->cpr, B->npr + 1,
		    sizeof(*B->pr)) < 0)
			return NULL;
		i = (uint32_t)B->npr;
		if (u64map_put(&B->prmap, key, i) < 0)
			return NULL;
		memset(&B->pr[i], 0, sizeof(B->pr[i]));
		B->npr++;
	}
	return &B->pr[i];
}

/*
 * Peer identity: an IPv4 peer and its AS pack exactly into 64 bits; an IPv6
 * peer is hashed (a collision, at odds of 2^-63, would merge two peers).
 */
static int
bgp_peer(struct bgp_state *B, const char *ip, uint32_t as, uint32_t *id)
{
	uint64_t key;
	uint32_t v4, i;

	if (parse_ip4(ip, &v4) == 0) {
		key = (uint64_t)as << 32 | v4;
	} else {
		struct in6_addr a;
		size_t k;

		if (inet_pton(AF_INET6, ip, &a) != 1)
			return -1;
		key = 0xcbf29ce484222325ULL ^ as;
		for (k = 0; k < sizeof(a.s6_addr); k++)
			key = (key ^ a.s6_addr[k]) * 0x100000001b3ULL;
		key = lh_mix64(key);
	}
	i = u64map_get(&B->peermap, key);
	if (i == UINT32_MAX) {
		i = B->npeers++;
		if (u64map_put(&B->peermap, key, i) < 0)
			return -1;
	}
	*id = i;
	return 0;
}

static void
bgp_unvote(struct bgp_pfx *P, const struct bgp_peer_route *pr)
{
	votes_del(&P->org, pr->origin);
	if (pr->upstream != 0)
		votes_del(&P->ups, pr->upstream);
	P->nann--;
	P->nasset -= pr->asset;
}

/* "prefix/len": 1 for IPv4 (filled), 0 for IPv6 (valid, skipped), -1 bad */
static int
parse_slash(struct loader *L, char *s, uint32_t *prefix, uint32_t *len)
{
	char *slash = strchr(s, '/');

	if (slash == NULL)
		return lerr(L, "bad prefix '%.*s' (expected address/length)",
		    TOKSHOW, s);
	*slash = '\0';
	if (strchr(s, ':') != NULL) {
		if (!is_ip6(s) || lh_digits_u32(slash + 1, 128, len) < 0)
			return lerr(L, "bad IPv6 prefix '%.*s/%.*s'", TOKSHOW, s,
			    TOKSHOW, slash + 1);
		return 0;
	}
	if (parse_ip4(s, prefix) < 0)
		return lerr(L, "bad IPv4 address '%.*s'", TOKSHOW, s);
	if (lh_digits_u32(slash + 1, 32, len) < 0)
		return lerr(L, "bad prefix length '%.*s' (0..32)", TOKSHOW,
		    slash + 1);
	return 1;
}

static int
bgp_line(struct loader *L, char *s)
{
	struct bgp_state *B = L->bgp;
	char *f[24], *ts;
	int n, rib, withdraw, v4, hops = 0;
	uint32_t peer_as, prefix = 0, len = 0, peer = 0, origin, upstream, pi;
	uint16_t flags;
	struct bgp_pfx *P;
	struct bgp_peer_route *pr = NULL;

	if (skippable(s))
		return 0;
	n = split(s, '|', f, 23);
	if (n > 23)
		return lerr(L, "too many '|' fields");
	if (n > 1 && f[n - 1][0] == '\0')
		n--;	/* the trailing '|' */
	if (strcmp(f[0], "TABLE_DUMP2") == 0 || strcmp(f[0], "TABLE_DUMP") == 0)
		rib = 1;
	else if (strcmp(f[0], "BGP4MP") == 0 || strcmp(f[0], "BGP4MP_ET") == 0)
		rib = 0;
	else
		return lerr(L, "unknown record type '%.*s' (expected TABLE_DUMP2 "
		    "or BGP4MP)", TOKSHOW, f[0]);
	if (n < 3)
		return lerr(L, "expected at least 6 fields, found %d", n);
	if (!rib && (strcmp(f[2], "STATE") == 0)) {
		L->st->skipped++;
		return 0;
	}
	if (rib ? strcmp(f[2], "B") != 0 :
	    (strcmp(f[2], "A") != 0 && strcmp(f[2], "W") != 0))
		return lerr(L, "unknown entry kind '%.*s' for %s", TOKSHOW, f[2],
		    f[0]);
	withdraw = f[2][0] == 'W';
	if (n < (withdraw ? 6 : 8))
		return lerr(L, "expected at least %d fields, found %d",
		    withdraw ? 6 : 8, n);
	/* timestamp: seconds, BGP4MP_ET adds ".microseconds" */
	ts = f[1];
	{
		char *dot = strchr(ts, '.');
		uint32_t v;

		if (dot != NULL)
			*dot = '\0';
		if (lh_digits_u32(ts, UINT32_MAX, &v) < 0 ||
		    (dot != NULL && lh_digits_u32(dot + 1, 999999, &v) < 0))
			return lerr(L, "bad timestamp '%.*s'", TOKSHOW, ts);
	}
	if (parse_asn(f[4], 1, &peer_as) < 0)
		return lerr(L, "bad peer AS '%.*s' (0..4294967295)", TOKSHOW, f[4]);
	{
		uint32_t tmp;

		if (parse_ip4(f[3], &tmp) < 0 && !is_ip6(f[3]))
			return lerr(L, "bad peer address '%.*s'", TOKSHOW, f[3]);
	}
	if ((v4 = parse_slash(L, f[5], &prefix, &len)) < 0)
		return -1;
	if (!withdraw && (hops = asmap_parse_aspath(f[6], &origin, &upstream,
	    &flags, L->err, L->errlen)) < 0)
		return lerr_batch(L);
	if (!v4) {
		L->st->skipped_v6++;
		return 0;
	}
	if (prefix & ~(len == 0 ? 0 : 0xffffffffu << (32 - len))) {
		char buf[LH_IP4_STRLEN];

		return lerr(L, "host bits set in %s/%u",
		    lh_ip4_str(prefix, buf, sizeof(buf)), len);
	}
	if ((P = bgp_pfx_get(B, prefix, len, &pi)) == NULL)
		return lerr(L, "out of memory");
	if (!rib) {
		if (bgp_peer(B, f[3], peer_as, &peer) < 0 ||
		    (pr = bgp_pr_get(B, pi, peer)) == NULL)
			return lerr(L, "out of memory");
		P = &B->pfx[pi];
		if (pr->up) {
			bgp_unvote(P, pr);
			pr->up = 0;
		}
	}
	if (withdraw) {
		P->wseen = 1;
		return 0;
	}
	if (hops == 0)
		origin = peer_as;	/* empty path (or only confederation
					   segments): originated by the peer */
	votes_add(&P->org, origin);
	if (upstream != 0)
		votes_add(&P->ups, upstream);
	P->nann++;
	if (flags & ASMAP_F_ASSET)
		P->nasset++;
	if (pr != NULL) {
		pr->origin = origin;
		pr->upstream = upstream;
		pr->asset = (flags & ASMAP_F_ASSET) != 0;
		pr->up = 1;
	}
	return 0;
}

/* Order vote slots by count (descending, stable); returns how many count. */
static unsigned
votes_rank(const struct votes *v, uint32_t *asn, uint32_t *cnt)
{
	unsigned k = 0, i, j;

	for (i = 0; i < VOTES; i++) {
		if (v->n[i] == 0)
			continue;
		for (j = k; j > 0 && cnt[j - 1] < v->n[i]; j--) {
			asn[j] = asn[j - 1];
			cnt[j] = cnt[j - 1];
		}
		asn[j] = v->asn[i];
		cnt[j] = v->n[i];
		k++;
	}
	return k;
}

static int
bgp_finish(struct loader *L)
{
	struct bgp_state *B = L->bgp;
	size_t i;

	for (i = 0; i < B->npfx; i++) {
		const struct bgp_pfx *P = &B->pfx[i];
		struct asmap_route r;
		uint32_t asn[VOTES], cnt[VOTES];
		unsigned k;

		if (P->nann == 0) {
			if (P->wseen) {
				if (asmap_batch_withdraw(L->b, P->prefix, P->len,
				    L->err, L->errlen) < 0)
					return lerr_batch(L);
				L->st->withdrawn++;
			}
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.prefix = P->prefix;
		r.len = P->len;
		k = votes_rank(&P->org, asn, cnt);
		r.asn = k > 0 ? asn[0] : 0;
		if (k > 1)
			r.flags |= ASMAP_F_MOAS;
		if (P->nasset > 0)
			r.flags |= ASMAP_F_ASSET;
		k = votes_rank(&P->ups, asn, cnt);
		r.nupstreams = (uint8_t)k;
		memcpy(r.upstreams, asn, k * sizeof(asn[0]));
		memcpy(r.upstream_paths, cnt, k * sizeof(cnt[0]));
		if (asmap_batch_route(L->b, &r, L->err, L->errlen) < 0)
			return lerr_batch(L);
		L->st->routes++;
	}
	return 0;
}

static void
bgp_free(struct bgp_state *B)
{
	if (B == NULL)
		return;
	free(B->pfx);
	free(B->pr);
	u64map_free(&B->pfxmap);
	u64map_free(&B->prmap);
	u64map_free(&B->peermap);
	free(B);
}

/* ---- iptoasn ---- */

static int
iptoasn_addr(struct loader *L, const char *s, const char *what, uint32_t *out)
{
	int u32 = all_digits(s);

	if (L->u32mode >= 0 && u32 != L->u32mode)
		return lerr(L, "%s '%.*s': the file mixes dotted and integer "
		    "addresses", what, TOKSHOW, s);
	if (u32 ? lh_digits_u32(s, UINT32_MAX, out) < 0 : parse_ip4(s, out) < 0)
		return lerr(L, "bad %s '%.*s'%s", what, TOKSHOW, s,
		    u32 ? " (0..4294967295)" : "");
	L->u32mode = u32;
	return 0;
}

/* Split [lo, hi] into the fewest CIDR prefixes, in order. */
static int
iptoasn_split(struct loader *L, uint32_t lo, uint32_t hi, uint32_t asn)
{
	for (;;) {
		struct asmap_route r;
		unsigned len = lo == 0 ? 0 : 32 - (unsigned)__builtin_ctz(lo);
		uint32_t last;

		/* the largest aligned block at lo that ends by hi */
		for (;;) {
			last = lo | (len == 0 ? 0xffffffffu :
			    ~(0xffffffffu << (32 - len)));
			if (len == 32 || last <= hi)
				break;
			len++;
		}
		memset(&r, 0, sizeof(r));
		r.prefix = lo;
		r.len = (uint8_t)len;
		r.asn = asn;
		if (asmap_batch_route(L->b, &r, L->err, L->errlen) < 0)
			return lerr_batch(L);
		L->st->routes++;
		if (last >= hi)
			return 0;
		lo = last + 1;
	}
}

static int
iptoasn_line(struct loader *L, char *s)
{
	char *f[5], *e, *cc;
	uint32_t lo, hi, asn;
	int n = 0;

	if (skippable(s))
		return 0;
	/* five tab-separated fields; the description keeps any further tabs */
	for (n = 0; n < 4; n++) {
		f[n] = s;
		if ((e = strchr(s, '\t')) == NULL)
			break;
		*e = '\0';
		s = e + 1;
	}
	if (n < 4)
		return lerr(L, "expected 5 tab-separated fields (range_start "
		    "range_end AS_number country_code AS_description), found %d",
		    n + 1);
	f[4] = s;
	if (strchr(f[0], ':') != NULL) {
		if (!is_ip6(f[0]) || !is_ip6(f[1]))
			return lerr(L, "bad IPv6 range '%.*s'", TOKSHOW, f[0]);
		L->st->skipped_v6++;
		return 0;
	}
	if (iptoasn_addr(L, f[0], "range_start", &lo) < 0 ||
	    iptoasn_addr(L, f[1], "range_end", &hi) < 0)
		return -1;
	if (lo > hi)
		return lerr(L, "range_start %s is after range_end %s", f[0], f[1]);
	if (lh_digits_u32(f[2], UINT32_MAX, &asn) < 0)
		return lerr(L, "bad AS number '%.*s' (0..4294967295)", TOKSHOW,
		    f[2]);
	if (asn == 0) {
		/* "0 None Not routed": no route, leave covering data visible */
		L->st->unrouted++;
		return 0;
	}
	if (iptoasn_split(L, lo, hi, asn) < 0)
		return -1;
	cc = strcmp(f[3], "None") == 0 ? "" : f[3];
	/* ranges of one AS usually repeat its name: record it once */
	if (asn == L->last_asn && L->last_desc != NULL &&
	    strcmp(L->last_desc, f[4]) == 0 && strncmp(L->last_cc, cc, 2) == 0)
		return 0;
	if (asmap_batch_asinfo(L->b, asn, f[4], NULL, NULL, cc, L->err,
	    L->errlen) < 0)
		return lerr_batch(L);
	L->st->names++;
	free(L->last_desc);
	L->last_desc = strdup(f[4]);
	L->last_asn = asn;
	snprintf(L->last_cc, sizeof(L->last_cc), "%.2s", cc);
	return 0;
}

/* ---- CAIDA as2org ---- */

enum { A2O_NONE, A2O_AUT, A2O_ORG };

#define A2O_MAXCOLS 16

struct a2o_state {
	int kind;		/* of the last format line */
	int ncols;
	unsigned long fmt_line;
	int c_aut, c_name, c_org_id, c_org_name, c_country;
};

static int
a2o_format(struct loader *L, const char *spec)
{
	struct a2o_state *A = L->a2o;
	char buf[512], *f[A2O_MAXCOLS + 1];
	int n, i;

	snprintf(buf, sizeof(buf), "%s", spec);
	n = split(buf, '|', f, A2O_MAXCOLS);
	if (n > A2O_MAXCOLS)
		return lerr(L, "format line has more than %d columns",
		    A2O_MAXCOLS);
	A->c_aut = A->c_name = A->c_org_id = A->c_org_name = A->c_country = -1;
	for (i = 0; i < n; i++) {
		char *c = f[i], *end;

		while (*c == ' ' || *c == '\t')
			c++;
		end = c + strlen(c);
		while (end > c && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strcmp(c, "aut") == 0)
			A->c_aut = i;
		else if (strcmp(c, "aut_name") == 0)
			A->c_name = i;
		else if (strcmp(c, "org_id") == 0)
			A->c_org_id = i;
		else if (strcmp(c, "org_name") == 0)
			A->c_org_name = i;
		else if (strcmp(c, "name") == 0)
			A->c_name = A->c_org_name = i;
		else if (strcmp(c, "country") == 0)
			A->c_country = i;
	}
	if (A->c_aut >= 0)
		A->kind = A2O_AUT;
	else if (A->c_org_id >= 0)
		A->kind = A2O_ORG;
	else
		return lerr(L, "format line names neither 'aut' nor 'org_id'");
	A->ncols = n;
	A->fmt_line = L->lineno;
	return 0;
}

static const char *
json_str(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);

	if (v == NULL && k2 != NULL)
		v = json_object_get(o, k2);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int
a2o_json(struct loader *L, const char *s)
{
	json_error_t je;
	json_t *o, *v;
	const char *type, *name, *org_id;
	int rc = 0;

	o = json_loads(s, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL)
		return lerr(L, "bad JSON: %s", je.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return lerr(L, "JSON line is not an object");
	}
	type = json_str(o, "type", NULL);
	name = json_str(o, "name", NULL);
	org_id = json_str(o, "organizationId", "org_id");
	if (type == NULL) {
		rc = lerr(L, "JSON object without a \"type\" string");
	} else if (strcmp(type, "Organization") == 0) {
		if (org_id == NULL || *org_id == '\0')
			rc = lerr(L, "Organization without \"organizationId\"");
		else if (asmap_batch_org(L->b, org_id, name,
		    json_str(o, "country", NULL), L->err, L->errlen) < 0)
			rc = lerr_batch(L);
		else
			L->st->orgs++;
	} else if (strcmp(type, "ASN") == 0) {
		uint32_t asn = 0;

		v = json_object_get(o, "asn");
		if (v == NULL)
			v = json_object_get(o, "aut");
		if (json_is_string(v)) {
			if (lh_digits_u32(json_string_value(v), UINT32_MAX, &asn) < 0)
				rc = lerr(L, "bad AS number \"%.*s\" "
				    "(0..4294967295)", TOKSHOW,
				    json_string_value(v));
		} else if (json_is_integer(v)) {
			json_int_t x = json_integer_value(v);

			if (x < 0 || (uint64_t)x > UINT32_MAX)
				rc = lerr(L, "AS number %lld out of range "
				    "(0..4294967295)", (long long)x);
			asn = (uint32_t)x;
		} else {
			rc = lerr(L, "ASN object without an \"asn\"");
		}
		if (rc == 0) {
			if (asmap_batch_asinfo(L->b, asn, name, org_id, NULL,
			    NULL, L->err, L->errlen) < 0)
				rc = lerr_batch(L);
			else
				L->st->names++;
		}
	} else {
		rc = lerr(L, "unknown \"type\" \"%.*s\" (expected Organization "
		    "or ASN)", TOKSHOW, type);
	}
	json_decref(o);
	return rc;
}

static int
a2o_line(struct loader *L, char *s)
{
	struct a2o_state *A = L->a2o;
	char *f[A2O_MAXCOLS + 1];
	const char *spec;
	int n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return 0;
	if (*s == '{')
		return a2o_json(L, s);
	if (*s == '#') {
		if ((spec = format_line(s)) != NULL)
			return a2o_format(L, spec);
		return 0;
	}
	if (A->kind == A2O_NONE)
		return lerr(L, "record before any '# format:' line");
	n = split(s, '|', f, A2O_MAXCOLS);
	if (n != A->ncols)
		return lerr(L, "expected %d '|'-separated fields (format line %lu), "
		    "found %s%d", A->ncols, A->fmt_line,
		    n > A2O_MAXCOLS ? "more than " : "",
		    n > A2O_MAXCOLS ? A2O_MAXCOLS : n);
	if (A->kind == A2O_AUT) {
		uint32_t asn;

		if (lh_digits_u32(f[A->c_aut], UINT32_MAX, &asn) < 0)
			return lerr(L, "bad AS number '%.*s' (0..4294967295)",
			    TOKSHOW, f[A->c_aut]);
		if (asmap_batch_asinfo(L->b, asn,
		    A->c_name >= 0 ? f[A->c_name] : NULL,
		    A->c_org_id >= 0 ? f[A->c_org_id] : NULL, NULL, NULL,
		    L->err, L->errlen) < 0)
			return lerr_batch(L);
		L->st->names++;
		return 0;
	}
	if (f[A->c_org_id][0] == '\0')
		return lerr(L, "empty org_id");
	if (asmap_batch_org(L->b, f[A->c_org_id],
	    A->c_org_name >= 0 ? f[A->c_org_name] : NULL,
	    A->c_country >= 0 ? f[A->c_country] : NULL, L->err, L->errlen) < 0)
		return lerr_batch(L);
	L->st->orgs++;
	return 0;
}

/* ---- ip-location-db asn CSV (asdb.c reads it) ---- */

static int
iplocdb_line(struct loader *L, char *s)
{
	return asdb_build_line(L->csv, s, strlen(s), L->name, L->lineno,
	    L->err, L->errlen);
}

/*
 * The rows, overlaps resolved as for the image (asdb.h), become prefixes
 * (each interval split into the fewest CIDR blocks) and AS names.
 */
static int
iplocdb_finish(struct loader *L)
{
	const struct asdb_build_stats *bs;
	size_t i, n;

	if (asdb_build_finish(L->csv, L->err, L->errlen) != 0)
		return -1;
	n = asdb_build_nranges(L->csv);
	for (i = 0; i < n; i++) {
		uint32_t first, last, asn;

		asdb_build_range(L->csv, i, &first, &last, &asn);
		if (iptoasn_split(L, first, last, asn) < 0)
			return -1;
	}
	n = asdb_build_nasns(L->csv);
	for (i = 0; i < n; i++) {
		const char *org;
		uint32_t asn;

		asdb_build_asn(L->csv, i, &asn, &org);
		if (*org == '\0')
			continue;
		if (asmap_batch_asinfo(L->b, asn, NULL, NULL, org, NULL, L->err,
		    L->errlen) < 0)
			return -1;
		L->st->names++;
	}
	bs = asdb_build_stats(L->csv);
	L->st->skipped_v6 = bs->skipped_v6;
	L->st->unrouted = bs->unrouted;
	return 0;
}

/* ---- driver ---- */

static int
loader_setup(struct loader *L, enum asmap_format fmt)
{
	enum asmap_source src;

	L->st->format = fmt;
	switch (fmt) {
	case ASMAP_FMT_PFX2AS:
		L->line = pfx2as_line;
		src = ASMAP_SRC_PFX2AS;
		break;
	case ASMAP_FMT_BGPDUMP:
		L->line = bgp_line;
		L->finish = bgp_finish;
		if ((L->bgp = calloc(1, sizeof(*L->bgp))) == NULL)
			return lh_err(L->err, L->errlen, "out of memory");
		src = ASMAP_SRC_BGPDUMP;
		break;
	case ASMAP_FMT_IPTOASN:
		L->line = iptoasn_line;
		L->u32mode = -1;
		src = ASMAP_SRC_IPTOASN;
		break;
	case ASMAP_FMT_IPLOCDB:
		L->line = iplocdb_line;
		L->finish = iplocdb_finish;
		if ((L->csv = asdb_build_new()) == NULL)
			return lh_err(L->err, L->errlen, "out of memory");
		src = ASMAP_SRC_IPLOCDB;
		break;
	case ASMAP_FMT_AS2ORG:
		L->line = a2o_line;
		if ((L->a2o = calloc(1, sizeof(*L->a2o))) == NULL)
			return lh_err(L->err, L->errlen, "out of memory");
		src = ASMAP_SRC_AS2ORG;
		break;
	default:
		return lh_err(L->err, L->errlen, "%s: unsupported format %d",
		    L->name, (int)fmt);
	}
	if ((L->b = asmap_batch_new(L->m, src)) == NULL)
		return lh_err(L->err, L->errlen, "out of memory");
	return 0;
}

/* Hand one raw line (len bytes, newline removed) to the format's parser. */
static int
loader_line(struct loader *L, char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	if (memchr(s, '\0', len) != NULL)
		return lerr(L, "NUL byte in line");
	return L->line(L, s);
}

#define DETECT_MAX_LINES 1000

int
asmap_load_fp(struct asmap *m, FILE *fp, const char *name,
    enum asmap_format fmt, struct asmap_load_stats *st,
    char *err, size_t errlen)
{
	struct asmap_load_stats dummy;
	struct loader L;
	char *line = NULL, *held = NULL;
	size_t cap = 0, heldlen = 0, heldcap = 0;
	ssize_t n;
	int rc = -1;

	memset(&L, 0, sizeof(L));
	L.m = m;
	L.name = name != NULL ? name : "-";
	L.err = err;
	L.errlen = errlen;
	L.st = st != NULL ? st : &dummy;
	memset(L.st, 0, sizeof(*L.st));
	if (fmt != ASMAP_FMT_AUTO && loader_setup(&L, fmt) < 0)
		goto out;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		size_t len = (size_t)n;

		L.st->lines++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (L.line == NULL) {
			/* detecting: hold lines until one is decisive */
			enum asmap_format f;
			int decisive;

			if (memchr(line, '\0', len) != NULL) {
				L.lineno = L.st->lines;
				lerr(&L, "NUL byte in line");
				goto out;
			}
			f = detect_line(line, &decisive);
			if (!decisive && L.st->lines < DETECT_MAX_LINES) {
				if (heldlen + len + 1 > heldcap) {
					size_t nc = (heldlen + len + 1) * 2;
					char *h = realloc(held, nc);

					if (h == NULL) {
						lh_err(err, errlen, "out of memory");
						goto out;
					}
					held = h;
					heldcap = nc;
				}
				memcpy(held + heldlen, line, len + 1);
				heldlen += len + 1;
				continue;
			}
			if (f == ASMAP_FMT_UNKNOWN) {
				L.lineno = L.st->lines;
				lerr(&L, "cannot tell the format from '%.*s' "
				    "(name it: pfx2as, bgpdump, iptoasn, as2org, "
				    "ip-location-db)",
				    TOKSHOW, line);
				goto out;
			}
			if (loader_setup(&L, f) < 0)
				goto out;
			/* replay the held lines (blank or comments) */
			{
				size_t off = 0;

				while (off < heldlen) {
					size_t hl = strlen(held + off);

					L.lineno++;
					if (loader_line(&L, held + off, hl) < 0)
						goto out;
					off += hl + 1;
				}
			}
		}
		L.lineno = L.st->lines;
		if (loader_line(&L, line, len) < 0)
			goto out;
	}
	if (ferror(fp)) {
		lh_err(err, errlen, "%s:%lu: read error: %s", L.name,
		    L.st->lines + 1, strerror(errno));
		goto out;
	}
	if (L.line == NULL) {
		/* only blank lines and comments: nothing to load */
		L.st->format = ASMAP_FMT_UNKNOWN;
		rc = 0;
		goto out;
	}
	if (L.finish != NULL && L.finish(&L) < 0)
		goto out;
	/* the layer first: a commit cannot be taken back */
	if (asmap_add_layer(m, "asmap", L.name, NULL,
	    asmap_format_name(L.st->format), err, errlen) != 0)
		goto out;
	if ((rc = asmap_batch_commit(L.b, err, errlen)) != 0)
		asmap_drop_layer(m);
	L.b = NULL;
out:
	if (L.b != NULL)
		asmap_batch_abort(L.b);
	asdb_build_free(L.csv);
	bgp_free(L.bgp);
	free(L.a2o);
	free(L.last_desc);
	free(line);
	free(held);
	return rc;
}

int
asmap_load_file(struct asmap *m, const char *path, enum asmap_format fmt,
    struct asmap_load_stats *st, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (fp == NULL)
		return lh_err(err, errlen, "%s: %s", path, strerror(errno));
	rc = asmap_load_fp(m, fp, path, fmt, st, err, errlen);
	fclose(fp);
	return rc;
}
