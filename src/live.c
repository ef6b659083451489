/*
 * live.c: the live tracer.
 *
 * Order of events: find the route (libdnet), open the raw socket (libnet)
 * and the capture (libpcap), drop privileges, then probe.  The capture
 * sees our own outgoing probes as well as the replies; every captured
 * frame goes to the evidence pcap and to the same engine that replays
 * captures, so `lasthop replay` of the saved file rebuilds the same path.
 * The scheduler keeps several TTLs in flight, waits for each probe no
 * longer than the RTTs seen suggest (bounded by -w), and stops at the
 * destination, an unreachable, the gap limit or the max TTL.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <dumbnet.h>
#include <pcap/pcap.h>

#include "lh.h"
#include "live.h"
#include "priv.h"

#define SNAPLEN		1600
#define WAIT_FACTOR	3		/* wait = 3 x the largest RTT seen ... */
#define WAIT_FLOOR_NS	(50LL * 1000000)	/* ... but at least 50 ms */
#define MAX_PROBES	65536		/* probe numbers are 16 bits */
#define DRAIN_NS	(20LL * 1000000)	/* last look for stragglers */
#define PROGRESS_NS	(200LL * 1000000)

struct sprobe {
	int64_t		tx_mono;
	uint8_t		ttl;
	uint8_t		answered;
};

struct hopst {
	uint8_t		sent;
	uint8_t		answered;
	uint8_t		quota;		/* probes this TTL gets */
};

struct live {
	struct live_opts	 o;
	struct probe_ctx	 ctx;
	libnet_t		*ln;
	pcap_t			*pc;
	pcap_dumper_t		*dump;
	int			 nano;
	char			 ifname[INTF_NAME_LEN];

	struct engine		*eng;
	struct sprobe		*pr;
	uint32_t		 nsent;
	struct hopst		 hop[256];
	int64_t			 rtt_max;
	int			 end_ttl;	/* destination or unreachable */
	uint64_t		 captured;
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
live_opts_default(struct live_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->method = &probe_udp;
	o->first_ttl = 1;
	o->max_ttl = 30;
	o->probes_per_hop = 3;
	o->retries = 1;
	o->gap_limit = 5;
	o->window = 16;
	o->payload = 32;
	o->pps = 200;
	o->wait_ns = 3LL * 1000000000;
}

/* Route, interface and source address for the destination (libdnet). */
static int
find_route(const struct live_opts *o, char *ifname, size_t iflen,
    uint32_t *src, int *exit_code, char *err, size_t errlen)
{
	union {
		struct intf_entry e;
		uint8_t buf[1024];
	} u;
	struct addr dst;
	intf_t *in;
	int rc;

	if ((in = intf_open()) == NULL) {
		*exit_code = LH_EXIT_NET;
		return lh_err(err, errlen, "cannot read the interfaces: %s",
		    strerror(errno));
	}
	memset(&u, 0, sizeof(u));
	u.e.intf_len = sizeof(u);
	if (o->ifname != NULL) {
		snprintf(u.e.intf_name, sizeof(u.e.intf_name), "%s", o->ifname);
		rc = intf_get(in, &u.e);
	} else {
		memset(&dst, 0, sizeof(dst));
		dst.addr_type = ADDR_TYPE_IP;
		dst.addr_bits = IP_ADDR_BITS;
		dst.addr_ip = htonl(o->dst);
		rc = intf_get_dst(in, &u.e, &dst);
	}
	intf_close(in);
	*exit_code = LH_EXIT_NET;
	if (rc != 0) {
		if (o->ifname != NULL)
			return lh_err(err, errlen, "no interface '%s'", o->ifname);
		return lh_err(err, errlen, "no route to %s", o->target);
	}
	if (!(u.e.intf_flags & INTF_FLAG_UP))
		return lh_err(err, errlen, "interface %s is down",
		    u.e.intf_name);
	snprintf(ifname, iflen, "%s", u.e.intf_name);
	if (o->src != 0)
		*src = o->src;
	else if (u.e.intf_addr.addr_type == ADDR_TYPE_IP)
		*src = ntohl(u.e.intf_addr.addr_ip);
	else
		return lh_err(err, errlen, "interface %s has no IPv4 address; "
		    "give one with -s", u.e.intf_name);
	*exit_code = 0;
	return 0;
}

static void
make_ctx(const struct live_opts *o, uint32_t src, struct probe_ctx *c)
{
	rand_t *r = rand_open();
	uint64_t key = 0;

	if (r != NULL) {
		rand_get(r, &key, sizeof(key));
		rand_close(r);
	}
	if (key == 0)
		key = (uint64_t)mono_ns() * 0x9e3779b97f4a7c15ULL;
	memset(c, 0, sizeof(*c));
	c->src = src;
	c->dst = o->dst;
	c->key = key;
	c->classic = o->classic;
	c->payload = o->payload;
	c->sport = (uint16_t)(32768 + (key >> 16) % 28232);
	c->dport = o->port ? o->port : o->method->default_port;
	/* UDP Paris: a keyed destination port within traceroute's range. */
	if (o->port == 0 && !o->classic && o->method->proto == IPPROTO_UDP)
		c->dport = (uint16_t)(c->dport + (key >> 40) % 90);
	c->echo_id = (uint16_t)(key >> 32);
	c->echo_csum = (uint16_t)(key >> 48) | 1;
}

/* Build probe n at ttl and hand back its bytes. */
static int
build(libnet_t *ln, const struct live_opts *o, const struct probe_ctx *c,
    uint16_t n, uint8_t ttl, uint8_t **pkt, uint32_t *len, char *err,
    size_t errlen)
{
	libnet_clear_packet(ln);
	if (o->method->build(ln, c, n, ttl, err, errlen) != 0)
		return -1;
	/*
	 * libnet_adv_cull_packet() is reserved to link-layer mode; the
	 * coalescing it wraps (header, libnet-functions.h) works in raw and
	 * build-only modes alike and fills in the checksums.
	 */
	if (libnet_pblock_coalesce(ln, pkt, len) == -1)
		return lh_err(err, errlen, "libnet: %s", libnet_geterror(ln));
	return 0;
}

static const char *
priv_hint(void)
{
	return "lasthop trace needs CAP_NET_RAW and CAP_NET_ADMIN: run it "
	    "with sudo, or grant them once with "
	    "'sudo setcap cap_net_raw,cap_net_admin+ep $(command -v lasthop)'";
}

/* Make the directory that will hold path, one level, if it is missing. */
static void
make_parent(const char *path)
{
	char dir[512];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	(void)mkdir(dir, 0755);
}

struct live *
live_open(const struct live_opts *o, int *exit_code, char *err, size_t errlen)
{
	struct live *lv;
	char ebuf[LIBNET_ERRBUF_SIZE > PCAP_ERRBUF_SIZE ? LIBNET_ERRBUF_SIZE :
	    PCAP_ERRBUF_SIZE], filter[512], mf[128], s[16], d[16];
	struct bpf_program bpf;
	uint32_t src = 0;
	int rc;

	*exit_code = LH_EXIT_FAIL;
	if ((lv = calloc(1, sizeof(*lv))) == NULL) {
		lh_err(err, errlen, "out of memory");
		return NULL;
	}
	lv->o = *o;
	if (find_route(o, lv->ifname, sizeof(lv->ifname), &src, exit_code,
	    err, errlen) != 0)
		goto fail;
	make_ctx(o, src, &lv->ctx);
	*exit_code = LH_EXIT_FAIL;

	/* The privileged part: raw socket and capture, nothing else. */
	lv->ln = libnet_init(LIBNET_RAW4_ADV, lv->ifname, ebuf);
	if (lv->ln == NULL) {
		*exit_code = LH_EXIT_PRIV;
		if (strstr(ebuf, "ermission") || strstr(ebuf, "not permitted"))
			lh_err(err, errlen, "%s", priv_hint());
		else {
			*exit_code = LH_EXIT_NET;
			lh_err(err, errlen, "opening the raw socket: %s", ebuf);
		}
		goto fail;
	}
	if ((lv->pc = pcap_create(lv->ifname, ebuf)) == NULL) {
		*exit_code = LH_EXIT_NET;
		lh_err(err, errlen, "capture on %s: %s", lv->ifname, ebuf);
		goto fail;
	}
	(void)pcap_set_snaplen(lv->pc, SNAPLEN);
	(void)pcap_set_immediate_mode(lv->pc, 1);
	(void)pcap_set_timeout(lv->pc, 10);
	lv->nano = pcap_set_tstamp_precision(lv->pc,
	    PCAP_TSTAMP_PRECISION_NANO) == 0;
	rc = pcap_activate(lv->pc);
	if (rc < 0) {
		*exit_code = rc == PCAP_ERROR_PERM_DENIED ? LH_EXIT_PRIV :
		    LH_EXIT_NET;
		if (rc == PCAP_ERROR_PERM_DENIED)
			lh_err(err, errlen, "%s", priv_hint());
		else
			lh_err(err, errlen, "capture on %s: %s", lv->ifname,
			    pcap_geterr(lv->pc));
		goto fail;
	}
	lh_ip4_str(lv->ctx.src, s, sizeof(s));
	lh_ip4_str(lv->ctx.dst, d, sizeof(d));
	if (o->method->filter(&lv->ctx, mf, sizeof(mf)) != 0 ||
	    snprintf(filter, sizeof(filter),
	    "(src host %s and dst host %s and ip proto %u) or "
	    "(dst host %s and icmp and (icmp[0] == 11 or icmp[0] == 3 or "
	    "icmp[0] == 12 or icmp[0] == 4)) or "
	    "(src host %s and dst host %s and (%s))",
	    s, d, o->method->proto, s, d, s, mf) >= (int)sizeof(filter)) {
		lh_err(err, errlen, "capture filter too long");
		goto fail;
	}
	if (pcap_compile(lv->pc, &bpf, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(lv->pc, &bpf) != 0) {
		lh_err(err, errlen, "capture filter: %s", pcap_geterr(lv->pc));
		pcap_freecode(&bpf);
		goto fail;
	}
	pcap_freecode(&bpf);
	if (pcap_setnonblock(lv->pc, 1, ebuf) != 0) {
		lh_err(err, errlen, "capture: %s", ebuf);
		goto fail;
	}

	/*
	 * The evidence file is opened before the drop, as tcpdump -w does:
	 * the user dropped to (nobody, when root ran us directly) may not be
	 * able to create it.  Nothing is parsed yet.
	 */
	if (o->write_path != NULL) {
		make_parent(o->write_path);
		lv->dump = pcap_dump_open(lv->pc, o->write_path);
		if (lv->dump == NULL) {
			lh_err(err, errlen, "%s", pcap_geterr(lv->pc));
			goto fail;
		}
	}

	/* Done with privileges: drop them before any packet is parsed. */
	if (priv_drop(err, errlen) != 0) {
		*exit_code = LH_EXIT_PRIV;
		goto fail;
	}
	*exit_code = 0;
	return lv;
fail:
	live_close(lv);
	return NULL;
}

void
live_close(struct live *lv)
{
	if (lv == NULL)
		return;
	if (lv->dump != NULL)
		pcap_dump_close(lv->dump);
	if (lv->pc != NULL)
		pcap_close(lv->pc);
	if (lv->ln != NULL)
		libnet_destroy(lv->ln);
	engine_free(lv->eng);
	free(lv->pr);
	free(lv);
}

/* ---- scheduling ---- */

static void
on_reply(void *arg, const struct probe *p)
{
	struct live *lv = arg;
	uint16_t n = probe_number(&lv->ctx, p->ipid);
	struct sprobe *sp;
	int64_t rtt;

	if (n >= lv->nsent || lv->pr[n].ttl != p->ttl)
		return;		/* not one of this run's probes */
	sp = &lv->pr[n];
	if (sp->answered)
		return;
	sp->answered = 1;
	lv->hop[sp->ttl].answered++;
	rtt = p->rx_ns - p->tx_ns;
	if (rtt > lv->rtt_max)
		lv->rtt_max = rtt;
	if (p->raddr == lv->ctx.dst || p->rkind == RK_UNREACH) {
		if (lv->end_ttl == 0 || sp->ttl < lv->end_ttl)
			lv->end_ttl = sp->ttl;
	}
}

static void
on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live *lv = (struct live *)arg;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 +
	    (int64_t)h->ts.tv_usec * (lv->nano ? 1 : 1000);
	char err[LH_ERRLEN];

	lv->captured++;
	if (lv->dump != NULL)
		pcap_dump((u_char *)lv->dump, h, data);
	(void)engine_frame(lv->eng, pcap_datalink(lv->pc), ts, data,
	    h->caplen, err, sizeof(err));
}

static int64_t
wait_for(const struct live *lv)
{
	int64_t w;

	if (lv->rtt_max <= 0)
		return lv->o.wait_ns;
	w = lv->rtt_max * WAIT_FACTOR;
	if (w < WAIT_FLOOR_NS)
		w = WAIT_FLOOR_NS;
	return w < lv->o.wait_ns ? w : lv->o.wait_ns;
}

/* Probes of a TTL still waiting for an answer at time now. */
static int
hop_pending(const struct live *lv, int ttl, int64_t now, int64_t wait)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < lv->nsent; i++)
		if (lv->pr[i].ttl == ttl && !lv->pr[i].answered &&
		    now - lv->pr[i].tx_mono < wait)
			n++;
	return n;
}

static int
hop_finished(const struct live *lv, int ttl, int64_t now, int64_t wait)
{
	const struct hopst *h = &lv->hop[ttl];

	return h->sent >= h->quota && hop_pending(lv, ttl, now, wait) == 0;
}

static int
last_ttl(const struct live *lv)
{
	return lv->end_ttl ? lv->end_ttl : lv->o.max_ttl;
}

/* Whether the trace is over. */
static int
done(struct live *lv, int64_t now)
{
	int64_t wait = wait_for(lv);
	int t, la = lv->o.first_ttl - 1, end = last_ttl(lv);

	for (t = lv->o.first_ttl; t <= end; t++)
		if (lv->hop[t].answered)
			la = t;
	/* Gap limit: gap_limit finished silent TTLs after the last answer. */
	if (la + lv->o.gap_limit < end) {
		for (t = lv->o.first_ttl; t <= la + lv->o.gap_limit; t++)
			if (!hop_finished(lv, t, now, wait))
				break;
		if (t > la + lv->o.gap_limit)
			return 1;
	}
	for (t = lv->o.first_ttl; t <= end; t++)
		if (!hop_finished(lv, t, now, wait))
			return 0;
	return 1;
}

/* The TTL that should get the next probe, or 0 for none now. */
static int
next_ttl(struct live *lv, int64_t now)
{
	int64_t wait = wait_for(lv);
	int t, low = 0, best = 0, end = last_ttl(lv), horizon, later, la;

	for (t = lv->o.first_ttl; t <= end; t++) {
		struct hopst *h = &lv->hop[t];

		/* A hop silent so far while a later one answers: retry once. */
		if (h->answered == 0 && h->sent >= h->quota &&
		    h->quota < lv->o.probes_per_hop + lv->o.retries &&
		    hop_pending(lv, t, now, wait) == 0) {
			for (later = t + 1; later <= end; later++)
				if (lv->hop[later].answered)
					break;
			if (later <= end)
				h->quota++;
		}
		if (low == 0 && !hop_finished(lv, t, now, wait))
			low = t;
	}
	if (low == 0)
		return 0;
	/*
	 * Probe at most the window, and never past the gap limit beyond the
	 * last answer: those TTLs would only confirm the silence.
	 */
	horizon = low + lv->o.window - 1;
	for (t = lv->o.first_ttl, la = lv->o.first_ttl - 1; t <= end; t++)
		if (lv->hop[t].answered)
			la = t;
	if (horizon > la + lv->o.gap_limit)
		horizon = la + lv->o.gap_limit;
	if (horizon > end)
		horizon = end;
	for (t = low; t <= horizon; t++) {
		const struct hopst *h = &lv->hop[t];

		if (h->sent >= h->quota)
			continue;
		if (best == 0 || h->sent < lv->hop[best].sent)
			best = t;
	}
	return best;
}

static int
send_probe(struct live *lv, int ttl, int64_t now, char *err, size_t errlen)
{
	uint8_t *pkt;
	uint32_t len;
	uint16_t n = (uint16_t)lv->nsent;

	if (build(lv->ln, &lv->o, &lv->ctx, n, (uint8_t)ttl, &pkt, &len, err,
	    errlen) != 0)
		return -1;
	if (libnet_adv_write_raw_ipv4(lv->ln, pkt, len) == -1) {
		lh_err(err, errlen, "sending a probe: %s", libnet_geterror(lv->ln));
		libnet_adv_free_packet(lv->ln, pkt);
		return -1;
	}
	libnet_adv_free_packet(lv->ln, pkt);
	lv->pr[n].ttl = (uint8_t)ttl;
	lv->pr[n].tx_mono = now;
	lv->hop[ttl].sent++;
	lv->nsent++;
	return 0;
}

int
live_run(struct live *lv, engine_emit_fn emit, void *arg,
    struct live_result *res, char *err, size_t errlen)
{
	struct engine_opts eo;
	int64_t now, next_send = 0, gap_ns, until, next_progress = 0;
	struct pollfd pfd;
	int t, fd, ttl;

	memset(res, 0, sizeof(*res));
	engine_opts_default(&eo);
	eo.file = lv->o.write_path;
	eo.gap_limit = lv->o.gap_limit;
	eo.strict = 1;
	eo.on_reply = on_reply;
	eo.on_reply_arg = lv;
	if ((lv->eng = engine_new(&eo, emit, arg, err, errlen)) == NULL)
		return -1;
	if ((lv->pr = calloc(MAX_PROBES, sizeof(*lv->pr))) == NULL)
		return lh_err(err, errlen, "out of memory");
	for (t = 0; t < 256; t++)
		lv->hop[t].quota = lv->o.probes_per_hop;
	gap_ns = lv->o.pps ? 1000000000LL / lv->o.pps : 0;
	fd = pcap_get_selectable_fd(lv->pc);

	for (;;) {
		now = mono_ns();
		(void)pcap_dispatch(lv->pc, -1, on_frame, (u_char *)lv);
		if (lv->o.interrupted != NULL && *lv->o.interrupted) {
			res->interrupted = 1;
			break;
		}
		if (done(lv, now))
			break;
		if (lv->o.progress != NULL && now >= next_progress) {
			uint32_t i, answered = 0;
			int hi = 0;

			for (i = 0; i < lv->nsent; i++) {
				answered += lv->pr[i].answered;
				if (lv->pr[i].ttl > hi)
					hi = lv->pr[i].ttl;
			}
			lv->o.progress(lv->o.progress_arg, lv->nsent, answered, hi);
			next_progress = now + PROGRESS_NS;
		}
		if (now >= next_send && lv->nsent < MAX_PROBES &&
		    (ttl = next_ttl(lv, now)) != 0) {
			if (send_probe(lv, ttl, now, err, errlen) != 0)
				return -1;
			next_send = now + gap_ns;
			continue;
		}
		until = next_send > now ? next_send - now : 1000000;
		if (until > 10000000)
			until = 10000000;
		pfd.fd = fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, fd >= 0 ? 1 : 0, (int)(until / 1000000) + 1);
	}
	/* Stragglers already on the wire (our own last probes, late replies). */
	until = mono_ns() + DRAIN_NS;
	while (mono_ns() < until) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, fd >= 0 ? 1 : 0, 5);
		(void)pcap_dispatch(lv->pc, -1, on_frame, (u_char *)lv);
	}
	if (lv->dump != NULL)
		pcap_dump_flush(lv->dump);
	if (engine_finish(lv->eng, err, errlen) != 0)
		return -1;
	res->sent = lv->nsent;
	res->captured_probes = engine_stats(lv->eng)->probes;
	res->rejected = engine_stats(lv->eng)->rejected;
	res->orphans = engine_stats(lv->eng)->orphans;
	res->src = lv->ctx.src;
	snprintf(res->ifname, sizeof(res->ifname), "%s", lv->ifname);
	return 0;
}

/* ---- dry run ---- */

int
live_dry_run(const struct live_opts *o, const char *path, uint64_t *nprobes,
    char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE], ifname[INTF_NAME_LEN];
	struct probe_ctx c;
	libnet_t *ln;
	pcap_t *dead;
	pcap_dumper_t *d;
	struct pcap_pkthdr h;
	uint8_t *pkt;
	uint32_t len, n = 0;
	uint32_t src = o->src;
	int64_t t0 = (int64_t)time(NULL) * 1000000000;
	int ttl, q, ec, rc = -1;

	if (src == 0 && find_route(o, ifname, sizeof(ifname), &src, &ec, err,
	    errlen) != 0)
		return lh_err(err, errlen, "no route to %s to pick a source "
		    "address from; give one with -s", o->target);
	make_ctx(o, src, &c);
	if ((ln = libnet_init(LIBNET_NONE, NULL, ebuf)) == NULL)
		return lh_err(err, errlen, "libnet: %s", ebuf);
	dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (dead == NULL) {
		libnet_destroy(ln);
		return lh_err(err, errlen, "out of memory");
	}
	make_parent(path);
	if ((d = pcap_dump_open(dead, path)) == NULL) {
		lh_err(err, errlen, "%s", pcap_geterr(dead));
		goto out;
	}
	for (q = 0; q < o->probes_per_hop; q++) {
		for (ttl = o->first_ttl; ttl <= o->max_ttl; ttl++) {
			if (build(ln, o, &c, (uint16_t)n, (uint8_t)ttl, &pkt, &len,
			    err, errlen) != 0)
				goto close;
			memset(&h, 0, sizeof(h));
			h.ts.tv_sec = (time_t)((t0 + (int64_t)n * 1000000) /
			    1000000000);
			h.ts.tv_usec = (suseconds_t)((t0 + (int64_t)n * 1000000) %
			    1000000000);
			h.caplen = h.len = len;
			pcap_dump((u_char *)d, &h, pkt);
			libnet_adv_free_packet(ln, pkt);
			n++;
		}
	}
	rc = 0;
close:
	pcap_dump_close(d);
out:
	pcap_close(dead);
	libnet_destroy(ln);
	*nprobes = n;
	return rc;
}
