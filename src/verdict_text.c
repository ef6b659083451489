/*
 * verdict_text.c: the sentences of verdicts, handoffs, borders and
 * destinations, composed from the analysis data (verdict_text.h).  The
 * decisions are analysis.c's; this file only words them.
 */
#include <string.h>

#include "lh.h"
#include "proto.h"
#include "verdict_text.h"

/*
 * A sentence built piece by piece into a fixed buffer: it stops at the
 * buffer's end and keeps the text NUL-terminated, without a format string
 * to interpret (a writer words every trace of a capture of thousands).
 */
struct sb {
	char	*p;
	size_t	 n, cap;	/* cap >= 1: the buffer's size */
};

static void
sb_init(struct sb *b, char *buf, size_t cap)
{
	b->p = buf;
	b->n = 0;
	b->cap = cap;
	if (cap > 0)
		buf[0] = '\0';
}

static void
sb_mem(struct sb *b, const char *s, size_t n)
{
	size_t room;

	if (b->cap == 0)
		return;
	room = b->cap - 1 - b->n;
	if (n > room) {
		n = room;
		/* Cut at a UTF-8 character boundary. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

/* A string literal: its length is known at compile time. */
#define SB_LIT(b, s)	sb_mem((b), "" s, sizeof(s) - 1)

static void
sb_u(struct sb *b, uint64_t v)
{
	char t[24];
	size_t i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sb_mem(b, t + i, sizeof(t) - i);
}

static void
sb_ip(struct sb *b, uint32_t addr)
{
	char ip[LH_IP4_STRLEN];

	sb_str(b, lh_ip4_str(addr, ip, sizeof(ip)));
}

/* "219.158.96.2 (AS4837 CHINA169-BACKBONE, CN)" */
static void
sb_describe(struct sb *b, const struct analysis *an, uint32_t addr)
{
	const struct annot *a = analysis_annot(an, addr);

	sb_ip(b, addr);
	if (a == NULL || a->asn == 0) {
		if (a != NULL && (a->flags & (ASMAP_F_PRIVATE | ASMAP_F_RESERVED)))
			SB_LIT(b, " (private or reserved space)");
		else
			SB_LIT(b, " (no AS data)");
		return;
	}
	SB_LIT(b, " (AS");
	sb_u(b, a->asn);
	/* the AS name, else (the world-wide image names no handles) its org */
	if ((a->as_name != NULL && a->as_name[0] != '\0') ||
	    (a->org != NULL && a->org[0] != '\0')) {
		SB_LIT(b, " ");
		sb_str(b, a->as_name != NULL && a->as_name[0] != '\0' ?
		    a->as_name : a->org);
		if (a->cc[0]) {
			SB_LIT(b, ", ");
			sb_str(b, a->cc);
		}
	}
	SB_LIT(b, ")");
}

/* "CHINA UNICOM China169 Backbone (AS4837)", "AS4837", "an unknown network" */
static void
sb_net(struct sb *b, const struct vnet *n)
{
	if (n->asn == 0) {
		SB_LIT(b, "an unknown network");
		return;
	}
	if (n->name[0] != '\0') {
		sb_str(b, n->name);
		SB_LIT(b, " (AS");
		sb_u(b, n->asn);
		SB_LIT(b, ")");
	} else {
		SB_LIT(b, "AS");
		sb_u(b, n->asn);
	}
}

/* The hop of t at TTL ttl, or SIZE_MAX. */
static size_t
hop_at(const struct trace *t, unsigned ttl)
{
	size_t h;

	for (h = 0; h < t->nhops; h++)
		if (t->hops[h].ttl == ttl)
			return h;
	return SIZE_MAX;
}

static void
hop_counts(const struct trace *t, size_t h, size_t *sent, size_t *answered)
{
	size_t i;

	*sent = *answered = 0;
	if (h >= t->nhops)
		return;
	*sent = t->hops[h].n;
	for (i = 0; i < t->hops[h].n; i++)
		if (t->probes[t->hops[h].first + i].rkind != RK_NONE)
			(*answered)++;
}

/* Hidden hops and partial answers before the last answering hop. */
static void
sb_earlier(struct sb *b, const struct trace *t, unsigned last_ttl)
{
	size_t h, sent, answered, hidden = 0, partial = 0;

	for (h = 0; h < t->nhops && t->hops[h].ttl < last_ttl; h++) {
		hop_counts(t, h, &sent, &answered);
		if (answered == 0)
			hidden++;
		else if (answered < sent)
			partial++;
	}
	if (hidden > 0) {
		SB_LIT(b, " ");
		sb_u(b, hidden);
		if (hidden == 1)
			SB_LIT(b, " earlier hop never answered");
		else
			SB_LIT(b, " earlier hops never answered");
		if (partial > 0) {
			SB_LIT(b, " and ");
			sb_u(b, partial);
			SB_LIT(b, " answered only some probes while later hops "
			    "answered: hidden or rate-limited routers, not where "
			    "traffic dies.");
		} else
			SB_LIT(b, " while later hops did: hidden routers, not "
			    "where traffic dies.");
	} else if (partial > 0) {
		SB_LIT(b, " ");
		sb_u(b, partial);
		if (partial == 1)
			SB_LIT(b, " earlier hop answered");
		else
			SB_LIT(b, " earlier hops answered");
		SB_LIT(b, " only some probes while hops beyond answered: rate "
		    "limiting, not where traffic dies.");
	}
}

const char *
vt_headline(const struct verdict *v, char *buf, size_t len)
{
	struct sb b;

	sb_init(&b, buf, len);
	sb_str(&b, outcome_name(v->outcome));
	if (v->outcome == OUT_DIED && where_name(v->where) != NULL) {
		SB_LIT(&b, " at ");
		sb_str(&b, where_name(v->where));
	} else if (v->outcome == OUT_DIED && where_name(v->cand[0]) != NULL &&
	    where_name(v->cand[1]) != NULL) {
		SB_LIT(&b, " in ");
		sb_str(&b, where_name(v->cand[0]));
		SB_LIT(&b, " or at ");
		sb_str(&b, where_name(v->cand[1]));
	}
	if (v->outcome == OUT_DIED || v->outcome == OUT_INCOMPLETE) {
		SB_LIT(&b, " (");
		sb_str(&b, reason_name(v->reason));
		SB_LIT(&b, ")");
	}
	return buf;
}

/* What the hop today's trace departs from was in the baseline. */
static void
sb_baseline_hop(struct sb *b, const struct verdict *v)
{
	switch ((enum bkind)v->depart_kind) {
	case BK_DEST:
		SB_LIT(b, "the destination");
		break;
	case BK_BORDER:
		SB_LIT(b, "the border router of ");
		sb_net(b, &v->depart_net);
		break;
	case BK_LAST_UPSTREAM:
		SB_LIT(b, "the last router of ");
		sb_net(b, &v->depart_net);
		SB_LIT(b, " before the handoff");
		break;
	case BK_INSIDE:
		SB_LIT(b, "a router inside ");
		sb_net(b, &v->depart_net);
		break;
	case BK_PRIVATE:
		SB_LIT(b, "a router in private space");
		break;
	case BK_NB_BORDER:
		SB_LIT(b, "the border router of ");
		sb_net(b, &v->depart_net);
		SB_LIT(b, " (numbered from the space of ");
		sb_net(b, &v->depart_space);
		SB_LIT(b, ")");
		break;
	default:
		SB_LIT(b, "a router of ");
		sb_net(b, &v->depart_net);
		break;
	}
	SB_LIT(b, ", ");
	sb_ip(b, v->depart_addr);
}

/* "Traffic dies inside the upstream ..., before its handoff to ..." */
static void
sb_where(struct sb *b, const struct verdict *v)
{
	switch (v->where) {
	case WH_TRANSIT:
		SB_LIT(b, "Traffic dies in transit");
		if (v->net.asn != 0) {
			SB_LIT(b, " inside ");
			sb_net(b, &v->net);
		}
		SB_LIT(b, ", before the target's upstream");
		break;
	case WH_UPSTREAM:
		SB_LIT(b, "Traffic dies inside the upstream ");
		sb_net(b, &v->net);
		SB_LIT(b, ", before its handoff to ");
		sb_net(b, &v->target);
		break;
	case WH_HANDOFF:
		SB_LIT(b, "Traffic dies at the handoff into ");
		sb_net(b, &v->target);
		break;
	case WH_TARGET:
		SB_LIT(b, "Traffic dies inside ");
		sb_net(b, &v->target);
		break;
	default:
		SB_LIT(b, "Traffic dies in the upstream ");
		sb_net(b, &v->net);
		SB_LIT(b, " at or before its handoff to ");
		sb_net(b, &v->target);
		SB_LIT(b, "; the evidence cannot tell which without a "
		    "baseline");
		break;
	}
}

/* "through 219.158.96.2 (AS4837 ...) and 219.158.97.2 (AS4837 ...)" */
static void
sb_loop(struct sb *b, const struct analysis *an, const struct verdict *v)
{
	size_t i, n = v->nloop < V_LOOP_MAX ? v->nloop : V_LOOP_MAX;

	if (n == 0)
		return;
	if (v->loop_from != 0 && v->loop_to > v->loop_from) {
		SB_LIT(b, " between hops ");
		sb_u(b, v->loop_from);
		SB_LIT(b, " and ");
		sb_u(b, v->loop_to);
	}
	SB_LIT(b, ", through ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_str(b, i + 1 == n && v->loop_more == 0 ? " and " :
			    ", ");
		sb_describe(b, an, v->loop[i].addr);
	}
	if (v->loop_more > 0) {
		SB_LIT(b, " and ");
		sb_u(b, v->loop_more);
		sb_str(b, v->loop_more == 1 ? " more router" : " more routers");
	}
}

/* "answered administratively prohibited (...)", "is the last to answer" */
static void
sb_how(struct sb *b, const struct analysis *an, const struct trace *t,
    const struct verdict *v)
{
	size_t sent, answered;

	if (v->reason == VR_UNREACHABLE) {
		SB_LIT(b, "answered ");
		sb_str(b, icmp_unreach_text(v->unreach_code));
		SB_LIT(b, " (ICMP code ");
		sb_u(b, v->unreach_code);
		SB_LIT(b, "): traffic is refused there, loudly");
	} else if (v->reason == VR_LOOP) {
		SB_LIT(b, "is part of a routing loop");
		sb_loop(b, an, v);
	} else if (v->rate_limited) {
		hop_counts(t, hop_at(t, v->last_ttl), &sent, &answered);
		SB_LIT(b, "is the last to answer (");
		sb_u(b, answered);
		SB_LIT(b, " of ");
		sb_u(b, sent);
		SB_LIT(b, " probes: rate limited or lossy), nothing answers "
		    "beyond it");
	} else
		SB_LIT(b, "is the last to answer; nothing answers beyond it");
}

static void
sb_incomplete(struct sb *b, const struct analysis *an, const struct trace *t,
    const struct verdict *v)
{
	switch (v->reason) {
	case VR_AMBIGUOUS:
		SB_LIT(b, "Routers past hop ");
		sb_u(b, v->last_ttl);
		SB_LIT(b, " ");
		sb_describe(b, an, v->last_addr);
		SB_LIT(b, " answered (");
		sb_u(b, t->ambiguous);
		SB_LIT(b, " replies), but none can be told to its probe: a "
		    "middlebox rewrote the only fields that tell this tool's "
		    "probes apart, so the silent hops are no evidence.");
		return;
	case VR_CAPTURE_ENDED:
		SB_LIT(b, "The capture ends before the trace could: hop ");
		sb_u(b, v->last_ttl);
		SB_LIT(b, " ");
		sb_describe(b, an, v->last_addr);
		SB_LIT(b, " is the last to answer, and the capture stops too "
		    "soon after the last probes for their answers, or the "
		    "tool's next probes, to be in it.");
		break;
	default:
		SB_LIT(b, "Probing stopped at hop ");
		sb_u(b, t->nhops > 0 ? t->hops[t->nhops - 1].ttl : 0);
		SB_LIT(b, " while the path still answered: hop ");
		sb_u(b, v->last_ttl);
		SB_LIT(b, " ");
		sb_describe(b, an, v->last_addr);
		SB_LIT(b, " is the last to answer, and nothing beyond it was "
		    "probed.");
		break;
	}
	SB_LIT(b, " An input that ends early says nothing about where "
	    "traffic dies.");
}

const char *
vt_detail(const struct analysis *an, const struct trace *t, char *buf,
    size_t len)
{
	const struct verdict *v = &an->v;
	size_t sent, answered;
	struct sb b;

	sb_init(&b, buf, len);
	if (v->outcome == OUT_NODATA && v->reason == VR_UNPLACED) {
		SB_LIT(&b, "The capture holds ");
		sb_u(&b, t->orphans);
		sb_str(&b, t->orphans == 1 ? " reply" : " replies");
		SB_LIT(&b, " to probes that are not in it, and nothing they "
		    "quote tells those probes' TTLs: no path can be drawn.");
		return buf;
	}
	if (v->outcome == OUT_NODATA || !v->has_last) {
		SB_LIT(&b, "No probe was answered, not even by the first hop: "
		    "the capture holds no evidence of where traffic goes.");
		return buf;
	}
	if (v->flags & VF_NO_DST) {
		SB_LIT(&b, "The destination is not known (the input does not "
		    "name it), so neither are the target network and its "
		    "upstream: hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " ");
		sb_describe(&b, an, v->last_addr);
		SB_LIT(&b, " is the last to answer. Name the destination "
		    "(analyze --target) for a verdict.");
	} else if (v->outcome == OUT_REACHED && (v->flags & VF_AMB_DST)) {
		SB_LIT(&b, "The destination answered, but no probe can be told "
		    "from its answers (");
		sb_u(&b, t->ambiguous);
		SB_LIT(&b, " replies fit several probes: a middlebox rewrote the "
		    "only fields that tell this tool's probes apart); hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " ");
		sb_describe(&b, an, v->last_addr);
		SB_LIT(&b, " is the last hop whose answers can be placed.");
	} else if (v->outcome == OUT_REACHED) {
		hop_counts(t, hop_at(t, v->last_ttl), &sent, &answered);
		SB_LIT(&b, "The destination ");
		sb_describe(&b, an, v->last_addr);
		SB_LIT(&b, " answered at hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " (");
		sb_u(&b, answered);
		SB_LIT(&b, " of ");
		sb_u(&b, sent);
		SB_LIT(&b, " probes).");
	} else if (v->outcome == OUT_INCOMPLETE) {
		sb_incomplete(&b, an, t, v);
	} else {
		sb_where(&b, v);
		if (v->depart_ttl != 0) {
			if (v->reason == VR_LOOP)
				SB_LIT(&b, ": it leaves the baseline's path at "
				    "hop ");
			else
				SB_LIT(&b, ": it dies at hop ");
			sb_u(&b, v->depart_ttl);
			if (v->reason == VR_LOOP)
				SB_LIT(&b, ", which was ");
			else
				SB_LIT(&b, ", which in the baseline was ");
			sb_baseline_hop(&b, v);
			SB_LIT(&b, "; hop ");
		} else
			SB_LIT(&b, ": hop ");
		sb_u(&b, v->last_ttl);
		SB_LIT(&b, " ");
		sb_describe(&b, an, v->last_addr);
		SB_LIT(&b, " ");
		sb_how(&b, an, t, v);
		SB_LIT(&b, ".");
	}
	sb_earlier(&b, t, v->last_ttl);
	return buf;
}

const char *
vt_handoff(const struct analysis *an, char *buf, size_t len)
{
	const struct vnet *tn = &an->v.target;
	struct sb b;

	sb_init(&b, buf, len);
	if (!an->has_handoff)
		return buf;
	switch (an->ho_rule) {
	case HO_FIRST_TARGET_HOP:
		SB_LIT(&b, "hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " is the first to answer from ");
		sb_net(&b, tn);
		SB_LIT(&b, "; no upstream hop answered before it");
		break;
	case HO_UPSTREAM_NUMBERED:
		SB_LIT(&b, "hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " ");
		sb_describe(&b, an, an->ho_in_addr);
		SB_LIT(&b, " answers from upstream space, but the hop after it "
		    "is already inside ");
		sb_net(&b, tn);
		SB_LIT(&b, ", so the link between them is internal to ");
		sb_net(&b, tn);
		SB_LIT(&b, ": hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " is its border router");
		break;
	case HO_ADJACENT:
		SB_LIT(&b, "the upstream's last answer ");
		sb_describe(&b, an, an->ho_up_addr);
		SB_LIT(&b, " is followed by ");
		sb_describe(&b, an, an->ho_in_addr);
		break;
	default:
		SB_LIT(&b, "the upstream's last answer ");
		sb_describe(&b, an, an->ho_up_addr);
		SB_LIT(&b, " at hop ");
		sb_u(&b, an->ho_up_ttl);
		SB_LIT(&b, " and the first answer from ");
		sb_net(&b, tn);
		SB_LIT(&b, " at hop ");
		sb_u(&b, an->ho_in_ttl);
		SB_LIT(&b, " have silent hops between them");
		break;
	}
	return buf;
}

const char *
vt_border(const struct border *br, char *buf, size_t len)
{
	struct sb b;

	sb_init(&b, buf, len);
	if (br->from_ttl != 0) {
		SB_LIT(&b, "hop ");
		sb_u(&b, br->from_ttl);
		SB_LIT(&b, " -> ");
	} else
		SB_LIT(&b, "into hop ");
	sb_u(&b, br->to_ttl);
	SB_LIT(&b, ", ");
	if (br->from_asn != 0) {
		SB_LIT(&b, "AS");
		sb_u(&b, br->from_asn);
	} else
		SB_LIT(&b, "?");
	SB_LIT(&b, " -> ");
	if (br->to_asn != 0) {
		SB_LIT(&b, "AS");
		sb_u(&b, br->to_asn);
	} else
		SB_LIT(&b, "?");
	SB_LIT(&b, " (");
	sb_str(&b, border_rule_name((enum border_rule)br->rule));
	SB_LIT(&b, ")");
	return buf;
}

const char *
vt_where_words(const struct verdict *v)
{
	switch (v->where) {
	case WH_TRANSIT:	return "in transit";
	case WH_UPSTREAM:	return "inside the upstream";
	case WH_HANDOFF:	return "at the handoff";
	case WH_TARGET:		return "inside the target";
	default:
		if (v->cand[0] == WH_UPSTREAM && v->cand[1] == WH_HANDOFF)
			return "in the upstream or at the handoff";
		return "undecided";
	}
}

const char *
vt_how(const struct verdict *v, char *buf, size_t len)
{
	char mb[16];
	struct sb b;

	sb_init(&b, buf, len);
	if (v->reason == VR_UNREACHABLE) {
		SB_LIT(&b, "refused ");
		sb_str(&b, icmp_unreach_mark(v->unreach_code, mb, sizeof(mb)));
	} else
		sb_str(&b, reason_name(v->reason));
	return buf;
}

const char *
vt_dest_headline(const struct dest_verdict *dv, char *buf, size_t len)
{
	struct sb b;

	sb_init(&b, buf, len);
	sb_str(&b, outcome_name(dv->outcome));
	if (dv->outcome != OUT_DIED)
		return buf;
	if (where_name(dv->where) != NULL) {
		SB_LIT(&b, " at ");
		sb_str(&b, where_name(dv->where));
	} else if (where_name(dv->cand[0]) != NULL &&
	    where_name(dv->cand[1]) != NULL) {
		SB_LIT(&b, " in ");
		sb_str(&b, where_name(dv->cand[0]));
		SB_LIT(&b, " or at ");
		sb_str(&b, where_name(dv->cand[1]));
	}
	return buf;
}

/* ", 2 died at upstream" */
static void
sb_part(struct sb *b, int *first, uint32_t n, const char *what,
    const char *where)
{
	if (n == 0)
		return;
	sb_str(b, *first ? "" : ", ");
	*first = 0;
	sb_u(b, n);
	SB_LIT(b, " ");
	sb_str(b, what);
	if (where != NULL) {
		SB_LIT(b, " at ");
		sb_str(b, where);
	}
}

const char *
vt_dest_detail(const struct dest_verdict *dv, char *buf, size_t len)
{
	struct sb b;
	int first = 1;
	unsigned w;

	sb_init(&b, buf, len);
	if (dv->agree) {
		if (dv->ntraces == 1) {
			SB_LIT(&b, "1 trace");
			return buf;
		}
		if (dv->ntraces == 2)
			SB_LIT(&b, "both traces agree");
		else {
			SB_LIT(&b, "all ");
			sb_u(&b, dv->ntraces);
			SB_LIT(&b, " traces agree");
		}
		return buf;
	}
	sb_u(&b, dv->ntraces);
	SB_LIT(&b, " traces: ");
	sb_part(&b, &first, dv->reached, "reached it", NULL);
	for (w = WH_TRANSIT; w <= WH_TARGET; w++)
		sb_part(&b, &first, dv->died_at[w], "died",
		    where_name((enum where)w));
	sb_part(&b, &first, dv->died_at[WH_NONE], "died, undecided where",
	    NULL);
	sb_part(&b, &first, dv->incomplete, "incomplete", NULL);
	sb_part(&b, &first, dv->nodata, "with no data", NULL);
	return buf;
}
