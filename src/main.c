/*
 * main.c: the lasthop command line.  Only this file prints to the terminal
 * and chooses exit codes; everything it calls returns errors in a buffer.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <libnet.h>
#include <jansson.h>

#include "capfile.h"
#include "engine.h"
#include "lh.h"
#include "output.h"

static const char *progname = "lasthop";

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: lasthop replay [options] FILE...\n"
"       lasthop --version\n"
"       lasthop --help\n"
"\n"
"Commands:\n"
"  replay FILE...        rebuild every traceroute found in saved captures\n"
"                        (pcap or pcapng; lasthop's own, tcpdump's, ...)\n"
"\n"
"Replay options:\n"
"  -F, --format FMT      output format: text (default) or json\n"
"  -o, --output FILE     write the result to FILE, replacing it only when\n"
"                        complete; the format follows a .json or .txt name\n"
"                        unless --format is given\n"
"  -g, --gap-limit N     silent hops after the last answer that make the\n"
"                        stop reason 'gap limit' (1-255, default %d)\n"
"      --window SEC      how long a probe waits for its reply in capture\n"
"                        time (1-3600, default %lld)\n"
"      --late SEC        replies slower than this are marked late\n"
"                        (0.001-3600, default %lld)\n"
"  -n                    numeric output (replay never looks up names)\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 3 unreadable or\n"
"malformed input, 4 input damaged part way (results up to the damage).\n"
"See lasthop(1).\n",
	    ENGINE_GAP_LIMIT, (long long)(ENGINE_WINDOW_NS / 1000000000),
	    (long long)(ENGINE_LATE_NS / 1000000000));
}

static void
version(void)
{
	printf("lasthop %s\n%s\n%s\njansson %s\n", LASTHOP_VERSION,
	    pcap_lib_version(), libnet_version(), JANSSON_VERSION);
}

static void LH_PRINTF(1, 2)
warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct emit_ctx {
	struct writer	*w;
};

static int
emit_cb(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct emit_ctx *ec = arg;
	int rc = ec->w->ops->trace(ec->w, t, err, errlen);

	trace_free(t);
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
	return NULL;
}

/* Replay one open capture into w.  Returns an exit code. */
static int
replay_one(struct capfile *cf, const char *path, struct engine_opts *eo,
    struct writer *w)
{
	struct emit_ctx ec = { .w = w };
	struct engine *e;
	struct caprec rec;
	struct file_summary fs;
	char err[LH_ERRLEN], damage[LH_ERRLEN];
	int rc, ex = LH_EXIT_OK;

	eo->file = path;
	e = engine_new(eo, emit_cb, &ec, err, sizeof(err));
	if (e == NULL) {
		warnx_("%s", err);
		return LH_EXIT_FAIL;
	}
	damage[0] = '\0';
	while ((rc = capfile_next(cf, &rec, damage, sizeof(damage))) == 1) {
		if (engine_frame(e, rec.linktype, rec.ts_ns, rec.data,
		    rec.caplen, err, sizeof(err)) != 0)
			goto fail;
	}
	if (rc < 0) {
		warnx_("%s; results up to that point follow", damage);
		ex = LH_EXIT_PARTIAL;
	}
	if (engine_finish(e, err, sizeof(err)) != 0)
		goto fail;
	if (engine_stats(e)->bad_linktype > 0 && engine_stats(e)->frames ==
	    engine_stats(e)->bad_linktype) {
		warnx_("%s: link type %d is not one lasthop can read", path,
		    rec.linktype);
		if (ex == LH_EXIT_OK)
			ex = LH_EXIT_INPUT;
	}
	fs.path = path;
	fs.reader = capfile_reader(cf);
	fs.st = engine_stats(e);
	fs.warning = ex == LH_EXIT_PARTIAL ? damage : NULL;
	if (w->ops->file_done(w, &fs, err, sizeof(err)) != 0)
		goto fail;
	engine_free(e);
	return ex;
fail:
	warnx_("%s: %s", path, err);
	engine_free(e);
	return LH_EXIT_FAIL;
}

static int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",	required_argument, NULL, 'F' },
		{ "output",	required_argument, NULL, 'o' },
		{ "gap-limit",	required_argument, NULL, 'g' },
		{ "window",	required_argument, NULL, 'W' },
		{ "late",	required_argument, NULL, 'L' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct engine_opts eo;
	struct writer w;
	struct capfile **cfs;
	const char *format = NULL, *outpath = NULL;
	char err[LH_ERRLEN], *tmppath = NULL;
	long v;
	int c, i, nfiles, ex = LH_EXIT_OK, rc, fd;

	engine_opts_default(&eo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:o:g:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			format = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
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
		case 'n':
			break;
		case 'h':
			usage(stdout);
			return LH_EXIT_OK;
		default:
			usage(stderr);
			return LH_EXIT_USAGE;
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		snprintf(err, sizeof(err), "replay: no capture file given");
		goto usage_err;
	}
	if (format == NULL && outpath != NULL)
		format = format_from_name(outpath);
	if (format == NULL)
		format = "text";
	memset(&w, 0, sizeof(w));
	if ((w.ops = writer_find(format)) == NULL) {
		snprintf(err, sizeof(err), "--format: '%.64s' is not one of: %s",
		    format, writer_names());
		goto usage_err;
	}

	/* Open every input first: a bad one stops us before any output. */
	cfs = calloc((size_t)nfiles, sizeof(*cfs));
	if (cfs == NULL) {
		warnx_("out of memory");
		return LH_EXIT_FAIL;
	}
	for (i = 0; i < nfiles; i++) {
		cfs[i] = capfile_open(argv[optind + i], err, sizeof(err));
		if (cfs[i] == NULL) {
			warnx_("%s", err);
			ex = LH_EXIT_INPUT;
			goto out;
		}
	}

	w.fp = stdout;
	if (outpath != NULL && strcmp(outpath, "-") != 0) {
		size_t n = strlen(outpath) + 16;

		tmppath = malloc(n);
		if (tmppath == NULL) {
			warnx_("out of memory");
			ex = LH_EXIT_FAIL;
			goto out;
		}
		snprintf(tmppath, n, "%s.tmpXXXXXX", outpath);
		if ((fd = mkstemp(tmppath)) < 0 ||
		    (w.fp = fdopen(fd, "w")) == NULL) {
			warnx_("%s: %s", outpath, strerror(errno));
			free(tmppath);
			tmppath = NULL;
			ex = LH_EXIT_FAIL;
			goto out;
		}
	}
	if (w.ops->begin(&w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		rc = replay_one(cfs[i], argv[optind + i], &eo, &w);
		if (rc == LH_EXIT_FAIL) {
			ex = rc;
			goto out;
		}
		if (rc > ex)
			ex = rc;
	}
	if (w.ops->end(&w, err, sizeof(err)) != 0) {
		warnx_("%s", err);
		ex = LH_EXIT_FAIL;
	}
out:
	if (w.ops != NULL && w.ops->free != NULL)
		w.ops->free(&w);
	if (tmppath != NULL) {
		if (fclose(w.fp) != 0 && ex != LH_EXIT_FAIL) {
			warnx_("%s: %s", outpath, strerror(errno));
			ex = LH_EXIT_FAIL;
		}
		if (ex == LH_EXIT_FAIL || ex == LH_EXIT_INPUT)
			unlink(tmppath);
		else if (rename(tmppath, outpath) != 0) {
			warnx_("%s: %s", outpath, strerror(errno));
			unlink(tmppath);
			ex = LH_EXIT_FAIL;
		}
		free(tmppath);
	}
	for (i = 0; i < nfiles; i++)
		if (cfs[i] != NULL)
			capfile_close(cfs[i]);
	free(cfs);
	return ex;
usage_err:
	warnx_("%s", err);
	fprintf(stderr, "Try 'lasthop --help'.\n");
	return LH_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
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
	warnx_("unknown command '%s'", argv[1]);
	usage(stderr);
	return LH_EXIT_USAGE;
}
