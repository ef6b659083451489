/* model.c: names, hop grouping and stop reasons for the path model. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"
#include "lh.h"
#include "model.h"
#include "proto.h"

const char *
method_name(enum method m)
{
	switch (m) {
	case M_UDP:		return "udp";
	case M_UDP_PARIS:	return "udp-paris";
	case M_ICMP:		return "icmp";
	case M_ICMP_PARIS:	return "icmp-paris";
	case M_TCP_SYN:		return "tcp-syn";
	case M_TCP_ACK:		return "tcp-ack";
	default:		return "unknown";
	}
}

uint8_t
method_proto(enum method m)
{
	switch (m) {
	case M_UDP: case M_UDP_PARIS:		return IPPROTO_UDP;
	case M_ICMP: case M_ICMP_PARIS:		return IPPROTO_ICMP;
	case M_TCP_SYN: case M_TCP_ACK:		return IPPROTO_TCP;
	default:				return 0;
	}
}

const char *
stop_name(enum stop_reason s)
{
	switch (s) {
	case STOP_COMPLETED:	 return "completed";
	case STOP_UNREACHABLE:	 return "unreachable";
	case STOP_LOOP:		 return "loop";
	case STOP_GAP_LIMIT:	 return "gap limit";
	case STOP_HOP_LIMIT:	 return "hop limit";
	case STOP_CAPTURE_ENDED: return "capture ended";
	case STOP_AMBIGUOUS:	 return "ambiguous";
	default:		 return "none";
	}
}

const char *
reply_kind_name(enum reply_kind k)
{
	switch (k) {
	case RK_TIME_EXCEEDED:	return "time-exceeded";
	case RK_UNREACH:	return "unreachable";
	case RK_PARAM_PROBLEM:	return "parameter-problem";
	case RK_SOURCE_QUENCH:	return "source-quench";
	case RK_ECHO_REPLY:	return "echo-reply";
	case RK_TCP_SYNACK:	return "tcp-syn-ack";
	case RK_TCP_RST:	return "tcp-rst";
	case RK_TCP_OTHER:	return "tcp";
	case RK_UDP:		return "udp";
	default:		return "none";
	}
}

static const char *const rw_names[RW_NFIELDS][2] = {
	{ "IP ID", "ip_id" },
	{ "checksum", "checksum" },
	{ "length", "length" },
	{ "transport bytes", "transport" },
};

const char *
rw_name(int i)
{
	return i >= 0 && i < RW_NFIELDS ? rw_names[i][0] : "?";
}

const char *
rw_key(int i)
{
	return i >= 0 && i < RW_NFIELDS ? rw_names[i][1] : "?";
}

size_t
trace_rewrites(const struct trace *t, struct rw_summary out[RW_NFIELDS])
{
	size_t i, n = 0;
	int f;

	for (f = 0; f < RW_NFIELDS; f++) {
		struct rw_summary x = { .field = (uint8_t)f };
		uint8_t bit = (uint8_t)(1u << f), last_kept = 0;

		for (i = 0; i < t->nprobes; i++) {
			const struct probe *p = &t->probes[i];

			if (p->rkind == RK_NONE || !(p->rwseen & bit))
				continue;
			if (p->rw & bit) {
				if (x.quotes++ == 0 || p->ttl < x.from)
					x.from = p->ttl;
			} else if (p->ttl > last_kept)
				last_kept = p->ttl;
		}
		if (x.quotes == 0)
			continue;
		/* Kept at or past the first rewriting hop: no one place. */
		x.after = last_kept;
		x.mixed = last_kept >= x.from;
		out[n++] = x;
	}
	return n;
}

int
trace_build_hops(struct trace *t, char *err, size_t errlen)
{
	size_t i, n = 0;

	free(t->hops);
	t->hops = NULL;
	t->nhops = 0;
	for (i = 0; i < t->nprobes; i++)
		if (i == 0 || t->probes[i].ttl != t->probes[i - 1].ttl)
			n++;
	if (n == 0)
		return 0;
	t->hops = calloc(n, sizeof(*t->hops));
	if (t->hops == NULL)
		return lh_err(err, errlen, "out of memory");
	for (i = 0; i < t->nprobes; i++) {
		if (i == 0 || t->probes[i].ttl != t->probes[i - 1].ttl) {
			t->hops[t->nhops].ttl = t->probes[i].ttl;
			t->hops[t->nhops].first = i;
			t->nhops++;
		}
		t->hops[t->nhops - 1].n++;
	}
	return 0;
}

static int
reached_dst(const struct trace *t, const struct probe *p)
{
	return p->rkind != RK_NONE &&
	    (p->raddr == t->dst || (p->rkind == RK_UNREACH && p->rcode == 3));
}

/* Whether p ends the path: the destination, or an unreachable. */
static int
ends_path(const struct trace *t, const struct probe *p)
{
	return reached_dst(t, p) || p->rkind == RK_UNREACH;
}

void
trace_trim_past_destination(struct trace *t)
{
	size_t h, i, k, cut = t->nhops;

	for (h = 0; h < t->nhops && cut == t->nhops; h++)
		for (i = 0; i < t->hops[h].n; i++)
			if (ends_path(t, &t->probes[t->hops[h].first + i])) {
				cut = h + 1;
				break;
			}
	for (h = cut; h < t->nhops; h++)
		for (i = 0; i < t->hops[h].n; i++) {
			const struct probe *p = &t->probes[t->hops[h].first + i];

			if (p->rkind != RK_NONE && !ends_path(t, p))
				return;
		}
	for (k = cut; k < t->nhops; k++)
		t->past_dst += t->hops[k].n;
	t->nhops = cut;
}

static int
hop_answered(const struct trace *t, const struct hop *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (t->probes[h->first + i].rkind != RK_NONE)
			return 1;
	return 0;
}

/* First responder of a hop, 0 if silent. */
static uint32_t
hop_addr(const struct trace *t, const struct hop *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (t->probes[h->first + i].rkind != RK_NONE)
			return t->probes[h->first + i].raddr;
	return 0;
}

/*
 * A loop: a router answers time-exceeded at two TTLs with another router
 * between them (a router seen at two consecutive TTLs is not a loop: some
 * routers forward without decrementing).
 */
static int
has_loop(const struct trace *t)
{
	size_t i, j;
	uint32_t a;

	for (j = 2; j < t->nhops; j++) {
		a = hop_addr(t, &t->hops[j]);
		if (a == 0 || a == t->dst)
			continue;
		for (i = 0; i + 1 < j; i++) {
			if (hop_addr(t, &t->hops[i]) != a)
				continue;
			if (hop_addr(t, &t->hops[i + 1]) != a &&
			    hop_addr(t, &t->hops[i + 1]) != 0)
				return 1;
		}
	}
	return 0;
}

size_t
trace_trailing_silent(const struct trace *t)
{
	size_t k, n = 0;

	for (k = t->nhops; k-- > 0; n++)
		if (hop_answered(t, &t->hops[k]))
			return n;
	return n;
}

/*
 * Whether an ambiguous reply came from an address no attributed probe
 * names: a router that may lie past the last hop that answered.
 */
static int
amb_beyond(const struct trace *t)
{
	size_t i, k;

	for (k = 0; k < t->namb_from; k++) {
		for (i = 0; i < t->nprobes; i++)
			if (t->probes[i].rkind != RK_NONE &&
			    t->probes[i].raddr == t->amb_from[k])
				break;
		if (i == t->nprobes)
			return 1;
	}
	return 0;
}

int64_t
trace_wait_ns(const struct trace *t, int64_t max_wait_ns)
{
	size_t i;
	int64_t rtt, most = 0;

	for (i = 0; i < t->nprobes; i++) {
		const struct probe *p = &t->probes[i];

		if (p->rkind == RK_NONE || p->late || p->rx_ns < p->tx_ns)
			continue;
		rtt = p->rx_ns - p->tx_ns;
		if (rtt > most)
			most = rtt;
	}
	if (most > max_wait_ns / TRACE_WAIT_RTTS)
		return max_wait_ns;
	most *= TRACE_WAIT_RTTS;
	return most < TRACE_WAIT_MIN_NS ? TRACE_WAIT_MIN_NS : most;
}

/* Whether eof_ns comes at least wait_ns after ts (no overflow). */
static int
waited(int64_t ts, int64_t eof_ns, int64_t wait_ns)
{
	return eof_ns > ts && (uint64_t)eof_ns - (uint64_t)ts >=
	    (uint64_t)wait_ns;
}

/*
 * The conclusive ends first: the destination, an unreachable, a loop.
 * Then silent hops after the last answer: each is evidence only if its
 * first probe had one wait to be answered before the capture's last
 * packet (tools send many TTLs at once: a capture cut just after such a
 * burst holds silent hops that nobody waited for).  gap_limit of them end
 * the trace; fewer, all waited for, mean the tool stopped by itself; any
 * not waited for, or a last probe too young, mean the capture ended first.
 */
enum stop_reason
trace_stop_reason(const struct trace *t, int gap_limit, int64_t max_wait_ns)
{
	size_t i, k, trailing = trace_trailing_silent(t), expired = 0;
	const struct hop *last_ans = NULL;
	int64_t wait, first;

	for (i = 0; i < t->nprobes; i++)
		if (reached_dst(t, &t->probes[i]))
			return STOP_COMPLETED;
	if (t->amb_dst)
		return STOP_COMPLETED;	/* though no probe can be named */
	if (trailing < t->nhops)
		last_ans = &t->hops[t->nhops - 1 - trailing];
	if (last_ans != NULL) {
		for (i = 0; i < last_ans->n; i++)
			if (t->probes[last_ans->first + i].rkind == RK_UNREACH)
				return STOP_UNREACHABLE;
	}
	if (has_loop(t))
		return STOP_LOOP;
	if (trailing > 0 && amb_beyond(t))
		return STOP_AMBIGUOUS;
	if (max_wait_ns <= 0) {
		/* No real timing (pasted text): the hops alone decide. */
		if (gap_limit > 0 && trailing >= (size_t)gap_limit)
			return STOP_GAP_LIMIT;
		return t->eof_ns > t->last_ns ? STOP_HOP_LIMIT :
		    STOP_CAPTURE_ENDED;
	}
	wait = trace_wait_ns(t, max_wait_ns);
	for (k = t->nhops - trailing; k < t->nhops; k++) {
		first = INT64_MAX;
		for (i = 0; i < t->hops[k].n; i++)
			if (t->probes[t->hops[k].first + i].tx_ns < first)
				first = t->probes[t->hops[k].first + i].tx_ns;
		if (waited(first, t->eof_ns, wait))
			expired++;
	}
	if (gap_limit > 0 && expired >= (size_t)gap_limit)
		return STOP_GAP_LIMIT;
	if (expired < trailing || !waited(t->last_ns, t->eof_ns, wait))
		return STOP_CAPTURE_ENDED;
	return STOP_HOP_LIMIT;
}

int
trace_incomplete(const struct trace *t)
{
	return t->stop == STOP_CAPTURE_ENDED || t->stop == STOP_AMBIGUOUS ||
	    (t->stop == STOP_HOP_LIMIT && t->nhops > 0 &&
	    trace_trailing_silent(t) == 0);
}

void
trace_free(struct trace *t)
{
	if (t == NULL)
		return;
	analysis_free(t->an);
	free(t->probes);
	free(t->hops);
	free(t);
}
