"""pcaplite.py: the few packet fields the lab's own checks read from a capture.

An independent reader (not lasthop's decoder) of the classic pcap files the
lab writes: Ethernet (lasthop's and tcpdump's captures on the vantage's
veth) or raw IPv4, IPv4 only.  packets(path) yields one dict a packet:

  src, dst, proto, ttl, ipid, totlen, mf, frag (offset in bytes), l4 (the
  transport bytes present), and for ICMP errors (types 3, 4, 11, 12) "q":
  the quoted header (src, dst, proto, ipid, totlen, mf, frag, l4: the
  quoted transport bytes, as many as the router sent back).

Python 3 standard library only.
"""
import socket
import struct

ICMP_ERRORS = (3, 4, 11, 12)


def _ip(b):
    """The IPv4 header fields of b, or None when b is no IPv4 header."""
    if len(b) < 20 or b[0] >> 4 != 4:
        return None
    ihl = (b[0] & 15) * 4
    if ihl < 20 or len(b) < ihl:
        return None
    tot, ipid, frag = struct.unpack("!HHH", b[2:8])
    return {"src": socket.inet_ntoa(b[12:16]), "dst": socket.inet_ntoa(b[16:20]),
            "proto": b[9], "ttl": b[8], "ipid": ipid, "totlen": tot,
            "mf": bool(frag & 0x2000), "frag": (frag & 0x1fff) * 8,
            "l4": bytes(b[ihl:tot] if tot >= ihl else b[ihl:])}


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:
            if len(frame) < 14 or frame[12:14] != b"\x08\x00":
                continue
            frame = frame[14:]
        elif linktype not in (101, 228):
            raise ValueError("%s: link type %d" % (path, linktype))
        p = _ip(frame)
        if p is None:
            continue
        p["ts"] = sec + frac / (1e9 if nano else 1e6)
        l4 = p["l4"]
        if p["proto"] == 1 and p["frag"] == 0 and len(l4) >= 8 and \
                l4[0] in ICMP_ERRORS:
            p["q"] = _ip(l4[8:])
        yield p
