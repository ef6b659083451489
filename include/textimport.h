/*
 * textimport.h: import traceroute output pasted as text (tickets, blog
 * posts) into the path model, so that it can be analysed like a replay.
 *
 * Formats, detected per trace from its header line:
 *   Linux traceroute   "traceroute to X (a.b.c.d), 30 hops max, 60 byte packets"
 *   BSD/macOS          the same shape ("64 hops max, 52 byte packets")
 *   tcptraceroute      "Tracing the path to X on TCP port 80 (http), 30 hops max"
 *   mtr --report       "HOST: name  Loss%  Snt  Last  Avg  Best  Wrst StDev"
 *   Windows tracert    "Tracing route to X [a.b.c.d]" / "over a maximum of 30 hops:"
 * A list of Linux-style or tracert-style hop lines without any header is read
 * too (destination unknown).  Every header starts a new trace.  Tolerated:
 * blank lines, prompt lines ("$ traceroute -I x", "C:\>tracert x", whose
 * flags give the method), prose around the output, CRLF or CR line ends,
 * tabs, a UTF-8 byte order mark, UTF-16 text with its byte order mark
 * (PowerShell redirections), "Trace complete.".
 *
 * What the text cannot tell is synthesised, deterministically:
 *  - times: probe k of a trace (0-based, in printed order) is sent at
 *    base + k * TI_SPACING_NS and answered RTT later; base is 0 (1970),
 *    or mtr's "Start:" time when it has a time zone;
 *  - reply kinds: an address at a hop is RK_TIME_EXCEEDED; with a mark
 *    ("!H", "!X", "!<10>", tracert "reports: ...") RK_UNREACH with that
 *    code; the destination's own answer follows the method: udp: RK_UNREACH
 *    code 3; icmp: RK_ECHO_REPLY; tcp: RK_TCP_SYNACK for tcptraceroute's
 *    "[open]", RK_TCP_RST for "[closed]", otherwise RK_TCP_OTHER;
 *  - method: the tool's default (Linux/BSD traceroute: udp; mtr, tracert:
 *    icmp; tcptraceroute: tcp-syn) unless a pasted command line says
 *    otherwise (-I, -T, -U, -M/-P icmp|tcp|udp, --icmp, --tcp; mtr -u, -T);
 *  - mtr rows: each row becomes Snt probes (at most TI_MTR_MAX_PROBES:
 *    larger counts are scaled, keeping the loss ratio), of which
 *    Snt * (100 - Loss%) / 100 are answered (Rcv or Drop when those columns
 *    are shown), every answer with the Avg RTT (Last, Best or Wrst when Avg
 *    is not shown); further responders of a row ("|-- addr" lines) answer
 *    one probe each, the first address the rest;
 *  - Windows "<1 ms" is 0.5 ms; a "reports: Destination ... unreachable"
 *    answer has RTT 0;
 *  - mtr hosts printed by name only (mtr without -n or -b) get placeholder
 *    addresses from 240.0.0.0/8 (reserved, never on the wire), one per
 *    name; ti_meta counts them and keeps the name.
 *
 * Limits (exceeding one is an error, never a crash): lines of
 * TI_MAX_LINE bytes inside a trace (longer lines elsewhere are skipped),
 * TTL 1..255 in increasing order (gaps allowed: pastes leave lines out),
 * TI_MAX_PROBES_PER_HOP probes per hop, TI_MAX_PROBES probes and
 * TI_MAX_TRACES traces per file, RTT 0..3600000 ms.  IPv6 traces are
 * refused with a message (the model holds IPv4 addresses).
 */
#ifndef LH_TEXTIMPORT_H
#define LH_TEXTIMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define TI_MAX_LINE		65536
#define TI_MAX_PROBES_PER_HOP	100
#define TI_MAX_PROBES		1000000
#define TI_MAX_TRACES		100000
#define TI_MTR_MAX_PROBES	100	/* probes synthesised per mtr row */
#define TI_MTR_MAX_SNT		10000000
#define TI_MAX_NAME		255	/* longer host names are cut */
#define TI_SPACING_NS		1000000LL	/* between synthetic probes */
#define TI_RTT_MAX_MS		3600000
#define TI_PLACEHOLDER_NET	0xf0000000u	/* 240.0.0.0/8 */

enum ti_format {
	TI_FMT_LINUX = 1,	/* Linux traceroute, or a headerless hop list */
	TI_FMT_BSD,		/* BSD, macOS (LBL-derived) traceroute */
	TI_FMT_TCPTRACEROUTE,
	TI_FMT_MTR,		/* mtr --report / -r -w / -r -b */
	TI_FMT_TRACERT,		/* Windows tracert (English) */
};

/* Where a trace's method came from. */
enum ti_method_source {
	TI_METHOD_DEFAULT = 1,	/* the tool's default: a guess */
	TI_METHOD_COMMAND,	/* flags of a pasted command line */
	TI_METHOD_TOOL,		/* the tool has one method (tracert, tcptraceroute) */
};

/* A host name as printed, for an address of the trace. */
struct ti_name {
	uint32_t	 addr;
	char		*name;
};

/* What the text says about a trace beyond the model (parallel to traces). */
struct ti_meta {
	enum ti_format		 format;
	enum ti_method_source	 method_source;
	size_t			 line;		/* its header line (first hop line if none) */
	int			 headerless;	/* hop lines without a header: dst unknown */
	int			 dst_inferred;	/* mtr: dst is the last row's address */
	char			*target;	/* destination as typed, "" if unknown */
	unsigned		 max_hops;	/* from the header, 0 if not given */
	size_t			 placeholders;	/* mtr hosts shown by name only */
	struct ti_name		*names;		/* sorted by address, unique */
	size_t			 nnames;
};

struct textimport {
	struct trace	**traces;	/* finished like replayed traces */
	struct ti_meta	 *meta;		/* meta[i] describes traces[i] */
	size_t		  ntraces;
	char		 *file;		/* the name given; traces[i]->file points here */
};

struct textimport_opts {
	uint32_t	src;		/* vantage address when the text gives none; 0: unknown */
	int		gap_limit;	/* silent hops that end a trace; 0: ENGINE_GAP_LIMIT */
	uint32_t	target;		/* destination of a trace whose text names
					   none; 0: unknown */
};

/*
 * Read every trace in fp; name is used in messages and as each trace's
 * file.  opts may be NULL.  Returns 0 with *out set (free it with
 * textimport_free), or -1 with err filled: "NAME: no traceroute output
 * found", "NAME:LINE: what is wrong" for a malformed line (nothing is
 * returned then), "NAME: read error".
 */
int textimport_read(FILE *fp, const char *name,
    const struct textimport_opts *opts, struct textimport **out,
    char *err, size_t errlen);

/* The same for a file by path ("PATH: cannot open: reason" on failure). */
int textimport_read_path(const char *path, const struct textimport_opts *opts,
    struct textimport **out, char *err, size_t errlen);

void textimport_free(struct textimport *ti);

/* The name printed for addr in trace i, or NULL. */
const char *textimport_name(const struct textimport *ti, size_t i,
    uint32_t addr);

/* "linux", "bsd", "tcptraceroute", "mtr", "tracert". */
const char *textimport_format_name(enum ti_format f);

/*
 * Whether the first bytes of a file look like traceroute text (a header
 * line of a known format): lets a command tell text from a capture.
 */
int textimport_sniff(const void *buf, size_t len);

#endif /* LH_TEXTIMPORT_H */
