/*
 * asdb.c: the world-wide AS image (asdb.h): the ip-location-db CSV reader,
 * the overlap resolution, the image writer, and the mmap'd reader that
 * treats the image as untrusted.
 *
 * Start reading at asdb_lookup() (the reader), then asdb_build_line() (the
 * CSV, RFC 4180 quoting) and asdb_build_finish() (the sweep that turns
 * possibly overlapping rows into disjoint intervals).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asdb.h"
#include "lh.h"

#define NONE		UINT32_MAX
#define INDEX_MIN	12	/* index bits: one entry per /12 ... /20 */
#define INDEX_MAX	20
#define MAX_IMAGE	(1ull << 30)	/* 1 GiB: far beyond any real table */
#define BOM		0x0a0b0c0du
#define TOKSHOW		40		/* longest piece of input in a message */

static const char magic[8] = { 'L', 'H', 'A', 'S', 'D', 'B', '\r', '\n' };

/* The image's header: 256 bytes, host byte order (bom says which). */
struct hdr {
	char	 magic[8];
	uint32_t bom;
	uint32_t format;
	uint32_t hdr_size;
	uint32_t flags;			/* 0 in format 1 */
	char	 dataset[ASDB_NAME_MAX];
	char	 version[ASDB_VERSION_MAX];
	uint32_t nint;			/* intervals */
	uint32_t nasns;
	uint32_t index_bits;		/* 12..20: one index entry per /bits */
	uint32_t nv6;			/* IPv6 intervals: 0 in format 1 */
	uint64_t off_index, off_ivals;
	uint64_t off_unused;		/* 0 in format 1 */
	uint64_t off_asns, off_orgs;
	uint64_t off_strings, strings_size;
	uint64_t file_size;
	uint32_t nranges;		/* intervals with an AS */
	uint32_t nrows;			/* CSV rows it was built from */
	uint8_t	 reserved[48];
};

_Static_assert(sizeof(struct hdr) == 256, "the image header is 256 bytes");

/* ---- UTF-8 ---- */

/*
 * Length of the character at s (n bytes left) if it is valid UTF-8 and not
 * a control character (C0, DEL, C1), else 0.
 */
static size_t
clean_char(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;		/* continuation, overlong lead, > U+10FFFF */
	if (c < 0xe0) {
		if (n < 2 || (s[1] & 0xc0) != 0x80)
			return 0;
		return c == 0xc2 && s[1] < 0xa0 ? 0 : 2;	/* C1 controls */
	}
	if (c < 0xf0) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;	/* overlong; UTF-16 surrogates */
		return 3;
	}
	if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
	    (s[3] & 0xc0) != 0x80)
		return 0;
	if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return 4;
}

int
asdb_clean_text(const char *s, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	int changed = 0;

	while (i < len) {
		k = clean_char(p + i, len - i);
		if (k == 0) {
			k = 1;
			changed = 1;
			if (o + 1 >= outlen)
				break;
			out[o++] = '?';
		} else {
			if (o + k >= outlen)
				break;
			memcpy(out + o, p + i, k);
			o += k;
		}
		i += k;
	}
	if (i < len)
		changed = 1;	/* cut */
	out[o] = '\0';
	return changed;
}

static int
is_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		if ((k = clean_char(p + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* ---- the CSV ---- */

struct row {
	uint32_t lo, hi, asn;
	uint32_t org;		/* offset into the pool */
};

struct asdb_build {
	struct row	*rows;
	size_t		 nrows, crows;
	char		*pool;		/* organisation names; offset 0 is "" */
	size_t		 plen, pcap;
	int		 addr_mode;	/* -1 unknown, 0 dotted, 1 integer */
	int		 seen_data;	/* a row (or an IPv6 row) was read */
	int		 finished;
	/* the result of asdb_build_finish() */
	uint32_t	*starts, *vals;	/* intervals; vals index asn_v */
	size_t		 nint;
	uint32_t	*asn_v, *asn_org;	/* distinct ASes, ascending */
	size_t		 nasns;
	uint32_t	*range_i;	/* the intervals with an AS */
	struct asdb_build_stats st;
};

struct asdb_build *
asdb_build_new(void)
{
	struct asdb_build *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	if ((b->pool = malloc(256)) == NULL) {
		free(b);
		return NULL;
	}
	b->pool[0] = '\0';
	b->plen = 1;
	b->pcap = 256;
	b->addr_mode = -1;
	return b;
}

void
asdb_build_free(struct asdb_build *b)
{
	if (b == NULL)
		return;
	free(b->rows);
	free(b->pool);
	free(b->starts);
	free(b->vals);
	free(b->asn_v);
	free(b->asn_org);
	free(b->range_i);
	free(b);
}

static int berr(char *err, size_t errlen, const char *name, unsigned long line,
    const char *fmt, ...) LH_PRINTF(5, 6);

static int
berr(char *err, size_t errlen, const char *name, unsigned long line,
    const char *fmt, ...)
{
	char msg[LH_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lh_err(err, errlen, "%s:%lu: %s", name, line, msg);
}

/*
 * Split one CSV record (RFC 4180) in place into at most max fields: a
 * quoted field loses its quotes and "" inside it becomes ".  Returns the
 * number of fields (max + 1: more than max), or -1 with *why.
 */
static int
csv_split(char *s, char **f, int max, const char **why)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		if (*s == '"') {
			char *r = s + 1, *w = s;

			f[n++] = s;
			for (;;) {
				if (*r == '\0') {
					*why = "a quoted field is not closed";
					return -1;
				}
				if (*r == '"') {
					if (r[1] == '"') {
						*w++ = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				*w++ = *r++;
			}
			/* w < r: the opening quote is behind us */
			if (*r != '\0' && *r != ',') {
				*why = "text after a closing quote";
				return -1;
			}
			*w = '\0';
			if (*r == '\0')
				return n;
			s = r + 1;
		} else {
			f[n++] = s;
			while (*s != '\0' && *s != ',' && *s != '"')
				s++;
			if (*s == '"') {
				*why = "a quote inside an unquoted field";
				return -1;
			}
			if (*s == '\0')
				return n;
			*s++ = '\0';
		}
	}
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int
is_ip6(const char *s)
{
	struct in6_addr a;

	return strchr(s, ':') != NULL && inet_pton(AF_INET6, s, &a) == 1;
}

/* An IPv4 address, dotted or (the -num files) an integer. */
static int
parse_addr(const char *s, int *mode, uint32_t *out)
{
	struct in_addr a;
	int m = all_digits(s);

	if (m ? lh_digits_u32(s, UINT32_MAX, out) < 0 : inet_pton(AF_INET, s, &a) != 1)
		return -1;
	if (!m)
		*out = ntohl(a.s_addr);
	*mode = m;
	return 0;
}

static int
grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	size_t nc;
	void *q;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elsize)
			return -1;
		nc *= 2;
	}
	if ((q = realloc(*p, nc * elsize)) == NULL)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

/* The pool offset of org: the previous row's when it is the same name. */
static int
pool_org(struct asdb_build *b, const char *org, uint32_t *off)
{
	size_t n = strlen(org) + 1;
	const struct row *prev = b->nrows ? &b->rows[b->nrows - 1] : NULL;

	if (n == 1) {
		*off = 0;
		return 0;
	}
	if (prev != NULL && strcmp(b->pool + prev->org, org) == 0) {
		*off = prev->org;
		return 0;
	}
	if (b->plen + n > UINT32_MAX ||
	    grow((void **)&b->pool, &b->pcap, b->plen + n, 1) < 0)
		return -1;
	memcpy(b->pool + b->plen, org, n);
	*off = (uint32_t)b->plen;
	b->plen += n;
	return 0;
}

int
asdb_build_line(struct asdb_build *b, char *s, size_t len, const char *name,
    unsigned long lineno, char *err, size_t errlen)
{
	char *f[5], org[ASDB_ORG_MAX + 1];
	const char *why = "";
	uint32_t lo, hi, asn;
	int n, m0, m1;
	struct row *r;

	if (b->finished)
		return lh_err(err, errlen, "%s: the table is already finished",
		    name);
	b->st.lines++;
	if (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	if (memchr(s, '\0', len) != NULL)
		return berr(err, errlen, name, lineno, "NUL byte in line");
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	n = csv_split(s, f, 4, &why);
	if (n < 0)
		return berr(err, errlen, name, lineno, "%s", why);
	if (n != 4)
		return berr(err, errlen, name, lineno, "expected 4 "
		    "comma-separated fields (range_start,range_end,"
		    "AS number,organisation), found %s%d",
		    n > 4 ? "more than " : "", n > 4 ? 4 : n);
	/* "ip_range_start,ip_range_end,..." before any data: a header */
	if (!b->seen_data && !is_ip6(f[0]) && parse_addr(f[0], &m0, &lo) < 0 &&
	    !all_digits(f[2]))
		return 0;
	if (is_ip6(f[0]) || is_ip6(f[1])) {
		if (!is_ip6(f[0]) || !is_ip6(f[1]))
			return berr(err, errlen, name, lineno, "range '%.*s' to "
			    "'%.*s' mixes IPv4 and IPv6", TOKSHOW, f[0],
			    TOKSHOW, f[1]);
		if (lh_digits_u32(f[2], UINT32_MAX, &asn) < 0)
			return berr(err, errlen, name, lineno, "bad AS number "
			    "'%.*s' (0..4294967295)", TOKSHOW, f[2]);
		b->seen_data = 1;
		b->st.skipped_v6++;
		return 0;
	}
	if (parse_addr(f[0], &m0, &lo) < 0)
		return berr(err, errlen, name, lineno, "bad range_start '%.*s'%s",
		    TOKSHOW, f[0], all_digits(f[0]) ? " (0..4294967295)" : "");
	if (parse_addr(f[1], &m1, &hi) < 0)
		return berr(err, errlen, name, lineno, "bad range_end '%.*s'%s",
		    TOKSHOW, f[1], all_digits(f[1]) ? " (0..4294967295)" : "");
	if (m0 != m1 || (b->addr_mode >= 0 && m0 != b->addr_mode))
		return berr(err, errlen, name, lineno, "the file mixes dotted "
		    "and integer addresses");
	if (lo > hi)
		return berr(err, errlen, name, lineno, "range_start %.*s is after "
		    "range_end %.*s", TOKSHOW, f[0], TOKSHOW, f[1]);
	if (lh_digits_u32(f[2], UINT32_MAX, &asn) < 0)
		return berr(err, errlen, name, lineno, "bad AS number '%.*s' "
		    "(0..4294967295)", TOKSHOW, f[2]);
	b->addr_mode = m0;
	b->seen_data = 1;
	if (asn == 0) {
		b->st.unrouted++;
		return 0;
	}
	if (b->nrows >= UINT32_MAX - 1)
		return berr(err, errlen, name, lineno, "more than %u rows",
		    UINT32_MAX - 1);
	if (asdb_clean_text(f[3], strlen(f[3]), org, sizeof(org)))
		b->st.cleaned++;
	if (grow((void **)&b->rows, &b->crows, b->nrows + 1,
	    sizeof(*b->rows)) < 0)
		return lh_err(err, errlen, "out of memory");
	r = &b->rows[b->nrows];
	if (pool_org(b, org, &r->org) < 0)
		return lh_err(err, errlen, "out of memory");
	r->lo = lo;
	r->hi = hi;
	r->asn = asn;
	b->nrows++;
	b->st.rows++;
	return 0;
}

int
asdb_build_fp(struct asdb_build *b, FILE *fp, const char *name, char *err,
    size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getline(&line, &cap, fp)) >= 0) {
		size_t len = (size_t)n;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		rc = asdb_build_line(b, line, len, name, lineno, err, errlen);
	}
	if (rc == 0 && ferror(fp))
		rc = lh_err(err, errlen, "%s:%lu: read error: %s", name,
		    lineno + 1, strerror(errno));
	free(line);
	return rc;
}

/* ---- resolving overlaps ---- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Rows by (asn, line order): the last of each AS names it. */
static _Thread_local const struct row *sort_rows;

static int
cmp_asn_seq(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t ax = sort_rows[x].asn, ay = sort_rows[y].asn;

	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
cmp_lo_seq(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t lx = sort_rows[x].lo, ly = sort_rows[y].lo;

	if (lx != ly)
		return lx < ly ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Heap order: the narrower row first; of equal widths, the later line. */
static int
better(const struct row *rows, uint32_t x, uint32_t y)
{
	uint32_t wx = rows[x].hi - rows[x].lo, wy = rows[y].hi - rows[y].lo;

	return wx != wy ? wx < wy : x > y;
}

static void
heap_push(const struct row *rows, uint32_t *h, size_t *n, uint32_t v)
{
	size_t i = (*n)++;

	while (i > 0 && better(rows, v, h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static void
heap_pop(const struct row *rows, uint32_t *h, size_t *n)
{
	uint32_t v = h[--(*n)];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < *n) {
		if (c + 1 < *n && better(rows, h[c + 1], h[c]))
			c++;
		if (!better(rows, h[c], v))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = v;
}

static uint32_t
asn_index(const struct asdb_build *b, uint32_t asn)
{
	size_t lo = 0, hi = b->nasns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->asn_v[mid] < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;	/* present: every row's AS is in asn_v */
}

int
asdb_build_finish(struct asdb_build *b, char *err, size_t errlen)
{
	size_t n = b->nrows, i, j, nb = 0, nh = 0, nseg = 0, cseg = 0;
	uint32_t *ord = NULL, *heap = NULL, *win = NULL;
	uint64_t *bounds = NULL, maxhi = 0;
	int rc = -1;

	if (b->finished)
		return 0;
	if ((ord = malloc((n + 1) * sizeof(*ord))) == NULL ||
	    (heap = malloc((n + 1) * sizeof(*heap))) == NULL ||
	    (bounds = malloc((2 * n + 1) * sizeof(*bounds))) == NULL ||
	    (b->asn_v = malloc((n + 1) * sizeof(*b->asn_v))) == NULL ||
	    (b->asn_org = malloc((n + 1) * sizeof(*b->asn_org))) == NULL)
		goto oom;
	sort_rows = b->rows;

	/* The ASes, each named by its last line. */
	for (i = 0; i < n; i++)
		ord[i] = (uint32_t)i;
	qsort(ord, n, sizeof(*ord), cmp_asn_seq);
	for (i = 0; i < n; i++) {
		const struct row *r = &b->rows[ord[i]];

		if (i + 1 < n && b->rows[ord[i + 1]].asn == r->asn)
			continue;
		b->asn_v[b->nasns] = r->asn;
		b->asn_org[b->nasns++] = r->org;
	}

	/* Every place where the covering rows change. */
	for (i = 0; i < n; i++) {
		bounds[nb++] = b->rows[i].lo;
		if (b->rows[i].hi < UINT32_MAX)
			bounds[nb++] = (uint64_t)b->rows[i].hi + 1;
	}
	qsort(bounds, nb, sizeof(*bounds), cmp_u64);
	for (i = 0; i < n; i++)
		ord[i] = (uint32_t)i;
	qsort(ord, n, sizeof(*ord), cmp_lo_seq);

	/* Sweep: at each boundary the best covering row wins. */
	cseg = 16;
	if ((b->starts = malloc(cseg * sizeof(*b->starts))) == NULL ||
	    (win = malloc(cseg * sizeof(*win))) == NULL)
		goto oom;
	b->starts[0] = 0;
	win[0] = NONE;
	nseg = 1;
	for (i = 0, j = 0; i < nb; i++) {
		uint64_t p = bounds[i];
		uint32_t w;

		if (i > 0 && bounds[i - 1] == p)
			continue;
		for (; j < n && b->rows[ord[j]].lo <= p; j++) {
			const struct row *r = &b->rows[ord[j]];

			if (j > 0 && r->lo <= maxhi)
				b->st.overlaps++;
			if (j == 0 || r->hi > maxhi)
				maxhi = r->hi;
			heap_push(b->rows, heap, &nh, ord[j]);
		}
		while (nh > 0 && b->rows[heap[0]].hi < p)
			heap_pop(b->rows, heap, &nh);
		w = nh > 0 ? heap[0] : NONE;
		if (w == win[nseg - 1])
			continue;
		if (b->starts[nseg - 1] == p) {
			win[nseg - 1] = w;	/* only at address 0 */
			continue;
		}
		if (nseg == cseg) {
			uint32_t *s2, *w2;

			cseg *= 2;
			if ((s2 = realloc(b->starts, cseg * sizeof(*s2))) == NULL)
				goto oom;
			b->starts = s2;
			if ((w2 = realloc(win, cseg * sizeof(*w2))) == NULL)
				goto oom;
			win = w2;
		}
		b->starts[nseg] = (uint32_t)p;
		win[nseg++] = w;
	}
	b->nint = nseg;

	/* Interval -> AS index; the intervals that have one. */
	if ((b->vals = malloc(nseg * sizeof(*b->vals))) == NULL ||
	    (b->range_i = malloc(nseg * sizeof(*b->range_i))) == NULL)
		goto oom;
	for (i = 0; i < nseg; i++) {
		b->vals[i] = win[i] == NONE ? NONE :
		    asn_index(b, b->rows[win[i]].asn);
		if (win[i] != NONE)
			b->range_i[b->st.ranges++] = (uint32_t)i;
	}
	b->st.asns = b->nasns;
	b->finished = 1;
	rc = 0;
	goto out;
oom:
	rc = lh_err(err, errlen, "out of memory");
out:
	free(ord);
	free(heap);
	free(bounds);
	free(win);
	return rc;
}

const struct asdb_build_stats *
asdb_build_stats(const struct asdb_build *b)
{
	return &b->st;
}

size_t
asdb_build_nranges(const struct asdb_build *b)
{
	return b->finished ? b->st.ranges : 0;
}

void
asdb_build_range(const struct asdb_build *b, size_t i, uint32_t *first,
    uint32_t *last, uint32_t *asn)
{
	uint32_t k = b->range_i[i];

	*first = b->starts[k];
	*last = k + 1 < b->nint ? b->starts[k + 1] - 1 : UINT32_MAX;
	*asn = b->asn_v[b->vals[k]];
}

size_t
asdb_build_nasns(const struct asdb_build *b)
{
	return b->finished ? b->nasns : 0;
}

void
asdb_build_asn(const struct asdb_build *b, size_t i, uint32_t *asn,
    const char **org)
{
	*asn = b->asn_v[i];
	*org = b->pool + b->asn_org[i];
}

/* ---- writing the image ---- */

static _Thread_local const struct asdb_build *sort_b;

static int
cmp_org(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return strcmp(sort_b->pool + sort_b->asn_org[x],
	    sort_b->pool + sort_b->asn_org[y]);
}

static int
label_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

void *
asdb_build_image(const struct asdb_build *b, const char *dataset,
    const char *version, size_t *lenp, char *err, size_t errlen)
{
	struct hdr h;
	uint32_t *ord = NULL, *orgs = NULL, *idx, *ivals;
	size_t i, k, slen = 1, n = b->nint, m = b->nasns;
	uint64_t off;
	unsigned char *img = NULL;
	char *strs;
	/* about one interval per index block: a small table, a small index */
	unsigned bits = n < 4096 ? INDEX_MIN : n < 262144 ? 16 : INDEX_MAX;

	if (!b->finished) {
		lh_err(err, errlen, "the table is not finished");
		return NULL;
	}
	if (!label_ok(dataset, ASDB_NAME_MAX) ||
	    !label_ok(version, ASDB_VERSION_MAX)) {
		lh_err(err, errlen, "dataset name and version: printable ASCII, "
		    "at most %d and %d characters", ASDB_NAME_MAX - 1,
		    ASDB_VERSION_MAX - 1);
		return NULL;
	}
	/* The names, each once, in one string table. */
	if ((ord = malloc((m + 1) * sizeof(*ord))) == NULL ||
	    (orgs = malloc((m + 1) * sizeof(*orgs))) == NULL)
		goto oom;
	for (i = 0; i < m; i++)
		ord[i] = (uint32_t)i;
	sort_b = b;
	qsort(ord, m, sizeof(*ord), cmp_org);
	for (i = 0; i < m; i++) {
		const char *s = b->pool + b->asn_org[ord[i]];

		if (*s == '\0')
			orgs[ord[i]] = 0;
		else if (i > 0 && strcmp(s, b->pool + b->asn_org[ord[i - 1]]) == 0)
			orgs[ord[i]] = orgs[ord[i - 1]];
		else {
			orgs[ord[i]] = (uint32_t)slen;
			slen += strlen(s) + 1;
		}
	}

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, magic, sizeof(magic));
	h.bom = BOM;
	h.format = ASDB_FORMAT_VERSION;
	h.hdr_size = sizeof(h);
	snprintf(h.dataset, sizeof(h.dataset), "%s", dataset);
	snprintf(h.version, sizeof(h.version), "%s", version);
	h.nint = (uint32_t)n;
	h.nasns = (uint32_t)m;
	h.index_bits = bits;
	h.nranges = (uint32_t)b->st.ranges;
	h.nrows = (uint32_t)b->st.rows;
	off = sizeof(h);
	h.off_index = off;
	off += ((uint64_t)1 << bits) * 4 + 4;
	h.off_ivals = off;
	off += (uint64_t)n * 8;
	h.off_asns = off;
	off += (uint64_t)m * 4;
	h.off_orgs = off;
	off += (uint64_t)m * 4;
	h.off_strings = off;
	h.strings_size = slen;
	off += slen;
	off = (off + 3) & ~(uint64_t)3;
	h.file_size = off;
	if (off > MAX_IMAGE || (img = calloc(1, (size_t)off)) == NULL)
		goto oom;
	memcpy(img, &h, sizeof(h));

	/* The /20 index: the interval holding each block's first address. */
	idx = (uint32_t *)(img + h.off_index);
	for (i = 0, k = 0; i < ((size_t)1 << bits); i++) {
		uint32_t a = (uint32_t)i << (32 - bits);

		while (k + 1 < n && b->starts[k + 1] <= a)
			k++;
		idx[i] = (uint32_t)k;
	}
	idx[(size_t)1 << bits] = (uint32_t)(n - 1);
	ivals = (uint32_t *)(img + h.off_ivals);
	for (i = 0; i < n; i++) {
		ivals[2 * i] = b->starts[i];
		ivals[2 * i + 1] = b->vals[i] == NONE ? 0 : b->asn_v[b->vals[i]];
	}
	if (m > 0) {
		memcpy(img + h.off_asns, b->asn_v, m * 4);
		memcpy(img + h.off_orgs, orgs, m * 4);
	}
	strs = (char *)img + h.off_strings;
	for (i = 0; i < m; i++) {
		const char *s = b->pool + b->asn_org[i];

		if (orgs[i] != 0)
			memcpy(strs + orgs[i], s, strlen(s) + 1);
	}
	free(ord);
	free(orgs);
	*lenp = (size_t)off;
	return img;
oom:
	free(ord);
	free(orgs);
	lh_err(err, errlen, "out of memory (or an image over 1 GiB)");
	return NULL;
}

int
asdb_build_write(const struct asdb_build *b, const char *path,
    const char *dataset, const char *version, char *err, size_t errlen)
{
	size_t len, plen = strlen(path);
	void *img = asdb_build_image(b, dataset, version, &len, err, errlen);
	char *tmp;
	FILE *fp;
	int rc = 0;

	if (img == NULL)
		return -1;
	if ((tmp = malloc(plen + 16)) == NULL) {
		free(img);
		return lh_err(err, errlen, "out of memory");
	}
	snprintf(tmp, plen + 16, "%s.tmp%ld", path, (long)getpid());
	if ((fp = fopen(tmp, "wb")) == NULL) {
		rc = lh_err(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fwrite(img, 1, len, fp) != len || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0) {
		rc = lh_err(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(fp);
		unlink(tmp);
		goto out;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		rc = lh_err(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	free(img);
	return rc;
}

/* ---- reading the image ---- */

struct asdb {
	const unsigned char *base;
	size_t		 size;
	int		 mapped;	/* munmap (else free) */
	char		*path;
	struct hdr	 h;
	const uint32_t	*idx;
	const uint32_t	*ivals;		/* (start, AS or 0) per interval */
	const uint32_t	*asns, *orgs;
	const char	*strings;
	size_t		 nint, nasns, strsize;
};

/* A section of count 4-byte words at off must lie inside the file. */
static int
section_ok(const struct asdb *db, uint64_t off, uint64_t count)
{
	return off % 4 == 0 && off >= sizeof(struct hdr) &&
	    count <= db->size / 4 && off <= db->size &&
	    count * 4 <= db->size - off;
}

static int
field_ok(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);
	size_t i;

	if (nul == NULL)
		return 0;
	for (i = 0; s + i < nul; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

static int
check_header(struct asdb *db, char *err, size_t errlen)
{
	struct hdr *h = &db->h;
	const char *p = db->path;

	if (db->size < sizeof(*h))
		return lh_err(err, errlen, "%s: too short for a lasthop AS image "
		    "(%zu bytes)", p, db->size);
	memcpy(h, db->base, sizeof(*h));
	if (memcmp(h->magic, magic, sizeof(magic)) != 0)
		return lh_err(err, errlen, "%s: not a lasthop AS image", p);
	if (h->bom != BOM)
		return lh_err(err, errlen, "%s: %s", p, h->bom ==
		    __builtin_bswap32(BOM) ? "written on a machine of the other "
		    "byte order (compile it here)" : "bad byte-order mark");
	if (h->format != ASDB_FORMAT_VERSION)
		return lh_err(err, errlen, "%s: image format %u; this lasthop "
		    "reads format %d (compile the image again)", p, h->format,
		    ASDB_FORMAT_VERSION);
	if (h->hdr_size != sizeof(*h) || h->flags != 0 || h->nv6 != 0 ||
	    h->index_bits < INDEX_MIN || h->index_bits > INDEX_MAX ||
	    h->off_unused != 0)
		return lh_err(err, errlen, "%s: bad header (size %u, flags %u, "
		    "IPv6 intervals %u, index bits %u)", p, h->hdr_size,
		    h->flags, h->nv6, h->index_bits);
	if (!field_ok(h->dataset, sizeof(h->dataset)) ||
	    !field_ok(h->version, sizeof(h->version)))
		return lh_err(err, errlen, "%s: bad dataset name or version", p);
	if (h->file_size != db->size)
		return lh_err(err, errlen, "%s: truncated or extended: the header "
		    "says %llu bytes, the file has %zu", p,
		    (unsigned long long)h->file_size, db->size);
	if (h->nint == 0 || h->nranges > h->nint)
		return lh_err(err, errlen, "%s: bad counts (%u intervals, %u "
		    "with an AS)", p, h->nint, h->nranges);
	if (!section_ok(db, h->off_index, ((uint64_t)1 << h->index_bits) + 1) ||
	    h->nint > db->size / 8 ||
	    !section_ok(db, h->off_ivals, 2 * (uint64_t)h->nint) ||
	    !section_ok(db, h->off_asns, h->nasns) ||
	    !section_ok(db, h->off_orgs, h->nasns) ||
	    h->off_strings < sizeof(*h) || h->off_strings > db->size ||
	    h->strings_size == 0 ||
	    h->strings_size > db->size - h->off_strings)
		return lh_err(err, errlen, "%s: a section lies outside the file", p);
	db->idx = (const uint32_t *)(db->base + h->off_index);
	db->ivals = (const uint32_t *)(db->base + h->off_ivals);
	db->asns = (const uint32_t *)(db->base + h->off_asns);
	db->orgs = (const uint32_t *)(db->base + h->off_orgs);
	db->strings = (const char *)db->base + h->off_strings;
	db->nint = h->nint;
	db->nasns = h->nasns;
	db->strsize = (size_t)h->strings_size;
	if (db->strings[db->strsize - 1] != '\0')
		return lh_err(err, errlen, "%s: the string table is not "
		    "terminated", p);
	if (db->ivals[0] != 0)
		return lh_err(err, errlen, "%s: the intervals do not start at "
		    "0.0.0.0", p);
	return 0;
}

static struct asdb *
db_new(const char *path)
{
	struct asdb *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	if ((db->path = strdup(path)) == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

struct asdb *
asdb_open(const char *path, char *err, size_t errlen)
{
	struct asdb *db;
	struct stat sb;
	void *p;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		lh_err(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0) {
		lh_err(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    (uint64_t)sb.st_size > MAX_IMAGE) {
		lh_err(err, errlen, "%s: %s", path, !S_ISREG(sb.st_mode) ?
		    "not a regular file" : sb.st_size <= 0 ? "empty file" :
		    "larger than any lasthop AS image (1 GiB)");
		close(fd);
		return NULL;
	}
	if ((db = db_new(path)) == NULL) {
		lh_err(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	db->size = (size_t)sb.st_size;
	p = mmap(NULL, db->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		lh_err(err, errlen, "%s: mmap: %s", path, strerror(errno));
		free(db->path);
		free(db);
		return NULL;
	}
	/*
	 * Lookups touch a few pages anywhere: no read-ahead.  (A kernel that
	 * keeps the file in large page-cache folios may still map them whole,
	 * so RSS can count up to the image's size: shared page cache, not
	 * memory of this process.)  Advice only.
	 */
	(void)madvise(p, db->size, MADV_RANDOM);
	db->base = p;
	db->mapped = 1;
	if (check_header(db, err, errlen) != 0) {
		asdb_close(db);
		return NULL;
	}
	return db;
}

struct asdb *
asdb_open_mem(const void *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct asdb *db;
	void *copy;

	if ((db = db_new(name)) == NULL ||
	    (copy = malloc(len > 0 ? len : 1)) == NULL) {
		if (db != NULL) {
			free(db->path);
			free(db);
		}
		lh_err(err, errlen, "out of memory");
		return NULL;
	}
	if (len > 0)
		memcpy(copy, buf, len);
	db->base = copy;
	db->size = len;
	if (check_header(db, err, errlen) != 0) {
		asdb_close(db);
		return NULL;
	}
	return db;
}

void
asdb_close(struct asdb *db)
{
	if (db == NULL)
		return;
	if (db->mapped)
		munmap((void *)(uintptr_t)db->base, db->size);
	else
		free((void *)(uintptr_t)db->base);
	free(db->path);
	free(db);
}

void
asdb_get_info(const struct asdb *db, struct asdb_info *out)
{
	memset(out, 0, sizeof(*out));
	out->path = db->path;
	out->dataset = db->h.dataset;
	out->version = db->h.version;
	out->format = db->h.format;
	out->intervals = db->h.nint;
	out->ranges = db->h.nranges;
	out->asns = db->h.nasns;
	out->size = db->size;
}

int
asdb_lookup(const struct asdb *db, uint32_t addr, struct asdb_hit *hit)
{
	uint32_t t = addr >> (32 - db->h.index_bits);
	size_t lo = db->idx[t], hi = db->idx[t + 1], mid;
	uint32_t asn;

	/* Every index read from the file is range-checked before use. */
	if (hi >= db->nint)
		hi = db->nint - 1;
	if (lo > hi)
		lo = hi;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (db->ivals[2 * mid] <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	/* the AS sits beside the start: no further cache line */
	if ((asn = db->ivals[2 * lo + 1]) == 0)
		return 0;
	hit->first = db->ivals[2 * lo];
	hit->last = lo + 1 < db->nint ? db->ivals[2 * lo + 2] - 1 : UINT32_MAX;
	hit->asn = asn;
	return 1;
}

int
asdb_interval(const struct asdb *db, size_t i, struct asdb_hit *hit)
{
	if (i >= db->nint)
		return 0;
	hit->first = db->ivals[2 * i];
	hit->last = i + 1 < db->nint ? db->ivals[2 * i + 2] - 1 : UINT32_MAX;
	hit->asn = db->ivals[2 * i + 1];
	return hit->asn != 0;
}

int
asdb_org(const struct asdb *db, uint32_t asn, const char **org)
{
	size_t lo = 0, hi = db->nasns, mid, len;
	uint32_t off;
	const char *s;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (db->asns[mid] < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= db->nasns || db->asns[lo] != asn)
		return 0;
	off = db->orgs[lo];
	if (off >= db->strsize)
		return 0;
	s = db->strings + off;
	len = strlen(s);	/* ends by the table's last byte, a NUL */
	if (len > ASDB_ORG_MAX || !is_clean(s, len))
		return 0;
	*org = s;
	return 1;
}

/* Is asn in the AS table? */
static int
known_asn(const struct asdb *db, uint32_t asn)
{
	size_t lo = 0, hi = db->nasns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (db->asns[mid] < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < db->nasns && db->asns[lo] == asn;
}

int
asdb_verify(const struct asdb *db, char *err, size_t errlen)
{
	size_t i, k, nr = 0;
	const char *p = db->path;

	for (i = 0; i < db->nasns; i++) {
		const char *s;
		size_t len;

		if (i > 0 && db->asns[i] <= db->asns[i - 1])
			return lh_err(err, errlen, "%s: AS table out of order at "
			    "%zu", p, i);
		if (db->orgs[i] >= db->strsize)
			return lh_err(err, errlen, "%s: AS%u's name lies outside "
			    "the string table", p, db->asns[i]);
		s = db->strings + db->orgs[i];
		len = strlen(s);
		if (len > ASDB_ORG_MAX || !is_clean(s, len))
			return lh_err(err, errlen, "%s: AS%u's name is not clean "
			    "UTF-8 of at most %d bytes", p, db->asns[i],
			    ASDB_ORG_MAX);
	}
	for (i = 0; i < db->nint; i++) {
		uint32_t asn = db->ivals[2 * i + 1];

		if (i > 0 && db->ivals[2 * i] <= db->ivals[2 * i - 2])
			return lh_err(err, errlen, "%s: interval %zu does not "
			    "start after the one before it", p, i);
		if (asn != 0 && !known_asn(db, asn))
			return lh_err(err, errlen, "%s: interval %zu names AS%u, "
			    "which the AS table lacks", p, i, asn);
		nr += asn != 0;
	}
	if (nr != db->h.nranges)
		return lh_err(err, errlen, "%s: %zu intervals have an AS, the "
		    "header says %u", p, nr, db->h.nranges);
	for (i = 0, k = 0; i < ((size_t)1 << db->h.index_bits); i++) {
		uint32_t a = (uint32_t)i << (32 - db->h.index_bits);

		while (k + 1 < db->nint && db->ivals[2 * k + 2] <= a)
			k++;
		if (db->idx[i] != k)
			return lh_err(err, errlen, "%s: index entry %zu is %u, "
			    "not %zu", p, i, db->idx[i], k);
	}
	if (db->idx[(size_t)1 << db->h.index_bits] != db->nint - 1)
		return lh_err(err, errlen, "%s: the index's last entry is wrong",
		    p);
	return 0;
}
