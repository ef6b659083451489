#!/usr/bin/env python3
"""
make-synth.py: write lasthop's synthetic captures, captures/synth-*.

Each capture is a short traceroute (4-6 hops) from 100.64.0.2 to a North
Korean host (175.45.176.71) through China Unicom routers (219.158.x.x),
built packet by packet for a case that the peer lab cannot easily give:
link types and encapsulations (PPP, PPPoE, Cisco HDLC, pflog, nflog,
VLANs, MPLS on any of them), MPLS extensions, NAT, short snap lengths,
fragments, duplicates, late and unmatched replies, interleaved traces with noise, Windows tracert, pcapng
with mixed link types, unreachable/loop/silent paths, TCP ACK probes.

Every packet is real: valid IPv4 header checksums, valid UDP/TCP/ICMP
checksums (ICMP errors over their quote and extensions), and quotes that
copy the probe as the router received it (TTL 1, or 0 for some routers,
header checksum updated).  Deterministic: timestamps are fixed offsets from
2026-01-01T00:00:00Z, every "random" value comes from a seeded LCG, so a
rerun writes the same bytes.  Python 3 standard library only.

usage: tests/synth/make-synth.py [-o OUTDIR] [--truth DIR] [NAME...]
  -o OUTDIR    where the captures go (default: captures/ of the repository)
  --truth DIR  also write NAME.truth.json: what the capture holds, trace by
               trace, for tests/synth/check-synth.py
  NAME...      only these captures (e.g. synth-loop)

The table at the end (CASES) lists every capture; tests/synth/README.md
says what each one is and what lasthop must show.
"""
import json
import os
import struct
import sys

EPOCH_NS = 1767225600 * 10**9		# 2026-01-01T00:00:00Z
US = 1000
MS = 1000 * US
S = 1000 * MS

VANTAGE = '100.64.0.2'
GATEWAY = '100.64.0.1'
NK_DST = '175.45.176.71'
NK_DST2 = '175.45.177.10'
NAT_PUBLIC = '198.51.100.20'

MAC_VP = bytes.fromhex('02005e000002')
MAC_GW = bytes.fromhex('02005e000001')
MAC_BCAST = b'\xff' * 6

LATE_NS = 5 * S				# lasthop's default --late

LT_NULL, LT_EN10MB, LT_PPP, LT_RAW, LT_SLL, LT_SLL2 = 0, 1, 9, 101, 113, 276
LT_PPP_HDLC, LT_PPP_ETHER, LT_C_HDLC, LT_LOOP = 50, 51, 104, 108
LT_PFLOG, LT_NFLOG = 117, 239

PPPOE_SESSION = 0x2a17


# ---------------------------------------------------------------- helpers

class LCG:
    """A tiny seeded generator: the same numbers on every Python."""

    def __init__(self, seed):
        self.x = seed & 0xffffffff

    def next(self):
        self.x = (self.x * 1664525 + 1013904223) & 0xffffffff
        return self.x

    def u16(self, lo=1, hi=0xffff):
        return lo + (self.next() >> 8) % (hi - lo + 1)


def aton(a):
    return bytes(int(x) for x in a.split('.'))


def ocsum(data):
    """Ones' complement sum of 16-bit words, folded (not inverted)."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def cksum(data):
    return ~ocsum(data) & 0xffff


def ocadd(a, b):
    s = a + b
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


# ---------------------------------------------------------------- packets

def ip4(src, dst, proto, payload, ttl, ipid, df=False, mf=False, frag=0,
        tos=0, totlen=None):
    """An IPv4 header (RFC 791) with a valid checksum, then payload."""
    tl = 20 + len(payload) if totlen is None else totlen
    off = (0x4000 if df else 0) | (0x2000 if mf else 0) | frag
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, tos, tl, ipid, off, ttl, proto,
                      0, aton(src), aton(dst))
    return hdr[:10] + struct.pack('!H', cksum(hdr)) + hdr[12:] + payload


def ip_fix(pkt, ttl=None, ipid=None, src=None):
    """Rewrite header fields and recompute the header checksum."""
    ihl = (pkt[0] & 0x0f) * 4
    b = bytearray(pkt)
    if ttl is not None:
        b[8] = ttl
    if ipid is not None:
        b[4:6] = struct.pack('!H', ipid)
    if src is not None:
        b[12:16] = aton(src)
    b[10:12] = b'\0\0'
    b[10:12] = struct.pack('!H', cksum(bytes(b[:ihl])))
    return bytes(b)


def pseudo(src, dst, proto, length):
    return aton(src) + aton(dst) + struct.pack('!BBH', 0, proto, length)


def udp(src, dst, sport, dport, data, want_csum=None, adj=None):
    """A UDP datagram (RFC 768) with a valid checksum.  With want_csum, the
    two data bytes at offset adj are chosen so that the checksum field comes
    out as want_csum (Paris/Dublin traceroute carry identity there)."""
    ulen = 8 + len(data)
    if want_csum is not None:
        data = bytearray(data)
        data[adj:adj + 2] = b'\0\0'
        s0 = ocsum(pseudo(src, dst, 17, ulen) +
                   struct.pack('!HHHH', sport, dport, ulen, 0) + bytes(data))
        w = ocadd(~want_csum & 0xffff, ~s0 & 0xffff)
        data[adj:adj + 2] = struct.pack('!H', w)
        data = bytes(data)
    hdr = struct.pack('!HHHH', sport, dport, ulen, 0)
    c = cksum(pseudo(src, dst, 17, ulen) + hdr + data) or 0xffff
    if want_csum is not None:
        assert c == want_csum, (hex(c), hex(want_csum))
    return hdr[:6] + struct.pack('!H', c) + data


def udp_csum_for(src, dst, seg):
    """The checksum seg would carry if sent from src (a NAT's view)."""
    body = seg[:6] + b'\0\0' + seg[8:]
    return cksum(pseudo(src, dst, 17, len(seg)) + body) or 0xffff


def tcp(src, dst, sport, dport, seq, ack, flags, win, opts=b'', data=b''):
    """A TCP segment (RFC 793) with a valid checksum."""
    hlen = 20 + len(opts)
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, (hlen // 4) << 4,
                      flags, win, 0, 0) + opts
    c = cksum(pseudo(src, dst, 6, hlen + len(data)) + hdr + data)
    return hdr[:16] + struct.pack('!H', c) + hdr[18:] + data


def icmp(itype, code, rest, data, want_csum=None, adj=None):
    """An ICMP message (RFC 792) with a valid checksum; with want_csum the two
    data bytes at adj make the checksum constant (ICMP Paris)."""
    if want_csum is not None:
        data = bytearray(data)
        data[adj:adj + 2] = b'\0\0'
        s0 = ocsum(struct.pack('!BBH', itype, code, 0) + rest + bytes(data))
        data[adj:adj + 2] = struct.pack('!H', ocadd(~want_csum & 0xffff,
                                                    ~s0 & 0xffff))
        data = bytes(data)
    m = struct.pack('!BBH', itype, code, 0) + rest + data
    c = cksum(m)
    if want_csum is not None:
        assert c == want_csum
    return m[:2] + struct.pack('!H', c) + m[4:]


def mpls_entry(label, tc, s, ttl):
    return struct.pack('!I', label << 12 | tc << 9 | s << 8 | ttl)


def icmp_ext_mpls(labels, ifinfo=None):
    """RFC 4884 extension structure holding an RFC 4950 MPLS label stack
    object, after an RFC 5837 interface information object (incoming
    interface: ifIndex and IPv4 address) when ifinfo = (ifindex, addr)."""
    objs = b''
    if ifinfo:
        body = struct.pack('!IHH', ifinfo[0], 1, 0) + aton(ifinfo[1])
        objs += struct.pack('!HBB', 4 + len(body), 2, 0x0c) + body
    entries = b''.join(mpls_entry(*l) for l in labels)
    objs += struct.pack('!HBB', 4 + len(entries), 1, 1) + entries
    ext = bytes([0x20, 0, 0, 0]) + objs
    return ext[:2] + struct.pack('!H', cksum(ext)) + ext[4:]


# ---------------------------------------------------------------- link layers

def src_of(ip):
    return '.'.join(str(b) for b in ip[12:16])


def pppoe(ppp):
    """A PPPoE session header (RFC 2516) before a PPP protocol + packet."""
    return struct.pack('!BBHH', 0x11, 0, PPPOE_SESSION, len(ppp)) + ppp


def pflog_hdr(d):
    """OpenBSD pf's 100-byte log header: pass, in or out on em0."""
    h = struct.pack('!BBBB', 100, 2, 0, 0) + b'em0'.ljust(16, b'\0') + \
        bytes(16) + struct.pack('!IIIIII', 7 if d == 'in' else 4,
                                0xffffffff, 0xffffffff, 0xffffffff,
                                0xffffffff, 0xffffffff) + \
        bytes([1 if d == 'in' else 2, 0, 2, 0]) + bytes(32 + 4)
    assert len(h) == 100
    return h


def nflog_tlv(ttype, value):
    """A netlink attribute as NFLOG carries it: length and type in the
    capturing host's byte order (little-endian here), padded to 4."""
    return pad4(struct.pack('<HH', 4 + len(value), ttype) + value)


def nflog_frame(ip, d):
    """iptables -j NFLOG --nflog-group 5 --nflog-prefix lasthop."""
    hook, ifattr = (3, 5) if d == 'out' else (1, 4)	# LOCAL_OUT / IN
    return struct.pack('!BBH', 2, 0, 5) + \
        nflog_tlv(1, struct.pack('!HBB', 0x0800, hook, 0)) + \
        nflog_tlv(ifattr, struct.pack('!I', 2)) + \
        nflog_tlv(10, b'lasthop\0') + nflog_tlv(9, ip)


# Replies that arrive with a label on the links that carry MPLS: which
# router's replies, with which label (0 is IPv4 explicit null).
PPP_IN_LABELS = {'219.158.3.1': 0, '219.158.96.2': 0}
CHDLC_IN_LABELS = {'219.158.3.1': 16, '219.158.96.2': 16,
                   '219.158.97.2': 24001}
QINQ_IN_LABELS = {'219.158.3.1': 299776, '219.158.96.2': 299792,
                  '219.158.97.2': 299808}


class Link:
    """How a capture frames an IP packet, per direction ('out' = sent by the
    vantage, 'in' = received)."""

    def __init__(self, kind):
        self.kind = kind
        self.linktype = {
            'eth': LT_EN10MB, 'vlan': LT_EN10MB, 'qinq': LT_EN10MB,
            'mpls': LT_EN10MB, 'sll': LT_SLL, 'sll2': LT_SLL2,
            'raw': LT_RAW, 'null': LT_NULL, 'ppp': LT_PPP,
            'ppp-mpls-bsd': LT_PPP, 'pppoe-vlan': LT_EN10MB,
            'ppp-ether': LT_PPP_ETHER, 'chdlc-mpls': LT_C_HDLC,
            'ppp-hdlc': LT_PPP_HDLC, 'ppp-hdlc-cisco': LT_PPP_HDLC,
            'loop': LT_LOOP, 'null-be': LT_NULL, 'sll-mpls': LT_SLL,
            'qinq-mpls-in': LT_EN10MB, 'pflog': LT_PFLOG,
            'nflog': LT_NFLOG}[kind]

    def frame(self, ip, d, ethertype=0x0800, dst_mac=None):
        k = self.kind
        src_mac, dmac = (MAC_VP, MAC_GW) if d == 'out' else (MAC_GW, MAC_VP)
        if dst_mac is not None:
            dmac = dst_mac
        if k == 'raw':
            return ip
        if k == 'null':
            return struct.pack('<I', 2) + ip	# AF_INET, little-endian host
        if k in ('null-be', 'loop'):		# big-endian host; OpenBSD loop
            return struct.pack('!I', 2) + ip
        if k == 'ppp':
            return b'\xff\x03\x00\x21' + ip
        if k == 'ppp-mpls-bsd':
            # the vantage pushes a label on every probe (RFC 3032 section
            # 4: PPP protocol 0x0281); some replies arrive labelled
            if d == 'out':
                return b'\xff\x03\x02\x81' + \
                    mpls_entry(24005, 0, 1, ip[8]) + ip
            lab = PPP_IN_LABELS.get(src_of(ip))
            if lab is None:
                return b'\xff\x03\x00\x21' + ip
            return b'\xff\x03\x02\x81' + mpls_entry(lab, 0, 1, ip[8]) + ip
        if k == 'ppp-hdlc':		# RFC 1662 framing
            return b'\xff\x03\x00\x21' + ip
        if k == 'ppp-hdlc-cisco':
            return b'\x0f\x00\x08\x00' + ip
        if k == 'chdlc-mpls':
            lab = CHDLC_IN_LABELS.get(src_of(ip)) if d == 'in' else None
            if lab is None:
                return b'\x0f\x00\x08\x00' + ip
            return b'\x0f\x00\x88\x47' + mpls_entry(lab, 0, 1, ip[8]) + ip
        if k == 'ppp-ether':
            return pppoe(b'\x00\x21' + ip)
        if k == 'pflog':
            return pflog_hdr(d) + ip
        if k == 'nflog':
            return nflog_frame(ip, d)
        if k in ('sll', 'sll-mpls'):
            ptype = 4 if d == 'out' else 0
            addr = (src_mac if d == 'out' else MAC_GW) + b'\0\0'
            body = ip
            if k == 'sll-mpls' and ethertype == 0x0800:
                if d == 'out':		# two labels: transport + service
                    ethertype, body = 0x8847, mpls_entry(17001, 0, 0, ip[8]) + \
                        mpls_entry(3017, 0, 1, ip[8]) + ip
                elif src_of(ip) != GATEWAY:	# the gateway's own: plain
                    ethertype, body = 0x8847, mpls_entry(18004, 0, 1, ip[8]) + ip
            return struct.pack('!HHH', ptype, 1, 6) + addr + \
                struct.pack('!H', ethertype) + body
        if k == 'sll2':
            ptype = 4 if d == 'out' else 0
            addr = (src_mac if d == 'out' else MAC_GW) + b'\0\0'
            return struct.pack('!HHIHBB', ethertype, 0, 2, 1, ptype, 6) + \
                addr + ip
        # Ethernet family
        if k == 'eth':
            tags = b''
        elif k == 'vlan':
            tags = struct.pack('!HH', 0x8100, 100)	# 802.1Q, VID 100
        elif k in ('qinq', 'qinq-mpls-in'):
            tags = struct.pack('!HHHH', 0x88a8, 300, 0x8100, 42)
        elif k == 'pppoe-vlan':
            tags = struct.pack('!HH', 0x8100, 7)	# the ISP's VLAN 7
        elif k == 'mpls':
            tags = b''
        f = dmac + src_mac + tags
        if k == 'mpls' and ethertype == 0x0800:
            ttl = ip[8]
            if d == 'out':		# two labels: transport + service
                f += struct.pack('!H', 0x8847) + mpls_entry(17001, 0, 0, ttl) + \
                    mpls_entry(3017, 0, 1, ttl)
            else:
                f += struct.pack('!H', 0x8847) + mpls_entry(18004, 0, 1, ttl)
            f += ip
        elif k == 'qinq-mpls-in' and d == 'in' and ethertype == 0x0800 and \
                src_of(ip) in QINQ_IN_LABELS:
            f += struct.pack('!H', 0x8847) + \
                mpls_entry(QINQ_IN_LABELS[src_of(ip)], 0, 1, ip[8]) + ip
        elif k == 'pppoe-vlan' and ethertype == 0x0800:
            f += struct.pack('!H', 0x8864) + pppoe(b'\x00\x21' + ip)
        else:
            f += struct.pack('!H', ethertype) + ip
        return f + b'\0' * max(0, 60 - len(f))		# minimum frame, no FCS


# ---------------------------------------------------------------- captures

class Capture:
    def __init__(self, name, link, snaplen=262144, fmt='pcap'):
        self.name = name
        self.link = Link(link) if isinstance(link, str) else link
        self.snaplen = snaplen
        self.fmt = fmt
        self.recs = []			# (t_ns, order, iface, frame)
        self.traces = []		# Tracer objects, for the truth file
        self.notes = {}			# frame counts by kind, for the truth
        self.ifaces = None		# pcapng: [(linktype, name, tsresol)]
        self.late_idb = None		# pcapng: write IDB 1 before this record

    def add(self, t, ip, d='in', iface=0, ethertype=0x0800, dst_mac=None,
            link=None, note=None):
        lk = link or self.link
        self.recs.append((t, len(self.recs), iface,
                          lk.frame(ip, d, ethertype, dst_mac)))
        if note:
            self.notes[note] = self.notes.get(note, 0) + 1

    def add_frame(self, t, frame, iface=0, note=None):
        self.recs.append((t, len(self.recs), iface, frame))
        if note:
            self.notes[note] = self.notes.get(note, 0) + 1

    def sorted(self):
        return sorted(self.recs, key=lambda r: (r[0], r[1]))

    def write(self, path):
        recs = self.sorted()
        with open(path, 'wb') as f:
            if self.fmt == 'pcap':
                f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0,
                                    self.snaplen, self.link.linktype))
                for t, _, _, fr in recs:
                    t += EPOCH_NS
                    assert t % US == 0, (self.name, t)
                    cap = fr[:self.snaplen]
                    f.write(struct.pack('<IIII', t // S, (t % S) // US,
                                        len(cap), len(fr)))
                    f.write(cap)
            else:
                f.write(pcapng_shb())
                for i, ifc in enumerate(self.ifaces):
                    if self.late_idb is not None and i >= 1:
                        break
                    f.write(pcapng_idb(*ifc, snaplen=self.snaplen))
                for n, (t, _, iface, fr) in enumerate(recs):
                    if self.late_idb is not None and n == self.late_idb:
                        for ifc in self.ifaces[1:]:
                            f.write(pcapng_idb(*ifc, snaplen=self.snaplen))
                    res = self.ifaces[iface][2]
                    ts = (t + EPOCH_NS) // (10 ** (9 - res))
                    assert (t + EPOCH_NS) % (10 ** (9 - res)) == 0
                    f.write(pcapng_epb(iface, ts, fr))


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


def pcapng_block(btype, body):
    n = 12 + len(body)
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)


def pcapng_opt(code, val):
    return struct.pack('<HH', code, len(val)) + pad4(val)


def pcapng_shb():
    body = struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1)
    body += pcapng_opt(4, b'lasthop make-synth.py') + pcapng_opt(0, b'')
    return pcapng_block(0x0a0d0d0a, body)


def pcapng_idb(linktype, name, tsresol, snaplen=262144):
    body = struct.pack('<HHI', linktype, 0, snaplen)
    body += pcapng_opt(2, name.encode()) + pcapng_opt(9, bytes([tsresol]))
    body += pcapng_opt(0, b'')
    return pcapng_block(1, body)


def pcapng_epb(iface, ts, frame):
    body = struct.pack('<IIIII', iface, ts >> 32, ts & 0xffffffff,
                       len(frame), len(frame)) + pad4(frame)
    return pcapng_block(6, body)


# ---------------------------------------------------------------- traceroutes

class Hop:
    """A responder on the path as the vantage sees it."""

    def __init__(self, addr, rtt_ms, rttl, qttl=1, quote='rfc792',
                 mpls=None, alt=None, ifinfo=None):
        self.addr = addr
        self.alt = alt			# ECMP: another router at this TTL
        self.ifinfo = ifinfo		# RFC 5837 object in its extension
        self.rtt = int(rtt_ms * MS)
        self.rttl = rttl		# TTL of its replies when they arrive
        self.qttl = qttl		# TTL it quotes (1, or 0 for some routers)
        self.quote = quote		# rfc792 | rfc1812 | rfc4884 | legacy
        self.mpls = mpls		# RFC 4950 labels it reports


JITTER = [0, 137 * US, -52 * US, 211 * US, 18 * US, -9 * US]

# China Unicom path to 175.45.176.71 (six hops with the destination).
CU = [
    Hop(GATEWAY, 0.412, 64, quote='rfc1812'),
    Hop('219.158.3.1', 8.231, 254),
    Hop('219.158.96.2', 31.507, 253),
    Hop('219.158.97.2', 36.044, 252, qttl=0),
    Hop('175.45.176.254', 58.912, 251, quote='rfc1812'),
]
CU_DST = Hop(NK_DST, 61.388, 59, quote='rfc1812')

# TransTeleCom path to 175.45.177.10 (five hops with the destination).
TTK = [
    Hop(GATEWAY, 0.398, 64, quote='rfc1812'),
    Hop('188.43.9.1', 12.514, 254),
    Hop('188.43.3.202', 95.306, 253),
    Hop('188.43.3.137', 141.217, 252),
]
TTK_DST = Hop(NK_DST2, 148.903, 60, quote='rfc1812')


class Probe:
    def __init__(self, tr, ttl, tx, ip, hidden):
        self.tr = tr
        self.ttl = ttl
        self.tx = tx
        self.ip = ip
        self.hidden = hidden
        self.reply = None
        self.dups = 0


class Tracer:
    """One traceroute: builds its probes the way a given tool does, the
    answers routers and the destination give, and records the truth."""

    def __init__(self, cap, style, dst=NK_DST, src=VANTAGE, seed=1, nat=None,
                 iface_out=0, iface_in=0, link_in=None, first_seq=None,
                 mbox_after=None, mbox='rewrite', reply_only=False):
        self.cap = cap
        self.style = style
        self.src = src
        self.dst = dst
        self.rng = LCG(seed)
        self.nat = nat				# None | 'ipid' | 'udpcsum'
        # A middlebox between hop mbox_after and the next: the quotes of
        # every router past it show the probe as it left the middlebox:
        # 'rewrite' (a new IP ID and transport checksum, ports and echo
        # fields kept) or 'reassemble' (fragments joined into one datagram
        # with a new IP ID).
        self.mbox_after = mbox_after
        self.mbox = mbox
        # The capture holds the replies only (an 'icmp' filter, a tap on
        # the return path): the probes are sent but not recorded.
        self.reply_only = reply_only
        self.ambiguous = 0
        self.iface_out = iface_out
        self.iface_in = iface_in
        self.link_in = link_in
        self.n = 0
        self.probes = []
        self.orphans = 0
        self.stop = None
        self.pid = self.rng.u16(1000, 32000)
        self.ipid = self.rng.u16()
        self.first_seq = first_seq
        cap.traces.append(self)

    # -- probes
    def method(self):
        return {'udp': 'udp', 'udp-bsd': 'udp', 'udp-frag': 'udp',
                'lasthop-udp': 'udp-paris',
                'dublin': 'udp-paris', 'icmp': 'icmp', 'mtr': 'icmp',
                'windows': 'icmp', 'icmp-paris': 'icmp-paris',
                'tcptraceroute': 'tcp-syn', 'tcp-ack': 'tcp-ack'}[self.style]

    def build(self, ttl):
        k = self.n
        self.n += 1
        st, src, dst = self.style, self.src, self.dst
        if st == 'udp':			# Linux traceroute: a socket per probe
            ipid = self.rng.u16()
            sport = self.rng.u16(32768, 60999)
            data = bytes(0x40 + i for i in range(32))
            return [ip4(src, dst, 17, udp(src, dst, sport, 33434 + k, data),
                        ttl, ipid)]
        if st == 'udp-frag':		# Linux traceroute, packetlen 2000
            ipid = self.rng.u16()
            sport = self.rng.u16(32768, 60999)
            data = bytes((0x40 + i) & 0xff for i in range(2000 - 28))
            seg = udp(src, dst, sport, 33434 + k, data)
            f1 = ip4(src, dst, 17, seg[:1480], ttl, ipid, mf=True)
            f2 = ip4(src, dst, 17, seg[1480:], ttl, ipid, frag=1480 // 8)
            return [f1, f2]
        if st == 'lasthop-udp':	# lasthop: Paris, UDP length = TTL mod 64
            self.ipid = (self.ipid + 1) & 0xffff
            plen = 32 + ((ttl - 40) % 64)
            data = b'lhop\x01u' + bytes(plen - 6)
            return [ip4(src, dst, 17, udp(src, dst, 47123, 33461, data,
                                          want_csum=0x1000 + k, adj=6),
                        ttl, self.ipid)]
        if st == 'udp-bsd':		# BSD/macOS: one source port, dport+1
            sport = 0x8000 | self.pid
            self.ipid = (self.ipid + 1) & 0xffff
            data = bytes([k + 1, ttl]) + struct.pack('!II', 1767225600, k) + \
                bytes(14)
            return [ip4(src, dst, 17, udp(src, dst, sport, 33435 + k, data),
                        ttl, self.ipid)]
        if st == 'dublin':		# constant flow, IP ID = UDP checksum
            ident = (0x6d3a + 7 * k) & 0xffff
            data = b'NSMNC\x00' + b'\0\0'
            seg = udp(src, dst, 12345, 33434, data, want_csum=ident, adj=6)
            return [ip4(src, dst, 17, seg, ttl, ident)]
        if st == 'icmp':		# Linux traceroute -I
            ipid = self.rng.u16()
            data = bytes(0x40 + i for i in range(32))
            msg = icmp(8, 0, struct.pack('!HH', self.pid, k + 1), data)
            return [ip4(src, dst, 1, msg, ttl, ipid)]
        if st == 'mtr':			# mtr: id = pid, seq from 33000
            ipid = self.rng.u16()
            data = bytes(36)
            msg = icmp(8, 0, struct.pack('!HH', self.pid, 33000 + k), data)
            return [ip4(src, dst, 1, msg, ttl, ipid)]
        if st == 'icmp-paris':		# scamper: constant checksum
            ipid = self.rng.u16()
            data = bytes(16)
            msg = icmp(8, 0, struct.pack('!HH', self.pid, 1 + k), data,
                       want_csum=0x3a7e, adj=0)
            return [ip4(src, dst, 1, msg, ttl, ipid)]
        if st == 'windows':		# tracert: id 1, seq rising, 64 zeros
            self.ipid = (self.ipid + 1) & 0xffff
            seq = (self.first_seq or 0x0a21) + k
            msg = icmp(8, 0, struct.pack('!HH', 1, seq), bytes(64))
            return [ip4(src, dst, 1, msg, ttl, self.ipid)]
        if st == 'tcptraceroute':	# constant ports and seq, IP ID varies
            ipid = self.rng.u16()
            seg = tcp(src, dst, 51234, 80, 0x5c0ffee1, 0, 0x02, 5840)
            return [ip4(src, dst, 6, seg, ttl, ipid, df=True)]
        if st == 'tcp-ack':		# ACK probes: the ack number varies
            ipid = self.rng.u16()
            seg = tcp(src, dst, 43210, 80, 0x1234abcd, 0x0badf000 + k, 0x10,
                      1024)
            return [ip4(src, dst, 6, seg, ttl, ipid, df=True)]
        raise ValueError(st)

    def send(self, ttl, t, hidden=False):
        pkts = self.build(ttl)
        p = Probe(self, ttl, t, pkts[0], hidden)
        p.frags = pkts
        p.size = 20 + sum(len(x) - 20 for x in pkts)
        if not hidden:
            for i, ip in enumerate(pkts):
                if self.reply_only:
                    break
                self.cap.add(t + i * 12 * US, ip, 'out', iface=self.iface_out,
                             note='fragment' if i else None)
            self.probes.append(p)
        return p

    # -- answers
    def _mbox(self, p):
        """The probe as it leaves the middlebox, or None if it did not pass
        one."""
        if self.mbox_after is None or p.ttl <= self.mbox_after:
            return None
        p.rewritten = True
        ipid = ((p.ip[4] << 8 | p.ip[5]) * 40503 + 0x3c6e) & 0xffff
        if self.mbox == 'reassemble':
            seg = b''.join(x[20:] for x in p.frags)
            return ip4(self.src, self.dst, p.ip[9], seg, p.ip[8], ipid)
        ip = bytearray(ip_fix(p.ip, ipid=ipid))
        ck = {17: 26, 1: 22}.get(ip[9])		# UDP, ICMP checksum
        if ck is not None:
            ip[ck] ^= 0x5a
            ip[ck + 1] ^= 0xa5
        return bytes(ip)

    def _quote(self, p, hop):
        q = ip_fix(self._mbox(p) or p.ip, ttl=hop.qttl)
        if self.nat == 'ipid':		# the NAT changed the ID on the way out
            q = ip_fix(q, ipid=(p.ip[4] << 8 | p.ip[5]) ^ 0x5a5a)
        elif self.nat == 'udpcsum':	# ... and left its checksum in the quote
            seg = p.ip[20:]
            c = udp_csum_for(NAT_PUBLIC, self.dst, seg)
            q = q[:26] + struct.pack('!H', c) + q[28:]
        if hop.quote == 'rfc792':
            return q[:28]
        if hop.quote in ('rfc4884', 'legacy'):
            q = q[:128]
            return q + bytes(128 - len(q))
        return q[:576 - 28]		# RFC 1812: as much as fits in 576

    def _answer(self, p, t, ip, kind, rtype=None, rcode=None, mpls=None,
                quoted_ttl=None, d='in'):
        self.cap.add(t, ip, d, iface=self.iface_in, link=self.link_in)
        if p.hidden:
            self.orphans += 1
            return
        if p.reply is not None:
            p.dups += 1
            return
        p.reply = {'addr': '.'.join(str(b) for b in ip[12:16]),
                   'rx': t, 'kind': kind, 'type': rtype, 'code': rcode,
                   'reply_ttl': ip[8], 'quoted_ttl': quoted_ttl,
                   'reply_size': len(ip), 'mpls': mpls or [],
                   'nat': (self.nat is not None or
                           getattr(p, 'rewritten', False)) and kind in (
                       'time-exceeded', 'unreachable')}

    def _error(self, p, hop, itype, code):
        q = self._quote(p, hop)
        lenfield, ext = 0, b''
        if hop.quote == 'rfc4884':
            lenfield, ext = len(q) // 4, icmp_ext_mpls(hop.mpls, hop.ifinfo)
        elif hop.quote == 'legacy':
            ext = icmp_ext_mpls(hop.mpls, hop.ifinfo)
        msg = icmp(itype, code, bytes([0, lenfield, 0, 0]), q + ext)
        ip = ip4(hop.addr, self.src, 1, msg, hop.rttl, self.rng.u16())
        return ip

    def te(self, p, hop, t):
        """ICMP time exceeded in transit from hop at time t."""
        ip = self._error(p, hop, 11, 0)
        self._answer(p, t, ip, 'time-exceeded', 11, 0, hop.mpls, hop.qttl)

    def unreach(self, p, hop, t, code):
        ip = self._error(p, hop, 3, code)
        self._answer(p, t, ip, 'unreachable', 3, code, hop.mpls, hop.qttl)

    def dst_answer(self, p, hop, t):
        """What the destination answers to a probe that reached it."""
        st = self.style
        ip = p.ip
        if st in ('udp', 'udp-bsd', 'dublin', 'udp-frag', 'lasthop-udp'):
            if st == 'udp-frag' and self.mbox_after is None:
                # it quotes the reassembled datagram
                seg = b''.join(x[20:] for x in p.frags)
                ip = ip4(self.src, self.dst, 17, seg, p.ttl, p.ip[4] << 8 |
                         p.ip[5])
            # it quotes the probe as it arrived: TTL 1 at the exact
            # distance, more when the probe was sent past it
            h = Hop(hop.addr, 0, hop.rttl, qttl=p.ttl - (self.hops_to_dst - 1),
                    quote=hop.quote)
            pp = Probe(self, p.ttl, p.tx, ip, p.hidden)
            pp.frags = p.frags
            q = self._quote(pp, h)
            if getattr(pp, 'rewritten', False):
                p.rewritten = True
            if st == 'udp-frag' and self.mbox == 'reassemble' and \
                    not pp.rewritten:
                pass
            msg = icmp(3, 3, bytes(4), q)
            r = ip4(hop.addr, self.src, 1, msg, hop.rttl, self.rng.u16())
            self._answer(p, t, r, 'unreachable', 3, 3, None, h.qttl)
        elif st in ('icmp', 'mtr', 'icmp-paris', 'windows'):
            icm = ip[20:]
            msg = icmp(0, 0, icm[4:8], icm[8:])
            r = ip4(hop.addr, self.src, 1, msg, hop.rttl, self.rng.u16())
            self._answer(p, t, r, 'echo-reply', 0, 0)
        elif st == 'tcptraceroute':
            seq = struct.unpack('!I', ip[24:28])[0]
            seg = tcp(self.dst, self.src, 80, 51234, 0x7e5a0001, seq + 1,
                      0x12, 29200, opts=bytes.fromhex('020405b4'))
            r = ip4(hop.addr, self.src, 6, seg, hop.rttl, 0, df=True)
            self._answer(p, t, r, 'tcp-syn-ack')
            # our kernel knows no such connection: it resets it
            rst = tcp(self.src, self.dst, 51234, 80, seq + 1, 0, 0x04, 0)
            self.cap.add(t + 45 * US, ip4(self.src, self.dst, 6, rst, 64, 0,
                                           df=True), 'out')
        elif st == 'tcp-ack':
            ack = struct.unpack('!I', ip[28:32])[0]
            seg = tcp(self.dst, self.src, 80, 43210, ack, 0, 0x04, 0)
            r = ip4(hop.addr, self.src, 6, seg, hop.rttl, 0, df=True)
            self._answer(p, t, r, 'tcp-rst')
        else:
            raise ValueError(st)

    # -- truth
    def truth(self):
        hops = {}
        for p in self.probes:
            hops.setdefault(p.ttl, []).append(p)
        out = []
        for ttl in sorted(hops):
            ps = sorted(hops[ttl], key=lambda x: x.tx)
            if self.reply_only:
                # What a reader can know: the answered probes, rebuilt from
                # their replies, in the order the replies came.
                ps = sorted((p for p in ps if p.reply is not None),
                            key=lambda x: x.reply['rx'])
                if not ps:
                    continue
            pj = []
            for p in ps:
                r = p.reply
                e = {'sent_ns': p.tx, 'ipid': p.ip[4] << 8 | p.ip[5],
                     'size': p.size}
                if self.reply_only:
                    e['sent_ns'] = None
                    if r['kind'] == 'echo-reply':	# no quote: no IP header
                        e['ipid'] = e['size'] = None
                if r is None:
                    e['addr'] = None
                else:
                    e.update(addr=r['addr'],
                             rtt_us=None if self.reply_only else
                             (r['rx'] - p.tx) // US,
                             reply=r['kind'], reply_ttl=r['reply_ttl'],
                             reply_size=r['reply_size'],
                             late=not self.reply_only and
                             (r['rx'] - p.tx) > LATE_NS, nat=r['nat'],
                             dups=p.dups, mpls=r['mpls'])
                    if r['type'] is not None:
                        e.update(icmp_type=r['type'], icmp_code=r['code'])
                    if r['quoted_ttl'] is not None:
                        e['quoted_ttl'] = r['quoted_ttl']
                pj.append(e)
            out.append({'ttl': ttl, 'probes': pj})
        tj = {'src': self.src, 'dst': self.dst, 'method': self.method(),
              'stop_reason': self.stop, 'unmatched_replies': self.orphans,
              'ambiguous_replies': self.ambiguous, 'hops': out}
        if self.reply_only:
            tj['reply_only'] = True
        return tj


def answer(tr, p, path, dst, t, ttl):
    """The normal answer to probe p at ttl: time exceeded from the router at
    that distance, or the destination's answer.  Returns the reply time."""
    jit = JITTER[len(tr.probes) % len(JITTER)]
    if ttl <= len(path):
        hop = path[ttl - 1]
        if hop.alt and len(tr.probes) % 2 == 0:	# the other ECMP branch
            hop = Hop(hop.alt, (hop.rtt + 1234 * US) / MS, hop.rttl,
                      hop.qttl, hop.quote, hop.mpls)
        t += hop.rtt + jit
        tr.te(p, hop, t)
    else:
        t += dst.rtt + jit
        tr.dst_answer(p, dst, t)
    return t


def run(tr, path, dst, t, ttls=None, nq=3, gap=30 * US, wait=5 * S,
        silent=(), hook=None, pace=None):
    """A sequential traceroute: nq probes per TTL, each sent when the last
    was answered (or after wait), or every `pace` ns when pace is given.
    silent: set of (ttl, q) left unanswered; hook(tr, p, ttl, q, t) may
    answer itself and return the reply time (or None for the default
    answer).  Returns the time after the last packet."""
    tr.hops_to_dst = len(path) + 1
    ttls = ttls or range(1, len(path) + 2)
    for ttl in ttls:
        for q in range(nq):
            p = tr.send(ttl, t)
            rx = hook(tr, p, ttl, q, t) if hook else None
            if rx is None and (ttl, q) in silent:
                t += wait
                continue
            if rx is None:
                rx = answer(tr, p, path, dst, t, ttl)
            t = t + pace if pace else rx + gap
    return t


# ---------------------------------------------------------------- noise

def noise_dns(cap, t, qid, name, rng, server=GATEWAY, ttl=64, ans=True):
    qname = b''.join(bytes([len(x)]) + x.encode() for x in name.split('.'))
    qname += b'\0'
    qtype = 12 if name.endswith('in-addr.arpa') else 1
    q = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + qname + \
        struct.pack('!HH', qtype, 1)
    sport = rng.u16(32768, 60999)
    cap.add(t, ip4(VANTAGE, server, 17, udp(VANTAGE, server, sport, 53, q),
                   ttl, rng.u16()), 'out', note='dns')
    if ans:
        r = struct.pack('!HHHHHH', qid, 0x8183, 1, 0, 0, 0) + qname + \
            struct.pack('!HH', qtype, 1)	# NXDOMAIN
        cap.add(t + 2 * MS, ip4(server, VANTAGE, 17,
                                udp(server, VANTAGE, 53, sport, r), 64,
                                rng.u16()), 'in', note='dns')


def noise_tls(cap, t, rng):
    """A short TLS connection to 93.184.216.34:443 (handshake and close)."""
    a, b, sp = VANTAGE, '93.184.216.34', 50512
    cs, ss = 0x1f3a5c01, 0x9b0e2207
    opts = bytes.fromhex('020405b40402080a0001e2400000000001030307')
    sopts = bytes.fromhex('020405b40402080a3b9aca000001e24001030307')
    hello = bytes.fromhex('1603010050010000') + bytes(76)
    shello = bytes.fromhex('1603030040020000') + bytes(60)

    def out(dt, seq, ack, fl, data=b'', o=b''):
        cap.add(t + dt, ip4(a, b, 6, tcp(a, b, sp, 443, seq, ack, fl, 502,
                                          o, data), 64, rng.u16(), df=True),
                'out', note='tls')

    def inn(dt, seq, ack, fl, data=b'', o=b''):
        cap.add(t + dt, ip4(b, a, 6, tcp(b, a, 443, sp, seq, ack, fl, 65160,
                                          o, data), 52, rng.u16(), df=True),
                'in', note='tls')
    out(0, cs, 0, 0x02, o=opts)
    inn(41 * MS, ss, cs + 1, 0x12, o=sopts)
    out(41 * MS + 60 * US, cs + 1, ss + 1, 0x10)
    out(41 * MS + 300 * US, cs + 1, ss + 1, 0x18, hello)
    inn(82 * MS, ss + 1, cs + 1 + len(hello), 0x10)
    inn(83 * MS, ss + 1, cs + 1 + len(hello), 0x18, shello)
    out(83 * MS + 80 * US, cs + 1 + len(hello), ss + 1 + len(shello), 0x10)
    out(90 * MS, cs + 1 + len(hello), ss + 1 + len(shello), 0x11)
    inn(131 * MS, ss + 1 + len(shello), cs + 2 + len(hello), 0x11)
    out(131 * MS + 50 * US, cs + 2 + len(hello), ss + 2 + len(shello), 0x10)


def noise_arp(cap, t):
    arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + MAC_VP + aton(VANTAGE) + \
        bytes(6) + aton(GATEWAY)
    cap.add_frame(t, MAC_BCAST + MAC_VP + b'\x08\x06' + arp + bytes(18),
                  note='not_ipv4')
    rep = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) + MAC_GW + aton(GATEWAY) + \
        MAC_VP + aton(VANTAGE)
    cap.add_frame(t + 300 * US, MAC_VP + MAC_GW + b'\x08\x06' + rep + bytes(18),
                  note='not_ipv4')


def noise_ipv6(cap, t):
    """An ICMPv6 neighbor solicitation (valid checksum)."""
    src = bytes.fromhex('fe80000000000000005e00fffe000002')
    tgt = bytes.fromhex('fe80000000000000005e00fffe000001')
    dst = bytes.fromhex('ff0200000000000000000001ff000001')
    body = struct.pack('!BBHI', 135, 0, 0, 0) + tgt + bytes([1, 1]) + MAC_VP
    ph = src + dst + struct.pack('!I', len(body)) + b'\0\0\0\x3a'
    body = body[:2] + struct.pack('!H', cksum(ph + body)) + body[4:]
    ip6 = struct.pack('!IHBB', 0x60000000, len(body), 58, 255) + src + dst
    cap.add_frame(t, bytes.fromhex('3333ff000001') + MAC_VP + b'\x86\xdd' +
                  ip6 + body, note='not_ipv4')


def noise_broadcast(cap, t, rng):
    """NetBIOS and DHCP broadcasts from other hosts on the segment."""
    mac = bytes.fromhex('02005e000007')
    nb = bytes.fromhex('1102') + bytes(30)
    ip = ip4('100.64.0.7', '100.64.0.255', 17,
             udp('100.64.0.7', '100.64.0.255', 138, 138, nb), 128, rng.u16())
    cap.add_frame(t, MAC_BCAST + mac + b'\x08\x00' + ip, note='broadcast')
    dh = bytes([1, 1, 6, 0]) + struct.pack('!I', 0x3903f326) + bytes(20) + \
        mac + bytes(10 + 192) + bytes.fromhex('63825363350101ff')
    ip = ip4('0.0.0.0', '255.255.255.255', 17,
             udp('0.0.0.0', '255.255.255.255', 68, 67, dh), 64, rng.u16())
    cap.add_frame(t + 7 * MS, MAC_BCAST + mac + b'\x08\x00' + ip,
                  note='broadcast')


# ---------------------------------------------------------------- cases

def linux_udp_burst(cap, tr, path, dst, t0, nq=3, sim=16):
    """Linux traceroute's default: up to 16 probes in flight, a new one sent
    as each answer arrives; stops at the destination's TTL."""
    tr.hops_to_dst = len(path) + 1
    order = [(ttl, q) for ttl in range(1, len(path) + 2) for q in range(nq)]
    events = []				# (reply time, probe index)
    t = t0
    sent = 0
    while sent < min(sim, len(order)):
        ttl, q = order[sent]
        p = tr.send(ttl, t)
        events.append(answer(tr, p, path, dst, t, ttl))
        sent += 1
        t += 23 * US
    events.sort()
    i = 0
    while sent < len(order):
        t = events[i] + 41 * US
        i += 1
        ttl, q = order[sent]
        p = tr.send(ttl, t)
        events.append(answer(tr, p, path, dst, t, ttl))
        events.sort()
        sent += 1
    return max(events)


def case_sll(name):
    """Linux traceroute (UDP), 16 probes in flight; hop 3 is two ECMP
    routers (219.158.96.2, 219.158.96.6), the per-probe ports pick one."""
    cap = Capture(name, 'sll')
    tr = Tracer(cap, 'udp', seed=11)
    path = list(CU)
    path[2] = Hop('219.158.96.2', 31.507, 253, alt='219.158.96.6')
    linux_udp_burst(cap, tr, path, CU_DST, 120 * MS)
    tr.stop = 'completed'
    return cap


def case_sll2(name):
    cap = Capture(name, 'sll2')
    tr = Tracer(cap, 'icmp', seed=12)
    run(tr, CU, CU_DST, 100 * MS)
    tr.stop = 'completed'
    return cap


def case_raw(name):
    """Dublin traceroute style: one Paris flow, all TTLs sent at once, the
    destination answers TTLs 6, 7 and 8 (the last two past it)."""
    cap = Capture(name, 'raw')
    tr = Tracer(cap, 'dublin', seed=13)
    tr.hops_to_dst = 6
    t = 200 * MS
    for ttl in range(1, 9):
        p = tr.send(ttl, t + (ttl - 1) * 150 * US)
    for p in list(tr.probes):
        ttl = p.ttl
        if ttl <= len(CU):
            hop = CU[ttl - 1]
            tr.te(p, hop, p.tx + hop.rtt + JITTER[ttl % 6])
        else:
            tr.dst_answer(p, CU_DST, p.tx + CU_DST.rtt + JITTER[ttl % 6])
    tr.stop = 'completed'
    tr.past_dst = 2
    return cap


def case_null(name):
    cap = Capture(name, 'null')
    tr = Tracer(cap, 'udp-bsd', seed=14)
    run(tr, CU[:4], Hop(NK_DST, 59.102, 60, quote='rfc1812'), 50 * MS)
    tr.stop = 'completed'
    return cap


def case_ppp(name):
    cap = Capture(name, 'ppp')
    tr = Tracer(cap, 'tcptraceroute', seed=15)
    dst = Hop(NK_DST, 62.005, 59)
    run(tr, CU, dst, 300 * MS)
    tr.stop = 'completed'
    return cap


def case_vlan(name):
    """mtr -c 3: rounds of one probe per TTL; the first round overshoots."""
    cap = Capture(name, 'vlan')
    tr = Tracer(cap, 'mtr', seed=16)
    tr.hops_to_dst = 6
    t = 80 * MS
    for rnd in range(3):
        last = 7 if rnd == 0 else 6
        for ttl in range(1, last + 1):
            p = tr.send(ttl, t)
            answer(tr, p, CU, CU_DST, t, ttl)
            t += 100 * MS
        t += 400 * MS
    tr.stop = 'completed'
    tr.past_dst = 1
    return cap


def case_qinq(name):
    cap = Capture(name, 'qinq')
    tr = Tracer(cap, 'icmp-paris', seed=17)
    run(tr, CU, CU_DST, 60 * MS, nq=2)
    tr.stop = 'completed'
    return cap


MPLS_PATH = [
    Hop(GATEWAY, 0.412, 64, quote='rfc1812'),
    Hop('219.158.3.1', 8.231, 254, quote='rfc4884',
        mpls=[(300112, 0, 1, 1)]),
    Hop('219.158.96.2', 31.507, 253, quote='rfc4884',
        mpls=[(16005, 0, 0, 1), (24017, 0, 1, 1)]),
    Hop('219.158.97.2', 36.044, 252, quote='rfc4884', qttl=0,
        mpls=[(299856, 5, 1, 1)], ifinfo=(37, '219.158.97.1')),
    Hop('175.45.176.254', 58.912, 251, quote='rfc1812'),
]


def legacy_path():
    return [Hop(h.addr, h.rtt / MS, h.rttl, h.qttl,
                'legacy' if h.quote == 'rfc4884' else h.quote, h.mpls)
            for h in MPLS_PATH]


def case_mpls_link(name):
    cap = Capture(name, 'mpls')
    tr = Tracer(cap, 'udp', seed=18)
    run(tr, CU, CU_DST, 70 * MS)
    tr.stop = 'completed'
    return cap


def case_mpls_ext(name):
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'icmp', seed=19)
    run(tr, MPLS_PATH, CU_DST, 90 * MS)
    tr.stop = 'completed'
    return cap


def case_mpls_legacy(name):
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=20)
    run(tr, legacy_path(), CU_DST, 90 * MS)
    tr.stop = 'completed'
    return cap


def case_nat_ipid(name):
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=21, nat='ipid')
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_nat_udpcsum(name):
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=22, nat='udpcsum')
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_snap96(name):
    """tcpdump -s 96: full RFC 1812 quotes and an RFC 4884 extension cut off;
    the 8 transport bytes of every quote survive."""
    cap = Capture(name, 'eth', snaplen=96)
    tr = Tracer(cap, 'udp', seed=23)
    path = [MPLS_PATH[0], MPLS_PATH[1], CU[2], CU[3], CU[4]]
    run(tr, path, CU_DST, 40 * MS)
    tr.stop = 'completed'
    for p in tr.probes:		# the extension is not in the capture
        if p.reply:
            p.reply['mpls'] = []
    return cap


def case_snap68(name):
    """tcpdump -s 68 on Ethernet: every quote keeps only 6 transport bytes
    (ports and UDP length, no checksum); the ports still tell the probes
    apart, as they do for traceroute itself."""
    cap = Capture(name, 'eth', snaplen=68)
    tr = Tracer(cap, 'udp', seed=24)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_snap68_icmp(name):
    """tcpdump -s 68 on Ethernet with traceroute -I: every quote keeps 6
    bytes of the echo request (type, code, checksum, identifier), not the
    sequence number.  The quote still holds the probe's IP ID and its ICMP
    checksum (which the sequence number determines): together they single
    out one probe of the flow, so every reply is matched, and not as a NAT
    match (nothing was rewritten; bytes are missing)."""
    cap = Capture(name, 'eth', snaplen=68)
    tr = Tracer(cap, 'icmp', seed=43)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_fragments(name):
    """Linux traceroute with packetlen 2000: every probe leaves as a first
    fragment (MF, 1500 bytes) and a second one (offset 1480, 520 bytes);
    routers quote the first fragment, the destination the reassembled
    datagram."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp-frag', seed=25)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_mbox_udp(name):
    """Linux traceroute (UDP) behind a middlebox past the gateway that gives
    every probe a new IP ID and a new UDP checksum (a firewall's random
    IDs, a NAT's checksum), keeping the ports: every quote past hop 1 shows
    both rewritten, the destination port still names its probe."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=51, mbox_after=1)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_mbox_tracert(name):
    """Windows tracert behind the same middlebox: IP ID and ICMP checksum
    rewritten past hop 1, the echo identifier and sequence kept."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'windows', seed=52, mbox_after=1)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_mbox_dublin(name):
    """Dublin traceroute (one Paris flow, TTLs 1-8 at once, the IP ID and
    the UDP checksum are its only per-probe fields) behind the middlebox:
    past hop 1 nothing in a quote tells the probes of the flow apart, so
    those replies are ambiguous, never guessed onto a TTL."""
    cap = Capture(name, 'raw')
    tr = Tracer(cap, 'dublin', seed=53, mbox_after=1)
    tr.hops_to_dst = len(CU) + 1
    t = 50 * MS
    ps = [tr.send(ttl, t + (ttl - 1) * 40 * US) for ttl in range(1, 9)]
    for p in ps:
        rx = answer(tr, p, CU, CU_DST, p.tx, p.ttl)
        if p.ttl > 1 and p.reply is not None:
            p.reply = None		# what a reader can tell
            tr.ambiguous += 1
        del rx
    tr.stop = 'completed'	# the destination's answers are ambiguous too
    return cap


def case_mbox_reassembled(name):
    """Linux traceroute with packetlen 2000 behind a middlebox past the
    gateway that reassembles the fragments and forwards one datagram with
    a new IP ID: hop 1 quotes the first fragment, every later router and
    the destination the whole 2000-byte datagram under the other ID."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp-frag', seed=54, mbox_after=1, mbox='reassemble')
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_frag_each(name):
    """Linux traceroute with packetlen 2000 where every router expires both
    fragments of a probe and answers each: one time exceeded quotes the
    first fragment, one the second (no transport header in it)."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp-frag', seed=55)
    tr.frag_replies = 0

    def hook(tr_, p, ttl, q, t):
        rx = answer(tr_, p, CU, CU_DST, t, ttl)
        if ttl <= len(CU):
            hop = CU[ttl - 1]
            f2 = Probe(tr_, ttl, p.tx, p.frags[1], False)
            ip = tr_._error(f2, hop, 11, 0)
            cap.add(rx + 25 * US, ip, 'in')
            tr_.frag_replies += 1
            rx += 25 * US
        return rx
    run(tr, CU, CU_DST, 40 * MS, hook=hook)
    tr.stop = 'completed'
    return cap


def case_reply_only(name, style, link='eth', silent=(), seed=60, **kw):
    """A capture of the replies only: the probes of `style` are sent, but
    the capture (an 'icmp' filter, a tap on the return path) holds none of
    them.  TTLs come from what the replies quote."""
    cap = Capture(name, link)
    tr = Tracer(cap, style, seed=seed, reply_only=True, **kw)
    run(tr, CU, CU_DST, 40 * MS, silent=silent, wait=1 * S)
    tr.stop = 'completed'
    return cap


def case_reply_only_mtr(name):
    """mtr -c 3 with an 'icmp' capture filter: its probes are ICMP too, so
    the filter keeps them; with 'icmp[0] != 8' it does not: replies only,
    one probe per TTL per round, the sequence running on across rounds."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'mtr', seed=61, reply_only=True)
    tr.hops_to_dst = len(CU) + 1
    t = 40 * MS
    for rnd in range(3):
        for ttl in range(1, 7 + (rnd == 0)):
            p = tr.send(ttl, t)
            answer(tr, p, CU, CU_DST, t, ttl)
            t += 1 * MS
        t += 1 * S
    tr.past_dst = 1
    tr.stop = 'completed'
    return cap


def case_reply_only_unplaced(name):
    """tcptraceroute's replies alone: constant ports and sequence number,
    a random IP ID: nothing tells their TTLs, so none is placed."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'tcptraceroute', seed=62, reply_only=True)
    run(tr, CU, CU_DST, 40 * MS)
    for p in tr.probes:
        if p.reply is not None:
            tr.orphans += 1
        p.reply = None
    tr.probes = []
    tr.stop = 'capture ended'
    return cap


def case_dup(name):
    """219.158.96.2 (hop 3) answers its second probe twice, 180 us apart."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=26)

    def hook(tr_, p, ttl, q, t):
        if (ttl, q) != (3, 1):
            return None
        rx = answer(tr_, p, CU, CU_DST, t, ttl)
        tr_.te(p, CU[2], rx + 180 * US)
        return rx + 180 * US
    run(tr, CU, CU_DST, 40 * MS, hook=hook)
    tr.stop = 'completed'
    return cap


def case_late(name):
    """219.158.96.2 answers the second TTL-3 probe 7 s late, after the
    probes of TTLs 4-6 and the destination's answers."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=27)

    def hook(tr_, p, ttl, q, t):
        if (ttl, q) != (3, 1):
            return None
        tr_.te(p, CU[2], t + 7 * S + 12 * MS)
        return t + 5 * S		# traceroute gave up after -w 5
    end = run(tr, CU, CU_DST, 40 * MS, hook=hook)
    assert end < tr.probes[7].tx + 7 * S
    tr.stop = 'completed'
    return cap


def case_started_late(name):
    """The capture starts after the TTL-1 probes were sent: the gateway's
    answers to them quote probes that are not in the capture (one arrives
    before any captured probe, two after); the trace starts at TTL 2."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp-bsd', seed=28)
    tr.hops_to_dst = 6
    t = 0
    hidden = [tr.send(1, t + i * 5 * MS, hidden=True) for i in range(3)]
    tr.te(hidden[0], CU[0], 10 * MS + 412 * US)	# before the first probe
    t = 11 * MS
    p = tr.send(2, t)
    tr.te(hidden[1], CU[0], t + 200 * US)		# delayed by the gateway
    tr.te(hidden[2], CU[0], t + 700 * US)
    tr.te(p, CU[1], t + CU[1].rtt)
    t += CU[1].rtt + 30 * US
    # the remaining probes of TTL 2, then 3..6
    for ttl in range(2, 7):
        for q in range(1 if ttl == 2 else 0, 3):
            p = tr.send(ttl, t)
            t = answer(tr, p, CU, CU_DST, t, ttl) + 30 * US
    tr.stop = 'completed'
    return cap


def case_interleaved(name):
    """Linux traceroute (UDP, to 175.45.176.71 via China Unicom) and
    traceroute -I (ICMP, to 175.45.177.10 via TransTeleCom) at once, their
    packets interleaved one by one, amid DNS, TLS, ARP, IPv6 and broadcast
    noise."""
    cap = Capture(name, 'eth')
    rng = LCG(29)
    a = Tracer(cap, 'udp', seed=30)
    b = Tracer(cap, 'icmp', dst=NK_DST2, seed=31)
    # the same pacing for both: b's packets fall between a's
    # a probe every 160 ms each, b 230 us after a: probe a, probe b,
    # answer a, answer b, ... (every RTT is below 160 ms)
    run(a, CU, CU_DST, 100 * MS, pace=160 * MS)
    run(b, TTK, TTK_DST, 100 * MS + 230 * US, pace=160 * MS)
    a.stop = b.stop = 'completed'
    noise_arp(cap, 20 * MS)
    noise_dns(cap, 60 * MS, 0x2b1c, 'kcna.kp', rng)
    noise_dns(cap, 61 * MS, 0x2b1d, 'rodong.rep.kp', rng)
    noise_tls(cap, 450 * MS, rng)
    noise_ipv6(cap, 1300 * MS)
    noise_broadcast(cap, 2100 * MS, rng)
    noise_dns(cap, 3000 * MS, 0x2b1e, '71.176.45.175.in-addr.arpa', rng)
    noise_arp(cap, 3500 * MS)
    return cap


def case_tracert(name):
    """Windows tracert (with name lookups): ICMP echo, id 1, seq rising,
    64 zero bytes, 3 probes per TTL, echo replies from the target; a DNS
    PTR query (TTL 128) after each hop."""
    cap = Capture(name, 'eth')
    rng = LCG(32)
    tr = Tracer(cap, 'windows', seed=33, first_seq=0x0c3b)
    t = 30 * MS
    dst = Hop(NK_DST, 61.388, 59)
    path = CU
    tr.hops_to_dst = 6
    for ttl in range(1, 7):
        for q in range(3):
            p = tr.send(ttl, t)
            t = answer(tr, p, path, dst, t, ttl) + 1 * MS
        addr = (path[ttl - 1].addr if ttl <= len(path) else dst.addr)
        rev = '.'.join(reversed(addr.split('.'))) + '.in-addr.arpa'
        tr_dns_id = 0x100 + ttl
        noise_dns(cap, t + 1 * MS, tr_dns_id, rev, rng, ttl=128)
        t += 20 * MS
    tr.stop = 'completed'
    return cap


def case_tracert_timeouts(name):
    """tracert -d -h 15: hop 2 drops one probe, hop 4 never answers (* * *),
    hops 7-15 time out ("Request timed out."); 4 s per timeout."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'windows', seed=34, first_seq=0x2e01)
    path = [CU[0], CU[1], CU[2], None, CU[3], CU[4]]
    t = 30 * MS
    for ttl in range(1, 16):
        for q in range(3):
            p = tr.send(ttl, t)
            hop = path[ttl - 1] if ttl <= len(path) else None
            if hop is None or (ttl, q) == (2, 1):
                t += 4 * S
                continue
            t = answer(tr, p, path, None, t, ttl) + 1 * MS
    tr.stop = 'gap limit'
    return cap


def case_pcapng_2if(name, late_idb=False):
    """pcapng, two interfaces of different link types: probes leave on eth0
    (Ethernet, microseconds), answers come back on tun0 (raw IP,
    nanoseconds).  libpcap refuses the file; lasthop's reader takes over."""
    cap = Capture(name, 'eth', fmt='pcapng')
    cap.ifaces = [(LT_EN10MB, 'eth0', 6), (LT_RAW, 'tun0', 9)]
    tr = Tracer(cap, 'udp', seed=35, iface_out=0, iface_in=1,
                link_in=Link('raw'))
    if late_idb:
        # The first probes go out before tun0 is described.
        tr.hops_to_dst = 6
        t = 10 * MS
        ps = [tr.send(1, t + i * 20 * US) for i in range(3)]
        for i, p in enumerate(ps):
            tr.te(p, CU[0], p.tx + CU[0].rtt + 1000 + i * 7 * US)
        t = 15 * MS
        run(tr, CU, CU_DST, t, ttls=range(2, 7))
        cap.late_idb = 3
    else:
        run(tr, CU, CU_DST, 10 * MS)
    tr.stop = 'completed'
    return cap


def case_unreach(name, code, at):
    """The path dies at hop `at` with ICMP unreachable `code`."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=36 + code)
    t = 40 * MS
    tr.hops_to_dst = 6
    for ttl in range(1, at + 1):
        for q in range(3):
            p = tr.send(ttl, t)
            hop = CU[ttl - 1]
            rx = t + hop.rtt + JITTER[(ttl + q) % 6]
            if ttl < at:
                tr.te(p, hop, rx)
            else:
                tr.unreach(p, hop, rx, code)
            t = rx + 30 * US
    tr.stop = 'unreachable'
    return cap


def case_loop(name):
    """traceroute -m 10: 219.158.96.2 and 219.158.97.2 forward to each other;
    they answer alternately from TTL 3 to TTL 10."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=40)
    path = CU[:4] + [CU[2], CU[3]] * 3
    t = 40 * MS
    tr.hops_to_dst = 99
    for ttl in range(1, 11):
        for q in range(3):
            p = tr.send(ttl, t)
            hop = path[ttl - 1]
            rx = t + hop.rtt + (ttl - 3) * 2 * MS * (ttl > 3) + \
                JITTER[(ttl + q) % 6]
            tr.te(p, hop, rx)
            t = rx + 30 * US
    tr.stop = 'loop'
    return cap


def case_silent(name):
    """traceroute -m 10 into a path that never answers: 30 probes, no reply;
    the stop reason is the gap limit."""
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'udp', seed=41)
    t = 40 * MS
    for ttl in range(1, 11):
        for q in range(3):
            tr.send(ttl, t)
            t += 5 * S if (ttl, q) == (10, 2) else 1 * S
    cap.add(t, ip4(VANTAGE, GATEWAY, 17, udp(VANTAGE, GATEWAY, 40001, 53,
                                             bytes(12)), 64, 7),
            'out', note='dns')		# the end of the capture, 5 s later
    tr.stop = 'gap limit'
    return cap


def case_tcp_ack(name):
    cap = Capture(name, 'eth')
    tr = Tracer(cap, 'tcp-ack', seed=42)
    run(tr, CU, Hop(NK_DST, 61.731, 59), 40 * MS)
    tr.stop = 'completed'
    return cap


def case_ppp_mpls_bsd(name):
    """BSD traceroute (one source port, dport rising from 33435) over PPP;
    the vantage pushes an MPLS label on every probe (PPP protocol 0x0281),
    and China Unicom's first two routers answer with an explicit-null
    label, the others plain (0x0021)."""
    cap = Capture(name, 'ppp-mpls-bsd')
    tr = Tracer(cap, 'udp-bsd', seed=44)
    run(tr, CU, Hop(NK_DST, 60.214, 60, quote='rfc1812'), 30 * MS)
    tr.stop = 'completed'
    return cap


def case_pppoe_vlan(name):
    """Linux traceroute -I on a DSL line: PPPoE session in VLAN 7 on
    Ethernet (the ISP's tagged PPPoE), LCP echoes between the probes."""
    cap = Capture(name, 'pppoe-vlan')
    tr = Tracer(cap, 'icmp', seed=45)
    run(tr, CU, CU_DST, 50 * MS)
    tr.stop = 'completed'
    for i, t in enumerate((20 * MS, 700 * MS)):
        lcp = bytes([9 + i % 2, 1 + i, 0, 8]) + struct.pack('!I', 0x5e11a3c2)
        tags = struct.pack('!HH', 0x8100, 7)
        fr = MAC_GW + MAC_VP + tags + b'\x88\x64' + pppoe(b'\xc0\x21' + lcp)
        cap.add_frame(t, fr + bytes(max(0, 60 - len(fr))), note='not_ipv4')
    # a PPPoE discovery frame (PADT from an old session) is not IPv4 either
    padt = struct.pack('!BBHH', 0x11, 0xa7, 0x1f00, 0)
    cap.add_frame(10 * MS, MAC_GW + MAC_VP + b'\x88\x63' + padt + bytes(40),
                  note='not_ipv4')
    return cap


def case_ppp_ether(name):
    """NetBSD traceroute on pppoe0 (DLT_PPP_ETHER: the PPPoE header, no
    Ethernet)."""
    cap = Capture(name, 'ppp-ether')
    tr = Tracer(cap, 'udp-bsd', seed=46)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    return cap


def case_chdlc_mpls(name):
    """Linux traceroute on a Cisco HDLC serial line (DLT_C_HDLC): probes
    plain, China Unicom's routers answer through an LSP whose last label
    is not popped (labels 16, 16, 24001); SLARP keepalives in between."""
    cap = Capture(name, 'chdlc-mpls')
    tr = Tracer(cap, 'udp', seed=47)
    run(tr, CU, CU_DST, 40 * MS)
    tr.stop = 'completed'
    for i, t in enumerate((15 * MS, 515 * MS)):
        slarp = struct.pack('!IIIH', 2, 0x1000 + i, 0x0fff + i, 0xffff)
        cap.add_frame(t, b'\x8f\x00\x80\x35' + slarp, note='not_ipv4')
    return cap


def case_ppp_hdlc(name):
    """tcptraceroute on a PPP serial line captured as PPP in HDLC-like
    framing (LINKTYPE_PPP_HDLC 50, ff 03 00 21); LCP echoes between."""
    cap = Capture(name, 'ppp-hdlc')
    tr = Tracer(cap, 'tcptraceroute', seed=48)
    run(tr, CU, Hop(NK_DST, 62.411, 59), 60 * MS)
    tr.stop = 'completed'
    for i, (t, d) in enumerate(((25 * MS, 'out'), (25 * MS + 9 * MS, 'in'))):
        lcp = bytes([9 + i, 3, 0, 8]) + struct.pack('!I', 0x2bd1 + i)
        cap.add_frame(t, b'\xff\x03\xc0\x21' + lcp, note='not_ipv4')
    return cap


def case_ppp_hdlc_cisco(name):
    """The same link type (LINKTYPE_PPP_HDLC 50) on a line that runs Cisco
    HDLC, as NetBSD's DLT_PPP_SERIAL can give: scamper-style ICMP Paris
    probes in 0f 00 08 00 frames, SLARP keepalives (8f 00 80 35)."""
    cap = Capture(name, 'ppp-hdlc-cisco')
    tr = Tracer(cap, 'icmp-paris', seed=49)
    run(tr, CU, CU_DST, 30 * MS, nq=2)
    tr.stop = 'completed'
    slarp = struct.pack('!IIIH', 2, 0x2000, 0x1fff, 0xffff)
    cap.add_frame(12 * MS, b'\x8f\x00\x80\x35' + slarp, note='not_ipv4')
    return cap


def case_linktype_loop(name):
    """OpenBSD traceroute on a tunnel captured as DLT_LOOP (the address
    family in network byte order)."""
    cap = Capture(name, 'loop')
    tr = Tracer(cap, 'udp-bsd', seed=50)
    run(tr, CU, CU_DST, 45 * MS)
    tr.stop = 'completed'
    return cap


def case_null_be(name):
    """DLT_NULL written by a big-endian host (AF_INET as 00 00 00 02)."""
    cap = Capture(name, 'null-be')
    tr = Tracer(cap, 'udp-bsd', seed=51)
    run(tr, CU[:4], Hop(NK_DST, 59.102, 60, quote='rfc1812'), 50 * MS)
    tr.stop = 'completed'
    return cap


def case_sll_mpls(name):
    """traceroute -I captured with -i any (Linux cooked v1) on a host that
    pushes two labels on what it sends; replies arrive with one label,
    except the gateway's own."""
    cap = Capture(name, 'sll-mpls')
    tr = Tracer(cap, 'icmp', seed=52)
    run(tr, CU, CU_DST, 70 * MS)
    tr.stop = 'completed'
    return cap


def case_qinq_mpls_replies(name):
    """Linux traceroute on Ethernet QinQ (0x88a8 VID 300 + 0x8100 VID 42):
    probes plain, China Unicom's routers' answers labelled after the tags
    (the vantage sits on a carrier's MPLS access ring)."""
    cap = Capture(name, 'qinq-mpls-in')
    tr = Tracer(cap, 'udp', seed=53)
    run(tr, CU, CU_DST, 35 * MS)
    tr.stop = 'completed'
    return cap


def case_pflog(name):
    """OpenBSD traceroute behind pf, read from pflog0 (DLT_PFLOG, 100-byte
    OpenBSD headers: pass out / pass in on em0)."""
    cap = Capture(name, 'pflog')
    tr = Tracer(cap, 'udp-bsd', seed=54)
    run(tr, CU, CU_DST, 55 * MS)
    tr.stop = 'completed'
    return cap


def case_nflog(name):
    """Linux traceroute logged by iptables -j NFLOG (DLT_NFLOG): packet
    header, interface, prefix and payload TLVs."""
    cap = Capture(name, 'nflog')
    tr = Tracer(cap, 'udp', seed=55)
    run(tr, CU, CU_DST, 65 * MS)
    tr.stop = 'completed'
    return cap


CASES = [
    ('synth-linktype-sll', case_sll),
    ('synth-linktype-sll2', case_sll2),
    ('synth-linktype-raw', case_raw),
    ('synth-linktype-null', case_null),
    ('synth-linktype-ppp', case_ppp),
    ('synth-linktype-vlan', case_vlan),
    ('synth-linktype-qinq', case_qinq),
    ('synth-mpls-link', case_mpls_link),
    ('synth-mpls-ext-rfc4884', case_mpls_ext),
    ('synth-mpls-ext-legacy', case_mpls_legacy),
    ('synth-nat-ipid', case_nat_ipid),
    ('synth-nat-udpcsum', case_nat_udpcsum),
    ('synth-snaplen-96', case_snap96),
    ('synth-snaplen-68', case_snap68),
    ('synth-snaplen-68-icmp', case_snap68_icmp),
    ('synth-fragments', case_fragments),
    ('synth-mbox-udp', case_mbox_udp),
    ('synth-mbox-tracert', case_mbox_tracert),
    ('synth-mbox-dublin', case_mbox_dublin),
    ('synth-mbox-reassembled', case_mbox_reassembled),
    ('synth-fragments-each', case_frag_each),
    ('synth-reply-only-udp',
     lambda n: case_reply_only(n, 'udp', silent={(2, 1), (4, 0), (4, 1),
                                                 (4, 2)})),
    ('synth-reply-only-udp-bsd',
     lambda n: case_reply_only(n, 'udp-bsd', link='null', seed=63)),
    ('synth-reply-only-icmp', lambda n: case_reply_only(n, 'icmp', seed=64)),
    ('synth-reply-only-tracert',
     lambda n: case_reply_only(n, 'windows', seed=65)),
    ('synth-reply-only-lasthop',
     lambda n: case_reply_only(n, 'lasthop-udp', seed=66)),
    ('synth-reply-only-mtr', case_reply_only_mtr),
    ('synth-reply-only-unplaced', case_reply_only_unplaced),
    ('synth-duplicate', case_dup),
    ('synth-late-reply', case_late),
    ('synth-capture-started-late', case_started_late),
    ('synth-interleaved-noise', case_interleaved),
    ('synth-tracert-windows', case_tracert),
    ('synth-tracert-windows-timeouts', case_tracert_timeouts),
    ('synth-pcapng-2linktypes', lambda n: case_pcapng_2if(n)),
    ('synth-pcapng-2linktypes-late-idb',
     lambda n: case_pcapng_2if(n, late_idb=True)),
    ('synth-unreach-net', lambda n: case_unreach(n, 0, 4)),
    ('synth-unreach-admin', lambda n: case_unreach(n, 13, 5)),
    ('synth-loop', case_loop),
    ('synth-silent', case_silent),
    ('synth-tcp-ack-rst', case_tcp_ack),
    ('synth-ppp-mpls-bsd', case_ppp_mpls_bsd),
    ('synth-linktype-pppoe-vlan', case_pppoe_vlan),
    ('synth-linktype-ppp-ether', case_ppp_ether),
    ('synth-linktype-chdlc-mpls', case_chdlc_mpls),
    ('synth-linktype-ppp-hdlc', case_ppp_hdlc),
    ('synth-linktype-ppp-hdlc-cisco', case_ppp_hdlc_cisco),
    ('synth-linktype-loop', case_linktype_loop),
    ('synth-linktype-null-be', case_null_be),
    ('synth-mpls-sll', case_sll_mpls),
    ('synth-mpls-qinq-replies', case_qinq_mpls_replies),
    ('synth-linktype-pflog', case_pflog),
    ('synth-linktype-nflog', case_nflog),
]


def fmt_ns(t):
    import datetime
    t += EPOCH_NS
    d = datetime.datetime.fromtimestamp(t // S, datetime.timezone.utc)
    return d.strftime('%Y-%m-%dT%H:%M:%S') + '.%06dZ' % ((t % S) // US)


def truth_of(cap, path):
    traces = []
    for tr in cap.traces:
        tj = tr.truth()
        tj['past_destination'] = getattr(tr, 'past_dst', 0)
        for h in tj['hops']:
            for p in h['probes']:
                ns = p.pop('sent_ns')
                p['sent'] = None if ns is None else fmt_ns(ns)
        traces.append(tj)
    return {'file': path, 'frames': len(cap.recs), 'notes': cap.notes,
            'traces': traces}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.relpath(os.path.join(here, '..', '..', 'captures'))
    truth = None
    only = []
    i = 0
    while i < len(argv):
        if argv[i] == '-o':
            out = argv[i + 1]
            i += 2
        elif argv[i] == '--truth':
            truth = argv[i + 1]
            i += 2
        elif argv[i].startswith('-'):
            sys.exit(__doc__)
        else:
            only.append(argv[i])
            i += 1
    os.makedirs(out, exist_ok=True)
    for name, fn in CASES:
        if only and name not in only:
            continue
        cap = fn(name)
        ext = '.pcapng' if cap.fmt == 'pcapng' else '.pcap'
        path = os.path.join(out, name + ext)
        cap.write(path)
        print('wrote %s (%d frames)' % (path, len(cap.recs)))
        if truth:
            os.makedirs(truth, exist_ok=True)
            with open(os.path.join(truth, name + '.truth.json'), 'w') as f:
                json.dump(truth_of(cap, path), f,
                          indent=1, sort_keys=True)
                f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1:])
