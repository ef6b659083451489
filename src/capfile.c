/*
 * capfile.c: read a saved capture record by record.  libpcap reads the file
 * when it can; where it refuses a pcapng file (interfaces with different
 * link types, caplen above the snap length, ...) a bounded pcapng reader of
 * our own takes over, even in the middle of the file.
 *
 * Start reading at capfile_open() and capfile_next().  The pcapng reader
 * follows draft-ietf-opsawg-pcapng: it holds one block in memory at a time,
 * and every length read from the file is checked before it is used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __linux__
#include <stdio_ext.h>	/* __fsetlocking */
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capfile.h"
#include "cursor.h"
#include "lh.h"

/* Classic pcap magic numbers, as the first four bytes read big-endian. */
#define PCAP_MAGIC_US		0xa1b2c3d4u	/* microsecond timestamps */
#define PCAP_MAGIC_NS		0xa1b23c4du	/* nanosecond timestamps */
#define PCAP_MAGIC_KUZ		0xa1b2cd34u	/* Kuznetzov's modified pcap */
#define PCAP_MAGIC_US_SW	0xd4c3b2a1u
#define PCAP_MAGIC_NS_SW	0x4d3cb2a1u
#define PCAP_MAGIC_KUZ_SW	0x34cdb2a1u

/* pcapng block types and constants. */
#define BT_SHB		0x0a0d0d0au	/* Section Header Block */
#define BT_IDB		1u		/* Interface Description Block */
#define BT_PB		2u		/* Packet Block (obsolete) */
#define BT_SPB		3u		/* Simple Packet Block */
#define BT_EPB		6u		/* Enhanced Packet Block */
#define NG_BOM		0x1a2b3c4du	/* byte-order magic */
#define NG_MAJOR	1
#define OPT_ENDOFOPT	0
#define OPT_IF_TSRESOL	9
#define OPT_IF_TSOFFSET	14

#define NG_MAX_BLOCK	(256u * 1024 * 1024)	/* largest block we accept */
#define NG_MAX_IFACES	65536u			/* interfaces per section */

#define NS_PER_S	1000000000LL
#define PCAP_READ_BUF	(256u * 1024)	/* stdio buffer of the file libpcap reads */

/*
 * Timestamps are clamped to +-(2^62 - 1) ns (years 1824 to 2116), so that
 * code adding a window or a timeout to any ts_ns cannot overflow.
 */
#define TS_LIMIT	(INT64_MAX / 2)

/* One pcapng interface, as its IDB described it. */
struct ng_iface {
	int		 linktype;	/* DLT_ value */
	uint32_t	 snaplen;	/* 0: no limit */
	int		 tsbin;		/* resolution is 2^-tsexp, else 10^-tsexp */
	unsigned	 tsexp;
	uint64_t	 tsdiv;		/* timestamp units per second */
	int64_t		 tsoffset;	/* seconds added to every timestamp */
};

struct cfilter {
	int			 linktype;
	int			 ok;	/* compiled; else no record of it passes */
	struct bpf_program	 prog;
};

struct capfile {
	char		*path;
	const char	*reader;	/* "libpcap" or "pcapng" */
	FILE		*fp;		/* our own handle on the file */
	uint64_t	 fsize;		/* size of a regular file, else UINT64_MAX */
	int		 is_pcapng;	/* the file starts with an SHB */
	uint64_t	 nrec;		/* records returned so far */
	int		 failed;	/* damaged: every later call fails */
	char		 failmsg[LH_ERRLEN];

	pcap_t		*pcap;		/* libpcap's reader, while it serves */
	char		*pcapbuf;	/* stdio buffer of libpcap's FILE */
	uint64_t	 pcapoff;	/* classic pcap: offset of the next record */

	/* Our pcapng reader. */
	uint64_t	 off;		/* file offset of the next block */
	uint64_t	 blkoff;	/* file offset of the current block */
	uint64_t	 ngrec;		/* packet records it has read */
	int		 big;		/* this section is big-endian */
	struct ng_iface	*ifs;
	size_t		 nifs;
	size_t		 ifcap;
	uint8_t		*buf;		/* the current block, whole */
	size_t		 bufcap;

	/* --filter: one compiled program per link type met. */
	char		*filter;
	struct cfilter	*progs;
	size_t		 nprogs;
	uint64_t	 filtered;	/* records it dropped */
};

static int fail(struct capfile *, const char *, ...) LH_PRINTF(2, 3);

/* Record a damage message (sticky: later calls repeat it); returns -1. */
static int
fail(struct capfile *cf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cf->failmsg, sizeof(cf->failmsg), fmt, ap);
	va_end(ap);
	cf->failed = 1;
	return -1;
}

/*
 * Time arithmetic that saturates instead of overflowing: a hostile file may
 * put any value in a timestamp.
 */
static int64_t
sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* sec seconds plus frac nanoseconds (any int64 frac) as nanoseconds. */
static int64_t
ts_from(int64_t sec, int64_t frac)
{
	int64_t q, r;

	if (frac >= 0 && frac < NS_PER_S && sec >= 0 &&
	    sec <= INT64_MAX / NS_PER_S - 1)
		return sec * NS_PER_S + frac;	/* every sane record */
	q = frac / NS_PER_S;
	r = frac % NS_PER_S;
	if (r < 0) {
		r += NS_PER_S;
		q--;
	}
	sec = sat_add(sec, q);
	if (sec > (INT64_MAX - r) / NS_PER_S)
		return INT64_MAX;
	if (sec < INT64_MIN / NS_PER_S)
		return INT64_MIN;
	return sec * NS_PER_S + r;
}

/*
 * LINKTYPE_ values in a pcapng IDB to the DLT_ values pcap_datalink() gives,
 * the way libpcap maps them (on Linux only LINKTYPE_RAW, 101, differs:
 * DLT_RAW is 12).
 */
static int
linktype_to_dlt(unsigned lt)
{
	switch (lt) {
	case 0:		return DLT_NULL;
	case 1:		return DLT_EN10MB;
	case 9:		return DLT_PPP;
	case 50:	return DLT_PPP_SERIAL;
	case 100:	return DLT_ATM_RFC1483;
	case 101:	return DLT_RAW;
	case 108:	return DLT_LOOP;
	case 113:	return DLT_LINUX_SLL;
	case 228:	return DLT_IPV4;
	case 276:	return DLT_LINUX_SLL2;
	default:	return (int)lt;
	}
}

/* Section byte order accessors. */
static int
ng_u16(const struct capfile *cf, struct cursor *c, uint16_t *v)
{
	return cf->big ? cur_be16(c, v) : cur_le16(c, v);
}

static int
ng_u32(const struct capfile *cf, struct cursor *c, uint32_t *v)
{
	return cf->big ? cur_be32(c, v) : cur_le32(c, v);
}

static int
ng_u64(const struct capfile *cf, struct cursor *c, uint64_t *v)
{
	uint32_t a, b;

	if (ng_u32(cf, c, &a) < 0 || ng_u32(cf, c, &b) < 0)
		return -1;
	*v = cf->big ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	return 0;
}

/* A short read of n bytes: a read error or a truncated block. */
static int
ng_short_read(struct capfile *cf)
{
	if (ferror(cf->fp))
		return fail(cf, "%s: read error at offset %llu: %s", cf->path,
		    (unsigned long long)cf->blkoff, strerror(errno));
	return fail(cf, "%s: truncated record %llu at offset %llu",
	    cf->path, (unsigned long long)cf->ngrec + 1,
	    (unsigned long long)cf->blkoff);
}

/*
 * Read the next block, whole, into cf->buf.  Returns 1 with *type and *len
 * set, 0 at a clean end of file, -1 when the block is damaged.
 */
static int
ng_read_block(struct capfile *cf, uint32_t *type, uint32_t *len)
{
	uint8_t hdr[12];
	struct cursor c;
	size_t have = 8, n;
	uint32_t bom, trail;
	unsigned long long rec = (unsigned long long)cf->ngrec + 1;
	unsigned long long off;

	cf->blkoff = cf->off;
	off = (unsigned long long)cf->blkoff;
	n = fread(hdr, 1, 8, cf->fp);
	if (n == 0 && !ferror(cf->fp))
		return 0;
	if (n < 8)
		return ng_short_read(cf);

	/* An SHB sets the byte order of its own length field and section. */
	if (memcmp(hdr, "\x0a\x0d\x0d\x0a", 4) == 0) {
		if (fread(hdr + 8, 1, 4, cf->fp) < 4)
			return ng_short_read(cf);
		have = 12;
		cur_init(&c, hdr + 8, 4);
		if (cur_le32(&c, &bom) < 0)
			return fail(cf, "%s: internal error", cf->path);
		if (bom == NG_BOM)
			cf->big = 0;
		else if (bom == 0x4d3c2b1au)
			cf->big = 1;
		else
			return fail(cf, "%s: record %llu at offset %llu: bad "
			    "byte-order magic 0x%08x in section header",
			    cf->path, rec, off, (unsigned)bom);
	}

	cur_init(&c, hdr, have);
	if (ng_u32(cf, &c, type) < 0 || ng_u32(cf, &c, len) < 0)
		return fail(cf, "%s: internal error", cf->path);
	if (*len < 12 || *len < have)
		return fail(cf, "%s: record %llu at offset %llu: block length "
		    "%u is less than 12", cf->path, rec, off, (unsigned)*len);
	if (*len % 4 != 0)
		return fail(cf, "%s: record %llu at offset %llu: block length "
		    "%u is not a multiple of 4", cf->path, rec, off,
		    (unsigned)*len);
	if (*len > NG_MAX_BLOCK)
		return fail(cf, "%s: record %llu at offset %llu: block length "
		    "%u exceeds the limit of %u bytes", cf->path, rec, off,
		    (unsigned)*len, NG_MAX_BLOCK);
	if (cf->fsize != UINT64_MAX && *len > cf->fsize - cf->blkoff)
		return fail(cf, "%s: truncated record %llu at offset %llu: "
		    "block length %u runs past the end of the file (%llu "
		    "bytes)", cf->path, rec, off, (unsigned)*len,
		    (unsigned long long)cf->fsize);

	if (cf->bufcap < *len) {
		uint8_t *nb = realloc(cf->buf, *len);

		if (nb == NULL)
			return fail(cf, "%s: out of memory for a %u-byte block",
			    cf->path, (unsigned)*len);
		cf->buf = nb;
		cf->bufcap = *len;
	}
	memcpy(cf->buf, hdr, have);
	if (fread(cf->buf + have, 1, *len - have, cf->fp) < *len - have)
		return ng_short_read(cf);

	cur_init(&c, cf->buf + *len - 4, 4);
	if (ng_u32(cf, &c, &trail) < 0)
		return fail(cf, "%s: internal error", cf->path);
	if (trail != *len)
		return fail(cf, "%s: record %llu at offset %llu: block length "
		    "%u does not match trailing length %u", cf->path, rec, off,
		    (unsigned)*len, (unsigned)trail);
	cf->off += *len;
	return 1;
}

/* Section Header Block body (after the byte-order magic was checked). */
static int
ng_shb(struct capfile *cf, struct cursor *c)
{
	uint32_t bom;
	uint16_t major, minor;
	uint64_t seclen;

	if (ng_u32(cf, c, &bom) < 0 || ng_u16(cf, c, &major) < 0 ||
	    ng_u16(cf, c, &minor) < 0 || ng_u64(cf, c, &seclen) < 0)
		return fail(cf, "%s: record %llu at offset %llu: section "
		    "header block too short", cf->path,
		    (unsigned long long)cf->ngrec + 1,
		    (unsigned long long)cf->blkoff);
	if (major != NG_MAJOR)
		return fail(cf, "%s: record %llu at offset %llu: unsupported "
		    "pcapng version %u.%u", cf->path,
		    (unsigned long long)cf->ngrec + 1,
		    (unsigned long long)cf->blkoff, major, minor);
	cf->nifs = 0;		/* a new section has its own interfaces */
	return 0;
}

/* Interface Description Block body: link type, snap length, options. */
static int
ng_idb(struct capfile *cf, struct cursor *c)
{
	struct ng_iface ifc;
	struct cursor v;
	uint16_t lt, resv, code, olen;
	uint32_t snaplen;
	uint8_t res;
	uint64_t u;
	unsigned i;
	unsigned long long rec = (unsigned long long)cf->ngrec + 1;
	unsigned long long off = (unsigned long long)cf->blkoff;

	if (ng_u16(cf, c, &lt) < 0 || ng_u16(cf, c, &resv) < 0 ||
	    ng_u32(cf, c, &snaplen) < 0)
		return fail(cf, "%s: record %llu at offset %llu: interface "
		    "description block too short", cf->path, rec, off);
	memset(&ifc, 0, sizeof(ifc));
	ifc.linktype = linktype_to_dlt(lt);
	ifc.snaplen = snaplen;
	ifc.tsexp = 6;			/* default: microseconds */
	ifc.tsdiv = 1000000;

	while (cur_left(c) >= 4) {
		if (ng_u16(cf, c, &code) < 0 || ng_u16(cf, c, &olen) < 0)
			break;
		if (code == OPT_ENDOFOPT)
			break;
		if (cur_sub(c, olen, 0, &v) < 0 ||
		    cur_skip(c, (4 - olen % 4) % 4) < 0)
			return fail(cf, "%s: record %llu at offset %llu: "
			    "option %u of length %u overruns its block",
			    cf->path, rec, off, code, olen);
		if (code == OPT_IF_TSRESOL) {
			if (olen != 1 || cur_u8(&v, &res) < 0)
				return fail(cf, "%s: record %llu at offset %llu:"
				    " if_tsresol option of length %u", cf->path,
				    rec, off, olen);
			ifc.tsbin = (res & 0x80) != 0;
			ifc.tsexp = res & 0x7f;
			if (ifc.tsexp > (ifc.tsbin ? 63u : 19u))
				return fail(cf, "%s: record %llu at offset %llu:"
				    " unsupported if_tsresol 0x%02x", cf->path,
				    rec, off, res);
			ifc.tsdiv = 1;
			for (i = 0; i < ifc.tsexp; i++)
				ifc.tsdiv *= ifc.tsbin ? 2 : 10;
		} else if (code == OPT_IF_TSOFFSET) {
			if (olen != 8 || ng_u64(cf, &v, &u) < 0)
				return fail(cf, "%s: record %llu at offset %llu:"
				    " if_tsoffset option of length %u", cf->path,
				    rec, off, olen);
			/* Two's complement, converted without overflow. */
			ifc.tsoffset = u <= INT64_MAX ? (int64_t)u :
			    -(int64_t)(~u) - 1;
		}
	}

	if (cf->nifs == NG_MAX_IFACES)
		return fail(cf, "%s: record %llu at offset %llu: more than %u "
		    "interfaces in one section", cf->path, rec, off,
		    NG_MAX_IFACES);
	if (cf->nifs == cf->ifcap) {
		size_t ncap = cf->ifcap ? cf->ifcap * 2 : 4;
		struct ng_iface *n = realloc(cf->ifs, ncap * sizeof(*n));

		if (n == NULL)
			return fail(cf, "%s: out of memory", cf->path);
		cf->ifs = n;
		cf->ifcap = ncap;
	}
	cf->ifs[cf->nifs++] = ifc;
	return 0;
}

/* Timestamp units of an interface to nanoseconds since the epoch. */
static int64_t
ng_ts(const struct ng_iface *ifc, uint64_t t)
{
	uint64_t sec = t / ifc->tsdiv, frac = t % ifc->tsdiv, ns;

	if (ifc->tsbin) {
		/* frac < 2^tsexp; keep frac * 1e9 below 2^64. */
		if (ifc->tsexp > 34)
			ns = ((frac >> (ifc->tsexp - 34)) * NS_PER_S) >> 34;
		else
			ns = (frac * NS_PER_S) >> ifc->tsexp;
	} else if (ifc->tsexp <= 9) {
		ns = frac;
		for (unsigned i = ifc->tsexp; i < 9; i++)
			ns *= 10;
	} else {
		ns = frac;
		for (unsigned i = 9; i < ifc->tsexp; i++)
			ns /= 10;
	}
	return ts_from(sat_add(sec > INT64_MAX ? INT64_MAX : (int64_t)sec,
	    ifc->tsoffset), (int64_t)ns);
}

/* EPB, SPB or PB body to a record. */
static int
ng_packet(struct capfile *cf, uint32_t type, struct cursor *c,
    struct caprec *rec)
{
	const struct ng_iface *ifc;
	uint32_t ifid, tsh = 0, tsl = 0, caplen, wirelen;
	uint16_t id16, drops;
	unsigned long long recno = (unsigned long long)cf->ngrec + 1;
	unsigned long long off = (unsigned long long)cf->blkoff;
	int bad;

	if (type == BT_SPB) {
		ifid = 0;
		bad = ng_u32(cf, c, &wirelen) < 0;
	} else if (type == BT_PB) {
		bad = ng_u16(cf, c, &id16) < 0 || ng_u16(cf, c, &drops) < 0;
		ifid = id16;
	} else {
		bad = ng_u32(cf, c, &ifid) < 0;
	}
	if (type != BT_SPB)
		bad = bad || ng_u32(cf, c, &tsh) < 0 ||
		    ng_u32(cf, c, &tsl) < 0 || ng_u32(cf, c, &caplen) < 0 ||
		    ng_u32(cf, c, &wirelen) < 0;
	if (bad)
		return fail(cf, "%s: record %llu at offset %llu: packet block "
		    "too short", cf->path, recno, off);
	if (ifid >= cf->nifs)
		return fail(cf, "%s: record %llu at offset %llu: packet on "
		    "interface %u, but the section describes %zu interface%s",
		    cf->path, recno, off, (unsigned)ifid, cf->nifs,
		    cf->nifs == 1 ? "" : "s");
	ifc = &cf->ifs[ifid];

	if (type == BT_SPB) {
		/* The captured length is implied: RFC draft, section 4.4. */
		caplen = wirelen;
		if (ifc->snaplen != 0 && caplen > ifc->snaplen)
			caplen = ifc->snaplen;
		if (caplen > cur_left(c))
			caplen = (uint32_t)cur_left(c);
		rec->ts_ns = 0;
	} else {
		if (caplen > cur_left(c))
			return fail(cf, "%s: record %llu at offset %llu: "
			    "captured length %u exceeds the block's %zu data "
			    "bytes", cf->path, recno, off, (unsigned)caplen,
			    cur_left(c));
		rec->ts_ns = ng_ts(ifc, (uint64_t)tsh << 32 | tsl);
	}
	rec->linktype = ifc->linktype;
	rec->caplen = caplen;
	rec->wirelen = wirelen;
	rec->data = c->pos;
	cf->ngrec++;
	return 1;
}

/* Our pcapng reader: the next packet record, 0 at the end, -1 if damaged. */
static int
ng_next(struct capfile *cf, struct caprec *rec)
{
	struct cursor c;
	uint32_t type, len;
	int r;

	for (;;) {
		if ((r = ng_read_block(cf, &type, &len)) <= 0)
			return r;
		cur_init(&c, cf->buf + 8, len - 12);
		switch (type) {
		case BT_SHB:
			if (ng_shb(cf, &c) < 0)
				return -1;
			break;
		case BT_IDB:
			if (ng_idb(cf, &c) < 0)
				return -1;
			break;
		case BT_EPB:
		case BT_SPB:
		case BT_PB:
			return ng_packet(cf, type, &c, rec);
		default:
			break;		/* other blocks carry no packets */
		}
	}
}

/* Start our reader at the top of the file: it must open with an SHB. */
static int
ng_start(struct capfile *cf)
{
	struct cursor c;
	uint32_t type, len;
	int r;

	if (fseek(cf->fp, 0, SEEK_SET) != 0)
		return fail(cf, "%s: cannot rewind: %s", cf->path,
		    strerror(errno));
	cf->off = 0;
	cf->ngrec = 0;
	cf->nifs = 0;
	cf->reader = "pcapng";
	r = ng_read_block(cf, &type, &len);
	if (r == 0)
		return fail(cf, "%s: empty file", cf->path);
	if (r < 0)
		return -1;
	if (type != BT_SHB)
		return fail(cf, "%s: not a pcapng file (first block type "
		    "0x%08x)", cf->path, (unsigned)type);
	cur_init(&c, cf->buf + 8, len - 12);
	return ng_shb(cf, &c);
}

/*
 * libpcap gave up on a pcapng file after returning cf->nrec records: read
 * it again with our reader and skip what libpcap already returned.
 */
static int
ng_takeover(struct capfile *cf)
{
	struct caprec skip;
	int r;

	pcap_close(cf->pcap);
	cf->pcap = NULL;
	if (ng_start(cf) < 0)
		return -1;
	while (cf->ngrec < cf->nrec) {
		if ((r = ng_next(cf, &skip)) < 0)
			return -1;
		if (r == 0)
			return fail(cf, "%s: libpcap read %llu records, the "
			    "pcapng reader finds only %llu", cf->path,
			    (unsigned long long)cf->nrec,
			    (unsigned long long)cf->ngrec);
	}
	return 0;
}

static void
capfile_free(struct capfile *cf)
{
	if (cf->pcap != NULL)
		pcap_close(cf->pcap);
	free(cf->pcapbuf);	/* after the FILE that used it is closed */
	if (cf->fp != NULL)
		fclose(cf->fp);
	free(cf->ifs);
	free(cf->buf);
	free(cf->path);
	for (size_t i = 0; i < cf->nprogs; i++)
		if (cf->progs[i].ok)
			pcap_freecode(&cf->progs[i].prog);
	free(cf->progs);
	free(cf->filter);
	free(cf);
}

/* Open with libpcap on a second descriptor of the same file. */
static pcap_t *
open_libpcap(struct capfile *cf, char *ebuf)
{
	FILE *pfp;
	pcap_t *p;
	int fd;

	if (fseek(cf->fp, 0, SEEK_SET) != 0) {
		snprintf(ebuf, PCAP_ERRBUF_SIZE, "cannot rewind: %s",
		    strerror(errno));
		return NULL;
	}
	if ((fd = dup(fileno(cf->fp))) < 0) {
		snprintf(ebuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		return NULL;
	}
	if ((pfp = fdopen(fd, "rb")) == NULL) {
		snprintf(ebuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		close(fd);
		return NULL;
	}
	/*
	 * libpcap reads a record in two small freads; with stdio's default
	 * buffer (a page) that is a read(2) every few dozen records.  A larger
	 * buffer makes that rare.  glibc ignores the size unless it is given
	 * the buffer, so it is ours: freed after pcap_close().  Without it,
	 * reading is only slower.
	 */
	if (cf->pcapbuf == NULL)
		cf->pcapbuf = malloc(PCAP_READ_BUF);
	if (cf->pcapbuf != NULL)
		(void)setvbuf(pfp, cf->pcapbuf, _IOFBF, PCAP_READ_BUF);
#ifdef __linux__
	/*
	 * Only libpcap, in this thread, uses the FILE: spare each of its
	 * freads glibc's lock and unlock (two atomic operations a call).
	 */
	(void)__fsetlocking(pfp, FSETLOCKING_BYCALLER);
#endif
	p = pcap_fopen_offline_with_tstamp_precision(pfp,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL)
		fclose(pfp);	/* libpcap closes it only on success */
	return p;
}

struct capfile *
capfile_open(const char *path, char *err, size_t errlen)
{
	struct capfile *cf;
	struct stat st;
	struct cursor c;
	uint8_t mb[4];
	uint32_t magic;
	size_t n;
	char ebuf[PCAP_ERRBUF_SIZE];

	if ((cf = calloc(1, sizeof(*cf))) == NULL ||
	    (cf->path = strdup(path)) == NULL) {
		free(cf);
		lh_err(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	cf->fsize = UINT64_MAX;
	if ((cf->fp = fopen(path, "rb")) == NULL) {
		lh_err(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (fstat(fileno(cf->fp), &st) != 0) {
		lh_err(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (S_ISDIR(st.st_mode)) {
		lh_err(err, errlen, "%s: %s", path, strerror(EISDIR));
		goto bad;
	}
	if (S_ISREG(st.st_mode))
		cf->fsize = (uint64_t)st.st_size;

	n = fread(mb, 1, sizeof(mb), cf->fp);
	if (n < sizeof(mb) && ferror(cf->fp)) {
		lh_err(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (n == 0) {
		lh_err(err, errlen, "%s: empty file", path);
		goto bad;
	}
	if (n < sizeof(mb)) {
		lh_err(err, errlen, "%s: not a capture file (truncated file "
		    "header: %zu bytes)", path, n);
		goto bad;
	}
	cur_init(&c, mb, sizeof(mb));
	if (cur_be32(&c, &magic) < 0) {
		lh_err(err, errlen, "%s: internal error", path);
		goto bad;
	}
	switch (magic) {
	case PCAP_MAGIC_US:
	case PCAP_MAGIC_NS:
	case PCAP_MAGIC_KUZ:
	case PCAP_MAGIC_US_SW:
	case PCAP_MAGIC_NS_SW:
	case PCAP_MAGIC_KUZ_SW:
		break;
	case BT_SHB:
		cf->is_pcapng = 1;
		break;
	default:
		lh_err(err, errlen, "%s: not a capture file (bad magic "
		    "0x%08x)", path, (unsigned)magic);
		goto bad;
	}

	ebuf[0] = '\0';
	if ((cf->pcap = open_libpcap(cf, ebuf)) != NULL) {
		cf->reader = "libpcap";
		return cf;
	}
	if (!cf->is_pcapng) {
		lh_err(err, errlen, "%s: %s", path, ebuf);
		goto bad;
	}
	if (ng_start(cf) < 0) {
		lh_err(err, errlen, "%s", cf->failmsg);
		goto bad;
	}
	return cf;
bad:
	capfile_free(cf);
	return NULL;
}

/* libpcap's next record: 1, 0 at the end, -1 damaged, 2 to hand over. */
static int
pcap_rec(struct capfile *cf, struct caprec *rec)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	const char *msg;
	/*
	 * The offset is counted, not asked of the FILE: ftell() costs a
	 * system call per record.  A classic pcap has a 24-byte file header
	 * and a 16-byte header per record.
	 */
	long off = cf->is_pcapng ? -1 : (long)(24 + cf->pcapoff);
	int r;

	r = pcap_next_ex(cf->pcap, &h, &d);
	if (r == 1) {
		cf->pcapoff += 16 + (uint64_t)h->caplen;
		rec->linktype = pcap_datalink(cf->pcap);
		rec->ts_ns = ts_from((int64_t)h->ts.tv_sec,
		    (int64_t)h->ts.tv_usec);	/* nanoseconds: we asked */
		rec->caplen = h->caplen;
		rec->wirelen = h->len;
		rec->data = d;
		return 1;
	}
	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (cf->is_pcapng)
		return 2;
	msg = pcap_geterr(cf->pcap);
	if (strstr(msg, "truncated") != NULL)
		return fail(cf, "%s: truncated record %llu at offset %ld (%s)",
		    cf->path, (unsigned long long)cf->nrec + 1, off, msg);
	return fail(cf, "%s: record %llu at offset %ld: %s", cf->path,
	    (unsigned long long)cf->nrec + 1, off, msg);
}

/*
 * The filter compiled for a link type, compiled on first use; NULL when
 * out of memory.  msg (may be NULL) gets libpcap's complaint.
 */
static struct cfilter *
filter_for(struct capfile *cf, int linktype, char *msg, size_t msglen)
{
	struct cfilter *f;
	pcap_t *dead;
	size_t i;

	for (i = 0; i < cf->nprogs; i++)
		if (cf->progs[i].linktype == linktype)
			return &cf->progs[i];
	if ((f = realloc(cf->progs, (cf->nprogs + 1) * sizeof(*f))) == NULL)
		return NULL;
	cf->progs = f;
	f = &cf->progs[cf->nprogs++];
	memset(f, 0, sizeof(*f));
	f->linktype = linktype;
	if ((dead = pcap_open_dead(linktype, 262144)) == NULL)
		return f;
	f->ok = pcap_compile(dead, &f->prog, cf->filter, 1,
	    PCAP_NETMASK_UNKNOWN) == 0;
	if (!f->ok && msg != NULL)
		snprintf(msg, msglen, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return f;
}

int
capfile_set_filter(struct capfile *cf, const char *expr, char *err,
    size_t errlen)
{
	struct cfilter *f;
	char msg[PCAP_ERRBUF_SIZE] = "";
	int lt = cf->pcap != NULL ? pcap_datalink(cf->pcap) :
	    cf->nifs > 0 ? cf->ifs[0].linktype : DLT_EN10MB;

	if ((cf->filter = strdup(expr)) == NULL)
		return lh_err(err, errlen, "out of memory");
	if ((f = filter_for(cf, lt, msg, sizeof(msg))) == NULL)
		return lh_err(err, errlen, "out of memory");
	if (!f->ok)
		return lh_err(err, errlen, "%s: --filter '%s': %s", cf->path,
		    expr, msg);
	return 0;
}

uint64_t
capfile_filtered(const struct capfile *cf)
{
	return cf->filtered;
}

static int
capfile_read(struct capfile *cf, struct caprec *rec, char *err,
    size_t errlen)
{
	int r;

	if (cf->failed)
		return lh_err(err, errlen, "%s", cf->failmsg);
	if (cf->pcap != NULL) {
		r = pcap_rec(cf, rec);
		if (r == 2)
			r = ng_takeover(cf) < 0 ? -1 : ng_next(cf, rec);
	} else {
		r = ng_next(cf, rec);
	}
	if (r < 0)
		return lh_err(err, errlen, "%s", cf->failmsg);
	if (r == 0)
		return 0;
	rec->index = ++cf->nrec;
	if (rec->ts_ns > TS_LIMIT)
		rec->ts_ns = TS_LIMIT;
	else if (rec->ts_ns < -TS_LIMIT)
		rec->ts_ns = -TS_LIMIT;
	if (rec->wirelen < rec->caplen)
		rec->wirelen = rec->caplen;
	return 1;
}

int
capfile_next(struct capfile *cf, struct caprec *rec, char *err,
    size_t errlen)
{
	struct pcap_pkthdr h;
	struct cfilter *f;
	int r;

	while ((r = capfile_read(cf, rec, err, errlen)) == 1 &&
	    cf->filter != NULL) {
		if ((f = filter_for(cf, rec->linktype, NULL, 0)) == NULL)
			return lh_err(err, errlen, "%s: out of memory", cf->path);
		memset(&h, 0, sizeof(h));
		h.caplen = rec->caplen;
		h.len = rec->wirelen;
		if (f->ok && pcap_offline_filter(&f->prog, &h, rec->data) != 0)
			break;
		cf->filtered++;
	}
	return r;
}

const char *
capfile_reader(const struct capfile *cf)
{
	return cf->reader;
}

void
capfile_close(struct capfile *cf)
{
	if (cf != NULL)
		capfile_free(cf);
}
