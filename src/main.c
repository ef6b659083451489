/*
 * main.c: the lasthop command line.  Only this file prints to the terminal
 * and chooses exit codes; everything it calls returns errors in a buffer.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <jansson.h>

#include "analysis.h"
#include "asdb.h"
#include "asmap.h"
#include "capfile.h"
#include "diagram.h"
#include "jsonin.h"
#include "engine.h"
#include "lh.h"
#include "live.h"
#include "output.h"
#include "pipeline.h"
#include "replay.h"
#include "textimport.h"

static const char *progname = "lasthop";

static void warnx_(const char *fmt, ...) LH_PRINTF(1, 2);
static const char *format_from_name(const char *path);

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: lasthop trace [options] TARGET\n"
"       lasthop replay [options] FILE...\n"
"       lasthop analyze [options] FILE...\n"
"       lasthop diagram [options] RESULT.json...\n"
"       lasthop asdb build|info|lookup ...\n"
"       lasthop --version\n"
"       lasthop --help\n"
"\n"
"Commands:\n"
"  trace TARGET          trace the path to TARGET (needs CAP_NET_RAW) and\n"
"                        save every probe and reply as a pcap\n"
"  replay FILE...        rebuild every traceroute found in saved captures\n"
"                        (pcap or pcapng; lasthop's own, tcpdump's, ...)\n"
"  analyze FILE...       read pasted traceroute, mtr --report or tracert\n"
"                        text and give the same annotation and verdict\n"
"                        (-F, -o, --asmap, --baseline, --names as for\n"
"                        replay; -s ADDR: the vantage's address;\n"
"                        --target ADDR: the destination, where the text\n"
"                        names none)\n"
"  diagram RESULT.json... draw saved JSON results again, several merged\n"
"                        into one picture (-F, -o, --color, --ascii)\n"
"  asdb build -o IMAGE [--name N --version V] CSV...\n"
"                        compile ip-location-db asn CSV into an AS image\n"
"  asdb info [--verify] [IMAGE]   describe (and check) an image; without\n"
"                        IMAGE, the one the search below finds\n"
"  asdb lookup [--asdb IMAGE] [ADDR...]  the image's AS for each address\n"
"                        (no ADDR: one per line from standard input)\n"
"\n"
"Trace options:\n"
"  -M, --method M        udp (default), icmp, tcp (SYN) or tcp-ack\n"
"  -U, -I, -T            shortcuts for -M udp, -M icmp, -M tcp\n"
"      --classic         vary the flow per probe (default: Paris, constant)\n"
"  -f, --first-ttl N     first TTL (1-255, default 1)\n"
"  -m, --max-ttl N       largest TTL (1-255, default 30)\n"
"  -q, --queries N       probes per hop (1-10, default 3)\n"
"  -w, --wait SEC        longest wait for a reply (0.01-60, default 3);\n"
"                        shortened to 3x the largest RTT seen\n"
"  -p, --port N          destination port (udp 33434, tcp 80)\n"
"  -s, --source ADDR     source address (default: from the route)\n"
"  -i, --interface IF    interface (default: from the route)\n"
"  -r, --rate PPS        probes per second (1-10000, default 200)\n"
"  -g, --gap-limit N     stop after N silent hops (1-255, default 5)\n"
"  -N, --window N        TTLs probed at once (1-255, default 16)\n"
"      --retries N       extra probes for a silent hop (0-5, default 1)\n"
"      --payload N       payload bytes of udp and icmp probes (8-1472,\n"
"                        default 32; udp adds up to 63, the TTL mod 64)\n"
"      --write FILE      save the capture to FILE (default\n"
"                        captures/TARGET-UTCTIME.pcap)\n"
"      --no-save         do not save the capture\n"
"      --dry-run         write the probes to the capture file instead of\n"
"                        sending them (no privileges needed)\n"
"  -n                    no reverse DNS (trace looks names up by default)\n"
"  -F, -o, --asmap, --asdb, --baseline  as for replay\n"
"\n"
"Replay options:\n"
"  -F, --format FMT      text, json, term (the hop diagram; the default\n"
"                        on a terminal, else text), dot, svg or png\n"
"  -o, --output FILE     write the result to FILE, replacing it only when\n"
"                        complete; the format follows the name (.txt,\n"
"                        .json, .dot, .gv, .svg, .png) unless -F says\n"
"      --color[=WHEN]    colour the hop diagram: auto (default: on a\n"
"                        terminal, unless NO_COLOR is set), always, never\n"
"      --ascii           draw the hop diagram in plain ASCII\n"
"  -g, --gap-limit N     silent hops after the last answer that make the\n"
"                        stop reason 'gap limit' (1-255, default %d)\n"
"      --window SEC      how long a probe waits for its reply in capture\n"
"                        time; a trace idle this long is finished and\n"
"                        written (1-3600, default %lld)\n"
"      --late SEC        replies slower than this are marked late\n"
"                        (0.001-3600, default %lld)\n"
"      --no-verdict      paths only: no annotation, handoff or verdict\n"
"                        (faster on bulk captures)\n"
"      --filter EXPR     read only the packets that pass EXPR, a pcap\n"
"                        filter (tcpdump's syntax), compiled for each\n"
"                        file's link type\n"
"      --dst ADDR[/LEN]  only the traces to this destination or prefix\n"
"      --threads N       1: one thread; 2: annotate and write on a second\n"
"                        thread while the capture is read (default: 2\n"
"                        when lasthop may run on more than one CPU)\n"
"      --asmap [FMT:]FILE  routing data over the embedded defaults: CAIDA\n"
"                        pfx2as, bgpdump -m, iptoasn TSV or CAIDA as2org\n"
"                        (FMT pfx2as|bgpdump|iptoasn|as2org; default:\n"
"                        detected); repeatable, later files win\n"
"      --asdb IMAGE      the world-wide AS image: it annotates every hop\n"
"                        that the embedded data and --asmap leave without\n"
"                        an AS.  Default: $LASTHOP_ASDB, else %s in\n"
"                        data/ beside the program or one directory up (a\n"
"                        source tree), else in ../share/lasthop/ from the\n"
"                        program (an install); 'make deps' builds it\n"
"      --no-asdb         no AS image\n"
"      --baseline FILE   an earlier capture (or JSON result) of a healthy\n"
"                        trace to the same target: verdicts name where\n"
"                        today departs from it\n"
"      --names           reverse DNS for responders (sends each address to\n"
"                        your resolver); -n turns it off\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 3 unreadable or\n"
"malformed input, 4 input damaged part way (results up to the damage),\n"
"5 missing privileges, 6 network error (no route, unresolvable target).\n"
"See lasthop(1).\n",
	    ENGINE_GAP_LIMIT, (long long)(ENGINE_WINDOW_NS / 1000000000),
	    (long long)(ENGINE_LATE_NS / 1000000000), ASDB_FILE_NAME);
}

/* The program's directory (for the AS image), read before any drop. */
static char exe_dir[PATH_MAX];

static void
find_exe_dir(void)
{
	ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
	char *slash;

	if (n <= 0) {
		exe_dir[0] = '\0';
		return;
	}
	exe_dir[n] = '\0';
	if ((slash = strrchr(exe_dir, '/')) == NULL)
		exe_dir[0] = '\0';
	else
		*slash = '\0';
}

/*
 * Where the AS image is looked for (lasthop.1, FILES): --asdb, then
 * $LASTHOP_ASDB (both must exist), then data/ beside the program and one
 * directory up (a source tree: ./lasthop and build/lasthop), then
 * ../share/lasthop/ from the program (an install under PREFIX/bin).
 * Returns 1 with path filled (*named: it was asked for by name), or 0.
 */
static int
asdb_find(const char *opt, char *path, size_t pathlen, int *named)
{
	static const char *const rel[] = { "data", "../data",
	    "../share/lasthop" };
	const char *env = getenv("LASTHOP_ASDB");
	struct stat sb;
	size_t i;

	*named = 1;
	if (opt != NULL || (env != NULL && *env != '\0')) {
		snprintf(path, pathlen, "%s", opt != NULL ? opt : env);
		return 1;
	}
	*named = 0;
	for (i = 0; exe_dir[0] != '\0' && i < sizeof(rel) / sizeof(rel[0]); i++) {
		int n = snprintf(path, pathlen, "%s/%s/%s", exe_dir, rel[i],
		    ASDB_FILE_NAME);

		if (n > 0 && (size_t)n < pathlen && stat(path, &sb) == 0) {
			char *real = realpath(path, NULL);	/* no "bin/.." */

			if (real != NULL && strlen(real) < pathlen)
				memcpy(path, real, strlen(real) + 1);
			free(real);
			return 1;
		}
	}
	return 0;
}

static void
version(void)
{
	char path[PATH_MAX + 64], err[LH_ERRLEN];
	struct asdb_info info;
	struct asdb *db;
	int named;

	printf("lasthop %s\n%s\n%s\njansson %s\n", LASTHOP_VERSION,
	    pcap_lib_version(), libnet_version(), JANSSON_VERSION);
	printf("embedded AS data: %s %s\n", ASMAP_DEFAULT_NAME,
	    ASMAP_DEFAULT_VERSION);
	if (!asdb_find(NULL, path, sizeof(path), &named))
		printf("AS image: none found\n");
	else if ((db = asdb_open(path, err, sizeof(err))) == NULL)
		printf("AS image: unusable: %s\n", err);
	else {
		asdb_get_info(db, &info);
		printf("AS image: %s %s (%s)\n", info.dataset, info.version,
		    path);
		asdb_close(db);
	}
}

/* The result's destination: stdout, or a file replaced only when complete. */
struct sink {
	struct writer	 w;
	const char	*outpath;
	char		*tmppath;
	/* trace: the file is opened before privileges go, the result is
	 * built in memory and written to it only when complete. */
	int		 fd;
	int		 created;
	char		*mem;
	size_t		 memlen;
};

/* The result's stdio buffer: stdout's when it is not a terminal, else -o's. */
static char outbuf[64 * 1024];

static int
sink_open(struct sink *sk, const char *format, const char *outpath,
    char *err, size_t errlen)
{
	memset(sk, 0, sizeof(*sk));
	if (format == NULL && outpath != NULL)
		format = format_from_name(outpath);
	if (format == NULL)	/* a person at a terminal gets the diagram */
		format = outpath == NULL && isatty(STDOUT_FILENO) ? "term" :
		    "text";
	if ((sk->w.ops = writer_find(format)) == NULL)
		return lh_err(err, errlen, "--format: '%.64s' is not one of: %s",
		    format, writer_names());
	if (strcmp(format, "png") == 0 && (outpath == NULL ||
	    strcmp(outpath, "-") == 0) && isatty(STDOUT_FILENO))
		return lh_err(err, errlen, "--format png: give a file with -o, "
		    "not a terminal");
	sk->w.fp = stdout;
	/*
	 * Bulk output goes out in large writes: stdio's default for a pipe or
	 * /dev/null is one system call per 4 KiB.  A terminal keeps its line
	 * buffering.  Nothing has been written to stdout yet.
	 */
	if ((outpath == NULL || strcmp(outpath, "-") == 0) &&
	    !isatty(STDOUT_FILENO))
		(void)setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	return 0;
}

/* --color=auto|always|never, NO_COLOR, --ascii: for the terminal diagram. */
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static int
parse_color(const char *arg, int *mode, char *err, size_t errlen)
{
	if (arg == NULL || strcmp(arg, "auto") == 0)
		*mode = COLOR_AUTO;
	else if (strcmp(arg, "always") == 0)
		*mode = COLOR_ALWAYS;
	else if (strcmp(arg, "never") == 0)
		*mode = COLOR_NEVER;
	else
		return lh_err(err, errlen, "--color: '%.32s' is not one of: "
		    "auto, always, never", arg);
	return 0;
}

static int
sink_style(struct sink *sk, const char *outpath, int mode, int ascii,
    char *err, size_t errlen)
{
	const char *nc = getenv("NO_COLOR");
	int color = mode == COLOR_ALWAYS || (mode == COLOR_AUTO &&
	    (outpath == NULL || strcmp(outpath, "-") == 0) &&
	    isatty(STDOUT_FILENO) && !(nc != NULL && *nc != '\0'));

	return diagram_term_config(&sk->w, color, ascii, err, errlen);
}

/* mkstemp() makes files 0600; a result is an ordinary file. */
static mode_t
current_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

/* Create the temporary result file (nothing is written to it yet). */
static int
sink_file(struct sink *sk, const char *outpath, char *err, size_t errlen)
{
	size_t n;
	int fd;

	sk->outpath = outpath;
	if (outpath != NULL && strcmp(outpath, "-") != 0) {
		n = strlen(outpath) + 16;
		if ((sk->tmppath = malloc(n)) == NULL)
			return lh_err(err, errlen, "out of memory");
		snprintf(sk->tmppath, n, "%s.tmpXXXXXX", outpath);
		if ((fd = mkstemp(sk->tmppath)) < 0 ||
		    fchmod(fd, 0666 & ~current_umask()) != 0 ||
		    (sk->w.fp = fdopen(fd, "w")) == NULL) {
			lh_err(err, errlen, "%s: %s", outpath, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(sk->tmppath);
			}
			free(sk->tmppath);
			sk->tmppath = NULL;
			sk->w.fp = stdout;
			return -1;
		}
		/* stdout does not use outbuf when the result goes to a file. */
		(void)setvbuf(sk->w.fp, outbuf, _IOFBF, sizeof(outbuf));
	}
	return 0;
}

/*
 * For trace: open the result file now, while privileges allow creating
 * it, and collect the result in memory until it is complete.
 */
static int
sink_file_early(struct sink *sk, const char *outpath, char *err,
    size_t errlen)
{
	struct stat st;

	sk->outpath = outpath;
	if (outpath == NULL || strcmp(outpath, "-") == 0)
		return 0;
	sk->created = stat(outpath, &st) != 0;
	sk->fd = open(outpath, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (sk->fd < 0) {
		sk->fd = 0;
		return lh_err(err, errlen, "%s: %s", outpath, strerror(errno));
	}
	sk->w.fp = open_memstream(&sk->mem, &sk->memlen);
	if (sk->w.fp == NULL) {
		sk->w.fp = stdout;
		return lh_err(err, errlen, "out of memory");
	}
	return 0;
}

/* Start writing (after every input has been opened). */
static int
sink_begin(struct sink *sk, const char *outpath, char *err, size_t errlen)
{
	if (sk->tmppath == NULL && sink_file(sk, outpath, err, errlen) != 0)
		return -1;
	return sk->w.ops->begin(&sk->w, err, errlen);
}

/* Finish: keep the file if ok, else remove it.  Returns the exit code. */
static int
sink_close(struct sink *sk, int ex)
{
	if (sk->w.ops != NULL && sk->w.ops->free != NULL)
		sk->w.ops->free(&sk->w);
	if (sk->mem != NULL || sk->fd > 0) {
		if (sk->w.fp != stdout && fclose(sk->w.fp) != 0)
			ex = LH_EXIT_FAIL;
		if (ex == LH_EXIT_OK || ex == LH_EXIT_PARTIAL) {
			if (ftruncate(sk->fd, 0) != 0 ||
			    write(sk->fd, sk->mem, sk->memlen) != (ssize_t)sk->memlen) {
				warnx_("%s: %s", sk->outpath, strerror(errno));
				ex = LH_EXIT_FAIL;
			}
		} else if (sk->created)
			(void)unlink(sk->outpath);	/* may fail once dropped */
		close(sk->fd);
		free(sk->mem);
		sk->mem = NULL;
		sk->fd = 0;
		return ex;
	}
	if (sk->tmppath == NULL)
		return ex;
	if (fclose(sk->w.fp) != 0 && ex != LH_EXIT_FAIL) {
		warnx_("%s: %s", sk->outpath, strerror(errno));
		ex = LH_EXIT_FAIL;
	}
	if (ex != LH_EXIT_OK && ex != LH_EXIT_PARTIAL)
		unlink(sk->tmppath);
	else if (rename(sk->tmppath, sk->outpath) != 0) {
		warnx_("%s: %s", sk->outpath, strerror(errno));
		unlink(sk->tmppath);
		ex = LH_EXIT_FAIL;
	}
	free(sk->tmppath);
	sk->tmppath = NULL;
	return ex;
}

static void
warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A bad command line: say what (msg, if any) and where help is. */
static int
usage_error(const char *msg)
{
	if (msg != NULL)
		warnx_("%s", msg);
	fprintf(stderr, "Try 'lasthop --help'.\n");
	return LH_EXIT_USAGE;
}

/*
 * An option a command did not take itself: -h prints the help, anything
 * else getopt has already complained about.  Returns the exit code.
 */
static int
other_opt(int c)
{
	if (c == 'h') {
		usage(stdout);
		return LH_EXIT_OK;
	}
	return usage_error(NULL);
}

/* What annotation and verdicts need: the AS data and baseline traces. */
struct anctx {
	struct asmap	 *map;
	struct trace	**base;
	struct analysis	**banal;	/* base[i]'s analysis, made once */
	size_t		  nbase;
	int		  names;	/* reverse DNS for responders */
	struct namecache *cache;
	/* Annotations already looked up (emit_cb() only: one resolver). */
	struct annot_cache *acache;
};

/* Reverse DNS answers, one lookup per address per run. */
struct namecache {
	uint32_t	 addr;
	char		*name;		/* NULL: no name */
	struct namecache *next;
};

static int
resolve_cb(void *arg, uint32_t addr, char *buf, size_t buflen)
{
	struct anctx *ax = arg;
	struct namecache *c;
	struct sockaddr_in sin;

	for (c = ax->cache; c != NULL; c = c->next)
		if (c->addr == addr)
			break;
	if (c == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return -1;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(addr);
		c->addr = addr;
		if (getnameinfo((struct sockaddr *)&sin, sizeof(sin), buf,
		    (socklen_t)buflen, NULL, 0, NI_NAMEREQD) == 0)
			c->name = strdup(buf);
		c->next = ax->cache;
		ax->cache = c;
	}
	if (c->name == NULL)
		return -1;
	snprintf(buf, buflen, "%s", c->name);
	return 0;
}

struct emit_ctx {
	struct writer		*w;
	struct anctx		*ax;
};

/*
 * The baseline for t (same destination, the same method if any) and its
 * analysis, into o.
 */
static void
baseline_for(const struct anctx *ax, const struct trace *t,
    struct analysis_opts *o)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < ax->nbase; i++) {
		if (ax->base[i]->dst != t->dst)
			continue;
		if (best == SIZE_MAX || (ax->base[i]->method == t->method &&
		    ax->base[best]->method != t->method))
			best = i;
	}
	o->baseline = best != SIZE_MAX ? ax->base[best] : NULL;
	o->baseline_an = best != SIZE_MAX && ax->banal != NULL ?
	    ax->banal[best] : NULL;
}

/*
 * Analyse each baseline trace once, after all the AS data is loaded:
 * every trace compared with it reuses the analysis.
 */
static int
anctx_analyze_baselines(struct anctx *ax, char *err, size_t errlen)
{
	struct analysis_opts o = {
		.map = ax->map,
		.resolve = ax->names ? resolve_cb : NULL,
		.resolve_arg = ax,
		.cache = ax->acache,
	};
	size_t i;

	if (ax->nbase == 0)
		return 0;
	if ((ax->banal = calloc(ax->nbase, sizeof(*ax->banal))) == NULL)
		return lh_err(err, errlen, "out of memory");
	for (i = 0; i < ax->nbase; i++)
		if ((ax->banal[i] = analyze_baseline(ax->base[i], &o, err,
		    errlen)) == NULL)
			return -1;
	return 0;
}

static int
emit_cb(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct emit_ctx *ec = arg;
	int rc = 0;

	if (ec->ax != NULL && ec->ax->map != NULL) {
		struct analysis_opts ao = {
			.map = ec->ax->map,
			.resolve = ec->ax->names ? resolve_cb : NULL,
			.resolve_arg = ec->ax,
			.cache = ec->ax->acache,
		};

		baseline_for(ec->ax, t, &ao);
		rc = analyze_trace(t, &ao, err, errlen);
	}
	if (rc == 0)
		rc = ec->w->ops->trace(ec->w, t, err, errlen);

	trace_free(t);
	return rc;
}

static int
anctx_init(struct anctx *ax, char *err, size_t errlen)
{
	memset(ax, 0, sizeof(*ax));
	if ((ax->map = asmap_new()) == NULL ||
	    (ax->acache = annot_cache_new()) == NULL)
		return lh_err(err, errlen, "out of memory");
	return asmap_load_default(ax->map, err, errlen);
}

static void
anctx_free(struct anctx *ax)
{
	size_t i;
	struct namecache *c, *next;

	for (c = ax->cache; c != NULL; c = next) {
		next = c->next;
		free(c->name);
		free(c);
	}
	for (i = 0; i < ax->nbase; i++) {
		trace_free(ax->base[i]);
		if (ax->banal != NULL)
			analysis_free(ax->banal[i]);
	}
	free(ax->base);
	free(ax->banal);
	annot_cache_free(ax->acache);
	asmap_free(ax->map);
}

/* --asmap [FORMAT:]FILE: the researcher's routing data over the defaults. */
static int
anctx_asmap(struct anctx *ax, const char *arg, char *err, size_t errlen)
{
	enum asmap_format fmt = ASMAP_FMT_AUTO;
	const char *colon = strchr(arg, ':'), *path = arg;
	struct asmap_load_stats st;
	char name[16];

	if (colon != NULL && (size_t)(colon - arg) < sizeof(name)) {
		memcpy(name, arg, (size_t)(colon - arg));
		name[colon - arg] = '\0';
		if ((fmt = asmap_format_parse(name)) != ASMAP_FMT_UNKNOWN)
			path = colon + 1;
		else
			fmt = ASMAP_FMT_AUTO;
	}
	memset(&st, 0, sizeof(st));
	if (asmap_load_file(ax->map, path, fmt, &st, err, errlen) != 0)
		return -1;
	if (st.routes == 0 && st.names == 0 && st.withdrawn == 0)
		warnx_("%s: no routes or AS names found in it", path);
	return 0;
}

/*
 * The world-wide AS image under the routes (asdb_find()'s order); when
 * none is found, one line says so and the embedded data serves alone.
 * Returns an exit code.
 */
static int
anctx_asdb(struct anctx *ax, const char *opt, int none, char *err,
    size_t errlen)
{
	char path[PATH_MAX + 64];
	struct asdb *db;
	int named;

	if (none)
		return 0;
	if (!asdb_find(opt, path, sizeof(path), &named)) {
		warnx_("no AS image (%s) found: hops outside the embedded data "
		    "and --asmap get no AS ('make deps' builds the image; "
		    "--asdb, LASTHOP_ASDB)", ASDB_FILE_NAME);
		return 0;
	}
	/* one found by the search but unreadable (trace reads it after
	   dropping privileges): say so, go on without it */
	if (!named && access(path, R_OK) != 0) {
		warnx_("%s: %s: hops outside the embedded data and --asmap get "
		    "no AS", path, strerror(errno));
		return 0;
	}
	if ((db = asdb_open(path, err, errlen)) == NULL)
		return LH_EXIT_INPUT;
	if (asmap_attach_asdb(ax->map, db, err, errlen) != 0)
		return LH_EXIT_FAIL;
	return 0;
}

static int
collect_cb(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct anctx *ax = arg;
	struct trace **nb;

	nb = realloc(ax->base, (ax->nbase + 1) * sizeof(*nb));
	if (nb == NULL) {
		trace_free(t);
		return lh_err(err, errlen, "out of memory");
	}
	ax->base = nb;
	ax->base[ax->nbase++] = t;
	return 0;
}

/* --baseline FILE: an earlier capture of a healthy trace. */
static int
anctx_baseline(struct anctx *ax, const char *path, const struct engine_opts *o,
    char *err, size_t errlen)
{
	struct engine_opts eo = *o;
	struct replay_result res;
	struct capfile *cf;
	char damage[LH_ERRLEN];
	size_t n = strlen(path), i;
	int rc;

	if (n > 5 && strcmp(path + n - 5, ".json") == 0) {
		/* A saved result: its traces are the baseline. */
		struct jsonin *r = jsonin_load_file(path, err, errlen);

		if (r == NULL)
			return -1;
		for (i = 0, rc = 0; i < r->ntraces && rc == 0; i++)
			rc = collect_cb(ax, jsonin_take(r, i), err, errlen);
		jsonin_free(r);
		if (rc == 0 && ax->nbase == 0)
			return lh_err(err, errlen, "%s: no trace in it", path);
		return rc;
	}
	if ((cf = capfile_open(path, err, errlen)) == NULL)
		return -1;
	eo.file = path;
	eo.on_reply = NULL;
	eo.strict = 0;
	rc = replay_capfile(cf, &eo, collect_cb, ax, &res, damage,
	    sizeof(damage), err, errlen);
	capfile_close(cf);
	if (rc == 0 && res.damaged)
		return lh_err(err, errlen, "%s", damage);
	if (rc == 0 && ax->nbase == 0)
		return lh_err(err, errlen, "%s: no traceroute in the baseline",
		    path);
	return rc;
}

/* Format named by an output file's extension, or NULL. */
static const char *
format_from_name(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return NULL;
	if (strcmp(dot, ".json") == 0)
		return "json";
	if (strcmp(dot, ".txt") == 0)
		return "text";
	if (strcmp(dot, ".dot") == 0 || strcmp(dot, ".gv") == 0)
		return "dot";
	if (strcmp(dot, ".svg") == 0)
		return "svg";
	if (strcmp(dot, ".png") == 0)
		return "png";
	return NULL;
}

/*
 * Options every result-writing command shares: -F, -o, --color, --ascii,
 * and for the analysing ones --asmap, --baseline, --names, -n.
 */
struct common_opts {
	const char	*format, *outpath, *baseline;
	const char	*asmaps[16];
	int		 nasmaps;
	const char	*asdb;		/* --asdb */
	int		 no_asdb;	/* --no-asdb */
	int		 names;
	int		 color_mode;
	int		 ascii;
};

/* Traces that may wait for the replay worker (a few KiB each). */
#define REPLAY_QUEUE	128

#define COMMON_LONGOPTS \
	{ "format",	required_argument, NULL, 'F' }, \
	{ "output",	required_argument, NULL, 'o' }, \
	{ "asmap",	required_argument, NULL, 'A' }, \
	{ "asdb",	required_argument, NULL, 'Y' }, \
	{ "no-asdb",	no_argument,	   NULL, 'Z' }, \
	{ "baseline",	required_argument, NULL, 'B' }, \
	{ "names",	no_argument,	   NULL, 'R' }, \
	{ "color",	optional_argument, NULL, 'C' }, \
	{ "ascii",	no_argument,	   NULL, 'a' }, \
	{ "help",	no_argument,	   NULL, 'h' }

/* 1: c was a common option, 0: it was not, -1: bad value (err says). */
static int
common_opt(int c, const char *arg, struct common_opts *co, char *err,
    size_t errlen)
{
	switch (c) {
	case 'F':
		co->format = arg;
		return 1;
	case 'o':
		co->outpath = arg;
		return 1;
	case 'A':
		if (co->nasmaps == (int)(sizeof(co->asmaps) /
		    sizeof(co->asmaps[0])))
			return lh_err(err, errlen, "--asmap: at most %zu files",
			    sizeof(co->asmaps) / sizeof(co->asmaps[0]));
		co->asmaps[co->nasmaps++] = arg;
		return 1;
	case 'Y':
		co->asdb = arg;
		return 1;
	case 'Z':
		co->no_asdb = 1;
		return 1;
	case 'B':
		co->baseline = arg;
		return 1;
	case 'R':
		co->names = 1;
		return 1;
	case 'n':
		co->names = 0;
		return 1;
	case 'C':
		return parse_color(arg, &co->color_mode, err, errlen) != 0 ?
		    -1 : 1;
	case 'a':
		co->ascii = 1;
		return 1;
	default:
		return 0;
	}
}

/* The AS data and the baseline; returns an exit code (0: loaded). */
static int
common_load(const struct common_opts *co, struct anctx *ax,
    const struct engine_opts *eo, char *err, size_t errlen)
{
	int i;

	if (anctx_init(ax, err, errlen) != 0)
		return LH_EXIT_FAIL;
	ax->names = co->names;
	for (i = 0; i < co->nasmaps; i++)
		if (anctx_asmap(ax, co->asmaps[i], err, errlen) != 0)
			return LH_EXIT_INPUT;
	if ((i = anctx_asdb(ax, co->asdb, co->no_asdb, err, errlen)) != 0)
		return i;
	if (co->baseline != NULL &&
	    anctx_baseline(ax, co->baseline, eo, err, errlen) != 0)
		return LH_EXIT_INPUT;
	if (anctx_analyze_baselines(ax, err, errlen) != 0)
		return LH_EXIT_FAIL;
	return 0;
}

/* The writer of -F/-o, styled by --color/--ascii. */
static int
sink_setup(struct sink *sk, const struct common_opts *co, char *err,
    size_t errlen)
{
	if (sink_open(sk, co->format, co->outpath, err, errlen) != 0)
		return -1;
	return sink_style(sk, co->outpath, co->color_mode, co->ascii, err,
	    errlen);
}

/*
 * Replay one open capture into the writer of ec, through pl when there is
 * one (emit_cb then runs on its worker).  Returns an exit code.
 */
static int
replay_one(struct capfile *cf, const char *path, struct engine_opts *eo,
    struct emit_ctx *ec, struct pipeline *pl)
{
	struct writer *w = ec->w;
	struct replay_result res;
	struct file_summary fs;
	char err[LH_ERRLEN], damage[LH_ERRLEN], werr[LH_ERRLEN];
	int ex = LH_EXIT_OK, rc;

	eo->file = path;
	rc = pl != NULL ?
	    replay_capfile(cf, eo, pipeline_emit, pl, &res, damage,
	    sizeof(damage), err, sizeof(err)) :
	    replay_capfile(cf, eo, emit_cb, ec, &res, damage, sizeof(damage),
	    err, sizeof(err));
	/*
	 * Every trace of this file is written before anything is said about
	 * the file; a failure of the worker is the first error there was.
	 */
	if (pl != NULL && pipeline_drain(pl, werr, sizeof(werr)) != 0 &&
	    rc == 0) {
		memcpy(err, werr, sizeof(err));
		rc = -1;
	}
	if (rc != 0)
		goto fail;
	if (res.damaged) {
		warnx_("%s; results up to that point follow", damage);
		ex = LH_EXIT_PARTIAL;
	}
	if (res.st.bad_linktype > 0 && res.st.frames == res.st.bad_linktype) {
		warnx_("%s: link type %d is not one lasthop can read", path,
		    res.linktype);
		if (ex == LH_EXIT_OK)
			ex = LH_EXIT_INPUT;
	}
	fs.path = path;
	fs.reader = capfile_reader(cf);
	fs.st = &res.st;
	fs.warning = ex == LH_EXIT_PARTIAL ? damage : NULL;
	fs.filtered = capfile_filtered(cf);
	if (w->ops->file_done(w, &fs, err, sizeof(err)) != 0)
		goto fail;
	return ex;
fail:
	warnx_("%s: %s", path, err);
	return LH_EXIT_FAIL;
}

static int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "gap-limit",	required_argument, NULL, 'g' },
		{ "window",	required_argument, NULL, 'W' },
		{ "late",	required_argument, NULL, 'L' },
		{ "no-verdict",	no_argument,	   NULL, 'V' },
		{ "threads",	required_argument, NULL, 'j' },
		{ "filter",	required_argument, NULL, 'X' },
		{ "dst",	required_argument, NULL, 'D' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct common_opts co = { .names = 0, .color_mode = COLOR_AUTO };
	struct engine_opts eo;
	struct sink sk;
	struct anctx ax;
	struct capfile **cfs = NULL;
	const char *filter = NULL;
	int no_verdict = 0, threads = 0;	/* 0: by the CPUs online */
	struct emit_ctx ec = { .w = &sk.w, .ax = &ax };
	struct pipeline *pl = NULL;
	char err[LH_ERRLEN];
	long v;
	int c, i, nfiles, ex = LH_EXIT_OK, rc;

	engine_opts_default(&eo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:o:g:nh", longopts, NULL)) != -1) {
		if ((rc = common_opt(c, optarg, &co, err, sizeof(err))) < 0)
			goto usage_err;
		if (rc > 0)
			continue;
		switch (c) {
		case 'g':
			if (lh_parse_long(optarg, 1, 255, "--gap-limit", &v,
			    err, sizeof(err)) != 0)
				goto usage_err;
			eo.gap_limit = (int)v;
			break;
		case 'W':
			if (lh_parse_seconds(optarg, 1, 3600, "--window",
			    &eo.window_ns, err, sizeof(err)) != 0)
				goto usage_err;
			break;
		case 'L':
			if (lh_parse_seconds(optarg, 0.001, 3600, "--late",
			    &eo.late_ns, err, sizeof(err)) != 0)
				goto usage_err;
			break;
		case 'V':
			no_verdict = 1;
			break;
		case 'j':
			if (lh_parse_long(optarg, 1, 2, "--threads", &v, err,
			    sizeof(err)) != 0)
				goto usage_err;
			threads = (int)v;
			break;
		case 'X':
			filter = optarg;
			break;
		case 'D':
			if (lh_parse_prefix(optarg, "--dst", &eo.dst_net,
			    &eo.dst_mask, err, sizeof(err)) != 0)
				goto usage_err;
			break;
		default:	/* -h, or an option getopt refused */
			return other_opt(c);
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		snprintf(err, sizeof(err), "replay: no capture file given");
		goto usage_err;
	}
	if (no_verdict && (co.nasmaps > 0 || co.baseline != NULL ||
	    co.asdb != NULL)) {
		snprintf(err, sizeof(err), "--no-verdict cannot go with %s",
		    co.nasmaps > 0 ? "--asmap" : co.asdb != NULL ? "--asdb" :
		    "--baseline");
		goto usage_err;
	}
	if (sink_setup(&sk, &co, err, sizeof(err)) != 0)
		goto usage_err;

	/* Load every input first: a bad one stops us before any output. */
	if (no_verdict)		/* paths only: no AS data, no analysis */
		memset(&ax, 0, sizeof(ax));
	else if ((ex = common_load(&co, &ax, &eo, err, sizeof(err))) != 0) {
		warnx_("%s", err);
		goto out;
	}
	if ((cfs = calloc((size_t)nfiles, sizeof(*cfs))) == NULL) {
		warnx_("out of memory");
		ex = LH_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		cfs[i] = capfile_open(argv[optind + i], err, sizeof(err));
		if (cfs[i] == NULL) {
			warnx_("%s", err);
			ex = LH_EXIT_INPUT;
			goto out;
		}
		if (filter != NULL &&
		    capfile_set_filter(cfs[i], filter, err, sizeof(err)) != 0) {
			warnx_("%s", err);
			ex = LH_EXIT_USAGE;
			goto out;
		}
	}
	if (sink_begin(&sk, co.outpath, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
		goto out;
	}
	if (threads == 0)
		threads = pipeline_cpus() > 1 ? 2 : 1;
	/* Without a worker (none could start), the same work on one thread. */
	if (threads > 1)
		pl = pipeline_new(emit_cb, &ec, REPLAY_QUEUE, err, sizeof(err));
	for (i = 0; i < nfiles; i++) {
		rc = replay_one(cfs[i], argv[optind + i], &eo, &ec, pl);
		if (rc == LH_EXIT_FAIL) {
			ex = rc;
			goto out;
		}
		if (rc > ex)
			ex = rc;
	}
	if (sk.w.ops->end(&sk.w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
	}
out:
	pipeline_free(pl);	/* idle: replay_one() drained it */
	ex = sink_close(&sk, ex);
	for (i = 0; cfs != NULL && i < nfiles; i++)
		if (cfs[i] != NULL)
			capfile_close(cfs[i]);
	free(cfs);
	anctx_free(&ax);
	return ex;
usage_err:
	return usage_error(err);
}

/* Names that came with pasted text, for the analysis's hostname hints. */
struct paste_names {
	const struct textimport	*ti;
	size_t			 i;
	struct anctx		*ax;	/* --names: reverse DNS for the rest */
};

static int
paste_resolve(void *arg, uint32_t addr, char *buf, size_t buflen)
{
	struct paste_names *pn = arg;
	const char *name = textimport_name(pn->ti, pn->i, addr);

	if (name != NULL) {
		snprintf(buf, buflen, "%s", name);
		return 0;
	}
	return pn->ax->names ? resolve_cb(pn->ax, addr, buf, buflen) : -1;
}

static int
cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source",	required_argument, NULL, 's' },
		{ "target",	required_argument, NULL, 'd' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct common_opts co = { .names = 0, .color_mode = COLOR_AUTO };
	struct textimport_opts to;
	struct textimport **tis = NULL;
	struct engine_opts eo;
	struct sink sk;
	struct anctx ax;
	char err[LH_ERRLEN];
	int c, i, nfiles, ex = LH_EXIT_OK, rc;
	size_t k;

	memset(&to, 0, sizeof(to));
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:o:s:nh", longopts, NULL)) != -1) {
		if ((rc = common_opt(c, optarg, &co, err, sizeof(err))) < 0)
			goto usage_err;
		if (rc > 0)
			continue;
		switch (c) {
		case 's':
			if (lh_parse_ip4(optarg, "-s", &to.src, err,
			    sizeof(err)) != 0)
				goto usage_err;
			break;
		case 'd':
			if (lh_parse_ip4(optarg, "--target", &to.target, err,
			    sizeof(err)) != 0)
				goto usage_err;
			break;
		default:	/* -h, or an option getopt refused */
			return other_opt(c);
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		snprintf(err, sizeof(err), "analyze: no file given");
		goto usage_err;
	}
	if (sink_setup(&sk, &co, err, sizeof(err)) != 0)
		goto usage_err;
	engine_opts_default(&eo);
	if ((ex = common_load(&co, &ax, &eo, err, sizeof(err))) != 0) {
		warnx_("%s", err);
		goto out;
	}
	/* Read every file first: a bad one stops us before any output. */
	if ((tis = calloc((size_t)nfiles, sizeof(*tis))) == NULL) {
		warnx_("out of memory");
		ex = LH_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < nfiles; i++)
		if (textimport_read_path(argv[optind + i], &to, &tis[i], err,
		    sizeof(err)) != 0) {
			warnx_("%s", err);
			ex = LH_EXIT_INPUT;
			goto out;
		}
	if (sink_begin(&sk, co.outpath, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < nfiles && ex == LH_EXIT_OK; i++) {
		for (k = 0; k < tis[i]->ntraces; k++) {
			struct trace *t = tis[i]->traces[k];
			struct paste_names pn = { tis[i], k, &ax };

			struct analysis_opts ao = {
				.map = ax.map,
				.resolve = paste_resolve,
				.resolve_arg = &pn,
			};

			baseline_for(&ax, t, &ao);

			if (analyze_trace(t, &ao, err, sizeof(err)) != 0 ||
			    sk.w.ops->trace(&sk.w, t, err, sizeof(err)) != 0) {
				warnx_("%s", err);
				ex = LH_EXIT_FAIL;
				break;
			}
		}
	}
	if (ex == LH_EXIT_OK && sk.w.ops->end(&sk.w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
	}
out:
	ex = sink_close(&sk, ex);
	for (i = 0; tis != NULL && i < nfiles; i++)
		textimport_free(tis[i]);
	free(tis);
	anctx_free(&ax);
	return ex;
usage_err:
	return usage_error(err);
}

/* lasthop diagram RESULT.json...: re-render saved results. */
static int
cmd_diagram(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",	required_argument, NULL, 'F' },
		{ "output",	required_argument, NULL, 'o' },
		{ "color",	optional_argument, NULL, 'C' },
		{ "ascii",	no_argument,	   NULL, 'a' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct common_opts co = { .color_mode = COLOR_AUTO };
	struct jsonin **rs = NULL;
	struct file_summary fs;
	struct sink sk;
	char err[LH_ERRLEN];
	int c, i, nfiles, ex = LH_EXIT_OK, rc;
	size_t k;

	optind = 1;
	while ((c = getopt_long(argc, argv, "F:o:h", longopts, NULL)) != -1) {
		if ((rc = common_opt(c, optarg, &co, err, sizeof(err))) < 0)
			goto usage_err;
		if (rc == 0)	/* -h, or an option getopt refused */
			return other_opt(c);
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		snprintf(err, sizeof(err), "diagram: no result file given");
		goto usage_err;
	}
	if (sink_setup(&sk, &co, err, sizeof(err)) != 0)
		goto usage_err;
	/* Read every result first: a bad one stops us before any output. */
	if ((rs = calloc((size_t)nfiles, sizeof(*rs))) == NULL) {
		warnx_("out of memory");
		return LH_EXIT_FAIL;
	}
	for (i = 0; i < nfiles; i++)
		if ((rs[i] = jsonin_load_file(argv[optind + i], err,
		    sizeof(err))) == NULL) {
			warnx_("%s", err);
			ex = LH_EXIT_INPUT;
			goto out;
		}
	if (sink_begin(&sk, co.outpath, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < nfiles && ex == LH_EXIT_OK; i++) {
		for (k = 0; k < rs[i]->ntraces && ex == LH_EXIT_OK; k++)
			if (sk.w.ops->trace(&sk.w, rs[i]->traces[k], err,
			    sizeof(err)) != 0) {
				warnx_("%s", err);
				ex = LH_EXIT_FAIL;
			}
		for (k = 0; k < rs[i]->nfiles && ex == LH_EXIT_OK; k++) {
			jsonin_file_summary(rs[i], k, &fs);
			if (sk.w.ops->file_done(&sk.w, &fs, err,
			    sizeof(err)) != 0) {
				warnx_("%s", err);
				ex = LH_EXIT_FAIL;
			}
		}
	}
	if (ex == LH_EXIT_OK && sk.w.ops->end(&sk.w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
	}
out:
	ex = sink_close(&sk, ex);
	for (i = 0; rs != NULL && i < nfiles; i++)
		jsonin_free(rs[i]);
	free(rs);
	return ex;
usage_err:
	return usage_error(err);
}

/* lasthop asdb build -o IMAGE [--name N] [--version V] CSV... */
static int
asdb_build_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	required_argument, NULL, 'o' },
		{ "name",	required_argument, NULL, 'N' },
		{ "version",	required_argument, NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *name = "ip-location-db-asn", *ver = "unknown";
	const struct asdb_build_stats *st;
	struct asdb_build *b;
	char err[LH_ERRLEN];
	int c, i, ex = LH_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'N': name = optarg; break;
		case 'V': ver = optarg; break;
		default: return other_opt(c);
		}
	}
	if (out == NULL || optind >= argc) {
		snprintf(err, sizeof(err), "asdb build: give -o IMAGE and at "
		    "least one CSV file");
		return usage_error(err);
	}
	if ((b = asdb_build_new()) == NULL) {
		warnx_("out of memory");
		return LH_EXIT_FAIL;
	}
	for (i = optind; i < argc && ex == LH_EXIT_OK; i++) {
		FILE *fp = strcmp(argv[i], "-") == 0 ? stdin :
		    fopen(argv[i], "r");

		if (fp == NULL) {
			warnx_("%s: %s", argv[i], strerror(errno));
			ex = LH_EXIT_INPUT;
			break;
		}
		if (asdb_build_fp(b, fp, argv[i], err, sizeof(err)) != 0) {
			warnx_("%s", err);
			ex = LH_EXIT_INPUT;
		}
		if (fp != stdin)
			fclose(fp);
	}
	if (ex == LH_EXIT_OK &&
	    (asdb_build_finish(b, err, sizeof(err)) != 0 ||
	    asdb_build_write(b, out, name, ver, err, sizeof(err)) != 0)) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
	}
	if (ex == LH_EXIT_OK) {
		st = asdb_build_stats(b);
		fprintf(stderr, "%s: %s: %s %s: %lu IPv4 rows (%lu overlapping), "
		    "%lu ranges, %lu ASes; skipped %lu IPv6 and %lu AS 0 rows; "
		    "%lu names cleaned\n", progname, out, name, ver, st->rows,
		    st->overlaps, st->ranges, st->asns, st->skipped_v6,
		    st->unrouted, st->cleaned);
	}
	asdb_build_free(b);
	return ex;
}

/* lasthop asdb info [--verify] [IMAGE] */
static int
asdb_info_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verify",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char path[PATH_MAX + 64], err[LH_ERRLEN];
	struct asdb_info info;
	struct asdb *db;
	int c, verify = 0, named;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c != 'v')
			return other_opt(c);
		verify = 1;
	}
	if (argc - optind > 1)
		return usage_error("asdb info: at most one image");
	if (!asdb_find(optind < argc ? argv[optind] : NULL, path, sizeof(path),
	    &named)) {
		warnx_("no AS image (%s) found", ASDB_FILE_NAME);
		return LH_EXIT_INPUT;
	}
	if ((db = asdb_open(path, err, sizeof(err))) == NULL) {
		warnx_("%s", err);
		return LH_EXIT_INPUT;
	}
	asdb_get_info(db, &info);
	printf("image: %s\ndataset: %s\nversion: %s\nformat: %u\n"
	    "intervals: %u\nranges: %u\nASes: %u\nbytes: %llu\n", path,
	    info.dataset, info.version, info.format, info.intervals,
	    info.ranges, info.asns, (unsigned long long)info.size);
	if (verify) {
		if (asdb_verify(db, err, sizeof(err)) != 0) {
			warnx_("%s", err);
			asdb_close(db);
			return LH_EXIT_INPUT;
		}
		printf("verified: every interval, index entry and name\n");
	}
	asdb_close(db);
	return LH_EXIT_OK;
}

static void
asdb_print_hit(const struct asdb *db, uint32_t addr)
{
	char a[LH_IP4_STRLEN], f[LH_IP4_STRLEN], l[LH_IP4_STRLEN];
	struct asdb_hit hit;
	const char *org = "";

	lh_ip4_str(addr, a, sizeof(a));
	if (asdb_lookup(db, addr, &hit) != 1) {
		printf("%s -\n", a);
		return;
	}
	(void)asdb_org(db, hit.asn, &org);
	printf("%s AS%u %s-%s %s\n", a, hit.asn,
	    lh_ip4_str(hit.first, f, sizeof(f)),
	    lh_ip4_str(hit.last, l, sizeof(l)), org);
}

/* lasthop asdb lookup [--asdb IMAGE] [ADDR...] */
static int
asdb_lookup_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "asdb",	required_argument, NULL, 'Y' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char path[PATH_MAX + 64], err[LH_ERRLEN], line[128];
	const char *opt = NULL;
	struct asdb *db;
	uint32_t addr;
	int c, i, named, ex = LH_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c != 'Y')
			return other_opt(c);
		opt = optarg;
	}
	for (i = optind; i < argc; i++)
		if (lh_parse_ip4(argv[i], "asdb lookup", &addr, err,
		    sizeof(err)) != 0)
			return usage_error(err);
	if (!asdb_find(opt, path, sizeof(path), &named)) {
		warnx_("no AS image (%s) found", ASDB_FILE_NAME);
		return LH_EXIT_INPUT;
	}
	if ((db = asdb_open(path, err, sizeof(err))) == NULL) {
		warnx_("%s", err);
		return LH_EXIT_INPUT;
	}
	for (i = optind; i < argc; i++) {
		(void)lh_parse_ip4(argv[i], "asdb lookup", &addr, err,
		    sizeof(err));
		asdb_print_hit(db, addr);
	}
	if (optind == argc) {
		unsigned long n = 0;

		while (fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			n++;
			if (lh_parse_ip4(line, "address", &addr, err,
			    sizeof(err)) != 0) {
				warnx_("standard input:%lu: %s", n, err);
				ex = LH_EXIT_INPUT;
				break;
			}
			asdb_print_hit(db, addr);
		}
	}
	asdb_close(db);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnx_("write error: %s", strerror(errno));
		ex = LH_EXIT_FAIL;
	}
	return ex;
}

/* lasthop asdb build|info|lookup ... */
static int
cmd_asdb(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "build") == 0)
		return asdb_build_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "info") == 0)
		return asdb_info_cmd(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "lookup") == 0)
		return asdb_lookup_cmd(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return LH_EXIT_OK;
	}
	return usage_error(argc >= 2 ? "asdb: unknown subcommand (build, info, "
	    "lookup)" : "asdb: give a subcommand (build, info, lookup)");
}

static volatile sig_atomic_t interrupted;

/* A progress line on a terminal, rewritten in place. */
static void
show_progress(void *arg, uint32_t sent, uint32_t answered, int highest)
{
	(void)arg;
	fprintf(stderr, "\r%s: %u probes sent, %u answered, up to TTL %d ",
	    progname, sent, answered, highest);
	fflush(stderr);
}

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* An IPv4 address or a host name, resolved once. */
static int
resolve(const char *name, uint32_t *out, char *err, size_t errlen)
{
	struct addrinfo hints, *res;
	struct in_addr a;
	int rc;

	if (inet_pton(AF_INET, name, &a) == 1) {
		*out = ntohl(a.s_addr);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0)
		return lh_err(err, errlen, "cannot resolve '%s': %s", name,
		    gai_strerror(rc));
	*out = ntohl(((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

static int
cmd_trace(int argc, char **argv)
{
	enum { O_CLASSIC = 256, O_RETRIES, O_PAYLOAD, O_WRITE, O_NOSAVE,
	    O_DRYRUN };
	static const struct option longopts[] = {
		{ "method",	required_argument, NULL, 'M' },
		{ "classic",	no_argument,	   NULL, O_CLASSIC },
		{ "first-ttl",	required_argument, NULL, 'f' },
		{ "max-ttl",	required_argument, NULL, 'm' },
		{ "queries",	required_argument, NULL, 'q' },
		{ "wait",	required_argument, NULL, 'w' },
		{ "port",	required_argument, NULL, 'p' },
		{ "source",	required_argument, NULL, 's' },
		{ "interface",	required_argument, NULL, 'i' },
		{ "rate",	required_argument, NULL, 'r' },
		{ "gap-limit",	required_argument, NULL, 'g' },
		{ "window",	required_argument, NULL, 'N' },
		{ "retries",	required_argument, NULL, O_RETRIES },
		{ "payload",	required_argument, NULL, O_PAYLOAD },
		{ "write",	required_argument, NULL, O_WRITE },
		{ "no-save",	no_argument,	   NULL, O_NOSAVE },
		{ "dry-run",	no_argument,	   NULL, O_DRYRUN },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	/* trace looks names up unless -n, as traceroute does */
	struct common_opts co = { .names = 1, .color_mode = COLOR_AUTO };
	struct live_opts lo;
	struct anctx ax;
	struct engine_opts beo;
	struct live_result lr;
	struct live *lv;
	struct sink sk;
	struct emit_ctx ec;
	const char *write_path = NULL;
	char err[LH_ERRLEN], defpath[256], tb[32];
	int c, no_save = 0, payload_set = 0, ex, rc;
	long v;
	uint64_t n;
	time_t now;
	struct tm tm;

	live_opts_default(&lo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "M:UITf:m:q:w:p:s:i:r:g:N:F:o:nh",
	    longopts, NULL)) != -1) {
		if ((rc = common_opt(c, optarg, &co, err, sizeof(err))) < 0)
			goto usage_err;
		if (rc > 0)
			continue;
		switch (c) {
		case 'M':
			if ((lo.method = probe_find(optarg)) == NULL) {
				snprintf(err, sizeof(err), "--method: '%.32s' is "
				    "not one of: udp, icmp, tcp, tcp-ack", optarg);
				goto usage_err;
			}
			break;
		case 'U':
			lo.method = &probe_udp;
			break;
		case 'I':
			lo.method = &probe_icmp;
			break;
		case 'T':
			lo.method = &probe_tcp;
			break;
		case O_CLASSIC:
			lo.classic = 1;
			break;
		case 'f':
		case 'm':
		case 'g':
		case 'N':
			if (lh_parse_long(optarg, 1, 255, c == 'f' ? "-f" :
			    c == 'm' ? "-m" : c == 'g' ? "--gap-limit" :
			    "--window", &v, err, sizeof(err)) != 0)
				goto usage_err;
			if (c == 'f')
				lo.first_ttl = (uint8_t)v;
			else if (c == 'm')
				lo.max_ttl = (uint8_t)v;
			else if (c == 'g')
				lo.gap_limit = (uint8_t)v;
			else
				lo.window = (uint8_t)v;
			break;
		case 'q':
			if (lh_parse_long(optarg, 1, 10, "-q", &v, err,
			    sizeof(err)) != 0)
				goto usage_err;
			lo.probes_per_hop = (uint8_t)v;
			break;
		case O_RETRIES:
			if (lh_parse_long(optarg, 0, 5, "--retries", &v, err,
			    sizeof(err)) != 0)
				goto usage_err;
			lo.retries = (uint8_t)v;
			break;
		case O_PAYLOAD:
			if (lh_parse_long(optarg, PROBE_MIN_PAYLOAD,
			    PROBE_MAX_PAYLOAD, "--payload", &v, err,
			    sizeof(err)) != 0)
				goto usage_err;
			lo.payload = (uint16_t)v;
			payload_set = 1;
			break;
		case 'w':
			if (lh_parse_seconds(optarg, 0.01, 60, "-w", &lo.wait_ns,
			    err, sizeof(err)) != 0)
				goto usage_err;
			break;
		case 'p':
			if (lh_parse_long(optarg, 1, 65535, "-p", &v, err,
			    sizeof(err)) != 0)
				goto usage_err;
			lo.port = (uint16_t)v;
			break;
		case 'r':
			if (lh_parse_long(optarg, 1, 10000, "--rate", &v, err,
			    sizeof(err)) != 0)
				goto usage_err;
			lo.pps = (uint32_t)v;
			break;
		case 's':
			if (lh_parse_ip4(optarg, "-s", &lo.src, err,
			    sizeof(err)) != 0)
				goto usage_err;
			break;
		case 'i':
			lo.ifname = optarg;
			break;
		case O_WRITE:
			write_path = optarg;
			break;
		case O_NOSAVE:
			no_save = 1;
			break;
		case O_DRYRUN:
			lo.dry_run = 1;
			break;
		default:	/* -h, or an option getopt refused */
			return other_opt(c);
		}
	}
	if (argc - optind != 1) {
		snprintf(err, sizeof(err), "trace: give exactly one target");
		goto usage_err;
	}
	if (lo.first_ttl > lo.max_ttl) {
		snprintf(err, sizeof(err), "-f %u is larger than -m %u",
		    lo.first_ttl, lo.max_ttl);
		goto usage_err;
	}
	if (payload_set && lo.method->proto == IPPROTO_TCP) {
		snprintf(err, sizeof(err), "--payload: %s probes carry no "
		    "payload", lo.method->name);
		goto usage_err;
	}
	if (no_save && (write_path != NULL || lo.dry_run)) {
		snprintf(err, sizeof(err), "--no-save cannot go with %s",
		    lo.dry_run ? "--dry-run" : "--write");
		goto usage_err;
	}
	lo.target = argv[optind];
	if (sink_setup(&sk, &co, err, sizeof(err)) != 0)
		goto usage_err;
	if (resolve(lo.target, &lo.dst, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		return LH_EXIT_NET;
	}
	if (write_path == NULL && !no_save) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(tb, sizeof(tb), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(defpath, sizeof(defpath), "captures/%s-%s%s.pcap",
		    lo.target, tb, lo.dry_run ? "-dry-run" : "");
		write_path = defpath;
	}
	if (lo.dry_run) {
		if (live_dry_run(&lo, write_path, &n, err, sizeof(err)) != 0) {
			warnx_("%s", err);
			return LH_EXIT_FAIL;
		}
		fprintf(stderr, "%s: dry run: %llu %s probes written to %s\n",
		    progname, (unsigned long long)n, lo.method->name, write_path);
		return LH_EXIT_OK;
	}
	lo.write_path = write_path;
	lo.interrupted = &interrupted;
	if (isatty(STDERR_FILENO))
		lo.progress = show_progress;
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	/* The result file too is created before privileges go. */
	if (sink_file_early(&sk, co.outpath, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		return sink_close(&sk, LH_EXIT_FAIL);
	}
	lv = live_open(&lo, &ex, err, sizeof(err));
	if (lv == NULL) {
		warnx_("%s", err);
		return sink_close(&sk, ex);
	}
	/* The AS data and the baseline: parsed only after the drop. */
	engine_opts_default(&beo);
	if ((ex = common_load(&co, &ax, &beo, err, sizeof(err))) != 0) {
		warnx_("%s", err);
		anctx_free(&ax);
		live_close(lv);
		return sink_close(&sk, ex);
	}
	if (sk.w.ops->begin(&sk.w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		anctx_free(&ax);
		live_close(lv);
		return sink_close(&sk, LH_EXIT_FAIL);
	}
	ex = LH_EXIT_OK;
	ec.w = &sk.w;
	ec.ax = &ax;
	if (live_run(lv, emit_cb, &ec, &lr, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_NET;
	}
	if (lo.progress != NULL)
		fputs("\r\033[K", stderr);	/* clear the progress line */
	live_close(lv);
	if (sk.w.ops->end(&sk.w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
	}
	if (lr.interrupted)
		warnx_("interrupted; the path so far is above");
	if (lr.rejected > 0)
		warnx_("%llu replies rejected: they quoted probes this run "
		    "never sent (forged, or rewritten by a NAT)",
		    (unsigned long long)lr.rejected);
	if (write_path != NULL)
		fprintf(stderr, "%s: %llu probes sent on %s; capture saved to "
		    "%s\n", progname, (unsigned long long)lr.sent, lr.ifname,
		    write_path);
	anctx_free(&ax);
	return sink_close(&sk, ex);
usage_err:
	return usage_error(err);
}

int
main(int argc, char **argv)
{
	find_exe_dir();
	if (argc < 2) {
		usage(stderr);
		return LH_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return LH_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		version();
		return LH_EXIT_OK;
	}
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(argv[1], "trace") == 0)
		return cmd_trace(argc - 1, argv + 1);
	if (strcmp(argv[1], "analyze") == 0)
		return cmd_analyze(argc - 1, argv + 1);
	if (strcmp(argv[1], "diagram") == 0)
		return cmd_diagram(argc - 1, argv + 1);
	if (strcmp(argv[1], "asdb") == 0)
		return cmd_asdb(argc - 1, argv + 1);
	warnx_("unknown command '%s'", argv[1]);
	usage(stderr);
	return LH_EXIT_USAGE;
}
