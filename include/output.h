/*
 * output.h: writers of the path model.  Each format is a module behind
 * struct writer_ops; the model does not know them.
 */
#ifndef LH_OUTPUT_H
#define LH_OUTPUT_H

#include <stdio.h>

#include "engine.h"
#include "model.h"

/* What a writer learns about each input file once it has been read. */
struct file_summary {
	const char			*path;
	const char			*reader;	/* "libpcap" or "pcapng" */
	const struct engine_stats	*st;
	const char			*warning;	/* damage found, or NULL */
	uint64_t			 filtered;	/* records --filter dropped */
};

struct writer;

struct writer_ops {
	const char *name;
	int (*begin)(struct writer *w, char *err, size_t errlen);
	int (*trace)(struct writer *w, const struct trace *t, char *err,
	    size_t errlen);
	int (*file_done)(struct writer *w, const struct file_summary *fs,
	    char *err, size_t errlen);
	int (*end)(struct writer *w, char *err, size_t errlen);
	void (*free)(struct writer *w);
};

struct writer {
	const struct writer_ops	*ops;
	FILE			*fp;
	unsigned		 ntraces;
	void			*priv;
};

/* Callbacks several writers share: a file summary they do not show, and
 * the end of a plain text stream ("no traceroute traffic found" if empty). */
int writer_ignore_file(struct writer *w, const struct file_summary *fs,
    char *err, size_t errlen);
int writer_end_text(struct writer *w, char *err, size_t errlen);

/* Find a writer by format name ("text", "json"); NULL if unknown. */
const struct writer_ops *writer_find(const char *name);

/* The names writer_find() knows, for --help and error messages. */
const char *writer_names(void);

/* UTC ISO 8601 with microseconds, e.g. 2026-11-27T08:38:57.123456Z. */
const char *fmt_time(int64_t ns, char *buf, size_t buflen);

#endif /* LH_OUTPUT_H */
