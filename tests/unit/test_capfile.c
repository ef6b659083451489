/*
 * test_capfile.c: capfile reads classic pcap and pcapng (through libpcap and
 * through our own pcapng reader) and reports damaged files by name, record
 * and offset.  Every capture is a byte table below, written to a temp dir.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capfile.h"
#include "lh.h"

/* Multi-byte fields as initializer bytes. */
#define LE16(x)	((x) & 0xff), (((x) >> 8) & 0xff)
#define LE32(x)	((x) & 0xff), (((x) >> 8) & 0xff), (((x) >> 16) & 0xff), \
		(((x) >> 24) & 0xff)
#define BE16(x)	(((x) >> 8) & 0xff), ((x) & 0xff)
#define BE32(x)	(((x) >> 24) & 0xff), (((x) >> 16) & 0xff), \
		(((x) >> 8) & 0xff), ((x) & 0xff)

/* Classic pcap global header: magic, 2.4, zone, sigfigs, snaplen, linktype. */
#define PCAP_HDR_LE(magic, snap, lt) \
	LE32(magic), LE16(2), LE16(4), LE32(0), LE32(0), LE32(snap), LE32(lt)
#define PCAP_HDR_BE(magic, snap, lt) \
	BE32(magic), BE16(2), BE16(4), BE32(0), BE32(0), BE32(snap), BE32(lt)
#define REC_LE(sec, frac, cap, wire) LE32(sec), LE32(frac), LE32(cap), LE32(wire)
#define REC_BE(sec, frac, cap, wire) BE32(sec), BE32(frac), BE32(cap), BE32(wire)

/* pcapng blocks, little-endian unless named _BE. */
#define SHB_LE \
	LE32(0x0a0d0d0a), LE32(28), LE32(0x1a2b3c4d), LE16(1), LE16(0), \
	LE32(0xffffffff), LE32(0xffffffff), LE32(28)
#define SHB_BE \
	BE32(0x0a0d0d0a), BE32(28), BE32(0x1a2b3c4d), BE16(1), BE16(0), \
	BE32(0xffffffff), BE32(0xffffffff), BE32(28)
#define IDB_LE(lt, snap) LE32(1), LE32(20), LE16(lt), LE16(0), LE32(snap), LE32(20)
#define IDB_BE(lt, snap) BE32(1), BE32(20), BE16(lt), BE16(0), BE32(snap), BE32(20)
/* IDB with an if_tsresol option (8 bytes) and opt_endofopt (4 bytes). */
#define IDB_RES_LE(lt, snap, res) \
	LE32(1), LE32(32), LE16(lt), LE16(0), LE32(snap), \
	LE16(9), LE16(1), (res), 0, 0, 0, LE16(0), LE16(0), LE32(32)
/* EPB header; 4 data bytes and the trailing length follow. */
#define EPB4_LE(ifid, tsh, tsl, cap, wire) \
	LE32(6), LE32(36), LE32(ifid), LE32(tsh), LE32(tsl), LE32(cap), LE32(wire)
#define EPB4_BE(ifid, tsh, tsl, cap, wire) \
	BE32(6), BE32(36), BE32(ifid), BE32(tsh), BE32(tsl), BE32(cap), BE32(wire)

#define ETH4	0x00, 0x11, 0x22, 0x33		/* start of a MAC address */
#define IP4	0x45, 0x00, 0x00, 0x54		/* start of an IPv4 header */

/* 1700000000.123456 s in microseconds and nanoseconds, split in halves. */
#define US_HI	0x00060a24
#define US_LO	0x18202240
#define NS_HI	0x17979cfe
#define NS_LO	0x3d85cd15
#define T0_US	1700000000123456000LL
#define T0_NS	1700000000123456789LL

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lh-test-capfile-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (getenv("LH_TEST_KEEP") != NULL)	/* keep the files to look at */
		return 0;
	return system(cmd) == 0 ? 0 : -1;
}

/* Write bytes to tmpdir/name; path receives the file name. */
static void
put(char *path, size_t pathlen, const char *name, const void *b, size_t n)
{
	FILE *f;

	snprintf(path, pathlen, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	if (n > 0)
		assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

#define PUT(path, name, arr) put(path, sizeof(path), name, arr, sizeof(arr))

/* Everything capfile_next gave for one file. */
#define MAXREC 8
struct got {
	int		 n;
	struct caprec	 r[MAXREC];
	uint8_t		 first[MAXREC][4];
	int		 last;		/* the return that ended the loop */
	int		 again;		/* one more call after the end */
	char		 reader[16];
	char		 reader1[16];	/* the reader after the first record */
	char		 err[LH_ERRLEN];
};

static void
drain(const char *path, struct got *g)
{
	struct capfile *cf;
	struct caprec rec;
	char err[LH_ERRLEN];

	memset(g, 0, sizeof(*g));
	cf = capfile_open(path, err, sizeof(err));
	if (cf == NULL)
		fail_msg("open %s: %s", path, err);
	while ((g->last = capfile_next(cf, &rec, g->err, sizeof(g->err))) == 1) {
		assert_true(g->n < MAXREC);
		assert_int_equal(rec.index, (uint64_t)g->n + 1);
		g->r[g->n] = rec;
		memcpy(g->first[g->n], rec.data, rec.caplen < 4 ? rec.caplen : 4);
		if (g->n == 0)
			snprintf(g->reader1, sizeof(g->reader1), "%s",
			    capfile_reader(cf));
		g->n++;
	}
	g->again = capfile_next(cf, &rec, err, sizeof(err));
	snprintf(g->reader, sizeof(g->reader), "%s", capfile_reader(cf));
	capfile_close(cf);
}

/* capfile_open must fail, naming the file and containing what. */
static void
assert_open_fails(const char *path, const char *what)
{
	char err[LH_ERRLEN] = "";
	struct capfile *cf = capfile_open(path, err, sizeof(err));

	if (cf != NULL) {
		capfile_close(cf);
		fail_msg("%s: opened, expected failure", path);
	}
	assert_non_null(strstr(err, path));
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, what);
}

/* A damaged file: n good records, then -1 naming the file with what. */
static void
assert_damaged(const char *path, int n, const char *what)
{
	struct got g;

	drain(path, &g);
	assert_int_equal(g.n, n);
	assert_int_equal(g.last, -1);
	assert_int_equal(g.again, -1);	/* the damage is sticky */
	assert_non_null(strstr(g.err, path));
	if (strstr(g.err, what) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", g.err, what);
}

/* ---- classic pcap ---- */

static const uint8_t pcap_le_us[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(1700000000, 123456, 4, 60), ETH4,
	REC_LE(1700000001, 999999, 6, 6), 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static void
test_pcap_le_usec(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "le-us.pcap", pcap_le_us);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.again, 0);
	assert_string_equal(g.reader, "libpcap");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[0].ts_ns, T0_US);
	assert_int_equal(g.r[0].caplen, 4);
	assert_int_equal(g.r[0].wirelen, 60);
	assert_memory_equal(g.first[0], ((const uint8_t[]){ ETH4 }), 4);
	assert_int_equal(g.r[1].ts_ns, 1700000001999999000LL);
	assert_int_equal(g.r[1].caplen, 6);
	assert_memory_equal(g.first[1], ((const uint8_t[]){ 0xaa, 0xbb, 0xcc, 0xdd }), 4);
}

/* Big-endian, LINKTYPE_RAW (101): libpcap reports DLT_RAW (12 on Linux). */
static const uint8_t pcap_be_us_raw[] = {
	PCAP_HDR_BE(0xa1b2c3d4, 65535, 101),
	REC_BE(1700000000, 123456, 4, 84), IP4,
};

static void
test_pcap_be_usec_raw(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "be-us.pcap", pcap_be_us_raw);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].linktype, DLT_RAW);
	assert_int_equal(g.r[0].ts_ns, T0_US);
	assert_int_equal(g.r[0].wirelen, 84);
	assert_memory_equal(g.first[0], ((const uint8_t[]){ IP4 }), 4);
}

static const uint8_t pcap_le_ns[] = {
	PCAP_HDR_LE(0xa1b23c4d, 65535, 113),
	REC_LE(1700000000, 123456789, 4, 4), 0x00, 0x00, 0x00, 0x01,
};

static const uint8_t pcap_be_ns[] = {
	PCAP_HDR_BE(0xa1b23c4d, 65535, 1),
	REC_BE(1700000000, 123456789, 4, 4), ETH4,
};

static void
test_pcap_nsec(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "le-ns.pcap", pcap_le_ns);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].linktype, DLT_LINUX_SLL);
	assert_int_equal(g.r[0].ts_ns, T0_NS);

	PUT(p, "be-ns.pcap", pcap_be_ns);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[0].ts_ns, T0_NS);
}

/* A record claiming fewer bytes on the wire than it captured. */
static const uint8_t pcap_wire_short[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(1, 0, 4, 2), ETH4,
};

static void
test_pcap_wirelen_below_caplen(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "wire-short.pcap", pcap_wire_short);
	drain(p, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].caplen, 4);
	assert_int_equal(g.r[0].wirelen, 4);
	assert_int_equal(g.r[0].ts_ns, 1000000000LL);
}

/* Seconds 0xffffffff: libpcap reads them signed, one second before 1970. */
static const uint8_t pcap_before_1970[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(0xffffffff, 500000, 4, 4), ETH4,
};

static void
test_pcap_before_1970(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "before-1970.pcap", pcap_before_1970);
	drain(p, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].ts_ns, -500000000LL);
}

/* Snap length 0 and no records: a valid, empty capture. */
static const uint8_t pcap_hdr_only[] = { PCAP_HDR_LE(0xa1b2c3d4, 0, 1) };

static void
test_pcap_header_only(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "hdr-only.pcap", pcap_hdr_only);
	drain(p, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.again, 0);
}

static const uint8_t pcap_trunc_data[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(1, 0, 4, 4), ETH4,
	REC_LE(2, 0, 16, 16), 0x01, 0x02, 0x03,
};

static const uint8_t pcap_trunc_hdr[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(1, 0, 4, 4), ETH4,
	LE32(2), LE32(0), 0x10,
};

static void
test_pcap_truncated(void **state)
{
	char p[PATH_MAX];

	(void)state;
	PUT(p, "trunc-data.pcap", pcap_trunc_data);
	assert_damaged(p, 1, "truncated record 2 at offset 44");
	PUT(p, "trunc-hdr.pcap", pcap_trunc_hdr);
	assert_damaged(p, 1, "truncated record 2");
}

/* First record's caplen runs past the end of the file. */
static const uint8_t pcap_caplen_past_eof[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(1, 0, 1000, 1000), ETH4, ETH4,
};

/* caplen 0xffffffff: libpcap refuses it outright. */
static const uint8_t pcap_caplen_absurd[] = {
	PCAP_HDR_LE(0xa1b2c3d4, 65535, 1),
	REC_LE(1, 0, 0xffffffff, 0xffffffff), ETH4,
};

static void
test_pcap_caplen_too_big(void **state)
{
	char p[PATH_MAX];

	(void)state;
	PUT(p, "caplen-eof.pcap", pcap_caplen_past_eof);
	assert_damaged(p, 0, "truncated");
	PUT(p, "caplen-absurd.pcap", pcap_caplen_absurd);
	assert_damaged(p, 0, "record 1 at offset 24");
}

static void
test_open_errors(void **state)
{
	static const uint8_t badmagic[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
	static const uint8_t shortmagic[] = { 0xd4, 0xc3 };
	static const uint8_t shorthdr[] = { LE32(0xa1b2c3d4), LE16(2), LE16(4) };
	static const uint8_t shortshb[] = { LE32(0x0a0d0d0a), LE32(28), 0x4d };
	static const uint8_t badbom[] = {
		LE32(0x0a0d0d0a), LE32(28), LE32(0x11223344), LE16(1), LE16(0),
		LE32(0), LE32(0), LE32(28),
	};
	static const uint8_t ngv2[] = {
		LE32(0x0a0d0d0a), LE32(28), LE32(0x1a2b3c4d), LE16(2), LE16(0),
		LE32(0), LE32(0), LE32(28),
	};
	char p[PATH_MAX];

	(void)state;
	put(p, sizeof(p), "empty.pcap", "", 0);
	assert_open_fails(p, ": empty file");
	PUT(p, "elf.pcap", badmagic);
	assert_open_fails(p, "not a capture file (bad magic 0x7f454c46)");
	PUT(p, "two-bytes.pcap", shortmagic);
	assert_open_fails(p, "not a capture file");
	PUT(p, "short-hdr.pcap", shorthdr);
	assert_open_fails(p, "truncated");
	PUT(p, "short-shb.pcapng", shortshb);
	assert_open_fails(p, "truncated");
	PUT(p, "bad-bom.pcapng", badbom);
	assert_open_fails(p, "byte-order magic 0x11223344");
	PUT(p, "v2.pcapng", ngv2);
	assert_open_fails(p, "version 2.0");
	snprintf(p, sizeof(p), "%s/does-not-exist.pcap", tmpdir);
	assert_open_fails(p, ": No such file or directory");
	assert_open_fails(tmpdir, "Is a directory");
}

/* ---- pcapng through libpcap ---- */

static const uint8_t ng_one[] = {
	SHB_LE,
	IDB_LE(1, 65535),
	EPB4_LE(0, US_HI, US_LO, 4, 60), ETH4, LE32(36),
	/* 5 data bytes, padded to 8. */
	LE32(6), LE32(40), LE32(0), LE32(US_HI), LE32(US_LO + 1), LE32(5),
	LE32(5), 0xde, 0xad, 0xbe, 0xef, 0x01, 0, 0, 0, LE32(40),
};

static void
test_pcapng_one_interface(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "one.pcapng", ng_one);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader, "libpcap");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[0].ts_ns, T0_US);
	assert_int_equal(g.r[0].wirelen, 60);
	assert_memory_equal(g.first[0], ((const uint8_t[]){ ETH4 }), 4);
	assert_int_equal(g.r[1].ts_ns, T0_US + 1000);
	assert_int_equal(g.r[1].caplen, 5);
	assert_memory_equal(g.first[1], ((const uint8_t[]){ 0xde, 0xad, 0xbe, 0xef }), 4);
}

static const uint8_t ng_res9[] = {
	SHB_LE,
	IDB_RES_LE(1, 0, 9),
	EPB4_LE(0, NS_HI, NS_LO, 4, 4), ETH4, LE32(36),
};

static void
test_pcapng_tsresol_nano(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "res9.pcapng", ng_res9);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader, "libpcap");
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].ts_ns, T0_NS);
}

/* ---- pcapng through our reader ---- */

/*
 * Two interfaces, Ethernet and raw IP: libpcap 1.10 refuses the second
 * IDB, our reader takes over and gives each record its own link type.
 */
static const uint8_t ng_two[] = {
	SHB_LE,
	IDB_LE(1, 65535),
	IDB_LE(101, 65535),
	EPB4_LE(0, US_HI, US_LO, 4, 4), ETH4, LE32(36),
	EPB4_LE(1, US_HI, US_LO + 7, 4, 84), IP4, LE32(36),
	EPB4_LE(0, US_HI, US_LO + 9, 4, 4), 0x01, 0x02, 0x03, 0x04, LE32(36),
};

static void
test_pcapng_two_linktypes(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "two.pcapng", ng_two);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader, "pcapng");
	assert_int_equal(g.n, 3);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[1].linktype, DLT_RAW);
	assert_int_equal(g.r[2].linktype, DLT_EN10MB);
	assert_int_equal(g.r[0].ts_ns, T0_US);
	assert_int_equal(g.r[1].ts_ns, T0_US + 7000);
	assert_int_equal(g.r[2].ts_ns, T0_US + 9000);
	assert_int_equal(g.r[1].wirelen, 84);
	assert_memory_equal(g.first[0], ((const uint8_t[]){ ETH4 }), 4);
	assert_memory_equal(g.first[1], ((const uint8_t[]){ IP4 }), 4);
	assert_memory_equal(g.first[2], ((const uint8_t[]){ 1, 2, 3, 4 }), 4);
}

/* The same file, big-endian. */
static const uint8_t ng_two_be[] = {
	SHB_BE,
	IDB_BE(1, 65535),
	IDB_BE(113, 65535),
	EPB4_BE(1, US_HI, US_LO, 4, 4), 0x00, 0x00, 0x00, 0x01, BE32(36),
	EPB4_BE(0, US_HI, US_LO, 4, 4), ETH4, BE32(36),
};

static void
test_pcapng_big_endian(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "two-be.pcapng", ng_two_be);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader, "pcapng");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].linktype, DLT_LINUX_SLL);
	assert_int_equal(g.r[1].linktype, DLT_EN10MB);
	assert_int_equal(g.r[0].ts_ns, T0_US);
	assert_memory_equal(g.first[1], ((const uint8_t[]){ ETH4 }), 4);
}

/*
 * libpcap reads the first record, then meets the second IDB: our reader
 * takes over in mid-file and carries on with record 2.
 */
static const uint8_t ng_midway[] = {
	SHB_LE,
	IDB_LE(1, 65535),
	EPB4_LE(0, US_HI, US_LO, 4, 4), ETH4, LE32(36),
	IDB_LE(228, 65535),
	EPB4_LE(1, US_HI, US_LO + 1, 4, 4), IP4, LE32(36),
};

static void
test_pcapng_takeover_midway(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "midway.pcapng", ng_midway);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader1, "libpcap");
	assert_string_equal(g.reader, "pcapng");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[1].linktype, DLT_IPV4);
	assert_int_equal(g.r[1].ts_ns, T0_US + 1000);
	assert_memory_equal(g.first[1], ((const uint8_t[]){ IP4 }), 4);
}

/*
 * Our reader's timestamp options: if_tsresol 9 (decimal), 2^-10 (binary)
 * with an if_tsoffset of -100 s; libpcap refuses the mixed link types.
 */
static const uint8_t ng_ts_ours[] = {
	SHB_LE,
	IDB_RES_LE(1, 0, 9),
	/* binary resolution 2^-10, if_tsoffset -100, end of options */
	LE32(1), LE32(44), LE16(101), LE16(0), LE32(0),
	LE16(9), LE16(1), 0x8a, 0, 0, 0,
	LE16(14), LE16(8), LE32(0xffffff9c), LE32(0xffffffff),
	LE16(0), LE16(0), LE32(44),
	EPB4_LE(0, NS_HI, NS_LO, 4, 4), ETH4, LE32(36),
	EPB4_LE(1, 0x195, 0x4fc40200, 4, 4), IP4, LE32(36),
};

static void
test_pcapng_ts_options(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "ts-ours.pcapng", ng_ts_ours);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader, "pcapng");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].ts_ns, T0_NS);
	/* (1700000000 * 1024 + 512) / 1024 s - 100 s */
	assert_int_equal(g.r[1].ts_ns, (1700000000LL - 100) * 1000000000LL +
	    500000000LL);
	assert_int_equal(g.r[1].linktype, DLT_RAW);
}

/*
 * A Simple Packet Block (no timestamp; captured length from the snap
 * length), an obsolete Packet Block, and a block type nobody knows.
 */
static const uint8_t ng_spb_pb[] = {
	SHB_LE,
	IDB_LE(1, 6),
	IDB_LE(101, 0),
	/* SPB: original length 60, snap 6: 6 bytes of the 8 present */
	LE32(3), LE32(24), LE32(60), ETH4, 0x44, 0x55, 0x66, 0x77, LE32(24),
	/* Name Resolution Block, skipped */
	LE32(4), LE32(16), LE16(0), LE16(0), LE32(16),
	/* PB on interface 1, drops 0 */
	LE32(2), LE32(36), LE16(1), LE16(0), LE32(US_HI), LE32(US_LO),
	LE32(4), LE32(20), IP4, LE32(36),
};

static void
test_pcapng_spb_pb(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "spb-pb.pcapng", ng_spb_pb);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_string_equal(g.reader, "pcapng");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[0].ts_ns, 0);
	assert_int_equal(g.r[0].caplen, 6);
	assert_int_equal(g.r[0].wirelen, 60);
	assert_memory_equal(g.first[0], ((const uint8_t[]){ ETH4 }), 4);
	assert_int_equal(g.r[1].linktype, DLT_RAW);
	assert_int_equal(g.r[1].ts_ns, T0_US);
	assert_int_equal(g.r[1].caplen, 4);
	assert_memory_equal(g.first[1], ((const uint8_t[]){ IP4 }), 4);
}

/* An SPB read by libpcap (one interface, snap length 0: no limit). */
static const uint8_t ng_spb_lib[] = {
	SHB_LE,
	IDB_LE(1, 0),
	LE32(3), LE32(20), LE32(4), ETH4, LE32(20),
};

static void
test_pcapng_spb_libpcap(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "spb.pcapng", ng_spb_lib);
	drain(p, &g);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].caplen, 4);
	assert_int_equal(g.r[0].ts_ns, 0);
	assert_memory_equal(g.first[0], ((const uint8_t[]){ ETH4 }), 4);
}

/*
 * Two sections: the second has its own interfaces (SLL2 first), so the
 * second section's interface 1 is not the first section's.
 */
static const uint8_t ng_sections[] = {
	SHB_LE,
	IDB_LE(101, 0),
	IDB_LE(1, 0),
	EPB4_LE(1, 0, 0, 4, 4), ETH4, LE32(36),
	SHB_BE,
	IDB_BE(276, 0),
	EPB4_BE(0, 0, 1000000, 4, 4), 0x08, 0x00, 0x00, 0x00, BE32(36),
	EPB4_BE(1, 0, 0, 4, 4), ETH4, BE32(36),
};

static void
test_pcapng_sections(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "sections.pcapng", ng_sections);
	/* Record 3 names interface 1 of a section with one interface. */
	assert_damaged(p, 2, "record 3 at offset 188: packet on interface 1");
	drain(p, &g);
	assert_int_equal(g.r[0].linktype, DLT_EN10MB);
	assert_int_equal(g.r[1].linktype, DLT_LINUX_SLL2);
	assert_int_equal(g.r[1].ts_ns, 1000000000LL);
}

/* Damaged pcapng files, each after one good record. */
static const uint8_t ng_len_odd[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	LE32(6), LE32(34), LE32(0), LE32(0), LE32(0), LE32(2), LE32(2),
	0x01, 0x02, LE32(34),
};

static const uint8_t ng_len_past_eof[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	LE32(6), LE32(4096), LE32(0), LE32(0), LE32(0), LE32(4), LE32(4),
	ETH4, LE32(4096),
};

static const uint8_t ng_len_mismatch[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(40),
};

static const uint8_t ng_bad_iface[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	EPB4_LE(5, 0, 0, 4, 4), ETH4, LE32(36),
};

static const uint8_t ng_caplen_over[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	EPB4_LE(0, 0, 0, 5, 5), ETH4, LE32(36),
};

static const uint8_t ng_opt_overrun[] = {
	SHB_LE, IDB_LE(1, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	LE32(1), LE32(28), LE16(101), LE16(0), LE32(0),
	LE16(2), LE16(200), LE32(0), LE32(28),
};

static const uint8_t ng_len_tiny[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	LE32(6), LE32(8), LE32(8),
};

static const uint8_t ng_trunc_hdr[] = {
	SHB_LE, IDB_LE(1, 0), IDB_LE(101, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	LE32(6), 0x24,
};

static void
test_pcapng_damaged(void **state)
{
	char p[PATH_MAX];

	(void)state;
	PUT(p, "len-odd.pcapng", ng_len_odd);
	assert_damaged(p, 1,
	    "record 2 at offset 104: block length 34 is not a multiple of 4");
	PUT(p, "len-eof.pcapng", ng_len_past_eof);
	assert_damaged(p, 1, "truncated record 2 at offset 104");
	PUT(p, "len-mismatch.pcapng", ng_len_mismatch);
	assert_damaged(p, 1, "does not match trailing length 40");
	PUT(p, "bad-iface.pcapng", ng_bad_iface);
	assert_damaged(p, 1, "record 2 at offset 104: packet on interface 5, "
	    "but the section describes 2 interfaces");
	PUT(p, "caplen-over.pcapng", ng_caplen_over);
	assert_damaged(p, 1, "captured length 5 exceeds");
	PUT(p, "opt-overrun.pcapng", ng_opt_overrun);
	assert_damaged(p, 1, "option 2 of length 200 overruns");
	PUT(p, "len-tiny.pcapng", ng_len_tiny);
	assert_damaged(p, 1, "block length 8 is less than 12");
	PUT(p, "trunc-hdr.pcapng", ng_trunc_hdr);
	assert_damaged(p, 1, "truncated record 2 at offset 104");
}

/*
 * Damage libpcap sees first in a one-interface file: our reader re-reads
 * the file, skips the record libpcap returned and reports the damage.
 */
static const uint8_t ng_lib_trunc[] = {
	SHB_LE, IDB_LE(1, 0),
	EPB4_LE(0, 0, 0, 4, 4), ETH4, LE32(36),
	EPB4_LE(0, 0, 0, 4, 4), ETH4,
};

static void
test_pcapng_libpcap_damage(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "lib-trunc.pcapng", ng_lib_trunc);
	assert_damaged(p, 1, "truncated record 2 at offset 84");
	drain(p, &g);
	assert_string_equal(g.reader1, "libpcap");
}

/*
 * Timestamps beyond int64 nanoseconds saturate instead of overflowing, and
 * every timestamp is clamped to +-(2^62 - 1) ns.
 */
static const uint8_t ng_ts_huge[] = {
	SHB_LE,
	IDB_RES_LE(1, 0, 0x80),		/* 2^0: one unit per second */
	IDB_LE(101, 0),
	EPB4_LE(0, 0xffffffff, 0xffffffff, 4, 4), ETH4, LE32(36),
	EPB4_LE(1, 0xffffffff, 0xffffffff, 4, 4), IP4, LE32(36),
};

static void
test_pcapng_ts_saturates(void **state)
{
	char p[PATH_MAX];
	struct got g;

	(void)state;
	PUT(p, "ts-huge.pcapng", ng_ts_huge);
	drain(p, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].ts_ns, INT64_MAX / 2);
	assert_int_equal(g.r[1].ts_ns, INT64_MAX / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_le_usec),
		cmocka_unit_test(test_pcap_be_usec_raw),
		cmocka_unit_test(test_pcap_nsec),
		cmocka_unit_test(test_pcap_wirelen_below_caplen),
		cmocka_unit_test(test_pcap_before_1970),
		cmocka_unit_test(test_pcap_header_only),
		cmocka_unit_test(test_pcap_truncated),
		cmocka_unit_test(test_pcap_caplen_too_big),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_pcapng_one_interface),
		cmocka_unit_test(test_pcapng_tsresol_nano),
		cmocka_unit_test(test_pcapng_two_linktypes),
		cmocka_unit_test(test_pcapng_big_endian),
		cmocka_unit_test(test_pcapng_takeover_midway),
		cmocka_unit_test(test_pcapng_ts_options),
		cmocka_unit_test(test_pcapng_spb_pb),
		cmocka_unit_test(test_pcapng_spb_libpcap),
		cmocka_unit_test(test_pcapng_sections),
		cmocka_unit_test(test_pcapng_damaged),
		cmocka_unit_test(test_pcapng_libpcap_damage),
		cmocka_unit_test(test_pcapng_ts_saturates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
