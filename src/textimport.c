/*
 * textimport.c: pasted traceroute text (Linux/BSD traceroute, tcptraceroute,
 * mtr --report, Windows tracert) into the path model.  textimport.h says
 * what is read and what is synthesised.
 *
 * Reading is line by line: a header line of a known format starts a trace
 * (finishing the previous one), hop lines are parsed by that trace's
 * format, other text is looked at for hints (a pasted command line, mtr's
 * "Start:", tcptraceroute's "Selected device") and, once a trace has hops,
 * ends it.  Every token is checked and every number range-checked; a
 * malformed line inside a trace fails the whole import with its line number.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine.h"
#include "lh.h"
#include "model.h"
#include "textimport.h"


#define EOF_FAR_NS	(3600LL * 1000000000)	/* "the tool stopped by itself" */
#define TSHOW		48	/* buffer for a token quoted in a message */
#define MTR_MAX_COLS	32
#define MTR_MAX_RESP	16	/* responders listed under one mtr row */

/* ---- reading lines ---- */

struct reader {
	FILE		*fp;
	int		 utf16;		/* 0; 1 little-endian; 2 big-endian */
	unsigned char	 pend[3];	/* first bytes, looked at for a BOM */
	int		 npend, ipend;
	int		 back;		/* a character pushed back, or EOF */
	char		*buf;		/* TI_MAX_LINE + 1 bytes */
};

static int
raw_getc(struct reader *r)
{
	if (r->ipend < r->npend)
		return r->pend[r->ipend++];
	return getc(r->fp);
}

/* Skip a UTF-8 byte order mark; switch to UTF-16 on a UTF-16 one. */
static void
rd_init(struct reader *r)
{
	int c;

	r->npend = r->ipend = 0;
	r->back = EOF;
	r->utf16 = 0;
	while (r->npend < 3 && (c = getc(r->fp)) != EOF)
		r->pend[r->npend++] = (unsigned char)c;
	if (r->npend == 3 && r->pend[0] == 0xef && r->pend[1] == 0xbb &&
	    r->pend[2] == 0xbf)
		r->ipend = 3;
	else if (r->npend >= 2 && r->pend[0] == 0xff && r->pend[1] == 0xfe) {
		r->utf16 = 1;
		r->ipend = 2;
	} else if (r->npend >= 2 && r->pend[0] == 0xfe && r->pend[1] == 0xff) {
		r->utf16 = 2;
		r->ipend = 2;
	}
}

/*
 * Next character, EOF at the end.  UTF-16 is decoded to ASCII, anything
 * beyond ASCII becoming '?'; a NUL byte becomes '?' too (text never has
 * one, except mtr's MPLS lines, which print a bit with %c).
 */
static int
rd_getc(struct reader *r)
{
	int a, b, u;

	if (r->back != EOF) {
		a = r->back;
		r->back = EOF;
		return a;
	}
	if (r->utf16 == 0) {
		a = raw_getc(r);
		return a == 0 ? '?' : a;
	}
	if ((a = raw_getc(r)) == EOF || (b = raw_getc(r)) == EOF)
		return EOF;
	u = r->utf16 == 1 ? (a | b << 8) : (b | a << 8);
	return u == 0 || u >= 0x80 ? '?' : u;
}

/*
 * Read one line (LF, CRLF or CR ended) into r->buf; 0 at the end of the
 * input.  A line longer than TI_MAX_LINE is cut there and *toolong set.
 */
static int
rd_line(struct reader *r, size_t *lenp, int *toolong)
{
	size_t n = 0;
	int c, any = 0;

	*toolong = 0;
	for (;;) {
		if ((c = rd_getc(r)) == EOF)
			break;
		any = 1;
		if (c == '\n')
			break;
		if (c == '\r') {
			if ((c = rd_getc(r)) != EOF && c != '\n')
				r->back = c;
			break;
		}
		if (n < TI_MAX_LINE)
			r->buf[n++] = (char)c;
		else
			*toolong = 1;
	}
	r->buf[n] = '\0';
	*lenp = n;
	return any;
}

/* ---- tokens and numbers ---- */

struct tok {
	const char	*s;
	size_t		 n;
};

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t
tokenize(const char *s, struct tok *v, size_t max)
{
	size_t n = 0;

	for (;;) {
		while (is_ws((unsigned char)*s))
			s++;
		if (*s == '\0' || n == max)
			return n;
		v[n].s = s;
		while (*s != '\0' && !is_ws((unsigned char)*s))
			s++;
		v[n].n = (size_t)(s - v[n].s);
		n++;
	}
}

static int
tok_eq(const struct tok *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n == n && memcmp(t->s, lit, n) == 0;
}

static int
starts(const char *s, const char *lit)
{
	return strncmp(s, lit, strlen(lit)) == 0;
}

/* A token for a message: printable, cut to fit. */
static const char *
tshow(const char *s, size_t n, char *buf)
{
	size_t i, k = 0;

	for (i = 0; i < n && k < TSHOW - 4; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < n) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

/* Whole decimal number in [0, max]: 0, -1 if not a number, 1 if out of range. */
static int
parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		if (v <= max)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return 1;
	*out = v;
	return 0;
}

/*
 * Milliseconds written "12", "0.512" or "1234." (mtr cuts wide values)
 * into nanoseconds: 0; -1 if not a number; 1 if beyond TI_RTT_MAX_MS.
 * Digits past the sixth decimal are read and dropped.
 */
static int
parse_ms(const char *s, size_t n, int64_t *ns)
{
	int64_t ip = 0, frac = 0;
	size_t i = 0, fd = 0;
	int any = 0;

	while (i < n && is_digit((unsigned char)s[i])) {
		if (ip <= TI_RTT_MAX_MS)
			ip = ip * 10 + (s[i] - '0');
		i++;
		any = 1;
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && is_digit((unsigned char)s[i]); i++) {
			if (fd < 6) {
				frac = frac * 10 + (s[i] - '0');
				fd++;
			}
			any = 1;
		}
	}
	if (!any || i != n)
		return -1;
	for (; fd < 6; fd++)
		frac *= 10;
	if (ip > TI_RTT_MAX_MS || (ip == TI_RTT_MAX_MS && frac > 0))
		return 1;
	*ns = ip * 1000000 + frac;
	return 0;
}

/* A dotted quad, exactly n bytes: 0, or -1. */
static int
parse_ip4(const char *s, size_t n, uint32_t *out)
{
	uint32_t a = 0;
	unsigned v = 0, parts = 0, digits = 0;
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (digits == 0 || v > 255 || parts == 4)
				return -1;
			a = a << 8 | v;
			parts++;
			v = digits = 0;
			continue;
		}
		if (!is_digit((unsigned char)s[i]) || ++digits > 3)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (parts != 4)
		return -1;
	*out = a;
	return 0;
}

/* Looks like an IPv6 address (for a clearer message). */
static int
looks_ip6(const char *s, size_t n)
{
	size_t i, colons = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ':')
			colons++;
		else if (!is_digit((unsigned char)c) && c != '.' &&
		    !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') &&
		    c != '%')
			return 0;
	}
	return colons >= 2;
}

/* ---- parser state ---- */

enum tool { TOOL_NONE, TOOL_TRACEROUTE, TOOL_TCPTRACEROUTE, TOOL_MTR,
	TOOL_TRACERT };

/* What text before a header says about the trace that follows. */
struct hints {
	enum tool	 tool;		/* of a pasted command line */
	enum method	 method;	/* from its flags; M_UNKNOWN if none */
	uint32_t	 target;	/* a dotted-quad target on it */
	uint32_t	 src;		/* -s/-a on it, tcptraceroute's address */
	uint16_t	 sport;		/* tcptraceroute's source port */
	int		 have_start;
	int64_t		 start_ns;	/* mtr's "Start:" */
};

enum mtr_col { MC_OTHER, MC_LOSS, MC_DROP, MC_RCV, MC_SNT, MC_LAST, MC_AVG,
	MC_BEST, MC_WRST };

struct mtr_resp {
	uint32_t	 addr;
	uint32_t	 mpls[PROBE_MAX_MPLS];
	uint8_t		 nmpls;
	uint8_t		 s_unknown;	/* mtr printed the S bit garbled */
};

/* A placeholder address and the hash of its name. */
struct ph {
	uint32_t	 hash;
	uint32_t	 addr;
	size_t		 name;	/* index in m.names */
};

/* The trace being read. */
struct cur {
	struct ti_meta	 m;
	size_t		 names_cap;
	struct probe	*p;
	size_t		 n, cap;
	size_t		 hop_first;	/* first probe of the current hop */
	unsigned	 last_ttl;	/* 0 before the first hop */
	size_t		 nhops;
	uint32_t	 dst, src;
	enum method	 method;
	uint16_t	 sport, dport;
	int		 has_flow;
	int64_t		 base_ns;
	/* mtr */
	enum mtr_col	 cols[MTR_MAX_COLS];
	size_t		 ncols;
	int		 row_open;	/* a row waits for its "|-- addr" lines */
	int		 row_silent;
	unsigned	 row_ttl;
	unsigned long	 row_snt, row_ans;
	int64_t		 row_rtt;
	struct mtr_resp	 row_r[MTR_MAX_RESP];
	size_t		 row_nr;
	uint32_t	 next_placeholder;
	struct ph	*ph;		/* placeholders handed out, by name hash */
	size_t		 nph, phcap;
};

struct parser {
	const char		*file;
	size_t			 lineno;
	char			*err;
	size_t			 errlen;
	struct textimport	*ti;
	size_t			 cap;		/* of ti->traces and ti->meta */
	struct cur		*cur;
	struct hints		 h;
	struct tok		*toks;
	size_t			 total;		/* probes in the file */
	size_t			 empty;		/* headers without hops */
	int			 gap_limit;
	uint32_t		 target;	/* opts->target */
	uint32_t		 src;
};

static int perr(struct parser *p, const char *fmt, ...) LH_PRINTF(2, 3);

/* "NAME:LINE: message"; returns -1. */
static int
perr(struct parser *p, const char *fmt, ...)
{
	char msg[LH_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lh_err(p->err, p->errlen, "%s:%zu: %s", p->file, p->lineno,
	    msg);
}

static void
meta_free(struct ti_meta *m)
{
	size_t i;

	for (i = 0; i < m->nnames; i++)
		free(m->names[i].name);
	free(m->names);
	free(m->target);
}

static void
cur_free(struct cur *c)
{
	if (c == NULL)
		return;
	meta_free(&c->m);
	free(c->p);
	free(c->ph);
	free(c);
}

static int
set_target(struct parser *p, struct cur *c, const char *s, size_t n)
{
	char *t = malloc(n + 1);
	size_t i;

	if (t == NULL)
		return perr(p, "out of memory");
	for (i = 0; i < n; i++)
		t[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	t[n] = '\0';
	free(c->m.target);
	c->m.target = t;
	return 0;
}

/* Remember the name printed for addr (the first one wins at the end). */
static int
add_name(struct parser *p, struct cur *c, uint32_t addr, const char *s,
    size_t n)
{
	struct ti_name *v;
	char *name;
	size_t i;

	if (n > TI_MAX_NAME)
		n = TI_MAX_NAME;
	if (c->m.nnames == c->names_cap) {
		size_t ncap = c->names_cap ? c->names_cap * 2 : 16;

		if ((v = realloc(c->m.names, ncap * sizeof(*v))) == NULL)
			return perr(p, "out of memory");
		c->m.names = v;
		c->names_cap = ncap;
	}
	if ((name = malloc(n + 1)) == NULL)
		return perr(p, "out of memory");
	for (i = 0; i < n; i++)
		name[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	name[n] = '\0';
	c->m.names[c->m.nnames].addr = addr;
	c->m.names[c->m.nnames].name = name;
	c->m.nnames++;
	return 0;
}

/* "name (addr)": a name only worth keeping if it is not the address again. */
static int
note_name(struct parser *p, struct cur *c, uint32_t addr, const struct tok *t)
{
	uint32_t a;

	if (parse_ip4(t->s, t->n, &a) == 0 && a == addr)
		return 0;
	return add_name(p, c, addr, t->s, t->n);
}

/*
 * An mtr host shown by name only: a placeholder address in 240.0.0.0/8,
 * the same for the same name within the trace.
 */
static int
placeholder(struct parser *p, struct cur *c, const char *s, size_t n,
    uint32_t *addr)
{
	size_t i, k = n > TI_MAX_NAME ? TI_MAX_NAME : n;
	uint32_t h = 2166136261u;	/* FNV-1a */
	struct ph *v;

	for (i = 0; i < k; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	for (i = 0; i < c->nph; i++) {
		const char *nm = c->m.names[c->ph[i].name].name;

		if (c->ph[i].hash == h && strncmp(nm, s, k) == 0 &&
		    nm[k] == '\0') {
			*addr = c->ph[i].addr;
			return 0;
		}
	}
	if (c->next_placeholder >= 0xffffff)
		return perr(p, "too many hosts without addresses");
	if (c->nph == c->phcap) {
		size_t ncap = c->phcap ? c->phcap * 2 : 16;

		if ((v = realloc(c->ph, ncap * sizeof(*v))) == NULL)
			return perr(p, "out of memory");
		c->ph = v;
		c->phcap = ncap;
	}
	*addr = TI_PLACEHOLDER_NET | c->next_placeholder++;
	if (add_name(p, c, *addr, s, n) != 0)
		return -1;
	c->ph[c->nph].hash = h;
	c->ph[c->nph].addr = *addr;
	c->ph[c->nph].name = c->m.nnames - 1;
	c->nph++;
	c->m.placeholders++;
	return 0;
}

/* A new probe at ttl, sent at the next synthetic time, unanswered. */
static struct probe *
add_probe(struct parser *p, struct cur *c, unsigned ttl)
{
	struct probe *pr;

	if (p->total >= TI_MAX_PROBES) {
		perr(p, "more than %d probes in the file", TI_MAX_PROBES);
		return NULL;
	}
	if (c->n - c->hop_first >= TI_MAX_PROBES_PER_HOP) {
		perr(p, "more than %d probes at TTL %u", TI_MAX_PROBES_PER_HOP,
		    ttl);
		return NULL;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 8;

		if ((pr = realloc(c->p, ncap * sizeof(*pr))) == NULL) {
			perr(p, "out of memory");
			return NULL;
		}
		c->p = pr;
		c->cap = ncap;
	}
	pr = &c->p[c->n];
	memset(pr, 0, sizeof(*pr));
	pr->ttl = (uint8_t)ttl;
	pr->tx_ns = c->base_ns + (int64_t)c->n * TI_SPACING_NS;
	pr->rx_ns = pr->tx_ns;
	c->n++;
	p->total++;
	return pr;
}

/* An answer from addr after rtt_ns; time-exceeded until told otherwise. */
static void
set_reply(struct probe *pr, uint32_t addr, int64_t rtt_ns,
    const uint32_t *mpls, uint8_t nmpls)
{
	pr->raddr = addr;
	pr->rx_ns = pr->tx_ns + rtt_ns;
	pr->rkind = RK_TIME_EXCEEDED;
	pr->rtype = 11;
	pr->rcode = 0;
	if (nmpls > PROBE_MAX_MPLS)
		nmpls = PROBE_MAX_MPLS;
	if (nmpls > 0)
		memcpy(pr->mpls, mpls, nmpls * sizeof(*mpls));
	pr->nmpls = nmpls;
}

/* A hop line starts: its TTL must be in range and follow the last one. */
static int
begin_hop(struct parser *p, struct cur *c, const struct tok *t,
    unsigned *ttlp)
{
	unsigned long v;
	char b[TSHOW];
	int rc = parse_uint(t->s, t->n, 255, &v);

	if (rc < 0)
		return perr(p, "'%s' is not a TTL", tshow(t->s, t->n, b));
	if (rc > 0 || v < 1)
		return perr(p, "TTL %s is out of range 1..255",
		    tshow(t->s, t->n, b));
	if (c->nhops > 0 && v <= c->last_ttl)
		return perr(p, "TTL %lu after TTL %u: hop lines out of order",
		    v, c->last_ttl);
	*ttlp = (unsigned)v;
	c->hop_first = c->n;
	return 0;
}

static void
end_hop(struct cur *c, unsigned ttl)
{
	c->last_ttl = ttl;
	c->nhops++;
}

/* ---- hints: command lines, mtr's start time, tcptraceroute's source ---- */

static enum tool
tool_of(const char *s, size_t n)
{
	size_t i, b = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == '\\' || s[i] == '>')
			b = i + 1;
	s += b;
	n -= b;
	if ((n == 10 && memcmp(s, "traceroute", 10) == 0) ||
	    (n == 13 && memcmp(s, "traceroute.db", 13) == 0))
		return TOOL_TRACEROUTE;
	if (n == 13 && memcmp(s, "tcptraceroute", 13) == 0)
		return TOOL_TCPTRACEROUTE;
	if (n == 3 && memcmp(s, "mtr", 3) == 0)
		return TOOL_MTR;
	if ((n == 7 && strncasecmp(s, "tracert", 7) == 0) ||
	    (n == 11 && strncasecmp(s, "tracert.exe", 11) == 0))
		return TOOL_TRACERT;
	return TOOL_NONE;
}

/* A shell or cmd.exe prompt just before a command. */
static int
prompt_before(const struct tok *t)
{
	char last = t->s[t->n - 1];

	return last == '$' || last == '#' || last == '%' || last == '>' ||
	    tok_eq(t, "sudo");
}

static enum method
method_word(const char *s, size_t n)
{
	if ((n == 4 && strncasecmp(s, "icmp", 4) == 0))
		return M_ICMP;
	if ((n == 3 && strncasecmp(s, "tcp", 3) == 0) ||
	    (n == 7 && strncasecmp(s, "tcpconn", 7) == 0))
		return M_TCP_SYN;
	if ((n == 3 && strncasecmp(s, "udp", 3) == 0) ||
	    (n == 7 && strncasecmp(s, "udplite", 7) == 0))
		return M_UDP;
	return M_UNKNOWN;
}

/* Only letters after one dash: a cluster of flags ("-nI"). */
static int
flag_cluster(const struct tok *t, char flag)
{
	size_t i;

	if (t->n < 2 || t->s[0] != '-' || t->s[1] == '-')
		return 0;
	for (i = 1; i < t->n; i++)
		if (!((t->s[i] >= 'a' && t->s[i] <= 'z') ||
		    (t->s[i] >= 'A' && t->s[i] <= 'Z')))
			return 0;
	return memchr(t->s + 1, flag, t->n - 1) != NULL;
}

/* Does line look like a command running a traceroute tool?  Note its flags. */
static void
note_command(struct parser *p, const struct tok *t, size_t nt)
{
	struct hints h;
	size_t i, k;
	uint32_t a;

	memset(&h, 0, sizeof(h));
	for (i = 0; i < nt && i < 8; i++) {
		const char *gt = memchr(t[i].s, '>', t[i].n);

		h.tool = tool_of(t[i].s, t[i].n);
		if (h.tool != TOOL_NONE && (i == 0 || prompt_before(&t[i - 1]) ||
		    (gt != NULL && gt != t[i].s + t[i].n - 1)))
			break;
		h.tool = TOOL_NONE;
	}
	if (h.tool == TOOL_NONE)
		return;
	for (k = i + 1; k < nt; k++) {
		const struct tok *a1 = k + 1 < nt ? &t[k + 1] : NULL;
		enum method m = M_UNKNOWN;

		if (h.tool == TOOL_TRACEROUTE) {
			if (tok_eq(&t[k], "--icmp") || flag_cluster(&t[k], 'I'))
				m = M_ICMP;
			else if (tok_eq(&t[k], "--tcp") ||
			    flag_cluster(&t[k], 'T'))
				m = M_TCP_SYN;
			else if (tok_eq(&t[k], "--udp") ||
			    flag_cluster(&t[k], 'U'))
				m = M_UDP;
			else if ((tok_eq(&t[k], "-M") || tok_eq(&t[k], "-P")) &&
			    a1 != NULL)
				m = method_word(a1->s, a1->n);
			else if (t[k].n > 9 && memcmp(t[k].s, "--module=", 9) == 0)
				m = method_word(t[k].s + 9, t[k].n - 9);
			else if (t[k].n > 2 && (memcmp(t[k].s, "-M", 2) == 0 ||
			    memcmp(t[k].s, "-P", 2) == 0))
				m = method_word(t[k].s + 2, t[k].n - 2);
		} else if (h.tool == TOOL_MTR) {
			if (tok_eq(&t[k], "--udp") || flag_cluster(&t[k], 'u'))
				m = M_UDP;
			else if (tok_eq(&t[k], "--tcp") ||
			    flag_cluster(&t[k], 'T'))
				m = M_TCP_SYN;
		}
		if (m != M_UNKNOWN)
			h.method = m;
		if ((tok_eq(&t[k], "-s") || tok_eq(&t[k], "-a") ||
		    tok_eq(&t[k], "--address") || tok_eq(&t[k], "--source")) &&
		    a1 != NULL) {
			if (parse_ip4(a1->s, a1->n, &a) == 0)
				h.src = a;
			k++;
			continue;
		}
		if (parse_ip4(t[k].s, t[k].n, &a) == 0)
			h.target = a;
	}
	h.have_start = p->h.have_start;
	h.start_ns = p->h.start_ns;
	p->h = h;
}

/* mtr's "Start: 2026-11-27T09:03:30+0000" (older mtr: ctime, no zone: ignored). */
static void
note_start(struct parser *p, const char *s)
{
	int y, mo, d, hh, mi, ss, zh, zm, n = 0;
	char sign;
	struct tm tm;
	time_t t;

	if (sscanf(s, "Start: %4d-%2d-%2dT%2d:%2d:%2d%c%2d%2d%n", &y, &mo, &d,
	    &hh, &mi, &ss, &sign, &zh, &zm, &n) != 9 || n == 0)
		return;
	/* years whose nanoseconds fit an int64_t, with room for the probes */
	if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    hh > 23 || mi > 59 || ss > 60 || (sign != '+' && sign != '-') ||
	    zh > 23 || zm > 59 || hh < 0 || mi < 0 || ss < 0 || zh < 0 || zm < 0)
		return;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	if ((t = timegm(&tm)) == (time_t)-1)
		return;
	t -= (sign == '+' ? 1 : -1) * (zh * 3600 + zm * 60);
	if (t < 0)
		return;
	p->h.have_start = 1;
	p->h.start_ns = (int64_t)t * 1000000000;
}

/* tcptraceroute: "Selected device eth0, address 100.64.0.2, port 32905 for ..." */
static void
note_selected(struct parser *p, const struct tok *t, size_t nt)
{
	unsigned long v;
	uint32_t a;
	size_t k;

	for (k = 0; k + 1 < nt; k++) {
		size_t n = t[k + 1].n;

		if (n > 0 && t[k + 1].s[n - 1] == ',')
			n--;
		if (tok_eq(&t[k], "address") &&
		    parse_ip4(t[k + 1].s, n, &a) == 0)
			p->h.src = a;
		if (tok_eq(&t[k], "port") &&
		    parse_uint(t[k + 1].s, n, 65535, &v) == 0)
			p->h.sport = (uint16_t)v;
	}
	p->h.tool = TOOL_TCPTRACEROUTE;
}

/* ---- starting and finishing traces ---- */

static int finish(struct parser *p);

static int
begin(struct parser *p, enum ti_format f, enum tool tool)
{
	struct cur *c;

	if (finish(p) != 0)
		return -1;
	if (p->ti->ntraces + 1 > TI_MAX_TRACES)
		return perr(p, "more than %d traces in the file", TI_MAX_TRACES);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return perr(p, "out of memory");
	c->m.format = f;
	c->m.line = p->lineno;
	c->m.method_source = TI_METHOD_DEFAULT;
	switch (tool) {
	case TOOL_TCPTRACEROUTE:
		c->method = M_TCP_SYN;
		c->m.method_source = TI_METHOD_TOOL;
		break;
	case TOOL_TRACERT:
		c->method = M_ICMP;
		c->m.method_source = TI_METHOD_TOOL;
		break;
	case TOOL_MTR:
		c->method = M_ICMP;
		break;
	default:
		c->method = M_UDP;
		break;
	}
	c->src = p->src;
	if (p->h.tool == tool) {
		if (p->h.method != M_UNKNOWN &&
		    c->m.method_source == TI_METHOD_DEFAULT) {
			c->method = p->h.method;
			c->m.method_source = TI_METHOD_COMMAND;
		}
		if (p->h.src != 0)
			c->src = p->h.src;
		c->sport = p->h.sport;
		c->dst = p->h.target;	/* the header may say better */
	}
	if (tool == TOOL_MTR && p->h.have_start)
		c->base_ns = p->h.start_ns;
	c->next_placeholder = 1;
	memset(&p->h, 0, sizeof(p->h));
	p->cur = c;
	return set_target(p, c, "", 0);
}

struct name_pos {
	struct ti_name	 nm;
	size_t		 pos;	/* order printed */
};

static int
cmp_name(const void *a, const void *b)
{
	const struct name_pos *x = a, *y = b;

	if (x->nm.addr != y->nm.addr)
		return x->nm.addr < y->nm.addr ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sort names by address and keep the first name printed for each. */
static int
names_sort(struct parser *p, struct ti_meta *m)
{
	struct name_pos *v;
	size_t i, k = 0;

	if (m->nnames < 2)
		return 0;
	if ((v = malloc(m->nnames * sizeof(*v))) == NULL)
		return perr(p, "out of memory");
	for (i = 0; i < m->nnames; i++) {
		v[i].nm = m->names[i];
		v[i].pos = i;
	}
	qsort(v, m->nnames, sizeof(*v), cmp_name);
	for (i = 0; i < m->nnames; i++) {
		if (k > 0 && m->names[k - 1].addr == v[i].nm.addr) {
			free(v[i].nm.name);
			continue;
		}
		m->names[k++] = v[i].nm;
	}
	m->nnames = k;
	free(v);
	return 0;
}

static int mtr_flush(struct parser *p, struct cur *c);

/* The destination's own answer, by method. */
static void
dest_kind(struct probe *pr, enum method m)
{
	switch (m) {
	case M_UDP:
	case M_UDP_PARIS:
		pr->rkind = RK_UNREACH;
		pr->rtype = 3;
		pr->rcode = 3;
		break;
	case M_ICMP:
	case M_ICMP_PARIS:
		pr->rkind = RK_ECHO_REPLY;
		pr->rtype = 0;
		pr->rcode = 0;
		break;
	default:
		pr->rkind = RK_TCP_OTHER;
		pr->rtype = 0;
		pr->rcode = 0;
		break;
	}
}

/* mtr: the last row names the destination unless it was seen before. */
static void
mtr_infer_dst(struct cur *c)
{
	uint32_t last = 0;
	size_t i;

	for (i = c->n; i-- > 0;)
		if (c->p[i].ttl != c->last_ttl)
			break;
		else if (c->p[i].rkind != RK_NONE)
			last = c->p[i].raddr;
	if (last == 0)
		return;
	for (i = 0; i < c->n; i++)
		if (c->p[i].ttl != c->last_ttl && c->p[i].rkind != RK_NONE &&
		    c->p[i].raddr == last)
			return;
	c->dst = last;
	c->m.dst_inferred = 1;
}

static int
finish(struct parser *p)
{
	struct cur *c = p->cur;
	struct trace *t;
	size_t i;
	int64_t eof;
	void *v;

	if (c == NULL)
		return 0;
	p->cur = NULL;
	if (c->m.format == TI_FMT_MTR && mtr_flush(p, c) != 0)
		goto fail;
	if (c->n == 0) {	/* a header without hops */
		p->empty++;
		cur_free(c);
		return 0;
	}
	if (c->m.format == TI_FMT_MTR && c->dst == 0)
		mtr_infer_dst(c);
	if (c->dst == 0)
		c->dst = p->target;	/* the caller names it (analyze --target) */
	if (p->ti->ntraces == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;

		if ((v = realloc(p->ti->traces, ncap * sizeof(*p->ti->traces)))
		    == NULL)
			goto oom;
		p->ti->traces = v;
		if ((v = realloc(p->ti->meta, ncap * sizeof(*p->ti->meta))) ==
		    NULL)
			goto oom;
		p->ti->meta = v;
		p->cap = ncap;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto oom;
	for (i = 0; i < c->n; i++) {
		struct probe *pr = &c->p[i];

		if (pr->rkind == RK_TIME_EXCEEDED && c->dst != 0 &&
		    pr->raddr == c->dst)
			dest_kind(pr, c->method);
		if (pr->rkind != RK_NONE)
			t->replies++;
	}
	if (c->n < c->cap && (v = realloc(c->p, c->n * sizeof(*c->p))) !=
	    NULL)
		c->p = v;	/* many small traces: keep only what is used */
	t->probes = c->p;
	t->nprobes = c->n;
	c->p = NULL;
	t->src = c->src;
	t->dst = c->dst;
	t->method = c->method;
	t->proto = method_proto(c->method);
	if (c->method == M_TCP_SYN && c->sport != 0 && c->dport != 0) {
		t->has_flow = 1;
		t->flow_sport = c->sport;
		t->flow_dport = c->dport;
	}
	t->file = p->ti->file;
	t->first_ns = t->probes[0].tx_ns;
	t->last_ns = t->probes[t->nprobes - 1].tx_ns;
	if (trace_build_hops(t, p->err, p->errlen) != 0) {
		trace_free(t);
		goto fail;
	}
	trace_trim_past_destination(t);
	/*
	 * Did the tool stop by itself (hop limit reached; mtr, which shows one
	 * silent row past the last answer and hides the rest), or does the
	 * text end first (a cut paste: "capture ended")?
	 */
	if ((c->m.max_hops != 0 && c->last_ttl >= c->m.max_hops) ||
	    c->m.format == TI_FMT_MTR)
		eof = t->last_ns + EOF_FAR_NS;
	else
		eof = t->last_ns;
	t->eof_ns = eof;
	t->stop = trace_stop_reason(t, p->gap_limit, 0);
	if (c->m.format == TI_FMT_MTR && t->stop == STOP_HOP_LIMIT &&
	    c->row_silent)
		t->stop = STOP_GAP_LIMIT;
	if (names_sort(p, &c->m) != 0) {
		trace_free(t);
		goto fail;
	}
	p->ti->traces[p->ti->ntraces] = t;
	p->ti->meta[p->ti->ntraces] = c->m;
	p->ti->ntraces++;
	free(c->ph);
	free(c);
	return 0;
oom:
	perr(p, "out of memory");
fail:
	cur_free(c);
	return -1;
}

/* ---- headers ---- */

/* "(a.b.c.d)" or "[a.b.c.d]" with trailing punctuation; the inside. */
static int
bracketed(const struct tok *t, char open, char close, const char **s,
    size_t *n)
{
	size_t k = t->n;

	if (k < 2 || t->s[0] != open)
		return 0;
	while (k > 1 && (t->s[k - 1] == ',' || t->s[k - 1] == ':'))
		k--;
	if (t->s[k - 1] != close)
		return 0;
	*s = t->s + 1;
	*n = k - 2;
	return 1;
}

/* An address inside brackets, or a message saying why not. */
static int
bracket_addr(struct parser *p, const char *s, size_t n, uint32_t *a)
{
	char b[TSHOW];

	if (parse_ip4(s, n, a) == 0)
		return 0;
	if (looks_ip6(s, n))
		return perr(p, "IPv6 address '%s': only IPv4 traces can be "
		    "imported", tshow(s, n, b));
	return perr(p, "'%s' is not an IPv4 address", tshow(s, n, b));
}

/* The number before a word ("30 hops max", "8 hops max"); -1 if absent. */
static int
number_before(struct parser *p, const struct tok *t, size_t nt,
    const char *word, unsigned long max, unsigned long *v)
{
	size_t k;
	char b[TSHOW];

	for (k = 1; k < nt; k++) {
		if (!tok_eq(&t[k], word))
			continue;
		if (parse_uint(t[k - 1].s, t[k - 1].n, max, v) != 0 || *v == 0)
			return perr(p, "'%s %s' is out of range 1..%lu",
			    tshow(t[k - 1].s, t[k - 1].n, b), word, max);
		return 1;
	}
	return 0;
}

/* "traceroute to X (a.b.c.d), N hops max, M byte packets" */
static int
hdr_unix(struct parser *p, const struct tok *t, size_t nt)
{
	struct cur *c;
	const char *s;
	size_t n;
	unsigned long hops = 0, bytes = 0;
	int rc;

	if (tok_eq(&t[0], "traceroute6"))
		return perr(p, "IPv6 traceroute: only IPv4 traces can be "
		    "imported");
	if (begin(p, TI_FMT_LINUX, TOOL_TRACEROUTE) != 0)
		return -1;
	c = p->cur;
	if (nt < 3)
		return perr(p, "traceroute header without a destination");
	n = t[2].n;
	if (n > 0 && t[2].s[n - 1] == ',')	/* "traceroute to a.b.c.d, ..." */
		n--;
	if (set_target(p, c, t[2].s, n) != 0)
		return -1;
	if (nt > 3 && bracketed(&t[3], '(', ')', &s, &n)) {
		if (bracket_addr(p, s, n, &c->dst) != 0)
			return -1;
	} else if (bracket_addr(p, t[2].s, n, &c->dst) != 0)
		return -1;
	if ((rc = number_before(p, t, nt, "hops", 255, &hops)) < 0)
		return -1;
	c->m.max_hops = (unsigned)hops;
	if ((rc = number_before(p, t, nt, "byte", 65535, &bytes)) < 0)
		return -1;
	/* LBL-derived traceroutes (BSD, macOS): 64 hops, 40 or 52 bytes */
	if (hops == 64 || bytes == 40 || bytes == 52)
		c->m.format = TI_FMT_BSD;
	return 0;
}

/* "Tracing the path to X [(a.b.c.d)] on TCP port N [(svc)], M hops max" */
static int
hdr_tcptraceroute(struct parser *p, const struct tok *t, size_t nt)
{
	struct cur *c;
	const char *s;
	size_t n, k;
	unsigned long v = 0;
	char b[TSHOW];

	if (begin(p, TI_FMT_TCPTRACEROUTE, TOOL_TCPTRACEROUTE) != 0)
		return -1;
	c = p->cur;
	if (nt < 5)
		return perr(p, "tcptraceroute header without a destination");
	if (set_target(p, c, t[4].s, t[4].n) != 0)
		return -1;
	if (nt > 5 && bracketed(&t[5], '(', ')', &s, &n)) {
		if (bracket_addr(p, s, n, &c->dst) != 0)
			return -1;
	} else if (bracket_addr(p, t[4].s, t[4].n, &c->dst) != 0)
		return -1;
	for (k = 5; k + 1 < nt; k++) {
		if (!tok_eq(&t[k], "port"))
			continue;
		n = t[k + 1].n;
		if (n > 0 && t[k + 1].s[n - 1] == ',')
			n--;
		if (parse_uint(t[k + 1].s, n, 65535, &v) != 0 || v == 0)
			return perr(p, "port '%s' is out of range 1..65535",
			    tshow(t[k + 1].s, t[k + 1].n, b));
		c->dport = (uint16_t)v;
		break;
	}
	if (number_before(p, t, nt, "hops", 255, &v) < 0)
		return -1;
	c->m.max_hops = (unsigned)v;
	return 0;
}

static enum mtr_col
mtr_col_of(const struct tok *t, int *known)
{
	static const struct {
		const char	*title;
		enum mtr_col	 col;
	} cols[] = {
		{ "Loss%", MC_LOSS }, { "Drop", MC_DROP }, { "Rcv", MC_RCV },
		{ "Snt", MC_SNT }, { "Last", MC_LAST }, { "Avg", MC_AVG },
		{ "Best", MC_BEST }, { "Wrst", MC_WRST }, { "StDev", MC_OTHER },
		{ "Gmean", MC_OTHER }, { "Jttr", MC_OTHER },
		{ "Javg", MC_OTHER }, { "Jmax", MC_OTHER },
		{ "Jint", MC_OTHER },
	};
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (tok_eq(t, cols[i].title)) {
			*known = 1;
			return cols[i].col;
		}
	*known = 0;
	return MC_OTHER;
}

/* "HOST: name  Loss%  Snt  Last  Avg  Best  Wrst StDev": 0 if not one. */
static int
hdr_mtr(struct parser *p, const struct tok *t, size_t nt, int *is)
{
	struct cur *c;
	size_t i, k;
	int known, snt = 0, drop = 0, rcv = 0;

	*is = 0;
	for (i = 1; i < nt; i++) {
		for (k = i; k < nt; k++) {
			mtr_col_of(&t[k], &known);
			if (!known)
				break;
		}
		if (k == nt)
			break;
	}
	if (i >= nt)
		return 0;
	*is = 1;
	if (nt - i > MTR_MAX_COLS)
		return perr(p, "more than %d mtr columns", MTR_MAX_COLS);
	if (begin(p, TI_FMT_MTR, TOOL_MTR) != 0)
		return -1;
	c = p->cur;
	for (k = i; k < nt; k++) {
		c->cols[c->ncols] = mtr_col_of(&t[k], &known);
		snt |= c->cols[c->ncols] == MC_SNT;
		drop |= c->cols[c->ncols] == MC_DROP;
		rcv |= c->cols[c->ncols] == MC_RCV;
		c->ncols++;
	}
	if (!snt && !(drop && rcv))
		return perr(p, "mtr report without a Snt column (or Drop and "
		    "Rcv): probe counts unknown");
	if (c->dst != 0) {
		char b[LH_IP4_STRLEN];

		lh_ip4_str(c->dst, b, sizeof(b));
		return set_target(p, c, b, strlen(b));
	}
	return 0;
}

/* "over a maximum of N hops" (tracert) */
static int
tracert_max(struct parser *p, struct cur *c, const struct tok *t, size_t nt)
{
	size_t k;
	unsigned long v;
	char b[TSHOW];

	for (k = 0; k + 2 < nt; k++) {
		if (!tok_eq(&t[k], "maximum") || !tok_eq(&t[k + 1], "of"))
			continue;
		if (parse_uint(t[k + 2].s, t[k + 2].n, 255, &v) != 0 || v == 0)
			return perr(p, "'%s' hops is out of range 1..255",
			    tshow(t[k + 2].s, t[k + 2].n, b));
		c->m.max_hops = (unsigned)v;
		return 1;
	}
	return 0;
}

/* "Tracing route to X [a.b.c.d]" or "Tracing route to a.b.c.d over a maximum of N hops" */
static int
hdr_tracert(struct parser *p, const struct tok *t, size_t nt)
{
	struct cur *c;
	const char *s;
	size_t n;

	if (begin(p, TI_FMT_TRACERT, TOOL_TRACERT) != 0)
		return -1;
	c = p->cur;
	if (nt < 4)
		return perr(p, "tracert header without a destination");
	if (set_target(p, c, t[3].s, t[3].n) != 0)
		return -1;
	if (nt > 4 && bracketed(&t[4], '[', ']', &s, &n)) {
		if (bracket_addr(p, s, n, &c->dst) != 0)
			return -1;
	} else if (bracket_addr(p, t[3].s, t[3].n, &c->dst) != 0)
		return -1;
	return tracert_max(p, c, t, nt) < 0 ? -1 : 0;
}

/* ---- Linux, BSD and tcptraceroute hop lines ---- */

/* traceroute's marks for ICMP unreachable codes (Linux and BSD spellings). */
static int
mark_code(const char *s, size_t n, struct probe *pr)
{
	static const char letters[] = "NHP?FSUWIAZQTXVC";	/* index = code */
	unsigned long ty, co;
	const char *dash;

	if (n == 1)
		return 0;	/* BSD " !": reply TTL <= 1 */
	if (n == 2 && s[1] != '?' && memchr(letters, s[1], 16) != NULL) {
		pr->rkind = RK_UNREACH;
		pr->rtype = 3;
		pr->rcode = (uint8_t)((const char *)memchr(letters, s[1], 16) -
		    letters);
		return 0;
	}
	if (n > 2 && s[1] == 'F' && s[2] == '-') {	/* !F-1500: frag needed */
		if (parse_uint(s + 3, n - 3, 65535, &co) != 0)
			return -1;
		pr->rkind = RK_UNREACH;
		pr->rtype = 3;
		pr->rcode = 4;
		return 0;
	}
	if (n > 3 && s[1] == '<' && s[n - 1] == '>') {	/* !<13>, !<12-0> */
		s += 2;
		n -= 3;
		dash = memchr(s, '-', n);
		if (dash == NULL) {
			if (parse_uint(s, n, 255, &co) != 0)
				return -1;
			ty = 3;
		} else if (parse_uint(s, (size_t)(dash - s), 255, &ty) != 0 ||
		    parse_uint(dash + 1, n - (size_t)(dash - s) - 1, 255, &co)
		    != 0)
			return -1;
		pr->rtype = (uint8_t)ty;
		pr->rcode = (uint8_t)co;
		switch (ty) {
		case 3:	 pr->rkind = RK_UNREACH; break;
		case 4:	 pr->rkind = RK_SOURCE_QUENCH; break;
		case 11: pr->rkind = RK_TIME_EXCEEDED; break;
		case 12: pr->rkind = RK_PARAM_PROBLEM; break;
		default: return -1;
		}
		return 0;
	}
	return -1;
}

/* Linux -e: "MPLS:L=100,E=0,S=0,T=1/L=200,E=0,S=1,T=1"; other classes ignored. */
static int
linux_mpls(const char *s, size_t n, uint32_t *mpls, uint8_t *nmpls)
{
	size_t i = 5;

	*nmpls = 0;
	if (n < 5 || memcmp(s, "MPLS:", 5) != 0)
		return 0;
	while (i < n) {
		unsigned long l = 0, e = 0, sb = 0, ttl = 0, v;
		int have_l = 0;

		for (;;) {	/* one entry: K=V pairs split by ',' */
			char key;
			size_t j;

			if (i + 2 > n || s[i + 1] != '=')
				return -1;
			key = s[i];
			i += 2;
			for (j = i; j < n && s[j] != ',' && s[j] != '/'; j++)
				;
			if (parse_uint(s + i, j - i, 0xfffff, &v) != 0)
				return -1;
			switch (key) {
			case 'L': l = v; have_l = 1; break;
			case 'E': if (v > 7) return -1; e = v; break;
			case 'S': if (v > 1) return -1; sb = v; break;
			case 'T': if (v > 255) return -1; ttl = v; break;
			default: return -1;
			}
			i = j;
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (!have_l)
			return -1;
		if (*nmpls < PROBE_MAX_MPLS)
			mpls[(*nmpls)++] = (uint32_t)(l << 12 | e << 9 |
			    sb << 8 | ttl);
		if (i < n && s[i] == '/')
			i++;
		else if (i < n)
			return -1;
	}
	return 0;
}

/* An RTT at t[i] ("0.512 ms" or "0.512ms"): tokens used, 0 if not one. */
static int
rtt_at(struct parser *p, const struct tok *t, size_t nt, size_t i,
    int64_t *ns)
{
	char b[TSHOW];
	size_t n = t[i].n;
	int used = 0, rc;

	if (i + 1 < nt && tok_eq(&t[i + 1], "ms"))
		used = 2;
	else if (n > 2 && memcmp(t[i].s + n - 2, "ms", 2) == 0) {
		n -= 2;
		used = 1;
	} else
		return 0;
	rc = parse_ms(t[i].s, n, ns);
	if (rc < 0)
		return used == 2 ? perr(p, "round-trip time '%s' is not a "
		    "number", tshow(t[i].s, t[i].n, b)) : 0;
	if (rc > 0)
		return perr(p, "round-trip time %s ms is out of range "
		    "0..%d ms", tshow(t[i].s, n, b), TI_RTT_MAX_MS);
	return used;
}

/* The token closing a group opened at t[i] ('<' ... '>', '[' ... ']'). */
static size_t
group_end(const struct tok *t, size_t nt, size_t i, char close)
{
	for (; i < nt; i++)
		if (t[i].s[t[i].n - 1] == close)
			return i;
	return nt;
}

/*
 * The probes of a hop line from t[i0]: "name (a.b.c.d) <MPLS:...>  0.512 ms
 * !X  name2 (e.f.g.h)  1.2 ms  *".
 */
static int
unix_items(struct parser *p, struct cur *c, const struct tok *t, size_t nt,
    size_t i0, unsigned ttl)
{
	struct probe *pr;
	uint32_t addr = 0, mpls[PROBE_MAX_MPLS];
	uint8_t nmpls = 0, tcpkind = RK_NONE;
	size_t i, j;
	int have_addr = 0, addr_used = 0, last_answered = 0, used;
	int64_t ns;
	char b[TSHOW];
	const char *s;
	size_t n;

	for (i = i0; i < nt; i++) {
		if (tok_eq(&t[i], "*")) {
			if (add_probe(p, c, ttl) == NULL)
				return -1;
			last_answered = 0;
			continue;
		}
		if (t[i].s[0] == '!') {
			if (!last_answered)
				return perr(p, "mark '%s' without a reply "
				    "before it", tshow(t[i].s, t[i].n, b));
			if (mark_code(t[i].s, t[i].n, &c->p[c->n - 1]) != 0)
				return perr(p, "unknown mark '%s'",
				    tshow(t[i].s, t[i].n, b));
			last_answered = 0;	/* one mark per reply */
			continue;
		}
		if (t[i].s[0] == '<' || t[i].s[0] == '[') {
			char close = t[i].s[0] == '<' ? '>' : ']';

			if ((j = group_end(t, nt, i, close)) == nt)
				return perr(p, "'%s' is not closed by '%c'",
				    tshow(t[i].s, t[i].n, b), close);
			s = t[i].s + 1;
			n = (size_t)(t[j].s + t[j].n - s) - 1;
			if (!have_addr)
				return perr(p, "'%s' before any address",
				    tshow(t[i].s, t[i].n, b));
			if (close == '>' && linux_mpls(s, n, mpls, &nmpls) != 0)
				return perr(p, "malformed MPLS extension '%s'",
				    tshow(t[i].s, t[i].n, b));
			if (close == ']' && n == 4 && memcmp(s, "open", 4) == 0)
				tcpkind = RK_TCP_SYNACK;
			if (close == ']' && n == 6 && memcmp(s, "closed", 6) == 0)
				tcpkind = RK_TCP_RST;
			i = j;
			continue;
		}
		if (t[i].s[0] == '\'' ||	/* Linux --back: '-3' */
		    (t[i].n > 2 && memcmp(t[i].s, "F=", 2) == 0))	/* MTU */
			continue;
		if (i + 1 < nt && t[i + 1].s[0] == '(')
			used = 0;	/* "name (a.b.c.d)", whatever the name */
		else if ((used = rtt_at(p, t, nt, i, &ns)) < 0)
			return -1;
		if (used > 0) {
			if (!have_addr)
				return perr(p, "round-trip time before any "
				    "address");
			if ((pr = add_probe(p, c, ttl)) == NULL)
				return -1;
			set_reply(pr, addr, ns, mpls, nmpls);
			if (tcpkind != RK_NONE) {
				pr->rkind = tcpkind;
				pr->rtype = 0;
				pr->rtcpflags = tcpkind == RK_TCP_SYNACK ?
				    0x12 : 0x14;
			}
			addr_used = last_answered = 1;
			i += (size_t)used - 1;
			continue;
		}
		if (parse_ms(t[i].s, t[i].n, &ns) >= 0 &&
		    (i + 1 >= nt || t[i + 1].s[0] != '('))
			return perr(p, "round-trip time '%s' without 'ms'",
			    tshow(t[i].s, t[i].n, b));
		/* an address: "a.b.c.d", "name (a.b.c.d)", "(a.b.c.d)" */
		if (have_addr && !addr_used)
			return perr(p, "address without a round-trip time "
			    "before '%s'", tshow(t[i].s, t[i].n, b));
		if (i + 1 < nt && t[i + 1].s[0] == '(') {
			if (!bracketed(&t[i + 1], '(', ')', &s, &n))
				return perr(p, "'%s' is not an address in "
				    "parentheses", tshow(t[i + 1].s,
				    t[i + 1].n, b));
			if (bracket_addr(p, s, n, &addr) != 0 ||
			    note_name(p, c, addr, &t[i]) != 0)
				return -1;
			i++;
		} else if (bracketed(&t[i], '(', ')', &s, &n)) {
			if (bracket_addr(p, s, n, &addr) != 0)
				return -1;
		} else if (parse_ip4(t[i].s, t[i].n, &addr) != 0) {
			if (looks_ip6(t[i].s, t[i].n))
				return bracket_addr(p, t[i].s, t[i].n, &addr);
			return perr(p, "'%s' is not an IPv4 address, a "
			    "round-trip time or '*'", tshow(t[i].s, t[i].n, b));
		}
		have_addr = 1;
		addr_used = 0;
		nmpls = 0;
		tcpkind = RK_NONE;
	}
	if (have_addr && !addr_used)
		return perr(p, "address without a round-trip time");
	return 0;
}

/* " 3  name (a.b.c.d)  0.512 ms ..." */
static int
unix_hop(struct parser *p, struct cur *c, const struct tok *t, size_t nt)
{
	unsigned ttl;

	if (begin_hop(p, c, &t[0], &ttl) != 0 ||
	    unix_items(p, c, t, nt, 1, ttl) != 0)
		return -1;
	if (c->n == c->hop_first)
		return perr(p, "hop %u has no probes", ttl);
	end_hop(c, ttl);
	return 0;
}

/*
 * BSD traceroute puts a further responder of a hop on a line of its own:
 * "    name (a.b.c.d)  30.918 ms" (indented, no TTL).
 */
static int
unix_more_shaped(const char *line, const struct tok *t, size_t nt)
{
	uint32_t a;
	unsigned long v;

	/* indented, and not starting with a TTL */
	if (!is_ws((unsigned char)line[0]) ||
	    parse_uint(t[0].s, t[0].n, 255, &v) >= 0)
		return 0;
	return parse_ip4(t[0].s, t[0].n, &a) == 0 ||
	    (nt >= 2 && t[1].s[0] == '(');
}

static int
unix_more(struct parser *p, struct cur *c, const struct tok *t, size_t nt)
{
	size_t before = c->n;

	if (unix_items(p, c, t, nt, 0, c->last_ttl) != 0)
		return -1;
	if (c->n == before)
		return perr(p, "continuation of hop %u without probes",
		    c->last_ttl);
	return 0;
}

/* ---- mtr ---- */

/* "3.|--" or "3." (then "|--" may follow as its own token). */
static int
mtr_row_shaped(const struct tok *t)
{
	size_t i = 0;

	while (i < t->n && is_digit((unsigned char)t->s[i]))
		i++;
	if (i == 0 || i == t->n || t->s[i] != '.')
		return 0;
	i++;
	return i == t->n || (t->n - i == 3 && memcmp(t->s + i, "|--", 3) == 0);
}

/* ipinfo column of mtr -z: "AS???", "AS13335" */
static int
is_as_token(const struct tok *t)
{
	size_t i;

	if (t->n < 3 || t->s[0] != 'A' || t->s[1] != 'S')
		return 0;
	for (i = 2; i < t->n; i++)
		if (!is_digit((unsigned char)t->s[i]) && t->s[i] != '?')
			return 0;
	return 1;
}

/* Synthesise the probes of the pending row (textimport.h says how). */
static int
mtr_flush(struct parser *p, struct cur *c)
{
	unsigned long n = c->row_snt, ans = c->row_ans, k, prim, r;
	unsigned long nr = c->row_nr;
	struct probe *pr;
	size_t i;

	if (!c->row_open)
		return 0;
	c->row_open = 0;
	c->hop_first = c->n;
	for (i = 0; i < c->row_nr; i++) {	/* mtr's garbled S bits */
		struct mtr_resp *rp = &c->row_r[i];

		if (rp->s_unknown && rp->nmpls > 0)
			rp->mpls[rp->nmpls - 1] |= 1u << 8;
	}
	if (n > TI_MTR_MAX_PROBES) {
		unsigned long a = (unsigned long)(((uint64_t)ans *
		    TI_MTR_MAX_PROBES + n / 2) / n);

		ans = a == 0 && ans > 0 ? 1 : a;
		n = TI_MTR_MAX_PROBES;
	}
	if (nr == 0)
		ans = 0;
	else if (ans < nr)
		ans = nr < n ? nr : n;
	prim = nr > 0 && ans >= nr ? ans - (nr - 1) : 1;
	for (k = 0; k < n; k++) {
		if ((pr = add_probe(p, c, c->row_ttl)) == NULL)
			return -1;
		if (k >= ans)
			continue;
		r = k < prim ? 0 : k - prim + 1;
		set_reply(pr, c->row_r[r].addr, c->row_rtt, c->row_r[r].mpls,
		    c->row_r[r].nmpls);
	}
	return 0;
}

/* One host of an mtr row or "|-- " line: "???", "a.b.c.d", "name (a.b.c.d)", "name". */
static int
mtr_host(struct parser *p, struct cur *c, const struct tok *h, size_t nh,
    uint32_t *addr, int *silent)
{
	const char *s;
	size_t n;
	char b[TSHOW];

	*silent = 0;
	if (nh == 1 && tok_eq(&h[0], "???")) {
		*silent = 1;
		return 0;
	}
	if (nh == 1) {
		if (parse_ip4(h[0].s, h[0].n, addr) == 0)
			return 0;
		if (looks_ip6(h[0].s, h[0].n))
			return bracket_addr(p, h[0].s, h[0].n, addr);
		return placeholder(p, c, h[0].s, h[0].n, addr);
	}
	if (nh == 2 && h[1].s[0] == '(') {
		if (!bracketed(&h[1], '(', ')', &s, &n))	/* cut by mtr */
			return placeholder(p, c, h[0].s, h[0].n, addr);
		if (bracket_addr(p, s, n, addr) != 0)
			return -1;
		return note_name(p, c, *addr, &h[0]);
	}
	return perr(p, "'%s' is not an mtr host", tshow(h[0].s,
	    (size_t)(h[nh - 1].s + h[nh - 1].n - h[0].s), b));
}

/* "  3.|-- host   0.0%   3   0.1   0.1   0.1   0.1   0.0" */
static int
mtr_row(struct parser *p, struct cur *c, const struct tok *t, size_t nt)
{
	struct tok tt;
	size_t i = 1, k, nh;
	unsigned long v, snt = 0, drop = 0, rcv = 0;
	uint64_t loss10 = 0;	/* tenths of a percent */
	int64_t lv;
	int have_loss = 0, have_snt = 0, have_drop = 0, have_rcv = 0, rc;
	int64_t rtt[MC_WRST + 1];
	int have_rtt[MC_WRST + 1];
	char b[TSHOW];
	unsigned ttl;
	uint32_t addr;
	int silent;

	if (mtr_flush(p, c) != 0)
		return -1;
	tt = t[0];
	tt.n = (size_t)((const char *)memchr(tt.s, '.', tt.n) - tt.s);
	if (begin_hop(p, c, &tt, &ttl) != 0)
		return -1;
	if (i < nt && tok_eq(&t[i], "|--"))
		i++;
	if (nt < i + c->ncols + 1)
		return perr(p, "mtr row with fewer than %zu columns after the "
		    "host", c->ncols);
	nh = nt - i - c->ncols;
	if (nh >= 2 && is_as_token(&t[i])) {
		i++;
		nh--;
	}
	if (nh > 2)
		return perr(p, "'%s' is not an mtr host", tshow(t[i].s,
		    t[i].n, b));
	if (mtr_host(p, c, &t[i], nh, &addr, &silent) != 0)
		return -1;
	memset(have_rtt, 0, sizeof(have_rtt));
	for (k = 0; k < c->ncols; k++) {
		const struct tok *f = &t[nt - c->ncols + k];
		size_t n = f->n;

		switch (c->cols[k]) {
		case MC_LOSS:
			if (n > 0 && f->s[n - 1] == '%')
				n--;
			if (parse_ms(f->s, n, &lv) != 0 || lv > 100 * 1000000LL)
				return perr(p, "loss '%s' is not a percentage "
				    "0..100", tshow(f->s, f->n, b));
			loss10 = (uint64_t)lv / 100000;
			have_loss = 1;
			break;
		case MC_SNT:
		case MC_DROP:
		case MC_RCV:
			if ((rc = parse_uint(f->s, n, TI_MTR_MAX_SNT, &v)) != 0)
				return perr(p, "count '%s' is %s", tshow(f->s,
				    n, b), rc < 0 ? "not a number" :
				    "out of range 0..10000000");
			if (c->cols[k] == MC_SNT) {
				snt = v;
				have_snt = 1;
			} else if (c->cols[k] == MC_DROP) {
				drop = v;
				have_drop = 1;
			} else {
				rcv = v;
				have_rcv = 1;
			}
			break;
		case MC_LAST:
		case MC_AVG:
		case MC_BEST:
		case MC_WRST:
			if ((rc = parse_ms(f->s, n, &rtt[c->cols[k]])) != 0)
				return perr(p, "round-trip time '%s' is %s",
				    tshow(f->s, n, b), rc < 0 ? "not a number" :
				    "out of range 0..3600000 ms");
			have_rtt[c->cols[k]] = 1;
			break;
		default:
			break;
		}
	}
	if (!have_snt)
		snt = drop + rcv;
	if (have_rcv)
		v = rcv;
	else if (have_drop)
		v = drop > snt ? 0 : snt - drop;
	else if (have_loss)
		v = (unsigned long)(((uint64_t)snt * (1000 - loss10) + 500) /
		    1000);
	else
		v = snt;
	c->row_open = 1;
	c->row_ttl = ttl;
	c->row_snt = snt;
	c->row_ans = v > snt ? snt : v;
	c->row_rtt = have_rtt[MC_AVG] ? rtt[MC_AVG] : have_rtt[MC_LAST] ?
	    rtt[MC_LAST] : have_rtt[MC_BEST] ? rtt[MC_BEST] :
	    have_rtt[MC_WRST] ? rtt[MC_WRST] : 0;
	c->row_silent = silent;
	c->row_nr = 0;
	if (!silent) {
		memset(&c->row_r[0], 0, sizeof(c->row_r[0]));
		c->row_r[0].addr = addr;
		c->row_nr = 1;
	}
	end_hop(c, ttl);
	return 0;
}

/* "[MPLS: Lbl 100 Exp 0 S 1 TTL 1]" (S may be garbled: mtr prints it with %c). */
static int
mtr_mpls(struct parser *p, struct cur *c, const struct tok *t, size_t nt)
{
	struct mtr_resp *rp;
	unsigned long l = 0, e = 0, s = 0, ttl = 0, v;
	int have_l = 0, s_unknown = 0;
	size_t k, n;
	char b[TSHOW];

	if (c->row_nr == 0)
		return perr(p, "MPLS labels for a silent hop");
	rp = &c->row_r[c->row_nr - 1];
	for (k = 1; k + 1 < nt; k += 2) {
		const struct tok *val = &t[k + 1];

		n = val->n;
		if (n > 0 && val->s[n - 1] == ']')
			n--;
		if (tok_eq(&t[k], "S") && parse_uint(val->s, n, 1, &v) != 0) {
			/* mtr's "S %cu": \1 is 1, a NUL (read as '?') is 0 */
			if (n == 2 && val->s[1] == 'u' && val->s[0] == 1)
				s = 1;
			else if (n == 2 && val->s[1] == 'u' && val->s[0] == '?')
				s = 0;
			else if (n == 1 && val->s[0] == 'u')
				s_unknown = 1;	/* the NUL was lost */
			else
				return perr(p, "malformed MPLS S bit '%s'",
				    tshow(val->s, val->n, b));
			continue;
		}
		if (parse_uint(val->s, n, 0xfffff, &v) != 0)
			return perr(p, "malformed MPLS label '%s'", tshow(
			    val->s, val->n, b));
		if (tok_eq(&t[k], "Lbl")) {
			l = v;
			have_l = 1;
		} else if (tok_eq(&t[k], "Exp") && v <= 7)
			e = v;
		else if (tok_eq(&t[k], "S") && v <= 1)
			s = v;
		else if (tok_eq(&t[k], "TTL") && v <= 255)
			ttl = v;
		else
			return perr(p, "malformed MPLS label '%s'", tshow(
			    t[k].s, (size_t)(val->s + val->n - t[k].s), b));
	}
	if (!have_l)
		return perr(p, "MPLS line without a label");
	if (rp->nmpls < PROBE_MAX_MPLS)
		rp->mpls[rp->nmpls++] = (uint32_t)(l << 12 | e << 9 | s << 8 |
		    ttl);
	rp->s_unknown |= (uint8_t)s_unknown;
	return 0;
}

/*
 * A line under an mtr row: another responder ("    |  `|-- a.b.c.d",
 * "        a.b.c.d", "        name (a.b.c.d)") or an MPLS label.
 * 1 if it was one, 0 if not.
 */
static int
mtr_cont(struct parser *p, struct cur *c, const char *line)
{
	const char *s = line;
	struct tok *t = p->toks;
	size_t nt, i = 0, k;
	uint32_t addr;
	int silent, piped = 0;

	if (!c->row_open)
		return 0;
	while (*s == ' ' || *s == '\t' || *s == '|' || *s == '`' ||
	    *s == '+' || *s == '-') {
		piped |= *s == '|' || *s == '`';
		s++;
	}
	nt = tokenize(s, t, TI_MAX_LINE / 2 + 1);
	if (nt == 0)
		return 0;
	if (tok_eq(&t[0], "[MPLS:"))
		return mtr_mpls(p, c, t, nt) == 0 ? 1 : -1;
	if (nt >= 2 && is_as_token(&t[0]))
		i = 1;
	if (nt - i == 1) {
		if (!piped && parse_ip4(t[i].s, t[i].n, &addr) != 0)
			return 0;
	} else if (nt - i != 2 || t[i + 1].s[0] != '(')
		return 0;
	if (mtr_host(p, c, &t[i], nt - i, &addr, &silent) != 0)
		return -1;
	if (silent)
		return 1;
	for (k = 0; k < c->row_nr; k++)
		if (c->row_r[k].addr == addr)
			return 1;
	if (c->row_nr == MTR_MAX_RESP)
		return perr(p, "more than %d responders at TTL %u",
		    MTR_MAX_RESP, c->row_ttl);
	memset(&c->row_r[c->row_nr], 0, sizeof(c->row_r[0]));
	c->row_r[c->row_nr++].addr = addr;
	return 1;
}

/* ---- Windows tracert ---- */

/*
 * What a tracert "reports: Destination net unreachable." says, as an
 * unreachable code; -1 if it is not one.
 */
static int
tracert_report(const char *s)
{
	if (strstr(s, "prohibited") != NULL)
		return 13;
	if (strstr(s, " unreachable") == NULL)
		return -1;
	if (strstr(s, " net ") != NULL || strstr(s, " network ") != NULL)
		return 0;
	if (strstr(s, " protocol ") != NULL)
		return 2;
	if (strstr(s, " port ") != NULL)
		return 3;
	return 1;	/* host, or an unknown kind */
}

/* tracert's messages where an address would be. */
static int
tracert_failure(const char *s)
{
	return starts(s, "Request timed out") ||
	    starts(s, "General failure") || starts(s, "Transmit error") ||
	    (starts(s, "Destination ") && strstr(s, "unreachable") != NULL);
}

/* "  2    <1 ms     1 ms     *     name [a.b.c.d]" */
static int
tracert_hop(struct parser *p, struct cur *c, const struct tok *t, size_t nt)
{
	int64_t rtt[TI_MAX_PROBES_PER_HOP];
	int answered[TI_MAX_PROBES_PER_HOP];
	size_t i = 1, k, ncol = 0, nans = 0, n;
	unsigned ttl;
	uint32_t addr = 0;
	int have_addr = 0, code = -1, used, rc;
	const char *s, *rest;
	struct probe *pr;
	char b[TSHOW];

	if (begin_hop(p, c, &t[0], &ttl) != 0)
		return -1;
	while (i < nt) {
		int64_t ns;

		if (ncol == TI_MAX_PROBES_PER_HOP)
			return perr(p, "more than %d probes at TTL %u",
			    TI_MAX_PROBES_PER_HOP, ttl);
		if (tok_eq(&t[i], "*")) {
			answered[ncol++] = 0;
			i++;
			continue;
		}
		if (t[i].s[0] == '<') {		/* "<1 ms": half of it */
			n = t[i].n - 1;
			if (n > 2 && memcmp(t[i].s + 1 + n - 2, "ms", 2) == 0) {
				n -= 2;
				used = 1;
			} else if (i + 1 < nt && tok_eq(&t[i + 1], "ms"))
				used = 2;
			else
				return perr(p, "'%s' is not a round-trip time",
				    tshow(t[i].s, t[i].n, b));
			if ((rc = parse_ms(t[i].s + 1, n, &ns)) != 0)
				return perr(p, "round-trip time '%s' is %s",
				    tshow(t[i].s, t[i].n, b), rc < 0 ?
				    "not a number" : "out of range");
			rtt[ncol] = ns / 2;
			answered[ncol++] = 1;
			nans++;
			i += (size_t)used;
			continue;
		}
		if ((used = rtt_at(p, t, nt, i, &ns)) < 0)
			return -1;
		if (used == 0)
			break;
		rtt[ncol] = ns;
		answered[ncol++] = 1;
		nans++;
		i += (size_t)used;
	}
	rest = i < nt ? t[i].s : "";
	if (i == nt) {
		if (nans > 0)
			return perr(p, "round-trip times without an address");
		if (ncol == 0)
			return perr(p, "hop %u has no probes", ttl);
	} else if (tracert_failure(rest)) {
		if (nans > 0)
			return perr(p, "round-trip times with '%s'",
			    tshow(rest, strlen(rest), b));
	} else {
		if (bracketed(&t[i], '[', ']', &s, &n)) {
			if (bracket_addr(p, s, n, &addr) != 0)
				return -1;
			i++;
		} else if (i + 1 < nt && t[i + 1].s[0] == '[') {
			if (!bracketed(&t[i + 1], '[', ']', &s, &n))
				return perr(p, "'%s' is not an address in "
				    "brackets", tshow(t[i + 1].s, t[i + 1].n,
				    b));
			if (bracket_addr(p, s, n, &addr) != 0 ||
			    note_name(p, c, addr, &t[i]) != 0)
				return -1;
			i += 2;
		} else if (parse_ip4(t[i].s, t[i].n, &addr) == 0)
			i++;
		else if (looks_ip6(t[i].s, t[i].n))
			return bracket_addr(p, t[i].s, t[i].n, &addr);
		else
			return perr(p, "'%s' is not an IPv4 address, a "
			    "round-trip time or '*'", tshow(t[i].s, t[i].n, b));
		have_addr = 1;
		if (i < nt) {
			rest = t[i].s;
			if (!tok_eq(&t[i], "reports:") ||
			    (code = tracert_report(rest + 8)) < 0)
				return perr(p, "unexpected '%s' after the "
				    "address", tshow(rest, strlen(rest), b));
		}
	}
	for (k = 0; k < ncol; k++) {
		if ((pr = add_probe(p, c, ttl)) == NULL)
			return -1;
		if (answered[k] && have_addr)
			set_reply(pr, addr, rtt[k], NULL, 0);
	}
	if (code >= 0 || ncol == 0) {
		if ((pr = add_probe(p, c, ttl)) == NULL)
			return -1;
		if (code >= 0) {
			set_reply(pr, addr, 0, NULL, 0);
			pr->rkind = RK_UNREACH;
			pr->rtype = 3;
			pr->rcode = (uint8_t)code;
		}
	}
	end_hop(c, ttl);
	return 0;
}

/* ---- lines ---- */

static int
has_alnum(const char *s)
{
	for (; *s != '\0'; s++)
		if (is_alnum((unsigned char)*s))
			return 1;
	return 0;
}

/*
 * A hop list without a header: start a trace if the line parses as a
 * Linux-style or tracert-style hop line; otherwise it is just text.
 */
static int
try_headerless(struct parser *p, const struct tok *t, size_t nt, int *took)
{
	static const enum ti_format fmts[] = { TI_FMT_LINUX, TI_FMT_TRACERT };
	struct hints saved = p->h;
	char *err = p->err, scratch[LH_ERRLEN];
	size_t errlen = p->errlen, k;
	int rc;

	*took = 0;
	for (k = 0; k < 2; k++) {
		if (begin(p, fmts[k], fmts[k] == TI_FMT_TRACERT ? TOOL_TRACERT :
		    TOOL_TRACEROUTE) != 0)
			return -1;
		p->cur->m.headerless = 1;
		p->err = scratch;
		p->errlen = sizeof(scratch);
		rc = fmts[k] == TI_FMT_LINUX ? unix_hop(p, p->cur, t, nt) :
		    tracert_hop(p, p->cur, t, nt);
		p->err = err;
		p->errlen = errlen;
		if (rc == 0) {
			*took = 1;
			return 0;
		}
		p->total -= p->cur->n;
		cur_free(p->cur);
		p->cur = NULL;
		p->h = saved;
	}
	return 0;
}

/* Text that is no header and no hop line: hints, and the end of a trace. */
static int
other_text(struct parser *p, const char *s, const struct tok *t, size_t nt)
{
	if (p->cur != NULL && p->cur->nhops > 0 && has_alnum(s) &&
	    finish(p) != 0)
		return -1;
	if (starts(s, "Start:"))
		note_start(p, s);
	else if (starts(s, "Selected device"))
		note_selected(p, t, nt);
	else
		note_command(p, t, nt);
	return 0;
}

static int
one_line(struct parser *p, char *line)
{
	struct cur *c = p->cur;
	struct tok *t = p->toks;
	const char *s = line;
	size_t nt, n = strlen(line);
	int is, took;

	while (n > 0 && is_ws((unsigned char)line[n - 1]))
		line[--n] = '\0';
	while (is_ws((unsigned char)*s))
		s++;
	if (*s == '\0')
		return 0;
	nt = tokenize(s, t, TI_MAX_LINE / 2 + 1);
	/* headers */
	if ((starts(s, "traceroute to ") || starts(s, "traceroute6 to ")) &&
	    strstr(s, " hops max") != NULL)
		return hdr_unix(p, t, nt);
	if (starts(s, "Tracing the path to "))
		return hdr_tcptraceroute(p, t, nt);
	if (starts(s, "Tracing route to "))
		return hdr_tracert(p, t, nt);
	if (starts(s, "HOST:")) {
		if (hdr_mtr(p, t, nt, &is) != 0)
			return -1;
		if (is)
			return 0;
	}
	if (c != NULL && c->m.format == TI_FMT_MTR) {
		if (mtr_row_shaped(&t[0]))
			return mtr_row(p, c, t, nt);
		if ((is = mtr_cont(p, c, line)) != 0)
			return is < 0 ? -1 : 0;
	} else if (c != NULL && c->m.format == TI_FMT_TRACERT) {
		if (starts(s, "Trace complete"))
			return finish(p);
		if (starts(s, "over a maximum of"))
			return tracert_max(p, c, t, nt) < 0 ? -1 : 0;
		if (is_digit((unsigned char)*s))
			return tracert_hop(p, c, t, nt);
	} else if (c != NULL) {
		if (c->nhops > 0 && unix_more_shaped(line, t, nt))
			return unix_more(p, c, t, nt);
		if (is_digit((unsigned char)*s))
			return unix_hop(p, c, t, nt);
	} else if (is_digit((unsigned char)*s)) {
		if (try_headerless(p, t, nt, &took) != 0)
			return -1;
		if (took)
			return 0;
	}
	return other_text(p, s, t, nt);
}

/* ---- the interface ---- */

void
textimport_free(struct textimport *ti)
{
	size_t i;

	if (ti == NULL)
		return;
	for (i = 0; i < ti->ntraces; i++) {
		trace_free(ti->traces[i]);
		meta_free(&ti->meta[i]);
	}
	free(ti->traces);
	free(ti->meta);
	free(ti->file);
	free(ti);
}

int
textimport_read(FILE *fp, const char *name,
    const struct textimport_opts *opts, struct textimport **out,
    char *err, size_t errlen)
{
	struct parser p;
	struct reader r;
	size_t len;
	int toolong, rc = -1;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	memset(&r, 0, sizeof(r));
	p.file = name != NULL ? name : "-";
	p.err = err;
	p.errlen = errlen;
	p.gap_limit = opts != NULL && opts->gap_limit > 0 ? opts->gap_limit :
	    ENGINE_GAP_LIMIT;
	p.src = opts != NULL ? opts->src : 0;
	p.target = opts != NULL ? opts->target : 0;
	r.fp = fp;
	if ((p.ti = calloc(1, sizeof(*p.ti))) == NULL ||
	    (p.ti->file = strdup(p.file)) == NULL ||
	    (p.toks = malloc((TI_MAX_LINE / 2 + 1) * sizeof(*p.toks))) ==
	    NULL || (r.buf = malloc(TI_MAX_LINE + 1)) == NULL) {
		lh_err(err, errlen, "%s: out of memory", p.file);
		goto out;
	}
	rd_init(&r);
	while (rd_line(&r, &len, &toolong)) {
		p.lineno++;
		if (toolong) {
			if (p.cur != NULL) {
				perr(&p, "line longer than %d bytes",
				    TI_MAX_LINE);
				goto out;
			}
			continue;
		}
		if (one_line(&p, r.buf) != 0)
			goto out;
	}
	if (ferror(fp)) {
		lh_err(err, errlen, "%s: read error", p.file);
		goto out;
	}
	if (finish(&p) != 0)
		goto out;
	if (p.ti->ntraces == 0) {
		if (p.empty > 0)
			lh_err(err, errlen, "%s: no traceroute output found "
			    "(%zu header%s without hop lines)", p.file, p.empty,
			    p.empty == 1 ? "" : "s");
		else
			lh_err(err, errlen, "%s: no traceroute output found",
			    p.file);
		goto out;
	}
	*out = p.ti;
	p.ti = NULL;
	rc = 0;
out:
	cur_free(p.cur);
	textimport_free(p.ti);
	free(p.toks);
	free(r.buf);
	return rc;
}

int
textimport_read_path(const char *path, const struct textimport_opts *opts,
    struct textimport **out, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	*out = NULL;
	if (fp == NULL)
		return lh_err(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
	rc = textimport_read(fp, path, opts, out, err, errlen);
	fclose(fp);
	return rc;
}

const char *
textimport_name(const struct textimport *ti, size_t i, uint32_t addr)
{
	const struct ti_meta *m;
	size_t lo = 0, hi;

	if (ti == NULL || i >= ti->ntraces)
		return NULL;
	m = &ti->meta[i];
	hi = m->nnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->names[mid].addr == addr)
			return m->names[mid].name;
		if (m->names[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
textimport_format_name(enum ti_format f)
{
	switch (f) {
	case TI_FMT_LINUX:		return "linux";
	case TI_FMT_BSD:		return "bsd";
	case TI_FMT_TCPTRACEROUTE:	return "tcptraceroute";
	case TI_FMT_MTR:		return "mtr";
	case TI_FMT_TRACERT:		return "tracert";
	default:			return "unknown";
	}
}

int
textimport_sniff(const void *buf, size_t len)
{
	const char *s = buf, *end = s + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl != NULL ? nl : end;
		char line[160];
		size_t n;

		while (s < e && is_ws((unsigned char)*s))
			s++;
		n = (size_t)(e - s) < sizeof(line) - 1 ? (size_t)(e - s) :
		    sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		if (memchr(line, '\0', n) == NULL &&
		    ((starts(line, "traceroute to ") &&
		    strstr(line, " hops max") != NULL) ||
		    starts(line, "Tracing the path to ") ||
		    starts(line, "Tracing route to ") ||
		    (starts(line, "HOST:") && (strstr(line, " Snt") != NULL ||
		    strstr(line, " Loss%") != NULL))))
			return 1;
		s = e + 1;
	}
	return 0;
}
