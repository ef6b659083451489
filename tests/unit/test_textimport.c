/*
 * test_textimport.c: pasted traceroute text into the path model.  Every
 * sample in tests/textimport/ (real Linux traceroute, tcptraceroute and mtr
 * runs from make-samples.sh; hand-written BSD, macOS, tracert, MPLS and
 * ticket pastes) is read and its hops compared in full; features are
 * checked on small inline texts; every malformed case must fail with its
 * line number.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lh.h"
#include "model.h"
#include "textimport.h"

#define DIR "tests/textimport/"

/* ---- rendering a trace compactly ---- */

/*
 * One probe: "*", or "addr:RTTus" with "!code" for an unreachable,
 * "+echo", "+synack", "+rst", "+tcp", "+paramN", "+sq" for other kinds and
 * "+mpls" when labels are attached.
 */
static void
probe_tok(const struct probe *pr, char *buf, size_t len)
{
	char a[LH_IP4_STRLEN];
	const char *k = "";
	char mark[16] = "";

	if (pr->rkind == RK_NONE) {
		snprintf(buf, len, "*");
		return;
	}
	switch (pr->rkind) {
	case RK_UNREACH:	snprintf(mark, sizeof(mark), "!%u", pr->rcode); break;
	case RK_ECHO_REPLY:	k = "+echo"; break;
	case RK_TCP_SYNACK:	k = "+synack"; break;
	case RK_TCP_RST:	k = "+rst"; break;
	case RK_TCP_OTHER:	k = "+tcp"; break;
	case RK_PARAM_PROBLEM:	snprintf(mark, sizeof(mark), "+param%u", pr->rcode); break;
	case RK_SOURCE_QUENCH:	k = "+sq"; break;
	default:		break;
	}
	snprintf(buf, len, "%s:%lld%s%s%s", lh_ip4_str(pr->raddr, a, sizeof(a)),
	    (long long)((pr->rx_ns - pr->tx_ns) / 1000), mark, k,
	    pr->nmpls ? "+mpls" : "");
}

static void
render(const struct trace *t, char *out, size_t len)
{
	size_t h, i, o = 0;
	char cur[64], prev[64];
	unsigned run;

	out[0] = '\0';
	for (h = 0; h < t->nhops; h++) {
		const struct hop *hp = &t->hops[h];

		o += (size_t)snprintf(out + o, len - o, "%s%u", h ? " | " : "",
		    hp->ttl);
		run = 0;
		prev[0] = '\0';
		for (i = 0; i <= hp->n; i++) {
			if (i < hp->n)
				probe_tok(&t->probes[hp->first + i], cur, sizeof(cur));
			else
				cur[0] = '\0';
			if (i < hp->n && run > 0 && strcmp(cur, prev) == 0) {
				run++;
				continue;
			}
			if (run > 0)
				o += (size_t)snprintf(out + o, len - o,
				    run > 1 ? " %sx%u" : " %s", prev, run);
			snprintf(prev, sizeof(prev), "%s", cur);
			run = 1;
		}
	}
}

/* ---- helpers ---- */

/* Read text (len bytes) as file "t.txt"; returns textimport_read's result. */
static int
rd_opts(const char *text, size_t len, const struct textimport_opts *o,
    struct textimport **ti, char *err)
{
	FILE *fp = tmpfile();
	int rc;

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	rewind(fp);
	err[0] = '\0';
	rc = textimport_read(fp, "t.txt", o, ti, err, LH_ERRLEN);
	fclose(fp);
	return rc;
}

static int
rd(const char *text, struct textimport **ti, char *err)
{
	return rd_opts(text, strlen(text), NULL, ti, err);
}

/* Read text that must import; the rendered hops of trace i. */
static struct textimport *
ok(const char *text)
{
	struct textimport *ti = NULL;
	char err[LH_ERRLEN];

	if (rd(text, &ti, err) != 0)
		fail_msg("import failed: %s", err);
	return ti;
}

static const char *
hops_of(const struct textimport *ti, size_t i)
{
	static char buf[8192];

	assert_true(i < ti->ntraces);
	render(ti->traces[i], buf, sizeof(buf));
	return buf;
}

static uint32_t
ip(const char *s)
{
	unsigned a, b, c, d;

	assert_int_equal(sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
	return a << 24 | b << 16 | c << 8 | d;
}

static const struct probe *
probe_at(const struct trace *t, unsigned ttl, size_t k)
{
	size_t h;

	for (h = 0; h < t->nhops; h++)
		if (t->hops[h].ttl == ttl) {
			assert_true(k < t->hops[h].n);
			return &t->probes[t->hops[h].first + k];
		}
	fail_msg("no hop at TTL %u", ttl);
	return NULL;
}

#define MPLS(l, e, s, t) ((uint32_t)(l) << 12 | (e) << 9 | (s) << 8 | (t))

#define HDR "traceroute to 10.0.0.9 (10.0.0.9), 30 hops max, 60 byte packets\n"

/* ---- every sample, hop by hop ---- */

struct sample {
	const char	*file;
	size_t		 trace;
	enum ti_format	 fmt;
	const char	*src, *dst;
	enum method	 method;
	enum stop_reason stop;
	size_t		 nprobes;
	uint64_t	 replies;
	const char	*hops;
};

static const struct sample samples[] = {
	{ "hand-freebsd-n-prohib.txt", 0, TI_FMT_BSD,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_UNREACHABLE, 8, 8,
	    "1 192.168.1.1:611 192.168.1.1:502 | 2 100.64.0.1:8317 "
	    "100.64.0.1:8020 | 3 219.158.3.1:30870 219.158.3.1:30655 | 4 "
	    "219.158.96.2:32904!10 219.158.96.2:32511!10" },
	{ "hand-headerless-blog.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "0.0.0.0", M_UDP, STOP_CAPTURE_ENDED, 12, 6,
	    "7 219.158.3.1:31204 219.158.3.1:30877 219.158.3.1:31002 | 8 "
	    "219.158.96.2:32911 219.158.96.2:33120 219.158.96.2:32876 | 9 "
	    "*x3 | 10 *x3" },
	{ "hand-linux-mpls-ext.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_UNREACHABLE, 12, 11,
	    "1 100.64.0.1:512 100.64.0.1:401 100.64.0.1:388 | 2 "
	    "219.158.3.1:31204+mpls 219.158.3.1:30877+mpls "
	    "219.158.3.1:31002+mpls | 3 219.158.96.2:32911+mpls "
	    "219.158.98.2:33120+mpls 219.158.98.2:32876+mpls | 4 "
	    "219.158.97.2:35410!13 219.158.97.2:35388!13 *" },
	{ "hand-linux-tabs-bom.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:31 100.64.0.1:5x2 | 2 219.158.3.1:13 "
	    "219.158.3.1:7x2 | 3 219.158.98.2:13 219.158.98.2:8x2 | 4 "
	    "219.158.99.2:16 219.158.99.2:10 219.158.99.2:9 | 5 "
	    "175.45.176.71:15!3 175.45.176.71:11!3 175.45.176.71:13!3" },
	{ "hand-macos-names.txt", 0, TI_FMT_BSD,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 27, 17,
	    "1 192.168.1.1:2451 192.168.1.1:1214 192.168.1.1:1198 | 2 "
	    "100.64.0.1:9874 100.64.0.1:8912 100.64.0.1:9101 | 3 *x3 | 4 "
	    "219.158.3.1:31442 219.158.3.5:30918 219.158.3.5:31007 | 5 "
	    "219.158.96.2:33150 219.158.96.2:32877 * | 6 219.158.97.2:35402 "
	    "219.158.97.2:35911 219.158.97.2:35377 | 7 *x3 | 8 *x3 | 9 "
	    "175.45.176.71:38221!3 175.45.176.71:38104!3 "
	    "175.45.176.71:37952!3" },
	{ "hand-mtr-mpls-multipath.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 60, 47,
	    "1 192.168.1.1:700x10 | 2 100.64.0.1:8400x10 | 3 "
	    "219.158.3.1:31000+mplsx8 219.158.3.5:31000+mpls * | 4 *x10 | 5 "
	    "219.158.97.2:35600x8 *x2 | 6 175.45.176.71:38100+echox10" },
	{ "hand-openbsd-icmp-host-unreach.txt", 0, TI_FMT_BSD,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_UNREACHABLE, 12, 11,
	    "1 192.168.1.1:702 192.168.1.1:488 192.168.1.1:475 | 2 "
	    "100.64.0.1:8622 100.64.0.1:8113 100.64.0.1:8305 | 3 "
	    "219.158.3.1:31016 219.158.3.1:30744 219.158.3.1:30988 | 4 "
	    "219.158.96.2:33010!1 * 219.158.96.2:32881!1" },
	{ "hand-ticket-mixed-crlf.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:24 100.64.0.1:5x2 | 2 219.158.3.1:12 "
	    "219.158.3.1:6 219.158.3.1:7 | 3 219.158.98.2:12 "
	    "219.158.98.2:8x2 | 4 219.158.99.2:16 219.158.99.2:9x2 | 5 "
	    "175.45.176.71:14+echo 175.45.176.71:10+echox2" },
	{ "hand-ticket-mixed-crlf.txt", 1, TI_FMT_MTR,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 50, 50,
	    "1 100.64.0.1:100x10 | 2 219.158.3.1:100x10 | 3 "
	    "219.158.96.2:100x9 219.158.98.2:100 | 4 219.158.99.2:100x9 "
	    "219.158.97.2:100 | 5 175.45.176.71:100!3x10" },
	{ "hand-ticket-mixed-crlf.txt", 2, TI_FMT_TCPTRACEROUTE,
	    "100.64.0.2", "175.45.176.71", M_TCP_SYN, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:74 100.64.0.1:30 100.64.0.1:41 | 2 219.158.3.1:45 "
	    "219.158.3.1:38 219.158.3.1:39 | 3 219.158.96.2:49 "
	    "219.158.96.2:47 219.158.96.2:48 | 4 219.158.97.2:51 "
	    "219.158.97.2:69 219.158.97.2:47 | 5 175.45.176.71:60+synack "
	    "175.45.176.71:65+synack 175.45.176.71:60+synack" },
	{ "hand-tracert-names-crlf.txt", 0, TI_FMT_TRACERT,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 21, 16,
	    "1 192.168.1.1:500x3 | 2 100.64.0.1:8000 100.64.0.1:7000 "
	    "100.64.0.1:9000 | 3 *x3 | 4 219.158.3.1:31000 "
	    "219.158.3.1:30000 219.158.3.1:31000 | 5 219.158.96.2:33000 "
	    "219.158.96.2:32000 219.158.96.2:33000 | 6 * 219.158.97.2:35000 "
	    "* | 7 175.45.176.71:38000+echo 175.45.176.71:37000+echo "
	    "175.45.176.71:38000+echo" },
	{ "hand-tracert-net-unreach.txt", 0, TI_FMT_TRACERT,
	    "0.0.0.0", "192.0.2.1", M_ICMP, STOP_UNREACHABLE, 7, 7,
	    "1 192.168.1.1:500x3 | 2 100.64.0.1:8000 100.64.0.1:7000 "
	    "100.64.0.1:9000 | 3 100.64.0.1:0!0" },
	{ "hand-tracert-utf16le.txt", 0, TI_FMT_TRACERT,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 12, 9,
	    "1 100.64.0.1:500x3 | 2 219.158.3.1:1000 219.158.3.1:500x2 | 3 "
	    "*x3 | 4 175.45.176.71:2000+echo 175.45.176.71:1000+echox2" },
	{ "lab-linux-admin-prohib.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_UNREACHABLE, 12, 12,
	    "1 100.64.0.1:39 100.64.0.1:5 100.64.0.1:4 | 2 219.158.3.1:15 "
	    "219.158.3.1:7x2 | 3 219.158.98.2:14 219.158.98.2:8 "
	    "219.158.96.2:13 | 4 219.158.98.2:12!13 219.158.98.2:9!13 "
	    "219.158.98.2:8!13" },
	{ "lab-linux-ecmp.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 30, 30,
	    "1 100.64.0.1:18 100.64.0.1:5x3 100.64.0.1:4x2 | 2 "
	    "219.158.3.1:11 219.158.3.1:8 219.158.3.1:6x2 219.158.3.1:7 "
	    "219.158.3.1:6 | 3 219.158.98.2:11 219.158.96.2:11 "
	    "219.158.96.2:7 219.158.98.2:8 219.158.98.2:11 219.158.96.2:9 | "
	    "4 219.158.99.2:13 219.158.99.2:10 219.158.99.2:9 "
	    "219.158.97.2:10 219.158.99.2:10 219.158.99.2:9 | 5 "
	    "175.45.176.71:14!3 175.45.176.71:11!3 175.45.176.71:12!3 "
	    "175.45.176.71:11!3x2 175.45.176.71:12!3" },
	{ "lab-linux-host-unreach.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_UNREACHABLE, 15, 15,
	    "1 100.64.0.1:35 100.64.0.1:5x2 | 2 219.158.3.1:16 "
	    "219.158.3.1:7 219.158.3.1:6 | 3 219.158.98.2:12 "
	    "219.158.96.2:12 219.158.98.2:8 | 4 219.158.97.2:16 "
	    "219.158.99.2:12 219.158.99.2:10 | 5 219.158.97.2:13!1 "
	    "219.158.97.2:11!1x2" },
	{ "lab-linux-icmp.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:24 100.64.0.1:5x2 | 2 219.158.3.1:12 "
	    "219.158.3.1:6 219.158.3.1:7 | 3 219.158.98.2:12 "
	    "219.158.98.2:8x2 | 4 219.158.99.2:16 219.158.99.2:9x2 | 5 "
	    "175.45.176.71:14!3 175.45.176.71:10!3x2" },
	{ "lab-linux-net-unreach.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "192.0.2.1", M_UDP, STOP_UNREACHABLE, 18, 1,
	    "1 *x3 | 2 *x3 | 3 *x3 | 4 *x3 | 5 *x3 | 6 * 100.64.0.1:43!0 *" },
	{ "lab-linux-silent.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_GAP_LIMIT, 24, 9,
	    "1 100.64.0.1:36 100.64.0.1:6 100.64.0.1:5 | 2 219.158.3.1:14 "
	    "219.158.3.1:7x2 | 3 219.158.96.2:13 219.158.98.2:12 "
	    "219.158.96.2:8 | 4 *x3 | 5 *x3 | 6 *x3 | 7 *x3 | 8 *x3" },
	{ "lab-linux-tcp.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:442 100.64.0.1:437 100.64.0.1:401 | 2 "
	    "219.158.3.1:381 219.158.3.1:388 219.158.3.1:402 | 3 "
	    "219.158.96.2:417 219.158.98.2:428 219.158.96.2:478 | 4 "
	    "219.158.99.2:473 219.158.97.2:450 219.158.99.2:437 | 5 "
	    "175.45.176.71:428!3 175.45.176.71:393!3 175.45.176.71:375!3" },
	{ "lab-linux-udp-n.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:192 100.64.0.1:7 100.64.0.1:5 | 2 219.158.3.1:14 "
	    "219.158.3.1:8 219.158.3.1:6 | 3 219.158.96.2:76 "
	    "219.158.98.2:22 219.158.96.2:9 | 4 219.158.99.2:23 "
	    "219.158.97.2:11 219.158.97.2:10 | 5 175.45.176.71:16!3 "
	    "175.45.176.71:12!3 175.45.176.71:11!3" },
	{ "lab-linux-udp-names.txt", 0, TI_FMT_LINUX,
	    "0.0.0.0", "175.45.176.71", M_UDP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:31 100.64.0.1:5x2 | 2 219.158.3.1:13 "
	    "219.158.3.1:7x2 | 3 219.158.98.2:13 219.158.98.2:8x2 | 4 "
	    "219.158.99.2:16 219.158.99.2:10 219.158.99.2:9 | 5 "
	    "175.45.176.71:15!3 175.45.176.71:11!3 175.45.176.71:13!3" },
	{ "lab-mtr-admin-prohib.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "0.0.0.0", M_ICMP, STOP_HOP_LIMIT, 12, 12,
	    "1 100.64.0.1:100x3 | 2 219.158.3.1:100x3 | 3 "
	    "219.158.98.2:100x3 | 4 219.158.98.2:100x3" },
	{ "lab-mtr-report-n.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:100x3 | 2 219.158.3.1:100x3 | 3 "
	    "219.158.98.2:100x3 | 4 219.158.99.2:100x3 | 5 "
	    "175.45.176.71:100+echox3" },
	{ "lab-mtr-report-names.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "240.0.0.5", M_ICMP, STOP_COMPLETED, 15, 15,
	    "1 240.0.0.1:100x3 | 2 240.0.0.2:100x3 | 3 240.0.0.3:100x3 | 4 "
	    "240.0.0.4:100x3 | 5 240.0.0.5:100+echox3" },
	{ "lab-mtr-report-wb.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:100x3 | 2 219.158.3.1:100x3 | 3 "
	    "219.158.98.2:100x3 | 4 219.158.99.2:100x3 | 5 "
	    "175.45.176.71:100+echox3" },
	{ "lab-mtr-silent.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "0.0.0.0", M_ICMP, STOP_GAP_LIMIT, 8, 6,
	    "1 100.64.0.1:100x2 | 2 219.158.3.1:100x2 | 3 "
	    "219.158.98.2:100x2 | 4 *x2" },
	{ "lab-mtr-udp-ecmp-wb.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 50, 50,
	    "1 100.64.0.1:100x10 | 2 219.158.3.1:100x10 | 3 "
	    "219.158.96.2:100x9 219.158.98.2:100 | 4 219.158.97.2:100x9 "
	    "219.158.99.2:100 | 5 175.45.176.71:100+echox10" },
	{ "lab-mtr-udp-ecmp.txt", 0, TI_FMT_MTR,
	    "0.0.0.0", "175.45.176.71", M_ICMP, STOP_COMPLETED, 50, 50,
	    "1 100.64.0.1:100x10 | 2 219.158.3.1:100x10 | 3 "
	    "219.158.96.2:100x9 219.158.98.2:100 | 4 219.158.99.2:100x9 "
	    "219.158.97.2:100 | 5 175.45.176.71:100+echox10" },
	{ "lab-tcptraceroute-closed.txt", 0, TI_FMT_TCPTRACEROUTE,
	    "100.64.0.2", "175.45.176.71", M_TCP_SYN, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:64 100.64.0.1:40 100.64.0.1:43 | 2 219.158.3.1:57 "
	    "219.158.3.1:49 219.158.3.1:43 | 3 219.158.96.2:52 "
	    "219.158.96.2:60 219.158.96.2:68 | 4 219.158.97.2:66 "
	    "219.158.97.2:65 219.158.97.2:66 | 5 175.45.176.71:61+rst "
	    "175.45.176.71:63+rst 175.45.176.71:66+rst" },
	{ "lab-tcptraceroute-open.txt", 0, TI_FMT_TCPTRACEROUTE,
	    "100.64.0.2", "175.45.176.71", M_TCP_SYN, STOP_COMPLETED, 15, 15,
	    "1 100.64.0.1:74 100.64.0.1:30 100.64.0.1:41 | 2 219.158.3.1:45 "
	    "219.158.3.1:38 219.158.3.1:39 | 3 219.158.96.2:49 "
	    "219.158.96.2:47 219.158.96.2:48 | 4 219.158.97.2:51 "
	    "219.158.97.2:69 219.158.97.2:47 | 5 175.45.176.71:60+synack "
	    "175.45.176.71:65+synack 175.45.176.71:60+synack" },
};

static void
test_samples(void **state)
{
	struct textimport *ti = NULL;
	const char *loaded = NULL;
	char err[LH_ERRLEN], path[256], a[LH_IP4_STRLEN], b[LH_IP4_STRLEN];
	char buf[8192];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		const struct trace *t;

		if (loaded == NULL || strcmp(loaded, s->file) != 0) {
			textimport_free(ti);
			snprintf(path, sizeof(path), DIR "%s", s->file);
			if (textimport_read_path(path, NULL, &ti, err,
			    sizeof(err)) != 0)
				fail_msg("%s", err);
			loaded = s->file;
			for (n = 0, k = 0; k < sizeof(samples) /
			    sizeof(samples[0]); k++)
				n += strcmp(samples[k].file, s->file) == 0;
			if (ti->ntraces != n)
				fail_msg("%s: %zu traces, expected %zu",
				    s->file, ti->ntraces, n);
		}
		t = ti->traces[s->trace];
		render(t, buf, sizeof(buf));
		if (strcmp(buf, s->hops) != 0)
			fail_msg("%s trace %zu:\n got  %s\n want %s", s->file,
			    s->trace, buf, s->hops);
		assert_int_equal(ti->meta[s->trace].format, s->fmt);
		assert_string_equal(lh_ip4_str(t->src, a, sizeof(a)), s->src);
		assert_string_equal(lh_ip4_str(t->dst, b, sizeof(b)), s->dst);
		assert_int_equal(t->method, s->method);
		assert_int_equal(t->stop, s->stop);
		assert_int_equal(t->nprobes, s->nprobes);
		assert_int_equal(t->replies, s->replies);
		assert_string_equal(t->file, path);
		assert_int_equal(t->proto, s->method == M_UDP ? 17 :
		    s->method == M_ICMP ? 1 : 6);
		/* probes sorted by TTL, then by send time; hops cover them */
		for (k = 1; k < t->nprobes; k++)
			assert_true(t->probes[k].ttl > t->probes[k - 1].ttl ||
			    (t->probes[k].ttl == t->probes[k - 1].ttl &&
			    t->probes[k].tx_ns > t->probes[k - 1].tx_ns));
		assert_int_equal(t->first_ns, t->probes[0].tx_ns);
		assert_int_equal(t->last_ns, t->probes[t->nprobes - 1].tx_ns);
	}
	textimport_free(ti);
}

/* What the samples say beyond hops: names, targets, limits, sources. */
static void
test_sample_meta(void **state)
{
	struct textimport *ti;
	const struct ti_meta *m;
	const struct probe *pr;
	char err[LH_ERRLEN];

	(void)state;
	assert_int_equal(textimport_read_path(DIR "lab-linux-udp-names.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	m = &ti->meta[0];
	assert_int_equal(m->nnames, 5);
	assert_string_equal(textimport_name(ti, 0, ip("175.45.176.71")),
	    "www.kcna.kp");
	assert_string_equal(textimport_name(ti, 0, ip("100.64.0.1")),
	    "gw.isp.example");
	assert_null(textimport_name(ti, 0, ip("219.158.96.2")));
	assert_null(textimport_name(ti, 1, ip("100.64.0.1")));
	assert_string_equal(m->target, "175.45.176.71");
	assert_int_equal(m->max_hops, 8);
	assert_int_equal(m->line, 1);
	assert_int_equal(m->method_source, TI_METHOD_DEFAULT);
	assert_false(m->headerless);
	textimport_free(ti);

	assert_int_equal(textimport_read_path(DIR "hand-macos-names.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	m = &ti->meta[0];
	assert_string_equal(m->target, "www.kcna.kp");
	assert_int_equal(m->max_hops, 64);
	assert_int_equal(m->line, 2);
	assert_string_equal(textimport_name(ti, 0, ip("192.168.1.1")),
	    "router.home");
	assert_null(textimport_name(ti, 0, ip("100.64.0.1")));	/* addr (addr) */
	textimport_free(ti);

	/* mtr by name only: placeholders keep the names */
	assert_int_equal(textimport_read_path(DIR "lab-mtr-report-names.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	m = &ti->meta[0];
	assert_int_equal(m->placeholders, 5);
	assert_true(m->dst_inferred);
	assert_string_equal(textimport_name(ti, 0, ip("240.0.0.5")),
	    "www.kcna.kp");
	assert_string_equal(m->target, "");
	textimport_free(ti);

	/* mtr's start time (+0100) is the synthetic clock's base */
	assert_int_equal(textimport_read_path(DIR "hand-mtr-mpls-multipath.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	assert_int_equal(ti->traces[0]->first_ns, 1709644867LL * 1000000000);
	pr = probe_at(ti->traces[0], 3, 0);
	assert_int_equal(pr->nmpls, 1);
	assert_int_equal(pr->mpls[0], MPLS(24012, 0, 1, 1));
	pr = probe_at(ti->traces[0], 3, 8);
	assert_int_equal(pr->raddr, ip("219.158.3.5"));
	assert_int_equal(pr->mpls[0], MPLS(24020, 0, 1, 1));
	assert_int_equal(probe_at(ti->traces[0], 3, 9)->rkind, RK_NONE);
	assert_int_equal(probe_at(ti->traces[0], 2, 0)->nmpls, 0);
	/* probes 1 ms apart: the synthetic clock */
	assert_int_equal(probe_at(ti->traces[0], 1, 1)->tx_ns -
	    probe_at(ti->traces[0], 1, 0)->tx_ns, TI_SPACING_NS);
	textimport_free(ti);

	/* Linux -e: a stack of two labels, the address printed again */
	assert_int_equal(textimport_read_path(DIR "hand-linux-mpls-ext.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	pr = probe_at(ti->traces[0], 3, 0);
	assert_int_equal(pr->nmpls, 2);
	assert_int_equal(pr->mpls[0], MPLS(16021, 0, 0, 1));
	assert_int_equal(pr->mpls[1], MPLS(24013, 0, 1, 1));
	pr = probe_at(ti->traces[0], 3, 1);
	assert_int_equal(pr->raddr, ip("219.158.98.2"));
	assert_int_equal(pr->mpls[1], MPLS(24013, 0, 1, 2));
	assert_int_equal(probe_at(ti->traces[0], 4, 0)->nmpls, 0);
	assert_string_equal(textimport_name(ti, 0, ip("100.64.0.1")),
	    "_gateway");
	textimport_free(ti);

	/* a ticket: three tools, each trace with its own command line */
	assert_int_equal(textimport_read_path(DIR "hand-ticket-mixed-crlf.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	assert_int_equal(ti->meta[0].method_source, TI_METHOD_COMMAND);
	assert_int_equal(ti->meta[0].line, 7);
	assert_int_equal(ti->meta[1].method_source, TI_METHOD_COMMAND);
	assert_string_equal(ti->meta[1].target, "175.45.176.71");
	assert_false(ti->meta[1].dst_inferred);
	assert_int_equal(ti->meta[2].method_source, TI_METHOD_TOOL);
	assert_true(ti->traces[2]->has_flow);
	assert_int_equal(ti->traces[2]->flow_sport, 36801);
	assert_int_equal(ti->traces[2]->flow_dport, 80);
	assert_int_equal(probe_at(ti->traces[2], 5, 0)->rtcpflags, 0x12);
	textimport_free(ti);

	assert_int_equal(textimport_read_path(DIR "hand-tracert-names-crlf.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	m = &ti->meta[0];
	assert_string_equal(m->target, "www.kcna.kp");
	assert_int_equal(m->max_hops, 30);
	assert_int_equal(m->line, 3);
	assert_string_equal(textimport_name(ti, 0, ip("219.158.96.2")),
	    "ae0-cu2a.bj.cu.example");
	textimport_free(ti);

	assert_int_equal(textimport_read_path(DIR "hand-headerless-blog.txt",
	    NULL, &ti, err, sizeof(err)), 0);
	assert_true(ti->meta[0].headerless);
	assert_int_equal(ti->meta[0].line, 5);
	textimport_free(ti);
}

/* Reading the same text twice gives the same probes: no hidden state. */
static void
test_deterministic(void **state)
{
	struct textimport *a, *b;
	char err[LH_ERRLEN];
	size_t i;

	(void)state;
	assert_int_equal(textimport_read_path(DIR "hand-ticket-mixed-crlf.txt",
	    NULL, &a, err, sizeof(err)), 0);
	assert_int_equal(textimport_read_path(DIR "hand-ticket-mixed-crlf.txt",
	    NULL, &b, err, sizeof(err)), 0);
	assert_int_equal(a->ntraces, b->ntraces);
	for (i = 0; i < a->ntraces; i++) {
		assert_int_equal(a->traces[i]->nprobes, b->traces[i]->nprobes);
		assert_memory_equal(a->traces[i]->probes, b->traces[i]->probes,
		    a->traces[i]->nprobes * sizeof(struct probe));
	}
	textimport_free(a);
	textimport_free(b);
}

/* ---- features on inline text ---- */

/* Every unreachable mark, in Linux and BSD spellings. */
static void
test_marks(void **state)
{
	struct textimport *ti;
	const struct trace *t;
	static const uint8_t c1[] = { 0, 1, 2, 4, 5, 6, 7, 8 };
	static const uint8_t c2[] = { 9, 10, 11, 12, 13, 14, 15, 7 };
	size_t k;

	(void)state;
	ti = ok(HDR
	    " 1  10.0.0.1  1 ms !N  1 ms !H  1 ms !P  1 ms !F  1 ms !S"
	    "  1 ms !U  1 ms !W  1 ms !I\n"
	    " 2  10.0.0.2  1 ms !A  1 ms !Z  1 ms !Q  1 ms !T  1 ms !X"
	    "  1 ms !V  1 ms !C  1 ms !<7>\n"
	    " 3  10.0.0.3  1 ms !F-1500  1 ms !<12-1>  1 ms !<4-0>"
	    "  1 ms !  1 ms  * F=1500\n");
	t = ti->traces[0];
	for (k = 0; k < 8; k++) {
		assert_int_equal(probe_at(t, 1, k)->rkind, RK_UNREACH);
		assert_int_equal(probe_at(t, 1, k)->rtype, 3);
		assert_int_equal(probe_at(t, 1, k)->rcode, c1[k]);
		assert_int_equal(probe_at(t, 2, k)->rcode, c2[k]);
	}
	assert_int_equal(probe_at(t, 3, 0)->rcode, 4);
	assert_int_equal(probe_at(t, 3, 1)->rkind, RK_PARAM_PROBLEM);
	assert_int_equal(probe_at(t, 3, 1)->rcode, 1);
	assert_int_equal(probe_at(t, 3, 2)->rkind, RK_SOURCE_QUENCH);
	assert_int_equal(probe_at(t, 3, 3)->rkind, RK_TIME_EXCEEDED);
	assert_int_equal(probe_at(t, 3, 4)->rkind, RK_TIME_EXCEEDED);
	assert_int_equal(probe_at(t, 3, 5)->rkind, RK_NONE);
	assert_int_equal(t->stop, STOP_UNREACHABLE);
	textimport_free(ti);
}

/* AS lookups, --back, attached "ms", a name that looks like an RTT. */
static void
test_linux_extras(void **state)
{
	struct textimport *ti;

	(void)state;
	ti = ok(HDR
	    " 1  gw (10.0.0.1) [AS64500]  0.5ms '-2'  0.25 ms\n"
	    " 2  12ms (10.0.0.2) [*]  1.000000009 ms  *  (10.0.0.3)  2 ms\n"
	    " 4  10.0.0.9 (10.0.0.9)  3.5 ms  3.25 ms  3.125 ms\n");
	assert_string_equal(hops_of(ti, 0), "1 10.0.0.1:500 10.0.0.1:250 | "
	    "2 10.0.0.2:1000 * 10.0.0.3:2000 | 4 10.0.0.9:3500!3 "
	    "10.0.0.9:3250!3 10.0.0.9:3125!3");
	assert_string_equal(textimport_name(ti, 0, ip("10.0.0.2")), "12ms");
	assert_null(textimport_name(ti, 0, ip("10.0.0.9")));
	assert_int_equal(ti->traces[0]->stop, STOP_COMPLETED);
	textimport_free(ti);

	/* a sub-microsecond RTT is kept to the nanosecond */
	ti = ok(HDR " 1  10.0.0.9  0.000123 ms\n");
	assert_int_equal(ti->traces[0]->probes[0].rx_ns -
	    ti->traces[0]->probes[0].tx_ns, 123);
	textimport_free(ti);
}

/* Pasted command lines set the method, the target, the source. */
static void
test_command_hints(void **state)
{
	struct textimport *ti;
	const struct trace *t;
	struct textimport_opts o = { .src = 0 };
	char err[LH_ERRLEN];
	static const char mtr_rows[] =
	    "HOST: h   Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
	    "  1.|-- 10.0.0.1    0.0%     2    1.0   1.0   1.0   1.0   0.0\n"
	    "  2.|-- 10.0.0.9    0.0%     2    2.0   2.0   2.0   2.0   0.0\n";
	char buf[1024];

	(void)state;
	ti = ok("[me@box ~]$ sudo traceroute -T -p 80 -s 10.0.0.100 "
	    "10.0.0.9\n" HDR " 1  10.0.0.1  1 ms\n 2  10.0.0.9  2 ms\n" HDR
	    " 1  10.0.0.1  1 ms\n");
	t = ti->traces[0];
	assert_int_equal(t->method, M_TCP_SYN);
	assert_int_equal(t->proto, 6);
	assert_int_equal(t->src, ip("10.0.0.100"));
	assert_int_equal(probe_at(t, 2, 0)->rkind, RK_TCP_OTHER);
	assert_int_equal(ti->meta[0].method_source, TI_METHOD_COMMAND);
	/* the hints were used up by the first trace */
	assert_int_equal(ti->traces[1]->method, M_UDP);
	assert_int_equal(ti->traces[1]->src, 0);
	assert_int_equal(ti->meta[1].method_source, TI_METHOD_DEFAULT);
	textimport_free(ti);

	ti = ok("user@h:~$ traceroute -M icmp 10.0.0.9\n" HDR
	    " 1  10.0.0.9  1 ms\n# /usr/sbin/traceroute -nI 10.0.0.9\n" HDR
	    " 1  10.0.0.9  1 ms\n% traceroute --module=tcp 10.0.0.9\n" HDR
	    " 1  10.0.0.9  1 ms\n$ traceroute -P udp 10.0.0.9\n" HDR
	    " 1  10.0.0.9  1 ms\nI ran traceroute -I from here:\n" HDR
	    " 1  10.0.0.9  1 ms\n");
	assert_int_equal(ti->ntraces, 5);
	assert_int_equal(ti->traces[0]->method, M_ICMP);
	assert_int_equal(ti->traces[0]->probes[0].rkind, RK_ECHO_REPLY);
	assert_int_equal(ti->traces[1]->method, M_ICMP);
	assert_int_equal(ti->traces[2]->method, M_TCP_SYN);
	assert_int_equal(ti->traces[3]->method, M_UDP);
	assert_int_equal(ti->meta[3].method_source, TI_METHOD_COMMAND);
	assert_int_equal(ti->traces[4]->method, M_UDP);	/* prose, not a command */
	assert_int_equal(ti->meta[4].method_source, TI_METHOD_DEFAULT);
	textimport_free(ti);

	/* mtr: the target comes from the command; -T, -u */
	snprintf(buf, sizeof(buf), "$ mtr -rwT 10.0.0.9\n%s$ mtr --report "
	    "--udp 10.0.0.8\n%s%s", mtr_rows, mtr_rows, mtr_rows);
	ti = ok(buf);
	assert_int_equal(ti->ntraces, 3);
	assert_int_equal(ti->traces[0]->method, M_TCP_SYN);
	assert_int_equal(ti->traces[0]->dst, ip("10.0.0.9"));
	assert_false(ti->meta[0].dst_inferred);
	assert_int_equal(ti->traces[1]->method, M_UDP);
	assert_int_equal(ti->traces[1]->dst, ip("10.0.0.8"));
	assert_int_equal(ti->traces[1]->stop, STOP_HOP_LIMIT);	/* not reached */
	assert_int_equal(ti->traces[2]->method, M_ICMP);
	assert_int_equal(ti->traces[2]->dst, ip("10.0.0.9"));
	assert_true(ti->meta[2].dst_inferred);
	textimport_free(ti);

	/* the caller's source address, unless the text names one */
	o.src = ip("192.0.2.7");
	assert_int_equal(rd_opts(HDR " 1  10.0.0.9  1 ms\n",
	    strlen(HDR " 1  10.0.0.9  1 ms\n"), &o, &ti, err), 0);
	assert_int_equal(ti->traces[0]->src, ip("192.0.2.7"));
	textimport_free(ti);

	/* cmd.exe prompt glued to the command */
	ti = ok("C:\\Users\\me>tracert -d 10.0.0.9\n\nTracing route to 10.0.0.9 "
	    "over a maximum of 30 hops\n\n  1    <1 ms    <1 ms    <1 ms  "
	    "10.0.0.9\n\nTrace complete.\n");
	assert_string_equal(hops_of(ti, 0), "1 10.0.0.9:500+echox3");
	textimport_free(ti);
}

/* mtr: chosen columns, scaled counts, ipinfo rows, cut hosts, garbled S. */
static void
test_mtr_variants(void **state)
{
	struct textimport *ti;
	const struct probe *pr;
	static const char nul_line[] = "HOST: h  Loss%  Snt  Avg\n"
	    "  1.|-- 10.0.0.1  0.0%  1  1.0\n"
	    "    |  |+-- [MPLS: Lbl 100 Exp 0 S \0u TTL 1]\n"
	    "    |   +-- [MPLS: Lbl 200 Exp 1 S \1u TTL 2]\n";
	char err[LH_ERRLEN];

	(void)state;
	/* mtr -o "LSRDNBAW": Rcv gives the answers, Avg the RTT */
	ti = ok("HOST: h  Loss%  Snt  Rcv  Drop  Last  Best   Avg  Wrst\n"
	    "  1.|-- 10.0.0.1  33.3%  3  2  1  0.5  0.4  0.6  0.9\n"
	    "  2.|-- 10.0.0.9   0.0%  2  2  0  1.5  1.4  1.6  1.9\n");
	assert_string_equal(hops_of(ti, 0),
	    "1 10.0.0.1:600x2 * | 2 10.0.0.9:1600+echox2");
	textimport_free(ti);

	/* Drop and Rcv without Snt; Last when there is no Avg */
	ti = ok("HOST: h  Drop  Rcv  Last\n"
	    "  1.|-- 10.0.0.1  1  3  0.7\n");
	assert_string_equal(hops_of(ti, 0), "1 10.0.0.1:700+echox3 *");
	textimport_free(ti);

	/* Snt over TI_MTR_MAX_PROBES: scaled, the loss ratio kept */
	ti = ok("HOST: h  Loss%  Snt  Avg\n"
	    "  1.|-- 10.0.0.1  12.5%  1000  2.0\n"
	    "  2.|-- 10.0.0.2  99.9%  1000  2.0\n");
	assert_string_equal(hops_of(ti, 0), "1 10.0.0.1:2000x88 *x12 | "
	    "2 10.0.0.2:2000+echo *x99");
	textimport_free(ti);

	/* mtr -z: an AS column, responders without "|--" */
	ti = ok("HOST: h                Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
	    "  1. AS???    10.0.0.1   0.0%     4    0.1   0.2   0.1   0.3   0.1\n"
	    "     AS64500  10.0.0.5\n"
	    "  2. AS64501  10.0.0.9   0.0%     4    1.0   1.0   1.0   1.0   0.0\n");
	assert_string_equal(hops_of(ti, 0),
	    "1 10.0.0.1:200x3 10.0.0.5:200 | 2 10.0.0.9:1000+echox4");
	textimport_free(ti);

	/* a host cut by mtr's column width keeps its name, not its address */
	ti = ok("HOST: h                           Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
	    "  1.|-- very-long-router-name.example.net (10.0.0.   0.0%     1    0.1   0.1   0.1   0.1   0.0\n");
	assert_int_equal(ti->meta[0].placeholders, 1);
	assert_string_equal(textimport_name(ti, 0, ip("240.0.0.1")),
	    "very-long-router-name.example.net");
	textimport_free(ti);

	/* "S %cu": a NUL (0), a \1 (1) */
	assert_int_equal(rd_opts(nul_line, sizeof(nul_line) - 1, NULL, &ti,
	    err), 0);
	pr = ti->traces[0]->probes;
	assert_int_equal(pr->nmpls, 2);
	assert_int_equal(pr->mpls[0], MPLS(100, 0, 0, 1));
	assert_int_equal(pr->mpls[1], MPLS(200, 1, 1, 2));
	textimport_free(ti);

	/* the NUL lost in a paste ("S u"): the last label is the bottom */
	ti = ok("HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  1  1.0\n"
	    "    |  |+-- [MPLS: Lbl 100 Exp 0 S u TTL 1]\n"
	    "    |  |+-- [MPLS: Lbl 300 Exp 0 S u TTL 1]\n");
	pr = ti->traces[0]->probes;
	assert_int_equal(pr->mpls[0], MPLS(100, 0, 0, 1));
	assert_int_equal(pr->mpls[1], MPLS(300, 0, 1, 1));
	textimport_free(ti);

	/* an old ctime "Start:" has no zone: the clock starts at 0 */
	ti = ok("Start: Thu Nov 25 15:15:20 2021\nHOST: h  Loss%  Snt  Avg\n"
	    "  1.|-- ???  100.0  2  0.0\n  2.|-- 10.0.0.9  0.0%  2  3.0\n");
	assert_int_equal(ti->traces[0]->first_ns, 0);
	assert_string_equal(hops_of(ti, 0), "1 *x2 | 2 10.0.0.9:3000+echox2");
	textimport_free(ti);
	/* a start time beyond int64 nanoseconds is ignored too */
	ti = ok("Start: 4052-11-27T09:04:40+0000\nHOST: h  Loss%  Snt  Avg\n"
	    "  1.|-- 10.0.0.9  0.0%  1  3.0\n");
	assert_int_equal(ti->traces[0]->first_ns, 0);
	textimport_free(ti);
	ti = ok("Start: 2200-12-31T23:59:59-1400\nHOST: h  Loss%  Snt  Avg\n"
	    "  1.|-- 10.0.0.9  0.0%  1  3.0\n");
	assert_int_equal(ti->traces[0]->first_ns, 7289704799LL * 1000000000);
	textimport_free(ti);

	/* the last row's address was seen before: not the destination */
	ti = ok("HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  1  1.0\n"
	    "  2.|-- 10.0.0.2  0.0%  1  1.0\n  3.|-- 10.0.0.2  0.0%  1  1.0\n");
	assert_int_equal(ti->traces[0]->dst, 0);
	assert_int_equal(ti->traces[0]->stop, STOP_HOP_LIMIT);
	textimport_free(ti);

	/* a row with Snt 0 holds no probes */
	ti = ok("HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  0  0.0\n"
	    "  2.|-- 10.0.0.9  0.0%  1  1.0\n");
	assert_string_equal(hops_of(ti, 0), "2 10.0.0.9:1000+echo");
	textimport_free(ti);
}

/* tracert: "<1ms", partial answers, reports, failures. */
static void
test_tracert_variants(void **state)
{
	struct textimport *ti;

	(void)state;
	ti = ok("Tracing route to host.example [10.0.0.9]\r\n"
	    "over a maximum of 5 hops:\r\n\r\n"
	    "  1    <1ms     2ms      *     10.0.0.1\r\n"
	    "  2  General failure.\r\n"
	    "  3     *        *        *     Transmit error: code 1231.\r\n"
	    "  4     *     10.0.0.4  reports: Destination host unreachable.\r\n"
	    "\r\nTrace complete.\r\n");
	assert_string_equal(hops_of(ti, 0), "1 10.0.0.1:500 10.0.0.1:2000 * | "
	    "2 * | 3 *x3 | 4 * 10.0.0.4:0!1");
	assert_int_equal(ti->meta[0].max_hops, 5);
	assert_int_equal(ti->traces[0]->stop, STOP_UNREACHABLE);
	textimport_free(ti);

	ti = ok("Tracing route to 10.0.0.9 over a maximum of 30 hops\n\n"
	    "  1    1 ms    1 ms    1 ms  10.0.0.1\n"
	    "  2  10.0.0.1  reports: Destination protocol unreachable.\n"
	    "Tracing route to 10.0.0.8 over a maximum of 30 hops\n\n"
	    "  1  10.0.0.1  reports: Communication administratively "
	    "prohibited.\n"
	    "Tracing route to 10.0.0.7 over a maximum of 30 hops\n\n"
	    "  1  10.0.0.7  reports: Destination port unreachable.\n"
	    "  2  Destination net unreachable.\n");
	assert_int_equal(ti->ntraces, 3);
	assert_int_equal(probe_at(ti->traces[0], 2, 0)->rcode, 2);
	assert_int_equal(probe_at(ti->traces[1], 1, 0)->rcode, 13);
	assert_int_equal(probe_at(ti->traces[2], 1, 0)->rcode, 3);
	assert_int_equal(ti->traces[2]->stop, STOP_COMPLETED);
	textimport_free(ti);

	/* hop lines without a header, tracert style */
	ti = ok("  1    <1 ms    <1 ms    <1 ms  192.168.1.1\n"
	    "  2    12 ms    11 ms    12 ms  10.0.0.1\n");
	assert_int_equal(ti->meta[0].format, TI_FMT_TRACERT);
	assert_true(ti->meta[0].headerless);
	assert_string_equal(hops_of(ti, 0),
	    "1 192.168.1.1:500x3 | 2 10.0.0.1:12000 10.0.0.1:11000 "
	    "10.0.0.1:12000");
	textimport_free(ti);
}

/* Line ends, encodings, junk around the trace. */
static void
test_text_encodings(void **state)
{
	struct textimport *ti;
	char err[LH_ERRLEN];
	static const char be[] = "\xfe\xff\0t\0r\0a\0c\0e\0r\0o\0u\0t\0e\0 "
	    "\0t\0o\0 \0""1\0.\0""1\0.\0""1\0.\0""1\0,\0 \0""3\0 \0h\0o\0p\0s"
	    "\0 \0m\0a\0x\0\n\0 \0""1\0 \0""1\0.\0""1\0.\0""1\0.\0""1\0 \0""1"
	    "\0 \0m\0s\0\r";
	static const char junk[] = "\0\0\0binary\0junk\n"
	    HDR " 1  10.0.0.9  1 ms\n";
	char *big;
	size_t n;

	(void)state;
	/* CR only (classic Mac), and a trace header after prose */
	ti = ok("Some text\r" HDR "\r 1  10.0.0.1  1 ms\r 2  10.0.0.9  2 ms\r");
	assert_string_equal(hops_of(ti, 0), "1 10.0.0.1:1000 | "
	    "2 10.0.0.9:2000!3");
	textimport_free(ti);

	/* UTF-16 big-endian with its byte order mark */
	assert_int_equal(rd_opts(be, sizeof(be) - 1, NULL, &ti, err), 0);
	assert_string_equal(hops_of(ti, 0), "1 1.1.1.1:1000!3");
	assert_int_equal(ti->meta[0].max_hops, 3);
	textimport_free(ti);

	/* NUL bytes outside a trace are skipped with their line */
	assert_int_equal(rd_opts(junk, sizeof(junk) - 1, NULL, &ti, err), 0);
	assert_int_equal(ti->ntraces, 1);
	textimport_free(ti);

	/* a 1 MB line (no newline) before the trace is skipped */
	n = 1 << 20;
	big = malloc(n + sizeof(HDR) + 32);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big + n, "\n" HDR " 1  10.0.0.9  1 ms\n",
	    strlen("\n" HDR " 1  10.0.0.9  1 ms\n") + 1);
	assert_int_equal(rd(big, &ti, err), 0);
	assert_int_equal(ti->traces[0]->nprobes, 1);
	textimport_free(ti);
	free(big);
}

/* How each trace ends: reached, unreachable, loop, gap, hop limit, cut. */
static void
test_stop_reasons(void **state)
{
	struct textimport *ti;
	struct textimport_opts o = { .gap_limit = 2 };
	static const char gap[] = HDR " 1  10.0.0.1  1 ms\n 2  * * *\n"
	    " 3  * * *\n";
	char err[LH_ERRLEN];

	(void)state;
	/* at the header's hop limit, still answering */
	ti = ok("traceroute to 10.0.0.9 (10.0.0.9), 2 hops max, 60 byte "
	    "packets\n 1  10.0.0.1  1 ms\n 2  10.0.0.2  1 ms\n");
	assert_int_equal(ti->traces[0]->stop, STOP_HOP_LIMIT);
	textimport_free(ti);
	/* the paste stops in silent hops before the limit: cut */
	ti = ok(gap);
	assert_int_equal(ti->traces[0]->stop, STOP_CAPTURE_ENDED);
	textimport_free(ti);
	/* ... unless the caller's gap limit is reached */
	assert_int_equal(rd_opts(gap, strlen(gap), &o, &ti, err), 0);
	assert_int_equal(ti->traces[0]->stop, STOP_GAP_LIMIT);
	textimport_free(ti);
	/* a router at two TTLs with another between */
	ti = ok(HDR " 1  10.0.0.1  1 ms\n 2  10.0.0.2  1 ms\n"
	    " 3  10.0.0.1  1 ms\n 4  10.0.0.2  1 ms\n");
	assert_int_equal(ti->traces[0]->stop, STOP_LOOP);
	textimport_free(ti);
}

static void
test_small_api(void **state)
{
	static const char pcap[] = "\xd4\xc3\xb2\xa1\x02\0\x04\0";

	(void)state;
	assert_string_equal(textimport_format_name(TI_FMT_LINUX), "linux");
	assert_string_equal(textimport_format_name(TI_FMT_BSD), "bsd");
	assert_string_equal(textimport_format_name(TI_FMT_TCPTRACEROUTE),
	    "tcptraceroute");
	assert_string_equal(textimport_format_name(TI_FMT_MTR), "mtr");
	assert_string_equal(textimport_format_name(TI_FMT_TRACERT), "tracert");
	assert_string_equal(textimport_format_name((enum ti_format)0),
	    "unknown");
	assert_null(textimport_name(NULL, 0, 1));
	textimport_free(NULL);

	assert_true(textimport_sniff(HDR, strlen(HDR)));
	assert_true(textimport_sniff("x\r\n  Tracing route to a [1.2.3.4]\r\n",
	    34));
	assert_true(textimport_sniff("Start: x\nHOST: h  Loss%  Snt\n", 29));
	assert_true(textimport_sniff("Tracing the path to 1.2.3.4 on TCP", 34));
	assert_false(textimport_sniff(pcap, sizeof(pcap) - 1));
	assert_false(textimport_sniff("traceroute to the rescue\n", 25));
	assert_false(textimport_sniff("", 0));
}

/* ---- malformed text: -1 with the file, the line and the reason ---- */

struct bad {
	const char	*text;
	const char	*msg;	/* expected error message */
};

static const struct bad bads[] = {
	/* TTLs */
	{ HDR " 1  10.0.0.1  1 ms\n 1  10.0.0.2  1 ms\n",
	  "t.txt:3: TTL 1 after TTL 1: hop lines out of order" },
	{ HDR " 5  10.0.0.1  1 ms\n 3  10.0.0.2  1 ms\n",
	  "t.txt:3: TTL 3 after TTL 5: hop lines out of order" },
	{ HDR " 0  10.0.0.1  1 ms\n", "t.txt:2: TTL 0 is out of range 1..255" },
	{ HDR "256  10.0.0.1  1 ms\n",
	  "t.txt:2: TTL 256 is out of range 1..255" },
	{ HDR "99999999999999999999  10.0.0.1  1 ms\n",
	  "t.txt:2: TTL 99999999999999999999 is out of range 1..255" },
	{ HDR " 1x  10.0.0.1  1 ms\n", "t.txt:2: '1x' is not a TTL" },
	/* addresses */
	{ HDR " 1  10.0.0.256  1 ms\n", "t.txt:2: '10.0.0.256' is not an "
	  "IPv4 address, a round-trip time or '*'" },
	{ HDR " 1  router  1 ms\n", "t.txt:2: 'router' is not an IPv4 "
	  "address, a round-trip time or '*'" },
	{ HDR " 1  gw (10.0.0)  1 ms\n",
	  "t.txt:2: '10.0.0' is not an IPv4 address" },
	{ HDR " 1  gw (10.0.0.1  1 ms\n",
	  "t.txt:2: '(10.0.0.1' is not an address in parentheses" },
	{ HDR " 1  gw (2001:db8::1)  1 ms\n", "t.txt:2: IPv6 address "
	  "'2001:db8::1': only IPv4 traces can be imported" },
	{ HDR " 1  10.0.0.1\n", "t.txt:2: address without a round-trip time" },
	{ HDR " 1  10.0.0.1 10.0.0.2  1 ms\n", "t.txt:2: address without a "
	  "round-trip time before '10.0.0.2'" },
	{ HDR " 1  1 ms\n", "t.txt:2: round-trip time before any address" },
	/* round-trip times */
	{ HDR " 1  10.0.0.1  1.2.3 ms\n",
	  "t.txt:2: round-trip time '1.2.3' is not a number" },
	{ HDR " 1  10.0.0.1  abc ms\n",
	  "t.txt:2: round-trip time 'abc' is not a number" },
	{ HDR " 1  10.0.0.1  -0.5 ms\n",
	  "t.txt:2: round-trip time '-0.5' is not a number" },
	{ HDR " 1  10.0.0.1  3600000.001 ms\n", "t.txt:2: round-trip time "
	  "3600000.001 ms is out of range 0..3600000 ms" },
	{ HDR " 1  10.0.0.1  0.512\n",
	  "t.txt:2: round-trip time '0.512' without 'ms'" },
	/* marks and extensions */
	{ HDR " 1  10.0.0.1  1 ms !Y\n", "t.txt:2: unknown mark '!Y'" },
	{ HDR " 1  10.0.0.1  1 ms !<300>\n", "t.txt:2: unknown mark '!<300>'" },
	{ HDR " 1  10.0.0.1  1 ms !<5-0>\n", "t.txt:2: unknown mark '!<5-0>'" },
	{ HDR " 1  * !H\n", "t.txt:2: mark '!H' without a reply before it" },
	{ HDR " 1  10.0.0.1  1 ms !H !X\n",
	  "t.txt:2: mark '!X' without a reply before it" },
	{ HDR " 1  10.0.0.1 <MPLS:L=1,E=0,S=1,T=1  1 ms\n",
	  "t.txt:2: '<MPLS:L=1,E=0,S=1,T=1' is not closed by '>'" },
	{ HDR " 1  10.0.0.1 <MPLS:L=1048576,E=0,S=1,T=1>  1 ms\n",
	  "t.txt:2: malformed MPLS extension '<MPLS:L=1048576,E=0,S=1,T=1>'" },
	{ HDR " 1  10.0.0.1 <MPLS:L=1,E=8,S=1,T=1>  1 ms\n",
	  "t.txt:2: malformed MPLS extension '<MPLS:L=1,E=8,S=1,T=1>'" },
	{ HDR " 1  10.0.0.1 <MPLS:E=0>  1 ms\n",
	  "t.txt:2: malformed MPLS extension '<MPLS:E=0>'" },
	{ HDR " 1  [AS1] 10.0.0.1  1 ms\n",
	  "t.txt:2: '[AS1]' before any address" },
	{ HDR " 1\n", "t.txt:2: hop 1 has no probes" },
	{ HDR " 1  10.0.0.1  1 ms\n    10.0.0.2\n",
	  "t.txt:3: address without a round-trip time" },
	/* headers */
	{ "traceroute to x (2001:db8::1), 30 hops max, 80 byte packets\n",
	  "t.txt:1: IPv6 address '2001:db8::1': only IPv4 traces can be "
	  "imported" },
	{ "traceroute6 to x (2001:db8::1), 30 hops max, 80 byte packets\n",
	  "t.txt:1: IPv6 traceroute: only IPv4 traces can be imported" },
	{ "traceroute to host, 30 hops max, 60 byte packets\n",
	  "t.txt:1: 'host' is not an IPv4 address" },
	{ "traceroute to x (10.0.0.9), 300 hops max, 60 byte packets\n",
	  "t.txt:1: '300 hops' is out of range 1..255" },
	{ "Tracing route to x [fe80::1]\n", "t.txt:1: IPv6 address 'fe80::1': "
	  "only IPv4 traces can be imported" },
	{ "Tracing route to x [10.0.0.9]\nover a maximum of 0 hops:\n",
	  "t.txt:2: '0' hops is out of range 1..255" },
	{ "Tracing the path to 10.0.0.9 on TCP port 99999, 30 hops max\n",
	  "t.txt:1: port '99999,' is out of range 1..65535" },
	{ "HOST: h  Loss%  Last  Avg\n", "t.txt:1: mtr report without a Snt "
	  "column (or Drop and Rcv): probe counts unknown" },
	/* mtr rows */
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  150.0%  3  1.0\n",
	  "t.txt:2: loss '150.0%' is not a percentage 0..100" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  3\n",
	  "t.txt:2: mtr row with fewer than 3 columns after the host" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  x  1.0\n",
	  "t.txt:2: count 'x' is not a number" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  10000001  1.0\n",
	  "t.txt:2: count '10000001' is out of range 0..10000000" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  3  1e3\n",
	  "t.txt:2: round-trip time '1e3' is not a number" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- a b c  0.0%  3  1.0\n",
	  "t.txt:2: 'a' is not an mtr host" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  3  1.0\n"
	  "  1.|-- 10.0.0.2  0.0%  3  1.0\n",
	  "t.txt:3: TTL 1 after TTL 1: hop lines out of order" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  3  1.0\n"
	  "    |   +-- [MPLS: Lbl x Exp 0 S 1 TTL 1]\n",
	  "t.txt:3: malformed MPLS label 'x'" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- 10.0.0.1  0.0%  3  1.0\n"
	  "    |   +-- [MPLS: Lbl 1 Exp 9 S 1 TTL 1]\n",
	  "t.txt:3: malformed MPLS label 'Exp 9'" },
	{ "HOST: h  Loss%  Snt  Avg\n  1.|-- ???  100.0  3  0.0\n"
	  "    |   +-- [MPLS: Lbl 1 Exp 0 S 1 TTL 1]\n",
	  "t.txt:3: MPLS labels for a silent hop" },
	/* tracert */
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n"
	  "  1    1 ms    2 ms    3 ms\n",
	  "t.txt:2: round-trip times without an address" },
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n"
	  "  1    1 ms    2 ms    3 ms  Request timed out.\n",
	  "t.txt:2: round-trip times with 'Request timed out.'" },
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n"
	  "  1    <x ms  10.0.0.1\n",
	  "t.txt:2: round-trip time '<x' is not a number" },
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n"
	  "  1    1 ms  10.0.0.1  says hello\n",
	  "t.txt:2: unexpected 'says hello' after the address" },
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n"
	  "  1  10.0.0.1  reports: Something odd.\n",
	  "t.txt:2: unexpected 'reports: Something odd.' after the address" },
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n"
	  "  1    1 ms  host [10.0.0.1\n",
	  "t.txt:2: '[10.0.0.1' is not an address in brackets" },
	{ "Tracing route to 10.0.0.9 over a maximum of 30 hops\n  1\n",
	  "t.txt:2: hop 1 has no probes" },
	/* damage */
	{ HDR " 1  10.0.0.1  1 ms\n 2  10.0.\0.2  1 ms\n",
	  "t.txt:3: '10.0.?.2' is not an IPv4 address, a round-trip time or "
	  "'*'" },
	/* nothing to import */
	{ "", "t.txt: no traceroute output found" },
	{ "hello\n1 2 3\n\n  world\n", "t.txt: no traceroute output found" },
	{ HDR "\n", "t.txt: no traceroute output found (1 header without hop "
	  "lines)" },
};

/* The texts above hold NULs: their length is up to the last "\n". */
static size_t
bad_len(const struct bad *b)
{
	size_t n = strlen(b->text);

	if (strstr(b->msg, "'10.0.?.2'") != NULL)
		n = strlen(HDR) + strlen(" 1  10.0.0.1  1 ms\n 2  10.0.") + 1 +
		    strlen(".2  1 ms\n");
	return n;
}

static void
test_malformed(void **state)
{
	struct textimport *ti;
	char err[LH_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		ti = (struct textimport *)&ti;	/* must be reset to NULL */
		if (rd_opts(bads[i].text, bad_len(&bads[i]), NULL, &ti, err) !=
		    -1)
			fail_msg("case %zu imported: %s", i, bads[i].msg);
		assert_null(ti);
		if (strcmp(err, bads[i].msg) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, err,
			    bads[i].msg);
	}
	assert_int_equal(textimport_read_path("tests/textimport/nonexistent",
	    NULL, &ti, err, sizeof(err)), -1);
	assert_string_equal(err, "tests/textimport/nonexistent: cannot open: "
	    "No such file or directory");
}

/* ---- hostile sizes: errors, never crashes ---- */

static FILE *
big_file(void)
{
	FILE *fp = tmpfile();

	assert_non_null(fp);
	return fp;
}

static void
expect_error(FILE *fp, const char *msg)
{
	struct textimport *ti;
	char err[LH_ERRLEN];

	rewind(fp);
	assert_int_equal(textimport_read(fp, "t.txt", NULL, &ti, err,
	    sizeof(err)), -1);
	fclose(fp);
	if (strcmp(err, msg) != 0)
		fail_msg("got  %s\nwant %s", err, msg);
}

static void
test_limits(void **state)
{
	FILE *fp;
	size_t i, k;

	(void)state;
	/* a hop of 101 probes */
	fp = big_file();
	fputs(HDR " 1 ", fp);
	for (i = 0; i < 101; i++)
		fputs(" *", fp);
	fputc('\n', fp);
	expect_error(fp, "t.txt:2: more than 100 probes at TTL 1");

	/* a million hop lines: TTL 256 ends it */
	fp = big_file();
	fputs(HDR, fp);
	for (i = 1; i <= 1000000; i++)
		fprintf(fp, "%zu  10.0.0.1  1 ms\n", i);
	expect_error(fp, "t.txt:257: TTL 256 is out of range 1..255");

	/* a line of 1 MB inside a trace */
	fp = big_file();
	fputs(HDR " 1  10.0.0.1  1 ms\n 2 ", fp);
	for (i = 0; i < (1 << 19); i++)
		fputs(" *", fp);
	fputc('\n', fp);
	expect_error(fp, "t.txt:3: line longer than 65536 bytes");

	/* more traces than TI_MAX_TRACES */
	fp = big_file();
	for (i = 0; i <= TI_MAX_TRACES; i++)
		fputs(HDR " 1  *\n", fp);
	expect_error(fp, "t.txt:200001: more than 100000 traces in the file");

	/* more probes than TI_MAX_PROBES: 39 traces of 25500, then 55 hops */
	fp = big_file();
	for (k = 0; k < 40; k++) {
		fputs(HDR, fp);
		for (i = 1; i <= 255; i++) {
			size_t j;

			fprintf(fp, "%zu ", i);
			for (j = 0; j < 100; j++)
				fputs(" *", fp);
			fputc('\n', fp);
		}
	}
	expect_error(fp, "t.txt:10041: more than 1000000 probes in the file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_sample_meta),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_linux_extras),
		cmocka_unit_test(test_command_hints),
		cmocka_unit_test(test_mtr_variants),
		cmocka_unit_test(test_tracert_variants),
		cmocka_unit_test(test_text_encodings),
		cmocka_unit_test(test_stop_reasons),
		cmocka_unit_test(test_small_api),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
