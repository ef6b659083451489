/*
 * verdict_text.h: the words of an analysis.  Verdicts, handoffs and
 * borders are data (analysis.h); every writer (text, JSON "detail", the
 * terminal and Graphviz diagrams) takes its sentences from here, so each
 * is composed in one place.  Nothing here decides anything: the functions
 * read the verdict, the trace and its annotations, and are safe with
 * whatever a saved result held (jsonin.h).
 *
 * Each function writes at most len bytes (NUL included), cut at the end
 * if the buffer is short, and returns buf.
 */
#ifndef LH_VERDICT_TEXT_H
#define LH_VERDICT_TEXT_H

#include <stddef.h>

#include "analysis.h"
#include "destsum.h"
#include "model.h"

/* A buffer that holds any sentence below. */
#define VT_MAX	1536

/* "died at upstream (silent)", "died in upstream or at handoff (loop)",
 * "incomplete (capture ended)", "reached", "no-data". */
const char *vt_headline(const struct verdict *v, char *buf, size_t len);

/* The verdict's sentences with their evidence (JSON "detail"). */
const char *vt_detail(const struct analysis *an, const struct trace *t,
    char *buf, size_t len);

/* The handoff's sentence (JSON handoff "detail"); "" without a handoff. */
const char *vt_handoff(const struct analysis *an, char *buf, size_t len);

/* "hop 2 -> 3, AS6453 -> AS4837 (neighbour-numbered)" */
const char *vt_border(const struct border *b, char *buf, size_t len);

/* Where, for a diagram's death mark: "inside the upstream", "in the
 * upstream or at the handoff", "undecided". */
const char *vt_where_words(const struct verdict *v);

/* How, for a diagram's death mark: "refused !X", "silent", "loop". */
const char *vt_how(const struct verdict *v, char *buf, size_t len);

/* A destination's combined verdict (destsum.h): "died at upstream", and
 * its reasons: "all 3 traces agree", "2 of 3 traces reached it; 1 died at
 * upstream". */
const char *vt_dest_headline(const struct dest_verdict *dv, char *buf,
    size_t len);
const char *vt_dest_detail(const struct dest_verdict *dv, char *buf,
    size_t len);

#endif /* LH_VERDICT_TEXT_H */
