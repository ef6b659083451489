/*
 * gen-capture.c: write a deterministic synthetic traceroute capture (pcap,
 * Ethernet) for `make bench`, as a vantage host would record it.
 *
 * Usage: gen-capture [--sweep] [--count N] [--seed N] FILE  (FILE "-": stdout)
 *
 * What is in it (the default, a few long-running measurements):
 *   - traces one after another, NSLOTS of them active at any time, from three
 *     vantage hosts (100.64.x.x) to destinations in 175.45.176.0/22 and a few
 *     other prefixes; each trace probes TTL 1..N (N 12..20), 3 probes a TTL;
 *   - four methods: classic UDP (Linux traceroute: dport 33434 + probe
 *     number, a fresh source port per probe, probes sent without waiting),
 *     Paris UDP (constant ports, identity in the IP ID and in the UDP
 *     checksum), ICMP echo (constant id, rising seq), TCP SYN to port 80
 *     (identity in the IP ID); the last three wait for a reply or a timeout;
 *   - replies: ICMP time exceeded (RFC 792) from routers, quoting the probe's
 *     IP header and 8 bytes (RFC 792), the whole probe (RFC 1812), or the
 *     probe padded to 128 bytes plus an RFC 4884/4950 MPLS label stack
 *     extension; ICMP port unreachable, echo reply, SYN-ACK or RST-ACK from
 *     the destination (and the vantage kernel's RST after a SYN-ACK); about
 *     10% of probes unanswered (lossy or silent routers, traces that die
 *     half way, firewalled destinations);
 *   - source ports from Linux's ephemeral range, less the few that
 *     Wireshark decodes as an application (so tshark finds nothing
 *     malformed);
 *   - RTTs of 0.3 ms to 300 ms; every packet written in timestamp order,
 *     from a priority queue of pending packets, so memory does not grow with
 *     the packet count.
 *
 * With --sweep, what a sweep of one /22 (or a measurement repeated over
 * it) leaves in a capture instead:
 *   - SWEEP_SLOTS traces in flight at once from one vantage host, to the
 *     1,024 addresses of 175.45.176.0/22 over and over (each pass in a new
 *     pseudo-random order), about 120 new traces a second: some 12,000
 *     traces per million packets in about 100 s of capture time, and the
 *     same destination traced again every few seconds to a minute;
 *   - short paths (8 to 19 hops, fixed per destination): the access
 *     network, Arelion (62.115.x), then China Unicom's backbone (219.158.x,
 *     the handoff router numbered from its space) or TransTeleCom (188.43.x,
 *     ending at 188.43.225.153), then North Korea's routers (175.45.176.x,
 *     half of the inner ones silent) and the destination;
 *   - methods mixed as the tools send them: classic UDP (Linux traceroute,
 *     a new source port and a rising destination port per probe), Paris
 *     UDP (scamper: one constant flow for the whole run, identity in the IP
 *     ID and the UDP checksum), ICMP echo (traceroute -I, mtr: id per
 *     trace, rising sequence), TCP SYN (tcptraceroute: constant ports per
 *     trace, identity in the IP ID); 3 probes a TTL, sent 1-4 ms apart
 *     without waiting for answers, as a sweep's prober paces them;
 *   - 5% of probes or their replies lost, 15% of destinations silent
 *     (nothing answers from them or past the border), and the usual
 *     unreachables, echo replies, SYN-ACKs and RSTs from the others.
 *
 * Every value comes from one fixed-seed PRNG drawn in event order, or from a
 * hash of addresses, and time starts at 2026-01-01T00:00:00Z: the same
 * arguments give the same bytes on every run.  Checksums (IPv4 header, UDP,
 * TCP, ICMP, ICMP extension) are all valid.  Summary goes to stderr.
 *
 * Exit: 0 written, 1 write or memory failure, 2 bad command line.
 */
#define _DEFAULT_SOURCE		/* pcap.h needs u_char and friends */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define EPOCH_2026	1767225600LL	/* 2026-01-01T00:00:00Z */
#define COUNT_DEFAULT	1000000ULL
#define COUNT_MAX	1000000000ULL
#define SEED_DEFAULT	0x6c617374686f70ULL	/* "lasthop" */

#define NSLOTS		4		/* traces active at once */
#define SWEEP_SLOTS	80		/* ... with --sweep */
#define SWEEP_NET	0xaf2db000	/* 175.45.176.0/22 */
#define SWEEP_ADDRS	1024
#define SWEEP_TIMEOUT_US 500000	/* a sweep's wait for the last answers */
#define NVANTAGE	3
#define FRAME_MAX	256		/* largest frame built here is 186 bytes */
#define ETH_HLEN	14
#define ETH_MINLEN	60		/* received frames are padded to this */
#define SNAPLEN		65535

#define TIMEOUT_US	2000000		/* a traceroute's wait for one probe */
#define RTT_MIN_US	300
#define RTT_MAX_US	300000

enum method { M_UDP, M_PARIS, M_ICMP, M_TCP, M_COUNT };
static const char *const method_name[M_COUNT] = {
	"udp", "paris-udp", "icmp", "tcp-syn"
};

static int sweep;			/* --sweep: the sweep-like capture */

/* How a router answers an expired probe. */
enum quote { Q_RFC792, Q_RFC1812, Q_MPLS };

/* ---------------------------------------------------------------- PRNG */

/* splitmix64: the single stream every random choice is drawn from. */
static uint64_t rng_state;

static uint64_t
rng64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias is irrelevant here. */
static uint64_t
rng_range(uint64_t lo, uint64_t hi)
{
	return lo + rng64() % (hi - lo + 1);
}

/* True with probability pct/100. */
static int
rng_pct(unsigned pct)
{
	return rng64() % 100 < pct;
}

/* Stateless hash for properties that must stay the same across traces. */
static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Ports Wireshark 4.0 dissects as an application (`tshark -G decodes`,
 * udp.port, 32768..60999): a probe from one of them has its payload decoded
 * as that protocol and flagged malformed, so source ports skip them.
 */
static const uint16_t app_ports[] = {
	34962, 34980, 37008, 41170, 44818, 45564, 47000, 47808, 49999, 54328,
	56000, 56001, 56500, 56501, 57000, 57001, 57032, 57033, 57500, 57501,
	57532, 57533, 59000, 59001, 59032, 59033, 59500, 59501, 59532, 59533,
	60001,
};

/* A source port from Linux's ephemeral range (32768..60999). */
static uint16_t
ephemeral_port(void)
{
	uint16_t p;
	size_t i;

again:
	p = (uint16_t)rng_range(32768, 60999);
	for (i = 0; i < sizeof(app_ports) / sizeof(app_ports[0]); i++)
		if (p == app_ports[i])
			goto again;
	return p;
}

/* --------------------------------------------------------------- bytes */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071 Internet checksum: accumulate, then fold and complement. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t
fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint16_t
cksum(const uint8_t *p, size_t n, uint32_t acc)
{
	return (uint16_t)~fold(sum16(p, n, acc));
}

/* Sum of the IPv4 pseudo-header for UDP and TCP (RFC 768, RFC 793). */
static uint32_t
pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    proto + len;
}

/* ---------------------------------------------------------- IPv4 / L4 */

struct iphdr_spec {
	uint32_t	src, dst;
	uint8_t		tos, ttl, proto;
	uint16_t	id;
	int		df;
};

/* Write a 20-byte IPv4 header (RFC 791) with a valid checksum. */
static void
ip_write(uint8_t *p, const struct iphdr_spec *h, uint16_t total)
{
	p[0] = 0x45;
	p[1] = h->tos;
	put16(p + 2, total);
	put16(p + 4, h->id);
	put16(p + 6, h->df ? 0x4000 : 0);
	p[8] = h->ttl;
	p[9] = h->proto;
	put16(p + 10, 0);
	put32(p + 12, h->src);
	put32(p + 16, h->dst);
	put16(p + 10, cksum(p, 20, 0));
}

/* Rewrite the TTL of a finished IPv4 header, fixing its checksum. */
static void
ip_set_ttl(uint8_t *p, uint8_t ttl)
{
	p[8] = ttl;
	put16(p + 10, 0);
	put16(p + 10, cksum(p, 20, 0));
}

/* Fill the UDP checksum of the datagram at p (IP header first). */
static void
udp_cksum(uint8_t *p)
{
	uint16_t ulen = get16(p + 24), c;

	put16(p + 26, 0);
	c = cksum(p + 20, ulen,
	    pseudo_sum(get32(p + 12), get32(p + 16), 17, ulen));
	put16(p + 26, c == 0 ? 0xffff : c);
}

static void
tcp_cksum(uint8_t *p)
{
	uint16_t tlen = (uint16_t)(get16(p + 2) - 20);

	put16(p + 36, 0);
	put16(p + 36, cksum(p + 20, tlen,
	    pseudo_sum(get32(p + 12), get32(p + 16), 6, tlen)));
}

/* ------------------------------------------------------------ the world */

static const uint32_t vantage_addr[NVANTAGE] = {
	0x64400a0a,		/* 100.64.10.10 */
	0x64411414,		/* 100.65.20.20 */
	0x64421e1e,		/* 100.66.30.30 */
};

/* Destination prefixes, with the share of traces (percent) going to each. */
static const struct dgroup {
	uint32_t	net;
	unsigned	plen;
	unsigned	pct;
	unsigned	far;	/* nonzero: 180-280 ms away, else 8-150 ms */
} dgroups[] = {
	{ 0xaf2db000, 22, 50, 1 },	/* 175.45.176.0/22 */
	{ 0xd2346d00, 24, 10, 1 },	/* 210.52.109.0/24 */
	{ 0xc6336400, 24, 15, 0 },	/* 198.51.100.0/24 */
	{ 0xcb007100, 24, 15, 0 },	/* 203.0.113.0/24 */
	{ 0xc0000200, 24, 10, 0 },	/* 192.0.2.0/24 */
};
#define NDGROUP (sizeof(dgroups) / sizeof(dgroups[0]))

/* Transit networks (/16) the middle of a path crosses. */
enum { T_TTK, T_CU, T_ARELION, T_LUMEN, NTRANSIT };
static const uint32_t transit_net[NTRANSIT] = {
	0xbc2b0000,		/* 188.43.0.0/16   TransTelekom */
	0xdb9e0000,		/* 219.158.0.0/16  China Unicom */
	0x3e730000,		/* 62.115.0.0/16   Arelion */
	0x04450000,		/* 4.69.0.0/16     Lumen */
};

static void
mac_vantage(uint8_t *m, int v)
{
	static const uint8_t base[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x00 };

	memcpy(m, base, 6);
	m[5] = (uint8_t)(0x10 + v);
}

static void
mac_gateway(uint8_t *m, int v)
{
	static const uint8_t base[6] = { 0x02, 0x00, 0x5e, 0xfe, 0x00, 0x00 };

	memcpy(m, base, 6);
	m[5] = (uint8_t)(0x01 + v);
}

struct trace {
	uint64_t	serial;
	enum method	method;
	int		vantage;
	unsigned	group;
	uint32_t	src, dst;
	int		n;		/* TTLs probed: 1..n, destination at n */
	int		access;		/* hops in the vantage's access network */
	int		tail;		/* hops in the destination's network */
	int		die_at;		/* first hop that never answers, or 0 */
	int		transit;	/* --sweep: hops in Arelion */
	int		upn;		/* --sweep: hops in the upstream */
	int		up;		/* --sweep: T_CU or T_TTK */
	int		silent_dst;	/* --sweep: nothing answers past the border */
	int		next;		/* index of the next probe */
	int		nprobes;	/* 3 * n */
	uint16_t	sport, dport;	/* Paris, TCP: constant for the trace */
	uint16_t	ipid;		/* kernel-style IP ID counter */
	uint16_t	key;		/* Paris / TCP identity base */
	uint16_t	icmp_id;
	uint32_t	tcp_seq;
	uint32_t	ts_base;	/* TCP timestamp option base */
	uint32_t	first_us;	/* RTT to the first hop */
	uint32_t	base_us;	/* RTT to the destination */
	int64_t		start_us;
	int64_t		end_us;		/* last reply or timeout due */
};

/* ---------------------------------------------------- the pending queue */

/*
 * Pending packets (replies, the vantage's RSTs) and pending probe sends
 * ("steps"), ordered by (time, insertion number): a binary min-heap of small
 * keys over a pool of event records recycled through a free list.
 */
enum ev_kind { EV_PKT, EV_STEP };

struct event {
	enum ev_kind	kind;
	int		slot;		/* EV_STEP: which trace */
	uint16_t	len;		/* EV_PKT: frame length */
	uint8_t		frame[FRAME_MAX];
	uint32_t	next_free;
};

struct hkey {
	int64_t		t_us;
	uint64_t	seq;
	uint32_t	ev;
};

static struct event *pool;
static uint32_t pool_len, pool_cap, pool_free = UINT32_MAX;
static struct hkey *heap;
static size_t heap_len, heap_cap, heap_max;
static uint64_t heap_seq;

static void
die_nomem(void)
{
	fprintf(stderr, "gen-capture: out of memory\n");
	exit(1);
}

static uint32_t
ev_alloc(void)
{
	uint32_t i;

	if (pool_free != UINT32_MAX) {
		i = pool_free;
		pool_free = pool[i].next_free;
		return i;
	}
	if (pool_len == pool_cap) {
		uint32_t ncap = pool_cap ? pool_cap * 2 : 256;
		struct event *np = realloc(pool, ncap * sizeof(*np));

		if (np == NULL)
			die_nomem();
		pool = np;
		pool_cap = ncap;
	}
	return pool_len++;
}

static void
ev_release(uint32_t i)
{
	pool[i].next_free = pool_free;
	pool_free = i;
}

static int
hkey_less(const struct hkey *a, const struct hkey *b)
{
	return a->t_us < b->t_us || (a->t_us == b->t_us && a->seq < b->seq);
}

static void
heap_push(int64_t t_us, uint32_t ev)
{
	size_t i;

	if (heap_len == heap_cap) {
		size_t ncap = heap_cap ? heap_cap * 2 : 256;
		struct hkey *nh = realloc(heap, ncap * sizeof(*nh));

		if (nh == NULL)
			die_nomem();
		heap = nh;
		heap_cap = ncap;
	}
	i = heap_len++;
	heap[i].t_us = t_us;
	heap[i].seq = heap_seq++;
	heap[i].ev = ev;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		struct hkey tmp;

		if (!hkey_less(&heap[i], &heap[up]))
			break;
		tmp = heap[i];
		heap[i] = heap[up];
		heap[up] = tmp;
		i = up;
	}
	if (heap_len > heap_max)
		heap_max = heap_len;
}

static struct hkey
heap_pop(void)
{
	struct hkey top = heap[0];
	size_t i = 0;

	heap[0] = heap[--heap_len];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct hkey tmp;

		if (l < heap_len && hkey_less(&heap[l], &heap[m]))
			m = l;
		if (r < heap_len && hkey_less(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = heap[i];
		heap[i] = heap[m];
		heap[m] = tmp;
		i = m;
	}
	return top;
}

static void
queue_step(int64_t t_us, int slot)
{
	uint32_t e = ev_alloc();

	pool[e].kind = EV_STEP;
	pool[e].slot = slot;
	heap_push(t_us, e);
}

/* Queue a frame for time t_us; returns its buffer for the caller to fill. */
static uint8_t *
queue_frame(int64_t t_us, uint32_t *evp)
{
	uint32_t e = ev_alloc();

	pool[e].kind = EV_PKT;
	pool[e].len = 0;
	heap_push(t_us, e);
	*evp = e;
	return pool[e].frame;
}

/* ------------------------------------------------------------ the output */

static pcap_dumper_t *dumper;
static uint64_t written, want;
static int64_t last_us;			/* the last packet's time */

static struct {
	uint64_t	traces, probes, unanswered, replies;
	uint64_t	by_method[M_COUNT];
	uint64_t	te_rfc792, te_rfc1812, te_mpls, dest;
	uint64_t	bytes;
} st;

static void
emit(int64_t t_us, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(EPOCH_2026 + t_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(t_us % 1000000);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)dumper, &h, frame);
	last_us = t_us;
	written++;
	st.bytes += len;
}

/* ---------------------------------------------------------------- paths */

/*
 * The router at hop h (1 <= h < n) of trace t, for a flow whose ECMP hash is
 * flow.  Access hops depend on the vantage only, transit hops on the vantage
 * and destination group (so traces share routers), some transit hops have two
 * equal-cost next hops chosen by the flow hash.
 */
static uint32_t
router_at(const struct trace *t, int h, uint32_t flow)
{
	uint32_t v = (uint32_t)t->vantage;
	uint64_t k;
	int mid, pos, first;
	unsigned tn;

	if (h == 1)
		return (vantage_addr[t->vantage] & 0xffffff00) | 1;
	if (h <= t->access)
		return 0x64400000 | (0x40 + v) << 8 | (uint32_t)(h * 4 + 1);
	if (h >= t->n - t->tail) {
		uint32_t net = dgroups[t->group].net;
		int back = t->n - h;		/* 1 = last router */

		return net | (back == 1 ? 1 + (flow & 1) : 4 + (uint32_t)back);
	}
	/* Transit: first half one network, second half another. */
	mid = t->n - t->tail - t->access - 1;
	pos = h - t->access - 1;
	first = pos < (mid + 1) / 2;
	if (dgroups[t->group].far)
		tn = first ? (v == 2 ? T_ARELION : T_TTK) : T_CU;
	else
		tn = first ? (v == 0 ? T_LUMEN : T_ARELION) :
		    (t->group == 2 ? T_TTK : T_CU);
	if (!first)
		pos -= (mid + 1) / 2;
	k = mix(mix(tn, (uint64_t)pos), first ? v : t->group);
	if (k % 3 == 0)				/* an ECMP hop */
		k = mix(k, (flow >> 3) & 1);
	return transit_net[tn] | (uint32_t)(k % 0xfe00 + 0x100);
}

/*
 * --sweep: the router at hop h (1 <= h < n) on the way to t->dst: the
 * vantage's access network, Arelion, the upstream (China Unicom or
 * TransTeleCom, the last of its hops the handoff), then North Korea's
 * border router and inner routers.  Transit and upstream routers depend on
 * the position and the upstream only, so every trace crosses the same few
 * dozen routers; some have an equal-cost twin chosen by the flow hash.
 */
static uint32_t
sweep_router_at(const struct trace *t, int h, uint32_t flow)
{
	uint64_t k;
	int pos;

	if (h == 1)
		return (vantage_addr[t->vantage] & 0xffffff00) | 1;
	if (h <= t->access)
		return 0x64400000 | 0x40 << 8 | (uint32_t)(h * 4 + 1);
	if (h <= t->access + t->transit) {
		pos = h - t->access;
		k = mix(mix(T_ARELION, (uint64_t)pos), (uint64_t)t->up);
	} else if (h < t->access + t->transit + t->upn) {
		pos = h - t->access - t->transit;
		k = mix(mix((uint64_t)t->up, (uint64_t)pos), 0x5c);
	} else if (h == t->access + t->transit + t->upn) {
		/* The handoff: CU numbers it from its own space. */
		if (t->up == T_TTK)
			return 0xbc2be199;		/* 188.43.225.153 */
		return 0xdb9e6102 + 4 * (flow & 1);	/* 219.158.97.2 / .6 */
	} else {
		int back = t->n - h;		/* 1 = the last router */

		if (h == t->access + t->transit + t->upn + 1)
			return SWEEP_NET | (1 + (flow & 1));	/* border */
		return SWEEP_NET | (uint32_t)(4 + back);
	}
	if (k % 3 == 0)				/* an ECMP hop */
		k = mix(k, (flow >> 3) & 1);
	return transit_net[h <= t->access + t->transit ? T_ARELION : t->up] |
	    (uint32_t)(k % 0xfe00 + 0x100);
}

static int
router_silent(uint32_t addr, int h)
{
	return h > 1 && mix(addr, 0x51) % 100 < 4;
}

/* --sweep: half of the inner North Korean routers never answer. */
static int
sweep_router_silent(const struct trace *t, uint32_t addr, int h)
{
	if ((addr & 0xfffffc00) != SWEEP_NET || (addr & 0xff) <= 2)
		return router_silent(addr, h);
	return t->silent_dst || mix(addr, 0x52) % 100 < 50;
}

static enum quote
router_quote(uint32_t addr)
{
	unsigned r;

	if ((addr & 0xffc00000) == 0x64400000)	/* 100.64.0.0/10: Linux */
		return Q_RFC1812;
	r = (unsigned)(mix(addr, 0x9) % 100);
	if ((addr >> 16) == (transit_net[T_CU] >> 16) ||
	    (addr >> 16) == (transit_net[T_TTK] >> 16) ||
	    (addr >> 16) == (transit_net[T_ARELION] >> 16))
		return r < 30 ? Q_RFC792 : r < 60 ? Q_RFC1812 : Q_MPLS;
	return r < 60 ? Q_RFC792 : Q_RFC1812;
}

static uint8_t
router_init_ttl(uint32_t addr)
{
	return (addr & 0xffc00000) == 0x64400000 ? 64 : 255;
}

/* RTT of a reply from hop h, in microseconds. */
static int64_t
rtt_at(const struct trace *t, int h)
{
	int64_t span = (int64_t)t->base_us - t->first_us, r;

	if (h <= t->access)
		r = t->first_us + (h - 1) * 400;
	else
		r = t->first_us + span * h * h / ((int64_t)t->n * t->n);
	r += (int64_t)rng_range(0, (uint64_t)r / 50 + 200);
	if (rng_pct(4))				/* slow-path ICMP generation */
		r += (int64_t)rng_range(1000, 30000);
	if (r < RTT_MIN_US)
		r = RTT_MIN_US;
	if (r > RTT_MAX_US)
		r = RTT_MAX_US;
	return r;
}

/* ---------------------------------------------------------------- traces */

/*
 * --sweep: the next address of the sweep.  Pass p visits the 1,024
 * addresses in the order i -> (a * i + b) mod 1024, a odd (a permutation),
 * with a and b drawn anew for every pass.
 */
static uint32_t
sweep_next_dst(void)
{
	static uint64_t i, a, b;

	if (i % SWEEP_ADDRS == 0) {
		a = rng64() | 1;
		b = rng64();
	}
	return SWEEP_NET | (uint32_t)((a * (i++ % SWEEP_ADDRS) + b) %
	    SWEEP_ADDRS);
}

/* --sweep: a trace to the next address; its path is fixed by the address. */
static void
sweep_trace_new(struct trace *t)
{
	uint64_t k;
	unsigned r;

	r = (unsigned)rng_range(0, 99);
	t->method = r < 30 ? M_UDP : r < 55 ? M_PARIS : r < 80 ? M_ICMP : M_TCP;
	t->vantage = 0;
	t->src = vantage_addr[0];
	t->group = 0;				/* 175.45.176.0/22 */
	t->dst = sweep_next_dst();
	k = mix(t->dst, 0x5eed);
	t->access = 2 + (int)(k & 1);
	t->transit = 1 + (int)((k >> 4) % 4);
	switch ((t->dst >> 8) & 3) {		/* which /24 */
	case 1:
		t->up = T_TTK;
		break;
	case 2:
		t->up = (k >> 8) & 1 ? T_TTK : T_CU;
		break;
	default:
		t->up = T_CU;
		break;
	}
	t->upn = 3 + (int)((k >> 12) % 5);
	/* The routers' own addresses (.1-.15) end at the border. */
	t->tail = (t->dst & 0x3f0) == 0 ? 0 : 1 + (int)((k >> 20) % 3);
	t->n = t->access + t->transit + t->upn + t->tail + 1;
	t->silent_dst = mix(t->dst, 0xdead) % 100 < 15;
	t->nprobes = 3 * t->n;
	t->ipid = (uint16_t)rng64();
	t->key = (uint16_t)rng64();
	t->icmp_id = (uint16_t)rng_range(1000, 65535);
	/* scamper's one flow for the whole run; tcptraceroute's per trace */
	t->sport = t->method == M_PARIS ? 36978 : ephemeral_port();
	t->dport = t->method == M_TCP ? 80 : 33435;
	t->tcp_seq = (uint32_t)rng64();
	t->ts_base = (uint32_t)rng64();
	t->first_us = (uint32_t)rng_range(300, 1500);
	t->base_us = (uint32_t)rng_range(180000, 280000);
}

static void
trace_new(struct trace *t, int64_t start_us)
{
	static uint64_t serial;
	unsigned r, acc, g;
	uint32_t host, mask;

	memset(t, 0, sizeof(*t));
	t->serial = ++serial;
	if (sweep) {
		sweep_trace_new(t);
		t->start_us = start_us;
		t->end_us = start_us;
		st.traces++;
		st.by_method[t->method]++;
		return;
	}
	r = (unsigned)rng_range(0, 99);
	t->method = r < 40 ? M_UDP : r < 60 ? M_PARIS : r < 85 ? M_ICMP : M_TCP;
	t->vantage = (int)rng_range(0, NVANTAGE - 1);
	t->src = vantage_addr[t->vantage];
	r = (unsigned)rng_range(0, 99);
	for (g = 0, acc = 0; g < NDGROUP - 1; g++) {
		acc += dgroups[g].pct;
		if (r < acc)
			break;
	}
	t->group = g;
	mask = (1u << (32 - dgroups[g].plen)) - 1;
	do
		host = (uint32_t)rng64() & mask;
	while ((host & 0xff) == 0 || (host & 0xff) == 0xff ||
	    (host & 0xff) < 16);		/* .1-.15: the network's routers */
	t->dst = dgroups[g].net | host;
	t->n = (int)rng_range(12, 20);
	t->access = t->vantage == 0 ? 2 : 3;
	t->tail = dgroups[g].far ? 2 : 1;
	if (rng_pct(7))
		t->die_at = t->n / 2 + (int)rng_range(0, 2) - 1;
	t->nprobes = 3 * t->n;
	t->ipid = (uint16_t)rng64();
	t->key = (uint16_t)rng64();
	t->icmp_id = (uint16_t)rng_range(1000, 65535);
	t->sport = ephemeral_port();
	t->dport = t->method == M_TCP ? 80 : 33435;
	t->tcp_seq = (uint32_t)rng64();
	t->ts_base = (uint32_t)rng64();
	t->first_us = (uint32_t)rng_range(300, 1500);
	t->base_us = dgroups[g].far ? (uint32_t)rng_range(180000, 280000) :
	    (uint32_t)rng_range(8000, 150000);
	t->start_us = start_us;
	t->end_us = start_us;
	st.traces++;
	st.by_method[t->method]++;
}

/*
 * Build probe number i of trace t (IP datagram, no link header) into p;
 * returns its length and the flow hash the network's ECMP sees.
 */
static size_t
probe_build(struct trace *t, int i, int64_t now_us, uint8_t *p,
    uint32_t *flow)
{
	struct iphdr_spec ih;
	uint16_t total = 60, sport, dport;
	size_t k;

	memset(&ih, 0, sizeof(ih));
	ih.src = t->src;
	ih.dst = t->dst;
	ih.ttl = (uint8_t)(i / 3 + 1);
	switch (t->method) {
	case M_UDP:			/* Linux traceroute default */
		sport = ephemeral_port();
		dport = (uint16_t)(33434 + i);
		ih.proto = 17;
		ih.id = t->ipid++;
		ip_write(p, &ih, total);
		put16(p + 20, sport);
		put16(p + 22, dport);
		put16(p + 24, total - 20);
		for (k = 28; k < total; k++)
			p[k] = (uint8_t)(0x40 + (k - 28));
		udp_cksum(p);
		*flow = (uint32_t)mix((uint64_t)sport << 16 | dport, t->dst);
		break;
	case M_PARIS: {			/* identity: IP ID and UDP checksum */
		uint16_t want_ck = (uint16_t)(t->key + i), x;
		uint32_t s;

		if (want_ck == 0 || want_ck == 0xffff)
			want_ck = 0x1234;
		total = 30;
		ih.proto = 17;
		ih.id = (uint16_t)(t->key + i);
		ip_write(p, &ih, total);
		put16(p + 20, t->sport);
		put16(p + 22, t->dport);
		put16(p + 24, total - 20);
		put16(p + 26, 0);
		put16(p + 28, 0);
		/* Pick the 2 payload bytes so the checksum comes out want_ck. */
		s = fold(sum16(p + 20, 10, pseudo_sum(t->src, t->dst, 17, 10)));
		x = fold((uint32_t)(uint16_t)~want_ck + (uint16_t)~s);
		put16(p + 28, x);
		put16(p + 26, want_ck);
		*flow = (uint32_t)mix((uint64_t)t->sport << 16 | t->dport, t->dst);
		break;
	}
	case M_ICMP:			/* Linux traceroute -I */
		ih.proto = 1;
		ih.id = t->ipid++;
		ip_write(p, &ih, total);
		p[20] = 8;
		p[21] = 0;
		put16(p + 22, 0);
		put16(p + 24, t->icmp_id);
		put16(p + 26, (uint16_t)(i + 1));
		for (k = 28; k < total; k++)
			p[k] = (uint8_t)(0x40 + (k - 28));
		put16(p + 22, cksum(p + 20, total - 20u, 0));
		*flow = (uint32_t)mix(t->icmp_id, t->dst);
		break;
	case M_TCP:			/* SYN, identity in the IP ID */
	default:
		ih.proto = 6;
		ih.id = (uint16_t)(t->key + i);
		ih.df = 1;
		ip_write(p, &ih, total);
		put16(p + 20, t->sport);
		put16(p + 22, t->dport);
		put32(p + 24, t->tcp_seq);
		put32(p + 28, 0);
		p[32] = 10 << 4;		/* 40-byte header */
		p[33] = 0x02;			/* SYN */
		put16(p + 34, 64240);
		put16(p + 36, 0);
		put16(p + 38, 0);
		/* MSS 1460, SACK permitted, timestamps, NOP, window scale 7 */
		p[40] = 2; p[41] = 4; put16(p + 42, 1460);
		p[44] = 4; p[45] = 2;
		p[46] = 8; p[47] = 10;
		put32(p + 48, t->ts_base + (uint32_t)((now_us - t->start_us) / 1000));
		put32(p + 52, 0);
		p[56] = 1;
		p[57] = 3; p[58] = 3; p[59] = 7;
		tcp_cksum(p);
		*flow = (uint32_t)mix((uint64_t)t->sport << 16 | t->dport, t->dst);
		break;
	}
	return total;
}

/* Ethernet header for a frame sent (out) or received by vantage v. */
static void
eth_write(uint8_t *f, int v, int out)
{
	mac_vantage(out ? f + 6 : f, v);
	mac_gateway(out ? f : f + 6, v);
	f[12] = 0x08;
	f[13] = 0x00;
}

/* Pad a received frame to the Ethernet minimum, as the sender's NIC did. */
static size_t
eth_pad(uint8_t *f, size_t len)
{
	if (len < ETH_MINLEN) {
		memset(f + len, 0, ETH_MINLEN - len);
		len = ETH_MINLEN;
	}
	return len;
}

/*
 * An ICMP error (type/code) from addr to the vantage, arriving after crossing
 * hops_back routers, quoting probe (plen bytes) whose TTL on arrival was 1.
 */
static size_t
icmp_error_build(uint8_t *f, const struct trace *t, uint32_t addr,
    int hops_back, uint8_t type, uint8_t code, enum quote q,
    const uint8_t *probe, size_t plen, uint8_t init_ttl)
{
	struct iphdr_spec ih;
	uint8_t *ip = f + ETH_HLEN, *icmp = ip + 20, *quote = icmp + 8;
	size_t qlen, ilen;

	eth_write(f, t->vantage, 0);
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	qlen = q == Q_RFC792 ? 28 : plen;
	if (qlen > plen)
		qlen = plen;
	memcpy(quote, probe, qlen);
	ip_set_ttl(quote, 1);
	ilen = 8 + qlen;
	if (q == Q_MPLS) {
		/* RFC 4884: pad the quote to 128 bytes, say so in word units. */
		uint8_t *ext = quote + 128, *obj = ext + 4;
		uint64_t k = mix(addr, t->group);
		int nlab = 1 + (int)(k & 1), j;

		memset(quote + qlen, 0, 128 - qlen);
		icmp[5] = 128 / 4;
		ext[0] = 2 << 4;		/* version 2 */
		ext[1] = 0;
		put16(ext + 2, 0);
		put16(obj, (uint16_t)(4 + 4 * nlab));
		obj[2] = 1;			/* class: MPLS label stack (RFC 4950) */
		obj[3] = 1;			/* c-type: incoming label stack */
		for (j = 0; j < nlab; j++) {
			uint32_t label = 16 + (uint32_t)(mix(k, (uint64_t)j) %
			    (0x100000 - 16));

			put32(obj + 4 + 4 * j, label << 12 |
			    (j == nlab - 1 ? 0x100u : 0) | 1u);
		}
		put16(ext + 2, cksum(ext, 8 + 4 * (size_t)nlab, 0));
		ilen = 8 + 128 + 8 + 4 * (size_t)nlab;
	}
	put16(icmp + 2, cksum(icmp, ilen, 0));
	memset(&ih, 0, sizeof(ih));
	ih.src = addr;
	ih.dst = t->src;
	ih.tos = init_ttl == 64 ? 0xc0 : 0;
	ih.ttl = (uint8_t)(init_ttl - hops_back);
	ih.proto = 1;
	ih.id = (uint16_t)rng64();
	ip_write(ip, &ih, (uint16_t)(20 + ilen));
	return eth_pad(f, ETH_HLEN + 20 + ilen);
}

static uint8_t
dest_init_ttl(uint32_t dst)
{
	static const uint8_t ttls[4] = { 64, 64, 128, 255 };

	return ttls[mix(dst, 0x77) % 4];
}

/* The destination's answer to probe (echo reply, SYN-ACK, RST-ACK). */
static size_t
dest_reply_build(uint8_t *f, const struct trace *t, const uint8_t *probe,
    size_t plen, int syn_ack)
{
	struct iphdr_spec ih;
	uint8_t *ip = f + ETH_HLEN, *l4 = ip + 20;
	size_t l4len;

	eth_write(f, t->vantage, 0);
	memset(&ih, 0, sizeof(ih));
	ih.src = t->dst;
	ih.dst = t->src;
	ih.ttl = (uint8_t)(dest_init_ttl(t->dst) - (t->n - 1));
	ih.id = (uint16_t)rng64();
	if (t->method == M_ICMP) {
		l4len = plen - 20;
		memcpy(l4, probe + 20, l4len);
		l4[0] = 0;			/* echo reply */
		put16(l4 + 2, 0);
		put16(l4 + 2, cksum(l4, l4len, 0));
		ih.proto = 1;
		ip_write(ip, &ih, (uint16_t)(20 + l4len));
	} else {
		ih.proto = 6;
		ih.df = 1;
		l4len = syn_ack ? 24 : 20;
		ip_write(ip, &ih, (uint16_t)(20 + l4len));
		put16(l4, get16(probe + 22));
		put16(l4 + 2, get16(probe + 20));
		put32(l4 + 4, syn_ack ? (uint32_t)rng64() : 0);
		put32(l4 + 8, get32(probe + 24) + 1);
		l4[12] = (uint8_t)(l4len / 4) << 4;
		l4[13] = syn_ack ? 0x12 : 0x14;	/* SYN|ACK : RST|ACK */
		put16(l4 + 14, syn_ack ? 65160 : 0);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		if (syn_ack) {
			l4[20] = 2; l4[21] = 4; put16(l4 + 22, 1460);
		}
		tcp_cksum(ip);
	}
	return eth_pad(f, ETH_HLEN + 20 + l4len);
}

/* The vantage kernel's RST for a SYN-ACK it never asked for. */
static size_t
vantage_rst_build(uint8_t *f, const struct trace *t, const uint8_t *probe)
{
	struct iphdr_spec ih;
	uint8_t *ip = f + ETH_HLEN, *l4 = ip + 20;

	eth_write(f, t->vantage, 1);
	memset(&ih, 0, sizeof(ih));
	ih.src = t->src;
	ih.dst = t->dst;
	ih.ttl = 64;
	ih.proto = 6;
	ih.df = 1;
	ih.id = 0;
	ip_write(ip, &ih, 40);
	memset(l4, 0, 20);
	put16(l4, get16(probe + 20));
	put16(l4 + 2, get16(probe + 22));
	put32(l4 + 4, get32(probe + 24) + 1);
	l4[12] = 5 << 4;
	l4[13] = 0x04;				/* RST */
	tcp_cksum(ip);
	return ETH_HLEN + 40;			/* outgoing: no padding seen */
}

/*
 * Send the next probe of the trace in slot, queue what answers it, and queue
 * the trace's next step (or, after its last probe, a new trace's first).
 */
static void
trace_step(struct trace *t, int slot, int64_t now)
{
	uint8_t frame[FRAME_MAX], probe[128];
	int i = t->next++, ttl = i / 3 + 1, answered = 0;
	int64_t reply_at = 0, next_at;
	uint32_t flow = 0, ev;
	size_t plen;

	plen = probe_build(t, i, now, probe, &flow);
	eth_write(frame, t->vantage, 1);
	memcpy(frame + ETH_HLEN, probe, plen);
	emit(now, frame, ETH_HLEN + plen);
	st.probes++;

	if (!rng_pct(sweep ? 5 : 3) && !(t->die_at && ttl >= t->die_at)) {
		if (ttl < t->n) {
			uint32_t addr = sweep ? sweep_router_at(t, ttl, flow) :
			    router_at(t, ttl, flow);

			if (sweep ? !sweep_router_silent(t, addr, ttl) :
			    !router_silent(addr, ttl)) {
				enum quote q = router_quote(addr);
				uint8_t *f;

				reply_at = now + rtt_at(t, ttl);
				f = queue_frame(reply_at, &ev);
				pool[ev].len = (uint16_t)icmp_error_build(f, t,
				    addr, ttl - 1, 11, 0, q, probe, plen,
				    router_init_ttl(addr));
				answered = 1;
				if (q == Q_RFC792)
					st.te_rfc792++;
				else if (q == Q_RFC1812)
					st.te_rfc1812++;
				else
					st.te_mpls++;
			}
		} else if (sweep ? !t->silent_dst :
		    mix(t->dst, 0xf1) % 100 >= 5) {	/* not firewalled */
			int tcp_open = mix(t->dst, 0x80) % 100 < 75;
			uint8_t *f;

			reply_at = now + rtt_at(t, ttl);
			f = queue_frame(reply_at, &ev);
			if (t->method == M_UDP || t->method == M_PARIS)
				pool[ev].len = (uint16_t)icmp_error_build(f, t,
				    t->dst, t->n - 1, 3, 3, Q_RFC1812, probe,
				    plen, dest_init_ttl(t->dst));
			else
				pool[ev].len = (uint16_t)dest_reply_build(f, t,
				    probe, plen, tcp_open);
			if (t->method == M_TCP && tcp_open) {
				f = queue_frame(reply_at +
				    (int64_t)rng_range(15, 80), &ev);
				pool[ev].len = (uint16_t)vantage_rst_build(f, t,
				    probe);
			}
			answered = 1;
			st.dest++;
		}
	}
	if (answered)
		st.replies++;
	else
		st.unanswered++;
	if (answered && reply_at > t->end_us)
		t->end_us = reply_at;
	if (!answered && now + (sweep ? SWEEP_TIMEOUT_US : TIMEOUT_US) >
	    t->end_us)
		t->end_us = now + (sweep ? SWEEP_TIMEOUT_US : TIMEOUT_US);

	if (t->next < t->nprobes) {
		if (sweep)			/* paced, without waiting */
			next_at = now + (int64_t)rng_range(1000, 4000);
		else if (t->method == M_UDP)	/* sends without waiting */
			next_at = now + (int64_t)rng_range(50, 2000);
		else
			next_at = (answered ? reply_at : now + TIMEOUT_US) +
			    (int64_t)rng_range(50, 1000);
		queue_step(next_at, slot);
	} else {
		trace_new(t, t->end_us + (int64_t)rng_range(1000, 50000));
		queue_step(t->start_us, slot);
	}
}

/* ------------------------------------------------------------------ main */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: gen-capture [--sweep] [--count N] [--seed N] FILE\n"
	    "  --sweep    traces of a sweep of 175.45.176.0/22 (see the source)\n"
	    "  --count N  packets to write, 1..%" PRIu64 " (default %" PRIu64 ")\n"
	    "  --seed N   PRNG seed, 0..18446744073709551615 (default %" PRIu64 ")\n"
	    "  FILE       pcap to write, \"-\" for stdout\n",
	    (uint64_t)COUNT_MAX, (uint64_t)COUNT_DEFAULT, (uint64_t)SEED_DEFAULT);
}

/* Parse a decimal in [lo, hi]; on failure say which option and range. */
static int
parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi,
    uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (s == NULL || *s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "gen-capture: %s: \"%s\" is not a number in %" PRIu64
	    "..%" PRIu64 "\n", opt, s ? s : "", lo, hi);
	return -1;
}

int
main(int argc, char **argv)
{
	struct trace traces[SWEEP_SLOTS];
	uint64_t seed = SEED_DEFAULT;
	const char *path = NULL;
	pcap_t *dead;
	FILE *fp;
	int i, slot, nslots;

	want = COUNT_DEFAULT;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sweep") == 0) {
			sweep = 1;
		} else if (strcmp(argv[i], "--count") == 0) {
			if (parse_u64("--count", argv[++i], 1, COUNT_MAX,
			    &want) < 0)
				return 2;
		} else if (strcmp(argv[i], "--seed") == 0) {
			if (parse_u64("--seed", argv[++i], 0, UINT64_MAX,
			    &seed) < 0)
				return 2;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "gen-capture: unknown option %s\n",
			    argv[i]);
			usage(stderr);
			return 2;
		} else if (path == NULL) {
			path = argv[i];
		} else {
			fprintf(stderr, "gen-capture: one output file only\n");
			return 2;
		}
	}
	if (path == NULL) {
		usage(stderr);
		return 2;
	}

	dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (dead == NULL)
		die_nomem();
	dumper = pcap_dump_open(dead, path);
	if (dumper == NULL) {
		fprintf(stderr, "gen-capture: %s\n", pcap_geterr(dead));
		return 1;
	}

	rng_state = seed;
	nslots = sweep ? SWEEP_SLOTS : NSLOTS;
	for (slot = 0; slot < nslots; slot++) {
		trace_new(&traces[slot], (int64_t)rng_range(0, 200000) *
		    (slot > 0));
		queue_step(traces[slot].start_us, slot);
	}
	while (written < want) {
		struct hkey k = heap_pop();
		struct event *e = &pool[k.ev];

		if (e->kind == EV_PKT)
			emit(k.t_us, e->frame, e->len);
		else
			trace_step(&traces[e->slot], e->slot, k.t_us);
		ev_release(k.ev);
	}

	fp = pcap_dump_file(dumper);
	if (pcap_dump_flush(dumper) != 0 || ferror(fp)) {
		fprintf(stderr, "gen-capture: %s: write failed\n", path);
		return 1;
	}
	pcap_dump_close(dumper);
	pcap_close(dead);

	fprintf(stderr,
	    "gen-capture: %" PRIu64 " packets (%" PRIu64 " bytes of frames) in %s\n"
	    "  traces %" PRIu64 " (%s %" PRIu64 ", %s %" PRIu64
	    ", %s %" PRIu64 ", %s %" PRIu64 "), probes %" PRIu64 "\n"
	    "  answered %" PRIu64 ", unanswered %" PRIu64 " (%.1f%%)\n"
	    "  time exceeded: rfc792 %" PRIu64 ", rfc1812 %" PRIu64
	    ", mpls %" PRIu64 "; destination replies %" PRIu64 "\n"
	    "  queue peak %zu events; %.1f s of capture time\n",
	    written, st.bytes, path, st.traces,
	    method_name[M_UDP], st.by_method[M_UDP],
	    method_name[M_PARIS], st.by_method[M_PARIS],
	    method_name[M_ICMP], st.by_method[M_ICMP],
	    method_name[M_TCP], st.by_method[M_TCP],
	    st.probes, st.replies, st.unanswered,
	    st.probes ? 100.0 * (double)st.unanswered / (double)st.probes : 0.0,
	    st.te_rfc792, st.te_rfc1812, st.te_mpls, st.dest, heap_max,
	    (double)last_us / 1e6);
	free(pool);
	free(heap);
	return 0;
}
