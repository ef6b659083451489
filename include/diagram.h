/*
 * diagram.h: hop diagrams of the path model, as writers behind struct
 * writer_ops (output.h):
 *
 *   "term"  a vertical diagram per trace for an 80-column terminal: one row
 *           per hop, hops banded by network, the handoff and the death
 *           point marked, the verdict under the path (diagram_term.c);
 *   "dot"   one Graphviz graph of all traces given to the writer, merged
 *           where they share responders (diagram_dot.c);
 *   "svg", "png"  that graph laid out and rendered by libgvc.
 *
 * The writers read only the model (traces, hops, probes, t->an); they never
 * print anywhere but w->fp, and report errors through err.  The Graphviz
 * writers copy what they need from each trace (the caller frees traces
 * right after trace()) and draw everything at end(); their output is
 * deterministic: the same traces give the same bytes.
 */
#ifndef LH_DIAGRAM_H
#define LH_DIAGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "output.h"

extern const struct writer_ops diagram_term_ops;
extern const struct writer_ops diagram_dot_ops;
extern const struct writer_ops diagram_svg_ops;
extern const struct writer_ops diagram_png_ops;

/*
 * Options of the terminal writer: color 1 = ANSI colours by network (the
 * caller decides: --color=auto|always|never, NO_COLOR, isatty), ascii 1 =
 * plain ASCII (no UTF-8 line drawing; other non-ASCII text becomes '?').
 * Call after w->ops is set and before begin(); for any other writer it does
 * nothing.  Without it the terminal writer draws UTF-8 without colour.
 * -1 with err only when out of memory.
 */
int diagram_term_config(struct writer *w, int color, int ascii, char *err,
    size_t errlen);

/* ---- shared by the diagram writers (defined in diagram_term.c) ---- */

#define DG_MAX_RESP	8	/* responders shown per hop; more are counted */

/* One address answering at one hop. */
struct dg_resp {
	uint32_t	addr;
	unsigned	answered;	/* probes it answered */
	int64_t		rtt_min_us, rtt_sum_us;
	char		mark[8];	/* traceroute's mark, e.g. "!X", or "" */
	uint8_t		late, nat, dups, mpls;	/* any of its replies had one */
	uint32_t	mpls_label;	/* the first label seen */
};

/* A hop's probes summarised: responders in the order they first answered. */
struct dg_hop {
	uint8_t		ttl;
	unsigned	sent, answered;
	size_t		nresp;		/* entries in resp[] */
	size_t		more;		/* further responders not in resp[] */
	struct dg_resp	resp[DG_MAX_RESP];
};

void dg_hop_summary(const struct trace *t, size_t h, struct dg_hop *out);

/*
 * Colours of networks within one picture: a few networks of the North
 * Korean paths keep a fixed slot (China Unicom, TransTeleCom, STAR-KP,
 * Rostelecom, Intelsat), others hash to one; a network seen later takes
 * the next free slot rather than share one while slots remain.  Start
 * from a zeroed struct dg_palette.  asn 0 has no slot (-1): draw it grey.
 */
#define DG_PALETTE	8

struct dg_palette {
	uint32_t	asn[DG_PALETTE];	/* holder of each slot, 0 = free */
};

int dg_palette_slot(struct dg_palette *p, uint32_t asn);

/*
 * s made safe to show: control characters (C0, DEL, C1) and invalid UTF-8
 * become '?', and with DG_CLEAN_ASCII every non-ASCII character too; with
 * DG_CLEAN_BACKSLASH a backslash is doubled (Graphviz label escapes).  Cut
 * at a character boundary to fit len bytes.  Returns out.
 */
#define DG_CLEAN_ASCII		1
#define DG_CLEAN_BACKSLASH	2
char *dg_clean(char *out, size_t len, const char *s, int flags);

/* The role a hop is banded or clustered by: the destination is target. */
int dg_band_role(int role);

#endif /* LH_DIAGRAM_H */
