#!/usr/bin/env python3
"""make-corpus.py: write the malformed capture corpus and its EXPECTED list.

Every file is built here from bytes, deterministically (fixed timestamps and
addresses), so running the script again reproduces the committed files
exactly.  Each entry names the exit code `lasthop replay` must give:
0 the file is valid, only odd; 3 not a capture / unreadable; 4 truncated or
damaged after the header (results printed up to the damage).

Usage: tests/malformed/make-corpus.py [OUTDIR]   (default: its own folder)
"""

import os
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_PPP = 9
LINKTYPE_PPP_ETHER = 51
LINKTYPE_C_HDLC = 104
LINKTYPE_PFLOG = 117
LINKTYPE_NFLOG = 239

TS = 1700000000  # every record's second; the microsecond field counts up

# ---------------------------------------------------------------- pcap


def pcap_header(linktype, snaplen=65535, magic=0xA1B2C3D4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(data, usec=0, caplen=None, wirelen=None):
    caplen = len(data) if caplen is None else caplen
    wirelen = len(data) if wirelen is None else wirelen
    return struct.pack("<IIII", TS, usec, caplen, wirelen) + data


def pcap(linktype, packets, snaplen=65535):
    """A classic little-endian microsecond pcap of whole packets."""
    out = pcap_header(linktype, snaplen)
    for i, p in enumerate(packets):
        if isinstance(p, tuple):  # (data, wirelen)
            out += pcap_record(p[0], usec=i, wirelen=p[1])
        else:
            out += pcap_record(p, usec=i)
    return out


# ---------------------------------------------------------------- pcapng


def ng_block(btype, body, length=None, trailer=None):
    """A little-endian pcapng block; body is padded to 4 bytes."""
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    length = n if length is None else length
    trailer = length if trailer is None else trailer
    return struct.pack("<II", btype, length) + body + struct.pack("<I", trailer)


def ng_shb(bom=0x1A2B3C4D):
    return ng_block(0x0A0D0D0A, struct.pack("<IHHq", bom, 1, 0, -1))


def ng_idb(linktype, snaplen=0, options=b""):
    return ng_block(1, struct.pack("<HHI", linktype, 0, snaplen) + options)


def ng_epb(ifid, data, usec=0, caplen=None, wirelen=None, **kw):
    t = TS * 1000000 + usec
    caplen = len(data) if caplen is None else caplen
    wirelen = len(data) if wirelen is None else wirelen
    body = struct.pack("<IIIII", ifid, t >> 32, t & 0xFFFFFFFF, caplen,
                       wirelen) + data
    return ng_block(6, body, **kw)


# ---------------------------------------------------------------- packets


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def addr(s):
    return bytes(int(x) for x in s.split("."))


PROBE_SRC = "10.0.0.1"
TARGET = "192.0.2.1"
ROUTER = "198.51.100.1"


def ipv4(src, dst, proto, payload, ttl=64, ident=0x1234, ihl=5, totlen=None,
         options=b""):
    """An IPv4 header (checksummed over ihl words) followed by payload."""
    totlen = 20 + len(options) + len(payload) if totlen is None else totlen
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, totlen, ident, 0, ttl,
                      proto, 0, addr(src), addr(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def probe(ttl=1, ihl=5):
    """A UDP traceroute probe as an ICMP error would quote it."""
    return ipv4(PROBE_SRC, TARGET, 17, udp(40000, 33434 + ttl), ttl=1,
                ident=0x4000 + ttl, ihl=ihl)


def icmp(itype, code, rest):
    """ICMP message: rest follows the checksum (unused word included)."""
    msg = struct.pack("!BBH", itype, code, 0) + rest
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def time_exceeded(quote, length_words=0, ext=b""):
    """ICMP time exceeded (RFC 792), RFC 4884 length in the unused word."""
    return icmp(11, 0, struct.pack("!BBH", 0, length_words, 0) + quote + ext)


def icmp_ext(objects):
    """RFC 4884 extension structure: version 2 header, then objects."""
    hdr = struct.pack("!BBH", 0x20, 0, 0) + objects
    return hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]


def mpls_entry(label, ttl=1, tc=0, bos=False):
    return struct.pack("!I", label << 12 | tc << 9 | int(bos) << 8 | ttl)


def reply(icmpmsg):
    return ipv4(ROUTER, PROBE_SRC, 1, icmpmsg, ttl=254)


ETH_DST = bytes.fromhex("020000000001")
ETH_SRC = bytes.fromhex("020000000002")


def eth(payload, ethertype=0x0800, tags=()):
    out = ETH_DST + ETH_SRC
    for tpid, vid in tags:
        out += struct.pack("!HH", tpid, vid)
    return out + struct.pack("!H", ethertype) + payload


def sll(payload, proto=0x0800):
    """Linux cooked (SLL) header: incoming, ARPHRD_ETHER, 6-byte address."""
    return struct.pack("!HHH8sH", 0, 1, 6, ETH_SRC + b"\0\0", proto) + payload


def pppoe(ppp, length=None):
    """PPPoE session header (RFC 2516); length defaults to the true one."""
    n = len(ppp) if length is None else length
    return struct.pack("!BBHH", 0x11, 0, 0x2A17, n) + ppp


def pflog(payload, hdrlen=61, af=2):
    """pf log header whose length byte says hdrlen, padded to 64 bytes."""
    return bytes([hdrlen, af]) + b"\0" * 62 + payload


def nflog_tlv(ttype, value, length=None):
    """NFLOG TLV, length and type little-endian (the capturing host's)."""
    n = 4 + len(value) if length is None else length
    b = struct.pack("<HH", n, ttype) + value
    return b + b"\0" * (-len(b) % 4)


NFLOG_HDR = struct.pack("!BBH", 2, 0, 5)


# ---------------------------------------------------------------- corpus


def corpus():
    """(name, bytes, expected exit code) for every file."""
    c = []
    good = eth(probe())
    te = reply(time_exceeded(probe()))

    # -- capture-file damage
    c.append(("zero-bytes.pcap", b"", 3))
    c.append(("bad-magic.pcap",
              b"GIF89a" + bytes(range(40)), 3))
    c.append(("header-only.pcap", pcap_header(LINKTYPE_ETHERNET), 0))
    c.append(("trunc-global-header.pcap",
              pcap_header(LINKTYPE_ETHERNET)[:10], 3))
    c.append(("trunc-record-header.pcap",
              pcap(LINKTYPE_ETHERNET, [good]) + pcap_record(good)[:7], 4))
    c.append(("trunc-record-data.pcap",
              pcap(LINKTYPE_RAW, [te, te])[:-5], 4))
    c.append(("caplen-past-eof.pcap",
              pcap_header(LINKTYPE_ETHERNET) +
              pcap_record(good, caplen=len(good) + 200), 4))
    c.append(("caplen-absurd.pcap",
              pcap_header(LINKTYPE_RAW) +
              pcap_record(te, caplen=0xFFFFFFFF, wirelen=0xFFFFFFFF), 4))
    c.append(("snaplen-zero.pcap",
              pcap(LINKTYPE_RAW, [te], snaplen=0), 0))

    # -- pcapng damage (two link types: our pcapng reader serves these)
    head = (ng_shb() + ng_idb(LINKTYPE_ETHERNET) + ng_idb(LINKTYPE_RAW) +
            ng_epb(0, good))
    c.append(("pcapng-two-linktypes.pcapng",
              head + ng_epb(1, te, usec=1), 0))
    c.append(("pcapng-one-interface.pcapng",
              ng_shb() + ng_idb(LINKTYPE_LINUX_SLL) +
              ng_epb(0, sll(te)) + ng_epb(0, sll(te), usec=1), 0))
    odd = ng_epb(1, te, usec=1)
    odd = odd[:4] + struct.pack("<I", len(odd) - 2) + odd[8:]
    c.append(("pcapng-len-not-mult4.pcapng", head + odd, 4))
    c.append(("pcapng-len-past-eof.pcapng",
              head + ng_epb(1, te, usec=1, length=1 << 20), 4))
    c.append(("pcapng-trailer-mismatch.pcapng",
              head + ng_epb(1, te, usec=1, trailer=0x1000), 4))
    c.append(("pcapng-len-tiny.pcapng",
              head + struct.pack("<III", 6, 8, 8), 4))
    c.append(("pcapng-len-huge.pcapng",
              head + struct.pack("<II", 6, 0xFFFFFFF0) + te, 4))
    c.append(("pcapng-bad-interface.pcapng",
              head + ng_epb(7, te, usec=1), 4))
    c.append(("pcapng-caplen-over-block.pcapng",
              head + ng_epb(1, te, usec=1, caplen=len(te) + 64), 4))
    c.append(("pcapng-option-overrun.pcapng",
              ng_shb() + ng_idb(LINKTYPE_ETHERNET) + ng_epb(0, good) +
              ng_idb(LINKTYPE_RAW, options=struct.pack("<HH", 9, 400)), 4))
    c.append(("pcapng-trunc-block.pcapng",
              (head + ng_epb(1, te, usec=1))[:-9], 4))
    c.append(("pcapng-trunc-shb.pcapng", ng_shb()[:14], 3))
    c.append(("pcapng-bad-bom.pcapng",
              ng_shb(bom=0x01020304) + ng_idb(LINKTYPE_RAW) + ng_epb(0, te),
              3))

    # -- valid captures with extreme timestamps
    c.append(("ts-before-1970.pcap",
              pcap_header(LINKTYPE_RAW) +
              struct.pack("<IIII", 0xFFFFFFFF, 999999, len(te), len(te)) + te +
              struct.pack("<IIII", 0, 0, len(te), len(te)) + te, 0))
    maxts = ng_block(6, struct.pack("<IIIII", 1, 0xFFFFFFFF, 0xFFFFFFFF,
                                    len(te), len(te)) + te)
    c.append(("pcapng-ts-max.pcapng",
              ng_shb() + ng_idb(LINKTYPE_ETHERNET) +
              ng_idb(LINKTYPE_RAW, options=struct.pack("<HHB3xHH", 9, 1, 0x80,
                                                       0, 0)) +
              maxts + ng_epb(0, good), 0))

    # -- valid captures of packets with absurd internal lengths
    c.append(("ip-ihl0-raw.pcap",
              pcap(LINKTYPE_RAW, [bytes([0x40, 0, 0, 8, 0, 0, 0, 0])]), 0))
    c.append(("ip-ihl15-short-raw.pcap",
              pcap(LINKTYPE_RAW, [ipv4(ROUTER, PROBE_SRC, 1, b"",
                                       ihl=15)[:20]]), 0))
    big = ipv4(PROBE_SRC, TARGET, 17, udp(40000, 33435, b"\0" * 12),
               totlen=65535)
    c.append(("ip-totlen65535-eth.pcap",
              pcap(LINKTYPE_ETHERNET, [(eth(big), 14 + 65535)]), 0))
    c.append(("icmp-quote-trunc-sll.pcap",
              pcap(LINKTYPE_LINUX_SLL,
                   [sll(reply(time_exceeded(probe()[:12])))]), 0))
    c.append(("icmp-quote-ihl-big-raw.pcap",
              pcap(LINKTYPE_RAW,
                   [reply(time_exceeded(probe(ihl=15)[:28]))]), 0))
    # RFC 4884: length 40 words (160 bytes) of quote; 28 bytes present.
    c.append(("icmp-rfc4884-len-beyond-raw.pcap",
              pcap(LINKTYPE_RAW,
                   [reply(time_exceeded(probe()[:28], length_words=40))]),
              0))
    quote128 = probe() + b"\0" * (128 - len(probe()))
    obj0 = struct.pack("!HBB", 0, 1, 1) + mpls_entry(24000, bos=True)
    c.append(("icmp-mpls-obj-len0-eth.pcap",
              pcap(LINKTYPE_ETHERNET,
                   [eth(reply(time_exceeded(quote128, 32,
                                            icmp_ext(obj0))))]), 0))
    objbig = struct.pack("!HBB", 0xFFFC, 1, 1) + mpls_entry(24000, bos=True)
    c.append(("icmp-mpls-obj-len-huge-raw.pcap",
              pcap(LINKTYPE_RAW,
                   [reply(time_exceeded(quote128, 32, icmp_ext(objbig)))]),
              0))
    stack = b"".join(mpls_entry(16000 + i) for i in range(6))
    nobos = struct.pack("!HBB", 4 + len(stack), 1, 1) + stack
    c.append(("icmp-mpls-no-bos-sll.pcap",
              pcap(LINKTYPE_LINUX_SLL,
                   [sll(reply(time_exceeded(quote128, 32,
                                            icmp_ext(nobos))))]), 0))
    tags = [(0x88A8, 100), (0x8100, 101), (0x8100, 102), (0x8100, 103),
            (0x8100, 104)]
    c.append(("eth-vlan5.pcap",
              pcap(LINKTYPE_ETHERNET, [eth(te, tags=tags)]), 0))
    labels = b"".join(mpls_entry(17000 + i, ttl=64) for i in range(10))
    c.append(("eth-mpls-no-bos.pcap",
              pcap(LINKTYPE_ETHERNET, [eth(labels, ethertype=0x8847)]), 0))

    # -- encapsulations whose headers lie (each file ends with a good
    #    frame of its link type, which must still be read)
    tags9 = [(0x88A8, 1)] + [(0x8100, 2 + i) for i in range(8)]
    c.append(("eth-vlan9.pcap",
              pcap(LINKTYPE_ETHERNET, [eth(te, tags=tags9), eth(te)]), 0))
    mp = b"\x02\x81" + mpls_entry(24005, bos=True) + te
    deep = [(0x88A8, 1)] + [(0x8100, 2 + i) for i in range(6)]
    c.append(("eth-vlan7-pppoe-mpls.pcap",
              pcap(LINKTYPE_ETHERNET, [eth(pppoe(mp), 0x8864, deep),
                                       eth(pppoe(mp), 0x8864)]), 0))
    c.append(("pppoe-len-beyond-frame-eth.pcap",
              pcap(LINKTYPE_ETHERNET,
                   [eth(pppoe(b"\x00\x21" + te, 0xFFFF), 0x8864)]), 0))
    c.append(("pppoe-len1-eth.pcap",
              pcap(LINKTYPE_ETHERNET,
                   [eth(pppoe(b"\x00\x21" + te, 1), 0x8864),
                    eth(pppoe(b"\x00\x21" + te), 0x8864)]), 0))
    c.append(("pppoe-len-cuts-ip-eth.pcap",
              pcap(LINKTYPE_ETHERNET,
                   [eth(pppoe(b"\x00\x21" + te, 12), 0x8864)]), 0))
    c.append(("ppp-ether-discovery.pcap",
              pcap(LINKTYPE_PPP_ETHER,
                   [struct.pack("!BBHH", 0x11, 0x09, 0, 0xFFFF),
                    pppoe(b"\x00\x21" + te)]), 0))
    nobos20 = b"".join(mpls_entry(24000 + i, ttl=9) for i in range(20))
    c.append(("ppp-mpls-no-bos.pcap",
              pcap(LINKTYPE_PPP, [b"\xff\x03\x02\x81" + nobos20,
                                  b"\xff\x03\x02\x81" + mpls_entry(24005, bos=True) + te]),
              0))
    c.append(("ppp-address-no-control.pcap",
              pcap(LINKTYPE_PPP, [b"\xff\xff\x00\x21" + te,
                                  b"\xff\x03\x00\x21" + te]), 0))
    c.append(("chdlc-bad-address.pcap",
              pcap(LINKTYPE_C_HDLC, [b"\x42\x00\x08\x00" + te,
                                     b"\x0f\x00\x08\x00" + te]), 0))
    c.append(("pflog-hdrlen-huge.pcap",
              pcap(LINKTYPE_PFLOG, [pflog(te, hdrlen=255), pflog(te)]), 0))
    c.append(("pflog-hdrlen-zero.pcap",
              pcap(LINKTYPE_PFLOG, [pflog(te, hdrlen=0), pflog(te)]), 0))
    c.append(("pflog-hdrlen-beyond-frame.pcap",
              pcap(LINKTYPE_PFLOG, [bytes([100, 2]) + b"\0" * 30,
                                    pflog(te)]), 0))
    c.append(("nflog-tlv-len0.pcap",
              pcap(LINKTYPE_NFLOG,
                   [NFLOG_HDR + nflog_tlv(1, b"\0" * 4, length=0) +
                    nflog_tlv(9, te),
                    NFLOG_HDR + nflog_tlv(9, te)]), 0))
    c.append(("nflog-tlv-len-huge.pcap",
              pcap(LINKTYPE_NFLOG,
                   [NFLOG_HDR + nflog_tlv(10, b"trace\0", length=0xFFFF) +
                    nflog_tlv(9, te),
                    NFLOG_HDR + nflog_tlv(9, te)]), 0))
    c.append(("nflog-payload-len-huge.pcap",
              pcap(LINKTYPE_NFLOG,
                   [NFLOG_HDR + nflog_tlv(9, te, length=0xFFFF)]), 0))
    c.append(("nflog-no-payload.pcap",
              pcap(LINKTYPE_NFLOG,
                   [NFLOG_HDR + nflog_tlv(1, b"\x08\x00\x03\x00"),
                    NFLOG_HDR + nflog_tlv(9, te)]), 0))
    # 16,000 empty TLVs before the payload: a long walk, bounded by the frame.
    c.append(("nflog-many-tlvs.pcap",
              pcap(LINKTYPE_NFLOG,
                   [NFLOG_HDR + nflog_tlv(15, b"") * 16000 +
                    nflog_tlv(9, te)], snaplen=262144), 0))
    return c


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, data, code in corpus():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        lines.append("%s %d\n" % (name, code))
    with open(os.path.join(out, "EXPECTED"), "w") as f:
        f.write("# file expected_exit: written by make-corpus.py\n")
        f.writelines(lines)


if __name__ == "__main__":
    main()
