/*
 * jsonin.c: lasthop's JSON result (lasthop(1), schema 1) back into traces,
 * hops, probes and their analysis.  The input is untrusted: every value is
 * checked for type and range before it lands in the model, and an error
 * names the file and the JSON path of the element (jsonin.h).
 *
 * Start reading at load_root(); each level has its own function (trace,
 * hops, probe, analysis, files) that fills a block which is only handed
 * out when everything under it was read.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis.h"
#include "jsonin.h"
#include "lh.h"
#include "probe.h"
#include "proto.h"

/* Element paths are cut at PATHLEN; only an error message would show it. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define JSONIN_FLAGS	JSON_REJECT_DUPLICATES	/* and jansson rejects NUL */

#define F_REQ	1	/* the member must be present */
#define F_NULL	2	/* null is allowed and reads as absent */

#define PATHLEN	128	/* "traces[N].hops[N].probes[N].mpls[N]" fits */
#define MAX_RTT_MS	86400000.0	/* a day: beyond any engine window */

/* A trace and its file name in one block: trace_free() frees both. */
struct trace_block {
	struct trace	t;	/* first: &b->t is the block */
	char		file[];
};

/* An analysis and its strings in one block: analysis_free() frees both. */
struct an_block {
	struct analysis	an;	/* first: &b->an is the block */
	char		source[16];
};

struct jctx {
	const char	*name;
	char		*err;
	size_t		 errlen;
};

/* ---- errors and element paths ---- */

/* A value quoted into a message: printable ASCII only, at most 40 bytes. */
static const char *
show(const char *s, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < len && i < 40; i++)
		buf[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0' && n + 4 < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static void
elem(char *buf, size_t len, const char *path, const char *key)
{
	if (key == NULL)
		snprintf(buf, len, "%s", path);
	else if (path[0] == '\0')
		snprintf(buf, len, "%s", key);
	else
		snprintf(buf, len, "%s.%s", path, key);
}

static int jbad(const struct jctx *c, const char *path, const char *key,
    const char *fmt, ...) LH_PRINTF(4, 5);

/* "NAME: PATH.KEY: message"; returns -1. */
static int
jbad(const struct jctx *c, const char *path, const char *key,
    const char *fmt, ...)
{
	char where[PATHLEN + 32], msg[160];
	va_list ap;

	elem(where, sizeof(where), path, key);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where[0] == '\0')
		return lh_err(c->err, c->errlen, "%s: %s", c->name, msg);
	return lh_err(c->err, c->errlen, "%s: %s: %s", c->name, where, msg);
}

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:	return "a whole number";
	case JSON_REAL:		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	default:		return "null";
	}
}

/* ---- typed members: 1 present, 0 absent (or null where allowed), -1 ---- */

static int
jget(const struct jctx *c, const json_t *o, const char *path, const char *key,
    int flags, json_t **out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (flags & F_REQ)
			return jbad(c, path, key, "missing");
		return 0;
	}
	if (json_is_null(v)) {
		if (flags & F_NULL)
			return 0;
		return jbad(c, path, key, "is null");
	}
	*out = v;
	return 1;
}

static int
jint(const struct jctx *c, const json_t *o, const char *path, const char *key,
    int flags, json_int_t lo, json_int_t hi, json_int_t *out)
{
	json_t *v = NULL;
	json_int_t x;
	int rc;

	if ((rc = jget(c, o, path, key, flags, &v)) <= 0)
		return rc;
	if (!json_is_integer(v))
		return jbad(c, path, key, "is %s, not a whole number",
		    jtype(v));
	x = json_integer_value(v);
	if (x < lo || x > hi)
		return jbad(c, path, key, "%lld is out of range (%lld to %lld)",
		    (long long)x, (long long)lo, (long long)hi);
	*out = x;
	return 1;
}

/* A counter of the model (uint64_t): 0 .. 2^63-1. */
static int
jcount(const struct jctx *c, const json_t *o, const char *path,
    const char *key, uint64_t *out)
{
	json_int_t x = 0;
	int rc = jint(c, o, path, key, F_REQ, 0, INT64_MAX, &x);

	if (rc == 1)
		*out = (uint64_t)x;
	return rc;
}

static int
ju8(const struct jctx *c, const json_t *o, const char *path, const char *key,
    int flags, int lo, uint8_t *out)
{
	json_int_t x = 0;
	int rc = jint(c, o, path, key, flags, lo, 255, &x);

	if (rc == 1)
		*out = (uint8_t)x;
	return rc;
}

static int
ju16(const struct jctx *c, const json_t *o, const char *path, const char *key,
    int flags, uint16_t *out)
{
	json_int_t x = 0;
	int rc = jint(c, o, path, key, flags, 0, 65535, &x);

	if (rc == 1)
		*out = (uint16_t)x;
	return rc;
}

static int
jasn(const struct jctx *c, const json_t *o, const char *path, const char *key,
    int flags, uint32_t *out)
{
	json_int_t x = 0;
	int rc = jint(c, o, path, key, flags, 1, UINT32_MAX, &x);

	if (rc == 1)
		*out = (uint32_t)x;
	return rc;
}

static int
jbool(const struct jctx *c, const json_t *o, const char *path,
    const char *key, int flags, int *out)
{
	json_t *v = NULL;
	int rc;

	if ((rc = jget(c, o, path, key, flags, &v)) <= 0)
		return rc;
	if (!json_is_boolean(v))
		return jbad(c, path, key, "is %s, not true or false", jtype(v));
	*out = json_is_true(v);
	return 1;
}

/* A string of at most maxlen bytes (jansson has checked UTF-8, no NUL). */
static int
jstr(const struct jctx *c, const json_t *o, const char *path, const char *key,
    int flags, size_t maxlen, const char **out)
{
	json_t *v = NULL;
	int rc;

	if ((rc = jget(c, o, path, key, flags, &v)) <= 0)
		return rc;
	if (!json_is_string(v))
		return jbad(c, path, key, "is %s, not a string", jtype(v));
	if (json_string_length(v) > maxlen)
		return jbad(c, path, key, "longer than %zu bytes", maxlen);
	*out = json_string_value(v);
	return 1;
}

/* A string copied into buf (of size len): fails when it does not fit. */
static int
jstrcpy(const struct jctx *c, const json_t *o, const char *path,
    const char *key, int flags, char *buf, size_t len)
{
	const char *s = NULL;
	int rc = jstr(c, o, path, key, flags, len - 1, &s);

	if (rc == 1)
		memcpy(buf, s, strlen(s) + 1);
	return rc;
}

static int
parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int
jaddr(const struct jctx *c, const json_t *o, const char *path,
    const char *key, int flags, uint32_t *out)
{
	const char *s = NULL;
	char q[48];
	int rc;

	if ((rc = jstr(c, o, path, key, flags, 64, &s)) <= 0)
		return rc;
	if (parse_addr(s, out) != 0)
		return jbad(c, path, key, "'%s' is not an IPv4 address",
		    show(s, q, sizeof(q)));
	return 1;
}

/* A string value that is one of names[0..n); the index goes to *out. */
static int
jenum_value(const struct jctx *c, const json_t *v, const char *path,
    const char *key, const char *const *names, size_t n, int *out)
{
	const char *s;
	char q[48], list[200];
	size_t i, k = 0;

	if (!json_is_string(v))
		return jbad(c, path, key, "is %s, not a string", jtype(v));
	s = json_string_value(v);
	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 1;
		}
	list[0] = '\0';
	for (i = 0; i < n && k < sizeof(list); i++)
		if (names[i] != NULL)
			k += (size_t)snprintf(list + k, sizeof(list) - k,
			    "%s%s", k ? ", " : "", names[i]);
	return jbad(c, path, key, "'%s' is not one of: %s",
	    show(s, q, sizeof(q)), list);
}

static int
jenum(const struct jctx *c, const json_t *o, const char *path,
    const char *key, int flags, const char *const *names, size_t n, int *out)
{
	json_t *v = NULL;
	int rc;

	if ((rc = jget(c, o, path, key, flags, &v)) <= 0)
		return rc;
	return jenum_value(c, v, path, key, names, n, out);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* fmt_time()'s form back: YYYY-MM-DDTHH:MM:SS.uuuuuuZ, in int64 ns range. */
static int
parse_time(const char *s, int64_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, h, mi, se, us, leap;
	int64_t sec;

	if (strlen(s) != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &se) ||
	    digits(s + 20, 6, &us))
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 59)
		return -1;
	sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	/* int64 nanoseconds cover 1677-09-21 .. 2262-04-11 */
	if (sec <= INT64_MIN / 1000000000 || sec >= INT64_MAX / 1000000000)
		return -1;
	*out = sec * 1000000000 + (int64_t)us * 1000;
	return 0;
}

static int
jtime(const struct jctx *c, const json_t *o, const char *path,
    const char *key, int64_t *out)
{
	const char *s = NULL;
	char q[48];
	int rc;

	if ((rc = jstr(c, o, path, key, F_REQ, 64, &s)) <= 0)
		return rc;
	if (parse_time(s, out) != 0)
		return jbad(c, path, key, "'%s' is not a UTC time like "
		    "2026-11-27T08:38:57.123456Z", show(s, q, sizeof(q)));
	return 1;
}

static int
jarray(const struct jctx *c, const json_t *o, const char *path,
    const char *key, int flags, size_t max, json_t **out)
{
	int rc;

	if ((rc = jget(c, o, path, key, flags, out)) <= 0)
		return rc;
	if (!json_is_array(*out))
		return jbad(c, path, key, "is %s, not an array", jtype(*out));
	if (json_array_size(*out) > max)
		return jbad(c, path, key, "more than %zu elements", max);
	return 1;
}

static int
jobject(const struct jctx *c, const json_t *v, const char *path)
{
	if (!json_is_object(v))
		return jbad(c, path, NULL, "is %s, not an object", jtype(v));
	return 0;
}

/* ---- names of the model's enums, as the writers print them ---- */

static const char *const method_names[] = {
	[M_UNKNOWN] = "unknown", [M_UDP] = "udp", [M_UDP_PARIS] = "udp-paris",
	[M_ICMP] = "icmp", [M_ICMP_PARIS] = "icmp-paris",
	[M_TCP_SYN] = "tcp-syn", [M_TCP_ACK] = "tcp-ack",
};
static const char *const stop_names[] = {
	[STOP_NONE] = "none", [STOP_COMPLETED] = "completed",
	[STOP_UNREACHABLE] = "unreachable", [STOP_LOOP] = "loop",
	[STOP_GAP_LIMIT] = "gap limit", [STOP_HOP_LIMIT] = "hop limit",
	[STOP_CAPTURE_ENDED] = "capture ended", [STOP_AMBIGUOUS] = "ambiguous",
};
/* RK_NONE is not a reply: answered probes name one of the others. */
static const char *const reply_names[] = {
	[RK_NONE] = NULL, [RK_TIME_EXCEEDED] = "time-exceeded",
	[RK_UNREACH] = "unreachable", [RK_PARAM_PROBLEM] = "parameter-problem",
	[RK_SOURCE_QUENCH] = "source-quench", [RK_ECHO_REPLY] = "echo-reply",
	[RK_TCP_SYNACK] = "tcp-syn-ack", [RK_TCP_RST] = "tcp-rst",
	[RK_TCP_OTHER] = "tcp", [RK_UDP] = "udp",
};
static const char *const role_names[] = {
	[ROLE_UNKNOWN] = "unknown", [ROLE_PRIVATE] = "private",
	[ROLE_TRANSIT] = "transit", [ROLE_UPSTREAM] = "upstream",
	[ROLE_TARGET] = "target", [ROLE_DEST] = "destination",
};
static const char *const outcome_names[] = {
	[OUT_REACHED] = "reached", [OUT_DIED] = "died",
	[OUT_NODATA] = "no-data", [OUT_INCOMPLETE] = "incomplete",
};
static const char *const where_names[] = {
	[WH_NONE] = NULL, [WH_TRANSIT] = "transit",
	[WH_UPSTREAM] = "upstream", [WH_HANDOFF] = "handoff",
	[WH_TARGET] = "target",
};
static const struct {
	const char	*name;
	uint16_t	 bit;
} flag_names[] = {
	{ "inside-north-korea", ASMAP_F_NK_INSIDE },
	{ "dprk-associated", ASMAP_F_NK_ASSOCIATED },
	{ "private", ASMAP_F_PRIVATE },
	{ "reserved", ASMAP_F_RESERVED },
	{ "uncertain", ASMAP_F_UNCERTAIN },
	{ "static", ASMAP_F_STATIC },
	{ "moas", ASMAP_F_MOAS },
	{ "as-set", ASMAP_F_ASSET },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- probes and hops ---- */

static int
read_mpls(const struct jctx *c, const json_t *po, const char *path,
    struct probe *p)
{
	json_t *arr = NULL, *m;
	char mp[PATHLEN];
	json_int_t label = 0, tc = 0, s = 0, ttl = 0;
	size_t k;
	int rc;

	if ((rc = jarray(c, po, path, "mpls", 0, PROBE_MAX_MPLS, &arr)) <= 0)
		return rc;
	for (k = 0; k < json_array_size(arr); k++) {
		m = json_array_get(arr, k);
		snprintf(mp, sizeof(mp), "%s.mpls[%zu]", path, k);
		if (jobject(c, m, mp) != 0 ||
		    jint(c, m, mp, "label", F_REQ, 0, 0xfffff, &label) < 0 ||
		    jint(c, m, mp, "tc", F_REQ, 0, 7, &tc) < 0 ||
		    jint(c, m, mp, "s", F_REQ, 0, 1, &s) < 0 ||
		    jint(c, m, mp, "ttl", F_REQ, 0, 255, &ttl) < 0)
			return -1;
		p->mpls[k] = (uint32_t)label << 12 | (uint32_t)tc << 9 |
		    (uint32_t)s << 8 | (uint32_t)ttl;
	}
	p->nmpls = (uint8_t)k;
	return 1;
}

static int read_reply(const struct jctx *, const json_t *, const char *,
    struct probe *);
static int read_rewritten(const struct jctx *, const json_t *, const char *,
    struct probe *);
static int read_inferred(const struct jctx *, const json_t *, const char *,
    struct probe *);

/* The RW_* index of a field name in "rewritten" ("ip_id", ...). */
static int
rw_index(const struct jctx *c, const json_t *v, const char *path)
{
	int f;

	if (!json_is_string(v))
		return jbad(c, path, "rewritten", "holds %s, not a field name",
		    jtype(v));
	for (f = 0; f < RW_NFIELDS; f++)
		if (strcmp(json_string_value(v), rw_key(f)) == 0)
			return f;
	return jbad(c, path, "rewritten", "names no field lasthop knows");
}

static int
read_probe(const struct jctx *c, const json_t *po, const char *path,
    uint8_t ttl, struct probe *p)
{
	json_t *rv = NULL;
	int b = 0, has_addr, rc;
	double rtt;
	int64_t rtt_ns;

	if (jobject(c, po, path) != 0)
		return -1;
	memset(p, 0, sizeof(*p));
	p->ttl = ttl;
	if ((rc = jbool(c, po, path, "ttl_inferred", 0, &b)) < 0)
		return -1;
	p->inferred = rc == 1 && b;
	b = 0;
	if (p->inferred)
		return read_inferred(c, po, path, p);
	if (jtime(c, po, path, "sent", &p->tx_ns) < 0 ||
	    ju16(c, po, path, "ipid", F_REQ, &p->ipid) < 0 ||
	    ju16(c, po, path, "size", F_REQ, &p->size) < 0 ||
	    ju16(c, po, path, "sport", F_REQ, &p->sport) < 0 ||
	    ju16(c, po, path, "dport", F_REQ, &p->dport) < 0)
		return -1;
	if ((has_addr = jaddr(c, po, path, "addr", F_REQ | F_NULL,
	    &p->raddr)) < 0)
		return -1;
	if ((rc = jget(c, po, path, "rtt_ms", F_REQ | F_NULL, &rv)) < 0)
		return -1;
	if (!has_addr) {
		if (rc == 1)
			return jbad(c, path, "rtt_ms", "is set for a probe "
			    "without a reply (addr is null)");
		if (json_object_get(po, "reply") != NULL)
			return jbad(c, path, "reply", "is set for a probe "
			    "without a reply (addr is null)");
		return 0;
	}
	if (rc == 0)
		return jbad(c, path, "rtt_ms", "is null for an answered probe");
	if (!json_is_number(rv))
		return jbad(c, path, "rtt_ms", "is %s, not a number", jtype(rv));
	rtt = json_number_value(rv);
	if (!isfinite(rtt) || rtt < 0 || rtt > MAX_RTT_MS)
		return jbad(c, path, "rtt_ms", "%g is out of range (0 to %.0f)",
		    rtt, MAX_RTT_MS);
	rtt_ns = (int64_t)llround(rtt * 1000.0) * 1000;
	if (p->tx_ns > INT64_MAX - rtt_ns)
		return jbad(c, path, "rtt_ms", "sent + rtt_ms is past the year "
		    "2262");
	p->rx_ns = p->tx_ns + rtt_ns;
	return read_reply(c, po, path, p);
}

/* A probe's reply members, past its address and RTT. */
static int
read_reply(const struct jctx *c, const json_t *po, const char *path,
    struct probe *p)
{
	const char *mark = NULL;
	int kind = 0, b = 0, rc;

	if (jenum(c, po, path, "reply", F_REQ, reply_names, NELEM(reply_names),
	    &kind) < 0)
		return -1;
	p->rkind = (uint8_t)kind;
	if (kind <= RK_ECHO_REPLY &&
	    (ju8(c, po, path, "icmp_type", F_REQ, 0, &p->rtype) < 0 ||
	    ju8(c, po, path, "icmp_code", F_REQ, 0, &p->rcode) < 0))
		return -1;
	if (kind >= RK_TCP_SYNACK && kind <= RK_TCP_OTHER &&
	    ju8(c, po, path, "tcp_flags", F_REQ, 0, &p->rtcpflags) < 0)
		return -1;
	if (ju8(c, po, path, "reply_ttl", F_REQ, 0, &p->rttl) < 0 ||
	    (kind < RK_ECHO_REPLY &&
	    ju8(c, po, path, "quoted_ttl", F_REQ, 0, &p->qttl) < 0) ||
	    ju16(c, po, path, "reply_size", F_REQ, &p->rsize) < 0 ||
	    jstr(c, po, path, "annotation", 0, 16, &mark) < 0 ||
	    read_mpls(c, po, path, p) < 0 ||
	    ju16(c, po, path, "dups", 0, &p->dups) < 0)
		return -1;
	if ((rc = jbool(c, po, path, "late", 0, &b)) < 0)
		return -1;
	p->late = rc == 1 && b;
	b = 0;
	if ((rc = jbool(c, po, path, "nat", 0, &b)) < 0)
		return -1;
	p->nat = rc == 1 && b;
	if (read_rewritten(c, po, path, p) < 0)
		return -1;
	return 1;
}

/* "rewritten": the fields its quote showed changed (needs "nat"). */
static int
read_rewritten(const struct jctx *c, const json_t *po, const char *path,
    struct probe *p)
{
	json_t *a = NULL;
	size_t i;
	int rc, f;

	if ((rc = jarray(c, po, path, "rewritten", 0, RW_NFIELDS, &a)) <= 0)
		return rc;
	if (!p->nat)
		return jbad(c, path, "rewritten", "is set, but nat is not");
	for (i = 0; i < json_array_size(a); i++) {
		if ((f = rw_index(c, json_array_get(a, i), path)) < 0)
			return -1;
		p->rw |= (uint8_t)(1u << f);
	}
	return 1;
}

/*
 * A probe rebuilt from its reply (a reply-only capture): no send time or
 * RTT; the IP ID and size it quoted, or null for a direct answer.
 */
static int
read_inferred(const struct jctx *c, const json_t *po, const char *path,
    struct probe *p)
{
	json_t *v = NULL;
	int rc;

	if (jaddr(c, po, path, "addr", F_REQ, &p->raddr) < 0 ||
	    ju16(c, po, path, "sport", F_REQ, &p->sport) < 0 ||
	    ju16(c, po, path, "dport", F_REQ, &p->dport) < 0 ||
	    (rc = ju16(c, po, path, "ipid", F_REQ | F_NULL, &p->ipid)) < 0 ||
	    ju16(c, po, path, "size", rc == 1 ? F_REQ : F_REQ | F_NULL,
	    &p->size) < 0)
		return -1;
	if (jget(c, po, path, "sent", F_REQ | F_NULL, &v) != 0)
		return jbad(c, path, "sent", "is set for a probe whose TTL "
		    "was inferred (its send time is not known)");
	if (jget(c, po, path, "rtt_ms", F_REQ | F_NULL, &v) != 0)
		return jbad(c, path, "rtt_ms", "is set for a probe whose TTL "
		    "was inferred (its send time is not known)");
	return read_reply(c, po, path, p);
}

/*
 * The hops array: first counted (so that probes_sent can be checked and
 * the arrays allocated once), then read.
 */
static int
count_hops(const struct jctx *c, const json_t *hops, const char *path,
    size_t *nprobes)
{
	json_t *ho, *pa = NULL;
	char hp[PATHLEN];
	size_t h;

	*nprobes = 0;
	for (h = 0; h < json_array_size(hops); h++) {
		ho = json_array_get(hops, h);
		snprintf(hp, sizeof(hp), "%s.hops[%zu]", path, h);
		if (jobject(c, ho, hp) != 0 ||
		    jarray(c, ho, hp, "probes", F_REQ, ENGINE_MAX_PROBES,
		    &pa) < 0)
			return -1;
		if (json_array_size(pa) == 0)
			return jbad(c, hp, "probes", "is empty: a hop has at "
			    "least one probe");
		*nprobes += json_array_size(pa);
		if (*nprobes > ENGINE_MAX_PROBES)
			return jbad(c, hp, "probes", "more than %u probes in "
			    "the trace", ENGINE_MAX_PROBES);
	}
	return 0;
}

static int
read_hops(const struct jctx *c, const json_t *hops, const char *path,
    struct trace *t)
{
	json_t *ho, *pa;
	char hp[PATHLEN], pp[PATHLEN];
	size_t h, i, k = 0;
	uint8_t ttl;
	int prev = 0;

	for (h = 0; h < json_array_size(hops); h++) {
		ho = json_array_get(hops, h);
		snprintf(hp, sizeof(hp), "%s.hops[%zu]", path, h);
		ttl = 0;
		if (ju8(c, ho, hp, "ttl", F_REQ, 1, &ttl) < 0)
			return -1;
		if (ttl <= prev)
			return jbad(c, hp, "ttl", "%u after %d: hops must be in "
			    "rising TTL order", ttl, prev);
		prev = ttl;
		pa = json_object_get(ho, "probes");
		t->hops[h].ttl = ttl;
		t->hops[h].first = k;
		t->hops[h].n = json_array_size(pa);
		for (i = 0; i < json_array_size(pa); i++, k++) {
			snprintf(pp, sizeof(pp), "%s.probes[%zu]", hp, i);
			if (read_probe(c, json_array_get(pa, i), pp, ttl,
			    &t->probes[k]) < 0)
				return -1;
		}
	}
	t->nhops = h;
	return 0;
}

/* ---- analysis ---- */

static int
cmp_annot(const void *a, const void *b)
{
	uint32_t x = ((const struct annot *)a)->addr;
	uint32_t y = ((const struct annot *)b)->addr;

	return x < y ? -1 : x > y;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
read_net(const struct jctx *c, const json_t *n, const char *path,
    struct annot *a)
{
	const char *s = NULL, *name = NULL, *asname = NULL, *org = NULL;
	const char *note = NULL, *slash;
	json_t *fl = NULL;
	char q[48], ip[20];
	int role = 0, hinted = 0, rc;
	size_t i, k;
	uint32_t mask;

	if (jobject(c, n, path) != 0 ||
	    jaddr(c, n, path, "addr", F_REQ, &a->addr) < 0 ||
	    jasn(c, n, path, "asn", F_REQ | F_NULL, &a->asn) < 0 ||
	    jstr(c, n, path, "name", F_NULL, JSONIN_MAX_NAME, &name) < 0 ||
	    jbool(c, n, path, "from_name_hint", 0, &hinted) < 0 ||
	    jstr(c, n, path, "as_name", F_REQ, JSONIN_MAX_NAME, &asname) < 0 ||
	    jstr(c, n, path, "org", F_REQ, JSONIN_MAX_NAME, &org) < 0 ||
	    jstr(c, n, path, "country", F_REQ, 2, &s) < 0 ||
	    jenum(c, n, path, "role", F_REQ, role_names, NELEM(role_names),
	    &role) < 0 ||
	    jstr(c, n, path, "note", F_NULL, JSONIN_MAX_NOTE, &note) < 0 ||
	    jarray(c, n, path, "flags", F_REQ, NELEM(flag_names), &fl) < 0)
		return -1;
	if (s[0] != '\0' && (s[1] == '\0' || s[0] < 'A' || s[0] > 'Z' ||
	    s[1] < 'A' || s[1] > 'Z'))
		return jbad(c, path, "country", "'%s' is not two capital "
		    "letters", show(s, q, sizeof(q)));
	memcpy(a->cc, s, strlen(s) + 1);
	a->role = (uint8_t)role;
	a->hinted = (uint8_t)hinted;
	for (i = 0; i < json_array_size(fl); i++) {
		json_t *f = json_array_get(fl, i);
		char fp[PATHLEN];

		snprintf(fp, sizeof(fp), "%s.flags[%zu]", path, i);
		if (!json_is_string(f))
			return jbad(c, fp, NULL, "is %s, not a string",
			    jtype(f));
		for (k = 0; k < NELEM(flag_names); k++)
			if (strcmp(json_string_value(f), flag_names[k].name) == 0)
				break;
		if (k == NELEM(flag_names))
			return jbad(c, fp, NULL, "'%s' is not a known flag",
			    show(json_string_value(f), q, sizeof(q)));
		a->flags |= flag_names[k].bit;
	}
	if ((rc = jstr(c, n, path, "prefix", 0, 18, &s)) < 0)
		return -1;
	if (rc == 1) {
		slash = strchr(s, '/');
		if (slash == NULL || (size_t)(slash - s) >= sizeof(ip) ||
		    slash[1] < '0' || slash[1] > '9' ||
		    strlen(slash + 1) > 2 ||
		    (slash[2] != '\0' && (slash[2] < '0' || slash[2] > '9')))
			return jbad(c, path, "prefix", "'%s' is not "
			    "ADDRESS/LENGTH", show(s, q, sizeof(q)));
		memcpy(ip, s, (size_t)(slash - s));
		ip[slash - s] = '\0';
		a->len = (uint8_t)atoi(slash + 1);
		if (parse_addr(ip, &a->prefix) != 0 || a->len > 32)
			return jbad(c, path, "prefix", "'%s' is not "
			    "ADDRESS/LENGTH", show(s, q, sizeof(q)));
		mask = a->len ? 0xffffffffu << (32 - a->len) : 0;
		if ((a->prefix & ~mask) != 0)
			return jbad(c, path, "prefix", "'%s' has host bits set",
			    show(s, q, sizeof(q)));
		if ((a->addr & mask) != a->prefix)
			return jbad(c, path, "prefix", "'%s' does not cover "
			    "addr", show(s, q, sizeof(q)));
	}
	a->as_name = strdup(asname);
	a->org = strdup(org);
	a->note = dup_or_null(note);
	a->name = dup_or_null(name);
	if (a->as_name == NULL || a->org == NULL ||
	    (note != NULL && a->note == NULL) ||
	    (name != NULL && a->name == NULL))
		return lh_err(c->err, c->errlen, "out of memory");
	return 0;
}

/* names[i] = name(i) for the n values of an analysis enum. */
#define ENUM_NAMES(names, n, name) do {					\
	size_t i_;							\
	for (i_ = 0; i_ < (n); i_++)					\
		(names)[i_] = name(i_);					\
} while (0)

static int
read_handoff(const struct jctx *c, const json_t *to, const char *path,
    struct an_block *b)
{
	struct analysis *an = &b->an;
	const char *rules[HO_COUNT];
	json_t *ho = NULL;
	char hp[PATHLEN];
	int rc, x = 0;

	if ((rc = jget(c, to, path, "handoff", F_NULL, &ho)) <= 0)
		return rc;
	ENUM_NAMES(rules, HO_COUNT, ho_rule_name);
	elem(hp, sizeof(hp), path, "handoff");
	if (jobject(c, ho, hp) != 0)
		return -1;
	if ((rc = ju8(c, ho, hp, "upstream_ttl", 0, 1, &an->ho_up_ttl)) < 0 ||
	    (rc == 1 && jaddr(c, ho, hp, "upstream_addr", F_REQ,
	    &an->ho_up_addr) < 0) ||
	    ju8(c, ho, hp, "target_ttl", F_REQ, 1, &an->ho_in_ttl) < 0 ||
	    jaddr(c, ho, hp, "target_addr", F_REQ, &an->ho_in_addr) < 0 ||
	    jenum(c, ho, hp, "rule", F_REQ, rules, HO_COUNT, &x) < 0)
		return -1;
	if (an->ho_up_ttl != 0 && an->ho_up_ttl >= an->ho_in_ttl)
		return jbad(c, hp, "upstream_ttl", "%u is not before "
		    "target_ttl %u", an->ho_up_ttl, an->ho_in_ttl);
	an->ho_rule = (enum ho_rule)x;
	an->has_handoff = 1;
	return 1;
}

/* "borders": the steps between networks along the path. */
static int
read_borders(const struct jctx *c, const json_t *to, const char *path,
    struct analysis *an)
{
	const char *rules[BR_COUNT];
	json_t *arr = NULL, *o;
	char bp[PATHLEN];
	uint64_t more = 0;
	size_t i;
	int rc, x, hand;

	if ((rc = jarray(c, to, path, "borders", 0, AN_MAX_BORDERS,
	    &arr)) <= 0)
		return rc;
	ENUM_NAMES(rules, BR_COUNT, border_rule_name);
	for (i = 0; i < json_array_size(arr); i++) {
		struct border *br = &an->borders[i];

		o = json_array_get(arr, i);
		snprintf(bp, sizeof(bp), "%s%sborders[%zu]", path,
		    path[0] ? "." : "", i);
		x = 0;
		hand = 0;
		if (jobject(c, o, bp) != 0 ||
		    ju8(c, o, bp, "from_ttl", F_REQ | F_NULL, 1,
		    &br->from_ttl) < 0 ||
		    jaddr(c, o, bp, "from_addr", br->from_ttl ? F_REQ : F_NULL,
		    &br->from_addr) < 0 ||
		    jasn(c, o, bp, "from_asn", F_REQ | F_NULL,
		    &br->from_asn) < 0 ||
		    ju8(c, o, bp, "to_ttl", F_REQ, 1, &br->to_ttl) < 0 ||
		    jaddr(c, o, bp, "to_addr", F_REQ, &br->to_addr) < 0 ||
		    jasn(c, o, bp, "to_asn", F_REQ | F_NULL, &br->to_asn) < 0 ||
		    jenum(c, o, bp, "rule", F_REQ, rules, BR_COUNT, &x) < 0 ||
		    jbool(c, o, bp, "handoff", F_REQ, &hand) < 0)
			return -1;
		if (br->from_ttl != 0 && br->from_ttl >= br->to_ttl)
			return jbad(c, bp, "from_ttl", "%u is not before to_ttl "
			    "%u", br->from_ttl, br->to_ttl);
		br->rule = (uint8_t)x;
		br->handoff = (uint8_t)hand;
		an->nborders = i + 1;
	}
	if (json_object_get(to, "borders_more") != NULL &&
	    jcount(c, to, path, "borders_more", &more) < 0)
		return -1;
	an->borders_more = (size_t)more;
	return 1;
}

/* A network named by a verdict: {"asn": N or null, "name": "..."}. */
static int
read_vnet(const struct jctx *c, const json_t *o, const char *path,
    const char *key, struct vnet *n)
{
	json_t *v = NULL;
	const char *name = NULL;
	char np[PATHLEN];
	int rc;

	if ((rc = jget(c, o, path, key, F_NULL, &v)) <= 0)
		return rc;
	elem(np, sizeof(np), path, key);
	if (jobject(c, v, np) != 0 ||
	    jasn(c, v, np, "asn", F_REQ | F_NULL, &n->asn) < 0 ||
	    jstr(c, v, np, "name", F_REQ, sizeof(n->name) - 1, &name) < 0)
		return -1;
	memcpy(n->name, name, strlen(name) + 1);
	return 1;
}

/* verdict.departure: the first baseline hop today's trace departs from. */
static int
read_departure(const struct jctx *c, const json_t *vo, const char *vp,
    struct verdict *v)
{
	const char *kinds[BK_COUNT];
	json_t *d = NULL;
	char dp[PATHLEN];
	int rc, x = 0;

	if ((rc = jget(c, vo, vp, "departure", F_NULL, &d)) <= 0)
		return rc;
	ENUM_NAMES(kinds, BK_COUNT, bkind_name);
	elem(dp, sizeof(dp), vp, "departure");
	if (jobject(c, d, dp) != 0 ||
	    ju8(c, d, dp, "ttl", F_REQ, 1, &v->depart_ttl) < 0 ||
	    jaddr(c, d, dp, "addr", F_REQ, &v->depart_addr) < 0 ||
	    jenum(c, d, dp, "was", F_REQ, kinds, BK_COUNT, &x) < 0 ||
	    read_vnet(c, d, dp, "network", &v->depart_net) < 0 ||
	    read_vnet(c, d, dp, "numbered_from", &v->depart_space) < 0)
		return -1;
	v->depart_kind = (uint8_t)x;
	v->used_baseline = 1;	/* written with baseline_departs_at */
	return 1;
}

/* verdict.loop: the routers of a routing loop. */
static int
read_loop(const struct jctx *c, const json_t *vo, const char *vp,
    struct verdict *v)
{
	const char *roles[ROLE_DEST + 1];
	json_t *lo = NULL, *rs = NULL, *r;
	char lp[PATHLEN], rp[PATHLEN];
	size_t i;
	int rc, x;

	if ((rc = jget(c, vo, vp, "loop", F_NULL, &lo)) <= 0)
		return rc;
	ENUM_NAMES(roles, ROLE_DEST + 1, role_name);
	elem(lp, sizeof(lp), vp, "loop");
	if (jobject(c, lo, lp) != 0 ||
	    ju8(c, lo, lp, "from_ttl", F_REQ, 1, &v->loop_from) < 0 ||
	    ju8(c, lo, lp, "to_ttl", F_REQ, 1, &v->loop_to) < 0 ||
	    ju8(c, lo, lp, "more", F_REQ, 0, &v->loop_more) < 0 ||
	    jarray(c, lo, lp, "routers", F_REQ, V_LOOP_MAX, &rs) < 0)
		return -1;
	for (i = 0; i < json_array_size(rs); i++) {
		struct vhop *h = &v->loop[i];

		r = json_array_get(rs, i);
		snprintf(rp, sizeof(rp), "%s.routers[%zu]", lp, i);
		x = 0;
		if (jobject(c, r, rp) != 0 ||
		    ju8(c, r, rp, "ttl", F_REQ, 1, &h->ttl) < 0 ||
		    jaddr(c, r, rp, "addr", F_REQ, &h->addr) < 0 ||
		    jasn(c, r, rp, "asn", F_REQ | F_NULL, &h->asn) < 0 ||
		    jenum(c, r, rp, "role", F_REQ, roles, ROLE_DEST + 1,
		    &x) < 0)
			return -1;
		h->role = (uint8_t)x;
		v->nloop = (uint8_t)(i + 1);
	}
	return 1;
}

static int
read_verdict(const struct jctx *c, const json_t *to, const char *path,
    const struct trace *t, struct an_block *b)
{
	struct analysis *an = &b->an;
	struct verdict *v = &an->v;
	const char *reasons[VR_COUNT];
	const struct annot *la;
	json_t *vo = NULL, *lh = NULL, *ca = NULL;
	char vp[PATHLEN], lp[PATHLEN], cp[PATHLEN];
	const char *org = NULL;
	uint32_t asn = 0;
	int x = 0, rc;
	size_t i;

	if (jget(c, to, path, "verdict", F_REQ, &vo) < 0)
		return -1;
	ENUM_NAMES(reasons, VR_COUNT, reason_name);
	elem(vp, sizeof(vp), path, "verdict");
	if (jobject(c, vo, vp) != 0 ||
	    jenum(c, vo, vp, "outcome", F_REQ, outcome_names,
	    NELEM(outcome_names), &x) < 0)
		return -1;
	v->outcome = (enum outcome)x;
	x = WH_NONE;
	if (jenum(c, vo, vp, "where", F_REQ | F_NULL, where_names,
	    NELEM(where_names), &x) < 0)
		return -1;
	v->where = (enum where)x;
	if ((rc = jarray(c, vo, vp, "candidates", 0, 2, &ca)) < 0)
		return -1;
	if (rc == 1) {
		if (json_array_size(ca) != 2)
			return jbad(c, vp, "candidates", "has %zu elements, "
			    "not 2", json_array_size(ca));
		for (i = 0; i < 2; i++) {
			snprintf(cp, sizeof(cp), "%s.candidates[%zu]", vp, i);
			x = WH_NONE;
			if (jenum_value(c, json_array_get(ca, i), cp, NULL,
			    where_names, NELEM(where_names), &x) < 0)
				return -1;
			v->cand[i] = (enum where)x;
		}
	}
	if ((rc = jget(c, vo, vp, "last_hop", F_REQ | F_NULL, &lh)) < 0)
		return -1;
	if (rc == 1) {
		elem(lp, sizeof(lp), vp, "last_hop");
		if (jobject(c, lh, lp) != 0 ||
		    ju8(c, lh, lp, "ttl", F_REQ, 1, &v->last_ttl) < 0 ||
		    jaddr(c, lh, lp, "addr", F_REQ, &v->last_addr) < 0 ||
		    jasn(c, lh, lp, "asn", F_NULL, &asn) < 0 ||
		    jstr(c, lh, lp, "org", 0, JSONIN_MAX_NAME, &org) < 0)
			return -1;
		v->has_last = 1;
	}
	x = 0;
	if (jenum(c, vo, vp, "reason", F_REQ, reasons, VR_COUNT, &x) < 0 ||
	    ju8(c, vo, vp, "icmp_code", 0, 0, &v->unreach_code) < 0 ||
	    jbool(c, vo, vp, "rate_limited", F_REQ, &v->rate_limited) < 0)
		return -1;
	v->reason = (enum vreason)x;
	if (json_object_get(vo, "baseline_departs_at") != NULL) {
		v->used_baseline = 1;
		if (ju8(c, vo, vp, "baseline_departs_at", F_NULL, 1,
		    &v->depart_ttl) < 0)
			return -1;
	}
	if (read_departure(c, vo, vp, v) < 0 || read_loop(c, vo, vp, v) < 0)
		return -1;
	/* What the sentences need beyond the saved members. */
	analysis_vnet(an, an->target_asn, &v->target);
	if ((rc = read_vnet(c, vo, vp, "network", &v->net)) < 0)
		return -1;
	if (rc == 0 && v->outcome == OUT_DIED) {
		/* Written before "network": the likeliest one. */
		la = analysis_annot(an, v->last_addr);
		if (v->where == WH_HANDOFF || v->where == WH_TARGET)
			v->net = v->target;
		else
			analysis_vnet(an, la != NULL ? la->asn : 0, &v->net);
	}
	x = 0;
	if (jbool(c, vo, vp, "ambiguous_destination", 0, &x) < 0)
		return -1;
	if (x && v->outcome == OUT_REACHED)
		v->flags |= VF_AMB_DST;
	if (t->dst == 0 && v->outcome == OUT_DIED)
		v->flags |= VF_NO_DST;	/* as analysis.c decides it */
	return 0;
}

/* "as_data": what judged the trace (output.c json_asdata()); optional. */
static int
read_asdata(const struct jctx *c, const json_t *to, const char *path,
    struct analysis *an)
{
	struct asmap_layer l[JSONIN_MAX_ASDATA];
	json_t *arr = NULL, *o;
	char np[PATHLEN];
	size_t i, n;
	int rc;

	if ((rc = jarray(c, to, path, "as_data", 0, JSONIN_MAX_ASDATA,
	    &arr)) <= 0)
		return rc;
	n = json_array_size(arr);
	for (i = 0; i < n; i++) {
		const char *file = NULL;

		o = json_array_get(arr, i);
		snprintf(np, sizeof(np), "%s%sas_data[%zu]", path,
		    path[0] ? "." : "", i);
		l[i].kind = l[i].name = l[i].version = l[i].format = "";
		if (jobject(c, o, np) != 0 ||
		    jstr(c, o, np, "kind", F_REQ, 32, &l[i].kind) < 0 ||
		    jstr(c, o, np, "name", 0, JSONIN_MAX_PATH, &l[i].name) < 0 ||
		    jstr(c, o, np, "file", 0, JSONIN_MAX_PATH, &file) < 0 ||
		    jstr(c, o, np, "version", 0, 64, &l[i].version) < 0 ||
		    jstr(c, o, np, "format", 0, 32, &l[i].format) < 0)
			return -1;
		if (file != NULL)
			l[i].name = file;
	}
	if (analysis_set_asdata(an, l, n) != 0)
		return lh_err(c->err, c->errlen, "out of memory");
	return 1;
}

/* t->an from the trace object's analysis members; 0 when it has none. */
static int
read_analysis(const struct jctx *c, const json_t *to, const char *path,
    struct trace *t)
{
	struct an_block *b;
	struct analysis *an;
	json_t *nets = NULL, *ups = NULL;
	const struct annot *da;
	char np[PATHLEN], ip[LH_IP4_STRLEN];
	size_t i;
	int rc;

	if (json_object_get(to, "networks") == NULL &&
	    json_object_get(to, "verdict") == NULL)
		return 0;	/* written without AS data */
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return lh_err(c->err, c->errlen, "out of memory");
	an = &b->an;
	if (jarray(c, to, path, "networks", F_REQ, ENGINE_MAX_PROBES + 1,
	    &nets) < 0)
		goto fail;
	if (json_array_size(nets) > 0 &&
	    (an->annots = calloc(json_array_size(nets),
	    sizeof(*an->annots))) == NULL) {
		lh_err(c->err, c->errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < json_array_size(nets); i++) {
		snprintf(np, sizeof(np), "%s.networks[%zu]", path, i);
		an->nannots = i + 1;	/* analysis_free() frees its strings */
		if (read_net(c, json_array_get(nets, i), np,
		    &an->annots[i]) < 0)
			goto fail;
	}
	if (an->nannots > 1)
		qsort(an->annots, an->nannots, sizeof(*an->annots), cmp_annot);
	for (i = 1; i < an->nannots; i++)
		if (an->annots[i].addr == an->annots[i - 1].addr) {
			jbad(c, path, "networks", "%s is listed twice",
			    lh_ip4_str(an->annots[i].addr, ip, sizeof(ip)));
			goto fail;
		}
	if (read_asdata(c, to, path, an) < 0 ||
	    jasn(c, to, path, "target_asn", F_NULL, &an->target_asn) < 0 ||
	    jarray(c, to, path, "upstream_asns", 0, AN_MAX_UPSTREAMS,
	    &ups) < 0)
		goto fail;
	for (i = 0; ups != NULL && i < json_array_size(ups); i++) {
		json_t *u = json_array_get(ups, i);

		snprintf(np, sizeof(np), "%s%supstream_asns[%zu]", path,
		    path[0] ? "." : "", i);
		if (!json_is_integer(u) || json_integer_value(u) < 1 ||
		    json_integer_value(u) > UINT32_MAX) {
			jbad(c, np, NULL, "is not an AS number (1 to %u)",
			    UINT32_MAX);
			goto fail;
		}
		an->upstreams[an->nupstreams++] =
		    (uint32_t)json_integer_value(u);
	}
	if ((rc = jstrcpy(c, to, path, "upstream_source", F_NULL, b->source,
	    sizeof(b->source))) < 0)
		goto fail;
	an->upstream_source = rc == 1 ? b->source : NULL;
	if (read_handoff(c, to, path, b) < 0 ||
	    read_borders(c, to, path, an) < 0 ||
	    read_verdict(c, to, path, t, b) < 0)
		goto fail;
	/* Not saved: analysis.c derives it from the destination's flags. */
	da = analysis_annot(an, t->dst);
	an->target_nk = da != NULL && (da->flags & ASMAP_F_NK_INSIDE) != 0;
	t->an = an;
	return 1;
fail:
	analysis_free(an);
	return -1;
}

/* ---- traces ---- */

/* The names infer.h and the modules give, as static strings again. */
static const char *
infer_anchor_static(const char *s)
{
	static const char *const anchors[] = { "tool", "reply-ttl", "own" };
	size_t i;

	for (i = 0; i < NELEM(anchors); i++)
		if (strcmp(s, anchors[i]) == 0)
			return anchors[i];
	return NULL;
}

static const char *
infer_field_static(uint8_t proto, const char *s)
{
	const struct probe_method *m = probe_by_proto(proto);
	size_t i;

	for (i = 0; m != NULL && i < INFER_COUNTERS; i++)
		if (m->counter_name[i] != NULL &&
		    strcmp(s, m->counter_name[i]) == 0)
			return m->counter_name[i];
	return NULL;
}

/*
 * What a trace says of its own making (all optional, for results written
 * before them): "fragment_replies", "rewritten" (where quotes showed
 * fields changed), "ambiguous_from", "reply_only".
 */
static int
read_provenance(const struct jctx *c, const json_t *to, const char *path,
    struct trace *t)
{
	static const char *const rules[] = {
		[INFER_NONE] = "none", [INFER_OWN] = "own",
		[INFER_COUNTER] = "counter", [INFER_ROUNDS] = "rounds",
	};
	json_t *a = NULL, *ro = NULL, *x;
	const char *str = NULL;
	char xp[PATHLEN];
	json_int_t v;
	size_t i;
	int rc, f, rule = 0;

	if (json_object_get(to, "fragment_replies") != NULL &&
	    jcount(c, to, path, "fragment_replies", &t->frag_replies) < 0)
		return -1;
	if ((rc = jarray(c, to, path, "rewritten", 0, RW_NFIELDS, &a)) < 0)
		return -1;
	for (i = 0; rc == 1 && i < json_array_size(a); i++) {
		struct rw_summary *r = &t->rws[t->nrws];
		int mixed = 0;

		x = json_array_get(a, i);
		snprintf(xp, sizeof(xp), "%s.rewritten[%zu]", path, i);
		if (jobject(c, x, xp) != 0 ||
		    (f = rw_index(c, json_object_get(x, "field"), xp)) < 0 ||
		    ju8(c, x, xp, "kept_to_hop", F_REQ | F_NULL, 0, &r->after) < 0 ||
		    ju8(c, x, xp, "from_hop", F_REQ, 1, &r->from) < 0 ||
		    jbool(c, x, xp, "mixed", F_REQ, &mixed) < 0 ||
		    jint(c, x, xp, "quotes", F_REQ, 1, UINT32_MAX, &v) < 0)
			return -1;
		r->field = (uint8_t)f;
		r->mixed = (uint8_t)mixed;
		r->quotes = (uint32_t)v;
		t->nrws++;
	}
	if ((rc = jarray(c, to, path, "ambiguous_from", 0, TRACE_AMB_ADDRS,
	    &a)) < 0)
		return -1;
	for (i = 0; rc == 1 && i < json_array_size(a); i++) {
		x = json_array_get(a, i);
		if (!json_is_string(x) ||
		    parse_addr(json_string_value(x), &t->amb_from[i]) != 0)
			return jbad(c, path, "ambiguous_from", "holds something "
			    "that is not an IPv4 address");
		t->namb_from++;
	}
	if ((rc = jget(c, to, path, "reply_only", F_NULL, &ro)) <= 0)
		return rc;
	snprintf(xp, sizeof(xp), "%s.reply_only", path);
	if (jobject(c, ro, xp) != 0 ||
	    jenum(c, ro, xp, "rule", F_REQ, rules, NELEM(rules), &rule) < 0)
		return -1;
	t->reply_only = 1;
	t->infer_rule = (uint8_t)rule;
	if (rule != INFER_COUNTER && rule != INFER_ROUNDS)
		return 1;
	if (jstr(c, ro, xp, "field", F_REQ, 64, &str) < 0)
		return -1;
	if ((t->infer_field = infer_field_static(t->proto, str)) == NULL)
		return jbad(c, xp, "field", "is no counter of this method");
	if (rule == INFER_COUNTER) {
		if (jint(c, ro, xp, "per_ttl", F_REQ, 1, 255, &v) < 0)
			return -1;
		t->infer_q = (uint8_t)v;
	}
	if (jint(c, ro, xp, "first", F_REQ, 0, UINT32_MAX, &v) < 0)
		return -1;
	t->infer_base = (uint32_t)v;
	if (jstr(c, ro, xp, "anchor", F_REQ, 16, &str) < 0)
		return -1;
	if ((t->infer_anchor = infer_anchor_static(str)) == NULL)
		return jbad(c, xp, "anchor", "is not tool, reply-ttl or own");
	return 1;
}

static struct trace *
read_trace(const struct jctx *c, const json_t *to, const char *path)
{
	struct trace_block *b = NULL;
	struct trace *t;
	json_t *hops = NULL;
	const char *file = NULL, *tool = NULL;
	uint64_t sent = 0, past = 0;
	size_t inhops = 0, i, n;
	uint16_t sport = 0, dport = 0;
	int m = 0, stop = 0, hs = 0, hd = 0, hi = 0;
	uint8_t last_ttl;

	if (jobject(c, to, path) != 0 ||
	    jstr(c, to, path, "file", F_REQ, JSONIN_MAX_PATH, &file) < 0 ||
	    jcount(c, to, path, "probes_sent", &sent) < 0 ||
	    jcount(c, to, path, "probes_past_end", &past) < 0 ||
	    jarray(c, to, path, "hops", F_REQ, 255, &hops) < 0 ||
	    count_hops(c, hops, path, &inhops) < 0)
		return NULL;
	if (sent > ENGINE_MAX_PROBES) {
		jbad(c, path, "probes_sent", "%llu is more than a trace holds "
		    "(%u)", (unsigned long long)sent, ENGINE_MAX_PROBES);
		return NULL;
	}
	if (past > sent || sent - past != inhops) {
		jbad(c, path, "probes_sent", "%llu is not the %zu probes in "
		    "hops plus probes_past_end %llu", (unsigned long long)sent,
		    inhops, (unsigned long long)past);
		return NULL;
	}
	n = strlen(file);
	if ((b = calloc(1, sizeof(*b) + n + 1)) == NULL) {
		lh_err(c->err, c->errlen, "out of memory");
		return NULL;
	}
	t = &b->t;
	memcpy(b->file, file, n + 1);
	t->file = b->file;
	t->nprobes = (size_t)sent;
	t->probes = calloc(t->nprobes ? t->nprobes : 1, sizeof(*t->probes));
	t->hops = calloc(json_array_size(hops) ? json_array_size(hops) : 1,
	    sizeof(*t->hops));
	if (t->probes == NULL || t->hops == NULL) {
		lh_err(c->err, c->errlen, "out of memory");
		goto fail;
	}
	if (jaddr(c, to, path, "src", F_REQ, &t->src) < 0 ||
	    jaddr(c, to, path, "dst", F_REQ, &t->dst) < 0 ||
	    jenum(c, to, path, "method", F_REQ, method_names,
	    NELEM(method_names), &m) < 0 ||
	    jenum(c, to, path, "stop_reason", F_REQ, stop_names,
	    NELEM(stop_names), &stop) < 0 ||
	    jtime(c, to, path, "start", &t->first_ns) < 0 ||
	    (hi = ju16(c, to, path, "icmp_id", 0, &t->echo_id)) < 0 ||
	    (hs = ju16(c, to, path, "sport", 0, &sport)) < 0 ||
	    (hd = ju16(c, to, path, "dport", 0, &dport)) < 0 ||
	    jcount(c, to, path, "replies", &t->replies) < 0 ||
	    jcount(c, to, path, "duplicates", &t->dups) < 0 ||
	    jcount(c, to, path, "late", &t->late) < 0 ||
	    jcount(c, to, path, "nat_matched", &t->nat_matched) < 0 ||
	    jcount(c, to, path, "unmatched_replies", &t->orphans) < 0 ||
	    jcount(c, to, path, "ambiguous_replies", &t->ambiguous) < 0 ||
	    jcount(c, to, path, "probes_over_limit", &t->dropped) < 0)
		goto fail;
	if (hs != hd) {
		jbad(c, path, hs ? "dport" : "sport", "missing: a constant "
		    "flow has both ports");
		goto fail;
	}
	if (jstr(c, to, path, "tool", 0, 32, &tool) < 0)
		goto fail;
	t->own = tool != NULL && strcmp(tool, "lasthop") == 0;
	t->method = (enum method)m;
	t->stop = (enum stop_reason)stop;
	t->proto = method_proto((enum method)m);
	if (t->proto == 0 && hi == 1)
		t->proto = IPPROTO_ICMP;	/* an unknown method with an echo id */
	if (hs == 1 && t->proto != IPPROTO_ICMP) {
		t->has_flow = 1;
		t->flow_sport = sport;
		t->flow_dport = dport;
	}
	t->past_dst = past;
	if (read_provenance(c, to, path, t) < 0 ||
	    read_hops(c, hops, path, t) < 0)
		goto fail;
	for (i = 0; i < inhops; i++)	/* inferred: no send time of their own */
		if (t->probes[i].inferred)
			t->probes[i].tx_ns = t->probes[i].rx_ns = t->first_ns;
	/* The probes past the end: unanswered placeholders after the hops. */
	last_ttl = t->nhops ? t->hops[t->nhops - 1].ttl : 0;
	for (i = inhops; i < t->nprobes; i++) {
		t->probes[i].ttl = last_ttl < 255 ? last_ttl + 1 : 255;
		t->probes[i].tx_ns = t->first_ns;
	}
	t->last_ns = t->first_ns;
	for (i = 0; i < inhops; i++)
		if (t->probes[i].tx_ns > t->last_ns)
			t->last_ns = t->probes[i].tx_ns;
	if (read_analysis(c, to, path, t) < 0)
		goto fail;
	return t;
fail:
	trace_free(&b->t);
	return NULL;
}

/* ---- files ---- */

static int
read_file_entry(const struct jctx *c, const json_t *fo, const char *path,
    struct jsonin_file *f)
{
	struct engine_stats *st = &f->st;
	json_t *ig = NULL;
	const char *p = NULL, *rd = NULL, *w = NULL;
	char ip[PATHLEN];
	json_int_t rejected = 0;
	int complete = 0;

	if (jobject(c, fo, path) != 0 ||
	    jstr(c, fo, path, "path", F_REQ, JSONIN_MAX_PATH, &p) < 0 ||
	    jstr(c, fo, path, "reader", F_REQ, 16, &rd) < 0 ||
	    jcount(c, fo, path, "frames", &st->frames) < 0 ||
	    jget(c, fo, path, "ignored", F_REQ, &ig) < 0)
		return -1;
	elem(ip, sizeof(ip), path, "ignored");
	if (jobject(c, ig, ip) != 0 ||
	    jcount(c, ig, ip, "not_ipv4", &st->not_ip) < 0 ||
	    jcount(c, ig, ip, "truncated", &st->truncated) < 0 ||
	    jcount(c, ig, ip, "malformed", &st->malformed) < 0 ||
	    jcount(c, ig, ip, "fragments", &st->fragments) < 0 ||
	    jcount(c, ig, ip, "link_type", &st->bad_linktype) < 0 ||
	    jcount(c, fo, path, "probes", &st->probes) < 0 ||
	    jcount(c, fo, path, "replies_matched", &st->matched) < 0 ||
	    jcount(c, fo, path, "duplicates", &st->dups) < 0 ||
	    jcount(c, fo, path, "unmatched_replies", &st->orphans) < 0 ||
	    jcount(c, fo, path, "ambiguous_replies", &st->ambiguous) < 0 ||
	    jcount(c, fo, path, "traces", &st->traces) < 0 ||
	    jint(c, fo, path, "rejected_replies", 0, 0, INT64_MAX,
	    &rejected) < 0 ||
	    jbool(c, fo, path, "complete", F_REQ, &complete) < 0 ||
	    jstr(c, fo, path, "warning", F_NULL, JSONIN_MAX_NOTE, &w) < 0)
		return -1;
	st->rejected = (uint64_t)rejected;
	if (!complete && w == NULL)
		return jbad(c, path, "warning", "missing: an incomplete file "
		    "says what was wrong");
	f->path = strdup(p);
	f->reader = strdup(rd);
	f->warning = complete ? NULL : strdup(w);
	if (f->path == NULL || f->reader == NULL || (!complete &&
	    f->warning == NULL))
		return lh_err(c->err, c->errlen, "out of memory");
	return 0;
}

/* ---- the result ---- */

void
jsonin_free(struct jsonin *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ntraces; i++)
		trace_free(r->traces[i]);
	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].reader);
		free(r->files[i].warning);
	}
	free(r->traces);
	free(r->files);
	free(r->version);
	free(r);
}

struct trace *
jsonin_take(struct jsonin *r, size_t i)
{
	struct trace *t;

	if (r == NULL || i >= r->ntraces)
		return NULL;
	t = r->traces[i];
	r->traces[i] = NULL;
	return t;
}

void
jsonin_file_summary(const struct jsonin *r, size_t i, struct file_summary *fs)
{
	const struct jsonin_file *f = &r->files[i];

	fs->path = f->path;
	fs->reader = f->reader;
	fs->st = &f->st;
	fs->warning = f->warning;
}

static struct jsonin *
load_root(const struct jctx *c, const json_t *root)
{
	struct jsonin *r;
	json_t *traces = NULL, *files = NULL;
	const char *ver = NULL;
	char p[PATHLEN];
	json_int_t schema = 0;
	size_t i;

	if (!json_is_object(root)) {
		jbad(c, "", NULL, "not a lasthop result (the top level is %s, "
		    "not an object)", jtype(root));
		return NULL;
	}
	if (jstr(c, root, "", "lasthop", F_REQ, 32, &ver) < 0 ||
	    jint(c, root, "", "schema", F_REQ, 1, INT32_MAX, &schema) < 0 ||
	    jarray(c, root, "", "traces", F_REQ, SIZE_MAX / sizeof(void *),
	    &traces) < 0 ||
	    jarray(c, root, "", "files", 0, SIZE_MAX / sizeof(void *) / 2,
	    &files) < 0)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->version = strdup(ver)) == NULL ||
	    (r->traces = calloc(json_array_size(traces) + 1,
	    sizeof(*r->traces))) == NULL ||
	    (r->files = calloc((files ? json_array_size(files) : 0) + 1,
	    sizeof(*r->files))) == NULL) {
		jsonin_free(r);
		lh_err(c->err, c->errlen, "out of memory");
		return NULL;
	}
	r->schema = (int)schema;
	for (i = 0; i < json_array_size(traces); i++) {
		snprintf(p, sizeof(p), "traces[%zu]", i);
		if ((r->traces[i] = read_trace(c, json_array_get(traces, i),
		    p)) == NULL) {
			jsonin_free(r);
			return NULL;
		}
		r->ntraces = i + 1;
	}
	for (i = 0; files != NULL && i < json_array_size(files); i++) {
		snprintf(p, sizeof(p), "files[%zu]", i);
		r->nfiles = i + 1;	/* jsonin_free() frees a partial one */
		if (read_file_entry(c, json_array_get(files, i), p,
		    &r->files[i]) < 0) {
			jsonin_free(r);
			return NULL;
		}
	}
	return r;
}

struct jsonin *
jsonin_load_buffer(const void *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct jctx c = { .name = name, .err = err, .errlen = errlen };
	struct jsonin *r;
	json_error_t je;
	json_t *root;

	root = json_loadb(buf, len, JSONIN_FLAGS, &je);
	if (root == NULL) {
		lh_err(err, errlen, "%s:%d:%d: %s", name, je.line, je.column,
		    je.text);
		return NULL;
	}
	r = load_root(&c, root);
	json_decref(root);
	return r;
}

struct jsonin *
jsonin_load_file(const char *path, char *err, size_t errlen)
{
	struct jctx c = { .name = path, .err = err, .errlen = errlen };
	struct jsonin *r;
	json_error_t je;
	json_t *root;

	if (strcmp(path, "-") == 0) {
		c.name = "<stdin>";
		root = json_loadf(stdin, JSONIN_FLAGS, &je);
	} else
		root = json_load_file(path, JSONIN_FLAGS, &je);
	if (root == NULL) {
		if (je.line <= 0)	/* could not open or read it */
			lh_err(err, errlen, "%s: %s", c.name, je.text);
		else
			lh_err(err, errlen, "%s:%d:%d: %s", c.name, je.line,
			    je.column, je.text);
		return NULL;
	}
	r = load_root(&c, root);
	json_decref(root);
	return r;
}
