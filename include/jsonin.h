/*
 * jsonin.h: read lasthop's own JSON result (schema 1, lasthop(1) "JSON
 * OUTPUT", written by the json writer of output.c) back into the path
 * model, analysis included, so that every writer can re-render a saved
 * result (`lasthop diagram RESULT.json`, `--baseline RESULT.json`).
 *
 * The input is untrusted: every field is type- and range-checked (TTLs
 * 1..255, addresses through inet_pton, strings length-bounded, counts
 * bounded by the engine's own limits), and the first bad element is named
 * with its JSON path:
 *
 *   r.json: traces[0].hops[3].probes[1].addr: not an IPv4 address
 *
 * Loading is all-or-nothing: on error NULL is returned and nothing is left
 * allocated.  Fields this reader does not know are ignored (later schema
 * versions only add fields); fields it knows must have the documented type.
 *
 * What comes back: every trace as the engine would have emitted it, with
 * t->an filled when the result held an analysis ("networks" and "verdict").
 * Not in the JSON, so zero in the model: each probe's checksum, TCP
 * sequence numbers, sent flags and first transport bytes; times have
 * microsecond resolution.  Probes past the end of the path (counted in
 * probes_past_end) are not saved individually: they come back as
 * unanswered placeholders after the last hop, outside t->hops, so that
 * t->nprobes matches probes_sent.
 *
 * Ownership: each trace is one malloc block that also holds its file name
 * (t->file points inside it), and t->an likewise holds its upstream source
 * string; trace_free() releases everything.  The verdict's sentences
 * ("detail") are not read: the writers compose them from the data read.  Take a trace out of
 * the result with jsonin_take() to hand it on (e.g. to an emit callback
 * that frees it).
 */
#ifndef LH_JSONIN_H
#define LH_JSONIN_H

#include <stddef.h>

#include "engine.h"
#include "model.h"
#include "output.h"

/* One element of the result's "files" array (replay results). */
struct jsonin_file {
	char			*path;
	char			*reader;	/* "libpcap" or "pcapng" */
	struct engine_stats	 st;		/* late is 0 (not saved) */
	char			*warning;	/* NULL when complete */
};

struct jsonin {
	char			*version;	/* the writer's "lasthop" version */
	int			 schema;	/* >= 1 */
	struct trace		**traces;	/* NULL entries were taken */
	size_t			 ntraces;
	struct jsonin_file	*files;
	size_t			 nfiles;
};

/* Longest strings accepted (bytes); longer ones are errors. */
#define JSONIN_MAX_NAME	 255	/* AS names, organisations, DNS names */
#define JSONIN_MAX_NOTE	 511
#define JSONIN_MAX_PATH	4095	/* file names */
#define JSONIN_MAX_ASDATA 64	/* entries of a trace's "as_data" */

/*
 * Read the result in path ("-" reads standard input).  NULL with err
 * naming path and the bad element on any error.
 */
struct jsonin *jsonin_load_file(const char *path, char *err, size_t errlen);

/* The same from memory; name is used in error messages. */
struct jsonin *jsonin_load_buffer(const void *buf, size_t len,
    const char *name, char *err, size_t errlen);

/* Take trace i out of r: the caller owns it (trace_free()); NULL if taken. */
struct trace *jsonin_take(struct jsonin *r, size_t i);

/* File i as the writers' file_done() wants it (valid while r lives). */
void jsonin_file_summary(const struct jsonin *r, size_t i,
    struct file_summary *fs);

void jsonin_free(struct jsonin *r);

#endif /* LH_JSONIN_H */
