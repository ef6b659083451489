#!/usr/bin/env python3
"""make-seeds.py: seed corpora for the decoder and replay fuzzers.

The frames come from the hex tables of tests/unit/test_decode.c (one
source of truth, STYLE.md practice 8):

  fuzz/corpus/fuzz_decode/<row>   one file per table row: the link-type
                                  index byte of fuzz/fuzz_decode.c, then
                                  the frame
  fuzz/corpus/fuzz_replay/*.pcap  the rows grouped by link type, one
                                  classic pcap each; a small synthesized
                                  traceroute (microsecond and nanosecond
                                  pcap); a pcapng with two link types and
                                  a timestamp-resolution option; and the
                                  small captures/*.pcap* and
                                  tests/malformed/*.pcap* of the repository
  fuzz/corpus/fuzz_capfile        a symbolic link to fuzz_replay

Run from anywhere: python3 fuzz/corpus/make-seeds.py
"""
import os
import re
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TABLES = os.path.join(ROOT, "tests", "unit", "test_decode.c")

# Index = the first byte of a fuzz_decode input; keep in step with
# linktypes[] in fuzz/fuzz_decode.c.
LINKTYPES = ["DLT_EN10MB", "DLT_LINUX_SLL", "DLT_LINUX_SLL2", "DLT_RAW",
             "LINKTYPE_RAW_101", "DLT_IPV4", "DLT_NULL", "DLT_LOOP",
             "DLT_PPP", "DLT_PPP_SERIAL", "DLT_UNKNOWN_147", "DLT_PPP_ETHER",
             "DLT_C_HDLC", "DLT_HDLC", "DLT_PFLOG", "DLT_NFLOG"]

# The LINKTYPE_ value a pcap file header carries for each.
FILE_LINKTYPE = {"DLT_EN10MB": 1, "DLT_LINUX_SLL": 113, "DLT_LINUX_SLL2": 276,
                 "DLT_RAW": 101, "LINKTYPE_RAW_101": 101, "DLT_IPV4": 228,
                 "DLT_NULL": 0, "DLT_LOOP": 108, "DLT_PPP": 9,
                 "DLT_PPP_SERIAL": 50, "DLT_UNKNOWN_147": 147,
                 "DLT_PPP_ETHER": 51, "DLT_C_HDLC": 104, "DLT_HDLC": 112,
                 "DLT_PFLOG": 117, "DLT_NFLOG": 239}

SMALL_CAPTURE = 16384		# bytes; larger captures slow the fuzzer down


def strip_comments(src):
    return re.sub(r"/\*.*?\*/", " ", src, flags=re.S)


def tokens(text):
    """String literals, identifiers and single punctuation characters."""
    return re.findall(r'"(?:[^"\\]|\\.)*"|\w+|\S', text)


def read_tables(path):
    src = strip_comments(open(path).read()).replace("\\\n", " ")
    macros = {}
    for m in re.finditer(r"^#define[ \t]+(\w+)[ \t]+(.*)$", src, flags=re.M):
        macros[m.group(1)] = tokens(m.group(2))

    def expand(toks):
        out = ""
        for t in toks:
            if t.startswith('"'):
                out += t[1:-1]
            elif t in macros:
                out += expand(macros[t])
            else:
                raise ValueError("not a hex string: %r" % t)
        return out

    rows = []
    for m in re.finditer(r'\{\s*\.name\s*=\s*("(?:[^"\\]|\\.)*")\s*,\s*'
                         r'\.linktype\s*=\s*(\w+)\s*,\s*\.hex\s*=', src):
        name, lt = m.group(1)[1:-1], m.group(2)
        toks = tokens(src[m.end():])
        hexparts = []
        for t in toks:
            if t in (",", "}"):
                break
            hexparts.append(t)
        hexstr = expand(hexparts)
        frame = bytes.fromhex("".join(hexstr.split()))
        rows.append((name, lt, frame))
    if not rows:
        sys.exit("make-seeds: no table rows found in %s" % path)
    return rows


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def pcap(linktype, records, nano=False, snaplen=262144):
    magic = 0xa1b23c4d if nano else 0xa1b2c3d4
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for ts_ns, frame in records:
        sec, frac = divmod(ts_ns, 1000000000)
        if not nano:
            frac //= 1000
        out += struct.pack("<IIII", sec, frac, len(frame), len(frame)) + frame
    return out


def pcapng(ifaces, records):
    """ifaces: [(linktype, tsresol or None, tsoffset or None)];
    records: [(if, ts, frame)]."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
    for lt, res, off in ifaces:
        opts = b""
        if res is not None:
            opts += struct.pack("<HHB3x", 9, 1, res)
        if off is not None:
            opts += struct.pack("<HHq", 14, 8, off)	# if_tsoffset
        if opts:
            opts += struct.pack("<HH", 0, 0)
        out += block(1, struct.pack("<HHI", lt, 0, 262144) + opts)
    for ifid, ts, frame in records:
        res = ifaces[ifid][1]
        units = ts // 1000 if res is None else ts // (10 ** (9 - res))
        out += block(6, struct.pack("<IIIII", ifid, units >> 32,
                                    units & 0xffffffff, len(frame),
                                    len(frame)) + frame)
    return out


# ---- a small synthesized traceroute, independent of the C builders ----

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def a(s):
    return bytes(int(x) for x in s.split("."))


def ip4(src, dst, proto, ttl, ipid, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ipid, 0, ttl,
                    proto, 0, a(src), a(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def udp(src, dst, sport, dport, payload):
    n = 8 + len(payload)
    ph = a(src) + a(dst) + struct.pack("!BBH", 0, 17, n)
    c = csum(ph + struct.pack("!HHHH", sport, dport, n, 0) + payload) or 0xffff
    return struct.pack("!HHHH", sport, dport, n, c) + payload


def icmp(typ, code, rest, payload):
    m = struct.pack("!BBH", typ, code, 0) + rest + payload
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def traceroute(me, dst, routers, eth):
    """Classic UDP, 3 probes per TTL; records of (ts_ns, frame)."""
    t0 = 1700000000 * 10**9
    mac = bytes.fromhex("020000000a01525400123456")
    rev = bytes.fromhex("525400123456020000000a01")
    hops = routers + [dst]
    recs = []
    for i in range(3 * len(hops)):
        ttl = i // 3 + 1
        probe = ip4(me, dst, 17, ttl, 0x5a01 + i,
                    udp(me, dst, 45678, 33434 + i, bytes(range(64, 96))))
        quoted = bytearray(probe[:28])
        quoted[8] = 1
        quoted[10:12] = b"\0\0"
        quoted[10:12] = struct.pack("!H", csum(bytes(quoted[:20])))
        frm = hops[ttl - 1]
        err = icmp(3, 3, b"\0" * 4, bytes(quoted)) if frm == dst else \
            icmp(11, 0, b"\0" * 4, bytes(quoted))
        reply = ip4(frm, me, 1, 250, 0x7000 + i, err)
        ts = t0 + i * 50 * 10**6
        recs.append((ts, (rev + b"\x08\x00" if eth else b"") + probe))
        recs.append((ts + ttl * 10**6 + 123,
                     (mac + b"\x08\x00" if eth else b"") + reply))
    return recs


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    rows = read_tables(TABLES)
    ddir = os.path.join(HERE, "fuzz_decode")
    rdir = os.path.join(HERE, "fuzz_replay")
    cdir = os.path.join(HERE, "fuzz_capfile")
    if os.path.islink(cdir) or os.path.isfile(cdir):
        os.unlink(cdir)
    elif os.path.isdir(cdir):
        shutil.rmtree(cdir)
    for d in (ddir, rdir):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)

    seen = set()
    for name, lt, frame in rows:
        if lt not in LINKTYPES:
            sys.exit("make-seeds: link type %s not in LINKTYPES" % lt)
        base = slug(name)
        while base in seen:
            base += "-"
        seen.add(base)
        write(os.path.join(ddir, base), bytes([LINKTYPES.index(lt)]) + frame)

    t0 = 1700000000 * 10**9
    bylt = {}
    for name, lt, frame in rows:
        bylt.setdefault(FILE_LINKTYPE[lt], []).append(frame)
    for flt, frames in sorted(bylt.items()):
        recs = [(t0 + i * 10**6, f) for i, f in enumerate(frames)]
        write(os.path.join(rdir, "vectors-linktype-%d.pcap" % flt),
              pcap(flt, recs))

    routers = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    tr = traceroute("192.0.2.10", "203.0.113.9", routers, True)
    write(os.path.join(rdir, "traceroute-udp-eth.pcap"), pcap(1, tr))
    raw = traceroute("192.0.2.10", "203.0.113.9", routers[:2], False)
    write(os.path.join(rdir, "traceroute-udp-raw-ns.pcap"),
          pcap(101, raw, nano=True))
    mixed = [(i % 2, ts, f if i % 2 == 0 else f[14:])
             for i, (ts, f) in enumerate(tr)]
    write(os.path.join(rdir, "traceroute-udp-2linktypes.pcapng"),
          pcapng([(1, None, None), (101, 9, None)], mixed))
    # Timestamps at the ends of int64_t nanoseconds (if_tsoffset), through
    # libpcap (one link type) and through our pcapng reader (two).
    small = [(i, ts - 1700000000 * 10**9, f) for i, ts, f in mixed]
    for tag, off in (("min", -2**63), ("max", 2**63 - 1)):
        write(os.path.join(rdir, "traceroute-udp-tsoffset-%s.pcapng" % tag),
              pcapng([(1, 9, off)],
                     [(0, ts, f) for _, ts, f in small
                      if len(f) > 14 and f[12:14] == b"\x08\x00"]))
        write(os.path.join(rdir,
                           "traceroute-udp-2linktypes-tsoffset-%s.pcapng" % tag),
              pcapng([(1, 9, off), (101, 9, off)], small))

    # Replies time-stamped far before their probes (two clocks).
    write(os.path.join(rdir, "traceroute-udp-backwards-time.pcapng"),
          pcapng([(1, 9, 2 * 10**9), (101, 9, -8 * 10**9)], mixed))

    for sub in ("captures", os.path.join("tests", "malformed")):
        capdir = os.path.join(ROOT, sub)
        if not os.path.isdir(capdir):
            continue
        for fn in sorted(os.listdir(capdir)):
            p = os.path.join(capdir, fn)
            if re.search(r"\.pcap(ng)?$", fn) and \
                    os.path.getsize(p) <= SMALL_CAPTURE:
                shutil.copy(p, os.path.join(rdir, fn))
    os.symlink("fuzz_replay", cdir)

    print("make-seeds: %d decoder seeds, %d replay seeds" %
          (len(os.listdir(ddir)), len(os.listdir(rdir))))


if __name__ == "__main__":
    main()
