/*
 * test_output.c: the JSON writer's strings and numbers against jansson's.
 *
 * The writer streams JSON itself; until it did, jansson dumped a tree with
 * JSON_COMPACT | JSON_REAL_PRECISION(12), and results, goldens and the
 * JSON reader hold those bytes.  A trace is written with a chosen file name
 * (a string member) and chosen round-trip times (real members), and each
 * value's text is compared with what jansson dumps for the same value:
 * escapes, control characters, multi-byte UTF-8, RTTs from 0 to past the
 * hand-formatted range.  Invalid UTF-8, which jansson refused, comes out
 * with '?' for each byte that begins no valid sequence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lh.h"
#include "model.h"
#include "output.h"

#define NPROBES	32

/* A one-hop trace: file name f, probes answered after rtt_us[i]. */
static struct trace *
make_trace(const char *f, const int64_t *rtt_us, size_t n)
{
	struct trace *t = calloc(1, sizeof(*t));
	char err[LH_ERRLEN];
	size_t i;

	assert_non_null(t);
	t->probes = calloc(n, sizeof(*t->probes));
	assert_non_null(t->probes);
	for (i = 0; i < n; i++) {
		t->probes[i].ttl = 1;
		t->probes[i].tx_ns = 1000000000LL * 1767225600;
		t->probes[i].rx_ns = t->probes[i].tx_ns + rtt_us[i] * 1000;
		t->probes[i].rkind = RK_TIME_EXCEEDED;
		t->probes[i].rtype = 11;
		t->probes[i].raddr = 0x0a000001;
	}
	t->nprobes = n;
	t->src = 0x0a000002;
	t->dst = 0xaf2db047;
	t->proto = 17;
	t->method = M_UDP;
	t->file = f;
	assert_int_equal(trace_build_hops(t, err, sizeof(err)), 0);
	return t;
}

/* The JSON of t (no analysis), NUL-terminated, malloc'd. */
static char *
write_json(const struct trace *t)
{
	struct writer w;
	char err[LH_ERRLEN], *buf = NULL;
	size_t len = 0;

	memset(&w, 0, sizeof(w));
	w.ops = writer_find("json");
	assert_non_null(w.ops);
	w.fp = open_memstream(&buf, &len);
	assert_non_null(w.fp);
	assert_int_equal(w.ops->begin(&w, err, sizeof(err)), 0);
	assert_int_equal(w.ops->trace(&w, t, err, sizeof(err)), 0);
	assert_int_equal(w.ops->end(&w, err, sizeof(err)), 0);
	w.ops->free(&w);
	fclose(w.fp);
	return buf;
}

/* What jansson dumps for v (which it owns); NULL for a value it refuses. */
static char *
jansson_text(json_t *v)
{
	char *s;

	if (v == NULL)
		return NULL;
	s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(12) |
	    JSON_ENCODE_ANY);
	json_decref(v);
	assert_non_null(s);
	return s;
}

/* The text of member key's value in json, from where "key": starts at p. */
static size_t
value_len(const char *p)
{
	size_t n = 0;

	if (*p == '"') {
		for (n = 1; p[n] != '"'; n++)
			if (p[n] == '\\')
				n++;
		return n + 1;
	}
	while (p[n] != ',' && p[n] != '}' && p[n] != ']')
		n++;
	return n;
}

static void
check_file_name(const char *name, const char *as_jansson_sees_it)
{
	int64_t rtt = 1000;
	struct trace *t = make_trace(name, &rtt, 1);
	char *json = write_json(t), *want, *p;

	want = jansson_text(json_string(as_jansson_sees_it));
	assert_non_null(want);
	p = strstr(json, "\"file\":");
	assert_non_null(p);
	p += strlen("\"file\":");
	if (value_len(p) != strlen(want) || memcmp(p, want, strlen(want)) != 0)
		fail_msg("file name written as %.*s, jansson: %s",
		    (int)value_len(p), p, want);
	free(want);
	free(json);
	trace_free(t);
}

/* Valid strings: the writer's bytes are jansson's. */
static void
test_strings_as_jansson(void **state)
{
	static const char *const names[] = {
		"", "plain.pcap", "with \"quotes\" and \\backslash\\",
		"tab\there\nnewline\rreturn\bbell\fform", "\x01\x02\x1f\x7f",
		"slash / </script>", "\x1b[31mred\x1b[0m",
		"K\xc3\xa4se \xc3\x9c", "\xe2\x80\x9cJV\xe2\x80\x9d \xe2\x80\x93",
		"\xf0\x9f\x98\x80 emoji", "\xef\xbf\xbd\xef\xbb\xbf",
		"\xe2\x80\xa8 line separator", "\xf4\x8f\xbf\xbf max",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_file_name(names[i], names[i]);
}

/* Invalid UTF-8: '?' for every byte that begins no valid sequence. */
static void
test_invalid_utf8(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "bad\xff", "bad?" },
		{ "\xfe\xff", "??" },
		{ "cut \xe2\x80", "cut ??" },			/* truncated */
		{ "\xc0\xaf overlong", "?? overlong" },
		{ "\xe0\x80\xaf overlong", "??? overlong" },
		{ "\xed\xa0\x80 surrogate", "??? surrogate" },
		{ "\xf4\x90\x80\x80 too big", "???? too big" },
		{ "\x80 lone", "? lone" },
		{ "ok \xc3\xa4 \xc3 \xc3\xa4", "ok \xc3\xa4 ? \xc3\xa4" },
		{ "\xe2\x28\xa1", "?(?" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(json_string(cases[i].in));	/* jansson refused */
		check_file_name(cases[i].in, cases[i].out);
	}
}

/* Round-trip times: the writer's digits are jansson's "%.12g" reals. */
static void
test_rtts_as_jansson(void **state)
{
	static const int64_t rtt[NPROBES] = {
		0, 1, 5, 10, 99, 100, 999, 1000, 1001, 1010, 1100, 1500,
		12345, 123456, 999999, 1000000, 280123, 36000000000LL,
		999999999999LL, 1000000000000LL, 1000000000001LL,
		1234567890123LL, 99999999999999LL, 1234567890123456LL,
		7000000000000000LL, 3600000000LL, 42, 7000, 70000, 700000,
		987654321, 100000000000LL,
	};
	struct trace *t = make_trace("x", rtt, NPROBES);
	char *json = write_json(t), *p = json, *want;
	size_t i, n;

	(void)state;
	for (i = 0; i < NPROBES; i++) {
		p = strstr(p, "\"rtt_ms\":");
		assert_non_null(p);
		p += strlen("\"rtt_ms\":");
		/* the probes are in the order given (one TTL, send order) */
		want = jansson_text(json_real((double)rtt[i] / 1000.0));
		n = value_len(p);
		if (n != strlen(want) || memcmp(p, want, n) != 0)
			fail_msg("rtt %lld us written as %.*s, jansson: %s",
			    (long long)rtt[i], (int)n, p, want);
		free(want);
	}
	free(json);
	trace_free(t);
}

/*
 * Send times: probes within one second share the writer's date and time of
 * day, the rest is written afresh; every "sent" is what fmt_time() says.
 */
static void
test_sent_times(void **state)
{
	static const int64_t tx[] = {
		1767225600LL * 1000000000 + 999999999,
		1767225601LL * 1000000000,
		1767225601LL * 1000000000 + 1000,
		1767225601LL * 1000000000 + 999999000,
		1767225601LL * 1000000000 + 5,
		1767225662LL * 1000000000 + 123456789,
		-1, -1000000000LL - 1000, 0, INT64_MAX, INT64_MIN,
		INT64_MAX - 5, 1767225662LL * 1000000000,
	};
	size_t n = sizeof(tx) / sizeof(tx[0]), i;
	int64_t rtt[16] = { 0 };
	struct trace *t = make_trace("x", rtt, n);
	char *json, *p, want[64];

	(void)state;
	for (i = 0; i < n; i++)
		t->probes[i].tx_ns = tx[i];
	json = write_json(t);
	for (p = json, i = 0; i < n; i++) {
		p = strstr(p, "\"sent\":\"");
		assert_non_null(p);
		p += strlen("\"sent\":\"");
		fmt_time(tx[i], want, sizeof(want));
		if (strncmp(p, want, strlen(want)) != 0 ||
		    p[strlen(want)] != '"')
			fail_msg("sent %lld written as %.30s, fmt_time: %s",
			    (long long)tx[i], p, want);
	}
	free(json);
	trace_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_as_jansson),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_rtts_as_jansson),
		cmocka_unit_test(test_sent_times),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
